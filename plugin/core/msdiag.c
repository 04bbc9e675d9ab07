/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msdiag.c - SIP headers that explain media failures. See msdiag.h.
 *
 * References: [MS-OCER] 2.2.1.1 / 2.2.1.2 (ms-diagnostics grammar),
 * RFC 3261 25.1 (token, quoted-string, quoted-pair, LWS),
 * shared/specs/sip-diagnostics.md (ms-client-diagnostics from real Lync
 * 2013 / SfB messages, the Lync Resource Kit ICEWarn table, the inferred
 * Location / FederationType numbers).
 *
 * The headers side by side:
 *
 *   header                     first token          parameters
 *   -------------------------  -------------------  -----------------------------------
 *   ms-client-diagnostics      code[.sub]           reason="" [CallerMediaDebug=""]
 *                                                    [CalleeMediaDebug=""] *generic
 *   ms-diagnostics             ErrorId[.SubCode]    reason="" source="" *generic (any order)
 *   ms-diagnostics-public      ErrorId[.SubCode]    reason="" *generic (no source)
 *   ms-endpoint-location-data  NetworkScope         ms-media-location-type=Intranet|Internet
 *   ms-subnet                  192.168.66.0         -
 *
 *   MediaDebug value: "<media>:<key>=<value>,<key>=<value>,..."
 *
 * Leniencies, each on purpose because real messages have them: white space
 * (including folded line ends) around ';', '=' and ','; empty items (",,");
 * empty values ("RemoteSite="); ICEWarn with or without "0x"; parameter
 * and key names in any case (ABNF literals are case-insensitive); parameter
 * values as token when not quoted (flagged NOT_QUOTED for reason, source
 * and MediaDebug).
 */
#include "msdiag.h"
#include "textscan.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

_Static_assert(MSDIAG_STATUS_COUNT <= 32, "msdiag_t.problems is a 32-bit set");
_Static_assert(MSDIAG_MAX_LEN <= UINT32_MAX, "spans are 32-bit");

/* ---- problems ----------------------------------------------------------- */

/* status.h orders the enum by severity: the most important problem is the
 * lowest value seen. */
static void
flag(msdiag_t *d, msdiag_status_t s)
{
    d->status = (msdiag_status_t)textscan_flag(&d->problems, d->status, MSDIAG_OK, s);
}

bool
msdiag_status_is_error(msdiag_status_t status)
{
    return status >= MSDIAG_EMPTY && status <= MSDIAG_BAD_SUBNET;
}

/* ---- characters --------------------------------------------------------- */

/* RFC 3261 LWS, folded line ends included. */
static inline bool
is_lws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* RFC 3261 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
static inline bool
is_token_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || textscan_is_digit(ch) ||
           (ch != '\0' && strchr("-.!%*_+`'~", ch) != NULL);
}

static msdiag_span_t
span(uint32_t start, uint32_t end)
{
    msdiag_span_t s = { start, end > start ? end - start : 0 };
    return s;
}

/* [*start, *end) without LWS at either side. */
static void
trim(const char *buf, uint32_t *start, uint32_t *end)
{
    while (*start < *end && is_lws(buf[*start]))
        (*start)++;
    while (*end > *start && is_lws(buf[*end - 1]))
        (*end)--;
}

static bool
span_ieq(const char *buf, msdiag_span_t s, const char *word)
{
    return textscan_ieq(buf + s.offset, s.length, word);
}

/* "ip:port", "[ipv6]:port" or "ipv6:port" (split at the last ':'; the IPv6
 * form is unconfirmed in MS traffic). */
static bool
parse_ip_port(const char *buf, msdiag_kv_t *kv)
{
    const char *s = buf + kv->value.offset;
    uint32_t n = kv->value.length;
    uint32_t host_start, host_end, port_start;

    if (s[0] == '[') {
        const char *rb = memchr(s, ']', n);
        if (!rb)
            return false;
        host_start = 1;
        host_end = (uint32_t)(rb - s);
        if (host_end + 1u >= n || s[host_end + 1u] != ':')
            return false;
        port_start = host_end + 2u;
    } else {
        uint32_t colon = n;
        for (uint32_t i = n; i > 0; i--) {
            if (s[i - 1] == ':') {
                colon = i - 1;
                break;
            }
        }
        if (colon == n)
            return false;
        host_start = 0;
        host_end = colon;
        port_start = colon + 1u;
    }
    uint8_t fam = textscan_ip(s + host_start, host_end - host_start, NULL);
    if (fam == 0 || (s[0] == '[' && fam != 6))
        return false;
    if (!textscan_port(s + port_start, n - port_start, &kv->num))
        return false;
    kv->family = fam;
    kv->host = span(kv->value.offset + host_start, kv->value.offset + host_end);
    return true;
}

/* ---- MediaDebug items --------------------------------------------------- */

static const struct {
    const char   *name;
    msdiag_key_t  kind;
} key_names[] = {
    { "ICEWarn",         MSDIAG_KEY_ICEWARN },
    { "LocalSite",       MSDIAG_KEY_LOCAL_SITE },
    { "RemoteSite",      MSDIAG_KEY_REMOTE_SITE },
    { "LocalMR",         MSDIAG_KEY_LOCAL_MR },
    { "RemoteMR",        MSDIAG_KEY_REMOTE_MR },
    { "BaseAddress",     MSDIAG_KEY_BASE_ADDRESS },
    { "LocalMRTCPPort",  MSDIAG_KEY_LOCAL_MR_TCP_PORT },
    { "RemoteMRTCPPort", MSDIAG_KEY_REMOTE_MR_TCP_PORT },
    { "PortRange",       MSDIAG_KEY_PORT_RANGE },
    { "LocalLocation",   MSDIAG_KEY_LOCAL_LOCATION },
    { "RemoteLocation",  MSDIAG_KEY_REMOTE_LOCATION },
    { "FederationType",  MSDIAG_KEY_FEDERATION_TYPE },
    { "Interfaces",      MSDIAG_KEY_INTERFACES },
    { "BaseInterface",   MSDIAG_KEY_BASE_INTERFACE },
    { "NetworkName",     MSDIAG_KEY_NETWORK_NAME },
};

static msdiag_key_t
key_kind(const char *buf, msdiag_span_t key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(key_names); i++) {
        if (span_ieq(buf, key, key_names[i].name))
            return key_names[i].kind;
    }
    return MSDIAG_KEY_OTHER;
}

/* Reads the value of a well-known key. An empty value is tolerated (seen in
 * real messages: "RemoteSite="): not valid, no problem flagged. */
static void
read_item_value(msdiag_t *d, const char *buf, msdiag_kv_t *kv)
{
    const char *s = buf + kv->value.offset;
    uint32_t n = kv->value.length;

    if (n == 0)
        return;
    switch (kv->kind) {
    case MSDIAG_KEY_ICEWARN:
        kv->valid = textscan_hex32(s, n, &kv->num);
        if (!kv->valid)
            flag(d, MSDIAG_BAD_ICEWARN);
        break;
    case MSDIAG_KEY_LOCAL_SITE:
    case MSDIAG_KEY_REMOTE_SITE:
    case MSDIAG_KEY_LOCAL_MR:
    case MSDIAG_KEY_REMOTE_MR:
    case MSDIAG_KEY_BASE_ADDRESS:
        kv->valid = parse_ip_port(buf, kv);
        if (!kv->valid) {
            kv->num = 0;
            flag(d, MSDIAG_BAD_ADDRESS);
        }
        break;
    case MSDIAG_KEY_LOCAL_MR_TCP_PORT:
    case MSDIAG_KEY_REMOTE_MR_TCP_PORT:
        kv->valid = textscan_port(s, n, &kv->num);
        if (!kv->valid)
            flag(d, MSDIAG_BAD_PORT);
        break;
    case MSDIAG_KEY_PORT_RANGE: {
        const char *colon = memchr(s, ':', n);
        uint32_t k = colon ? (uint32_t)(colon - s) : n;
        kv->valid = colon && textscan_port(s, k, &kv->num) && textscan_port(s + k + 1u, n - k - 1u, &kv->num2) &&
                    kv->num <= kv->num2;
        if (!kv->valid) {
            kv->num = kv->num2 = 0;
            flag(d, MSDIAG_BAD_PORT_RANGE);
        }
        break;
    }
    case MSDIAG_KEY_LOCAL_LOCATION:
    case MSDIAG_KEY_REMOTE_LOCATION:
    case MSDIAG_KEY_FEDERATION_TYPE:
        kv->valid = textscan_dec(s, n, 3, 255u, &kv->num);
        if (!kv->valid)
            flag(d, MSDIAG_BAD_NUMBER);
        break;
    case MSDIAG_KEY_INTERFACES:
    case MSDIAG_KEY_BASE_INTERFACE:
        kv->valid = textscan_hex32(s, n, &kv->num);
        if (!kv->valid)
            flag(d, MSDIAG_BAD_NUMBER);
        break;
    case MSDIAG_KEY_NETWORK_NAME:
    case MSDIAG_KEY_OTHER:
    case MSDIAG_KEY_COUNT:
        kv->valid = true;
        break;
    }
    if (!kv->valid)
        kv->num = kv->num2 = 0;
}

/*
 * "<media>:<key>=<value>,..." in [start, end) (the inside of the quotes).
 * The label ends at the first ':' unless a ',' or '=' comes first: then the
 * label is missing and the items start at once (ip:port values hold ':').
 */
static void
parse_media_debug(msdiag_t *d, const char *buf, uint32_t start, uint32_t end, msdiag_media_debug_t *md)
{
    md->icewarn_item = -1;
    trim(buf, &start, &end);
    md->value = span(start, end);

    uint32_t p = start;
    while (p < end && buf[p] != ':' && buf[p] != ',' && buf[p] != '=')
        p++;
    uint32_t items_start = start;
    if (p < end && buf[p] == ':') {
        uint32_t ms = start, me = p;
        trim(buf, &ms, &me);
        md->media = span(ms, me);
        items_start = p + 1u;
        if (md->media.length == 0)
            flag(d, MSDIAG_BAD_MEDIA_DEBUG);
    } else {
        md->media = span(start, start);
        flag(d, MSDIAG_BAD_MEDIA_DEBUG);
    }

    /* Items: each loop consumes at least the ',' ending the item. */
    p = items_start;
    while (p < end) {
        const char *comma = memchr(buf + p, ',', end - p);
        uint32_t ie = comma ? (uint32_t)(comma - buf) : end;
        uint32_t is = p;
        p = ie + 1u;
        trim(buf, &is, &ie);
        if (is == ie)
            continue;           /* ",," or ", ," or a trailing ',' */
        if (md->n_items == MSDIAG_MAX_ITEMS) {
            flag(d, MSDIAG_TOO_MANY_ITEMS);
            break;
        }
        msdiag_kv_t *kv = &md->items[md->n_items++];
        memset(kv, 0, sizeof(*kv));
        kv->item = span(is, ie);
        const char *eq = memchr(buf + is, '=', ie - is);
        uint32_t ke = eq ? (uint32_t)(eq - buf) : ie;
        uint32_t ks = is;
        trim(buf, &ks, &ke);
        kv->key = span(ks, ke);
        kv->has_eq = eq != NULL;
        if (eq) {
            uint32_t vs = (uint32_t)(eq - buf) + 1u, ve = ie;
            trim(buf, &vs, &ve);
            kv->value = span(vs, ve);
        } else {
            kv->value = span(ie, ie);
        }
        kv->kind = key_kind(buf, kv->key);
        read_item_value(d, buf, kv);
        if (kv->kind == MSDIAG_KEY_ICEWARN && kv->valid && md->icewarn_item < 0)
            md->icewarn_item = (int)(md->n_items - 1u);
    }
}

/* ---- parameters --------------------------------------------------------- */

/* One ";name[=value]" parameter, as found. */
typedef struct {
    msdiag_span_t param;        /* name to end of value */
    msdiag_span_t name;
    msdiag_span_t value;        /* unquoted */
    bool          has_value;
    bool          quoted;
    bool          escaped;      /* a quoted-pair inside */
} param_t;

/*
 * Reads one parameter at *pos (just after ';' and its LWS) up to the next
 * ';' outside quotes, or @end. Leaves *pos at that ';' or @end. Flags
 * BAD_PARAM for a missing name or junk after the value, UNTERMINATED_QUOTE
 * for a quoted-string without its closing quote.
 */
static void
read_param(msdiag_t *d, const char *buf, uint32_t *pos, uint32_t end, param_t *pr)
{
    uint32_t p = *pos;
    memset(pr, 0, sizeof(*pr));

    uint32_t ns = p;
    while (p < end && is_token_char(buf[p]))
        p++;
    pr->name = span(ns, p);
    if (p == ns)
        flag(d, MSDIAG_BAD_PARAM);
    uint32_t last = p;          /* end of the parameter so far */
    while (p < end && is_lws(buf[p]))
        p++;
    if (p < end && buf[p] == '=') {
        p++;
        pr->has_value = true;
        while (p < end && is_lws(buf[p]))
            p++;
        if (p < end && buf[p] == '"') {
            /* RFC 3261 25.1: quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE */
            uint32_t vs = ++p;
            bool closed = false;
            while (p < end) {
                if (buf[p] == '\\') {
                    pr->escaped = true;
                    p += (p + 1u < end) ? 2u : 1u;
                } else if (buf[p] == '"') {
                    closed = true;
                    break;
                } else {
                    p++;
                }
            }
            pr->quoted = true;
            pr->value = span(vs, p);
            if (closed) {
                p++;
            } else {
                flag(d, MSDIAG_UNTERMINATED_QUOTE);
            }
        } else {
            uint32_t vs = p;
            while (p < end && buf[p] != ';' && !is_lws(buf[p]))
                p++;
            pr->value = span(vs, p);
        }
        last = p;
    }
    while (p < end && is_lws(buf[p]))
        p++;
    if (p < end && buf[p] != ';') {
        /* Junk: skip to the next ';' outside quotes. */
        flag(d, MSDIAG_BAD_PARAM);
        bool in_quote = false;
        while (p < end && (in_quote || buf[p] != ';')) {
            if (buf[p] == '"')
                in_quote = !in_quote;
            else if (buf[p] == '\\' && in_quote && p + 1u < end)
                p++;
            p++;
        }
        last = p;
        while (last > ns && is_lws(buf[last - 1]))
            last--;
    }
    pr->param = span(ns, last);
    *pos = p;
}

static void
keep_param(msdiag_t *d, const param_t *pr)
{
    if (d->n_params == MSDIAG_MAX_PARAMS) {
        flag(d, MSDIAG_TOO_MANY_PARAMS);
        return;
    }
    msdiag_param_t *g = &d->params[d->n_params++];
    g->param = pr->param;
    g->name = pr->name;
    g->value = pr->value;
    g->quoted = pr->quoted;
}

/* reason= / source=: the first one counts. */
static void
take_text(msdiag_t *d, const param_t *pr, msdiag_span_t *whole, msdiag_span_t *text, bool *escaped)
{
    if (whole->length) {
        flag(d, MSDIAG_DUPLICATE_PARAM);
        return;
    }
    *whole = pr->param;
    *text = pr->value;
    *escaped = pr->escaped;
    if (!pr->quoted)
        flag(d, MSDIAG_NOT_QUOTED);
}

static void
take_media_debug(msdiag_t *d, const char *buf, const param_t *pr, msdiag_role_t role)
{
    for (unsigned i = 0; i < d->n_debug; i++) {
        if (d->debug[i].role == role) {
            flag(d, MSDIAG_DUPLICATE_PARAM);
            return;
        }
    }
    if (d->n_debug == MSDIAG_MAX_MEDIA_DEBUG) {
        flag(d, MSDIAG_DUPLICATE_PARAM);    /* cannot happen with two roles */
        return;
    }
    msdiag_media_debug_t *md = &d->debug[d->n_debug++];
    memset(md, 0, sizeof(*md));
    md->role = role;
    md->param = pr->param;
    if (!pr->quoted)
        flag(d, MSDIAG_NOT_QUOTED);
    parse_media_debug(d, buf, pr->value.offset, pr->value.offset + pr->value.length, md);
}

/*
 * The parameters after the first token, from @pos (at a ';' or @end).
 * Bounded by MSDIAG_MAX_PARAM_SCAN; every loop consumes the ';'.
 */
static void
parse_params(msdiag_t *d, const char *buf, uint32_t pos, uint32_t end)
{
    unsigned scanned = 0;
    while (pos < end) {
        if (buf[pos] != ';') {
            /* only after a first token with junk: skip to the ';' */
            flag(d, MSDIAG_BAD_PARAM);
            while (pos < end && buf[pos] != ';')
                pos++;
            continue;
        }
        pos++;
        while (pos < end && is_lws(buf[pos]))
            pos++;
        if (pos == end)
            break;              /* a trailing ';': tolerated */
        if (++scanned > MSDIAG_MAX_PARAM_SCAN) {
            flag(d, MSDIAG_TOO_MANY_PARAMS);
            return;
        }
        param_t pr;
        read_param(d, buf, &pos, end, &pr);
        if (pr.name.length == 0)
            continue;

        switch (d->header) {
        case MSDIAG_HDR_CLIENT_DIAGNOSTICS:
            if (span_ieq(buf, pr.name, "CalleeMediaDebug") && pr.has_value) {
                take_media_debug(d, buf, &pr, MSDIAG_ROLE_CALLEE);
                continue;
            }
            if (span_ieq(buf, pr.name, "CallerMediaDebug") && pr.has_value) {
                take_media_debug(d, buf, &pr, MSDIAG_ROLE_CALLER);
                continue;
            }
            /* fall through */
        case MSDIAG_HDR_DIAGNOSTICS:
        case MSDIAG_HDR_DIAGNOSTICS_PUBLIC:
            if (span_ieq(buf, pr.name, "reason") && pr.has_value) {
                take_text(d, &pr, &d->reason_param, &d->reason, &d->reason_escaped);
                continue;
            }
            if (span_ieq(buf, pr.name, "source") && pr.has_value) {
                take_text(d, &pr, &d->source_param, &d->source, &d->source_escaped);
                continue;
            }
            break;
        case MSDIAG_HDR_LOCATION:
            if (span_ieq(buf, pr.name, "ms-media-location-type") && pr.has_value) {
                if (d->location_span.length || d->location != MSDIAG_LOCATION_UNKNOWN) {
                    flag(d, MSDIAG_DUPLICATE_PARAM);
                    continue;
                }
                d->location_span = pr.value;
                if (span_ieq(buf, pr.value, "Intranet"))
                    d->location = MSDIAG_LOCATION_INTRANET;
                else if (span_ieq(buf, pr.value, "Internet"))
                    d->location = MSDIAG_LOCATION_INTERNET;
                continue;
            }
            break;
        case MSDIAG_HDR_SUBNET:
        case MSDIAG_HDR_UNKNOWN:
            break;
        }
        keep_param(d, &pr);
    }
}

/* ---- the headers -------------------------------------------------------- */

/* "<ErrorId>[.<SubCode>]" then parameters. */
static void
parse_diagnostics(msdiag_t *d, const char *buf, uint32_t start, uint32_t end)
{
    uint32_t p = start;
    while (p < end && buf[p] != ';' && !is_lws(buf[p]))
        p++;
    d->code_span = span(start, p);
    const char *dot = p > start ? memchr(buf + start, '.', p - start) : NULL;
    uint32_t ce = dot ? (uint32_t)(dot - buf) : p;
    if (dot) {
        d->code_span = span(start, ce);
        d->subcode_span = span(ce + 1u, p);
        d->has_subcode = textscan_dec(buf + ce + 1u, p - ce - 1u, 10, UINT32_MAX, &d->subcode);
        if (!d->has_subcode)
            flag(d, MSDIAG_BAD_SUBCODE);
    }
    d->has_code = textscan_dec(buf + start, ce - start, 10, UINT32_MAX, &d->code);
    if (!d->has_code)
        flag(d, MSDIAG_BAD_CODE);

    while (p < end && is_lws(buf[p]))
        p++;
    parse_params(d, buf, p, end);

    if (d->reason_param.length == 0)
        flag(d, MSDIAG_MISSING_REASON);
    if (d->header == MSDIAG_HDR_DIAGNOSTICS && d->source_param.length == 0)
        flag(d, MSDIAG_MISSING_SOURCE);
}

/* "NetworkScope;ms-media-location-type=Intranet" */
static void
parse_location(msdiag_t *d, const char *buf, uint32_t start, uint32_t end)
{
    uint32_t p = start;
    while (p < end && buf[p] != ';' && !is_lws(buf[p]))
        p++;
    d->scope = span(start, p);
    while (p < end && is_lws(buf[p]))
        p++;
    parse_params(d, buf, p, end);
    if (d->location == MSDIAG_LOCATION_UNKNOWN)
        flag(d, MSDIAG_UNKNOWN_LOCATION);
}

static void
parse_subnet(msdiag_t *d, const char *buf, uint32_t start, uint32_t end)
{
    d->subnet = span(start, end);
    d->subnet_family = textscan_ip(buf + start, end - start, NULL);
    if (d->subnet_family == 0)
        flag(d, MSDIAG_BAD_SUBNET);
}

/* ---- entry points ------------------------------------------------------- */

static const struct {
    const char      *name;
    msdiag_header_t  header;
} header_names[] = {
    { "ms-client-diagnostics",     MSDIAG_HDR_CLIENT_DIAGNOSTICS },
    { "ms-diagnostics",            MSDIAG_HDR_DIAGNOSTICS },
    { "ms-diagnostics-public",     MSDIAG_HDR_DIAGNOSTICS_PUBLIC },
    { "ms-endpoint-location-data", MSDIAG_HDR_LOCATION },
    { "ms-subnet",                 MSDIAG_HDR_SUBNET },
};

msdiag_header_t
msdiag_header_from_name(const char *name, size_t len)
{
    if (name == NULL)
        return MSDIAG_HDR_UNKNOWN;
    for (size_t i = 0; i < G_N_ELEMENTS(header_names); i++) {
        size_t n = strlen(header_names[i].name);
        if (len == n && g_ascii_strncasecmp(name, header_names[i].name, n) == 0)
            return header_names[i].header;
    }
    return MSDIAG_HDR_UNKNOWN;
}

msdiag_status_t
msdiag_parse(msdiag_header_t header, const char *buf, size_t len, msdiag_t *out)
{
    g_return_val_if_fail(out != NULL, MSDIAG_EMPTY);
    memset(out, 0, sizeof(*out));
    out->header = header;
    out->status = MSDIAG_OK;
    if (buf == NULL)
        len = 0;
    if (len > MSDIAG_MAX_LEN) {
        flag(out, MSDIAG_TOO_LONG);
        return out->status;
    }
    uint32_t start = 0, end = (uint32_t)len;
    trim(buf, &start, &end);
    out->value = span(start, end);
    if (start == end) {
        flag(out, MSDIAG_EMPTY);
        return out->status;
    }

    switch (header) {
    case MSDIAG_HDR_CLIENT_DIAGNOSTICS:
    case MSDIAG_HDR_DIAGNOSTICS:
    case MSDIAG_HDR_DIAGNOSTICS_PUBLIC:
        parse_diagnostics(out, buf, start, end);
        break;
    case MSDIAG_HDR_LOCATION:
        parse_location(out, buf, start, end);
        break;
    case MSDIAG_HDR_SUBNET:
        parse_subnet(out, buf, start, end);
        break;
    case MSDIAG_HDR_UNKNOWN:
        break;
    }
    return out->status;
}

const msdiag_media_debug_t *
msdiag_first_icewarn(const msdiag_t *d)
{
    g_return_val_if_fail(d != NULL, NULL);
    for (unsigned i = 0; i < d->n_debug && i < MSDIAG_MAX_MEDIA_DEBUG; i++) {
        if (d->debug[i].icewarn_item >= 0)
            return &d->debug[i];
    }
    return NULL;
}

bool
msdiag_is_media_failure(const msdiag_t *d)
{
    g_return_val_if_fail(d != NULL, false);
    /* sip-diagnostics.md 2: 23 "... one endpoint is internal and the other
     * is remote", 24 "... both endpoints are remote". */
    return d->header == MSDIAG_HDR_CLIENT_DIAGNOSTICS && d->has_code && (d->code == 23 || d->code == 24);
}

size_t
msdiag_unescape(const char *src, size_t len, char *dst)
{
    size_t o = 0;
    g_return_val_if_fail(dst != NULL, 0);
    for (size_t i = 0; src != NULL && i < len; i++) {
        char ch = src[i];
        if (ch == '\\' && i + 1 < len)
            ch = src[++i];
        dst[o++] = ch == '\0' ? '?' : ch;
    }
    dst[o] = '\0';
    return o;
}

/* ---- ICEWarn ------------------------------------------------------------ */

/* Lync Resource Kit table (sip-diagnostics.md 3.1). NOT the [MS-QoE]
 * IceWarningFlags numbering, which is different. */
const msdiag_icewarn_bit_t msdiag_icewarn_bits[MSDIAG_ICEWARN_N_BITS] = {
    { 0x001u, "turn_unreachable", "TURN server unreachable" },
    { 0x002u, "udp_alloc_failed", "UDP allocation on TURN failed" },
    { 0x004u, "udp_send_failed",  "UDP send to TURN failed" },
    { 0x008u, "tcp_alloc_failed", "TCP allocation on TURN failed" },
    { 0x010u, "tcp_send_failed",  "TCP send to TURN failed" },
    { 0x020u, "local_failed",     "local (direct) connectivity failed" },
    { 0x040u, "udp_nat_failed",   "UDP NAT (reflexive) connectivity failed" },
    { 0x080u, "udp_turn_failed",  "UDP TURN (relay) connectivity failed" },
    { 0x100u, "tcp_nat_failed",   "TCP NAT connectivity failed" },
    { 0x200u, "tcp_turn_failed",  "TCP TURN connectivity failed" },
};

const char *
msdiag_icewarn_bit_name(uint32_t bit)
{
    for (unsigned i = 0; i < MSDIAG_ICEWARN_N_BITS; i++) {
        if (msdiag_icewarn_bits[i].bit == bit)
            return msdiag_icewarn_bits[i].name;
    }
    return NULL;
}

const char *
msdiag_icewarn_describe(uint32_t icewarn, char *buf, size_t size)
{
    g_return_val_if_fail(buf != NULL, "");
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (icewarn == 0) {
        g_strlcpy(buf, "none", size);
        return buf;
    }
    for (unsigned i = 0; i < MSDIAG_ICEWARN_N_BITS; i++) {
        if (icewarn & msdiag_icewarn_bits[i].bit) {
            if (buf[0])
                g_strlcat(buf, ", ", size);
            g_strlcat(buf, msdiag_icewarn_bits[i].name, size);
        }
    }
    uint32_t unknown = icewarn & ~MSDIAG_ICEWARN_KNOWN_MASK;
    if (unknown) {
        char hex[40];
        snprintf(hex, sizeof(hex), "%sunknown bits 0x%" PRIx32, buf[0] ? ", " : "", unknown);
        g_strlcat(buf, hex, size);
    }
    return buf;
}

/* ---- names -------------------------------------------------------------- */

const char *
msdiag_header_to_string(msdiag_header_t header)
{
    for (size_t i = 0; i < G_N_ELEMENTS(header_names); i++) {
        if (header_names[i].header == header)
            return header_names[i].name;
    }
    return "unknown";
}

const char *
msdiag_key_to_string(msdiag_key_t key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(key_names); i++) {
        if (key_names[i].kind == key)
            return key_names[i].name;
    }
    return "other";
}

const char *
msdiag_role_to_string(msdiag_role_t role)
{
    switch (role) {
    case MSDIAG_ROLE_CALLER: return "caller";
    case MSDIAG_ROLE_CALLEE: return "callee";
    }
    return "unknown";
}

const char *
msdiag_location_to_string(uint32_t location)
{
    switch (location) {
    case MSDIAG_LOCATION_INTERNET: return "Internet";
    case MSDIAG_LOCATION_INTRANET: return "Intranet";
    default: break;
    }
    return "unknown";
}

const char *
msdiag_federation_to_string(uint32_t federation)
{
    switch (federation) {
    case 0: return "none";
    case 1: return "enterprise federation";
    case 2: return "public-cloud federation";
    default: break;
    }
    return "unknown";
}
