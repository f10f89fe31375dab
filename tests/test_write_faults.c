/* tests/test_write_faults.c — write failures leave no corrupt results: a results file that
 * hits the file-size limit (EFBIG, as a full disk would give ENOSPC), commands printing to a
 * full device (/dev/full), an output directory that cannot be written, and a run killed
 * with SIGKILL midway. Each command runs in a forked child (so limits, signals and user
 * changes stay there) with stdout and stderr to files; the parent checks the exit status,
 * the message, and that a results file already at the target is left byte for byte as it
 * was, with no temporary file beside it. (Without gnuplot: tests/test_plot.c.)
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

#define SMALL_RUN "-r", "2", "-j", "1", "--quiet", "--set", "run.population=200", "--set", \
                  "run.horizon_years=1", "--set", "run.warmup_years=0"
#define NOBODY 65534 /* uid and gid of nobody */

static char dir[64];        /* the test's temporary directory */
static char previous[128];  /* a complete results file, copied to targets beforehand */
static char out_txt[128], err_txt[128];

/* What the child does before running the command (after redirecting its output). */
typedef void (*child_setup)(const void *arg);

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/caresim_writefault_XXXXXX");
    if (!mkdtemp(dir) || chmod(dir, 0755) != 0)
        return -1;
    snprintf(previous, sizeof previous, "%s/previous.h5", dir);
    snprintf(out_txt, sizeof out_txt, "%s/stdout.txt", dir);
    snprintf(err_txt, sizeof err_txt, "%s/stderr.txt", dir);
    const char *args[] = {"scenarios/base.cfg", SMALL_RUN, "-o", previous, NULL};
    return testutil_run_args(cli_run, "run", args, out_txt, err_txt) == 0 ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    return testutil_remove_tree(dir);
}

/* Runs `caresim NAME ARGS` in a child: stdout to stdout_path (out_txt when NULL), stderr to
 * err_txt, then setup(arg). Returns the child's wait status. kill_after_ms > 0 sends SIGKILL
 * that long after the start. */
static int run_child(int (*cmd)(int, char **), const char *name, const char *const *args,
                     const char *stdout_path, child_setup setup, const void *arg,
                     long kill_after_ms)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fo = open(stdout_path ? stdout_path : out_txt, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int fe = open(err_txt, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
            _exit(99);
        if (setup)
            setup(arg);
        char *argv[40];
        int argc = 0;
        argv[argc++] = (char *)name;
        while (args[argc - 1] && argc < 39) {
            argv[argc] = (char *)args[argc - 1];
            argc++;
        }
        argv[argc] = NULL;
        int rc = cmd(argc, argv);
        _exit(rc);
    }
    if (kill_after_ms > 0) {
        struct timespec t = {kill_after_ms / 1000, (kill_after_ms % 1000) * 1000000L};
        while (nanosleep(&t, &t) != 0 && errno == EINTR) {
        }
        kill(pid, SIGKILL);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void assert_exit(int status, int code)
{
    if (!WIFEXITED(status))
        fail_msg("the command did not exit (signal %d)", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    assert_int_equal(WEXITSTATUS(status), code);
}

static void assert_stderr_has(const char *text)
{
    char *err = testutil_slurp(err_txt, NULL);
    if (!strstr(err, text))
        fail_msg("stderr lacks \"%s\":\n%s", text, err);
    free(err);
}

static void assert_same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *da = testutil_slurp(a, &na), *db = testutil_slurp(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(da, db, na);
    free(da);
    free(db);
}

/* Number of entries of d other than those named keep (may be NULL). */
static int other_entries(const char *d, const char *keep)
{
    DIR *dp = opendir(d);
    assert_non_null(dp);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && (!keep || strcmp(e->d_name, keep)))
            n++;
    closedir(dp);
    return n;
}

/* A fresh directory dir/name holding a copy of the previous results file as target.h5. */
static void target_dir(const char *name, char *sub, size_t sub_size, char *target,
                       size_t target_size)
{
    snprintf(sub, sub_size, "%s/%s", dir, name);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(target, target_size, "%s/target.h5", sub);
    testutil_copy_file(previous, target);
}

/* ---- a results file too big for the device ------------------------------------------------ */

static void limit_file_size(const void *arg)
{
    struct rlimit r = {*(const rlim_t *)arg, *(const rlim_t *)arg};
    signal(SIGXFSZ, SIG_IGN); /* writes past the limit then fail with EFBIG */
    if (setrlimit(RLIMIT_FSIZE, &r) != 0)
        _exit(98);
}

/* A results file that cannot grow past 64 KiB (EFBIG, as a full disk gives ENOSPC): exit 1,
 * a message saying why, the file already at the target unchanged, no temporary file. */
static void test_results_file_too_big_keeps_the_previous_file(void **state)
{
    (void)state;
    char sub[128], target[160];
    target_dir("fsize", sub, sizeof sub, target, sizeof target);
    const char *args[] = {"scenarios/base.cfg", SMALL_RUN, "-o", target, NULL};
    rlim_t limit = 64 * 1024;
    assert_exit(run_child(cli_run, "run", args, NULL, limit_file_size, &limit, 0), CLI_EXIT_FAIL);
    assert_stderr_has("File too large");
    assert_same_file(previous, target);
    assert_int_equal(other_entries(sub, "target.h5"), 0);
}

/* ---- printing to a full device ------------------------------------------------------------ */

/* `caresim NAME ARGS > /dev/full`: exit 1 and a message saying the write failed. */
static void check_full_stdout(int (*cmd)(int, char **), const char *name,
                              const char *const *args)
{
    int status = run_child(cmd, name, args, "/dev/full", NULL, NULL, 0);
    assert_exit(status, CLI_EXIT_FAIL);
    char *err = testutil_slurp(err_txt, NULL);
    if (!strstr(err, "No space left on device") && !strstr(err, "write error"))
        fail_msg("caresim %s > /dev/full: stderr lacks the reason:\n%s", name, err);
    free(err);
}

static void test_report_to_full_device_fails(void **state)
{
    (void)state;
    const char *args[] = {previous, NULL};
    check_full_stdout(cli_report, "report", args);
}

static void test_params_markdown_to_full_device_fails(void **state)
{
    (void)state;
    const char *args[] = {"--markdown", NULL};
    check_full_stdout(cli_params, "params", args);
}

static void test_validate_to_full_device_fails(void **state)
{
    (void)state;
    const char *args[] = {"scenarios/base.cfg", NULL};
    check_full_stdout(cli_validate, "validate", args);
}

/* ---- an output directory that cannot be written ------------------------------------------ */

static void become_nobody(const void *arg)
{
    (void)arg;
    if (geteuid() == 0 && (setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
        _exit(97);
}

/* A read-only output directory (as nobody when the test runs as root, who may write
 * anywhere): exit 1 and a message naming the directory; nothing written. */
static void test_read_only_output_directory_fails_naming_it(void **state)
{
    (void)state;
    char sub[128], target[160];
    snprintf(sub, sizeof sub, "%s/readonly", dir);
    assert_int_equal(mkdir(sub, 0555), 0);
    assert_int_equal(chmod(sub, 0555), 0);
    assert_int_equal(chmod(out_txt, 0666), 0);
    assert_int_equal(chmod(err_txt, 0666), 0);
    snprintf(target, sizeof target, "%s/x.h5", sub);
    const char *args[] = {"scenarios/base.cfg", SMALL_RUN, "-o", target, NULL};
    int status = run_child(cli_run, "run", args, NULL, become_nobody, NULL, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 97)
        skip(); /* cannot become nobody */
    assert_exit(status, CLI_EXIT_FAIL);
    assert_stderr_has(sub);
    assert_int_equal(other_entries(sub, NULL), 0);
    assert_int_equal(chmod(sub, 0755), 0);
}

/* ---- a run killed midway ------------------------------------------------------------------ */

/* SIGKILL cannot be caught: the run dies where it is. The file already at the target stays
 * as it was; the only other file it may leave is its temporary file, of the documented name
 * .<target name>.tmp.<pid>.<n> (docs/results.md). */
static void test_killed_run_keeps_the_previous_file(void **state)
{
    (void)state;
    char sub[128], target[160];
    target_dir("killed", sub, sizeof sub, target, sizeof target);
    const char *args[] = {"scenarios/base.cfg", "-r", "5000", "-j", "1", "--quiet",
                          "--set", "run.population=300", "--set", "run.horizon_years=1",
                          "--set", "run.warmup_years=0", "-o", target, NULL};
    int status = run_child(cli_run, "run", args, NULL, NULL, NULL, 1500);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_same_file(previous, target);
    DIR *dp = opendir(sub);
    assert_non_null(dp);
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "target.h5"))
            continue;
        if (strncmp(e->d_name, ".target.h5.tmp.", 15) != 0)
            fail_msg("a killed run left %s/%s", sub, e->d_name);
    }
    closedir(dp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_file_too_big_keeps_the_previous_file),
        cmocka_unit_test(test_report_to_full_device_fails),
        cmocka_unit_test(test_params_markdown_to_full_device_fails),
        cmocka_unit_test(test_validate_to_full_device_fails),
        cmocka_unit_test(test_read_only_output_directory_fails_naming_it),
        cmocka_unit_test(test_killed_run_keeps_the_previous_file),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
