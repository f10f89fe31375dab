/* cli/run.c — `caresim run SCENARIO [-r REPS] [--seed S] [--set key=value ...] [-o FILE]
 * [-j THREADS] [--quiet] [--ci-target P% [--max-replications N]]`: runs a scenario's
 * replications, on one thread or several (OpenMP), prints a table of the outcomes (mean and
 * 95% CI over replications) and writes the results file (docs/results.md): provenance, the
 * resolved scenario, one row per replication and the summary. Loading, running and writing
 * a scenario are shared with `caresim compare` (cli/runner.c, where threads and
 * determinism are described).
 *
 * --ci-target: replications until precise enough. The run.replications first (at least 2),
 * then more in batches until the 95% CI half-width of every primary outcome
 * (models/outcomes.h) is within P% of its mean, or --max-replications. The rule is checked
 * after every replication in order, so the number kept is the first that meets it, the
 * same whatever the batches (and so the threads); replication r is always replication r,
 * so the file is that of a plain run of that many replications.
 *
 * Reads the scenario files; writes the results file through output/ (creating results/
 * when it is the default place), stdout (header, table, path of the file) and stderr
 * (problems, and a progress line when stderr is a terminal).
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/runner.h"
#include "output/results.h"
#include "sim/err.h"
#include "sim/stats.h"

#define CI_MAX_DEFAULT 1000    /* --max-replications when not given */
#define CI_MAX_LIMIT 1000000   /* the most it may be: run.replications' limit */

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim run SCENARIO.cfg [-r REPS] [--seed S] [--set key.path=value ...]\n"
            "                   [-o FILE.h5] [-j THREADS] [--quiet] [--persons] [--trace[=N]]\n"
            "                   [--ci-target P%% [--max-replications N]]\n"
            "Runs the scenario's replications, prints each outcome's mean and 95%% confidence\n"
            "interval over replications, and writes the results file (HDF5, docs/results.md).\n"
            "\n"
            "  -r, --replications N   replications (same as --set run.replications=N)\n"
            "      --seed S           master seed (same as --set run.seed=S)\n"
            "  -s, --set KEY=VALUE    override a scenario key (repeatable)\n"
            "  -o, --output FILE      results file (default: results/<scenario name>.h5)\n"
            "  -j, --jobs N           run replications on N threads, 1 to %d (default 1);\n"
            "                         the results are the same whatever N\n"
            "  -q, --quiet            no progress line\n"
            "      --ci-target P%%     add replications until the 95%% CI half-width of every\n"
            "                         primary outcome (cost_total_disc, qalys_disc,\n"
            "                         emergency admissions, GP visits, deaths) is within P%%\n"
            "                         of its mean, 0 < P < 100; run.replications (at least 2)\n"
            "                         first\n"
            "      --max-replications N  the most --ci-target runs (default %d)\n"
            "      --persons          also write one row per person (persons table; large)\n"
            "      --trace[=N]        also write the first N events of replication 0 (events\n"
            "                         table, for teaching and debugging; N = 100000 by default)\n"
            "\n"
            "Exit status: 0 done (also when --ci-target was not reached: the outcomes that\n"
            "missed it are printed); 2 bad command line or invalid scenario; 1 the run or\n"
            "the writing of the results failed (a file already at the target is then left\n"
            "as it was).\n",
            CLI_MAX_THREADS, CI_MAX_DEFAULT);
}

/* ---- The terminal table ------------------------------------------------------------------ */

/* One line of the table, formatted. */
struct table_line {
    char mean[32]; /* mean over replications */
    char lo[32];   /* lower end of the 95% CI, "" when there is none */
    char hi[32];   /* upper end */
};

static void print_table(FILE *out, const struct outc_info *info, const double *rows, int reps)
{
    struct table_line line[OUTC_COUNT];
    int wname = (int)strlen("outcome"), wunit = (int)strlen("unit"), wmean = (int)strlen("mean");
    int wlo = 0, whi = 0;
    for (int c = 0; c < OUTC_COUNT; c++) {
        /* NaN marks a value a replication could not give; leave it out, as the summary
         * in the file does. */
        struct sim_welford w;
        sim_welford_init(&w);
        for (int r = 0; r < reps; r++)
            if (!isnan(rows[(size_t)r * OUTC_COUNT + c]))
                sim_welford_add(&w, rows[(size_t)r * OUTC_COUNT + c]);
        double mean = sim_welford_mean(&w), half = sim_welford_ci_halfwidth(&w, 0.95);
        cli_fmt_num(mean, line[c].mean, sizeof line[c].mean);
        line[c].lo[0] = line[c].hi[0] = '\0';
        if (!isnan(half)) {
            cli_fmt_num(mean - half, line[c].lo, sizeof line[c].lo);
            cli_fmt_num(mean + half, line[c].hi, sizeof line[c].hi);
        }
#define WIDEN(w, s) w = (int)strlen(s) > w ? (int)strlen(s) : w
        WIDEN(wname, info[c].name);
        WIDEN(wunit, info[c].unit);
        WIDEN(wmean, line[c].mean);
        WIDEN(wlo, line[c].lo);
        WIDEN(whi, line[c].hi);
#undef WIDEN
    }
    fprintf(out, "%-*s  %-*s  %*s  %s\n", wname, "outcome", wunit, "unit", wmean, "mean",
            "95% CI");
    for (int c = 0; c < OUTC_COUNT; c++) {
        fprintf(out, "%-*s  %-*s  %*s  ", wname, info[c].name, wunit, info[c].unit, wmean,
                line[c].mean);
        if (line[c].lo[0])
            fprintf(out, "[%*s, %*s]\n", wlo, line[c].lo, whi, line[c].hi);
        else
            fprintf(out, "n/a\n");
    }
}

/* ---- --ci-target ------------------------------------------------------------------------- */

/* run's own options. */
struct ci_opts {
    double target;   /* relative 95% CI half-width asked, a fraction (0.02 for 2%); 0 = off */
    const char *target_text; /* as typed ("2%") */
    int max;         /* the most replications */
    int max_given;   /* --max-replications was given */
};

/* "P%" with 0 < P < 100 as a fraction into *out. Returns 0 or -1. */
static int parse_percent(const char *v, double *out)
{
    size_t n = strlen(v);
    if (n < 2 || v[n - 1] != '%' || !((v[0] >= '0' && v[0] <= '9') || v[0] == '.'))
        return -1;
    char *end;
    errno = 0;
    double p = strtod(v, &end);
    if (errno || end != v + n - 1 || !(p > 0.0 && p < 100.0))
        return -1;
    *out = p / 100.0;
    return 0;
}

/* Takes --ci-target and --max-replications out of argv[1..argc) (the other options are
 * those run shares with compare), leaving argv[0] and the rest in rest (*n_rest of them).
 * Returns CLI_EXIT_OK, or CLI_EXIT_USAGE after printing the problem. */
static int ci_opts_take(struct ci_opts *o, int argc, char **argv, char **rest, int *n_rest)
{
    memset(o, 0, sizeof *o);
    o->max = CI_MAX_DEFAULT;
    *n_rest = 0;
    if (argc > 0)
        rest[(*n_rest)++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int target = strncmp(a, "--ci-target", 11) == 0 && (a[11] == '\0' || a[11] == '=');
        int max = strncmp(a, "--max-replications", 18) == 0 && (a[18] == '\0' || a[18] == '=');
        if (!target && !max) {
            rest[(*n_rest)++] = argv[i];
            continue;
        }
        const char *name = target ? "--ci-target" : "--max-replications";
        size_t len = strlen(name);
        if (a[len] == '=')
            v = a + len + 1;
        else if (i + 1 < argc)
            v = argv[++i];
        else {
            fprintf(stderr, "caresim run: %s needs a value\n", name);
            return CLI_EXIT_USAGE;
        }
        if (target) {
            if (parse_percent(v, &o->target) != 0) {
                fprintf(stderr, "caresim run: --ci-target: expected a percentage above 0%% and "
                                "below 100%%, such as 2%% (got '%s')\n",
                        v);
                return CLI_EXIT_USAGE;
            }
            o->target_text = v;
        } else {
            size_t n = strlen(v);
            long x = n > 0 && n <= 7 && strspn(v, "0123456789") == n ? strtol(v, NULL, 10) : 0;
            if (x < 2 || x > CI_MAX_LIMIT) {
                fprintf(stderr, "caresim run: --max-replications: expected a whole number from 2 "
                                "to %d (got '%s')\n",
                        CI_MAX_LIMIT, v);
                return CLI_EXIT_USAGE;
            }
            o->max = (int)x;
            o->max_given = 1;
        }
    }
    if (o->max_given && !(o->target > 0.0)) {
        fprintf(stderr, "caresim run: --max-replications goes with --ci-target\n");
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/* The primary outcomes over the replications so far. */
struct ci_state {
    struct sim_welford w[OUTC_PRIMARY_COUNT];
    int n; /* replications added */
};

static void ci_init(struct ci_state *c)
{
    for (int k = 0; k < OUTC_PRIMARY_COUNT; k++)
        sim_welford_init(&c->w[k]);
    c->n = 0;
}

/* Adds a replication's outcome row (a NaN is left out, as the summary does). */
static void ci_add(struct ci_state *c, const double *row)
{
    for (int k = 0; k < OUTC_PRIMARY_COUNT; k++)
        if (!isnan(row[outc_primary[k]]))
            sim_welford_add(&c->w[k], row[outc_primary[k]]);
    c->n++;
}

/* The 95% CI half-width over |mean|: 0 for a constant outcome, infinite for a varying one
 * of mean 0, NaN without an interval (fewer than 2 values). */
static double ci_relative(const struct sim_welford *w)
{
    if (w->count < 2)
        return NAN;
    if (sim_welford_var(w) == 0.0)
        return 0.0;
    return sim_welford_ci_halfwidth(w, 0.95) / fabs(sim_welford_mean(w));
}

static int ci_met(const struct ci_state *c, double target)
{
    for (int k = 0; k < OUTC_PRIMARY_COUNT; k++)
        if (!(ci_relative(&c->w[k]) <= target))
            return 0;
    return 1;
}

/* Replications the current estimates ask for: a half-width shrinks as 1 / sqrt(n), so
 * n (relative / target)^2 for the worst outcome; infinite when one has no estimate. */
static double ci_needed(const struct ci_state *c, double target)
{
    double need = c->n;
    for (int k = 0; k < OUTC_PRIMARY_COUNT; k++) {
        double r = ci_relative(&c->w[k]);
        if (!isfinite(r))
            return INFINITY;
        need = fmax(need, c->n * (r / target) * (r / target));
    }
    return need;
}

/* Runs s's replications until the primary outcomes are within the target (checked after
 * each replication in order, from the n0-th on: the first count that meets it is kept),
 * or o->max are done; *met says which. Batches after the first: as many more as the
 * estimates ask for, at least `threads`, at most as many again as have run. *ran gets the
 * replications run, those beyond the count kept included. Returns an exit status
 * (interrupted: s->partial, as a plain run). */
static int run_to_target(struct cli_scenario *s, const struct ci_opts *o, int n0, int threads,
                         int show, int *met, int *ran)
{
    struct ci_state c;
    ci_init(&c);
    *met = 0;
    *ran = 0;
    int rc = cli_scenario_run_more(s, "run", threads, show, NULL, 0, n0);
    while (rc == CLI_EXIT_OK && !s->partial) {
        while (c.n < s->reps && !*met) {
            ci_add(&c, s->rows + (size_t)c.n * OUTC_COUNT);
            *met = c.n >= n0 && ci_met(&c, o->target);
        }
        *ran = s->reps;
        if (*met) {
            cli_scenario_keep(s, c.n); /* replications run beyond it in the last batch */
            break;
        }
        if (s->reps >= o->max)
            break;
        double need = ci_needed(&c, o->target) - s->reps;
        int most = s->reps > threads ? s->reps : threads, more = threads;
        if (need > more)
            more = need < most ? (int)ceil(need) : most;
        if (more > o->max - s->reps)
            more = o->max - s->reps;
        rc = cli_scenario_run_more(s, "run", threads, show, NULL, s->reps, s->reps + more);
    }
    return rc;
}

/* What the run achieved: a line per primary outcome on out, the missed ones on stderr. */
static void ci_report(FILE *out, const struct ci_opts *o, const struct outc_info *info,
                      const double *rows, int reps, int met, double rel[OUTC_PRIMARY_COUNT])
{
    struct ci_state c;
    ci_init(&c);
    for (int r = 0; r < reps; r++)
        ci_add(&c, rows + (size_t)r * OUTC_COUNT);
    fprintf(out, "\n--ci-target %s: %s %d replication%s\n", o->target_text,
            met ? "reached with" : "NOT reached with the most allowed,", reps,
            reps == 1 ? "" : "s");
    int wname = (int)strlen("outcome");
    for (int k = 0; k < OUTC_PRIMARY_COUNT; k++)
        if ((int)strlen(info[outc_primary[k]].name) > wname)
            wname = (int)strlen(info[outc_primary[k]].name);
    fprintf(out, "%-*s  %12s  %12s  %9s\n", wname, "outcome", "mean", "half-width", "relative");
    char missed[OUTC_PRIMARY_COUNT * (OUTC_NAME_MAX + 16)] = "";
    size_t used = 0;
    for (int k = 0; k < OUTC_PRIMARY_COUNT; k++) {
        const struct sim_welford *w = &c.w[k];
        char mean[32], half[32];
        cli_fmt_num(sim_welford_mean(w), mean, sizeof mean);
        cli_fmt_num(sim_welford_ci_halfwidth(w, 0.95), half, sizeof half);
        rel[k] = ci_relative(w);
        int ok = rel[k] <= o->target;
        fprintf(out, "%-*s  %12s  %12s  %8.3g%%%s\n", wname, info[outc_primary[k]].name, mean,
                half, 100.0 * rel[k], ok ? "" : "  missed");
        if (!ok)
            used += (size_t)snprintf(missed + used, sizeof missed - used, "%s%s (%.3g%%)",
                                     used ? ", " : "", info[outc_primary[k]].name, 100.0 * rel[k]);
    }
    if (!met)
        fprintf(stderr, "caresim run: --ci-target %s not reached within %d replications: %s\n",
                o->target_text, reps, missed);
}

/* The target and what was achieved, as attributes of /scenarios/<name> (docs/results.md). */
static int ci_write(struct out_writer *w, const struct cli_scenario *s, const struct ci_opts *o,
                    const struct outc_info *info, int met, const double rel[OUTC_PRIMARY_COUNT],
                    struct sim_err *e)
{
    char group[sizeof "/scenarios/" + PARAMS_NAME_MAX];
    snprintf(group, sizeof group, "/scenarios/%s", s->par.name);
    char names[OUTC_PRIMARY_COUNT][OUTC_NAME_MAX + 24];
    const char *outcomes[OUTC_PRIMARY_COUNT];
    struct out_attr a[3 + OUTC_PRIMARY_COUNT] = {
        {"ci_target", NULL, o->target},
        {"ci_max_replications", NULL, o->max},
        {"ci_met", NULL, met},
    };
    for (int k = 0; k < OUTC_PRIMARY_COUNT; k++) {
        outcomes[k] = info[outc_primary[k]].name;
        snprintf(names[k], sizeof names[k], "ci_rel_halfwidth_%s", outcomes[k]);
        a[3 + k] = (struct out_attr){names[k], NULL, rel[k]};
    }
    int rc = out_writer_add_attrs(w, group, a, 3 + OUTC_PRIMARY_COUNT, e);
    return rc ? rc
              : out_writer_add_attr_strings(w, group, "ci_outcomes", outcomes,
                                            OUTC_PRIMARY_COUNT, e);
}

/* ---- The command ------------------------------------------------------------------------- */

int cli_run(int argc, char **argv)
{
    struct cli_run_opts a = {0};
    struct cli_scenario s = {0};
    struct out_writer *writer = NULL;
    char *cmdline = NULL, *target = NULL;
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);

    struct ci_opts ci;
    char **rest = calloc((size_t)(argc > 0 ? argc : 1), sizeof *rest);
    int n_rest = 0, rc = rest ? ci_opts_take(&ci, argc, argv, rest, &n_rest) : CLI_EXIT_FAIL;
    if (!rest)
        fprintf(stderr, "caresim run: out of memory\n");
    if (rc == CLI_EXIT_OK)
        rc = cli_run_opts_parse(&a, "run", n_rest, rest, run_usage);
    if (rc == CLI_EXIT_OK && a.npaths == 0) {
        fprintf(stderr, "caresim run: missing scenario file\n");
        rc = CLI_EXIT_USAGE;
    } else if (rc == CLI_EXIT_OK && a.npaths > 1) {
        fprintf(stderr, "caresim run: one scenario file at a time (got '%s' and '%s')\n",
                a.paths[0], a.paths[1]);
        rc = CLI_EXIT_USAGE;
    }
    if (rc == CLI_EXIT_OK && ci.target > 0.0 && cli_ranks() > 1) {
        /* Every rank would have to take the same decisions from results only rank 0 has. */
        fprintf(stderr, "caresim run: --ci-target runs on one process (not under MPI with "
                        "more than one rank)\n");
        rc = CLI_EXIT_USAGE;
    }
    if (rc != CLI_EXIT_OK) {
        if (rc == CLI_EXIT_USAGE)
            fprintf(stderr, "(caresim run --help shows the options)\n");
        cli_run_opts_fini(&a);
        free(rest);
        return rc < 0 ? CLI_EXIT_OK : rc;
    }

    struct outc_info info[OUTC_COUNT];
    if ((rc = cli_scenario_load(&s, "run", a.paths[0], a.sets, a.nsets)) != CLI_EXIT_OK ||
        (rc = cli_outcome_info("run", info)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    if (!(cmdline = cli_command_line(argc, argv))) {
        fprintf(stderr, "caresim run: out of memory\n");
        goto out;
    }
    if ((rc = cli_results_target("run", a.output, s.par.name, &target)) != CLI_EXIT_OK)
        goto out;
    /* With --ci-target: run.replications first, but at least 2 for an interval. */
    int reps = s.reps, n0 = reps > 2 ? reps : 2;
    if (ci.target > 0.0 && n0 > ci.max) {
        fprintf(stderr, "caresim run: --max-replications %d is below the %d replication%s run "
                        "first (run.replications, at least 2)\n",
                ci.max, n0, n0 == 1 ? "" : "s");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    rc = CLI_EXIT_FAIL;
    int threads = cli_threads_used(a.threads, ci.target > 0.0 ? ci.max : reps);

    /* Open the results file before running, so that a bad path fails at once rather than
     * after the run. */
    if (!(writer = cli_results_create("run", target, cmdline, s.par.run.seed, threads)))
        goto out;

    printf("caresim run: scenario %s (%s)\n", s.par.name, s.path);
    if (ci.target > 0.0)
        printf("--ci-target %s: %d replications, then more until the 95%% CI of every primary "
               "outcome is within %s of its mean (at most %d)\n",
               ci.target_text, n0, ci.target_text, ci.max);
    if (s.warm)
        printf("warm start: %s\n", s.par.run.warm_start);
    printf("%d replication%s, population %lld, horizon %g year%s after a warm-up of %g "
           "year%s, seed %lld\n",
           ci.target > 0.0 ? n0 : reps, (ci.target > 0.0 ? n0 : reps) == 1 ? "" : "s",
           (long long)s.par.run.population,
           s.par.run.horizon_years, s.par.run.horizon_years == 1 ? "" : "s",
           s.par.run.warmup_years, s.par.run.warmup_years == 1 ? "" : "s",
           (long long)s.par.run.seed);
    fflush(stdout);

    s.want_persons = a.persons;
    s.trace_limit = (size_t)a.trace;
    /* The per-replication tables go to the file as the replications finish. */
    if (cli_scenario_begin(writer, &s, &e) != 0) {
        fprintf(stderr, "caresim run: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    double t0 = cli_now_seconds();
    int show = !a.quiet && isatty(fileno(stderr));
    int met = 0, ran = 0;
    cli_interrupt_install();
    if (ci.target > 0.0)
        rc = run_to_target(&s, &ci, n0, threads, show, &met, &ran);
    else
        rc = cli_scenario_run(&s, "run", threads, show, NULL);
    cli_interrupt_restore();
    if (rc != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    if (s.partial) {
        fprintf(stderr, "caresim run: interrupted (%s): keeping the %d complete replication%s "
                        "of %d, marked partial\n",
                cli_interrupted == SIGTERM ? "SIGTERM" : "SIGINT", s.reps,
                s.reps == 1 ? "" : "s", ci.target > 0.0 ? s.rep_cap : reps);
        if (s.reps == 0) {
            fprintf(stderr, "caresim run: no replication was complete: nothing written\n");
            rc = 128 + (int)cli_interrupted;
            goto out;
        }
        reps = s.reps;
    }
    reps = s.reps;
    ran = ran > reps ? ran : reps;
    double seconds = cli_now_seconds() - t0;
    printf("ran in %.1f s on %d thread%s (%.2f s per replication)\n", seconds, threads,
           threads == 1 ? "" : "s", seconds / ran);
    if (ran > reps)
        printf("(%d replication%s run beyond the %d kept: the batch that met --ci-target)\n",
               ran - reps, ran - reps == 1 ? "" : "s", reps);
    printf("\n");
    print_table(stdout, info, s.rows, reps);
    double rel[OUTC_PRIMARY_COUNT];
    if (ci.target > 0.0) {
        ci_report(stdout, &ci, info, s.rows, reps, met, rel);
        /* The file reads as a run of that many replications (run.replications in config). */
        if (reps != s.par.run.replications &&
            (rc = cli_scenario_set_replications(&s, "run", reps)) != CLI_EXIT_OK)
            goto out;
        rc = CLI_EXIT_FAIL;
    }
    fflush(stdout);

    if ((s.partial && out_writer_set_partial(writer, 1, &e) != 0) ||
        cli_scenario_write(writer, &s, info, &e) != 0 ||
        (ci.target > 0.0 && ci_write(writer, &s, &ci, info, met, rel, &e) != 0) ||
        out_writer_commit(writer, &e) != 0) {
        fprintf(stderr, "caresim run: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    printf("\nwrote %s%s\n", target, s.partial ? " (partial)" : "");
    rc = s.partial ? 128 + (int)cli_interrupted : CLI_EXIT_OK;
out:
    out_writer_destroy(writer); /* uncommitted: removes the temporary file */
    free(target);
    free(cmdline);
    cli_scenario_fini(&s);
    cli_run_opts_fini(&a);
    free(rest);
    return rc;
}
