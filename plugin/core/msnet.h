/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msnet.h - published facts about Microsoft 365 / Teams media networks, for
 * the call model to infer what a capture without SDP does not say (pure C,
 * no epan).
 *
 * The facts live in ONE table in msnet.c, with the date and the source of
 * each: the Teams client source port ranges and DSCP marks per media type
 * (Microsoft, "Implement Quality of Service (QoS) in Microsoft Teams
 * clients", table 1), and the address ranges and UDP ports of the Microsoft
 * 365 transport relays (Microsoft, "Microsoft 365 URLs and IP address
 * ranges", endpoint set 11 "Microsoft Teams", Optimize/Required). Both are
 * defaults an administrator can change (port ranges in the Teams admin
 * center) or that Microsoft updates (address ranges): what is inferred from
 * them is always said to be inferred.
 *
 * Also the DSCP of a packet, read from its IP header in the frame bytes
 * (msnet_find_dscp()).
 */
#ifndef MSICE_MSNET_H
#define MSICE_MSNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** msnet_media_t: the Teams media types that have their own port range and mark. */
typedef enum {
    MSNET_MEDIA_UNKNOWN = 0,
    MSNET_MEDIA_AUDIO,
    MSNET_MEDIA_VIDEO,
    MSNET_MEDIA_SHARING,   /* application / screen sharing */
} msnet_media_t;

/** msnet_teams_class_t: one row of the Teams QoS table. */
typedef struct {
    msnet_media_t media;
    const char   *name;        /* "audio", "video", "sharing" */
    uint16_t      port_lo;     /* client source port range, inclusive (TCP and UDP) */
    uint16_t      port_hi;
    uint8_t       dscp;        /* the mark Microsoft recommends */
    const char   *dscp_class;  /* "EF", "AF41", "AF21" */
} msnet_teams_class_t;

/** msnet_teams_classes: the table, terminated by a row with name NULL. */
const msnet_teams_class_t *msnet_teams_classes(void);

/** msnet_teams_class_for_port: the row whose default port range holds @port, or NULL. */
const msnet_teams_class_t *msnet_teams_class_for_port(uint16_t port);

/** msnet_teams_class_for_dscp: the row whose mark is @dscp (0..63), or NULL. */
const msnet_teams_class_t *msnet_teams_class_for_dscp(uint8_t dscp);

/** msnet_sources: where the table comes from, with dates (one line of text). */
const char *msnet_sources(void);

/**
 * msnet_in_relay_range:
 * TRUE when the address (@family 4 or 6, @addr in network order) is in one of
 * the address ranges Microsoft publishes for the Teams transport relays.
 */
bool msnet_in_relay_range(uint8_t family, const uint8_t *addr);

/**
 * msnet_is_transport_relay:
 * TRUE when the transport address is a Microsoft 365 transport relay by the
 * published table: an address in a relay range and a relay port (3478-3481).
 */
bool msnet_is_transport_relay(uint8_t family, const uint8_t *addr, uint16_t port);

/** msnet_relay_ranges_text: "52.112.0.0/14, ..." (for reports). */
const char *msnet_relay_ranges_text(void);

/** msnet_dscp_name: "EF", "AF41", "CS0", ... for a DSCP value; NULL when it has no name. */
const char *msnet_dscp_name(uint8_t dscp);

/* Bytes at the start of a frame searched for the IP header by msnet_find_dscp()
 * (link-layer headers, VLAN tags, tunnels in front of it). */
#define MSNET_DSCP_SCAN_MAX 256u

/**
 * msnet_find_dscp:
 * The DSCP (0..63) of the IP header that carries the given UDP (@proto 17) or
 * TCP (@proto 6) packet, found in the frame bytes @buf[0..@len): the first
 * IPv4 or IPv6 header within MSNET_DSCP_SCAN_MAX bytes whose version,
 * protocol, addresses (@family, @src, @dst: 4 or 16 bytes each) and following
 * transport ports (@sport, @dport) all match. -1 when no such header is there
 * (reassembled data, other encapsulations, IPv6 extension headers).
 */
int msnet_find_dscp(const uint8_t *buf, size_t len, uint8_t family, const uint8_t *src, const uint8_t *dst,
                    uint16_t sport, uint16_t dport, uint8_t proto);

#endif /* MSICE_MSNET_H */
