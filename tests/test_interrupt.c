/* tests/test_interrupt.c — SIGINT and SIGTERM during `caresim run`: the run stops after the
 * replications in progress and writes the complete ones, marked partial (root attribute
 * `partial` = 1), with exit status 128 + the signal; with none complete it writes nothing.
 * The run happens in a child process; the parent signals it once it has started. Timing
 * decides how many replications complete, so the checks hold for any number.
 */
#include "tests/testutil.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/runner.h"
#include "output/results.h"

#define REPS 5000 /* far more than complete in the time before the signal */

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/caresim_interrupt_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

/* Runs caresim run in a child with stdout/stderr to files, signals it `delay_ms` after the
 * start (0: the child signals itself before running), returns the exit status. */
static int run_and_signal(const char *target, int sig, long delay_ms)
{
    char out[128], err[128];
    snprintf(out, sizeof out, "%s/out.txt", dir);
    snprintf(err, sizeof err, "%s/err.txt", dir);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char reps[16];
        snprintf(reps, sizeof reps, "%d", REPS);
        char *argv[] = {"run", "scenarios/base.cfg", "-r", reps, "-j", "1",
                        "--set", "run.population=300", "--set", "run.horizon_years=1",
                        "--set", "run.warmup_years=0", "-o", (char *)target, "--quiet", NULL};
        if (delay_ms == 0) {
            /* Interrupted before any replication: install, signal, run. */
            cli_interrupt_install();
            raise(sig);
        }
        _exit(testutil_run_captured(cli_run, 15, argv, out, err));
    }
    if (delay_ms > 0) {
        sleep_ms(delay_ms);
        kill(pid, sig);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_sigint_keeps_complete_replications_marked_partial(void **state)
{
    (void)state;
    char target[128];
    snprintf(target, sizeof target, "%s/int.h5", dir);
    int rc = run_and_signal(target, SIGINT, 1500);
    assert_int_equal(rc, 128 + SIGINT);
    struct stat st;
    if (stat(target, &st) != 0) {
        print_message("no replication finished before the signal: nothing written (allowed)\n");
        return;
    }
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(target, &e);
    assert_non_null(f);
    struct out_info *info = NULL;
    assert_int_equal(out_file_read_info(f, &info, &e), 0);
    assert_int_equal(info->partial, 1);
    struct out_table *t = NULL;
    assert_int_equal(out_file_read_table(f, "/scenarios/base/replications", &t, &e), 0);
    print_message("replications written: %zu of %d\n", t->n_rows, REPS);
    assert_true(t->n_rows >= 1 && t->n_rows < REPS);
    out_table_destroy(t);
    out_info_destroy(info);
    out_file_close(f);
}

static void test_sigterm_before_any_replication_writes_nothing(void **state)
{
    (void)state;
    char target[128];
    snprintf(target, sizeof target, "%s/term.h5", dir);
    int rc = run_and_signal(target, SIGTERM, 0);
    assert_int_equal(rc, 128 + SIGTERM);
    struct stat st;
    assert_int_equal(stat(target, &st), -1);
    char path[160];
    snprintf(path, sizeof path, "%s/err.txt", dir);
    char *msg = testutil_slurp(path, NULL);
    assert_non_null(strstr(msg, "interrupted (SIGTERM)"));
    assert_non_null(strstr(msg, "nothing written"));
    free(msg);
}

static int remove_dir(void **state)
{
    (void)state;
    return testutil_remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigint_keeps_complete_replications_marked_partial),
        cmocka_unit_test(test_sigterm_before_any_replication_writes_nothing),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
