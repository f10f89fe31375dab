/* cli/compare.c — `caresim compare BASE.cfg ALT.cfg [ALT2.cfg ...] [-r REPS] [-j N]
 * [--seed S] [--set key=value ...] [-o FILE] [--quiet] [--explain]`: runs every scenario's
 * replications on common random numbers and prints, per alternative, the paired
 * differences ALT − BASE of the outcomes with 95% confidence intervals, the incremental
 * cost per QALY and the net monetary benefit; writes the results file with every scenario
 * (as `caresim run` writes one) and /comparisons/<alt>_vs_<base> (docs/results.md).
 *
 * Common random numbers. The model draws every random number from a stream keyed by
 * (run.seed, replication index, person, purpose), so replication r of two scenarios run
 * with the same seed gives the same persons the same draws wherever the scenarios do not
 * differ. Every scenario therefore runs with the base's run.seed and run.replications
 * (--seed and -r set them for all); an alternative that sets others is run with the
 * base's, with a warning. The difference of replication r is alt row r minus base row r,
 * and its confidence interval is the Student-t interval of those paired differences,
 * which is far narrower than the difference of two independent means.
 *
 * Reads the scenario files; writes the results file through output/ (creating results/
 * when it is the default place), stdout (header, tables, path of the file) and stderr
 * (problems, warnings, and a progress line when stderr is a terminal).
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/explain.h"
#include "cli/runner.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"
#include "sim/stats.h"

#define CMP_LEVEL 0.95 /* confidence level of every interval */

/* The outcomes shown in the terminal, in this order (the file has all of them): use of
 * care, hospital pressure, waits, costs, money by payer and provider, health, equity, and
 * the provider decisions that explain the rest. */
static const int shown[] = {
    OUTC_GP_VISITS,           OUTC_SPECIALIST_VISITS,    OUTC_ED_VISITS,
    OUTC_EMERGENCY_ADMISSIONS, OUTC_ELECTIVE_ADMISSIONS, OUTC_AVOIDABLE_ADMISSIONS,
    OUTC_READMISSION_30D,     OUTC_MEAN_LOS,             OUTC_BED_OCCUPANCY,
    OUTC_POSTACUTE_RATE,      OUTC_BOARDED_SHARE,        OUTC_MEAN_WAIT_GP,
    OUTC_MEAN_WAIT_SPECIALIST, OUTC_MEAN_WAIT_ELECTIVE,  OUTC_COST_PRIMARY,
    OUTC_COST_OUTPATIENT,     OUTC_COST_ED,              OUTC_COST_INPATIENT,
    OUTC_COST_POSTACUTE,      OUTC_COST_OTHER,           OUTC_COST_TOTAL,
    OUTC_COST_TOTAL_DISC,     OUTC_SPEND_PAYER,          OUTC_COST_OUT_OF_POCKET,
    OUTC_SPEND_GP,            OUTC_SPEND_HOSPITAL,       OUTC_QALYS_DISC,
    OUTC_DEATHS,              OUTC_QALY_CONCENTRATION,   OUTC_UNMET_CONCENTRATION,
    OUTC_FORGONE_Q5,          OUTC_DECISION_REVIEW,      OUTC_DECISION_REFERRAL,
    OUTC_DECISION_FOLLOWUP,   OUTC_DECISION_LOS,         OUTC_DECISION_ADMISSION,
    OUTC_DECISION_POSTACUTE,  OUTC_DECISION_CONTROL,
};
#define N_SHOWN (sizeof shown / sizeof *shown)

static void compare_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim compare BASE.cfg ALT.cfg [ALT2.cfg ...] [-r REPS] [--seed S]\n"
            "                       [--set key.path=value ...] [-o FILE.h5] [-j THREADS]\n"
            "                       [--quiet] [--explain]\n"
            "Runs the scenarios on the same persons with the same random numbers (common\n"
            "random numbers: the base scenario's seed and replications for all) and prints,\n"
            "for each alternative, the paired differences ALT - BASE of the main outcomes\n"
            "with 95%% confidence intervals, the incremental cost per QALY (ICER) and the net\n"
            "monetary benefit at the base's economics.wtp_per_qaly. Writes every scenario and\n"
            "the comparisons to the results file (HDF5, docs/results.md).\n"
            "\n"
            "  -r, --replications N   replications of every scenario (run.replications=N)\n"
            "      --seed S           master seed of every scenario (run.seed=S)\n"
            "  -s, --set KEY=VALUE    override a key in every scenario (repeatable)\n"
            "  -o, --output FILE      results file (default: results/compare_<base name>.h5)\n"
            "  -j, --jobs N           run replications on N threads, 1 to %d (default 1);\n"
            "                         the results are the same whatever N\n"
            "  -q, --quiet            no progress line\n"
            "      --persons          also write one row per person for every scenario\n"
            "      --trace[=N]        also write the first N events of replication 0 of each\n"
            "      --explain          then print each comparison's mechanism: the provider\n"
            "                         decisions and activity that changed, and why (as\n"
            "                         caresim explain does)\n"
            "\n"
            "Scenario names must differ. Exit status: 0 done; 2 bad command line, invalid\n"
            "scenario or two scenarios of the same name; 1 a run or the writing of the\n"
            "results failed (a file already at the target is then left as it was).\n",
            CLI_MAX_THREADS);
}

/* ---- Loading with common random numbers ------------------------------------------------------ */

/* Scenario names must differ: they name the groups of the results file. */
static int check_names(const struct cli_scenario *sc, size_t n)
{
    for (size_t j = 1; j < n; j++)
        for (size_t i = 0; i < j; i++)
            if (strcmp(sc[i].par.name, sc[j].par.name) == 0) {
                fprintf(stderr,
                        "caresim compare: %s and %s both name their scenario '%s'; scenario "
                        "names must differ (set `name` in one of them)\n",
                        sc[i].path, sc[j].path, sc[i].par.name);
                return CLI_EXIT_USAGE;
            }
    return CLI_EXIT_OK;
}

/* ---- The comparison ------------------------------------------------------------------------ */

/* One alternative against the base. Money in currency units, QALYs discounted. */
struct comparison {
    const struct cli_scenario *base, *alt;
    char name[2 * PARAMS_NAME_MAX + 8]; /* "<alt>_vs_<base>" */
    int reps;                           /* replications paired */
    double base_mean[OUTC_COUNT];       /* mean over the base's replications (NaN left out) */
    double alt_mean[OUTC_COUNT];        /* the same for the alternative */
    double diff[OUTC_COUNT];            /* mean of the paired differences alt - base */
    double ci_low[OUTC_COUNT];          /* 95% t-interval of that mean; NaN when < 2 pairs */
    double ci_high[OUTC_COUNT];
    double rel[OUTC_COUNT];             /* diff / base_mean; NaN when base_mean is 0 */
    double *pairs;                      /* reps rows of OUTC_COUNT + 1: the differences of
                                         * replication r, then its net monetary benefit */
    double wtp;                         /* the base's willingness to pay, currency/QALY */
    double icer;                        /* incremental cost per QALY; NaN unless "ratio" */
    const char *icer_status;            /* "ratio", "dominant", "dominated" */
    double nmb, nmb_low, nmb_high;      /* net monetary benefit: mean and 95% CI */
};

/* Mean and 95% t-interval of the values of a column that are not NaN. */
static void mean_ci(const double *x, size_t stride, int n, double *mean, double *lo, double *hi)
{
    struct sim_welford w;
    sim_welford_init(&w);
    for (int r = 0; r < n; r++)
        if (!isnan(x[(size_t)r * stride]))
            sim_welford_add(&w, x[(size_t)r * stride]);
    double half = sim_welford_ci_halfwidth(&w, CMP_LEVEL);
    *mean = sim_welford_mean(&w);
    if (lo)
        *lo = *mean - half;
    if (hi)
        *hi = *mean + half;
}

/* The ICER's status from the mean incremental cost and QALYs. Dominant: no dearer and no
 * worse, and not the same on both; dominated: no cheaper and no better. */
static const char *icer_status(double dcost, double dqaly)
{
    if (!isnan(dcost) && !isnan(dqaly)) {
        if (dcost <= 0 && dqaly >= 0 && !(dcost == 0 && dqaly == 0))
            return "dominant";
        if (dcost >= 0 && dqaly <= 0)
            return "dominated";
    }
    return "ratio";
}

/* Fills c for alt against base (both run with the same replications). */
static int compare(struct comparison *c, const struct cli_scenario *base,
                   const struct cli_scenario *alt)
{
    const size_t width = OUTC_COUNT + 1;
    c->base = base;
    c->alt = alt;
    c->reps = base->reps;
    snprintf(c->name, sizeof c->name, "%s_vs_%s", alt->par.name, base->par.name);
    c->wtp = base->par.economics.wtp_per_qaly;
    c->pairs = calloc((size_t)c->reps * width, sizeof *c->pairs);
    if (!c->pairs)
        return -1;
    for (int r = 0; r < c->reps; r++) {
        const double *b = base->rows + (size_t)r * OUTC_COUNT;
        const double *a = alt->rows + (size_t)r * OUTC_COUNT;
        double *p = c->pairs + (size_t)r * width;
        for (int k = 0; k < OUTC_COUNT; k++)
            p[k] = a[k] - b[k]; /* NaN when either is */
        p[OUTC_COUNT] = c->wtp * p[OUTC_QALYS_DISC] - p[OUTC_COST_TOTAL_DISC];
    }
    for (int k = 0; k < OUTC_COUNT; k++) {
        mean_ci(base->rows + k, OUTC_COUNT, c->reps, &c->base_mean[k], NULL, NULL);
        mean_ci(alt->rows + k, OUTC_COUNT, c->reps, &c->alt_mean[k], NULL, NULL);
        mean_ci(c->pairs + k, width, c->reps, &c->diff[k], &c->ci_low[k], &c->ci_high[k]);
        c->rel[k] = c->base_mean[k] == 0 ? NAN : c->diff[k] / c->base_mean[k];
    }
    mean_ci(c->pairs + OUTC_COUNT, width, c->reps, &c->nmb, &c->nmb_low, &c->nmb_high);
    double dcost = c->diff[OUTC_COST_TOTAL_DISC], dqaly = c->diff[OUTC_QALYS_DISC];
    c->icer_status = icer_status(dcost, dqaly);
    c->icer = strcmp(c->icer_status, "ratio") == 0 ? dcost / dqaly : NAN;
    return 0;
}

/* ---- The terminal table ------------------------------------------------------------------ */

/* A fraction as a signed percentage ("+4.2%"), "n/a" for NaN. */
static void fmt_percent(double x, char *buf, size_t size)
{
    if (isnan(x))
        snprintf(buf, size, "n/a");
    else if (x == 0)
        snprintf(buf, size, "0%%");
    else if (fabs(x) >= 0.001)
        snprintf(buf, size, "%+.1f%%", 100 * x);
    else
        snprintf(buf, size, "%+.2g%%", 100 * x);
}

/* One line of the table, formatted. */
struct cmp_line {
    char base[32], alt[32], diff[32], lo[32], hi[32], rel[32];
};

static void print_comparison(FILE *out, const struct comparison *c,
                             const struct outc_info *info, const char *currency)
{
    struct cmp_line line[N_SHOWN];
    int wname = (int)strlen("outcome"), wunit = (int)strlen("unit");
    int wbase = (int)strlen("base"), walt = (int)strlen("alt"), wdiff = (int)strlen("difference");
    int wlo = 0, whi = 0;
    for (size_t i = 0; i < N_SHOWN; i++) {
        int k = shown[i];
        struct cmp_line *l = &line[i];
        cli_fmt_num(c->base_mean[k], l->base, sizeof l->base);
        cli_fmt_num(c->alt_mean[k], l->alt, sizeof l->alt);
        cli_fmt_num(c->diff[k], l->diff, sizeof l->diff);
        l->lo[0] = l->hi[0] = '\0';
        if (!isnan(c->ci_low[k])) {
            cli_fmt_num(c->ci_low[k], l->lo, sizeof l->lo);
            cli_fmt_num(c->ci_high[k], l->hi, sizeof l->hi);
        }
        fmt_percent(c->rel[k], l->rel, sizeof l->rel);
#define WIDEN(w, s) w = (int)strlen(s) > w ? (int)strlen(s) : w
        WIDEN(wname, info[k].name);
        WIDEN(wunit, info[k].unit);
        WIDEN(wbase, l->base);
        WIDEN(walt, l->alt);
        WIDEN(wdiff, l->diff);
        WIDEN(wlo, l->lo);
        WIDEN(whi, l->hi);
#undef WIDEN
    }
    int wci = wlo + whi + 4 > (int)strlen("95% CI") ? wlo + whi + 4 : (int)strlen("95% CI");
    fprintf(out, "%s vs %s: differences %s - %s, paired over %d replication%s\n", c->alt->par.name,
            c->base->par.name, c->alt->par.name, c->base->par.name, c->reps,
            c->reps == 1 ? "" : "s");
    fprintf(out, "%-*s  %-*s  %*s  %*s  %*s  %-*s  %s\n", wname, "outcome", wunit, "unit", wbase,
            "base", walt, "alt", wdiff, "difference", wci, "95% CI", "relative change");
    for (size_t i = 0; i < N_SHOWN; i++) {
        int k = shown[i];
        const struct cmp_line *l = &line[i];
        char ci[80];
        if (l->lo[0])
            snprintf(ci, sizeof ci, "[%*s, %*s]", wlo, l->lo, whi, l->hi);
        else
            snprintf(ci, sizeof ci, "n/a");
        fprintf(out, "%-*s  %-*s  %*s  %*s  %*s  %-*s  %s\n", wname, info[k].name, wunit,
                info[k].unit, wbase, l->base, walt, l->alt, wdiff, l->diff, wci, ci, l->rel);
    }
    fprintf(out, "(%zu of %d outcomes shown; all of them in /comparisons/%s/differences)\n",
            N_SHOWN, OUTC_COUNT, c->name);

    char dcost[32], dqaly[32], icer[32], wtp[32], nmb[32], lo[32], hi[32];
    cli_fmt_num(c->diff[OUTC_COST_TOTAL_DISC], dcost, sizeof dcost);
    cli_fmt_num(c->diff[OUTC_QALYS_DISC], dqaly, sizeof dqaly);
    cli_fmt_num(c->icer, icer, sizeof icer);
    cli_fmt_num(c->wtp, wtp, sizeof wtp);
    cli_fmt_num(c->nmb, nmb, sizeof nmb);
    cli_fmt_num(c->nmb_low, lo, sizeof lo);
    cli_fmt_num(c->nmb_high, hi, sizeof hi);
    fprintf(out, "\nincremental cost (discounted) %s %s, incremental QALYs (discounted) %s\n",
            dcost, currency, dqaly);
    if (strcmp(c->icer_status, "dominant") == 0)
        fprintf(out, "ICER: dominant (%s costs no more and gains no fewer QALYs)\n",
                c->alt->par.name);
    else if (strcmp(c->icer_status, "dominated") == 0 && c->diff[OUTC_COST_TOTAL_DISC] == 0 &&
             c->diff[OUTC_QALYS_DISC] == 0)
        fprintf(out, "ICER: dominated (%s costs the same and gains no QALYs)\n",
                c->alt->par.name);
    else if (strcmp(c->icer_status, "dominated") == 0)
        fprintf(out, "ICER: dominated (%s costs no less and gains no more QALYs)\n",
                c->alt->par.name);
    else if (c->diff[OUTC_QALYS_DISC] < 0)
        fprintf(out, "ICER: %s %s saved per QALY lost (%s is cheaper and less effective)\n", icer,
                currency, c->alt->par.name);
    else
        fprintf(out, "ICER: %s %s per QALY gained\n", icer, currency);
    if (isnan(c->nmb_low))
        fprintf(out, "net monetary benefit at %s %s per QALY: %s %s (95%% CI n/a)\n", wtp,
                currency, nmb, currency);
    else
        fprintf(out, "net monetary benefit at %s %s per QALY: %s %s, 95%% CI [%s, %s]\n", wtp,
                currency, nmb, currency, lo, hi);
}

/* ---- The results file ------------------------------------------------------------------- */

/* Writes /comparisons/<alt>_vs_<base>: its attributes, the differences table (one row per
 * outcome) and the replications table (one row per replication: the paired differences
 * and the net monetary benefit). */
static int write_comparison(struct out_writer *w, const struct comparison *c,
                            const struct outc_info *info, const char *currency,
                            struct sim_err *e)
{
    char group[sizeof "/comparisons/" + sizeof c->name];
    snprintf(group, sizeof group, "/comparisons/%s", c->name);
    const struct out_attr attrs[] = {
        {"base", c->base->par.name, 0},
        {"alt", c->alt->par.name, 0},
        {"replications", NULL, c->reps},
        {"confidence_level", NULL, CMP_LEVEL},
        {"currency", currency, 0},
        {"wtp_per_qaly", NULL, c->wtp},
        {"icer", NULL, c->icer},
        {"icer_status", c->icer_status, 0},
        {"nmb_mean", NULL, c->nmb},
        {"nmb_ci_low", NULL, c->nmb_low},
        {"nmb_ci_high", NULL, c->nmb_high},
    };
    int rc = out_writer_add_group(w, group, attrs, sizeof attrs / sizeof *attrs, e);
    if (rc)
        return rc;

    enum { F_BASE, F_ALT, F_DIFF, F_LOW, F_HIGH, F_REL, F_COUNT };
    static const struct out_column fields[F_COUNT] = {
        [F_BASE] = {"base_mean", "see unit", "mean over the base scenario's replications"},
        [F_ALT] = {"alt_mean", "see unit", "mean over the alternative's replications"},
        [F_DIFF] = {"mean_difference", "see unit",
                    "mean over replications of the paired difference alt - base"},
        [F_LOW] = {"ci_low", "see unit",
                   "lower end of the 95% Student-t confidence interval of the mean difference"},
        [F_HIGH] = {"ci_high", "see unit", "upper end of that interval"},
        [F_REL] = {"relative_change", "fraction",
                   "mean_difference / base_mean; NaN when base_mean is 0"},
    };
    const char *names[OUTC_COUNT], *units[OUTC_COUNT];
    double values[OUTC_COUNT * F_COUNT];
    for (int k = 0; k < OUTC_COUNT; k++) {
        double *v = values + (size_t)k * F_COUNT;
        names[k] = info[k].name;
        units[k] = info[k].unit;
        v[F_BASE] = c->base_mean[k];
        v[F_ALT] = c->alt_mean[k];
        v[F_DIFF] = c->diff[k];
        v[F_LOW] = c->ci_low[k];
        v[F_HIGH] = c->ci_high[k];
        v[F_REL] = c->rel[k];
    }
    struct out_outcome_table diffs = {
        .name = "differences",
        .desc = "one row per outcome: the means of both scenarios and the paired difference "
                "alt - base with its 95% confidence interval",
        .n_rows = OUTC_COUNT,
        .outcomes = names,
        .units = units,
        .n_fields = F_COUNT,
        .fields = fields,
        .values = values,
    };
    if ((rc = out_writer_add_outcome_table(w, group, &diffs, e)) != 0)
        return rc;

    struct out_column cols[OUTC_COUNT + 1];
    for (int k = 0; k < OUTC_COUNT; k++)
        cols[k] = (struct out_column){info[k].name, info[k].unit, info[k].desc};
    cols[OUTC_COUNT] = (struct out_column){
        "net_monetary_benefit", "currency",
        "wtp_per_qaly * qalys_disc - cost_total_disc, of the differences in this replication"};
    struct out_table reps = {
        .name = "replications",
        .desc = "one row per replication, in replication order: alt - base of every outcome "
                "in that replication (same seed and replication index), then the net "
                "monetary benefit",
        .n_cols = OUTC_COUNT + 1,
        .cols = cols,
        .n_rows = (size_t)c->reps,
        .values = c->pairs,
    };
    return out_writer_add_table(w, group, &reps, e);
}

/* ---- The command ------------------------------------------------------------------------- */

int cli_compare(int argc, char **argv)
{
    struct cli_run_opts a;
    struct cli_scenario *sc = NULL;
    struct comparison *cmp = NULL;
    size_t n = 0;
    struct out_writer *writer = NULL;
    char *cmdline = NULL, *target = NULL;
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);

    /* --explain is compare's own: taken out before the options run and psa share. */
    int explain = cli_explain_take_option(&argc, argv) > 0;
    int rc = cli_run_opts_parse(&a, "compare", argc, argv, compare_usage);
    if (rc == CLI_EXIT_OK && a.npaths < 2) {
        fprintf(stderr, "caresim compare: %s\n",
                a.npaths ? "missing alternative scenario file (BASE.cfg ALT.cfg ...)"
                         : "missing scenario files (BASE.cfg ALT.cfg ...)");
        rc = CLI_EXIT_USAGE;
    }
    if (rc != CLI_EXIT_OK) {
        if (rc == CLI_EXIT_USAGE)
            fprintf(stderr, "(caresim compare --help shows the options)\n");
        cli_run_opts_fini(&a);
        return rc < 0 ? CLI_EXIT_OK : rc;
    }

    n = a.npaths;
    sc = calloc(n, sizeof *sc);
    cmp = calloc(n, sizeof *cmp);
    if (!sc || !cmp) {
        fprintf(stderr, "caresim compare: out of memory\n");
        rc = CLI_EXIT_FAIL;
        goto out;
    }
    /* Every scenario is loaded and checked before any runs, so that a typing error in the
     * last file does not cost the runs of the others. */
    if ((rc = cli_scenario_load(&sc[0], "compare", a.paths[0], a.sets, a.nsets)) != CLI_EXIT_OK)
        goto out;
    for (size_t i = 1; i < n; i++)
        if ((rc = cli_scenario_load_paired(&sc[i], &sc[0], "compare", a.paths[i], a.sets, a.nsets)) != CLI_EXIT_OK)
            goto out;
    struct outc_info info[OUTC_COUNT];
    if ((rc = check_names(sc, n)) != CLI_EXIT_OK || (rc = cli_outcome_info("compare", info)) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        sc[i].want_persons = a.persons;
        sc[i].trace_limit = (size_t)a.trace;
        if ((rc = cli_scenario_prepare(&sc[i], "compare")) != CLI_EXIT_OK)
            goto out;
    }

    rc = CLI_EXIT_FAIL;
    if (!(cmdline = cli_command_line(argc, argv))) {
        fprintf(stderr, "caresim compare: out of memory\n");
        goto out;
    }
    char stem[sizeof "compare_" + PARAMS_NAME_MAX];
    snprintf(stem, sizeof stem, "compare_%s", sc[0].par.name);
    if ((rc = cli_results_target("compare", a.output, stem, &target)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    int reps = sc[0].reps, threads = cli_threads_used(a.threads, reps);
    /* Open the results file before running, so that a bad path fails at once. */
    if (!(writer = cli_results_create("compare", target, cmdline, sc[0].par.run.seed, threads)))
        goto out;

    const char *currency = cli_scenario_currency(&sc[0]);
    printf("caresim compare: base %s (%s)\n", sc[0].par.name, sc[0].path);
    for (size_t i = 1; i < n; i++)
        printf("                 alternative %s (%s)\n", sc[i].par.name, sc[i].path);
    printf("%d replication%s of each on common random numbers (seed %lld), %d thread%s\n", reps,
           reps == 1 ? "" : "s", (long long)sc[0].par.run.seed, threads, threads == 1 ? "" : "s");
    fflush(stdout);

    int show = !a.quiet && isatty(fileno(stderr));
    cli_interrupt_install();
    size_t ran = 0;
    for (size_t i = 0; i < n && !cli_interrupted; i++) {
        char label[PARAMS_NAME_MAX + 32];
        snprintf(label, sizeof label, "%s (%zu/%zu): ", sc[i].par.name, i + 1, n);
        double t0 = cli_now_seconds();
        /* The per-replication tables go to the file as the replications finish. */
        if (cli_scenario_begin(writer, &sc[i], &e) != 0) {
            fprintf(stderr, "caresim compare: %s\n", sim_err_format(&e, buf, sizeof buf));
            cli_interrupt_restore();
            rc = CLI_EXIT_FAIL;
            goto out;
        }
        if ((rc = cli_scenario_run(&sc[i], "compare", threads, show, label)) != CLI_EXIT_OK) {
            cli_interrupt_restore();
            goto out;
        }
        ran = i + 1;
        printf("%s: population %lld, horizon %g year%s after a warm-up of %g year%s; ran in "
               "%.1f s\n",
               sc[i].par.name, (long long)sc[i].par.run.population, sc[i].par.run.horizon_years,
               sc[i].par.run.horizon_years == 1 ? "" : "s", sc[i].par.run.warmup_years,
               sc[i].par.run.warmup_years == 1 ? "" : "s", cli_now_seconds() - t0);
        fflush(stdout);
    }
    cli_interrupt_restore();
    rc = CLI_EXIT_FAIL;
    int partial = 0;
    if (cli_interrupted) {
        /* Keep the scenarios that ran, on the replications complete in all of them. */
        int k = reps;
        for (size_t i = 0; i < ran; i++)
            k = sc[i].reps < k ? sc[i].reps : k;
        for (size_t i = 0; i < ran; i++)
            cli_scenario_truncate(&sc[i], k);
        fprintf(stderr, "caresim compare: interrupted (%s): keeping %zu of %zu scenarios on "
                        "their %d common complete replication%s, marked partial\n",
                cli_interrupted == SIGTERM ? "SIGTERM" : "SIGINT", ran, n, k, k == 1 ? "" : "s");
        if (k == 0 || ran == 0) {
            fprintf(stderr, "caresim compare: nothing complete: nothing written\n");
            rc = 128 + (int)cli_interrupted;
            goto out;
        }
        n = ran;
        reps = k;
        partial = 1;
    }
    for (size_t i = 1; i < n; i++) {
        if (compare(&cmp[i], &sc[0], &sc[i]) != 0) {
            fprintf(stderr, "caresim compare: out of memory\n");
            goto out;
        }
        printf("\n");
        print_comparison(stdout, &cmp[i], info, currency);
    }
    fflush(stdout);

    int wrc = partial ? out_writer_set_partial(writer, 1, &e) : 0;
    for (size_t i = 0; wrc == 0 && i < n; i++)
        wrc = cli_scenario_write(writer, &sc[i], info, &e);
    wrc = wrc ? wrc : out_writer_add_group(writer, "/comparisons", NULL, 0, &e);
    for (size_t i = 1; wrc == 0 && i < n; i++)
        wrc = write_comparison(writer, &cmp[i], info, currency, &e);
    wrc = wrc ? wrc : out_writer_commit(writer, &e);
    if (wrc != 0) {
        fprintf(stderr, "caresim compare: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    rc = partial ? 128 + (int)cli_interrupted : CLI_EXIT_OK;
    if (explain && cli_rank() == 0) {
        printf("\n");
        fflush(stdout);
        int erc = cli_explain_file(stdout, "compare", target);
        rc = erc != CLI_EXIT_OK ? CLI_EXIT_FAIL : rc;
    }
    printf("\nwrote %s%s\n", target, partial ? " (partial)" : "");
out:
    out_writer_destroy(writer); /* uncommitted: removes the temporary file */
    free(target);
    free(cmdline);
    for (size_t i = 0; cmp && i < n; i++)
        free(cmp[i].pairs);
    for (size_t i = 0; sc && i < n; i++)
        cli_scenario_fini(&sc[i]);
    free(cmp);
    free(sc);
    cli_run_opts_fini(&a);
    return rc;
}
