/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mras.h - MRAS body reader (pure C + GLib, no epan).
 *
 * Reads an application/msrtc-media-relay-auth+xml body ([MS-AVEDGEA]
 * 2.2.3, 2.2.4) into an mras_doc_t: the <request> a client sends in a SIP
 * SERVICE, or the <response> with MS-TURN credentials and A/V Edge relays.
 *
 * The XML backend is GLib's GMarkup, wrapped so it can be swapped later.
 * GLib documents GMarkup as unfit for untrusted input, so mras_parse()
 * checks size, NUL bytes and the first byte before parsing, hands GMarkup
 * only the valid UTF-8 prefix of the body (the first invalid byte, even in
 * a comment, ends the parse with MRAS_BAD_UTF8 at that byte), and its
 * callbacks stop the parse (with a status saying why) as soon as a depth,
 * element, attribute, value-length or list limit is reached. The limits are
 * named at the top of mras.c.
 *
 * GMarkup gives no byte offsets, so the doc holds values only (no spans):
 * the epan layer attaches MRAS items to the body's range. On a parse error
 * it holds GMarkup's line and column and a message.
 *
 * Names are matched by local name ("m:response" matches "response"); the
 * namespace of every element the reader interprets is resolved and compared
 * with MRAS_NAMESPACE (doc->ns). Unknown elements and attributes are
 * skipped (their children too) but count toward the limits.
 */
#ifndef MSICE_MRAS_H
#define MSICE_MRAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/** MRAS_NAMESPACE: the default namespace of MRAS bodies ([MS-AVEDGEA] 2.2). */
#define MRAS_NAMESPACE "http://schemas.microsoft.com/2006/09/sip/mrasp"

/** MRAS_MAX_CREDENTIALS: credentialsRequest / credentialsResponse 1..100 (0..100). */
#define MRAS_MAX_CREDENTIALS 100u

/** mras_kind_t: which root element the body has. */
typedef enum {
    MRAS_KIND_UNKNOWN = 0, /* no root yet (empty, truncated) or not request/response */
    MRAS_KIND_REQUEST,     /* <request>: client to MRAS, in a SIP SERVICE */
    MRAS_KIND_RESPONSE,    /* <response>: MRAS to client, in the 200 OK */
} mras_kind_t;

/** mras_ns_t: the namespace the interpreted elements are in. */
typedef enum {
    MRAS_NS_EXPECTED = 0,  /* MRAS_NAMESPACE */
    MRAS_NS_NONE,          /* no default xmlns, or a prefix that was never declared */
    MRAS_NS_OTHER,         /* some other URI (doc->ns_uri) */
} mras_ns_t;

/**
 * mras_reason_t: reasonPhraseType ([MS-AVEDGEA] 2.2.4.7). The strings are
 * compared exactly (case and spaces); anything else is MRAS_REASON_UNKNOWN
 * and is displayed, not rejected.
 */
typedef enum {
    MRAS_REASON_NONE = 0,            /* attribute absent */
    MRAS_REASON_OK,                  /* "OK" */
    MRAS_REASON_REQUEST_MALFORMED,   /* "Request Malformed" */
    MRAS_REASON_REQUEST_TOO_LARGE,   /* "Request Too Large" */
    MRAS_REASON_NOT_SUPPORTED,       /* "Not Supported" */
    MRAS_REASON_SERVER_BUSY,         /* "Server Busy" */
    MRAS_REASON_TIME_OUT,            /* "Time Out" */
    MRAS_REASON_FORBIDDEN,           /* "Forbidden" */
    MRAS_REASON_INTERNAL_ERROR,      /* "Internal Server Error" */
    MRAS_REASON_OTHER_FAILURE,       /* "Other Failure" */
    MRAS_REASON_VERSION_MISMATCH,    /* "Version Mismatch" */
    MRAS_REASON_UNKNOWN,             /* present, not a documented value */
} mras_reason_t;

/** mras_location_t: locationType ("internet" | "intranet"). */
typedef enum {
    MRAS_LOCATION_NONE = 0,  /* element absent */
    MRAS_LOCATION_INTERNET,
    MRAS_LOCATION_INTRANET,
    MRAS_LOCATION_UNKNOWN,   /* present, another value (kept in the text) */
} mras_location_t;

/**
 * mras_severity_t: what the epan layer should make of a finding; maps to
 * PI_CHAT / PI_NOTE / PI_WARN / PI_ERROR.
 */
typedef enum {
    MRAS_SEV_CHAT = 0,
    MRAS_SEV_NOTE,
    MRAS_SEV_WARN,
    MRAS_SEV_ERROR,
} mras_severity_t;

/** mras_match_t: result of comparing a response with its request. */
typedef enum {
    MRAS_MATCH_UNKNOWN = 0, /* an id is missing on either side, or wrong kinds */
    MRAS_MATCH_YES,
    MRAS_MATCH_NO,
} mras_match_t;

/**
 * mras_duration_t: a positiveInteger in minutes (request: asked for;
 * response: granted). Parsed strictly: optional XML whitespace around
 * ASCII digits only, 1..UINT32_MAX.
 */
typedef struct {
    bool     present;  /* element seen */
    bool     valid;    /* text is a positive integer in range */
    uint32_t minutes;  /* 0 unless valid */
    char    *text;     /* as written; NULL when absent */
} mras_duration_t;

/** mras_port_t: udpPort / tcpPort, an unsignedShort (0..65535). */
typedef struct {
    bool     present;  /* element seen */
    bool     valid;    /* text is an integer 0..65535 */
    uint16_t value;    /* 0 unless valid */
    char    *text;     /* as written; NULL when absent */
} mras_port_t;

/** mras_cred_req_t: one <credentialsRequest> ([MS-AVEDGEA] 2.2.3.1.1). */
typedef struct {
    char           *credentials_request_id; /* @credentialsRequestID */
    char           *identity;
    char           *location;               /* text as written */
    mras_location_t location_kind;
    mras_duration_t duration;
} mras_cred_req_t;

/** mras_relay_t: one <mediaRelay> ([MS-AVEDGEA] 2.2.3.1.3.2, 2.2.4.4). */
typedef struct {
    char           *location;               /* text as written */
    mras_location_t location_kind;
    char           *host_name;              /* hostName */
    char           *direct_ip;              /* directIPAddress, text as written */
    mras_port_t     udp_port;
    mras_port_t     tcp_port;
} mras_relay_t;

/** mras_cred_resp_t: one <credentialsResponse> ([MS-AVEDGEA] 2.2.3.1.3). */
typedef struct {
    char           *credentials_request_id; /* @credentialsRequestID */
    bool            has_credentials;        /* <credentials> element seen */
    char           *username;               /* base64 text, as written */
    char           *password;               /* base64 text, as written */
    mras_duration_t duration;               /* granted lifetime */
    char           *realm;
    bool            has_relay_list;         /* <mediaRelayList> element seen */
    unsigned        n_relays;
    mras_relay_t   *relays;                 /* n_relays entries; NULL when 0 */
} mras_cred_resp_t;

/**
 * mras_doc_t: result of mras_parse().
 *
 * Owned by the caller and freed with one mras_doc_free(); every string and
 * array in it belongs to the doc. Strings are NUL-terminated, valid UTF-8
 * (only the valid UTF-8 prefix is parsed), with entities already replaced;
 * NULL means the attribute or element was absent. When status is an error the doc still
 * holds what was read before the parse stopped: attribute values of every
 * start tag seen, and the text of every element that was closed.
 *
 * When a value occurs more than once where one is expected (two <username>
 * in one <credentials>), the first is kept.
 */
typedef struct {
    mras_status_t status;        /* same as mras_parse()'s return */
    mras_kind_t   kind;
    char         *root_name;     /* root element's name as written; NULL if none */

    /* Namespace verdict over the root and every interpreted element, valid
     * whatever the status. ns_uri is the URI of the first interpreted
     * element not in MRAS_NAMESPACE, else the root's; NULL when none. */
    mras_ns_t     ns;
    char         *ns_uri;

    /* Parse error position (GMarkup's: 1-based line, and 1-based byte
     * count within the line, a UTF-8 byte order mark not counted; on lines
     * after the first GMarkup counts the newline as the line's first byte,
     * so the column is one more than an editor's; for MRAS_BAD_UTF8 it is
     * the first invalid byte, in the same convention) and
     * message (valid UTF-8, at most ~200 characters, without GMarkup's
     * "Error on line N char M: " prefix). error_line is 0 when the body was
     * rejected before parsing (MRAS_TOO_LARGE, MRAS_NUL_BYTE, ...) or parsed
     * without error; error_message is then NULL. */
    int           error_line;
    int           error_column;
    char         *error_message;

    /* Attributes of the root element (both kinds). */
    char         *request_id;    /* @requestID */
    char         *version;       /* @version */
    char         *to;            /* @to */
    char         *from;          /* @from */

    /* <request> only. */
    char         *route;         /* @route: "loadbalanced" | "directip" */
    unsigned      n_cred_reqs;
    mras_cred_req_t *cred_reqs;  /* n_cred_reqs entries; NULL when 0 */

    /* <response> only. */
    char         *server_version;  /* @serverVersion */
    char         *reason_phrase;   /* @reasonPhrase as written */
    mras_reason_t reason;
    unsigned      n_cred_resps;
    mras_cred_resp_t *cred_resps;  /* n_cred_resps entries; NULL when 0 */

    /* What the reader walked (all elements, known or not). */
    unsigned      n_elements;
    unsigned      max_depth;       /* deepest element seen; root = 1 */
    unsigned      n_unknown_elements;
    unsigned      n_unknown_attributes;
} mras_doc_t;

/* ---- parsing ---------------------------------------------------------- */

/**
 * mras_parse:
 * @buf: the body; not NUL terminated; may be NULL when @len is 0.
 * @len: bytes at @buf.
 * @out: (out) (transfer full): always set to a new doc, also on error.
 *   Free it with mras_doc_free().
 *
 * Returns: (*out)->status. MRAS_OK or MRAS_WRONG_NAMESPACE mean the whole
 * body was read; every other value says why it was not (the doc then holds
 * what was read before that).
 */
mras_status_t mras_parse(const char *buf, size_t len, mras_doc_t **out);

/**
 * mras_doc_free:
 * @doc: (transfer full) (nullable): a doc from mras_parse().
 *
 * Frees the doc and everything in it. NULL is allowed.
 */
void mras_doc_free(mras_doc_t *doc);

/* ---- value tables ----------------------------------------------------- */

/** mras_reason_from_string: exact, case-sensitive; NULL gives MRAS_REASON_NONE. */
mras_reason_t mras_reason_from_string(const char *s);

/** mras_reason_to_string: the documented string, "(absent)" or "(unknown)". */
const char *mras_reason_to_string(mras_reason_t reason);

/**
 * mras_reason_severity: the severity of [MS-AVEDGEA] 2.2.4.7 as the digest
 * tabulates it: chat for OK, warning for Not Supported / Server Busy /
 * Time Out (retry may work), error for the other documented failures and
 * for unknown values; note for an absent reasonPhrase (raised separately as
 * a missing attribute).
 */
mras_severity_t mras_reason_severity(mras_reason_t reason);

/** mras_location_to_string: "internet", "intranet", "(absent)", "(unknown)". */
const char *mras_location_to_string(mras_location_t loc);

/* ---- semantic checks (pure, over a parsed doc) ------------------------ */

/**
 * mras_response_failed:
 * @doc: a doc.
 * @severity: (out) (optional): mras_reason_severity() of its reason.
 *
 * Returns: TRUE for a response whose reasonPhrase is present and is not
 * "OK" (documented failure or unknown value).
 */
bool mras_response_failed(const mras_doc_t *doc, mras_severity_t *severity);

/**
 * mras_response_lacks_credentials:
 * TRUE for a response that does not report failure (reasonPhrase "OK" or
 * absent) yet has no credentialsResponse with a <credentials> holding both
 * username and password. A failed response is reported by
 * mras_response_failed() instead.
 */
bool mras_response_lacks_credentials(const mras_doc_t *doc);

/**
 * mras_response_lacks_relays:
 * TRUE for a response that does not report failure (as above) and holds no
 * mediaRelay at all: the client has no A/V Edge to allocate on.
 */
bool mras_response_lacks_relays(const mras_doc_t *doc);

/** mras_relay_lacks_port: TRUE when neither udpPort nor tcpPort is present. */
bool mras_relay_lacks_port(const mras_relay_t *relay);

/**
 * mras_relay_lacks_address: TRUE when neither hostName nor directIPAddress
 * is present ([MS-AVEDGEA] 2.2.3.1.3.2: one of them MUST be).
 */
bool mras_relay_lacks_address(const mras_relay_t *relay);

/** mras_duration_is_bad: TRUE when the element is present but not a positive integer. */
bool mras_duration_is_bad(const mras_duration_t *duration);

/** mras_port_is_bad: TRUE when the element is present but not 0..65535. */
bool mras_port_is_bad(const mras_port_t *port);

/**
 * mras_response_matches_request:
 * @resp: a doc of kind MRAS_KIND_RESPONSE.
 * @req: the doc of the request it answers (same SIP transaction).
 *
 * Returns: MRAS_MATCH_YES / _NO comparing response/@requestID with
 * request/@requestID (exact string compare); MRAS_MATCH_UNKNOWN when either
 * id is absent (a response to a malformed request may omit it) or the docs
 * are not a response and a request.
 */
mras_match_t mras_response_matches_request(const mras_doc_t *resp, const mras_doc_t *req);

/**
 * mras_cred_resp_matches_request:
 * @cr: one credentialsResponse of a response.
 * @req: the request doc.
 *
 * Returns: MRAS_MATCH_YES when @req has a credentialsRequest with the same
 * credentialsRequestID, _NO when it has none, _UNKNOWN when an id is absent
 * or @req is not a request.
 */
mras_match_t mras_cred_resp_matches_request(const mras_cred_resp_t *cr,
                                            const mras_doc_t *req);

/**
 * mras_find_cred_req:
 * Returns: the credentialsRequest of @req with @credentials_request_id, or
 * NULL.
 */
const mras_cred_req_t *mras_find_cred_req(const mras_doc_t *req,
                                          const char *credentials_request_id);

/**
 * mras_finding_t: one problem found by mras_check(). The indexes say where
 * to attach it: cred_index into cred_reqs (request) or cred_resps
 * (response), relay_index into that credentialsResponse's relays; -1 when
 * the finding is about the whole body.
 */
typedef struct {
    mras_check_t    check;
    mras_severity_t severity;
    int             cred_index;
    int             relay_index;
    const char     *detail;   /* static string (e.g. the missing attribute's name) or NULL */
} mras_finding_t;

/**
 * mras_check:
 * @doc: a parsed doc (any status; a partial doc is checked as far as it goes,
 *   but "missing" findings are only raised when status is MRAS_OK or
 *   MRAS_WRONG_NAMESPACE, since a stopped parse did not see the whole body).
 * @req: (nullable): for a response, the request it answers; enables the
 *   MRAS_CHECK_*_MISMATCH and MRAS_CHECK_DURATION_SHORTENED findings.
 * @out: (out caller-allocates) (array length=max) (nullable): findings.
 * @max: room at @out.
 *
 * Runs every semantic check, in document order.
 *
 * Returns: the number of findings, which may exceed @max (only the first
 * @max are written), like snprintf.
 */
size_t mras_check(const mras_doc_t *doc, const mras_doc_t *req,
                  mras_finding_t *out, size_t max);

#endif /* MSICE_MRAS_H */
