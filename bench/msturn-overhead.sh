#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Speed of the msturn dissector: tshark with the plugin against tshark with
# the plugin loaded but msturn disabled (--disable-protocol msturn), and
# against stock tshark (plugin not loaded), on one large capture.
#
#   bench/msturn-overhead.sh [capture.pcap] [copies] [runs]
#
# Default capture: ../shared/captures/real/teams.pcap concatenated 100 times
# (154,000 frames); falls back to the project's own captures when the real
# one is absent. Each variant runs [runs] times (default 5); the minimum
# wall-clock time counts. Prints the ratios; target: plugin / disabled <= 1.10.
source "$(dirname "$0")/../scripts/lib.sh"

src=${1:-$MSICE_ROOT/../shared/captures/real/teams.pcap}
copies=${2:-100}
runs=${3:-5}
msice_build
msice_home
work=$MSICE_HOME/caps
if [ -f "$src" ]; then
    inputs=()
    for _ in $(seq "$copies"); do inputs+=("$src"); done
else
    msice_log "$src not found: using the project's captures"
    inputs=()
    for _ in $(seq "$copies"); do inputs+=("$MSICE_ROOT"/captures/msturn-*.pcap); done
fi
mergecap -a -F pcap -w "$work/bench.pcap" "${inputs[@]}"
chmod a+r "$work/bench.pcap"
frames=$(capinfos -c -M "$work/bench.pcap" | awk '/Number of packets/ {print $NF}')
msice_log "capture: $frames frames ($copies x $(basename "$src"))"

# time_best MODE ARGS...: min wall time (s) over $runs runs. MODE: plugin | stock
time_best() {
    local mode=$1 best="" t s e
    shift
    for _ in $(seq "$runs"); do
        s=$(date +%s.%N)
        if [ "$mode" = stock ]; then
            MSICE_STOCK=1 msice_tshark "$@" >/dev/null
        else
            msice_tshark "$@" >/dev/null
        fi
        e=$(date +%s.%N)
        t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
        if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
    done
    echo "$best"
}

# Three ways tshark is used: packet list, full trees (-V), a display filter.
# (A bare -q is not measured: with no filter or tap tshark skips dissection.)
for view in "summary lines" "-V" "-Y filter"; do
    case $view in
        -V) extra=(-V) ;;
        "-Y filter") extra=(-q -Y "udp.port == 3478 || tcp.port == 443") ;;
        *) extra=() ;;
    esac
    with=$(time_best plugin -n -r "$work/bench.pcap" "${extra[@]}")
    disabled=$(time_best plugin -n -r "$work/bench.pcap" --disable-protocol msturn "${extra[@]}")
    stock=$(time_best stock -n -r "$work/bench.pcap" "${extra[@]}")
    awk -v v="$view:" -v w="$with" -v d="$disabled" -v s="$stock" 'BEGIN {
        printf "%-15s with msturn %6.2fs  msturn disabled %6.2fs  stock %6.2fs  ratio(with/disabled) %.3f  ratio(with/stock) %.3f\n",
               v, w, d, s, w / d, w / s }'
done
