/* tests/mpi/test_batch_mpi.c — the MPI side of cli/batch.c (built by `make mpi`, run by
 * tests/mpi/check.sh under mpirun with 1 to 4 ranks): units consumed in order on rank 0
 * with the results the serial build would give, unit u run on rank u mod K, the failed
 * unit of lowest index reported on every rank, a failing consumer, an interruption on one
 * rank spreading to all, later batches unaffected by what an earlier one left, rank 0's
 * choices shared with every rank (cli_ranks_share), the writer of the ranks other than 0
 * (out_writer_create_discard), and a rank that leaves before a batch
 * making it fail on the others (with its held messages shown) instead of leaving them
 * waiting.
 *
 * Not cmocka: every rank must make the same batch calls in the same order, so a failed
 * check must not end a test early on one rank only. Checks count failures and print
 * "FAIL ..." straight to descriptor 2 (a worker's stderr stream is held, cli/batch.h);
 * the exit status is 1 when any rank failed a check. Touches no file (check.sh runs it in
 * an empty directory and checks that it stays empty).
 */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/runner.h"
#include "output/results.h"
#include "sim/err.h"

static int failures; /* checks failed on this rank */
static int me, k;    /* this rank, number of ranks */

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            failures++;                                                                    \
            dprintf(2, "FAIL rank %d/%d %s:%d: %s: ", me, k, __FILE__, __LINE__, #cond);   \
            dprintf(2, __VA_ARGS__);                                                       \
            dprintf(2, "\n");                                                              \
        }                                                                                  \
    } while (0)

/* ---- A batch whose units fail, interrupt or give known values on demand ------------------ */

#define MAX_UNITS 64

struct job {
    size_t units;
    long fail_unit[2];      /* units whose work fails (-1: none) */
    int fail_in_setup[2];   /* ...in setup */
    long consume_fail;      /* unit the consumer refuses (-1: none) */
    long interrupt_unit;    /* unit whose work sets cli_interrupted (-1: none) */
    size_t ran;             /* units this rank ran */
    int ran_elsewhere;      /* a unit this rank ran that was not its own (u mod K) */
    size_t seen[MAX_UNITS]; /* units the consumer took, in the order it took them */
    size_t nseen;
    int bad_blob;           /* a consumed blob did not hold what its unit made */
};

/* Unit u's result: u mod 4 doubles (0 included), 1000 u + i. */
static int job_work(void *ctx, size_t u, struct cli_blob *out, int *in_setup,
                    struct sim_err *err)
{
    struct job *j = ctx;
    j->ran++;
    if (k > 1 && u % (size_t)k != (size_t)me)
        j->ran_elsewhere = 1;
    for (int i = 0; i < 2; i++)
        if (j->fail_unit[i] == (long)u) {
            *in_setup = j->fail_in_setup[i];
            return sim_err_set(err, j->fail_in_setup[i] ? SIM_EINVAL : SIM_EIO,
                               "unit %zu failed", u);
        }
    if (j->interrupt_unit == (long)u)
        cli_interrupted = SIGTERM;
    out->n = u % 4;
    out->data = out->n ? malloc(out->n * sizeof *out->data) : NULL;
    if (out->n && !out->data)
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < out->n; i++)
        out->data[i] = 1000.0 * (double)u + (double)i;
    return 0;
}

static int job_consume(void *ctx, size_t u, const double *data, size_t n, struct sim_err *err)
{
    struct job *j = ctx;
    if (j->consume_fail == (long)u)
        return sim_err_set(err, SIM_EIO, "consumer refused unit %zu", u);
    if (j->nseen < MAX_UNITS)
        j->seen[j->nseen++] = u;
    if (n != u % 4)
        j->bad_blob = 1;
    for (size_t i = 0; i < n; i++)
        if (data[i] != 1000.0 * (double)u + (double)i)
            j->bad_blob = 1;
    return 0;
}

static void job_init(struct job *j, size_t units)
{
    memset(j, 0, sizeof *j);
    j->units = units;
    j->fail_unit[0] = j->fail_unit[1] = -1;
    j->consume_fail = j->interrupt_unit = -1;
}

static int job_run(struct job *j, struct cli_batch_status *st)
{
    struct cli_batch b = {
        .units = j->units,
        .work = job_work,
        .consume = job_consume,
        .ctx = j,
        .threads = 1,
        .what = "units",
    };
    return cli_batch_run(&b, st);
}

/* The units rank 0 consumed are 0 .. n - 1 in order; other ranks consume none. */
static void check_consumed(const struct job *j, size_t n, const char *test)
{
    if (me != 0) {
        CHECK(j->nseen == 0, "%s: a worker consumed %zu units", test, j->nseen);
        return;
    }
    CHECK(j->nseen == n, "%s: consumed %zu units, expected %zu", test, j->nseen, n);
    for (size_t i = 0; i < j->nseen && i < n; i++)
        CHECK(j->seen[i] == i, "%s: consumed unit %zu at position %zu", test, j->seen[i], i);
    CHECK(!j->bad_blob, "%s: a blob did not hold its unit's values", test);
}

/* ---- Tests ------------------------------------------------------------------------------- */

static void test_every_unit_consumed_in_order_once(void)
{
    struct job j;
    struct cli_batch_status st;
    job_init(&j, 23); /* not a multiple of 2, 3 or 4 */
    int rc = job_run(&j, &st);
    CHECK(rc == 0, "in order: batch returned %d", rc);
    CHECK(st.consumed == 23 && st.failed == 23 && !st.interrupted,
          "in order: status consumed %zu failed %zu interrupted %d", st.consumed, st.failed,
          st.interrupted);
    check_consumed(&j, 23, "in order");
    CHECK(!j.ran_elsewhere, "in order: a rank ran a unit that was not its own");
    long ran = (long)j.ran, total = 0;
    MPI_Allreduce(&ran, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    CHECK(total == 23, "in order: %ld units run over all ranks", total);
}

static void test_lowest_failed_unit_is_reported_on_every_rank(void)
{
    struct job j;
    struct cli_batch_status st;
    job_init(&j, 20);
    j.fail_unit[0] = 13;
    j.fail_in_setup[0] = 1;
    j.fail_unit[1] = 7;
    int rc = job_run(&j, &st);
    CHECK(rc == -1, "failure: batch returned %d", rc);
    CHECK(st.failed == 7 && st.consumed == 7 && !st.failed_in_setup && !st.failed_in_consume,
          "failure: failed %zu consumed %zu in_setup %d in_consume %d", st.failed, st.consumed,
          st.failed_in_setup, st.failed_in_consume);
    CHECK(st.err.code == SIM_EIO && strcmp(st.err.msg, "unit 7 failed") == 0,
          "failure: error %d '%s'", st.err.code, st.err.msg);
    check_consumed(&j, 7, "failure");
}

static void test_unit0_failing_in_setup_stops_all(void)
{
    struct job j;
    struct cli_batch_status st;
    job_init(&j, 9);
    j.fail_unit[0] = 0;
    j.fail_in_setup[0] = 1;
    int rc = job_run(&j, &st);
    CHECK(rc == -1 && st.failed == 0 && st.failed_in_setup && st.err.code == SIM_EINVAL,
          "unit 0: rc %d failed %zu in_setup %d code %d", rc, st.failed, st.failed_in_setup,
          st.err.code);
    check_consumed(&j, 0, "unit 0");
}

static void test_consumer_failure_is_reported_on_every_rank(void)
{
    struct job j;
    struct cli_batch_status st;
    job_init(&j, 11);
    j.consume_fail = 4;
    int rc = job_run(&j, &st);
    CHECK(rc == -1 && st.failed == 4 && st.failed_in_consume && st.consumed == 4,
          "consumer: rc %d failed %zu in_consume %d consumed %zu", rc, st.failed,
          st.failed_in_consume, st.consumed);
    CHECK(strcmp(st.err.msg, "consumer refused unit 4") == 0, "consumer: error '%s'",
          st.err.msg);
    check_consumed(&j, 4, "consumer");
}

static void test_interruption_on_one_rank_stops_every_rank(void)
{
    struct job j;
    struct cli_batch_status st;
    job_init(&j, 30);
    j.interrupt_unit = 5; /* on rank 5 mod K: the others learn it from the batch */
    int rc = job_run(&j, &st);
    CHECK(rc == -1 && st.interrupted && st.failed == 30,
          "interrupt: rc %d interrupted %d failed %zu", rc, st.interrupted, st.failed);
    CHECK(st.consumed >= 6 && st.consumed < 30, "interrupt: consumed %zu", st.consumed);
    CHECK(cli_interrupted == SIGTERM, "interrupt: cli_interrupted is %d on this rank",
          (int)cli_interrupted);
    check_consumed(&j, st.consumed, "interrupt");
    /* A new start for the next tests, on every rank. */
    MPI_Barrier(MPI_COMM_WORLD);
    cli_interrupted = 0;
}

static void test_empty_batch(void)
{
    struct job j;
    struct cli_batch_status st;
    job_init(&j, 0);
    int rc = job_run(&j, &st);
    CHECK(rc == 0 && st.consumed == 0 && !st.interrupted, "empty: rc %d", rc);
}

static void test_share_gives_rank0_value_to_all(void)
{
    struct {
        int more;
        double x;
    } choice = {me == 0 ? 7 : -1, me == 0 ? 0.25 : -1.0};
    int rc = cli_ranks_share(&choice, sizeof choice);
    CHECK(rc == 0 && choice.more == 7 && choice.x == 0.25, "share: rc %d, got %d %g", rc,
          choice.more, choice.x);
}

/* The writer of the ranks other than 0 takes everything and writes nothing. */
static void test_discarding_writer_accepts_all_and_writes_nothing(void)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_writer *w = out_writer_create_discard(&e);
    CHECK(w != NULL, "discard: not created: %s", e.msg);
    if (!w)
        return;
    const struct out_column col = {"x", "count", "a column"};
    const double v[2] = {1, 2};
    const struct out_table t = {"table", "a table", 1, &col, 2, v};
    const struct out_attr a = {"n", NULL, 3};
    const char *names[1] = {"one"};
    CHECK(out_writer_add_scenario(w, "base", "a = 1;", &e) == 0, "discard: scenario");
    CHECK(out_writer_add_table(w, "/scenarios/base", &t, &e) == 0, "discard: table");
    CHECK(out_writer_add_summary(w, "/scenarios/base", &t, &e) == 0, "discard: summary");
    CHECK(out_writer_add_group(w, "/comparisons/x", &a, 1, &e) == 0, "discard: group");
    CHECK(out_writer_add_attr_strings(w, "/scenarios/base/table", "names", names, 1, &e) == 0,
          "discard: attribute");
    CHECK(out_writer_set_partial(w, 1, &e) == 0, "discard: partial");
    CHECK(out_writer_commit(w, &e) == 0, "discard: commit");
    CHECK(out_writer_add_table(w, "/", &t, &e) == SIM_ESTATE, "discard: written after commit");
    out_writer_destroy(w);
}

/* The last test: rank K - 1 leaves (as after failing to read a file) while the others
 * start a batch: theirs fails at once, naming it, as does sharing a value, and nobody
 * waits forever. Returns the exit status of this rank. */
static int test_rank_leaving_fails_the_others_batch(int status)
{
    if (k < 2)
        return cli_ranks_fini(status);
    fprintf(stderr, "held message of rank %d\n", me); /* shown only for rank K - 1 */
    if (me == k - 1) {
        int s = cli_ranks_fini(2);
        /* Every rank exits with rank 0's status, which is 0 or 1 here, never this 2. */
        if (s != 0 && s != 1)
            dprintf(2, "FAIL rank %d/%d: cli_ranks_fini gave %d\n", me, k, s);
        return s;
    }
    struct job j;
    struct cli_batch_status st;
    job_init(&j, 5);
    int rc = job_run(&j, &st);
    char want[64];
    snprintf(want, sizeof want, "MPI rank %d stopped", k - 1);
    CHECK(rc == -1 && st.failed == 0 && st.failed_in_setup && strstr(st.err.msg, want),
          "leaving: rc %d failed %zu in_setup %d '%s'", rc, st.failed, st.failed_in_setup,
          st.err.msg);
    CHECK(j.ran == 0, "leaving: %zu units ran", j.ran);
    int choice = me;
    rc = cli_ranks_share(&choice, sizeof choice);
    CHECK(rc == -1 && choice == me, "leaving: share gave %d, value %d", rc, choice);
    if (failures && status == 0)
        status = 1;
    return cli_ranks_fini(status);
}

int main(int argc, char **argv)
{
    cli_ranks_init(&argc, &argv);
    me = cli_rank();
    k = cli_ranks();
    printf("stdout of rank %d\n", me); /* only rank 0's reaches the terminal */
    fflush(stdout);
    test_every_unit_consumed_in_order_once();
    test_lowest_failed_unit_is_reported_on_every_rank();
    test_unit0_failing_in_setup_stops_all();
    test_consumer_failure_is_reported_on_every_rank();
    test_interruption_on_one_rank_stops_every_rank();
    test_empty_batch();
    test_share_gives_rank0_value_to_all();
    test_discarding_writer_accepts_all_and_writes_nothing();
    /* After failures and a stop, nothing is left over: the same batch again. */
    test_every_unit_consumed_in_order_once();
    int total = 0;
    MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (me == 0)
        printf("test_batch_mpi on %d rank%s: %d check%s failed before the last test\n", k,
               k == 1 ? "" : "s", total, total == 1 ? "" : "s");
    fflush(stdout);
    return test_rank_leaving_fails_the_others_batch(total ? 1 : 0);
}
