# SPDX-License-Identifier: GPL-2.0-or-later
"""Issue 9, media paths on calls nobody designed for the analyser: relay data sent raw after Set Active
Destination, ICMP errors quoting media, application sharing over TCP, the Flow Graph arrows of every
path, msice.path.rank on media only, and the MS ICE Calls table's display filter.

Expected frames and counts are facts of captures/README.md (what the generator did); teams.pcap is a
real Teams capture (skipped when absent)."""
import re

import pytest

from conftest import CAPTURES
from test_rules import NOTE, WARN, experts, readme_section, readme_timeline

RAW = "call-relay-active-destination.pcap"
ICMP = "call-media-rejected.pcap"
SHARE = "call-appsharing-tcp.pcap"


def report(tshark, capture):
    return tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z", "msice,calls"]).stdout


def flow(tshark, capture):
    """The Flow Graph: its text and the first line of each arrow (conversation | time | label ... | comment)."""
    out = tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z", "flow,msice,standard"]).stdout
    rows = [(float(l.split("|")[1]), l, l.split("|", 2)[2]) for l in out.splitlines() if re.match(r"^\d+\s*\|\d", l)]
    return out, rows


def as_list(v):
    return v if isinstance(v, list) else ([v] if v else [])


def rule_findings(tshark, name):
    """{(expert, frame): severity} of every msice.expert.* item but the candidate-line ones."""
    return {(e, f): sev for f, e, sev, _ in experts(tshark, name)}


def trigger_lines(name):
    sec = readme_section(name)
    start = sec.index("**Troubleshooting rules this file triggers**")
    return sec[start:sec.index("| host | address | role |")]


def io_max_steps(tshark, capture):
    """The non-empty 100 ms intervals of the README's I/O Graph recipe MAX(msice.path.rank), no display
    filter (tshark's io,stat form of it)."""
    out = tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z",
                      "io,stat,0.1,MAX(msice.path.rank)msice.path.rank"]).stdout
    vals = [int(m.group(1)) for m in re.finditer(r"^\|\s*[\d.]+ <> [\d.]+\s*\|\s*(\d+) \|", out, re.M)]
    return [v for v in vals if v]


# ---------------------------------------------------------------- raw relay data after Set Active Destination

def test_raw_relay_frames_are_readme_facts():
    rows = {}
    for line in readme_section(RAW).splitlines():
        m = re.match(r"\| (\d+) \| [\d.]+ \| (\S+) → (\S+) \| ([^|]*) \|", line)
        if m:
            rows[int(m.group(1))] = (m.group(2), m.group(3), m.group(4))
    assert rows[41][1] == "E:3478" and rows[41][2].startswith("raw to Edge (active destination): RTP A→B")
    assert rows[51][0] == "E:3478" and rows[51][2].startswith("raw from Edge (active destination)")
    assert readme_timeline(RAW)["first RTP"] == 37
    assert readme_timeline(RAW)["first RTP on host↔host"] == 394


@pytest.mark.parametrize("two_pass", [False, True])
def test_raw_datagrams_belong_to_the_relay_pair(tshark, two_pass):
    """Every datagram sent without TURN header after Set Active Destination (client -> Edge and
    Edge -> client) is relayed data of the relay<->relay pair, not a direct path to the Edge's port."""
    cap = CAPTURES / RAW
    rows = tshark.by_frame(cap, ["ip.src", "ip.dst", "msturn.active_destination", "msturn.relayed", "msice.pair",
                                 "msice.path.rank", "msice.pair.rank", "rtp.ssrc", "_ws.col.Info"],
                           "msturn.active_destination", two_pass)
    to_edge = [f for f, r in rows.items() if r["ip.dst"] == "10.10.1.5" and r["msturn.relayed"] == "RTP"]
    from_edge = [f for f, r in rows.items() if r["ip.src"] == "10.10.1.5" and r["msturn.relayed"] == "RTP"]
    assert 41 in to_edge and 70 in from_edge
    assert len(to_edge) > 100 and len(from_edge) > 100
    relay_pair = "A relay 203.0.113.10:52814 <-> B relay 203.0.113.10:50122 (UDP)"
    for f in to_edge + from_edge:
        r = rows[f]
        assert r["msice.pair"] == relay_pair and r["msice.path.rank"] == "2" and r["rtp.ssrc"], (f, r)
    assert rows[41]["_ws.col.Info"] == "Data to active destination 203.0.113.10:50122 [RTP]"
    assert rows[70]["_ws.col.Info"] == "Data from active destination 203.0.113.10:50122 [RTP]"
    assert rows[51]["msice.pair.rank"] == "2" and rows[51]["msice.path.rank"] == ""   # a raw relayed check
    # Nothing anywhere takes the Edge's port for a peer.
    assert tshark.by_frame(cap, ["msice.pair"], 'msice.pair contains "10.10.1.5"', two_pass) == {}


def test_raw_relay_report(tshark):
    text = report(tshark, CAPTURES / RAW)
    assert ("Early media: relay UDP, A relay 203.0.113.10:52814 <-> B relay 203.0.113.10:50122 (UDP), from "
            "3.015 s (frame 37)") in text
    promos = [l.strip() for l in text.splitlines() if l.strip().startswith("Promotion at")]
    assert promos == ["Promotion at 4.545 s (frame 394): relay UDP -> host, A host 10.10.20.31:22190 <-> B host "
                      "10.20.8.15:17410 (UDP); pair nominated (USE-CANDIDATE) in frame 392"]
    assert "Final path: host, A host 10.10.20.31:22190 <-> B host 10.20.8.15:17410 (UDP)" in text
    assert "prflx" not in text and "10.10.1.5:3478 (not offered)" not in text
    assert "A candidates: 1 host (1 UDP), 1 relay (1 UDP)" in text


def test_raw_relay_findings(tshark):
    assert "frames 16 and 30" in trigger_lines(RAW) and "promotion` (note) at frame 394" in trigger_lines(RAW)
    assert rule_findings(tshark, RAW) == {("relay_udp_only", 16): NOTE, ("relay_udp_only", 30): NOTE,
                                          ("promotion", 394): NOTE}


def test_flow_graph_early_relay_media_and_promotion(tshark):
    """The Flow Graph shows the first media of every path: early media on the relay (in a Send Request), the
    callee's first relayed media, and the promotion labelled as a path change."""
    out, rows = flow(tshark, CAPTURES / RAW)
    early = [l for _, l, _ in rows if "early media: relay UDP (audio, Send Request) | A relay 203.0.113.10:52814 "
             "<-> B relay 203.0.113.10:50122 (UDP)" in l]
    assert len(early) == 1 and early[0].split("|")[1].strip() == "3.015000"
    assert sum("|media: relay UDP (audio, Send Request) |" in l for _, l, _ in rows) == 1   # B -> A's first
    moves = [l for _, l, _ in rows if "media moves:" in l]
    assert len(moves) == 1 and "media moves: relay UDP -> host (audio, direct) | A host 10.10.20.31:22190" in moves[0]
    assert moves[0].split("|")[1].strip() == "4.545000"
    # One arrow per pair and direction (RTP), none for the other media packets, the raw ones included.
    labels = [re.search(r"\|((?:early )?media(?: moves)?: [^|(]+)\(", l).group(1).strip() for _, l, _ in rows
              if re.search(r"\|(?:early )?media(?: moves)?: ", l)]
    assert labels == ["early media: relay UDP", "media: relay UDP", "media moves: relay UDP -> host", "media: host"]


@pytest.mark.parametrize("name", [RAW, "call-early-media-promotion.pcap"])
def test_io_graph_recipe_one_step(tshark, name):
    """MAX(msice.path.rank) with no display filter: one step at the promotion (relay UDP 2 -> host 4); host
    checks during early media no longer spike it (they carry msice.pair.rank)."""
    vals = io_max_steps(tshark, CAPTURES / name)
    assert vals and vals[0] == 2 and vals[-1] == 4
    assert sum(1 for a, b in zip(vals, vals[1:]) if a != b) == 1


@pytest.mark.parametrize("name", sorted(p.name for p in CAPTURES.glob("call-*.pcap")) + ["msturn-relay.pcap"])
def test_path_rank_on_media_only(tshark, name):
    cap = CAPTURES / name
    assert tshark.by_frame(cap, ["frame.number"], "msice.path.rank && (stun || icmp)") == {}
    assert tshark.by_frame(cap, ["frame.number"], 'msice.path.rank && msturn.relayed contains "Binding"') == {}
    checks = tshark.by_frame(cap, ["msice.pair.rank", "msice.path.rank"], "stun.type == 0x0001 && msice.pair")
    assert checks and all(r["msice.pair.rank"] and not r["msice.path.rank"] for r in checks.values())


# ---------------------------------------------------------------- ICMP errors quoting media

def icmp_facts():
    t = trigger_lines(ICMP)
    m = re.search(r"media_rejected` \(warning\) at frame (\d+).*?\"(B [^\"]+)\"\. The ICMP errors are frames "
                  r"([\d, ]+);", t, re.S)
    n = re.search(r"has (\d+) RTP packets .*?the last in frame (\d+)", t, re.S)
    return int(m.group(1)), m.group(2), [int(x) for x in m.group(3).split(", ")], int(n.group(1)), int(n.group(2))


def test_icmp_frames_are_readme_facts(tshark):
    first, text, frames, pkts, last = icmp_facts()
    assert first == frames[0] and len(frames) == 8
    assert text == f"B 10.10.40.52:30112 rejects A's audio: ICMP port unreachable, 8 errors from frame {first}"
    rows = tshark.by_frame(CAPTURES / ICMP, ["icmp.type", "icmp.code"], "icmp")
    assert sorted(rows) == frames and all((r["icmp.type"], r["icmp.code"]) == ("3", "3") for r in rows.values())


@pytest.mark.parametrize("two_pass", [False, True])
def test_icmp_is_no_media(tshark, two_pass):
    """The ICMP errors quote the whole RTP datagram (decoded as RTP inside the error) but are no media packet:
    no msice.path.rank; they name the call, the pair and the rejection."""
    first, _, frames, _, _ = icmp_facts()
    rows = tshark.by_frame(CAPTURES / ICMP, ["rtp.ssrc", "msice.call_id", "msice.pair", "msice.path.rank",
                                             "msice.pair.rank", "msice.rejection", "_ws.col.Info"], "icmp", two_pass)
    for f in frames:
        r = rows[f]
        assert r["rtp.ssrc"] and r["msice.path.rank"] == "" and r["msice.pair.rank"] == "4"
        assert r["msice.pair"] == "A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP)"
        assert r["msice.rejection"] == "B 10.10.40.52:30112 rejects A's audio: ICMP port unreachable"
        assert r["_ws.col.Info"].endswith("| B 10.10.40.52:30112 rejects A's audio: ICMP port unreachable")


def test_icmp_report(tshark):
    first, text, frames, pkts, last = icmp_facts()
    rep = report(tshark, CAPTURES / ICMP)
    assert (f"Final path: host, A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP) ({pkts} packets, last "
            f"frame {last})") in rep
    assert f"    Rejected: {text} (last frame {frames[-1]}); these errors are not media\n" in rep
    assert f"[warning, frame {first}] {text}" in rep
    assert "Promotion" not in rep


def test_icmp_findings(tshark):
    first, text, _, _, _ = icmp_facts()
    assert rule_findings(tshark, ICMP) == {("media_rejected", first): WARN, ("relay_udp_only", 13): NOTE,
                                           ("relay_udp_only", 24): NOTE}
    rows = tshark.by_frame(CAPTURES / ICMP, ["msice.finding"], "msice.expert.media_rejected", two_pass=True)
    assert list(rows) == [first] and rows[first]["msice.finding"] == text
    # One pass cannot judge the whole capture: no finding, the rejection field is there.
    assert tshark.by_frame(CAPTURES / ICMP, ["msice.finding"], "msice.expert.media_rejected") == {}


def test_icmp_flow_graph(tshark):
    first, _, frames, _, _ = icmp_facts()
    out, rows = flow(tshark, CAPTURES / ICMP)
    arrows = [l for _, l, _ in rows if "media rejected (ICMP)" in l]
    assert len(arrows) == 1   # the first error of the stream only
    assert "B 10.10.40.52:30112 rejects A's audio: ICMP port unreachable | A host 10.10.20.31:21346" in arrows[0]


def test_teams_icmp_rejection(tshark, teams_pcap):
    """teams.pcap: the video stream's two port unreachable errors are reported, and counted nowhere as media."""
    rep = report(tshark, teams_pcap)
    # The video session's type is inferred from A's port (50036, Teams' video range).
    line = "B 93.71.110.205:16333 rejects A's video (inferred): ICMP port unreachable, 2 errors from frame 1490"
    assert f"    Rejected: {line} (last frame 1497); these errors are not media\n" in rep
    assert f"[warning, frame 1490] {line}" in rep
    # The audio session's final path: its RTP only (the ICMP errors are about the other session).
    assert "(UDP) (28 packets, last frame 1540)" in rep
    rows = tshark.by_frame(teams_pcap, ["msice.path.rank", "msice.rejection", "msice.call_id"], "icmp",
                           two_pass=True)
    assert sorted(rows) == [1490, 1497]
    for r in rows.values():
        assert r["msice.path.rank"] == ""
        assert r["msice.rejection"] == line.split(", 2 errors")[0]
        assert set(as_list(r["msice.call_id"])) == {"ICE session +mIv/JFwj (no SIP)"}
    found = {(e, f) for f, e, _, _ in experts(tshark, teams_pcap)}
    assert ("media_rejected", 1490) in found and not any(e == "media_rejected" and f != 1490 for e, f in found)


# ---------------------------------------------------------------- application sharing over TCP

def test_appsharing_report(tshark):
    text = report(tshark, CAPTURES / SHARE)
    share = text[text.index("  Media applicationsharing (ICE v19)"):]
    assert "A candidates: 1 host (1 TCP), 1 relay (1 TCP)" in share
    assert ("Final path: relay TCP, A relay 203.0.113.10:50938 <-> B relay 203.0.113.10:50940 (TCP)") in share
    assert ("    Transport: applicationsharing runs over TCP by design: TCP candidates and a TCP relay are expected "
            "here, not the last resort\n") in share
    assert "Verdict: final path: relay TCP via 203.0.113.10:50938 and 203.0.113.10:50940 (TCP by design)" in share
    audio = text[text.index("  Media audio (ICE v19)"):text.index("  Media applicationsharing")]
    assert "Verdict: final path: relay UDP via 203.0.113.10:51240 and 203.0.113.10:54630" in audio
    assert "Transport:" not in audio
    assert "Problems:" not in text and "last resort:" not in text


def test_appsharing_no_findings(tshark):
    """UDP relays for audio, TCP relays for sharing on each side: no relay_udp_only, no relay_tcp_only, and the
    sharing line's TCP relay is no tcp_relay finding; nothing else fires either."""
    assert "No `msice.expert.relay_tcp_only`" in trigger_lines(SHARE)
    assert rule_findings(tshark, SHARE) == {}


def test_appsharing_flow_graph(tshark):
    out, rows = flow(tshark, CAPTURES / SHARE)
    assert sum("early media: relay UDP (audio," in l for _, l, _ in rows) == 1
    assert sum("early media: relay TCP (applicationsharing," in l for _, l, _ in rows) == 1
    assert not any("media moves" in l for _, l, _ in rows)


def test_appsharing_segmented_sip(tshark):
    """Frank's leg splits the INVITE (both m= lines) over TCP segments; the SDP is still read whole."""
    rows = tshark.by_frame(CAPTURES / SHARE, ["msice.media.type", "tcp.segments"], "sip.Method == \"INVITE\" && "
                           "ip.dst == 192.168.1.20 && msice.media.type")
    assert rows
    r = rows[min(rows)]
    assert as_list(r["msice.media.type"]) == ["audio", "applicationsharing"] and r["tcp.segments"]


# ---------------------------------------------------------------- the MS ICE Calls table's filter column

def test_table_display_filter(tshark):
    cap = CAPTURES / SHARE
    out = tshark.run(["-n", "-q", "-r", tshark.capture(cap), "-z", "msice,table"]).stdout
    header = next(l for l in out.splitlines() if l.startswith("Call-ID"))
    assert [c.strip() for c in header.split("|")][-2] == "Display filter"
    rows = [l for l in out.splitlines() if l.startswith("c2bbaebcbe6d813da75b3155a54bbacb")]
    assert len(rows) == 2
    flt = [c.strip() for c in rows[0].split("|")][-2]
    assert flt == 'msice.call_id == "c2bbaebcbe6d813da75b3155a54bbacb"'
    hits = tshark.by_frame(cap, ["msice.call_id"], flt)
    assert len(hits) > 100
