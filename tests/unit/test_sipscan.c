/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_sipscan.c - unit tests for the SIP context scanner (sipscan.c).
 *
 * Vectors are SIP messages as Lync/SfB send them (RFC 3261 layout, the
 * ms-client-diagnostics header of shared/specs/sip-diagnostics.md, the
 * multipart/alternative offer with an ms-proxy-2007fallback part of
 * [MS-SIPRE] 2.2.14). Every scan runs on a heap copy of exactly the window,
 * so a read past it shows up under valgrind; every window is also scanned
 * cut at every shorter length, where the scan must say what it missed
 * (NO_HEADER_END, NO_START_LINE, NO_CALL_ID) and never point outside.
 */
#include <string.h>

#include <glib.h>

#include "sipscan.h"

/* A BYE whose ms-client-diagnostics value is the header value under test. */
static const char BYE[] =
    "BYE sip:bob@contoso.com;opaque=user:epid:x;gruu SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 192.168.1.6:50050;branch=z9hG4bK1\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@contoso.com>;tag=a1b2;epid=3c4d\r\n"
    "To: sip:bob@contoso.com;tag=9f8e\r\n"
    "Call-ID: 4f1c2a7e9b0d4c55\r\n"
    "CSeq: 3 BYE\r\n"
    "ms-client-diagnostics: 51007;reason=\"Callee media connectivity diagnosis info\"\r\n"
    "Content-Length: 0\r\n"
    "\r\n";
static const char DIAG_VALUE[] = "51007;reason=\"Callee media connectivity diagnosis info\"";

/* An INVITE with a multipart/alternative offer; the body under test is the
 * second (ms-proxy-2007fallback) part, which starts right after WINDOW. */
static const char INVITE_FALLBACK[] =
    "INVITE sip:bob@contoso.com SIP/2.0\r\n"
    "i: 77aa9c01\r\n"
    "f: <sip:alice@contoso.com>;tag=1\r\n"
    "t: <sip:bob@contoso.com>\r\n"
    "Content-Type: multipart/alternative;boundary=\"----=_NextPart_000_0001\"\r\n"
    "\r\n"
    "------=_NextPart_000_0001\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "Content-Disposition: session; handling=optional; ms-proxy-2007fallback\r\n"
    "\r\n";

/* ---- helpers ------------------------------------------------------------ */

static void
assert_in(sipscan_span_t s, size_t len)
{
    g_assert_cmpuint((uint64_t)s.offset + s.length, <=, len);
}

static void
assert_span(const char *w, bool has, sipscan_span_t s, const char *text)
{
    g_assert_true(has);
    g_assert_cmpmem(w + s.offset, s.length, text, strlen(text));
}

static void
check_invariants(const sipscan_context_t *c, size_t len)
{
    if (c->problems == 0)
        g_assert_cmpint(c->status, ==, SIPSCAN_OK);
    else
        g_assert_cmpint(c->status, ==, __builtin_ctz(c->problems));
    g_assert_cmpuint(c->problems >> SIPSCAN_STATUS_COUNT, ==, 0);
    assert_in(c->call_id, len);
    assert_in(c->from_uri, len);
    assert_in(c->to_uri, len);
    assert_in(c->message, len);
    assert_in(c->from_tag, len);
    assert_in(c->to_tag, len);
    assert_in(c->cseq_method, len);
    g_assert_true(!c->has_from_tag || c->from_tag.length > 0);
    g_assert_true(!c->has_to_tag || c->to_tag.length > 0);
    g_assert_true(c->has_cseq ? c->cseq_method.length > 0 : c->cseq == 0);
    g_assert_true(c->has_call_id || c->call_id.length == 0);
    g_assert_cmpint(c->has_call_id, !=, (c->problems >> SIPSCAN_NO_CALL_ID) & 1u);
}

/* ---- start lines -------------------------------------------------------- */

static void
test_start_line(void)
{
    static const struct { const char *line; const char *message; } rows[] = {
        { "SIP/2.0 200 OK", "200" },
        { "SIP/2.0 180 Ringing", "180" },
        { "SIP/2.0 488", "488" },
        { "INVITE sip:bob@contoso.com SIP/2.0", "INVITE" },
        { "SERVICE sip:alice@contoso.com;gruu;opaque=srvr:MRAS:x SIP/2.0", "SERVICE" },
        /* a transport byte in front ('E' = IPv4 0x45): the longest known method */
        { "ESERVICE sip:a@b SIP/2.0", "SERVICE" },
        { "\x16\x03\x01 BYE sip:a@b SIP/2.0", "BYE" },
        /* an unknown method is taken as written */
        { "FOO sip:a@b sip/2.0", "FOO" },
    };
    static const char *const not_start[] = {
        "Via: SIP/2.0/UDP 10.0.0.1:5060", "SIP/2.0 20 OK", "SIP/2.0 2000 OK", "sip:a@b SIP/2.0",
        "invite sip:a@b SIP/2.0", "INVITE sip:a@b SIP/3.0", "", "SIP/2.0",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        size_t n = strlen(rows[i].line);
        char *c = g_memdup2(rows[i].line, n);
        sipscan_span_t m;
        g_test_message("start line: '%s'", rows[i].line);
        g_assert_true(sipscan_start_line(c, n, &m));
        assert_in(m, n);
        g_assert_cmpmem(c + m.offset, m.length, rows[i].message, strlen(rows[i].message));
        g_free(c);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(not_start); i++) {
        size_t n = strlen(not_start[i]);
        char *c = g_memdup2(not_start[i], n ? n : 1);
        sipscan_span_t m;
        g_test_message("not a start line: '%s'", not_start[i]);
        g_assert_false(sipscan_start_line(c, n, &m));
        g_free(c);
    }
}

/* ---- around a header value --------------------------------------------- */

static void
test_header_context(void)
{
    size_t n = strlen(BYE);
    char *w = g_memdup2(BYE, n);
    size_t voff = (size_t)(strstr(BYE, DIAG_VALUE) - BYE);
    sipscan_context_t c;

    g_assert_cmpint(sipscan_context_of_header(w, n, voff, strlen(DIAG_VALUE), &c), ==, SIPSCAN_OK);
    check_invariants(&c, n);
    assert_span(w, c.has_message, c.message, "BYE");
    assert_span(w, c.has_call_id, c.call_id, "4f1c2a7e9b0d4c55");
    assert_span(w, c.has_from, c.from_uri, "sip:alice@contoso.com");
    assert_span(w, c.has_to, c.to_uri, "sip:bob@contoso.com");
    assert_span(w, c.has_from_tag, c.from_tag, "a1b2");
    assert_span(w, c.has_to_tag, c.to_tag, "9f8e");
    g_assert_true(c.has_cseq);
    g_assert_cmpuint(c.cseq, ==, 3);
    assert_span(w, c.has_cseq, c.cseq_method, "BYE");
    g_assert_false(c.fallback);

    /* Cut at every shorter length that still holds the value: without its
     * blank line the scan says so, and reads nothing past the cut. */
    size_t end_of_headers = n - 2;      /* before the final CRLF */
    for (size_t p = voff + strlen(DIAG_VALUE); p < n; p++) {
        char *cut = g_memdup2(BYE, p);
        sipscan_status_t st = sipscan_context_of_header(cut, p, voff, strlen(DIAG_VALUE), &c);
        check_invariants(&c, p);
        g_assert_cmpint(st, ==, p <= end_of_headers ? SIPSCAN_NO_HEADER_END : SIPSCAN_OK);
        assert_span(cut, c.has_message, c.message, "BYE");
        g_free(cut);
    }
    /* A window starting after the start line: no message, no Call-ID
     * before the value means none is read (Call-ID precedes it here). */
    size_t from = (size_t)(strstr(BYE, "Max-Forwards") - BYE);
    g_assert_cmpint(sipscan_context_of_header(w + from, n - from, voff - from, strlen(DIAG_VALUE), &c), ==,
                    SIPSCAN_NO_START_LINE);
    check_invariants(&c, n - from);
    g_assert_false(c.has_message);
    assert_span(w + from, c.has_call_id, c.call_id, "4f1c2a7e9b0d4c55");
    g_free(w);
}

static void
test_header_context_stops(void)
{
    /* Transport bytes between two messages stop the scan back; a header
     * after the value is still read (To here). */
    static const char msg[] =
        "\x01\x02\x03\x04\r\n"
        "Call-ID: zz\r\n"
        "ms-diagnostics: 1034;reason=\"x\"\r\n"
        "To: <sip:carol@fabrikam.com>\r\n"
        "\r\n";
    size_t n = sizeof msg - 1;
    char *w = g_memdup2(msg, n);
    size_t voff = (size_t)(strstr(msg, "1034") - msg);
    sipscan_context_t c;
    g_assert_cmpint(sipscan_context_of_header(w, n, voff, 15, &c), ==, SIPSCAN_NO_START_LINE);
    check_invariants(&c, n);
    assert_span(w, c.has_call_id, c.call_id, "zz");
    assert_span(w, c.has_to, c.to_uri, "sip:carol@fabrikam.com");
    g_assert_false(c.has_from);

    /* An empty Call-ID is there (and empty); a NUL ends a value as a C
     * string would; folded lines are not headers. In front of a body every
     * line is read; around a header value a line with a control byte (the
     * NUL) ends the scan back. */
    static const char odd[] =
        "SIP/2.0 200 OK\r\n"
        "Call-ID:   \r\n"
        "From: sip:a@b\0<sip:x@y>\r\n"
        "  To: sip:folded@z\r\n"
        "ms-subnet: 10.0.0.0\r\n"
        "\r\n";
    n = sizeof odd - 1;
    g_free(w);
    w = g_memdup2(odd, n);
    g_assert_cmpint(sipscan_context_of_body(w, n, &c), ==, SIPSCAN_OK);
    check_invariants(&c, n);
    assert_span(w, c.has_call_id, c.call_id, "");
    assert_span(w, c.has_from, c.from_uri, "sip:a@b");
    g_assert_false(c.has_to);
    assert_span(w, c.has_message, c.message, "200");
    voff = n - 2 - 2 - 8;   /* "10.0.0.0" before the last two CRLF */
    g_assert_cmpmem(w + voff, 8, "10.0.0.0", 8);
    g_assert_cmpint(sipscan_context_of_header(w, n, voff, 8, &c), ==, SIPSCAN_NO_START_LINE);
    check_invariants(&c, n);
    g_assert_false(c.has_from);
    g_assert_false(c.has_call_id);
    g_free(w);
}

static void
test_header_context_ranges(void)
{
    sipscan_context_t c;
    char w[8] = "abcdefg";
    g_assert_cmpint(sipscan_context_of_header(w, 7, 8, 0, &c), ==, SIPSCAN_BAD_RANGE);
    g_assert_cmpint(sipscan_context_of_header(w, 7, 5, 3, &c), ==, SIPSCAN_BAD_RANGE);
    g_assert_cmpint(sipscan_context_of_header(NULL, 7, 0, 0, &c), ==, SIPSCAN_BAD_RANGE);
    /* too large: not read at all (the window's bytes are not touched) */
    g_assert_cmpint(sipscan_context_of_header(w, SIPSCAN_MAX_WINDOW + 1u, 0, 0, &c), ==, SIPSCAN_TOO_LARGE);
    g_assert_cmpint(sipscan_context_of_body(w, SIPSCAN_MAX_WINDOW + 1u, &c), ==, SIPSCAN_TOO_LARGE);
    /* an empty window: nothing found, nothing read */
    g_assert_cmpint(sipscan_context_of_header(w, 0, 0, 0, &c), ==, SIPSCAN_NO_START_LINE);
    g_assert_true(c.problems & (1u << SIPSCAN_NO_CALL_ID));
    g_assert_cmpstr(sipscan_status_to_string(SIPSCAN_NO_HEADER_END), ==,
                    "SIP headers not ended by a blank line within the window");
}

/* ---- in front of a body ------------------------------------------------- */

static void
test_body_context_fallback(void)
{
    size_t n = strlen(INVITE_FALLBACK);
    char *w = g_memdup2(INVITE_FALLBACK, n);
    sipscan_context_t c;
    g_assert_cmpint(sipscan_context_of_body(w, n, &c), ==, SIPSCAN_OK);
    check_invariants(&c, n);
    g_assert_true(c.fallback);
    assert_span(w, c.has_message, c.message, "INVITE");
    assert_span(w, c.has_call_id, c.call_id, "77aa9c01");         /* compact forms i, f, t */
    assert_span(w, c.has_from, c.from_uri, "sip:alice@contoso.com");
    assert_span(w, c.has_to, c.to_uri, "sip:bob@contoso.com");
    assert_span(w, c.has_from_tag, c.from_tag, "1");
    g_assert_false(c.has_to_tag);                    /* an initial INVITE: no To tag yet */
    g_assert_false(c.has_cseq);

    /* The same message without the part's Content-Disposition: not the fallback part */
    const char *cd = strstr(INVITE_FALLBACK, "Content-Disposition");
    size_t cut = (size_t)(cd - INVITE_FALLBACK);
    GString *plain = g_string_new_len(INVITE_FALLBACK, (gssize)cut);
    g_string_append(plain, "\r\n");
    char *w2 = g_memdup2(plain->str, plain->len);
    g_assert_cmpint(sipscan_context_of_body(w2, plain->len, &c), ==, SIPSCAN_OK);
    g_assert_false(c.fallback);
    g_free(w2);
    g_string_free(plain, TRUE);

    /* Every window that starts later (the capture lost the segment with the
     * start line): no start line; the fallback part is told only while its
     * boundary line is in the window. (A window cut inside "INVITE" keeps
     * the tail of the method: the start line is matched from its end, for
     * the transport bytes that may stand in front of it.) */
    size_t boundary = (size_t)(strstr(INVITE_FALLBACK, "------=_NextPart") - INVITE_FALLBACK);
    for (size_t from = strlen("INVITE"); from < n; from++) {
        sipscan_status_t st = sipscan_context_of_body(w + from, n - from, &c);
        check_invariants(&c, n - from);
        g_assert_cmpint(st, !=, SIPSCAN_OK);
        g_assert_true(c.problems & (1u << SIPSCAN_NO_START_LINE));
        if (from > boundary && strncmp(INVITE_FALLBACK + from, "--", 2) != 0)
            g_assert_false(c.fallback);     /* no boundary line left: no part seen */
    }
    /* and every window cut before the body (the part headers incomplete) */
    for (size_t p = 0; p < n; p++) {
        char *pc = g_memdup2(INVITE_FALLBACK, p ? p : 1);
        (void)sipscan_context_of_body(pc, p, &c);
        check_invariants(&c, p);
        g_free(pc);
    }
    g_free(w);
}

static void
test_body_context_plain(void)
{
    /* A 200 OK with a plain SDP body: the blank line is just read over. */
    static const char ok[] =
        "SIP/2.0 200 OK\r\n"
        "Call-ID: 1234\r\n"
        "To: <sip:bob@contoso.com>;tag=x\r\n"
        "Content-Type: application/sdp\r\n"
        "\r\n";
    size_t n = sizeof ok - 1;
    char *w = g_memdup2(ok, n);
    sipscan_context_t c;
    g_assert_cmpint(sipscan_context_of_body(w, n, &c), ==, SIPSCAN_OK);
    check_invariants(&c, n);
    assert_span(w, c.has_message, c.message, "200");
    assert_span(w, c.has_call_id, c.call_id, "1234");
    g_assert_false(c.has_from);
    g_assert_false(c.fallback);
    /* without a Call-ID */
    static const char anon[] = "SIP/2.0 200 OK\r\nContent-Type: application/sdp\r\n\r\n";
    g_free(w);
    w = g_memdup2(anon, sizeof anon - 1);
    g_assert_cmpint(sipscan_context_of_body(w, sizeof anon - 1, &c), ==, SIPSCAN_NO_CALL_ID);
    assert_span(w, c.has_message, c.message, "200");
    g_free(w);
}

/* RFC 3261 20.16 CSeq and 20.20/20.39 tag parameters, as the first pass of
 * the call model reads them (which INVITE is a re-INVITE, which fork answered). */
static void
test_tags_and_cseq(void)
{
    static const struct {
        const char *headers;
        const char *from_tag, *to_tag;      /* NULL: none */
        const char *method;                 /* NULL: no readable CSeq */
        uint32_t cseq;
    } rows[] = {
        { "From: <sip:a@b;tag=notme>;tag=real\r\nTo: sip:b@c;tag = x ;foo\r\nCSeq: 2 INVITE\r\n",
          "real", "x", "INVITE", 2 },
        { "f: \"A\" <sip:a@b> ; TAG=Ab-1,x\r\nt: <sip:b@c>;tag=;tag=y\r\nCSeq:  00000000000007\tACK  \r\n",
          "Ab-1", NULL, "ACK", 7 },
        { "From: sip:a@b;tagx=1;tag\r\nTo: <sip:b@c>\r\nCSeq: 1INVITE\r\nCSeq: 5 CANCEL\r\n",
          NULL, NULL, "CANCEL", 5 },
        { "From: <sip:a@b>;tag=q\r\nCSeq: 4294967296 INVITE\r\nCSeq: 1 INVITE x\r\nCSeq: x BYE\r\n",
          "q", NULL, NULL, 0 },
        /* in front of a body the lines are read from the body up: the nearest wins */
        { "CSeq: 1 INVITE\r\nCSeq: 4294967295 BYE\r\n", NULL, NULL, "BYE", 4294967295u },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        GString *m = g_string_new("SIP/2.0 200 OK\r\nCall-ID: t\r\n");
        g_string_append(m, rows[i].headers);
        g_string_append(m, "\r\n");
        char *w = g_memdup2(m->str, m->len);
        sipscan_context_t c;
        g_test_message("headers: %s", rows[i].headers);
        g_assert_cmpint(sipscan_context_of_body(w, m->len, &c), ==, SIPSCAN_OK);
        check_invariants(&c, m->len);
        if (rows[i].from_tag)
            assert_span(w, c.has_from_tag, c.from_tag, rows[i].from_tag);
        else
            g_assert_false(c.has_from_tag);
        if (rows[i].to_tag)
            assert_span(w, c.has_to_tag, c.to_tag, rows[i].to_tag);
        else
            g_assert_false(c.has_to_tag);
        if (rows[i].method) {
            assert_span(w, c.has_cseq, c.cseq_method, rows[i].method);
            g_assert_cmpuint(c.cseq, ==, rows[i].cseq);
        } else {
            g_assert_false(c.has_cseq);
        }
        g_free(w);
        g_string_free(m, TRUE);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sipscan/start-line", test_start_line);
    g_test_add_func("/sipscan/header/context", test_header_context);
    g_test_add_func("/sipscan/header/stops", test_header_context_stops);
    g_test_add_func("/sipscan/header/ranges", test_header_context_ranges);
    g_test_add_func("/sipscan/body/fallback", test_body_context_fallback);
    g_test_add_func("/sipscan/body/plain", test_body_context_plain);
    g_test_add_func("/sipscan/tags-and-cseq", test_tags_and_cseq);
    return g_test_run();
}
