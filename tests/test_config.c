/* tests/test_config.c — sim/config: parsing, validation, inheritance, --set, distributions,
 * the resolved-text writer, against a small test schema (independent of the model's keys).
 *
 * Each test runs in a fresh temporary directory (mkdtemp under /tmp, removed afterwards)
 * that is also the working directory, so messages read "scenarios/x.cfg:2: ..." exactly.
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "sim/config.h"

/* ---- the test schema ------------------------------------------------------------------ */

struct tparams {
    char name[16];
    char description[64];
    int64_t population;
    int replications;
    int64_t seed;
    double horizon_years;
    double discount;
    int currency;
    double wtp;
    double half;
    double shift;
    double cost;
    double shares[3];
    double unit_costs[4];
    bool verbose;
};

#define TP struct tparams
static const char *const currencies[] = {"GBP", "EUR", "USD", NULL};
static const double def_shares[3] = {0.2, 0.3, 0.5};
static const double def_unit_costs[4] = {100, 250.5, 0, 1e6};
static const struct sim_cfg_group tgroups[] = {{"run", "the run"}, {"econ", "economics"}};
static const struct sim_cfg_key tkeys[] = {
    {.path = "name", .type = SIM_CFG_STRING, .flags = SIM_CFG_REQUIRED | SIM_CFG_IDENT,
     .unit = "", .desc = "scenario name", .source = "", SIM_CFG_FIELD(TP, name)},
    {.path = "description", .type = SIM_CFG_STRING, .unit = "", .def_str = "",
     .desc = "free text", .source = "", SIM_CFG_FIELD(TP, description)},
    {.path = "run.population", .type = SIM_CFG_INT, .unit = "persons", .def_int = 1000,
     .range = "[1, 100000000]", .desc = "persons", .source = "", SIM_CFG_FIELD(TP, population)},
    {.path = "run.replications", .type = SIM_CFG_INT, .unit = "", .def_int = 10,
     .range = "[1, 1000000]", .desc = "replications", .source = "",
     SIM_CFG_FIELD(TP, replications)},
    {.path = "run.seed", .type = SIM_CFG_INT, .unit = "", .def_int = 1, .range = ">= 0",
     .desc = "seed", .source = "", SIM_CFG_FIELD(TP, seed)},
    {.path = "run.horizon_years", .type = SIM_CFG_FLOAT, .unit = "years", .def_float = 10,
     .range = "(0, 200]", .desc = "horizon", .source = "", SIM_CFG_FIELD(TP, horizon_years)},
    {.path = "econ.discount", .type = SIM_CFG_FLOAT, .unit = "1/year", .def_float = 0.035,
     .range = "[0, 1)", .desc = "discount", .source = "NICE", SIM_CFG_FIELD(TP, discount)},
    {.path = "econ.currency", .type = SIM_CFG_CHOICE, .unit = "", .def_str = "GBP",
     .choices = currencies, .desc = "currency", .source = "", SIM_CFG_FIELD(TP, currency)},
    {.path = "econ.wtp", .type = SIM_CFG_FLOAT, .unit = "GBP/QALY", .def_float = 20000,
     .range = ">= 0", .desc = "wtp", .source = "", SIM_CFG_FIELD(TP, wtp)},
    {.path = "econ.half", .type = SIM_CFG_FLOAT, .unit = "", .def_float = 0.25,
     .range = "[0, 0.5]", .desc = "a share up to one half", .source = "",
     SIM_CFG_FIELD(TP, half)},
    {.path = "econ.shift", .type = SIM_CFG_FLOAT, .unit = "", .def_float = 0,
     .desc = "any real number", .source = "", SIM_CFG_FIELD(TP, shift)},
    {.path = "econ.cost", .type = SIM_CFG_FLOAT, .unit = "GBP", .def_float = 100,
     .range = ">= 0", .desc = "a unit cost", .source = "", SIM_CFG_FIELD(TP, cost)},
    {.path = "econ.shares", .type = SIM_CFG_FLOAT_ARRAY, .flags = SIM_CFG_SUM_TO_ONE,
     .unit = "", .count = 3, .def_floats = def_shares, .range = "[0, 1]",
     .desc = "shares of three", .source = "", SIM_CFG_FIELD(TP, shares)},
    {.path = "econ.unit_costs", .type = SIM_CFG_FLOAT_ARRAY, .unit = "GBP", .count = 4,
     .def_floats = def_unit_costs, .range = ">= 0", .desc = "costs by sector",
     .source = "ref 7", SIM_CFG_FIELD(TP, unit_costs)},
    {.path = "flags.verbose", .type = SIM_CFG_BOOL, .unit = "", .def_int = 0,
     .desc = "talk more", .source = "", SIM_CFG_FIELD(TP, verbose)},
};
static const struct sim_cfg_schema tschema = {
    .keys = tkeys,
    .nkeys = sizeof tkeys / sizeof *tkeys,
    .groups = tgroups,
    .ngroups = sizeof tgroups / sizeof *tgroups,
    .params_size = sizeof(struct tparams),
};

static size_t key(const char *path)
{
    int k = sim_cfg_schema_find(&tschema, path);
    assert_true(k >= 0);
    return (size_t)k;
}

/* ---- fixture: a temporary working directory ------------------------------------------- */

struct fixture {
    char dir[64];   /* the temporary directory */
    char old[4096]; /* working directory to return to */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f || !getcwd(f->old, sizeof f->old))
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/caresim-test-config-XXXXXX");
    if (!mkdtemp(f->dir) || chdir(f->dir) != 0 || mkdir("scenarios", 0700) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    int rc = chdir(f->old);
    testutil_remove_tree(f->dir);
    free(f);
    return rc;
}

static void write_bytes(const char *path, const char *text, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

static void write_file(const char *path, const char *text)
{
    write_bytes(path, text, strlen(text));
}

/* Resolves path with sets and returns the scenario (never NULL). */
static struct sim_cfg *resolve(const char *path, const char *const *sets, size_t nsets)
{
    struct sim_cfg *cfg = sim_cfg_create(&tschema, NULL);
    assert_non_null(cfg);
    sim_cfg_resolve(cfg, path, sets, nsets, NULL);
    return cfg;
}

/* Fails unless cfg's diagnostics are exactly want (NULL-terminated), in order. */
static void check_diags(const struct sim_cfg *cfg, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    int ok = sim_cfg_error_count(cfg) == n && sim_cfg_diag_count(cfg) == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = strcmp(sim_cfg_diag(cfg, i)->text, want[i]) == 0;
    if (!ok) {
        print_error("expected %zu diagnostics:\n", n);
        for (size_t i = 0; i < n; i++)
            print_error("  %s\n", want[i]);
        print_error("got %zu (%zu stored):\n", sim_cfg_error_count(cfg), sim_cfg_diag_count(cfg));
        for (size_t i = 0; i < sim_cfg_diag_count(cfg); i++)
            print_error("  %s\n", sim_cfg_diag(cfg, i)->text);
        fail();
    }
}

#define DIAGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Writes text as scenarios/x.cfg, resolves it with the given --set values and checks the
 * diagnostics are exactly the rest of the arguments. */
static void expect(const char *text, const char *const *sets, size_t nsets,
                   const char *const *want)
{
    write_file("scenarios/x.cfg", text);
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", sets, nsets);
    check_diags(cfg, want);
    sim_cfg_destroy(cfg);
}

#define EXPECT_FILE(text, ...) expect(text, NULL, 0, DIAGS(__VA_ARGS__))
#define EXPECT_SET(set, ...) \
    expect("name = \"x\";\n", (const char *const[]){set}, 1, DIAGS(__VA_ARGS__))

/* ---- non-finite and out-of-range numbers ---------------------------------------------- */

static void test_float_1e999_is_not_finite(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { horizon_years = 1e999; };\n",
                "scenarios/x.cfg:2: run.horizon_years: must be a finite number (got 1e999)");
}

static void test_float_minus_1e999_is_not_finite(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { shift = -1e999; };\n",
                "scenarios/x.cfg:2: econ.shift: must be a finite number (got -1e999)");
}

static void test_nan_word_is_a_syntax_error(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { shift = nan; };\n", "scenarios/x.cfg:2: syntax error");
}

static void test_inf_word_is_a_syntax_error(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\n\necon = { shift = -inf; };\n", "scenarios/x.cfg:3: syntax error");
}

static void test_set_nan_is_not_a_number(void **state)
{
    (void)state;
    EXPECT_SET("econ.shift=nan",
               "--set: econ.shift: expected a number or a distribution { dist = ...; } (got nan)");
}

static void test_set_1e999_is_not_finite(void **state)
{
    (void)state;
    EXPECT_SET("econ.wtp=1e999", "--set: econ.wtp: must be a finite number (got 1e999)");
}

static void test_int_3000000000_is_out_of_range_not_wrapped(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { population = 3000000000; };\n",
                "scenarios/x.cfg:2: run.population: must be <= 100000000 (got 3000000000)");
}

static void test_int_that_wraps_to_a_valid_value_is_caught(void **state)
{
    (void)state; /* libconfig 1.5 reads 4294967297 as 1, a valid replication count */
    EXPECT_FILE("name = \"x\";\nrun = {\n  replications = 4294967297;\n};\n",
                "scenarios/x.cfg:3: run.replications: must be <= 1000000 (got 4294967297)");
}

static void test_int64_key_keeps_3000000000(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\nrun = { seed = 3000000000; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    assert_true(sim_cfg_get_int(cfg, key("run.seed")) == INT64_C(3000000000));
    sim_cfg_destroy(cfg);
}

static void test_int_beyond_64_bits_is_reported(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { seed = 99999999999999999999; };\n",
                "scenarios/x.cfg:2: run.seed: integer does not fit in 64 bits "
                "(got 99999999999999999999)");
}

static void test_negative_int_beyond_64_bits_is_below_minimum(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { population = -99999999999999999999; };\n",
                "scenarios/x.cfg:2: run.population: must be >= 1 (got -99999999999999999999)");
}

static void test_hex_int_is_read_as_written(void **state)
{
    (void)state; /* libconfig 1.5 reads 0xFFFFFFFF as -1 */
    EXPECT_FILE("name = \"x\";\nrun = { population = 0xFFFFFFFF; };\n",
                "scenarios/x.cfg:2: run.population: must be <= 100000000 (got 0xFFFFFFFF)");
}

static void test_out_of_range_low(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { population = -3; };\n",
                "scenarios/x.cfg:2: run.population: must be >= 1 (got -3)");
}

static void test_out_of_range_high(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { horizon_years = 250.5; };\n",
                "scenarios/x.cfg:2: run.horizon_years: must be <= 200 (got 250.5)");
}

static void test_exclusive_lower_bound(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { horizon_years = 0; };\n",
                "scenarios/x.cfg:2: run.horizon_years: must be > 0 (got 0)");
}

static void test_exclusive_upper_bound(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { discount = 1.0; };\n",
                "scenarios/x.cfg:2: econ.discount: must be < 1 (got 1.0)");
}

/* ---- types -------------------------------------------------------------------------- */

static void test_int_where_float_is_accepted(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg",
               "name = \"x\";\nrun = { horizon_years = 20; };\necon = { wtp = 3000000000; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    assert_true(sim_cfg_get_float(cfg, key("run.horizon_years")) == 20.0);
    assert_true(sim_cfg_get_float(cfg, key("econ.wtp")) == 3e9);
    sim_cfg_destroy(cfg);
}

static void test_float_where_int_is_rejected(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { replications = 2.5; };\n",
                "scenarios/x.cfg:2: run.replications: expected an integer (got 2.5)");
}

static void test_whole_float_where_int_is_rejected(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { population = 100.0; };\n",
                "scenarios/x.cfg:2: run.population: expected an integer (got 100.0)");
}

static void test_string_where_number_is_rejected(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { horizon_years = \"10\"; };\n",
                "scenarios/x.cfg:2: run.horizon_years: expected a number or a distribution "
                "{ dist = ...; } (got \"10\")");
}

static void test_number_where_string_is_rejected(void **state)
{
    (void)state;
    EXPECT_FILE("name = 5;\n", "scenarios/x.cfg:1: name: expected a string in double quotes (got 5)");
}

static void test_bool_where_int_is_rejected(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { population = true; };\n",
                "scenarios/x.cfg:2: run.population: expected an integer (got true)");
}

static void test_int_where_bool_is_rejected(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nflags = { verbose = 1; };\n",
                "scenarios/x.cfg:2: flags.verbose: expected true or false (got 1)");
}

static void test_list_and_array_where_number_are_rejected(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { horizon_years = (1, 2); seed = [1, 2]; };\n",
                "scenarios/x.cfg:2: run.horizon_years: expected a number or a distribution "
                "{ dist = ...; } (got a list)",
                "scenarios/x.cfg:2: run.seed: expected an integer (got an array)");
}

static void test_scalar_where_group_is_rejected(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = 5;\n",
                "scenarios/x.cfg:2: run: expected a group of settings { ... } (got 5)");
}

static void test_bad_choice_lists_the_allowed_ones(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { currency = \"XYZ\"; };\n",
                "scenarios/x.cfg:2: econ.currency: must be one of \"GBP\", \"EUR\", \"USD\" "
                "(got \"XYZ\")");
}

static void test_choice_given_a_number(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { currency = 1; };\n",
                "scenarios/x.cfg:2: econ.currency: expected one of \"GBP\", \"EUR\", \"USD\" "
                "(got 1)");
}

static void test_string_too_long(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"abcdefghijklmnop\";\n",
                "scenarios/x.cfg:1: name: too long: at most 15 bytes (got \"abcdefghijklmnop\")");
}

static void test_name_must_be_an_identifier(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"my run\";\n",
                "scenarios/x.cfg:1: name: must be a name of letters, digits, '_', '-' or '.', "
                "starting with a letter or digit (got \"my run\")");
}

static void test_invalid_utf8_in_string_is_rejected(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\ndescription = \"caf\xC3\";\n",
                "scenarios/x.cfg:2: description: not valid UTF-8 text (got \"caf\xC3\")");
}

static void test_utf8_in_string_is_accepted(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\ndescription = \"Zürich – 東京 ✓\";\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    assert_string_equal(sim_cfg_get_string(cfg, key("description")), "Zürich – 東京 ✓");
    sim_cfg_destroy(cfg);
}

/* ---- unknown, missing and duplicate keys ---------------------------------------------- */

static void test_unknown_key_suggests_the_close_one(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = {\n  popultion = 5;\n};\n",
                "scenarios/x.cfg:3: run.popultion: unknown key; did you mean 'run.population'?");
}

static void test_unknown_key_far_from_any_has_no_suggestion(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nzzzzzzzz = 1;\n", "scenarios/x.cfg:2: zzzzzzzz: unknown key");
}

static void test_unknown_group_suggests_the_close_one(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrn = { seed = 1; };\n",
                "scenarios/x.cfg:2: rn: unknown group; did you mean 'run'?");
}

static void test_key_in_the_wrong_group_suggests_its_path(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nseed = 1;\n",
                "scenarios/x.cfg:2: seed: unknown key; did you mean 'run.seed'?");
}

static void test_dotted_name_explains_the_group_syntax(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun.seed = 4;\n",
                "scenarios/x.cfg:2: syntax error: dotted name 'run.seed'; write run = "
                "{ seed = ...; };");
}

static void test_missing_required_key(void **state)
{
    (void)state;
    EXPECT_FILE("run = { seed = 2; };\n", "scenarios/x.cfg: name: missing required key");
}

static void test_duplicate_key_names_both_lines(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = {\n  seed = 1;\n  seed = 2;\n};\n",
                "scenarios/x.cfg:4: run.seed: duplicate key (first set at line 3)");
}

static void test_duplicate_group_is_reported_once(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { seed = 1; };\nrun = { seed = 2; };\n",
                "scenarios/x.cfg:3: run: duplicate key (first set at line 2)");
}

/* ---- syntax and raw-text problems ----------------------------------------------------- */

static void test_unterminated_string(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\ndescription = \"abc;\nrun = { seed = 1; };\n",
                "scenarios/x.cfg:2: syntax error: unterminated string");
}

static void test_missing_semicolon(void **state)
{
    (void)state; /* libconfig 1.5 accepts this; caresim does not */
    EXPECT_FILE("name = \"x\"\nrun = { seed = 1; };\n",
                "scenarios/x.cfg:1: name: missing ';' after the value");
}

static void test_missing_semicolon_after_group(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = {\n  seed = 1;\n}\n",
                "scenarios/x.cfg:4: run: missing ';' after the value");
}

static void test_unclosed_brace(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = {\n  seed = 1;\n",
                "scenarios/x.cfg:2: syntax error: '{' is never closed");
}

static void test_extra_closing_brace(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\n};\n", "scenarios/x.cfg:2: syntax error: '}' without a matching '{'");
}

static void test_mismatched_brackets(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { seed = 1; );\n",
                "scenarios/x.cfg:2: syntax error: ')' does not match '{' opened at line 2");
}

static void test_libconfig_syntax_error_keeps_its_line(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\n\nrun = { seed = = 1; };\n", "scenarios/x.cfg:3: syntax error");
}

static void test_unterminated_comment_is_not_silently_ignored(void **state)
{
    (void)state; /* libconfig 1.5 silently drops the rest of the file */
    EXPECT_FILE("name = \"x\";\n/* note\nrun = { seed = 1; };\n",
                "scenarios/x.cfg:2: syntax error: unterminated /* comment");
}

static void test_include_is_rejected_pointing_to_base(void **state)
{
    (void)state;
    write_file("scenarios/other.cfg", "name = \"o\";\n");
    EXPECT_FILE("name = \"x\";\n@include \"other.cfg\"\n",
                "scenarios/x.cfg:2: @include is not supported; name a parent scenario with "
                "base = \"file.cfg\"; instead");
}

static void test_nul_byte_is_rejected(void **state)
{
    (void)state;
    write_bytes("scenarios/x.cfg", "name = \"x\";\n\nrun = { seed\0 = 1; };\n", 34);
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS("scenarios/x.cfg:3: contains a NUL byte (not a text file?)"));
    sim_cfg_destroy(cfg);
}

static void test_fixed_binary_garbage_is_a_syntax_error(void **state)
{
    (void)state;
    write_bytes("scenarios/x.cfg", "\x01\x02\xff\xfe\x7f\x80", 6);
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS("scenarios/x.cfg:1: syntax error (not a text file?)"));
    sim_cfg_destroy(cfg);
}

static void test_random_binary_garbage_gives_one_error(void **state)
{
    (void)state;
    char buf[65536];
    uint64_t x = 88172645463325252ull;
    for (int round = 0; round < 20; round++) {
        for (size_t i = 0; i < sizeof buf; i++) { /* xorshift64: deterministic garbage */
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[i] = (char)(x >> 24);
        }
        if (round % 2) /* half the rounds without NUL bytes, to reach libconfig */
            for (size_t i = 0; i < sizeof buf; i++)
                if (!buf[i] || buf[i] == '\n')
                    buf[i] = '@';
        write_bytes("scenarios/x.cfg", buf, sizeof buf);
        struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
        assert_int_equal(sim_cfg_error_count(cfg), 1);
        assert_true(strncmp(sim_cfg_diag(cfg, 0)->text, "scenarios/x.cfg:", 16) == 0);
        sim_cfg_destroy(cfg);
    }
}

static void test_10mb_file_is_rejected_before_parsing(void **state)
{
    (void)state;
    size_t n = 10u << 20;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (i % 64 == 63) ? '\n' : '#';
    write_bytes("scenarios/big.cfg", big, n);
    free(big);
    struct sim_cfg *cfg = sim_cfg_create(&tschema, NULL);
    assert_int_equal(sim_cfg_resolve(cfg, "scenarios/big.cfg", NULL, 0, NULL), SIM_EIO);
    check_diags(cfg, DIAGS("scenarios/big.cfg: cannot read: file too large (10485760 bytes; "
                           "scenario files are limited to 4 MiB)"));
    sim_cfg_destroy(cfg);
}

static void test_large_file_under_the_limit_is_read(void **state)
{
    (void)state;
    size_t n = 3u << 20, o = 0;
    char *big = malloc(n + 64);
    assert_non_null(big);
    o += (size_t)sprintf(big, "name = \"x\";\n");
    while (o + 80 < n) { /* comment lines, then one key */
        memset(big + o, '#', 79);
        big[o + 79] = '\n';
        o += 80;
    }
    o += (size_t)sprintf(big + o, "run = { seed = 7; };\n");
    write_bytes("scenarios/x.cfg", big, o);
    free(big);
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    assert_int_equal(sim_cfg_get_int(cfg, key("run.seed")), 7);
    sim_cfg_destroy(cfg);
}

static void test_long_line_is_rejected(void **state)
{
    (void)state; /* libconfig 1.5 scans a long token in quadratic time */
    char *text = malloc(70016);
    assert_non_null(text);
    strcpy(text, "name = \"x\";\n#");
    memset(text + 13, 'y', 70000);
    strcpy(text + 70013, "\n");
    EXPECT_FILE(text, "scenarios/x.cfg:2: line longer than 65536 bytes");
    free(text);
}

static void test_long_string_is_rejected(void **state)
{
    (void)state;
    size_t lines = 2000;
    char *text = malloc(lines * 50 + 64), *p = text;
    assert_non_null(text);
    p += sprintf(p, "name = \"x\";\ndescription = \"");
    for (size_t i = 0; i < lines; i++)
        p += sprintf(p, "%048zu\n", i);
    sprintf(p, "\";\n");
    EXPECT_FILE(text, "scenarios/x.cfg:2: string longer than 65536 bytes");
    free(text);
}

static void test_deep_nesting_is_rejected(void **state)
{
    (void)state; /* libconfig 1.5 fails with "memory exhausted" from depth ~5000 */
    size_t depth = 10000;
    char *text = malloc(depth * 12 + 64), *p = text;
    assert_non_null(text);
    p += sprintf(p, "name = \"x\";\na =");
    for (size_t i = 0; i < depth; i++) /* level i + 1 opens on line i + 2 */
        p += sprintf(p, " {\nb =");
    p += sprintf(p, " 1;");
    for (size_t i = 0; i < depth; i++)
        p += sprintf(p, " };");
    sprintf(p, "\n");
    EXPECT_FILE(text, "scenarios/x.cfg:66: nesting deeper than 64 levels");
    free(text);
}

static void test_too_many_settings_in_a_group(void **state)
{
    (void)state; /* libconfig 1.5 checks duplicates in quadratic time */
    char *text = malloc(3000 * 24 + 64), *p = text;
    assert_non_null(text);
    p += sprintf(p, "name = \"x\";\nrun = {\n");
    for (int i = 0; i < 3000; i++) /* setting i is on line i + 3 */
        p += sprintf(p, "  k%d = %d;\n", i, i);
    sprintf(p, "};\n");
    EXPECT_FILE(text, "scenarios/x.cfg:2051: more than 2048 settings in one group");
    free(text);
}

static void test_unreadable_file_names_it(void **state)
{
    (void)state;
    struct sim_cfg *cfg = sim_cfg_create(&tschema, NULL);
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(sim_cfg_load(cfg, "scenarios/nope.cfg", &err), SIM_EIO);
    assert_string_equal(err.file, "scenarios/nope.cfg");
    check_diags(cfg, DIAGS("scenarios/nope.cfg: cannot read: No such file or directory"));
    sim_cfg_destroy(cfg);
}

static void test_directory_is_not_a_scenario(void **state)
{
    (void)state;
    struct sim_cfg *cfg = resolve("scenarios", NULL, 0);
    check_diags(cfg, DIAGS("scenarios: cannot read: is a directory"));
    sim_cfg_destroy(cfg);
}

static void test_empty_file_needs_its_required_keys(void **state)
{
    (void)state;
    EXPECT_FILE("", "scenarios/x.cfg: name: missing required key");
}

static void test_empty_file_gives_every_default(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "");
    const char *sets[] = {"name=e"};
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", sets, 1);
    check_diags(cfg, DIAGS(NULL));
    for (size_t k = 1; k < tschema.nkeys; k++)
        assert_int_equal(sim_cfg_origin(cfg, k, NULL, NULL), SIM_CFG_DEFAULT);
    sim_cfg_destroy(cfg);
}

/* ---- inheritance ---------------------------------------------------------------------- */

static void test_inheritance_cycle_a_b_a(void **state)
{
    (void)state;
    write_file("scenarios/a.cfg", "base = \"b.cfg\";\nname = \"a\";\n");
    write_file("scenarios/b.cfg", "name = \"b\";\nbase = \"a.cfg\";\n");
    struct sim_cfg *cfg = resolve("scenarios/a.cfg", NULL, 0);
    check_diags(cfg, DIAGS("scenarios/b.cfg:2: base: inheritance cycle: scenarios/a.cfg -> "
                           "scenarios/b.cfg -> scenarios/a.cfg"));
    sim_cfg_destroy(cfg);
}

static void test_scenario_that_is_its_own_parent(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nbase = \"x.cfg\";\n",
                "scenarios/x.cfg:2: base: inheritance cycle: scenarios/x.cfg -> scenarios/x.cfg");
}

static void test_missing_parent(void **state)
{
    (void)state;
    EXPECT_FILE("base = \"nope.cfg\";\nname = \"x\";\n",
                "scenarios/x.cfg:1: base: cannot read parent scenario scenarios/nope.cfg: "
                "No such file or directory");
}

static void test_base_must_be_a_string(void **state)
{
    (void)state;
    EXPECT_FILE("base = 5;\nname = \"x\";\n",
                "scenarios/x.cfg:1: base: expected a string naming the parent scenario file "
                "(got 5)");
}

static void test_errors_in_a_parent_name_the_parent(void **state)
{
    (void)state;
    write_file("scenarios/p.cfg", "name = \"p\";\nrun = { seed = -1; };\n");
    EXPECT_FILE("base = \"p.cfg\";\nrun = { population = 0; };\n",
                "scenarios/p.cfg:2: run.seed: must be >= 0 (got -1)",
                "scenarios/x.cfg:2: run.population: must be >= 1 (got 0)");
}

static void test_chain_of_three_child_wins_with_its_origin(void **state)
{
    (void)state;
    mkdir("scenarios/sub", 0700);
    write_file("scenarios/root.cfg",
               "name = \"root\";\nrun = {\n  seed = 11;\n  population = 500;\n};\n"
               "econ = { wtp = 30000.0; };\n");
    write_file("scenarios/sub/mid.cfg",
               "base = \"../root.cfg\";\nrun = { seed = 22; };\necon = { currency = \"EUR\"; };\n");
    write_file("scenarios/sub/leaf.cfg",
               "base = \"mid.cfg\";\nname = \"leaf\";\n\nrun = { seed = 33; };\n");
    struct sim_cfg *cfg = resolve("scenarios/sub/leaf.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    const char *file;
    int line;
    assert_int_equal(sim_cfg_get_int(cfg, key("run.seed")), 33);
    assert_int_equal(sim_cfg_origin(cfg, key("run.seed"), &file, &line), SIM_CFG_FILE);
    assert_string_equal(file, "scenarios/sub/leaf.cfg");
    assert_int_equal(line, 4);
    assert_string_equal(sim_cfg_get_string(cfg, key("name")), "leaf");
    assert_string_equal(sim_cfg_get_string(cfg, key("econ.currency")), "EUR");
    sim_cfg_origin(cfg, key("econ.currency"), &file, &line);
    assert_string_equal(file, "scenarios/sub/mid.cfg");
    assert_int_equal(line, 3);
    assert_int_equal(sim_cfg_get_int(cfg, key("run.population")), 500);
    sim_cfg_origin(cfg, key("run.population"), &file, &line);
    assert_string_equal(file, "scenarios/sub/../root.cfg");
    assert_int_equal(line, 4);
    assert_int_equal(sim_cfg_origin(cfg, key("run.replications"), &file, &line), SIM_CFG_DEFAULT);
    assert_null(file);
    assert_int_equal(sim_cfg_file_count(cfg), 3);
    assert_string_equal(sim_cfg_file(cfg, 0), "scenarios/sub/../root.cfg");
    assert_string_equal(sim_cfg_file(cfg, 2), "scenarios/sub/leaf.cfg");
    sim_cfg_destroy(cfg);
}

static void test_defaults_fill_unset_keys_with_origin_default(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    char buf[64];
    check_diags(cfg, DIAGS(NULL));
    assert_int_equal(sim_cfg_get_int(cfg, key("run.population")), 1000);
    assert_true(sim_cfg_get_float(cfg, key("econ.discount")) == 0.035);
    assert_string_equal(sim_cfg_get_string(cfg, key("econ.currency")), "GBP");
    assert_string_equal(sim_cfg_origin_text(cfg, key("econ.discount"), buf, sizeof buf), "default");
    assert_string_equal(sim_cfg_origin_text(cfg, key("name"), buf, sizeof buf), "scenarios/x.cfg:1");
    sim_cfg_destroy(cfg);
}

static void test_load_string_resolves_base_next_to_its_name(void **state)
{
    (void)state;
    write_file("scenarios/p.cfg", "name = \"p\";\nrun = { seed = 9; };\n");
    struct sim_cfg *cfg = sim_cfg_create(&tschema, NULL);
    assert_int_equal(sim_cfg_load_string(cfg, "base = \"p.cfg\";\n", "scenarios/mem.cfg", NULL), 0);
    assert_int_equal(sim_cfg_finish(cfg, NULL), 0);
    assert_int_equal(sim_cfg_get_int(cfg, key("run.seed")), 9);
    sim_cfg_destroy(cfg);
}

/* ---- --set ---------------------------------------------------------------------------- */

static void test_set_overrides_the_file(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\nrun = { seed = 1; };\n");
    const char *sets[] = {"run.seed=42", " econ.currency = USD ", "name=\"y\""};
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", sets, 3);
    check_diags(cfg, DIAGS(NULL));
    assert_int_equal(sim_cfg_get_int(cfg, key("run.seed")), 42);
    assert_int_equal(sim_cfg_origin(cfg, key("run.seed"), NULL, NULL), SIM_CFG_SET);
    assert_string_equal(sim_cfg_get_string(cfg, key("econ.currency")), "USD");
    assert_string_equal(sim_cfg_get_string(cfg, key("name")), "y");
    sim_cfg_destroy(cfg);
}

static void test_set_bad_value_names_set(void **state)
{
    (void)state;
    EXPECT_SET("run.seed=-1", "--set: run.seed: must be >= 0 (got -1)");
}

static void test_set_word_where_int(void **state)
{
    (void)state;
    EXPECT_SET("run.seed=abc", "--set: run.seed: expected an integer (got abc)");
}

static void test_set_empty_value(void **state)
{
    (void)state;
    EXPECT_SET("run.seed=", "--set: run.seed: expected an integer (got an empty value)");
}

static void test_set_without_equals(void **state)
{
    (void)state;
    EXPECT_SET("run.seed", "--set: expected key.path=value (got 'run.seed')");
}

static void test_set_unknown_key_suggests(void **state)
{
    (void)state;
    EXPECT_SET("run.sed=3", "--set: run.sed: unknown key; did you mean 'run.seed'?");
}

static void test_set_on_a_group(void **state)
{
    (void)state;
    EXPECT_SET("run=3", "--set: run: is a group, not a key");
}

static void test_set_cannot_smuggle_a_second_setting(void **state)
{
    (void)state;
    EXPECT_SET("run.seed=1; name = 2", "--set: run.seed: expected a single value "
                                       "(got 1; name = 2)");
}

static void test_set_bad_choice(void **state)
{
    (void)state;
    EXPECT_SET("econ.currency=gbp",
               "--set: econ.currency: must be one of \"GBP\", \"EUR\", \"USD\" (got \"gbp\")");
}

static void test_set_distribution(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\n");
    const char *sets[] = {"econ.discount={ dist = \"beta\"; mean = 0.04; sd = 0.01; }"};
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", sets, 1);
    check_diags(cfg, DIAGS(NULL));
    const struct sim_dist *d = sim_cfg_get_dist(cfg, key("econ.discount"));
    assert_non_null(d);
    assert_int_equal(d->kind, SIM_DIST_BETA);
    assert_true(d->mean == 0.04 && d->sd == 0.01);
    sim_cfg_destroy(cfg);
}

static void test_set_bad_distribution_member(void **state)
{
    (void)state;
    EXPECT_SET("econ.discount={ dist = \"beta\"; mean = 0.5; sd = -1; }",
               "--set: econ.discount.sd: must be > 0 (got -1)");
}

/* ---- distributions -------------------------------------------------------------------- */

static void test_unknown_distribution(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { discount = { dist = \"weibull\"; mean = 1; }; };\n",
                "scenarios/x.cfg:2: econ.discount.dist: must be one of \"beta\", \"gamma\", "
                "\"lognormal\", \"normal\", \"uniform\", \"triangular\" (got \"weibull\")");
}

static void test_distribution_without_dist(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { discount = { mean = 0.5; sd = 0.1; }; };\n",
                "scenarios/x.cfg:2: econ.discount: a distribution needs 'dist', one of \"beta\", "
                "\"gamma\", \"lognormal\", \"normal\", \"uniform\", \"triangular\"");
}

static void test_beta_sd_too_large_for_its_mean(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = {\n  discount = { dist = \"beta\"; mean = 0.9;\n"
                "               sd = 0.35; };\n};\n",
                "scenarios/x.cfg:4: econ.discount.sd: too large for a beta distribution with "
                "mean 0.9: need sd < sqrt(mean*(1-mean)) = 0.3 (got 0.35)");
}

static void test_negative_sd(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { wtp = { dist = \"gamma\"; mean = 100; sd = -0.1; }; };\n",
                "scenarios/x.cfg:2: econ.wtp.sd: must be > 0 (got -0.1)");
}

static void test_distribution_missing_mean(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { discount = { dist = \"beta\"; sd = 0.1; }; };\n",
                "scenarios/x.cfg:2: econ.discount: a beta distribution needs 'mean'");
}

static void test_distribution_member_of_another_distribution(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { discount = { dist = \"beta\"; mean = 0.5; sd = 0.1;\n"
                "  max = 1; }; };\n",
                "scenarios/x.cfg:3: econ.discount.max: not a parameter of a beta distribution "
                "(allowed: dist, mean, sd)");
}

static void test_distribution_member_not_a_number(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { wtp = { dist = \"gamma\"; mean = \"a\"; sd = 1; }; };\n",
                "scenarios/x.cfg:2: econ.wtp.mean: expected a number (got \"a\")");
}

static void test_distribution_member_not_finite(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { shift = { dist = \"normal\"; mean = 1e999; sd = 1; }; };\n",
                "scenarios/x.cfg:2: econ.shift.mean: must be a finite number (got 1e999)");
}

static void test_beta_mean_outside_zero_one(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { discount = { dist = \"beta\"; mean = 1.2; sd = 0.1; }; };\n",
                "scenarios/x.cfg:2: econ.discount.mean: must be > 0 and < 1 for a beta "
                "distribution (got 1.2)");
}

static void test_triangular_min_above_mode(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { wtp = { dist = \"triangular\"; min = 20; mode = 10; "
                "max = 30; }; };\n",
                "scenarios/x.cfg:2: econ.wtp: a triangular distribution needs min <= mode <= max "
                "and min < max (got min 20, mode 10, max 30)");
}

static void test_uniform_min_not_below_max(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { wtp = { dist = \"uniform\"; min = 5; max = 5; }; };\n",
                "scenarios/x.cfg:2: econ.wtp: a uniform distribution needs min < max "
                "(got min 5, max 5)");
}

static void test_uniform_outside_the_key_range(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { discount = { dist = \"uniform\"; min = -0.1; max = 0.1; "
                "}; };\n",
                "scenarios/x.cfg:2: econ.discount.min: must be >= 0 (got -0.1)");
}

static void test_distribution_on_an_int_key(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\nrun = { population = { dist = \"normal\"; mean = 5; sd = 1; }; };\n",
                "scenarios/x.cfg:2: run.population: distributions are allowed only on float keys "
                "(got a group)");
}

static void test_beta_on_a_key_narrower_than_zero_one(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { half = { dist = \"beta\"; mean = 0.2; sd = 0.05; }; };\n",
                "scenarios/x.cfg:2: econ.half: a beta distribution takes values in (0, 1), "
                "outside the allowed range [0, 0.5]");
}

static void test_gamma_on_a_probability(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { discount = { dist = \"gamma\"; mean = 0.2; sd = 0.05; }; };\n",
                "scenarios/x.cfg:2: econ.discount: a gamma distribution takes values in (0, inf), "
                "outside the allowed range [0, 1)");
}

static void test_wide_normal_on_a_probability(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { discount = { dist = \"normal\"; mean = 0.82; sd = 0.1; }; };\n",
                "scenarios/x.cfg:2: econ.discount: normal mean +/- 4 sd spans [0.42, 1.22], "
                "outside the allowed range [0, 1)");
}

/* ---- several problems at once ------------------------------------------------------------ */

static void test_every_problem_in_a_file_is_reported(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\n"
                "run = {\n"
                "  population = 0;\n"
                "  horizon_years = 1e999;\n"
                "  replications = 2.5;\n"
                "  popultion = 4;\n"
                "};\n"
                "econ = { currency = \"XYZ\"; discount = { dist = \"beta\"; mean = 0.5; sd = 0.6; }; };\n"
                "flags = { verbose = 1; };\n",
                "scenarios/x.cfg:3: run.population: must be >= 1 (got 0)",
                "scenarios/x.cfg:4: run.horizon_years: must be a finite number (got 1e999)",
                "scenarios/x.cfg:5: run.replications: expected an integer (got 2.5)",
                "scenarios/x.cfg:6: run.popultion: unknown key; did you mean 'run.population'?",
                "scenarios/x.cfg:8: econ.currency: must be one of \"GBP\", \"EUR\", \"USD\" "
                "(got \"XYZ\")",
                "scenarios/x.cfg:8: econ.discount.sd: too large for a beta distribution with "
                "mean 0.5: need sd < sqrt(mean*(1-mean)) = 0.5 (got 0.6)",
                "scenarios/x.cfg:9: flags.verbose: expected true or false (got 1)");
}

static void test_files_then_set_problems_in_order(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\nrun = { seed = -5; };\n");
    const char *sets[] = {"run.population=0", "nope=1"};
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", sets, 2);
    check_diags(cfg, DIAGS("scenarios/x.cfg:2: run.seed: must be >= 0 (got -5)",
                           "--set: run.population: must be >= 1 (got 0)",
                           "--set: nope: unknown key"));
    sim_cfg_destroy(cfg);
}

static void test_diagnostics_are_capped_but_all_counted(void **state)
{
    (void)state;
    char *text = malloc(150 * 16 + 32), *p = text;
    assert_non_null(text);
    p += sprintf(p, "name = \"x\";\n");
    for (int i = 0; i < 150; i++)
        p += sprintf(p, "q%d = 1;\n", i);
    write_file("scenarios/x.cfg", text);
    free(text);
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    assert_int_equal(sim_cfg_error_count(cfg), 150);
    assert_int_equal(sim_cfg_diag_count(cfg), SIM_CFG_MAX_DIAGS);
    sim_cfg_destroy(cfg);
}

static void test_first_error_and_count_reach_sim_err(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\nrun = { seed = -5; population = 0; };\n");
    struct sim_cfg *cfg = sim_cfg_create(&tschema, NULL);
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(sim_cfg_resolve(cfg, "scenarios/x.cfg", NULL, 0, &err), SIM_EINVAL);
    assert_int_equal(err.count, 2);
    assert_string_equal(err.file, "scenarios/x.cfg");
    assert_int_equal(err.line, 2);
    sim_cfg_destroy(cfg);
}

/* ---- accepted forms --------------------------------------------------------------------- */

static void test_libconfig_variants_are_accepted(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg",
               "\xEF\xBB\xBF# a BOM, comments of three kinds, ':' and ',' separators\n"
               "name : \"x\",  // trailing\n"
               "/* block\n comment */ run : { seed : 0x10L, population = +25; },\n"
               "econ = { wtp = .5e3; discount = 1e-2; };\n"
               "description = \"two \" \"parts\\n\\ttabbed \\\"quoted\\\"\";\n"
               "flags = { verbose = TRUE; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    assert_int_equal(sim_cfg_get_int(cfg, key("run.seed")), 16);
    assert_int_equal(sim_cfg_get_int(cfg, key("run.population")), 25);
    assert_true(sim_cfg_get_float(cfg, key("econ.wtp")) == 500.0);
    assert_string_equal(sim_cfg_get_string(cfg, key("description")),
                        "two parts\n\ttabbed \"quoted\"");
    assert_int_equal(sim_cfg_get_bool(cfg, key("flags.verbose")), 1);
    sim_cfg_destroy(cfg);
}

static void test_fill_writes_the_struct(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\nrun = { replications = 7; };\n"
                                  "econ = { currency = \"USD\"; wtp = { dist = \"uniform\"; "
                                  "min = 10; max = 30; };\n  shares = [0.75, 0.125, 0.125]; };\n"
                                  "flags = { verbose = true; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    struct tparams p;
    memset(&p, 0xA5, sizeof p);
    assert_int_equal(sim_cfg_fill(cfg, &p, sizeof p, NULL), 0);
    assert_string_equal(p.name, "x");
    assert_string_equal(p.description, "");
    assert_int_equal(p.replications, 7);
    assert_true(p.population == 1000);
    assert_int_equal(p.currency, 2);
    assert_true(p.wtp == 20.0); /* the uniform's mean */
    assert_true(p.verbose);
    assert_true(p.shares[0] == 0.75 && p.shares[1] == 0.125 && p.shares[2] == 0.125);
    for (int i = 0; i < 4; i++)
        assert_true(p.unit_costs[i] == def_unit_costs[i]);
    assert_int_equal(sim_cfg_fill(cfg, &p, sizeof p - 1, NULL), SIM_EINVAL);
    sim_cfg_destroy(cfg);
}

static void test_fill_refuses_an_invalid_scenario(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "run = { seed = 3; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    struct tparams p;
    assert_int_equal(sim_cfg_fill(cfg, &p, sizeof p, NULL), SIM_EINVAL);
    sim_cfg_destroy(cfg);
}

/* ---- round trip of the resolved text ----------------------------------------------------- */

static void assert_same_values(const struct sim_cfg *a, const struct sim_cfg *b)
{
    for (size_t k = 0; k < tschema.nkeys; k++) {
        assert_true(sim_cfg_get_int(a, k) == sim_cfg_get_int(b, k));
        assert_true(sim_cfg_get_float(a, k) == sim_cfg_get_float(b, k));
        assert_int_equal(sim_cfg_get_bool(a, k), sim_cfg_get_bool(b, k));
        const char *sa = sim_cfg_get_string(a, k), *sb = sim_cfg_get_string(b, k);
        assert_true((!sa && !sb) || (sa && sb && strcmp(sa, sb) == 0));
        const struct sim_dist *da = sim_cfg_get_dist(a, k), *db = sim_cfg_get_dist(b, k);
        assert_true((!da && !db) || (da && db && memcmp(da, db, sizeof *da) == 0));
        size_t na, nb;
        const double *fa = sim_cfg_get_floats(a, k, &na), *fb = sim_cfg_get_floats(b, k, &nb);
        assert_int_equal(na, nb);
        assert_true((!fa && !fb) || (fa && fb && memcmp(fa, fb, na * sizeof *fa) == 0));
    }
}

static void test_resolved_text_round_trips(void **state)
{
    (void)state;
    write_file("scenarios/p.cfg", "name = \"p\";\ndescription = \"Zürich \\\"q\\\" \\\\ tab\\t"
                                  "line\\nend\";\nrun = { horizon_years = 0.1; };\n");
    write_file("scenarios/x.cfg",
               "base = \"p.cfg\";\nrun = { seed = 9007199254740993; population = 12345; };\n"
               "econ = { discount = { dist = \"beta\"; mean = 0.035; sd = 0.01; };\n"
               "  wtp = { dist = \"triangular\"; min = 1e4; mode = 2e4; max = 3e4; };\n"
               "  half = { dist = \"normal\"; mean = 0.25; sd = 0.0625; };\n"
               "  cost = { dist = \"gamma\"; mean = 148; sd = 40.5; };\n"
               "  shift = { dist = \"lognormal\"; mean = 1.0; sd = 0.3333333333333333; };\n"
               "  unit_costs = [0.1, 1e-300, 3e9, 0.30000000000000004]; };\n");
    const char *sets[] = {"flags.verbose=true", "run.horizon_years={ dist = \"uniform\"; "
                                                "min = 5; max = 15; }",
                          "econ.currency=EUR", "econ.shares=[0.1, 0.2, 0.7]"};
    struct sim_cfg *a = resolve("scenarios/x.cfg", sets, 4);
    check_diags(a, DIAGS(NULL));
    char *text = sim_cfg_text(a, 0);
    assert_non_null(text);
    assert_non_null(strstr(text, "    shares = [0.1, 0.2, 0.7];\n"));
    assert_non_null(strstr(text, "    unit_costs = [0.1, 1e-300, 3000000000.0, 0.30000000000000004];\n"));
    write_file("scenarios/resolved.cfg", text);
    struct sim_cfg *b = resolve("scenarios/resolved.cfg", NULL, 0);
    check_diags(b, DIAGS(NULL));
    assert_same_values(a, b);
    char *again = sim_cfg_text(b, 0);
    assert_string_equal(text, again);
    for (size_t k = 0; k < tschema.nkeys; k++) /* complete: every key is in the text */
        assert_int_equal(sim_cfg_origin(b, k, NULL, NULL), SIM_CFG_FILE);
    assert_int_equal(sim_cfg_dist_keys(b, NULL, 0), 6);
    free(text);
    free(again);
    sim_cfg_destroy(b);
    sim_cfg_destroy(a);
}

static void test_resolved_text_with_origins_still_parses(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\nrun = { seed = 4; };\n");
    const char *sets[] = {"econ.wtp=25000"};
    struct sim_cfg *a = resolve("scenarios/x.cfg", sets, 1);
    char *text = sim_cfg_text(a, SIM_CFG_WRITE_ORIGINS);
    assert_non_null(text);
    assert_non_null(strstr(text, "seed = 4;  # scenarios/x.cfg:2\n"));
    assert_non_null(strstr(text, "wtp = 25000.0;  # --set\n"));
    assert_non_null(strstr(text, "population = 1000;  # default\n"));
    struct sim_cfg *b = sim_cfg_create(&tschema, NULL);
    assert_int_equal(sim_cfg_load_string(b, text, "stored", NULL), 0);
    assert_int_equal(sim_cfg_finish(b, NULL), 0);
    assert_same_values(a, b);
    free(text);
    sim_cfg_destroy(b);
    sim_cfg_destroy(a);
}

/* ---- drawing from distributions ----------------------------------------------------------- */

/* Draws n values and checks sample mean and sd. Mean: within 5 standard errors
 * (sd/sqrt(n)). SD: the standard error of a sample sd is about sd*sqrt((kurtosis-1)/(4n));
 * with kurtosis <= 9 for every case below that is <= sd*sqrt(2/n), and we allow 5 of it. */
static void check_moments(const struct sim_dist *d, double mean, double sd)
{
    const int n = 20000;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
        double x = sim_dist_draw(d, r);
        s += x;
        s2 += x * x;
    }
    gsl_rng_free(r);
    double m = s / n, v = (s2 - n * m * m) / (n - 1);
    assert_near(m, mean, 5 * sd / sqrt(n));
    assert_near(sqrt(v), sd, 5 * sd * sqrt(2.0 / n));
    assert_near(sim_dist_mean(d), mean, 1e-12 * fabs(mean));
}

static void test_beta_draws_match_mean_and_sd(void **state)
{
    (void)state;
    check_moments(&(struct sim_dist){.kind = SIM_DIST_BETA, .mean = 0.82, .sd = 0.03}, 0.82, 0.03);
}

static void test_gamma_draws_match_mean_and_sd(void **state)
{
    (void)state;
    check_moments(&(struct sim_dist){.kind = SIM_DIST_GAMMA, .mean = 148, .sd = 40}, 148, 40);
}

static void test_lognormal_draws_match_mean_and_sd(void **state)
{
    (void)state;
    check_moments(&(struct sim_dist){.kind = SIM_DIST_LOGNORMAL, .mean = 1.2, .sd = 0.4}, 1.2, 0.4);
}

static void test_normal_draws_match_mean_and_sd(void **state)
{
    (void)state;
    check_moments(&(struct sim_dist){.kind = SIM_DIST_NORMAL, .mean = -3, .sd = 2}, -3, 2);
}

static void test_uniform_draws_match_mean_and_sd(void **state)
{
    (void)state;
    check_moments(&(struct sim_dist){.kind = SIM_DIST_UNIFORM, .min = 2, .max = 5}, 3.5,
                  3 / sqrt(12));
}

static void test_triangular_draws_match_mean_and_sd(void **state)
{
    (void)state;
    double a = 1, c = 2, b = 6; /* min, mode, max */
    double sd = sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18);
    check_moments(&(struct sim_dist){.kind = SIM_DIST_TRIANGULAR, .min = a, .mode = c, .max = b},
                  (a + b + c) / 3, sd);
}

static void test_draws_stay_inside_the_key_range(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg",
               "name = \"x\";\necon = { half = { dist = \"normal\"; mean = 0.25; sd = 0.0625; }; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    size_t k = key("econ.half"), outside = 0;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    for (int i = 0; i < 200000; i++) {
        double raw = sim_dist_draw(sim_cfg_get_dist(cfg, k), r);
        outside += raw < 0 || raw > 0.5;
        double x = sim_cfg_draw(cfg, k, r);
        assert_true(x >= 0 && x <= 0.5);
    }
    /* P(|z| > 4) = 6.3e-5: about 13 raw draws of 200000 fall outside, so the check above
     * did meet values it had to redraw */
    assert_true(outside > 0);
    gsl_rng_free(r);
    sim_cfg_destroy(cfg);
}

static void test_dist_keys_lists_distribution_valued_keys(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg",
               "name = \"x\";\necon = { wtp = { dist = \"gamma\"; mean = 2e4; sd = 5e3; };\n"
               "  discount = { dist = \"beta\"; mean = 0.035; sd = 0.01; }; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    size_t keys[4];
    assert_int_equal(sim_cfg_dist_keys(cfg, keys, 4), 2);
    assert_int_equal(keys[0], key("econ.discount"));
    assert_int_equal(keys[1], key("econ.wtp"));
    assert_true(sim_cfg_get_float(cfg, key("econ.wtp")) == 2e4); /* no PSA: the mean */
    sim_cfg_destroy(cfg);
}

static void test_params_set_float_checks_the_range(void **state)
{
    (void)state;
    struct tparams p = {.discount = 0};
    size_t k = key("econ.discount");
    assert_int_equal(sim_cfg_params_set_float(&tschema, k, &p, 0.05, NULL), 0);
    assert_true(p.discount == 0.05);
    assert_int_equal(sim_cfg_params_set_float(&tschema, k, &p, 1.0, NULL), SIM_ERANGE);
    assert_int_equal(sim_cfg_params_set_float(&tschema, k, &p, NAN, NULL), SIM_ERANGE);
    assert_int_equal(sim_cfg_params_set_float(&tschema, key("run.seed"), &p, 1, NULL), SIM_EINVAL);
    assert_true(p.discount == 0.05);
}

/* ---- schema checks ------------------------------------------------------------------- */

static int check_one_key(struct sim_cfg_key k)
{
    struct sim_cfg_schema s = {.keys = &k, .nkeys = 1, .params_size = sizeof(struct tparams)};
    return sim_cfg_schema_check(&s, NULL);
}

static void test_schema_check_accepts_the_test_table(void **state)
{
    (void)state;
    assert_int_equal(sim_cfg_schema_check(&tschema, NULL), 0);
}

static void test_schema_check_rejects_mistakes(void **state)
{
    (void)state;
    struct sim_cfg_key ok = {.path = "a.b", .type = SIM_CFG_FLOAT, .unit = "", .def_float = 0.5,
                             .range = "[0, 1]", .desc = "", .source = "",
                             SIM_CFG_FIELD(TP, discount)};
    assert_int_equal(check_one_key(ok), 0);
    struct sim_cfg_key k = ok;
    k.path = "A.b";
    assert_int_equal(check_one_key(k), SIM_EINVAL);
    k = ok, k.path = "a..b";
    assert_int_equal(check_one_key(k), SIM_EINVAL);
    k = ok, k.path = "base";
    assert_int_equal(check_one_key(k), SIM_EINVAL);
    k = ok, k.def_float = 2;
    assert_int_equal(check_one_key(k), SIM_EINVAL);
    k = ok, k.range = "[0, 1";
    assert_int_equal(check_one_key(k), SIM_EINVAL);
    k = ok, k.range = "[1, 0]";
    assert_int_equal(check_one_key(k), SIM_EINVAL);
    k = ok, k.size = 4;
    assert_int_equal(check_one_key(k), SIM_EINVAL);
    k = ok, k.offset = sizeof(struct tparams);
    assert_int_equal(check_one_key(k), SIM_EINVAL);
    k = ok, k.type = SIM_CFG_INT, k.def_int = 1, k.size = 4, k.range = ">= 0";
    assert_int_equal(check_one_key(k), SIM_EINVAL); /* int32 field with no upper bound */
    k = ok, k.type = SIM_CFG_CHOICE, k.def_str = "x", k.choices = currencies, k.size = 4, k.range = NULL;
    assert_int_equal(check_one_key(k), SIM_EINVAL); /* default not a choice */
    struct sim_cfg_key two[2] = {ok, ok};
    struct sim_cfg_schema s = {.keys = two, .nkeys = 2, .params_size = sizeof(struct tparams)};
    assert_int_equal(sim_cfg_schema_check(&s, NULL), SIM_EINVAL); /* duplicate path */
    two[1].path = "a.b.c";
    assert_int_equal(sim_cfg_schema_check(&s, NULL), SIM_EINVAL); /* key and group */
    assert_null(sim_cfg_create(&s, NULL));
}

/* ---- float arrays ------------------------------------------------------------------------ */

/* Fails unless float array key path of cfg holds exactly want (n values). */
static void check_floats(const struct sim_cfg *cfg, const char *path, const double *want, size_t n)
{
    size_t count = 99;
    const double *x = sim_cfg_get_floats(cfg, key(path), &count);
    assert_non_null(x);
    assert_int_equal(count, n);
    for (size_t i = 0; i < n; i++)
        if (x[i] != want[i])
            fail_msg("%s[%zu] is %.17g, expected %.17g", path, i, x[i], want[i]);
}

static void test_float_array_is_accepted(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\necon = {\n  shares = [0.25, 0.25, 0.5];\n};\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    check_floats(cfg, "econ.shares", (const double[]){0.25, 0.25, 0.5}, 3);
    check_floats(cfg, "econ.unit_costs", def_unit_costs, 4);
    char buf[64];
    assert_string_equal(sim_cfg_origin_text(cfg, key("econ.shares"), buf, sizeof buf),
                        "scenarios/x.cfg:3");
    assert_string_equal(sim_cfg_origin_text(cfg, key("econ.unit_costs"), buf, sizeof buf),
                        "default");
    sim_cfg_destroy(cfg);
}

static void test_ints_are_accepted_in_a_float_array(void **state)
{
    (void)state; /* read as written: 3000000000 is not wrapped to 32 bits */
    write_file("scenarios/x.cfg", "name = \"x\";\necon = { shares = [0, 1, 0];\n"
                                  "  unit_costs = [0, 1, 3000000000, 0x10]; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    check_floats(cfg, "econ.shares", (const double[]){0, 1, 0}, 3);
    check_floats(cfg, "econ.unit_costs", (const double[]){0, 1, 3e9, 16}, 4);
    sim_cfg_destroy(cfg);
}

static void test_float_array_of_the_wrong_length(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { shares = [0.5, 0.5]; };\n",
                "scenarios/x.cfg:2: econ.shares: must have 3 values (got 2)");
}

static void test_empty_float_array_has_the_wrong_length(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { unit_costs = []; };\n",
                "scenarios/x.cfg:2: econ.unit_costs: must have 4 values (got 0)");
}

static void test_bad_array_element_is_named_by_index_and_line(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = {\n  unit_costs =\n    [1.0, 2.0,\n     -0.1, 4.0];\n"
                "  shares = [1.5, -0.5, 0.0];\n};\n",
                "scenarios/x.cfg:5: econ.unit_costs[2]: must be >= 0 (got -0.1)",
                "scenarios/x.cfg:6: econ.shares[0]: must be <= 1 (got 1.5)",
                "scenarios/x.cfg:6: econ.shares[1]: must be >= 0 (got -0.5)");
}

static void test_non_finite_array_element(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { shares = [0.5, 1e999, 0.5]; };\n",
                "scenarios/x.cfg:2: econ.shares[1]: must be a finite number (got 1e999)");
}

static void test_strings_in_a_float_array(void **state)
{
    (void)state; /* libconfig arrays have one element type, so one message is enough */
    EXPECT_FILE("name = \"x\";\necon = { shares = [\"a\", \"b\", \"c\"]; };\n",
                "scenarios/x.cfg:2: econ.shares[0]: expected a number (got \"a\")");
}

static void test_shares_must_sum_to_one(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = {\n  shares = [0.2, 0.3,\n    0.47];\n};\n",
                "scenarios/x.cfg:3: econ.shares: must sum to 1 (got 0.97)");
}

static void test_shares_within_1e6_of_one_are_accepted_as_written(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\necon = { shares = [0.2, 0.3, 0.5000009]; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    check_floats(cfg, "econ.shares", (const double[]){0.2, 0.3, 0.5000009}, 3);
    sim_cfg_destroy(cfg);
    EXPECT_FILE("name = \"x\";\necon = { shares = [0.2, 0.3, 0.499998]; };\n",
                "scenarios/x.cfg:2: econ.shares: must sum to 1 (got 0.999998)");
}

static void test_scalar_list_or_string_where_array_expected(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { shares = 0.5;\n  unit_costs = (1.0, 2.0, 3.0, 4.0); };\n"
                "econ2 = 1;\n",
                "scenarios/x.cfg:2: econ.shares: expected an array of 3 numbers [a, b, ...] "
                "(got 0.5)",
                "scenarios/x.cfg:3: econ.unit_costs: expected an array of 4 numbers [a, b, ...] "
                "(got a list)",
                "scenarios/x.cfg:4: econ2: unknown key; did you mean 'econ'?");
    EXPECT_FILE("name = \"x\";\necon = { shares = \"0.2 0.3 0.5\"; };\n",
                "scenarios/x.cfg:2: econ.shares: expected an array of 3 numbers [a, b, ...] "
                "(got \"0.2 0.3 0.5\")");
}

static void test_array_where_scalar_expected(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { cost = [1.0]; };\nrun = { population = [5]; };\n",
                "scenarios/x.cfg:2: econ.cost: expected a number or a distribution "
                "{ dist = ...; } (got an array)",
                "scenarios/x.cfg:3: run.population: expected an integer (got an array)");
}

static void test_distribution_on_an_array_key(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { shares = { dist = \"beta\"; mean = 0.3; sd = 0.1; }; };\n",
                "scenarios/x.cfg:2: econ.shares: distributions are not supported on array keys; "
                "expected an array of 3 numbers [a, b, ...] (got a group)");
    EXPECT_FILE("name = \"x\";\necon = { shares = ({ dist = \"beta\"; mean = 0.3; sd = 0.1; }, "
                "0.2, 0.5); };\n",
                "scenarios/x.cfg:2: econ.shares: expected an array of 3 numbers [a, b, ...] "
                "(got a list)");
}

static void test_array_nested_in_an_array_is_a_syntax_error(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { shares = [[0.2], 0.3, 0.5]; };\n",
                "scenarios/x.cfg:2: syntax error: an array [ ... ] holds only plain numbers, "
                "strings or booleans, not groups, lists or arrays");
}

static void test_group_or_list_in_an_array_is_a_syntax_error(void **state)
{
    (void)state;
    EXPECT_FILE("name = \"x\";\necon = { shares = [0.2,\n  { dist = \"beta\"; }, 0.5]; };\n",
                "scenarios/x.cfg:3: syntax error: an array [ ... ] holds only plain numbers, "
                "strings or booleans, not groups, lists or arrays");
    EXPECT_FILE("name = \"x\";\necon = { shares = [0.2, (0.3), 0.5]; };\n",
                "scenarios/x.cfg:2: syntax error: an array [ ... ] holds only plain numbers, "
                "strings or booleans, not groups, lists or arrays");
}

static void test_mixed_int_and_float_array_asks_for_decimal_points(void **state)
{
    (void)state; /* libconfig 1.5 would say "mismatched element type in array" */
    EXPECT_FILE("name = \"x\";\necon = { shares = [0.5,\n  0, 0.5]; };\n",
                "scenarios/x.cfg:3: syntax error: an array mixes integers and decimals; write "
                "every number with a decimal point (1.0, not 1)");
    EXPECT_FILE("name = \"x\";\necon = { unit_costs = [1, 2, 3L, 4]; };\n",
                "scenarios/x.cfg:2: syntax error: an array mixes integers with and without the "
                "L suffix");
    EXPECT_FILE("name = \"x\";\necon = { unit_costs = [1, true, 3, 4]; };\n",
                "scenarios/x.cfg:2: syntax error: the elements of an array must all have the "
                "same type");
}

static void test_trailing_comma_in_an_array(void **state)
{
    (void)state; /* a syntax error to libconfig 1.5 */
    EXPECT_FILE("name = \"x\";\necon = { shares = [0.2, 0.3, 0.5,\n]; };\n",
                "scenarios/x.cfg:3: syntax error: ',' after the last element of an array "
                "(remove it)");
    EXPECT_FILE("name = \"x\";\nrun = { seed = (1, 2,); };\n",
                "scenarios/x.cfg:2: syntax error: ',' after the last element of a list "
                "(remove it)");
}

static void test_child_replaces_the_whole_parent_array(void **state)
{
    (void)state;
    write_file("scenarios/p.cfg", "name = \"p\";\necon = {\n  shares = [0.1, 0.2, 0.7];\n"
                                  "  unit_costs = [1.0, 2.0, 3.0, 4.0];\n};\n");
    write_file("scenarios/x.cfg", "base = \"p.cfg\";\necon = { shares = [0.6, 0.4, 0.0]; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    check_diags(cfg, DIAGS(NULL));
    check_floats(cfg, "econ.shares", (const double[]){0.6, 0.4, 0.0}, 3);
    check_floats(cfg, "econ.unit_costs", (const double[]){1, 2, 3, 4}, 4);
    char buf[64];
    assert_string_equal(sim_cfg_origin_text(cfg, key("econ.shares"), buf, sizeof buf),
                        "scenarios/x.cfg:2");
    assert_string_equal(sim_cfg_origin_text(cfg, key("econ.unit_costs"), buf, sizeof buf),
                        "scenarios/p.cfg:4");
    sim_cfg_destroy(cfg);
}

static void test_set_float_array(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\necon = { shares = [0.1, 0.2, 0.7]; };\n");
    const char *sets[] = {"econ.shares=[0.5,0.25,0.25]", "econ.unit_costs = [ 1, 2, 3, 4 ];"};
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", sets, 2);
    check_diags(cfg, DIAGS(NULL));
    check_floats(cfg, "econ.shares", (const double[]){0.5, 0.25, 0.25}, 3);
    check_floats(cfg, "econ.unit_costs", (const double[]){1, 2, 3, 4}, 4);
    assert_int_equal(sim_cfg_origin(cfg, key("econ.shares"), NULL, NULL), SIM_CFG_SET);
    sim_cfg_destroy(cfg);
}

static void test_set_float_array_wrong_length(void **state)
{
    (void)state;
    EXPECT_SET("econ.shares=[0.5,0.5]", "--set: econ.shares: must have 3 values (got 2)");
}

static void test_set_float_array_bad_elements(void **state)
{
    (void)state;
    EXPECT_SET("econ.shares=[0.1, -0.2, 1.1]",
               "--set: econ.shares[1]: must be >= 0 (got -0.2)",
               "--set: econ.shares[2]: must be <= 1 (got 1.1)");
}

static void test_set_float_array_sum(void **state)
{
    (void)state;
    EXPECT_SET("econ.shares=[0.1,0.1,0.1]", "--set: econ.shares: must sum to 1 (got 0.3)");
}

static void test_set_float_array_without_brackets(void **state)
{
    (void)state;
    EXPECT_SET("econ.shares=0.2,0.3,0.5",
               "--set: econ.shares: expected an array of 3 numbers [a, b, ...] (got 0.2,0.3,0.5)");
}

static void test_set_mixed_float_array(void **state)
{
    (void)state;
    EXPECT_SET("econ.shares=[1, 0.0, 0.0]",
               "--set: econ.shares: an array mixes integers and decimals; write every number "
               "with a decimal point (1.0, not 1) (got [1, 0.0, 0.0])");
}

static void test_set_non_finite_array_element(void **state)
{
    (void)state;
    EXPECT_SET("econ.unit_costs=[1.0, 2.0, -1e999, 4.0]",
               "--set: econ.unit_costs[2]: must be a finite number (got -1e999)");
}

static void test_required_float_array(void **state)
{
    (void)state;
    const struct sim_cfg_key keys[] = {
        {.path = "w", .type = SIM_CFG_FLOAT_ARRAY, .flags = SIM_CFG_REQUIRED, .unit = "",
         .count = 3, .desc = "", .source = "", SIM_CFG_FIELD(TP, shares)},
    };
    const struct sim_cfg_schema sc = {.keys = keys, .nkeys = 1,
                                      .params_size = sizeof(struct tparams)};
    write_file("scenarios/x.cfg", "\n");
    struct sim_cfg *cfg = sim_cfg_create(&sc, NULL);
    assert_non_null(cfg);
    sim_cfg_resolve(cfg, "scenarios/x.cfg", NULL, 0, NULL);
    check_diags(cfg, DIAGS("scenarios/x.cfg: w: missing required key"));
    size_t n = 99;
    assert_null(sim_cfg_get_floats(cfg, 0, &n));
    assert_int_equal(n, 0);
    sim_cfg_destroy(cfg);
    cfg = sim_cfg_create(&sc, NULL);
    const char *sets[] = {"w=[1.5, 2.5, 3.5]"};
    assert_int_equal(sim_cfg_resolve(cfg, NULL, sets, 1, NULL), 0);
    assert_non_null(sim_cfg_get_floats(cfg, 0, NULL));
    assert_true(sim_cfg_get_floats(cfg, 0, NULL)[2] == 3.5);
    sim_cfg_destroy(cfg);
}

static void test_float_array_getters_of_other_types(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    size_t n = 99;
    assert_null(sim_cfg_get_floats(cfg, key("econ.cost"), &n));
    assert_int_equal(n, 0);
    assert_null(sim_cfg_get_floats(cfg, tschema.nkeys, &n));
    assert_true(sim_cfg_get_float(cfg, key("econ.shares")) == 0.0);
    assert_null(sim_cfg_get_dist(cfg, key("econ.shares")));
    char buf[80];
    assert_string_equal(sim_cfg_value_text(cfg, key("econ.unit_costs"), buf, sizeof buf),
                        "[100.0, 250.5, 0.0, 1000000.0]");
    sim_cfg_destroy(cfg);
}

static void test_validate_table_shows_arrays_in_full(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\necon = { shares = [0.125, 0.375, 0.5]; };\n");
    struct sim_cfg *cfg = resolve("scenarios/x.cfg", NULL, 0);
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    assert_non_null(mem);
    assert_int_equal(sim_cfg_print(cfg, mem), 0);
    assert_int_equal(fclose(mem), 0);
    const char *row = strstr(out, "\necon.shares ");
    assert_non_null(row);
    const char *eol = strchr(row + 1, '\n');
    assert_non_null(eol);
    char line[256];
    snprintf(line, sizeof line, "%.*s", (int)(eol - row - 1), row + 1);
    assert_non_null(strstr(line, "  [0.125, 0.375, 0.5]  "));
    assert_non_null(strstr(line, "  scenarios/x.cfg:2"));
    assert_non_null(strstr(out, "[100.0, 250.5, 0.0, 1000000.0]  GBP"));
    free(out);
    sim_cfg_destroy(cfg);
}

static void test_markdown_documents_float_arrays(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    assert_non_null(mem);
    assert_int_equal(sim_cfg_schema_markdown(&tschema, mem), 0);
    assert_int_equal(fclose(mem), 0);
    assert_non_null(strstr(out, "| `econ.shares` | float array, 3 values | `[0.2, 0.3, 0.5]` | - "
                                "| each in [0, 1], summing to 1 | shares of three "
                                "| modelling choice |\n"));
    assert_non_null(strstr(out, "| `econ.unit_costs` | float array, 4 values | "
                                "`[100.0, 250.5, 0.0, 1000000.0]` | GBP | each >= 0 | "
                                "costs by sector | ref 7 |\n"));
    free(out);
    mem = open_memstream(&out, &len);
    assert_non_null(mem);
    assert_int_equal(sim_cfg_schema_print(&tschema, mem), 0);
    assert_int_equal(fclose(mem), 0);
    assert_non_null(strstr(out, "econ.unit_costs (float array, 4 values, GBP)\n    costs by sector\n"
                                "    default: [100.0, 250.5, 0.0, 1000000.0]\n"
                                "    allowed: each >= 0\n"));
    free(out);
}

static void test_schema_check_rejects_float_array_mistakes(void **state)
{
    (void)state;
    static const double half[2] = {0.5, 0.5}, over[2] = {0.5, 0.6}, neg[2] = {-1, 2};
    struct sim_cfg_key ok = {.path = "a.b", .type = SIM_CFG_FLOAT_ARRAY,
                             .flags = SIM_CFG_SUM_TO_ONE, .unit = "", .count = 2,
                             .def_floats = half, .range = "[0, 1]", .desc = "", .source = "",
                             .offset = offsetof(TP, shares), .size = 2 * sizeof(double)};
    assert_int_equal(check_one_key(ok), 0);
    struct sim_cfg_key k = ok;
    k.count = 0, k.size = 0;
    assert_int_equal(check_one_key(k), SIM_EINVAL); /* no elements */
    k = ok, k.size = sizeof(double[3]);
    assert_int_equal(check_one_key(k), SIM_EINVAL); /* field is not double[count] */
    k = ok, k.count = SIZE_MAX / 4, k.size = 16;
    assert_int_equal(check_one_key(k), SIM_EINVAL); /* count * 8 overflows */
    k = ok, k.def_floats = NULL;
    assert_int_equal(check_one_key(k), SIM_EINVAL); /* neither a default nor required */
    k = ok, k.def_floats = NULL, k.flags |= SIM_CFG_REQUIRED;
    assert_int_equal(check_one_key(k), 0);
    k = ok, k.def_floats = over;
    assert_int_equal(check_one_key(k), SIM_EINVAL); /* default sums to 1.1 */
    k = ok, k.def_floats = neg, k.flags = 0;
    assert_int_equal(check_one_key(k), SIM_EINVAL); /* default outside the range */
    k = ok, k.def_floats = over, k.flags = 0;
    assert_int_equal(check_one_key(k), 0); /* no sum required */
    k = ok, k.type = SIM_CFG_FLOAT, k.def_float = 0.5, k.size = sizeof(double);
    assert_int_equal(check_one_key(k), SIM_EINVAL); /* sum to one on a scalar */
    k.flags = 0;
    assert_int_equal(check_one_key(k), 0);
}

static void test_destroy_null_is_a_no_op(void **state)
{
    (void)state;
    sim_cfg_destroy(NULL);
}

static void test_second_load_is_refused(void **state)
{
    (void)state;
    write_file("scenarios/x.cfg", "name = \"x\";\n");
    struct sim_cfg *cfg = sim_cfg_create(&tschema, NULL);
    assert_int_equal(sim_cfg_load(cfg, "scenarios/x.cfg", NULL), 0);
    assert_int_equal(sim_cfg_load(cfg, "scenarios/x.cfg", NULL), SIM_ESTATE);
    sim_cfg_destroy(cfg);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_float_1e999_is_not_finite),
        T(test_float_minus_1e999_is_not_finite),
        T(test_nan_word_is_a_syntax_error),
        T(test_inf_word_is_a_syntax_error),
        T(test_set_nan_is_not_a_number),
        T(test_set_1e999_is_not_finite),
        T(test_int_3000000000_is_out_of_range_not_wrapped),
        T(test_int_that_wraps_to_a_valid_value_is_caught),
        T(test_int64_key_keeps_3000000000),
        T(test_int_beyond_64_bits_is_reported),
        T(test_negative_int_beyond_64_bits_is_below_minimum),
        T(test_hex_int_is_read_as_written),
        T(test_out_of_range_low),
        T(test_out_of_range_high),
        T(test_exclusive_lower_bound),
        T(test_exclusive_upper_bound),
        T(test_int_where_float_is_accepted),
        T(test_float_where_int_is_rejected),
        T(test_whole_float_where_int_is_rejected),
        T(test_string_where_number_is_rejected),
        T(test_number_where_string_is_rejected),
        T(test_bool_where_int_is_rejected),
        T(test_int_where_bool_is_rejected),
        T(test_list_and_array_where_number_are_rejected),
        T(test_scalar_where_group_is_rejected),
        T(test_bad_choice_lists_the_allowed_ones),
        T(test_choice_given_a_number),
        T(test_string_too_long),
        T(test_name_must_be_an_identifier),
        T(test_invalid_utf8_in_string_is_rejected),
        T(test_utf8_in_string_is_accepted),
        T(test_unknown_key_suggests_the_close_one),
        T(test_unknown_key_far_from_any_has_no_suggestion),
        T(test_unknown_group_suggests_the_close_one),
        T(test_key_in_the_wrong_group_suggests_its_path),
        T(test_dotted_name_explains_the_group_syntax),
        T(test_missing_required_key),
        T(test_duplicate_key_names_both_lines),
        T(test_duplicate_group_is_reported_once),
        T(test_unterminated_string),
        T(test_missing_semicolon),
        T(test_missing_semicolon_after_group),
        T(test_unclosed_brace),
        T(test_extra_closing_brace),
        T(test_mismatched_brackets),
        T(test_libconfig_syntax_error_keeps_its_line),
        T(test_unterminated_comment_is_not_silently_ignored),
        T(test_include_is_rejected_pointing_to_base),
        T(test_nul_byte_is_rejected),
        T(test_fixed_binary_garbage_is_a_syntax_error),
        T(test_random_binary_garbage_gives_one_error),
        T(test_10mb_file_is_rejected_before_parsing),
        T(test_large_file_under_the_limit_is_read),
        T(test_long_line_is_rejected),
        T(test_long_string_is_rejected),
        T(test_deep_nesting_is_rejected),
        T(test_too_many_settings_in_a_group),
        T(test_unreadable_file_names_it),
        T(test_directory_is_not_a_scenario),
        T(test_empty_file_needs_its_required_keys),
        T(test_empty_file_gives_every_default),
        T(test_inheritance_cycle_a_b_a),
        T(test_scenario_that_is_its_own_parent),
        T(test_missing_parent),
        T(test_base_must_be_a_string),
        T(test_errors_in_a_parent_name_the_parent),
        T(test_chain_of_three_child_wins_with_its_origin),
        T(test_defaults_fill_unset_keys_with_origin_default),
        T(test_load_string_resolves_base_next_to_its_name),
        T(test_set_overrides_the_file),
        T(test_set_bad_value_names_set),
        T(test_set_word_where_int),
        T(test_set_empty_value),
        T(test_set_without_equals),
        T(test_set_unknown_key_suggests),
        T(test_set_on_a_group),
        T(test_set_cannot_smuggle_a_second_setting),
        T(test_set_bad_choice),
        T(test_set_distribution),
        T(test_set_bad_distribution_member),
        T(test_unknown_distribution),
        T(test_distribution_without_dist),
        T(test_beta_sd_too_large_for_its_mean),
        T(test_negative_sd),
        T(test_distribution_missing_mean),
        T(test_distribution_member_of_another_distribution),
        T(test_distribution_member_not_a_number),
        T(test_distribution_member_not_finite),
        T(test_beta_mean_outside_zero_one),
        T(test_triangular_min_above_mode),
        T(test_uniform_min_not_below_max),
        T(test_uniform_outside_the_key_range),
        T(test_distribution_on_an_int_key),
        T(test_beta_on_a_key_narrower_than_zero_one),
        T(test_gamma_on_a_probability),
        T(test_wide_normal_on_a_probability),
        T(test_every_problem_in_a_file_is_reported),
        T(test_files_then_set_problems_in_order),
        T(test_diagnostics_are_capped_but_all_counted),
        T(test_first_error_and_count_reach_sim_err),
        T(test_libconfig_variants_are_accepted),
        T(test_fill_writes_the_struct),
        T(test_fill_refuses_an_invalid_scenario),
        T(test_resolved_text_round_trips),
        T(test_resolved_text_with_origins_still_parses),
        T(test_beta_draws_match_mean_and_sd),
        T(test_gamma_draws_match_mean_and_sd),
        T(test_lognormal_draws_match_mean_and_sd),
        T(test_normal_draws_match_mean_and_sd),
        T(test_uniform_draws_match_mean_and_sd),
        T(test_triangular_draws_match_mean_and_sd),
        T(test_draws_stay_inside_the_key_range),
        T(test_dist_keys_lists_distribution_valued_keys),
        T(test_params_set_float_checks_the_range),
        T(test_schema_check_accepts_the_test_table),
        T(test_schema_check_rejects_mistakes),
        T(test_float_array_is_accepted),
        T(test_ints_are_accepted_in_a_float_array),
        T(test_float_array_of_the_wrong_length),
        T(test_empty_float_array_has_the_wrong_length),
        T(test_bad_array_element_is_named_by_index_and_line),
        T(test_non_finite_array_element),
        T(test_strings_in_a_float_array),
        T(test_shares_must_sum_to_one),
        T(test_shares_within_1e6_of_one_are_accepted_as_written),
        T(test_scalar_list_or_string_where_array_expected),
        T(test_array_where_scalar_expected),
        T(test_distribution_on_an_array_key),
        T(test_array_nested_in_an_array_is_a_syntax_error),
        T(test_group_or_list_in_an_array_is_a_syntax_error),
        T(test_mixed_int_and_float_array_asks_for_decimal_points),
        T(test_trailing_comma_in_an_array),
        T(test_child_replaces_the_whole_parent_array),
        T(test_set_float_array),
        T(test_set_float_array_wrong_length),
        T(test_set_float_array_bad_elements),
        T(test_set_float_array_sum),
        T(test_set_float_array_without_brackets),
        T(test_set_mixed_float_array),
        T(test_set_non_finite_array_element),
        T(test_required_float_array),
        T(test_float_array_getters_of_other_types),
        T(test_validate_table_shows_arrays_in_full),
        T(test_markdown_documents_float_arrays),
        T(test_schema_check_rejects_float_array_mistakes),
        T(test_destroy_null_is_a_no_op),
        T(test_second_load_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
