# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark tests of the SIP diagnostics and location headers (msice.diag.*, msice.location, msice.subnet).

Expected values come from captures/README.md (the SIP messages the generator wrote) and
shared/specs/sip-diagnostics.md (the code-23 application-sharing sample, the ICEWarn table 3.1).
"""
import re

from conftest import CAPTURES, strip_truncation_marker

LYNC = CAPTURES / "sip-lync2013-call.pcap"
CALL1 = "0557ba280e184288760c0d17d70b5231"
CALL2 = "ed1a8d9e5c1d417f2ed01e576ffe3201"
DIAG_HEADERS = ("ms-client-diagnostics", "ms-diagnostics", "ms-diagnostics-public", "ms-endpoint-location-data",
                "ms-subnet")

ICEWARN_BITS = ["turn_unreachable", "udp_alloc_failed", "udp_send_failed", "tcp_alloc_failed", "tcp_send_failed",
                "local_failed", "udp_nat_failed", "udp_turn_failed", "tcp_nat_failed", "tcp_turn_failed"]

REASON_23 = ("Call failed to establish due to a media connectivity failure when one endpoint is internal and "
             "the other is remote")
DIAG_23 = ('23;reason="' + REASON_23 + '";CallerMediaDebug="application-sharing:ICEWarn=0x4000320,'
           'LocalSite=10.0.0.5:20702, LocalMR=203.0.113.20:54829,RemoteSite=, RemoteMR=198.51.100.20:51184, '
           'PortRange=1025:65000,LocalMRTCPPort=54829, RemoteMRTCPPort=51184,LocalLocation=1, RemoteLocation=2,'
           'FederationType=0"')


def as_list(v):
    return v if isinstance(v, list) else ([v] if v else [])


def lync_frame(tshark, frame, fields, two_pass=False):
    return tshark.by_frame(LYNC, fields, f"frame.number == {frame}", two_pass)[frame]


# ---------------------------------------------------------------- registration

def test_fields_registered(tshark):
    out = tshark.run(["-G", "fields"]).stdout
    names = {line.split("\t")[2] for line in out.splitlines() if line.startswith("F\t")}
    wanted = ["msice.diag.header", "msice.diag.code", "msice.diag.subcode", "msice.diag.reason",
              "msice.diag.source", "msice.diag.media_debug", "msice.diag.media", "msice.diag.icewarn",
              "msice.diag.local_site", "msice.diag.remote_site", "msice.diag.local_mr", "msice.diag.remote_mr",
              "msice.diag.port_range", "msice.diag.local_location", "msice.diag.remote_location",
              "msice.diag.federation_type", "msice.diag.interfaces", "msice.diag.kv", "msice.location",
              "msice.subnet", "msice.call_id"] + [f"msice.diag.icewarn.{b}" for b in ICEWARN_BITS]
    assert [f for f in wanted if f not in names] == []


# ---------------------------------------------------------------- Lync 2013 capture

DIAG_FIELDS = ["msice.diag.header", "msice.diag.code", "msice.diag.reason", "msice.diag.media_debug",
               "msice.diag.media", "msice.diag.icewarn", "msice.diag.local_site", "msice.diag.remote_site",
               "msice.diag.port_range", "msice.diag.local_location", "msice.diag.remote_location",
               "msice.diag.federation_type", "msice.location", "msice.call_id"]


def test_lync_200ok_client_diagnostics(tshark):
    """Frame 10: 200 OK (reassembled over TCP) with ms-client-diagnostics 51007 and the location header."""
    for two_pass in (False, True):
        r = lync_frame(tshark, 10, DIAG_FIELDS + ["msice.diag.icewarn.local_failed"], two_pass)
        assert as_list(r["msice.diag.header"]) == ["ms-client-diagnostics", "ms-endpoint-location-data"]
        assert r["msice.diag.code"] == "51007"
        assert r["msice.diag.reason"] == "Callee media connectivity diagnosis info"
        assert r["msice.diag.media_debug"] == "callee"
        assert r["msice.diag.media"] == "audio"
        assert r["msice.diag.icewarn"] == "0x00000000"
        assert r["msice.diag.icewarn.local_failed"] == "0"
        assert r["msice.diag.local_site"] == "10.10.40.52:30112"
        assert r["msice.diag.remote_site"] == "10.10.20.31:21346"
        assert r["msice.diag.port_range"] == "1025:65000"
        assert r["msice.diag.local_location"] == "2"
        assert r["msice.diag.remote_location"] == "2"
        assert r["msice.diag.federation_type"] == "0"
        assert r["msice.location"] == "Intranet"
        # one Call-ID under the diagnostics header, one from the SDP body
        assert as_list(r["msice.call_id"]) == [CALL1] * 2


def test_lync_200ok_tree(tshark):
    tree = tshark.run(["-n", "-r", tshark.capture(LYNC), "-Y", "frame.number == 10", "-V"]).stdout
    assert 'Diagnostics Header: ms-client-diagnostics, 51007 "Callee media connectivity diagnosis info"' in tree
    assert "Media Debug: callee (audio)" in tree
    assert "ICEWarn: 0x00000000 (none)" in tree
    assert "Local Location: Intranet (2)" in tree
    assert "Federation Type: none (0)" in tree
    assert "Client reports ICE problems" not in tree   # ICEWarn 0: no warning
    assert "Unrecognised SIP header (ms-client-diagnostics)" not in tree
    assert "Unrecognised SIP header (ms-endpoint-location-data)" not in tree


def test_lync_bye_client_diagnostics(tshark):
    """Frame 15: BYE with ms-client-diagnostics 51004, no MediaDebug."""
    r = lync_frame(tshark, 15, DIAG_FIELDS)
    assert r["msice.diag.header"] == "ms-client-diagnostics"
    assert r["msice.diag.code"] == "51004"
    assert r["msice.diag.reason"] == "Action initiated by user"
    assert r["msice.diag.media_debug"] == ""
    assert r["msice.diag.icewarn"] == ""
    assert r["msice.call_id"] == CALL1


def test_lync_location_headers(tshark):
    """ms-endpoint-location-data and ms-subnet: INVITEs 4 and 18 (both), 183 (7), 200 OKs 10 and 23."""
    rows = tshark.by_frame(LYNC, ["msice.location", "msice.subnet", "msice.diag.header"],
                           "msice.location || msice.subnet")
    assert sorted(rows) == [4, 7, 10, 18, 23]
    for f in (4, 7, 10, 18):
        assert rows[f]["msice.location"] == "Intranet"
    assert rows[23]["msice.location"] == "Internet"
    assert rows[4]["msice.subnet"] == "10.10.20.0"
    assert rows[18]["msice.subnet"] == "10.10.20.0"
    assert rows[7]["msice.subnet"] == ""
    assert as_list(rows[4]["msice.diag.header"]) == ["ms-subnet", "ms-endpoint-location-data"]


def test_lync_location_feeds_the_call_model(tshark):
    """The location headers reach the per-call model: call 2's callee (frame 23) is on the Internet."""
    out = tshark.run(["-n", "-r", tshark.capture(LYNC), "-q", "-z", "msice,calls"]).stdout
    sections = {m.group(1): m.group(2) for m in re.finditer(r"Call-ID: (\S+)\n(.*?)(?=\nCall-ID: |\Z)", out, re.S)}
    assert "Scenario: inside <-> inside" in sections[CALL1]
    assert "Scenario: inside <-> outside" in sections[CALL2]


def test_lync_no_malformed(tshark):
    rows = tshark.by_frame(LYNC, ["_ws.expert.message"], "_ws.expert.group == \"Malformed\" && msice.diag.header")
    assert rows == {}


# ---------------------------------------------------------------- the code-23 application-sharing sample

def sip_bye(tmp_path, diag_value, name="diag.pcap", extra_headers=""):
    """A BYE over UDP with the diagnostics header before Call-ID and To (the scanner looks both ways)."""
    from scapy.all import IP, UDP, Ether, wrpcap
    msg = ("BYE sip:bob@contoso.com;gruu SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK23\r\n"
           "From: \"Alice\" <sip:alice@contoso.com>;tag=a1\r\n"
           "Max-Forwards: 70\r\n"
           f"ms-client-diagnostics: {diag_value}\r\n"
           f"{extra_headers}"
           "To: <sip:bob@contoso.com>;tag=b2\r\n"
           "Call-ID: diag-23@contoso\r\n"
           "CSeq: 3 BYE\r\n"
           "Content-Length: 0\r\n\r\n")
    pcap = tmp_path / name
    wrpcap(str(pcap), [Ether() / IP(src="10.0.0.5", dst="10.0.0.10") / UDP(sport=5060, dport=5060) / msg.encode()])
    pcap.chmod(0o644)
    return pcap


def test_sample_23_fields(tshark, tmp_path):
    pcap = sip_bye(tmp_path, DIAG_23, extra_headers="ms-endpoint-location-data: NetworkScope;"
                   "ms-media-location-type=Internet\r\nms-subnet: 10.0.0.0\r\n")
    fields = ["msice.diag.code", "msice.diag.reason", "msice.diag.media_debug", "msice.diag.media",
              "msice.diag.icewarn", "msice.diag.icewarn.unknown", "msice.diag.local_site", "msice.diag.remote_site",
              "msice.diag.local_mr", "msice.diag.remote_mr", "msice.diag.port_range",
              "msice.diag.local_mr_tcp_port", "msice.diag.remote_mr_tcp_port", "msice.diag.local_location",
              "msice.diag.remote_location", "msice.diag.federation_type", "msice.diag.kv", "msice.call_id",
              "msice.location", "msice.subnet"] + [f"msice.diag.icewarn.{b}" for b in ICEWARN_BITS]
    for two_pass in (False, True):
        r = tshark.by_frame(pcap, fields, two_pass=two_pass)[1]
        assert r["msice.diag.code"] == "23"
        assert r["msice.diag.reason"] == REASON_23
        assert r["msice.diag.media_debug"] == "caller"
        assert r["msice.diag.media"] == "application-sharing"
        assert r["msice.diag.icewarn"] == "0x04000320"
        # 0x320 = local + TCP NAT + TCP TURN (sip-diagnostics.md 3.1); 0x4000000 has no published name
        set_bits = {"local_failed", "tcp_nat_failed", "tcp_turn_failed"}
        for b in ICEWARN_BITS:
            assert r[f"msice.diag.icewarn.{b}"] == ("1" if b in set_bits else "0"), b
        assert r["msice.diag.icewarn.unknown"] == "0x04000000"
        assert r["msice.diag.local_site"] == "10.0.0.5:20702"
        assert r["msice.diag.remote_site"] == ""          # "RemoteSite=": present, empty
        assert r["msice.diag.local_mr"] == "203.0.113.20:54829"
        assert r["msice.diag.remote_mr"] == "198.51.100.20:51184"
        assert r["msice.diag.port_range"] == "1025:65000"
        assert r["msice.diag.local_mr_tcp_port"] == "54829"
        assert r["msice.diag.remote_mr_tcp_port"] == "51184"
        assert r["msice.diag.local_location"] == "1"
        assert r["msice.diag.remote_location"] == "2"
        assert r["msice.diag.federation_type"] == "0"
        assert r["msice.diag.kv"] == ""
        # the Call-ID comes after the header; with -2 the call-analysis postdissector may add its own
        assert set(as_list(r["msice.call_id"])) == {"diag-23@contoso"}
        assert r["msice.location"] == "Internet"
        assert r["msice.subnet"] == "10.0.0.0"
    # RemoteSite is there even though its value is empty
    assert tshark.by_frame(pcap, ["frame.number"], "msice.diag.remote_site") != {}


def test_sample_23_experts(tshark, tmp_path):
    pcap = sip_bye(tmp_path, DIAG_23)
    tree = tshark.run(["-n", "-r", tshark.capture(pcap), "-V"]).stdout
    assert ("Expert Info (Warning/Protocol): Client reports ICE problems: local (direct) connectivity failed, "
            "TCP NAT connectivity failed, TCP TURN connectivity failed, unknown bits 0x4000000 "
            "(caller application-sharing)") in tree
    assert f"Expert Info (Warning/Protocol): Media connectivity failure (23): {REASON_23}" in tree
    assert "ICEWarn: 0x04000320 (local (direct) connectivity failed" in tree
    assert "..1. .... = Local (direct) connectivity failed: Set" in tree
    assert "Unknown bits: 0x04000000" in tree
    assert "Malformed" not in tree
    rows = tshark.by_frame(pcap, ["msice.diag.code"], "msice.expert.icewarn && msice.expert.media_failure")
    assert list(rows) == [1]


def test_sample_23_reaches_the_call_model(tshark, tmp_path):
    """The diagnostics reach the per-call model: with -2 the call analysis (findings postdissector) reports
    the code, the media label and the ICEWarn of the CallerMediaDebug."""
    pcap = sip_bye(tmp_path, DIAG_23)
    tree = tshark.run(["-2", "-n", "-r", tshark.capture(pcap), "-V"]).stdout
    assert "application-sharing (ICEWarn 0x4000320)" in tree


def test_bad_values_raise_malformed_experts(tshark, tmp_path):
    pcap = sip_bye(tmp_path, '23;reason="x";CallerMediaDebug="audio:ICEWarn=0xZZ,LocalSite=10.0.0.5"', "bad.pcap")
    rows = tshark.by_frame(pcap, ["msice.diag.code", "msice.diag.kv", "msice.diag.icewarn"],
                           "msice.expert.diag_bad_icewarn && msice.expert.diag_bad_address")
    assert rows[1]["msice.diag.code"] == "23"
    assert rows[1]["msice.diag.kv"] == "ICEWarn=0xZZ"   # not a number: shown as written
    assert rows[1]["msice.diag.icewarn"] == ""
    pcap = sip_bye(tmp_path, '51004;reason="never closed', "open.pcap")
    assert list(tshark.by_frame(pcap, ["msice.diag.reason"], "msice.expert.diag_unterminated_quote")) == [1]


def strip_header_children(text, names=DIAG_HEADERS):
    """-V text without the subtrees of the given SIP headers (the lines indented below them)."""
    out, skip_indent = [], None
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if skip_indent is not None:
            if indent > skip_indent:
                continue
            skip_indent = None
        body = strip_truncation_marker(line.strip())
        if any(body.lower().startswith(n + ":") for n in names):
            skip_indent = indent
        out.append(line)
    return "\n".join(out)


def test_sip_output_otherwise_unchanged(tshark, tmp_path):
    """SIP's own tree, fields and columns are as in stock Wireshark; only the subtrees of the five headers differ
    (stock: the "Unrecognised SIP header" note; msice: the decoded header)."""
    pcap = sip_bye(tmp_path, DIAG_23, extra_headers="ms-endpoint-location-data: NetworkScope;"
                   "ms-media-location-type=Internet\r\nms-subnet: 10.0.0.0\r\n"
                   "ms-diagnostics: 1034.2;reason=\"Previous hop did not report\";source=\"sip.contoso.com\"\r\n"
                   "ms-diagnostics-public: 1034;reason=\"Previous hop did not report\"\r\n"
                   "X-Other: kept\r\n")
    args = ["-n", "-r", tshark.capture(pcap), "-V", "-O", "sip"]
    ours = tshark.run(args).stdout
    stock = tshark.run(args, stock=True).stdout
    assert strip_header_children(ours) == strip_header_children(stock)
    assert "Unrecognised SIP header (ms-" in stock
    assert "Unrecognised SIP header (ms-" not in ours
    fields = ["sip.Method", "sip.Status-Code", "sip.Call-ID", "sip.from.user", "sip.to.user", "sip.CSeq",
              "sip.msg_hdr", "_ws.col.Protocol"]
    assert tshark.fields(pcap, fields + ["_ws.col.Info"]) == tshark.fields(pcap, fields + ["_ws.col.Info"], stock=True)
    # (the Lync capture's Info column also carries msice's SDP summary, so it is left out there)
    assert tshark.fields(LYNC, fields) == tshark.fields(LYNC, fields, stock=True)
    # other unknown headers keep their stock note
    assert "Unrecognised SIP header (x-other)" in tshark.run(["-n", "-r", tshark.capture(pcap), "-V"]).stdout
    r = tshark.by_frame(pcap, ["msice.diag.header", "msice.diag.code", "msice.diag.subcode", "msice.diag.source"])[1]
    assert as_list(r["msice.diag.header"]) == ["ms-client-diagnostics", "ms-endpoint-location-data", "ms-subnet",
                                               "ms-diagnostics", "ms-diagnostics-public"]
    assert as_list(r["msice.diag.code"]) == ["23", "1034", "1034"]
    assert r["msice.diag.subcode"] == "2"
    assert r["msice.diag.source"] == "sip.contoso.com"
