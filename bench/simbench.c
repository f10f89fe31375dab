/* bench/simbench.c — engine benchmark with the interface of ../shared/bench/refbench.c.
 *
 *   simbench mmc C RHO N SEED        M/M/C queue, mu = 1, lambda = RHO * C, N customers
 *   simbench hold PENDING EVENTS SEED classic hold model on the calendar
 *
 * Both use the engine as a model would: the mmc run goes through struct sim_ctx (handler
 * dispatch, calendar with cancellable handles, event pool) with Philox streams for arrivals
 * and services; the hold run drives the calendar directly, as the reference does. Output is
 * one line in the reference's format so scripts/bench.sh can put the two side by side.
 */
#include "sim/calendar.h"
#include "sim/engine.h"
#include "sim/rng.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { EV_ARRIVAL, EV_DEPARTURE, EV_TYPES };

struct mmc {
    struct sim_stream arrivals;  /* inter-arrival times */
    struct sim_stream services;  /* service times */
    double lambda;               /* arrivals per unit time */
    int servers;
    int busy;
    long n_customers;            /* customers to serve */
    long arrived, served;
    double *queue;               /* arrival times of waiting customers (FIFO) */
    long q_head, q_tail;
    double wait_sum;             /* total time in queue */
};

static int on_arrival(struct sim_ctx *ctx, const struct sim_event *ev)
{
    struct mmc *m = ctx->model;
    m->arrived++;
    if (m->arrived < m->n_customers)
        sim_schedule(ctx, sim_stream_exp(&m->arrivals, m->lambda), EV_ARRIVAL, 0, 0);
    if (m->busy < m->servers) {
        m->busy++;
        m->served++;
        sim_schedule(ctx, sim_stream_exp(&m->services, 1.0), EV_DEPARTURE, 0, 0);
    } else {
        m->queue[m->q_tail++] = ev->time;
    }
    return 0;
}

static int on_departure(struct sim_ctx *ctx, const struct sim_event *ev)
{
    struct mmc *m = ctx->model;
    if (m->q_head < m->q_tail) {
        m->wait_sum += ev->time - m->queue[m->q_head++];
        m->served++;
        sim_schedule(ctx, sim_stream_exp(&m->services, 1.0), EV_DEPARTURE, 0, 0);
    } else {
        m->busy--;
    }
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v <= 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static int run_mmc(int servers, double rho, long n, uint64_t seed)
{
    static const sim_handler_fn handlers[EV_TYPES] = { on_arrival, on_departure };
    struct mmc m = { .lambda = rho * servers, .servers = servers, .n_customers = n };
    m.queue = malloc((size_t)n * sizeof *m.queue);
    if (!m.queue) {
        fprintf(stderr, "simbench: out of memory for %ld customers\n", n);
        return 1;
    }
    sim_stream_init(&m.arrivals, seed, 0, 0, 0);
    sim_stream_init(&m.services, seed, 0, 0, 1);
    struct sim_ctx ctx;
    if (sim_ctx_init(&ctx, handlers, EV_TYPES, &m, 0) != 0) {
        fprintf(stderr, "simbench: %s\n", ctx.err.msg);
        free(m.queue);
        return 1;
    }
    double t0 = now_s();
    sim_schedule(&ctx, sim_stream_exp(&m.arrivals, m.lambda), EV_ARRIVAL, 0, 0);
    int rc = sim_run_until(&ctx, __builtin_inf());
    double dt = now_s() - t0;
    if (rc != 0)
        fprintf(stderr, "simbench: %s\n", ctx.err.msg);
    else
        printf("mmc servers=%d rho=%g customers=%ld events=%llu seconds=%.4f events_per_s=%.0f "
               "mean_wait=%.5f\n", servers, rho, n, (unsigned long long)ctx.events, dt,
               (double)ctx.events / dt, m.wait_sum / (double)n);
    sim_ctx_fini(&ctx);
    free(m.queue);
    return rc != 0;
}

static int run_hold(long pending, long events, uint64_t seed)
{
    struct sim_calendar cal;
    struct sim_stream s;
    struct sim_event ev;
    if (sim_calendar_init(&cal, 0) != 0) {
        fprintf(stderr, "simbench: out of memory\n");
        return 1;
    }
    sim_stream_init(&s, seed, 0, 0, 0);
    for (long i = 0; i < pending; i++)
        if (sim_calendar_push(&cal, sim_stream_exp(&s, 1.0), 0, 0, (uint32_t)i) == SIM_HANDLE_NONE) {
            fprintf(stderr, "simbench: out of memory for %ld pending events\n", pending);
            sim_calendar_fini(&cal);
            return 1;
        }
    double t0 = now_s();
    for (long i = 0; i < events; i++) {
        sim_calendar_pop(&cal, &ev);
        sim_calendar_push(&cal, ev.time + sim_stream_exp(&s, 1.0), 0, 0, ev.target);
    }
    double dt = now_s() - t0;
    printf("hold pending=%ld events=%ld seconds=%.4f events_per_s=%.0f bytes_per_event=%.1f\n",
           pending, events, dt, (double)events / dt,
           (double)sim_calendar_bytes(&cal) / (double)pending);
    sim_calendar_fini(&cal);
    return 0;
}

int main(int argc, char **argv)
{
    long c, n, p, e;
    uint64_t seed;
    char *end;
    if (argc == 6 && strcmp(argv[1], "mmc") == 0) {
        double rho = strtod(argv[3], &end);
        if (parse_long(argv[2], &c) || c > 1000000 || *end || !(rho > 0 && rho < 1) ||
            parse_long(argv[4], &n) || parse_u64(argv[5], &seed)) {
            fprintf(stderr, "simbench: mmc needs C >= 1, 0 < RHO < 1, N >= 1, SEED >= 0\n");
            return 2;
        }
        return run_mmc((int)c, rho, n, seed);
    }
    if (argc == 5 && strcmp(argv[1], "hold") == 0) {
        if (parse_long(argv[2], &p) || p > UINT32_MAX - 1L || parse_long(argv[3], &e) ||
            parse_u64(argv[4], &seed)) {
            fprintf(stderr, "simbench: hold needs PENDING >= 1, EVENTS >= 1, SEED >= 0\n");
            return 2;
        }
        return run_hold(p, e, seed);
    }
    fprintf(stderr, "usage: simbench mmc C RHO N SEED | hold PENDING EVENTS SEED\n");
    return 2;
}
