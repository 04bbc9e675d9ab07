# SPDX-License-Identifier: GPL-2.0-or-later
"""The capture generator that captures/make_captures.py runs, as a package.

Three layers, each module importing only from the layers above it:
  builders        capture (Capture, Host, pcap writer, README frame rows), net (UDP, TCP, IPv4
                  fragments), stun, media, sip, sdp, mras; actors (addresses and credentials
                  shared by several captures)
  call simulator  call_net, call_turn, call_ice, call_sip, call_report, call_setup: whole calls
                  run as events over a modelled network, with their expected per-call report
  scenarios       one module per capture family (scen_*.py; teams.py scripts the Teams-style
                  files), each a list of functions that return one Capture; readme.py writes
                  captures/README.md from them

Every capture function seeds its own random.Random with a fixed string, so a capture's bytes do not
depend on which other captures run, or in which order.
"""

import logging

# scapy warns at import time about things these captures never use (no routes, no IPv6 stack).
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
