/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipscan.c - the SIP message around a body or a header value. See
 * sipscan.h.
 *
 * References: RFC 3261 7.1 (Request-Line), 7.2 (Status-Line), 7.3.3
 * (compact forms i, f, t), 20.10 / 20.20 / 20.39 (Call-ID, From, To);
 * [MS-SIPRE] 2.2.14 (multipart/alternative with ms-proxy-2007fallback).
 *
 * Leniencies, each on purpose: header names in any case and with blanks
 * before the colon; line ends LF or CRLF; the start line matched from its
 * end (transport bytes may stand in front of the first line of a segment).
 */
#include "sipscan.h"
#include "textscan.h"

#include <string.h>

#include <glib.h>

_Static_assert(SIPSCAN_STATUS_COUNT <= 32, "sipscan_context_t.problems is a 32-bit set");

/* Methods recognised at the end of a run of capitals (RFC 3261 and the
 * extensions Lync/SfB use, [MS-SIPRE]). */
static const char *const sip_methods[] = {
    "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "BENOTIFY",
    "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE", "SERVICE", "NEGOTIATE",
};

static void
flag(sipscan_context_t *c, sipscan_status_t s)
{
    c->status = (sipscan_status_t)textscan_flag(&c->problems, c->status, SIPSCAN_OK, s);
}

static sipscan_span_t
span(size_t from, size_t to)
{
    sipscan_span_t s = { (uint32_t)from, to > from ? (uint32_t)(to - from) : 0 };
    return s;
}

/* [from, to) cut at its first NUL: what a C string copy of it holds. */
static sipscan_span_t
c_span(const char *w, size_t from, size_t to)
{
    const char *nul = to > from ? memchr(w + from, '\0', to - from) : NULL;
    return span(from, nul ? (size_t)(nul - w) : to);
}

/* Finds @needle in [hay, hay + len), NUL bytes included. */
static const char *
find_bytes(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) {
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
            return hay + i;
    }
    return NULL;
}

/* Text lines only: header lines never hold control bytes (HTAB aside). */
static bool
line_is_text(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return false;
    }
    return true;
}

bool
sipscan_start_line(const char *line, size_t len, sipscan_span_t *message)
{
    size_t i = 0;
    if (line == NULL || message == NULL)
        return false;
    while (i < len && (g_ascii_isalnum(line[i]) || line[i] == '-' || line[i] == '_' || line[i] == '.'))
        i++;
    if (i > 0 && i < len && line[i] == ':')
        return false;             /* "Name:": a header */

    /* RFC 3261 7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase */
    const char *status = find_bytes(line, len, "SIP/2.0 ");
    if (status && (size_t)(status - line) + 11 <= len && g_ascii_isdigit(status[8]) &&
        g_ascii_isdigit(status[9]) && g_ascii_isdigit(status[10]) &&
        ((size_t)(status - line) + 11 == len || status[11] == ' ')) {
        size_t at = (size_t)(status - line) + 8;
        *message = span(at, at + 3);
        return true;
    }
    /* RFC 3261 7.1: Request-Line = Method SP Request-URI SP SIP-Version */
    if (len <= 8 || g_ascii_strncasecmp(line + len - 8, " SIP/2.0", 8) != 0)
        return false;
    size_t e = len - 8;
    while (e > 0 && line[e - 1] != ' ')
        e--;                      /* start of the Request-URI */
    if (e < 2)
        return false;
    size_t me = e - 1, ms = me;   /* the method ends at the space before the URI */
    while (ms > 0 && g_ascii_isupper(line[ms - 1]))
        ms--;
    if (ms == me)
        return false;
    /* A transport header byte may pass for a capital ('E' = IPv4 0x45):
     * prefer the longest known method the run ends with. */
    size_t best = 0;
    for (size_t k = 0; k < G_N_ELEMENTS(sip_methods); k++) {
        size_t n = strlen(sip_methods[k]);
        if (n <= me - ms && n > best && memcmp(line + me - n, sip_methods[k], n) == 0)
            best = n;
    }
    if (best)
        ms = me - best;
    *message = span(ms, me);
    return true;
}

/*
 * "Name: value" where Name is @name or the compact @compact (any case,
 * white space allowed before the colon). Returns the offset of the value
 * in the line (after the colon and white space), or 0 when the line is not
 * that header.
 */
static size_t
header_is(const char *line, size_t len, const char *name, const char *compact)
{
    size_t i = 0;
    while (i < len && line[i] != ':' && line[i] != ' ' && line[i] != '\t')
        i++;
    size_t n = i;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= len || line[i] != ':' || n == 0)
        return 0;
    if (!((n == strlen(name) && g_ascii_strncasecmp(line, name, n) == 0) ||
          (n == strlen(compact) && g_ascii_strncasecmp(line, compact, n) == 0)))
        return 0;
    i++;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i;
}

/* The value of the header line at w[ls, ls + len) from its offset @voff:
 * trailing blanks trimmed, cut at a NUL. */
static sipscan_span_t
header_value(const char *w, size_t ls, size_t len, size_t voff)
{
    size_t e = len;
    while (e > voff && (w[ls + e - 1] == ' ' || w[ls + e - 1] == '\t'))
        e--;
    return c_span(w, ls + voff, ls + e);
}

/* The URI of a From:/To: value: inside <...>, else up to ';'. */
static sipscan_span_t
header_uri(const char *w, size_t ls, size_t len, size_t voff)
{
    sipscan_span_t v = header_value(w, ls, len, voff);
    const char *s = w + v.offset;
    const char *lt = memchr(s, '<', v.length);
    if (lt) {
        size_t from = (size_t)(lt - w) + 1;
        const char *gt = memchr(lt, '>', v.length - (size_t)(lt - s));
        return span(from, gt ? (size_t)(gt - w) : v.offset + v.length);
    }
    const char *semi = memchr(s, ';', v.length);
    return semi ? span(v.offset, (size_t)(semi - w)) : v;
}

/* The tag parameter of a From:/To: value (RFC 3261 20.20, 20.39): after the
 * '>' of a name-addr, else among the parameters after the URI. FALSE: none
 * (or an empty one, which ends the search). */
static bool
header_tag(const char *w, size_t ls, size_t len, size_t voff, sipscan_span_t *tag)
{
    sipscan_span_t v = header_value(w, ls, len, voff);
    const char *s = w + v.offset, *end = s + v.length;
    const char *gt = memchr(s, '>', v.length);
    const char *p = gt ? gt + 1 : s;
    while ((p = memchr(p, ';', (size_t)(end - p))) != NULL) {
        p++;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if ((size_t)(end - p) < 3 || g_ascii_strncasecmp(p, "tag", 3) != 0)
            continue;
        const char *q = p + 3;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q == end || *q != '=')
            continue;
        q++;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        size_t n = 0;
        while (q + n < end && q[n] != ';' && q[n] != ' ' && q[n] != '\t' && q[n] != ',')
            n++;
        if (n == 0)
            return false;
        *tag = span((size_t)(q - w), (size_t)(q - w) + n);
        return true;
    }
    return false;
}

/* "CSeq: 1 INVITE" (RFC 3261 20.16): a 32-bit number, blanks, a method of
 * letters, nothing after. FALSE when the value is not that. */
static bool
header_cseq(const char *w, size_t ls, size_t len, size_t voff, sipscan_context_t *c)
{
    sipscan_span_t v = header_value(w, ls, len, voff);
    const char *s = w + v.offset, *end = s + v.length;
    const char *p = s;
    while (p < end && textscan_is_digit(*p))
        p++;
    uint64_t n;
    if (!textscan_dec64(s, (size_t)(p - s), UINT32_MAX, &n) || p == end || !textscan_is_blank(*p))
        return false;
    while (p < end && textscan_is_blank(*p))
        p++;
    size_t m = 0;
    while (p + m < end && g_ascii_isalpha(p[m]))
        m++;
    if (m == 0 || p + m != end)
        return false;
    c->has_cseq = true;
    c->cseq = (uint32_t)n;
    c->cseq_method = span((size_t)(p - w), (size_t)(p - w) + m);
    return true;
}

/*
 * The line that ends at @end in the window ([0, @end), @end at a '\n' or
 * the end of the window): sets *start to its first byte and returns its
 * length without the line end.
 */
static size_t
line_before(const char *w, size_t end, size_t *start)
{
    size_t ls = end;
    while (ls > 0 && w[ls - 1] != '\n')
        ls--;
    size_t e = end;
    while (e > ls && (w[e - 1] == '\r' || w[e - 1] == '\n'))
        e--;
    *start = ls;
    return e - ls;
}

/* Call-ID, From, To and CSeq of the header line w[ls, ls + len) (the first
 * of each wins). */
static void
context_header(const char *w, size_t ls, size_t len, sipscan_context_t *c)
{
    const char *line = w + ls;
    size_t v;
    if (len == 0 || line[0] == ' ' || line[0] == '\t')
        return;                   /* a folded continuation */
    if (!c->has_call_id && (v = header_is(line, len, "Call-ID", "i")) != 0) {
        c->has_call_id = true;
        c->call_id = header_value(w, ls, len, v);
    } else if (!c->has_from && (v = header_is(line, len, "From", "f")) != 0) {
        c->has_from = true;
        c->from_uri = header_uri(w, ls, len, v);
        c->has_from_tag = header_tag(w, ls, len, v, &c->from_tag);
    } else if (!c->has_to && (v = header_is(line, len, "To", "t")) != 0) {
        c->has_to = true;
        c->to_uri = header_uri(w, ls, len, v);
        c->has_to_tag = header_tag(w, ls, len, v, &c->to_tag);
    } else if (!c->has_cseq && (v = header_is(line, len, "CSeq", "")) != 0) {
        header_cseq(w, ls, len, v, c);
    }
}

/* The start line at w[ls, ls + len)? Records its message. */
static bool
context_start_line(const char *w, size_t ls, size_t len, sipscan_context_t *c)
{
    sipscan_span_t m;
    if (!sipscan_start_line(w + ls, len, &m))
        return false;
    c->has_message = true;
    c->message = span(ls + m.offset, ls + m.offset + m.length);
    return true;
}

/* Clears *c and checks the window (and the value's place in it): FALSE,
 * with the problem flagged, when the window is not to be scanned. */
static bool
context_init(sipscan_context_t *c, const char *w, size_t wlen, size_t value_off, size_t value_len)
{
    memset(c, 0, sizeof(*c));
    c->status = SIPSCAN_OK;
    if (wlen > SIPSCAN_MAX_WINDOW) {
        flag(c, SIPSCAN_TOO_LARGE);
        return false;
    }
    if ((w == NULL && wlen > 0) || value_off > wlen || value_len > wlen - value_off) {
        flag(c, SIPSCAN_BAD_RANGE);
        return false;
    }
    return true;
}

sipscan_status_t
sipscan_context_of_header(const char *w, size_t wlen, size_t value_off, size_t value_len, sipscan_context_t *out)
{
    if (out == NULL)
        return SIPSCAN_BAD_RANGE;
    if (!context_init(out, w, wlen, value_off, value_len))
        return out->status;

    /* Backwards, from the line holding the header name. [ls, ls + len) is
     * one line without its line end. */
    bool started = false;
    size_t ls = value_off;
    while (ls > 0 && w[ls - 1] != '\n')
        ls--;
    while (ls > 0) {
        size_t len = line_before(w, ls - 1, &ls);   /* ls - 1: the '\n' ending the line above */
        if (context_start_line(w, ls, len, out)) {
            started = true;
            break;
        }
        if (len == 0 || !line_is_text(w + ls, len))
            break;
        context_header(w, ls, len, out);
    }
    if (!started)
        flag(out, SIPSCAN_NO_START_LINE);

    /* Forwards, from the line after the end of the value (folded lines are
     * part of the value). */
    bool ended = false;
    size_t p = value_off + value_len;
    while (p < wlen && w[p] != '\n')
        p++;
    p++;
    while (p < wlen) {
        size_t le = p;
        while (le < wlen && w[le] != '\n')
            le++;
        size_t e = le;
        while (e > p && w[e - 1] == '\r')
            e--;
        size_t len = e - p;
        if (len == 0 || !line_is_text(w + p, len)) {
            ended = true;         /* the blank line (or bytes that are no header) */
            break;
        }
        if (le == wlen)
            break;                /* a line cut by the end of the window */
        context_header(w, p, len, out);
        p = le + 1;
    }
    if (!ended)
        flag(out, SIPSCAN_NO_HEADER_END);
    if (!out->has_call_id)
        flag(out, SIPSCAN_NO_CALL_ID);
    return out->status;
}

sipscan_status_t
sipscan_context_of_body(const char *w, size_t wlen, sipscan_context_t *out)
{
    if (out == NULL)
        return SIPSCAN_BAD_RANGE;
    if (!context_init(out, w, wlen, wlen, 0))     /* the body starts at the window's end */
        return out->status;
    bool in_part = true;          /* until a boundary line or the SIP headers */
    bool started = false;
    size_t le = wlen;
    while (le > 0) {
        size_t ls;
        size_t len = line_before(w, le, &ls);
        const char *line = w + ls;
        size_t v;
        if (in_part && len >= 2 && line[0] == '-' && line[1] == '-') {
            in_part = false;      /* the boundary above this body's part headers */
        } else if (in_part && (v = header_is(line, len, "Content-Disposition", "")) != 0) {
            if (g_strstr_len(line + v, (gssize)(len - v), "ms-proxy-2007fallback"))
                out->fallback = true;
        } else if (context_start_line(w, ls, len, out)) {
            started = true;
            break;                /* the top of this message */
        } else {
            bool had_call_id = out->has_call_id;
            context_header(w, ls, len, out);
            if (!had_call_id && out->has_call_id)
                in_part = false;
        }
        if (ls == 0)
            break;
        le = ls - 1;
    }
    if (!out->has_call_id)
        out->fallback = out->fallback && !in_part;
    if (!started)
        flag(out, SIPSCAN_NO_START_LINE);
    if (!out->has_call_id)
        flag(out, SIPSCAN_NO_CALL_ID);
    return out->status;
}
