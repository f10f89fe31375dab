/* output/h5util.h — small HDF5 helpers shared by the results writer and reader (internal to
 * output/; nothing outside output/ may include this, since it brings in hdf5.h).
 *
 * HDF5 clears its error stack at the start of every API call, so the reason for a failure
 * has to be captured right after the failing call, before any cleanup call. The helpers
 * here therefore take a `why` buffer (OUT_H5_WHY_MAX bytes, "" on entry) and fill it at the
 * first failure only, either with HDF5's innermost error description or with their own
 * reason ("attribute 'units' is not a string array"); callers turn it into a sim_err.
 */
#ifndef OUT_H5UTIL_H
#define OUT_H5UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#define OUT_H5_WHY_MAX 256

/* Initialises HDF5 if needed and turns off its automatic printing of error stacks (the
 * library's own setting; idempotent). Returns 0, or -1 when HDF5 cannot start. */
int out_h5_init(void);

/* If why is still "", fills it with the most specific entry of HDF5's current error stack
 * (or a generic text when the stack is empty). */
void out_h5_capture(char *why);

/* If why is still "", fills it with the formatted text. Always returns -1. */
int out_h5_why(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A new variable-length UTF-8 string type (for reading files of other writers); close it
 * with H5Tclose. <0 on failure. */
hid_t out_h5_vlen_str_type(void);

/* A new fixed-length (size bytes, NUL-terminated) UTF-8 string type; close with H5Tclose.
 * caresim writes every string this way (see out_h5_attr_strv in h5util.c for why). */
hid_t out_h5_fixed_str_type(size_t size);

/* 1 when every component of the absolute path exists as a link from the root, 0 when one
 * does not, <0 on failure (why filled). "/" exists. */
int out_h5_path_exists(hid_t file, const char *path, char *why);

/* Writes (replacing any existing) attribute `name` on obj; strings fixed-length, a NULL
 * string as "". Return 0 or -1 (why filled). */
int out_h5_attr_str(hid_t obj, const char *name, const char *value, char *why);
int out_h5_attr_strv(hid_t obj, const char *name, const char *const *values, size_t n, char *why);
int out_h5_attr_u64(hid_t obj, const char *name, uint64_t value, char *why);
int out_h5_attr_i64(hid_t obj, const char *name, int64_t value, hid_t file_type, char *why);
int out_h5_attr_f64(hid_t obj, const char *name, double value, char *why);

/* Reads a string or an array of strings (variable- or fixed-length) from an attribute
 * (is_attr != 0) or a dataset. *out gets n_out malloc'ed strings in a malloc'ed array
 * (free each and the array); want_n > 0 requires exactly that many. 0 or -1 (why filled). */
int out_h5_read_strings(hid_t obj, int is_attr, size_t want_n, char ***out, size_t *n_out,
                        char *why);

/* Frees what out_h5_read_strings returned. */
void out_h5_free_strings(char **v, size_t n);

/* Reads attribute `name` of obj: 1 when read, 0 when absent (*out untouched), -1 on
 * failure or wrong type (why filled). Strings are malloc'ed; integers must be of integer
 * class and scalar (or one element). */
int out_h5_read_attr_str(hid_t obj, const char *name, char **out, char *why);
int out_h5_read_attr_int(hid_t obj, const char *name, hid_t mem_type, void *out, char *why);
/* The same for a single number of integer or floating-point class, read as a double. */
int out_h5_read_attr_f64(hid_t obj, const char *name, double *out, char *why);

#endif
