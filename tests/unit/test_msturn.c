/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_msturn.c - unit tests of the MS-TURN walker (plugin/core/msturn.c).
 *
 * Vectors are written row by row with a comment per row. Every good vector
 * is also parsed at every shorter length: each prefix must come back with a
 * non-OK status (or as "not ours"), never crash or read past the end (run
 * under valgrind and ASan by the test script).
 */
#include <glib.h>
#include <string.h>

#include "msturn.h"

/* Allocate Error 401 as an Edge sends it (layout of teams.pcap; values ours). */
static const uint8_t v_401[] = {
    0x01, 0x13, 0x00, 0x50,                         /* Allocate Error, Length 80 */
    0x21, 0x12, 0xa4, 0x42, 0x01, 0x02, 0x03, 0x04, /* txid (client put the RFC 5389 cookie first) */
    0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
    0x00, 0x0f, 0x00, 0x04, 0x72, 0xc6, 0x4b, 0xc6, /* MAGIC-COOKIE */
    0x00, 0x09, 0x00, 0x11, 0x00, 0x00, 0x04, 0x01, /* ERROR-CODE len 17: 401 */
    'U', 'n', 'a', 'u', 't', 'h', 'o', 'r', 'i', 'z', 'e', 'd', '!',  /* reason, 13 bytes, unpadded */
    0x00, 0x15, 0x00, 0x0a,                         /* REALM len 10 (0x0015 in MS-TURN) */
    '"', 'r', 't', 'c', 'm', 'e', 'd', 'i', 'a', '"',
    0x00, 0x14, 0x00, 0x08,                         /* NONCE len 8 (0x0014 in MS-TURN) */
    0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33,
    0x00, 0x0e, 0x00, 0x08, 0x00, 0x01, 0x0d, 0x96, /* ALTERNATE-SERVER IPv4 :3478 */
    0xcb, 0x00, 0x71, 0x0a,                         /* 203.0.113.10 */
    0x80, 0x22, 0x00, 0x09,                         /* 0x8022 len 9, unpadded */
    '2', '.', '0', '.', '1', '.', '2', '1', '1',
};

/* Allocate Response: MAPPED (relay) and XOR-MAPPED 0x8020 with the spec's
 * XOR example: port 0x1122 sent as 0x1122 ^ 0x4455 = 0x5577. */
static const uint8_t v_alloc_resp[] = {
    0x01, 0x03, 0x00, 0x30,                         /* Allocate Response, Length 48 */
    0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, /* txid: top 16 bits 0x4455 */
    0xcc, 0xdd, 0xee, 0xff, 0x10, 0x20, 0x30, 0x40,
    0x00, 0x0f, 0x00, 0x04, 0x72, 0xc6, 0x4b, 0xc6, /* MAGIC-COOKIE */
    0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x0d, 0x98, /* MAPPED-ADDRESS :3480 */
    0xcb, 0x00, 0x71, 0x0a,                         /* 203.0.113.10 (plain) */
    0x80, 0x20, 0x00, 0x08, 0x00, 0x01, 0x55, 0x77, /* XOR-MAPPED-ADDRESS port 0x1122 ^ 0x4455 */
    0xc0 ^ 0x44, 0x00 ^ 0x55, 0x02 ^ 0x66, 0x4d ^ 0x77, /* 192.0.2.77 ^ txid[0..3] */
    0x00, 0x0d, 0x00, 0x04, 0x00, 0x00, 0x00, 0x3c, /* LIFETIME 60 */
    0x80, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x06, /* MS-VERSION 6 */
};

/* MS-ICE2 connectivity check as relayed inside DATA: RFC 5389 layout. */
static const uint8_t v_ice2_check[] = {
    0x00, 0x01, 0x00, 0x24,                         /* Binding Request, Length 36 */
    0x21, 0x12, 0xa4, 0x42, 0xaa, 0xbb, 0xcc, 0xdd, /* RFC 5389 cookie + 96-bit txid */
    0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
    0x00, 0x06, 0x00, 0x09, 'F', 'Y', '3', '2',     /* USERNAME len 9 */
    ':', 'o', '5', '/', 'I', 0x00, 0x00, 0x00,      /* + 3 padding bytes */
    0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x1e, 0xff, /* PRIORITY (prflx 110) */
    0x00, 0x25, 0x00, 0x00,                         /* USE-CANDIDATE */
    0x80, 0x70, 0x00, 0x04, 0x00, 0x00, 0x00, 0x07, /* IMPLEMENTATION-VERSION 7 */
};

/* MS-ICE (v6) check: RFC 3489, random txid, unpadded USERNAME with NULs. */
static const uint8_t v_classic_check[] = {
    0x00, 0x01, 0x00, 0x0d,                         /* Binding Request, Length 13 */
    0x9a, 0x8b, 0x7c, 0x6d, 0x5e, 0x4f, 0x30, 0x21, /* 128 random bits */
    0x12, 0x03, 0xf4, 0xe5, 0xd6, 0xc7, 0xb8, 0xa9,
    0x00, 0x06, 0x00, 0x09, 'a', ':', '1', ':',     /* USERNAME len 9, unpadded */
    'b', ':', '1', 0x00, 0x00,
};

static void
check_every_prefix(const uint8_t *v, size_t len)
{
    for (size_t n = 0; n < len; n++) {
        uint8_t *copy = g_memdup2(v, n ? n : 1); /* exact-size heap block: ASan/valgrind see overreads */
        msturn_msg_t m;
        msturn_status_t st = msturn_parse(copy, n, &m);
        g_assert_cmpint(st, !=, MSTURN_OK);
        for (unsigned i = 0; i < m.n_attrs; i++) {
            g_assert_cmpuint(m.attrs[i].value_off + m.attrs[i].value_len + m.attrs[i].pad_len, <=, n);
            msturn_addr_t a;
            uint32_t u;
            (void)msturn_get_address(copy, &m, &m.attrs[i], &a);
            (void)msturn_get_u32(copy, &m.attrs[i], &u);
        }
        g_free(copy);
    }
}

static void
test_401_unpadded(void)
{
    msturn_msg_t m;
    g_assert_cmpint(msturn_parse(v_401, sizeof(v_401), &m), ==, MSTURN_OK);
    g_assert_true(msturn_looks_like_msturn_strict(v_401, sizeof(v_401), sizeof(v_401)));
    /* A short snapshot: only 20 bytes captured of the whole datagram. Judged
     * without reading past them (a copy, so valgrind sees any overread). */
    guint8 *snap = g_memdup2(v_401, 20);
    g_assert_false(msturn_looks_like_msturn_strict(snap, 20, sizeof(v_401)));
    g_assert_false(msturn_looks_like_mux(snap, 3, 40));
    g_free(snap);
    g_assert_cmpint(m.dialect, ==, MSTURN_DIALECT_MSTURN);
    g_assert_cmpint(m.padding, ==, MSTURN_PAD_NONE);
    g_assert_cmpuint(m.type, ==, MSTURN_ALLOCATE_ERROR);
    g_assert_cmpuint(m.n_attrs, ==, 6);
    g_assert_cmpuint(m.walked, ==, sizeof(v_401));

    const msturn_attr_t *ec = msturn_find_attr(&m, MSTURN_ATTR_ERROR_CODE);
    uint16_t code;
    uint32_t ro, rl;
    g_assert_nonnull(ec);
    g_assert_cmpint(msturn_get_error(v_401, ec, &code, &ro, &rl), ==, MSTURN_VAL_OK);
    g_assert_cmpuint(code, ==, 401);
    g_assert_cmpuint(rl, ==, 13);
    g_assert_cmpmem(v_401 + ro, rl, "Unauthorized!", 13);
    g_assert_cmpstr(msturn_error_name(code), ==, "Unauthorized");

    /* 0x0015 is REALM (with its quotes), 0x0014 is NONCE. */
    const msturn_attr_t *realm = msturn_find_attr(&m, MSTURN_ATTR_REALM);
    g_assert_nonnull(realm);
    g_assert_cmpstr(realm->info->name, ==, "REALM");
    g_assert_cmpmem(v_401 + realm->value_off, realm->value_len, "\"rtcmedia\"", 10);
    g_assert_cmpuint(realm->pad_len, ==, 0);
    g_assert_cmpstr(msturn_find_attr(&m, MSTURN_ATTR_NONCE)->info->name, ==, "NONCE");

    msturn_addr_t alt;
    g_assert_cmpint(msturn_get_address(v_401, &m, msturn_find_attr(&m, MSTURN_ATTR_ALTERNATE_SERVER), &alt), ==,
                    MSTURN_VAL_OK);
    g_assert_cmpuint(alt.port, ==, 3478);
    g_assert_cmpmem(alt.addr, alt.addr_len, "\xcb\x00\x71\x0a", 4);
    g_assert_cmpuint(msturn_missing_mandatory(v_401, &m), ==, 0);
    check_every_prefix(v_401, sizeof(v_401));
}

static void
test_xor_mapped_uses_txid(void)
{
    msturn_msg_t m;
    msturn_addr_t a;
    g_assert_cmpint(msturn_parse(v_alloc_resp, sizeof(v_alloc_resp), &m), ==, MSTURN_OK);
    g_assert_cmpint(msturn_get_address(v_alloc_resp, &m, msturn_find_attr(&m, MSTURN_ATTR_XOR_MAPPED_ADDRESS), &a),
                    ==, MSTURN_VAL_OK);
    g_assert_cmpuint(a.port, ==, 0x1122);            /* [MS-TURN] 2.2.2.16 example */
    g_assert_cmpmem(a.addr, a.addr_len, "\xc0\x00\x02\x4d", 4);
    /* MAPPED-ADDRESS is plain: the relayed address. */
    g_assert_cmpint(msturn_get_address(v_alloc_resp, &m, msturn_find_attr(&m, MSTURN_ATTR_MAPPED_ADDRESS), &a),
                    ==, MSTURN_VAL_OK);
    g_assert_cmpuint(a.port, ==, 3480);
    g_assert_cmpmem(a.addr, a.addr_len, "\xcb\x00\x71\x0a", 4);
    uint32_t v;
    g_assert_cmpint(msturn_get_u32(v_alloc_resp, msturn_find_attr(&m, MSTURN_ATTR_MS_VERSION), &v), ==, MSTURN_VAL_OK);
    g_assert_cmpuint(v, ==, 6);
    g_assert_cmpstr(msturn_ms_version_meaning(v), ==, "multiplexed TURN over UDP and TCP");
    g_assert_cmpuint(msturn_missing_mandatory(v_alloc_resp, &m), ==, 0);
    check_every_prefix(v_alloc_resp, sizeof(v_alloc_resp));
}

static void
test_ice2_check_padded(void)
{
    msturn_msg_t m;
    g_assert_cmpint(msturn_parse(v_ice2_check, sizeof(v_ice2_check), &m), ==, MSTURN_OK);
    g_assert_cmpint(m.dialect, ==, MSTURN_DIALECT_ICE2);
    g_assert_cmpint(m.padding, ==, MSTURN_PAD_4);
    g_assert_cmpuint(m.n_attrs, ==, 4);
    const msturn_attr_t *u = msturn_find_attr(&m, MSTURN_ATTR_USERNAME);
    g_assert_cmpuint(u->value_len, ==, 9);
    g_assert_cmpuint(u->pad_len, ==, 3);
    g_assert_nonnull(msturn_find_attr(&m, MSTURN_ATTR_ICE_USE_CANDIDATE));
    g_assert_true(msturn_looks_like_stun_check(v_ice2_check, sizeof(v_ice2_check)));
    g_assert_cmpint(msturn_classify_payload(v_ice2_check, sizeof(v_ice2_check)), ==, MSTURN_PAYLOAD_STUN);
    g_assert_false(msturn_looks_like_msturn(v_ice2_check, sizeof(v_ice2_check)));
    check_every_prefix(v_ice2_check, sizeof(v_ice2_check));
}

static void
test_classic_check_unpadded(void)
{
    msturn_msg_t m;
    g_assert_cmpint(msturn_parse(v_classic_check, sizeof(v_classic_check), &m), ==, MSTURN_OK);
    g_assert_cmpint(m.dialect, ==, MSTURN_DIALECT_CLASSIC);
    g_assert_cmpint(m.padding, ==, MSTURN_PAD_NONE);
    g_assert_cmpuint(m.n_attrs, ==, 1);
    g_assert_cmpuint(m.attrs[0].value_len, ==, 9);
    check_every_prefix(v_classic_check, sizeof(v_classic_check));
}

static void
test_attr_overrun(void)
{
    uint8_t v[sizeof(v_401)];
    memcpy(v, v_401, sizeof(v));
    v[52] = 0xc8; /* REALM length 10 -> 200: runs past the message */
    msturn_msg_t m;
    g_assert_cmpint(msturn_parse(v, sizeof(v), &m), ==, MSTURN_ATTR_OVERRUN);
    const msturn_attr_t *realm = msturn_find_attr(&m, MSTURN_ATTR_REALM);
    g_assert_cmpint(realm->val_status, ==, MSTURN_VAL_CLIPPED);
    g_assert_cmpuint(realm->value_off + realm->value_len, ==, sizeof(v));
}

static void
test_truncated_capture(void)
{
    msturn_msg_t m;
    /* Cut inside the last attribute: the capture is short, the message is not wrong. */
    g_assert_cmpint(msturn_parse(v_401, sizeof(v_401) - 3, &m), ==, MSTURN_TRUNCATED);
    g_assert_true(m.truncated);
    g_assert_cmpuint(m.n_attrs, ==, 6);
}

static void
test_trailing_bytes(void)
{
    uint8_t v[sizeof(v_alloc_resp) + 2];
    memcpy(v, v_alloc_resp, sizeof(v_alloc_resp));
    v[3] += 2; /* Length claims two more bytes: too few for an attribute header */
    v[sizeof(v_alloc_resp)] = 0;
    v[sizeof(v_alloc_resp) + 1] = 0;
    msturn_msg_t m;
    g_assert_cmpint(msturn_parse(v, sizeof(v), &m), ==, MSTURN_TRAILING_BYTES);
}

static void
test_too_many_attrs_is_bounded(void)
{
    /* MAGIC-COOKIE + 200 zero-length attributes: the walk stops at the limit. */
    size_t n = 20 + 8 + 200 * 4;
    uint8_t *v = g_malloc0(n);
    v[1] = 0x03;
    v[2] = (uint8_t)((n - 20) >> 8);
    v[3] = (uint8_t)(n - 20);
    memcpy(v + 20, "\x00\x0f\x00\x04\x72\xc6\x4b\xc6", 8);
    for (size_t o = 28; o < n; o += 4)
        memcpy(v + o, "\x8f\xff\x00\x00", 4);
    msturn_msg_t m;
    g_assert_cmpint(msturn_parse(v, n, &m), ==, MSTURN_TOO_MANY_ATTRS);
    g_assert_cmpuint(m.n_attrs, ==, MSTURN_MAX_ATTRS);
    g_free(v);
}

static void
test_bad_values(void)
{
    uint8_t v[sizeof(v_alloc_resp)];
    msturn_msg_t m;
    msturn_addr_t a;

    memcpy(v, v_alloc_resp, sizeof(v));
    v[45] = 7; /* XOR-MAPPED-ADDRESS family 7 */
    g_assert_cmpint(msturn_parse(v, sizeof(v), &m), ==, MSTURN_OK);
    const msturn_attr_t *x = msturn_find_attr(&m, MSTURN_ATTR_XOR_MAPPED_ADDRESS);
    g_assert_cmpint(x->val_status, ==, MSTURN_VAL_BAD_FAMILY);
    g_assert_cmpint(msturn_get_address(v, &m, x, &a), ==, MSTURN_VAL_BAD_FAMILY);
    g_assert_cmpuint(a.addr_len, ==, 0);
    /* The port still decodes: the same as with the good family. */
    msturn_addr_t good;
    msturn_msg_t gm;
    g_assert_cmpint(msturn_parse(v_alloc_resp, sizeof(v_alloc_resp), &gm), ==, MSTURN_OK);
    g_assert_cmpint(msturn_get_address(v_alloc_resp, &gm, msturn_find_attr(&gm, MSTURN_ATTR_XOR_MAPPED_ADDRESS),
                                       &good), ==, MSTURN_VAL_OK);
    g_assert_cmpuint(a.port, ==, good.port);
    g_assert_cmpuint(a.family, ==, 7);

    memcpy(v, v_alloc_resp, sizeof(v));
    v[27] = 0xc7; /* cookie value 0x72c64bc7 */
    g_assert_true(msturn_looks_like_msturn(v, sizeof(v)));
    g_assert_false(msturn_looks_like_msturn_strict(v, sizeof(v), sizeof(v)));
    g_assert_cmpint(msturn_parse(v, sizeof(v), &m), ==, MSTURN_OK);
    g_assert_cmpint(m.attrs[0].val_status, ==, MSTURN_VAL_BAD_COOKIE);

    memcpy(v, v_alloc_resp, sizeof(v));
    v[55] = 3; /* LIFETIME length 4 -> 3: invalid, and the walk goes astray after it */
    g_assert_cmpint(msturn_parse(v, sizeof(v), &m), ==, MSTURN_ATTR_OVERRUN);
    g_assert_cmpint(msturn_find_attr(&m, MSTURN_ATTR_LIFETIME)->val_status, ==, MSTURN_VAL_BAD_LENGTH);
}

static void
test_missing_mandatory(void)
{
    /* Allocate Response without XOR-MAPPED-ADDRESS ([MS-TURN] 3.2.5.1). */
    static const uint8_t v[] = {
        0x01, 0x03, 0x00, 0x08,
        0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
        0x00, 0x0f, 0x00, 0x04, 0x72, 0xc6, 0x4b, 0xc6,
    };
    msturn_msg_t m;
    g_assert_cmpint(msturn_parse(v, sizeof(v), &m), ==, MSTURN_OK);
    g_assert_cmpuint(msturn_missing_mandatory(v, &m), ==, MSTURN_ATTR_XOR_MAPPED_ADDRESS);
    uint8_t send[sizeof(v)];
    memcpy(send, v, sizeof(v));
    send[0] = 0x00;
    send[1] = 0x04; /* Send Request with nothing but the cookie */
    g_assert_cmpint(msturn_parse(send, sizeof(send), &m), ==, MSTURN_OK);
    g_assert_cmpuint(msturn_missing_mandatory(send, &m), ==, MSTURN_ATTR_DESTINATION_ADDRESS);
    g_assert_false(msturn_expects_response(MSTURN_SEND_REQUEST));
    g_assert_true(msturn_expects_response(MSTURN_ALLOCATE_REQUEST));
    g_assert_false(msturn_is_response(MSTURN_DATA_INDICATION));
    g_assert_true(msturn_is_response(MSTURN_SAD_ERROR));
}

static void
test_type_table(void)
{
    g_assert_cmpstr(msturn_type_info(0x0004)->name, ==, "Send Request");       /* not "Refresh" */
    g_assert_cmpstr(msturn_type_info(0x0115)->name, ==, "Data Indication");    /* not an error */
    g_assert_cmpstr(msturn_type_info(0x0006)->method, ==, "Set Active Destination");
    g_assert_null(msturn_type_info(0x0009));
    g_assert_cmpstr(msturn_error_name(275), ==, "Disable Candidate Pair");
}

static void
test_mux(void)
{
    static const uint8_t v[] = {
        0xff, 0x10, 0x00, 0x0c,                         /* channel 0xFF10, Length 12 */
        0xc7, 0xfe, 0x69, 0x46, 0x6a, 0x84, 0x53, 0x13, /* session id */
        0x80, 0x00, 0x00, 0x01,                         /* 4 bytes of data */
    };
    msturn_mux_t mux;
    g_assert_true(msturn_looks_like_mux(v, sizeof(v), sizeof(v)));
    g_assert_cmpint(msturn_parse_mux(v, sizeof(v), &mux), ==, MSTURN_OK);
    g_assert_cmpuint(mux.data_off, ==, 12);
    g_assert_cmpuint(mux.data_len, ==, 4);
    g_assert_cmpint(msturn_parse_mux(v, sizeof(v) - 1, &mux), ==, MSTURN_TRUNCATED);
    g_assert_false(msturn_looks_like_mux(v, sizeof(v) - 1, sizeof(v) - 1));
    g_assert_cmpint(msturn_parse_mux(v, 11, &mux), ==, MSTURN_TOO_SHORT);
    uint8_t lie[sizeof(v)];
    memcpy(lie, v, sizeof(v));
    lie[3] = 4; /* cannot hold the session id */
    g_assert_cmpint(msturn_parse_mux(lie, sizeof(lie), &mux), ==, MSTURN_ATTR_OVERRUN);
}

static void
test_tcp_framing(void)
{
    msturn_tcp_pdu_t kind;
    static const uint8_t ctrl[] = { 0x02, 0x00, 0x00, 0x30 };
    g_assert_cmpuint(msturn_tcp_pdu_len(ctrl, 4, &kind), ==, 52);
    g_assert_cmpint(kind, ==, MSTURN_PDU_FRAMED_CONTROL);
    static const uint8_t data[] = { 0x03, 0x00, 0x00, 0xae };
    g_assert_cmpuint(msturn_tcp_pdu_len(data, 4, &kind), ==, 4 + 174);
    g_assert_cmpint(kind, ==, MSTURN_PDU_FRAMED_DATA);
    static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x00, 0x2d };
    g_assert_cmpuint(msturn_tcp_pdu_len(hello, 4, &kind), ==, 0); /* needs 5 bytes */
    g_assert_cmpint(kind, ==, MSTURN_PDU_PSEUDO_TLS);            /* ... and says so */
    g_assert_cmpuint(msturn_tcp_pdu_len(hello, 5, &kind), ==, 50);
    g_assert_cmpint(kind, ==, MSTURN_PDU_PSEUDO_TLS);
    static const uint8_t bad[] = { 0x05, 0x00, 0x00, 0x10 };
    g_assert_cmpuint(msturn_tcp_pdu_len(bad, 4, &kind), ==, 0);
    g_assert_cmpint(kind, ==, MSTURN_PDU_UNKNOWN);

    /* [MS-TURN] 2.1.1 pseudo ClientHello: one cipher suite, 0x0018. */
    uint8_t ch[50] = { 0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x01 };
    memcpy(ch + 43, "\x00\x00\x02\x00\x18\x01\x00", 7);
    g_assert_true(msturn_looks_like_pseudo_tls_hello(ch, sizeof(ch)));
    ch[47] = 0x2f; /* a real TLS client would offer other suites */
    g_assert_false(msturn_looks_like_pseudo_tls_hello(ch, sizeof(ch)));

    uint8_t framed[4 + sizeof(v_alloc_resp)] = { 0x02, 0x00, 0x00, sizeof(v_alloc_resp) };
    memcpy(framed + 4, v_alloc_resp, sizeof(v_alloc_resp));
    g_assert_true(msturn_looks_like_framed(framed, sizeof(framed)));
}

/* A direct check is taken for MS-ICE2 by its shape: the cookie, a clean
 * parse and IMPLEMENTATION-VERSION or CANDIDATE-IDENTIFIER ([MS-ICE2] 2.2.2). */
static void
test_is_ice2_check(void)
{
    msturn_msg_t m;
    g_assert_true(msturn_is_ice2_check(v_ice2_check, sizeof(v_ice2_check), &m));
    g_assert_nonnull(msturn_find_attr(&m, MSTURN_ATTR_ICE_IMPL_VERSION));
    g_assert_true(msturn_is_ice2_check(v_ice2_check, sizeof(v_ice2_check), NULL));
    /* Without its IMPLEMENTATION-VERSION (the last 8 bytes), a plain RFC 5389 check. */
    uint8_t plain[sizeof(v_ice2_check) - 8];
    memcpy(plain, v_ice2_check, sizeof(plain));
    plain[3] = 0x1c;                                   /* Length 28 */
    g_assert_cmpint(msturn_parse(plain, sizeof(plain), &m), ==, MSTURN_OK);
    g_assert_false(msturn_is_ice2_check(plain, sizeof(plain), &m));
    /* A CANDIDATE-IDENTIFIER in its place does the same. */
    uint8_t cand[sizeof(v_ice2_check)];
    memcpy(cand, v_ice2_check, sizeof(cand));
    cand[sizeof(cand) - 8] = 0x80;
    cand[sizeof(cand) - 7] = 0x54;                     /* 0x8054, 4 bytes "abcd" */
    memcpy(cand + sizeof(cand) - 4, "abcd", 4);
    g_assert_true(msturn_is_ice2_check(cand, sizeof(cand), NULL));
    /* MS-ICE v6 checks have no cookie: not recognised by shape. */
    g_assert_false(msturn_is_ice2_check(v_classic_check, sizeof(v_classic_check), NULL));
    /* A damaged check (Length one attribute short) is not taken. */
    uint8_t cut[sizeof(v_ice2_check)];
    memcpy(cut, v_ice2_check, sizeof(cut));
    cut[3] = 0x20;
    g_assert_false(msturn_is_ice2_check(cut, sizeof(cut), NULL));
    for (size_t n = 0; n < sizeof(v_ice2_check); n++)
        g_assert_false(msturn_is_ice2_check(v_ice2_check, n, NULL));
}

/* USERNAME as text: MS-ICE2's NUL padding inside the length is not part of it. */
static void
test_get_text_and_u64(void)
{
    msturn_msg_t m;
    uint32_t n = 0;
    g_assert_cmpint(msturn_parse(v_classic_check, sizeof(v_classic_check), &m), ==, MSTURN_OK);
    const msturn_attr_t *u = msturn_find_attr(&m, MSTURN_ATTR_USERNAME);
    g_assert_true(msturn_get_text(v_classic_check, u, &n));
    g_assert_cmpuint(n, ==, 7);                        /* "a:1:b:1", 2 NULs stripped */
    uint8_t bin[sizeof(v_classic_check)];
    memcpy(bin, v_classic_check, sizeof(bin));
    bin[24] = 0x01;                                    /* a control byte: not text */
    g_assert_cmpint(msturn_parse(bin, sizeof(bin), &m), ==, MSTURN_OK);
    g_assert_false(msturn_get_text(bin, msturn_find_attr(&m, MSTURN_ATTR_USERNAME), &n));

    /* MULTIPLEXED-TURN-SESSION-ID ([MS-TURN] 2.2.2.25), 8 bytes. */
    static const uint8_t v_sid[] = {
        0x01, 0x01, 0x00, 0x0c,                         /* Binding Response, Length 12 */
        0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
        0x80, 0x95, 0x00, 0x08, 0x01, 0x23, 0x45, 0x67, /* session id 0x0123456789abcdef */
        0x89, 0xab, 0xcd, 0xef,
    };
    g_assert_cmpint(msturn_parse(v_sid, sizeof(v_sid), &m), ==, MSTURN_OK);
    uint64_t sid = 0;
    g_assert_cmpint(msturn_get_u64(v_sid, msturn_find_attr(&m, MSTURN_ATTR_MUX_SESSION_ID), &sid), ==, MSTURN_VAL_OK);
    g_assert_cmphex(sid, ==, G_GUINT64_CONSTANT(0x0123456789abcdef));
    /* Cut by the end of the message: no value. */
    msturn_parse(v_sid, sizeof(v_sid) - 3, &m);
    const msturn_attr_t *a = msturn_find_attr(&m, MSTURN_ATTR_MUX_SESSION_ID);
    if (a) {
        g_assert_cmpint(msturn_get_u64(v_sid, a, &sid), ==, MSTURN_VAL_CLIPPED);
        g_assert_cmphex(sid, ==, 0);
    }
}

/* 0xFF10 at the start ([MS-TURN] 2.2.3) and an RFC 4571 frame filling a TCP data frame (2.1.4). */
static void
test_mux_start_and_rfc4571(void)
{
    static const uint8_t mux[] = { 0xff, 0x10, 0x00, 0x08 };
    g_assert_true(msturn_starts_mux(mux, 2));
    g_assert_true(msturn_starts_mux(mux, sizeof(mux)));
    g_assert_false(msturn_starts_mux(mux, 1));
    g_assert_false(msturn_starts_mux(v_alloc_resp, sizeof(v_alloc_resp)));
    static const uint8_t framed[] = { 0x00, 0x04, 0x80, 0x00, 0x2e, 0x60 };  /* length 4 + 4 bytes */
    g_assert_true(msturn_rfc4571_whole(framed, sizeof(framed)));
    g_assert_false(msturn_rfc4571_whole(framed, sizeof(framed) - 1));   /* cut */
    static const uint8_t empty[] = { 0x00, 0x00 };
    g_assert_true(msturn_rfc4571_whole(empty, 2));
    g_assert_false(msturn_rfc4571_whole(empty, 1));
    g_assert_false(msturn_rfc4571_whole(NULL, 0));
}

/* [MS-TURN] 2.1.1: the pseudo-TLS ClientHello and ServerHello. */
static void
test_pseudo_tls(void)
{
    msturn_pseudo_tls_t p;
    uint8_t ch[50] = { 0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x01 };
    memcpy(ch + 43, "\x00\x00\x02\x00\x18\x01\x00", 7);
    g_assert_cmpint(msturn_parse_pseudo_tls(ch, sizeof(ch), &p), ==, MSTURN_OK);
    g_assert_cmpuint(p.handshake_type, ==, 1);
    g_assert_cmpuint(p.random.offset, ==, 11);
    g_assert_cmpuint(p.random.length, ==, 32);
    g_assert_cmpuint(p.session_id.length, ==, 0);
    g_assert_cmpuint(p.cipher_suite.offset, ==, 46);  /* 0x0018 */
    g_assert_cmpuint(p.cipher_suite.length, ==, 2);

    uint8_t sh[83] = { 0x16, 0x03, 0x01, 0x00, 0x4e, 0x02, 0x00, 0x00, 0x46, 0x03, 0x01 };
    sh[43] = 32;                                       /* session id length */
    sh[76] = 0x00;
    sh[77] = 0x18;                                     /* cipher suite */
    g_assert_cmpint(msturn_parse_pseudo_tls(sh, sizeof(sh), &p), ==, MSTURN_OK);
    g_assert_cmpuint(p.handshake_type, ==, 2);
    g_assert_cmpuint(p.session_id.offset, ==, 44);
    g_assert_cmpuint(p.session_id.length, ==, 32);
    g_assert_cmpuint(p.cipher_suite.offset, ==, 76);

    /* Every prefix: type from 6 bytes, random from 43, the rest only whole. */
    for (size_t n = 0; n < sizeof(sh); n++) {
        msturn_status_t st = msturn_parse_pseudo_tls(sh, n, &p);
        g_assert_cmpint(st, ==, n < 6 ? MSTURN_TOO_SHORT : n < 79 ? MSTURN_TRUNCATED : MSTURN_OK);
        g_assert_cmpuint(p.random.length, ==, n >= 43 ? 32 : 0);
        g_assert_cmpuint(p.cipher_suite.length, ==, n >= 79 ? 2 : 0);
    }
    for (size_t n = 6; n < sizeof(ch); n++) {
        g_assert_cmpint(msturn_parse_pseudo_tls(ch, n, &p), ==, MSTURN_TRUNCATED);
        g_assert_cmpuint(p.cipher_suite.length, ==, 0);
    }
    ch[5] = 0x0b;                                      /* Certificate: no hello, type only */
    g_assert_cmpint(msturn_parse_pseudo_tls(ch, sizeof(ch), &p), ==, MSTURN_OK);
    g_assert_cmpuint(p.handshake_type, ==, 11);
    g_assert_cmpuint(p.cipher_suite.length, ==, 0);
    g_assert_cmpint(msturn_parse_pseudo_tls(NULL, 0, &p), ==, MSTURN_TOO_SHORT);
}

/* The first segment of a connection to an Edge TCP port ([MS-TURN] 2.1.1,
 * 2.1.4): which starts are MS-TURN, whatever the prefix captured. */
static void
test_tcp_starts(void)
{
    uint8_t ch[50] = { 0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x01 };
    memcpy(ch + 43, "\x00\x00\x02\x00\x18\x01\x00", 7);
    g_assert_cmpint(msturn_tcp_starts(ch, sizeof(ch), sizeof(ch)), ==, MSTURN_TCP_START_PSEUDO_TLS);

    uint8_t framed[4 + sizeof(v_alloc_resp)] = { 0x02, 0x00, 0x00, sizeof(v_alloc_resp) };
    memcpy(framed + 4, v_alloc_resp, sizeof(v_alloc_resp));
    g_assert_cmpint(msturn_tcp_starts(framed, sizeof(framed), sizeof(framed)), ==, MSTURN_TCP_START_FRAMED);

    /* Mid-stream: an end-to-end data frame of 6 bytes (03 00 00 06), alone
     * in its segment, or followed by the header of the next frame. */
    static const uint8_t data[] = {
        0x03, 0x00, 0x00, 0x06,              /* data frame, 6 bytes */
        0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,  /* RFC 4571 length 4 + 4 bytes */
        0x02, 0x00, 0x00, 0x24,              /* the next frame: TURN control, 36 bytes */
    };
    g_assert_cmpint(msturn_tcp_starts(data, 10, 10), ==, MSTURN_TCP_START_DATA_FRAME);
    g_assert_cmpint(msturn_tcp_starts(data, sizeof(data), 200), ==, MSTURN_TCP_START_DATA_FRAME);
    g_assert_cmpint(msturn_tcp_starts(data, 11, 200), ==, MSTURN_TCP_START_NO);   /* next header cut off */
    uint8_t other[sizeof(data)];
    memcpy(other, data, sizeof(data));
    other[10] = 0x17;                        /* what follows is no frame header */
    g_assert_cmpint(msturn_tcp_starts(other, sizeof(other), 200), ==, MSTURN_TCP_START_NO);

    g_assert_cmpint(msturn_tcp_starts(v_alloc_resp, sizeof(v_alloc_resp), sizeof(v_alloc_resp)), ==,
                    MSTURN_TCP_START_BARE);
    static const uint8_t tls[] = { 0x17, 0x03, 0x03, 0x00, 0x10, 0, 0, 0 };  /* a real TLS record */
    g_assert_cmpint(msturn_tcp_starts(tls, sizeof(tls), sizeof(tls)), ==, MSTURN_TCP_START_NO);
    /* Fewer than a frame header: never MS-TURN; every prefix of the frames is read safely. */
    for (size_t n = 0; n < 4; n++)
        g_assert_cmpint(msturn_tcp_starts(framed, n, n), ==, MSTURN_TCP_START_NO);
    for (size_t n = 0; n <= sizeof(framed); n++)
        (void)msturn_tcp_starts(framed, n, sizeof(framed));
    g_assert_cmpint(msturn_tcp_starts(NULL, 0, 0), ==, MSTURN_TCP_START_NO);
}

static void
test_classify_payload(void)
{
    uint8_t rtp[172] = { 0x80, 0x00, 0x2e, 0x60 };   /* v2, PT 0 (PCMU) */
    g_assert_cmpint(msturn_classify_payload(rtp, sizeof(rtp)), ==, MSTURN_PAYLOAD_RTP);
    rtp[0] = 0x8f;                                   /* CSRC count 15: 72-byte header */
    g_assert_cmpint(msturn_classify_payload(rtp, 40), ==, MSTURN_PAYLOAD_DATA);
    static const uint8_t rtcp[] = { 0x80, 0xc8, 0x00, 0x01, 0, 0, 0, 1 }; /* SR, 2 words */
    g_assert_cmpint(msturn_classify_payload(rtcp, sizeof(rtcp)), ==, MSTURN_PAYLOAD_RTCP);
    g_assert_cmpint(msturn_classify_payload(rtcp, 7), ==, MSTURN_PAYLOAD_DATA);
    static const uint8_t junk[] = { 0x17, 0x03, 0x03, 0x00, 0x10, 0, 0, 0 };
    g_assert_cmpint(msturn_classify_payload(junk, sizeof(junk)), ==, MSTURN_PAYLOAD_DATA);
}

static void
test_not_stun(void)
{
    static const uint8_t v[24] = { 0xc0, 0x01 };
    msturn_msg_t m;
    g_assert_cmpint(msturn_parse(v, sizeof(v), &m), ==, MSTURN_NOT_STUN);
    g_assert_cmpint(msturn_parse(v, 0, &m), ==, MSTURN_TOO_SHORT);
    g_assert_cmpstr(msturn_status_to_string(MSTURN_TRUNCATED), ==,
                    "message truncated: Length exceeds the bytes present");
}

/* ---- MESSAGE-INTEGRITY ------------------------------------------------ */

/* Credential sets of captures/README.md ("Credentials"): base64 as MRAS
 * hands them out; USERNAME carries the decoded bytes. */
#define HOME_USER_B64 "AgAAJAX48eDYqM8TXeBJ8p+q659tjQdqhaIqEH3eZ72AkqyRAAAAAFKWkW+1oveO6HC/zrS62PM="
#define HOME_PASS_B64 "ZOl5AThhu7Iw/RHHDhROBFEQocg="
#define LYNC2010_USER_B64 "AgAAJPnIk4T5PQkQqhNx2lJDB6vWcagR1un40sV/rR5yCo2QAAAAACLZI8U3iaUvoLX9K3zls1A="
#define LYNC2010_PASS_B64 "jsocj7nY3NGwlm29WzLQQ4ypf84="

/* captures/msturn-udp-allocate.pcap frame 5: authenticated Allocate Request,
 * MS-Version 6, 32-byte MESSAGE-INTEGRITY (HMAC-SHA256), "home" set. */
static const uint8_t v_auth_allocate[] = {
    0x00, 0x03, 0x00, 0xb2,                          /* Allocate Request, Length 178 */
    0x21, 0x12, 0xa4, 0x42, 0x2f, 0xb8, 0x55, 0x97,  /* txid 2112a442 2fb85597 ... */
    0xe8, 0xc6, 0x70, 0x84, 0x1d, 0x2a, 0x23, 0xb0,  /* ... e8c67084 1d2a23b0 */
    0x00, 0x0f, 0x00, 0x04, 0x72, 0xc6, 0x4b, 0xc6,  /* MAGIC-COOKIE (offset 20) */
    0x80, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x06,  /* MS-VERSION 6 (offset 28) */
    0x00, 0x10, 0x00, 0x04, 0x00, 0x00, 0x2e, 0xe0,  /* BANDWIDTH 12000 (offset 36) */
    0x80, 0x55, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00,  /* MS-SERVICE-QUALITY audio, best effort (offset 44) */
    0x80, 0x95, 0x00, 0x08, 0x77, 0xb0, 0xd5, 0x49,  /* MULTIPLEXED-TURN-SESSION-ID (offset 52) */
    0xc7, 0xac, 0x98, 0xe2,
    0x00, 0x14, 0x00, 0x14, 0x63, 0x2e, 0x76, 0xf3,  /* NONCE, len 20 (offset 64) */
    0xc5, 0x4a, 0x76, 0x9d, 0x6c, 0x68, 0x5a, 0x6b,
    0x7e, 0x6c, 0x48, 0xa1, 0x5b, 0x04, 0x62, 0x7b,
    0x00, 0x15, 0x00, 0x0a, 0x22, 0x72, 0x74, 0x63,  /* REALM "rtcmedia" with quotes, len 10 (offset 88) */
    0x6d, 0x65, 0x64, 0x69, 0x61, 0x22,
    0x00, 0x06, 0x00, 0x38, 0x02, 0x00, 0x00, 0x24,  /* USERNAME, 56 binary bytes (offset 102) */
    0x05, 0xf8, 0xf1, 0xe0, 0xd8, 0xa8, 0xcf, 0x13,
    0x5d, 0xe0, 0x49, 0xf2, 0x9f, 0xaa, 0xeb, 0x9f,
    0x6d, 0x8d, 0x07, 0x6a, 0x85, 0xa2, 0x2a, 0x10,
    0x7d, 0xde, 0x67, 0xbd, 0x80, 0x92, 0xac, 0x91,
    0x00, 0x00, 0x00, 0x00, 0x52, 0x96, 0x91, 0x6f,
    0xb5, 0xa2, 0xf7, 0x8e, 0xe8, 0x70, 0xbf, 0xce,
    0xb4, 0xba, 0xd8, 0xf3,
    0x00, 0x08, 0x00, 0x20, 0x24, 0x63, 0x50, 0x14,  /* MESSAGE-INTEGRITY, len 32 (offset 162): HMAC-SHA256 */
    0xee, 0x92, 0xc0, 0x24, 0xaf, 0x15, 0x2e, 0x4f,
    0x22, 0xed, 0x3f, 0xf5, 0x51, 0xdd, 0x23, 0x72,
    0x64, 0x09, 0x39, 0xea, 0x32, 0x61, 0xf3, 0x7e,
    0xec, 0x20, 0x9b, 0x56,
};
#define V_AUTH_ALLOCATE_MI_OFF 162u

/* captures/msturn-bwm.pcap frame 4: Allocate Response of a Lync 2010 client
 * (MS-Version 2), 20-byte MESSAGE-INTEGRITY (HMAC-SHA1), "lync2010" set; no
 * USERNAME/REALM (the request's credentials sign it). */
static const uint8_t v_bwm_alloc_resp[] = {
    0x01, 0x03, 0x00, 0xa4,                          /* Allocate Response, Length 164 */
    0x21, 0x12, 0xa4, 0x42, 0xff, 0xbb, 0xa3, 0x6d,  /* txid */
    0x15, 0x57, 0x0c, 0x5c, 0x6a, 0x24, 0x25, 0xe5,
    0x00, 0x0f, 0x00, 0x04, 0x72, 0xc6, 0x4b, 0xc6,  /* MAGIC-COOKIE */
    0x00, 0x0d, 0x00, 0x04, 0x00, 0x00, 0x01, 0xe0,  /* LIFETIME 480 */
    0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0xc4, 0x94,  /* MAPPED-ADDRESS 203.0.113.30:50324 */
    0xcb, 0x00, 0x71, 0x1e,
    0x80, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02,  /* MS-VERSION 2 */
    0x80, 0x20, 0x00, 0x08, 0x00, 0x01, 0xe2, 0xa6,  /* XOR-MAPPED-ADDRESS */
    0x2b, 0x18, 0xb0, 0x5d,
    0x80, 0x50, 0x00, 0x18, 0x72, 0xcd, 0xe7, 0xb0,  /* MS-SEQUENCE-NUMBER, len 24 */
    0x77, 0x47, 0xae, 0x05, 0xec, 0xdb, 0xe8, 0x82,
    0xd0, 0x99, 0x5a, 0x9a, 0xc5, 0x99, 0x5e, 0xf7,
    0x00, 0x00, 0x00, 0x00,
    0x80, 0x5d, 0x00, 0x0c, 0x80, 0x00, 0x00, 0x00,  /* REMOTE-SITE-ADDRESS-RESPONSE V=1 100/100 */
    0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x64,
    0x80, 0x5e, 0x00, 0x0c, 0x80, 0x00, 0x00, 0x00,  /* REMOTE-RELAY-SITE-RESPONSE V=1 100/100 */
    0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x64,
    0x80, 0x5f, 0x00, 0x0c, 0x80, 0x00, 0x00, 0x00,  /* LOCAL-SITE-ADDRESS-RESPONSE V=1 100/100 */
    0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x64,
    0x80, 0x60, 0x00, 0x0c, 0x80, 0x00, 0x00, 0x00,  /* LOCAL-RELAY-SITE-RESPONSE V=1 100/100 */
    0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x64,
    0x00, 0x08, 0x00, 0x14, 0x2f, 0x0f, 0x94, 0x88,  /* MESSAGE-INTEGRITY, len 20: HMAC-SHA1 */
    0x91, 0xc9, 0xa1, 0x87, 0x69, 0x78, 0x83, 0xef,
    0x3f, 0xd2, 0x99, 0x9d, 0x56, 0x87, 0x63, 0xa2,
};

/* The key of a base64 credential set with realm "rtcmedia". */
static void
key_for(const char *user_b64, const char *pass_b64, uint8_t key[MSTURN_LONGTERM_KEY_LEN])
{
    gsize ulen = 0, plen = 0;
    guchar *user = g_base64_decode(user_b64, &ulen);
    guchar *pass = g_base64_decode(pass_b64, &plen);
    msturn_longterm_key(user, ulen, "rtcmedia", 8, pass, plen, key);
    g_free(user);
    g_free(pass);
}

static msturn_integrity_t
check_with(const uint8_t *v, size_t len, const uint8_t *key)
{
    msturn_msg_t m;
    msturn_parse(v, len, &m);
    return msturn_check_integrity(v, &m, key, MSTURN_LONGTERM_KEY_LEN);
}

static void
test_integrity_key(void)
{
    /* captures/README.md, column "MD5 key". */
    static const uint8_t home_key[] = { 0x64, 0xb4, 0xf3, 0x0f, 0x7b, 0xb9, 0xa8, 0x80,
                                        0x90, 0x62, 0x83, 0xe6, 0xc1, 0x87, 0x38, 0xd6 };
    uint8_t key[MSTURN_LONGTERM_KEY_LEN];
    key_for(HOME_USER_B64, HOME_PASS_B64, key);
    g_assert_cmpmem(key, sizeof(key), home_key, sizeof(home_key));

    /* The USERNAME attribute of frame 5 is the decoded MRAS username. */
    gsize ulen = 0;
    guchar *user = g_base64_decode(HOME_USER_B64, &ulen);
    g_assert_cmpmem(user, ulen, v_auth_allocate + 106, 56);
    g_free(user);

    /* The realm goes in without its quotes (and trailing NULs). */
    size_t rlen = 99;
    const uint8_t *r = msturn_realm_unquote(v_auth_allocate + 92, 10, &rlen);
    g_assert_cmpmem(r, rlen, "rtcmedia", 8);
    static const uint8_t nul_padded[] = { '"', 'r', 't', 'c', 'm', 'e', 'd', 'i', 'a', '"', 0, 0 };
    r = msturn_realm_unquote(nul_padded, sizeof(nul_padded), &rlen);
    g_assert_cmpmem(r, rlen, "rtcmedia", 8);
    r = msturn_realm_unquote((const uint8_t *)"rtcmedia", 8, &rlen);
    g_assert_cmpmem(r, rlen, "rtcmedia", 8);
    r = msturn_realm_unquote((const uint8_t *)"\"\"", 2, &rlen);
    g_assert_cmpuint(rlen, ==, 0);
    r = msturn_realm_unquote(NULL, 0, &rlen);
    g_assert_cmpuint(rlen, ==, 0);
}

static void
test_integrity_sha256_good(void)
{
    uint8_t key[MSTURN_LONGTERM_KEY_LEN];
    key_for(HOME_USER_B64, HOME_PASS_B64, key);
    g_assert_cmpint(check_with(v_auth_allocate, sizeof(v_auth_allocate), key), ==, MSTURN_INTEGRITY_GOOD);
}

static void
test_integrity_sha1_good(void)
{
    uint8_t key[MSTURN_LONGTERM_KEY_LEN];
    key_for(LYNC2010_USER_B64, LYNC2010_PASS_B64, key);
    g_assert_cmpint(check_with(v_bwm_alloc_resp, sizeof(v_bwm_alloc_resp), key), ==, MSTURN_INTEGRITY_GOOD);
}

static void
test_integrity_bad(void)
{
    uint8_t key[MSTURN_LONGTERM_KEY_LEN];
    key_for(HOME_USER_B64, HOME_PASS_B64, key);
    uint8_t v[sizeof(v_auth_allocate)];

    /* One bit flipped anywhere the HMAC covers, or in the MI value itself:
     * the header type, the txid, the NONCE, the USERNAME, the last MI byte. */
    static const size_t flip_at[] = { 1, 4, 19, 70, 106, V_AUTH_ALLOCATE_MI_OFF + 4, sizeof(v_auth_allocate) - 1 };
    for (size_t i = 0; i < G_N_ELEMENTS(flip_at); i++) {
        memcpy(v, v_auth_allocate, sizeof(v));
        v[flip_at[i]] ^= 0x01;
        g_assert_cmpint(check_with(v, sizeof(v), key), ==, MSTURN_INTEGRITY_BAD);
    }
    /* Another credential set (the other Edge pool). */
    key_for(LYNC2010_USER_B64, LYNC2010_PASS_B64, key);
    g_assert_cmpint(check_with(v_auth_allocate, sizeof(v_auth_allocate), key), ==, MSTURN_INTEGRITY_BAD);
}

static void
test_integrity_after_mi_ignored(void)
{
    /* An attribute after MESSAGE-INTEGRITY is not covered, and the HMAC is
     * computed with the Length as if MI were the last attribute. */
    uint8_t key[MSTURN_LONGTERM_KEY_LEN];
    key_for(HOME_USER_B64, HOME_PASS_B64, key);
    uint8_t v[sizeof(v_auth_allocate) + 8];
    memcpy(v, v_auth_allocate, sizeof(v_auth_allocate));
    static const uint8_t fp[8] = { 0x80, 0x28, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef }; /* FINGERPRINT */
    memcpy(v + sizeof(v_auth_allocate), fp, sizeof(fp));
    v[3] = 0xb2 + 8;                                  /* Length 186 */
    msturn_msg_t m;
    g_assert_cmpint(msturn_parse(v, sizeof(v), &m), ==, MSTURN_OK);
    g_assert_cmpint(msturn_check_integrity(v, &m, key, sizeof(key)), ==, MSTURN_INTEGRITY_GOOD);
}

static void
test_integrity_not_present(void)
{
    uint8_t key[MSTURN_LONGTERM_KEY_LEN] = { 0 };
    g_assert_cmpint(check_with(v_alloc_resp, sizeof(v_alloc_resp), key), ==, MSTURN_INTEGRITY_NOT_PRESENT);
    g_assert_cmpint(check_with(v_401, sizeof(v_401), key), ==, MSTURN_INTEGRITY_NOT_PRESENT);
}

static void
test_integrity_malformed(void)
{
    uint8_t key[MSTURN_LONGTERM_KEY_LEN] = { 0 };
    /* MESSAGE-INTEGRITY of 16 bytes: neither SHA-1 nor SHA-256. */
    static const uint8_t v[] = {
        0x00, 0x03, 0x00, 0x1c,                         /* Allocate Request, Length 28 */
        0x21, 0x12, 0xa4, 0x42, 0x01, 0x02, 0x03, 0x04, /* txid */
        0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
        0x00, 0x0f, 0x00, 0x04, 0x72, 0xc6, 0x4b, 0xc6, /* MAGIC-COOKIE */
        0x00, 0x08, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, /* MESSAGE-INTEGRITY len 16 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    };
    g_assert_cmpint(check_with(v, sizeof(v), key), ==, MSTURN_INTEGRITY_MALFORMED);
    /* Frame 5 cut by the capture inside the MI value. */
    g_assert_cmpint(check_with(v_auth_allocate, sizeof(v_auth_allocate) - 1, key), ==, MSTURN_INTEGRITY_MALFORMED);
    g_assert_cmpstr(msturn_integrity_to_string(MSTURN_INTEGRITY_BAD), ==, "MESSAGE-INTEGRITY does not verify");
    g_assert_cmpstr(msturn_integrity_to_string(MSTURN_INTEGRITY_COUNT), ==, "unknown integrity status");
}

static void
test_integrity_every_prefix(void)
{
    uint8_t key[MSTURN_LONGTERM_KEY_LEN];
    key_for(HOME_USER_B64, HOME_PASS_B64, key);
    const struct { const uint8_t *v; size_t len; } vecs[] = {
        { v_auth_allocate, sizeof(v_auth_allocate) },
        { v_bwm_alloc_resp, sizeof(v_bwm_alloc_resp) },
    };
    for (size_t k = 0; k < G_N_ELEMENTS(vecs); k++) {
        for (size_t n = 0; n < vecs[k].len; n++) {
            uint8_t *copy = g_memdup2(vecs[k].v, n ? n : 1); /* exact size: valgrind sees overreads */
            msturn_msg_t m;
            msturn_parse(copy, n, &m);
            msturn_integrity_t st = msturn_check_integrity(copy, &m, key, sizeof(key));
            /* MI is the last attribute: any prefix lacks it or cuts it. */
            g_assert_cmpint(st, !=, MSTURN_INTEGRITY_GOOD);
            g_assert_cmpint(st, !=, MSTURN_INTEGRITY_BAD);
            g_free(copy);
        }
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/msturn/401/unpadded-realm-nonce-swapped", test_401_unpadded);
    g_test_add_func("/msturn/xor-mapped/uses-transaction-id", test_xor_mapped_uses_txid);
    g_test_add_func("/msturn/check/ice2-padded", test_ice2_check_padded);
    g_test_add_func("/msturn/check/classic-unpadded", test_classic_check_unpadded);
    g_test_add_func("/msturn/bad/attribute-overrun", test_attr_overrun);
    g_test_add_func("/msturn/bad/truncated-capture", test_truncated_capture);
    g_test_add_func("/msturn/bad/trailing-bytes", test_trailing_bytes);
    g_test_add_func("/msturn/bad/too-many-attributes", test_too_many_attrs_is_bounded);
    g_test_add_func("/msturn/bad/values", test_bad_values);
    g_test_add_func("/msturn/mandatory", test_missing_mandatory);
    g_test_add_func("/msturn/types", test_type_table);
    g_test_add_func("/msturn/mux", test_mux);
    g_test_add_func("/msturn/tcp-framing", test_tcp_framing);
    g_test_add_func("/msturn/classify-payload", test_classify_payload);
    g_test_add_func("/msturn/not-stun", test_not_stun);
    g_test_add_func("/msturn/integrity/longterm-key", test_integrity_key);
    g_test_add_func("/msturn/integrity/sha256-good", test_integrity_sha256_good);
    g_test_add_func("/msturn/integrity/sha1-good", test_integrity_sha1_good);
    g_test_add_func("/msturn/integrity/bit-flip-bad", test_integrity_bad);
    g_test_add_func("/msturn/integrity/after-mi-not-covered", test_integrity_after_mi_ignored);
    g_test_add_func("/msturn/integrity/not-present", test_integrity_not_present);
    g_test_add_func("/msturn/integrity/malformed", test_integrity_malformed);
    g_test_add_func("/msturn/integrity/every-prefix", test_integrity_every_prefix);
    g_test_add_func("/msturn/tcp/starts", test_tcp_starts);
    g_test_add_func("/msturn/tcp/pseudo-tls", test_pseudo_tls);
    g_test_add_func("/msturn/tcp/mux-start-and-rfc4571", test_mux_start_and_rfc4571);
    g_test_add_func("/msturn/ice2-check-by-shape", test_is_ice2_check);
    g_test_add_func("/msturn/values/text-and-u64", test_get_text_and_u64);
    return g_test_run();
}
