# SPDX-License-Identifier: GPL-2.0-or-later
"""sip-mras: three SIP SERVICE exchanges with MRAS (credentials and relays, a refusal, a relay
without ports), which hand out the credential sets the msturn-* captures use."""

import random

from .actors import CONTOSO_AV_INT, CONTOSO_INTERNET_RELAY, CONTOSO_RELAYS, CORP_CREDS, HOME_CREDS, SFB_UA
from .capture import Capture
from .mras import MRAS_CONTENT_TYPE, MRAS_NS, describe_relays, mras_request_xml, mras_response_xml
from .net import TcpFlow
from .sip import B64URL_CHARS, FE_SERVER, SipParty, lync_branch, rand_hex, rand_token, sip_message


def capture_sip_mras():
    """sip-mras.pcap: MRAS credential requests (SIP SERVICE) and their responses."""
    rng = random.Random("msice-sip-mras")
    cap = Capture(
        "sip-mras.pcap", "MRAS: A/V Edge credentials over SIP SERVICE (TCP 5060)",
        "A Skype for Business client at home asks the Media Relay Authentication Service for A/V Edge "
        "credentials three times over one SIP/TCP connection to the Access Edge. (1) location internet → "
        "reasonPhrase OK, the *home* MS-TURN credentials and two relays (intranet by directIPAddress, internet "
        "by hostName); (2) location intranet → reasonPhrase \"Server Busy\" without credentialsResponse; "
        "(3) location internet → OK with the *corp* credentials but one mediaRelay has neither udpPort nor "
        "tcpPort. The credentials are the sets in the Credentials table, so a decoder that learns them here "
        "can verify MESSAGE-INTEGRITY in the msturn-* captures (the third answer hands out the corp set only so "
        "that both sets can be learnt from one file). Clear-text SIP on TCP 5060 (TLS 443 in reality).")
    home = cap.host("H", "192.168.1.20", "3c:22:fb:5a:10:20", 128, 0x5310,
                    "Skype for Business client, frank@contoso.com (home LAN, behind NAT; public 192.0.2.77)")
    edge = cap.host("A", "203.0.113.5", "f4:ca:e5:4d:01:01", 110, 0x0E44,
                    "Access Edge sip.contoso.com (forwards SERVICE to MRAS on the A/V Edge)")
    tcp = TcpFlow(cap, rng, home, 50320, edge, 5060)
    C, S = TcpFlow.C, TcpFlow.S
    frank = SipParty(rng, "Frank Moss", "frank@contoso.com", SFB_UA)
    mras_uri = f"sip:frank@contoso.com;gruu;opaque=srvr:MRAS:{rand_token(rng, 22, B64URL_CHARS)}AA"
    received = f";received=192.0.2.77;ms-received-port=50320;ms-received-cid={rand_hex(rng, 4, upper=True)}00"
    relays_bad = [dict(location="intranet", directIPAddress=CONTOSO_AV_INT), CONTOSO_INTERNET_RELAY]

    def exchange(location, reason, creds, relays, note=""):
        req_id = str(rng.randrange(10000, 99999))
        call = rand_hex(rng, 32)
        tag, rtag = rand_hex(rng, 10), rand_hex(rng, 32, upper=True)
        via = f"SIP/2.0/TCP {home.ip}:50320;branch={lync_branch(rng)}"
        xml = mras_request_xml(req_id, frank.uri, mras_uri, [(req_id, frank.uri, location, 480)])
        req = sip_message(f"SERVICE {mras_uri} SIP/2.0", [
            ("Via", via), ("Max-Forwards", "70"), ("From", frank.name_addr(tag)), ("To", f"<{mras_uri}>"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Contact", frank.contact()), ("User-Agent", frank.ua),
            ("Content-Type", MRAS_CONTENT_TYPE), ("Content-Length", None)], xml)
        f_req = tcp.send(C, req, f"SIP SERVICE to MRAS (location {location})",
                         f"SIP SERVICE {mras_uri}, CSeq 1 SERVICE, Content-Type {MRAS_CONTENT_TYPE}, Content-Length "
                         f"{len(xml)}; MRAS request: namespace {MRAS_NS}, requestID {req_id}, version 1.0, from "
                         f"{frank.uri}, to {mras_uri}; credentialsRequest credentialsRequestID {req_id}: identity "
                         f"{frank.uri}, location {location}, duration 480")
        cap.after(62)
        crs = [] if creds is None else [dict(id=req_id, username=creds.username_b64, password=creds.password_b64,
                                              duration=480, relays=relays)]
        rxml = mras_response_xml(req_id, frank.uri, mras_uri, reason, crs)
        resp = sip_message("SIP/2.0 200 OK", [
            ("Via", via + received), ("From", frank.name_addr(tag)), ("To", f"<{mras_uri}>;tag={rtag}"),
            ("Call-ID", call), ("CSeq", "1 SERVICE"), ("Server", FE_SERVER), ("Content-Type", MRAS_CONTENT_TYPE),
            ("Content-Length", None)], rxml)
        if creds is None:
            show = (f"SIP 200 OK to frame {f_req}, Content-Length {len(rxml)}; MRAS response requestID {req_id}, "
                    f"version 1.0, serverVersion 3.0, to {frank.uri}, from {mras_uri}, reasonPhrase \"{reason}\" "
                    "(not OK: warning), no credentialsResponse — no credentials, no relays")
        else:
            show = (f"SIP 200 OK to frame {f_req}, Content-Length {len(rxml)}; MRAS response requestID {req_id} "
                    f"(matches), version 1.0, serverVersion 3.0, to {frank.uri}, from {mras_uri}, reasonPhrase "
                    f"\"{reason}\"; credentialsResponse credentialsRequestID {req_id}: username `{creds.username_b64}`, "
                    f"password `{creds.password_b64}`, duration 480; mediaRelayList {len(relays)} mediaRelay: "
                    + describe_relays(relays) + note)
        f_resp = tcp.send(S, resp, f"SIP 200 OK with MRAS response (reasonPhrase {reason})", show)
        cap.after(40)
        tcp.ack(C)
        return f_resp

    tcp.handshake(18)
    cap.after(30)
    exchange("internet", "OK", HOME_CREDS, CONTOSO_RELAYS)
    cap.at(2.5)
    exchange("intranet", "Server Busy", None, None)
    cap.at(7.25)
    exchange("internet", "OK", CORP_CREDS, relays_bad,
             "; the intranet mediaRelay has neither udpPort nor tcpPort: expert 'relay without ports'")
    return cap
