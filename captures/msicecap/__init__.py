# SPDX-License-Identifier: GPL-2.0-or-later
"""msicecap: the code behind captures/make_captures.py. TODO"""

import logging

# scapy warns at import time about things these captures never use (no routes, no IPv6 stack).
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
