#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An HTML call timeline from the msice JSON report, to attach to a ticket.

    scripts/msice-timeline.py [--plugin build/msice.so] CAPTURE -o call.html
    scripts/msice-timeline.py REPORT.json [--capture CAPTURE] -o call.html

With a capture, runs tshark once for the report (-z msice,json) and the time
of every frame. With a JSON report only (tshark -q -z msice,json > r.json),
events are placed by the times the report gives and, without the capture,
by frame number between them (the page says so).

The page is one file: inline SVG and CSS, no script, no network. It shows per
call and media line a time axis with the TURN allocations, the checks of each
pair (success, failure, nomination), the early media, each promotion and the
final path, then the findings with their frames and the candidates. The
report holds no password or credential, and the page shows only the report.
Debian's python3 only.
"""
import argparse
import html
import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

PATH_COLOUR = {"host": "#2e7d32", "srflx": "#0277bd", "relay_udp": "#ef6c00", "relay_tcp": "#c62828",
               "unknown": "#757575"}
PATH_WORDS = {"host": "direct (host to host)", "srflx": "direct through NAT (server-reflexive)",
              "relay_udp": "through the A/V Edge relay over UDP", "relay_tcp": "through the A/V Edge relay over TCP",
              "unknown": "a direct path of unknown candidate types"}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#222;margin:24px;
 background:#fafafa}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 6px;border-bottom:2px solid #ccc}
h3{font-size:16px;margin:20px 0 6px}
.sub{color:#555;margin:0 0 12px} .call{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 18px;
 margin:18px 0}
.summary{background:#f1f8e9;border-left:4px solid #2e7d32;padding:8px 12px;margin:8px 0}
.summary.bad{background:#fdecea;border-left-color:#c62828}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px} th,td{border:1px solid #ddd;padding:3px 8px;
 text-align:left;vertical-align:top} th{background:#f0f0f0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev-warning{color:#b71c1c;font-weight:600} .sev-note{color:#555} .sev-error{color:#b71c1c;font-weight:700}
.ok{color:#2e7d32;font-weight:600} .fail{color:#c62828;font-weight:600}
.legend span{display:inline-block;margin-right:14px} .sw{display:inline-block;width:14px;height:10px;
 margin-right:4px;vertical-align:middle}
svg text{font:12px system-ui,'DejaVu Sans',sans-serif} svg .lbl{fill:#333} svg .axis{fill:#555;font-size:11px}
code{font-size:12px}
"""


def esc(s):
    return html.escape("" if s is None else str(s), quote=True)


def load_batch_module():
    spec = importlib.util.spec_from_file_location("msice_batch", HERE / "msice-batch.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def from_capture(capture, plugin, tshark):
    """(report, {frame: seconds}) from one tshark run over the capture."""
    batch = load_batch_module()
    runner = batch.Runner(tshark, plugin, 600)
    try:
        rc, out, err = runner.run(Path(capture), 0, ["-n", "-T", "fields", "-e", "frame.number",
                                                     "-e", "frame.time_relative", "-z", "msice,json"])
    finally:
        runner.cleanup()
    times, doc = {}, None
    for line in out.splitlines():
        if line.startswith("{"):
            doc = json.loads(line)
            continue
        parts = line.split("\t")
        if len(parts) == 2 and parts[0].isdigit():
            try:
                times[int(parts[0])] = float(parts[1])
            except ValueError:
                pass
    if doc is None:
        sys.exit(f"msice-timeline: no report from tshark for {capture}: {err.strip() or rc}")
    return doc, times


class Clock:
    """Seconds of a frame: the capture's times, else the report's, else by frame number."""

    def __init__(self, times, doc):
        self.times = dict(times)
        self.exact = bool(times)
        if not self.exact:  # anchors the report gives: early media, promotions
            for c in doc["calls"]:
                for m in c["media"]:
                    if m["early_media"]:
                        self.times[m["early_media"]["frame"]] = m["early_media"]["time_s"]
                    for p in m["promotions"]:
                        self.times[p["frame"]] = p["time_s"]
        self.anchors = sorted(self.times.items())

    def t(self, frame):
        if frame is None:
            return None
        if frame in self.times:
            return self.times[frame]
        if self.exact or not self.anchors:
            return None if self.exact else float(frame)
        # Between anchors: linear in frame number (marked approximate on the page).
        lo = max((a for a in self.anchors if a[0] <= frame), default=None)
        hi = min((a for a in self.anchors if a[0] >= frame), default=None)
        if lo and hi and hi[0] != lo[0]:
            return lo[1] + (hi[1] - lo[1]) * (frame - lo[0]) / (hi[0] - lo[0])
        ref = lo or hi
        return ref[1]


def short_pair(p):
    """'A host 10.0.0.1:5000 ↔ B relay 203.0.113.1:3478 (UDP)'"""
    return p["text"].replace(" <-> ", " \u2194 ")


def media_summary(m):
    """One paragraph in plain words: how the media got its path."""
    name = m["name"] if m["name"] != "unknown" else "media"
    parts = []
    e = m["early_media"]
    if e:
        parts.append(f"{esc(name.capitalize())} started at {e['time_s']:.3f} s (frame {e['frame']}) "
                     f"{esc(PATH_WORDS[e['path_type']])}.")
    for p in m["promotions"]:
        if not p["from_known"] and e is None:
            parts.append(f"Media started at {p['time_s']:.3f} s (frame {p['frame']}) {esc(PATH_WORDS[p['to_type']])}.")
            continue
        parts.append(f"At {p['time_s']:.3f} s (frame {p['frame']}) it moved from {esc(p['from'])} to "
                     f"<b>{esc(p['to'])}</b> ({esc(p['reason'])}).")
    f = m["final_path"]
    if f:
        parts.append(f"Final path: <b>{esc(PATH_WORDS[f['path_type']])}</b>, {esc(short_pair(f['pair']))}, "
                     f"{f['packets']} packets up to frame {f['last_frame']}.")
    else:
        parts.append("<b>No media was seen.</b>")
    checked = len(m["pairs"])
    ok = sum(1 for p in m["pairs"] if p["outcome"] == "success")
    parts.append(f"{checked} candidate pair{'s' if checked != 1 else ''} checked, {ok} succeeded.")
    return " ".join(parts), f is None


def svg_timeline(m, clock, findings):
    """The media line's time axis as inline SVG."""
    label_w, plot_w, row_h, top = 360, 640, 26, 28
    events = []  # times on the axis
    rows = []    # (label, [svg elements built later])

    def tt(frame):
        return clock.t(frame)

    allocs = [a for a in m["allocations"]]
    for a in allocs:
        events.append(tt(a["success_frame"] or a["error_frame"] or a["first_frame"]))
    for p in m["pairs"]:
        for fr in (p["first_check_frame"], p["success_frame"], p["nominated_frame"]):
            events.append(tt(fr))
    if m["early_media"]:
        events.append(m["early_media"]["time_s"])
    for p in m["promotions"]:
        events.append(p["time_s"])
    if m["final_path"]:
        events.append(tt(m["final_path"]["last_frame"]))
        events.append(tt(m["final_path"]["first_frame"]))
    for f in findings:
        events.append(tt(f["frame"]))
    events = [e for e in events if e is not None]
    if not events:
        return "<p>No timed events on this media line.</p>"
    t0, t1 = min(events), max(events)
    if t1 - t0 < 0.001:
        t1 = t0 + 1.0
    pad = (t1 - t0) * 0.03
    t0, t1 = max(0.0, t0 - pad), t1 + pad

    def x(t):
        return label_w + (t - t0) / (t1 - t0) * plot_w

    n_rows = 1 + len(m["pairs"]) + 1 + (1 if findings else 0)
    height = top + n_rows * row_h + 34
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + plot_w + 20}" height="{height}" '
           f'role="img" aria-label="timeline of {esc(m["name"])}">']
    # Axis.
    axis_y = height - 24
    out.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" stroke="#999"/>')
    step = nice_step((t1 - t0) / 8)
    t = (int(t0 / step) + 1) * step
    while t < t1:
        out.append(f'<line x1="{x(t):.1f}" y1="{top - 6}" x2="{x(t):.1f}" y2="{axis_y + 4}" stroke="#eee"/>')
        out.append(f'<text class="axis" x="{x(t):.1f}" y="{axis_y + 16}" text-anchor="middle">{t:.{digits(step)}f} s'
                   '</text>')
        t += step
    row = 0

    def row_y(r):
        return top + r * row_h + row_h / 2

    def label(r, text, title=None):
        tl = f"<title>{esc(title)}</title>" if title else ""
        out.append(f'<text class="lbl" x="4" y="{row_y(r) + 4:.1f}">{esc(text)}{tl}</text>')

    # Row: TURN allocations.
    label(row, "TURN allocations (A/V Edge)")
    for a in allocs:
        fr = a["success_frame"] or a["error_frame"] or a["first_frame"]
        ta = tt(fr)
        if ta is None:
            continue
        ok = a["result"] == "success"
        colour = "#2e7d32" if ok else "#757575" if a["result"] in ("not_in_capture", "unknown") else "#c62828"
        words = {"success": "allocated", "error": f"error {a['error_code']}", "no_response": "no response",
                 "not_in_capture": "allocation not in the capture", "unknown": "unknown"}[a["result"]]
        out.append(f'<g class="event allocation" data-side="{esc(a["side"])}" data-party="{esc(a["party"])}" data-result="{esc(a["result"])}" '
                   f'data-frame="{fr}" data-time="{ta:.6f}"><rect x="{x(ta) - 5:.1f}" y="{row_y(row) - 6:.1f}" '
                   f'width="10" height="12" fill="{colour}"/><title>{esc(a["party"] or "")} {esc(words)}: '
                   f'{esc(a["text"])} (frame {fr})</title></g>')
    row += 1
    # One row per checked pair.
    for p in m["pairs"]:
        pr = p["pair"]
        label(row, f"check {pr['a']['type'] if pr['a'] else '?'} \u2194 {pr['b']['type'] if pr['b'] else '?'} "
              f"({pr['transport']}) {pr['a']['address'] + ':' + str(pr['a']['port']) if pr['a'] else ''}",
              short_pair(pr))
        ts = tt(p["first_check_frame"])
        te = tt(p["success_frame"])
        ok = p["outcome"] == "success"
        colour = "#2e7d32" if ok else "#c62828"
        start = ts if ts is not None else te
        if start is not None:
            end = te if te is not None else start
            out.append(f'<line x1="{x(start):.1f}" y1="{row_y(row):.1f}" x2="{x(end):.1f}" y2="{row_y(row):.1f}" '
                       f'stroke="{colour}" stroke-width="2"/>')
            at = te if ok and te is not None else start
            fr = p["success_frame"] if ok else p["first_check_frame"]
            mark = (f'<circle cx="{x(at):.1f}" cy="{row_y(row):.1f}" r="5" fill="{colour}"/>' if ok else
                    f'<path d="M{x(at) - 5:.1f},{row_y(row) - 5:.1f}l10,10m0,-10l-10,10" stroke="{colour}" '
                    'stroke-width="2.5"/>')
            words = ("success" if ok else f"failed: {p['outcome'].replace('_', ' ')}"
                     + (f" ({p['requests']} requests)" if p["requests"] else ""))
            out.append(f'<g class="event check" data-outcome="{esc(p["outcome"])}" data-path="'
                       f'{esc(pr["path_type"])}" data-frame="{fr or ""}" data-time="{at:.6f}">{mark}'
                       f'<title>{esc(short_pair(pr))}: {esc(words)}, frame {fr}</title></g>')
            out.append(f'<text class="lbl" x="{min(x(at) + 8, label_w + plot_w - 90):.1f}" y="{row_y(row) + 4:.1f}">'
                       f'{"OK" if ok else "failed"}</text>')
        if p["nominated"] and tt(p["nominated_frame"]) is not None:
            tn = tt(p["nominated_frame"])
            out.append(f'<g class="event nomination" data-frame="{p["nominated_frame"]}" data-time="{tn:.6f}">'
                       f'<path d="M{x(tn):.1f},{row_y(row) - 9:.1f}l4,8h-8z" fill="#6a1b9a"/><title>nominated '
                       f'(USE-CANDIDATE), frame {p["nominated_frame"]}</title></g>')
        row += 1
    # Row: the media path, segment by segment.
    label(row, "media path")
    segs = []
    e = m["early_media"]
    cur = (e["time_s"], e["path_type"], e["path"], e["frame"], "early-media") if e else None
    for pr in m["promotions"]:
        if cur:
            segs.append((cur, pr["time_s"]))
        cur = (pr["time_s"], pr["to_type"], pr["to"], pr["frame"], "after-promotion")
    f = m["final_path"]
    end_t = tt(f["last_frame"]) if f else None
    if cur:
        segs.append((cur, end_t if end_t is not None else cur[0]))
    for i, ((ts, ptype, pwords, fr, kind), te) in enumerate(segs):
        last = i == len(segs) - 1 and f is not None
        cls = "segment " + kind + (" final-path" if last else "")
        w = max(x(te) - x(ts), 3)
        out.append(f'<g class="{cls}" data-path="{esc(ptype)}" data-from="{ts:.6f}" data-to="{te:.6f}" '
                   f'data-frame="{fr}"><rect x="{x(ts):.1f}" y="{row_y(row) - 8:.1f}" width="{w:.1f}" height="16" '
                   f'fill="{PATH_COLOUR[ptype]}" rx="3"/><title>{esc(pwords)} from {ts:.3f} s (frame {fr})'
                   f'{" to the end: final path" if last else ""}</title></g>')
        if w > 60:
            words = ("early media: " if kind == "early-media" and w > 150 else "") + pwords
            out.append(f'<text x="{x(ts) + 4:.1f}" y="{row_y(row) + 4:.1f}" fill="#fff">{esc(words)}</text>')
    if e:
        te0 = e["time_s"]
        out.append(f'<g class="event early-media" data-path="{esc(e["path_type"])}" data-frame="{e["frame"]}" '
                   f'data-time="{te0:.6f}"><circle cx="{x(te0):.1f}" cy="{row_y(row):.1f}" r="4" fill="#000"/>'
                   f'<title>early media on {esc(e["path"])} from {te0:.3f} s (frame {e["frame"]}): '
                   f'{esc(short_pair(e["pair"]))}</title></g>')
    for pr in m["promotions"]:
        tp = pr["time_s"]
        out.append(f'<g class="event promotion" data-from="{esc(pr["from_type"])}" data-to="{esc(pr["to_type"])}" '
                   f'data-frame="{pr["frame"]}" data-time="{tp:.6f}"><line x1="{x(tp):.1f}" y1="{top - 8}" '
                   f'x2="{x(tp):.1f}" y2="{axis_y}" stroke="#6a1b9a" stroke-dasharray="4 3"/>'
                   f'<text x="{x(tp) + 3:.1f}" y="{top - 12}" fill="#6a1b9a">promotion {tp:.3f} s: {esc(pr["from"])}'
                   f' \u2192 {esc(pr["to"])}</text><title>{esc(pr["reason"])} (frame {pr["frame"]})</title></g>')
    row += 1
    if findings:
        label(row, "findings")
        for fi in findings:
            tf = tt(fi["frame"])
            if tf is None:
                continue
            colour = "#c62828" if fi["severity"] != "note" else "#f9a825"
            out.append(f'<g class="event finding" data-rule="{esc(fi["rule"])}" data-frame="{fi["frame"]}" '
                       f'data-time="{tf:.6f}"><path d="M{x(tf):.1f},{row_y(row) - 7:.1f}l7,13h-14z" '
                       f'fill="{colour}"/><title>[{esc(fi["severity"])}, frame {fi["frame"]}] {esc(fi["text"])}'
                       '</title></g>')
    out.append("</svg>")
    return "\n".join(out)


def nice_step(raw):
    candidates = sorted(m * 10 ** e for m in (1, 2, 5) for e in range(-3, 5))
    return next((c for c in candidates if c >= raw), candidates[-1])


def digits(step):
    return 0 if step >= 1 else 1 if step >= 0.1 else 2 if step >= 0.01 else 3


def table(headers, rows, num_cols=()):
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>"]
    for r in rows:
        out.append("<tr>" + "".join(f'<td{" class=num" if i in num_cols else ""}>{c}</td>'
                                   for i, c in enumerate(r)) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def frame_of(v):
    return "" if v is None else str(v)


def render(doc, clock, title):
    o = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         f"<title>{esc(title)}</title>", f"<style>{CSS}</style></head><body>"]
    o.append(f"<h1>Call timeline: {esc(title)}</h1>")
    o.append('<p class="sub">Made by the msice Wireshark plugin from the capture\'s per-call report '
             f'(report schema {esc(doc["schema_version"])}). Frame numbers are those Wireshark shows for the '
             'capture. ' + ("Times are seconds since the capture's first packet." if clock.exact else
                           "Without the capture, events are placed by frame number between the times the report "
                           "gives (early media, promotions): positions are approximate.") +
             ' No passwords or credentials are included.</p>')
    o.append('<p class="legend"><b>Paths:</b> ' + "".join(
        f'<span><i class="sw" style="background:{PATH_COLOUR[k]}"></i>{esc(PATH_WORDS[k])}</span>'
        for k in ("host", "srflx", "relay_udp", "relay_tcp")) +
        '<br><b>Marks:</b> <span>green square: allocation on the Edge</span><span>green dot: check succeeded'
        '</span><span>red cross: check failed</span><span>purple triangle: pair nominated</span>'
        '<span>dashed line: promotion (media moved to a better path)</span><span>red/yellow triangle: '
        'finding</span><br><b>Parties:</b> A is the caller, B the callee; B2, B3 ... are other endpoints of the '
        'callee that a forked call reached.</p>')
    if not doc["calls"]:
        o.append("<p>No calls with ICE found in this capture.</p>")
    for c in doc["calls"]:
        o.append('<div class="call">')
        o.append(f'<h2>{"Call" if c["kind"] == "sip_call" else "ICE session (no SIP in the capture)"} '
                 f'<code>{esc(c["call_id"])}</code></h2>')
        pa, pb = c["parties"]["A"], c["parties"]["B"]
        o.append(f'<p>Caller (A): <b>{esc(pa["uri"] or "not known")}</b>'
                 f'{" from " + esc(pa["sip_address"]) if pa["sip_address"] else ""}; '
                 f'callee (B): <b>{esc(pb["uri"] or "not known")}</b>'
                 f'{" from " + esc(pb["sip_address"]) if pb["sip_address"] else ""}. '
                 f'Scenario: {esc(c["scenario"])}.</p>')
        if c["mras"]:
            o.append("<p>Edge credentials (MRAS): " + "; ".join(
                f'{esc(r["party"])} ({esc(r["client"])}): '
                + ('<span class="ok">OK</span>' if r["result"] == "ok" else
                   f'<span class="fail">{esc(r["result"].replace("_", " "))}'
                   f'{": " + esc(r["reason"]) if r["reason"] else ""}</span>')
                + f' (frame {frame_of(r["frame"] or r["request_frame"])})' for r in c["mras"]) + ".</p>")
        for m in c["media"]:
            fnd = c["findings"]
            o.append(f'<h3>Media: {esc(m["title"])}'
                     f'{" (ICE v" + str(m["ice_version"]) + ")" if m["ice_version"] else ""}</h3>')
            text, bad = media_summary(m)
            o.append(f'<p class="summary{" bad" if bad else ""}">{text}</p>')
            o.append(svg_timeline(m, clock, fnd))
            o.append(f'<p>Verdict: <b>{esc(m["verdict"])}</b></p>')
            o.append("<details open><summary>Candidates offered and seen</summary>")
            o.append(table(["party", "type", "transport", "address", "port", "offered in frame", "note"], [
                (esc(x["party"]), esc(x["type"]), esc(x["transport"]), esc(x["address"]), str(x["port"]),
                 frame_of(x["frame"]),
                 esc(("seen in packets from frame " + frame_of(x["first_seen_frame"])
                      + (": " + x["evidence"] if x["evidence"] else "")) if x["learnt"] else ""))
                for x in m["candidates"]], num_cols=(4, 5)))
            o.append("</details>")
            if m["allocations"]:
                o.append("<details open><summary>TURN allocations on the A/V Edge</summary>")
                o.append(table(["party", "result", "allocation"], [
                    (esc(a["party"] or ""), f'<span class="{"ok" if a["result"] == "success" else "fail" if a["result"] in ("error", "no_response") else ""}">'
                     f'{esc(a["result"].replace("_", " "))}</span>', esc(a["text"])) for a in m["allocations"]]))
                o.append("</details>")
            if m["pairs"]:
                o.append("<details open><summary>Connectivity checks per candidate pair</summary>")
                o.append(table(["pair", "path", "outcome", "first check", "success", "nominated"], [
                    (esc(short_pair(p["pair"])), esc(p["pair"]["path"]),
                     f'<span class="{"ok" if p["outcome"] == "success" else "fail"}">'
                     f'{esc(p["outcome"].replace("_", " "))}'
                     f'{" " + str(p["error_code"]) if p["error_code"] else ""}</span>'
                     + (f' ({p["requests"]} requests)' if p["outcome"] != "success" else ""),
                     frame_of(p["first_check_frame"]), frame_of(p["success_frame"]), frame_of(p["nominated_frame"]))
                    for p in m["pairs"]], num_cols=(3, 4, 5)))
                o.append("</details>")
        if c["findings"]:
            o.append("<h3>Findings</h3>")
            o.append(table(["severity", "frame", "what it means"], [
                (f'<span class="sev-{esc(f["severity"])}">{esc(f["severity"])}</span>', frame_of(f["frame"]),
                 esc(f["text"])) for f in c["findings"]], num_cols=(1,)))
        else:
            o.append("<p>Findings: none.</p>")
        o.append("</div>")
    if doc["edge_findings"]:
        o.append('<div class="call"><h2>A/V Edge (TURN) problems not tied to one call</h2>')
        o.append(table(["severity", "frame", "what it means"], [
            (f'<span class="sev-{esc(f["severity"])}">{esc(f["severity"])}</span>', frame_of(f["frame"]),
             esc(f["text"])) for f in doc["edge_findings"]], num_cols=(1,)))
        o.append("</div>")
    o.append("</body></html>")
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input", help="a capture, or a JSON report (tshark -q -z msice,json)")
    ap.add_argument("-o", "--output", required=True, help="the HTML file to write")
    ap.add_argument("--capture", help="with a JSON report: the capture, for the frames' times")
    ap.add_argument("--plugin", help="msice.so to use instead of the installed plugin (e.g. build/msice.so)")
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--title", help="the page's title (default: the capture's name)")
    a = ap.parse_args()
    src = Path(a.input)
    times = {}
    text = src.read_bytes()[:1].decode("latin-1") if src.is_file() else ""
    if text == "{":
        doc = json.loads(src.read_text(encoding="utf-8"))
        if a.capture:
            _, times = from_capture(a.capture, a.plugin, a.tshark)
        name = Path(a.capture).name if a.capture else src.name
    else:
        doc, times = from_capture(src, a.plugin, a.tshark)
        name = src.name
    Path(a.output).write_text(render(doc, Clock(times, doc), a.title or name), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
