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
                        connectivity checks carried inside DATA; ICE v6 / v19
                        candidate lines, multipart INVITE bodies, priorities
  ms-avedgea-mras.md    MRAS request/response XML in SIP SERVICE
  sip-diagnostics.md    ms-client-diagnostics, ms-endpoint-location-data

Layout of this file:
  1. capture model: Capture (frames + notes -> pcap + README table), Host
  2. transport builders: UdpFlow, TcpFlow (seq/ack tracking, 3-way handshake)
  3. STUN-family builders: legacy (MS-TURN / RFC 3489, unpadded) and RFC 5389
  4. attribute helpers: MS-TURN, MS-TURNBWM, MS-ICE2
  5. media and TLS helpers: RTP, RTCP, RFC 4571, pseudo-TLS, real TLS records
  5b. SIP builders: SIP message (exact Content-Length), multipart/alternative
     and multipart/mixed bodies, SDP with ICE v6 and v19 candidates, MRAS XML,
     UDP with IPv4 fragmentation
  6. one function per capture file (add new scenarios the same way; the SIP
     scenarios use their own seeded RNGs, so the MS-TURN files do not change)
  6b. whole-call captures (call-*.pcap): a small network model (zones, NATs,
     firewall rules, capture points) and event engine, MS-TURN client and A/V
     Edge, ICE agent (check list, triggered checks, regular nomination), media,
     SIP dialog through proxies, and the expected per-call report generated
     from what the run did; each call has its own seeded RNG too
  6c. rule trigger captures (rule-*.pcap): small whole calls on the same engine,
     each made so that one troubleshooting rule of the per-call analyser fires
     (README "Troubleshooting rules this file triggers"); own RNGs, thinned RTP
  6d. SIP-dialog captures: a capture that starts mid-call, a forked INVITE,
     REGISTER/SUBSCRIBE with location data (engine options of 6b)
  6e. Teams-style captures without SIP (teams-*.pcap), scripted packet by packet
  7. README writer and main()
"""

import base64
import collections
import hashlib
import heapq
import hmac
import ipaddress
import logging
import os
import random
import struct
import sys
import zlib

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.dns import DNS, DNSQR, DNSRR  # noqa: E402
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
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
        self.t_start = 0  # frames before this time (µs) are not captured: a capture started mid-call
        self.time_base = 0  # README times are relative to this (the first frame's time in such a capture)

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
        if self.now < self.t_start:
            return None   # before the capture started
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
REASON_401_REJECTED = "Unauthorized"        # 401 to a request with credentials (RFC 5389 text; a choice)


# =============================================================================
# 5b. SIP, SDP and MRAS builders (ms-ice-candidates.md, ms-avedgea-mras.md,
#     sip-diagnostics.md). Text bodies are built as str and encoded once; every
#     Content-Length is the exact byte count of the body that follows.
# =============================================================================

CRLF = "\r\n"


def sip_message(start_line, headers, body=b""):
    """A SIP request or response: start line, headers, empty line, body.

    `headers` is a list of (name, value). An entry ("Content-Length", None)
    is filled with the exact body size in bytes at that position; without
    one, Content-Length is appended as the last header."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    lines = [start_line]
    have_length = False
    for name, value in headers:
        if name == "Content-Length" and value is None:
            value, have_length = str(len(body)), True
        lines.append(f"{name}: {value}")
    if not have_length:
        lines.append(f"Content-Length: {len(body)}")
    return (CRLF.join(lines) + CRLF + CRLF).encode("utf-8") + body


def mime_part(headers, body):
    """(headers, body bytes) for multipart_body()."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return headers, body


def multipart_body(boundary, parts):
    """RFC 2046 multipart body as Lync writes it: each part is
    "--boundary" CRLF headers CRLF CRLF body, the CRLF before the next
    delimiter belongs to the delimiter, the close delimiter is followed by CRLF.
    Works for multipart/alternative and multipart/mixed alike (a part may
    itself be a multipart body)."""
    out = b""
    for headers, body in parts:
        head = "".join(f"{n}: {v}{CRLF}" for n, v in headers)
        out += f"--{boundary}{CRLF}{head}{CRLF}".encode("utf-8") + body + CRLF.encode()
    return out + f"--{boundary}--{CRLF}".encode()


def nextpart_boundary(rng):
    """Outlook/Lync-style boundary: ----=_NextPart_000_XXXX_XXXXXXXX.XXXXXXXX"""
    return (f"----=_NextPart_000_{rng.getrandbits(16):04X}_{rng.getrandbits(32):08X}."
            f"{rng.getrandbits(32):08X}")


def rand_hex(rng, n, upper=False):
    s = f"{rng.getrandbits(4 * n):0{n}x}"
    return s.upper() if upper else s


B64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
B64URL_CHARS = B64_CHARS[:62] + "-_"


def rand_token(rng, n, alphabet=B64_CHARS):
    return "".join(rng.choice(alphabet) for _ in range(n))


def lync_branch(rng):
    return "z9hG4bK" + rand_hex(rng, 32, upper=True) + "-0"


def lync_gruu(user, rng):
    """GRUU as a Lync Front End hands it out: opaque=user:epid:<22 chars>AAA;gruu"""
    return f"sip:{user};opaque=user:epid:{rand_token(rng, 21, B64URL_CHARS)}AAA;gruu"


def sip_instance(rng):
    u = rand_hex(rng, 32)
    return f"<urn:uuid:{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}>"


def crypto_key(rng):
    return base64.b64encode(rng.randbytes(30)).decode()


def teredo_address(server_ip, client_public_ip, client_public_port):
    """Teredo IPv6 (RFC 4380): 2001:0::/32, server IPv4, flags 0, obfuscated
    (inverted) external port and address."""
    srv = ipaddress.IPv4Address(server_ip).packed
    cli = bytes(b ^ 0xFF for b in ipaddress.IPv4Address(client_public_ip).packed)
    raw = b"\x20\x01\x00\x00" + srv + b"\x00\x00" + struct.pack("!H", client_public_port ^ 0xFFFF) + cli
    return str(ipaddress.IPv6Address(raw))


# MS-ICE2 priorities (ms-ice-candidates.md §4). priority = 2^24*type_pref +
# 2^8*local_pref + (256 - component); component 2 uses local_pref - 2, so it is
# 513 below component 1, as in every real Lync/SfB sample. Local preferences
# marked "sample" are decoded from real SDP; the others are plausible choices
# following the same bit layout (bits 15-12 transport UDP 15 / TCP 6, bits 11-9
# direction active 5 / passive 2), unconfirmed.
TYPE_PREF = {"host": 126, "prflx": 110, "srflx": 100, "relay": 0}
MS_LOCAL_PREF = {
    ("host", "UDP"): 0xFFFF,            # sample: 2130706431 / 2130705918
    ("host", "TCP-PASS"): 0x64FF,       # unconfirmed
    ("host", "TCP-ACT"): 0x6BFF,        # unconfirmed
    ("srflx", "UDP"): 0xFFFE,           # unconfirmed
    ("srflx", "TCP-ACT"): 0x6BF9,       # sample: 1684797951
    ("relay", "UDP"): 0xFE0A,           # unconfirmed
    ("relay", "TCP-PASS"): 0x6409,      # sample: 6556159
    ("relay", "TCP-ACT"): 0x6BFA,       # sample: 7076607
}
X_IPV6_TYPE_PREF, X_IPV6_LOCAL_PREF = 1, 0xFFFB     # sample: Teredo x-candidate-ipv6 33553407


def ms_priority(type_pref, local_pref, component):
    return ice_priority(type_pref, local_pref - 2 * (component - 1), component)


class V19Candidate:
    """One ICE v19 candidate line (a=candidate or a=x-candidate-ipv6)."""

    def __init__(self, foundation, component, transport, address, port, typ,
                 raddr=None, rport=None, x_ipv6=False, priority=None):
        if priority is None:
            if x_ipv6:
                priority = ms_priority(X_IPV6_TYPE_PREF, X_IPV6_LOCAL_PREF, component)
            else:
                priority = ms_priority(TYPE_PREF[typ], MS_LOCAL_PREF[(typ, transport)], component)
        self.foundation, self.component, self.transport = str(foundation), component, transport
        self.priority, self.address, self.port, self.typ = priority, address, port, typ
        self.raddr, self.rport, self.x_ipv6 = raddr, rport, x_ipv6

    @property
    def attr(self):
        return "x-candidate-ipv6" if self.x_ipv6 else "candidate"

    def value(self):
        v = (f"{self.foundation} {self.component} {self.transport} {self.priority} {self.address} "
             f"{self.port} typ {self.typ}")
        if self.raddr is not None:
            v += f" raddr {self.raddr} rport {self.rport}"
        return v

    def line(self):
        # Lync/SfB end candidate lines with a space before CRLF (sample).
        return f"a={self.attr}:{self.value()} "

    def describe(self):
        return f"`{self.value()}`" if not self.x_ipv6 else f"x-candidate-ipv6 `{self.value()}`"


class V6Candidate:
    """One ICE v6 candidate line: username comp password transport qvalue address port."""

    def __init__(self, cred, component, transport, qvalue, address, port):
        self.cred, self.component, self.transport = cred, component, transport
        self.qvalue, self.address, self.port = qvalue, address, port     # qvalue in thousandths

    def value(self):
        q = f"{self.qvalue // 1000}.{self.qvalue % 1000:03d}"
        return (f"{self.cred.user_b64} {self.component} {self.cred.pwd_b64} {self.transport} {q} "
                f"{self.address} {self.port}")

    def line(self):
        return f"a=candidate:{self.value()} "

    def describe(self):
        return f"`{self.value()}`"


class IceV19Media:
    """ICE v19 data of one m-line: ice-ufrag / ice-pwd and the candidate list."""

    def __init__(self, rng, cands):
        self.ufrag = rand_token(rng, 4)
        self.pwd = rand_token(rng, 24)
        self.cands = list(cands)

    def only(self, *foundations):
        """A copy that keeps the candidates with these foundations (re-INVITE)."""
        m = IceV19Media.__new__(IceV19Media)
        m.ufrag, m.pwd = self.ufrag, self.pwd
        m.cands = [c for c in self.cands if c.foundation in foundations]
        return m

    def find(self, foundation, component):
        return next(c for c in self.cands if c.foundation == foundation and c.component == component)


def ms_v19_candidates(host, base, srflx=None, sbase=None, relay=None, rbase=None, teredo=None,
                      comps=(1, 2), udp=True, tcp=True):
    """The candidate set a Lync/SfB client gathers for one m-line.

    Port plan: host UDP base/base+1, Teredo x-candidate-ipv6 base+2/base+3,
    host TCP-PASS base+4, host TCP-ACT base (the UDP host port, as in the
    sample), srflx UDP sbase/sbase+1 (raddr host UDP), srflx TCP-ACT sbase+2
    (raddr host TCP), relay UDP rbase/rbase+1 (raddr srflx UDP), relay
    TCP-PASS and TCP-ACT rbase+2 (raddr srflx TCP). Foundations 1..9 in
    that order; TCP candidates use one port for both components."""
    out = []

    def add(f, transport, typ, addr, ports, rel=None, rports=None, x_ipv6=False):
        for i, comp in enumerate(comps):
            port = ports[i] if isinstance(ports, tuple) else ports
            rp = None if rports is None else (rports[i] if isinstance(rports, tuple) else rports)
            out.append(V19Candidate(f, comp, transport, addr, port, typ, rel, rp, x_ipv6))

    if udp:
        add(1, "UDP", "host", host, (base, base + 1))
        if teredo:
            add(2, "UDP", "host", teredo, (base + 2, base + 3), x_ipv6=True)
    if tcp:
        add(3, "TCP-PASS", "host", host, base + 4)
        add(4, "TCP-ACT", "host", host, base)
    if srflx and udp:
        add(5, "UDP", "srflx", srflx, (sbase, sbase + 1), host, (base, base + 1))
    if srflx and tcp:
        add(6, "TCP-ACT", "srflx", srflx, sbase + 2, host, base + 4)
    if relay and udp:
        add(7, "UDP", "relay", relay, (rbase, rbase + 1), srflx, (sbase, sbase + 1))
    if relay and tcp:
        add(8, "TCP-PASS", "relay", relay, rbase + 2, srflx, sbase + 2)
        add(9, "TCP-ACT", "relay", relay, rbase + 2, srflx, sbase + 2)
    return out


# Lync 2013 / SfB media descriptions (non-ICE attributes as in the sample; they pass through).
LYNC_AUDIO_OFFER_PTS = "117 114 104 9 112 111 0 8 116 115 103 97 13 118 101"
LYNC_AUDIO_OFFER_MAPS = [
    "a=rtpmap:117 G722/8000/2", "a=rtpmap:114 x-msrta/16000", "a=fmtp:114 bitrate=29000",
    "a=rtpmap:104 SILK/16000", "a=fmtp:104 useinbandfec=1; usedtx=0", "a=rtpmap:9 G722/8000",
    "a=rtpmap:112 G7221/16000", "a=fmtp:112 bitrate=24000", "a=rtpmap:111 SIREN/16000",
    "a=fmtp:111 bitrate=16000", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:116 AAL2-G726-32/8000", "a=rtpmap:115 x-msrta/8000", "a=fmtp:115 bitrate=11800",
    "a=rtpmap:103 SILK/8000", "a=fmtp:103 useinbandfec=1; usedtx=0", "a=rtpmap:97 RED/8000",
    "a=rtpmap:13 CN/8000", "a=rtpmap:118 CN/16000", "a=rtpmap:101 telephone-event/8000",
    "a=fmtp:101 0-16"]
LYNC_AUDIO_ANSWER_PTS = "104 9 0 8 101"
LYNC_AUDIO_ANSWER_MAPS = [
    "a=rtpmap:104 SILK/16000", "a=fmtp:104 useinbandfec=1; usedtx=0", "a=rtpmap:9 G722/8000",
    "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
    "a=fmtp:101 0-16"]
LYNC_VIDEO_PTS = "122 121 123"
LYNC_VIDEO_MAPS = [
    "a=rtpmap:122 X-H264UC/90000", "a=fmtp:122 packetization-mode=1;mst-mode=NI-TC",
    "a=rtpmap:121 x-rtvc1/90000", "a=rtpmap:123 x-ulpfecuc/90000"]
LYNC_VIDEO_CAPS = ("a=x-caps:121 263:1920:1080:30.0:2000000:1;4359:1280:720:30.0:1500000:1;"
                   "8455:640:480:30.0:600000:1;12551:640:360:30.0:600000:1;16647:352:288:15.0:250000:1")


class MediaKeys:
    """SRTP keys of one m-line (a=cryptoscale / a=crypto lines)."""

    def __init__(self, rng):
        self.k1, self.k2, self.k3 = crypto_key(rng), crypto_key(rng), crypto_key(rng)

    def offer_lines(self):
        return [f"a=cryptoscale:1 client AES_CM_128_HMAC_SHA1_80 inline:{self.k1}|2^31|1:1",
                f"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{self.k2}|2^31|1:1",
                f"a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:{self.k3}|2^31"]

    def answer_lines(self):
        return [f"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{self.k2}|2^31|1:1"]


def remote_candidates_line(cands):
    """v19 a=remote-candidates:<comp> <addr> <port> ... sorted by component."""
    items = " ".join(f"{c.component} {c.address} {c.port}" for c in sorted(cands, key=lambda c: c.component))
    return f"a=remote-candidates:{items}"


def sdp_session(origin_ip, version, c_ip, sections, session_attrs=(), name="session"):
    lines = ["v=0", f"o=- 0 {version} IN IP4 {origin_ip}", f"s={name}", f"c=IN IP4 {c_ip}",
             "b=CT:99980", "t=0 0"] + list(session_attrs)
    for s in sections:
        lines += s
    return (CRLF.join(lines) + CRLF).encode("utf-8")


V19_SESSION_ATTRS = ["a=x-mediabw:main-video send=4000;recv=4000",
                     "a=x-devicecaps:audio:send,recv;video:send,recv"]


def v19_media(kind, ice, keys, ssrc, offer=True, remote=None, extra=(), default=None):
    """m=audio / m=video / m=applicationsharing with ICE v19 attributes.
    The m= port and a=rtcp are the default candidate: the first component-1
    and component-2 candidates in the list, or `default` = (comp-1 candidate,
    comp-2 candidate or None) when given."""
    if default is not None:
        c1, c2 = default
    else:
        c1 = next(c for c in ice.cands if c.component == 1)
        c2 = next((c for c in ice.cands if c.component == 2), None)
    if kind == "audio":
        pts, maps = (LYNC_AUDIO_OFFER_PTS, LYNC_AUDIO_OFFER_MAPS) if offer else (LYNC_AUDIO_ANSWER_PTS, LYNC_AUDIO_ANSWER_MAPS)
        lines = [f"m=audio {c1.port} RTP/SAVP {pts}", f"a=x-ssrc-range:{ssrc}-{ssrc}",
                 "a=rtcp-fb:* x-message app send:dsh recv:dsh", "a=rtcp-rsize", "a=label:main-audio",
                 "a=x-source:main-audio"]
    elif kind == "video":
        pts, maps = LYNC_VIDEO_PTS, LYNC_VIDEO_MAPS
        lines = [f"m=video {c1.port} RTP/SAVP {pts}", f"a=x-ssrc-range:{ssrc}-{ssrc + 99}",
                 "a=rtcp-fb:* x-message app send:src,x-pli recv:src,x-pli", "a=rtcp-rsize",
                 "a=label:main-video", "a=x-source:main-video"]
    else:
        pts, maps = "127", ["a=rtpmap:127 x-data/90000"]
        lines = [f"m=applicationsharing {c1.port} TCP/RTP/AVP {pts}"]
    lines += [f"a=ice-ufrag:{ice.ufrag}", f"a=ice-pwd:{ice.pwd}"]
    if kind == "video" and offer:
        lines.append(LYNC_VIDEO_CAPS)
    lines += [c.line() for c in ice.cands]
    lines += list(extra)
    if remote:
        lines.append(remote_candidates_line(remote))
    lines += keys.offer_lines() if offer else keys.answer_lines()
    if kind == "audio":
        lines.append("a=maxptime:200")
    if c2 is not None:
        lines.append(f"a=rtcp:{c2.port}")
    lines += maps
    if kind == "audio":
        lines.append("a=ptime:20")
    if kind == "applicationsharing":
        lines += ["a=x-applicationsharing-session-id:1", "a=x-applicationsharing-role:sharer" if offer
                  else "a=x-applicationsharing-role:viewer", "a=x-applicationsharing-media-type:rdp"]
    return lines


def v6_media(kind, cands, keys, offer=True, remote_user=None, codecs=None):
    """m=audio / m=video with ICE v6 candidates (credentials in every line).
    `codecs` = (payload types, rtpmap/fmtp lines) overrides the Lync defaults."""
    c1 = next(c for c in cands if c.component == 1)
    c2 = next((c for c in cands if c.component == 2), None)
    if codecs:
        pts, maps = codecs
    elif kind == "audio":
        pts, maps = (LYNC_AUDIO_OFFER_PTS, LYNC_AUDIO_OFFER_MAPS) if offer else (LYNC_AUDIO_ANSWER_PTS, LYNC_AUDIO_ANSWER_MAPS)
    else:
        pts, maps = LYNC_VIDEO_PTS, LYNC_VIDEO_MAPS
    lines = [f"m={kind} {c1.port} RTP/SAVP {pts}"]
    if kind == "video" and offer:
        lines.append(LYNC_VIDEO_CAPS)
    lines += [c.line() for c in cands]
    if remote_user:
        lines.append(f"a=remote-candidate:{remote_user}")
    lines += keys.offer_lines() if offer else keys.answer_lines()
    if kind == "audio":
        lines.append("a=maxptime:200")
    if c2 is not None:
        lines.append(f"a=rtcp:{c2.port}")
    lines += maps
    if kind == "audio":
        lines.append("a=ptime:20")
    return lines


def describe_v19(kind, ice, remote=None):
    s = (f"{kind}: ice-ufrag `{ice.ufrag}`, ice-pwd `{ice.pwd}`; {len(ice.cands)} candidates "
         "(foundation comp transport priority address port typ type [raddr rport]): "
         + "; ".join(c.describe() for c in ice.cands))
    if remote:
        s += ("; remote-candidates: " + ", ".join(f"comp {c.component} {c.address} port {c.port}"
                                                    for c in sorted(remote, key=lambda c: c.component)))
    return s


def describe_v6(kind, cands, remote_user=None):
    s = (f"{kind}: {len(cands)} v6 candidates (username comp password transport qvalue address port; "
         "type not encoded): " + "; ".join(c.describe() for c in cands))
    if remote_user:
        s += f"; remote-candidate username `{remote_user}`"
    return s


# MRAS ([MS-AVEDGEA], ms-avedgea-mras.md)
MRAS_NS = "http://schemas.microsoft.com/2006/09/sip/mrasp"
MRAS_CONTENT_TYPE = "application/msrtc-media-relay-auth+xml"


def mras_request_xml(request_id, from_uri, to_uri, cred_requests, ns=MRAS_NS):
    """<request>; cred_requests = [(credentialsRequestID, identity, location, duration)]."""
    lines = [f'<request requestID="{request_id}" from="{from_uri}" version="1.0" to="{to_uri}" '
             f'xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">']
    for crid, identity, location, duration in cred_requests:
        lines += [f'  <credentialsRequest credentialsRequestID="{crid}">',
                  f"    <identity>{identity}</identity>",
                  f"    <location>{location}</location>",
                  f"    <duration>{duration}</duration>",
                  "  </credentialsRequest>"]
    lines.append("</request>")
    return CRLF.join(lines) + CRLF


def mras_relay_xml(relay, indent="      "):
    """relay = dict(location=, hostName= or directIPAddress=, udpPort=, tcpPort=), element order
    location, hostName|directIPAddress, udpPort, tcpPort (spec §2.2.4.4)."""
    out = [f"{indent}<mediaRelay>", f"{indent}  <location>{relay['location']}</location>"]
    for key in ("hostName", "directIPAddress", "udpPort", "tcpPort"):
        if key in relay:
            out.append(f"{indent}  <{key}>{relay[key]}</{key}>")
    out.append(f"{indent}</mediaRelay>")
    return out


def mras_response_xml(request_id, to_uri, from_uri, reason, cred_responses, ns=MRAS_NS):
    """<response>; cred_responses = [dict(id=, username=, password=, duration=, relays=[...])]."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<response xmlns="{ns}" requestID="{request_id}" version="1.0" serverVersion="3.0" '
             f'to="{to_uri}" from="{from_uri}" reasonPhrase="{reason}">']
    for cr in cred_responses:
        lines += [f'  <credentialsResponse credentialsRequestID="{cr["id"]}">',
                  "    <credentials>",
                  f"      <username>{cr['username']}</username>",
                  f"      <password>{cr['password']}</password>",
                  f"      <duration>{cr['duration']}</duration>",
                  "    </credentials>",
                  "    <mediaRelayList>"]
        for relay in cr["relays"]:
            lines += mras_relay_xml(relay)
        lines += ["    </mediaRelayList>", "  </credentialsResponse>"]
    lines.append("</response>")
    return CRLF.join(lines) + CRLF


def describe_relays(relays):
    out = []
    for r in relays:
        where = f"hostName {r['hostName']}" if "hostName" in r else f"directIPAddress {r['directIPAddress']}"
        ports = ", ".join(f"{k} {r[k]}" for k in ("udpPort", "tcpPort") if k in r) or "no udpPort, no tcpPort"
        out.append(f"location {r['location']}, {where}, {ports}")
    return "; ".join(out)


class SipUdpFlow(UdpFlow):
    """UdpFlow for SIP: a datagram larger than the 1500-byte MTU is sent as
    IPv4 fragments (1480 data bytes each, same IP ID), as the sending host's
    stack does. Earlier fragments get a short note; the last fragment (where
    Wireshark shows the reassembled message) gets `what`/`show`."""

    MTU = 1500

    def _send(self, src, sport, dst, dport, payload, what, show):
        direction = _direction(src, sport, dst, dport)
        ip_id = src.next_ip_id()
        datagram = bytes(IP(src=src.ip, dst=dst.ip, id=ip_id, ttl=src.ttl, flags=0)
                         / UDP(sport=sport, dport=dport) / Raw(payload))
        if len(datagram) <= self.MTU:
            return self.cap.add(bytes(Ether(src=src.mac, dst=dst.mac, type=0x0800)) + datagram, direction, what, show)
        data_ = datagram[20:]                    # UDP header + payload (IP header is 20 bytes)
        step = (self.MTU - 20) // 8 * 8
        pieces = [data_[i:i + step] for i in range(0, len(data_), step)]
        first = len(self.cap.frames) + 1
        last = first + len(pieces) - 1
        n = 0
        for i, piece in enumerate(pieces):
            more = i < len(pieces) - 1
            frag = (Ether(src=src.mac, dst=dst.mac)
                    / IP(src=src.ip, dst=dst.ip, id=ip_id, ttl=src.ttl, flags="MF" if more else 0,
                         frag=i * step // 8, proto=17) / Raw(piece))
            if more:
                n = self.cap.add(bytes(frag), direction,
                                 f"IPv4 fragment {i + 1} of {len(pieces)} ({what})",
                                 f"IPv4 fragment, IP ID 0x{ip_id:04x}, offset {i * step}, MF set; "
                                 f"reassembled in frame {last}")
                self.cap.after(0.01)
            else:
                n = self.cap.add(bytes(frag), direction, what,
                                 f"last of {len(pieces)} IPv4 fragments (frames {first}-{last}, "
                                 f"{len(payload)}-byte UDP payload); " + show)
        return n

    def c2s(self, payload, what, show="—"):
        return self._send(self.client, self.cport, self.server, self.sport, payload, what, show)

    def s2c(self, payload, what, show="—"):
        return self._send(self.server, self.sport, self.client, self.cport, payload, what, show)


def ms_v6_candidates(rng, host, host_ports, relay, relay_udp_ports, relay_tcp_port):
    """ICE v6 candidates of one m-line: host UDP (q 0.830), relay UDP on the Edge (q 0.410),
    relay TCP on the Edge (q 0.150); RTP and RTCP of one address share username/password."""
    h, ru, rt = IceV6Candidate(rng), IceV6Candidate(rng), IceV6Candidate(rng)
    return [V6Candidate(h, 1, "UDP", 830, host, host_ports[0]), V6Candidate(h, 2, "UDP", 830, host, host_ports[1]),
            V6Candidate(ru, 1, "UDP", 410, relay, relay_udp_ports[0]),
            V6Candidate(ru, 2, "UDP", 410, relay, relay_udp_ports[1]),
            V6Candidate(rt, 1, "TCP", 150, relay, relay_tcp_port), V6Candidate(rt, 2, "TCP", 150, relay, relay_tcp_port)]


# The contoso.com deployment shared by the SIP captures.
CONTOSO_EDGE_PUBLIC = "203.0.113.20"      # A/V Edge av.contoso.com, public interface (relay candidates)
CONTOSO_EDGE_INTERNAL = "10.10.1.5"       # A/V Edge, intranet interface (MRAS intranet relay)
CORP_NAT = "192.0.2.140"                  # corporate NAT public address (srflx candidates)
TEREDO_SERVER = "203.0.113.1"
LYNC2013_UA = "UCCAPI/15.0.4420.1017 OC/15.0.4420.1017 (Microsoft Lync)"
OC2007_UA = "UCCP/2.0.6362.111 OC/2.0.6362.111 (Microsoft Office Communicator)"
SFB_UA = "UCCAPI/16.0.4849.1000 OC/16.0.4849.1000 (Skype for Business)"
FE_SERVER = "RTC/5.0"
LYNC_ALLOW = "INVITE, BYE, ACK, CANCEL, INFO, UPDATE, REFER, NOTIFY, BENOTIFY, OPTIONS"
LOCATION_INTRANET = "NetworkScope;ms-media-location-type=Intranet"
LOCATION_INTERNET = "NetworkScope;ms-media-location-type=Internet"
OC2007_AUDIO_ANSWER_PTS = "114 111 0 8 101"
OC2007_AUDIO_ANSWER_MAPS = [
    "a=rtpmap:114 x-msrta/16000", "a=fmtp:114 bitrate=29000", "a=rtpmap:111 SIREN/16000",
    "a=fmtp:111 bitrate=16000", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16"]


class SipParty:
    """A SIP user agent's identity as it appears in headers."""

    def __init__(self, rng, display, aor, ua):
        self.display, self.aor, self.ua = display, aor, ua
        self.uri = f"sip:{aor}"
        self.epid = rand_hex(rng, 10)
        self.gruu = lync_gruu(aor, rng)
        self.instance = sip_instance(rng)

    def name_addr(self, tag=None):
        s = f'"{self.display}"<{self.uri}>'
        if tag:
            s += f";tag={tag}"
        return s + f";epid={self.epid}"

    def contact(self):
        return f'<{self.gruu}>;+sip.instance="{self.instance}"'


def sdp_part_headers(rng, fallback):
    disp = "session; handling=optional" + ("; ms-proxy-2007fallback" if fallback else "")
    return [("Content-Type", "application/sdp"), ("Content-Transfer-Encoding", "7bit"),
            ("Content-ID", f"<{rand_hex(rng, 32)}@contoso.com>"), ("Content-Disposition", disp)]


def conversation_context_xml(rng, caller, callee, when):
    """application/ms-conversation-context+xml ([MS-SIPRE] §2.2.20, example §4.11)."""
    u = rand_hex(rng, 32)
    cid = f"{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}"
    conv = base64.b64encode(b"\x01" + rng.randbytes(21)).decode()
    return ('<cc:XmlConvContext xmlns:cc="http://schemas.microsoft.com/2008/03/sip/conversationContext">'
            f"<cc:id>{cid}</cc:id>"
            f"<cc:from><cc:uri>{caller.uri}</cc:uri><cc:displayName>{caller.display}</cc:displayName></cc:from>"
            f"<cc:to><cc:uri>{callee.uri}</cc:uri></cc:to>"
            f"<cc:participants><cc:participant><cc:uri>{caller.uri}</cc:uri></cc:participant>"
            f"<cc:participant><cc:uri>{callee.uri}</cc:uri></cc:participant></cc:participants>"
            f"<cc:date>{when}</cc:date>"
            f"<cc:conversationId>{conv}</cc:conversationId>"
            "<cc:dataFormat>text/plain</cc:dataFormat>"
            "<cc:contextData>Budget review follow-up</cc:contextData>"
            "</cc:XmlConvContext>" + CRLF)


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


def capture_sip_mras():
    """sip-mras.pcap: MRAS credential requests (SIP SERVICE) and their responses."""
    rng = random.Random("msice-sip-mras")
    cap = Capture(
        "sip-mras.pcap", "MRAS: A/V Edge credentials over SIP SERVICE (TCP 5060)",
        "A Skype for Business client at home asks the Media Relay Authentication Service for A/V Edge "
        "credentials three times over one SIP/TCP connection to the Access Edge. (1) location internet → "
        "reasonPhrase OK, the *home* MS-TURN credentials and two relays (intranet by directIPAddress, internet "
        "by hostName); (2) location intranet → reasonPhrase \"Server Busy\" without credentialsResponse; "
        "(3) location internet → OK with the *corp* credentials but one mediaRelay has neither udpPort nor "
        "tcpPort. The credentials are the sets in the Credentials table, so a decoder that learns them here "
        "can verify MESSAGE-INTEGRITY in the msturn-* captures (the third answer hands out the corp set only so "
        "that both sets can be learnt from one file). Clear-text SIP on TCP 5060 (TLS 443 in reality).")
    home = cap.host("H", "192.168.1.20", "3c:22:fb:5a:10:20", 128, 0x5310,
                    "Skype for Business client, frank@contoso.com (home LAN, behind NAT; public 192.0.2.77)")
    edge = cap.host("A", "203.0.113.5", "f4:ca:e5:4d:01:01", 110, 0x0E44,
                    "Access Edge sip.contoso.com (forwards SERVICE to MRAS on the A/V Edge)")
    tcp = TcpFlow(cap, rng, home, 50320, edge, 5060)
    C, S = TcpFlow.C, TcpFlow.S
    frank = SipParty(rng, "Frank Moss", "frank@contoso.com", SFB_UA)
    mras_uri = f"sip:frank@contoso.com;gruu;opaque=srvr:MRAS:{rand_token(rng, 22, B64URL_CHARS)}AA"
    received = f";received=192.0.2.77;ms-received-port=50320;ms-received-cid={rand_hex(rng, 4, upper=True)}00"
    relays_ok = [dict(location="intranet", directIPAddress=CONTOSO_EDGE_INTERNAL, udpPort=3478, tcpPort=443),
                 dict(location="internet", hostName="av.contoso.com", udpPort=3478, tcpPort=443)]
    relays_bad = [dict(location="intranet", directIPAddress=CONTOSO_EDGE_INTERNAL),
                  dict(location="internet", hostName="av.contoso.com", udpPort=3478, tcpPort=443)]

    def exchange(location, reason, creds, relays, note=""):
        req_id = str(rng.randrange(10000, 99999))
        call = rand_hex(rng, 32)
        tag, rtag = rand_hex(rng, 10), rand_hex(rng, 32, upper=True)
        via = f"SIP/2.0/TCP {home.ip}:50320;branch={lync_branch(rng)}"
        xml = mras_request_xml(req_id, frank.uri, mras_uri, [(req_id, frank.uri, location, 480)])
        req = sip_message(f"SERVICE {mras_uri} SIP/2.0", [
            ("Via", via), ("Max-Forwards", "70"), ("From", frank.name_addr(tag)), ("To", f"<{mras_uri}>"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Contact", frank.contact()), ("User-Agent", frank.ua),
            ("Content-Type", MRAS_CONTENT_TYPE), ("Content-Length", None)], xml)
        f_req = tcp.send(C, req, f"SIP SERVICE to MRAS (location {location})",
                         f"SIP SERVICE {mras_uri}, CSeq 1 SERVICE, Content-Type {MRAS_CONTENT_TYPE}, Content-Length "
                         f"{len(xml)}; MRAS request: namespace {MRAS_NS}, requestID {req_id}, version 1.0, from "
                         f"{frank.uri}, to {mras_uri}; credentialsRequest credentialsRequestID {req_id}: identity "
                         f"{frank.uri}, location {location}, duration 480")
        cap.after(62)
        crs = [] if creds is None else [dict(id=req_id, username=creds.username_b64, password=creds.password_b64,
                                              duration=480, relays=relays)]
        rxml = mras_response_xml(req_id, frank.uri, mras_uri, reason, crs)
        resp = sip_message("SIP/2.0 200 OK", [
            ("Via", via + received), ("From", frank.name_addr(tag)), ("To", f"<{mras_uri}>;tag={rtag}"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Server", FE_SERVER), ("Content-Type", MRAS_CONTENT_TYPE),
            ("Content-Length", None)], rxml)
        if creds is None:
            show = (f"SIP 200 OK to frame {f_req}, Content-Length {len(rxml)}; MRAS response requestID {req_id}, "
                    f"version 1.0, serverVersion 3.0, to {frank.uri}, from {mras_uri}, reasonPhrase \"{reason}\" "
                    "(not OK: warning), no credentialsResponse — no credentials, no relays")
        else:
            show = (f"SIP 200 OK to frame {f_req}, Content-Length {len(rxml)}; MRAS response requestID {req_id} "
                    f"(matches), version 1.0, serverVersion 3.0, to {frank.uri}, from {mras_uri}, reasonPhrase "
                    f"\"{reason}\"; credentialsResponse credentialsRequestID {req_id}: username `{creds.username_b64}`, "
                    f"password `{creds.password_b64}`, duration 480; mediaRelayList {len(relays)} mediaRelay: "
                    + describe_relays(relays) + note)
        f_resp = tcp.send(S, resp, f"SIP 200 OK with MRAS response (reasonPhrase {reason})", show)
        cap.after(40)
        tcp.ack(C)
        return f_resp

    tcp.handshake(18)
    cap.after(30)
    exchange("internet", "OK", HOME_CREDS, relays_ok)
    cap.at(2.5)
    exchange("intranet", "Server Busy", None, None)
    cap.at(7.25)
    exchange("internet", "OK", CORP_CREDS, relays_bad,
             "; the intranet mediaRelay has neither udpPort nor tcpPort: expert 'relay without ports'")
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
        relays=[dict(location="intranet", directIPAddress=CONTOSO_EDGE_INTERNAL, udpPort=3478, tcpPort=443)])])
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
        id=rid, username=HOME_CREDS.username_b64, password=HOME_CREDS.password_b64, duration=480, relays=relays_of_home())])
    cut = full[:full.index("<mediaRelayList>") + len("<mediaRelayList>") + 40]
    service_ok(n, via, call, tag, cut, "200 OK with MRAS response that ends early",
               f"MRAS response requestID {rid}, reasonPhrase \"OK\", username/password/duration complete "
               f"(home set), but the XML stops inside the first <mediaRelay> after {len(cut)} bytes (Content-Length "
               "matches what is present): expert 'truncated XML'")
    return cap


def relays_of_home():
    return [dict(location="intranet", directIPAddress=CONTOSO_EDGE_INTERNAL, udpPort=3478, tcpPort=443),
            dict(location="internet", hostName="av.contoso.com", udpPort=3478, tcpPort=443)]


# =============================================================================
# 6b. Whole-call scenarios (call-*.pcap): network model, event engine, TURN
#     client and A/V Edge, ICE agent, media, SIP dialog, expected report
# =============================================================================
#
# One capture per call with the whole media-path story on the wire: MRAS
# credentials, MS-TURN allocations, offer/answer with ICE v19 candidates,
# connectivity checks (ordinary, triggered, nominating), media, promotion,
# re-INVITE with a=remote-candidates, BYE, release of the allocations.
#
# The scenario code does not write frames one by one. It sets up a small
# network (hosts, zones, NATs, firewall rules, capture points) and two ICE
# agents, then lets events run in time order: every datagram is routed
# through the rules, NAT-translated, and written to the capture where a
# capture point sees it (as sent, on the sender's side; as received, on the
# receiver's side). Check results, nominations and media paths therefore
# follow from the rules, and the README's expected report is generated from
# what actually happened, frame numbers included. The ICE behaviour modelled
# (documented in the README section "Call scenarios"):
#   - checks paced every TA_MS, highest pair priority first (ICE-19 §5.8),
#     component 2 of a foundation unfrozen when component 1 succeeded;
#   - a check is sent at CHECK_TX_MS offsets and fails at CHECK_FAIL_MS;
#   - a request arriving on a pair that is not yet in progress or valid
#     triggers a check on that pair (ICE-19 §7.2.1.4);
#   - regular nomination: the controlling agent nominates the best valid pair
#     of a component once no higher-priority pair of it is still pending,
#     then stops lower-priority checks of that component;
#   - before a nomination, media goes from the local default candidate to the
#     remote default candidate (c=/m=, ICE-19 §11.1); afterwards it goes on
#     the nominated pair.

AT_MS_APP_ID = 0x8037                    # seen in Lync check responses (cap2), value 1

CONTOSO_AV_EXT = "203.0.113.10"          # A/V Edge av.contoso.com, public interface (as in msturn-udp/tcp)
CONTOSO_AV_INT = CONTOSO_EDGE_INTERNAL   # 10.10.1.5, intranet interface
CONTOSO_ACCESS_EDGE = "203.0.113.5"      # Access Edge sip.contoso.com (as in sip-mras)
CONTOSO_FE = "10.10.1.10"                # Front End fe01.contoso.com
FABRIKAM_AV_EXT, FABRIKAM_AV_INT = "198.51.100.10", "172.16.1.5"
FABRIKAM_ACCESS_EDGE, FABRIKAM_FE = "198.51.100.5", "172.16.1.10"
HOME_NAT, HOTEL_NAT = "192.0.2.77", "198.51.100.77"
ROUTER_MAC = "00:1c:7f:3a:00:01"         # contoso core router (as in the other captures)
HOME_ROUTER_MAC = "f4:ca:e5:4d:01:01"

TA_MS = 20                                # pacing of ordinary checks
CHECK_TX_MS = (0, 100, 300, 700, 1500)    # transmissions of one check (RTO 100 ms, doubling)
CHECK_FAIL_MS = 2300                      # no response 800 ms after the last transmission: pair failed
TCP_SYN_MS = (0, 1000)                    # SYN and its retransmission for an ICE-TCP check
TCP_FAIL_MS = 3000
ALLOC_RTO_MS = 650                        # MS-TURN Allocate retransmission (ms-turn.md §10)
SFB_ICE_VERSION = 3                       # IMPLEMENTATION-VERSION of Lync 2013 / SfB checks (cap2)
MEDIA_PT, MEDIA_LEN, MEDIA_TS_STEP = 104, 40, 320   # SILK/16000, 40-byte SRTP payload, 20 ms
CONTOSO_RELAYS = [dict(location="intranet", directIPAddress=CONTOSO_AV_INT, udpPort=3478, tcpPort=443),
                  dict(location="internet", hostName="av.contoso.com", udpPort=3478, tcpPort=443)]
FABRIKAM_RELAYS = [dict(location="intranet", directIPAddress=FABRIKAM_AV_INT, udpPort=3478, tcpPort=443),
                   dict(location="internet", hostName="av.fabrikam.com", udpPort=3478, tcpPort=443)]


def sfb_check_request(txid12, sender, receiver, prio, controlling, foundation, nominate=False):
    """MS-ICE2 Binding Request laid out as Lync 2013 / SfB send it (cap2): USERNAME
    "<receiver ufrag>:<sender ufrag>", PRIORITY, ICE-CONTROLLING/-CONTROLLED, [USE-CANDIDATE],
    CANDIDATE-IDENTIFIER, IMPLEMENTATION-VERSION 3, MI (key = receiver's ice-pwd), FINGERPRINT."""
    attrs = [username(f"{receiver.ufrag}:{sender.ufrag}".encode()), priority(prio),
             (ice_controlling if controlling else ice_controlled)(sender.tiebreaker)]
    if nominate:
        attrs.append(use_candidate())
    attrs += [candidate_identifier(foundation), implementation_version(SFB_ICE_VERSION)]
    return rfc5389_stun(BINDING_REQUEST, txid12, attrs, mi_key=receiver.pwd.encode())


def sfb_check_response(txid12, user, responder, mapped_ip, mapped_port):
    """Binding Success Response as Lync sends it (cap2): XOR-MAPPED-ADDRESS (0x0020), USERNAME
    echoed, MS-APP-ID 1, IMPLEMENTATION-VERSION 3, MI (key = responder's own ice-pwd), FINGERPRINT."""
    attrs = [rfc5389_xor_mapped(mapped_ip, mapped_port, txid12), username(user), u32(AT_MS_APP_ID, 1),
             implementation_version(SFB_ICE_VERSION)]
    return rfc5389_stun(BINDING_RESPONSE, txid12, attrs, mi_key=responder.pwd.encode())


class ViewHost(Host):
    """A host as one capture point sees it (MAC on that link, TTL on arrival). IP IDs come
    from the sender's own counter, shared by all its views (NATs keep the IP ID)."""

    def __init__(self, net, label, ip, mac, ttl):
        super().__init__(label, ip, mac, ttl, 0, "")
        self.net = net

    def next_ip_id(self):
        return self.net.next_ip_id(self.ip)


class Nat:
    """A home/hotel router with one public address. kind "address": endpoint-independent
    mapping, address-restricted filtering (inbound allowed from any port of an address the
    mapping has sent to); kind "symmetric": a new mapping per destination, inbound allowed
    only from that exact destination."""

    def __init__(self, public_ip, kind, first_port):
        self.public_ip, self.kind, self.next_port = public_ip, kind, first_port
        self.maps = []                    # [key, public port, [(dst ip, dst port) sent to]]

    def _key(self, ip, port, dst):
        return (ip, port) if self.kind == "address" else (ip, port, dst)

    def preset(self, ip, port, public_port, dst=None):
        self.maps.append([self._key(ip, port, dst), public_port, []])

    def out(self, ip, port, dst_ip, dst_port):
        key = self._key(ip, port, (dst_ip, dst_port))
        m = next((m for m in self.maps if m[0] == key), None)
        if m is None:
            m = [key, self.next_port, []]
            self.next_port += 7
            self.maps.append(m)
        if (dst_ip, dst_port) not in m[2]:
            m[2].append((dst_ip, dst_port))
        return self.public_ip, m[1]

    def inbound(self, src_ip, src_port, public_port):
        for key, port, sent in self.maps:
            if port == public_port:
                ok = (any(ip == src_ip for ip, _ in sent) if self.kind == "address"
                      else (src_ip, src_port) in sent)
                return (key[0], key[1]) if ok else None
        return None


class Pkt:
    """What a datagram carries, for the endpoint that receives it: kind "req" / "resp"
    (connectivity check and its response, `txn` = the CheckTxn), "rtp" or "rtcp"."""

    def __init__(self, kind, data, txn=None, comp=1, nominate=False, user=None, sender=None):
        self.kind, self.data, self.txn, self.comp = kind, data, txn, comp
        self.nominate, self.user, self.sender = nominate, user, sender


class CallNet:
    """Network, clock and event queue of one whole-call capture.

    Every address is registered with a zone (the scenario's rules and latencies use
    it), a label (README direction column) and the capture point where its own traffic
    is seen (None = nowhere). A datagram is written when it leaves a host seen at some
    point (as sent) and again when it reaches a host seen at another point (as
    received, after NAT). Events run from a heap in time order."""

    def __init__(self, cap, rng, points):
        self.cap, self.rng = cap, rng
        self.points = points              # point -> (README tag, MAC of the gateway on that link)
        self.multi = len(points) > 1
        self.reg = {}                     # ip -> dict(zone, label, point, mac)
        self.views, self.ipid = {}, {}
        self.nat_of = {}                  # private ip -> Nat
        self.nats = {}                    # public ip -> Nat
        self.lat = {}                     # (zone, zone) -> one-way delay in ms
        self.rules = lambda src, dst, dport, proto, t: True
        self.heap, self.seq = [], 0
        self.sockets = {}                 # (ip, port) -> handler(pkt, seen_ip, seen_port, frames)
        self.relayed = {}                 # (ip, port) -> TurnAlloc
        self.media_log = []               # dict(t, sender, key, frames, kind)
        self.allocs = []
        self.agents = []
        self.far_ttl = {}                 # zone -> TTL of its hosts' packets where they are captured elsewhere
        self.closed = {}                  # (ip, port) -> time from which the socket is closed (ICMP answers)
        self.icmp_tokens = {}             # (host, destination ip) -> (credit in µs, time of the last update)
        self.icmp_log = []                # dict(t, frame, quoted frame, host, port, sender)

    # ---------------------------------------------------------------- topology
    def register(self, ip, zone, label, point=None, mac=None, role=None):
        self.reg[ip] = dict(zone=zone, label=label, point=point, mac=mac)
        if role:
            self.cap.host(label, ip, mac or "", 0, 0, role)

    def add_nat(self, nat, private_ips):
        self.nats[nat.public_ip] = nat
        for ip in private_ips:
            self.nat_of[ip] = nat

    def zone(self, ip):
        return self.reg[ip]["zone"] if ip in self.reg else "unknown"

    def delay_ms(self, a, b):
        za, zb = self.zone(a), self.zone(b)
        if za == zb:
            return self.lat.get((za, za), 0.3)
        return self.lat.get((za, zb), self.lat.get((zb, za), 15.0))

    def view(self, point, ip):
        key = (point, ip)
        if key not in self.views:
            r = self.reg.get(ip, dict(zone="unknown", label=ip, point=None, mac=None))
            local = r["point"] == point
            mac = r["mac"] if local and r["mac"] else self.points[point][1]
            ttl = 128 if local else self.far_ttl.get(r["zone"], 116)
            self.views[key] = ViewHost(self, r["label"], ip, mac, ttl)
        return self.views[key]

    def next_ip_id(self, ip):
        owner = ip
        if ip in self.nats:               # a NAT keeps the sender's IP ID
            owner = self.nats[ip].maps[0][0][0] if self.nats[ip].maps else ip
        if owner not in self.ipid:
            self.ipid[owner] = self.rng.getrandbits(16)
        self.ipid[owner] = (self.ipid[owner] + 1) & 0xFFFF
        return self.ipid[owner]

    def tag(self, point, what):
        return f"[{self.points[point][0]}] {what}" if self.multi else what

    # ---------------------------------------------------------------- clock
    def at(self, t, fn):
        heapq.heappush(self.heap, (int(round(t * 1_000_000)), self.seq, fn))
        self.seq += 1

    def after(self, ms, fn):
        heapq.heappush(self.heap, (self.cap.now + int(round(ms * 1000)), self.seq, fn))
        self.seq += 1

    @property
    def t(self):
        return self.cap.now / 1e6

    def run(self):
        while self.heap:
            t, _, fn = heapq.heappop(self.heap)
            assert t >= self.cap.now, "event in the past"
            self.cap.now = t
            fn()

    # ---------------------------------------------------------------- datagrams
    def emit_udp(self, point, src, sport, dst, dport, payload, what, show):
        s, d = self.view(point, src), self.view(point, dst)
        pkt = (Ether(src=s.mac, dst=d.mac) / IP(src=src, dst=dst, id=s.next_ip_id(), ttl=s.ttl, flags=0)
               / UDP(sport=sport, dport=dport) / Raw(payload))
        return self.cap.add(bytes(pkt), _direction(s, sport, d, dport), self.tag(point, what), show)

    def send_udp(self, src, sport, dst, dport, data, what, show, frames=None, on_arrive=None, pkt=None):
        """Send a datagram from a socket of host `src` (its own address). Written where seen;
        if the rules and NATs let it through, it arrives after the one-way delay: then
        on_arrive(rx_ip, rx_port, seen_ip, seen_port) runs, or `pkt` goes to the socket."""
        frames = [] if frames is None else frames
        nat = self.nat_of.get(src)
        pub, pport = nat.out(src, sport, dst, dport) if nat else (src, sport)
        p_src = self.reg.get(src, {}).get("point")
        if p_src is not None:
            frames.append(self.emit_udp(p_src, src, sport, dst, dport, data, what, show))
        if not self.rules(pub, dst, dport, "udp", self.t):
            return frames
        if dst in self.nats:
            rx = self.nats[dst].inbound(pub, pport, dport)
            if rx is None:
                return frames
        else:
            rx = (dst, dport)
        rx_ip, rx_port = rx
        p_dst = self.reg.get(rx_ip, {}).get("point")

        def arrive():
            if p_dst is not None and p_dst != p_src:
                frames.append(self.emit_udp(p_dst, pub, pport, rx_ip, rx_port, data, what, show))
            if (rx_ip, rx_port) in self.closed and self.t >= self.closed[(rx_ip, rx_port)]:
                self._port_unreachable(rx_ip, rx_port, pub, pport, frames)
                return
            if on_arrive is not None:
                on_arrive(rx_ip, rx_port, pub, pport)
            elif pkt is not None and (rx_ip, rx_port) in self.sockets:
                self.sockets[(rx_ip, rx_port)](pkt, pub, pport, frames)
        self.after(self.delay_ms(src, rx_ip), arrive)
        return frames

    def close_port(self, ip, port, t):
        """From time `t` nothing listens on ip:port: the host answers datagrams to it with ICMP port
        unreachable (RFC 1122 3.2.2.1, RFC 792)."""
        self.closed[(ip, port)] = t

    ICMP_BURST, ICMP_REFILL_MS = 6, 1000   # the host's ICMP error rate limit per destination (a choice)

    def _port_unreachable(self, host, port, src_ip, src_port, frames):
        """ICMP type 3 code 3 from `host` to the datagram's source, quoting its IP header and as much of
        the datagram as fits in 576 bytes (RFC 1812 4.3.2.3), rate-limited per destination: a burst of
        ICMP_BURST, then one per ICMP_REFILL_MS."""
        key, cost = (host, src_ip), self.ICMP_REFILL_MS * 1000
        credit, last = self.icmp_tokens.get(key, (self.ICMP_BURST * cost, self.cap.now))
        credit = min(self.ICMP_BURST * cost, credit + self.cap.now - last)   # token bucket, in µs of credit
        if credit < cost:
            self.icmp_tokens[key] = (credit, self.cap.now)
            return
        self.icmp_tokens[key] = (credit - cost, self.cap.now)
        point = self.reg.get(host, {}).get("point")
        if point is None or not frames:
            return
        quoted_frame = frames[-1]
        orig = IP(self.cap.frames[quoted_frame - 1][1][14:])
        orig.ttl -= 1                     # one router hop between the VLANs
        del orig.chksum
        quoted = bytes(orig)[:576 - 28]
        h, d = self.view(point, host), self.view(point, src_ip)
        pkt = (Ether(src=h.mac, dst=d.mac) / IP(src=host, dst=src_ip, id=h.next_ip_id(), ttl=h.ttl, flags=0)
               / ICMP(type=3, code=3) / Raw(quoted))
        what = self.tag(point, f"ICMP port unreachable ({host}:{port} closed)")
        n = self.cap.add(bytes(pkt), f"{h.label} → {d.label}", what,
                         f"ICMP type 3 code 3 from {host} to {src_ip}, quoting the IP header and the whole UDP "
                         f"datagram of frame {quoted_frame} ({src_ip}:{src_port} → {host}:{port}, "
                         f"{len(quoted) - 28} bytes of payload): nothing listens on port {port} any more; not a "
                         "media packet")
        self.icmp_log.append(dict(t=self.t, frame=n, quoted=quoted_frame, host=host, port=port, sender=src_ip))

    def dns(self, point, client, resolver, name, answer):
        """A DNS A query and its answer, both seen at the client's point."""
        qid, sport = self.rng.getrandbits(16), 49152 + self.rng.getrandbits(14)
        q = bytes(DNS(id=qid, rd=1, qd=DNSQR(qname=name)))
        r = bytes(DNS(id=qid, qr=1, rd=1, ra=1, qd=DNSQR(qname=name), an=DNSRR(rrname=name, ttl=300, rdata=answer)))
        n = self.emit_udp(point, client, sport, resolver, 53, q, f"DNS query A {name}",
                          f"standard query, A {name}")
        self.after(4.2, lambda: self.emit_udp(point, resolver, 53, client, sport, r, f"DNS answer {name} = {answer}",
                                              f"answer to frame {n}: {name} A {answer} (the internet relay "
                                              "MRAS named by hostName)"))


def cand_str(c, who=True):
    s = f"{c.typ} {c.transport} {c.address}:{c.port}"
    return f"{c.owner.key} {s}" if who else s


def pair_str(local, remote):
    return f"{cand_str(local)} → {cand_str(remote)}"


class AvEdge:
    """An A/V Edge: intranet and public interfaces, allocations, relaying between them."""

    def __init__(self, net, name, int_ip, ext_ip):
        self.net, self.name, self.int_ip, self.ext_ip = net, name, int_ip, ext_ip

    def relay(self, alloc, dest, pkt, frames, note):
        """Data a client had sent to `dest` leaves its relayed address."""
        net = self.net
        target = net.relayed.get(dest)
        if target is not None and target.edge is self:          # hair-pin inside this Edge
            net.after(0.2, lambda: target.from_peer(alloc.relayed, pkt, frames, note))
            return
        src_ip, src_port = alloc.relayed
        if target is not None:                                   # another Edge's relayed address
            net.send_udp(src_ip, src_port, dest[0], dest[1], pkt.data, "", "", frames=[],
                         on_arrive=lambda *a: target.from_peer(alloc.relayed, pkt, frames, note))
            return
        what = f"{note} (leaves {alloc.agent.key}'s relayed address)"
        net.send_udp(src_ip, src_port, dest[0], dest[1], pkt.data, what,
                     f"plain UDP from {alloc.agent.key}'s relayed address {src_ip}:{src_port} (the Edge relays the "
                     f"DATA of the Send Request): {pkt_show(pkt)}", frames=frames, pkt=pkt)


def pkt_show(pkt):
    if pkt.kind in ("req", "resp"):
        txn = pkt.txn
        if pkt.kind in txn.described:
            return (f"the {'Binding Request' if pkt.kind == 'req' else 'Binding Success Response'} of check "
                    f"{txn.id} again (attributes as at its first appearance, same STUN txid)")
        txn.described.append(pkt.kind)
        return txn.describe(pkt.kind)
    if pkt.kind == "rtp":
        return pkt.sender.stream.describe(pkt.data)
    return f"RTCP SR (PT 200) SSRC 0x{pkt.sender.stream.ssrc:08x} + SDES CNAME"


class TurnAlloc:
    """One MS-TURN allocation of a client socket on an A/V Edge, over UDP."""

    transport = "UDP"

    def __init__(self, agent, comp, edge, server_ip, cport, relay_port, outcome="ok"):
        net = agent.net
        self.net, self.agent, self.comp, self.edge = net, agent, comp, edge
        self.server = (server_ip, 3478)
        self.sock = (agent.ip, cport)
        self.relayed = (edge.ext_ip, relay_port)
        self.reflexive = None
        self.creds, self.tx = agent.creds, agent.tx
        self.sid = net.rng.randbytes(8) if agent.ms_version >= 5 else None
        self.conn_id, self.nonce = net.rng.randbytes(20), net.rng.randbytes(20)
        self.seq = 0
        self.outcome = outcome            # "ok", ("error", code, reason), "unanswered" or "rejected"
        self.active = self.edge_active = None
        self.sad_pending = False
        self.ok = False
        self.frames, self.result = [], "pending"
        self.sads = []                    # (destination, frames) of Set Active Destination transactions
        net.allocs.append(self)

    # -- transport to/from the Edge (overridden for TCP)
    def c2s(self, msg, what, show, on_edge=None, frames=None):
        frames = self.frames if frames is None else frames

        def arrive(rx_ip, rx_port, seen_ip, seen_port):
            if self.reflexive is None:
                self.reflexive = (seen_ip, seen_port)     # the client's address as the Edge sees it
            if on_edge:
                on_edge()
        return self.net.send_udp(self.sock[0], self.sock[1], self.server[0], self.server[1], msg, what, show,
                                 frames=frames, on_arrive=arrive)

    def s2c(self, msg, what, show, on_client=None, frames=None):
        frames = self.frames if frames is None else frames
        return self.net.send_udp(self.server[0], self.server[1], self.reflexive[0], self.reflexive[1], msg, what, show,
                                 frames=frames, on_arrive=(lambda *a: on_client()) if on_client else None)

    def label(self):
        return f"{self.agent.key} comp {self.comp} {self.transport}"

    def base_attrs(self):
        return [ms_version(self.agent.ms_version), bandwidth(60), service_quality(1, 0)]

    # -- allocation
    def allocate(self, on_done):
        """Allocate without credentials, 401, Allocate with MRAS credentials, result."""
        self.on_done = on_done
        t1 = self.tx.client()
        what = f"Allocate Request ({self.label()}, no credentials)"
        show = (f"MS-TURN Allocate Request txid {hexs(t1)}; MAGIC-COOKIE first, MS-VERSION {self.agent.ms_version}, "
                f"BANDWIDTH 60, MS-SERVICE-QUALITY audio/best effort; socket of {self.agent.key}'s component {self.comp}")
        if self.outcome == "unanswered":
            msg = msturn(ALLOCATE_REQUEST, t1, self.base_attrs())
            for i in range(4):
                self.net.after(i * ALLOC_RTO_MS, lambda i=i: self.c2s(
                    msg, what if i == 0 else f"Allocate Request retransmission {i} ({self.label()})",
                    show if i == 0 else f"same message as frame {self.frames[0]} (same txid), sent {ALLOC_RTO_MS * i} ms "
                    "later: MS-TURN retransmits every 650 ms; never answered (UDP is blocked)"))
            self.net.after(4 * ALLOC_RTO_MS, self._gave_up)
            return
        self.c2s(msturn(ALLOCATE_REQUEST, t1, self.base_attrs()), what, show, on_edge=lambda: self._challenge(t1))

    def _gave_up(self):
        self.result = "no response (4 transmissions, UDP blocked)"
        self.on_done(False)

    def _challenge(self, t1):
        req_frame = self.frames[-1] if self.frames else None   # None: not captured

        def send():
            attrs = [ms_version(self.agent.ms_version), error_code(401, REASON_401),
                     plain_addr(AT_ALTERNATE_SERVER, *self.server), nonce(self.nonce), realm()]
            if self.sid:
                attrs.append(session_id_attr(self.sid))
            attrs.append(edge_software())
            self.s2c(msturn(ALLOCATE_ERROR, t1, attrs), f"Allocate Error Response 401 ({self.label()})",
                     f"response to frame {req_frame}; ERROR-CODE 401, ALTERNATE-SERVER {self.server[0]}:"
                     f"{self.server[1]}, NONCE, REALM \"rtcmedia\"" + (", MULTIPLEXED-TURN-SESSION-ID" if self.sid else ""),
                     on_client=lambda: self.net.after(2.1, self._authenticate))
        self.net.after(0.9, send)

    def _authenticate(self):
        t2 = self.tx.client()
        attrs = self.base_attrs() + ([session_id_attr(self.sid)] if self.sid else []) + [
            nonce(self.nonce), realm(), username(self.creds.username)]
        self.c2s(msturn(ALLOCATE_REQUEST, t2, attrs, self.creds), f"Allocate Request ({self.label()}, authenticated)",
                 f"Allocate Request txid {hexs(t2)} with USERNAME (MRAS username of {self.agent.key}, decoded), REALM, "
                 f"NONCE, MESSAGE-INTEGRITY {32 if self.creds.mi_hash == 'sha256' else 20} bytes: verifies with "
                 f"{self.agent.key}'s MRAS credentials",
                 on_edge=lambda: self._answer(t2))

    def _answer(self, t2):
        req_frame = self.frames[-1] if self.frames else None   # None: not captured

        def send():
            if self.outcome == "rejected":
                self._reject(t2, req_frame)
                return
            if self.outcome != "ok":
                _, code, reason = self.outcome
                self.result = f"Allocate Error {code} {reason}"
                self.s2c(msturn(ALLOCATE_ERROR, t2, [ms_version(self.agent.ms_version), error_code(code, reason),
                                                     edge_software()], self.creds),
                         f"Allocate Error Response {code} ({self.label()})",
                         f"response to frame {req_frame}; ERROR-CODE {code} \"{reason}\": allocation refused, "
                         f"{self.agent.key} gets no relayed address on this socket; MI verifies",
                         on_client=lambda: self.on_done(False))
                return
            attrs = [lifetime(600), plain_addr(AT_MAPPED_ADDRESS, *self.relayed), ms_version(self.agent.ms_version),
                     msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, self.reflexive[0], self.reflexive[1], t2),
                     ms_sequence(self.conn_id, 0)]
            if self.sid:
                attrs.append(session_id_attr(self.sid))
            attrs.append(edge_software())
            self.result = "success"
            self.net.relayed[self.relayed] = self
            self.net.sockets[self.relayed] = self.from_peer_direct
            self.s2c(msturn(ALLOCATE_RESPONSE, t2, attrs, self.creds), f"Allocate Response ({self.label()})",
                     f"response to frame {req_frame}; LIFETIME 600; MAPPED-ADDRESS = relayed "
                     f"{self.relayed[0]}:{self.relayed[1]}; XOR-MAPPED-ADDRESS = reflexive {self.reflexive[0]}:"
                     f"{self.reflexive[1]} (the source the Edge saw)"
                     + (f"; MULTIPLEXED-TURN-SESSION-ID {hexs(self.sid)}" if self.sid else "") + "; MI verifies",
                     on_client=self._allocated)
        self.net.after(1.4, send)

    def _reject(self, t2, req_frame):
        """401 again, to the authenticated request: this Edge derives another password from the
        MRAS username (an Edge of the pool with a different certificate), so the MESSAGE-INTEGRITY
        does not verify for it. No MI in the answer (the Edge has no key it shares with the
        client); a fresh NONCE. "Unauthorized" is the RFC 5389 reason text (a choice)."""
        attrs = [ms_version(self.agent.ms_version), error_code(401, REASON_401_REJECTED),
                 plain_addr(AT_ALTERNATE_SERVER, *self.server), nonce(self.net.rng.randbytes(20)), realm()]
        if self.sid:
            attrs.append(session_id_attr(self.sid))
        attrs.append(edge_software())
        self.result = "Allocate Error 401 again after the credentials (rejected)"
        self.s2c(msturn(ALLOCATE_ERROR, t2, attrs),
                 f"Allocate Error Response 401 ({self.label()}, credentials rejected)",
                 f"response to frame {req_frame} (which carried USERNAME and a MESSAGE-INTEGRITY that verifies with "
                 f"{self.agent.key}'s MRAS credentials): ERROR-CODE 401 \"{REASON_401_REJECTED}\" again, a new NONCE, "
                 f"REALM, no MI: the Edge {self.server[0]} rejected the credentials",
                 on_client=lambda: self.on_done(False))

    def _allocated(self):
        self.ok = True
        self.on_done(True)

    def release(self):
        if not self.ok:
            return
        t = self.tx.client()
        self.seq += 1
        n0 = len(self.frames)
        self.c2s(msturn(ALLOCATE_REQUEST, t, [ms_version(self.agent.ms_version), lifetime(0),
                                               ms_sequence(self.conn_id, self.seq), nonce(self.nonce), realm(),
                                               username(self.creds.username)], self.creds),
                 f"Allocate Request LIFETIME 0 ({self.label()}, release)",
                 f"txid {hexs(t)}; LIFETIME 0 releases the relayed address {self.relayed[0]}:{self.relayed[1]}; "
                 "MI verifies", on_edge=lambda: self.net.after(0.8, lambda: self.s2c(
                     msturn(ALLOCATE_RESPONSE, t, [lifetime(0), plain_addr(AT_MAPPED_ADDRESS, *self.relayed),
                                                   ms_version(self.agent.ms_version),
                                                   msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, *self.reflexive, t),
                                                   ms_sequence(self.conn_id, self.seq), edge_software()], self.creds),
                     f"Allocate Response LIFETIME 0 ({self.label()}, released)",
                     f"response to frame {self.frames[n0] if n0 < len(self.frames) else None}; allocation "
                     "released")))

    def _set_active(self, dest):
        """Set Active Destination for media: afterwards data to/from `dest` is multiplexed."""
        self.sad_pending = True
        t = self.tx.client()
        self.seq += 1
        frames = []
        self.sads.append((dest, frames))
        self.c2s(msturn(SET_ACTIVE_DEST_REQUEST, t, [
            ms_version(self.agent.ms_version), username(self.creds.username), realm(), nonce(self.nonce),
            ms_sequence(self.conn_id, self.seq), plain_addr(AT_DESTINATION_ADDRESS, *dest)], self.creds),
            f"Set Active Destination Request ({self.label()})",
            f"0x0006 txid {hexs(t)}; DESTINATION-ADDRESS {dest[0]}:{dest[1]} (the peer {self.agent.key} sends media to); "
            "MI verifies", frames=frames, on_edge=lambda: self._sad_edge(t, dest, frames))

    def _sad_edge(self, t, dest, frames):
        self.edge_active = dest

        def send():
            self.s2c(msturn(SET_ACTIVE_DEST_RESPONSE, t, [ms_version(self.agent.ms_version)], self.creds),
                     f"Set Active Destination Response ({self.label()})",
                     f"0x0106, response to frame {frames[0] if frames else None}; from now on data between this "
                     "allocation and "
                     f"{dest[0]}:{dest[1]} travels " + self.mux_name(), frames=frames,
                     on_client=lambda: self._sad_done(dest))
        self.net.after(0.7, send)

    def _sad_done(self, dest):
        self.active, self.sad_pending = dest, False

    def raw(self):
        """Data for the active destination goes as the plain datagram (not a client that keeps Send Requests)."""
        return not self.sid and self.agent.raw_to_active

    def mux_name(self):
        # [MS-TURN] 3.2.4.5: data for the active destination goes without Send / Data Indication;
        # 3.2.4.6: with multiplexed TURN (MS-Version 5+) inside a 0xFF10 frame.
        if self.sid:
            return "in multiplexed TURN frames (0xFF10)"
        return "as plain datagrams (no TURN header)" if self.raw() else "in Send Requests / Data Indications"

    # -- data
    def send_data(self, dest, pkt, frames, note):
        """Client → Edge → `dest`: Send Request, or once `dest` is the active destination a 0xFF10
        frame (MS-Version 5+) or the bare datagram ([MS-TURN] 3.2.4.5)."""
        if pkt.kind in ("rtp", "rtcp") and self.active != dest and not self.sad_pending:
            self._set_active(dest)
        if self.active == dest and self.sid:
            msg = multiplexed(self.sid, pkt.data)
            what = f"0xFF10 to Edge: {note}"
            show = (f"multiplexed TURN, session id {hexs(self.sid)} ({self.label()} allocation; active destination "
                    f"{dest[0]}:{dest[1]}); data = {pkt_show(pkt)}")
        elif self.active == dest and self.raw():
            msg = pkt.data
            what = f"raw to Edge (active destination): {note}"
            show = (f"no TURN header: the datagram itself, on the {self.label()} allocation's 5-tuple, for the active "
                    f"destination {dest[0]}:{dest[1]} ([MS-TURN] 3.2.4.5); data = {pkt_show(pkt)}")
        else:
            t = self.tx.client()
            self.seq += 1
            msg = ms_turn_send(t, self.creds, [ms_sequence(self.conn_id, self.seq)], dest[0], dest[1], pkt.data)
            what = f"Send Request: {note}"
            show = (f"MS-TURN Send Request txid {hexs(t)} ({self.label()} allocation), DESTINATION-ADDRESS "
                    f"{dest[0]}:{dest[1]}, MI verifies; DATA = {pkt_show(pkt)}")
        self.c2s(msg, what, show, frames=frames, on_edge=lambda: self.edge.relay(self, dest, pkt, frames, note))

    def from_peer_direct(self, pkt, seen_ip, seen_port, frames):
        self.from_peer((seen_ip, seen_port), pkt, frames, pkt_note(pkt))

    def from_peer(self, peer, pkt, frames, note):
        """Edge → client: Data Indication, or 0xFF10 when `peer` is the active destination."""
        if self.edge_active == peer and self.sid:
            msg = multiplexed(self.sid, pkt.data)
            what = f"0xFF10 from Edge: {note}"
            show = (f"multiplexed TURN, session id {hexs(self.sid)} ({self.label()}); from {peer[0]}:{peer[1]}; "
                    f"data = {pkt_show(pkt)}")
        elif self.edge_active == peer and self.raw():
            msg = pkt.data
            what = f"raw from Edge (active destination): {note}"
            show = (f"no TURN header: the datagram from the active destination {peer[0]}:{peer[1]} as the Edge "
                    f"forwards it on the {self.label()} allocation's 5-tuple ([MS-TURN] 3.2.4.5); data = "
                    f"{pkt_show(pkt)}")
        else:
            msg = ms_turn_data_ind(self.tx.random128(), peer[0], peer[1], pkt.data)
            what = f"Data Indication: {note}"
            show = (f"MS-TURN Data Indication ({self.label()} allocation), REMOTE-ADDRESS {peer[0]}:{peer[1]}; "
                    f"DATA = {pkt_show(pkt)}")
        self.s2c(msg, what, show, frames=frames, on_client=lambda: self.agent.receive(pkt, self, peer, frames))


def pkt_note(pkt):
    if pkt.kind in ("req", "resp"):
        return pkt.txn.note(pkt.kind)
    return f"{pkt.kind.upper()} {pkt.sender.key}→{pkt.sender.peer.key}"


class TurnTcpAlloc(TurnAlloc):
    """An MS-TURN allocation over TCP 443 with pseudo-TLS and the 4-byte framing
    (ms-turn.md §1). Seen at the client's capture point only; times are as seen there."""

    transport = "TCP"

    def __init__(self, agent, edge, server_ip, cport, relay_port, reflexive, outcome="ok", rtt_ms=40.0):
        super().__init__(agent, "1+2", edge, server_ip, cport, relay_port, outcome)
        self.server = (server_ip, 443)
        self.sid = None
        self.reflexive_tcp = reflexive
        self.rtt = rtt_ms
        point = self.net.reg[agent.ip]["point"]
        self.tcp = TcpFlow(self.net.cap, self.net.rng, self.net.view(point, agent.ip), cport,
                           self.net.view(point, server_ip), 443)

    def label(self):
        return f"{self.agent.key} TCP"

    def mux_name(self):
        return "in 0x03 data frames"

    def c2s(self, msg, what, show, on_edge=None, frames=None, ftype=FRAME_CONTROL):
        frames = self.frames if frames is None else frames
        if ftype == FRAME_CONTROL and not what.startswith("framed"):
            what = "framed " + what
        frames.append(self.tcp.send(TcpFlow.C, framed(ftype, msg), self.net.tag(self._pt(), what), show))
        if on_edge:
            self.net.after(self.rtt / 2, on_edge)

    def s2c(self, msg, what, show, on_client=None, frames=None, ftype=FRAME_CONTROL):
        frames = self.frames if frames is None else frames
        if ftype == FRAME_CONTROL and not what.startswith("framed"):
            what = "framed " + what

        def arrive():
            frames.append(self.tcp.send(TcpFlow.S, framed(ftype, msg), self.net.tag(self._pt(), what), show))
            if on_client:
                on_client()
        self.net.after(self.rtt / 2, arrive)

    def _pt(self):
        return self.net.reg[self.agent.ip]["point"]

    def allocate(self, on_done):
        """TCP handshake, pseudo-TLS hello exchange, then the framed Allocate dance."""
        self.on_done = on_done
        self.reflexive = self.reflexive_tcp
        C, S = TcpFlow.C, TcpFlow.S
        tag = lambda w: self.net.tag(self._pt(), w)
        self.frames.append(self.tcp._segment(C, "S", what=tag(f"TCP SYN to {self.server[0]}:443 (MS-TURN over TCP)"),
                                             options=_SYN_OPTS_CLIENT, window=64240))

        def synack():
            self.frames.append(self.tcp._segment(S, "SA", what=tag("TCP SYN/ACK"), options=_SYN_OPTS_SERVER,
                                                 window=65535))
            self.net.after(0.2, lambda: self.frames.append(self.tcp._segment(C, "A", what=tag("TCP ACK"))))
            self.net.after(0.5, hello)

        def hello():
            self.frames.append(self.tcp.send(C, pseudo_tls_client_hello(self.net.rng),
                                             tag("pseudo-TLS ClientHello (no framing header)"),
                                             "pseudo-TLS handshake record 16 03 01 00 2d 01 …, cipher 0x0018: not TLS, "
                                             "the stream carries framed MS-TURN"))
            self.net.after(self.rtt, lambda: (
                self.frames.append(self.tcp.send(S, pseudo_tls_server_hello(self.net.rng),
                                                 tag("pseudo-TLS ServerHello + ServerHelloDone"),
                                                 "83-byte pseudo-TLS answer; MS-TURN with 4-byte framing follows")),
                self.net.after(1.0, first)))

        def first():
            t1 = self.tx.client()
            self.c2s(msturn(ALLOCATE_REQUEST, t1, self.base_attrs()),
                     f"framed Allocate Request ({self.label()}, no credentials)",
                     f"framing type 0x02; MS-TURN Allocate Request txid {hexs(t1)}",
                     on_edge=lambda: self._challenge(t1))
        self.net.after(self.rtt, synack)

    def send_data(self, dest, pkt, frames, note):
        if pkt.kind in ("rtp", "rtcp") and self.active != dest and not self.sad_pending:
            self._set_active(dest)
        if self.active == dest:
            what = f"0x03 data frame to Edge: {note}"
            show = (f"framing type 0x03 (end-to-end data to the active destination {dest[0]}:{dest[1]}), payload = "
                    f"RFC 4571 length + {pkt_show(pkt)}")
            self.c2s(rfc4571(pkt.data), what, show, frames=frames, ftype=FRAME_DATA,
                     on_edge=lambda: self.edge.relay(self, dest, pkt, frames, note))
            return
        t = self.tx.client()
        self.seq += 1
        msg = ms_turn_send(t, self.creds, [ms_sequence(self.conn_id, self.seq)], dest[0], dest[1], pkt.data)
        self.c2s(msg, f"framed Send Request: {note}",
                 f"framing 0x02; Send Request txid {hexs(t)} ({self.label()} allocation), DESTINATION-ADDRESS "
                 f"{dest[0]}:{dest[1]}, MI verifies; DATA = {pkt_show(pkt)}", frames=frames,
                 on_edge=lambda: self.edge.relay(self, dest, pkt, frames, note))

    def from_peer(self, peer, pkt, frames, note):
        if self.edge_active == peer:
            self.s2c(rfc4571(pkt.data), f"0x03 data frame from Edge: {note}",
                     f"framing type 0x03 from the active destination {peer[0]}:{peer[1]}; payload = RFC 4571 length + "
                     f"{pkt_show(pkt)}", frames=frames, ftype=FRAME_DATA,
                     on_client=lambda: self.agent.receive(pkt, self, peer, frames))
            return
        self.s2c(ms_turn_data_ind(self.tx.random128(), peer[0], peer[1], pkt.data), f"framed Data Indication: {note}",
                 f"framing 0x02; Data Indication ({self.label()} allocation), REMOTE-ADDRESS {peer[0]}:{peer[1]}; "
                 f"DATA = {pkt_show(pkt)}", frames=frames,
                 on_client=lambda: self.agent.receive(pkt, self, peer, frames))

    def release(self):
        if not self.ok:
            return
        super().release()


class Pair:
    """A candidate pair in one agent's check list (ICE-19 §5.7)."""

    def __init__(self, agent, local, remote):
        self.agent, self.local, self.remote = agent, local, remote
        self.comp = local.component
        g, d = (local.priority, remote.priority) if agent.controlling else (remote.priority, local.priority)
        self.priority = (min(g, d) << 32) + 2 * max(g, d) + (1 if g > d else 0)
        self.state = "frozen"
        self.valid_local = None
        self.nominate_on_success = False
        self.foundation = (local.foundation, remote.foundation)

    def key(self):
        return (self.local.foundation, self.remote.foundation, self.comp)

    def transport(self):
        if self.local.transport == "UDP":
            return "UDP"
        return f"TCP ({self.local.transport} → {self.remote.transport})"


class CheckTxn:
    """One connectivity check (one STUN transaction, with its retransmissions)."""

    def __init__(self, agent, pair, nominate, triggered):
        self.agent, self.pair, self.nominate, self.triggered = agent, pair, nominate, triggered
        self.id = None                    # "A1", "B3", ...: given at the first transmission
        self.txid = agent.net.rng.randbytes(12)
        self.sends, self.responses = [], []
        self.t0 = agent.net.t
        self.result, self.t_result = None, None
        self.done = False
        self.described = []               # "req"/"resp" once described in full in the README
        self.request_seen_by_peer = []
        remote_ice = agent.peer.ice_agent
        self.user = f"{remote_ice.ufrag}:{agent.ice_agent.ufrag}".encode()
        lp = MS_LOCAL_PREF[(pair.local.typ, pair.local.transport)]
        self.prio = ms_priority(TYPE_PREF["prflx"], lp, pair.comp)
        self.data = sfb_check_request(self.txid, agent.ice_agent, remote_ice, self.prio, agent.controlling,
                                      pair.local.foundation, nominate)

    def kind(self):
        return "nominating" if self.nominate else ("triggered" if self.triggered else "ordinary")

    def note(self, what):
        p = self.pair
        arrow = f"{p.local.typ}→{p.remote.typ}" if what == "req" else f"{p.remote.typ}→{p.local.typ}"
        if what == "req":
            return (f"check {self.id} {self.agent.key}→{self.agent.peer.key} {arrow} comp {p.comp}"
                    + (" USE-CANDIDATE" if self.nominate else ""))
        return f"response to check {self.id} ({self.agent.peer.key}→{self.agent.key} {arrow} comp {p.comp})"

    def describe(self, what):
        p = self.pair
        if what == "req":
            return (f"MS-ICE2 Binding Request txid 2112a442{hexs(self.txid)} (check {self.id}, {self.kind()}; pair "
                    f"{pair_str(p.local, p.remote)}, comp {p.comp}): USERNAME \"{self.user.decode()}\", PRIORITY "
                    f"{self.prio}, ICE-{'CONTROLLING' if self.agent.controlling else 'CONTROLLED'}"
                    + (", USE-CANDIDATE" if self.nominate else "") +
                    f", CANDIDATE-IDENTIFIER \"{p.local.foundation}\", IMPLEMENTATION-VERSION 3, MI (key = "
                    f"{self.agent.peer.key}'s ice-pwd) and FINGERPRINT valid")
        return (f"MS-ICE2 Binding Success Response txid 2112a442{hexs(self.txid)} to check {self.id}: "
                f"XOR-MAPPED-ADDRESS {self.mapped[0]}:{self.mapped[1]} (the source {self.agent.peer.key} saw), "
                f"USERNAME echoed, MS-APP-ID 1, MI (key = {self.agent.peer.key}'s ice-pwd) and FINGERPRINT valid")


class CallAgent:
    """One client: sockets, MS-TURN allocations, ICE v19 candidates, ICE check list,
    nomination and media (ICE-19 with the MS-ICE2 attributes)."""

    def __init__(self, net, key, party, ip, ms_version, controlling, creds, rng):
        self.net, self.key, self.party, self.ip = net, key, party, ip
        self.ms_version, self.controlling, self.creds = ms_version, controlling, creds
        self.tx = Txids(rng)
        self.sockets, self.allocs, self.tcp_alloc = {}, {}, None
        self.media = IceV19Media(rng, [])
        self.ice_agent = IceAgent(self.media.ufrag, self.media.pwd, rng.randbytes(8))
        self.peer = None
        self.pairs, self.waiting, self.triggered = [], [], []
        self.ticking, self.last_tick = False, None
        self.nominated, self.nominating = {}, {}
        self.checks, self.n_checks = [], 0
        self.default = {}
        self.stream = None
        self.ice_started = None
        self.tcp_check_port = None        # local port of the next ICE-TCP active check connection
        self.rtp_ms = 20                  # RTP pacing (the rule-* captures thin it out to stay small)
        self.nominate_first_valid = False  # nominate the first valid pair, without waiting for better ones
        self.raw_to_active = True         # without 0xFF10: plain datagrams to the active destination, not Send
        net.agents.append(self)

    # ---------------------------------------------------------------- gathering
    def gather(self, edge, server_ip, ports, relay_ports, on_done, outcomes=None, tcp=None):
        """UDP allocations for components 1 and 2 (in parallel) and, with `tcp`, one TCP
        allocation (TurnTcpAlloc arguments); `on_done` runs when all have finished."""
        pending = []
        for comp, (port, rport) in enumerate(zip(ports, relay_ports), 1):
            self.sockets[comp] = port
            self.net.sockets[(self.ip, port)] = lambda pkt, ip, p, fr, comp=comp: self.receive(pkt, ("sock", comp),
                                                                                              (ip, p), fr)
            a = TurnAlloc(self, comp, edge, server_ip, port, rport, (outcomes or {}).get(comp, "ok"))
            self.allocs[comp] = a
            pending.append(a)
        if tcp:
            self.tcp_alloc = TurnTcpAlloc(self, edge, **tcp)
            pending.append(self.tcp_alloc)
        left = [len(pending)]

        def one(_ok):
            left[0] -= 1
            if left[0] == 0:
                on_done()
        for i, a in enumerate(pending):
            self.net.after(3.0 * i, lambda a=a: a.allocate(one))

    def open_sockets(self, ports):
        """The two host sockets without any allocation (no Edge credentials)."""
        for comp, port in enumerate(ports, 1):
            self.sockets[comp] = port
            self.net.sockets[(self.ip, port)] = lambda pkt, ip, p, fr, comp=comp: self.receive(pkt, ("sock", comp),
                                                                                              (ip, p), fr)

    def gather_pool(self, servers, ports, relay_ports, on_done):
        """UDP allocations for components 1 and 2 on an Edge pool: `servers` = [(edge, server_ip,
        outcome), ...] in the order the client tries them; a socket whose allocation fails tries the
        next server (same socket, a new 5-tuple)."""
        self.open_sockets(ports)
        left = [len(ports)]

        def attempt(comp, i):
            edge, server_ip, outcome = servers[i]
            a = TurnAlloc(self, comp, edge, server_ip, ports[comp - 1], relay_ports[comp - 1], outcome)
            self.allocs[comp] = a

            def done(ok):
                if not ok and i + 1 < len(servers):
                    self.net.after(1.5, lambda: attempt(comp, i + 1))
                    return
                left[0] -= 1
                if left[0] == 0:
                    on_done()
            a.allocate(done)
        for comp in (1, 2):
            self.net.after(3.0 * (comp - 1), lambda comp=comp: attempt(comp, 0))

    def build_candidates(self, host_tcp_port=None):
        """ICE v19 candidate lines from the sockets and allocation results (foundations as
        ms_v19_candidates: 1 host UDP, 5 srflx UDP, 6 srflx TCP-ACT, 7 relay UDP, 8/9 relay
        TCP-PASS/TCP-ACT). A reflexive address equal to the host address is not listed."""
        cands = []
        for comp in (1, 2):
            cands.append(V19Candidate(1, comp, "UDP", self.ip, self.sockets[comp], "host"))
        srflx = {c: a.reflexive for c, a in self.allocs.items() if a.ok and a.reflexive != (self.ip, a.sock[1])}
        for comp in (1, 2):
            if comp in srflx:
                cands.append(V19Candidate(5, comp, "UDP", *srflx[comp], "srflx", self.ip, self.sockets[comp]))
        t = self.tcp_alloc
        if t is not None and t.ok and t.reflexive[0] != self.ip:
            for comp in (1, 2):
                cands.append(V19Candidate(6, comp, "TCP-ACT", *t.reflexive, "srflx", self.ip, t.sock[1]))
        for comp in (1, 2):
            a = self.allocs.get(comp)
            if a is not None and a.ok:
                rel = srflx.get(comp, (self.ip, self.sockets[comp]))
                cands.append(V19Candidate(7, comp, "UDP", *a.relayed, "relay", *rel))
        if t is not None and t.ok:
            for f, tr in ((8, "TCP-PASS"), (9, "TCP-ACT")):
                for comp in (1, 2):
                    cands.append(V19Candidate(f, comp, tr, *t.relayed, "relay", *t.reflexive))
        for c in cands:
            c.owner = self
        self.media.cands = cands
        relay = [c for c in cands if c.typ == "relay" and c.transport == "UDP"]
        if relay:
            self.default = {1: relay[0], 2: relay[1]}
        elif t is not None and t.ok:
            self.default = {c.component: c for c in cands if c.foundation == "8"}
        else:
            self.default = {1: cands[0], 2: cands[1]}
        return cands

    def cand(self, foundation, comp):
        return next(c for c in self.media.cands if c.foundation == str(foundation) and c.component == comp)

    # ---------------------------------------------------------------- check list
    def start_ice(self):
        """Form the check list (ICE-19 §5.7): local srflx replaced by its base (so UDP srflx
        pairs duplicate host pairs and go), passive TCP candidates wait for the peer."""
        self.ice_started = self.net.t
        locals_ = [c for c in self.media.cands if not (c.typ == "srflx" and c.transport == "UDP")
                   and c.transport != "TCP-PASS"]
        for lc in locals_:
            for rc in self.peer.media.cands:
                if rc.component != lc.component:
                    continue
                if (lc.transport, rc.transport) in (("UDP", "UDP"), ("TCP-ACT", "TCP-PASS")):
                    if not any(p.local is lc and p.remote is rc for p in self.pairs):
                        self.pairs.append(Pair(self, lc, rc))
        self.pairs.sort(key=lambda p: -p.priority)
        for p in self.pairs:
            if p.comp == 1 and p.state == "frozen":
                p.state = "waiting"
        self.waiting = [p for p in self.pairs if p.state == "waiting"]
        self._kick()

    def _kick(self):
        if not self.ticking:
            self.ticking = True
            wait = 0.0 if self.last_tick is None else max(0.0, self.last_tick + TA_MS / 1000 - self.net.t)
            self.net.after(wait * 1000, self._tick)

    def _tick(self):
        self.last_tick = self.net.t
        if self.triggered:
            pair, nominate = self.triggered.pop(0)
            self._send_check(pair, nominate, True)
        elif self.waiting:
            p = self.waiting.pop(0)
            if p.state == "waiting":
                self._send_check(p, False, False)
        if self.triggered or self.waiting:
            self.net.after(TA_MS, self._tick)
        else:
            self.ticking = False

    def _send_check(self, pair, nominate, triggered):
        txn = CheckTxn(self, pair, nominate, triggered)
        self.checks.append(txn)
        if pair.state not in ("succeeded",):
            pair.state = "inprogress"
        local = pair.local
        if local.transport == "TCP-ACT" and local.typ != "relay":
            self._tcp_check(txn)
            return
        for k, ms in enumerate(CHECK_TX_MS):
            self.net.after(ms, lambda k=k: self._transmit(txn, k))
        self.net.after(CHECK_FAIL_MS, lambda: self._give_up(txn))

    def _transmit(self, txn, k):
        if txn.done:
            if k == 0:                    # stopped before it was ever sent: not a check at all
                self.checks.remove(txn)
            return
        if k == 0:
            self._number(txn)
        frames = []
        txn.sends.append(frames)
        p = txn.pair
        pkt = Pkt("req", txn.data, txn=txn, comp=p.comp, nominate=txn.nominate, user=txn.user, sender=self)
        note = txn.note("req") + ("" if k == 0 else f" (retransmission {k})")
        if p.local.typ == "relay":
            alloc = self.tcp_alloc if p.local.transport != "UDP" else self.allocs[p.comp]
            alloc.send_data((p.remote.address, p.remote.port), pkt, frames, note)
        else:
            self.net.send_udp(self.ip, self.sockets[p.comp], p.remote.address, p.remote.port, txn.data, note,
                              pkt_show(pkt), frames=frames, pkt=pkt)

    def _tcp_check(self, txn):
        """ICE-TCP active check from a host/srflx TCP-ACT candidate: a new TCP connection
        to the peer's passive candidate. Only the unanswered case is modelled."""
        p = txn.pair
        net = self.net
        self._number(txn)
        port = self.tcp_check_port
        self.tcp_check_port += 2
        assert not net.rules(p.local.address, p.remote.address, p.remote.port, "tcp", net.t)
        point = net.reg[self.ip]["point"]
        flow = TcpFlow(net.cap, net.rng, net.view(point, self.ip), port, net.view(point, p.remote.address), p.remote.port)
        isn = flow.nxt[TcpFlow.C]
        for k, ms in enumerate(TCP_SYN_MS):
            def syn(k=k):
                flow.nxt[TcpFlow.C] = isn
                what = (f"TCP SYN for check {txn.id} ({p.local.typ} TCP-ACT → {p.remote.typ} TCP-PASS)"
                        + ("" if k == 0 else " retransmission"))
                show = (f"ICE-TCP check {txn.id}: {self.key} opens a TCP connection from its {p.local.typ} TCP-ACT "
                        f"candidate's base {self.ip}:{port} to {pair_str(p.local, p.remote)}; no SYN/ACK ever comes "
                        "(blocked), so no Binding Request is sent")
                frames = [flow._segment(TcpFlow.C, "S", what=net.tag(point, what), show=show,
                                        options=_SYN_OPTS_CLIENT, window=64240)]
                txn.sends.append(frames)
            net.after(ms, syn)
        net.after(TCP_FAIL_MS, lambda: self._give_up(txn, "no response (TCP SYN unanswered, no connection)"))

    def _number(self, txn):
        self.n_checks += 1
        txn.id = f"{self.key}{self.n_checks}"

    def _give_up(self, txn, why="no response"):
        if txn.done:
            return
        txn.done, txn.result, txn.t_result = True, why, self.net.t
        p = txn.pair
        if p.state == "inprogress" and not any(not t.done for t in self.checks if t.pair is p):
            p.state = "failed"
        self._evaluate()

    # ---------------------------------------------------------------- receiving
    def receive(self, pkt, via, src, frames):
        """A check, response or media packet arrived: via ("sock", comp) from src, or via an
        allocation (TurnAlloc) from peer address src."""
        if pkt.kind == "req":
            self._on_request(pkt, via, src)
        elif pkt.kind == "resp" and pkt.txn.agent is self:
            self._on_response(pkt, frames)

    def _local_for(self, via, comp):
        if isinstance(via, tuple):
            return self.cand(1, via[1])
        if via.transport == "TCP":
            return self.cand(8, comp)                    # passive relay TCP candidate
        return self.cand(7, via.comp)

    def _remote_for(self, src, comp, local):
        want = ("TCP-ACT",) if local.transport == "TCP-PASS" else ("UDP",)
        for c in self.peer.media.cands:
            if c.component == comp and (c.address, c.port) == src and c.transport in want:
                return c
        raise AssertionError(f"{self.key}: request from unknown source {src} (peer-reflexive not modelled)")

    def _on_request(self, pkt, via, src):
        txn = pkt.txn
        comp = pkt.comp
        local = self._local_for(via, comp)
        remote = self._remote_for(src, comp, local)
        txn.request_seen_by_peer.append(self.net.t)
        txn.mapped = src
        resp = sfb_check_response(txn.txid, pkt.user, self.ice_agent, *src)
        rframes = []
        txn.responses.append(rframes)
        rpkt = Pkt("resp", resp, txn=txn, comp=comp, sender=self)

        def reply():
            note = txn.note("resp")
            if isinstance(via, tuple):
                self.net.send_udp(self.ip, self.sockets[via[1]], src[0], src[1], resp, note, pkt_show(rpkt),
                                  frames=rframes, pkt=rpkt)
            else:
                via.send_data(src, rpkt, rframes, note)
        self.net.after(0.4, reply)
        # triggered check / nomination (ICE-19 §7.2.1.4, §7.2.1.5)
        pair = next((p for p in self.pairs if p.local is local and p.remote is remote), None)
        if pair is None:
            pair = Pair(self, local, remote)
            self.pairs.append(pair)
        if pair.state == "succeeded":
            if pkt.nominate and not self.controlling and comp not in self.nominated:
                self._nominated(pair, txn)
            return
        if pkt.nominate and not self.controlling:
            pair.nominate_on_success = txn
        if pair.state in ("waiting", "frozen", "failed") and (local.transport == "UDP" or local.typ == "relay"):
            if pair in self.waiting:
                self.waiting.remove(pair)
            pair.state = "inprogress"
            self.triggered.append((pair, False))
            self._kick()

    def _on_response(self, pkt, frames):
        txn = pkt.txn
        if txn.done:
            return
        txn.done, txn.result, txn.t_result = True, "success", self.net.t
        p = txn.pair
        p.state = "succeeded"
        mapped = txn.mapped
        same = (p.local.address, p.local.port) == mapped
        p.valid_local = p.local if same else next((c for c in self.media.cands if (c.address, c.port) == mapped
                                                   and c.component == p.comp), p.local)
        if txn.nominate:
            self._nominated(p, txn)
        elif p.nominate_on_success:
            self._nominated(p, p.nominate_on_success)
        if p.comp == 1:                                    # unfreeze component 2 of this foundation
            for q in self.pairs:
                if q.comp == 2 and q.state == "frozen" and q.foundation == p.foundation:
                    q.state = "waiting"
                    self.waiting.append(q)
                    self.waiting.sort(key=lambda x: -x.priority)
                    self._kick()
        self._evaluate()

    # ---------------------------------------------------------------- nomination
    def _nominated(self, pair, txn):
        if pair.comp in self.nominated:
            return
        self.nominated[pair.comp] = (pair, txn, self.net.t)
        # stop lower-priority checks of this component (ICE-19 §8.1.2)
        for t in self.checks:
            if not t.done and t.pair.comp == pair.comp and t.pair.priority < pair.priority:
                t.done, t.result, t.t_result = True, "cancelled (pair nominated)", self.net.t
                t.pair.state = "cancelled"
        for q in self.pairs:
            if q.comp == pair.comp and q.state in ("waiting", "frozen") and q.priority < pair.priority:
                q.state = "cancelled"
        self.waiting = [q for q in self.waiting if q.state == "waiting"]

    def _evaluate(self):
        """Regular nomination by the controlling agent: nominate the best valid pair of a
        component once no higher-priority pair of that component is pending."""
        if not self.controlling:
            return
        for comp in (1, 2):
            if comp in self.nominated or comp in self.nominating:
                continue
            valid = [p for p in self.pairs if p.comp == comp and p.state == "succeeded"]
            if not valid:
                continue
            best = max(valid, key=lambda p: p.priority)
            pending = [p for p in self.pairs if p.comp == comp and p.priority > best.priority and (
                p.state in ("waiting", "inprogress") or (p.state == "frozen" and self._sibling_ok(p)))]
            if pending and not self.nominate_first_valid:
                continue
            self.nominating[comp] = best
            self.triggered.append((best, True))
            self._kick()

    def _sibling_ok(self, p):
        return any(q.comp == 1 and q.foundation == p.foundation and q.state in ("waiting", "inprogress", "succeeded")
                   for q in self.pairs)

    def nominated_pair(self, comp):
        return self.nominated[comp][0] if comp in self.nominated else None

    # ---------------------------------------------------------------- media
    def start_media(self, t_end, stream):
        """RTP every 20 ms (rtp_ms) until t_end, RTCP SR 0.5 s after the start and then every 5 s."""
        self.stream = stream
        t0 = self.net.t
        first = [True]

        def rtp():
            if self.net.t > t_end:
                return
            self._media_send(Pkt("rtp", stream.next(marker=first[0]), sender=self), 1)
            first[0] = False
            self.net.after(self.rtp_ms, rtp)

        def rtcp():
            if self.net.t > t_end:
                return
            self._media_send(Pkt("rtcp", stream.sender_report(self.net.cap.now, self.cname), sender=self), 2)
            self.net.after(5000, rtcp)
        rtp()
        self.net.at(t0 + 0.5, rtcp)

    def media_path(self, comp):
        """(local candidate to send from, remote candidate, description of the choice)."""
        n = self.nominated_pair(comp)
        if n is not None:
            return n.local, n.remote, n.valid_local or n.local, "nominated pair"
        lc, rc = self.default[comp], self.peer.default[comp]
        return lc, rc, lc, "default candidates"

    def _media_send(self, pkt, comp):
        local, remote, shown_local, why = self.media_path(comp)
        frames = []
        key = (shown_local, remote) if self.key == "A" else (remote, shown_local)
        self.net.media_log.append(dict(t=self.net.t, sender=self.key, key=key, frames=frames, kind=pkt.kind,
                                       comp=comp, why=why, data=pkt.data))
        note = pkt_note(pkt) + f" ({cand_str(shown_local, False)} → {remote.typ})"
        dest = (remote.address, remote.port)
        if local.typ == "relay":
            (self.tcp_alloc if local.transport != "UDP" else self.allocs[comp]).send_data(dest, pkt, frames, note)
        else:
            self.net.send_udp(self.ip, self.sockets[comp], dest[0], dest[1], pkt.data, note,
                              f"{pkt_show(pkt)}; path {cand_str(shown_local)} → {cand_str(remote)} ({why})",
                              frames=frames, pkt=pkt)


class AppShareAgent(CallAgent):
    """The m=applicationsharing line of a client (desktop sharing over RDP in RTP): TCP by design
    (TCP/RTP/AVP), so one MS-TURN allocation over TCP and TCP candidates only, component 1 only:
    host TCP-PASS (foundation 3), relay TCP-PASS / TCP-ACT (8 / 9). Its own ice-ufrag / ice-pwd
    and check ids ("AS1", "BS2", ...); its media is logged apart from the audio line's."""

    def __init__(self, net, key, party, ip, ms_version, controlling, creds, rng, host_tcp_port):
        super().__init__(net, key, party, ip, ms_version, controlling, creds, rng)
        self.host_tcp_port = host_tcp_port
        self.share_log = []               # dict(t, sender, key, frames, kind) of its RTP
        self.ssrc = 1000000000 + rng.getrandbits(30)

    def gather_tcp(self, edge, tcp, on_done):
        self.tcp_alloc = TurnTcpAlloc(self, edge, **tcp)
        self.tcp_alloc.allocate(lambda _ok: self.net.after(4.0, on_done))

    def build_candidates(self, host_tcp_port=None):
        t = self.tcp_alloc
        cands = [V19Candidate(3, 1, "TCP-PASS", self.ip, self.host_tcp_port, "host")]
        if t is not None and t.ok:
            cands += [V19Candidate(f, 1, tr, *t.relayed, "relay", *t.reflexive) for f, tr in ((8, "TCP-PASS"),
                                                                                            (9, "TCP-ACT"))]
        for c in cands:
            c.owner = self
        self.media.cands = cands
        self.default = {1: cands[1] if len(cands) > 1 else cands[0]}
        return cands

    def start_media(self, t_end, stream):
        """RTP on component 1 only, every rtp_ms, until t_end."""
        self.stream = stream
        first = [True]

        def rtp():
            if self.net.t > t_end:
                return
            self._media_send(Pkt("rtp", stream.next(marker=first[0]), sender=self), 1)
            first[0] = False
            self.net.after(self.rtp_ms, rtp)
        rtp()

    def _media_send(self, pkt, comp):
        local, remote, shown_local, why = self.media_path(comp)
        frames = []
        key = (shown_local, remote) if self.key == "AS" else (remote, shown_local)
        self.share_log.append(dict(t=self.net.t, sender=self.key, key=key, frames=frames, kind=pkt.kind, why=why))
        note = f"sharing RTP {self.key}→{self.peer.key} ({cand_str(shown_local, False)} → {remote.typ})"
        self.tcp_alloc.send_data((remote.address, remote.port), pkt, frames, note)


class SipProxy:
    """A Lync/SfB server on the SIP path (Front End, Access Edge): its Via and Record-Route."""

    def __init__(self, rng, fqdn, ip):
        self.fqdn, self.ip = fqdn, ip
        self.uri = (f"<sip:{fqdn}:5060;transport=tcp;opaque=state:T:F:Ci.R{rand_hex(rng, 4)}00;lr;"
                    f"ms-route-sig={rand_token(rng, 52, B64URL_CHARS)}AAA>")
        self.rr = f"{self.uri};tag={rand_hex(rng, 32, upper=True)}"

    def via(self, rng):
        return (f"SIP/2.0/TCP {self.ip}:5060;branch={lync_branch(rng)};"
                f"ms-internal-info=\"{rand_token(rng, 46, B64URL_CHARS)}AA\"")


class SipLeg:
    """One UA's SIP connection as captured: TCP from the client to its first-hop server
    (Front End or Access Edge), seen at the client's capture point. Clear text on TCP 5060
    (TLS in real deployments, see the README). With `mss`, a message longer than that goes
    in several TCP segments (a capture without segmentation offload); the message is then
    the last segment's frame, where Wireshark shows it reassembled."""

    def __init__(self, net, agent, cport, server_ip, received, point=None, mss=None, push_each=False):
        self.net, self.agent, self.party = net, agent, agent.party
        self.point = point or net.reg[agent.ip]["point"]
        self.tcp = TcpFlow(net.cap, net.rng, net.view(self.point, agent.ip), cport, net.view(self.point, server_ip), 5060)
        self.via_base = f"SIP/2.0/TCP {agent.ip}:{cport}"
        self.received = received          # what the first-hop server appends to this UA's Via
        self.mss = mss                    # set: a message longer than this goes in MSS-sized TCP segments
        self.push_each = push_each        # PSH on every segment, not only on the last

    def _send(self, side, data, what, show):
        """One SIP message; with `mss`, split as a sender's TCP stack splits it (segments of `mss` bytes,
        PSH on the last, or on each with `push_each`). Returns the frame of the last segment: where the
        message is complete."""
        if self.mss and len(data) > self.mss and self.push_each:
            return self._send_push_each(side, data, what, show)
        tag = lambda w: self.net.tag(self.point, w)
        if not self.mss or len(data) <= self.mss:
            return self.tcp.send(side, data, tag(what), show)
        parts = [data[i:i + self.mss] for i in range(0, len(data), self.mss)]
        for k, part in enumerate(parts[:-1], 1):
            self.tcp._segment(side, "A", part, tag(f"{what} — TCP segment {k} of {len(parts)}"),
                              f"bytes {(k - 1) * self.mss}–{k * self.mss - 1} of the {len(data)}-byte message "
                              f"(MSS {self.mss}); the rest follows")
        return self.tcp.send(side, parts[-1], tag(f"{what} — TCP segment {len(parts)} of {len(parts)}"),
                             f"completes the {len(data)}-byte message: {show}")

    def _send_push_each(self, side, data, what, show):
        what = self.net.tag(self.point, what)
        pieces = [data[i:i + self.mss] for i in range(0, len(data), self.mss)]
        first = len(self.net.cap.frames) + 1
        for i, piece in enumerate(pieces[:-1]):
            self.tcp.send(side, piece, f"{what} — TCP segment {i + 1} of {len(pieces)}",
                          f"bytes {i * self.mss}–{(i + 1) * self.mss - 1} of the {len(data)}-byte SIP message; "
                          f"reassembled in frame {first + len(pieces) - 1}")
        return self.tcp.send(side, pieces[-1], what,
                             f"last of {len(pieces)} TCP segments (frames {first}–{first + len(pieces) - 1}, "
                             f"{len(data)} bytes): " + show)

    def up(self, data, what, show):
        return self._send(TcpFlow.C, data, what, show)

    def down(self, data, what, show):
        return self._send(TcpFlow.S, data, what, show)


class UncapturedSipLeg:
    """A UA's SIP connection that no capture point sees (its messages exist, no frames)."""

    def __init__(self, agent, cport, received):
        self.agent, self.party = agent, agent.party
        self.via_base = f"SIP/2.0/TCP {agent.ip}:{cport}"
        self.received = received

    def up(self, data, what, show):
        return None

    def down(self, data, what, show):
        return None


class SipCall:
    """A SIP dialog between A (caller) and B (callee) through `proxies` (A's side first),
    written on both captured legs. A request is written on the sender's leg at once and
    on the receiver's leg `delay_ms` later, as the last proxy forwards it: proxies add
    their Via (the last one on top) and, for the initial INVITE, Record-Route; Route
    headers are consumed; the first proxy stamps the sender's Via. Responses travel back
    with the Via stack trimmed. 100 Trying is hop-by-hop (first proxy → UAC only)."""

    def __init__(self, net, rng, legs, proxies, delay_ms, b_leg_headers=()):
        self.net, self.rng, self.legs, self.proxies = net, rng, legs, proxies
        self.delay = delay_ms
        self.call_id = rand_hex(rng, 32)
        self.tags = {"A": rand_hex(rng, 10), "B": rand_hex(rng, 10)}
        self.cseq = {"A": 0, "B": 100}
        self.early = False                # B's tag known to A (after a 1xx with To tag)
        self.b_leg_headers = list(b_leg_headers)
        self.frames = {}                  # name -> (frame on sender's leg, frame on receiver's leg)

    @staticmethod
    def other(side):
        return "B" if side == "A" else "A"

    def _path(self, side):
        return self.proxies if side == "A" else list(reversed(self.proxies))

    def _from_to(self, side):
        me, you = self.legs[side].party, self.legs[self.other(side)].party
        to = you.name_addr(self.tags[self.other(side)]) if (self.early or side == "B") else f"<{you.uri}>"
        return me.name_addr(self.tags[side]), to

    def request(self, side, method, name, headers=(), body=b"", ctype=None, what="", show="", cseq=None,
                on_delivered=None, near=True):
        """`near` False: the sender's leg was written already (a forked INVITE: the proxy forwards
        the caller's one request to a second callee endpoint); only the far leg is written."""
        leg, far = self.legs[side], self.legs[self.other(side)]
        initial = method == "INVITE" and side == "A" and self.cseq["A"] == 0
        if cseq is None:
            self.cseq[side] += 1
            cseq = self.cseq[side]
        frm, to = self._from_to(side)
        ruri = far.party.uri if initial else far.party.gruu
        via = f"{leg.via_base};branch={lync_branch(self.rng)}"
        path = self._path(side)
        common = [("From", frm), ("To", to), ("Call-ID", self.call_id), ("CSeq", f"{cseq} {method}")]
        tail = list(headers) + ([("Content-Type", ctype)] if ctype else []) + [("Content-Length", None)]
        near_h = [("Via", via), ("Max-Forwards", "70")] + common
        if not initial:
            near_h += [("Route", p.uri) for p in path]
        far_vias = [p.via(self.rng) for p in reversed(path)] + [via + leg.received]
        rr = [p.rr for p in reversed(path)] if initial else []
        extra = self.b_leg_headers if side == "A" else []
        far_h = ([("Via", v) for v in far_vias] + [("Record-Route", r) for r in rr]
                 + [("Max-Forwards", str(70 - len(path)))] + common + extra)
        start = f"{method} {ruri} SIP/2.0"
        f1 = leg.up(sip_message(start, near_h + tail, body), what, show) if near else None
        ctx = dict(side=side, method=method, cseq=cseq, via=via, far_vias=far_vias, rr=rr, frm=frm, to=to,
                   name=name, initial=initial, frames=[f1])
        self.frames[name] = ctx["frames"]
        of = f"the request of frame {f1}" if f1 is not None else "the request"

        def deliver():
            ctx["frames"].append(far.down(sip_message(start, far_h + tail, body), what,
                                          f"{of} as {path[-1].fqdn} forwards it: "
                                          f"{len(far_vias)} Vias" + (f", {len(rr)} Record-Route" if rr else "")
                                          + f", Max-Forwards {70 - len(path)}, no Route; same body"))
            if on_delivered:
                on_delivered()
        self.net.after(self.delay, deliver)
        return ctx

    def trying(self, ctx):
        leg = self.legs[ctx["side"]]
        hdrs = [("Via", ctx["via"] + leg.received), ("From", ctx["frm"]), ("To", ctx["to"]),
                ("Call-ID", self.call_id), ("CSeq", f"{ctx['cseq']} {ctx['method']}"), ("Server", FE_SERVER),
                ("Content-Length", None)]
        return leg.down(sip_message("SIP/2.0 100 Trying", hdrs), "SIP 100 Trying",
                        f"100 Trying to frame {ctx['frames'][0]}, from {self.proxies[0 if ctx['side'] == 'A' else -1].fqdn}")

    def response(self, ctx, code, reason, name, headers=(), body=b"", ctype=None, what="", show="",
                 on_delivered=None):
        uas, uac = self.legs[self.other(ctx["side"])], self.legs[ctx["side"]]
        if ctx["side"] == "A" and code > 100:
            self.early = True
        to = ctx["to"] if ";tag=" in ctx["to"] else uas.party.name_addr(self.tags[self.other(ctx["side"])])
        rr = [("Record-Route", r) for r in ctx["rr"]] if code > 100 else []
        common = ([("From", ctx["frm"]), ("To", to), ("Call-ID", self.call_id),
                   ("CSeq", f"{ctx['cseq']} {ctx['method']}")] + rr + list(headers)
                  + ([("Content-Type", ctype)] if ctype else []) + [("Content-Length", None)])
        start = f"SIP/2.0 {code} {reason}"
        f1 = uas.up(sip_message(start, [("Via", v) for v in ctx["far_vias"]] + common, body), what, show)
        frames = [f1]
        self.frames[name] = frames

        def deliver():
            frames.append(uac.down(sip_message(start, [("Via", ctx["via"] + uac.received)] + common, body), what,
                                   (f"the response of frame {f1}" if f1 is not None else "the response")
                                   + " as it reaches the "
                                   f"{'caller' if ctx['side'] == 'A' else 'callee'}: only the UA's own Via left; "
                                   "same body"))
            if on_delivered:
                on_delivered()
        self.net.after(self.delay, deliver)
        return frames

    def ack_non2xx(self, ctx, name):
        """ACK for a final non-2xx response: hop-by-hop, same branch as the INVITE on each hop."""
        uac, uas = self.legs[ctx["side"]], self.legs[self.other(ctx["side"])]
        to = self.legs[self.other(ctx["side"])].party.name_addr(self.tags[self.other(ctx["side"])])
        common = [("From", ctx["frm"]), ("To", to), ("Call-ID", self.call_id), ("CSeq", f"{ctx['cseq']} ACK"),
                  ("Content-Length", None)]
        ruri = uas.party.uri
        f1 = uac.up(sip_message(f"ACK {ruri} SIP/2.0", [("Via", ctx["via"]), ("Max-Forwards", "70")] + common),
                    "SIP ACK (for the 487, hop-by-hop)",
                    f"ACK for the 487, same branch as the INVITE in frame {ctx['frames'][0]}")
        frames = [f1]
        self.frames[name] = frames
        self.net.after(self.delay, lambda: frames.append(uas.down(
            sip_message(f"ACK {ruri} SIP/2.0", [("Via", ctx["far_vias"][0]), ("Max-Forwards", "70")] + common),
            "SIP ACK (for the 487, from the proxy)",
            f"the last proxy's own ACK for the 487, same branch as its INVITE in frame {ctx['frames'][1]}")))


def call_sdp(agent, keys, version, offer, cands=None, remote=None, extra=()):
    """Audio ICE v19 SDP of one agent. Without `cands`: every candidate, default =
    the relay UDP candidates; with `cands` (re-INVITE / its answer): only those, and they
    are the default (c=, m=, a=rtcp). `extra`: more media sections after m=audio."""
    if cands is None:
        media, default = agent.media, (agent.default[1], agent.default[2])
    else:
        media = IceV19Media.__new__(IceV19Media)
        media.ufrag, media.pwd, media.cands = agent.media.ufrag, agent.media.pwd, list(cands)
        default = (cands[0], cands[1])
    return sdp_session(agent.ip, version, default[0].address,
                       [v19_media("audio", media, keys, agent.ssrc, offer=offer, remote=remote, default=default)]
                       + list(extra), ["a=x-devicecaps:audio:send,recv"])


class CallFlow:
    """The common story of a call capture, driven by events: MRAS for both parties, A
    gathers and sends the INVITE, B gathers and answers with 183 (+ 180), ICE runs, B
    accepts (200 OK, ACK), media, re-INVITE with a=remote-candidates once A has nominated
    both components, BYE, release of the allocations. `failed=True`: B never accepts;
    when every check has failed, A ends the early dialog with a BYE carrying
    ms-client-diagnostics, B answers 200 to the BYE and 487 to the INVITE."""

    def __init__(self, net, rng, call, A, B, **cfg):
        self.net, self.rng, self.call, self.A, self.B = net, rng, call, A, B
        self.cfg = cfg
        A.peer, B.peer = B, A
        self.keys = {"A": MediaKeys(rng), "B": MediaKeys(rng)}
        for a in (A, B):
            a.ssrc = 1000000000 + rng.getrandbits(30)
            a.cname = f"{rand_hex(rng, 8)}-{rand_hex(rng, 4)}@{a.party.aor}".encode()
        self.mras = {}
        self.sdp_frames = {}
        self.events = {}
        self.acked = False

    def agent(self, side):
        return self.A if side == "A" else self.B

    # ---------------------------------------------------------------- MRAS
    def do_mras(self, side):
        leg, party, agent = self.call.legs[side], self.call.legs[side].party, self.agent(side)
        c = self.cfg[f"mras_{side}"]
        rng = self.rng
        mras_uri = f"sip:{party.aor};gruu;opaque=srvr:MRAS:{rand_token(rng, 22, B64URL_CHARS)}AA"
        req_id = str(rng.randrange(10000, 99999))
        call, tag, rtag = rand_hex(rng, 32), rand_hex(rng, 10), rand_hex(rng, 32, upper=True)
        via = f"{leg.via_base};branch={lync_branch(rng)}"
        xml = mras_request_xml(req_id, party.uri, mras_uri, [(req_id, party.uri, c["location"], 480)])
        req = sip_message(f"SERVICE {mras_uri} SIP/2.0", [
            ("Via", via), ("Max-Forwards", "70"), ("From", party.name_addr(tag)), ("To", f"<{mras_uri}>"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Contact", party.contact()), ("User-Agent", party.ua),
            ("Content-Type", MRAS_CONTENT_TYPE), ("Content-Length", None)], xml)
        f_req = leg.up(req, f"SIP SERVICE to MRAS ({side}, location {c['location']})",
                       f"MRAS request requestID {req_id}, from {party.uri}, to {mras_uri}; credentialsRequest "
                       f"identity {party.uri}, location {c['location']}, duration 480")
        creds = agent.creds
        reason = c.get("reason", "OK")
        if reason != "OK":
            self._mras_failure(side, leg, party, agent, via, f_req, req_id, mras_uri, call, tag, rtag, reason,
                               c.get("rtt_ms", 60))
            return
        rxml = mras_response_xml(req_id, party.uri, mras_uri, "OK", [dict(
            id=req_id, username=creds.username_b64, password=creds.password_b64, duration=480, relays=c["relays"])])
        resp = sip_message("SIP/2.0 200 OK", [
            ("Via", via + leg.received), ("From", party.name_addr(tag)), ("To", f"<{mras_uri}>;tag={rtag}"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Server", FE_SERVER), ("Content-Type", MRAS_CONTENT_TYPE),
            ("Content-Length", None)], rxml)

        def answer():
            f = leg.down(resp, f"SIP 200 OK with MRAS credentials ({side})",
                         f"response to frame {f_req}; MRAS reasonPhrase \"OK\": username `{creds.username_b64}`, "
                         f"password `{creds.password_b64}`, duration 480; relays: " + describe_relays(c["relays"]))
            self.mras[side] = (f_req, f)
        self.net.after(c.get("rtt_ms", 60), answer)

    def _mras_failure(self, side, leg, party, agent, via, f_req, req_id, mras_uri, call, tag, rtag, reason, rtt_ms):
        """An MRAS response without credentials (reasonPhrase other than OK, no credentialsResponse)."""
        rxml = mras_response_xml(req_id, party.uri, mras_uri, reason, [])
        resp = sip_message("SIP/2.0 200 OK", [
            ("Via", via + leg.received), ("From", party.name_addr(tag)), ("To", f"<{mras_uri}>;tag={rtag}"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Server", FE_SERVER), ("Content-Type", MRAS_CONTENT_TYPE),
            ("Content-Length", None)], rxml)

        def answer():
            f = leg.down(resp, f"SIP 200 OK with MRAS response reasonPhrase {reason} ({side}, no credentials)",
                         f"response to frame {f_req}; MRAS reasonPhrase \"{reason}\", no credentialsResponse: "
                         f"{side} gets no username, no password and no relay list")
            self.mras[side] = (f_req, f)
        self.net.after(rtt_ms, answer)

    # ---------------------------------------------------------------- call set-up
    def start(self):
        c = self.cfg
        if c.get("mras", True):               # False: the clients use cached credentials, no MRAS exchange
            self.net.at(c["t_mras_A"], lambda: self.do_mras("A"))
            self.net.at(c["t_mras_B"], lambda: self.do_mras("B"))
        self.net.at(c["t_call"], lambda: self.gather("A", self.send_invite))
        self.net.run()

    def gather(self, side, then):
        g = self.cfg[f"gather_{side}"]
        agent = self.agent(side)
        share = self.cfg.get("appshare")
        if share:                          # the application sharing line's TCP allocation, after audio's
            audio_then = then
            then = lambda: share[side].gather_tcp(share[f"edge_{side}"], share[f"tcp_{side}"], audio_then)

        def go():
            if g.get("no_edge"):                      # no credentials: no allocation at all
                agent.open_sockets(g["ports"])
                self.net.after(4.0, then)
                return
            if g.get("pool"):
                agent.gather_pool(g["pool"], g["ports"], g["relay_ports"], lambda: self.net.after(4.0, then))
                return
            agent.gather(g["edge"], g["server"], g["ports"], g["relay_ports"], lambda: self.net.after(4.0, then),
                         outcomes=g.get("outcomes"), tcp=g.get("tcp"))
        if g.get("dns"):
            point, resolver, name, answer = g["dns"]
            self.net.dns(point, agent.ip, resolver, name, answer)
            self.net.after(6.0, go)
        else:
            go()

    def send_invite(self):
        A, c = self.A, self.cfg
        A.build_candidates()
        sdp = call_sdp(A, self.keys["A"], 0, True, extra=self.share_sections("A", True))
        hdrs = c["invite_headers"]
        self.invite = self.call.request(
            "A", "INVITE", "invite", hdrs, sdp, "application/sdp", "SIP INVITE (A's ICE v19 offer)",
            f"INVITE {self.call.legs['B'].party.uri}, Call-ID {self.call.call_id}, CSeq 1; single ICE v19 SDP ({len(sdp)} "
            f"bytes): " + describe_v19("audio", A.media) + self.share_text("A")
            + "; default candidate (c=/m=/a=rtcp) = A's "
            f"{A.default[1].typ} {A.default[1].transport} {A.default[1].address}:{A.default[1].port}/{A.default[2].port}",
            on_delivered=lambda: self.net.after(3.0, lambda: self.gather("B", self.send_183)))
        self.sdp_frames["A"] = self.invite["frames"]
        self.net.after(4.5, lambda: self.call.trying(self.invite))

    def send_183(self):
        B = self.B
        B.build_candidates()
        self.answer_sdp = call_sdp(B, self.keys["B"], 0, False, extra=self.share_sections("B", False))
        hdrs = self.cfg["answer_headers"]
        frames = self.call.response(
            self.invite, 183, "Session Progress", "183", hdrs, self.answer_sdp, "application/sdp",
            "SIP 183 Session Progress (B's ICE v19 answer)",
            f"183 to the INVITE (frame {self.invite['frames'][0]}), To tag {self.call.tags['B']}; ICE v19 SDP: "
            + describe_v19("audio", B.media) + self.share_text("B")
            + f"; default candidate = B's {B.default[1].typ} {B.default[1].transport} "
            f"{B.default[1].address}:{B.default[1].port}/{B.default[2].port}",
            on_delivered=self.got_183)
        self.sdp_frames["B"] = frames
        self.events["t183"] = self.net.t
        # B starts its checks once A has the answer (a check never arrives before the SDP that
        # describes its source, so no peer-reflexive candidates appear)
        self.net.after(self.call.delay + 3.0, B.start_ice)
        if self.cfg.get("appshare"):
            self.net.after(self.call.delay + 3.5, self.cfg["appshare"]["B"].start_ice)
        self.net.after(2.0, lambda: self.call.response(self.invite, 180, "Ringing", "180", hdrs, what="SIP 180 Ringing",
                                                       show="180 Ringing, no body"))
        if self.cfg.get("early_media"):
            self.net.after(self.cfg["early_media"][1] * 1000, lambda: B.start_media(
                self.t_end("B"), self.stream("B")))
        if self.cfg.get("failed"):
            self.net.after(200, self.watch_failure)
        else:
            self.net.at(self.cfg["t_answer"], self.send_200)

    def stream(self, side):
        a = self.agent(side)
        return RtpStream(self.rng, MEDIA_PT, a.ssrc, self.rng.getrandbits(16), self.rng.getrandbits(32),
                         payload_len=MEDIA_LEN, ts_step=MEDIA_TS_STEP * a.rtp_ms // 20)

    def got_183(self):
        self.net.after(1.0, self.A.start_ice)
        if self.cfg.get("appshare"):
            self.net.after(1.5, self.cfg["appshare"]["A"].start_ice)
        if self.cfg.get("early_media") and self.cfg["early_media"][0] is not None:
            self.net.after(self.cfg["early_media"][0] * 1000, lambda: self.A.start_media(
                self.t_end("A"), self.stream("A")))

    def send_200(self):
        hdrs = list(self.cfg["answer_headers"]) + list(self.cfg.get("ok_headers", []))
        self.call.response(self.invite, 200, "OK", "200", hdrs, self.answer_sdp, "application/sdp",
                           "SIP 200 OK (B accepts; same answer SDP)",
                           f"200 OK to the INVITE (frame {self.invite['frames'][0]}); the same ICE v19 answer as the 183"
                           + self.cfg.get("ok_note", ""), on_delivered=self.send_ack)
        self.events["t200"] = self.net.t
        if not self.cfg.get("early_media"):
            self.net.after(30, lambda: self.B.start_media(self.t_end("B"), self.stream("B")))

    def send_ack(self):
        def ack():
            self.call.request("A", "ACK", "ack", [("User-Agent", self.A.party.ua)], what="SIP ACK",
                              show=f"ACK for the 200 OK (frame {self.call.frames['200'][-1]})", cseq=1)
            self.acked = True
            if self.cfg.get("appshare"):
                self.net.after(50, self.watch_share)
            if not self.cfg.get("early_media") or self.cfg["early_media"][0] is None:
                self.net.after(8, lambda: self.A.start_media(self.t_end("A"), self.stream("A")))
            self.net.after(50, self.watch_reinvite)
        self.net.after(2.5, ack)

    def watch_reinvite(self):
        assert self.net.t < (self.cfg["t_bye"] or self.cfg["t_media_end"]), "A never nominated both components"
        if 1 in self.A.nominated and 2 in self.A.nominated:
            if self.cfg.get("no_reinvite"):           # the caller never sends its updated offer
                self._schedule_bye()
                return
            self.net.after(self.cfg.get("reinvite_ms", 300), self.reinvite)
        else:
            self.net.after(50, self.watch_reinvite)

    def reinvite(self):
        A = self.A
        pa = [A.nominated_pair(c) for c in (1, 2)]
        local = [p.valid_local or p.local for p in pa]
        remote = [p.remote for p in pa]
        sdp = call_sdp(A, self.keys["A"], 1, True, cands=local, remote=remote,
                       extra=self.share_sections("A", True, reinvite=True))
        self.reinvite_remote = remote
        ctx = self.call.request(
            "A", "INVITE", "reinvite", [("Contact", A.party.contact()), ("User-Agent", A.party.ua),
                                        ("Supported", "ms-early-media"), ("Allow", LYNC_ALLOW)],
            sdp, "application/sdp", "SIP re-INVITE: selected candidates + a=remote-candidates",
            f"INVITE CSeq 2 in the dialog, o= version 1; only A's selected candidates (c=/m= = "
            f"{local[0].address}:{local[0].port}, a=rtcp {local[1].port}): "
            + describe_v19("audio", _media_of(A, local), remote),
            on_delivered=lambda: self.net.after(12, lambda: self.reinvite_ok(ctx)))
        self.events["reinvite"] = ctx

    def reinvite_ok(self, ctx):
        B = self.B
        pb = [B.nominated_pair(c) for c in (1, 2)]
        local = [p.valid_local or p.local for p in pb]
        sdp = call_sdp(B, self.keys["B"], 1, False, cands=local, extra=self.share_sections("B", False, reinvite=True))
        self.call.response(ctx, 200, "OK", "reinvite-200", [("Contact", f"<{B.party.gruu}>"), ("User-Agent", B.party.ua)],
                           sdp, "application/sdp", "SIP 200 OK to the re-INVITE",
                           f"200 OK to the re-INVITE (frame {ctx['frames'][0]}); B's selected candidates: "
                           + describe_v19("audio", _media_of(B, local)),
                           on_delivered=lambda: self.net.after(2.0, lambda: self.call.request(
                               "A", "ACK", "reinvite-ack", [("User-Agent", self.A.party.ua)], what="SIP ACK (re-INVITE)",
                               show="ACK for the 200 OK to the re-INVITE", cseq=2)))
        assert self.cfg["t_bye"] is None or self.net.t < self.cfg["t_bye"]
        self._schedule_bye()

    def _schedule_bye(self):
        if self.cfg["t_bye"] is None:     # the capture ends before anyone hangs up
            return
        self.net.at(self.cfg["t_bye"], self.bye)

    def t_end(self, side):
        """When `side` stops sending media (t_media_end, or t_media_end_A / _B for one side)."""
        return self.cfg.get(f"t_media_end_{side}", self.cfg["t_media_end"])

    # ---------------------------------------------------------------- application sharing line
    def share_sections(self, side, offer, reinvite=False):
        """The m=applicationsharing section of `side`'s SDP (none without cfg["appshare"]). In the
        re-INVITE and its answer: the selected candidate once nominated (and, from the caller,
        a=remote-candidates naming the callee's), else every candidate again."""
        share = self.cfg.get("appshare")
        if not share:
            return []
        ag = share[side]
        if not reinvite:                   # the offer (A) and the answer (B): candidates from the allocation
            ag.build_candidates()
        media, default, remote = ag.media, (ag.default[1], None), None
        n = ag.nominated_pair(1)
        if reinvite and n is not None:
            local = n.valid_local or n.local
            media, default = _media_of(ag, [local]), (local, None)
            remote = [n.remote] if side == "A" else None
        return [v19_media("applicationsharing", media, share[f"keys_{side}"], ag.ssrc, offer=offer, remote=remote,
                          default=default)]

    def share_text(self, side):
        share = self.cfg.get("appshare")
        return "; " + describe_v19("applicationsharing", share[side].media) if share else ""

    def watch_share(self):
        """Application sharing starts once A has nominated the sharing line's pair."""
        share = self.cfg["appshare"]
        if share["A"].nominated_pair(1) is None:
            assert self.net.t < share["t_media_end"], "the sharing line was never nominated"
            self.net.after(50, self.watch_share)
            return
        for side, ms in (("A", share["rtp_ms_A"]), ("B", share["rtp_ms_B"])):
            ag = share[side]
            ag.rtp_ms = ms
            ag.start_media(share["t_media_end"], RtpStream(self.rng, 127, ag.ssrc, self.rng.getrandbits(16),
                                                           self.rng.getrandbits(32), payload_len=share[f"len_{side}"],
                                                           ts_step=90 * ms))

    def bye(self):
        side = self.cfg.get("bye_side", "A")
        ctx = self.call.request(side, "BYE", "bye", [("User-Agent", self.agent(side).party.ua),
                                                     ("ms-client-diagnostics", '51004;reason="Action initiated by user"')],
                                what="SIP BYE",
                                show=f"BYE from {side}; ms-client-diagnostics 51004 \"Action initiated by user\"",
                                on_delivered=lambda: self.net.after(6, lambda: self.call.response(
                                    ctx, 200, "OK", "bye-200", [("User-Agent", self.agent(self.call.other(side)).party.ua)],
                                    what="SIP 200 OK to BYE", show="200 OK to the BYE",
                                    on_delivered=self.release)))

    def release(self):
        for i, a in enumerate(self.net.allocs):
            self.net.after(40 + 6 * i, a.release)

    # ---------------------------------------------------------------- failure
    def watch_failure(self):
        A = self.A
        started = A.ice_started is not None and self.B.ice_started is not None
        if started and all(t.done for a in (self.A, self.B) for t in a.checks) and not A.triggered and not A.waiting:
            self.events["t_all_failed"] = self.net.t
            self.net.after(self.cfg["fail_bye_ms"], self.failed_bye)
        else:
            self.net.after(50, self.watch_failure)

    def failed_bye(self):
        diag = self.cfg["fail_diag"]
        ctx = self.call.request("A", "BYE", "bye", [("User-Agent", self.A.party.ua), ("ms-client-diagnostics", diag)],
                                what="SIP BYE in the early dialog: ms-client-diagnostics 23",
                                show=f"BYE (caller ends the early dialog, RFC 3261 §15) with ms-client-diagnostics: "
                                     f"`{diag}`",
                                on_delivered=lambda: self.net.after(5, after_bye))

        def after_bye():
            self.call.response(ctx, 200, "OK", "bye-200", [("User-Agent", self.B.party.ua)], what="SIP 200 OK to BYE",
                               show="200 OK to the BYE")
            self.net.after(3, lambda: self.call.response(
                self.invite, 487, "Request Terminated", "487", [("User-Agent", self.B.party.ua)],
                what="SIP 487 Request Terminated (the INVITE)",
                show=f"487 to the INVITE (frame {self.invite['frames'][0]}): the early dialog ended by the BYE",
                on_delivered=lambda: (self.net.after(1.5, lambda: self.call.ack_non2xx(self.invite, "ack-487")),
                                      self.net.after(60, self.release))))


def _media_of(agent, cands):
    m = IceV19Media.__new__(IceV19Media)
    m.ufrag, m.pwd, m.cands = agent.media.ufrag, agent.media.pwd, list(cands)
    return m


# ---------------------------------------------------------------- expected report

def _frames_txt(lists):
    """Transmissions separated by '; ', the frames of one transmission (legs) joined by '/';
    '—' for a transmission of which no frame was captured."""
    if not any(lists):
        return "— (not captured)"
    return "; ".join("/".join(str(n) for n in fl) if fl else "—" for fl in lists)


def _key_str(key):
    a, b = key
    tr = "UDP" if a.transport == "UDP" else "TCP"
    return f"A {a.typ} {a.address}:{a.port} ↔ B {b.typ} {b.address}:{b.port} ({tr})"


def _pair_row(txn):
    p = txn.pair
    res = txn.result or "pending"
    if res == "success":
        res = f"success at {txn.t_result:.3f}"
    else:
        if res.startswith("cancelled"):
            res = f"no response, then {res} at {txn.t_result:.3f}"
        if txn.request_seen_by_peer:
            res += f" (the request reached {txn.agent.peer.key}; its responses were lost)"
    local = p.valid_local if (txn.result == "success" and p.valid_local) else p.local
    lshow = cand_str(local, False)
    if local is not p.local:
        lshow += f" (sent from base {p.local.address}:{p.local.port})"
    elif p.local.typ == "srflx" and p.local.transport == "TCP-ACT":
        lshow += " (from its base host address)"
    return (f"| {txn.id} | {txn.agent.key} | {txn.kind()} | {p.comp} | {lshow} | {cand_str(p.remote, False)} | "
            f"{p.transport()} | {txn.t0:.3f} | {_frames_txt(txn.sends)} | {_frames_txt(txn.responses)} | {res} |")


def _timeline(flow):
    """A one-paragraph timeline of the call (seconds since the first frame, first frame number)."""
    net, cap, call = flow.net, flow.net.cap, flow.call
    t = lambda n: f"{cap.frames[n - 1][0] / 1e6:.3f} (frame {n})"
    ev = [("MRAS A", flow.mras["A"][0]), ("MRAS B", flow.mras["B"][0])]
    for a in net.allocs:
        if a.frames:
            ev.append((f"{a.label()} Allocate", a.frames[0]))
    names = [("invite", "INVITE"), ("183", "183"), ("180", "180"), ("200", "200 OK"), ("ack", "ACK"),
             ("reinvite", "re-INVITE"), ("bye", "BYE"), ("487", "487")]
    ev += [(label, call.frames[k][0]) for k, label in names if k in call.frames]
    checks = sorted((x for ag in (flow.A, flow.B) for x in ag.checks if any(x.sends)),
                    key=lambda x: next(f for fl in x.sends for f in fl))
    if checks:
        ev.append(("first check", next(f for fl in checks[0].sends for f in fl)))
    ok = [x for ag in (flow.A, flow.B) for x in ag.checks if x.result == "success" and any(x.responses)]
    if ok:
        ev.append(("first successful check response", min(f for x in ok for fl in x.responses for f in fl)))
    for ag in (flow.A,):
        for comp in (1, 2):
            if comp in ag.nominated:
                txn = ag.nominated[comp][1]
                ev.append((f"nomination comp {comp} (USE-CANDIDATE)", next(f for fl in txn.sends for f in fl)))
    rtp = [m for m in net.media_log if m["kind"] == "rtp" and m["frames"]]
    if rtp:
        ev.append(("first RTP", rtp[0]["frames"][0]))
        firsts = {}
        for m in rtp:
            firsts.setdefault(m["key"], m["frames"][0])
        for k, n in list(firsts.items())[1:]:
            ev.append((f"first RTP on {k[0].typ}↔{k[1].typ}", n))
        ev.append(("last RTP", max(n for m in rtp for n in m["frames"])))
    ev.sort(key=lambda e: e[1])
    return ["- **Timeline**: " + "; ".join(f"{label} {t(n)}" for label, n in ev)]


def call_report(flow, capture_point, verdict, expect_final):
    """Markdown lines of the section "Expected per-call report" (from what the run did)."""
    net, call, A, B = flow.net, flow.call, flow.A, flow.B
    for m in net.media_log:                        # RTP frames: the README collapses runs of them
        if m["kind"] == "rtp":
            seq = struct.unpack("!H", m["data"][2:4])[0]
            for n in m["frames"]:
                net.cap.media_frames[n] = (m["sender"], seq)
    net.cap.ssrcs = [("A", A.ssrc), ("B", B.ssrc)]
    out = ["### Expected per-call report", ""]
    la, lb = call.legs["A"], call.legs["B"]

    def party(agent, leg, side):
        nat = net.nat_of.get(agent.ip)
        where = f"behind NAT {nat.public_ip} ({'address-restricted cone' if nat.kind == 'address' else 'symmetric'})" \
            if nat else "no NAT"
        return (f"{side} = \"{agent.party.display}\" <{agent.party.uri}>, host {agent.ip}, {where}, "
                f"{agent.party.ua}, MS-Version {agent.ms_version}")
    out += _timeline(flow)
    out += [f"- **Call-ID** `{call.call_id}` (From tag `{call.tags['A']}`, To tag `{call.tags['B']}`)",
            f"- **Capture point**: {capture_point}",
            f"- **Caller**: {party(A, la, 'A')}; ICE controlling, tie-breaker `{A.ice_agent.tiebreaker.hex()}`",
            f"- **Callee**: {party(B, lb, 'B')}; ICE controlled, tie-breaker `{B.ice_agent.tiebreaker.hex()}`"]
    for side, ag in (("A", A), ("B", B)):
        m = flow.mras.get(side)
        if ag.creds is None:
            reason = flow.cfg[f"mras_{side}"]["reason"]
            out.append(f"- **{side} credentials**: none — MRAS (frames {m[0]}/{m[1]}) answered reasonPhrase "
                       f"\"{reason}\" without credentials; no MS-TURN at all; ice-ufrag `{ag.media.ufrag}`, "
                       f"ice-pwd `{ag.media.pwd}`")
            continue
        out.append(f"- **{side} credentials**: MRAS (frames {m[0]}/{m[1]}) username `{ag.creds.username_b64}`, password "
                   f"`{ag.creds.password_b64}` (MS-TURN key `{ag.creds.key.hex()}`, MI "
                   f"{'HMAC-SHA256' if ag.creds.mi_hash == 'sha256' else 'HMAC-SHA1'}); ice-ufrag `{ag.media.ufrag}`, "
                   f"ice-pwd `{ag.media.pwd}`")
    out += ["", "#### Candidates", "",
            "| side | SDP in frames | foundation | comp | transport | type | address:port | related | priority |",
            "|---|---|---|---|---|---|---|---|---|"]
    for side, ag in (("A", A), ("B", B)):
        fr = "/".join(str(n) for n in flow.sdp_frames[side])
        for c in ag.media.cands:
            rel = f"{c.raddr}:{c.rport}" if c.raddr else "—"
            out.append(f"| {side} | {fr} | {c.foundation} | {c.component} | {c.transport} | {c.typ} | "
                       f"{c.address}:{c.port} | {rel} | {c.priority} |")
    out.append("")
    for side, ag in (("A", A), ("B", B)):
        counts = {}
        for c in ag.media.cands:
            counts[(c.typ, c.transport)] = counts.get((c.typ, c.transport), 0) + 1
        out.append(f"- {side}: " + ", ".join(f"{t} {tr} ×{n}" for (t, tr), n in counts.items())
                   + f"; default candidate {ag.default[1].typ} {ag.default[1].transport} "
                     f"{ag.default[1].address}:{ag.default[1].port}/{ag.default[2].port}")
    out += ["", "#### TURN allocations", "",
            "| side | component | transport | client (as captured) | Edge server | relayed | reflexive | result | frames |",
            "|---|---|---|---|---|---|---|---|---|"]
    for a in net.allocs:
        rel = f"{a.relayed[0]}:{a.relayed[1]}" if a.ok else "—"
        refl = f"{a.reflexive[0]}:{a.reflexive[1]}" if a.ok else "—"
        res = a.result + "".join(f"; Set Active Destination {d[0]}:{d[1]} (frames {'/'.join(str(n) for n in f)})"
                                 for d, f in a.sads)
        out.append(f"| {a.agent.key} | {a.comp} | {a.transport} | {a.sock[0]}:{a.sock[1]} | {a.server[0]}:{a.server[1]} | "
                   f"{rel} | {refl} | {res} | {', '.join(str(n) for n in a.frames)} |")
    out += ["", "#### Connectivity checks", "",
            "Each row is one STUN transaction of the checking side (local → remote as that side sees it). "
            "Frames: one group per transmission separated by `;`, the legs of one transmission (e.g. Send Request "
            "and the Data Indication at the peer) joined by `/`.", "",
            "| check | side | kind | comp | local candidate | remote candidate | transport | started | request frames | "
            "response frames | result |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for txn in sorted(A.checks + B.checks, key=lambda x: (x.t0, x.id)):
        out.append(_pair_row(txn))
    out += ["", "#### Nomination, media, final path", ""]
    for side, ag in (("A", A), ("B", B)):
        for comp in (1, 2):
            if comp in ag.nominated:
                p, txn, t = ag.nominated[comp]
                local = p.valid_local or p.local
                how = (f"USE-CANDIDATE check {txn.id} (request {_frames_txt(txn.sends)}, response "
                       f"{_frames_txt(txn.responses)})")
                out.append(f"- {side} nominated comp {comp} at {t:.3f}: {cand_str(local)} ↔ {cand_str(p.remote)}; {how}")
    if not A.nominated and not B.nominated:
        out.append("- no pair nominated (no check succeeded)")
    rtp = [m for m in net.media_log if m["kind"] == "rtp"]
    if rtp:
        first = rtp[0]
        t200 = flow.events.get("t200")
        early = " — early media, before the 200 OK" if t200 is not None and first["t"] < t200 else ""
        out.append(f"- First media (early-media path): {_key_str(first['key'])}; first RTP frame {first['frames'][0]} "
                   f"at {first['t']:.3f} ({first['sender']}→, {first['why']}){early}")
        for s in ("A", "B"):
            mine = [m for m in rtp if m["sender"] == s]
            out.append(f"  - {s}→{'B' if s == 'A' else 'A'}: first RTP frame {mine[0]['frames'][0]} at "
                       f"{mine[0]['t']:.3f} on {_key_str(mine[0]['key'])}")
        promos = []
        for s in ("A", "B"):
            mine = [m for m in rtp if m["sender"] == s]
            for prev, cur in zip(mine, mine[1:]):
                if cur["key"] != prev["key"]:
                    promos.append((cur["t"], s, prev, cur))
        if promos:
            for t, s, prev, cur in sorted(promos, key=lambda x: x[0]):
                out.append(f"- Promotion ({s}→{'B' if s == 'A' else 'A'}) at {t:.3f}: first RTP on the new path in frame "
                           f"{cur['frames'][0]}; {_key_str(prev['key'])} → {_key_str(cur['key'])} (last RTP on the old "
                           f"path: frame {prev['frames'][0]} at {prev['t']:.3f})")
        else:
            out.append("- Promotions: none (media stayed on its first path)")
        rtcp = [m for m in net.media_log if m["kind"] == "rtcp"]
        out.append("- RTCP (component 2): " + "; ".join(
            f"{m['sender']} at {m['t']:.3f} frame {m['frames'][0]} on {_key_str(m['key'])}" for m in rtcp))
        ctx = flow.events.get("reinvite")
        if ctx:
            rem = ", ".join(f"comp {c.component} {c.address} {c.port}" for c in flow.reinvite_remote)
            out.append(f"- Final path, signalled: re-INVITE frames {'/'.join(str(n) for n in ctx['frames'])} with "
                       f"`{remote_candidates_line(flow.reinvite_remote)}` ({rem}); 200 OK frames "
                       f"{'/'.join(str(n) for n in call.frames['reinvite-200'])}")
        for s in ("A", "B"):
            last = [m for m in rtp if m["sender"] == s][-1]
            out.append(f"- Final path, media: last RTP {s}→ in frame {last['frames'][-1]} at {last['t']:.3f} on "
                       f"{_key_str(last['key'])}")
        last = rtp[-1]
        ka, kb = last["key"]
        assert (ka.typ, kb.typ, ka.transport[:3]) == expect_final, (ka.typ, kb.typ, ka.transport, expect_final)
    else:
        assert expect_final is None
        out.append("- Media: none (no RTP or RTCP in the capture)")
    out += ["", f"**Verdict:** {verdict}", ""]
    return out


class CallCapture(Capture):
    """A whole-call capture: frames plus the capture point and the expected per-call report."""

    def __init__(self, filename, title, intro, capture_point):
        super().__init__(filename, title, intro)
        self.capture_point = capture_point
        self.report = []
        self.media_frames = {}            # frame number -> (sender, RTP sequence number)
        self.ssrcs = []                   # (sender, SSRC)
        self.triggers = []                # rule-*: markdown lines, which finding fires where and why


def call_invite_headers(rng, party, location, subnet):
    conv = base64.b64encode(b"\x01" + rng.randbytes(21)).decode()
    return [("Contact", party.contact()), ("User-Agent", party.ua), ("Supported", "ms-dialog-route-set-update"),
            ("Ms-Conversation-ID", conv), ("Supported", "timer"), ("Supported", "histinfo"),
            ("Supported", "ms-safe-transfer"), ("Supported", "ms-sender"), ("Supported", "ms-early-media"),
            ("Supported", "100rel"), ("ms-keep-alive", "UAC;hop-hop=yes"), ("Allow", LYNC_ALLOW),
            ("ms-subnet", subnet), ("Accept-Language", "en-US"), ("ms-endpoint-location-data", location),
            ("Supported", "replaces"), ("Supported", "ms-conf-invite")]


def call_answer_headers(party, location):
    return [("Contact", f"<{party.gruu}>"), ("User-Agent", party.ua), ("Supported", "histinfo"),
            ("Supported", "ms-safe-transfer"), ("Supported", "ms-dialog-route-set-update"), ("Allow", LYNC_ALLOW),
            ("ms-endpoint-location-data", location)]


def callee_diag(flow, local_loc, remote_loc, federation=0):
    """ms-client-diagnostics 51007 of the callee's 200 OK (format of the real Lync sample)."""
    B, A = flow.B, flow.A
    bh, ah = B.cand(1, 1), A.cand(1, 1)
    mr = lambda ag: next((f"{c.address}:{c.port}" for c in ag.media.cands if c.typ == "relay" and c.component == 1), "")
    return ("51007;reason=\"Callee media connectivity diagnosis info\";CalleeMediaDebug=\"audio:ICEWarn=0x0,"
            f"LocalSite={bh.address}:{bh.port},RemoteSite={ah.address}:{ah.port},LocalMR={mr(B)},RemoteMR={mr(A)},"
            f"PortRange=1025:65000,LocalLocation={local_loc},RemoteLocation={remote_loc},FederationType={federation}\"")


def _contoso_hq(net):
    """The contoso HQ hosts on the core span: client VLANs, Front End, A/V Edge intranet interface."""
    net.register(CONTOSO_FE, "corp", "F", "hq", "00:1c:7f:3a:10:0a",
                 role="Front End fe01.contoso.com: SIP over TCP 5060 (clear text here), forwards MRAS requests")
    net.register(CONTOSO_AV_INT, "corp", "E", "hq", "00:1c:7f:3a:10:05",
                 role="A/V Edge, intranet interface: MS-TURN UDP 3478 / TCP 443")
    net.register(CONTOSO_AV_EXT, "dmz", "X", None,
                 role="A/V Edge av.contoso.com, public interface: MS-TURN for remote users, relayed addresses")


def _home(net, client_ip, label, role):
    net.register(client_ip, "home", label, "home", "3c:22:fb:5a:10:20", role=role)
    net.register("192.168.1.1", "home", "R", "home", HOME_ROUTER_MAC, role="home router (DNS resolver, NAT)")
    net.register(HOME_NAT, "home-pub", f"N{label}", None, role=f"home router's public address ({label}'s NAT)")


def _hotel(net, client_ip, label, role):
    net.register(client_ip, "hotel", label, "hotel", "a4:5e:60:c1:07:3b", role=role)
    net.register("192.168.0.1", "hotel", "H", "hotel", "00:0d:b9:44:12:9a", role="hotel gateway (DNS resolver, NAT)")
    net.register(HOTEL_NAT, "hotel-pub", f"N{label}", None, role=f"hotel gateway's public address ({label}'s NAT)")


# A client product as the call captures describe it: name (in the host roles), SIP User-Agent, MS-TURN version.
CallClient = collections.namedtuple("CallClient", "name ua ms_version")
LYNC2013_CLIENT = CallClient("Lync 2013", LYNC2013_UA, 4)
SFB_CLIENT = CallClient("Skype for Business 2015", SFB_UA, 5)

# The people of the call captures: (display name, SIP address).
ALICE = ("Alice Lee", "alice@contoso.com")
BOB = ("Bob Kim", "bob@contoso.com")
FRANK = ("Frank Moss", "frank@contoso.com")
ERIN = ("Erin Park", "erin@contoso.com")
GREG = ("Greg Novak", "greg@fabrikam.com")
ALICE_IP = "10.10.20.31"           # Alice's PC on the HQ client VLAN 10.10.20.0/24
BOB_IP = "10.10.40.52"             # Bob's PC on the HQ client VLAN 10.10.40.0/24


def _alice_at_hq(net, client, where, label="A"):
    """Register Alice's PC on contoso's HQ span; `where` ends her role text, in parentheses."""
    net.register(ALICE_IP, "corp", label, "hq", "00:15:5d:0a:14:1f",
                 role=f"alice@contoso.com, {client.name} ({where})")


def _bob_at_hq(net, client, where):
    """Register Bob's PC on contoso's HQ span; `where` ends his role text, in parentheses."""
    net.register(BOB_IP, "corp", "B", "hq", "00:15:5d:0a:28:34", role=f"bob@contoso.com, {client.name} ({where})")


def _corp_only_rules(net):
    """Firewall rules of a call inside contoso: everything inside the LAN is routed; the internal firewall keeps
    clients off the Edge's public interface, and the public interface cannot reach internal addresses."""
    def rules(src, dst, dport, proto, t):
        return net.zone(src) == "corp" and net.zone(dst) == "corp"
    return rules


def _home_nat(net, kind, dst=None):
    """The home router's NAT (HOME_NAT) for 192.168.1.20; its two media sockets' public ports preset
    (for a symmetric NAT: towards `dst`)."""
    nat = Nat(HOME_NAT, kind, 40112)
    for port, pub in ((9610, 38402), (9611, 38403)):
        nat.preset("192.168.1.20", port, pub, dst=dst)
    net.add_nat(nat, ["192.168.1.20"])


def _hotel_nat(net):
    """The hotel gateway's address-restricted NAT (HOTEL_NAT) for 192.168.0.15, media sockets' ports preset."""
    nat = Nat(HOTEL_NAT, "address", 62001)
    for port, pub in ((7180, 41822), (7181, 41823)):
        nat.preset("192.168.0.15", port, pub)
    net.add_nat(nat, ["192.168.0.15"])


def _call_agents(net, rng, client, caller, callee):
    """The SipParty and the CallAgent of the caller (A, controlling) and of the callee (B), in that order.
    caller, callee: (person, client address, make_credentials seed, or None for no MRAS credentials).
    Returns (caller's party, callee's party, A, B)."""
    (person_a, ip_a, seed_a), (person_b, ip_b, seed_b) = caller, callee
    party_a = SipParty(rng, *person_a, client.ua)
    party_b = SipParty(rng, *person_b, client.ua)
    creds = lambda seed: None if seed is None else make_credentials(seed, client.ms_version)
    A = CallAgent(net, "A", party_a, ip_a, client.ms_version, True, creds(seed_a), rng)
    B = CallAgent(net, "B", party_b, ip_b, client.ms_version, False, creds(seed_b), rng)
    return party_a, party_b, A, B


def _contoso_servers(net, rng, access_edge=False, av_ext=CONTOSO_AV_EXT):
    """contoso's A/V Edge and Front End (and Access Edge): (edge, fe) or (edge, fe, ae)."""
    edge = AvEdge(net, "contoso", CONTOSO_AV_INT, av_ext)
    fe = SipProxy(rng, "fe01.contoso.com", CONTOSO_FE)
    if not access_edge:
        return edge, fe
    return edge, fe, SipProxy(rng, "sip.contoso.com", CONTOSO_ACCESS_EDGE)


def _sip_leg(net, rng, agent, cport, server_ip, nat=None, point=None):
    """`agent`'s SIP connection from port `cport` to its first-hop server; the server's Via parameters
    (with received= when the client is behind the NAT address `nat`)."""
    received = f";received={nat}" if nat else ""
    return SipLeg(net, agent, cport, server_ip,
                  f"{received};ms-received-port={cport};ms-received-cid={rand_hex(rng, 4, True)}00", point=point)


def _mras(location, rtt_ms, **extra):
    """The MRAS answer to one party: contoso's relays."""
    return dict(location=location, relays=CONTOSO_RELAYS, rtt_ms=rtt_ms, **extra)


def _hq_inside_call(cap, rng, client, seeds, thin=False, **timing):
    """The call of call-inside-inside: Alice (10.10.20.31) calls Bob (10.10.40.52), both on contoso's HQ LAN
    and seen on the HQ span, SIP through the Front End, both allocate on the Edge's intranet interface.
    seeds: the make_credentials seeds of (Alice, Bob); thin: rule-* RTP pacing; timing: CallFlow settings
    from t_media_end on. Returns (net, A, B, call, flow), the flow not started."""
    net = CallNet(cap, rng, {"hq": ("HQ span", ROUTER_MAC)})
    _alice_at_hq(net, client, "client VLAN 10.10.20.0/24")
    _bob_at_hq(net, client, "client VLAN 10.10.40.0/24")
    _contoso_hq(net)
    net.rules = _corp_only_rules(net)
    alice, bob, A, B = _call_agents(net, rng, client, (ALICE, ALICE_IP, seeds[0]), (BOB, BOB_IP, seeds[1]))
    if thin:
        _thin_media(A, B)
    edge, fe = _contoso_servers(net, rng)
    legs = {"A": _sip_leg(net, rng, A, 52316, CONTOSO_FE), "B": _sip_leg(net, rng, B, 50874, CONTOSO_FE)}
    call = SipCall(net, rng, legs, [fe], 5.5)
    mras = _mras("intranet", 41)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.118, mras_A=mras, mras_B=mras, t_call=0.412,
        gather_A=dict(edge=edge, server=CONTOSO_AV_INT, ports=(21346, 21347), relay_ports=(53214, 57902)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_INT, ports=(30112, 30113), relay_ports=(54488, 51176)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers=call_answer_headers(bob, LOCATION_INTRANET), t_answer=2.904, **timing)
    return net, A, B, call, flow


HQ_BRANCH_POINT = ("a span port on contoso's HQ core switch (Alice's VLAN, the Front End, the A/V Edge's intranet "
                   "interface, and the LAN side of the branch VPN gateway): Bob's packets are seen when they reach "
                   "HQ, Alice's packets to Bob when they leave her VLAN; every packet once")


def _branch_vpn_rules(net, tunnel_up):
    """HQ ↔ branch office over a site-to-site VPN: the SA for the HQ server subnet is up, the one for the
    client subnets comes up on demand at `tunnel_up`."""
    def rules(src, dst, dport, proto, t):
        zs, zd = net.zone(src), net.zone(dst)
        if zs == zd == "corp":
            return True
        if {zs, zd} == {"corp", "branch"}:
            hq = src if zs == "corp" else dst
            if hq.startswith("10.10.1."):
                return True              # SA for the server subnet is up
            return t >= tunnel_up        # SA for the client subnets: on demand
        return False
    return rules


def _hq_branch_call(cap, rng, seeds, tunnel_up, nominate_first_valid=False, thin=False, client=SFB_CLIENT, **timing):
    """The call of call-early-media-promotion: Alice (HQ, 10.10.20.31) calls Bob (branch office, 10.20.8.15,
    behind a VPN whose client SA is up at `tunnel_up`), both `client` (SfB 2015), both allocate on the Edge's
    intranet interface, early media relay↔relay; seen on the HQ span. seeds: make_credentials seeds of (Alice,
    Bob); nominate_first_valid: Alice nominates the first pair that succeeds; thin: rule-* RTP pacing;
    timing: CallFlow settings from t_media_end on.
    Returns (net, A, B, call, flow), the flow not started."""
    net = CallNet(cap, rng, {"hq": ("HQ span", ROUTER_MAC)})
    _alice_at_hq(net, client, "HQ client VLAN")
    _contoso_hq(net)
    net.register("10.20.8.15", "branch", "B", None,
                 role=f"bob@contoso.com, {client.name} in the branch office (seen when its packets reach HQ)")
    net.lat.update({("branch", "corp"): 9.0})
    net.far_ttl = {"branch": 126}
    net.rules = _branch_vpn_rules(net, tunnel_up)
    alice, bob, A, B = _call_agents(net, rng, client, (ALICE, ALICE_IP, seeds[0]), (BOB, "10.20.8.15", seeds[1]))
    A.nominate_first_valid = nominate_first_valid
    if thin:
        _thin_media(A, B)
    edge, fe = _contoso_servers(net, rng)
    legs = {"A": _sip_leg(net, rng, A, 52322, CONTOSO_FE), "B": _sip_leg(net, rng, B, 51140, CONTOSO_FE, point="hq")}
    call = SipCall(net, rng, legs, [fe], 5.0)
    mras = _mras("intranet", 41)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.152, mras_A=mras, mras_B=dict(mras, rtt_ms=58),
        t_call=2.930,
        gather_A=dict(edge=edge, server=CONTOSO_AV_INT, ports=(22190, 22191), relay_ports=(52814, 55570)),
        gather_B=dict(edge=edge, server=CONTOSO_AV_INT, ports=(17410, 17411), relay_ports=(50122, 56918)),
        invite_headers=call_invite_headers(rng, alice, LOCATION_INTRANET, "10.10.20.0"),
        answer_headers=call_answer_headers(bob, LOCATION_INTRANET), early_media=(0.012, 0.098),
        t_answer=3.986, **timing)
    return net, A, B, call, flow


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
    _, _, _, _, flow = _hq_inside_call(cap, rng, LYNC2013_CLIENT, ("msice-call-ii-alice", "msice-call-ii-bob"),
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


def _inside_outside_net(cap, rng):
    """Alice at HQ, Frank at home behind a symmetric NAT, the Access Edge and the A/V Edge between them."""
    net = CallNet(cap, rng, {"hq": ("HQ span", ROUTER_MAC), "home": ("Frank's NIC", HOME_ROUTER_MAC)})
    _alice_at_hq(net, SFB_CLIENT, "HQ client VLAN")
    _contoso_hq(net)
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    _home(net, "192.168.1.20", "B", "frank@contoso.com, Skype for Business 2015 at home")
    net.lat.update({("home", "dmz"): 14.0, ("corp", "corp"): 0.3})
    _home_nat(net, "symmetric", dst=(CONTOSO_AV_EXT, 3478))
    net.rules = _inside_outside_rules(net)
    return net


def _inside_outside_rules(net):
    def rules(src, dst, dport, proto, t):
        zs, zd = net.zone(src), net.zone(dst)
        if zs == zd == "corp":
            return True
        if "corp" in (zs, zd):
            return False                 # corporate firewall: no direct traffic between clients and the outside
        if zd in ("home", "hotel"):
            return zs == zd              # private addresses are not routed
        if zd == "dmz":
            return dport in (3478, 443, 5060)   # contoso perimeter: only UDP 3478 / TCP 443 to the A/V Edge
        return True                      # the Internet; the NAT's filtering applies
    return rules


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
    net = _inside_outside_net(cap, rng)
    alice, frank, A, B = _call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-call-io-alice"),
                                      (FRANK, "192.168.1.20", "msice-call-io-frank"))
    edge, fe, ae = _contoso_servers(net, rng, access_edge=True)
    legs = {"A": _sip_leg(net, rng, A, 52318, CONTOSO_FE),
            "B": _sip_leg(net, rng, B, 50320, CONTOSO_ACCESS_EDGE, nat=HOME_NAT)}
    call = SipCall(net, rng, legs, [fe, ae], 22.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.061, mras_A=_mras("intranet", 41),
        mras_B=_mras("internet", 63), t_call=0.352,
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
    _home(net, "192.168.1.20", "A", "frank@contoso.com, Skype for Business 2015 at home")
    _hotel(net, "192.168.0.15", "B", "erin@contoso.com, Skype for Business 2015 in a hotel")
    net.register(CONTOSO_AV_EXT, "dmz", "X", None,
                 role="A/V Edge av.contoso.com, public interface: MS-TURN, relayed addresses")
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    net.lat.update({("home", "dmz"): 14.0, ("hotel", "dmz"): 22.0, ("home", "hotel"): 29.0})
    _home_nat(net, "address")
    _hotel_nat(net)
    net.rules = _inside_outside_rules(net)
    frank, erin, A, B = _call_agents(net, rng, SFB_CLIENT, (FRANK, "192.168.1.20", "msice-call-oo-frank"),
                                     (ERIN, "192.168.0.15", "msice-call-oo-erin"))
    edge, fe, ae = _contoso_servers(net, rng, access_edge=True)
    legs = {"A": _sip_leg(net, rng, A, 50320, CONTOSO_ACCESS_EDGE, nat=HOME_NAT),
            "B": _sip_leg(net, rng, B, 51022, CONTOSO_ACCESS_EDGE, nat=HOTEL_NAT)}
    ae_out = SipProxy(rng, "sip.contoso.com", CONTOSO_ACCESS_EDGE)      # the request crosses the Access Edge twice
    call = SipCall(net, rng, legs, [ae, fe, ae_out], 44.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.047, mras_A=_mras("internet", 58),
        mras_B=_mras("internet", 71), t_call=0.301,
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
    _alice_at_hq(net, SFB_CLIENT, "contoso HQ")
    _contoso_hq(net)
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
    alice, greg, A, B = _call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-call-fed-alice"),
                                     (GREG, "172.16.30.25", "msice-call-fed-greg"))
    e1 = AvEdge(net, "contoso", CONTOSO_AV_INT, CONTOSO_AV_EXT)
    e2 = AvEdge(net, "fabrikam", FABRIKAM_AV_INT, FABRIKAM_AV_EXT)
    proxies = [SipProxy(rng, "fe01.contoso.com", CONTOSO_FE), SipProxy(rng, "sip.contoso.com", CONTOSO_ACCESS_EDGE),
               SipProxy(rng, "sip.fabrikam.com", FABRIKAM_ACCESS_EDGE), SipProxy(rng, "fe01.fabrikam.com", FABRIKAM_FE)]
    legs = {"A": _sip_leg(net, rng, A, 52320, CONTOSO_FE), "B": _sip_leg(net, rng, B, 49822, FABRIKAM_FE)}
    trust = [("ms-edge-proxy-message-trust", "ms-source-type=DirectPartner;ms-ep-fqdn=sip.contoso.com;"
              "ms-source-network=federation;ms-source-verified-user=verified")]
    call = SipCall(net, rng, legs, proxies, 31.0, b_leg_headers=trust)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.083, mras_A=_mras("intranet", 41),
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
    _, _, _, _, flow = _hq_branch_call(cap, rng, ("msice-call-em-alice", "msice-call-em-bob"), tunnel_up=4.450,
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
    _alice_at_hq(net, SFB_CLIENT, "HQ client VLAN")
    _contoso_hq(net)
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    _home(net, "192.168.1.20", "B", "frank@contoso.com, Skype for Business 2015 at home")
    net.lat.update({("home", "dmz"): 14.0})
    _home_nat(net, "address")
    net.rules = _inside_outside_rules(net)
    alice, frank, A, B = _call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-call-f-alice"),
                                      (FRANK, "192.168.1.20", "msice-call-f-frank"))
    edge, fe, ae = _contoso_servers(net, rng, access_edge=True)
    legs = {"A": _sip_leg(net, rng, A, 52324, CONTOSO_FE),
            "B": _sip_leg(net, rng, B, 50326, CONTOSO_ACCESS_EDGE, nat=HOME_NAT)}
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
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.061, mras_A=_mras("intranet", 41),
        mras_B=_mras("internet", 63), t_call=0.352,
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
    _hotel(net, "192.168.0.15", "A", "erin@contoso.com, Skype for Business 2015 in a hotel (UDP blocked)")
    _bob_at_hq(net, SFB_CLIENT, "HQ client VLAN 10.10.40.0/24")
    _contoso_hq(net)
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    net.lat.update({("hotel", "dmz"): 22.0})
    _hotel_nat(net)
    base_rules = _inside_outside_rules(net)

    def rules(src, dst, dport, proto, t):
        if net.zone(src) == "hotel-pub":        # the hotel firewall: only TCP 80/443 out
            return proto == "tcp" and dport in (80, 443)
        return base_rules(src, dst, dport, proto, t)
    net.rules = rules
    erin, bob, A, B = _call_agents(net, rng, SFB_CLIENT, (ERIN, "192.168.0.15", "msice-call-tcp-erin"),
                                   (BOB, BOB_IP, "msice-call-tcp-bob"))
    A.tcp_check_port = 50414
    edge, fe, ae = _contoso_servers(net, rng, access_edge=True)
    legs = {"A": _sip_leg(net, rng, A, 51022, CONTOSO_ACCESS_EDGE, nat=HOTEL_NAT),
            "B": _sip_leg(net, rng, B, 50874, CONTOSO_FE)}
    call = SipCall(net, rng, legs, [ae, fe], 24.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.054, mras_A=_mras("internet", 71),
        mras_B=_mras("intranet", 41), t_call=0.318,
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


# ---------------------------------------------------------------- media-path captures (issue 9)

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
    net, A, B, call, flow = _hq_branch_call(cap, rng, ("msice-call-rad-alice", "msice-call-rad-bob"),
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
    net, A, B, call, flow = _hq_inside_call(cap, rng, SFB_CLIENT, ("msice-call-mr-alice", "msice-call-mr-bob"),
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
        out.append(_pair_row(txn))
    out.append("")
    for side, ag in (("A", AS), ("B", BS)):
        if 1 in ag.nominated:
            p, txn, t = ag.nominated[1]
            out.append(f"- {side} nominated at {t:.3f}: {cand_str(p.valid_local or p.local)} ↔ {cand_str(p.remote)}")
    for side, ag in (("A", AS), ("B", BS)):
        log = [m for m in ag.share_log if m["frames"]]
        if log:
            out.append(f"- sharing RTP {side}→: {len(log)} packets, first frame {log[0]['frames'][0]} at "
                       f"{log[0]['t']:.3f}, last frame {log[-1]['frames'][-1]}, on {_key_str(log[0]['key'])}")
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
    net = _inside_outside_net(cap, rng)
    alice, frank, A, B = _call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-call-as-alice"),
                                      (FRANK, "192.168.1.20", "msice-call-as-frank"))
    _thin_media(A, B)
    AS = AppShareAgent(net, "AS", alice, ALICE_IP, SFB_CLIENT.ms_version, True, A.creds, rng, 22154)
    BS = AppShareAgent(net, "BS", frank, "192.168.1.20", SFB_CLIENT.ms_version, False, B.creds, rng, 9614)
    AS.peer, BS.peer = BS, AS
    edge, fe, ae = _contoso_servers(net, rng, access_edge=True)
    legs = {"A": _sip_leg(net, rng, A, 52318, CONTOSO_FE),
            "B": _sip_leg(net, rng, B, 50320, CONTOSO_ACCESS_EDGE, nat=HOME_NAT)}
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
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.061, mras_A=_mras("intranet", 41),
        mras_B=_mras("internet", 63), t_call=0.352,
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


# ---------------------------------------------------------------- rule trigger captures (rule-*.pcap)

RULE_RTP_MS = 100       # one RTP packet per 100 ms per direction: keeps the rule-* files small


def _thin_media(*agents):
    for a in agents:
        a.rtp_ms = RULE_RTP_MS


def _first_rtp(net):
    """The media_log entry of the first RTP packet that reached the capture."""
    return next(m for m in net.media_log if m["kind"] == "rtp" and m["frames"])


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
    _bob_at_hq(net, SFB_CLIENT, "HQ client VLAN 10.10.40.0/24")
    _contoso_hq(net)
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
    frank, bob, A, B = _call_agents(net, rng, SFB_CLIENT, (FRANK, "192.0.2.60", None),    # no MRAS credentials
                                    (BOB, BOB_IP, "msice-rule-nec-bob"))
    _thin_media(A, B)
    edge, fe, ae = _contoso_servers(net, rng, access_edge=True)
    legs = {"A": _sip_leg(net, rng, A, 50330, CONTOSO_ACCESS_EDGE), "B": _sip_leg(net, rng, B, 50874, CONTOSO_FE)}
    call = SipCall(net, rng, legs, [ae, fe], 24.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.054, mras_A=_mras("internet", 66, reason="Forbidden"),
        mras_B=_mras("intranet", 41), t_call=0.318,
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
    _home(net, "192.168.1.20", "A", "frank@contoso.com, Skype for Business 2015 at home")
    _alice_at_hq(net, SFB_CLIENT, "HQ client VLAN", label="B")
    _contoso_hq(net)
    net.register("10.30.1.5", "dmz", "D", None,
                 role="A/V Edge external interface's own DMZ address (behind the perimeter NAT for 203.0.113.10): the "
                      "misconfigured Edge gives it out as relayed address")
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP for remote users)")
    net.lat.update({("home", "dmz"): 14.0})
    _home_nat(net, "symmetric", dst=(CONTOSO_AV_EXT, 3478))
    net.rules = _inside_outside_rules(net)
    frank, alice, A, B = _call_agents(net, rng, SFB_CLIENT, (FRANK, "192.168.1.20", "msice-rule-pea-frank"),
                                      (ALICE, ALICE_IP, "msice-rule-pea-alice"))
    _thin_media(A, B)
    edge, fe, ae = _contoso_servers(net, rng, access_edge=True, av_ext="10.30.1.5")   # the Edge's DMZ address
    legs = {"A": _sip_leg(net, rng, A, 50320, CONTOSO_ACCESS_EDGE, nat=HOME_NAT),
            "B": _sip_leg(net, rng, B, 52318, CONTOSO_FE)}
    call = SipCall(net, rng, legs, [ae, fe], 22.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.058, mras_A=_mras("internet", 63),
        mras_B=_mras("intranet", 41), t_call=0.340,
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


def _dns_rr(net, point, client, resolver, name, answers, at):
    """A DNS A query and an answer with several A records (round robin), both seen at `point`."""
    def query():
        qid, sport = net.rng.getrandbits(16), 49152 + net.rng.getrandbits(14)
        q = bytes(DNS(id=qid, rd=1, qd=DNSQR(qname=name)))
        rrs = DNSRR(rrname=name, ttl=300, rdata=answers[0])
        for a in answers[1:]:
            rrs = rrs / DNSRR(rrname=name, ttl=300, rdata=a)
        r = bytes(DNS(id=qid, qr=1, rd=1, ra=1, qd=DNSQR(qname=name), an=rrs))
        n = net.emit_udp(point, client, sport, resolver, 53, q, f"DNS query A {name}", f"standard query, A {name}")
        net.after(0.8, lambda: net.emit_udp(
            point, resolver, 53, client, sport, r, f"DNS answer {name} = {', '.join(answers)}",
            f"answer to frame {n}: {name} A {', '.join(answers)} (round robin: the Edge pool's two servers, "
            f"{answers[0]} first)"))
    net.at(at, query)


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
    _alice_at_hq(net, SFB_CLIENT, "client VLAN 10.10.20.0/24")
    _bob_at_hq(net, SFB_CLIENT, "client VLAN 10.10.40.0/24")
    net.register("10.10.1.2", "corp", "S", "hq", "00:1c:7f:3a:10:02", role="DNS server dc01.contoso.com")
    net.register(CONTOSO_FE, "corp", "F", "hq", "00:1c:7f:3a:10:0a",
                 role="Front End fe01.contoso.com: SIP over TCP 5060 (clear text here), forwards MRAS requests")
    net.register(CONTOSO_AV_INT, "corp", "E", "hq", "00:1c:7f:3a:10:05",
                 role="A/V Edge edge01, intranet interface: MS-TURN UDP 3478 (certificate matches the pool's)")
    net.register("10.10.1.6", "corp", "E2", "hq", "00:1c:7f:3a:10:06",
                 role="A/V Edge edge02, intranet interface: MS-TURN UDP 3478 (a different certificate)")
    net.register(CONTOSO_AV_EXT, "dmz", "X", None, role="A/V Edge edge01, public interface (relayed addresses)")
    net.register("203.0.113.11", "dmz", "X2", None, role="A/V Edge edge02, public interface")
    net.rules = _corp_only_rules(net)
    alice, bob, A, B = _call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-rule-tc-alice"),
                                    (BOB, BOB_IP, "msice-rule-tc-bob"))
    _thin_media(A, B)
    edge01 = AvEdge(net, "contoso edge01", CONTOSO_AV_INT, CONTOSO_AV_EXT)
    edge02 = AvEdge(net, "contoso edge02", "10.10.1.6", "203.0.113.11")
    fe = SipProxy(rng, "fe01.contoso.com", CONTOSO_FE)
    legs = {"A": _sip_leg(net, rng, A, 52330, CONTOSO_FE), "B": _sip_leg(net, rng, B, 50880, CONTOSO_FE)}
    call = SipCall(net, rng, legs, [fe], 5.5)
    relays = [dict(location="intranet", hostName="av-int.contoso.com", udpPort=3478, tcpPort=443),
              dict(location="internet", hostName="av.contoso.com", udpPort=3478, tcpPort=443)]
    _dns_rr(net, "hq", ALICE_IP, "10.10.1.2", "av-int.contoso.com", ["10.10.1.6", CONTOSO_AV_INT], 0.120)
    _dns_rr(net, "hq", BOB_IP, "10.10.1.2", "av-int.contoso.com", [CONTOSO_AV_INT, "10.10.1.6"], 0.240)
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
    net, A, B, _, flow = _hq_branch_call(cap, rng, ("msice-rule-rdd-alice", "msice-rule-rdd-bob"), tunnel_up,
                                         nominate_first_valid=True, thin=True, t_media_end=7.5, t_bye=7.562)
    flow.start()
    host_ok = [x for ag in (A, B) for x in ag.checks
               if x.result == "success" and x.pair.local.typ == "host" and x.pair.remote.typ == "host"]
    assert host_ok, "host↔host never succeeded"
    first_host_ok = min(f for x in host_ok for fl in x.responses for f in fl)
    first = _first_rtp(net)
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
    net, _, _, call, flow = _hq_inside_call(cap, rng, SFB_CLIENT, ("msice-rule-nr-alice", "msice-rule-nr-bob"),
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


# =============================================================================
# 6d. SIP-dialog scenarios (issue 9): a capture that starts mid-call, a forked
#     INVITE, location data from REGISTER/SUBSCRIBE; same engine, own RNGs
# =============================================================================


def _register_at(net, ip, label, zone, point, mac, role):
    """A host seen at capture point `point` (None: seen only where its packets reach a captured host)."""
    net.register(ip, zone, label, point, mac, role=role)


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
    _register_at(net, ALICE_IP, "A", "corp", "alice", "00:15:5d:0a:14:1f",
                 "alice@contoso.com, Lync 2013 (HQ client VLAN; the capture runs on this PC)")
    _register_at(net, CONTOSO_FE, "F", "corp", None, None, "Front End fe01.contoso.com: SIP over TCP 5060")
    _register_at(net, CONTOSO_AV_INT, "E", "corp", None, None,
                 "A/V Edge, intranet interface: MS-TURN UDP 3478 (Alice's allocations)")
    _register_at(net, CONTOSO_AV_EXT, "X", "dmz", None, None,
                 "A/V Edge av.contoso.com, public interface: relayed addresses, Frank's MS-TURN")
    _register_at(net, CONTOSO_ACCESS_EDGE, "AE", "dmz", None, None, "Access Edge sip.contoso.com (Frank's SIP)")
    _register_at(net, "192.168.1.20", "B", "home", None, None,
                 "frank@contoso.com, Lync 2013 at home (not captured: seen only through the Edge and the Front End)")
    _register_at(net, HOME_NAT, "NB", "home-pub", None, None, "Frank's home router, public address (symmetric NAT)")
    net.lat.update({("home", "dmz"): 14.0, ("corp", "corp"): 0.3})
    _home_nat(net, "symmetric", dst=(CONTOSO_AV_EXT, 3478))
    net.rules = _inside_outside_rules(net)
    alice, frank, A, B = _call_agents(net, rng, LYNC2013_CLIENT, (ALICE, ALICE_IP, "msice-call-mid-alice"),
                                      (FRANK, "192.168.1.20", "msice-call-mid-frank"))
    A.raw_to_active = B.raw_to_active = False     # every relayed packet names its peer (see the intro)
    edge, fe, ae = _contoso_servers(net, rng, access_edge=True)
    legs = {"A": SipLeg(net, A, 52334, CONTOSO_FE, f";ms-received-port=52334;ms-received-cid={rand_hex(rng, 4, True)}00",
                        mss=1460, push_each=True),
            "B": UncapturedSipLeg(B, 50336, f";received={HOME_NAT};ms-received-port=50336;"
                                            f"ms-received-cid={rand_hex(rng, 4, True)}00")}
    call = SipCall(net, rng, legs, [fe, ae], 22.0)
    flow = CallFlow(
        net, rng, call, A, B, t_mras_A=0.0, t_mras_B=0.061, mras_A=_mras("intranet", 41),
        mras_B=_mras("internet", 63), t_call=0.352,
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
        A2, L = self.A2, self.L
        pa = [A2.nominated_pair(c) for c in (1, 2)]
        local = [p.valid_local or p.local for p in pa]
        remote = [p.remote for p in pa]
        sdp = call_sdp(A2, self.keys["A"], 1, True, cands=local, remote=remote)
        self.reinvite_remote = remote
        ctx = self.call2.request(
            "A", "INVITE", "reinvite", [("Contact", A2.party.contact()), ("User-Agent", A2.party.ua),
                                        ("Supported", "ms-early-media"), ("Allow", LYNC_ALLOW)],
            sdp, "application/sdp", "SIP re-INVITE to Bob's laptop: selected candidates + a=remote-candidates",
            "INVITE CSeq 2 in the answered dialog; " + describe_v19("audio", _media_of(A2, local), remote),
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
    _alice_at_hq(net, SFB_CLIENT, "HQ client VLAN")
    net.register(BOB_IP, "corp", "D", "hq", "00:15:5d:0a:28:34",
                 role="bob@contoso.com, Skype for Business 2015 on his desktop (HQ client VLAN 10.10.40.0/24)")
    _contoso_hq(net)
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com (SIP of Bob's laptop)")
    net.register(BOB_LAPTOP_IP, "home", "L", None,
                 role="bob@contoso.com, Skype for Business 2015 on his laptop at home (not captured)")
    net.register(HOME_NAT, "home-pub", "NL", None, role="Bob's home router, public address (symmetric NAT)")
    net.lat.update({("home", "dmz"): 14.0, ("corp", "corp"): 0.3})
    _home_nat(net, "symmetric", dst=(CONTOSO_AV_EXT, 3478))
    net.rules = _inside_outside_rules(net)
    alice = SipParty(rng, *ALICE, SFB_CLIENT.ua)
    bob_desk = SipParty(rng, *BOB, SFB_CLIENT.ua)
    bob_lap = SipParty(rng, *BOB, SFB_CLIENT.ua)
    creds = lambda seed: make_credentials(seed, SFB_CLIENT.ms_version)
    A = CallAgent(net, "A", alice, ALICE_IP, SFB_CLIENT.ms_version, True, creds("msice-call-fork-alice"), rng)
    A2 = CallAgent(net, "A", alice, ALICE_IP, SFB_CLIENT.ms_version, True, A.creds, rng)
    D = CallAgent(net, "D", bob_desk, BOB_IP, SFB_CLIENT.ms_version, False, creds("msice-call-fork-desk"), rng)
    L = CallAgent(net, "L", bob_lap, BOB_LAPTOP_IP, SFB_CLIENT.ms_version, False, creds("msice-call-fork-lap"), rng)
    edge, fe, ae = _contoso_servers(net, rng, access_edge=True)
    leg_a = SipLeg(net, A, 52340, CONTOSO_FE, f";ms-received-port=52340;ms-received-cid={rand_hex(rng, 4, True)}00",
                   mss=1460, push_each=True)
    leg_d = SipLeg(net, D, 50890, CONTOSO_FE, f";ms-received-port=50890;ms-received-cid={rand_hex(rng, 4, True)}00",
                   mss=1460, push_each=True)
    leg_l = UncapturedSipLeg(L, 50344, f";received={HOME_NAT};ms-received-port=50344;"
                                       f"ms-received-cid={rand_hex(rng, 4, True)}00")
    call1 = SipCall(net, rng, {"A": leg_a, "B": leg_d}, [fe], 5.5)
    call2 = SipCall(net, rng, {"A": leg_a, "B": leg_l}, [fe, ae], 22.0)
    call2.call_id, call2.tags["A"] = call1.call_id, call1.tags["A"]
    mras = _mras("intranet", 41)
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
    l_rtp = [m for m in rtp if m["sender"] in ("L", "A") and m["key"][1].owner is L or m["sender"] == "L"]
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
        frames.append(leg.up(sip_message(f"REGISTER sip:contoso.com SIP/2.0", hdrs),
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
    _alice_at_hq(net, SFB_CLIENT, "HQ client VLAN")
    net.register("10.10.20.44", "corp", "C", "hq", "00:15:5d:0a:14:2c",
                 role="carol@contoso.com, Skype for Business 2015 (HQ client VLAN; signs in, never calls)")
    _contoso_hq(net)
    net.register(CONTOSO_AE_INT, "corp", "AI", "hq", "00:1c:7f:3a:10:04",
                 role="Access Edge sip.contoso.com, internal interface (forwards remote users' SIP to the Front End)")
    net.register(CONTOSO_ACCESS_EDGE, "dmz", "AE", None, role="Access Edge sip.contoso.com, public interface")
    net.register(BOB_LAPTOP_IP, "home", "B", None,
                 role="bob@contoso.com, Skype for Business 2015 at home (not captured: seen through the Edges)")
    net.register(HOME_NAT, "home-pub", "NB", None, role="Bob's home router, public address (symmetric NAT)")
    net.lat.update({("home", "dmz"): 14.0, ("corp", "corp"): 0.3})
    _home_nat(net, "symmetric", dst=(CONTOSO_AV_EXT, 3478))
    net.rules = _inside_outside_rules(net)
    alice, bob, A, B = _call_agents(net, rng, SFB_CLIENT, (ALICE, ALICE_IP, "msice-call-reg-alice"),
                                    (BOB, BOB_LAPTOP_IP, "msice-call-reg-bob"))
    carol_agent = CallAgent(net, "C", SipParty(rng, "Carol Diaz", "carol@contoso.com", SFB_CLIENT.ua), "10.10.20.44",
                            SFB_CLIENT.ms_version, False, None, rng)
    net.agents.remove(carol_agent)
    edge, fe, ae = _contoso_servers(net, rng, access_edge=True)
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


CALL_SCENARIOS = [capture_call_inside_inside, capture_call_inside_outside, capture_call_outside_outside,
                  capture_call_federation, capture_call_early_media_promotion, capture_call_failed,
                  capture_call_tcp_relay, capture_call_relay_active_destination, capture_call_media_rejected,
                  capture_call_appsharing_tcp]


RULE_SCENARIOS = [capture_rule_no_edge_credentials, capture_rule_private_edge_address,
                  capture_rule_turn_credentials, capture_rule_relay_despite_direct, capture_rule_no_reinvite]


SIP_DIALOG_SCENARIOS = [capture_call_mid_call_start, capture_call_forked, capture_call_register_location]


# =============================================================================
# 6e. Teams-style captures without SIP (teams-*.pcap)
# =============================================================================
#
# Microsoft Teams signals over HTTPS: a capture holds MS-TURN to the transport
# relays, connectivity checks and media, never an SDP. These files model such
# calls at the client's NIC (or, for the one-sided file, behind a capture
# filter), scripted packet by packet:
#   - MS-TURN MS-VERSION 6 allocations (401 challenge, then credentials) on
#     Microsoft 365 transport relays: relayed addresses on UDP 3478-3481 in
#     Microsoft's published Teams range 52.112.0.0/14 (synthetic hosts in that
#     range, so that the range rule of the analyser has something to
#     recognise), one relayed address shared by the sockets multiplexed on a
#     relay (MULTIPLEXED-TURN-SESSION-ID, 0xFF10 frames);
#   - one ICE session per media type, each with its own ufrags, from a socket
#     in Teams' default QoS port range of that type (audio 50000-50019, video
#     50020-50039, sharing 50040-50059), marked with its DSCP (EF 46, AF41 34,
#     AF21 18) when it leaves the client; nothing comes back marked;
#   - MS-ICE2 checks as Teams sends them (teams.pcap): USERNAME, ICE-CONTROLLING
#     or -CONTROLLED, IMPLEMENTATION-VERSION 7, PRIORITY, MS-APP-ID 2, [USE-
#     CANDIDATE], MI, FINGERPRINT; responses carry XOR-MAPPED-ADDRESS and no
#     USERNAME; a check sent through the remote side's relay carries that
#     side's MULTIPLEXED-TURN-SESSION-ID and is answered in a 0xFF10 frame;
#   - the Allocate requests carry MS-SERVICE-QUALITY 2/2 (video) on every
#     socket, as in teams.pcap: it does not tell the media type.

TEAMS_CREDS = make_credentials("msice-credentials-teams-6d", 6)
TEAMS_ICE_VERSION = 7                     # IMPLEMENTATION-VERSION of Teams checks (teams.pcap)
TEAMS_APP_ID = 2                          # MS-APP-ID of Teams checks and Allocates (teams.pcap)
TEAMS_NIC_MAC = "3c:22:fb:61:0a:14"
TEAMS_A, TEAMS_A_NAT = "192.168.1.20", HOME_NAT
TEAMS_RELAY_A, TEAMS_RELAY_V = "52.113.64.20", "52.113.64.21"   # A's transport relays
TEAMS_B_HOST, TEAMS_B_NAT, TEAMS_B_RELAY = "10.0.0.7", "203.0.113.50", "52.114.7.7"
TEAMS_RELAY_NET = ipaddress.ip_network("52.112.0.0/14")
DSCP_EF, DSCP_AF41, DSCP_AF21 = 46, 34, 18


class TeamsCapture(Capture):
    """A Teams-style capture: frames, where it was taken, the expected report, and runs of
    media frames that the README table shows as one row each."""

    def __init__(self, filename, title, intro, capture_point):
        super().__init__(filename, title, intro)
        self.capture_point = capture_point
        self.report = []
        self.media = {}                   # frame -> (run label, RTP sequence number)

    def readme_rows(self):
        rows, run = [], []

        def flush():
            if len(run) < 3:
                for i, (t, _, direction, what, show) in run:
                    rows.append(f"| {i} | {t / 1e6:.3f} | {direction} | {_md_cell(what)} | {_md_cell(show)} |")
            else:
                kinds = {}
                for i, (t, _, direction, what, show) in run:
                    label, seq = self.media[i]
                    k = kinds.setdefault((label, direction), [0, seq, seq])
                    k[0] += 1
                    k[2] = seq
                desc = "; ".join(f"{n} × `{d}` {_md_cell(lab)} (seq {a}–{b})" for (lab, d), (n, a, b) in kinds.items())
                rows.append(f"| {run[0][0]}–{run[-1][0]} | {run[0][1][0] / 1e6:.3f}–{run[-1][1][0] / 1e6:.3f} | "
                            f"({len(run)} media frames) | {desc} | see the stream's first frames above |")
            run.clear()
        for i, fr in enumerate(self.frames, 1):
            if i in self.media:
                run.append((i, fr))
                continue
            flush()
            t, _, direction, what, show = fr
            rows.append(f"| {i} | {t / 1e6:.3f} | {direction} | {_md_cell(what)} | {_md_cell(show)} |")
        flush()
        return rows


class TeamsWire:
    """Writes what the capture point sees. `keep(src_ip, dst_ip)` is the capture filter (the
    one-sided file keeps only what Microsoft's relays send); a packet it drops is not written."""

    def __init__(self, cap, hosts, keep=None):
        self.cap, self.hosts = cap, {h.ip: h for h in hosts}
        self.keep = keep or (lambda src, dst: True)

    def udp(self, src, sport, dst, dport, payload, what, show, dscp=0, media=None):
        if not self.keep(src, dst):
            return None
        s, d = self.hosts[src], self.hosts[dst]
        pkt = (Ether(src=s.mac, dst=d.mac)
               / IP(src=src, dst=dst, id=s.next_ip_id(), ttl=s.ttl, flags=0, tos=dscp << 2)
               / UDP(sport=sport, dport=dport) / Raw(payload))
        n = self.cap.add(bytes(pkt), _direction(s, sport, d, dport), what, show)
        if media:
            self.cap.media[n] = media
        return n


def _not_before(cap, seconds):
    """Start the next phase at `seconds`, or 5 ms from now if the last one ran past it."""
    if cap.now < int(round(seconds * 1_000_000)):
        cap.at(seconds)
    else:
        cap.after(5)


def _resp_to(frame, what="frame"):
    """"response to frame 12", or that its request is not in the (filtered) capture."""
    return f"response to {what} {frame}" if frame else "response to a request this capture does not hold"


def _mark_last(cap, dscp):
    """Give the last frame's IP header the DSCP `dscp` (TcpFlow writes 0); IP checksum redone."""
    t, frame, direction, what, show = cap.frames[-1]
    p = Ether(frame)
    p[IP].tos = dscp << 2
    del p[IP].chksum
    cap.frames[-1] = (t, bytes(p), direction, what, show)


def teams_check(txid12, sender, receiver, prio, controlling, nominate=False, mux_sid=None):
    """MS-ICE2 Binding Request laid out as Teams sends it (teams.pcap)."""
    attrs = [username(f"{receiver.ufrag}:{sender.ufrag}".encode()),
             (ice_controlling if controlling else ice_controlled)(sender.tiebreaker),
             implementation_version(TEAMS_ICE_VERSION), priority(prio)]
    if mux_sid:
        attrs.append(session_id_attr(mux_sid))
    attrs.append(u32(AT_MS_APP_ID, TEAMS_APP_ID))
    if nominate:
        attrs.append(use_candidate())
    return rfc5389_stun(BINDING_REQUEST, txid12, attrs, mi_key=receiver.pwd.encode())


def teams_check_response(txid12, responder, mapped_ip, mapped_port):
    """Binding Success Response as Teams sends it: no USERNAME (teams.pcap)."""
    attrs = [implementation_version(TEAMS_ICE_VERSION), rfc5389_xor_mapped(mapped_ip, mapped_port, txid12),
             u32(AT_MS_APP_ID, TEAMS_APP_ID)]
    return rfc5389_stun(BINDING_RESPONSE, txid12, attrs, mi_key=responder.pwd.encode())


class TeamsSocket:
    """One of A's media sockets and its MS-TURN (MS-VERSION 6) allocation on a transport relay."""

    def __init__(self, w, rng, port, relay_ip, nat_port, label):
        self.w, self.rng, self.cap = w, rng, w.cap
        self.port, self.relay_ip, self.nat_port, self.label = port, relay_ip, nat_port, label
        self.edge = (relay_ip, 3478)
        self.relayed = (relay_ip, 3480)
        self.tx = Txids(rng)
        self.sid = rng.randbytes(8)
        self.nonce = rng.randbytes(20)
        self.conn_id = rng.randbytes(20)
        self.seq = 0
        self.dscp = 0
        self.frames = {}

    def c2e(self, msg, what, show, dscp=None, media=None):
        return self.w.udp(TEAMS_A, self.port, self.relay_ip, 3478, msg, what, show,
                          self.dscp if dscp is None else dscp, media)

    def e2c(self, msg, what, show, media=None):
        return self.w.udp(self.relay_ip, 3478, TEAMS_A, self.port, msg, what, show, 0, media)

    def allocate(self):
        creds, cap = TEAMS_CREDS, self.cap
        base = [ms_version(6), service_quality(2, 2), u32(AT_MS_APP_ID, TEAMS_APP_ID)]
        t1 = self.tx.client()
        f1 = self.c2e(msturn(ALLOCATE_REQUEST, t1, base), f"Allocate Request ({self.label}, no credentials)",
                      f"MS-TURN Allocate txid {hexs(t1)}: MAGIC-COOKIE, MS-VERSION 6, MS-SERVICE-QUALITY 2/2, "
                      "MS-APP-ID 2", dscp=0)
        cap.after(28.4)
        self.e2c(msturn(ALLOCATE_ERROR, t1, [ms_version(6), error_code(401, REASON_401), nonce(self.nonce), realm(),
                                             session_id_attr(self.sid), edge_software()]),
                 f"Allocate Error 401 ({self.label})",
                 f"{_resp_to(f1)}: 401, NONCE, REALM \"rtcmedia\", MULTIPLEXED-TURN-SESSION-ID "
                 f"{hexs(self.sid)}")
        cap.after(3.1)
        t2 = self.tx.client()
        f3 = self.c2e(msturn(ALLOCATE_REQUEST, t2, base + [session_id_attr(self.sid), nonce(self.nonce), realm(),
                                                           username(creds.username)], creds),
                      f"Allocate Request ({self.label}, credentials)",
                      f"txid {hexs(t2)}: USERNAME, REALM, NONCE, MESSAGE-INTEGRITY (32 bytes), MI verifies", dscp=0)
        cap.after(31.7)
        self.frames["allocated"] = self.e2c(
            msturn(ALLOCATE_RESPONSE, t2, [lifetime(600), plain_addr(AT_MAPPED_ADDRESS, *self.relayed), ms_version(6),
                                           msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, TEAMS_A_NAT, self.nat_port, t2),
                                           session_id_attr(self.sid), edge_software()], creds),
            f"Allocate Response ({self.label})",
            f"{_resp_to(f3)}: MAPPED-ADDRESS relayed {self.relayed[0]}:{self.relayed[1]} (shared by the "
            f"sockets multiplexed on this relay), XOR-MAPPED-ADDRESS reflexive {TEAMS_A_NAT}:{self.nat_port} (A's NAT), "
            f"session id {hexs(self.sid)}, MI verifies")

    def send(self, dest, payload, what, show, media=None):
        """A check or data through the relay in a Send Request (DESTINATION-ADDRESS `dest`)."""
        t = self.tx.client()
        self.seq += 1
        msg = ms_turn_send(t, TEAMS_CREDS, [ms_sequence(self.conn_id, self.seq)], dest[0], dest[1], payload)
        return self.c2e(msg, f"Send Request: {what}",
                        f"txid {hexs(t)} ({self.label}), DESTINATION-ADDRESS {dest[0]}:{dest[1]}, MI verifies; "
                        f"DATA = {show}", media=media)

    def data_ind(self, peer, payload, what, show, media=None):
        msg = ms_turn_data_ind(self.tx.random128(), peer[0], peer[1], payload)
        return self.e2c(msg, f"Data Indication: {what}",
                        f"({self.label}) REMOTE-ADDRESS {peer[0]}:{peer[1]}; DATA = {show}", media=media)

    def set_active(self, dest):
        t = self.tx.client()
        self.seq += 1
        f = self.c2e(msturn(SET_ACTIVE_DEST_REQUEST, t, [
            ms_version(6), username(TEAMS_CREDS.username), realm(), nonce(self.nonce),
            ms_sequence(self.conn_id, self.seq), plain_addr(AT_DESTINATION_ADDRESS, *dest)], TEAMS_CREDS),
            f"Set Active Destination Request ({self.label})",
            f"txid {hexs(t)}: DESTINATION-ADDRESS {dest[0]}:{dest[1]}; from now on data to and from it travels in "
            "0xFF10 frames", dscp=0)
        self.cap.after(27.3)
        self.e2c(msturn(SET_ACTIVE_DEST_RESPONSE, t, [ms_version(6)], TEAMS_CREDS),
                 f"Set Active Destination Response ({self.label})",
                 f"response to frame {f}" if f else "response to the request (not in the capture)")

    def mux_out(self, payload, what, show, media=None):
        return self.c2e(multiplexed(self.sid, payload), f"0xFF10 to relay: {what}",
                        f"multiplexed TURN, session id {hexs(self.sid)} ({self.label}); data = {show}", media=media)

    def mux_in(self, payload, what, show, media=None):
        return self.e2c(multiplexed(self.sid, payload), f"0xFF10 from relay: {what}",
                        f"multiplexed TURN, session id {hexs(self.sid)} ({self.label}); data = {show}", media=media)

    def release(self):
        t = self.tx.client()
        self.seq += 1
        f = self.c2e(msturn(ALLOCATE_REQUEST, t, [ms_version(6), lifetime(0), ms_sequence(self.conn_id, self.seq),
                                                  nonce(self.nonce), realm(), username(TEAMS_CREDS.username)],
                            TEAMS_CREDS),
                     f"Allocate Request LIFETIME 0 ({self.label}, release)", f"txid {hexs(t)}; MI verifies", dscp=0)
        self.cap.after(26.0)
        self.e2c(msturn(ALLOCATE_RESPONSE, t, [lifetime(0), plain_addr(AT_MAPPED_ADDRESS, *self.relayed),
                                               ms_version(6), msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS,
                                                                              TEAMS_A_NAT, self.nat_port, t),
                                               edge_software()], TEAMS_CREDS),
                 f"Allocate Response LIFETIME 0 ({self.label}, released)",
                 f"response to frame {f}" if f else "response to the release (request not in the capture)")


class TeamsStream:
    """One media type's ICE session between A (controlling, at the capture point) and B."""

    def __init__(self, w, rng, name, sock, b_port, b_nat_port, b_relay_port, dscp, pt, payload_len, ts_step):
        self.w, self.rng, self.cap, self.name, self.sock = w, rng, w.cap, name, sock
        self.a = IceAgent(rand_token(rng, 4), rand_token(rng, 24), rng.randbytes(8))
        self.b = IceAgent(rand_token(rng, 4), rand_token(rng, 24), rng.randbytes(8))
        self.a_host = (TEAMS_A, sock.port)
        self.a_nat = (TEAMS_A_NAT, sock.nat_port)
        self.b_host = (TEAMS_B_HOST, b_port)
        self.b_srflx = (TEAMS_B_NAT, b_nat_port)
        self.b_relay = (TEAMS_B_RELAY, b_relay_port)
        self.b_sid = rng.randbytes(8)
        self.dscp = dscp
        sock.dscp = dscp
        self.rtp_a = RtpStream(rng, pt, rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(32), payload_len, ts_step)
        self.rtp_b = RtpStream(rng, pt, rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(32), payload_len, ts_step)
        self.frames = {}

    def _req(self, nominate=False, prio_type="host"):
        prio = ice_priority(TYPE_PREF["prflx"], 65535 if prio_type == "host" else 0, 1)
        txid = self.rng.randbytes(12)
        return txid, teams_check(txid, self.a, self.b, prio, True, nominate)

    def a_check(self, dst, answer=None, tries=1, nominate=False, rto_ms=100.0, rtt_ms=30.0):
        """A's check from its socket to `dst`; `answer`: the address B's side saw A at (None:
        no response). Returns (first request frame, response frame)."""
        txid, req = self._req(nominate)
        what = f"{self.name} check A→{dst[0]}:{dst[1]}" + (" USE-CANDIDATE" if nominate else "")
        first = None
        for k in range(tries):
            f = self.w.udp(TEAMS_A, self.sock.port, dst[0], dst[1], req, what + ("" if k == 0 else f" (again {k})"),
                           f"MS-ICE2 Binding Request txid 2112a442{hexs(txid)}: USERNAME \"{self.b.ufrag}:"
                           f"{self.a.ufrag}\", ICE-CONTROLLING, IMPLEMENTATION-VERSION 7, PRIORITY, MS-APP-ID 2"
                           + (", USE-CANDIDATE" if nominate else "") + ", MI, FINGERPRINT"
                           + ("" if k == 0 else " (same txid: a retransmission)"), self.dscp)
            first = first or f
            if k + 1 < tries:
                self.cap.after(rto_ms * (2 ** k))
        if answer is None:
            return first, None
        self.cap.after(rtt_ms)
        resp = teams_check_response(txid, self.b, *answer)
        r = self.w.udp(dst[0], dst[1], TEAMS_A, self.sock.port, resp, f"response to the {what}",
                       f"Binding Success Response, {_resp_to(first)}: XOR-MAPPED-ADDRESS {answer[0]}:{answer[1]} (where "
                       "B's side saw A), no USERNAME", 0)
        return first, r

    def b_check(self, src, seen, nominate=False, via_b_relay=False, rtt_ms=0.6):
        """B's check arriving from `src` at A's socket; `seen`: the address A saw it from (in the
        response). Through B's relay it carries B's session id and A answers in a 0xFF10 frame."""
        txid = self.rng.randbytes(12)
        prio = ice_priority(TYPE_PREF["relay" if via_b_relay else "prflx"], 65535, 1)
        req = teams_check(txid, self.b, self.a, prio, False, nominate, self.b_sid if via_b_relay else None)
        what = f"{self.name} check B→A from {src[0]}:{src[1]}"
        f = self.w.udp(src[0], src[1], TEAMS_A, self.sock.port, req, what,
                       f"MS-ICE2 Binding Request txid 2112a442{hexs(txid)}: USERNAME \"{self.a.ufrag}:{self.b.ufrag}\", "
                       "ICE-CONTROLLED, IMPLEMENTATION-VERSION 7, PRIORITY" + (f", MULTIPLEXED-TURN-SESSION-ID {hexs(self.b_sid)} (sent through B's relay)"
                                           if via_b_relay else "") + ", MS-APP-ID 2, MI, FINGERPRINT", 0)
        self.cap.after(rtt_ms)
        resp = teams_check_response(txid, self.a, *seen)
        show = f"Binding Success Response to frame {f}: XOR-MAPPED-ADDRESS {seen[0]}:{seen[1]}"
        if via_b_relay:
            r = self.w.udp(TEAMS_A, self.sock.port, src[0], src[1], multiplexed(self.b_sid, resp),
                           f"0xFF10 to B's relay: response to the {what}",
                           f"multiplexed TURN, B's session id {hexs(self.b_sid)} (from the check's 0x8095); data = "
                           + show, self.dscp)
        else:
            r = self.w.udp(TEAMS_A, self.sock.port, src[0], src[1], resp, f"response to the {what}", show, self.dscp)
        return f, r

    def a_relayed_check(self, dst, answered=True, nominate=False, rtt_ms=60.0):
        """A's check from its relay (Send Request) and B's response (Data Indication)."""
        txid = self.rng.randbytes(12)
        prio = ice_priority(TYPE_PREF["relay"], 65535, 1)
        req = teams_check(txid, self.a, self.b, prio, True, nominate, self.sock.sid)
        what = f"{self.name} check A relay→{dst[0]}:{dst[1]}" + (" USE-CANDIDATE" if nominate else "")
        f = self.sock.send(dst, req, what, f"MS-ICE2 Binding Request txid 2112a442{hexs(txid)}, USERNAME \"{self.b.ufrag}:"
                           f"{self.a.ufrag}\"" + (", USE-CANDIDATE" if nominate else ""))
        if not answered:
            return f, None
        self.cap.after(rtt_ms)
        resp = teams_check_response(txid, self.b, *self.sock.relayed)
        r = self.sock.data_ind(dst, resp, f"response to the {what}",
                               f"Binding Success Response ({_resp_to(f, 'the check in frame')}): XOR-MAPPED-ADDRESS "
                               f"{self.sock.relayed[0]}:{self.sock.relayed[1]} (A's relayed address)")
        return f, r

    def b_check_via_a_relay(self, src, rtt_ms=0.8):
        """B's check to A's relayed address: a Data Indication; A answers in a Send Request."""
        txid = self.rng.randbytes(12)
        req = teams_check(txid, self.b, self.a, ice_priority(TYPE_PREF["srflx"], 65535, 1), False)
        what = f"{self.name} check B→A relay from {src[0]}:{src[1]}"
        f = self.sock.data_ind(src, req, what, f"MS-ICE2 Binding Request txid 2112a442{hexs(txid)}, USERNAME "
                               f"\"{self.a.ufrag}:{self.b.ufrag}\"")
        self.cap.after(rtt_ms)
        r = self.sock.send(src, teams_check_response(txid, self.a, *src), f"response to the {what}",
                           f"Binding Success Response, XOR-MAPPED-ADDRESS {src[0]}:{src[1]}")
        return f, r

    def media_direct(self, peer, n, step_ms, loss=()):
        """RTP both ways between A's socket and `peer` (A's marked with its DSCP); `loss`: indexes
        of B's packets that never arrive. Returns the first media frame written."""
        first = None
        for i in range(n):
            pa = self.rtp_a.next(marker=i == 0)
            f = self.w.udp(TEAMS_A, self.sock.port, peer[0], peer[1], pa, f"RTP {self.name} A→B",
                           self.rtp_a.describe(pa) + f"; DSCP {self.dscp}", self.dscp,
                           media=(f"RTP {self.name} A→B", struct.unpack("!H", pa[2:4])[0]))
            first = first or f
            self.cap.after(step_ms / 2)
            pb = self.rtp_b.next(marker=i == 0)
            if i not in loss:
                f = self.w.udp(peer[0], peer[1], TEAMS_A, self.sock.port, pb, f"RTP {self.name} B→A",
                               self.rtp_b.describe(pb) + "; DSCP 0", 0,
                               media=(f"RTP {self.name} B→A", struct.unpack("!H", pb[2:4])[0]))
                first = first or f
            self.cap.after(step_ms / 2)
        return first

    def media_mux(self, n, step_ms):
        """RTP both ways through A's relay in 0xFF10 frames (after Set Active Destination).
        Returns the first media frame written."""
        first = None
        for i in range(n):
            pa = self.rtp_a.next(marker=i == 0)
            f = self.sock.mux_out(pa, f"RTP {self.name} A→B", self.rtp_a.describe(pa) + f"; DSCP {self.dscp}",
                                  media=(f"0xFF10 RTP {self.name} A→B", struct.unpack("!H", pa[2:4])[0]))
            first = first or f
            self.cap.after(step_ms / 2)
            pb = self.rtp_b.next(marker=i == 0)
            f = self.sock.mux_in(pb, f"RTP {self.name} B→A", self.rtp_b.describe(pb),
                                 media=(f"0xFF10 RTP {self.name} B→A", struct.unpack("!H", pb[2:4])[0]))
            first = first or f
            self.cap.after(step_ms / 2)
        return first


def _teams_hosts(cap, a_ip=TEAMS_A):
    gw = HOME_ROUTER_MAC
    return [cap.host("A", a_ip, TEAMS_NIC_MAC, 128, 0x3a10, "Teams client A (the capture point), behind a home "
                     f"NAT {TEAMS_A_NAT}"),
            cap.host("R1", TEAMS_RELAY_A, gw, 112, 0x1200, "Microsoft 365 transport relay (A's audio sockets): "
                     "MS-TURN UDP 3478, relayed addresses on 3480"),
            cap.host("R2", TEAMS_RELAY_V, gw, 112, 0x2200, "Microsoft 365 transport relay (A's video and sharing "
                     "sockets)"),
            cap.host("BH", TEAMS_B_HOST, gw, 116, 0x5100, "B's host address (private: B's network; unreachable)"),
            cap.host("BN", TEAMS_B_NAT, gw, 116, 0x5200, "B's NAT public address (B's server-reflexive candidates)"),
            cap.host("BR", TEAMS_B_RELAY, gw, 110, 0x5300, "B's transport relay (B's relay candidates; its "
                     "allocations are not in the capture)")]


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
    hosts = _teams_hosts(cap)
    w = TeamsWire(cap, hosts)
    _not_before(cap, 0.5)
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
    _not_before(cap, 1.5)
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
    _not_before(cap, 2.6)
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
    _not_before(cap, 3.0)
    facts["audio", "media"] = audio.media_direct(audio.b_srflx, 40, 20, loss=(17,))
    _not_before(cap, 3.1)
    facts["video", "media"] = video.media_direct(video.b_srflx, 15, 66)
    _not_before(cap, 4.2)
    share_s.set_active(share.b_srflx)
    cap.after(5)
    facts["sharing", "media"] = share.media_mux(10, 100)
    _not_before(cap, 6.0)
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
    r.append(f"- the spare socket 50005's allocation belongs to no session: it is listed apart, as an allocation no "
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
    hosts = _teams_hosts(cap)
    w = TeamsWire(cap, hosts, keep=lambda src, dst: ipaddress.ip_address(src) in TEAMS_RELAY_NET)
    _not_before(cap, 0.4)
    audio_s = TeamsSocket(w, rng, 50006, TEAMS_RELAY_A, 61006, "audio socket 50006")
    video_s = TeamsSocket(w, rng, 50026, TEAMS_RELAY_V, 61026, "video socket 50026")
    for s in (audio_s, video_s):
        s.allocate()
        cap.after(9.2)
    audio = TeamsStream(w, rng, "audio", audio_s, 50012, 31012, 3479, DSCP_EF, 104, 60, 320)
    video = TeamsStream(w, rng, "video", video_s, 50032, 31032, 3480, DSCP_AF41, 122, 900, 3000)
    _not_before(cap, 1.2)
    audio.a_check(audio.b_host, None, tries=3)
    cap.after(20)
    audio.a_check(audio.b_srflx, None, tries=3)
    cap.after(20)
    f_resp = audio.a_check(audio.b_relay, audio.a_nat, rtt_ms=41.0)[1]
    cap.after(30)
    f_nom = audio.a_check(audio.b_relay, audio.a_nat, nominate=True, rtt_ms=40.2)[1]
    _not_before(cap, 1.4)
    f_vresp = video.a_relayed_check(video.b_srflx, rtt_ms=58.0)[1]
    cap.after(12)
    f_vcheck = video.b_check_via_a_relay(video.b_srflx)[0]
    cap.after(30)
    video.a_relayed_check(video.b_srflx, nominate=True)
    cap.after(20)
    _not_before(cap, 2.0)
    f_am = audio.media_direct(audio.b_relay, 25, 20)
    _not_before(cap, 2.1)
    video_s.set_active(video.b_srflx)
    cap.after(4)
    f_vm = video.media_mux(10, 66)
    _not_before(cap, 4.0)
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
    _not_before(cap, 0.2)
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
    _mark_last(cap, DSCP_EF)
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
    _mark_last(cap, DSCP_EF)
    cap.after(20)
    t3 = rng.randbytes(12)
    c3 = rfc4571(teams_check(t3, ia, ib, ice_priority(TYPE_PREF["host"], 32767, 1), True, nominate=True))
    f_c3 = tcp.send(TcpFlow.C, c3[:10], "A's nominating check, first 10 bytes",
                    "RFC 4571 length and the start of the STUN header: the rest follows in the next segment")
    _mark_last(cap, DSCP_EF)
    cap.after(0.1)
    tcp.send(TcpFlow.C, c3[10:], "A's nominating check, the rest",
             f"the remaining {len(c3) - 10} bytes: USE-CANDIDATE, MI, FINGERPRINT")
    _mark_last(cap, DSCP_EF)
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
        _mark_last(cap, DSCP_EF)
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


SCENARIOS = [capture_udp_allocate, capture_tcp, capture_relay, capture_bwm, capture_malformed,
             capture_sip_lync2013, capture_sip_sfb, capture_sip_mras, capture_sip_malformed] + CALL_SCENARIOS \
    + RULE_SCENARIOS + SIP_DIALOG_SCENARIOS + TEAMS_SCENARIOS


# =============================================================================
# 7. README writer
# =============================================================================

README_HEAD = """\
# Example captures

Made by `make_captures.py` in this folder (run `/usr/bin/python3 captures/make_captures.py`;
it needs Debian's `python3-scapy`). **This file is generated by the script too — edit the
script, not this file.** Re-running produces byte-identical files.

All captures: Ethernet / IPv4 (link type 1), taken on the client's NIC (the call-* captures say
where they were taken), first frame at 2026-01-15 09:00:00 UTC. Addresses are documentation
ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) or private ranges. Times
below are seconds since the first frame. All IP/UDP/TCP checksums are correct.

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
    for name, c, where in [("home", HOME_CREDS, "udp-allocate, tcp, malformed; handed out by MRAS in sip-mras"),
                           ("corp", CORP_CREDS, "relay; handed out by MRAS in sip-mras"),
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


README_SIP = """\
## SIP captures: things a reader should know

- Lync / Skype for Business clients and servers speak SIP over TLS (5061, or 443 to the Access Edge);
  plain TCP needs an explicit server setting and Lync/SfB do not offer SIP over UDP. The sip-*
  captures use clear-text SIP on TCP or UDP 5060 so that SIP, SDP and XML bodies can be read without
  keys. The messages themselves follow real Lync 2013 / SfB messages (ms-ice-candidates.md,
  sip-diagnostics.md, ms-avedgea-mras.md).
- SIP over TCP: one SIP message per TCP segment unless a row says otherwise. Segments longer than the
  MSS are what a capture on the client shows with segmentation offload (TSO/GRO) on.
- SIP over UDP: a message longer than the 1500-byte MTU travels as IPv4 fragments (1480 data bytes
  each, same IP ID). Wireshark reassembles them and shows the message in the last fragment's frame,
  which carries the table row.
- Candidates are listed as their attribute value, tokens in line order. v19: `foundation component
  transport priority address port typ type [raddr address rport port]`, with `x-candidate-ipv6` in
  front for a=x-candidate-ipv6 lines; v6: `username component password transport qvalue address
  port`. A decoder must show each token in the matching field (v6 qvalue as thousandths: 0.830 → 830;
  v6 lines carry no candidate type). Lync/SfB end every candidate line with a space before CRLF, and
  so do these captures.
- v19 priority = 2^24·type_pref + 2^8·local_pref + (256 − component); component 2 uses local_pref − 2,
  i.e. 513 below component 1, as in every real sample. Values used:

{prio_table}

- Rows marked "choice" are plausible values in the same bit layout, not observed ones. TCP candidates
  use one port for both components; a TCP-ACT host candidate carries the host UDP port (as in the
  real sample). v6 qvalues: 0.830 for host candidates is observed, 0.410 appears on a public
  (Edge-like) address in a public UCWA sample, 0.150 for relay TCP is a choice.
- x-candidate-ipv6 addresses are Teredo addresses built per RFC 4380 from Teredo server 203.0.113.1
  and the client's NAT mapping (inverted port and address).
- `a=x-candidate-info:network-type=WLAN`: [MS-SDPEXT] only says the attribute contains
  "network-type=WLAN"; the exact line grammar is unconfirmed.
- `ms-client-diagnostics` follows the real Lync 2013 200 OK format (sip-diagnostics.md §2).
- The conversation-context part in sip-lync2013-call.pcap call 2 has the [MS-SIPRE] §2.2.20 element
  set; sending it from a client is a choice (the spec's example is server to client).
- MRAS: the response's `to`/`from` are the request's swapped, and the response uses the request's
  Content-Type; both unconfirmed. Office Communicator 2007's User-Agent string and codec list are
  plausible, not observed.
"""


def _prio_table():
    rows = ["| candidate | type_pref | local_pref (comp 1) | priority comp 1 | priority comp 2 | source |",
            "|---|---|---|---|---|---|"]
    observed = {("host", "UDP"), ("srflx", "TCP-ACT"), ("relay", "TCP-PASS"), ("relay", "TCP-ACT")}
    for (typ, transport), lp in MS_LOCAL_PREF.items():
        tp = TYPE_PREF[typ]
        rows.append(f"| {typ} {transport} | {tp} | 0x{lp:04X} | {ms_priority(tp, lp, 1)} | {ms_priority(tp, lp, 2)} | "
                    f"{'real sample' if (typ, transport) in observed else 'choice'} |")
    rows.append(f"| x-candidate-ipv6 host UDP (Teredo) | {X_IPV6_TYPE_PREF} | 0x{X_IPV6_LOCAL_PREF:04X} | "
                f"{ms_priority(X_IPV6_TYPE_PREF, X_IPV6_LOCAL_PREF, 1)} | "
                f"{ms_priority(X_IPV6_TYPE_PREF, X_IPV6_LOCAL_PREF, 2)} | real sample |")
    return "\n".join(rows)


README_CALLS = """\
## Call scenarios (call-*.pcap): things a reader should know

Each call-* file is one whole call with the full media-path story on the wire: both parties' MRAS
exchanges, their MS-TURN allocations, INVITE / 100 / 183 / 180 / 200 / ACK with ICE v19 SDP, the
connectivity checks of both sides (ordinary, triggered, nominating), media, the re-INVITE with
`a=remote-candidates`, BYE and the release of the allocations. Each section ends with
**Expected per-call report**: the facts a correct per-call analyser (`tshark -z msice,calls`) must
report. That section is generated from what the generator did, so frame numbers, times and
results match the file.

**Where the capture is taken.** Each section states its capture point. Two kinds occur:
- a span port (HQ core switch): every packet of the hosts on it once, as it crosses the switch;
- two capture points merged by time (e.g. the HQ span and a home user's NIC; the clocks are
  assumed synchronised). The What column starts with the point's tag, e.g. `[Frank's NIC]`.
  A datagram that crosses both points appears twice: as sent on the sender's side (private
  source, destination as addressed) and as received on the receiver's side (source after the
  sender's NAT, destination after the receiver's NAT). Relayed traffic appears once per leg:
  e.g. a Send Request on the caller's side and the Data Indication (or 0xFF10 frame) on the
  callee's side. A per-call analyser must not count such copies twice.
- Packets dropped before they reach any capture point are not in the file (their checks show
  "— (not captured)").

**Infrastructure (contoso.com).** Front End fe01.contoso.com 10.10.1.10; Access Edge
sip.contoso.com 203.0.113.5; A/V Edge with intranet interface 10.10.1.5 (MS-TURN UDP 3478, TCP 443)
and public interface 203.0.113.10 = av.contoso.com (MS-TURN UDP 3478, TCP 443; all relayed
addresses). fabrikam.com (call-federation): Front End 172.16.1.10, Access Edge 198.51.100.5, A/V Edge
172.16.1.5 / 198.51.100.10. Clients: internal ones talk MS-TURN to the intranet interface, remote
ones resolve av.contoso.com (the DNS exchange is in the file) and talk to the public interface.

**Network rules the calls obey** (they decide every check result):
- the corporate firewall passes no traffic between internal clients and the outside, and internal
  clients cannot reach the A/V Edge's public interface directly; the public interface cannot reach
  internal addresses (so relay↔host and host↔relay checks between an internal and any other party
  fail);
- contoso's perimeter lets only UDP 3478 and TCP 443 (and SIP to the Access Edge) in to the Edge's
  public addresses — the relay port range is closed inbound, the Lync 2013 minimum — so direct
  packets to someone's relayed address are dropped; two allocations on the same Edge reach each
  other inside the Edge (hair-pin); in call-federation the two Edges' firewalls pass UDP between
  the Edges;
- private addresses of another network are not routed;
- home/hotel NATs: endpoint-independent mapping with address-restricted filtering (an inbound
  packet passes if the mapping has sent to that address), except Frank's router in
  call-inside-outside, which is symmetric (a new mapping per destination, so his srflx address only
  accepts packets from the Edge's port 3478);
- call-early-media-promotion: the VPN to the branch office brings up the security association for
  the two client subnets on demand; packets between them are dropped until 4.45 s.
- call-tcp-relay: the hotel lets only TCP 80/443 out (and DNS to its own resolver).
- call-media-rejected: a host whose socket is closed answers datagrams to it with ICMP port
  unreachable, quoting the IP header and the whole datagram (RFC 1812 4.3.2.3: up to 576 bytes),
  at most a burst of 6 and then one per second per destination (the rate limit is a choice).

**ICE behaviour modelled** (MS-ICE2 = ICE-19 with Microsoft attributes; timer values are choices):
- candidates: host UDP (foundation 1), srflx UDP (5, only when the reflexive address differs from
  the host address), relay UDP (7, raddr = srflx or host), and in call-tcp-relay srflx TCP-ACT (6)
  and relay TCP-PASS / TCP-ACT (8 / 9, one TCP allocation for both components); the UDP-only
  candidate sets of the other calls are a simplification (a real client also gathers TCP);
  call-appsharing-tcp adds an m=applicationsharing line (TCP/RTP/AVP) with its own ICE credentials,
  its own TCP allocation and component 1 only: host TCP-PASS (3) and relay TCP-PASS / TCP-ACT (8 / 9);
  priorities as in the table above; every client gives its relay candidate as the **default
  candidate** (c=, m= port, a=rtcp) — a choice;
- each client allocates one UDP relay per component (two sockets) after a 401 challenge, with its
  MRAS credentials; MS-Version 4 for Lync 2013 (MESSAGE-INTEGRITY HMAC-SHA256, no multiplexing),
  5 for Skype for Business 2015 (HMAC-SHA256, the Allocate response carries
  MULTIPLEXED-TURN-SESSION-ID) — version per client is a choice;
- checks (RFC 5389 format, layout of the real Lync checks in stun-ice-tcp.pcap): USERNAME
  "<receiver ufrag>:<sender ufrag>", PRIORITY (prflx type preference 110), ICE-CONTROLLING (caller)
  / ICE-CONTROLLED (callee) with the tie-breaker, USE-CANDIDATE on nominating checks,
  CANDIDATE-IDENTIFIER (local foundation), IMPLEMENTATION-VERSION 3, MESSAGE-INTEGRITY keyed with
  the receiver's ice-pwd, FINGERPRINT. Responses: XOR-MAPPED-ADDRESS (0x0020) = the source the
  responder saw (after NAT; the sender's relayed address for relayed checks), USERNAME echoed,
  MS-APP-ID 1, IMPLEMENTATION-VERSION 3, MI keyed with the responder's ice-pwd, FINGERPRINT;
- a local srflx candidate is replaced by its base (checks go from the host socket; the valid pair's
  local candidate is the srflx one, matched by XOR-MAPPED-ADDRESS); relay checks go in Send
  Requests to the Edge and arrive as Data Indications (0xFF10 / 0x03 data frames once the
  destination is the active destination);
- ordinary checks every 20 ms, highest pair priority first; component 2 of a foundation starts
  when its component 1 has succeeded; a check is sent at 0, 100, 300, 700 and 1500 ms (new MS-TURN
  transaction for each relayed retransmission, same STUN transaction inside) and fails 800 ms after
  the last; ICE-TCP active checks: SYN at 0 and 1 s, failed at 3 s;
- a request arriving on a pair that is not in progress or valid triggers a check on it; the callee
  starts its checks once the caller has its answer;
- regular nomination: the caller nominates the best valid pair of a component (a new check with
  USE-CANDIDATE) once no higher-priority pair of that component is pending, then stops its
  lower-priority checks; the callee does the same when it sees USE-CANDIDATE;
- media: RTP PT 104 (SILK/16000, SSRC = the a=x-ssrc-range value), 20 ms, 40-byte (SRTP) payloads;
  RTCP SR + SDES on component 2, 0.5 s after the first RTP and every 5 s. Before a nomination
  media goes from the local default candidate to the remote default candidate (early media when
  before the 200 OK), afterwards on the nominated pair; a client sends Set Active Destination for
  the peer before its first relayed media packet; once answered, data to and from that destination
  travels in 0xFF10 frames (MS-Version 5), as the plain datagram with no TURN header on the
  allocation's 5-tuple (MS-Version 4, [MS-TURN] 3.2.4.5: call-relay-active-destination) or in
  0x03 data frames (TCP); Send Requests / Data Indications before that (and throughout in
  call-mid-call-start, whose MS-Version 4 clients keep them);
- the re-INVITE (caller, CSeq 2) lists only the selected local candidates, puts them in c=/m=/
  a=rtcp, and names the selected remote candidates in `a=remote-candidates`; the 200 OK answers
  with the callee's selected candidates.
- SIP: clear text on TCP 5060 (TLS in real deployments); proxies add Via and Record-Route as they
  forward, so the callee's copy of a message has more Vias than the caller's; MRAS credentials are
  fetched at the start of each file (clients normally cache them for 8 hours). Where a section says
  so, a leg sends messages longer than 1460 bytes in MSS-sized TCP segments (the What column
  names each segment; the message's frame is the segment that completes it).

**Reading the expected report.** "check" ids (A1, B3, ...) number each side's STUN transactions in
the order sent; they also appear in the What column. Request and response frames: one group per
transmission separated by `;`, the legs of one transmission joined by `/`. "— (not captured)":
no frame of that transmission/response is in the file. Times are seconds since the first frame.
"""


README_RULES = """\
## Rule trigger captures (rule-*.pcap): things a reader should know

Each rule-* file is a small whole call made with the same engine as the call-* files (same network
rules, ICE behaviour and report format, see above), built so that one troubleshooting rule of the
per-call analyser fires (README.md of the project, "Troubleshooting: what the expert infos mean").
Each section says which `msice.expert.*` finding the file triggers, on which frame and why, and
which other findings are expected in it; every other rule must stay silent. Differences from the
call-* files:
- RTP is sent every 100 ms (not 20 ms) per direction, to keep the files small; RTP timestamps step
  by 1600 (100 ms at 16 kHz) accordingly;
- the fault of each file is a choice made to trigger the rule (an MRAS refusal, a misconfigured
  Edge, an Edge pool with two certificates, a client that nominates its first valid pair, a caller
  that never sends the re-INVITE); the causes named are plausible ones, not observed traffic.
"""


README_DIALOGS = """\
## SIP-dialog scenarios (call-mid-call-start, call-forked, call-register-location): things a reader should know

Whole calls on the engine of the call-* files (same network rules, ICE behaviour, checks and media),
made to show what a per-call analyser must get right about the SIP dialogs around the media
(issue 9 of the project). Differences from the call-* files:
- each section's **Expected per-call report** lists the facts a correct analyser reports and the frames
  of its early media and first SDP, then the connectivity checks that are in the file; the other tables
  of the call-* files are left out;
- call-mid-call-start.pcap starts 0.75 s into the call (its first frame is at 09:00:00.75 UTC): the frame
  table's times are seconds since its first frame, as Wireshark's Time column shows them;
- SIP on the captured connections is split at a 1460-byte MSS (a capture without segmentation offload):
  a longer message takes two or three TCP segments and Wireshark shows it in the last one, whose frame
  number the tables use for the message;
- a SIP connection that no capture point sees (a home user's, through the Access Edge) has no frames:
  its messages appear only as the Front End forwards them to a captured client;
- the REGISTER, 401 (NTLM and Kerberos challenges), SUBSCRIBE and CANCEL messages follow the layout of Lync
  2013 / SfB messages (header set and order as in the INVITEs of these captures); their authentication
  values are random, and carrying ms-endpoint-location-data in REGISTER and SUBSCRIBE is what the field
  captures of the issue show (unconfirmed by a spec).
"""


README_TEAMS = """\
## Teams-style captures without SIP (teams-*.pcap): things a reader should know

Microsoft Teams signals over HTTPS, so a Teams capture holds MS-TURN, connectivity checks and media
but never an SDP. These files are scripted packet by packet (section 6e of the script) after the
real Teams capture teams.pcap: MS-TURN with MS-VERSION 6 and multiplexed TURN (0xFF10) on
Microsoft 365 transport relays (UDP 3478, relayed addresses on 3479-3481), one ICE session per media
type with its own ufrags, checks laid out as Teams sends them (IMPLEMENTATION-VERSION 7, MS-APP-ID
2, no USERNAME in responses, MULTIPLEXED-TURN-SESSION-ID in a check sent through the sender's
relay). Differences from the other files:
- the transport relays have addresses in Microsoft's published Teams range 52.112.0.0/14 (not
  documentation addresses) so that an analyser's relay-range rule has something to recognise;
  they are synthetic hosts, not real servers;
- A's sockets are in Teams' default QoS port ranges (audio 50000-50019, video 50020-50039,
  sharing 50040-50059) and A marks each media type with its DSCP (EF 46, AF41 34, AF21 18);
  B's packets arrive unmarked (the internet does not keep marks);
- every Allocate request carries MS-SERVICE-QUALITY 2/2 (video), as Teams does in teams.pcap,
  whatever the socket's media: it does not tell the media type;
- RTP is thinned (video every 66 ms, sharing every 100 ms) to keep the files small.
Each section ends with the expected per-call report, generated with the frame numbers of the file.
"""


def _md_cell(s):
    return s.replace("|", "\\|")


def readme_text(captures):
    out = [README_HEAD.format(
        turn_creds=_turn_cred_table(), ice_creds=_ice_cred_rows(),
        v6l_user=ICE_V6_LOCAL.user_b64, v6l_pwd=ICE_V6_LOCAL.pwd_b64,
        v6p_user=ICE_V6_PEER.user_b64, v6p_pwd=ICE_V6_PEER.pwd_b64),
        README_SIP.format(prio_table=_prio_table())]
    calls_intro = rules_intro = dialogs_intro = teams_intro = False
    dialogs = {"call-mid-call-start.pcap", "call-forked.pcap", "call-register-location.pcap"}
    for cap in captures:
        is_call = isinstance(cap, CallCapture)
        is_teams = isinstance(cap, TeamsCapture)
        if is_teams and not teams_intro:
            out.append(README_TEAMS)
            teams_intro = True
        if is_call and not calls_intro:
            out.append(README_CALLS)
            calls_intro = True
        if cap.filename.startswith("rule-") and not rules_intro:
            out.append(README_RULES)
            rules_intro = True
        if cap.filename in dialogs and not dialogs_intro:
            out.append(README_DIALOGS)
            dialogs_intro = True
        out.append(f"## {cap.filename} — {cap.title}\n")
        out.append(cap.intro + "\n")
        if is_call or is_teams:
            out.append(f"**Capture point:** {cap.capture_point}.\n")
        if is_call and cap.triggers:
            out.append("**Troubleshooting rules this file triggers** (`tshark -2`, the GUI, or the Problems list of "
                       "`tshark -q -z msice,calls`):\n")
            out += cap.triggers
            out.append("")
        out.append("| host | address | role |\n|---|---|---|")
        for h in cap.hosts:
            out.append(f"| {h.label} | {h.ip} | {h.role} |")
        out.append("")
        out.append("| No. | Time | Direction | What | A decoder must show |\n|---|---|---|---|---|")
        if is_call:
            out += _call_rows(cap)
        elif is_teams:
            out += cap.readme_rows()
        else:
            for i, (t, frame, direction, what, show) in enumerate(cap.frames, 1):
                out.append(f"| {i} | {t / 1e6:.3f} | {direction} | {_md_cell(what)} | {_md_cell(show)} |")
        out.append("")
        if is_call or is_teams:
            out += cap.report
            if cap.report and cap.report[-1] and not cap.report[-1].endswith("\n"):
                out.append("")            # a blank line before the next section
    return "\n".join(out)


def _call_rows(cap):
    """Frame table of a call capture: one row per frame, except that a run of consecutive RTP
    frames becomes one row (frame range, and per kind of frame: count, sender, RTP seq range)."""
    rows, run = [], []

    def flush():
        if not run:
            return
        if len(run) == 1:
            i, (t, _, direction, what, show) = run[0]
            rows.append(f"| {i} | {(t - cap.time_base) / 1e6:.3f} | {direction} | {_md_cell(what)} | {_md_cell(show)} |")
        else:
            kinds = {}
            for i, (t, _, direction, what, show) in run:
                sender, seq = cap.media_frames[i]
                k = kinds.setdefault((what, direction), [0, seq, seq, show])
                k[0] += 1
                k[2] = seq
            first, last = run[0], run[-1]
            desc = "; ".join(f"{n} × `{d}` {_md_cell(w)} (seq {a}–{b})" for (w, d), (n, a, b, _) in kinds.items())
            ssrcs = ", ".join(f"{sd}→ 0x{sc:08x}" for sd, sc in cap.ssrcs)
            tb = cap.time_base
            rows.append(f"| {first[0]}–{last[0]} | {(first[1][0] - tb) / 1e6:.3f}–{(last[1][0] - tb) / 1e6:.3f} | ({len(run)} RTP "
                        f"frames) | {desc} | RTP v2 PT 104, SSRC {ssrcs} |")
        run.clear()
    for i, fr in enumerate(cap.frames, 1):
        if i in cap.media_frames:
            run.append((i, fr))
            continue
        flush()
        t, _, direction, what, show = fr
        rows.append(f"| {i} | {(t - cap.time_base) / 1e6:.3f} | {direction} | {_md_cell(what)} | {_md_cell(show)} |")
    flush()
    return rows


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
