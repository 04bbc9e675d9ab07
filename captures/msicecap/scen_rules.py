# SPDX-License-Identifier: GPL-2.0-or-later
"""Rule trigger captures (rule-*.pcap): small whole calls on the call simulator, each made so that one
troubleshooting rule of the per-call analyser fires (missing Edge credentials, a private Edge
address, rejected TURN credentials, relay despite a direct path, no re-INVITE), with RTP thinned."""

import random


from .actors import (CONTOSO_ACCESS_EDGE, CONTOSO_AV_EXT, CONTOSO_AV_INT, CONTOSO_FE, CONTOSO_INTERNET_RELAY,
    HOME_NAT, HOME_ROUTER_MAC, ROUTER_MAC)
from .call_net import CallNet
from .call_report import CallCapture, call_report
from .call_setup import (ALICE, ALICE_IP, BOB, BOB_IP, FRANK, HQ_BRANCH_POINT, SFB_CLIENT, alice_at_hq,
    bob_at_hq, call_agents, call_answer_headers, call_invite_headers, contoso_hq_hosts, contoso_servers,
    corp_only_rules, first_rtp_frame, home_hosts, home_nat, hq_branch_call, hq_inside_call,
    inside_outside_rules, mras_answer, sip_leg, thin_media)
from .call_sip import CallFlow, SipCall, SipProxy
from .call_turn import AvEdge
from .sip import LOCATION_INTERNET, LOCATION_INTRANET


def capture_rule_no_edge_credentials():
    """rule-no-edge-credentials.pcap: remote caller whose MRAS request fails; host candidates only."""
    rng = random.Random("msice-rule-no-edge-credentials")
    point = ("two capture points merged by time: Frank's laptop NIC on a conference-centre network (192.0.2.60, a "
             "public address, no NAT) and a span port on contoso's HQ core switch (Bob's VLAN, the Front End, the "
             "A/V Edge's intranet interface); frames are tagged [Frank's NIC] or [HQ span]")
    cap = CallCapture(
        "rule-no-edge-credentials.pcap", "Rule trigger: remote client without Edge credentials (MRAS Forbidden)",
        "Frank (remote, SfB 2015, location Internet) asks MRAS for A/V Edge credentials (location internet) and gets "
        "reasonPhrase \"Forbidden\" without a credentialsResponse (e.g. his external access policy does not allow "
        "remote A/V; the cause is a choice). Without credentials his client does not talk to the Edge at all: no "
        "Allocate, so no server-reflexive and no relay candidate; he offers only his host candidates. Bob (internal) "
        "gets credentials and offers host and relay UDP. This file shows the rule, not the usual outcome: Frank's "
        "laptop has a public address (192.0.2.60) and contoso's perimeter opens the Edge's relay port range "
        "(UDP 50000–59999) inbound, so Frank's host ↔ Bob's relay works (host↔host fails: corporate firewall) and "
        "media flows; behind a NAT, or with the port range closed, the call would have no media path at all. "
        "RTP is thinned to one packet per 100 ms per direction to keep the file small.", point)
    net = CallNet(cap, rng, {"guest": ("Frank's NIC", "00:1a:2b:3c:4d:5e"), "hq": ("HQ span", ROUTER_MAC)})
    net.register("192.0.2.60", "guest", "A", "guest", "5c:e0:c5:1d:7a:30",
                 role="frank@contoso.com, Skype for Business 2015 on a conference-centre network (public address)")
    bob_at_hq(net, SFB_CLIENT, "HQ client VLAN 10.10.40.0/24")
    contoso_hq_hosts(net)
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    net.lat.update({("guest", "dmz"): 12.0})

    def rules(src, dst, dport, proto, t):
        zs, zd = net.zone(src), net.zone(dst)
        if zs == zd == "corp":
            return True
        if "corp" in (zs, zd):
            return False                 # corporate firewall
        if zd == "dmz":                  # perimeter: MS-TURN, SIP and the Edge's relay port range
            return dport in (3478, 443, 5060) or 50000 <= dport <= 59999
        return True                      # the Internet
    net.rules = rules
    frank, bob, A, B = call_agents(net, rng, SFB_CLIENT, (FRANK, "192.0.2.60", None),    # no MRAS credentials
                                    (BOB, BOB_IP, "msice-rule-nec-bob"))
    thin_media(A, B)
    edge, fe, ae = contoso_servers(net, rng, access_edge=True)
    legs = {"A": sip_leg(net, rng, A, 50330, CONTOSO_ACCESS_EDGE), "B": sip_leg(net, rng, B, 50874, CONTOSO_FE)}
    call = SipCall(net, rng, legs, [ae, fe], 24.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.054, mras_A=mras_answer("internet", 66, reason="Forbidden"),
        mras_B=mras_answer("intranet", 41), t_call=0.318,
        gather_A=dict(no_edge=True, ports=(16410, 16411)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_INT, ports=(30112, 30113), relay_ports=(53622, 51904)),
        invite_headers=call_invite_headers(rng, frank, LOCATION_INTERNET, "192.0.2.0"),
        answer_headers=call_answer_headers(bob, LOCATION_INTRANET), t_answer=2.140, t_media_end=4.6, t_bye=4.652)
    flow.start()
    offer, mras = flow.sdp_frames["A"][0], flow.mras["A"][1]
    cap.triggers = [
        f"- `msice.expert.no_edge_credentials` (warning) at frame {offer}, Frank's INVITE (his first SDP offer, as "
        f"sent): the MRAS response to him (frame {mras}) has reasonPhrase \"Forbidden\" and no credentials, and his "
        "offer has no relay candidate.",
        f"- `msice.expert.no_edge_candidates` (warning) at frame {offer} too: the offer has neither a server-reflexive "
        "nor a relay candidate, and Frank is outside (ms-endpoint-location-data Internet), so not the milder note.",
        f"- Also expected: `msice.expert.relay_udp_only` (note) at Bob's answer, frame {flow.sdp_frames['B'][0]}. "
        "No other msice.expert.* finding: a pair succeeded and media flowed on it, no TCP relay, a re-INVITE came."]
    cap.report = call_report(flow, point, "final path **relay UDP (Bob's relay only)** — A host 192.0.2.60:16410 ↔ B "
                             "relay 203.0.113.10:53622; Frank has no Edge credentials and offers host candidates only.",
                             ("host", "relay", "UDP"))
    return cap


def capture_rule_private_edge_address():
    """rule-private-edge-address.pcap: the Edge hands out its DMZ address as relayed address."""
    rng = random.Random("msice-rule-private-edge-address")
    point = ("two capture points merged by time: Frank's home PC NIC (192.168.1.20, before his NAT) and a span port "
             "on contoso's HQ core switch (Alice's VLAN, the Front End, the A/V Edge's intranet interface); frames "
             "are tagged [Frank's NIC] or [HQ span]")
    cap = CallCapture(
        "rule-private-edge-address.pcap", "Rule trigger: remote client offers the Edge's private address as relay",
        "Frank (remote, at home behind a symmetric NAT 192.0.2.77, location Internet) calls Alice (internal). The A/V "
        "Edge's external interface sits in a DMZ as 10.30.1.5 behind the perimeter's NAT for the public address "
        "203.0.113.10 (av.contoso.com), but the topology declares no NAT: the Edge hands out its own DMZ address, so "
        "every relayed address in the Allocate responses is 10.30.1.5:5xxxx. Frank reaches the Edge fine (UDP 3478 "
        "to 203.0.113.10, srflx 192.0.2.77), but his relay candidates are private addresses nobody outside can "
        "reach. Alice's relay candidates are the same private address (she is internal: not flagged). Here the call "
        "still works only because both allocations are on this Edge, which hair-pins relay↔relay; a federated or "
        "PSTN peer could not reach Frank's relay. RTP is thinned to one packet per 100 ms per direction.", point)
    net = CallNet(cap, rng, {"home": ("Frank's NIC", HOME_ROUTER_MAC), "hq": ("HQ span", ROUTER_MAC)})
    home_hosts(net, "192.168.1.20", "A", "frank@contoso.com, Skype for Business 2015 at home")
    alice_at_hq(net, SFB_CLIENT, "HQ client VLAN", label="B")
    contoso_hq_hosts(net)
    net.register("10.30.1.5", "dmz", "D", None,
                 role="A/V Edge external interface's own DMZ address (behind the perimeter NAT for 203.0.113.10): the "
                      "misconfigured Edge gives it out as relayed address")
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    net.lat.update({("home", "dmz"): 14.0})
    home_nat(net, "symmetric", dst=(CONTOSO_AV_EXT, 3478))
    net.rules = inside_outside_rules(net)
    frank, alice, A, B = call_agents(net, rng, SFB_CLIENT, (FRANK, "192.168.1.20", "msice-rule-pea-frank"),
                                      (ALICE, ALICE_IP, "msice-rule-pea-alice"))
    thin_media(A, B)
    edge, fe, ae = contoso_servers(net, rng, access_edge=True, av_ext="10.30.1.5")   # the Edge's DMZ address
    legs = {"A": sip_leg(net, rng, A, 50320, CONTOSO_ACCESS_EDGE, nat=HOME_NAT),
            "B": sip_leg(net, rng, B, 52318, CONTOSO_FE)}
    call = SipCall(net, rng, legs, [ae, fe], 22.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.058, mras_A=mras_answer("internet", 63),
        mras_B=mras_answer("intranet", 41), t_call=0.340,
        gather_A=dict(edge=edge, server=CONTOSO_AV_EXT, ports=(9610, 9611), relay_ports=(54630, 52296),
                      dns=("home", "192.168.1.1", "av.contoso.com", CONTOSO_AV_EXT)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_INT, ports=(22150, 22151), relay_ports=(51240, 58016)),
        invite_headers=call_invite_headers(rng, frank, LOCATION_INTERNET, "192.168.1.0"),
        answer_headers=call_answer_headers(alice, LOCATION_INTRANET), t_answer=2.230, t_media_end=4.7, t_bye=4.761)
    flow.start()
    offer = flow.sdp_frames["A"][0]
    relay = A.cand(7, 1)
    cap.triggers = [
        f"- `msice.expert.private_edge_address` (warning) at frame {offer}, Frank's INVITE (his first SDP offer, as "
        f"sent): Frank is outside (ms-endpoint-location-data Internet, MRAS location internet) and offers the relay "
        f"candidate {relay.address}:{relay.port}, a private (RFC 1918) address.",
        f"- Not for Alice: her relay candidates ({B.cand(7, 1).address}:{B.cand(7, 1).port}) are private too, but she "
        "is inside (location Intranet), where the rule does not apply.",
        f"- Also expected: `msice.expert.relay_udp_only` (note) at frames {offer} (Frank) and "
        f"{flow.sdp_frames['B'][0]} (Alice's answer). No other msice.expert.* finding."]
    cap.report = call_report(flow, point, "final path **relay UDP via the Edge** — A relay 10.30.1.5:54630 ↔ B relay "
                             "10.30.1.5:51240 (hair-pinned in the Edge); both relayed addresses are the Edge's private "
                             "DMZ address.", ("relay", "relay", "UDP"))
    return cap


def _dns_round_robin(net, client, answers, at):
    """At `at`, `client` asks the HQ DNS server for the Edge pool's intranet name; the answer lists both servers."""
    net.at(at, lambda: net.dns("hq", client, "10.10.1.2", "av-int.contoso.com", answers, 0.8,
                               f"round robin: the Edge pool's two servers, {answers[0]} first"))


def capture_rule_turn_credentials():
    """rule-turn-credentials.pcap: one Edge of the pool rejects the MRAS credentials (401 twice)."""
    rng = random.Random("msice-rule-turn-credentials")
    point = ("a span port on contoso's HQ core switch that sees both client VLANs, the DNS server, the Front End and "
             "the intranet interfaces of both A/V Edge servers; every packet once")
    cap = CallCapture(
        "rule-turn-credentials.pcap", "Rule trigger: the Edge rejects the MRAS credentials (401 after authentication)",
        "contoso's A/V Edge is a pool of two servers, edge01 (intranet 10.10.1.5) and edge02 (intranet 10.10.1.6), "
        "but edge02 was installed with a different certificate, so it derives other MRAS passwords than the "
        "MRAS service that issued the credentials. MRAS names the pool's intranet FQDN av-int.contoso.com; DNS round "
        "robin gives Alice edge02 first and Bob edge01 first. Alice's Allocate on each socket gets the normal 401 "
        "challenge from edge02, her authenticated Allocate (USERNAME, NONCE, REALM and a MESSAGE-INTEGRITY that "
        "verifies with her MRAS credentials) gets 401 again, and she moves to edge01, which allocates. Bob allocates "
        "on edge01 at once. The call itself is an inside call: host↔host, nominated at once, re-INVITE. RTP is thinned "
        "to one packet per 100 ms per direction.", point)
    net = CallNet(cap, rng, {"hq": ("HQ span", ROUTER_MAC)})
    alice_at_hq(net, SFB_CLIENT, "client VLAN 10.10.20.0/24")
    bob_at_hq(net, SFB_CLIENT, "client VLAN 10.10.40.0/24")
    net.register("10.10.1.2", "corp", "S", "hq", "00:1c:7f:3a:10:02", role="DNS server dc01.contoso.com")
    net.register(CONTOSO_FE, "corp", "F", "hq", "00:1c:7f:3a:10:0a",
                 role="Front End fe01.contoso.com: SIP over TCP 5060 (clear text here), forwards MRAS requests")
    net.register(CONTOSO_AV_INT, "corp", "E", "hq", "00:1c:7f:3a:10:05",
                 role="A/V Edge edge01, intranet interface: MS-TURN UDP 3478 (certificate matches the pool's)")
    net.register("10.10.1.6", "corp", "E2", "hq", "00:1c:7f:3a:10:06",
                 role="A/V Edge edge02, intranet interface: MS-TURN UDP 3478 (a different certificate)")
    net.register(CONTOSO_AV_EXT, "dmz", "X", None, role="A/V Edge edge01, public interface (relayed addresses)")
    net.register("203.0.113.11", "dmz", "X2", None, role="A/V Edge edge02, public interface")
    net.rules = corp_only_rules(net)
    alice, bob, A, B = call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-rule-tc-alice"),
                                    (BOB, BOB_IP, "msice-rule-tc-bob"))
    thin_media(A, B)
    edge01 = AvEdge(net, "contoso edge01", CONTOSO_AV_INT, CONTOSO_AV_EXT)
    edge02 = AvEdge(net, "contoso edge02", "10.10.1.6", "203.0.113.11")
    fe = SipProxy(rng, "fe01.contoso.com", CONTOSO_FE)
    legs = {"A": sip_leg(net, rng, A, 52330, CONTOSO_FE), "B": sip_leg(net, rng, B, 50880, CONTOSO_FE)}
    call = SipCall(net, rng, legs, [fe], 5.5)
    relays = [dict(location="intranet", hostName="av-int.contoso.com", udpPort=3478, tcpPort=443), CONTOSO_INTERNET_RELAY]
    _dns_round_robin(net, ALICE_IP, ["10.10.1.6", CONTOSO_AV_INT], 0.120)
    _dns_round_robin(net, BOB_IP, [CONTOSO_AV_INT, "10.10.1.6"], 0.240)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.118,
        mras_A=dict(location="intranet", relays=relays, rtt_ms=41),
        mras_B=dict(location="intranet", relays=relays, rtt_ms=41), t_call=0.412,
        gather_A=dict(pool=[(edge02, "10.10.1.6", "rejected"), (edge01, CONTOSO_AV_INT, "ok")],
                      ports=(21346, 21347), relay_ports=(53214, 57902)),
        gather_B=dict(edge=edge01, server=CONTOSO_AV_INT, ports=(30112, 30113), relay_ports=(54488, 51176)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers=call_answer_headers(bob, LOCATION_INTRANET), t_answer=2.904, t_media_end=5.2, t_bye=5.243)
    flow.start()
    rejected = [a for a in net.allocs if a.outcome == "rejected"]
    assert len(rejected) == 2 and all(len(a.frames) == 4 for a in rejected)
    cap.triggers = [
        "- `msice.expert.turn_credentials_rejected` (warning) at frames "
        + " and ".join(f"{a.frames[3]} ({a.label()}: {a.sock[0]}:{a.sock[1]} → edge02 {a.server[0]}:{a.server[1]})"
                       for a in rejected)
        + ": the second 401 on the same 5-tuple, the answer to the Allocate that carried Alice's credentials "
          f"(frames {rejected[0].frames[2]} and {rejected[1].frames[2]}); that allocation never succeeds. "
          "`msturn.expert.auth_rejected` (warning) is on the same frames; the first 401s (frames "
          f"{rejected[0].frames[1]} and {rejected[1].frames[1]}) are the normal challenge "
          "(`msturn.expert.auth_challenge`).",
        "- Also expected: `msice.expert.relay_udp_only` (note) at each party's first SDP "
        f"(frames {flow.sdp_frames['A'][0]} and {flow.sdp_frames['B'][0]}). No other msice.expert.* finding: the "
        "allocations on edge01 succeed, so Alice still offers a relay candidate."]
    cap.report = call_report(flow, point, "final path **host UDP direct** — A host 10.10.20.31:21346 ↔ B host "
                             "10.10.40.52:30112; Alice's relay comes from edge01 after edge02 rejected her "
                             "credentials.", ("host", "host", "UDP"))
    return cap


def capture_rule_relay_despite_direct():
    """rule-relay-despite-direct.pcap: host↔host succeeds, but the caller had nominated relay↔relay."""
    rng = random.Random("msice-rule-relay-despite-direct")
    point = HQ_BRANCH_POINT
    tunnel_up = 4.450
    cap = CallCapture(
        "rule-relay-despite-direct.pcap", "Rule trigger: media stays on the relay although host↔host succeeded",
        "The network of call-early-media-promotion: Alice (HQ, 10.10.20.31) calls Bob (branch office, 10.20.8.15, "
        "behind a site-to-site VPN whose security association for the client subnets comes up on demand at "
        f"{tunnel_up:.2f} s); relay↔relay (hair-pinned in the Edge) works at once and carries early media. The "
        "difference: Alice's client nominates the first pair that succeeds (relay↔relay) instead of waiting for the "
        "pending higher-priority host↔host pair. When the tunnel is up host↔host succeeds in both directions, but "
        "the nomination is final: there is no promotion, media stays relay↔relay for the whole call, and the "
        "re-INVITE names Bob's relay candidates. RTP is thinned to one packet per 100 ms per direction.", point)
    net, A, B, _, flow = hq_branch_call(cap, rng, ("msice-rule-rdd-alice", "msice-rule-rdd-bob"), tunnel_up,
                                         nominate_first_valid=True, thin=True, t_media_end=7.5, t_bye=7.562)
    flow.start()
    host_ok = [x for ag in (A, B) for x in ag.checks
               if x.result == "success" and x.pair.local.typ == "host" and x.pair.remote.typ == "host"]
    assert host_ok, "host↔host never succeeded"
    first_host_ok = min(f for x in host_ok for fl in x.responses for f in fl)
    first = first_rtp_frame(net)
    who = {"A": "Alice", "B": "Bob"}[first["sender"]]
    assert all(m["key"] == first["key"] for m in net.media_log if m["kind"] == "rtp")
    cap.triggers = [
        f"- `msice.expert.relay_despite_direct` (warning) at frame {first['frames'][0]}, the first media packet on the "
        f"relay↔relay pair ({who}'s first early-media RTP, in a Send Request to the Edge, at {first['t']:.3f} s): the "
        "final path is relay UDP although the "
        f"host↔host pair succeeded (first successful response in frame {first_host_ok}), and media never left the "
        "relay pair.",
        "- No `msice.expert.promotion`: media never changed pair.",
        "- Also expected: `msice.expert.relay_udp_only` (note) at each party's first SDP "
        f"(frames {flow.sdp_frames['A'][0]} and {flow.sdp_frames['B'][0]}). No other msice.expert.* finding."]
    cap.report = call_report(flow, point, "final path **relay UDP via the Edge** — A relay 203.0.113.10:52814 ↔ B relay "
                             "203.0.113.10:50122 for the whole call, although host↔host 10.10.20.31:22190 ↔ "
                             "10.20.8.15:17410 succeeded: Alice had nominated the relay pair first.",
                             ("relay", "relay", "UDP"))
    return cap


def capture_rule_no_reinvite():
    """rule-no-reinvite.pcap: ICE completes on the wire, media flows 12 s, no re-INVITE."""
    rng = random.Random("msice-rule-no-reinvite")
    point = ("a span port on contoso's HQ core switch that sees both client VLANs (10.10.20.0/24, 10.10.40.0/24), "
             "the Front End and the A/V Edge's intranet interface; every packet once")
    cap = CallCapture(
        "rule-no-reinvite.pcap", "Rule trigger: no re-INVITE with the final candidates",
        "An inside call like call-inside-inside (Alice 10.10.20.31 calls Bob 10.10.40.52, both fetch MRAS "
        "credentials and allocate on the Edge's intranet interface; host↔host succeeds and Alice nominates it at "
        "once; media host↔host from the first packet), except that Alice never sends the re-INVITE with "
        "a=remote-candidates that an MS-ICE2 caller sends once ICE has completed: the 200 OK's answer is the last "
        "SDP of the call. Media flows for 12 s after the 200 OK; BYE; allocations released. RTP is thinned to one "
        "packet per 100 ms per direction.", point)
    net, _, _, call, flow = hq_inside_call(cap, rng, SFB_CLIENT, ("msice-rule-nr-alice", "msice-rule-nr-bob"),
                                            thin=True, t_media_end=14.95, t_bye=15.000, no_reinvite=True)
    flow.start()
    ok = call.frames["200"]
    t200 = cap.frames[ok[0] - 1][0] / 1e6
    last_rtp = max(n for m in net.media_log if m["kind"] == "rtp" for n in m["frames"])
    cap.triggers = [
        f"- `msice.expert.no_reinvite` (warning) at frame {ok[0]}, Bob's 200 OK with the answer SDP (as sent, at "
        f"{t200:.3f} s; frame {ok[1]} is the same 200 OK as it reaches Alice): media flows until frame {last_rtp} "
        f"({cap.frames[last_rtp - 1][0] / 1e6 - t200:.1f} s later) and no SDP with a=remote-candidate(s) ever comes.",
        "- Also expected: `msice.expert.relay_udp_only` (note) at each party's first SDP "
        f"(frames {flow.sdp_frames['A'][0]} and {flow.sdp_frames['B'][0]}). No other msice.expert.* finding."]
    cap.report = call_report(flow, point, "final path **host UDP direct** — A host 10.10.20.31:21346 ↔ B host "
                             "10.10.40.52:30112, nominated at once, but never confirmed by a re-INVITE.",
                             ("host", "host", "UDP"))
    return cap


RULE_SCENARIOS = [capture_rule_no_edge_credentials, capture_rule_private_edge_address,
                  capture_rule_turn_credentials, capture_rule_relay_despite_direct, capture_rule_no_reinvite]
