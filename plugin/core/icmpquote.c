/* SPDX-License-Identifier: GPL-2.0-or-later */
/* icmpquote.c - the UDP datagram quoted by an ICMP destination unreachable error. */
#include "icmpquote.h"
#include "bytes.h"

#include <string.h>

/* The quoted IPv4 header at @off (RFC 791 3.1); *hlen: its length. */
static icmpquote_status_t
read_ipv4(const uint8_t *b, size_t len, size_t off, icmpquote_t *out, size_t *hlen)
{
    if (len < off + ICMPQUOTE_IPV4_MIN_LEN)
        return ICMPQUOTE_NO_IP_HEADER;
    if ((b[off] >> 4) != 4)
        return ICMPQUOTE_BAD_IP_VERSION;
    size_t ihl = (size_t)(b[off] & 0x0Fu) * 4u;
    if (ihl < ICMPQUOTE_IPV4_MIN_LEN)
        return ICMPQUOTE_BAD_IP_HEADER_LENGTH;
    if (len < off + ihl)
        return ICMPQUOTE_NO_IP_HEADER;
    out->family = 4;
    memcpy(out->src, b + off + 12, 4);
    memcpy(out->dst, b + off + 16, 4);
    out->ip.offset = (uint32_t)off;
    out->ip.length = (uint32_t)ihl;
    if (b[off + 9] != ICMPQUOTE_IPPROTO_UDP)
        return ICMPQUOTE_NOT_UDP;
    /* A fragment after the first (offset field, 13 bits) has no UDP header. */
    if (((b[off + 6] & 0x1Fu) | b[off + 7]) != 0)
        return ICMPQUOTE_LATER_FRAGMENT;
    *hlen = ihl;
    return ICMPQUOTE_OK;
}

/* The quoted IPv6 header at @off (RFC 8200 3); UDP must follow it directly. */
static icmpquote_status_t
read_ipv6(const uint8_t *b, size_t len, size_t off, icmpquote_t *out, size_t *hlen)
{
    if (len < off + ICMPQUOTE_IPV6_LEN)
        return ICMPQUOTE_NO_IP_HEADER;
    if ((b[off] >> 4) != 6)
        return ICMPQUOTE_BAD_IP_VERSION;
    out->family = 6;
    memcpy(out->src, b + off + 8, 16);
    memcpy(out->dst, b + off + 24, 16);
    out->ip.offset = (uint32_t)off;
    out->ip.length = ICMPQUOTE_IPV6_LEN;
    if (b[off + 6] != ICMPQUOTE_IPPROTO_UDP)
        return ICMPQUOTE_NOT_UDP;   /* extension headers included: not followed */
    *hlen = ICMPQUOTE_IPV6_LEN;
    return ICMPQUOTE_OK;
}

icmpquote_status_t
icmpquote_parse(const uint8_t *buf, size_t len, bool v6, icmpquote_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!buf || len < ICMPQUOTE_HEADER_LEN)
        return ICMPQUOTE_TOO_SHORT;
    out->type = buf[0];
    out->code = buf[1];
    if (out->type != (v6 ? ICMPV6_TYPE_DEST_UNREACHABLE : ICMP_TYPE_DEST_UNREACHABLE))
        return ICMPQUOTE_NOT_UNREACHABLE;
    size_t off = ICMPQUOTE_HEADER_LEN, hlen = 0;
    icmpquote_status_t st = v6 ? read_ipv6(buf, len, off, out, &hlen) : read_ipv4(buf, len, off, out, &hlen);
    if (st != ICMPQUOTE_OK)
        return st;
    off += hlen;
    if (len < off + ICMPQUOTE_UDP_LEN)
        return ICMPQUOTE_NO_UDP_HEADER;
    out->src_port = bytes_rd16(buf + off);
    out->dst_port = bytes_rd16(buf + off + 2);
    out->udp_length = bytes_rd16(buf + off + 4);
    out->udp.offset = (uint32_t)off;
    out->udp.length = ICMPQUOTE_UDP_LEN;
    size_t plen = len - off - ICMPQUOTE_UDP_LEN;
    /* The UDP Length covers header and payload: quoted bytes past it are not the datagram's. */
    if (out->udp_length >= ICMPQUOTE_UDP_LEN && (size_t)(out->udp_length - ICMPQUOTE_UDP_LEN) < plen)
        plen = out->udp_length - ICMPQUOTE_UDP_LEN;
    out->payload.offset = (uint32_t)(off + ICMPQUOTE_UDP_LEN);
    out->payload.length = (uint32_t)plen;
    return ICMPQUOTE_OK;
}
