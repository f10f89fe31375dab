/* tests/fuzz/entry.c — the libFuzzer entry point of one fuzz target: compiled once per
 * target with -DFUZZ_TARGET=<function> (fuzz_scenario_one, fuzz_results_one,
 * fuzz_results_raw_one; tests/fuzz/fuzz.h), so the targets themselves stay plain functions
 * that the regression test can call without libFuzzer.
 */
#include "tests/fuzz/fuzz.h"

#ifndef FUZZ_TARGET
#error "compile with -DFUZZ_TARGET=fuzz_<target>_one"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FUZZ_TARGET(data, size); /* how far the input got: for the regression test only */
    return 0;
}
