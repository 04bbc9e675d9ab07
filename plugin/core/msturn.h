/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msturn.h - MS-TURN message walker (pure C, no epan).
 *
 * Validate, then read: msturn_parse() checks the header and walks every
 * attribute once, recording each one's type and byte span and whether its
 * value is well formed for its type. The accessors then read values out of
 * the caller's buffer. Nothing is allocated; nothing needs freeing. All
 * offsets are relative to the start of the buffer handed to msturn_parse().
 *
 * The same walker decodes the STUN connectivity checks relayed inside DATA:
 * MS-ICE2 checks (RFC 5389 layout, padded) and MS-ICE v6 checks (RFC 3489
 * layout, unpadded). See msturn-consts.h for how the dialects differ.
 */
#ifndef MSICE_MSTURN_H
#define MSICE_MSTURN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

#include "msturn-consts.h"
#include "status.h"

/* Named limits. A real message carries fewer than 30 attributes. */
#define MSTURN_MAX_ATTRS 64u

/** msturn_padding_t: how attribute values are aligned. */
typedef enum {
    MSTURN_PAD_NONE = 0, /* MS-TURN, MS-ICE v6 checks */
    MSTURN_PAD_4    = 1, /* RFC 5389 / MS-ICE2 checks */
} msturn_padding_t;

/** msturn_dialect_t: what the message is, decided from its own bytes. */
typedef enum {
    MSTURN_DIALECT_MSTURN = 0, /* first attribute is MAGIC-COOKIE */
    MSTURN_DIALECT_ICE2,       /* RFC 5389 cookie in bytes 4..7, padded */
    MSTURN_DIALECT_CLASSIC,    /* RFC 3489 / MS-ICE v6 check, unpadded */
} msturn_dialect_t;

/** msturn_kind_t: how an attribute's value is laid out. */
typedef enum {
    MSTURN_KIND_OPAQUE = 0,
    MSTURN_KIND_ADDRESS,        /* reserved, family, port, address (plain) */
    MSTURN_KIND_XOR_ADDRESS,    /* same, port/address XOR transaction id */
    MSTURN_KIND_U32,
    MSTURN_KIND_U64,
    MSTURN_KIND_STRING,         /* UTF-8 text, not NUL terminated */
    MSTURN_KIND_ERROR_CODE,
    MSTURN_KIND_UNKNOWN_ATTRS,  /* list of 16-bit types */
    MSTURN_KIND_MAGIC_COOKIE,
    MSTURN_KIND_EMPTY,
    MSTURN_KIND_DATA,
    MSTURN_KIND_INTEGRITY,
    MSTURN_KIND_FINGERPRINT,
    MSTURN_KIND_FAMILY,         /* family(1) reserved(3) */
    MSTURN_KIND_SEQUENCE,       /* connection id(20) sequence(4), or sequence(4) */
    MSTURN_KIND_SERVICE_QUALITY,/* stream type(2) quality(2) */
    MSTURN_KIND_BWM_MESSAGE,    /* reserved(2) message type(2) */
    MSTURN_KIND_BWM_AMOUNT,     /* 4 x uint32 kbps */
    MSTURN_KIND_BWM_SITE_RESP,  /* V, F flags + 2 x uint32 kbps */
    MSTURN_KIND_BWM_RELAY_RESP, /* V flag + 2 x uint32 kbps */
    MSTURN_KIND_LOCATION_PROFILE,
    MSTURN_KIND_CANDIDATE_ID,   /* ASCII foundation, NUL padded */
} msturn_kind_t;

/** msturn_attr_info_t: static description of a known attribute type. */
typedef struct {
    uint16_t      type;
    const char   *name;      /* e.g. "XOR-MAPPED-ADDRESS" */
    msturn_kind_t kind;
    uint16_t      min_len;   /* smallest valid value length */
    uint16_t      max_len;   /* largest valid value length */
} msturn_attr_info_t;

/** msturn_attr_t: one attribute as found in the buffer. */
typedef struct {
    uint16_t            type;
    uint16_t            length;    /* Length field as written */
    uint32_t            offset;    /* of the 4-byte TLV header */
    uint32_t            value_off; /* offset + 4 */
    uint32_t            value_len; /* bytes of value present (<= length) */
    uint32_t            pad_len;   /* padding bytes present after the value */
    msturn_val_status_t val_status;
    const msturn_attr_info_t *info; /* NULL when the type is unknown */
} msturn_attr_t;

/** msturn_msg_t: result of msturn_parse(). Lives on the caller's stack. */
typedef struct {
    uint16_t          type;
    uint16_t          length;      /* Length field: bytes after the header */
    uint32_t          msg_len;     /* 20 + length */
    uint32_t          avail;       /* bytes of the message present in buf */
    uint32_t          walked;      /* end of the last attribute walked */
    msturn_dialect_t  dialect;
    msturn_padding_t  padding;
    msturn_status_t   status;
    bool              truncated;   /* Length promises more than avail */
    unsigned          n_attrs;
    msturn_attr_t     attrs[MSTURN_MAX_ATTRS];
} msturn_msg_t;

/** msturn_addr_t: a decoded address attribute (XOR already undone). */
typedef struct {
    uint8_t  family;     /* MSTURN_FAMILY_IPV4 / _IPV6, or what was written */
    uint16_t port;
    uint8_t  addr[16];
    uint8_t  addr_len;   /* 4 or 16 */
} msturn_addr_t;

/** msturn_type_info_t: one row of the flat message-type table. */
typedef struct {
    uint16_t    type;
    const char *name;     /* "Allocate Error Response" */
    const char *method;   /* "Allocate" */
    const char *klass;    /* "Request", "Success Response", ... */
} msturn_type_info_t;

/* ---- detection (cheap, no walk) -------------------------------------- */

/**
 * msturn_looks_like_msturn:
 * TRUE when buf holds a STUN header whose first attribute is a 4-byte
 * MAGIC-COOKIE (any value). Needs 28 bytes. This is the MS-TURN detector of
 * [MS-TURN] 3.1.10; bytes 4..7 are never consulted. For ports that belong
 * to MS-TURN.
 */
bool msturn_looks_like_msturn(const uint8_t *buf, size_t len);

/**
 * msturn_looks_like_msturn_strict:
 * As msturn_looks_like_msturn() on the @len bytes at @buf, and the cookie
 * has the MS value and the Length field fills @datagram_len exactly (the
 * whole datagram, of which a short snapshot length may have captured only
 * @len bytes). For heuristics on any port.
 */
bool msturn_looks_like_msturn_strict(const uint8_t *buf, size_t len, size_t datagram_len);

/**
 * msturn_looks_like_mux:
 * TRUE when the @len bytes at @buf start with the multiplexed-TURN channel
 * 0xFF10 and its Length field matches @datagram_len exactly ([MS-TURN] 2.2.3).
 */
bool msturn_looks_like_mux(const uint8_t *buf, size_t len, size_t datagram_len);

/**
 * msturn_looks_like_stun_check:
 * TRUE when buf is plausibly a STUN Binding message (request, response,
 * error or indication) as relayed inside DATA: type 0x0001/0x0101/0x0111/
 * 0x0011, top bits zero, Length consistent with len.
 */
bool msturn_looks_like_stun_check(const uint8_t *buf, size_t len);

/**
 * msturn_is_ice2_check:
 * @m: (out caller-allocates) (optional): the message as parsed (valid when
 *   TRUE); NULL: parsed into a local copy.
 *
 * TRUE for an MS-ICE2 connectivity check recognised by its shape alone: a
 * STUN Binding message with the RFC 5389 cookie that parses without a
 * problem and carries IMPLEMENTATION-VERSION or CANDIDATE-IDENTIFIER
 * ([MS-ICE2] 2.2.2.2, 2.2.2.4), which no other STUN user sends.
 */
bool msturn_is_ice2_check(const uint8_t *buf, size_t len, msturn_msg_t *m);

/** msturn_payload_t: what relayed bytes (DATA, 0xFF10, TCP data) hold. */
typedef enum {
    MSTURN_PAYLOAD_DATA = 0,   /* opaque */
    MSTURN_PAYLOAD_STUN,       /* a connectivity check (see msturn_looks_like_stun_check) */
    MSTURN_PAYLOAD_RTP,
    MSTURN_PAYLOAD_RTCP,
    MSTURN_PAYLOAD_SRTCP,      /* first RTCP header clear, the rest encrypted */
} msturn_payload_t;

/**
 * msturn_classify_payload:
 * Decides from the bytes alone what a relayed payload is. RTP needs version
 * 2, room for its CSRC list and header extension, and a payload type outside
 * the RTCP range (RFC 5761 4); RTCP needs version 2, packet types in
 * 192..223 and length words that chain to the end of the buffer. When the
 * chain breaks after the first packet the rest is encrypted: SRTCP
 * (RFC 3711 3.4), which an RTCP decoder cannot read.
 */
msturn_payload_t msturn_classify_payload(const uint8_t *buf, size_t len);

/* ---- parsing ---------------------------------------------------------- */

/**
 * msturn_parse:
 * @buf: message bytes (may be shorter than the message: truncated capture).
 * @len: bytes available at @buf.
 * @out: filled in; out->status is also returned.
 *
 * Picks the dialect and padding from the message itself: MAGIC-COOKIE first
 * means MS-TURN (no padding); else RFC 5389 cookie means padded; else the
 * walk that ends exactly at Length wins (unpadded first).
 */
msturn_status_t msturn_parse(const uint8_t *buf, size_t len, msturn_msg_t *out);

/** msturn_parse_with: as msturn_parse() with the padding forced. */
msturn_status_t msturn_parse_with(const uint8_t *buf, size_t len, msturn_padding_t pad,
                                  msturn_msg_t *out);

/** msturn_find_attr: first attribute of @type, or NULL. */
const msturn_attr_t *msturn_find_attr(const msturn_msg_t *msg, uint16_t type);

/** msturn_attr_info: the table row for @type, or NULL if unknown. */
const msturn_attr_info_t *msturn_attr_info(uint16_t type);

/** msturn_attr_comprehension_required: RFC 5389 15 / [MS-TURN] 2.2.2. */
static inline bool msturn_attr_comprehension_required(uint16_t type)
{
    return type < 0x8000u;
}

/** msturn_type_info: the row for @type, or NULL when not an MS-TURN type. */
const msturn_type_info_t *msturn_type_info(uint16_t type);

/** msturn_is_request / _is_response: by the flat type table. */
bool msturn_is_request(uint16_t type);
bool msturn_is_response(uint16_t type);
/** msturn_expects_response: requests other than Send. */
bool msturn_expects_response(uint16_t type);

/* ---- value accessors --------------------------------------------------
 * Each returns MSTURN_VAL_OK or why the value cannot be read. They never
 * read outside [attr->value_off, attr->value_off + attr->value_len).
 */

/**
 * msturn_get_address:
 * Decodes an ADDRESS or XOR_ADDRESS value. For XOR the port is XORed with
 * header bytes 4..5 and the address with header bytes 4..7 (IPv4) or 4..19
 * (IPv6): the message's own transaction-id bytes ([MS-TURN] 2.2.2.16), which
 * equals RFC 5389's rule for messages carrying its cookie. When the value
 * has at least 4 bytes, out->family and out->port (decoded) are set even
 * if the address cannot be read (bad family, short value).
 */
msturn_val_status_t msturn_get_address(const uint8_t *buf, const msturn_msg_t *msg,
                                       const msturn_attr_t *attr, msturn_addr_t *out);

msturn_val_status_t msturn_get_u32(const uint8_t *buf, const msturn_attr_t *attr,
                                   uint32_t *out);

/** msturn_get_u64: a 64-bit value (MULTIPLEXED-TURN-SESSION-ID, ICE-CONTROLLING, ...). */
msturn_val_status_t msturn_get_u64(const uint8_t *buf, const msturn_attr_t *attr, uint64_t *out);

/**
 * msturn_get_text:
 * @len: (out): the length of the text: the value without the NUL bytes
 *   MS-ICE2 pads USERNAME with inside its length.
 *
 * Returns: true when those @len bytes are all printable ASCII (0x20-0x7E),
 * so they can be shown and compared as text; false otherwise.
 */
bool msturn_get_text(const uint8_t *buf, const msturn_attr_t *attr, uint32_t *len);

/**
 * msturn_get_error:
 * @code: class * 100 + number (e.g. 401; 274/275 for MS-ICE2BWM).
 * @reason_off, @reason_len: the reason phrase span (may be empty).
 */
msturn_val_status_t msturn_get_error(const uint8_t *buf, const msturn_attr_t *attr,
                                     uint16_t *code, uint32_t *reason_off,
                                     uint32_t *reason_len);

/** msturn_error_name: short name of an error code ("Unauthorized"), or NULL. */
const char *msturn_error_name(uint16_t code);

/** msturn_error_meaning: what an error code means for a support engineer. */
const char *msturn_error_meaning(uint16_t code);

/** msturn_ms_version_t: one row of the MS-VERSION value table. */
typedef struct {
    uint32_t    version;
    const char *meaning;   /* "multiplexed TURN over UDP and TCP" */
} msturn_ms_version_t;

/* [MS-TURN] 2.2.2.17: the MS-VERSION values, 1 to 6 in order. The one
 * table of them: the epan layer shows msturn.attr.ms_version from it. */
#define MSTURN_MS_VERSION_ROWS 6u
extern const msturn_ms_version_t msturn_ms_versions[MSTURN_MS_VERSION_ROWS];

/** msturn_ms_version_meaning: the meaning of an MS-VERSION value, NULL when unknown. */
const char *msturn_ms_version_meaning(uint32_t version);

/**
 * msturn_missing_mandatory:
 * Returns the type of the first attribute the message type requires but
 * lacks ([MS-TURN] 2.2.2 / 3.2.5.1, TURN-08), or 0 when none is missing.
 */
uint16_t msturn_missing_mandatory(const uint8_t *buf, const msturn_msg_t *msg);

/* ---- MESSAGE-INTEGRITY (long-term credentials, ms-turn.md 8) ---------- */

/** Length of a long-term key (MD5). */
#define MSTURN_LONGTERM_KEY_LEN 16u

/**
 * msturn_realm_unquote:
 * @value: a REALM value as on the wire (MS-TURN sends `"rtcmedia"` with the
 *   quotes).
 * @len: bytes at @value.
 * @out_len: (out): length of the returned span.
 *
 * Returns: (transfer none): the part of @value that goes into the key:
 * leading and trailing '"' and NUL bytes stripped (as libnice does). Points
 * into @value; nothing is allocated.
 */
const uint8_t *msturn_realm_unquote(const uint8_t *value, size_t len, size_t *out_len);

/**
 * msturn_longterm_key:
 * @user, @ulen: the USERNAME bytes (the base64-decoded MRAS <username>).
 * @realm_unquoted, @rlen: the realm, quotes stripped (msturn_realm_unquote()).
 * @pass, @plen: the base64-decoded MRAS <password>.
 * @out: (out caller-allocates): the 16-byte key.
 *
 * out = MD5(user ":" realm ":" pass). The bytes are used as given (no
 * trimming of user or password).
 */
void msturn_longterm_key(const uint8_t *user, size_t ulen, const char *realm_unquoted, size_t rlen,
                         const uint8_t *pass, size_t plen, uint8_t out[MSTURN_LONGTERM_KEY_LEN]);

/**
 * msturn_check_integrity:
 * @buf: the message bytes @msg was parsed from.
 * @msg: result of msturn_parse() on @buf.
 * @key, @key_len: the HMAC key (msturn_longterm_key() for MS-TURN).
 *
 * Checks the first MESSAGE-INTEGRITY attribute the long-term way MS-TURN
 * uses (ms-turn.md 8): HMAC-SHA1 (20-byte value) or HMAC-SHA256 (32-byte
 * value) over bytes 0 up to the attribute, with the header Length rewritten
 * as if MESSAGE-INTEGRITY were the last attribute, zero-padded to a multiple
 * of 64 bytes. Attributes after it are not covered. Works on a message the
 * capture cut short as long as everything up to the end of the
 * MESSAGE-INTEGRITY value is present. Bounded: reads only
 * [0, end of the MI value) of @buf; one GHmac is allocated and freed.
 *
 * Returns: MSTURN_INTEGRITY_GOOD or _BAD; _NOT_PRESENT without the
 * attribute; _MALFORMED when its value is cut off or not 20/32 bytes.
 */
msturn_integrity_t msturn_check_integrity(const uint8_t *buf, const msturn_msg_t *msg, const uint8_t *key,
                                          size_t key_len);

/* ---- framing ---------------------------------------------------------- */

/** msturn_mux_t: a multiplexed-TURN frame ([MS-TURN] 2.2.3). */
typedef struct {
    uint16_t length;       /* Length field: bytes after it */
    uint32_t session_off;  /* 8-byte MTURN session id */
    uint32_t data_off;
    uint32_t data_len;     /* present bytes of data */
    bool     truncated;    /* Length promises more than present */
} msturn_mux_t;

/** msturn_parse_mux: MSTURN_OK or MSTURN_TOO_SHORT / _NOT_STUN / _TRUNCATED. */
msturn_status_t msturn_parse_mux(const uint8_t *buf, size_t len, msturn_mux_t *out);

/** msturn_tcp_pdu_t: what a TCP PDU is. */
typedef enum {
    MSTURN_PDU_UNKNOWN = 0,
    MSTURN_PDU_FRAMED_CONTROL,   /* 02 00 len: MS-TURN message */
    MSTURN_PDU_FRAMED_DATA,      /* 03 00 len: end-to-end data */
    MSTURN_PDU_PSEUDO_TLS,       /* 16 03 01 len: pseudo-TLS handshake record */
    MSTURN_PDU_BARE_STUN,        /* STUN header, no framing (RFC 5389 over TCP) */
} msturn_tcp_pdu_t;

/**
 * msturn_tcp_pdu_len:
 * Needs 4 bytes (returns 0 with fewer). Returns the whole PDU length
 * (header included) and its kind, or 0 with MSTURN_PDU_UNKNOWN; 0 with
 * MSTURN_PDU_PSEUDO_TLS: a pseudo-TLS record header, 5 bytes needed.
 */
uint32_t msturn_tcp_pdu_len(const uint8_t *buf, size_t len, msturn_tcp_pdu_t *kind);

/**
 * msturn_looks_like_pseudo_tls_hello:
 * TRUE for the pseudo-TLS ClientHello ([MS-TURN] 2.1.1): a 50-byte TLS 1.0
 * handshake record offering exactly one cipher suite, 0x0018, no session id.
 */
bool msturn_looks_like_pseudo_tls_hello(const uint8_t *buf, size_t len);

/** msturn_starts_mux: TRUE when @buf starts with the multiplexed-TURN channel 0xFF10 (any length). */
bool msturn_starts_mux(const uint8_t *buf, size_t len);

/**
 * msturn_rfc4571_whole:
 * TRUE when @buf is exactly one RFC 4571 frame: a 2-byte length equal to the
 * bytes after it (how end-to-end data in a TCP data frame usually carries
 * its packet, [MS-TURN] 2.1.4).
 */
bool msturn_rfc4571_whole(const uint8_t *buf, size_t len);

/** msturn_span_t: bytes [offset, offset + length) of a record; length 0: not present. */
typedef struct {
    uint32_t offset;
    uint32_t length;
} msturn_span_t;

/** msturn_pseudo_tls_t: the fields of a pseudo-TLS handshake record ([MS-TURN] 2.1.1). */
typedef struct {
    uint8_t       handshake_type; /* 1 ClientHello, 2 ServerHello, other: not a hello; 0 when cut before it */
    msturn_span_t handshake;      /* the handshake type byte */
    msturn_span_t random;         /* the 32-byte random */
    msturn_span_t session_id;     /* ServerHello: the 32-byte session id */
    msturn_span_t cipher_suite;   /* the one cipher suite (0x0018) */
} msturn_pseudo_tls_t;

/**
 * msturn_parse_pseudo_tls:
 * The fields of a pseudo-TLS record (a TLS 1.0 handshake record, 5-byte
 * record header first): handshake type at 5, random at 11-42; ClientHello:
 * session id length 0 at 43, the cipher suite at 46-47; ServerHello: a
 * 32-byte session id at 44-75 and the cipher suite at 76-77.
 *
 * Returns: MSTURN_OK when the hello is whole (ClientHello 50 bytes,
 * ServerHello 79: every span set), or the record is no hello (type and
 * random only); MSTURN_TOO_SHORT without the handshake type;
 * MSTURN_TRUNCATED for a hello cut short (type and random only).
 */
msturn_status_t msturn_parse_pseudo_tls(const uint8_t *buf, size_t len, msturn_pseudo_tls_t *out);

/** msturn_looks_like_framed: TRUE for 02 00 len + an MS-TURN message. */
bool msturn_looks_like_framed(const uint8_t *buf, size_t len);

/** msturn_tcp_start_t: how the first bytes of a TCP payload look (msturn_tcp_starts()). */
typedef enum {
    MSTURN_TCP_START_NO = 0,       /* not an MS-TURN stream by its first bytes */
    MSTURN_TCP_START_PSEUDO_TLS,   /* the pseudo-TLS ClientHello ([MS-TURN] 2.1.1) */
    MSTURN_TCP_START_FRAMED,       /* a TURN control frame holding an MS-TURN message (2.1.4) */
    MSTURN_TCP_START_DATA_FRAME,   /* an end-to-end data frame (0x03 0x00 len) whose end is the segment's end or
                                      the start of another frame: a capture started mid-stream */
    MSTURN_TCP_START_BARE,         /* an MS-TURN message without framing */
} msturn_tcp_start_t;

/**
 * msturn_tcp_starts:
 * @buf: the first @len bytes of a TCP payload (the captured part);
 * @reported_len: the payload's length on the wire.
 *
 * Does this payload start an MS-TURN stream (the first segment seen of a
 * connection on an Edge port)? 0x03 0x00 starts no TLS record, so a data
 * frame is taken when its length ends the payload exactly or points at the
 * next frame header (0x02/0x03, 0x00).
 */
msturn_tcp_start_t msturn_tcp_starts(const uint8_t *buf, size_t len, size_t reported_len);

/** msturn_rd16 / msturn_rd32: big-endian reads (bytes.h); caller checks bounds. */
#define msturn_rd16 bytes_rd16
#define msturn_rd32 bytes_rd32

#endif /* MSICE_MSTURN_H */
