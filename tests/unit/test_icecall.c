/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_icecall.c - unit tests of the per-call ICE model (plugin/core/icecall.c).
 *
 * Each test feeds a call as the epan layer would (SDP offer and answer,
 * allocations, checks, media) and asserts what a support engineer reads in
 * the report: candidates, pairs and results, early media, promotions,
 * final path and verdict.
 */
#include <glib.h>
#include <string.h>

#include "icecall.h"

static icecall_addr_t
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    icecall_addr_t x;
    memset(&x, 0, sizeof(x));
    x.family = 4;
    x.addr[0] = a;
    x.addr[1] = b;
    x.addr[2] = c;
    x.addr[3] = d;
    x.port = port;
    return x;
}

/* A SIP message of the call as the epan layer describes it (no tags, no CSeq). */
static icecall_msg_t
sipmsg(uint32_t frame, int64_t time_us, const char *call_id, const char *from, const char *to, const char *message,
       bool is_request, icecall_addr_t src, icecall_addr_t dst)
{
    icecall_msg_t m;
    memset(&m, 0, sizeof(m));
    m.frame = frame;
    m.time_us = time_us;
    m.call_id = call_id;
    m.from_uri = from;
    m.to_uri = to;
    m.message = message;
    m.is_request = is_request;
    m.src = src;
    m.dst = dst;
    return m;
}

static icecall_cand_in_t
cand(icecall_ctype_t type, icecall_addr_t addr, uint32_t prio, const char *foundation)
{
    icecall_cand_in_t c;
    memset(&c, 0, sizeof(c));
    c.version = 19;
    c.type = type;
    c.transport = "UDP";
    c.component = 1;
    c.priority = prio;
    c.addr = addr;
    c.foundation = foundation;
    return c;
}

/* Alice 10.10.20.31 (host) + relay 203.0.113.20:3480; Bob 10.10.40.52 (host). */
static void
offer_answer(icecall_model_t *m)
{
    icecall_cand_in_t a[] = {
        cand(ICECALL_CTYPE_HOST, v4(10, 10, 20, 31, 21346), 2130706431, "1"),
        cand(ICECALL_CTYPE_RELAY, v4(203, 0, 113, 20, 3480), 16648959, "7"),
    };
    icecall_cand_in_t b[] = {
        cand(ICECALL_CTYPE_HOST, v4(10, 10, 40, 52, 30112), 2130706431, "1"),
    };
    icecall_media_in_t ma = { 0, "audio", 19, v4(10, 10, 20, 31, 21346), "L1xu", a, 2, NULL, 0, NULL };
    icecall_media_in_t mb = { 0, "audio", 19, v4(10, 10, 40, 52, 30112), "kwD6", b, 1, NULL, 0, NULL };
    icecall_msg_t invite = sipmsg(4, 1000000, "call-1", "sip:alice@contoso.com", "sip:bob@contoso.com", "INVITE", true,
                                  v4(10, 10, 20, 31, 0), v4(10, 10, 1, 10, 0));
    icecall_msg_t ok = sipmsg(10, 3000000, "call-1", "sip:alice@contoso.com", "sip:bob@contoso.com", "200", false,
                              v4(10, 10, 1, 10, 0), v4(10, 10, 20, 31, 0));
    g_assert_true(icecall_add_sdp(m, &invite, &ma, 1));
    g_assert_true(icecall_add_sdp(m, &ok, &mb, 1));
    /* Alice's allocation backs her relay candidate. */
    icecall_addr_t client = v4(10, 10, 20, 31, 50040), edge = v4(203, 0, 113, 20, 3478);
    icecall_addr_t relayed = v4(203, 0, 113, 20, 3480), refl = v4(192, 0, 2, 140, 61022);
    uint8_t tx[16] = { 1 };
    icecall_add_allocation(m, 2, 500000, &client, &edge, false, false, true, tx, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 3, 540000, &client, &edge, false, true, false, tx, &relayed, &refl, 0, 60, 0);
}

/* A packet from @src to @dst; @relayed: sent by Alice through her
 * allocation 10.10.20.31:50040 -> Edge 203.0.113.20:3478 (peer @dst). */
static icecall_leg_t
leg(icecall_addr_t src, icecall_addr_t dst, bool relayed)
{
    icecall_leg_t l;
    memset(&l, 0, sizeof(l));
    l.src = src;
    l.dst = dst;
    if (relayed) {
        l.relayed = true;
        l.outbound = true;
        l.client = v4(10, 10, 20, 31, 50040);
        l.edge = v4(203, 0, 113, 20, 3478);
        l.peer = dst;
    }
    return l;
}

static void
check(icecall_model_t *m, uint32_t frame, uint16_t type, uint8_t txbyte, icecall_addr_t src, icecall_addr_t dst,
      const char *user, bool use_cand, bool relayed, icecall_frame_t *out)
{
    icecall_check_t c;
    memset(&c, 0, sizeof(c));
    c.frame = frame;
    c.time_us = (int64_t)frame * 100000;
    c.leg = leg(src, dst, relayed);
    c.stun_type = type;
    c.txid[0] = txbyte;
    c.username = user;
    c.use_candidate = use_cand;
    icecall_add_check(m, &c, out);
}

static void
media(icecall_model_t *m, uint32_t frame, icecall_addr_t src, icecall_addr_t dst, bool relayed, icecall_frame_t *out)
{
    icecall_media_pkt_t p;
    memset(&p, 0, sizeof(p));
    p.frame = frame;
    p.time_us = (int64_t)frame * 100000;
    p.leg = leg(src, dst, relayed);
    icecall_add_media(m, &p, out);
}

static void
test_early_media_promotion(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);

    offer_answer(m);
    /* Relayed check Alice relay -> Bob host succeeds first. */
    check(m, 20, 0x0001, 1, a_host, b_host, "kwD6:L1xu", false, true, &fi);
    g_assert_true(fi.valid);
    g_assert_cmpstr(fi.call_id, ==, "call-1");
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_RELAY_UDP);
    check(m, 21, 0x0101, 1, b_host, a_host, NULL, false, false, NULL);
    /* Early media over the relay. */
    media(m, 30, a_host, b_host, true, &fi);
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_RELAY_UDP);
    g_assert_false(fi.promotion);
    /* Host check: first unanswered, then success with USE-CANDIDATE. */
    check(m, 40, 0x0001, 2, a_host, b_host, "kwD6:L1xu", false, false, &fi);
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_HOST);
    g_assert_cmpuint(fi.local_offer_frame, ==, 4);
    g_assert_cmpuint(fi.remote_offer_frame, ==, 10);
    check(m, 41, 0x0001, 3, a_host, b_host, "kwD6:L1xu", true, false, NULL);
    check(m, 42, 0x0101, 3, b_host, a_host, NULL, false, false, NULL);
    /* Media moves to the host pair: a promotion, both directions once. */
    media(m, 50, a_host, b_host, false, &fi);
    g_assert_true(fi.promotion);
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_HOST);
    media(m, 51, b_host, a_host, false, &fi);
    g_assert_false(fi.promotion);

    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_nonnull(strstr(r->str, "Call-ID: call-1"));
    g_assert_nonnull(strstr(r->str, "A (caller): sip:alice@contoso.com"));
    g_assert_nonnull(strstr(r->str, "A candidates: 1 host (1 UDP), 1 relay (1 UDP)"));
    g_assert_nonnull(strstr(r->str, "B candidates: 1 host (1 UDP)"));
    g_assert_nonnull(strstr(r->str, "A: 10.10.20.31:50040 -> Edge 203.0.113.20:3478 UDP: relayed 203.0.113.20:3480, "
                                    "reflexive 192.0.2.140:61022 (frame 3)"));
    g_assert_null(strstr(r->str, "after a 401 challenge"));
    g_assert_nonnull(strstr(r->str, "A relay 203.0.113.20:3480 <-> B host 10.10.40.52:30112 (UDP): success (frame 21)"));
    g_assert_nonnull(strstr(r->str, "A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP): success (frame 42), "
                                    "nominated (frame 42)"));
    g_assert_nonnull(strstr(r->str, "Early media: relay UDP, A relay 203.0.113.20:3480 <-> B host 10.10.40.52:30112 "
                                    "(UDP), from 3.000 s (frame 30)"));
    g_assert_nonnull(strstr(r->str, "Promotion at 5.000 s (frame 50): relay UDP -> host"));
    g_assert_nonnull(strstr(r->str, "pair nominated (USE-CANDIDATE) in frame 42"));
    g_assert_nonnull(strstr(r->str, "Verdict: final path: host 10.10.20.31:21346 <-> 10.10.40.52:30112"));

    g_string_free(r, TRUE);
    icecall_model_free(m);
}

static void
count_row(const icecall_row_t *row, void *user)
{
    icecall_row_t *out = (icecall_row_t *)user;
    *out = *row;
}

static void
test_failed_call(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);
    offer_answer(m);
    /* Every check unanswered or refused. */
    check(m, 20, 0x0001, 1, a_host, b_host, "kwD6:L1xu", false, false, NULL);
    check(m, 21, 0x0001, 2, a_host, b_host, "kwD6:L1xu", false, true, NULL);
    icecall_check_t err;
    memset(&err, 0, sizeof(err));
    err.frame = 22;
    err.stun_type = 0x0111;
    err.txid[0] = 2;
    err.error_code = 431;
    icecall_add_check(m, &err, NULL);

    icecall_row_t row;
    memset(&row, 0, sizeof(row));
    icecall_foreach_row(m, NULL, count_row, &row);
    g_assert_cmpstr(row.call_id, ==, "call-1");
    g_assert_cmpuint(row.n_pairs_checked, ==, 2);
    g_assert_cmpuint(row.n_pairs_ok, ==, 0);
    g_assert_cmpstr(row.verdict, ==, "no media path: every connectivity check failed");

    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_nonnull(strstr(r->str, "(UDP): no response (1 request from frame 20)"));
    g_assert_nonnull(strstr(r->str, "(UDP): error 431 (frame 22)"));
    g_assert_nonnull(strstr(r->str, "Early media: none seen"));
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

static void
test_session_without_sip(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    check(m, 5, 0x0001, 9, v4(192, 168, 1, 6, 50016), v4(93, 71, 110, 205, 16332), "FY32:o5/I", false, false, &fi);
    g_assert_true(fi.valid);
    g_assert_cmpstr(fi.call_id, ==, "ICE session FY32/o5/I (no SIP)");
    check(m, 6, 0x0101, 9, v4(93, 71, 110, 205, 16332), v4(192, 168, 1, 6, 50016), NULL, false, false, NULL);
    media(m, 7, v4(192, 168, 1, 6, 50016), v4(93, 71, 110, 205, 16332), false, &fi);
    g_assert_true(fi.valid);
    g_assert_cmpuint(icecall_n_calls(m), ==, 1);
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_nonnull(strstr(r->str, "Missing: no SIP signalling"));
    g_assert_nonnull(strstr(r->str, "success (frame 6)"));
    g_string_free(r, TRUE);
    /* An unknown address alone does not make a call. */
    media(m, 8, v4(198, 51, 100, 1, 1000), v4(198, 51, 100, 2, 2000), false, &fi);
    g_assert_false(fi.valid);
    g_assert_cmpuint(icecall_n_calls(m), ==, 1);
    icecall_model_free(m);
}

static void
test_limits(void)
{
    /* Many calls, candidates and packets: bounded, no crash. */
    icecall_model_t *m = icecall_model_new();
    for (unsigned i = 0; i < 2000; i++) {
        char id[32];
        g_snprintf(id, sizeof(id), "call-%u", i);
        icecall_cand_in_t cs[100];
        for (unsigned k = 0; k < G_N_ELEMENTS(cs); k++)
            cs[k] = cand(ICECALL_CTYPE_HOST, v4(10, 0, (uint8_t)(i >> 8), (uint8_t)i, (uint16_t)(1000 + k)), 1, "1");
        icecall_media_in_t md[12];
        memset(md, 0, sizeof(md));
        for (unsigned k = 0; k < G_N_ELEMENTS(md); k++) {
            md[k].index = k;
            md[k].media = "audio";
            md[k].version = 19;
            md[k].cands = cs;
            md[k].n_cands = G_N_ELEMENTS(cs);
        }
        icecall_msg_t msg = sipmsg(i + 1, 0, id, "sip:a@x", "sip:b@x", "INVITE", true, v4(10, 0, 0, 1, 0),
                                   v4(10, 0, 0, 2, 0));
        icecall_add_sdp(m, &msg, md, G_N_ELEMENTS(md));
    }
    g_assert_cmpuint(icecall_n_calls(m), ==, 2000);
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_nonnull(strstr(r->str, "(more media lines than decoded)"));
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

static void
collect_rule(const icecall_finding_t *f, void *user)
{
    GArray *out = (GArray *)user;
    g_array_append_val(out, *f);
}

/* How many findings of @rule, and the frame of the last. */
static unsigned
findings_of(icecall_model_t *m, icecall_rule_t rule, uint32_t *frame)
{
    GArray *all = g_array_new(FALSE, FALSE, sizeof(icecall_finding_t));
    icecall_findings(m, 10000000, collect_rule, all);
    unsigned n = 0;
    for (guint i = 0; i < all->len; i++) {
        const icecall_finding_t *f = &g_array_index(all, icecall_finding_t, i);
        if (f->rule == rule) {
            n++;
            if (frame)
                *frame = f->frame;
        }
    }
    g_array_free(all, TRUE);
    return n;
}

static void
test_turn_credentials(void)
{
    icecall_model_t *m = icecall_model_new();
    offer_answer(m);  /* Alice's relay candidate from edge 203.0.113.20 */
    /* Her second socket, to another Edge of the pool. */
    icecall_addr_t client = v4(10, 10, 20, 31, 50042), edge = v4(203, 0, 113, 21, 3478);
    uint8_t t1[16] = { 11 }, t2[16] = { 12 }, t3[16] = { 13 };
    /* Two bare Allocates, each challenged: the normal first round, twice. */
    icecall_add_allocation(m, 1, 0, &client, &edge, false, false, false, t1, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 2, 1000, &client, &edge, false, true, false, t1, NULL, NULL, 401, 0, 0);
    icecall_add_allocation(m, 3, 2000, &client, &edge, false, false, false, t2, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 4, 3000, &client, &edge, false, true, false, t2, NULL, NULL, 401, 0, 0);
    g_assert_cmpuint(findings_of(m, ICECALL_RULE_TURN_CREDENTIALS, NULL), ==, 0);
    g_assert_cmpuint(findings_of(m, ICECALL_RULE_TURN_UNREACHABLE, NULL), ==, 0);
    /* The request with credentials is refused too: that is a rejection. */
    icecall_add_allocation(m, 5, 4000, &client, &edge, false, false, true, t3, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 6, 5000, &client, &edge, false, true, false, t3, NULL, NULL, 401, 0, 0);
    uint32_t frame = 0;
    g_assert_cmpuint(findings_of(m, ICECALL_RULE_TURN_CREDENTIALS, &frame), ==, 1);
    g_assert_cmpuint(frame, ==, 6);
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_nonnull(strstr(r->str, "203.0.113.21:3478 UDP: error 401 (frame 6) (401 1 time to requests with "
                                    "credentials: rejected)"));
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

static void
test_late_reinvite(void)
{
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);
    for (int late = 0; late <= 2; late++) {
        icecall_model_t *m = icecall_model_new();
        offer_answer(m);  /* 200 OK at 3.0 s, frame 10 */
        check(m, 20, 0x0001, 1, a_host, b_host, "kwD6:L1xu", true, false, NULL);
        check(m, 21, 0x0101, 1, b_host, a_host, NULL, false, false, NULL);
        for (uint32_t f = 30; f < 160; f++)
            media(m, f, a_host, b_host, false, NULL);  /* up to 15.9 s */
        if (late < 2) {
            /* The re-INVITE at 5.0 s (in time) or 14.0 s (11 s late). */
            icecall_addr_t rc[1] = { b_host };
            icecall_media_in_t mr = { 0, "audio", 19, a_host, "L1xu", NULL, 0, rc, 1, NULL };
            icecall_msg_t re = sipmsg(200, late ? 14000000 : 5000000, "call-1", "sip:alice@contoso.com",
                                      "sip:bob@contoso.com", "INVITE", true, v4(10, 10, 20, 31, 0), v4(10, 10, 1, 10, 0));
            icecall_add_sdp(m, &re, &mr, 1);
        }
        uint32_t frame = 0;
        g_assert_cmpuint(findings_of(m, ICECALL_RULE_NO_REINVITE, &frame), ==, late ? 1 : 0);
        if (late)
            g_assert_cmpuint(frame, ==, 10);
        icecall_model_free(m);
    }
}

static void
test_learnt_then_offered(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);
    icecall_addr_t a_v6;
    memset(&a_v6, 0, sizeof(a_v6));
    a_v6.family = 6;
    a_v6.addr[0] = 0x20, a_v6.addr[1] = 0x01, a_v6.addr[2] = 0x0d, a_v6.addr[3] = 0xb8, a_v6.addr[15] = 1;
    a_v6.port = 5000;
    icecall_cand_in_t a[] = { cand(ICECALL_CTYPE_HOST, a_host, 2130706431, "1"),
                              cand(ICECALL_CTYPE_HOST, a_v6, 2130706175, "2") };
    icecall_addr_t b_v6 = a_v6;   /* 2001:db8:0:5::2 */
    b_v6.addr[7] = 5, b_v6.addr[15] = 2, b_v6.port = 6000;
    icecall_cand_in_t b[] = { cand(ICECALL_CTYPE_HOST, b_host, 2130706431, "1"),
                              cand(ICECALL_CTYPE_HOST, b_v6, 2130706175, "2") };
    icecall_media_in_t ma = { 0, "audio", 19, a_host, "L1xu", a, 2, NULL, 0, NULL };
    icecall_media_in_t mb = { 0, "audio", 19, b_host, "kwD6", b, 2, NULL, 0, NULL };
    icecall_msg_t invite = sipmsg(4, 1000000, "call-1", "sip:alice@contoso.com", "sip:bob@contoso.com", "INVITE", true,
                                  v4(10, 10, 20, 31, 0), v4(10, 10, 1, 10, 0));
    icecall_msg_t ok = sipmsg(10, 3000000, "call-1", "sip:alice@contoso.com", "sip:bob@contoso.com", "200", false,
                              v4(10, 10, 1, 10, 0), v4(10, 10, 20, 31, 0));
    g_assert_true(icecall_add_sdp(m, &invite, &ma, 1));
    /* Bob's check reaches Alice before his answer does: his address is learnt (prflx) ... */
    check(m, 6, 0x0001, 5, b_host, a_host, "L1xu:kwD6", false, false, NULL);
    g_assert_true(icecall_add_sdp(m, &ok, &mb, 1));
    /* ... until the answer offers it as host. */
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_nonnull(strstr(r->str, "B candidates: 2 host (2 UDP)\n"));
    g_assert_null(strstr(r->str, "prflx"));
    g_assert_nonnull(strstr(r->str, "A candidates: 2 host (2 UDP)"));
    g_string_free(r, TRUE);
    /* Alice's answer to Bob's check: sent by A, so "local" is A's offer (frame 4). */
    icecall_frame_t fi;
    check(m, 12, 0x0101, 5, a_host, b_host, NULL, false, false, &fi);
    g_assert_true(fi.valid);
    g_assert_cmpuint(fi.local_offer_frame, ==, 4);
    g_assert_cmpuint(fi.remote_offer_frame, ==, 10);
    g_assert_cmpstr(fi.pair, ==, "A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP)");
    /* IPv6 text: the zero run in the middle is "::". */
    icecall_frame_t f6;
    check(m, 13, 0x0001, 6, a_v6, b_v6, "kwD6:L1xu", false, false, &f6);
    g_assert_true(f6.valid);
    g_assert_cmpstr(f6.pair, ==, "A host [2001:db8::1]:5000 <-> B host [2001:db8:0:5::2]:6000 (UDP)");
    icecall_model_free(m);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/icecall/early-media-promotion", test_early_media_promotion);
    g_test_add_func("/icecall/failed-call", test_failed_call);
    g_test_add_func("/icecall/session-without-sip", test_session_without_sip);
    g_test_add_func("/icecall/limits", test_limits);
    g_test_add_func("/icecall/turn-credentials", test_turn_credentials);
    g_test_add_func("/icecall/late-reinvite", test_late_reinvite);
    g_test_add_func("/icecall/learnt-then-offered", test_learnt_then_offered);
    return g_test_run();
}
