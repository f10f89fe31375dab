/* output/results.c — writing results files: tables as compound datasets, summaries,
 * provenance, and the temporary-file-then-rename protocol that keeps the target whole.
 *
 * Touches only the target's directory: the temporary file it creates there (removed unless
 * committed), the target (replaced by rename on commit), and HDF5's global state through
 * output/h5util; a discarding writer (out_writer_create_discard) touches nothing. See output/results.h for the layout and docs/results.md for readers.
 */
#define _GNU_SOURCE /* memfd_create, dup3 */
#include "output/results.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/h5util.h"
#include "sim/err.h"
#include "sim/stats.h"

/* Deflate level for chunked tables: most of the size gain of level 9 at a fraction of its
 * time on floating-point columns (after shuffle). */
#define OUT_DEFLATE_LEVEL 4

/* Target bytes per chunk: large enough for good compression and few chunk-index entries,
 * small enough that reading a few rows does not inflate megabytes. */
#define OUT_CHUNK_BYTES (256u * 1024u)

/* Confidence level of the intervals in summary tables. */
#define OUT_SUMMARY_LEVEL 0.95

/* Attempts at a free temporary name (pid plus a counter) before giving up. */
#define OUT_TMP_TRIES 1000

enum out_writer_state {
    OUT_W_OPEN,   /* accepting writes */
    OUT_W_FAILED, /* a write failed part-way: the file may be inconsistent, commit refuses */
    OUT_W_DONE,   /* committed, or commit failed and the temporary file is gone */
};

struct out_writer {
    char *target;                /* path of the file as given, for messages */
    char *path;                  /* path it is renamed to: target, or where a symlink points */
    char *tmp;                   /* temporary file beside path; NULL once renamed or removed */
    char *dir;                   /* directory holding both, fsynced after the rename */
    char *finished_utc;          /* provenance's finish time, NULL = time of commit */
    hid_t file;                  /* the open temporary file; H5I_INVALID_HID once closed */
    enum out_writer_state state; /* see enum out_writer_state */
    int discard;                 /* out_writer_create_discard: accepts everything, no file */
    struct out_appender **apps;  /* tables begun with out_writer_begin_table (owned) */
    size_t n_apps, cap_apps;
};

/* A table written in pieces (out_writer_begin_table). */
struct out_appender {
    struct out_writer *w; /* its writer */
    char *path;           /* dataset path, for messages */
    hid_t d;              /* the open dataset; H5I_INVALID_HID once closed (or discarding) */
    hid_t mtype;          /* row type in memory */
    size_t n_cols;
    size_t rows;          /* rows in the dataset */
};

/* ---- Small helpers ----------------------------------------------------------------------- */

/* Current UTC time as ISO 8601 ("2024-05-01T12:00:00Z") into buf (>= 21 bytes). */
static void utc_now(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || !gmtime_r(&now, &tm) ||
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "unknown");
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* A link name: non-empty, no '/', not "." or ".." (HDF5 would read those as paths). */
static int name_ok(const char *name)
{
    return name && name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

/* An absolute group path: "/" or "/a/b", no empty, "." or ".." components, no trailing '/'. */
static int group_path_ok(const char *path)
{
    if (!path || path[0] != '/')
        return 0;
    if (!path[1])
        return 1;
    const char *p = path + 1;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        if (!slash)
            return 1;
        p = slash + 1;
    }
}

/* Joins an absolute group path and a name: "/" + "x" = "/x", "/a" + "x" = "/a/x". */
static char *join_path(const char *group, const char *name)
{
    size_t g = strlen(group), n = strlen(name);
    int root = g == 1;
    char *s = malloc(g + n + 2);
    if (!s)
        return NULL;
    memcpy(s, group, g);
    size_t at = root ? 1 : g + 1;
    if (!root)
        s[g] = '/';
    memcpy(s + at, name, n + 1);
    return s;
}

/* 0 when w accepts writes, 1 when it accepts them by discarding them (the caller returns
 * 0 at once), or a negative SIM_E* code. */
static int check_open(struct out_writer *w, struct sim_err *err)
{
    if (!w)
        return sim_err_set(err, SIM_EINVAL, "results writer is NULL");
    if (w->discard && w->state == OUT_W_OPEN)
        return 1;
    if (w->state == OUT_W_FAILED)
        return sim_err_set(err, SIM_ESTATE,
                           "results file %s: an earlier write failed, the file is abandoned",
                           w->target);
    if (w->state == OUT_W_DONE)
        return sim_err_set(err, SIM_ESTATE, "results file %s: already committed", w->target);
    return 0;
}

/* Reports an HDF5 (or own) failure while writing `what`, and abandons the file. */
static int write_failed(struct out_writer *w, struct sim_err *err, const char *what,
                        const char *why)
{
    w->state = OUT_W_FAILED;
    return sim_err_set(err, SIM_EIO, "results file %s: writing %s: %s", w->target, what, why);
}

/* Checks a table's shape and names; messages name the table and column. */
static int check_table(const struct out_table *t, const char *group_path, struct sim_err *err)
{
    if (!t)
        return sim_err_set(err, SIM_EINVAL, "table is NULL");
    if (!group_path_ok(group_path))
        return sim_err_set(err, SIM_EINVAL,
                           "table %s: group path '%s' is not an absolute path like "
                           "/scenarios/base",
                           t->name ? t->name : "(unnamed)", group_path ? group_path : "(null)");
    if (!name_ok(t->name))
        return sim_err_set(err, SIM_EINVAL,
                           "table name '%s' is empty, contains '/' or is '.' or '..'",
                           t->name ? t->name : "(null)");
    if (t->n_cols == 0 || !t->cols)
        return sim_err_set(err, SIM_EINVAL, "table %s: no columns", t->name);
    if (t->n_rows > 0 && !t->values)
        return sim_err_set(err, SIM_EINVAL, "table %s: %zu rows but no values", t->name, t->n_rows);
    for (size_t c = 0; c < t->n_cols; c++) {
        const char *name = t->cols[c].name;
        if (!name || !name[0])
            return sim_err_set(err, SIM_EINVAL, "table %s: column %zu has no name", t->name, c + 1);
        for (size_t d = 0; d < c; d++)
            if (!strcmp(t->cols[d].name, name))
                return sim_err_set(err, SIM_EINVAL, "table %s: column '%s' appears twice", t->name,
                                   name);
    }
    return 0;
}

/* Fails with SIM_EINVAL when path already exists in the file, or cannot be looked up
 * (a component on the way is a dataset). A lookup changes nothing, so the file stays
 * usable either way. */
static int check_new(struct out_writer *w, const char *path, struct sim_err *err)
{
    char why[OUT_H5_WHY_MAX] = "";
    int e = out_h5_path_exists(w->file, path, why);
    if (e < 0)
        return sim_err_set(err, SIM_EINVAL, "results file %s: cannot create %s: %s", w->target,
                           path, why);
    if (e > 0)
        return sim_err_set(err, SIM_EINVAL, "results file %s: %s already exists", w->target, path);
    return 0;
}

/* Writes the attributes every table carries: description, and columns, units and
 * column_descriptions as string arrays in column order. */
static int table_attrs(hid_t d, const char *desc, size_t n, const struct out_column *cols,
                       char *why)
{
    const char **v = malloc(n * sizeof *v);
    if (!v)
        return out_h5_why(why, "out of memory");
    int rc = out_h5_attr_str(d, "description", desc ? desc : "", why);
    for (size_t c = 0; c < n; c++)
        v[c] = cols[c].name;
    if (rc == 0)
        rc = out_h5_attr_strv(d, "columns", v, n, why);
    for (size_t c = 0; c < n; c++)
        v[c] = cols[c].unit ? cols[c].unit : "";
    if (rc == 0)
        rc = out_h5_attr_strv(d, "units", v, n, why);
    for (size_t c = 0; c < n; c++)
        v[c] = cols[c].desc ? cols[c].desc : "";
    if (rc == 0)
        rc = out_h5_attr_strv(d, "column_descriptions", v, n, why);
    free(v);
    return rc;
}

/* Dataset creation properties for n_rows rows of row_bytes: contiguous for small tables,
 * chunked with shuffle + deflate for large ones. */
static hid_t table_dcpl(size_t n_rows, size_t row_bytes, char *why)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0) {
        out_h5_capture(why);
        return -1;
    }
    if (n_rows <= OUT_CHUNK_MIN_ROWS)
        return dcpl;
    size_t rows = row_bytes ? OUT_CHUNK_BYTES / row_bytes : 1;
    if (rows < 1)
        rows = 1;
    if (rows > n_rows)
        rows = n_rows;
    hsize_t chunk = rows;
    /* Shuffle groups the bytes of the doubles by significance, which deflate compresses
     * far better; both filters are built into every HDF5 (h5py, rhdf5 included). */
    if (H5Pset_chunk(dcpl, 1, &chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
        H5Pset_deflate(dcpl, OUT_DEFLATE_LEVEL) < 0) {
        out_h5_capture(why);
        H5Pclose(dcpl);
        return -1;
    }
    return dcpl;
}

/* Group creation properties that keep links in creation order, so scenarios and tables
 * list back in the order they were written. */
static hid_t ordered_gcpl(char *why)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0 ||
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
        out_h5_capture(why);
        if (gcpl >= 0)
            H5Pclose(gcpl);
        return -1;
    }
    return gcpl;
}

/* Creates dataset `path` of compound type ftype with n_rows rows and writes buf (memory
 * type mtype) with the standard table attributes; intermediate groups are created. */
static int write_dataset(hid_t file, const char *path, hid_t ftype, hid_t mtype, size_t n_rows,
                         const void *buf, const char *desc, size_t n_cols,
                         const struct out_column *cols, char *why)
{
    hsize_t dim = n_rows;
    hid_t space = H5Screate_simple(1, &dim, NULL);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    hid_t dcpl = -1, d = -1;
    int rc = -1;
    if (space < 0 || lcpl < 0 || H5Pset_create_intermediate_group(lcpl, 1) < 0) {
        out_h5_capture(why);
        goto done;
    }
    dcpl = table_dcpl(n_rows, H5Tget_size(ftype), why);
    if (dcpl < 0)
        goto done;
    d = H5Dcreate2(file, path, ftype, space, lcpl, dcpl, H5P_DEFAULT);
    if (d < 0 || (n_rows > 0 && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)) {
        out_h5_capture(why);
        goto done;
    }
    rc = table_attrs(d, desc, n_cols, cols, why);
done:
    if (d >= 0 && H5Dclose(d) < 0) {
        out_h5_capture(why);
        rc = -1;
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (lcpl >= 0)
        H5Pclose(lcpl);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

/* ---- Writer lifecycle -------------------------------------------------------------------- */

/* Splits path into its directory ("." when none) and last component, which must name a
 * file (not "", "." or ".."). */
static int split_target(const char *path, char **dir, const char **base, struct sim_err *err)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!**base || !strcmp(*base, ".") || !strcmp(*base, ".."))
        return sim_err_set(err, SIM_EINVAL, "results file %s: not a file name", path);
    if (!slash)
        *dir = strdup(".");
    else if (slash == path)
        *dir = strdup("/");
    else
        *dir = strndup(path, (size_t)(slash - path));
    return *dir ? 0 : sim_err_set(err, SIM_ENOMEM, "out of memory");
}

/* Reserves a fresh temporary name beside the target with O_EXCL (so two writers never
 * share one) and returns it; errors name the directory and errno's text. */
static char *reserve_tmp(const char *target, const char *dir, const char *base, struct sim_err *err)
{
    size_t size = strlen(dir) + strlen(base) + 64;
    char *tmp = malloc(size);
    if (!tmp) {
        sim_err_set(err, SIM_ENOMEM, "out of memory");
        return NULL;
    }
    for (int i = 0; i < OUT_TMP_TRIES; i++) {
        snprintf(tmp, size, "%s/.%s.tmp.%ld.%d", dir, base, (long)getpid(), i);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            close(fd);
            return tmp;
        }
        if (errno != EEXIST) {
            sim_err_set(err, SIM_EIO, "results file %s: cannot create %s: %s", target, tmp,
                        strerror(errno));
            free(tmp);
            return NULL;
        }
    }
    sim_err_set(err, SIM_EIO, "results file %s: no free temporary name in %s", target, dir);
    free(tmp);
    return NULL;
}

static int write_root_attrs(hid_t file, const struct out_provenance *p, char *why)
{
    char created[32];
    utc_now(created, sizeof created);
    int rc = 0;
    rc = rc ? rc : out_h5_attr_str(file, "caresim_version", p->version, why);
    rc = rc ? rc : out_h5_attr_str(file, "git_commit", p->git_commit, why);
    rc = rc ? rc : out_h5_attr_str(file, "command_line", p->command_line, why);
    rc = rc ? rc : out_h5_attr_u64(file, "master_seed", p->master_seed, why);
    rc = rc ? rc : out_h5_attr_str(file, "created", created, why);
    rc = rc ? rc : out_h5_attr_str(file, "started", p->started_utc, why);
    /* `finished` is written at commit; until then a reader of the temporary file sees "". */
    rc = rc ? rc : out_h5_attr_str(file, "finished", "", why);
    rc = rc ? rc : out_h5_attr_str(file, "host", p->host, why);
    rc = rc ? rc : out_h5_attr_i64(file, "threads", p->threads, H5T_STD_I32LE, why);
    rc = rc ? rc : out_h5_attr_i64(file, "ranks", p->ranks > 1 ? p->ranks : 1, H5T_STD_I32LE, why);
    rc = rc ? rc : out_h5_attr_i64(file, "partial", 0, H5T_STD_I32LE, why);
    rc = rc ? rc : out_h5_attr_i64(file, "format_version", OUT_FORMAT_VERSION, H5T_STD_I32LE, why);
    return rc;
}

static int create_scenarios_group(hid_t file, char *why)
{
    hid_t gcpl = ordered_gcpl(why);
    if (gcpl < 0)
        return -1;
    hid_t g = H5Gcreate2(file, "/scenarios", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    if (g < 0) {
        out_h5_capture(why);
        return -1;
    }
    H5Gclose(g);
    return 0;
}

/* The path the file is renamed to: target itself, or, when target is a symbolic link to an
 * existing file, that file, so the link keeps pointing at the results rather than being
 * replaced by them. NULL only when out of memory. */
static char *resolve_link(const char *target)
{
    struct stat st;
    if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode)) {
        char *real = realpath(target, NULL);
        if (real)
            return real;
        /* A dangling link: replace the link itself. */
    }
    return strdup(target);
}

struct out_writer *out_writer_create(const char *target_path, const struct out_provenance *prov,
                                     struct sim_err *err)
{
    if (!target_path || !target_path[0] || !prov) {
        sim_err_set(err, SIM_EINVAL, "results file: no %s given", prov ? "path" : "provenance");
        return NULL;
    }
    if (out_h5_init() < 0) {
        sim_err_set(err, SIM_EIO, "results file %s: the HDF5 library failed to start", target_path);
        return NULL;
    }
    /* Only a regular file may be replaced: renaming over /dev/null or a pipe (say, `-o
     * /dev/null` run as root) would destroy the device node. */
    struct stat st;
    if (stat(target_path, &st) == 0 && !S_ISREG(st.st_mode)) {
        sim_err_set(err, SIM_EINVAL, "results file %s: %s", target_path,
                    S_ISDIR(st.st_mode) ? "is a directory"
                                        : "is not a regular file (a device or pipe?); "
                                          "refusing to replace it");
        return NULL;
    }
    struct out_writer *w = calloc(1, sizeof *w);
    if (!w) {
        sim_err_set(err, SIM_ENOMEM, "out of memory");
        return NULL;
    }
    w->file = H5I_INVALID_HID;
    w->state = OUT_W_DONE; /* until the file is open: destroy must not touch the target */
    const char *base;
    w->target = strdup(target_path);
    w->path = resolve_link(target_path);
    w->finished_utc = dup_or_null(prov->finished_utc);
    if (!w->target || !w->path || (prov->finished_utc && !w->finished_utc)) {
        sim_err_set(err, SIM_ENOMEM, "out of memory");
        goto fail;
    }
    if (split_target(w->path, &w->dir, &base, err) < 0)
        goto fail;
    w->tmp = reserve_tmp(target_path, w->dir, base, err);
    if (!w->tmp)
        goto fail;

    char why[OUT_H5_WHY_MAX] = "";
    /* The POSIX driver, named explicitly because close_abandoned relies on its handle
     * being a file descriptor. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_fapl_sec2(fapl) >= 0)
        w->file = H5Fcreate(w->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (w->file < 0)
        out_h5_capture(why);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (w->file < 0) {
        sim_err_set(err, SIM_EIO, "results file %s: cannot create %s: %s", target_path, w->tmp,
                    why);
        goto fail;
    }
    w->state = OUT_W_OPEN;
    if (write_root_attrs(w->file, prov, why) < 0 || create_scenarios_group(w->file, why) < 0) {
        sim_err_set(err, SIM_EIO, "results file %s: writing the root attributes: %s", target_path,
                    why);
        goto fail;
    }
    return w;
fail:
    out_writer_destroy(w);
    return NULL;
}

struct out_writer *out_writer_create_discard(struct sim_err *err)
{
    struct out_writer *w = calloc(1, sizeof *w);
    if (w)
        w->target = strdup("(discarded)");
    if (!w || !w->target) {
        free(w);
        sim_err_set(err, SIM_ENOMEM, "out of memory");
        return NULL;
    }
    w->file = H5I_INVALID_HID;
    w->state = OUT_W_OPEN;
    w->discard = 1;
    return w;
}

/* Writes the dataset config (the scenario's text) into the open group g. */
static int write_config(hid_t g, const char *config_text, char *why)
{
    hid_t t = out_h5_fixed_str_type(strlen(config_text) + 1), s = H5Screate(H5S_SCALAR);
    hid_t d = t < 0 || s < 0 ? -1 : H5Dcreate2(g, "config", t, s, H5P_DEFAULT, H5P_DEFAULT,
                                              H5P_DEFAULT);
    int rc = -1;
    if (d >= 0 && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, config_text) >= 0)
        rc = out_h5_attr_str(d, "description",
                             "resolved scenario: libconfig text after inheritance and "
                             "overrides", why);
    else
        out_h5_capture(why);
    if (d >= 0 && H5Dclose(d) < 0) {
        out_h5_capture(why);
        rc = -1;
    }
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    return rc;
}

int out_writer_add_scenario(struct out_writer *w, const char *scenario_name,
                            const char *config_text, struct sim_err *err)
{
    int rc = check_open(w, err);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (!name_ok(scenario_name))
        return sim_err_set(err, SIM_EINVAL,
                           "results file %s: scenario name '%s' is empty, contains '/' or is "
                           "'.' or '..'",
                           w->target, scenario_name ? scenario_name : "(null)");
    char *path = join_path("/scenarios", scenario_name);
    if (!path)
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    rc = check_new(w, path, err);
    if (rc < 0) {
        free(path);
        return rc;
    }
    char why[OUT_H5_WHY_MAX] = "";
    hid_t gcpl = ordered_gcpl(why);
    hid_t g = gcpl < 0 ? -1 : H5Gcreate2(w->file, path, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    rc = -1;
    if (g < 0)
        out_h5_capture(why);
    else
        rc = config_text ? write_config(g, config_text, why) : 0;
    if (g >= 0 && H5Gclose(g) < 0) {
        out_h5_capture(why);
        rc = -1;
    }
    if (gcpl >= 0)
        H5Pclose(gcpl);
    if (rc < 0)
        rc = write_failed(w, err, path, why);
    free(path);
    return rc;
}

int out_writer_add_config(struct out_writer *w, const char *scenario_name,
                          const char *config_text, struct sim_err *err)
{
    int rc = check_open(w, err);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (!name_ok(scenario_name) || !config_text)
        return sim_err_set(err, SIM_EINVAL, "results file %s: config of scenario '%s': bad "
                                            "name or no text", w->target,
                           scenario_name ? scenario_name : "(null)");
    char *path = join_path("/scenarios", scenario_name), *cpath = NULL;
    if (!path || !(cpath = join_path(path, "config"))) {
        free(path);
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    }
    char why[OUT_H5_WHY_MAX] = "";
    int exists = out_h5_path_exists(w->file, path, why);
    if (exists < 0)
        rc = sim_err_set(err, SIM_EIO, "results file %s: %s: %s", w->target, path, why);
    else
        rc = exists > 0 ? check_new(w, cpath, err)
                        : sim_err_set(err, SIM_EINVAL, "results file %s: no scenario %s",
                                      w->target, scenario_name);
    if (rc == 0) {
        hid_t g = H5Gopen2(w->file, path, H5P_DEFAULT);
        rc = g < 0 ? -1 : write_config(g, config_text, why);
        if (g < 0)
            out_h5_capture(why);
        if (g >= 0 && H5Gclose(g) < 0) {
            out_h5_capture(why);
            rc = -1;
        }
        if (rc < 0)
            rc = write_failed(w, err, cpath, why);
    }
    free(path);
    free(cpath);
    return rc;
}

/* Compound type of n_cols doubles packed in column order, with the columns' names. */
static hid_t doubles_type(const struct out_table *t, hid_t member, char *why)
{
    hid_t c = H5Tcreate(H5T_COMPOUND, t->n_cols * sizeof(double));
    if (c < 0) {
        out_h5_capture(why);
        return -1;
    }
    for (size_t i = 0; i < t->n_cols; i++)
        if (H5Tinsert(c, t->cols[i].name, i * sizeof(double), member) < 0) {
            out_h5_capture(why);
            H5Tclose(c);
            return -1;
        }
    return c;
}

int out_writer_add_table(struct out_writer *w, const char *group_path, const struct out_table *t,
                         struct sim_err *err)
{
    int rc = check_open(w, err);
    if (rc != 0 || (rc = check_table(t, group_path, err)) < 0)
        return rc < 0 ? rc : 0;
    char *path = join_path(group_path, t->name);
    if (!path)
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    rc = check_new(w, path, err);
    if (rc < 0) {
        free(path);
        return rc;
    }
    char why[OUT_H5_WHY_MAX] = "";
    /* Row-major doubles are exactly an array of packed compounds of doubles, so the
     * caller's buffer is written as it is. */
    hid_t mtype = doubles_type(t, H5T_NATIVE_DOUBLE, why);
    hid_t ftype = mtype < 0 ? -1 : doubles_type(t, H5T_IEEE_F64LE, why);
    rc = -1;
    if (ftype >= 0)
        rc = write_dataset(w->file, path, ftype, mtype, t->n_rows, t->values, t->desc, t->n_cols,
                           t->cols, why);
    if (ftype >= 0)
        H5Tclose(ftype);
    if (mtype >= 0)
        H5Tclose(mtype);
    if (rc < 0)
        rc = write_failed(w, err, path, why);
    free(path);
    return rc;
}

/* ---- Tables written in pieces ------------------------------------------------------------ */

int out_writer_begin_table(struct out_writer *w, const char *group_path, const struct out_table *t,
                           struct out_appender **app, struct sim_err *err)
{
    *app = NULL;
    int rc = check_open(w, err);
    if (rc < 0 || (rc == 0 && (rc = check_table(t, group_path, err)) < 0))
        return rc;
    int discard = rc > 0;
    if (w->n_apps == w->cap_apps) {
        size_t cap = w->cap_apps ? 2 * w->cap_apps : 8;
        struct out_appender **v = realloc(w->apps, cap * sizeof *v);
        if (!v)
            return sim_err_set(err, SIM_ENOMEM, "out of memory");
        w->apps = v;
        w->cap_apps = cap;
    }
    struct out_appender *a = calloc(1, sizeof *a);
    char *path = t->name ? join_path(group_path, t->name) : NULL;
    if (!a || !path) {
        free(a);
        free(path);
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    }
    *a = (struct out_appender){.w = w, .path = path, .d = H5I_INVALID_HID,
                               .mtype = H5I_INVALID_HID, .n_cols = t->n_cols};
    if (!discard && (rc = check_new(w, path, err)) < 0) {
        free(path);
        free(a);
        return rc;
    }
    w->apps[w->n_apps++] = a;
    *app = a;
    if (discard)
        return 0;
    char why[OUT_H5_WHY_MAX] = "";
    hsize_t zero = 0, unlimited = H5S_UNLIMITED;
    size_t row_bytes = t->n_cols * sizeof(double), per = OUT_CHUNK_BYTES / row_bytes;
    hsize_t chunk = per ? per : 1;
    hid_t ftype = doubles_type(t, H5T_IEEE_F64LE, why);
    hid_t space = H5Screate_simple(1, &zero, &unlimited);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    a->mtype = doubles_type(t, H5T_NATIVE_DOUBLE, why);
    rc = -1;
    if (ftype >= 0 && a->mtype >= 0 && space >= 0 && lcpl >= 0 && dcpl >= 0 &&
        H5Pset_create_intermediate_group(lcpl, 1) >= 0 && H5Pset_chunk(dcpl, 1, &chunk) >= 0 &&
        H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, OUT_DEFLATE_LEVEL) >= 0 &&
        (a->d = H5Dcreate2(w->file, path, ftype, space, lcpl, dcpl, H5P_DEFAULT)) >= 0)
        rc = table_attrs(a->d, t->desc, t->n_cols, t->cols, why);
    else
        out_h5_capture(why);
    if (ftype >= 0)
        H5Tclose(ftype);
    if (space >= 0)
        H5Sclose(space);
    if (lcpl >= 0)
        H5Pclose(lcpl);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    return rc < 0 ? write_failed(w, err, path, why) : 0;
}

int out_appender_add(struct out_appender *a, const double *rows, size_t n_rows,
                     struct sim_err *err)
{
    if (!a)
        return sim_err_set(err, SIM_EINVAL, "table appender is NULL");
    int rc = check_open(a->w, err);
    if (rc < 0)
        return rc;
    if (rc > 0 || n_rows == 0) { /* discarding, or nothing to add */
        a->rows += rc > 0 ? n_rows : 0;
        return 0;
    }
    if (a->d < 0)
        return sim_err_set(err, SIM_ESTATE, "table %s: already closed", a->path);
    char why[OUT_H5_WHY_MAX] = "";
    hsize_t start = a->rows, count = n_rows, size = a->rows + n_rows;
    hid_t fspace = -1, mspace = -1;
    rc = -1;
    if (H5Dset_extent(a->d, &size) >= 0 && (fspace = H5Dget_space(a->d)) >= 0 &&
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL) >= 0 &&
        (mspace = H5Screate_simple(1, &count, NULL)) >= 0 &&
        H5Dwrite(a->d, a->mtype, mspace, fspace, H5P_DEFAULT, rows) >= 0)
        rc = 0;
    else
        out_h5_capture(why);
    if (fspace >= 0)
        H5Sclose(fspace);
    if (mspace >= 0)
        H5Sclose(mspace);
    if (rc < 0)
        return write_failed(a->w, err, a->path, why);
    a->rows += n_rows;
    return 0;
}

int out_appender_truncate(struct out_appender *a, size_t n_rows, struct sim_err *err)
{
    if (!a)
        return sim_err_set(err, SIM_EINVAL, "table appender is NULL");
    int rc = check_open(a->w, err);
    if (rc < 0)
        return rc;
    if (n_rows > a->rows)
        return sim_err_set(err, SIM_EINVAL, "table %s: cannot keep %zu rows of %zu", a->path,
                           n_rows, a->rows);
    if (rc == 0 && a->d >= 0) {
        char why[OUT_H5_WHY_MAX] = "";
        hsize_t size = n_rows;
        if (H5Dset_extent(a->d, &size) < 0) {
            out_h5_capture(why);
            return write_failed(a->w, err, a->path, why);
        }
    }
    a->rows = n_rows;
    return 0;
}

size_t out_appender_rows(const struct out_appender *a)
{
    return a ? a->rows : 0;
}

/* ---- Tables of outcomes ------------------------------------------------------------------ */

/* Compound type of a table of outcomes, packed: outcome (name_size bytes), unit (unit_size
 * bytes), then one 8-byte number per field: a 64-bit integer where is_int[i] is set (is_int
 * may be NULL: none), a 64-bit float otherwise. Native numbers (mem != 0) for the buffer,
 * little-endian ones for the file; the offsets are the same. */
static hid_t outcome_rows_type(int mem, size_t name_size, size_t unit_size, size_t n_fields,
                               const struct out_column *fields, const unsigned char *is_int,
                               char *why)
{
    hid_t sname = out_h5_fixed_str_type(name_size), sunit = out_h5_fixed_str_type(unit_size);
    hid_t num_i = mem ? H5T_NATIVE_INT64 : H5T_STD_I64LE;
    hid_t num_f = mem ? H5T_NATIVE_DOUBLE : H5T_IEEE_F64LE;
    size_t at = name_size + unit_size;
    hid_t c = sname < 0 || sunit < 0 ? -1 : H5Tcreate(H5T_COMPOUND, at + 8 * n_fields);
    int ok = c >= 0 && H5Tinsert(c, "outcome", 0, sname) >= 0 &&
             H5Tinsert(c, "unit", name_size, sunit) >= 0;
    for (size_t i = 0; ok && i < n_fields; i++)
        ok = H5Tinsert(c, fields[i].name, at + 8 * i, is_int && is_int[i] ? num_i : num_f) >= 0;
    if (!ok) {
        out_h5_capture(why);
        if (c >= 0)
            H5Tclose(c);
        c = -1;
    }
    if (sname >= 0)
        H5Tclose(sname);
    if (sunit >= 0)
        H5Tclose(sunit);
    return c;
}

/* Writes the dataset `path`: one row per outcome with its name and unit, then the n_fields
 * values of the row (values[r * n_fields + i]; an integer field's values are whole numbers
 * held as doubles). cols describe the n_fields + 2 members (outcome and unit first) for the
 * table's attributes. Strings are sized to the longest, at least 2 bytes so that an
 * all-empty column is still a valid string type. */
static int write_outcome_rows(hid_t file, const char *path, const char *desc, size_t n_rows,
                              const char *const *outcomes, const char *const *units,
                              size_t n_fields, const struct out_column *cols,
                              const unsigned char *is_int, const double *values, char *why)
{
    size_t name_size = 2, unit_size = 2;
    for (size_t r = 0; r < n_rows; r++) {
        size_t n = strlen(outcomes[r]) + 1;
        size_t u = (units && units[r] ? strlen(units[r]) : 0) + 1;
        name_size = n > name_size ? n : name_size;
        unit_size = u > unit_size ? u : unit_size;
    }
    size_t at = name_size + unit_size, row_size = at + 8 * n_fields;
    hid_t mtype = -1, ftype = -1;
    int rc = -1;
    unsigned char *buf = calloc(n_rows ? n_rows : 1, row_size);
    if (!buf) {
        out_h5_why(why, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < n_rows; r++) {
        unsigned char *row = buf + r * row_size;
        memcpy(row, outcomes[r], strlen(outcomes[r]));
        if (units && units[r])
            memcpy(row + name_size, units[r], strlen(units[r]));
        for (size_t i = 0; i < n_fields; i++) {
            double x = values[r * n_fields + i];
            if (is_int && is_int[i]) {
                int64_t v = (int64_t)x;
                memcpy(row + at + 8 * i, &v, 8);
            } else {
                memcpy(row + at + 8 * i, &x, 8);
            }
        }
    }
    mtype = outcome_rows_type(1, name_size, unit_size, n_fields, cols + 2, is_int, why);
    ftype = mtype < 0 ? -1
                      : outcome_rows_type(0, name_size, unit_size, n_fields, cols + 2, is_int, why);
    if (ftype >= 0)
        rc = write_dataset(file, path, ftype, mtype, n_rows, buf, desc, n_fields + 2, cols, why);
done:
    if (ftype >= 0)
        H5Tclose(ftype);
    if (mtype >= 0)
        H5Tclose(mtype);
    free(buf);
    return rc;
}

/* Checks an outcome table's shape and names; messages name the table and field. */
static int check_outcome_table(const struct out_outcome_table *t, const char *group_path,
                               struct sim_err *err)
{
    if (!t)
        return sim_err_set(err, SIM_EINVAL, "table is NULL");
    const char *name = t->name ? t->name : "(null)";
    if (!group_path_ok(group_path))
        return sim_err_set(err, SIM_EINVAL,
                           "table %s: group path '%s' is not an absolute path like "
                           "/comparisons/reform_vs_base",
                           name, group_path ? group_path : "(null)");
    if (!name_ok(t->name))
        return sim_err_set(err, SIM_EINVAL,
                           "table name '%s' is empty, contains '/' or is '.' or '..'", name);
    if (t->n_fields == 0 || !t->fields)
        return sim_err_set(err, SIM_EINVAL, "table %s: no fields", name);
    if (t->n_rows > 0 && (!t->values || !t->outcomes))
        return sim_err_set(err, SIM_EINVAL, "table %s: %zu rows but no %s", name, t->n_rows,
                           t->outcomes ? "values" : "outcome names");
    for (size_t r = 0; r < t->n_rows; r++)
        if (!t->outcomes[r])
            return sim_err_set(err, SIM_EINVAL, "table %s: row %zu has no outcome name", name,
                               r + 1);
    for (size_t c = 0; c < t->n_fields; c++) {
        const char *f = t->fields[c].name;
        if (!f || !f[0])
            return sim_err_set(err, SIM_EINVAL, "table %s: field %zu has no name", name, c + 1);
        if (!strcmp(f, "outcome") || !strcmp(f, "unit"))
            return sim_err_set(err, SIM_EINVAL, "table %s: field '%s' clashes with the string "
                               "member of that name", name, f);
        for (size_t d = 0; d < c; d++)
            if (!strcmp(t->fields[d].name, f))
                return sim_err_set(err, SIM_EINVAL, "table %s: field '%s' appears twice", name, f);
    }
    return 0;
}

int out_writer_add_outcome_table(struct out_writer *w, const char *group_path,
                                 const struct out_outcome_table *t, struct sim_err *err)
{
    int rc = check_open(w, err);
    if (rc != 0 || (rc = check_outcome_table(t, group_path, err)) < 0)
        return rc < 0 ? rc : 0;
    char *path = join_path(group_path, t->name);
    struct out_column *cols = malloc((t->n_fields + 2) * sizeof *cols);
    if (!path || !cols) {
        free(path);
        free(cols);
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    }
    rc = check_new(w, path, err);
    if (rc == 0) {
        cols[0] = (struct out_column){"outcome", "", "name of the outcome"};
        cols[1] = (struct out_column){"unit", "", "unit of the outcome"};
        memcpy(cols + 2, t->fields, t->n_fields * sizeof *cols);
        char why[OUT_H5_WHY_MAX] = "";
        if (write_outcome_rows(w->file, path, t->desc, t->n_rows, t->outcomes, t->units,
                               t->n_fields, cols, NULL, t->values, why) < 0)
            rc = write_failed(w, err, path, why);
    }
    free(cols);
    free(path);
    return rc;
}

/* ---- Summary ----------------------------------------------------------------------------- */

/* Fields of a summary after outcome and unit; n is an integer, the others floats. */
enum { SUM_N, SUM_MEAN, SUM_SD, SUM_CI_LOW, SUM_CI_HIGH, SUM_FIELDS };
static const unsigned char summary_is_int[SUM_FIELDS] = {[SUM_N] = 1};

static const struct out_column summary_cols[SUM_FIELDS + 2] = {
    {"outcome", "", "outcome: column name in the replications table"},
    {"unit", "", "unit of the outcome"},
    {"n", "count", "replications with a value (NaN left out)"},
    {"mean", "see unit", "mean over replications"},
    {"sd", "see unit", "sample standard deviation over replications (divisor n - 1)"},
    {"ci_low", "see unit", "lower end of the 95% Student-t confidence interval for the mean"},
    {"ci_high", "see unit", "upper end of the 95% Student-t confidence interval for the mean"},
};

/* The summary fields of column c of t, into s[SUM_FIELDS] (n as a double). */
static void summarise_column(const struct out_table *t, size_t c, double *s)
{
    struct sim_welford w;
    sim_welford_init(&w);
    for (size_t r = 0; r < t->n_rows; r++) {
        double x = t->values[r * t->n_cols + c];
        if (!isnan(x))
            sim_welford_add(&w, x);
    }
    double hw = sim_welford_ci_halfwidth(&w, OUT_SUMMARY_LEVEL);
    s[SUM_N] = (double)w.count;
    s[SUM_MEAN] = sim_welford_mean(&w);
    s[SUM_SD] = sim_welford_sd(&w);
    s[SUM_CI_LOW] = s[SUM_MEAN] - hw;
    s[SUM_CI_HIGH] = s[SUM_MEAN] + hw;
}

int out_writer_add_summary(struct out_writer *w, const char *group_path,
                           const struct out_table *replications, struct sim_err *err)
{
    const struct out_table *t = replications;
    int rc = check_open(w, err);
    if (rc != 0 || (rc = check_table(t, group_path, err)) < 0)
        return rc < 0 ? rc : 0;
    char *path = join_path(group_path, "summary");
    if (!path)
        return sim_err_set(err, SIM_ENOMEM, "out of memory");
    rc = check_new(w, path, err);
    if (rc < 0) {
        free(path);
        return rc;
    }

    char why[OUT_H5_WHY_MAX] = "";
    double *values = calloc(t->n_cols, SUM_FIELDS * sizeof *values);
    const char **names = calloc(t->n_cols, sizeof *names);
    const char **units = calloc(t->n_cols, sizeof *units);
    rc = -1;
    if (!values || !names || !units) {
        out_h5_why(why, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        summarise_column(t, c, values + c * SUM_FIELDS);
        names[c] = t->cols[c].name;
        units[c] = t->cols[c].unit;
    }
    rc = write_outcome_rows(w->file, path,
                            "mean, sd and 95% confidence interval per outcome over replications",
                            t->n_cols, names, units, SUM_FIELDS, summary_cols, summary_is_int,
                            values, why);
    if (rc == 0) {
        hid_t d = H5Dopen2(w->file, path, H5P_DEFAULT);
        if (d < 0) {
            out_h5_capture(why);
            rc = -1;
        } else {
            rc = out_h5_attr_f64(d, "confidence_level", OUT_SUMMARY_LEVEL, why);
            if (rc == 0)
                rc = out_h5_attr_str(d, "source", t->name, why);
            H5Dclose(d);
        }
    }
done:
    free(values);
    free(names);
    free(units);
    if (rc < 0)
        rc = write_failed(w, err, path, why);
    free(path);
    return rc;
}

/* ---- Groups with attributes ---------------------------------------------------------------- */

int out_writer_add_group(struct out_writer *w, const char *group_path, const struct out_attr *attrs,
                         size_t n_attrs, struct sim_err *err)
{
    int rc = check_open(w, err);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (!group_path_ok(group_path) || !strcmp(group_path, "/"))
        return sim_err_set(err, SIM_EINVAL,
                           "results file %s: group path '%s' is not an absolute path like "
                           "/comparisons",
                           w->target, group_path ? group_path : "(null)");
    if (n_attrs > 0 && !attrs)
        return sim_err_set(err, SIM_EINVAL, "results file %s: group %s: attributes missing",
                           w->target, group_path);
    for (size_t i = 0; i < n_attrs; i++) {
        if (!attrs[i].name || !attrs[i].name[0])
            return sim_err_set(err, SIM_EINVAL, "results file %s: group %s: attribute %zu has no "
                               "name", w->target, group_path, i + 1);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(attrs[j].name, attrs[i].name))
                return sim_err_set(err, SIM_EINVAL,
                                   "results file %s: group %s: attribute '%s' appears twice",
                                   w->target, group_path, attrs[i].name);
    }
    if ((rc = check_new(w, group_path, err)) < 0)
        return rc;

    char why[OUT_H5_WHY_MAX] = "";
    hid_t gcpl = ordered_gcpl(why);
    hid_t lcpl = gcpl < 0 ? -1 : H5Pcreate(H5P_LINK_CREATE);
    hid_t g = -1;
    rc = -1;
    if (gcpl >= 0 && (lcpl < 0 || H5Pset_create_intermediate_group(lcpl, 1) < 0 ||
                      (g = H5Gcreate2(w->file, group_path, lcpl, gcpl, H5P_DEFAULT)) < 0))
        out_h5_capture(why);
    if (g >= 0) {
        rc = 0;
        for (size_t i = 0; rc == 0 && i < n_attrs; i++)
            rc = attrs[i].text ? out_h5_attr_str(g, attrs[i].name, attrs[i].text, why)
                               : out_h5_attr_f64(g, attrs[i].name, attrs[i].value, why);
        if (H5Gclose(g) < 0) {
            out_h5_capture(why);
            rc = -1;
        }
    }
    if (lcpl >= 0)
        H5Pclose(lcpl);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    if (rc < 0)
        rc = write_failed(w, err, group_path, why);
    return rc;
}

/* ---- Attributes of existing objects ------------------------------------------------------- */

int out_writer_add_attr_strings(struct out_writer *w, const char *object_path, const char *name,
                                const char *const *values, size_t n, struct sim_err *err)
{
    int rc = check_open(w, err);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (!group_path_ok(object_path))
        return sim_err_set(err, SIM_EINVAL,
                           "results file %s: object path '%s' is not an absolute path like "
                           "/scenarios/base/ledger",
                           w->target, object_path ? object_path : "(null)");
    if (!name || !name[0])
        return sim_err_set(err, SIM_EINVAL, "results file %s: %s: attribute without a name",
                           w->target, object_path);
    if (n == 0 || !values)
        return sim_err_set(err, SIM_EINVAL, "results file %s: %s: attribute '%s' has no values",
                           w->target, object_path, name);
    char why[OUT_H5_WHY_MAX] = "";
    int e = out_h5_path_exists(w->file, object_path, why);
    if (e < 0)
        return sim_err_set(err, SIM_EINVAL, "results file %s: %s: %s", w->target, object_path,
                           why);
    if (e == 0)
        return sim_err_set(err, SIM_EINVAL, "results file %s: no object %s", w->target,
                           object_path);
    hid_t o = H5Oopen(w->file, object_path, H5P_DEFAULT);
    rc = -1;
    if (o < 0)
        out_h5_capture(why);
    else {
        rc = out_h5_attr_strv(o, name, values, n, why);
        if (H5Oclose(o) < 0) {
            out_h5_capture(why);
            rc = -1;
        }
    }
    if (rc < 0) {
        char what[64 + OUT_H5_WHY_MAX];
        snprintf(what, sizeof what, "attribute '%s' of %s", name, object_path);
        rc = write_failed(w, err, what, why);
    }
    return rc;
}

int out_writer_add_attrs(struct out_writer *w, const char *object_path,
                         const struct out_attr *attrs, size_t n, struct sim_err *err)
{
    int rc = check_open(w, err);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (!group_path_ok(object_path))
        return sim_err_set(err, SIM_EINVAL,
                           "results file %s: object path '%s' is not an absolute path like "
                           "/scenarios/base",
                           w->target, object_path ? object_path : "(null)");
    for (size_t i = 0; i < n; i++)
        if (!attrs || !attrs[i].name || !attrs[i].name[0])
            return sim_err_set(err, SIM_EINVAL, "results file %s: %s: attribute %zu has no name",
                               w->target, object_path, i + 1);
    char why[OUT_H5_WHY_MAX] = "";
    int e = out_h5_path_exists(w->file, object_path, why);
    if (e <= 0)
        return sim_err_set(err, SIM_EINVAL, "results file %s: no object %s%s%s", w->target,
                           object_path, why[0] ? ": " : "", why);
    hid_t o = H5Oopen(w->file, object_path, H5P_DEFAULT);
    rc = -1;
    if (o < 0)
        out_h5_capture(why);
    else {
        rc = 0;
        for (size_t i = 0; rc == 0 && i < n; i++) /* each replaces one of its name */
            rc = attrs[i].text ? out_h5_attr_str(o, attrs[i].name, attrs[i].text, why)
                               : out_h5_attr_f64(o, attrs[i].name, attrs[i].value, why);
        if (H5Oclose(o) < 0) {
            out_h5_capture(why);
            rc = -1;
        }
    }
    if (rc < 0) {
        char what[64 + OUT_H5_WHY_MAX];
        snprintf(what, sizeof what, "attributes of %s", object_path);
        rc = write_failed(w, err, what, why);
    }
    return rc;
}

int out_writer_set_partial(struct out_writer *w, int partial, struct sim_err *err)
{
    int rc = check_open(w, err);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    char why[OUT_H5_WHY_MAX] = "";
    if (out_h5_attr_i64(w->file, "partial", partial ? 1 : 0, H5T_STD_I32LE, why) < 0)
        return write_failed(w, err, "the root attribute 'partial'", why);
    return 0;
}

/* ---- Commit and destroy ------------------------------------------------------------------- */

/* Closes a file whose contents no longer matter. HDF5 1.10 has a bug (fixed in 1.14.1,
 * HDFGroup/hdf5#2496, CVE-2020-10812): when H5Fclose fails because its final writes fail
 * (disk full), it frees the file but leaves its ID registered, and the library's exit
 * handler then crashes on it. So before closing an abandoned file, its descriptor is
 * pointed at an anonymous in-memory file: the final writes succeed there, the close is
 * clean, and nothing more is written to a disk that may be full. */
static void close_abandoned(hid_t file)
{
#ifdef __linux__
    int *fdp = NULL;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, (void **)&fdp) >= 0 && fdp && *fdp >= 0) {
        int m = memfd_create("caresim-abandoned", MFD_CLOEXEC);
        if (m >= 0) {
            dup3(m, *fdp, O_CLOEXEC);
            close(m);
        }
    }
#endif
    H5Fclose(file);
}

/* Removes the temporary file (if any) and forgets it. */
/* Closes the datasets of the tables begun in pieces (the file cannot close before them).
 * Returns -1 when a close failed (why filled), 0 otherwise. */
static int close_appenders(struct out_writer *w, char *why)
{
    int rc = 0;
    for (size_t i = 0; i < w->n_apps; i++) {
        struct out_appender *a = w->apps[i];
        if (a->d >= 0 && H5Dclose(a->d) < 0) {
            out_h5_capture(why);
            rc = -1;
        }
        a->d = H5I_INVALID_HID;
        if (a->mtype >= 0)
            H5Tclose(a->mtype);
        a->mtype = H5I_INVALID_HID;
    }
    return rc;
}

static void drop_tmp(struct out_writer *w)
{
    char why[OUT_H5_WHY_MAX] = "";
    close_appenders(w, why);
    if (w->file >= 0) {
        close_abandoned(w->file);
        w->file = H5I_INVALID_HID;
    }
    if (w->tmp) {
        unlink(w->tmp);
        free(w->tmp);
        w->tmp = NULL;
    }
}

static int fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int out_writer_commit(struct out_writer *w, struct sim_err *err)
{
    int rc = check_open(w, err);
    if (rc < 0)
        return rc;
    if (rc > 0) { /* a discarding writer: nothing to write */
        w->state = OUT_W_DONE;
        return 0;
    }
    char why[OUT_H5_WHY_MAX] = "";
    char now[32];
    utc_now(now, sizeof now);
    if (close_appenders(w, why) < 0) {
        rc = sim_err_set(err, SIM_EIO, "results file %s: closing a table: %s", w->target, why);
        goto fail;
    }
    if (out_h5_attr_str(w->file, "finished", w->finished_utc ? w->finished_utc : now, why) < 0) {
        rc = sim_err_set(err, SIM_EIO, "results file %s: writing the root attributes: %s",
                         w->target, why);
        goto fail;
    }
    /* Flush first, while a failure (disk full) still leaves the file open and closable
     * through close_abandoned; the close after a good flush has almost nothing to write. */
    if (H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0) {
        out_h5_capture(why);
        rc = sim_err_set(err, SIM_EIO, "results file %s: writing %s: %s", w->target, w->tmp, why);
        goto fail;
    }
    herr_t closed = H5Fclose(w->file);
    w->file = H5I_INVALID_HID;
    if (closed < 0) {
        out_h5_capture(why);
        rc = sim_err_set(err, SIM_EIO, "results file %s: closing %s: %s", w->target, w->tmp, why);
        goto fail;
    }
    /* The data must be on disk before the rename makes it the target: otherwise a crash
     * soon after could leave the new name pointing at an empty or partial file. */
    if (fsync_path(w->tmp, O_RDONLY) < 0) {
        rc = sim_err_set(err, SIM_EIO, "results file %s: syncing %s: %s", w->target, w->tmp,
                         strerror(errno));
        goto fail;
    }
    if (rename(w->tmp, w->path) < 0) {
        rc = sim_err_set(err, SIM_EIO, "results file %s: renaming %s into place: %s", w->target,
                         w->tmp, strerror(errno));
        goto fail;
    }
    free(w->tmp);
    w->tmp = NULL;
    w->state = OUT_W_DONE;
    /* Makes the rename itself durable. Best effort: the file is complete and in place
     * either way, and some file systems refuse fsync on directories. */
    fsync_path(w->dir, O_RDONLY | O_DIRECTORY);
    return 0;
fail:
    drop_tmp(w);
    w->state = OUT_W_DONE;
    return rc;
}

void out_writer_destroy(struct out_writer *w)
{
    if (!w)
        return;
    drop_tmp(w);
    for (size_t i = 0; i < w->n_apps; i++) {
        free(w->apps[i]->path);
        free(w->apps[i]);
    }
    free(w->apps);
    free(w->target);
    free(w->path);
    free(w->dir);
    free(w->finished_utc);
    free(w);
}

void out_table_destroy(struct out_table *t)
{
    free(t);
}

void out_outcome_table_destroy(struct out_outcome_table *t)
{
    free(t);
}

void out_library_close(void)
{
    H5close();
}
