#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the msice example captures (captures/*.pcap) and captures/README.md.

Run with Debian's python3 (it has python3-scapy):

    /usr/bin/python3 captures/make_captures.py [OUTPUT-FOLDER]

(default: the folder of this script). Everything is deterministic: timestamps start at
2026-01-15 09:00:00 UTC, every random value (transaction IDs, nonces, keys, RTP payloads) comes
from a random.Random seeded with a fixed string per capture, and the pcap files are written by our
own writer (no wall clock, no host state). Re-running the script gives byte-identical files.

The code lives in the msicecap package next to this file (its __init__ and captures/README.md,
section "For contributors", list the modules). A new capture is a function in the scen_*.py
module of its family that returns a Capture, added to the list below (or to its family's list).

Facts followed (see ../shared/specs or the project's specs digest):
  ms-turn.md            MS-TURN header, attributes (unpadded), XOR rule, TCP
                        framing, pseudo-TLS, 0xFF10 multiplexing, MESSAGE-INTEGRITY
  ms-turnbwm-ice2bwm.md bandwidth-management attributes, 274/275 errors
  ms-ice-candidates.md  MS-ICE2 (RFC 5389-style) and MS-ICE v6 (RFC 3489-style)
                        connectivity checks carried inside DATA; ICE v6 / v19
                        candidate lines, multipart INVITE bodies, priorities
  ms-avedgea-mras.md    MRAS request/response XML in SIP SERVICE
  sip-diagnostics.md    ms-client-diagnostics, ms-endpoint-location-data
"""

import os
import sys

from msicecap.readme import readme_text
from msicecap.scen_calls import CALL_SCENARIOS
from msicecap.scen_dialogs import SIP_DIALOG_SCENARIOS
from msicecap.scen_malformed import capture_malformed, capture_sip_malformed
from msicecap.scen_mras import capture_sip_mras
from msicecap.scen_msturn import capture_bwm, capture_relay, capture_tcp, capture_udp_allocate
from msicecap.scen_rules import RULE_SCENARIOS
from msicecap.scen_sip import capture_sip_lync2013, capture_sip_sfb
from msicecap.scen_teams import TEAMS_SCENARIOS

HERE = os.path.dirname(os.path.abspath(__file__))

# The order of the files in captures/README.md.
SCENARIOS = [capture_udp_allocate, capture_tcp, capture_relay, capture_bwm, capture_malformed,
             capture_sip_lync2013, capture_sip_sfb, capture_sip_mras, capture_sip_malformed] + CALL_SCENARIOS \
    + RULE_SCENARIOS + SIP_DIALOG_SCENARIOS + TEAMS_SCENARIOS


def main():
    outdir = HERE if len(sys.argv) < 2 else sys.argv[1]
    captures = [make() for make in SCENARIOS]
    for cap in captures:
        cap.write(outdir)
        print(f"{cap.filename}: {len(cap.frames)} frames")
    with open(os.path.join(outdir, "README.md"), "w", encoding="utf-8") as f:
        f.write(readme_text(captures))


if __name__ == "__main__":
    main()
