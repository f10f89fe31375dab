#!/usr/bin/env bash
# scripts/welch.sh — Welch's plot for choosing the warm-up (docs/model.md, "Choosing the
# warm-up"): from a results file of a run without warm-up (run.warmup_years = 0), the
# monthly time series of a few queue measures averaged across replications, and their
# moving average over +/- W months, drawn with gnuplot. The warm-up is where the moving
# averages have flattened out.
#
#   scripts/welch.sh RESULTS.h5 [-s SCENARIO] [-w MONTHS] [-c COL,COL,...] [-o OUT.png]
#
#   -s  scenario in the file (default: the first)
#   -w  half-width W of the moving average, months (default 6)
#   -c  timeseries columns to plot (default bed_occupancy, mean_wait_gp_days,
#       mean_wait_specialist_days, elective_list)
#   -o  the image (default welch.png beside the results file); the data (.dat) and the
#       gnuplot script (.gp) are written next to it
#
# Reads the results file through `caresim export` (CARESIM, default build/caresim), writes
# a temporary directory (removed) and the three output files; needs gnuplot and awk.
set -euo pipefail

usage() { sed -n '9,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage
results=$1
shift
scenario="" half=6 cols="bed_occupancy,mean_wait_gp_days,mean_wait_specialist_days,elective_list"
out="$(dirname "$results")/welch.png"
while getopts "s:w:c:o:h" opt; do
    case $opt in
    s) scenario=$OPTARG ;;
    w) half=$OPTARG ;;
    c) cols=$OPTARG ;;
    o) out=$OPTARG ;;
    *) usage ;;
    esac
done
case $half in '' | *[!0-9]*) echo "welch.sh: -w needs a whole number of months" >&2; exit 2 ;; esac
caresim=${CARESIM:-build/caresim}
command -v gnuplot >/dev/null || { echo "welch.sh: gnuplot is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$caresim" export "$results" --csv "$tmp" >/dev/null
if [ -z "$scenario" ]; then
    first=$(ls "$tmp"/*_timeseries.csv 2>/dev/null | head -n 1)
    [ -n "$first" ] || { echo "welch.sh: $results has no timeseries table" >&2; exit 1; }
    scenario=$(basename "$first" _timeseries.csv)
fi
series="$tmp/${scenario}_timeseries.csv"
[ -f "$series" ] || { echo "welch.sh: no scenario '$scenario' in $results" >&2; exit 1; }

base=${out%.png}
dat="$base.dat"
# One line per month: month, then for each column the mean across replications and its
# Welch moving average (months i - W .. i + W; near the start the window shrinks to
# 1 .. 2i - 1 so that it stays centred). Missing values (empty fields) are left out.
awk -F, -v want="$cols" -v w="$half" '
NR == 1 {
    n = split(want, names, ",")
    for (j = 1; j <= n; j++) {
        c[j] = 0
        for (i = 1; i <= NF; i++)
            if ($i == names[j]) c[j] = i
        if (!c[j]) { print "welch.sh: no column " names[j] > "/dev/stderr"; exit 2 }
    }
    for (i = 1; i <= NF; i++) if ($i == "month") mcol = i
    next
}
{
    m = $mcol + 0
    if (m > last) last = m
    for (j = 1; j <= n; j++)
        if ($c[j] != "") { sum[m, j] += $c[j]; cnt[m, j]++ }
}
END {
    printf "# month"
    for (j = 1; j <= n; j++) printf " %s %s_moving_average", names[j], names[j]
    printf "\n"
    for (m = 1; m <= last; m++)
        for (j = 1; j <= n; j++)
            mean[m, j] = cnt[m, j] ? sum[m, j] / cnt[m, j] : "nan"
    for (m = 1; m <= last - w; m++) {
        printf "%d", m
        h = m <= w ? m - 1 : w
        for (j = 1; j <= n; j++) {
            s = 0; k = 0
            for (i = m - h; i <= m + h; i++)
                if (mean[i, j] != "nan") { s += mean[i, j]; k++ }
            printf " %s %s", mean[m, j], k ? s / k : "nan"
        }
        printf "\n"
    }
}' "$series" >"$dat"

ncols=$(awk -F, '{print NF}' <<<"$cols")
gp="$base.gp"
{
    echo "# Welch plot of $results, scenario $scenario: mean across replications (thin)"
    echo "# and moving average over +/- $half months (thick). Run: gnuplot $(basename "$gp")"
    echo "set terminal png noenhanced size 760,$((170 * ncols)) small"
    echo "set output '$(basename "$out")'"
    echo "set multiplot layout $ncols,1 title 'Welch plot of $scenario: mean across replications (thin), moving average over +/- $half months (thick)'"
    echo "set xlabel 'month of the run'"
    echo "set grid"
    echo "unset key"
    echo "set datafile missing 'nan'"
    j=0
    IFS=, read -ra names <<<"$cols"
    for name in "${names[@]}"; do
        j=$((j + 1))
        echo "set ylabel '$name'"
        echo "plot '$(basename "$dat")' using 1:$((2 * j)) with lines lw 1 lc rgb '#9ecae1', \\"
        echo "     '' using 1:$((2 * j + 1)) with lines lw 3 lc rgb '#08519c'"
    done
    echo "unset multiplot"
} >"$gp"
(cd "$(dirname "$gp")" && gnuplot "$(basename "$gp")")
echo "wrote $out ($(basename "$dat"), $(basename "$gp") beside it)"
