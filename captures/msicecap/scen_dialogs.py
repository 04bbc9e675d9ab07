# SPDX-License-Identifier: GPL-2.0-or-later
"""SIP-dialog captures on the call simulator: call-mid-call-start (the capture starts inside the
call), call-forked (a forked INVITE with two early dialogs; ForkFlow drives it) and
call-register-location (REGISTER / SUBSCRIBE carrying ms-endpoint-location-data)."""

import random
import struct

from .actors import CONTOSO_ACCESS_EDGE, CONTOSO_AV_EXT, CONTOSO_AV_INT, CONTOSO_FE, HOME_NAT, ROUTER_MAC
from .call_ice import CallAgent, MEDIA_LEN, MEDIA_PT, MEDIA_TS_STEP
from .call_net import CallNet, pair_str
from .call_report import CallCapture
from .call_setup import (ALICE, ALICE_IP, BOB, BOB_IP, FRANK, LYNC2013_CLIENT, SFB_CLIENT, alice_at_hq,
    call_agents, call_answer_headers, call_invite_headers, contoso_hq_hosts, contoso_servers,
    home_user_links, mras_answer)
from .call_sip import CallFlow, SipCall, SipLeg, UncapturedSipLeg, call_sdp
from .media import RtpStream
from .net import TcpFlow
from .sdp import MediaKeys, describe_v19
from .sip import (FE_SERVER, LOCATION_INTERNET, LOCATION_INTRANET, LYNC_ALLOW, SipParty, lync_branch,
    rand_hex, sip_message)
from .stun import make_credentials


def _captured(frames):
    """The frame numbers of a transmission list that reached the capture (None: before it started)."""
    return [n for n in frames if n is not None]


def _media_rows(net, cap, senders):
    """README RTP runs: frame -> (sender, RTP seq) for every captured RTP frame; SSRCs per sender."""
    for m in net.media_log:
        if m["kind"] == "rtp":
            seq = struct.unpack("!H", m["data"][2:4])[0]
            for n in _captured(m["frames"]):
                cap.media_frames[n] = (m["sender"], seq)
    cap.ssrcs = [(k, a.ssrc) for k, a in senders]


def _checks_table(agents, title, base_us=0):
    """README rows of the connectivity checks that reached the capture (times since `base_us`)."""
    checks = sorted((x for ag in agents for x in ag.checks if any(_captured(s) for s in x.sends)),
                    key=lambda x: min(n for s in x.sends for n in _captured(s)))
    lines = ["", f"#### {title}", "",
             "| check | side | pair (local → remote) | request frames | response frames | result |",
             "|---|---|---|---|---|---|"]
    for x in checks:
        req = "; ".join("/".join(map(str, _captured(s))) for s in x.sends if _captured(s))
        resp = "; ".join("/".join(map(str, _captured(s))) for s in x.responses if _captured(s)) or "—"
        res = x.result or "pending"
        if res == "success":
            res = f"success at {x.t_result - base_us / 1e6:.3f}"
        lines.append(f"| {x.id} | {x.agent.key} | {pair_str(x.pair.local, x.pair.remote)} comp {x.pair.comp} | {req} "
                     f"| {resp} | {res} |")
    return lines + [""]


MID_CALL_START_S = 0.750      # the capture starts here (the call's clock): after the 183, before the 200 OK


def capture_call_mid_call_start():
    """call-mid-call-start.pcap: the capture starts inside the 183, before the 200 OK (one-sided, Alice's NIC)."""
    rng = random.Random("msice-call-mid-call-start")
    point = ("Alice's PC NIC (10.10.20.31) only: her SIP connection to the Front End, her MS-TURN traffic to the A/V "
             "Edge's intranet interface and her direct checks; started by hand while the call was already ringing "
             "with early media (after the 183, before the 200 OK), so the INVITE, the 183, the MRAS exchanges and "
             "the Allocate exchanges are not in the file")
    cap = CallCapture(
        "call-mid-call-start.pcap", "Whole call captured from the middle: the capture starts inside the 183",
        "Alice (Lync 2013, HQ, 10.10.20.31) calls Frank (Lync 2013, at home 192.168.1.20 behind a symmetric NAT "
        "192.0.2.77). Both have allocated relays on the A/V Edge (Alice on its intranet interface 10.10.1.5, Frank on "
        "its public interface 203.0.113.10) and exchanged INVITE / 183 before the capture starts: the first frames "
        "are early media and connectivity checks already under way. MS-Version 4 (no 0xFF10), and both clients keep "
        "the Send Request / Data Indication form after Set Active Destination (not the plain datagrams of "
        "call-relay-active-destination), so every relayed check and media packet is a Send Request or Data "
        "Indication naming the peer. relay↔relay succeeds (the Edge "
        "hair-pins between the two allocations) and carries the early media; the host and server-reflexive checks "
        "fail (corporate firewall, symmetric NAT). Then the 200 OK (Frank's answer again, split over two TCP "
        "segments: no segmentation offload on this NIC), ACK, the re-INVITE naming relay↔relay (Alice's relay "
        "candidates, whose raddr/rport are her host sockets), BYE, and the releases of Alice's allocations (their "
        "responses carry the relayed addresses again). Nothing before the re-INVITE shows Alice's relayed address. "
        f"The file's first frame is {MID_CALL_START_S:.3f} s into the call (09:00:00.75 UTC); the times below "
        "are seconds since that first frame, as in Wireshark.", point)
    net = CallNet(cap, rng, {"alice": ("Alice's NIC", ROUTER_MAC)})
    net.register(ALICE_IP, "corp", "A", "alice", "00:15:5d:0a:14:1f",
                 role="alice@contoso.com, Lync 2013 (HQ client VLAN; the capture runs on this PC)")
    net.register(CONTOSO_FE, "corp", "F", role="Front End fe01.contoso.com: SIP over TCP 5060")
    net.register(CONTOSO_AV_INT, "corp", "E",
                 role="A/V Edge, intranet interface: MS-TURN UDP 3478 (Alice's allocations)")
    net.register(CONTOSO_AV_EXT, "dmz", "X",
                 role="A/V Edge av.contoso.com, public interface: relayed addresses, Frank's MS-TURN")
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", role="Access Edge sip.contoso.com (Frank's SIP)")
    net.register("192.168.1.20", "home", "B",
                 role="frank@contoso.com, Lync 2013 at home (not captured: seen only through the Edge and the Front End)")
    net.register(HOME_NAT, "home-pub", "NB", role="Frank's home router, public address (symmetric NAT)")
    home_user_links(net)
    alice, frank, A, B = call_agents(net, rng, LYNC2013_CLIENT, (ALICE, ALICE_IP, "msice-call-mid-alice"),
                                      (FRANK, "192.168.1.20", "msice-call-mid-frank"))
    A.raw_to_active = B.raw_to_active = False     # every relayed packet names its peer (see the intro)
    edge, fe, ae = contoso_servers(net, rng, access_edge=True)
    legs = {"A": SipLeg(net, A, 52334, CONTOSO_FE, f";ms-received-port=52334;ms-received-cid={rand_hex(rng, 4, True)}00",
                        mss=1460, push_each=True),
            "B": UncapturedSipLeg(B, 50336, f";received={HOME_NAT};ms-received-port=50336;"
                                            f"ms-received-cid={rand_hex(rng, 4, True)}00")}
    call = SipCall(net, rng, legs, [fe, ae], 22.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.061, mras_A=mras_answer("intranet", 41),
        mras_B=mras_answer("internet", 63), t_call=0.352,
        gather_A=dict(edge=edge, server=CONTOSO_AV_INT, ports=(22162, 22163), relay_ports=(51268, 58044)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_EXT, ports=(9610, 9611), relay_ports=(54652, 52318)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers=call_answer_headers(frank, LOCATION_INTERNET), early_media=(0.012, 0.098),
        t_answer=3.870, t_media_end=6.2, t_bye=6.263)
    cap.t_start = int(MID_CALL_START_S * 1_000_000)
    flow.start()
    cap.time_base = cap.frames[0][0]
    _media_rows(net, cap, [("A", A), ("B", B)])
    cap.report = _mid_call_report(cap, net, call, A, B)
    f = cap.facts
    cap.triggers = [
        f"- `msice.expert.relay_udp_only` (note) at frame {f['ok']} (Frank's 200 OK, his first SDP in the file) and "
        f"frame {f['reinvite']} (Alice's re-INVITE, hers).",
        "- Nothing else: no `relay_despite_direct` (no direct pair succeeds), no `promotion` (media stays "
        "relay↔relay), no `no_reinvite` (the re-INVITE comes "
        f"{(cap.frames[f['reinvite'] - 1][0] - cap.frames[f['ok'] - 1][0]) / 1e6:.2f} s after the 200 OK)."]
    return cap


def _mid_call_report(cap, net, call, A, B):
    base = cap.time_base
    t = lambda n: f"{(cap.frames[n - 1][0] - base) / 1e6:.3f}"
    media = [m for m in net.media_log if _captured(m["frames"])]
    first = media[0]
    fm = _captured(first["frames"])[0]
    ok = _captured(call.frames["200"])
    re = _captured(call.frames["reinvite"])
    ar, br = A.cand(7, 1), B.cand(7, 1)
    rels = [(a, _captured(a.frames)) for a in net.allocs if a.agent is A]
    cap.facts = dict(first_media=fm, ok=ok[0], reinvite=re[0], a_relay=f"{ar.address}:{ar.port}",
                     b_relay=f"{br.address}:{br.port}", a_base=f"{ar.raddr}:{ar.rport}",
                     releases=[fr[-2:] for _, fr in rels])
    lines = ["### Expected per-call report", "",
             f"- **Call-ID** `{call.call_id}`: **one call**; no separate \"ICE session (no SIP)\" entry for the "
             "checks and media that came before its first SDP.",
             f"- First SDP in the file: the 200 OK (frame {ok[0]}, at {t(ok[0])} s), Frank's answer; the INVITE and "
             "the 183 are before the capture.",
             f"- Early media: the first media frame of the file, **frame {fm}** at {t(fm)} s "
             f"({first['kind'].upper()} {first['sender']}→, relayed), relay UDP: A relay {ar.address}:{ar.port} ↔ B "
             f"relay {br.address}:{br.port}.",
             f"- A's relay candidate {ar.address}:{ar.port}: named by the re-INVITE (frame {re[0]}, raddr/rport "
             f"{ar.raddr}:{ar.rport} = the client socket of Alice's allocation to {CONTOSO_AV_INT}:3478) and by the "
             "release responses: " + "; ".join(f"comp {a.comp} {a.relayed[0]}:{a.relayed[1]} (release request/response "
                                              f"frames {'/'.join(map(str, fr[-2:]))})" for a, fr in rels)
             + ". Never the Edge's intranet address.",
             f"- Final path relay UDP, A relay {ar.address}:{ar.port} ↔ B relay {br.address}:{br.port}; no promotion."]
    return lines + _checks_table((A, B), "Connectivity checks in the file", base)


BOB_LAPTOP_IP = "192.168.1.20"   # Bob's laptop at home (behind HOME_NAT), the second endpoint of bob@contoso.com


class ForkFlow:
    """A forked INVITE (RFC 3261 16.7, 12.1.2): Alice calls bob@contoso.com; the Front End forks to Bob's
    two endpoints, his desktop D (HQ, call1) and his laptop L (at home through the Access Edge, call2). Each
    answers 183 with its own SDP and To-tag, so Alice runs one ICE session per early dialog (A with D, A2 with
    L: one offer, one set of candidates and allocations, two check lists). D starts early media once its host
    pair is nominated; L answers 200 OK; the Front End CANCELs D (200 to the CANCEL, 487 to the INVITE, its own
    ACK), D stops and releases its relays; Alice ACKs L, media A2↔L, re-INVITE to L, BYE, releases."""

    def __init__(self, net, rng, call1, call2, A, A2, D, L, **cfg):
        self.net, self.rng, self.call, self.call2 = net, rng, call1, call2
        self.A, self.A2, self.D, self.L = A, A2, D, L
        self.cfg = cfg
        A.peer, D.peer, A2.peer, L.peer = D, A, L, A2
        self.keys = {"A": MediaKeys(rng), "D": MediaKeys(rng), "L": MediaKeys(rng)}
        for a in (A, D, L):
            a.ssrc = 1000000000 + rng.getrandbits(30)
            a.cname = f"{rand_hex(rng, 8)}-{rand_hex(rng, 4)}@{a.party.aor}".encode()
        A2.ssrc, A2.cname = A.ssrc, A.cname
        self.mras, self.sdp_frames, self.events = {}, {}, {}

    def agent(self, side):                  # for CallFlow.do_mras / CallFlow.gather: call1's sides
        return self.A if side == "A" else self.D

    def start(self):
        c = self.cfg
        self.net.at(c["t_mras_A"], lambda: CallFlow.do_mras(self, "A"))
        self.net.at(c["t_mras_B"], lambda: CallFlow.do_mras(self, "B"))
        self.net.at(c["t_call"], lambda: CallFlow.gather(self, "A", self.send_invite))
        self.net.run()

    def _share_alice(self):
        """A2 is the same client as A: same candidates, sockets, allocations, credentials; its own check list.
        Packets reaching Alice go to the session of the fork that sent them."""
        A, A2 = self.A, self.A2
        A2.media, A2.ice_agent, A2.sockets, A2.allocs = A.media, A.ice_agent, A.sockets, A.allocs
        A2.default, A2.tx = A.default, A.tx
        A2._number = A._number              # one numbering of Alice's checks (A1, A2, ...)

        def receive(pkt, via, src, frames):
            if pkt.kind == "resp":
                target = pkt.txn.agent
            elif pkt.kind == "req":
                target = A if pkt.sender is self.D else A2
            else:
                return
            CallAgent.receive(target, pkt, via, src, frames)
        A.receive = receive

    def send_invite(self):
        A = self.A
        A.build_candidates()
        self._share_alice()
        sdp = call_sdp(A, self.keys["A"], 0, True)
        hdrs = self.cfg["invite_headers"]
        show = (f"INVITE sip:bob@contoso.com, Call-ID {self.call.call_id}, CSeq 1; single ICE v19 SDP ({len(sdp)} "
                "bytes): " + describe_v19("audio", A.media))
        self.invite = self.call.request("A", "INVITE", "invite", hdrs, sdp, "application/sdp",
                                        "SIP INVITE (A's ICE v19 offer; the Front End forks it)", show,
                                        on_delivered=lambda: self.net.after(3.0, lambda: CallFlow.gather(
                                            self, "B", lambda: self.send_183(self.call, self.invite, "D"))))
        self.sdp_frames["A"] = self.invite["frames"]
        # the same request towards Bob's laptop (through the Access Edge): its own branch, the caller's Via
        self.invite2 = self.call2.request("A", "INVITE", "invite", hdrs, sdp, "application/sdp",
                                          "SIP INVITE (fork to Bob's laptop)", "", near=False,
                                          on_delivered=lambda: self.net.after(3.0, self.gather_laptop))
        self.invite2["via"] = self.invite["via"]
        self.invite2["far_vias"][-1] = self.invite["via"] + self.call.legs["A"].received
        self.net.after(4.5, lambda: self.call.trying(self.invite))

    def gather_laptop(self):
        g = self.cfg["gather_L"]
        self.L.gather(g["edge"], g["server"], g["ports"], g["relay_ports"],
                      lambda: self.net.after(4.0, lambda: self.send_183(self.call2, self.invite2, "L")))

    def send_183(self, call, invite, key):
        B = self.D if key == "D" else self.L
        peer_session = self.A if key == "D" else self.A2
        B.build_candidates()
        sdp = call_sdp(B, self.keys[key], 0, False)
        hdrs = self.cfg[f"answer_headers_{key}"]
        who = "Bob's desktop" if key == "D" else "Bob's laptop"
        frames = call.response(invite, 183, "Session Progress", f"183-{key}", hdrs, sdp, "application/sdp",
                               f"SIP 183 Session Progress ({who}'s ICE v19 answer, To tag {call.tags['B']})",
                               f"183 from {who} (early dialog To tag {call.tags['B']}); ICE v19 SDP: "
                               + describe_v19("audio", B.media),
                               on_delivered=lambda: self.net.after(1.0, peer_session.start_ice))
        self.sdp_frames[key] = frames
        self.events[f"t183-{key}"] = self.net.t
        self.net.after(call.delay + 3.0, B.start_ice)
        self.net.after(2.0, lambda: call.response(invite, 180, "Ringing", f"180-{key}", hdrs,
                                                  what=f"SIP 180 Ringing ({who})", show="180 Ringing, no body"))
        if key == "D":
            self.net.after(self.cfg["early_media_D_ms"], lambda: self.D.start_media(self.cfg["t_cancel"],
                                                                                    self.stream(self.D)))
        else:
            self.answer_sdp = sdp
            self.net.at(self.cfg["t_answer"], self.send_200)

    def stream(self, agent):
        return RtpStream(self.rng, MEDIA_PT, agent.ssrc, self.rng.getrandbits(16), self.rng.getrandbits(32),
                         payload_len=MEDIA_LEN, ts_step=MEDIA_TS_STEP * agent.rtp_ms // 20)

    def send_200(self):
        self.call2.response(self.invite2, 200, "OK", "200", self.cfg["answer_headers_L"], self.answer_sdp,
                            "application/sdp", "SIP 200 OK (Bob's laptop answers; same SDP as its 183)",
                            f"200 OK from Bob's laptop, To tag {self.call2.tags['B']} (the second early dialog)",
                            on_delivered=self.answered)
        self.events["t200"] = self.net.t
        self.net.after(30, lambda: self.L.start_media(self.cfg["t_media_end"], self.stream(self.L)))

    def answered(self):
        """The 200 OK has reached Alice: the Front End cancels the other fork; Alice ACKs."""
        self.net.after(0.6, self.cancel_desktop)
        self.net.after(2.5, self.ack)

    def cancel_desktop(self):
        leg, ctx, call = self.call.legs["B"], self.invite, self.call
        to = leg.party.name_addr(call.tags["B"])
        ruri = leg.party.uri
        via = ctx["far_vias"][0]
        cancel = sip_message(f"CANCEL {ruri} SIP/2.0", [
            ("Via", via), ("Max-Forwards", "70"), ("From", ctx["frm"]), ("To", ctx["to"]),
            ("Call-ID", call.call_id), ("CSeq", "1 CANCEL"),
            ("Reason", 'SIP;cause=200;text="Call completed elsewhere"'), ("Content-Length", None)])
        f = leg.down(cancel, "SIP CANCEL (the Front End cancels the fork to Bob's desktop)",
                     f"CANCEL for the INVITE of frame {ctx['frames'][1]} (same branch as the Front End's Via on it); "
                     "Reason: SIP;cause=200;text=\"Call completed elsewhere\" (RFC 3326)")
        self.events["cancel"] = f
        self.D.ticking, self.D.waiting, self.D.triggered = True, [], []   # D stops ICE (its session is over)

        def answers():
            leg.up(sip_message("SIP/2.0 200 OK", [("Via", via), ("From", ctx["frm"]), ("To", to),
                                                 ("Call-ID", call.call_id), ("CSeq", "1 CANCEL"),
                                                 ("Content-Length", None)]),
                   "SIP 200 OK to the CANCEL (Bob's desktop)", "200 OK to the CANCEL")
            self.net.after(1.0, lambda: self._487(leg, ctx, to))
        self.net.after(3.0, answers)

    def _487(self, leg, ctx, to):
        call = self.call
        common = [("From", ctx["frm"]), ("To", to), ("Call-ID", call.call_id), ("CSeq", "1 INVITE")]
        f = leg.up(sip_message("SIP/2.0 487 Request Terminated",
                               [("Via", v) for v in ctx["far_vias"]] + common
                               + [("User-Agent", leg.party.ua), ("Content-Length", None)]),
                   "SIP 487 Request Terminated (Bob's desktop; not forwarded: the call was answered)",
                   "487 to the INVITE; the Front End does not forward it (it has forwarded a 2xx)")
        self.events["487"] = f
        self.net.after(1.5, lambda: leg.down(sip_message(f"ACK {leg.party.uri} SIP/2.0", [
            ("Via", ctx["far_vias"][0]), ("Max-Forwards", "70")] + [(n, v) for n, v in common if n != "CSeq"]
            + [("CSeq", "1 ACK"), ("Content-Length", None)]), "SIP ACK (the Front End's, for the 487)",
            "hop-by-hop ACK for the 487, same branch as the Front End's INVITE"))
        for a in self.net.allocs:
            if a.agent is self.D:
                self.net.after(40, a.release)

    def ack(self):
        self.call2.request("A", "ACK", "ack", [("User-Agent", self.A.party.ua)], what="SIP ACK (to Bob's laptop)",
                           show=f"ACK for the 200 OK (frame {self.call2.frames['200'][-1]}), To tag "
                                f"{self.call2.tags['B']}", cseq=1)
        self.net.after(8, lambda: self.A2.start_media(self.cfg["t_media_end"], self.stream(self.A2)))
        self.net.after(50, self.watch_reinvite)

    def watch_reinvite(self):
        A2 = self.A2
        if 1 in A2.nominated and 2 in A2.nominated:
            self.net.after(300, self.reinvite)
        else:
            self.net.after(50, self.watch_reinvite)

    def reinvite(self):
        A2 = self.A2
        pa = [A2.nominated_pair(c) for c in (1, 2)]
        local = [p.valid_local or p.local for p in pa]
        remote = [p.remote for p in pa]
        sdp = call_sdp(A2, self.keys["A"], 1, True, cands=local, remote=remote)
        self.reinvite_remote = remote
        ctx = self.call2.request(
            "A", "INVITE", "reinvite", [("Contact", A2.party.contact()), ("User-Agent", A2.party.ua),
                                        ("Supported", "ms-early-media"), ("Allow", LYNC_ALLOW)],
            sdp, "application/sdp", "SIP re-INVITE to Bob's laptop: selected candidates + a=remote-candidates",
            "INVITE CSeq 2 in the answered dialog; " + describe_v19("audio", A2.media.with_cands(local), remote),
            on_delivered=lambda: self.net.after(12, lambda: self.reinvite_ok(ctx)))
        self.events["reinvite"] = ctx

    def reinvite_ok(self, ctx):
        L = self.L
        pb = [L.nominated_pair(c) for c in (1, 2)]
        local = [p.valid_local or p.local for p in pb]
        sdp = call_sdp(L, self.keys["L"], 1, False, cands=local)
        self.call2.response(ctx, 200, "OK", "reinvite-200", [("Contact", f"<{L.party.gruu}>"),
                                                            ("User-Agent", L.party.ua)],
                            sdp, "application/sdp", "SIP 200 OK to the re-INVITE (Bob's laptop)",
                            "200 OK to the re-INVITE; the laptop's selected candidates",
                            on_delivered=lambda: self.net.after(2.0, lambda: self.call2.request(
                                "A", "ACK", "reinvite-ack", [("User-Agent", self.A.party.ua)],
                                what="SIP ACK (re-INVITE)", show="ACK for the 200 OK to the re-INVITE", cseq=2)))
        self.net.at(self.cfg["t_bye"], self.bye)

    def bye(self):
        ctx = self.call2.request("A", "BYE", "bye", [("User-Agent", self.A.party.ua),
                                                     ("ms-client-diagnostics", '51004;reason="Action initiated by user"')],
                                 what="SIP BYE", show="BYE from Alice to Bob's laptop",
                                 on_delivered=lambda: self.net.after(6, lambda: self.call2.response(
                                     ctx, 200, "OK", "bye-200", [("User-Agent", self.L.party.ua)],
                                     what="SIP 200 OK to BYE", show="200 OK to the BYE", on_delivered=self.release)))

    def release(self):
        for i, a in enumerate(a for a in self.net.allocs if a.agent is not self.D):
            self.net.after(40 + 6 * i, a.release)


def capture_call_forked():
    """call-forked.pcap: a forked INVITE; Bob's desktop has early media on host, his laptop answers (relay)."""
    rng = random.Random("msice-call-forked")
    point = ("a span port on contoso's HQ core switch that sees both client VLANs (10.10.20.0/24, 10.10.40.0/24), "
             "the Front End and the A/V Edge's intranet interface; every packet once (Bob's laptop at home is seen "
             "only through the Edge and the Front End)")
    cap = CallCapture(
        "call-forked.pcap", "Forked INVITE: two endpoints of the callee answer 183, the one at home takes the call",
        "Alice (SfB 2015, HQ, 10.10.20.31) calls bob@contoso.com, who is signed in twice: on his desktop at HQ "
        f"(10.10.40.52) and on his laptop at home ({BOB_LAPTOP_IP} behind a symmetric NAT 192.0.2.77, through the "
        "Access Edge). The Front End forks the INVITE (one request on Alice's connection, one on each of Bob's). "
        "Both endpoints answer 183 with their own SDP and To-tag, so Alice runs one ICE session per early dialog. "
        "With the desktop host↔host succeeds at once and is nominated; the desktop then sends early media on it. "
        "With the laptop only relay↔relay works (corporate firewall, perimeter, symmetric NAT). Bob takes the call "
        "on the laptop: its 200 OK reaches Alice, the Front End CANCELs the desktop's fork (200 to the CANCEL, 487 "
        "to the INVITE, the Front End's ACK) and the desktop stops and releases its relays. Media Alice↔laptop runs "
        "relay↔relay through the Edge for the whole call; re-INVITE to the laptop naming relay↔relay; BYE. SIP on "
        "Alice's and the desktop's connections is split at the 1460-byte MSS.", point)
    net = CallNet(cap, rng, {"hq": ("HQ span", ROUTER_MAC)})
    alice_at_hq(net, SFB_CLIENT, "HQ client VLAN")
    net.register(BOB_IP, "corp", "D", "hq", "00:15:5d:0a:28:34",
                 role="bob@contoso.com, Skype for Business 2015 on his desktop (HQ client VLAN 10.10.40.0/24)")
    contoso_hq_hosts(net)
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP of Bob's laptop)")
    net.register(BOB_LAPTOP_IP, "home", "L", None,
                 role="bob@contoso.com, Skype for Business 2015 on his laptop at home (not captured)")
    net.register(HOME_NAT, "home-pub", "NL", None, role="Bob's home router, public address (symmetric NAT)")
    home_user_links(net)
    alice = SipParty(rng, *ALICE, SFB_CLIENT.ua)
    bob_desk = SipParty(rng, *BOB, SFB_CLIENT.ua)
    bob_lap = SipParty(rng, *BOB, SFB_CLIENT.ua)
    creds = lambda seed: make_credentials(seed, SFB_CLIENT.ms_version)
    A = CallAgent(net, "A", alice, ALICE_IP, SFB_CLIENT.ms_version, True, creds("msice-call-fork-alice"), rng)
    A2 = CallAgent(net, "A", alice, ALICE_IP, SFB_CLIENT.ms_version, True, A.creds, rng)
    D = CallAgent(net, "D", bob_desk, BOB_IP, SFB_CLIENT.ms_version, False, creds("msice-call-fork-desk"), rng)
    L = CallAgent(net, "L", bob_lap, BOB_LAPTOP_IP, SFB_CLIENT.ms_version, False, creds("msice-call-fork-lap"), rng)
    edge, fe, ae = contoso_servers(net, rng, access_edge=True)
    leg_a = SipLeg(net, A, 52340, CONTOSO_FE, f";ms-received-port=52340;ms-received-cid={rand_hex(rng, 4, True)}00",
                   mss=1460, push_each=True)
    leg_d = SipLeg(net, D, 50890, CONTOSO_FE, f";ms-received-port=50890;ms-received-cid={rand_hex(rng, 4, True)}00",
                   mss=1460, push_each=True)
    leg_l = UncapturedSipLeg(L, 50344, f";received={HOME_NAT};ms-received-port=50344;"
                                       f"ms-received-cid={rand_hex(rng, 4, True)}00")
    call1 = SipCall(net, rng, {"A": leg_a, "B": leg_d}, [fe], 5.5)
    call2 = SipCall(net, rng, {"A": leg_a, "B": leg_l}, [fe, ae], 22.0)
    call2.call_id, call2.tags["A"] = call1.call_id, call1.tags["A"]
    mras = mras_answer("intranet", 41)
    flow = ForkFlow(
        net, rng, call1, call2, A, A2, D, L, t_mras_A=0.0, t_mras_B=0.118, mras_A=mras, mras_B=mras, t_call=0.412,
        gather_A=dict(edge=edge, server=CONTOSO_AV_INT, ports=(21352, 21353), relay_ports=(53226, 57918)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_INT, ports=(30118, 30119), relay_ports=(54496, 51190)),
        gather_L=dict(edge=edge, server=CONTOSO_AV_EXT, ports=(9612, 9613), relay_ports=(54668, 52330)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers_D=call_answer_headers(bob_desk, LOCATION_INTRANET),
        answer_headers_L=call_answer_headers(bob_lap, LOCATION_INTERNET),
        early_media_D_ms=400, t_answer=2.650, t_cancel=2.674, t_media_end=5.3, t_bye=5.362)
    flow.start()
    _media_rows(net, cap, [("A", A), ("D", D), ("L", L)])
    cap.report = _forked_report(cap, net, flow)
    f = cap.facts
    cap.triggers = [
        f"- `msice.expert.relay_udp_only` (note) at frames {f['invite']} (Alice's INVITE, as sent), {f['l183']} (the "
        f"laptop's 183, B) and {f['d183']} (the desktop's 183, the fork that did not answer, as it sent it).",
        f"- **Not** `msice.expert.relay_despite_direct`: host↔host succeeded (frame {f['host_ok']}) with the desktop, "
        "which never answered; with the laptop, the call's B, every direct pair failed.",
        f"- **Not** `msice.expert.promotion`: the media of the desktop's early dialog (frames {f['d_first']}–"
        f"{f['d_last']}) and the call's media with the laptop (from frame {f['l_first']}) are two dialogs' media, and "
        "each stays on its first path."]
    return cap


def _forked_report(cap, net, flow):
    A, A2, D, L, call1, call2 = flow.A, flow.A2, flow.D, flow.L, flow.call, flow.call2
    rtp = [m for m in net.media_log if m["kind"] == "rtp" and _captured(m["frames"])]
    d_rtp = [m for m in rtp if m["sender"] == "D"]
    first_l = min(_captured(m["frames"])[0] for m in rtp if m["sender"] == "L" or
                  (m["sender"] == "A" and m["key"][1].owner is L))
    host_ok = [x for x in A.checks + D.checks if x.result == "success" and x.pair.local.typ == "host"
               and x.pair.remote.typ == "host"]
    first_host_ok = min(n for x in host_ok for s in x.responses for n in _captured(s))
    ok = _captured(call2.frames["200"])
    cap.facts = dict(d_first=_captured(d_rtp[0]["frames"])[0], d_last=_captured(d_rtp[-1]["frames"])[-1],
                     l_first=first_l, ok=ok[0], host_ok=first_host_ok,
                     d183=_captured(flow.sdp_frames["D"])[0], l183=_captured(flow.sdp_frames["L"])[0],
                     invite=_captured(flow.sdp_frames["A"])[0], cancel=flow.events["cancel"],
                     reinvite=_captured(call2.frames["reinvite"])[0])
    f = cap.facts
    lines = ["### Expected per-call report", "",
             f"- **Call-ID** `{call1.call_id}`, one call with two early dialogs: To tag `{call1.tags['B']}` (Bob's "
             f"desktop, 183 in frame {f['d183']}) and To tag `{call2.tags['B']}` (Bob's laptop, 183 in frame "
             f"{f['l183']}). The laptop sends the 200 OK (frame {f['ok']}): **B is the laptop**; the desktop is the "
             "other fork, which never answered.",
             f"- Alice's checks with the desktop: host↔host succeeds (first success response frame {f['host_ok']}) "
             f"and is nominated. The desktop's early media runs host↔host from frame {f['d_first']} to frame "
             f"{f['d_last']} (it stops at the CANCEL, frame {f['cancel']}): the early media of that fork, not of B.",
             f"- B (the laptop): first media in frame {f['l_first']}, relay UDP (A relay "
             f"{A.cand(7, 1).address}:{A.cand(7, 1).port} ↔ B relay {L.cand(7, 1).address}:{L.cand(7, 1).port}), "
             "and no promotion: media moving from the desktop's host pair to the laptop's relay pair is the call "
             "being answered elsewhere. Final path relay UDP.",
             "- Findings: `relay_despite_direct` must **not** fire (the direct pair that succeeded belongs to the "
             "desktop, which never answered; every direct pair with the laptop failed); no promotion note; "
             "`relay_udp_only` notes for Alice's INVITE, the desktop's 183 and the laptop's 183."]
    return lines + _checks_table((A, A2, D, L), "Connectivity checks in the file")


CONTOSO_AE_INT = "10.10.1.4"     # Access Edge, internal interface (forwards remote users' SIP to the Front End)


def _register_exchange(net, rng, leg, party, subnet, location, challenge, call_id=None):
    """A Lync/SfB sign-in on `leg` (REGISTER over the client's own connection): without credentials, 401 with
    the NTLM and Kerberos challenges, REGISTER with Kerberos credentials, 200 OK; or straight to the 200 when
    `challenge` is False (a refresh). Both REGISTERs carry ms-endpoint-location-data. Returns the frames."""
    ip, port = leg.agent.ip, leg.via_base.rsplit(":", 1)[1]
    call_id = call_id or rand_hex(rng, 32)
    tag = rand_hex(rng, 10)
    opaque = rand_hex(rng, 8)
    contact = (f"<sip:{ip}:{port};transport=tcp;ms-opaque={opaque}>;methods=\"INVITE, MESSAGE, INFO, SUBSCRIBE, "
               f"OPTIONS, BYE, CANCEL, NOTIFY, ACK, REFER, BENOTIFY\";proxy=replace;+sip.instance=\"{party.instance}\"")
    frames = []

    def register(cseq, auth):
        via = f"{leg.via_base};branch={lync_branch(rng)}"
        hdrs = [("Via", via), ("Max-Forwards", "70"), ("From", f"<{party.uri}>;tag={tag};epid={party.epid}"),
                ("To", f"<{party.uri}>"), ("Call-ID", call_id), ("CSeq", f"{cseq} REGISTER"), ("Contact", contact),
                ("User-Agent", party.ua), ("Supported", "gruu-10, adhoclist, msrtc-event-categories"),
                ("Supported", "ms-forking"), ("Supported", "ms-cluster-failover"),
                ("Supported", "ms-userservices-state-notification"), ("ms-keep-alive", "UAC;hop-hop=yes"),
                ("Event", "registration"), ("ms-subnet", subnet), ("ms-endpoint-location-data", location)]
        if auth:
            hdrs.append(("Authorization", f'Kerberos qop="auth", realm="SIP Communications Service", '
                                          f'opaque="{rand_hex(rng, 8, True)}", crand="{rand_hex(rng, 8)}", cnum="1", '
                                          f'targetname="sip/fe01.contoso.com", response="{rand_hex(rng, 40)}"'))
        hdrs.append(("Content-Length", None))
        frames.append(leg.up(sip_message("REGISTER sip:contoso.com SIP/2.0", hdrs),
                             f"SIP REGISTER ({party.aor}{', with Kerberos credentials' if auth else ''})",
                             f"REGISTER CSeq {cseq}, Call-ID {call_id}; Event: registration; ms-subnet {subnet}; "
                             f"ms-endpoint-location-data {location}" + ("; Authorization: Kerberos" if auth else "")))
        return via

    def answer(via, cseq, code):
        totag = rand_hex(rng, 32, upper=True)
        common = [("Via", via + leg.received), ("From", f"<{party.uri}>;tag={tag};epid={party.epid}"),
                  ("To", f"<{party.uri}>;tag={totag}"), ("Call-ID", call_id), ("CSeq", f"{cseq} REGISTER")]
        if code == 401:
            hdrs = common + [
                ("WWW-Authenticate", 'NTLM realm="SIP Communications Service", targetname="fe01.contoso.com", '
                                     'version=4'),
                ("WWW-Authenticate", 'Kerberos realm="SIP Communications Service", '
                                     'targetname="sip/fe01.contoso.com", version=4'),
                ("Server", FE_SERVER), ("Content-Length", None)]
            frames.append(leg.down(sip_message("SIP/2.0 401 Unauthorized", hdrs), "SIP 401 Unauthorized (REGISTER)",
                                   "the sign-in challenge: WWW-Authenticate NTLM and Kerberos"))
            return
        hdrs = common + [
            ("Contact", f"<sip:{ip}:{port};transport=tcp;ms-opaque={opaque}>;expires=7200;"
                        f"+sip.instance=\"{party.instance}\";gruu=\"{party.gruu}\""),
            ("Expires", "7200"), ("Allow-Events", "vnd-microsoft-provisioning,vnd-microsoft-roaming-contacts,"
                                                  "vnd-microsoft-roaming-ACL,presence,presence.wpending"),
            ("ms-keep-alive", "UAS; tcp=no; hop-hop=yes; end-pt=no; timeout=300"), ("Server", FE_SERVER),
            ("Content-Length", None)]
        frames.append(leg.down(sip_message("SIP/2.0 200 OK", hdrs), "SIP 200 OK (REGISTER)",
                               f"{party.aor} registered for 7200 s; its GRUU in the Contact"))

    def step2():
        via = register(2, True)
        net.after(6.0, lambda: answer(via, 2, 200))
    if challenge:
        via = register(1, False)
        net.after(3.0, lambda: answer(via, 1, 401))
        net.after(9.0, step2)
    else:
        via = register(1, False)
        net.after(5.0, lambda: answer(via, 1, 200))
    return frames


def _forwarded_subscribe(net, rng, flow, party, client_ip, client_port, location, what):
    """A remote user's SUBSCRIBE (roaming contacts) as the Access Edge forwards it to the Front End (on the
    captured AE-internal → FE connection `flow`), and the 200 OK with the contact list."""
    call_id, tag = rand_hex(rng, 32), rand_hex(rng, 10)
    vias = [f"SIP/2.0/TCP {CONTOSO_AE_INT}:{flow.ends[TcpFlow.C][1]};branch={lync_branch(rng)}",
            f"SIP/2.0/TLS {client_ip}:{client_port};branch={lync_branch(rng)};received={HOME_NAT};"
            f"ms-received-port={client_port};ms-received-cid={rand_hex(rng, 4, True)}00"]
    common = [("From", f"<{party.uri}>;tag={tag};epid={party.epid}"), ("To", f"<{party.uri}>"),
              ("Call-ID", call_id), ("CSeq", "1 SUBSCRIBE")]
    req = sip_message(f"SUBSCRIBE {party.uri} SIP/2.0", [("Via", v) for v in vias] + [("Max-Forwards", "69")] + common + [
        ("Contact", f"<{party.gruu}>"), ("User-Agent", party.ua), ("Event", "vnd-microsoft-roaming-contacts"),
        ("Accept", "application/vnd-microsoft-roaming-contacts+xml"), ("Supported", "com.microsoft.autoextend"),
        ("Supported", "ms-benotify"), ("Proxy-Require", "ms-benotify"), ("Supported", "ms-piggyback-first-notify"),
        ("ms-endpoint-location-data", location), ("Content-Length", None)])
    frames = [flow.send(TcpFlow.C, req, net.tag("hq", what),
                        f"SUBSCRIBE vnd-microsoft-roaming-contacts from {party.aor} as the Access Edge forwards it "
                        f"(2 Vias: the Access Edge's and the client's at {client_ip}); ms-endpoint-location-data "
                        f"{location}")]
    body = ('<contactList deltaNum="12" xmlns="http://schemas.microsoft.com/2006/09/sip/roaming-contacts">'
            '<group id="1" name="~" externalURI=""/>'
            '<contact uri="alice@contoso.com" name="" groups="1" subscribed="true" externalURI=""/></contactList>')

    def answer():
        frames.append(flow.send(TcpFlow.S, sip_message("SIP/2.0 200 OK", [("Via", v) for v in vias] + [
            ("From", common[0][1]), ("To", f"<{party.uri}>;tag={rand_hex(rng, 32, upper=True)}")] + common[2:] + [
            ("Expires", "28800"), ("Require", "eventlist"), ("Server", FE_SERVER),
            ("Content-Type", "application/vnd-microsoft-roaming-contacts+xml"), ("Content-Length", None)], body),
            net.tag("hq", "SIP 200 OK (SUBSCRIBE, roaming contacts)"),
            "the contact list (1 group, 1 contact), subscription for 28800 s"))
    net.after(7.0, answer)
    return frames


def capture_call_register_location():
    """call-register-location.pcap: REGISTER/SUBSCRIBE say where the endpoints are; the call's messages do not."""
    rng = random.Random("msice-call-register-location")
    point = ("a span port on contoso's HQ core switch: the client VLAN 10.10.20.0/24, the Front End, the A/V Edge's "
             "intranet interface and the Access Edge's internal interface (remote users' SIP as it reaches the "
             "Front End); every packet once")
    cap = CallCapture(
        "call-register-location.pcap", "Location from REGISTER and SUBSCRIBE, a call whose messages carry none",
        "Morning sign-ins, then one call. Alice (SfB 2015, HQ 10.10.20.31) signs in: REGISTER, 401 (NTLM and "
        "Kerberos challenge), REGISTER with Kerberos credentials, 200 OK; both REGISTERs carry "
        "ms-endpoint-location-data Intranet. Carol (10.10.20.44) signs in the same way (Intranet) and never calls. "
        "Bob, at home (192.168.1.20 behind a symmetric NAT 192.0.2.77), subscribes to his roaming contacts: his "
        "SUBSCRIBE, as the Access Edge forwards it to the Front End, carries ms-endpoint-location-data Internet. "
        "None of these dialogs is a call. Then Alice calls Bob; neither the INVITE nor Bob's 183 / 200 OK carries "
        "ms-endpoint-location-data (a choice: they are the only source of location here), and no MRAS exchange is in "
        "the file (the clients use cached Edge credentials). Media relay↔relay through the Edge (corporate "
        "firewall, perimeter, symmetric NAT); re-INVITE; BYE. SIP on Alice's connection is split at the 1460-byte "
        "MSS.", point)
    net = CallNet(cap, rng, {"hq": ("HQ span", ROUTER_MAC)})
    alice_at_hq(net, SFB_CLIENT, "HQ client VLAN")
    net.register("10.10.20.44", "corp", "C", "hq", "00:15:5d:0a:14:2c",
                 role="carol@contoso.com, Skype for Business 2015 (HQ client VLAN; signs in, never calls)")
    contoso_hq_hosts(net)
    net.register(CONTOSO_AE_INT, "corp", "AI", "hq", "00:1c:7f:3a:10:04",
                 role="Access Edge sip.contoso.com, internal interface (forwards remote users' SIP to the Front End)")
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com, public interface")
    net.register(BOB_LAPTOP_IP, "home", "B", None,
                 role="bob@contoso.com, Skype for Business 2015 at home (not captured: seen through the Edges)")
    net.register(HOME_NAT, "home-pub", "NB", None, role="Bob's home router, public address (symmetric NAT)")
    home_user_links(net)
    alice, bob, A, B = call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-call-reg-alice"),
                                    (BOB, BOB_LAPTOP_IP, "msice-call-reg-bob"))
    carol_agent = CallAgent(net, "C", SipParty(rng, "Carol Diaz", "carol@contoso.com", SFB_CLIENT.ua), "10.10.20.44",
                            SFB_CLIENT.ms_version, False, None, rng)
    net.agents.remove(carol_agent)
    edge, fe, ae = contoso_servers(net, rng, access_edge=True)
    leg_a = SipLeg(net, A, 52352, CONTOSO_FE, f";ms-received-port=52352;ms-received-cid={rand_hex(rng, 4, True)}00",
                   mss=1460, push_each=True)
    leg_c = SipLeg(net, carol_agent, 52356, CONTOSO_FE,
                   f";ms-received-port=52356;ms-received-cid={rand_hex(rng, 4, True)}00")
    leg_b = UncapturedSipLeg(B, 50354, f";received={HOME_NAT};ms-received-port=50354;"
                                       f"ms-received-cid={rand_hex(rng, 4, True)}00")
    ae_fe = TcpFlow(cap, rng, net.view("hq", CONTOSO_AE_INT), 51020, net.view("hq", CONTOSO_FE), 5060)
    call = SipCall(net, rng, {"A": leg_a, "B": leg_b}, [fe, ae], 22.0)
    no_loc = lambda hdrs: [h for h in hdrs if h[0] != "ms-endpoint-location-data"]
    flow = CallFlow(
        net, rng, call, A, B, mras=False, t_call=1.204,
        gather_A=dict(edge=edge, server=CONTOSO_AV_INT, ports=(22174, 22175), relay_ports=(51284, 58060)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_EXT, ports=(9614, 9615), relay_ports=(54684, 52346)),
        invite_headers=no_loc(call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0")),
        answer_headers=no_loc(call_answer_headers(bob, LOCATION_INTERNET)), t_answer=3.108, t_media_end=5.4,
        t_bye=5.462)
    signins = {}
    net.at(0.000, lambda: signins.__setitem__("A", _register_exchange(net, rng, leg_a, alice, "10.10.20.0",
                                                                       LOCATION_INTRANET, True)))
    net.at(0.207, lambda: signins.__setitem__("C", _register_exchange(net, rng, leg_c, carol_agent.party,
                                                                       "10.10.20.0", LOCATION_INTRANET, False)))
    net.at(0.533, lambda: signins.__setitem__("B", _forwarded_subscribe(
        net, rng, ae_fe, bob, BOB_LAPTOP_IP, 50354, LOCATION_INTERNET,
        "SIP SUBSCRIBE (Bob's roaming contacts, forwarded by the Access Edge)")))
    flow.start()
    _media_rows(net, cap, [("A", A), ("B", B)])
    cap.report = _register_report(cap, net, call, flow, signins)
    cap.triggers = [
        f"- `msice.expert.relay_udp_only` (note) at frames {cap.facts['invite']} (Alice's INVITE) and "
        f"{_captured(call.frames['183'])[0]} (Bob's 183 as it reaches Alice). Nothing else, and nothing for the "
        "REGISTER and SUBSCRIBE dialogs."]
    return cap


def _register_report(cap, net, call, flow, signins):
    A, B = flow.A, flow.B
    reg_a, reg_c, sub_b = signins["A"], signins["C"], signins["B"]
    inv = _captured(call.frames["invite"])
    rtp = [m for m in net.media_log if m["kind"] == "rtp" and _captured(m["frames"])]
    cap.facts = dict(register_a=reg_a[0], register_c=reg_c[0], subscribe_b=sub_b[0], invite=inv[0],
                     first_rtp=_captured(rtp[0]["frames"])[0])
    return ["### Expected per-call report", "",
            f"- **One call**, Call-ID `{call.call_id}` (INVITE frame {inv[0]}). The REGISTER dialogs of Alice (frames "
            f"{', '.join(map(str, reg_a))}) and Carol (frames {', '.join(map(str, reg_c))}) and Bob's SUBSCRIBE "
            f"dialog (frames {', '.join(map(str, sub_b))}) are not calls: no \"call\" for Carol, none for Bob's "
            "subscription.",
            f"- Scenario **inside ↔ outside**, although no message of the call says where anyone is and no MRAS "
            f"exchange is in the file: Alice said Intranet in her REGISTER (first in frame {reg_a[0]}, from her "
            f"address {ALICE_IP}); Bob said Internet in his SUBSCRIBE (frame {sub_b[0]}, as forwarded by the Access "
            f"Edge from {CONTOSO_AE_INT}: not his address, but the only statement for his SIP URI).",
            f"- Media relay UDP from frame {cap.facts['first_rtp']}: A relay {A.cand(7, 1).address}:{A.cand(7, 1).port} "
            f"↔ B relay {B.cand(7, 1).address}:{B.cand(7, 1).port}; findings: the two relay_udp_only notes only."]


SIP_DIALOG_SCENARIOS = [capture_call_mid_call_start, capture_call_forked, capture_call_register_location]
