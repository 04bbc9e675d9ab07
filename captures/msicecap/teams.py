# SPDX-License-Identifier: GPL-2.0-or-later
"""Packet-by-packet scripting of Teams-style calls without SIP (teams-*.pcap): the Teams hosts and
relays, TeamsCapture (media runs as one README row), TeamsWire (what the capture point or its filter
keeps, DSCP marks), TeamsSocket (one media socket and its MS-VERSION 6 allocation on a transport
relay) and TeamsStream (one ICE session per media type: checks, nomination, media).

What is modelled, after the real teams.pcap: MS-TURN MS-VERSION 6 allocations (401 challenge, then
credentials) on Microsoft 365 transport relays, relayed addresses on UDP 3478-3481 in Microsoft's
published Teams range 52.112.0.0/14 (synthetic hosts, so that the analyser's range rule has
something to recognise), one relayed address shared by the sockets multiplexed on a relay
(MULTIPLEXED-TURN-SESSION-ID, 0xFF10 frames); one ICE session per media type with its own ufrags,
from a socket in Teams' default QoS port range of that type (audio 50000-50019, video 50020-50039,
sharing 50040-50059), marked with its DSCP (EF 46, AF41 34, AF21 18) when it leaves the client and
unmarked on the way back; checks as Teams sends them (stun.teams_check); Allocate requests with
MS-SERVICE-QUALITY 2/2 on every socket, as in teams.pcap."""

import ipaddress
import struct

from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from .actors import HOME_NAT, HOME_ROUTER_MAC, TEAMS_CREDS
from .capture import Capture
from .media import RtpStream
from .net import flow_direction
from .sdp import TYPE_PREF
from .sip import rand_token
from .stun import (ALLOCATE_ERROR, ALLOCATE_REQUEST, ALLOCATE_RESPONSE, AT_DESTINATION_ADDRESS,
    AT_MAPPED_ADDRESS, AT_MSTURN_XOR_MAPPED_ADDRESS, AT_MS_APP_ID, IceAgent, REASON_401,
    SET_ACTIVE_DEST_REQUEST, SET_ACTIVE_DEST_RESPONSE, TEAMS_APP_ID, Txids, edge_software, error_code, hexs,
    ice_priority, lifetime, ms_sequence, ms_turn_data_ind, ms_turn_send, ms_version, msturn, msturn_xor_addr,
    multiplexed, nonce, plain_addr, realm, service_quality, session_id_attr, teams_check,
    teams_check_response, u32, username)


TEAMS_NIC_MAC = "3c:22:fb:61:0a:14"
TEAMS_A, TEAMS_A_NAT = "192.168.1.20", HOME_NAT
TEAMS_RELAY_A, TEAMS_RELAY_V = "52.113.64.20", "52.113.64.21"   # A's transport relays
TEAMS_B_HOST, TEAMS_B_NAT, TEAMS_B_RELAY = "10.0.0.7", "203.0.113.50", "52.114.7.7"
TEAMS_RELAY_NET = ipaddress.ip_network("52.112.0.0/14")
DSCP_EF, DSCP_AF41, DSCP_AF21 = 46, 34, 18


class TeamsCapture(Capture):
    """A Teams-style capture: frames, where it was taken, the expected report, and runs of
    media frames that the README table shows as one row each."""

    def __init__(self, filename, title, intro, capture_point):
        super().__init__(filename, title, intro)
        self.capture_point = capture_point
        self.report = []
        self.media = {}                   # frame -> (run label, RTP sequence number)

    def readme_rows(self):
        """Frame table rows; a run of three or more media frames is one row."""
        return self.run_rows(self.media, 3, "media frames", "see the stream's first frames above")


class TeamsWire:
    """Writes what the capture point sees. `keep(src_ip, dst_ip)` is the capture filter (the
    one-sided file keeps only what Microsoft's relays send); a packet it drops is not written."""

    def __init__(self, cap, hosts, keep=None):
        self.cap, self.hosts = cap, {h.ip: h for h in hosts}
        self.keep = keep or (lambda src, dst: True)

    def udp(self, src, sport, dst, dport, payload, what, show, dscp=0, media=None):
        if not self.keep(src, dst):
            return None
        s, d = self.hosts[src], self.hosts[dst]
        pkt = (Ether(src=s.mac, dst=d.mac)
               / IP(src=src, dst=dst, id=s.next_ip_id(), ttl=s.ttl, flags=0, tos=dscp << 2)
               / UDP(sport=sport, dport=dport) / Raw(payload))
        n = self.cap.add(bytes(pkt), flow_direction(s, sport, d, dport), what, show)
        if media:
            self.cap.media[n] = media
        return n


def not_before(cap, seconds):
    """Start the next phase at `seconds`, or 5 ms from now if the last one ran past it."""
    if cap.now < int(round(seconds * 1_000_000)):
        cap.at(seconds)
    else:
        cap.after(5)


def _resp_to(frame, what="frame"):
    """"response to frame 12", or that its request is not in the (filtered) capture."""
    return f"response to {what} {frame}" if frame else "response to a request this capture does not hold"


def mark_last_dscp(cap, dscp):
    """Give the last frame's IP header the DSCP `dscp` (TcpFlow writes 0); IP checksum redone."""
    t, frame, direction, what, show = cap.frames[-1]
    p = Ether(frame)
    p[IP].tos = dscp << 2
    del p[IP].chksum
    cap.frames[-1] = (t, bytes(p), direction, what, show)


class TeamsSocket:
    """One of A's media sockets and its MS-TURN (MS-VERSION 6) allocation on a transport relay."""

    def __init__(self, w, rng, port, relay_ip, nat_port, label):
        self.w, self.rng, self.cap = w, rng, w.cap
        self.port, self.relay_ip, self.nat_port, self.label = port, relay_ip, nat_port, label
        self.edge = (relay_ip, 3478)
        self.relayed = (relay_ip, 3480)
        self.tx = Txids(rng)
        self.sid = rng.randbytes(8)
        self.nonce = rng.randbytes(20)
        self.conn_id = rng.randbytes(20)
        self.seq = 0
        self.dscp = 0
        self.frames = {}

    def c2e(self, msg, what, show, dscp=None, media=None):
        return self.w.udp(TEAMS_A, self.port, self.relay_ip, 3478, msg, what, show,
                          self.dscp if dscp is None else dscp, media)

    def e2c(self, msg, what, show, media=None):
        return self.w.udp(self.relay_ip, 3478, TEAMS_A, self.port, msg, what, show, 0, media)

    def allocate(self):
        creds, cap = TEAMS_CREDS, self.cap
        base = [ms_version(6), service_quality(2, 2), u32(AT_MS_APP_ID, TEAMS_APP_ID)]
        t1 = self.tx.client()
        f1 = self.c2e(msturn(ALLOCATE_REQUEST, t1, base), f"Allocate Request ({self.label}, no credentials)",
                      f"MS-TURN Allocate txid {hexs(t1)}: MAGIC-COOKIE, MS-VERSION 6, MS-SERVICE-QUALITY 2/2, "
                      "MS-APP-ID 2", dscp=0)
        cap.after(28.4)
        self.e2c(msturn(ALLOCATE_ERROR, t1, [ms_version(6), error_code(401, REASON_401), nonce(self.nonce), realm(),
                                             session_id_attr(self.sid), edge_software()]),
                 f"Allocate Error 401 ({self.label})",
                 f"{_resp_to(f1)}: 401, NONCE, REALM \"rtcmedia\", MULTIPLEXED-TURN-SESSION-ID "
                 f"{hexs(self.sid)}")
        cap.after(3.1)
        t2 = self.tx.client()
        f3 = self.c2e(msturn(ALLOCATE_REQUEST, t2, base + [session_id_attr(self.sid), nonce(self.nonce), realm(),
                                                           username(creds.username)], creds),
                      f"Allocate Request ({self.label}, credentials)",
                      f"txid {hexs(t2)}: USERNAME, REALM, NONCE, MESSAGE-INTEGRITY (32 bytes), MI verifies", dscp=0)
        cap.after(31.7)
        self.frames["allocated"] = self.e2c(
            msturn(ALLOCATE_RESPONSE, t2, [lifetime(600), plain_addr(AT_MAPPED_ADDRESS, *self.relayed), ms_version(6),
                                           msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS, TEAMS_A_NAT, self.nat_port, t2),
                                           session_id_attr(self.sid), edge_software()], creds),
            f"Allocate Response ({self.label})",
            f"{_resp_to(f3)}: MAPPED-ADDRESS relayed {self.relayed[0]}:{self.relayed[1]} (shared by the "
            f"sockets multiplexed on this relay), XOR-MAPPED-ADDRESS reflexive {TEAMS_A_NAT}:{self.nat_port} (A's NAT), "
            f"session id {hexs(self.sid)}, MI verifies")

    def send(self, dest, payload, what, show, media=None):
        """A check or data through the relay in a Send Request (DESTINATION-ADDRESS `dest`)."""
        t = self.tx.client()
        self.seq += 1
        msg = ms_turn_send(t, TEAMS_CREDS, [ms_sequence(self.conn_id, self.seq)], dest[0], dest[1], payload)
        return self.c2e(msg, f"Send Request: {what}",
                        f"txid {hexs(t)} ({self.label}), DESTINATION-ADDRESS {dest[0]}:{dest[1]}, MI verifies; "
                        f"DATA = {show}", media=media)

    def data_ind(self, peer, payload, what, show, media=None):
        msg = ms_turn_data_ind(self.tx.random128(), peer[0], peer[1], payload)
        return self.e2c(msg, f"Data Indication: {what}",
                        f"({self.label}) REMOTE-ADDRESS {peer[0]}:{peer[1]}; DATA = {show}", media=media)

    def set_active(self, dest):
        t = self.tx.client()
        self.seq += 1
        f = self.c2e(msturn(SET_ACTIVE_DEST_REQUEST, t, [
            ms_version(6), username(TEAMS_CREDS.username), realm(), nonce(self.nonce),
            ms_sequence(self.conn_id, self.seq), plain_addr(AT_DESTINATION_ADDRESS, *dest)], TEAMS_CREDS),
            f"Set Active Destination Request ({self.label})",
            f"txid {hexs(t)}: DESTINATION-ADDRESS {dest[0]}:{dest[1]}; from now on data to and from it travels in "
            "0xFF10 frames", dscp=0)
        self.cap.after(27.3)
        self.e2c(msturn(SET_ACTIVE_DEST_RESPONSE, t, [ms_version(6)], TEAMS_CREDS),
                 f"Set Active Destination Response ({self.label})",
                 f"response to frame {f}" if f else "response to the request (not in the capture)")

    def mux_out(self, payload, what, show, media=None):
        return self.c2e(multiplexed(self.sid, payload), f"0xFF10 to relay: {what}",
                        f"multiplexed TURN, session id {hexs(self.sid)} ({self.label}); data = {show}", media=media)

    def mux_in(self, payload, what, show, media=None):
        return self.e2c(multiplexed(self.sid, payload), f"0xFF10 from relay: {what}",
                        f"multiplexed TURN, session id {hexs(self.sid)} ({self.label}); data = {show}", media=media)

    def release(self):
        t = self.tx.client()
        self.seq += 1
        f = self.c2e(msturn(ALLOCATE_REQUEST, t, [ms_version(6), lifetime(0), ms_sequence(self.conn_id, self.seq),
                                                  nonce(self.nonce), realm(), username(TEAMS_CREDS.username)],
                            TEAMS_CREDS),
                     f"Allocate Request LIFETIME 0 ({self.label}, release)", f"txid {hexs(t)}; MI verifies", dscp=0)
        self.cap.after(26.0)
        self.e2c(msturn(ALLOCATE_RESPONSE, t, [lifetime(0), plain_addr(AT_MAPPED_ADDRESS, *self.relayed),
                                               ms_version(6), msturn_xor_addr(AT_MSTURN_XOR_MAPPED_ADDRESS,
                                                                              TEAMS_A_NAT, self.nat_port, t),
                                               edge_software()], TEAMS_CREDS),
                 f"Allocate Response LIFETIME 0 ({self.label}, released)",
                 f"response to frame {f}" if f else "response to the release (request not in the capture)")


class TeamsStream:
    """One media type's ICE session between A (controlling, at the capture point) and B."""

    def __init__(self, w, rng, name, sock, b_port, b_nat_port, b_relay_port, dscp, pt, payload_len, ts_step):
        self.w, self.rng, self.cap, self.name, self.sock = w, rng, w.cap, name, sock
        self.a = IceAgent(rand_token(rng, 4), rand_token(rng, 24), rng.randbytes(8))
        self.b = IceAgent(rand_token(rng, 4), rand_token(rng, 24), rng.randbytes(8))
        self.a_host = (TEAMS_A, sock.port)
        self.a_nat = (TEAMS_A_NAT, sock.nat_port)
        self.b_host = (TEAMS_B_HOST, b_port)
        self.b_srflx = (TEAMS_B_NAT, b_nat_port)
        self.b_relay = (TEAMS_B_RELAY, b_relay_port)
        self.b_sid = rng.randbytes(8)
        self.dscp = dscp
        sock.dscp = dscp
        self.rtp_a = RtpStream(rng, pt, rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(32), payload_len, ts_step)
        self.rtp_b = RtpStream(rng, pt, rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(32), payload_len, ts_step)
        self.frames = {}

    def _req(self, nominate=False, prio_type="host"):
        prio = ice_priority(TYPE_PREF["prflx"], 65535 if prio_type == "host" else 0, 1)
        txid = self.rng.randbytes(12)
        return txid, teams_check(txid, self.a, self.b, prio, True, nominate)

    def a_check(self, dst, answer=None, tries=1, nominate=False, rto_ms=100.0, rtt_ms=30.0):
        """A's check from its socket to `dst`; `answer`: the address B's side saw A at (None:
        no response). Returns (first request frame, response frame)."""
        txid, req = self._req(nominate)
        what = f"{self.name} check A→{dst[0]}:{dst[1]}" + (" USE-CANDIDATE" if nominate else "")
        first = None
        for k in range(tries):
            f = self.w.udp(TEAMS_A, self.sock.port, dst[0], dst[1], req, what + ("" if k == 0 else f" (again {k})"),
                           f"MS-ICE2 Binding Request txid 2112a442{hexs(txid)}: USERNAME \"{self.b.ufrag}:"
                           f"{self.a.ufrag}\", ICE-CONTROLLING, IMPLEMENTATION-VERSION 7, PRIORITY, MS-APP-ID 2"
                           + (", USE-CANDIDATE" if nominate else "") + ", MI, FINGERPRINT"
                           + ("" if k == 0 else " (same txid: a retransmission)"), self.dscp)
            first = first or f
            if k + 1 < tries:
                self.cap.after(rto_ms * (2 ** k))
        if answer is None:
            return first, None
        self.cap.after(rtt_ms)
        resp = teams_check_response(txid, self.b, *answer)
        r = self.w.udp(dst[0], dst[1], TEAMS_A, self.sock.port, resp, f"response to the {what}",
                       f"Binding Success Response, {_resp_to(first)}: XOR-MAPPED-ADDRESS {answer[0]}:{answer[1]} (where "
                       "B's side saw A), no USERNAME", 0)
        return first, r

    def b_check(self, src, seen, nominate=False, via_b_relay=False, rtt_ms=0.6):
        """B's check arriving from `src` at A's socket; `seen`: the address A saw it from (in the
        response). Through B's relay it carries B's session id and A answers in a 0xFF10 frame."""
        txid = self.rng.randbytes(12)
        prio = ice_priority(TYPE_PREF["relay" if via_b_relay else "prflx"], 65535, 1)
        req = teams_check(txid, self.b, self.a, prio, False, nominate, self.b_sid if via_b_relay else None)
        what = f"{self.name} check B→A from {src[0]}:{src[1]}"
        f = self.w.udp(src[0], src[1], TEAMS_A, self.sock.port, req, what,
                       f"MS-ICE2 Binding Request txid 2112a442{hexs(txid)}: USERNAME \"{self.a.ufrag}:{self.b.ufrag}\", "
                       "ICE-CONTROLLED, IMPLEMENTATION-VERSION 7, PRIORITY" + (f", MULTIPLEXED-TURN-SESSION-ID {hexs(self.b_sid)} (sent through B's relay)"
                                           if via_b_relay else "") + ", MS-APP-ID 2, MI, FINGERPRINT", 0)
        self.cap.after(rtt_ms)
        resp = teams_check_response(txid, self.a, *seen)
        show = f"Binding Success Response to frame {f}: XOR-MAPPED-ADDRESS {seen[0]}:{seen[1]}"
        if via_b_relay:
            r = self.w.udp(TEAMS_A, self.sock.port, src[0], src[1], multiplexed(self.b_sid, resp),
                           f"0xFF10 to B's relay: response to the {what}",
                           f"multiplexed TURN, B's session id {hexs(self.b_sid)} (from the check's 0x8095); data = "
                           + show, self.dscp)
        else:
            r = self.w.udp(TEAMS_A, self.sock.port, src[0], src[1], resp, f"response to the {what}", show, self.dscp)
        return f, r

    def a_relayed_check(self, dst, answered=True, nominate=False, rtt_ms=60.0):
        """A's check from its relay (Send Request) and B's response (Data Indication)."""
        txid = self.rng.randbytes(12)
        prio = ice_priority(TYPE_PREF["relay"], 65535, 1)
        req = teams_check(txid, self.a, self.b, prio, True, nominate, self.sock.sid)
        what = f"{self.name} check A relay→{dst[0]}:{dst[1]}" + (" USE-CANDIDATE" if nominate else "")
        f = self.sock.send(dst, req, what, f"MS-ICE2 Binding Request txid 2112a442{hexs(txid)}, USERNAME \"{self.b.ufrag}:"
                           f"{self.a.ufrag}\"" + (", USE-CANDIDATE" if nominate else ""))
        if not answered:
            return f, None
        self.cap.after(rtt_ms)
        resp = teams_check_response(txid, self.b, *self.sock.relayed)
        r = self.sock.data_ind(dst, resp, f"response to the {what}",
                               f"Binding Success Response ({_resp_to(f, 'the check in frame')}): XOR-MAPPED-ADDRESS "
                               f"{self.sock.relayed[0]}:{self.sock.relayed[1]} (A's relayed address)")
        return f, r

    def b_check_via_a_relay(self, src, rtt_ms=0.8):
        """B's check to A's relayed address: a Data Indication; A answers in a Send Request."""
        txid = self.rng.randbytes(12)
        req = teams_check(txid, self.b, self.a, ice_priority(TYPE_PREF["srflx"], 65535, 1), False)
        what = f"{self.name} check B→A relay from {src[0]}:{src[1]}"
        f = self.sock.data_ind(src, req, what, f"MS-ICE2 Binding Request txid 2112a442{hexs(txid)}, USERNAME "
                               f"\"{self.a.ufrag}:{self.b.ufrag}\"")
        self.cap.after(rtt_ms)
        r = self.sock.send(src, teams_check_response(txid, self.a, *src), f"response to the {what}",
                           f"Binding Success Response, XOR-MAPPED-ADDRESS {src[0]}:{src[1]}")
        return f, r

    def media_direct(self, peer, n, step_ms, loss=()):
        """RTP both ways between A's socket and `peer` (A's marked with its DSCP); `loss`: indexes
        of B's packets that never arrive. Returns the first media frame written."""
        first = None
        for i in range(n):
            pa = self.rtp_a.next(marker=i == 0)
            f = self.w.udp(TEAMS_A, self.sock.port, peer[0], peer[1], pa, f"RTP {self.name} A→B",
                           self.rtp_a.describe(pa) + f"; DSCP {self.dscp}", self.dscp,
                           media=(f"RTP {self.name} A→B", struct.unpack("!H", pa[2:4])[0]))
            first = first or f
            self.cap.after(step_ms / 2)
            pb = self.rtp_b.next(marker=i == 0)
            if i not in loss:
                f = self.w.udp(peer[0], peer[1], TEAMS_A, self.sock.port, pb, f"RTP {self.name} B→A",
                               self.rtp_b.describe(pb) + "; DSCP 0", 0,
                               media=(f"RTP {self.name} B→A", struct.unpack("!H", pb[2:4])[0]))
                first = first or f
            self.cap.after(step_ms / 2)
        return first

    def media_mux(self, n, step_ms):
        """RTP both ways through A's relay in 0xFF10 frames (after Set Active Destination).
        Returns the first media frame written."""
        first = None
        for i in range(n):
            pa = self.rtp_a.next(marker=i == 0)
            f = self.sock.mux_out(pa, f"RTP {self.name} A→B", self.rtp_a.describe(pa) + f"; DSCP {self.dscp}",
                                  media=(f"0xFF10 RTP {self.name} A→B", struct.unpack("!H", pa[2:4])[0]))
            first = first or f
            self.cap.after(step_ms / 2)
            pb = self.rtp_b.next(marker=i == 0)
            f = self.sock.mux_in(pb, f"RTP {self.name} B→A", self.rtp_b.describe(pb),
                                 media=(f"0xFF10 RTP {self.name} B→A", struct.unpack("!H", pb[2:4])[0]))
            first = first or f
            self.cap.after(step_ms / 2)
        return first


def teams_hosts(cap, a_ip=TEAMS_A):
    gw = HOME_ROUTER_MAC
    return [cap.host("A", a_ip, TEAMS_NIC_MAC, 128, 0x3a10, "Teams client A (the capture point), behind a home "
                     f"NAT {TEAMS_A_NAT}"),
            cap.host("R1", TEAMS_RELAY_A, gw, 112, 0x1200, "Microsoft 365 transport relay (A's audio sockets): "
                     "MS-TURN UDP 3478, relayed addresses on 3480"),
            cap.host("R2", TEAMS_RELAY_V, gw, 112, 0x2200, "Microsoft 365 transport relay (A's video and sharing "
                     "sockets)"),
            cap.host("BH", TEAMS_B_HOST, gw, 116, 0x5100, "B's host address (private: B's network; unreachable)"),
            cap.host("BN", TEAMS_B_NAT, gw, 116, 0x5200, "B's NAT public address (B's server-reflexive candidates)"),
            cap.host("BR", TEAMS_B_RELAY, gw, 110, 0x5300, "B's transport relay (B's relay candidates; its "
                     "allocations are not in the capture)")]
