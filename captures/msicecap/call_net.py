# SPDX-License-Identifier: GPL-2.0-or-later
"""The call simulator's network and clock, for the whole-call captures (call-*, rule-*).

A scenario sets up hosts with a zone and optional capture point, NATs (endpoint-independent or
symmetric mapping), latencies and a firewall rule function; events then run in time order from a
heap. Every datagram is routed through the rules, NAT-translated and written where a capture point
sees it (as sent on the sender's side, as received on the receiver's side), so check results,
nominations and media paths follow from the network rather than being scripted. A closed port
answers with ICMP port unreachable (rate-limited). Also: DNS exchanges, and the text of a candidate
or pair for the README.

The ICE behaviour modelled on top (call_ice) is: checks paced every TA_MS, highest pair priority
first (ICE-19 §5.8), component 2 of a foundation unfrozen when component 1 succeeded; a check sent
at CHECK_TX_MS offsets and failed at CHECK_FAIL_MS; a request on a pair not yet in progress or
valid triggers a check on it (ICE-19 §7.2.1.4); regular nomination; before a nomination media goes
between the default candidates (c=/m=, ICE-19 §11.1), afterwards on the nominated pair."""

import heapq

from scapy.layers.dns import DNS, DNSQR, DNSRR
from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from .capture import Host
from .net import flow_direction


class ViewHost(Host):
    """A host as one capture point sees it (MAC on that link, TTL on arrival). IP IDs come
    from the sender's own counter, shared by all its views (NATs keep the IP ID)."""

    def __init__(self, net, label, ip, mac, ttl):
        super().__init__(label, ip, mac, ttl, 0, "")
        self.net = net

    def next_ip_id(self):
        return self.net.next_ip_id(self.ip)


class Nat:
    """A home/hotel router with one public address. kind "address": endpoint-independent
    mapping, address-restricted filtering (inbound allowed from any port of an address the
    mapping has sent to); kind "symmetric": a new mapping per destination, inbound allowed
    only from that exact destination."""

    def __init__(self, public_ip, kind, first_port):
        self.public_ip, self.kind, self.next_port = public_ip, kind, first_port
        self.maps = []                    # [key, public port, [(dst ip, dst port) sent to]]

    def _key(self, ip, port, dst):
        return (ip, port) if self.kind == "address" else (ip, port, dst)

    def preset(self, ip, port, public_port, dst=None):
        self.maps.append([self._key(ip, port, dst), public_port, []])

    def out(self, ip, port, dst_ip, dst_port):
        key = self._key(ip, port, (dst_ip, dst_port))
        m = next((m for m in self.maps if m[0] == key), None)
        if m is None:
            m = [key, self.next_port, []]
            self.next_port += 7
            self.maps.append(m)
        if (dst_ip, dst_port) not in m[2]:
            m[2].append((dst_ip, dst_port))
        return self.public_ip, m[1]

    def inbound(self, src_ip, src_port, public_port):
        for key, port, sent in self.maps:
            if port == public_port:
                ok = (any(ip == src_ip for ip, _ in sent) if self.kind == "address"
                      else (src_ip, src_port) in sent)
                return (key[0], key[1]) if ok else None
        return None


class Pkt:
    """What a datagram carries, for the endpoint that receives it: kind "req" / "resp"
    (connectivity check and its response, `txn` = the CheckTxn), "rtp" or "rtcp"."""

    def __init__(self, kind, data, txn=None, comp=1, nominate=False, user=None, sender=None):
        self.kind, self.data, self.txn, self.comp = kind, data, txn, comp
        self.nominate, self.user, self.sender = nominate, user, sender


class CallNet:
    """Network, clock and event queue of one whole-call capture.

    Every address is registered with a zone (the scenario's rules and latencies use
    it), a label (README direction column) and the capture point where its own traffic
    is seen (None = nowhere). A datagram is written when it leaves a host seen at some
    point (as sent) and again when it reaches a host seen at another point (as
    received, after NAT). Events run from a heap in time order."""

    def __init__(self, cap, rng, points):
        self.cap, self.rng = cap, rng
        self.points = points              # point -> (README tag, MAC of the gateway on that link)
        self.multi = len(points) > 1
        self.reg = {}                     # ip -> dict(zone, label, point, mac)
        self.views, self.ipid = {}, {}
        self.nat_of = {}                  # private ip -> Nat
        self.nats = {}                    # public ip -> Nat
        self.lat = {}                     # (zone, zone) -> one-way delay in ms
        self.rules = lambda src, dst, dport, proto, t: True
        self.heap, self.seq = [], 0
        self.sockets = {}                 # (ip, port) -> handler(pkt, seen_ip, seen_port, frames)
        self.relayed = {}                 # (ip, port) -> TurnAlloc
        self.media_log = []               # dict(t, sender, key, frames, kind)
        self.allocs = []
        self.agents = []
        self.far_ttl = {}                 # zone -> TTL of its hosts' packets where they are captured elsewhere
        self.closed = {}                  # (ip, port) -> time from which the socket is closed (ICMP answers)
        self.icmp_tokens = {}             # (host, destination ip) -> (credit in µs, time of the last update)
        self.icmp_log = []                # dict(t, frame, quoted frame, host, port, sender)

    # ---------------------------------------------------------------- topology
    def register(self, ip, zone, label, point=None, mac=None, role=None):
        self.reg[ip] = dict(zone=zone, label=label, point=point, mac=mac)
        if role:
            self.cap.host(label, ip, mac or "", 0, 0, role)

    def add_nat(self, nat, private_ips):
        self.nats[nat.public_ip] = nat
        for ip in private_ips:
            self.nat_of[ip] = nat

    def zone(self, ip):
        return self.reg[ip]["zone"] if ip in self.reg else "unknown"

    def delay_ms(self, a, b):
        za, zb = self.zone(a), self.zone(b)
        if za == zb:
            return self.lat.get((za, za), 0.3)
        return self.lat.get((za, zb), self.lat.get((zb, za), 15.0))

    def view(self, point, ip):
        key = (point, ip)
        if key not in self.views:
            r = self.reg.get(ip, dict(zone="unknown", label=ip, point=None, mac=None))
            local = r["point"] == point
            mac = r["mac"] if local and r["mac"] else self.points[point][1]
            ttl = 128 if local else self.far_ttl.get(r["zone"], 116)
            self.views[key] = ViewHost(self, r["label"], ip, mac, ttl)
        return self.views[key]

    def next_ip_id(self, ip):
        owner = ip
        if ip in self.nats:               # a NAT keeps the sender's IP ID
            owner = self.nats[ip].maps[0][0][0] if self.nats[ip].maps else ip
        if owner not in self.ipid:
            self.ipid[owner] = self.rng.getrandbits(16)
        self.ipid[owner] = (self.ipid[owner] + 1) & 0xFFFF
        return self.ipid[owner]

    def tag(self, point, what):
        return f"[{self.points[point][0]}] {what}" if self.multi else what

    # ---------------------------------------------------------------- clock
    def at(self, t, fn):
        heapq.heappush(self.heap, (int(round(t * 1_000_000)), self.seq, fn))
        self.seq += 1

    def after(self, ms, fn):
        heapq.heappush(self.heap, (self.cap.now + int(round(ms * 1000)), self.seq, fn))
        self.seq += 1

    @property
    def t(self):
        return self.cap.now / 1e6

    def run(self):
        while self.heap:
            t, _, fn = heapq.heappop(self.heap)
            assert t >= self.cap.now, "event in the past"
            self.cap.now = t
            fn()

    # ---------------------------------------------------------------- datagrams
    def emit_udp(self, point, src, sport, dst, dport, payload, what, show):
        s, d = self.view(point, src), self.view(point, dst)
        pkt = (Ether(src=s.mac, dst=d.mac) / IP(src=src, dst=dst, id=s.next_ip_id(), ttl=s.ttl, flags=0)
               / UDP(sport=sport, dport=dport) / Raw(payload))
        return self.cap.add(bytes(pkt), flow_direction(s, sport, d, dport), self.tag(point, what), show)

    def send_udp(self, src, sport, dst, dport, data, what, show, frames=None, on_arrive=None, pkt=None):
        """Send a datagram from a socket of host `src` (its own address). Written where seen;
        if the rules and NATs let it through, it arrives after the one-way delay: then
        on_arrive(rx_ip, rx_port, seen_ip, seen_port) runs, or `pkt` goes to the socket."""
        frames = [] if frames is None else frames
        nat = self.nat_of.get(src)
        pub, pport = nat.out(src, sport, dst, dport) if nat else (src, sport)
        p_src = self.reg.get(src, {}).get("point")
        if p_src is not None:
            frames.append(self.emit_udp(p_src, src, sport, dst, dport, data, what, show))
        if not self.rules(pub, dst, dport, "udp", self.t):
            return frames
        if dst in self.nats:
            rx = self.nats[dst].inbound(pub, pport, dport)
            if rx is None:
                return frames
        else:
            rx = (dst, dport)
        rx_ip, rx_port = rx
        p_dst = self.reg.get(rx_ip, {}).get("point")

        def arrive():
            if p_dst is not None and p_dst != p_src:
                frames.append(self.emit_udp(p_dst, pub, pport, rx_ip, rx_port, data, what, show))
            if (rx_ip, rx_port) in self.closed and self.t >= self.closed[(rx_ip, rx_port)]:
                self._port_unreachable(rx_ip, rx_port, pub, pport, frames)
                return
            if on_arrive is not None:
                on_arrive(rx_ip, rx_port, pub, pport)
            elif pkt is not None and (rx_ip, rx_port) in self.sockets:
                self.sockets[(rx_ip, rx_port)](pkt, pub, pport, frames)
        self.after(self.delay_ms(src, rx_ip), arrive)
        return frames

    def close_port(self, ip, port, t):
        """From time `t` nothing listens on ip:port: the host answers datagrams to it with ICMP port
        unreachable (RFC 1122 3.2.2.1, RFC 792)."""
        self.closed[(ip, port)] = t

    ICMP_BURST, ICMP_REFILL_MS = 6, 1000   # the host's ICMP error rate limit per destination (a choice)

    def _port_unreachable(self, host, port, src_ip, src_port, frames):
        """ICMP type 3 code 3 from `host` to the datagram's source, quoting its IP header and as much of
        the datagram as fits in 576 bytes (RFC 1812 4.3.2.3), rate-limited per destination: a burst of
        ICMP_BURST, then one per ICMP_REFILL_MS."""
        key, cost = (host, src_ip), self.ICMP_REFILL_MS * 1000
        credit, last = self.icmp_tokens.get(key, (self.ICMP_BURST * cost, self.cap.now))
        credit = min(self.ICMP_BURST * cost, credit + self.cap.now - last)   # token bucket, in µs of credit
        if credit < cost:
            self.icmp_tokens[key] = (credit, self.cap.now)
            return
        self.icmp_tokens[key] = (credit - cost, self.cap.now)
        point = self.reg.get(host, {}).get("point")
        if point is None or not frames:
            return
        quoted_frame = frames[-1]
        orig = IP(self.cap.frames[quoted_frame - 1][1][14:])
        orig.ttl -= 1                     # one router hop between the VLANs
        del orig.chksum
        quoted = bytes(orig)[:576 - 28]
        h, d = self.view(point, host), self.view(point, src_ip)
        pkt = (Ether(src=h.mac, dst=d.mac) / IP(src=host, dst=src_ip, id=h.next_ip_id(), ttl=h.ttl, flags=0)
               / ICMP(type=3, code=3) / Raw(quoted))
        what = self.tag(point, f"ICMP port unreachable ({host}:{port} closed)")
        n = self.cap.add(bytes(pkt), f"{h.label} → {d.label}", what,
                         f"ICMP type 3 code 3 from {host} to {src_ip}, quoting the IP header and the whole UDP "
                         f"datagram of frame {quoted_frame} ({src_ip}:{src_port} → {host}:{port}, "
                         f"{len(quoted) - 28} bytes of payload): nothing listens on port {port} any more; not a "
                         "media packet")
        self.icmp_log.append(dict(t=self.t, frame=n, quoted=quoted_frame, host=host, port=port, sender=src_ip))

    def dns(self, point, client, resolver, name, answers, delay_ms, why):
        """A DNS A query and its answer (one A record per address of `answers`), both seen at `point`; the
        answer comes `delay_ms` later and its description ends with `why`."""
        qid, sport = self.rng.getrandbits(16), 49152 + self.rng.getrandbits(14)
        q = bytes(DNS(id=qid, rd=1, qd=DNSQR(qname=name)))
        records = DNSRR(rrname=name, ttl=300, rdata=answers[0])
        for a in answers[1:]:
            records = records / DNSRR(rrname=name, ttl=300, rdata=a)
        r = bytes(DNS(id=qid, qr=1, rd=1, ra=1, qd=DNSQR(qname=name), an=records))
        listed = ", ".join(answers)
        n = self.emit_udp(point, client, sport, resolver, 53, q, f"DNS query A {name}", f"standard query, A {name}")
        self.after(delay_ms, lambda: self.emit_udp(point, resolver, 53, client, sport, r, f"DNS answer {name} = {listed}",
                                                   f"answer to frame {n}: {name} A {listed} ({why})"))


def cand_str(c, who=True):
    s = f"{c.typ} {c.transport} {c.address}:{c.port}"
    return f"{c.owner.key} {s}" if who else s


def pair_str(local, remote):
    return f"{cand_str(local)} → {cand_str(remote)}"
