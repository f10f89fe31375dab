/* models/disease.c — onset of chronic conditions, mortality and utility of each person, as
 * clocks behind one pending event per person (see disease.h for the method and
 * docs/model.md for the calibration). Touches the model's persons, calendar and tallies;
 * reads the disease tables only through const pointers (m->tables), since one set may be
 * shared by replications running on several threads.
 */
#include "models/disease.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/care.h"
#include "models/model.h"
#include "models/policy.h"
#include "models/population.h"
#include "sim/rng.h"

#define ALL_CONDS ((1u << DIS_COUNT) - 1u)

/* ---- Prevalence curves ------------------------------------------------------------------- */

/* Age at which a band's prevalence is read: the band's middle; the open 85+ band is taken
 * as 85-95. */
static double band_mid(int i)
{
    double lo = params_age_band_lower[i];
    double hi = i + 1 < PARAMS_AGE_BANDS ? params_age_band_lower[i + 1] : lo + 10.0;
    return (lo + hi) / 2;
}

static const double *curve_values(const struct model_params *par, int c, int sex)
{
    const struct condition_params *cp = &par->disease.condition[c];
    return sex ? cp->prevalence_women : cp->prevalence_men;
}

double dis_prevalence_curve(const struct model_params *par, int c, int sex, double age_years)
{
    const double *v = curve_values(par, c, sex);
    if (!(age_years > 0))
        return 0.0;
    double x0 = 0.0, y0 = 0.0; /* the curve starts at 0 at birth: newborns have nothing */
    for (int i = 0; i < PARAMS_AGE_BANDS; i++) {
        double x1 = band_mid(i);
        if (age_years < x1)
            return y0 + (v[i] - y0) * (age_years - x0) / (x1 - x0);
        x0 = x1;
        y0 = v[i];
    }
    return y0; /* flat after the last band's middle */
}

static const char *band_name(int i)
{
    static const char *const names[PARAMS_AGE_BANDS] = {
        "0-14", "15-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84", "85+",
    };
    return names[i];
}

/* ---- Tables ------------------------------------------------------------------------------ */

static int check_params(const struct model_params *par, struct sim_err *err)
{
    int rc = 0;
    for (int c = 0; c < DIS_COUNT; c++) {
        const struct condition_params *cp = &par->disease.condition[c];
        for (int s = 0; s < 2; s++) {
            const double *v = curve_values(par, c, s);
            for (int i = 1; i < PARAMS_AGE_BANDS; i++)
                if (v[i] < v[i - 1]) {
                    rc = sim_err_set(err, SIM_EINVAL,
                                     "disease.%s.prevalence_%s: falls from %g (band %s) to %g "
                                     "(band %s); the model has no remission, so prevalence "
                                     "must not fall with age",
                                     params_condition_names[c], s ? "women" : "men", v[i - 1],
                                     band_name(i - 1), v[i], band_name(i));
                    break;
                }
        }
        if (cp->onset_hr[c] != 1.0)
            rc = sim_err_set(err, SIM_EINVAL,
                             "disease.%s.onset_hr[%d]: a condition's own entry must be 1 "
                             "(got %g)", params_condition_names[c], c, cp->onset_hr[c]);
    }
    return rc;
}

/* Onset multiplier of condition c from the conditions present (before normalisation). */
static inline double interaction(const struct dis_tables *t, int c, unsigned conds)
{
    unsigned mods = t->modifiers[c] & conds;
    double f = 1.0;
    while (mods) {
        f *= t->onset_hr[c][__builtin_ctz(mods)];
        mods &= mods - 1;
    }
    return f;
}

/* ---- Calibration cohort -------------------------------------------------------------------
 *
 * The onset hazard of condition c for a person is base(c, sex, age) * dep(c, quintile) *
 * product of onset_hr over the conditions they have. The base is found by following a
 * birth cohort deterministically through every combination of conditions (2^DIS_COUNT
 * states) in each deprivation quintile, one year of age at a time, with the model's
 * mortality: at the start of each year, base is chosen so that the cohort's prevalence
 * reaches the target curve at the next birthday, given who is at risk (their quintiles and
 * conditions: the exact normaliser of the deprivation and interaction multipliers) and the
 * extra deaths among cases (their mortality multipliers, including those of the other
 * conditions they tend to have, and first-year excess deaths of new cases). The cohort is
 * then moved through the year with those hazards. Choosing the base from the cohort's own
 * prevalence rather than the curve's slope corrects any drift of the year before. See
 * docs/model.md. */

#define NSTATES (1u << DIS_COUNT)
#define COHORT_SUBSTEPS 2    /* per year: mortality changes with age within the year */
#define COHORT_CORRECTIONS 2 /* per year: corrections of the first estimate of the hazards */

struct cohort {
    double w[5][NSTATES];               /* share of the living cohort by quintile, state */
    double nw[5][NSTATES];              /* the same at the end of a substep */
    double end[5][NSTATES];             /* the same at the end of the year */
    double inter[DIS_COUNT][NSTATES];   /* onset multiplier of c in a state */
    double mort[NSTATES];               /* mortality multiplier of a state (later ratios) */
    double survive[NSTATES];            /* survival of a state over the current substep */
    double first[DIS_COUNT][NSTATES];   /* first-year excess death probability of a new case
                                         * of c arising from a state (this year of age) */
    double phi[5][NSTATES];             /* first-year excess deaths per year out of a state,
                                         * through new cases (last year's hazards) */
};

/* Expected deaths beyond the later mortality ratio in the first year of a new case whose
 * later mortality is mu_late per year: years alive in that year times the excess. */
static double first_year_excess(double mu_late, double hr, double hr1)
{
    double x = mu_late * hr1 / hr, extra = x - mu_late;
    return x > 1e-12 ? -expm1(-x) / x * extra : extra;
}

/* Moves the cohort (co->w, at the start of year of age k) through the year with base
 * hazards h into co->end: over each substep, exact exponential exits from each state, and
 * the arrivals in each new state exposed to its mortality for the rest of the substep; new
 * first-year cases lose their expected excess deaths at once. Then rescaled to shares of
 * the living (a cohort that all but died out keeps last year's shares). Quintiles are a
 * fifth each at birth, as in the population; mortality tilts them with age. */
static void propagate(struct cohort *co, const struct dis_tables *t, const double *h, int k,
                      double a)
{
    unsigned fy = t->first_year;
    memcpy(co->end, co->w, sizeof co->end);
    for (int i = 0; i < COHORT_SUBSTEPS; i++) {
        double dt = 1.0 / COHORT_SUBSTEPS;
        double mu_i = a * exp(t->gompertz_b * (k + (i + 0.5) * dt));
        for (unsigned st = 0; st < NSTATES; st++)
            co->survive[st] = exp(-mu_i * co->mort[st] * dt);
        memset(co->nw, 0, sizeof co->nw);
        for (int q = 0; q < 5; q++)
            for (unsigned st = 0; st < NSTATES; st++) {
                double w = co->end[q][st];
                if (w == 0.0)
                    continue;
                double rate[DIS_COUNT], onsets = 0.0, mu = mu_i * co->mort[st];
                unsigned absent = ~st & (NSTATES - 1);
                for (unsigned cs = absent; cs; cs &= cs - 1) {
                    int c = __builtin_ctz(cs);
                    rate[c] = h[c] * t->dep[q][c] * co->inter[c][st];
                    onsets += rate[c];
                }
                double stay = co->survive[st] * exp(-onsets * dt); /* e^(-total dt) */
                co->nw[q][st] += w * stay;
                if (onsets == 0.0)
                    continue;
                for (unsigned cs = absent; cs; cs &= cs - 1) {
                    int c = __builtin_ctz(cs);
                    /* Arrivals at time s die at the new state's rate mu' for the rest of
                     * the substep: w rate (e^(-mu' dt) - e^(-total dt)) / (total - mu')
                     * (further onsets within the substep are second order, ignored). */
                    unsigned to = st | 1u << c;
                    double d = mu + onsets - mu_i * co->mort[to];
                    double flow = fabs(d * dt) > 1e-6 ? (co->survive[to] - stay) / d
                                                      : co->survive[to] * dt * (1.0 - d * dt / 2);
                    flow *= w * rate[c];
                    if (fy >> c & 1u)
                        flow *= 1.0 - co->first[c][st];
                    co->nw[q][to] += flow;
                }
            }
        memcpy(co->end, co->nw, sizeof co->end);
    }
    double sum = 0.0;
    for (int q = 0; q < 5; q++)
        for (unsigned st = 0; st < NSTATES; st++)
            sum += co->end[q][st];
    if (sum > 1e-300 && isfinite(sum)) {
        for (int q = 0; q < 5; q++)
            for (unsigned st = 0; st < NSTATES; st++)
                co->end[q][st] /= sum;
    } else {
        memcpy(co->end, co->w, sizeof co->end);
    }
}

/* Fills t->onset[sex][k][c] and t->util_base[sex][k] for one sex. */
static void run_cohort(struct dis_tables *t, const struct model_params *par,
                       struct cohort *co, int sex, const double *ubar)
{
    unsigned fy = t->first_year;
    double a = t->gompertz_a[sex];
    double hprev[DIS_COUNT] = {0}, h[DIS_COUNT], den[DIS_COUNT], target[DIS_COUNT];
    memset(co->w, 0, sizeof co->w);
    for (int q = 0; q < 5; q++)
        co->w[q][0] = 0.2;
    int band = 0;
    for (int k = 0; k < DIS_AGES; k++) {
        double mu_mid = a * exp(t->gompertz_b * (k + 0.5));
        for (unsigned cs = fy; cs; cs &= cs - 1) {
            int c = __builtin_ctz(cs);
            for (unsigned st = 0; st < NSTATES; st++)
                co->first[c][st] = st >> c & 1u ? 0.0 :
                    first_year_excess(mu_mid * co->mort[st | 1u << c], t->mort_hr[c],
                                      t->mort_hr1[c]);
        }
        for (int q = 0; q < 5; q++)
            for (unsigned st = 0; st < NSTATES; st++) {
                double phi = 0.0;
                for (unsigned cs = fy & ~st; cs; cs &= cs - 1) {
                    int j = __builtin_ctz(cs);
                    phi += hprev[j] * t->dep[q][j] * co->inter[j][st] * co->first[j][st];
                }
                co->phi[q][st] = phi;
            }

        /* First estimate of the base hazards, from the rates at the start of the year. */
        for (int c = 0; c < DIS_COUNT; c++) {
            unsigned bit = 1u << c;
            int fyc = (fy & bit) != 0;
            double prev = 0.0, atrisk = 0.0, removed = 0.0, deaths_c = 0.0, deaths = 0.0;
            for (int q = 0; q < 5; q++)
                for (unsigned st = 0; st < NSTATES; st++) {
                    double w = co->w[q][st];
                    if (w == 0.0)
                        continue;
                    double mu = mu_mid * co->mort[st] + co->phi[q][st];
                    if (st & bit) {
                        prev += w;
                        deaths_c += w * mu;
                        deaths += w * mu;
                    } else {
                        double ri = t->dep[q][c] * co->inter[c][st];
                        atrisk += w * ri;
                        if (fyc) {
                            removed += w * ri * co->first[c][st];
                            mu -= hprev[c] * ri * co->first[c][st]; /* counted in removed */
                        }
                        deaths += w * mu;
                    }
                }
            /* d prev / d age = base * (atrisk - (1 - prev) * removed) - (deaths_c - prev *
             * deaths): the base that reaches the curve at the next birthday. */
            target[c] = dis_prevalence_curve(par, c, sex, k + 1.0);
            den[c] = atrisk - (1.0 - prev) * removed;
            double num = target[c] - prev + deaths_c - prev * deaths;
            h[c] = num > 0.0 && den[c] > 0.0 ? num / den[c] : 0.0;
        }
        /* Then correct it until the cohort lands on the curve at the next birthday (the
         * rates change within the year where mortality is high). */
        for (int iter = 0;; iter++) {
            propagate(co, t, h, k, a);
            if (iter == COHORT_CORRECTIONS)
                break;
            for (int c = 0; c < DIS_COUNT; c++) {
                double prev = 0.0;
                for (int q = 0; q < 5; q++)
                    for (unsigned st = 1u << c; st < NSTATES; st = (st + 1) | 1u << c)
                        prev += co->end[q][st];
                if (den[c] > 0.0) {
                    h[c] += (target[c] - prev) / den[c];
                    if (h[c] < 0.0)
                        h[c] = 0.0;
                }
            }
        }
        for (int c = 0; c < DIS_COUNT; c++)
            t->onset[sex][k][c] = h[c];

        /* Utility without conditions: the norm over the mean multiplier at this age. */
        while (band + 1 < PARAMS_AGE_BANDS && k >= params_age_band_lower[band + 1])
            band++;
        double umean = 0.0;
        for (int q = 0; q < 5; q++)
            for (unsigned st = 0; st < NSTATES; st++) {
                double w = co->w[q][st], u = 1.0;
                if (w == 0.0)
                    continue;
                for (unsigned cs = st; cs; cs &= cs - 1)
                    u *= ubar[__builtin_ctz(cs)];
                umean += w * u;
            }
        double u = par->utility.norm[band] / umean;
        t->util_base[sex][k] = u < 1.0 ? u : 1.0;

        memcpy(co->w, co->end, sizeof co->w);
        memcpy(hprev, h, sizeof hprev);
    }
}

int dis_tables_init(struct dis_tables *t, const struct model_params *par, struct sim_err *err)
{
    memset(t, 0, sizeof *t);
    int rc = check_params(par, err);
    if (rc)
        return rc;

    const struct mortality_params *mp = &par->mortality;
    t->gompertz_a[0] = mp->gompertz_a_men;
    t->gompertz_a[1] = mp->gompertz_a_women;
    t->gompertz_b = mp->gompertz_slope;
    t->gompertz_eb = exp(mp->gompertz_slope);

    double ubar[DIS_COUNT]; /* mean utility multiplier of a new case over severities */
    for (int c = 0; c < DIS_COUNT; c++) {
        const struct condition_params *cp = &par->disease.condition[c];
        t->mort_hr[c] = cp->mortality_hr;
        t->mort_hr1[c] = cp->mortality_hr_first_year;
        if (t->mort_hr1[c] != t->mort_hr[c])
            t->first_year |= (uint16_t)(1u << c);

        /* Geometric steps from 1 (least) to deprivation_rr (most deprived), scaled to mean 1
         * over the five quintiles; the cohort normalises over who is actually at risk. */
        double mean = 0.0;
        for (int q = 0; q < 5; q++)
            mean += (t->dep[q][c] = pow(cp->deprivation_rr, q / 4.0)) / 5.0;
        for (int q = 0; q < 5; q++)
            t->dep[q][c] /= mean;

        for (int j = 0; j < DIS_COUNT; j++) {
            t->onset_hr[c][j] = cp->onset_hr[j];
            if (cp->onset_hr[j] != 1.0)
                t->modifiers[c] |= (uint16_t)(1u << j);
        }

        double cum = 0.0;
        ubar[c] = 0.0;
        for (int l = 0; l < PARAMS_SEVERITIES; l++) {
            cum += cp->severity_shares[l];
            t->sev_cum[c][l] = cum;
            t->util[c][l] = cp->utility[l];
            ubar[c] += cp->severity_shares[l] * cp->utility[l];
        }
        t->sev_cum[c][PARAMS_SEVERITIES - 1] = 2.0; /* any uniform lands in the last level */
        t->controlled[c] = cp->controlled_share;
    }

    struct cohort *co = malloc(sizeof *co);
    if (!co)
        return sim_err_set(err, SIM_ENOMEM, "disease: out of memory for the calibration");
    for (unsigned st = 0; st < NSTATES; st++) {
        co->mort[st] = 1.0;
        for (unsigned cs = st; cs; cs &= cs - 1)
            co->mort[st] *= t->mort_hr[__builtin_ctz(cs)];
        for (int c = 0; c < DIS_COUNT; c++)
            co->inter[c][st] = interaction(t, c, st);
    }
    for (int s = 0; s < 2; s++)
        run_cohort(t, par, co, s, ubar);
    free(co);
    return 0;
}

struct dis_tables *dis_tables_create(const struct model_params *par, struct sim_err *err)
{
    struct dis_tables *t = malloc(sizeof *t);
    if (!t) {
        sim_err_set(err, SIM_ENOMEM, "disease: out of memory for the tables");
        return NULL;
    }
    if (dis_tables_init(t, par, err)) {
        free(t);
        return NULL;
    }
    return t;
}

void dis_tables_destroy(struct dis_tables *t)
{
    free(t);
}

/* ---- Hazards and utility of a person ----------------------------------------------------- */

/* Onset rate per year of absent condition c at age step k. */
static inline double onset_rate(const struct dis_tables *t, const struct person *p, int c,
                                int k)
{
    double r = t->onset[pop_sex(p)][k][c] * t->dep[p->deprivation - 1][c];
    for (unsigned mods = t->modifiers[c] & p->conds; mods; mods &= mods - 1)
        r *= t->onset_hr[c][__builtin_ctz(mods)];
    return r;
}

double dis_onset_rate(const struct model *m, const struct person *p, int c, int k)
{
    return onset_rate(m->tables, p, c, k);
}

double dis_mortality_multiplier(const struct model *m, const struct person *p, double day)
{
    const struct dis_tables *t = m->tables;
    double f = p->mort_acute;
    if (m->par.policy.hf_monitoring_coverage > 0.0)
        f *= pol_mortality_hr(m, p);
    unsigned cs = p->conds;
    while (cs) {
        int c = __builtin_ctz(cs);
        cs &= cs - 1;
        /* The same comparison as the step candidate in next_candidate, so the rate changes
         * exactly at the step event. */
        int first = (t->first_year >> c & 1u) && day < (double)p->onset_day[c] + DIS_YEAR_DAYS;
        f *= first ? t->mort_hr1[c] : t->mort_hr[c];
    }
    return f;
}

double dis_utility(const struct model *m, const struct person *p, int k)
{
    const struct dis_tables *t = m->tables;
    double u = t->util_base[pop_sex(p)][k];
    unsigned cs = p->conds;
    while (cs) {
        int c = __builtin_ctz(cs);
        cs &= cs - 1;
        u *= t->util[c][pop_severity(p, c) - 1];
    }
    unsigned unc = p->conds & ~p->controlled;
    if (unc)
        u *= pow(m->par.utility.uncontrolled_multiplier, __builtin_popcount(unc));
    return u;
}

static int in_post_discharge(const struct model *m, const struct person *p)
{
    return p->exac_day < (double)p->discharge_day + m->par.hospital.post_discharge_days;
}

double dis_exacerbation_rate(const struct model *m, const struct person *p, int c,
                             double *lapse)
{
    const struct condition_params *cp = &m->par.disease.condition[c];
    *lapse = 0.0;
    if (p->flags & POP_IN_HOSPITAL)
        return 0.0;
    int controlled = (p->controlled >> c) & 1u;
    double r = cp->exacerbation_rate;
    if (!controlled)
        r *= cp->uncontrolled_rr;
    else
        *lapse = cp->lapse_rate;
    const struct care_factors *f = &m->care.f;
    r *= f->multimorbidity[pop_ncond(p) - 1] * f->severity[pop_severity(p, c) - 1];
    if (p->flags & POP_UNMET)
        r *= m->par.care_seeking.forgo_exacerbation_hr;
    if (m->par.policy.selfman_coverage > 0.0)
        r *= pol_exacerbation_hr(m, p, c);
    if (in_post_discharge(m, p)) {
        r *= m->par.hospital.post_discharge_hr;
        if (p->flags & POP_PRESSURED)
            r *= m->par.hospital.pressure_readmission_hr;
    }
    return r;
}

/* 1 while person p is in the post-discharge window at the start of the stretch their care
 * rates apply to (exac_day); the step at its end (next_candidate) syncs the clocks there. */
double dis_other_need_rate(const struct model *m, const struct person *p, double *relapse)
{
    *relapse = 0.0;
    if (p->flags & POP_IN_HOSPITAL)
        return 0.0;
    const struct hospital_params *hp = &m->par.hospital;
    if (in_post_discharge(m, p))
        *relapse = hp->relapse_rate * pol_relapse_hr(m, p) *
                   ((p->flags & POP_PRESSURED) ? hp->pressure_readmission_hr : 1.0);
    int k = dis_age_step(pop_age(p, p->exac_day > 0.0 ? p->exac_day : 0.0));
    return m->care.f.other_need[m->care.f.band[k]];
}

double dis_gompertz_cumhaz(double a, double b, double x_years, double years)
{
    if (b == 0.0)
        return a * years;
    return a / b * exp(b * x_years) * expm1(b * years);
}

double dis_gompertz_years(double a, double b, double x_years, double cumhaz)
{
    double level = a * exp(b * x_years); /* hazard now */
    if (!(level > 0.0))
        return INFINITY;
    if (b == 0.0)
        return cumhaz / level;
    return log1p(cumhaz * b / level) / b;
}

/* ---- Clocks, histories, events ----------------------------------------------------------- */

/* Diagnosis of condition c on `day`: severity, control and the condition's next clock
 * come from the person's stream for this condition, so they do not depend on when (or in
 * which scenario) the diagnosis happens. */
static void diagnose(struct model *m, struct person *p, uint64_t key, int c, double day)
{
    const struct dis_tables *t = m->tables;
    struct sim_stream s;
    sim_stream_init(&s, m->seed, m->replication, key, MODEL_PURPOSE_ONSET + (uint32_t)c);
    double u_sev = sim_stream_uniform(&s);
    double u_ctl = sim_stream_uniform(&s);
    double u_clock = sim_stream_uniform(&s);
    unsigned level = 0;
    while (u_sev >= t->sev_cum[c][level])
        level++;
    p->severity = (p->severity & ~(3u << (2 * c))) | level << (2 * c);
    if (u_ctl < t->controlled[c])
        p->controlled |= (uint16_t)(1u << c);
    p->conds |= (uint16_t)(1u << c);
    p->onset_day[c] = (float)day;
    p->clock[c] = (float)-log(u_clock);
}

/* Onset clocks are run down only where onset rates change (birthdays, diagnoses, and
 * dis_sync_onsets), from person.rates_day, and an onset's time is computed from that day:
 * how often a person is updated in between (a mortality change, a GP visit) then changes
 * no onset by a single bit. */
static void sync_onsets(const struct model *m, struct person *p, double day)
{
    if (!(day > p->rates_day))
        return;
    int k = dis_age_step(pop_age(p, p->rates_day));
    double years = (day - p->rates_day) / DIS_YEAR_DAYS;
    for (unsigned cs = ~(unsigned)p->conds & ALL_CONDS; cs; cs &= cs - 1) {
        int c = __builtin_ctz(cs);
        double left = p->clock[c] - onset_rate(m->tables, p, c, k) * years;
        p->clock[c] = left > 0.0 ? (float)left : 0.0f;
    }
    p->rates_day = day;
}

/* Runs the clocks of present conditions down to `day` at the exacerbation and lapse rates
 * in force since person.exac_day (from time 0 on). */
static void sync_exac(const struct model *m, struct person *p, double day)
{
    if (!(day > p->exac_day))
        return;
    if (p->exac_day >= 0.0) {
        double years = (day - p->exac_day) / DIS_YEAR_DAYS;
        for (unsigned cs = p->conds; cs; cs &= cs - 1) {
            int c = __builtin_ctz(cs);
            double lapse, r = dis_exacerbation_rate(m, p, c, &lapse) + lapse;
            double left = p->clock[c] - r * years;
            p->clock[c] = left > 0.0 ? (float)left : 0.0f;
        }
        double relapse, r = dis_other_need_rate(m, p, &relapse) + relapse;
        double left = p->clock[DIS_CLOCK_OTHER] - r * years;
        p->clock[DIS_CLOCK_OTHER] = left > 0.0 ? (float)left : 0.0f;
    }
    p->exac_day = day;
}

/* Runs the death clock down over [t0, t1] with the rate in force at t0 (which holds until
 * the next candidate time, so t1 must not pass it). */
static void run_death_clock(const struct model *m, struct person *p, double t0, double t1)
{
    const struct dis_tables *t = m->tables;
    double a = t->gompertz_a[pop_sex(p)] * dis_mortality_multiplier(m, p, t0);
    double left = p->clock[DIS_CLOCK_DEATH] -
                  dis_gompertz_cumhaz(a, t->gompertz_b, pop_age(p, t0), (t1 - t0) / DIS_YEAR_DAYS);
    p->clock[DIS_CLOCK_DEATH] = left > 0.0 ? (float)left : 0.0f;
}

/* Earliest candidate time (>= now) of the person's next event, and what it is for. The
 * death clock holds its value at clock_day (<= now; no mortality change in between), so
 * the time of death does not depend on when the event is drawn. */
static double next_candidate(const struct model *m, const struct person *p, double now,
                             double clock_day, int *cand_out)
{
    const struct dis_tables *t = m->tables;
    /* Onset rates are those of the age step at rates_day until the birthday step event
     * syncs them, even if that event is due at this very moment. */
    int k = dis_age_step(pop_age(p, p->rates_day));
    double best = k < DIS_AGES - 1 ? p->birth_day + (k + 1) * DIS_YEAR_DAYS : INFINITY;
    int cand = DIS_CAND_STEP;
    /* The end of a first year after diagnosis where mortality changes is a step too. */
    for (unsigned cs = p->conds & t->first_year; cs; cs &= cs - 1) {
        double end = (double)p->onset_day[__builtin_ctz(cs)] + DIS_YEAR_DAYS;
        if (end > now && end < best)
            best = end;
    }
    for (unsigned cs = ~(unsigned)p->conds & ALL_CONDS; cs; cs &= cs - 1) {
        int c = __builtin_ctz(cs);
        double r = onset_rate(t, p, c, k);
        if (r > 0.0) {
            double when = p->rates_day + p->clock[c] / r * DIS_YEAR_DAYS;
            if (when < best) {
                best = when;
                cand = c;
            }
        }
    }
    if (now >= 0.0) {
        /* Care clocks run from time 0 on: exacerbations (and lapses) of present conditions,
         * the end of a post-discharge window (a step), other acute need, reviews. */
        double window_end = (double)p->discharge_day + m->par.hospital.post_discharge_days;
        if (window_end > now && window_end < best) {
            best = window_end;
            cand = DIS_CAND_STEP;
        }
        for (unsigned cs = p->conds; cs; cs &= cs - 1) {
            int c = __builtin_ctz(cs);
            double lapse, r = dis_exacerbation_rate(m, p, c, &lapse) + lapse;
            if (r > 0.0) {
                double when = p->exac_day + p->clock[c] / r * DIS_YEAR_DAYS;
                if (when < best) {
                    best = when;
                    cand = c;
                }
            }
        }
        double relapse, r = dis_other_need_rate(m, p, &relapse) + relapse;
        if (r > 0.0) {
            double when = p->exac_day + p->clock[DIS_CLOCK_OTHER] / r * DIS_YEAR_DAYS;
            if (when < best) {
                best = when;
                cand = DIS_CAND_OTHER;
            }
        }
        if ((double)p->review_day < best) {
            best = (double)p->review_day;
            cand = DIS_CAND_REVIEW;
        }
    }
    double b = t->gompertz_b, clock = p->clock[DIS_CLOCK_DEATH];
    double level = t->gompertz_a[pop_sex(p)] * dis_mortality_multiplier(m, p, clock_day) *
                   exp(b * pop_age(p, clock_day)); /* hazard at clock_day, per year */
    double span = (best - clock_day) / DIS_YEAR_DAYS;
    /* Up to `best` (at most a year away) the hazard stays below level * e^b: when the clock
     * holds more than that can use, death is not next and needs no inversion. */
    if (!(span <= 1.0 && clock > level * span * t->gompertz_eb)) {
        double when = clock_day + dis_gompertz_years(level, b, 0.0, clock) * DIS_YEAR_DAYS;
        if (when < best) {
            best = when;
            cand = DIS_CAND_DEATH;
        }
    }
    *cand_out = cand;
    return best > now ? best : now;
}

/* What a non-fatal event does, in the run and in initial life histories alike: a birthday
 * moves the onset rates to the next age step; a clock of an absent condition is its onset. */
static void apply_event(struct model *m, struct person *p, uint64_t key, int cand, double now)
{
    if (cand == DIS_CAND_STEP) {
        if (dis_age_step(pop_age(p, now)) != dis_age_step(pop_age(p, p->rates_day)))
            sync_onsets(m, p, now);
    } else if (cand < DIS_COUNT && !(p->conds & (1u << cand))) {
        sync_onsets(m, p, now);
        sync_exac(m, p, now); /* one more condition changes every exacerbation rate */
        diagnose(m, p, key, cand, now);
    }
}

/* Starting values of the person's clocks: attempt n uses the n-th block of DIS_NCLOCKS
 * uniforms of their clock stream. */
static void draw_clocks(const struct model *m, struct person *p, uint64_t key, unsigned attempt)
{
    struct sim_stream s;
    sim_stream_init(&s, m->seed, m->replication, key, MODEL_PURPOSE_CLOCKS);
    /* The onset and death clocks; the care clocks start at time 0 (dis_person_init). */
    if (attempt)
        sim_stream_seek(&s, (uint64_t)attempt * (DIS_CLOCK_DEATH + 1) * 2);
    for (int k = 0; k <= DIS_CLOCK_DEATH; k++)
        p->clock[k] = (float)-log(sim_stream_uniform(&s));
    p->conds = 0;
    p->controlled = 0;
    p->severity = 0;
    p->rates_day = p->birth_day;
    for (int c = 0; c < DIS_COUNT; c++)
        p->onset_day[c] = INFINITY;
}

#define HISTORY_ATTEMPTS 1000 /* lives drawn at most for one initial person */

/* Life history of an initial person from birth to time 0 with the same hazards, clocks
 * and code as the run itself, conditioned on survival: a life that ends before time 0 is
 * drawn again (sex, deprivation quintile and clocks from the next places of their
 * streams). The person is then a draw from the model's own cross-section at their age:
 * sex, quintile, conditions, diagnosis days and the clocks still running. Returns the
 * number of lives drawn. */
static unsigned live_history(struct model *m, struct person *p, uint64_t key)
{
    for (unsigned attempt = 0; attempt < HISTORY_ATTEMPTS; attempt++) {
        draw_clocks(m, p, key, attempt);
        pop_draw_origin(m, p, key, attempt);
        double now = p->birth_day;
        for (;;) {
            int cand;
            double next = next_candidate(m, p, now, now, &cand);
            if (next >= 0.0) {
                run_death_clock(m, p, now, 0.0);
                return attempt + 1;
            }
            run_death_clock(m, p, now, next);
            now = next;
            if (cand == DIS_CAND_DEATH)
                break;
            apply_event(m, p, key, cand, now);
        }
    }
    /* Survival to this age is all but impossible under the parameters: keep the last life's
     * conditions and give it a fresh death clock (docs/model.md). */
    p->clock[DIS_CLOCK_DEATH] = 1.0f;
    return HISTORY_ATTEMPTS;
}

void dis_person_init(struct model *m, uint32_t id, double age_years)
{
    struct person *p = &m->persons[id];
    uint64_t key = pop_stream_key(m, id);
    if (age_years > 0.0)
        m->counts.history_lives += live_history(m, p, key);
    else
        draw_clocks(m, p, key, 0);
    /* Care clocks start now: the clocks of conditions present already hold a fresh draw
     * (made at diagnosis and not run in the history), other need gets one. */
    double u;
    pop_draw(m, id, 1, &u);
    p->clock[DIS_CLOCK_OTHER] = (float)-log(u);
    p->exac_day = m->ctx.now;
}

void dis_advance(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    double t0 = p->last_day, t1 = m->ctx.now;
    if (!(t1 > t0))
        return;
    run_death_clock(m, p, t0, t1);
    pop_accrue(m, p, t0, t1, dis_utility(m, p, dis_age_step(pop_age(p, t0))));
    p->last_day = t1;
}

void dis_sync_onsets(struct model *m, uint32_t id)
{
    sync_onsets(m, &m->persons[id], m->ctx.now);
}

void dis_change_begin(struct model *m, uint32_t id)
{
    /* Control moves utility when uncontrolled conditions cost utility: accrue first. */
    if (m->par.utility.uncontrolled_multiplier != 1.0)
        dis_advance(m, id);
    sync_exac(m, &m->persons[id], m->ctx.now);
}

void dis_redraw(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    int cand;
    double clock_day = p->last_day < m->ctx.now ? p->last_day : m->ctx.now;
    double best = next_candidate(m, p, m->ctx.now, clock_day, &cand);
    p->next_cand = (uint8_t)cand;
    if (p->next_event != SIM_HANDLE_NONE &&
        sim_calendar_reschedule(&m->ctx.cal, p->next_event, best))
        return;
    /* Not pending (the event is being handled) or not movable: a new entry. A time that is
     * not finite makes the engine stop the run with an error. */
    sim_cancel(&m->ctx, p->next_event);
    p->next_event = sim_schedule_at(&m->ctx, best, MODEL_EV_PERSON, 0, id);
}

/* A present condition's clock fired: a lapse of control or an exacerbation, told apart by
 * the person's care stream in proportion to their rates; the clock restarts. Returns 1 for
 * an exacerbation (for the care pathway), 0 for a lapse. */
static int exacerbation_or_lapse(struct model *m, uint32_t id, int c)
{
    struct person *p = &m->persons[id];
    double lapse, r = dis_exacerbation_rate(m, p, c, &lapse);
    sync_exac(m, p, m->ctx.now);
    double u[2];
    pop_draw(m, id, 2, u);
    p->clock[c] = (float)-log(u[1]);
    if (u[0] * (r + lapse) < lapse) {
        if (m->par.utility.uncontrolled_multiplier != 1.0)
            dis_advance(m, id);
        p->controlled &= (uint16_t)~(1u << c);
        return 0;
    }
    return 1;
}

int dis_person_event(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    if (!pop_alive(p)) {
        m->counts.dead_events++;
        return 0;
    }
    p->next_event = SIM_HANDLE_NONE; /* it has just fired */
    int cand = p->next_cand;
    /* Care events (other need, reviews, exacerbations) change neither mortality nor
     * utility by themselves, so they leave the death clock and the accrual alone: how
     * often care happens then cannot move a death by rounding. */
    int care_event = cand == DIS_CAND_OTHER || cand == DIS_CAND_REVIEW ||
                     (cand < DIS_COUNT && (p->conds & (1u << cand)));
    if (!care_event)
        dis_advance(m, id);
    if (cand == DIS_CAND_DEATH)
        return pop_die(m, id);
    double now = m->ctx.now;
    if (cand == DIS_CAND_OTHER) {
        /* Other need or, in a post-discharge window, a relapse: in proportion to rates. */
        double relapse, r = dis_other_need_rate(m, p, &relapse);
        sync_exac(m, p, now);
        double u[2];
        pop_draw(m, id, 2, u);
        p->clock[DIS_CLOCK_OTHER] = (float)-log(u[1]);
        dis_redraw(m, id);
        if (u[0] * (r + relapse) < relapse)
            return care_relapse(m, id);
        return care_other_need(m, id);
    }
    if (cand == DIS_CAND_REVIEW) {
        p->review_day = INFINITY;
        dis_redraw(m, id);
        return care_review_due(m, id);
    }
    if (cand < DIS_COUNT && (p->conds & (1u << cand))) {
        int exacerbation = exacerbation_or_lapse(m, id, cand);
        dis_redraw(m, id);
        return exacerbation ? care_exacerbation(m, id, cand) : 0;
    }
    int onset = cand < DIS_COUNT;
    if (cand == DIS_CAND_STEP)
        sync_exac(m, p, now); /* a post-discharge window may end here */
    apply_event(m, p, pop_stream_key(m, id), cand, now);
    dis_redraw(m, id);
    if (onset) {
        m->counts.onsets[cand]++;
        if (now >= m->warmup_end_day && now <= m->end_day) {
            m->tally.onsets[cand] += 1.0;
            m->tally.onset_age_sum[cand] += pop_age(p, now);
        }
        return care_diagnosis(m, id, cand);
    }
    return 0;
}

/* ---- Hooks for other modules ------------------------------------------------------------- */

int dis_set_acute_mortality(struct model *m, uint32_t id, double multiplier)
{
    if (id >= m->n_persons || !pop_alive(&m->persons[id]))
        return SIM_EINVAL;
    if (!(multiplier > 0.0) || !isfinite(multiplier) || multiplier > 3.0e38)
        return SIM_EINVAL;
    dis_advance(m, id);
    dis_change_begin(m, id);
    m->persons[id].mort_acute = (float)multiplier;
    dis_redraw(m, id);
    return 0;
}

int dis_set_controlled(struct model *m, uint32_t id, int c, int controlled)
{
    if (id >= m->n_persons || c < 0 || c >= DIS_COUNT)
        return SIM_EINVAL;
    struct person *p = &m->persons[id];
    if (!pop_alive(p) || !(p->conds & (1u << c)))
        return SIM_EINVAL;
    dis_change_begin(m, id);
    if (controlled)
        p->controlled |= (uint16_t)(1u << c);
    else
        p->controlled &= (uint16_t)~(1u << c);
    dis_redraw(m, id);
    return 0;
}
