/* models/warm.c — warm start: the end state of a replication as rows, a saved state read
 * back from them, and a model started from it (see warm.h). Touches only the model it is
 * given (warm_apply) or the rows and state it is given.
 */
#include "models/warm.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/care.h"
#include "models/model.h"
#include "models/policy.h"
#include "models/population.h"
#include "sim/resource.h"
#include "sim/rng.h"

/* ---- Columns and kinds -------------------------------------------------------------------- */

static const char *const kind_names[WARM_KINDS] = {
    [WARM_GP_ROUTINE] = "gp_routine",       [WARM_GP_URGENT] = "gp_urgent",
    [WARM_CLINIC_ROUTINE] = "clinic_routine", [WARM_CLINIC_URGENT] = "clinic_urgent",
    [WARM_BEDS] = "beds",                   [WARM_BOARDING] = "boarding",
    [WARM_ELECTIVE_LIST] = "elective_list", [WARM_DISCHARGED] = "discharged",
    [WARM_CASE_MANAGED] = "case_managed",
};

const char *warm_kind_name(int kind)
{
    return kind >= 0 && kind < WARM_KINDS ? kind_names[kind] : NULL;
}

static const struct {
    const char *name, *unit, *desc;
} col_text[WARM_COUNT_COLS] = {
    [WARM_REPLICATION] = {"replication", "index", "replication the row belongs to"},
    [WARM_KIND] = {"kind", "code",
                   "0 gp_routine, 1 gp_urgent, 2 clinic_routine, 3 clinic_urgent, 4 beds, "
                   "5 boarding, 6 elective_list, 7 discharged, 8 case_managed (attribute "
                   "kind_names)"},
    [WARM_UNIT] = {"unit", "index",
                   "practice (GP books) or hospital (clinics, beds, boarding, elective list, "
                   "discharged); 0 for case management"},
    [WARM_SPECIALTY] = {"specialty", "code",
                        "specialty of a clinic's book (0 cardiology .. 5 general_medicine); "
                        "-1 otherwise"},
    [WARM_POSITION] = {"position", "days",
                       "books: working day ahead, 0 = the first working day after the end of "
                       "the run; elective list: whole days waited so far; discharged: whole "
                       "days since the discharge; otherwise 0"},
    [WARM_COUNT] = {"count", "count",
                    "bookings held that day, beds occupied, patients boarding, persons listed "
                    "with that wait or discharged that many days ago, or persons in case "
                    "management"},
    [WARM_CAPACITY] = {"capacity", "count",
                       "bookable slots that day, beds, or case-management places; NaN for "
                       "boarding, the elective list and the discharged"},
};

int warm_column_info(int col, struct outc_info *info, struct sim_err *err)
{
    memset(info, 0, sizeof *info);
    if (col < 0 || col >= WARM_COUNT_COLS)
        return sim_err_set(err, SIM_EINVAL, "end state: no column %d (there are %d)", col,
                           WARM_COUNT_COLS);
    snprintf(info->name, sizeof info->name, "%s", col_text[col].name);
    snprintf(info->unit, sizeof info->unit, "%s", col_text[col].unit);
    snprintf(info->desc, sizeof info->desc, "%s", col_text[col].desc);
    return 0;
}

/* ---- The end state of a model --------------------------------------------------------------- */

/* Where walk() writes: rows (NULL to count only) and the rows so far. */
struct sink {
    double *rows;
    size_t n;
    uint32_t rep;
};

static void put(struct sink *k, int kind, uint32_t unit, int spec, uint32_t position,
                double count, double capacity)
{
    if (k->rows) {
        double *r = k->rows + k->n * WARM_COUNT_COLS;
        r[WARM_REPLICATION] = k->rep;
        r[WARM_KIND] = kind;
        r[WARM_UNIT] = unit;
        r[WARM_SPECIALTY] = spec;
        r[WARM_POSITION] = position;
        r[WARM_COUNT] = count;
        r[WARM_CAPACITY] = capacity;
    }
    k->n++;
}

/* A day of a book that counts as a working day: one with slots, or with bookings left
 * beyond a capacity cut. */
static int working(const struct sim_book *b, uint32_t day)
{
    return sim_book_capacity_on(b, day) > 0 || sim_book_booked_on(b, day) > 0;
}

/* A book's rows: its working days from the first after `now` up to the last with a booking
 * (at least one row). */
static void walk_book(struct sink *k, const struct sim_book *b, double now, int kind,
                      uint32_t unit, int spec)
{
    uint32_t first = sim_book_day_of(now) + 1, end = b->today + b->ring_days, last = first;
    if (first < b->today)
        first = b->today;
    for (uint32_t d = first; d < end; d++)
        if (sim_book_booked_on(b, d) > 0)
            last = d;
    uint32_t position = 0;
    for (uint32_t d = first; d < end && (d <= last || position == 0); d++) {
        if (!working(b, d))
            continue;
        put(k, kind, unit, spec, position++, sim_book_booked_on(b, d),
            sim_book_capacity_on(b, d));
    }
    if (position == 0) /* no working day within the ring: an empty first day */
        put(k, kind, unit, spec, 0, 0.0, 0.0);
}

/* A hospital's elective list, longest wait first, one row per whole day waited. */
static void walk_list(struct sink *k, const struct model *m, uint32_t h)
{
    const struct care_hospital *ho = &m->care.hospitals[h];
    double now = m->ctx.now;
    uint32_t run_pos = 0, run_n = 0;
    for (uint32_t i = 0; i < ho->list_len; i++) {
        const struct care_listing *e = &ho->list[(ho->list_head + i) % ho->list_cap];
        if (e->person == CARE_LIST_TAKEN || !(m->persons[e->person].flags & POP_LISTED))
            continue;
        double waited = now - (double)e->day;
        uint32_t pos = waited > 0.0 ? (uint32_t)floor(waited) : 0u;
        if (run_n > 0 && pos != run_pos) {
            put(k, WARM_ELECTIVE_LIST, h, -1, run_pos, run_n, NAN);
            run_n = 0;
        }
        run_pos = pos;
        run_n++;
    }
    if (run_n > 0)
        put(k, WARM_ELECTIVE_LIST, h, -1, run_pos, run_n, NAN);
}

/* Days of the post-discharge window, whole (the last possibly part of a day): the positions
 * of the discharged rows are 0 .. window_days(m) - 1. */
static uint32_t window_days(const struct model *m)
{
    return (uint32_t)ceil(m->par.hospital.post_discharge_days);
}

/* The hospital of person p, and whether p is at home in the post-discharge window now
 * (*day: whole days since the discharge). */
static uint32_t discharged(const struct model *m, const struct person *p, uint32_t *day)
{
    double since = m->ctx.now - (double)p->discharge_day;
    if (!pop_alive(p) || (p->flags & POP_IN_HOSPITAL) || !(since >= 0.0) ||
        !(since < m->par.hospital.post_discharge_days))
        return UINT32_MAX;
    *day = (uint32_t)floor(since);
    return m->care.practices[p->practice].hospital;
}

/* Counts of the discharged by hospital and day (n_hospitals x window_days), one pass over
 * the persons; NULL when out of memory (walk then counts hospital by hospital). */
static uint32_t *discharged_counts(const struct model *m)
{
    size_t days = window_days(m);
    uint32_t *c = calloc((size_t)m->care.n_hospitals * days + 1, sizeof *c);
    for (uint32_t id = 0; c && id < m->n_persons; id++) {
        uint32_t day, h = discharged(m, &m->persons[id], &day);
        if (h != UINT32_MAX && day < days)
            c[(size_t)h * days + day]++;
    }
    return c;
}

/* Hospital h's discharged, most recent first, from counts (or by a pass of its own). */
static void walk_discharged(struct sink *k, const struct model *m, uint32_t h,
                            const uint32_t *counts)
{
    uint32_t days = window_days(m);
    for (uint32_t d = 0; d < days; d++) {
        uint32_t n = 0;
        if (counts)
            n = counts[(size_t)h * days + d];
        else
            for (uint32_t id = 0; id < m->n_persons; id++) {
                uint32_t day;
                n += discharged(m, &m->persons[id], &day) == h && day == d;
            }
        if (n > 0)
            put(k, WARM_DISCHARGED, h, -1, d, n, NAN);
    }
}

static void walk(const struct model *m, struct sink *k)
{
    const struct care *cr = &m->care;
    double now = m->ctx.now;
    uint32_t *counts = discharged_counts(m);
    for (uint32_t i = 0; i < m->n_practices; i++) {
        const struct care_books *b = &cr->practices[i].books;
        walk_book(k, &b->routine, now, WARM_GP_ROUTINE, i, -1);
        if (b->has_urgent)
            walk_book(k, &b->urgent, now, WARM_GP_URGENT, i, -1);
    }
    for (uint32_t h = 0; h < cr->n_hospitals; h++) {
        const struct care_hospital *ho = &cr->hospitals[h];
        for (int s = 0; s < PARAMS_SPECIALTIES; s++) {
            walk_book(k, &ho->clinic[s].routine, now, WARM_CLINIC_ROUTINE, h, s);
            if (ho->clinic[s].has_urgent)
                walk_book(k, &ho->clinic[s].urgent, now, WARM_CLINIC_URGENT, h, s);
        }
        put(k, WARM_BEDS, h, -1, 0, ho->beds.q.busy, ho->nbeds);
        put(k, WARM_BOARDING, h, -1, 0, ho->beds.q.waiting, NAN);
        walk_list(k, m, h);
        walk_discharged(k, m, h, counts);
    }
    put(k, WARM_CASE_MANAGED, 0, -1, 0, cr->cm_enrolled, cr->cm_places);
    free(counts);
}

size_t warm_rows(const struct model *m)
{
    struct sink k = {NULL, 0, 0};
    walk(m, &k);
    return k.n;
}

void warm_fill(const struct model *m, uint32_t replication, double *rows)
{
    struct sink k = {rows, 0, replication};
    walk(m, &k);
}

/* ---- A saved state ------------------------------------------------------------------------ */

#define WARM_VALUE_MAX 2147483647.0 /* largest index, position or count accepted */

/* v as a whole number in [lo, WARM_VALUE_MAX], or -1 when it is not one. */
static double whole(double v, double lo)
{
    return v >= lo && v <= WARM_VALUE_MAX && v == floor(v) ? v : -1.0;
}

static int is_clinic(int kind)
{
    return kind == WARM_CLINIC_ROUTINE || kind == WARM_CLINIC_URGENT;
}

static int is_practice(int kind) { return kind == WARM_GP_ROUTINE || kind == WARM_GP_URGENT; }

/* The practices and hospitals named by items[from, to): 1 + the largest index of each. */
static void count_units(const struct warm_item *items, size_t from, size_t to,
                        uint32_t *practices, uint32_t *hospitals)
{
    *practices = *hospitals = 0;
    for (size_t i = from; i < to; i++) {
        const struct warm_item *it = &items[i];
        if (is_practice(it->kind) && it->unit >= *practices)
            *practices = it->unit + 1;
        else if (!is_practice(it->kind) && it->kind != WARM_CASE_MANAGED &&
                 it->unit >= *hospitals)
            *hospitals = it->unit + 1;
    }
}

int warm_state_init(struct warm_state *ws, const double *rows, size_t n_rows,
                    struct sim_err *err)
{
    memset(ws, 0, sizeof *ws);
    if (n_rows == 0)
        return sim_err_set(err, SIM_EINVAL, "end state: no rows");
    ws->items = malloc(n_rows * sizeof *ws->items);
    ws->first = calloc(n_rows + 1, sizeof *ws->first);
    if (!ws->items || !ws->first)
        return sim_err_set(err, SIM_ENOMEM, "end state: out of memory");
    double rep = 0.0;
    for (size_t i = 0; i < n_rows; i++) {
        const double *r = rows + i * WARM_COUNT_COLS;
        double rr = whole(r[WARM_REPLICATION], 0), kind = whole(r[WARM_KIND], 0);
        double unit = whole(r[WARM_UNIT], 0), pos = whole(r[WARM_POSITION], 0);
        double count = whole(r[WARM_COUNT], 0), spec = r[WARM_SPECIALTY];
        if (rr < 0 || (i == 0 ? rr != 0.0 : rr != rep && rr != rep + 1.0))
            return sim_err_set(err, SIM_EINVAL, "end state row %zu: replication %g out of "
                                                "order (they must be 0, 1, ... in order)",
                               i, r[WARM_REPLICATION]);
        int clinic = kind >= 0 && is_clinic((int)kind);
        int spec_ok = clinic ? whole(spec, 0) >= 0 && spec < PARAMS_SPECIALTIES : spec == -1.0;
        if (kind < 0 || kind >= WARM_KINDS || unit < 0 || pos < 0 || count < 0 || !spec_ok)
            return sim_err_set(err, SIM_EINVAL, "end state row %zu: not a valid row (kind %g, "
                                                "unit %g, specialty %g, position %g, count %g)",
                               i, r[WARM_KIND], r[WARM_UNIT], spec, r[WARM_POSITION],
                               r[WARM_COUNT]);
        if (rr != rep)
            ws->first[++ws->reps] = i;
        rep = rr;
        struct warm_item *it = &ws->items[i];
        it->kind = (uint8_t)kind;
        it->specialty = (uint8_t)(clinic ? spec : 0);
        it->unit = (uint32_t)unit;
        it->position = (uint32_t)pos;
        it->count = (uint32_t)count;
    }
    ws->reps++;
    ws->first[ws->reps] = n_rows;
    ws->n = n_rows;
    count_units(ws->items, 0, ws->first[1], &ws->practices, &ws->hospitals);
    for (uint32_t r = 1; r < ws->reps; r++) {
        uint32_t practices, hospitals;
        count_units(ws->items, ws->first[r], ws->first[r + 1], &practices, &hospitals);
        if (practices != ws->practices || hospitals != ws->hospitals)
            return sim_err_set(err, SIM_EINVAL, "end state: replication %u has %u practices "
                                                "and %u hospitals, replication 0 %u and %u",
                               r, practices, hospitals, ws->practices, ws->hospitals);
    }
    if (ws->practices == 0 || ws->hospitals == 0)
        return sim_err_set(err, SIM_EINVAL, "end state: no practice or no hospital");
    return 0;
}

void warm_state_fini(struct warm_state *ws)
{
    free(ws->items);
    free(ws->first);
    memset(ws, 0, sizeof *ws);
}

/* Practices and hospitals of a scenario, as pop_init and care_init make them. */
static void providers(const struct model_params *par, uint64_t *practices, uint64_t *hospitals)
{
    uint64_t n = (uint64_t)par->run.population, list = (uint64_t)par->practices.list_size;
    uint64_t catchment = (uint64_t)par->hospital.catchment;
    *practices = n / list + (n % list != 0);
    *hospitals = catchment ? n / catchment + (n % catchment != 0) : 1;
    if (*hospitals == 0)
        *hospitals = 1;
}

int warm_state_check(const struct warm_state *ws, const struct model_params *par,
                     struct sim_err *err)
{
    uint64_t practices, hospitals;
    providers(par, &practices, &hospitals);
    if (practices != ws->practices || hospitals != ws->hospitals)
        return sim_err_set(err, SIM_EINVAL,
                           "the saved state has %u practice%s and %u hospital%s, this scenario "
                           "%llu and %llu (run.population, practices.list_size and "
                           "hospital.catchment must give the same providers)",
                           ws->practices, ws->practices == 1 ? "" : "s", ws->hospitals,
                           ws->hospitals == 1 ? "" : "s", (unsigned long long)practices,
                           (unsigned long long)hospitals);
    return 0;
}

/* ---- Starting from a saved state --------------------------------------------------------- */

/* Uniforms of a person's warm-start stream, by what they are for. */
enum {
    U_BED,        /* ranking for a bed */
    U_BED_CAUSE,  /* the stay's condition */
    U_BED_LENGTH, /* its length-biased length */
    U_BED_ELAPSED, /* how much of it has passed */
    U_LIST,       /* ranking for the elective list */
    U_LIST_COND,  /* the listing's condition */
    U_CM,         /* ranking for case management */
    U_DISCHARGED, /* ranking for a post-discharge window */
    U_DISCHARGED_CAUSE, /* the condition of that stay */
    U_GP,         /* ranking for a GP appointment */
    U_CLINIC,     /* + specialty: ranking for a clinic appointment */
    U_CLINIC_COND = U_CLINIC + PARAMS_SPECIALTIES /* + specialty: its condition */
};

static double warm_u(const struct model *m, uint32_t id, unsigned which)
{
    struct sim_stream s;
    sim_stream_init(&s, m->seed, m->replication, pop_stream_key(m, id), MODEL_PURPOSE_WARM);
    if (which)
        sim_stream_seek(&s, (uint64_t)which * 2); /* a uniform takes two words */
    return sim_stream_uniform(&s);
}

/* What a person's weights are made of: per condition and for other need (index DIS_COUNT). */
struct parts {
    double w[DIS_COUNT + 1];
    double total;
};

static void parts_sum(struct parts *p)
{
    p->total = 0.0;
    for (int i = 0; i <= DIS_COUNT; i++)
        p->total += p->w[i];
}

/* Picks an index of p->w with probability proportional to it, from uniform u. */
static int parts_pick(const struct parts *p, double u)
{
    double x = u * p->total, acc = 0.0;
    int last = -1;
    for (int i = 0; i <= DIS_COUNT; i++) {
        if (!(p->w[i] > 0.0))
            continue;
        acc += p->w[i];
        last = i;
        if (x < acc)
            return i;
    }
    return last;
}

/* Mean stay (days) of an emergency admission for cause i (a condition, or DIS_COUNT for
 * other need), with the hospital's decision. */
static double stay_mean(const struct model *m, int i)
{
    const struct model_params *par = &m->par;
    double mean = i < DIS_COUNT ? par->disease.condition[i].los_days : par->hospital.other_los_days;
    return mean * m->decide.los;
}

/* Expected time in hospital, by cause: the rate of emergency admissions (exacerbations
 * needing the ED, other need taken to the ED) times the mean stay. */
static void bed_parts(const struct model *m, const struct person *p, struct parts *out)
{
    const struct model_params *par = &m->par;
    double lapse, relapse;
    memset(out, 0, sizeof *out);
    for (unsigned cs = p->conds; cs; cs &= cs - 1) {
        int c = __builtin_ctz(cs);
        const struct condition_params *cp = &par->disease.condition[c];
        out->w[c] = dis_exacerbation_rate(m, p, c, &lapse) * cp->severe_share *
                    par->hospital.ed_admit_probability * stay_mean(m, c);
    }
    const struct care_seeking_params *cs = &par->care_seeking;
    double ed = cs->other_self_care_share < 1.0 ? cs->other_ed_share / (1.0 - cs->other_self_care_share)
                                                : 0.0;
    out->w[DIS_COUNT] = dis_other_need_rate(m, p, &relapse) * ed *
                        par->hospital.ed_admit_probability_other * stay_mean(m, DIS_COUNT);
    parts_sum(out);
}

/* Rate of listings for an elective admission, by cause: referrals (exacerbations seen by a
 * GP, other need) times the chance that a first visit lists. */
static void list_parts(const struct model *m, const struct person *p, struct parts *out)
{
    const struct model_params *par = &m->par;
    double lapse, relapse;
    memset(out, 0, sizeof *out);
    for (unsigned cs = p->conds; cs; cs &= cs - 1) {
        int c = __builtin_ctz(cs);
        const struct condition_params *cp = &par->disease.condition[c];
        out->w[c] = dis_exacerbation_rate(m, p, c, &lapse) * cp->referral_probability *
                    cp->elective_probability;
    }
    out->w[DIS_COUNT] = dis_other_need_rate(m, p, &relapse) *
                        par->practices.other_referral_probability *
                        par->outpatient.other_elective_probability;
    parts_sum(out);
}

/* Rate of referrals to the clinic of specialty s, by cause. */
static void clinic_parts(const struct model *m, const struct person *p, int s, struct parts *out)
{
    const struct model_params *par = &m->par;
    double lapse, relapse;
    memset(out, 0, sizeof *out);
    for (unsigned cs = p->conds; cs; cs &= cs - 1) {
        int c = __builtin_ctz(cs);
        const struct condition_params *cp = &par->disease.condition[c];
        if (cp->specialty == s)
            out->w[c] = dis_exacerbation_rate(m, p, c, &lapse) * cp->referral_probability;
    }
    if (s == PARAMS_GENERAL_MEDICINE)
        out->w[DIS_COUNT] = dis_other_need_rate(m, p, &relapse) *
                            par->practices.other_referral_probability;
    parts_sum(out);
}

/* Rate of GP requests: other need, exacerbations and routine reviews (care_set_review). */
static double gp_weight(const struct model *m, const struct person *p)
{
    double lapse, relapse, w = dis_other_need_rate(m, p, &relapse);
    for (unsigned cs = p->conds; cs; cs &= cs - 1)
        w += dis_exacerbation_rate(m, p, __builtin_ctz(cs), &lapse);
    if (p->conds) {
        const struct practices_params *pp = &m->par.practices;
        int uncontrolled = (p->conds & ~p->controlled) != 0;
        double interval = uncontrolled ? pp->review_interval_uncontrolled_days
                                       : pp->review_interval_controlled_days;
        interval /= (1.0 + pp->review_multimorbidity_factor * (pop_ncond(p) - 1)) *
                    m->decide.review[uncontrolled];
        if (interval > 0.0)
            w += DIS_YEAR_DAYS / interval;
    }
    return w;
}

/* A candidate of a draw without replacement. */
struct cand {
    double key;
    uint32_t id;
};

static int by_key(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* What a ranking is for: the weight of a person (0 leaves them out). */
enum rank_for { FOR_BED, FOR_LIST, FOR_CM, FOR_GP, FOR_CLINIC };

static double weight_for(const struct model *m, const struct person *p, enum rank_for what,
                         int s)
{
    struct parts parts;
    switch (what) {
    case FOR_BED:
        if (p->flags & POP_IN_HOSPITAL)
            return 0.0;
        bed_parts(m, p, &parts);
        return parts.total;
    case FOR_LIST:
        if (p->flags & POP_LISTED)
            return 0.0;
        list_parts(m, p, &parts);
        return parts.total;
    case FOR_CM:
        /* Enrolment follows an emergency discharge: weighted as for a bed. */
        if ((p->flags & POP_CASE_MANAGED) || pop_ncond(p) < m->par.policy.cm_min_conditions)
            return 0.0;
        bed_parts(m, p, &parts);
        return parts.total;
    case FOR_GP:
        if ((p->flags & POP_IN_HOSPITAL) || p->gp_event != SIM_HANDLE_NONE)
            return 0.0;
        return gp_weight(m, p);
    case FOR_CLINIC:
        if ((p->flags & POP_IN_HOSPITAL) || p->op_event != SIM_HANDLE_NONE)
            return 0.0;
        clinic_parts(m, p, s, &parts);
        return parts.total;
    }
    return 0.0;
}

/* Orders the living persons ids[0..n) for a draw without replacement with probability
 * proportional to their weight (Efraimidis and Spirakis 2006: key log(u) / w, largest
 * first) into out; persons of weight 0 are left out. Returns how many are ranked. */
static size_t rank(const struct model *m, const uint32_t *ids, size_t n, enum rank_for what,
                   int s, unsigned which, struct cand *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct person *p = &m->persons[ids[i]];
        double w = pop_alive(p) ? weight_for(m, p, what, s) : 0.0;
        if (!(w > 0.0) || !isfinite(w))
            continue;
        out[k].key = log(warm_u(m, ids[i], which)) / w;
        out[k].id = ids[i];
        k++;
    }
    qsort(out, k, sizeof *out, by_key);
    return k;
}

/* Persons grouped by practice or hospital: ids of group g are ids[start[g] .. start[g+1]). */
struct groups {
    uint32_t *ids;
    size_t *start;
};

static int groups_init(struct groups *g, const struct model *m, int by_hospital, size_t n_groups)
{
    g->ids = malloc((m->n_persons ? m->n_persons : 1) * sizeof *g->ids);
    g->start = calloc(n_groups + 2, sizeof *g->start);
    if (!g->ids || !g->start)
        return SIM_ENOMEM;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        uint32_t k = m->persons[id].practice;
        g->start[(by_hospital ? m->care.practices[k].hospital : k) + 2]++;
    }
    for (size_t i = 2; i < n_groups + 2; i++)
        g->start[i] += g->start[i - 1];
    for (uint32_t id = 0; id < m->n_persons; id++) {
        uint32_t k = m->persons[id].practice;
        g->ids[g->start[(by_hospital ? m->care.practices[k].hospital : k) + 1]++] = id;
    }
    return 0;
}

static void groups_fini(struct groups *g)
{
    free(g->ids);
    free(g->start);
}

/* The state being applied: the model, its replication's items, the groups, scratch. */
struct apply {
    struct model *m;
    const struct warm_item *it;
    size_t n;
    struct groups by_practice, by_hospital;
    struct cand *cand;
};

/* Total count of the items of `kind` for unit (and specialty, for clinics). */
static uint64_t total(const struct apply *a, int kind, uint32_t unit, int s)
{
    uint64_t t = 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->it[i].kind == kind && a->it[i].unit == unit &&
            (!is_clinic(kind) || a->it[i].specialty == s))
            t += a->it[i].count;
    return t;
}

/* Beds and boarding of hospital h: the occupants first (in a bed while one is free), then
 * the boarders. */
static int apply_beds(struct apply *a, uint32_t h)
{
    struct model *m = a->m;
    uint64_t want = total(a, WARM_BEDS, h, 0) + total(a, WARM_BOARDING, h, 0);
    if (want == 0)
        return 0;
    const uint32_t *ids = a->by_hospital.ids + a->by_hospital.start[h];
    size_t n = a->by_hospital.start[h + 1] - a->by_hospital.start[h];
    size_t k = rank(m, ids, n, FOR_BED, 0, U_BED, a->cand);
    double shape = m->par.hospital.los_shape;
    for (size_t i = 0; i < k && i < want; i++) {
        uint32_t id = a->cand[i].id;
        struct parts parts;
        bed_parts(m, &m->persons[id], &parts);
        int cause = parts_pick(&parts, warm_u(m, id, U_BED_CAUSE));
        double mean = stay_mean(m, cause);
        /* The stays in progress at a given moment: lengths drawn length-biased (a stay of
         * length x is found in progress in proportion to x: a gamma of shape + 1), and the
         * moment uniform within the stay, so the time left follows the stationary residual
         * distribution of the length of stay. */
        double length = gsl_cdf_gamma_Pinv(warm_u(m, id, U_BED_LENGTH), shape + 1.0, mean / shape);
        double elapsed = warm_u(m, id, U_BED_ELAPSED) * length;
        int rc = care_warm_admit(m, id, cause < DIS_COUNT ? cause : CARE_OTHER, elapsed,
                                 length - elapsed);
        if (rc)
            return rc;
    }
    return 0;
}

/* The post-discharge windows of hospital h: persons likely to have been in hospital (ranked
 * as for a bed, those in one left out), discharged as many days ago as the saved ones from
 * a stay for a cause drawn as for a bed, so that relapses and readmissions run from the
 * start. */
static int apply_discharged(struct apply *a, uint32_t h)
{
    struct model *m = a->m;
    if (total(a, WARM_DISCHARGED, h, 0) == 0)
        return 0;
    const uint32_t *ids = a->by_hospital.ids + a->by_hospital.start[h];
    size_t n = a->by_hospital.start[h + 1] - a->by_hospital.start[h];
    size_t k = rank(m, ids, n, FOR_BED, 0, U_DISCHARGED, a->cand), next = 0;
    for (size_t i = 0; i < a->n; i++) {
        const struct warm_item *it = &a->it[i];
        if (it->kind != WARM_DISCHARGED || it->unit != h)
            continue;
        for (uint32_t j = 0; j < it->count && next < k; j++) {
            uint32_t id = a->cand[next++].id;
            struct parts parts;
            bed_parts(m, &m->persons[id], &parts);
            int cause = parts_pick(&parts, warm_u(m, id, U_DISCHARGED_CAUSE));
            care_warm_discharged(m, id, cause < DIS_COUNT ? cause : CARE_OTHER,
                                 m->ctx.now - (it->position + 0.5));
        }
    }
    return 0;
}

/* The elective list of hospital h: persons listed as long ago as the saved ones. */
static int apply_list(struct apply *a, uint32_t h)
{
    struct model *m = a->m;
    uint64_t want = total(a, WARM_ELECTIVE_LIST, h, 0);
    if (want == 0)
        return 0;
    const uint32_t *ids = a->by_hospital.ids + a->by_hospital.start[h];
    size_t n = a->by_hospital.start[h + 1] - a->by_hospital.start[h];
    size_t k = rank(m, ids, n, FOR_LIST, 0, U_LIST, a->cand), next = 0;
    for (size_t i = 0; i < a->n; i++) {
        const struct warm_item *it = &a->it[i];
        if (it->kind != WARM_ELECTIVE_LIST || it->unit != h)
            continue;
        for (uint32_t j = 0; j < it->count && next < k; j++) {
            uint32_t id = a->cand[next++].id;
            struct parts parts;
            list_parts(m, &m->persons[id], &parts);
            int cause = parts_pick(&parts, warm_u(m, id, U_LIST_COND));
            int rc = care_list_elective_on(m, id, cause < DIS_COUNT ? cause : CARE_OTHER,
                                           m->ctx.now - (it->position + 0.5));
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* Case management: as many enrolled as were (at most the places). */
static int apply_cm(struct apply *a)
{
    struct model *m = a->m;
    uint64_t want = total(a, WARM_CASE_MANAGED, 0, 0);
    if (want == 0 || m->care.cm_places == 0)
        return 0;
    size_t k = rank(m, a->by_practice.ids, m->n_persons, FOR_CM, 0, U_CM, a->cand);
    for (size_t i = 0; i < k && m->care.cm_enrolled < want; i++) {
        int rc = pol_warm_enrol(m, a->cand[i].id);
        if (rc)
            return rc;
    }
    return 0;
}

/* The j-th working day (a day with slots) of a book from today, moving a cursor (*day,
 * *pos: the pos-th working day is *day) forward; UINT32_MAX beyond the book's horizon. */
static uint32_t working_day(const struct sim_book *b, uint32_t *day, uint32_t *pos, uint32_t j)
{
    uint64_t limit = (uint64_t)b->today + b->max_horizon;
    while (*day < limit && sim_book_capacity_on(b, *day) == 0)
        ++*day;
    while (*pos < j && *day < limit) {
        ++*day;
        while (*day < limit && sim_book_capacity_on(b, *day) == 0)
            ++*day;
        ++*pos;
    }
    return *day < limit ? *day : UINT32_MAX;
}

/* The bookings of one book (items of `kind` for unit, specialty s): given to the ranked
 * candidates cand[*next ..), then, when none is left, slots taken by nobody. */
static int fill_book(struct apply *a, struct sim_book *b, int kind, uint32_t unit, int s,
                     size_t k, size_t *next)
{
    struct model *m = a->m;
    uint32_t day = b->today, pos = 0;
    for (size_t i = 0; i < a->n; i++) {
        const struct warm_item *it = &a->it[i];
        if (it->kind != kind || it->unit != unit || (is_clinic(kind) && it->specialty != s))
            continue;
        uint32_t d = working_day(b, &day, &pos, it->position);
        if (d == UINT32_MAX)
            break;
        int urgent = kind == WARM_GP_URGENT || kind == WARM_CLINIC_URGENT;
        for (uint32_t j = 0; j < it->count; j++) {
            int rc;
            if (*next < k) {
                uint32_t id = a->cand[(*next)++].id;
                if (is_clinic(kind)) {
                    struct parts parts;
                    clinic_parts(m, &m->persons[id], s, &parts);
                    int cause = parts_pick(&parts, warm_u(m, id, U_CLINIC_COND + (unsigned)s));
                    rc = care_warm_clinic(m, id, s, cause < DIS_COUNT ? cause : CARE_OTHER,
                                          urgent, d);
                } else {
                    rc = care_warm_gp(m, id, urgent, d);
                }
            } else {
                /* More bookings than persons likely to hold them: the slot is taken by an
                 * appointment nobody attends. */
                sim_booking h;
                rc = sim_book_book(b, d, &h, NULL, NULL, &m->ctx.err);
                rc = rc < 0 ? rc : rc == 0;
            }
            if (rc < 0)
                return rc;
            if (rc == 1)
                return 0; /* the book is full up to its horizon */
        }
    }
    return 0;
}

/* A practice's books (urgent first: same-day needs are booked first). */
static int apply_practice(struct apply *a, uint32_t k)
{
    struct model *m = a->m;
    struct care_books *books = &m->care.practices[k].books;
    if (total(a, WARM_GP_ROUTINE, k, 0) + total(a, WARM_GP_URGENT, k, 0) == 0)
        return 0;
    const uint32_t *ids = a->by_practice.ids + a->by_practice.start[k];
    size_t n = a->by_practice.start[k + 1] - a->by_practice.start[k];
    size_t ranked = rank(m, ids, n, FOR_GP, 0, U_GP, a->cand), next = 0;
    int rc = fill_book(a, books->has_urgent ? &books->urgent : &books->routine, WARM_GP_URGENT,
                       k, 0, ranked, &next);
    return rc ? rc : fill_book(a, &books->routine, WARM_GP_ROUTINE, k, 0, ranked, &next);
}

static int apply_clinic(struct apply *a, uint32_t h, int s)
{
    struct model *m = a->m;
    struct care_books *books = &m->care.hospitals[h].clinic[s];
    if (total(a, WARM_CLINIC_ROUTINE, h, s) + total(a, WARM_CLINIC_URGENT, h, s) == 0)
        return 0;
    const uint32_t *ids = a->by_hospital.ids + a->by_hospital.start[h];
    size_t n = a->by_hospital.start[h + 1] - a->by_hospital.start[h];
    size_t ranked = rank(m, ids, n, FOR_CLINIC, s, U_CLINIC + (unsigned)s, a->cand), next = 0;
    int rc = fill_book(a, books->has_urgent ? &books->urgent : &books->routine,
                       WARM_CLINIC_URGENT, h, s, ranked, &next);
    return rc ? rc : fill_book(a, &books->routine, WARM_CLINIC_ROUTINE, h, s, ranked, &next);
}

int warm_apply(struct model *m, const struct warm_state *ws, struct sim_err *err)
{
    if (m->n_practices != ws->practices || m->care.n_hospitals != ws->hospitals)
        return sim_err_set(err, SIM_EINVAL,
                           "warm start: the saved state has %u practices and %u hospitals, "
                           "the model %u and %u",
                           ws->practices, ws->hospitals, m->n_practices, m->care.n_hospitals);
    uint32_t r = m->replication % ws->reps;
    struct apply a = {
        .m = m,
        .it = ws->items + ws->first[r],
        .n = ws->first[r + 1] - ws->first[r],
    };
    a.cand = malloc((m->n_persons ? m->n_persons : 1) * sizeof *a.cand);
    int rc = a.cand ? 0 : SIM_ENOMEM;
    if (!rc)
        rc = groups_init(&a.by_practice, m, 0, m->n_practices);
    if (!rc)
        rc = groups_init(&a.by_hospital, m, 1, m->care.n_hospitals);
    /* Stays first (a person in hospital holds no appointment), then the post-discharge
     * windows, the lists, case management, the clinics and the practices. */
    for (uint32_t h = 0; !rc && h < m->care.n_hospitals; h++)
        rc = apply_beds(&a, h);
    for (uint32_t h = 0; !rc && h < m->care.n_hospitals; h++)
        rc = apply_discharged(&a, h);
    for (uint32_t h = 0; !rc && h < m->care.n_hospitals; h++)
        rc = apply_list(&a, h);
    if (!rc)
        rc = apply_cm(&a);
    for (uint32_t h = 0; !rc && h < m->care.n_hospitals; h++)
        for (int s = 0; !rc && s < PARAMS_SPECIALTIES; s++)
            rc = apply_clinic(&a, h, s);
    for (uint32_t k = 0; !rc && k < m->n_practices; k++)
        rc = apply_practice(&a, k);
    groups_fini(&a.by_practice);
    groups_fini(&a.by_hospital);
    free(a.cand);
    if (rc == SIM_ENOMEM)
        return sim_err_set(err, SIM_ENOMEM, "warm start: out of memory");
    if (rc)
        return sim_err_set(err, rc, "warm start: %s",
                           m->ctx.err.msg[0] ? m->ctx.err.msg : "failed");
    return 0;
}
