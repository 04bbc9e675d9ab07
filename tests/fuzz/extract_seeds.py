#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed corpora for the fuzz targets, cut from the project's own captures.

    extract_seeds.py CAPTURES_DIR OUT_DIR

Writes OUT_DIR/fuzz_msturn/ (UDP payloads and TCP payloads of MS-TURN ports,
framed or not) and, for the SIP-based targets, OUT_DIR/fuzz_icecand/ (each
a=... line value of each SDP body), OUT_DIR/fuzz_msdiag/ (the values of the
diagnostics and location headers), OUT_DIR/fuzz_mras/ and fuzz_xmlspan/ (each
MRAS XML body), OUT_DIR/fuzz_sdpline/ (each SDP body), fuzz_sipscan/ (each
SIP payload, behind the 4 bytes that place a header value in it) and
fuzz_icmpquote/ (each ICMP message of an Ethernet/IPv4 frame), at most
MAX_SEEDS each. Reads pcap files with the standard library.
"""
import hashlib
import struct
import sys
from pathlib import Path

MSTURN_PORTS = {443, 3478, 3479, 3480, 3481}
MAX_SEEDS = 300          # per target: enough variety, quick to load
DIAG_HEADERS = ("ms-client-diagnostics:", "ms-diagnostics:", "ms-diagnostics-public:", "ms-endpoint-location-data:",
                "ms-subnet:")


def packets(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        endian = "<" if head[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            incl = struct.unpack(endian + "IIII", rec)[2]
            yield f.read(incl)


def transport_payload(frame):
    """(proto, sport, dport, payload) of an Ethernet/IPv4 frame, or None (ICMP: ports 0, the whole message)."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 0x0F) * 4
    proto = frame[23]
    l4 = frame[14 + ihl:]
    if proto == 1:
        return "icmp", 0, 0, l4
    if proto == 17 and len(l4) >= 8:
        return "udp", *struct.unpack(">HH", l4[:4]), l4[8:]
    if proto == 6 and len(l4) >= 20:
        off = (l4[12] >> 4) * 4
        return "tcp", *struct.unpack(">HH", l4[:4]), l4[off:]
    return None


_written = {}   # folder -> seeds written there (counted once, not per write)


def write(out, data):
    if not data:
        return
    if out not in _written:
        out.mkdir(parents=True, exist_ok=True)
        _written[out] = sum(1 for _ in out.iterdir())
    if _written[out] >= MAX_SEEDS:
        return
    path = out / hashlib.sha1(data).hexdigest()
    if not path.exists():
        path.write_bytes(data)
        _written[out] += 1


def main():
    captures, out = Path(sys.argv[1]), Path(sys.argv[2])
    for pcap in sorted(captures.glob("*.pcap")):
        for frame in packets(pcap):
            tp = transport_payload(frame)
            if not tp:
                continue
            proto, sport, dport, payload = tp
            if proto == "icmp":
                write(out / "fuzz_icmpquote", payload)
                continue
            if sport in MSTURN_PORTS or dport in MSTURN_PORTS:
                write(out / "fuzz_msturn", payload)
            if proto == "udp" and (sport == 5060 or dport == 5060) or proto == "tcp" and 5060 in (sport, dport) \
                    or 5061 in (sport, dport):
                text = payload.decode("latin-1")
                value_at = (0, 0)
                for line in text.split("\r\n"):
                    if line.startswith("a="):
                        write(out / "fuzz_icecand", line[2:].encode("latin-1"))
                    low = line.lower()
                    for h in DIAG_HEADERS:
                        if low.startswith(h):
                            value = line[len(h):].strip()
                            write(out / "fuzz_msdiag", value.encode("latin-1"))
                            value_at = (text.find(value), len(value))
                # fuzz_sipscan reads a big-endian value offset and length first
                write(out / "fuzz_sipscan", struct.pack(">HH", *(min(v, 0xFFFF) for v in value_at)) + payload)
                sdp = text.find("v=0\r\n")
                if sdp >= 0:
                    write(out / "fuzz_sdpline", payload[sdp:])
                start = text.find("<?xml")
                if start < 0:
                    start = text.find("<request")
                if start < 0:
                    start = text.find("<response")
                if start >= 0 and "mrasp" in text:
                    write(out / "fuzz_mras", payload[start:])
                    write(out / "fuzz_xmlspan", payload[start:])


if __name__ == "__main__":
    main()
