/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msdiag.h - SIP headers that explain media failures (pure C, no epan).
 *
 * Input: the VALUE of one SIP header as Wireshark's SIP dissector hands it
 * to the "sip.hdr" table: the bytes after "Name:" and the white space after
 * the colon, up to the end of the header (folded lines included, final CRLF
 * excluded), not NUL terminated. Which header it is comes from its name
 * (msdiag_header_from_name()).
 *
 *   ms-client-diagnostics:      51007;reason="...";CalleeMediaDebug="audio:ICEWarn=0x0,..."
 *   ms-diagnostics:             1034.2;reason="...";source="sip.contoso.com"
 *   ms-diagnostics-public:      1034;reason="..."
 *   ms-endpoint-location-data:  NetworkScope;ms-media-location-type=Intranet
 *   ms-subnet:                  192.168.66.0
 *
 * msdiag_parse() fills an msdiag_t: values plus an {offset, length} span per
 * item, relative to the start of the value, so the epan layer can highlight
 * exact bytes. Nothing is allocated and nothing needs freeing; the result
 * lives on the caller's stack (about 6 KiB) and its spans point into the
 * caller's buffer.
 *
 * A problem in one item does not stop the parse: every other item is still
 * read. msdiag_t.status names the most important problem and
 * msdiag_t.problems has one bit per problem seen.
 *
 * Sources: shared/specs/sip-diagnostics.md ([MS-OCER] 2.2.1.1/2.2.1.2 for
 * ms-diagnostics; real Lync 2013 / SfB messages for ms-client-diagnostics,
 * whose format no spec retrieved so far describes).
 */
#ifndef MSICE_MSDIAG_H
#define MSICE_MSDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* ---- named limits ------------------------------------------------------- */

/* Longest header value read at all (a SIP message over UDP is at most
 * 64 KiB); anything longer gives MSDIAG_TOO_LONG. */
#define MSDIAG_MAX_LEN          65535u
/* key=value items kept per Caller/CalleeMediaDebug; more -> MSDIAG_TOO_MANY_ITEMS. */
#define MSDIAG_MAX_ITEMS        32u
/* MediaDebug parameters kept per header (one caller, one callee). */
#define MSDIAG_MAX_MEDIA_DEBUG  2u
/* Other (generic) parameters kept per header; more -> MSDIAG_TOO_MANY_PARAMS. */
#define MSDIAG_MAX_PARAMS       16u
/* Parameters looked at before giving up on a header (bounds the work on a
 * value made of 30000 ';'). */
#define MSDIAG_MAX_PARAM_SCAN   256u

/* ---- enums -------------------------------------------------------------- */

/** msdiag_header_t: which header the value came from. */
typedef enum {
    MSDIAG_HDR_UNKNOWN = 0,
    MSDIAG_HDR_CLIENT_DIAGNOSTICS,  /* ms-client-diagnostics (sent by a client) */
    MSDIAG_HDR_DIAGNOSTICS,         /* ms-diagnostics (server) [MS-OCER 2.2.1.1] */
    MSDIAG_HDR_DIAGNOSTICS_PUBLIC,  /* ms-diagnostics-public (server, no source) [MS-OCER 2.2.1.2] */
    MSDIAG_HDR_LOCATION,            /* ms-endpoint-location-data */
    MSDIAG_HDR_SUBNET,              /* ms-subnet */
} msdiag_header_t;

/** msdiag_role_t: which party a MediaDebug parameter describes. */
typedef enum {
    MSDIAG_ROLE_CALLER = 0,         /* CallerMediaDebug */
    MSDIAG_ROLE_CALLEE,             /* CalleeMediaDebug */
} msdiag_role_t;

/** msdiag_key_t: the well-known MediaDebug keys (matched in any case). */
typedef enum {
    MSDIAG_KEY_OTHER = 0,           /* not interpreted: shown as key=value */
    MSDIAG_KEY_ICEWARN,             /* hex bitmask, msdiag_icewarn_bits[] */
    MSDIAG_KEY_LOCAL_SITE,          /* ip:port */
    MSDIAG_KEY_REMOTE_SITE,         /* ip:port */
    MSDIAG_KEY_LOCAL_MR,            /* ip:port of the local media relay (A/V Edge) */
    MSDIAG_KEY_REMOTE_MR,           /* ip:port */
    MSDIAG_KEY_BASE_ADDRESS,        /* ip:port */
    MSDIAG_KEY_LOCAL_MR_TCP_PORT,   /* decimal port */
    MSDIAG_KEY_REMOTE_MR_TCP_PORT,  /* decimal port */
    MSDIAG_KEY_PORT_RANGE,          /* min:max */
    MSDIAG_KEY_LOCAL_LOCATION,      /* 0/1/2, msdiag_location_to_string() (inferred) */
    MSDIAG_KEY_REMOTE_LOCATION,     /* 0/1/2 (inferred) */
    MSDIAG_KEY_FEDERATION_TYPE,     /* 0/1/2, msdiag_federation_to_string() (inferred) */
    MSDIAG_KEY_INTERFACES,          /* hex bitmask (bit meanings unknown) */
    MSDIAG_KEY_BASE_INTERFACE,      /* hex bitmask (bit meanings unknown) */
    MSDIAG_KEY_NETWORK_NAME,        /* text */
    MSDIAG_KEY_COUNT
} msdiag_key_t;

/** msdiag_location_t: ms-media-location-type, and the Local/RemoteLocation
 * numbers (0 unknown, 1 Internet, 2 Intranet: inferred from the MS-TURNBWM
 * Location Profile enum and the samples, unconfirmed). */
typedef enum {
    MSDIAG_LOCATION_UNKNOWN = 0,
    MSDIAG_LOCATION_INTERNET = 1,   /* remote user: media only through the Edge */
    MSDIAG_LOCATION_INTRANET = 2,   /* inside the corporate network */
} msdiag_location_t;

/* ---- result ------------------------------------------------------------- */

/** msdiag_span_t: bytes [offset, offset + length) of the input buffer. */
typedef struct {
    uint32_t offset;
    uint32_t length;                /* 0: absent or empty */
} msdiag_span_t;

/**
 * msdiag_kv_t: one key=value item of a MediaDebug parameter.
 *
 * Which value fields a kind fills (only when @valid):
 *   ICEWARN, INTERFACES, BASE_INTERFACE: num (the bitmask)
 *   LOCAL_MR_TCP_PORT, REMOTE_MR_TCP_PORT: num (the port)
 *   LOCAL/REMOTE_LOCATION, FEDERATION_TYPE: num (0-255)
 *   PORT_RANGE: num (min), num2 (max)
 *   *_SITE, *_MR, BASE_ADDRESS: host (span), num (port), family
 *   NETWORK_NAME, OTHER: nothing beyond the spans
 */
typedef struct {
    msdiag_span_t item;             /* the trimmed item, "LocalSite=10.0.0.5:20702" */
    msdiag_span_t key;              /* "LocalSite" */
    msdiag_span_t value;            /* "10.0.0.5:20702"; length 0 when empty */
    msdiag_key_t  kind;
    bool          has_eq;           /* an '=' was present */
    bool          valid;            /* value non-empty and well formed for its kind */
    uint8_t       family;           /* addresses: 4 or 6 */
    uint32_t      num;
    uint32_t      num2;
    msdiag_span_t host;             /* addresses: the part before the port */
} msdiag_kv_t;

/** msdiag_media_debug_t: one Caller/CalleeMediaDebug="<media>:<k=v,...>". */
typedef struct {
    msdiag_role_t role;
    msdiag_span_t param;            /* the whole parameter, name to closing quote */
    msdiag_span_t value;            /* inside the quotes */
    msdiag_span_t media;            /* "audio", "video", "application-sharing" */
    unsigned      n_items;
    msdiag_kv_t   items[MSDIAG_MAX_ITEMS];
    int           icewarn_item;     /* index in items[] of the first valid ICEWarn, -1: none */
} msdiag_media_debug_t;

/** msdiag_param_t: a parameter that is not interpreted (kept as name=value). */
typedef struct {
    msdiag_span_t param;            /* the whole parameter */
    msdiag_span_t name;
    msdiag_span_t value;            /* unquoted; length 0 when absent */
    bool          quoted;
} msdiag_param_t;

/**
 * msdiag_t:
 * Result of msdiag_parse(). Every field is set; absent ones are zeroed
 * (span length 0, has_* false).
 *
 * Which fields a header fills:
 *   CLIENT_DIAGNOSTICS, DIAGNOSTICS, DIAGNOSTICS_PUBLIC: code, subcode,
 *       reason, source, debug[] (client only: MediaDebug is only read from
 *       ms-client-diagnostics), params[]
 *   LOCATION: scope, location_span, location, params[] (other parameters)
 *   SUBNET: subnet, subnet_family
 */
typedef struct {
    msdiag_header_t header;
    msdiag_status_t status;         /* most important problem (lowest value seen) */
    uint32_t        problems;       /* bit (1u << s) per status s seen */
    msdiag_span_t   value;          /* the value, surrounding white space trimmed */

    /* diagnostics headers */
    bool            has_code;
    uint32_t        code;           /* ErrorId, e.g. 23, 51007 */
    msdiag_span_t   code_span;      /* the ErrorId as written, even when bad */
    bool            has_subcode;
    uint32_t        subcode;        /* "<ErrorId>.<SubCode>" */
    msdiag_span_t   subcode_span;
    msdiag_span_t   reason_param;   /* reason="..." as a whole */
    msdiag_span_t   reason;         /* inside the quotes, escapes still in */
    bool            reason_escaped; /* reason has a backslash escape: msdiag_unescape() */
    msdiag_span_t   source_param;
    msdiag_span_t   source;
    bool            source_escaped;
    unsigned        n_debug;
    msdiag_media_debug_t debug[MSDIAG_MAX_MEDIA_DEBUG];   /* in order of appearance */

    /* ms-endpoint-location-data */
    msdiag_span_t   scope;          /* "NetworkScope" */
    msdiag_span_t   location_span;  /* the ms-media-location-type value */
    msdiag_location_t location;

    /* ms-subnet */
    msdiag_span_t   subnet;         /* the address as written */
    uint8_t         subnet_family;  /* 4, 6, or 0 when not an address */

    /* other parameters, in order */
    unsigned        n_params;
    msdiag_param_t  params[MSDIAG_MAX_PARAMS];
} msdiag_t;

/* ---- parsing ------------------------------------------------------------ */

/**
 * msdiag_header_from_name:
 * The header a SIP header name stands for (any case, no surrounding white
 * space), MSDIAG_HDR_UNKNOWN for any other name.
 */
msdiag_header_t msdiag_header_from_name(const char *name, size_t len);

/**
 * msdiag_parse:
 * @header: which header the value belongs to.
 * @buf: the header value (may be NULL when @len is 0); not NUL terminated.
 * @len: bytes at @buf.
 * @out: filled in; out->status is also returned.
 *
 * Never reads outside [buf, buf + len).
 */
msdiag_status_t msdiag_parse(msdiag_header_t header, const char *buf, size_t len, msdiag_t *out);

/** msdiag_has_problem: TRUE when @status was seen while parsing @d. */
static inline bool msdiag_has_problem(const msdiag_t *d, msdiag_status_t status)
{
    return status < MSDIAG_STATUS_COUNT && (d->problems & (1u << status)) != 0;
}

/**
 * msdiag_status_is_error:
 * TRUE for statuses that mean a value could not be read (EMPTY ..
 * BAD_SUBNET); FALSE for OK and the warnings and notes after them.
 */
bool msdiag_status_is_error(msdiag_status_t status);

/**
 * msdiag_first_icewarn:
 * The first MediaDebug of @d (in order of appearance) with a valid ICEWarn,
 * NULL when none has one.
 */
const msdiag_media_debug_t *msdiag_first_icewarn(const msdiag_t *d);

/**
 * msdiag_is_media_failure:
 * TRUE for ms-client-diagnostics codes 23 and 24 (media connectivity failure,
 * one or both endpoints remote). Server ErrorIds 23/24 (range 0-999, "common")
 * mean something else, so only client diagnostics count.
 */
bool msdiag_is_media_failure(const msdiag_t *d);

/**
 * msdiag_unescape:
 * @src: a quoted-string's inside (RFC 3261 25.1), e.g. msdiag_t.reason.
 * @len: bytes at @src.
 * @dst: room for @len + 1 bytes.
 *
 * Writes @src with each quoted-pair ("\x") replaced by x, NUL terminated
 * (NUL bytes in the input are written as '?'). Returns the length written.
 */
size_t msdiag_unescape(const char *src, size_t len, char *dst);

/* ---- ICEWarn (Lync Resource Kit table, sip-diagnostics.md 3.1) ----------- */

/* Bits with a published meaning; others are shown as unknown hex. */
#define MSDIAG_ICEWARN_KNOWN_MASK 0x3FFu

/** msdiag_icewarn_bit_t: one named ICEWarn bit. */
typedef struct {
    uint32_t    bit;
    const char *id;       /* short name for filter fields: "turn_unreachable" */
    const char *name;     /* "TURN server unreachable" */
} msdiag_icewarn_bit_t;

/* The ten named bits, lowest first. */
#define MSDIAG_ICEWARN_N_BITS 10u
extern const msdiag_icewarn_bit_t msdiag_icewarn_bits[MSDIAG_ICEWARN_N_BITS];

/** msdiag_icewarn_bit_name: the name of one bit, NULL when not a named bit. */
const char *msdiag_icewarn_bit_name(uint32_t bit);

/**
 * msdiag_icewarn_describe:
 * Writes the named bits of @icewarn, comma separated, then "unknown bits
 * 0x..." for the rest; "none" for 0. Returns @buf (always NUL terminated
 * when @size > 0; cut short when too small). MSDIAG_ICEWARN_STR_LEN is
 * enough for any value.
 */
#define MSDIAG_ICEWARN_STR_LEN 400u
const char *msdiag_icewarn_describe(uint32_t icewarn, char *buf, size_t size);

/* ---- names -------------------------------------------------------------- */

/** msdiag_header_to_string: "ms-client-diagnostics", ... */
const char *msdiag_header_to_string(msdiag_header_t header);
/** msdiag_key_to_string: the key as MS writes it, "ICEWarn", ...; "other". */
const char *msdiag_key_to_string(msdiag_key_t key);
/** msdiag_role_to_string: "caller", "callee". */
const char *msdiag_role_to_string(msdiag_role_t role);
/** msdiag_location_to_string: "Intranet", "Internet", "unknown" (numbers: inferred). */
const char *msdiag_location_to_string(uint32_t location);
/** msdiag_federation_to_string: 0 "none", 1 "enterprise federation",
 * 2 "public-cloud federation" (inferred), else "unknown". */
const char *msdiag_federation_to_string(uint32_t federation);

#endif /* MSICE_MSDIAG_H */
