# SPDX-License-Identifier: GPL-2.0-or-later
"""Teams and other calls without SIP (issue 10): media type inferred from the Teams port ranges and
DSCP marks, candidate types from the capture itself, per-session allocations and the far side's
relays, one-sided captures, ICE over TCP. On the generated teams-*.pcap (facts in captures/README.md,
"Teams-style captures") and on the real teams.pcap / stun-ice-tcp.pcap when present."""
import re

import pytest

from conftest import CAPTURES

CALL = CAPTURES / "teams-call.pcap"
ONE_SIDED = CAPTURES / "teams-one-sided.pcap"
ICE_TCP = CAPTURES / "teams-ice-tcp.pcap"
DASH = "\u2013"


def report(tshark, capture, two_pass=False):
    args = ["-n", "-q", "-r", tshark.capture(capture), "-z", "msice,calls"]
    if two_pass:
        args.insert(0, "-2")
    return tshark.run(args).stdout


def blocks(text):
    """Call-ID -> its report block."""
    parts = re.split(r"\n(?=Call-ID: )", text)
    out = {}
    for p in parts[1:]:
        cid = p.split("\n", 1)[0][len("Call-ID: "):]
        end = p.find("\n\n")
        out[cid] = p if end < 0 else p[:end]
    return out


def session(text, media_prefix):
    """The block of the one session whose media line starts with `media_prefix`."""
    hits = [b for b in blocks(text).values() if f"\n  Media {media_prefix}" in b]
    assert len(hits) == 1, f"{len(hits)} sessions with media {media_prefix!r} in:\n{text}"
    return hits[0]


def lines(block, prefix):
    return [l.strip() for l in block.splitlines() if l.strip().startswith(prefix)]


def unknown_types(text):
    """Candidate types or paths the report could not tell: "B unknown 1.2.3.4:5", "1 unknown (1 UDP)",
    "types unknown"."""
    return re.findall(r"(?:[AB] unknown \S+|\d+ unknown \(|types unknown|^ +unknown \S+:)", text, re.M)


def allocation_lines(block):
    start = block.index("    TURN allocations:\n")
    out = []
    for l in block[start:].splitlines()[1:]:
        if not l.startswith("      "):
            break
        out.append(l.strip())
    return out


# ---- teams-call.pcap: audio and video direct through NAT, sharing on the relay ----------------------

MEDIA = {
    # media: (A's socket, NAT port, relay, B host, B srflx, B relay, range, DSCP words)
    "audio": (50004, 61004, "52.113.64.20", "10.0.0.7:50010", "203.0.113.50:31010", "52.114.7.7:3479",
              f"50000{DASH}50019", "DSCP 46 EF"),
    "video": (50024, 61024, "52.113.64.21", "10.0.0.7:50030", "203.0.113.50:31030", "52.114.7.7:3480",
              f"50020{DASH}50039", "DSCP 34 AF41"),
    "sharing": (50044, 61044, "52.113.64.21", "10.0.0.7:50050", "203.0.113.50:31050", "52.114.7.7:3481",
                f"50040{DASH}50059", "DSCP 18 AF21"),
}


@pytest.mark.parametrize("media", sorted(MEDIA))
def test_call_media_and_candidates(tshark, media):
    port, nat, relay, b_host, b_srflx, b_relay, rng, dscp = MEDIA[media]
    text = report(tshark, CALL)
    b = session(text, media)
    assert f"  Media {media} (inferred from Teams port range {rng} and {dscp}); ICE version not known: no SDP" in b
    assert "    A candidates: 1 host (1 UDP), 1 relay (1 UDP)" in b
    assert "    B candidates: 1 host (1 UDP), 1 srflx (1 UDP), 1 relay (1 UDP)" in b
    assert f"host {b_host}: a private address: a host candidate" in b
    assert f"srflx {b_srflx}: public, not a relay, and B's host {b_host} is private: B's NAT mapping" in b
    assert f"leaves through its NAT as srflx 192.0.2.77:{nat}" in b
    # Only this session's socket's allocation; the far side's relay named as B's.
    allocs = allocation_lines(b)
    assert len(allocs) == 2, allocs
    assert allocs[0].startswith(f"A: 192.168.1.20:{port} -> Edge {relay}:3478 UDP: relayed {relay}:3480, reflexive "
                                f"192.0.2.77:{nat} (frame ")
    assert allocs[0].endswith("after a 401 challenge; released later)")
    assert allocs[1].startswith(f"B: relay {b_relay}, allocation not in the capture, first seen in frame ")
    assert "a Microsoft 365 transport relay" in allocs[1]
    others = [p for m, (p, *_rest) in MEDIA.items() if m != media] + [50005]
    for p in others:
        assert f"192.168.1.20:{p}" not in b
    assert unknown_types(b) == []


def test_call_paths(tshark):
    text = report(tshark, CALL)
    audio, video, share = session(text, "audio"), session(text, "video"), session(text, "sharing")
    assert ("A host 192.168.1.20:50004 via NAT as srflx 192.0.2.77:61004 <-> B srflx 203.0.113.50:31010 (UDP): "
            "success (frame 21), nominated (frame 40)") in audio
    assert "A host 192.168.1.20:50004 <-> B host 10.0.0.7:50010 (UDP): no response (3 requests from frame 17)" in audio
    # B's check through its relay carried its multiplexed session id.
    assert ("relay 52.114.7.7:3479: B's TURN relay: its check from there carried MS-MULTIPLEXED-TURN-SESSION-ID "
            "(frame 24); a Microsoft 365 transport relay") in audio
    assert lines(audio, "Final path:") == [
        "Final path: srflx, A host 192.168.1.20:50004 via NAT as srflx 192.0.2.77:61004 <-> B srflx "
        "203.0.113.50:31010 (UDP) (79 packets, last frame 134)"]
    assert lines(audio, "DSCP on the final path:") == ["DSCP on the final path: A -> B 46 (EF); B -> A 0 (not marked)"]
    assert lines(video, "Final path:")[0].startswith(
        "Final path: srflx, A host 192.168.1.20:50024 via NAT as srflx 192.0.2.77:61024 <-> B srflx 203.0.113.50:31030")
    assert lines(video, "DSCP on the final path:") == ["DSCP on the final path: A -> B 34 (AF41); B -> A 0 (not marked)"]
    # Sharing falls back to A's relay: every direct pair failed.
    assert ("A host 192.168.1.20:50044 via NAT as srflx 192.0.2.77:61044 <-> B srflx 203.0.113.50:31050 (UDP): "
            "no response (4 requests from frame 46)") in share
    assert "A relay 52.113.64.21:3480 <-> B srflx 203.0.113.50:31050 (UDP): success (frame 53), nominated (frame 55)" \
        in share
    assert lines(share, "Final path:") == [
        "Final path: relay UDP, A relay 52.113.64.21:3480 <-> B srflx 203.0.113.50:31050 (UDP) (20 packets, last "
        "frame 186)"]
    assert lines(share, "DSCP on the final path:") == ["DSCP on the final path: A -> B 18 (AF21); B -> A 0 (not marked)"]
    assert lines(share, "Verdict:") == ["Verdict: final path: relay UDP via 52.113.64.21:3480 (host and srflx checks "
                                        "failed)"]
    # The spare socket's allocation belongs to no session.
    assert ("\nTURN allocations that no ICE session's checks or media use:\n  192.168.1.20:50005 -> Edge "
            "52.113.64.20:3478 UDP: relayed 52.113.64.20:3480") in text
    # Nothing contradicts the packets: no finding on a call whose paths are what ICE chose.
    assert "Problems:" not in text
    assert "types unknown" not in text


@pytest.mark.parametrize("two_pass", [False, True])
def test_call_frame_fields(tshark, two_pass):
    rows = tshark.by_frame(CALL, ["msice.call_id", "msice.media.type", "msice.pair", "msice.path.rank",
                                  "msice.pair.rank"], "msice.pair", two_pass)
    # Frame 40 is a check (a Binding success response): its pair's rank is msice.pair.rank, and
    # msice.path.rank is for media only (issue 9).
    assert rows[40]["msice.media.type"] == "audio (inferred)"
    assert rows[40]["msice.pair"] == ("A host 192.168.1.20:50004 via NAT as srflx 192.0.2.77:61004 <-> B srflx "
                                      "203.0.113.50:31010 (UDP)")
    assert rows[40]["msice.pair.rank"] == "3" and rows[40]["msice.path.rank"] == ""
    media = [n for n, r in rows.items() if r["msice.path.rank"] and r["msice.media.type"] == "audio (inferred)"]
    assert media and all(rows[n]["msice.path.rank"] == "3" for n in media)
    assert rows[167]["msice.media.type"] == "sharing (inferred)"
    assert rows[167]["msice.path.rank"] == "2"  # RTP in a 0xFF10 frame: media on the relay
    assert rows[135]["msice.media.type"] == "video (inferred)"
    assert {r["msice.call_id"] for r in rows.values()} == set(blocks(report(tshark, CALL)))


def test_call_one_and_two_pass_agree(tshark):
    fields = ["frame.number", "msice.call_id", "msice.media.type", "msice.pair", "msice.path.rank"]
    assert tshark.fields(CALL, fields, "msice.pair") == tshark.fields(CALL, fields, "msice.pair", True)


# ---- teams-one-sided.pcap: only what Microsoft's relays send to A -----------------------------------

def test_one_sided_responses_only_session(tshark):
    text = report(tshark, ONE_SIDED)
    bl = blocks(text)
    b = bl["ICE session at 192.168.1.20:50006 (no SIP, no ICE user names)"]
    assert "Missing: ICE user names (no check request seen)" in b
    assert f"  Media audio (inferred from Teams port range 50000{DASH}50019); ICE version not known: no SDP" in b
    assert ("A host 192.168.1.20:50006 via NAT as srflx 192.0.2.77:61006 <-> B relay 52.114.7.7:3479 (UDP): success "
            "(frame 5; its request is not in the capture)") in b
    assert "Missing: the check requests (only responses to them in the capture" in b
    assert lines(b, "Final path:") == [
        "Final path: relay UDP, A host 192.168.1.20:50006 via NAT as srflx 192.0.2.77:61006 <-> B relay "
        "52.114.7.7:3479 (UDP) (25 packets, last frame 34)"]
    assert lines(b, "DSCP on the final path:") == ["DSCP on the final path: A -> B no media seen; B -> A 0 (not marked)"]
    assert "Missing: media from A to B on the final path" in b
    allocs = allocation_lines(b)
    assert allocs[0].startswith("A: 192.168.1.20:50006 -> Edge 52.113.64.20:3478 UDP: relayed 52.113.64.20:3480")
    assert allocs[1].startswith("B: relay 52.114.7.7:3479, allocation not in the capture")
    assert "192.168.1.20:50026" not in b


def test_one_sided_session_named_by_later_check(tshark):
    text = report(tshark, ONE_SIDED)
    video = session(text, "video")
    assert video.startswith("Call-ID: ICE session ") and "(no SIP, no ICE user names)" not in video
    assert f"  Media video (inferred from Teams port range 50020{DASH}50039)" in video
    assert ("A relay 52.113.64.21:3480 <-> B unknown 203.0.113.50:31032 (UDP): success (frame 7; its request is not "
            "in the capture)") in video
    # Media in 0xFF10 frames whose Set Active Destination request is missing: the allocation only ever
    # talked to one peer.
    assert lines(video, "Final path:") == [
        "Final path: relay UDP, A relay 52.113.64.21:3480 <-> B unknown 203.0.113.50:31032 (UDP) (10 packets, last "
        "frame 45)"]
    assert "Missing: media from A to B on the final path" in video
    assert len(blocks(text)) == 2
    # B's public address: nothing here says whether it is B's host or its NAT; it stays unknown,
    # and the path is known anyway (a relay).
    unknown = unknown_types(text)
    assert unknown and all("203.0.113.50:31032" in u or u == "1 unknown (" for u in unknown), unknown
    assert "types unknown" not in text


# ---- teams-ice-tcp.pcap: ICE over TCP between the clients -------------------------------------------

def test_ice_tcp_report(tshark):
    text = report(tshark, ICE_TCP)
    assert len(blocks(text)) == 1
    b = session(text, "audio")
    assert f"  Media audio (inferred from Teams port range 50000{DASH}50019 and DSCP 46 EF)" in b
    assert "host 10.10.20.31:52345 TCP-ACT (opened the connection): a private address: a host candidate" in b
    assert "host 10.20.8.15:50013 TCP-PASS (accepted the connection): a private address: a host candidate" in b
    assert "A host 10.10.20.31:50002 <-> B host 10.20.8.15:50012 (UDP): no response (3 requests from frame 1)" in b
    assert ("A host 10.10.20.31:52345 <-> B host 10.20.8.15:50013 (TCP, A TCP-ACT, B TCP-PASS): success (frame 8), "
            "nominated (frame 12)") in b
    # 13 RTP A->B (one segment carries two) and 12 B->A; the split check counts once.
    assert lines(b, "Final path:") == [
        "Final path: host, A host 10.10.20.31:52345 <-> B host 10.20.8.15:50013 (TCP, A TCP-ACT, B TCP-PASS) "
        "(25 packets, last frame 36)"]
    assert lines(b, "DSCP on the final path:") == ["DSCP on the final path: A -> B 46 (EF); B -> A 0 (not marked)"]


@pytest.mark.parametrize("two_pass", [False, True])
def test_ice_tcp_frames(tshark, two_pass):
    rows = tshark.by_frame(ICE_TCP, ["msice.rfc4571_length", "stun.type", "rtp.seq", "msice.path.type"],
                           "tcp", two_pass)
    assert rows[7]["msice.rfc4571_length"] == "104" and rows[7]["stun.type"] == "0x0001"
    # Two RFC 4571 frames in one segment: the response and B's check.
    assert rows[8]["stun.type"] == ["0x0101", "0x0001"]
    # The check split over frames 10 and 11 is decoded once, in 11.
    assert rows[10]["stun.type"] == "" and rows[11]["stun.type"] == "0x0001"
    assert rows[25]["rtp.seq"] == ["27215", "27216"]
    assert rows[13]["msice.path.type"] == "host (direct)"


# ---- real captures ---------------------------------------------------------------------------------

def test_teams_pcap_sessions(tshark, teams_pcap):
    text = report(tshark, teams_pcap)
    audio = session(text, "audio")
    video = session(text, "video")
    assert audio.startswith("Call-ID: ICE session FY32/o5/I (no SIP)")
    assert f"  Media audio (inferred from Teams port range 50000{DASH}50019); ICE version not known: no SDP" in audio
    assert f"  Media video (inferred from Teams port range 50020{DASH}50039); ICE version not known: no SDP" in video
    # A's host leaves through its NAT as 80.181.206.72:57543 (server-reflexive) to B 93.71.110.205:16332.
    assert lines(audio, "Final path:") == [
        "Final path: srflx, A host 192.168.1.6:50016 via NAT as srflx 80.181.206.72:57543 <-> B srflx "
        "93.71.110.205:16332 (UDP) (28 packets, last frame 1540)"]
    assert lines(audio, "DSCP on the final path:") == ["DSCP on the final path: A -> B 0 (not marked); B -> A 0 (not "
                                                       "marked)"]
    # Only the allocations of the session's own socket; B's relay named as such.
    assert allocation_lines(audio) == [
        "A: 192.168.1.6:50016 -> Edge 52.114.250.123:3478 UDP: error 401 (frame 1245)",
        "A: 192.168.1.6:50016 -> Edge 52.114.250.141:3478 UDP: relayed 52.114.250.141:3480, reflexive "
        "80.181.206.72:57543 (frame 1275)",
        "B: relay 52.114.252.8:3479, allocation not in the capture, first seen in frame 1422: B's TURN relay: its "
        "check from there carried MS-MULTIPLEXED-TURN-SESSION-ID (frame 1422); a Microsoft 365 transport relay"]
    assert [a.split(" -> ")[0] for a in allocation_lines(video)[:2]] == ["A: 192.168.1.6:50036"] * 2
    assert "B: relay 52.114.252.21:3480, allocation not in the capture" in video
    assert ("A host 192.168.1.6:50016 via NAT as srflx 80.181.206.72:57543 <-> B relay 52.114.252.8:3479 (UDP): "
            "success (frame 1424)") in audio
    assert "A relay 52.114.250.141:3480 <-> B srflx 93.71.110.205:16332 (UDP): success (frame 1423)" in audio
    # The spare sockets 50017 and 50037: under no session, listed apart.
    tail = text[text.index("TURN allocations that no ICE session's checks or media use:"):]
    assert "192.168.1.6:50017 -> Edge 52.114.250.141:3478" in tail and "192.168.1.6:50037 -> Edge" in tail
    assert "50017" not in audio and "50037" not in video
    assert unknown_types(text) == []


def test_stun_ice_tcp_pcap(tshark, stun_ice_tcp_pcap):
    text = report(tshark, stun_ice_tcp_pcap)
    bl = blocks(text)
    assert list(bl) == ["ICE session /pI0/ToEd (no SIP)"]
    b = bl["ICE session /pI0/ToEd (no SIP)"]
    assert "A host 10.77.110.51:41588 <-> B host 10.206.50.239:42000 (TCP, A TCP-ACT, B TCP-PASS): success (frame 5)" \
        in b
    assert "host 10.77.110.51:41588 TCP-ACT (opened the connection)" in b
    assert "host 10.206.50.239:42000 TCP-PASS (accepted the connection)" in b
    rows = tshark.by_frame(stun_ice_tcp_pcap, ["msice.call_id", "msice.rfc4571_length", "stun.type"],
                           "frame.number <= 15", two_pass=True)
    checks = [f for f, r in rows.items() if r["msice.call_id"]]
    assert checks == list(range(3, 15))
    assert all(rows[f]["msice.rfc4571_length"] for f in checks)
    assert rows[12]["stun.type"] == "0x0101"
