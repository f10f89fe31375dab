/* cli/batch.c — numbered units of work on threads (OpenMP) and, in the MPI build, across
 * ranks, consumed in unit order (cli/batch.h).
 *
 * Threads: units are handed out one at a time (dynamic schedule). A finished unit's blob
 * waits in its slot until every unit before it is consumed; whichever thread finishes the
 * next unit in order consumes it and every waiting one after it, inside one critical
 * section, so the consumer never runs twice at once and always sees units in order.
 *
 * Ranks (see cli/batch.h and docs/mpi.md). A batch begins with a collective agreement
 * that every rank is starting it (a rank that has left its command instead makes the batch
 * fail at once everywhere, so none waits for it). A worker's messages to rank 0 carry a
 * header of four doubles (status, length, in_setup, error code or signal), then the blob
 * or the error. Rank 0 takes them in unit order; at the end it sends every worker exactly
 * one stop (which also stops early a worker still running after a failure or an
 * interruption), drains what each still sends, and broadcasts its status. Every send has
 * a matching receive, so no rank is left blocked and nothing is left for the next batch.
 * At exit (cli_ranks_fini) the ranks wait for each other the same way.
 */
#include "cli/batch.h"

#include <limits.h>
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
        sim_err_clear(&e);
        sim_err_set(&e, SIM_ENOMEM, "batch: out of memory for %zu results", b->units);
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

enum { MSG_OK, MSG_FAILED, MSG_STOPPED, MSG_END }; /* a worker's message to rank 0 */
enum { TAG_HEAD = 1, TAG_DATA, TAG_STOP };

/* This process in the MPI job. */
static struct {
    int on;            /* between MPI_Init_thread and MPI_Finalize */
    int rank, size;    /* this rank, and the number of ranks */
    FILE *real_stderr; /* a worker's stderr, while `stderr` writes into `held` */
    FILE *held;        /* a worker's messages, kept in memory (cli_ranks_fini) */
    char *held_text;   /* their text (open_memstream) */
    size_t held_len;
    int followed;      /* a batch failed here because another rank had stopped */
} mpi = {.rank = 0, .size = 1};

int cli_rank(void)
{
    return mpi.rank;
}

int cli_ranks(void)
{
    return mpi.size;
}

void cli_ranks_init(int *argc, char ***argv)
{
    int provided;
    /* FUNNELED: OpenMP threads exist (a one-rank run uses them) but only the main thread
     * calls MPI. MPI's default error handler aborts the job on any MPI failure. */
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    mpi.on = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi.size);
    if (mpi.rank == 0)
        return;
    /* A worker prints nothing: its stdout goes nowhere, and its messages wait in memory
     * until cli_ranks_fini shows them if they matter (they are rank 0's otherwise). Only
     * the stdio stream is redirected: MPI's own messages still reach descriptor 2. */
    if (!freopen("/dev/null", "w", stdout))
        fprintf(stderr, "caresim: MPI rank %d: cannot open /dev/null for stdout\n", mpi.rank);
    mpi.held = open_memstream(&mpi.held_text, &mpi.held_len);
    if (mpi.held) {
        mpi.real_stderr = stderr;
        stderr = mpi.held;
    }
}

/* Collective: every rank says whether it is about to start a batch (1) or has finished its
 * command (0). Returns whether some rank is starting a batch; *stopped gets the lowest rank
 * that has finished its command, -1 when none has. */
static int agree(int starting, int *stopped)
{
    int in[2] = {starting ? INT_MAX : mpi.rank, starting ? -1 : 0}, out[2];
    MPI_Allreduce(in, out, 2, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    *stopped = out[0] == INT_MAX ? -1 : out[0];
    return out[1] < 0;
}

int cli_ranks_share(void *data, size_t size)
{
    if (mpi.size < 2)
        return 0;
    int stopped;
    agree(1, &stopped);
    if (stopped >= 0) {
        mpi.followed = 1;
        return -1;
    }
    /* In pieces of at most INT_MAX bytes, MPI's count being an int. */
    for (size_t at = 0; at < size;) {
        size_t n = size - at < INT_MAX ? size - at : INT_MAX;
        MPI_Bcast((char *)data + at, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
        at += n;
    }
    return 0;
}

/* Writes a worker's held messages to its real stderr, each line prefixed with its rank. */
static void show_held(void)
{
    fflush(mpi.held);
    const char *p = mpi.held_text;
    size_t n = mpi.held_len;
    while (p && n > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t len = nl ? (size_t)(nl - p) + 1 : n;
        fprintf(mpi.real_stderr, "[rank %d] %.*s%s", mpi.rank, (int)len, p, nl ? "" : "\n");
        p += len;
        n -= len;
    }
    fflush(mpi.real_stderr);
}

int cli_ranks_fini(int status)
{
    if (!mpi.on)
        return status;
    /* Everything out before any rank exits: mpirun ends the job when one exits non-zero. */
    fflush(stdout);
    fflush(stderr);
    int diverged = 0, stopped;
    /* Wait for the ranks still in their command, taking part in their batch agreements;
     * finding one in the first round means this rank stopped where the others went on. */
    if (mpi.size > 1)
        for (int round = 0; agree(0, &stopped); round++)
            if (round == 0 && !mpi.followed)
                diverged = 1;
    int root_status = status;
    MPI_Bcast(&root_status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (mpi.held) {
        if (diverged || (status != root_status && !mpi.followed))
            show_held();
        fclose(mpi.held);
        stderr = mpi.real_stderr;
        free(mpi.held_text);
        mpi.held = NULL;
    }
    MPI_Finalize();
    mpi.on = 0;
    return root_status;
}

/* A worker's message header: status, blob length, in_setup, then the error code of a
 * failure or the signal that stopped the worker (0 when rank 0 stopped it). */
static void send_head(int status, size_t n, int in_setup, int code)
{
    double h[4] = {status, (double)n, in_setup, code};
    MPI_Send(h, 4, MPI_DOUBLE, 0, TAG_HEAD, MPI_COMM_WORLD);
}

/* A worker rank: its units in order, each result (or the failure) sent to rank 0, until
 * the last, a failure, an interruption or rank 0's word to stop; then a last message
 * (unless it failed), then rank 0's stop, which comes exactly once per batch. */
static void run_worker(const struct cli_batch *b)
{
    int last = MSG_END, sig = 0;
    for (size_t u = (size_t)mpi.rank; u < b->units; u += (size_t)mpi.size) {
        int stop = 0;
        MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &stop, MPI_STATUS_IGNORE);
        if (stop || cli_interrupted) {
            last = MSG_STOPPED;
            sig = stop ? 0 : (int)cli_interrupted;
            break;
        }
        struct cli_blob blob;
        struct sim_err e;
        int in_setup;
        int rc = run_unit(b, u, &blob, &in_setup, &e);
        if (rc == 0 && blob.n > INT_MAX) {
            free(blob.data);
            rc = sim_err_set(&e, SIM_ENOMEM, "a result of %zu values is too large to send "
                                             "between MPI ranks", blob.n);
        }
        if (rc != 0) {
            send_head(MSG_FAILED, 0, in_setup, e.code);
            MPI_Send(&e, (int)sizeof e, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
            last = MSG_FAILED;
            break;
        }
        send_head(MSG_OK, blob.n, 0, 0);
        MPI_Send(blob.data, (int)blob.n, MPI_DOUBLE, 0, TAG_DATA, MPI_COMM_WORLD);
        free(blob.data);
    }
    if (last != MSG_FAILED)
        send_head(last, 0, 0, sig);
    int stop;
    MPI_Recv(&stop, 1, MPI_INT, 0, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

/* Rank 0: receives worker w's next message. Returns its status; *blob gets an OK message's
 * data, *e a failure's error, *sig the signal of a STOPPED message. */
static int receive(int w, struct cli_blob *blob, int *in_setup, int *sig, struct sim_err *e)
{
    double h[4];
    MPI_Recv(h, 4, MPI_DOUBLE, w, TAG_HEAD, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int status = (int)h[0];
    blob->n = (size_t)h[1];
    blob->data = NULL;
    *in_setup = (int)h[2];
    *sig = status == MSG_STOPPED ? (int)h[3] : 0;
    if (status == MSG_OK) {
        blob->data = malloc((blob->n ? blob->n : 1) * sizeof *blob->data);
        if (!blob->data) { /* the message cannot be taken off the wire: end the job */
            fprintf(stderr, "caresim: out of memory receiving a result of %zu values from MPI "
                            "rank %d\n", blob->n, w);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        MPI_Recv(blob->data, (int)blob->n, MPI_DOUBLE, w, TAG_DATA, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    } else if (status == MSG_FAILED) {
        MPI_Recv(e, (int)sizeof *e, MPI_BYTE, w, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    return status;
}

/* Rank 0: its own units and the workers' results, consumed in unit order; then the
 * workers are told to stop and what they still send is dropped. */
static void run_root(const struct cli_batch *b, struct cli_batch_status *st)
{
    const int k = mpi.size;
    int ended = 0; /* the worker whose last message the loop took, if any */
    struct progress p;
    progress_start(&p, b);
    progress_step(&p, 1);
    for (size_t u = 0; u < b->units; u++) {
        int w = (int)(u % (size_t)k), in_setup = 0, sig = 0, status;
        struct cli_blob blob = {NULL, 0};
        struct sim_err e;
        sim_err_clear(&e);
        if (w == 0) {
            if (cli_interrupted)
                break;
            status = run_unit(b, u, &blob, &in_setup, &e) == 0 ? MSG_OK : MSG_FAILED;
        } else {
            status = receive(w, &blob, &in_setup, &sig, &e);
            if (status != MSG_OK)
                ended = w;
            if (sig && !cli_interrupted)
                cli_interrupted = sig; /* a worker was interrupted: so is the run */
        }
        if (status == MSG_FAILED) {
            status_fail(st, u, in_setup, 0, &e);
            break;
        }
        if (status != MSG_OK)
            break;
        p.done++;
        if (consume_unit(b, st, u, &blob) != 0)
            break;
        progress_step(&p, 0);
    }
    /* Every worker gets one stop per batch, whether or not it has finished, so that none
     * is left over for the next batch; sent without waiting, as a worker may be sending. */
    static const int one = 1;
    MPI_Request *req = malloc((size_t)k * sizeof *req);
    for (int w = 1; w < k; w++) {
        if (req)
            MPI_Isend(&one, 1, MPI_INT, w, TAG_STOP, MPI_COMM_WORLD, &req[w]);
        else
            MPI_Send(&one, 1, MPI_INT, w, TAG_STOP, MPI_COMM_WORLD);
    }
    for (int w = 1; w < k; w++) {
        if (w == ended)
            continue;
        for (;;) {
            struct cli_blob blob;
            struct sim_err e;
            int in_setup, sig, status = receive(w, &blob, &in_setup, &sig, &e);
            free(blob.data);
            if (status != MSG_OK)
                break;
        }
    }
    if (req) {
        MPI_Waitall(k - 1, req + 1, MPI_STATUSES_IGNORE);
        free(req);
    }
    progress_end(&p);
    if (st->consumed < b->units && st->failed == b->units)
        st->interrupted = 1;
}

/* Several ranks: agree that every rank is here, run, and give every rank rank 0's status
 * (and its interruption), so that all go on the same way. */
static int run_ranks(const struct cli_batch *b, struct cli_batch_status *st)
{
    int stopped;
    agree(1, &stopped);
    if (stopped >= 0) {
        /* A rank has finished its command (it failed where this one did not, e.g. could
         * not read a file): none of the units can run. */
        mpi.followed = 1;
        if (b->units == 0)
            return 0;
        st->failed = 0;
        st->failed_in_setup = 1;
        sim_err_set(&st->err, SIM_EIO,
                    "not run: MPI rank %d stopped before the %s began (see its messages)",
                    stopped, b->what ? b->what : "units");
        return -1;
    }
    struct {
        struct cli_batch_status st;
        int sig;
    } end;
    memset(&end, 0, sizeof end);
    if (mpi.rank == 0) {
        run_root(b, st);
        end.st = *st;
        end.sig = (int)cli_interrupted;
    } else {
        run_worker(b);
    }
    MPI_Bcast(&end, (int)sizeof end, MPI_BYTE, 0, MPI_COMM_WORLD);
    *st = end.st;
    if (end.sig && !cli_interrupted)
        cli_interrupted = end.sig;
    return st->consumed == b->units ? 0 : -1;
}

#else /* one rank */

int cli_rank(void) { return 0; }
int cli_ranks(void) { return 1; }
void cli_ranks_init(int *argc, char ***argv) { (void)argc, (void)argv; }
int cli_ranks_fini(int status) { return status; }
int cli_ranks_share(void *data, size_t size) { return (void)data, (void)size, 0; }

#endif

int cli_batch_run(const struct cli_batch *b, struct cli_batch_status *st)
{
    status_start(st, b->units);
#ifdef CARESIM_MPI
    if (mpi.size > 1)
        return run_ranks(b, st);
#endif
    return run_threads(b, st);
}
