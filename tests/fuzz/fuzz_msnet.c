/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_msnet.c - libFuzzer harness for the frame scan of msnet.c: the input
 * is a header (family, protocol, ports, two addresses) and then the frame
 * bytes msnet_find_dscp() searches; also the table lookups with the ports,
 * and once per process the tables as reports print them.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "msnet.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* The Teams QoS table and the texts that cite it: every row found again by
 * its own port range and mark. */
static void
tables_once(void)
{
    unsigned n = 0;
    for (const msnet_teams_class_t *c = msnet_teams_classes(); c->name; c++, n++) {
        CHECK(c->port_lo <= c->port_hi && c->dscp < 64 && c->dscp_class);
        CHECK(msnet_teams_class_for_port(c->port_lo) == c && msnet_teams_class_for_port(c->port_hi) == c);
        CHECK(msnet_teams_class_for_dscp(c->dscp) == c);
    }
    CHECK(n > 0 && msnet_sources()[0] && msnet_relay_ranges_text()[0]);
    /* Every DSCP value's name (NULL for unnamed ones), the table's marks named. */
    for (unsigned d = 0; d < 256; d++) {
        const char *name = msnet_dscp_name((uint8_t)d);
        CHECK(d < 64 || name == NULL);
        if (d < 64 && msnet_teams_class_for_dscp((uint8_t)d))
            CHECK(name != NULL);
    }
    static const uint8_t zero[16];
    CHECK(!msnet_in_relay_range(5, zero) && !msnet_in_relay_range(4, NULL));
    CHECK(msnet_find_dscp(NULL, 0, 4, zero, zero, 0, 0, 17) == -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* flags(1) sport(2) dport(2) src(16) dst(16), then the frame */
    static int done;
    if (!done++)
        tables_once();
    if (size < 37)
        return 0;
    uint8_t family = (data[0] & 1) ? 6 : 4;
    uint8_t proto = (data[0] & 2) ? 6 : 17;
    uint16_t sport = (uint16_t)((data[1] << 8) | data[2]), dport = (uint16_t)((data[3] << 8) | data[4]);
    uint8_t src[16], dst[16];
    memcpy(src, data + 5, 16);
    memcpy(dst, data + 21, 16);
    int d = msnet_find_dscp(data + 37, size - 37, family, src, dst, sport, dport, proto);
    CHECK(d <= 63);
    (void)msnet_teams_class_for_port(sport);
    if (d >= 0) {
        (void)msnet_teams_class_for_dscp((uint8_t)d);
        (void)msnet_dscp_name((uint8_t)d);
    }
    bool relay = msnet_is_transport_relay(family, src, dport);
    CHECK(!relay || msnet_in_relay_range(family, src));
    (void)msnet_in_relay_range(family, dst);
    return 0;
}
