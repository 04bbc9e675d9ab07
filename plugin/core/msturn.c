/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msturn.c - MS-TURN message walker. See msturn.h and msturn-consts.h.
 *
 * References: [MS-TURN] 2.1.1, 2.1.4, 2.2.1-2.2.3, 3.2.5.1; [MS-TURNBWM] 2.2;
 * [MS-ICE2] 2.2.2; RFC 5389 15 (attribute layout of relayed checks).
 */
#include "msturn.h"

#include <string.h>

#include <glib.h>

/* ---- tables ----------------------------------------------------------- */

static const msturn_type_info_t type_table[] = {
    { MSTURN_BINDING_REQUEST,        "Binding Request",                  "Binding", "Request" },
    { MSTURN_BINDING_RESPONSE,       "Binding Success Response",         "Binding", "Success Response" },
    { MSTURN_BINDING_ERROR,          "Binding Error Response",           "Binding", "Error Response" },
    { MSTURN_SHARED_SECRET_REQUEST,  "Shared Secret Request",            "Shared Secret", "Request" },
    { MSTURN_SHARED_SECRET_RESPONSE, "Shared Secret Response",           "Shared Secret", "Success Response" },
    { MSTURN_SHARED_SECRET_ERROR,    "Shared Secret Error Response",     "Shared Secret", "Error Response" },
    { MSTURN_ALLOCATE_REQUEST,       "Allocate Request",                 "Allocate", "Request" },
    { MSTURN_ALLOCATE_RESPONSE,      "Allocate Response",                "Allocate", "Success Response" },
    { MSTURN_ALLOCATE_ERROR,         "Allocate Error",                   "Allocate", "Error Response" },
    { MSTURN_SEND_REQUEST,           "Send Request",                     "Send", "Request" },
    { MSTURN_SEND_RESPONSE,          "Send Response",                    "Send", "Success Response" },
    { MSTURN_SEND_ERROR,             "Send Error",                       "Send", "Error Response" },
    { MSTURN_DATA_INDICATION,        "Data Indication",                  "Data", "Indication" },
    { MSTURN_SAD_REQUEST,            "Set Active Destination Request",   "Set Active Destination", "Request" },
    { MSTURN_SAD_RESPONSE,           "Set Active Destination Response",  "Set Active Destination", "Success Response" },
    { MSTURN_SAD_ERROR,              "Set Active Destination Error",     "Set Active Destination", "Error Response" },
    { 0, NULL, NULL, NULL }
};

/* min/max are value lengths. 0xFFFF = no upper bound beyond the message. */
#define ANY 0xFFFFu
static const msturn_attr_info_t attr_table[] = {
    /* [MS-TURN] 2.2.2 */
    { MSTURN_ATTR_MAPPED_ADDRESS,        "MAPPED-ADDRESS",            MSTURN_KIND_ADDRESS,        8, 20 },
    { MSTURN_ATTR_USERNAME,              "USERNAME",                  MSTURN_KIND_OPAQUE,         1, 513 },
    { MSTURN_ATTR_MESSAGE_INTEGRITY,     "MESSAGE-INTEGRITY",         MSTURN_KIND_INTEGRITY,     20, 32 },
    { MSTURN_ATTR_ERROR_CODE,            "ERROR-CODE",                MSTURN_KIND_ERROR_CODE,     4, 767 },
    { MSTURN_ATTR_UNKNOWN_ATTRIBUTES,    "UNKNOWN-ATTRIBUTES",        MSTURN_KIND_UNKNOWN_ATTRS,  2, ANY },
    { MSTURN_ATTR_LIFETIME,              "LIFETIME",                  MSTURN_KIND_U32,            4, 4 },
    { MSTURN_ATTR_ALTERNATE_SERVER,      "ALTERNATE-SERVER",          MSTURN_KIND_ADDRESS,        8, 20 },
    { MSTURN_ATTR_MAGIC_COOKIE,          "MAGIC-COOKIE",              MSTURN_KIND_MAGIC_COOKIE,   4, 4 },
    { MSTURN_ATTR_BANDWIDTH,             "BANDWIDTH",                 MSTURN_KIND_U32,            4, 4 },
    { MSTURN_ATTR_DESTINATION_ADDRESS,   "DESTINATION-ADDRESS",       MSTURN_KIND_ADDRESS,        8, 20 },
    { MSTURN_ATTR_REMOTE_ADDRESS,        "REMOTE-ADDRESS",            MSTURN_KIND_ADDRESS,        8, 20 },
    { MSTURN_ATTR_DATA,                  "DATA",                      MSTURN_KIND_DATA,           0, ANY },
    { MSTURN_ATTR_NONCE,                 "NONCE",                     MSTURN_KIND_OPAQUE,         1, 128 },
    { MSTURN_ATTR_REALM,                 "REALM",                     MSTURN_KIND_STRING,         0, 128 },
    { MSTURN_ATTR_REQUESTED_ADDR_FAMILY, "REQUESTED-ADDRESS-FAMILY",  MSTURN_KIND_FAMILY,         4, 4 },
    { MSTURN_ATTR_MS_VERSION,            "MS-VERSION",                MSTURN_KIND_U32,            4, 4 },
    { MSTURN_ATTR_XOR_MAPPED_ADDRESS,    "XOR-MAPPED-ADDRESS",        MSTURN_KIND_XOR_ADDRESS,    8, 20 },
    { MSTURN_ATTR_SOFTWARE,              "SOFTWARE",                  MSTURN_KIND_STRING,         0, 763 },
    { MSTURN_ATTR_MS_ALT_HOST_NAME,      "MS-ALTERNATE-HOST-NAME",    MSTURN_KIND_STRING,         0, ANY },
    { MSTURN_ATTR_APP_ID,                "APP-ID",                    MSTURN_KIND_OPAQUE,         0, ANY },
    { MSTURN_ATTR_SECURE_TAG,            "SECURE-TAG",                MSTURN_KIND_OPAQUE,         0, ANY },
    { MSTURN_ATTR_MS_SEQUENCE_NUMBER,    "MS-SEQUENCE-NUMBER",        MSTURN_KIND_SEQUENCE,       4, 24 },
    { MSTURN_ATTR_MS_SERVICE_QUALITY,    "MS-SERVICE-QUALITY",        MSTURN_KIND_SERVICE_QUALITY,4, 4 },
    { MSTURN_ATTR_MS_ALT_MAPPED_ADDRESS, "MS-ALTERNATE-MAPPED-ADDRESS", MSTURN_KIND_ADDRESS,      20, 20 },
    { MSTURN_ATTR_MUX_SESSION_ID,        "MULTIPLEXED-TURN-SESSION-ID", MSTURN_KIND_U64,          8, 8 },
    /* [MS-TURNBWM] 2.2 */
    { MSTURN_ATTR_BWM_ADMISSION_MSG,     "BANDWIDTH-ADMISSION-CONTROL-MESSAGE", MSTURN_KIND_BWM_MESSAGE, 4, 4 },
    { MSTURN_ATTR_BWM_RESERVATION_ID,    "BANDWIDTH-RESERVATION-IDENTIFIER", MSTURN_KIND_OPAQUE, 16, 16 },
    { MSTURN_ATTR_BWM_RESERVATION_AMOUNT,"BANDWIDTH-RESERVATION-AMOUNT", MSTURN_KIND_BWM_AMOUNT, 16, 16 },
    { MSTURN_ATTR_BWM_REMOTE_SITE,       "REMOTE-SITE-ADDRESS",       MSTURN_KIND_XOR_ADDRESS,    8, 20 },
    { MSTURN_ATTR_BWM_REMOTE_RELAY_SITE, "REMOTE-RELAY-SITE-ADDRESS", MSTURN_KIND_XOR_ADDRESS,    8, 20 },
    { MSTURN_ATTR_BWM_LOCAL_SITE,        "LOCAL-SITE-ADDRESS",        MSTURN_KIND_XOR_ADDRESS,    8, 20 },
    { MSTURN_ATTR_BWM_LOCAL_RELAY_SITE,  "LOCAL-RELAY-SITE-ADDRESS",  MSTURN_KIND_XOR_ADDRESS,    8, 20 },
    { MSTURN_ATTR_BWM_REMOTE_SITE_RESP,  "REMOTE-SITE-ADDRESS-RESPONSE", MSTURN_KIND_BWM_SITE_RESP, 12, 12 },
    { MSTURN_ATTR_BWM_REMOTE_RELAY_RESP, "REMOTE-RELAY-SITE-RESPONSE",   MSTURN_KIND_BWM_RELAY_RESP, 12, 12 },
    { MSTURN_ATTR_BWM_LOCAL_SITE_RESP,   "LOCAL-SITE-ADDRESS-RESPONSE",  MSTURN_KIND_BWM_SITE_RESP, 12, 12 },
    { MSTURN_ATTR_BWM_LOCAL_RELAY_RESP,  "LOCAL-RELAY-SITE-RESPONSE",    MSTURN_KIND_BWM_RELAY_RESP, 12, 12 },
    { MSTURN_ATTR_BWM_SIP_DIALOG_ID,     "SIP-DIALOG-IDENTIFIER",     MSTURN_KIND_STRING,         0, ANY },
    { MSTURN_ATTR_BWM_SIP_CALL_ID,       "SIP-CALL-IDENTIFIER",       MSTURN_KIND_STRING,         0, ANY },
    { MSTURN_ATTR_BWM_LOCATION_PROFILE,  "LOCATION-PROFILE",          MSTURN_KIND_LOCATION_PROFILE, 4, 4 },
    /* [MS-ICE2] 2.2.2: attributes of connectivity checks */
    { MSTURN_ATTR_ICE_XOR_MAPPED_ADDRESS,"XOR-MAPPED-ADDRESS (ICE)",  MSTURN_KIND_XOR_ADDRESS,    8, 20 },
    { MSTURN_ATTR_ICE_PRIORITY,          "PRIORITY",                  MSTURN_KIND_U32,            4, 4 },
    { MSTURN_ATTR_ICE_USE_CANDIDATE,     "USE-CANDIDATE",             MSTURN_KIND_EMPTY,          0, 0 },
    { MSTURN_ATTR_ICE_FINGERPRINT,       "FINGERPRINT",               MSTURN_KIND_FINGERPRINT,    4, 4 },
    { MSTURN_ATTR_ICE_CONTROLLED,        "ICE-CONTROLLED",            MSTURN_KIND_U64,            8, 8 },
    { MSTURN_ATTR_ICE_CONTROLLING,       "ICE-CONTROLLING",           MSTURN_KIND_U64,            8, 8 },
    { MSTURN_ATTR_ICE_CANDIDATE_ID,      "CANDIDATE-IDENTIFIER",      MSTURN_KIND_CANDIDATE_ID,   1, 64 },
    { MSTURN_ATTR_ICE_IMPL_VERSION,      "IMPLEMENTATION-VERSION",    MSTURN_KIND_U32,            4, 4 },
    { 0, NULL, MSTURN_KIND_OPAQUE, 0, 0 }
};
#undef ANY

const msturn_type_info_t *
msturn_type_info(uint16_t type)
{
    for (const msturn_type_info_t *t = type_table; t->name; t++) {
        if (t->type == type)
            return t;
    }
    return NULL;
}

const msturn_attr_info_t *
msturn_attr_info(uint16_t type)
{
    /* Linear scan over ~50 rows: cheaper than building a hash per capture,
     * and a message has at most MSTURN_MAX_ATTRS attributes. */
    for (const msturn_attr_info_t *a = attr_table; a->name; a++) {
        if (a->type == type)
            return a;
    }
    return NULL;
}

bool
msturn_is_request(uint16_t type)
{
    return (type & MSTURN_CLASS_MASK) == MSTURN_CLASS_REQUEST && msturn_type_info(type) != NULL;
}

bool
msturn_is_response(uint16_t type)
{
    if (type == MSTURN_DATA_INDICATION)
        return false;   /* 0x0115: error-class bits, but an indication ([MS-TURN] 2.2.1) */
    uint16_t cls = type & MSTURN_CLASS_MASK;
    return (cls == MSTURN_CLASS_SUCCESS || cls == MSTURN_CLASS_ERROR) && msturn_type_info(type) != NULL;
}

bool
msturn_expects_response(uint16_t type)
{
    /* [MS-TURN] 2.2.1: the server does not answer Send requests. */
    return msturn_is_request(type) && type != MSTURN_SEND_REQUEST;
}

/* ---- detection -------------------------------------------------------- */

bool
msturn_looks_like_msturn(const uint8_t *buf, size_t len)
{
    if (len < MSTURN_HEADER_LEN + 8u)
        return false;
    if ((buf[0] & 0xC0u) != 0)
        return false;
    /* The value is checked by the walk (MSTURN_VAL_BAD_COOKIE): a message
     * with a wrong cookie value is still an MS-TURN message to decode. */
    return msturn_rd16(buf + 20) == MSTURN_ATTR_MAGIC_COOKIE && msturn_rd16(buf + 22) == 4u;
}

bool
msturn_looks_like_msturn_strict(const uint8_t *buf, size_t len, size_t datagram_len)
{
    return msturn_looks_like_msturn(buf, len) && msturn_rd32(buf + 24) == MSTURN_MAGIC_COOKIE_VALUE &&
           (size_t)msturn_rd16(buf + 2) + MSTURN_HEADER_LEN == datagram_len;
}

bool
msturn_looks_like_mux(const uint8_t *buf, size_t len, size_t datagram_len)
{
    if (len < 4u || datagram_len < MSTURN_MUX_HDR_LEN)
        return false;
    return msturn_rd16(buf) == MSTURN_MUX_CHANNEL_ID &&
           (size_t)msturn_rd16(buf + 2) + 4u == datagram_len;
}

bool
msturn_looks_like_stun_check(const uint8_t *buf, size_t len)
{
    if (len < MSTURN_HEADER_LEN)
        return false;
    uint16_t type = msturn_rd16(buf);
    if (type != MSTURN_BINDING_REQUEST && type != MSTURN_BINDING_RESPONSE &&
        type != MSTURN_BINDING_ERROR && type != MSTURN_BINDING_INDICATION)
        return false;
    /* A relayed check fills the DATA value exactly (a truncated capture may
     * cut it, so accept a Length that runs past the bytes present). */
    return (size_t)msturn_rd16(buf + 2) + MSTURN_HEADER_LEN >= len;
}

msturn_payload_t
msturn_classify_payload(const uint8_t *buf, size_t len)
{
    if (msturn_looks_like_stun_check(buf, len))
        return MSTURN_PAYLOAD_STUN;
    if (len < 8 || (buf[0] & 0xC0u) != 0x80u)
        return MSTURN_PAYLOAD_DATA;
    if (buf[1] >= 192 && buf[1] <= 223) {
        /* RTCP: each packet's (length + 1) 32-bit words, chained to the end. */
        size_t off = 0;
        unsigned n = 0;
        while (off + 4u <= len && (buf[off] & 0xC0u) == 0x80u && buf[off + 1] >= 192 && buf[off + 1] <= 223) {
            size_t words = (size_t)msturn_rd16(buf + off + 2) + 1u;
            if (off + words * 4u > len)
                break;
            off += words * 4u;
            n++;
        }
        if (off == len)
            return MSTURN_PAYLOAD_RTCP;
        return n ? MSTURN_PAYLOAD_SRTCP : MSTURN_PAYLOAD_DATA;
    }
    uint8_t pt = buf[1] & 0x7Fu;
    if (pt >= 72 && pt <= 76)
        return MSTURN_PAYLOAD_DATA;
    size_t hdr = 12u + 4u * (buf[0] & 0x0Fu);
    if (hdr > len)
        return MSTURN_PAYLOAD_DATA;
    if (buf[0] & 0x10u) { /* header extension */
        if (hdr + 4u > len)
            return MSTURN_PAYLOAD_DATA;
        hdr += 4u + 4u * (size_t)msturn_rd16(buf + hdr + 2);
        if (hdr > len)
            return MSTURN_PAYLOAD_DATA;
    }
    if ((buf[0] & 0x20u) && (buf[len - 1] == 0 || buf[len - 1] > len - hdr))
        return MSTURN_PAYLOAD_DATA; /* padding count does not fit */
    return MSTURN_PAYLOAD_RTP;
}

/* ---- the walk --------------------------------------------------------- */

static msturn_val_status_t
check_value(const uint8_t *buf, const msturn_attr_t *a)
{
    const msturn_attr_info_t *info = a->info;
    if (a->value_len < a->length)
        return MSTURN_VAL_CLIPPED;
    if (!info)
        return MSTURN_VAL_OK;
    if (a->length < info->min_len || a->length > info->max_len)
        return MSTURN_VAL_BAD_LENGTH;
    const uint8_t *v = buf + a->value_off;
    switch (info->kind) {
    case MSTURN_KIND_ADDRESS:
    case MSTURN_KIND_XOR_ADDRESS:
        if (v[1] == MSTURN_FAMILY_IPV4)
            return a->length == 8 ? MSTURN_VAL_OK : MSTURN_VAL_BAD_LENGTH;
        if (v[1] == MSTURN_FAMILY_IPV6)
            return a->length == 20 ? MSTURN_VAL_OK : MSTURN_VAL_BAD_LENGTH;
        return MSTURN_VAL_BAD_FAMILY;
    case MSTURN_KIND_FAMILY:
        return (v[0] == MSTURN_FAMILY_IPV4 || v[0] == MSTURN_FAMILY_IPV6) ? MSTURN_VAL_OK
                                                                          : MSTURN_VAL_BAD_FAMILY;
    case MSTURN_KIND_MAGIC_COOKIE:
        return msturn_rd32(v) == MSTURN_MAGIC_COOKIE_VALUE ? MSTURN_VAL_OK : MSTURN_VAL_BAD_COOKIE;
    case MSTURN_KIND_INTEGRITY:
        return (a->length == 20 || a->length == 32) ? MSTURN_VAL_OK : MSTURN_VAL_BAD_LENGTH;
    case MSTURN_KIND_SEQUENCE:
        return (a->length == 4 || a->length == 24) ? MSTURN_VAL_OK : MSTURN_VAL_BAD_LENGTH;
    case MSTURN_KIND_UNKNOWN_ATTRS:
        return (a->length % 2u) == 0 ? MSTURN_VAL_OK : MSTURN_VAL_BAD_LENGTH;
    default:
        return MSTURN_VAL_OK;
    }
}

/* Walk the attributes with the given padding. Returns the walk status. */
static msturn_status_t
walk(const uint8_t *buf, msturn_msg_t *m, msturn_padding_t pad)
{
    uint32_t end = m->msg_len < m->avail ? m->msg_len : m->avail;
    uint32_t off = MSTURN_HEADER_LEN;

    m->padding = pad;
    m->n_attrs = 0;
    while (off + 4u <= end) {
        if (m->n_attrs == MSTURN_MAX_ATTRS) {
            m->walked = off;
            return MSTURN_TOO_MANY_ATTRS;
        }
        msturn_attr_t *a = &m->attrs[m->n_attrs++];
        a->type = msturn_rd16(buf + off);
        a->length = msturn_rd16(buf + off + 2);
        a->offset = off;
        a->value_off = off + 4u;
        a->info = msturn_attr_info(a->type);
        uint32_t room = end - a->value_off;
        a->value_len = a->length <= room ? a->length : room;
        uint32_t want_pad = (pad == MSTURN_PAD_4) ? ((4u - (a->length & 3u)) & 3u) : 0u;
        room -= a->value_len;
        a->pad_len = want_pad <= room ? want_pad : room;
        a->val_status = check_value(buf, a);
        off = a->value_off + a->value_len + a->pad_len;
        if (a->value_len < a->length) {
            m->walked = off;
            /* Cut by the capture (truncated) or by the message's own Length? */
            return (m->truncated && a->value_off + a->length <= m->msg_len) ? MSTURN_TRUNCATED
                                                                            : MSTURN_ATTR_OVERRUN;
        }
    }
    m->walked = off;
    if (off < end)
        return MSTURN_TRAILING_BYTES;
    return m->truncated ? MSTURN_TRUNCATED : MSTURN_OK;
}

static msturn_status_t
parse_header(const uint8_t *buf, size_t len, msturn_msg_t *out)
{
    memset(out, 0, offsetof(msturn_msg_t, attrs));
    if (!buf || len < MSTURN_HEADER_LEN)
        return out->status = MSTURN_TOO_SHORT;
    out->type = msturn_rd16(buf);
    if ((buf[0] & 0xC0u) != 0)
        return out->status = MSTURN_NOT_STUN;
    out->length = msturn_rd16(buf + 2);
    out->msg_len = MSTURN_HEADER_LEN + out->length;
    out->avail = len < out->msg_len ? (uint32_t)len : out->msg_len;
    out->truncated = len < out->msg_len;
    if (msturn_looks_like_msturn(buf, len))
        out->dialect = MSTURN_DIALECT_MSTURN;
    else if (msturn_rd32(buf + 4) == STUN_RFC5389_COOKIE)
        out->dialect = MSTURN_DIALECT_ICE2;
    else
        out->dialect = MSTURN_DIALECT_CLASSIC;
    return MSTURN_OK;
}

msturn_status_t
msturn_parse_with(const uint8_t *buf, size_t len, msturn_padding_t pad, msturn_msg_t *out)
{
    if (parse_header(buf, len, out) != MSTURN_OK)
        return out->status;
    return out->status = walk(buf, out, pad);
}

msturn_status_t
msturn_parse(const uint8_t *buf, size_t len, msturn_msg_t *out)
{
    if (parse_header(buf, len, out) != MSTURN_OK)
        return out->status;
    switch (out->dialect) {
    case MSTURN_DIALECT_MSTURN:
        return out->status = walk(buf, out, MSTURN_PAD_NONE);
    case MSTURN_DIALECT_ICE2:
        /* MS-ICE2 checks pad; fall back to unpadded when only that walk
         * ends exactly (older implementations). */
        if ((out->status = walk(buf, out, MSTURN_PAD_4)) == MSTURN_OK || out->truncated)
            return out->status;
        if (walk(buf, out, MSTURN_PAD_NONE) == MSTURN_OK)
            return out->status = MSTURN_OK;
        return out->status = walk(buf, out, MSTURN_PAD_4);
    case MSTURN_DIALECT_CLASSIC:
    default:
        if ((out->status = walk(buf, out, MSTURN_PAD_NONE)) == MSTURN_OK || out->truncated)
            return out->status;
        if (walk(buf, out, MSTURN_PAD_4) == MSTURN_OK)
            return out->status = MSTURN_OK;
        return out->status = walk(buf, out, MSTURN_PAD_NONE);
    }
}

const msturn_attr_t *
msturn_find_attr(const msturn_msg_t *msg, uint16_t type)
{
    for (unsigned i = 0; i < msg->n_attrs; i++) {
        if (msg->attrs[i].type == type)
            return &msg->attrs[i];
    }
    return NULL;
}

/* ---- values ----------------------------------------------------------- */

msturn_val_status_t
msturn_get_address(const uint8_t *buf, const msturn_msg_t *msg, const msturn_attr_t *attr,
                   msturn_addr_t *out)
{
    memset(out, 0, sizeof(*out));
    if (attr->value_len < 4)
        return attr->value_len < attr->length ? MSTURN_VAL_CLIPPED : MSTURN_VAL_BAD_LENGTH;
    bool xor_coded = attr->info && attr->info->kind == MSTURN_KIND_XOR_ADDRESS;
    if (!xor_coded && !(attr->info && attr->info->kind == MSTURN_KIND_ADDRESS))
        return MSTURN_VAL_BAD_LENGTH; /* not an address attribute: caller's bug, not a crash */
    const uint8_t *v = buf + attr->value_off;
    out->family = v[1];
    out->port = msturn_rd16(v + 2);
    if (xor_coded) /* the port decodes whatever the family says */
        out->port ^= msturn_rd16(buf + 4);
    if (attr->val_status != MSTURN_VAL_OK)
        return attr->val_status;
    uint8_t alen = (out->family == MSTURN_FAMILY_IPV4) ? 4 : 16;
    if (attr->value_len < 4u + alen)
        return MSTURN_VAL_BAD_LENGTH;
    out->addr_len = alen;
    memcpy(out->addr, v + 4, out->addr_len);
    if (xor_coded) {
        /* XOR with the message's own transaction-id bytes (header 4..19). */
        const uint8_t *txid = buf + 4;
        for (unsigned i = 0; i < out->addr_len; i++)
            out->addr[i] ^= txid[i];
    }
    (void)msg;
    return MSTURN_VAL_OK;
}

msturn_val_status_t
msturn_get_u32(const uint8_t *buf, const msturn_attr_t *attr, uint32_t *out)
{
    *out = 0;
    if (attr->value_len < 4)
        return attr->value_len < attr->length ? MSTURN_VAL_CLIPPED : MSTURN_VAL_BAD_LENGTH;
    *out = msturn_rd32(buf + attr->value_off);
    return attr->val_status;
}

msturn_val_status_t
msturn_get_u64(const uint8_t *buf, const msturn_attr_t *attr, uint64_t *out)
{
    *out = 0;
    if (attr->value_len < 8)
        return attr->value_len < attr->length ? MSTURN_VAL_CLIPPED : MSTURN_VAL_BAD_LENGTH;
    *out = ((uint64_t)msturn_rd32(buf + attr->value_off) << 32) | msturn_rd32(buf + attr->value_off + 4);
    return attr->val_status;
}

bool
msturn_get_text(const uint8_t *buf, const msturn_attr_t *attr, uint32_t *len)
{
    const uint8_t *v = buf + attr->value_off;
    uint32_t n = attr->value_len;
    while (n && v[n - 1] == 0)
        n--;
    *len = n;
    for (uint32_t i = 0; i < n; i++) {
        if (v[i] < 0x20 || v[i] > 0x7E)
            return false;
    }
    return true;
}

msturn_val_status_t
msturn_get_error(const uint8_t *buf, const msturn_attr_t *attr, uint16_t *code,
                 uint32_t *reason_off, uint32_t *reason_len)
{
    *code = 0;
    *reason_off = attr->value_off;
    *reason_len = 0;
    if (attr->value_len < 4)
        return attr->value_len < attr->length ? MSTURN_VAL_CLIPPED : MSTURN_VAL_BAD_LENGTH;
    const uint8_t *v = buf + attr->value_off;
    *code = (uint16_t)((v[2] & 0x07u) * 100u + v[3]);
    *reason_off = attr->value_off + 4u;
    *reason_len = attr->value_len - 4u;
    return attr->val_status;
}

/* Error codes: [MS-TURN] 2.2.2 (300, 401, 420), RFC 3489 11.2.9 and TURN-08
 * (4xx, 5xx), [MS-ICE2BWM] (274, 275). */
static const struct {
    uint16_t    code;
    const char *name;
    const char *meaning;
} error_table[] = {
    { 274, "Disable Candidate",         "bandwidth policy (MS-ICE2BWM) forbids this candidate" },
    { 275, "Disable Candidate Pair",    "bandwidth policy (MS-ICE2BWM) forbids this candidate pair" },
    { 300, "Try Alternate",             "use the server named in ALTERNATE-SERVER" },
    { 400, "Bad Request",               "the server could not parse the request" },
    { 401, "Unauthorized",              "credentials missing or not accepted" },
    { 420, "Unknown Attribute",         "the server does not understand a comprehension-required attribute" },
    { 430, "Stale Credentials",         "the MRAS credentials have expired: the client must fetch new ones" },
    { 431, "Integrity Check Failure",   "MESSAGE-INTEGRITY does not verify (wrong password or realm)" },
    { 432, "Missing Username",          "the request carried MESSAGE-INTEGRITY without USERNAME" },
    { 433, "Use TLS",                   "the server requires TLS" },
    { 434, "Missing Realm",             "the request carried MESSAGE-INTEGRITY without REALM" },
    { 435, "Missing Nonce",             "the request carried MESSAGE-INTEGRITY without NONCE" },
    { 436, "Unknown Username",          "the Edge does not know these credentials" },
    { 437, "Allocation Mismatch",       "no allocation for this 5-tuple, or one already exists" },
    { 438, "Stale Nonce",               "the NONCE expired: the client must retry with the new one" },
    { 486, "Allocation Quota Reached",  "the user has too many allocations on this Edge" },
    { 500, "Server Error",              "the Edge failed temporarily" },
    { 508, "Insufficient Capacity",     "the Edge has no relay port left" },
    { 0, NULL, NULL }
};

const char *
msturn_error_name(uint16_t code)
{
    for (unsigned i = 0; error_table[i].name; i++) {
        if (error_table[i].code == code)
            return error_table[i].name;
    }
    return NULL;
}

const char *
msturn_error_meaning(uint16_t code)
{
    for (unsigned i = 0; error_table[i].name; i++) {
        if (error_table[i].code == code)
            return error_table[i].meaning;
    }
    if (code >= 500 && code < 600)
        return "server error";
    if (code >= 400 && code < 500)
        return "the server rejected the request";
    return NULL;
}

/* [MS-TURN] 2.2.2.17: what each MS-Version value announces. */
const msturn_ms_version_t msturn_ms_versions[MSTURN_MS_VERSION_ROWS] = {
    { 1, "MS-ICE (ICE draft 6)" },
    { 2, "MS-ICE2" },
    { 3, "MS-ICE2 with SHA-256 MESSAGE-INTEGRITY" },
    { 4, "MS-ICE2 with SHA-256 and IPv6" },
    { 5, "multiplexed TURN over UDP" },
    { 6, "multiplexed TURN over UDP and TCP" },
};

const char *
msturn_ms_version_meaning(uint32_t version)
{
    for (unsigned i = 0; i < MSTURN_MS_VERSION_ROWS; i++) {
        if (msturn_ms_versions[i].version == version)
            return msturn_ms_versions[i].meaning;
    }
    return NULL;
}

uint16_t
msturn_missing_mandatory(const uint8_t *buf, const msturn_msg_t *msg)
{
    (void)buf;
    if (msg->dialect == MSTURN_DIALECT_MSTURN && msg->n_attrs > 0 &&
        msg->attrs[0].type != MSTURN_ATTR_MAGIC_COOKIE)
        return MSTURN_ATTR_MAGIC_COOKIE;
    switch (msg->type) {
    case MSTURN_ALLOCATE_ERROR:
    case MSTURN_SAD_ERROR:
    case MSTURN_SEND_ERROR:
    case MSTURN_SHARED_SECRET_ERROR:
    case MSTURN_BINDING_ERROR: {
        const msturn_attr_t *ec = msturn_find_attr(msg, MSTURN_ATTR_ERROR_CODE);
        if (!ec)
            return MSTURN_ATTR_ERROR_CODE;
        if (msg->dialect != MSTURN_DIALECT_MSTURN)
            return 0;
        uint16_t code = 0;
        uint32_t ro, rl;
        if (msturn_get_error(buf, ec, &code, &ro, &rl) != MSTURN_VAL_OK)
            return 0;
        /* [MS-TURN] 3.1.12: the digest challenge carries REALM and NONCE. */
        if (code == 401 && !msturn_find_attr(msg, MSTURN_ATTR_REALM))
            return MSTURN_ATTR_REALM;
        if (code == 401 && !msturn_find_attr(msg, MSTURN_ATTR_NONCE))
            return MSTURN_ATTR_NONCE;
        if (code == 420 && !msturn_find_attr(msg, MSTURN_ATTR_UNKNOWN_ATTRIBUTES))
            return MSTURN_ATTR_UNKNOWN_ATTRIBUTES;
        if (code == 300 && !msturn_find_attr(msg, MSTURN_ATTR_ALTERNATE_SERVER))
            return MSTURN_ATTR_ALTERNATE_SERVER;
        return 0;
    }
    case MSTURN_ALLOCATE_RESPONSE:
        /* [MS-TURN] 3.2.5.1: MUST carry XOR Mapped Address. */
        return msturn_find_attr(msg, MSTURN_ATTR_XOR_MAPPED_ADDRESS) ? 0
                                                                     : MSTURN_ATTR_XOR_MAPPED_ADDRESS;
    case MSTURN_SEND_REQUEST:
        if (!msturn_find_attr(msg, MSTURN_ATTR_DESTINATION_ADDRESS))
            return MSTURN_ATTR_DESTINATION_ADDRESS;
        return msturn_find_attr(msg, MSTURN_ATTR_DATA) ? 0 : MSTURN_ATTR_DATA;
    case MSTURN_DATA_INDICATION:
        if (!msturn_find_attr(msg, MSTURN_ATTR_REMOTE_ADDRESS))
            return MSTURN_ATTR_REMOTE_ADDRESS;
        return msturn_find_attr(msg, MSTURN_ATTR_DATA) ? 0 : MSTURN_ATTR_DATA;
    case MSTURN_ALLOCATE_REQUEST:
    case MSTURN_SAD_REQUEST:
        /* Authenticated requests carry the digest triple with the MI. */
        if (msturn_find_attr(msg, MSTURN_ATTR_MESSAGE_INTEGRITY)) {
            if (!msturn_find_attr(msg, MSTURN_ATTR_USERNAME))
                return MSTURN_ATTR_USERNAME;
            if (msg->type == MSTURN_ALLOCATE_REQUEST && !msturn_find_attr(msg, MSTURN_ATTR_REALM))
                return MSTURN_ATTR_REALM;
            if (msg->type == MSTURN_ALLOCATE_REQUEST && !msturn_find_attr(msg, MSTURN_ATTR_NONCE))
                return MSTURN_ATTR_NONCE;
        }
        return 0;
    case MSTURN_BINDING_REQUEST:
        /* [MS-ICE2] 3.1.5.2: a check without USERNAME is discarded. */
        if (msg->dialect == MSTURN_DIALECT_ICE2 && !msturn_find_attr(msg, MSTURN_ATTR_USERNAME))
            return MSTURN_ATTR_USERNAME;
        return 0;
    default:
        return 0;
    }
}

/* ---- MESSAGE-INTEGRITY (long-term credentials) -------------------------
 *
 * ms-turn.md 8 (from libnice's OC2007 mode; the [MS-TURN] section itself was
 * not retrieved) and captures/README.md "Credentials":
 *   key   = MD5(username ":" realm ":" password), username and password as
 *           the base64-decoded MRAS bytes, realm without its quotes;
 *   input = bytes 0 .. start of MESSAGE-INTEGRITY, with the header Length
 *           rewritten as if MESSAGE-INTEGRITY were the last attribute, then
 *           zero-padded to a multiple of 64 bytes (RFC 3489 11.2.8);
 *   HMAC  = SHA-1 for a 20-byte value, SHA-256 for a 32-byte value
 *           ([MS-TURN] 2.2.2.17: MS-Version >= 3 uses SHA-256).
 * Attributes after MESSAGE-INTEGRITY are not covered.
 */

/* The pad never needs more than one block: 64 - (n % 64) < 64. */
#define MSTURN_HMAC_BLOCK 64u

const uint8_t *
msturn_realm_unquote(const uint8_t *value, size_t len, size_t *out_len)
{
    g_return_val_if_fail(out_len != NULL, value);
    if (!value) {
        *out_len = 0;
        return value;
    }
    size_t start = 0, end = len;
    while (start < end && (value[start] == '"' || value[start] == '\0'))
        start++;
    while (end > start && (value[end - 1] == '"' || value[end - 1] == '\0'))
        end--;
    *out_len = end - start;
    return value + start;
}

void
msturn_longterm_key(const uint8_t *user, size_t ulen, const char *realm_unquoted, size_t rlen,
                    const uint8_t *pass, size_t plen, uint8_t out[MSTURN_LONGTERM_KEY_LEN])
{
    g_return_if_fail(out != NULL);
    g_return_if_fail((user || !ulen) && (realm_unquoted || !rlen) && (pass || !plen));
    GChecksum *md5 = g_checksum_new(G_CHECKSUM_MD5);
    gsize n = MSTURN_LONGTERM_KEY_LEN;
    if (ulen)
        g_checksum_update(md5, user, (gssize)ulen);
    g_checksum_update(md5, (const guchar *)":", 1);
    if (rlen)
        g_checksum_update(md5, (const guchar *)realm_unquoted, (gssize)rlen);
    g_checksum_update(md5, (const guchar *)":", 1);
    if (plen)
        g_checksum_update(md5, pass, (gssize)plen);
    g_checksum_get_digest(md5, out, &n);
    g_checksum_free(md5);
}

msturn_integrity_t
msturn_check_integrity(const uint8_t *buf, const msturn_msg_t *msg, const uint8_t *key, size_t key_len)
{
    g_return_val_if_fail(buf != NULL && msg != NULL, MSTURN_INTEGRITY_MALFORMED);
    g_return_val_if_fail(key != NULL && key_len > 0, MSTURN_INTEGRITY_MALFORMED);

    const msturn_attr_t *mi = msturn_find_attr(msg, MSTURN_ATTR_MESSAGE_INTEGRITY);
    if (!mi)
        return MSTURN_INTEGRITY_NOT_PRESENT;
    /* The whole value must be present and 20 or 32 bytes long. */
    if (mi->val_status != MSTURN_VAL_OK || mi->value_len != mi->length ||
        (mi->length != 20u && mi->length != 32u) || mi->offset < MSTURN_HEADER_LEN ||
        mi->value_off + mi->value_len > msg->avail)
        return MSTURN_INTEGRITY_MALFORMED;

    /* Header with Length = attributes before MI + MI itself. Fits 16 bits:
     * the walk kept MI inside the message, whose Length is 16 bits. */
    uint8_t hdr[MSTURN_HEADER_LEN];
    uint32_t fake_len = mi->offset - MSTURN_HEADER_LEN + 4u + mi->length;
    memcpy(hdr, buf, MSTURN_HEADER_LEN);
    hdr[2] = (uint8_t)(fake_len >> 8);
    hdr[3] = (uint8_t)fake_len;

    static const uint8_t zeros[MSTURN_HMAC_BLOCK] = { 0 };
    uint32_t pad = (MSTURN_HMAC_BLOCK - mi->offset % MSTURN_HMAC_BLOCK) % MSTURN_HMAC_BLOCK;
    GChecksumType type = mi->length == 32u ? G_CHECKSUM_SHA256 : G_CHECKSUM_SHA1;
    GHmac *hmac = g_hmac_new(type, key, key_len);
    uint8_t digest[32];
    gsize dlen = sizeof(digest);

    g_hmac_update(hmac, hdr, MSTURN_HEADER_LEN);
    if (mi->offset > MSTURN_HEADER_LEN)
        g_hmac_update(hmac, buf + MSTURN_HEADER_LEN, mi->offset - MSTURN_HEADER_LEN);
    if (pad)
        g_hmac_update(hmac, zeros, pad);
    g_hmac_get_digest(hmac, digest, &dlen);
    g_hmac_unref(hmac);
    if (dlen != mi->length)
        return MSTURN_INTEGRITY_MALFORMED;

    /* Compare every byte: no early exit. */
    uint8_t diff = 0;
    for (uint32_t i = 0; i < mi->length; i++)
        diff |= (uint8_t)(digest[i] ^ buf[mi->value_off + i]);
    return diff == 0 ? MSTURN_INTEGRITY_GOOD : MSTURN_INTEGRITY_BAD;
}

/* ---- framing ---------------------------------------------------------- */

msturn_status_t
msturn_parse_mux(const uint8_t *buf, size_t len, msturn_mux_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!buf || len < MSTURN_MUX_HDR_LEN)
        return MSTURN_TOO_SHORT;
    if (msturn_rd16(buf) != MSTURN_MUX_CHANNEL_ID)
        return MSTURN_NOT_STUN;
    out->length = msturn_rd16(buf + 2);
    out->session_off = 4;
    out->data_off = MSTURN_MUX_HDR_LEN;
    if (out->length < 8u) {
        out->data_len = 0;
        return MSTURN_ATTR_OVERRUN; /* Length cannot even hold the session id */
    }
    size_t want = (size_t)out->length + 4u;
    size_t have = len < want ? len : want;
    out->data_len = (uint32_t)(have - MSTURN_MUX_HDR_LEN);
    out->truncated = len < want;
    return out->truncated ? MSTURN_TRUNCATED : MSTURN_OK;
}

uint32_t
msturn_tcp_pdu_len(const uint8_t *buf, size_t len, msturn_tcp_pdu_t *kind)
{
    *kind = MSTURN_PDU_UNKNOWN;
    if (len < 4)
        return 0;
    if ((buf[0] == MSTURN_TCP_FRAME_CONTROL || buf[0] == MSTURN_TCP_FRAME_DATA) && buf[1] == 0) {
        *kind = buf[0] == MSTURN_TCP_FRAME_CONTROL ? MSTURN_PDU_FRAMED_CONTROL : MSTURN_PDU_FRAMED_DATA;
        return MSTURN_TCP_FRAME_HDR_LEN + msturn_rd16(buf + 2);
    }
    if (buf[0] == 0x16 && buf[1] == 0x03 && buf[2] <= 0x03) {
        *kind = MSTURN_PDU_PSEUDO_TLS;
        if (len < 5)
            return 0;             /* a record header cut after 4 bytes: more needed */
        return 5u + msturn_rd16(buf + 3);
    }
    if ((buf[0] & 0xC0u) == 0 && buf[0] <= 0x01) {
        *kind = MSTURN_PDU_BARE_STUN;
        return MSTURN_HEADER_LEN + msturn_rd16(buf + 2);
    }
    return 0;
}

bool
msturn_looks_like_pseudo_tls_hello(const uint8_t *buf, size_t len)
{
    /* 16 03 01 00 2d | 01 00 00 29 03 01 | random(32) | 00 | 00 02 00 18 | 01 00 */
    static const uint8_t head[] = { 0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x01 };
    static const uint8_t tail[] = { 0x00, 0x00, 0x02, 0x00, 0x18, 0x01, 0x00 };
    if (len < MSTURN_PSEUDO_TLS_CLIENT_HELLO_LEN)
        return false;
    return memcmp(buf, head, sizeof(head)) == 0 &&
           memcmp(buf + sizeof(head) + 32, tail, sizeof(tail)) == 0;
}

bool
msturn_starts_mux(const uint8_t *buf, size_t len)
{
    return buf && len >= 2 && msturn_rd16(buf) == MSTURN_MUX_CHANNEL_ID;
}

bool
msturn_rfc4571_whole(const uint8_t *buf, size_t len)
{
    return buf && len >= 2 && (size_t)msturn_rd16(buf) + 2 == len;
}

static void
set_span(msturn_span_t *sp, size_t len, uint32_t off, uint32_t n)
{
    if (len >= (size_t)off + n) {
        sp->offset = off;
        sp->length = n;
    }
}

msturn_status_t
msturn_parse_pseudo_tls(const uint8_t *buf, size_t len, msturn_pseudo_tls_t *out)
{
    memset(out, 0, sizeof(*out));
    /* [MS-TURN] 2.1.1: record header (type, version, length: 5 bytes), then
     * the handshake: type, 3-byte length, version, random(32), ... */
    if (!buf || len < 6)
        return MSTURN_TOO_SHORT;
    out->handshake_type = buf[5];
    set_span(&out->handshake, len, 5, 1);
    set_span(&out->random, len, 11, 32);
    /* A hello's later fields are taken only from a whole hello. */
    if (out->handshake_type == 1) {
        /* session id length (0), cipher suites length (2), the suite, compression (2 bytes) */
        if (len < MSTURN_PSEUDO_TLS_CLIENT_HELLO_LEN)
            return MSTURN_TRUNCATED;
        set_span(&out->cipher_suite, len, 46, 2);
    } else if (out->handshake_type == 2) {
        /* session id length (32), the session id, the suite, compression method */
        if (len < 79)
            return MSTURN_TRUNCATED;
        set_span(&out->session_id, len, 44, 32);
        set_span(&out->cipher_suite, len, 76, 2);
    }
    return MSTURN_OK;
}

bool
msturn_is_ice2_check(const uint8_t *buf, size_t len, msturn_msg_t *m)
{
    if (!buf || len < MSTURN_HEADER_LEN + 8u)
        return false;
    if (!msturn_looks_like_stun_check(buf, len) || msturn_rd32(buf + 4) != STUN_RFC5389_COOKIE)
        return false;
    msturn_msg_t local;
    if (!m)
        m = &local;
    return msturn_parse(buf, len, m) == MSTURN_OK &&
           (msturn_find_attr(m, MSTURN_ATTR_ICE_IMPL_VERSION) || msturn_find_attr(m, MSTURN_ATTR_ICE_CANDIDATE_ID));
}

bool
msturn_looks_like_framed(const uint8_t *buf, size_t len)
{
    if (len < MSTURN_TCP_FRAME_HDR_LEN + MSTURN_HEADER_LEN + 8u)
        return false;
    if (buf[0] != MSTURN_TCP_FRAME_CONTROL || buf[1] != 0)
        return false;
    if (msturn_rd16(buf + 2) < MSTURN_HEADER_LEN + 8u)
        return false;
    return msturn_looks_like_msturn(buf + MSTURN_TCP_FRAME_HDR_LEN, len - MSTURN_TCP_FRAME_HDR_LEN) &&
           msturn_rd32(buf + MSTURN_TCP_FRAME_HDR_LEN + 24) == MSTURN_MAGIC_COOKIE_VALUE;
}

msturn_tcp_start_t
msturn_tcp_starts(const uint8_t *buf, size_t len, size_t reported_len)
{
    if (!buf || len < MSTURN_TCP_FRAME_HDR_LEN)
        return MSTURN_TCP_START_NO;
    if (msturn_looks_like_pseudo_tls_hello(buf, len))
        return MSTURN_TCP_START_PSEUDO_TLS;
    if (msturn_looks_like_framed(buf, len))
        return MSTURN_TCP_START_FRAMED;
    /* [MS-TURN] 2.1.4: type (0x02 control, 0x03 data), reserved 0, 16-bit length. */
    if (buf[0] == MSTURN_TCP_FRAME_DATA && buf[1] == 0) {
        size_t next = MSTURN_TCP_FRAME_HDR_LEN + (size_t)msturn_rd16(buf + 2);
        if (next == reported_len)
            return MSTURN_TCP_START_DATA_FRAME;
        if (next + 2 <= len && (buf[next] == MSTURN_TCP_FRAME_CONTROL || buf[next] == MSTURN_TCP_FRAME_DATA) &&
            buf[next + 1] == 0)
            return MSTURN_TCP_START_DATA_FRAME;
        return MSTURN_TCP_START_NO;
    }
    return msturn_looks_like_msturn(buf, len) ? MSTURN_TCP_START_BARE : MSTURN_TCP_START_NO;
}
