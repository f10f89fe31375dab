/* tests/test_tutorial.c — docs/tutorial.md, run: every caresim command of its ```sh blocks,
 * in order, and every claim of its `<!-- check: ... -->` comments against the results, so
 * the tutorial cannot silently rot. Reads docs/ and scenarios/ of the repository; runs the
 * caresim built with this test in a temporary directory under /tmp (removed afterwards).
 *
 * Conventions (docs/tutorial.md states them too):
 * - A command is a line of a ```sh block that starts with `caresim ` (or `build/caresim `,
 *   run as `caresim`); a line ending in a backslash continues on the next. Blank lines and
 *   `#` comments are skipped.
 * - Every other line of a ```sh block is the student's set-up and is not run, and it must
 *   be one of those in setup_line_ok() (so that no other kind of command slips in untested):
 *   `make demo` (it builds caresim and runs the full-size demonstration, a few minutes;
 *   the README's demo step runs it, and this test needs the caresim it built anyway),
 *   `export PATH=...` and `xdg-open FILE` (opens a page in the browser).
 * - Commands run one after another with /bin/sh -c in a fresh temporary directory that
 *   holds a symbolic link `scenarios` to the repository's scenarios/: the tutorial's paths
 *   are relative to the repository root, and what the commands write (results/, *.html,
 *   CSV directories) stays out of the repository. PATH starts with the directory of the
 *   caresim built with this test: build/caresim for `make check`, build/asan/caresim for
 *   `make asan` (the binary beside this program's tests/ directory).
 * - A check comment, on one line outside the code blocks, claims something about what the
 *   commands before it wrote:
 *     FILE NAME OUTCOME OP ...   NAME is a scenario (its summary table), a comparison
 *                                ALT_vs_BASE (its differences table) or sweep:N (row N of
 *                                /sweep/outcomes); OP is one of
 *       mean LO HI                 the scenario's mean, the alternative's mean or the
 *                                  point's value lies in [LO, HI]
 *       up | down | ns             the paired difference's 95% CI lies above 0, below 0,
 *                                  or includes 0 (comparisons)
 *       change LO HI               the relative change, in per cent, lies in [LO, HI]
 *                                  (comparisons)
 *     FILE html                  FILE is a complete HTML page with inline SVG figures and
 *                                nothing loaded from elsewhere
 *     stdout contains TEXT       the standard output of the last ```sh block before the
 *                                comment contains TEXT
 * The runs are deterministic (every scenario has seed 1): the ranges let small model
 * changes through; they are not tolerances for noise. A failed claim means the text (and
 * its numbers) must be measured again.
 *
 * On two idle cores the commands took 12 s with the release build and 31 s with the
 * sanitizer build (make asan); each command's time is printed, never asserted.
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output/results.h"
#include "sim/err.h"

#define TUTORIAL "docs/tutorial.md"

/* ---- the tutorial, parsed ------------------------------------------------------------------ */

enum item_kind { ITEM_COMMAND, ITEM_SETUP, ITEM_CHECK };

/* A command to run, a set-up line not run, or a check. */
struct item {
    enum item_kind kind;
    char *text;  /* the command (continuations joined), the set-up line, or the check's
                  * words after "check:" */
    int line;    /* line in docs/tutorial.md (1-based) where it starts */
    int block;   /* command or set-up: its ```sh block (0-based); check: the last ```sh
                  * block with a command before it (-1: none) */
    int section; /* the "## " heading it comes under (0: before the first) */
};

struct tutorial {
    struct item *items;
    size_t n, cap;
    int n_blocks;   /* ```sh blocks */
    int n_sections; /* "## " headings */
    char **section_titles; /* n_sections + 1 titles; [0] is "(preamble)" */
};

/* Where the repository and the programs are (absolute paths). */
struct paths {
    char root[PATH_MAX];    /* the repository: the first directory up from this program
                             * holding docs/tutorial.md */
    char bindir[PATH_MAX];  /* the directory of the caresim built with this test */
};

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = strndup(s, n);
    assert_non_null(d);
    return d;
}

static void add_item(struct tutorial *t, enum item_kind kind, char *text, int line, int block)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->items = realloc(t->items, t->cap * sizeof *t->items);
        assert_non_null(t->items);
    }
    t->items[t->n++] = (struct item){kind, text, line, block, t->n_sections};
}

/* s without leading and trailing white space, as a new string. */
static char *trimmed(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Splits the tutorial's text into items (see the conventions at the top). */
static void tutorial_parse(struct tutorial *t, const char *text)
{
    memset(t, 0, sizeof *t);
    t->section_titles = malloc(sizeof *t->section_titles);
    assert_non_null(t->section_titles);
    t->section_titles[0] = xstrdup("(preamble)");
    int in_sh = 0, in_other = 0, last_cmd_block = -1, lineno = 0;
    char *pending = NULL; /* a command continued with a backslash */
    int pending_line = 0;
    for (const char *p = text; *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *line = trimmed(p, len);
        lineno++;
        p += len + (eol != NULL);
        if (in_sh || in_other) {
            if (strcmp(line, "```") == 0) {
                if (pending)
                    fail_msg(TUTORIAL ":%d: the command ends in a backslash at the end of "
                             "its block", pending_line);
                in_sh = in_other = 0;
            } else if (in_sh && (pending || *line) && line[0] != '#') {
                size_t l = strlen(line);
                int more = l && line[l - 1] == '\\';
                if (more)
                    line[--l] = '\0';
                if (pending) {
                    char *joined = NULL;
                    assert_true(asprintf(&joined, "%s %s", pending, line) >= 0);
                    free(pending);
                    pending = joined;
                } else {
                    pending = xstrdup(line);
                    pending_line = lineno;
                }
                if (!more) {
                    char *cmd = pending;
                    pending = NULL;
                    if (starts_with(cmd, "build/caresim ")) {
                        char *c = xstrdup(cmd + strlen("build/"));
                        free(cmd);
                        cmd = c;
                    }
                    if (starts_with(cmd, "caresim ")) {
                        add_item(t, ITEM_COMMAND, cmd, pending_line, t->n_blocks - 1);
                        last_cmd_block = t->n_blocks - 1;
                    } else {
                        add_item(t, ITEM_SETUP, cmd, pending_line, t->n_blocks - 1);
                    }
                }
            }
        } else if (starts_with(line, "```sh")) {
            in_sh = 1;
            t->n_blocks++;
        } else if (starts_with(line, "```")) {
            in_other = 1;
        } else if (starts_with(line, "## ")) {
            t->n_sections++;
            t->section_titles =
                realloc(t->section_titles, (t->n_sections + 1) * sizeof *t->section_titles);
            assert_non_null(t->section_titles);
            t->section_titles[t->n_sections] = xstrdup(line + 3);
        } else if (starts_with(line, "<!-- check:")) {
            const char *b = line + strlen("<!-- check:"), *e = strstr(b, "-->");
            if (!e)
                fail_msg(TUTORIAL ":%d: a check comment must end on its line with -->", lineno);
            add_item(t, ITEM_CHECK, trimmed(b, (size_t)(e - b)), lineno, last_cmd_block);
        }
        free(line);
    }
    if (in_sh || in_other)
        fail_msg(TUTORIAL ": a code block is not closed");
}

static void tutorial_fini(struct tutorial *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->items[i].text);
    free(t->items);
    for (int i = 0; i <= t->n_sections; i++)
        free(t->section_titles[i]);
    free(t->section_titles);
    memset(t, 0, sizeof *t);
}

/* ---- locating the repository and caresim --------------------------------------------------- */

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void find_paths(struct paths *ps)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    assert_true(n > 0);
    exe[n] = '\0';
    /* <build>/tests/test_tutorial: caresim is <build>/caresim. */
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        assert_true(slash && slash != exe);
        *slash = '\0';
    }
    memcpy(ps->bindir, exe, strlen(exe) + 1);
    char caresim[PATH_MAX + 16];
    snprintf(caresim, sizeof caresim, "%s/caresim", ps->bindir);
    if (!is_file(caresim) || access(caresim, X_OK) != 0)
        fail_msg("%s: not built (make builds it before the tests)", caresim);
    /* The repository: up from the program's directory. */
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", ps->bindir);
    for (;;) {
        char doc[PATH_MAX + 32];
        snprintf(doc, sizeof doc, "%s/" TUTORIAL, dir);
        if (is_file(doc))
            break;
        char *s = strrchr(dir, '/');
        if (!s || s == dir)
            fail_msg("no " TUTORIAL " in any directory above %s", ps->bindir);
        *s = '\0';
    }
    snprintf(ps->root, sizeof ps->root, "%s", dir);
}

static void load_tutorial(const struct paths *ps, struct tutorial *t)
{
    char doc[PATH_MAX + 32];
    snprintf(doc, sizeof doc, "%s/" TUTORIAL, ps->root);
    char *text = testutil_slurp(doc, NULL);
    tutorial_parse(t, text);
    free(text);
}

/* ---- running the commands (once, shared by the tests) ------------------------------------- */

static struct {
    int done;              /* the commands have run */
    struct paths ps;
    struct tutorial t;
    char dir[64];          /* the temporary working directory */
    int *status;           /* per item: the command's exit status (-1: not a command) */
    double seconds_total;  /* wall-clock time of all commands (printed only) */
} run;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Path of the captured stdout or stderr ("out" or "err") of item i. */
static void capture_path(char *buf, size_t size, size_t i, const char *which)
{
    snprintf(buf, size, "%s/.cmd%03zu.%s", run.dir, i, which);
}

/* Runs cmd with /bin/sh in run.dir, PATH starting with the caresim's directory, stdout and
 * stderr to the capture files of item i. Returns the exit status (128 + signal when
 * killed). */
static int run_shell(size_t i, const char *cmd)
{
    char out[128], err[128];
    capture_path(out, sizeof out, i, "out");
    capture_path(err, sizeof err, i, "err");
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0 || chdir(run.dir) != 0)
            _exit(126);
        dup2(fo, STDOUT_FILENO);
        dup2(fe, STDERR_FILENO);
        close(fo);
        close(fe);
        const char *old = getenv("PATH");
        char *path = NULL;
        if (asprintf(&path, "%s:%s", run.ps.bindir, old ? old : "/usr/bin:/bin") < 0 ||
            setenv("PATH", path, 1) != 0)
            _exit(126);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void run_free(void)
{
    if (run.dir[0])
        testutil_remove_tree(run.dir);
    tutorial_fini(&run.t);
    free(run.status);
    out_library_close();
}

static void run_tutorial(void)
{
    if (run.done)
        return;
    run.done = 1;
    atexit(run_free);
    find_paths(&run.ps);
    load_tutorial(&run.ps, &run.t);
    snprintf(run.dir, sizeof run.dir, "/tmp/caresim-test-tutorial-XXXXXX");
    assert_non_null(mkdtemp(run.dir));
    char scen[PATH_MAX + 16], link[128];
    snprintf(scen, sizeof scen, "%s/scenarios", run.ps.root);
    snprintf(link, sizeof link, "%s/scenarios", run.dir);
    assert_int_equal(symlink(scen, link), 0);
    run.status = malloc((run.t.n ? run.t.n : 1) * sizeof *run.status);
    assert_non_null(run.status);
    double t0 = now_seconds();
    for (size_t i = 0; i < run.t.n; i++) {
        run.status[i] = -1;
        if (run.t.items[i].kind != ITEM_COMMAND)
            continue;
        double s = now_seconds();
        run.status[i] = run_shell(i, run.t.items[i].text);
        print_message("%6.1f s  exit %d  " TUTORIAL ":%d: %s\n", now_seconds() - s,
                      run.status[i], run.t.items[i].line, run.t.items[i].text);
    }
    run.seconds_total = now_seconds() - t0;
    print_message("%6.1f s  all commands\n", run.seconds_total);
}

/* The last lines of a file, for failure messages (malloc'ed). */
static char *file_tail(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return xstrdup("(no output)");
    fclose(f);
    size_t n = 0;
    char *all = testutil_slurp(path, &n);
    if (n > max) {
        memmove(all, all + n - max, max + 1);
    }
    return all;
}

/* ---- checking the claims ------------------------------------------------------------------ */

/* Appends a line to the growing failure report *rep. */
static void report_add(char **rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report_add(char **rep, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = NULL;
    assert_true(vasprintf(&line, fmt, ap) >= 0);
    va_end(ap);
    char *joined = NULL;
    assert_true(asprintf(&joined, "%s%s\n", *rep ? *rep : "", line) >= 0);
    free(*rep);
    free(line);
    *rep = joined;
}

/* The words of a check, split on white space (at most 8); returns their number. */
static int split_words(char *s, char **w, int max)
{
    int n = 0;
    for (char *tok = strtok(s, " \t"); tok && n < max; tok = strtok(NULL, " \t"))
        w[n++] = tok;
    return n;
}

static int parse_number(const char *s, double *x)
{
    char *end = NULL;
    errno = 0;
    *x = strtod(s, &end);
    return errno == 0 && end != s && *end == '\0' ? 0 : -1;
}

/* Reads the value a check looks at: *v gets, for a scenario, its mean; for a comparison the
 * field `field` of its differences row; for sweep:N the outcome's value at point N.
 * Returns NULL, or an error message (malloc'ed). */
static char *read_value(const char *file, const char *name, const char *outcome,
                        const char *field, double *v)
{
    char path[PATH_MAX + 256], dataset[512];
    snprintf(path, sizeof path, "%s/%s", run.dir, file);
    struct sim_err e;
    sim_err_clear(&e);
    char *msg = NULL;
    struct out_file *f = out_file_open(path, &e);
    if (!f) {
        assert_true(asprintf(&msg, "%s", e.msg) >= 0);
        return msg;
    }
    if (starts_with(name, "sweep:")) {
        double row;
        struct out_table *t = NULL;
        if (parse_number(name + 6, &row) != 0 || row < 0 || row != floor(row)) {
            assert_true(asprintf(&msg, "bad point %s", name) >= 0);
        } else if (out_file_read_table(f, "/sweep/outcomes", &t, &e) != 0) {
            assert_true(asprintf(&msg, "%s", e.msg) >= 0);
        } else {
            size_t c = 0;
            while (c < t->n_cols && strcmp(t->cols[c].name, outcome) != 0)
                c++;
            if (c == t->n_cols || (size_t)row >= t->n_rows)
                assert_true(asprintf(&msg, "no %s at point %s in /sweep/outcomes", outcome,
                                     name + 6) >= 0);
            else
                *v = t->values[(size_t)row * t->n_cols + c];
        }
        out_table_destroy(t);
    } else {
        int cmp = strstr(name, "_vs_") != NULL;
        snprintf(dataset, sizeof dataset, cmp ? "/comparisons/%s/differences" : "/scenarios/%s/summary",
                 name);
        struct out_outcome_table *t = NULL;
        if (out_file_read_outcome_table(f, dataset, &t, &e) != 0) {
            assert_true(asprintf(&msg, "%s", e.msg) >= 0);
        } else {
            const char *want = field ? field : (cmp ? "alt_mean" : "mean");
            size_t r = 0, c = 0;
            while (r < t->n_rows && strcmp(t->outcomes[r], outcome) != 0)
                r++;
            while (c < t->n_fields && strcmp(t->fields[c].name, want) != 0)
                c++;
            if (r == t->n_rows || c == t->n_fields)
                assert_true(asprintf(&msg, "no %s (field %s) in %s", outcome, want, dataset) >= 0);
            else
                *v = t->values[r * t->n_fields + c];
        }
        out_outcome_table_destroy(t);
    }
    out_file_close(f);
    return msg;
}

/* Whether a page (lower-cased) loads anything from the network: a script, image or frame
 * source, a stylesheet link, an @import or a url(...) pointing elsewhere. Plain links (<a
 * href>) are fine: they load nothing. */
static int loads_from_elsewhere(const char *html)
{
    static const char *const bad[] = {"src=\"http", "src='http", "src=\"//", "url(http",
                                      "url(\"http", "url('http", "@import"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (strstr(html, bad[i]))
            return 1;
    for (const char *p = strstr(html, "<link"); p; p = strstr(p + 1, "<link")) {
        const char *end = strchr(p, '>'), *h = strstr(p, "http");
        if (h && (!end || h < end))
            return 1;
    }
    return 0;
}

/* Checks "FILE html". Returns NULL or a message (malloc'ed). */
static char *check_html(const char *file)
{
    char path[PATH_MAX + 256];
    snprintf(path, sizeof path, "%s/%s", run.dir, file);
    char *msg = NULL;
    if (!is_file(path)) {
        assert_true(asprintf(&msg, "%s was not written", file) >= 0);
        return msg;
    }
    char *html = testutil_slurp(path, NULL);
    for (char *c = html; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (!strstr(html, "<html") || !strstr(html, "</html>"))
        assert_true(asprintf(&msg, "%s is not a complete HTML page", file) >= 0);
    else if (!strstr(html, "<svg"))
        assert_true(asprintf(&msg, "%s has no inline SVG figure", file) >= 0);
    else if (loads_from_elsewhere(html))
        assert_true(asprintf(&msg, "%s loads something from elsewhere", file) >= 0);
    free(html);
    return msg;
}

/* Checks "stdout contains TEXT" against the captured stdout of the commands of block. */
static char *check_stdout(int block, const char *text)
{
    char *msg = NULL;
    if (block < 0) {
        assert_true(asprintf(&msg, "no command before the check") >= 0);
        return msg;
    }
    for (size_t i = 0; i < run.t.n; i++) {
        if (run.t.items[i].kind != ITEM_COMMAND || run.t.items[i].block != block)
            continue;
        char out[128];
        capture_path(out, sizeof out, i, "out");
        if (!is_file(out))
            continue;
        char *s = testutil_slurp(out, NULL);
        int found = strstr(s, text) != NULL;
        free(s);
        if (found)
            return NULL;
    }
    assert_true(asprintf(&msg, "the output of the block before has no \"%s\"", text) >= 0);
    return msg;
}

/* Checks one claim (the words after "check:"). Returns NULL when it holds, else a message
 * (malloc'ed). */
static char *check_claim(const struct item *it)
{
    char *words = xstrdup(it->text), *w[8], *msg = NULL;
    int n = split_words(words, w, 8);
    double v = NAN, lo, hi;
    if (n >= 3 && strcmp(w[0], "stdout") == 0 && strcmp(w[1], "contains") == 0) {
        const char *text = strstr(it->text, "contains") + strlen("contains");
        while (isspace((unsigned char)*text))
            text++;
        msg = check_stdout(it->block, text);
    } else if (n == 2 && strcmp(w[1], "html") == 0) {
        msg = check_html(w[0]);
    } else if (n == 6 && (strcmp(w[3], "mean") == 0 || strcmp(w[3], "change") == 0)) {
        int change = strcmp(w[3], "change") == 0;
        if (parse_number(w[4], &lo) || parse_number(w[5], &hi) || lo > hi) {
            assert_true(asprintf(&msg, "bad range %s %s", w[4], w[5]) >= 0);
        } else if (change && !strstr(w[1], "_vs_")) {
            assert_true(asprintf(&msg, "change needs a comparison, not %s", w[1]) >= 0);
        } else if (!(msg = read_value(w[0], w[1], w[2], change ? "relative_change" : NULL, &v))) {
            double x = change ? 100.0 * v : v;
            if (!(x >= lo && x <= hi))
                assert_true(asprintf(&msg, "%s %s is %.6g, outside [%g, %g]", w[2],
                                     change ? "relative change (%)" : "mean", x, lo, hi) >= 0);
        }
    } else if (n == 4 && (strcmp(w[3], "up") == 0 || strcmp(w[3], "down") == 0 ||
                          strcmp(w[3], "ns") == 0)) {
        double cl = NAN, ch = NAN;
        if (!strstr(w[1], "_vs_")) {
            assert_true(asprintf(&msg, "%s needs a comparison, not %s", w[3], w[1]) >= 0);
        } else if (!(msg = read_value(w[0], w[1], w[2], "ci_low", &cl)) &&
                   !(msg = read_value(w[0], w[1], w[2], "ci_high", &ch))) {
            int ok = strcmp(w[3], "up") == 0     ? cl > 0
                     : strcmp(w[3], "down") == 0 ? ch < 0
                                                 : cl <= 0 && ch >= 0;
            if (!ok)
                assert_true(asprintf(&msg, "%s: 95%% CI [%.6g, %.6g] is not %s", w[2], cl, ch,
                                     strcmp(w[3], "up") == 0     ? "above 0"
                                     : strcmp(w[3], "down") == 0 ? "below 0"
                                                                 : "around 0") >= 0);
        }
    } else {
        assert_true(asprintf(&msg, "unknown check (see tests/test_tutorial.c)") >= 0);
    }
    free(words);
    return msg;
}

/* ---- the tests ----------------------------------------------------------------------------- */

/* The only lines of ```sh blocks that are not run: see the conventions at the top. */
static int setup_line_ok(const char *line)
{
    return strcmp(line, "make demo") == 0 || starts_with(line, "export PATH=") ||
           starts_with(line, "xdg-open ");
}

/* Every line of a ```sh block is a caresim command or a known set-up line, and there are
 * commands and checks at all. */
static void test_tutorial_has_only_caresim_commands_and_known_setup_lines(void **state)
{
    (void)state;
    struct paths ps;
    struct tutorial t;
    find_paths(&ps);
    load_tutorial(&ps, &t);
    size_t commands = 0, checks = 0;
    char *bad = NULL;
    for (size_t i = 0; i < t.n; i++) {
        const struct item *it = &t.items[i];
        commands += it->kind == ITEM_COMMAND;
        checks += it->kind == ITEM_CHECK;
        if (it->kind == ITEM_SETUP && !setup_line_ok(it->text))
            report_add(&bad, TUTORIAL ":%d: neither a caresim command nor a known set-up "
                             "line: %s", it->line, it->text);
    }
    int demo = 0;
    for (size_t i = 0; i < t.n; i++)
        demo |= t.items[i].kind == ITEM_SETUP && strcmp(t.items[i].text, "make demo") == 0;
    tutorial_fini(&t);
    if (bad) {
        print_error("%s", bad);
        free(bad);
        fail_msg("lines of " TUTORIAL " that would not be run (listed above)");
    }
    assert_true(demo);  /* step 1 is the README's demo command */
    assert_true(commands >= 10);
    assert_true(checks >= 10);
}

/* Each scenario of scenarios/teaching/ is used by some command of the tutorial. */
static void test_tutorial_uses_every_teaching_scenario(void **state)
{
    (void)state;
    struct paths ps;
    struct tutorial t;
    find_paths(&ps);
    load_tutorial(&ps, &t);
    char dirpath[PATH_MAX + 32];
    snprintf(dirpath, sizeof dirpath, "%s/scenarios/teaching", ps.root);
    DIR *d = opendir(dirpath);
    assert_non_null(d);
    char *missing = NULL;
    size_t files = 0;
    for (struct dirent *de; (de = readdir(d));) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".cfg") != 0)
            continue;
        files++;
        char rel[300];
        snprintf(rel, sizeof rel, "scenarios/teaching/%s", de->d_name);
        int used = 0;
        for (size_t i = 0; i < t.n && !used; i++)
            used = t.items[i].kind == ITEM_COMMAND && strstr(t.items[i].text, rel) != NULL;
        if (!used)
            report_add(&missing, "%s is in no command of " TUTORIAL, rel);
    }
    closedir(d);
    tutorial_fini(&t);
    if (missing) {
        print_error("%s", missing);
        free(missing);
        fail_msg("teaching scenarios the tutorial does not run (listed above)");
    }
    assert_true(files >= 6);
}

/* Every step that has commands makes at least one checked claim after them. */
static void test_every_tutorial_step_with_commands_has_a_check(void **state)
{
    (void)state;
    struct paths ps;
    struct tutorial t;
    find_paths(&ps);
    load_tutorial(&ps, &t);
    char *bad = NULL;
    for (int s = 0; s <= t.n_sections; s++) {
        int cmds = 0, checks = 0;
        for (size_t i = 0; i < t.n; i++) {
            cmds += t.items[i].section == s && t.items[i].kind == ITEM_COMMAND;
            checks += t.items[i].section == s && t.items[i].kind == ITEM_CHECK;
        }
        if (cmds && !checks)
            report_add(&bad, "\"%s\" runs commands but checks nothing", t.section_titles[s]);
    }
    tutorial_fini(&t);
    if (bad) {
        print_error("%s", bad);
        free(bad);
        fail_msg("steps of " TUTORIAL " without a check (listed above)");
    }
}

/* Every command of the tutorial, run in order as a student would, exits with status 0. */
static void test_every_tutorial_command_exits_zero(void **state)
{
    (void)state;
    run_tutorial();
    size_t failed = 0;
    for (size_t i = 0; i < run.t.n; i++) {
        if (run.t.items[i].kind != ITEM_COMMAND || run.status[i] == 0)
            continue;
        char err[128];
        capture_path(err, sizeof err, i, "err");
        char *tail = file_tail(err, 1500);
        print_error(TUTORIAL ":%d: exit %d: %s\n%s\n", run.t.items[i].line, run.status[i],
                    run.t.items[i].text, tail);
        free(tail);
        failed++;
    }
    if (failed)
        fail_msg("%zu commands of " TUTORIAL " failed (listed above)", failed);
}

/* Every claim the text makes in a check comment holds for what the commands wrote. */
static void test_every_tutorial_claim_holds(void **state)
{
    (void)state;
    run_tutorial();
    size_t checks = 0, failed = 0;
    for (size_t i = 0; i < run.t.n; i++) {
        const struct item *it = &run.t.items[i];
        if (it->kind != ITEM_CHECK)
            continue;
        checks++;
        char *msg = check_claim(it);
        if (msg) {
            print_error(TUTORIAL ":%d: check: %s\n    %s\n", it->line, it->text, msg);
            failed++;
        }
        free(msg);
    }
    if (failed)
        fail_msg("%zu of %zu claims of " TUTORIAL " do not hold (listed above)", failed, checks);
    assert_true(checks > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tutorial_has_only_caresim_commands_and_known_setup_lines),
        cmocka_unit_test(test_tutorial_uses_every_teaching_scenario),
        cmocka_unit_test(test_every_tutorial_step_with_commands_has_a_check),
        cmocka_unit_test(test_every_tutorial_command_exits_zero),
        cmocka_unit_test(test_every_tutorial_claim_holds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
