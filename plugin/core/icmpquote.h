/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icmpquote.h - the UDP datagram an ICMP or ICMPv6 destination unreachable
 * error quotes (pure C, no epan).
 *
 * An ICMP error carries the start of the datagram it is about: its IP
 * header and at least the first 8 bytes behind it (RFC 792; RFC 1812 4.3.2.3
 * asks for as much as fits; ICMPv6: as much as fits in the minimum MTU,
 * RFC 4443 2.4 (c)). Most stacks quote only the UDP header. icmpquote_parse()
 * reads the error's type and code, the quoted IPv4 or IPv6 header's
 * addresses and the quoted UDP header's ports, and gives the span of the
 * quoted UDP payload (what of it is present) with byte offsets, so the epan
 * layer can classify it and build items from the spans.
 *
 * Layout read (offsets from the start of the ICMP message):
 *   0  type, 1 code, 2-3 checksum, 4-7 unused / length / MTU
 *   8  the quoted IP header: IPv4 (RFC 791 3.1: version/IHL, ..., fragment
 *      offset at 6-7, protocol at 9, source at 12, destination at 16) or
 *      IPv6 (RFC 8200 3: next header at 6, source at 8, destination at 24;
 *      extension headers are not followed)
 *   then the quoted UDP header (RFC 768: source port, destination port,
 *      length, checksum) and whatever of the payload was quoted.
 */
#ifndef MSICE_ICMPQUOTE_H
#define MSICE_ICMPQUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define ICMPQUOTE_HEADER_LEN   8u    /* type, code, checksum, 4 bytes unused/length/MTU */
#define ICMPQUOTE_IPV4_MIN_LEN 20u   /* IHL 5 */
#define ICMPQUOTE_IPV6_LEN     40u
#define ICMPQUOTE_UDP_LEN      8u

#define ICMP_TYPE_DEST_UNREACHABLE   3u  /* RFC 792 */
#define ICMPV6_TYPE_DEST_UNREACHABLE 1u  /* RFC 4443 3.1 */
#define ICMPQUOTE_IPPROTO_UDP        17u

/** icmpquote_span_t: bytes [offset, offset + length) of the ICMP message. */
typedef struct {
    uint32_t offset;
    uint32_t length;
} icmpquote_span_t;

/** icmpquote_t: what icmpquote_parse() read; fields past the failing step stay 0. */
typedef struct {
    uint8_t          type;       /* ICMP type: 3 (ICMP) or 1 (ICMPv6) for the errors read */
    uint8_t          code;
    uint8_t          family;     /* 4 or 6: the quoted IP header's version; 0: not read */
    uint8_t          src[16];    /* quoted source and destination, 4 or 16 bytes used */
    uint8_t          dst[16];
    icmpquote_span_t ip;         /* the quoted IP header */
    uint16_t         src_port;   /* of the quoted UDP header */
    uint16_t         dst_port;
    uint16_t         udp_length; /* the UDP Length field as quoted */
    icmpquote_span_t udp;        /* the quoted UDP header */
    icmpquote_span_t payload;    /* the quoted UDP payload present: length 0 when only the header is quoted;
                                    capped by the UDP Length field when that is smaller */
} icmpquote_t;

/**
 * icmpquote_parse:
 * @buf: the ICMP (@v6 false) or ICMPv6 (@v6 true) message, @len bytes.
 * @out: (out): filled as far as the bytes go.
 *
 * Returns: ICMPQUOTE_OK when the message is a destination unreachable
 * error quoting a UDP datagram whose UDP header is present; otherwise the
 * first problem found.
 */
icmpquote_status_t icmpquote_parse(const uint8_t *buf, size_t len, bool v6, icmpquote_t *out);

#endif /* MSICE_ICMPQUOTE_H */
