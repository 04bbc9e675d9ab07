# SPDX-License-Identifier: GPL-2.0-or-later
"""The SIP-dialog side of the per-call model (issue 9, items 1-3): which dialogs are calls, a capture that
starts mid-call, a forked INVITE. Every expected value is a fact of captures/README.md (the sections of
call-register-location.pcap, call-mid-call-start.pcap and call-forked.pcap, generated from what the
generator did); test_frames_are_readme_facts checks the frames used here against that file."""
import re
import subprocess

import pytest

from conftest import CAPTURES
from test_rules import readme_rows, readme_section

MID = CAPTURES / "call-mid-call-start.pcap"
FORK = CAPTURES / "call-forked.pcap"
REG = CAPTURES / "call-register-location.pcap"

MID_CALL = "0bb8be80177d3fd1b26b515894531f11"
FORK_CALL = "f62caa5296d7a33bd47d020bb424d7aa"
REG_CALL = "37ad3248a38739fa8fc124c5d9c7ce23"


def report(tshark, capture, extra=()):
    return tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z", "msice,calls", *extra]).stdout


def calls_in(text):
    return re.findall(r"^Call-ID: (.+)$", text, re.M)


def table_rows(tshark, capture):
    out = tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z", "msice,table"]).stdout
    return [[c.strip() for c in l.split("|")] for l in out.splitlines() if re.match(r"^\S+ +\|", l)
            and not l.startswith("Call-ID")]


def test_frames_are_readme_facts():
    """The frames and values below are what captures/README.md says the generator did."""
    sec = readme_section("call-register-location.pcap")
    rows = readme_rows("call-register-location.pcap")
    assert f"Call-ID `{REG_CALL}`" in sec
    assert "SIP REGISTER (alice@contoso.com)" in rows[1] and "SIP 401 Unauthorized" in rows[2]
    assert "with Kerberos credentials" in rows[3] and "SIP REGISTER (carol@contoso.com)" in rows[5]
    assert "SIP SUBSCRIBE (Bob's roaming contacts" in rows[7] and "SIP INVITE (A's ICE v19 offer)" in rows[18]
    assert "ms-endpoint-location-data NetworkScope;ms-media-location-type=Intranet" in rows[1]
    assert "ms-endpoint-location-data NetworkScope;ms-media-location-type=Internet" in rows[7]
    sec = readme_section("call-mid-call-start.pcap")
    rows = readme_rows("call-mid-call-start.pcap")
    assert f"Call-ID** `{MID_CALL}`" in sec
    assert "Send Request: RTP A→B" in rows[1] and "check A1" in rows[4]
    assert "the 200 OK (frame 340" in sec and "re-INVITE (frame 377" in sec
    assert "SIP 200 OK (B accepts; same answer SDP) — TCP segment 1 of 2" in rows[339]
    assert "A relay 203.0.113.10:51268 ↔ B relay 203.0.113.10:54652" in sec
    assert "raddr/rport 10.10.20.31:22162" in sec
    assert "Allocate Response LIFETIME 0 (A comp 1 UDP, released)" in rows[582]
    sec = readme_section("call-forked.pcap")
    rows = readme_rows("call-forked.pcap")
    assert f"Call-ID** `{FORK_CALL}`" in sec
    assert "To tag `d7648966f3` (Bob's desktop, 183 in frame 30)" in sec
    assert "To tag `b98a8cd820` (Bob's laptop, 183 in frame 48)" in sec
    assert "the 200 OK (frame 177)" in sec
    assert "first success response frame 36" in sec and "from frame 69 to frame 175" in sec
    assert "first media in frame 184" in sec
    assert "SIP CANCEL" in rows[178] and "SIP 487 Request Terminated" in rows[181]


# ---------------------------------------------------------------- item 1: a dialog that is not a call

def test_register_and_subscribe_are_not_calls(tshark):
    """Alice's and Carol's REGISTER dialogs and Bob's SUBSCRIBE carry ms-endpoint-location-data: none of them
    is a call. The capture has one call, the INVITE's."""
    text = report(tshark, REG)
    assert calls_in(text) == [REG_CALL]
    assert "carol" not in text
    rows = table_rows(tshark, REG)
    assert [r[0] for r in rows] == [REG_CALL]


def test_register_location_places_the_parties(tshark):
    """No message of the call says where anyone is and no MRAS exchange is in the file: the REGISTER (Alice,
    from her own address) and the SUBSCRIBE (Bob's, as the Access Edge forwards it) do."""
    b = report(tshark, REG)
    assert "  Scenario: inside <-> outside\n" in b
    assert ("  Location of A: inside (ms-endpoint-location-data of its REGISTER, frame 1, from 10.10.20.31)\n"
            in b)
    assert ("  Location of B: outside (ms-endpoint-location-data of its SUBSCRIBE, frame 7, from 10.10.1.4)\n"
            in b)
    assert "MRAS (" not in b
    # the location headers are those of the sign-ins only
    rows = tshark.by_frame(REG, ["msice.location"], "msice.location")
    assert sorted(rows) == [1, 3, 5, 7]


def test_without_the_sign_ins_the_location_is_unknown(tshark, tmp_path):
    """The same call without the REGISTER and SUBSCRIBE frames: nothing places the parties (the scenario came
    from those dialogs, not from the call)."""
    cut = tmp_path / "cut-reg-call-only.pcap"
    subprocess.run(["editcap", str(REG), str(cut), "1-8"], check=True, capture_output=True)
    text = report(tshark, cut)
    assert calls_in(text) == [REG_CALL]
    assert "Scenario: unknown (no location data" in text and "Location of" not in text


def test_sign_ins_alone_make_no_call(tshark, tmp_path):
    """Only the REGISTER and SUBSCRIBE dialogs (with their location headers): no call at all."""
    cut = tmp_path / "cut-reg-signins.pcap"
    subprocess.run(["editcap", "-r", str(REG), str(cut), "1-8"], check=True, capture_output=True)
    text = report(tshark, cut)
    assert calls_in(text) == []
    assert "No calls with ICE found." in text
    assert table_rows(tshark, cut) == []
    assert tshark.by_frame(cut, ["msice.finding"], "msice.finding", two_pass=True) == {}


# ---------------------------------------------------------------- item 2: a capture that starts mid-call

def test_mid_call_is_one_call(tshark):
    """Checks and media came before the first SDP (the 200 OK, frame 340): one call, no separate ICE session."""
    text = report(tshark, MID)
    assert calls_in(text) == [MID_CALL]
    assert "(no SIP)" not in text
    assert ("  Missing: the call's start (the capture begins mid-call: its first SDP seen is a 200 OK, frame 340)"
            in text)
    rows = table_rows(tshark, MID)
    assert [(r[0], r[1], r[4]) for r in rows] == [(MID_CALL, "audio", "relay UDP")]


def test_mid_call_early_media_from_the_first_frame(tshark):
    text = report(tshark, MID)
    assert ("    Early media: relay UDP, A relay 203.0.113.10:51268 <-> B relay 203.0.113.10:54652 (UDP), "
            "from 0.000 s (frame 1)\n") in text
    assert "Promotion" not in text
    assert ("    Final path: relay UDP, A relay 203.0.113.10:51268 <-> B relay 203.0.113.10:54652 (UDP) (546 packets, "
            "last frame 578)\n") in text
    assert ("    Verdict: final path: relay UDP via 203.0.113.10:51268 and 203.0.113.10:54652 (host and srflx checks "
            "failed)\n") in text


def test_mid_call_relay_is_the_relayed_address(tshark):
    """A's relay candidate is the relayed address the re-INVITE names (raddr/rport = the allocation's socket),
    never the Edge's intranet address the Send Requests go to."""
    text = report(tshark, MID)
    assert "    A candidates: 1 host (1 UDP), 1 relay (1 UDP)\n" in text
    assert "10.10.1.5 (not offered)" not in text and "relayed address not seen" not in text
    assert ("A relay 203.0.113.10:51268 <-> B relay 203.0.113.10:54652 (UDP): success (frame 237), "
            "nominated (frame 237)") in text
    assert ("A relay 203.0.113.10:58044 <-> B relay 203.0.113.10:52318 (UDP): success (frame 240), "
            "nominated (frame 240)") in text
    assert ("      A: 10.10.20.31:22162 -> Edge 10.10.1.5:3478 UDP: relayed 203.0.113.10:51268, reflexive "
            "10.10.20.31:22162 (allocated before the capture started; relayed address from the relay candidate "
            "based on it in the SDP, frame 377; released later)") in text
    assert "A's re-INVITE (frame 377) selects: local 203.0.113.10:51268, remote 203.0.113.10:54652" in text


@pytest.mark.parametrize("two_pass", [False, True])
def test_mid_call_packets_before_the_sdp(tshark, two_pass):
    """On one pass a packet is described with what was known then (the relayed address is not known before the
    re-INVITE); seen again (-2, the GUI) every packet of the call, from frame 1, belongs to the call."""
    rows = tshark.by_frame(MID, ["msice.call_id", "msice.pair", "msice.path.rank"], "frame.number <= 14",
                           two_pass=two_pass)
    if two_pass:
        assert {rows[f]["msice.call_id"] for f in (1, 2, 3, 4, 10, 13, 14)} == {MID_CALL}
        assert rows[1]["msice.pair"] == "A relay 203.0.113.10:51268 <-> B relay 203.0.113.10:54652 (UDP)"
        assert rows[13]["msice.pair"] == "A relay 203.0.113.10:51268 <-> B host 192.168.1.20:9610 (UDP)"
        assert rows[1]["msice.path.rank"] == "2"
    else:
        assert rows[1]["msice.call_id"] == ""            # no call could be named for it yet
        assert rows[4]["msice.call_id"].startswith("ICE session ")
        assert rows[13]["msice.pair"].startswith("A relay via Edge 10.10.1.5:3478 (relayed address not seen)")


def test_mid_call_filter_names_the_call(tshark):
    """-z msice,calls,FILTER with a packet the first pass gave to the ICE session: the call's block."""
    text = report(tshark, MID, ["-z", "msice,calls,frame.number == 4"])
    filtered = [l for l in text.split("===") if "Call-ID" in l]
    assert calls_in(filtered[-1]) == [MID_CALL]


def test_segmented_sip_reaches_the_model(tshark):
    """The 200 OK and the re-INVITE are split over two TCP segments: reassembled in their last frame, where
    msice reads the SDP."""
    rows = tshark.by_frame(MID, ["tcp.reassembled_in", "tcp.segment", "msice.call_id", "msice.message"],
                           "frame.number == 339 || frame.number == 340 || frame.number == 376 || frame.number == 377",
                           two_pass=True)
    assert rows[339]["tcp.reassembled_in"] == "340" and rows[376]["tcp.reassembled_in"] == "377"
    assert rows[340]["tcp.segment"] == ["339", "340"] and rows[377]["tcp.segment"] == ["376", "377"]
    assert rows[340]["msice.message"] == "200" and rows[377]["msice.message"] == "INVITE"
    assert set(rows[340]["msice.call_id"]) == {MID_CALL}   # the SDP tree and the finding name the call


# ---------------------------------------------------------------- item 3: a forked INVITE

def test_fork_parties(tshark):
    """Two early dialogs: the laptop (To-tag b98a8cd820) sent the 200 OK, so it is B; the desktop is the other
    fork, with its own candidates."""
    text = report(tshark, FORK)
    assert calls_in(text) == [FORK_CALL]
    assert ("  B (callee): sip:bob@contoso.com (SIP from 10.10.1.10; the fork that answered, To-tag b98a8cd820)\n"
            in text)
    assert ("  B2 (callee's other endpoint): sip:bob@contoso.com (SIP from 10.10.40.52; To-tag d7648966f3; a fork of "
            "the INVITE that did not answer)\n") in text
    assert "  Scenario: inside <-> outside\n" in text      # the laptop said Internet, the desktop Intranet
    assert "    B candidates: 1 host (1 UDP), 1 srflx (1 UDP), 1 relay (1 UDP)\n" in text
    assert "    B2 candidates: 1 host (1 UDP), 1 relay (1 UDP) (a fork of the INVITE that did not answer)\n" in text
    assert "MRAS (B2, 10.10.40.52): credentials OK (frame 6)" in text


def test_fork_media(tshark):
    """The desktop's early media is that fork's; the call's media with B (the laptop) starts on relay and stays:
    no promotion."""
    text = report(tshark, FORK)
    assert ("    Early media: relay UDP, A relay 203.0.113.10:53226 <-> B relay 203.0.113.10:54668 (UDP), from "
            "2.683 s (frame 184)\n") in text
    assert "Promotion" not in text
    assert ("    Media with B2 (a fork that did not answer): host, A host 10.10.20.31:21352 <-> B2 host "
            "10.10.40.52:30118 (UDP), from 0.846 s (frame 69); last packet frame 175\n") in text
    assert "    Final path: relay UDP, A relay 203.0.113.10:53226 <-> B relay 203.0.113.10:54668 (UDP)" in text
    assert ("A host 10.10.20.31:21352 <-> B2 host 10.10.40.52:30118 (UDP): success (frame 36), nominated (frame 40)"
            in text)
    assert "A host 10.10.20.31:21352 <-> B host 192.168.1.20:9612 (UDP): no response (5 requests from frame 49)" in text
    rows = table_rows(tshark, FORK)
    assert [(r[4], r[6]) for r in rows] == [("relay UDP", "0")]


def test_fork_findings(tshark):
    """relay_despite_direct must not fire: the direct pair that succeeded belongs to the fork that never
    answered. No promotion note. The three relay_udp_only notes (one per offer) name their party."""
    rows = tshark.by_frame(FORK, ["msice.finding"], "msice.finding", two_pass=True)
    assert sorted(rows) == [16, 30, 48]
    assert rows[30]["msice.finding"] == (
        "The callee's endpoint B2 (a fork of the INVITE that did not answer) offers relay candidates over UDP only: "
        "TCP to the Edge (443) is likely blocked")
    assert rows[48]["msice.finding"].startswith("The callee (B) offers relay candidates over UDP only")
    assert tshark.by_frame(FORK, ["frame.number"], "msice.expert.relay_despite_direct || msice.expert.promotion",
                           two_pass=True) == {}
    assert "relay UDP although the direct pair" not in report(tshark, FORK)


def test_fork_packets_name_their_fork(tshark):
    rows = tshark.by_frame(FORK, ["msice.pair", "msice.promotion"], "frame.number == 69 || frame.number == 184",
                           two_pass=True)
    assert rows[69]["msice.pair"] == "A host 10.10.20.31:21352 <-> B2 host 10.10.40.52:30118 (UDP)"
    assert rows[184]["msice.pair"] == "A relay 203.0.113.10:53226 <-> B relay 203.0.113.10:54668 (UDP)"
    assert not rows[184]["msice.promotion"]
