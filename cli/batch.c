/* cli/batch.c — numbered units of work on threads (OpenMP) and, in the MPI build, across
 * ranks, consumed in unit order (cli/batch.h).
 *
 * Threads: units are handed out one at a time (dynamic schedule). A finished unit's blob
 * waits in its slot until every unit before it is consumed; whichever thread finishes the
 * next unit in order consumes it and every waiting one after it, inside one critical
 * section, so the consumer never runs twice at once and always sees units in order.
 *
 * Ranks: see cli/batch.h. Messages from a worker rank to rank 0 carry a header of four
 * doubles (status, length, in_setup, error code) then the blob or the error message; rank 0
 * tells the workers to stop (after a failure or an interruption) and drains what they
 * still send, so that no rank is left blocked.
 */
#include "cli/batch.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/runner.h"
#ifdef CARESIM_MPI
#include <mpi.h>
#endif

#define BATCH_PROGRESS_SECONDS 0.25 /* least time between two updates of the progress line */

/* ---- Progress --------------------------------------------------------------------------- */

struct progress {
    const struct cli_batch *b;
    double t0, last;
    size_t done;
};

static void progress_start(struct progress *p, const struct cli_batch *b)
{
    p->b = b;
    p->t0 = cli_now_seconds();
    p->last = -INFINITY;
    p->done = 0;
}

/* Counts a finished unit and rewrites the line at most every BATCH_PROGRESS_SECONDS. */
static void progress_step(struct progress *p, int force)
{
    const struct cli_batch *b = p->b;
    double t = cli_now_seconds(), elapsed = t - p->t0;
    if (!b->show || (!force && t - p->last < BATCH_PROGRESS_SECONDS))
        return;
    p->last = t;
    fprintf(stderr, "\r%s%zu/%zu %s done, %.0f s elapsed", b->label ? b->label : "", p->done,
            b->units, b->what ? b->what : "units", elapsed);
    if (p->done > 0 && p->done < b->units)
        fprintf(stderr, ", ~%.0f s left",
                elapsed / (double)p->done * (double)(b->units - p->done));
    fprintf(stderr, "\033[K");
    fflush(stderr);
}

static void progress_end(const struct progress *p)
{
    if (p->b->show) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
}

/* ---- Status ----------------------------------------------------------------------------- */

static void status_start(struct cli_batch_status *st, size_t units)
{
    memset(st, 0, sizeof *st);
    st->failed = units;
    sim_err_clear(&st->err);
}

/* Records a failure of unit u if it is the lowest so far. */
static void status_fail(struct cli_batch_status *st, size_t u, int in_setup, int in_consume,
                        const struct sim_err *e)
{
    if (u >= st->failed)
        return;
    st->failed_in_setup = in_setup;
    st->failed_in_consume = in_consume;
    st->err = *e;
#pragma omp atomic write
    st->failed = u;
}

/* Runs one unit, turning a work function that failed without saying why into an error. */
static int run_unit(const struct cli_batch *b, size_t u, struct cli_blob *blob, int *in_setup,
                    struct sim_err *e)
{
    blob->data = NULL;
    blob->n = 0;
    *in_setup = 0;
    sim_err_clear(e);
    int rc = b->work(b->ctx, u, blob, in_setup, e);
    if (rc && !e->code)
        sim_err_set(e, rc, "failed (no reason given)");
    if (rc) {
        free(blob->data);
        blob->data = NULL;
    }
    return rc;
}

/* Consumes unit u's blob (and frees it). */
static int consume_unit(const struct cli_batch *b, struct cli_batch_status *st, size_t u,
                        struct cli_blob *blob)
{
    struct sim_err e;
    sim_err_clear(&e);
    int rc = b->consume(b->ctx, u, blob->data, blob->n, &e);
    free(blob->data);
    blob->data = NULL;
    if (rc) {
        if (!e.code)
            sim_err_set(&e, rc, "failed (no reason given)");
        status_fail(st, u, 0, 1, &e);
        return -1;
    }
    st->consumed = u + 1;
    return 0;
}

/* ---- Threads ---------------------------------------------------------------------------- */

static int run_threads(const struct cli_batch *b, struct cli_batch_status *st)
{
    struct cli_blob *slot = calloc(b->units ? b->units : 1, sizeof *slot);
    unsigned char *ready = calloc(b->units ? b->units : 1, 1);
    if (!slot || !ready) {
        free(slot);
        free(ready);
        struct sim_err e;
        sim_err_set(&e, SIM_ENOMEM, "out of memory");
        status_fail(st, 0, 1, 0, &e);
        return -1;
    }
    struct progress p;
    progress_start(&p, b);
    progress_step(&p, 1);
    size_t next = 0; /* the next unit to consume */
    long units = (long)b->units;
#pragma omp parallel for schedule(dynamic, 1) num_threads(b->threads)
    for (long i = 0; i < units; i++) {
        size_t u = (size_t)i, first;
#pragma omp atomic read
        first = st->failed;
        if (u > first || cli_interrupted)
            continue; /* after a failure below, or an interruption: not started */
        struct cli_blob blob;
        struct sim_err e;
        int in_setup;
        int rc = run_unit(b, u, &blob, &in_setup, &e);
#pragma omp critical(cli_batch)
        {
            if (rc)
                status_fail(st, u, in_setup, 0, &e);
            else {
                slot[u] = blob;
                ready[u] = 1;
            }
            p.done++;
            while (next < b->units && next < st->failed && ready[next])
                if (consume_unit(b, st, next, &slot[next]) == 0)
                    next++;
            progress_step(&p, 0);
        }
    }
    for (size_t u = 0; u < b->units; u++)
        free(slot[u].data); /* finished after a failure or a gap: never consumed */
    free(slot);
    free(ready);
    progress_end(&p);
    if (st->consumed < b->units && st->failed == b->units)
        st->interrupted = 1;
    return st->consumed == b->units ? 0 : -1;
}

/* ---- Ranks ------------------------------------------------------------------------------ */

#ifdef CARESIM_MPI

enum { MSG_OK, MSG_FAILED, MSG_STOPPED, MSG_END };
enum { TAG_HEAD = 1, TAG_DATA, TAG_STOP };

int cli_rank(void)
{
    int init = 0, r = 0;
    MPI_Initialized(&init);
    if (init)
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int cli_ranks(void)
{
    int init = 0, k = 1;
    MPI_Initialized(&init);
    if (init)
        MPI_Comm_size(MPI_COMM_WORLD, &k);
    return k;
}

void cli_ranks_init(int *argc, char ***argv)
{
    int provided;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
}

void cli_ranks_fini(void)
{
    int init = 0, done = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&done);
    if (init && !done)
        MPI_Finalize();
}

static void send_head(int status, size_t n, int in_setup, int code)
{
    double h[4] = {status, (double)n, in_setup, code};
    MPI_Send(h, 4, MPI_DOUBLE, 0, TAG_HEAD, MPI_COMM_WORLD);
}

/* A worker rank: its units in order, each sent to rank 0, until the end, a failure, an
 * interruption or rank 0's word to stop. */
static int run_worker(const struct cli_batch *b, int me, int k)
{
    for (size_t u = (size_t)me; u < b->units; u += (size_t)k) {
        int stop = 0;
        MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &stop, MPI_STATUS_IGNORE);
        if (stop || cli_interrupted) {
            send_head(MSG_STOPPED, 0, 0, 0);
            return 0;
        }
        struct cli_blob blob;
        struct sim_err e;
        int in_setup;
        if (run_unit(b, u, &blob, &in_setup, &e) != 0) {
            send_head(MSG_FAILED, 0, in_setup, e.code);
            MPI_Send(&e, (int)sizeof e, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
            return 0;
        }
        send_head(MSG_OK, blob.n, 0, 0);
        MPI_Send(blob.data, (int)blob.n, MPI_DOUBLE, 0, TAG_DATA, MPI_COMM_WORLD);
        free(blob.data);
    }
    send_head(MSG_END, 0, 0, 0);
    return 0;
}

/* Receives worker w's next message. Returns its status; *blob gets an OK message's data,
 * *e a failure's error. */
static int receive(int w, struct cli_blob *blob, int *in_setup, struct sim_err *e)
{
    double h[4];
    MPI_Recv(h, 4, MPI_DOUBLE, w, TAG_HEAD, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int status = (int)h[0];
    blob->n = (size_t)h[1];
    blob->data = NULL;
    *in_setup = (int)h[2];
    if (status == MSG_OK) {
        blob->data = malloc((blob->n ? blob->n : 1) * sizeof *blob->data);
        if (!blob->data) { /* still take the message off the wire */
            double *sink = malloc((blob->n ? blob->n : 1) * sizeof *sink);
            MPI_Recv(sink, (int)blob->n, MPI_DOUBLE, w, TAG_DATA, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            free(sink);
            sim_err_set(e, SIM_ENOMEM, "out of memory receiving a result from rank %d", w);
            return MSG_FAILED;
        }
        MPI_Recv(blob->data, (int)blob->n, MPI_DOUBLE, w, TAG_DATA, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    } else if (status == MSG_FAILED) {
        MPI_Recv(e, (int)sizeof *e, MPI_BYTE, w, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    return status;
}

/* Rank 0: its own units and the workers' results, in unit order. */
static int run_root(const struct cli_batch *b, struct cli_batch_status *st, int k)
{
    unsigned char *ended = calloc((size_t)k, 1); /* worker sent its last message */
    struct progress p;
    progress_start(&p, b);
    progress_step(&p, 1);
    size_t u = 0;
    for (; u < b->units; u++) {
        int w = (int)(u % (size_t)k), in_setup = 0, status;
        struct cli_blob blob;
        struct sim_err e;
        sim_err_clear(&e);
        if (w == 0) {
            if (cli_interrupted)
                break;
            status = run_unit(b, u, &blob, &in_setup, &e) == 0 ? MSG_OK : MSG_FAILED;
        } else {
            status = receive(w, &blob, &in_setup, &e);
            if (status != MSG_OK && ended)
                ended[w] = 1;
        }
        if (status == MSG_STOPPED || status == MSG_END)
            break;
        if (status == MSG_FAILED) {
            status_fail(st, u, in_setup, 0, &e);
            break;
        }
        p.done++;
        if (consume_unit(b, st, u, &blob) != 0)
            break;
        progress_step(&p, 0);
    }
    /* Stop the workers and take what they still send, so that none stays blocked. */
    for (int w = 1; w < k; w++) {
        int one = 1;
        if (u < b->units)
            MPI_Send(&one, 1, MPI_INT, w, TAG_STOP, MPI_COMM_WORLD);
        while (!(ended && ended[w])) {
            struct cli_blob blob;
            struct sim_err e;
            int in_setup, status = receive(w, &blob, &in_setup, &e);
            free(blob.data);
            if (status != MSG_OK)
                break;
        }
    }
    free(ended);
    progress_end(&p);
    if (st->consumed < b->units && st->failed == b->units)
        st->interrupted = 1;
    return st->consumed == b->units ? 0 : -1;
}

#else /* one rank */

int cli_rank(void) { return 0; }
int cli_ranks(void) { return 1; }
void cli_ranks_init(int *argc, char ***argv) { (void)argc, (void)argv; }
void cli_ranks_fini(void) {}

#endif

int cli_batch_run(const struct cli_batch *b, struct cli_batch_status *st)
{
    status_start(st, b->units);
#ifdef CARESIM_MPI
    int k = cli_ranks();
    if (k > 1) {
        int me = cli_rank();
        if (me != 0)
            return run_worker(b, me, k) == 0 ? 0 : -1;
        return run_root(b, st, k);
    }
#endif
    return run_threads(b, st);
}
