/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icecand.h - ICE attribute lines from SDP, MS-ICE v6 and MS-ICE2 v19
 * (pure C, no epan).
 *
 * Input: the value of ONE SDP attribute line as Wireshark's SDP dissector
 * hands it over: the bytes after "a=", without CR/LF, not NUL terminated,
 * e.g. "candidate:1 1 UDP 2130706431 192.168.56.1 15676 typ host".
 *
 * icecand_parse() recognises the attribute by name, splits the value into
 * tokens and reads every token it can. The result holds values plus an
 * {offset, length} span per token, relative to the start of the buffer, so
 * the epan layer can highlight exact bytes. Nothing is allocated; nothing
 * needs freeing; the result lives on the caller's stack and its spans point
 * into the caller's buffer.
 *
 * A problem in one token does not stop the parse: every other token is still
 * read, so a bad port still gives the address. icecand_t.status names the
 * most important problem and icecand_t.problems has one bit per problem seen.
 */
#ifndef MSICE_ICECAND_H
#define MSICE_ICECAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* ---- named limits ------------------------------------------------------- */

/* Extension attribute pairs kept per candidate ("generation 0", "MTURNID n",
 * ...), and key=value items per a=x-candidate-info. More -> ICECAND_TOO_MANY. */
#define ICECAND_MAX_EXTENSIONS 8u
/* <comp> <addr> <port> triples kept per a=remote-candidates (one per
 * component in practice: RTP and RTCP). */
#define ICECAND_MAX_REMOTE     4u
/* Longest attribute line read at all (a SIP message over UDP is at most
 * 64 KiB); anything longer gives ICECAND_TOO_LONG. */
#define ICECAND_MAX_LINE_LEN   65535u
/* ICE-19 15.1 / RFC 5245 15.1: foundation = 1*32ice-char. */
#define ICECAND_MAX_FOUNDATION 32u
/* ICE-19 15.4: ice-ufrag 4-256, ice-pwd 22-256 characters. */
#define ICECAND_UFRAG_MIN      4u
#define ICECAND_PWD_MIN        22u
#define ICECAND_CRED_MAX       256u

/* ---- enums -------------------------------------------------------------- */

/** icecand_kind_t: which attribute the line is. */
typedef enum {
    ICECAND_KIND_NONE = 0,          /* not an ICE attribute */
    ICECAND_KIND_CANDIDATE,         /* a=candidate, v6 or v19 */
    ICECAND_KIND_X_CANDIDATE_IPV6,  /* a=x-candidate-ipv6, v19 syntax [MS-SDPEXT 3.1.5.21.1] */
    ICECAND_KIND_REMOTE_CANDIDATE,  /* a=remote-candidate:<username> (v6) */
    ICECAND_KIND_REMOTE_CANDIDATES, /* a=remote-candidates:<c> <a> <p> ... (v19) */
    ICECAND_KIND_ICE_UFRAG,         /* a=ice-ufrag (v19) */
    ICECAND_KIND_ICE_PWD,           /* a=ice-pwd (v19) */
    ICECAND_KIND_X_CANDIDATE_INFO,  /* a=x-candidate-info [MS-SDPEXT 3.1.5.36] */
    ICECAND_KIND_ICE_OPTIONS,       /* a=ice-options (ignored by MS) */
} icecand_kind_t;

/** icecand_transport_t: the transport token, exactly as written (any case). */
typedef enum {
    ICECAND_TRANSPORT_UNKNOWN = 0,  /* absent or not recognised */
    ICECAND_TRANSPORT_UDP,
    ICECAND_TRANSPORT_TCP,          /* v6 TCP (active and passive), or RFC 6544 "TCP" */
    ICECAND_TRANSPORT_TCP_ACT,      /* MS v19 "TCP-ACT": opens connections */
    ICECAND_TRANSPORT_TCP_PASS,     /* MS v19 "TCP-PASS": listens */
} icecand_transport_t;

/** icecand_tcptype_t: RFC 6544 tcptype value, and the TCP role of a candidate. */
typedef enum {
    ICECAND_TCPTYPE_NONE = 0,       /* no tcptype / not a TCP candidate */
    ICECAND_TCPTYPE_ACTIVE,
    ICECAND_TCPTYPE_PASSIVE,
    ICECAND_TCPTYPE_SO,             /* simultaneous open */
    ICECAND_TCPTYPE_ANY,            /* role only: TCP that may act either way (v6) */
} icecand_tcptype_t;

/** icecand_type_t: candidate type (v19 "typ"). v6 never encodes it. */
typedef enum {
    ICECAND_TYPE_UNKNOWN = 0,       /* v6 (not encoded: never guessed here) or bad */
    ICECAND_TYPE_HOST,
    ICECAND_TYPE_SRFLX,
    ICECAND_TYPE_PRFLX,
    ICECAND_TYPE_RELAY,
} icecand_type_t;

/** icecand_family_t: what an address token parsed as. */
typedef enum {
    ICECAND_FAMILY_NONE = 0,        /* absent or not a numeric address */
    ICECAND_FAMILY_IPV4 = 4,
    ICECAND_FAMILY_IPV6 = 6,
} icecand_family_t;

/** icecand_scope_t: where an address lives (icecand_ip_scope()). */
typedef enum {
    ICECAND_SCOPE_INVALID = 0,      /* not an address */
    ICECAND_SCOPE_PUBLIC,
    ICECAND_SCOPE_PRIVATE,          /* RFC 1918 10/8 172.16/12 192.168/16; fc00::/7 */
    ICECAND_SCOPE_CGNAT,            /* RFC 6598 100.64.0.0/10 */
    ICECAND_SCOPE_LINK_LOCAL,       /* 169.254/16; fe80::/10 */
    ICECAND_SCOPE_LOOPBACK,         /* 127/8; ::1 */
    ICECAND_SCOPE_UNSPECIFIED,      /* 0.0.0.0; :: */
    ICECAND_SCOPE_TEREDO,           /* RFC 4380 2001::/32 (MS clients use it) */
} icecand_scope_t;

/* ---- result ------------------------------------------------------------- */

/** icecand_span_t: bytes [offset, offset + length) of the input buffer. */
typedef struct {
    uint32_t offset;
    uint32_t length;                /* 0: absent */
} icecand_span_t;

/** icecand_num_t: a numeric token. */
typedef struct {
    icecand_span_t span;            /* the token as written */
    uint32_t       value;           /* meaningful only when valid */
    bool           valid;           /* present and in range for this field */
} icecand_num_t;

/** icecand_addr_t: an address token, parsed numerically. */
typedef struct {
    icecand_span_t   span;          /* the token as written */
    icecand_family_t family;        /* NONE: absent or not a numeric address */
    uint8_t          bytes[16];     /* network order; 4 used for IPv4 */
} icecand_addr_t;

/** icecand_ext_t: one extension pair (v19), or one x-candidate-info item. */
typedef struct {
    icecand_span_t name;            /* "generation"; x-candidate-info: "network-type" */
    icecand_span_t value;           /* "0"; "WLAN"; length 0 when missing */
} icecand_ext_t;

/** icecand_remote_t: one <component> <address> <port> of a=remote-candidates. */
typedef struct {
    icecand_num_t  component;
    icecand_addr_t address;
    icecand_num_t  port;
} icecand_remote_t;

/**
 * icecand_t:
 * Result of icecand_parse(). Lives on the caller's stack; spans point into
 * the caller's buffer. When status is ICECAND_NOT_ICE only kind, status,
 * problems and version are set (the common case is kept cheap); otherwise
 * every field is set, absent ones zeroed (span length 0, valid false).
 *
 * Which fields a kind fills:
 *   CANDIDATE v19, X_CANDIDATE_IPV6: foundation component transport priority
 *       address port type(+type_span) raddr rport tcptype ext[]
 *   CANDIDATE v6: username component password transport qvalue address port
 *       (type stays ICECAND_TYPE_UNKNOWN: v6 does not encode it)
 *   REMOTE_CANDIDATE: username
 *   REMOTE_CANDIDATES: remote[]
 *   ICE_UFRAG, ICE_PWD: value (the credential; ICE-19 length rules checked)
 *   X_CANDIDATE_INFO: foundation (first token without '=', if any), ext[]
 *       (key=value items, raw; an item without '=' has an empty value)
 *   ICE_OPTIONS: value, ext[] (option tags as names)
 */
typedef struct {
    icecand_kind_t   kind;
    icecand_status_t status;        /* most important problem: the lowest
                                     * value seen (status.h lists errors,
                                     * then warnings, then notes) */
    uint32_t         problems;      /* bit (1u << s) per status s seen */
    uint8_t          version;       /* 6 or 19 for candidate lines, else 0 */

    icecand_span_t   name;          /* "candidate" */
    icecand_span_t   value;         /* after ':' up to the end, trailing
                                     * white space trimmed */

    icecand_span_t   foundation;    /* v19 */
    icecand_span_t   username;      /* v6 candidate, remote-candidate */
    icecand_span_t   password;      /* v6 */
    icecand_num_t    component;     /* 1 RTP, 2 RTCP; icecand_component_to_string() */
    icecand_span_t   transport_span;
    icecand_transport_t transport;
    icecand_num_t    priority;      /* v19; icecand_priority_parts() */
    icecand_num_t    qvalue;        /* v6, thousandths: "0.830" -> 830 */
    icecand_addr_t   address;
    icecand_num_t    port;
    icecand_span_t   type_span;     /* the token after "typ" */
    icecand_type_t   type;
    icecand_addr_t   raddr;         /* v19, optional */
    icecand_num_t    rport;         /* v19, optional */
    icecand_span_t   tcptype_span;  /* RFC 6544 "tcptype" value, optional */
    icecand_tcptype_t tcptype;

    unsigned         n_ext;
    icecand_ext_t    ext[ICECAND_MAX_EXTENSIONS];

    unsigned         n_remote;
    icecand_remote_t remote[ICECAND_MAX_REMOTE];
} icecand_t;

/** icecand_prio_parts_t: a v19 priority taken apart. */
typedef struct {
    uint32_t type_pref;             /* priority >> 24: 126 host, 110 prflx, 100 srflx, 0 relay */
    uint32_t local_pref;            /* (priority >> 8) & 0xFFFF */
    uint32_t component;             /* 256 - (priority & 0xFF); 256 when the low byte is 0 */
} icecand_prio_parts_t;

/* ---- parsing ------------------------------------------------------------ */

/**
 * icecand_parse:
 * @buf: the attribute line after "a=", without CR/LF (may be NULL when @len is 0).
 * @len: bytes at @buf.
 * @out: filled in; out->status is also returned.
 *
 * Returns ICECAND_NOT_ICE for any other attribute after looking at the first
 * byte and the name only. For a=candidate the version is decided by syntax:
 * v19 has "typ" as its 7th token [sipe parse_candidates]; see icecand.c.
 */
icecand_status_t icecand_parse(const char *buf, size_t len, icecand_t *out);

/**
 * icecand_has_problem:
 * TRUE when @status was seen while parsing @c (not only the most important one).
 */
static inline bool icecand_has_problem(const icecand_t *c, icecand_status_t status)
{
    return status < ICECAND_STATUS_COUNT && (c->problems & (1u << status)) != 0;
}

/**
 * icecand_status_is_error:
 * TRUE for statuses that mean a field could not be read (TRUNCATED ..
 * BAD_RPORT); FALSE for OK, NOT_ICE, warnings and notes.
 */
bool icecand_status_is_error(icecand_status_t status);

/**
 * icecand_check_credentials:
 * @ufrag_len: length of the a=ice-ufrag value.
 * @pwd_len: length of the a=ice-pwd value.
 *
 * The two live on separate lines, so icecand_parse() cannot see both; call
 * this once both are known for a media description. Returns
 * ICECAND_AMBIGUOUS_CREDENTIALS for a 6-character ufrag with a 32-character
 * pwd (MS decides whether credentials are base64 by their lengths, so offers
 * SHOULD avoid that combination [MS-SDPEXT 3.1.5.21.5]), else ICECAND_OK.
 */
icecand_status_t icecand_check_credentials(size_t ufrag_len, size_t pwd_len);

/* ---- priorities (v19) --------------------------------------------------- */

/**
 * icecand_priority_parts:
 * ICE-19 4.1.2.1 (RFC 5245 4.1.2.1):
 *   priority = 2^24 * type_pref + 2^8 * local_pref + (256 - component)
 */
static inline icecand_prio_parts_t icecand_priority_parts(uint32_t priority)
{
    icecand_prio_parts_t p;
    p.type_pref = priority >> 24;
    p.local_pref = (priority >> 8) & 0xFFFFu;
    p.component = 256u - (priority & 0xFFu);
    return p;
}

/**
 * icecand_priority_compute:
 * The ICE-19 formula; @type_pref 0-126, @local_pref 0-65535, @component 1-256.
 * Out-of-range inputs are masked to their field widths.
 */
static inline uint32_t icecand_priority_compute(uint32_t type_pref, uint32_t local_pref,
                                                uint32_t component)
{
    return ((type_pref & 0xFFu) << 24) | ((local_pref & 0xFFFFu) << 8) |
           ((256u - component) & 0xFFu);
}

/* ---- names -------------------------------------------------------------- */

const char *icecand_kind_to_string(icecand_kind_t kind);
/** icecand_type_to_string: "host", "srflx", "prflx", "relay", "unknown". */
const char *icecand_type_to_string(icecand_type_t type);
/** icecand_transport_to_string: "UDP", "TCP", "TCP-ACT", "TCP-PASS", "unknown". */
const char *icecand_transport_to_string(icecand_transport_t transport);
/** icecand_tcptype_to_string: "active", "passive", "so", "active or passive", "none". */
const char *icecand_tcptype_to_string(icecand_tcptype_t tcptype);
const char *icecand_scope_to_string(icecand_scope_t scope);

/**
 * icecand_component_to_string:
 * @component: component id.
 * @buf: room for "component 4294967295" (ICECAND_COMPONENT_STR_LEN bytes).
 * @size: size of @buf.
 *
 * Returns "RTP" for 1 and "RTCP" for 2 (static strings), else writes
 * "component N" into @buf and returns @buf.
 */
#define ICECAND_COMPONENT_STR_LEN 24u
const char *icecand_component_to_string(uint32_t component, char *buf, size_t size);

/**
 * icecand_tcp_role:
 * The TCP role of a candidate line: ACTIVE for TCP-ACT or "TCP ... tcptype
 * active", PASSIVE for TCP-PASS or tcptype passive, SO for tcptype so, ANY
 * for v6 TCP or TCP without tcptype, NONE for UDP and unknown transports.
 */
icecand_tcptype_t icecand_tcp_role(const icecand_t *c);

/* ---- addresses ---------------------------------------------------------- */

/**
 * icecand_ip_scope:
 * @bytes: an address in network order.
 * @len: 4 (IPv4) or 16 (IPv6); anything else gives ICECAND_SCOPE_INVALID.
 *
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is classified by its IPv4 part. Teredo
 * (2001::/32) is its own scope: it is a tunnel, neither private nor plainly
 * public.
 */
icecand_scope_t icecand_ip_scope(const uint8_t *bytes, size_t len);

/** icecand_addr_scope: icecand_ip_scope() of a parsed address token. */
icecand_scope_t icecand_addr_scope(const icecand_addr_t *addr);

/**
 * icecand_scope_is_private:
 * TRUE for PRIVATE, CGNAT and LINK_LOCAL: addresses that do not route on the
 * Internet, so a candidate with one is a host candidate behind a NAT (or a
 * carrier NAT). Teredo, loopback and unspecified are FALSE: test them apart.
 */
static inline bool icecand_scope_is_private(icecand_scope_t scope)
{
    return scope == ICECAND_SCOPE_PRIVATE || scope == ICECAND_SCOPE_CGNAT ||
           scope == ICECAND_SCOPE_LINK_LOCAL;
}

/**
 * icecand_parse_ip:
 * Strict numeric address parser used for every address token: dotted quad
 * (no leading zeros, each octet 0-255) or RFC 4291 2.2 IPv6 text (optional
 * "::", optional trailing dotted quad; no zone id, no brackets).
 * Returns the family, ICECAND_FAMILY_NONE when @s is not an address.
 */
icecand_family_t icecand_parse_ip(const char *s, size_t len, uint8_t out[16]);

#endif /* MSICE_ICECAND_H */
