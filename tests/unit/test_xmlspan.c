/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_xmlspan.c - unit tests for the XML byte-span finder (xmlspan.c).
 *
 * Vectors are MRAS bodies as [MS-AVEDGEA] 2.2.3.1.2 lays them out
 * (shared/specs/ms-avedgea-mras.md), with the quirks a real body may have:
 * a namespace prefix, entities, two relays with the same port, a '>' inside
 * an attribute value. Every search runs on a heap copy of exactly the
 * body's length, so a read past the end shows up under valgrind; the whole
 * response is also searched at every shorter prefix (libnice's validate()
 * pattern), where the root element must come back UNCLOSED or NOT_FOUND.
 */
#include <string.h>

#include <glib.h>

#include "xmlspan.h"

static const char RESPONSE[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
    "<response xmlns=\"http://schemas.microsoft.com/2006/09/sip/mrasp\" requestID=\"4711\"\r\n"
    "          version=\"1.0\" serverVersion=\"3.0\" to=\"sip:from@contoso.com\"\r\n"
    "          from='sip:alice@contoso.com' reasonPhrase=\"OK\">\r\n"
    "  <credentialsResponse credentialsRequestID=\"4711\">\r\n"
    "    <credentials>\r\n"
    "      <username>AgAAJHufsTQB2kEy</username>\r\n"
    "      <password>nb8XsLKU9YKqPJLmuOk5D1hmXxY=</password>\r\n"
    "      <duration>480</duration>\r\n"
    "      <realm/>\r\n"
    "    </credentials>\r\n"
    "    <mediaRelayList>\r\n"
    "      <mediaRelay note=\"a > b\">\r\n"
    "        <location>intranet</location>\r\n"
    "        <directIPAddress>10.0.0.20</directIPAddress>\r\n"
    "        <udpPort>3478</udpPort>\r\n"
    "      </mediaRelay>\r\n"
    "      <m:mediaRelay xmlns:m=\"http://schemas.microsoft.com/2006/09/sip/mrasp\">\r\n"
    "        <m:location>internet</m:location>\r\n"
    "        <m:hostName>av&amp;edge.contoso.com</m:hostName>\r\n"
    "        <m:udpPort>3478</m:udpPort>\r\n"
    "        <m:tcpPort>   </m:tcpPort>\r\n"
    "      </m:mediaRelay>\r\n"
    "    </mediaRelayList>\r\n"
    "  </credentialsResponse>\r\n"
    "</response>\r\n";

/* ---- helpers ------------------------------------------------------------ */

typedef struct {
    uint8_t *buf;
    size_t   len;
} body_t;

static body_t
body_n(const char *s, size_t n)
{
    body_t b = { g_memdup2(s, n ? n : 1), n };
    return b;
}

static xmlspan_span_t
whole(const body_t *b)
{
    return xmlspan_span_make(0, (uint32_t)b->len);
}

static void
assert_in(xmlspan_span_t s, size_t len)
{
    g_assert_cmpuint((uint64_t)s.offset + s.length, <=, len);
}

/* The bytes of @s are @text. */
static void
assert_text(const body_t *b, xmlspan_span_t s, const char *text)
{
    assert_in(s, b->len);
    g_assert_cmpmem(b->buf + s.offset, s.length, text, strlen(text));
}

/* An element's parts nest: stag and content inside all. */
static void
assert_elem(const xmlspan_elem_t *el, size_t len)
{
    assert_in(el->all, len);
    assert_in(el->stag, len);
    assert_in(el->content, len);
    g_assert_cmpuint(el->stag.offset, ==, el->all.offset);
    g_assert_cmpuint(el->stag.offset + el->stag.length, <=, el->all.offset + el->all.length);
    g_assert_cmpuint(el->content.offset, >=, el->stag.offset + el->stag.length);
    g_assert_cmpuint(el->content.offset + el->content.length, <=, el->all.offset + el->all.length);
}

/* ---- tests -------------------------------------------------------------- */

static void
test_root_and_attributes(void)
{
    body_t b = body_n(RESPONSE, strlen(RESPONSE));
    xmlspan_elem_t root;
    xmlspan_span_t s;

    g_assert_cmpint(xmlspan_find_element(b.buf, b.len, whole(&b), "response", &root), ==, XMLSPAN_OK);
    assert_elem(&root, b.len);
    g_assert_cmpmem(b.buf + root.stag.offset, 9, "<response", 9);
    g_assert_cmpuint(b.buf[root.stag.offset + root.stag.length - 1], ==, '>');
    assert_text(&b, xmlspan_span_make(root.all.offset + root.all.length - 11, root.all.offset + root.all.length),
                "</response>");

    g_assert_cmpint(xmlspan_attr(b.buf, b.len, root.stag, "requestID", &s), ==, XMLSPAN_OK);
    assert_text(&b, s, "4711");
    /* "version" is not the tail of "serverVersion" */
    g_assert_cmpint(xmlspan_attr(b.buf, b.len, root.stag, "version", &s), ==, XMLSPAN_OK);
    assert_text(&b, s, "1.0");
    g_assert_cmpint(xmlspan_attr(b.buf, b.len, root.stag, "serverVersion", &s), ==, XMLSPAN_OK);
    assert_text(&b, s, "3.0");
    /* "from" inside the value of "to" is not the attribute; single quotes */
    g_assert_cmpint(xmlspan_attr(b.buf, b.len, root.stag, "from", &s), ==, XMLSPAN_OK);
    assert_text(&b, s, "sip:alice@contoso.com");
    g_assert_cmpint(xmlspan_attr(b.buf, b.len, root.stag, "reasonPhrase", &s), ==, XMLSPAN_OK);
    assert_text(&b, s, "OK");
    g_assert_cmpint(xmlspan_attr(b.buf, b.len, root.stag, "route", &s), ==, XMLSPAN_NOT_FOUND);
    g_assert_cmpint(xmlspan_attr(b.buf, b.len, root.stag, "response", &s), ==, XMLSPAN_NOT_FOUND);
    g_free(b.buf);
}

static void
test_credentials(void)
{
    body_t b = body_n(RESPONSE, strlen(RESPONSE));
    xmlspan_elem_t root, cr, cred;
    xmlspan_span_t s;

    g_assert_cmpint(xmlspan_find_element(b.buf, b.len, whole(&b), "response", &root), ==, XMLSPAN_OK);
    xmlspan_walker_t w;
    xmlspan_walker_init(&w, root.content);
    g_assert_cmpint(xmlspan_walker_next(b.buf, b.len, &w, "credentialsResponse", &cr), ==, XMLSPAN_OK);
    assert_elem(&cr, b.len);
    g_assert_cmpint(xmlspan_attr(b.buf, b.len, cr.stag, "credentialsRequestID", &s), ==, XMLSPAN_OK);
    assert_text(&b, s, "4711");
    /* only one credentialsResponse: the next is the scope itself */
    xmlspan_elem_t none;
    g_assert_cmpint(xmlspan_walker_next(b.buf, b.len, &w, "credentialsResponse", &none), ==, XMLSPAN_NOT_FOUND);
    g_assert_cmpuint(none.all.offset, ==, root.content.offset);
    g_assert_cmpuint(none.content.length, ==, root.content.length);

    g_assert_cmpint(xmlspan_find_element(b.buf, b.len, cr.content, "credentials", &cred), ==, XMLSPAN_OK);
    g_assert_cmpint(xmlspan_leaf(b.buf, b.len, cred.content, "username", "AgAAJHufsTQB2kEy", &s), ==, XMLSPAN_OK);
    assert_text(&b, s, "AgAAJHufsTQB2kEy");
    g_assert_cmpint(xmlspan_leaf(b.buf, b.len, cred.content, "password", "nb8XsLKU9YKqPJLmuOk5D1hmXxY=", &s), ==,
                    XMLSPAN_OK);
    assert_text(&b, s, "nb8XsLKU9YKqPJLmuOk5D1hmXxY=");
    g_assert_cmpint(xmlspan_leaf(b.buf, b.len, cred.content, "duration", "480", &s), ==, XMLSPAN_OK);
    assert_text(&b, s, "480");
    /* <realm/>: an empty-element tag, nothing to highlight but the tag */
    g_assert_cmpint(xmlspan_leaf(b.buf, b.len, cred.content, "realm", NULL, &s), ==, XMLSPAN_EMPTY);
    assert_text(&b, s, "<realm/>");
    /* GMarkup's value differs from the bytes: the trimmed content */
    g_assert_cmpint(xmlspan_leaf(b.buf, b.len, cred.content, "duration", "481", &s), ==, XMLSPAN_NOT_VERBATIM);
    assert_text(&b, s, "480");
    g_assert_cmpint(xmlspan_leaf(b.buf, b.len, cred.content, "hostName", "x", &s), ==, XMLSPAN_NOT_FOUND);
    g_free(b.buf);
}

static void
test_relays_in_order(void)
{
    body_t b = body_n(RESPONSE, strlen(RESPONSE));
    xmlspan_elem_t list, r1, r2, r3;
    xmlspan_span_t s, p1, p2;

    g_assert_cmpint(xmlspan_find_element(b.buf, b.len, whole(&b), "mediaRelayList", &list), ==, XMLSPAN_OK);
    xmlspan_walker_t w;
    xmlspan_walker_init(&w, list.content);
    /* '>' inside the quoted attribute value does not end the start tag */
    g_assert_cmpint(xmlspan_walker_next(b.buf, b.len, &w, "mediaRelay", &r1), ==, XMLSPAN_OK);
    assert_elem(&r1, b.len);
    g_assert_cmpint(xmlspan_attr(b.buf, b.len, r1.stag, "note", &s), ==, XMLSPAN_OK);
    assert_text(&b, s, "a > b");
    /* the prefixed relay is the second one, by its local name */
    g_assert_cmpint(xmlspan_walker_next(b.buf, b.len, &w, "mediaRelay", &r2), ==, XMLSPAN_OK);
    assert_elem(&r2, b.len);
    g_assert_cmpuint(r2.all.offset, >=, r1.all.offset + r1.all.length);
    g_assert_cmpmem(b.buf + r2.all.offset, 13, "<m:mediaRelay", 13);
    g_assert_cmpint(xmlspan_walker_next(b.buf, b.len, &w, "mediaRelay", &r3), ==, XMLSPAN_NOT_FOUND);

    /* the same port twice lands on each relay's own bytes */
    g_assert_cmpint(xmlspan_leaf(b.buf, b.len, r1.content, "udpPort", "3478", &p1), ==, XMLSPAN_OK);
    g_assert_cmpint(xmlspan_leaf(b.buf, b.len, r2.content, "udpPort", "3478", &p2), ==, XMLSPAN_OK);
    assert_text(&b, p1, "3478");
    assert_text(&b, p2, "3478");
    g_assert_cmpuint(p2.offset, >, r2.all.offset);
    g_assert_cmpuint(p1.offset, <, r1.all.offset + r1.all.length);

    /* an entity: GMarkup's "av&edge..." is not in the bytes as written */
    g_assert_cmpint(xmlspan_leaf(b.buf, b.len, r2.content, "hostName", "av&edge.contoso.com", &s), ==,
                    XMLSPAN_NOT_VERBATIM);
    assert_text(&b, s, "av&amp;edge.contoso.com");
    /* blank content: the whole element */
    g_assert_cmpint(xmlspan_leaf(b.buf, b.len, r2.content, "tcpPort", "", &s), ==, XMLSPAN_EMPTY);
    assert_text(&b, s, "<m:tcpPort>   </m:tcpPort>");
    g_free(b.buf);
}

static void
test_broken_tags(void)
{
    xmlspan_elem_t el;
    xmlspan_span_t s;

    /* no '>' (the quote is never closed): the tag runs to the end */
    body_t b = body_n("<a x=\"abc>", 10);
    g_assert_cmpint(xmlspan_find_element(b.buf, b.len, whole(&b), "a", &el), ==, XMLSPAN_UNCLOSED_TAG);
    assert_elem(&el, b.len);
    g_assert_cmpuint(el.stag.length, ==, 10);
    g_assert_cmpuint(el.content.length, ==, 0);
    g_assert_cmpint(xmlspan_attr(b.buf, b.len, el.stag, "x", &s), ==, XMLSPAN_UNCLOSED_VALUE);
    assert_text(&b, s, "abc>");
    g_free(b.buf);

    /* a close tag cut before its '>' */
    b = body_n("<a>v</a", 7);
    g_assert_cmpint(xmlspan_find_element(b.buf, b.len, whole(&b), "a", &el), ==, XMLSPAN_UNCLOSED_ELEMENT);
    assert_text(&b, el.content, "v");
    g_free(b.buf);

    /* close tags, PIs, comments and DOCTYPE start no element */
    static const char skip[] = "</a><?a?><!a><!--a--><a/>";
    b = body_n(skip, strlen(skip));
    g_assert_cmpint(xmlspan_find_element(b.buf, b.len, whole(&b), "a", &el), ==, XMLSPAN_OK);
    assert_text(&b, el.all, "<a/>");
    g_free(b.buf);

    /* nested same name: the first close tag ends it (no MRAS element nests in itself) */
    b = body_n("<a><a>x</a></a>", 15);
    g_assert_cmpint(xmlspan_find_element(b.buf, b.len, whole(&b), "a", &el), ==, XMLSPAN_OK);
    assert_text(&b, el.all, "<a><a>x</a>");
    g_free(b.buf);
}

static void
test_ranges(void)
{
    xmlspan_elem_t el;
    xmlspan_span_t s;
    body_t b = body_n("<a x=\"1\">v</a>", 14);

    /* a range past the end of the buffer is not searched */
    g_assert_cmpint(xmlspan_find_element(b.buf, b.len, xmlspan_span_make(2, 15), "a", &el), ==, XMLSPAN_BAD_RANGE);
    g_assert_cmpint(xmlspan_attr(b.buf, b.len, xmlspan_span_make(0, 20), "x", &s), ==, XMLSPAN_BAD_RANGE);
    xmlspan_span_t past = { 14, 1 };
    g_assert_cmpint(xmlspan_text(b.buf, b.len, past, "v", &s), ==, XMLSPAN_BAD_RANGE);
    g_assert_cmpint(xmlspan_find_element(NULL, 3, xmlspan_span_make(0, 1), "a", &el), ==, XMLSPAN_BAD_RANGE);
    /* nor a buffer above the limit (its bytes are not read) */
    g_assert_cmpint(xmlspan_find_element(b.buf, XMLSPAN_MAX_LEN + 1u, xmlspan_span_make(0, 1), "a", &el), ==,
                    XMLSPAN_TOO_LARGE);
    /* an element must start inside the range */
    g_assert_cmpint(xmlspan_find_element(b.buf, b.len, xmlspan_span_make(1, 13), "a", &el), ==, XMLSPAN_NOT_FOUND);
    g_assert_cmpint(xmlspan_find_element(b.buf, 0, xmlspan_span_make(0, 0), "a", &el), ==, XMLSPAN_NOT_FOUND);
    g_assert_false(xmlspan_found(XMLSPAN_BAD_RANGE));
    g_assert_true(xmlspan_found(XMLSPAN_UNCLOSED_ELEMENT));
    g_assert_cmpstr(xmlspan_status_to_string(XMLSPAN_NOT_VERBATIM), ==,
                    "text not found as written (entities or CDATA)");
    g_free(b.buf);
}

/* Every shorter prefix of the response: the root is complete only once its
 * close tag is, and nothing found lies outside the prefix. */
static void
test_every_prefix(void)
{
    size_t n = strlen(RESPONSE);
    size_t root_end = (size_t)(strstr(RESPONSE, "</response>") - RESPONSE) + strlen("</response>");
    static const char *const names[] = { "response", "credentialsResponse", "credentials", "mediaRelay",
                                         "udpPort", "hostName" };
    for (size_t p = 0; p < n; p++) {
        body_t b = body_n(RESPONSE, p);
        xmlspan_elem_t el;
        xmlspan_span_t s;
        xmlspan_status_t st = xmlspan_find_element(b.buf, b.len, whole(&b), "response", &el);
        if (p < root_end)
            g_assert_true(st == XMLSPAN_NOT_FOUND || st == XMLSPAN_UNCLOSED_TAG || st == XMLSPAN_UNCLOSED_ELEMENT);
        else
            g_assert_cmpint(st, ==, XMLSPAN_OK);
        for (size_t k = 0; k < G_N_ELEMENTS(names); k++) {
            st = xmlspan_find_element(b.buf, b.len, whole(&b), names[k], &el);
            if (!xmlspan_found(st))
                continue;
            assert_elem(&el, p);
            if (xmlspan_found(xmlspan_attr(b.buf, b.len, el.stag, "requestID", &s)))
                assert_in(s, p);
            st = xmlspan_leaf(b.buf, b.len, el.content, "udpPort", "3478", &s);
            if (xmlspan_found(st))
                assert_in(s, p);
        }
        g_free(b.buf);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xmlspan/root-and-attributes", test_root_and_attributes);
    g_test_add_func("/xmlspan/credentials", test_credentials);
    g_test_add_func("/xmlspan/relays-in-order", test_relays_in_order);
    g_test_add_func("/xmlspan/broken-tags", test_broken_tags);
    g_test_add_func("/xmlspan/ranges", test_ranges);
    g_test_add_func("/xmlspan/every-prefix", test_every_prefix);
    return g_test_run();
}
