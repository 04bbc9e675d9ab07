/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_icmpquote.c - the UDP datagram an ICMP / ICMPv6 destination
 * unreachable error quotes (RFC 792, RFC 4443 3.1), read as msice reads it
 * to find the call whose media or check was rejected.
 */
#include <glib.h>
#include <string.h>

#include "icmpquote.h"

/* 192.0.2.1 reports port unreachable for a check Alice (10.0.0.2:50000)
 * sent to 192.0.2.1:50010; the router quoted the IP header, the UDP header
 * and the first 4 bytes of the STUN header. */
static const uint8_t v4_port_unreach[] = {
    0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  /* type 3, code 3 (port), checksum, unused */
    0x45, 0x00, 0x00, 0x40, 0x12, 0x34, 0x40, 0x00,  /* IPv4, IHL 5, total 64, DF */
    0x40, 0x11, 0x00, 0x00,                          /* TTL 64, UDP, checksum */
    0x0a, 0x00, 0x00, 0x02,                          /* source 10.0.0.2 */
    0xc0, 0x00, 0x02, 0x01,                          /* destination 192.0.2.1 */
    0xc3, 0x50, 0xc3, 0x5a, 0x00, 0x2c, 0x00, 0x00,  /* UDP 50000 -> 50010, length 44 */
    0x00, 0x01, 0x00, 0x18,                          /* Binding Request, length 24 (first 4 bytes) */
};

/* The same rejection in ICMPv6 (type 1, code 4 port unreachable), quoting
 * 2001:db8::2 port 50000 -> 2001:db8::1 port 50010, UDP header only. */
static const uint8_t v6_port_unreach[] = {
    0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  /* type 1, code 4, checksum, unused */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x11, 0x40,  /* IPv6, payload 44, next header UDP, hop limit 64 */
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,   /* source 2001:db8::2 */
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,   /* destination 2001:db8::1 */
    0xc3, 0x50, 0xc3, 0x5a, 0x00, 0x2c, 0x00, 0x00,  /* UDP 50000 -> 50010, length 44 */
};

static void
test_v4_port_unreachable(void)
{
    icmpquote_t q;
    g_assert_cmpint(icmpquote_parse(v4_port_unreach, sizeof(v4_port_unreach), false, &q), ==, ICMPQUOTE_OK);
    g_assert_cmpuint(q.type, ==, 3);
    g_assert_cmpuint(q.code, ==, 3);
    g_assert_cmpuint(q.family, ==, 4);
    static const uint8_t alice[4] = { 10, 0, 0, 2 }, peer[4] = { 192, 0, 2, 1 };
    g_assert_cmpmem(q.src, 4, alice, 4);
    g_assert_cmpmem(q.dst, 4, peer, 4);
    g_assert_cmpuint(q.src_port, ==, 50000);
    g_assert_cmpuint(q.dst_port, ==, 50010);
    g_assert_cmpuint(q.udp_length, ==, 44);
    g_assert_cmpuint(q.ip.offset, ==, 8);
    g_assert_cmpuint(q.ip.length, ==, 20);
    g_assert_cmpuint(q.udp.offset, ==, 28);
    g_assert_cmpuint(q.payload.offset, ==, 36);
    g_assert_cmpuint(q.payload.length, ==, 4);   /* as much as was quoted */
}

static void
test_v6_port_unreachable(void)
{
    icmpquote_t q;
    g_assert_cmpint(icmpquote_parse(v6_port_unreach, sizeof(v6_port_unreach), true, &q), ==, ICMPQUOTE_OK);
    g_assert_cmpuint(q.type, ==, 1);
    g_assert_cmpuint(q.code, ==, 4);
    g_assert_cmpuint(q.family, ==, 6);
    g_assert_cmpuint(q.src[15], ==, 2);
    g_assert_cmpuint(q.dst[15], ==, 1);
    g_assert_cmpuint(q.src_port, ==, 50000);
    g_assert_cmpuint(q.dst_port, ==, 50010);
    g_assert_cmpuint(q.udp.offset, ==, 48);
    g_assert_cmpuint(q.payload.length, ==, 0);   /* only the UDP header quoted */
}

/* Every prefix of both errors: the status says which part is missing. */
static void
test_every_prefix(void)
{
    icmpquote_t q;
    for (size_t n = 0; n <= sizeof(v4_port_unreach); n++) {
        icmpquote_status_t want = n < 8 ? ICMPQUOTE_TOO_SHORT
                                : n < 28 ? ICMPQUOTE_NO_IP_HEADER
                                : n < 36 ? ICMPQUOTE_NO_UDP_HEADER : ICMPQUOTE_OK;
        g_assert_cmpint(icmpquote_parse(v4_port_unreach, n, false, &q), ==, want);
        if (want == ICMPQUOTE_OK)
            g_assert_cmpuint(q.payload.length, ==, n - 36);
    }
    for (size_t n = 0; n <= sizeof(v6_port_unreach); n++) {
        icmpquote_status_t want = n < 8 ? ICMPQUOTE_TOO_SHORT
                                : n < 48 ? ICMPQUOTE_NO_IP_HEADER
                                : n < 56 ? ICMPQUOTE_NO_UDP_HEADER : ICMPQUOTE_OK;
        g_assert_cmpint(icmpquote_parse(v6_port_unreach, n, true, &q), ==, want);
    }
    g_assert_cmpint(icmpquote_parse(NULL, 0, false, &q), ==, ICMPQUOTE_TOO_SHORT);
}

/* One status per problem, each from the good error with one byte changed. */
static void
test_problems(void)
{
    static const struct {
        bool               v6;
        size_t             at;
        uint8_t            value;
        icmpquote_status_t want;
        const char        *why;
    } rows[] = {
        { false, 0, 11, ICMPQUOTE_NOT_UNREACHABLE, "time exceeded: no rejection" },
        { false, 0, 1, ICMPQUOTE_NOT_UNREACHABLE, "ICMPv6's unreachable type inside ICMP" },
        { true, 0, 3, ICMPQUOTE_NOT_UNREACHABLE, "ICMP's unreachable type inside ICMPv6" },
        { false, 8, 0x65, ICMPQUOTE_BAD_IP_VERSION, "an IPv6 version nibble quoted by ICMP" },
        { true, 8, 0x45, ICMPQUOTE_BAD_IP_VERSION, "an IPv4 version nibble quoted by ICMPv6" },
        { false, 8, 0x44, ICMPQUOTE_BAD_IP_HEADER_LENGTH, "IHL 4 (16 bytes)" },
        { false, 8, 0x4f, ICMPQUOTE_NO_IP_HEADER, "IHL 15 (60 bytes) runs past the quote" },
        { false, 17, 6, ICMPQUOTE_NOT_UDP, "a TCP segment" },
        { true, 14, 0, ICMPQUOTE_NOT_UDP, "IPv6 hop-by-hop options before UDP: not followed" },
        { false, 15, 0x08, ICMPQUOTE_LATER_FRAGMENT, "fragment offset 8 (64 bytes)" },
        { false, 14, 0x20, ICMPQUOTE_OK, "more-fragments on the first fragment: UDP header present" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        uint8_t b[sizeof(v6_port_unreach)];
        size_t n = rows[i].v6 ? sizeof(v6_port_unreach) : sizeof(v4_port_unreach);
        memcpy(b, rows[i].v6 ? v6_port_unreach : v4_port_unreach, n);
        b[rows[i].at] = rows[i].value;
        icmpquote_t q;
        if (g_test_verbose())
            g_test_message("%s", rows[i].why);
        g_assert_cmpint(icmpquote_parse(b, n, rows[i].v6, &q), ==, rows[i].want);
        g_assert_nonnull(icmpquote_status_to_string(rows[i].want));
    }
}

/* An IPv4 header with 4 bytes of options (IHL 6): UDP starts after them. */
static void
test_v4_options(void)
{
    uint8_t b[sizeof(v4_port_unreach) + 4];
    memcpy(b, v4_port_unreach, 28);
    b[8] = 0x46;
    memcpy(b + 28, "\x94\x04\x00\x00", 4);   /* Router Alert (RFC 2113) */
    memcpy(b + 32, v4_port_unreach + 28, sizeof(v4_port_unreach) - 28);
    icmpquote_t q;
    g_assert_cmpint(icmpquote_parse(b, sizeof(b), false, &q), ==, ICMPQUOTE_OK);
    g_assert_cmpuint(q.ip.length, ==, 24);
    g_assert_cmpuint(q.udp.offset, ==, 32);
    g_assert_cmpuint(q.src_port, ==, 50000);
    g_assert_cmpuint(q.payload.length, ==, 4);
}

/* The UDP Length bounds the payload: quoted bytes after it are padding. */
static void
test_udp_length_bounds_payload(void)
{
    uint8_t b[sizeof(v4_port_unreach)];
    memcpy(b, v4_port_unreach, sizeof(b));
    b[33] = 10;                               /* UDP length 10: 2 bytes of payload */
    icmpquote_t q;
    g_assert_cmpint(icmpquote_parse(b, sizeof(b), false, &q), ==, ICMPQUOTE_OK);
    g_assert_cmpuint(q.payload.length, ==, 2);
    b[33] = 3;                                /* below the header's own 8: not believed */
    g_assert_cmpint(icmpquote_parse(b, sizeof(b), false, &q), ==, ICMPQUOTE_OK);
    g_assert_cmpuint(q.payload.length, ==, 4);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/icmpquote/v4-port-unreachable", test_v4_port_unreachable);
    g_test_add_func("/icmpquote/v6-port-unreachable", test_v6_port_unreachable);
    g_test_add_func("/icmpquote/every-prefix", test_every_prefix);
    g_test_add_func("/icmpquote/problems", test_problems);
    g_test_add_func("/icmpquote/v4-options", test_v4_options);
    g_test_add_func("/icmpquote/udp-length-bounds-payload", test_udp_length_bounds_payload);
    return g_test_run();
}
