/* tests/test_results.c — tests of output/results: tables, summaries and string-array
 * attributes round-trip through HDF5, listing a group's datasets, the on-disk layout (checked with the HDF5 API directly, which only tests and
 * output/ may include), root attributes, the temporary-file-and-rename protocol under
 * errors and kills, and reading malformed files. Every test works in its own temporary
 * directory under /tmp, removed afterwards.
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "output/results.h"
#include "sim/err.h"

/* t quantiles from tables (R: qt(0.975, 9), qt(0.975, 8)). */
#define T_975_9 2.262157162798205
#define T_975_8 2.306004135204166

/* ---- fixture: a temporary directory --------------------------------------------------- */

struct fixture {
    char dir[64];     /* the temporary directory */
    char target[128]; /* <dir>/results.h5, the usual target */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/caresim-test-results-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->target, sizeof f->target, "%s/results.h5", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    int rc = testutil_remove_tree(f->dir);
    free(f);
    return rc;
}

/* ---- helpers --------------------------------------------------------------------------- */

static const struct out_provenance prov = {
    .version = "0.3.0",
    .git_commit = "0123456789abcdef0123456789abcdef01234567",
    .command_line = "caresim run scenarios/base.cfg -r 10 -o results.h5",
    .master_seed = UINT64_C(0xFEDCBA9876543210), /* above 2^63: must survive as unsigned */
    .started_utc = "2024-05-01T12:00:00Z",
    .finished_utc = "2024-05-01T12:34:56Z",
    .host = "testhost",
    .threads = 7,
};

static const struct out_column three_cols[] = {
    {"cost", "GBP", "total cost to the payer"},
    {"qalys", "QALY", "discounted quality-adjusted life-years"},
    {"wait_days", "days", "mean wait for a GP appointment"},
};

/* Number of entries in dir, other than . and ..; the first one's name into first. */
static int count_entries(const char *dir, char *first, size_t size)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            if (n++ == 0 && first)
                snprintf(first, size, "%s", e->d_name);
        }
    closedir(d);
    return n;
}


/* Fills n_rows x 3 values, row r = (1000 + r, 0.5 * r, fill). */
static double *make_values(size_t n_rows, double fill)
{
    double *v = malloc(n_rows * 3 * sizeof *v);
    assert_non_null(v);
    for (size_t r = 0; r < n_rows; r++) {
        v[3 * r] = 1000.0 + (double)r;
        v[3 * r + 1] = 0.5 * (double)r;
        v[3 * r + 2] = fill;
    }
    return v;
}

/* n x 3 values with random bits (xorshift64*), which deflate cannot shrink. */
static double *noise_values(size_t n)
{
    double *v = malloc(n * 3 * sizeof *v);
    assert_non_null(v);
    uint64_t x = 88172645463325252u;
    for (size_t i = 0; i < 3 * n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        v[i] = (double)(x * 2685821657736338717u >> 11) * 0x1p-53;
    }
    return v;
}

/* Writes and commits a file with scenario "base" and table "replications" of n_rows rows
 * whose third column is all `fill`. */
static void write_file(const char *target, size_t n_rows, double fill)
{
    struct sim_err err;
    sim_err_clear(&err);
    double *v = make_values(n_rows, fill);
    struct out_table t = {"replications", "one row per replication", 3, three_cols, n_rows, v};
    struct out_writer *w = out_writer_create(target, &prov, &err);
    assert_non_null(w);
    assert_int_equal(out_writer_add_scenario(w, "base", "gp = { capacity = 30; };\n", &err), 0);
    assert_int_equal(out_writer_add_table(w, "/scenarios/base", &t, &err), 0);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);
    free(v);
}

/* Opens target and reads a table, failing the test on any error. */
static struct out_table *read_table(const char *target, const char *path)
{
    struct sim_err err;
    sim_err_clear(&err);
    struct out_file *f = out_file_open(target, &err);
    assert_non_null(f);
    struct out_table *t = NULL;
    assert_int_equal(out_file_read_table(f, path, &t, &err), 0);
    assert_non_null(t);
    out_file_close(f);
    return t;
}

/* Writes a one-column table of the given values and its summary, reads the summary back. */
static struct out_summary *summary_of(const char *target, const double *x, size_t n)
{
    struct sim_err err;
    sim_err_clear(&err);
    struct out_column col = {"cost", "GBP", "cost"};
    struct out_table t = {"replications", "", 1, &col, n, x};
    struct out_writer *w = out_writer_create(target, &prov, &err);
    assert_non_null(w);
    assert_int_equal(out_writer_add_summary(w, "/scenarios/base", &t, &err), 0);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);
    struct out_file *f = out_file_open(target, &err);
    assert_non_null(f);
    struct out_summary *s = NULL;
    assert_int_equal(out_file_read_summary(f, "/scenarios/base/summary", &s, &err), 0);
    out_file_close(f);
    return s;
}

/* fork(), with the child's fatal-signal handlers back to the defaults: cmocka catches
 * SIGSEGV and friends to report a failure and go on with the next test, which in a child
 * would run the rest of the suite a second time instead of letting the child die. */
static pid_t fork_child(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS};
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            signal(sigs[i], SIG_DFL);
    }
    return pid;
}

/* Dataset creation properties of a dataset, through HDF5 directly. */
static hid_t dcpl_of(const char *target, const char *path, hid_t *file)
{
    *file = H5Fopen(target, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(*file >= 0);
    hid_t d = H5Dopen2(*file, path, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t dcpl = H5Dget_create_plist(d);
    assert_true(dcpl >= 0);
    H5Dclose(d);
    return dcpl;
}

/* ---- tables ---------------------------------------------------------------------------- */

static void test_table_round_trip_is_bit_identical(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    /* Values chosen to catch any conversion: signed zero, subnormal, extremes, infinities,
     * a NaN, and numbers with all 53 bits significant. */
    const double v[] = {-0.0, DBL_TRUE_MIN, DBL_MAX,  -DBL_MAX, INFINITY, -INFINITY,
                        NAN,  M_PI,         1.0 / 3., 1e-300,   -7.25,    123456789.123456789};
    struct out_table t = {"replications", "one row per replication", 3, three_cols, 4, v};
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_non_null(w);
    assert_int_equal(out_writer_add_table(w, "/scenarios/base", &t, &err), 0);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);

    struct out_table *r = read_table(f->target, "/scenarios/base/replications");
    assert_string_equal(r->name, "replications");
    assert_string_equal(r->desc, "one row per replication");
    assert_int_equal(r->n_cols, 3);
    assert_int_equal(r->n_rows, 4);
    for (size_t c = 0; c < 3; c++) {
        assert_string_equal(r->cols[c].name, three_cols[c].name);
        assert_string_equal(r->cols[c].unit, three_cols[c].unit);
        assert_string_equal(r->cols[c].desc, three_cols[c].desc);
    }
    assert_memory_equal(r->values, v, sizeof v);
    out_table_destroy(r);
}

/* A table written in pieces reads back as the same table written whole: 2500 rows
 * appended as 1, 999, 0 and 1500 rows, with its columns and description; truncating keeps
 * the first rows; a discarding writer's appender only counts. */
static void test_table_appended_in_pieces_reads_back_whole(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    double *v = make_values(2500, 7.0);
    struct out_table t = {"timeseries", "rows in pieces", 3, three_cols, 0, NULL};
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_non_null(w);
    struct out_appender *a = NULL, *b = NULL;
    assert_int_equal(out_writer_begin_table(w, "/scenarios/base", &t, &a, &err), 0);
    assert_int_equal(out_appender_add(a, v, 1, &err), 0);
    assert_int_equal(out_appender_add(a, v + 3, 999, &err), 0);
    assert_int_equal(out_appender_add(a, v + 3000, 0, &err), 0);
    assert_int_equal(out_appender_add(a, v + 3000, 1500, &err), 0);
    assert_int_equal(out_appender_rows(a), 2500);
    t.name = "kept";
    assert_int_equal(out_writer_begin_table(w, "/scenarios/base", &t, &b, &err), 0);
    assert_int_equal(out_appender_add(b, v, 30, &err), 0);
    assert_int_equal(out_appender_truncate(b, 12, &err), 0);
    assert_int_equal(out_appender_truncate(b, 13, &err), SIM_EINVAL); /* cannot grow */
    assert_int_equal(out_writer_begin_table(w, "/scenarios/base", &t, &b, &err), SIM_EINVAL);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);

    struct out_table *r = read_table(f->target, "/scenarios/base/timeseries");
    assert_int_equal(r->n_rows, 2500);
    assert_string_equal(r->desc, "rows in pieces");
    assert_string_equal(r->cols[2].unit, "days");
    assert_memory_equal(r->values, v, 2500 * 3 * sizeof *v);
    out_table_destroy(r);
    r = read_table(f->target, "/scenarios/base/kept");
    assert_int_equal(r->n_rows, 12);
    assert_memory_equal(r->values, v, 12 * 3 * sizeof *v);
    out_table_destroy(r);

    struct out_writer *d = out_writer_create_discard(&err);
    assert_non_null(d);
    assert_int_equal(out_writer_begin_table(d, "/x", &t, &a, &err), 0);
    assert_int_equal(out_appender_add(a, v, 5, &err), 0);
    assert_int_equal(out_appender_rows(a), 5);
    assert_int_equal(out_writer_commit(d, &err), 0);
    out_writer_destroy(d);
    free(v);
}

static void test_table_with_no_rows_round_trips(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    struct out_table t = {"timeseries", "per month", 3, three_cols, 0, NULL};
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_non_null(w);
    assert_int_equal(out_writer_add_table(w, "/scenarios/base", &t, &err), 0);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);

    struct out_table *r = read_table(f->target, "/scenarios/base/timeseries");
    assert_int_equal(r->n_rows, 0);
    assert_int_equal(r->n_cols, 3);
    assert_string_equal(r->cols[2].name, "wait_days");
    out_table_destroy(r);
}

static void test_null_units_and_descriptions_read_back_empty(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    const struct out_column cols[] = {{"deaths", NULL, NULL}};
    const double v[] = {3.0};
    struct out_table t = {"counts", NULL, 1, cols, 1, v};
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_non_null(w);
    assert_int_equal(out_writer_add_table(w, "/", &t, &err), 0);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);

    struct out_table *r = read_table(f->target, "/counts");
    assert_string_equal(r->desc, "");
    assert_string_equal(r->cols[0].unit, "");
    assert_string_equal(r->cols[0].desc, "");
    assert_near(r->values[0], 3.0, 0.0);
    out_table_destroy(r);
}

static void test_large_table_is_chunked_and_deflated(void **state)
{
    struct fixture *f = *state;
    size_t n = 5 * OUT_CHUNK_MIN_ROWS;
    write_file(f->target, n, 42.0);
    hid_t file;
    hid_t dcpl = dcpl_of(f->target, "/scenarios/base/replications", &file);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
    int nf = H5Pget_nfilters(dcpl);
    int deflate_level = -1;
    for (int i = 0; i < nf; i++) {
        unsigned flags, cd[4];
        size_t ncd = 4;
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, 0, NULL, NULL);
        if (id == H5Z_FILTER_DEFLATE && ncd >= 1)
            deflate_level = (int)cd[0];
    }
    assert_int_equal(deflate_level, 4);
    H5Pclose(dcpl);
    H5Fclose(file);

    /* Compression must not change a value. */
    struct out_table *r = read_table(f->target, "/scenarios/base/replications");
    double *v = make_values(n, 42.0);
    assert_int_equal(r->n_rows, n);
    assert_memory_equal(r->values, v, n * 3 * sizeof *v);
    free(v);
    out_table_destroy(r);
}

static void test_small_table_is_contiguous(void **state)
{
    struct fixture *f = *state;
    write_file(f->target, OUT_CHUNK_MIN_ROWS, 1.0);
    hid_t file;
    hid_t dcpl = dcpl_of(f->target, "/scenarios/base/replications", &file);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CONTIGUOUS);
    assert_int_equal(H5Pget_nfilters(dcpl), 0);
    H5Pclose(dcpl);
    H5Fclose(file);
}

/* h5py and pandas see one named field per column: the dataset's type is a compound of
 * 64-bit little-endian floats named like the columns, with the unit attributes alongside. */
static void test_table_is_compound_of_named_doubles(void **state)
{
    struct fixture *f = *state;
    write_file(f->target, 3, 1.0);
    hid_t file = H5Fopen(f->target, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(file, "/scenarios/base/replications", H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t type = H5Dget_type(d);
    assert_int_equal(H5Tget_class(type), H5T_COMPOUND);
    assert_int_equal(H5Tget_nmembers(type), 3);
    for (unsigned i = 0; i < 3; i++) {
        char *name = H5Tget_member_name(type, i);
        assert_string_equal(name, three_cols[i].name);
        H5free_memory(name);
        hid_t m = H5Tget_member_type(type, i);
        assert_true(H5Tequal(m, H5T_IEEE_F64LE) > 0);
        H5Tclose(m);
    }
    assert_true(H5Aexists(d, "units") > 0);
    assert_true(H5Aexists(d, "columns") > 0);
    assert_true(H5Aexists(d, "column_descriptions") > 0);
    assert_true(H5Aexists(d, "description") > 0);
    H5Tclose(type);
    H5Dclose(d);
    H5Fclose(file);
}

static void test_malformed_tables_are_rejected(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    const double v[] = {1, 2, 3};
    const struct out_column dup[] = {{"a", "", ""}, {"a", "", ""}};
    const struct out_column unnamed[] = {{"", "", ""}};
    struct out_writer *w = out_writer_create(f->target, &prov, NULL);
    assert_non_null(w);
    struct {
        struct out_table t;  /* the table */
        const char *group;   /* where to write it */
        const char *message; /* part of the expected message */
    } bad[] = {
        {{"t", "", 2, dup, 1, v}, "/", "'a' appears twice"},
        {{"t", "", 1, unnamed, 1, v}, "/", "column 1 has no name"},
        {{"t", "", 0, three_cols, 1, v}, "/", "no columns"},
        {{"t", "", 3, three_cols, 1, NULL}, "/", "no values"},
        {{"a/b", "", 3, three_cols, 1, v}, "/", "contains '/'"},
        {{"..", "", 3, three_cols, 1, v}, "/", "'..'"},
        {{"t", "", 3, three_cols, 1, v}, "scenarios", "not an absolute path"},
        {{"t", "", 3, three_cols, 1, v}, "/a//b", "not an absolute path"},
        {{"t", "", 3, three_cols, 1, v}, "/a/", "not an absolute path"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sim_err_clear(&err);
        assert_int_equal(out_writer_add_table(w, bad[i].group, &bad[i].t, &err), SIM_EINVAL);
        if (!strstr(err.msg, bad[i].message))
            fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg, bad[i].message);
    }
    /* Rejected before touching the file, so the file is still good. */
    sim_err_clear(&err);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);
}

static void test_duplicate_table_is_rejected_and_file_stays_usable(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    const double v[] = {1, 2, 3};
    struct out_table t = {"replications", "", 3, three_cols, 1, v};
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_int_equal(out_writer_add_table(w, "/scenarios/base", &t, &err), 0);
    assert_int_equal(out_writer_add_table(w, "/scenarios/base", &t, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "/scenarios/base/replications already exists"));
    assert_int_equal(out_writer_add_scenario(w, "base", "x = 1;", &err), SIM_EINVAL);
    /* A table under a dataset: refused, and the file is still fine. */
    sim_err_clear(&err);
    assert_int_equal(out_writer_add_table(w, "/scenarios/base/replications", &t, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "cannot create /scenarios/base/replications/replications: "
                                    "/scenarios/base/replications is not a group"));
    sim_err_clear(&err);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);
    struct out_table *r = read_table(f->target, "/scenarios/base/replications");
    assert_int_equal(r->n_rows, 1);
    out_table_destroy(r);
}

/* ---- summary ---------------------------------------------------------------------------- */

static void test_summary_of_one_to_ten_matches_hand_computation(void **state)
{
    struct fixture *f = *state;
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = i + 1;
    struct out_summary *s = summary_of(f->target, x, 10);
    assert_int_equal(s->n_rows, 1);
    const struct out_summary_row *r = &s->rows[0];
    assert_string_equal(r->outcome, "cost");
    assert_string_equal(r->unit, "GBP");
    assert_int_equal(r->n, 10);
    /* sd = sqrt(82.5 / 9); hw = t_{0.975,9} sd / sqrt(10). Tolerances: a few ulps of the
     * values involved (the t quantile is GSL's, accurate to ~1e-15 relative). */
    double sd = 3.0276503540974917, hw = T_975_9 * sd / sqrt(10.0);
    assert_near(r->mean, 5.5, 1e-15);
    assert_near(r->sd, sd, 1e-14);
    assert_near(r->ci_low, 5.5 - hw, 1e-13);
    assert_near(r->ci_high, 5.5 + hw, 1e-13);
    out_summary_destroy(s);
}

static void test_summary_leaves_out_nan_values(void **state)
{
    struct fixture *f = *state;
    double x[10];
    for (int i = 0; i < 9; i++)
        x[i] = i + 1;
    x[9] = NAN; /* a replication in which the outcome was undefined */
    struct out_summary *s = summary_of(f->target, x, 10);
    const struct out_summary_row *r = &s->rows[0];
    /* 1..9: mean 5, variance 60 / 8 = 7.5. */
    double sd = sqrt(7.5), hw = T_975_8 * sd / 3.0;
    assert_int_equal(r->n, 9);
    assert_near(r->mean, 5.0, 1e-15);
    assert_near(r->sd, sd, 1e-14);
    assert_near(r->ci_low, 5.0 - hw, 1e-13);
    assert_near(r->ci_high, 5.0 + hw, 1e-13);
    out_summary_destroy(s);
}

static void test_summary_of_one_value_has_no_interval(void **state)
{
    struct fixture *f = *state;
    double x[] = {4.25};
    struct out_summary *s = summary_of(f->target, x, 1);
    const struct out_summary_row *r = &s->rows[0];
    assert_int_equal(r->n, 1);
    assert_near(r->mean, 4.25, 0.0);
    assert_true(isnan(r->sd));
    assert_true(isnan(r->ci_low));
    assert_true(isnan(r->ci_high));
    out_summary_destroy(s);
}

static void test_summary_has_one_row_per_column_in_order(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    /* Two replications of three outcomes; the third is constant (sd 0, a point CI). */
    const double v[] = {10, 1, 2, 20, 3, 2};
    struct out_table t = {"replications", "", 3, three_cols, 2, v};
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_int_equal(out_writer_add_summary(w, "/scenarios/base", &t, &err), 0);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);
    struct out_file *file = out_file_open(f->target, &err);
    struct out_summary *s = NULL;
    assert_int_equal(out_file_read_summary(file, "/scenarios/base/summary", &s, &err), 0);
    out_file_close(file);
    assert_int_equal(s->n_rows, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(s->rows[i].outcome, three_cols[i].name);
        assert_string_equal(s->rows[i].unit, three_cols[i].unit);
        assert_int_equal(s->rows[i].n, 2);
    }
    assert_near(s->rows[0].mean, 15.0, 0.0);
    assert_near(s->rows[1].sd, sqrt(2.0), 1e-15);
    assert_near(s->rows[2].ci_low, 2.0, 0.0);
    assert_near(s->rows[2].ci_high, 2.0, 0.0);
    out_summary_destroy(s);
}

/* ---- root attributes, scenarios, config ------------------------------------------------- */

static void test_root_attributes_present_and_correct(void **state)
{
    struct fixture *f = *state;
    write_file(f->target, 2, 1.0);
    struct sim_err err;
    sim_err_clear(&err);
    struct out_file *file = out_file_open(f->target, &err);
    assert_non_null(file);
    struct out_info *info = NULL;
    assert_int_equal(out_file_read_info(file, &info, &err), 0);
    out_file_close(file);
    assert_string_equal(info->version, prov.version);
    assert_string_equal(info->git_commit, prov.git_commit);
    assert_string_equal(info->command_line, prov.command_line);
    assert_true(info->master_seed == prov.master_seed);
    assert_string_equal(info->started_utc, prov.started_utc);
    assert_string_equal(info->finished_utc, prov.finished_utc);
    assert_string_equal(info->host, prov.host);
    assert_int_equal(info->threads, 7);
    assert_int_equal(info->partial, 0);
    assert_int_equal(info->format_version, OUT_FORMAT_VERSION);
    /* created: now, as YYYY-MM-DDTHH:MM:SSZ. */
    assert_int_equal(strlen(info->created_utc), 20);
    assert_int_equal(info->created_utc[10], 'T');
    assert_int_equal(info->created_utc[19], 'Z');
    out_info_destroy(info);

    /* The seed is stored as an unsigned 64-bit integer, so h5py/R read the same number. */
    hid_t h = H5Fopen(f->target, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t a = H5Aopen(h, "master_seed", H5P_DEFAULT);
    hid_t t = H5Aget_type(a);
    assert_int_equal(H5Tget_class(t), H5T_INTEGER);
    assert_int_equal(H5Tget_sign(t), H5T_SGN_NONE);
    assert_int_equal(H5Tget_size(t), 8);
    H5Tclose(t);
    H5Aclose(a);
    H5Fclose(h);
}

static void test_finished_defaults_to_commit_time(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    struct out_provenance p = prov;
    p.finished_utc = NULL;
    p.host = NULL;
    struct out_writer *w = out_writer_create(f->target, &p, &err);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);
    struct out_file *file = out_file_open(f->target, &err);
    struct out_info *info = NULL;
    assert_int_equal(out_file_read_info(file, &info, &err), 0);
    out_file_close(file);
    assert_int_equal(strlen(info->finished_utc), 20);
    assert_true(strcmp(info->finished_utc, info->created_utc) >= 0); /* ISO sorts by time */
    assert_string_equal(info->host, "");
    out_info_destroy(info);
}

static void test_partial_flag_is_written(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_int_equal(out_writer_set_partial(w, 1, &err), 0);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);
    struct out_file *file = out_file_open(f->target, &err);
    struct out_info *info = NULL;
    assert_int_equal(out_file_read_info(file, &info, &err), 0);
    out_file_close(file);
    assert_int_equal(info->partial, 1);
    out_info_destroy(info);
}

static void test_config_text_round_trips(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    const char *text = "base = \"base.cfg\";\n"
                       "population = { name = \"Zürich – région\"; size = 100000; };\n"
                       "gp = { capacity = 30; };\n";
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_int_equal(out_writer_add_scenario(w, "reform", text, &err), 0);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);
    struct out_file *file = out_file_open(f->target, &err);
    char *got = NULL;
    assert_int_equal(out_file_read_config(file, "reform", &got, &err), 0);
    assert_string_equal(got, text);
    free(got);
    assert_int_equal(out_file_read_config(file, "nosuch", &got, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "no dataset /scenarios/nosuch/config"));
    out_file_close(file);
}

static void test_scenarios_listed_in_order_written(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    const char *names[] = {"zeta", "alpha", "mid"};
    for (int i = 0; i < 3; i++)
        assert_int_equal(out_writer_add_scenario(w, names[i], "", &err), 0);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);
    struct out_file *file = out_file_open(f->target, &err);
    char **got = NULL;
    size_t n = 0;
    assert_int_equal(out_file_list_scenarios(file, &got, &n, &err), 0);
    out_file_close(file);
    assert_int_equal(n, 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(got[i], names[i]);
    assert_null(got[3]);
    free(got);
}

/* A string-array attribute on a table reads back in order (a NULL entry as ""), a second
 * write replaces it, and the bad calls are refused without abandoning the file. */
static void test_attribute_strings_round_trip_and_bad_calls_are_refused(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    double v[6] = {0};
    struct out_table t = {"ledger", "flows", 3, three_cols, 2, v};
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_non_null(w);
    assert_int_equal(out_writer_add_table(w, "/scenarios/base", &t, &err), 0);
    const char *first[] = {"x", "y"}, *names[] = {"payer", NULL, "general practice, 2"};
    assert_int_equal(out_writer_add_attr_strings(w, "/scenarios/base/ledger", "party_names",
                                                 first, 2, &err), 0);
    assert_int_equal(out_writer_add_attr_strings(w, "/scenarios/base/ledger", "party_names",
                                                 names, 3, &err), 0);
    assert_int_equal(out_writer_add_attr_strings(w, "/scenarios/base", "on_group", first, 1,
                                                 &err), 0);
    sim_err_clear(&err);
    assert_int_equal(out_writer_add_attr_strings(w, "/scenarios/base/nosuch", "a", names, 3,
                                                 &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "no object /scenarios/base/nosuch"));
    assert_int_equal(out_writer_add_attr_strings(w, "/scenarios/base/ledger", "", names, 3,
                                                 &err), SIM_EINVAL);
    assert_int_equal(out_writer_add_attr_strings(w, "/scenarios/base/ledger", "a", names, 0,
                                                 &err), SIM_EINVAL);
    assert_int_equal(out_writer_add_attr_strings(w, "scenarios", "a", names, 3, &err),
                     SIM_EINVAL);
    assert_int_equal(out_writer_commit(w, &err), 0); /* still usable */
    out_writer_destroy(w);

    struct out_file *file = out_file_open(f->target, &err);
    assert_non_null(file);
    char **got = NULL;
    size_t n = 0;
    assert_int_equal(out_file_read_attr_strings(file, "/scenarios/base/ledger", "party_names",
                                                &got, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(got[0], "payer");
    assert_string_equal(got[1], "");
    assert_string_equal(got[2], "general practice, 2");
    assert_null(got[3]);
    free(got);
    assert_int_equal(out_file_read_attr_strings(file, "/scenarios/base", "on_group", &got, NULL,
                                                &err), 0);
    assert_string_equal(got[0], "x");
    assert_null(got[1]);
    free(got);
    /* A single string reads as one entry. */
    assert_int_equal(out_file_read_attr_strings(file, "/scenarios/base/ledger", "description",
                                                &got, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(got[0], "flows");
    free(got);
    sim_err_clear(&err);
    assert_int_equal(out_file_read_attr_strings(file, "/scenarios/base/ledger", "nosuch", &got,
                                                &n, &err), SIM_EINVAL);
    assert_null(got);
    assert_non_null(strstr(err.msg, "no attribute 'nosuch'"));
    sim_err_clear(&err);
    assert_int_equal(out_file_read_attr_strings(file, "/", "master_seed", &got, &n, &err),
                     SIM_EINVAL);
    assert_non_null(strstr(err.msg, "not a string"));
    out_file_close(file);
}

/* The datasets of a group list in the order written, subgroups left out; a table's rows
 * are counted without reading it, and what is not a table is refused. */
static void test_datasets_listed_in_order_written_with_row_counts(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    double *v = make_values(2000, 1.0);
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_non_null(w);
    assert_int_equal(out_writer_add_scenario(w, "base", "", &err), 0);
    const char *names[] = {"zeta", "alpha", "mid"};
    const size_t rows[] = {5, 2000, 0};
    for (int i = 0; i < 3; i++) {
        if (i == 1)
            assert_int_equal(out_writer_add_group(w, "/scenarios/base/sub", NULL, 0, &err), 0);
        struct out_table t = {names[i], "", 3, three_cols, rows[i], v};
        assert_int_equal(out_writer_add_table(w, "/scenarios/base", &t, &err), 0);
    }
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);
    free(v);

    struct out_file *file = out_file_open(f->target, &err);
    assert_non_null(file);
    char **got = NULL;
    size_t n = 0;
    assert_int_equal(out_file_list_datasets(file, "/scenarios/base", &got, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(got[0], "config");
    for (int i = 0; i < 3; i++)
        assert_string_equal(got[i + 1], names[i]);
    assert_null(got[4]);
    free(got);
    assert_int_equal(out_file_list_datasets(file, "/scenarios/none", &got, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_null(got[0]);
    free(got);
    for (int i = 0; i < 3; i++) {
        char path[64];
        size_t k = 99;
        snprintf(path, sizeof path, "/scenarios/base/%s", names[i]);
        assert_int_equal(out_file_table_rows(file, path, &k, &err), 0);
        assert_int_equal(k, rows[i]);
    }
    size_t k = 0;
    sim_err_clear(&err);
    assert_int_equal(out_file_table_rows(file, "/scenarios/base/config", &k, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "one-dimensional"));
    sim_err_clear(&err);
    assert_int_equal(out_file_table_rows(file, "/scenarios/base/nosuch", &k, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "no dataset /scenarios/base/nosuch"));
    out_file_close(file);
}

/* ---- the temporary file and the rename ------------------------------------------------- */

static void test_commit_renames_and_leaves_no_temp_file(void **state)
{
    struct fixture *f = *state;
    write_file(f->target, 10, 1.0);
    char first[256];
    assert_int_equal(count_entries(f->dir, first, sizeof first), 1);
    assert_string_equal(first, "results.h5");
}

static void test_destroy_without_commit_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_non_null(w);
    /* Until commit the data live in a hidden temporary file beside the target. */
    char first[256];
    assert_int_equal(count_entries(f->dir, first, sizeof first), 1);
    assert_memory_equal(first, ".results.h5.tmp.", strlen(".results.h5.tmp."));
    out_writer_destroy(w);
    assert_int_equal(count_entries(f->dir, NULL, 0), 0);
}

static void test_existing_target_untouched_until_commit(void **state)
{
    struct fixture *f = *state;
    write_file(f->target, 10, 1.0);
    size_t n0, n1;
    char *before = testutil_slurp(f->target, &n0);

    struct sim_err err;
    sim_err_clear(&err);
    double *v = make_values(50, 2.0);
    struct out_table t = {"replications", "", 3, three_cols, 50, v};
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_non_null(w);
    assert_int_equal(out_writer_add_table(w, "/scenarios/base", &t, &err), 0);
    out_writer_destroy(w);
    free(v);

    char *after = testutil_slurp(f->target, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
    struct out_table *r = read_table(f->target, "/scenarios/base/replications");
    assert_int_equal(r->n_rows, 10);
    out_table_destroy(r);
    assert_int_equal(count_entries(f->dir, NULL, 0), 1);
}

static void test_commit_replaces_existing_target(void **state)
{
    struct fixture *f = *state;
    write_file(f->target, 10, 1.0);
    write_file(f->target, 20, 2.0);
    struct out_table *r = read_table(f->target, "/scenarios/base/replications");
    assert_int_equal(r->n_rows, 20);
    assert_near(r->values[2], 2.0, 0.0);
    out_table_destroy(r);
    assert_int_equal(count_entries(f->dir, NULL, 0), 1);
}

static void test_calls_after_commit_are_refused(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    const double v[] = {1, 2, 3};
    struct out_table t = {"replications", "", 3, three_cols, 1, v};
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_int_equal(out_writer_commit(w, &err), 0);
    assert_int_equal(out_writer_add_table(w, "/", &t, &err), SIM_ESTATE);
    assert_non_null(strstr(err.msg, "already committed"));
    assert_int_equal(out_writer_commit(w, NULL), SIM_ESTATE);
    out_writer_destroy(w);
    out_writer_destroy(NULL);
    assert_int_equal(count_entries(f->dir, NULL, 0), 1);
}

static void test_missing_directory_gives_error_and_no_file(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    char target[256];
    snprintf(target, sizeof target, "%s/nonexistent/results.h5", f->dir);
    assert_null(out_writer_create(target, &prov, &err));
    assert_int_equal(err.code, SIM_EIO);
    assert_non_null(strstr(err.msg, target));
    assert_non_null(strstr(err.msg, strerror(ENOENT)));
    assert_int_equal(count_entries(f->dir, NULL, 0), 0);
}

static void test_parent_is_regular_file_gives_error_and_no_file(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    char plain[192], target[256];
    snprintf(plain, sizeof plain, "%s/plain", f->dir);
    assert_int_equal(testutil_write_text(plain, "not a directory\n"), 0);
    snprintf(target, sizeof target, "%s/results.h5", plain);
    assert_null(out_writer_create(target, &prov, &err));
    assert_int_equal(err.code, SIM_EIO);
    assert_non_null(strstr(err.msg, target));
    assert_non_null(strstr(err.msg, strerror(ENOTDIR)));
    assert_int_equal(count_entries(f->dir, NULL, 0), 1); /* only "plain" */
}

static void test_target_that_is_a_directory_gives_error(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    assert_null(out_writer_create(f->dir, &prov, &err));
    assert_int_equal(err.code, SIM_EINVAL);
    assert_non_null(strstr(err.msg, "is a directory"));
    assert_int_equal(count_entries(f->dir, NULL, 0), 0);
}

static void test_target_that_is_a_device_is_not_replaced(void **state)
{
    (void)state;
    struct sim_err err;
    sim_err_clear(&err);
    assert_null(out_writer_create("/dev/null", &prov, &err));
    assert_int_equal(err.code, SIM_EINVAL);
    assert_non_null(strstr(err.msg, "not a regular file"));
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(access("/dev/.null.tmp.0", F_OK), -1);
}

/* A symlink to the results keeps pointing at them: the file it points to is replaced. */
static void test_symlinked_target_keeps_its_link(void **state)
{
    struct fixture *f = *state;
    char real_dir[192], real[256], link_path[256];
    snprintf(real_dir, sizeof real_dir, "%s/data", f->dir);
    snprintf(real, sizeof real, "%s/real.h5", real_dir);
    snprintf(link_path, sizeof link_path, "%s/link.h5", f->dir);
    assert_int_equal(mkdir(real_dir, 0700), 0);
    write_file(real, 10, 1.0);
    assert_int_equal(symlink(real, link_path), 0);
    write_file(link_path, 20, 2.0);
    struct stat st;
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    struct out_table *r = read_table(real, "/scenarios/base/replications");
    assert_int_equal(r->n_rows, 20);
    out_table_destroy(r);
    assert_int_equal(count_entries(real_dir, NULL, 0), 1); /* no temporary file left */
}

/* Exit codes of the children in the write-failure tests. */
enum {
    CHILD_OK = 0,
    CHILD_NO_WRITER = 10, /* out_writer_create failed */
    CHILD_NO_FAILURE,     /* every write succeeded although the disk was full */
    CHILD_BAD_MESSAGE,    /* the error did not name the target and the reason */
    CHILD_LEFT_FILE,      /* a file was left behind */
    CHILD_SKIP,           /* no permission to mount a small file system */
};

/* In a child: writes a table too big for the space left and checks the failure; returns
 * a CHILD_* code. `reason` is the system's text expected in the message. */
static int write_too_much(const char *dir, const char *target, const char *reason)
{
    struct sim_err err;
    sim_err_clear(&err);
    size_t n = 100000; /* 2.4 MB of incompressible values */
    double *v = noise_values(n);
    struct out_table t = {"replications", "", 3, three_cols, n, v};
    struct out_writer *w = out_writer_create(target, &prov, &err);
    if (!w)
        return CHILD_NO_WRITER;
    int rc = out_writer_add_table(w, "/scenarios/base", &t, &err);
    if (rc == 0)
        rc = out_writer_commit(w, &err);
    out_writer_destroy(w);
    free(v);
    if (rc == 0)
        return CHILD_NO_FAILURE;
    if (rc != SIM_EIO || !strstr(err.msg, target) || !strstr(err.msg, reason))
        return CHILD_BAD_MESSAGE;
    return count_entries(dir, NULL, 0) == 0 ? CHILD_OK : CHILD_LEFT_FILE;
}

static int child_status(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status))
        fail_msg("child died with signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return WEXITSTATUS(status);
}

/* A real full disk: a 256 KiB tmpfs mounted in a private mount namespace of a child (so
 * nothing outside the child sees it). The write or the commit fails with an error naming
 * the target and "No space left on device", nothing is left behind, and the process then
 * exits cleanly: HDF5 1.10 crashes in its exit handler after a failed H5Fclose unless the
 * writer avoids one (see close_abandoned in output/results.c). Skipped when mounting is
 * not permitted (not root, or a restricted container). */
static void test_disk_full_leaves_no_file_and_exits_cleanly(void **state)
{
    struct fixture *f = *state;
    char small[192], target[256];
    snprintf(small, sizeof small, "%s/small", f->dir);
    snprintf(target, sizeof target, "%s/results.h5", small);
    assert_int_equal(mkdir(small, 0700), 0);
    pid_t pid = fork_child();
    if (pid == 0) {
        if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
            mount("tmpfs", small, "tmpfs", 0, "size=256k") != 0)
            _exit(CHILD_SKIP);
        /* exit(), not _exit(): HDF5's exit handler must run, and survive. */
        exit(write_too_much(small, target, strerror(ENOSPC)));
    }
    int code = child_status(pid);
    if (code == CHILD_SKIP)
        skip();
    assert_int_equal(code, CHILD_OK);
}

/* The same with a file-size limit, which works without privileges and stops root too.
 * The child leaves with _exit: under such a limit even the in-memory file that replaces an
 * abandoned one cannot grow, so HDF5's exit handler can still crash (an HDF5 1.10 bug). */
static void test_write_failure_leaves_no_file(void **state)
{
    struct fixture *f = *state;
    pid_t pid = fork_child();
    if (pid == 0) {
        struct rlimit lim = {256 * 1024, 256 * 1024};
        signal(SIGXFSZ, SIG_IGN); /* get EFBIG from write() instead of being killed */
        setrlimit(RLIMIT_FSIZE, &lim);
        _exit(write_too_much(f->dir, f->target, strerror(EFBIG)));
    }
    assert_int_equal(child_status(pid), CHILD_OK);
}

/* Starts a writer in a child that fills a big table and is killed before commit. */
static void kill_writer_before_commit(const char *target)
{
    pid_t pid = fork_child();
    if (pid == 0) {
        size_t n = 200000;
        double *v = make_values(n, 9.0);
        struct out_table t = {"replications", "", 3, three_cols, n, v};
        struct out_writer *w = out_writer_create(target, &prov, NULL);
        if (w && out_writer_add_table(w, "/scenarios/base", &t, NULL) == 0)
            raise(SIGKILL);
        _exit(1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* Removes temporary files a killed writer left in dir; returns how many. */
static int remove_leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp.")) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            assert_int_equal(unlink(path), 0);
            n++;
        }
    closedir(d);
    return n;
}

static void test_killed_writer_leaves_previous_file(void **state)
{
    struct fixture *f = *state;
    write_file(f->target, 10, 1.0);
    size_t n0, n1;
    char *before = testutil_slurp(f->target, &n0);
    kill_writer_before_commit(f->target);
    char *after = testutil_slurp(f->target, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
    assert_int_equal(remove_leftovers(f->dir), 1); /* the writer did get as far as its file */
}

static void test_killed_writer_leaves_no_target(void **state)
{
    struct fixture *f = *state;
    kill_writer_before_commit(f->target);
    assert_int_equal(access(f->target, F_OK), -1);
    assert_int_equal(remove_leftovers(f->dir), 1);
    assert_int_equal(count_entries(f->dir, NULL, 0), 0);
}

/* A child commits version after version (each table filled with its version number) and
 * is killed at an arbitrary moment, likely mid-write or mid-commit: the target must then
 * be one whole version, never a mixture or a damaged file. */
static void test_writer_killed_at_any_moment_leaves_a_whole_file(void **state)
{
    struct fixture *f = *state;
    pid_t pid = fork_child();
    if (pid == 0) {
        for (int k = 1;; k++) {
            size_t n = 20000;
            double *v = make_values(n, (double)k);
            struct out_table t = {"replications", "", 3, three_cols, n, v};
            struct out_writer *w = out_writer_create(f->target, &prov, NULL);
            if (!w || out_writer_add_table(w, "/scenarios/base", &t, NULL) < 0 ||
                out_writer_commit(w, NULL) < 0)
                _exit(1);
            out_writer_destroy(w);
            free(v);
        }
    }
    /* Wait for the first version, then let a few more be written. */
    struct timespec pause = {0, 5 * 1000 * 1000};
    for (int i = 0; i < 2000 && access(f->target, F_OK) != 0; i++)
        nanosleep(&pause, NULL);
    struct timespec more = {0, 150 * 1000 * 1000};
    nanosleep(&more, NULL);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status)); /* it did not stop by itself with an error */

    struct out_table *r = read_table(f->target, "/scenarios/base/replications");
    assert_int_equal(r->n_rows, 20000);
    double k = r->values[2];
    assert_true(k >= 1.0);
    for (size_t i = 0; i < r->n_rows; i++)
        assert_true(r->values[3 * i + 2] == k);
    out_table_destroy(r);
    remove_leftovers(f->dir);
}

/* ---- reading malformed files ------------------------------------------------------------ */

static void test_reading_missing_file_gives_error(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    assert_null(out_file_open(f->target, &err));
    assert_int_equal(err.code, SIM_EIO);
    assert_non_null(strstr(err.msg, f->target));
    assert_non_null(strstr(err.msg, strerror(ENOENT)));
}

static void test_reading_non_hdf5_file_gives_clear_error(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    assert_int_equal(testutil_write_text(f->target, "cost,qalys\n1,2\n"), 0);
    sim_err_clear(&err);
    assert_null(out_file_open(f->target, &err));
    assert_int_equal(err.code, SIM_EINVAL);
    assert_non_null(strstr(err.msg, f->target));
    assert_non_null(strstr(err.msg, "not an HDF5 file"));

    assert_int_equal(testutil_write_text(f->target, ""), 0); /* empty */
    sim_err_clear(&err);
    assert_null(out_file_open(f->target, &err));
    assert_non_null(strstr(err.msg, f->target));
}

static void test_reading_a_pipe_or_directory_gives_error(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(mkfifo(f->target, 0600), 0);
    assert_null(out_file_open(f->target, &err)); /* returns instead of blocking */
    assert_non_null(strstr(err.msg, "is not a regular file"));
    sim_err_clear(&err);
    assert_null(out_file_open(f->dir, &err));
    assert_non_null(strstr(err.msg, "is a directory"));
}

static void test_reading_truncated_file_gives_clear_error(void **state)
{
    struct fixture *f = *state;
    write_file(f->target, 5000, 1.0);
    struct stat st;
    assert_int_equal(stat(f->target, &st), 0);
    assert_int_equal(truncate(f->target, st.st_size / 2), 0);
    struct sim_err err;
    sim_err_clear(&err);
    assert_null(out_file_open(f->target, &err));
    assert_int_equal(err.code, SIM_EIO);
    assert_non_null(strstr(err.msg, f->target));
    assert_non_null(strstr(err.msg, "truncated"));
}

static void test_reading_foreign_hdf5_file_gives_clear_error(void **state)
{
    struct fixture *f = *state;
    hid_t h = H5Fcreate(f->target, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(h >= 0);
    H5Fclose(h);
    struct sim_err err;
    sim_err_clear(&err);
    assert_null(out_file_open(f->target, &err));
    assert_int_equal(err.code, SIM_EINVAL);
    assert_non_null(strstr(err.msg, "not a caresim results file"));
}

static void test_reading_missing_dataset_names_it(void **state)
{
    struct fixture *f = *state;
    write_file(f->target, 3, 1.0);
    struct sim_err err;
    sim_err_clear(&err);
    struct out_file *file = out_file_open(f->target, &err);
    struct out_table *t = (struct out_table *)1;
    assert_int_equal(out_file_read_table(file, "/scenarios/reform/replications", &t, &err),
                     SIM_EINVAL);
    assert_null(t);
    assert_non_null(strstr(err.msg, "no dataset /scenarios/reform/replications"));
    sim_err_clear(&err);
    assert_int_equal(out_file_read_table(file, "/scenarios/base", &t, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "/scenarios/base is not a dataset"));
    sim_err_clear(&err);
    assert_int_equal(out_file_read_table(file, "/scenarios/base/replications/x", &t, &err),
                     SIM_EINVAL);
    assert_non_null(strstr(err.msg, "/scenarios/base/replications is not a group"));
    sim_err_clear(&err);
    assert_int_equal(out_file_read_table(file, "scenarios/base/replications", &t, &err),
                     SIM_EINVAL);
    assert_non_null(strstr(err.msg, "not absolute"));
    out_file_close(file);
}

static void test_reading_wrong_member_types_gives_clear_error(void **state)
{
    struct fixture *f = *state;
    struct sim_err err;
    sim_err_clear(&err);
    const double v[] = {1, 2, 3, 4, 5, 6};
    struct out_table t = {"replications", "", 3, three_cols, 2, v};
    struct out_writer *w = out_writer_create(f->target, &prov, &err);
    assert_int_equal(out_writer_add_scenario(w, "base", "x = 1;", &err), 0);
    assert_int_equal(out_writer_add_table(w, "/scenarios/base", &t, &err), 0);
    assert_int_equal(out_writer_add_summary(w, "/scenarios/base", &t, &err), 0);
    assert_int_equal(out_writer_commit(w, &err), 0);
    out_writer_destroy(w);

    struct out_file *file = out_file_open(f->target, &err);
    struct out_table *tab = NULL;
    struct out_summary *s = NULL;
    assert_int_equal(out_file_read_table(file, "/scenarios/base/summary", &tab, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "column 'outcome' is not a floating-point number"));
    sim_err_clear(&err);
    assert_int_equal(out_file_read_summary(file, "/scenarios/base/replications", &s, &err),
                     SIM_EINVAL);
    assert_non_null(strstr(err.msg, "no member 'outcome'"));
    sim_err_clear(&err);
    assert_int_equal(out_file_read_summary(file, "/scenarios/base/config", &s, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "not a summary table"));
    sim_err_clear(&err);
    assert_int_equal(out_file_read_table(file, "/scenarios/base/config", &tab, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "not a table"));
    assert_null(tab);
    assert_null(s);
    out_file_close(file);
}

/* Writes a dataset of type `type` and shape dims[0..rank) filled with zeros. */
static void raw_dataset(hid_t file, const char *path, hid_t type, int rank, const hsize_t *dims)
{
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(file, path, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(d >= 0);
    H5Dclose(d);
    H5Sclose(space);
    H5Pclose(lcpl);
}

/* A file that claims to be caresim's but whose objects have the wrong shapes and types
 * (another tool's output, or a hand-edited file): every read fails with a message saying
 * what is wrong, and nothing crashes. */
static void test_reading_malformed_layout_gives_clear_errors(void **state)
{
    struct fixture *f = *state;
    hid_t h = H5Fcreate(f->target, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(h >= 0);
    /* caresim_version as an integer instead of a string. */
    hid_t s1 = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(h, "caresim_version", H5T_STD_I32LE, s1, H5P_DEFAULT, H5P_DEFAULT);
    int one = 1;
    H5Awrite(a, H5T_NATIVE_INT, &one);
    H5Aclose(a);
    hsize_t d1[1] = {4}, d2[2] = {4, 3};
    raw_dataset(h, "/scenarios/base/matrix", H5T_IEEE_F64LE, 2, d2); /* not compound */
    raw_dataset(h, "/scenarios/base/config", H5T_STD_I32LE, 1, d1);  /* not a string */
    raw_dataset(h, "/scenarios/stray", H5T_STD_I32LE, 1, d1);        /* not a scenario */
    hid_t c = H5Tcreate(H5T_COMPOUND, 12);
    H5Tinsert(c, "cost", 0, H5T_IEEE_F64LE);
    H5Tinsert(c, "deaths", 8, H5T_STD_I32LE);
    raw_dataset(h, "/scenarios/base/ints", c, 1, d1); /* an integer column */
    H5Tclose(c);
    c = H5Tcreate(H5T_COMPOUND, 8);
    H5Tinsert(c, "cost", 0, H5T_IEEE_F64LE);
    raw_dataset(h, "/scenarios/base/square", c, 2, d2); /* rank 2 */
    raw_dataset(h, "/scenarios/base/units", c, 1, d1);  /* bad units below */
    /* 10^12 rows claimed, none stored (chunks never written): reading must not try to
     * allocate 8 TB. */
    hsize_t huge = 1000000000000ull, chunk = 1024;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    hid_t sh = H5Screate_simple(1, &huge, NULL);
    H5Dclose(H5Dcreate2(h, "/scenarios/base/huge", c, sh, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    H5Sclose(sh);
    H5Pclose(dcpl);
    H5Tclose(c);
    hid_t d = H5Dopen2(h, "/scenarios/base/units", H5P_DEFAULT);
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, H5T_VARIABLE);
    hid_t s2 = H5Screate_simple(1, (hsize_t[]){2}, NULL);
    a = H5Acreate2(d, "units", st, s2, H5P_DEFAULT, H5P_DEFAULT); /* 2 units, 1 column */
    const char *units[] = {"GBP", "days"};
    H5Awrite(a, st, units);
    H5Aclose(a);
    H5Sclose(s2);
    H5Tclose(st);
    H5Dclose(d);
    H5Sclose(s1);
    H5Fclose(h);

    struct sim_err err;
    sim_err_clear(&err);
    struct out_file *file = out_file_open(f->target, &err);
    assert_non_null(file);
    struct {
        const char *path;    /* dataset to read as a table */
        const char *message; /* part of the expected message */
    } bad[] = {
        {"/scenarios/base/matrix", "not a table"},
        {"/scenarios/base/ints", "column 'deaths' is not a floating-point number"},
        {"/scenarios/base/square", "one-dimensional"},
        {"/scenarios/base/units", "attribute 'units': 2 strings where 1 were expected"},
        {"/scenarios/base/huge", "1000000000000 rows of 8 bytes cannot fit"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct out_table *t = NULL;
        sim_err_clear(&err);
        assert_int_equal(out_file_read_table(file, bad[i].path, &t, &err), SIM_EINVAL);
        assert_null(t);
        if (!strstr(err.msg, bad[i].message) || !strstr(err.msg, bad[i].path))
            fail_msg("%s: message '%s' lacks '%s'", bad[i].path, err.msg, bad[i].message);
    }
    char *text = NULL;
    sim_err_clear(&err);
    assert_int_equal(out_file_read_config(file, "base", &text, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "not a string"));
    struct out_info *info = NULL;
    sim_err_clear(&err);
    assert_int_equal(out_file_read_info(file, &info, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "attribute 'caresim_version': not a string"));
    assert_null(info);
    /* Scenarios are the groups under /scenarios; datasets there are not. */
    char **names = NULL;
    size_t n = 9;
    assert_int_equal(out_file_list_scenarios(file, &names, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "base");
    free(names);
    out_file_close(file);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_table_round_trip_is_bit_identical),
        T(test_table_appended_in_pieces_reads_back_whole),
        T(test_table_with_no_rows_round_trips),
        T(test_null_units_and_descriptions_read_back_empty),
        T(test_large_table_is_chunked_and_deflated),
        T(test_small_table_is_contiguous),
        T(test_table_is_compound_of_named_doubles),
        T(test_malformed_tables_are_rejected),
        T(test_duplicate_table_is_rejected_and_file_stays_usable),
        T(test_summary_of_one_to_ten_matches_hand_computation),
        T(test_summary_leaves_out_nan_values),
        T(test_summary_of_one_value_has_no_interval),
        T(test_summary_has_one_row_per_column_in_order),
        T(test_root_attributes_present_and_correct),
        T(test_finished_defaults_to_commit_time),
        T(test_partial_flag_is_written),
        T(test_config_text_round_trips),
        T(test_scenarios_listed_in_order_written),
        T(test_attribute_strings_round_trip_and_bad_calls_are_refused),
        T(test_datasets_listed_in_order_written_with_row_counts),
        T(test_commit_renames_and_leaves_no_temp_file),
        T(test_destroy_without_commit_leaves_nothing),
        T(test_existing_target_untouched_until_commit),
        T(test_commit_replaces_existing_target),
        T(test_calls_after_commit_are_refused),
        T(test_missing_directory_gives_error_and_no_file),
        T(test_parent_is_regular_file_gives_error_and_no_file),
        T(test_target_that_is_a_directory_gives_error),
        T(test_target_that_is_a_device_is_not_replaced),
        T(test_symlinked_target_keeps_its_link),
        T(test_disk_full_leaves_no_file_and_exits_cleanly),
        T(test_write_failure_leaves_no_file),
        T(test_killed_writer_leaves_previous_file),
        T(test_killed_writer_leaves_no_target),
        T(test_writer_killed_at_any_moment_leaves_a_whole_file),
        T(test_reading_missing_file_gives_error),
        T(test_reading_non_hdf5_file_gives_clear_error),
        T(test_reading_a_pipe_or_directory_gives_error),
        T(test_reading_truncated_file_gives_clear_error),
        T(test_reading_foreign_hdf5_file_gives_clear_error),
        T(test_reading_missing_dataset_names_it),
        T(test_reading_wrong_member_types_gives_clear_error),
        T(test_reading_malformed_layout_gives_clear_errors),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
