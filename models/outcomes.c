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
};

/* Readable names of the conditions for the descriptions, in enum dis_condition order (the
 * column names use the scenario names, params_condition_names). */
static const char *const condition_labels[DIS_COUNT] = {
    "hypertension",       "type 2 diabetes", "coronary heart disease",
    "heart failure",      "chronic kidney disease stage 3-5", "COPD",
    "depression",         "dementia",        "active cancer",
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
    if (k->persons_start + k->entries != k->deaths + alive || k->alive != alive)
        return sim_err_set(err, SIM_ESTATE,
                           "outcomes: persons_start %llu + entries %llu - deaths %llu != "
                           "persons alive %llu (running count %llu; a bug in the model)",
                           (unsigned long long)k->persons_start, (unsigned long long)k->entries,
                           (unsigned long long)k->deaths, (unsigned long long)alive,
                           (unsigned long long)k->alive);
    return 0;
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
    for (int c = 0; c < DIS_COUNT; c++)
        row[OUTC_ONSET_FIRST + c] = m->tally.onsets[c] * per_1000;
    free(census);
    return 0;
}
