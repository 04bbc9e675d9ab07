/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_msturn.c - libFuzzer harness for the MS-TURN walker and everything
 * the epan layer reads through it: every accessor on every attribute, the
 * multiplexed-TURN and TCP framing helpers, and the relayed DATA payload
 * parsed again as a nested message (as the dissector does).
 */
#include <stddef.h>
#include <stdint.h>

#include "msturn.h"

static void
read_values(const uint8_t *buf, const msturn_msg_t *m, unsigned depth)
{
    for (unsigned i = 0; i < m->n_attrs; i++) {
        const msturn_attr_t *a = &m->attrs[i];
        msturn_addr_t addr;
        uint32_t u32, ro, rl;
        uint16_t code;
        (void)msturn_get_address(buf, m, a, &addr);
        (void)msturn_get_u32(buf, a, &u32);
        (void)msturn_get_error(buf, a, &code, &ro, &rl);
        (void)msturn_error_meaning(code);
        if (a->type == MSTURN_ATTR_DATA && depth < 2) {
            msturn_msg_t inner;
            (void)msturn_parse(buf + a->value_off, a->value_len, &inner);
            read_values(buf + a->value_off, &inner, depth + 1);
        }
    }
    (void)msturn_missing_mandatory(buf, m);
    /* Integrity with a fixed key: GOOD/BAD/MALFORMED, never a read past buf. */
    static const uint8_t key[16] = { 0x64, 0xb4, 0xf3, 0x0f };
    (void)msturn_check_integrity(buf, m, key, sizeof(key));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static msturn_msg_t m; /* 1.6 KiB: keep it off the fuzzer's stack */
    msturn_mux_t mux;
    msturn_tcp_pdu_t kind;

    (void)msturn_parse(data, size, &m);
    read_values(data, &m, 0);
    (void)msturn_parse_with(data, size, MSTURN_PAD_4, &m);
    read_values(data, &m, 0);
    if (msturn_parse_mux(data, size, &mux) == MSTURN_OK) {
        (void)msturn_parse(data + mux.data_off, mux.data_len, &m);
        read_values(data + mux.data_off, &m, 0);
    }
    uint32_t pdu = msturn_tcp_pdu_len(data, size, &kind);
    if (pdu > 4 && pdu <= size && kind == MSTURN_PDU_FRAMED_CONTROL) {
        (void)msturn_parse(data + 4, pdu - 4, &m);
        read_values(data + 4, &m, 0);
    }
    (void)msturn_looks_like_pseudo_tls_hello(data, size);
    (void)msturn_looks_like_framed(data, size);
    (void)msturn_looks_like_stun_check(data, size);
    return 0;
}
