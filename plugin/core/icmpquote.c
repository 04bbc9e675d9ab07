/* SPDX-License-Identifier: GPL-2.0-or-later */
/* icmpquote.c - the UDP datagram quoted by an ICMP destination unreachable error. */
#include "icmpquote.h"
#include "bytes.h"

#include <string.h>

/*
 * The quoted IP header at @off: IPv4 (RFC 791 3.1: version/IHL at 0,
 * fragment offset at 6-7, protocol at 9, source at 12, destination at 16)
 * or IPv6 (RFC 8200 3: next header at 6, source at 8, destination at 24;
 * UDP must follow directly). *hlen: its length.
 */
static icmpquote_status_t
read_ip(const uint8_t *b, size_t len, size_t off, bool v6, icmpquote_t *out, size_t *hlen)
{
    size_t min = v6 ? ICMPQUOTE_IPV6_LEN : ICMPQUOTE_IPV4_MIN_LEN;
    if (len < off + min)
        return ICMPQUOTE_NO_IP_HEADER;
    if ((b[off] >> 4) != (v6 ? 6 : 4))
        return ICMPQUOTE_BAD_IP_VERSION;
    size_t hl = v6 ? ICMPQUOTE_IPV6_LEN : (size_t)(b[off] & 0x0Fu) * 4u;
    if (hl < min)
        return ICMPQUOTE_BAD_IP_HEADER_LENGTH;
    if (len < off + hl)
        return ICMPQUOTE_NO_IP_HEADER;
    size_t alen = v6 ? 16 : 4, src_at = v6 ? 8 : 12;
    out->family = v6 ? 6 : 4;
    memcpy(out->src, b + off + src_at, alen);
    memcpy(out->dst, b + off + src_at + alen, alen);
    out->ip.offset = (uint32_t)off;
    out->ip.length = (uint32_t)hl;
    if (b[off + (v6 ? 6 : 9)] != ICMPQUOTE_IPPROTO_UDP)
        return ICMPQUOTE_NOT_UDP;   /* IPv6 extension headers included: not followed */
    /* A later IPv4 fragment (13-bit offset not 0) has no UDP header. */
    if (!v6 && ((b[off + 6] & 0x1Fu) | b[off + 7]) != 0)
        return ICMPQUOTE_LATER_FRAGMENT;
    *hlen = hl;
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
    icmpquote_status_t st = read_ip(buf, len, off, v6, out, &hlen);
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
