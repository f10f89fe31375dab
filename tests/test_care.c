/* tests/test_care.c — the care pathway (models/care.c, primary.c, outpatient.c,
 * hospital.c): calibration of the default scenario against the V rows of the shared
 * evidence table, exact bookkeeping (persons, money to the cent, no event for the dead),
 * Little's law on the beds, and the direction of capacity and behaviour changes.
 *
 * Every run uses a fixed seed (run.seed = 1, replication 0). Calibration bands are the
 * evidence ranges widened by the run's own noise, stated at each check; with 40 000
 * persons over 5 years the rates here have relative standard errors of 1-3% (measured
 * over replications 0-4 when the bands were set), well inside the bands.
 */
#include "tests/testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "models/model.h"
#include "models/outcomes.h"
#include "models/params.h"

/* A finished run of the default scenario with overrides, and its outcome row. */
struct run {
    struct model *m;
    double row[OUTC_COUNT];
};

static void run_scenario(struct run *r, int persons, double years, const char *const *extra,
                         size_t nextra)
{
    r->m = testutil_run_scenario(persons, years, extra, nextra, r->row);
}

static void check_band(const char *what, double v, double lo, double hi)
{
    print_message("%-44s %10.4f  (band %g - %g)\n", what, v, lo, hi);
    if (!(v >= lo && v <= hi))
        fail_msg("%s = %g is outside [%g, %g]", what, v, lo, hi);
}

/* ---- Calibration --------------------------------------------------------------------------- */

static struct run base_run; /* the default scenario, 40 000 persons, 5 years after warm-up */

static void free_base(void) { model_destroy(base_run.m); }

static const struct run *base(void)
{
    if (!base_run.m) {
        run_scenario(&base_run, 40000, 5.0, NULL, 0);
        atexit(free_base);
    }
    return &base_run;
}

static void test_doctor_consultations_are_near_the_oecd_average(void **state)
{
    (void)state;
    /* evidence.md: doctor consultations per person per year 6.8 (OECD average); the UK is
     * lower (about 5). GP plus specialist attendances must land in 5.5-8. */
    const double *row = base()->row;
    check_band("GP visits per person-year", row[OUTC_GP_VISITS], 4.0, 6.5);
    check_band("doctor consultations per person-year",
               row[OUTC_GP_VISITS] + row[OUTC_SPECIALIST_VISITS], 5.5, 8.0);
}

static void test_hospital_activity_matches_the_evidence(void **state)
{
    (void)state;
    const double *row = base()->row;
    /* evidence.md: discharges per 1000 146 (OECD); the band 120-180. */
    check_band("discharges per 1000 person-years", row[OUTC_DISCHARGES], 120.0, 180.0);
    /* evidence.md: occupancy 69.8% OECD, > 85-90% crisis; band 70-90%. */
    check_band("bed occupancy", row[OUTC_BED_OCCUPANCY], 0.70, 0.90);
    /* evidence.md: 30-day readmission 10-12% (England) to 19.6% (US); band 10-20%. */
    check_band("30-day readmission rate", row[OUTC_READMISSION_30D], 0.10, 0.20);
    /* evidence.md: ED visits ~300-400 per 1000; band widened by 5% each side. */
    check_band("ED visits per 1000 person-years", row[OUTC_ED_VISITS], 285.0, 420.0);
    /* evidence.md: average length of stay, acute ~7-8 days (OECD); England's is shorter.
     * Band 4-9 days. */
    check_band("mean length of stay, days", row[OUTC_MEAN_LOS], 4.0, 9.0);
    /* Emergency and elective admissions both present, emergencies the larger part. */
    check_band("emergency share of admissions",
               row[OUTC_EMERGENCY_ADMISSIONS] /
                   (row[OUTC_EMERGENCY_ADMISSIONS] + row[OUTC_ELECTIVE_ADMISSIONS]),
               0.5, 0.8);
}

static void test_referrals_and_multimorbid_use_match_the_evidence(void **state)
{
    (void)state;
    const double *row = base()->row;
    /* evidence.md: GP consultations ending in a referral 13.7% (UK); 5-15% across
     * countries. */
    check_band("referrals per GP visit", row[OUTC_REFERRAL_RATE], 0.05, 0.15);
    /* evidence.md: primary-care use, multimorbid vs not 2.3x (Cassell et al. 2018). */
    check_band("GP use, 2+ conditions vs fewer", row[OUTC_GP_USE_RATIO_MM2], 1.8, 3.0);
    /* evidence.md: life expectancy at birth ~80-82 (OECD 80.3); the band 78-84. */
    check_band("life expectancy at birth", row[OUTC_LIFE_EXPECTANCY_BIRTH], 78.0, 84.0);
}

static void test_unplanned_admission_odds_rise_steeply_with_conditions(void **state)
{
    (void)state;
    /* evidence.md: unplanned admission, 4+ conditions vs 0: odds ratio 5.9 (Payne et al.
     * 2013). Persons alive at the end, by their conditions then, admitted at least once in
     * the window (emergency or elective: the per-person counter holds both). Band 3-15:
     * the direction and order of magnitude. */
    const struct model *m = base()->m;
    double n[2] = {0, 0}, adm[2] = {0, 0};
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        if (!pop_alive(p) || pop_age(p, m->ctx.now) < 18.0)
            continue;
        int k = pop_ncond(p);
        int g = k == 0 ? 0 : k >= 4 ? 1 : -1;
        if (g < 0)
            continue;
        n[g] += 1;
        adm[g] += p->count[POP_ADMISSIONS] > 0;
    }
    assert_true(n[0] > 1000 && n[1] > 300);
    double odds0 = adm[0] / (n[0] - adm[0]), odds4 = adm[1] / (n[1] - adm[1]);
    check_band("admission odds ratio, 4+ vs 0 conditions", odds4 / odds0, 3.0, 15.0);
}

static void test_concentration_index_matches_the_grouped_formula(void **state)
{
    (void)state;
    /* y = 1..5 over equal quintiles: mean 3, fractional ranks 0.1 .. 0.9,
     * C = 2/3 x 0.2 x (0.8 + 0.2 + 0 + 0.2 + 0.8) = 0.26667; equal rates give 0; reversed
     * rates give the negative; unequal weights shift the ranks. */
    const double up[5] = {1, 2, 3, 4, 5}, down[5] = {5, 4, 3, 2, 1}, flat[5] = {2, 2, 2, 2, 2};
    const double w[5] = {1, 1, 1, 1, 1}, none[5] = {0, 0, 0, 0, 0};
    assert_near(outc_concentration_index(up, w), 0.8 / 3.0, 1e-12);
    assert_near(outc_concentration_index(down, w), -0.8 / 3.0, 1e-12);
    assert_near(outc_concentration_index(flat, w), 0.0, 1e-15);
    assert_true(isnan(outc_concentration_index(up, none)));
    /* Weights 4:1:1:1:1 on y = [0,1,1,1,1]: mean 0.5; shares 0.5, 0.125 x 4; ranks 0.25,
     * 0.5625, 0.6875, 0.8125, 0.9375; C = 4 x [0.5 (-0.5)(-0.25) + 0.125 x 0.5 x (0.0625
     * + 0.1875 + 0.3125 + 0.4375)] = 4 x (0.0625 + 0.0625) = 0.5. */
    const double y2[5] = {0, 1, 1, 1, 1}, w2[5] = {4, 1, 1, 1, 1};
    assert_near(outc_concentration_index(y2, w2), 0.5, 1e-12);
}

static void test_deprivation_gradients_have_the_evidence_direction(void **state)
{
    (void)state;
    /* evidence.md: onset 10-15 years earlier in the most deprived quintile (Barnett 2012);
     * the most deprived forgo more care (lower activation). So QALYs per life-year are
     * concentrated among the less deprived (index < 0), forgone care among the more
     * deprived (index > 0), and the most deprived use more GP care. */
    const double *row = base()->row;
    print_message("QALY/LY q1 %.4f q5 %.4f CI %.4f; forgone q1 %.0f q5 %.0f CI %.4f\n",
                  row[OUTC_QALY_RATE_Q1], row[OUTC_QALY_RATE_Q5], row[OUTC_QALY_CONCENTRATION],
                  row[OUTC_FORGONE_Q1], row[OUTC_FORGONE_Q5], row[OUTC_UNMET_CONCENTRATION]);
    assert_true(row[OUTC_QALY_RATE_Q5] < row[OUTC_QALY_RATE_Q1]);
    assert_true(row[OUTC_QALY_CONCENTRATION] < 0.0);
    assert_true(row[OUTC_FORGONE_Q5] > 1.2 * row[OUTC_FORGONE_Q1]);
    assert_true(row[OUTC_UNMET_CONCENTRATION] > 0.0);
    assert_true(row[OUTC_GP_VISITS_Q5] > row[OUTC_GP_VISITS_Q1]);
}

/* ---- Exact bookkeeping ----------------------------------------------------------------------- */

static void test_money_is_conserved_to_the_cent_with_copayments(void **state)
{
    (void)state;
    /* With copayments, what patients pay is exactly the copayment times the services they
     * used in the window, and the sector totals equal the sum over persons (outc_collect
     * checks that one too; here it is recomputed). */
    const char *sets[] = {"costs.copay_gp=5", "costs.copay_outpatient=12.5",
                          "costs.copay_ed=20"};
    struct run r;
    run_scenario(&r, 5000, 3.0, sets, 3);
    const struct model *m = r.m;
    int64_t persons = 0, sectors = 0;
    for (uint32_t id = 0; id < m->n_persons; id++)
        persons += m->persons[id].cost_cents;
    for (int s = 0; s < POP_NSECTORS; s++)
        sectors += m->tally.cost_cents[s];
    assert_true(persons == sectors);
    assert_true(persons > 0);
    const struct care_tally *t = &m->care.tally;
    int64_t want = 500 * (int64_t)t->gp_visits + 1250 * (int64_t)t->op_visits +
                   2000 * (int64_t)t->ed_visits;
    assert_true(m->tally.oop_cents == want);
    assert_near(r.row[OUTC_COST_OUT_OF_POCKET], (double)want / 100.0, 1e-6);
    double sum = 0.0;
    for (int s = 0; s < POP_NSECTORS; s++)
        sum += r.row[OUTC_COST_PRIMARY + s];
    assert_near(sum, r.row[OUTC_COST_TOTAL], 1e-6);
    /* Unit costs times services: primary care is exactly GP visits x 39. */
    assert_true(m->tally.cost_cents[POP_PRIMARY] == 3900 * (int64_t)t->gp_visits);
    model_destroy(r.m);
}

static void test_many_deaths_in_hospital_leave_no_event_for_the_dead(void **state)
{
    (void)state;
    /* A lethal hospital: persons die in beds, while boarding, with appointments booked and
     * on elective lists. No event may fire for them afterwards, and persons are conserved
     * (outc_collect checks both and fails the run otherwise). */
    const char *sets[] = {"hospital.admission_mortality_hr=200", "hospital.beds_per_1000=1.0"};
    struct run r;
    run_scenario(&r, 8000, 3.0, sets, 2);
    const struct model *m = r.m;
    print_message("deaths in hospital %.0f of %llu deaths\n", m->care.tally.deaths_in_hospital,
                  (unsigned long long)m->counts.deaths);
    assert_true(m->care.tally.deaths_in_hospital > 100);
    assert_true(m->counts.dead_events == 0);
    assert_true(r.row[OUTC_PERSONS_START] + r.row[OUTC_ENTRIES] - r.row[OUTC_DEATHS] ==
                r.row[OUTC_PERSONS_END]);
    /* Nobody dead is still counted in a bed, boarding or on a list. */
    for (uint32_t h = 0; h < m->care.n_hospitals; h++) {
        const struct care_hospital *ho = &m->care.hospitals[h];
        uint32_t in_bed = 0, listed = 0;
        for (uint32_t id = 0; id < m->n_persons; id++) {
            const struct person *p = &m->persons[id];
            if (!pop_alive(p))
                assert_false(p->flags & (POP_IN_HOSPITAL | POP_LISTED));
            in_bed += (p->flags & POP_IN_HOSPITAL) != 0;
            listed += (p->flags & POP_LISTED) != 0;
        }
        assert_int_equal(in_bed, ho->beds.q.busy + ho->beds.q.waiting);
        assert_int_equal(listed, ho->listed);
    }
    model_destroy(r.m);
}

/* ---- Queueing ---------------------------------------------------------------------------------- */

static void test_beds_obey_littles_law(void **state)
{
    (void)state;
    /* Mean occupied beds = stays per day x mean stay (Little's law). Over the window, busy
     * bed-days should equal the length of the stays ended in it, up to the stays that
     * straddle its ends (at most beds x a few days each side, under 2% of 5 years of bed-days
     * here). Tolerance 2%. */
    const struct run *r = base();
    const struct model *m = r->m;
    double window = m->end_day - m->warmup_end_day, beds = 0.0;
    for (uint32_t h = 0; h < m->care.n_hospitals; h++)
        beds += m->care.hospitals[h].nbeds;
    double busy = r->row[OUTC_BED_OCCUPANCY] * beds * window;
    assert_rel_near(m->care.tally.bed_days, busy, 0.02);
}

/* ---- Direction of changes ---------------------------------------------------------------------- */

static void test_fewer_gps_make_longer_waits_and_fewer_visits(void **state)
{
    (void)state;
    /* Waits emerge from capacity: a quarter fewer GPs at the same demand must lengthen the
     * mean wait by more than half and cannot raise visits. */
    const char *less[] = {"practices.clinicians=4.5"};
    struct run a, b;
    run_scenario(&a, 10000, 3.0, NULL, 0);
    run_scenario(&b, 10000, 3.0, less, 1);
    print_message("GP wait %.2f -> %.2f days; visits %.2f -> %.2f\n", a.row[OUTC_MEAN_WAIT_GP],
                  b.row[OUTC_MEAN_WAIT_GP], a.row[OUTC_GP_VISITS], b.row[OUTC_GP_VISITS]);
    assert_true(b.row[OUTC_MEAN_WAIT_GP] > 1.5 * a.row[OUTC_MEAN_WAIT_GP]);
    assert_true(b.row[OUTC_GP_VISITS] <= a.row[OUTC_GP_VISITS]);
    model_destroy(a.m);
    model_destroy(b.m);
}

static void test_fewer_beds_mean_boarding_cancellations_and_pressure(void **state)
{
    (void)state;
    /* A fifth fewer beds: more emergency patients board, more electives are cancelled,
     * occupancy rises, and the elective list grows (longer waits). */
    const char *less[] = {"hospital.beds_per_1000=2.2"};
    struct run a, b;
    run_scenario(&a, 20000, 3.0, NULL, 0);
    run_scenario(&b, 20000, 3.0, less, 1);
    print_message("boarded %.3f -> %.3f; cancelled %.1f -> %.1f; occupancy %.3f -> %.3f\n",
                  a.row[OUTC_BOARDED_SHARE], b.row[OUTC_BOARDED_SHARE],
                  a.row[OUTC_ELECTIVE_CANCELLED], b.row[OUTC_ELECTIVE_CANCELLED],
                  a.row[OUTC_BED_OCCUPANCY], b.row[OUTC_BED_OCCUPANCY]);
    assert_true(b.row[OUTC_BOARDED_SHARE] > a.row[OUTC_BOARDED_SHARE]);
    assert_true(b.row[OUTC_ELECTIVE_CANCELLED] > a.row[OUTC_ELECTIVE_CANCELLED]);
    assert_true(b.row[OUTC_BED_OCCUPANCY] > a.row[OUTC_BED_OCCUPANCY]);
    assert_true(b.row[OUTC_ELECTIVE_ADMISSIONS] < a.row[OUTC_ELECTIVE_ADMISSIONS]);
    model_destroy(a.m);
    model_destroy(b.m);
}

/* Share of present conditions that are controlled among the living at the end. */
static double controlled_share(const struct model *m)
{
    double has = 0, ctl = 0;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        if (pop_alive(p)) {
            has += pop_ncond(p);
            ctl += __builtin_popcount(p->controlled);
        }
    }
    return ctl / has;
}

static double exacerbations(const struct model *m)
{
    double n = 0;
    for (int c = 0; c < DIS_COUNT; c++)
        n += m->care.tally.exacerbations[c];
    return n;
}

static void test_forgone_care_leaves_conditions_uncontrolled_and_raises_risk(void **state)
{
    (void)state;
    /* Forgone reviews leave conditions uncontrolled and unmet need raises exacerbation
     * rates until the next GP visit: much more forgoing must lower the controlled share
     * and raise exacerbations (same persons, same clocks until their care differs). The
     * net effect on admissions is small in this model, because the GP time freed shortens
     * waits and so fewer urgent patients turn to the ED: not asserted here. */
    const char *forgo[] = {"care_seeking.forgo_probability=[0.6, 0.5, 0.4, 0.3]"};
    struct run a, b;
    run_scenario(&a, 20000, 3.0, NULL, 0);
    run_scenario(&b, 20000, 3.0, forgo, 1);
    double ca = controlled_share(a.m), cb = controlled_share(b.m);
    double ea = exacerbations(a.m), eb = exacerbations(b.m);
    print_message("forgone %.0f -> %.0f; controlled %.3f -> %.3f; exacerbations %.0f -> %.0f\n",
                  a.row[OUTC_FORGONE], b.row[OUTC_FORGONE], ca, cb, ea, eb);
    assert_true(b.row[OUTC_FORGONE] > 3 * a.row[OUTC_FORGONE]);
    assert_true(cb < ca - 0.05);
    assert_true(eb > 1.05 * ea);
    assert_true(b.row[OUTC_GP_VISITS] < a.row[OUTC_GP_VISITS]);
    model_destroy(a.m);
    model_destroy(b.m);
}

static void test_distance_makes_rural_persons_forgo_more_care(void **state)
{
    (void)state;
    /* care_seeking.rural_forgo_extra adds to the rural persons' chance of forgoing (17%
     * of persons are rural): raising it from 0 to 0.3 must raise forgone needs by more than
     * 0.3 x 17% x the needs at risk, i.e. clearly (paired runs, 10 000 persons, 2 years;
     * checked: > 10% more). */
    const char *none[] = {"care_seeking.rural_forgo_extra=0"};
    const char *far[] = {"care_seeking.rural_forgo_extra=0.3"};
    struct run a, b;
    run_scenario(&a, 10000, 2.0, none, 1);
    run_scenario(&b, 10000, 2.0, far, 1);
    print_message("forgone %.0f -> %.0f\n", a.row[OUTC_FORGONE], b.row[OUTC_FORGONE]);
    assert_true(b.row[OUTC_FORGONE] > 1.10 * a.row[OUTC_FORGONE]);
    model_destroy(a.m);
    model_destroy(b.m);
}

static void test_share_combinations_are_refused_by_the_model_and_validate(void **state)
{
    (void)state;
    /* Each share is within its range, but together they exceed 1: model_create and
     * `caresim validate` refuse it, naming both keys (exit 2). */
    struct model_params par;
    const char *sets[] = {"disease.copd.severe_share=0.7", "disease.copd.self_care_share=0.5"};
    testutil_default_params(&par, sets, 2);
    struct sim_err err;
    sim_err_clear(&err);
    assert_null(model_create(&par, 0, &err));
    assert_int_equal(err.code, SIM_EINVAL);
    assert_non_null(strstr(err.msg, "disease.copd.severe_share + disease.copd.self_care_share"));
    char dir[] = "/tmp/caresim-test-care-XXXXXX", out[64], errf[64];
    assert_non_null(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/out.txt", dir);
    snprintf(errf, sizeof errf, "%s/err.txt", dir);
    char *argv[] = {"validate", "scenarios/base.cfg", "--set", "care_seeking.other_ed_share=0.9",
                    NULL};
    assert_int_equal(testutil_run_captured(cli_validate, 4, argv, out, errf), 2);
    char *msg = testutil_slurp(errf, NULL);
    assert_non_null(strstr(msg, "care_seeking.other_self_care_share + "
                                "care_seeking.other_ed_share: must not exceed 1"));
    free(msg);
    remove(out);
    remove(errf);
    rmdir(dir);
}

static void test_pathway_changes_leave_disease_onsets_alone(void **state)
{
    (void)state;
    /* Common random numbers: halving GP capacity changes care everywhere, but onset clocks
     * never depend on care, so every diagnosis of an initial person before their earlier
     * death in the two runs is the same to the bit. */
    const char *less[] = {"practices.clinicians=3"};
    struct run a, b;
    run_scenario(&a, 5000, 3.0, NULL, 0);
    run_scenario(&b, 5000, 3.0, less, 1);
    uint32_t compared = 0;
    for (uint32_t id = 0; id < a.m->n_start; id++) {
        const struct person *pa = &a.m->persons[id], *pb = &b.m->persons[id];
        double until = fmin(pop_alive(pa) ? INFINITY : pa->last_day,
                            pop_alive(pb) ? INFINITY : pb->last_day);
        for (int c = 0; c < DIS_COUNT; c++)
            if ((double)pa->onset_day[c] < until || (double)pb->onset_day[c] < until) {
                assert_true(pa->onset_day[c] == pb->onset_day[c]);
                compared++;
            }
    }
    assert_true(compared > 1000);
    model_destroy(a.m);
    model_destroy(b.m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doctor_consultations_are_near_the_oecd_average),
        cmocka_unit_test(test_hospital_activity_matches_the_evidence),
        cmocka_unit_test(test_referrals_and_multimorbid_use_match_the_evidence),
        cmocka_unit_test(test_unplanned_admission_odds_rise_steeply_with_conditions),
        cmocka_unit_test(test_concentration_index_matches_the_grouped_formula),
        cmocka_unit_test(test_deprivation_gradients_have_the_evidence_direction),
        cmocka_unit_test(test_money_is_conserved_to_the_cent_with_copayments),
        cmocka_unit_test(test_many_deaths_in_hospital_leave_no_event_for_the_dead),
        cmocka_unit_test(test_beds_obey_littles_law),
        cmocka_unit_test(test_fewer_gps_make_longer_waits_and_fewer_visits),
        cmocka_unit_test(test_fewer_beds_mean_boarding_cancellations_and_pressure),
        cmocka_unit_test(test_forgone_care_leaves_conditions_uncontrolled_and_raises_risk),
        cmocka_unit_test(test_distance_makes_rural_persons_forgo_more_care),
        cmocka_unit_test(test_share_combinations_are_refused_by_the_model_and_validate),
        cmocka_unit_test(test_pathway_changes_leave_disease_onsets_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
