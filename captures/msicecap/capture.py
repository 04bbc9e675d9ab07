# SPDX-License-Identifier: GPL-2.0-or-later
"""capture: TODO."""

import os
import struct


# 2026-01-15 09:00:00 UTC: start of every capture.
EPOCH = 1768467600






class Host:
    """One IP endpoint as seen at the capture point (the client's NIC).

    `mac` is the MAC address on the captured link: the host's own MAC for the
    client, the default gateway's MAC for everything behind the router. `ttl`
    is the TTL as it arrives at the capture point.
    """

    def __init__(self, label, ip, mac, ttl, ip_id, role):
        self.label = label
        self.ip = ip
        self.mac = mac
        self.ttl = ttl
        self._ip_id = ip_id
        self.role = role

    def next_ip_id(self):
        self._ip_id = (self._ip_id + 1) & 0xFFFF
        return self._ip_id


class Capture:
    """Frames of one pcap file plus the notes that become its README table.

    Time is an integer number of microseconds since EPOCH (`now`); scenario
    code moves it forward with after(ms) and every frame is stamped with it.
    """

    def __init__(self, filename, title, intro):
        self.filename = filename
        self.title = title
        self.intro = intro
        self.hosts = []
        self.now = 0
        self.frames = []  # (time_us, frame bytes, direction, what, show)
        self.t_start = 0  # frames before this time (µs) are not captured: a capture started mid-call
        self.time_base = 0  # README times are relative to this (the first frame's time in such a capture)

    def host(self, *args, **kwargs):
        h = Host(*args, **kwargs)
        self.hosts.append(h)
        return h

    def after(self, ms):
        """Advance the clock by `ms` milliseconds (float allowed, µs resolution)."""
        self.now += int(round(ms * 1000))

    def at(self, seconds):
        """Jump forward to an absolute time (seconds since the capture start)."""
        t = int(round(seconds * 1_000_000))
        assert t >= self.now, "time must not go backwards"
        self.now = t

    def add(self, frame, direction, what, show):
        if self.now < self.t_start:
            return None   # before the capture started
        self.frames.append((self.now, frame, direction, what, show))
        return len(self.frames)  # frame number as Wireshark counts it

    def pcap_bytes(self):
        out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
        for t, frame, *_ in self.frames:
            sec, usec = divmod(t, 1_000_000)
            out.append(struct.pack("<IIII", EPOCH + sec, usec, len(frame), len(frame)))
            out.append(frame)
        return b"".join(out)

    def write(self, directory):
        with open(os.path.join(directory, self.filename), "wb") as f:
            f.write(self.pcap_bytes())


def md_cell(s):
    return s.replace("|", "\\|")
