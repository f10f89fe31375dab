/* tests/test_bad.c — the bad-input catalogue (tests/bad/README.md): every case of
 * tests/bad/cases/ gives the caresim built with this test one bad input, and must end with
 * the exit status it states, print each of its expected lines on stderr, not crash (no
 * signal, no sanitizer report) and leave nothing behind where the command writes.
 *
 * Each case runs in a fresh directory under $TMPDIR (or /tmp) holding only symbolic links
 * `tests` and `scenarios` to the repository's, so the paths in messages read as from the
 * repository root, plus copies of the files its `setup:` line names (generated fixtures, or
 * repository files given by their path); afterwards
 * the directory must hold nothing else (no results file, no results/ or plots directory,
 * no temporary file). caresim is <build>/caresim beside this program's tests/ directory
 * (build/ for `make check`, build/asan/ for `make asan`). The fixtures are made once:
 * results.h5 (`caresim run tests/bad/files/tiny.cfg`: 200 persons, 1 year), compare.h5 (it
 * against tiny_alt.cfg), truncated.h5 (results.h5 cut to 4096 bytes), foreign.h5 (an HDF5
 * file of another program, written here with the HDF5 C API) and no_scenarios.h5
 * (results.h5 without its /scenarios group).
 */
#define _GNU_SOURCE /* asprintf */
#include "tests/testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>

#define CASES_DIR "tests/bad/cases"
#define MIN_CASES 60        /* the catalogue may grow, not silently shrink */
#define MAX_ARGS 40         /* words on an args: line */
#define MAX_LINES 8         /* error: lines of a case */
#define MAX_SETUP 4         /* fixtures of a case */
#define CASE_TIMEOUT_S 120  /* a case still running after this is killed (SIGALRM) */

/* One case, as read from its file. */
struct bad_case {
    char name[NAME_MAX + 1];      /* file name without .case */
    char *what;                   /* the first comment: what is wrong */
    char *args[MAX_ARGS + 1];     /* caresim's arguments, NULL-terminated */
    int nargs;
    int status;                   /* expected exit status */
    char *lines[MAX_LINES];       /* expected stderr lines ("..." at the end: a prefix) */
    int nlines;
    char *setup[MAX_SETUP];       /* generated fixtures copied into the case's directory */
    int nsetup;
};

static struct {
    char root[PATH_MAX];          /* the repository */
    char caresim[PATH_MAX + 16];  /* the binary under test */
    char work[PATH_MAX];          /* temporary directory of this run */
    char fixtures[PATH_MAX + 16]; /* work/fixtures */
    struct bad_case *cases;
    size_t ncases;
} g;

/* ---- reading the cases ------------------------------------------------------------------- */

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The repository root (the first directory above dir holding CASES_DIR) into root. */
static void find_root(const char *dir, char *root, size_t size)
{
    snprintf(root, size, "%s", dir);
    for (;;) {
        char probe[PATH_MAX + 32];
        snprintf(probe, sizeof probe, "%s/" CASES_DIR, root);
        if (is_dir(probe))
            return;
        char *s = strrchr(root, '/');
        if (!s || s == root)
            fail_msg("no " CASES_DIR " in any directory above %s", dir);
        *s = '\0';
    }
}

/* Splits s into words at blanks; '...' quotes a word (which may be empty or hold blanks). */
static void split_args(struct bad_case *c, char *s)
{
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (c->nargs == MAX_ARGS)
            fail_msg("%s: more than %d arguments", c->name, MAX_ARGS);
        char *w = s, *o = s;
        if (*s == '\'') {
            char *e = strchr(s + 1, '\'');
            if (!e)
                fail_msg("%s: unclosed quote in args", c->name);
            *e = '\0';
            w = s + 1;
            s = e + 1;
        } else {
            while (*s && *s != ' ' && *s != '\t')
                s++;
            if (*s)
                *s++ = '\0';
            w = o;
        }
        c->args[c->nargs++] = strdup(w);
    }
}

static char *rstrip(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
    return s;
}

/* Reads path into c; fails the test on a malformed case. */
static void parse_case(const char *path, struct bad_case *c)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("%s: cannot read", path);
    char *line = NULL;
    size_t cap = 0;
    int have_args = 0, have_status = 0;
    while (getline(&line, &cap, f) >= 0) {
        char *l = rstrip(line);
        if (!*l)
            continue;
        if (l[0] == '#') {
            if (!c->what)
                c->what = strdup(l + 1 + (l[1] == ' '));
        } else if (strncmp(l, "args:", 5) == 0) {
            split_args(c, l + 5);
            have_args = 1;
        } else if (strncmp(l, "status:", 7) == 0) {
            c->status = atoi(l + 7);
            have_status = 1;
        } else if (strncmp(l, "error: ", 7) == 0 && c->nlines < MAX_LINES) {
            c->lines[c->nlines++] = strdup(l + 7);
        } else if (strncmp(l, "setup:", 6) == 0) {
            char *save = NULL;
            for (char *w = strtok_r(l + 6, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                if (c->nsetup == MAX_SETUP)
                    fail_msg("%s: more than %d fixtures", path, MAX_SETUP);
                c->setup[c->nsetup++] = strdup(w);
            }
        } else {
            fail_msg("%s: cannot read the line '%s'", path, l);
        }
    }
    free(line);
    fclose(f);
    if (!c->what || !have_args || !have_status || c->nlines == 0)
        fail_msg("%s: a case needs a # comment, args:, status: and at least one error: line",
                 path);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct bad_case *)a)->name, ((const struct bad_case *)b)->name);
}

static void load_cases(void)
{
    char dir[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/" CASES_DIR, g.root);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".case") != 0)
            continue;
        if (g.ncases == cap) {
            cap = cap ? cap * 2 : 64;
            g.cases = realloc(g.cases, cap * sizeof *g.cases);
            assert_non_null(g.cases);
        }
        struct bad_case *c = &g.cases[g.ncases++];
        memset(c, 0, sizeof *c);
        snprintf(c->name, sizeof c->name, "%.*s", (int)(n - 5), e->d_name);
        char path[PATH_MAX + NAME_MAX + 40];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        parse_case(path, c);
    }
    closedir(d);
    qsort(g.cases, g.ncases, sizeof *g.cases, by_name);
}

/* ---- running caresim ---------------------------------------------------------------------- */

/* A fresh directory work/NAME with the links tests and scenarios. */
static void make_case_dir(const char *name, char *dir, size_t size)
{
    snprintf(dir, size, "%s/%s", g.work, name);
    assert_int_equal(mkdir(dir, 0700), 0);
    static const char *const links[] = {"tests", "scenarios"};
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        char target[PATH_MAX + 16], link[PATH_MAX + 16];
        snprintf(target, sizeof target, "%s/%s", g.root, links[i]);
        snprintf(link, sizeof link, "%s/%s", dir, links[i]);
        assert_int_equal(symlink(target, link), 0);
    }
}

/* Runs caresim ARGS in dir, stdout and stderr to out and err. Returns the wait status. */
static int run_in(const char *dir, char *const *args, const char *out, const char *err)
{
    char *argv[MAX_ARGS + 2] = {g.caresim};
    for (int i = 0; args[i] && i < MAX_ARGS; i++)
        argv[i + 1] = args[i];
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0 || chdir(dir) != 0)
            _exit(126);
        dup2(fo, STDOUT_FILENO);
        dup2(fe, STDERR_FILENO);
        close(fo);
        close(fe);
        alarm(CASE_TIMEOUT_S); /* kept across exec: a case that hangs dies of SIGALRM */
        execv(g.caresim, argv);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    return st;
}

/* ---- fixtures ----------------------------------------------------------------------------- */

/* Runs a caresim command that must succeed, writing into the fixtures directory. */
static void make_with_caresim(const char *name, char *const *args)
{
    char dir[PATH_MAX + 64], out[PATH_MAX + 64], err[PATH_MAX + 64];
    make_case_dir(name, dir, sizeof dir);
    snprintf(out, sizeof out, "%s/%s.out", g.work, name);
    snprintf(err, sizeof err, "%s/%s.err", g.work, name);
    int st = run_in(dir, args, out, err);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char *text = testutil_slurp(err, NULL);
        fail_msg("fixture %s: caresim failed:\n%s", name, text);
    }
}

static void make_truncated(void)
{
    char from[PATH_MAX + 32], to[PATH_MAX + 32];
    snprintf(from, sizeof from, "%s/results.h5", g.fixtures);
    snprintf(to, sizeof to, "%s/truncated.h5", g.fixtures);
    testutil_copy_file(from, to);
    assert_int_equal(truncate(to, 4096), 0);
}

/* An HDF5 file of another program: one dataset of three doubles at the root. */
static void make_foreign(void)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/foreign.h5", g.fixtures);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    hsize_t dims[1] = {3};
    double v[3] = {1.0, 2.0, 3.0};
    hid_t sp = H5Screate_simple(1, dims, NULL);
    hid_t d = H5Dcreate2(f, "/measurements", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    assert_true(sp >= 0 && d >= 0);
    assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
    assert_true(H5Fclose(f) >= 0);
}

/* results.h5 without its /scenarios group. */
static void make_no_scenarios(void)
{
    char from[PATH_MAX + 32], to[PATH_MAX + 32];
    snprintf(from, sizeof from, "%s/results.h5", g.fixtures);
    snprintf(to, sizeof to, "%s/no_scenarios.h5", g.fixtures);
    testutil_copy_file(from, to);
    hid_t f = H5Fopen(to, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Ldelete(f, "/scenarios", H5P_DEFAULT) >= 0);
    assert_true(H5Fclose(f) >= 0);
}

static void make_fixtures(void)
{
    snprintf(g.fixtures, sizeof g.fixtures, "%s/fixtures", g.work);
    assert_int_equal(mkdir(g.fixtures, 0700), 0);
    char results[PATH_MAX + 32], compare[PATH_MAX + 32];
    snprintf(results, sizeof results, "%s/results.h5", g.fixtures);
    snprintf(compare, sizeof compare, "%s/compare.h5", g.fixtures);
    char *run[] = {"run", "tests/bad/files/tiny.cfg", "-q", "-o", results, NULL};
    char *cmp[] = {"compare", "tests/bad/files/tiny.cfg", "tests/bad/files/tiny_alt.cfg",
                   "-q", "-o", compare, NULL};
    make_with_caresim("fixture-results", run);
    make_with_caresim("fixture-compare", cmp);
    make_truncated();
    make_foreign();
    make_no_scenarios();
}

/* ---- checking a case ---------------------------------------------------------------------- */

/* Whether want is a line of text ("..." at the end of want: a line starting with the rest). */
static int has_line(const char *text, const char *want)
{
    size_t n = strlen(want);
    int prefix = n >= 3 && strcmp(want + n - 3, "...") == 0;
    if (prefix)
        n -= 3;
    for (const char *l = text; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        if ((prefix ? len >= n : len == n) && strncmp(l, want, n) == 0)
            return 1;
        if (!e)
            break;
        l = e + 1;
    }
    return 0;
}

/* The name in the case's directory of a setup: word: a generated fixture's own name, or the
 * last component of a repository path. */
static const char *setup_name(const char *word)
{
    const char *slash = strrchr(word, '/');
    return slash ? slash + 1 : word;
}

/* Entries of dir other than the links and the fixtures copied in, as one line ("" if none). */
static void leftovers(const char *dir, const struct bad_case *c, char *buf, size_t size)
{
    buf[0] = '\0';
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    size_t used = 0;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        int expected = !strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "tests") ||
                       !strcmp(n, "scenarios");
        for (int i = 0; i < c->nsetup && !expected; i++)
            expected = strcmp(n, setup_name(c->setup[i])) == 0;
        if (!expected && used + 1 < size)
            used += (size_t)snprintf(buf + used, size - used, " %s", n);
    }
    closedir(d);
}

static void run_case(void **state)
{
    const struct bad_case *c = *state;
    char dir[PATH_MAX + NAME_MAX + 8], out[sizeof dir + 8], err[sizeof dir + 8];
    make_case_dir(c->name, dir, sizeof dir);
    snprintf(out, sizeof out, "%s.out", dir);
    snprintf(err, sizeof err, "%s.err", dir);
    for (int i = 0; i < c->nsetup; i++) {
        char from[PATH_MAX + NAME_MAX + 40], to[sizeof dir + NAME_MAX + 8];
        snprintf(from, sizeof from, "%s/%s", strchr(c->setup[i], '/') ? g.root : g.fixtures,
                 c->setup[i]);
        snprintf(to, sizeof to, "%s/%s", dir, setup_name(c->setup[i]));
        testutil_copy_file(from, to);
    }
    int st = run_in(dir, c->args, out, err);
    char *text = testutil_slurp(err, NULL);
    int bad = 0;
    if (WIFSIGNALED(st)) {
        print_error("%s: killed by signal %d\n", c->name, WTERMSIG(st));
        bad = 1;
    } else if (WEXITSTATUS(st) != c->status) {
        print_error("%s: exit status %d, expected %d\n", c->name, WEXITSTATUS(st), c->status);
        bad = 1;
    }
    for (int i = 0; i < c->nlines; i++)
        if (!has_line(text, c->lines[i])) {
            print_error("%s: no stderr line '%s'\n", c->name, c->lines[i]);
            bad = 1;
        }
    if (strstr(text, "Sanitizer") || strstr(text, "runtime error:")) {
        print_error("%s: a sanitizer reported a problem\n", c->name);
        bad = 1;
    }
    char left[1024];
    leftovers(dir, c, left, sizeof left);
    if (left[0]) {
        print_error("%s: left behind:%s\n", c->name, left);
        bad = 1;
    }
    if (bad)
        fail_msg("%s (%s); its stderr:\n%s", c->name, c->what, text);
    free(text);
}

/* The catalogue holds at least MIN_CASES cases, with distinct names. */
static void test_catalogue_has_enough_cases(void **state)
{
    (void)state;
    if (g.ncases < MIN_CASES)
        fail_msg("%zu cases in " CASES_DIR ", expected at least %d", g.ncases, MIN_CASES);
}

/* ---- set-up ------------------------------------------------------------------------------- */

static void find_binary(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    assert_true(n > 0);
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) { /* <build>/tests/test_bad -> <build> */
        char *slash = strrchr(exe, '/');
        assert_true(slash && slash != exe);
        *slash = '\0';
    }
    snprintf(g.caresim, sizeof g.caresim, "%s/caresim", exe);
    if (access(g.caresim, X_OK) != 0)
        fail_msg("%s: not built (make builds it before the tests)", g.caresim);
    find_root(exe, g.root, sizeof g.root);
}

static int group_setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(g.work, sizeof g.work, "%s/caresim-bad.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(g.work));
    make_fixtures();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    testutil_remove_tree(g.work);
    return 0;
}

int main(void)
{
    find_binary();
    load_cases();
    struct CMUnitTest *tests = calloc(g.ncases + 1, sizeof *tests);
    assert_non_null(tests);
    tests[0] = (struct CMUnitTest)cmocka_unit_test(test_catalogue_has_enough_cases);
    for (size_t i = 0; i < g.ncases; i++)
        tests[i + 1] = (struct CMUnitTest){.name = g.cases[i].name,
                                           .test_func = run_case,
                                           .initial_state = &g.cases[i]};
    int rc = _cmocka_run_group_tests("bad inputs", tests, g.ncases + 1, group_setup,
                                     group_teardown);
    free(tests);
    return rc;
}
