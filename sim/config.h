/* sim/config.h — scenario files: a generic, table-driven layer over libconfig.
 *
 * The caller (models/params.c) describes every scenario key once, in a table of
 * struct sim_cfg_key: dotted path, type, unit, default, allowed range or choices, one-line
 * description, source, and where the value lives in a plain C parameter struct. This
 * module knows no key names: it parses, validates, resolves inheritance and --set
 * overrides, fills the struct, writes the resolved scenario back out as libconfig text and
 * documents the table, all from that one table. It touches only the files it is asked to
 * read; it never prints or exits (the command line decides how to report).
 *
 * Scenario files
 *   libconfig syntax. Top-level `base = "parent.cfg";` names a parent scenario, relative to
 *   the directory of the naming file; chains may be of any depth, cycles and missing
 *   parents are errors. Values apply root ancestor first, so a child overrides exactly the
 *   keys it names (a distribution is replaced as a whole, not member by member).
 *   `@include` is rejected (use `base =`): one mechanism, with cycle checks and origins.
 *   An empty file is valid and gives every default; a required key still has to be set.
 *
 * Stricter than libconfig 1.5, because 1.5 is silently wrong in places:
 *   - every setting must end with ';' (or ','): 1.5 accepts a missing separator;
 *   - `1e999` parses as infinity: non-finite values are never valid;
 *   - integers beyond 32 bits wrap (3000000000 becomes -1294967296): integers are read
 *     back from the source text, so every key sees the number as written (int keys hold
 *     int64; out-of-range values are reported as such);
 *   - an integer where a float is expected is accepted as the number it is (also as an
 *     element of a float array);
 *   - an unterminated block comment silently drops the rest of the file: an error here;
 *   - a duplicate key is reported with its path and the line of the first definition.
 *   Limits, checked on the raw text before libconfig sees it (libconfig's bison parser
 *   fails at depth ~5000, and its duplicate-name check and long-token scanning are
 *   quadratic): file size, line length, string length, nesting depth, settings per group
 *   and in total (SIM_CFG_MAX_* below). A NUL byte is an error; a leading UTF-8 BOM is
 *   ignored. String values must be valid UTF-8.
 *
 * Float arrays (SIM_CFG_FLOAT_ARRAY)
 *   A fixed number of floats (age shares, prevalence by age band), written as a libconfig
 *   array: `age_shares = [0.115, 0.115, 0.125];`, on the command line
 *   `--set population.age_shares=[0.115,0.115,0.125]`. The key's `count` is the exact
 *   length; its range applies to each element; SIM_CFG_SUM_TO_ONE also requires the sum
 *   to be 1 within 1e-6. Elements may be written as integers (`[0, 1, 0]`), but libconfig
 *   arrays hold one type, so `[1, 0.5]` is an error: write `[1.0, 0.5]`. A child scenario
 *   replaces the whole array. Distributions are not supported in arrays. Problems name the
 *   element: `scenarios/x.cfg:12: population.age_shares[3]: must be >= 0 (got -0.1)`.
 *
 * Diagnostics
 *   Every problem in one pass (syntax errors stop the file they are in), each one line:
 *     scenarios/x.cfg:12: run.population: must be >= 1 (got -3)
 *     scenarios/x.cfg:7: syntax error
 *     --set: run.seed: expected an integer (got abc)
 *     scenarios/x.cfg: name: missing required key
 *   sorted (by sim_cfg_finish) by file, root ancestor first, and line, then --set in
 *   command-line order, then missing required keys. "got"
 *   shows the value as written in the source. The first SIM_CFG_MAX_DIAGS are kept; all
 *   are counted.
 *
 * Distributions (probabilistic sensitivity analysis)
 *   Any float key may instead be a group naming a distribution; a run without PSA uses its
 *   mean. Parameters and the conversion used for sampling (method of moments):
 *     beta       mean m in (0,1), sd s > 0, s^2 < m(1-m):
 *                a = m*k, b = (1-m)*k with k = m(1-m)/s^2 - 1          support (0, 1)
 *     gamma      m > 0, s > 0: shape = m^2/s^2, scale = s^2/m           support (0, inf)
 *     lognormal  m > 0, s > 0 (mean and sd of the value, not of its log):
 *                sigma^2 = ln(1 + s^2/m^2), mu = ln(m) - sigma^2/2      support (0, inf)
 *     normal     any m, s > 0                                           support: all reals
 *     uniform    min < max, mean (min+max)/2                            support [min, max)
 *     triangular min <= mode <= max, min < max, mean (min+mode+max)/3; sampled by inverse
 *                CDF: u < c = (mode-min)/(max-min) ? min + sqrt(u(max-min)(mode-min))
 *                                                  : max - sqrt((1-u)(max-min)(max-mode))
 *   The support must lie inside the key's allowed range (a beta needs a range containing
 *   (0,1), gamma and lognormal need (0, inf)). A normal has unbounded support; it is
 *   accepted on a bounded key only when mean +/- 4 sd lies inside the range, and
 *   sim_cfg_draw then redraws the rare values outside it (a normal truncated at >= 4 sd,
 *   which moves the mean by < 1e-4 sd). Integer, bool, string, choice and float-array
 *   keys take no distributions.
 *
 * Threads: a struct sim_cfg is used by one thread while resolving; afterwards every
 * function taking a const struct sim_cfg * is read-only and may run in parallel.
 */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "sim/err.h"

/* Input limits (see above for why). */
#define SIM_CFG_MAX_FILE_BYTES (4u << 20)   /* 4 MiB per scenario file */
#define SIM_CFG_MAX_LINE_BYTES 65536        /* per line of text */
#define SIM_CFG_MAX_STRING_BYTES 65536      /* per quoted string literal */
#define SIM_CFG_MAX_DEPTH 64                /* nested { [ ( */
#define SIM_CFG_MAX_GROUP_SETTINGS 2048     /* settings directly inside one group */
#define SIM_CFG_MAX_SETTINGS 32768          /* settings in one file */
#define SIM_CFG_MAX_DIAGS 100               /* diagnostics kept (all are counted) */

struct sim_cfg;

enum sim_cfg_type {
    SIM_CFG_INT,         /* integer: field int (size 4, range must fit) or int64_t (size 8) */
    SIM_CFG_FLOAT,       /* double (size 8); may be given as a distribution */
    SIM_CFG_STRING,      /* char array of `size` bytes, NUL-terminated, valid UTF-8 */
    SIM_CFG_CHOICE,      /* one of `choices`, stored as its index in an int field */
    SIM_CFG_BOOL,        /* true/false: field bool (size 1) or int (size 4) */
    SIM_CFG_FLOAT_ARRAY, /* exactly `count` doubles: field double[count] (size count * 8);
                          * default `def_floats`; `range` applies to each element */
};

/* Key flags. */
#define SIM_CFG_REQUIRED 0x1u   /* no default: every resolved scenario must set it (the
                                 * def_* fields are then ignored) */
#define SIM_CFG_IDENT 0x2u      /* string: non-empty, ASCII letters, digits, '_', '-', '.',
                                 * starting with a letter or digit (safe as a file or HDF5
                                 * group name) */
#define SIM_CFG_SUM_TO_ONE 0x4u /* float array: elements sum to 1 within 1e-6 (shares) */

/* One scenario key. Tables are static const data, written with designated initialisers
 * and SIM_CFG_FIELD. */
struct sim_cfg_key {
    const char *path;           /* dotted path, components [a-z][a-z0-9_]*: "run.seed" */
    enum sim_cfg_type type;     /* value type */
    unsigned flags;             /* SIM_CFG_REQUIRED, SIM_CFG_IDENT, SIM_CFG_SUM_TO_ONE */
    const char *unit;           /* unit label ("years", "persons", "1/year"); "" if none */
    int64_t def_int;            /* default of an int key; of a bool key (0 or 1) */
    double def_float;           /* default of a float key */
    const char *def_str;        /* default of a string key, or the default choice name */
    size_t count;               /* float array: number of elements (>= 1, fixed) */
    const double *def_floats;   /* float array: default, `count` values; must be non-NULL
                                 * unless the key is SIM_CFG_REQUIRED */
    const char *range;          /* numeric keys: allowed range, "[1, 100]", "[0, 1)",
                                 * "(0, 200]", ">= 0", "> 0", "<= 5", "< 1"; NULL or ""
                                 * for any finite value. Int bounds within +/- 2^53. */
    const char *const *choices; /* choice keys: NULL-terminated list of names */
    const char *desc;           /* one-line description */
    const char *source;         /* where the default comes from (evidence.md row); "" if
                                 * a modelling choice */
    size_t offset;              /* byte offset of the field in the parameter struct */
    size_t size;                /* byte size of the field (see enum sim_cfg_type) */
};

/* Offset and size of a (possibly nested) field: SIM_CFG_FIELD(struct model_params, run.seed) */
#define SIM_CFG_FIELD(type, member) \
    .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)

/* Optional documentation of a group of keys ("run"): used by docs and the writer. */
struct sim_cfg_group {
    const char *path; /* dotted group path */
    const char *desc; /* one-line description */
};

/* A complete schema: the key table and the struct it fills. */
struct sim_cfg_schema {
    const struct sim_cfg_key *keys;     /* the keys, in documentation order */
    size_t nkeys;                       /* number of keys */
    const struct sim_cfg_group *groups; /* group descriptions (may be NULL) */
    size_t ngroups;                     /* number of group descriptions */
    size_t params_size;                 /* sizeof the parameter struct */
    /* Optional (may be NULL): checks across keys that ranges cannot express, run by
     * sim_cfg_finish once every value is read; reports each problem with
     * sim_cfg_key_error. */
    void (*check)(struct sim_cfg *cfg);
};

/* Where a resolved value came from. */
enum sim_cfg_origin {
    SIM_CFG_UNSET,   /* required key not set (only after errors) */
    SIM_CFG_DEFAULT, /* the table's default */
    SIM_CFG_FILE,    /* a scenario file, at a line */
    SIM_CFG_SET,     /* a --set override */
};

enum sim_dist_kind {
    SIM_DIST_NONE, /* a plain value, no distribution */
    SIM_DIST_BETA,
    SIM_DIST_GAMMA,
    SIM_DIST_LOGNORMAL,
    SIM_DIST_NORMAL,
    SIM_DIST_UNIFORM,
    SIM_DIST_TRIANGULAR,
};

/* A parameter distribution (see the header comment for meaning and conversion). */
struct sim_dist {
    enum sim_dist_kind kind; /* which distribution */
    double mean;             /* beta, gamma, lognormal, normal: mean, in the key's unit */
    double sd;               /* beta, gamma, lognormal, normal: standard deviation */
    double min;              /* uniform, triangular: lower end */
    double mode;             /* triangular: mode */
    double max;              /* uniform, triangular: upper end */
};

/* One problem found while resolving. */
struct sim_cfg_diag {
    const char *file; /* file the problem is in; NULL for --set */
    int line;         /* line in that file; 0 when not about a line */
    const char *text; /* the complete message line (no trailing newline) */
};

struct sim_cfg;

/* Checks a schema table for mistakes (bad paths, duplicates, defaults outside the range,
 * field sizes...). Returns 0 or SIM_EINVAL with every problem counted in err. */
int sim_cfg_schema_check(const struct sim_cfg_schema *schema, struct sim_err *err);

/* Index of the key with this dotted path, or -1. */
int sim_cfg_schema_find(const struct sim_cfg_schema *schema, const char *path);

/* Creates a scenario holding every default. Checks the schema first (NULL + err if bad,
 * or on out of memory). The schema must outlive the object. */
struct sim_cfg *sim_cfg_create(const struct sim_cfg_schema *schema, struct sim_err *err);
void sim_cfg_destroy(struct sim_cfg *cfg);

/* Loads a scenario file and its chain of parents. At most one load per object. Problems
 * become diagnostics; returns 0, SIM_EINVAL (bad content), SIM_EIO (the file itself
 * cannot be read) or SIM_ENOMEM; err gets the first problem and the count. */
int sim_cfg_load(struct sim_cfg *cfg, const char *path, struct sim_err *err);

/* As sim_cfg_load, from text in memory; name is used in messages, and a `base` in the text
 * is relative to name's directory. */
int sim_cfg_load_string(struct sim_cfg *cfg, const char *text, const char *name,
                        struct sim_err *err);

/* Applies one "key.path=value" override, validated like a file value. The value is
 * libconfig syntax (a number, true, a quoted string, a { dist = ...; } group, an array
 * [0.2, 0.3, 0.5]); for string and choice keys an unquoted value is taken literally. */
int sim_cfg_set(struct sim_cfg *cfg, const char *assignment, struct sim_err *err);

/* Ends resolution: reports required keys that are still unset. Returns 0 when the whole
 * resolution (loads, sets, this) found no problem, SIM_EINVAL otherwise. */
int sim_cfg_finish(struct sim_cfg *cfg, struct sim_err *err);

/* load (if path is not NULL) + every set + finish. */
int sim_cfg_resolve(struct sim_cfg *cfg, const char *path, const char *const *sets,
                    size_t nsets, struct sim_err *err);

/* For a schema's check: reports a problem with key k where its value was set ("FILE:LINE:
 * KEY: message", "--set: KEY: message", or "FILE: KEY: message" for a default), counted
 * like every other diagnostic. */
void sim_cfg_key_error(struct sim_cfg *cfg, size_t k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Diagnostics so far, in report order (sorted by sim_cfg_finish). */
size_t sim_cfg_error_count(const struct sim_cfg *cfg); /* all problems, stored or not */
size_t sim_cfg_diag_count(const struct sim_cfg *cfg);  /* stored: <= SIM_CFG_MAX_DIAGS */
const struct sim_cfg_diag *sim_cfg_diag(const struct sim_cfg *cfg, size_t i);

/* The scenario file given to load ("" if none), and the chain of files read, root
 * ancestor first (i < sim_cfg_file_count). */
const char *sim_cfg_path(const struct sim_cfg *cfg);
size_t sim_cfg_file_count(const struct sim_cfg *cfg);
const char *sim_cfg_file(const struct sim_cfg *cfg, size_t i);

const struct sim_cfg_schema *sim_cfg_schema(const struct sim_cfg *cfg);

/* Resolved values of key k (an index into the schema). Getters of the wrong type return
 * 0 / NULL. A float key with a distribution reads as the distribution's mean. Choice keys
 * read as the chosen name (sim_cfg_get_string) or index (sim_cfg_get_int). */
int64_t sim_cfg_get_int(const struct sim_cfg *cfg, size_t k);
double sim_cfg_get_float(const struct sim_cfg *cfg, size_t k);
int sim_cfg_get_bool(const struct sim_cfg *cfg, size_t k);
const char *sim_cfg_get_string(const struct sim_cfg *cfg, size_t k);
/* Float array key k: its `count` values (*count, if count is not NULL, gets the number),
 * valid while cfg lives; NULL (and *count 0) for another type or an unset key. */
const double *sim_cfg_get_floats(const struct sim_cfg *cfg, size_t k, size_t *count);
/* The key's distribution, or NULL when it holds a plain value. */
const struct sim_dist *sim_cfg_get_dist(const struct sim_cfg *cfg, size_t k);
/* Origin of key k; *file and *line (either may be NULL) get the file and line for
 * SIM_CFG_FILE, NULL and 0 otherwise. */
enum sim_cfg_origin sim_cfg_origin(const struct sim_cfg *cfg, size_t k, const char **file,
                                   int *line);
/* Origin as text: "default", "scenarios/x.cfg:12", "--set", "unset". */
const char *sim_cfg_origin_text(const struct sim_cfg *cfg, size_t k, char *buf, size_t size);
/* Value as libconfig text ("0.035", "\"GBP\"", "{ dist = \"beta\"; mean = 0.8; sd = 0.1; }",
 * "[0.2, 0.3, 0.5]"; array elements always with a decimal point). */
const char *sim_cfg_value_text(const struct sim_cfg *cfg, size_t k, char *buf, size_t size);

/* Writes every resolved value into the caller's parameter struct (size must equal the
 * schema's params_size); distribution-valued keys get their mean. Returns SIM_EINVAL if
 * resolution found problems or a required key is unset (the struct is then incomplete). */
int sim_cfg_fill(const struct sim_cfg *cfg, void *params, size_t size, struct sim_err *err);

/* PSA: indices of the keys holding a distribution, in table order. Returns their number;
 * writes at most cap of them to keys (keys may be NULL when cap is 0). */
size_t sim_cfg_dist_keys(const struct sim_cfg *cfg, size_t *keys, size_t cap);

/* PSA: one draw of key k's distribution, redrawn until it lies in the key's allowed range
 * (after 1000 failed tries, the mean). A key without a distribution returns its value. */
double sim_cfg_draw(const struct sim_cfg *cfg, size_t k, gsl_rng *rng);

/* PSA by inversion (Latin hypercube sampling, one-way ranges): the value of key k's
 * distribution at probability u in [0, 1], truncated to the key's allowed range (u maps
 * into [F(lo), F(hi)], so the draw never leaves the range and the sampling stays
 * stratified). u = 0.5 is the (truncated) median; u = 0.025 and 0.975 bound the central
 * 95% interval. A key without a distribution returns its value whatever u. */
double sim_cfg_quantile(const struct sim_cfg *cfg, size_t k, double u);

/* PSA: stores a sampled value of float key k into a parameter struct, after checking that
 * it is finite and in the key's range. */
int sim_cfg_params_set_float(const struct sim_cfg_schema *schema, size_t k, void *params,
                             double value, struct sim_err *err);

/* One draw from a distribution (no range check). SIM_DIST_NONE returns d->mean. */
double sim_dist_draw(const struct sim_dist *d, gsl_rng *rng);
/* The distribution function F(x) and its inverse F^-1(u), u in [0, 1] (u = 0 and 1 give
 * the ends of the support, possibly infinite). SIM_DIST_NONE: a step at d->mean. */
double sim_dist_cdf(const struct sim_dist *d, double x);
double sim_dist_quantile(const struct sim_dist *d, double u);
/* The distribution's mean: the value a run without PSA uses. */
double sim_dist_mean(const struct sim_dist *d);
/* "beta", "gamma", ... ("none" for SIM_DIST_NONE). */
const char *sim_dist_name(enum sim_dist_kind kind);

/* Writes the resolved scenario as complete libconfig text: every key, grouped, with
 * distributions in their { dist = ... } form, no `base`. Reading it back resolves to the
 * same values. SIM_CFG_WRITE_ORIGINS adds a comment with each value's origin. */
#define SIM_CFG_WRITE_ORIGINS 0x1u
int sim_cfg_write(const struct sim_cfg *cfg, FILE *out, unsigned flags);
/* The same text in a malloc'ed string (caller frees), or NULL when out of memory. */
char *sim_cfg_text(const struct sim_cfg *cfg, unsigned flags);

/* Human-readable table of the resolved scenario: key, value, unit, origin. */
int sim_cfg_print(const struct sim_cfg *cfg, FILE *out);

/* Parameter reference generated from the schema: Markdown tables (one per group), or
 * plain text for a terminal. */
int sim_cfg_schema_markdown(const struct sim_cfg_schema *schema, FILE *out);
int sim_cfg_schema_print(const struct sim_cfg_schema *schema, FILE *out);

#endif
