/* cli/explain.c — `caresim explain RESULTS.h5 [--comparison ALT_vs_BASE]` and the
 * mechanism rows behind `caresim compare --explain` and the HTML report: for a comparison,
 * which provider decisions changed (in units a student reads: a GP revisit interval in
 * days, referrals per GP visit in %, ...), which activity they drove, and the lever that
 * moved each (see cli/explain.h, docs/model.md "Reading the mechanism").
 *
 * Reads a results file of `caresim compare`: /comparisons/<name>/differences (means of both
 * scenarios, the paired difference and its CI) and the two scenarios' stored configs (the
 * review intervals and shares a decision multiplies, and which levers differ). Writes only
 * to the stream it is given and, for the command, stderr.
 */
#include "cli/explain.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "models/outcomes.h"
#include "models/params.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"

/* ---- The comparison, as read back ------------------------------------------------------ */

enum xp_kind { XP_DECISION, XP_ACTIVITY };

#define XP_MAX_DIFF 64   /* differing scenario keys kept for the phrases */
#define XP_VALUE_MAX 48  /* bytes of a key's value text kept */

/* A scenario key whose value differs between the two scenarios. */
struct xp_key {
    const char *path;         /* dotted key path (points into the schema) */
    char base[XP_VALUE_MAX];  /* its value text in the base */
    char alt[XP_VALUE_MAX];   /* in the alternative */
};

/* Everything the rows are made from. */
struct xp {
    char base_name[PARAMS_NAME_MAX], alt_name[PARAMS_NAME_MAX];
    int reps;                       /* replications paired (0 when not recorded) */
    double base[OUTC_COUNT];        /* means over the base's replications (outcome units) */
    double alt[OUTC_COUNT];         /* the same for the alternative */
    double rel[OUTC_COUNT];         /* relative_change of the comparison, fraction */
    double lo[OUTC_COUNT], hi[OUTC_COUNT]; /* 95% CI of the paired difference */
    struct model_params *bp, *ap;   /* both scenarios' parameters; NULL when unreadable */
    struct xp_key diff[XP_MAX_DIFF]; /* keys that differ (name, description, run.* and
                                      * economics.* left out) */
    size_t ndiff;
    char reform[PARAMS_PATH_MAX + 64]; /* "" or, when a scenario switches levers mid-run
                                         * (reform.scenario), the reason given for every
                                         * change: its settings before the switch do not
                                         * explain the decisions at the end */
};

/* The rows being built, with their kinds. */
struct xp_rows {
    struct cli_explain_row *r;
    int *kind;      /* enum xp_kind of each row */
    size_t n, cap;
};

static void xp_free(struct xp *x)
{
    free(x->bp);
    free(x->ap);
    x->bp = x->ap = NULL;
}

/* Index of outcome column name, or -1. */
static int column_of(const char *name)
{
    for (int k = 0; k < OUTC_COUNT; k++) {
        struct outc_info info;
        if (outc_column_info(k, &info, NULL) == 0 && strcmp(info.name, name) == 0)
            return k;
    }
    return -1;
}

/* Reads /comparisons/<name>/differences into x's means, relative changes and CIs. */
static int read_differences(struct out_file *f, const char *name, struct xp *x,
                            struct sim_err *err)
{
    char path[512];
    snprintf(path, sizeof path, "/comparisons/%s/differences", name);
    struct out_outcome_table *t = NULL;
    int rc = out_file_read_outcome_table(f, path, &t, err);
    if (rc)
        return rc;
    enum { F_BASE, F_ALT, F_REL, F_LOW, F_HIGH, F_N };
    static const char *const want[F_N] = {"base_mean", "alt_mean", "relative_change", "ci_low",
                                          "ci_high"};
    int at[F_N];
    for (int w = 0; w < F_N; w++) {
        at[w] = -1;
        for (size_t j = 0; j < t->n_fields; j++)
            if (strcmp(t->fields[j].name, want[w]) == 0)
                at[w] = (int)j;
    }
    if (at[F_BASE] < 0 || at[F_ALT] < 0) {
        out_outcome_table_destroy(t);
        return sim_err_set(err, SIM_EINVAL, "%s: no base_mean or alt_mean field", path);
    }
    for (size_t i = 0; i < t->n_rows; i++) {
        int k = column_of(t->outcomes[i]);
        if (k < 0)
            continue; /* an outcome of another version */
        const double *v = t->values + i * t->n_fields;
        x->base[k] = v[at[F_BASE]];
        x->alt[k] = v[at[F_ALT]];
        x->rel[k] = at[F_REL] >= 0 ? v[at[F_REL]] : NAN;
        x->lo[k] = at[F_LOW] >= 0 ? v[at[F_LOW]] : NAN;
        x->hi[k] = at[F_HIGH] >= 0 ? v[at[F_HIGH]] : NAN;
    }
    out_outcome_table_destroy(t);
    return 0;
}

/* The resolved scenario stored for name, loaded against the key table; NULL when it cannot
 * be read (a file of another version): the rows then do without it. */
static struct sim_cfg *load_config(struct out_file *f, const char *name)
{
    char *text = NULL;
    if (out_file_read_config(f, name, &text, NULL) != 0)
        return NULL;
    struct sim_cfg *cfg = sim_cfg_create(params_schema(), NULL);
    if (cfg && sim_cfg_load_string(cfg, text, name, NULL) != 0) {
        sim_cfg_destroy(cfg);
        cfg = NULL;
    }
    free(text);
    return cfg;
}

/* Whether a key is a lever (not the scenario's name or the run's size and economics). */
static int is_lever_key(const char *path)
{
    return strcmp(path, "name") != 0 && strcmp(path, "description") != 0 &&
           strncmp(path, "run.", 4) != 0 && strncmp(path, "economics.", 10) != 0;
}

/* Copies a value text into dst (XP_VALUE_MAX bytes), ending a longer one with "...". */
static void copy_value(char dst[XP_VALUE_MAX], const char *src)
{
    size_t n = strlen(src);
    if (n < XP_VALUE_MAX) {
        memcpy(dst, src, n + 1);
    } else {
        memcpy(dst, src, XP_VALUE_MAX - 4);
        memcpy(dst + XP_VALUE_MAX - 4, "...", 4);
    }
}

/* Reads both scenarios' configs: their parameters and the keys that differ. */
static int read_configs(struct out_file *f, struct xp *x)
{
    struct sim_cfg *bc = load_config(f, x->base_name), *ac = load_config(f, x->alt_name);
    int rc = 0;
    if (bc && ac) {
        x->bp = malloc(sizeof *x->bp);
        x->ap = malloc(sizeof *x->ap);
        if (!x->bp || !x->ap)
            rc = SIM_ENOMEM;
        else if (sim_cfg_fill(bc, x->bp, sizeof *x->bp, NULL) != 0 ||
                 sim_cfg_fill(ac, x->ap, sizeof *x->ap, NULL) != 0)
            xp_free(x); /* unusable: do without */
        const struct sim_cfg_schema *schema = params_schema();
        for (size_t k = 0; rc == 0 && k < schema->nkeys; k++) {
            char b[1024], a[1024]; /* arrays of floats are long */
            sim_cfg_value_text(bc, k, b, sizeof b);
            sim_cfg_value_text(ac, k, a, sizeof a);
            if (strcmp(b, a) == 0)
                continue;
            if (!is_lever_key(schema->keys[k].path) || x->ndiff == XP_MAX_DIFF)
                continue;
            struct xp_key *d = &x->diff[x->ndiff++];
            d->path = schema->keys[k].path;
            copy_value(d->base, b);
            copy_value(d->alt, a);
        }
        if (x->bp && (x->bp->reform.scenario[0] || x->ap->reform.scenario[0])) {
            const struct reform_params *r = x->ap->reform.scenario[0] ? &x->ap->reform
                                                                     : &x->bp->reform;
            const char *slash = strrchr(r->scenario, '/');
            snprintf(x->reform, sizeof x->reform, "the reform to %s after %g years",
                     slash ? slash + 1 : r->scenario, r->at_years);
            xp_free(x); /* levers as before the reform: decisions shown as multipliers */
        }
    }
    sim_cfg_destroy(bc);
    sim_cfg_destroy(ac);
    if (rc)
        xp_free(x);
    return rc;
}

/* The names of the comparisons in the file (NULL-terminated, one allocation). */
static int list_comparisons(struct out_file *f, char ***names, size_t *n, struct sim_err *err)
{
    return out_file_list_groups(f, "/comparisons", names, n, err);
}

/* Checks that the file has comparison `name`; SIM_EINVAL listing the names otherwise. */
static int check_comparison(struct out_file *f, const char *name, struct sim_err *err)
{
    char **names = NULL;
    size_t n = 0;
    int rc = list_comparisons(f, &names, &n, err);
    if (rc)
        return rc;
    int found = 0;
    char list[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        found |= strcmp(names[i], name) == 0;
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
        used = w > 0 && (size_t)w < sizeof list - used ? used + (size_t)w : sizeof list - 1;
    }
    free(names);
    if (found)
        return 0;
    if (n == 0)
        return sim_err_set(err, SIM_EINVAL,
                           "no comparisons in the file (caresim compare BASE.cfg ALT.cfg ... "
                           "writes them)");
    return sim_err_set(err, SIM_EINVAL, "no comparison '%s'; the file has: %s", name, list);
}

/* Reads everything about comparison name into x (zeroed first). */
static int xp_read(struct out_file *f, const char *name, struct xp *x, struct sim_err *err)
{
    memset(x, 0, sizeof *x);
    for (int k = 0; k < OUTC_COUNT; k++)
        x->base[k] = x->alt[k] = x->rel[k] = x->lo[k] = x->hi[k] = NAN;
    int rc = check_comparison(f, name, err);
    if (rc)
        return rc;
    char group[512], *text = NULL;
    snprintf(group, sizeof group, "/comparisons/%s", name);
    if ((rc = out_file_read_attr_text(f, group, "base", &text, err)) != 0)
        return rc;
    snprintf(x->base_name, sizeof x->base_name, "%s", text);
    free(text);
    text = NULL;
    if ((rc = out_file_read_attr_text(f, group, "alt", &text, err)) != 0)
        return rc;
    snprintf(x->alt_name, sizeof x->alt_name, "%s", text);
    free(text);
    double reps = 0;
    /* A file from elsewhere may hold anything there (NaN, 1e300): such a count is taken as
     * not recorded rather than converted. */
    if (out_file_read_attr_number(f, group, "replications", &reps, NULL) == 0 && reps >= 0 &&
        reps <= INT_MAX)
        x->reps = (int)reps;
    if ((rc = read_differences(f, name, x, err)) != 0)
        return rc;
    if ((rc = read_configs(f, x)) != 0)
        return sim_err_set(err, rc, "out of memory");
    return 0;
}

/* ---- Phrases -------------------------------------------------------------------------- */

#define WHY_MAX 320 /* bytes of a why phrase */
#define WHY_PARTS 3 /* at most this many reasons in one phrase */

/* A why phrase being assembled: reasons joined by "; ". */
struct why {
    char s[WHY_MAX];
    int parts;
};

static void why_add(struct why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_add(struct why *w, const char *fmt, ...)
{
    if (w->parts >= WHY_PARTS)
        return;
    size_t used = strlen(w->s);
    if (w->parts && used + 2 < sizeof w->s) {
        memcpy(w->s + used, "; ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->s + used, sizeof w->s - used, fmt, ap);
    va_end(ap);
    w->parts++;
}

/* Relative change b -> a, NaN when not defined. */
static double rel_of(double b, double a)
{
    return isfinite(b) && isfinite(a) && b != 0 ? a / b - 1.0 : NAN;
}

/* Whether outcome k changed by at least CLI_EXPLAIN_UNCHANGED; *dir gets its sign. */
static int moved(const struct xp *x, int k, int *dir)
{
    double r = isfinite(x->rel[k]) ? x->rel[k] : rel_of(x->base[k], x->alt[k]);
    if (!isfinite(r) && x->base[k] == 0 && isfinite(x->alt[k]) && x->alt[k] != 0)
        r = x->alt[k] > 0 ? INFINITY : -INFINITY; /* from nothing */
    if (dir)
        *dir = r > 0 ? 1 : -1;
    return !isnan(r) && fabs(r) >= CLI_EXPLAIN_UNCHANGED;
}

/* The relative change of outcome k, fraction (NaN when undefined). */
static double change_of(const struct xp *x, int k)
{
    return isfinite(x->rel[k]) ? x->rel[k] : rel_of(x->base[k], x->alt[k]);
}

/* The first differing key whose path starts with one of the prefixes (NULL-terminated). */
static const struct xp_key *diff_key(const struct xp *x, const char *const *prefixes)
{
    for (size_t i = 0; i < x->ndiff; i++)
        for (const char *const *p = prefixes; *p; p++)
            if (strncmp(x->diff[i].path, *p, strlen(*p)) == 0)
                return &x->diff[i];
    return NULL;
}

static int differs(double a, double b)
{
    return a != b;
}

/* The fee part of a GP practice's payment per consultation (as models/payment.c). */
static double gp_fee_part(const struct payment_params *pp)
{
    return pp->gp_mechanism == PARAMS_GP_FFS       ? pp->gp_fee
           : pp->gp_mechanism == PARAMS_GP_BLENDED ? pp->gp_blend_fee_share * pp->gp_fee
                                                   : 0.0;
}

/* Whether the GP practices' pay per visit differs. */
static int gp_pay_differs(const struct xp *x)
{
    const struct model_params *b = x->bp, *a = x->ap;
    return b && (b->payment.gp_mechanism != a->payment.gp_mechanism ||
                 differs(gp_fee_part(&b->payment), gp_fee_part(&a->payment)) ||
                 differs(b->costs.copay_gp, a->costs.copay_gp));
}

/* What the alternative does to the GP's revenue per visit, e.g. "capitation removes the
 * fee per visit". */
static void gp_pay_phrase(const struct xp *x, char *buf, size_t size)
{
    const struct payment_params *b = &x->bp->payment, *a = &x->ap->payment;
    if (a->gp_mechanism != b->gp_mechanism) {
        switch (a->gp_mechanism) {
        case PARAMS_GP_CAPITATION:
            snprintf(buf, size, "capitation removes the fee per visit");
            return;
        case PARAMS_GP_SALARY:
            snprintf(buf, size, "a GP salary removes the fee per visit");
            return;
        case PARAMS_GP_BLENDED:
            snprintf(buf, size, "blended capitation keeps %.0f%% of the fee per visit",
                     100 * a->gp_blend_fee_share);
            return;
        default:
            snprintf(buf, size, "fee-for-service pays %g per visit", a->gp_fee);
            return;
        }
    }
    if (differs(gp_fee_part(b), gp_fee_part(a)))
        snprintf(buf, size, "the fee per GP visit goes from %g to %g", gp_fee_part(b),
                 gp_fee_part(a));
    else
        snprintf(buf, size, "the GP copayment goes from %g to %g", x->bp->costs.copay_gp,
                 x->ap->costs.copay_gp);
}

/* The hospital mechanism's name. */
static const char *hosp_name(int m)
{
    switch (m) {
    case PARAMS_HOSP_PER_DIEM:
        return "per diem";
    case PARAMS_HOSP_DRG:
        return "DRG payment";
    case PARAMS_HOSP_GLOBAL_BUDGET:
        return "a global budget";
    default:
        return "bundled payment";
    }
}

/* The gatekeeping change in a few words ("strict gatekeeping"), and whether it sends fewer
 * needs straight to a specialist (*fewer_direct). */
static void gate_phrase(const struct xp *x, char *buf, size_t size, int *fewer_direct)
{
    const struct policy_params *b = &x->bp->policy, *a = &x->ap->policy;
    static const char *const names[] = {"no gatekeeping", "soft gatekeeping",
                                        "strict gatekeeping"};
    if (a->gatekeeping != b->gatekeeping) {
        snprintf(buf, size, "%s", names[a->gatekeeping]);
        *fewer_direct = a->gatekeeping > b->gatekeeping;
    } else if (differs(a->direct_access_share, b->direct_access_share)) {
        snprintf(buf, size, "direct access %.0f%% -> %.0f%% of needs",
                 100 * b->direct_access_share, 100 * a->direct_access_share);
        *fewer_direct = a->direct_access_share < b->direct_access_share;
    } else {
        snprintf(buf, size, "self-referral copayment %g -> %g", b->self_referral_copay,
                 a->self_referral_copay);
        *fewer_direct = a->self_referral_copay > b->self_referral_copay;
    }
}

/* Which levers differ (all 0 without the configs). */
struct levers {
    int gp_pay, p4p, spec_pay, hosp_pay, gate, cm, record, pathways, selfman, tele, hfmon,
        hah, tc, nurse;
};

static void find_levers(const struct xp *x, struct levers *l)
{
    memset(l, 0, sizeof *l);
    if (!x->bp)
        return;
    const struct model_params *b = x->bp, *a = x->ap;
    const struct payment_params *bpp = &b->payment, *app = &a->payment;
    const struct policy_params *bpo = &b->policy, *apo = &a->policy;
    l->gp_pay = gp_pay_differs(x);
    l->p4p = differs(bpp->p4p_bonus, app->p4p_bonus);
    l->spec_pay = bpp->specialist_mechanism != app->specialist_mechanism ||
                  differs(bpp->specialist_fee, app->specialist_fee) ||
                  differs(b->costs.copay_outpatient, a->costs.copay_outpatient);
    l->hosp_pay = bpp->hospital_mechanism != app->hospital_mechanism ||
                  (app->hospital_mechanism == PARAMS_HOSP_PER_DIEM &&
                   differs(bpp->per_diem, app->per_diem)) ||
                  (app->hospital_mechanism == PARAMS_HOSP_DRG &&
                   differs(bpp->drg_emergency, app->drg_emergency)) ||
                  (app->hospital_mechanism == PARAMS_HOSP_BUNDLED &&
                   differs(bpp->bundle_price, app->bundle_price));
    l->gate = bpo->gatekeeping != apo->gatekeeping ||
              (apo->gatekeeping != PARAMS_GATE_STRICT &&
               differs(bpo->direct_access_share, apo->direct_access_share)) ||
              (apo->gatekeeping == PARAMS_GATE_SOFT &&
               differs(bpo->self_referral_copay, apo->self_referral_copay));
    l->cm = differs(bpo->cm_capacity_per_1000, apo->cm_capacity_per_1000);
    l->record = bpo->shared_record != apo->shared_record;
    for (int c = 0; c < PARAMS_CONDITIONS; c++)
        l->pathways |= differs(bpo->pathway_coverage[c], apo->pathway_coverage[c]);
    l->selfman = differs(bpo->selfman_coverage, apo->selfman_coverage);
    l->tele = differs(bpo->tele_slot_share, apo->tele_slot_share);
    l->hfmon = differs(bpo->hf_monitoring_coverage, apo->hf_monitoring_coverage);
    l->hah = differs(bpo->hah_share, apo->hah_share);
    l->tc = differs(bpo->tc_coverage, apo->tc_coverage);
    l->nurse = differs(bpo->nurse_slots_per_practice_day, apo->nurse_slots_per_practice_day);
}

/* "more" or "less" for a direction. */
static const char *more_less(int dir)
{
    return dir > 0 ? "more" : "less";
}

/* Adds the first differing key under the prefixes as a reason ("key a -> b"); returns
 * whether there was one. */
static int why_key(struct why *w, const struct xp *x, const char *const *prefixes)
{
    const struct xp_key *k = diff_key(x, prefixes);
    if (k)
        why_add(w, "%s %s -> %s", k->path, k->base, k->alt);
    return k != NULL;
}

/* Whether the paired 95% CI of outcome k's difference includes 0 (a change that may be
 * chance; a decision's CI is a point). */
static int ci_spans_zero(const struct xp *x, int k)
{
    return isfinite(x->lo[k]) && isfinite(x->hi[k]) && x->lo[k] <= 0 && x->hi[k] >= 0 &&
           x->lo[k] < x->hi[k];
}

/* Finishes an activity row's phrase: a knock-on effect or chance when no lever was found,
 * and a note when the paired CI spans 0. */
static void why_finish(struct why *w, const struct xp *x, int k)
{
    int spans = ci_spans_zero(x, k);
    if (w->parts == 0)
        why_add(w, "%s", spans         ? "not distinguishable from chance"
                         : x->reform[0] ? x->reform
                                        : "knock-on effect of the changes above");
    else if (spans)
        snprintf(w->s + strlen(w->s), sizeof w->s - strlen(w->s), " (95%% CI spans 0)");
}

/* ---- Rows ------------------------------------------------------------------------------ */

static int add_row(struct xp_rows *rs, int kind, const char *label, const char *unit,
                   double base, double alt, double rel, const char *why)
{
    if (!isfinite(base) && !isfinite(alt))
        return 0; /* not in this file */
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 32;
        struct cli_explain_row *r = realloc(rs->r, cap * sizeof *r);
        if (!r)
            return SIM_ENOMEM;
        rs->r = r;
        int *kd = realloc(rs->kind, cap * sizeof *kd);
        if (!kd)
            return SIM_ENOMEM;
        rs->kind = kd;
        rs->cap = cap;
    }
    struct cli_explain_row *r = &rs->r[rs->n];
    r->label = strdup(label);
    r->unit = strdup(unit);
    r->why = strdup(why);
    r->base = base;
    r->alt = alt;
    r->rel_change = rel;
    rs->kind[rs->n++] = kind;
    return r->label && r->unit && r->why ? 0 : SIM_ENOMEM;
}

/* The provider decisions, in units of the pathway where the configs give them. */
static int decision_rows(const struct xp *x, const struct levers *l, struct xp_rows *rs)
{
    const struct model_params *b = x->bp, *a = x->ap;
    const double *bm = x->base, *am = x->alt;
    char gp[160] = "", line[200];
    if (b && gp_pay_differs(x))
        gp_pay_phrase(x, gp, sizeof gp);
    int rc = 0, dir;

    /* GP review frequency: the revisit interval of a patient with one condition. */
    for (int u = 0; u < 2 && rc == 0; u++) {
        int k = u ? OUTC_DECISION_REVIEW_UNC : OUTC_DECISION_REVIEW;
        struct why w = {.s = ""};
        if (moved(x, k, &dir)) {
            if (gp[0])
                why_add(&w, "%s: GPs review %s often", gp, more_less(dir));
            if (u && l->p4p)
                why_add(&w, "pay-for-performance bonus %g -> %g per controlled condition",
                        b->payment.p4p_bonus, a->payment.p4p_bonus);
        }
        static const char *const interval_keys[2][2] = {
            {"practices.review_interval_controlled_days", NULL},
            {"practices.review_interval_uncontrolled_days", NULL}};
        why_key(&w, x, interval_keys[u]);
        if (w.parts == 0 && moved(x, k, NULL)) {
            static const char *const keys[] = {"behaviour.", "costs.gp_visit", NULL};
            if (!why_key(&w, x, keys))
                why_add(&w, "%s", x->reform[0] ? x->reform : "the GPs' incentives differ");
        }
        if (w.parts == 0)
            why_add(&w, "same incentives");
        if (b) {
            double bi = (u ? b->practices.review_interval_uncontrolled_days
                           : b->practices.review_interval_controlled_days) / bm[k];
            double ai = (u ? a->practices.review_interval_uncontrolled_days
                           : a->practices.review_interval_controlled_days) / am[k];
            rc = add_row(rs, XP_DECISION,
                         u ? "GP revisit interval, uncontrolled (1 condition)"
                           : "GP revisit interval, controlled (1 condition)",
                         "days", bi, ai, rel_of(bi, ai), w.s);
        } else {
            rc = add_row(rs, XP_DECISION,
                         u ? "GP review frequency, uncontrolled" : "GP review frequency, "
                                                                   "controlled",
                         "x indicated", bm[k], am[k], rel_of(bm[k], am[k]), w.s);
        }
    }

    /* Referrals per GP visit: the referral decision, and who comes to the GP. */
    if (rc == 0) {
        struct why w = {.s = ""};
        int k = OUTC_DECISION_REFERRAL;
        if (moved(x, k, &dir))
            why_add(&w, "%s%sGPs refer %s (propensity x%.2f)", gp, gp[0] ? ": " : "",
                    more_less(dir), am[k] / bm[k]);
        int own = 0;
        if (!moved(x, OUTC_REFERRAL_RATE, &own))
            own = 0;
        if (b && own < 0 && l->pathways)
            why_add(&w, "care pathways: fewer referrals of covered patients");
        if (b && own < 0 && l->tele && a->policy.tele_slot_share > b->policy.tele_slot_share)
            why_add(&w, "remote visits (new demand) refer no one");
        if (w.parts == 0 && own && l->gate) {
            int fewer;
            gate_phrase(x, line, sizeof line, &fewer);
            why_add(&w, "%s: %s needs reach the GP", line, fewer ? "other" : "fewer");
        }
        if (w.parts == 0 && own)
            why_add(&w, "the mix of GP visits changed");
        if (w.parts == 0)
            why_add(&w, "same incentives");
        k = OUTC_REFERRAL_RATE;
        why_finish(&w, x, k); /* an observed rate: it has a CI */
        rc = add_row(rs, XP_DECISION, "referrals per GP visit", "%", 100 * bm[k], 100 * am[k],
                     change_of(x, k), w.s);
    }

    /* Specialist follow-up: the probability a visit books one. */
    if (rc == 0) {
        struct why w = {.s = ""};
        int k = OUTC_DECISION_FOLLOWUP;
        if (moved(x, k, &dir)) {
            if (b && b->payment.specialist_mechanism != a->payment.specialist_mechanism)
                why_add(&w, "%s: specialists book %s follow-ups",
                        a->payment.specialist_mechanism == PARAMS_SPEC_SALARY
                            ? "salaried specialists earn no fee per follow-up"
                            : "a fee per attendance",
                        dir > 0 ? "more" : "fewer");
            else if (l->spec_pay)
                why_add(&w, "specialist fee or copayment changed: %s follow-ups",
                        dir > 0 ? "more" : "fewer");
        }
        if (l->record)
            why_add(&w, "%s", a->policy.shared_record
                                  ? "shared record: fewer repeat follow-ups"
                                  : "no shared record: more repeat follow-ups");
        static const char *const keys[] = {"outpatient.followup_probability",
                                           "policy.record_followup_reduction", NULL};
        why_key(&w, x, keys);
        if (w.parts == 0)
            why_add(&w, "same incentives");
        if (b) {
            double bf = 100 * b->outpatient.followup_probability * bm[k] *
                        (b->policy.shared_record ? 1 - b->policy.record_followup_reduction : 1);
            double af = 100 * a->outpatient.followup_probability * am[k] *
                        (a->policy.shared_record ? 1 - a->policy.record_followup_reduction : 1);
            rc = add_row(rs, XP_DECISION, "specialist visits booking a follow-up", "%", bf, af,
                         rel_of(bf, af), w.s);
        } else {
            rc = add_row(rs, XP_DECISION, "specialist follow-up propensity", "x indicated",
                         bm[k], am[k], rel_of(bm[k], am[k]), w.s);
        }
    }

    /* Hospital decisions: length of stay, admission from the ED, post-acute discharge. */
    int hosp_mech_differs = b && b->payment.hospital_mechanism != a->payment.hospital_mechanism;
    const char *hosp = b ? hosp_name(a->payment.hospital_mechanism) : "";
    if (rc == 0) {
        struct why w = {.s = ""};
        int k = OUTC_DECISION_LOS;
        if (moved(x, k, &dir)) {
            if (hosp_mech_differs && a->payment.hospital_mechanism == PARAMS_HOSP_PER_DIEM)
                why_add(&w, "per diem pays for every bed-day: longer stays");
            else if (hosp_mech_differs && b->payment.hospital_mechanism == PARAMS_HOSP_PER_DIEM)
                why_add(&w, "%s no longer pays per bed-day: shorter stays", hosp);
            else if (l->hosp_pay)
                why_add(&w, "%s prices changed: %s stays", hosp, dir > 0 ? "longer" : "shorter");
            else if (!why_key(&w, x, (const char *const[]){"behaviour.", "costs.", NULL}))
                why_add(&w, "%s", x->reform[0] ? x->reform : "the hospitals' incentives differ");
        }
        if (w.parts == 0)
            why_add(&w, "same incentives");
        if (b) {
            double bl = b->hospital.other_los_days * bm[k], al = a->hospital.other_los_days * am[k];
            snprintf(line, sizeof line, "length of stay (indicated %g days)",
                     b->hospital.other_los_days);
            rc = add_row(rs, XP_DECISION, line, "days", bl, al, rel_of(bl, al), w.s);
        } else {
            rc = add_row(rs, XP_DECISION, "length-of-stay decision", "x indicated", bm[k],
                         am[k], rel_of(bm[k], am[k]), w.s);
        }
    }
    if (rc == 0) {
        struct why w = {.s = ""};
        int k = OUTC_DECISION_ADMISSION;
        if (moved(x, k, &dir)) {
            if (l->hosp_pay) {
                const char *how = a->payment.hospital_mechanism == PARAMS_HOSP_GLOBAL_BUDGET
                                      ? "an admission earns nothing more"
                                  : a->payment.hospital_mechanism == PARAMS_HOSP_DRG
                                      ? "a fixed price per admission"
                                  : a->payment.hospital_mechanism == PARAMS_HOSP_BUNDLED
                                      ? "one price per episode, post-acute care included"
                                      : "every bed-day of a stay is paid";
                why_add(&w, "%s: %s; hospitals admit %s", hosp, how, more_less(dir));
            } else if (!why_key(&w, x, (const char *const[]){"behaviour.", "costs.", NULL})) {
                why_add(&w, "%s", x->reform[0] ? x->reform
                                               : "shorter or longer stays change what an "
                                                 "admission earns");
            }
        }
        if (w.parts == 0)
            why_add(&w, "same incentives");
        rc = add_row(rs, XP_DECISION, "admission propensity in the ED", "x indicated", bm[k],
                     am[k], rel_of(bm[k], am[k]), w.s);
    }
    if (rc == 0) {
        struct why w = {.s = ""};
        int k = OUTC_DECISION_POSTACUTE;
        if (moved(x, k, &dir)) {
            if (b && a->payment.hospital_mechanism == PARAMS_HOSP_BUNDLED && hosp_mech_differs)
                why_add(&w, "bundled payment: the hospital pays for post-acute care");
            else if (b && b->payment.hospital_mechanism == PARAMS_HOSP_BUNDLED &&
                     hosp_mech_differs)
                why_add(&w, "%s: the hospital no longer pays for post-acute care", hosp);
            else if (!why_key(&w, x, (const char *const[]){"payment.", "behaviour.", NULL}))
                why_add(&w, "%s", x->reform[0] ? x->reform : "the hospitals' incentives differ");
        }
        if (w.parts == 0)
            why_add(&w, "same incentives");
        if (b) {
            double bs = 100 * b->hospital.postacute_share_75plus * bm[k];
            double as = 100 * a->hospital.postacute_share_75plus * am[k];
            rc = add_row(rs, XP_DECISION, "post-acute share chosen (aged 75+)", "%",
                         bs, as, rel_of(bs, as), w.s);
        } else {
            rc = add_row(rs, XP_DECISION, "post-acute discharge propensity", "x indicated",
                         bm[k], am[k], rel_of(bm[k], am[k]), w.s);
        }
    }
    if (rc == 0) {
        struct why w = {.s = ""};
        int k = OUTC_DECISION_CONTROL;
        if (moved(x, k, &dir)) {
            if (l->p4p)
                why_add(&w, "pay-for-performance bonus %g -> %g per controlled condition",
                        b->payment.p4p_bonus, a->payment.p4p_bonus);
            else if (!why_key(&w, x, (const char *const[]){"behaviour.", NULL}))
                why_add(&w, "%s", x->reform[0] ? x->reform : "the GPs' incentives differ");
        }
        if (w.parts == 0)
            why_add(&w, "same incentives");
        rc = add_row(rs, XP_DECISION, "GP effort to control a condition", "x indicated", bm[k],
                     am[k], rel_of(bm[k], am[k]), w.s);
    }
    return rc;
}

/* One activity row: an outcome column shown with a label, a unit and a scale. */
struct activity {
    int col;            /* enum outc_column */
    const char *label;  /* what a student reads */
    const char *unit;   /* unit after scaling */
    double scale;       /* 100 for a fraction shown in % */
};

static const struct activity activities[] = {
    {OUTC_GP_VISITS, "GP visits", "per person-year", 1},
    {OUTC_SPECIALIST_VISITS, "specialist visits", "per person-year", 1},
    {OUTC_SELF_REFERRALS, "self-referrals to a specialist", "per 1000 person-years", 1},
    {OUTC_ED_VISITS, "ED attendances", "per 1000 person-years", 1},
    {OUTC_EMERGENCY_ADMISSIONS, "emergency admissions", "per 1000 person-years", 1},
    {OUTC_AVOIDABLE_ADMISSIONS, "avoidable (ACSC) admissions", "per 1000 person-years", 1},
    {OUTC_ELECTIVE_ADMISSIONS, "elective admissions", "per 1000 person-years", 1},
    {OUTC_READMISSION_30D, "emergency readmissions within 30 days", "% of discharges", 100},
    {OUTC_MEAN_LOS, "mean length of stay", "days", 1},
    {OUTC_POSTACUTE_RATE, "discharges to post-acute care", "% of discharges", 100},
    {OUTC_HOME_STAYS, "hospital-at-home episodes", "per 1000 person-years", 1},
    {OUTC_CASE_MANAGED, "persons in case management", "persons", 1},
    {OUTC_BED_OCCUPANCY, "bed occupancy", "%", 100},
    {OUTC_BOARDED_SHARE, "emergency admissions waiting for a bed", "%", 100},
    {OUTC_MEAN_WAIT_GP, "wait for a GP appointment", "days", 1},
    {OUTC_MEAN_WAIT_SPECIALIST, "wait for a first specialist visit", "days", 1},
    {OUTC_MEAN_WAIT_ELECTIVE, "wait for an elective admission", "days", 1},
    {OUTC_FORGONE, "needs not taken to care", "needs", 1},
};
#define N_ACTIVITIES (sizeof activities / sizeof *activities)

/* Adds "<what> <+x%>: <then>" naming the change of outcome k as a reason for the change
 * of outcome col, when both moved the same way (then_up or then_down after the colon, by
 * direction; "" for none). */
static void why_follows(struct why *w, const struct xp *x, int k, int col, const char *what,
                        const char *then_up, const char *then_down)
{
    int dir, own;
    if (!moved(x, k, &dir) || !moved(x, col, &own) || dir != own || ci_spans_zero(x, k))
        return; /* not the same way, or the driver itself may be chance */
    const char *then = dir > 0 ? then_up : then_down;
    double r = change_of(x, k);
    if (isfinite(r))
        why_add(w, "%s %+.0f%%%s%s", what, 100 * r, then[0] ? ": " : "", then);
    else
        why_add(w, "%s %s%s%s", what, dir > 0 ? "up" : "down", then[0] ? ": " : "", then);
}

/* Direction (+1 up, -1 down, 0 no change) in which a lever moved between the scenarios. */
static int lever_dir(double base, double alt)
{
    return alt > base ? 1 : alt < base ? -1 : 0;
}

/* The reasons of activity row col: the levers and decisions whose expected effect has the
 * direction the row moved in (a lever pushing the other way is not named as the reason). */
static void activity_why(const struct xp *x, const struct levers *l, int col, struct why *w)
{
    const struct model_params *b = x->bp, *a = x->ap;
    char gate[200] = "", gp[160] = "";
    int fewer_direct = 0;
    if (b && l->gate)
        gate_phrase(x, gate, sizeof gate, &fewer_direct);
    if (b && l->gp_pay)
        gp_pay_phrase(x, gp, sizeof gp);
    else if (b && l->p4p)
        snprintf(gp, sizeof gp, "pay-for-performance");
    /* How the row moved (0: it did not) and how the levers and decisions moved. */
    int own = 0;
    if (!moved(x, col, &own))
        own = 0;
    int d_review = 0, d_ref = 0, d_fu = 0, d_los = 0, d_adm = 0, d_pac = 0, d_ctl = 0;
    if (!moved(x, OUTC_DECISION_REVIEW, &d_review) &&
        !moved(x, OUTC_DECISION_REVIEW_UNC, &d_review))
        d_review = 0;
    d_ref = moved(x, OUTC_DECISION_REFERRAL, &d_ref) ? d_ref : 0;
    d_fu = moved(x, OUTC_DECISION_FOLLOWUP, &d_fu) ? d_fu : 0;
    d_los = moved(x, OUTC_DECISION_LOS, &d_los) ? d_los : 0;
    d_adm = moved(x, OUTC_DECISION_ADMISSION, &d_adm) ? d_adm : 0;
    d_pac = moved(x, OUTC_DECISION_POSTACUTE, &d_pac) ? d_pac : 0;
    d_ctl = moved(x, OUTC_DECISION_CONTROL, &d_ctl) ? d_ctl : 0;
    int gate_dir = l->gate ? (fewer_direct ? 1 : -1) : 0; /* +1: more needs via the GP */
    int cm = 0, hah = 0, tc = 0, rec = 0, sm = 0, hf = 0, tele = 0, nurse = 0, path = 0;
    if (b) {
        const struct policy_params *bp = &b->policy, *ap = &a->policy;
        cm = lever_dir(bp->cm_capacity_per_1000, ap->cm_capacity_per_1000);
        hah = lever_dir(bp->hah_share, ap->hah_share);
        tc = lever_dir(bp->tc_coverage, ap->tc_coverage);
        rec = lever_dir(bp->shared_record, ap->shared_record);
        sm = lever_dir(bp->selfman_coverage, ap->selfman_coverage);
        hf = lever_dir(bp->hf_monitoring_coverage, ap->hf_monitoring_coverage);
        tele = lever_dir(bp->tele_slot_share, ap->tele_slot_share);
        nurse = lever_dir(bp->nurse_slots_per_practice_day, ap->nurse_slots_per_practice_day);
        double pb = 0, pa = 0;
        for (int c = 0; c < PARAMS_CONDITIONS; c++) {
            pb += bp->pathway_coverage[c];
            pa += ap->pathway_coverage[c];
        }
        path = lever_dir(pb, pa);
    }
    const char *direct = !fewer_direct ? "more patients go straight to a specialist"
                         : b && a->policy.gatekeeping == PARAMS_GATE_STRICT
                             ? "specialists only by GP referral"
                             : "fewer patients go straight to a specialist";
    /* E(expected): the row moved, the way `expected` (+1/-1) says; 0 never agrees. */
#define E(expected) (own != 0 && (expected) == own)
    switch (col) {
    case OUTC_GP_VISITS:
        if (E(d_review))
            why_add(w, "%s%sGPs review %s often", gp, gp[0] ? ": " : "", more_less(d_review));
        if (E(gate_dir))
            why_add(w, "%s: %s", gate, fewer_direct ? "needs go to the GP first"
                                                    : "some needs skip the GP");
        if (E(tele))
            why_add(w, "remote GP slots (+%.0f%%) bring new demand",
                    100 * a->policy.tele_slot_share);
        if (E(nurse))
            why_add(w, "nurse slots %g -> %g a day per practice",
                    b->policy.nurse_slots_per_practice_day,
                    a->policy.nurse_slots_per_practice_day);
        if (E(cm))
            why_add(w, "case management sends some exacerbations to the GP, not the ED");
        why_key(w, x, (const char *const[]){"practices.", "costs.copay_gp", NULL});
        break;
    case OUTC_SPECIALIST_VISITS:
        if (E(-gate_dir))
            why_add(w, "%s: %s", gate, direct);
        if (E(d_ref))
            why_add(w, "GPs refer %s", more_less(d_ref));
        if (E(d_fu))
            why_add(w, "%s follow-ups", d_fu > 0 ? "more" : "fewer");
        if (E(-rec))
            why_add(w, "shared record %s: %s repeat follow-ups", rec > 0 ? "on" : "off",
                    rec > 0 ? "fewer" : "more");
        if (E(-path))
            why_add(w, "care pathways: fewer referrals");
        why_key(w, x, (const char *const[]){"outpatient.", "costs.copay_outpatient", NULL});
        break;
    case OUTC_SELF_REFERRALS:
        if (E(-gate_dir))
            why_add(w, "%s: %s", gate, direct);
        break;
    case OUTC_ED_VISITS:
        if (E(-cm))
            why_add(w, "case management catches exacerbations early");
        if (E(-sm))
            why_add(w, "self-management: fewer exacerbations");
        if (E(-hf))
            why_add(w, "heart-failure telemonitoring: fewer severe exacerbations");
        why_follows(w, x, OUTC_MEAN_WAIT_GP, col, "GP wait", "more go to the ED instead",
                    "fewer go to the ED instead");
        break;
    case OUTC_EMERGENCY_ADMISSIONS:
        if (E(d_adm))
            why_add(w, "hospitals admit %s from the ED (%s)", more_less(d_adm),
                    b ? hosp_name(a->payment.hospital_mechanism) : "their incentives");
        if (E(-hah))
            why_add(w, "hospital at home: %.0f%% of eligible admissions treated at home",
                    100 * a->policy.hah_share);
        if (E(-sm))
            why_add(w, "self-management: fewer exacerbations");
        if (E(-tc) || E(-rec))
            why_add(w, "%s: fewer relapses after discharge",
                    E(-tc) ? "transitional care" : "shared record");
        if (E(-cm))
            why_add(w, "case management catches exacerbations early");
        if (E(-d_ctl))
            why_add(w, "GPs' control effort %s", d_ctl > 0 ? "up" : "down");
        break;
    case OUTC_AVOIDABLE_ADMISSIONS:
        if (E(-d_ctl))
            why_add(w, "GPs' control effort %s (%s)", d_ctl > 0 ? "up" : "down",
                    l->p4p ? "pay-for-performance" : "incentives");
        if (E(-d_review))
            why_add(w, "GPs review %s often", more_less(d_review));
        if (E(-sm))
            why_add(w, "self-management: fewer exacerbations");
        if (E(-path))
            why_add(w, "care pathways: better control");
        if (E(-cm))
            why_add(w, "case management");
        if (E(-hah))
            why_add(w, "hospital at home: some treated at home, not admitted");
        if (E(d_adm))
            why_add(w, "hospitals admit %s from the ED", more_less(d_adm));
        break;
    case OUTC_ELECTIVE_ADMISSIONS:
        why_key(w, x, (const char *const[]){"hospital.beds", "hospital.elective", NULL});
        why_follows(w, x, OUTC_SPECIALIST_VISITS, col, "specialist visits", "more listed",
                    "fewer listed");
        break;
    case OUTC_READMISSION_30D:
        if (E(-tc))
            why_add(w, "transitional care for %.0f%% of discharges",
                    100 * a->policy.tc_coverage);
        if (E(-rec))
            why_add(w, "shared record: %s discharge handover", rec > 0 ? "better" : "worse");
        if (E(hah))
            why_add(w, "hospital at home: more relapses after care at home");
        why_key(w, x, (const char *const[]){"hospital.post_discharge", NULL});
        break;
    case OUTC_MEAN_LOS:
        if (E(d_los))
            why_add(w, "%s: %s stays",
                    b ? hosp_name(a->payment.hospital_mechanism) : "the hospitals' incentives",
                    d_los > 0 ? "longer" : "shorter");
        break;
    case OUTC_POSTACUTE_RATE:
        if (E(d_pac))
            why_add(w, "hospitals discharge %s to post-acute care", more_less(d_pac));
        why_key(w, x, (const char *const[]){"hospital.postacute", NULL});
        break;
    case OUTC_HOME_STAYS:
        if (E(hah))
            why_add(w, "hospital at home for %.0f%% of eligible admissions",
                    100 * a->policy.hah_share);
        break;
    case OUTC_CASE_MANAGED:
        if (E(cm))
            why_add(w, "case-management places %g -> %g per 1000",
                    b->policy.cm_capacity_per_1000, a->policy.cm_capacity_per_1000);
        break;
    case OUTC_BED_OCCUPANCY:
        why_follows(w, x, OUTC_MEAN_LOS, col, "length of stay", "", "");
        why_follows(w, x, OUTC_EMERGENCY_ADMISSIONS, col, "emergency admissions", "", "");
        if (E(-hah))
            why_add(w, "hospital at home frees beds");
        why_key(w, x, (const char *const[]){"hospital.beds", NULL});
        break;
    case OUTC_BOARDED_SHARE:
        why_follows(w, x, OUTC_BED_OCCUPANCY, col, "bed occupancy", "fewer free beds",
                    "more free beds");
        why_key(w, x, (const char *const[]){"hospital.beds", NULL});
        break;
    case OUTC_MEAN_WAIT_GP:
        why_follows(w, x, OUTC_GP_VISITS, col, "GP visits", "fuller books", "emptier books");
        if (E(-tele) || E(-nurse))
            why_add(w, "more GP slots");
        why_key(w, x, (const char *const[]){"practices.", NULL});
        break;
    case OUTC_MEAN_WAIT_SPECIALIST:
        if (E(gate_dir < 0 ? 1 : gate_dir > 0 ? -1 : 0))
            why_add(w, "%s: %s self-referrals in the clinic queues", gate,
                    fewer_direct ? "fewer" : "more");
        why_follows(w, x, OUTC_REFERRAL_RATE, col, "referrals per GP visit",
                    "longer clinic queues", "shorter clinic queues");
        why_follows(w, x, OUTC_SPECIALIST_VISITS, col, "specialist visits",
                    "longer clinic queues", "shorter clinic queues");
        why_key(w, x, (const char *const[]){"outpatient.", NULL});
        break;
    case OUTC_MEAN_WAIT_ELECTIVE:
        why_follows(w, x, OUTC_SPECIALIST_VISITS, col, "specialist visits",
                    "more put on the list", "fewer put on the list");
        why_follows(w, x, OUTC_BED_OCCUPANCY, col, "bed occupancy", "fewer free beds",
                    "more free beds");
        why_key(w, x, (const char *const[]){"hospital.beds", "hospital.elective", NULL});
        break;
    case OUTC_FORGONE:
        if (E(d_review))
            why_add(w, "%s review invitations, some of them forgone",
                    d_review > 0 ? "more" : "fewer");
        if (E(gate_dir))
            why_add(w, "%s: %s needs pass the GP's door, where some are forgone", gate,
                    fewer_direct ? "more" : "fewer");
        why_key(w, x, (const char *const[]){"costs.copay", "policy.copay_elasticity", NULL});
        break;
    default:
        break;
    }
#undef E
    why_finish(w, x, col);
}

static int activity_rows(const struct xp *x, const struct levers *l, struct xp_rows *rs)
{
    for (size_t i = 0; i < N_ACTIVITIES; i++) {
        const struct activity *ac = &activities[i];
        int k = ac->col;
        struct why w = {.s = ""};
        activity_why(x, l, k, &w);
        int rc = add_row(rs, XP_ACTIVITY, ac->label, ac->unit, ac->scale * x->base[k],
                         ac->scale * x->alt[k], change_of(x, k), w.s);
        if (rc)
            return rc;
    }
    return 0;
}

/* Sort key: |rel_change|; a change from 0 first, rows without values last. */
static double sort_key(const struct cli_explain_row *r)
{
    if (isfinite(r->rel_change))
        return fabs(r->rel_change);
    if (r->base == 0 && isfinite(r->alt) && r->alt != 0)
        return INFINITY;
    return -1;
}

/* Sorts the rows (and their kinds) by sort_key descending, ties in the order built. */
static int sort_rows(struct xp_rows *rs)
{
    size_t n = rs->n;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    struct cli_explain_row *r = malloc((n ? n : 1) * sizeof *r);
    int *kd = malloc((n ? n : 1) * sizeof *kd);
    if (!order || !r || !kd) {
        free(order);
        free(r);
        free(kd);
        return SIM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    /* Insertion sort: a few dozen rows, and stable. */
    for (size_t i = 1; i < n; i++) {
        size_t v = order[i], j = i;
        double key = sort_key(&rs->r[v]);
        while (j > 0 && sort_key(&rs->r[order[j - 1]]) < key) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    for (size_t i = 0; i < n; i++) {
        r[i] = rs->r[order[i]];
        kd[i] = rs->kind[order[i]];
    }
    free(order);
    free(rs->r);
    free(rs->kind);
    rs->r = r;
    rs->kind = kd;
    rs->cap = n ? n : 1;
    return 0;
}

static void rows_fini(struct xp_rows *rs)
{
    cli_explain_rows_free(rs->r, rs->n);
    free(rs->kind);
    memset(rs, 0, sizeof *rs);
}

/* Reads comparison name and builds its rows, sorted. */
static int build(struct out_file *f, const char *name, struct xp *x, struct xp_rows *rs,
                 struct sim_err *err)
{
    memset(rs, 0, sizeof *rs);
    int rc = xp_read(f, name, x, err);
    if (rc)
        return rc;
    struct levers l;
    find_levers(x, &l);
    rc = decision_rows(x, &l, rs);
    rc = rc ? rc : activity_rows(x, &l, rs);
    rc = rc ? rc : sort_rows(rs);
    if (rc) {
        rows_fini(rs);
        xp_free(x);
        return sim_err_set(err, rc, "out of memory");
    }
    return 0;
}

int cli_explain_rows(struct out_file *f, const char *comparison, struct cli_explain_row **rows,
                     size_t *n, struct sim_err *err)
{
    *rows = NULL;
    *n = 0;
    struct xp *x = malloc(sizeof *x);
    if (!x)
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    struct xp_rows rs;
    int rc = build(f, comparison, x, &rs, err);
    xp_free(x);
    free(x);
    if (rc)
        return rc;
    free(rs.kind);
    *rows = rs.r;
    *n = rs.n;
    return 0;
}

void cli_explain_rows_free(struct cli_explain_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free((char *)rows[i].label);
        free((char *)rows[i].unit);
        free((char *)rows[i].why);
    }
    free(rows);
}

/* ---- Printing -------------------------------------------------------------------------- */

/* A value with about three significant figures, no exponent. */
static void fmt_value(double v, const char *unit, char *buf, size_t size)
{
    double a = fabs(v);
    int multiplier = strcmp(unit, "x indicated") == 0;
    if (isnan(v))
        snprintf(buf, size, "n/a");
    else if (multiplier)
        snprintf(buf, size, "x%.2f", v);
    else if (a >= 100 || v == 0)
        snprintf(buf, size, "%.0f", v);
    else if (a >= 10)
        snprintf(buf, size, "%.1f", v);
    else if (a >= 1)
        snprintf(buf, size, "%.2f", v);
    else
        snprintf(buf, size, "%.3g", v);
    if (unit[0] == '%' && !isnan(v))
        snprintf(buf + strlen(buf), size - strlen(buf), "%%");
}

/* "base -> alt unit" of a row. */
static void fmt_values(const struct cli_explain_row *r, char *buf, size_t size)
{
    char b[32], a[32];
    fmt_value(r->base, r->unit, b, sizeof b);
    fmt_value(r->alt, r->unit, a, sizeof a);
    if (strcmp(r->unit, "%") == 0 || strcmp(r->unit, "x indicated") == 0)
        snprintf(buf, size, "%s -> %s", b, a);
    else if (r->unit[0] == '%') /* "% of discharges" */
        snprintf(buf, size, "%s -> %s%s", b, a, r->unit + 1);
    else
        snprintf(buf, size, "%s -> %s %s", b, a, r->unit);
}

static void fmt_rel(const struct cli_explain_row *r, char *buf, size_t size)
{
    if (isfinite(r->rel_change))
        snprintf(buf, size, fabs(r->rel_change) >= 0.095 ? "%+.0f%%" : "%+.1f%%",
                 100 * r->rel_change);
    else if (sort_key(r) == INFINITY)
        snprintf(buf, size, "new");
    else
        snprintf(buf, size, "n/a");
}

static int row_changed(const struct cli_explain_row *r)
{
    return sort_key(r) >= CLI_EXPLAIN_UNCHANGED;
}

/* Prints one comparison's rows. */
static void print_rows(FILE *out, const char *name, const struct xp *x, const struct xp_rows *rs)
{
    int wl = 0, wv = 0;
    char v[128], rel[32];
    for (size_t i = 0; i < rs->n; i++) {
        if (!row_changed(&rs->r[i]))
            continue;
        fmt_values(&rs->r[i], v, sizeof v);
        wl = (int)strlen(rs->r[i].label) > wl ? (int)strlen(rs->r[i].label) : wl;
        wv = (int)strlen(v) > wv ? (int)strlen(v) : wv;
    }
    fprintf(out, "%s vs %s: the mechanism (%s; means over %d replication%s)\n", x->alt_name,
            x->base_name, name, x->reps, x->reps == 1 ? "" : "s");
    static const char *const titles[2] = {"provider decisions", "activity they drive"};
    for (int kind = XP_DECISION; kind <= XP_ACTIVITY; kind++) {
        fprintf(out, "  %s:\n", titles[kind]);
        int shown = 0;
        for (size_t i = 0; i < rs->n; i++) {
            const struct cli_explain_row *r = &rs->r[i];
            if (rs->kind[i] != kind || !row_changed(r))
                continue;
            fmt_values(r, v, sizeof v);
            fmt_rel(r, rel, sizeof rel);
            fprintf(out, "    %-*s  %-*s  %6s  %s\n", wl, r->label, wv, v, rel, r->why);
            shown++;
        }
        if (!shown)
            fprintf(out, "    (none changed by %g%% or more)\n", 100 * CLI_EXPLAIN_UNCHANGED);
    }
    int unchanged = 0;
    for (size_t i = 0; i < rs->n; i++)
        if (!row_changed(&rs->r[i])) {
            fprintf(out, "%s%s", unchanged ? "; " : "  unchanged (|change| < 0.5%): ",
                    rs->r[i].label);
            unchanged++;
        }
    if (unchanged)
        fputc('\n', out);
    if (!x->bp && !x->reform[0])
        fprintf(out, "  note: the scenarios' settings could not be read back: decisions are "
                     "shown as multipliers and levers are not named\n");
    if (x->reform[0])
        fprintf(out, "  note: a scenario switches levers during the run (%s): the decisions "
                     "are those in force at the end\n", x->reform);
}

int cli_explain_print(FILE *out, struct out_file *f, const char *comparison,
                      struct sim_err *err)
{
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    if (!comparison) {
        if ((rc = list_comparisons(f, &names, &n, err)) != 0)
            return rc;
        if (n == 0) {
            free(names);
            return sim_err_set(err, SIM_EINVAL,
                               "no comparisons in the file (caresim compare BASE.cfg ALT.cfg "
                               "... writes them)");
        }
    }
    struct xp *x = malloc(sizeof *x);
    if (!x) {
        free(names);
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    }
    size_t count = comparison ? 1 : n;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        const char *name = comparison ? comparison : names[i];
        struct xp_rows rs;
        if ((rc = build(f, name, x, &rs, err)) != 0)
            break;
        if (i)
            fputc('\n', out);
        print_rows(out, name, x, &rs);
        rows_fini(&rs);
        xp_free(x);
    }
    free(x);
    free(names);
    return rc;
}

/* ---- The command ----------------------------------------------------------------------- */

int cli_explain_take_option(int *argc, char **argv)
{
    /* Options of run/compare that take their value as the next argument. */
    static const char *const valued[] = {"-r", "--replications", "--seed", "-s", "--set",
                                         "-o", "--output", "-j", "--jobs", NULL};
    int found = 0, out = 1;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--explain") == 0) {
            found++;
            continue;
        }
        argv[out++] = argv[i];
        for (const char *const *v = valued; *v; v++)
            if (strcmp(argv[i], *v) == 0 && i + 1 < *argc) {
                argv[out++] = argv[++i];
                break;
            }
    }
    if (out < *argc)
        argv[out] = NULL;
    *argc = out;
    return found;
}

/* Opens path and prints comparison `only` (NULL: all). Returns an exit status: 2 for a file
 * without comparisons or without `only` (listing the names). */
static int explain_path(FILE *out, const char *cmd, const char *path, const char *only)
{
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    struct out_file *f = out_file_open(path, &e);
    if (!f) {
        fprintf(stderr, "caresim %s: %s\n", cmd, sim_err_format(&e, buf, sizeof buf));
        return CLI_EXIT_FAIL;
    }
    char **names = NULL;
    size_t n = 0;
    int rc = list_comparisons(f, &names, &n, &e);
    if (rc == 0 && (n == 0 || only))
        rc = n == 0 ? sim_err_set(&e, SIM_EINVAL, "no comparisons in the file: explain reads "
                                                  "the files of caresim compare BASE.cfg "
                                                  "ALT.cfg ...")
                    : check_comparison(f, only, &e);
    free(names);
    if (rc) {
        fprintf(stderr, "caresim %s: %s: %s\n", cmd, path, sim_err_format(&e, buf, sizeof buf));
        out_file_close(f);
        return rc == SIM_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    rc = cli_explain_print(out, f, only, &e);
    out_file_close(f);
    if (rc) {
        fprintf(stderr, "caresim %s: %s: %s\n", cmd, path, sim_err_format(&e, buf, sizeof buf));
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

int cli_explain_file(FILE *out, const char *cmd, const char *path)
{
    return explain_path(out, cmd, path, NULL);
}

static void explain_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim explain RESULTS.h5 [--comparison ALT_vs_BASE]\n"
            "Prints, for every comparison in a results file of `caresim compare` (or the one\n"
            "named), the mechanism behind it: the provider decisions that changed, in the\n"
            "units of the pathway (GP revisit interval in days, referrals per GP visit in %%,\n"
            "follow-ups booked, length of stay, admission and post-acute propensities, GP\n"
            "control effort), then the activity they drive (visits, admissions,\n"
            "readmissions, waits ...), each as base -> alternative, relative change and the\n"
            "lever that moved it (from the two scenarios' stored settings), sorted by the\n"
            "size of the change. Rows that changed by less than 0.5%% are listed as\n"
            "unchanged. `caresim compare ... --explain` prints the same after its tables.\n"
            "\n"
            "  -c, --comparison NAME   only this comparison (a group under /comparisons)\n"
            "\n"
            "Exit status: 0 done; 2 bad command line, a file without comparisons or no such\n"
            "comparison (the message lists them); 1 the file cannot be read.\n");
}

int cli_explain(int argc, char **argv)
{
    const char *path = NULL, *only = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            explain_usage(stdout);
            return CLI_EXIT_OK;
        } else if (strncmp(a, "--comparison=", 13) == 0) {
            only = a + 13;
        } else if (strcmp(a, "--comparison") == 0 || strcmp(a, "-c") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "caresim explain: %s needs a value\n", a);
                return CLI_EXIT_USAGE;
            }
            only = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "caresim explain: unknown option '%s'\n"
                            "(caresim explain --help shows the options)\n", a);
            return CLI_EXIT_USAGE;
        } else if (path) {
            fprintf(stderr, "caresim explain: one results file at a time (got '%s' and '%s')\n",
                    path, a);
            return CLI_EXIT_USAGE;
        } else {
            path = a;
        }
    }
    if (!path) {
        fprintf(stderr, "caresim explain: missing results file\n"
                        "(caresim explain --help shows the options)\n");
        return CLI_EXIT_USAGE;
    }
    if (only && !*only) {
        fprintf(stderr, "caresim explain: --comparison needs a name\n");
        return CLI_EXIT_USAGE;
    }
    return explain_path(stdout, "explain", path, only);
}
