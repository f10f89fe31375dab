/* tests/test_fuzz_regress.c — replays the fuzz targets' inputs without libFuzzer: every
 * regression input (tests/fuzz/regress/<target>/, inputs that once crashed, leaked or hung)
 * and every committed seed (tests/fuzz/corpus/<target>/, the gallery and teaching
 * scenarios), through the same functions libFuzzer calls (tests/fuzz/fuzz.h). Under
 * `make asan` this is the sanitizer run of each of them. Each test also checks that the
 * seeds reach what they are meant to (a gallery scenario gets a model that runs; a
 * well-formed results file reports), so a harness that silently stops testing fails here.
 * Runs from the repository root (as make check does); the commands' output goes to
 * /dev/null.
 */
#include "tests/testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tests/fuzz/fuzz.h"

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

/* fn(data, size) with stdout and stderr sent to /dev/null. */
static int quietly(fuzz_fn fn, const uint8_t *data, size_t size)
{
    fflush(NULL);
    int out = dup(STDOUT_FILENO), err = dup(STDERR_FILENO);
    int null = open("/dev/null", O_WRONLY);
    assert_true(out >= 0 && err >= 0 && null >= 0);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close(null);
    int rc = fn(data, size);
    fflush(NULL);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    close(out);
    close(err);
    return rc;
}

/* Feeds every regular file of dir whose name ends in suffix ("" for all) to fn. Returns
 * the number of files fed; *reached (may be NULL) gets how many returned 1. A missing
 * directory feeds none. */
static size_t replay_dir(fuzz_fn fn, const char *dir, const char *suffix, size_t *reached)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name), slen = strlen(suffix);
        if (de->d_name[0] == '.' || len < slen || strcmp(de->d_name + len - slen, suffix) != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t size;
        char *data = testutil_slurp(path, &size);
        int rc = quietly(fn, (const uint8_t *)data, size);
        free(data);
        n++;
        if (reached)
            *reached += rc == 1;
    }
    if (d)
        closedir(d);
    return n;
}

static void test_fuzz_scenario_gallery_seeds_load_and_run(void **state)
{
    (void)state;
    size_t ran = 0;
    size_t n = replay_dir(fuzz_scenario_one, "scenarios", ".cfg", &ran);
    n += replay_dir(fuzz_scenario_one, "scenarios/teaching", ".cfg", &ran);
    /* The gallery (13 files) and the teaching copies (6): all valid, all run. */
    assert_true(n >= 19);
    assert_int_equal(ran, n);
}

static void test_fuzz_scenario_corpus_and_regressions_replay(void **state)
{
    (void)state;
    size_t ran = 0;
    size_t n = replay_dir(fuzz_scenario_one, "tests/fuzz/corpus/scenario", "", &ran);
    /* psa_distributions, reform and teaching_chain are valid; pitfalls and warm_start
     * (its results file is made by make fuzz only) are not. */
    assert_true(n >= 5);
    assert_true(ran >= 3);
    replay_dir(fuzz_scenario_one, "tests/fuzz/regress/scenario", "", NULL);
}

static void test_fuzz_results_empty_input_builds_a_reportable_file(void **state)
{
    (void)state;
    /* Every choice reads 0 once the input runs out, and 0 means "as caresim writes it". */
    assert_int_equal(quietly(fuzz_results_one, NULL, 0), 1);
    static const uint8_t zeros[512];
    assert_int_equal(quietly(fuzz_results_one, zeros, sizeof zeros), 1);
}

static void test_fuzz_results_corpus_and_regressions_replay(void **state)
{
    (void)state;
    size_t n = replay_dir(fuzz_results_one, "tests/fuzz/corpus/results", "", NULL);
    n += replay_dir(fuzz_results_one, "tests/fuzz/regress/results", "", NULL);
    assert_true(n >= 1);
    replay_dir(fuzz_results_raw_one, "tests/fuzz/regress/results_raw", "", NULL);
}

/* A real results file (caresim run on a tiny scenario) reports through the raw target, and
 * every truncation of it gives an error, not a crash. */
static void test_fuzz_results_raw_real_file_and_truncations(void **state)
{
    (void)state;
    char dir[] = "/tmp/caresim-fuzz-regress-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/run.h5", dir);
    const char *const args[] = {"scenarios/base.cfg", "-r", "1", "-q",
                                "--set", "run.population=100",
                                "--set", "run.horizon_years=0.5",
                                "--set", "run.warmup_years=0",
                                "-o", path, NULL};
    char out[sizeof dir + 16];
    snprintf(out, sizeof out, "%s/out.txt", dir);
    assert_int_equal(testutil_run_args(cli_run, "run", args, out, out), CLI_EXIT_OK);
    size_t size;
    char *data = testutil_slurp(path, &size);
    assert_int_equal(quietly(fuzz_results_raw_one, (const uint8_t *)data, size), 1);
    for (size_t k = 0; k < 8; k++)
        assert_int_equal(quietly(fuzz_results_raw_one, (const uint8_t *)data, size * k / 8), 0);
    free(data);
    assert_int_equal(testutil_remove_tree(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_scenario_gallery_seeds_load_and_run),
        cmocka_unit_test(test_fuzz_scenario_corpus_and_regressions_replay),
        cmocka_unit_test(test_fuzz_results_empty_input_builds_a_reportable_file),
        cmocka_unit_test(test_fuzz_results_corpus_and_regressions_replay),
        cmocka_unit_test(test_fuzz_results_raw_real_file_and_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
