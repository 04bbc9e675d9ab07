/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_xmlspan.c - libFuzzer harness for the XML byte-span finder: the
 * input is an MRAS body, searched the way packet-mras.c places its items
 * (root element and its attributes, a walk over credentials and relays,
 * each leaf's text), with text values cut from the input itself so that
 * verbatim matches happen. The body is an exact-size heap copy, so ASan
 * catches any read past it; a broken invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmlspan.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static size_t body_len;

static void
check_span(xmlspan_span_t s)
{
    CHECK((uint64_t)s.offset + s.length <= body_len);
}

static void
check_elem(xmlspan_status_t st, const xmlspan_elem_t *el)
{
    CHECK(st < XMLSPAN_STATUS_COUNT);
    if (!xmlspan_found(st))
        return;
    check_span(el->all);
    check_span(el->stag);
    check_span(el->content);
    CHECK(el->stag.offset == el->all.offset);
    CHECK(el->content.offset + el->content.length <= el->all.offset + el->all.length);
}

/* A NUL-terminated value cut from the body (what GMarkup might report). */
static char value[64];

static void
leaves(const uint8_t *b, xmlspan_span_t parent)
{
    static const char *const names[] = { "username", "password", "duration", "realm", "location", "hostName",
                                         "directIPAddress", "udpPort", "tcpPort", "identity" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        xmlspan_span_t s;
        xmlspan_status_t st = xmlspan_leaf(b, body_len, parent, names[i], (i & 1) ? value : NULL, &s);
        CHECK(st < XMLSPAN_STATUS_COUNT);
        if (xmlspan_found(st))
            check_span(s);
    }
}

static void
walk(const uint8_t *b, xmlspan_span_t scope, const char *local, unsigned depth)
{
    xmlspan_walker_t w;
    xmlspan_elem_t el;
    xmlspan_walker_init(&w, scope);
    /* each found element moves the cursor forward: the walk ends */
    for (unsigned n = 0; n <= body_len; n++) {
        xmlspan_status_t st = xmlspan_walker_next(b, body_len, &w, local, &el);
        check_elem(st, &el);
        if (!xmlspan_found(st))
            return;
        xmlspan_span_t s;
        if (xmlspan_found(xmlspan_attr(b, body_len, el.stag, "credentialsRequestID", &s)))
            check_span(s);
        leaves(b, el.content);
        if (depth == 0)
            walk(b, el.content, "mediaRelay", depth + 1);
    }
    CHECK(0);   /* more elements than bytes: the cursor did not move */
}

/* Once per process: what every entry point answers to a range outside the
 * buffer, a buffer over the size limit and missing arguments. */
static void
refusals_once(void)
{
    static const uint8_t x[] = "<a k=\"v\">b</a>";
    const size_t n = sizeof x - 1;
    xmlspan_span_t all = xmlspan_span_make(0, (uint32_t)n), past = { .offset = 4, .length = (uint32_t)n };
    xmlspan_elem_t el;
    xmlspan_span_t s;
    xmlspan_walker_t w;
    CHECK(xmlspan_find_element(x, n, all, "a", &el) == XMLSPAN_OK);
    CHECK(xmlspan_find_element(x, n, past, "a", &el) == XMLSPAN_BAD_RANGE);
    CHECK(xmlspan_find_element(NULL, n, all, "a", &el) == XMLSPAN_BAD_RANGE);
    CHECK(xmlspan_find_element(x, (size_t)XMLSPAN_MAX_LEN + 1u, all, "a", &el) == XMLSPAN_TOO_LARGE);
    CHECK(xmlspan_find_element(x, n, all, NULL, &el) == XMLSPAN_NOT_FOUND);
    CHECK(xmlspan_find_element(x, n, all, "a", NULL) == XMLSPAN_NOT_FOUND);
    CHECK(xmlspan_attr(x, n, past, "k", &s) == XMLSPAN_BAD_RANGE);
    CHECK(xmlspan_attr(x, n, all, NULL, &s) == XMLSPAN_NOT_FOUND);
    CHECK(xmlspan_text(x, n, past, NULL, &s) == XMLSPAN_BAD_RANGE);
    CHECK(xmlspan_text(x, n, all, NULL, NULL) == XMLSPAN_NOT_FOUND);
    CHECK(xmlspan_leaf(x, n, past, "a", NULL, &s) == XMLSPAN_BAD_RANGE);
    CHECK(xmlspan_leaf(x, n, all, "a", NULL, NULL) == XMLSPAN_NOT_FOUND);
    xmlspan_walker_init(NULL, all);
    xmlspan_walker_init(&w, past);
    CHECK(xmlspan_walker_next(x, n, &w, "a", &el) == XMLSPAN_BAD_RANGE);
    CHECK(xmlspan_walker_next(x, n, NULL, "a", &el) == XMLSPAN_NOT_FOUND);
    CHECK(xmlspan_walker_next(x, n, &w, "a", NULL) == XMLSPAN_NOT_FOUND);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int done;
    if (!done++)
        refusals_once();
    uint8_t *b = malloc(size ? size : 1);
    if (!b)
        return 0;
    memcpy(b, data, size);
    body_len = size;

    /* value: up to 63 bytes from an offset the first two bytes choose */
    size_t at = size >= 2 ? ((size_t)data[0] << 8 | data[1]) % size : 0;
    size_t vn = size - at < sizeof value - 1 ? size - at : sizeof value - 1;
    memcpy(value, data + at, vn);
    value[vn] = '\0';

    static const char *const roots[] = { "response", "request", "mediaRelayList", "credentials" };
    static const char *const attrs[] = { "requestID", "version", "serverVersion", "from", "to", "route",
                                         "reasonPhrase", "xmlns" };
    xmlspan_span_t whole = xmlspan_span_make(0, (uint32_t)size);
    for (size_t r = 0; r < sizeof roots / sizeof roots[0]; r++) {
        xmlspan_elem_t root;
        xmlspan_status_t st = xmlspan_find_element(b, size, whole, roots[r], &root);
        check_elem(st, &root);
        if (!xmlspan_found(st))
            continue;
        for (size_t a = 0; a < sizeof attrs / sizeof attrs[0]; a++) {
            xmlspan_span_t s;
            if (xmlspan_found(xmlspan_attr(b, size, root.stag, attrs[a], &s)))
                check_span(s);
        }
        walk(b, root.content, r == 0 ? "credentialsResponse" : "credentialsRequest", 0);
        xmlspan_span_t t;
        CHECK(xmlspan_text(b, size, root.content, value, &t) < XMLSPAN_STATUS_COUNT);
        check_span(t);
    }
    free(b);
    return 0;
}
