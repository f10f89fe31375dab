/* models/series.c — monthly time series, outcomes by group and the ledger by year (see
 * series.h). Touches the model only in ser_snapshot.
 */
#include "models/series.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "models/population.h"

/* ---- Column tables -------------------------------------------------------------------------- */

struct col_text {
    const char *name, *unit, *desc;
};

static int column_info(const struct col_text *t, int n, int col, struct outc_info *info,
                       struct sim_err *err)
{
    memset(info, 0, sizeof *info);
    if (col < 0 || col >= n)
        return sim_err_set(err, SIM_EINVAL, "series: no column %d (there are %d)", col, n);
    snprintf(info->name, sizeof info->name, "%s", t[col].name);
    snprintf(info->unit, sizeof info->unit, "%s", t[col].unit);
    snprintf(info->desc, sizeof info->desc, "%s", t[col].desc);
    return 0;
}

static const struct col_text ser_text[SER_COUNT] = {
    [SER_REPLICATION] = {"replication", "index", "replication the row belongs to"},
    [SER_MONTH] = {"month", "month", "month of the recording window, 1 = the first"},
    [SER_YEAR] = {"year", "years", "end of the month, years from the start of the window"},
    [SER_PERSONS] = {"persons", "persons", "persons alive at the end of the month"},
    [SER_DEATHS] = {"deaths", "persons", "deaths in the month"},
    [SER_GP_VISITS] = {"gp_visits", "visits", "GP consultations in the month"},
    [SER_SPECIALIST_VISITS] = {"specialist_visits", "visits",
                               "specialist attendances in the month"},
    [SER_ED_VISITS] = {"ed_visits", "visits", "ED attendances in the month"},
    [SER_EMERGENCY_ADMISSIONS] = {"emergency_admissions", "admissions",
                                  "emergency admissions in the month"},
    [SER_ELECTIVE_ADMISSIONS] = {"elective_admissions", "admissions",
                                 "elective admissions in the month"},
    [SER_OCCUPIED_BEDS] = {"occupied_beds", "beds", "mean occupied beds over the month"},
    [SER_BED_OCCUPANCY] = {"bed_occupancy", "fraction",
                           "occupied bed-days / available bed-days over the month"},
    [SER_BOARDING] = {"boarding", "patients",
                      "mean number of emergency patients waiting in the ED for a bed"},
    [SER_WAIT_GP] = {"mean_wait_gp_days", "days",
                     "mean wait of the GP appointments booked in the month (NaN if none)"},
    [SER_WAIT_SPECIALIST] = {"mean_wait_specialist_days", "days",
                             "mean wait of the referrals booked in the month (NaN if none)"},
    [SER_ELECTIVE_LIST] = {"elective_list", "persons",
                           "persons on elective waiting lists at the end of the month"},
    [SER_COST_PRIMARY] = {"cost_primary", "currency", "general-practice costs of the month"},
    [SER_COST_OUTPATIENT] = {"cost_outpatient", "currency", "specialist clinic costs"},
    [SER_COST_ED] = {"cost_ed", "currency", "emergency department costs"},
    [SER_COST_INPATIENT] = {"cost_inpatient", "currency", "hospital stay costs"},
    [SER_COST_POSTACUTE] = {"cost_postacute", "currency", "post-acute care costs"},
    [SER_COST_OTHER] = {"cost_other", "currency", "other costs (case management...)"},
    [SER_COST_TOTAL] = {"cost_total", "currency", "all costs of the month, undiscounted"},
    [SER_SPEND_PAYER] = {"spend_payer", "currency", "money paid by the payer in the month"},
};

int ser_column_info(int col, struct outc_info *info, struct sim_err *err)
{
    return column_info(ser_text, SER_COUNT, col, info, err);
}

static const struct col_text grp_text[GRP_COUNT] = {
    [GRP_REPLICATION] = {"replication", "index", "replication the row belongs to"},
    [GRP_AGE_LOWER] = {"age_lower", "years",
                       "lower limit of the age band (0, 15, 25, ..., 85) at the end of the "
                       "window or at death"},
    [GRP_QUINTILE] = {"deprivation_quintile", "quintile", "1 least .. 5 most deprived"},
    [GRP_PERSONS_END] = {"persons_end", "persons", "persons of the group alive at the end"},
    [GRP_LIFE_YEARS] = {"life_years", "years", "life-years lived in the window"},
    [GRP_DEATHS] = {"deaths", "persons", "deaths in the window"},
    [GRP_GP_VISITS] = {"gp_visits", "visits", "GP consultations in the window"},
    [GRP_SPECIALIST_VISITS] = {"specialist_visits", "visits", "specialist attendances"},
    [GRP_ED_VISITS] = {"ed_visits", "visits", "ED attendances"},
    [GRP_ADMISSIONS] = {"admissions", "admissions", "emergency and elective admissions"},
    [GRP_QALYS] = {"qalys", "QALYs", "QALYs in the window, undiscounted"},
    [GRP_QALYS_PER_LIFE_YEAR] = {"qalys_per_life_year", "QALYs/year", "qalys / life_years"},
    [GRP_GP_VISITS_PER_YEAR] = {"gp_visits_per_life_year", "per year",
                                "gp_visits / life_years"},
    [GRP_ADMISSIONS_PER_1000] = {"admissions_per_1000_life_years", "per 1000 years",
                                 "1000 x admissions / life_years"},
    [GRP_COST_TOTAL] = {"cost_total", "currency", "care costs in the window, undiscounted"},
    [GRP_COST_PER_YEAR] = {"cost_per_life_year", "currency", "cost_total / life_years"},
};

int grp_column_info(int col, struct outc_info *info, struct sim_err *err)
{
    return column_info(grp_text, GRP_COUNT, col, info, err);
}

static const struct col_text led_text[LED_COUNT] = {
    [LED_REPLICATION] = {"replication", "index", "replication the row belongs to"},
    [LED_YEAR] = {"year", "year", "year of the recording window, 1 = the first (the last "
                                  "may be part of a year)"},
    [LED_FROM] = {"from", "code", "sender: 0 payer, 1 patient, 2 gp, 3 specialist, "
                                  "4 hospital, 5 postacute, 6 community"},
    [LED_TO] = {"to", "code", "receiver (codes as from)"},
    [LED_MECHANISM] = {"mechanism", "code",
                       "0 fee, 1 capitation, 2 salary, 3 p4p, 4 per_diem, 5 drg, "
                       "6 global_budget, 7 bundle, 8 copay"},
    [LED_AMOUNT] = {"amount", "currency", "money moved that year"},
};

int led_column_info(int col, struct outc_info *info, struct sim_err *err)
{
    return column_info(led_text, LED_COUNT, col, info, err);
}

static const char *const party_names[PAY_NPARTIES] = {
    "payer", "patient", "gp", "specialist", "hospital", "postacute", "community",
};
static const char *const mechanism_names[PAY_NMECHANISMS] = {
    "fee", "capitation", "salary", "p4p", "per_diem", "drg", "global_budget", "bundle", "copay",
};

const char *led_party_name(int party)
{
    return party >= 0 && party < PAY_NPARTIES ? party_names[party] : NULL;
}

const char *led_mechanism_name(int mechanism)
{
    return mechanism >= 0 && mechanism < PAY_NMECHANISMS ? mechanism_names[mechanism] : NULL;
}

/* ---- Snapshots -------------------------------------------------------------------------------- */

int ser_snapshot(struct model *m)
{
    struct model_series *s = &m->series;
    if (s->n == s->cap) {
        uint32_t cap = s->cap ? 2 * s->cap : 64;
        struct ser_snap *ns = realloc(s->snaps, (size_t)cap * sizeof *ns);
        if (!ns)
            return sim_err_set(&m->ctx.err, SIM_ENOMEM, "series: out of memory");
        s->snaps = ns;
        s->cap = cap;
    }
    const struct care_tally *t = &m->care.tally;
    struct ser_snap *x = &s->snaps[s->n];
    memset(x, 0, sizeof *x);
    double now = m->ctx.now;
    x->day = now;
    x->alive = (double)m->counts.alive;
    x->deaths = (double)m->counts.deaths;
    x->gp_visits = t->gp_visits;
    x->op_visits = t->op_visits;
    x->ed_visits = t->ed_visits;
    x->emergency = t->admissions_emergency;
    x->elective = t->admissions_elective;
    x->gp_requests = t->gp_requests;
    x->gp_wait_days = t->gp_wait_days;
    x->op_referrals = t->op_referrals;
    x->op_wait_days = t->op_wait_days;
    care_bed_days(m, &x->busy_days, &x->bed_days, &x->waiting_days);
    for (uint32_t h = 0; h < m->care.n_hospitals; h++)
        x->listed += m->care.hospitals[h].listed;
    memcpy(x->cost_cents, m->tally.cost_cents, sizeof x->cost_cents);
    for (int to = 0; to < PAY_NPARTIES; to++)
        for (int h = 0; h < PAY_NMECHANISMS; h++)
            x->payer_cents += m->ledger.cents[PAY_PAYER][to][h];
    s->n++;
    /* A year's end (and the window start): keep the ledger as it stands. */
    if ((s->n - 1) % 12 == 0) {
        if (s->n_years == s->cap_years) {
            uint32_t cap = s->cap_years ? 2 * s->cap_years : 16;
            struct pay_ledger *nl = realloc(s->ledgers, (size_t)cap * sizeof *nl);
            if (!nl)
                return sim_err_set(&m->ctx.err, SIM_ENOMEM, "series: out of memory");
            s->ledgers = nl;
            s->cap_years = cap;
        }
        s->ledgers[s->n_years++] = m->ledger;
    }
    return 0;
}

uint32_t ser_months(const struct model *m)
{
    return m->series.n > 0 ? m->series.n - 1 : 0;
}

void ser_fill(const struct model *m, uint32_t replication, double *rows)
{
    const struct model_series *s = &m->series;
    for (uint32_t k = 1; k < s->n; k++) {
        const struct ser_snap *a = &s->snaps[k - 1], *b = &s->snaps[k];
        double *r = rows + (size_t)(k - 1) * SER_COUNT, days = b->day - a->day;
        r[SER_REPLICATION] = replication;
        r[SER_MONTH] = k;
        r[SER_YEAR] = (b->day - m->warmup_end_day) / DIS_YEAR_DAYS;
        r[SER_PERSONS] = b->alive;
        r[SER_DEATHS] = b->deaths - a->deaths;
        r[SER_GP_VISITS] = b->gp_visits - a->gp_visits;
        r[SER_SPECIALIST_VISITS] = b->op_visits - a->op_visits;
        r[SER_ED_VISITS] = b->ed_visits - a->ed_visits;
        r[SER_EMERGENCY_ADMISSIONS] = b->emergency - a->emergency;
        r[SER_ELECTIVE_ADMISSIONS] = b->elective - a->elective;
        r[SER_OCCUPIED_BEDS] = outc_ratio(b->busy_days - a->busy_days, days);
        r[SER_BED_OCCUPANCY] = outc_ratio(b->busy_days - a->busy_days, b->bed_days - a->bed_days);
        r[SER_BOARDING] = outc_ratio(b->waiting_days - a->waiting_days, days);
        r[SER_WAIT_GP] = outc_ratio(b->gp_wait_days - a->gp_wait_days, b->gp_requests - a->gp_requests);
        r[SER_WAIT_SPECIALIST] = outc_ratio(b->op_wait_days - a->op_wait_days,
                                      b->op_referrals - a->op_referrals);
        r[SER_ELECTIVE_LIST] = b->listed;
        int64_t total = 0;
        for (int c = 0; c < 6; c++) {
            int64_t d = b->cost_cents[c] - a->cost_cents[c];
            r[SER_COST_PRIMARY + c] = (double)d / 100.0;
            total += d;
        }
        r[SER_COST_TOTAL] = (double)total / 100.0;
        r[SER_SPEND_PAYER] = (double)(b->payer_cents - a->payer_cents) / 100.0;
    }
}

/* ---- Groups -------------------------------------------------------------------------------- */

void grp_fill(const struct model *m, uint32_t replication, double *rows)
{
    memset(rows, 0, (size_t)GRP_ROWS * GRP_COUNT * sizeof *rows);
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        int alive = pop_alive(p);
        double at = alive ? m->ctx.now : p->last_day;
        int band = m->care.f.band[dis_age_step(pop_age(p, at))];
        double *r = rows + (size_t)(band * 5 + p->deprivation - 1) * GRP_COUNT;
        r[GRP_PERSONS_END] += alive;
        r[GRP_LIFE_YEARS] += pop_life_years(m, p);
        r[GRP_DEATHS] += !alive && p->last_day >= m->warmup_end_day;
        r[GRP_GP_VISITS] += p->count[POP_GP_VISITS];
        r[GRP_SPECIALIST_VISITS] += p->count[POP_OUTPATIENT_VISITS];
        r[GRP_ED_VISITS] += p->count[POP_ED_VISITS];
        r[GRP_ADMISSIONS] += p->count[POP_ADMISSIONS];
        r[GRP_QALYS] += p->qaly;
        r[GRP_COST_TOTAL] += (double)p->cost_cents / 100.0;
    }
    for (int b = 0; b < 9; b++)
        for (int q = 0; q < 5; q++) {
            double *r = rows + (size_t)(b * 5 + q) * GRP_COUNT;
            r[GRP_REPLICATION] = replication;
            r[GRP_AGE_LOWER] = params_age_band_lower[b];
            r[GRP_QUINTILE] = q + 1;
            r[GRP_QALYS_PER_LIFE_YEAR] = outc_ratio(r[GRP_QALYS], r[GRP_LIFE_YEARS]);
            r[GRP_GP_VISITS_PER_YEAR] = outc_ratio(r[GRP_GP_VISITS], r[GRP_LIFE_YEARS]);
            r[GRP_ADMISSIONS_PER_1000] = 1000.0 * outc_ratio(r[GRP_ADMISSIONS], r[GRP_LIFE_YEARS]);
            r[GRP_COST_PER_YEAR] = outc_ratio(r[GRP_COST_TOTAL], r[GRP_LIFE_YEARS]);
        }
}

/* ---- Persons ---------------------------------------------------------------------------------- */

static const struct col_text per_text[PER_COUNT] = {
    [PER_REPLICATION] = {"replication", "index", "replication the row belongs to"},
    [PER_ID] = {"person", "id", "person id: initial persons first, then newborns in order"},
    [PER_SEX] = {"female", "0/1", "1 for a woman"},
    [PER_AGE_END] = {"age_end", "years", "age at the end of the run or at death"},
    [PER_QUINTILE] = {"deprivation_quintile", "quintile", "1 least .. 5 most deprived"},
    [PER_RURAL] = {"rural", "0/1", "1 when living in a rural area"},
    [PER_PRACTICE] = {"practice", "index", "registered general practice"},
    [PER_ACTIVATION] = {"activation", "level", "patient activation 1 (lowest) .. 4"},
    [PER_ALIVE] = {"alive", "0/1", "1 when alive at the end of the run"},
    [PER_DEATH_YEAR] = {"death_year", "years",
                        "time of death from the window start (negative: in the warm-up); NaN "
                        "when alive"},
    [PER_CONDITIONS] = {"conditions", "bit set",
                        "present conditions: bit c set for condition c in the order "
                        "hypertension, diabetes, chd, heart_failure, ckd, copd, depression, "
                        "dementia, cancer"},
    [PER_N_CONDITIONS] = {"n_conditions", "conditions", "number of present conditions"},
    [PER_UNCONTROLLED] = {"n_uncontrolled", "conditions",
                          "present conditions not controlled at the end"},
    [PER_LIFE_YEARS] = {"life_years", "years", "life-years lived in the recording window"},
    [PER_QALYS] = {"qalys", "QALYs", "QALYs in the window"},
    [PER_QALYS_DISC] = {"qalys_disc", "QALYs", "QALYs in the window, discounted"},
    [PER_COST] = {"cost", "currency", "care costs in the window, undiscounted"},
    [PER_COST_DISC] = {"cost_disc", "currency", "care costs in the window, discounted"},
    [PER_GP_VISITS] = {"gp_visits", "visits", "GP consultations in the window"},
    [PER_SPECIALIST_VISITS] = {"specialist_visits", "visits", "specialist attendances"},
    [PER_ED_VISITS] = {"ed_visits", "visits", "ED attendances"},
    [PER_ADMISSIONS] = {"admissions", "admissions", "emergency and elective admissions"},
};

int per_column_info(int col, struct outc_info *info, struct sim_err *err)
{
    return column_info(per_text, PER_COUNT, col, info, err);
}

size_t per_rows(const struct model *m) { return m->n_persons; }

void per_fill(const struct model *m, uint32_t replication, double *rows)
{
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        double *r = rows + (size_t)id * PER_COUNT;
        int alive = pop_alive(p);
        r[PER_REPLICATION] = replication;
        r[PER_ID] = id;
        r[PER_SEX] = pop_sex(p);
        r[PER_AGE_END] = pop_age(p, alive ? m->ctx.now : p->last_day);
        r[PER_QUINTILE] = p->deprivation;
        r[PER_RURAL] = (p->flags & POP_RURAL) != 0;
        r[PER_PRACTICE] = p->practice;
        r[PER_ACTIVATION] = p->activation;
        r[PER_ALIVE] = alive;
        r[PER_DEATH_YEAR] = alive ? NAN : (p->last_day - m->warmup_end_day) / DIS_YEAR_DAYS;
        r[PER_CONDITIONS] = p->conds;
        r[PER_N_CONDITIONS] = pop_ncond(p);
        r[PER_UNCONTROLLED] = __builtin_popcount((unsigned)(p->conds & ~p->controlled));
        r[PER_LIFE_YEARS] = pop_life_years(m, p);
        r[PER_QALYS] = p->qaly;
        r[PER_QALYS_DISC] = p->qaly_disc;
        r[PER_COST] = (double)p->cost_cents / 100.0;
        r[PER_COST_DISC] = p->cost_disc;
        r[PER_GP_VISITS] = p->count[POP_GP_VISITS];
        r[PER_SPECIALIST_VISITS] = p->count[POP_OUTPATIENT_VISITS];
        r[PER_ED_VISITS] = p->count[POP_ED_VISITS];
        r[PER_ADMISSIONS] = p->count[POP_ADMISSIONS];
    }
}

/* ---- Event trace ------------------------------------------------------------------------------- */

static const struct col_text trc_text[TRC_COUNT] = {
    [TRC_DAY] = {"day", "days", "time of the event from the start of the run"},
    [TRC_YEAR] = {"year", "years", "the same from the start of the recording window "
                                   "(negative in the warm-up)"},
    [TRC_TYPE] = {"type", "code", "event type; the attribute event_names names the codes"},
    [TRC_TARGET] = {"target", "id", "person id, or hospital index for hospital mornings"},
    [TRC_WHAT] = {"what", "code",
                  "personal events: 0-8 the clock of condition 0-8 (onset or exacerbation), 9 "
                  "death, 10 a step (birthday, end of a window), 11 other acute need, 12 a "
                  "review falling due; GP visits: the reason (0 review, 1 diagnosis, 2 acute, "
                  "3 other need, 4 after discharge, 5 minor); other events: their payload"},
};

int trc_column_info(int col, struct outc_info *info, struct sim_err *err)
{
    return column_info(trc_text, TRC_COUNT, col, info, err);
}

static const char *const event_names[MODEL_EV_COUNT] = {
    [MODEL_EV_PERSON] = "person",         [MODEL_EV_GP_VISIT] = "gp_visit",
    [MODEL_EV_OP_VISIT] = "specialist_visit", [MODEL_EV_DISCHARGE] = "discharge",
    [MODEL_EV_HOSPITAL_DAY] = "hospital_morning", [MODEL_EV_WINDOW] = "window_start",
    [MODEL_EV_MONTH] = "month_end",       [MODEL_EV_REFORM] = "reform",
    [MODEL_EV_REFORM_STEP] = "reform_step",
};

const char *trc_event_name(int type)
{
    return type >= 0 && type < MODEL_EV_COUNT ? event_names[type] : NULL;
}

/* The engine's trace hook: one row per event, before it is handled. */
static void trc_record(void *user, const struct sim_event *ev)
{
    struct trc_buf *b = user;
    if (b->failed)
        return;
    if (b->n >= b->limit) {
        b->dropped++;
        return;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 4096;
        if (cap > b->limit)
            cap = b->limit;
        double *nr = realloc(b->rows, cap * TRC_COUNT * sizeof *nr);
        if (!nr) {
            b->failed = 1;
            return;
        }
        b->rows = nr;
        b->cap = cap;
    }
    const struct model *m = b->m;
    double *r = b->rows + b->n * TRC_COUNT;
    r[TRC_DAY] = ev->time;
    r[TRC_YEAR] = (ev->time - m->warmup_end_day) / DIS_YEAR_DAYS;
    r[TRC_TYPE] = ev->type;
    r[TRC_TARGET] = ev->target;
    r[TRC_WHAT] = ev->type == MODEL_EV_PERSON && ev->target < m->n_persons
                      ? m->persons[ev->target].next_cand
                  : ev->type == MODEL_EV_GP_VISIT ? (double)(ev->aux >> 8)
                                                  : (double)ev->aux;
    b->n++;
}

void trc_start(struct model *m, struct trc_buf *b, size_t limit)
{
    memset(b, 0, sizeof *b);
    b->m = m;
    b->limit = limit;
    m->ctx.trace = trc_record;
    m->ctx.trace_user = b;
}

void trc_fini(struct trc_buf *b)
{
    free(b->rows);
    memset(b, 0, sizeof *b);
}

/* ---- Ledger ---------------------------------------------------------------------------------- */

/* Ledger at the end of year y (1 ..): a kept snapshot, or the current one for the last. */
static const struct pay_ledger *ledger_at(const struct model *m, uint32_t y)
{
    return y < m->series.n_years ? &m->series.ledgers[y] : &m->ledger;
}

/* Years with a row: the full ones kept, plus a part-year when money moved after the last. */
static uint32_t ledger_years(const struct model *m)
{
    uint32_t full = m->series.n_years ? m->series.n_years - 1 : 0;
    if (m->series.n_years &&
        memcmp(&m->series.ledgers[m->series.n_years - 1], &m->ledger, sizeof m->ledger) != 0)
        return full + 1;
    return full;
}

/* Calls fn for every non-zero flow of every year. */
static size_t walk(const struct model *m, uint32_t replication, double *rows)
{
    size_t n = 0;
    uint32_t years = ledger_years(m);
    for (uint32_t y = 1; y <= years; y++) {
        const struct pay_ledger *a = &m->series.ledgers[y - 1], *b = ledger_at(m, y);
        for (int f = 0; f < PAY_NPARTIES; f++)
            for (int t = 0; t < PAY_NPARTIES; t++)
                for (int h = 0; h < PAY_NMECHANISMS; h++) {
                    int64_t d = b->cents[f][t][h] - a->cents[f][t][h];
                    if (!d)
                        continue;
                    if (rows) {
                        double *r = rows + n * LED_COUNT;
                        r[LED_REPLICATION] = replication;
                        r[LED_YEAR] = y;
                        r[LED_FROM] = f;
                        r[LED_TO] = t;
                        r[LED_MECHANISM] = h;
                        r[LED_AMOUNT] = (double)d / 100.0;
                    }
                    n++;
                }
    }
    return n;
}

size_t led_rows(const struct model *m) { return walk(m, 0, NULL); }

void led_fill(const struct model *m, uint32_t replication, double *rows)
{
    walk(m, replication, rows);
}
