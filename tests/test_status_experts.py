# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark tests of how parser statuses become expert infos (issue 12).

Every core parser's statuses map to their expert items through one table per
parser in the epan file (msice-int.h, MSICE_STATUS_EI). These tests pin the
items that used to be wrong or missing:
- an SDP m= port or c= address that cannot be read (was silently port 0 /
  no address) now raises msice.expert.sdp_bad_port / sdp_bad_address on the
  line, and the rest of the body is still decoded;
- an MS-TURN attribute value cut off by the end of the message has its own
  item, msturn.expert.value_clipped (it reused attr_overrun), next to the
  message's attr_overrun;
- a multiplexed-TURN frame whose Length cannot hold the session id raises
  msturn.expert.mux_bad_length (it reused truncated);
- TOO_SHORT has its own item, msturn.expert.too_short (it shared truncated).
"""
import json

from conftest import CAPTURES

PI_MALFORMED = 0x07000000
PI_WARN = 0x00600000
PI_ERROR = 0x00800000

SDP_EXPERTS = ["msice.expert.sdp_too_long", "msice.expert.sdp_truncated", "msice.expert.sdp_bad_port",
               "msice.expert.sdp_bad_port_count", "msice.expert.sdp_bad_address", "msice.expert.sdp_bad_addrtype"]


def experts(tshark, capture, frame, prefix):
    """(name, message, severity, group) of every expert info of one frame whose name starts with prefix."""
    out = tshark.run(["-n", "-r", tshark.capture(capture), "-T", "json", "--no-duplicate-keys",
                      "-Y", f"frame.number == {frame}"]).stdout
    found = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "_ws.expert":
                    for e in (v if isinstance(v, list) else [v]):
                        name = next((x for x in e if x.startswith(prefix)), None)
                        if name:
                            found.append((name, e.get("_ws.expert.message"), int(e.get("_ws.expert.severity", 0)),
                                          int(e.get("_ws.expert.group", 0))))
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(json.loads(out))
    return found


def sip_invite(tmp_path, sdp_lines, name):
    """An INVITE over UDP carrying an SDP body made of sdp_lines."""
    from scapy.all import IP, UDP, Ether, wrpcap
    body = "\r\n".join(sdp_lines) + "\r\n"
    msg = ("INVITE sip:bob@contoso.com SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK12\r\n"
           "From: <sip:alice@contoso.com>;tag=a1\r\n"
           "To: <sip:bob@contoso.com>\r\n"
           "Call-ID: sdp-lines-12@contoso\r\n"
           "CSeq: 1 INVITE\r\n"
           "Content-Type: application/sdp\r\n"
           f"Content-Length: {len(body)}\r\n\r\n{body}")
    pcap = tmp_path / name
    wrpcap(str(pcap), [Ether() / IP(src="10.0.0.5", dst="10.0.0.10") / UDP(sport=5060, dport=5060) / msg.encode()])
    pcap.chmod(0o644)
    return pcap


SDP_HEAD = ["v=0", "o=- 0 0 IN IP4 10.0.0.5", "s=session", "c=IN IP4 10.0.0.5", "t=0 0"]
CANDIDATES = ["a=ice-ufrag:Ay6i", "a=ice-pwd:8ZLfBHq2aHMn5MRuHXlVmn8C",
              "a=candidate:1 1 UDP 2130706431 10.0.0.5 50000 typ host",
              "a=candidate:1 2 UDP 2130705918 10.0.0.5 50001 typ host"]


# ---------------------------------------------------------------- SDP c= / m=

def test_sdp_bad_port_and_address_raise_experts(tshark, tmp_path):
    pcap = sip_invite(tmp_path, SDP_HEAD + ["m=audio 70000 RTP/SAVP 0 8", "c=IN IP4 sip.contoso.com"] + CANDIDATES,
                      "bad-cm.pcap")
    ex = experts(tshark, pcap, 1, "msice.expert.sdp_")
    assert sorted(e[0] for e in ex) == ["msice.expert.sdp_bad_address", "msice.expert.sdp_bad_port"]
    by_name = {e[0]: e[1:] for e in ex}
    assert by_name["msice.expert.sdp_bad_port"] == (
        "m= port is not a number 0-65535: m=audio 70000 RTP/SAVP 0 8", PI_ERROR, PI_MALFORMED)
    assert by_name["msice.expert.sdp_bad_address"] == (
        "c= connection address is not a numeric IPv4 or IPv6 address: c=IN IP4 sip.contoso.com",
        PI_ERROR, PI_MALFORMED)
    # The rest of the body is still decoded: the media line and its candidates.
    row = tshark.by_frame(pcap, ["msice.media.type", "msice.candidate.port", "msice.candidate.address"])[1]
    assert row["msice.media.type"] == "audio"
    assert row["msice.candidate.port"] == ["50000", "50001"]
    assert row["msice.candidate.address"] == ["10.0.0.5", "10.0.0.5"]


def test_sdp_other_line_problems(tshark, tmp_path):
    pcap = sip_invite(tmp_path, SDP_HEAD + ["m=audio 5000x RTP/AVP 0", "c=IN IP6 10.0.0.5", "m=video 5002/0 RTP/AVP",
                                            "c=IN"] + CANDIDATES, "odd-cm.pcap")
    names = sorted(e[0] for e in experts(tshark, pcap, 1, "msice.expert.sdp_"))
    # 5000x was read as port 5000 before: now a bad port, not a guess.
    assert names == ["msice.expert.sdp_bad_addrtype", "msice.expert.sdp_bad_port", "msice.expert.sdp_bad_port_count",
                     "msice.expert.sdp_truncated", "msice.expert.sdp_truncated"]
    severities = {e[0]: e[2] for e in experts(tshark, pcap, 1, "msice.expert.sdp_")}
    assert severities["msice.expert.sdp_bad_addrtype"] == PI_WARN
    # The lines are flagged whether or not the tree is built (-z expert counts them).
    out = tshark.run(["-n", "-q", "-r", tshark.capture(pcap), "-z", "expert,msice"]).stdout
    assert "m= number of ports is not a number 1-65535: m=video 5002/0 RTP/AVP" in out


def test_good_sdp_raises_no_sdp_line_expert(tshark):
    """The project's SIP captures (Lync 2013, SfB, Teams-style offers) have well-formed c= and m= lines."""
    sip = sorted(p for p in CAPTURES.glob("*.pcap") if p.name.startswith(("sip-", "call-")))
    assert len(sip) >= 8
    for pcap in sip:
        hits = tshark.by_frame(pcap, ["_ws.col.Info"], " || ".join(SDP_EXPERTS))
        assert hits == {}, (pcap.name, hits)
    # and a body with an SDP and candidates does get its msice tree
    assert tshark.by_frame(CAPTURES / "sip-lync2013-call.pcap", ["msice.candidate.port"], "msice.candidate")


# ---------------------------------------------------------------- MS-TURN

def test_clipped_value_has_its_own_item(tshark):
    ex = experts(tshark, CAPTURES / "msturn-malformed.pcap", 1, "msturn.expert.")
    names = [e[0] for e in ex]
    # The attribute whose value runs past the end: value_clipped; the message: attr_overrun.
    assert names.count("msturn.expert.value_clipped") == 1
    assert names.count("msturn.expert.attr_overrun") == 1
    clipped = next(e for e in ex if e[0] == "msturn.expert.value_clipped")
    assert clipped[1].endswith(": value cut off by the end of the message")
    assert clipped[2:] == (PI_ERROR, PI_MALFORMED)
    overrun = next(e for e in ex if e[0] == "msturn.expert.attr_overrun")
    assert overrun[1].endswith(": attribute length runs past the end of the message")


def test_mux_length_too_small(tshark, tmp_path):
    from scapy.all import IP, UDP, Ether, wrpcap
    # channel 0xFF10, Length 4: cannot hold the 8-byte session id ([MS-TURN] 2.2.3)
    frame = bytes.fromhex("ff10 0004 c7fe69466a845313 80000000")
    pcap = tmp_path / "mux-short.pcap"
    wrpcap(str(pcap), [Ether() / IP(src="10.0.0.5", dst="10.0.0.20") / UDP(sport=50040, dport=3478) / frame])
    pcap.chmod(0o644)
    ex = experts(tshark, pcap, 1, "msturn.expert.")
    assert ex == [("msturn.expert.mux_bad_length", "Multiplexed TURN Length 4 cannot hold the 8-byte session id",
                   PI_ERROR, PI_MALFORMED)]
    info = tshark.by_frame(pcap, ["_ws.col.Info"])[1]["_ws.col.Info"]
    assert info == "Multiplexed TURN [malformed]"


def test_new_items_are_registered(tshark):
    fields = tshark.run(["-G", "fields"]).stdout
    names = {line.split("\t")[2] for line in fields.splitlines() if line.startswith(("F\t", "P\t"))}
    expected = {"msturn.expert.too_short", "msturn.expert.value_clipped", "msturn.expert.mux_bad_length",
                "msturn.expert.truncated", "msturn.expert.attr_overrun", *SDP_EXPERTS}
    assert expected <= names, expected - names
