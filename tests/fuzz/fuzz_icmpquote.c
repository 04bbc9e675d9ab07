/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_icmpquote.c - libFuzzer harness for icmpquote.c: the input is one
 * ICMP or ICMPv6 message, read as each; every span it reports must lie
 * inside the input.
 */
#include <stddef.h>
#include <stdint.h>

#include "icmpquote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) \
    do { \
        if (!(cond)) \
            __builtin_trap(); \
    } while (0)

static void
check(const uint8_t *data, size_t size, bool v6)
{
    icmpquote_t q;
    icmpquote_status_t st = icmpquote_parse(data, size, v6, &q);
    CHECK(st < ICMPQUOTE_STATUS_COUNT);
    CHECK(icmpquote_status_to_string(st) != NULL);
    if (st != ICMPQUOTE_OK)
        return;
    CHECK(q.family == (v6 ? 6 : 4));
    CHECK((size_t)q.ip.offset + q.ip.length <= size);
    CHECK(q.udp.offset == q.ip.offset + q.ip.length && q.udp.length == ICMPQUOTE_UDP_LEN);
    CHECK(q.payload.offset == q.udp.offset + ICMPQUOTE_UDP_LEN);
    CHECK((size_t)q.payload.offset + q.payload.length <= size);
    /* Touch every byte of the payload span (ASan catches a bad span). */
    volatile uint8_t sum = 0;
    for (uint32_t i = 0; i < q.payload.length; i++)
        sum = (uint8_t)(sum + data[q.payload.offset + i]);
    (void)sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size, false);
    check(data, size, true);
    return 0;
}
