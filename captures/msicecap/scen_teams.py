# SPDX-License-Identifier: GPL-2.0-or-later
"""Teams-style captures without SIP: teams-call (audio, video and sharing through transport relays),
teams-one-sided (only what Microsoft's relays send) and teams-ice-tcp (ICE over TCP), each with
its expected report."""

import ipaddress
import random

from .actors import ROUTER_MAC
from .media import RtpStream, rfc4571
from .net import TcpFlow
from .sdp import TYPE_PREF
from .sip import rand_token
from .stun import IceAgent, hexs, ice_priority, teams_check, teams_check_response
from .teams import (DSCP_AF21, DSCP_AF41, DSCP_EF, TEAMS_A, TEAMS_A_NAT, TEAMS_B_HOST, TEAMS_B_NAT,
    TEAMS_B_RELAY, TEAMS_RELAY_A, TEAMS_RELAY_NET, TEAMS_RELAY_V, TeamsCapture, TeamsSocket, TeamsStream,
    TeamsWire, mark_last_dscp, not_before, teams_hosts)


def capture_teams_call():
    cap = TeamsCapture(
        "teams-call.pcap", "Teams call without SIP: audio and video direct through NAT, sharing on the relay",
        "A Teams call as the client's own capture shows it: no SIP, no SDP. A (192.168.1.20, behind the home NAT "
        f"{TEAMS_A_NAT}) allocates on two Microsoft 365 transport relays with MS-VERSION 6 (one socket per media "
        "type, plus a spare audio socket it never uses), then runs one ICE session per media type with B "
        f"(host {TEAMS_B_HOST}, behind NAT {TEAMS_B_NAT}, relays on {TEAMS_B_RELAY}). Audio and video go direct "
        "through both NATs; B's firewall lets its sharing socket talk to Microsoft's relays only, so sharing falls "
        "back to A's relay (Send Request checks, Set Active Destination, 0xFF10 media). A marks its media with "
        "Teams' DSCP per type (EF, AF41, AF21); the internet delivers B's media unmarked. One RTP packet of B's "
        "audio is lost.", "A's NIC (the client)")
    rng = random.Random("msice-teams-call")
    hosts = teams_hosts(cap)
    w = TeamsWire(cap, hosts)
    not_before(cap, 0.5)
    audio_s = TeamsSocket(w, rng, 50004, TEAMS_RELAY_A, 61004, "audio socket 50004")
    spare_s = TeamsSocket(w, rng, 50005, TEAMS_RELAY_A, 61005, "spare audio socket 50005")
    video_s = TeamsSocket(w, rng, 50024, TEAMS_RELAY_V, 61024, "video socket 50024")
    share_s = TeamsSocket(w, rng, 50044, TEAMS_RELAY_V, 61044, "sharing socket 50044")
    for s in (audio_s, spare_s, video_s, share_s):
        s.allocate()
        cap.after(11.3)
    audio = TeamsStream(w, rng, "audio", audio_s, 50010, 31010, 3479, DSCP_EF, 104, 60, 320)
    video = TeamsStream(w, rng, "video", video_s, 50030, 31030, 3480, DSCP_AF41, 122, 900, 3000)
    share = TeamsStream(w, rng, "sharing", share_s, 50050, 31050, 3481, DSCP_AF21, 123, 1000, 3000)
    facts = {}
    not_before(cap, 1.5)
    for st, mux in ((audio, True), (video, False)):
        # B's private host: unreachable from A (three transmissions, no answer).
        facts[st.name, "host"] = st.a_check(st.b_host, None, tries=3)[0]
        cap.after(20)
        facts[st.name, "srflx"] = st.a_check(st.b_srflx, st.a_nat)
        cap.after(8)
        facts[st.name, "b"] = st.b_check(st.b_srflx, st.b_srflx)
        cap.after(15)
        facts[st.name, "b_relay"] = st.b_check(st.b_relay, st.b_relay, via_b_relay=mux)
        cap.after(12)
        facts[st.name, "a_relay"] = st.a_relayed_check(st.b_srflx)
        cap.after(30)
    for st in (audio, video):
        facts[st.name, "nominate"] = st.a_check(st.b_srflx, st.a_nat, nominate=True)
        cap.after(10)
    # Sharing: B's firewall admits only Microsoft's relays on the sharing socket.
    not_before(cap, 2.6)
    facts["sharing", "host"] = share.a_check(share.b_host, None, tries=3)[0]
    cap.after(20)
    facts["sharing", "srflx"] = share.a_check(share.b_srflx, None, tries=4)[0]
    cap.after(15)
    facts["sharing", "b_relay"] = share.b_check(share.b_relay, share.b_relay, via_b_relay=True)
    cap.after(10)
    facts["sharing", "a_relay"] = share.a_relayed_check(share.b_srflx)
    cap.after(40)
    facts["sharing", "nominate"] = share.a_relayed_check(share.b_srflx, nominate=True)
    cap.after(20)
    # Media: audio 20 ms, video ~33 ms, sharing 100 ms (thinned to keep the file small).
    not_before(cap, 3.0)
    facts["audio", "media"] = audio.media_direct(audio.b_srflx, 40, 20, loss=(17,))
    not_before(cap, 3.1)
    facts["video", "media"] = video.media_direct(video.b_srflx, 15, 66)
    not_before(cap, 4.2)
    share_s.set_active(share.b_srflx)
    cap.after(5)
    facts["sharing", "media"] = share.media_mux(10, 100)
    not_before(cap, 6.0)
    for s in (audio_s, spare_s, video_s, share_s):
        s.release()
        cap.after(3)
    _teams_call_report(cap, audio, video, share, facts)
    return cap


def _teams_call_report(cap, audio, video, share, facts):
    r = cap.report
    r.append("**Expected per-call report** (`tshark -q -z msice,calls`; one block per ICE session, named "
             "`ICE session <ufrag>/<ufrag> (no SIP)`). What a correct analyser must say:\n")
    for st, rng_txt, dscp_txt in ((audio, "50000–50019", "DSCP 46 EF"), (video, "50020–50039", "DSCP 34 AF41"),
                                  (share, "50040–50059", "DSCP 18 AF21")):
        u = sorted((st.a.ufrag, st.b.ufrag))
        r.append(f"- **{st.name}** (`ICE session {u[0]}/{u[1]} (no SIP)`): media type **{st.name}, inferred from the "
                 f"Teams port range {rng_txt} (A's socket {st.sock.port}, B's {st.b_host[1]}) and {dscp_txt}** on "
                 "A's packets.")
        r.append(f"  - A's only allocations are those of socket {st.sock.port} (401 challenge, then relayed "
                 f"{st.sock.relayed[0]}:{st.sock.relayed[1]}, reflexive {TEAMS_A_NAT}:{st.sock.nat_port}, frame "
                 f"{st.sock.frames['allocated']}); B's relay {st.b_relay[0]}:{st.b_relay[1]} is named as B's (its "
                 "allocation is not in the capture).")
        r.append(f"  - B {st.b_host[0]}:{st.b_host[1]} is a host (private), {st.b_srflx[0]}:{st.b_srflx[1]} B's "
                 f"server-reflexive address (public, not a relay, and B's host is private), "
                 f"{st.b_relay[0]}:{st.b_relay[1]} a relay (Microsoft 365 transport relay range).")
    a_f, a_r = facts["audio", "nominate"]
    r.append(f"- audio and video: the pair A host {TEAMS_A}:<socket> via A's NAT as srflx {TEAMS_A_NAT}:<mapping> "
             "<-> B srflx succeeds and is nominated (audio: nominating check frame "
             f"{a_f}, response {a_r}); the pairs to B's private host get no response; final path **srflx** (direct "
             "through NAT), DSCP on it A -> B 46 (EF) / 34 (AF41), B -> A 0 (not marked).")
    r.append(f"- sharing: every direct pair fails (host and srflx); the relayed check is nominated (response frame "
             f"{facts['sharing', 'nominate'][1]}); final path **relay UDP**, A relay "
             f"{share.sock.relayed[0]}:{share.sock.relayed[1]} <-> B srflx {share.b_srflx[0]}:{share.b_srflx[1]}, "
             f"media in 0xFF10 frames from frame {facts['sharing', 'media']}, DSCP A -> B 18 (AF21).")
    r.append("- the spare socket 50005's allocation belongs to no session: it is listed apart, as an allocation no "
             "ICE session's checks or media use.")
    r.append("- no candidate or path of this file is \"unknown\" / \"types unknown\".\n")


def capture_teams_one_sided():
    cap = TeamsCapture(
        "teams-one-sided.pcap", "Teams call captured on one side: only what Microsoft's relays send to A",
        "The capture an engineer gets from a firewall with the filter `src net 52.112.0.0/14`: only the packets "
        "Microsoft's transport relays send to A. Nothing A sends is in it, and nothing B sends directly. Audio: "
        "B's network blocks direct UDP, so the only working pair is A's host with B's relay; the file holds B's "
        "relay's responses to A's checks (their requests, and B's own checks, are not in it) and B's media through "
        "that relay. Video: B answers A's relayed checks and checks A's relayed address itself (Data Indications, "
        "the first of them a response whose request is missing, before any check with user names), then media in "
        "0xFF10 frames.", "a firewall in front of A, filter `src net 52.112.0.0/14`")
    rng = random.Random("msice-teams-one-sided")
    hosts = teams_hosts(cap)
    w = TeamsWire(cap, hosts, keep=lambda src, dst: ipaddress.ip_address(src) in TEAMS_RELAY_NET)
    not_before(cap, 0.4)
    audio_s = TeamsSocket(w, rng, 50006, TEAMS_RELAY_A, 61006, "audio socket 50006")
    video_s = TeamsSocket(w, rng, 50026, TEAMS_RELAY_V, 61026, "video socket 50026")
    for s in (audio_s, video_s):
        s.allocate()
        cap.after(9.2)
    audio = TeamsStream(w, rng, "audio", audio_s, 50012, 31012, 3479, DSCP_EF, 104, 60, 320)
    video = TeamsStream(w, rng, "video", video_s, 50032, 31032, 3480, DSCP_AF41, 122, 900, 3000)
    not_before(cap, 1.2)
    audio.a_check(audio.b_host, None, tries=3)
    cap.after(20)
    audio.a_check(audio.b_srflx, None, tries=3)
    cap.after(20)
    f_resp = audio.a_check(audio.b_relay, audio.a_nat, rtt_ms=41.0)[1]
    cap.after(30)
    audio.a_check(audio.b_relay, audio.a_nat, nominate=True, rtt_ms=40.2)
    not_before(cap, 1.4)
    f_vresp = video.a_relayed_check(video.b_srflx, rtt_ms=58.0)[1]
    cap.after(12)
    f_vcheck = video.b_check_via_a_relay(video.b_srflx)[0]
    cap.after(30)
    video.a_relayed_check(video.b_srflx, nominate=True)
    cap.after(20)
    not_before(cap, 2.0)
    f_am = audio.media_direct(audio.b_relay, 25, 20)
    not_before(cap, 2.1)
    video_s.set_active(video.b_srflx)
    cap.after(4)
    f_vm = video.media_mux(10, 66)
    not_before(cap, 4.0)
    for s in (audio_s, video_s):
        s.release()
        cap.after(3)
    au = f"ICE session at {TEAMS_A}:{audio_s.port} (no SIP, no ICE user names)"
    vu = sorted((video.a.ufrag, video.b.ufrag))
    cap.report += [
        "**Expected per-call report** (`tshark -q -z msice,calls`). What a correct analyser must say:\n",
        f"- **audio** is still listed, as `{au}` (no check request, so no ICE user names): media type audio, "
        f"inferred from the Teams port range 50000–50019 (socket {audio_s.port}; nothing arrives marked); the pair "
        f"A host {TEAMS_A}:{audio_s.port} via A's NAT as srflx {TEAMS_A_NAT}:{audio_s.nat_port} <-> B relay "
        f"{audio.b_relay[0]}:{audio.b_relay[1]} succeeded (frame {f_resp}; its request is not in the capture); "
        f"final path **relay UDP** (B -> A media only, from frame {f_am}); missing: the check requests and the media "
        "A -> B; A's allocation of the socket (401 then success, requests missing) listed under it; B's relay named "
        "as a relay without allocation.",
        f"- **video** is `ICE session {vu[0]}/{vu[1]} (no SIP)` (the session first known by A's socket takes the "
        f"user names of B's check in frame {f_vcheck}): media type video (port range 50020–50039); the pair A relay "
        f"{video_s.relayed[0]}:{video_s.relayed[1]} <-> B {video.b_srflx[0]}:{video.b_srflx[1]} succeeded (frame "
        f"{f_vresp}; its request is not in the capture); final path **relay UDP**, B -> A media in 0xFF10 frames from "
        f"frame {f_vm}; missing: media A -> B.",
        "- nowhere \"types unknown\".\n",
    ]
    return cap


def capture_teams_ice_tcp():
    cap = TeamsCapture(
        "teams-ice-tcp.pcap", "Teams ICE over TCP between two clients (RFC 4571 framing)",
        "Two Teams clients on a corporate WAN whose firewall drops UDP between the sites but lets TCP through. A "
        "(10.10.20.31) checks B's UDP host candidate in vain, then opens a TCP connection from an ephemeral port to "
        "B's passive candidate 10.20.8.15:50013 (TCP-ACT -> TCP-PASS) and runs the checks inside it, each STUN "
        "message and each RTP packet prefixed by a 2-byte length (RFC 4571). B's response and its own check share "
        "one TCP segment; A's nominating check is split over two segments. A marks its TCP media EF.",
        "A's NIC (the client)")
    rng = random.Random("msice-teams-ice-tcp")
    a_ip, b_ip = "10.10.20.31", "10.20.8.15"
    a = cap.host("A", a_ip, "00:1c:7f:3a:20:31", 128, 0x4100, "Teams client A (the capture point)")
    b = cap.host("B", b_ip, ROUTER_MAC, 126, 0x6100, "Teams client B at the branch site (UDP 50012, TCP-PASS 50013)")
    w = TeamsWire(cap, [a, b])
    ia = IceAgent(rand_token(rng, 4), rand_token(rng, 24), rng.randbytes(8))
    ib = IceAgent(rand_token(rng, 4), rand_token(rng, 24), rng.randbytes(8))
    not_before(cap, 0.2)
    txid = rng.randbytes(12)
    req = teams_check(txid, ia, ib, ice_priority(TYPE_PREF["host"], 65535, 1), True)
    f_udp = None
    for k, delay in enumerate((0, 100, 200)):
        cap.after(delay)
        n = w.udp(a_ip, 50002, b_ip, 50012, req, "audio check A→B UDP" + ("" if not k else f" (again {k})"),
                  f"MS-ICE2 Binding Request txid 2112a442{hexs(txid)} over UDP: the WAN firewall drops it",
                  DSCP_EF)
        f_udp = f_udp or n
    cap.after(150)
    tcp = TcpFlow(cap, rng, a, 52345, b, 50013)
    f_syn = tcp.handshake(6.0)
    cap.after(0.5)
    t1 = rng.randbytes(12)
    c1 = teams_check(t1, ia, ib, ice_priority(TYPE_PREF["host"], 32767, 1), True)
    f_c1 = tcp.send(TcpFlow.C, rfc4571(c1), "audio check A→B over TCP",
                    f"RFC 4571 length {len(c1)} + MS-ICE2 Binding Request txid 2112a442{hexs(t1)}, USERNAME "
                    f"\"{ib.ufrag}:{ia.ufrag}\"")
    mark_last_dscp(cap, DSCP_EF)
    cap.after(6.2)
    t2 = rng.randbytes(12)
    r1 = teams_check_response(t1, ib, a_ip, 52345)
    c2 = teams_check(t2, ib, ia, ice_priority(TYPE_PREF["host"], 32767, 1), False)
    f_r1 = tcp.send(TcpFlow.S, rfc4571(r1) + rfc4571(c2), "response + B's check in one segment",
                    f"two RFC 4571 frames: Binding Success Response to frame {f_c1} (XOR-MAPPED-ADDRESS "
                    f"{a_ip}:52345) and B's triggered check txid 2112a442{hexs(t2)}")
    cap.after(0.4)
    tcp.send(TcpFlow.C, rfc4571(teams_check_response(t2, ia, b_ip, 50013)), "response to B's check",
             f"RFC 4571 frame: Binding Success Response, XOR-MAPPED-ADDRESS {b_ip}:50013")
    mark_last_dscp(cap, DSCP_EF)
    cap.after(20)
    t3 = rng.randbytes(12)
    c3 = rfc4571(teams_check(t3, ia, ib, ice_priority(TYPE_PREF["host"], 32767, 1), True, nominate=True))
    f_c3 = tcp.send(TcpFlow.C, c3[:10], "A's nominating check, first 10 bytes",
                    "RFC 4571 length and the start of the STUN header: the rest follows in the next segment")
    mark_last_dscp(cap, DSCP_EF)
    cap.after(0.1)
    tcp.send(TcpFlow.C, c3[10:], "A's nominating check, the rest",
             f"the remaining {len(c3) - 10} bytes: USE-CANDIDATE, MI, FINGERPRINT")
    mark_last_dscp(cap, DSCP_EF)
    cap.after(6.1)
    f_r3 = tcp.send(TcpFlow.S, rfc4571(teams_check_response(t3, ib, a_ip, 52345)), "response to the nominating check",
                    f"Binding Success Response to frame {f_c3}")
    cap.after(10)
    ra = RtpStream(rng, 104, rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(32), 60, 320)
    rb = RtpStream(rng, 104, rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(32), 60, 320)
    f_m = None
    for i in range(12):
        if i == 6:
            p1, p2 = ra.next(), ra.next()
            n = tcp.send(TcpFlow.C, rfc4571(p1) + rfc4571(p2), "RTP audio A→B, two packets in one segment",
                         f"two RFC 4571 frames: {ra.describe(p1)}; {ra.describe(p2)}")
        else:
            p1 = ra.next(marker=i == 0)
            n = tcp.send(TcpFlow.C, rfc4571(p1), "RTP audio A→B over TCP", "RFC 4571 frame: " + ra.describe(p1))
        mark_last_dscp(cap, DSCP_EF)
        f_m = f_m or n
        cap.after(10)
        pb = rb.next(marker=i == 0)
        tcp.send(TcpFlow.S, rfc4571(pb), "RTP audio B→A over TCP", "RFC 4571 frame: " + rb.describe(pb))
        cap.after(10)
    tcp.close(6.0)
    u = sorted((ia.ufrag, ib.ufrag))
    cap.report += [
        "**Expected per-call report** (`tshark -q -z msice,calls`). What a correct analyser must say:\n",
        f"- one ICE session over TCP, `ICE session {u[0]}/{u[1]} (no SIP)`: media type audio, inferred from the Teams "
        "port range 50000–50019 (A's UDP socket 50002, B's 50012 and 50013; A's TCP port 52345 is ephemeral) and "
        "DSCP 46 EF;",
        f"- pairs: A host {a_ip}:50002 <-> B host {b_ip}:50012 (UDP): no response (3 requests from frame {f_udp}); "
        f"A host {a_ip}:52345 <-> B host {b_ip}:50013 (TCP, A TCP-ACT, B TCP-PASS; connection opened in frame "
        f"{f_syn}): success (frame {f_r1}), nominated (frame {f_r3});",
        f"- final path **host** over TCP, media from frame {f_m} (the two RTP packets of one segment and the split "
        "check each count once); DSCP A -> B 46 (EF), B -> A 0 (not marked).\n",
    ]
    return cap


TEAMS_SCENARIOS = [capture_teams_call, capture_teams_one_sided, capture_teams_ice_tcp]
