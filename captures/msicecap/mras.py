# SPDX-License-Identifier: GPL-2.0-or-later
"""MRAS bodies ([MS-AVEDGEA], ms-avedgea-mras.md): the credentials request and response XML carried in
SIP SERVICE, the mediaRelay elements, and their README descriptions."""


from .sip import CRLF


# MRAS ([MS-AVEDGEA], ms-avedgea-mras.md)
MRAS_NS = "http://schemas.microsoft.com/2006/09/sip/mrasp"
MRAS_CONTENT_TYPE = "application/msrtc-media-relay-auth+xml"


def mras_request_xml(request_id, from_uri, to_uri, cred_requests, ns=MRAS_NS):
    """<request>; cred_requests = [(credentialsRequestID, identity, location, duration)]."""
    lines = [f'<request requestID="{request_id}" from="{from_uri}" version="1.0" to="{to_uri}" '
             f'xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">']
    for crid, identity, location, duration in cred_requests:
        lines += [f'  <credentialsRequest credentialsRequestID="{crid}">',
                  f"    <identity>{identity}</identity>",
                  f"    <location>{location}</location>",
                  f"    <duration>{duration}</duration>",
                  "  </credentialsRequest>"]
    lines.append("</request>")
    return CRLF.join(lines) + CRLF


def mras_relay_xml(relay, indent="      "):
    """relay = dict(location=, hostName= or directIPAddress=, udpPort=, tcpPort=), element order
    location, hostName|directIPAddress, udpPort, tcpPort (spec §2.2.4.4)."""
    out = [f"{indent}<mediaRelay>", f"{indent}  <location>{relay['location']}</location>"]
    for key in ("hostName", "directIPAddress", "udpPort", "tcpPort"):
        if key in relay:
            out.append(f"{indent}  <{key}>{relay[key]}</{key}>")
    out.append(f"{indent}</mediaRelay>")
    return out


def mras_response_xml(request_id, to_uri, from_uri, reason, cred_responses, ns=MRAS_NS):
    """<response>; cred_responses = [dict(id=, username=, password=, duration=, relays=[...])]."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<response xmlns="{ns}" requestID="{request_id}" version="1.0" serverVersion="3.0" '
             f'to="{to_uri}" from="{from_uri}" reasonPhrase="{reason}">']
    for cr in cred_responses:
        lines += [f'  <credentialsResponse credentialsRequestID="{cr["id"]}">',
                  "    <credentials>",
                  f"      <username>{cr['username']}</username>",
                  f"      <password>{cr['password']}</password>",
                  f"      <duration>{cr['duration']}</duration>",
                  "    </credentials>",
                  "    <mediaRelayList>"]
        for relay in cr["relays"]:
            lines += mras_relay_xml(relay)
        lines += ["    </mediaRelayList>", "  </credentialsResponse>"]
    lines.append("</response>")
    return CRLF.join(lines) + CRLF


def describe_relays(relays):
    out = []
    for r in relays:
        where = f"hostName {r['hostName']}" if "hostName" in r else f"directIPAddress {r['directIPAddress']}"
        ports = ", ".join(f"{k} {r[k]}" for k in ("udpPort", "tcpPort") if k in r) or "no udpPort, no tcpPort"
        out.append(f"location {r['location']}, {where}, {ports}")
    return "; ".join(out)
