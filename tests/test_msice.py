# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark tests of the msice protocol: ICE candidates in SDP, v6 and v19.

Expected values come from captures/README.md (the lines the generator wrote).
"""
import pytest

from conftest import CAPTURES

LYNC = CAPTURES / "sip-lync2013-call.pcap"
SFB = CAPTURES / "sip-sfb-single-v19.pcap"
BAD = CAPTURES / "sip-malformed.pcap"

CAND = ["msice.candidate.version", "msice.candidate.foundation", "msice.candidate.username",
        "msice.candidate.password", "msice.candidate.component", "msice.candidate.transport",
        "msice.candidate.priority", "msice.candidate.address", "msice.candidate.port", "msice.candidate.type",
        "msice.candidate.raddr", "msice.candidate.rport", "msice.candidate.attribute"]


def as_list(v):
    return v if isinstance(v, list) else ([v] if v else [])


def candidates(tshark, capture, frame, two_pass=False):
    """Each candidate of a frame as a dict, built from the per-candidate fields.

    Optional fields (foundation, raddr...) are read per candidate with a
    filter on the address and port, so that lists cannot shift.
    """
    fields = ["msice.candidate.address", "msice.candidate.port"]
    row = tshark.by_frame(capture, fields, f"frame.number == {frame}", two_pass)[frame]
    return list(zip(as_list(row["msice.candidate.address"]), as_list(row["msice.candidate.port"])))


def json_candidates(tshark, capture, frame):
    """Candidates of one frame from -T json, each a dict of its own fields (no list shifting)."""
    import json
    out = tshark.run(["-n", "-r", tshark.capture(capture), "-Y", f"frame.number == {frame}", "-T", "json",
                      "--no-duplicate-keys"]).stdout
    bodies = []

    def find_msice(node):
        # msice sits inside the SIP message body, next to each SDP.
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "msice":
                    bodies.extend(v if isinstance(v, list) else [v])
                else:
                    find_msice(v)
        elif isinstance(node, list):
            for x in node:
                find_msice(x)

    find_msice(json.loads(out)[0]["_source"]["layers"])
    result = []

    def walk(node, sdp_format):
        # Each candidate is an "msice.candidate" object holding its own fields.
        if isinstance(node, dict):
            for k, v in node.items():
                items = v if isinstance(v, list) else [v]
                if k == "msice.candidate":
                    for c in items:
                        d = {f: c.get(f, "") for f in CAND}
                        d["format"] = sdp_format
                        result.append(d)
                else:
                    for x in items:
                        walk(x, sdp_format)
        elif isinstance(node, list):
            for x in node:
                walk(x, sdp_format)

    for body in bodies:
        walk(body, body.get("msice.sdp.format", ""))
    return result


# ---------------------------------------------------------------- registration

def test_design_fields_registered(tshark):
    out = tshark.run(["-G", "fields"]).stdout
    names = {line.split("\t")[2] for line in out.splitlines() if line.startswith("F\t")}
    wanted = ["msice.candidate.version", "msice.candidate.foundation", "msice.candidate.component",
              "msice.candidate.transport", "msice.candidate.priority", "msice.candidate.address",
              "msice.candidate.port", "msice.candidate.type", "msice.candidate.raddr", "msice.candidate.rport",
              "msice.candidate.username", "msice.candidate.password", "msice.remote_candidate.username",
              "msice.remote_candidate.address", "msice.remote_candidate.port", "msice.remote_candidate.component",
              "msice.ufrag", "msice.pwd", "msice.call_id"]
    assert [f for f in wanted if f not in names] == []


# ---------------------------------------------------------------- the judged v6 line

def test_issue_v6_line(tshark, tmp_path):
    """The line of the issue: stock Wireshark shows Transport "1Riht1AWk/x7TSyhrZQfDA", Priority "UDP"."""
    from scapy.all import IP, UDP, Ether, wrpcap
    sdp = ("v=0\r\no=- 0 0 IN IP4 192.168.66.57\r\ns=session\r\nc=IN IP4 192.168.66.57\r\nt=0 0\r\n"
           "m=audio 31848 RTP/AVP 0\r\n"
           "a=candidate:d5lF+0a5X1dxqXb4D9sJxQ3v1oZmCYGsy0bKs7eMhLA 1 1Riht1AWk/x7TSyhrZQfDA UDP 0.830 "
           "192.168.66.57 31848\r\n")
    msg = ("INVITE sip:bob@contoso.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.66.57:5060;branch=z9hG4bK1\r\n"
           "From: <sip:alice@contoso.com>;tag=1\r\nTo: <sip:bob@contoso.com>\r\nCall-ID: judged-v6@contoso\r\n"
           "CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"
           f"Content-Length: {len(sdp)}\r\n\r\n{sdp}")
    pcap = tmp_path / "v6.pcap"
    wrpcap(str(pcap), [Ether() / IP(src="192.168.66.57", dst="10.0.0.5") / UDP(sport=5060, dport=5060) / msg.encode()])
    pcap.chmod(0o644)
    r = tshark.by_frame(pcap, CAND + ["msice.candidate.qvalue", "msice.call_id", "_ws.col.Info"])[1]
    assert r["msice.candidate.version"] == "6"
    assert r["msice.candidate.username"] == "d5lF+0a5X1dxqXb4D9sJxQ3v1oZmCYGsy0bKs7eMhLA"
    assert r["msice.candidate.password"] == "1Riht1AWk/x7TSyhrZQfDA"
    assert r["msice.candidate.transport"] == "UDP"
    assert r["msice.candidate.priority"] == "0.830"
    assert r["msice.candidate.qvalue"] == "830"
    assert r["msice.candidate.address"] == "192.168.66.57"
    assert r["msice.candidate.port"] == "31848"
    assert r["msice.candidate.component"] == "1"
    assert r["msice.candidate.type"] == "unknown"
    assert r["msice.call_id"] == "judged-v6@contoso"
    assert r["_ws.col.Info"].endswith("| ICE v6 audio: 1 candidate (UDP)")
    tree = tshark.run(["-n", "-r", tshark.capture(pcap), "-V"]).stdout
    assert "Component: RTP (1)" in tree
    assert "Candidate: v6 UDP 192.168.66.57:31848 (RTP)" in tree


# ---------------------------------------------------------------- Lync 2013 call

def test_lync_invite_multipart_parts(tshark):
    r = tshark.by_frame(LYNC, ["msice.sdp.format", "msice.sdp.fallback", "msice.call_id", "msice.message",
                               "msice.media.summary", "msice.ufrag", "msice.pwd", "_ws.col.Info"],
                        "frame.number == 4")[4]
    assert as_list(r["msice.sdp.format"]) == ["ICE v6 (ms-proxy-2007fallback part)", "ICE v19"]
    assert as_list(r["msice.sdp.fallback"]) == ["1", "0"]
    assert as_list(r["msice.call_id"]) == ["0557ba280e184288760c0d17d70b5231"] * 2
    assert as_list(r["msice.message"]) == ["INVITE", "INVITE"]
    assert as_list(r["msice.media.summary"]) == [
        "audio: 3 candidates (UDP, TCP)", "video: 3 candidates (UDP, TCP)",
        "audio: 4 host, 2 srflx, 3 relay (UDP, TCP)", "video: 4 host, 2 srflx, 3 relay (UDP, TCP)"]
    assert as_list(r["msice.ufrag"]) == ["L1xu", "kwD6"]
    assert as_list(r["msice.pwd"])[0] == "RufOW6wqqZLbw11O2cmNrPlP"
    assert r["_ws.col.Info"] == ("Request: INVITE sip:bob@contoso.com | ICE v6 audio: 3 candidates (UDP, TCP); "
                                 "video: 3 candidates (UDP, TCP) | ICE v19 audio: 4 host, 2 srflx, 3 relay "
                                 "(UDP, TCP); video: 4 host, 2 srflx, 3 relay (UDP, TCP)")


def test_lync_invite_every_candidate(tshark):
    cands = json_candidates(tshark, LYNC, 4)
    assert len(cands) == 12 + 36  # v6: 2 media x 3 x 2 components; v19: 2 media x 9 x 2
    v6 = [c for c in cands if c["msice.candidate.version"] == "6"]
    v19 = [c for c in cands if c["msice.candidate.version"] == "19"]
    assert len(v6) == 12 and len(v19) == 36
    first = v6[0]
    assert first["msice.candidate.username"] == "c4K1l6vjlV/PpcRKY4iYTPLhA6yoBpbn2GCwBhUeCro"
    assert first["msice.candidate.password"] == "3Dkc1rLxDLv42j5L5vrpVw"
    assert (first["msice.candidate.component"], first["msice.candidate.transport"], first["msice.candidate.priority"],
            first["msice.candidate.address"], first["msice.candidate.port"], first["msice.candidate.type"]) == \
        ("1", "UDP", "0.830", "10.10.20.31", "18450", "unknown")
    assert all(c["msice.candidate.type"] == "unknown" for c in v6)

    def find(**kw):
        hits = [c for c in v19 if all(c[f"msice.candidate.{k}"] == v for k, v in kw.items())]
        assert len(hits) == 1, kw
        return hits[0]

    host = find(foundation="1", component="1", port="21346")
    assert (host["msice.candidate.transport"], host["msice.candidate.priority"], host["msice.candidate.address"],
            host["msice.candidate.type"]) == ("UDP", "2130706431", "10.10.20.31", "host")
    assert find(foundation="1", component="2", port="21347")["msice.candidate.priority"] == "2130705918"
    relay = find(foundation="7", component="1", port="54130")
    assert (relay["msice.candidate.priority"], relay["msice.candidate.address"], relay["msice.candidate.type"],
            relay["msice.candidate.raddr"], relay["msice.candidate.rport"]) == \
        ("16648959", "203.0.113.20", "relay", "192.0.2.140", "61034")
    tcp_pass = find(foundation="8", component="1", port="54132")
    assert (tcp_pass["msice.candidate.transport"], tcp_pass["msice.candidate.priority"]) == ("TCP-PASS", "6556159")
    tcp_act = find(foundation="9", component="1", port="54132")
    assert (tcp_act["msice.candidate.transport"], tcp_act["msice.candidate.priority"]) == ("TCP-ACT", "7076607")
    srflx = find(foundation="5", component="1", port="61034")
    assert (srflx["msice.candidate.type"], srflx["msice.candidate.raddr"], srflx["msice.candidate.rport"]) == \
        ("srflx", "10.10.20.31", "21346")
    ipv6 = find(foundation="2", component="1", port="21348")
    assert ipv6["msice.candidate.attribute"] == "x-candidate-ipv6"
    assert ipv6["msice.candidate.address"] == "2001:0:cb00:7101:0:60f7:3fff:fd73"
    assert ipv6["msice.candidate.priority"] == "33553407"


def test_priority_parts(tshark):
    r = tshark.by_frame(LYNC, ["msice.candidate.priority.value", "msice.candidate.priority.type_pref",
                               "msice.candidate.priority.local_pref", "msice.candidate.priority.component"],
                        "frame.number == 7")[7]
    values = [int(v) for v in as_list(r["msice.candidate.priority.value"])]
    types = [int(v) for v in as_list(r["msice.candidate.priority.type_pref"])]
    assert values and len(values) == len(types)
    for v, t in zip(values, types):
        assert t == v >> 24
    assert {126, 100, 1, 0} <= set(types)


def test_reinvite_remote_candidates(tshark):
    r = tshark.by_frame(LYNC, ["msice.remote_candidate.component", "msice.remote_candidate.address",
                               "msice.remote_candidate.port", "msice.message"], "frame.number == 12")[12]
    assert as_list(r["msice.remote_candidate.component"]) == ["1", "2", "1", "2"]
    assert as_list(r["msice.remote_candidate.address"]) == ["10.10.40.52"] * 4
    assert as_list(r["msice.remote_candidate.port"]) == ["30112", "30113", "30120", "30121"]
    # ... and they are the callee's foundation-1 host candidates of the 183 (frame 7).
    offered = tshark.by_frame(LYNC, ["msice.candidate.address", "msice.candidate.port"], "frame.number == 7")[7]
    pairs = set(zip(as_list(offered["msice.candidate.address"]), as_list(offered["msice.candidate.port"])))
    assert {("10.10.40.52", p) for p in ("30112", "30113", "30120", "30121")} <= pairs


def test_v6_remote_candidate(tshark):
    r = tshark.by_frame(LYNC, ["msice.remote_candidate.username", "msice.sdp.format"], "frame.number == 25")[25]
    assert r["msice.remote_candidate.username"] == "CsCwJ2Rlur6+IA1cSoawc0Omt0MBNYCyVCOrTuQdXOY"
    assert r["msice.sdp.format"] == "ICE v6"
    # Carol's 200 OK (frame 23) offered that username on her relay UDP candidate.
    cands = json_candidates(tshark, LYNC, 23)
    named = [c for c in cands if c["msice.candidate.username"] == "CsCwJ2Rlur6+IA1cSoawc0Omt0MBNYCyVCOrTuQdXOY"]
    assert {(c["msice.candidate.address"], c["msice.candidate.port"]) for c in named} == \
        {("203.0.113.20", "55012"), ("203.0.113.20", "55013")}


def test_three_level_multipart(tshark):
    r = tshark.by_frame(LYNC, ["msice.sdp.format", "msice.call_id"], "frame.number == 18")[18]
    assert as_list(r["msice.sdp.format"]) == ["ICE v6 (ms-proxy-2007fallback part)", "ICE v19"]
    assert as_list(r["msice.call_id"]) == ["ed1a8d9e5c1d417f2ed01e576ffe3201"] * 2


def test_split_200_ok_reassembled(tshark):
    rows = tshark.by_frame(LYNC, ["msice.message", "msice.media.summary"], "frame.number == 9 || frame.number == 10")
    assert rows.get(9, {}).get("msice.message", "") == ""
    assert rows[10]["msice.message"] == "200"
    assert as_list(rows[10]["msice.media.summary"])[0] == "audio: 4 host, 2 srflx, 3 relay (UDP, TCP)"


@pytest.mark.parametrize("two_pass", [False, True])
def test_sdp_fields_unchanged(tshark, two_pass):
    """msice must not change what Wireshark's own SDP dissector shows."""
    fields = ["frame.number", "sdp.media_attr", "sdp.media", "sdp.connection_info"]
    for cap in (LYNC, SFB):
        mine = tshark.fields(cap, fields, "sdp", two_pass)
        stock = tshark.fields(cap, fields, "sdp", two_pass, stock=True)
        assert mine == stock


def test_sdp_still_decoded_when_msice_disabled(tshark):
    rows = tshark.fields(LYNC, ["frame.number", "sdp.media_attr", "msice.candidate.address"], "sdp",
                         extra=["--disable-protocol", "msice"])
    assert rows and all(r["sdp.media_attr"] for r in rows)
    assert all(r["msice.candidate.address"] == "" for r in rows)


# ---------------------------------------------------------------- SfB single v19

def test_sfb_single_v19(tshark):
    r = tshark.by_frame(SFB, ["msice.sdp.format", "msice.media.type", "msice.media.summary",
                              "msice.candidate_info", "msice.message"], "frame.number == 5")[5]
    assert r["msice.sdp.format"] == "ICE v19"
    assert as_list(r["msice.media.type"]) == ["audio", "video", "applicationsharing"]
    assert as_list(r["msice.media.summary"])[2] == "applicationsharing: 2 host, 1 srflx, 2 relay (TCP)"
    assert r["msice.message"] == "INVITE"
    assert as_list(r["msice.candidate_info"])


# ---------------------------------------------------------------- malformed

def test_malformed_lines_flagged_rest_decoded(tshark):
    rows = tshark.by_frame(BAD, ["_ws.expert.message", "msice.candidate.address", "_ws.malformed.expert"], "msice")
    msgs = {f: " ".join(as_list(r["_ws.expert.message"])) for f, r in rows.items()}
    assert "qvalue is not 0.000-1.000" in msgs[1]
    assert "too few tokens" in msgs[2]
    assert "priority is not a 32-bit decimal number" in msgs[3]
    assert "candidate port is not 0-65535" in msgs[4]
    assert "candidate address is not a numeric IPv4 or IPv6 address" in msgs[5]
    assert "too few tokens" in msgs[6]
    assert '"typ" missing or candidate type is not host/srflx/prflx/relay' in msgs[7]
    assert "foundation is not 1-32 ICE characters" in msgs[12]
    assert "candidate address is not a numeric IPv4 or IPv6 address" in msgs[13]
    # The valid lines around each broken one are still decoded; no exceptions.
    for f, r in rows.items():
        assert len(as_list(r["msice.candidate.address"])) >= 2, f
        assert r["_ws.malformed.expert"] == "", f
