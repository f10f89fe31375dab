/* models/runsize.c — estimates and limits of a run's size (see runsize.h). Reads only the
 * machine's memory size (sysconf); touches nothing else.
 */
#include "models/runsize.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "sim/config.h"

/* The measured costs of the model, docs/performance.md ("Targets" and "Where the time
 * goes"): 300-306 bytes per person at 1 000 000 persons, about 14 events per simulated
 * person-year, about 0.7 million events a second on one core at 1 000 000 persons. */
#define BYTES_PER_PERSON 306.0
#define EVENTS_PER_PERSON_YEAR 14.0
#define EVENTS_PER_SECOND 0.7e6

struct runsize runsize_estimate(int64_t population, double years)
{
    double persons = (double)population;
    struct runsize r = {
        .bytes = persons * BYTES_PER_PERSON,
        .seconds = persons * years * EVENTS_PER_PERSON_YEAR / EVENTS_PER_SECOND,
    };
    return r;
}

double runsize_machine_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : 0.0;
}

/* "306 TB": bytes in decimal units, 3 significant digits. */
static void fmt_bytes(double b, char *buf, size_t size)
{
    static const char *const units[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
    size_t u = 0;
    while (b >= 1000.0 && u + 1 < sizeof units / sizeof *units) {
        b /= 1000.0;
        u++;
    }
    snprintf(buf, size, "%.3g %s", b, units[u]);
}

/* "3.5 hours": a duration in the largest unit that keeps it above 2 (3 significant digits). */
static void fmt_duration(double s, char *buf, size_t size)
{
    static const struct {
        const char *name;
        double seconds;
    } units[] = {{"years", 365.25 * 86400}, {"days", 86400}, {"hours", 3600},
                 {"minutes", 60}, {"seconds", 1}};
    size_t u = 0;
    while (u + 1 < sizeof units / sizeof *units && s < 2 * units[u].seconds)
        u++;
    snprintf(buf, size, "%.3g %s", s / units[u].seconds, units[u].name);
}

enum runsize_verdict runsize_check(int64_t population, double warmup_years, double horizon_years,
                                   double memory_bytes, char *msg, size_t size)
{
    double years = warmup_years + horizon_years;
    struct runsize r = runsize_estimate(population, years);
    char limit[160], mem[32], mem_limit[32], time[32];
    enum runsize_verdict who = RUNSIZE_POPULATION;
    fmt_bytes(memory_bytes, mem_limit, sizeof mem_limit);
    if (population > RUNSIZE_MAX_POPULATION) {
        snprintf(limit, sizeof limit, "%lld persons", RUNSIZE_MAX_POPULATION);
    } else if (!(horizon_years <= RUNSIZE_MAX_HORIZON_YEARS)) {
        snprintf(limit, sizeof limit, "%g years", RUNSIZE_MAX_HORIZON_YEARS);
        who = RUNSIZE_HORIZON;
    } else if (memory_bytes > 0 && r.bytes > memory_bytes) {
        snprintf(limit, sizeof limit, "the memory of this machine (%s)", mem_limit);
    } else if ((double)population * years > RUNSIZE_MAX_PERSON_YEARS) {
        snprintf(limit, sizeof limit, "%g person-years (persons x years with the warm-up)",
                 RUNSIZE_MAX_PERSON_YEARS);
    } else {
        return RUNSIZE_OK;
    }
    fmt_bytes(r.bytes, mem, sizeof mem);
    fmt_duration(r.seconds, time, sizeof time);
    int n = who == RUNSIZE_HORIZON
                ? snprintf(msg, size, "%g years (and %g of warm-up) of %" PRId64 " persons",
                           horizon_years, warmup_years, population)
                : snprintf(msg, size, "%" PRId64 " persons over %g year%s (warm-up included)",
                           population, years, years == 1 ? "" : "s");
    if (n >= 0 && (size_t)n < size)
        snprintf(msg + n, size - (size_t)n,
                 " would need about %s of memory (%.0f bytes per person) and about %s of "
                 "computing per replication (%.0f events per person-year at %.1f million a "
                 "second, docs/performance.md); the limit is %s",
                 mem, BYTES_PER_PERSON, time, EVENTS_PER_PERSON_YEAR, EVENTS_PER_SECOND / 1e6,
                 limit);
    return who;
}

/* The largest value key k can take: its value, or the top of its distribution's support
 * within the key's range (what a PSA draw can reach). */
static double largest(const struct sim_cfg *cfg, int k)
{
    return sim_cfg_get_dist(cfg, (size_t)k) ? sim_cfg_quantile(cfg, (size_t)k, 1.0)
                                            : sim_cfg_get_float(cfg, (size_t)k);
}

void runsize_check_cfg(struct sim_cfg *cfg)
{
    const struct sim_cfg_schema *sc = sim_cfg_schema(cfg);
    int kp = sim_cfg_schema_find(sc, "run.population");
    int kh = sim_cfg_schema_find(sc, "run.horizon_years");
    int kw = sim_cfg_schema_find(sc, "run.warmup_years");
    if (kp < 0 || kh < 0 || kw < 0)
        return;
    if (!isfinite(largest(cfg, kh))) {
        sim_cfg_key_error(cfg, (size_t)kh,
                          "its %s distribution has no upper bound, so a PSA draw could exceed "
                          "the limit of %g years; give it one (uniform or triangular)",
                          sim_dist_name(sim_cfg_get_dist(cfg, (size_t)kh)->kind),
                          RUNSIZE_MAX_HORIZON_YEARS);
        return;
    }
    char msg[512];
    enum runsize_verdict who =
        runsize_check(sim_cfg_get_int(cfg, (size_t)kp), largest(cfg, kw), largest(cfg, kh),
                      runsize_machine_memory(), msg, sizeof msg);
    if (who != RUNSIZE_OK)
        sim_cfg_key_error(cfg, (size_t)(who == RUNSIZE_HORIZON ? kh : kp), "%s", msg);
}
