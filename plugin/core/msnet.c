/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msnet.c - published facts about Microsoft 365 / Teams media networks. See
 * msnet.h.
 *
 * THE TABLE (the only place these numbers are kept; check them again when
 * Microsoft updates its pages):
 *
 * 1. Teams client source port ranges and DSCP marks. Microsoft Learn,
 *    "Implement Quality of Service (QoS) in Microsoft Teams clients", table 1
 *    "Recommended initial port ranges" (checked 2026-08; the same values are
 *    in the older docs.microsoft.com versions of the page):
 *
 *      media                       client source ports   protocol  DSCP  class
 *      audio                       50,000 - 50,019       TCP/UDP   46    EF
 *      video                       50,020 - 50,039       TCP/UDP   34    AF41
 *      application/screen sharing  50,040 - 50,059       TCP/UDP   18    AF21
 *
 *    These are the defaults of the Teams admin center's meeting network
 *    settings; without them Teams may pick any port. A port in a range is a
 *    hint, not a proof: the report says "inferred".
 *
 * 2. Microsoft 365 transport relays (Teams media). Microsoft Learn,
 *    "Microsoft 365 URLs and IP address ranges" (worldwide), endpoint set 11
 *    "Microsoft Teams", Optimize/Required, version of 2026-08-14:
 *      52.112.0.0/14, 52.122.0.0/15, 2603:1063::/38, UDP 3478, 3479, 3480, 3481.
 *    13.107.64.0/18 was in the same set in earlier versions (still in rules
 *    generated from endpoints.office.com in July 2024) and is kept so that
 *    captures of that time are read the same way.
 */
#include "msnet.h"
#include "bytes.h"

#include <string.h>

static const msnet_teams_class_t teams_classes[] = {
    { MSNET_MEDIA_AUDIO,   "audio",   50000, 50019, 46, "EF" },
    { MSNET_MEDIA_VIDEO,   "video",   50020, 50039, 34, "AF41" },
    { MSNET_MEDIA_SHARING, "sharing", 50040, 50059, 18, "AF21" },
    { MSNET_MEDIA_UNKNOWN, NULL,      0,     0,     0,  NULL },
};

typedef struct {
    uint8_t family;
    uint8_t prefix[16];
    uint8_t bits;
} net_range_t;

static const net_range_t relay_ranges[] = {
    { 4, { 52, 112 }, 14 },
    { 4, { 52, 122 }, 15 },
    { 4, { 13, 107, 64 }, 18 },
    { 6, { 0x26, 0x03, 0x10, 0x63 }, 38 },
};

#define RELAY_PORT_LO 3478u
#define RELAY_PORT_HI 3481u

const msnet_teams_class_t *
msnet_teams_classes(void)
{
    return teams_classes;
}

const msnet_teams_class_t *
msnet_teams_class_for_port(uint16_t port)
{
    for (const msnet_teams_class_t *c = teams_classes; c->name; c++) {
        if (port >= c->port_lo && port <= c->port_hi)
            return c;
    }
    return NULL;
}

const msnet_teams_class_t *
msnet_teams_class_for_dscp(uint8_t dscp)
{
    for (const msnet_teams_class_t *c = teams_classes; c->name; c++) {
        if (dscp == c->dscp)
            return c;
    }
    return NULL;
}

const char *
msnet_sources(void)
{
    return "Teams QoS port ranges and DSCP: Microsoft, \"Implement QoS in Microsoft Teams clients\" (checked "
           "2026-08); transport relays: Microsoft, \"Microsoft 365 URLs and IP address ranges\", set 11 "
           "(2026-08-14; 13.107.64.0/18 from earlier versions)";
}

static bool
prefix_match(const uint8_t *addr, const uint8_t *prefix, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(addr, prefix, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xFFu << (8 - rest));
    return (addr[full] & mask) == (prefix[full] & mask);
}

bool
msnet_in_relay_range(uint8_t family, const uint8_t *addr)
{
    if (!addr || (family != 4 && family != 6))
        return false;
    for (size_t i = 0; i < sizeof(relay_ranges) / sizeof(relay_ranges[0]); i++) {
        if (relay_ranges[i].family == family && prefix_match(addr, relay_ranges[i].prefix, relay_ranges[i].bits))
            return true;
    }
    return false;
}

bool
msnet_is_transport_relay(uint8_t family, const uint8_t *addr, uint16_t port)
{
    return port >= RELAY_PORT_LO && port <= RELAY_PORT_HI && msnet_in_relay_range(family, addr);
}

const char *
msnet_relay_ranges_text(void)
{
    return "52.112.0.0/14, 52.122.0.0/15, 13.107.64.0/18, 2603:1063::/38; UDP 3478-3481";
}

const char *
msnet_dscp_name(uint8_t dscp)
{
    /* RFC 2474 class selectors, RFC 2597 AF, RFC 3246 EF, RFC 5865 VOICE-ADMIT. */
    switch (dscp) {
    case 0:  return "CS0";
    case 8:  return "CS1";
    case 10: return "AF11";
    case 12: return "AF12";
    case 14: return "AF13";
    case 16: return "CS2";
    case 18: return "AF21";
    case 20: return "AF22";
    case 22: return "AF23";
    case 24: return "CS3";
    case 26: return "AF31";
    case 28: return "AF32";
    case 30: return "AF33";
    case 32: return "CS4";
    case 34: return "AF41";
    case 36: return "AF42";
    case 38: return "AF43";
    case 40: return "CS5";
    case 44: return "VOICE-ADMIT";
    case 46: return "EF";
    case 48: return "CS6";
    case 56: return "CS7";
    default: return NULL;
    }
}

/* Does a transport header with these ports start at @l4 (inside @end)? */
static bool
ports_at(const uint8_t *l4, const uint8_t *end, uint16_t sport, uint16_t dport)
{
    return end - l4 >= 4 && bytes_rd16(l4) == sport && bytes_rd16(l4 + 2) == dport;
}

int
msnet_find_dscp(const uint8_t *buf, size_t len, uint8_t family, const uint8_t *src, const uint8_t *dst,
                uint16_t sport, uint16_t dport, uint8_t proto)
{
    if (!buf || !src || !dst || (family != 4 && family != 6))
        return -1;
    const uint8_t *end = buf + len;
    size_t scan = len < MSNET_DSCP_SCAN_MAX ? len : MSNET_DSCP_SCAN_MAX;
    for (size_t off = 0; off < scan; off++) {
        const uint8_t *p = buf + off;
        if (family == 4) {
            /* RFC 791: version 4, IHL 5..15 words, protocol at 9, addresses at 12 and 16. */
            if ((p[0] >> 4) != 4 || (size_t)(end - p) < 20)
                continue;
            unsigned ihl = (unsigned)(p[0] & 0x0F) * 4u;
            if (ihl < 20 || p[9] != proto || memcmp(p + 12, src, 4) != 0 || memcmp(p + 16, dst, 4) != 0)
                continue;
            if ((size_t)(end - p) < ihl || !ports_at(p + ihl, end, sport, dport))
                continue;
            return p[1] >> 2;
        }
        /* RFC 8200: version 6, traffic class across bytes 0-1, next header at 6,
         * addresses at 8 and 24; the transport header right after the 40 bytes. */
        if ((p[0] >> 4) != 6 || (size_t)(end - p) < 40)
            continue;
        if (p[6] != proto || memcmp(p + 8, src, 16) != 0 || memcmp(p + 24, dst, 16) != 0)
            continue;
        if (!ports_at(p + 40, end, sport, dport))
            continue;
        uint8_t tc = (uint8_t)(((p[0] & 0x0F) << 4) | (p[1] >> 4));
        return tc >> 2;
    }
    return -1;
}
