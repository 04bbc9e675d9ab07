/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_sipscan.c - libFuzzer harness for the SIP context scanner: the input
 * is a window of a SIP message. It is scanned as the bytes in front of a
 * body (the whole input), as the window around a header value (the value's
 * place chosen by the first bytes, as the epan layer gets it from a tvb),
 * and line by line as candidate start lines. The window is an exact-size
 * heap copy, so ASan catches any read past it; a broken invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sipscan.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void
check_span(sipscan_span_t s, size_t len)
{
    CHECK((uint64_t)s.offset + s.length <= len);
}

static void
check_context(sipscan_status_t st, const sipscan_context_t *c, size_t len)
{
    CHECK(st == c->status);
    CHECK(st < SIPSCAN_STATUS_COUNT);
    CHECK((c->problems == 0) == (st == SIPSCAN_OK));
    if (c->problems)
        CHECK((uint32_t)st == (uint32_t)__builtin_ctz(c->problems));
    CHECK(c->has_call_id == !(c->problems & (1u << SIPSCAN_NO_CALL_ID)) || st == SIPSCAN_TOO_LARGE ||
          st == SIPSCAN_BAD_RANGE);
    check_span(c->call_id, len);
    check_span(c->from_uri, len);
    check_span(c->to_uri, len);
    check_span(c->message, len);
    check_span(c->from_tag, len);
    check_span(c->to_tag, len);
    check_span(c->cseq_method, len);
    if (c->has_message)
        CHECK(c->message.length > 0);
    CHECK(!c->has_from_tag || (c->has_from && c->from_tag.length > 0));
    CHECK(!c->has_to_tag || (c->has_to && c->to_tag.length > 0));
    CHECK(c->has_cseq ? c->cseq_method.length > 0 : c->cseq == 0);
    (void)sipscan_status_to_string(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *w = malloc(size ? size : 1);
    if (!w)
        return 0;
    memcpy(w, data, size);
    sipscan_context_t c;

    check_context(sipscan_context_of_body(w, size, &c), &c, size);

    /* the value: an offset and a length the first four bytes choose */
    size_t voff = size >= 4 ? ((size_t)data[0] << 8 | data[1]) % (size + 1) : 0;
    size_t vlen = size >= 4 ? ((size_t)data[2] << 8 | data[3]) % (size - voff + 1) : 0;
    check_context(sipscan_context_of_header(w, size, voff, vlen, &c), &c, size);

    /* every line as a start line */
    size_t ls = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i == size || w[i] == '\n') {
            sipscan_span_t m;
            if (sipscan_start_line(w + ls, i - ls, &m)) {
                check_span(m, i - ls);
                CHECK(m.length > 0);
            }
            ls = i + 1;
        }
    }
    free(w);
    return 0;
}
