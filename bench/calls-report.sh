#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Speed and memory of the per-call report on a large capture.
#
#   bench/calls-report.sh [CALLS] [RTP_PER_DIRECTION] [RUNS]
#
# Makes bench/make_calls_capture.py's capture (default 1000 calls, 500 RTP
# packets each way: 1,006,000 frames), then times (minimum of RUNS, default
# 3) and measures the peak memory of:
#   A  tshark -q                          (Wireshark 4.0 does not dissect at all here)
#   B  tshark -q -z io,stat,0             (dissects every packet, no analysis: the baseline)
#   C  tshark -q -z rtp,streams           (stock VoIP analysis, for comparison)
#   D  tshark -q -z msice,calls           (this plugin's per-call report)
# and prints D/A and D/B. Memory: D again on a capture with a fifth of the
# RTP packets shows that the model grows with calls, not packets.
source "$(dirname "$0")/../scripts/lib.sh"

calls=${1:-1000}
per_dir=${2:-500}
runs=${3:-3}
msice_build
msice_home
cap=$MSICE_HOME/caps/calls.pcap
small=$MSICE_HOME/caps/calls-small.pcap
/usr/bin/python3 "$MSICE_ROOT/bench/make_calls_capture.py" "$cap" "$calls" "$per_dir" >&2
/usr/bin/python3 "$MSICE_ROOT/bench/make_calls_capture.py" "$small" "$calls" "$((per_dir / 5))" >&2
chmod a+r "$cap" "$small"

# measure ARGS...: "seconds peak_kib" of ARGS, the best of $runs runs (bench/measure.py).
# Run from the home: as root tshark runs as nobody, who may not read the caller's folder.
measure() {
    (cd "$MSICE_HOME" && /usr/bin/python3 "$MSICE_ROOT/bench/measure.py" "$runs" -- "$@") |
        sed -E 's/^cpu=[^ ]+ wall=([^ ]+) peak_kib=([0-9]+).*/\1 \2/'
}

# tshark as msice_tshark runs it (scripts/tshark-sandbox.sh).
mapfile -t T < <(bash "$MSICE_ROOT/scripts/tshark-sandbox.sh" argv "$MSICE_HOME")

frames=$(capinfos -c -M "$cap" | awk '/Number of packets/ {print $NF}')
msice_log "capture: $calls calls, $frames frames"
read -r a _ <<<"$(measure "${T[@]}" -n -r "$cap" -q)"
read -r b mem_b <<<"$(measure "${T[@]}" -n -r "$cap" -q -z io,stat,0)"
read -r c _ <<<"$(measure "${T[@]}" -n -r "$cap" -q -z rtp,streams)"
read -r d mem <<<"$(measure "${T[@]}" -n -r "$cap" -q -z msice,calls)"
read -r _ mem_small <<<"$(measure "${T[@]}" -n -r "$small" -q -z msice,calls)"
awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v m="$mem" -v ms="$mem_small" -v mb="$mem_b" -v f="$frames" 'BEGIN {
    printf "A tshark -q                   %6.2f s\n", a
    printf "B tshark -q -z io,stat,0      %6.2f s\n", b
    printf "C tshark -q -z rtp,streams    %6.2f s\n", c
    printf "D tshark -q -z msice,calls    %6.2f s\n", d
    printf "D/A %.2f (A does not dissect)   D/B %.3f   D/C %.3f\n", d / a, d / b, d / c
    printf "peak memory: B %d MiB, D %d MiB on %d frames (tshark keeps per-frame data itself); D %d MiB with a fifth of the RTP packets\n", mb / 1024, m / 1024, f, ms / 1024
}'
