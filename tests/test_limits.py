# SPDX-License-Identifier: GPL-2.0-or-later
"""Limits that say so (issue 14), with captures generated in a temporary folder.

- The call model's cap on calls: the -z msice,calls report says how many calls it followed of how many,
  and at which frame the cap was reached; an expert info sits on that frame. Once with the real cap
  (200,000 calls, 100,000 followed) and once with the msice.max_calls preference lowered (300 calls,
  100 followed), which also checks the frame of the expert info in one and two passes.
- Expert infos per packet: an SDP with 10,000 malformed candidate lines (SIP over TCP, reassembled from
  425 segments) used to overflow tshark's tap queue under -z expert ("Too many taps queued" 5,006 times);
  now 20 of each kind are listed and one "N more" item per kind says how many were not, and stderr is clean.
- The JSON report (-z msice,json) lists the same caps under "limits" (kind, kept, seen, frame), an empty
  list when none was reached; a cap other than calls (the forks of one INVITE) in the header, the JSON and
  an expert info. The other caps (dialogs, SIP URIs, location changes, path changes, unclaimed flows, ICMP
  rejections, Set Active Destinations, ...) are reached in tests/unit/test_icecall.c (/icecall/limit/tables),
  where a crafted model reaches them without a huge capture.
"""
import json
import re
import struct

import pytest

ETH = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
MORE = "msice.expert.more"
LIMIT = "msice.expert.limit_reached"


def _csum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def write_calls(path, calls, answers):
    """SIP over UDP, one INVITE per call (caller 10.2.x.y to the proxy 10.1.0.1) and, with @answers, its
    200 OK right after; each SDP holds one ICE media line with port 0 and one host candidate (an SDP
    without an ICE media line makes no call; port 0 keeps Wireshark's SDP from setting up RTP
    conversations, so the 200,000-call capture stays small). Written with struct: scapy would take
    minutes."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        frame = 0
        for c in range(calls):
            caller = bytes((10, 2, c >> 16 & 255, c >> 8 & 255))
            for first, src, dst in (("INVITE sip:b%d@contoso.com SIP/2.0" % c, caller, b"\x0a\x01\x00\x01"),
                                    ("SIP/2.0 200 OK", b"\x0a\x01\x00\x01", caller))[:2 if answers else 1]:
                body = ("v=0\r\no=- 0 0 IN IP4 10.2.0.1\r\ns=-\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n"
                        "a=ice-ufrag:u%06x%s\r\na=candidate:1 1 UDP 2130706431 10.%d.%d.%d 5000 typ host\r\n"
                        % (c, first[0], 2 if first[0] == "I" else 3, c >> 8 & 255, c & 255))
                msg = ("%s\r\nVia: SIP/2.0/UDP 10.2.0.1\r\nFrom: <sip:a%d@contoso.com>;tag=1\r\n"
                       "To: <sip:b%d@contoso.com>\r\nCall-ID: limit-%06d\r\nCSeq: 1 INVITE\r\n"
                       "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s"
                       % (first, c, c, c, len(body), body)).encode()
                udp = struct.pack("!HHHH", 5060, 5060, 8 + len(msg), 0) + msg   # no UDP checksum
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), frame & 0xFFFF, 0, 64, 17, 0, src, dst)
                ip = ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:]
                data = ETH + ip + udp
                f.write(struct.pack("<IIII", 1768467600 + frame // 1000, (frame % 1000) * 1000, len(data), len(data)))
                f.write(data)
                frame += 1


def expert_sections(text):
    """{"Errors": [(frequency, group, protocol, summary)], ...} of tshark -z expert."""
    out, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^(Errors|Warns|Notes|Chats|Comments) \((\d+)\)$", line)
        if m:
            cur = out.setdefault(m.group(1), [])
            continue
        m = re.match(r"^\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$", line)
        if cur is not None and m and m.group(1) != "Frequency":
            cur.append((int(m.group(1)), m.group(2), m.group(3), m.group(4)))
    return out


def report_call_ids(text):
    return re.findall(r"^Call-ID: (\S+)$", text, re.M)


# ---------------------------------------------------------------- the cap on calls

def test_calls_cap_200000(tshark, tmp_path):
    """200,000 calls, the compiled cap of 100,000: the report's header says how many were dropped (issue 14)."""
    pcap = tmp_path / "calls-200000.pcap"
    write_calls(pcap, 200000, answers=False)
    res = tshark.run(["-n", "-q", "-r", tshark.capture(pcap), "-z", "msice,calls", "-z", "expert"])
    assert res.stderr == ""
    out = res.stdout
    assert ("===================================================================\n"
            "MS ICE calls: which path the media took\n"
            "===================================================================\n"
            "Limits reached: what is past a cap is not followed and not in this report\n"
            "  100,000 of 200,000 calls followed: cap reached at frame 100001\n\n"
            "Call-ID: limit-000000\n") in out
    ids = report_call_ids(out)
    assert len(ids) == 100000
    assert ids[-1] == "limit-099999"
    warns = expert_sections(out)["Warns"]
    assert (1, "Undecoded", "MSICE", "Limit reached: 100000 calls; from this frame on, more are not followed "
            "(-z msice,calls says how many)") in warns


@pytest.mark.parametrize("two_pass", [False, True], ids=["one-pass", "two-pass"])
def test_calls_cap_preference(tshark, tmp_path, two_pass):
    """msice.max_calls lowers the cap: 300 calls (INVITE and 200 OK each), 100 followed; the 200 OKs of the
    refused calls do not count them twice; the expert info is on the first refused INVITE (frame 201)."""
    pcap = tmp_path / "calls-300.pcap"
    write_calls(pcap, 300, answers=True)
    args = ["-n", "-r", tshark.capture(pcap), "-o", "msice.max_calls:100"] + (["-2"] if two_pass else [])
    out = tshark.run(args + ["-q", "-z", "msice,calls"]).stdout
    assert "Limits reached: what is past a cap is not followed and not in this report\n" \
           "  100 of 300 calls followed: cap reached at frame 201\n\n" in out
    assert report_call_ids(out) == ["limit-%06d" % c for c in range(100)]
    rows = tshark.fields(pcap, ["frame.number", "_ws.expert.message"], dfilter=LIMIT, two_pass=two_pass,
                         extra=["-o", "msice.max_calls:100"])
    assert rows == [{"frame.number": "201", "_ws.expert.message":
                     "Limit reached: 100 calls; from this frame on, more are not followed "
                     "(-z msice,calls says how many)"}]


def json_report(tshark, pcap, extra=()):
    return json.loads(tshark.run(["-n", "-q", "-r", tshark.capture(pcap), *extra, "-z", "msice,json"]).stdout)


def test_calls_cap_json(tshark, tmp_path):
    """The JSON report says what the header says: 100 of 300 calls, cap reached at frame 201."""
    pcap = tmp_path / "calls-300.pcap"
    write_calls(pcap, 300, answers=True)
    doc = json_report(tshark, pcap, ["-o", "msice.max_calls:100"])
    assert doc["schema_version"] == "1.1"
    assert doc["limits"] == [{"kind": "calls", "items": "calls", "scope": None, "cap": 100, "kept": 100,
                              "seen": 300, "refused": 200, "at_least": False, "frame": 201,
                              "text": "100 of 300 calls followed: cap reached at frame 201"}]
    assert len(doc["calls"]) == 100


def test_calls_cap_not_reached(tshark, tmp_path):
    pcap = tmp_path / "calls-100.pcap"
    write_calls(pcap, 100, answers=True)
    out = tshark.run(["-n", "-q", "-r", tshark.capture(pcap), "-o", "msice.max_calls:100", "-z", "msice,calls"]).stdout
    assert "Limits reached" not in out
    assert json_report(tshark, pcap, ["-o", "msice.max_calls:100"])["limits"] == []
    assert len(report_call_ids(out)) == 100
    assert tshark.fields(pcap, ["frame.number"], dfilter=LIMIT, extra=["-o", "msice.max_calls:100"]) == []


# ---------------------------------------------------------------- a cap per call: forks of one INVITE

def write_forked_invite(path, n_forks):
    """One INVITE (caller 10.2.0.1 to the proxy 10.1.0.1) forked to @n_forks endpoints: each answers with
    a 183 Session Progress of its own To-tag and SDP (host 10.3.0.<fork>), in frames 2 .. n_forks + 1."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        caller, proxy = b"\x0a\x02\x00\x01", b"\x0a\x01\x00\x01"
        msgs = [("INVITE sip:bob@contoso.com SIP/2.0", "", caller, proxy, "10.2.0.1", "Alice1")]
        msgs += [("SIP/2.0 183 Session Progress", ";tag=fork%d" % i, proxy, caller, "10.3.0.%d" % (i + 1),
                  "Bfork%d" % i) for i in range(n_forks)]
        for frame, (first, to_tag, src, dst, host, ufrag) in enumerate(msgs):
            body = ("v=0\r\no=- 0 0 IN IP4 %s\r\ns=-\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n"
                    "a=ice-ufrag:%s\r\na=candidate:1 1 UDP 2130706431 %s 5000 typ host\r\n" % (host, ufrag, host))
            msg = ("%s\r\nVia: SIP/2.0/UDP 10.2.0.1\r\nFrom: <sip:alice@contoso.com>;tag=1\r\n"
                   "To: <sip:bob@contoso.com>%s\r\nCall-ID: forked-1\r\nCSeq: 1 INVITE\r\n"
                   "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s"
                   % (first, to_tag, len(body), body)).encode()
            udp = struct.pack("!HHHH", 5060, 5060, 8 + len(msg), 0) + msg
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), frame, 0, 64, 17, 0, src, dst)
            ip = ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:]
            data = ETH + ip + udp
            f.write(struct.pack("<IIII", 1768467600, frame * 1000, len(data), len(data)))
            f.write(data)


def test_forks_cap(tshark, tmp_path):
    """An INVITE forked to 11 endpoints: 8 forks followed, the 9th (frame 10) and the next two refused; the
    header, the JSON and an expert info on frame 10 say so, and the call says it has more forks."""
    pcap = tmp_path / "forks-11.pcap"
    write_forked_invite(pcap, 11)
    out = tshark.run(["-n", "-q", "-r", tshark.capture(pcap), "-z", "msice,calls"]).stdout
    assert ("===================================================================\n"
            "Limits reached: what is past a cap is not followed and not in this report\n"
            "  3 early dialogs (forks) not followed (cap: 8 per call), first at frame 10\n\n"
            "Call-ID: forked-1\n") in out
    assert "(more forks of the INVITE than followed)" in out
    doc = json_report(tshark, pcap)
    assert doc["limits"] == [{"kind": "forks", "items": "early dialogs (forks)", "scope": "per call", "cap": 8,
                              "kept": None, "seen": None, "refused": 3, "at_least": False, "frame": 10,
                              "text": "3 early dialogs (forks) not followed (cap: 8 per call), first at frame 10"}]
    rows = tshark.fields(pcap, ["frame.number", "_ws.expert.message"], dfilter=LIMIT)
    assert rows == [{"frame.number": "10", "_ws.expert.message":
                     "Limit reached: 8 early dialogs (forks) per call; from this frame on, more are not followed "
                     "(-z msice,calls says how many)"}]


# ---------------------------------------------------------------- expert infos per packet

def sip_over_tcp(path, body, segment=1400):
    """One INVITE carrying @body over TCP (handshake, then @segment-byte segments): Wireshark reassembles it."""
    from scapy.all import IP, TCP, Ether, wrpcap
    msg = ("INVITE sip:bob@contoso.com SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1:50000;branch=z9hG4bK1\r\n"
           "From: <sip:alice@contoso.com>;tag=1\r\nTo: <sip:bob@contoso.com>\r\nCall-ID: flood@contoso.com\r\n"
           "CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n" % len(body) + body).encode()
    a, b = dict(src="10.0.0.1", dst="10.0.0.2"), dict(src="10.0.0.2", dst="10.0.0.1")
    pkts = [Ether() / IP(**a) / TCP(sport=50000, dport=5060, flags="S", seq=999),
            Ether() / IP(**b) / TCP(sport=5060, dport=50000, flags="SA", seq=5000, ack=1000),
            Ether() / IP(**a) / TCP(sport=50000, dport=5060, flags="A", seq=1000, ack=5001)]
    for off in range(0, len(msg), segment):
        pkts.append(Ether() / IP(**a) / TCP(sport=50000, dport=5060, flags="PA", seq=1000 + off, ack=5001)
                    / msg[off:off + segment])
    wrpcap(str(path), pkts)
    return len(pkts)


SDP_HEAD = ("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
            "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n")
PRIO = "2130706431"   # type 126, local 65535, component 1: no priority note


def flood_line(i):
    """Four kinds of malformed candidate line in turn, one problem each; addresses all different."""
    addr = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
    return ["a=candidate:%d 1 UDP x%d %s 5000 typ host" % (i, i, addr),          # msice.expert.bad_priority
            "a=candidate:%d 1 UDP %s %s 99999 typ host" % (i, PRIO, addr),       # msice.expert.bad_port
            "a=candidate:%d x UDP %s %s 5000 typ host" % (i, PRIO, addr),        # msice.expert.bad_component
            "a=candidate:%d 1 UDP %s %s 5000 typ bogus" % (i, PRIO, addr)][i % 4]  # msice.expert.bad_type


FLOOD_KINDS = [
    ("priority is not a 32-bit decimal number", "Candidate priority is not a 32-bit number", "msice.expert.bad_priority"),
    ("candidate port is not 0-65535", None, "msice.expert.bad_port"),
    ("component id is not a number 1-256", None, "msice.expert.bad_component"),
    ('"typ" missing or candidate type is not host/srflx/prflx/relay', None, "msice.expert.bad_type"),
]


@pytest.mark.parametrize("two_pass", [False, True], ids=["one-pass", "two-pass"])
def test_sdp_10000_malformed_lines(tshark, tmp_path, two_pass):
    pcap = tmp_path / "sdp-flood.pcap"
    body = SDP_HEAD + "".join(flood_line(i) + "\r\n" for i in range(10000))
    n_frames = sip_over_tcp(pcap, body)
    res = tshark.run(["-n", "-q", "-r", tshark.capture(pcap), "-z", "expert"] + (["-2"] if two_pass else []))
    assert "Too many taps queued" not in res.stderr
    assert res.stderr == ""
    ex = expert_sections(res.stdout)
    # 20 of each kind, each its own line (the message quotes the line).
    errors = [e for e in ex["Errors"] if e[2] == "MSICE"]
    assert len(errors) == 80
    for text, _, _ in FLOOD_KINDS:
        listed = [e for e in errors if e[3].startswith(text + ": a=candidate:")]
        assert len(listed) == 20, text
    # The first 20 lines of a kind are the ones listed: kind 0 is lines 0, 4, ... 76.
    assert (1, "Malformed", "MSICE", "priority is not a 32-bit decimal number: a=candidate:76 1 UDP x76 "
            "10.0.0.76 5000 typ host") in errors
    assert not [e for e in errors if "a=candidate:80 " in e[3]]
    # One "N more" per kind, and the model's candidate cap at the frame of the reassembled body.
    notes = [e[3] for e in ex["Notes"] if e[2] == "MSICE"]
    more = sorted(n for n in notes if " more " in n)
    assert len(more) == 4
    assert ('2480 more "Candidate priority is not a 32-bit number" (msice.expert.bad_priority) in this packet not '
            'listed: the first 20 are') in more
    for _, _, abbrev in FLOOD_KINDS:
        assert len([m for m in more if m.startswith("2480 more ") and "(%s)" % abbrev in m]) == 1, abbrev
    assert (1, "Undecoded", "MSICE", "Limit reached: 64 candidates per side and media line; from this frame on, "
            "more are not followed (-z msice,calls says how many)") in ex["Warns"]
    # Three kinds reach the model (a bad port gives no candidate): 7,500 candidates, 64 kept.
    report = tshark.run(["-n", "-q", "-r", tshark.capture(pcap), "-z", "msice,calls"]).stdout
    assert ("Limits reached: what is past a cap is not followed and not in this report\n"
            "  7,436 candidates not followed (cap: 64 per side and media line), first at frame %d\n" % n_frames
            ) in report
    # Per 4 lines the model gets a host (bad priority), a host (bad component) and one of unknown type.
    assert "    A candidates: 43 host (43 UDP), 21 unknown (21 UDP)\n" in report
    assert "    (more than 64 candidates of A: the rest are not followed)\n" in report


def test_expert_cap_per_packet(tshark, tmp_path):
    """Eleven kinds, 25 lines each, in one UDP datagram: 200 expert infos in all are listed (18 or 19 of each
    kind, in line order), the other 75 are counted in one "N more" item per kind."""
    from scapy.all import IP, UDP, Ether, wrpcap
    kinds = ["a=candidate:{i} 1 UDP x{i} 10.1.0.{j} 5000 typ host",
             "a=candidate:{i} 1 UDP %s 10.2.0.{j} 99999 typ host" % PRIO,
             "a=candidate:{i} 1 UDP %s 10.3.{j}.300 5000 typ host" % PRIO,
             "a=candidate:{i} x UDP %s 10.4.0.{j} 5000 typ host" % PRIO,
             "a=candidate:{i} 1 XYZ %s 10.5.0.{j} 5000 typ host" % PRIO,
             "a=candidate:{i} 1 UDP %s 10.6.0.{j} 5000 typ bogus" % PRIO,
             "a=candidate:{i} 1 UDP",
             "a=candidate:!{i} 1 UDP %s 10.8.0.{j} 5000 typ host" % PRIO,
             "a=candidate:{i} 1 UDP %s 10.9.0.{j} 5000 typ srflx raddr 1.2.3.999 rport 5" % PRIO,
             "a=candidate:{i} 1 UDP %s 10.10.0.{j} 5000 typ srflx raddr 1.2.3.4 rport 99999" % PRIO,
             "a=candidate:{i} 1 UDP %s 10.11.0.{j} 5000 typ host a b c d e f g h i j k l m n o p q r s t" % PRIO]
    body = SDP_HEAD + "".join(k.format(i=i, j=i + 1) + "\r\n" for i in range(25) for k in kinds)
    msg = ("INVITE sip:bob@contoso.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1\r\nFrom: <sip:a@contoso.com>;tag=1\r\n"
           "To: <sip:b@contoso.com>\r\nCall-ID: kinds\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"
           "Content-Length: %d\r\n\r\n" % len(body) + body).encode()
    pcap = tmp_path / "kinds.pcap"
    wrpcap(str(pcap), [Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=5060, dport=5060) / msg])
    rows = tshark.fields(pcap, ["_ws.expert.message"])
    msgs = rows[0]["_ws.expert.message"]
    problems = [m for m in msgs if ": a=candidate:" in m]
    more = [m for m in msgs if re.match(r"^\d+ more ", m)]
    assert len(problems) == 200
    assert len(more) == 11
    held = [int(re.match(r"^(\d+) more .* the first (\d+) are$", m).group(1)) for m in more]
    first = [int(re.match(r"^(\d+) more .* the first (\d+) are$", m).group(2)) for m in more]
    assert sum(held) == 75
    assert sorted(first) == [18] * 9 + [19] * 2
    assert all(h + f == 25 for h, f in zip(held, first))
