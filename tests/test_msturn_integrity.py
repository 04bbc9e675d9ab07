# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark tests of MS-TURN MESSAGE-INTEGRITY verification (msturn.integrity.*).

Credentials and the frames that carry MESSAGE-INTEGRITY come from
captures/README.md ("Credentials" and the per-capture tables): sip-mras.pcap
hands out the "home" set in frame 5 and the "corp" set in frame 11;
msturn-udp-allocate/-tcp/-malformed sign with "home", msturn-relay with
"corp", msturn-bwm with "lync2010" (not handed out by any MRAS capture).

Rule under test (msturn-integrity.c, msturn_integrity_check()): the check is made on
the first pass in frame order and stored, so one-pass tshark, tshark -2 and
the GUI agree, and a message is verified only with an MRAS response from an
earlier frame (or the msturn.credentials preference).
"""
import subprocess

import pytest

from conftest import CAPTURES

MRAS = CAPTURES / "sip-mras.pcap"
UDP = CAPTURES / "msturn-udp-allocate.pcap"
TCP = CAPTURES / "msturn-tcp.pcap"
RELAY = CAPTURES / "msturn-relay.pcap"
BWM = CAPTURES / "msturn-bwm.pcap"
BAD = CAPTURES / "msturn-malformed.pcap"

MRAS_FRAMES = 12  # frames of sip-mras.pcap, ahead of the appended capture

HOME = ("AgAAJAX48eDYqM8TXeBJ8p+q659tjQdqhaIqEH3eZ72AkqyRAAAAAFKWkW+1oveO6HC/zrS62PM=",
        "ZOl5AThhu7Iw/RHHDhROBFEQocg=")
CORP = ("AgAAJHcIWCOPTfFInzSw2XcGsti7vGutDsalI41raRNY4yZeAAAAAEL6P9BWIUz4HqWEbD/0x+w=",
        "7I+DYcNIxo65qRaPnn3oNdvIRf8=")
LYNC2010 = ("AgAAJPnIk4T5PQkQqhNx2lJDB6vWcagR1un40sV/rR5yCo2QAAAAACLZI8U3iaUvoLX9K3zls1A=",
            "jsocj7nY3NGwlm29WzLQQ4ypf84=")

FIELDS = ["msturn.type", "msturn.integrity.status", "msturn.integrity.key_source",
          "msturn.attr.realm", "_ws.expert.message"]

# Frames with MESSAGE-INTEGRITY on the outer MS-TURN message (README tables).
UDP_MI = list(range(5, 15))
RELAY_MI = [3, 4, 5, 7, 9, 10, 11, 13, 15, 17, 19, 26, 28, 30, 32, 33]
RELAY_SEND_MI = [5, 7, 11, 13, 15, 17, 19, 26]
TCP_MI = [9, 10, 11, 13, 14, 30, 31]
BWM_MI = [3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]


def as_list(v):
    return v if isinstance(v, list) else ([v] if v else [])


def pref(creds):
    return ["-o", "msturn.credentials:" + " ".join(f"{u}:{p}" for u, p in creds)]


def merge(tmp_path, name, *parts):
    """mergecap -a (concatenate in this order), readable by tshark as nobody."""
    out = tmp_path / name
    subprocess.run(["mergecap", "-F", "pcap", "-a", "-w", str(out), *map(str, parts)], check=True)
    tmp_path.chmod(0o755)
    out.chmod(0o644)
    return out


def with_mi(rows):
    """Frames whose top-level message(s) got an integrity status."""
    return {n: r for n, r in rows.items() if r["msturn.integrity.status"]}


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    d = tmp_path_factory.mktemp("integ")
    return {
        "udp": merge(d, "integ-mras-udp.pcap", MRAS, UDP),
        "relay": merge(d, "integ-mras-relay.pcap", MRAS, RELAY),
        "bad": merge(d, "integ-mras-malformed.pcap", MRAS, BAD),
        "tcp": merge(d, "integ-mras-tcp.pcap", MRAS, TCP),
        "late": merge(d, "integ-udp-then-mras.pcap", UDP, MRAS),
    }


# ---------------------------------------------------------------- registration

def test_fields_and_preference_registered(tshark):
    out = tshark.run(["-G", "fields"]).stdout
    names = {line.split("\t")[2] for line in out.splitlines() if line.startswith("F\t")}
    assert {"msturn.integrity.status", "msturn.integrity.key_source", "msturn.expert.integrity_bad"} <= names
    prefs = tshark.run(["-G", "defaultprefs"]).stdout
    assert "msturn.credentials:" in prefs


# ---------------------------------------------------------------- MRAS credentials

@pytest.mark.parametrize("two_pass", [False, True])
def test_mras_home_credentials_verify_allocates(tshark, merged, two_pass):
    rows = with_mi(tshark.by_frame(merged["udp"], FIELDS, two_pass=two_pass))
    assert sorted(rows) == [n + MRAS_FRAMES for n in UDP_MI]
    for n, r in rows.items():
        assert r["msturn.integrity.status"] == "1", (n, r)
        assert r["msturn.integrity.key_source"] == "MRAS response in frame 5", (n, r)
        assert not any("MESSAGE-INTEGRITY" in e for e in as_list(r["_ws.expert.message"])), (n, r)


@pytest.mark.parametrize("two_pass", [False, True])
def test_flipped_mi_is_bad(tshark, merged, two_pass):
    rows = with_mi(tshark.by_frame(merged["bad"], FIELDS, two_pass=two_pass))
    flipped = 14 + MRAS_FRAMES
    assert rows[flipped]["msturn.integrity.status"] == "2"
    assert rows[flipped]["msturn.integrity.key_source"] == "MRAS response in frame 5"
    assert any(e.startswith("MESSAGE-INTEGRITY does not verify with the MRAS credentials")
               for e in as_list(rows[flipped]["_ws.expert.message"]))
    # Every other signed message of the file verifies.
    assert all(r["msturn.integrity.status"] == "1" for n, r in rows.items() if n != flipped)
    assert len(tshark.fields(merged["bad"], ["frame.number"], "msturn.expert.integrity_bad",
                             two_pass=two_pass)) == 1
    detail = tshark.run(["-n", "-r", tshark.capture(merged["bad"]), "-V", "-Y", "msturn.expert.integrity_bad"]
                        + (["-2"] if two_pass else [])).stdout
    assert "Expert Info (Warning/Checksum): MESSAGE-INTEGRITY does not verify" in detail
    assert "[Integrity Status: Bad (2)]" in detail


@pytest.mark.parametrize("two_pass", [False, True])
def test_relay_send_requests_use_the_remembered_realm(tshark, merged, two_pass):
    rows = tshark.by_frame(merged["relay"], FIELDS, two_pass=two_pass)
    signed = with_mi(rows)
    assert sorted(signed) == [n + MRAS_FRAMES for n in RELAY_MI]
    for n in RELAY_SEND_MI:
        r = rows[n + MRAS_FRAMES]
        assert as_list(r["msturn.type"])[0] == "0x0004", (n, r)  # Send Request
        assert not r["msturn.attr.realm"], (n, r)               # ... without REALM
        assert r["msturn.integrity.status"] == "1", (n, r)
        assert r["msturn.integrity.key_source"] == "MRAS response in frame 11", (n, r)
    # Set Active Destination (no REALM either) and all the rest verify too.
    assert all(r["msturn.integrity.status"] == "1" for r in signed.values())


def test_tcp_two_messages_in_one_segment(tshark, merged):
    for two_pass in (False, True):
        rows = with_mi(tshark.by_frame(merged["tcp"], FIELDS, two_pass=two_pass))
        assert sorted(rows) == [n + MRAS_FRAMES for n in TCP_MI]
        # Frame 11: two framed Send Requests, each checked on its own.
        assert as_list(rows[11 + MRAS_FRAMES]["msturn.integrity.status"]) == ["1", "1"]
        assert all(set(as_list(r["msturn.integrity.status"])) == {"1"} for r in rows.values())


@pytest.mark.parametrize("two_pass", [False, True])
def test_mras_after_the_messages_does_not_count(tshark, merged, two_pass):
    """The first pass decides: MRAS in a later frame verifies nothing, with
    or without -2 (same result both ways)."""
    rows = with_mi(tshark.by_frame(merged["late"], FIELDS, two_pass=two_pass))
    assert sorted(rows) == UDP_MI
    assert all(r["msturn.integrity.status"] == "0" and not r["msturn.integrity.key_source"]
               for r in rows.values())


# ---------------------------------------------------------------- no credentials / preference

@pytest.mark.parametrize("two_pass", [False, True])
def test_no_credentials_not_verified(tshark, two_pass):
    rows = with_mi(tshark.by_frame(UDP, FIELDS, two_pass=two_pass))
    assert sorted(rows) == UDP_MI
    for r in rows.values():
        assert r["msturn.integrity.status"] == "0"
        assert not r["msturn.integrity.key_source"]


@pytest.mark.parametrize("two_pass", [False, True])
def test_preference_credentials(tshark, two_pass):
    rows = with_mi(tshark.by_frame(UDP, FIELDS, two_pass=two_pass, extra=pref([CORP, HOME])))
    assert sorted(rows) == UDP_MI
    for r in rows.values():
        assert r["msturn.integrity.status"] == "1"
        assert r["msturn.integrity.key_source"] == "preference msturn.credentials"


def test_preference_sha1(tshark):
    """MS-Version 2: 20-byte HMAC-SHA1 MESSAGE-INTEGRITY (msturn-bwm.pcap)."""
    extra = ["-o", f"msturn.credentials:{HOME[0]}:{HOME[1]},{LYNC2010[0]}:{LYNC2010[1]}"]
    rows = with_mi(tshark.by_frame(BWM, FIELDS, extra=extra))
    assert sorted(rows) == BWM_MI
    assert all(r["msturn.integrity.status"] == "1" for r in rows.values())


def test_preference_wrong_password_is_bad(tshark):
    rows = with_mi(tshark.by_frame(UDP, FIELDS, extra=pref([(HOME[0], CORP[1])])))
    assert sorted(rows) == UDP_MI
    for r in rows.values():
        assert r["msturn.integrity.status"] == "2"
        assert any("preference msturn.credentials" in e for e in as_list(r["_ws.expert.message"]))


@pytest.mark.parametrize("creds", [[], [HOME]])
def test_malformed_mi(tshark, tmp_path, creds):
    """A 31-byte MESSAGE-INTEGRITY (neither SHA-1 nor SHA-256): status 3,
    credentials or not. Built from msturn-udp-allocate.pcap frame 5."""
    from scapy.all import IP, UDP as ScapyUDP, Ether, rdpcap, wrpcap
    msg = bytearray(bytes(rdpcap(str(UDP))[4][ScapyUDP].payload))
    assert msg[-36:-32] == bytes([0x00, 0x08, 0x00, 0x20])     # MESSAGE-INTEGRITY, 32 bytes, last
    msg = msg[:-1]                                              # value now 31 bytes
    msg[-32] = 31                                               # MI length 31
    assert msg[-35:-31] == bytes([0x00, 0x08, 0x00, 31])
    msg[2:4] = (len(msg) - 20).to_bytes(2, "big")               # message Length
    pcap = tmp_path / f"integ-mi31-{len(creds)}.pcap"
    wrpcap(str(pcap), [Ether() / IP(src="192.168.1.20", dst="203.0.113.10") /
                       ScapyUDP(sport=50012, dport=3478) / bytes(msg)])
    tmp_path.chmod(0o755)
    pcap.chmod(0o644)
    r = tshark.by_frame(pcap, FIELDS, extra=pref(creds) if creds else ())[1]
    assert r["msturn.integrity.status"] == "3"
    assert not r["msturn.integrity.key_source"]


def test_preference_garbage_is_ignored(tshark):
    extra = ["-o", "msturn.credentials:not-base64 :: a:b:c ,," + HOME[0]]
    rows = with_mi(tshark.by_frame(UDP, FIELDS, extra=extra))
    assert sorted(rows) == UDP_MI
    assert all(r["msturn.integrity.status"] == "0" for r in rows.values())
