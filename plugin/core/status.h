/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * status.h - one status enum per core parser, each with a _to_string().
 *
 * Each value is one problem a support engineer would care about; the epan
 * layer maps each value to exactly one expert-info item.
 */
#ifndef MSICE_STATUS_H
#define MSICE_STATUS_H

/* ---- MS-TURN message walker (msturn.c) ---- */
typedef enum {
    MSTURN_OK = 0,
    MSTURN_TOO_SHORT,      /* fewer bytes than a header */
    MSTURN_NOT_STUN,       /* top two bits of the type are not 00 */
    MSTURN_TRUNCATED,      /* Length promises more bytes than present */
    MSTURN_ATTR_OVERRUN,   /* an attribute's length runs past the message */
    MSTURN_TRAILING_BYTES, /* 1-3 bytes after the last attribute */
    MSTURN_TOO_MANY_ATTRS, /* more than MSTURN_MAX_ATTRS attributes */
    MSTURN_STATUS_COUNT
} msturn_status_t;

const char *msturn_status_to_string(msturn_status_t status);

/* ---- one MS-TURN attribute value (msturn.c) ---- */
typedef enum {
    MSTURN_VAL_OK = 0,
    MSTURN_VAL_CLIPPED,    /* value cut off by the end of the message */
    MSTURN_VAL_BAD_LENGTH, /* length not valid for this attribute */
    MSTURN_VAL_BAD_FAMILY, /* address family neither IPv4 (1) nor IPv6 (2) */
    MSTURN_VAL_BAD_COOKIE, /* MAGIC-COOKIE value is not 0x72C64BC6 */
    MSTURN_VAL_STATUS_COUNT
} msturn_val_status_t;

const char *msturn_val_status_to_string(msturn_val_status_t status);

/* ---- MESSAGE-INTEGRITY check (msturn_check_integrity() in msturn.c) ----
 * The values are those of the field msturn.integrity.status (0-3), so the
 * epan layer stores and shows this enum as it is. */
typedef enum {
    MSTURN_INTEGRITY_NOT_VERIFIED = 0, /* no key: no credentials known for the USERNAME (epan layer) */
    MSTURN_INTEGRITY_GOOD = 1,         /* the HMAC matches */
    MSTURN_INTEGRITY_BAD = 2,          /* the HMAC differs: wrong key, or altered message */
    MSTURN_INTEGRITY_MALFORMED = 3,    /* MESSAGE-INTEGRITY cut off or not 20/32 bytes */
    MSTURN_INTEGRITY_NOT_PRESENT = 4,  /* no MESSAGE-INTEGRITY attribute */
    MSTURN_INTEGRITY_COUNT
} msturn_integrity_t;

const char *msturn_integrity_to_string(msturn_integrity_t integrity);

/* ---- ICE SDP attribute lines (icecand.c) ----
 * Ordered by severity: errors, then warnings, then notes
 * (icecand_status_is_error() in icecand.h draws the line). */
typedef enum {
    ICECAND_OK = 0,
    ICECAND_NOT_ICE,        /* not an ICE attribute: nothing parsed */
    /* errors: a field could not be read */
    ICECAND_TRUNCATED,      /* too few tokens (or no ':' after the name) */
    ICECAND_TOO_LONG,       /* line longer than ICECAND_MAX_LINE_LEN */
    ICECAND_BAD_FOUNDATION, /* v19 foundation not 1-32 ICE characters */
    ICECAND_BAD_CREDENTIAL, /* username/password/ufrag/pwd has non-ICE characters */
    ICECAND_BAD_COMPONENT,  /* component id not 1-256 */
    ICECAND_BAD_TRANSPORT,  /* not UDP/TCP/TCP-ACT/TCP-PASS, or bad tcptype */
    ICECAND_BAD_PRIORITY,   /* v19 priority not a 32-bit decimal number */
    ICECAND_BAD_QVALUE,     /* v6 qvalue not 0.000-1.000 with <= 3 decimals */
    ICECAND_BAD_ADDRESS,    /* connection address not a numeric IPv4/IPv6 */
    ICECAND_BAD_PORT,       /* port not 0-65535 */
    ICECAND_BAD_TYPE,       /* "typ" missing or type not host/srflx/prflx/relay */
    ICECAND_BAD_RADDR,      /* raddr not a numeric IPv4/IPv6 */
    ICECAND_BAD_RPORT,      /* rport not 0-65535 */
    /* warnings: the line was read but breaks a rule */
    ICECAND_TOO_MANY,       /* more extensions/triples/options than kept */
    ICECAND_EXTRA_TOKENS,   /* tokens after a complete v6 line */
    ICECAND_UFRAG_LENGTH,   /* ice-ufrag not 4-256 characters (ICE-19) */
    ICECAND_PWD_LENGTH,     /* ice-pwd not 22-256 characters (ICE-19) */
    ICECAND_PRIORITY_RANGE, /* priority 0 or above 2^31-1 (ICE-19 4.1.2.1) */
    ICECAND_AMBIGUOUS_CREDENTIALS, /* 6-char ufrag + 32-char pwd [MS-SDPEXT] */
    /* notes */
    ICECAND_PRIORITY_MISMATCH, /* 256 - (priority & 0xFF) != component */
    ICECAND_OPTIONS_IGNORED,   /* a=ice-options: MS ignores it */
    ICECAND_STATUS_COUNT
} icecand_status_t;

const char *icecand_status_to_string(icecand_status_t status);

/* ---- MRAS body reader (mras.c): how far the body could be read ---- */
typedef enum {
    MRAS_OK = 0,
    MRAS_EMPTY,               /* no bytes, only whitespace, or no element */
    MRAS_TOO_LARGE,           /* body above the size limit: not parsed */
    MRAS_NUL_BYTE,            /* NUL byte in the body (UTF-16? binary?): not parsed */
    MRAS_NOT_XML,             /* first non-blank byte is not '<': not parsed */
    MRAS_BAD_UTF8,            /* invalid UTF-8 (doc has line/column) */
    MRAS_XML_ERROR,           /* not well-formed XML (doc has line/column) */
    MRAS_TRUNCATED,           /* body ends before the root element is closed */
    MRAS_TOO_DEEP,            /* elements nested beyond the depth limit */
    MRAS_TOO_MANY_ELEMENTS,   /* more elements than the element limit */
    MRAS_TOO_MANY_ATTRIBUTES, /* one element with more attributes than the limit */
    MRAS_VALUE_TOO_LONG,      /* text or attribute value beyond the length limit */
    MRAS_TOO_MANY_CREDENTIALS,/* more than 100 credentialsRequest/credentialsResponse */
    MRAS_TOO_MANY_RELAYS,     /* more mediaRelay in one list than the limit */
    MRAS_UNKNOWN_ROOT,        /* root is neither <request> nor <response> */
    MRAS_WRONG_NAMESPACE,     /* read fully, but not in the MRAS namespace */
    MRAS_STATUS_COUNT
} mras_status_t;

const char *mras_status_to_string(mras_status_t status);

/* ---- MRAS semantic findings (mras_check() in mras.c) ---- */
typedef enum {
    MRAS_CHECK_REASON_FAILED = 0,   /* reasonPhrase is a documented failure */
    MRAS_CHECK_REASON_UNKNOWN,      /* reasonPhrase is not a documented value */
    MRAS_CHECK_MISSING_ATTRIBUTE,   /* a required attribute is absent (detail: name) */
    MRAS_CHECK_NO_CREDENTIALS_REQUEST, /* request without credentialsRequest */
    MRAS_CHECK_NO_CREDENTIALS,      /* OK response without username/password */
    MRAS_CHECK_CREDENTIALS_INCOMPLETE, /* credentials lacks username or password */
    MRAS_CHECK_NO_RELAYS,           /* OK response without any mediaRelay */
    MRAS_CHECK_RELAY_NO_ADDRESS,    /* mediaRelay without hostName and directIPAddress */
    MRAS_CHECK_RELAY_TWO_ADDRESSES, /* mediaRelay with both hostName and directIPAddress */
    MRAS_CHECK_RELAY_NO_PORT,       /* mediaRelay without udpPort and tcpPort */
    MRAS_CHECK_RELAY_NO_LOCATION,   /* mediaRelay without location */
    MRAS_CHECK_UNKNOWN_LOCATION,    /* location neither internet nor intranet */
    MRAS_CHECK_BAD_PORT,            /* udpPort/tcpPort not 0-65535 */
    MRAS_CHECK_BAD_DURATION,        /* duration not a positive integer (minutes) */
    MRAS_CHECK_REQUEST_ID_MISMATCH, /* response requestID differs from the request's */
    MRAS_CHECK_CRED_ID_MISMATCH,    /* credentialsRequestID not in the request */
    MRAS_CHECK_DURATION_SHORTENED,  /* granted duration shorter than requested */
    MRAS_CHECK_COUNT
} mras_check_t;

const char *mras_check_to_string(mras_check_t check);

/* ---- SIP diagnostics headers (msdiag.c) ----
 * Ordered by severity: errors, then warnings, then notes
 * (msdiag_status_is_error() in msdiag.h draws the line). */
typedef enum {
    MSDIAG_OK = 0,
    /* errors: a value could not be read */
    MSDIAG_EMPTY,              /* the header value is empty */
    MSDIAG_TOO_LONG,           /* value longer than MSDIAG_MAX_LEN: not parsed */
    MSDIAG_BAD_CODE,           /* ErrorId missing or not a 32-bit decimal number */
    MSDIAG_BAD_SUBCODE,        /* sub-code after '.' not a 32-bit decimal number */
    MSDIAG_UNTERMINATED_QUOTE, /* quoted-string without its closing quote */
    MSDIAG_BAD_PARAM,          /* parameter without a name, or junk after its value */
    MSDIAG_BAD_MEDIA_DEBUG,    /* Caller/CalleeMediaDebug without "<media>:" */
    MSDIAG_BAD_ICEWARN,        /* ICEWarn not a 32-bit hex number */
    MSDIAG_BAD_ADDRESS,        /* LocalSite/RemoteSite/LocalMR/RemoteMR/BaseAddress not ip:port */
    MSDIAG_BAD_PORT,           /* LocalMRTCPPort/RemoteMRTCPPort not 0-65535 */
    MSDIAG_BAD_PORT_RANGE,     /* PortRange not <min>:<max> ports with min <= max */
    MSDIAG_BAD_NUMBER,         /* Local/RemoteLocation, FederationType not 0-255; Interfaces not hex */
    MSDIAG_BAD_SUBNET,         /* ms-subnet not an IPv4/IPv6 address */
    /* warnings: read, but breaks the format */
    MSDIAG_TOO_MANY_ITEMS,     /* more key=value items than MSDIAG_MAX_ITEMS */
    MSDIAG_TOO_MANY_PARAMS,    /* more parameters than kept */
    MSDIAG_DUPLICATE_PARAM,    /* reason, source or a MediaDebug twice: the first is used */
    MSDIAG_MISSING_REASON,     /* diagnostics header without reason= */
    MSDIAG_MISSING_SOURCE,     /* ms-diagnostics without source= ([MS-OCER] 2.2.1.1) */
    MSDIAG_NOT_QUOTED,         /* reason/source/MediaDebug value not a quoted-string */
    /* notes */
    MSDIAG_UNKNOWN_LOCATION,   /* ms-media-location-type absent, or neither Intranet nor Internet */
    MSDIAG_STATUS_COUNT
} msdiag_status_t;

const char *msdiag_status_to_string(msdiag_status_t status);

/* ---- strict base64 (textscan_base64_decode() in textscan.c) ---- */
typedef enum {
    TEXTSCAN_B64_OK = 0,
    TEXTSCAN_B64_EMPTY,        /* no base64 character at all */
    TEXTSCAN_B64_BAD_CHAR,     /* a byte outside the alphabet (and not skipped white space) */
    TEXTSCAN_B64_BAD_PADDING,  /* '=' before the end, or more than two of them */
    TEXTSCAN_B64_BAD_LENGTH,   /* not a multiple of 4 characters */
    TEXTSCAN_B64_STATUS_COUNT
} textscan_b64_status_t;

const char *textscan_b64_status_to_string(textscan_b64_status_t status);

/* ---- byte spans in an XML body (xmlspan.c) ---- */
typedef enum {
    XMLSPAN_OK = 0,
    XMLSPAN_NOT_FOUND,         /* no such element or attribute in the range */
    XMLSPAN_TOO_LARGE,         /* buffer above XMLSPAN_MAX_LEN: not searched */
    XMLSPAN_BAD_RANGE,         /* the range is not inside the buffer: not searched */
    XMLSPAN_UNCLOSED_TAG,      /* the start tag has no '>' before the end of the range */
    XMLSPAN_UNCLOSED_ELEMENT,  /* no complete close tag: the content runs to the end of the range */
    XMLSPAN_UNCLOSED_VALUE,    /* attribute value without its closing quote */
    XMLSPAN_NOT_VERBATIM,      /* the text is not in the content as written (entities, CDATA) */
    XMLSPAN_EMPTY,             /* the element's content is blank */
    XMLSPAN_STATUS_COUNT
} xmlspan_status_t;

const char *xmlspan_status_to_string(xmlspan_status_t status);

/* ---- the SIP message around a body or header value (sipscan.c) ---- */
typedef enum {
    SIPSCAN_OK = 0,
    SIPSCAN_TOO_LARGE,       /* window above SIPSCAN_MAX_WINDOW: not scanned */
    SIPSCAN_BAD_RANGE,       /* the header value is not inside the window: not scanned */
    SIPSCAN_NO_START_LINE,   /* a blank line, transport bytes or the window start came before the start line */
    SIPSCAN_NO_HEADER_END,   /* header value: the window ends before the blank line ending the headers */
    SIPSCAN_NO_CALL_ID,      /* no Call-ID header among the lines read */
    SIPSCAN_STATUS_COUNT
} sipscan_status_t;

const char *sipscan_status_to_string(sipscan_status_t status);

/* ---- SDP c= and m= lines (sdpline.c) ----
 * Ordered by severity: errors, then warnings (sdpline_status_is_error()). */
typedef enum {
    SDPLINE_OK = 0,
    SDPLINE_NOT_CM,            /* not a c= or m= line: nothing parsed */
    /* errors: a value could not be read */
    SDPLINE_TOO_LONG,          /* line longer than SDPLINE_MAX_LEN: not parsed */
    SDPLINE_TRUNCATED,         /* a required field is missing */
    SDPLINE_BAD_PORT,          /* m= port not a number 0-65535 */
    SDPLINE_BAD_PORT_COUNT,    /* m= "/<number of ports>" not a number 1-65535 */
    SDPLINE_BAD_ADDRESS,       /* c= connection address not a numeric IPv4/IPv6 address */
    /* warnings: read, but breaks a rule */
    SDPLINE_BAD_ADDRTYPE,      /* c= address type not IP4/IP6, or not the address's family */
    SDPLINE_STATUS_COUNT
} sdpline_status_t;

const char *sdpline_status_to_string(sdpline_status_t status);

/* ---- the datagram an ICMP destination unreachable error quotes (icmpquote.c) ---- */
typedef enum {
    ICMPQUOTE_OK = 0,
    ICMPQUOTE_TOO_SHORT,             /* fewer than the 8 bytes of an ICMP header */
    ICMPQUOTE_NOT_UNREACHABLE,       /* not a destination unreachable error: nothing quoted to read */
    ICMPQUOTE_NO_IP_HEADER,          /* the quoted IP header is cut off */
    ICMPQUOTE_BAD_IP_VERSION,        /* the quoted header's version is not that of the ICMP flavour */
    ICMPQUOTE_BAD_IP_HEADER_LENGTH,  /* quoted IPv4 IHL below 5 */
    ICMPQUOTE_NOT_UDP,               /* the quoted datagram is not UDP (IPv6: or has extension headers) */
    ICMPQUOTE_LATER_FRAGMENT,        /* a later IPv4 fragment: no UDP header in it */
    ICMPQUOTE_NO_UDP_HEADER,         /* fewer than 8 bytes quoted after the IP header */
    ICMPQUOTE_STATUS_COUNT
} icmpquote_status_t;

const char *icmpquote_status_to_string(icmpquote_status_t status);

#endif /* MSICE_STATUS_H */
