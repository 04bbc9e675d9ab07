# SPDX-License-Identifier: GPL-2.0-or-later
"""Captures of broken input, one defect per frame: msturn-malformed (MS-TURN lengths, attributes,
integrity, framing) and sip-malformed (candidate lines and MRAS bodies). Decoders must flag each
defect and go on."""

import random
import struct

from .actors import (CONTOSO_AV_INT, CONTOSO_EDGE_PUBLIC, CONTOSO_RELAYS, CORP_CREDS, CORP_NAT, HOME_CREDS,
    LYNC2013_UA)
from .capture import Capture
from .mras import MRAS_CONTENT_TYPE, mras_request_xml, mras_response_xml
from .net import SipUdpFlow, TcpFlow, UdpFlow
from .sdp import V19Candidate, V6Candidate
from .sip import B64URL_CHARS, CRLF, FE_SERVER, SipParty, lync_branch, rand_hex, rand_token, sip_message
from .stun import (ALLOCATE_ERROR, ALLOCATE_REQUEST, ALLOCATE_RESPONSE, AT_MAGIC_COOKIE, AT_MAPPED_ADDRESS,
    AT_MSTURN_XOR_MAPPED_ADDRESS, AT_REALM, AT_SOFTWARE, BINDING_REQUEST, BINDING_RESPONSE, IceV6Candidate,
    MSTURN_COOKIE, SEND_REQUEST, STUN_MAGIC, Txids, bandwidth, data, edge_software, error_code, framed, hexs,
    lifetime, magic_cookie, ms_turn_data_ind, ms_version, msturn, msturn_xor_addr, multiplexed, nonce,
    plain_addr, realm, rfc5389_stun, rfc5389_xor_mapped, tlv, u32, unknown_attributes, username)


def capture_malformed():
    """msturn-malformed.pcap: one defect per frame (plus context frames)."""
    rng = random.Random("msice-malformed")
    tx = Txids(rng)
    cap = Capture(
        "msturn-malformed.pcap", "Malformed and borderline messages",
        "Each frame carries one defect (a few are context: the request a malformed response answers, "
        "the TCP handshake). A decoder must flag each one with an expert item and go on, never crash, "
        "never loop. Two frames are ordinary RFC 5389 STUN on UDP 3478 that must stay with "
        "Wireshark's own STUN dissector. Credentials for the bad-MI frame: set *home* (see Credentials).")
    client = cap.host("C", "192.168.1.20", "3c:22:fb:5a:10:20", 128, 0x7310, "client")
    edge = cap.host("E", "203.0.113.10", "f4:ca:e5:4d:01:01", 108, 0x0100, "A/V Edge")
    creds = HOME_CREDS
    flow = UdpFlow(cap, client, 50200, edge, 3478)

    def gap():
        cap.after(100)

    # 1. attribute length overruns the message
    t = tx.client()
    body = tlv(AT_MAGIC_COOKIE, struct.pack("!I", MSTURN_COOKIE)) + struct.pack("!HH", AT_REALM, 200) + b'"rtcmedia"'
    flow.c2s(struct.pack("!HH", ALLOCATE_REQUEST, len(body)) + t + body,
             "attribute length overruns the message",
             "MS-TURN Allocate Request (MAGIC-COOKIE first); REALM declares length 200 but only 10 bytes remain: "
             "expert 'attribute length exceeds message', stop the walk")
    gap()
    # 2. header length larger than the datagram
    t = tx.client()
    flow.c2s(msturn(ALLOCATE_REQUEST, t, [ms_version(6), bandwidth(12000)], length=300),
             "message length larger than the datagram (truncated)",
             "header Length 300 but only 24 bytes of attributes present: expert 'truncated'; decode the attributes "
             "that are there")
    gap()
    # 3. header length shorter than the attributes
    t = tx.client()
    flow.c2s(msturn(ALLOCATE_REQUEST, t, [ms_version(6), bandwidth(12000)], length=8),
             "message length shorter than the attributes",
             "header Length 8 (only MAGIC-COOKIE) but 16 more attribute bytes follow in the datagram: walk stops at "
             "Length; expert about 16 trailing bytes")
    gap()
    # 4. zero-length loop bait
    t = tx.client()
    flow.c2s(msturn(ALLOCATE_REQUEST, t, [(0x8FFF, b"")] * 300),
             "300 zero-length unknown attributes (loop bait)",
             "MAGIC-COOKIE + 300 × attribute 0x8FFF length 0: walk must terminate (bounded), unknown optional attributes")
    gap()
    # 5-6. unknown comprehension-required attribute and the 420 answer
    t = tx.client()
    f5 = flow.c2s(msturn(ALLOCATE_REQUEST, t, [ms_version(6), u32(0x0031, 7)]),
                  "unknown comprehension-required attribute 0x0031",
                  f"Allocate Request txid {hexs(t)}; attribute 0x0031 (range 0x0000-0x7FFF, unknown): expert "
                  "'unknown comprehension-required attribute'")
    cap.after(40)
    flow.s2c(msturn(ALLOCATE_ERROR, t, [ms_version(6), error_code(420, "Unknown Attribute"),
                                        unknown_attributes([0x0031]), edge_software()]),
             "Allocate Error Response 420 with UNKNOWN-ATTRIBUTES (valid)",
             f"valid context frame: response to frame {f5}; ERROR-CODE 420; UNKNOWN-ATTRIBUTES lists 0x0031")
    gap()
    # 7-8. Allocate Error without ERROR-CODE
    t = tx.client()
    f7 = flow.c2s(msturn(ALLOCATE_REQUEST, t, [ms_version(6)]), "Allocate Request (valid, context)",
                  f"valid Allocate Request txid {hexs(t)}")
    cap.after(40)
    flow.s2c(msturn(ALLOCATE_ERROR, t, [ms_version(6), realm()]),
             "Allocate Error Response without ERROR-CODE",
             f"0x0113 response to frame {f7} but no ERROR-CODE attribute: expert 'missing ERROR-CODE'")
    gap()
    # 9. Send Request without DESTINATION-ADDRESS
    t = tx.client()
    flow.c2s(msturn(SEND_REQUEST, t, [ms_version(6), username(creds.username), data(b"\x80\x00" + rng.randbytes(30))],
                    creds),
             "Send Request without DESTINATION-ADDRESS",
             "0x0004 with DATA but no DESTINATION-ADDRESS: expert 'missing DESTINATION-ADDRESS'")
    gap()
    # 10. XOR-MAPPED-ADDRESS with family 7
    t = tx.client()
    flow.s2c(msturn(ALLOCATE_RESPONSE, t, [
        lifetime(60), plain_addr(AT_MAPPED_ADDRESS, edge.ip, 3480),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, "192.0.2.77", 53121, t, family=7)]),
        "XOR-MAPPED-ADDRESS (0x8020) with family 7",
        "Allocate Response (no matching request); XOR-MAPPED-ADDRESS family 7: expert 'unknown address family', "
        "attribute ignored, no address shown")
    gap()
    # 11. MAGIC-COOKIE with a wrong value
    t = tx.client()
    flow.c2s(msturn(ALLOCATE_REQUEST, t, [magic_cookie(0x72C64BC7), ms_version(6)], cookie=False),
             "MAGIC-COOKIE with wrong value 0x72c64bc7",
             "first attribute 0x000F but value 0x72c64bc7: not a valid MS-TURN message — either not claimed or "
             "flagged 'bad magic cookie' (receiver ignores it)")
    gap()
    # 12. DATA with a garbled STUN header
    t = tx.random128()
    garbled = struct.pack("!HH", BINDING_RESPONSE, 0x0400) + STUN_MAGIC + rng.randbytes(12) + rng.randbytes(10)
    flow.s2c(ms_turn_data_ind(t, "198.51.100.23", 50062, garbled),
             "Data Indication whose DATA holds a garbled STUN header",
             "valid Data Indication; DATA starts like a Binding Success Response but its Length 1024 exceeds the "
             "32-byte DATA: inner message flagged truncated, outer message fine")
    gap()
    # 13. 0xFF10 frame whose length lies
    sid = rng.randbytes(8)
    flow.c2s(multiplexed(sid, rng.randbytes(24), length=0x0200),
             "0xFF10 multiplexed frame with a lying length",
             "channel 0xFF10, length 512 but only 32 bytes follow: expert 'length exceeds data', show session id")
    gap()
    # 14. authenticated Allocate whose MESSAGE-INTEGRITY is wrong
    t = tx.client()
    good = msturn(ALLOCATE_REQUEST, t, [ms_version(6), nonce(rng.randbytes(20)), realm(), username(creds.username)], creds)
    bad = good[:-1] + bytes([good[-1] ^ 0x01])
    flow.c2s(bad, "MESSAGE-INTEGRITY that does not verify",
             "well-formed Allocate Request with home-credential MI whose last byte is flipped: integrity status 'bad' "
             "when verification is enabled")
    gap()
    # 15. standard RFC 5389 STUN: must stay Wireshark's STUN
    t12 = tx.rfc5389()
    f15 = flow.c2s(rfc5389_stun(BINDING_REQUEST, t12, [(AT_SOFTWARE, b"example-stun-client 1.0")]),
                   "plain RFC 5389 Binding Request (not MS-TURN)",
                   "magic cookie in bytes 4-7, first attribute SOFTWARE (not 0x000F), FINGERPRINT: must be decoded by "
                   "stock STUN, not msturn")
    cap.after(40)
    flow.s2c(rfc5389_stun(BINDING_RESPONSE, t12, [rfc5389_xor_mapped("192.0.2.77", 53121, t12),
                                                  (AT_SOFTWARE, b"example-stun-server")]),
             "plain RFC 5389 Binding Success Response (not MS-TURN)",
             f"stock STUN: response to frame {f15}, XOR-MAPPED-ADDRESS 192.0.2.77:53121, FINGERPRINT correct")
    # 17+. TCP 3478 with a framing header of type 0x05
    cap.after(500)
    tcp = TcpFlow(cap, rng, client, 51600, edge, 3478)
    tcp.handshake(40)
    cap.after(0.5)
    t = tx.client()
    tcp.send(TcpFlow.C, framed(0x02, msturn(ALLOCATE_REQUEST, t, [ms_version(6)])),
             "framed Allocate Request (type 0x02): the stream is MS-TURN",
             "TCP 3478 stream recognised as MS-TURN by its first framed message")
    cap.after(40)
    t = tx.client()
    tcp.send(TcpFlow.C, framed(0x05, msturn(ALLOCATE_REQUEST, t, [ms_version(6)])),
             "TCP segment with framing header type 0x05",
             "4-byte framing header type 0x05 (only 0x02/0x03 are defined) followed by a valid Allocate: expert "
             "'unknown framing type', do not decode further as MS-TURN data")
    cap.after(40)
    tcp.reset(TcpFlow.S, "TCP RST from the Edge (stream error)")
    return cap


def capture_sip_malformed():
    """sip-malformed.pcap: broken candidate lines and MRAS bodies, one defect per message."""
    rng = random.Random("msice-sip-malformed")
    cap = Capture(
        "sip-malformed.pcap", "Malformed candidate lines and MRAS bodies (SIP/UDP 5060)",
        "Each INVITE carries a small SDP with one broken candidate line between two valid ones; each MRAS "
        "exchange has one broken body. The SIP messages themselves are well formed (correct Content-Length). "
        "A decoder must flag the broken line or body with an expert item, still decode the valid lines around "
        "it, and never crash or loop. Responses to the INVITEs are left out.")
    cli = cap.host("C", "10.10.20.31", "00:15:5d:0a:14:1f", 128, 0x7A00, "Lync 2013 client, alice@contoso.com")
    fe = cap.host("F", "10.10.1.10", "00:1c:7f:3a:00:01", 127, 0x2B00, "Front End fe01.contoso.com, SIP over UDP 5060")
    flow = SipUdpFlow(cap, cli, 5060, fe, 5060)
    alice = SipParty(rng, "Alice Lee", "alice@contoso.com", LYNC2013_UA)
    bob = SipParty(rng, "Bob Kim", "bob@contoso.com", LYNC2013_UA)
    host = cli.ip
    v6a, v6b = IceV6Candidate(rng), IceV6Candidate(rng)
    good6_1 = V6Candidate(v6a, 1, "UDP", 830, host, 18450)
    good6_2 = V6Candidate(v6b, 1, "UDP", 410, CONTOSO_EDGE_PUBLIC, 54120)
    good19_1 = V19Candidate(1, 1, "UDP", host, 21346, "host")
    good19_2 = V19Candidate(7, 1, "UDP", CONTOSO_EDGE_PUBLIC, 54130, "relay", CORP_NAT, 61034)

    def invite(lines, v6):
        call = rand_hex(rng, 32)
        first, last = (good6_1, good6_2) if v6 else (good19_1, good19_2)
        media = [f"m=audio {first.port} RTP/AVP 0 8 101"]
        if not v6:
            media += [f"a=ice-ufrag:{rand_token(rng, 4)}", f"a=ice-pwd:{rand_token(rng, 24)}"]
        text = (CRLF.join(["v=0", f"o=- 0 0 IN IP4 {host}", "s=session", f"c=IN IP4 {host}", "b=CT:99980", "t=0 0"]
                          + media + [first.line()]) + CRLF).encode()
        text += b"".join(l + CRLF.encode() for l in lines)
        text += (CRLF.join([last.line(), "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
                            "a=rtpmap:101 telephone-event/8000"]) + CRLF).encode()
        msg = sip_message(f"INVITE {bob.uri} SIP/2.0", [
            ("Via", f"SIP/2.0/UDP {host}:5060;branch={lync_branch(rng)}"), ("Max-Forwards", "70"),
            ("From", alice.name_addr(rand_hex(rng, 10))), ("To", f"<{bob.uri}>"), ("Call-ID", call),
            ("CSeq", "1 INVITE"), ("Contact", alice.contact()), ("User-Agent", alice.ua),
            ("Content-Type", "application/sdp"), ("Content-Length", None)], text)
        return msg, first, last, len(text)

    def shown(line):
        """The broken line as a README value: attribute value, non-ASCII bytes as \\xNN."""
        v = line.split(b":", 1)[1].rstrip(b" ")
        return "`" + "".join(chr(c) if 0x20 <= c < 0x7F else f"\\x{c:02x}" for c in v) + "`"

    def bad_invite(line, v6, what, defect, show_line=None):
        msg, first, last, n = invite([line], v6)
        kind = "v6" if v6 else "v19"
        n_ = flow.c2s(msg, what,
                      f"SIP INVITE, Content-Length {n}; SDP with 3 {kind} candidate lines: valid {first.describe()}; "
                      f"then the broken line {show_line or shown(line)} — {defect}; then valid {last.describe()} "
                      "(both valid lines decoded)")
        cap.after(120)
        return n_

    u, p = v6a.user_b64, v6a.pwd_b64
    srflx = V19Candidate(5, 1, "UDP", CORP_NAT, 61034, "srflx").priority
    bad_invite(f"a=candidate:{u} 2 {p} UDP 1.5 {host} 18451 ".encode(), True,
               "v6 candidate with qvalue 1.5", "qvalue above 1.000: expert 'qvalue out of range'")
    bad_invite(f"a=candidate:{u} 2 {p} UDP 0.830 {host} ".encode(), True,
               "v6 candidate with missing port", "6 of 7 tokens (no port): expert 'missing token'")
    bad_invite(f"a=candidate:1 2 UDP abc {host} 21347 typ host ".encode(), False,
               "v19 candidate with priority abc", "priority is not a number")
    bad_invite(f"a=candidate:1 2 UDP 2130705918 {host} 70000 typ host ".encode(), False,
               "v19 candidate with port 70000", "port above 65535")
    bad_invite(b"a=candidate:1 2 UDP 2130705918 999.1.1.1 21347 typ host ", False,
               "v19 candidate with address 999.1.1.1", "999.1.1.1 is not an IP address")
    bad_invite(f"a=candidate:1 2 UDP 2130705918 {host}".encode(), False,
               "v19 candidate with missing tokens", "no port and no typ (5 of 8 tokens): expert 'missing token'")
    bad_invite(f"a=candidate:5 1 UDP {srflx} {CORP_NAT} 61034 typ bogus ".encode(), False,
               "v19 candidate with typ bogus", "unknown candidate type 'bogus'")
    bad_invite(f"a=candidate:5 1 UDP {srflx} {CORP_NAT} 61034 typ srflx raddr {host} ".encode(), False,
               "v19 candidate with raddr but no rport", "raddr without rport")
    long_line = f"a=candidate:{'A' * 4000} 2 UDP 2130705918 {host} 21347 typ host ".encode()
    bad_invite(long_line, False,
               f"v19 candidate line of {len(long_line)} bytes (foundation of 4000 characters)",
               f"a {len(long_line)}-byte line whose foundation is 4000 'A' characters (ICE allows 1-32): expert "
               "'foundation too long'; the line is decoded or skipped without overrunning any buffer",
               show_line=f"`AAAA…A (4000 × 'A') 2 UDP 2130705918 {host} 21347 typ host`")
    bad_invite(b"a=candidate:1 2 UDP 2130705918 10.10.20.\xc3\xa9\xff\xfe 21347 typ h\xf6st ", False,
               "v19 candidate with non-ASCII bytes",
               "the address ends in bytes c3 a9 (UTF-8 'é') ff fe (invalid UTF-8) and the type has byte f6 "
               "(Latin-1 'ö'): invalid address and unknown type, shown escaped, never as raw bytes")

    # ---------------- MRAS bodies
    mras_uri = f"sip:alice@contoso.com;gruu;opaque=srvr:MRAS:{rand_token(rng, 22, B64URL_CHARS)}AA"

    def service(xml, what, show):
        call, tag = rand_hex(rng, 32), rand_hex(rng, 10)
        via = f"SIP/2.0/UDP {host}:5060;branch={lync_branch(rng)}"
        msg = sip_message(f"SERVICE {mras_uri} SIP/2.0", [
            ("Via", via), ("Max-Forwards", "70"), ("From", alice.name_addr(tag)), ("To", f"<{mras_uri}>"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Contact", alice.contact()), ("User-Agent", alice.ua),
            ("Content-Type", MRAS_CONTENT_TYPE), ("Content-Length", None)], xml)
        n = flow.c2s(msg, what, f"SIP SERVICE, Content-Length {len(xml.encode())}; " + show)
        return n, via, call, tag

    def service_ok(n_req, via, call, tag, xml, what, show):
        msg = sip_message("SIP/2.0 200 OK", [
            ("Via", via + ";ms-received-port=5060"), ("From", alice.name_addr(tag)),
            ("To", f"<{mras_uri}>;tag={rand_hex(rng, 32, upper=True)}"), ("Call-ID", call), ("CSeq", "1 SERVICE"),
            ("Server", FE_SERVER), ("Content-Type", MRAS_CONTENT_TYPE), ("Content-Length", None)], xml)
        return flow.s2c(msg, what, f"SIP 200 OK to frame {n_req}, Content-Length {len(xml.encode())}; " + show)

    rid = str(rng.randrange(10000, 99999))
    wrong_ns = "http://schemas.microsoft.com/2006/09/sip/mras"
    service(mras_request_xml(rid, alice.uri, mras_uri, [(rid, alice.uri, "intranet", 480)], ns=wrong_ns),
            "SERVICE with MRAS request in the wrong namespace",
            f"MRAS-like <request> (requestID {rid}) but xmlns=\"{wrong_ns}\" (not …/mrasp): expert 'unexpected "
            "namespace'; not decoded as MRAS, or decoded with that warning")
    cap.after(120)
    rid = str(rng.randrange(10000, 99999))
    req = mras_request_xml(rid, alice.uri, mras_uri, [(rid, alice.uri, "intranet", 480)])
    n, via, call, tag = service(req, "SERVICE with valid MRAS request (context)",
                                f"valid MRAS request, requestID {rid}, location intranet, duration 480")
    cap.after(55)
    good = mras_response_xml(rid, alice.uri, mras_uri, "OK", [dict(
        id=rid, username=CORP_CREDS.username_b64, password=CORP_CREDS.password_b64, duration=480,
        relays=[dict(location="intranet", directIPAddress=CONTOSO_AV_INT, udpPort=3478, tcpPort=443)])])
    unclosed = good.replace("</username>", "", 1)
    service_ok(n, via, call, tag, unclosed, "200 OK with MRAS response: unclosed <username> tag",
               f"MRAS response requestID {rid}, reasonPhrase \"OK\", but `<username>` is never closed (the text "
               "runs into `<password>`): expert 'malformed XML'; no credentials taken from it")
    cap.after(120)
    rid = str(rng.randrange(10000, 99999))
    req = mras_request_xml(rid, alice.uri, mras_uri, [(rid, alice.uri, "internet", 480)])
    n, via, call, tag = service(req, "SERVICE with valid MRAS request (context)",
                                f"valid MRAS request, requestID {rid}, location internet, duration 480")
    cap.after(55)
    full = mras_response_xml(rid, alice.uri, mras_uri, "OK", [dict(
        id=rid, username=HOME_CREDS.username_b64, password=HOME_CREDS.password_b64, duration=480, relays=CONTOSO_RELAYS)])
    cut = full[:full.index("<mediaRelayList>") + len("<mediaRelayList>") + 40]
    service_ok(n, via, call, tag, cut, "200 OK with MRAS response that ends early",
               f"MRAS response requestID {rid}, reasonPhrase \"OK\", username/password/duration complete "
               f"(home set), but the XML stops inside the first <mediaRelay> after {len(cut)} bytes (Content-Length "
               "matches what is present): expert 'truncated XML'")
    return cap
