# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark -q -z msice,json: schema, values, and agreement with -z msice,calls.

Every bundled capture's JSON validates against schema/msice-report.schema.json,
and every path, promotion, verdict, pair and finding the text report prints is
in the JSON with the same values (and nothing more): both come from one walk.
"""
import json
import re

import jsonschema
import pytest

from conftest import CAPTURES, REAL, ROOT

SCHEMA = json.loads((ROOT / "schema" / "msice-report.schema.json").read_text())
BUNDLED = sorted(CAPTURES.glob("*.pcap"))
REAL_CAPTURES = sorted(REAL.glob("*.pcap")) if REAL.is_dir() else []


def json_report(tshark, capture, filt=None):
    tap = "msice,json" + (f",{filt}" if filt else "")
    out = tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z", tap]).stdout
    return json.loads(out)


def text_report(tshark, capture):
    return tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z", "msice,calls"]).stdout


def secrets(tshark, capture):
    """The MRAS passwords and ICE passwords (a=ice-pwd) the capture holds."""
    rows = tshark.fields(capture, ["mras.password", "msice.pwd"], dfilter="mras.password || msice.pwd")
    out = set()
    for r in rows:
        for v in r.values():
            for x in (v if isinstance(v, list) else [v]):
                if len(x) >= 6:
                    out.add(x)
    return out


def time_text(time_s):
    """The text report's time: rounded to the millisecond, halves up."""
    us = round(time_s * 1e6)
    ms = (abs(us) + 500) // 1000
    return f"{'-' if us < 0 else ''}{ms // 1000}.{ms % 1000:03d} s"


SEVERITY = {"note": "note", "warning": "warning", "error": "error"}
OUTCOME = {"success": "success", "no_response": "no response", "error": "error", "not_checked": "not checked"}


def json_lines(doc):
    """The lines of the text report that the JSON fully determines, per Call-ID."""
    calls = {}
    for c in doc["calls"]:
        lines = []
        for mr in c["mras"]:
            if mr["result"] == "no_response":
                lines.append(f"MRAS ({mr['party']}, {mr['client']}): request in frame {mr['request_frame']}, no response")
            else:
                ok = "credentials OK" if mr["result"] == "ok" else f"failed: {mr['reason']}"
                lines.append(f"MRAS ({mr['party']}, {mr['client']}): {ok} (frame {mr['frame']})")
        for m in c["media"]:
            for a in m["allocations"]:
                lines.append(f"{a['party']}: {a['text']}")
            for p in m["pairs"]:
                lines.append(f"PAIR {p['pair']['text']}: {OUTCOME[p['outcome']]}"
                             + (f" nominated {p['nominated_frame']}" if p["nominated"] else ""))
            e = m["early_media"]
            if e:
                lines.append(f"Early media: {e['path']}, {e['pair']['text']}, from {time_text(e['time_s'])} "
                             f"(frame {e['frame']})")
            else:
                lines.append("Early media: none seen")
            for pr in m["promotions"]:
                lines.append(f"Promotion at {time_text(pr['time_s'])} (frame {pr['frame']}): {pr['from']} -> "
                             f"{pr['to']}, {pr['pair']['text']}; {pr['reason']}")
            f = m["final_path"]
            if f:
                lines.append(f"Final path: {f['path']}, {f['pair']['text']} ({f['packets']} packets, last frame "
                             f"{f['last_frame']})")
            else:
                lines.append("Final path: none (no media)")
            for fm in m["fork_media"]:
                lines.append(f"Media with {fm['party']} (a fork that "
                             f"{'did not answer' if c['answered'] else 'has not answered'}): {fm['path']}, "
                             f"{fm['pair']['text']}, from {time_text(fm['time_s'])} (frame {fm['frame']})"
                             + "".join(f"; then {x['path']} (frame {x['frame']})" for x in fm["then"])
                             + f"; last packet frame {fm['last_frame']}")
            lines.append(f"Verdict: {m['verdict']}")
        for fi in c["findings"]:
            lines.append(f"[{SEVERITY[fi['severity']]}, frame {fi['frame']}] {fi['text']}")
        calls[c["call_id"]] = lines
    edge = [f"[{SEVERITY[fi['severity']]}, frame {fi['frame']}] {fi['text']}" for fi in doc["edge_findings"]]
    unused = [a["text"] for a in doc["unused_allocations"]]
    return calls, edge, unused


PAIR_LINE = re.compile(r"^      (A .+ <-> B\d* .+\)): (success|no response|error|not checked)(.*)$")
ALLOC_LINE = re.compile(r"^      ([AB]\d*): (.*)$")


def text_lines(text):
    """The same lines, read back from the text report."""
    calls, edge, unused = {}, [], []
    cur = None
    section = None
    in_alloc = False
    for raw in text.splitlines():
        if raw.startswith("Call-ID: "):
            cur = calls.setdefault(raw[len("Call-ID: "):], [])
            section = "call"
            continue
        if raw.startswith("A/V Edge (TURN) problems"):
            section, cur = "edge", None
            continue
        if raw.startswith("TURN allocations that no ICE session"):
            section, cur = "unused", None
            continue
        s = raw.strip()
        if section == "edge" and s.startswith("["):
            edge.append(s)
            continue
        if section == "unused" and raw.startswith("  ") and s:
            unused.append(s)
            continue
        if cur is None:
            continue
        if raw.startswith("    TURN allocations:"):
            in_alloc = True
            continue
        if in_alloc:
            m = ALLOC_LINE.match(raw)
            if m:
                cur.append(f"{m.group(1)}: {m.group(2)}")
                continue
            in_alloc = False
        m = PAIR_LINE.match(raw)
        if m:
            nom = re.search(r", nominated \(frame (\d+)\)", m.group(3))
            cur.append(f"PAIR {m.group(1)}: {m.group(2)}" + (f" nominated {nom.group(1)}" if nom else ""))
            continue
        if s.startswith(("MRAS (", "Early media:", "Promotion at ", "Final path:", "Media with ", "Verdict:")) or \
                (s.startswith("[") and raw.startswith("    [")):
            cur.append(s)
    return calls, edge, unused


@pytest.mark.parametrize("capture", BUNDLED + REAL_CAPTURES, ids=lambda p: p.name)
def test_json_validates_and_agrees_with_text(tshark, capture):
    doc = json_report(tshark, capture)
    jsonschema.validate(doc, SCHEMA)
    assert doc["schema_version"] == SCHEMA["properties"]["schema_version"]["const"]
    assert doc["filtered"] is False
    jcalls, jedge, junused = json_lines(doc)
    tcalls, tedge, tunused = text_lines(text_report(tshark, capture))
    assert list(jcalls) == list(tcalls), "the same calls, in the same order"
    for cid in tcalls:
        assert jcalls[cid] == tcalls[cid], cid
    assert jedge == tedge
    assert junused == tunused
    # Candidate counts per type agree with the text's summary line ("1 host (1 UDP), ...").
    text = text_report(tshark, capture)
    for c in doc["calls"]:
        if c["kind"] != "sip_call":
            continue
        for m in c["media"]:
            for party in sorted({x["party"] for x in m["candidates"]} | {"A", "B"}):
                n = sum(1 for x in m["candidates"] if x["party"] == party)
                block = text.split(f"Call-ID: {c['call_id']}\n", 1)[1]
                line = re.search(rf"  Media {re.escape(m['name'])} .*?\n    {party} candidates: ([^\n]*)\n", block, re.S)
                assert line, (c["call_id"], m["name"], party)
                counted = sum(int(k) for k in re.findall(r"(\d+) (?:host|srflx|prflx|relay|unknown) \(", line.group(1)))
                assert n == counted, (c["call_id"], m["name"], party, line.group(1))


@pytest.mark.parametrize("capture", BUNDLED + REAL_CAPTURES, ids=lambda p: p.name)
def test_json_holds_no_credentials(tshark, capture):
    out = tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z", "msice,json"]).stdout
    for secret in secrets(tshark, capture):
        assert secret not in out


def test_promotion_call_values(tshark):
    doc = json_report(tshark, CAPTURES / "call-early-media-promotion.pcap")
    assert len(doc["calls"]) == 1
    c = doc["calls"][0]
    assert c["call_id"] == "6984e46271000ad28c847681faca6905"
    assert c["kind"] == "sip_call"
    assert c["parties"]["A"] == {"role": "caller", "uri": "sip:alice@contoso.com", "sip_address": "10.10.20.31"}
    assert c["parties"]["B"]["uri"] == "sip:bob@contoso.com"
    assert c["scenario"] == "inside <-> inside"
    assert [(r["side"], r["result"], r["frame"]) for r in c["mras"]] == [("A", "ok", 2), ("B", "ok", 4)]
    assert len(c["media"]) == 1
    m = c["media"][0]
    assert (m["name"], m["ice_version"]) == ("audio", 19)
    assert sorted((x["side"], x["type"], x["transport"], x["address"], x["port"], x["frame"])
                  for x in m["candidates"]) == [
        ("A", "host", "UDP", "10.10.20.31", 22190, 13), ("A", "relay", "UDP", "203.0.113.10", 52814, 13),
        ("B", "host", "UDP", "10.20.8.15", 17410, 24), ("B", "relay", "UDP", "203.0.113.10", 50122, 24)]
    assert [(a["side"], a["result"], a["relayed"]["port"], a["success_frame"], a["after_401_challenge"])
            for a in m["allocations"]] == [("A", "success", 52814, 10, True), ("A", "success", 55570, 12, True),
                                           ("B", "success", 50122, 21, True), ("B", "success", 56918, 23, True)]
    assert all(a["error_code"] is None and a["edge"] == {"address": "10.10.1.5", "port": 3478}
               for a in m["allocations"])
    outcomes = [(p["pair"]["path_type"], p["outcome"], p["success_frame"], p["nominated_frame"]) for p in m["pairs"]]
    assert outcomes == [("host", "success", 371, 383), ("relay_udp", "success", 46, None),
                        ("relay_udp", "no_response", None, None), ("relay_udp", "no_response", None, None),
                        ("relay_udp", "success", 56, None), ("host", "success", 379, 391)]
    assert [p["requests"] for p in m["pairs"] if p["outcome"] == "no_response"] == [10, 4]
    assert [n["frame"] for n in m["nominations"]] == [383, 391]
    e = m["early_media"]
    assert (e["path_type"], e["frame"], e["time_s"]) == ("relay_udp", 30, 3.015)
    assert (e["pair"]["a"]["type"], e["pair"]["a"]["port"], e["pair"]["b"]["port"]) == ("relay", 52814, 50122)
    assert len(m["promotions"]) == 1
    pr = m["promotions"][0]
    assert (pr["from_type"], pr["to_type"], pr["frame"], pr["from_known"]) == ("relay_udp", "host", 385, True)
    assert abs(pr["time_s"] - 4.545) < 0.0005
    assert pr["reason"] == "pair nominated (USE-CANDIDATE) in frame 383"
    f = m["final_path"]
    assert (f["path_type"], f["packets"], f["last_frame"], f["pair"]["transport"]) == ("host", 201, 594, "UDP")
    assert (f["pair"]["a"]["address"], f["pair"]["b"]["address"]) == ("10.10.20.31", "10.20.8.15")
    assert m["verdict"] == "final path: host 10.10.20.31:22190 <-> 10.20.8.15:17410"
    assert [(x["rule"], x["severity"], x["frame"]) for x in c["findings"]] == [
        ("relay_udp_only", "note", 13), ("relay_udp_only", "note", 24)]
    assert doc["edge_findings"] == [] and doc["unused_allocations"] == []


def test_tcp_relay_call_values(tshark):
    doc = json_report(tshark, CAPTURES / "call-tcp-relay.pcap")
    m = doc["calls"][0]["media"][0]
    assert m["final_path"]["path_type"] == "relay_tcp"
    assert m["final_path"]["pair"]["transport"] == "TCP"
    rules = [(x["rule"], x["frame"]) for x in doc["calls"][0]["findings"]]
    assert ("tcp_relay", 114) in rules and ("relay_tcp_only", 24) in rules
    assert not any(r == "all_checks_failed" for r, _ in rules)
    assert [(x["rule"], x["frame"]) for x in doc["edge_findings"]] == [("turn_unreachable", 7), ("turn_unreachable", 8)]


def test_failed_call_values(tshark):
    doc = json_report(tshark, CAPTURES / "call-failed.pcap")
    c = doc["calls"][0]
    assert all(m["final_path"] is None for m in c["media"])
    assert all(p["outcome"] != "success" for m in c["media"] for p in m["pairs"])
    assert "all_checks_failed" in [x["rule"] for x in c["findings"]]


def test_session_without_sip(tshark):
    doc = json_report(tshark, CAPTURES / "teams-call.pcap")
    assert doc["calls"] and all(c["kind"] == "ice_session" for c in doc["calls"])
    for c in doc["calls"]:
        assert c["parties"]["A"]["uri"] is None
        for m in c["media"]:
            assert m["ice_version"] is None and m["from_sdp"] is False
            # Candidates without SDP are learnt, with the evidence of their type.
            assert all(x["learnt"] and x["frame"] is None and x["first_seen_frame"] for x in m["candidates"])


def test_filter_limits_to_one_call(tshark):
    cap = CAPTURES / "sip-lync2013-call.pcap"
    whole = json_report(tshark, cap)
    assert len(whole["calls"]) == 2
    first = whole["calls"][0]["call_id"]
    doc = json_report(tshark, cap, f'msice.call_id == "{first}"')
    jsonschema.validate(doc, SCHEMA)
    assert doc["filtered"] is True
    assert [c["call_id"] for c in doc["calls"]] == [first]
    assert doc["edge_findings"] == [] and doc["unused_allocations"] == []


def test_no_calls_is_still_a_document(tshark):
    doc = json_report(tshark, CAPTURES / "sip-mras.pcap")
    jsonschema.validate(doc, SCHEMA)
    assert doc["calls"] == []


def test_forked_call_values(tshark):
    doc = json_report(tshark, CAPTURES / "call-forked.pcap")
    c = doc["calls"][0]
    assert (c["forks"], c["answered"]) == (2, True)
    assert c["parties"]["B"]["to_tag"] == "b98a8cd820"
    assert c["other_endpoints"] == [{"party": "B2", "uri": "sip:bob@contoso.com", "sip_address": "10.10.40.52",
                                     "to_tag": "d7648966f3", "answered": False}]
    m = c["media"][0]
    assert [(f["party"], f["path_type"], f["frame"], f["last_frame"]) for f in m["fork_media"]] == [
        ("B2", "host", 69, 175)]
    assert {x["party"] for x in m["candidates"]} == {"A", "B", "B2"}
    assert m["final_path"]["path_type"] == "relay_udp", "B's media, not the fork's"
    assert not m["promotions"], "moving from B2 to B is the call being answered, not a promotion"
