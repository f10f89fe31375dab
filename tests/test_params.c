/* tests/test_params.c — the model's scenario key table (models/params.c), the reference
 * scenario scenarios/base.cfg, the generated docs/parameters.md, and the `validate` and
 * `params` subcommands. Run from the repository root.
 */
#include "tests/testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "models/params.h"
#include "sim/config.h"

static size_t key(const char *path)
{
    int k = sim_cfg_schema_find(params_schema(), path);
    assert_true(k >= 0);
    return (size_t)k;
}

static struct sim_cfg *resolve(const char *path, const char *const *sets, size_t nsets)
{
    struct sim_cfg *cfg = sim_cfg_create(params_schema(), NULL);
    assert_non_null(cfg);
    sim_cfg_resolve(cfg, path, sets, nsets, NULL);
    for (size_t i = 0; i < sim_cfg_diag_count(cfg); i++)
        print_error("%s\n", sim_cfg_diag(cfg, i)->text);
    return cfg;
}

static void test_params_schema_is_valid(void **state)
{
    (void)state;
    struct sim_err err;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX];
    sim_err_clear(&err);
    if (sim_cfg_schema_check(params_schema(), &err) != 0)
        fail_msg("%s (%d problems)", sim_err_format(&err, buf, sizeof buf), err.count);
}

static void test_base_cfg_sets_every_key(void **state)
{
    (void)state;
    struct sim_cfg *cfg = resolve("scenarios/base.cfg", NULL, 0);
    assert_int_equal(sim_cfg_error_count(cfg), 0);
    const struct sim_cfg_schema *sc = params_schema();
    for (size_t k = 0; k < sc->nkeys; k++) {
        const char *file;
        if (sim_cfg_origin(cfg, k, &file, NULL) != SIM_CFG_FILE)
            fail_msg("scenarios/base.cfg does not set %s: add it there with a comment giving "
                     "its unit, meaning and source", sc->keys[k].path);
        assert_string_equal(file, "scenarios/base.cfg");
    }
    sim_cfg_destroy(cfg);
}

/* Every key of base.cfg holds the table default (a distribution: as its mean). */
static void test_base_cfg_holds_the_table_defaults(void **state)
{
    (void)state;
    struct sim_cfg *base = resolve("scenarios/base.cfg", NULL, 0);
    const char *sets[] = {"name=defaults"};
    struct sim_cfg *defaults = resolve(NULL, sets, 1);
    const struct sim_cfg_schema *sc = params_schema();
    for (size_t k = 0; k < sc->nkeys; k++) {
        if (sc->keys[k].flags & SIM_CFG_REQUIRED)
            continue;
        char a[1200], b[1200];
        sim_cfg_value_text(base, k, a, sizeof a);
        sim_cfg_value_text(defaults, k, b, sizeof b);
        /* A distribution (for PSA) must have the default as its mean: runs use the mean. */
        const struct sim_dist *d = sim_cfg_get_dist(base, k);
        if (d && fabs(sim_dist_mean(d) - sim_cfg_get_float(defaults, k)) >
                     1e-12 * fabs(sim_cfg_get_float(defaults, k)))
            fail_msg("%s: the mean of its distribution in scenarios/base.cfg is %.17g, the "
                     "table's default %.17g", sc->keys[k].path, sim_dist_mean(d),
                     sim_cfg_get_float(defaults, k));
        if (d)
            continue;
        if (strcmp(a, b) != 0 && strcmp(sc->keys[k].path, "description") != 0)
            fail_msg("%s is %s in scenarios/base.cfg but %s in the table", sc->keys[k].path, a, b);
    }
    sim_cfg_destroy(defaults);
    sim_cfg_destroy(base);
}

static void test_economic_defaults_follow_nice(void **state)
{
    (void)state; /* evidence.md: 3.5% per year; 20,000-30,000 per QALY, lower end */
    const struct sim_cfg_schema *sc = params_schema();
    assert_true(sc->keys[key("economics.discount_costs")].def_float == 0.035);
    assert_true(sc->keys[key("economics.discount_effects")].def_float == 0.035);
    assert_true(sc->keys[key("economics.wtp_per_qaly")].def_float == 20000.0);
    assert_string_equal(sc->keys[key("economics.currency")].def_str, "GBP");
}

static void test_fill_model_params_from_base(void **state)
{
    (void)state;
    const char *sets[] = {"run.population=250000", "economics.currency=EUR"};
    struct sim_cfg *cfg = resolve("scenarios/base.cfg", sets, 2);
    struct model_params p;
    memset(&p, 0, sizeof p);
    assert_int_equal(sim_cfg_fill(cfg, &p, sizeof p, NULL), 0);
    assert_string_equal(p.name, "base");
    assert_true(p.run.population == 250000);
    assert_true(p.run.horizon_years == 10.0);
    assert_int_equal(p.run.replications, 10);
    assert_true(p.economics.discount_costs == 0.035);
    assert_int_equal(p.economics.currency, PARAMS_EUR);
    assert_true(p.economics.wtp_per_qaly == 20000.0);
    sim_cfg_destroy(cfg);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(fp);
                return NULL;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n, fp);
        n += r;
    } while (r > 0);
    fclose(fp);
    *len = n;
    return buf;
}

static void test_docs_parameters_md_is_current(void **state)
{
    (void)state;
    char *gen = NULL;
    size_t gen_len = 0, file_len = 0;
    FILE *mem = open_memstream(&gen, &gen_len);
    assert_non_null(mem);
    assert_int_equal(cli_params_markdown(mem), 0);
    assert_int_equal(fclose(mem), 0);
    char *file = read_all("docs/parameters.md", &file_len);
    if (!file || file_len != gen_len || memcmp(file, gen, gen_len) != 0) {
        free(file);
        free(gen);
        fail_msg("docs/parameters.md is out of date with the key table in models/params.c: "
                 "run `make docs`");
    }
    free(file);
    free(gen);
}

/* Runs a subcommand with stdout and stderr sent to /dev/null; returns its exit status. */
static int run_quietly(int (*cmd)(int, char **), int argc, char **argv)
{
    fflush(stdout);
    fflush(stderr);
    int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY);
    assert_true(out >= 0 && err >= 0 && null >= 0);
    dup2(null, 1);
    dup2(null, 2);
    int rc = cmd(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(out, 1);
    dup2(err, 2);
    close(out);
    close(err);
    close(null);
    return rc;
}

static void test_validate_exits_0_for_a_valid_scenario(void **state)
{
    (void)state;
    char *argv[] = {"validate", "scenarios/base.cfg", "--set", "run.seed=7", NULL};
    assert_int_equal(run_quietly(cli_validate, 4, argv), 0);
}

static void test_validate_exits_2_for_an_invalid_value(void **state)
{
    (void)state;
    char *argv[] = {"validate", "scenarios/base.cfg", "--set=run.seed=-7", NULL};
    assert_int_equal(run_quietly(cli_validate, 3, argv), 2);
}

static void test_validate_exits_2_for_an_unreadable_file(void **state)
{
    (void)state;
    char *argv[] = {"validate", "scenarios/no-such-file.cfg", NULL};
    assert_int_equal(run_quietly(cli_validate, 2, argv), 2);
}

static void test_validate_exits_2_for_a_bad_command_line(void **state)
{
    (void)state;
    char *none[] = {"validate", NULL};
    char *dangling[] = {"validate", "scenarios/base.cfg", "--set", NULL};
    char *unknown[] = {"validate", "scenarios/base.cfg", "--frobnicate", NULL};
    char *two[] = {"validate", "scenarios/base.cfg", "scenarios/base.cfg", NULL};
    assert_int_equal(run_quietly(cli_validate, 1, none), 2);
    assert_int_equal(run_quietly(cli_validate, 3, dangling), 2);
    assert_int_equal(run_quietly(cli_validate, 3, unknown), 2);
    assert_int_equal(run_quietly(cli_validate, 3, two), 2);
}

static void test_params_rejects_unknown_arguments(void **state)
{
    (void)state;
    char *ok[] = {"params", NULL};
    char *bad[] = {"params", "--html", NULL};
    assert_int_equal(run_quietly(cli_params, 1, ok), 0);
    assert_int_equal(run_quietly(cli_params, 2, bad), 2);
}

static void test_load_scenario_prints_every_problem_and_the_count(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    assert_non_null(mem);
    const char *sets[] = {"run.seed=-1", "run.popultion=5"};
    struct sim_cfg *cfg = cli_load_scenario("scenarios/base.cfg", sets, 2, mem);
    assert_int_equal(fclose(mem), 0);
    assert_null(cfg);
    assert_string_equal(out, "--set: run.seed: must be >= 0 (got -1)\n"
                             "--set: run.popultion: unknown key; did you mean 'run.population'?\n"
                             "caresim: 2 errors in scenarios/base.cfg\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_schema_is_valid),
        cmocka_unit_test(test_base_cfg_sets_every_key),
        cmocka_unit_test(test_base_cfg_holds_the_table_defaults),
        cmocka_unit_test(test_economic_defaults_follow_nice),
        cmocka_unit_test(test_fill_model_params_from_base),
        cmocka_unit_test(test_docs_parameters_md_is_current),
        cmocka_unit_test(test_validate_exits_0_for_a_valid_scenario),
        cmocka_unit_test(test_validate_exits_2_for_an_invalid_value),
        cmocka_unit_test(test_validate_exits_2_for_an_unreadable_file),
        cmocka_unit_test(test_validate_exits_2_for_a_bad_command_line),
        cmocka_unit_test(test_params_rejects_unknown_arguments),
        cmocka_unit_test(test_load_scenario_prints_every_problem_and_the_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
