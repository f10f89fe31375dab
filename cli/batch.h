/* cli/batch.h — runs numbered units of work (the replications of `run` and `compare`, the
 * draws of `psa`, the points of `sweep`) on threads and, in the MPI build, across ranks,
 * and hands each unit's result to a consumer in unit order.
 *
 * A unit's work must depend only on its index (and read-only shared data): it returns its
 * result as an array of doubles (a "blob" the caller lays out). The consumer receives the
 * blobs strictly in unit order 0, 1, 2, ..., one call at a time, so whatever it builds
 * (rows in memory, a file) is bit for bit the same for any number of threads or ranks.
 * A blob is freed once consumed: memory holds only the blobs finished ahead of the next
 * one in order (about as many as there are threads), not all of them.
 *
 * Failures: the unit of lowest index that fails is the one reported, whatever the timing:
 * units above a failed one are not started, units below it still run and are consumed.
 * Interruption (cli_interrupted set by SIGINT/SIGTERM, cli/runner.h): no unit starts
 * afterwards; the units finished in order from the first are consumed, the rest dropped.
 *
 * MPI build (-DCARESIM_MPI, `make mpi`, docs/mpi.md): when more than one rank runs, every
 * rank runs the same command and calls cli_batch_run at the same points; unit u belongs to
 * rank u mod K; every rank runs its own units in order on one thread and sends each
 * result to rank 0, which receives them in unit order and alone consumes them. The
 * results are the same as a serial run's. Ranks other than 0 consume nothing, but end the
 * batch with rank 0's status (and its interruption, cli_interrupted), so that they go on
 * as rank 0 does. A batch that a rank does not reach (it left its command after a
 * failure of its own) fails on the others at once, as unit 0 failing in setup.
 */
#ifndef CLI_BATCH_H
#define CLI_BATCH_H

#include <stddef.h>

#include "sim/err.h"

/* One unit's result: n doubles at data (malloc'ed by the work function; the batch frees
 * it). n may be 0 (data NULL). */
struct cli_blob {
    double *data;
    size_t n;
};

/* The work of unit `unit`: fills *out. Runs on any thread, many at once: it may touch only
 * its own state and read-only shared data. Returns 0 or a SIM_E* code with err filled;
 * *in_setup set means the failure came from setting the unit up (a model that could not be
 * created) rather than from running it (the caller may word the two differently). */
typedef int (*cli_batch_work_fn)(void *ctx, size_t unit, struct cli_blob *out, int *in_setup,
                                 struct sim_err *err);

/* Takes unit `unit`'s result (n doubles; not kept: copy what is needed). Called in unit
 * order, one call at a time. Returns 0 or a SIM_E* code with err filled (the batch stops). */
typedef int (*cli_batch_consume_fn)(void *ctx, size_t unit, const double *data, size_t n,
                                    struct sim_err *err);

struct cli_batch {
    size_t units;                  /* units 0 .. units - 1 */
    cli_batch_work_fn work;
    cli_batch_consume_fn consume;
    void *ctx;                     /* passed to both */
    int threads;                   /* threads to run units on (>= 1) */
    int show;                      /* a progress line on stderr */
    const char *label;             /* printed before the progress line, or NULL */
    const char *what;              /* the units' plural name on the progress line */
};

/* How a batch ended. */
struct cli_batch_status {
    size_t consumed;      /* units consumed: 0 .. consumed - 1, in order */
    size_t failed;        /* the failed unit of lowest index; units when none failed */
    int failed_in_setup;  /* that failure was in setting the unit up */
    int failed_in_consume; /* the consumer failed (on unit `failed`) */
    int interrupted;      /* stopped by cli_interrupted before every unit was done */
    struct sim_err err;   /* the failure */
};

/* Runs the batch. Returns 0 when every unit was consumed, -1 otherwise (see *st). */
int cli_batch_run(const struct cli_batch *b, struct cli_batch_status *st);

/* ---- Ranks (MPI build; the serial build has one rank, 0) ---------------------------------- */

/* Starts MPI when built with it (before anything else in main). On a rank other than 0,
 * stdout then goes to /dev/null and what is written to stderr is held in memory. */
void cli_ranks_init(int *argc, char ***argv);
/* Ends MPI (the last thing in main), given this rank's exit status; returns the status to
 * exit with, rank 0's on every rank. Waits until every rank has left its command. A
 * worker's held messages are shown (each line prefixed "[rank N] ") when that rank left
 * its command while the others went on to a batch, or ended with another status than rank
 * 0 for a reason of its own; otherwise they are rank 0's too and dropped. Without MPI,
 * returns status. */
int cli_ranks_fini(int status);
/* This process's rank and the number of ranks (0 and 1 without MPI). */
int cli_rank(void);
int cli_ranks(void);
/* Gives every rank rank 0's `size` bytes at data: every rank calls it at the same point,
 * as it would start a batch. Only rank 0 holds the results, so a choice that depends on
 * them (run more replications?) must be rank 0's, shared this way, for every rank to make
 * the same batch calls. Returns 0, or -1 (data untouched) when a rank has left its
 * command, as a batch would fail; without MPI or with one rank, 0 at once. */
int cli_ranks_share(void *data, size_t size);

#endif
