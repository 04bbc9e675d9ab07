# SPDX-License-Identifier: GPL-2.0-or-later
"""The per-call report on the whole-call scenarios of captures/.

Every expected value is from the scenario's "Expected per-call report" in
captures/README.md (frames of the first media packet on a path, of the
nominating check's response, of each promotion; the final pair; the
verdict). Times in the report are those of tshark's Time column.
"""
import pytest

from conftest import CAPTURES


def report(tshark, name):
    return tshark.run(["-n", "-q", "-r", tshark.capture(CAPTURES / name), "-z", "msice,calls"]).stdout


def line(text, prefix):
    hits = [l.strip() for l in text.splitlines() if l.strip().startswith(prefix)]
    assert hits, f"no line starting with {prefix!r} in:\n{text}"
    return hits[0]


SCENARIOS = {
    # name: (scenario, early path, early frame, promotions [(frame, from, to)], final path, final pair, verdict)
    "call-inside-inside.pcap": (
        "inside <-> inside", "host", 44, [],
        "host", "A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP)",
        "final path: host 10.10.20.31:21346 <-> 10.10.40.52:30112"),
    "call-inside-outside.pcap": (
        "inside <-> outside", "relay UDP", 90, [],
        "relay UDP", "A relay 203.0.113.10:51240 <-> B relay 203.0.113.10:54630 (UDP)",
        "final path: relay UDP via 203.0.113.10:51240 and 203.0.113.10:54630 (host and srflx checks failed)"),
    "call-outside-outside.pcap": (
        "outside <-> outside", "relay UDP", 41, [(538, "relay UDP", "srflx")],
        "srflx", "A host 192.168.1.20:9610 <-> B srflx 198.51.100.77:41822 (UDP)",
        "final path: srflx 192.168.1.20:9610 <-> 198.51.100.77:41822 (host checks failed)"),
    "call-federation.pcap": (
        "federated (contoso.com <-> fabrikam.com; A inside, B inside)", "relay UDP", 76, [],
        "relay UDP", "A relay 203.0.113.10:50716 <-> B relay 198.51.100.10:57120 (UDP)",
        "final path: relay UDP via 203.0.113.10:50716 and 198.51.100.10:57120 (host checks failed)"),
    "call-early-media-promotion.pcap": (
        "inside <-> inside", "relay UDP", 30, [(385, "relay UDP", "host")],
        "host", "A host 10.10.20.31:22190 <-> B host 10.20.8.15:17410 (UDP)",
        "final path: host 10.10.20.31:22190 <-> 10.20.8.15:17410"),
    "call-tcp-relay.pcap": (
        "outside <-> inside", "relay TCP", 114, [],
        "relay TCP", "A relay 203.0.113.10:50931 <-> B relay 203.0.113.10:50933 (TCP)",
        "final path: relay TCP via 203.0.113.10:50931 and 203.0.113.10:50933 (host and relay UDP checks failed)"),
    # Issue 9: relay media sent raw after Set Active Destination stays on the relay pair (one promotion only).
    "call-relay-active-destination.pcap": (
        "inside <-> inside", "relay UDP", 37, [(394, "relay UDP", "host")],
        "host", "A host 10.10.20.31:22190 <-> B host 10.20.8.15:17410 (UDP)",
        "final path: host 10.10.20.31:22190 <-> 10.20.8.15:17410"),
    "call-media-rejected.pcap": (
        "inside <-> inside", "host", 44, [],
        "host", "A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP)",
        "final path: host 10.10.20.31:21346 <-> 10.10.40.52:30112"),
    # The audio line (the first in the report); test_media_paths.py checks the application sharing line.
    "call-appsharing-tcp.pcap": (
        "inside <-> outside", "relay UDP", 143, [],
        "relay UDP", "A relay 203.0.113.10:51240 <-> B relay 203.0.113.10:54630 (UDP)",
        "final path: relay UDP via 203.0.113.10:51240 and 203.0.113.10:54630 (host and srflx checks failed)"),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_report(tshark, name):
    scen, early_path, early_frame, promos, final_path, final_pair, verdict = SCENARIOS[name]
    text = report(tshark, name)
    assert line(text, "Scenario:") == f"Scenario: {scen}"
    early = line(text, "Early media:")
    assert early.startswith(f"Early media: {early_path}, ")
    assert early.endswith(f"(frame {early_frame})")
    got = [l.strip() for l in text.splitlines() if l.strip().startswith("Promotion at ")]
    assert len(got) == len(promos), got
    for l, (frame, old, new) in zip(got, promos):
        assert f"(frame {frame}): {old} -> {new}," in l
    assert line(text, "Final path:").startswith(f"Final path: {final_path}, {final_pair} (")
    assert line(text, "Verdict:") == f"Verdict: {verdict}"


def test_nominations_and_checks(tshark):
    text = report(tshark, "call-inside-outside.pcap")
    # B4 succeeded first (response 39/41); A8 nominated, response 235/240.
    assert ("A relay 203.0.113.10:51240 <-> B relay 203.0.113.10:54630 (UDP): success (frame 39), "
            "nominated (frame 235)") in text
    # Host checks across the Edge boundary get no response.
    assert "A host 10.10.20.31:22150 <-> B host 192.168.1.20:9610 (UDP): no response (10 requests from frame 29)" in text
    # Both sides' allocations, with the hair-pinned relays.
    assert ("A: 10.10.20.31:22150 -> Edge 10.10.1.5:3478 UDP: relayed 203.0.113.10:51240, reflexive "
            "10.10.20.31:22150 (frame 10; after a 401 challenge; released later)") in text
    assert "B: 192.168.1.20:9610 -> Edge 203.0.113.10:3478 UDP: relayed 203.0.113.10:54630, reflexive 192.0.2.77:38402" \
        in text
    # The re-INVITE is captured twice (frames 309 and 314, both legs): the report names the first copy (issue 9
    # item 7; this asserted the second copy, 314, before).
    assert "A's re-INVITE (frame 309) selects: local 203.0.113.10:51240, remote 203.0.113.10:54630" in text


def test_failed_call(tshark):
    text = report(tshark, "call-failed.pcap")
    assert "Early media: none seen" in text
    assert "Verdict: no media path: every connectivity check failed" in text
    assert "A: 10.10.20.31:22210 -> Edge 10.10.1.5:3478 UDP: error 486 (frame 10)" in text
    assert "A: 10.10.20.31:50410 -> Edge 10.10.1.5:443 TCP: error 486 (frame 21)" in text


@pytest.mark.parametrize("name", ["call-early-media-promotion.pcap", "call-outside-outside.pcap"])
def test_per_packet_promotion_field(tshark, name):
    frame = SCENARIOS[name][3][0][0]
    for two_pass in (False, True):
        rows = tshark.by_frame(CAPTURES / name, ["msice.promotion", "msice.path.type", "msice.path.rank"],
                               "msice.promotion", two_pass)
        assert list(rows) == [frame]
        assert rows[frame]["msice.path.rank"] == ("4" if "promotion" in name else "3")


def test_path_rank_over_time(tshark):
    """What an I/O Graph of msice.path.rank plots: 2 (relay UDP) before the promotion, 4 (host) after."""
    rows = tshark.fields(CAPTURES / "call-early-media-promotion.pcap", ["frame.number", "msice.path.rank"],
                         "rtp && msice.path.rank")
    ranks = [(int(r["frame.number"]), int(r["msice.path.rank"])) for r in rows]
    before = {rk for f, rk in ranks if f < 385}
    after = {rk for f, rk in ranks if f > 400}
    assert before == {2} and after == {4}


def test_relayed_rtp_in_rtp_streams(tshark):
    out = tshark.run(["-n", "-q", "-r", tshark.capture(CAPTURES / "call-inside-outside.pcap"), "-z",
                      "rtp,streams"]).stdout
    streams = [l for l in out.splitlines() if " 0x" in l]
    assert len(streams) >= 2  # relayed media (inside MS-TURN) is RTP too


@pytest.mark.parametrize("two_pass", [False, True])
def test_offer_links_follow_the_sender(tshark, two_pass):
    """msice.pair.local_offer_in is the SDP of the side that sent this packet (Alice's INVITE is frame
    13, Bob's 183 frame 24), for requests, responses and media alike."""
    rows = tshark.by_frame(CAPTURES / "call-inside-inside.pcap",
                           ["ip.src", "msice.pair.local_offer_in", "msice.pair.remote_offer_in", "msice.media.type"],
                           "msice.pair", two_pass)
    alice, bob = "10.10.20.31", "10.10.40.52"
    # 27 Alice's check, 28 Bob's check, 29 Bob's answer to 27, 31 Alice's answer to 28, 44/45 RTP each way
    for f, src in [(27, alice), (28, bob), (29, bob), (31, alice), (44, alice), (45, bob)]:
        r = rows[f]
        assert r["ip.src"] == src, f
        mine, theirs = ("13", "24") if src == alice else ("24", "13")
        assert (r["msice.pair.local_offer_in"], r["msice.pair.remote_offer_in"]) == (mine, theirs), f
        assert r["msice.media.type"] == "audio", f
