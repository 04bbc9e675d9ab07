# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark tests of the mras protocol (MRAS bodies in SIP SERVICE / 200 OK).

Every expected value comes from captures/README.md (what the generator put
on the wire): sip-mras.pcap (three exchanges over SIP/TCP) and
sip-malformed.pcap (frames 14-18: wrong namespace, unclosed tag, truncated
body). The MRAS tree sits inside SIP's message body, so the tests read it
from `-T json --no-duplicate-keys` (per-relay grouping) or `-T fields`.
"""
import base64
import datetime
import json
import re
import struct
from pathlib import Path

import pytest

from conftest import CAPTURES

MRAS = CAPTURES / "sip-mras.pcap"
BAD = CAPTURES / "sip-malformed.pcap"

MRAS_NS = "http://schemas.microsoft.com/2006/09/sip/mrasp"
FRANK = "sip:frank@contoso.com"
FRANK_MRAS = "sip:frank@contoso.com;gruu;opaque=srvr:MRAS:1UMdL7DXLnilzFdXzZtCCPAA"
ALICE = "sip:alice@contoso.com"
ALICE_MRAS = "sip:alice@contoso.com;gruu;opaque=srvr:MRAS:XAkPoJCZeOumkI9yB-Vu_WAA"
# Credentials table of captures/README.md.
HOME = ("AgAAJAX48eDYqM8TXeBJ8p+q659tjQdqhaIqEH3eZ72AkqyRAAAAAFKWkW+1oveO6HC/zrS62PM=",
        "ZOl5AThhu7Iw/RHHDhROBFEQocg=")
CORP = ("AgAAJHcIWCOPTfFInzSw2XcGsti7vGutDsalI41raRNY4yZeAAAAAEL6P9BWIUz4HqWEbD/0x+w=",
        "7I+DYcNIxo65qRaPnn3oNdvIRf8=")

DESIGN_FIELDS = [
    "mras.request_id", "mras.identity", "mras.location", "mras.duration", "mras.username",
    "mras.password", "mras.reason", "mras.relay.location", "mras.relay.hostname", "mras.relay.address",
    "mras.relay.udp_port", "mras.relay.tcp_port",
]
MORE_FIELDS = [
    "mras.kind", "mras.version", "mras.server_version", "mras.from", "mras.to", "mras.route",
    "mras.credentials_request_id", "mras.realm", "mras.namespace", "mras.credentials", "mras.relay",
    "mras.response_in", "mras.response_to", "mras.time", "mras.expires", "mras.username_decoded",
]

# Expert severities and groups as tshark prints them (epan/proto.h).
PI_CHAT, PI_NOTE, PI_WARN, PI_ERROR = 0x00200000, 0x00400000, 0x00600000, 0x00800000
PI_SEQUENCE, PI_RESPONSE_CODE, PI_MALFORMED, PI_PROTOCOL, PI_SECURITY = (
    0x02000000, 0x03000000, 0x07000000, 0x09000000, 0x0a000000)

SECRET = ("This capture holds MRAS relay credentials (user name and password): "
          "treat it as secret before sharing it")


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def mras_trees(tshark, capture, frame, two_pass=True, extra=()):
    """The `mras` JSON objects of one frame (one per MRAS body)."""
    args = ["-n", "-r", tshark.capture(capture), "-T", "json", "--no-duplicate-keys",
            "-Y", f"frame.number == {frame}", *extra]
    if two_pass:
        args.append("-2")
    packets = json.loads(tshark.run(args).stdout)
    assert len(packets) == 1, f"frame {frame} not found"
    found = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "mras":
                    found.extend(as_list(v))
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(packets[0]["_source"]["layers"])
    return found


def mras_tree(tshark, capture, frame, two_pass=True, extra=()):
    trees = mras_trees(tshark, capture, frame, two_pass, extra)
    assert len(trees) == 1, f"frame {frame}: {len(trees)} MRAS bodies"
    return trees[0]


def experts(node):
    """(name, message, severity, group) of every mras expert info below node."""
    out = []

    def walk(n):
        if isinstance(n, dict):
            for k, v in n.items():
                if k == "_ws.expert":
                    for e in as_list(v):
                        name = next((x for x in e if x.startswith("mras.expert.")), None)
                        out.append((name, e.get("_ws.expert.message"), int(e.get("_ws.expert.severity", 0)),
                                    int(e.get("_ws.expert.group", 0))))
                else:
                    walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(node)
    return out


def expert_names(node):
    return [e[0] for e in experts(node)]


def credentials(tree):
    return as_list(tree.get("mras.credentials"))


def relays(cred):
    return as_list(cred.get("mras.relay"))


def relay_values(r):
    keys = ["mras.relay.location", "mras.relay.hostname", "mras.relay.address", "mras.relay.udp_port",
            "mras.relay.tcp_port"]
    return tuple(r.get(k) for k in keys)


# ---------------------------------------------------------------- registration

def test_fields_are_registered(tshark):
    out = tshark.run(["-G", "fields"]).stdout
    names = {line.split("\t")[2] for line in out.splitlines() if line.startswith("F\t")}
    missing = [f for f in DESIGN_FIELDS + MORE_FIELDS if f not in names]
    assert not missing, f"mras fields not registered: {missing}"
    types = {line.split("\t")[2]: line.split("\t")[3] for line in out.splitlines() if line.startswith("F\t")}
    assert types["mras.duration"] == "FT_UINT32"
    assert types["mras.relay.udp_port"] == "FT_UINT16"
    assert types["mras.relay.tcp_port"] == "FT_UINT16"
    assert types["mras.response_in"] == types["mras.response_to"] == "FT_FRAMENUM"
    assert types["mras.time"] == "FT_RELATIVE_TIME"
    assert types["mras.expires"] == "FT_ABSOLUTE_TIME"
    for f in ["mras.request_id", "mras.username", "mras.password", "mras.relay.hostname", "mras.reason"]:
        assert types[f] == "FT_STRING"
    protos = [line.split("\t") for line in out.splitlines() if line.startswith("P\t")]
    assert ["P", "Microsoft Media Relay Authentication Service (MRAS)", "mras"] in protos


def test_expert_infos_are_registered(tshark):
    out = tshark.run(["-G", "fields"]).stdout
    names = {line.split("\t")[2] for line in out.splitlines() if line.startswith("F\t")}
    for e in ["empty", "too_large", "nul_byte", "not_xml", "bad_utf8", "xml_error", "truncated", "too_deep",
              "too_many_elements", "too_many_attributes", "value_too_long", "too_many_credentials",
              "too_many_relays", "unknown_root", "wrong_namespace", "refused", "refused_retry",
              "reason_unknown", "missing_attribute", "no_credentials_request", "no_credentials",
              "credentials_incomplete", "no_relays", "relay_no_address", "relay_two_addresses", "relay_no_port",
              "relay_no_location", "unknown_location", "bad_port", "bad_duration", "request_id_mismatch",
              "credentials_request_id_mismatch", "duration_shortened", "secret", "expiry"]:
        assert f"mras.expert.{e}" in names, e


def test_show_password_preference_default(tshark):
    out = tshark.run(["-G", "defaultprefs"]).stdout
    assert "#mras.show_password: TRUE" in out


# ---------------------------------------------------------------- sip-mras.pcap

def test_only_sip_bodies_are_mras(tshark):
    rows = tshark.by_frame(MRAS, ["mras.kind", "_ws.col.Protocol"], dfilter="mras", two_pass=True)
    assert sorted(rows) == [4, 5, 7, 8, 10, 11]
    assert [rows[f]["mras.kind"] for f in (4, 7, 10)] == ["request"] * 3
    assert [rows[f]["mras.kind"] for f in (5, 8, 11)] == ["response"] * 3
    assert all(r["_ws.col.Protocol"] == "SIP/MRAS" for r in rows.values())


def test_info_column_appends_to_sip(tshark):
    rows = tshark.by_frame(MRAS, ["_ws.col.Info"], dfilter="mras")
    info = {f: r["_ws.col.Info"] for f, r in rows.items()}
    assert info[4] == (f"Unknown request: SERVICE {FRANK_MRAS} | "
                       f"MRAS request: credentials for {FRANK} (internet, 480 min)")
    assert info[5] == ("Status: 200 OK (SERVICE) | MRAS response OK: 2 relays "
                       "(10.10.1.5:3478/443, av.contoso.com:3478/443), credentials 480 min")
    assert info[7].endswith(f" | MRAS request: credentials for {FRANK} (intranet, 480 min)")
    assert info[8] == "Status: 200 OK (SERVICE) | MRAS response Server Busy: no credentials"
    assert info[10].endswith(f" | MRAS request: credentials for {FRANK} (internet, 480 min)")
    assert info[11] == ("Status: 200 OK (SERVICE) | MRAS response OK: 2 relays "
                        "(10.10.1.5:-/-, av.contoso.com:3478/443), credentials 480 min")


@pytest.mark.parametrize("frame,request_id,location", [(4, "90835", "internet"), (7, "61754", "intranet"),
                                                       (10, "97593", "internet")])
def test_request_values(tshark, frame, request_id, location):
    t = mras_tree(tshark, MRAS, frame)
    assert t["mras.kind"] == "request"
    assert t["mras.request_id"] == request_id
    assert t["mras.version"] == "1.0"
    assert t["mras.from"] == FRANK
    assert t["mras.to"] == FRANK_MRAS
    assert t["mras.namespace"] == MRAS_NS
    assert "mras.route" not in t and "mras.reason" not in t
    (c,) = credentials(t)
    assert c["mras.credentials_request_id"] == request_id
    assert c["mras.identity"] == FRANK
    assert c["mras.location"] == location
    assert c["mras.duration"] == "480"
    assert experts(t) == []


def test_response_ok_home_credentials_and_two_relays(tshark):
    t = mras_tree(tshark, MRAS, 5)
    assert t["mras.kind"] == "response"
    assert t["mras.request_id"] == "90835"
    assert t["mras.version"] == "1.0"
    assert t["mras.server_version"] == "3.0"
    assert t["mras.to"] == FRANK
    assert t["mras.from"] == FRANK_MRAS
    assert t["mras.reason"] == "OK"
    assert t["mras.namespace"] == MRAS_NS
    (c,) = credentials(t)
    assert c["mras.credentials_request_id"] == "90835"
    assert c["mras.username"] == HOME[0]
    assert c["mras.password"] == HOME[1]
    assert c["mras.duration"] == "480"
    assert "mras.realm" not in c
    assert [relay_values(r) for r in relays(c)] == [
        ("intranet", None, "10.10.1.5", "3478", "443"),
        ("internet", "av.contoso.com", None, "3478", "443"),
    ]
    # The decoded user name is what MS-TURN carries in USERNAME.
    assert bytes.fromhex(c["mras.username_decoded"].replace(":", "")) == base64.b64decode(HOME[0])


def test_response_ok_experts(tshark):
    t = mras_tree(tshark, MRAS, 5)
    ex = experts(t)
    names = [e[0] for e in ex]
    assert sorted(names) == ["mras.expert.expiry", "mras.expert.secret"]
    secret = next(e for e in ex if e[0] == "mras.expert.secret")
    assert secret[1:] == (SECRET, PI_NOTE, PI_SECURITY)
    expiry = next(e for e in ex if e[0] == "mras.expert.expiry")
    assert expiry[1] == "Edge credentials valid for 480 minutes, until Jan 15, 2026 17:00:00.110200000 UTC"
    assert expiry[2:] == (PI_CHAT, PI_SEQUENCE)


def test_expires_is_message_time_plus_granted_minutes(tshark):
    rows = tshark.by_frame(MRAS, ["frame.time_epoch", "mras.expires"], dfilter="mras.expires")
    assert sorted(rows) == [5, 11]
    for r in rows.values():
        t = datetime.datetime.fromtimestamp(float(r["frame.time_epoch"]), datetime.timezone.utc)
        t += datetime.timedelta(minutes=480)
        assert r["mras.expires"] == t.strftime("%b %d, %Y %H:%M:%S.") + r["frame.time_epoch"].split(".")[1] \
            .ljust(9, "0") + " UTC"
    assert rows[5]["mras.expires"] == "Jan 15, 2026 17:00:00.110200000 UTC"
    assert rows[11]["mras.expires"] == "Jan 15, 2026 17:00:07.312000000 UTC"


def test_server_busy_without_credentials(tshark):
    t = mras_tree(tshark, MRAS, 8)
    assert t["mras.request_id"] == "61754"
    assert t["mras.server_version"] == "3.0"
    assert t["mras.reason"] == "Server Busy"
    assert credentials(t) == []
    ex = experts(t)
    assert [e[0] for e in ex] == ["mras.expert.refused_retry"]
    assert ex[0][1] == "MRAS refused the request (Server Busy): no A/V Edge credentials; retry later may work"
    assert ex[0][2:] == (PI_WARN, PI_RESPONSE_CODE)


def test_corp_credentials_and_relay_without_ports(tshark):
    t = mras_tree(tshark, MRAS, 11)
    assert t["mras.request_id"] == "97593"
    assert t["mras.reason"] == "OK"
    (c,) = credentials(t)
    assert c["mras.credentials_request_id"] == "97593"
    assert c["mras.username"] == CORP[0]
    assert c["mras.password"] == CORP[1]
    assert c["mras.duration"] == "480"
    r1, r2 = relays(c)
    assert relay_values(r1) == ("intranet", None, "10.10.1.5", None, None)
    assert relay_values(r2) == ("internet", "av.contoso.com", None, "3478", "443")
    # The expert sits on the relay that lacks the ports, and only there.
    assert expert_names(r1) == ["mras.expert.relay_no_port"]
    assert experts(r1)[0][1:] == ("Media relay 1 has neither udpPort nor tcpPort: the client cannot use it",
                                  PI_WARN, PI_PROTOCOL)
    assert expert_names(r2) == []
    assert sorted(expert_names(t)) == ["mras.expert.expiry", "mras.expert.relay_no_port", "mras.expert.secret"]


@pytest.mark.parametrize("two_pass", [False, True])
def test_request_response_links(tshark, two_pass):
    rows = tshark.by_frame(MRAS, ["mras.response_in", "mras.response_to", "mras.time"], dfilter="mras",
                           two_pass=two_pass)
    for req, resp in [(4, 5), (7, 8), (10, 11)]:
        assert rows[resp]["mras.response_to"] == str(req)
        assert rows[req]["mras.response_to"] == ""
        # The request learns its response only once the capture has been read.
        assert rows[req]["mras.response_in"] == (str(resp) if two_pass else "")
    assert rows[5]["mras.time"] == "0.062000000"
    assert rows[8]["mras.time"] == "0.062000000"
    assert rows[11]["mras.time"] == "0.062000000"


def test_single_and_two_pass_agree(tshark):
    fields = ["mras.kind", "mras.request_id", "mras.reason", "mras.username", "mras.password",
              "mras.relay.location", "mras.relay.hostname", "mras.relay.address", "mras.relay.udp_port",
              "mras.relay.tcp_port", "mras.response_to", "mras.expires", "_ws.expert.message", "_ws.col.Info"]
    for cap in (MRAS, BAD):
        one = tshark.by_frame(cap, fields, dfilter="mras")
        two = tshark.by_frame(cap, fields, dfilter="mras", two_pass=True)
        assert sorted(one) == sorted(two)
        for f in one:
            # Only "never answered" needs the whole capture.
            two_ex = [m for m in as_list(two[f]["_ws.expert.message"]) if "never answered" not in m]
            assert as_list(one[f]["_ws.expert.message"]) == two_ex, f
            for k in fields[:-2]:
                assert one[f][k] == two[f][k], (cap.name, f, k)


def test_secret_note_only_where_a_password_is(tshark):
    rows = tshark.by_frame(MRAS, ["mras.password"], dfilter="mras.expert.secret")
    assert sorted(rows) == [5, 11]


def test_password_hidden_by_preference(tshark):
    rows = tshark.by_frame(MRAS, ["mras.username", "mras.password"], dfilter="mras.password",
                           extra=["-o", "mras.show_password:FALSE"])
    assert sorted(rows) == [5, 11]
    assert rows[5]["mras.password"] == "(hidden)"
    assert rows[11]["mras.password"] == "(hidden)"
    assert rows[5]["mras.username"] == HOME[0]
    assert HOME[1] not in tshark.run(["-n", "-r", tshark.capture(MRAS), "-V", "-Y", "frame.number == 5",
                                      "-o", "mras.show_password:FALSE"]).stdout.split("Message Body")[1]


def test_filters(tshark):
    rows = tshark.by_frame(MRAS, [], dfilter='mras.relay.hostname == "av.contoso.com" && mras.relay.udp_port == 3478')
    assert sorted(rows) == [5, 11]
    rows = tshark.by_frame(MRAS, [], dfilter='mras.reason != "OK"')
    assert sorted(rows) == [8]
    rows = tshark.by_frame(MRAS, [], dfilter="mras.duration == 480 && mras.kind == \"request\"")
    assert sorted(rows) == [4, 7, 10]


def read_pcap(path):
    """Frame bytes by frame number (classic pcap, as make_captures.py writes)."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off, frames, n = 24, {}, 0
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        n += 1
        frames[n] = data[off + 16:off + 16 + incl]
        off += 16 + incl
    return frames


@pytest.mark.parametrize("capture", [MRAS, BAD])
def test_items_highlight_their_own_bytes(tshark, capture):
    """GMarkup has no offsets: each value item must still cover the value's raw text."""
    import xml.etree.ElementTree as ET
    frames = read_pcap(capture)
    out = tshark.run(["-n", "-r", tshark.capture(capture), "-T", "pdml", "-Y", "mras"]).stdout
    checked = 0
    for pkt in ET.fromstring(out).findall("packet"):
        num = int(next(f.get("show") for f in pkt.iter("field") if f.get("name") == "frame.number"))
        raw = frames[num]
        for f in pkt.iter("field"):
            name = f.get("name") or ""
            if not name.startswith("mras.") or name.startswith("mras.expert") or name in (
                    "mras.kind", "mras.credentials", "mras.relay", "mras.response_in", "mras.response_to",
                    "mras.time", "mras.expires", "mras.username_decoded"):
                continue
            pos, size = int(f.get("pos")), int(f.get("size"))
            text = raw[pos:pos + size].decode("utf-8")
            assert text == f.get("show"), (capture.name, num, name, text)
            checked += 1
    assert checked >= (70 if capture == MRAS else 40), checked


# ---------------------------------------------------------------- sip-malformed.pcap

def test_malformed_wrong_namespace_request(tshark):
    t = mras_tree(tshark, BAD, 14)
    assert t["mras.kind"] == "request"
    assert t["mras.request_id"] == "13384"
    assert t["mras.namespace"] == "http://schemas.microsoft.com/2006/09/sip/mras"
    (c,) = credentials(t)
    assert (c["mras.identity"], c["mras.location"], c["mras.duration"]) == (ALICE, "intranet", "480")
    ex = {e[0]: e[1:] for e in experts(t)}
    assert ex["mras.expert.wrong_namespace"] == (
        'MRAS XML in namespace "http://schemas.microsoft.com/2006/09/sip/mras", not '
        f"{MRAS_NS}: the client or server may ignore it", PI_WARN, PI_PROTOCOL)
    # Nothing answers it (needs the whole capture: two passes).
    assert ex["mras.expert.no_response"][1:] == (PI_NOTE, PI_SEQUENCE)
    assert "mras.expert.no_response" not in expert_names(mras_tree(tshark, BAD, 14, two_pass=False))


def test_malformed_context_requests(tshark):
    for frame, rid, loc, resp in [(15, "72882", "intranet", "16"), (17, "15887", "internet", "18")]:
        t = mras_tree(tshark, BAD, frame)
        assert t["mras.request_id"] == rid
        assert t["mras.to"] == ALICE_MRAS
        assert t["mras.response_in"] == resp
        (c,) = credentials(t)
        assert (c["mras.credentials_request_id"], c["mras.identity"], c["mras.location"], c["mras.duration"]) == (
            rid, ALICE, loc, "480")
        assert experts(t) == []


def test_malformed_unclosed_username(tshark):
    t = mras_tree(tshark, BAD, 16)
    assert t["mras.request_id"] == "72882"
    assert t["mras.reason"] == "OK"
    assert t["mras.response_to"] == "15"
    (c,) = credentials(t)
    assert c["mras.credentials_request_id"] == "72882"
    # No credentials are taken from a broken <credentials>.
    assert "mras.username" not in c and "mras.password" not in c
    ex = experts(t)
    assert [e[0] for e in ex] == ["mras.expert.xml_error"]
    msg, sev, grp = ex[0][1:]
    assert re.fullmatch(r"XML does not parse at line 8 column \d+: .*username.*", msg), msg
    assert (sev, grp) == (PI_ERROR, PI_MALFORMED)
    info = tshark.by_frame(BAD, ["_ws.col.Info"], dfilter="frame.number == 16")[16]["_ws.col.Info"]
    assert info == "Status: 200 OK (SERVICE) | MRAS response OK [XML error]"


def test_malformed_truncated_response(tshark):
    t = mras_tree(tshark, BAD, 18)
    assert t["mras.request_id"] == "15887"
    assert t["mras.response_to"] == "17"
    (c,) = credentials(t)
    # What was complete before the cut is decoded: the home set.
    assert (c["mras.username"], c["mras.password"], c["mras.duration"]) == (HOME[0], HOME[1], "480")
    ex = {e[0]: e[1:] for e in experts(t)}
    assert sorted(ex) == ["mras.expert.expiry", "mras.expert.secret", "mras.expert.truncated"]
    msg, sev, grp = ex["mras.expert.truncated"]
    assert msg.startswith("MRAS body ends before the XML document is complete (line 11 column ")
    assert (sev, grp) == (PI_ERROR, PI_MALFORMED)
    # A cut body is not blamed for what it may still have said.
    assert "mras.expert.no_relays" not in ex and "mras.expert.relay_no_port" not in ex


def test_malformed_capture_runs_clean(tshark):
    for two_pass in (False, True):
        args = ["-n", "-r", tshark.capture(BAD), "-V"] + (["-2"] if two_pass else [])
        res = tshark.run(args)
        assert "Dissector bug" not in res.stdout
        assert res.stderr == ""
    rows = tshark.by_frame(BAD, ["mras.kind"], dfilter="mras")
    assert sorted(rows) == [14, 15, 16, 17, 18]


# ---------------------------------------------------------------- fuzz findings

# Issue 13: a mutated MRAS response (the project's own fuzzing of its own captures) in a SIP 200 OK over
# UDP; the body is tests/fuzz/corpus/fuzz_mras/issue13-gerror-over-gerror.xml. Its first bad UTF-8 byte is
# in a comment on line 1, 6th byte after the byte order mark. GLib used to warn "GError set over the top
# of a previous GError" (twice: both passes) and the error was placed on line 9.
ISSUE13 = Path(__file__).resolve().parent / "data" / "issue13-mras-gerror-over-gerror.pcap"
ISSUE13_ERROR = ("XML does not parse at line 1 column 6: invalid UTF-8 sequence starting with byte 0xDD; "
                 "the rest of the body is not read")


@pytest.mark.parametrize("args", [["-V"], ["-V", "-2"], ["-q", "-z", "expert"], ["-T", "json", "-2"]],
                         ids=["one-pass", "two-pass", "z-expert", "json"])
def test_issue13_no_warning_on_stderr(tshark, args):
    res = tshark.run(["-n", "-r", tshark.capture(ISSUE13), *args])
    # Any GLib ("** (tshark:N) ... WARNING") or Wireshark message fails the test.
    assert res.stderr == "", res.stderr
    assert "Dissector bug" not in res.stdout


def test_issue13_xml_error_with_line_and_column(tshark):
    for two_pass in (False, True):
        t = mras_tree(tshark, ISSUE13, 1, two_pass=two_pass)
        assert experts(t) == [("mras.expert.bad_utf8", ISSUE13_ERROR, PI_ERROR, PI_MALFORMED)]
        # Nothing past the bad byte is read: no root, so no kind, credentials or relays.
        assert "mras.kind" not in t and credentials(t) == []
    info = tshark.by_frame(ISSUE13, ["_ws.col.Info"])[1]["_ws.col.Info"]
    assert info == "Status: 200 OK (SERVICE) | MRAS [invalid UTF-8]"
    z = tshark.run(["-n", "-r", tshark.capture(ISSUE13), "-q", "-z", "expert"]).stdout
    assert re.search(r"^\s+1\s+Malformed\s+MRAS\s+" + re.escape(ISSUE13_ERROR) + "$", z, re.M), z
