# SPDX-License-Identifier: GPL-2.0-or-later
"""SDP with ICE candidates (ms-ice-candidates.md): v19 and v6 candidate lines, Microsoft's candidate
priorities (type and local preferences), the candidate set a Lync/SfB client gathers, Teredo
addresses, Lync codec lists, SRTP key lines, whole m= sections and sessions, and the one-line
descriptions of them that the README tables use."""

import base64
import ipaddress
import struct

from .sip import CRLF, rand_token
from .stun import IceV6Candidate, ice_priority


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
        return self.with_cands(c for c in self.cands if c.foundation in foundations)

    def with_cands(self, cands):
        """A copy with the same ice-ufrag / ice-pwd and these candidates."""
        m = IceV19Media.__new__(IceV19Media)
        m.ufrag, m.pwd, m.cands = self.ufrag, self.pwd, list(cands)
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
        pts, maps = lync_codecs(kind, offer)
        lines = [f"m=audio {c1.port} RTP/SAVP {pts}", f"a=x-ssrc-range:{ssrc}-{ssrc}",
                 "a=rtcp-fb:* x-message app send:dsh recv:dsh", "a=rtcp-rsize", "a=label:main-audio",
                 "a=x-source:main-audio"]
    elif kind == "video":
        pts, maps = lync_codecs(kind, offer)
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
    lines += media_tail(kind, keys, offer, c2, maps)
    if kind == "applicationsharing":
        lines += ["a=x-applicationsharing-session-id:1", "a=x-applicationsharing-role:sharer" if offer
                  else "a=x-applicationsharing-role:viewer", "a=x-applicationsharing-media-type:rdp"]
    return lines


def v6_media(kind, cands, keys, offer=True, remote_user=None, codecs=None):
    """m=audio / m=video with ICE v6 candidates (credentials in every line).
    `codecs` = (payload types, rtpmap/fmtp lines) overrides the Lync defaults."""
    c1 = next(c for c in cands if c.component == 1)
    c2 = next((c for c in cands if c.component == 2), None)
    pts, maps = codecs or lync_codecs(kind, offer)
    lines = [f"m={kind} {c1.port} RTP/SAVP {pts}"]
    if kind == "video" and offer:
        lines.append(LYNC_VIDEO_CAPS)
    lines += [c.line() for c in cands]
    if remote_user:
        lines.append(f"a=remote-candidate:{remote_user}")
    lines += media_tail(kind, keys, offer, c2, maps)
    return lines


def lync_codecs(kind, offer):
    """(payload types of the m= line, rtpmap/fmtp lines) of a Lync/SfB audio offer or answer, or of video."""
    if kind == "audio":
        return (LYNC_AUDIO_OFFER_PTS, LYNC_AUDIO_OFFER_MAPS) if offer else (LYNC_AUDIO_ANSWER_PTS, LYNC_AUDIO_ANSWER_MAPS)
    return LYNC_VIDEO_PTS, LYNC_VIDEO_MAPS


def media_tail(kind, keys, offer, c2, maps):
    """The lines after the candidates of an audio/video m-line, v19 and v6 alike: SRTP keys, maxptime, a=rtcp
    (component 2's port), codec maps, ptime."""
    lines = keys.offer_lines() if offer else keys.answer_lines()
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


def ms_v6_candidates(rng, host, host_ports, relay, relay_udp_ports, relay_tcp_port):
    """ICE v6 candidates of one m-line: host UDP (q 0.830), relay UDP on the Edge (q 0.410),
    relay TCP on the Edge (q 0.150); RTP and RTCP of one address share username/password."""
    h, ru, rt = IceV6Candidate(rng), IceV6Candidate(rng), IceV6Candidate(rng)
    return [V6Candidate(h, 1, "UDP", 830, host, host_ports[0]), V6Candidate(h, 2, "UDP", 830, host, host_ports[1]),
            V6Candidate(ru, 1, "UDP", 410, relay, relay_udp_ports[0]),
            V6Candidate(ru, 2, "UDP", 410, relay, relay_udp_ports[1]),
            V6Candidate(rt, 1, "TCP", 150, relay, relay_tcp_port), V6Candidate(rt, 2, "TCP", 150, relay, relay_tcp_port)]


OC2007_AUDIO_ANSWER_PTS = "114 111 0 8 101"
OC2007_AUDIO_ANSWER_MAPS = [
    "a=rtpmap:114 x-msrta/16000", "a=fmtp:114 bitrate=29000", "a=rtpmap:111 SIREN/16000",
    "a=fmtp:111 bitrate=16000", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16"]
