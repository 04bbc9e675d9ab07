# SPDX-License-Identifier: GPL-2.0-or-later
"""SIP captures with ICE SDP: sip-lync2013-call (Lync 2013 calls over TCP with multipart v6 + v19
bodies, re-INVITEs, an Office Communicator 2007 callee) and sip-sfb-single-v19 (a Skype for
Business call over UDP with one v19 SDP, video and application sharing, IPv4 fragments)."""

import base64
import random

from .actors import CONTOSO_EDGE_PUBLIC, CORP_NAT, LYNC2013_UA, OC2007_UA, SFB_UA, TEREDO_SERVER
from .capture import Capture
from .net import SipUdpFlow, TcpFlow
from .sdp import (IceV19Media, MediaKeys, OC2007_AUDIO_ANSWER_MAPS, OC2007_AUDIO_ANSWER_PTS,
    V19_SESSION_ATTRS, describe_v19, describe_v6, ms_v19_candidates, ms_v6_candidates, sdp_session,
    teredo_address, v19_media, v6_media)
from .sip import (B64URL_CHARS, B64_CHARS, FE_SERVER, LOCATION_INTERNET, LOCATION_INTRANET, LYNC_ALLOW,
    SipParty, conversation_context_xml, lync_branch, mime_part, multipart_body, nextpart_boundary, rand_hex,
    rand_token, sdp_part_headers, sip_message)


def capture_sip_lync2013():
    """sip-lync2013-call.pcap: two Lync 2013 calls over one SIP/TCP connection to the Front End."""
    rng = random.Random("msice-sip-lync2013")
    cap = Capture(
        "sip-lync2013-call.pcap", "Lync 2013 calls over SIP/TCP 5060: ICE v6 + v19 offers, answers, re-INVITEs",
        "One TCP connection from Alice's Lync 2013 client to the Front End carries two calls. Call 1 "
        "(Alice → Bob, both on the corporate network): INVITE with a multipart/alternative body (ICE v6 part "
        "with ms-proxy-2007fallback, ICE v19 part), 100 Trying, 183 Session Progress with Bob's v19 answer, "
        "200 OK (the same answer plus ms-client-diagnostics 51007; split over two TCP segments), ACK, then "
        "Alice's re-INVITE with only the chosen host candidates and a=remote-candidates naming Bob's host "
        "candidates, its 200 OK and ACK, BYE. Call 2 (Alice → Carol, an Office Communicator 2007 client at "
        "home that only speaks ICE v6): INVITE with a 3-level multipart/mixed body (multipart/alternative "
        "v6 + v19, plus a conversation-context part), v6 answer, v6 re-INVITE with a=remote-candidate "
        "naming Carol's relay candidate, BYE. SIP is clear text on TCP 5060 here (TLS in real deployments; "
        "see SIP notes).")
    alice_h = cap.host("C", "10.10.20.31", "00:15:5d:0a:14:1f", 128, 0x3A10,
                       "Lync 2013 client, alice@contoso.com (corporate LAN; NAT public 192.0.2.140)")
    fe = cap.host("F", "10.10.1.10", "00:1c:7f:3a:00:01", 127, 0x5D20,
                  "Front End fe01.contoso.com, SIP over TCP 5060")
    cap.host("B", "10.10.40.52", "", 0, 0, "bob@contoso.com, Lync 2013 (corporate LAN, other subnet) — in SDP only")
    cap.host("R", "192.168.0.20", "", 0, 0,
             "carol@contoso.com, Office Communicator 2007 at home behind NAT 198.51.100.45 — in SDP only")
    cap.host("N", CORP_NAT, "", 0, 0, "corporate NAT, public address (srflx candidates of C and B) — in SDP only")
    cap.host("E", CONTOSO_EDGE_PUBLIC, "", 0, 0,
             "A/V Edge av.contoso.com, public interface (relay candidates) — in SDP only")
    tcp = TcpFlow(cap, rng, alice_h, 52316, fe, 5060)
    C, S = TcpFlow.C, TcpFlow.S
    alice = SipParty(rng, "Alice Lee", "alice@contoso.com", LYNC2013_UA)
    bob = SipParty(rng, "Bob Kim", "bob@contoso.com", LYNC2013_UA)
    carol = SipParty(rng, "Carol Diaz", "carol@contoso.com", OC2007_UA)
    via_base = f"SIP/2.0/TCP {alice_h.ip}:52316"
    received = f";ms-received-port=52316;ms-received-cid={rand_hex(rng, 4, upper=True)}00"
    rr_uri = (f"<sip:fe01.contoso.com:5060;transport=tcp;opaque=state:T:F:Ci.R{rand_hex(rng, 4)}00;lr;"
              f"ms-route-sig={rand_token(rng, 52, B64URL_CHARS)}AAA>")
    record_route = f"{rr_uri};tag={rand_hex(rng, 32, upper=True)}"

    def request(method, ruri, call_id, cseq, from_tag, to, headers=(), body=b"", ctype=None, route=True):
        via = f"{via_base};branch={lync_branch(rng)}"
        hdrs = [("Via", via), ("Max-Forwards", "70"), ("From", alice.name_addr(from_tag)), ("To", to),
                ("Call-ID", call_id), ("CSeq", f"{cseq} {method}")]
        if route:
            hdrs.append(("Route", rr_uri))
        hdrs += list(headers)
        if ctype:
            hdrs.append(("Content-Type", ctype))
        hdrs.append(("Content-Length", None))
        return sip_message(f"{method} {ruri} SIP/2.0", hdrs, body), via

    def response(code, reason, via, call_id, cseq, from_, to, headers=(), body=b"", ctype=None):
        hdrs = [("Via", via + received), ("From", from_), ("To", to), ("Call-ID", call_id), ("CSeq", cseq)]
        hdrs += list(headers)
        if ctype:
            hdrs.append(("Content-Type", ctype))
        hdrs.append(("Content-Length", None))
        return sip_message(f"SIP/2.0 {code} {reason}", hdrs, body)

    def invite_headers(conv_id):
        return [("Contact", alice.contact()), ("User-Agent", alice.ua),
                ("Supported", "ms-dialog-route-set-update"), ("Ms-Conversation-ID", conv_id),
                ("Supported", "timer"), ("Supported", "histinfo"), ("Supported", "ms-safe-transfer"),
                ("Supported", "ms-sender"), ("Supported", "ms-early-media"), ("Supported", "100rel"),
                ("ms-keep-alive", "UAC;hop-hop=yes"), ("Allow", LYNC_ALLOW), ("ms-subnet", "10.10.20.0"),
                ("Accept-Language", "en-US"), ("ms-endpoint-location-data", LOCATION_INTRANET),
                ("Supported", "replaces"), ("Supported", "ms-conf-invite")]

    def conv_id():
        return base64.b64encode(b"\x01" + rng.randbytes(21)).decode()

    # ------------------------------------------------------------ ICE data, call 1
    a_teredo = teredo_address(TEREDO_SERVER, CORP_NAT, 40712)
    b_teredo = teredo_address(TEREDO_SERVER, CORP_NAT, 40788)
    a6_audio = ms_v6_candidates(rng, alice_h.ip, (18450, 18451), CONTOSO_EDGE_PUBLIC, (54120, 54121), 54122)
    a6_video = ms_v6_candidates(rng, alice_h.ip, (18452, 18453), CONTOSO_EDGE_PUBLIC, (54124, 54125), 54126)
    a_audio = IceV19Media(rng, ms_v19_candidates(alice_h.ip, 21346, CORP_NAT, 61034, CONTOSO_EDGE_PUBLIC, 54130,
                                                 teredo=a_teredo))
    a_video = IceV19Media(rng, ms_v19_candidates(alice_h.ip, 21360, CORP_NAT, 61040, CONTOSO_EDGE_PUBLIC, 54140,
                                                 teredo=a_teredo))
    b_audio = IceV19Media(rng, ms_v19_candidates("10.10.40.52", 30112, CORP_NAT, 61510, CONTOSO_EDGE_PUBLIC, 54210,
                                                 teredo=b_teredo))
    b_video = IceV19Media(rng, ms_v19_candidates("10.10.40.52", 30120, CORP_NAT, 61516, CONTOSO_EDGE_PUBLIC, 54216,
                                                 teredo=b_teredo))
    ka_audio, ka_video, kb_audio, kb_video = MediaKeys(rng), MediaKeys(rng), MediaKeys(rng), MediaKeys(rng)
    ssrc_a, ssrc_b = 1000000000 + rng.getrandbits(30), 1000000000 + rng.getrandbits(30)

    # ------------------------------------------------------------ call 1: INVITE
    tcp.handshake(0.4)
    cap.after(48)
    call1 = rand_hex(rng, 32)
    tag_a1, tag_b1 = rand_hex(rng, 10), rand_hex(rng, 10)
    sdp6 = sdp_session(alice_h.ip, 0, alice_h.ip, [v6_media("audio", a6_audio, ka_audio),
                                                   v6_media("video", a6_video, ka_video)])
    sdp19 = sdp_session(alice_h.ip, 1, alice_h.ip,
                        [v19_media("audio", a_audio, ka_audio, ssrc_a), v19_media("video", a_video, ka_video, ssrc_a + 1)],
                        V19_SESSION_ATTRS)
    boundary = nextpart_boundary(rng)
    body = multipart_body(boundary, [mime_part(sdp_part_headers(rng, True), sdp6),
                                     mime_part(sdp_part_headers(rng, False), sdp19)])
    invite1, via1 = request("INVITE", bob.uri, call1, 1, tag_a1, f"<{bob.uri}>", invite_headers(conv_id()), body,
                            f'multipart/alternative;boundary="{boundary}"', route=False)
    f_inv1 = tcp.send(C, invite1, "SIP INVITE (call 1): multipart/alternative ICE v6 + ICE v19 offer",
                      f"SIP INVITE sip:bob@contoso.com, Call-ID {call1}, CSeq 1 INVITE, Content-Length {len(body)}; "
                      f"User-Agent {LYNC2013_UA}; ms-endpoint-location-data {LOCATION_INTRANET}; ms-subnet 10.10.20.0; "
                      f"Content-Type multipart/alternative, boundary `{boundary}`, 2 parts. "
                      f"Part 1 = ICE v6 (Content-Disposition `session; handling=optional; ms-proxy-2007fallback`, "
                      f"{len(sdp6)} bytes): " + describe_v6("audio", a6_audio) + ". " + describe_v6("video", a6_video)
                      + f". Part 2 = ICE v19 (Content-Disposition `session; handling=optional`, {len(sdp19)} bytes): "
                      + describe_v19("audio", a_audio) + ". " + describe_v19("video", a_video))
    cap.after(6.2)
    tcp.send(S, response(100, "Trying", via1, call1, "1 INVITE", alice.name_addr(tag_a1), f"<{bob.uri}>",
                         [("Server", FE_SERVER)]),
             "SIP 100 Trying (call 1)", f"SIP/2.0 100 Trying to frame {f_inv1}, Content-Length 0")
    cap.after(40)
    tcp.ack(C)
    # ------------------------------------------------------------ 183 and 200 with Bob's answer
    cap.at(1.352)
    sdp_b = sdp_session("10.10.40.52", 0, "10.10.40.52",
                        [v19_media("audio", b_audio, kb_audio, ssrc_b, offer=False),
                         v19_media("video", b_video, kb_video, ssrc_b + 1, offer=False)], V19_SESSION_ATTRS)
    bob_to = bob.name_addr(tag_b1)
    answer_hdrs = [("Record-Route", record_route), ("Contact", f"<{bob.gruu}>"), ("User-Agent", bob.ua),
                   ("Supported", "histinfo"), ("Supported", "ms-safe-transfer"),
                   ("Supported", "ms-dialog-route-set-update"), ("Allow", LYNC_ALLOW)]
    f_183 = tcp.send(S, response(183, "Session Progress", via1, call1, "1 INVITE", alice.name_addr(tag_a1), bob_to,
                                 answer_hdrs + [("ms-endpoint-location-data", LOCATION_INTRANET)], sdp_b,
                                 "application/sdp"),
                     "SIP 183 Session Progress (call 1): Bob's ICE v19 answer (early media)",
                     f"SIP/2.0 183 to frame {f_inv1}, Content-Type application/sdp, Content-Length {len(sdp_b)}; "
                     "single ICE v19 SDP: " + describe_v19("audio", b_audio) + ". " + describe_v19("video", b_video))
    cap.after(40)
    tcp.ack(C)
    cap.at(5.806)
    b_host1 = b_audio.find("1", 1)
    a_host1 = a_audio.find("1", 1)
    diag = ('51007;reason="Callee media connectivity diagnosis info";CalleeMediaDebug="audio:ICEWarn=0x0,'
            f'LocalSite={b_host1.address}:{b_host1.port},RemoteSite={a_host1.address}:{a_host1.port},'
            'PortRange=1025:65000,LocalLocation=2,RemoteLocation=2,FederationType=0"')
    ok1 = response(200, "OK", via1, call1, "1 INVITE", alice.name_addr(tag_a1), bob_to,
                   answer_hdrs + [("ms-client-diagnostics", diag), ("ms-endpoint-location-data", LOCATION_INTRANET),
                                  ("Supported", "replaces")], sdp_b, "application/sdp")
    split = ok1.index(b"a=candidate:7 1 UDP") + 20         # inside the audio relay UDP candidate line
    f_ok1a = tcp.send(S, ok1[:split], "SIP 200 OK (call 1), part 1 of 2",
                      f"first {split} of {len(ok1)} bytes of the 200 OK; the split falls inside the line "
                      f"`a=candidate:{b_audio.find('7', 1).value()}`: needs TCP reassembly")
    cap.after(0.1)
    f_ok1 = tcp.send(S, ok1[split:], "SIP 200 OK (call 1), part 2 of 2: Bob's answer + ms-client-diagnostics",
                     f"reassembled with frame {f_ok1a}: SIP/2.0 200 OK to frame {f_inv1}, Content-Length {len(sdp_b)}; "
                     f"same SDP as frame {f_183} (every candidate listed there, incl. the one split across the two "
                     f"segments); ms-client-diagnostics code 51007, reason \"Callee media connectivity diagnosis info\", "
                     f"CalleeMediaDebug audio: ICEWarn 0x0, LocalSite {b_host1.address}:{b_host1.port}, RemoteSite "
                     f"{a_host1.address}:{a_host1.port}, PortRange 1025:65000, LocalLocation 2, RemoteLocation 2, "
                     "FederationType 0")
    cap.after(3.1)
    ack1, _ = request("ACK", bob.gruu, call1, 1, tag_a1, bob_to, [("User-Agent", alice.ua)])
    tcp.send(C, ack1, "SIP ACK (call 1)", f"ACK for the 200 OK in frame {f_ok1}, CSeq 1 ACK")
    # ------------------------------------------------------------ re-INVITE with the chosen candidates
    cap.at(8.104)
    sel_a_audio, sel_a_video = a_audio.only("1"), a_video.only("1")
    rem_audio, rem_video = b_audio.only("1").cands, b_video.only("1").cands
    sdp_re = sdp_session(alice_h.ip, 2, alice_h.ip,
                         [v19_media("audio", sel_a_audio, ka_audio, ssrc_a, remote=rem_audio),
                          v19_media("video", sel_a_video, ka_video, ssrc_a + 1, remote=rem_video)], V19_SESSION_ATTRS)
    reinv, via2 = request("INVITE", bob.gruu, call1, 2, tag_a1, bob_to,
                          [("Contact", alice.contact()), ("User-Agent", alice.ua), ("Supported", "ms-early-media"),
                           ("Supported", "100rel"), ("Allow", LYNC_ALLOW)], sdp_re, "application/sdp")
    f_re = tcp.send(C, reinv, "SIP re-INVITE (call 1): chosen candidates + a=remote-candidates",
                    f"SIP INVITE (CSeq 2) in the dialog of frame {f_inv1}, Content-Length {len(sdp_re)}; ICE v19, "
                    "o= version 2; only the selected local candidates: " + describe_v19("audio", sel_a_audio, rem_audio)
                    + ". " + describe_v19("video", sel_a_video, rem_video)
                    + f". The remote candidates are Bob's host candidates (foundation 1) from frame {f_183}")
    cap.after(45)
    sdp_b2 = sdp_session("10.10.40.52", 1, "10.10.40.52",
                         [v19_media("audio", b_audio.only("1"), kb_audio, ssrc_b, offer=False),
                          v19_media("video", b_video.only("1"), kb_video, ssrc_b + 1, offer=False)], V19_SESSION_ATTRS)
    f_ok2 = tcp.send(S, response(200, "OK", via2, call1, "2 INVITE", alice.name_addr(tag_a1), bob_to,
                                 [("Contact", f"<{bob.gruu}>"), ("User-Agent", bob.ua), ("Allow", LYNC_ALLOW)],
                                 sdp_b2, "application/sdp"),
                     "SIP 200 OK to the re-INVITE (call 1)",
                     f"SIP/2.0 200 OK to frame {f_re}, Content-Length {len(sdp_b2)}; ICE v19, Bob's selected candidates: "
                     + describe_v19("audio", b_audio.only("1")) + ". " + describe_v19("video", b_video.only("1")))
    cap.after(2.2)
    ack2, _ = request("ACK", bob.gruu, call1, 2, tag_a1, bob_to, [("User-Agent", alice.ua)])
    tcp.send(C, ack2, "SIP ACK (call 1, re-INVITE)", f"ACK for frame {f_ok2}, CSeq 2 ACK")
    # ------------------------------------------------------------ BYE
    cap.at(70.512)
    bye1, via3 = request("BYE", bob.gruu, call1, 3, tag_a1, bob_to,
                         [("User-Agent", alice.ua),
                          ("ms-client-diagnostics", '51004;reason="Action initiated by user"')])
    f_bye1 = tcp.send(C, bye1, "SIP BYE (call 1)",
                      "BYE, CSeq 3; ms-client-diagnostics code 51004, reason \"Action initiated by user\" (no MediaDebug)")
    cap.after(31)
    tcp.send(S, response(200, "OK", via3, call1, "3 BYE", alice.name_addr(tag_a1), bob_to,
                         [("User-Agent", bob.ua)]), "SIP 200 OK to BYE (call 1)", f"response to frame {f_bye1}")
    cap.after(40)
    tcp.ack(C)

    # ------------------------------------------------------------ call 2: v6 only peer
    cap.at(80.031)
    call2 = rand_hex(rng, 32)
    tag_a2, tag_c2 = rand_hex(rng, 10), rand_hex(rng, 10)
    a6_audio2 = ms_v6_candidates(rng, alice_h.ip, (18470, 18471), CONTOSO_EDGE_PUBLIC, (54150, 54151), 54152)
    a_audio2 = IceV19Media(rng, ms_v19_candidates(alice_h.ip, 21380, CORP_NAT, 61050, CONTOSO_EDGE_PUBLIC, 54160,
                                                  teredo=a_teredo))
    c6_audio = ms_v6_candidates(rng, "192.168.0.20", (7124, 7125), CONTOSO_EDGE_PUBLIC, (55012, 55013), 55014)
    ka2, kc = MediaKeys(rng), MediaKeys(rng)
    ssrc_a2 = 1000000000 + rng.getrandbits(30)
    sdp6 = sdp_session(alice_h.ip, 0, alice_h.ip, [v6_media("audio", a6_audio2, ka2)])
    sdp19 = sdp_session(alice_h.ip, 1, alice_h.ip, [v19_media("audio", a_audio2, ka2, ssrc_a2)],
                        ["a=x-devicecaps:audio:send,recv"])
    inner = nextpart_boundary(rng)
    outer = rand_token(rng, 32, B64_CHARS[:62])
    alt = multipart_body(inner, [mime_part(sdp_part_headers(rng, True), sdp6),
                                 mime_part(sdp_part_headers(rng, False), sdp19)])
    ctx = conversation_context_xml(rng, alice, carol, "2026-01-15T09:01:20Z")
    ctx_id = rand_hex(rng, 32)
    body = multipart_body(outer, [
        mime_part([("Content-Type", f'multipart/alternative;boundary="{inner}"')], alt),
        mime_part([("Content-ID", f"<{ctx_id}@contoso.com>"),
                   ("Content-Type", "application/ms-conversation-context+xml"),
                   ("Content-Disposition", "render;handling=optional")], ctx)])
    invite2, via4 = request("INVITE", carol.uri, call2, 1, tag_a2, f"<{carol.uri}>", invite_headers(conv_id()), body,
                            f"multipart/mixed;boundary={outer}", route=False)
    f_inv2 = tcp.send(C, invite2, "SIP INVITE (call 2): 3-level multipart/mixed body",
                      f"SIP INVITE sip:carol@contoso.com, Call-ID {call2}, CSeq 1 INVITE, Content-Length {len(body)}; "
                      f"Content-Type multipart/mixed boundary `{outer}` with 2 parts: (1) multipart/alternative boundary "
                      f"`{inner}` holding ICE v6 (ms-proxy-2007fallback, {len(sdp6)} bytes) and ICE v19 ({len(sdp19)} "
                      "bytes) SDP; (2) application/ms-conversation-context+xml (Content-Disposition "
                      "`render;handling=optional`). v6: " + describe_v6("audio", a6_audio2) + ". v19: "
                      + describe_v19("audio", a_audio2))
    cap.after(5.8)
    tcp.send(S, response(100, "Trying", via4, call2, "1 INVITE", alice.name_addr(tag_a2), f"<{carol.uri}>",
                         [("Server", FE_SERVER)]), "SIP 100 Trying (call 2)", f"100 Trying to frame {f_inv2}")
    cap.after(40)
    tcp.ack(C)
    cap.at(81.204)
    carol_to = carol.name_addr(tag_c2)
    carol_hdrs = [("Record-Route", record_route), ("Contact", f"<{carol.gruu}>"), ("User-Agent", carol.ua)]
    tcp.send(S, response(180, "Ringing", via4, call2, "1 INVITE", alice.name_addr(tag_a2), carol_to, carol_hdrs),
             "SIP 180 Ringing (call 2)", f"180 Ringing to frame {f_inv2}, To tag {tag_c2}, Content-Length 0")
    cap.after(40)
    tcp.ack(C)
    cap.at(84.410)
    oc2007 = (OC2007_AUDIO_ANSWER_PTS, OC2007_AUDIO_ANSWER_MAPS)
    sdp_c = sdp_session("192.168.0.20", 0, "192.168.0.20", [v6_media("audio", c6_audio, kc, offer=False, codecs=oc2007)])
    f_ok3 = tcp.send(S, response(200, "OK", via4, call2, "1 INVITE", alice.name_addr(tag_a2), carol_to,
                                 carol_hdrs + [("ms-endpoint-location-data", LOCATION_INTERNET)], sdp_c,
                                 "application/sdp"),
                     "SIP 200 OK (call 2): Carol's ICE v6 answer",
                     f"SIP/2.0 200 OK to frame {f_inv2}, Content-Length {len(sdp_c)}; single ICE v6 SDP: "
                     + describe_v6("audio", c6_audio))
    cap.after(2.9)
    ack3, _ = request("ACK", carol.gruu, call2, 1, tag_a2, carol_to, [("User-Agent", alice.ua)])
    tcp.send(C, ack3, "SIP ACK (call 2)", f"ACK for frame {f_ok3}")
    cap.at(86.925)
    sel6 = [c for c in a6_audio2 if c.qvalue == 830]
    carol_relay = [c for c in c6_audio if c.qvalue == 410]
    sdp_re6 = sdp_session(alice_h.ip, 1, alice_h.ip,
                          [v6_media("audio", sel6, ka2, remote_user=carol_relay[0].cred.user_b64)])
    reinv6, via5 = request("INVITE", carol.gruu, call2, 2, tag_a2, carol_to,
                           [("Contact", alice.contact()), ("User-Agent", alice.ua), ("Allow", LYNC_ALLOW)],
                           sdp_re6, "application/sdp")
    f_re6 = tcp.send(C, reinv6, "SIP re-INVITE (call 2): ICE v6 with a=remote-candidate",
                     f"SIP INVITE (CSeq 2) in the dialog of frame {f_inv2}, Content-Length {len(sdp_re6)}; ICE v6, "
                     "only the selected local candidate: "
                     + describe_v6("audio", sel6, carol_relay[0].cred.user_b64)
                     + f" (= Carol's relay UDP candidate {CONTOSO_EDGE_PUBLIC}:55012/55013 of frame {f_ok3})")
    cap.after(52)
    sdp_c2 = sdp_session("192.168.0.20", 1, CONTOSO_EDGE_PUBLIC,
                         [v6_media("audio", carol_relay, kc, offer=False, codecs=oc2007)])
    f_ok4 = tcp.send(S, response(200, "OK", via5, call2, "2 INVITE", alice.name_addr(tag_a2), carol_to,
                                 [("Contact", f"<{carol.gruu}>"), ("User-Agent", carol.ua)], sdp_c2, "application/sdp"),
                     "SIP 200 OK to the v6 re-INVITE (call 2)",
                     f"SIP/2.0 200 OK to frame {f_re6}, Content-Length {len(sdp_c2)}; ICE v6, c= {CONTOSO_EDGE_PUBLIC}, "
                     "Carol's selected candidate: " + describe_v6("audio", carol_relay))
    cap.after(2.4)
    ack4, _ = request("ACK", carol.gruu, call2, 2, tag_a2, carol_to, [("User-Agent", alice.ua)])
    tcp.send(C, ack4, "SIP ACK (call 2, re-INVITE)", f"ACK for frame {f_ok4}")
    cap.at(140.220)
    bye2, via6 = request("BYE", carol.gruu, call2, 3, tag_a2, carol_to,
                         [("User-Agent", alice.ua),
                          ("ms-client-diagnostics", '51004;reason="Action initiated by user"')])
    f_bye2 = tcp.send(C, bye2, "SIP BYE (call 2)", "BYE, CSeq 3; ms-client-diagnostics 51004")
    cap.after(48)
    tcp.send(S, response(200, "OK", via6, call2, "3 BYE", alice.name_addr(tag_a2), carol_to,
                         [("User-Agent", carol.ua)]), "SIP 200 OK to BYE (call 2)", f"response to frame {f_bye2}")
    cap.after(40)
    tcp.ack(C)
    return cap


def capture_sip_sfb():
    """sip-sfb-single-v19.pcap: SfB call with a single ICE v19 SDP over SIP/UDP 5060."""
    rng = random.Random("msice-sip-sfb")
    cap = Capture(
        "sip-sfb-single-v19.pcap", "Skype for Business call over SIP/UDP 5060: single ICE v19 SDP with app sharing",
        "Dana's Skype for Business 2015 client (corporate LAN) calls Erin, a remote user at home. The INVITE "
        "carries one application/sdp body in ICE v19 format with audio, video and application sharing "
        "(m=applicationsharing over TCP: TCP-PASS / TCP-ACT candidates only, component 1 only), "
        "x-candidate-ipv6 (Teredo) lines, UDP and TCP relay candidates and one a=x-candidate-info line. "
        "180 Ringing, 200 OK with Erin's v19 answer, ACK. INVITE and 200 OK exceed the MTU and travel as "
        "IPv4 fragments.")
    dana_h = cap.host("D", "10.10.20.44", "00:15:5d:0a:14:2c", 128, 0x11C0,
                      "Skype for Business 2015 client, dana@contoso.com (corporate LAN; NAT public 192.0.2.140)")
    fe = cap.host("F", "10.10.1.10", "00:1c:7f:3a:00:01", 127, 0x6A04, "Front End fe01.contoso.com, SIP over UDP 5060")
    cap.host("H", "192.168.0.15", "", 0, 0,
             "erin@contoso.com, Skype for Business at home behind NAT 198.51.100.77 — in SDP only")
    cap.host("N", CORP_NAT, "", 0, 0, "corporate NAT, public address (Dana's srflx candidates) — in SDP only")
    cap.host("E", CONTOSO_EDGE_PUBLIC, "", 0, 0, "A/V Edge av.contoso.com, public interface (relay candidates) — in SDP only")
    flow = SipUdpFlow(cap, dana_h, 5060, fe, 5060)
    dana = SipParty(rng, "Dana Whit", "dana@contoso.com", SFB_UA)
    erin = SipParty(rng, "Erin Park", "erin@contoso.com", SFB_UA)
    erin_nat = "198.51.100.77"
    d_teredo = teredo_address(TEREDO_SERVER, CORP_NAT, 41022)
    e_teredo = teredo_address(TEREDO_SERVER, erin_nat, 38211)
    d_audio = IceV19Media(rng, ms_v19_candidates(dana_h.ip, 23010, CORP_NAT, 62010, CONTOSO_EDGE_PUBLIC, 54310,
                                                 teredo=d_teredo))
    d_video = IceV19Media(rng, ms_v19_candidates(dana_h.ip, 23020, CORP_NAT, 62020, CONTOSO_EDGE_PUBLIC, 54320,
                                                 teredo=d_teredo))
    d_share = IceV19Media(rng, ms_v19_candidates(dana_h.ip, 23030, CORP_NAT, 62030, CONTOSO_EDGE_PUBLIC, 54330,
                                                 comps=(1,), udp=False))
    e_audio = IceV19Media(rng, ms_v19_candidates("192.168.0.15", 9610, erin_nat, 38402, CONTOSO_EDGE_PUBLIC, 55410,
                                                 teredo=e_teredo))
    e_video = IceV19Media(rng, ms_v19_candidates("192.168.0.15", 9620, erin_nat, 38412, CONTOSO_EDGE_PUBLIC, 55420,
                                                 teredo=e_teredo))
    e_share = IceV19Media(rng, ms_v19_candidates("192.168.0.15", 9630, erin_nat, 38422, CONTOSO_EDGE_PUBLIC, 55430,
                                                 comps=(1,), udp=False))
    kd = [MediaKeys(rng) for _ in range(3)]
    ke = [MediaKeys(rng) for _ in range(3)]
    ssrc_d, ssrc_e = 1000000000 + rng.getrandbits(30), 1000000000 + rng.getrandbits(30)
    call = rand_hex(rng, 32)
    tag_d, tag_e = rand_hex(rng, 10), rand_hex(rng, 10)
    via = f"SIP/2.0/UDP {dana_h.ip}:5060;branch={lync_branch(rng)}"
    received = ";received=10.10.20.44;ms-received-port=5060"
    info = "a=x-candidate-info:network-type=WLAN"
    sdp_d = sdp_session(dana_h.ip, 0, dana_h.ip,
                        [v19_media("audio", d_audio, kd[0], ssrc_d, extra=[info]),
                         v19_media("video", d_video, kd[1], ssrc_d + 1),
                         v19_media("applicationsharing", d_share, kd[2], None)],
                        V19_SESSION_ATTRS)
    conv = base64.b64encode(b"\x01" + rng.randbytes(21)).decode()
    invite = sip_message(f"INVITE {erin.uri} SIP/2.0", [
        ("Via", via), ("Max-Forwards", "70"), ("From", dana.name_addr(tag_d)), ("To", f"<{erin.uri}>"),
        ("Call-ID", call), ("CSeq", "1 INVITE"), ("Contact", dana.contact()), ("User-Agent", dana.ua),
        ("Supported", "ms-dialog-route-set-update"), ("Ms-Conversation-ID", conv), ("Supported", "timer"),
        ("Supported", "histinfo"), ("Supported", "ms-safe-transfer"), ("Supported", "ms-sender"),
        ("Supported", "ms-early-media"), ("Supported", "100rel"), ("ms-keep-alive", "UAC;hop-hop=yes"),
        ("Allow", LYNC_ALLOW), ("ms-subnet", "10.10.20.0"), ("Accept-Language", "en-US"),
        ("ms-endpoint-location-data", LOCATION_INTRANET), ("Supported", "replaces"),
        ("Supported", "ms-conf-invite"), ("Content-Type", "application/sdp"), ("Content-Length", None)], sdp_d)
    f_inv = flow.c2s(invite, "SIP INVITE: single ICE v19 SDP (audio, video, application sharing)",
                     f"SIP INVITE sip:erin@contoso.com over UDP, Call-ID {call}, CSeq 1 INVITE, Content-Type "
                     f"application/sdp, Content-Length {len(sdp_d)}; User-Agent {SFB_UA}; ICE v19 SDP: "
                     + describe_v19("audio", d_audio) + f"; plus `{info[2:]}` (x-candidate-info, value "
                     "`network-type=WLAN`). " + describe_v19("video", d_video) + ". "
                     + describe_v19("applicationsharing", d_share)
                     + " (m=applicationsharing, TCP/RTP/AVP, component 1 only)")
    cap.after(4.6)
    fe_hdrs = [("Via", via + received), ("From", dana.name_addr(tag_d))]
    flow.s2c(sip_message("SIP/2.0 100 Trying", fe_hdrs + [
        ("To", f"<{erin.uri}>"), ("Call-ID", call), ("CSeq", "1 INVITE"), ("Server", FE_SERVER),
        ("Content-Length", None)]), "SIP 100 Trying", f"100 Trying to frame {f_inv}")
    cap.at(0.913)
    erin_to = erin.name_addr(tag_e)
    rr = (f"<sip:fe01.contoso.com:5060;transport=udp;opaque=state:T:F:Ci.R{rand_hex(rng, 4)}00;lr;"
          f"ms-route-sig={rand_token(rng, 52, B64URL_CHARS)}AAA>;tag={rand_hex(rng, 32, upper=True)}")
    erin_hdrs = [("To", erin_to), ("Call-ID", call), ("CSeq", "1 INVITE"), ("Record-Route", rr),
                 ("Contact", f"<{erin.gruu}>"), ("User-Agent", erin.ua)]
    flow.s2c(sip_message("SIP/2.0 180 Ringing", fe_hdrs + erin_hdrs + [("Content-Length", None)]),
             "SIP 180 Ringing", f"180 Ringing to frame {f_inv}, To tag {tag_e}")
    cap.at(3.677)
    sdp_e = sdp_session("192.168.0.15", 0, "192.168.0.15",
                        [v19_media("audio", e_audio, ke[0], ssrc_e, offer=False),
                         v19_media("video", e_video, ke[1], ssrc_e + 1, offer=False),
                         v19_media("applicationsharing", e_share, ke[2], None, offer=False)],
                        V19_SESSION_ATTRS)
    ok = sip_message("SIP/2.0 200 OK", fe_hdrs + erin_hdrs + [
        ("Supported", "ms-dialog-route-set-update"), ("Allow", LYNC_ALLOW),
        ("ms-endpoint-location-data", LOCATION_INTERNET), ("Content-Type", "application/sdp"),
        ("Content-Length", None)], sdp_e)
    f_ok = flow.s2c(ok, "SIP 200 OK: Erin's ICE v19 answer",
                    f"SIP/2.0 200 OK to frame {f_inv}, Content-Length {len(sdp_e)}; ms-endpoint-location-data "
                    f"{LOCATION_INTERNET}; ICE v19 SDP: " + describe_v19("audio", e_audio) + ". "
                    + describe_v19("video", e_video) + ". " + describe_v19("applicationsharing", e_share))
    cap.after(2.7)
    ack = sip_message(f"ACK {erin.gruu} SIP/2.0", [
        ("Via", f"SIP/2.0/UDP {dana_h.ip}:5060;branch={lync_branch(rng)}"), ("Max-Forwards", "70"),
        ("From", dana.name_addr(tag_d)), ("To", erin_to), ("Call-ID", call), ("CSeq", "1 ACK"),
        ("Route", rr.split(";tag=")[0]), ("User-Agent", dana.ua), ("Content-Length", None)])
    flow.c2s(ack, "SIP ACK", f"ACK for frame {f_ok}")
    return cap
