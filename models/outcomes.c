/* models/outcomes.c — one finished replication as a row of outcome values (see outcomes.h
 * for the windows each column covers). Reads the model; writes only the caller's row.
 */
#include "models/outcomes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "models/population.h"

/* Name, unit and description of the columns before the per-condition ones. */
static const struct {
    const char *name; /* column name */
    const char *unit; /* unit of the values */
    const char *desc; /* one-line description */
} fixed[OUTC_ONSET_FIRST] = {
    [OUTC_PERSONS_START] = {"persons_start", "persons", "persons alive at the start of the run "
                                                        "(time 0, before the warm-up)"},
    [OUTC_PERSONS_END] = {"persons_end", "persons", "persons alive at the end of the run"},
    [OUTC_ENTRIES] = {"entries", "persons", "newborns added during the whole run, warm-up "
                                            "included"},
    [OUTC_DEATHS] = {"deaths", "persons", "deaths during the whole run, warm-up included"},
    [OUTC_PERSON_YEARS] = {"person_years", "person-years",
                           "person-years lived in the recording window, from the tally by sex and "
                           "age (the denominator of the rates)"},
    [OUTC_LIFE_YEARS] = {"life_years", "years", "life-years lived in the recording window, "
                                                "summed over all persons alive or dead"},
    [OUTC_LIFE_YEARS_DISC] = {"life_years_disc", "years",
                              "life_years discounted continuously at economics.discount_effects "
                              "to the start of the recording window"},
    [OUTC_QALYS] = {"qalys", "QALYs", "quality-adjusted life-years in the recording window, "
                                      "summed over all persons alive or dead"},
    [OUTC_QALYS_DISC] = {"qalys_disc", "QALYs", "qalys discounted continuously at "
                                                "economics.discount_effects to the start of "
                                                "the recording window"},
    [OUTC_MEAN_UTILITY] = {"mean_utility", "EQ-5D", "mean utility per life-year lived in the "
                                                    "recording window (qalys / life_years)"},
    [OUTC_DEATHS_PER_1000_YEAR] = {"deaths_per_1000_year", "per 1000 person-years",
                                   "deaths in the recording window per 1000 person-years"},
    [OUTC_LIFE_EXPECTANCY_BIRTH] = {"life_expectancy_birth", "years",
                                    "period life expectancy at birth, both sexes, from deaths "
                                    "and person-years by single year of age in the recording "
                                    "window"},
    [OUTC_MULTIMORBIDITY_ALL] = {"multimorbidity_prev_all", "fraction",
                                 "share of persons alive at the end of the run with 2 or more "
                                 "chronic conditions, all ages"},
    [OUTC_MULTIMORBIDITY_65PLUS] = {"multimorbidity_prev_65plus", "fraction",
                                    "share of persons aged 65 or over alive at the end of the "
                                    "run with 2 or more chronic conditions"},
#define PER_PY "per person-year"
#define PER_1000 "per 1000 person-years"
    [OUTC_GP_VISITS] = {"gp_visits_per_person_year", PER_PY,
                        "general-practice consultations in the recording window per "
                        "person-year"},
    [OUTC_SPECIALIST_VISITS] = {"specialist_visits_per_person_year", PER_PY,
                                "specialist clinic attendances (first and follow-up) per "
                                "person-year"},
    [OUTC_ED_VISITS] = {"ed_visits_per_1000_year", PER_1000,
                        "emergency department attendances per 1000 person-years"},
    [OUTC_EMERGENCY_ADMISSIONS] = {"emergency_admissions_per_1000_year", PER_1000,
                                   "emergency admissions (from the ED) per 1000 "
                                   "person-years"},
    [OUTC_ELECTIVE_ADMISSIONS] = {"elective_admissions_per_1000_year", PER_1000,
                                  "elective admissions from the waiting list per 1000 "
                                  "person-years"},
    [OUTC_AVOIDABLE_ADMISSIONS] = {"avoidable_admissions_per_1000_year", PER_1000,
                                   "emergency admissions for ambulatory-care-sensitive "
                                   "conditions per 1000 person-years"},
    [OUTC_DISCHARGES] = {"discharges_per_1000_year", PER_1000,
                         "hospital stays ended (discharge or death) per 1000 person-years"},
    [OUTC_READMISSION_30D] = {"readmission_30d_rate", "fraction",
                              "emergency admissions within hospital.post_discharge_days of "
                              "a discharge, per discharge alive"},
    [OUTC_MEAN_LOS] = {"mean_los_days", "days", "mean length of the stays ended in the "
                                                "recording window"},
    [OUTC_BED_OCCUPANCY] = {"bed_occupancy", "fraction",
                            "occupied bed-days / available bed-days over the recording "
                            "window, all hospitals"},
    [OUTC_BOARDED_SHARE] = {"boarded_share", "fraction",
                            "share of emergency admissions that waited in the ED for a bed"},
    [OUTC_MEAN_WAIT_GP] = {"mean_wait_gp_days", "days",
                           "mean time from a GP request to the booked appointment"},
    [OUTC_MEAN_WAIT_SPECIALIST] = {"mean_wait_specialist_days", "days",
                                   "mean time from a referral to the first specialist "
                                   "appointment"},
    [OUTC_MEAN_WAIT_ELECTIVE] = {"mean_wait_elective_days", "days",
                                 "mean time from listing to elective admission, over the "
                                 "admissions of the recording window"},
    [OUTC_ELECTIVE_CANCELLED] = {"elective_cancellations_per_1000_year", PER_1000,
                                 "elective admissions cancelled for want of a bed"},
    [OUTC_FORGONE] = {"forgone_care_episodes", "episodes",
                      "needs (acute or review) not taken to care in the recording window"},
    [OUTC_POSTACUTE_RATE] = {"post_acute_discharge_rate", "fraction",
                             "discharges to post-acute (intermediate or nursing) care per "
                             "discharge alive"},
    [OUTC_REFERRAL_RATE] = {"referrals_per_gp_visit", "fraction",
                            "GP consultations ending in a specialist referral"},
    [OUTC_GP_USE_RATIO_MM2] = {"gp_use_ratio_multimorbid", "ratio",
                               "GP consultations per person-year of persons with 2+ "
                               "conditions over those of persons with fewer"},
    [OUTC_COST_TOTAL] = {"cost_total", "currency",
                         "all care costs in the recording window, undiscounted"},
    [OUTC_COST_PRIMARY] = {"cost_primary", "currency", "general-practice costs"},
    [OUTC_COST_OUTPATIENT] = {"cost_outpatient", "currency", "specialist clinic costs"},
    [OUTC_COST_ED] = {"cost_ed", "currency", "emergency department costs"},
    [OUTC_COST_INPATIENT] = {"cost_inpatient", "currency", "hospital stay costs"},
    [OUTC_COST_POSTACUTE] = {"cost_postacute", "currency", "post-acute care costs"},
    [OUTC_COST_OTHER] = {"cost_other", "currency",
                         "other costs (case management, telehealth...)"},
    [OUTC_COST_OUT_OF_POCKET] = {"cost_out_of_pocket", "currency",
                                 "part of cost_total paid by patients (copayments)"},
    [OUTC_COST_TOTAL_DISC] = {"cost_total_disc", "currency",
                              "cost_total discounted continuously at economics.discount_costs "
                              "to the start of the recording window"},
    [OUTC_COST_PER_PERSON_YEAR] = {"cost_per_person_year", "currency",
                                   "cost_total per person-year"},
    [OUTC_SPEND_PAYER] = {"spend_payer", "currency",
                          "money paid by the public payer in the recording window (all "
                          "mechanisms; the ledger)"},
    [OUTC_SPEND_GP] = {"spend_gp", "currency",
                       "money received by general practices (payer and copayments)"},
    [OUTC_SPEND_SPECIALIST] = {"spend_specialist", "currency",
                               "money received by specialist clinics"},
    [OUTC_SPEND_HOSPITAL] = {"spend_hospital", "currency",
                             "money received by hospitals, less what they pay post-acute "
                             "providers inside bundles"},
    [OUTC_SPEND_POSTACUTE] = {"spend_postacute", "currency",
                              "money received by post-acute providers"},
    [OUTC_SPEND_COMMUNITY] = {"spend_community", "currency",
                              "money received by community services and systems (case "
                              "management, transitional care, telehealth, records)"},
    [OUTC_MARGIN_GP] = {"margin_gp", "currency",
                        "general practices' revenue minus the unit cost of their "
                        "consultations"},
    [OUTC_MARGIN_HOSPITAL] = {"margin_hospital", "currency",
                              "hospitals' net revenue minus the unit cost of ED attendances "
                              "and stays"},
    [OUTC_SELF_REFERRALS] = {"self_referrals_per_1000_year", PER_1000,
                             "needs taken straight to a specialist clinic (no gatekeeping)"},
    [OUTC_HOME_STAYS] = {"hospital_at_home_per_1000_year", PER_1000,
                         "emergency episodes treated by hospital at home"},
    [OUTC_CASE_MANAGED] = {"case_managed_end", "persons",
                           "persons enrolled in case management at the end of the run"},
    [OUTC_DECISION_REVIEW] = {"decision_review_frequency", "multiplier",
                              "GPs' chosen review frequency for controlled patients, relative "
                              "to the clinically indicated one"},
    [OUTC_DECISION_REVIEW_UNC] = {"decision_review_frequency_uncontrolled", "multiplier",
                                  "the same for patients with an uncontrolled condition"},
    [OUTC_DECISION_REFERRAL] = {"decision_referral", "multiplier",
                                "GPs' referral propensity relative to the indicated one"},
    [OUTC_DECISION_FOLLOWUP] = {"decision_followup", "multiplier",
                                "specialists' follow-up propensity"},
    [OUTC_DECISION_LOS] = {"decision_length_of_stay", "multiplier",
                           "hospitals' length of stay relative to the indicated one"},
    [OUTC_DECISION_ADMISSION] = {"decision_admission", "multiplier",
                                 "hospitals' propensity to admit from the ED"},
    [OUTC_DECISION_POSTACUTE] = {"decision_postacute", "multiplier",
                                 "hospitals' propensity to discharge to post-acute care"},
    [OUTC_DECISION_CONTROL] = {"decision_control_effort", "multiplier",
                               "GPs' effort to bring a condition under control at a visit"},
    [OUTC_QALY_RATE_Q1] = {"qalys_per_life_year_q1", "QALYs/year",
                           "QALYs per life-year in the window, least deprived quintile"},
    [OUTC_QALY_RATE_Q5] = {"qalys_per_life_year_q5", "QALYs/year",
                           "QALYs per life-year in the window, most deprived quintile"},
    [OUTC_QALY_CONCENTRATION] = {"qaly_concentration_index", "index",
                                 "concentration index of QALYs per life-year over deprivation "
                                 "quintiles ranked least to most deprived (negative: "
                                 "concentrated among the less deprived); grouped-data "
                                 "formula over the five quintiles"},
    [OUTC_GP_VISITS_Q1] = {"gp_visits_per_person_year_q1", PER_PY,
                           "GP consultations per person-year, least deprived quintile"},
    [OUTC_GP_VISITS_Q5] = {"gp_visits_per_person_year_q5", PER_PY,
                           "GP consultations per person-year, most deprived quintile"},
    [OUTC_ADMISSIONS_Q1] = {"admissions_per_1000_year_q1", PER_1000,
                            "hospital admissions (emergency and elective), least deprived"},
    [OUTC_ADMISSIONS_Q5] = {"admissions_per_1000_year_q5", PER_1000,
                            "hospital admissions (emergency and elective), most deprived"},
    [OUTC_FORGONE_Q1] = {"forgone_per_1000_year_q1", PER_1000,
                         "needs not taken to care, least deprived quintile"},
    [OUTC_FORGONE_Q5] = {"forgone_per_1000_year_q5", PER_1000,
                         "needs not taken to care, most deprived quintile"},
    [OUTC_UNMET_CONCENTRATION] = {"unmet_need_concentration_index", "index",
                                  "concentration index of forgone needs per person-year over "
                                  "deprivation quintiles ranked least to most deprived "
                                  "(positive: concentrated among the more deprived)"},
};

/* Readable names of the conditions for the descriptions, in enum dis_condition order (the
 * column names use the scenario names, params_condition_names). */
static const char *const condition_labels[DIS_COUNT] = {
    "hypertension",       "type 2 diabetes", "coronary heart disease",
    "heart failure",      "chronic kidney disease stage 3-5", "COPD",
    "depression",         "dementia",        "active cancer",
};

const int outc_primary[OUTC_PRIMARY_COUNT] = {
    OUTC_COST_TOTAL_DISC, OUTC_QALYS_DISC, OUTC_EMERGENCY_ADMISSIONS, OUTC_GP_VISITS,
    OUTC_DEATHS_PER_1000_YEAR,
};

int outc_column_info(int col, struct outc_info *info, struct sim_err *err)
{
    memset(info, 0, sizeof *info);
    if (col < 0 || col >= OUTC_COUNT)
        return sim_err_set(err, SIM_EINVAL, "outcomes: no column %d (there are %d)", col,
                           OUTC_COUNT);
    if (col < OUTC_ONSET_FIRST) {
        snprintf(info->name, sizeof info->name, "%s", fixed[col].name);
        snprintf(info->unit, sizeof info->unit, "%s", fixed[col].unit);
        snprintf(info->desc, sizeof info->desc, "%s", fixed[col].desc);
        return 0;
    }
    int c = col - OUTC_ONSET_FIRST;
    snprintf(info->name, sizeof info->name, "onset_%s_per_1000_year", params_condition_names[c]);
    snprintf(info->unit, sizeof info->unit, "per 1000 person-years");
    snprintf(info->desc, sizeof info->desc,
             "new diagnoses of %s in the recording window per 1000 person-years lived by "
             "everyone (not only those at risk)",
             condition_labels[c]);
    return 0;
}

/* The invariants only a bug can break; counts the living by a scan, independently of the
 * running count. */
static int check_invariants(const struct model *m, uint64_t *alive_scanned, struct sim_err *err)
{
    const struct model_counts *k = &m->counts;
    uint64_t alive = 0;
    for (uint32_t id = 0; id < m->n_persons; id++)
        alive += pop_alive(&m->persons[id]) != 0;
    *alive_scanned = alive;
    if (k->dead_events != 0)
        return sim_err_set(err, SIM_ESTATE,
                           "outcomes: %llu events fired for dead persons (a bug in the model)",
                           (unsigned long long)k->dead_events);
    if ((uint64_t)m->n_persons != k->persons_start + k->entries)
        return sim_err_set(err, SIM_ESTATE,
                           "outcomes: %u person ids handed out, but %llu initial persons + "
                           "%llu entries (a bug in the model)",
                           m->n_persons, (unsigned long long)k->persons_start,
                           (unsigned long long)k->entries);
    int64_t by_person = 0, by_sector = 0;
    for (uint32_t id = 0; id < m->n_persons; id++)
        by_person += m->persons[id].cost_cents;
    for (int s = 0; s < POP_NSECTORS; s++)
        by_sector += m->tally.cost_cents[s];
    if (by_person != by_sector)
        return sim_err_set(err, SIM_ESTATE,
                           "outcomes: costs summed over persons (%lld cents) differ from the "
                           "sector totals (%lld cents) (a bug in the model)",
                           (long long)by_person, (long long)by_sector);
    if (k->persons_start + k->entries != k->deaths + alive || k->alive != alive)
        return sim_err_set(err, SIM_ESTATE,
                           "outcomes: persons_start %llu + entries %llu - deaths %llu != "
                           "persons alive %llu (running count %llu; a bug in the model)",
                           (unsigned long long)k->persons_start, (unsigned long long)k->entries,
                           (unsigned long long)k->deaths, (unsigned long long)alive,
                           (unsigned long long)k->alive);
    return 0;
}

/* The care columns, from the care tally (py: person-years in the window). */
static void care_outcomes(const struct model *m, double *row, double py)
{
    const struct care_tally *t = &m->care.tally;
    double per_1000 = py > 0.0 ? 1000.0 / py : NAN;
    row[OUTC_GP_VISITS] = outc_ratio(t->gp_visits, py);
    row[OUTC_SPECIALIST_VISITS] = outc_ratio(t->op_visits, py);
    row[OUTC_ED_VISITS] = t->ed_visits * per_1000;
    row[OUTC_EMERGENCY_ADMISSIONS] = t->admissions_emergency * per_1000;
    row[OUTC_ELECTIVE_ADMISSIONS] = t->admissions_elective * per_1000;
    row[OUTC_AVOIDABLE_ADMISSIONS] = t->admissions_avoidable * per_1000;
    row[OUTC_DISCHARGES] = t->discharges * per_1000;
    row[OUTC_READMISSION_30D] = outc_ratio(t->readmissions_30d, t->discharges_alive);
    row[OUTC_MEAN_LOS] = outc_ratio(t->bed_days, t->discharges);
    row[OUTC_BED_OCCUPANCY] = care_bed_occupancy(m);
    row[OUTC_BOARDED_SHARE] = outc_ratio(t->boarded, t->admissions_emergency);
    row[OUTC_MEAN_WAIT_GP] = outc_ratio(t->gp_wait_days, t->gp_requests);
    row[OUTC_MEAN_WAIT_SPECIALIST] = outc_ratio(t->op_wait_days, t->op_referrals);
    row[OUTC_MEAN_WAIT_ELECTIVE] = outc_ratio(t->elective_wait_days, t->admissions_elective);
    row[OUTC_ELECTIVE_CANCELLED] = t->elective_cancelled * per_1000;
    row[OUTC_FORGONE] = t->forgone;
    row[OUTC_POSTACUTE_RATE] = outc_ratio(t->postacute, t->discharges_alive);
    row[OUTC_REFERRAL_RATE] = outc_ratio(t->gp_referrals, t->gp_visits);
    double py_mm = m->tally.person_years_mm2;
    row[OUTC_GP_USE_RATIO_MM2] = outc_ratio(outc_ratio(t->gp_visits_mm2, py_mm),
                                       outc_ratio(t->gp_visits - t->gp_visits_mm2, py - py_mm));
    int64_t total = 0;
    for (int s = 0; s < POP_NSECTORS; s++) {
        total += m->tally.cost_cents[s];
        row[OUTC_COST_PRIMARY + s] = (double)m->tally.cost_cents[s] / 100.0;
    }
    row[OUTC_COST_TOTAL] = (double)total / 100.0;
    row[OUTC_COST_OUT_OF_POCKET] = (double)m->tally.oop_cents / 100.0;
    double disc = 0.0;
    for (uint32_t id = 0; id < m->n_persons; id++)
        disc += m->persons[id].cost_disc;
    row[OUTC_COST_TOTAL_DISC] = disc;
    row[OUTC_COST_PER_PERSON_YEAR] = outc_ratio(row[OUTC_COST_TOTAL], py);
    row[OUTC_SPEND_PAYER] = pay_paid(m, PAY_PAYER);
    row[OUTC_SPEND_GP] = pay_received(m, PAY_GP);
    row[OUTC_SPEND_SPECIALIST] = pay_received(m, PAY_SPECIALIST);
    row[OUTC_SPEND_HOSPITAL] = pay_received(m, PAY_HOSPITAL) - pay_paid(m, PAY_HOSPITAL);
    row[OUTC_SPEND_POSTACUTE] = pay_received(m, PAY_POSTACUTE);
    row[OUTC_SPEND_COMMUNITY] = pay_received(m, PAY_COMMUNITY);
    row[OUTC_MARGIN_GP] = row[OUTC_SPEND_GP] - row[OUTC_COST_PRIMARY];
    row[OUTC_MARGIN_HOSPITAL] = row[OUTC_SPEND_HOSPITAL] - row[OUTC_COST_ED] -
                                row[OUTC_COST_INPATIENT];
    row[OUTC_SELF_REFERRALS] = t->self_referrals * per_1000;
    row[OUTC_HOME_STAYS] = t->home_stays * per_1000;
    row[OUTC_CASE_MANAGED] = m->care.cm_enrolled;
    const struct pay_decisions *d = &m->decide;
    row[OUTC_DECISION_REVIEW] = d->review[0];
    row[OUTC_DECISION_REVIEW_UNC] = d->review[1];
    row[OUTC_DECISION_REFERRAL] = d->referral;
    row[OUTC_DECISION_FOLLOWUP] = d->followup;
    row[OUTC_DECISION_LOS] = d->los;
    row[OUTC_DECISION_ADMISSION] = d->admission;
    row[OUTC_DECISION_POSTACUTE] = d->postacute;
    row[OUTC_DECISION_CONTROL] = d->control;
}

/* Concentration index of a rate over the five quintiles (ranked 1 = least .. 5 = most
 * deprived), grouped data: C = 2 / mu * sum_q w_q (y_q - mu) (R_q - 1/2), with w_q the
 * quintile's share of person-years, R_q its fractional rank (midpoint of its cumulative
 * share) and mu the overall mean. NaN without exposure or with a zero mean. */
double outc_concentration_index(const double y[5], const double w[5])
{
    double tot = 0.0, mu = 0.0;
    for (int q = 0; q < 5; q++)
        tot += w[q];
    if (!(tot > 0.0))
        return NAN;
    for (int q = 0; q < 5; q++)
        mu += w[q] / tot * y[q];
    if (mu == 0.0 || !isfinite(mu))
        return NAN;
    double c = 0.0, cum = 0.0;
    for (int q = 0; q < 5; q++) {
        double share = w[q] / tot, rank = cum + share / 2.0;
        c += share * (y[q] - mu) * (rank - 0.5);
        cum += share;
    }
    return 2.0 / mu * c;
}

/* The equity columns: outcomes by deprivation quintile from the persons' own totals. */
static void equity_outcomes(const struct model *m, double *row)
{
    double ly[5] = {0}, qaly[5] = {0}, gp[5] = {0}, adm[5] = {0};
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        int q = p->deprivation - 1;
        ly[q] += pop_life_years(m, p);
        qaly[q] += p->qaly;
        gp[q] += p->count[POP_GP_VISITS];
        adm[q] += p->count[POP_ADMISSIONS];
    }
    double qrate[5], unmet[5];
    for (int q = 0; q < 5; q++) {
        qrate[q] = outc_ratio(qaly[q], ly[q]);
        unmet[q] = outc_ratio(m->care.tally.forgone_q[q], ly[q]);
    }
    row[OUTC_QALY_RATE_Q1] = qrate[0];
    row[OUTC_QALY_RATE_Q5] = qrate[4];
    row[OUTC_QALY_CONCENTRATION] = outc_concentration_index(qrate, ly);
    row[OUTC_GP_VISITS_Q1] = outc_ratio(gp[0], ly[0]);
    row[OUTC_GP_VISITS_Q5] = outc_ratio(gp[4], ly[4]);
    row[OUTC_ADMISSIONS_Q1] = 1000.0 * outc_ratio(adm[0], ly[0]);
    row[OUTC_ADMISSIONS_Q5] = 1000.0 * outc_ratio(adm[4], ly[4]);
    row[OUTC_FORGONE_Q1] = 1000.0 * unmet[0];
    row[OUTC_FORGONE_Q5] = 1000.0 * unmet[4];
    row[OUTC_UNMET_CONCENTRATION] = outc_concentration_index(unmet, ly);
}

int outc_collect(const struct model *m, double row[OUTC_COUNT], struct sim_err *err)
{
    for (int i = 0; i < OUTC_COUNT; i++)
        row[i] = NAN;
    if (!m->finished)
        return sim_err_set(err, SIM_ESTATE, "outcomes: the run has not finished");
    uint64_t alive;
    int rc = check_invariants(m, &alive, err);
    if (rc)
        return rc;
    /* The census is ~66 kB: too big for the stack of a worker thread. */
    struct pop_census *census = malloc(sizeof *census);
    if (!census)
        return sim_err_set(err, SIM_ENOMEM, "outcomes: out of memory");
    pop_census_take(m, census);

    double ly = 0.0, ly_disc = 0.0, qaly = 0.0, qaly_disc = 0.0;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        ly += pop_life_years(m, p);
        ly_disc += p->ly_disc;
        qaly += p->qaly;
        qaly_disc += p->qaly_disc;
    }
    double py = 0.0, deaths = 0.0;
    for (int s = 0; s < 2; s++)
        for (int a = 0; a < POP_AGES; a++) {
            py += m->tally.person_years[s][a];
            deaths += m->tally.deaths[s][a];
        }
    /* Per 1000 person-years; NaN without exposure rather than a division by zero. */
    double per_1000 = py > 0.0 ? 1000.0 / py : NAN;

    row[OUTC_PERSONS_START] = (double)m->counts.persons_start;
    row[OUTC_PERSONS_END] = (double)alive;
    row[OUTC_ENTRIES] = (double)m->counts.entries;
    row[OUTC_DEATHS] = (double)m->counts.deaths;
    row[OUTC_PERSON_YEARS] = py;
    row[OUTC_LIFE_YEARS] = ly;
    row[OUTC_LIFE_YEARS_DISC] = ly_disc;
    row[OUTC_QALYS] = qaly;
    row[OUTC_QALYS_DISC] = qaly_disc;
    row[OUTC_MEAN_UTILITY] = ly > 0.0 ? qaly / ly : NAN;
    row[OUTC_DEATHS_PER_1000_YEAR] = deaths * per_1000;
    row[OUTC_LIFE_EXPECTANCY_BIRTH] = pop_life_expectancy(m, -1);
    row[OUTC_MULTIMORBIDITY_ALL] = pop_census_share(census, POP_MM2, 0, POP_AGES + 1, -1, 0,
                                                    NULL);
    row[OUTC_MULTIMORBIDITY_65PLUS] = pop_census_share(census, POP_MM2, 65, POP_AGES + 1, -1,
                                                       0, NULL);
    care_outcomes(m, row, py);
    equity_outcomes(m, row);
    for (int c = 0; c < DIS_COUNT; c++)
        row[OUTC_ONSET_FIRST + c] = m->tally.onsets[c] * per_1000;
    free(census);
    return 0;
}
