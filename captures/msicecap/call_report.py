# SPDX-License-Identifier: GPL-2.0-or-later
"""The expected per-call report of a whole-call capture (the README section "Expected per-call
report"), written from what the simulation did: parties, candidates, checks with their frames,
timeline, media paths and promotions, verdict. CallCapture is the capture type of these files."""

import struct

from .call_net import cand_str
from .capture import Capture
from .sdp import remote_candidates_line


def _frames_txt(lists):
    """Transmissions separated by '; ', the frames of one transmission (legs) joined by '/';
    '—' for a transmission of which no frame was captured."""
    if not any(lists):
        return "— (not captured)"
    return "; ".join("/".join(str(n) for n in fl) if fl else "—" for fl in lists)


def pair_key_text(key):
    a, b = key
    tr = "UDP" if a.transport == "UDP" else "TCP"
    return f"A {a.typ} {a.address}:{a.port} ↔ B {b.typ} {b.address}:{b.port} ({tr})"


def check_row(txn):
    p = txn.pair
    res = txn.result or "pending"
    if res == "success":
        res = f"success at {txn.t_result:.3f}"
    else:
        if res.startswith("cancelled"):
            res = f"no response, then {res} at {txn.t_result:.3f}"
        if txn.request_seen_by_peer:
            res += f" (the request reached {txn.agent.peer.key}; its responses were lost)"
    local = p.valid_local if (txn.result == "success" and p.valid_local) else p.local
    lshow = cand_str(local, False)
    if local is not p.local:
        lshow += f" (sent from base {p.local.address}:{p.local.port})"
    elif p.local.typ == "srflx" and p.local.transport == "TCP-ACT":
        lshow += " (from its base host address)"
    return (f"| {txn.id} | {txn.agent.key} | {txn.kind()} | {p.comp} | {lshow} | {cand_str(p.remote, False)} | "
            f"{p.transport()} | {txn.t0:.3f} | {_frames_txt(txn.sends)} | {_frames_txt(txn.responses)} | {res} |")


def _timeline(flow):
    """A one-paragraph timeline of the call (seconds since the first frame, first frame number)."""
    net, cap, call = flow.net, flow.net.cap, flow.call
    t = lambda n: f"{cap.frames[n - 1][0] / 1e6:.3f} (frame {n})"
    ev = [("MRAS A", flow.mras["A"][0]), ("MRAS B", flow.mras["B"][0])]
    for a in net.allocs:
        if a.frames:
            ev.append((f"{a.label()} Allocate", a.frames[0]))
    names = [("invite", "INVITE"), ("183", "183"), ("180", "180"), ("200", "200 OK"), ("ack", "ACK"),
             ("reinvite", "re-INVITE"), ("bye", "BYE"), ("487", "487")]
    ev += [(label, call.frames[k][0]) for k, label in names if k in call.frames]
    checks = sorted((x for ag in (flow.A, flow.B) for x in ag.checks if any(x.sends)),
                    key=lambda x: next(f for fl in x.sends for f in fl))
    if checks:
        ev.append(("first check", next(f for fl in checks[0].sends for f in fl)))
    ok = [x for ag in (flow.A, flow.B) for x in ag.checks if x.result == "success" and any(x.responses)]
    if ok:
        ev.append(("first successful check response", min(f for x in ok for fl in x.responses for f in fl)))
    for ag in (flow.A,):
        for comp in (1, 2):
            if comp in ag.nominated:
                txn = ag.nominated[comp][1]
                ev.append((f"nomination comp {comp} (USE-CANDIDATE)", next(f for fl in txn.sends for f in fl)))
    rtp = [m for m in net.media_log if m["kind"] == "rtp" and m["frames"]]
    if rtp:
        ev.append(("first RTP", rtp[0]["frames"][0]))
        firsts = {}
        for m in rtp:
            firsts.setdefault(m["key"], m["frames"][0])
        for k, n in list(firsts.items())[1:]:
            ev.append((f"first RTP on {k[0].typ}↔{k[1].typ}", n))
        ev.append(("last RTP", max(n for m in rtp for n in m["frames"])))
    ev.sort(key=lambda e: e[1])
    return ["- **Timeline**: " + "; ".join(f"{label} {t(n)}" for label, n in ev)]


def call_report(flow, capture_point, verdict, expect_final):
    """Markdown lines of the section "Expected per-call report" (from what the run did)."""
    net, call, A, B = flow.net, flow.call, flow.A, flow.B
    for m in net.media_log:                        # RTP frames: the README collapses runs of them
        if m["kind"] == "rtp":
            seq = struct.unpack("!H", m["data"][2:4])[0]
            for n in m["frames"]:
                net.cap.media_frames[n] = (m["sender"], seq)
    net.cap.ssrcs = [("A", A.ssrc), ("B", B.ssrc)]
    out = ["### Expected per-call report", ""]
    la, lb = call.legs["A"], call.legs["B"]

    def party(agent, leg, side):
        nat = net.nat_of.get(agent.ip)
        where = f"behind NAT {nat.public_ip} ({'address-restricted cone' if nat.kind == 'address' else 'symmetric'})" \
            if nat else "no NAT"
        return (f"{side} = \"{agent.party.display}\" <{agent.party.uri}>, host {agent.ip}, {where}, "
                f"{agent.party.ua}, MS-Version {agent.ms_version}")
    out += _timeline(flow)
    out += [f"- **Call-ID** `{call.call_id}` (From tag `{call.tags['A']}`, To tag `{call.tags['B']}`)",
            f"- **Capture point**: {capture_point}",
            f"- **Caller**: {party(A, la, 'A')}; ICE controlling, tie-breaker `{A.ice_agent.tiebreaker.hex()}`",
            f"- **Callee**: {party(B, lb, 'B')}; ICE controlled, tie-breaker `{B.ice_agent.tiebreaker.hex()}`"]
    for side, ag in (("A", A), ("B", B)):
        m = flow.mras.get(side)
        if ag.creds is None:
            reason = flow.cfg[f"mras_{side}"]["reason"]
            out.append(f"- **{side} credentials**: none — MRAS (frames {m[0]}/{m[1]}) answered reasonPhrase "
                       f"\"{reason}\" without credentials; no MS-TURN at all; ice-ufrag `{ag.media.ufrag}`, "
                       f"ice-pwd `{ag.media.pwd}`")
            continue
        out.append(f"- **{side} credentials**: MRAS (frames {m[0]}/{m[1]}) username `{ag.creds.username_b64}`, password "
                   f"`{ag.creds.password_b64}` (MS-TURN key `{ag.creds.key.hex()}`, MI "
                   f"{'HMAC-SHA256' if ag.creds.mi_hash == 'sha256' else 'HMAC-SHA1'}); ice-ufrag `{ag.media.ufrag}`, "
                   f"ice-pwd `{ag.media.pwd}`")
    out += ["", "#### Candidates", "",
            "| side | SDP in frames | foundation | comp | transport | type | address:port | related | priority |",
            "|---|---|---|---|---|---|---|---|---|"]
    for side, ag in (("A", A), ("B", B)):
        fr = "/".join(str(n) for n in flow.sdp_frames[side])
        for c in ag.media.cands:
            rel = f"{c.raddr}:{c.rport}" if c.raddr else "—"
            out.append(f"| {side} | {fr} | {c.foundation} | {c.component} | {c.transport} | {c.typ} | "
                       f"{c.address}:{c.port} | {rel} | {c.priority} |")
    out.append("")
    for side, ag in (("A", A), ("B", B)):
        counts = {}
        for c in ag.media.cands:
            counts[(c.typ, c.transport)] = counts.get((c.typ, c.transport), 0) + 1
        out.append(f"- {side}: " + ", ".join(f"{t} {tr} ×{n}" for (t, tr), n in counts.items())
                   + f"; default candidate {ag.default[1].typ} {ag.default[1].transport} "
                     f"{ag.default[1].address}:{ag.default[1].port}/{ag.default[2].port}")
    out += ["", "#### TURN allocations", "",
            "| side | component | transport | client (as captured) | Edge server | relayed | reflexive | result | frames |",
            "|---|---|---|---|---|---|---|---|---|"]
    for a in net.allocs:
        rel = f"{a.relayed[0]}:{a.relayed[1]}" if a.ok else "—"
        refl = f"{a.reflexive[0]}:{a.reflexive[1]}" if a.ok else "—"
        res = a.result + "".join(f"; Set Active Destination {d[0]}:{d[1]} (frames {'/'.join(str(n) for n in f)})"
                                 for d, f in a.sads)
        out.append(f"| {a.agent.key} | {a.comp} | {a.transport} | {a.sock[0]}:{a.sock[1]} | {a.server[0]}:{a.server[1]} | "
                   f"{rel} | {refl} | {res} | {', '.join(str(n) for n in a.frames)} |")
    out += ["", "#### Connectivity checks", "",
            "Each row is one STUN transaction of the checking side (local → remote as that side sees it). "
            "Frames: one group per transmission separated by `;`, the legs of one transmission (e.g. Send Request "
            "and the Data Indication at the peer) joined by `/`.", "",
            "| check | side | kind | comp | local candidate | remote candidate | transport | started | request frames | "
            "response frames | result |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for txn in sorted(A.checks + B.checks, key=lambda x: (x.t0, x.id)):
        out.append(check_row(txn))
    out += ["", "#### Nomination, media, final path", ""]
    for side, ag in (("A", A), ("B", B)):
        for comp in (1, 2):
            if comp in ag.nominated:
                p, txn, t = ag.nominated[comp]
                local = p.valid_local or p.local
                how = (f"USE-CANDIDATE check {txn.id} (request {_frames_txt(txn.sends)}, response "
                       f"{_frames_txt(txn.responses)})")
                out.append(f"- {side} nominated comp {comp} at {t:.3f}: {cand_str(local)} ↔ {cand_str(p.remote)}; {how}")
    if not A.nominated and not B.nominated:
        out.append("- no pair nominated (no check succeeded)")
    rtp = [m for m in net.media_log if m["kind"] == "rtp"]
    if rtp:
        first = rtp[0]
        t200 = flow.events.get("t200")
        early = " — early media, before the 200 OK" if t200 is not None and first["t"] < t200 else ""
        out.append(f"- First media (early-media path): {pair_key_text(first['key'])}; first RTP frame {first['frames'][0]} "
                   f"at {first['t']:.3f} ({first['sender']}→, {first['why']}){early}")
        for s in ("A", "B"):
            mine = [m for m in rtp if m["sender"] == s]
            out.append(f"  - {s}→{'B' if s == 'A' else 'A'}: first RTP frame {mine[0]['frames'][0]} at "
                       f"{mine[0]['t']:.3f} on {pair_key_text(mine[0]['key'])}")
        promos = []
        for s in ("A", "B"):
            mine = [m for m in rtp if m["sender"] == s]
            for prev, cur in zip(mine, mine[1:]):
                if cur["key"] != prev["key"]:
                    promos.append((cur["t"], s, prev, cur))
        if promos:
            for t, s, prev, cur in sorted(promos, key=lambda x: x[0]):
                out.append(f"- Promotion ({s}→{'B' if s == 'A' else 'A'}) at {t:.3f}: first RTP on the new path in frame "
                           f"{cur['frames'][0]}; {pair_key_text(prev['key'])} → {pair_key_text(cur['key'])} (last RTP on the old "
                           f"path: frame {prev['frames'][0]} at {prev['t']:.3f})")
        else:
            out.append("- Promotions: none (media stayed on its first path)")
        rtcp = [m for m in net.media_log if m["kind"] == "rtcp"]
        out.append("- RTCP (component 2): " + "; ".join(
            f"{m['sender']} at {m['t']:.3f} frame {m['frames'][0]} on {pair_key_text(m['key'])}" for m in rtcp))
        ctx = flow.events.get("reinvite")
        if ctx:
            rem = ", ".join(f"comp {c.component} {c.address} {c.port}" for c in flow.reinvite_remote)
            out.append(f"- Final path, signalled: re-INVITE frames {'/'.join(str(n) for n in ctx['frames'])} with "
                       f"`{remote_candidates_line(flow.reinvite_remote)}` ({rem}); 200 OK frames "
                       f"{'/'.join(str(n) for n in call.frames['reinvite-200'])}")
        for s in ("A", "B"):
            last = [m for m in rtp if m["sender"] == s][-1]
            out.append(f"- Final path, media: last RTP {s}→ in frame {last['frames'][-1]} at {last['t']:.3f} on "
                       f"{pair_key_text(last['key'])}")
        last = rtp[-1]
        ka, kb = last["key"]
        assert (ka.typ, kb.typ, ka.transport[:3]) == expect_final, (ka.typ, kb.typ, ka.transport, expect_final)
    else:
        assert expect_final is None
        out.append("- Media: none (no RTP or RTCP in the capture)")
    out += ["", f"**Verdict:** {verdict}", ""]
    return out


class CallCapture(Capture):
    """A whole-call capture: frames plus the capture point and the expected per-call report."""

    def __init__(self, filename, title, intro, capture_point):
        super().__init__(filename, title, intro)
        self.capture_point = capture_point
        self.report = []
        self.media_frames = {}            # frame number -> (sender, RTP sequence number)
        self.ssrcs = []                   # (sender, SSRC)
        self.triggers = []                # rule-*: markdown lines, which finding fires where and why

    def readme_rows(self):
        """Frame table rows; a run of two or more RTP frames is one row (per kind of frame: the What text)."""
        runs = {i: (self.frames[i - 1][3], seq) for i, (sender, seq) in self.media_frames.items()}
        ssrcs = ", ".join(f"{sd}→ 0x{sc:08x}" for sd, sc in self.ssrcs)
        return self.run_rows(runs, 2, "RTP frames", f"RTP v2 PT 104, SSRC {ssrcs}")
