# SPDX-License-Identifier: GPL-2.0-or-later
"""scripts/msice-batch.py: NDJSON per call over a folder, bad files reported, not fatal."""
import json
import shutil
import subprocess
import sys

import jsonschema

from conftest import BUILD, CAPTURES, ROOT

SCHEMA = json.loads((ROOT / "schema" / "msice-report.schema.json").read_text())
CALL_SCHEMA = dict(SCHEMA["definitions"]["call"], definitions=SCHEMA["definitions"])


def run_batch(tmp_path, *inputs, jobs=2):
    out = tmp_path / "calls.ndjson"
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "msice-batch.py"), "--plugin", str(BUILD / "msice.so"),
                          "-j", str(jobs), "-o", str(out), *map(str, inputs)], capture_output=True, text=True,
                         timeout=600)
    return res, [json.loads(l) for l in out.read_text().splitlines()]


def test_folder_with_a_bad_file(tmp_path):
    folder = tmp_path / "caps"
    folder.mkdir()
    for name in ("call-early-media-promotion.pcap", "teams-call.pcap", "call-tcp-relay.pcap", "sip-mras.pcap"):
        shutil.copy(CAPTURES / name, folder / name)
    (folder / "broken.pcap").write_bytes(b"this is not a capture\n")
    (folder / "notes.txt").write_text("not a capture name: skipped\n")
    res, recs = run_batch(tmp_path, folder)
    assert res.returncode == 1, "a failed capture makes the exit status 1"
    errors = [r for r in recs if r["record"] == "error"]
    assert [e["capture"] for e in errors] == ["broken.pcap"]
    assert "isn't a capture file" in errors[0]["error"] or "format" in errors[0]["error"]
    calls = [r for r in recs if r["record"] == "call"]
    by_capture = {}
    for r in calls:
        jsonschema.validate(r["call"], CALL_SCHEMA)
        assert r["schema_version"] == "1.1"
        by_capture.setdefault(r["capture"], []).append(r["call"])
    assert sorted(by_capture) == ["call-early-media-promotion.pcap", "call-tcp-relay.pcap", "teams-call.pcap"]
    assert len(by_capture["teams-call.pcap"]) == 3
    promo = by_capture["call-early-media-promotion.pcap"][0]["media"][0]
    assert promo["early_media"]["path_type"] == "relay_udp" and promo["final_path"]["path_type"] == "host"
    caps = {r["capture"]: r for r in recs if r["record"] == "capture"}
    assert caps["sip-mras.pcap"]["calls"] == 0
    assert [f["rule"] for f in caps["call-tcp-relay.pcap"]["edge_findings"]] == ["turn_unreachable"] * 2
    assert "[6/6]" not in res.stderr and "[5/5]" in res.stderr, "progress per capture on stderr"
    assert "broken.pcap: ERROR" in res.stderr


def test_missing_file_and_one_job(tmp_path):
    res, recs = run_batch(tmp_path, CAPTURES / "call-federation.pcap", tmp_path / "nowhere.pcap", jobs=1)
    assert res.returncode == 1
    assert [(r["record"], r["capture"]) for r in recs if r["record"] != "call"] == [("error", "nowhere.pcap")]
    assert [r["call"]["scenario"] for r in recs if r["record"] == "call"][0].startswith("federated")
