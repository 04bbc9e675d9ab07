#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A long fuzz run, the line coverage it reached in each core file, then
# tshark over corrupted copies of every bundled capture.
#
#   scripts/fuzz-long.sh [MINUTES] [TARGET...]
#
# 1. Builds build-fuzz (libFuzzer + ASan + UBSan, as scripts/test.sh) and
#    build-fuzz-cov (the same targets with clang's source-based coverage, no
#    sanitizer), and cuts seeds from captures/ (tests/fuzz/extract_seeds.py).
#    Every TARGET's corpus build-fuzz/long/<target>/corpus/ (kept between
#    runs) gets tests/fuzz/corpus/<target>/ and the extracted seeds.
# 2. Runs each TARGET (default: every harness in tests/fuzz/) for MINUTES
#    (default 10) on its corpus. A crash, leak or sanitizer report fails the
#    script; the input is left in build-fuzz/long/<target>/ (crash-*, leak-*,
#    ...). MSICE_FUZZ_JOBS=N runs N targets at once (default 1);
#    MSICE_FUZZ_WORKERS=N gives each target N libFuzzer processes sharing its
#    corpus (-fork=N, default 1). MSICE_FUZZ_FAST=1 fuzzes with build-fuzz-fast
#    (UBSan only, -O2: two to three times the inputs a second) and then
#    replays every input each target's corpus holds through the ASan + UBSan
#    build, so a memory error in a kept input still fails the script (one in
#    an input the fuzzer did not keep goes unseen: the price of the speed).
# 3. Replays every harness's corpus (fuzzed now or before) through
#    build-fuzz-cov and prints llvm-cov's table of regions, functions, lines
#    and branches covered per core file (plugin/core/*.c), all harnesses
#    together, then the functions no input reached.
# 4. scripts/fuzz-captures.sh MSICE_FUZZ_CAPTURE_PASSES times (default 3; 0
#    skips it): tshark with the plugin under ASan over `editcap -E` copies of
#    every capture in captures/.
# MINUTES 0 skips step 2: the coverage of the corpora as they are.
#
# Needs clang, libclang-rt-14-dev and llvm (llvm-profdata, llvm-cov).
source "$(dirname "$0")/lib.sh"

minutes=${1:-10}
shift || true
targets=("$@")
# every harness: a tests/fuzz/*.c that defines LLVMFuzzerTestOneInput
mapfile -t all_targets < <(grep -l '^LLVMFuzzerTestOneInput(' "$(dirname "$0")"/../tests/fuzz/fuzz_*.c |
                           xargs -n1 basename | sed 's/\.c$//')
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
targets_to_fuzz=("${targets[@]}")
jobs=${MSICE_FUZZ_JOBS:-1}
workers=${MSICE_FUZZ_WORKERS:-1}

msice_ensure_packages "${MSICE_BUILD_PACKAGES[@]}" python3 clang libclang-rt-14-dev llvm
fuzz=$MSICE_ROOT/build-fuzz
cov=$MSICE_ROOT/build-fuzz-cov
fast=$MSICE_ROOT/build-fuzz-fast
fuzzer_dir=$fuzz   # where the binaries that fuzz are
[ "${MSICE_FUZZ_FAST:-0}" = 1 ] && fuzzer_dir=$fast
if [ ! -f "$fuzz/CMakeCache.txt" ]; then
    CC=clang cmake -S "$MSICE_ROOT" -B "$fuzz" -DMSICE_FUZZ=ON >/dev/null
fi
if [ ! -f "$cov/CMakeCache.txt" ]; then
    CC=clang cmake -S "$MSICE_ROOT" -B "$cov" -DMSICE_FUZZ=ON -DMSICE_FUZZ_COVERAGE=ON >/dev/null
fi
if [ "$fuzzer_dir" = "$fast" ] && [ ! -f "$fast/CMakeCache.txt" ]; then
    CC=clang cmake -S "$MSICE_ROOT" -B "$fast" -DMSICE_FUZZ=ON -DMSICE_FUZZ_FAST=ON >/dev/null
fi
msice_log "building the fuzz targets (ASan + UBSan, and coverage)"
cmake --build "$fuzz" -j"$(nproc)" >/dev/null
cmake --build "$cov" -j"$(nproc)" >/dev/null
if [ "$fuzzer_dir" = "$fast" ]; then
    msice_log "building the fast fuzz targets (UBSan only, -O2)"
    cmake --build "$fast" -j"$(nproc)" >/dev/null
fi
/usr/bin/python3 "$MSICE_ROOT/tests/fuzz/extract_seeds.py" "$MSICE_ROOT/captures" "$fuzz/seeds" >/dev/null

for t in "${all_targets[@]}"; do
    mkdir -p "$fuzz/long/$t/corpus"
    for s in "$MSICE_ROOT/tests/fuzz/corpus/$t" "$fuzz/seeds/$t"; do
        [ ! -d "$s" ] || find "$s" -maxdepth 1 -type f -exec cp -n -t "$fuzz/long/$t/corpus" {} +
    done
done

run_target() {
    local t=$1 dir=$fuzz/long/$1
    local fork=() max_len=4096
    [ "$t" = fuzz_icecall ] && max_len=512   # as tests/fuzz/CMakeLists.txt says why
    [ "$workers" -gt 1 ] && fork=(-fork="$workers" -ignore_crashes=0)
    # -seed from the clock: a second run explores further, it does not replay the first.
    if "$fuzzer_dir/tests/fuzz/$t" -max_total_time=$((minutes * 60)) -max_len=$max_len -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$dir/" "${fork[@]}" "$dir/corpus" >"$dir/log" 2>&1; then
        echo ok >"$dir/status"
    else
        echo "failed (exit $?)" >"$dir/status"
    fi
}

[ "$minutes" -gt 0 ] || targets_to_fuzz=()
msice_log "fuzzing ${targets_to_fuzz[*]:-nothing} for $minutes min each, $jobs at a time"
running=0
for t in "${targets_to_fuzz[@]}"; do
    run_target "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

failed=0
[ ${#targets_to_fuzz[@]} -eq 0 ] || printf '\n%-14s %-8s %8s %14s %10s %8s\n' target result minutes executions exec/s corpus
for t in "${targets_to_fuzz[@]}"; do
    dir=$fuzz/long/$t
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" | tail -1 | grep -o '[0-9]*$' || true)
    if [ -z "$runs" ]; then   # -fork: the parent prints "#N ... exec/s: E" lines
        runs=$(grep -o '^#[0-9]*' "$dir/log" | tail -1 | tr -d '#' || true)
    fi
    secs=$((minutes * 60))
    printf '%-14s %-8s %8s %14s %10s %8s\n' "$t" "$(cat "$dir/status")" "$minutes" "${runs:-?}" \
        "$([ -n "$runs" ] && echo $((runs / secs)) || echo ?)" "$(find "$dir/corpus" -type f | wc -l)"
    if [ "$(cat "$dir/status")" != ok ]; then
        failed=1
        grep -E 'ERROR|SUMMARY|fuzz:|Test unit written' "$dir/log" | head -5 >&2 || true
    fi
done

if [ "$fuzzer_dir" = "$fast" ] && [ ${#targets_to_fuzz[@]} -gt 0 ]; then
    msice_log "replaying what the fast run kept through the ASan + UBSan build"
    for t in "${targets_to_fuzz[@]}"; do
        dir=$fuzz/long/$t
        max_len=4096
        [ "$t" = fuzz_icecall ] && max_len=512
        if "$fuzz/tests/fuzz/$t" -runs=0 -max_len=$max_len -rss_limit_mb=2048 -artifact_prefix="$dir/" \
            "$dir/corpus" >"$dir/asan-replay.log" 2>&1; then
            echo "$t: $(find "$dir/corpus" -type f | wc -l) inputs replayed under ASan + UBSan, no report"
        else
            failed=1
            echo "$t: the ASan + UBSan replay failed (log: $dir/asan-replay.log)" >&2
            grep -E 'ERROR|SUMMARY' "$dir/asan-replay.log" | head -5 >&2 || true
        fi
    done
fi

msice_log "replaying the corpora with coverage"
prof=$cov/prof
rm -rf "$prof"
mkdir -p "$prof"
objects=()
for t in "${all_targets[@]}"; do   # every corpus, fuzzed now or before: the coverage of all of them
    LLVM_PROFILE_FILE="$prof/$t-%p.profraw" "$cov/tests/fuzz/$t" -runs=0 -max_len=4096 \
        "$fuzz/long/$t/corpus" >"$prof/$t.log" 2>&1 || true
    objects+=(-object "$cov/tests/fuzz/$t")
done
llvm-profdata merge -sparse "$prof"/*.profraw -o "$prof/all.profdata"
echo
llvm-cov report "${objects[@]:1}" -instr-profile="$prof/all.profdata" \
    "$MSICE_ROOT"/plugin/core/*.c | sed "s|$MSICE_ROOT/||"
echo "(line coverage per file: the Lines/Cover columns; llvm-cov show with the same arguments lists the lines)"
echo
echo "functions no input reached:"
unreached=$(for f in "$MSICE_ROOT"/plugin/core/*.c; do
    llvm-cov report "${objects[@]:1}" -instr-profile="$prof/all.profdata" -show-functions "$f" 2>&1 |
        awk -v f="$(basename "$f")" '/^error/ {print "  " f ": " $0} $2 ~ /^[0-9]+$/ && $2 > 0 && $2 == $3 {print "  " f ": " $1}'
done)
echo "${unreached:-  none}"

captures_rc=0
passes=${MSICE_FUZZ_CAPTURE_PASSES:-3}
if [ "$passes" -gt 0 ]; then
    echo
    bash "$MSICE_ROOT/scripts/fuzz-captures.sh" "$passes" || captures_rc=$?
fi
[ "$failed" -eq 0 ] && [ "$captures_rc" -eq 0 ]
