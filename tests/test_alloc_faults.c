/* tests/test_alloc_faults.c — allocation failure at the allocation sites of small runs of
 * caresim's commands (run, compare, psa, report, export, validate): each must end with
 * status 1 or 2 and an "out of memory" message, leave no results file or temporary file
 * behind, free everything it allocated, and not crash. A run may instead do without the
 * allocation (a cache, a shrink, a faster path) if it then succeeds with exactly the
 * output of a run without failure (stdout but its timing line, and the files it writes
 * other than HDF5): a status 0 with other output is a silently wrong result.
 *
 * Linked with tests/fault/alloc_fault.c and -Wl,--wrap (Makefile), so the n-th allocation
 * made by caresim's objects can be made to fail. Each command is first run with no failure
 * to count its allocations N and record the call site of each; then, in a forked child per
 * case (a crash is reported, not fatal to the test), allocation k fails for every k that
 * is the first allocation made at its call site, plus about STRIDE_RUNS more spread evenly
 * over 1..N.
 * With CARESIM_ALLOC_FAULTS_ALL=1 in the environment every k = 1..N is failed instead
 * (slow); CARESIM_ALLOC_FAULT_ONLY=k fails allocation k alone, CARESIM_TEST_FILTER="*run*"
 * runs the matching tests only (for debugging: a wrong case prints the stack of the failed
 * allocation as binary+offset, for addr2line). Runs use -j 1, so allocation k is the same
 * allocation every time.
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tests/fault/alloc_fault.h"

#define MAX_ALLOCS 400000 /* recorded sites per counting run */
#define STRIDE_RUNS 25    /* about this many failures spread evenly over 1..N as well */

/* A small run: 200 persons for one year, no warm-up, two replications on one thread. */
#define SMALL_RUN "-r", "2", "-j", "1", "--quiet", "--set", "run.population=200", "--set", \
                  "run.horizon_years=1", "--set", "run.warmup_years=0"

static char dir[64];     /* temporary directory of the whole test */
static char out_dir[96]; /* where the commands under test write; emptied before each case */
static char prepared[128]; /* a compare results file made once for report and export */
static char err_txt[128], out_txt[128];

/* One command line to fail at every site. */
struct fault_case {
    int (*cmd)(int, char **);
    const char *name;
    const char *args[32]; /* NULL-terminated; "@" stands for out_dir */
    int keeps_complete_files; /* export: files written whole before the failure may stay */
};

/* Child exit codes of one failing case. */
enum outcome {
    OUT_OK = 0,         /* failed with the message, nothing left behind */
    OUT_RECOVERED = 1,  /* did without the allocation: status 0, same output */
    OUT_NOT_FIRED = 10, /* the run made fewer than k allocations */
    OUT_STATUS = 11,    /* exit status not 1 or 2 */
    OUT_MESSAGE = 12,   /* no "out of memory" on stderr */
    OUT_FILES = 13,     /* a results or temporary file left behind */
    OUT_LEAK = 14,      /* allocations not freed */
    OUT_CHANGED = 15,   /* status 0 but output unlike the run without failure */
};

/* What a run without failure printed and wrote (fingerprint_outputs); a run that recovers
 * from the failure (status 0) must match it. */
static uint64_t reference;

static const char *outcome_text(int code)
{
    switch (code) {
    case OUT_NOT_FIRED: return "the failure did not happen";
    case OUT_STATUS: return "status not 1 or 2";
    case OUT_MESSAGE: return "no \"out of memory\" on stderr";
    case OUT_FILES: return "a file was left in the output directory";
    case OUT_LEAK: return "allocations leaked";
    case OUT_CHANGED: return "status 0 with output unlike the run without failure";
    default: return "unexpected exit";
    }
}

/* Prints addr as binary+offset (for addr2line -e BINARY OFFSET). */
static void print_site(const char *what, void *addr)
{
    Dl_info info;
    if (dladdr(addr, &info) && info.dli_fname)
        print_message("  %s: %s+0x%lx (%s)\n", what, info.dli_fname,
                      (unsigned long)((char *)addr - (char *)info.dli_fbase),
                      info.dli_sname ? info.dli_sname : "?");
    else
        print_message("  %s: %p\n", what, addr);
}

static void print_failed_stack(void)
{
    void *stack[12];
    size_t n = alloc_fault_failed_stack(stack, 12);
    for (size_t i = 0; i < n; i++)
        print_site("from", stack[i]);
}

static int make_dirs(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/caresim_allocfault_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(out_dir, sizeof out_dir, "%s/out", dir);
    snprintf(prepared, sizeof prepared, "%s/prepared.h5", dir);
    snprintf(err_txt, sizeof err_txt, "%s/stderr.txt", dir);
    snprintf(out_txt, sizeof out_txt, "%s/stdout.txt", dir);
    const char *args[] = {"scenarios/base.cfg", "scenarios/gatekeeping.cfg", SMALL_RUN,
                          "-o", prepared, NULL};
    return testutil_run_args(cli_compare, "compare", args, out_txt, err_txt) == 0 ? 0 : -1;
}

static int remove_dirs(void **state)
{
    (void)state;
    return testutil_remove_tree(dir);
}

static void fresh_out_dir(void)
{
    assert_int_equal(testutil_remove_tree(out_dir), 0);
    assert_int_equal(mkdir(out_dir, 0755), 0);
}

/* Files left in out_dir: all of them, or (keeps_complete_files) the hidden temporary ones. */
static int stray_files(int keeps_complete_files)
{
    DIR *d = opendir(out_dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            (!keeps_complete_files || e->d_name[0] == '.'))
            n++;
    closedir(d);
    return n;
}

static uint64_t fnv1a_file(uint64_t h, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return h ^ 1;
    int ch;
    while ((ch = getc(f)) != EOF)
        h = (h ^ (uint64_t)ch) * 1099511628211ull;
    fclose(f);
    return h;
}

/* The hash of a command's stdout without its timings: each line is taken up to any
 * "ran in " ("ran in 0.3 s on 1 thread...", "base: ...; ran in 0.1 s"). */
static uint64_t fnv1a_stdout(uint64_t h, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return h ^ 1;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char *timing = strstr(line, "ran in ");
        if (timing)
            *timing = '\0';
        for (const char *c = line; *c; c++)
            h = (h ^ (uint64_t)(unsigned char)*c) * 1099511628211ull;
    }
    fclose(f);
    return h;
}

static int not_hdf5(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && !(n > 3 && strcmp(e->d_name + n - 3, ".h5") == 0);
}

/* A hash of the last run's stdout (but its timing) and of the names and contents of the files in out_dir
 * except results files (HDF5: they hold times and the host). */
static uint64_t fingerprint_outputs(void)
{
    uint64_t h = fnv1a_stdout(14695981039346656037ull, out_txt);
    struct dirent **names;
    int n = scandir(out_dir, &names, not_hdf5, alphasort);
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", out_dir, names[i]->d_name);
        for (const char *c = names[i]->d_name; *c; c++)
            h = (h ^ (uint64_t)(unsigned char)*c) * 1099511628211ull;
        h = fnv1a_file(h, path);
        free(names[i]);
    }
    if (n >= 0)
        free(names);
    return h;
}

/* Runs the case with allocation fail_at failing (0: none); stdout and stderr to files.
 * sites (may be NULL) gets the allocation sites. Returns the command's status; *count gets
 * the number of allocations. */
static int run_case(const struct fault_case *c, size_t fail_at, void **sites, size_t *count)
{
    char *argv[34];
    int argc = 0;
    argv[argc++] = (char *)c->name;
    for (const char *const *a = c->args; *a; a++)
        argv[argc++] = (char *)(strcmp(*a, "@") == 0 ? out_dir : *a);
    argv[argc] = NULL;
    alloc_fault_start(fail_at, sites, MAX_ALLOCS);
    int rc = testutil_run_captured(c->cmd, argc, argv, out_txt, err_txt);
    *count = alloc_fault_stop();
    return rc;
}

/* 1 if the file at path contains text (no cmocka assertion: for the child processes). */
static int file_contains(const char *path, const char *text)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, text) != NULL;
    fclose(f);
    return found;
}

/* In a child: fails allocation k and checks the outcome; returns an enum outcome. */
static int child_outcome(const struct fault_case *c, size_t k)
{
    size_t live_before = alloc_fault_live(), n;
    int rc = run_case(c, k, NULL, &n);
    if (!alloc_fault_fired())
        return OUT_NOT_FIRED;
    if (rc == 0) { /* recovered (a cache or a shrink it could do without): same results */
        if (fingerprint_outputs() != reference) {
            char cmd[512];
            snprintf(cmd, sizeof cmd, "diff %s.reference %s | grep -v 'ran in' | head -n 20",
                     out_txt, out_txt);
            if (system(cmd) < 0)
                print_message("  (diff of stdout failed)\n");
            return OUT_CHANGED;
        }
    } else {
        if (rc != CLI_EXIT_FAIL && rc != CLI_EXIT_USAGE)
            return OUT_STATUS;
        if (!file_contains(err_txt, "out of memory"))
            return OUT_MESSAGE;
        if (stray_files(c->keeps_complete_files))
            return OUT_FILES;
    }
    if (alloc_fault_live() != live_before) {
        void *left[8];
        size_t n_left = alloc_fault_live_sites(left, 8);
        for (size_t i = 0; i < n_left; i++)
            print_site("still allocated at", left[i]);
        return OUT_LEAK;
    }
    return rc == 0 ? OUT_RECOVERED : OUT_OK;
}

/* The child's crash handler: where the failed allocation was, then the crash itself. Not
 * async-signal-safe, but the child is dying anyway. */
static void crashed(int sig)
{
    print_failed_stack();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* In a child: runs the case failing allocation k; on a wrong outcome prints the stack of
 * the failed allocation. Exits with the enum outcome. */
static void child_check(const struct fault_case *c, size_t k)
{
    /* cmocka catches these to fail the test and go on with the next: in the child, a crash
     * must end the child, for the parent to report. */
    static const int crashes[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    for (size_t i = 0; i < sizeof crashes / sizeof *crashes; i++)
        signal(crashes[i], crashed);
    int outcome = child_outcome(c, k);
    if (outcome != OUT_OK && outcome != OUT_RECOVERED)
        print_failed_stack();
    _exit(outcome);
}

struct site_index {
    void *site;
    size_t k; /* allocation number, from 1 */
};

static int by_site_then_number(const void *a, const void *b)
{
    const struct site_index *x = a, *y = b;
    if (x->site != y->site)
        return x->site < y->site ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* pick[k] = 1 for the allocations to fail: the first of each call site and every
 * stride-th, or (all) every one. Returns the number of distinct sites. */
static size_t choose(void *const *sites, size_t n, size_t stride, int all, unsigned char *pick)
{
    struct site_index *v = calloc(n ? n : 1, sizeof *v);
    assert_non_null(v);
    for (size_t k = 1; k <= n; k++)
        v[k - 1] = (struct site_index){sites[k - 1], k};
    qsort(v, n, sizeof *v, by_site_then_number);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        int first = i == 0 || v[i - 1].site != v[i].site;
        distinct += first;
        pick[v[i].k] = (unsigned char)(all || first || v[i].k % stride == 0);
    }
    free(v);
    return distinct;
}

/* Counts the case's allocations, then fails each chosen one in a child process. */
static void check_case(const struct fault_case *c)
{
    void **sites = calloc(MAX_ALLOCS, sizeof *sites);
    assert_non_null(sites);
    size_t n;
    fresh_out_dir();
    int rc = run_case(c, 0, NULL, &n); /* first run: one-time initialisation */
    if (rc != 0)
        print_message("%s", testutil_slurp(err_txt, NULL));
    assert_int_equal(rc, 0);
    fresh_out_dir();
    size_t live_before = alloc_fault_live();
    assert_int_equal(run_case(c, 0, sites, &n), 0);
    assert_int_equal(alloc_fault_live(), live_before); /* a successful run frees all */
    reference = fingerprint_outputs();
    char keep[160];
    snprintf(keep, sizeof keep, "%s.reference", out_txt);
    assert_int_equal(rename(out_txt, keep), 0);
    assert_true(n <= MAX_ALLOCS);

    const char *all_env = getenv("CARESIM_ALLOC_FAULTS_ALL");
    int all = all_env && strcmp(all_env, "1") == 0;
    unsigned char *pick = calloc(n + 1, 1);
    assert_non_null(pick);
    size_t distinct = choose(sites, n, n / STRIDE_RUNS + 1, all, pick);
    const char *only = getenv("CARESIM_ALLOC_FAULT_ONLY"); /* debugging: fail just this one */
    if (only) {
        memset(pick, 0, n + 1);
        size_t k = strtoul(only, NULL, 10);
        if (k >= 1 && k <= n)
            pick[k] = 1;
    }

    size_t tried = 0, failed = 0, recovered = 0;
    for (size_t k = 1; k <= n; k++) {
        if (!pick[k])
            continue;
        tried++;
        fresh_out_dir();
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            child_check(c, k);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) == OUT_OK) {
            continue;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == OUT_RECOVERED) {
            recovered++;
            continue;
        }
        failed++;
        char *err = testutil_slurp(err_txt, NULL);
        if (WIFSIGNALED(status))
            print_message("%s: allocation %zu failing: killed by signal %d\n", c->name, k,
                          WTERMSIG(status));
        else
            print_message("%s: allocation %zu failing: %s (exit %d); stderr: %s\n", c->name, k,
                          outcome_text(WEXITSTATUS(status)), WEXITSTATUS(status), err);
        free(err);
        print_site("the failing allocation", sites[k - 1]);
    }
    free(sites);
    free(pick);
    print_message("%s: %zu allocations from %zu sites; %zu failed in turn (%zu recovered "
                  "with the same output), %zu wrong\n", c->name, n, distinct, tried, recovered,
                  failed);
    assert_int_equal(failed, 0);
}

static void test_run_fails_cleanly_at_every_allocation_site(void **state)
{
    (void)state;
    char target[128];
    snprintf(target, sizeof target, "%s/run.h5", out_dir);
    const struct fault_case c = {cli_run, "run", {"scenarios/base.cfg", SMALL_RUN, "-o",
                                                  target, NULL}, 0};
    check_case(&c);
}

static void test_compare_fails_cleanly_at_every_allocation_site(void **state)
{
    (void)state;
    char target[128];
    snprintf(target, sizeof target, "%s/compare.h5", out_dir);
    const struct fault_case c = {cli_compare, "compare",
                                 {"scenarios/base.cfg", "scenarios/gatekeeping.cfg", SMALL_RUN,
                                  "-o", target, NULL}, 0};
    check_case(&c);
}

static void test_psa_fails_cleanly_at_every_allocation_site(void **state)
{
    (void)state;
    char target[128];
    snprintf(target, sizeof target, "%s/psa.h5", out_dir);
    const struct fault_case c = {cli_psa, "psa",
                                 {"scenarios/base.cfg", "scenarios/gatekeeping.cfg", "-n", "3",
                                  SMALL_RUN, "-o", target, NULL}, 0};
    check_case(&c);
}

static void test_report_fails_cleanly_at_every_allocation_site(void **state)
{
    (void)state;
    const struct fault_case c = {cli_report, "report", {prepared, NULL}, 0};
    check_case(&c);
}

static void test_export_fails_cleanly_at_every_allocation_site(void **state)
{
    (void)state;
    const struct fault_case c = {cli_export, "export", {prepared, "--csv", "@", NULL}, 1};
    check_case(&c);
}

static void test_validate_fails_cleanly_at_every_allocation_site(void **state)
{
    (void)state;
    const struct fault_case c = {cli_validate, "validate", {"scenarios/gatekeeping.cfg", NULL},
                                 0};
    check_case(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_fails_cleanly_at_every_allocation_site),
        cmocka_unit_test(test_run_fails_cleanly_at_every_allocation_site),
        cmocka_unit_test(test_compare_fails_cleanly_at_every_allocation_site),
        cmocka_unit_test(test_psa_fails_cleanly_at_every_allocation_site),
        cmocka_unit_test(test_report_fails_cleanly_at_every_allocation_site),
        cmocka_unit_test(test_export_fails_cleanly_at_every_allocation_site),
    };
    const char *only = getenv("CARESIM_TEST_FILTER"); /* e.g. "*psa*" */
    if (only)
        cmocka_set_test_filter(only);
    return cmocka_run_group_tests(tests, make_dirs, remove_dirs);
}
