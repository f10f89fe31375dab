/* sim/station.h — one queueing station simulated on the engine.
 *
 * Poisson arrivals at a multi-server FCFS station (sim/resource's queue) with exponential
 * or deterministic service, optionally with no waiting room (a loss system, M/M/c/c). It is
 * the engine's own end-to-end check — calendar, dispatch, keyed streams, resources and
 * statistics working together — compared in the tests with closed-form results (Erlang B and
 * C, Pollaczek–Khinchine, Little's law), and the worked example behind `make demo`.
 * Knows nothing about health care.
 */
#ifndef SIM_STATION_H
#define SIM_STATION_H

#include "err.h"

#include <stdint.h>

enum sim_service_dist {
    SIM_SERVICE_EXPONENTIAL, /* M/M/c */
    SIM_SERVICE_DETERMINISTIC, /* M/D/c */
};

struct sim_station_cfg {
    double arrivals_per_day;     /* Poisson arrival rate, lambda */
    double mean_service_days;    /* 1 / mu */
    enum sim_service_dist service;
    uint32_t servers;            /* c >= 1 */
    int loss;                    /* 1: no waiting room, arrivals finding all busy are lost */
    uint64_t customers;          /* arrivals to simulate after the warm-up */
    uint64_t warmup_customers;   /* arrivals whose statistics are discarded first */
    uint64_t seed;               /* master seed */
    uint32_t replication;        /* stream key: replications are independent */
};

struct sim_station_result {
    uint64_t arrived;            /* arrivals in the statistics window */
    uint64_t refused;            /* of which lost (loss system only) */
    uint64_t started;            /* services started in the window */
    uint64_t events;             /* events dispatched, warm-up included */
    double window_days;          /* length of the statistics window */
    double mean_wait_days;       /* mean wait in queue of customers started in the window */
    double p_wait;               /* fraction of arrivals that had to queue */
    double blocking;             /* fraction of arrivals lost */
    double mean_queue_length;    /* time-average number waiting over the window */
    double utilisation;          /* time-average busy servers / servers */
    double wait_sum_days;        /* sum of waits in the window */
    double queue_area;           /* integral of the number waiting over the window */
};

/* Simulates the station: arrivals stop after warmup + customers, then the station runs
 * until empty, so every arrival's wait is recorded. Returns 0 or a SIM_E* code with err
 * filled (bad configuration, out of memory). */
int sim_station_run(const struct sim_station_cfg *cfg, struct sim_station_result *out,
                    struct sim_err *err);

#endif
