/* sim/queueing.h — closed-form results of classical queueing models.
 *
 * Erlang B and C, M/M/c, M/G/1 (Pollaczek–Khinchine) with M/M/1 and M/D/1 helpers. Used to
 * validate the engine's queues against theory and in the worked example. Steady-state,
 * first-come first-served, infinite waiting room. Rates are per day and times are days.
 * Pure functions: no state, no allocation.
 */
#ifndef SIM_QUEUEING_H
#define SIM_QUEUEING_H

struct sim_err;

/* Erlang B: probability that an arrival finds all `servers` busy and is lost, with offered
 * load `load_erlangs` (arrival rate x mean service time). Uses the recursion
 * B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), which stays in [0, 1] and so cannot overflow
 * for any number of servers; cost is O(servers). NaN when servers < 0 or the load is
 * negative or not finite (like a libm domain error). */
double sim_erlang_b(int servers, double load_erlangs);

/* Erlang C: probability that an arrival has to wait in M/M/c, C = c B / (c - a (1 - B)).
 * NaN when servers < 1, the load is negative or not finite, or load >= servers (no steady
 * state). */
double sim_erlang_c(int servers, double load_erlangs);

/* Steady state of an M/M/c queue. */
struct sim_mmc {
    double lambda_per_day; /* arrival rate (input, kept for sim_mmc_wait_exceeds) */
    double mu_per_day;     /* service rate of one server (input) */
    int servers;           /* number of servers c (input) */
    double load_erlangs;   /* offered load a = lambda / mu */
    double rho;            /* utilisation of each server, a / c */
    double p_wait;         /* probability an arrival waits (Erlang C) */
    double wq_days;        /* mean wait in queue */
    double lq;             /* mean number waiting */
    double w_days;         /* mean time in system (wait + service) */
    double l;              /* mean number in system */
};

/* Solves M/M/c. Returns 0; SIM_EINVAL (out NULL, rates not positive and finite,
 * servers < 1) or SIM_ERANGE (rho >= 1: the queue grows without bound) with a message in
 * err. On failure every double field of *out is NaN. */
int sim_mmc_solve(double lambda_per_day, double mu_per_day, int servers, struct sim_mmc *out,
                  struct sim_err *err);

/* P(Wq > t) for a solved M/M/c: C exp(-(c mu - lambda) t). 1 for t < 0 (nobody waits a
 * negative time), p_wait at t = 0, NaN for a NaN t or a struct left by a failed solve. */
double sim_mmc_wait_exceeds(const struct sim_mmc *m, double t_days);

/* Steady state of an M/G/1 queue. */
struct sim_mg1 {
    double rho;     /* utilisation, lambda E[S] (also the probability an arrival waits) */
    double wq_days; /* mean wait in queue, lambda E[S^2] / (2 (1 - rho)) */
    double lq;      /* mean number waiting */
    double w_days;  /* mean time in system */
    double l;       /* mean number in system */
};

/* Solves M/G/1 by Pollaczek–Khinchine from the first two moments of the service time
 * (mean_service_days, service_m2_days2 = E[S^2] in days^2). Returns 0; SIM_EINVAL (out
 * NULL, lambda or E[S] not positive and finite, E[S^2] not finite or below E[S]^2, which
 * no distribution has) or SIM_ERANGE (rho >= 1) with a message in err. On failure every
 * field of *out is NaN. */
int sim_mg1_solve(double lambda_per_day, double mean_service_days, double service_m2_days2,
                  struct sim_mg1 *out, struct sim_err *err);

/* M/D/1 (constant service 1/mu, E[S^2] = 1/mu^2) and M/M/1 (exponential service,
 * E[S^2] = 2/mu^2) through sim_mg1_solve; same errors. */
int sim_md1_solve(double lambda_per_day, double mu_per_day, struct sim_mg1 *out,
                  struct sim_err *err);
int sim_mm1_solve(double lambda_per_day, double mu_per_day, struct sim_mg1 *out,
                  struct sim_err *err);

#endif
