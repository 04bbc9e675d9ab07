# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark tests of the troubleshooting rules (README.md, "Troubleshooting: what the expert
infos mean and what to check next"): every msice.expert.* finding fires on its trigger capture,
on the frame where the fault shows and with its severity, and nowhere else.

Findings judge the whole capture, so they exist only with two passes (tshark -2). Each expected
frame below is a fact of captures/README.md (what the generator did); test_frames_are_readme_facts
checks them against that file, so a regenerated capture with other frame numbers fails loudly
instead of testing the wrong packets.
"""
import json
import re
import struct
import subprocess

import pytest

from conftest import CAPTURES

NOTE, WARN = 0x00400000, 0x00600000          # _ws.expert.severity: PI_NOTE, PI_WARN
SEVERITY = {NOTE: "note", WARN: "warning"}

# The rules (expert names, README table). promotion is the timeline note, not a rule.
RULES = ("no_edge_credentials", "no_edge_candidates", "no_edge_candidates_inside", "relay_udp_only",
         "relay_tcp_only", "private_edge_address", "turn_unreachable", "turn_credentials_rejected", "turn_error",
         "all_checks_failed", "relay_despite_direct", "tcp_relay", "no_reinvite", "client_diagnostics",
         "media_rejected")

# Every rule finding (and promotion note) of the whole-call captures: {capture: {(expert, frame): severity}}.
# Frames are "as sent" on the first capture point that sees the message (the earliest copy).
EXPECTED = {
    # Frank (outside) got MRAS "Forbidden" (frame 3) and offers host candidates only: both rules on his
    # INVITE (frame 5); Bob's 183 (frame 16) offers relay UDP only.
    "rule-no-edge-credentials.pcap": {("no_edge_credentials", 5): WARN, ("no_edge_candidates", 5): WARN,
                                      ("relay_udp_only", 16): NOTE},
    # Frank (outside) offers the relay candidate 10.30.1.5:54630 in his INVITE (frame 15); Alice's private relay
    # candidates are not flagged (she is inside).
    "rule-private-edge-address.pcap": {("private_edge_address", 15): WARN, ("relay_udp_only", 15): NOTE,
                                       ("relay_udp_only", 26): NOTE},
    # edge02 answers 401 again to Alice's authenticated Allocates (frames 12, 15): frames 14 and 17.
    "rule-turn-credentials.pcap": {("turn_credentials_rejected", 14): WARN, ("turn_credentials_rejected", 17): WARN,
                                   ("relay_udp_only", 25): NOTE, ("relay_udp_only", 36): NOTE},
    # host<->host succeeds (frame 153) but media stays relay<->relay from its first packet (frame 30).
    "rule-relay-despite-direct.pcap": {("relay_despite_direct", 30): WARN, ("relay_udp_only", 13): NOTE,
                                       ("relay_udp_only", 24): NOTE},
    # 200 OK with the answer (frame 40), media for 12 s, no re-INVITE.
    "rule-no-reinvite.pcap": {("no_reinvite", 40): WARN, ("relay_udp_only", 13): NOTE, ("relay_udp_only", 24): NOTE},
    # Erin's UDP Allocates (first transmissions frames 7, 8) are never answered; her INVITE (24) offers relay
    # TCP only; media flows on the TCP relay pair from frame 114.
    "call-tcp-relay.pcap": {("turn_unreachable", 7): WARN, ("turn_unreachable", 8): WARN,
                            ("relay_tcp_only", 24): WARN, ("tcp_relay", 114): WARN},
    # 486 to Alice's three Allocates (10, 17, 21); her INVITE (22) offers host only; Frank's 183 (35) relay UDP
    # only; last check transmission 63; the BYE with ms-client-diagnostics 23 as sent (64); the same BYE as
    # received (65) is a copy and not a second finding.
    "call-failed.pcap": {("turn_error", 10): WARN, ("turn_error", 17): WARN, ("turn_error", 21): WARN,
                         ("no_edge_candidates", 22): WARN, ("relay_udp_only", 35): NOTE,
                         ("all_checks_failed", 63): WARN, ("client_diagnostics", 64): WARN},
    # The calls that work as they should: only the relay_udp_only notes (INVITE, 183) and the promotions.
    "call-inside-inside.pcap": {("relay_udp_only", 13): NOTE, ("relay_udp_only", 24): NOTE},
    "call-inside-outside.pcap": {("relay_udp_only", 13): NOTE, ("relay_udp_only", 26): NOTE},
    "call-outside-outside.pcap": {("relay_udp_only", 15): NOTE, ("relay_udp_only", 28): NOTE,
                                  ("promotion", 538): NOTE},
    "call-federation.pcap": {("relay_udp_only", 13): NOTE, ("relay_udp_only", 24): NOTE},
    "call-early-media-promotion.pcap": {("relay_udp_only", 13): NOTE, ("relay_udp_only", 24): NOTE,
                                        ("promotion", 385): NOTE},
    # Relay candidates over UDP and TCP on both sides, no packets but SIP: nothing to report.
    "sip-lync2013-call.pcap": {},
    # Issue 9 (SIP dialogs). A capture that starts inside the 183: Frank's first SDP is the 200 OK (340), Alice's
    # the re-INVITE (377). A forked INVITE: Alice's INVITE (16), the desktop's 183 (30, the fork that never
    # answers), the laptop's 183 (48); no relay_despite_direct (the host pair that succeeded is the desktop's), no
    # promotion. REGISTER/SUBSCRIBE with location headers: findings of the call only (INVITE 18, 183 21).
    "call-mid-call-start.pcap": {("relay_udp_only", 340): NOTE, ("relay_udp_only", 377): NOTE},
    "call-forked.pcap": {("relay_udp_only", 16): NOTE, ("relay_udp_only", 30): NOTE, ("relay_udp_only", 48): NOTE},
    "call-register-location.pcap": {("relay_udp_only", 18): NOTE, ("relay_udp_only", 21): NOTE},
    # Issue 9 (test_media_paths.py checks these frames against captures/README.md): relay data sent raw after
    # Set Active Destination is no path of its own, only the promotion to host at 394; the callee's closed port
    # answers Alice's RTP with ICMP from frame 183; audio relay UDP + application sharing relay TCP: silent.
    "call-relay-active-destination.pcap": {("relay_udp_only", 16): NOTE, ("relay_udp_only", 30): NOTE,
                                           ("promotion", 394): NOTE},
    "call-media-rejected.pcap": {("relay_udp_only", 13): NOTE, ("relay_udp_only", 24): NOTE,
                                 ("media_rejected", 183): WARN},
    "call-appsharing-tcp.pcap": {},
}

# Captures in which the media moved to another pair (captures/README.md "Promotion" lines).
PROMOTIONS = {"call-early-media-promotion.pcap": [385], "call-outside-outside.pcap": [538],
              "call-relay-active-destination.pcap": [394]}

# Captures that must raise no warning at all from msice (the relay_udp_only note is fine).
SILENT = ["call-inside-inside.pcap", "call-early-media-promotion.pcap", "call-outside-outside.pcap",
          "call-federation.pcap", "call-inside-outside.pcap", "sip-lync2013-call.pcap", "call-mid-call-start.pcap",
          "call-forked.pcap", "call-register-location.pcap", "call-relay-active-destination.pcap",
          "call-appsharing-tcp.pcap"]


# ---------------------------------------------------------------- helpers

_cache = {}


def _walk(node, frame, out):
    """Collect (frame, expert, severity, message) from tshark -T json parsed as key/value pair lists."""
    if not isinstance(node, list):
        return
    if node and all(isinstance(p, tuple) for p in node):
        keys = dict(node)
        if "_ws.expert.severity" in keys:
            for k, _ in node:
                if k.startswith("msice.expert."):
                    out.append((frame, k[len("msice.expert."):], int(keys["_ws.expert.severity"]),
                                keys.get("_ws.expert.message", "")))
        for _, v in node:
            _walk(v, frame, out)
    else:
        for v in node:
            _walk(v, frame, out)


def experts(tshark, name):
    """Every msice.expert.* item of a capture (two passes): [(frame, expert, severity, message)].
    JSON keeps each expert item's name next to its severity (the -T fields lists do not)."""
    if name not in _cache:
        res = tshark.run(["-n", "-2", "-r", tshark.capture(CAPTURES / name), "-T", "json", "-Y", "_ws.expert"])
        out = []
        for pkt in json.loads(res.stdout, object_pairs_hook=lambda pairs: pairs):
            layers = dict(dict(pkt)["_source"])["layers"]
            frame = int(dict(dict(layers)["frame"])["frame.number"])
            _walk(layers, frame, out)
        _cache[name] = out
    return _cache[name]


def findings(tshark, name):
    """{(expert, frame): severity} of the rule findings and promotion notes."""
    found = {}
    for frame, expert, sev, _ in experts(tshark, name):
        if expert in RULES or expert == "promotion":
            assert (expert, frame) not in found, f"{name}: {expert} twice on frame {frame}"
            found[(expert, frame)] = sev
    return found


def readme_section(name):
    text = (CAPTURES / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {name} — ")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else len(text)]


def readme_rows(name):
    """{frame: table row} of the capture's frame table (a run of RTP frames: its row for each frame)."""
    rows = {}
    for line in readme_section(name).splitlines():
        m = re.match(r"\| (\d+)(?:–(\d+))? \| \d", line)
        if m:
            for n in range(int(m.group(1)), int(m.group(2) or m.group(1)) + 1):
                rows[n] = line
    return rows


def readme_timeline(name):
    """{event: frame} of the "**Timeline**" line of the capture's expected report."""
    line = next(l for l in readme_section(name).splitlines() if l.startswith("- **Timeline**: "))
    return {m.group(1).strip(): int(m.group(2))
            for m in re.finditer(r"(?:^- \*\*Timeline\*\*: |; )([^;]+?) \d+\.\d+ \(frame (\d+)\)", line)}


def report(tshark, name):
    return tshark.run(["-n", "-q", "-r", tshark.capture(CAPTURES / name), "-z", "msice,calls"]).stdout


# ---------------------------------------------------------------- the expected frames are README facts

def test_frames_are_readme_facts():
    """Every frame of EXPECTED is what captures/README.md says happened there."""
    tl = readme_timeline
    # the offers: first SDP of each party, as sent
    for name, invite, answer in [("rule-no-edge-credentials.pcap", 5, 16), ("rule-private-edge-address.pcap", 15, 26),
                                 ("rule-turn-credentials.pcap", 25, 36), ("rule-relay-despite-direct.pcap", 13, 24),
                                 ("rule-no-reinvite.pcap", 13, 24), ("call-tcp-relay.pcap", 24, 44),
                                 ("call-failed.pcap", 22, 35), ("call-inside-inside.pcap", 13, 24),
                                 ("call-inside-outside.pcap", 13, 26), ("call-outside-outside.pcap", 15, 28),
                                 ("call-federation.pcap", 13, 24), ("call-early-media-promotion.pcap", 13, 24)]:
        assert (tl(name)["INVITE"], tl(name)["183"]) == (invite, answer), name
        rows = readme_rows(name)
        assert "SIP INVITE (A's ICE v19 offer)" in rows[invite] and "SIP 183" in rows[answer]
    # rule-no-edge-credentials: MRAS answered Forbidden, A offers host candidates only
    rows = readme_rows("rule-no-edge-credentials.pcap")
    assert "MRAS response reasonPhrase Forbidden (A, no credentials)" in rows[3]
    assert "`1 1 UDP 2130706431 192.0.2.60 16410 typ host`" in rows[5] and "typ relay" not in rows[5]
    # rule-private-edge-address: the relayed address the Edge gave Frank is private
    assert "10.30.1.5:54630" in readme_rows("rule-private-edge-address.pcap")[13]
    assert "typ relay raddr" in readme_rows("rule-private-edge-address.pcap")[15]
    # rule-turn-credentials: second 401 on each socket, to the request that carried the credentials
    rows = readme_rows("rule-turn-credentials.pcap")
    for second, authenticated, first in [(14, 12, 10), (17, 15, 13)]:
        assert "credentials rejected" in rows[second] and f"response to frame {authenticated}" in rows[second]
        assert "(A comp" in rows[authenticated] and "authenticated" in rows[authenticated]
        assert "Allocate Error Response 401" in rows[first] and "rejected" not in rows[first]
    # rule-relay-despite-direct: first RTP (on relay<->relay), host<->host succeeded later, no promotion
    assert tl("rule-relay-despite-direct.pcap")["first RTP"] == 30
    assert "Send Request: RTP A→B (relay UDP" in readme_rows("rule-relay-despite-direct.pcap")[30]
    sec = readme_section("rule-relay-despite-direct.pcap")
    assert "response to check B1 (A→B host→host comp 1)" in readme_rows("rule-relay-despite-direct.pcap")[153]
    assert "- Promotions: none" in sec
    # rule-no-reinvite: the 200 OK as sent; media goes on more than 10 s; no re-INVITE
    assert tl("rule-no-reinvite.pcap")["200 OK"] == 40 and "re-INVITE" not in tl("rule-no-reinvite.pcap")
    t200 = float(re.search(r"200 OK (\d+\.\d+)", readme_section("rule-no-reinvite.pcap")).group(1))
    tlast = float(re.search(r"last RTP (\d+\.\d+)", readme_section("rule-no-reinvite.pcap")).group(1))
    assert tlast - t200 > 10
    # call-tcp-relay: unanswered UDP Allocates, relay TCP only, first media on the TCP relay pair
    assert (tl("call-tcp-relay.pcap")["A comp 1 UDP Allocate"], tl("call-tcp-relay.pcap")["A comp 2 UDP Allocate"]) \
        == (7, 8)
    assert "UDP blocked" in readme_section("call-tcp-relay.pcap")
    assert tl("call-tcp-relay.pcap")["first RTP"] == 114
    # call-failed: 486 frames, the last check transmission, the BYEs with code 23
    rows = readme_rows("call-failed.pcap")
    assert sorted(n for n, w in rows.items() if "Allocate Error Response 486" in w) == [10, 17, 21]
    checks = [int(n) for l in readme_section("call-failed.pcap").splitlines() if re.match(r"\| [AB]\d+ \|", l)
              for n in re.findall(r"\d+", l.split("|")[9])]
    assert max(checks) == 63
    assert sorted(n for n, w in rows.items() if "SIP BYE" in w and "ms-client-diagnostics 23" in w) == [64, 65]
    # the promotions: first RTP on the new path (the first direction that moves)
    assert tl("call-early-media-promotion.pcap")["first RTP on host↔host"] == 385
    assert tl("call-outside-outside.pcap")["first RTP on srflx↔srflx"] == 538


# ---------------------------------------------------------------- each rule on its trigger

TRIGGERS = [
    ("no_edge_credentials", "rule-no-edge-credentials.pcap", WARN, [5]),
    ("no_edge_candidates", "rule-no-edge-credentials.pcap", WARN, [5]),
    ("no_edge_candidates", "call-failed.pcap", WARN, [22]),
    ("private_edge_address", "rule-private-edge-address.pcap", WARN, [15]),
    ("turn_credentials_rejected", "rule-turn-credentials.pcap", WARN, [14, 17]),
    ("relay_despite_direct", "rule-relay-despite-direct.pcap", WARN, [30]),
    ("no_reinvite", "rule-no-reinvite.pcap", WARN, [40]),
    ("tcp_relay", "call-tcp-relay.pcap", WARN, [114]),
    ("relay_tcp_only", "call-tcp-relay.pcap", WARN, [24]),
    ("turn_unreachable", "call-tcp-relay.pcap", WARN, [7, 8]),
    ("turn_error", "call-failed.pcap", WARN, [10, 17, 21]),
    ("all_checks_failed", "call-failed.pcap", WARN, [63]),
    ("client_diagnostics", "call-failed.pcap", WARN, [64]),
    ("relay_udp_only", "call-inside-inside.pcap", NOTE, [13, 24]),
    ("promotion", "call-early-media-promotion.pcap", NOTE, [385]),
    ("promotion", "call-outside-outside.pcap", NOTE, [538]),
]


@pytest.mark.parametrize("expert,name,severity,frames", TRIGGERS, ids=[f"{t[0]}-{t[1]}" for t in TRIGGERS])
def test_rule_fires(tshark, expert, name, severity, frames):
    """The expert info is filterable by name, sits on the expected frames, with its severity."""
    rows = tshark.by_frame(CAPTURES / name, ["msice.finding", "_ws.expert.message", "_ws.expert.severity"],
                           f"msice.expert.{expert}", two_pass=True)
    assert sorted(rows) == frames
    items = [(f, sev) for f, e, sev, _ in experts(tshark, name) if e == expert]
    assert sorted(items) == [(f, severity) for f in frames]
    for f in frames:
        sevs = rows[f]["_ws.expert.severity"]
        assert str(severity) in (sevs if isinstance(sevs, list) else [sevs])


def test_findings_need_two_passes(tshark):
    """One pass cannot know the future: no findings without -2."""
    assert tshark.by_frame(CAPTURES / "call-failed.pcap", ["msice.finding"], "msice.finding") == {}
    assert tshark.by_frame(CAPTURES / "rule-no-reinvite.pcap", ["msice.finding"], "msice.expert.no_reinvite") == {}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exactly_these_findings(tshark, name):
    """Each capture raises its expected findings and no other rule (nor a second copy of one)."""
    assert findings(tshark, name) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.startswith("rule-") or n in ("call-failed.pcap",
                                                                                           "call-tcp-relay.pcap")))
def test_report_lists_the_same_findings(tshark, name):
    """-z msice,calls prints the findings of the expert infos, with the same frames and severities."""
    listed = sorted((int(f), s) for s, f in re.findall(r"^\s+\[(warning|note), frame (\d+)\]", report(tshark, name),
                                                       re.M))
    expected = sorted((f, SEVERITY[sev]) for (e, f), sev in EXPECTED[name].items() if e != "promotion")
    assert listed == expected


# ---------------------------------------------------------------- what each rule capture says

def test_no_edge_credentials_text(tshark):
    f = {e: m for fr, e, _, m in experts(tshark, "rule-no-edge-credentials.pcap") if fr == 5}
    assert f["no_edge_credentials"] == ("The caller (A) got no Edge credentials from MRAS (Forbidden, frame 3): it "
                                        "offers no relay candidate")
    assert "fine for a call inside the network" not in f["no_edge_candidates"]
    assert "MRAS (A, 192.0.2.60): failed: Forbidden (frame 3)" in report(tshark, "rule-no-edge-credentials.pcap")


def test_private_edge_address_text(tshark):
    f = {e: m for fr, e, _, m in experts(tshark, "rule-private-edge-address.pcap") if fr == 15}
    assert "offers the private address relay 10.30.1.5:54630" in f["private_edge_address"]
    assert "Scenario: outside <-> inside" in report(tshark, "rule-private-edge-address.pcap")


def test_turn_credentials_rejected_on_msturn_too(tshark):
    """msturn judges each 401 on its own: a challenge to the bare Allocates, a rejection where the request
    carried credentials; both second 401s are on 5-tuples that never succeed (edge02)."""
    cap = CAPTURES / "rule-turn-credentials.pcap"
    rejected = tshark.by_frame(cap, ["msturn.attr.error_code"], "msturn.expert.auth_rejected", two_pass=True)
    assert sorted(rejected) == [14, 17]
    challenged = tshark.by_frame(cap, ["ip.src"], "msturn.expert.auth_challenge", two_pass=True)
    assert {10, 13} <= set(challenged) and not {14, 17} & set(challenged)
    texts = [m for f, e, _, m in experts(tshark, "rule-turn-credentials.pcap") if e == "turn_credentials_rejected"]
    assert texts == ["The Edge 10.10.1.6:3478 answered 401 again after the client sent its credentials: the "
                     "credentials were rejected (expired MRAS credentials, or Edge servers with different "
                     "certificates)"] * 2


def test_relay_despite_direct_text(tshark):
    f = [m for fr, e, _, m in experts(tshark, "rule-relay-despite-direct.pcap") if e == "relay_despite_direct"]
    assert f == ["audio media stays on relay UDP although the direct pair A host 10.10.20.31:22190 <-> B host "
                 "10.20.8.15:17410 (UDP) succeeded (frame 153)"]
    text = report(tshark, "rule-relay-despite-direct.pcap")
    assert "A host 10.10.20.31:22190 <-> B host 10.20.8.15:17410 (UDP): success (frame 153)" in text
    assert "Promotion" not in text


def test_no_reinvite_text(tshark):
    text = report(tshark, "rule-no-reinvite.pcap")
    assert ("[warning, frame 40] No re-INVITE with a=remote-candidate(s) within 10 s of the 200 OK (the capture "
            "goes on 12.2 s after it)") in text
    assert "re-INVITE (frame" not in text


# ---------------------------------------------------------------- silence

@pytest.mark.parametrize("name", SILENT)
def test_no_warnings_on_good_calls(tshark, name):
    """Calls that work as they should: no msice.expert.* item at warning level or above, of any kind."""
    loud = [(f, e, m) for f, e, sev, m in experts(tshark, name) if sev >= WARN]
    assert loud == []
    assert {e for _, e, _, _ in experts(tshark, name)} <= {"relay_udp_only", "promotion"}


@pytest.mark.parametrize("name", sorted(p.name for p in CAPTURES.glob("*.pcap")))
def test_promotion_only_where_media_moved(tshark, name):
    frames = sorted(f for f, e, _, _ in experts(tshark, name) if e == "promotion")
    assert frames == PROMOTIONS.get(name, [])


def test_two_challenges_without_credentials_are_not_a_rejection(tshark):
    """Two bare Allocates, each answered 401 (the client never sent credentials): msturn calls both a
    challenge, so the model must not say the Edge rejected credentials."""
    from scapy.all import IP, UDP, Ether, wrpcap

    def msg(mtype, txid, attrs):
        body = b"".join(struct.pack("!HH", t, len(v)) + v for t, v in attrs)
        return struct.pack("!HH", mtype, len(body)) + txid + body
    cookie = (0x000F, struct.pack("!I", 0x72C64BC6))
    pkts = []
    for i in range(2):
        txid = bytes.fromhex("2112a442") + bytes([i + 1]) * 12
        pkts.append(Ether() / IP(src="10.10.20.31", dst="10.10.1.5") / UDP(sport=50000, dport=3478) /
                    msg(0x0003, txid, [cookie, (0x8008, struct.pack("!I", 6))]))
        pkts.append(Ether() / IP(src="10.10.1.5", dst="10.10.20.31") / UDP(sport=3478, dport=50000) /
                    msg(0x0113, txid, [cookie, (0x8008, struct.pack("!I", 6)),
                                       (0x0009, struct.pack("!HBB", 0, 4, 1) + b"Unauthorized"),
                                       (0x0014, bytes([i]) * 20), (0x0015, b'"rtcmedia"')]))
    for i, p in enumerate(pkts):
        p.time = 1768467600 + i
    pcap = tshark.home / "caps" / "two-challenges.pcap"
    wrpcap(str(pcap), pkts)
    pcap.chmod(0o644)
    challenged = tshark.by_frame(pcap, ["ip.src"], "msturn.expert.auth_challenge", two_pass=True)
    assert sorted(challenged) == [2, 4]
    assert tshark.by_frame(pcap, ["msice.finding"], "msice.expert.turn_credentials_rejected", two_pass=True) == {}


# ---------------------------------------------------------------- no_reinvite needs 10 s of capture

@pytest.mark.parametrize("name,last", [("rule-no-reinvite.pcap", 100), ("call-inside-inside.pcap", 78)])
def test_no_reinvite_waits_for_ten_seconds(tshark, tmp_path, name, last):
    """Cut a few seconds after the 200 OK (frame 40 at 2.904 s), before any re-INVITE: the capture does
    not go on 10 s, so no_reinvite must stay silent, even though SIP diagnostics headers (the location
    headers of the INVITE) fed the model before the cut (they once did so on another clock)."""
    cut = tmp_path / f"cut-{name}"   # not the name of the whole capture (tshark.capture() copies by name)
    subprocess.run(["editcap", "-r", str(CAPTURES / name), str(cut), f"1-{last}"], check=True,
                   capture_output=True)
    rows = tshark.by_frame(cut, ["frame.time_relative", "msice.diag.header"], two_pass=True)
    assert max(rows) == last and float(rows[last]["frame.time_relative"]) < 2.904 + 10
    assert any(r["msice.diag.header"] for r in rows.values())
    assert not any(e == "no_reinvite" for e, _ in findings(tshark, cut))
    assert "No re-INVITE" not in tshark.run(["-n", "-q", "-r", tshark.capture(cut), "-z", "msice,calls"]).stdout


# ---------------------------------------------------------------- no_edge_credentials without any MRAS

def test_no_mras_exchange_at_all(tshark, tmp_path):
    """rule-no-edge-credentials without its four MRAS frames: Frank (outside, by his location header)
    never asked for Edge credentials and offers host candidates only. The rule's other form fires on his
    INVITE (frame 1 of the cut), and Bob, who is inside and offers a relay, is not flagged."""
    cut = tmp_path / "cut-no-mras.pcap"
    subprocess.run(["editcap", str(CAPTURES / "rule-no-edge-credentials.pcap"), str(cut), "1-4"], check=True,
                   capture_output=True)
    rows = tshark.by_frame(cut, ["sip.Method", "mras.reason"], two_pass=True)
    assert rows[1]["sip.Method"] == "INVITE" and not any(r["mras.reason"] for r in rows.values())
    assert findings(tshark, cut) == {("no_edge_credentials", 1): WARN, ("no_edge_candidates", 1): WARN,
                                     ("relay_udp_only", 12): NOTE}
    text = tshark.run(["-n", "-q", "-r", tshark.capture(cut), "-z", "msice,calls"]).stdout
    assert ("[warning, frame 1] The caller (A) is outside the network but no MRAS exchange was seen and it "
            "offers no relay candidate") in text
