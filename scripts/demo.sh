#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Quick start (a): build the plugin and show what it decodes on a bundled
# capture. Installs missing Debian packages (through sudo when not root).
#   ./scripts/demo.sh [capture.pcap]
source "$(dirname "$0")/lib.sh"

capture=${1:-$MSICE_ROOT/captures/msturn-udp-allocate.pcap}
msice_build
msice_log "msice.so built in $MSICE_BUILD; decoding $(basename "$capture")"
msice_tshark -n -r "$capture" -Y "msturn"
msice_log "expert infos raised by the plugin"
msice_tshark -n -q -2 -r "$capture" -z expert,msturn
