/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_sdpline.c - unit tests for the SDP c= / m= line reader (sdpline.c).
 *
 * Vectors are literal SDP lines: from the Lync/SfB offers of
 * shared/specs/ms-ice-candidates.md and the project's captures, RFC 4566's
 * examples (5.7 multicast with TTL, 5.14 "/2" ports), and constructed bad
 * ones. Every parse runs on a heap copy of exactly the line, so a read past
 * it shows up under valgrind; every good line is also parsed at every
 * shorter prefix that cuts a required field, which must not come back OK
 * (the addresses are chosen so that no shorter text is an address too).
 */
#include <string.h>

#include <glib.h>

#include "sdpline.h"

/* ---- helpers ------------------------------------------------------------ */

static sdpline_status_t
parse_n(const char *s, size_t n, sdpline_t *l)
{
    char *c = g_memdup2(s, n ? n : 1);
    sdpline_status_t st = sdpline_parse(c, n, l);
    g_free(c);
    return st;
}

static sdpline_status_t
parse(const char *s, sdpline_t *l)
{
    return parse_n(s, strlen(s), l);
}

static void
assert_in(sdpline_span_t sp, size_t len)
{
    g_assert_cmpuint((uint64_t)sp.offset + sp.length, <=, len);
}

static void
assert_span(const char *line, sdpline_span_t sp, const char *text)
{
    g_assert_cmpmem(line + sp.offset, sp.length, text, strlen(text));
}

static void
check_invariants(const sdpline_t *l, size_t len)
{
    if (l->status == SDPLINE_NOT_CM) {
        g_assert_cmpint(l->kind, ==, SDPLINE_KIND_NONE);
        g_assert_cmpuint(l->problems, ==, 1u << SDPLINE_NOT_CM);
        return;
    }
    g_assert_cmpint(l->kind, !=, SDPLINE_KIND_NONE);
    if (l->problems == 0)
        g_assert_cmpint(l->status, ==, SDPLINE_OK);
    else
        g_assert_cmpint(l->status, ==, __builtin_ctz(l->problems));
    g_assert_false(sdpline_has_problem(l, SDPLINE_NOT_CM));
    assert_in(l->nettype, len);
    assert_in(l->addrtype, len);
    assert_in(l->address, len);
    assert_in(l->media, len);
    assert_in(l->port_span, len);
    assert_in(l->proto, len);
    assert_in(l->fmts, len);
    g_assert_true(l->family == 0 || l->family == 4 || l->family == 6);
    g_assert_cmpuint(l->family != 0, ==, !sdpline_has_problem(l, SDPLINE_BAD_ADDRESS) &&
                                         l->kind == SDPLINE_KIND_CONNECTION && l->address.length > 0);
    g_assert_cmpuint(l->n_ports, >=, 1);
    if (l->port_valid)
        g_assert_cmpuint(l->port_span.length, >, 0);
}

/* Every prefix of @line shorter than @complete_at bytes must not be OK. */
static void
check_prefixes(const char *line, size_t complete_at)
{
    size_t n = strlen(line);
    for (size_t p = 0; p < n; p++) {
        sdpline_t l;
        sdpline_status_t st = parse_n(line, p, &l);
        check_invariants(&l, p);
        if (p < complete_at)
            g_assert_cmpint(st, !=, SDPLINE_OK);
    }
}

/* ---- c= ----------------------------------------------------------------- */

static void
test_connection_good(void)
{
    static const struct { const char *line; uint8_t family; uint8_t addr[16]; } rows[] = {
        { "c=IN IP4 192.168.1.6", 4, { 192, 168, 1, 6 } },                   /* Lync 2013 offer */
        { "c=IN IP6 2001:db8:0:0:0:0:0:1", 6, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
        { "c=IN IP4 224.2.36.4/127", 4, { 224, 2, 36, 4 } },                 /* RFC 4566 5.7: TTL */
        { "c=IN IP4 224.2.1.1/127/3", 4, { 224, 2, 1, 1 } },                 /* TTL and 3 addresses */
        { "c=IN IP6 ff15:0:0:0:0:0:0:1/3", 6, { 0xff, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 } },
        { "c=IN  ip4\t0.0.0.0  ", 4, { 0, 0, 0, 0 } },                       /* hold; blanks, any case */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        const char *line = rows[i].line;
        sdpline_t l;
        g_test_message("c= line: '%s'", line);
        g_assert_cmpint(parse(line, &l), ==, SDPLINE_OK);
        check_invariants(&l, strlen(line));
        g_assert_cmpint(l.kind, ==, SDPLINE_KIND_CONNECTION);
        assert_span(line, l.nettype, "IN");
        g_assert_cmpuint(l.family, ==, rows[i].family);
        g_assert_cmpmem(l.addr, 16, rows[i].addr, 16);
        /* cut before the address ends: never OK */
        size_t addr_end = l.address.offset + l.address.length;
        const char *slash = memchr(line + l.address.offset, '/', l.address.length);
        check_prefixes(line, slash ? (size_t)(slash - line) : addr_end);
    }
}

static void
test_connection_bad(void)
{
    static const struct { const char *line; sdpline_status_t st; uint8_t family; } rows[] = {
        { "c=", SDPLINE_TRUNCATED, 0 },
        { "c=IN", SDPLINE_TRUNCATED, 0 },
        { "c=IN IP4", SDPLINE_TRUNCATED, 0 },
        { "c=IN IP4 sip.contoso.com", SDPLINE_BAD_ADDRESS, 0 },   /* a host name: legal SDP, unusable here */
        { "c=IN IP4 10.0.0.256", SDPLINE_BAD_ADDRESS, 0 },
        { "c=IN IP4 10.0.0.1/", SDPLINE_BAD_ADDRESS, 0 },
        { "c=IN IP4 224.2.1.1/127/3/4", SDPLINE_BAD_ADDRESS, 0 },
        { "c=IN IP6 ff15::101/3/4", SDPLINE_BAD_ADDRESS, 0 },
        { "c=IN IP4 10.0.0.1/ttl", SDPLINE_BAD_ADDRESS, 0 },
        { "c=IN IP6 10.0.0.1", SDPLINE_BAD_ADDRTYPE, 4 },         /* read, but the type disagrees */
        { "c=IN IP4 2001:db8::1", SDPLINE_BAD_ADDRTYPE, 6 },
        { "c=IN IP5 10.0.0.1", SDPLINE_BAD_ADDRTYPE, 4 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        sdpline_t l;
        g_test_message("bad c= line: '%s'", rows[i].line);
        g_assert_cmpint(parse(rows[i].line, &l), ==, rows[i].st);
        check_invariants(&l, strlen(rows[i].line));
        g_assert_cmpuint(l.family, ==, rows[i].family);
    }
    /* a host name and a wrong type: both problems are kept */
    sdpline_t l;
    g_assert_cmpint(parse("c=IN IPX host.example", &l), ==, SDPLINE_BAD_ADDRESS);
    g_assert_true(sdpline_has_problem(&l, SDPLINE_BAD_ADDRTYPE));
    g_assert_true(sdpline_status_is_error(SDPLINE_BAD_ADDRESS));
    g_assert_false(sdpline_status_is_error(SDPLINE_BAD_ADDRTYPE));
}

/* ---- m= ----------------------------------------------------------------- */

static void
test_media_good(void)
{
    static const struct { const char *line; const char *media; uint16_t port; uint32_t n; const char *proto;
                          const char *fmts; } rows[] = {
        /* Lync 2013 / SfB offers (ms-ice-candidates.md) */
        { "m=audio 50036 RTP/SAVP 114 9 112 111 0 8 116 115 4 97 13 118 101", "audio", 50036, 1, "RTP/SAVP",
          "114 9 112 111 0 8 116 115 4 97 13 118 101" },
        { "m=applicationsharing 5000 TCP/RTP/AVP 127", "applicationsharing", 5000, 1, "TCP/RTP/AVP", "127" },
        /* RFC 4566 5.14: two ports (RTP/RTCP pairs) */
        { "m=video 49170/2 RTP/AVP 31", "video", 49170, 2, "RTP/AVP", "31" },
        /* RFC 3264 5.1: port 0 rejects the stream */
        { "m=video 0 RTP/SAVP 121 34", "video", 0, 1, "RTP/SAVP", "121 34" },
        { "m=audio\t65535  RTP/AVP  0 8 ", "audio", 65535, 1, "RTP/AVP", "0 8" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        const char *line = rows[i].line;
        sdpline_t l;
        g_test_message("m= line: '%s'", line);
        g_assert_cmpint(parse(line, &l), ==, SDPLINE_OK);
        check_invariants(&l, strlen(line));
        g_assert_cmpint(l.kind, ==, SDPLINE_KIND_MEDIA);
        assert_span(line, l.media, rows[i].media);
        g_assert_true(l.port_valid);
        g_assert_cmpuint(l.port, ==, rows[i].port);
        g_assert_cmpuint(l.n_ports, ==, rows[i].n);
        assert_span(line, l.proto, rows[i].proto);
        assert_span(line, l.fmts, rows[i].fmts);
        /* cut before the first format: never OK */
        check_prefixes(line, l.fmts.offset + 1u);
    }
}

static void
test_media_bad(void)
{
    static const struct { const char *line; sdpline_status_t st; bool port_valid; uint16_t port; } rows[] = {
        { "m=", SDPLINE_TRUNCATED, false, 0 },
        { "m=audio", SDPLINE_TRUNCATED, false, 0 },
        { "m=audio 50000", SDPLINE_TRUNCATED, true, 50000 },         /* port read, proto missing */
        { "m=audio 50000 RTP/AVP", SDPLINE_TRUNCATED, true, 50000 },  /* no <fmt> */
        { "m=audio 70000 RTP/AVP 0", SDPLINE_BAD_PORT, false, 0 },    /* issue 12: was silently 0 */
        { "m=audio 5000x RTP/AVP 0", SDPLINE_BAD_PORT, false, 0 },    /* was silently 5000 */
        { "m=audio -1 RTP/AVP 0", SDPLINE_BAD_PORT, false, 0 },
        { "m=audio 123456 RTP/AVP 0", SDPLINE_BAD_PORT, false, 0 },
        { "m=audio /2 RTP/AVP 0", SDPLINE_BAD_PORT, false, 0 },
        { "m=audio 5000/0 RTP/AVP 0", SDPLINE_BAD_PORT_COUNT, true, 5000 },
        { "m=audio 5000/ RTP/AVP 0", SDPLINE_BAD_PORT_COUNT, true, 5000 },
        { "m=audio 5000/x RTP/AVP 0", SDPLINE_BAD_PORT_COUNT, true, 5000 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        sdpline_t l;
        g_test_message("bad m= line: '%s'", rows[i].line);
        g_assert_cmpint(parse(rows[i].line, &l), ==, rows[i].st);
        check_invariants(&l, strlen(rows[i].line));
        g_assert_cmpint(l.port_valid, ==, rows[i].port_valid);
        if (l.port_valid)
            g_assert_cmpuint(l.port, ==, rows[i].port);
    }
    /* a bad port still gives the media type and the rest */
    sdpline_t l;
    const char *line = "m=video 99999 RTP/SAVP 121";
    g_assert_cmpint(parse(line, &l), ==, SDPLINE_BAD_PORT);
    assert_span(line, l.media, "video");
    assert_span(line, l.port_span, "99999");
    assert_span(line, l.proto, "RTP/SAVP");
    assert_span(line, l.fmts, "121");
}

static void
test_other_lines(void)
{
    static const char *const rows[] = { "", "c", "m", "a=candidate:1 1 UDP 1 1.2.3.4 5 typ host", "v=0",
                                        "C=IN IP4 1.2.3.4", "m:audio 5000 RTP/AVP 0", "cm=x" };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        sdpline_t l;
        g_assert_cmpint(parse(rows[i], &l), ==, SDPLINE_NOT_CM);
        check_invariants(&l, strlen(rows[i]));
    }
    sdpline_t l;
    g_assert_cmpint(sdpline_parse(NULL, 5, &l), ==, SDPLINE_NOT_CM);

    /* too long: not read beyond the check */
    size_t n = SDPLINE_MAX_LEN + 1u;
    char *big = g_malloc(n);
    memset(big, '1', n);
    memcpy(big, "m=audio ", 8);
    g_assert_cmpint(sdpline_parse(big, n, &l), ==, SDPLINE_TOO_LONG);
    g_assert_false(l.port_valid);
    check_invariants(&l, n);
    g_free(big);
    g_assert_cmpstr(sdpline_status_to_string(SDPLINE_BAD_PORT), ==, "m= port is not a number 0-65535");
}

/* An SDP body cut into lines: CR LF as RFC 4566 5 writes them, a bare LF
 * and a bare CR as some stacks send, an empty line, and a last line
 * without a line end. */
static void
test_body_lines(void)
{
    static const char body[] =
        "v=0\r\n"                                  /* 0: CR LF */
        "c=IN IP4 192.0.2.10\n"                     /* 5: LF */
        "a=ice-ufrag:Ab12\r"                        /* 25: CR */
        "\r\n"                                      /* 42: empty line */
        "m=audio 50000 RTP/SAVP 0";                 /* 44: no line end */
    static const struct {
        uint32_t offset, length, next;
        char     type;
    } want[] = {
        { 0, 3, 5, 'v' },
        { 5, 19, 25, 'c' },
        { 25, 16, 42, 'a' },
        { 42, 0, 44, 0 },
        { 44, 24, 68, 'm' },
    };
    size_t len = sizeof(body) - 1;
    char *copy = g_memdup2(body, len);   /* exactly the body: a read past it shows under valgrind */
    sdpline_body_line_t l;
    size_t off = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        g_assert_true(sdpline_next_line(copy, len, off, &l));
        g_assert_cmpuint(l.offset, ==, want[i].offset);
        g_assert_cmpuint(l.length, ==, want[i].length);
        g_assert_cmpuint(l.next, ==, want[i].next);
        g_assert_cmpint(l.type, ==, want[i].type);
        off = l.next;
    }
    g_assert_cmpuint(off, ==, len);
    g_assert_false(sdpline_next_line(copy, len, off, &l));
    /* "x" alone or "=x" is no typed line; a body ending in CR ends that line. */
    g_assert_true(sdpline_next_line("a", 1, 0, &l));
    g_assert_cmpint(l.type, ==, 0);
    g_assert_true(sdpline_next_line("=a\r", 3, 0, &l));
    g_assert_cmpint(l.type, ==, 0);
    g_assert_cmpuint(l.length, ==, 2);
    g_assert_cmpuint(l.next, ==, 3);
    g_assert_false(sdpline_next_line(NULL, 0, 0, &l));
    g_free(copy);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sdpline/connection/good", test_connection_good);
    g_test_add_func("/sdpline/connection/bad", test_connection_bad);
    g_test_add_func("/sdpline/media/good", test_media_good);
    g_test_add_func("/sdpline/media/bad", test_media_bad);
    g_test_add_func("/sdpline/other-lines", test_other_lines);
    g_test_add_func("/sdpline/body-lines", test_body_lines);
    return g_test_run();
}
