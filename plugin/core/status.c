/* SPDX-License-Identifier: GPL-2.0-or-later */
/* status.c - strings for the core parsers' status enums. */
#include "status.h"

const char *
msturn_status_to_string(msturn_status_t status)
{
    switch (status) {
    case MSTURN_OK:             return "ok";
    case MSTURN_TOO_SHORT:      return "shorter than a STUN header";
    case MSTURN_NOT_STUN:       return "not a STUN/MS-TURN message";
    case MSTURN_TRUNCATED:      return "message truncated: Length exceeds the bytes present";
    case MSTURN_ATTR_OVERRUN:   return "attribute length runs past the end of the message";
    case MSTURN_TRAILING_BYTES: return "bytes after the last attribute";
    case MSTURN_TOO_MANY_ATTRS: return "too many attributes";
    case MSTURN_STATUS_COUNT:   break;
    }
    return "unknown status";
}

const char *
msturn_val_status_to_string(msturn_val_status_t status)
{
    switch (status) {
    case MSTURN_VAL_OK:         return "ok";
    case MSTURN_VAL_CLIPPED:    return "value cut off by the end of the message";
    case MSTURN_VAL_BAD_LENGTH: return "invalid length for this attribute";
    case MSTURN_VAL_BAD_FAMILY: return "address family is neither IPv4 (1) nor IPv6 (2)";
    case MSTURN_VAL_BAD_COOKIE: return "MAGIC-COOKIE value is not 0x72C64BC6";
    case MSTURN_VAL_STATUS_COUNT: break;
    }
    return "unknown status";
}

const char *
msturn_integrity_to_string(msturn_integrity_t integrity)
{
    switch (integrity) {
    case MSTURN_INTEGRITY_NOT_VERIFIED: return "MESSAGE-INTEGRITY not verified: no credentials for this USERNAME";
    case MSTURN_INTEGRITY_GOOD:        return "MESSAGE-INTEGRITY verifies";
    case MSTURN_INTEGRITY_BAD:         return "MESSAGE-INTEGRITY does not verify";
    case MSTURN_INTEGRITY_NOT_PRESENT: return "no MESSAGE-INTEGRITY attribute";
    case MSTURN_INTEGRITY_MALFORMED:   return "MESSAGE-INTEGRITY cut off or not 20/32 bytes long";
    case MSTURN_INTEGRITY_COUNT:       break;
    }
    return "unknown integrity status";
}

const char *
icecand_status_to_string(icecand_status_t status)
{
    switch (status) {
    case ICECAND_OK:             return "ok";
    case ICECAND_NOT_ICE:        return "not an ICE attribute";
    case ICECAND_TRUNCATED:      return "too few tokens: the line ends before a required field";
    case ICECAND_TOO_LONG:       return "attribute line too long";
    case ICECAND_BAD_FOUNDATION: return "foundation is not 1-32 ICE characters (ALPHA DIGIT + /)";
    case ICECAND_BAD_CREDENTIAL: return "username/password has characters outside ALPHA DIGIT + /";
    case ICECAND_BAD_COMPONENT:  return "component id is not a number 1-256";
    case ICECAND_BAD_TRANSPORT:  return "transport is not UDP, TCP, TCP-ACT or TCP-PASS (or tcptype is not active/passive/so)";
    case ICECAND_BAD_PRIORITY:   return "priority is not a 32-bit decimal number";
    case ICECAND_BAD_QVALUE:     return "qvalue is not 0.000-1.000 with at most 3 decimals";
    case ICECAND_BAD_ADDRESS:    return "candidate address is not a numeric IPv4 or IPv6 address";
    case ICECAND_BAD_PORT:       return "candidate port is not 0-65535";
    case ICECAND_BAD_TYPE:       return "\"typ\" missing or candidate type is not host/srflx/prflx/relay";
    case ICECAND_BAD_RADDR:      return "raddr is not a numeric IPv4 or IPv6 address";
    case ICECAND_BAD_RPORT:      return "rport is not 0-65535";
    case ICECAND_TOO_MANY:       return "too many items on one line; the rest were not decoded";
    case ICECAND_EXTRA_TOKENS:   return "unexpected tokens after a complete line";
    case ICECAND_UFRAG_LENGTH:   return "ice-ufrag is not 4-256 characters long (ICE-19)";
    case ICECAND_PWD_LENGTH:     return "ice-pwd is not 22-256 characters long (ICE-19)";
    case ICECAND_PRIORITY_RANGE: return "priority is 0 or above 2^31-1 (ICE-19 4.1.2.1)";
    case ICECAND_AMBIGUOUS_CREDENTIALS:
        return "6-character ice-ufrag with 32-character ice-pwd: ambiguous for MS base64 detection [MS-SDPEXT 3.1.5.21.5]";
    case ICECAND_PRIORITY_MISMATCH:
        return "priority's component part (256 - low byte) differs from the component id";
    case ICECAND_OPTIONS_IGNORED: return "a=ice-options is ignored by Microsoft clients [MS-SDPEXT 3.1.5.21.3]";
    case ICECAND_STATUS_COUNT:   break;
    }
    return "unknown status";
}

const char *
mras_status_to_string(mras_status_t status)
{
    switch (status) {
    case MRAS_OK:                   return "ok";
    case MRAS_EMPTY:                return "MRAS body is empty or holds no XML element";
    case MRAS_TOO_LARGE:            return "MRAS body too large to parse";
    case MRAS_NUL_BYTE:             return "MRAS body contains a NUL byte (not UTF-8 XML)";
    case MRAS_NOT_XML:              return "MRAS body is not XML";
    case MRAS_BAD_UTF8:             return "MRAS body is not valid UTF-8";
    case MRAS_XML_ERROR:            return "MRAS body is not well-formed XML";
    case MRAS_TRUNCATED:            return "MRAS body ends before the document is complete";
    case MRAS_TOO_DEEP:             return "MRAS XML nested too deeply";
    case MRAS_TOO_MANY_ELEMENTS:    return "MRAS XML has too many elements";
    case MRAS_TOO_MANY_ATTRIBUTES:  return "MRAS XML element has too many attributes";
    case MRAS_VALUE_TOO_LONG:       return "MRAS XML value too long";
    case MRAS_TOO_MANY_CREDENTIALS: return "more than 100 credentialsRequest/credentialsResponse elements";
    case MRAS_TOO_MANY_RELAYS:      return "too many mediaRelay elements in one mediaRelayList";
    case MRAS_UNKNOWN_ROOT:         return "XML root is neither <request> nor <response>: not an MRAS body";
    case MRAS_WRONG_NAMESPACE:      return "MRAS XML not in namespace http://schemas.microsoft.com/2006/09/sip/mrasp";
    case MRAS_STATUS_COUNT:         break;
    }
    return "unknown status";
}

const char *
mras_check_to_string(mras_check_t check)
{
    switch (check) {
    case MRAS_CHECK_REASON_FAILED:          return "MRAS refused the request: no A/V Edge credentials";
    case MRAS_CHECK_REASON_UNKNOWN:         return "MRAS reasonPhrase is not a documented value";
    case MRAS_CHECK_MISSING_ATTRIBUTE:      return "required MRAS attribute missing";
    case MRAS_CHECK_NO_CREDENTIALS_REQUEST: return "MRAS request asks for no credentials (no credentialsRequest)";
    case MRAS_CHECK_NO_CREDENTIALS:         return "MRAS response carries no username/password";
    case MRAS_CHECK_CREDENTIALS_INCOMPLETE: return "MRAS credentials lack username or password";
    case MRAS_CHECK_NO_RELAYS:              return "MRAS response lists no media relay (A/V Edge)";
    case MRAS_CHECK_RELAY_NO_ADDRESS:       return "mediaRelay has neither hostName nor directIPAddress";
    case MRAS_CHECK_RELAY_TWO_ADDRESSES:    return "mediaRelay has both hostName and directIPAddress";
    case MRAS_CHECK_RELAY_NO_PORT:          return "mediaRelay has neither udpPort nor tcpPort";
    case MRAS_CHECK_RELAY_NO_LOCATION:      return "mediaRelay has no location";
    case MRAS_CHECK_UNKNOWN_LOCATION:       return "location is neither internet nor intranet";
    case MRAS_CHECK_BAD_PORT:               return "port is not a number 0-65535";
    case MRAS_CHECK_BAD_DURATION:           return "duration is not a positive integer (minutes)";
    case MRAS_CHECK_REQUEST_ID_MISMATCH:    return "MRAS response requestID does not match the request";
    case MRAS_CHECK_CRED_ID_MISMATCH:       return "credentialsRequestID not found in the request";
    case MRAS_CHECK_DURATION_SHORTENED:     return "granted duration shorter than requested";
    case MRAS_CHECK_COUNT:                  break;
    }
    return "unknown check";
}

const char *
msdiag_status_to_string(msdiag_status_t status)
{
    switch (status) {
    case MSDIAG_OK:                 return "ok";
    case MSDIAG_EMPTY:              return "header value is empty";
    case MSDIAG_TOO_LONG:           return "header value too long to parse";
    case MSDIAG_BAD_CODE:           return "diagnostic code (ErrorId) missing or not a 32-bit decimal number";
    case MSDIAG_BAD_SUBCODE:        return "sub-code after the '.' is not a 32-bit decimal number";
    case MSDIAG_UNTERMINATED_QUOTE: return "quoted string has no closing quote";
    case MSDIAG_BAD_PARAM:          return "parameter without a name, or text after its value";
    case MSDIAG_BAD_MEDIA_DEBUG:    return "MediaDebug value does not start with \"<media>:\"";
    case MSDIAG_BAD_ICEWARN:        return "ICEWarn is not a 32-bit hex number";
    case MSDIAG_BAD_ADDRESS:        return "address is not <IP address>:<port>";
    case MSDIAG_BAD_PORT:           return "port is not 0-65535";
    case MSDIAG_BAD_PORT_RANGE:     return "PortRange is not <min>:<max> with ports 0-65535 and min <= max";
    case MSDIAG_BAD_NUMBER:         return "number is not valid (Location/FederationType 0-255, Interfaces hex)";
    case MSDIAG_BAD_SUBNET:         return "ms-subnet is not an IPv4 or IPv6 address";
    case MSDIAG_TOO_MANY_ITEMS:     return "too many key=value items; the rest were not decoded";
    case MSDIAG_TOO_MANY_PARAMS:    return "too many parameters; the rest were not decoded";
    case MSDIAG_DUPLICATE_PARAM:    return "parameter given twice; the first one is used";
    case MSDIAG_MISSING_REASON:     return "diagnostics header without reason";
    case MSDIAG_MISSING_SOURCE:     return "ms-diagnostics without source ([MS-OCER] 2.2.1.1)";
    case MSDIAG_NOT_QUOTED:         return "value should be a quoted string";
    case MSDIAG_UNKNOWN_LOCATION:   return "ms-media-location-type is absent or neither Intranet nor Internet";
    case MSDIAG_STATUS_COUNT:       break;
    }
    return "unknown status";
}

const char *
textscan_b64_status_to_string(textscan_b64_status_t status)
{
    switch (status) {
    case TEXTSCAN_B64_OK:           return "ok";
    case TEXTSCAN_B64_EMPTY:        return "no base64 text";
    case TEXTSCAN_B64_BAD_CHAR:     return "character outside the base64 alphabet";
    case TEXTSCAN_B64_BAD_PADDING:  return "'=' padding before the end, or more than two";
    case TEXTSCAN_B64_BAD_LENGTH:   return "base64 text is not a multiple of 4 characters";
    case TEXTSCAN_B64_STATUS_COUNT: break;
    }
    return "unknown status";
}

const char *
xmlspan_status_to_string(xmlspan_status_t status)
{
    switch (status) {
    case XMLSPAN_OK:               return "ok";
    case XMLSPAN_NOT_FOUND:        return "not found";
    case XMLSPAN_TOO_LARGE:        return "XML body too large to search";
    case XMLSPAN_BAD_RANGE:        return "search range outside the body";
    case XMLSPAN_UNCLOSED_TAG:     return "start tag not closed by '>'";
    case XMLSPAN_UNCLOSED_ELEMENT: return "element without its close tag";
    case XMLSPAN_UNCLOSED_VALUE:   return "attribute value without its closing quote";
    case XMLSPAN_NOT_VERBATIM:     return "text not found as written (entities or CDATA)";
    case XMLSPAN_EMPTY:            return "element content is blank";
    case XMLSPAN_STATUS_COUNT:     break;
    }
    return "unknown status";
}

const char *
sipscan_status_to_string(sipscan_status_t status)
{
    switch (status) {
    case SIPSCAN_OK:            return "ok";
    case SIPSCAN_TOO_LARGE:     return "SIP message window too large to scan";
    case SIPSCAN_BAD_RANGE:     return "header value outside the SIP message window";
    case SIPSCAN_NO_START_LINE: return "no SIP start line before the value";
    case SIPSCAN_NO_HEADER_END: return "SIP headers not ended by a blank line within the window";
    case SIPSCAN_NO_CALL_ID:    return "no Call-ID header";
    case SIPSCAN_STATUS_COUNT:  break;
    }
    return "unknown status";
}

const char *
sdpline_status_to_string(sdpline_status_t status)
{
    switch (status) {
    case SDPLINE_OK:             return "ok";
    case SDPLINE_NOT_CM:         return "not a c= or m= line";
    case SDPLINE_TOO_LONG:       return "SDP line too long";
    case SDPLINE_TRUNCATED:      return "SDP line ends before a required field";
    case SDPLINE_BAD_PORT:       return "m= port is not a number 0-65535";
    case SDPLINE_BAD_PORT_COUNT: return "m= number of ports is not a number 1-65535";
    case SDPLINE_BAD_ADDRESS:    return "c= connection address is not a numeric IPv4 or IPv6 address";
    case SDPLINE_BAD_ADDRTYPE:   return "c= address type is not IP4/IP6, or not the address's family";
    case SDPLINE_STATUS_COUNT:   break;
    }
    return "unknown status";
}

const char *
icmpquote_status_to_string(icmpquote_status_t status)
{
    switch (status) {
    case ICMPQUOTE_OK:                   return "ok";
    case ICMPQUOTE_TOO_SHORT:            return "shorter than an ICMP header";
    case ICMPQUOTE_NOT_UNREACHABLE:      return "not a destination unreachable error";
    case ICMPQUOTE_NO_IP_HEADER:         return "quoted IP header cut off";
    case ICMPQUOTE_BAD_IP_VERSION:       return "quoted IP version does not match the ICMP version";
    case ICMPQUOTE_BAD_IP_HEADER_LENGTH: return "quoted IPv4 header length below 20 bytes";
    case ICMPQUOTE_NOT_UDP:              return "quoted datagram is not UDP (or has IPv6 extension headers)";
    case ICMPQUOTE_LATER_FRAGMENT:       return "quoted datagram is a later IPv4 fragment (no UDP header)";
    case ICMPQUOTE_NO_UDP_HEADER:        return "quoted UDP header cut off";
    case ICMPQUOTE_STATUS_COUNT:         break;
    }
    return "unknown status";
}
