/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_sdpline.c - libFuzzer harness for the SDP c= / m= line reader: the
 * input is an SDP body, cut into lines by sdpline_next_line() as
 * packet-msice.c does (CR LF, LF or CR) and each line parsed; the whole input is parsed as one line too. Each
 * line is an exact-size heap copy, so ASan catches any read past it; a
 * broken invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdpline.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void
check_span(sdpline_span_t s, size_t len)
{
    CHECK((uint64_t)s.offset + s.length <= len);
}

static void
one_line(const uint8_t *data, size_t len)
{
    char *line = malloc(len ? len : 1);
    if (!line)
        return;
    memcpy(line, data, len);
    sdpline_t l;
    sdpline_status_t st = sdpline_parse(line, len, &l);
    CHECK(st == l.status && st < SDPLINE_STATUS_COUNT);
    (void)sdpline_status_to_string(st);
    if (st == SDPLINE_NOT_CM) {
        CHECK(l.kind == SDPLINE_KIND_NONE && l.problems == 1u << SDPLINE_NOT_CM);
        free(line);
        return;
    }
    CHECK((l.problems == 0) == (st == SDPLINE_OK));
    if (l.problems)
        CHECK((uint32_t)st == (uint32_t)__builtin_ctz(l.problems));
    check_span(l.nettype, len);
    check_span(l.addrtype, len);
    check_span(l.address, len);
    check_span(l.media, len);
    check_span(l.port_span, len);
    check_span(l.proto, len);
    check_span(l.fmts, len);
    CHECK(l.family == 0 || l.family == 4 || l.family == 6);
    if (l.family == 4)
        for (unsigned i = 4; i < 16; i++)
            CHECK(l.addr[i] == 0);
    CHECK(l.n_ports >= 1 && l.n_ports <= 65535);
    CHECK(!l.port_valid || l.port_span.length > 0);
    CHECK(l.port_valid || l.port == 0);
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one_line(data, size);
    char *body = malloc(size ? size : 1);
    if (!body)
        return 0;
    memcpy(body, data, size);
    sdpline_body_line_t l;
    size_t off = 0, n = 0;
    while (sdpline_next_line(body, size, off, &l)) {
        CHECK(l.offset == off && (size_t)l.offset + l.length <= size);
        CHECK(l.next > off && l.next <= size && l.next >= l.offset + l.length);
        CHECK(l.type == 0 || (l.length >= 2 && body[off + 1] == '='));
        one_line(data + l.offset, l.length);
        off = l.next;
        CHECK(++n <= size);
    }
    CHECK(off == size);
    free(body);
    return 0;
}
