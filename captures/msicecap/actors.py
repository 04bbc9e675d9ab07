# SPDX-License-Identifier: GPL-2.0-or-later
"""What several captures share: the contoso.com and fabrikam.com deployments (Edge, Front End and NAT
addresses, contoso's MRAS relay list), client User-Agent strings, and the fixed credential sets
(MS-TURN, MS-ICE2, MS-ICE v6) that captures/README.md lists in its Credentials tables. Every value
that is random comes from its own seeded generator, so it does not depend on which capture runs first."""

import random

from .stun import IceAgent, IceV6Candidate, make_credentials


HOME_CREDS = make_credentials("msice-credentials-home", 6)           # Teams, MS-Version 6
CORP_CREDS = make_credentials("msice-credentials-corp", 6)           # Teams, MS-Version 6
LYNC_CREDS = make_credentials("msice-credentials-lync2010", 2)       # Lync 2010, MS-Version 2


# Teams-style MS-ICE2 credentials (4-char ufrag, 24-char pwd).
ICE_LOCAL = IceAgent("Qx7d", "k3Vb9T0eLm2Rz8YpWq4sNc1h", bytes.fromhex("00004c1a9e62d703"))
ICE_PEER = IceAgent("pR2u", "Zt6YhB1nQm8cVx3KsLd0We5a", bytes.fromhex("00007f3b2a91c4e8"))
# Lync-2010-style MS-ICE2 credentials for the BWM capture.
ICE_LYNC_LOCAL = IceAgent("Hq3K", "d8Fv2Nw7Xp0Lc5Tg1Ry4Mb6J", bytes.fromhex("0000a27e5b19c3d0"))
ICE_LYNC_PEER = IceAgent("b7Tz", "Ws3Kq9Ue2Yh6Pn1Dv8Gc4Ax0", bytes.fromhex("000061d48f07ba25"))


_v6rng = random.Random("msice-ice-v6")
ICE_V6_LOCAL = IceV6Candidate(_v6rng)
ICE_V6_PEER = IceV6Candidate(_v6rng)


# The contoso.com deployment shared by the SIP captures.
CONTOSO_EDGE_PUBLIC = "203.0.113.20"      # A/V Edge av.contoso.com, public interface (relay candidates)
CORP_NAT = "192.0.2.140"                  # corporate NAT public address (srflx candidates)
TEREDO_SERVER = "203.0.113.1"
LYNC2013_UA = "UCCAPI/15.0.4420.1017 OC/15.0.4420.1017 (Microsoft Lync)"
OC2007_UA = "UCCP/2.0.6362.111 OC/2.0.6362.111 (Microsoft Office Communicator)"
SFB_UA = "UCCAPI/16.0.4849.1000 OC/16.0.4849.1000 (Skype for Business)"


CONTOSO_AV_EXT = "203.0.113.10"          # A/V Edge av.contoso.com, public interface (as in msturn-udp/tcp)
CONTOSO_AV_INT = "10.10.1.5"             # A/V Edge, intranet interface (MS-TURN; MRAS intranet relay)
CONTOSO_ACCESS_EDGE = "203.0.113.5"      # Access Edge sip.contoso.com (as in sip-mras)
CONTOSO_FE = "10.10.1.10"                # Front End fe01.contoso.com
FABRIKAM_AV_EXT, FABRIKAM_AV_INT = "198.51.100.10", "172.16.1.5"
FABRIKAM_ACCESS_EDGE, FABRIKAM_FE = "198.51.100.5", "172.16.1.10"
HOME_NAT, HOTEL_NAT = "192.0.2.77", "198.51.100.77"
ROUTER_MAC = "00:1c:7f:3a:00:01"         # contoso core router (as in the other captures)
HOME_ROUTER_MAC = "f4:ca:e5:4d:01:01"


# contoso's MRAS media relay list (mediaRelay elements; read only, shared by the captures).
CONTOSO_INTERNET_RELAY = dict(location="internet", hostName="av.contoso.com", udpPort=3478, tcpPort=443)
CONTOSO_RELAYS = [dict(location="intranet", directIPAddress=CONTOSO_AV_INT, udpPort=3478, tcpPort=443),
                  CONTOSO_INTERNET_RELAY]
FABRIKAM_RELAYS = [dict(location="intranet", directIPAddress=FABRIKAM_AV_INT, udpPort=3478, tcpPort=443),
                   dict(location="internet", hostName="av.fabrikam.com", udpPort=3478, tcpPort=443)]


TEAMS_CREDS = make_credentials("msice-credentials-teams-6d", 6)
