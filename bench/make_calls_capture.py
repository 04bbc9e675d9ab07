#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes a large synthetic capture of many ICE calls for the speed test.

    make_calls_capture.py OUT.pcap [CALLS] [RTP_PER_DIRECTION]

Each call: SIP INVITE with a v19 SDP (host, srflx, relay candidates), 200 OK
with the callee's, a host-host MS-ICE2 connectivity check and its response,
then RTP both ways on the host pair (20 ms apart), interleaved with the other
calls so that many calls are open at once, and an MS-TURN Allocate exchange
per call. Defaults: 1000 calls x 2 x 500 RTP = 1,000,000+ packets. Plain
pcap writing with the standard library (scapy would take minutes).
"""
import random
import struct
import sys
import zlib

ETH = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def udp_frame(src, sport, dst, dport, payload, ident):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident & 0xFFFF, 0, 64, 17, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return ETH + hdr + udp


def stun(msg_type, txid, attrs):
    body = b""
    for t, v in attrs:
        body += struct.pack("!HH", t, len(v)) + v + b"\0" * ((4 - len(v) % 4) % 4)
    head = struct.pack("!HHI", msg_type, len(body) + 8, 0x2112A442) + txid
    msg = head + body
    crc = (zlib.crc32(msg[:2] + struct.pack("!H", len(body) + 8) + msg[4:]) ^ 0x5354554E) & 0xFFFFFFFF
    return msg + struct.pack("!HHI", 0x8028, 4, crc)


def msturn(msg_type, txid, attrs):
    body = struct.pack("!HHI", 0x000F, 4, 0x72C64BC6)
    for t, v in attrs:
        body += struct.pack("!HH", t, len(v)) + v
    return struct.pack("!HH", msg_type, len(body)) + txid + body


def sdp(ip, port, ufrag, relay, relay_port, pub):
    return ("v=0\r\no=- 0 0 IN IP4 %s\r\ns=session\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n"
            "a=ice-ufrag:%s\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
            "a=candidate:1 1 UDP 2130706431 %s %d typ host\r\n"
            "a=candidate:1 2 UDP 2130705918 %s %d typ host\r\n"
            "a=candidate:2 1 UDP 1694498559 %s %d typ srflx raddr %s rport %d\r\n"
            "a=candidate:3 1 UDP 16648959 %s %d typ relay raddr %s rport %d\r\n"
            "a=rtpmap:0 PCMU/8000\r\n" % (ip, ip, port, ufrag, ip, port, ip, port + 1, pub, port, ip, port,
                                          relay, relay_port, pub, port))


def sip(first, call_id, from_uri, to_uri, cseq, body):
    return ("%s\r\nVia: SIP/2.0/UDP 10.1.0.1:5060;branch=z9hG4bK%s\r\nFrom: <%s>;tag=a1\r\nTo: <%s>\r\n"
            "Call-ID: %s\r\nCSeq: %s\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s"
            % (first, call_id[:8], from_uri, to_uri, call_id, cseq, len(body), body)).encode()


def main():
    out = sys.argv[1]
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    per_dir = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    rnd = random.Random(1)
    frames = []  # (time, bytes)
    ident = 0
    for c in range(calls):
        t0 = c * 0.05
        a = "10.2.%d.%d" % (c // 250, c % 250 + 1)
        b = "10.3.%d.%d" % (c // 250, c % 250 + 1)
        pa, pb = 20000 + 2 * (c % 5000), 30000 + 2 * (c % 5000)
        ua, ub = "a%03x" % c, "b%03x" % c
        call_id = "bench-%06d@contoso.com" % c
        edge, relay_port = "203.0.113.20", 20000 + c % 20000
        # TURN allocation of the caller.
        tx = bytes(rnd.getrandbits(8) for _ in range(16))
        frames.append((t0, udp_frame(a, 50000 + c % 10000, edge, 3478, msturn(0x0003, tx, [(0x8008, b"\0\0\0\6")]), ident)))
        frames.append((t0 + 0.02, udp_frame(edge, 3478, a, 50000 + c % 10000, msturn(0x0103, tx, [
            (0x0001, b"\0\1" + struct.pack("!H", relay_port) + ip4(edge)),
            (0x8020, b"\0\1" + bytes(x ^ y for x, y in zip(struct.pack("!H", 61000) + ip4("192.0.2.1"), tx[:6])))]),
            ident)))
        inv = sip("INVITE sip:bob%d@contoso.com SIP/2.0" % c, call_id, "sip:alice%d@contoso.com" % c,
                  "sip:bob%d@contoso.com" % c, "1 INVITE", sdp(a, pa, ua, edge, relay_port, "192.0.2.1"))
        ok = sip("SIP/2.0 200 OK", call_id, "sip:alice%d@contoso.com" % c, "sip:bob%d@contoso.com" % c, "1 INVITE",
                 sdp(b, pb, ub, edge, relay_port + 20000, "198.51.100.1"))
        frames.append((t0 + 0.03, udp_frame(a, 5060, "10.1.0.1", 5060, inv, ident)))
        frames.append((t0 + 0.5, udp_frame("10.1.0.1", 5060, a, 5060, ok, ident)))
        ctx = bytes(rnd.getrandbits(8) for _ in range(12))
        frames.append((t0 + 0.6, udp_frame(a, pa, b, pb, stun(0x0001, ctx, [(0x0006, ("%s:%s" % (ub, ua)).encode()),
                                                                         (0x8070, b"\0\0\0\3")]), ident)))
        frames.append((t0 + 0.61, udp_frame(b, pb, a, pa, stun(0x0101, ctx, [
            (0x0020, b"\0\1" + struct.pack("!H", pa ^ 0x2112) + bytes(x ^ y for x, y in zip(ip4(a), b"\x21\x12\xa4\x42"))),
            (0x8070, b"\0\0\0\3")]), ident)))
        ssrc_a, ssrc_b = 0x10000000 + c, 0x20000000 + c
        for i in range(per_dir):
            t = t0 + 0.7 + i * 0.02
            payload = bytes(160)
            frames.append((t, udp_frame(a, pa, b, pb, struct.pack("!BBHII", 0x80, 0, i & 0xFFFF, i * 160, ssrc_a) + payload, ident)))
            frames.append((t + 0.001, udp_frame(b, pb, a, pa, struct.pack("!BBHII", 0x80, 0, i & 0xFFFF, i * 160, ssrc_b) + payload, ident)))
            ident += 1
    frames.sort(key=lambda f: f[0])
    base = 1768467600
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, data in frames:
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            f.write(struct.pack("<IIII", base + sec, usec, len(data), len(data)))
            f.write(data)
    print("%s: %d calls, %d frames" % (out, calls, len(frames)))


if __name__ == "__main__":
    main()
