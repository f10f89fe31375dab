/* tests/fuzz/fuzz.h — the fuzz targets as plain functions, so that libFuzzer (through the
 * thin entry file tests/fuzz/entry.c) and the regression test (tests/test_fuzz_regress.c,
 * built with gcc) call the same code. A bug shows up as a crash, a sanitizer report or a
 * leak; the return value (ignored by libFuzzer) says how far the input got, so that the
 * regression test can check the seeds reach the code they are meant to.
 *
 * The targets read files by paths relative to the working directory (scenario inputs may
 * name scenarios/... as their base), so they run from the repository root.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The bytes as a scenario file, loaded as `caresim validate` and `run` load it (libconfig
 * parse, key table, base chain, --set-free resolution, reform scenario, warm start), then
 * its PSA distributions sampled and, when valid, its disease tables built and a tiny model
 * run (tests/fuzz/fuzz_scenario.c says how it is clamped). */
int fuzz_scenario_one(const uint8_t *data, size_t size); /* 1: valid, model made (and run) */

/* The bytes drive the construction of a small HDF5 results file in caresim's layout
 * (groups, tables, columns, types, shapes, attributes and values chosen, dropped or
 * mis-typed by the input), then report, report --html, explain and export run on it. */
int fuzz_results_one(const uint8_t *data, size_t size); /* 1: `report` succeeded */

/* The bytes as a results file, as they are: report, explain and export run on it. */
int fuzz_results_raw_one(const uint8_t *data, size_t size); /* 1: `report` succeeded */

#endif
