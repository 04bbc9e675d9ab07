/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_msnet.c - the Teams facts table (port ranges, DSCP marks, transport
 * relay ranges) and the DSCP of a frame's IP header.
 */
#include <glib.h>
#include <string.h>

#include "msnet.h"

static void
test_port_ranges(void)
{
    /* Microsoft's table 1: the edges of each range and just outside. */
    static const struct {
        uint16_t      port;
        msnet_media_t media;
    } rows[] = {
        { 49999, MSNET_MEDIA_UNKNOWN },
        { 50000, MSNET_MEDIA_AUDIO },
        { 50016, MSNET_MEDIA_AUDIO },   /* teams.pcap's audio socket */
        { 50019, MSNET_MEDIA_AUDIO },
        { 50020, MSNET_MEDIA_VIDEO },
        { 50036, MSNET_MEDIA_VIDEO },   /* teams.pcap's video socket */
        { 50039, MSNET_MEDIA_VIDEO },
        { 50040, MSNET_MEDIA_SHARING },
        { 50059, MSNET_MEDIA_SHARING },
        { 50060, MSNET_MEDIA_UNKNOWN },
        { 3478, MSNET_MEDIA_UNKNOWN },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        const msnet_teams_class_t *c = msnet_teams_class_for_port(rows[i].port);
        g_assert_cmpint(c ? c->media : MSNET_MEDIA_UNKNOWN, ==, rows[i].media);
    }
}

static void
test_dscp_marks(void)
{
    g_assert_cmpint(msnet_teams_class_for_dscp(46)->media, ==, MSNET_MEDIA_AUDIO);
    g_assert_cmpstr(msnet_teams_class_for_dscp(46)->dscp_class, ==, "EF");
    g_assert_cmpint(msnet_teams_class_for_dscp(34)->media, ==, MSNET_MEDIA_VIDEO);
    g_assert_cmpstr(msnet_teams_class_for_dscp(34)->dscp_class, ==, "AF41");
    g_assert_cmpint(msnet_teams_class_for_dscp(18)->media, ==, MSNET_MEDIA_SHARING);
    g_assert_cmpstr(msnet_teams_class_for_dscp(18)->dscp_class, ==, "AF21");
    g_assert_null(msnet_teams_class_for_dscp(0));
    g_assert_null(msnet_teams_class_for_dscp(24));   /* CS3: signalling, not a Teams media mark */
    g_assert_cmpstr(msnet_dscp_name(0), ==, "CS0");
    g_assert_cmpstr(msnet_dscp_name(40), ==, "CS5");
    g_assert_null(msnet_dscp_name(1));
    unsigned n = 0;
    for (const msnet_teams_class_t *c = msnet_teams_classes(); c->name; c++)
        n++;
    g_assert_cmpuint(n, ==, 3);
}

static void
test_relay_ranges(void)
{
    static const struct {
        uint8_t  b[4];
        uint16_t port;
        bool     range, relay;
    } v4[] = {
        { { 52, 114, 252, 8 }, 3479, true, true },     /* teams.pcap: B's relay */
        { { 52, 114, 250, 141 }, 3480, true, true },   /* teams.pcap: A's relayed address */
        { { 52, 112, 0, 0 }, 3478, true, true },       /* first of 52.112.0.0/14 */
        { { 52, 115, 255, 255 }, 3481, true, true },   /* last of it */
        { { 52, 116, 0, 0 }, 3478, false, false },
        { { 52, 111, 255, 255 }, 3478, false, false },
        { { 52, 122, 1, 2 }, 3478, true, true },       /* 52.122.0.0/15 */
        { { 52, 123, 255, 255 }, 3480, true, true },
        { { 52, 124, 0, 0 }, 3480, false, false },
        { { 13, 107, 64, 1 }, 3478, true, true },      /* 13.107.64.0/18 (earlier versions) */
        { { 13, 107, 127, 255 }, 3481, true, true },
        { { 13, 107, 128, 0 }, 3478, false, false },   /* Exchange, not Teams media */
        { { 52, 114, 77, 136 }, 443, true, false },    /* Teams range, but TCP 443: not a relay port */
        { { 52, 114, 77, 136 }, 3482, true, false },
        { { 93, 71, 110, 205 }, 3478, false, false },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(v4); i++) {
        g_assert_cmpint(msnet_in_relay_range(4, v4[i].b), ==, v4[i].range);
        g_assert_cmpint(msnet_is_transport_relay(4, v4[i].b, v4[i].port), ==, v4[i].relay);
    }
    uint8_t a6[16] = { 0x26, 0x03, 0x10, 0x63, 0x03, 0xff };   /* 2603:1063:3ff::: inside /38 */
    g_assert_true(msnet_is_transport_relay(6, a6, 3478));
    a6[4] = 0x04;                                               /* 2603:1063:400::: outside */
    g_assert_false(msnet_in_relay_range(6, a6));
    g_assert_false(msnet_in_relay_range(5, a6));
    g_assert_false(msnet_in_relay_range(4, NULL));
}

/* An Ethernet + VLAN + IPv4 + UDP frame with DSCP 46. */
static const uint8_t frame_v4[] = {
    0x28, 0x37, 0x37, 0x00, 0x6d, 0xc8, 0x10, 0x13, 0x31, 0xf1, 0x39, 0x76,   /* MACs */
    0x81, 0x00, 0x00, 0x0a, 0x08, 0x00,                                       /* VLAN 10, IPv4 */
    0x45, 0xb8, 0x00, 0x24, 0x12, 0x34, 0x00, 0x00, 0x80, 0x11, 0x00, 0x00,   /* TOS 0xb8: DSCP 46 */
    192, 168, 1, 6, 93, 71, 110, 205,                                         /* src, dst */
    0xc3, 0x60, 0x3f, 0xcc, 0x00, 0x10, 0x00, 0x00,                           /* UDP 50016 -> 16332 */
    0x80, 0x68, 0x00, 0x01, 0, 0, 0, 0,                                       /* RTP */
};

static void
test_find_dscp_v4(void)
{
    const uint8_t src[4] = { 192, 168, 1, 6 }, dst[4] = { 93, 71, 110, 205 };
    g_assert_cmpint(msnet_find_dscp(frame_v4, sizeof(frame_v4), 4, src, dst, 50016, 16332, 17), ==, 46);
    /* Wrong direction, port, protocol or family: not this packet's header. */
    g_assert_cmpint(msnet_find_dscp(frame_v4, sizeof(frame_v4), 4, dst, src, 16332, 50016, 17), ==, -1);
    g_assert_cmpint(msnet_find_dscp(frame_v4, sizeof(frame_v4), 4, src, dst, 50017, 16332, 17), ==, -1);
    g_assert_cmpint(msnet_find_dscp(frame_v4, sizeof(frame_v4), 4, src, dst, 50016, 16332, 6), ==, -1);
    g_assert_cmpint(msnet_find_dscp(frame_v4, sizeof(frame_v4), 6, src, dst, 50016, 16332, 17), ==, -1);
    /* Every prefix: found only once the UDP ports are in, never read past the end. */
    for (size_t n = 0; n < sizeof(frame_v4); n++) {
        uint8_t *copy = g_memdup2(frame_v4, n);
        int d = msnet_find_dscp(copy, n, 4, src, dst, 50016, 16332, 17);
        g_assert_cmpint(d, ==, n >= 18 + 20 + 4 ? 46 : -1);
        g_free(copy);
    }
    /* IPv4 options (IHL 6): the ports follow the options. */
    uint8_t opt[sizeof(frame_v4) + 4];
    memcpy(opt, frame_v4, 18);
    memcpy(opt + 18, frame_v4 + 18, 20);
    opt[18] = 0x46;
    memset(opt + 38, 1, 4);                            /* four NOP options */
    memcpy(opt + 42, frame_v4 + 38, sizeof(frame_v4) - 38);
    g_assert_cmpint(msnet_find_dscp(opt, sizeof(opt), 4, src, dst, 50016, 16332, 17), ==, 46);
    g_assert_cmpint(msnet_find_dscp(NULL, 0, 4, src, dst, 1, 2, 17), ==, -1);
}

static void
test_find_dscp_v6(void)
{
    uint8_t f[14 + 40 + 20];
    uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
    memset(f, 0, sizeof(f));
    f[12] = 0x86;
    f[13] = 0xdd;
    uint8_t *ip = f + 14;
    ip[0] = 0x60 | (0x88 >> 4);     /* traffic class 0x88: DSCP 34 (AF41), ECN 0 */
    ip[1] = (uint8_t)(0x88 << 4);
    ip[5] = 20;
    ip[6] = 6;                      /* TCP */
    ip[7] = 64;
    memcpy(ip + 8, src, 16);
    memcpy(ip + 24, dst, 16);
    ip[40] = 0xa2;                  /* 41588 -> 42000 */
    ip[41] = 0x74;
    ip[42] = 0xa4;
    ip[43] = 0x10;
    g_assert_cmpint(msnet_find_dscp(f, sizeof(f), 6, src, dst, 41588, 42000, 6), ==, 34);
    g_assert_cmpint(msnet_find_dscp(f, sizeof(f), 6, src, dst, 41588, 42000, 17), ==, -1);
    g_assert_cmpint(msnet_find_dscp(f, sizeof(f) - 17, 6, src, dst, 41588, 42000, 6), ==, -1);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/msnet/teams/port-ranges", test_port_ranges);
    g_test_add_func("/msnet/teams/dscp-marks", test_dscp_marks);
    g_test_add_func("/msnet/teams/relay-ranges", test_relay_ranges);
    g_test_add_func("/msnet/dscp/ipv4", test_find_dscp_v4);
    g_test_add_func("/msnet/dscp/ipv6", test_find_dscp_v6);
    return g_test_run();
}
