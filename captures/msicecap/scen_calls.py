# SPDX-License-Identifier: GPL-2.0-or-later
"""Whole-call captures (call-*.pcap) on the call simulator: inside/inside, inside/outside,
outside/outside, federation, early media promotion, a failed call, TCP relay, raw relay data after
Set Active Destination, media rejected with ICMP, application sharing over TCP. Each also writes its
expected per-call report."""

import random

from .actors import (CONTOSO_ACCESS_EDGE, CONTOSO_AV_EXT, CONTOSO_AV_INT, CONTOSO_FE, FABRIKAM_ACCESS_EDGE,
    FABRIKAM_AV_EXT, FABRIKAM_AV_INT, FABRIKAM_FE, FABRIKAM_RELAYS, HOME_NAT, HOME_ROUTER_MAC, HOTEL_NAT,
    ROUTER_MAC)
from .call_ice import AppShareAgent
from .call_net import CallNet, cand_str
from .call_report import CallCapture, call_report, check_row, pair_key_text
from .call_setup import (ALICE, ALICE_IP, BOB, BOB_IP, ERIN, FRANK, GREG, HQ_BRANCH_POINT, LYNC2013_CLIENT,
    SFB_CLIENT, alice_at_hq, bob_at_hq, call_agents, call_answer_headers, call_invite_headers, callee_diag,
    contoso_hq_hosts, contoso_servers, home_hosts, home_nat, hotel_hosts, hotel_nat, hq_branch_call,
    hq_inside_call, inside_outside_net, inside_outside_rules, mras_answer, sip_leg, thin_media)
from .call_sip import CallFlow, SipCall, SipProxy
from .call_turn import AvEdge
from .net import TcpFlow
from .sdp import MediaKeys
from .sip import LOCATION_INTERNET, LOCATION_INTRANET


def capture_call_inside_inside():
    """call-inside-inside.pcap: two internal Lync 2013 clients, host UDP direct."""
    rng = random.Random("msice-call-inside-inside")
    point = ("a span port on contoso's HQ core switch that sees both client VLANs (10.10.20.0/24, "
             "10.10.40.0/24), the Front End and the A/V Edge's intranet interface; every packet once")
    cap = CallCapture(
        "call-inside-inside.pcap", "Whole call: two internal clients, host UDP direct",
        "Alice (10.10.20.31) calls Bob (10.10.40.52), both Lync 2013 clients on contoso's HQ LAN. Both fetch MRAS "
        "credentials (location intranet) and allocate relays on the A/V Edge's intranet interface 10.10.1.5:3478 "
        "(relayed addresses on the public interface 203.0.113.10). INVITE / 183 / 180 / 200 / ACK through the Front "
        "End (both legs captured); the host↔host check succeeds at once, the checks towards and from the relayed "
        "addresses do not (the internal firewall keeps clients off the Edge's public interface) except relay↔relay, "
        "which the Edge hair-pins. Alice nominates host↔host; media flows host↔host from the first packet; "
        "re-INVITE with a=remote-candidates naming Bob's host candidates; BYE; allocations released.", point)
    _, _, _, _, flow = hq_inside_call(cap, rng, LYNC2013_CLIENT, ("msice-call-ii-alice", "msice-call-ii-bob"),
                                       t_media_end=6.0, t_bye=6.043)
    flow.cfg["ok_headers"] = []
    _diag_200(flow, 2, 2)
    flow.start()
    cap.report = call_report(flow, point, "final path **host UDP direct** — A host 10.10.20.31:21346/21347 ↔ B host "
                             "10.10.40.52:30112/30113, nominated at once, media direct from the first packet, no "
                             "promotion.", ("host", "host", "UDP"))
    return cap


def _diag_200(flow, local_loc, remote_loc, federation=0):
    """Put the callee's ms-client-diagnostics 51007 in its 200 OK (built when the 200 is sent)."""
    send_200 = flow.send_200

    def patched():
        flow.cfg["ok_headers"] = [("ms-client-diagnostics", callee_diag(flow, local_loc, remote_loc, federation))]
        flow.cfg["ok_note"] = "; ms-client-diagnostics 51007 (Callee media connectivity diagnosis info)"
        send_200()
    flow.send_200 = patched


def capture_call_inside_outside():
    """call-inside-outside.pcap: internal caller, remote callee behind a symmetric NAT; relay↔relay."""
    rng = random.Random("msice-call-inside-outside")
    point = ("two capture points merged by time: a span port on contoso's HQ core switch (Alice's VLAN, the Front "
             "End, the A/V Edge's intranet interface) and Frank's home PC NIC (192.168.1.20, before his NAT); "
             "frames are tagged [HQ span] or [Frank's NIC]; a datagram that crosses both appears twice")
    cap = CallCapture(
        "call-inside-outside.pcap", "Whole call: internal caller, remote callee at home — relay UDP via the Edge",
        "Alice (SfB 2015, 10.10.20.31, HQ) calls Frank (SfB 2015, at home 192.168.1.20 behind a symmetric NAT "
        "192.0.2.77). Alice talks MS-TURN to the Edge's intranet interface 10.10.1.5; Frank resolves av.contoso.com "
        "and talks to the public interface 203.0.113.10 (Allocate answered with srflx 192.0.2.77 and relayed "
        "203.0.113.10:5xxxx). Host checks fail (private addresses), Alice's direct checks are stopped by the corporate "
        "firewall, Frank's direct checks to Alice's relayed address by contoso's perimeter (only 3478/443 open), "
        "Alice's relayed checks to Frank's srflx by his symmetric NAT; relay↔relay succeeds (the Edge hair-pins "
        "between the two allocations). Media: Send Requests, then Set Active Destination and multiplexed TURN "
        "(0xFF10) on both legs.", point)
    net = inside_outside_net(cap, rng)
    alice, frank, A, B = call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-call-io-alice"),
                                      (FRANK, "192.168.1.20", "msice-call-io-frank"))
    edge, fe, ae = contoso_servers(net, rng, access_edge=True)
    legs = {"A": sip_leg(net, rng, A, 52318, CONTOSO_FE),
            "B": sip_leg(net, rng, B, 50320, CONTOSO_ACCESS_EDGE, nat=HOME_NAT)}
    call = SipCall(net, rng, legs, [fe, ae], 22.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.061, mras_A=mras_answer("intranet", 41),
        mras_B=mras_answer("internet", 63), t_call=0.352,
        gather_A=dict(edge=edge, server=CONTOSO_AV_INT, ports=(22150, 22151), relay_ports=(51240, 58016)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_EXT, ports=(9610, 9611), relay_ports=(54630, 52296),
                      dns=("home", "192.168.1.1", "av.contoso.com", CONTOSO_AV_EXT)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers=call_answer_headers(frank, LOCATION_INTERNET), t_answer=2.214, t_media_end=4.9, t_bye=4.961,
        bye_side="B")
    _diag_200(flow, 1, 2)
    flow.start()
    cap.report = call_report(flow, point, "final path **relay UDP via the Edge** — A relay 203.0.113.10:51240 ↔ B relay "
                             "203.0.113.10:54630 (both allocations on the same A/V Edge, which hair-pins between them); "
                             "A reaches it through the intranet interface, B through the public one.",
                             ("relay", "relay", "UDP"))
    return cap


def capture_call_outside_outside():
    """call-outside-outside.pcap: two remote users behind cone NATs; early media relay, promoted to srflx."""
    rng = random.Random("msice-call-outside-outside")
    point = ("two capture points merged by time: Frank's home PC NIC (192.168.1.20) and Erin's laptop NIC in a "
             "hotel (192.168.0.15); frames are tagged [Frank's NIC] or [Erin's NIC]; a datagram that crosses both "
             "appears twice (as sent, before the sender's NAT; as received, after the receiver's NAT)")
    cap = CallCapture(
        "call-outside-outside.pcap", "Whole call: two remote users — early media via the Edge, promoted to srflx",
        "Frank (home, 192.168.1.20 behind NAT 192.0.2.77) calls Erin (hotel, 192.168.0.15 behind NAT 198.51.100.77); "
        "both are remote SfB 2015 users using contoso's Access Edge and the A/V Edge's public interface. Both NATs "
        "are address-restricted cones. Each client advertises its relay UDP candidate as default (c=/m=), so Erin's "
        "early media (from right after her 183) and Frank's media (from the 200 OK) go relay↔relay through the Edge "
        "(Send Requests, then Set Active Destination and 0xFF10). The "
        "host checks fail (private addresses of other networks); Erin's first srflx check is dropped by Frank's NAT, "
        "Frank's srflx check passes Erin's NAT (she has sent to his address by then) and so does Erin's "
        "retransmission: srflx↔srflx succeeds. Frank nominates it once the higher-priority host↔host pair has "
        "failed, and media moves to the srflx pair (promotion). re-INVITE with a=remote-candidates naming Erin's "
        "srflx candidates.", point)
    net = CallNet(cap, rng, {"home": ("Frank's NIC", HOME_ROUTER_MAC), "hotel": ("Erin's NIC", "00:0d:b9:44:12:9a")})
    home_hosts(net, "192.168.1.20", "A", "frank@contoso.com, Skype for Business 2015 at home")
    hotel_hosts(net, "192.168.0.15", "B", "erin@contoso.com, Skype for Business 2015 in a hotel")
    net.register(CONTOSO_AV_EXT, "dmz", "X", None,
                 role="A/V Edge av.contoso.com, public interface: MS-TURN, relayed addresses")
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    net.lat.update({("home", "dmz"): 14.0, ("hotel", "dmz"): 22.0, ("home", "hotel"): 29.0})
    home_nat(net, "address")
    hotel_nat(net)
    net.rules = inside_outside_rules(net)
    frank, erin, A, B = call_agents(net, rng, SFB_CLIENT, (FRANK, "192.168.1.20", "msice-call-oo-frank"),
                                     (ERIN, "192.168.0.15", "msice-call-oo-erin"))
    edge, fe, ae = contoso_servers(net, rng, access_edge=True)
    legs = {"A": sip_leg(net, rng, A, 50320, CONTOSO_ACCESS_EDGE, nat=HOME_NAT),
            "B": sip_leg(net, rng, B, 51022, CONTOSO_ACCESS_EDGE, nat=HOTEL_NAT)}
    ae_out = SipProxy(rng, "sip.contoso.com", CONTOSO_ACCESS_EDGE)      # the request crosses the Access Edge twice
    call = SipCall(net, rng, legs, [ae, fe, ae_out], 44.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.047, mras_A=mras_answer("internet", 58),
        mras_B=mras_answer("internet", 71), t_call=0.301,
        gather_A=dict(edge=edge, server=CONTOSO_AV_EXT, ports=(9610, 9611), relay_ports=(54630, 52296),
                      dns=("home", "192.168.1.1", "av.contoso.com", CONTOSO_AV_EXT)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_EXT, ports=(7180, 7181), relay_ports=(55012, 57478),
                      dns=("hotel", "192.168.0.1", "av.contoso.com", CONTOSO_AV_EXT)),
        invite_headers=call_invite_headers(rng, frank, LOCATION_INTERNET, "192.168.1.0"),
        answer_headers=call_answer_headers(erin, LOCATION_INTERNET), early_media=(None, 0.104),
        t_answer=1.216, t_media_end=4.05, t_bye=4.113)
    flow.start()
    cap.report = call_report(flow, point, "final path **server-reflexive** — A srflx 192.0.2.77:38402 ↔ B srflx "
                             "198.51.100.77:41822 (direct through both NATs); early media went relay↔relay via the "
                             "Edge until the promotion.", ("srflx", "srflx", "UDP"))
    return cap


def capture_call_federation():
    """call-federation.pcap: contoso ↔ fabrikam, each client on its own Edge; relay↔relay via two Edges."""
    rng = random.Random("msice-call-federation")
    point = ("two capture points merged by time: a span port on contoso's HQ core switch (Alice, contoso's Front "
             "End and A/V Edge intranet interface) and Greg's PC NIC at fabrikam (172.16.30.25); frames are tagged "
             "[contoso span] or [Greg's NIC]; the Edge-to-Edge leg on the Internet is in neither")
    cap = CallCapture(
        "call-federation.pcap", "Whole call: federation contoso.com ↔ fabrikam.com — relay↔relay via two Edges",
        "Alice (alice@contoso.com, 10.10.20.31) calls Greg (greg@fabrikam.com, 172.16.30.25); both are internal in "
        "their own company and allocate on their own A/V Edge's intranet interface (contoso 10.10.1.5 → relayed on "
        "203.0.113.10; fabrikam 172.16.1.5 → relayed on 198.51.100.10). SIP goes A → contoso FE → contoso Access "
        "Edge → fabrikam Access Edge → fabrikam FE → B (Greg's leg carries the federation trust header and five "
        "Vias). "
        "Host and direct checks fail (private addresses, corporate firewalls); relay↔relay works: each Edge sends "
        "from its relayed address to the other Edge's relayed address (the two Edges' firewalls allow UDP between "
        "them). ms-client-diagnostics in the 200 OK says FederationType=1.", point)
    net = CallNet(cap, rng, {"hq": ("contoso span", ROUTER_MAC), "fab": ("Greg's NIC", "00:0c:29:5f:01:01")})
    alice_at_hq(net, SFB_CLIENT, "contoso HQ")
    contoso_hq_hosts(net)
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="contoso Access Edge sip.contoso.com")
    net.register("172.16.30.25", "fab", "B", "fab", "00:50:56:a3:30:19",
                 role="greg@fabrikam.com, Skype for Business 2015 (fabrikam LAN)")
    net.register(FABRIKAM_FE, "fab", "G", None, role="fabrikam Front End fe01.fabrikam.com (SIP, MRAS)")
    net.register(FABRIKAM_AV_INT, "fab", "Y", None, role="fabrikam A/V Edge, intranet interface (MS-TURN UDP 3478)")
    net.register(FABRIKAM_AV_EXT, "dmz2", "Z", None, role="fabrikam A/V Edge av.fabrikam.com, public interface")
    net.register(FABRIKAM_ACCESS_EDGE, "dmz2", "AF", None, role="fabrikam Access Edge sip.fabrikam.com")
    net.lat.update({("dmz", "dmz2"): 12.0, ("fab", "fab"): 0.4})
    net.far_ttl = {"fab": 127}

    def rules(src, dst, dport, proto, t):
        zs, zd = net.zone(src), net.zone(dst)
        if zs == zd and zs in ("corp", "fab"):
            return True
        if zs in ("corp", "fab") or zd in ("corp", "fab"):
            return False                 # corporate firewalls; Edge public interfaces cannot reach inside
        return zs in ("dmz", "dmz2") and zd in ("dmz", "dmz2")   # Edge ↔ Edge (federation)
    net.rules = rules
    alice, greg, A, B = call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-call-fed-alice"),
                                     (GREG, "172.16.30.25", "msice-call-fed-greg"))
    e1 = AvEdge(net, "contoso", CONTOSO_AV_INT, CONTOSO_AV_EXT)
    e2 = AvEdge(net, "fabrikam", FABRIKAM_AV_INT, FABRIKAM_AV_EXT)
    proxies = [SipProxy(rng, "fe01.contoso.com", CONTOSO_FE), SipProxy(rng, "sip.contoso.com", CONTOSO_ACCESS_EDGE),
               SipProxy(rng, "sip.fabrikam.com", FABRIKAM_ACCESS_EDGE), SipProxy(rng, "fe01.fabrikam.com", FABRIKAM_FE)]
    legs = {"A": sip_leg(net, rng, A, 52320, CONTOSO_FE), "B": sip_leg(net, rng, B, 49822, FABRIKAM_FE)}
    trust = [("ms-edge-proxy-message-trust", "ms-source-type=DirectPartner;ms-ep-fqdn=sip.contoso.com;"
              "ms-source-network=federation;ms-source-verified-user=verified")]
    call = SipCall(net, rng, legs, proxies, 31.0, b_leg_headers=trust)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.083, mras_A=mras_answer("intranet", 41),
        mras_B=dict(location="intranet", relays=FABRIKAM_RELAYS, rtt_ms=37), t_call=0.366,
        gather_A=dict(edge=e1, server=CONTOSO_AV_INT, ports=(22170, 22171), relay_ports=(50716, 56304)),
        gather_B=dict(edge=e2, server=FABRIKAM_AV_INT, ports=(14880, 14881), relay_ports=(57120, 53008)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers=call_answer_headers(greg, LOCATION_INTRANET), t_answer=2.305, t_media_end=4.95, t_bye=5.02)
    _diag_200(flow, 2, 2, federation=1)
    flow.start()
    cap.report = call_report(flow, point, "final path **relay↔relay via two Edges** — A relay 203.0.113.10:50716 "
                             "(contoso Edge) ↔ B relay 198.51.100.10:57120 (fabrikam Edge); media crosses the Internet "
                             "between the two Edges' public interfaces.", ("relay", "relay", "UDP"))
    return cap


def capture_call_early_media_promotion():
    """call-early-media-promotion.pcap: HQ ↔ branch; early media relay, host pair later, promotion."""
    rng = random.Random("msice-call-early-media")
    point = HQ_BRANCH_POINT
    cap = CallCapture(
        "call-early-media-promotion.pcap", "Whole call: early media on relay UDP, promoted to host UDP",
        "Alice (HQ, 10.10.20.31) calls Bob (branch office, 10.20.8.15, behind a site-to-site IPsec VPN); both SfB "
        "2015, both internal, both allocate on the Edge's intranet interface. The VPN's security association for "
        "the two client subnets is negotiated on demand and drops packets until it is up (at 4.45 s); the one for "
        "the HQ server subnet (Front End, Edge) is up. So relay↔relay (hair-pinned in the Edge) succeeds at once and "
        "carries early media from the 183 on (both clients' default candidates are their relay candidates), while "
        "the host↔host checks go unanswered until the tunnel is up: Alice's last retransmission gets through, "
        "host↔host succeeds, Alice nominates it at once (best pair) and media moves to it (promotion). re-INVITE "
        "with a=remote-candidates naming Bob's host candidates.", point)
    _, _, _, _, flow = hq_branch_call(cap, rng, ("msice-call-em-alice", "msice-call-em-bob"), tunnel_up=4.450,
                                       t_media_end=6.55, t_bye=6.612)
    flow.start()
    cap.report = call_report(flow, point, "final path **host UDP direct** — A host 10.10.20.31:22190 ↔ B host "
                             "10.20.8.15:17410, after early media relay↔relay via the Edge and one promotion.",
                             ("host", "host", "UDP"))
    return cap


def capture_call_failed():
    """call-failed.pcap: internal caller refused a relay, remote callee; every check fails; BYE with 23."""
    rng = random.Random("msice-call-failed")
    point = ("two capture points merged by time: a span port on contoso's HQ core switch (Alice's VLAN, the Front "
             "End, the A/V Edge's intranet interface) and Frank's home PC NIC (192.168.1.20); frames are tagged "
             "[HQ span] or [Frank's NIC]")
    cap = CallCapture(
        "call-failed.pcap", "Whole call that fails: no media path (ms-client-diagnostics 23)",
        "Alice (HQ, 10.10.20.31) calls Frank (home, 192.168.1.20 behind an address-restricted NAT 192.0.2.77). The "
        "Edge refuses every allocation of Alice's (UDP components 1 and 2 and TCP 443: Allocate Error 486 Allocation "
        "Quota Reached after the 401 challenge), so Alice offers only host candidates. Frank gets srflx and relay "
        "candidates. Every check fails without a response: Alice's direct checks are stopped by the corporate "
        "firewall, Frank's by the private addresses and by the Edge's public interface, which cannot reach internal "
        "hosts. Nobody answers the call; when every check has failed Alice ends the early dialog with a BYE carrying "
        "ms-client-diagnostics 23 (\"… one endpoint is internal and the other is remote\", ICEWarn 0xea); 200 OK to "
        "the BYE, 487 to the INVITE, ACK. No RTP.", point)
    net = CallNet(cap, rng, {"hq": ("HQ span", ROUTER_MAC), "home": ("Frank's NIC", HOME_ROUTER_MAC)})
    alice_at_hq(net, SFB_CLIENT, "HQ client VLAN")
    contoso_hq_hosts(net)
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    home_hosts(net, "192.168.1.20", "B", "frank@contoso.com, Skype for Business 2015 at home")
    net.lat.update({("home", "dmz"): 14.0})
    home_nat(net, "address")
    net.rules = inside_outside_rules(net)
    alice, frank, A, B = call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-call-f-alice"),
                                      (FRANK, "192.168.1.20", "msice-call-f-frank"))
    edge, fe, ae = contoso_servers(net, rng, access_edge=True)
    legs = {"A": sip_leg(net, rng, A, 52324, CONTOSO_FE),
            "B": sip_leg(net, rng, B, 50326, CONTOSO_ACCESS_EDGE, nat=HOME_NAT)}
    call = SipCall(net, rng, legs, [fe, ae], 22.0)
    refused = ("error", 486, "Allocation Quota Reached")

    def diag(flow):
        bs = flow.B.cand(5, 1)
        br = flow.B.cand(7, 1)
        ah = flow.A.cand(1, 1)
        return ("23;reason=\"Call failed to establish due to a media connectivity failure when one endpoint is internal "
                f"and the other is remote\";CallerMediaDebug=\"audio:ICEWarn=0xea,LocalSite={ah.address}:{ah.port},"
                f"RemoteSite={bs.address}:{bs.port},RemoteMR={br.address}:{br.port},PortRange=1025:65000,"
                "LocalLocation=2,RemoteLocation=1,FederationType=0\"")
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.061, mras_A=mras_answer("intranet", 41),
        mras_B=mras_answer("internet", 63), t_call=0.352,
        gather_A=dict(edge=edge, server=CONTOSO_AV_INT, ports=(22210, 22211), relay_ports=(50002, 50004),
                      outcomes={1: refused, 2: refused},
                      tcp=dict(server_ip=CONTOSO_AV_INT, cport=50410, relay_port=50006,
                               reflexive=("10.10.20.31", 50410), outcome=refused, rtt_ms=0.6)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_EXT, ports=(9610, 9611), relay_ports=(54630, 52296),
                      dns=("home", "192.168.1.1", "av.contoso.com", CONTOSO_AV_EXT)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers=call_answer_headers(frank, LOCATION_INTERNET), failed=True, fail_bye_ms=420)
    flow.cfg["fail_diag"] = None
    failed_bye = flow.failed_bye

    def bye_with_diag():
        flow.cfg["fail_diag"] = diag(flow)
        failed_bye()
    flow.failed_bye = bye_with_diag
    flow.start()
    cap.report = call_report(flow, point, "**no media path** — every check failed (no response), Alice had no relay "
                             "(Allocate Error 486 on UDP and TCP); the call ended in the early dialog with "
                             "ms-client-diagnostics 23 (media connectivity failure, one endpoint internal, one "
                             "remote).", None)
    return cap


def capture_call_tcp_relay():
    """call-tcp-relay.pcap: remote caller whose network blocks UDP; relay TCP via the Edge."""
    rng = random.Random("msice-call-tcp-relay")
    point = ("two capture points merged by time: Erin's laptop NIC in a hotel (192.168.0.15) and a span port on "
             "contoso's HQ core switch (Bob's VLAN, the Front End, the A/V Edge's intranet interface); frames are "
             "tagged [Erin's NIC] or [HQ span]")
    cap = CallCapture(
        "call-tcp-relay.pcap", "Whole call: UDP blocked — relay TCP (last resort)",
        "Erin (remote, hotel 192.168.0.15 behind NAT 198.51.100.77) calls Bob (internal, 10.10.40.52). The hotel "
        "network lets only TCP 80/443 (and DNS to its resolver) out: Erin's UDP Allocates to 203.0.113.10:3478 are "
        "never answered (four transmissions 650 ms apart per socket), her TCP 443 allocation (pseudo-TLS, framed "
        "MS-TURN) works and gives a TCP relayed address and a TCP srflx. She offers host UDP, srflx TCP-ACT and "
        "relay TCP-PASS/TCP-ACT; Bob offers host UDP, relay UDP and relay TCP-PASS/TCP-ACT (UDP and TCP allocations "
        "on the intranet interface). UDP checks and Erin's direct TCP check (SYN to Bob's relayed TCP port) fail; "
        "relay TCP-ACT ↔ relay TCP-PASS succeeds in both directions (the Edge hair-pins between the two TCP "
        "allocations). After nomination both set the active destination and media flows in 0x03 data frames "
        "(RFC 4571-framed RTP) on both TCP connections.", point)
    net = CallNet(cap, rng, {"hotel": ("Erin's NIC", "00:0d:b9:44:12:9a"), "hq": ("HQ span", ROUTER_MAC)})
    hotel_hosts(net, "192.168.0.15", "A", "erin@contoso.com, Skype for Business 2015 in a hotel (UDP blocked)")
    bob_at_hq(net, SFB_CLIENT, "HQ client VLAN 10.10.40.0/24")
    contoso_hq_hosts(net)
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    net.lat.update({("hotel", "dmz"): 22.0})
    hotel_nat(net)
    base_rules = inside_outside_rules(net)

    def rules(src, dst, dport, proto, t):
        if net.zone(src) == "hotel-pub":        # the hotel firewall: only TCP 80/443 out
            return proto == "tcp" and dport in (80, 443)
        return base_rules(src, dst, dport, proto, t)
    net.rules = rules
    erin, bob, A, B = call_agents(net, rng, SFB_CLIENT, (ERIN, "192.168.0.15", "msice-call-tcp-erin"),
                                   (BOB, BOB_IP, "msice-call-tcp-bob"))
    A.tcp_check_port = 50414
    edge, fe, ae = contoso_servers(net, rng, access_edge=True)
    legs = {"A": sip_leg(net, rng, A, 51022, CONTOSO_ACCESS_EDGE, nat=HOTEL_NAT),
            "B": sip_leg(net, rng, B, 50874, CONTOSO_FE)}
    call = SipCall(net, rng, legs, [ae, fe], 24.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.054, mras_A=mras_answer("internet", 71),
        mras_B=mras_answer("intranet", 41), t_call=0.318,
        gather_A=dict(edge=edge, server=CONTOSO_AV_EXT, ports=(7180, 7181), relay_ports=(50001, 50003),
                      outcomes={1: "unanswered", 2: "unanswered"},
                      tcp=dict(server_ip=CONTOSO_AV_EXT, cport=50310, relay_port=50931,
                               reflexive=(HOTEL_NAT, 61577), rtt_ms=44.0),
                      dns=("hotel", "192.168.0.1", "av.contoso.com", CONTOSO_AV_EXT)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_INT, ports=(30112, 30113), relay_ports=(53622, 51904),
                      tcp=dict(server_ip=CONTOSO_AV_INT, cport=50288, relay_port=50933,
                               reflexive=("10.10.40.52", 50288), rtt_ms=0.6)),
        invite_headers=call_invite_headers(rng, erin, LOCATION_INTERNET, "192.168.0.0"),
        answer_headers=call_answer_headers(bob, LOCATION_INTRANET), t_answer=6.604, t_media_end=9.1, t_bye=9.163)
    flow.start()
    cap.report = call_report(flow, point, "final path **relay TCP (last resort)** — A relay TCP-ACT 203.0.113.10:50931 "
                             "↔ B relay TCP-PASS 203.0.113.10:50933, both over MS-TURN on TCP (Erin: pseudo-TLS on "
                             "the public interface's port 443; Bob: TCP 443 on the intranet interface), hair-pinned in "
                             "the Edge; no UDP path exists because the hotel blocks UDP.", ("relay", "relay", "TCP"))
    return cap


def _rtp_on(net, sender, key_types):
    """The media_log RTP entries of `sender` on a pair whose (A, B) candidate types are `key_types`."""
    return [m for m in net.media_log if m["kind"] == "rtp" and m["sender"] == sender and m["frames"]
            and (m["key"][0].typ, m["key"][1].typ) == key_types]


def capture_call_relay_active_destination():
    """call-relay-active-destination.pcap: Lync 2013 relay media as plain datagrams after Set Active
    Destination (both directions), then promotion to host."""
    rng = random.Random("msice-call-relay-active-destination")
    point = HQ_BRANCH_POINT
    cap = CallCapture(
        "call-relay-active-destination.pcap",
        "Whole call: relay media without TURN header after Set Active Destination (Lync 2013), then promotion",
        "The network of call-early-media-promotion with Lync 2013 clients (MS-Version 4, no multiplexed TURN): "
        "Alice (HQ, 10.10.20.31) calls Bob (branch office, 10.20.8.15, behind a site-to-site VPN whose security "
        "association for the client subnets comes up on demand at 4.45 s). relay↔relay (hair-pinned in the Edge) "
        "works at once and carries early media. Each client sends Set Active Destination for the peer's relayed "
        "address before its first relayed media packet; from the Set Active Destination Response on, media to and "
        "from the active destination travels as the plain RTP/RTCP datagram on the allocation's 5-tuple (client "
        "socket ↔ Edge intranet interface 10.10.1.5:3478), with no Send Request, Data Indication or 0xFF10 header "
        "([MS-TURN] 3.2.4.5): in both directions, client → Edge and Edge → client. When the tunnel is up "
        "host↔host succeeds, Alice nominates it and media moves to it (promotion). Both SIP legs send messages "
        "longer than 1460 bytes in MSS-sized TCP segments (the SDP bodies cross a segment boundary).", point)
    net, A, B, call, flow = hq_branch_call(cap, rng, ("msice-call-rad-alice", "msice-call-rad-bob"),
                                            tunnel_up=4.450, client=LYNC2013_CLIENT, t_media_end=6.55, t_bye=6.612)
    for leg in call.legs.values():
        leg.mss = 1460
    flow.start()
    raw = [(i, fr[3]) for i, fr in enumerate(cap.frames, 1) if "(active destination)" in fr[3]]
    assert any("raw to Edge" in w for _, w in raw) and any("raw from Edge" in w for _, w in raw)
    first_raw_out = next(i for i, w in raw if "raw to Edge" in w)
    first_raw_in = next(i for i, w in raw if "raw from Edge" in w)
    first_rtp_in = next(i for i, w in raw if "raw from Edge" in w and ": RTP " in w)
    promo = [m for m in net.media_log if m["kind"] == "rtp" and m["frames"] and m["key"][0].typ == "host"]
    cap.triggers = [
        f"- Frames {first_raw_out} (client → Edge) and {first_raw_in} (Edge → client) are the first datagrams "
        "without TURN header after the Set Active Destination Responses (RTP, RTCP and relayed checks; first RTP "
        f"Edge → client in frame {first_rtp_in}): relayed data of the relay↔relay pair (`msturn.active_destination`, "
        "Info `Data to active destination …` / `Data from active destination …`), not a direct path to the Edge's "
        "port 3478: the early-media path stays relay UDP and no prflx 10.10.1.5:3478 candidate appears.",
        f"- `msice.expert.promotion` (note) at frame {promo[0]['frames'][0]}: the first RTP on host↔host (the "
        "promotion relay UDP → host), and no other promotion.",
        "- Also expected: `msice.expert.relay_udp_only` (note) at each party's first SDP "
        f"(frames {flow.sdp_frames['A'][0]} and {flow.sdp_frames['B'][0]}, the segments that complete the "
        "messages). No other msice.expert.* finding (no relay_despite_direct: media leaves the relay)."]
    cap.report = call_report(flow, point, "final path **host UDP direct** — A host 10.10.20.31:22190 ↔ B host "
                             "10.20.8.15:17410, after early media relay↔relay via the Edge (plain datagrams after "
                             "Set Active Destination) and one promotion.", ("host", "host", "UDP"))
    return cap


def capture_call_media_rejected():
    """call-media-rejected.pcap: the callee's client ends mid-call; its PC answers the caller's RTP with
    ICMP port unreachable (quoting the whole datagram), rate-limited; the capture ends before any BYE."""
    rng = random.Random("msice-call-media-rejected")
    point = ("a span port on contoso's HQ core switch that sees both client VLANs (10.10.20.0/24, "
             "10.10.40.0/24), the Front End and the A/V Edge's intranet interface; every packet once")
    t_crash = 4.200
    cap = CallCapture(
        "call-media-rejected.pcap", "Whole call: the callee's media port closes mid-call — ICMP port unreachable",
        "An inside call like call-inside-inside (Alice 10.10.20.31 calls Bob 10.10.40.52, SfB 2015, host↔host "
        f"from the first packet, re-INVITE). At {t_crash:.3f} s Bob's client process ends (a crash: the cause is a "
        "choice): its TCP connection to the Front End is reset, its media stops and its UDP sockets close. Alice's "
        "client does not notice and keeps sending RTP to 10.10.40.52:30112; Bob's PC answers with ICMP destination "
        "unreachable, port unreachable, quoting the IP header and the whole UDP datagram (the RTP header and its "
        "payload). Bob's stack limits ICMP errors to a burst of 6, then one per second, so most of Alice's RTP "
        "gets no answer. The capture stops 2.3 s later, before anyone hangs up (no BYE, allocations not "
        "released).", point)
    net, A, B, call, flow = hq_inside_call(cap, rng, SFB_CLIENT, ("msice-call-mr-alice", "msice-call-mr-bob"),
                                            t_media_end=6.5, t_media_end_B=t_crash, t_bye=None)

    def crash():
        for comp in (1, 2):
            net.close_port(B.ip, B.sockets[comp], net.t)
        call.legs["B"].tcp.reset(TcpFlow.C, net.tag("hq", "TCP RST (Bob's client process ended)"),
                                 "Bob's side resets its SIP connection to the Front End: the client is gone")
    net.at(t_crash + 0.0005, crash)
    flow.start()
    icmp = net.icmp_log
    assert len(icmp) == 8 and all(x["port"] == B.sockets[1] for x in icmp), icmp
    rtp_a = [m for m in net.media_log if m["kind"] == "rtp" and m["sender"] == "A" and m["frames"]]
    rtp_b = [m for m in net.media_log if m["kind"] == "rtp" and m["sender"] == "B" and m["frames"]]
    after = [m for m in rtp_a if m["t"] > t_crash]
    cap.triggers = [
        f"- `msice.expert.media_rejected` (warning) at frame {icmp[0]['frame']}, the first ICMP port unreachable "
        f"(quoting Alice's RTP of frame {icmp[0]['quoted']}): \"B 10.10.40.52:30112 rejects A's audio: ICMP port "
        f"unreachable, {len(icmp)} errors from frame {icmp[0]['frame']}\". The ICMP errors are frames "
        + ", ".join(str(x["frame"]) for x in icmp) + f"; {len(after)} RTP packets of Alice's reach the closed port "
        "after the crash, only those get an answer.",
        f"- No ICMP error counts as media: the final path host↔host has {len(rtp_a) + len(rtp_b)} RTP packets "
        f"({len(rtp_a)} from A, {len(rtp_b)} from B; RTCP goes on the component-2 pair), the last in frame "
        f"{rtp_a[-1]['frames'][-1]} (Alice's last RTP), not an ICMP frame.",
        "- Also expected: `msice.expert.relay_udp_only` (note) at each party's first SDP "
        f"(frames {flow.sdp_frames['A'][0]} and {flow.sdp_frames['B'][0]}). No other msice.expert.* finding: no "
        "promotion, no no_reinvite (the re-INVITE came), no all_checks_failed."]
    cap.report = call_report(flow, point, "final path **host UDP direct** — A host 10.10.20.31:21346 ↔ B host "
                             "10.10.40.52:30112; from 4.2 s Bob's PC rejects Alice's media (ICMP port unreachable): "
                             "one-way audio, then nothing.", ("host", "host", "UDP"))
    return cap


def _share_report(flow, share):
    """Markdown lines: the application sharing line of a call (candidates, checks, nomination, media)."""
    AS, BS = share["A"], share["B"]
    out = ["#### Application sharing line (m=applicationsharing)", "",
           "| side | foundation | comp | transport | type | address:port | related | priority |",
           "|---|---|---|---|---|---|---|---|"]
    for side, ag in (("A", AS), ("B", BS)):
        for c in ag.media.cands:
            rel = f"{c.raddr}:{c.rport}" if c.raddr else "—"
            out.append(f"| {side} | {c.foundation} | {c.component} | {c.transport} | {c.typ} | {c.address}:{c.port} | "
                       f"{rel} | {c.priority} |")
    out += ["", f"- ice-ufrag A `{AS.media.ufrag}` / ice-pwd `{AS.media.pwd}`; B `{BS.media.ufrag}` / "
                f"`{BS.media.pwd}`",
            "- TURN allocations over TCP: " + "; ".join(
                f"{ag.key[0]} {ag.tcp_alloc.sock[0]}:{ag.tcp_alloc.sock[1]} → {ag.tcp_alloc.server[0]}:443: "
                f"{ag.tcp_alloc.result}, relayed {ag.tcp_alloc.relayed[0]}:{ag.tcp_alloc.relayed[1]}, reflexive "
                f"{ag.tcp_alloc.reflexive[0]}:{ag.tcp_alloc.reflexive[1]} (frames "
                f"{', '.join(str(n) for n in ag.tcp_alloc.frames[:6])}, …)" for ag in (AS, BS)),
            "", "| check | side | kind | comp | local candidate | remote candidate | transport | started | "
                "request frames | response frames | result |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for txn in sorted(AS.checks + BS.checks, key=lambda x: (x.t0, x.id)):
        out.append(check_row(txn))
    out.append("")
    for side, ag in (("A", AS), ("B", BS)):
        if 1 in ag.nominated:
            p, txn, t = ag.nominated[1]
            out.append(f"- {side} nominated at {t:.3f}: {cand_str(p.valid_local or p.local)} ↔ {cand_str(p.remote)}")
    for side, ag in (("A", AS), ("B", BS)):
        log = [m for m in ag.share_log if m["frames"]]
        if log:
            out.append(f"- sharing RTP {side}→: {len(log)} packets, first frame {log[0]['frames'][0]} at "
                       f"{log[0]['t']:.3f}, last frame {log[-1]['frames'][-1]}, on {pair_key_text(log[0]['key'])}")
    out += ["", "**Verdict (application sharing):** " + share["verdict"], ""]
    return out


def capture_call_appsharing_tcp():
    """call-appsharing-tcp.pcap: audio on relay UDP, application sharing on relay TCP (TCP by design)."""
    rng = random.Random("msice-call-appsharing-tcp")
    point = ("two capture points merged by time: a span port on contoso's HQ core switch (Alice's VLAN, the Front "
             "End, the A/V Edge's intranet interface) and Frank's home PC NIC (192.168.1.20, before his NAT); frames "
             "are tagged [HQ span] or [Frank's NIC]; a datagram that crosses both appears twice")
    cap = CallCapture(
        "call-appsharing-tcp.pcap",
        "Whole call: audio on relay UDP, desktop sharing on relay TCP (TCP by design, not the last resort)",
        "The network of call-inside-outside: Alice (SfB 2015, HQ 10.10.20.31) calls Frank (SfB 2015, at home "
        "192.168.1.20 behind a symmetric NAT 192.0.2.77) and shares her desktop in the same INVITE: m=audio and "
        "m=applicationsharing (TCP/RTP/AVP). Audio as in call-inside-outside: UDP allocations, relay↔relay UDP "
        "hair-pinned in the Edge, 0xFF10 frames after Set Active Destination. The sharing line runs over TCP by "
        "design: each client makes one MS-TURN allocation over TCP for it (Alice: TCP 443 on the intranet "
        "interface; Frank: pseudo-TLS on the public interface's 443) and offers host TCP-PASS and relay "
        "TCP-PASS / TCP-ACT candidates only, component 1 only. The sharing checks (in framed Send Requests and "
        "Data Indications) succeed relay TCP-ACT → relay TCP-PASS, the host TCP-PASS ones fail (private "
        "addresses, corporate firewall); Alice nominates the relay pair, both set the active destination and "
        "the RDP stream (RTP PT 127) flows in TCP 0x03 data frames. So the audio line offers relay UDP only and "
        "the sharing line relay TCP only, on each side: neither relay_udp_only nor relay_tcp_only applies, and "
        "the TCP relay of the sharing line is no `tcp_relay` (last resort) finding. Audio RTP is thinned to one "
        "packet per 100 ms per direction; Frank's SIP leg sends messages longer than 1460 bytes in two TCP "
        "segments.", point)
    net = inside_outside_net(cap, rng)
    alice, frank, A, B = call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-call-as-alice"),
                                      (FRANK, "192.168.1.20", "msice-call-as-frank"))
    thin_media(A, B)
    AS = AppShareAgent(net, "AS", alice, ALICE_IP, SFB_CLIENT.ms_version, True, A.creds, rng, 22154)
    BS = AppShareAgent(net, "BS", frank, "192.168.1.20", SFB_CLIENT.ms_version, False, B.creds, rng, 9614)
    AS.peer, BS.peer = BS, AS
    edge, fe, ae = contoso_servers(net, rng, access_edge=True)
    legs = {"A": sip_leg(net, rng, A, 52318, CONTOSO_FE),
            "B": sip_leg(net, rng, B, 50320, CONTOSO_ACCESS_EDGE, nat=HOME_NAT)}
    legs["B"].mss = 1460
    call = SipCall(net, rng, legs, [fe, ae], 22.0)
    share = dict(A=AS, B=BS, edge_A=edge, edge_B=edge, keys_A=MediaKeys(rng), keys_B=MediaKeys(rng),
                 tcp_A=dict(server_ip=CONTOSO_AV_INT, cport=50318, relay_port=50938, reflexive=(ALICE_IP, 50318),
                            rtt_ms=0.6),
                 tcp_B=dict(server_ip=CONTOSO_AV_EXT, cport=50612, relay_port=50940, reflexive=(HOME_NAT, 40990),
                            rtt_ms=30.0),
                 rtp_ms_A=50, rtp_ms_B=250, len_A=400, len_B=40, t_media_end=7.4,
                 verdict="final path **relay TCP** — A relay TCP-ACT 203.0.113.10:50938 ↔ B relay TCP-PASS "
                         "203.0.113.10:50940, hair-pinned in the Edge; application sharing runs over TCP by "
                         "design, so the TCP relay is its expected path, not the last resort.")
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.061, mras_A=mras_answer("intranet", 41),
        mras_B=mras_answer("internet", 63), t_call=0.352,
        gather_A=dict(edge=edge, server=CONTOSO_AV_INT, ports=(22150, 22151), relay_ports=(51240, 58016)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_EXT, ports=(9610, 9611), relay_ports=(54630, 52296),
                      dns=("home", "192.168.1.1", "av.contoso.com", CONTOSO_AV_EXT)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers=call_answer_headers(frank, LOCATION_INTERNET), t_answer=2.914, t_media_end=7.5, t_bye=7.561,
        bye_side="B", appshare=share)
    flow.start()
    assert AS.nominated_pair(1) is not None and BS.nominated_pair(1) is not None
    log = [m for m in AS.share_log if m["frames"]]
    assert log and all(m["key"][0].typ == "relay" and m["key"][1].typ == "relay" for m in log)
    cap.triggers = [
        "- No `msice.expert.relay_tcp_only`, no `msice.expert.relay_udp_only`, no `msice.expert.tcp_relay`: each "
        "client offers UDP relays for audio and TCP relays for application sharing (TCP by design); the sharing "
        f"line's media on the TCP relay (first sharing RTP in frame {log[0]['frames'][0]}) is its expected path. "
        "The report says so for the sharing line (`Transport: applicationsharing runs over TCP by design`) and "
        "ends its verdict with \"(TCP by design)\".",
        "- No msice.expert.* finding at all (no promotion: each line stays on its first path)."]
    cap.report = call_report(flow, point, "final path **relay UDP via the Edge** (audio) — A relay "
                             "203.0.113.10:51240 ↔ B relay 203.0.113.10:54630, hair-pinned in the Edge.",
                             ("relay", "relay", "UDP")) + _share_report(flow, share)
    return cap


CALL_SCENARIOS = [capture_call_inside_inside, capture_call_inside_outside, capture_call_outside_outside,
                  capture_call_federation, capture_call_early_media_promotion, capture_call_failed,
                  capture_call_tcp_relay, capture_call_relay_active_destination, capture_call_media_rejected,
                  capture_call_appsharing_tcp]
