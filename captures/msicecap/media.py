# SPDX-License-Identifier: GPL-2.0-or-later
"""Media and TLS bytes: RTP and RTCP (Sender Report + SDES CNAME), RFC 4571 framing, MS-TURN's
pseudo-TLS handshake records, and a real TLS 1.3 ClientHello / server flight that must stay TLS."""

import struct

from .capture import EPOCH


class RtpStream:
    """RTP v2 sender: fixed SSRC, seq +1 and timestamp +160 per 20 ms packet."""

    def __init__(self, rng, pt, ssrc, seq, ts, payload_len=160, ts_step=160):
        self.rng, self.pt, self.ssrc, self.seq, self.ts = rng, pt, ssrc, seq, ts
        self.payload_len = payload_len
        self.ts_step = ts_step          # 160 = 20 ms at 8 kHz, 320 = 20 ms at 16 kHz (SILK/16000)
        self.sent = 0
        self.octets = 0

    def next(self, marker=False):
        hdr = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | self.pt,
                          self.seq, self.ts, self.ssrc)
        payload = self.rng.randbytes(self.payload_len)
        self.seq = (self.seq + 1) & 0xFFFF
        self.ts = (self.ts + self.ts_step) & 0xFFFFFFFF
        self.sent += 1
        self.octets += len(payload)
        return hdr + payload

    def describe(self, pkt):
        seq, ts = struct.unpack("!HI", pkt[2:8])
        return f"RTP PT={self.pt} SSRC=0x{self.ssrc:08x} seq={seq} ts={ts}, {len(pkt) - 12}-byte payload"

    def sender_report(self, cap_now_us, cname):
        """Compound RTCP: SR (PT 200) + SDES CNAME (PT 202)."""
        ntp = EPOCH + 2208988800 + cap_now_us // 1_000_000
        frac = ((cap_now_us % 1_000_000) << 32) // 1_000_000
        sr = struct.pack("!BBH", 0x80, 200, 6) + struct.pack(
            "!IIIIII", self.ssrc, ntp, frac, self.ts, self.sent, self.octets)
        item = struct.pack("!BB", 1, len(cname)) + cname
        chunk = struct.pack("!I", self.ssrc) + item + b"\0"
        chunk += b"\0" * (-len(chunk) % 4)
        sdes = struct.pack("!BBH", 0x81, 202, len(chunk) // 4) + chunk
        return sr + sdes


def rfc4571(pkt):
    """RFC 4571 framing: 2-byte length prefix."""
    return struct.pack("!H", len(pkt)) + pkt


def pseudo_tls_client_hello(rng):
    """50-byte pseudo ClientHello (ms-turn.md §1.2)."""
    return (b"\x16\x03\x01\x00\x2d" + b"\x01\x00\x00\x29" + b"\x03\x01" + rng.randbytes(32)
            + b"\x00" + b"\x00\x02\x00\x18" + b"\x01\x00")


def pseudo_tls_server_hello(rng):
    """83-byte ServerHello + ServerHelloDone in one record (ms-turn.md §1.2)."""
    return (b"\x16\x03\x01\x00\x4e" + b"\x02\x00\x00\x46\x03\x01" + rng.randbytes(32)
            + b"\x20" + rng.randbytes(32) + b"\x00\x18" + b"\x00" + b"\x0e\x00\x00\x00")


def _tls_ext(etype, body):
    return struct.pack("!HH", etype, len(body)) + body


def _u16_list(values):
    raw = b"".join(struct.pack("!H", v) for v in values)
    return struct.pack("!H", len(raw)) + raw


def _handshake(htype, body):
    return struct.pack("!B", htype) + len(body).to_bytes(3, "big") + body


def tls_record(ctype, version, body):
    return struct.pack("!BHH", ctype, version, len(body)) + body


def tls13_client_hello(rng, sni):
    """A real-looking TLS 1.3 ClientHello (browser-like extension set)."""
    name = sni.encode()
    server_name = b"\x00" + struct.pack("!H", len(name)) + name
    alpn = b"\x02h2\x08http/1.1"
    key_share = struct.pack("!HH", 0x001D, 32) + rng.randbytes(32)
    exts = b"".join([
        _tls_ext(0x0000, struct.pack("!H", len(server_name)) + server_name),
        _tls_ext(0x0017, b""),                                    # extended_master_secret
        _tls_ext(0xFF01, b"\x00"),                                # renegotiation_info
        _tls_ext(0x000A, _u16_list([0x001D, 0x0017, 0x0018])),    # supported_groups
        _tls_ext(0x000B, b"\x01\x00"),                            # ec_point_formats
        _tls_ext(0x0023, b""),                                    # session_ticket
        _tls_ext(0x0010, struct.pack("!H", len(alpn)) + alpn),    # ALPN
        _tls_ext(0x000D, _u16_list([0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
                                    0x0806, 0x0601])),            # signature_algorithms
        _tls_ext(0x0033, struct.pack("!H", len(key_share)) + key_share),
        _tls_ext(0x002D, b"\x01\x01"),                            # psk_key_exchange_modes
        _tls_ext(0x002B, b"\x04\x03\x04\x03\x03"),                # supported_versions 1.3, 1.2
    ])
    suites = _u16_list([0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9,
                        0xCCA8, 0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035])
    body = (b"\x03\x03" + rng.randbytes(32) + b"\x20" + rng.randbytes(32) + suites + b"\x01\x00"
            + struct.pack("!H", len(exts)) + exts)
    return tls_record(0x16, 0x0301, _handshake(0x01, body))


def tls13_server_flight(rng, session_id):
    """ServerHello (TLS 1.3) + ChangeCipherSpec + one encrypted record."""
    exts = (_tls_ext(0x002B, b"\x03\x04")
            + _tls_ext(0x0033, struct.pack("!HH", 0x001D, 32) + rng.randbytes(32)))
    body = (b"\x03\x03" + rng.randbytes(32) + b"\x20" + session_id + b"\x13\x01\x00"
            + struct.pack("!H", len(exts)) + exts)
    return (tls_record(0x16, 0x0303, _handshake(0x02, body)) + tls_record(0x14, 0x0303, b"\x01")
            + tls_record(0x17, 0x0303, rng.randbytes(1100)))


def client_hello_session_id(client_hello):
    # record(5) handshake hdr(4) version(2) random(32) sid_len(1) sid(32)
    return client_hello[44:76]
