# SPDX-License-Identifier: GPL-2.0-or-later
"""Transport for the hand-scripted captures: Ethernet / IPv4 / UDP and TCP frames built with scapy.

UdpFlow sends datagrams between a client and a server socket; SipUdpFlow does the same but splits a
datagram longer than the 1500-byte MTU into IPv4 fragments; TcpFlow keeps sequence and
acknowledgement numbers right (handshake, data, ACK, FIN, RST), so callers can put several messages
in one segment or one message over several segments."""


from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw


def flow_direction(src, sport, dst, dport):
    return f"{src.label}:{sport} → {dst.label}:{dport}"


class UdpFlow:
    """A UDP 5-tuple between a client socket and a server socket."""

    def __init__(self, cap, client, cport, server, sport):
        self.cap, self.client, self.cport, self.server, self.sport = cap, client, cport, server, sport

    def _frame(self, src, sport, dst, dport, payload):
        pkt = (Ether(src=src.mac, dst=dst.mac)
               / IP(src=src.ip, dst=dst.ip, id=src.next_ip_id(), ttl=src.ttl, flags=0)
               / UDP(sport=sport, dport=dport) / Raw(payload))
        return bytes(pkt)  # scapy fills in lengths and checksums

    def c2s(self, payload, what, show="—"):
        f = self._frame(self.client, self.cport, self.server, self.sport, payload)
        return self.cap.add(f, flow_direction(self.client, self.cport, self.server, self.sport), what, show)

    def s2c(self, payload, what, show="—"):
        f = self._frame(self.server, self.sport, self.client, self.cport, payload)
        return self.cap.add(f, flow_direction(self.server, self.sport, self.client, self.cport), what, show)


# Window scale 8 on both sides; windows below are the unscaled header values.
SYN_OPTS_CLIENT = [("MSS", 1460), ("NOP", None), ("WScale", 8), ("NOP", None), ("NOP", None),
                    ("SAckOK", b"")]
SYN_OPTS_SERVER = [("MSS", 1440), ("NOP", None), ("WScale", 8), ("SAckOK", b"")]


class TcpFlow:
    """A TCP connection that keeps seq/ack right.

    Each side's next sequence number is tracked; every segment acknowledges
    all bytes the other side has sent so far (the capture point is the
    client, so by the time a frame is stamped, earlier frames have arrived).
    send() takes raw bytes, so callers can put several messages in one
    segment or split one message over several send() calls.
    """

    C, S = "client", "server"

    def __init__(self, cap, rng, client, cport, server, sport):
        self.cap = cap
        self.ends = {self.C: (client, cport), self.S: (server, sport)}
        self.nxt = {self.C: rng.getrandbits(32), self.S: rng.getrandbits(32)}
        self.win = {self.C: 1026, self.S: 2053}
        self.synced = False

    def _other(self, side):
        return self.S if side == self.C else self.C

    def _segment(self, side, flags, payload=b"", what="", show="—", options=None, window=None):
        (src, sport), (dst, dport) = self.ends[side], self.ends[self._other(side)]
        ack = self.nxt[self._other(side)] if "A" in flags else 0
        tcp = TCP(sport=sport, dport=dport, seq=self.nxt[side], ack=ack, flags=flags,
                  window=window if window is not None else self.win[side], options=options or [])
        pkt = (Ether(src=src.mac, dst=dst.mac)
               / IP(src=src.ip, dst=dst.ip, id=src.next_ip_id(), ttl=src.ttl, flags="DF")
               / tcp)
        if payload:
            pkt = pkt / Raw(payload)
        used = len(payload) + (1 if ("S" in flags or "F" in flags) else 0)
        self.nxt[side] = (self.nxt[side] + used) & 0xFFFFFFFF
        return self.cap.add(bytes(pkt), flow_direction(src, sport, dst, dport), what, show)

    def handshake(self, rtt_ms):
        """SYN, SYN/ACK, ACK; returns the number of the SYN frame."""
        n = self._segment(self.C, "S", what="TCP SYN", options=SYN_OPTS_CLIENT, window=64240)
        self.cap.after(rtt_ms)
        self._segment(self.S, "SA", what="TCP SYN/ACK", options=SYN_OPTS_SERVER, window=65535)
        self.cap.after(0.2)
        self._segment(self.C, "A", what="TCP ACK (handshake done)")
        return n

    def send(self, side, payload, what, show="—"):
        return self._segment(side, "PA", payload, what, show)

    def ack(self, side, what="TCP ACK"):
        return self._segment(side, "A", what=what)

    def close(self, rtt_ms, first=C):
        """FIN from `first`, FIN/ACK back, final ACK."""
        self._segment(first, "FA", what="TCP FIN")
        self.cap.after(rtt_ms)
        self._segment(self._other(first), "FA", what="TCP FIN/ACK")
        self.cap.after(0.2)
        self._segment(first, "A", what="TCP ACK (closed)")

    def reset(self, side, what, show="—"):
        return self._segment(side, "RA", what=what, show=show)


class SipUdpFlow(UdpFlow):
    """UdpFlow for SIP: a datagram larger than the 1500-byte MTU is sent as
    IPv4 fragments (1480 data bytes each, same IP ID), as the sending host's
    stack does. Earlier fragments get a short note; the last fragment (where
    Wireshark shows the reassembled message) gets `what`/`show`."""

    MTU = 1500

    def _send(self, src, sport, dst, dport, payload, what, show):
        direction = flow_direction(src, sport, dst, dport)
        ip_id = src.next_ip_id()
        datagram = bytes(IP(src=src.ip, dst=dst.ip, id=ip_id, ttl=src.ttl, flags=0)
                         / UDP(sport=sport, dport=dport) / Raw(payload))
        if len(datagram) <= self.MTU:
            return self.cap.add(bytes(Ether(src=src.mac, dst=dst.mac, type=0x0800)) + datagram, direction, what, show)
        data_ = datagram[20:]                    # UDP header + payload (IP header is 20 bytes)
        step = (self.MTU - 20) // 8 * 8
        pieces = [data_[i:i + step] for i in range(0, len(data_), step)]
        first = len(self.cap.frames) + 1
        last = first + len(pieces) - 1
        n = 0
        for i, piece in enumerate(pieces):
            more = i < len(pieces) - 1
            frag = (Ether(src=src.mac, dst=dst.mac)
                    / IP(src=src.ip, dst=dst.ip, id=ip_id, ttl=src.ttl, flags="MF" if more else 0,
                         frag=i * step // 8, proto=17) / Raw(piece))
            if more:
                n = self.cap.add(bytes(frag), direction,
                                 f"IPv4 fragment {i + 1} of {len(pieces)} ({what})",
                                 f"IPv4 fragment, IP ID 0x{ip_id:04x}, offset {i * step}, MF set; "
                                 f"reassembled in frame {last}")
                self.cap.after(0.01)
            else:
                n = self.cap.add(bytes(frag), direction, what,
                                 f"last of {len(pieces)} IPv4 fragments (frames {first}-{last}, "
                                 f"{len(payload)}-byte UDP payload); " + show)
        return n

    def c2s(self, payload, what, show="—"):
        return self._send(self.client, self.cport, self.server, self.sport, payload, what, show)

    def s2c(self, payload, what, show="—"):
        return self._send(self.server, self.sport, self.client, self.cport, payload, what, show)
