/* output/results_read.c — reading results files back (for `caresim report`, plots, tests).
 *
 * Everything read is checked before it is used: a missing file, a file that is not HDF5,
 * a damaged or truncated one, a missing dataset or a member of the wrong type gives a
 * sim_err naming the file and the object, never a crash. Results are returned as single
 * allocations (struct and its strings and values together), so one free releases them.
 * Opens files read-only; touches nothing else.
 */
#include "output/results.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output/h5util.h"
#include "sim/err.h"

struct out_file {
    hid_t file; /* the open HDF5 file, read-only */
    char *path; /* its path, for messages */
};

/* ---- Single-allocation results ------------------------------------------------------------ */

/* Rounds n up so that what follows is aligned for any of our fields. */
static size_t aligned(size_t n)
{
    size_t a = alignof(max_align_t);
    return (n + a - 1) / a * a;
}

/* Adds b to *total, failing (returning -1) on overflow. */
static int add_size(size_t *total, size_t b)
{
    if (b > SIZE_MAX - *total)
        return -1;
    *total += b;
    return 0;
}

/* Copies s to *at and advances it. */
static char *put_str(char **at, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = memcpy(*at, s, n);
    *at += n;
    return p;
}

/* ---- Opening ------------------------------------------------------------------------------- */

struct out_file *out_file_open(const char *path, struct sim_err *err)
{
    if (!path || !path[0]) {
        sim_err_set(err, SIM_EINVAL, "results file: no path given");
        return NULL;
    }
    struct stat st;
    if (stat(path, &st) < 0) {
        sim_err_set(err, SIM_EIO, "results file %s: %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        /* A pipe would block the open forever; a device is not a results file. */
        sim_err_set(err, SIM_EINVAL, "results file %s: %s", path,
                    S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file");
        return NULL;
    }
    if (out_h5_init() < 0) {
        sim_err_set(err, SIM_EIO, "results file %s: the HDF5 library failed to start", path);
        return NULL;
    }
    char why[OUT_H5_WHY_MAX] = "";
    htri_t is = H5Fis_hdf5(path);
    if (is < 0) {
        out_h5_capture(why);
        sim_err_set(err, SIM_EIO, "results file %s: cannot read it: %s", path, why);
        return NULL;
    }
    if (is == 0) {
        sim_err_set(err, SIM_EINVAL, "results file %s: not an HDF5 file", path);
        return NULL;
    }
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        out_h5_capture(why);
        sim_err_set(err, SIM_EIO, "results file %s: cannot open it (damaged or truncated?): %s",
                    path, why);
        return NULL;
    }
    htri_t ours = H5Aexists(file, "caresim_version");
    if (ours <= 0) {
        if (ours < 0)
            out_h5_capture(why);
        sim_err_set(err, SIM_EINVAL,
                    "results file %s: not a caresim results file (no caresim_version root "
                    "attribute)%s%s",
                    path, why[0] ? ": " : "", why);
        H5Fclose(file);
        return NULL;
    }
    struct out_file *f = calloc(1, sizeof *f);
    if (f)
        f->path = strdup(path);
    if (!f || !f->path) {
        free(f);
        H5Fclose(file);
        sim_err_set(err, SIM_ENOMEM, "out of memory");
        return NULL;
    }
    f->file = file;
    return f;
}

void out_file_close(struct out_file *f)
{
    if (!f)
        return;
    H5Fclose(f->file);
    free(f->path);
    free(f);
}

static int check_file(struct out_file *f, const void *out, struct sim_err *err)
{
    if (!f || !out)
        return sim_err_set(err, SIM_EINVAL, "results file: %s is NULL",
                           f ? "output pointer" : "file");
    return 0;
}

/* The code of a failure the h5util layer explained in why: SIM_ENOMEM when an allocation
 * failed (its messages say "out of memory"), SIM_EINVAL (absent, or not what was asked for)
 * otherwise. Lets a caller for whom "absent" or "another kind" is an answer (an optional
 * attribute, a table of one kind or the other) tell those from running out of memory. */
static int why_code(const char *why)
{
    return strstr(why, "out of memory") ? SIM_ENOMEM : SIM_EINVAL;
}

static int read_failed(struct out_file *f, struct sim_err *err, const char *what, const char *why)
{
    return sim_err_set(err, SIM_EIO, "results file %s: %s: %s", f->path, what, why);
}

/* Opens the dataset at an absolute path, with messages for a missing object or one that
 * is not a dataset. */
static int open_dataset(struct out_file *f, const char *path, hid_t *d, struct sim_err *err)
{
    if (!path || path[0] != '/')
        return sim_err_set(err, SIM_EINVAL,
                           "results file %s: dataset path '%s' is not absolute (like "
                           "/scenarios/base/replications)",
                           f->path, path ? path : "(null)");
    char why[OUT_H5_WHY_MAX] = "";
    int e = out_h5_path_exists(f->file, path, why);
    if (e < 0)
        return sim_err_set(err, why_code(why), "results file %s: %s: %s", f->path, path, why);
    if (e == 0)
        return sim_err_set(err, SIM_EINVAL, "results file %s: no dataset %s", f->path, path);
    hid_t o = H5Oopen(f->file, path, H5P_DEFAULT);
    if (o < 0) {
        out_h5_capture(why);
        return read_failed(f, err, path, why);
    }
    if (H5Iget_type(o) != H5I_DATASET) {
        H5Oclose(o);
        return sim_err_set(err, SIM_EINVAL, "results file %s: %s is not a dataset", f->path, path);
    }
    *d = o;
    return 0;
}

/* Deflate cannot shrink data more than about 1032:1, so a dataset whose rows would take
 * more than this many times the whole file's size cannot be stored in it: its dimensions
 * are damaged, and allocating for them could exhaust memory. */
#define OUT_MAX_EXPANSION 1100

/* Number of rows of a 1-D dataset in file; -1 with why filled when it is not 1-D or claims
 * more rows than the file can hold. */
static int table_rows(hid_t file, hid_t d, size_t *n_rows, char *why)
{
    hid_t s = H5Dget_space(d);
    hid_t t = H5Dget_type(d);
    hsize_t file_size = 0;
    size_t row_bytes = t < 0 ? 0 : H5Tget_size(t);
    if (t >= 0)
        H5Tclose(t);
    if (s < 0 || row_bytes == 0 || H5Fget_filesize(file, &file_size) < 0) {
        out_h5_capture(why);
        if (s >= 0)
            H5Sclose(s);
        return -1;
    }
    int rc = 0;
    hsize_t dim = 0;
    int rank = H5Sget_simple_extent_ndims(s);
    if (rank < 0) {
        out_h5_capture(why);
        rc = -1;
    } else if (rank != 1) {
        rc = out_h5_why(why, "a table must be one-dimensional (rank is %d)", rank);
    } else if (H5Sget_simple_extent_dims(s, &dim, NULL) < 0) {
        out_h5_capture(why);
        rc = -1;
    } else if (dim > SIZE_MAX || dim > file_size / row_bytes * OUT_MAX_EXPANSION + 1000) {
        rc = out_h5_why(why,
                        "%llu rows of %zu bytes cannot fit in a file of %llu bytes "
                        "(damaged file?)",
                        (unsigned long long)dim, row_bytes, (unsigned long long)file_size);
    }
    *n_rows = (size_t)dim;
    H5Sclose(s);
    return rc;
}

/* Reads an optional attribute holding n strings: 1 when read, 0 when absent. */
static int read_attr_strv(hid_t obj, const char *name, size_t n, char ***out, char *why)
{
    htri_t e = H5Aexists(obj, name);
    if (e <= 0) {
        if (e < 0)
            out_h5_capture(why);
        return e < 0 ? -1 : 0;
    }
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) {
        out_h5_capture(why);
        return -1;
    }
    char inner[OUT_H5_WHY_MAX] = "";
    int rc = out_h5_read_strings(a, 1, n, out, NULL, inner);
    H5Aclose(a);
    if (rc < 0)
        return out_h5_why(why, "attribute '%s': %s", name, inner);
    return 1;
}

/* ---- Tables -------------------------------------------------------------------------------- */

/* What a table read has gathered before it is packed into one allocation. */
struct table_parts {
    size_t n_cols; /* members of the compound type */
    size_t n_rows; /* rows */
    char **names;  /* n_cols member names */
    char **units;  /* n_cols units, or NULL when the file has none */
    char **descs;  /* n_cols column descriptions, or NULL */
    char *desc;    /* table description, or NULL */
};

static void table_parts_fini(struct table_parts *p)
{
    out_h5_free_strings(p->names, p->n_cols);
    out_h5_free_strings(p->units, p->n_cols);
    out_h5_free_strings(p->descs, p->n_cols);
    free(p->desc);
}

/* Checks that member i of compound type lies inside the type: a damaged type with a
 * member past its end would make HDF5's conversion copy out of bounds. */
static int member_inside(hid_t type, unsigned i, char *why)
{
    size_t size = H5Tget_size(type), off = H5Tget_member_offset(type, i);
    hid_t mt = H5Tget_member_type(type, i);
    size_t msize = mt < 0 ? 0 : H5Tget_size(mt);
    if (mt >= 0)
        H5Tclose(mt);
    if (mt < 0 || msize == 0 || off > size || msize > size - off)
        return out_h5_why(why, "member %u of the table's type is damaged", i + 1);
    return 0;
}

/* Member names of a compound type whose members must all be floating-point numbers. */
static int float_members(hid_t type, struct table_parts *p, char *why)
{
    if (H5Tget_class(type) != H5T_COMPOUND)
        return out_h5_why(why, "not a table (its type is not compound)");
    int n = H5Tget_nmembers(type);
    if (n < 0) {
        out_h5_capture(why);
        return -1;
    }
    if (n == 0)
        return out_h5_why(why, "a table with no columns");
    p->names = calloc((size_t)n, sizeof *p->names);
    if (!p->names)
        return out_h5_why(why, "out of memory");
    p->n_cols = (size_t)n;
    for (int i = 0; i < n; i++) {
        char *name = H5Tget_member_name(type, (unsigned)i);
        if (!name) {
            out_h5_capture(why);
            return -1;
        }
        p->names[i] = strdup(name);
        H5free_memory(name);
        if (!p->names[i])
            return out_h5_why(why, "out of memory");
        H5T_class_t cls = H5Tget_member_class(type, (unsigned)i);
        if (member_inside(type, (unsigned)i, why) < 0)
            return -1;
        if (cls != H5T_FLOAT)
            return out_h5_why(why, "column '%s' is not a floating-point number%s", p->names[i],
                              cls == H5T_STRING ? " (a string: is this a summary table?)" : "");
    }
    return 0;
}

/* Packs the parts into one allocation and reads the values into it. */
static struct out_table *pack_table(hid_t d, const char *path, const struct table_parts *p,
                                    char *why)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    size_t strings = strlen(name) + 1 + (p->desc ? strlen(p->desc) : 0) + 1;
    for (size_t c = 0; c < p->n_cols; c++)
        strings += strlen(p->names[c]) + 1 + (p->units ? strlen(p->units[c]) : 0) + 1 +
                   (p->descs ? strlen(p->descs[c]) : 0) + 1;
    size_t cols_at = aligned(sizeof(struct out_table));
    size_t values_at = aligned(cols_at + p->n_cols * sizeof(struct out_column));
    size_t total = values_at, n_values = 0;
    if (p->n_rows > 0 && p->n_cols > SIZE_MAX / sizeof(double) / p->n_rows) {
        out_h5_why(why, "table too large for memory (%zu rows)", p->n_rows);
        return NULL;
    }
    n_values = p->n_rows * p->n_cols;
    if (add_size(&total, n_values * sizeof(double)) < 0 || add_size(&total, strings) < 0) {
        out_h5_why(why, "table too large for memory (%zu rows)", p->n_rows);
        return NULL;
    }
    char *block = malloc(total);
    if (!block) {
        out_h5_why(why, "out of memory for %zu rows", p->n_rows);
        return NULL;
    }
    struct out_table *t = (struct out_table *)block;
    struct out_column *cols = (struct out_column *)(block + cols_at);
    double *values = (double *)(block + values_at);
    char *s = block + values_at + n_values * sizeof(double);
    t->name = put_str(&s, name);
    t->desc = put_str(&s, p->desc ? p->desc : "");
    for (size_t c = 0; c < p->n_cols; c++) {
        cols[c].name = put_str(&s, p->names[c]);
        cols[c].unit = put_str(&s, p->units ? p->units[c] : "");
        cols[c].desc = put_str(&s, p->descs ? p->descs[c] : "");
    }
    t->n_cols = p->n_cols;
    t->cols = cols;
    t->n_rows = p->n_rows;
    t->values = values;

    /* Read through a packed compound of native doubles whose members are named like the
     * file's: HDF5 matches by name and converts any float size or byte order. */
    hid_t mt = H5Tcreate(H5T_COMPOUND, p->n_cols * sizeof(double));
    int ok = mt >= 0;
    for (size_t c = 0; ok && c < p->n_cols; c++)
        ok = H5Tinsert(mt, p->names[c], c * sizeof(double), H5T_NATIVE_DOUBLE) >= 0;
    if (ok && n_values > 0)
        ok = H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0;
    if (!ok) {
        out_h5_capture(why);
        free(block);
        t = NULL;
    }
    if (mt >= 0)
        H5Tclose(mt);
    return t;
}

int out_file_read_table(struct out_file *f, const char *dataset_path, struct out_table **out,
                        struct sim_err *err)
{
    int rc = check_file(f, out, err);
    if (rc < 0)
        return rc;
    *out = NULL;
    hid_t d;
    if ((rc = open_dataset(f, dataset_path, &d, err)) < 0)
        return rc;
    char why[OUT_H5_WHY_MAX] = "";
    struct table_parts p = {0};
    hid_t type = H5Dget_type(d);
    rc = -1;
    if (type < 0) {
        out_h5_capture(why);
        goto done;
    }
    if (float_members(type, &p, why) < 0 || table_rows(f->file, d, &p.n_rows, why) < 0 ||
        read_attr_strv(d, "units", p.n_cols, &p.units, why) < 0 ||
        read_attr_strv(d, "column_descriptions", p.n_cols, &p.descs, why) < 0 ||
        out_h5_read_attr_str(d, "description", &p.desc, why) < 0)
        goto done;
    *out = pack_table(d, dataset_path, &p, why);
    rc = *out ? 0 : -1;
done:
    if (type >= 0)
        H5Tclose(type);
    H5Dclose(d);
    table_parts_fini(&p);
    if (rc < 0)
        rc = sim_err_set(err, why_code(why), "results file %s: %s: %s", f->path, dataset_path,
                         why);
    return rc;
}

/* ---- Summary -------------------------------------------------------------------------------- */

/* The numeric members of a summary row, as read. */
struct summary_numbers {
    int64_t n;      /* values that were not NaN */
    double mean;    /* mean */
    double sd;      /* sample standard deviation */
    double ci_low;  /* lower end of the CI */
    double ci_high; /* upper end of the CI */
};

/* Checks that the compound type has member `name` of class cls. */
static int has_member(hid_t type, const char *name, H5T_class_t cls, char *why)
{
    int i = H5Tget_member_index(type, name);
    if (i < 0)
        return out_h5_why(why, "no member '%s'", name);
    if (member_inside(type, (unsigned)i, why) < 0)
        return -1;
    if (H5Tget_member_class(type, (unsigned)i) != cls)
        return out_h5_why(why, "member '%s' should be %s", name,
                          cls == H5T_STRING    ? "a string"
                          : cls == H5T_INTEGER ? "an integer"
                                               : "a floating-point number");
    return 0;
}

/* Reads the string member `name` of every row (fixed- or variable-length) into n
 * malloc'ed strings. */
static int read_string_member(hid_t d, hid_t type, const char *name, size_t n, char ***out,
                              char *why)
{
    hid_t ft = H5Tget_member_type(type, (unsigned)H5Tget_member_index(type, name));
    hid_t st = -1, mt = -1, space = H5Dget_space(d);
    char *buf = NULL;
    int rc = -1;
    if (ft < 0 || space < 0) {
        out_h5_capture(why);
        goto done;
    }
    htri_t var = H5Tis_variable_str(ft);
    size_t size = var > 0 ? 0 : H5Tget_size(ft);
    size_t width = var > 0 ? sizeof(char *) : size + 1;
    if (var < 0 || (var == 0 && size == 0)) {
        out_h5_capture(why);
        goto done;
    }
    st = var > 0 ? out_h5_vlen_str_type() : H5Tcopy(H5T_C_S1);
    if (st < 0 ||
        (var == 0 && (H5Tset_size(st, width) < 0 || H5Tset_strpad(st, H5T_STR_NULLTERM) < 0)) ||
        H5Tset_cset(st, H5Tget_cset(ft)) < 0 || (mt = H5Tcreate(H5T_COMPOUND, width)) < 0 ||
        H5Tinsert(mt, name, 0, st) < 0) {
        out_h5_capture(why);
        goto done;
    }
    buf = calloc(n ? n : 1, width);
    char **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    if (!buf || !ptrs) {
        free(ptrs);
        out_h5_why(why, "out of memory");
        goto done;
    }
    if (n > 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        out_h5_capture(why);
        free(ptrs);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (var > 0) {
            memcpy(&ptrs[i], buf + i * width, sizeof(char *));
        } else {
            ptrs[i] = buf + i * width;
            ptrs[i][size] = '\0';
        }
    }
    char **v = calloc(n ? n : 1, sizeof *v);
    rc = v ? 0 : out_h5_why(why, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        v[i] = strdup(ptrs[i] ? ptrs[i] : "");
        if (!v[i]) {
            out_h5_free_strings(v, i);
            rc = out_h5_why(why, "out of memory");
        }
    }
    if (rc == 0)
        *out = v;
    if (var > 0 && n > 0)
        H5Dvlen_reclaim(mt, space, H5P_DEFAULT, buf);
    free(ptrs);
done:
    free(buf);
    if (mt >= 0)
        H5Tclose(mt);
    if (st >= 0)
        H5Tclose(st);
    if (space >= 0)
        H5Sclose(space);
    if (ft >= 0)
        H5Tclose(ft);
    return rc;
}

static int read_summary_numbers(hid_t d, size_t n, struct summary_numbers *rows, char *why)
{
    hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(struct summary_numbers));
    int ok =
        mt >= 0 && H5Tinsert(mt, "n", offsetof(struct summary_numbers, n), H5T_NATIVE_INT64) >= 0 &&
        H5Tinsert(mt, "mean", offsetof(struct summary_numbers, mean), H5T_NATIVE_DOUBLE) >= 0 &&
        H5Tinsert(mt, "sd", offsetof(struct summary_numbers, sd), H5T_NATIVE_DOUBLE) >= 0 &&
        H5Tinsert(mt, "ci_low", offsetof(struct summary_numbers, ci_low), H5T_NATIVE_DOUBLE) >= 0 &&
        H5Tinsert(mt, "ci_high", offsetof(struct summary_numbers, ci_high), H5T_NATIVE_DOUBLE) >= 0;
    if (ok && n > 0)
        ok = H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0;
    if (!ok)
        out_h5_capture(why);
    if (mt >= 0)
        H5Tclose(mt);
    return ok ? 0 : -1;
}

static struct out_summary *pack_summary(size_t n, char **outcomes, char **units,
                                        const struct summary_numbers *num, char *why)
{
    size_t rows_at = aligned(sizeof(struct out_summary));
    size_t total = rows_at, strings = 0;
    for (size_t i = 0; i < n; i++)
        strings += strlen(outcomes[i]) + 1 + strlen(units[i]) + 1;
    if (n > SIZE_MAX / sizeof(struct out_summary_row) ||
        add_size(&total, n * sizeof(struct out_summary_row)) < 0 || add_size(&total, strings) < 0) {
        out_h5_why(why, "summary too large for memory");
        return NULL;
    }
    char *block = malloc(total);
    if (!block) {
        out_h5_why(why, "out of memory");
        return NULL;
    }
    struct out_summary *s = (struct out_summary *)block;
    s->n_rows = n;
    s->rows = (struct out_summary_row *)(block + rows_at);
    char *at = block + rows_at + n * sizeof(struct out_summary_row);
    for (size_t i = 0; i < n; i++) {
        struct out_summary_row *r = &s->rows[i];
        r->outcome = put_str(&at, outcomes[i]);
        r->unit = put_str(&at, units[i]);
        r->n = num[i].n;
        r->mean = num[i].mean;
        r->sd = num[i].sd;
        r->ci_low = num[i].ci_low;
        r->ci_high = num[i].ci_high;
    }
    return s;
}

int out_file_read_summary(struct out_file *f, const char *dataset_path, struct out_summary **out,
                          struct sim_err *err)
{
    int rc = check_file(f, out, err);
    if (rc < 0)
        return rc;
    *out = NULL;
    hid_t d;
    if ((rc = open_dataset(f, dataset_path, &d, err)) < 0)
        return rc;
    char why[OUT_H5_WHY_MAX] = "";
    size_t n = 0;
    char **outcomes = NULL, **units = NULL;
    struct summary_numbers *num = NULL;
    hid_t type = H5Dget_type(d);
    rc = -1;
    if (type < 0) {
        out_h5_capture(why);
        goto done;
    }
    if (H5Tget_class(type) != H5T_COMPOUND) {
        out_h5_why(why, "not a summary table (its type is not compound)");
        goto done;
    }
    if (has_member(type, "outcome", H5T_STRING, why) < 0 ||
        has_member(type, "unit", H5T_STRING, why) < 0 ||
        has_member(type, "n", H5T_INTEGER, why) < 0 ||
        has_member(type, "mean", H5T_FLOAT, why) < 0 ||
        has_member(type, "sd", H5T_FLOAT, why) < 0 ||
        has_member(type, "ci_low", H5T_FLOAT, why) < 0 ||
        has_member(type, "ci_high", H5T_FLOAT, why) < 0 || table_rows(f->file, d, &n, why) < 0)
        goto done;
    num = calloc(n ? n : 1, sizeof *num);
    if (!num) {
        out_h5_why(why, "out of memory");
        goto done;
    }
    if (read_summary_numbers(d, n, num, why) < 0 ||
        read_string_member(d, type, "outcome", n, &outcomes, why) < 0 ||
        read_string_member(d, type, "unit", n, &units, why) < 0)
        goto done;
    *out = pack_summary(n, outcomes, units, num, why);
    rc = *out ? 0 : -1;
done:
    out_h5_free_strings(outcomes, n);
    out_h5_free_strings(units, n);
    free(num);
    if (type >= 0)
        H5Tclose(type);
    H5Dclose(d);
    if (rc < 0)
        rc = sim_err_set(err, SIM_EINVAL, "results file %s: %s: %s", f->path, dataset_path, why);
    return rc;
}

void out_summary_destroy(struct out_summary *s)
{
    free(s);
}

/* ---- Tables of outcomes -------------------------------------------------------------------- */

/* The numeric members of a table of outcomes: every member but outcome and unit, each an
 * integer or a float. names gets n_fields malloc'ed names, index their member indices. */
static int outcome_fields(hid_t type, char ***names, unsigned **index, size_t *n_fields,
                          char *why)
{
    int n = H5Tget_nmembers(type);
    if (n < 0) {
        out_h5_capture(why);
        return -1;
    }
    *n_fields = 0;
    *names = calloc((size_t)n + 1, sizeof **names);
    *index = calloc((size_t)n + 1, sizeof **index);
    if (!*names || !*index)
        return out_h5_why(why, "out of memory");
    for (int i = 0; i < n; i++) {
        char *name = H5Tget_member_name(type, (unsigned)i);
        if (!name) {
            out_h5_capture(why);
            return -1;
        }
        int label = !strcmp(name, "outcome") || !strcmp(name, "unit");
        char *copy = label ? NULL : strdup(name);
        H5free_memory(name);
        if (label)
            continue;
        if (!copy)
            return out_h5_why(why, "out of memory");
        (*names)[*n_fields] = copy;
        (*index)[(*n_fields)++] = (unsigned)i;
        H5T_class_t cls = H5Tget_member_class(type, (unsigned)i);
        if (member_inside(type, (unsigned)i, why) < 0)
            return -1;
        if (cls != H5T_FLOAT && cls != H5T_INTEGER)
            return out_h5_why(why, "member '%s' is not a number", copy);
    }
    if (*n_fields == 0)
        return out_h5_why(why, "a table of outcomes with no numeric member");
    return 0;
}

/* Reads the named numeric members of every row as doubles, row-major. */
static int read_fields(hid_t d, size_t n_rows, char **names, size_t n_fields, double *values,
                       char *why)
{
    hid_t mt = H5Tcreate(H5T_COMPOUND, n_fields * sizeof(double));
    int ok = mt >= 0;
    for (size_t c = 0; ok && c < n_fields; c++)
        ok = H5Tinsert(mt, names[c], c * sizeof(double), H5T_NATIVE_DOUBLE) >= 0;
    if (ok && n_rows > 0)
        ok = H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0;
    if (!ok)
        out_h5_capture(why);
    if (mt >= 0)
        H5Tclose(mt);
    return ok ? 0 : -1;
}

/* What a read of a table of outcomes has gathered before it is packed. */
struct outcome_parts {
    size_t n_rows, n_fields, n_members;
    char **outcomes, **units;   /* n_rows each */
    char **names;               /* n_fields field names */
    unsigned *index;            /* n_fields member indices */
    char **col_units;           /* n_members units attribute, or NULL */
    char **col_descs;           /* n_members column_descriptions attribute, or NULL */
    char *desc;                 /* description attribute, or NULL */
    double *values;             /* n_rows * n_fields */
};

static void outcome_parts_fini(struct outcome_parts *p)
{
    out_h5_free_strings(p->outcomes, p->n_rows);
    out_h5_free_strings(p->units, p->n_rows);
    out_h5_free_strings(p->names, p->n_fields);
    out_h5_free_strings(p->col_units, p->n_members);
    out_h5_free_strings(p->col_descs, p->n_members);
    free(p->index);
    free(p->desc);
    free(p->values);
}

static struct out_outcome_table *pack_outcome_table(const char *path, const struct outcome_parts *p,
                                                    char *why)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    size_t strings = strlen(name) + 1 + (p->desc ? strlen(p->desc) : 0) + 1;
    for (size_t r = 0; r < p->n_rows; r++)
        strings += strlen(p->outcomes[r]) + 1 + strlen(p->units[r]) + 1;
    for (size_t c = 0; c < p->n_fields; c++)
        strings += strlen(p->names[c]) + 1 +
                   (p->col_units ? strlen(p->col_units[p->index[c]]) : 0) + 1 +
                   (p->col_descs ? strlen(p->col_descs[p->index[c]]) : 0) + 1;
    size_t fields_at = aligned(sizeof(struct out_outcome_table));
    size_t labels_at = aligned(fields_at + p->n_fields * sizeof(struct out_column));
    size_t values_at = aligned(labels_at + 2 * p->n_rows * sizeof(char *));
    size_t total = values_at;
    if (add_size(&total, p->n_rows * p->n_fields * sizeof(double)) < 0 ||
        add_size(&total, strings) < 0) {
        out_h5_why(why, "table too large for memory (%zu rows)", p->n_rows);
        return NULL;
    }
    char *block = malloc(total);
    if (!block) {
        out_h5_why(why, "out of memory for %zu rows", p->n_rows);
        return NULL;
    }
    struct out_outcome_table *t = (struct out_outcome_table *)block;
    struct out_column *fields = (struct out_column *)(block + fields_at);
    const char **outcomes = (const char **)(block + labels_at), **units = outcomes + p->n_rows;
    double *values = (double *)(block + values_at);
    char *s = block + values_at + p->n_rows * p->n_fields * sizeof(double);
    if (p->n_rows * p->n_fields > 0)
        memcpy(values, p->values, p->n_rows * p->n_fields * sizeof(double));
    t->name = put_str(&s, name);
    t->desc = put_str(&s, p->desc ? p->desc : "");
    for (size_t r = 0; r < p->n_rows; r++) {
        outcomes[r] = put_str(&s, p->outcomes[r]);
        units[r] = put_str(&s, p->units[r]);
    }
    for (size_t c = 0; c < p->n_fields; c++) {
        fields[c].name = put_str(&s, p->names[c]);
        fields[c].unit = put_str(&s, p->col_units ? p->col_units[p->index[c]] : "");
        fields[c].desc = put_str(&s, p->col_descs ? p->col_descs[p->index[c]] : "");
    }
    t->n_rows = p->n_rows;
    t->outcomes = outcomes;
    t->units = units;
    t->n_fields = p->n_fields;
    t->fields = fields;
    t->values = values;
    return t;
}

int out_file_read_outcome_table(struct out_file *f, const char *dataset_path,
                                struct out_outcome_table **out, struct sim_err *err)
{
    int rc = check_file(f, out, err);
    if (rc < 0)
        return rc;
    *out = NULL;
    hid_t d;
    if ((rc = open_dataset(f, dataset_path, &d, err)) < 0)
        return rc;
    char why[OUT_H5_WHY_MAX] = "";
    struct outcome_parts p = {0};
    hid_t type = H5Dget_type(d);
    rc = -1;
    if (type < 0) {
        out_h5_capture(why);
        goto done;
    }
    if (H5Tget_class(type) != H5T_COMPOUND) {
        out_h5_why(why, "not a table of outcomes (its type is not compound)");
        goto done;
    }
    int members = H5Tget_nmembers(type);
    if (members < 0) {
        out_h5_capture(why);
        goto done;
    }
    p.n_members = (size_t)members;
    if (has_member(type, "outcome", H5T_STRING, why) < 0 ||
        has_member(type, "unit", H5T_STRING, why) < 0 ||
        outcome_fields(type, &p.names, &p.index, &p.n_fields, why) < 0 ||
        table_rows(f->file, d, &p.n_rows, why) < 0)
        goto done;
    if (p.n_rows > 0 && p.n_fields > SIZE_MAX / sizeof(double) / p.n_rows) {
        out_h5_why(why, "table too large for memory (%zu rows)", p.n_rows);
        goto done;
    }
    size_t n_values = p.n_rows * p.n_fields;
    p.values = calloc(n_values > 0 ? n_values : 1, sizeof(double));
    if (!p.values) {
        out_h5_why(why, "out of memory for %zu rows", p.n_rows);
        goto done;
    }
    if (read_fields(d, p.n_rows, p.names, p.n_fields, p.values, why) < 0 ||
        read_string_member(d, type, "outcome", p.n_rows, &p.outcomes, why) < 0 ||
        read_string_member(d, type, "unit", p.n_rows, &p.units, why) < 0 ||
        read_attr_strv(d, "units", p.n_members, &p.col_units, why) < 0 ||
        read_attr_strv(d, "column_descriptions", p.n_members, &p.col_descs, why) < 0 ||
        out_h5_read_attr_str(d, "description", &p.desc, why) < 0)
        goto done;
    *out = pack_outcome_table(dataset_path, &p, why);
    rc = *out ? 0 : -1;
done:
    outcome_parts_fini(&p);
    if (type >= 0)
        H5Tclose(type);
    H5Dclose(d);
    if (rc < 0)
        rc = sim_err_set(err, SIM_EINVAL, "results file %s: %s: %s", f->path, dataset_path, why);
    return rc;
}

/* ---- Attributes of any object ---------------------------------------------------------------- */

/* Opens the object (group or dataset) at an absolute path. */
static int open_object(struct out_file *f, const char *path, hid_t *o, struct sim_err *err)
{
    if (!path || path[0] != '/')
        return sim_err_set(err, SIM_EINVAL,
                           "results file %s: object path '%s' is not absolute (like "
                           "/comparisons/reform_vs_base)",
                           f->path, path ? path : "(null)");
    char why[OUT_H5_WHY_MAX] = "";
    int e = out_h5_path_exists(f->file, path, why);
    if (e < 0)
        return sim_err_set(err, why_code(why), "results file %s: %s: %s", f->path, path, why);
    if (e == 0)
        return sim_err_set(err, SIM_EINVAL, "results file %s: no object %s", f->path, path);
    *o = H5Oopen(f->file, path, H5P_DEFAULT);
    if (*o < 0) {
        out_h5_capture(why);
        return read_failed(f, err, path, why);
    }
    return 0;
}

/* Reads attribute `name` of the object at path as text (text != NULL) or a number. */
static int read_attr(struct out_file *f, const char *path, const char *name, char **text,
                     double *value, struct sim_err *err)
{
    int rc = check_file(f, text ? (const void *)text : (const void *)value, err);
    if (rc < 0)
        return rc;
    if (!name || !name[0])
        return sim_err_set(err, SIM_EINVAL, "results file %s: no attribute name given", f->path);
    hid_t o = H5I_INVALID_HID;
    if ((rc = open_object(f, path, &o, err)) < 0)
        return rc;
    char why[OUT_H5_WHY_MAX] = "";
    rc = text ? out_h5_read_attr_str(o, name, text, why)
              : out_h5_read_attr_f64(o, name, value, why);
    H5Oclose(o);
    if (rc == 0)
        return sim_err_set(err, SIM_EINVAL, "results file %s: %s has no attribute '%s'", f->path,
                           path, name);
    if (rc < 0)
        return sim_err_set(err, why_code(why), "results file %s: %s: %s", f->path, path, why);
    return 0;
}

int out_file_read_attr_text(struct out_file *f, const char *object_path, const char *name,
                            char **text, struct sim_err *err)
{
    if (text)
        *text = NULL;
    return read_attr(f, object_path, name, text, NULL, err);
}

int out_file_read_attr_number(struct out_file *f, const char *object_path, const char *name,
                              double *value, struct sim_err *err)
{
    return read_attr(f, object_path, name, NULL, value, err);
}

/* Packs n strings into one allocation: a NULL-terminated array followed by the text. */
static char **pack_strings(char **v, size_t n)
{
    size_t total = (n + 1) * sizeof(char *);
    for (size_t i = 0; i < n; i++)
        total += strlen(v[i]) + 1;
    char **out = malloc(total);
    if (!out)
        return NULL;
    char *at = (char *)(out + n + 1);
    for (size_t i = 0; i < n; i++)
        out[i] = put_str(&at, v[i]);
    out[n] = NULL;
    return out;
}

int out_file_read_attr_strings(struct out_file *f, const char *object_path, const char *name,
                               char ***values, size_t *count, struct sim_err *err)
{
    int rc = check_file(f, values, err);
    if (rc < 0)
        return rc;
    *values = NULL;
    if (!name || !name[0])
        return sim_err_set(err, SIM_EINVAL, "results file %s: no attribute name given", f->path);
    hid_t o = H5I_INVALID_HID;
    if ((rc = open_object(f, object_path, &o, err)) < 0)
        return rc;
    char why[OUT_H5_WHY_MAX] = "";
    char **v = NULL;
    size_t n = 0;
    htri_t e = H5Aexists(o, name);
    hid_t a = e > 0 ? H5Aopen(o, name, H5P_DEFAULT) : H5I_INVALID_HID;
    if (e < 0 || (e > 0 && a < 0)) {
        out_h5_capture(why);
        rc = -1;
    } else if (e == 0) {
        rc = out_h5_why(why, "no attribute '%s'", name);
    } else {
        char inner[OUT_H5_WHY_MAX] = "";
        rc = out_h5_read_strings(a, 1, 0, &v, &n, inner);
        if (rc < 0)
            out_h5_why(why, "attribute '%s': %s", name, inner);
    }
    if (a >= 0)
        H5Aclose(a);
    H5Oclose(o);
    if (rc == 0 && !(*values = pack_strings(v, n)))
        rc = sim_err_set(err, SIM_ENOMEM, "out of memory");
    else if (rc < 0)
        rc = sim_err_set(err, why_code(why), "results file %s: %s: %s", f->path, object_path,
                         why);
    else if (count)
        *count = n;
    out_h5_free_strings(v, n);
    return rc;
}

int out_file_table_rows(struct out_file *f, const char *dataset_path, size_t *n_rows,
                        struct sim_err *err)
{
    int rc = check_file(f, n_rows, err);
    if (rc < 0)
        return rc;
    *n_rows = 0;
    hid_t d;
    if ((rc = open_dataset(f, dataset_path, &d, err)) < 0)
        return rc;
    char why[OUT_H5_WHY_MAX] = "";
    size_t n = 0;
    rc = table_rows(f->file, d, &n, why);
    H5Dclose(d);
    if (rc < 0)
        return sim_err_set(err, why_code(why), "results file %s: %s: %s", f->path, dataset_path,
                           why);
    *n_rows = n;
    return 0;
}

/* ---- Root attributes, scenarios, configs ---------------------------------------------------- */

static const char *const info_names[] = {"caresim_version", "git_commit", "command_line", "created",
                                         "started",         "finished",   "host"};
#define N_INFO_STRINGS (sizeof info_names / sizeof info_names[0])

int out_file_read_info(struct out_file *f, struct out_info **out, struct sim_err *err)
{
    int rc = check_file(f, out, err);
    if (rc < 0)
        return rc;
    *out = NULL;
    char why[OUT_H5_WHY_MAX] = "";
    char *s[N_INFO_STRINGS] = {0};
    uint64_t seed = 0;
    int64_t threads = 0, partial = 0, format = 0;
    rc = 0;
    for (size_t i = 0; rc >= 0 && i < N_INFO_STRINGS; i++)
        rc = out_h5_read_attr_str(f->file, info_names[i], &s[i], why);
    if (rc >= 0)
        rc = out_h5_read_attr_int(f->file, "master_seed", H5T_NATIVE_UINT64, &seed, why);
    if (rc >= 0)
        rc = out_h5_read_attr_int(f->file, "threads", H5T_NATIVE_INT64, &threads, why);
    if (rc >= 0)
        rc = out_h5_read_attr_int(f->file, "partial", H5T_NATIVE_INT64, &partial, why);
    if (rc >= 0)
        rc = out_h5_read_attr_int(f->file, "format_version", H5T_NATIVE_INT64, &format, why);
    if (rc >= 0) {
        size_t total = aligned(sizeof(struct out_info));
        for (size_t i = 0; i < N_INFO_STRINGS; i++)
            total += (s[i] ? strlen(s[i]) : 0) + 1;
        char *block = malloc(total);
        if (!block) {
            rc = out_h5_why(why, "out of memory");
        } else {
            struct out_info *info = (struct out_info *)block;
            char *at = block + aligned(sizeof(struct out_info));
            char **fields[N_INFO_STRINGS] = {
                &info->version,     &info->git_commit,   &info->command_line, &info->created_utc,
                &info->started_utc, &info->finished_utc, &info->host};
            for (size_t i = 0; i < N_INFO_STRINGS; i++)
                *fields[i] = put_str(&at, s[i] ? s[i] : "");
            info->master_seed = seed;
            info->threads = threads;
            info->partial = partial;
            info->format_version = format;
            *out = info;
        }
    }
    for (size_t i = 0; i < N_INFO_STRINGS; i++)
        free(s[i]);
    if (rc < 0)
        return sim_err_set(err, SIM_EINVAL, "results file %s: root attributes: %s", f->path, why);
    return 0;
}

void out_info_destroy(struct out_info *info)
{
    free(info);
}

/* Name of link i of group g in the given index order (malloc'ed), NULL on failure. */
static char *link_name(hid_t g, H5_index_t idx, hsize_t i, char *why)
{
    ssize_t len = H5Lget_name_by_idx(g, ".", idx, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
    if (len < 0) {
        out_h5_capture(why);
        return NULL;
    }
    char *name = malloc((size_t)len + 1);
    if (!name) {
        out_h5_why(why, "out of memory");
        return NULL;
    }
    if (H5Lget_name_by_idx(g, ".", idx, H5_ITER_INC, i, name, (size_t)len + 1, H5P_DEFAULT) < 0) {
        out_h5_capture(why);
        free(name);
        return NULL;
    }
    return name;
}

/* Collects the names of the members of group_path of one kind (H5I_GROUP: subgroups,
 * H5I_DATASET: datasets) in creation order when the file tracks it (caresim's files do),
 * by name otherwise. A missing group gives none. */
static int member_names(hid_t file, const char *group_path, H5I_type_t kind, char ***names,
                        size_t *count, char *why)
{
    *names = NULL;
    *count = 0;
    int e = out_h5_path_exists(file, group_path, why);
    if (e <= 0)
        return e;
    hid_t g = H5Gopen2(file, group_path, H5P_DEFAULT);
    hid_t gcpl = g < 0 ? -1 : H5Gget_create_plist(g);
    unsigned flags = 0;
    H5G_info_t gi;
    if (g < 0 || gcpl < 0 || H5Pget_link_creation_order(gcpl, &flags) < 0 ||
        H5Gget_info(g, &gi) < 0) {
        out_h5_capture(why);
        if (gcpl >= 0)
            H5Pclose(gcpl);
        if (g >= 0)
            H5Gclose(g);
        return out_h5_why(why, "%s is not a group", group_path);
    }
    H5Pclose(gcpl);
    H5_index_t idx = (flags & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
    int rc = 0;
    char **v = calloc(gi.nlinks ? (size_t)gi.nlinks : 1, sizeof *v);
    if (!v)
        rc = out_h5_why(why, "out of memory");
    for (hsize_t i = 0; rc == 0 && i < gi.nlinks; i++) {
        char *name = link_name(g, idx, i, why);
        if (!name) {
            rc = -1;
            break;
        }
        hid_t o = H5Oopen(g, name, H5P_DEFAULT);
        /* Anything of another kind (a stray dataset, a dangling link) is left out. */
        if (o >= 0 && H5Iget_type(o) == kind)
            v[(*count)++] = name;
        else
            free(name);
        if (o >= 0)
            H5Oclose(o);
    }
    H5Gclose(g);
    if (rc < 0) {
        out_h5_free_strings(v, *count);
        *count = 0;
        return -1;
    }
    *names = v;
    return 0;
}

/* out_file_list_groups and out_file_list_datasets. */
static int list_members(struct out_file *f, const char *group_path, H5I_type_t kind, char ***out,
                        size_t *count, struct sim_err *err)
{
    int rc = check_file(f, out, err);
    if (rc < 0)
        return rc;
    *out = NULL;
    if (!group_path || group_path[0] != '/')
        return sim_err_set(err, SIM_EINVAL,
                           "results file %s: group path '%s' is not absolute (like /scenarios)",
                           f->path, group_path ? group_path : "(null)");
    char why[OUT_H5_WHY_MAX] = "";
    char **names;
    size_t n;
    if (member_names(f->file, group_path, kind, &names, &n, why) < 0)
        return read_failed(f, err, group_path, why);
    char **v = pack_strings(names, n);
    out_h5_free_strings(names, n);
    if (!v)
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    *out = v;
    if (count)
        *count = n;
    return 0;
}

int out_file_list_groups(struct out_file *f, const char *group_path, char ***out, size_t *count,
                         struct sim_err *err)
{
    return list_members(f, group_path, H5I_GROUP, out, count, err);
}

int out_file_list_datasets(struct out_file *f, const char *group_path, char ***out,
                           size_t *count, struct sim_err *err)
{
    return list_members(f, group_path, H5I_DATASET, out, count, err);
}

int out_file_list_scenarios(struct out_file *f, char ***out, size_t *count, struct sim_err *err)
{
    /* Every results file has the group, even with no scenario in it: without it the file is
     * damaged or another program's, not an empty run. */
    if (f && out && H5Lexists(f->file, "/scenarios", H5P_DEFAULT) <= 0) {
        *out = NULL;
        return sim_err_set(err, SIM_EINVAL,
                           "results file %s: not a caresim results file (no /scenarios group)",
                           f->path);
    }
    return out_file_list_groups(f, "/scenarios", out, count, err);
}

int out_file_read_config(struct out_file *f, const char *scenario_name, char **text,
                         struct sim_err *err)
{
    int rc = check_file(f, text, err);
    if (rc < 0)
        return rc;
    *text = NULL;
    if (!scenario_name || !scenario_name[0] || strchr(scenario_name, '/'))
        return sim_err_set(err, SIM_EINVAL, "results file %s: bad scenario name '%s'", f->path,
                           scenario_name ? scenario_name : "(null)");
    char path[512];
    if ((size_t)snprintf(path, sizeof path, "/scenarios/%s/config", scenario_name) >= sizeof path)
        return sim_err_set(err, SIM_EINVAL, "results file %s: scenario name too long", f->path);
    hid_t d;
    if ((rc = open_dataset(f, path, &d, err)) < 0)
        return rc;
    char why[OUT_H5_WHY_MAX] = "";
    char **v = NULL;
    rc = out_h5_read_strings(d, 0, 1, &v, NULL, why);
    H5Dclose(d);
    if (rc < 0)
        return sim_err_set(err, SIM_EINVAL, "results file %s: %s: %s", f->path, path, why);
    *text = v[0];
    free(v);
    return 0;
}
