# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark tests of the msturn protocol over the generated and the real captures.

Every expected value comes from captures/README.md (what the generator put
on the wire) or, for the real captures, from the bytes themselves.
"""
import struct

import pytest

from conftest import CAPTURES

UDP = CAPTURES / "msturn-udp-allocate.pcap"
TCP = CAPTURES / "msturn-tcp.pcap"
RELAY = CAPTURES / "msturn-relay.pcap"
BWM = CAPTURES / "msturn-bwm.pcap"
BAD = CAPTURES / "msturn-malformed.pcap"

DESIGN_FIELDS = [
    "msturn.type", "msturn.method", "msturn.class", "msturn.length", "msturn.transaction_id",
    "msturn.attr.type", "msturn.attr.length", "msturn.attr.realm", "msturn.attr.nonce",
    "msturn.attr.ms_version", "msturn.attr.xor_mapped.ipv4", "msturn.attr.destination.ipv4",
    "msturn.response_in", "msturn.response_to", "msturn.time",
]


def experts(row):
    v = row.get("_ws.expert.message", "")
    return v if isinstance(v, list) else ([v] if v else [])


def as_list(v):
    return v if isinstance(v, list) else ([v] if v else [])


# ---------------------------------------------------------------- registration

def test_design_fields_are_registered(tshark):
    out = tshark.run(["-G", "fields"]).stdout
    names = {line.split("\t")[2] for line in out.splitlines() if line.startswith("F\t")}
    missing = [f for f in DESIGN_FIELDS if f not in names]
    assert not missing, f"fields of DESIGN.md not registered: {missing}"
    protos = {line.split("\t")[2] for line in out.splitlines() if line.startswith("P\t")}
    assert "msturn" in protos


def test_preferences_exist(tshark):
    out = tshark.run(["-G", "defaultprefs"]).stdout
    assert "#msturn.udp.ports: 3478" in out
    assert "#msturn.tcp.ports: 443,3478" in out


# ---------------------------------------------------------------- UDP Allocate

def test_allocate_flow_types_and_info(tshark):
    rows = tshark.by_frame(UDP, ["msturn.type", "msturn.method", "msturn.class", "_ws.col.Info"])
    assert rows[1]["msturn.type"] == "0x0003"
    assert rows[1]["msturn.method"] == "Allocate"
    assert rows[1]["msturn.class"] == "Request"
    assert rows[4]["msturn.type"] == "0x0113"
    assert rows[4]["msturn.class"] == "Error Response"
    assert rows[4]["_ws.col.Info"] == 'Allocate Error 401 Unauthorized realm="rtcmedia"'
    assert rows[6]["_ws.col.Info"] == ("Allocate Response relayed 203.0.113.10:3480 "
                                       "reflexive 192.0.2.77:53121 lifetime=60")
    assert rows[13]["_ws.col.Info"] == 'Allocate Request realm="rtcmedia" lifetime=0 (release)'


def test_401_challenge_values(tshark):
    r = tshark.by_frame(UDP, ["msturn.attr.error_code", "msturn.attr.error.class", "msturn.attr.error.number",
                              "msturn.attr.error.reason", "msturn.attr.realm", "msturn.attr.nonce",
                              "msturn.attr.alternate.ipv4", "msturn.attr.alternate.port",
                              "msturn.attr.length", "msturn.attr.software", "_ws.expert.message"],
                        "frame.number == 4")[4]
    assert r["msturn.attr.error_code"] == "401"
    assert r["msturn.attr.error.class"] == "4"
    assert r["msturn.attr.error.number"] == "1"
    assert r["msturn.attr.error.reason"] == "The request did not contain a Message-Integrity attribute"
    # REALM is 0x0015 and keeps its quotes; NONCE is 0x0014 (swapped vs RFC 5389).
    assert r["msturn.attr.realm"] == '"rtcmedia"'
    assert r["msturn.attr.nonce"] == "632e76f3c54a769d6c685a6b7e6c48a15b04627b"
    assert r["msturn.attr.alternate.ipv4"] == "203.0.113.10"
    assert r["msturn.attr.alternate.port"] == "3478"
    # Unpadded: ERROR-CODE length 61 (4 + 57), REALM 10.
    assert "61" in r["msturn.attr.length"] and "10" in r["msturn.attr.length"]
    assert any("digest challenge" in e for e in experts(r))


def test_allocate_success_addresses(tshark):
    r = tshark.by_frame(UDP, ["msturn.attr.mapped.ipv4", "msturn.attr.mapped.port",
                              "msturn.attr.xor_mapped.ipv4", "msturn.attr.xor_mapped.port",
                              "msturn.attr.lifetime", "msturn.attr.ms_version", "msturn.attr.mux_session_id",
                              "msturn.attr.ms_sequence.connection_id", "msturn.attr.ms_sequence.number"],
                        "frame.number == 6")[6]
    assert (r["msturn.attr.mapped.ipv4"], r["msturn.attr.mapped.port"]) == ("203.0.113.10", "3480")
    # XOR with the message's own transaction id, not 0x2112A442.
    assert (r["msturn.attr.xor_mapped.ipv4"], r["msturn.attr.xor_mapped.port"]) == ("192.0.2.77", "53121")
    assert r["msturn.attr.lifetime"] == "60"
    assert r["msturn.attr.ms_version"] == "6"
    assert r["msturn.attr.mux_session_id"] == "0x77b0d549c7ac98e2"
    assert r["msturn.attr.ms_sequence.connection_id"] == "b111ae1aca3941c96dad87591ea0020cd84dff9c"
    assert r["msturn.attr.ms_sequence.number"] == "0"


def test_ipv6_relays(tshark):
    rows = tshark.by_frame(UDP, ["msturn.attr.mapped.ipv6", "msturn.attr.alt_mapped.ipv6",
                                 "msturn.attr.alt_mapped.port", "msturn.attr.requested_family"])
    assert rows[7]["msturn.attr.requested_family"] == "0x02"
    assert rows[8]["msturn.attr.mapped.ipv6"] == "2001:db8:52:10::a"
    assert rows[10]["msturn.attr.alt_mapped.ipv6"] == "2001:db8:52:10::a"
    assert rows[10]["msturn.attr.alt_mapped.port"] == "3482"


def test_request_response_matching_two_pass(tshark):
    rows = tshark.by_frame(UDP, ["msturn.response_in", "msturn.response_to", "msturn.time",
                                 "msturn.retransmission_of", "_ws.expert.message"], two_pass=True)
    assert rows[1]["msturn.response_in"] == "4"
    assert rows[4]["msturn.response_to"] == "1"
    assert rows[5]["msturn.response_in"] == "6"
    assert rows[6]["msturn.response_to"] == "5"
    assert rows[6]["msturn.time"] == "0.043600000"
    assert rows[3]["msturn.retransmission_of"] == "1"
    assert "Retransmission of the Allocate Request in frame 1" in experts(rows[3])
    assert any("never answered" in e for e in experts(rows[2]))
    # Answered requests are not flagged.
    for f in (1, 5, 7, 9, 11, 13):
        assert not any("never answered" in e for e in experts(rows[f])), f


def test_single_pass_links_responses_and_flags_retransmission(tshark):
    rows = tshark.by_frame(UDP, ["msturn.response_to", "msturn.time", "msturn.retransmission_of"])
    assert rows[6]["msturn.response_to"] == "5"
    assert rows[6]["msturn.time"] == "0.043600000"
    assert rows[3]["msturn.retransmission_of"] == "1"


def test_short_sequence_number_form(tshark):
    r = tshark.by_frame(UDP, ["msturn.attr.ms_sequence.number", "msturn.attr.ms_sequence.connection_id",
                              "_ws.expert.message"], "frame.number == 13")[13]
    assert r["msturn.attr.ms_sequence.number"] == "1"
    assert r["msturn.attr.ms_sequence.connection_id"] == ""
    assert not experts(r)


def test_service_quality(tshark):
    rows = tshark.by_frame(UDP, ["msturn.attr.service_quality.stream_type",
                                 "msturn.attr.service_quality.quality", "msturn.attr.bandwidth"])
    assert rows[1]["msturn.attr.service_quality.stream_type"] == "1"
    assert rows[1]["msturn.attr.service_quality.quality"] == "0"
    assert rows[1]["msturn.attr.bandwidth"] == "12000"
    relay = tshark.by_frame(RELAY, ["msturn.attr.service_quality.stream_type",
                                    "msturn.attr.service_quality.quality"], "frame.number == 1")[1]
    assert relay["msturn.attr.service_quality.stream_type"] == "2"
    assert relay["msturn.attr.service_quality.quality"] == "2"


# ---------------------------------------------------------------- relay

def test_send_request_carries_decoded_binding_request(tshark):
    r = tshark.by_frame(RELAY, ["msturn.type", "msturn.attr.destination.ipv4", "msturn.attr.destination.port",
                                "stun.type", "stun.att.username", "stun.att.priority", "msturn.relayed",
                                "_ws.col.Info"], "frame.number == 5")[5]
    assert r["msturn.type"] == "0x0004"
    assert (r["msturn.attr.destination.ipv4"], r["msturn.attr.destination.port"]) == ("198.51.100.23", "50062")
    assert r["stun.type"] == "0x0001"
    assert r["stun.att.username"] == "pR2u:Qx7d"
    assert r["msturn.relayed"] == "Binding Request"
    assert r["_ws.col.Info"] == "Send Request to 198.51.100.23:50062 [Binding Request]"


def test_data_indication_with_random_txid(tshark):
    r = tshark.by_frame(RELAY, ["msturn.type", "msturn.transaction_id", "msturn.attr.remote.ipv4",
                                "msturn.attr.remote.port", "stun.att.username", "_ws.col.Info"],
                        "frame.number == 6")[6]
    assert r["msturn.type"] == "0x0115"
    assert r["msturn.transaction_id"] == "24a86383d9083030ea46f45e37496087"
    assert (r["msturn.attr.remote.ipv4"], r["msturn.attr.remote.port"]) == ("198.51.100.23", "50062")
    assert r["stun.att.username"] == "Qx7d:pR2u"
    assert r["_ws.col.Info"] == "Data Indication from 198.51.100.23:50062 [Binding Request]"


def test_relayed_binding_response_xor_mapped(tshark):
    r = tshark.by_frame(RELAY, ["stun.att.ipv4", "stun.att.port", "stun.type"], "frame.number == 8")[8]
    assert r["stun.type"] == "0x0101"
    assert (r["stun.att.ipv4"], r["stun.att.port"]) == ("203.0.113.20", "3480")


def test_relayed_media(tshark):
    rows = tshark.by_frame(RELAY, ["rtp.ssrc", "rtp.seq", "rtp.p_type", "rtcp.pt", "msturn.relayed"])
    assert rows[13]["rtp.ssrc"] == "0x3c41d2a7" and rows[13]["rtp.seq"] == "11872"
    assert rows[13]["rtp.p_type"] == "0"
    assert rows[14]["rtp.ssrc"] == "0x91e0675b"
    assert rows[19]["msturn.relayed"] == "RTCP"
    assert "200" in as_list(rows[19]["rtcp.pt"])


def test_rtp_streams_see_relayed_media(tshark):
    out = tshark.run(["-n", "-q", "-r", tshark.capture(RELAY), "-z", "rtp,streams"]).stdout
    streams = {line.split()[6]: line.split() for line in out.splitlines() if " 0x" in line}
    # 3 packets inside Send/Data Indication DATA + 2 over multiplexed TURN, each way.
    assert streams["0x3C41D2A7"][8] == "5" and streams["0x91E0675B"][8] == "5"
    assert streams["0x3C41D2A7"][7] == "g711U"


def test_multiplexed_turn(tshark):
    rows = tshark.by_frame(RELAY, ["msturn.mux.channel", "msturn.mux.session_id", "msturn.mux.allocation_in",
                                   "stun.type", "rtp.ssrc", "_ws.col.Info"])
    assert rows[20]["msturn.mux.channel"] == "0xff10"
    assert rows[20]["msturn.mux.session_id"] == "0xc7fe69466a845313"
    assert rows[20]["msturn.mux.allocation_in"] == "4"
    assert rows[20]["stun.type"] == "0x0001"
    assert rows[21]["stun.type"] == "0x0101"
    assert rows[22]["rtp.ssrc"] == "0x3c41d2a7"
    assert rows[22]["_ws.col.Info"] == "Multiplexed TURN session 0xc7fe69466a845313 [RTP]"


def test_relayed_ms_ice_v6_check_decoded_by_msturn(tshark):
    r = tshark.by_frame(RELAY, ["msturn.type", "msturn.dialect", "msturn.attr.username",
                                "msturn.attr.integrity", "msturn.attr.length"], "frame.number == 26")[26]
    types = as_list(r["msturn.type"])
    assert types == ["0x0004", "0x0001"]          # Send Request carrying a Binding Request
    assert "MS-ICE check (RFC 3489 layout)" in as_list(r["msturn.dialect"])
    assert "72" in as_list(r["msturn.attr.length"])  # USERNAME incl. 3 NULs, unpadded
    r27 = tshark.by_frame(RELAY, ["msturn.type", "msturn.attr.mapped.ipv4", "msturn.attr.mapped.port"],
                          "frame.number == 27")[27]
    assert as_list(r27["msturn.type"]) == ["0x0115", "0x0101"]
    assert r27["msturn.attr.mapped.ipv4"] == "203.0.113.20" and r27["msturn.attr.mapped.port"] == "3480"


def test_set_active_destination_and_errors(tshark):
    rows = tshark.by_frame(RELAY, ["msturn.type", "msturn.attr.error_code", "_ws.expert.message",
                                   "_ws.expert.severity", "_ws.col.Info"], two_pass=True)
    assert rows[9]["msturn.type"] == "0x0006"
    assert rows[9]["_ws.col.Info"].startswith("Set Active Destination Request to 198.51.100.23:50062")
    assert rows[10]["msturn.type"] == "0x0106"
    assert rows[29]["msturn.attr.error_code"] == "437"
    assert any(e.startswith("Set Active Destination Error 437 Allocation Mismatch") for e in experts(rows[29]))
    assert rows[31]["msturn.attr.error_code"] == "486"
    assert any("Allocation Quota Reached" in e for e in experts(rows[31]))
    # Sends are never answered by design: no "never answered" on them.
    assert not any("never answered" in e for e in experts(rows[5]))


# ---------------------------------------------------------------- TCP

def test_tcp_pseudo_tls_and_framing(tshark):
    rows = tshark.by_frame(TCP, ["msturn.pseudo_tls.handshake_type", "msturn.pseudo_tls.cipher_suite",
                                 "msturn.tcp.frame_type", "msturn.type", "tls.record.content_type", "_ws.col.Info"])
    assert rows[4]["msturn.pseudo_tls.handshake_type"] == "1"
    assert rows[4]["msturn.pseudo_tls.cipher_suite"] == "0x0018"
    assert rows[5]["msturn.pseudo_tls.handshake_type"] == "2"
    assert rows[4]["tls.record.content_type"] == "" and rows[5]["tls.record.content_type"] == ""
    assert rows[6]["msturn.tcp.frame_type"] == "0x02" and rows[6]["msturn.type"] == "0x0003"
    assert rows[7]["_ws.col.Info"] == 'Allocate Error 401 Unauthorized realm="rtcmedia"'


def test_tcp_reassembly_and_several_messages_per_segment(tshark):
    rows = tshark.by_frame(TCP, ["msturn.type", "msturn.attr.destination.ipv4", "stun.att.username", "rtp.seq",
                                 "msturn.attr.integrity", "_ws.col.Info"])
    assert rows[8]["msturn.type"] == ""                  # first half of a split message
    assert rows[9]["msturn.type"] == "0x0003"            # reassembled
    assert len(rows[9]["msturn.attr.integrity"]) == 64   # 32-byte HMAC-SHA256
    assert as_list(rows[11]["msturn.type"]) == ["0x0004", "0x0004"]
    assert as_list(rows[11]["msturn.attr.destination.ipv4"]) == ["192.168.77.14", "198.51.100.23"]
    assert as_list(rows[11]["stun.att.username"]) == ["pR2u:Qx7d", "pR2u:Qx7d"]
    assert as_list(rows[17]["rtp.seq"]) == ["6120", "6121"]
    assert rows[15]["_ws.col.Info"] == "End-to-end data [RTP]"
    # TCP 3478 without pseudo-TLS.
    assert rows[28]["msturn.type"] == "0x0003" and rows[31]["msturn.type"] == "0x0103"


def test_real_tls_on_443_is_left_to_tls(tshark):
    rows = tshark.by_frame(TCP, ["msturn.type", "tls.handshake.extensions_server_name", "_ws.col.Protocol"],
                           "frame.number >= 36")
    assert rows[39]["tls.handshake.extensions_server_name"] == "www.example.com"
    for f, r in rows.items():
        assert r["msturn.type"] == "" and r["_ws.col.Protocol"] != "MSTURN", f


# ---------------------------------------------------------------- BWM

def test_bwm_reservation_check(tshark):
    r = tshark.by_frame(BWM, ["msturn.attr.bwm.message_type", "msturn.attr.bwm.amount.min_send",
                              "msturn.attr.bwm.amount.max_send", "msturn.attr.bwm.amount.min_recv",
                              "msturn.attr.bwm.amount.max_recv", "msturn.attr.bwm.remote_site.ipv4",
                              "msturn.attr.bwm.remote_site.port", "msturn.attr.bwm.remote_relay_site.ipv4",
                              "msturn.attr.bwm.remote_relay_site.port"], "frame.number == 3")[3]
    assert r["msturn.attr.bwm.message_type"] == "0"
    assert [r[f"msturn.attr.bwm.amount.{k}"] for k in ("min_send", "max_send", "min_recv", "max_recv")] == \
        ["45", "100", "45", "100"]
    assert (r["msturn.attr.bwm.remote_site.ipv4"], r["msturn.attr.bwm.remote_site.port"]) == ("10.40.8.15", "22044")
    assert (r["msturn.attr.bwm.remote_relay_site.ipv4"], r["msturn.attr.bwm.remote_relay_site.port"]) == \
        ("203.0.113.31", "51880")


def test_bwm_responses_and_location(tshark):
    rows = tshark.by_frame(BWM, ["msturn.attr.bwm.valid", "msturn.attr.bwm.pstn_failover",
                                 "msturn.attr.bwm.max_send", "msturn.attr.bwm.remote_site.ipv6",
                                 "msturn.attr.bwm.location.peer", "msturn.attr.bwm.location.self",
                                 "msturn.attr.bwm.location.federation", "msturn.attr.bwm.reservation_id",
                                 "msturn.attr.bwm.sip_dialog_id"])
    assert as_list(rows[4]["msturn.attr.bwm.valid"]) == ["1", "1", "1", "1"]
    assert rows[5]["msturn.attr.bwm.remote_site.ipv6"] == "2001:db8:60:3::22"
    assert (rows[5]["msturn.attr.bwm.location.peer"], rows[5]["msturn.attr.bwm.location.self"],
            rows[5]["msturn.attr.bwm.location.federation"]) == ("1", "2", "1")
    assert as_list(rows[6]["msturn.attr.bwm.valid"])[0] == "0"
    assert as_list(rows[6]["msturn.attr.bwm.pstn_failover"])[0] == "1"
    assert as_list(rows[6]["msturn.attr.bwm.max_send"])[0] == "0"
    assert rows[8]["msturn.attr.bwm.reservation_id"] == "4f9825570c2b56c39ecd5eb11cd2d2d2"
    assert rows[7]["msturn.attr.bwm.sip_dialog_id"].startswith("7f3c9a2e41b84d0fa6c1d5e9b2f07a18;from-tag=")
    assert len(rows[4]["msturn.attr.bwm.valid"]) == 4


def test_ice2bwm_error_275_inside_data_indication(tshark):
    r = tshark.by_frame(BWM, ["stun.type", "stun.att.error", "stun.att.error.class", "msturn.relayed"],
                        "frame.number == 10")[10]
    assert r["stun.type"] == "0x0111"
    assert r["msturn.relayed"] == "Binding Error Response"
    assert r["stun.att.error.class"] == "2" and r["stun.att.error"] == "75"


# ---------------------------------------------------------------- malformed

@pytest.mark.parametrize("two_pass", [False, True])
def test_malformed_frames_get_expert_info(tshark, two_pass):
    rows = tshark.by_frame(BAD, ["msturn.type", "_ws.expert.message", "_ws.malformed.expert", "_ws.col.Protocol",
                                 "_ws.col.Info"], two_pass=two_pass)

    def has(frame, text):
        return any(text in e for e in experts(rows[frame]))

    assert has(1, "attribute length runs past the end of the message")
    assert has(2, "message truncated")
    assert has(3, "16 bytes after the end of the message (its Length field covers 8)")
    assert rows[4]["msturn.type"] == "0x0003" and has(4, "too many attributes")
    assert has(5, "Unknown comprehension-required attribute 0x0031")
    assert has(8, "Allocate Error without mandatory ERROR-CODE")
    assert has(9, "Send Request without mandatory DESTINATION-ADDRESS")
    assert has(10, "address family is neither IPv4 (1) nor IPv6 (2)")
    assert has(11, "MAGIC-COOKIE value is not 0x72C64BC6")
    # The garbled relayed check is decoded (by msturn) and flagged; the outer message is fine.
    assert as_list(rows[12]["msturn.type"]) == ["0x0115", "0x0101"] and has(12, "message truncated")
    assert has(13, "Multiplexed TURN frame truncated: Length 512, 32 bytes present")
    assert has(21, "Unknown MS-TURN TCP framing type 0x05")
    # Standard STUN on 3478 stays Wireshark's STUN.
    assert rows[15]["_ws.col.Protocol"] == "STUN" and rows[15]["msturn.type"] == ""
    assert rows[16]["_ws.col.Protocol"] == "STUN"
    # No decoder exception anywhere: problems are expert infos, not [Malformed Packet].
    assert all(r["_ws.malformed.expert"] == "" for r in rows.values())
    assert not any("Malformed Packet" in r["_ws.col.Info"] for r in rows.values())


def test_malformed_rest_of_packet_still_decoded(tshark):
    r = tshark.by_frame(BAD, ["msturn.attr.remote.ipv4", "msturn.attr.type", "_ws.col.Info"],
                        "frame.number == 12")[12]
    assert r["msturn.attr.remote.ipv4"] == "198.51.100.23"
    assert r["_ws.col.Info"] == "Data Indication from 198.51.100.23:50062 [Binding Success Response]"


# ---------------------------------------------------------------- real captures

def first_attr_is_magic_cookie_frames(path):
    """Frame numbers of UDP datagrams whose payload has MAGIC-COOKIE first, read straight from the pcap."""
    frames = set()
    with open(path, "rb") as f:
        magic = f.read(24)
        endian = "<" if magic[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        n = 0
        while True:
            hdr = f.read(16)
            if len(hdr) < 16:
                break
            _, _, incl, _ = struct.unpack(endian + "IIII", hdr)
            data = f.read(incl)
            n += 1
            if len(data) < 14 + 20 or data[12:14] != b"\x08\x00":
                continue
            ihl = (data[14] & 0x0F) * 4
            if data[14 + 9] != 17:
                continue
            payload = data[14 + ihl + 8:]
            if len(payload) >= 28 and payload[20:24] == b"\x00\x0f\x00\x04":
                frames.add(n)
    return frames


@pytest.mark.parametrize("two_pass", [False, True])
def test_teams_no_malformed_and_all_msturn_claimed(tshark, teams_pcap, two_pass):
    rows = tshark.by_frame(teams_pcap, ["msturn.type", "_ws.malformed"], two_pass=two_pass)
    assert [f for f, r in rows.items() if r["_ws.malformed"]] == []
    expected = first_attr_is_magic_cookie_frames(teams_pcap)
    assert len(expected) == 34
    claimed = {f for f, r in rows.items() if r["msturn.type"]}
    assert expected <= claimed
    assert claimed == expected  # and nothing else decodes as an MS-TURN message


def test_teams_send_requests_show_relayed_checks(tshark, teams_pcap):
    """The 6 Send Requests relay 4 Binding Requests and 2 Binding Success Responses, all decoded."""
    rows = tshark.by_frame(teams_pcap, ["stun.type", "stun.att.username", "stun.att.ipv4", "_ws.col.Info"],
                           "msturn.type == 0x0004")
    assert sorted(rows) == [1413, 1414, 1423, 1425, 1426, 1428]
    requests = {f: r for f, r in rows.items() if r["stun.type"] == "0x0001"}
    assert sorted(requests) == [1413, 1414, 1425, 1428]
    assert {f: r["stun.att.username"] for f, r in requests.items()} == {
        1413: "o5/I:FY32", 1414: "JFwj:+mIv", 1425: "o5/I:FY32", 1428: "JFwj:+mIv"}
    for f in (1423, 1426):
        assert rows[f]["stun.type"] == "0x0101"
        assert rows[f]["stun.att.ipv4"] == "93.71.110.205"
        assert rows[f]["_ws.col.Info"].endswith("[Binding Success Response]")
    assert rows[1413]["_ws.col.Info"] == "Send Request to 93.71.110.205:16332 [Binding Request]"
    assert rows[1414]["_ws.col.Info"] == "Send Request to 93.71.110.205:16333 [Binding Request]"


def test_teams_allocate_values(tshark, teams_pcap):
    rows = tshark.by_frame(teams_pcap, ["msturn.attr.realm", "msturn.attr.error.reason", "msturn.attr.mapped.ipv4",
                                        "msturn.attr.mapped.port", "msturn.attr.xor_mapped.ipv4",
                                        "msturn.attr.xor_mapped.port", "msturn.attr.software"], "msturn")
    assert rows[1245]["msturn.attr.realm"] == '"rtcmedia"'
    assert rows[1245]["msturn.attr.error.reason"] == "The request did not contain a Message-Integrity attribute"
    assert rows[1275]["msturn.attr.software"] == "2.0.1.211"
    assert (rows[1275]["msturn.attr.mapped.ipv4"], rows[1275]["msturn.attr.mapped.port"]) == ("52.114.250.141", "3480")
    assert (rows[1275]["msturn.attr.xor_mapped.ipv4"], rows[1275]["msturn.attr.xor_mapped.port"]) == \
        ("80.181.206.72", "57543")


def test_plugin_loaded_only_in_plugin_run(tshark):
    assert "msice.so" not in tshark.run(["-G", "plugins"], stock=True).stdout


def test_teams_tls_unchanged(tshark, teams_pcap):
    """TCP 443 is shared with TLS: the plugin must not change how TLS decodes."""
    with_plugin = tshark.fields(teams_pcap, ["frame.number", "_ws.col.Protocol", "tls.record.content_type"],
                                "tcp.port == 443")
    without = tshark.fields(teams_pcap, ["frame.number", "_ws.col.Protocol", "tls.record.content_type"],
                            "tcp.port == 443", stock=True)
    assert with_plugin == without


def test_standard_turn_stays_stun(tshark, stun_ice_tcp_pcap):
    rows = tshark.by_frame(stun_ice_tcp_pcap, ["msturn.type", "stun.type", "_ws.malformed"])
    assert not any(r["msturn.type"] for r in rows.values())  # standard TURN: all Wireshark's STUN
    assert rows[17]["stun.type"] == "0x0003"
    # The two SRTCP XR frames (181, 185) are malformed for stock Wireshark too.
    stock = tshark.by_frame(stun_ice_tcp_pcap, ["_ws.malformed"], stock=True)
    assert [f for f, r in rows.items() if r["_ws.malformed"]] == [181, 185]
    assert [f for f, r in stock.items() if r["_ws.malformed"]] == [181, 185]
