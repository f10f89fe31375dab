#!/usr/bin/env bash
# The driver of `make fuzz` (tests/fuzz/README.md): writes the seed results files with the
# release caresim (a small run, comparison, PSA and sweep of about 200 persons over a year),
# then runs each libFuzzer target (build/fuzz/fuzz_*) for SECONDS, one after the other, at
# low priority, on its corpus in build/fuzz/corpus/<target> seeded from the scenario files,
# tests/fuzz/corpus/<target>, tests/fuzz/regress/<target> and the seed results files.
# Crashing, leaking and timing-out inputs are written to build/fuzz/crashes/; each target's
# log is build/fuzz/<target>.log. Exits non-zero when any target found a problem.
# Run from the repository root (scenario inputs name scenarios/... by relative path).
# usage: scripts/fuzz.sh SECONDS CARESIM TARGET...
# Environment: FUZZ_FLAGS adds libFuzzer options (e.g. FUZZ_FLAGS=-jobs=2).
set -euo pipefail

secs=$1
caresim=$2
shift 2
out=build/fuzz
mkdir -p "$out/seeds" "$out/crashes"

# Seed results files: every kind of analysis caresim writes, small.
small=(--set run.population=200 --set run.horizon_years=1 --set run.warmup_years=0 -q)
seed() {
    local file=$1
    shift
    [ -s "$out/seeds/$file" ] || "$caresim" "$@" "${small[@]}" -o "$out/seeds/$file" >/dev/null
}
seed run.h5 run scenarios/base.cfg -r 2 --persons --trace=50
seed compare.h5 compare scenarios/base.cfg scenarios/gatekeeping.cfg -r 2
seed psa.h5 psa scenarios/base.cfg scenarios/integrated_care.cfg -n 4 -r 2
seed sweep.h5 sweep scenarios/base.cfg --oneway -r 1

status=0
for t in "$@"; do
    name=${t#fuzz_}
    corpus=$out/corpus/$name
    mkdir -p "$corpus"
    dirs=("tests/fuzz/corpus/$name" "tests/fuzz/regress/$name")
    case $name in
        scenario) dirs+=(scenarios) ;;
        results_raw) dirs+=("$out/seeds") ;;
    esac
    existing=()
    for d in "${dirs[@]}"; do
        [ -d "$d" ] && existing+=("$d")
    done
    # Corrupt files make HDF5 itself leak (tests/fuzz/lsan-hdf5.supp).
    supp=
    [ "$name" = results_raw ] && supp=suppressions=tests/fuzz/lsan-hdf5.supp:print_suppressions=0
    echo "== $t: ${secs}s (log: $out/$t.log)"
    # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of options
    if LSAN_OPTIONS=${supp:-${LSAN_OPTIONS:-}} nice -n 10 "$out/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -close_fd_mask=3 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$name-" ${FUZZ_FLAGS:-} \
        "$corpus" "${existing[@]}" >"$out/$t.log" 2>&1; then
        grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|Done)' \
            "$out/$t.log" || true
        echo "   corpus: $(find "$corpus" -type f | wc -l) inputs"
    else
        status=1
        echo "$t: FAILED; the input is in $out/crashes/, the report in $out/$t.log:" >&2
        grep -E -A12 '^==[0-9]+==ERROR|runtime error|ALARM|out-of-memory' "$out/$t.log" \
            | head -40 >&2 || true
    fi
done
exit $status
