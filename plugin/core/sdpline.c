/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdpline.c - SDP c= and m= lines. See sdpline.h.
 *
 * References: RFC 4566 5.7 (c=), 5.14 (m=), 9 (grammar: connection-address
 * with "/ttl" and "/<number of addresses>" for multicast, port with
 * "/<number of ports>"); RFC 3264 5.1 (port 0 rejects a stream).
 *
 * Leniencies, each on purpose: fields split on runs of SP/HTAB; trailing
 * blanks trimmed; keywords IP4/IP6 in any case. A host name as connection
 * address (allowed by RFC 4566, never sent by Microsoft clients) is reported
 * as SDPLINE_BAD_ADDRESS: the model needs a numeric address.
 */
#include "sdpline.h"
#include "textscan.h"

#include <string.h>

#include <glib.h>

_Static_assert(SDPLINE_STATUS_COUNT <= 32, "sdpline_t.problems is a 32-bit set");
_Static_assert(SDPLINE_MAX_LEN <= UINT32_MAX, "spans are 32-bit");

static void
flag(sdpline_t *l, sdpline_status_t s)
{
    l->status = (sdpline_status_t)textscan_flag(&l->problems, l->status, SDPLINE_OK, s);
}

static bool
next_token(const char *line, uint32_t *pos, uint32_t end, sdpline_span_t *tok)
{
    return textscan_next_token(line, pos, end, &tok->offset, &tok->length);
}

static bool
tok_ieq(const char *line, sdpline_span_t tok, const char *word)
{
    return textscan_ieq(line + tok.offset, tok.length, word);
}

/*
 * RFC 4566 9: multicast addresses carry "/ttl[/n]" (IPv4) or "/n" (IPv6)
 * after the address. Each part must be a decimal number.
 */
static bool
address_suffix_ok(const char *s, uint32_t n, uint8_t family)
{
    unsigned parts = 0;
    uint32_t i = 0;
    while (i < n) {
        if (s[i] != '/')
            return false;
        uint32_t start = ++i;
        while (i < n && s[i] != '/')
            i++;
        uint32_t v;
        if (!textscan_dec(s + start, i - start, 5, 65535u, &v))
            return false;
        parts++;
    }
    return parts <= (family == 4 ? 2u : 1u);
}

/* c=<nettype> SP <addrtype> SP <connection-address> */
static void
parse_connection(sdpline_t *l, const char *line, uint32_t pos, uint32_t end)
{
    if (!next_token(line, &pos, end, &l->nettype) || !next_token(line, &pos, end, &l->addrtype) ||
        !next_token(line, &pos, end, &l->address)) {
        flag(l, SDPLINE_TRUNCATED);
        return;
    }
    const char *a = line + l->address.offset;
    const char *slash = memchr(a, '/', l->address.length);
    uint32_t host = slash ? (uint32_t)(slash - a) : l->address.length;
    l->family = textscan_ip(a, host, l->addr);
    if (l->family && !address_suffix_ok(a + host, l->address.length - host, l->family)) {
        l->family = 0;
        memset(l->addr, 0, sizeof l->addr);
    }
    if (!l->family)
        flag(l, SDPLINE_BAD_ADDRESS);
    uint8_t want = tok_ieq(line, l->addrtype, "IP4") ? 4 : tok_ieq(line, l->addrtype, "IP6") ? 6 : 0;
    if (!want || (l->family && l->family != want))
        flag(l, SDPLINE_BAD_ADDRTYPE);
}

/* m=<media> SP <port>[/<number of ports>] SP <proto> 1*(SP <fmt>) */
static void
parse_media(sdpline_t *l, const char *line, uint32_t pos, uint32_t end)
{
    if (!next_token(line, &pos, end, &l->media) || !next_token(line, &pos, end, &l->port_span)) {
        flag(l, SDPLINE_TRUNCATED);
        return;
    }
    const char *p = line + l->port_span.offset;
    const char *slash = memchr(p, '/', l->port_span.length);
    uint32_t plen = slash ? (uint32_t)(slash - p) : l->port_span.length;
    uint32_t v;
    l->port_valid = textscan_port(p, plen, &v);
    if (l->port_valid)
        l->port = (uint16_t)v;
    else
        flag(l, SDPLINE_BAD_PORT);
    if (slash) {
        uint32_t rest = l->port_span.length - plen - 1u;
        if (textscan_dec(slash + 1, rest, 5, 65535u, &v) && v >= 1u)
            l->n_ports = v;
        else
            flag(l, SDPLINE_BAD_PORT_COUNT);
    }
    if (!next_token(line, &pos, end, &l->proto)) {
        flag(l, SDPLINE_TRUNCATED);
        return;
    }
    sdpline_span_t first;
    if (!next_token(line, &pos, end, &first)) {
        flag(l, SDPLINE_TRUNCATED);     /* no <fmt>: RFC 4566 wants at least one */
        return;
    }
    l->fmts.offset = first.offset;
    l->fmts.length = end - first.offset;
}

sdpline_status_t
sdpline_parse(const char *line, size_t len, sdpline_t *out)
{
    g_return_val_if_fail(out != NULL, SDPLINE_NOT_CM);
    if (line == NULL)
        len = 0;
    if (len < 2 || line[1] != '=' || (line[0] != 'c' && line[0] != 'm')) {
        out->kind = SDPLINE_KIND_NONE;
        out->status = SDPLINE_NOT_CM;
        out->problems = 1u << SDPLINE_NOT_CM;
        return SDPLINE_NOT_CM;
    }
    memset(out, 0, sizeof(*out));
    out->kind = line[0] == 'c' ? SDPLINE_KIND_CONNECTION : SDPLINE_KIND_MEDIA;
    out->status = SDPLINE_OK;
    out->n_ports = 1;
    if (len > SDPLINE_MAX_LEN) {
        flag(out, SDPLINE_TOO_LONG);
        return out->status;
    }
    uint32_t end = (uint32_t)len;
    while (end > 2 && textscan_is_blank(line[end - 1]))
        end--;
    if (out->kind == SDPLINE_KIND_CONNECTION)
        parse_connection(out, line, 2, end);
    else
        parse_media(out, line, 2, end);
    return out->status;
}

bool
sdpline_next_line(const char *body, size_t len, size_t off, sdpline_body_line_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!body || off >= len)
        return false;
    size_t end = off;
    while (end < len && body[end] != '\r' && body[end] != '\n')
        end++;
    size_t next = end;
    if (end < len) {
        next = end + 1;
        if (body[end] == '\r' && next < len && body[next] == '\n')
            next++;
    }
    out->offset = (uint32_t)off;
    out->length = (uint32_t)(end - off);
    out->next = (uint32_t)next;
    if (out->length >= 2 && body[off + 1] == '=')
        out->type = body[off];
    return true;
}
