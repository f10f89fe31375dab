/* tests/test_report_html.c — tests of `caresim report RESULTS.h5 --html OUT.html`
 * (cli/report_html.c, with the figures of cli/plot.c and the mechanism of cli/explain.c).
 * The commands run in-process (cli_compare, cli_psa, cli_report) with stdout and stderr
 * redirected to files, in a temporary directory under /tmp that is removed afterwards:
 *   - a comparison written by `caresim compare` of a base "t" and "fewer_gps" (1000
 *     persons, half a year of warm-up and one recorded year, 2 replications, seed 11;
 *     fewer_gps has a description full of HTML's special characters), made once and shared;
 *   - a PSA written by `caresim psa` (12 draws of 1000 persons, three distributions).
 * The page is checked as text: self-contained (no URL, no script, no external resource),
 * balanced, ids unique and every in-page reference resolved, the file's text escaped, the
 * tables holding the numbers output/ reads back. The figures need gnuplot on PATH
 * (scripts/install-deps.sh installs gnuplot-nox); without it their checks are skipped with
 * a note.
 *
 * Then the page is loaded in headless Chromium (Debian package chromium, also installed by
 * scripts/install-deps.sh), which must exit 0, save a non-empty PNG screenshot and log no
 * console message. The screenshot is kept for people to look at, in <build>/test-output/
 * beside the test programs' directory: build/test-output/report_html.png for `make
 * check`, build/asan/test-output/report_html.png for `make asan`. Chromium logs every
 * console message, console.error or not, at INFO level as
 *   [pid:tid:date/time:INFO:CONSOLE:LINE] "message", source: file:///... (LINE)
 * (older versions: INFO:CONSOLE(LINE)); the page has no script, so any such line is an
 * error: a bad attribute in an SVG, a resource refused... Its other stderr lines (D-Bus,
 * GPU, sandbox warnings) are ignored. A scratch page with a deliberate console.error
 * first checks that such a message is caught. Without chromium on PATH these checks are
 * skipped with a note.
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "output/results.h"
#include "sim/err.h"

/* The compared scenarios: defaults except the run's size and length. */
#define BASE_TEXT                                                                          \
    "name = \"t\";\n"                                                                      \
    "run = { population = 1000; horizon_years = 1.0; warmup_years = 0.5;\n"                \
    "        replications = 2; seed = 11; };\n"
#define FEWER_TEXT                                                                         \
    "base = \"t.cfg\";\nname = \"fewer_gps\";\n"                                           \
    "description = \"Fewer <GPs> & \\\"longer\\\" waits: 'a' <script>x</script>\";\n"      \
    "practices = { clinicians = 4.0; };\n"
/* How that description must appear in the page. */
#define FEWER_ESCAPED                                                                      \
    "Fewer &lt;GPs&gt; &amp; &quot;longer&quot; waits: &#39;a&#39; "                      \
    "&lt;script&gt;x&lt;/script&gt;"

/* The PSA: three uncertain inputs, and an alternative that changes one policy. */
#define PSA_BASE_TEXT                                                                      \
    "name = \"p\";\n"                                                                      \
    "run = { population = 1000; horizon_years = 1.0; warmup_years = 0.5; seed = 5; };\n"   \
    "costs = { gp_visit = { dist = \"gamma\"; mean = 39.0; sd = 3.0; };\n"                 \
    "          nonelective_spell = { dist = \"gamma\"; mean = 1590.0; sd = 400.0; }; };\n" \
    "policy = { tc_relapse_hr = { dist = \"normal\"; mean = 0.82; sd = 0.045; }; };\n"
#define PSA_ALT_TEXT "base = \"p.cfg\";\nname = \"tc\";\npolicy = { tc_coverage = 0.5; };\n"

/* Figures of the comparison file: time series and equity of both scenarios, the costs,
 * the comparison. */
#define CMP_FIGURES 6

/* Seconds Chromium may take before the test gives up on it. */
#define CHROMIUM_TIMEOUT "120"

/* ---- temporary directories ------------------------------------------------------------- */

struct scratch {
    char dir[64];       /* the temporary directory */
    char out_txt[128];  /* captured stdout of the last command */
    char err_txt[128];  /* captured stderr of the last command */
};

static int scratch_init(struct scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/caresim-test-html-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->out_txt, sizeof s->out_txt, "%s/stdout.txt", s->dir);
    snprintf(s->err_txt, sizeof s->err_txt, "%s/stderr.txt", s->dir);
    return 0;
}

static void scratch_fini(struct scratch *s)
{
    if (s->dir[0])
        testutil_remove_tree(s->dir);
}

static int setup(void **state)
{
    struct scratch *s = calloc(1, sizeof *s);
    if (!s || scratch_init(s) != 0) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    scratch_fini(*state);
    free(*state);
    return 0;
}

/* ---- running the commands ---------------------------------------------------------------- */

static int run_cmd(const struct scratch *s, int (*cmd)(int, char **), const char *name,
                   const char *const *args)
{
    return testutil_run_args(cmd, name, args, s->out_txt, s->err_txt);
}

/* Fails the test with the captured stderr unless rc is 0. */
static void expect_success(const struct scratch *s, int rc, const char *what)
{
    if (rc != 0) {
        char *err = testutil_slurp(s->err_txt, NULL);
        fail_msg("%s failed (%d):\n%s", what, rc, err);
    }
}

/* Whether the program is on PATH. */
static int on_path(const char *program)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char *copy = strdup(path);
    assert_non_null(copy);
    int found = 0;
    for (char *save = NULL, *d = strtok_r(copy, ":", &save); d && !found;
         d = strtok_r(NULL, ":", &save)) {
        char exe[1024];
        snprintf(exe, sizeof exe, "%s/%s", d, program);
        found = access(exe, X_OK) == 0;
    }
    free(copy);
    return found;
}

/* Whether gnuplot is there; prints, once, why the checks of the figures are skipped. */
static int figures_checked(void)
{
    static int known, have;
    if (!known) {
        have = on_path("gnuplot");
        known = 1;
        if (!have)
            printf("note: gnuplot is not on PATH: the checks of the figures are skipped "
                   "(scripts/install-deps.sh installs gnuplot-nox)\n");
    }
    return have;
}

/* The shared results file of `caresim compare`. */
static struct {
    int done;
    struct scratch s;
    char path[160];
} cmp;

/* The directory of the test program (set by main from argv[0]). */
static char program_dir[1024] = ".";

static void shared_free(void)
{
    scratch_fini(&cmp.s);
    out_library_close();
}

static const char *compare_file(void)
{
    if (cmp.done)
        return cmp.path;
    assert_int_equal(scratch_init(&cmp.s), 0);
    atexit(shared_free);
    char base[128], fewer[128];
    snprintf(base, sizeof base, "%s/t.cfg", cmp.s.dir);
    snprintf(fewer, sizeof fewer, "%s/fewer.cfg", cmp.s.dir);
    assert_int_equal(testutil_write_text(base, BASE_TEXT), 0);
    assert_int_equal(testutil_write_text(fewer, FEWER_TEXT), 0);
    snprintf(cmp.path, sizeof cmp.path, "%s/compare_t.h5", cmp.s.dir);
    const char *args[] = {base, fewer, "-r", "2", "-o", cmp.path, "--quiet", NULL};
    expect_success(&cmp.s, run_cmd(&cmp.s, cli_compare, "compare", args), "compare");
    cmp.done = 1;
    return cmp.path;
}

/* Runs `caresim report H5 --html OUT` with TMPDIR set to the scratch directory (so that
 * the figures' temporary directory can be seen to go); returns its exit status. */
static int report_html(const struct scratch *s, const char *h5, const char *out)
{
    const char *saved = getenv("TMPDIR");
    char *old = saved ? strdup(saved) : NULL;
    assert_int_equal(setenv("TMPDIR", s->dir, 1), 0);
    const char *args[] = {h5, "--html", out, NULL};
    int rc = run_cmd(s, cli_report, "report", args);
    if (old) {
        setenv("TMPDIR", old, 1);
        free(old);
    } else {
        unsetenv("TMPDIR");
    }
    return rc;
}

/* ---- checking the page ------------------------------------------------------------------- */

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Fails unless the page has the text. */
static void expect_text(const char *page, const char *text)
{
    if (!strstr(page, text))
        fail_msg("the page lacks \"%s\"", text);
}

/* Each opening tag is closed as often as it is opened. */
static void expect_balanced(const char *page)
{
    static const char *const tags[][2] = {
        {"<html", "</html>"},       {"<head>", "</head>"},   {"<body>", "</body>"},
        {"<section", "</section>"}, {"<table", "</table>"},  {"<tr", "</tr>"},
        {"<figure", "</figure>"},   {"<svg", "</svg>"},      {"<details", "</details>"},
        {"<pre", "</pre>"},         {"<style", "</style>"}, {"<main", "</main>"},
    };
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
        if (count(page, tags[i][0]) != count(page, tags[i][1]))
            fail_msg("%zu %s but %zu %s", count(page, tags[i][0]), tags[i][0],
                     count(page, tags[i][1]), tags[i][1]);
    assert_int_equal(count(page, "<html"), 1);
    assert_int_equal(count(page, "<body>"), 1);
    assert_int_equal(strncmp(page, "<!DOCTYPE html>\n", 16), 0);
    assert_true(strstr(page, "</head>") < strstr(page, "<body>"));
    const char *end = strstr(page, "</html>");
    assert_non_null(end);
    assert_string_equal(end, "</html>\n");
}

/* Nothing is fetched from anywhere: no URL, no script, no external style sheet or image,
 * no CSS import; url() only to ids of the page. */
static void expect_self_contained(const char *page)
{
    static const char *const banned[] = {"http://", "https://", "<script", "src=", "<link",
                                         "@import", "<iframe", "<object", "<embed",
                                         "file:", "data:"};
    for (size_t i = 0; i < sizeof banned / sizeof *banned; i++)
        if (strstr(page, banned[i]))
            fail_msg("the page has \"%s\": %.80s", banned[i], strstr(page, banned[i]));
    for (const char *p = page; (p = strstr(p, "url(")) != NULL; p += 4)
        if (p[4] != '#')
            fail_msg("url() to outside the page: %.60s", p);
}

/* The value of the attribute starting at p (just after `name=`), into buf. */
static void attr_value(const char *p, char *buf, size_t size)
{
    char q = *p;
    assert_true(q == '"' || q == '\'');
    const char *end = strchr(p + 1, q);
    assert_non_null(end);
    assert_true((size_t)(end - p - 1) < size);
    snprintf(buf, size, "%.*s", (int)(end - p - 1), p + 1);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Ids are unique (the SVGs' own ids are prefixed per figure), and every in-page reference
 * (href="#x", xlink:href='#x', url(#x)) names one of them. */
static void expect_ids_resolve(const char *page)
{
    size_t cap = count(page, " id=") + count(page, "\tid=") + 1, n = 0;
    char **ids = calloc(cap, sizeof *ids);
    assert_non_null(ids);
    for (const char *p = page; (p = strstr(p, "id=")) != NULL; p += 3) {
        if (p == page || (p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n'))
            continue;
        char v[256];
        attr_value(p + 3, v, sizeof v);
        assert_true(n < cap);
        ids[n++] = strdup(v);
    }
    assert_true(n > 0);
    qsort(ids, n, sizeof *ids, cmp_str);
    for (size_t i = 1; i < n; i++)
        if (strcmp(ids[i - 1], ids[i]) == 0)
            fail_msg("id \"%s\" appears twice", ids[i]);
    static const char *const refs[] = {"href=\"#", "href='#", "url(#"};
    for (size_t k = 0; k < 3; k++)
        for (const char *p = page; (p = strstr(p, refs[k])) != NULL; p += strlen(refs[k])) {
            const char *start = p + strlen(refs[k]);
            size_t len = strcspn(start, "\"')");
            char key[256];
            assert_true(len < sizeof key);
            snprintf(key, sizeof key, "%.*s", (int)len, start);
            const char *pk = key;
            if (!bsearch(&pk, ids, n, sizeof *ids, cmp_str))
                fail_msg("reference to a missing id \"%s\"", key);
        }
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* Nothing is left in dir but the files named (the figures' temporary directory and the
 * page's temporary file are gone). */
static void expect_only(const char *dir, const char *const *names)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        int known = 0;
        for (const char *const *n = names; *n; n++)
            known |= strcmp(*n, de->d_name) == 0;
        if (!known)
            fail_msg("%s/%s was left behind", dir, de->d_name);
    }
    closedir(d);
}

/* The summary mean of outcome in the scenario, as the report formats it. */
static void summary_mean_text(const char *h5, const char *scenario, const char *outcome,
                              char *buf, size_t size)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(h5, &e);
    if (!f)
        fail_msg("%s", e.msg);
    char dataset[128];
    snprintf(dataset, sizeof dataset, "/scenarios/%s/summary", scenario);
    struct out_summary *s = NULL;
    assert_int_equal(out_file_read_summary(f, dataset, &s, &e), 0);
    buf[0] = '\0';
    for (size_t i = 0; i < s->n_rows; i++)
        if (strcmp(s->rows[i].outcome, outcome) == 0)
            cli_report_number(s->rows[i].mean, buf, size);
    out_summary_destroy(s);
    out_file_close(f);
    assert_true(buf[0] != '\0');
}

/* ---- Chromium ---------------------------------------------------------------------------- */

/* Whether chromium is there; prints, once, why its checks are skipped. */
static int chromium_checked(void)
{
    static int known, have;
    if (!known) {
        have = on_path("chromium");
        known = 1;
        if (!have)
            printf("note: chromium is not on PATH: the page is not loaded in a browser "
                   "(scripts/install-deps.sh installs chromium)\n");
    }
    return have;
}

/* Loads the page at the absolute path html in headless Chromium, which saves a screenshot
 * to png; its stderr goes to log. Returns its exit status. */
static int chromium(const struct scratch *s, const char *html, const char *png, const char *log)
{
    char shot[1200], url[1200], profile[200];
    snprintf(shot, sizeof shot, "--screenshot=%s", png);
    snprintf(url, sizeof url, "file://%s", html);
    snprintf(profile, sizeof profile, "--user-data-dir=%s/chromium-profile", s->dir);
    unlink(png);
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_RDWR);
        if (fd < 0 || null < 0)
            _exit(126);
        dup2(null, 0);
        dup2(null, 1);
        dup2(fd, 2);
        /* coreutils timeout: a hung browser fails the test instead of hanging it. */
        execlp("timeout", "timeout", CHROMIUM_TIMEOUT, "chromium", "--headless",
               "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
               "--window-size=1280,4000", profile, shot, url, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_true(errno == EINTR);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The console lines of a Chromium log (NULL when none; malloc'ed). */
static char *console_lines(const char *log)
{
    char *text = testutil_slurp(log, NULL), *out = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&out, &size);
    assert_non_null(fp);
    int any = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        if (strstr(line, ":CONSOLE:") || strstr(line, ":CONSOLE(") ||
            strstr(line, "Uncaught")) {
            fprintf(fp, "%s\n", line);
            any = 1;
        }
    fclose(fp);
    free(text);
    if (!any) {
        free(out);
        return NULL;
    }
    return out;
}

/* Fails unless png is a non-empty PNG file. */
static void expect_png(const char *png)
{
    size_t n = 0;
    char *data = testutil_slurp(png, &n);
    if (n < 1000 || memcmp(data, "\x89PNG\r\n\x1a\n", 8) != 0)
        fail_msg("%s is not a PNG image (%zu bytes)", png, n);
    free(data);
}

/* ---- the tests --------------------------------------------------------------------------- */

/* The page of a comparison file: provenance, both scenarios with settings and summary
 * (the numbers output/ reads), the comparison with its settings, ICER, NMB, mechanism and
 * differences, every figure inlined as SVG with a caption; self-contained and balanced;
 * the description escaped; no temporary file or directory left. */
static void test_html_report_of_compare_file_is_self_contained_with_tables_and_figures(
    void **state)
{
    struct scratch *s = *state;
    const char *h5 = compare_file();
    char out[160];
    snprintf(out, sizeof out, "%s/report.html", s->dir);
    expect_success(s, report_html(s, h5, out), "report --html");
    char *stdout_text = testutil_slurp(s->out_txt, NULL);
    char line[200];
    snprintf(line, sizeof line, "wrote %s\n", out);
    assert_string_equal(stdout_text, line);
    free(stdout_text);
    const char *left[] = {"report.html", "stdout.txt", "stderr.txt", NULL};
    expect_only(s->dir, left);

    char *page = testutil_slurp(out, NULL);
    expect_balanced(page);
    expect_self_contained(page);
    expect_ids_resolve(page);

    /* Title and provenance. */
    expect_text(page, "<title>caresim report: compare_t.h5</title>");
    expect_text(page, "<th scope=\"row\">master seed</th><td>11</td>");
    /* The scenarios, their settings (folded) and summaries. */
    expect_text(page, "<h2>Scenario <code>t</code></h2>");
    expect_text(page, "<h2>Scenario <code>fewer_gps</code></h2>");
    assert_int_equal(count(page, "<details>\n<summary>Settings: the resolved scenario"), 2);
    expect_text(page, "clinicians = 4.0;");
    assert_int_equal(count(page, "<h3>Summary of the outcomes</h3>"), 2);
    char mean[64], row[300];
    summary_mean_text(h5, "fewer_gps", "gp_visits_per_person_year", mean, sizeof mean);
    snprintf(row, sizeof row,
             "<tr><td><code>gp_visits_per_person_year</code></td><td class=\"u\">per "
             "person-year</td><td class=\"n\">2</td><td class=\"n\">%s</td>",
             mean);
    expect_text(page, row);
    expect_text(page, "<td class=\"u\">GBP</td>"); /* "currency" named */
    /* The text from the file is escaped. */
    expect_text(page, FEWER_ESCAPED);
    assert_null(strstr(page, "<GPs>"));
    /* The comparison. */
    expect_text(page, "<h2>Comparison: <code>fewer_gps</code> against <code>t</code></h2>");
    expect_text(page, "<tr><td><code>practices.clinicians</code></td><td><code>6.0</code>"
                      "</td><td><code>4.0</code></td>");
    expect_text(page, "<li>ICER: ");
    expect_text(page, "<li>Net monetary benefit at 20000 GBP per QALY: ");
    expect_text(page, "<h3>Mechanism: what the providers and patients did differently</h3>");
    assert_null(strstr(page, "The mechanism table is not available"));
    expect_text(page, "<th>what</th><th>base</th><th>alternative</th><th>change</th>"
                      "<th>why</th>");
    expect_text(page, "<h3>All outcomes</h3>");
    expect_text(page, "<td><code>mean_wait_gp_days</code></td>");

    if (figures_checked()) {
        assert_int_equal(count(page, "<svg"), CMP_FIGURES);
        assert_int_equal(count(page, "<figure id="), CMP_FIGURES);
        assert_int_equal(count(page, "<figcaption><b>Figure "), CMP_FIGURES);
        assert_null(strstr(page, "No figures in this page"));
        expect_text(page, "<figcaption><b>Figure 1.</b> Scenario <code>t</code> month by month");
        expect_text(page, "Relative change of the main outcomes in <code>fewer_gps</code>");
        expect_text(page, "Cost per person-year by sector");
        expect_text(page, "Equity in scenario <code>fewer_gps</code>");
        assert_null(strstr(page, "xmlns"));
        assert_null(strstr(page, "<?xml"));
    }
    free(page);
}

/* Without gnuplot the page is still written (exit 0) with every table, and it says why
 * it has no figures. */
static void test_html_report_without_gnuplot_has_tables_and_says_why_no_figures(void **state)
{
    struct scratch *s = *state;
    const char *h5 = compare_file();
    char empty[160], out[160];
    snprintf(empty, sizeof empty, "%s/empty-bin", s->dir);
    snprintf(out, sizeof out, "%s/plain.html", s->dir);
    assert_int_equal(mkdir(empty, 0755), 0);
    const char *saved = getenv("PATH");
    char *old = saved ? strdup(saved) : NULL;
    assert_int_equal(setenv("PATH", empty, 1), 0);
    int rc = report_html(s, h5, out);
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    } else {
        unsetenv("PATH");
    }
    expect_success(s, rc, "report --html without gnuplot");
    char *page = testutil_slurp(out, NULL);
    expect_balanced(page);
    expect_self_contained(page);
    expect_text(page, "<b>No figures in this page.</b> The figures are drawn by gnuplot, "
                      "which was not found");
    assert_null(strstr(page, "<svg"));
    assert_null(strstr(page, "<figure"));
    assert_int_equal(count(page, "<h3>Summary of the outcomes</h3>"), 2);
    expect_text(page, "<h3>All outcomes</h3>");
    char *err = testutil_slurp(s->err_txt, NULL);
    expect_text(err, "caresim report: note: no figures in the page: ");
    free(err);
    const char *left[] = {"plain.html", "empty-bin", "stdout.txt", "stderr.txt", NULL};
    expect_only(s->dir, left);
    free(page);
}

/* A PSA file's page has the strategies, the EVPI and the CE plane, CEAC and EVPI figures. */
static void test_html_report_of_psa_file_has_strategies_and_ceac(void **state)
{
    struct scratch *s = *state;
    char base[160], alt[160], h5[160], out[160];
    snprintf(base, sizeof base, "%s/p.cfg", s->dir);
    snprintf(alt, sizeof alt, "%s/tc.cfg", s->dir);
    snprintf(h5, sizeof h5, "%s/psa_p.h5", s->dir);
    snprintf(out, sizeof out, "%s/psa.html", s->dir);
    assert_int_equal(testutil_write_text(base, PSA_BASE_TEXT), 0);
    assert_int_equal(testutil_write_text(alt, PSA_ALT_TEXT), 0);
    const char *args[] = {base, alt, "-n", "12", "-o", h5, "--quiet", NULL};
    expect_success(s, run_cmd(s, cli_psa, "psa", args), "psa");
    expect_success(s, report_html(s, h5, out), "report --html of a PSA");
    char *page = testutil_slurp(out, NULL);
    expect_balanced(page);
    expect_self_contained(page);
    expect_ids_resolve(page);
    expect_text(page, "<h2>Probabilistic sensitivity analysis</h2>");
    expect_text(page, "The uncertain settings were drawn 12 times (Latin hypercube sampling)");
    expect_text(page, "<tr><td><code>tc</code></td>");
    expect_text(page, "Expected value of perfect information at that willingness to pay: <b>");
    assert_null(strstr(page, "<h2>Comparison"));
    if (figures_checked()) {
        expect_text(page, "Cost-effectiveness acceptability curves: for each willingness");
        expect_text(page, "Cost-effectiveness plane: each point is one draw");
        expect_text(page, "Expected value of perfect information (EVPI) per person");
        /* The costs, the plane, the CEAC and the EVPI; no time series in a PSA file. */
        assert_int_equal(count(page, "<svg"), 4);
    }
    free(page);
}

/* A page that cannot be written fails with status 1 and a message naming it; a bad
 * command line exits 2; nothing is left behind. */
static void test_html_report_to_missing_directory_exits_1_and_bad_options_exit_2(void **state)
{
    struct scratch *s = *state;
    const char *h5 = compare_file();
    char out[160];
    snprintf(out, sizeof out, "%s/no/such/dir/r.html", s->dir);
    assert_int_equal(report_html(s, h5, out), CLI_EXIT_FAIL);
    char *err = testutil_slurp(s->err_txt, NULL);
    expect_text(err, "caresim report: ");
    expect_text(err, out);
    free(err);
    const char *no_value[] = {h5, "--html", NULL};
    assert_int_equal(run_cmd(s, cli_report, "report", no_value), CLI_EXIT_USAGE);
    const char *empty[] = {h5, "--html=", NULL};
    assert_int_equal(run_cmd(s, cli_report, "report", empty), CLI_EXIT_USAGE);
    const char *left[] = {"stdout.txt", "stderr.txt", NULL};
    expect_only(s->dir, left);
}

/* Headless Chromium loads the page of the comparison file without a console message and
 * saves its screenshot (kept in <build>/test-output/). A deliberate console.error in a
 * scratch page is caught first, so that a silent log means something. */
static void test_html_report_renders_in_headless_chromium_without_console_errors(void **state)
{
    struct scratch *s = *state;
    if (!chromium_checked())
        return;
    char scratch_html[160], scratch_png[160], log[160];
    snprintf(scratch_html, sizeof scratch_html, "%s/console.html", s->dir);
    snprintf(scratch_png, sizeof scratch_png, "%s/console.png", s->dir);
    snprintf(log, sizeof log, "%s/chromium.log", s->dir);
    assert_int_equal(testutil_write_text(scratch_html,
                                         "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                                         "<title>t</title></head><body><p>t</p><script>"
                                         "console.error(\"deliberate error\");</script>"
                                         "</body></html>\n"),
                     0);
    assert_int_equal(chromium(s, scratch_html, scratch_png, log), 0);
    char *lines = console_lines(log);
    if (!lines || !strstr(lines, "deliberate error"))
        fail_msg("a console.error was not found in Chromium's log:\n%s",
                 testutil_slurp(log, NULL));
    free(lines);

    char html[160], outdir[1100], png[1200];
    snprintf(html, sizeof html, "%s/report.html", s->dir);
    expect_success(s, report_html(s, compare_file(), html), "report --html");
    /* <build>/test-output, beside <build>/tests where this program is. */
    char *up = strdup(program_dir);
    assert_non_null(up);
    snprintf(outdir, sizeof outdir, "%s/test-output", dirname(up));
    free(up);
    struct sim_err e;
    sim_err_clear(&e);
    assert_int_equal(cli_mkdir_p(outdir, &e), 0);
    char *abs = realpath(outdir, NULL);
    assert_non_null(abs);
    snprintf(png, sizeof png, "%s/report_html.png", abs);
    free(abs);
    int rc = chromium(s, html, png, log);
    if (rc != 0)
        fail_msg("chromium exited with %d:\n%s", rc, testutil_slurp(log, NULL));
    expect_png(png);
    lines = console_lines(log);
    if (lines)
        fail_msg("the page logged console messages:\n%s", lines);
    printf("screenshot of the report: %s\n", png);
}

int main(int argc, char **argv)
{
    (void)argc;
    if (argv[0] && strchr(argv[0], '/')) {
        char *copy = strdup(argv[0]);
        if (copy)
            snprintf(program_dir, sizeof program_dir, "%s", dirname(copy));
        free(copy);
    }
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_html_report_of_compare_file_is_self_contained_with_tables_and_figures),
        T(test_html_report_without_gnuplot_has_tables_and_says_why_no_figures),
        T(test_html_report_of_psa_file_has_strategies_and_ceac),
        T(test_html_report_to_missing_directory_exits_1_and_bad_options_exit_2),
        T(test_html_report_renders_in_headless_chromium_without_console_errors),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
