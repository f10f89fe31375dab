/* models/population.c — creating persons (the initial population from the age pyramid,
 * newborns replacing deaths), accruing their outcomes, and summarising the population
 * (census, life table). Touches the model's persons, calendar (through disease.c) and
 * tallies.
 */
#include "models/population.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "sim/rng.h"

#define ENTRANT_KEY_STEP (UINT64_C(1) << 32) /* key of a newborn = parent's key + this */

/* Index of the first cumulative share above u (the last when rounding leaves none). */
static int pick(const double *cum, int n, double u)
{
    for (int i = 0; i < n - 1; i++)
        if (u < cum[i])
            return i;
    return n - 1;
}

uint64_t pop_stream_key(const struct model *m, uint32_t id)
{
    return id < m->n_start ? id : m->entrant_key[id - m->n_start];
}

/* The demography stream: uniforms 0-5 are area, age band, age within band, activation,
 * and sex and deprivation quintile of a first life; life n >= 1 of an initial person's
 * history (disease.c draws it again when it ends before time 0) takes its sex and
 * quintile from uniforms 6 + 2(n - 1) and 7 + 2(n - 1). Every draw has a fixed place. */
#define DEMOG_AREA 0
#define DEMOG_BAND 1
#define DEMOG_AGE 2
#define DEMOG_ACTIVATION 3
#define DEMOG_SEX 4
#define DEMOG_DEPRIVATION 5

static double demog_uniform(const struct model *m, uint64_t key, uint64_t index)
{
    struct sim_stream s;
    sim_stream_init(&s, m->seed, m->replication, key, MODEL_PURPOSE_DEMOGRAPHY);
    if (index)
        sim_stream_seek(&s, 2 * index);
    return sim_stream_uniform(&s);
}

void pop_draw_origin(const struct model *m, struct person *p, uint64_t key, unsigned life)
{
    struct sim_stream s;
    sim_stream_init(&s, m->seed, m->replication, key, MODEL_PURPOSE_DEMOGRAPHY);
    sim_stream_seek(&s, life ? 2 * (6 + 2 * (uint64_t)(life - 1)) : 2 * DEMOG_SEX);
    double u_sex = sim_stream_uniform(&s), u_dep = sim_stream_uniform(&s);
    if (u_sex >= m->par.population.male_share)
        p->flags |= POP_FEMALE;
    else
        p->flags &= (uint8_t)~POP_FEMALE;
    int q = (int)(u_dep * 5.0);
    p->deprivation = (uint8_t)(1 + (q > 4 ? 4 : q));
}

/* Activation level, drawn by deprivation quintile. */
static void draw_activation(const struct model *m, struct person *p, uint64_t key)
{
    p->activation = (uint8_t)(1 + pick(m->activation_cum[p->deprivation - 1], PARAMS_ACTIVATIONS,
                                       demog_uniform(m, key, DEMOG_ACTIVATION)));
}

static void person_blank(struct person *p, double day)
{
    memset(p, 0, sizeof *p);
    p->birth_day = day;
    p->last_day = day;
    p->rates_day = day;
    p->exac_day = day;
    p->next_event = SIM_HANDLE_NONE;
    p->gp_event = SIM_HANDLE_NONE;
    p->op_event = SIM_HANDLE_NONE;
    p->mort_acute = 1.0f;
    p->review_day = INFINITY;
    p->discharge_day = -INFINITY;
    p->flags = POP_ALIVE;
}

/* An initial person: age from the pyramid, area; sex, quintile and conditions from a life
 * history that survives to their age (dis_person_init), so the mix of sex and deprivation
 * at each age is the one mortality leaves. */
static void create_initial(struct model *m, uint32_t id)
{
    const struct population_params *pp = &m->par.population;
    struct person *p = &m->persons[id];
    person_blank(p, 0.0);
    if (demog_uniform(m, id, DEMOG_AREA) < pp->rural_share)
        p->flags |= POP_RURAL;
    int band = pick(m->pyramid_cum, PARAMS_PYRAMID_BANDS, demog_uniform(m, id, DEMOG_BAND));
    double u = demog_uniform(m, id, DEMOG_AGE), age;
    if (band < PARAMS_PYRAMID_BANDS - 1) {
        age = 10.0 * band + 10.0 * u; /* uniform within a 10-year band */
    } else {
        /* 80+: density falling linearly to 0 at max_age (inverse of its distribution) */
        double lo = 10.0 * band, hi = pp->max_age_years;
        age = hi - (hi - lo) * sqrt(1.0 - u);
    }
    p->birth_day = -age * DIS_YEAR_DAYS;
    p->practice = id / (uint32_t)m->par.practices.list_size;
    dis_person_init(m, id, age);
    draw_activation(m, p, id);
}

int pop_init(struct model *m, struct sim_err *err)
{
    const struct population_params *pp = &m->par.population;
    uint32_t n = (uint32_t)m->par.run.population;

    /* Shares are checked to sum to 1 within 1e-6; normalise the rest away. */
    double sum = 0.0, cum = 0.0;
    for (int b = 0; b < PARAMS_PYRAMID_BANDS; b++)
        sum += pp->pyramid[b];
    for (int b = 0; b < PARAMS_PYRAMID_BANDS; b++)
        m->pyramid_cum[b] = (cum += pp->pyramid[b]) / sum;
    for (int q = 0; q < 5; q++) {
        double c = 0.0, tot = 0.0, w[PARAMS_ACTIVATIONS];
        for (int l = 0; l < PARAMS_ACTIVATIONS; l++) {
            w[l] = pp->activation_least[l] +
                   (pp->activation_most[l] - pp->activation_least[l]) * q / 4.0;
            tot += w[l];
        }
        for (int l = 0; l < PARAMS_ACTIVATIONS; l++)
            m->activation_cum[q][l] = (c += w[l]) / tot;
    }

    /* Room for the newborns of the run (deaths are ~1.2% of persons a year with the
     * defaults), so the array rarely grows. */
    double years = m->par.run.warmup_years + m->par.run.horizon_years;
    uint64_t cap = (uint64_t)n + 64;
    if (m->par.population.replace_deaths)
        cap += (uint64_t)(0.012 * years * n);
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    m->persons = malloc(cap * sizeof *m->persons);
    m->entrant_key = malloc((cap - n) * sizeof *m->entrant_key);
    if (!m->persons || !m->entrant_key)
        return sim_err_set(err, SIM_ENOMEM, "population: out of memory for %u persons", n);
    m->cap_persons = (uint32_t)cap;
    m->n_start = n;
    m->n_persons = n;
    uint32_t list = (uint32_t)m->par.practices.list_size;
    m->n_practices = n / list + (n % list != 0);

    for (uint32_t id = 0; id < n; id++)
        create_initial(m, id);
    for (uint32_t id = 0; id < n; id++) {
        care_person_start(m, id);
        dis_redraw(m, id);
    }
    if (m->ctx.failed)
        return sim_err_set(err, m->ctx.failed, "%s", m->ctx.err.msg);
    m->counts.persons_start = n;
    m->counts.alive = n;
    return 0;
}

/* Makes room for one more person. */
static int grow(struct model *m)
{
    if (m->n_persons < m->cap_persons)
        return 0;
    if (m->cap_persons == UINT32_MAX)
        return sim_err_set(&m->ctx.err, SIM_ERANGE, "population: person ids used up");
    uint64_t cap = (uint64_t)m->cap_persons + m->cap_persons / 8 + 64;
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    struct person *np = realloc(m->persons, cap * sizeof *np);
    if (!np)
        return sim_err_set(&m->ctx.err, SIM_ENOMEM, "population: out of memory for newborns");
    m->persons = np;
    uint64_t *nk = realloc(m->entrant_key, (cap - m->n_start) * sizeof *nk);
    if (!nk)
        return sim_err_set(&m->ctx.err, SIM_ENOMEM, "population: out of memory for newborns");
    m->entrant_key = nk;
    m->cap_persons = (uint32_t)cap;
    return 0;
}

/* A newborn replacing `parent`, who just died: same practice and area (a family in the
 * same neighbourhood), so practice lists stay steady; sex and deprivation quintile are
 * drawn as at birth (the shares the population is calibrated on), activation by quintile. */
static int add_newborn(struct model *m, uint32_t parent)
{
    int rc = grow(m);
    if (rc)
        return rc;
    uint32_t id = m->n_persons++;
    uint64_t key = pop_stream_key(m, parent) + ENTRANT_KEY_STEP;
    m->entrant_key[id - m->n_start] = key;
    const struct person *pa = &m->persons[parent];
    struct person *p = &m->persons[id];
    person_blank(p, m->ctx.now);
    p->practice = pa->practice;
    p->flags |= pa->flags & POP_RURAL;
    pop_draw_origin(m, p, key, 0);
    draw_activation(m, p, key);
    dis_person_init(m, id, 0.0);
    m->counts.entries++;
    m->counts.alive++;
    care_on_birth(m, id);
    dis_redraw(m, id);
    return 0;
}

int pop_die(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    double now = m->ctx.now;
    p->flags &= (uint8_t)~POP_ALIVE;
    p->next_event = SIM_HANDLE_NONE;
    p->last_day = now;
    m->counts.deaths++;
    m->counts.alive--;
    if (now >= m->warmup_end_day && now <= m->end_day)
        m->tally.deaths[pop_sex(p)][dis_age_step(pop_age(p, now))] += 1.0;
    care_on_death(m, id);
    if (m->par.population.replace_deaths)
        return add_newborn(m, id);
    return 0;
}

/* Years of [a, b] (years from the window start) discounted continuously at rate r. */
static double discounted_years(double r, double a, double b)
{
    if (r == 0.0)
        return b - a;
    return exp(-r * a) * -expm1(-r * (b - a)) / r;
}

void pop_accrue(struct model *m, struct person *p, double t0_day, double t1_day, double u)
{
    double a = t0_day > m->warmup_end_day ? t0_day : m->warmup_end_day;
    double b = t1_day < m->end_day ? t1_day : m->end_day;
    if (!(b > a))
        return;
    double years = (b - a) / DIS_YEAR_DAYS;
    double ya = (a - m->warmup_end_day) / DIS_YEAR_DAYS;
    double d = discounted_years(m->disc_effects, ya, ya + years);
    p->ly_disc += d;
    p->qaly += u * years;
    p->qaly_disc += u * d;
    m->tally.person_years[pop_sex(p)][dis_age_step(pop_age(p, a))] += years;
    if (pop_ncond(p) >= 2)
        m->tally.person_years_mm2 += years;
}

double pop_life_years(const struct model *m, const struct person *p)
{
    double end = pop_alive(p) ? m->ctx.now : p->last_day;
    double a = p->birth_day > m->warmup_end_day ? p->birth_day : m->warmup_end_day;
    double b = end < m->end_day ? end : m->end_day;
    return b > a ? (b - a) / DIS_YEAR_DAYS : 0.0;
}

void pop_add_cost(struct model *m, uint32_t id, enum pop_sector s, double amount,
                  double out_of_pocket)
{
    double now = m->ctx.now;
    if (id >= m->n_persons || (unsigned)s >= POP_NSECTORS || now < m->warmup_end_day ||
        now > m->end_day || !(amount >= 0.0) || !(amount < 1e15))
        return;
    int64_t cents = llround(amount * 100.0);
    int64_t oop = out_of_pocket > 0.0 ? llround(out_of_pocket * 100.0) : 0;
    if (oop > cents)
        oop = cents;
    struct person *p = &m->persons[id];
    p->cost_cents += cents;
    m->tally.cost_cents[s] += cents;
    m->tally.oop_cents += oop;
    p->cost_disc += (double)cents / 100.0 *
                    exp(-m->disc_costs * (now - m->warmup_end_day) / DIS_YEAR_DAYS);
}

void pop_draw(struct model *m, uint32_t id, int n, double *u)
{
    struct person *p = &m->persons[id];
    struct sim_stream *s = &m->draw_stream;
    /* An event usually draws several times for one person: the stream object of the
     * previous call is still in place, so re-keying and seeking (two Philox blocks) is
     * needed only for a new person. The numbers are the same either way. */
    if (m->draw_person != id || p->ndraw == 0) {
        sim_stream_init(s, m->seed, m->replication, pop_stream_key(m, id), MODEL_PURPOSE_CARE);
        /* A uniform takes two 32-bit words of the stream. */
        if (p->ndraw)
            sim_stream_seek(s, (uint64_t)p->ndraw * 2);
        m->draw_person = id;
    }
    for (int i = 0; i < n; i++)
        u[i] = sim_stream_uniform(s);
    p->ndraw += (uint32_t)n;
}

void pop_qaly_loss(struct model *m, uint32_t id, double qalys)
{
    double now = m->ctx.now;
    if (id >= m->n_persons || now < m->warmup_end_day || now > m->end_day || !(qalys > 0.0))
        return;
    struct person *p = &m->persons[id];
    p->qaly -= qalys;
    p->qaly_disc -= qalys * exp(-m->disc_effects * (now - m->warmup_end_day) / DIS_YEAR_DAYS);
}

void pop_count(struct model *m, uint32_t id, enum pop_counter which)
{
    double now = m->ctx.now;
    if (id >= m->n_persons || (unsigned)which >= POP_NCOUNTERS || now < m->warmup_end_day ||
        now > m->end_day)
        return;
    uint16_t *n = &m->persons[id].count[which];
    if (*n < UINT16_MAX)
        (*n)++;
}

/* ---- Summaries --------------------------------------------------------------------------- */

void pop_census_take(const struct model *m, struct pop_census *c)
{
    memset(c, 0, sizeof *c);
    double now = m->ctx.now;
    c->day = now;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        if (!pop_alive(p))
            continue;
        int a = dis_age_step(pop_age(p, now)), s = pop_sex(p), q = p->deprivation - 1;
        double u = dis_utility(m, p, a);
        c->alive++;
        c->n[a][s][q]++;
        c->utility[a][s][q] += u;
        for (unsigned cs = p->conds; cs; cs &= cs - 1)
            c->with[__builtin_ctz(cs)][a][s][q]++;
        if (pop_ncond(p) >= 2) {
            c->with[POP_MM2][a][s][q]++;
            c->utility_mm2[a][s][q] += u;
        }
    }
}

/* Sums persons and persons with `what` (or their utility) over a group. */
static void census_sum(const struct pop_census *c, int what, int age_lo, int age_hi, int sex,
                       int quintile, double *num, double *den, int utility)
{
    *num = *den = 0.0;
    if (age_lo < 0)
        age_lo = 0;
    if (age_hi > POP_AGES)
        age_hi = POP_AGES;
    for (int a = age_lo; a < age_hi; a++)
        for (int s = 0; s < 2; s++) {
            if (sex >= 0 && s != sex)
                continue;
            for (int q = 0; q < 5; q++) {
                if (quintile > 0 && q != quintile - 1)
                    continue;
                if (utility) {
                    *num += what ? c->utility_mm2[a][s][q] : c->utility[a][s][q];
                    *den += what ? c->with[POP_MM2][a][s][q] : c->n[a][s][q];
                } else {
                    *num += c->with[what][a][s][q];
                    *den += c->n[a][s][q];
                }
            }
        }
}

double pop_census_share(const struct pop_census *c, int what, int age_lo, int age_hi, int sex,
                        int quintile, uint64_t *n)
{
    double num, den;
    if (what < 0 || what > POP_MM2) {
        if (n)
            *n = 0;
        return NAN;
    }
    census_sum(c, what, age_lo, age_hi, sex, quintile, &num, &den, 0);
    if (n)
        *n = (uint64_t)den;
    return den > 0 ? num / den : NAN;
}

double pop_census_utility(const struct pop_census *c, int age_lo, int age_hi, int mm2)
{
    double num, den;
    census_sum(c, mm2 ? 1 : 0, age_lo, age_hi, -1, 0, &num, &den, 1);
    return den > 0 ? num / den : NAN;
}

double pop_life_expectancy(const struct model *m, int sex)
{
    double alive = 1.0, e = 0.0, last_rate = NAN;
    for (int a = 0; a < POP_AGES; a++) {
        double py = 0.0, d = 0.0;
        for (int s = 0; s < 2; s++)
            if (sex < 0 || s == sex) {
                py += m->tally.person_years[s][a];
                d += m->tally.deaths[s][a];
            }
        if (!(py > 0.0)) /* no one lived this long: close with the last rate seen */
            return a == 0 ? NAN : e + (last_rate > 0.0 ? alive / last_rate : 0.0);
        double rate = d / py;
        if (a == POP_AGES - 1) /* open age group */
            return e + (rate > 0.0 ? alive / rate : 0.0);
        /* Constant hazard within the year: survivors exp(-rate), years lived
         * (1 - exp(-rate)) / rate per person entering. */
        double q = -expm1(-rate);
        e += rate > 0.0 ? alive * q / rate : alive;
        alive *= 1.0 - q;
        if (rate > 0.0)
            last_rate = rate;
    }
    return e;
}
