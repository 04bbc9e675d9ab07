/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_msnet.c - libFuzzer harness for the frame scan of msnet.c: the input
 * is a header (family, protocol, ports, two addresses) and then the frame
 * bytes msnet_find_dscp() searches; also the table lookups with the ports.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "msnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* flags(1) sport(2) dport(2) src(16) dst(16), then the frame */
    if (size < 37)
        return 0;
    uint8_t family = (data[0] & 1) ? 6 : 4;
    uint8_t proto = (data[0] & 2) ? 6 : 17;
    uint16_t sport = (uint16_t)((data[1] << 8) | data[2]), dport = (uint16_t)((data[3] << 8) | data[4]);
    uint8_t src[16], dst[16];
    memcpy(src, data + 5, 16);
    memcpy(dst, data + 21, 16);
    int d = msnet_find_dscp(data + 37, size - 37, family, src, dst, sport, dport, proto);
    if (d > 63)
        __builtin_trap();
    (void)msnet_teams_class_for_port(sport);
    if (d >= 0) {
        (void)msnet_teams_class_for_dscp((uint8_t)d);
        (void)msnet_dscp_name((uint8_t)d);
    }
    (void)msnet_is_transport_relay(family, src, dport);
    return 0;
}
