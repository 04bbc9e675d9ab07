# SPDX-License-Identifier: GPL-2.0-or-later
"""The call simulator's SIP: proxies that add Via and Record-Route, SIP legs over TCP (captured or
not, optionally split at the MSS), the dialog (requests, provisional and final responses, ACK), and
CallFlow, which drives one whole call: MRAS exchanges, gathering, INVITE / 183 / 180 / 200 / ACK
with ICE v19 SDP, checks and media, re-INVITE with a=remote-candidates, BYE or failure, release."""


from .call_ice import MEDIA_LEN, MEDIA_PT, MEDIA_TS_STEP
from .media import RtpStream
from .mras import MRAS_CONTENT_TYPE, describe_relays, mras_request_xml, mras_response_xml
from .net import TcpFlow
from .sdp import IceV19Media, MediaKeys, describe_v19, sdp_session, v19_media
from .sip import B64URL_CHARS, FE_SERVER, LYNC_ALLOW, lync_branch, rand_hex, rand_token, sip_message


class SipProxy:
    """A Lync/SfB server on the SIP path (Front End, Access Edge): its Via and Record-Route."""

    def __init__(self, rng, fqdn, ip):
        self.fqdn, self.ip = fqdn, ip
        self.uri = (f"<sip:{fqdn}:5060;transport=tcp;opaque=state:T:F:Ci.R{rand_hex(rng, 4)}00;lr;"
                    f"ms-route-sig={rand_token(rng, 52, B64URL_CHARS)}AAA>")
        self.rr = f"{self.uri};tag={rand_hex(rng, 32, upper=True)}"

    def via(self, rng):
        return (f"SIP/2.0/TCP {self.ip}:5060;branch={lync_branch(rng)};"
                f"ms-internal-info=\"{rand_token(rng, 46, B64URL_CHARS)}AA\"")


class SipLeg:
    """One UA's SIP connection as captured: TCP from the client to its first-hop server
    (Front End or Access Edge), seen at the client's capture point. Clear text on TCP 5060
    (TLS in real deployments, see the README). With `mss`, a message longer than that goes
    in several TCP segments (a capture without segmentation offload); the message is then
    the last segment's frame, where Wireshark shows it reassembled."""

    def __init__(self, net, agent, cport, server_ip, received, point=None, mss=None, push_each=False):
        self.net, self.agent, self.party = net, agent, agent.party
        self.point = point or net.reg[agent.ip]["point"]
        self.tcp = TcpFlow(net.cap, net.rng, net.view(self.point, agent.ip), cport, net.view(self.point, server_ip), 5060)
        self.via_base = f"SIP/2.0/TCP {agent.ip}:{cport}"
        self.received = received          # what the first-hop server appends to this UA's Via
        self.mss = mss                    # set: a message longer than this goes in MSS-sized TCP segments
        self.push_each = push_each        # PSH on every segment, not only on the last

    def _send(self, side, data, what, show):
        """One SIP message; with `mss`, split as a sender's TCP stack splits it (segments of `mss` bytes,
        PSH on the last, or on each with `push_each`). Returns the frame of the last segment: where the
        message is complete."""
        if self.mss and len(data) > self.mss and self.push_each:
            return self._send_push_each(side, data, what, show)
        tag = lambda w: self.net.tag(self.point, w)
        if not self.mss or len(data) <= self.mss:
            return self.tcp.send(side, data, tag(what), show)
        parts = [data[i:i + self.mss] for i in range(0, len(data), self.mss)]
        for k, part in enumerate(parts[:-1], 1):
            self.tcp._segment(side, "A", part, tag(f"{what} — TCP segment {k} of {len(parts)}"),
                              f"bytes {(k - 1) * self.mss}–{k * self.mss - 1} of the {len(data)}-byte message "
                              f"(MSS {self.mss}); the rest follows")
        return self.tcp.send(side, parts[-1], tag(f"{what} — TCP segment {len(parts)} of {len(parts)}"),
                             f"completes the {len(data)}-byte message: {show}")

    def _send_push_each(self, side, data, what, show):
        what = self.net.tag(self.point, what)
        pieces = [data[i:i + self.mss] for i in range(0, len(data), self.mss)]
        first = len(self.net.cap.frames) + 1
        for i, piece in enumerate(pieces[:-1]):
            self.tcp.send(side, piece, f"{what} — TCP segment {i + 1} of {len(pieces)}",
                          f"bytes {i * self.mss}–{(i + 1) * self.mss - 1} of the {len(data)}-byte SIP message; "
                          f"reassembled in frame {first + len(pieces) - 1}")
        return self.tcp.send(side, pieces[-1], what,
                             f"last of {len(pieces)} TCP segments (frames {first}–{first + len(pieces) - 1}, "
                             f"{len(data)} bytes): " + show)

    def up(self, data, what, show):
        return self._send(TcpFlow.C, data, what, show)

    def down(self, data, what, show):
        return self._send(TcpFlow.S, data, what, show)


class UncapturedSipLeg:
    """A UA's SIP connection that no capture point sees (its messages exist, no frames)."""

    def __init__(self, agent, cport, received):
        self.agent, self.party = agent, agent.party
        self.via_base = f"SIP/2.0/TCP {agent.ip}:{cport}"
        self.received = received

    def up(self, data, what, show):
        return None

    def down(self, data, what, show):
        return None


class SipCall:
    """A SIP dialog between A (caller) and B (callee) through `proxies` (A's side first),
    written on both captured legs. A request is written on the sender's leg at once and
    on the receiver's leg `delay_ms` later, as the last proxy forwards it: proxies add
    their Via (the last one on top) and, for the initial INVITE, Record-Route; Route
    headers are consumed; the first proxy stamps the sender's Via. Responses travel back
    with the Via stack trimmed. 100 Trying is hop-by-hop (first proxy → UAC only)."""

    def __init__(self, net, rng, legs, proxies, delay_ms, b_leg_headers=()):
        self.net, self.rng, self.legs, self.proxies = net, rng, legs, proxies
        self.delay = delay_ms
        self.call_id = rand_hex(rng, 32)
        self.tags = {"A": rand_hex(rng, 10), "B": rand_hex(rng, 10)}
        self.cseq = {"A": 0, "B": 100}
        self.early = False                # B's tag known to A (after a 1xx with To tag)
        self.b_leg_headers = list(b_leg_headers)
        self.frames = {}                  # name -> (frame on sender's leg, frame on receiver's leg)

    @staticmethod
    def other(side):
        return "B" if side == "A" else "A"

    def _path(self, side):
        return self.proxies if side == "A" else list(reversed(self.proxies))

    def _from_to(self, side):
        me, you = self.legs[side].party, self.legs[self.other(side)].party
        to = you.name_addr(self.tags[self.other(side)]) if (self.early or side == "B") else f"<{you.uri}>"
        return me.name_addr(self.tags[side]), to

    def request(self, side, method, name, headers=(), body=b"", ctype=None, what="", show="", cseq=None,
                on_delivered=None, near=True):
        """`near` False: the sender's leg was written already (a forked INVITE: the proxy forwards
        the caller's one request to a second callee endpoint); only the far leg is written."""
        leg, far = self.legs[side], self.legs[self.other(side)]
        initial = method == "INVITE" and side == "A" and self.cseq["A"] == 0
        if cseq is None:
            self.cseq[side] += 1
            cseq = self.cseq[side]
        frm, to = self._from_to(side)
        ruri = far.party.uri if initial else far.party.gruu
        via = f"{leg.via_base};branch={lync_branch(self.rng)}"
        path = self._path(side)
        common = [("From", frm), ("To", to), ("Call-ID", self.call_id), ("CSeq", f"{cseq} {method}")]
        tail = list(headers) + ([("Content-Type", ctype)] if ctype else []) + [("Content-Length", None)]
        near_h = [("Via", via), ("Max-Forwards", "70")] + common
        if not initial:
            near_h += [("Route", p.uri) for p in path]
        far_vias = [p.via(self.rng) for p in reversed(path)] + [via + leg.received]
        rr = [p.rr for p in reversed(path)] if initial else []
        extra = self.b_leg_headers if side == "A" else []
        far_h = ([("Via", v) for v in far_vias] + [("Record-Route", r) for r in rr]
                 + [("Max-Forwards", str(70 - len(path)))] + common + extra)
        start = f"{method} {ruri} SIP/2.0"
        f1 = leg.up(sip_message(start, near_h + tail, body), what, show) if near else None
        ctx = dict(side=side, method=method, cseq=cseq, via=via, far_vias=far_vias, rr=rr, frm=frm, to=to,
                   name=name, initial=initial, frames=[f1])
        self.frames[name] = ctx["frames"]
        of = f"the request of frame {f1}" if f1 is not None else "the request"

        def deliver():
            ctx["frames"].append(far.down(sip_message(start, far_h + tail, body), what,
                                          f"{of} as {path[-1].fqdn} forwards it: "
                                          f"{len(far_vias)} Vias" + (f", {len(rr)} Record-Route" if rr else "")
                                          + f", Max-Forwards {70 - len(path)}, no Route; same body"))
            if on_delivered:
                on_delivered()
        self.net.after(self.delay, deliver)
        return ctx

    def trying(self, ctx):
        leg = self.legs[ctx["side"]]
        hdrs = [("Via", ctx["via"] + leg.received), ("From", ctx["frm"]), ("To", ctx["to"]),
                ("Call-ID", self.call_id), ("CSeq", f"{ctx['cseq']} {ctx['method']}"), ("Server", FE_SERVER),
                ("Content-Length", None)]
        return leg.down(sip_message("SIP/2.0 100 Trying", hdrs), "SIP 100 Trying",
                        f"100 Trying to frame {ctx['frames'][0]}, from {self.proxies[0 if ctx['side'] == 'A' else -1].fqdn}")

    def response(self, ctx, code, reason, name, headers=(), body=b"", ctype=None, what="", show="",
                 on_delivered=None):
        uas, uac = self.legs[self.other(ctx["side"])], self.legs[ctx["side"]]
        if ctx["side"] == "A" and code > 100:
            self.early = True
        to = ctx["to"] if ";tag=" in ctx["to"] else uas.party.name_addr(self.tags[self.other(ctx["side"])])
        rr = [("Record-Route", r) for r in ctx["rr"]] if code > 100 else []
        common = ([("From", ctx["frm"]), ("To", to), ("Call-ID", self.call_id),
                   ("CSeq", f"{ctx['cseq']} {ctx['method']}")] + rr + list(headers)
                  + ([("Content-Type", ctype)] if ctype else []) + [("Content-Length", None)])
        start = f"SIP/2.0 {code} {reason}"
        f1 = uas.up(sip_message(start, [("Via", v) for v in ctx["far_vias"]] + common, body), what, show)
        frames = [f1]
        self.frames[name] = frames

        def deliver():
            frames.append(uac.down(sip_message(start, [("Via", ctx["via"] + uac.received)] + common, body), what,
                                   (f"the response of frame {f1}" if f1 is not None else "the response")
                                   + " as it reaches the "
                                   f"{'caller' if ctx['side'] == 'A' else 'callee'}: only the UA's own Via left; "
                                   "same body"))
            if on_delivered:
                on_delivered()
        self.net.after(self.delay, deliver)
        return frames

    def ack_non2xx(self, ctx, name):
        """ACK for a final non-2xx response: hop-by-hop, same branch as the INVITE on each hop."""
        uac, uas = self.legs[ctx["side"]], self.legs[self.other(ctx["side"])]
        to = self.legs[self.other(ctx["side"])].party.name_addr(self.tags[self.other(ctx["side"])])
        common = [("From", ctx["frm"]), ("To", to), ("Call-ID", self.call_id), ("CSeq", f"{ctx['cseq']} ACK"),
                  ("Content-Length", None)]
        ruri = uas.party.uri
        f1 = uac.up(sip_message(f"ACK {ruri} SIP/2.0", [("Via", ctx["via"]), ("Max-Forwards", "70")] + common),
                    "SIP ACK (for the 487, hop-by-hop)",
                    f"ACK for the 487, same branch as the INVITE in frame {ctx['frames'][0]}")
        frames = [f1]
        self.frames[name] = frames
        self.net.after(self.delay, lambda: frames.append(uas.down(
            sip_message(f"ACK {ruri} SIP/2.0", [("Via", ctx["far_vias"][0]), ("Max-Forwards", "70")] + common),
            "SIP ACK (for the 487, from the proxy)",
            f"the last proxy's own ACK for the 487, same branch as its INVITE in frame {ctx['frames'][1]}")))


def call_sdp(agent, keys, version, offer, cands=None, remote=None, extra=()):
    """Audio ICE v19 SDP of one agent. Without `cands`: every candidate, default =
    the relay UDP candidates; with `cands` (re-INVITE / its answer): only those, and they
    are the default (c=, m=, a=rtcp). `extra`: more media sections after m=audio."""
    if cands is None:
        media, default = agent.media, (agent.default[1], agent.default[2])
    else:
        media = IceV19Media.__new__(IceV19Media)
        media.ufrag, media.pwd, media.cands = agent.media.ufrag, agent.media.pwd, list(cands)
        default = (cands[0], cands[1])
    return sdp_session(agent.ip, version, default[0].address,
                       [v19_media("audio", media, keys, agent.ssrc, offer=offer, remote=remote, default=default)]
                       + list(extra), ["a=x-devicecaps:audio:send,recv"])


class CallFlow:
    """The common story of a call capture, driven by events: MRAS for both parties, A
    gathers and sends the INVITE, B gathers and answers with 183 (+ 180), ICE runs, B
    accepts (200 OK, ACK), media, re-INVITE with a=remote-candidates once A has nominated
    both components, BYE, release of the allocations. `failed=True`: B never accepts;
    when every check has failed, A ends the early dialog with a BYE carrying
    ms-client-diagnostics, B answers 200 to the BYE and 487 to the INVITE."""

    def __init__(self, net, rng, call, A, B, **cfg):
        self.net, self.rng, self.call, self.A, self.B = net, rng, call, A, B
        self.cfg = cfg
        A.peer, B.peer = B, A
        self.keys = {"A": MediaKeys(rng), "B": MediaKeys(rng)}
        for a in (A, B):
            a.ssrc = 1000000000 + rng.getrandbits(30)
            a.cname = f"{rand_hex(rng, 8)}-{rand_hex(rng, 4)}@{a.party.aor}".encode()
        self.mras = {}
        self.sdp_frames = {}
        self.events = {}
        self.acked = False

    def agent(self, side):
        return self.A if side == "A" else self.B

    # ---------------------------------------------------------------- MRAS
    def do_mras(self, side):
        leg, party, agent = self.call.legs[side], self.call.legs[side].party, self.agent(side)
        c = self.cfg[f"mras_{side}"]
        rng = self.rng
        mras_uri = f"sip:{party.aor};gruu;opaque=srvr:MRAS:{rand_token(rng, 22, B64URL_CHARS)}AA"
        req_id = str(rng.randrange(10000, 99999))
        call, tag, rtag = rand_hex(rng, 32), rand_hex(rng, 10), rand_hex(rng, 32, upper=True)
        via = f"{leg.via_base};branch={lync_branch(rng)}"
        xml = mras_request_xml(req_id, party.uri, mras_uri, [(req_id, party.uri, c["location"], 480)])
        req = sip_message(f"SERVICE {mras_uri} SIP/2.0", [
            ("Via", via), ("Max-Forwards", "70"), ("From", party.name_addr(tag)), ("To", f"<{mras_uri}>"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Contact", party.contact()), ("User-Agent", party.ua),
            ("Content-Type", MRAS_CONTENT_TYPE), ("Content-Length", None)], xml)
        f_req = leg.up(req, f"SIP SERVICE to MRAS ({side}, location {c['location']})",
                       f"MRAS request requestID {req_id}, from {party.uri}, to {mras_uri}; credentialsRequest "
                       f"identity {party.uri}, location {c['location']}, duration 480")
        creds = agent.creds
        reason = c.get("reason", "OK")
        if reason != "OK":
            self._mras_failure(side, leg, party, agent, via, f_req, req_id, mras_uri, call, tag, rtag, reason,
                               c.get("rtt_ms", 60))
            return
        rxml = mras_response_xml(req_id, party.uri, mras_uri, "OK", [dict(
            id=req_id, username=creds.username_b64, password=creds.password_b64, duration=480, relays=c["relays"])])
        resp = sip_message("SIP/2.0 200 OK", [
            ("Via", via + leg.received), ("From", party.name_addr(tag)), ("To", f"<{mras_uri}>;tag={rtag}"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Server", FE_SERVER), ("Content-Type", MRAS_CONTENT_TYPE),
            ("Content-Length", None)], rxml)

        def answer():
            f = leg.down(resp, f"SIP 200 OK with MRAS credentials ({side})",
                         f"response to frame {f_req}; MRAS reasonPhrase \"OK\": username `{creds.username_b64}`, "
                         f"password `{creds.password_b64}`, duration 480; relays: " + describe_relays(c["relays"]))
            self.mras[side] = (f_req, f)
        self.net.after(c.get("rtt_ms", 60), answer)

    def _mras_failure(self, side, leg, party, agent, via, f_req, req_id, mras_uri, call, tag, rtag, reason, rtt_ms):
        """An MRAS response without credentials (reasonPhrase other than OK, no credentialsResponse)."""
        rxml = mras_response_xml(req_id, party.uri, mras_uri, reason, [])
        resp = sip_message("SIP/2.0 200 OK", [
            ("Via", via + leg.received), ("From", party.name_addr(tag)), ("To", f"<{mras_uri}>;tag={rtag}"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Server", FE_SERVER), ("Content-Type", MRAS_CONTENT_TYPE),
            ("Content-Length", None)], rxml)

        def answer():
            f = leg.down(resp, f"SIP 200 OK with MRAS response reasonPhrase {reason} ({side}, no credentials)",
                         f"response to frame {f_req}; MRAS reasonPhrase \"{reason}\", no credentialsResponse: "
                         f"{side} gets no username, no password and no relay list")
            self.mras[side] = (f_req, f)
        self.net.after(rtt_ms, answer)

    # ---------------------------------------------------------------- call set-up
    def start(self):
        c = self.cfg
        if c.get("mras", True):               # False: the clients use cached credentials, no MRAS exchange
            self.net.at(c["t_mras_A"], lambda: self.do_mras("A"))
            self.net.at(c["t_mras_B"], lambda: self.do_mras("B"))
        self.net.at(c["t_call"], lambda: self.gather("A", self.send_invite))
        self.net.run()

    def gather(self, side, then):
        g = self.cfg[f"gather_{side}"]
        agent = self.agent(side)
        share = self.cfg.get("appshare")
        if share:                          # the application sharing line's TCP allocation, after audio's
            audio_then = then
            then = lambda: share[side].gather_tcp(share[f"edge_{side}"], share[f"tcp_{side}"], audio_then)

        def go():
            if g.get("no_edge"):                      # no credentials: no allocation at all
                agent.open_sockets(g["ports"])
                self.net.after(4.0, then)
                return
            if g.get("pool"):
                agent.gather_pool(g["pool"], g["ports"], g["relay_ports"], lambda: self.net.after(4.0, then))
                return
            agent.gather(g["edge"], g["server"], g["ports"], g["relay_ports"], lambda: self.net.after(4.0, then),
                         outcomes=g.get("outcomes"), tcp=g.get("tcp"))
        if g.get("dns"):
            point, resolver, name, answer = g["dns"]
            self.net.dns(point, agent.ip, resolver, name, [answer], 4.2, "the internet relay MRAS named by hostName")
            self.net.after(6.0, go)
        else:
            go()

    def send_invite(self):
        A, c = self.A, self.cfg
        A.build_candidates()
        sdp = call_sdp(A, self.keys["A"], 0, True, extra=self.share_sections("A", True))
        hdrs = c["invite_headers"]
        self.invite = self.call.request(
            "A", "INVITE", "invite", hdrs, sdp, "application/sdp", "SIP INVITE (A's ICE v19 offer)",
            f"INVITE {self.call.legs['B'].party.uri}, Call-ID {self.call.call_id}, CSeq 1; single ICE v19 SDP ({len(sdp)} "
            f"bytes): " + describe_v19("audio", A.media) + self.share_text("A")
            + "; default candidate (c=/m=/a=rtcp) = A's "
            f"{A.default[1].typ} {A.default[1].transport} {A.default[1].address}:{A.default[1].port}/{A.default[2].port}",
            on_delivered=lambda: self.net.after(3.0, lambda: self.gather("B", self.send_183)))
        self.sdp_frames["A"] = self.invite["frames"]
        self.net.after(4.5, lambda: self.call.trying(self.invite))

    def send_183(self):
        B = self.B
        B.build_candidates()
        self.answer_sdp = call_sdp(B, self.keys["B"], 0, False, extra=self.share_sections("B", False))
        hdrs = self.cfg["answer_headers"]
        frames = self.call.response(
            self.invite, 183, "Session Progress", "183", hdrs, self.answer_sdp, "application/sdp",
            "SIP 183 Session Progress (B's ICE v19 answer)",
            f"183 to the INVITE (frame {self.invite['frames'][0]}), To tag {self.call.tags['B']}; ICE v19 SDP: "
            + describe_v19("audio", B.media) + self.share_text("B")
            + f"; default candidate = B's {B.default[1].typ} {B.default[1].transport} "
            f"{B.default[1].address}:{B.default[1].port}/{B.default[2].port}",
            on_delivered=self.got_183)
        self.sdp_frames["B"] = frames
        self.events["t183"] = self.net.t
        # B starts its checks once A has the answer (a check never arrives before the SDP that
        # describes its source, so no peer-reflexive candidates appear)
        self.net.after(self.call.delay + 3.0, B.start_ice)
        if self.cfg.get("appshare"):
            self.net.after(self.call.delay + 3.5, self.cfg["appshare"]["B"].start_ice)
        self.net.after(2.0, lambda: self.call.response(self.invite, 180, "Ringing", "180", hdrs, what="SIP 180 Ringing",
                                                       show="180 Ringing, no body"))
        if self.cfg.get("early_media"):
            self.net.after(self.cfg["early_media"][1] * 1000, lambda: B.start_media(
                self.t_end("B"), self.stream("B")))
        if self.cfg.get("failed"):
            self.net.after(200, self.watch_failure)
        else:
            self.net.at(self.cfg["t_answer"], self.send_200)

    def stream(self, side):
        a = self.agent(side)
        return RtpStream(self.rng, MEDIA_PT, a.ssrc, self.rng.getrandbits(16), self.rng.getrandbits(32),
                         payload_len=MEDIA_LEN, ts_step=MEDIA_TS_STEP * a.rtp_ms // 20)

    def got_183(self):
        self.net.after(1.0, self.A.start_ice)
        if self.cfg.get("appshare"):
            self.net.after(1.5, self.cfg["appshare"]["A"].start_ice)
        if self.cfg.get("early_media") and self.cfg["early_media"][0] is not None:
            self.net.after(self.cfg["early_media"][0] * 1000, lambda: self.A.start_media(
                self.t_end("A"), self.stream("A")))

    def send_200(self):
        hdrs = list(self.cfg["answer_headers"]) + list(self.cfg.get("ok_headers", []))
        self.call.response(self.invite, 200, "OK", "200", hdrs, self.answer_sdp, "application/sdp",
                           "SIP 200 OK (B accepts; same answer SDP)",
                           f"200 OK to the INVITE (frame {self.invite['frames'][0]}); the same ICE v19 answer as the 183"
                           + self.cfg.get("ok_note", ""), on_delivered=self.send_ack)
        self.events["t200"] = self.net.t
        if not self.cfg.get("early_media"):
            self.net.after(30, lambda: self.B.start_media(self.t_end("B"), self.stream("B")))

    def send_ack(self):
        def ack():
            self.call.request("A", "ACK", "ack", [("User-Agent", self.A.party.ua)], what="SIP ACK",
                              show=f"ACK for the 200 OK (frame {self.call.frames['200'][-1]})", cseq=1)
            self.acked = True
            if self.cfg.get("appshare"):
                self.net.after(50, self.watch_share)
            if not self.cfg.get("early_media") or self.cfg["early_media"][0] is None:
                self.net.after(8, lambda: self.A.start_media(self.t_end("A"), self.stream("A")))
            self.net.after(50, self.watch_reinvite)
        self.net.after(2.5, ack)

    def watch_reinvite(self):
        assert self.net.t < (self.cfg["t_bye"] or self.cfg["t_media_end"]), "A never nominated both components"
        if 1 in self.A.nominated and 2 in self.A.nominated:
            if self.cfg.get("no_reinvite"):           # the caller never sends its updated offer
                self._schedule_bye()
                return
            self.net.after(self.cfg.get("reinvite_ms", 300), self.reinvite)
        else:
            self.net.after(50, self.watch_reinvite)

    def reinvite(self):
        A = self.A
        pa = [A.nominated_pair(c) for c in (1, 2)]
        local = [p.valid_local or p.local for p in pa]
        remote = [p.remote for p in pa]
        sdp = call_sdp(A, self.keys["A"], 1, True, cands=local, remote=remote,
                       extra=self.share_sections("A", True, reinvite=True))
        self.reinvite_remote = remote
        ctx = self.call.request(
            "A", "INVITE", "reinvite", [("Contact", A.party.contact()), ("User-Agent", A.party.ua),
                                        ("Supported", "ms-early-media"), ("Allow", LYNC_ALLOW)],
            sdp, "application/sdp", "SIP re-INVITE: selected candidates + a=remote-candidates",
            f"INVITE CSeq 2 in the dialog, o= version 1; only A's selected candidates (c=/m= = "
            f"{local[0].address}:{local[0].port}, a=rtcp {local[1].port}): "
            + describe_v19("audio", A.media.with_cands(local), remote),
            on_delivered=lambda: self.net.after(12, lambda: self.reinvite_ok(ctx)))
        self.events["reinvite"] = ctx

    def reinvite_ok(self, ctx):
        B = self.B
        pb = [B.nominated_pair(c) for c in (1, 2)]
        local = [p.valid_local or p.local for p in pb]
        sdp = call_sdp(B, self.keys["B"], 1, False, cands=local, extra=self.share_sections("B", False, reinvite=True))
        self.call.response(ctx, 200, "OK", "reinvite-200", [("Contact", f"<{B.party.gruu}>"), ("User-Agent", B.party.ua)],
                           sdp, "application/sdp", "SIP 200 OK to the re-INVITE",
                           f"200 OK to the re-INVITE (frame {ctx['frames'][0]}); B's selected candidates: "
                           + describe_v19("audio", B.media.with_cands(local)),
                           on_delivered=lambda: self.net.after(2.0, lambda: self.call.request(
                               "A", "ACK", "reinvite-ack", [("User-Agent", self.A.party.ua)], what="SIP ACK (re-INVITE)",
                               show="ACK for the 200 OK to the re-INVITE", cseq=2)))
        assert self.cfg["t_bye"] is None or self.net.t < self.cfg["t_bye"]
        self._schedule_bye()

    def _schedule_bye(self):
        if self.cfg["t_bye"] is None:     # the capture ends before anyone hangs up
            return
        self.net.at(self.cfg["t_bye"], self.bye)

    def t_end(self, side):
        """When `side` stops sending media (t_media_end, or t_media_end_A / _B for one side)."""
        return self.cfg.get(f"t_media_end_{side}", self.cfg["t_media_end"])

    # ---------------------------------------------------------------- application sharing line
    def share_sections(self, side, offer, reinvite=False):
        """The m=applicationsharing section of `side`'s SDP (none without cfg["appshare"]). In the
        re-INVITE and its answer: the selected candidate once nominated (and, from the caller,
        a=remote-candidates naming the callee's), else every candidate again."""
        share = self.cfg.get("appshare")
        if not share:
            return []
        ag = share[side]
        if not reinvite:                   # the offer (A) and the answer (B): candidates from the allocation
            ag.build_candidates()
        media, default, remote = ag.media, (ag.default[1], None), None
        n = ag.nominated_pair(1)
        if reinvite and n is not None:
            local = n.valid_local or n.local
            media, default = ag.media.with_cands([local]), (local, None)
            remote = [n.remote] if side == "A" else None
        return [v19_media("applicationsharing", media, share[f"keys_{side}"], ag.ssrc, offer=offer, remote=remote,
                          default=default)]

    def share_text(self, side):
        share = self.cfg.get("appshare")
        return "; " + describe_v19("applicationsharing", share[side].media) if share else ""

    def watch_share(self):
        """Application sharing starts once A has nominated the sharing line's pair."""
        share = self.cfg["appshare"]
        if share["A"].nominated_pair(1) is None:
            assert self.net.t < share["t_media_end"], "the sharing line was never nominated"
            self.net.after(50, self.watch_share)
            return
        for side, ms in (("A", share["rtp_ms_A"]), ("B", share["rtp_ms_B"])):
            ag = share[side]
            ag.rtp_ms = ms
            ag.start_media(share["t_media_end"], RtpStream(self.rng, 127, ag.ssrc, self.rng.getrandbits(16),
                                                           self.rng.getrandbits(32), payload_len=share[f"len_{side}"],
                                                           ts_step=90 * ms))

    def bye(self):
        side = self.cfg.get("bye_side", "A")
        ctx = self.call.request(side, "BYE", "bye", [("User-Agent", self.agent(side).party.ua),
                                                     ("ms-client-diagnostics", '51004;reason="Action initiated by user"')],
                                what="SIP BYE",
                                show=f"BYE from {side}; ms-client-diagnostics 51004 \"Action initiated by user\"",
                                on_delivered=lambda: self.net.after(6, lambda: self.call.response(
                                    ctx, 200, "OK", "bye-200", [("User-Agent", self.agent(self.call.other(side)).party.ua)],
                                    what="SIP 200 OK to BYE", show="200 OK to the BYE",
                                    on_delivered=self.release)))

    def release(self):
        for i, a in enumerate(self.net.allocs):
            self.net.after(40 + 6 * i, a.release)

    # ---------------------------------------------------------------- failure
    def watch_failure(self):
        A = self.A
        started = A.ice_started is not None and self.B.ice_started is not None
        if started and all(t.done for a in (self.A, self.B) for t in a.checks) and not A.triggered and not A.waiting:
            self.events["t_all_failed"] = self.net.t
            self.net.after(self.cfg["fail_bye_ms"], self.failed_bye)
        else:
            self.net.after(50, self.watch_failure)

    def failed_bye(self):
        diag = self.cfg["fail_diag"]
        ctx = self.call.request("A", "BYE", "bye", [("User-Agent", self.A.party.ua), ("ms-client-diagnostics", diag)],
                                what="SIP BYE in the early dialog: ms-client-diagnostics 23",
                                show=f"BYE (caller ends the early dialog, RFC 3261 §15) with ms-client-diagnostics: "
                                     f"`{diag}`",
                                on_delivered=lambda: self.net.after(5, after_bye))

        def after_bye():
            self.call.response(ctx, 200, "OK", "bye-200", [("User-Agent", self.B.party.ua)], what="SIP 200 OK to BYE",
                               show="200 OK to the BYE")
            self.net.after(3, lambda: self.call.response(
                self.invite, 487, "Request Terminated", "487", [("User-Agent", self.B.party.ua)],
                what="SIP 487 Request Terminated (the INVITE)",
                show=f"487 to the INVITE (frame {self.invite['frames'][0]}): the early dialog ended by the BYE",
                on_delivered=lambda: (self.net.after(1.5, lambda: self.call.ack_non2xx(self.invite, "ack-487")),
                                      self.net.after(60, self.release))))
