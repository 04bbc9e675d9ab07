# SPDX-License-Identifier: GPL-2.0-or-later
"""STUN-family messages: MS-TURN (ms-turn.md), RFC 5389 checks (MS-ICE2) and MS-ICE v6 checks.

Message formats (legacy MS-TURN / RFC 3489 with unpadded attributes and MESSAGE-INTEGRITY, RFC 5389
with padding, MESSAGE-INTEGRITY and FINGERPRINT), the MS-TURN TCP framing header and the 0xFF10
multiplexed frame, the attribute and message type numbers, one small function per attribute
(each returns (type, value)), MRAS-style long-term credentials, ICE short-term credentials, and the
connectivity checks in the three layouts the captures use: Teams (ice2_check_*, teams_check*),
Lync 2013 / SfB (sfb_check_*) and MS-ICE v6 usernames."""

import base64
import hashlib
import hmac
import ipaddress
import random
import struct
import zlib


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
AT_SOFTWARE = 0x8022                    # RFC 5389 SOFTWARE; the Edge sends its version string in it (meaning unconfirmed)
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
    return (AT_SOFTWARE, EDGE_SOFTWARE)


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


def make_credentials(seed, ms_ver):
    """MRAS-style credentials: a 56-byte binary username (same shape as the
    real Teams one: 02 00 00 24, 32 bytes, 4 zero bytes, 16 bytes) and a
    20-byte password, both handed out base64-encoded."""
    rng = random.Random(seed)
    user = b"\x02\x00\x00\x24" + rng.randbytes(32) + b"\0" * 4 + rng.randbytes(16)
    pwd = rng.randbytes(20)
    return TurnCredentials(base64.b64encode(user).decode(), base64.b64encode(pwd).decode(),
                           REALM_RTCMEDIA, ms_ver)


class IceAgent:
    """MS-ICE2 credentials of one party (ice-ufrag / ice-pwd from its SDP)."""

    def __init__(self, ufrag, pwd, tiebreaker):
        self.ufrag, self.pwd, self.tiebreaker = ufrag, pwd, tiebreaker


class IceV6Candidate:
    """[MS-ICE] v6 candidate credentials: 32-byte username and 16-byte password,
    base64 without '=' padding in the SDP candidate line (ms-ice-candidates.md §2)."""

    def __init__(self, rng):
        self.user = rng.randbytes(32)
        self.pwd = rng.randbytes(16)
        self.user_b64 = base64.b64encode(self.user).decode().rstrip("=")
        self.pwd_b64 = base64.b64encode(self.pwd).decode().rstrip("=")


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


AT_MS_APP_ID = 0x8037                    # seen in Lync check responses (cap2), value 1


SFB_ICE_VERSION = 3                       # IMPLEMENTATION-VERSION of Lync 2013 / SfB checks (cap2)


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


TEAMS_ICE_VERSION = 7                     # IMPLEMENTATION-VERSION of Teams checks (teams.pcap)
TEAMS_APP_ID = 2                          # MS-APP-ID of Teams checks and Allocates (teams.pcap)


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
