/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_msturn.c - libFuzzer harness for the MS-TURN walker and everything
 * the epan layer reads through it: the detectors (MS-TURN, strict, mux,
 * STUN check, pseudo-TLS, framed) and the payload classifier on the input
 * and on every relayed payload; every accessor on every attribute and the
 * tables behind them; the multiplexed-TURN and TCP framing helpers; the
 * relayed DATA payload parsed again as a nested message (as the dissector
 * does); and MESSAGE-INTEGRITY the way packet-msturn.c checks it: REALM
 * unquoted, the long-term key from USERNAME, realm and a password (the
 * message's own NONCE value, or a fixed one), then the HMAC.
 *
 * Besides ASan/UBSan it traps when a documented bound breaks: a span or
 * attribute outside the buffer, a detector that says yes to bytes it
 * cannot have read.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "msturn.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void
strings(uint16_t type, uint16_t code, uint32_t u32)
{
    (void)msturn_type_info(type);
    (void)msturn_attr_info(type);
    (void)msturn_attr_comprehension_required(type);
    (void)msturn_is_request(type);
    (void)msturn_is_response(type);
    (void)msturn_expects_response(type);
    (void)msturn_error_name(code);
    (void)msturn_error_meaning(code);
    (void)msturn_ms_version_meaning(u32);
}

/* The integrity check as packet-msturn.c does it, with @pass as password. */
static void
integrity(const uint8_t *buf, const msturn_msg_t *m, const uint8_t *pass, size_t plen)
{
    const msturn_attr_t *user = msturn_find_attr(m, MSTURN_ATTR_USERNAME);
    const msturn_attr_t *realm = msturn_find_attr(m, MSTURN_ATTR_REALM);
    if (!user || !realm)
        return;
    size_t rlen = 0;
    const uint8_t *r = msturn_realm_unquote(buf + realm->value_off, realm->value_len, &rlen);
    CHECK(rlen <= realm->value_len);
    CHECK(rlen == 0 || (r >= buf + realm->value_off && r + rlen <= buf + realm->value_off + realm->value_len));
    uint8_t key[MSTURN_LONGTERM_KEY_LEN];
    msturn_longterm_key(buf + user->value_off, user->value_len, (const char *)r, rlen, pass, plen, key);
    (void)msturn_integrity_to_string(msturn_check_integrity(buf, m, key, sizeof(key)));
}

static void
payload(const uint8_t *p, size_t n)
{
    msturn_payload_t k = msturn_classify_payload(p, n);
    CHECK(k <= MSTURN_PAYLOAD_SRTCP);
    if (k == MSTURN_PAYLOAD_STUN)
        CHECK(msturn_looks_like_stun_check(p, n));
}

static void
read_values(const uint8_t *buf, size_t len, const msturn_msg_t *m, unsigned depth)
{
    CHECK(m->n_attrs <= MSTURN_MAX_ATTRS);
    (void)msturn_status_to_string(m->status);
    strings(m->type, 0, 0);
    for (unsigned i = 0; i < m->n_attrs; i++) {
        const msturn_attr_t *a = &m->attrs[i];
        CHECK((size_t)a->value_off + a->value_len <= len);
        msturn_addr_t addr;
        uint32_t u32 = 0, ro = 0, rl = 0;
        uint16_t code = 0;
        (void)msturn_get_address(buf, m, a, &addr);
        (void)msturn_get_u32(buf, a, &u32);
        uint64_t u64 = 0;
        uint32_t text_len = 0;
        if (msturn_get_u64(buf, a, &u64) != MSTURN_VAL_OK && a->value_len < 8)
            CHECK(u64 == 0);
        (void)msturn_get_text(buf, a, &text_len);
        CHECK(text_len <= a->value_len);
        if (msturn_get_error(buf, a, &code, &ro, &rl) == MSTURN_VAL_OK)
            CHECK((size_t)ro + rl <= len);
        (void)msturn_val_status_to_string(a->val_status);
        strings(a->type, code, u32);
        CHECK(msturn_find_attr(m, a->type) != NULL);
        if ((a->type == MSTURN_ATTR_DATA) && depth < 2) {
            const uint8_t *p = buf + a->value_off;
            payload(p, a->value_len);
            msturn_msg_t inner;
            (void)msturn_parse(p, a->value_len, &inner);
            read_values(p, a->value_len, &inner, depth + 1);
        }
    }
    (void)msturn_missing_mandatory(buf, m);
    /* Integrity with a fixed key: GOOD/BAD/MALFORMED, never a read past buf. */
    static const uint8_t key[16] = { 0x64, 0xb4, 0xf3, 0x0f };
    (void)msturn_check_integrity(buf, m, key, sizeof(key));
    /* And with the long-term key: a fixed password, then the NONCE's bytes. */
    static const uint8_t pass[] = "nb8XsLKU9YKqPJLmuOk5D1hmXxY=";
    integrity(buf, m, pass, sizeof(pass) - 1);
    const msturn_attr_t *nonce = msturn_find_attr(m, MSTURN_ATTR_NONCE);
    if (nonce)
        integrity(buf, m, buf + nonce->value_off, nonce->value_len);
}

/* Once per process: every status has its string; the tables agree with
 * their lookups. */
static void
once(void)
{
    for (int s = 0; s < MSTURN_STATUS_COUNT; s++)
        CHECK(strcmp(msturn_status_to_string((msturn_status_t)s), "unknown status") != 0);
    CHECK(strcmp(msturn_status_to_string(MSTURN_STATUS_COUNT), "unknown status") == 0);
    for (int s = 0; s < MSTURN_VAL_STATUS_COUNT; s++)
        CHECK(strcmp(msturn_val_status_to_string((msturn_val_status_t)s), "unknown status") != 0);
    CHECK(strcmp(msturn_val_status_to_string(MSTURN_VAL_STATUS_COUNT), "unknown status") == 0);
    for (int s = 0; s < MSTURN_INTEGRITY_COUNT; s++)
        CHECK(strcmp(msturn_integrity_to_string((msturn_integrity_t)s), "unknown integrity status") != 0);
    CHECK(strcmp(msturn_integrity_to_string(MSTURN_INTEGRITY_COUNT), "unknown integrity status") == 0);
    for (uint32_t v = 0; v < 0x10000; v += (v < 0x200 ? 1 : 0x101)) {
        const msturn_type_info_t *t = msturn_type_info((uint16_t)v);
        CHECK(!t || (t->type == v && t->name));
        const msturn_attr_info_t *a = msturn_attr_info((uint16_t)v);
        CHECK(!a || (a->type == v && a->name));
    }
    for (uint32_t v = 0; v < 8; v++)
        (void)msturn_ms_version_meaning(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static msturn_msg_t m; /* 1.6 KiB: keep it off the fuzzer's stack */
    msturn_mux_t mux;
    msturn_tcp_pdu_t kind;

    /* The detectors: a datagram the snapshot length may have cut (its
     * length from the last byte), or whole. */
    size_t dgram = size + (size ? data[size - 1] % 4 : 0);
    (void)msturn_looks_like_msturn(data, size);
    if (msturn_looks_like_msturn_strict(data, size, dgram))
        CHECK(size >= 28);
    (void)msturn_looks_like_msturn_strict(data, size, size);
    if (msturn_looks_like_mux(data, size, dgram))
        CHECK(size >= 4);
    (void)msturn_looks_like_mux(data, size, size);
    payload(data, size);

    (void)msturn_parse(data, size, &m);
    read_values(data, size, &m, 0);
    (void)msturn_parse_with(data, size, MSTURN_PAD_4, &m);
    read_values(data, size, &m, 0);
    (void)msturn_parse_with(data, size, MSTURN_PAD_NONE, &m);
    read_values(data, size, &m, 0);
    if (msturn_parse_mux(data, size, &mux) == MSTURN_OK) {
        CHECK((size_t)mux.data_off + mux.data_len <= size);
        const uint8_t *p = data + mux.data_off;
        payload(p, mux.data_len);
        (void)msturn_parse(p, mux.data_len, &m);
        read_values(p, mux.data_len, &m, 0);
    }
    uint32_t pdu = msturn_tcp_pdu_len(data, size, &kind);
    if (pdu > 4 && pdu <= size) {
        const uint8_t *p = data + 4;
        if (kind == MSTURN_PDU_FRAMED_CONTROL) {
            (void)msturn_parse(p, pdu - 4, &m);
            read_values(p, pdu - 4, &m, 0);
        } else if (kind == MSTURN_PDU_FRAMED_DATA) {
            payload(p, pdu - 4);
        }
    }
    (void)msturn_looks_like_pseudo_tls_hello(data, size);
    (void)msturn_looks_like_framed(data, size);
    /* The first segment of a stream, cut by the snapshot length or whole. */
    msturn_tcp_start_t start = msturn_tcp_starts(data, size, dgram);
    CHECK(start == MSTURN_TCP_START_NO || size >= 4);
    (void)msturn_tcp_starts(data, size, size);
    msturn_pseudo_tls_t ptls;
    if (msturn_parse_pseudo_tls(data, size, &ptls) == MSTURN_OK && ptls.cipher_suite.length)
        CHECK((size_t)ptls.cipher_suite.offset + ptls.cipher_suite.length <= size);
    CHECK((size_t)ptls.random.offset + ptls.random.length <= size);
    CHECK((size_t)ptls.session_id.offset + ptls.session_id.length <= size);
    if (msturn_starts_mux(data, size))
        CHECK(size >= 2);
    if (msturn_rfc4571_whole(data, size))
        CHECK(size >= 2 && (size_t)msturn_rd16(data) == size - 2);
    if (msturn_is_ice2_check(data, size, &m))
        read_values(data, size, &m, 0);
    (void)msturn_looks_like_stun_check(data, size);
    static bool done;
    if (!done) {
        once();
        done = true;
    }
    return 0;
}
