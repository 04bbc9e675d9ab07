# SPDX-License-Identifier: GPL-2.0-or-later
"""SIP text: requests and responses with an exact Content-Length, MIME multipart bodies as Lync
writes them, the random-looking tokens of Lync/SfB messages (branch, GRUU, +sip.instance, tags),
SipParty (a user agent's identity in headers), common header values and the conversation-context
XML body ([MS-SIPRE])."""

import base64


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


FE_SERVER = "RTC/5.0"
LYNC_ALLOW = "INVITE, BYE, ACK, CANCEL, INFO, UPDATE, REFER, NOTIFY, BENOTIFY, OPTIONS"
LOCATION_INTRANET = "NetworkScope;ms-media-location-type=Intranet"
LOCATION_INTERNET = "NetworkScope;ms-media-location-type=Internet"


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
