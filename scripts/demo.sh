#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Quick start: build the plugin and print the answer for a capture: the
# per-call report (which path the media took: early media, promotions, final
# path), then the findings the plugin raised, then the MS-TURN listing.
# Installs missing Debian packages (through sudo when not root).
#   ./scripts/demo.sh [capture.pcap]
# Without an argument: the bundled whole call captures/call-early-media-promotion.pcap
# (early media over the A/V Edge relay, then a promotion to the direct path).
source "$(dirname "$0")/lib.sh"

capture=${1:-$MSICE_ROOT/captures/call-early-media-promotion.pcap}
if [ ! -r "$capture" ]; then
    msice_log "cannot read $capture"
    exit 2
fi
msice_build
msice_log "msice.so built in $MSICE_BUILD; per-call report of $(basename "$capture")"
msice_tshark -n -q -r "$capture" -z msice,calls
msice_log "findings: the plugin's troubleshooting rules, one line per frame they point at"
findings=$(msice_tshark -n -2 -r "$capture" -Y "msice.finding" -T fields -E occurrence=a -E aggregator='; ' \
    -e frame.number -e msice.finding)
if [ -n "$findings" ]; then
    printf '%s\n' "$findings" | sed 's/^\([0-9]*\)\t/  frame \1: /'
else
    echo "  none"
fi
msice_log "MS-TURN packets (allocations, connectivity checks, relayed media)"
msice_tshark -n -r "$capture" -Y "msturn" | sed -n "1,60p"
