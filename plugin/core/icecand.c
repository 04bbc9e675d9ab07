/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icecand.c - ICE attribute lines from SDP (MS-ICE v6, MS-ICE2 v19).
 * See icecand.h.
 *
 * References: [MS-ICE] (draft-ietf-mmusic-ice-06), [MS-ICE2]
 * (draft-ietf-mmusic-ice-19; grammar = RFC 5245 15.1), [MS-SDPEXT]
 * 3.1.5.21 (ICE attributes) and 3.1.5.36 (x-candidate-info), RFC 6544 4.5
 * (tcptype), RFC 3261 25.1 (qvalue), RFC 4291 2.2 (IPv6 text), pidgin-sipe
 * sdpmsg.c (which version a line is), shared/specs/ms-ice-candidates.md.
 *
 * How the two candidate syntaxes differ:
 *
 *   token  v6 [MS-ICE]                     v19 [MS-ICE2] / ICE-19 15.1
 *   -----  ------------------------------  ---------------------------------
 *   1      username (base64, per cand.)    foundation (1*32 ice-char)
 *   2      component (1 RTP, 2 RTCP)       component (1*5DIGIT, 1..256)
 *   3      password (base64, per cand.)    transport UDP / TCP-ACT / TCP-PASS
 *   4      transport UDP / TCP             priority (1*10DIGIT, 32-bit)
 *   5      qvalue "0.830" (RFC 3261)       connection address
 *   6      address (IPv4)                  port
 *   7      port                            "typ"  <- tells the versions apart
 *   8      -                               host / srflx / prflx / relay
 *   9..    -                               [raddr a] [rport p] {name value}
 *   type   not encoded: never guessed      explicit
 *   creds  in every candidate line         a=ice-ufrag / a=ice-pwd per m-line
 *   after  a=remote-candidate:<username>   a=remote-candidates:<c a p>...
 *
 * Leniencies, each on purpose: tokens are split on runs of SP/HTAB (SDP says
 * one SP); trailing SP/HTAB/CR/LF is trimmed (real MS SDP has trailing SP);
 * keywords (transport, typ, type, raddr, rport, tcptype) match in any case,
 * as ABNF literals do; raddr/rport/tcptype are accepted in any order after
 * the type. Attribute names are matched exactly (RFC 4566 5.13).
 */
#include "icecand.h"
#include "textscan.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

_Static_assert(ICECAND_STATUS_COUNT <= 32, "icecand_t.problems is a 32-bit set");
_Static_assert(ICECAND_MAX_LINE_LEN <= UINT32_MAX, "spans are 32-bit");

/* Longest recognised attribute name: "remote-candidates". */
#define NAME_MAX_LEN 17u
/* Tokens looked at before deciding v6 vs v19 (the 8th is the v19 type). */
#define HEAD_TOKENS  8u

/* ---- attribute names -------------------------------------------------- */

static const struct {
    const char     *name;
    uint8_t         len;
    icecand_kind_t  kind;
} attr_names[] = {
    { "candidate",         9, ICECAND_KIND_CANDIDATE },
    { "x-candidate-ipv6", 16, ICECAND_KIND_X_CANDIDATE_IPV6 },
    { "x-candidate-info", 16, ICECAND_KIND_X_CANDIDATE_INFO },
    { "remote-candidate", 16, ICECAND_KIND_REMOTE_CANDIDATE },
    { "remote-candidates", 17, ICECAND_KIND_REMOTE_CANDIDATES },
    { "ice-ufrag",         9, ICECAND_KIND_ICE_UFRAG },
    { "ice-pwd",           7, ICECAND_KIND_ICE_PWD },
    { "ice-options",      11, ICECAND_KIND_ICE_OPTIONS },
};

/*
 * Runs on every SDP attribute of every SIP packet: the first byte rules out
 * almost everything, then the name (up to ':') is compared by length first.
 */
static icecand_kind_t
lookup_name(const char *buf, size_t len, size_t *name_len, bool *has_colon)
{
    if (len == 0)
        return ICECAND_KIND_NONE;
    switch (buf[0]) {
    case 'c': case 'i': case 'r': case 'x':
        break;
    default:
        return ICECAND_KIND_NONE;
    }
    size_t look = len < NAME_MAX_LEN + 1u ? len : NAME_MAX_LEN + 1u;
    const char *colon = memchr(buf, ':', look);
    size_t n;
    if (colon) {
        n = (size_t)(colon - buf);
        *has_colon = true;
    } else if (len <= NAME_MAX_LEN) {
        n = len;                /* "candidate" alone: known, but truncated */
        *has_colon = false;
    } else {
        return ICECAND_KIND_NONE;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(attr_names); i++) {
        if (attr_names[i].len == n && memcmp(attr_names[i].name, buf, n) == 0) {
            *name_len = n;
            return attr_names[i].kind;
        }
    }
    return ICECAND_KIND_NONE;
}

/* ---- problems --------------------------------------------------------- */

/* status.h orders the enum by severity, so the most important problem is
 * the lowest value seen. */
static void
flag(icecand_t *c, icecand_status_t s)
{
    c->status = (icecand_status_t)textscan_flag(&c->problems, c->status, ICECAND_OK, s);
}

bool
icecand_status_is_error(icecand_status_t status)
{
    return status >= ICECAND_TRUNCATED && status <= ICECAND_BAD_RPORT;
}

/* ---- tokens ----------------------------------------------------------- */

/* ICE-19 15.1: ice-char = ALPHA / DIGIT / "+" / "/" */
static inline bool
is_ice_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || textscan_is_digit(ch) ||
           ch == '+' || ch == '/';
}

/*
 * A token source: first the tokens already split into head[] (from index
 * next_head), then the rest of the line. Keeps no list of all tokens, so a
 * line of 10000 tokens costs nothing beyond the loop that stops early.
 */
typedef struct {
    const char     *buf;
    uint32_t        pos;
    uint32_t        end;
    const icecand_span_t *head;
    unsigned        n_head;
    unsigned        next_head;
} tokens_t;

static bool
next_token(tokens_t *t, icecand_span_t *tok)
{
    if (t->next_head < t->n_head) {
        *tok = t->head[t->next_head++];
        return true;
    }
    return textscan_next_token(t->buf, &t->pos, t->end, &tok->offset, &tok->length);
}

static bool
tok_ieq(const char *buf, icecand_span_t tok, const char *word)
{
    return textscan_ieq(buf + tok.offset, tok.length, word);
}

/* An empty span just after @tok, for a value that is missing. */
static icecand_span_t
after(icecand_span_t tok)
{
    icecand_span_t s = { tok.offset + tok.length, 0 };
    return s;
}

/* ---- numbers ---------------------------------------------------------- */

static void
read_num(icecand_t *c, const char *buf, icecand_span_t tok, icecand_num_t *num,
         unsigned max_digits, uint32_t min, uint64_t max, icecand_status_t bad)
{
    num->span = tok;
    num->valid = textscan_dec(buf + tok.offset, tok.length, max_digits, max, &num->value) &&
                 num->value >= min;
    if (!num->valid) {
        num->value = 0;
        flag(c, bad);
    }
}

/* ICE-19 15.1: component-id = 1*5DIGIT; 4.1.1.1: 1..256. */
static void
read_component(icecand_t *c, const char *buf, icecand_span_t tok, icecand_num_t *num)
{
    read_num(c, buf, tok, num, 5, 1, 256, ICECAND_BAD_COMPONENT);
}

/* RFC 4566 port: 1*DIGIT; a UDP/TCP port is 0..65535. */
static void
read_port(icecand_t *c, const char *buf, icecand_span_t tok, icecand_num_t *num,
          icecand_status_t bad)
{
    read_num(c, buf, tok, num, 5, 0, 65535, bad);
}

/*
 * RFC 3261 25.1: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 * as integer thousandths: "0.830" -> 830, "1" -> 1000, "0.8" -> 800. The
 * grammar allows "0." and "1." (no digits); so do we. No signs, no spaces,
 * no floats, no locale.
 */
static bool
parse_qvalue(const char *s, uint32_t n, uint32_t *out)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return false;
    uint32_t v = (uint32_t)(s[0] - '0') * 1000u;
    if (n > 1) {
        if (s[1] != '.' || n > 5)
            return false;
        uint32_t scale = 100;
        for (uint32_t i = 2; i < n; i++, scale /= 10u) {
            if (!textscan_is_digit(s[i]))
                return false;
            v += (uint32_t)(s[i] - '0') * scale;
        }
    }
    if (v > 1000u)
        return false;
    *out = v;
    return true;
}

/* ---- addresses -------------------------------------------------------- */

icecand_family_t
icecand_parse_ip(const char *s, size_t len, uint8_t out[16])
{
    g_return_val_if_fail(out != NULL, ICECAND_FAMILY_NONE);
    switch (textscan_ip(s, len, out)) {
    case 4:  return ICECAND_FAMILY_IPV4;
    case 6:  return ICECAND_FAMILY_IPV6;
    default: return ICECAND_FAMILY_NONE;
    }
}

/* The address span is kept even when the text is not an address, so the
 * tree can show what was there. FQDNs (allowed by RFC 4566 but never sent
 * by MS clients) are reported as BAD_ADDRESS too. */
static void
read_addr(icecand_t *c, const char *buf, icecand_span_t tok, icecand_addr_t *addr,
          icecand_status_t bad)
{
    addr->span = tok;
    addr->family = icecand_parse_ip(buf + tok.offset, tok.length, addr->bytes);
    if (addr->family == ICECAND_FAMILY_NONE)
        flag(c, bad);
}

icecand_scope_t
icecand_ip_scope(const uint8_t *b, size_t len)
{
    if (b == NULL)
        return ICECAND_SCOPE_INVALID;
    if (len == 16) {
        static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
        bool zero15 = true;
        for (unsigned k = 0; k < 15; k++)
            zero15 = zero15 && b[k] == 0;
        if (zero15 && b[15] == 0)
            return ICECAND_SCOPE_UNSPECIFIED;
        if (zero15 && b[15] == 1)
            return ICECAND_SCOPE_LOOPBACK;
        if (memcmp(b, mapped, sizeof mapped) == 0)
            return icecand_ip_scope(b + 12, 4);
        if ((b[0] & 0xFEu) == 0xFCu)
            return ICECAND_SCOPE_PRIVATE;           /* fc00::/7 ULA, RFC 4193 */
        if (b[0] == 0xFEu && (b[1] & 0xC0u) == 0x80u)
            return ICECAND_SCOPE_LINK_LOCAL;        /* fe80::/10 */
        if (b[0] == 0x20u && b[1] == 0x01u && b[2] == 0 && b[3] == 0)
            return ICECAND_SCOPE_TEREDO;            /* 2001::/32, RFC 4380 */
        return ICECAND_SCOPE_PUBLIC;
    }
    if (len != 4)
        return ICECAND_SCOPE_INVALID;
    if (b[0] == 0)
        return ICECAND_SCOPE_UNSPECIFIED;           /* 0/8 "this network" */
    if (b[0] == 127)
        return ICECAND_SCOPE_LOOPBACK;
    if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0u) == 16) || (b[0] == 192 && b[1] == 168))
        return ICECAND_SCOPE_PRIVATE;               /* RFC 1918 */
    if (b[0] == 100 && (b[1] & 0xC0u) == 64)
        return ICECAND_SCOPE_CGNAT;                 /* 100.64/10, RFC 6598 */
    if (b[0] == 169 && b[1] == 254)
        return ICECAND_SCOPE_LINK_LOCAL;            /* RFC 3927 */
    return ICECAND_SCOPE_PUBLIC;
}

icecand_scope_t
icecand_addr_scope(const icecand_addr_t *addr)
{
    if (addr == NULL)
        return ICECAND_SCOPE_INVALID;
    switch (addr->family) {
    case ICECAND_FAMILY_IPV4: return icecand_ip_scope(addr->bytes, 4);
    case ICECAND_FAMILY_IPV6: return icecand_ip_scope(addr->bytes, 16);
    case ICECAND_FAMILY_NONE: break;
    }
    return ICECAND_SCOPE_INVALID;
}

/* ---- keyword tokens --------------------------------------------------- */

static icecand_transport_t
transport_of(const char *buf, icecand_span_t tok)
{
    if (tok_ieq(buf, tok, "UDP"))
        return ICECAND_TRANSPORT_UDP;
    if (tok_ieq(buf, tok, "TCP"))
        return ICECAND_TRANSPORT_TCP;
    if (tok_ieq(buf, tok, "TCP-ACT"))
        return ICECAND_TRANSPORT_TCP_ACT;
    if (tok_ieq(buf, tok, "TCP-PASS"))
        return ICECAND_TRANSPORT_TCP_PASS;
    return ICECAND_TRANSPORT_UNKNOWN;
}

static void
read_transport(icecand_t *c, const char *buf, icecand_span_t tok)
{
    c->transport_span = tok;
    c->transport = transport_of(buf, tok);
    if (c->transport == ICECAND_TRANSPORT_UNKNOWN)
        flag(c, ICECAND_BAD_TRANSPORT);
}

/* ICE-19 15.1: cand-type = "typ" SP candidate-types */
static void
read_type(icecand_t *c, const char *buf, icecand_span_t tok)
{
    c->type_span = tok;
    if (tok_ieq(buf, tok, "host"))
        c->type = ICECAND_TYPE_HOST;
    else if (tok_ieq(buf, tok, "srflx"))
        c->type = ICECAND_TYPE_SRFLX;
    else if (tok_ieq(buf, tok, "prflx"))
        c->type = ICECAND_TYPE_PRFLX;
    else if (tok_ieq(buf, tok, "relay"))
        c->type = ICECAND_TYPE_RELAY;
    else
        flag(c, ICECAND_BAD_TYPE);
}

/* RFC 6544 4.5: tcp-type-ext = "tcptype" SP tcp-type; active/passive/so. */
static void
read_tcptype(icecand_t *c, const char *buf, icecand_span_t tok)
{
    c->tcptype_span = tok;
    if (tok_ieq(buf, tok, "active"))
        c->tcptype = ICECAND_TCPTYPE_ACTIVE;
    else if (tok_ieq(buf, tok, "passive"))
        c->tcptype = ICECAND_TCPTYPE_PASSIVE;
    else if (tok_ieq(buf, tok, "so"))
        c->tcptype = ICECAND_TCPTYPE_SO;
    else
        flag(c, ICECAND_BAD_TRANSPORT);
}

static bool
all_ice_chars(const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!is_ice_char(s[i]))
            return false;
    }
    return true;
}

/* v6 username/password and remote-candidate: base64 without '=' [MS-ICE]. */
static void
read_credential(icecand_t *c, const char *buf, icecand_span_t tok, icecand_span_t *out)
{
    *out = tok;
    if (!all_ice_chars(buf + tok.offset, tok.length))
        flag(c, ICECAND_BAD_CREDENTIAL);
}

/* ---- candidate lines -------------------------------------------------- */

/*
 * v6 or v19? [sipe parse_candidates] and ms-ice-candidates.md 1: v19 has
 * "typ" as its 7th token. A line too short to have one (a truncated capture,
 * or a v19 line that lost its type) is v19 when its 3rd token is a transport
 * keyword and its 4th is not (v6 has the transport 4th, after a 22-character
 * password). A line with only 1-2 tokens cannot be told apart: version 0.
 */
static uint8_t
decide_version(const char *buf, const icecand_span_t *tok, unsigned n)
{
    if (n >= 7 && tok_ieq(buf, tok[6], "typ"))
        return 19;
    bool t2 = n > 2 && transport_of(buf, tok[2]) != ICECAND_TRANSPORT_UNKNOWN;
    bool t3 = n > 3 && transport_of(buf, tok[3]) != ICECAND_TRANSPORT_UNKNOWN;
    if (t2 && !t3)
        return 19;
    if (n >= 3)
        return 6;
    return 0;
}

/* [MS-ICE] v6: <username> <comp> <password> <transport> <qvalue> <addr> <port> */
static void
parse_v6(icecand_t *c, const char *buf, const icecand_span_t *tok, unsigned n)
{
    c->version = 6;
    c->type = ICECAND_TYPE_UNKNOWN;     /* not encoded in v6: never guessed */
    if (n > 0)
        read_credential(c, buf, tok[0], &c->username);
    if (n > 1)
        read_component(c, buf, tok[1], &c->component);
    if (n > 2)
        read_credential(c, buf, tok[2], &c->password);
    if (n > 3)
        read_transport(c, buf, tok[3]);
    if (n > 4) {
        c->qvalue.span = tok[4];
        c->qvalue.valid = parse_qvalue(buf + tok[4].offset, tok[4].length, &c->qvalue.value);
        if (!c->qvalue.valid)
            flag(c, ICECAND_BAD_QVALUE);
    }
    if (n > 5)
        read_addr(c, buf, tok[5], &c->address, ICECAND_BAD_ADDRESS);
    if (n > 6)
        read_port(c, buf, tok[6], &c->port, ICECAND_BAD_PORT);
    if (n < 7)
        flag(c, ICECAND_TRUNCATED);
    else if (n > 7)
        flag(c, ICECAND_EXTRA_TOKENS);
}

/*
 * ICE-19 15.1 (RFC 5245 15.1):
 *   candidate-attribute = "candidate" ":" foundation SP component-id SP
 *       transport SP priority SP connection-address SP port
 *       SP cand-type [SP rel-addr] [SP rel-port] *(SP extension-att-name
 *       SP extension-att-value)
 * plus RFC 6544's "tcptype" extension, read into its own fields.
 */
static void
parse_v19(icecand_t *c, tokens_t *t, const icecand_span_t *tok, unsigned n)
{
    const char *buf = t->buf;

    c->version = 19;
    if (n > 0) {
        c->foundation = tok[0];
        if (tok[0].length > ICECAND_MAX_FOUNDATION ||
            !all_ice_chars(buf + tok[0].offset, tok[0].length))
            flag(c, ICECAND_BAD_FOUNDATION);
    }
    if (n > 1)
        read_component(c, buf, tok[1], &c->component);
    if (n > 2)
        read_transport(c, buf, tok[2]);
    if (n > 3) {
        /* priority = 1*10DIGIT, fits 32 bits */
        read_num(c, buf, tok[3], &c->priority, 10, 0, UINT32_MAX, ICECAND_BAD_PRIORITY);
    }
    if (n > 4)
        read_addr(c, buf, tok[4], &c->address, ICECAND_BAD_ADDRESS);
    if (n > 5)
        read_port(c, buf, tok[5], &c->port, ICECAND_BAD_PORT);

    /* ICE-19 4.1.2.1: priority = 2^24*type + 2^8*local + (256 - component),
     * a positive integer up to 2^31 - 1. */
    if (c->priority.valid) {
        if (c->priority.value == 0 || c->priority.value > 0x7FFFFFFFu)
            flag(c, ICECAND_PRIORITY_RANGE);
        if (c->component.valid &&
            icecand_priority_parts(c->priority.value).component != c->component.value)
            flag(c, ICECAND_PRIORITY_MISMATCH);
    }

    if (n < 7) {
        flag(c, ICECAND_TRUNCATED);
        return;
    }
    if (tok_ieq(buf, tok[6], "typ")) {
        if (n < 8) {
            flag(c, ICECAND_TRUNCATED);
            return;
        }
        read_type(c, buf, tok[7]);
        t->next_head = 8;
    } else {
        /* No "typ": read what follows as pairs anyway (raddr, rport, ...). */
        flag(c, ICECAND_BAD_TYPE);
        t->next_head = 6;
    }

    icecand_span_t name, val;
    while (next_token(t, &name)) {
        bool has_val = next_token(t, &val);
        if (!has_val) {
            val = after(name);
            flag(c, ICECAND_TRUNCATED);
        }
        if (tok_ieq(buf, name, "raddr") && c->raddr.span.length == 0) {
            if (has_val)
                read_addr(c, buf, val, &c->raddr, ICECAND_BAD_RADDR);
        } else if (tok_ieq(buf, name, "rport") && c->rport.span.length == 0) {
            if (has_val)
                read_port(c, buf, val, &c->rport, ICECAND_BAD_RPORT);
        } else if (tok_ieq(buf, name, "tcptype") && c->tcptype_span.length == 0) {
            if (has_val)
                read_tcptype(c, buf, val);
        } else {
            if (c->n_ext == ICECAND_MAX_EXTENSIONS) {
                flag(c, ICECAND_TOO_MANY);
                return;
            }
            c->ext[c->n_ext].name = name;
            c->ext[c->n_ext].value = val;
            c->n_ext++;
        }
    }
}

static void
parse_candidate(icecand_t *c, tokens_t *t, bool force_v19)
{
    icecand_span_t head[HEAD_TOKENS];
    unsigned n = 0;

    while (n < HEAD_TOKENS && next_token(t, &head[n]))
        n++;
    t->head = head;
    t->n_head = n;
    t->next_head = n;

    uint8_t version = force_v19 ? 19 : decide_version(t->buf, head, n);
    if (version == 19) {
        parse_v19(c, t, head, n);
    } else if (version == 6) {
        parse_v6(c, t->buf, head, n);
    } else {
        /* 0-2 tokens: foundation or username? Only the component is sure. */
        if (n > 1)
            read_component(c, t->buf, head[1], &c->component);
        flag(c, ICECAND_TRUNCATED);
    }
    t->head = NULL;
    t->n_head = t->next_head = 0;
}

/* ---- other attributes ------------------------------------------------- */

/* v6, after checks: a=remote-candidate:<username> [sipe] */
static void
parse_remote_candidate(icecand_t *c, tokens_t *t)
{
    icecand_span_t tok;
    if (!next_token(t, &tok)) {
        flag(c, ICECAND_TRUNCATED);
        return;
    }
    read_credential(c, t->buf, tok, &c->username);
    if (next_token(t, &tok))
        flag(c, ICECAND_EXTRA_TOKENS);
}

/* ICE-19 15.2: remote-candidate-att = "remote-candidates" ":" remote-candidate
 *   0*(SP remote-candidate); remote-candidate = component-ID SP
 *   connection-address SP port */
static void
parse_remote_candidates(icecand_t *c, tokens_t *t)
{
    icecand_span_t tok;
    const char *buf = t->buf;

    if (!next_token(t, &tok)) {
        flag(c, ICECAND_TRUNCATED);
        return;
    }
    do {
        if (c->n_remote == ICECAND_MAX_REMOTE) {
            flag(c, ICECAND_TOO_MANY);
            return;
        }
        icecand_remote_t *r = &c->remote[c->n_remote++];
        read_component(c, buf, tok, &r->component);
        if (!next_token(t, &tok)) {
            flag(c, ICECAND_TRUNCATED);
            return;
        }
        read_addr(c, buf, tok, &r->address, ICECAND_BAD_ADDRESS);
        if (!next_token(t, &tok)) {
            flag(c, ICECAND_TRUNCATED);
            return;
        }
        read_port(c, buf, tok, &r->port, ICECAND_BAD_PORT);
    } while (next_token(t, &tok));
}

/* ICE-19 15.4: ice-ufrag 4-256, ice-pwd 22-256 ice-chars. The value is the
 * whole rest of the line (a space inside is a bad character). */
static void
parse_credential_line(icecand_t *c, const char *buf, icecand_status_t bad_len, uint32_t min)
{
    uint32_t n = c->value.length;
    if (!all_ice_chars(buf + c->value.offset, n))
        flag(c, ICECAND_BAD_CREDENTIAL);
    if (n < min || n > ICECAND_CRED_MAX)
        flag(c, bad_len);
}

/*
 * [MS-SDPEXT] 3.1.5.36: the grammar is not in the spec text we have.
 * Observed: "a=x-candidate-info:<foundation> network-type=wlan". So: the
 * first token without '=' is the foundation; every other token is kept raw
 * as key=value (an item without '=' has an empty value).
 */
static void
parse_candidate_info(icecand_t *c, tokens_t *t)
{
    icecand_span_t tok;
    const char *buf = t->buf;
    bool first = true;

    while (next_token(t, &tok)) {
        const char *eq = memchr(buf + tok.offset, '=', tok.length);
        if (!eq && first) {
            c->foundation = tok;
            first = false;
            continue;
        }
        first = false;
        if (c->n_ext == ICECAND_MAX_EXTENSIONS) {
            flag(c, ICECAND_TOO_MANY);
            return;
        }
        icecand_ext_t *e = &c->ext[c->n_ext++];
        if (eq) {
            uint32_t k = (uint32_t)(eq - (buf + tok.offset));
            e->name.offset = tok.offset;
            e->name.length = k;
            e->value.offset = tok.offset + k + 1u;
            e->value.length = tok.length - k - 1u;
        } else {
            e->name = tok;
            e->value = after(tok);
        }
    }
    if (first)
        flag(c, ICECAND_TRUNCATED);
}

/* ICE-19 15.5: ice-options = "ice-options" ":" ice-option-tag
 *   0*(SP ice-option-tag). Not generated, ignored on receipt by MS
 *   [MS-SDPEXT 3.1.5.21.3]. */
static void
parse_options(icecand_t *c, tokens_t *t)
{
    icecand_span_t tok;
    bool any = false;

    flag(c, ICECAND_OPTIONS_IGNORED);
    while (next_token(t, &tok)) {
        any = true;
        if (c->n_ext == ICECAND_MAX_EXTENSIONS) {
            flag(c, ICECAND_TOO_MANY);
            return;
        }
        c->ext[c->n_ext].name = tok;
        c->ext[c->n_ext].value = after(tok);
        c->n_ext++;
    }
    if (!any)
        flag(c, ICECAND_TRUNCATED);
}

/* ---- entry point ------------------------------------------------------ */

icecand_status_t
icecand_parse(const char *buf, size_t len, icecand_t *out)
{
    size_t name_len = 0;
    bool has_colon = false;

    g_return_val_if_fail(out != NULL, ICECAND_NOT_ICE);
    if (buf == NULL)
        len = 0;

    icecand_kind_t kind = lookup_name(buf, len, &name_len, &has_colon);
    if (kind == ICECAND_KIND_NONE) {
        out->kind = ICECAND_KIND_NONE;
        out->status = ICECAND_NOT_ICE;
        out->problems = 1u << ICECAND_NOT_ICE;
        out->version = 0;
        return ICECAND_NOT_ICE;
    }

    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->status = ICECAND_OK;
    out->name.offset = 0;
    out->name.length = (uint32_t)name_len;
    out->value.offset = (uint32_t)name_len;
    if (len > ICECAND_MAX_LINE_LEN) {
        flag(out, ICECAND_TOO_LONG);
        return out->status;
    }
    if (!has_colon) {
        flag(out, ICECAND_TRUNCATED);
        return out->status;
    }

    uint32_t start = (uint32_t)name_len + 1u;
    uint32_t end = (uint32_t)len;
    while (end > start && (textscan_is_blank(buf[end - 1]) || buf[end - 1] == '\r' || buf[end - 1] == '\n'))
        end--;
    out->value.offset = start;
    out->value.length = end - start;

    tokens_t t = { buf, start, end, NULL, 0, 0 };
    switch (kind) {
    case ICECAND_KIND_CANDIDATE:
        parse_candidate(out, &t, false);
        break;
    case ICECAND_KIND_X_CANDIDATE_IPV6:
        /* [MS-SDPEXT 3.1.5.21.1]: exactly the a=candidate v19 syntax */
        parse_candidate(out, &t, true);
        break;
    case ICECAND_KIND_REMOTE_CANDIDATE:
        parse_remote_candidate(out, &t);
        break;
    case ICECAND_KIND_REMOTE_CANDIDATES:
        parse_remote_candidates(out, &t);
        break;
    case ICECAND_KIND_ICE_UFRAG:
        parse_credential_line(out, buf, ICECAND_UFRAG_LENGTH, ICECAND_UFRAG_MIN);
        break;
    case ICECAND_KIND_ICE_PWD:
        parse_credential_line(out, buf, ICECAND_PWD_LENGTH, ICECAND_PWD_MIN);
        break;
    case ICECAND_KIND_X_CANDIDATE_INFO:
        parse_candidate_info(out, &t);
        break;
    case ICECAND_KIND_ICE_OPTIONS:
        parse_options(out, &t);
        break;
    case ICECAND_KIND_NONE:
        break;
    }
    return out->status;
}

icecand_status_t
icecand_check_credentials(size_t ufrag_len, size_t pwd_len)
{
    /* [MS-SDPEXT] 3.1.5.21.5 */
    return (ufrag_len == 6 && pwd_len == 32) ? ICECAND_AMBIGUOUS_CREDENTIALS : ICECAND_OK;
}

/* ---- names ------------------------------------------------------------ */

const char *
icecand_kind_to_string(icecand_kind_t kind)
{
    switch (kind) {
    case ICECAND_KIND_NONE:              return "not ICE";
    case ICECAND_KIND_CANDIDATE:         return "candidate";
    case ICECAND_KIND_X_CANDIDATE_IPV6:  return "x-candidate-ipv6";
    case ICECAND_KIND_REMOTE_CANDIDATE:  return "remote-candidate";
    case ICECAND_KIND_REMOTE_CANDIDATES: return "remote-candidates";
    case ICECAND_KIND_ICE_UFRAG:         return "ice-ufrag";
    case ICECAND_KIND_ICE_PWD:           return "ice-pwd";
    case ICECAND_KIND_X_CANDIDATE_INFO:  return "x-candidate-info";
    case ICECAND_KIND_ICE_OPTIONS:       return "ice-options";
    }
    return "unknown";
}

const char *
icecand_type_to_string(icecand_type_t type)
{
    switch (type) {
    case ICECAND_TYPE_HOST:    return "host";
    case ICECAND_TYPE_SRFLX:   return "srflx";
    case ICECAND_TYPE_PRFLX:   return "prflx";
    case ICECAND_TYPE_RELAY:   return "relay";
    case ICECAND_TYPE_UNKNOWN: break;
    }
    return "unknown";
}

const char *
icecand_transport_to_string(icecand_transport_t transport)
{
    switch (transport) {
    case ICECAND_TRANSPORT_UDP:      return "UDP";
    case ICECAND_TRANSPORT_TCP:      return "TCP";
    case ICECAND_TRANSPORT_TCP_ACT:  return "TCP-ACT";
    case ICECAND_TRANSPORT_TCP_PASS: return "TCP-PASS";
    case ICECAND_TRANSPORT_UNKNOWN:  break;
    }
    return "unknown";
}

const char *
icecand_tcptype_to_string(icecand_tcptype_t tcptype)
{
    switch (tcptype) {
    case ICECAND_TCPTYPE_ACTIVE:  return "active";
    case ICECAND_TCPTYPE_PASSIVE: return "passive";
    case ICECAND_TCPTYPE_SO:      return "so";
    case ICECAND_TCPTYPE_ANY:     return "active or passive";
    case ICECAND_TCPTYPE_NONE:    break;
    }
    return "none";
}

const char *
icecand_scope_to_string(icecand_scope_t scope)
{
    switch (scope) {
    case ICECAND_SCOPE_PUBLIC:      return "public";
    case ICECAND_SCOPE_PRIVATE:     return "private";
    case ICECAND_SCOPE_CGNAT:       return "carrier-grade NAT (100.64/10)";
    case ICECAND_SCOPE_LINK_LOCAL:  return "link-local";
    case ICECAND_SCOPE_LOOPBACK:    return "loopback";
    case ICECAND_SCOPE_UNSPECIFIED: return "unspecified";
    case ICECAND_SCOPE_TEREDO:      return "Teredo (2001::/32)";
    case ICECAND_SCOPE_INVALID:     break;
    }
    return "not an address";
}

const char *
icecand_component_to_string(uint32_t component, char *buf, size_t size)
{
    if (component == 1)
        return "RTP";
    if (component == 2)
        return "RTCP";
    g_return_val_if_fail(buf != NULL && size > 0, "component");
    snprintf(buf, size, "component %" PRIu32, component);
    return buf;
}

icecand_tcptype_t
icecand_tcp_role(const icecand_t *c)
{
    g_return_val_if_fail(c != NULL, ICECAND_TCPTYPE_NONE);
    switch (c->transport) {
    case ICECAND_TRANSPORT_TCP_ACT:
        return ICECAND_TCPTYPE_ACTIVE;
    case ICECAND_TRANSPORT_TCP_PASS:
        return ICECAND_TCPTYPE_PASSIVE;
    case ICECAND_TRANSPORT_TCP:
        /* v6 TCP acts as both [sipe]; RFC 6544 TCP says which in tcptype. */
        return c->tcptype != ICECAND_TCPTYPE_NONE ? c->tcptype : ICECAND_TCPTYPE_ANY;
    case ICECAND_TRANSPORT_UDP:
    case ICECAND_TRANSPORT_UNKNOWN:
        break;
    }
    return ICECAND_TCPTYPE_NONE;
}
