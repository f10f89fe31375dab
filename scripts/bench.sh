#!/usr/bin/env bash
# Engine benchmark: runs caresim's simbench and, when given, the reference kernel
# (../shared/bench/refbench.c) on the same standard cases, alternating them so both see the
# same machine load, and prints each line followed by the speed ratio (ours / reference).
# Each case runs REPEAT times (default 5); the fastest run of each program is reported.
# usage: scripts/bench.sh SIMBENCH [REFBENCH]
set -euo pipefail

sim=$1
ref=${2:-}
repeat=${REPEAT:-5}

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
