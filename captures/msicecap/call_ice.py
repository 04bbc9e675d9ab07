# SPDX-License-Identifier: GPL-2.0-or-later
"""The call simulator's ICE agent (MS-ICE2 = ICE-19 with Microsoft's attributes): candidate gathering
on the Edge, the check list and its pacing, retransmissions and failures, triggered checks, ICE-TCP
active checks, regular nomination, and media (RTP every 20 ms, RTCP on component 2) on the default
or the nominated pair. AppShareAgent is the application-sharing variant (TCP only, component 1)."""


from .call_net import Pkt, cand_str, pair_str
from .call_turn import TurnAlloc, TurnTcpAlloc, pkt_note, pkt_show
from .net import SYN_OPTS_CLIENT, TcpFlow
from .sdp import IceV19Media, MS_LOCAL_PREF, TYPE_PREF, V19Candidate, ms_priority
from .stun import IceAgent, Txids, hexs, sfb_check_request, sfb_check_response


TA_MS = 20                                # pacing of ordinary checks
CHECK_TX_MS = (0, 100, 300, 700, 1500)    # transmissions of one check (RTO 100 ms, doubling)
CHECK_FAIL_MS = 2300                      # no response 800 ms after the last transmission: pair failed
TCP_SYN_MS = (0, 1000)                    # SYN and its retransmission for an ICE-TCP check
TCP_FAIL_MS = 3000


MEDIA_PT, MEDIA_LEN, MEDIA_TS_STEP = 104, 40, 320   # SILK/16000, 40-byte SRTP payload, 20 ms


class Pair:
    """A candidate pair in one agent's check list (ICE-19 §5.7)."""

    def __init__(self, agent, local, remote):
        self.agent, self.local, self.remote = agent, local, remote
        self.comp = local.component
        g, d = (local.priority, remote.priority) if agent.controlling else (remote.priority, local.priority)
        self.priority = (min(g, d) << 32) + 2 * max(g, d) + (1 if g > d else 0)
        self.state = "frozen"
        self.valid_local = None
        self.nominate_on_success = False
        self.foundation = (local.foundation, remote.foundation)

    def key(self):
        return (self.local.foundation, self.remote.foundation, self.comp)

    def transport(self):
        if self.local.transport == "UDP":
            return "UDP"
        return f"TCP ({self.local.transport} → {self.remote.transport})"


class CheckTxn:
    """One connectivity check (one STUN transaction, with its retransmissions)."""

    def __init__(self, agent, pair, nominate, triggered):
        self.agent, self.pair, self.nominate, self.triggered = agent, pair, nominate, triggered
        self.id = None                    # "A1", "B3", ...: given at the first transmission
        self.txid = agent.net.rng.randbytes(12)
        self.sends, self.responses = [], []
        self.t0 = agent.net.t
        self.result, self.t_result = None, None
        self.done = False
        self.described = []               # "req"/"resp" once described in full in the README
        self.request_seen_by_peer = []
        remote_ice = agent.peer.ice_agent
        self.user = f"{remote_ice.ufrag}:{agent.ice_agent.ufrag}".encode()
        lp = MS_LOCAL_PREF[(pair.local.typ, pair.local.transport)]
        self.prio = ms_priority(TYPE_PREF["prflx"], lp, pair.comp)
        self.data = sfb_check_request(self.txid, agent.ice_agent, remote_ice, self.prio, agent.controlling,
                                      pair.local.foundation, nominate)

    def kind(self):
        return "nominating" if self.nominate else ("triggered" if self.triggered else "ordinary")

    def note(self, what):
        p = self.pair
        arrow = f"{p.local.typ}→{p.remote.typ}" if what == "req" else f"{p.remote.typ}→{p.local.typ}"
        if what == "req":
            return (f"check {self.id} {self.agent.key}→{self.agent.peer.key} {arrow} comp {p.comp}"
                    + (" USE-CANDIDATE" if self.nominate else ""))
        return f"response to check {self.id} ({self.agent.peer.key}→{self.agent.key} {arrow} comp {p.comp})"

    def describe(self, what):
        p = self.pair
        if what == "req":
            return (f"MS-ICE2 Binding Request txid 2112a442{hexs(self.txid)} (check {self.id}, {self.kind()}; pair "
                    f"{pair_str(p.local, p.remote)}, comp {p.comp}): USERNAME \"{self.user.decode()}\", PRIORITY "
                    f"{self.prio}, ICE-{'CONTROLLING' if self.agent.controlling else 'CONTROLLED'}"
                    + (", USE-CANDIDATE" if self.nominate else "") +
                    f", CANDIDATE-IDENTIFIER \"{p.local.foundation}\", IMPLEMENTATION-VERSION 3, MI (key = "
                    f"{self.agent.peer.key}'s ice-pwd) and FINGERPRINT valid")
        return (f"MS-ICE2 Binding Success Response txid 2112a442{hexs(self.txid)} to check {self.id}: "
                f"XOR-MAPPED-ADDRESS {self.mapped[0]}:{self.mapped[1]} (the source {self.agent.peer.key} saw), "
                f"USERNAME echoed, MS-APP-ID 1, MI (key = {self.agent.peer.key}'s ice-pwd) and FINGERPRINT valid")


class CallAgent:
    """One client: sockets, MS-TURN allocations, ICE v19 candidates, ICE check list,
    nomination and media (ICE-19 with the MS-ICE2 attributes)."""

    def __init__(self, net, key, party, ip, ms_version, controlling, creds, rng):
        self.net, self.key, self.party, self.ip = net, key, party, ip
        self.ms_version, self.controlling, self.creds = ms_version, controlling, creds
        self.tx = Txids(rng)
        self.sockets, self.allocs, self.tcp_alloc = {}, {}, None
        self.media = IceV19Media(rng, [])
        self.ice_agent = IceAgent(self.media.ufrag, self.media.pwd, rng.randbytes(8))
        self.peer = None
        self.pairs, self.waiting, self.triggered = [], [], []
        self.ticking, self.last_tick = False, None
        self.nominated, self.nominating = {}, {}
        self.checks, self.n_checks = [], 0
        self.default = {}
        self.stream = None
        self.ice_started = None
        self.tcp_check_port = None        # local port of the next ICE-TCP active check connection
        self.rtp_ms = 20                  # RTP pacing (the rule-* captures thin it out to stay small)
        self.nominate_first_valid = False  # nominate the first valid pair, without waiting for better ones
        self.raw_to_active = True         # without 0xFF10: plain datagrams to the active destination, not Send
        net.agents.append(self)

    # ---------------------------------------------------------------- gathering
    def gather(self, edge, server_ip, ports, relay_ports, on_done, outcomes=None, tcp=None):
        """UDP allocations for components 1 and 2 (in parallel) and, with `tcp`, one TCP
        allocation (TurnTcpAlloc arguments); `on_done` runs when all have finished."""
        pending = []
        for comp, (port, rport) in enumerate(zip(ports, relay_ports), 1):
            self.sockets[comp] = port
            self.net.sockets[(self.ip, port)] = lambda pkt, ip, p, fr, comp=comp: self.receive(pkt, ("sock", comp),
                                                                                              (ip, p), fr)
            a = TurnAlloc(self, comp, edge, server_ip, port, rport, (outcomes or {}).get(comp, "ok"))
            self.allocs[comp] = a
            pending.append(a)
        if tcp:
            self.tcp_alloc = TurnTcpAlloc(self, edge, **tcp)
            pending.append(self.tcp_alloc)
        left = [len(pending)]

        def one(_ok):
            left[0] -= 1
            if left[0] == 0:
                on_done()
        for i, a in enumerate(pending):
            self.net.after(3.0 * i, lambda a=a: a.allocate(one))

    def open_sockets(self, ports):
        """The two host sockets without any allocation (no Edge credentials)."""
        for comp, port in enumerate(ports, 1):
            self.sockets[comp] = port
            self.net.sockets[(self.ip, port)] = lambda pkt, ip, p, fr, comp=comp: self.receive(pkt, ("sock", comp),
                                                                                              (ip, p), fr)

    def gather_pool(self, servers, ports, relay_ports, on_done):
        """UDP allocations for components 1 and 2 on an Edge pool: `servers` = [(edge, server_ip,
        outcome), ...] in the order the client tries them; a socket whose allocation fails tries the
        next server (same socket, a new 5-tuple)."""
        self.open_sockets(ports)
        left = [len(ports)]

        def attempt(comp, i):
            edge, server_ip, outcome = servers[i]
            a = TurnAlloc(self, comp, edge, server_ip, ports[comp - 1], relay_ports[comp - 1], outcome)
            self.allocs[comp] = a

            def done(ok):
                if not ok and i + 1 < len(servers):
                    self.net.after(1.5, lambda: attempt(comp, i + 1))
                    return
                left[0] -= 1
                if left[0] == 0:
                    on_done()
            a.allocate(done)
        for comp in (1, 2):
            self.net.after(3.0 * (comp - 1), lambda comp=comp: attempt(comp, 0))

    def build_candidates(self, host_tcp_port=None):
        """ICE v19 candidate lines from the sockets and allocation results (foundations as
        ms_v19_candidates: 1 host UDP, 5 srflx UDP, 6 srflx TCP-ACT, 7 relay UDP, 8/9 relay
        TCP-PASS/TCP-ACT). A reflexive address equal to the host address is not listed."""
        cands = []
        for comp in (1, 2):
            cands.append(V19Candidate(1, comp, "UDP", self.ip, self.sockets[comp], "host"))
        srflx = {c: a.reflexive for c, a in self.allocs.items() if a.ok and a.reflexive != (self.ip, a.sock[1])}
        for comp in (1, 2):
            if comp in srflx:
                cands.append(V19Candidate(5, comp, "UDP", *srflx[comp], "srflx", self.ip, self.sockets[comp]))
        t = self.tcp_alloc
        if t is not None and t.ok and t.reflexive[0] != self.ip:
            for comp in (1, 2):
                cands.append(V19Candidate(6, comp, "TCP-ACT", *t.reflexive, "srflx", self.ip, t.sock[1]))
        for comp in (1, 2):
            a = self.allocs.get(comp)
            if a is not None and a.ok:
                rel = srflx.get(comp, (self.ip, self.sockets[comp]))
                cands.append(V19Candidate(7, comp, "UDP", *a.relayed, "relay", *rel))
        if t is not None and t.ok:
            for f, tr in ((8, "TCP-PASS"), (9, "TCP-ACT")):
                for comp in (1, 2):
                    cands.append(V19Candidate(f, comp, tr, *t.relayed, "relay", *t.reflexive))
        for c in cands:
            c.owner = self
        self.media.cands = cands
        relay = [c for c in cands if c.typ == "relay" and c.transport == "UDP"]
        if relay:
            self.default = {1: relay[0], 2: relay[1]}
        elif t is not None and t.ok:
            self.default = {c.component: c for c in cands if c.foundation == "8"}
        else:
            self.default = {1: cands[0], 2: cands[1]}
        return cands

    def cand(self, foundation, comp):
        return next(c for c in self.media.cands if c.foundation == str(foundation) and c.component == comp)

    # ---------------------------------------------------------------- check list
    def start_ice(self):
        """Form the check list (ICE-19 §5.7): local srflx replaced by its base (so UDP srflx
        pairs duplicate host pairs and go), passive TCP candidates wait for the peer."""
        self.ice_started = self.net.t
        locals_ = [c for c in self.media.cands if not (c.typ == "srflx" and c.transport == "UDP")
                   and c.transport != "TCP-PASS"]
        for lc in locals_:
            for rc in self.peer.media.cands:
                if rc.component != lc.component:
                    continue
                if (lc.transport, rc.transport) in (("UDP", "UDP"), ("TCP-ACT", "TCP-PASS")):
                    if not any(p.local is lc and p.remote is rc for p in self.pairs):
                        self.pairs.append(Pair(self, lc, rc))
        self.pairs.sort(key=lambda p: -p.priority)
        for p in self.pairs:
            if p.comp == 1 and p.state == "frozen":
                p.state = "waiting"
        self.waiting = [p for p in self.pairs if p.state == "waiting"]
        self._kick()

    def _kick(self):
        if not self.ticking:
            self.ticking = True
            wait = 0.0 if self.last_tick is None else max(0.0, self.last_tick + TA_MS / 1000 - self.net.t)
            self.net.after(wait * 1000, self._tick)

    def _tick(self):
        self.last_tick = self.net.t
        if self.triggered:
            pair, nominate = self.triggered.pop(0)
            self._send_check(pair, nominate, True)
        elif self.waiting:
            p = self.waiting.pop(0)
            if p.state == "waiting":
                self._send_check(p, False, False)
        if self.triggered or self.waiting:
            self.net.after(TA_MS, self._tick)
        else:
            self.ticking = False

    def _send_check(self, pair, nominate, triggered):
        txn = CheckTxn(self, pair, nominate, triggered)
        self.checks.append(txn)
        if pair.state not in ("succeeded",):
            pair.state = "inprogress"
        local = pair.local
        if local.transport == "TCP-ACT" and local.typ != "relay":
            self._tcp_check(txn)
            return
        for k, ms in enumerate(CHECK_TX_MS):
            self.net.after(ms, lambda k=k: self._transmit(txn, k))
        self.net.after(CHECK_FAIL_MS, lambda: self._give_up(txn))

    def _transmit(self, txn, k):
        if txn.done:
            if k == 0:                    # stopped before it was ever sent: not a check at all
                self.checks.remove(txn)
            return
        if k == 0:
            self._number(txn)
        frames = []
        txn.sends.append(frames)
        p = txn.pair
        pkt = Pkt("req", txn.data, txn=txn, comp=p.comp, nominate=txn.nominate, user=txn.user, sender=self)
        note = txn.note("req") + ("" if k == 0 else f" (retransmission {k})")
        if p.local.typ == "relay":
            alloc = self.tcp_alloc if p.local.transport != "UDP" else self.allocs[p.comp]
            alloc.send_data((p.remote.address, p.remote.port), pkt, frames, note)
        else:
            self.net.send_udp(self.ip, self.sockets[p.comp], p.remote.address, p.remote.port, txn.data, note,
                              pkt_show(pkt), frames=frames, pkt=pkt)

    def _tcp_check(self, txn):
        """ICE-TCP active check from a host/srflx TCP-ACT candidate: a new TCP connection
        to the peer's passive candidate. Only the unanswered case is modelled."""
        p = txn.pair
        net = self.net
        self._number(txn)
        port = self.tcp_check_port
        self.tcp_check_port += 2
        assert not net.rules(p.local.address, p.remote.address, p.remote.port, "tcp", net.t)
        point = net.reg[self.ip]["point"]
        flow = TcpFlow(net.cap, net.rng, net.view(point, self.ip), port, net.view(point, p.remote.address), p.remote.port)
        isn = flow.nxt[TcpFlow.C]
        for k, ms in enumerate(TCP_SYN_MS):
            def syn(k=k):
                flow.nxt[TcpFlow.C] = isn
                what = (f"TCP SYN for check {txn.id} ({p.local.typ} TCP-ACT → {p.remote.typ} TCP-PASS)"
                        + ("" if k == 0 else " retransmission"))
                show = (f"ICE-TCP check {txn.id}: {self.key} opens a TCP connection from its {p.local.typ} TCP-ACT "
                        f"candidate's base {self.ip}:{port} to {pair_str(p.local, p.remote)}; no SYN/ACK ever comes "
                        "(blocked), so no Binding Request is sent")
                frames = [flow._segment(TcpFlow.C, "S", what=net.tag(point, what), show=show,
                                        options=SYN_OPTS_CLIENT, window=64240)]
                txn.sends.append(frames)
            net.after(ms, syn)
        net.after(TCP_FAIL_MS, lambda: self._give_up(txn, "no response (TCP SYN unanswered, no connection)"))

    def _number(self, txn):
        self.n_checks += 1
        txn.id = f"{self.key}{self.n_checks}"

    def _give_up(self, txn, why="no response"):
        if txn.done:
            return
        txn.done, txn.result, txn.t_result = True, why, self.net.t
        p = txn.pair
        if p.state == "inprogress" and not any(not t.done for t in self.checks if t.pair is p):
            p.state = "failed"
        self._evaluate()

    # ---------------------------------------------------------------- receiving
    def receive(self, pkt, via, src, frames):
        """A check, response or media packet arrived: via ("sock", comp) from src, or via an
        allocation (TurnAlloc) from peer address src."""
        if pkt.kind == "req":
            self._on_request(pkt, via, src)
        elif pkt.kind == "resp" and pkt.txn.agent is self:
            self._on_response(pkt, frames)

    def _local_for(self, via, comp):
        if isinstance(via, tuple):
            return self.cand(1, via[1])
        if via.transport == "TCP":
            return self.cand(8, comp)                    # passive relay TCP candidate
        return self.cand(7, via.comp)

    def _remote_for(self, src, comp, local):
        want = ("TCP-ACT",) if local.transport == "TCP-PASS" else ("UDP",)
        for c in self.peer.media.cands:
            if c.component == comp and (c.address, c.port) == src and c.transport in want:
                return c
        raise AssertionError(f"{self.key}: request from unknown source {src} (peer-reflexive not modelled)")

    def _on_request(self, pkt, via, src):
        txn = pkt.txn
        comp = pkt.comp
        local = self._local_for(via, comp)
        remote = self._remote_for(src, comp, local)
        txn.request_seen_by_peer.append(self.net.t)
        txn.mapped = src
        resp = sfb_check_response(txn.txid, pkt.user, self.ice_agent, *src)
        rframes = []
        txn.responses.append(rframes)
        rpkt = Pkt("resp", resp, txn=txn, comp=comp, sender=self)

        def reply():
            note = txn.note("resp")
            if isinstance(via, tuple):
                self.net.send_udp(self.ip, self.sockets[via[1]], src[0], src[1], resp, note, pkt_show(rpkt),
                                  frames=rframes, pkt=rpkt)
            else:
                via.send_data(src, rpkt, rframes, note)
        self.net.after(0.4, reply)
        # triggered check / nomination (ICE-19 §7.2.1.4, §7.2.1.5)
        pair = next((p for p in self.pairs if p.local is local and p.remote is remote), None)
        if pair is None:
            pair = Pair(self, local, remote)
            self.pairs.append(pair)
        if pair.state == "succeeded":
            if pkt.nominate and not self.controlling and comp not in self.nominated:
                self._nominated(pair, txn)
            return
        if pkt.nominate and not self.controlling:
            pair.nominate_on_success = txn
        if pair.state in ("waiting", "frozen", "failed") and (local.transport == "UDP" or local.typ == "relay"):
            if pair in self.waiting:
                self.waiting.remove(pair)
            pair.state = "inprogress"
            self.triggered.append((pair, False))
            self._kick()

    def _on_response(self, pkt, frames):
        txn = pkt.txn
        if txn.done:
            return
        txn.done, txn.result, txn.t_result = True, "success", self.net.t
        p = txn.pair
        p.state = "succeeded"
        mapped = txn.mapped
        same = (p.local.address, p.local.port) == mapped
        p.valid_local = p.local if same else next((c for c in self.media.cands if (c.address, c.port) == mapped
                                                   and c.component == p.comp), p.local)
        if txn.nominate:
            self._nominated(p, txn)
        elif p.nominate_on_success:
            self._nominated(p, p.nominate_on_success)
        if p.comp == 1:                                    # unfreeze component 2 of this foundation
            for q in self.pairs:
                if q.comp == 2 and q.state == "frozen" and q.foundation == p.foundation:
                    q.state = "waiting"
                    self.waiting.append(q)
                    self.waiting.sort(key=lambda x: -x.priority)
                    self._kick()
        self._evaluate()

    # ---------------------------------------------------------------- nomination
    def _nominated(self, pair, txn):
        if pair.comp in self.nominated:
            return
        self.nominated[pair.comp] = (pair, txn, self.net.t)
        # stop lower-priority checks of this component (ICE-19 §8.1.2)
        for t in self.checks:
            if not t.done and t.pair.comp == pair.comp and t.pair.priority < pair.priority:
                t.done, t.result, t.t_result = True, "cancelled (pair nominated)", self.net.t
                t.pair.state = "cancelled"
        for q in self.pairs:
            if q.comp == pair.comp and q.state in ("waiting", "frozen") and q.priority < pair.priority:
                q.state = "cancelled"
        self.waiting = [q for q in self.waiting if q.state == "waiting"]

    def _evaluate(self):
        """Regular nomination by the controlling agent: nominate the best valid pair of a
        component once no higher-priority pair of that component is pending."""
        if not self.controlling:
            return
        for comp in (1, 2):
            if comp in self.nominated or comp in self.nominating:
                continue
            valid = [p for p in self.pairs if p.comp == comp and p.state == "succeeded"]
            if not valid:
                continue
            best = max(valid, key=lambda p: p.priority)
            pending = [p for p in self.pairs if p.comp == comp and p.priority > best.priority and (
                p.state in ("waiting", "inprogress") or (p.state == "frozen" and self._sibling_ok(p)))]
            if pending and not self.nominate_first_valid:
                continue
            self.nominating[comp] = best
            self.triggered.append((best, True))
            self._kick()

    def _sibling_ok(self, p):
        return any(q.comp == 1 and q.foundation == p.foundation and q.state in ("waiting", "inprogress", "succeeded")
                   for q in self.pairs)

    def nominated_pair(self, comp):
        return self.nominated[comp][0] if comp in self.nominated else None

    # ---------------------------------------------------------------- media
    def start_media(self, t_end, stream):
        """RTP every 20 ms (rtp_ms) until t_end, RTCP SR 0.5 s after the start and then every 5 s."""
        self.stream = stream
        t0 = self.net.t

        def rtcp():
            if self.net.t > t_end:
                return
            self._media_send(Pkt("rtcp", stream.sender_report(self.net.cap.now, self.cname), sender=self), 2)
            self.net.after(5000, rtcp)
        self._rtp_until(t_end, stream)
        self.net.at(t0 + 0.5, rtcp)

    def _rtp_until(self, t_end, stream):
        """RTP on component 1 every rtp_ms until t_end, the marker bit on the first packet."""
        first = [True]

        def rtp():
            if self.net.t > t_end:
                return
            self._media_send(Pkt("rtp", stream.next(marker=first[0]), sender=self), 1)
            first[0] = False
            self.net.after(self.rtp_ms, rtp)
        rtp()

    def media_path(self, comp):
        """(local candidate to send from, remote candidate, description of the choice)."""
        n = self.nominated_pair(comp)
        if n is not None:
            return n.local, n.remote, n.valid_local or n.local, "nominated pair"
        lc, rc = self.default[comp], self.peer.default[comp]
        return lc, rc, lc, "default candidates"

    def _media_send(self, pkt, comp):
        local, remote, shown_local, why = self.media_path(comp)
        frames = []
        key = (shown_local, remote) if self.key == "A" else (remote, shown_local)
        self.net.media_log.append(dict(t=self.net.t, sender=self.key, key=key, frames=frames, kind=pkt.kind,
                                       comp=comp, why=why, data=pkt.data))
        note = pkt_note(pkt) + f" ({cand_str(shown_local, False)} → {remote.typ})"
        dest = (remote.address, remote.port)
        if local.typ == "relay":
            (self.tcp_alloc if local.transport != "UDP" else self.allocs[comp]).send_data(dest, pkt, frames, note)
        else:
            self.net.send_udp(self.ip, self.sockets[comp], dest[0], dest[1], pkt.data, note,
                              f"{pkt_show(pkt)}; path {cand_str(shown_local)} → {cand_str(remote)} ({why})",
                              frames=frames, pkt=pkt)


class AppShareAgent(CallAgent):
    """The m=applicationsharing line of a client (desktop sharing over RDP in RTP): TCP by design
    (TCP/RTP/AVP), so one MS-TURN allocation over TCP and TCP candidates only, component 1 only:
    host TCP-PASS (foundation 3), relay TCP-PASS / TCP-ACT (8 / 9). Its own ice-ufrag / ice-pwd
    and check ids ("AS1", "BS2", ...); its media is logged apart from the audio line's."""

    def __init__(self, net, key, party, ip, ms_version, controlling, creds, rng, host_tcp_port):
        super().__init__(net, key, party, ip, ms_version, controlling, creds, rng)
        self.host_tcp_port = host_tcp_port
        self.share_log = []               # dict(t, sender, key, frames, kind) of its RTP
        self.ssrc = 1000000000 + rng.getrandbits(30)

    def gather_tcp(self, edge, tcp, on_done):
        self.tcp_alloc = TurnTcpAlloc(self, edge, **tcp)
        self.tcp_alloc.allocate(lambda _ok: self.net.after(4.0, on_done))

    def build_candidates(self, host_tcp_port=None):
        t = self.tcp_alloc
        cands = [V19Candidate(3, 1, "TCP-PASS", self.ip, self.host_tcp_port, "host")]
        if t is not None and t.ok:
            cands += [V19Candidate(f, 1, tr, *t.relayed, "relay", *t.reflexive) for f, tr in ((8, "TCP-PASS"),
                                                                                            (9, "TCP-ACT"))]
        for c in cands:
            c.owner = self
        self.media.cands = cands
        self.default = {1: cands[1] if len(cands) > 1 else cands[0]}
        return cands

    def start_media(self, t_end, stream):
        """RTP on component 1 only, every rtp_ms, until t_end."""
        self.stream = stream
        self._rtp_until(t_end, stream)

    def _media_send(self, pkt, comp):
        local, remote, shown_local, why = self.media_path(comp)
        frames = []
        key = (shown_local, remote) if self.key == "AS" else (remote, shown_local)
        self.share_log.append(dict(t=self.net.t, sender=self.key, key=key, frames=frames, kind=pkt.kind, why=why))
        note = f"sharing RTP {self.key}→{self.peer.key} ({cand_str(shown_local, False)} → {remote.typ})"
        self.tcp_alloc.send_data((remote.address, remote.port), pkt, frames, note)
