# SPDX-License-Identifier: GPL-2.0-or-later
"""scripts/msice-timeline.py: the HTML call timeline shows the events of the report, and no secret."""
import json
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from conftest import BUILD, CAPTURES, ROOT
from test_json_report import secrets

SCRIPT = ROOT / "scripts" / "msice-timeline.py"


class Page(HTMLParser):
    """The page's timeline events (class event/segment with data-*), its text, and what it loads."""

    def __init__(self):
        super().__init__()
        self.events, self.text, self.tags, self.loads = [], [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        cls = (a.get("class") or "").split()
        if "event" in cls or "segment" in cls:
            self.events.append({"class": cls, **{k[5:]: v for k, v in a.items() if k.startswith("data-")}})
        for k in ("src", "href", "xlink:href"):
            if k in a:
                self.loads.append(a[k])

    def handle_data(self, data):
        self.text.append(data)


def timeline(tmp_path, *args):
    out = tmp_path / "t.html"
    subprocess.run([sys.executable, str(SCRIPT), "--plugin", str(BUILD / "msice.so"), *map(str, args), "-o", str(out)],
                   check=True, capture_output=True, text=True, timeout=600)
    html = out.read_text(encoding="utf-8")
    p = Page()
    p.feed(html)
    return html, p


def of(p, cls):
    return [e for e in p.events if cls in e["class"]]


def test_promotion_call_timeline(tmp_path):
    html, p = timeline(tmp_path, CAPTURES / "call-early-media-promotion.pcap")
    assert "script" not in p.tags and not p.loads, "self-contained: no script, nothing loaded"
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    early = of(p, "early-media")
    events = [e for e in early if "event" in e["class"]]
    assert [(e["path"], e["frame"]) for e in events] == [("relay_udp", "30")]
    assert abs(float(events[0]["time"]) - 3.015) < 1e-6
    seg = [e for e in early if "segment" in e["class"]]
    assert [(e["path"], e["frame"]) for e in seg] == [("relay_udp", "30")]
    assert abs(float(seg[0]["to"]) - 4.545) < 0.0005, "the relay segment ends at the promotion"
    promo = [e for e in of(p, "promotion") if "event" in e["class"]]
    assert [(e["from"], e["to"], e["frame"]) for e in promo] == [("relay_udp", "host", "385")]
    assert abs(float(promo[0]["time"]) - 4.545) < 0.0005
    final = of(p, "final-path")
    assert [(e["path"], e["frame"]) for e in final] == [("host", "385")]
    assert float(final[0]["to"]) > float(final[0]["from"])
    checks = of(p, "check")
    assert sorted(e["outcome"] for e in checks) == ["no_response"] * 2 + ["success"] * 4
    assert sorted(e["frame"] for e in checks if e["outcome"] == "success") == ["371", "379", "46", "56"]
    assert [e["frame"] for e in of(p, "nomination")] == ["383", "391"]
    assert [(e["result"], e["side"]) for e in of(p, "allocation")] == [("success", "A")] * 2 + [("success", "B")] * 2
    assert [e["frame"] for e in of(p, "finding")] == ["13", "24"]
    text = " ".join("".join(p.text).split())
    assert "promotion 4.545 s: relay UDP \u2192 host" in text
    assert "Audio started at 3.015 s (frame 30) through the A/V Edge relay over UDP." in text
    assert "Final path: direct (host to host), A host 10.10.20.31:22190 \u2194 B host 10.20.8.15:17410 (UDP)" in text
    assert "The caller (A) offers relay candidates over UDP only" in text
    for row in ("10.10.20.31", "22190", "203.0.113.10", "52814", "50122", "17410"):
        assert row in text
    # Event times are the capture's: the allocations happen before the early media.
    assert all(float(e["time"]) < 3.015 for e in of(p, "allocation"))


def test_failed_call_and_tcp_relay(tmp_path):
    html, p = timeline(tmp_path, CAPTURES / "call-failed.pcap")
    assert not of(p, "final-path") and not of(p, "promotion")
    assert of(p, "check") and all(e["outcome"] != "success" for e in of(p, "check"))
    assert "No media was seen." in "".join(p.text)
    html, p = timeline(tmp_path, CAPTURES / "call-tcp-relay.pcap")
    assert [e["path"] for e in of(p, "final-path")] == ["relay_tcp"]
    assert "A/V Edge (TURN) problems not tied to one call" in html


def test_from_json_report_alone(tmp_path, tshark):
    cap = CAPTURES / "call-early-media-promotion.pcap"
    report = tmp_path / "r.json"
    report.write_text(tshark.run(["-n", "-q", "-r", tshark.capture(cap), "-z", "msice,json"]).stdout)
    html, p = timeline(tmp_path, report)
    assert "positions are approximate" in html
    promo = [e for e in of(p, "promotion") if "event" in e["class"]]
    assert abs(float(promo[0]["time"]) - 4.545) < 0.0005
    assert [e["path"] for e in of(p, "final-path")] == ["host"]


@pytest.mark.parametrize("capture", sorted(CAPTURES.glob("*.pcap")), ids=lambda c: c.name)
def test_no_password_in_any_output(tmp_path, tshark, capture):
    html, _ = timeline(tmp_path, capture)
    report = tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z", "msice,json"]).stdout
    text = tshark.run(["-n", "-q", "-r", tshark.capture(capture), "-z", "msice,calls"]).stdout
    found = secrets(tshark, capture)
    for s in found:
        assert s not in html and s not in report and s not in text
    json.loads(report)


def test_the_secret_check_sees_secrets(tshark):
    """The captures with MRAS do hold passwords: the check above is not empty."""
    assert len(secrets(tshark, CAPTURES / "call-early-media-promotion.pcap")) >= 2
    assert secrets(tshark, CAPTURES / "sip-mras.pcap")
