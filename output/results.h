/* output/results.h — caresim's results files (HDF5): writing them safely, reading them back.
 *
 * The model hands its results over as plain tables (struct out_table: named double columns
 * with units, row-major values) and provenance (struct out_provenance); nothing in this
 * header mentions HDF5, so only output/ needs hdf5.h. Layout of a file (docs/results.md):
 *
 *   /                          root attributes: provenance (caresim_version, git_commit,
 *                              command_line, master_seed, created, started, finished, host,
 *                              threads, ranks, partial, format_version)
 *   /scenarios/<name>/config   scalar UTF-8 string: the resolved scenario text
 *   /scenarios/<name>/<table>  one compound dataset per table (replications, timeseries ...)
 *   /scenarios/<name>/summary  n, mean, sd, 95% CI per outcome, from the replications
 *   /comparisons/<alt>_vs_<base>  group attributes (ICER, net monetary benefit) and the
 *                              tables of `caresim compare` (differences, replications)
 *
 * Every table is a 1-D compound dataset, one member per column (64-bit float), so h5py,
 * pandas and R read it as a record array / data frame. Its attributes: `description`
 * (string) and three string arrays in column order: `columns`, `units`,
 * `column_descriptions`. Tables of more than OUT_CHUNK_MIN_ROWS rows are chunked and
 * compressed (shuffle + deflate level 4). Strings are fixed-length UTF-8 (see h5util.c).
 *
 * Crash safety: a writer writes to a temporary file beside the target
 * (`.<target name>.tmp.<pid>.<n>`) and only out_writer_commit() renames it into place after
 * an fsync, so the target path holds either its previous complete contents or the new
 * complete file, never a partial one. A process killed before commit leaves the temporary
 * file behind (the target is untouched); out_writer_destroy() removes it otherwise.
 *
 * Writer errors: a bad argument (SIM_EINVAL: malformed table, name in use) writes nothing
 * and the writer stays usable; a failed write (SIM_EIO: disk full, HDF5 error) abandons the
 * file, so later calls and commit return SIM_ESTATE and destroy removes it.
 *
 * HDF5 is not thread-safe as built here: only one thread (the coordinating one) may call
 * this module at a time. Functions return 0 or a negative SIM_E* code and fill a
 * struct sim_err (may be NULL) with a message naming the file and, for HDF5 failures,
 * HDF5's own reason; nothing here prints, and HDF5's automatic error printing is off.
 */
#ifndef OUT_RESULTS_H
#define OUT_RESULTS_H

#include <stddef.h>
#include <stdint.h>

struct sim_err;

/* Tables with more rows than this are chunked and compressed; smaller ones are stored
 * contiguously (compression would cost more than it saves). */
#define OUT_CHUNK_MIN_ROWS 1000

/* Version of the file layout, written as the root attribute `format_version`. */
#define OUT_FORMAT_VERSION 1

/* ---- Tables ------------------------------------------------------------------------------ */

/* One column of a table. */
struct out_column {
    const char *name; /* member name in the file; non-empty, unique within the table */
    const char *unit; /* unit of the values ("days", "GBP", "count", "" for none); NULL = "" */
    const char *desc; /* one-line description; NULL = "" */
};

/* A table of doubles: n_rows rows of n_cols values, row-major (row r, column c is
 * values[r * n_cols + c]). The caller owns everything; the writer copies what it needs. */
struct out_table {
    const char *name;              /* dataset name: non-empty, no '/', not "." or ".." */
    const char *desc;              /* one-line description of the table; NULL = "" */
    size_t n_cols;                 /* number of columns, >= 1 */
    const struct out_column *cols; /* n_cols column descriptions */
    size_t n_rows;                 /* number of rows (0 allowed) */
    const double *values;          /* n_rows * n_cols values; may be NULL when n_rows == 0 */
};

/* Frees a table returned by out_file_read_table() (one allocation). NULL is a no-op.
 * Never pass a table the caller built. */
void out_table_destroy(struct out_table *t);

/* ---- Writing ----------------------------------------------------------------------------- */

/* Who made the results and how; written as root attributes. NULL strings are written as
 * "" (unknown). Times are UTC, ISO 8601 ("2024-05-01T12:00:00Z"). */
struct out_provenance {
    const char *version;      /* caresim version */
    const char *git_commit;   /* commit the binary was built from */
    const char *command_line; /* the command line, as typed */
    uint64_t master_seed;     /* master seed of every random stream */
    const char *started_utc;  /* when the run started */
    const char *finished_utc; /* when it finished; NULL = the time of out_writer_commit() */
    const char *host;         /* machine name */
    int threads;              /* worker threads used (on each MPI rank) */
    int ranks;                /* MPI ranks the work was split across; 0 is taken as 1 */
};

struct out_writer;

/* Starts a results file that will appear at target_path on commit: creates the temporary
 * file beside it, the root attributes (with `created` = now and `partial` = 0) and the
 * empty /scenarios group. The directory must exist and be writable. An existing file at
 * target_path is left alone until commit; it must be a regular file (a directory, device
 * or pipe is refused), and when target_path is a symbolic link the file it points to is
 * replaced, not the link. Returns NULL on failure (SIM_EINVAL for bad arguments, SIM_EIO
 * for file-system and HDF5 failures, SIM_ENOMEM), with nothing left on disk. */
struct out_writer *out_writer_create(const char *target_path, const struct out_provenance *prov,
                                     struct sim_err *err);

/* A writer that accepts every call below and writes nothing, anywhere: commit succeeds
 * and leaves no file. For the MPI ranks other than 0, which run the same commands as rank
 * 0 but leave the results file to it (docs/mpi.md). Arguments are not checked. NULL only
 * when out of memory. */
struct out_writer *out_writer_create_discard(struct sim_err *err);

/* Adds /scenarios/<scenario_name> with its `config` dataset holding config_text (the
 * resolved scenario, UTF-8). Scenarios are listed back in the order they were added.
 * SIM_EINVAL for a bad or already-used name. */
int out_writer_add_scenario(struct out_writer *w, const char *scenario_name,
                            const char *config_text, struct sim_err *err);
/* With config_text NULL, add_scenario creates the group only, and add_config writes its
 * `config` later (when the text is known only after the run, as with `run --ci-target`).
 * SIM_EINVAL when the scenario is missing or already has a config. */
int out_writer_add_config(struct out_writer *w, const char *scenario_name,
                          const char *config_text, struct sim_err *err);

/* Writes table t as the dataset <group_path>/<t->name>. group_path is absolute ("/" or
 * "/scenarios/base"); missing groups on the way are created. SIM_EINVAL for a malformed
 * table or path, or when the dataset already exists. */
int out_writer_add_table(struct out_writer *w, const char *group_path, const struct out_table *t,
                         struct sim_err *err);

/* Writes <group_path>/summary from a table with one row per replication: one row per
 * column of `replications`, with members outcome (string: the column name), unit (string),
 * n (int64: values that are not NaN), mean, sd (sample, divisor n - 1), ci_low, ci_high
 * (95% Student-t interval for the mean). NaN values are left out, so n says how many
 * replications gave a value; sd and the interval are NaN when n < 2, mean too when n == 0.
 * Does not write the replications table itself (use out_writer_add_table). */
int out_writer_add_summary(struct out_writer *w, const char *group_path,
                           const struct out_table *replications, struct sim_err *err);

/* A table with one row per outcome: the string members `outcome` and `unit`, then numeric
 * fields (64-bit floats). A scenario's summary is one; a comparison's differences table
 * another. */
struct out_outcome_table {
    const char *name;                /* dataset name: as for struct out_table */
    const char *desc;                /* one-line description of the table; NULL = "" */
    size_t n_rows;                   /* number of outcomes (0 allowed) */
    const char *const *outcomes;     /* n_rows outcome names, each non-NULL */
    const char *const *units;        /* n_rows units (a NULL entry = ""); NULL = all "" */
    size_t n_fields;                 /* numeric fields, >= 1 */
    const struct out_column *fields; /* their names (not "outcome" or "unit"), units, desc */
    const double *values;            /* n_rows * n_fields values, row-major; may be NULL
                                      * when n_rows == 0 */
};

/* Frees a table returned by out_file_read_outcome_table() (one allocation). NULL is a
 * no-op. Never pass a table the caller built. */
void out_outcome_table_destroy(struct out_outcome_table *t);

/* Writes t as the dataset <group_path>/<t->name>: a compound of outcome, unit (fixed-length
 * strings sized to the longest) and one 64-bit float member per field, with the attributes
 * of every table (their `columns` start with outcome and unit). Missing groups on the way
 * are created. SIM_EINVAL for a malformed table or path, or when the dataset exists. */
int out_writer_add_outcome_table(struct out_writer *w, const char *group_path,
                                 const struct out_outcome_table *t, struct sim_err *err);

/* An attribute to write: a string when text is not NULL, else the number value. */
struct out_attr {
    const char *name; /* attribute name, non-empty */
    const char *text; /* string value (UTF-8), or NULL for a number */
    double value;     /* number value (64-bit float), when text is NULL */
};

/* Creates the group group_path (absolute, not "/"; missing parents on the way are created)
 * with n_attrs attributes; the group lists its members in creation order. SIM_EINVAL when
 * it already exists or the path or an attribute is malformed. */
int out_writer_add_group(struct out_writer *w, const char *group_path, const struct out_attr *attrs,
                         size_t n_attrs, struct sim_err *err);

/* Writes the attribute `name` of the existing object (group or dataset) at the absolute
 * object_path as an array of n >= 1 strings (fixed-length UTF-8, a NULL entry as ""),
 * replacing one of that name: e.g. the names of the codes a table's column holds, indexed
 * by code. SIM_EINVAL (nothing written) for a missing object, an empty name or no values. */
int out_writer_add_attr_strings(struct out_writer *w, const char *object_path, const char *name,
                                const char *const *values, size_t n, struct sim_err *err);

/* Writes n attributes (each a string or a number, struct out_attr) of the existing object
 * at the absolute object_path, each replacing one of its name: e.g. what a scenario's run
 * achieved. SIM_EINVAL (nothing written) for a missing object or an attribute without a
 * name. */
int out_writer_add_attrs(struct out_writer *w, const char *object_path,
                         const struct out_attr *attrs, size_t n, struct sim_err *err);

/* ---- Tables written in pieces ------------------------------------------------------------ */

/* A table whose rows arrive over time (the replications of a long run), so that they need
 * not all be held in memory: begun with its columns (t->n_rows and t->values are ignored),
 * then appended to in order. The dataset is chunked, compressed and extendable whatever
 * its size; its attributes are those of any table. The writer owns the appender: it stays
 * valid until out_writer_destroy, and commit closes it. A discarding writer gives an
 * appender that only counts rows. A failed append abandons the file like any failed
 * write. */
struct out_appender;
int out_writer_begin_table(struct out_writer *w, const char *group_path, const struct out_table *t,
                           struct out_appender **app, struct sim_err *err);
/* Appends n_rows rows of the table's n_cols values (row-major). */
int out_appender_add(struct out_appender *a, const double *rows, size_t n_rows,
                     struct sim_err *err);
/* Keeps the first n_rows rows (at most those added): what an interrupted run keeps. */
int out_appender_truncate(struct out_appender *a, size_t n_rows, struct sim_err *err);
/* Rows in the table so far. */
size_t out_appender_rows(const struct out_appender *a);

/* Sets the root attribute `partial` (1: the run stopped early, e.g. interrupted, and the
 * file holds what was finished; 0: complete). */
int out_writer_set_partial(struct out_writer *w, int partial, struct sim_err *err);

/* Finishes the file: writes `finished`, closes it, fsyncs it, renames it over target_path
 * and fsyncs the directory. On failure the temporary file is removed and target_path keeps
 * its previous contents. After commit (successful or not) only out_writer_destroy() may be
 * called; after any failed write above, commit refuses (SIM_ESTATE) because the file may
 * be incomplete. */
int out_writer_commit(struct out_writer *w, struct sim_err *err);

/* Frees the writer. If it was not committed, closes and removes the temporary file (the
 * target is untouched). NULL is a no-op. */
void out_writer_destroy(struct out_writer *w);

/* ---- Reading ----------------------------------------------------------------------------- */

/* Root attributes of a results file; one allocation, strings point into it. */
struct out_info {
    char *version;          /* caresim_version; "" when absent (so for every string) */
    char *git_commit;       /* git_commit */
    char *command_line;     /* command_line */
    uint64_t master_seed;   /* master_seed; 0 when absent (so for every number) */
    char *created_utc;      /* created: when the file was started, UTC ISO 8601 */
    char *started_utc;      /* started: when the run started */
    char *finished_utc;     /* finished: when the run finished */
    char *host;             /* host */
    int64_t threads;        /* threads */
    int64_t partial;        /* partial: 1 when the run stopped early */
    int64_t format_version; /* format_version of the layout */
};

/* One row of a summary table (see out_writer_add_summary). */
struct out_summary_row {
    char *outcome;  /* column name in the replications table */
    char *unit;     /* its unit */
    int64_t n;      /* replications with a value (not NaN) */
    double mean;    /* mean over replications, in `unit` */
    double sd;      /* sample standard deviation, in `unit` */
    double ci_low;  /* lower end of the 95% CI for the mean, in `unit` */
    double ci_high; /* upper end of the 95% CI for the mean, in `unit` */
};

/* A summary table read back; one allocation, strings point into it. */
struct out_summary {
    size_t n_rows;                /* number of outcomes */
    struct out_summary_row *rows; /* n_rows rows, in file order */
};

struct out_file;

/* Opens a results file for reading. Fails with a message naming the path when it does not
 * exist, is not an HDF5 file, is damaged (e.g. truncated) or is not a caresim results file
 * (no `caresim_version` root attribute). SIM_EIO or SIM_EINVAL; NULL on failure. */
struct out_file *out_file_open(const char *path, struct sim_err *err);

/* Closes the file; NULL is a no-op. */
void out_file_close(struct out_file *f);

/* Reads the root attributes. Release *info with out_info_destroy(). */
int out_file_read_info(struct out_file *f, struct out_info **info, struct sim_err *err);
void out_info_destroy(struct out_info *info);

/* Names of the scenarios under /scenarios, in the order they were written, as a
 * NULL-terminated array (one allocation: release with free()); *count gets the number
 * (count may be NULL). A file without scenarios gives an empty array. */
int out_file_list_scenarios(struct out_file *f, char ***names, size_t *count, struct sim_err *err);

/* Reads /scenarios/<scenario_name>/config into *text (release with free()). */
int out_file_read_config(struct out_file *f, const char *scenario_name, char **text,
                         struct sim_err *err);

/* Reads the table at dataset_path (e.g. "/scenarios/base/replications") into *t: name (last
 * path component), description, columns with units and descriptions, values as doubles.
 * Every member must be a floating-point number; release with out_table_destroy(). */
int out_file_read_table(struct out_file *f, const char *dataset_path, struct out_table **t,
                        struct sim_err *err);

/* Names of the groups directly under group_path ("/scenarios", "/comparisons"), in the
 * order they were written when the file tracks it (caresim's files do), by name otherwise;
 * as out_file_list_scenarios. A missing group_path gives an empty array. */
int out_file_list_groups(struct out_file *f, const char *group_path, char ***names,
                         size_t *count, struct sim_err *err);

/* Reads the table at dataset_path written by out_writer_add_outcome_table (or a summary):
 * outcome and unit strings, and every other member (a number, integer or floating-point)
 * as a field of doubles, in file order. Release with out_outcome_table_destroy(). */
int out_file_read_outcome_table(struct out_file *f, const char *dataset_path,
                                struct out_outcome_table **t, struct sim_err *err);

/* Reads attribute `name` of the object (group or dataset) at the absolute object_path: a
 * string into *text (release with free()), or a single number (integer or floating-point)
 * into *value. SIM_EINVAL when the object or attribute is missing or of another type. */
int out_file_read_attr_text(struct out_file *f, const char *object_path, const char *name,
                            char **text, struct sim_err *err);
int out_file_read_attr_number(struct out_file *f, const char *object_path, const char *name,
                              double *value, struct sim_err *err);

/* Reads attribute `name` of the object at object_path holding an array of strings (or a
 * single string: one entry) as a NULL-terminated array (one allocation: release with
 * free()); *count (may be NULL) gets the number. SIM_EINVAL when the object or attribute
 * is missing or not made of strings. */
int out_file_read_attr_strings(struct out_file *f, const char *object_path, const char *name,
                               char ***values, size_t *count, struct sim_err *err);

/* Names of the datasets directly under group_path ("/scenarios/base": config,
 * replications, summary, timeseries ...), in the order they were written when the file
 * tracks it (caresim's files do), by name otherwise; as out_file_list_scenarios. A missing
 * group_path gives an empty array. */
int out_file_list_datasets(struct out_file *f, const char *group_path, char ***names,
                           size_t *count, struct sim_err *err);

/* Number of rows of the table at dataset_path, without reading them. SIM_EINVAL when it is
 * missing or not a one-dimensional table. */
int out_file_table_rows(struct out_file *f, const char *dataset_path, size_t *n_rows,
                        struct sim_err *err);

/* Reads the summary table at dataset_path (e.g. "/scenarios/base/summary"). Release with
 * out_summary_destroy(). */
int out_file_read_summary(struct out_file *f, const char *dataset_path, struct out_summary **s,
                          struct sim_err *err);
void out_summary_destroy(struct out_summary *s);

/* Releases everything HDF5 holds (H5close). Call once at the end of main(), after every
 * writer and file is closed; needed only to make leak checkers quiet, since HDF5 also
 * cleans up at exit. Any later call into this module re-initialises HDF5. */
void out_library_close(void);

#endif
