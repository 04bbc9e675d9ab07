# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark tests of the per-call model: -z msice,calls, -z msice,table, the
Flow Graph, the per-packet path fields and the troubleshooting findings, on
captures whose facts are documented in captures/README.md."""
import re

import pytest

from conftest import CAPTURES

LYNC = CAPTURES / "sip-lync2013-call.pcap"
RELAY = CAPTURES / "msturn-relay.pcap"
UDP = CAPTURES / "msturn-udp-allocate.pcap"


def report(tshark, capture, extra=()):
    return tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z", "msice,calls", *extra]).stdout


def block(text, call_id):
    """The report block of one call."""
    start = text.index(f"Call-ID: {call_id}\n")
    end = text.find("\nCall-ID: ", start + 1)
    return text[start:end if end > 0 else len(text)]


def as_list(v):
    return v if isinstance(v, list) else ([v] if v else [])


def test_taps_registered(tshark):
    res = tshark.run(["-z", "help"], check=False)
    out = res.stdout + res.stderr
    for name in ("msice,calls", "msice,table", "flow,msice"):
        assert re.search(rf"^\s+{re.escape(name)}$", out, re.M), name


def test_lync_report(tshark):
    text = report(tshark, LYNC)
    b = block(text, "0557ba280e184288760c0d17d70b5231")
    assert "A (caller): sip:alice@contoso.com (SIP from 10.10.20.31)" in b
    assert "B (callee): sip:bob@contoso.com" in b
    assert "Media audio (ICE v19)" in b and "Media video (ICE v19)" in b
    # v6 and v19 parts offer different ports: only the format in use (v19) counts.
    assert "A candidates: 4 host (2 UDP, 2 TCP), 2 srflx (1 UDP, 1 TCP), 2 relay (1 UDP, 1 TCP)" in b
    assert "A's re-INVITE (frame 12) selects: local 10.10.20.31:21346, remote 10.10.40.52:30112" in b
    carol = block(text, "ed1a8d9e5c1d417f2ed01e576ffe3201")
    assert "Media audio (ICE v6)" in carol
    assert "remote 203.0.113.20:55012 (v6 username resolved)" in carol


def test_report_filter(tshark):
    filtered = tshark.run(["-n", "-q", "-r", tshark.capture(LYNC), "-z",
                           'msice,calls,msice.call_id == "ed1a8d9e5c1d417f2ed01e576ffe3201"']).stdout
    assert "Call-ID: ed1a8d9e5c1d417f2ed01e576ffe3201" in filtered
    assert "0557ba280e184288760c0d17d70b5231" not in filtered


def test_table(tshark):
    out = tshark.run(["-n", "-q", "-r", tshark.capture(LYNC), "-z", "msice,table"]).stdout
    rows = [l for l in out.splitlines() if l.startswith("0557ba280e184288760c0d17d70b5231")]
    assert len(rows) == 2  # audio and video
    cols = [c.strip() for c in rows[0].split("|")]
    assert cols[1] == "audio" and cols[2] == "sip:alice@contoso.com" and cols[3] == "sip:bob@contoso.com"


def test_flow_graph(tshark):
    out = tshark.run(["-n", "-q", "-r", tshark.capture(RELAY), "-z", "flow,msice,standard"]).stdout
    assert "10.10.20.31" in out and "203.0.113.20" in out
    assert "Allocate Request" in out and "relayed Binding" in out
    assert out.count("-->") + out.count("<--") >= 10


@pytest.mark.parametrize("two_pass", [False, True])
def test_relayed_path_fields(tshark, two_pass):
    rows = tshark.by_frame(RELAY, ["msice.call_id", "msice.pair", "msice.path.type", "msice.path.rank",
                                   "msice.pair.rank", "msice.promotion"], "msice.pair", two_pass)
    # Frame 5 is a relayed check: its pair's rank is msice.pair.rank; msice.path.rank is for media only
    # (issue 9: it used to be on checks too, so MAX(msice.path.rank) spiked at every host check).
    assert rows[5]["msice.path.type"] == "relay UDP" and rows[5]["msice.pair.rank"] == "2"
    assert rows[5]["msice.path.rank"] == ""
    # Frame 15 is RTP in a Send Request: media, so msice.path.rank.
    assert rows[15]["msice.path.rank"] == "2" and rows[15]["msice.pair.rank"] == ""
    # A session without SIP: nothing is offered, so no "(not offered)"; B's public address stays
    # unknown (nothing in this capture says whether it is B's host or its NAT).
    assert rows[5]["msice.pair"] == "A relay 203.0.113.20:3480 <-> B unknown 198.51.100.23:50062 (UDP)"
    assert rows[13]["msice.call_id"] == "ICE session Qx7d/pR2u (no SIP)"
    # 0xFF10 frames: the peer is the Set Active Destination of frame 9.
    assert "198.51.100.23:50062" in rows[22]["msice.pair"]


def test_one_and_two_pass_agree(tshark, teams_pcap):
    fields = ["frame.number", "msice.call_id", "msice.pair", "msice.path.rank", "msice.pair.rank", "msice.promotion",
              "msice.rejection"]

    def rows(two_pass):
        out = tshark.fields(teams_pcap, fields, "msice.pair", two_pass)
        for r in out:   # a finding (two passes only) names its call again: one Call-ID per frame
            r["msice.call_id"] = sorted(set(as_list(r["msice.call_id"])))
        return out
    assert rows(False) == rows(True)


def test_teams_report(tshark, teams_pcap):
    """Issue 10: the candidate types come from the capture (allocations, check responses, private
    ranges, transport relays), no longer "unknown" / "direct (types unknown)"."""
    text = report(tshark, teams_pcap)
    b = block(text, "ICE session FY32/o5/I (no SIP)")
    assert "Missing: no SIP signalling" in b
    assert "A host 192.168.1.6:50016 via NAT as srflx 80.181.206.72:57543 <-> B srflx 93.71.110.205:16332 (UDP): " \
           "success (frame 1409), nominated (frame 1452)" in b
    assert "A host 192.168.1.6:50016 <-> B host 192.168.0.4:50005 (UDP): no response (5 requests from frame 1404)" in b
    assert "A relay 52.114.250.141:3480 <-> B srflx 93.71.110.205:16332 (UDP): success (frame 1423)" in b
    assert "Verdict: final path: srflx 192.168.1.6:50016 <-> 93.71.110.205:16332 (host checks failed)" in b
    assert "types unknown" not in text
    assert "ICE session +mIv/JFwj (no SIP)" in text


def test_turn_unreachable_finding(tshark):
    rows = tshark.by_frame(UDP, ["msice.finding", "_ws.expert.message"], "msice.finding", two_pass=True)
    assert list(rows) == [2]
    assert rows[2]["msice.finding"].startswith("No answer from the Edge 10.10.20.5:3478 to 1 Allocate request")
    assert any(m.startswith("No answer from the Edge 10.10.20.5:3478") for m in rows[2]["_ws.expert.message"])
    # Findings judge the whole capture: none on a single pass.
    assert tshark.by_frame(UDP, ["msice.finding"], "msice.finding") == {}
    text = report(tshark, UDP)
    assert "[warning, frame 2] No answer from the Edge 10.10.20.5:3478" in text


def test_turn_error_finding(tshark):
    rows = tshark.by_frame(RELAY, ["msice.finding"], "msice.finding", two_pass=True)
    assert rows[31]["msice.finding"] == ("Allocation on the Edge 203.0.113.20:3478 failed with 486: the user has "
                                         "too many allocations on this Edge")


def test_rtp_on_candidate_addresses_without_decode_as(tshark):
    """Media between two candidate addresses is RTP without Decode As (bench-style call)."""
    import struct
    from scapy.all import IP, UDP as SUDP, Ether, wrpcap
    sdp_a = ("v=0\r\no=- 0 0 IN IP4 10.2.0.1\r\ns=s\r\nc=IN IP4 10.2.0.1\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0\r\n"
             "a=ice-ufrag:aaaa\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
             "a=candidate:1 1 UDP 2130706431 10.2.0.1 20000 typ host\r\n")
    sdp_b = sdp_a.replace("10.2.0.1", "10.3.0.1").replace("20000", "30000").replace("aaaa", "bbbb")

    def sip(first, body):
        return (f"{first}\r\nVia: SIP/2.0/UDP 10.1.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\n"
                f"To: <sip:b@x>\r\nCall-ID: rtp-test\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"
                f"Content-Length: {len(body)}\r\n\r\n{body}").encode()

    pkts = [Ether() / IP(src="10.2.0.1", dst="10.1.0.1") / SUDP(sport=5060, dport=5060) /
            sip("INVITE sip:b@x SIP/2.0", sdp_a),
            Ether() / IP(src="10.1.0.1", dst="10.2.0.1") / SUDP(sport=5060, dport=5060) / sip("SIP/2.0 200 OK", sdp_b)]
    for i in range(3):
        pkts.append(Ether() / IP(src="10.2.0.1", dst="10.3.0.1") / SUDP(sport=20000, dport=30000) /
                    (struct.pack("!BBHII", 0x80, 0, i, i * 160, 0x1234) + bytes(160)))
    pcap = tshark.home / "caps" / "rtp-ice.pcap"
    wrpcap(str(pcap), pkts)
    pcap.chmod(0o644)
    rows = tshark.by_frame(pcap, ["rtp.ssrc", "msice.path.type", "msice.call_id"], "frame.number >= 3")
    assert [rows[f]["rtp.ssrc"] for f in (3, 4, 5)] == ["0x00001234"] * 3
    assert rows[3]["msice.path.type"] == "host (direct)" and rows[3]["msice.call_id"] == "rtp-test"


def test_message_seen_twice_is_named_once(tshark):
    """A message captured on both legs (client -> Front End, Front End -> client) is named by its first copy:
    the re-INVITE of call-inside-inside is frames 79/80 (captures/README.md)."""
    text = report(tshark, CAPTURES / "call-inside-inside.pcap")
    assert "A's re-INVITE (frame 79) selects: local 10.10.20.31:21346, remote 10.10.40.52:30112" in text
    assert "(frame 80)" not in text


def test_allocate_retransmissions_are_counted_as_such(tshark):
    """call-tcp-relay: each unanswered UDP Allocate is one request sent four times (same transaction id,
    every 650 ms): one request and three retransmissions, not "1 request"."""
    text = report(tshark, CAPTURES / "call-tcp-relay.pcap")
    for port, frame in ((7180, 7), (7181, 8)):
        assert (f"A: 192.168.0.15:{port} -> Edge 203.0.113.10:3478 UDP: no response to 1 request and its 3 "
                f"retransmissions (first frame {frame})") in text
        assert (f"[warning, frame {frame}] No answer from the Edge 203.0.113.10:3478 to 1 Allocate request and its 3 "
                f"retransmissions over UDP from 192.168.0.15:{port}") in text
    assert "no response to 1 request (first" not in text
