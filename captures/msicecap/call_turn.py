# SPDX-License-Identifier: GPL-2.0-or-later
"""The call simulator's MS-TURN: the A/V Edge (relays between allocations, hair-pin, Data
Indications / 0xFF10 / raw datagrams towards the client) and the client side of an allocation over
UDP (TurnAlloc: 401 challenge, authenticated Allocate, refusals, Set Active Destination, Send
Requests, release) or TCP (TurnTcpAlloc: pseudo-TLS, framing, 0x03 data frames)."""


from .media import pseudo_tls_client_hello, pseudo_tls_server_hello, rfc4571
from .net import SYN_OPTS_CLIENT, SYN_OPTS_SERVER, TcpFlow
from .stun import (ALLOCATE_ERROR, ALLOCATE_REQUEST, ALLOCATE_RESPONSE, AT_ALTERNATE_SERVER,
    AT_DESTINATION_ADDRESS, AT_MAPPED_ADDRESS, AT_MSTURN_XOR_MAPPED_ADDRESS, FRAME_CONTROL, FRAME_DATA,
    REASON_401, REASON_401_REJECTED, SET_ACTIVE_DEST_REQUEST, SET_ACTIVE_DEST_RESPONSE, bandwidth,
    edge_software, error_code, framed, hexs, lifetime, ms_sequence, ms_turn_data_ind, ms_turn_send,
    ms_version, msturn, msturn_xor_addr, multiplexed, nonce, plain_addr, realm, service_quality,
    session_id_attr, username)


ALLOC_RTO_MS = 650                        # MS-TURN Allocate retransmission (ms-turn.md §10)


class AvEdge:
    """An A/V Edge: intranet and public interfaces, allocations, relaying between them."""

    def __init__(self, net, name, int_ip, ext_ip):
        self.net, self.name, self.int_ip, self.ext_ip = net, name, int_ip, ext_ip

    def relay(self, alloc, dest, pkt, frames, note):
        """Data a client had sent to `dest` leaves its relayed address."""
        net = self.net
        target = net.relayed.get(dest)
        if target is not None and target.edge is self:          # hair-pin inside this Edge
            net.after(0.2, lambda: target.from_peer(alloc.relayed, pkt, frames, note))
            return
        src_ip, src_port = alloc.relayed
        if target is not None:                                   # another Edge's relayed address
            net.send_udp(src_ip, src_port, dest[0], dest[1], pkt.data, "", "", frames=[],
                         on_arrive=lambda *a: target.from_peer(alloc.relayed, pkt, frames, note))
            return
        what = f"{note} (leaves {alloc.agent.key}'s relayed address)"
        net.send_udp(src_ip, src_port, dest[0], dest[1], pkt.data, what,
                     f"plain UDP from {alloc.agent.key}'s relayed address {src_ip}:{src_port} (the Edge relays the "
                     f"DATA of the Send Request): {pkt_show(pkt)}", frames=frames, pkt=pkt)


def pkt_show(pkt):
    if pkt.kind in ("req", "resp"):
        txn = pkt.txn
        if pkt.kind in txn.described:
            return (f"the {'Binding Request' if pkt.kind == 'req' else 'Binding Success Response'} of check "
                    f"{txn.id} again (attributes as at its first appearance, same STUN txid)")
        txn.described.append(pkt.kind)
        return txn.describe(pkt.kind)
    if pkt.kind == "rtp":
        return pkt.sender.stream.describe(pkt.data)
    return f"RTCP SR (PT 200) SSRC 0x{pkt.sender.stream.ssrc:08x} + SDES CNAME"


class TurnAlloc:
    """One MS-TURN allocation of a client socket on an A/V Edge, over UDP."""

    transport = "UDP"

    def __init__(self, agent, comp, edge, server_ip, cport, relay_port, outcome="ok"):
        net = agent.net
        self.net, self.agent, self.comp, self.edge = net, agent, comp, edge
        self.server = (server_ip, 3478)
        self.sock = (agent.ip, cport)
        self.relayed = (edge.ext_ip, relay_port)
        self.reflexive = None
        self.creds, self.tx = agent.creds, agent.tx
        self.sid = net.rng.randbytes(8) if agent.ms_version >= 5 else None
        self.conn_id, self.nonce = net.rng.randbytes(20), net.rng.randbytes(20)
        self.seq = 0
        self.outcome = outcome            # "ok", ("error", code, reason), "unanswered" or "rejected"
        self.active = self.edge_active = None
        self.sad_pending = False
        self.ok = False
        self.frames, self.result = [], "pending"
        self.sads = []                    # (destination, frames) of Set Active Destination transactions
        net.allocs.append(self)

    # -- transport to/from the Edge (overridden for TCP)
    def c2s(self, msg, what, show, on_edge=None, frames=None):
        frames = self.frames if frames is None else frames

        def arrive(rx_ip, rx_port, seen_ip, seen_port):
            if self.reflexive is None:
                self.reflexive = (seen_ip, seen_port)     # the client's address as the Edge sees it
            if on_edge:
                on_edge()
        return self.net.send_udp(self.sock[0], self.sock[1], self.server[0], self.server[1], msg, what, show,
                                 frames=frames, on_arrive=arrive)

    def s2c(self, msg, what, show, on_client=None, frames=None):
        frames = self.frames if frames is None else frames
        return self.net.send_udp(self.server[0], self.server[1], self.reflexive[0], self.reflexive[1], msg, what, show,
                                 frames=frames, on_arrive=(lambda *a: on_client()) if on_client else None)

    def label(self):
        return f"{self.agent.key} comp {self.comp} {self.transport}"

    def base_attrs(self):
        return [ms_version(self.agent.ms_version), bandwidth(60), service_quality(1, 0)]

    # -- allocation
    def allocate(self, on_done):
        """Allocate without credentials, 401, Allocate with MRAS credentials, result."""
        self.on_done = on_done
        t1 = self.tx.client()
        what = f"Allocate Request ({self.label()}, no credentials)"
        show = (f"MS-TURN Allocate Request txid {hexs(t1)}; MAGIC-COOKIE first, MS-VERSION {self.agent.ms_version}, "
                f"BANDWIDTH 60, MS-SERVICE-QUALITY audio/best effort; socket of {self.agent.key}'s component {self.comp}")
        if self.outcome == "unanswered":
            msg = msturn(ALLOCATE_REQUEST, t1, self.base_attrs())
            for i in range(4):
                self.net.after(i * ALLOC_RTO_MS, lambda i=i: self.c2s(
                    msg, what if i == 0 else f"Allocate Request retransmission {i} ({self.label()})",
                    show if i == 0 else f"same message as frame {self.frames[0]} (same txid), sent {ALLOC_RTO_MS * i} ms "
                    "later: MS-TURN retransmits every 650 ms; never answered (UDP is blocked)"))
            self.net.after(4 * ALLOC_RTO_MS, self._gave_up)
            return
        self.c2s(msturn(ALLOCATE_REQUEST, t1, self.base_attrs()), what, show, on_edge=lambda: self._challenge(t1))

    def _gave_up(self):
        self.result = "no response (4 transmissions, UDP blocked)"
        self.on_done(False)

    def _challenge(self, t1):
        req_frame = self.frames[-1] if self.frames else None   # None: not captured

        def send():
            attrs = [ms_version(self.agent.ms_version), error_code(401, REASON_401),
                     plain_addr(AT_ALTERNATE_SERVER, *self.server), nonce(self.nonce), realm()]
            if self.sid:
                attrs.append(session_id_attr(self.sid))
            attrs.append(edge_software())
            self.s2c(msturn(ALLOCATE_ERROR, t1, attrs), f"Allocate Error Response 401 ({self.label()})",
                     f"response to frame {req_frame}; ERROR-CODE 401, ALTERNATE-SERVER {self.server[0]}:"
                     f"{self.server[1]}, NONCE, REALM \"rtcmedia\"" + (", MULTIPLEXED-TURN-SESSION-ID" if self.sid else ""),
                     on_client=lambda: self.net.after(2.1, self._authenticate))
        self.net.after(0.9, send)

    def _authenticate(self):
        t2 = self.tx.client()
        attrs = self.base_attrs() + ([session_id_attr(self.sid)] if self.sid else []) + [
            nonce(self.nonce), realm(), username(self.creds.username)]
        self.c2s(msturn(ALLOCATE_REQUEST, t2, attrs, self.creds), f"Allocate Request ({self.label()}, authenticated)",
                 f"Allocate Request txid {hexs(t2)} with USERNAME (MRAS username of {self.agent.key}, decoded), REALM, "
                 f"NONCE, MESSAGE-INTEGRITY {32 if self.creds.mi_hash == 'sha256' else 20} bytes: verifies with "
                 f"{self.agent.key}'s MRAS credentials",
                 on_edge=lambda: self._answer(t2))

    def _answer(self, t2):
        req_frame = self.frames[-1] if self.frames else None   # None: not captured

        def send():
            if self.outcome == "rejected":
                self._reject(t2, req_frame)
                return
            if self.outcome != "ok":
                _, code, reason = self.outcome
                self.result = f"Allocate Error {code} {reason}"
                self.s2c(msturn(ALLOCATE_ERROR, t2, [ms_version(self.agent.ms_version), error_code(code, reason),
                                                     edge_software()], self.creds),
                         f"Allocate Error Response {code} ({self.label()})",
                         f"response to frame {req_frame}; ERROR-CODE {code} \"{reason}\": allocation refused, "
                         f"{self.agent.key} gets no relayed address on this socket; MI verifies",
                         on_client=lambda: self.on_done(False))
                return
            attrs = [lifetime(600), plain_addr(AT_MAPPED_ADDRESS, *self.relayed), ms_version(self.agent.ms_version),
                     msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, self.reflexive[0], self.reflexive[1], t2),
                     ms_sequence(self.conn_id, 0)]
            if self.sid:
                attrs.append(session_id_attr(self.sid))
            attrs.append(edge_software())
            self.result = "success"
            self.net.relayed[self.relayed] = self
            self.net.sockets[self.relayed] = self.from_peer_direct
            self.s2c(msturn(ALLOCATE_RESPONSE, t2, attrs, self.creds), f"Allocate Response ({self.label()})",
                     f"response to frame {req_frame}; LIFETIME 600; MAPPED-ADDRESS = relayed "
                     f"{self.relayed[0]}:{self.relayed[1]}; XOR-MAPPED-ADDRESS = reflexive {self.reflexive[0]}:"
                     f"{self.reflexive[1]} (the source the Edge saw)"
                     + (f"; MULTIPLEXED-TURN-SESSION-ID {hexs(self.sid)}" if self.sid else "") + "; MI verifies",
                     on_client=self._allocated)
        self.net.after(1.4, send)

    def _reject(self, t2, req_frame):
        """401 again, to the authenticated request: this Edge derives another password from the
        MRAS username (an Edge of the pool with a different certificate), so the MESSAGE-INTEGRITY
        does not verify for it. No MI in the answer (the Edge has no key it shares with the
        client); a fresh NONCE. "Unauthorized" is the RFC 5389 reason text (a choice)."""
        attrs = [ms_version(self.agent.ms_version), error_code(401, REASON_401_REJECTED),
                 plain_addr(AT_ALTERNATE_SERVER, *self.server), nonce(self.net.rng.randbytes(20)), realm()]
        if self.sid:
            attrs.append(session_id_attr(self.sid))
        attrs.append(edge_software())
        self.result = "Allocate Error 401 again after the credentials (rejected)"
        self.s2c(msturn(ALLOCATE_ERROR, t2, attrs),
                 f"Allocate Error Response 401 ({self.label()}, credentials rejected)",
                 f"response to frame {req_frame} (which carried USERNAME and a MESSAGE-INTEGRITY that verifies with "
                 f"{self.agent.key}'s MRAS credentials): ERROR-CODE 401 \"{REASON_401_REJECTED}\" again, a new NONCE, "
                 f"REALM, no MI: the Edge {self.server[0]} rejected the credentials",
                 on_client=lambda: self.on_done(False))

    def _allocated(self):
        self.ok = True
        self.on_done(True)

    def release(self):
        if not self.ok:
            return
        t = self.tx.client()
        self.seq += 1
        n0 = len(self.frames)
        self.c2s(msturn(ALLOCATE_REQUEST, t, [ms_version(self.agent.ms_version), lifetime(0),
                                               ms_sequence(self.conn_id, self.seq), nonce(self.nonce), realm(),
                                               username(self.creds.username)], self.creds),
                 f"Allocate Request LIFETIME 0 ({self.label()}, release)",
                 f"txid {hexs(t)}; LIFETIME 0 releases the relayed address {self.relayed[0]}:{self.relayed[1]}; "
                 "MI verifies", on_edge=lambda: self.net.after(0.8, lambda: self.s2c(
                     msturn(ALLOCATE_RESPONSE, t, [lifetime(0), plain_addr(AT_MAPPED_ADDRESS, *self.relayed),
                                                   ms_version(self.agent.ms_version),
                                                   msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, *self.reflexive, t),
                                                   ms_sequence(self.conn_id, self.seq), edge_software()], self.creds),
                     f"Allocate Response LIFETIME 0 ({self.label()}, released)",
                     f"response to frame {self.frames[n0] if n0 < len(self.frames) else None}; allocation "
                     "released")))

    def _set_active(self, dest):
        """Set Active Destination for media: afterwards data to/from `dest` is multiplexed."""
        self.sad_pending = True
        t = self.tx.client()
        self.seq += 1
        frames = []
        self.sads.append((dest, frames))
        self.c2s(msturn(SET_ACTIVE_DEST_REQUEST, t, [
            ms_version(self.agent.ms_version), username(self.creds.username), realm(), nonce(self.nonce),
            ms_sequence(self.conn_id, self.seq), plain_addr(AT_DESTINATION_ADDRESS, *dest)], self.creds),
            f"Set Active Destination Request ({self.label()})",
            f"0x0006 txid {hexs(t)}; DESTINATION-ADDRESS {dest[0]}:{dest[1]} (the peer {self.agent.key} sends media to); "
            "MI verifies", frames=frames, on_edge=lambda: self._sad_edge(t, dest, frames))

    def _sad_edge(self, t, dest, frames):
        self.edge_active = dest

        def send():
            self.s2c(msturn(SET_ACTIVE_DEST_RESPONSE, t, [ms_version(self.agent.ms_version)], self.creds),
                     f"Set Active Destination Response ({self.label()})",
                     f"0x0106, response to frame {frames[0] if frames else None}; from now on data between this "
                     "allocation and "
                     f"{dest[0]}:{dest[1]} travels " + self.mux_name(), frames=frames,
                     on_client=lambda: self._sad_done(dest))
        self.net.after(0.7, send)

    def _sad_done(self, dest):
        self.active, self.sad_pending = dest, False

    def raw(self):
        """Data for the active destination goes as the plain datagram (not a client that keeps Send Requests)."""
        return not self.sid and self.agent.raw_to_active

    def mux_name(self):
        # [MS-TURN] 3.2.4.5: data for the active destination goes without Send / Data Indication;
        # 3.2.4.6: with multiplexed TURN (MS-Version 5+) inside a 0xFF10 frame.
        if self.sid:
            return "in multiplexed TURN frames (0xFF10)"
        return "as plain datagrams (no TURN header)" if self.raw() else "in Send Requests / Data Indications"

    # -- data
    def send_data(self, dest, pkt, frames, note):
        """Client → Edge → `dest`: Send Request, or once `dest` is the active destination a 0xFF10
        frame (MS-Version 5+) or the bare datagram ([MS-TURN] 3.2.4.5)."""
        if pkt.kind in ("rtp", "rtcp") and self.active != dest and not self.sad_pending:
            self._set_active(dest)
        if self.active == dest and self.sid:
            msg = multiplexed(self.sid, pkt.data)
            what = f"0xFF10 to Edge: {note}"
            show = (f"multiplexed TURN, session id {hexs(self.sid)} ({self.label()} allocation; active destination "
                    f"{dest[0]}:{dest[1]}); data = {pkt_show(pkt)}")
        elif self.active == dest and self.raw():
            msg = pkt.data
            what = f"raw to Edge (active destination): {note}"
            show = (f"no TURN header: the datagram itself, on the {self.label()} allocation's 5-tuple, for the active "
                    f"destination {dest[0]}:{dest[1]} ([MS-TURN] 3.2.4.5); data = {pkt_show(pkt)}")
        else:
            t = self.tx.client()
            self.seq += 1
            msg = ms_turn_send(t, self.creds, [ms_sequence(self.conn_id, self.seq)], dest[0], dest[1], pkt.data)
            what = f"Send Request: {note}"
            show = (f"MS-TURN Send Request txid {hexs(t)} ({self.label()} allocation), DESTINATION-ADDRESS "
                    f"{dest[0]}:{dest[1]}, MI verifies; DATA = {pkt_show(pkt)}")
        self.c2s(msg, what, show, frames=frames, on_edge=lambda: self.edge.relay(self, dest, pkt, frames, note))

    def from_peer_direct(self, pkt, seen_ip, seen_port, frames):
        self.from_peer((seen_ip, seen_port), pkt, frames, pkt_note(pkt))

    def from_peer(self, peer, pkt, frames, note):
        """Edge → client: Data Indication, or 0xFF10 when `peer` is the active destination."""
        if self.edge_active == peer and self.sid:
            msg = multiplexed(self.sid, pkt.data)
            what = f"0xFF10 from Edge: {note}"
            show = (f"multiplexed TURN, session id {hexs(self.sid)} ({self.label()}); from {peer[0]}:{peer[1]}; "
                    f"data = {pkt_show(pkt)}")
        elif self.edge_active == peer and self.raw():
            msg = pkt.data
            what = f"raw from Edge (active destination): {note}"
            show = (f"no TURN header: the datagram from the active destination {peer[0]}:{peer[1]} as the Edge "
                    f"forwards it on the {self.label()} allocation's 5-tuple ([MS-TURN] 3.2.4.5); data = "
                    f"{pkt_show(pkt)}")
        else:
            msg = ms_turn_data_ind(self.tx.random128(), peer[0], peer[1], pkt.data)
            what = f"Data Indication: {note}"
            show = (f"MS-TURN Data Indication ({self.label()} allocation), REMOTE-ADDRESS {peer[0]}:{peer[1]}; "
                    f"DATA = {pkt_show(pkt)}")
        self.s2c(msg, what, show, frames=frames, on_client=lambda: self.agent.receive(pkt, self, peer, frames))


def pkt_note(pkt):
    if pkt.kind in ("req", "resp"):
        return pkt.txn.note(pkt.kind)
    return f"{pkt.kind.upper()} {pkt.sender.key}→{pkt.sender.peer.key}"


class TurnTcpAlloc(TurnAlloc):
    """An MS-TURN allocation over TCP 443 with pseudo-TLS and the 4-byte framing
    (ms-turn.md §1). Seen at the client's capture point only; times are as seen there."""

    transport = "TCP"

    def __init__(self, agent, edge, server_ip, cport, relay_port, reflexive, outcome="ok", rtt_ms=40.0):
        super().__init__(agent, "1+2", edge, server_ip, cport, relay_port, outcome)
        self.server = (server_ip, 443)
        self.sid = None
        self.reflexive_tcp = reflexive
        self.rtt = rtt_ms
        point = self.net.reg[agent.ip]["point"]
        self.tcp = TcpFlow(self.net.cap, self.net.rng, self.net.view(point, agent.ip), cport,
                           self.net.view(point, server_ip), 443)

    def label(self):
        return f"{self.agent.key} TCP"

    def mux_name(self):
        return "in 0x03 data frames"

    def c2s(self, msg, what, show, on_edge=None, frames=None, ftype=FRAME_CONTROL):
        frames = self.frames if frames is None else frames
        if ftype == FRAME_CONTROL and not what.startswith("framed"):
            what = "framed " + what
        frames.append(self.tcp.send(TcpFlow.C, framed(ftype, msg), self.net.tag(self._pt(), what), show))
        if on_edge:
            self.net.after(self.rtt / 2, on_edge)

    def s2c(self, msg, what, show, on_client=None, frames=None, ftype=FRAME_CONTROL):
        frames = self.frames if frames is None else frames
        if ftype == FRAME_CONTROL and not what.startswith("framed"):
            what = "framed " + what

        def arrive():
            frames.append(self.tcp.send(TcpFlow.S, framed(ftype, msg), self.net.tag(self._pt(), what), show))
            if on_client:
                on_client()
        self.net.after(self.rtt / 2, arrive)

    def _pt(self):
        return self.net.reg[self.agent.ip]["point"]

    def allocate(self, on_done):
        """TCP handshake, pseudo-TLS hello exchange, then the framed Allocate dance."""
        self.on_done = on_done
        self.reflexive = self.reflexive_tcp
        C, S = TcpFlow.C, TcpFlow.S
        tag = lambda w: self.net.tag(self._pt(), w)
        self.frames.append(self.tcp._segment(C, "S", what=tag(f"TCP SYN to {self.server[0]}:443 (MS-TURN over TCP)"),
                                             options=SYN_OPTS_CLIENT, window=64240))

        def synack():
            self.frames.append(self.tcp._segment(S, "SA", what=tag("TCP SYN/ACK"), options=SYN_OPTS_SERVER,
                                                 window=65535))
            self.net.after(0.2, lambda: self.frames.append(self.tcp._segment(C, "A", what=tag("TCP ACK"))))
            self.net.after(0.5, hello)

        def hello():
            self.frames.append(self.tcp.send(C, pseudo_tls_client_hello(self.net.rng),
                                             tag("pseudo-TLS ClientHello (no framing header)"),
                                             "pseudo-TLS handshake record 16 03 01 00 2d 01 …, cipher 0x0018: not TLS, "
                                             "the stream carries framed MS-TURN"))
            self.net.after(self.rtt, lambda: (
                self.frames.append(self.tcp.send(S, pseudo_tls_server_hello(self.net.rng),
                                                 tag("pseudo-TLS ServerHello + ServerHelloDone"),
                                                 "83-byte pseudo-TLS answer; MS-TURN with 4-byte framing follows")),
                self.net.after(1.0, first)))

        def first():
            t1 = self.tx.client()
            self.c2s(msturn(ALLOCATE_REQUEST, t1, self.base_attrs()),
                     f"framed Allocate Request ({self.label()}, no credentials)",
                     f"framing type 0x02; MS-TURN Allocate Request txid {hexs(t1)}",
                     on_edge=lambda: self._challenge(t1))
        self.net.after(self.rtt, synack)

    def send_data(self, dest, pkt, frames, note):
        if pkt.kind in ("rtp", "rtcp") and self.active != dest and not self.sad_pending:
            self._set_active(dest)
        if self.active == dest:
            what = f"0x03 data frame to Edge: {note}"
            show = (f"framing type 0x03 (end-to-end data to the active destination {dest[0]}:{dest[1]}), payload = "
                    f"RFC 4571 length + {pkt_show(pkt)}")
            self.c2s(rfc4571(pkt.data), what, show, frames=frames, ftype=FRAME_DATA,
                     on_edge=lambda: self.edge.relay(self, dest, pkt, frames, note))
            return
        t = self.tx.client()
        self.seq += 1
        msg = ms_turn_send(t, self.creds, [ms_sequence(self.conn_id, self.seq)], dest[0], dest[1], pkt.data)
        self.c2s(msg, f"framed Send Request: {note}",
                 f"framing 0x02; Send Request txid {hexs(t)} ({self.label()} allocation), DESTINATION-ADDRESS "
                 f"{dest[0]}:{dest[1]}, MI verifies; DATA = {pkt_show(pkt)}", frames=frames,
                 on_edge=lambda: self.edge.relay(self, dest, pkt, frames, note))

    def from_peer(self, peer, pkt, frames, note):
        if self.edge_active == peer:
            self.s2c(rfc4571(pkt.data), f"0x03 data frame from Edge: {note}",
                     f"framing type 0x03 from the active destination {peer[0]}:{peer[1]}; payload = RFC 4571 length + "
                     f"{pkt_show(pkt)}", frames=frames, ftype=FRAME_DATA,
                     on_client=lambda: self.agent.receive(pkt, self, peer, frames))
            return
        self.s2c(ms_turn_data_ind(self.tx.random128(), peer[0], peer[1], pkt.data), f"framed Data Indication: {note}",
                 f"framing 0x02; Data Indication ({self.label()} allocation), REMOTE-ADDRESS {peer[0]}:{peer[1]}; "
                 f"DATA = {pkt_show(pkt)}", frames=frames,
                 on_client=lambda: self.agent.receive(pkt, self, peer, frames))

    def release(self):
        if not self.ok:
            return
        super().release()
