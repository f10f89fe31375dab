#!/usr/bin/env bash
# tests/mpi/check.sh SERIAL_CARESIM MPI_BUILD_DIR — `make check-mpi`: the Open MPI build
# (docs/mpi.md) against the serial one.
#
#   1. the protocol test (MPI_BUILD_DIR/tests/mpi/test_batch_mpi) on 1, 2, 3 and 4 ranks;
#   2. small run, compare (and psa and sweep, when the binary has them) jobs on 1, 2 and 4
#      ranks: every group of the results file (everything but the root's provenance
#      attributes: host, times, command line, threads, ranks) equal to the serial run's
#      (h5diff, exact), and the CSV export too (numbers at %.17g, which read back exactly);
#   3. failures: a scenario every replication refuses, rank 0 unable to create the file, a
#      worker unable to read the scenario, the ranks interrupted (they finish their
#      replications: a partial file equal to the serial run's first replications, or no
#      file), and mpirun interrupted (it kills the ranks): each ends within a time limit
#      and leaves no results file, or one marked partial.
#
# Writes only a temporary directory (removed at exit). Prints one line per check and the
# output of the failed ones; exits 1 when any failed. Never asserts times: the limit only
# catches a hang.
set -uo pipefail

abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
serial=$(abs "${1:?usage: tests/mpi/check.sh SERIAL_CARESIM MPI_BUILD_DIR}")
mpibuild=$(abs "${2:?usage: tests/mpi/check.sh SERIAL_CARESIM MPI_BUILD_DIR}")
mpi=$mpibuild/caresim-mpi
proto=$mpibuild/tests/mpi/test_batch_mpi
scen=$(cd "$(dirname "$0")/../../scenarios" && pwd)
for f in "$serial" "$mpi" "$proto"; do
    [ -x "$f" ] || { echo "check-mpi: $f missing (make all mpi)"; exit 1; }
done
command -v mpirun >/dev/null || { echo "check-mpi: no mpirun (scripts/install-deps.sh --mpi)"; exit 1; }
if [ "$(id -u)" -eq 0 ]; then # Open MPI refuses root unless told twice
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

LIMIT=90 # seconds before a job counts as hung
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0 checks=0
t0=$SECONDS

pass() { checks=$((checks + 1)); echo "check-mpi: ok   $*"; }
fail() {
    checks=$((checks + 1)) failed=$((failed + 1))
    echo "check-mpi: FAIL $*"
    [ -s "$tmp/out" ] && sed 's/^/    stdout: /' "$tmp/out" | tail -n 20
    [ -s "$tmp/err" ] && sed 's/^/    stderr: /' "$tmp/err" | tail -n 20
}
# on N ARGS...: mpirun on N ranks with a hang limit; stdout and stderr to $tmp/out, err.
on() {
    local n=$1
    shift
    timeout -k 5 $LIMIT mpirun --oversubscribe -n "$n" "$@" >"$tmp/out" 2>"$tmp/err"
}
# interrupted WHOM DELAY ARGS...: mpirun ARGS... (stdout and stderr as `on`); after DELAY
# seconds SIGINT to mpirun (WHOM = mpirun) or SIGTERM to the ranks it started (WHOM =
# ranks). Returns its exit status, or 124 (and kills it) when it has not ended LIMIT
# seconds later.
interrupted() {
    local whom=$1 delay=$2 ticks=0
    shift 2
    mpirun --oversubscribe "$@" >"$tmp/out" 2>"$tmp/err" &
    local pid=$!
    sleep "$delay"
    if [ "$whom" = mpirun ]; then
        kill -INT $pid 2>/dev/null
    else
        kill -TERM $(pgrep -P $pid) 2>/dev/null
    fi
    while kill -0 $pid 2>/dev/null && [ $ticks -lt $((LIMIT * 5)) ]; do
        sleep 0.2
        ticks=$((ticks + 1))
    done
    if kill -0 $pid 2>/dev/null; then
        kill -KILL $pid
        wait $pid
        return 124
    fi
    wait $pid
}
# ser ARGS...: the serial caresim, the same way.
ser() { timeout -k 5 $LIMIT "$serial" "$@" >"$tmp/out" 2>"$tmp/err"; }
# attr FILE NAME: a root attribute's value.
attr() { h5dump -a "/$2" "$1" 2>/dev/null | sed -n 's/^ *(0): *//p' | tr -d '"'; }

# same A.h5 B.h5: every top-level group equal (h5diff compares exactly, NaN equal to NaN),
# and the CSV exports equal (export ends the same way for both: it does not know every
# layout). Returns 0 or 1.
same() {
    local a=$1 b=$2 ga gb g d=$tmp/csv ea eb
    ga=$(h5ls "$a" | awk '{print $1}')
    gb=$(h5ls "$b" | awk '{print $1}')
    [ -n "$ga" ] && [ "$ga" = "$gb" ] || return 1
    for g in $ga; do
        h5diff -q "$a" "$b" "/$g" >/dev/null 2>&1 || return 1
    done
    rm -rf "$d"
    "$serial" export "$a" --csv "$d/a" >/dev/null 2>&1
    ea=$?
    "$serial" export "$b" --csv "$d/b" >/dev/null 2>&1
    eb=$?
    [ $ea -eq $eb ] && diff -r -x provenance.csv "$d/a" "$d/b" >/dev/null
}

# same_but_config A.h5 B.h5 SCENARIO: every dataset of the scenario equal but its config
# (whose run.replications may differ). Returns 0 or 1.
same_but_config() {
    local d names
    names=$(h5ls "$1/scenarios/$3" | awk '$1 != "config" {print $1}')
    [ -n "$names" ] && [ "$names" = "$(h5ls "$2/scenarios/$3" | awk '$1 != "config" {print $1}')" ] ||
        return 1
    for d in $names; do
        h5diff -q "$1" "$2" "/scenarios/$3/$d" >/dev/null 2>&1 || return 1
    done
}

# equal_on_ranks WHAT SERIAL_FILE ARGS...: the job ARGS... -o FILE on 1, 2 and 4 ranks
# gives SERIAL_FILE's tables, and its `ranks` attribute says how many ran it.
equal_on_ranks() {
    local what=$1 ref=$2 n
    shift 2
    for n in 1 2 4; do
        local dir=$tmp/${what}_$n f=$tmp/${what}_$n/out.h5
        mkdir "$dir"
        if ! on $n "$mpi" "$@" -o "$f"; then
            fail "$what on $n ranks: exit status $?"
        elif [ "$(ls -A "$dir")" != out.h5 ]; then
            fail "$what on $n ranks: files beside the results file: $(ls -A "$dir")"
        elif ! same "$ref" "$f"; then
            fail "$what on $n ranks: results differ from the serial run's"
        elif [ "$(attr "$f" ranks)" != "$n" ]; then
            fail "$what on $n ranks: the file records ranks = $(attr "$f" ranks)"
        else
            pass "$what on $n ranks: every table equal to the serial run's"
        fi
    done
}

# ---- 1. The protocol ---------------------------------------------------------------------
mkdir "$tmp/empty"
for n in 1 2 3 4; do
    if ! (cd "$tmp/empty" && on $n "$proto"); then
        fail "protocol test on $n ranks: exit status $?"
    elif grep -q FAIL "$tmp/err" || ! grep -q "^stdout of rank 0$" "$tmp/out" ||
        grep -q "^stdout of rank [1-9]" "$tmp/out" || [ -n "$(ls -A "$tmp/empty")" ]; then
        fail "protocol test on $n ranks"
    elif [ $n -gt 1 ] && [ "$(grep -c '^\[rank' "$tmp/err")" != 1 -o \
        "$(grep -c "^\[rank $((n - 1))\] held message of rank $((n - 1))$" "$tmp/err")" != 1 ]; then
        fail "protocol test on $n ranks: only the rank that left shows its messages"
    else
        pass "protocol test on $n ranks"
    fi
done

# ---- 2. Results equal to the serial build's ------------------------------------------------
small=(--seed 7 --set run.population=1500 --set run.horizon_years=2 --set run.warmup_years=0.5 -q)

run_args=(run "$scen/base.cfg" -r 5 --persons --trace=300 "${small[@]}")
if ser "${run_args[@]}" -o "$tmp/run_serial.h5"; then
    equal_on_ranks run "$tmp/run_serial.h5" "${run_args[@]}"
    # The comparison can fail: another seed gives other tables.
    ser run "$scen/base.cfg" -r 5 --persons --trace=300 "${small[@]}" --seed 8 -o "$tmp/seed8.h5"
    if same "$tmp/run_serial.h5" "$tmp/seed8.h5"; then
        fail "the comparison of results files sees no difference between seeds 7 and 8"
    else
        pass "the comparison of results files tells seeds 7 and 8 apart"
    fi
else
    fail "serial run: exit status $?"
fi

cmp_args=(compare "$scen/base.cfg" "$scen/gatekeeping.cfg" "$scen/capitation.cfg" -r 4
          "${small[@]}")
if ser "${cmp_args[@]}" -o "$tmp/compare_serial.h5"; then
    equal_on_ranks compare "$tmp/compare_serial.h5" "${cmp_args[@]}"
else
    fail "serial compare: exit status $?"
fi

# The commands added later, when this build has them.
if "$serial" --help | grep -q '^  psa '; then
    psa_args=(psa "$scen/base.cfg" "$scen/gatekeeping.cfg" -n 5 -r 1 "${small[@]}")
    if ser "${psa_args[@]}" -o "$tmp/psa_serial.h5"; then
        equal_on_ranks psa "$tmp/psa_serial.h5" "${psa_args[@]}"
    else
        fail "serial psa: exit status $?"
    fi
fi
if "$serial" --help | grep -q '^  sweep '; then
    sweep_args=(sweep "$scen/base.cfg" --vary hospital.beds_per_1000=2.5:3.5:0.5 -r 2
                "${small[@]}")
    if ser "${sweep_args[@]}" -o "$tmp/sweep_serial.h5"; then
        equal_on_ranks sweep "$tmp/sweep_serial.h5" "${sweep_args[@]}"
    else
        fail "serial sweep: exit status $?"
    fi
fi

# ---- 3. Failures ---------------------------------------------------------------------------
# no_file FILE: nothing at FILE, not even a temporary file beside it.
no_file() { ! ls -A "$(dirname "$1")" | grep -qF "$(basename "$1")"; }

# Every replication refuses the scenario (checked when a model is created): exit status 2
# as in the serial build, the message once, no file.
bad=(run "$scen/base.cfg" -r 4 "${small[@]}" --set care_seeking.other_self_care_share=0.99
     --set care_seeking.other_ed_share=0.5)
ser "${bad[@]}" -o "$tmp/bad.h5"
want=$?
on 4 "$mpi" "${bad[@]}" -o "$tmp/bad.h5"
got=$?
if [ $want -ne 2 ] || [ $got -ne $want ] || ! no_file "$tmp/bad.h5" ||
    [ "$(grep -c 'must not exceed 1' "$tmp/err")" != 1 ]; then
    fail "a scenario every replication refuses: exit status $got (serial $want), one message, no file"
else
    pass "a scenario every replication refuses: exit status 2, one message, no file"
fi

# Rank 0 cannot create the file; the workers could go on but must not wait for it.
on 2 "$mpi" run "$scen/base.cfg" -r 4 "${small[@]}" -o "$tmp/missing/x.h5"
got=$?
if [ $got -ne 1 ] || ! grep -q "cannot create" "$tmp/err"; then
    fail "rank 0 unable to create the file: exit status $got"
else
    pass "rank 0 unable to create the file: exit status 1, no hang"
fi

# A worker cannot read the scenario that rank 0 reads: rank 0's batch fails at once,
# naming that rank, whose own message is shown.
cat >"$tmp/diverge.sh" <<EOF
#!/bin/sh
f="$scen/base.cfg"
[ "\$OMPI_COMM_WORLD_RANK" = 2 ] && f="$tmp/nowhere.cfg"
exec "$mpi" run "\$f" -r 4 --seed 7 --set run.population=1500 --set run.horizon_years=2 -q \\
    -o "$tmp/diverge.h5"
EOF
chmod +x "$tmp/diverge.sh"
on 3 "$tmp/diverge.sh"
got=$?
if [ $got -ne 1 ] || ! no_file "$tmp/diverge.h5" ||
    ! grep -q "MPI rank 2 stopped before the replications began" "$tmp/err" ||
    ! grep -q "^\[rank 2\] .*nowhere.cfg" "$tmp/err"; then
    fail "a worker unable to read the scenario: exit status $got, messages, no file"
else
    pass "a worker unable to read the scenario: exit status 1, its message shown, no file"
fi

# The ranks interrupted (SIGTERM to each, as `scancel --signal=TERM` does): they finish the
# replications in progress; exit status 143 and either a file marked partial whose N
# replications are the serial run's first N, or (nothing complete) no file.
long=(--seed 7 --set run.population=20000 -q)
interrupted ranks 1.5 -n 2 "$mpi" run "$scen/base.cfg" -r 6 "${long[@]}" -o "$tmp/int.h5"
got=$?
if [ -f "$tmp/int.h5" ]; then
    n=$(h5ls "$tmp/int.h5/scenarios/base/replications" | sed -n 's/.*Dataset {\([0-9]*\).*/\1/p')
    if [ "$(attr "$tmp/int.h5" partial)" != 1 ] || [ -z "$n" ] || [ "$n" -ge 6 ]; then
        fail "interrupted: the file is not marked partial (replications: ${n:-?})"
    elif ! ser run "$scen/base.cfg" -r "$n" -j 2 "${long[@]}" -o "$tmp/int_serial.h5" ||
        ! same_but_config "$tmp/int.h5" "$tmp/int_serial.h5" base; then
        fail "interrupted: the $n replications kept differ from the serial run's first $n"
    elif [ $got -ne 143 ]; then
        fail "interrupted: exit status $got, expected 143"
    else
        pass "interrupted: exit status 143, a partial file of the serial run's first $n replications"
    fi
elif [ $got -eq 0 ] || [ $got -eq 124 ] || [ $got -eq 137 ] || ! no_file "$tmp/int.h5"; then
    fail "interrupted: exit status $got and no file"
else
    pass "interrupted before any replication was complete: exit status $got, no file"
fi

# mpirun interrupted (Ctrl-C): it ends the job, killing the ranks about a second later in
# their replications; the target does not appear (a hidden temporary file may stay
# behind), unless they finished them within that second: then it is a file marked partial.
interrupted mpirun 1.5 -n 2 "$mpi" run "$scen/base.cfg" -r 4 --seed 7 \
    --set run.population=80000 -q -o "$tmp/kill.h5"
got=$?
if [ $got -eq 0 ] || [ $got -eq 124 ] || [ $got -eq 137 ]; then
    fail "killed by mpirun: exit status $got"
elif [ -e "$tmp/kill.h5" ] && [ "$(attr "$tmp/kill.h5" partial)" != 1 ]; then
    fail "killed by mpirun: a results file not marked partial"
else
    pass "killed by mpirun: exit status $got, $([ -e "$tmp/kill.h5" ] && echo "a partial file" || echo "no results file"), no hang"
fi

echo "check-mpi: $((checks - failed)) passed, $failed failed ($((SECONDS - t0)) s)"
[ $failed -eq 0 ]
