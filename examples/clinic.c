/* examples/clinic.c — the engine's worked example (`make demo`).
 *
 * An urgent-care centre open around the clock: patients walk in at random (Poisson, 14 an
 * hour) and each sees the first free clinician for a consultation of random length
 * (exponential, mean 15 minutes): an M/M/c queue. How long do patients wait with 4, 5 or 6
 * clinicians on duty? The engine simulates each staffing level over independent
 * replications and prints its estimates beside the exact answers of queueing theory
 * (Erlang C), so the first thing a user sees is the engine agreeing with the mathematics —
 * and how sharply waits fall as capacity is added to a busy service.
 */
#include "sim/queueing.h"
#include "sim/station.h"
#include "sim/stats.h"

#include <stdio.h>

#define MINUTES_PER_DAY 1440.0

int main(void)
{
    const double per_hour = 14.0, consult_min = 15.0;
    const int replications = 20;
    const uint64_t patients = 100000, warmup = 10000, seed = 2026;

    printf("Urgent-care centre as an M/M/c queue: %.0f patients an hour, consultations of "
           "%.0f minutes on average\n", per_hour, consult_min);
    printf("(offered load %.2f clinicians' worth of work). Simulated: %d replications of "
           "%llu patients each,\nafter %llu warm-up patients; 95%% confidence intervals. "
           "Analytic: Erlang C.\n\n", per_hour * consult_min / 60.0, replications,
           (unsigned long long)patients, (unsigned long long)warmup);
    printf("%-10s  %-11s  %-25s  %-25s\n", "clinicians", "utilisation",
           "P(wait) sim | Erlang C", "mean wait, min: sim | exact");

    double mean_wait_min[7] = { 0 };
    for (uint32_t c = 4; c <= 6; c++) {
        struct sim_station_cfg cfg = {
            .arrivals_per_day = per_hour * 24.0,
            .mean_service_days = consult_min / MINUTES_PER_DAY,
            .service = SIM_SERVICE_EXPONENTIAL,
            .servers = c,
            .customers = patients,
            .warmup_customers = warmup,
            .seed = seed,
        };
        struct sim_welford wait, pwait, util;
        sim_welford_init(&wait);
        sim_welford_init(&pwait);
        sim_welford_init(&util);
        for (int r = 0; r < replications; r++) {
            struct sim_station_result out;
            struct sim_err err = { 0 };
            cfg.replication = (uint32_t)r;
            if (sim_station_run(&cfg, &out, &err) != 0) {
                char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 16];
                fprintf(stderr, "clinic: %s\n", sim_err_format(&err, buf, sizeof buf));
                return 1;
            }
            sim_welford_add(&wait, out.mean_wait_days * MINUTES_PER_DAY);
            sim_welford_add(&pwait, out.p_wait);
            sim_welford_add(&util, out.utilisation);
        }
        struct sim_mmc exact;
        struct sim_err err = { 0 };
        if (sim_mmc_solve(cfg.arrivals_per_day, 1.0 / cfg.mean_service_days, (int)c, &exact,
                          &err) != 0) {
            fprintf(stderr, "clinic: %s\n", err.msg);
            return 1;
        }
        mean_wait_min[c] = sim_welford_mean(&wait);
        printf("%-10u  %5.1f%%       %.3f ± %.3f | %.3f      %6.2f ± %.2f | %6.2f\n", c,
               100.0 * sim_welford_mean(&util), sim_welford_mean(&pwait),
               sim_welford_ci_halfwidth(&pwait, 0.95), exact.p_wait, sim_welford_mean(&wait),
               sim_welford_ci_halfwidth(&wait, 0.95), exact.wq_days * MINUTES_PER_DAY);
    }
    printf("\nA fifth clinician cuts the mean wait from %.1f to %.1f minutes (-%.0f%%) while "
           "utilisation\nfalls only from 88%% to 70%%: queues respond to capacity "
           "non-linearly, which is why\ncaresim lets waits emerge from capacity instead of "
           "assuming them.\n", mean_wait_min[4], mean_wait_min[5],
           100.0 * (1.0 - mean_wait_min[5] / mean_wait_min[4]));
    return 0;
}
