#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""TODO"""

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
