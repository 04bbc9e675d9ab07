/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xmlspan.c - byte spans of elements, attribute values and text in an XML
 * body. See xmlspan.h.
 *
 * References: XML 1.0 (5th ed.) 2.3 (S = SP / HTAB / CR / LF), 3.1 (start
 * tags, end tags, empty-element tags, attribute values in '"' or '''),
 * Namespaces in XML 1.0 3 (QName = Prefix ':' LocalPart).
 *
 * What the search assumes, each on purpose: a '<' followed by '/', '?' or
 * '!' starts no element (close tags, PIs, comments, CDATA, DOCTYPE); a '>'
 * inside a quoted attribute value does not end a tag; the first close tag
 * with the element's local name ends it. The text inside a comment or a
 * CDATA section is still searched, so a tag written there can be taken for
 * an element: mras.c knows the document's real structure, this only places
 * its values on bytes (at worst on the wrong occurrence, never outside the
 * range).
 */
#include "xmlspan.h"

#include <string.h>

/* ---- bytes ---------------------------------------------------------------- */

static bool
is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_name_end(uint8_t c)
{
    return is_space(c) || c == '>' || c == '/' || c == '=';
}

/* First occurrence of @needle in p[from, to), or @to. */
static uint32_t
find_bytes(const uint8_t *p, uint32_t from, uint32_t to, const char *needle, size_t nlen)
{
    if (nlen == 0 || from >= to || to - from < nlen)
        return to;
    for (uint32_t i = from; i + nlen <= to; i++) {
        const uint8_t *hit = memchr(p + i, (unsigned char)needle[0], to - nlen + 1 - i);
        if (!hit)
            return to;
        i = (uint32_t)(hit - p);
        if (memcmp(hit, needle, nlen) == 0)
            return i;
    }
    return to;
}

/* Does the name at p[off, end) have local name @local (prefix ignored)? */
static bool
name_matches(const uint8_t *p, uint32_t off, uint32_t end, const char *local)
{
    uint32_t start = off;
    for (uint32_t i = off; i < end; i++) {
        if (p[i] == ':')
            start = i + 1;
    }
    size_t n = strlen(local);
    return end - start == n && memcmp(p + start, local, n) == 0;
}

/* Index of the '>' closing the tag that starts at @off (quotes honoured), or @to. */
static uint32_t
tag_end(const uint8_t *p, uint32_t off, uint32_t to)
{
    uint8_t quote = 0;
    for (uint32_t i = off; i < to; i++) {
        uint8_t c = p[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i;
        }
    }
    return to;
}

/* The range is inside the buffer, and the buffer is searchable. */
static xmlspan_status_t
check_range(const uint8_t *buf, size_t len, xmlspan_span_t r)
{
    if (len > XMLSPAN_MAX_LEN)
        return XMLSPAN_TOO_LARGE;
    if ((buf == NULL && len > 0) || (uint64_t)r.offset + r.length > len)
        return XMLSPAN_BAD_RANGE;
    return XMLSPAN_OK;
}

/* ---- elements ------------------------------------------------------------- */

/* The close tag "</" name '>' with local name @local after the start tag
 * ending at @gt, in (gt, to). */
static xmlspan_status_t
close_element(const uint8_t *p, uint32_t start, uint32_t gt, uint32_t to, const char *local, xmlspan_elem_t *el)
{
    uint32_t j = gt + 1u;
    while (j < to) {
        j = find_bytes(p, j, to, "</", 2);
        if (j >= to)
            break;
        uint32_t cs = j + 2u, ce = cs;
        while (ce < to && !is_name_end(p[ce]))
            ce++;
        if (name_matches(p, cs, ce, local)) {
            uint32_t cgt = tag_end(p, ce, to);
            el->content = xmlspan_span_make(gt + 1u, j);
            el->all = xmlspan_span_make(start, cgt < to ? cgt + 1u : to);
            return cgt < to ? XMLSPAN_OK : XMLSPAN_UNCLOSED_ELEMENT;
        }
        j = ce;
    }
    /* Not closed (a truncated body): runs to the end. */
    el->content = xmlspan_span_make(gt + 1u, to);
    el->all = xmlspan_span_make(start, to);
    return XMLSPAN_UNCLOSED_ELEMENT;
}

xmlspan_status_t
xmlspan_find_element(const uint8_t *buf, size_t len, xmlspan_span_t range, const char *local,
                     xmlspan_elem_t *el)
{
    xmlspan_status_t st = check_range(buf, len, range);
    if (st != XMLSPAN_OK || local == NULL || el == NULL)
        return st != XMLSPAN_OK ? st : XMLSPAN_NOT_FOUND;
    uint32_t to = range.offset + range.length;
    uint32_t i = range.offset;
    while (i < to) {
        i = find_bytes(buf, i, to, "<", 1);
        if (i >= to)
            return XMLSPAN_NOT_FOUND;
        uint32_t ns = i + 1u;
        if (ns >= to || buf[ns] == '/' || buf[ns] == '?' || buf[ns] == '!') {
            i = ns;
            continue;
        }
        uint32_t ne = ns;
        while (ne < to && !is_name_end(buf[ne]))
            ne++;
        if (!name_matches(buf, ns, ne, local)) {
            i = ne;
            continue;
        }
        uint32_t gt = tag_end(buf, ne, to);
        el->stag = xmlspan_span_make(i, gt < to ? gt + 1u : to);
        if (gt >= to) {
            el->content = xmlspan_span_make(to, to);
            el->all = xmlspan_span_make(i, to);
            return XMLSPAN_UNCLOSED_TAG;
        }
        if (buf[gt - 1u] == '/') {   /* <x/> */
            el->content = xmlspan_span_make(gt + 1u, gt + 1u);
            el->all = el->stag;
            return XMLSPAN_OK;
        }
        return close_element(buf, i, gt, to, local, el);
    }
    return XMLSPAN_NOT_FOUND;
}

/* ---- attributes ----------------------------------------------------------- */

xmlspan_status_t
xmlspan_attr(const uint8_t *buf, size_t len, xmlspan_span_t stag, const char *name, xmlspan_span_t *out)
{
    xmlspan_status_t st = check_range(buf, len, stag);
    if (st != XMLSPAN_OK || name == NULL || out == NULL)
        return st != XMLSPAN_OK ? st : XMLSPAN_NOT_FOUND;
    size_t n = strlen(name);
    uint32_t to = stag.offset + stag.length;
    uint32_t i = stag.offset + 1u;
    while (i < to) {
        i = find_bytes(buf, i, to, name, n);
        if (i >= to)
            break;
        uint32_t after = i + (uint32_t)n;
        /* a whole name: after white space or a prefix, before '=' or white space */
        bool start_ok = i > stag.offset && (is_space(buf[i - 1u]) || buf[i - 1u] == ':');
        if (start_ok && after < to && (is_space(buf[after]) || buf[after] == '=')) {
            uint32_t k = after;
            while (k < to && is_space(buf[k]))
                k++;
            if (k < to && buf[k] == '=') {
                k++;
                while (k < to && is_space(buf[k]))
                    k++;
                if (k < to && (buf[k] == '"' || buf[k] == '\'')) {
                    uint8_t q = buf[k];
                    uint32_t v = k + 1u, e = v;
                    while (e < to && buf[e] != q)
                        e++;
                    *out = xmlspan_span_make(v, e);
                    return e < to ? XMLSPAN_OK : XMLSPAN_UNCLOSED_VALUE;
                }
            }
        }
        i = after;
    }
    return XMLSPAN_NOT_FOUND;
}

/* ---- text ----------------------------------------------------------------- */

xmlspan_status_t
xmlspan_text(const uint8_t *buf, size_t len, xmlspan_span_t content, const char *value, xmlspan_span_t *out)
{
    xmlspan_status_t st = check_range(buf, len, content);
    if (out == NULL)
        return XMLSPAN_NOT_FOUND;
    *out = content;
    if (st != XMLSPAN_OK)
        return st;
    uint32_t to = content.offset + content.length;
    if (value && value[0]) {
        size_t vlen = strlen(value);
        uint32_t at = find_bytes(buf, content.offset, to, value, vlen);
        if (at < to) {
            *out = xmlspan_span_make(at, at + (uint32_t)vlen);
            return XMLSPAN_OK;
        }
    }
    uint32_t s = content.offset, e = to;
    while (s < e && is_space(buf[s]))
        s++;
    while (e > s && is_space(buf[e - 1u]))
        e--;
    if (s == e)
        return XMLSPAN_EMPTY;
    *out = xmlspan_span_make(s, e);
    return XMLSPAN_NOT_VERBATIM;
}

xmlspan_status_t
xmlspan_leaf(const uint8_t *buf, size_t len, xmlspan_span_t parent, const char *local, const char *value,
             xmlspan_span_t *out)
{
    xmlspan_elem_t el;
    xmlspan_status_t st = xmlspan_find_element(buf, len, parent, local, &el);
    if (!xmlspan_found(st) || out == NULL)
        return xmlspan_found(st) ? XMLSPAN_NOT_FOUND : st;
    st = xmlspan_text(buf, len, el.content, value, out);
    if (st == XMLSPAN_EMPTY)
        *out = el.all;
    return st;
}

/* ---- siblings ------------------------------------------------------------- */

void
xmlspan_walker_init(xmlspan_walker_t *w, xmlspan_span_t scope)
{
    if (w == NULL)
        return;
    w->scope = scope;
    w->cursor = scope.offset;
}

xmlspan_status_t
xmlspan_walker_next(const uint8_t *buf, size_t len, xmlspan_walker_t *w, const char *local, xmlspan_elem_t *out)
{
    xmlspan_elem_t el;
    if (w == NULL || out == NULL)
        return XMLSPAN_NOT_FOUND;
    uint32_t to = w->scope.offset + w->scope.length;
    if (w->cursor < to) {
        xmlspan_status_t st = xmlspan_find_element(buf, len, xmlspan_span_make(w->cursor, to), local, &el);
        if (xmlspan_found(st)) {
            w->cursor = el.all.offset + el.all.length;
            *out = el;
            return st;
        }
        if (st != XMLSPAN_NOT_FOUND) {
            out->all = out->stag = out->content = w->scope;
            return st;
        }
    }
    out->all = out->stag = out->content = w->scope;
    return XMLSPAN_NOT_FOUND;
}
