# SPDX-License-Identifier: GPL-2.0-or-later
"""MS-TURN captures scripted frame by frame: msturn-udp-allocate (the Allocate life cycle over UDP),
msturn-tcp (pseudo-TLS on 443, plain TCP 3478, a real TLS stream), msturn-relay (relayed checks and
media, 0xFF10, errors) and msturn-bwm (MS-TURNBWM bandwidth management, MS-ICE2BWM 275)."""

import random
import struct

from .actors import (CORP_CREDS, HOME_CREDS, ICE_LOCAL, ICE_LYNC_LOCAL, ICE_LYNC_PEER, ICE_PEER,
    ICE_V6_LOCAL, ICE_V6_PEER, LYNC_CREDS)
from .capture import Capture
from .media import (RtpStream, client_hello_session_id, pseudo_tls_client_hello, pseudo_tls_server_hello,
    rfc4571, tls13_client_hello, tls13_server_flight, tls_record)
from .net import TcpFlow, UdpFlow
from .stun import (ALLOCATE_ERROR, ALLOCATE_REQUEST, ALLOCATE_RESPONSE, AT_ALTERNATE_SERVER,
    AT_DESTINATION_ADDRESS, AT_LOCAL_RELAY_SITE_ADDRESS, AT_LOCAL_RELAY_SITE_RESPONSE, AT_LOCAL_SITE_ADDRESS,
    AT_LOCAL_SITE_RESPONSE, AT_MAPPED_ADDRESS, AT_MSTURN_XOR_MAPPED_ADDRESS, AT_MS_ALTERNATE_MAPPED_ADDRESS,
    AT_MS_SEQUENCE_NUMBER, AT_REMOTE_RELAY_SITE_ADDRESS, AT_REMOTE_RELAY_SITE_RESPONSE,
    AT_REMOTE_SITE_ADDRESS, AT_REMOTE_SITE_RESPONSE, AT_RESERVATION_ID, AT_SIP_CALL_ID, AT_SIP_DIALOG_ID,
    BAC_CHECK, BAC_COMMIT, BAC_UPDATE, BINDING_ERROR, BINDING_REQUEST, BINDING_RESPONSE, FED_ENTERPRISE,
    FED_NONE, FRAME_CONTROL, FRAME_DATA, LOC_INTERNET, LOC_INTRANET, REASON_401, SET_ACTIVE_DEST_ERROR,
    SET_ACTIVE_DEST_REQUEST, SET_ACTIVE_DEST_RESPONSE, Txids, bac_message, bandwidth, edge_software,
    error_code, framed, hexs, ice2_check_request, ice2_check_response, ice_priority, implementation_version,
    legacy_stun, lifetime, location_profile, ms_sequence, ms_turn_data_ind, ms_turn_send, ms_version, msturn,
    msturn_xor_addr, multiplexed, nonce, plain_addr, realm, requested_family, reservation_amount,
    rfc5389_stun, service_quality, session_id_attr, site_response, username, v6_username)


def capture_udp_allocate():
    """msturn-udp-allocate.pcap: the Allocate life cycle over UDP 3478."""
    rng = random.Random("msice-udp-allocate")
    tx = Txids(rng)
    cap = Capture(
        "msturn-udp-allocate.pcap", "MS-TURN Allocate life cycle over UDP 3478",
        "A Teams client (MS-Version 6) at home behind NAT allocates a relay on the A/V Edge: "
        "unauthenticated Allocate (retransmitted once after 650 ms), 401 digest challenge, "
        "authenticated Allocate, success; an Allocate to an unreachable intranet Edge that is never "
        "answered; two IPv6-related allocations; a refresh after 40 s and a release "
        "(LIFETIME 0) after 55 s. Credentials: set *home* (see Credentials).")
    client = cap.host("C", "192.168.1.20", "3c:22:fb:5a:10:20", 128, 0x2F10, "Teams client (home LAN, behind NAT; public 192.0.2.77)")
    edge = cap.host("E", "203.0.113.10", "f4:ca:e5:4d:01:01", 108, 0x7C90, "A/V Edge, public interface")
    edge_int = cap.host("I", "10.10.20.5", "f4:ca:e5:4d:01:01", 64, 0, "A/V Edge, intranet interface (unreachable from home)")
    creds = HOME_CREDS
    nonce_v = rng.randbytes(20)
    sid = rng.randbytes(8)
    conn_id = rng.randbytes(20)
    public_ip = "192.0.2.77"
    flow = UdpFlow(cap, client, 50012, edge, 3478)
    rtt = 43

    base = [ms_version(6), bandwidth(12000), service_quality(1, 0)]
    # --- unauthenticated Allocate, parallel Allocate to the intranet Edge
    t1 = tx.client()
    alloc1 = msturn(ALLOCATE_REQUEST, t1, base)
    f_a1 = flow.c2s(alloc1, "Allocate Request (no credentials)",
                    f"MS-TURN Allocate Request 0x0003, txid {hexs(t1)}; MAGIC-COOKIE 0x72c64bc6; "
                    "MS-VERSION 6; BANDWIDTH 12000 kbps; MS-SERVICE-QUALITY stream 1 (audio), quality 0 (best effort)")
    cap.after(1.2)
    t_lost = tx.client()
    lost = UdpFlow(cap, client, 50013, edge_int, 3478)
    lost.c2s(msturn(ALLOCATE_REQUEST, t_lost, base), "Allocate Request to intranet Edge — never answered",
                      f"MS-TURN Allocate Request, txid {hexs(t_lost)}; no response in the capture (unanswered request)")
    cap.after(650 - 1.2)
    f_re = flow.c2s(alloc1, "Allocate Request retransmission (same txid, +650 ms)",
                    f"same txid as frame {f_a1}: retransmission; byte-identical to frame {f_a1}")
    cap.after(rtt)
    relay_port = 3480
    mapped_port = 53121
    f_401 = flow.s2c(msturn(ALLOCATE_ERROR, t1, [
        ms_version(6), error_code(401, REASON_401),
        plain_addr(AT_ALTERNATE_SERVER, edge.ip, 3478), nonce(nonce_v), realm(),
        plain_addr(AT_MAPPED_ADDRESS, edge.ip, relay_port), session_id_attr(sid),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, public_ip, mapped_port, t1), edge_software()]),
        "Allocate Error Response 401 (digest challenge)",
        f"MS-TURN Allocate Error Response 0x0113, response to frames {f_a1}/{f_re}; ERROR-CODE 401 "
        f"\"{REASON_401}\" (attr len 61, unpadded); ALTERNATE-SERVER {edge.ip}:3478; NONCE 20 bytes "
        f"{hexs(nonce_v)}; REALM \"rtcmedia\" incl. quotes (len 10); MAPPED-ADDRESS {edge.ip}:{relay_port}; "
        f"MULTIPLEXED-TURN-SESSION-ID {hexs(sid)}; XOR-MAPPED-ADDRESS (0x8020) {public_ip}:{mapped_port}; "
        "0x8022 \"2.0.1.211\" (len 9)")
    # --- authenticated Allocate to the Alternate Server (= same address)
    cap.after(4.1)
    t2 = tx.client()
    auth_attrs = base + [session_id_attr(sid), nonce(nonce_v), realm(), username(creds.username)]
    f_a2 = flow.c2s(msturn(ALLOCATE_REQUEST, t2, auth_attrs, creds), "Allocate Request (authenticated)",
                    f"MS-TURN Allocate Request, txid {hexs(t2)}; MS-VERSION 6; BANDWIDTH; MS-SERVICE-QUALITY; "
                    f"MULTIPLEXED-TURN-SESSION-ID {hexs(sid)}; NONCE (as frame {f_401}); REALM \"rtcmedia\"; "
                    f"USERNAME 56 binary bytes; MESSAGE-INTEGRITY 32 bytes (HMAC-SHA256) — verifies with the home credentials")
    cap.after(rtt + 0.6)
    f_ok = flow.s2c(msturn(ALLOCATE_RESPONSE, t2, [
        lifetime(60), plain_addr(AT_MAPPED_ADDRESS, edge.ip, relay_port), ms_version(6),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, public_ip, mapped_port, t2),
        ms_sequence(conn_id, 0), session_id_attr(sid), edge_software(), bandwidth(12000)], creds),
        "Allocate Response (success)",
        f"MS-TURN Allocate Response 0x0103, response to frame {f_a2}, ~{rtt} ms; LIFETIME 60; MAPPED-ADDRESS "
        f"(relayed address) {edge.ip}:{relay_port}; MS-VERSION 6; XOR-MAPPED-ADDRESS 0x8020 (reflexive) "
        f"{public_ip}:{mapped_port} (XOR with txid bytes 0-3, not the constant); MS-SEQUENCE-NUMBER "
        f"connection id {hexs(conn_id)} seq 0; MULTIPLEXED-TURN-SESSION-ID {hexs(sid)}; 0x8022 \"2.0.1.211\"; "
        "BANDWIDTH 12000; MESSAGE-INTEGRITY 32 bytes (verifies)")

    # --- IPv6: REQUESTED-ADDRESS-FAMILY = IPv6 -> IPv6 relay in MAPPED-ADDRESS
    cap.after(15)
    flow6 = UdpFlow(cap, client, 50014, edge, 3478)
    t4 = tx.client()
    relay6 = "2001:db8:52:10::a"
    f_v6r = flow6.c2s(msturn(ALLOCATE_REQUEST, t4, base + [requested_family(2), nonce(nonce_v), realm(),
                                                          username(creds.username)], creds),
                      "Allocate Request, REQUESTED-ADDRESS-FAMILY IPv6",
                      f"MS-TURN Allocate Request, txid {hexs(t4)}; REQUESTED-ADDRESS-FAMILY family 2 (IPv6), "
                      "reserved 0 0 0; NONCE/REALM/USERNAME; MESSAGE-INTEGRITY 32 bytes (verifies)")
    cap.after(rtt + 1.3)
    sid4 = rng.randbytes(8)
    conn4 = rng.randbytes(20)
    flow6.s2c(msturn(ALLOCATE_RESPONSE, t4, [
        lifetime(60), plain_addr(AT_MAPPED_ADDRESS, relay6, relay_port), ms_version(6),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, public_ip, 53125, t4),
        ms_sequence(conn4, 0), session_id_attr(sid4), edge_software()], creds),
        "Allocate Response with IPv6 relay",
        f"MS-TURN Allocate Response to frame {f_v6r}; MAPPED-ADDRESS family 2 (IPv6) [{relay6}]:{relay_port} "
        f"(len 20); XOR-MAPPED-ADDRESS {public_ip}:53125; MULTIPLEXED-TURN-SESSION-ID {hexs(sid4)}; MI verifies")
    # --- no REQUESTED-ADDRESS-FAMILY (= both): IPv4 relay + MS-ALTERNATE-MAPPED-ADDRESS IPv6
    cap.after(9)
    flow46 = UdpFlow(cap, client, 50016, edge, 3478)
    t5 = tx.client()
    f_46r = flow46.c2s(msturn(ALLOCATE_REQUEST, t5, base + [nonce(nonce_v), realm(), username(creds.username)], creds),
                       "Allocate Request (no address family: wants IPv4 and IPv6)",
                       f"MS-TURN Allocate Request, txid {hexs(t5)}; no REQUESTED-ADDRESS-FAMILY; MI verifies")
    cap.after(rtt - 0.4)
    sid5 = rng.randbytes(8)
    conn5 = rng.randbytes(20)
    flow46.s2c(msturn(ALLOCATE_RESPONSE, t5, [
        lifetime(60), plain_addr(AT_MAPPED_ADDRESS, edge.ip, 3482),
        plain_addr(AT_MS_ALTERNATE_MAPPED_ADDRESS, relay6, 3482), ms_version(6),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, public_ip, 53127, t5),
        ms_sequence(conn5, 0), session_id_attr(sid5), edge_software()], creds),
        "Allocate Response with IPv4 relay + MS-ALTERNATE-MAPPED-ADDRESS (IPv6 relay)",
        f"MS-TURN Allocate Response to frame {f_46r}; MAPPED-ADDRESS {edge.ip}:3482; MS-ALTERNATE-MAPPED-ADDRESS "
        f"(0x8090) [{relay6}]:3482 (plain, not XOR-ed, len 20); XOR-MAPPED-ADDRESS {public_ip}:53127; MI verifies")

    # --- refresh at 40 s and release at 55 s on the first socket
    cap.at(40.0)
    t6 = tx.client()
    f_rr = flow.c2s(msturn(ALLOCATE_REQUEST, t6, [
        ms_version(6), ms_sequence(conn_id, 1), nonce(nonce_v), realm(), username(creds.username)], creds),
        "Allocate Request (refresh)",
        f"MS-TURN Allocate Request, txid {hexs(t6)}; MS-SEQUENCE-NUMBER connection id as frame {f_ok}, seq 1; "
        "no LIFETIME; MI verifies")
    cap.after(rtt + 2.2)
    flow.s2c(msturn(ALLOCATE_RESPONSE, t6, [
        lifetime(60), plain_addr(AT_MAPPED_ADDRESS, edge.ip, relay_port), ms_version(6),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, public_ip, mapped_port, t6),
        ms_sequence(conn_id, 1), edge_software()], creds),
        "Allocate Response (refresh)",
        f"response to frame {f_rr}; LIFETIME 60; same relayed/reflexive addresses as frame {f_ok} "
        "(the XOR-ed bytes differ because the txid differs); MI verifies")
    cap.at(55.0)
    t7 = tx.client()
    # Teams sends the 4-byte form of MS-SEQUENCE-NUMBER (value 1) when releasing (teams.pcap).
    f_rel = flow.c2s(msturn(ALLOCATE_REQUEST, t7, [
        ms_version(6), lifetime(0), (AT_MS_SEQUENCE_NUMBER, struct.pack("!I", 1)),
        nonce(nonce_v), realm(), username(creds.username)], creds),
        "Allocate Request LIFETIME 0 (release)",
        f"MS-TURN Allocate Request, txid {hexs(t7)}; LIFETIME 0 = release; MS-SEQUENCE-NUMBER in its short "
        "4-byte form (value 1) as real Teams sends it — decode without error; MI verifies")
    cap.after(rtt + 0.9)
    flow.s2c(msturn(ALLOCATE_RESPONSE, t7, [
        lifetime(0), plain_addr(AT_MAPPED_ADDRESS, edge.ip, relay_port), ms_version(6),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, public_ip, mapped_port, t7),
        ms_sequence(conn_id, 2), edge_software()], creds),
        "Allocate Response LIFETIME 0 (released)",
        f"response to frame {f_rel}; LIFETIME 0 (allocation released); MI verifies")
    return cap


def capture_tcp():
    """msturn-tcp.pcap: MS-TURN over TCP 443 (pseudo-TLS) and TCP 3478, plus real TLS."""
    rng = random.Random("msice-tcp")
    tx = Txids(rng)
    cap = Capture(
        "msturn-tcp.pcap", "MS-TURN over TCP (pseudo-TLS on 443, plain on 3478) and a real TLS stream",
        "Stream 0: TCP 443 to the Edge with the pseudo-TLS handshake, then MS-TURN with the 4-byte "
        "framing header: Allocate / 401 / Allocate (split over two segments) / success; one segment "
        "holding two framed Send Requests; a Data Indication; Set Active Destination; then type-0x03 "
        "data frames carrying RFC 4571-framed RTP (one server segment holds two of them). "
        "Stream 1: TCP 3478 with framed MS-TURN and no pseudo-TLS. Stream 2: a genuine TLS 1.3 "
        "handshake to another server on 443, which must stay TLS. Credentials: set *home* (see Credentials).")
    client = cap.host("C", "192.168.1.20", "3c:22:fb:5a:10:20", 128, 0x4A02, "Teams client (home LAN, behind NAT; public 192.0.2.77)")
    edge = cap.host("E", "203.0.113.10", "f4:ca:e5:4d:01:01", 108, 0x1D40, "A/V Edge, public interface (TCP 443 and 3478)")
    web = cap.host("W", "198.51.100.200", "f4:ca:e5:4d:01:01", 54, 0x0, "ordinary HTTPS server (www.example.com)")
    peer_ip, peer_port = "198.51.100.23", 50062
    creds = HOME_CREDS
    rtt = 38

    # ---------------- stream 0: pseudo-TLS on 443
    tcp = TcpFlow(cap, rng, client, 51544, edge, 443)
    C, S = TcpFlow.C, TcpFlow.S
    tcp.handshake(rtt)
    cap.after(0.4)
    tcp.send(C, pseudo_tls_client_hello(rng), "pseudo-TLS ClientHello (50 bytes, no framing header)",
                    "pseudo-TLS handshake record (16 03 01 00 2d 01 ...; cipher 0x0018); not TLS — the stream is MS-TURN")
    cap.after(rtt)
    tcp.send(S, pseudo_tls_server_hello(rng), "pseudo-TLS ServerHello+ServerHelloDone (83 bytes)",
                    "pseudo-TLS ServerHello + ServerHelloDone in one record; no framing header")
    cap.after(1.1)
    nonce_v = rng.randbytes(20)
    sid = rng.randbytes(8)
    conn_id = rng.randbytes(20)
    relay_port = 50918            # TCP relay port on the Edge
    public_port = 51544
    base = [ms_version(6), bandwidth(12000), service_quality(1, 0)]
    t1 = tx.client()
    f_a1 = tcp.send(C, framed(FRAME_CONTROL, msturn(ALLOCATE_REQUEST, t1, base)),
                    "framed Allocate Request (no credentials)",
                    f"framing header type 0x02 (control), reserved 0, length = message size; MS-TURN Allocate Request "
                    f"txid {hexs(t1)}; MS-VERSION 6")
    cap.after(rtt + 1.5)
    tcp.send(S, framed(FRAME_CONTROL, msturn(ALLOCATE_ERROR, t1, [
        ms_version(6), error_code(401, REASON_401), plain_addr(AT_ALTERNATE_SERVER, edge.ip, 443),
        nonce(nonce_v), realm(), session_id_attr(sid), edge_software()])),
        "framed Allocate Error Response 401",
        f"framing 0x02; Allocate Error Response to frame {f_a1}; ERROR-CODE 401; ALTERNATE-SERVER {edge.ip}:443; "
        "NONCE; REALM \"rtcmedia\"; 0x8095; 0x8022")
    cap.after(3.0)
    t2 = tx.client()
    auth = framed(FRAME_CONTROL, msturn(ALLOCATE_REQUEST, t2, base + [
        session_id_attr(sid), nonce(nonce_v), realm(), username(creds.username)], creds))
    split = 61   # 4-byte framing header + 20-byte MS-TURN header + 37 bytes of attributes
    f_s1 = tcp.send(C, auth[:split], "framed Allocate Request (authenticated), part 1 of 2",
                    f"first {split} of {len(auth)} bytes of a framed MS-TURN message (split inside an attribute): "
                    "needs TCP reassembly")
    cap.after(0.3)
    f_s2 = tcp.send(C, auth[split:], "framed Allocate Request (authenticated), part 2 of 2",
                    f"remaining {len(auth) - split} bytes; reassembled with frame {f_s1}: Allocate Request txid "
                    f"{hexs(t2)} with USERNAME/REALM/NONCE, MESSAGE-INTEGRITY 32 bytes (verifies)")
    cap.after(rtt + 2.0)
    tcp.send(S, framed(FRAME_CONTROL, msturn(ALLOCATE_RESPONSE, t2, [
        lifetime(60), plain_addr(AT_MAPPED_ADDRESS, edge.ip, relay_port), ms_version(6),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, "192.0.2.77", public_port, t2),
        ms_sequence(conn_id, 0), session_id_attr(sid), edge_software(), bandwidth(12000)], creds)),
        "framed Allocate Response (success)",
        f"framing 0x02; Allocate Response to frame {f_s2} (request started in {f_s1}); LIFETIME 60; MAPPED-ADDRESS "
        f"{edge.ip}:{relay_port}; XOR-MAPPED-ADDRESS 192.0.2.77:{public_port}; MS-SEQUENCE-NUMBER; 0x8095 {hexs(sid)}; "
        "MI verifies")
    # --- two framed Send Requests in one segment: checks to the peer's host and srflx candidates
    cap.after(21)
    c_a, c_b = tx.rfc5389(), tx.rfc5389()
    prio = ice_priority(110, 0x6BF9, 1)
    chk_a = ice2_check_request(c_a, ICE_LOCAL, ICE_PEER, prio, True, "3", 7)
    chk_b = ice2_check_request(c_b, ICE_LOCAL, ICE_PEER, prio, True, "3", 7)
    s_a, s_b = tx.client(), tx.client()
    two = (framed(FRAME_CONTROL, ms_turn_send(s_a, creds, [], "192.168.77.14", 50062, chk_a))
           + framed(FRAME_CONTROL, ms_turn_send(s_b, creds, [], peer_ip, peer_port, chk_b)))
    f_two = tcp.send(C, two, "two framed Send Requests in one segment",
                     f"two MS-TURN Send Requests (0x0004) in one TCP segment, each with its own framing header; "
                     f"1st: DESTINATION-ADDRESS 192.168.77.14:50062, DATA = MS-ICE2 Binding Request "
                     f"USERNAME \"{ICE_PEER.ufrag}:{ICE_LOCAL.ufrag}\"; 2nd: DESTINATION-ADDRESS {peer_ip}:{peer_port}, "
                     "same check with its own txid; each Send has MI 32 bytes (verifies); no responses to Sends")
    cap.after(rtt + 31)
    d1 = tx.random128()
    resp_b = ice2_check_response(c_b, ICE_PEER, edge.ip, relay_port, 7)
    tcp.send(S, framed(FRAME_CONTROL, ms_turn_data_ind(d1, peer_ip, peer_port, resp_b)),
                    "framed Data Indication with Binding Success Response",
                    f"framing 0x02; Data Indication 0x0115, random txid {hexs(d1)}; REMOTE-ADDRESS {peer_ip}:{peer_port} "
                    f"(plain); DATA = MS-ICE2 Binding Success Response (txid = inner check of frame {f_two}, 2nd message), "
                    f"XOR-MAPPED-ADDRESS 0x0020 {edge.ip}:{relay_port}, MI + FINGERPRINT valid (peer pwd)")
    cap.after(6.5)
    t3 = tx.client()
    f_sad = tcp.send(C, framed(FRAME_CONTROL, msturn(SET_ACTIVE_DEST_REQUEST, t3, [
        ms_version(6), username(creds.username), realm(), nonce(nonce_v),
        plain_addr(AT_DESTINATION_ADDRESS, peer_ip, peer_port)], creds)),
        "framed Set Active Destination Request",
        f"Set Active Destination Request 0x0006 txid {hexs(t3)}; DESTINATION-ADDRESS {peer_ip}:{peer_port}; MI verifies")
    cap.after(rtt + 0.8)
    tcp.send(S, framed(FRAME_CONTROL, msturn(SET_ACTIVE_DEST_RESPONSE, t3, [ms_version(6)], creds)),
                      "framed Set Active Destination Response",
                      f"Set Active Destination Response 0x0106 to frame {f_sad}; MI verifies")
    # --- 0x03 data frames with RFC 4571-framed RTP
    out = RtpStream(rng, 8, 0x5A17C3E1, 20981, 1604480)
    inn = RtpStream(rng, 8, 0x0B9E2D44, 6120, 88000)
    cap.after(2.0)
    p = out.next(marker=True)
    tcp.send(C, framed(FRAME_DATA, rfc4571(p)), "data frame 0x03: RTP to peer",
                    f"framing header type 0x03 (end-to-end data), length 174; payload = RFC 4571 length 172 + "
                    f"{out.describe(p)}")
    cap.after(20)
    p = out.next()
    tcp.send(C, framed(FRAME_DATA, rfc4571(p)), "data frame 0x03: RTP to peer", f"type 0x03; {out.describe(p)}")
    cap.after(7)
    p1, p2 = inn.next(marker=True), inn.next()
    tcp.send(S, framed(FRAME_DATA, rfc4571(p1)) + framed(FRAME_DATA, rfc4571(p2)),
                    "two data frames 0x03 in one segment: RTP from peer",
                    f"two 0x03 frames in one TCP segment: {inn.describe(p1)}; {inn.describe(p2)}")
    cap.after(13)
    p = out.next()
    tcp.send(C, framed(FRAME_DATA, rfc4571(p)), "data frame 0x03: RTP to peer", f"type 0x03; {out.describe(p)}")
    cap.after(8)
    p = inn.next()
    tcp.send(S, framed(FRAME_DATA, rfc4571(p)), "data frame 0x03: RTP from peer", f"type 0x03; {inn.describe(p)}")
    cap.after(12)
    p = out.next()
    tcp.send(C, framed(FRAME_DATA, rfc4571(p)), "data frame 0x03: RTP to peer", f"type 0x03; {out.describe(p)}")
    cap.after(40)
    tcp.ack(S)
    cap.after(300)
    tcp.close(rtt)

    # ---------------- stream 1: plain TCP 3478, framed MS-TURN without pseudo-TLS
    cap.after(250)
    tcp2 = TcpFlow(cap, rng, client, 51546, edge, 3478)
    tcp2.handshake(rtt)
    cap.after(0.5)
    t4 = tx.client()
    f_b1 = tcp2.send(C, framed(FRAME_CONTROL, msturn(ALLOCATE_REQUEST, t4, base)),
                     "framed Allocate Request on TCP 3478",
                     f"framing 0x02 directly after the handshake (no pseudo-TLS); Allocate Request txid {hexs(t4)}")
    cap.after(rtt + 0.7)
    nonce2 = rng.randbytes(20)
    tcp2.send(S, framed(FRAME_CONTROL, msturn(ALLOCATE_ERROR, t4, [
        ms_version(6), error_code(401, REASON_401), plain_addr(AT_ALTERNATE_SERVER, edge.ip, 3478),
        nonce(nonce2), realm(), edge_software()])),
        "framed Allocate Error Response 401", f"response to frame {f_b1}; ERROR-CODE 401; REALM; NONCE")
    cap.after(2.6)
    t5 = tx.client()
    f_b3 = tcp2.send(C, framed(FRAME_CONTROL, msturn(ALLOCATE_REQUEST, t5, base + [
        nonce(nonce2), realm(), username(creds.username)], creds)),
        "framed Allocate Request (authenticated)", f"Allocate Request txid {hexs(t5)}; MI verifies")
    cap.after(rtt + 1.9)
    tcp2.send(S, framed(FRAME_CONTROL, msturn(ALLOCATE_RESPONSE, t5, [
        lifetime(60), plain_addr(AT_MAPPED_ADDRESS, edge.ip, 50920), ms_version(6),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, "192.0.2.77", 51546, t5),
        ms_sequence(rng.randbytes(20), 0), session_id_attr(rng.randbytes(8)), edge_software()], creds)),
        "framed Allocate Response (success)",
        f"response to frame {f_b3}; MAPPED-ADDRESS {edge.ip}:50920; XOR-MAPPED-ADDRESS 192.0.2.77:51546; MI verifies")
    cap.after(45)
    tcp2.ack(C)
    cap.after(500)
    tcp2.close(rtt)

    # ---------------- stream 2: genuine TLS 1.3 to an ordinary HTTPS server
    cap.after(120)
    tls = TcpFlow(cap, rng, client, 51548, web, 443)
    tls.handshake(24)
    cap.after(0.6)
    hello = tls13_client_hello(rng, "www.example.com")
    tls.send(C, hello, "real TLS 1.3 ClientHello (SNI www.example.com)",
                     "must stay TLS: Client Hello with SNI www.example.com; msturn must not claim this stream")
    cap.after(24)
    tls.send(S, tls13_server_flight(rng, client_hello_session_id(hello)),
             "TLS ServerHello + ChangeCipherSpec + encrypted record", "TLS (stock dissector)")
    cap.after(1.2)
    tls.send(C, tls_record(0x14, 0x0303, b"\x01") + tls_record(0x17, 0x0303, rng.randbytes(53)),
             "TLS ChangeCipherSpec + encrypted Finished", "TLS (stock dissector)")
    cap.after(180)
    tls.close(24)
    return cap


def capture_relay():
    """msturn-relay.pcap: relayed checks and media over UDP 3478."""
    rng = random.Random("msice-relay")
    tx = Txids(rng)
    cap = Capture(
        "msturn-relay.pcap", "Relayed connectivity checks and media through the Edge (UDP 3478)",
        "A Teams client in a corporate network allocates a relay, runs MS-ICE2 checks with a remote "
        "Teams peer through Send Requests / Data Indications, sets the active destination, nominates, "
        "then sends RTP/RTCP inside DATA and later over multiplexed TURN (0xFF10, session id from the "
        "Allocate response). It also relays one MS-ICE v6 (Lync 2010 style, RFC 3489) check to a second "
        "peer, gets a Set Active Destination error 437 on a socket without allocation and an Allocate "
        "error 486, and releases the allocation. Credentials: set *corp* and the Teams ICE credentials (see Credentials).")
    client = cap.host("C", "10.10.20.31", "00:15:5d:0a:14:1f", 128, 0x6604, "Teams client (corporate LAN, NAT public 192.0.2.140)")
    edge = cap.host("E", "203.0.113.20", "00:1c:7f:3a:00:01", 110, 0x2210, "A/V Edge, public interface")
    creds = CORP_CREDS
    public_ip, public_port = "192.0.2.140", 61022
    peer_ip, peer_port = "198.51.100.23", 50062          # Teams peer (its srflx)
    lync_ip, lync_port = "198.51.100.80", 27644          # Lync 2010 peer (MS-ICE v6)
    relay_port = 3480
    flow = UdpFlow(cap, client, 50040, edge, 3478)
    rtt, peer_rtt = 27, 44
    nonce_v = rng.randbytes(20)
    sid = rng.randbytes(8)
    conn_id = rng.randbytes(20)
    base = [ms_version(6), bandwidth(12000), service_quality(2, 2)]
    seq = 0

    def next_seq():
        nonlocal seq
        seq += 1
        return ms_sequence(conn_id, seq)

    # --- short allocation
    t1 = tx.client()
    f_a1 = flow.c2s(msturn(ALLOCATE_REQUEST, t1, base), "Allocate Request (no credentials)",
                    f"Allocate Request txid {hexs(t1)}; MS-SERVICE-QUALITY stream 2 (video), quality 2 (not in the spec "
                    "table: show as unknown value 2)")
    cap.after(rtt)
    flow.s2c(msturn(ALLOCATE_ERROR, t1, [
        ms_version(6), error_code(401, REASON_401), plain_addr(AT_ALTERNATE_SERVER, edge.ip, 3478),
        nonce(nonce_v), realm(), session_id_attr(sid), edge_software()]),
        "Allocate Error Response 401", f"response to frame {f_a1}; ERROR-CODE 401; NONCE; REALM; 0x8095 {hexs(sid)}")
    cap.after(3.2)
    t2 = tx.client()
    f_a2 = flow.c2s(msturn(ALLOCATE_REQUEST, t2, base + [session_id_attr(sid), nonce(nonce_v), realm(),
                                                         username(creds.username)], creds),
                    "Allocate Request (authenticated)", f"Allocate Request txid {hexs(t2)}; MI 32 bytes verifies (corp credentials)")
    cap.after(rtt + 0.5)
    f_ok = flow.s2c(msturn(ALLOCATE_RESPONSE, t2, [
        lifetime(60), plain_addr(AT_MAPPED_ADDRESS, edge.ip, relay_port), ms_version(6),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, public_ip, public_port, t2),
        ms_sequence(conn_id, 0), session_id_attr(sid), edge_software(), bandwidth(12000)], creds),
        "Allocate Response (success)",
        f"response to frame {f_a2}; relayed {edge.ip}:{relay_port}; reflexive {public_ip}:{public_port}; "
        f"MULTIPLEXED-TURN-SESSION-ID {hexs(sid)}; MS-SEQUENCE-NUMBER seq 0")

    # --- checks through the relay
    cap.after(180)
    prio_relay = ice_priority(110, 0xFFF8, 1)
    c1 = tx.rfc5389()
    chk1 = ice2_check_request(c1, ICE_LOCAL, ICE_PEER, prio_relay, True, "2", 7)
    s1 = tx.client()
    f_s1 = flow.c2s(ms_turn_send(s1, creds, [next_seq()], peer_ip, peer_port, chk1),
                    "Send Request: relayed Binding Request (controlling)",
                    f"Send Request 0x0004 txid {hexs(s1)} (not 'Refresh'); MS-SEQUENCE-NUMBER seq 1; DESTINATION-ADDRESS "
                    f"{peer_ip}:{peer_port} (plain); DATA = MS-ICE2 Binding Request txid 2112a442{hexs(c1)}: USERNAME "
                    f"\"{ICE_PEER.ufrag}:{ICE_LOCAL.ufrag}\" (len 9 + 3 pad), ICE-CONTROLLING, IMPLEMENTATION-VERSION 7, "
                    f"PRIORITY {prio_relay}, CANDIDATE-IDENTIFIER \"2\", MI (key = peer ice-pwd) and FINGERPRINT valid; "
                    "outer MI 32 bytes verifies; no response expected to the Send Request itself")
    cap.after(9)
    c_peer = tx.rfc5389()
    peer_chk = ice2_check_request(c_peer, ICE_PEER, ICE_LOCAL, ice_priority(110, 0xFFFE, 1), False, "1", 7)
    d1 = tx.random128()
    f_d1 = flow.s2c(ms_turn_data_ind(d1, peer_ip, peer_port, peer_chk),
                    "Data Indication: peer's Binding Request (controlled)",
                    f"Data Indication 0x0115, random 128-bit txid {hexs(d1)} (no 2112a442); REMOTE-ADDRESS {peer_ip}:{peer_port} "
                    f"(plain, not XOR); DATA = Binding Request USERNAME \"{ICE_LOCAL.ufrag}:{ICE_PEER.ufrag}\", ICE-CONTROLLED, "
                    "MI (key = local ice-pwd) valid")
    cap.after(0.6)
    s2 = tx.client()
    flow.c2s(ms_turn_send(s2, creds, [next_seq()], peer_ip, peer_port,
                                 ice2_check_response(c_peer, ICE_LOCAL, peer_ip, peer_port, 7)),
                    "Send Request: relayed Binding Success Response",
                    f"DATA = Binding Success Response to the check in frame {f_d1}, XOR-MAPPED-ADDRESS 0x0020 "
                    f"{peer_ip}:{peer_port} (RFC 5389 XOR); MI (local ice-pwd) and FINGERPRINT valid")
    cap.after(peer_rtt + rtt - 9.6)
    d2 = tx.random128()
    flow.s2c(ms_turn_data_ind(d2, peer_ip, peer_port,
                                     ice2_check_response(c1, ICE_PEER, edge.ip, relay_port, 7)),
                    "Data Indication: Binding Success Response from peer",
                    f"DATA = Binding Success Response to the relayed check in frame {f_s1}; XOR-MAPPED-ADDRESS 0x0020 "
                    f"{edge.ip}:{relay_port} (our relayed address as the peer sees it)")
    cap.after(5)
    t3 = tx.client()
    f_sad = flow.c2s(msturn(SET_ACTIVE_DEST_REQUEST, t3, [
        ms_version(6), username(creds.username), realm(), nonce(nonce_v), next_seq(),
        plain_addr(AT_DESTINATION_ADDRESS, peer_ip, peer_port)], creds),
        "Set Active Destination Request",
        f"0x0006 txid {hexs(t3)}; DESTINATION-ADDRESS {peer_ip}:{peer_port}; MI verifies")
    cap.after(rtt + 0.4)
    flow.s2c(msturn(SET_ACTIVE_DEST_RESPONSE, t3, [ms_version(6)], creds),
                      "Set Active Destination Response", f"0x0106, response to frame {f_sad}; MI verifies")
    cap.after(3)
    c2 = tx.rfc5389()
    s3 = tx.client()
    f_nom = flow.c2s(ms_turn_send(s3, creds, [next_seq()], peer_ip, peer_port,
                                  ice2_check_request(c2, ICE_LOCAL, ICE_PEER, prio_relay, True, "2", 7, nominate=True)),
                     "Send Request: relayed Binding Request with USE-CANDIDATE",
                     "DATA = Binding Request with USE-CANDIDATE (empty attribute, nomination), ICE-CONTROLLING")
    cap.after(peer_rtt + rtt)
    d3 = tx.random128()
    flow.s2c(ms_turn_data_ind(d3, peer_ip, peer_port,
                                       ice2_check_response(c2, ICE_PEER, edge.ip, relay_port, 7)),
                      "Data Indication: Binding Success Response (nomination)",
                      f"DATA = Binding Success Response to the check in frame {f_nom}: pair nominated, path = relay")

    # --- RTP/RTCP inside Send Requests / Data Indications
    out = RtpStream(rng, 0, 0x3C41D2A7, 11872, 3200160)
    inn = RtpStream(rng, 0, 0x91E0675B, 40210, 770880)
    cap.after(12)
    for i in range(3):
        p = out.next(marker=(i == 0))
        flow.c2s(ms_turn_send(tx.client(), creds, [next_seq()], peer_ip, peer_port, p),
                 "Send Request with RTP", f"DATA = {out.describe(p)}")
        cap.after(6.5)
        p = inn.next(marker=(i == 0))
        flow.s2c(ms_turn_data_ind(tx.random128(), peer_ip, peer_port, p),
                 "Data Indication with RTP", f"REMOTE-ADDRESS {peer_ip}:{peer_port}; DATA = {inn.describe(p)}")
        cap.after(13.5)
    sr = out.sender_report(cap.now, b"Qx7d@teams")
    flow.c2s(ms_turn_send(tx.client(), creds, [next_seq()], peer_ip, peer_port + 1, sr),
                    "Send Request with RTCP Sender Report",
                    f"DESTINATION-ADDRESS {peer_ip}:{peer_port + 1}; DATA = RTCP SR (PT 200) SSRC 0x{out.ssrc:08x}, "
                    f"packets {out.sent}, + SDES CNAME")

    # --- multiplexed TURN (0xFF10) on the same 5-tuple
    cap.after(400)
    c3 = tx.rfc5389()
    f_m1 = flow.c2s(multiplexed(sid, ice2_check_request(c3, ICE_LOCAL, ICE_PEER, prio_relay, True, "2", 7)),
                    "0xFF10 multiplexed frame: Binding Request (consent)",
                    f"Multiplexed TURN: channel 0xFF10, length = 8 + data, session id {hexs(sid)} = 0x8095 of frame {f_ok}; "
                    "data = MS-ICE2 Binding Request (MI/FINGERPRINT valid)")
    cap.after(rtt + peer_rtt)
    flow.s2c(multiplexed(sid, ice2_check_response(c3, ICE_PEER, edge.ip, relay_port, 7)),
                    "0xFF10 multiplexed frame: Binding Success Response",
                    f"0xFF10, session id {hexs(sid)}; data = Binding Success Response to frame {f_m1}")
    cap.after(6)
    for i in range(2):
        p = out.next()
        flow.c2s(multiplexed(sid, p), "0xFF10 multiplexed frame: RTP to peer",
                 f"0xFF10, session id {hexs(sid)}; data = {out.describe(p)}")
        cap.after(4)
        p = inn.next()
        flow.s2c(multiplexed(sid, p), "0xFF10 multiplexed frame: RTP from peer",
                 f"0xFF10, session id {hexs(sid)}; data = {inn.describe(p)}")
        cap.after(16)

    # --- MS-ICE v6 (RFC 3489) check relayed to a Lync 2010 peer
    cap.after(900)
    v6tx = tx.random128()
    v6_user = v6_username(ICE_V6_PEER, ICE_V6_LOCAL)
    v6_req = legacy_stun(BINDING_REQUEST, v6tx, [username(v6_user)], mi_key=ICE_V6_PEER.pwd)
    f_v6 = flow.c2s(ms_turn_send(tx.client(), creds, [next_seq()], lync_ip, lync_port, v6_req),
                    "Send Request: relayed MS-ICE v6 (classic STUN) Binding Request",
                    f"DATA = RFC 3489 Binding Request: random 128-bit txid {hexs(v6tx)} (no magic cookie), attributes "
                    f"unpadded; USERNAME {len(v6_user)} bytes = peer-user(32):1:local-user(32):1 + 3 NULs counted in "
                    "the length; MESSAGE-INTEGRITY 20 bytes (HMAC-SHA1, key = peer's decoded candidate password, "
                    "input zero-padded to 64)")
    cap.after(rtt + 61)
    v6_resp = legacy_stun(BINDING_RESPONSE, v6tx, [plain_addr(AT_MAPPED_ADDRESS, edge.ip, relay_port),
                                                   username(v6_user)], mi_key=ICE_V6_PEER.pwd)
    flow.s2c(ms_turn_data_ind(tx.random128(), lync_ip, lync_port, v6_resp),
                     "Data Indication: relayed MS-ICE v6 Binding Response",
                     f"DATA = RFC 3489 Binding Response to frame {f_v6}: MAPPED-ADDRESS {edge.ip}:{relay_port} (plain), "
                     "USERNAME echoed, MI 20 bytes (same key)")

    # --- errors on other sockets
    cap.after(300)
    flow2 = UdpFlow(cap, client, 50042, edge, 3478)
    t_e = tx.client()
    f_e1 = flow2.c2s(msturn(SET_ACTIVE_DEST_REQUEST, t_e, [
        ms_version(6), username(creds.username), realm(), nonce(nonce_v),
        plain_addr(AT_DESTINATION_ADDRESS, peer_ip, peer_port)], creds),
        "Set Active Destination Request on a socket without allocation",
        f"0x0006 txid {hexs(t_e)}; MI verifies")
    cap.after(rtt + 0.3)
    flow2.s2c(msturn(SET_ACTIVE_DEST_ERROR, t_e, [
        ms_version(6), error_code(437, "Allocation Mismatch"), edge_software()]),
        "Set Active Destination Error Response 437",
        f"0x0116, response to frame {f_e1}; ERROR-CODE 437 \"Allocation Mismatch\" (class 4, number 37)")
    cap.after(50)
    flow3 = UdpFlow(cap, client, 50044, edge, 3478)
    t_q = tx.client()
    f_q1 = flow3.c2s(msturn(ALLOCATE_REQUEST, t_q, base + [nonce(nonce_v), realm(), username(creds.username)], creds),
                     "Allocate Request (quota exceeded)", f"Allocate Request txid {hexs(t_q)}; MI verifies")
    cap.after(rtt + 1.1)
    flow3.s2c(msturn(ALLOCATE_ERROR, t_q, [
        ms_version(6), error_code(486, "Allocation Quota Reached"), edge_software()]),
        "Allocate Error Response 486", f"0x0113, response to frame {f_q1}; ERROR-CODE 486 \"Allocation Quota Reached\"")

    # --- release
    cap.after(2000)
    t_r = tx.client()
    f_rel = flow.c2s(msturn(ALLOCATE_REQUEST, t_r, [
        ms_version(6), lifetime(0), next_seq(), nonce(nonce_v), realm(), username(creds.username)], creds),
        "Allocate Request LIFETIME 0 (release)", f"txid {hexs(t_r)}; LIFETIME 0; MI verifies")
    cap.after(rtt + 0.7)
    flow.s2c(msturn(ALLOCATE_RESPONSE, t_r, [
        lifetime(0), plain_addr(AT_MAPPED_ADDRESS, edge.ip, relay_port), ms_version(6),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, public_ip, public_port, t_r),
        ms_sequence(conn_id, seq), edge_software()], creds),
        "Allocate Response LIFETIME 0 (released)", f"response to frame {f_rel}; LIFETIME 0")
    return cap


def capture_bwm():
    """msturn-bwm.pcap: MS-TURNBWM call admission control and an MS-ICE2BWM 275."""
    rng = random.Random("msice-bwm")
    tx = Txids(rng)
    cap = Capture(
        "msturn-bwm.pcap", "Bandwidth management (MS-TURNBWM) and MS-ICE2BWM",
        "A Lync 2010 client (MS-Version 2, so MESSAGE-INTEGRITY is 20 bytes HMAC-SHA1) on the corporate "
        "LAN talks to the Edge's intranet interface. Its Allocate requests carry the call admission "
        "control attributes: a Reservation Check (admitted), a second Check to an IPv6 remote site "
        "(refused, PSTN failover offered), a Commit, an Update and a cancelling Update (all amounts 0). "
        "In between, a relayed check is refused by the peer with MS-ICE2BWM error 275. "
        "Credentials: set *lync2010* and the Lync BWM ICE credentials (see Credentials).")
    client = cap.host("C", "10.10.20.31", "00:15:5d:0a:14:1f", 128, 0x0C31, "Lync 2010 client (corporate LAN)")
    edge = cap.host("E", "10.10.1.5", "00:1c:7f:3a:00:01", 127, 0x5A00, "A/V Edge, intranet interface / bandwidth policy server")
    creds = LYNC_CREDS
    flow = UdpFlow(cap, client, 50100, edge, 3478)
    rtt = 4
    nonce_v = rng.randbytes(20)
    conn_id = rng.randbytes(20)
    relay_ip, relay_port = "203.0.113.30", 50324
    call_id = b"7f3c9a2e41b84d0fa6c1d5e9b2f07a18"
    dialog_id = call_id + b";from-tag=3a9c1e07d2;to-tag=b64f0e91a3;epid=8e21f4c7a0"
    remote_site = ("10.40.8.15", 22044)           # peer host in branch office
    remote_relay = ("203.0.113.31", 51880)        # peer's relay on its Edge
    local_site = (client.ip, 50112)               # our media host candidate
    local_relay = (relay_ip, relay_port)
    base = [ms_version(2), bandwidth(2000), service_quality(1, 0)]

    t1 = tx.client()
    f_a1 = flow.c2s(msturn(ALLOCATE_REQUEST, t1, base), "Allocate Request (no credentials)",
                    f"Allocate Request txid {hexs(t1)}; MS-VERSION 2")
    cap.after(rtt)
    flow.s2c(msturn(ALLOCATE_ERROR, t1, [
        ms_version(2), error_code(401, REASON_401), plain_addr(AT_ALTERNATE_SERVER, edge.ip, 3478),
        nonce(nonce_v), realm()]),
        "Allocate Error Response 401", f"response to frame {f_a1}; ERROR-CODE 401; NONCE; REALM")
    auth = [nonce(nonce_v), realm(), username(creds.username)]

    # --- Reservation Check (admitted)
    cap.after(2.3)
    t2 = tx.client()
    check1 = msturn(ALLOCATE_REQUEST, t2, base + auth + [
        bac_message(BAC_CHECK), reservation_amount(45, 100, 45, 100),
        msturn_xor_addr(AT_REMOTE_SITE_ADDRESS, *remote_site, t2),
        msturn_xor_addr(AT_REMOTE_RELAY_SITE_ADDRESS, *remote_relay, t2),
        msturn_xor_addr(AT_LOCAL_SITE_ADDRESS, *local_site, t2),
        location_profile(LOC_INTRANET, LOC_INTRANET, FED_NONE), (AT_SIP_CALL_ID, call_id)], creds)
    f_c1 = flow.c2s(check1, "Allocate Request + BWM Reservation Check",
                    f"Allocate Request txid {hexs(t2)}; BAC MESSAGE (0x8056) type 0 = Reservation Check; RESERVATION AMOUNT "
                    "min send 45, max send 100, min recv 45, max recv 100 kbps (spec order); REMOTE SITE ADDRESS "
                    f"{remote_site[0]}:{remote_site[1]}, REMOTE RELAY SITE ADDRESS {remote_relay[0]}:{remote_relay[1]}, "
                    f"LOCAL SITE ADDRESS {local_site[0]}:{local_site[1]} (all XOR-ed with txid bytes); LOCATION PROFILE "
                    f"peer 2 (intranet), self 2 (intranet), federation 0 (none); SIP CALL ID \"{call_id.decode()}\"; "
                    "MESSAGE-INTEGRITY 20 bytes (HMAC-SHA1, MS-Version 2) verifies")
    cap.after(rtt + 11)
    flow.s2c(msturn(ALLOCATE_RESPONSE, t2, [
        lifetime(480), plain_addr(AT_MAPPED_ADDRESS, relay_ip, relay_port), ms_version(2),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, client.ip, 50100, t2), ms_sequence(conn_id, 0),
        site_response(AT_REMOTE_SITE_RESPONSE, True, 100, 100),
        site_response(AT_REMOTE_RELAY_SITE_RESPONSE, True, 100, 100),
        site_response(AT_LOCAL_SITE_RESPONSE, True, 100, 100),
        site_response(AT_LOCAL_RELAY_SITE_RESPONSE, True, 100, 100)], creds),
        "Allocate Response + site responses (all admitted)",
        f"response to frame {f_c1}; LIFETIME 480; MAPPED-ADDRESS {relay_ip}:{relay_port}; REMOTE SITE ADDRESS RESPONSE "
        "V=1 F=0 send 100 recv 100; REMOTE RELAY SITE RESPONSE V=1 100/100; LOCAL SITE ADDRESS RESPONSE V=1 F=0 "
        "100/100; LOCAL RELAY SITE RESPONSE V=1 100/100; MI 20 bytes verifies")

    # --- second Check to an IPv6 site: refused, PSTN failover
    cap.after(35)
    t3 = tx.client()
    remote6 = ("2001:db8:60:3::22", 31004)
    check2 = msturn(ALLOCATE_REQUEST, t3, base + auth + [
        bac_message(BAC_CHECK), reservation_amount(45, 100, 45, 100),
        msturn_xor_addr(AT_REMOTE_SITE_ADDRESS, *remote6, t3),
        msturn_xor_addr(AT_LOCAL_SITE_ADDRESS, *local_site, t3),
        location_profile(LOC_INTERNET, LOC_INTRANET, FED_ENTERPRISE), (AT_SIP_CALL_ID, call_id)], creds)
    f_c2 = flow.c2s(check2, "Allocate Request + Reservation Check (IPv6 remote site)",
                    f"txid {hexs(t3)}; BAC MESSAGE Check; REMOTE SITE ADDRESS family 2 [{remote6[0]}]:{remote6[1]} "
                    "(IPv6 XOR with all 16 txid bytes); LOCATION PROFILE peer 1 (internet), self 2 (intranet), "
                    "federation 1 (enterprise)")
    cap.after(rtt + 14)
    flow.s2c(msturn(ALLOCATE_RESPONSE, t3, [
        lifetime(480), plain_addr(AT_MAPPED_ADDRESS, relay_ip, relay_port), ms_version(2),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, client.ip, 50100, t3), ms_sequence(conn_id, 1),
        site_response(AT_REMOTE_SITE_RESPONSE, False, 0, 0, failover=True),
        site_response(AT_LOCAL_SITE_RESPONSE, True, 100, 100)], creds),
        "Allocate Response: remote site refused, PSTN failover",
        f"response to frame {f_c2}; REMOTE SITE ADDRESS RESPONSE V=0 F=1 (policy refused, PSTN failover allowed), "
        "send 0 recv 0; LOCAL SITE ADDRESS RESPONSE V=1 F=0 100/100")

    # --- Commit
    cap.after(1450)
    t4 = tx.client()
    res_id = rng.randbytes(16)
    commit = msturn(ALLOCATE_REQUEST, t4, base + auth + [
        bac_message(BAC_COMMIT), reservation_amount(45, 64, 45, 64),
        msturn_xor_addr(AT_REMOTE_SITE_ADDRESS, *remote_site, t4),
        msturn_xor_addr(AT_LOCAL_SITE_ADDRESS, *local_site, t4),
        msturn_xor_addr(AT_REMOTE_RELAY_SITE_ADDRESS, *remote_relay, t4),
        msturn_xor_addr(AT_LOCAL_RELAY_SITE_ADDRESS, *local_relay, t4),
        location_profile(LOC_INTRANET, LOC_INTRANET, FED_NONE), (AT_SIP_DIALOG_ID, dialog_id)], creds)
    f_cm = flow.c2s(commit, "Allocate Request + Reservation Commit",
                    f"txid {hexs(t4)}; BAC MESSAGE type 1 = Commit; RESERVATION AMOUNT 45/64/45/64; REMOTE SITE, LOCAL SITE, "
                    f"REMOTE RELAY SITE, LOCAL RELAY SITE {local_relay[0]}:{local_relay[1]} (0x805C); LOCATION PROFILE; "
                    f"SIP DIALOG ID \"{dialog_id.decode()}\"")
    cap.after(rtt + 9)
    flow.s2c(msturn(ALLOCATE_RESPONSE, t4, [
        lifetime(480), plain_addr(AT_MAPPED_ADDRESS, relay_ip, relay_port), ms_version(2),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, client.ip, 50100, t4), ms_sequence(conn_id, 2),
        bac_message(BAC_COMMIT), (AT_RESERVATION_ID, res_id), reservation_amount(45, 64, 45, 64)], creds),
        "Allocate Response to Commit (reservation id)",
        f"response to frame {f_cm}; BAC MESSAGE Commit; BANDWIDTH RESERVATION IDENTIFIER {hexs(res_id)}; "
        "RESERVATION AMOUNT 45/64/45/64")

    # --- relayed check refused with MS-ICE2BWM 275
    cap.after(120)
    c1 = tx.rfc5389()
    chk = ice2_check_request(c1, ICE_LYNC_LOCAL, ICE_LYNC_PEER, ice_priority(110, 0x6BFA, 1), True, "4", 3,
                             lync_username=True)
    f_s = flow.c2s(ms_turn_send(tx.client(), creds, [ms_sequence(conn_id, 3)], *remote_site, chk),
                   "Send Request: relayed Binding Request (Lync)",
                   f"Send Request; MS-SEQUENCE-NUMBER seq 3; DESTINATION-ADDRESS {remote_site[0]}:{remote_site[1]}; DATA = "
                   f"MS-ICE2 Binding Request, IMPLEMENTATION-VERSION 3, USERNAME \"{ICE_LYNC_PEER.ufrag}:{ICE_LYNC_LOCAL.ufrag}\" "
                   "+ 3 NULs counted in the length (12), MI/FINGERPRINT valid; outer MI 20 bytes verifies")
    cap.after(rtt + 18)
    err = rfc5389_stun(BINDING_ERROR, c1, [
        username(f"{ICE_LYNC_PEER.ufrag}:{ICE_LYNC_LOCAL.ufrag}".encode() + b"\0\0\0"),
        error_code(275, "Disable Candidate Pair"), implementation_version(3)],
        mi_key=ICE_LYNC_PEER.pwd.encode())
    d1 = tx.random128()
    flow.s2c(ms_turn_data_ind(d1, *remote_site, err),
                     "Data Indication: Binding Error Response 275 (MS-ICE2BWM)",
                     f"Data Indication random txid {hexs(d1)}; DATA = Binding Error Response 0x0111 to the check in frame "
                     f"{f_s}; ERROR-CODE class 2 number 75 = 275 \"Disable Candidate Pair\" (below 300: must not be "
                     "rejected as out of range); USERNAME echoed; MI/FINGERPRINT valid (peer ice-pwd)")

    # --- Update (new amounts), then Update cancelling the reservation
    cap.after(30000)
    t5 = tx.client()
    f_up = flow.c2s(msturn(ALLOCATE_REQUEST, t5, [ms_version(2)] + auth + [
        bac_message(BAC_UPDATE), (AT_RESERVATION_ID, res_id), reservation_amount(45, 80, 45, 80),
        (AT_SIP_DIALOG_ID, dialog_id)], creds),
        "Allocate Request + Reservation Update",
        f"txid {hexs(t5)}; BAC MESSAGE type 2 = Update; RESERVATION ID {hexs(res_id)}; RESERVATION AMOUNT 45/80/45/80")
    cap.after(rtt + 8)
    flow.s2c(msturn(ALLOCATE_RESPONSE, t5, [
        lifetime(480), plain_addr(AT_MAPPED_ADDRESS, relay_ip, relay_port), ms_version(2),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, client.ip, 50100, t5), ms_sequence(conn_id, 4),
        bac_message(BAC_UPDATE), reservation_amount(45, 80, 45, 72)], creds),
        "Allocate Response to Update",
        f"response to frame {f_up}; BAC MESSAGE Update; RESERVATION AMOUNT reserved 45/80/45/72")
    cap.after(60000)
    t6 = tx.client()
    f_cx = flow.c2s(msturn(ALLOCATE_REQUEST, t6, [ms_version(2)] + auth + [
        bac_message(BAC_UPDATE), (AT_RESERVATION_ID, res_id), reservation_amount(0, 0, 0, 0),
        (AT_SIP_DIALOG_ID, dialog_id)], creds),
        "Allocate Request + Reservation Update with zero amounts (cancel)",
        f"txid {hexs(t6)}; BAC MESSAGE Update; RESERVATION AMOUNT 0/0/0/0 = cancel the reservation")
    cap.after(rtt + 7)
    flow.s2c(msturn(ALLOCATE_RESPONSE, t6, [
        lifetime(480), plain_addr(AT_MAPPED_ADDRESS, relay_ip, relay_port), ms_version(2),
        msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, client.ip, 50100, t6), ms_sequence(conn_id, 5),
        bac_message(BAC_UPDATE), reservation_amount(0, 0, 0, 0)], creds),
        "Allocate Response to cancelling Update", f"response to frame {f_cx}; RESERVATION AMOUNT 0/0/0/0")
    return cap
