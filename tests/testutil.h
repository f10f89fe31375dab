/* tests/testutil.h — helpers shared by the cmocka tests.
 * Include after <cmocka.h>'s prerequisites: stdarg.h, stddef.h, setjmp.h, stdint.h. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Fails the test unless |actual - expected| <= tol; prints all three on failure.
 * (cmocka 1.1.5 has no floating-point comparison with a tolerance.) */
#define assert_near(actual, expected, tol) \
    testutil_assert_near((actual), (expected), (tol), #actual, __FILE__, __LINE__)

/* Fails unless |actual - expected| <= rel * |expected|. */
#define assert_rel_near(actual, expected, rel) \
    testutil_assert_near((actual), (expected), (rel) * __builtin_fabs((double)(expected)), \
                         #actual, __FILE__, __LINE__)

void testutil_assert_near(double actual, double expected, double tol, const char *expr,
                          const char *file, int line);

/* Whole contents of a file, NUL-terminated (malloc'ed; the caller frees); *size (may be
 * NULL) gets its length. Fails the test when the file cannot be read. */
char *testutil_slurp(const char *path, size_t *size);

/* Runs cmd(argc, argv) — a caresim subcommand — with stdout and stderr going to the files
 * out_path and err_path (truncated first), then restores them. Returns cmd's result. */
int testutil_run_captured(int (*cmd)(int, char **), int argc, char **argv,
                          const char *out_path, const char *err_path);

/* Runs `caresim <name> ARGS`: cmd with argv = name (when not NULL) followed by args
 * (NULL-terminated, at most 30), stdout and stderr to out_path and err_path, as
 * testutil_run_captured. Returns cmd's result. */
int testutil_run_args(int (*cmd)(int, char **), const char *name, const char *const *args,
                      const char *out_path, const char *err_path);

/* Writes text to path (created or truncated). Returns 0 or -1. */
int testutil_write_text(const char *path, const char *text);

/* Copies the file from to the file to (created or truncated), failing the test on any
 * error. */
void testutil_copy_file(const char *from, const char *to);

/* Removes dir and everything below it (not following symbolic links), like rm -rf; a
 * missing dir is not an error. Returns 0 or -1. For the tests' temporary directories. */
int testutil_remove_tree(const char *dir);

struct model_params;
/* Fills *par with the default scenario named "test", with overrides ("key=value"); fails
 * the test on a bad override. */
void testutil_default_params(struct model_params *par, const char *const *sets, size_t nsets);

struct model;
/* Creates and runs replication 0 of the default scenario with `persons` persons over
 * `years` after a one-year warm-up, with the overrides extra[0..nextra-1] ("key=value",
 * at most 32), and fills row (OUTC_COUNT values, models/outcomes.h). Fails the test on any
 * error. The caller destroys the model. */
struct model *testutil_run_scenario(int persons, double years, const char *const *extra,
                                    size_t nextra, double *row);

/* Turns off every way the care pathway acts on disease: no exacerbations, lapses or other
 * need, and visits that neither control nor refer. Reviews still take place (and cost),
 * but the persons' conditions, control and mortality follow the disease model alone: for
 * the tests of that model. */
void testutil_disease_only(struct model_params *par);

#endif
