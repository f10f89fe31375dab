#!/usr/bin/env bash
# Runs each cmocka test program given as an argument, then prints one closing line with the
# totals over all of them ("N passed, N failed"). Exits non-zero when any test failed or a
# program crashed.
set -uo pipefail

passed=0 failed=0 broken=()
for t in "$@"; do
    out=$("$t" 2>&1)
    status=$?
    printf '%s\n' "$out"
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$status" -ne 0 ] && [ -z "$f" ]; then
        broken+=("$t (exit $status)")
        failed=$((failed + 1))
    fi
done
for b in "${broken[@]}"; do
    echo "test program failed without a cmocka report: $b"
done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
