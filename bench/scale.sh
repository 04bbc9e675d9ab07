#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Does the plugin's cost grow with the capture, and no faster?
#
#   bench/scale.sh [--callgrind] [RUNS] [CALLS ...]
#
# 1. For each number of calls (default 1000 3000 10000) makes
#    bench/make_calls_capture.py's capture with 5 RTP packets each way per call
#    and measures
#      on   tshark -n -q -r CAP -z msice,calls
#      off  the same with --disable-protocol msturn,msice,mras (the plugin loaded,
#           its three protocols off: what tshark costs anyway)
#    printing CPU seconds (minimum of RUNS, default 3), peak memory, and the
#    ratio on/off. Targets (issue 12): the ratio at 10,000 calls no worse than
#    at 1,000, and at most 1.5. tshark's start-up (about 0.87 G instructions
#    on 4.0, loading every dissector) is the same for both and weighs more in
#    the small capture, so the raw ratio rises with the capture even when the
#    plugin's cost per call is constant: the "per call" ratio takes the same
#    two runs on an empty capture away from each side first.
# 2. Plain dissection, the packet list without any tap: tshark -n -r on
#    ../shared/captures/real/teams.pcap concatenated 20 times (the project's
#    call-early-media-promotion.pcap when that is absent), on against off.
#    Target: within 1 % in instructions.
# --callgrind adds the instructions each command executes under callgrind
# (one more run each; a 10,000-call run takes minutes under valgrind). Quote
# instructions when the machine is shared: CPU seconds move with the load.
source "$(dirname "$0")/../scripts/lib.sh"

opts=()
if [ "${1:-}" = "--callgrind" ]; then
    opts=(--callgrind)
    shift
fi
runs=${1:-3}
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000 3000 10000)
msice_ensure_packages valgrind
msice_build
msice_home
mapfile -t T < <(bash "$MSICE_ROOT/scripts/tshark-sandbox.sh" argv "$MSICE_HOME")
off=(--disable-protocol msturn --disable-protocol msice --disable-protocol mras)

# measure ARGS...: tshark ARGS, as measure.py prints it (run from the home:
# as root tshark runs as nobody, who may not read the caller's folder).
measure() {
    (cd "$MSICE_HOME" && /usr/bin/python3 "$MSICE_ROOT/bench/measure.py" "$runs" "${opts[@]}" -- "${T[@]}" "$@")
}

# field NAME LINE: the value of NAME=... in a measure line ("-" if absent).
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | grep . || echo -; }

# report LABEL ON OFF [ON_EMPTY OFF_EMPTY]: one line; with the empty-capture
# runs, also the ratio of what each side costs beyond start-up.
report() {
    local on=$2 off=$3 e_on=${4:-} e_off=${5:-}
    awk -v l="$1" -v oc="$(field cpu "$on")" -v fc="$(field cpu "$off")" \
        -v om="$(field peak_kib "$on")" -v fm="$(field peak_kib "$off")" \
        -v oi="$(field instr "$on")" -v fi="$(field instr "$off")" \
        -v eoc="$(field cpu "$e_on")" -v efc="$(field cpu "$e_off")" \
        -v eoi="$(field instr "$e_on")" -v efi="$(field instr "$e_off")" 'BEGIN {
        printf "%-26s cpu on %7.2f s  off %7.2f s  ratio %.3f", l, oc, fc, oc / fc
        if (eoc != "-" && fc > efc) printf " (per call %.3f)", (oc - eoc) / (fc - efc)
        printf "   peak on %5d MiB  off %5d MiB", om / 1024, fm / 1024
        if (oi != "-") {
            printf "   instr on %.4g  off %.4g  ratio %.4f", oi, fi, oi / fi
            if (eoi != "-") printf " (per call %.4f)", (oi - eoi) / (fi - efi)
        }
        printf "\n" }'
}

# Start-up alone: the same two commands on a capture without packets.
empty=$MSICE_HOME/caps/empty.pcap
/usr/bin/python3 -c 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))' "$empty"
chmod a+r "$empty"
empty_on=$(measure -n -q -r "$empty" -z msice,calls)
empty_off=$(measure -n -q -r "$empty" -z msice,calls "${off[@]}")
report "start-up (empty capture)" "$empty_on" "$empty_off"

for n in "${counts[@]}"; do
    cap=$MSICE_HOME/caps/calls-$n.pcap
    /usr/bin/python3 "$MSICE_ROOT/bench/make_calls_capture.py" "$cap" "$n" 5 >&2
    chmod a+r "$cap"
    frames=$(capinfos -c -M "$cap" | awk '/Number of packets/ {print $NF}')
    msice_log "$n calls, $frames frames"
    on_line=$(measure -n -q -r "$cap" -z msice,calls)
    off_line=$(measure -n -q -r "$cap" -z msice,calls "${off[@]}")
    report "-z msice,calls, $n calls" "$on_line" "$off_line" "$empty_on" "$empty_off"
done

src=$MSICE_ROOT/../shared/captures/real/teams.pcap
[ -f "$src" ] || src=$MSICE_ROOT/captures/call-early-media-promotion.pcap
inputs=()
for _ in $(seq 20); do inputs+=("$src"); done
mergecap -a -F pcap -w "$MSICE_HOME/caps/plain.pcap" "${inputs[@]}"
chmod a+r "$MSICE_HOME/caps/plain.pcap"
msice_log "plain dissection: $(basename "$src") x 20"
on_line=$(measure -n -r "$MSICE_HOME/caps/plain.pcap")
off_line=$(measure -n -r "$MSICE_HOME/caps/plain.pcap" "${off[@]}")
report "tshark -r, $(basename "$src") x20" "$on_line" "$off_line"
