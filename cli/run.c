/* cli/run.c — `caresim run SCENARIO [-r REPS] [--seed S] [--set key=value ...] [-o FILE]
 * [-j THREADS] [--quiet]`: runs a scenario's replications, on one thread or several
 * (OpenMP), prints a table of the outcomes (mean and 95% CI over replications) and writes
 * the results file (docs/results.md): provenance, the resolved scenario, one row per
 * replication and the summary. Loading, running and writing a scenario are shared with
 * `caresim compare` (cli/runner.c, where threads and determinism are described).
 *
 * Reads the scenario files; writes the results file through output/ (creating results/
 * when it is the default place), stdout (header, table, path of the file) and stderr
 * (problems, and a progress line when stderr is a terminal).
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/runner.h"
#include "output/results.h"
#include "sim/err.h"
#include "sim/stats.h"

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim run SCENARIO.cfg [-r REPS] [--seed S] [--set key.path=value ...]\n"
            "                   [-o FILE.h5] [-j THREADS] [--quiet] [--persons] [--trace[=N]]\n"
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
            "      --persons          also write one row per person (persons table; large)\n"
            "      --trace[=N]        also write the first N events of replication 0 (events\n"
            "                         table, for teaching and debugging; N = 100000 by default)\n"
            "\n"
            "Exit status: 0 done; 2 bad command line or invalid scenario; 1 the run or the\n"
            "writing of the results failed (a file already at the target is then left as\n"
            "it was).\n",
            CLI_MAX_THREADS);
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

/* ---- The command ------------------------------------------------------------------------- */

int cli_run(int argc, char **argv)
{
    struct cli_run_opts a;
    struct cli_scenario s = {0};
    struct out_writer *writer = NULL;
    char *cmdline = NULL, *target = NULL;
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);

    int rc = cli_run_opts_parse(&a, "run", argc, argv, run_usage);
    if (rc == CLI_EXIT_OK && a.npaths == 0) {
        fprintf(stderr, "caresim run: missing scenario file\n");
        rc = CLI_EXIT_USAGE;
    } else if (rc == CLI_EXIT_OK && a.npaths > 1) {
        fprintf(stderr, "caresim run: one scenario file at a time (got '%s' and '%s')\n",
                a.paths[0], a.paths[1]);
        rc = CLI_EXIT_USAGE;
    }
    if (rc != CLI_EXIT_OK) {
        if (rc == CLI_EXIT_USAGE)
            fprintf(stderr, "(caresim run --help shows the options)\n");
        cli_run_opts_fini(&a);
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
    rc = CLI_EXIT_FAIL;
    int reps = s.reps, threads = cli_threads_used(a.threads, reps);

    /* Open the results file before running, so that a bad path fails at once rather than
     * after the run. */
    if (!(writer = cli_results_create("run", target, cmdline, s.par.run.seed, threads)))
        goto out;

    printf("caresim run: scenario %s (%s)\n", s.par.name, s.path);
    printf("%d replication%s, population %lld, horizon %g year%s after a warm-up of %g "
           "year%s, seed %lld\n",
           reps, reps == 1 ? "" : "s", (long long)s.par.run.population,
           s.par.run.horizon_years, s.par.run.horizon_years == 1 ? "" : "s",
           s.par.run.warmup_years, s.par.run.warmup_years == 1 ? "" : "s",
           (long long)s.par.run.seed);
    fflush(stdout);

    s.want_persons = a.persons;
    s.trace_limit = (size_t)a.trace;
    double t0 = cli_now_seconds();
    int show = !a.quiet && isatty(fileno(stderr));
    cli_interrupt_install();
    rc = cli_scenario_run(&s, "run", threads, show, NULL);
    cli_interrupt_restore();
    if (rc != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    if (s.partial) {
        fprintf(stderr, "caresim run: interrupted (%s): keeping the %d complete replication%s "
                        "of %d, marked partial\n",
                cli_interrupted == SIGTERM ? "SIGTERM" : "SIGINT", s.reps,
                s.reps == 1 ? "" : "s", reps);
        if (s.reps == 0) {
            fprintf(stderr, "caresim run: no replication was complete: nothing written\n");
            rc = 128 + (int)cli_interrupted;
            goto out;
        }
        reps = s.reps;
    }
    double seconds = cli_now_seconds() - t0;
    printf("ran in %.1f s on %d thread%s (%.2f s per replication)\n\n", seconds, threads,
           threads == 1 ? "" : "s", seconds / reps);
    print_table(stdout, info, s.rows, reps);
    fflush(stdout);

    if ((s.partial && out_writer_set_partial(writer, 1, &e) != 0) ||
        cli_scenario_write(writer, &s, info, &e) != 0 || out_writer_commit(writer, &e) != 0) {
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
    return rc;
}
