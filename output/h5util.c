/* output/h5util.c — HDF5 helpers for the results writer and reader: error capture, string
 * types, path checks, attribute writing and reading. Touches only the HDF5 objects it is
 * handed (and HDF5's global error-printing setting, in out_h5_init).
 */
#include "output/h5util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int out_h5_init(void)
{
    if (H5open() < 0)
        return -1;
    /* The caller reports failures through sim_err; HDF5 must not print stacks on stderr. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return 0;
}

/* HDF5's I/O errors carry a long description ("file write failed: time = ..., filename =
 * ..., errno = 28, error message = 'No space left on device', buf = ..."); keep what a
 * user needs: the operation and the system's message. */
static void shorten_io_error(const char *desc, char *out, size_t size)
{
    const char *em = strstr(desc, "error message = '");
    const char *colon = strchr(desc, ':');
    if (!em || !colon || colon > em) {
        snprintf(out, size, "%s", desc);
        return;
    }
    em += strlen("error message = '");
    const char *end = strchr(em, '\'');
    int op_len = (int)(colon - desc);
    int em_len = end ? (int)(end - em) : (int)strlen(em);
    snprintf(out, size, "%.*s: %.*s", op_len, desc, em_len, em);
}

static herr_t capture_innermost(unsigned n, const H5E_error2_t *e, void *data)
{
    char *why = data;
    if (n == 0) {
        char desc[160] = "", minor[64] = "";
        if (e->desc)
            shorten_io_error(e->desc, desc, sizeof desc);
        H5Eget_msg(e->min_num, NULL, minor, sizeof minor);
        if (desc[0] && minor[0] && !strstr(desc, ": "))
            snprintf(why, OUT_H5_WHY_MAX, "HDF5: %s (%s)", desc, minor);
        else
            snprintf(why, OUT_H5_WHY_MAX, "HDF5: %s", desc[0] ? desc : minor);
        for (char *p = why; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
    }
    return 0;
}

void out_h5_capture(char *why)
{
    if (why[0])
        return;
    /* Upward walking starts at the most specific entry: the real reason ("file signature
     * not found", "truncated file", errno texts), not the API call that gave up. */
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, capture_innermost, why);
    if (!why[0] || !strcmp(why, "HDF5: "))
        snprintf(why, OUT_H5_WHY_MAX, "HDF5 call failed");
}

int out_h5_why(char *why, const char *fmt, ...)
{
    if (!why[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, OUT_H5_WHY_MAX, fmt, ap);
        va_end(ap);
    }
    return -1;
}

hid_t out_h5_vlen_str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

hid_t out_h5_fixed_str_type(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, size) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
        H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

int out_h5_path_exists(hid_t file, const char *path, char *why)
{
    if (path[0] != '/')
        return out_h5_why(why, "path '%s' is not absolute", path);
    size_t len = strlen(path);
    char *prefix = malloc(len + 1);
    if (!prefix)
        return out_h5_why(why, "out of memory");
    int result = 1;
    /* H5Lexists fails (rather than answering 0) when an intermediate link is missing, so
     * check every prefix in turn. */
    for (size_t i = 1; i <= len && result == 1; i++) {
        if (i < len && path[i] != '/')
            continue;
        if (i == 1 && len == 1)
            break; /* the root */
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        htri_t e = H5Lexists(file, prefix, H5P_DEFAULT);
        if (e < 0) {
            out_h5_capture(why);
            result = -1;
        } else if (e == 0) {
            result = 0;
        } else if (i < len) {
            /* Only a group can have a next component; say so rather than let HDF5 fail
             * with "message type not found". */
            hid_t o = H5Oopen(file, prefix, H5P_DEFAULT);
            H5I_type_t type = o < 0 ? H5I_BADID : H5Iget_type(o);
            if (o < 0)
                out_h5_capture(why);
            else
                H5Oclose(o);
            if (type != H5I_GROUP)
                result = out_h5_why(why, "%s is not a group", prefix);
        }
    }
    free(prefix);
    return result;
}

/* Creates attribute `name` (after deleting an existing one) and writes buf. */
static int write_attr(hid_t obj, const char *name, hid_t file_type, hid_t mem_type, hid_t space,
                      const void *buf, char *why)
{
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0 || (exists > 0 && H5Adelete(obj, name) < 0)) {
        out_h5_capture(why);
        return -1;
    }
    hid_t a = H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) {
        out_h5_capture(why);
        return -1;
    }
    int rc = 0;
    if (H5Awrite(a, mem_type, buf) < 0) {
        out_h5_capture(why);
        rc = -1;
    }
    if (H5Aclose(a) < 0) {
        out_h5_capture(why);
        rc = -1;
    }
    return rc;
}

/* Strings are written fixed-length (sized to the longest, NUL-terminated), never
 * variable-length: variable-length strings live in HDF5's global heap, and fuzzing showed
 * that HDF5 1.10's global-heap reader is where most damaged files make it crash or hang
 * (out-of-bounds copies, multi-gigabyte allocations). Fixed-length strings are stored in
 * the object itself, so a damaged one reads back as wrong text, not as a crash. */
int out_h5_attr_strv(hid_t obj, const char *name, const char *const *values, size_t n, char *why)
{
    size_t width = 1;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(values[i] ? values[i] : "") + 1;
        width = len > width ? len : width;
    }
    if (n > 0 && width > SIZE_MAX / n)
        return out_h5_why(why, "attribute '%s' too large", name);
    char *buf = calloc(n ? n : 1, width);
    if (!buf)
        return out_h5_why(why, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (values[i])
            memcpy(buf + i * width, values[i], strlen(values[i]));
    hid_t t = out_h5_fixed_str_type(width);
    hsize_t dim = n;
    hid_t s = H5Screate_simple(1, &dim, NULL);
    int rc = -1;
    if (t < 0 || s < 0)
        out_h5_capture(why);
    else
        rc = write_attr(obj, name, t, t, s, buf, why);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    free(buf);
    return rc;
}

int out_h5_attr_str(hid_t obj, const char *name, const char *value, char *why)
{
    const char *v = value ? value : "";
    hid_t t = out_h5_fixed_str_type(strlen(v) + 1);
    hid_t s = H5Screate(H5S_SCALAR);
    int rc = -1;
    if (t < 0 || s < 0)
        out_h5_capture(why);
    else
        rc = write_attr(obj, name, t, t, s, v, why);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    return rc;
}

static int attr_scalar(hid_t obj, const char *name, hid_t file_type, hid_t mem_type,
                       const void *value, char *why)
{
    hid_t s = H5Screate(H5S_SCALAR);
    if (s < 0) {
        out_h5_capture(why);
        return -1;
    }
    int rc = write_attr(obj, name, file_type, mem_type, s, value, why);
    H5Sclose(s);
    return rc;
}

int out_h5_attr_u64(hid_t obj, const char *name, uint64_t value, char *why)
{
    return attr_scalar(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value, why);
}

int out_h5_attr_i64(hid_t obj, const char *name, int64_t value, hid_t file_type, char *why)
{
    return attr_scalar(obj, name, file_type, H5T_NATIVE_INT64, &value, why);
}

int out_h5_attr_f64(hid_t obj, const char *name, double value, char *why)
{
    return attr_scalar(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, why);
}

void out_h5_free_strings(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Copies n strings (NULL read as "") into a new array of malloc'ed strings. */
static char **copy_strings(char *const *src, size_t n)
{
    char **v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        v[i] = strdup(src[i] ? src[i] : "");
        if (!v[i]) {
            out_h5_free_strings(v, i);
            return NULL;
        }
    }
    return v;
}

static herr_t read_obj(hid_t obj, int is_attr, hid_t mem_type, void *buf)
{
    return is_attr ? H5Aread(obj, mem_type, buf)
                   : H5Dread(obj, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

/* Variable-length strings: HDF5 allocates each one; copy them out and release them. */
static int read_vlen(hid_t obj, int is_attr, hid_t ftype, hid_t space, size_t n, char ***out,
                     char *why)
{
    char **raw = calloc(n ? n : 1, sizeof *raw);
    hid_t mt = out_h5_vlen_str_type();
    int rc = -1;
    if (!raw) {
        out_h5_why(why, "out of memory");
    } else if (mt < 0 || H5Tset_cset(mt, H5Tget_cset(ftype)) < 0) {
        out_h5_capture(why);
    } else if (n > 0 && read_obj(obj, is_attr, mt, raw) < 0) {
        out_h5_capture(why);
    } else {
        *out = copy_strings(raw, n);
        rc = *out ? 0 : out_h5_why(why, "out of memory");
        if (n > 0)
            H5Dvlen_reclaim(mt, space, H5P_DEFAULT, raw);
    }
    if (mt >= 0)
        H5Tclose(mt);
    free(raw);
    return rc;
}

/* Fixed-length strings: read each into size + 1 bytes so it is always terminated. */
static int read_fixed(hid_t obj, int is_attr, hid_t ftype, size_t n, char ***out, char *why)
{
    size_t size = H5Tget_size(ftype);
    if (size == 0)
        return out_h5_why(why, "string type of size 0");
    size_t width = size + 1;
    if (n > 0 && width > SIZE_MAX / n)
        return out_h5_why(why, "string data too large");
    char *buf = calloc(n ? n * width : 1, 1);
    char **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    hid_t mt = H5Tcopy(H5T_C_S1);
    int rc = -1;
    if (!buf || !ptrs) {
        out_h5_why(why, "out of memory");
    } else if (mt < 0 || H5Tset_size(mt, width) < 0 || H5Tset_strpad(mt, H5T_STR_NULLTERM) < 0 ||
               H5Tset_cset(mt, H5Tget_cset(ftype)) < 0) {
        out_h5_capture(why);
    } else if (n > 0 && read_obj(obj, is_attr, mt, buf) < 0) {
        out_h5_capture(why);
    } else {
        for (size_t i = 0; i < n; i++) {
            ptrs[i] = buf + i * width;
            ptrs[i][size] = '\0';
        }
        *out = copy_strings(ptrs, n);
        rc = *out ? 0 : out_h5_why(why, "out of memory");
    }
    if (mt >= 0)
        H5Tclose(mt);
    free(ptrs);
    free(buf);
    return rc;
}

int out_h5_read_strings(hid_t obj, int is_attr, size_t want_n, char ***out, size_t *n_out,
                        char *why)
{
    hid_t ftype = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    int rc = -1;
    if (ftype < 0 || space < 0) {
        out_h5_capture(why);
        goto done;
    }
    if (H5Tget_class(ftype) != H5T_STRING) {
        out_h5_why(why, "not a string");
        goto done;
    }
    hssize_t np = H5Sget_simple_extent_npoints(space);
    int rank = H5Sget_simple_extent_ndims(space);
    if (np < 0 || rank < 0) {
        out_h5_capture(why);
        goto done;
    }
    if (rank > 1) {
        out_h5_why(why, "string data of rank %d (expected a scalar or a list)", rank);
        goto done;
    }
    size_t n = (size_t)np;
    if (want_n > 0 && n != want_n) {
        out_h5_why(why, "%zu strings where %zu were expected", n, want_n);
        goto done;
    }
    htri_t var = H5Tis_variable_str(ftype);
    if (var < 0) {
        out_h5_capture(why);
        goto done;
    }
    rc = var ? read_vlen(obj, is_attr, ftype, space, n, out, why)
             : read_fixed(obj, is_attr, ftype, n, out, why);
    if (rc == 0 && n_out)
        *n_out = n;
done:
    if (space >= 0)
        H5Sclose(space);
    if (ftype >= 0)
        H5Tclose(ftype);
    return rc;
}

/* Opens attribute `name` of obj: 1 with *a set, 0 when absent, -1 on failure. */
static int open_attr(hid_t obj, const char *name, hid_t *a, char *why)
{
    htri_t e = H5Aexists(obj, name);
    if (e < 0) {
        out_h5_capture(why);
        return -1;
    }
    if (e == 0)
        return 0;
    *a = H5Aopen(obj, name, H5P_DEFAULT);
    if (*a < 0) {
        out_h5_capture(why);
        return -1;
    }
    return 1;
}

int out_h5_read_attr_str(hid_t obj, const char *name, char **out, char *why)
{
    hid_t a;
    int rc = open_attr(obj, name, &a, why);
    if (rc <= 0)
        return rc;
    char **v = NULL;
    char inner[OUT_H5_WHY_MAX] = "";
    if (out_h5_read_strings(a, 1, 1, &v, NULL, inner) < 0) {
        rc = out_h5_why(why, "attribute '%s': %s", name, inner);
    } else {
        *out = v[0];
        free(v);
    }
    H5Aclose(a);
    return rc;
}

int out_h5_read_attr_int(hid_t obj, const char *name, hid_t mem_type, void *out, char *why)
{
    hid_t a;
    int rc = open_attr(obj, name, &a, why);
    if (rc <= 0)
        return rc;
    hid_t t = H5Aget_type(a);
    hid_t s = H5Aget_space(a);
    if (t < 0 || s < 0) {
        out_h5_capture(why);
        rc = -1;
    } else if (H5Tget_class(t) != H5T_INTEGER || H5Sget_simple_extent_npoints(s) != 1) {
        rc = out_h5_why(why, "attribute '%s' is not a single integer", name);
    } else if (H5Aread(a, mem_type, out) < 0) {
        out_h5_capture(why);
        rc = -1;
    }
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    H5Aclose(a);
    return rc;
}

int out_h5_read_attr_f64(hid_t obj, const char *name, double *out, char *why)
{
    hid_t a;
    int rc = open_attr(obj, name, &a, why);
    if (rc <= 0)
        return rc;
    hid_t t = H5Aget_type(a);
    hid_t s = H5Aget_space(a);
    H5T_class_t cls = t < 0 ? H5T_NO_CLASS : H5Tget_class(t);
    if (t < 0 || s < 0) {
        out_h5_capture(why);
        rc = -1;
    } else if ((cls != H5T_FLOAT && cls != H5T_INTEGER) || H5Sget_simple_extent_npoints(s) != 1) {
        rc = out_h5_why(why, "attribute '%s' is not a single number", name);
    } else if (H5Aread(a, H5T_NATIVE_DOUBLE, out) < 0) {
        out_h5_capture(why);
        rc = -1;
    }
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    H5Aclose(a);
    return rc;
}
