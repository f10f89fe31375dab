/* bench/modelbench.c — benchmark of the health-system model (models/model.h).
 *
 *   modelbench SCENARIO.cfg PERSONS YEARS [WARMUP_YEARS]
 *
 * Loads the scenario (with its chain of base files) the way `caresim run` does, overrides
 * run.population = PERSONS, run.horizon_years = YEARS and run.warmup_years = WARMUP_YEARS
 * (default 1), then creates and runs replication 0 (seed from the scenario) on one thread
 * and prints one line of key=value pairs for scripts/bench.sh:
 *
 *   scenario            the scenario's name key
 *   persons, years      persons alive at the start; recording horizon, years
 *   warmup              warm-up before the horizon, years
 *   create_s            wall time of model_create (tables, initial population), seconds
 *   run_s               wall time of model_run (warm-up + horizon), seconds
 *   events              model events dispatched over the whole run (warm-up included)
 *   events_per_s        events / run_s
 *   person_years_per_s  nominal simulated person-years / run_s, where nominal person-years
 *                       = persons x (warmup + years): the starting population over the
 *                       whole simulated span, warm-up included (births and deaths are not
 *                       counted, so it is a measure of size, not the model's tally)
 *   bytes_per_person    model_bytes_per_person after the run (persons + pending events,
 *                       per person alive at the end), bytes
 *   peak_rss_mb         peak resident set of the process (getrusage ru_maxrss), MiB
 *
 * Touches only the scenario files it reads and stdout/stderr; writes no results file.
 */
#include "cli/cli.h"
#include "models/model.h"
#include "models/params.h"
#include "sim/config.h"
#include "sim/err.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A whole number >= 1 (persons). */
static int parse_persons(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v < 1)
        return -1;
    *out = v;
    return 0;
}

/* A finite number of years, >= 0 (> 0 when positive is set). */
static int parse_years(const char *s, int positive, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || end == s || !isfinite(v) || v < 0 || (positive && !(v > 0)))
        return -1;
    *out = v;
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: modelbench SCENARIO.cfg PERSONS YEARS [WARMUP_YEARS]\n"
                 "Runs replication 0 of the scenario with PERSONS persons over YEARS years\n"
                 "after WARMUP_YEARS of warm-up (default 1) on one thread, and prints one\n"
                 "line of timings, events, memory per person and peak RSS.\n");
}

int main(int argc, char **argv)
{
    long long persons;
    double years, warmup = 1.0; /* years */
    if (argc < 4 || argc > 5 || parse_persons(argv[2], &persons) ||
        parse_years(argv[3], 1, &years) || (argc == 5 && parse_years(argv[4], 0, &warmup))) {
        usage(stderr);
        return 2;
    }
#ifdef _OPENMP
    omp_set_num_threads(1); /* one core: nothing in the model may fan out */
#endif

    char set_pop[64], set_years[64], set_warmup[64];
    snprintf(set_pop, sizeof set_pop, "run.population=%lld", persons);
    snprintf(set_years, sizeof set_years, "run.horizon_years=%.17g", years);
    snprintf(set_warmup, sizeof set_warmup, "run.warmup_years=%.17g", warmup);
    const char *const sets[] = {set_pop, set_years, set_warmup};

    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    /* Prints every diagnostic itself and returns NULL on a bad scenario or override. */
    struct sim_cfg *cfg = cli_load_scenario(argv[1], sets, sizeof sets / sizeof *sets, stderr);
    if (!cfg)
        return 2;
    struct model_params *par = calloc(1, sizeof *par);
    if (!par) {
        fprintf(stderr, "modelbench: out of memory\n");
        sim_cfg_destroy(cfg);
        return 1;
    }
    int rc = sim_cfg_fill(cfg, par, sizeof *par, &e);
    sim_cfg_destroy(cfg);
    if (rc != 0) {
        fprintf(stderr, "modelbench: %s\n", sim_err_format(&e, buf, sizeof buf));
        free(par);
        return 2;
    }

    double t0 = now_s();
    struct model *m = model_create(par, 0, &e);
    double create_s = now_s() - t0; /* seconds */
    if (!m) {
        fprintf(stderr, "modelbench: %s\n", sim_err_format(&e, buf, sizeof buf));
        free(par);
        return 1;
    }
    t0 = now_s();
    rc = model_run(m, &e);
    double run_s = now_s() - t0; /* seconds */
    if (rc != 0) {
        fprintf(stderr, "modelbench: %s\n", sim_err_format(&e, buf, sizeof buf));
        model_destroy(m);
        free(par);
        return 1;
    }

    uint64_t events = m->ctx.events;
    double person_years = (double)persons * (warmup + years); /* nominal, see above */
    double bytes_per_person = model_bytes_per_person(m);     /* bytes */
    struct rusage ru;
    double peak_rss_mb = NAN; /* MiB; ru_maxrss is in KiB on Linux */
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        peak_rss_mb = (double)ru.ru_maxrss / 1024.0;

    printf("scenario=%s persons=%lld years=%g warmup=%g create_s=%.3f run_s=%.3f "
           "events=%llu events_per_s=%.0f person_years_per_s=%.0f bytes_per_person=%.1f "
           "peak_rss_mb=%.1f\n",
           par->name, persons, years, warmup, create_s, run_s, (unsigned long long)events,
           (double)events / run_s, person_years / run_s, bytes_per_person, peak_rss_mb);

    model_destroy(m);
    free(par);
    return 0;
}
