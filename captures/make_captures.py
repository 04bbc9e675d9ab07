#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the msice example captures (captures/*.pcap) and captures/README.md.

Run with Debian's python3 (it has python3-scapy):

    /usr/bin/python3 captures/make_captures.py

Everything is deterministic: timestamps start at 2026-01-15 09:00:00 UTC, every
random value (transaction IDs, nonces, keys, RTP payloads) comes from a
random.Random seeded with a fixed string per capture, and the pcap files are
written by our own writer (no wall clock, no host state). Re-running the
script gives byte-identical files.

Facts followed (see ../shared/specs or the project's specs digest):
  ms-turn.md            MS-TURN header, attributes (unpadded), XOR rule, TCP
                        framing, pseudo-TLS, 0xFF10 multiplexing, MESSAGE-INTEGRITY
  ms-turnbwm-ice2bwm.md bandwidth-management attributes, 274/275 errors
  ms-ice-candidates.md  MS-ICE2 (RFC 5389-style) and MS-ICE v6 (RFC 3489-style)
                        connectivity checks carried inside DATA

Layout of this file:
  1. capture model: Capture (frames + notes -> pcap + README table), Host
  2. transport builders: UdpFlow, TcpFlow (seq/ack tracking, 3-way handshake)
  3. STUN-family builders: legacy (MS-TURN / RFC 3489, unpadded) and RFC 5389
  4. attribute helpers: MS-TURN, MS-TURNBWM, MS-ICE2
  5. media and TLS helpers: RTP, RTCP, RFC 4571, pseudo-TLS, real TLS records
  6. one function per capture file (add new scenarios the same way)
  7. README writer and main()
"""

import base64
import hashlib
import hmac
import ipaddress
import logging
import os
import random
import struct
import sys
import zlib

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# 2026-01-15 09:00:00 UTC: start of every capture.
EPOCH = 1768467600

# =============================================================================
# 1. Capture model
# =============================================================================


class Host:
    """One IP endpoint as seen at the capture point (the client's NIC).

    `mac` is the MAC address on the captured link: the host's own MAC for the
    client, the default gateway's MAC for everything behind the router. `ttl`
    is the TTL as it arrives at the capture point.
    """

    def __init__(self, label, ip, mac, ttl, ip_id, role):
        self.label = label
        self.ip = ip
        self.mac = mac
        self.ttl = ttl
        self._ip_id = ip_id
        self.role = role

    def next_ip_id(self):
        self._ip_id = (self._ip_id + 1) & 0xFFFF
        return self._ip_id


class Capture:
    """Frames of one pcap file plus the notes that become its README table.

    Time is an integer number of microseconds since EPOCH (`now`); scenario
    code moves it forward with after(ms) and every frame is stamped with it.
    """

    def __init__(self, filename, title, intro):
        self.filename = filename
        self.title = title
        self.intro = intro
        self.hosts = []
        self.now = 0
        self.frames = []  # (time_us, frame bytes, direction, what, show)

    def host(self, *args, **kwargs):
        h = Host(*args, **kwargs)
        self.hosts.append(h)
        return h

    def after(self, ms):
        """Advance the clock by `ms` milliseconds (float allowed, µs resolution)."""
        self.now += int(round(ms * 1000))

    def at(self, seconds):
        """Jump forward to an absolute time (seconds since the capture start)."""
        t = int(round(seconds * 1_000_000))
        assert t >= self.now, "time must not go backwards"
        self.now = t

    def add(self, frame, direction, what, show):
        self.frames.append((self.now, frame, direction, what, show))
        return len(self.frames)  # frame number as Wireshark counts it

    def pcap_bytes(self):
        out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
        for t, frame, *_ in self.frames:
            sec, usec = divmod(t, 1_000_000)
            out.append(struct.pack("<IIII", EPOCH + sec, usec, len(frame), len(frame)))
            out.append(frame)
        return b"".join(out)

    def write(self, directory):
        with open(os.path.join(directory, self.filename), "wb") as f:
            f.write(self.pcap_bytes())


# =============================================================================
# 2. Transport builders
# =============================================================================


def _direction(src, sport, dst, dport):
    return f"{src.label}:{sport} → {dst.label}:{dport}"


class UdpFlow:
    """A UDP 5-tuple between a client socket and a server socket."""

    def __init__(self, cap, client, cport, server, sport):
        self.cap, self.client, self.cport, self.server, self.sport = cap, client, cport, server, sport

    def _frame(self, src, sport, dst, dport, payload):
        pkt = (Ether(src=src.mac, dst=dst.mac)
               / IP(src=src.ip, dst=dst.ip, id=src.next_ip_id(), ttl=src.ttl, flags=0)
               / UDP(sport=sport, dport=dport) / Raw(payload))
        return bytes(pkt)  # scapy fills in lengths and checksums

    def c2s(self, payload, what, show="—"):
        f = self._frame(self.client, self.cport, self.server, self.sport, payload)
        return self.cap.add(f, _direction(self.client, self.cport, self.server, self.sport), what, show)

    def s2c(self, payload, what, show="—"):
        f = self._frame(self.server, self.sport, self.client, self.cport, payload)
        return self.cap.add(f, _direction(self.server, self.sport, self.client, self.cport), what, show)


# Window scale 8 on both sides; windows below are the unscaled header values.
_SYN_OPTS_CLIENT = [("MSS", 1460), ("NOP", None), ("WScale", 8), ("NOP", None), ("NOP", None),
                    ("SAckOK", b"")]
_SYN_OPTS_SERVER = [("MSS", 1440), ("NOP", None), ("WScale", 8), ("SAckOK", b"")]


class TcpFlow:
    """A TCP connection that keeps seq/ack right.

    Each side's next sequence number is tracked; every segment acknowledges
    all bytes the other side has sent so far (the capture point is the
    client, so by the time a frame is stamped, earlier frames have arrived).
    send() takes raw bytes, so callers can put several messages in one
    segment or split one message over several send() calls.
    """

    C, S = "client", "server"

    def __init__(self, cap, rng, client, cport, server, sport):
        self.cap = cap
        self.ends = {self.C: (client, cport), self.S: (server, sport)}
        self.nxt = {self.C: rng.getrandbits(32), self.S: rng.getrandbits(32)}
        self.win = {self.C: 1026, self.S: 2053}
        self.synced = False

    def _other(self, side):
        return self.S if side == self.C else self.C

    def _segment(self, side, flags, payload=b"", what="", show="—", options=None, window=None):
        (src, sport), (dst, dport) = self.ends[side], self.ends[self._other(side)]
        ack = self.nxt[self._other(side)] if "A" in flags else 0
        tcp = TCP(sport=sport, dport=dport, seq=self.nxt[side], ack=ack, flags=flags,
                  window=window if window is not None else self.win[side], options=options or [])
        pkt = (Ether(src=src.mac, dst=dst.mac)
               / IP(src=src.ip, dst=dst.ip, id=src.next_ip_id(), ttl=src.ttl, flags="DF")
               / tcp)
        if payload:
            pkt = pkt / Raw(payload)
        used = len(payload) + (1 if ("S" in flags or "F" in flags) else 0)
        self.nxt[side] = (self.nxt[side] + used) & 0xFFFFFFFF
        return self.cap.add(bytes(pkt), _direction(src, sport, dst, dport), what, show)

    def handshake(self, rtt_ms):
        """SYN, SYN/ACK, ACK; returns the number of the SYN frame."""
        n = self._segment(self.C, "S", what="TCP SYN", options=_SYN_OPTS_CLIENT, window=64240)
        self.cap.after(rtt_ms)
        self._segment(self.S, "SA", what="TCP SYN/ACK", options=_SYN_OPTS_SERVER, window=65535)
        self.cap.after(0.2)
        self._segment(self.C, "A", what="TCP ACK (handshake done)")
        return n

    def send(self, side, payload, what, show="—"):
        return self._segment(side, "PA", payload, what, show)

    def ack(self, side, what="TCP ACK"):
        return self._segment(side, "A", what=what)

    def close(self, rtt_ms, first=C):
        """FIN from `first`, FIN/ACK back, final ACK."""
        self._segment(first, "FA", what="TCP FIN")
        self.cap.after(rtt_ms)
        self._segment(self._other(first), "FA", what="TCP FIN/ACK")
        self.cap.after(0.2)
        self._segment(first, "A", what="TCP ACK (closed)")

    def reset(self, side, what, show="—"):
        return self._segment(side, "RA", what=what, show=show)


# =============================================================================
# 3. STUN-family message builders
# =============================================================================

STUN_MAGIC = b"\x21\x12\xa4\x42"            # RFC 5389 magic cookie
MSTURN_COOKIE = 0x72C64BC6                  # MS-TURN MAGIC-COOKIE attribute value
FINGERPRINT_XOR = 0x5354554E


def tlv(atype, value):
    """Attribute without padding (MS-TURN, RFC 3489 style)."""
    return struct.pack("!HH", atype, len(value)) + value


def tlv_padded(atype, value):
    """Attribute padded with zeros to a multiple of 4 (RFC 5389)."""
    return tlv(atype, value) + b"\0" * (-len(value) % 4)


def legacy_stun(mtype, txid, attrs, mi_key=None, mi_hash="sha1", length=None):
    """STUN-02 / RFC 3489 style message: 128-bit txid, attributes unpadded.

    With `mi_key`, MESSAGE-INTEGRITY is appended last: HMAC over the message up
    to MI with the header length already counting MI, zero-padded to a
    multiple of 64 bytes (ms-turn.md §8, RFC 3489 §11.2.8).
    `length` overrides the header length field (malformed frames only).
    """
    assert len(txid) == 16
    body = b"".join(tlv(t, v) for t, v in attrs)
    if mi_key is not None:
        mi_len = hashlib.new(mi_hash).digest_size
        head = struct.pack("!HH", mtype, len(body) + 4 + mi_len) + txid + body
        mac = hmac.new(mi_key, head + b"\0" * (-len(head) % 64), mi_hash).digest()
        body += tlv(AT_MESSAGE_INTEGRITY, mac)
    return struct.pack("!HH", mtype, len(body) if length is None else length) + txid + body


def rfc5389_stun(mtype, txid12, attrs, mi_key=None, fingerprint=True):
    """RFC 5389 message (MS-ICE2 checks): magic cookie, padded attributes,
    MESSAGE-INTEGRITY (HMAC-SHA1, header length counts MI) and FINGERPRINT
    (CRC-32 XOR 0x5354554E, header length counts FINGERPRINT)."""
    assert len(txid12) == 12
    body = b"".join(tlv_padded(t, v) for t, v in attrs)
    if mi_key is not None:
        head = struct.pack("!HH", mtype, len(body) + 24) + STUN_MAGIC + txid12
        body += tlv(AT_MESSAGE_INTEGRITY, hmac.new(mi_key, head + body, "sha1").digest())
    if fingerprint:
        head = struct.pack("!HH", mtype, len(body) + 8) + STUN_MAGIC + txid12
        crc = (zlib.crc32(head + body) ^ FINGERPRINT_XOR) & 0xFFFFFFFF
        body += tlv(AT_FINGERPRINT, struct.pack("!I", crc))
    return struct.pack("!HH", mtype, len(body)) + STUN_MAGIC + txid12 + body


class TurnCredentials:
    """MRAS-issued long-term credentials as used by MS-TURN (ms-turn.md §8)."""

    def __init__(self, username_b64, password_b64, realm_value, ms_version):
        self.username_b64 = username_b64
        self.password_b64 = password_b64
        self.username = base64.b64decode(username_b64)
        self.password = base64.b64decode(password_b64)
        self.realm_value = realm_value                  # as on the wire, with quotes
        realm = realm_value.strip(b"\0").strip(b'"')
        self.key = hashlib.md5(self.username + b":" + realm + b":" + self.password).digest()
        self.ms_version = ms_version
        self.mi_hash = "sha256" if ms_version >= 3 else "sha1"


def msturn(mtype, txid, attrs, creds=None, cookie=True, length=None):
    """MS-TURN message: MAGIC-COOKIE first, unpadded attributes, MI last if
    `creds` is given (32-byte HMAC-SHA256 for MS-Version >= 3, else 20 bytes)."""
    if cookie:
        attrs = [magic_cookie()] + list(attrs)
    if creds is None:
        return legacy_stun(mtype, txid, attrs, length=length)
    return legacy_stun(mtype, txid, attrs, creds.key, creds.mi_hash, length=length)


def framed(ftype, payload):
    """MS-TURN TCP framing header (ms-turn.md §1.1): type, reserved 0, length."""
    return struct.pack("!BBH", ftype, 0, len(payload)) + payload


FRAME_CONTROL, FRAME_DATA = 0x02, 0x03


def multiplexed(session_id, data, length=None):
    """Multiplexed TURN frame 0xFF10 (ms-turn.md §7)."""
    n = len(session_id) + len(data) if length is None else length
    return struct.pack("!HH", 0xFF10, n) + session_id + data


class Txids:
    """Transaction IDs from a seeded PRNG."""

    def __init__(self, rng):
        self.rng = rng

    def client(self):
        """Client-chosen MS-TURN txid: 0x2112A442 + 96 random bits (as Teams does)."""
        return STUN_MAGIC + self.rng.randbytes(12)

    def random128(self):
        """Fully random 128-bit txid (Edge Data Indications, RFC 3489 checks)."""
        return self.rng.randbytes(16)

    def rfc5389(self):
        """The 96-bit part of an RFC 5389 txid."""
        return self.rng.randbytes(12)


# =============================================================================
# 4. Attribute helpers. Each returns (type, value).
# =============================================================================

# MS-TURN (ms-turn.md §4). Note NONCE/REALM are swapped against RFC 5389.
AT_MAPPED_ADDRESS = 0x0001
AT_USERNAME = 0x0006
AT_MESSAGE_INTEGRITY = 0x0008
AT_ERROR_CODE = 0x0009
AT_UNKNOWN_ATTRIBUTES = 0x000A
AT_LIFETIME = 0x000D
AT_ALTERNATE_SERVER = 0x000E
AT_MAGIC_COOKIE = 0x000F
AT_BANDWIDTH = 0x0010
AT_DESTINATION_ADDRESS = 0x0011
AT_REMOTE_ADDRESS = 0x0012
AT_DATA = 0x0013
AT_NONCE = 0x0014
AT_REALM = 0x0015
AT_REQUESTED_ADDRESS_FAMILY = 0x0017
AT_MS_VERSION = 0x8008
AT_MSTURN_XOR_MAPPED_ADDRESS = 0x8020
AT_SOFTWARE_8022 = 0x8022               # Edge software version string, meaning unconfirmed
AT_MS_SEQUENCE_NUMBER = 0x8050
AT_MS_SERVICE_QUALITY = 0x8055
AT_MS_ALTERNATE_MAPPED_ADDRESS = 0x8090
AT_MULTIPLEXED_SESSION_ID = 0x8095
# MS-TURNBWM (ms-turnbwm-ice2bwm.md §2)
AT_BAC_MESSAGE = 0x8056
AT_RESERVATION_ID = 0x8057
AT_RESERVATION_AMOUNT = 0x8058
AT_REMOTE_SITE_ADDRESS = 0x8059
AT_REMOTE_RELAY_SITE_ADDRESS = 0x805A
AT_LOCAL_SITE_ADDRESS = 0x805B
AT_LOCAL_RELAY_SITE_ADDRESS = 0x805C
AT_REMOTE_SITE_RESPONSE = 0x805D
AT_REMOTE_RELAY_SITE_RESPONSE = 0x805E
AT_LOCAL_SITE_RESPONSE = 0x805F
AT_LOCAL_RELAY_SITE_RESPONSE = 0x8060
AT_SIP_DIALOG_ID = 0x8061
AT_SIP_CALL_ID = 0x8062
AT_LOCATION_PROFILE = 0x8068
# MS-ICE2 checks (ms-ice-candidates.md §5)
AT_XOR_MAPPED_ADDRESS = 0x0020
AT_PRIORITY = 0x0024
AT_USE_CANDIDATE = 0x0025
AT_SOFTWARE = 0x8022
AT_FINGERPRINT = 0x8028
AT_ICE_CONTROLLED = 0x8029
AT_ICE_CONTROLLING = 0x802A
AT_CANDIDATE_IDENTIFIER = 0x8054
AT_IMPLEMENTATION_VERSION = 0x8070

# MS-TURN message types (ms-turn.md §2)
ALLOCATE_REQUEST = 0x0003
ALLOCATE_RESPONSE = 0x0103
ALLOCATE_ERROR = 0x0113
SEND_REQUEST = 0x0004
DATA_INDICATION = 0x0115
SET_ACTIVE_DEST_REQUEST = 0x0006
SET_ACTIVE_DEST_RESPONSE = 0x0106
SET_ACTIVE_DEST_ERROR = 0x0116
# STUN Binding (MS-ICE / MS-ICE2 checks)
BINDING_REQUEST = 0x0001
BINDING_RESPONSE = 0x0101
BINDING_ERROR = 0x0111

EDGE_SOFTWARE = b"2.0.1.211"
REALM_RTCMEDIA = b'"rtcmedia"'


def u32(atype, n):
    return (atype, struct.pack("!I", n))


def magic_cookie(value=MSTURN_COOKIE):
    return u32(AT_MAGIC_COOKIE, value)


def ms_version(v):
    return u32(AT_MS_VERSION, v)


def lifetime(seconds):
    return u32(AT_LIFETIME, seconds)


def bandwidth(kbps):
    return u32(AT_BANDWIDTH, kbps)


def service_quality(stream_type, quality):
    return (AT_MS_SERVICE_QUALITY, struct.pack("!HH", stream_type, quality))


def _ip(ip):
    a = ipaddress.ip_address(ip)
    return (1 if a.version == 4 else 2), a.packed


def plain_addr(atype, ip, port, family=None):
    """Reserved(1) Family(1) Port(2) Address: MAPPED/ALTERNATE/DESTINATION/REMOTE
    ADDRESS and MS-ALTERNATE-MAPPED-ADDRESS, not XOR-ed (ms-turn.md §4)."""
    fam, raw = _ip(ip)
    return (atype, struct.pack("!BBH", 0, family or fam, port) + raw)


def msturn_xor_addr(atype, ip, port, txid, family=None):
    """MS-TURN XOR address (0x8020, BWM site addresses): port XOR txid[0:2],
    IPv4 XOR txid[0:4], IPv6 XOR txid[0:16] (ms-turn.md §6)."""
    fam, raw = _ip(ip)
    xport = port ^ struct.unpack("!H", txid[:2])[0]
    xaddr = bytes(a ^ b for a, b in zip(raw, txid))
    return (atype, struct.pack("!BBH", 0, family or fam, xport) + xaddr)


def error_code(code, reason):
    """ERROR-CODE: 2 zero bytes, class, number, UTF-8 reason (unpadded in MS-TURN)."""
    return (AT_ERROR_CODE, struct.pack("!HBB", 0, code // 100, code % 100) + reason.encode())


def realm(value=REALM_RTCMEDIA):
    return (AT_REALM, value)


def nonce(value):
    return (AT_NONCE, value)


def username(value):
    return (AT_USERNAME, value)


def data(payload):
    return (AT_DATA, payload)


def ms_sequence(connection_id, seq):
    return (AT_MS_SEQUENCE_NUMBER, connection_id + struct.pack("!I", seq))


def session_id_attr(sid):
    return (AT_MULTIPLEXED_SESSION_ID, sid)


def edge_software():
    return (AT_SOFTWARE_8022, EDGE_SOFTWARE)


def requested_family(family):
    return (AT_REQUESTED_ADDRESS_FAMILY, struct.pack("!B3x", family))


def unknown_attributes(types):
    return (AT_UNKNOWN_ATTRIBUTES, b"".join(struct.pack("!H", t) for t in types))


# MS-TURNBWM
BAC_CHECK, BAC_COMMIT, BAC_UPDATE = 0, 1, 2


def bac_message(kind):
    return (AT_BAC_MESSAGE, struct.pack("!HH", 0, kind))


def reservation_amount(min_send, max_send, min_recv, max_recv):
    """Field order as in the spec figure (min send first); WS 4.0 labels differ."""
    return (AT_RESERVATION_AMOUNT, struct.pack("!IIII", min_send, max_send, min_recv, max_recv))


def site_response(atype, valid, send_kbps, recv_kbps, failover=False):
    """0x805D-0x8060: V bit 31, F bit 30 (0x805D/0x805F only), then 2 x kbps."""
    assert not failover or atype in (AT_REMOTE_SITE_RESPONSE, AT_LOCAL_SITE_RESPONSE)
    flags = (0x80000000 if valid else 0) | (0x40000000 if failover else 0)
    return (atype, struct.pack("!III", flags, send_kbps, recv_kbps))


LOC_UNKNOWN, LOC_INTERNET, LOC_INTRANET = 0, 1, 2
FED_NONE, FED_ENTERPRISE, FED_PUBLIC_CLOUD = 0, 1, 2


def location_profile(peer, self_, federation):
    return (AT_LOCATION_PROFILE, struct.pack("!BBBB", peer, self_, federation, 0))


# MS-ICE2 check attributes (RFC 5389 layouts)
def priority(p):
    return u32(AT_PRIORITY, p)


def ice_controlling(tiebreaker):
    return (AT_ICE_CONTROLLING, tiebreaker)


def ice_controlled(tiebreaker):
    return (AT_ICE_CONTROLLED, tiebreaker)


def use_candidate():
    return (AT_USE_CANDIDATE, b"")


def candidate_identifier(foundation):
    """Foundation as ASCII, NUL-padded to 4 bytes (value length counts the NULs)."""
    v = foundation.encode()
    return (AT_CANDIDATE_IDENTIFIER, v + b"\0" * (-len(v) % 4))


def implementation_version(v):
    return u32(AT_IMPLEMENTATION_VERSION, v)


def rfc5389_xor_mapped(ip, port, txid12):
    """XOR-MAPPED-ADDRESS 0x0020 as RFC 5389: XOR with the cookie (and txid for IPv6)."""
    fam, raw = _ip(ip)
    xport = port ^ 0x2112
    xaddr = bytes(a ^ b for a, b in zip(raw, STUN_MAGIC + txid12))
    return (AT_XOR_MAPPED_ADDRESS, struct.pack("!BBH", 0, fam, xport) + xaddr)


def ice_priority(type_pref, local_pref, component):
    """ICE-19 / RFC 5245 §4.1.2.1."""
    return (type_pref << 24) | (local_pref << 8) | (256 - component)


# =============================================================================
# 5. Media and TLS helpers
# =============================================================================


class RtpStream:
    """RTP v2 sender: fixed SSRC, seq +1 and timestamp +160 per 20 ms packet."""

    def __init__(self, rng, pt, ssrc, seq, ts, payload_len=160):
        self.rng, self.pt, self.ssrc, self.seq, self.ts = rng, pt, ssrc, seq, ts
        self.payload_len = payload_len
        self.sent = 0
        self.octets = 0

    def next(self, marker=False):
        hdr = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | self.pt,
                          self.seq, self.ts, self.ssrc)
        payload = self.rng.randbytes(self.payload_len)
        self.seq = (self.seq + 1) & 0xFFFF
        self.ts = (self.ts + 160) & 0xFFFFFFFF
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


def _record(ctype, version, body):
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
    return _record(0x16, 0x0301, _handshake(0x01, body))


def tls13_server_flight(rng, session_id):
    """ServerHello (TLS 1.3) + ChangeCipherSpec + one encrypted record."""
    exts = (_tls_ext(0x002B, b"\x03\x04")
            + _tls_ext(0x0033, struct.pack("!HH", 0x001D, 32) + rng.randbytes(32)))
    body = (b"\x03\x03" + rng.randbytes(32) + b"\x20" + session_id + b"\x13\x01\x00"
            + struct.pack("!H", len(exts)) + exts)
    return (_record(0x16, 0x0303, _handshake(0x02, body)) + _record(0x14, 0x0303, b"\x01")
            + _record(0x17, 0x0303, rng.randbytes(1100)))


def client_hello_session_id(client_hello):
    # record(5) handshake hdr(4) version(2) random(32) sid_len(1) sid(32)
    return client_hello[44:76]


# =============================================================================
# Shared actors and credentials
# =============================================================================

def make_credentials(seed, ms_ver):
    """MRAS-style credentials: a 56-byte binary username (same shape as the
    real Teams one: 02 00 00 24, 32 bytes, 4 zero bytes, 16 bytes) and a
    20-byte password, both handed out base64-encoded."""
    rng = random.Random(seed)
    user = b"\x02\x00\x00\x24" + rng.randbytes(32) + b"\0" * 4 + rng.randbytes(16)
    pwd = rng.randbytes(20)
    return TurnCredentials(base64.b64encode(user).decode(), base64.b64encode(pwd).decode(),
                           REALM_RTCMEDIA, ms_ver)


HOME_CREDS = make_credentials("msice-credentials-home", 6)           # Teams, MS-Version 6
CORP_CREDS = make_credentials("msice-credentials-corp", 6)           # Teams, MS-Version 6
LYNC_CREDS = make_credentials("msice-credentials-lync2010", 2)       # Lync 2010, MS-Version 2


class IceAgent:
    """MS-ICE2 credentials of one party (ice-ufrag / ice-pwd from its SDP)."""

    def __init__(self, ufrag, pwd, tiebreaker):
        self.ufrag, self.pwd, self.tiebreaker = ufrag, pwd, tiebreaker


# Teams-style MS-ICE2 credentials (4-char ufrag, 24-char pwd).
ICE_LOCAL = IceAgent("Qx7d", "k3Vb9T0eLm2Rz8YpWq4sNc1h", bytes.fromhex("00004c1a9e62d703"))
ICE_PEER = IceAgent("pR2u", "Zt6YhB1nQm8cVx3KsLd0We5a", bytes.fromhex("00007f3b2a91c4e8"))
# Lync-2010-style MS-ICE2 credentials for the BWM capture.
ICE_LYNC_LOCAL = IceAgent("Hq3K", "d8Fv2Nw7Xp0Lc5Tg1Ry4Mb6J", bytes.fromhex("0000a27e5b19c3d0"))
ICE_LYNC_PEER = IceAgent("b7Tz", "Ws3Kq9Ue2Yh6Pn1Dv8Gc4Ax0", bytes.fromhex("000061d48f07ba25"))


class IceV6Candidate:
    """[MS-ICE] v6 candidate credentials: 32-byte username and 16-byte password,
    base64 without '=' padding in the SDP candidate line (ms-ice-candidates.md §2)."""

    def __init__(self, rng):
        self.user = rng.randbytes(32)
        self.pwd = rng.randbytes(16)
        self.user_b64 = base64.b64encode(self.user).decode().rstrip("=")
        self.pwd_b64 = base64.b64encode(self.pwd).decode().rstrip("=")


_v6rng = random.Random("msice-ice-v6")
ICE_V6_LOCAL = IceV6Candidate(_v6rng)
ICE_V6_PEER = IceV6Candidate(_v6rng)


def v6_username(receiver, sender, component=1):
    """MS-ICE v6 check USERNAME: recv-user ':' comp ':' send-user ':' comp, then
    1-4 NULs up to a multiple of 4, counted in the length (ms-ice-candidates.md §2.1)."""
    c = str(component).encode()
    v = receiver.user + b":" + c + b":" + sender.user + b":" + c
    return v + b"\0" * (4 - len(v) % 4)


def ice2_check_request(txid12, sender, receiver, prio, controlling, foundation,
                       impl_version, nominate=False, lync_username=False):
    """MS-ICE2 Binding Request, RFC 5389 format, signed with the receiver's ice-pwd."""
    user = f"{receiver.ufrag}:{sender.ufrag}".encode()
    if lync_username:
        user += b"\0" * (-len(user) % 4)         # Lync counts the NUL padding in the length
    attrs = [username(user),
             (ice_controlling if controlling else ice_controlled)(sender.tiebreaker),
             implementation_version(impl_version), priority(prio)]
    if nominate:
        attrs.append(use_candidate())
    attrs.append(candidate_identifier(foundation))
    return rfc5389_stun(BINDING_REQUEST, txid12, attrs, mi_key=receiver.pwd.encode())


def ice2_check_response(txid12, responder, mapped_ip, mapped_port, impl_version):
    """MS-ICE2 Binding Success Response, signed with the responder's own ice-pwd."""
    attrs = [implementation_version(impl_version), rfc5389_xor_mapped(mapped_ip, mapped_port, txid12)]
    return rfc5389_stun(BINDING_RESPONSE, txid12, attrs, mi_key=responder.pwd.encode())


def ms_turn_send(txid, creds, attrs_before_dest, dest_ip, dest_port, payload):
    """Send Request as Teams builds it: MS-Version, USERNAME, [...], DESTINATION-ADDRESS,
    DATA, MESSAGE-INTEGRITY (no REALM/NONCE; the key still uses the cached realm)."""
    attrs = ([ms_version(creds.ms_version), username(creds.username)] + attrs_before_dest
             + [plain_addr(AT_DESTINATION_ADDRESS, dest_ip, dest_port), data(payload)])
    return msturn(SEND_REQUEST, txid, attrs, creds)


def ms_turn_data_ind(txid, src_ip, src_port, payload):
    """Data Indication: REMOTE-ADDRESS (plain) + DATA, no integrity."""
    return msturn(DATA_INDICATION, txid,
                  [plain_addr(AT_REMOTE_ADDRESS, src_ip, src_port), data(payload)])


def hexs(b):
    return b.hex()


REASON_401 = "The request did not contain a Message-Integrity attribute"


# =============================================================================
# 6. Scenarios: one function per capture file
# =============================================================================


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
    tls.send(C, _record(0x14, 0x0303, b"\x01") + _record(0x17, 0x0303, rng.randbytes(53)),
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


SCENARIOS = [capture_udp_allocate, capture_tcp, capture_relay, capture_bwm, capture_malformed]


# =============================================================================
# 7. README writer
# =============================================================================

README_HEAD = """\
# Example captures

Made by `make_captures.py` in this folder (run `/usr/bin/python3 captures/make_captures.py`;
it needs Debian's `python3-scapy`). **This file is generated by the script too — edit the
script, not this file.** Re-running produces byte-identical files.

All captures: Ethernet / IPv4 (link type 1), taken on the client's NIC, first frame at
2026-01-15 09:00:00 UTC. Addresses are documentation ranges (192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24, 2001:db8::/32) or private ranges. Times below are seconds since the first frame.
All IP/UDP/TCP checksums are correct.

Conventions in the tables: `C:50012 → E:3478` = from host C port 50012 to host E port 3478
(hosts are listed per capture). "txid" is the 16-byte MS-TURN transaction ID in hex.
"MI verifies" = the MESSAGE-INTEGRITY value checks out with the credentials below.

## Credentials

MS-TURN long-term credentials (ms-turn.md §8): the MRAS username/password are base64 text;
USERNAME carries the decoded username bytes; key = MD5(decoded-username ":" realm ":"
decoded-password) with realm = REALM value without its quotes (`rtcmedia`); MI = HMAC over the
message up to MI (header Length already counting MI) zero-padded to a multiple of 64 bytes;
HMAC-SHA256 (32 bytes) when MS-Version >= 3, else HMAC-SHA1 (20 bytes).

{turn_creds}

MS-ICE2 short-term credentials (checks inside DATA, RFC 5389 rules: key = the receiver's
ice-pwd as ASCII, HMAC-SHA1 over the message up to MI with Length counting MI, no 64-byte
padding; FINGERPRINT = CRC-32 ^ 0x5354554E):

| set | party | ice-ufrag | ice-pwd | ICE tie-breaker |
|---|---|---|---|---|
{ice_creds}

MS-ICE v6 candidate credentials (relayed classic check in msturn-relay.pcap; base64 without
`=` as in an ICE v6 candidate line; the check uses the decoded bytes; MI key = the peer's
decoded password, HMAC-SHA1, input zero-padded to 64 bytes):

| party | candidate username | candidate password |
|---|---|---|
| local (sender) | `{v6l_user}` | `{v6l_pwd}` |
| peer (receiver) | `{v6p_user}` | `{v6p_pwd}` |

## Things a reader should know

- MS-TURN attributes are unpadded; every Allocate/Send/Set Active Destination request carries
  MAGIC-COOKIE first. Client-originated txids start with 21 12 a4 42, the Edge's Data
  Indications use fully random txids.
- 0xFF10 multiplexed frames travel on the same 5-tuple as the allocation (UDP 3478). In
  teams.pcap they go to a different Edge address on port 3479; detection must not depend on
  the port.
- The attribute 0x8022 ("2.0.1.211") is the Edge software string seen in teams.pcap; meaning
  unconfirmed, decode as unknown optional (or SOFTWARE).
- Stock Wireshark 4.0 shows msturn-relay.pcap frame 6 (a 148-byte Data Indication) as
  WireGuard "Handshake Initiation": its heuristic only checks the first byte (1) and the
  length (148). MS-TURN handling on UDP 3478 has to win against such heuristics.
- Values marked unconfirmed in the specs digest (BWM response contents beyond the spec, the
  Reservation ID in the Commit response, SIP Dialog ID text, 437/486 for MS-TURN, MS-ICE v6
  check layout) are plausible choices, not observed traffic.
"""


def _turn_cred_table():
    rows = ["| set | used in | MS-Version | username (base64) | password (base64) | realm | MD5 key |",
            "|---|---|---|---|---|---|---|"]
    for name, c, where in [("home", HOME_CREDS, "udp-allocate, tcp, malformed"),
                           ("corp", CORP_CREDS, "relay"),
                           ("lync2010", LYNC_CREDS, "bwm")]:
        rows.append(f"| {name} | {where} | {c.ms_version} | `{c.username_b64}` | `{c.password_b64}` | "
                    f"`{c.realm_value.decode()}` | `{c.key.hex()}` |")
    return "\n".join(rows)


def _ice_cred_rows():
    rows = []
    for s, who, a in [("Teams (relay, tcp)", "local client", ICE_LOCAL), ("Teams (relay, tcp)", "peer", ICE_PEER),
                      ("Lync BWM (bwm)", "local client", ICE_LYNC_LOCAL), ("Lync BWM (bwm)", "peer", ICE_LYNC_PEER)]:
        rows.append(f"| {s} | {who} | `{a.ufrag}` | `{a.pwd}` | `{a.tiebreaker.hex()}` |")
    return "\n".join(rows)


def _md_cell(s):
    return s.replace("|", "\\|")


def readme_text(captures):
    out = [README_HEAD.format(
        turn_creds=_turn_cred_table(), ice_creds=_ice_cred_rows(),
        v6l_user=ICE_V6_LOCAL.user_b64, v6l_pwd=ICE_V6_LOCAL.pwd_b64,
        v6p_user=ICE_V6_PEER.user_b64, v6p_pwd=ICE_V6_PEER.pwd_b64)]
    for cap in captures:
        out.append(f"## {cap.filename} — {cap.title}\n")
        out.append(cap.intro + "\n")
        out.append("| host | address | role |\n|---|---|---|")
        for h in cap.hosts:
            out.append(f"| {h.label} | {h.ip} | {h.role} |")
        out.append("")
        out.append("| No. | Time | Direction | What | A decoder must show |\n|---|---|---|---|---|")
        for i, (t, frame, direction, what, show) in enumerate(cap.frames, 1):
            out.append(f"| {i} | {t / 1e6:.3f} | {direction} | {_md_cell(what)} | {_md_cell(show)} |")
        out.append("")
    return "\n".join(out)


def main():
    outdir = HERE if len(sys.argv) < 2 else sys.argv[1]
    captures = [make() for make in SCENARIOS]
    for cap in captures:
        cap.write(outdir)
        print(f"{cap.filename}: {len(cap.frames)} frames")
    with open(os.path.join(outdir, "README.md"), "w", encoding="utf-8") as f:
        f.write(readme_text(captures))


if __name__ == "__main__":
    main()
