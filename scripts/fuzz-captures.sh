#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tshark over randomly corrupted copies of every bundled capture, with the
# plugin built under ASan and UBSan: the way Wireshark's tools/fuzz-test.sh
# tries its own dissectors.
#
#   scripts/fuzz-captures.sh [PASSES] [CAPTURE...]
#
# PASSES (default 3) times, for each CAPTURE (default captures/*.pcap*):
#   editcap -E RATE makes a copy with each byte of each packet changed with
#   probability RATE (MSICE_FUZZ_ERR_RATE, default 0.02 as fuzz-test.sh), and
#   tshark reads it twice with the sanitized plugin:
#       tshark -nVx -z msice,calls -z expert -r COPY    (every field, the report, the expert table)
#       tshark -2 -n -z msice,json -z flow,msice,standard -r COPY
#                                                       (second-pass lookups, JSON, Flow Graph)
# A run is a finding when tshark exits non-zero (a crash, a sanitizer
# report: UBSan is built not to recover), or prints on stderr anything at
# all (ASan/UBSan reports, GLib warnings and criticals, "Too many taps
# queued", ...), or writes "Dissector bug" (an exception in our dissectors).
# The corrupted copy and what tshark printed on stderr are kept in
# build-asan/fuzz-captures/findings/. A summary closes the run; the exit
# status is 1 when there were findings.
#
# How the sanitizers get into tshark: Debian's tshark is not built with ASan,
# so build-asan/msice.so (gcc, -fsanitize=address,undefined) needs the ASan
# runtime loaded before everything else: tshark runs with
# LD_PRELOAD=libasan.so.8 (else ASan refuses: "ASan runtime does not come
# first in initial library list"), and ASAN_OPTIONS=detect_leaks=0 since the
# leaks LeakSanitizer would see at exit are tshark's own, not the plugin's.
# As in fuzz-test.sh: WIRESHARK_DEBUG_WMEM_OVERRIDE=strict (canaries and
# scrubbing in wmem), a CPU-time limit per run (MSICE_FUZZ_CPU_SECONDS, 300).
# tshark runs in the private HOME of scripts/tshark-sandbox.sh (as nobody
# when root), with this plugin and default preferences.
source "$(dirname "$0")/lib.sh"

passes=${1:-3}
shift || true
captures=("$@")
if [ ${#captures[@]} -eq 0 ]; then
    shopt -s nullglob
    captures=("$MSICE_ROOT"/captures/*.pcap "$MSICE_ROOT"/captures/*.pcapng)
    shopt -u nullglob
fi
rate=${MSICE_FUZZ_ERR_RATE:-0.02}
cpu=${MSICE_FUZZ_CPU_SECONDS:-300}

msice_ensure_packages "${MSICE_BUILD_PACKAGES[@]}"
asan_build=$MSICE_ROOT/build-asan
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -f "$asan_build/CMakeCache.txt" ]; then
    CC=gcc cmake -S "$MSICE_ROOT" -B "$asan_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMSICE_UNIT_TESTS=OFF \
        "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_MODULE_LINKER_FLAGS=$flags" >/dev/null
fi
msice_log "building the plugin with ASan + UBSan ($asan_build)"
cmake --build "$asan_build" -j"$(nproc)" --target msice >/dev/null
libasan=$(gcc -print-file-name=libasan.so)
libasan=$(realpath "$libasan")
[ -f "$libasan" ] || { echo "fuzz-captures: no libasan.so for gcc" >&2; exit 2; }

MSICE_BUILD=$asan_build
msice_home
home=$MSICE_HOME
mapfile -t argv < <(bash "$MSICE_ROOT/scripts/tshark-sandbox.sh" argv "$home")
# The sanitizer settings go into the sandbox's `env -i ... tshark`, before "tshark".
n=${#argv[@]}
run_env=(LD_PRELOAD="$libasan" ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:print_summary=1
         UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 WIRESHARK_DEBUG_WMEM_OVERRIDE=strict
         WIRESHARK_ABORT_ON_TOO_MANY_ITEMS=)
tshark_cmd=("${argv[@]:0:n-1}" "${run_env[@]}" "${argv[n-1]}")
plain_cmd=("${argv[@]}")

work=$home/caps                      # readable by the user tshark runs as
out_dir=$asan_build/fuzz-captures
findings_dir=$out_dir/findings
mkdir -p "$findings_dir"

# The sanitized plugin is what tshark loads: without the preload ASan stops it.
probe=$(bash "$MSICE_ROOT/scripts/tshark-sandbox.sh" capture "$home" "${captures[0]}")
said=$(cd "$home" && "${plain_cmd[@]}" -nr "$probe" 2>&1 >/dev/null || true)
if ! grep -q "ASan runtime does not come first" <<<"$said"; then
    echo "fuzz-captures: tshark did not load the ASan build of msice.so from $home" >&2
    exit 2
fi
rm -f "$probe"

runs=0 findings=0 start=$(date +%s)
# one_run NAME COPY ARGS...: tshark ARGS on COPY; a finding keeps COPY and the log.
one_run() {
    local name=$1 copy=$2 rc=0 log=$out_dir/stderr.txt
    shift 2
    (cd "$home" && ulimit -S -t "$cpu" && "${tshark_cmd[@]}" "$@" -r "$copy") >"$out_dir/stdout.txt" 2>"$log" || rc=$?
    runs=$((runs + 1))
    local why=""
    [ $rc -eq 0 ] || why="exit status $rc"
    [ -s "$log" ] && why="${why:+$why, }$(grep -m1 -oE 'ERROR: AddressSanitizer: [a-z-]+|runtime error:.*|Too many taps queued|CRITICAL|WARNING|[^ ].{0,60}' "$log" | head -n 1)"
    grep -q "Dissector bug" "$out_dir/stdout.txt" && why="${why:+$why, }Dissector bug: $(grep -m1 -o 'Dissector bug.*' "$out_dir/stdout.txt")"
    [ -n "$why" ] || return 0
    findings=$((findings + 1))
    local keep
    keep=$findings_dir/$name-$(sha1sum "$copy" | cut -c1-12)-$findings
    cp "$copy" "$keep.pcap"
    { echo "tshark $* -r $keep.pcap"; echo "why: $why"; echo "--- stderr"; cat "$log"; } >"$keep.txt"
    echo "FINDING: $name: $why (kept as ${keep#"$MSICE_ROOT"/}.pcap)" >&2
}

msice_log "$passes pass(es) over ${#captures[@]} captures, editcap -E $rate, tshark with LD_PRELOAD=$libasan"
for ((pass = 1; pass <= passes; pass++)); do
    for cap in "${captures[@]}"; do
        base=$(basename "$cap")
        base=${base%.pcap*}
        copy=$work/fuzz-$base.pcap
        editcap -E "$rate" "$cap" "$copy" >/dev/null 2>&1 || { echo "fuzz-captures: editcap failed on $cap" >&2; exit 2; }
        chmod 644 "$copy"
        one_run "$base" "$copy" -nVx -z msice,calls -z expert
        one_run "$base" "$copy" -2 -n -z msice,json -z flow,msice,standard
        rm -f "$copy"
    done
    printf '  pass %d/%d: %d tshark runs so far, %d finding(s)\n' "$pass" "$passes" "$runs" "$findings" >&2
done
secs=$(($(date +%s) - start))
echo "fuzz-captures: $passes passes over ${#captures[@]} captures (editcap -E $rate), $runs tshark runs under ASan+UBSan in $((secs / 60)) min $((secs % 60)) s: $findings finding(s)$([ "$findings" -eq 0 ] || echo " in ${findings_dir#"$MSICE_ROOT"/}")"
[ "$findings" -eq 0 ]
