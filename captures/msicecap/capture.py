# SPDX-License-Identifier: GPL-2.0-or-later
"""One capture file as the scenarios build it, and how it is written.

Host is one IP endpoint as the capture point sees it (MAC on the link, TTL on arrival, its own IP ID
counter). Capture holds the frames of one pcap file with their README notes (direction, what, what a
decoder must show), keeps the capture's clock (integer microseconds since EPOCH), writes the classic
pcap file (no wall clock, no host state) and the rows of the README frame table."""

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

    # -- the README frame table
    def frame_row(self, number, t, direction, what, show):
        return f"| {number} | {(t - self.time_base) / 1e6:.3f} | {direction} | {md_cell(what)} | {md_cell(show)} |"

    def readme_rows(self):
        """Rows of the README frame table: one per frame."""
        return [self.frame_row(i, t, direction, what, show)
                for i, (t, _, direction, what, show) in enumerate(self.frames, 1)]

    def run_rows(self, runs, min_run, noun, last_cell):
        """Rows of the README frame table where a run of at least `min_run` consecutive frames listed in `runs`
        (frame number -> (label, RTP sequence number)) becomes one row: frame and time ranges, "(n `noun`)",
        per label and direction the count and the sequence number range, and `last_cell`."""
        rows, run = [], []

        def flush():
            if len(run) < min_run:
                rows.extend(self.frame_row(i, t, direction, what, show) for i, (t, _, direction, what, show) in run)
            else:
                kinds = {}
                for i, (t, _, direction, what, show) in run:
                    label, seq = runs[i]
                    k = kinds.setdefault((label, direction), [0, seq, seq])
                    k[0] += 1
                    k[2] = seq
                desc = "; ".join(f"{n} × `{d}` {md_cell(label)} (seq {a}–{b})" for (label, d), (n, a, b) in kinds.items())
                (first, (t0, *_)), (last, (t1, *_)) = run[0], run[-1]
                tb = self.time_base
                rows.append(f"| {first}–{last} | {(t0 - tb) / 1e6:.3f}–{(t1 - tb) / 1e6:.3f} | ({len(run)} {noun}) | "
                            f"{desc} | {last_cell} |")
            run.clear()
        for i, fr in enumerate(self.frames, 1):
            if i in runs:
                run.append((i, fr))
                continue
            flush()
            t, _, direction, what, show = fr
            rows.append(self.frame_row(i, t, direction, what, show))
        flush()
        return rows


def md_cell(s):
    """Text for a markdown table cell."""
    return s.replace("|", "\\|")
