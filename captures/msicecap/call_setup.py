# SPDX-License-Identifier: GPL-2.0-or-later
"""People, places and pieces of set-up that several whole-call scenarios share: Alice, Bob, Frank,
Erin and Greg with their client products, contoso's HQ span, homes and a hotel with their NATs, the
firewall rule sets (inside only, inside/outside, branch VPN), the SIP headers of INVITE and 200 OK,
the callee's ms-client-diagnostics, and the two base calls (HQ inside call, HQ to branch office)
that call-* and rule-* scenarios vary."""

import base64
import collections

from .actors import (CONTOSO_ACCESS_EDGE, CONTOSO_AV_EXT, CONTOSO_AV_INT, CONTOSO_FE, CONTOSO_RELAYS,
    HOME_NAT, HOME_ROUTER_MAC, HOTEL_NAT, LYNC2013_UA, ROUTER_MAC, SFB_UA)
from .call_ice import CallAgent
from .call_net import CallNet, Nat
from .call_sip import CallFlow, SipCall, SipLeg, SipProxy
from .call_turn import AvEdge
from .sip import LOCATION_INTRANET, LYNC_ALLOW, SipParty, rand_hex
from .stun import make_credentials


def call_invite_headers(rng, party, location, subnet):
    conv = base64.b64encode(b"\x01" + rng.randbytes(21)).decode()
    return [("Contact", party.contact()), ("User-Agent", party.ua), ("Supported", "ms-dialog-route-set-update"),
            ("Ms-Conversation-ID", conv), ("Supported", "timer"), ("Supported", "histinfo"),
            ("Supported", "ms-safe-transfer"), ("Supported", "ms-sender"), ("Supported", "ms-early-media"),
            ("Supported", "100rel"), ("ms-keep-alive", "UAC;hop-hop=yes"), ("Allow", LYNC_ALLOW),
            ("ms-subnet", subnet), ("Accept-Language", "en-US"), ("ms-endpoint-location-data", location),
            ("Supported", "replaces"), ("Supported", "ms-conf-invite")]


def call_answer_headers(party, location):
    return [("Contact", f"<{party.gruu}>"), ("User-Agent", party.ua), ("Supported", "histinfo"),
            ("Supported", "ms-safe-transfer"), ("Supported", "ms-dialog-route-set-update"), ("Allow", LYNC_ALLOW),
            ("ms-endpoint-location-data", location)]


def callee_diag(flow, local_loc, remote_loc, federation=0):
    """ms-client-diagnostics 51007 of the callee's 200 OK (format of the real Lync sample)."""
    B, A = flow.B, flow.A
    bh, ah = B.cand(1, 1), A.cand(1, 1)
    mr = lambda ag: next((f"{c.address}:{c.port}" for c in ag.media.cands if c.typ == "relay" and c.component == 1), "")
    return ("51007;reason=\"Callee media connectivity diagnosis info\";CalleeMediaDebug=\"audio:ICEWarn=0x0,"
            f"LocalSite={bh.address}:{bh.port},RemoteSite={ah.address}:{ah.port},LocalMR={mr(B)},RemoteMR={mr(A)},"
            f"PortRange=1025:65000,LocalLocation={local_loc},RemoteLocation={remote_loc},FederationType={federation}\"")


def contoso_hq_hosts(net):
    """The contoso HQ hosts on the core span: client VLANs, Front End, A/V Edge intranet interface."""
    net.register(CONTOSO_FE, "corp", "F", "hq", "00:1c:7f:3a:10:0a",
                 role="Front End fe01.contoso.com: SIP over TCP 5060 (clear text here), forwards MRAS requests")
    net.register(CONTOSO_AV_INT, "corp", "E", "hq", "00:1c:7f:3a:10:05",
                 role="A/V Edge, intranet interface: MS-TURN UDP 3478 / TCP 443")
    net.register(CONTOSO_AV_EXT, "dmz", "X", None,
                 role="A/V Edge av.contoso.com, public interface: MS-TURN for remote users, relayed addresses")


def home_hosts(net, client_ip, label, role):
    net.register(client_ip, "home", label, "home", "3c:22:fb:5a:10:20", role=role)
    net.register("192.168.1.1", "home", "R", "home", HOME_ROUTER_MAC, role="home router (DNS resolver, NAT)")
    net.register(HOME_NAT, "home-pub", f"N{label}", None, role=f"home router's public address ({label}'s NAT)")


def hotel_hosts(net, client_ip, label, role):
    net.register(client_ip, "hotel", label, "hotel", "a4:5e:60:c1:07:3b", role=role)
    net.register("192.168.0.1", "hotel", "H", "hotel", "00:0d:b9:44:12:9a", role="hotel gateway (DNS resolver, NAT)")
    net.register(HOTEL_NAT, "hotel-pub", f"N{label}", None, role=f"hotel gateway's public address ({label}'s NAT)")


# A client product as the call captures describe it: name (in the host roles), SIP User-Agent, MS-TURN version.
CallClient = collections.namedtuple("CallClient", "name ua ms_version")
LYNC2013_CLIENT = CallClient("Lync 2013", LYNC2013_UA, 4)
SFB_CLIENT = CallClient("Skype for Business 2015", SFB_UA, 5)

# The people of the call captures: (display name, SIP address).
ALICE = ("Alice Lee", "alice@contoso.com")
BOB = ("Bob Kim", "bob@contoso.com")
FRANK = ("Frank Moss", "frank@contoso.com")
ERIN = ("Erin Park", "erin@contoso.com")
GREG = ("Greg Novak", "greg@fabrikam.com")
ALICE_IP = "10.10.20.31"           # Alice's PC on the HQ client VLAN 10.10.20.0/24
BOB_IP = "10.10.40.52"             # Bob's PC on the HQ client VLAN 10.10.40.0/24


def alice_at_hq(net, client, where, label="A"):
    """Register Alice's PC on contoso's HQ span; `where` ends her role text, in parentheses."""
    net.register(ALICE_IP, "corp", label, "hq", "00:15:5d:0a:14:1f",
                 role=f"alice@contoso.com, {client.name} ({where})")


def bob_at_hq(net, client, where):
    """Register Bob's PC on contoso's HQ span; `where` ends his role text, in parentheses."""
    net.register(BOB_IP, "corp", "B", "hq", "00:15:5d:0a:28:34", role=f"bob@contoso.com, {client.name} ({where})")


def corp_only_rules(net):
    """Firewall rules of a call inside contoso: everything inside the LAN is routed; the internal firewall keeps
    clients off the Edge's public interface, and the public interface cannot reach internal addresses."""
    def rules(src, dst, dport, proto, t):
        return net.zone(src) == "corp" and net.zone(dst) == "corp"
    return rules


def home_nat(net, kind, dst=None):
    """The home router's NAT (HOME_NAT) for 192.168.1.20; its two media sockets' public ports preset
    (for a symmetric NAT: towards `dst`)."""
    nat = Nat(HOME_NAT, kind, 40112)
    for port, pub in ((9610, 38402), (9611, 38403)):
        nat.preset("192.168.1.20", port, pub, dst=dst)
    net.add_nat(nat, ["192.168.1.20"])


def hotel_nat(net):
    """The hotel gateway's address-restricted NAT (HOTEL_NAT) for 192.168.0.15, media sockets' ports preset."""
    nat = Nat(HOTEL_NAT, "address", 62001)
    for port, pub in ((7180, 41822), (7181, 41823)):
        nat.preset("192.168.0.15", port, pub)
    net.add_nat(nat, ["192.168.0.15"])


def call_agents(net, rng, client, caller, callee):
    """The SipParty and the CallAgent of the caller (A, controlling) and of the callee (B), in that order.
    caller, callee: (person, client address, make_credentials seed, or None for no MRAS credentials).
    Returns (caller's party, callee's party, A, B)."""
    (person_a, ip_a, seed_a), (person_b, ip_b, seed_b) = caller, callee
    party_a = SipParty(rng, *person_a, client.ua)
    party_b = SipParty(rng, *person_b, client.ua)
    creds = lambda seed: None if seed is None else make_credentials(seed, client.ms_version)
    A = CallAgent(net, "A", party_a, ip_a, client.ms_version, True, creds(seed_a), rng)
    B = CallAgent(net, "B", party_b, ip_b, client.ms_version, False, creds(seed_b), rng)
    return party_a, party_b, A, B


def contoso_servers(net, rng, access_edge=False, av_ext=CONTOSO_AV_EXT):
    """contoso's A/V Edge and Front End (and Access Edge): (edge, fe) or (edge, fe, ae)."""
    edge = AvEdge(net, "contoso", CONTOSO_AV_INT, av_ext)
    fe = SipProxy(rng, "fe01.contoso.com", CONTOSO_FE)
    if not access_edge:
        return edge, fe
    return edge, fe, SipProxy(rng, "sip.contoso.com", CONTOSO_ACCESS_EDGE)


def sip_leg(net, rng, agent, cport, server_ip, nat=None, point=None):
    """`agent`'s SIP connection from port `cport` to its first-hop server; the server's Via parameters
    (with received= when the client is behind the NAT address `nat`)."""
    received = f";received={nat}" if nat else ""
    return SipLeg(net, agent, cport, server_ip,
                  f"{received};ms-received-port={cport};ms-received-cid={rand_hex(rng, 4, True)}00", point=point)


def mras_answer(location, rtt_ms, **extra):
    """The MRAS answer to one party: contoso's relays."""
    return dict(location=location, relays=CONTOSO_RELAYS, rtt_ms=rtt_ms, **extra)


def hq_inside_call(cap, rng, client, seeds, thin=False, **timing):
    """The call of call-inside-inside: Alice (10.10.20.31) calls Bob (10.10.40.52), both on contoso's HQ LAN
    and seen on the HQ span, SIP through the Front End, both allocate on the Edge's intranet interface.
    seeds: the make_credentials seeds of (Alice, Bob); thin: rule-* RTP pacing; timing: CallFlow settings
    from t_media_end on. Returns (net, A, B, call, flow), the flow not started."""
    net = CallNet(cap, rng, {"hq": ("HQ span", ROUTER_MAC)})
    alice_at_hq(net, client, "client VLAN 10.10.20.0/24")
    bob_at_hq(net, client, "client VLAN 10.10.40.0/24")
    contoso_hq_hosts(net)
    net.rules = corp_only_rules(net)
    alice, bob, A, B = call_agents(net, rng, client, (ALICE, ALICE_IP, seeds[0]), (BOB, BOB_IP, seeds[1]))
    if thin:
        thin_media(A, B)
    edge, fe = contoso_servers(net, rng)
    legs = {"A": sip_leg(net, rng, A, 52316, CONTOSO_FE), "B": sip_leg(net, rng, B, 50874, CONTOSO_FE)}
    call = SipCall(net, rng, legs, [fe], 5.5)
    mras = mras_answer("intranet", 41)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.118, mras_A=mras, mras_B=mras, t_call=0.412,
        gather_A=dict(edge=edge, server=CONTOSO_AV_INT, ports=(21346, 21347), relay_ports=(53214, 57902)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_INT, ports=(30112, 30113), relay_ports=(54488, 51176)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers=call_answer_headers(bob, LOCATION_INTRANET), t_answer=2.904, **timing)
    return net, A, B, call, flow


HQ_BRANCH_POINT = ("a span port on contoso's HQ core switch (Alice's VLAN, the Front End, the A/V Edge's intranet "
                   "interface, and the LAN side of the branch VPN gateway): Bob's packets are seen when they reach "
                   "HQ, Alice's packets to Bob when they leave her VLAN; every packet once")


def _branch_vpn_rules(net, tunnel_up):
    """HQ ↔ branch office over a site-to-site VPN: the SA for the HQ server subnet is up, the one for the
    client subnets comes up on demand at `tunnel_up`."""
    def rules(src, dst, dport, proto, t):
        zs, zd = net.zone(src), net.zone(dst)
        if zs == zd == "corp":
            return True
        if {zs, zd} == {"corp", "branch"}:
            hq = src if zs == "corp" else dst
            if hq.startswith("10.10.1."):
                return True              # SA for the server subnet is up
            return t >= tunnel_up        # SA for the client subnets: on demand
        return False
    return rules


def hq_branch_call(cap, rng, seeds, tunnel_up, nominate_first_valid=False, thin=False, client=SFB_CLIENT, **timing):
    """The call of call-early-media-promotion: Alice (HQ, 10.10.20.31) calls Bob (branch office, 10.20.8.15,
    behind a VPN whose client SA is up at `tunnel_up`), both `client` (SfB 2015), both allocate on the Edge's
    intranet interface, early media relay↔relay; seen on the HQ span. seeds: make_credentials seeds of (Alice,
    Bob); nominate_first_valid: Alice nominates the first pair that succeeds; thin: rule-* RTP pacing;
    timing: CallFlow settings from t_media_end on.
    Returns (net, A, B, call, flow), the flow not started."""
    net = CallNet(cap, rng, {"hq": ("HQ span", ROUTER_MAC)})
    alice_at_hq(net, client, "HQ client VLAN")
    contoso_hq_hosts(net)
    net.register("10.20.8.15", "branch", "B", None,
                 role=f"bob@contoso.com, {client.name} in the branch office (seen when its packets reach HQ)")
    net.lat.update({("branch", "corp"): 9.0})
    net.far_ttl = {"branch": 126}
    net.rules = _branch_vpn_rules(net, tunnel_up)
    alice, bob, A, B = call_agents(net, rng, client, (ALICE, ALICE_IP, seeds[0]), (BOB, "10.20.8.15", seeds[1]))
    A.nominate_first_valid = nominate_first_valid
    if thin:
        thin_media(A, B)
    edge, fe = contoso_servers(net, rng)
    legs = {"A": sip_leg(net, rng, A, 52322, CONTOSO_FE), "B": sip_leg(net, rng, B, 51140, CONTOSO_FE, point="hq")}
    call = SipCall(net, rng, legs, [fe], 5.0)
    mras = mras_answer("intranet", 41)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.152, mras_A=mras, mras_B=dict(mras, rtt_ms=58),
        t_call=2.930,
        gather_A=dict(edge=edge, server=CONTOSO_AV_INT, ports=(22190, 22191), relay_ports=(52814, 55570)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_INT, ports=(17410, 17411), relay_ports=(50122, 56918)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers=call_answer_headers(bob, LOCATION_INTRANET), early_media=(0.012, 0.098),
        t_answer=3.986, **timing)
    return net, A, B, call, flow


def inside_outside_net(cap, rng):
    """Alice at HQ, Frank at home behind a symmetric NAT, the Access Edge and the A/V Edge between them."""
    net = CallNet(cap, rng, {"hq": ("HQ span", ROUTER_MAC), "home": ("Frank's NIC", HOME_ROUTER_MAC)})
    alice_at_hq(net, SFB_CLIENT, "HQ client VLAN")
    contoso_hq_hosts(net)
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    home_hosts(net, "192.168.1.20", "B", "frank@contoso.com, Skype for Business 2015 at home")
    home_user_links(net)
    return net


def home_user_links(net):
    """A call between contoso's LAN and a remote user at home behind a symmetric NAT that maps towards the A/V Edge's
    public port 3478: the latencies, the home NAT and the inside/outside firewall rules."""
    net.lat.update({("home", "dmz"): 14.0, ("corp", "corp"): 0.3})
    home_nat(net, "symmetric", dst=(CONTOSO_AV_EXT, 3478))
    net.rules = inside_outside_rules(net)


def inside_outside_rules(net):
    def rules(src, dst, dport, proto, t):
        zs, zd = net.zone(src), net.zone(dst)
        if zs == zd == "corp":
            return True
        if "corp" in (zs, zd):
            return False                 # corporate firewall: no direct traffic between clients and the outside
        if zd in ("home", "hotel"):
            return zs == zd              # private addresses are not routed
        if zd == "dmz":
            return dport in (3478, 443, 5060)   # contoso perimeter: only UDP 3478 / TCP 443 to the A/V Edge
        return True                      # the Internet; the NAT's filtering applies
    return rules


RULE_RTP_MS = 100       # one RTP packet per 100 ms per direction: keeps the rule-* files small


def thin_media(*agents):
    for a in agents:
        a.rtp_ms = RULE_RTP_MS


def first_rtp_frame(net):
    """The media_log entry of the first RTP packet that reached the capture."""
    return next(m for m in net.media_log if m["kind"] == "rtp" and m["frames"])
