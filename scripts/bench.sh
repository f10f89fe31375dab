#!/usr/bin/env bash
# Engine benchmark: runs caresim's simbench and, when given, the reference kernel
# (../shared/bench/refbench.c) on the same standard cases, alternating them so both see the
# same machine load, and prints each line followed by the speed ratio (ours / reference).
# Each case runs REPEAT times (default 5); the fastest run of each program is reported.
# Then the model benchmark: build/modelbench (bench/modelbench.c) runs the health-system
# model once per case, one replication on one thread, on scenarios/base.cfg (and on
# scenarios/integrated_care.cfg when that file exists) with 100 000 and 1 000 000 persons
# over 10 years after a 1-year warm-up (passed explicitly; base.cfg has the same), and
# prints each line with a comparison to the targets.
# usage: scripts/bench.sh SIMBENCH [REFBENCH]
# Environment:
#   REPEAT=N        engine runs per case (default 5)
#   BENCH_QUICK=1   skip the 1 000 000-person model cases (they take a few minutes each)
#   MODELBENCH=P    the model benchmark program (default: modelbench next to SIMBENCH);
#                   the model section is skipped when it is not there
set -euo pipefail

sim=$1
ref=${2:-}
repeat=${REPEAT:-5}
quick=${BENCH_QUICK:-0}
modelbench=${MODELBENCH:-$(dirname "$sim")/modelbench}
root=$(cd "$(dirname "$0")/.." && pwd)

cases=(
    "mmc 4 0.9 2000000 1"
    "mmc 1 0.9 2000000 1"
    "hold 100000 5000000 1"
    "hold 1000 5000000 1"
)

fastest() { # prints the line with the highest events_per_s among the lines on stdin
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^events_per_s=/) { v = substr($i, 14) + 0;
           if (v > best) { best = v; line = $0 } } } END { print line }'
}
rate() { sed -n 's/.*events_per_s=\([0-9.]*\).*/\1/p'; }

echo "engine benchmark: best of $repeat runs per case; ratio = caresim / reference events per second"
for c in "${cases[@]}"; do
    ours="" theirs=""
    for _ in $(seq "$repeat"); do
        ours+="$("$sim" $c)"$'\n'
        if [ -n "$ref" ]; then theirs+="$("$ref" $c)"$'\n'; fi
    done
    o=$(printf '%s' "$ours" | fastest)
    echo "caresim   $o"
    if [ -n "$ref" ]; then
        r=$(printf '%s' "$theirs" | fastest)
        echo "reference $r"
        awk -v a="$(echo "$o" | rate)" -v b="$(echo "$r" | rate)" -v c="$c" \
            'BEGIN { printf "ratio     %.2fx  (%s)\n", a / b, c }'
    fi
done
[ -n "$ref" ] || echo "(reference kernel ../shared/bench/refbench.c not found: no ratios)"

# Model benchmark. person_years_per_s is nominal: persons x (warmup + years) / run_s, the
# starting population over the whole simulated span, warm-up included.
model_years=10
model_sizes=(100000 1000000)
[ "$quick" = 1 ] && model_sizes=(100000)
model_scenarios=("$root/scenarios/base.cfg")
ic=$root/scenarios/integrated_care.cfg
[ -f "$ic" ] && model_scenarios+=("$ic")

echo
if [ ! -x "$modelbench" ]; then
    echo "model benchmark: $modelbench not found: skipped"
    exit 0
fi
echo "model benchmark: 1 run per case, replication 0 on one thread; $model_years years after"
echo "a 1-year warm-up; events and events_per_s count the whole run (warm-up included);"
echo "person_years_per_s = persons x (warmup + years) / run_s (nominal person-years, warm-up"
echo "included); bytes_per_person after the run; peak_rss_mb = peak resident set, MiB"
[ "$quick" = 1 ] && echo "(BENCH_QUICK=1: the 1 000 000-person cases are skipped)"
for scen in "${model_scenarios[@]}"; do
    for n in "${model_sizes[@]}"; do
        line=$("$modelbench" "$scen" "$n" "$model_years" 1)
        echo "model     $line"
        # Time target: create + run of 1 000 000 persons x 10 years; the other two apply
        # to every case.
        echo "$line" | awk '
            { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
            END {
                t = v["create_s"] + v["run_s"]; eps = v["events_per_s"] / 1e6;
                b = v["bytes_per_person"] + 0
                if (v["persons"] == 1000000 && v["years"] == 10)
                    tv = sprintf("%.1f s %s", t, (t <= 60) ? "met" : "MISSED")
                else
                    tv = sprintf("%.1f s (time target is for 1 000 000 x 10)", t)
                printf "target: 1 000 000 persons x 10 years <= 60 s on one core; >= 5 M " \
                       "model events/s; <= 256 bytes per person -> %s; %.2f M events/s %s; " \
                       "%.0f bytes per person %s\n", tv, eps, (eps >= 5) ? "met" : "MISSED",
                       b, (b <= 256) ? "met" : "MISSED"
            }'
    done
done
