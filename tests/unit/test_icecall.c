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

/* check() and media() feed packets as the epan layer does when no tree or tap shows them. */
static bool feed_brief;

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
    c.brief = feed_brief;
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
    p.brief = feed_brief;
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

/* The early-media-then-promotion call, fed with or without feed_brief;
 * @promo: the frame of the promoting media packet. */
static icecall_model_t *
promotion_call(bool brief, icecall_frame_t *promo)
{
    icecall_model_t *m = icecall_model_new();
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);
    feed_brief = brief;
    offer_answer(m);
    check(m, 20, 0x0001, 1, a_host, b_host, "kwD6:L1xu", false, true, NULL);
    check(m, 21, 0x0101, 1, b_host, a_host, NULL, false, false, NULL);
    media(m, 30, a_host, b_host, true, NULL);
    check(m, 41, 0x0001, 3, a_host, b_host, "kwD6:L1xu", true, false, NULL);
    check(m, 42, 0x0101, 3, b_host, a_host, NULL, false, false, NULL);
    media(m, 50, a_host, b_host, false, promo);
    media(m, 51, b_host, a_host, false, NULL);
    feed_brief = false;
    return m;
}

/* A packet nothing shows (brief) changes the model as any other: the same
 * reports; its frame has the pair and the promotion but no call, media
 * name or path, which the second pass's lookup gives back. */
static void
test_brief_same_model(void)
{
    icecall_frame_t full, brief;
    icecall_model_t *m1 = promotion_call(false, &full);
    icecall_model_t *m2 = promotion_call(true, &brief);
    GString *r1 = g_string_new(""), *r2 = g_string_new("");
    icecall_report(m1, r1, NULL);
    icecall_report(m2, r2, NULL);
    g_assert_cmpstr(r1->str, ==, r2->str);
    g_string_truncate(r1, 0);
    g_string_truncate(r2, 0);
    icecall_report_json(m1, r1, NULL);
    icecall_report_json(m2, r2, NULL);
    g_assert_cmpstr(r1->str, ==, r2->str);

    g_assert_true(full.valid && brief.valid);
    g_assert_true(full.promotion && brief.promotion);
    g_assert_cmpstr(full.call_id, ==, "call-1");
    g_assert_cmpint(full.path, ==, ICECALL_PATH_HOST);
    g_assert_cmpstr(brief.call_id, ==, "");
    g_assert_cmpstr(brief.media, ==, "");
    g_assert_cmpint(brief.path, ==, ICECALL_PATH_NONE);
    g_assert_cmpstr(icecall_frame_pair(&brief), ==, icecall_frame_pair(&full));
    g_assert_cmpstr(icecall_frame_pair(&brief), ==, "A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP)");

    /* The second pass looks the frame up again, with everything. */
    icecall_media_pkt_t p;
    icecall_frame_t again;
    memset(&p, 0, sizeof(p));
    p.frame = 50;
    p.time_us = 5000000;
    p.leg.src = v4(10, 10, 20, 31, 21346);
    p.leg.dst = v4(10, 10, 40, 52, 30112);
    icecall_lookup_media(m2, &p, &again);
    g_assert_true(again.valid);
    g_assert_cmpstr(again.call_id, ==, "call-1");
    g_assert_cmpstr(again.media, ==, full.media);
    g_assert_cmpint(again.path, ==, ICECALL_PATH_HOST);

    g_string_free(r1, TRUE);
    g_string_free(r2, TRUE);
    icecall_model_free(m1);
    icecall_model_free(m2);
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
            md[k].mline = k;
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
    /* Each cap says what it refused: 4 media lines of each call (index 8
     * to 11) and 36 candidates of each of the 8 media lines kept, first in
     * the first call's frame. */
    g_assert_nonnull(strstr(r->str, "\nLimits reached: what is past a cap is not followed and not in this report\n"
                                    "  8,000 media lines not followed (cap: 8 per call), first at frame 1\n"
                                    "  576,000 candidates not followed (cap: 64 per side and media line), first at "
                                    "frame 1\n\nCall-ID: call-0\n"));
    g_assert_nonnull(strstr(r->str, "    (more than 64 candidates of A: the rest are not followed)\n"));
    g_string_free(r, TRUE);
    icecall_limit_info_t li;
    icecall_limit_info(m, ICECALL_LIMIT_CALLS, &li);
    g_assert_false(li.reached);
    g_assert_cmpuint(li.cap, ==, ICECALL_MAX_CALLS);
    icecall_model_free(m);
}

/* An ICE media line (an SDP without one makes no call). */
static const icecall_media_in_t ice_line = { .mline = 0, .media = "audio", .version = 19 };

/* Issue 14: the report of a capture with more calls than the model follows
 * says how many it followed of how many, and where the cap was reached. */
static void
test_limit_calls(void)
{
    icecall_model_t *m = icecall_model_new();
    char id[32];
    for (uint32_t i = 0; i < ICECALL_MAX_CALLS + 5u; i++) {
        g_snprintf(id, sizeof(id), "call-%u", i);
        icecall_msg_t msg = { i + 1, 0, id, "sip:a@x", "sip:b@x", "INVITE", true, v4(10, 0, 0, 1, 0),
                              v4(10, 0, 0, 2, 0), NULL, NULL, NULL, 0 };
        g_assert_true(icecall_add_sdp(m, &msg, &ice_line, 1) == (i < ICECALL_MAX_CALLS));
    }
    /* The refused calls again (their 200 OK, a location, diagnostics):
     * still 5 calls refused, first at frame 100,001. */
    for (uint32_t i = ICECALL_MAX_CALLS; i < ICECALL_MAX_CALLS + 5u; i++) {
        g_snprintf(id, sizeof(id), "call-%u", i);
        icecall_msg_t msg = { 200000 + i, 0, id, "sip:a@x", "sip:b@x", "200", false, v4(10, 0, 0, 2, 0),
                              v4(10, 0, 0, 1, 0), NULL, NULL, NULL, 0 };
        g_assert_false(icecall_add_sdp(m, &msg, &ice_line, 1));
        icecall_set_location(m, &msg, ICECALL_LOC_INTERNET);
        icecall_diag_in_t d = { true, 23, "reason", false, 0, NULL };
        icecall_add_diagnostics(m, &msg, &d);
    }
    g_assert_cmpuint(icecall_n_calls(m), ==, ICECALL_MAX_CALLS);
    icecall_limit_info_t li;
    icecall_limit_info(m, ICECALL_LIMIT_CALLS, &li);
    g_assert_true(li.reached);
    g_assert_cmpuint(li.first_frame, ==, ICECALL_MAX_CALLS + 1u);
    /* The epan side asks this on every frame before looking at each cap. */
    g_assert_true(icecall_limit_reached_by(m, ICECALL_MAX_CALLS + 1u));
    g_assert_true(icecall_limit_reached_by(m, 1));
    g_assert_false(icecall_limit_reached_by(m, ICECALL_MAX_CALLS + 2u));
    g_assert_cmpuint(li.refused, ==, 5);
    g_assert_false(li.at_least);
    char buf[200];
    icecall_limit_text(m, ICECALL_LIMIT_CALLS, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "100,000 of 100,005 calls followed: cap reached at frame 100001");
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_true(g_str_has_prefix(strstr(r->str, "Limits reached"),
                                   "Limits reached: what is past a cap is not followed and not in this report\n"
                                   "  100,000 of 100,005 calls followed: cap reached at frame 100001\n\n"
                                   "Call-ID: call-0\n"));
    g_assert_nonnull(strstr(r->str, "Call-ID: call-99999\n"));
    g_assert_null(strstr(r->str, "Call-ID: call-100000\n"));
    g_string_free(r, TRUE);
    /* Unreached caps say nothing. */
    icecall_limit_text(m, ICECALL_LIMIT_PAIRS, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "");
    icecall_model_free(m);
}

/* Past ICECALL_MAX_REFUSED_KEYS distinct refusals the count is a lower bound. */
static void
test_limit_refused_keys(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_CALLS, 1);
    char id[32];
    for (uint32_t i = 0; i < ICECALL_MAX_REFUSED_KEYS + 3u; i++) {
        g_snprintf(id, sizeof(id), "c%u", i);
        icecall_msg_t msg = { i + 1, 0, id, "sip:a@x", "sip:b@x", "INVITE", true, v4(10, 0, 0, 1, 0),
                              v4(10, 0, 0, 2, 0), NULL, NULL, NULL, 0 };
        icecall_add_sdp(m, &msg, &ice_line, 1);
    }
    icecall_limit_info_t li;
    icecall_limit_info(m, ICECALL_LIMIT_CALLS, &li);
    g_assert_cmpuint(li.refused, ==, ICECALL_MAX_REFUSED_KEYS);
    g_assert_true(li.at_least);
    char buf[200];
    icecall_limit_text(m, ICECALL_LIMIT_CALLS, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "1 of at least 1,000,001 calls followed: cap reached at frame 2");
    icecall_model_free(m);
}

static void
assert_limit(icecall_model_t *m, icecall_limit_t l, uint32_t frame, uint64_t refused, const char *text)
{
    icecall_limit_info_t li;
    char buf[200];
    icecall_limit_info(m, l, &li);
    g_assert_true(li.reached);
    g_assert_cmpuint(li.first_frame, ==, frame);
    g_assert_cmpuint(li.refused, ==, refused);
    icecall_limit_text(m, l, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, text);
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    char *line = g_strdup_printf("\n  %s\n", text);
    g_assert_nonnull(strstr(r->str, line));
    g_free(line);
    g_string_free(r, TRUE);
}

/* The text (or with @json, the JSON) report holds @text. */
static bool
output_has(icecall_model_t *m, bool json, const char *text)
{
    GString *r = g_string_new("");
    if (json)
        icecall_report_json(m, r, NULL);
    else
        icecall_report(m, r, NULL);
    bool found = strstr(r->str, text) != NULL;
    g_string_free(r, TRUE);
    return found;
}

static bool
report_has(icecall_model_t *m, const char *text)
{
    return output_has(m, false, text);
}

/* A reset model is empty, keeps its caps, and gives the same report as a new one. */
static void
test_reset(void)
{
    icecall_model_t *fresh = icecall_model_new(), *m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_CANDS, 1);
    offer_answer(m);
    icecall_limit_info_t li;
    icecall_limit_info(m, ICECALL_LIMIT_CANDS, &li);
    g_assert_true(li.reached);
    icecall_model_reset(m);
    g_assert_cmpuint(icecall_n_calls(m), ==, 0);
    icecall_limit_info(m, ICECALL_LIMIT_CANDS, &li);
    g_assert_false(li.reached);
    g_assert_cmpuint(li.refused, ==, 0);
    g_assert_cmpuint(li.cap, ==, 1);
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_nonnull(strstr(r->str, "\nNo calls with ICE found.\n"));
    icecall_model_set_limit(m, ICECALL_LIMIT_CANDS, ICECALL_MAX_CANDS);
    offer_answer(m);
    offer_answer(fresh);
    GString *rf = g_string_new("");
    g_string_truncate(r, 0);
    icecall_report(m, r, NULL);
    icecall_report(fresh, rf, NULL);
    g_assert_cmpstr(r->str, ==, rf->str);
    g_string_free(r, TRUE);
    g_string_free(rf, TRUE);
    icecall_model_free(m);
    icecall_model_free(fresh);
}

/* Every cap, lowered so a few events reach it. */
static void
test_limit_each(void)
{
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);
    icecall_addr_t a_relay = v4(203, 0, 113, 20, 3480);

    /* The setter clamps to 1 .. the compiled cap. */
    icecall_model_t *m = icecall_model_new();
    icecall_limit_info_t li;
    icecall_model_set_limit(m, ICECALL_LIMIT_CALLS, 0);
    icecall_limit_info(m, ICECALL_LIMIT_CALLS, &li);
    g_assert_cmpuint(li.cap, ==, 1);
    icecall_model_set_limit(m, ICECALL_LIMIT_MEDIA, 1000);
    icecall_limit_info(m, ICECALL_LIMIT_MEDIA, &li);
    g_assert_cmpuint(li.cap, ==, ICECALL_MAX_MEDIA);
    icecall_model_set_limit(m, ICECALL_LIMIT_COUNT, 1);
    icecall_limit_info(m, ICECALL_LIMIT_COUNT, &li);
    g_assert_false(li.reached);
    g_assert_cmpuint(li.cap, ==, 0);
    g_assert_cmpstr(icecall_limit_name(ICECALL_LIMIT_COUNT), ==, "unknown");
    g_assert_cmpstr(icecall_limit_scope(ICECALL_LIMIT_COUNT), ==, "");
    g_assert_cmpstr(icecall_limit_name(ICECALL_LIMIT_CANDS), ==, "candidates");
    g_assert_cmpstr(icecall_limit_scope(ICECALL_LIMIT_CANDS), ==, " per side and media line");
    /* The expert info says what happens past each cap: most refuse, two forget. */
    g_assert_cmpstr(icecall_limit_past(ICECALL_LIMIT_CANDS), ==, "more are not followed");
    g_assert_cmpstr(icecall_limit_past(ICECALL_LIMIT_COUNT), ==, "more are not followed");
    g_assert_cmpstr(icecall_limit_past(ICECALL_LIMIT_LOCATIONS), ==,
                    "the ones between the first and the latest are forgotten");
    g_assert_cmpstr(icecall_limit_past(ICECALL_LIMIT_DESTINATIONS), ==, "the oldest are forgotten");
    icecall_model_free(m);

    /* Media lines: 3 offered twice, 2 refused once each. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_MEDIA, 1);
    icecall_cand_in_t c1 = cand(ICECALL_CTYPE_HOST, a_host, 1, "1");
    icecall_media_in_t md[3] = {
        { 0, "audio", 19, a_host, "u1", &c1, 1, NULL, 0, NULL },
        { 1, "video", 19, a_host, "u2", &c1, 1, NULL, 0, NULL },
        { 2, "data", 19, a_host, "u3", &c1, 1, NULL, 0, NULL },
    };
    icecall_msg_t inv = { 5, 0, "call-1", "sip:a@x", "sip:b@x", "INVITE", true, v4(10, 0, 0, 1, 0),
                          v4(10, 0, 0, 2, 0), NULL, NULL, NULL, 0 };
    icecall_add_sdp(m, &inv, md, 3);
    inv.frame = 9;
    icecall_add_sdp(m, &inv, md, 3);
    assert_limit(m, ICECALL_LIMIT_MEDIA, 5, 2, "2 media lines not followed (cap: 1 per call), first at frame 5");
    g_assert_true(report_has(m, "  (more media lines than decoded)\n"));
    icecall_model_free(m);

    /* Candidates: A offers 3, B 4, both again later. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_CANDS, 2);
    icecall_cand_in_t ca[4];
    for (unsigned i = 0; i < 4; i++)
        ca[i] = cand(ICECALL_CTYPE_HOST, v4(10, 10, 20, 31, (uint16_t)(5000 + i)), 1, "1");
    icecall_media_in_t mA = { 0, "audio", 19, a_host, "uA", ca, 3, NULL, 0, NULL };
    icecall_media_in_t mB = { 0, "audio", 19, b_host, "uB", ca, 4, NULL, 0, NULL };
    icecall_msg_t ok = { 10, 0, "call-1", "sip:a@x", "sip:b@x", "200", false, v4(10, 0, 0, 2, 0),
                         v4(10, 0, 0, 1, 0), NULL, NULL, NULL, 0 };
    inv.frame = 4;
    icecall_add_sdp(m, &inv, &mA, 1);
    icecall_add_sdp(m, &ok, &mB, 1);
    inv.frame = 20;
    icecall_add_sdp(m, &inv, &mA, 1);
    assert_limit(m, ICECALL_LIMIT_CANDS, 4, 3,
                 "3 candidates not followed (cap: 2 per side and media line), first at frame 4");
    g_assert_true(report_has(m, "    (more than 2 candidates of A: the rest are not followed)\n"
                                "    (more than 2 candidates of B: the rest are not followed)\n"));
    icecall_model_free(m);

    /* Pairs: the second pair checked is refused; its response finds no transaction. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_PAIRS, 1);
    offer_answer(m);
    check(m, 20, 0x0001, 1, a_host, b_host, "kwD6:L1xu", false, false, NULL);
    icecall_frame_t fi;
    check(m, 21, 0x0001, 2, a_host, b_host, "kwD6:L1xu", false, true, &fi);
    g_assert_false(fi.valid);
    check(m, 22, 0x0001, 3, a_host, b_host, "kwD6:L1xu", false, true, NULL);
    assert_limit(m, ICECALL_LIMIT_PAIRS, 21, 1,
                 "1 candidate pairs not followed (cap: 1 per media line), first at frame 21");
    g_assert_true(report_has(m, "    (more than 1 candidate pairs: the rest are not followed)\n"));
    icecall_model_free(m);

    /* Promotions: relay (early media), host (promotion 1), back to the
     * relay much later (promotion 2, refused). */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_PROMOTIONS, 1);
    offer_answer(m);
    media(m, 30, a_host, b_host, true, NULL);
    media(m, 50, a_host, b_host, false, &fi);
    g_assert_true(fi.promotion);
    media(m, 90, a_host, b_host, true, &fi);
    g_assert_false(fi.promotion);
    assert_limit(m, ICECALL_LIMIT_PROMOTIONS, 90, 1,
                 "1 promotions not followed (cap: 1 per media line), first at frame 90");
    g_assert_true(report_has(m, "    (more promotions not listed)\n"));
    (void)a_relay;
    icecall_model_free(m);

    /* Diagnostics: a copy is not a second header; a new one past the cap is refused. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_DIAGS, 1);
    offer_answer(m);
    icecall_msg_t bye = { 60, 6000000, "call-1", "sip:alice@contoso.com", "sip:bob@contoso.com", "BYE", true,
                          v4(10, 10, 20, 31, 0), v4(10, 10, 1, 10, 0), NULL, NULL, NULL, 0 };
    icecall_diag_in_t d1 = { true, 23, "Call failed to establish due to a media connectivity failure", true, 0x2,
                             "audio" };
    icecall_diag_in_t d2 = { false, 51007, "Other", false, 0, NULL };
    icecall_add_diagnostics(m, &bye, &d1);
    bye.frame = 61;
    icecall_add_diagnostics(m, &bye, &d1);   /* a copy */
    icecall_add_diagnostics(m, &bye, &d2);
    assert_limit(m, ICECALL_LIMIT_DIAGS, 61, 1,
                 "1 diagnostics headers not followed (cap: 1 per call), first at frame 61");
    g_assert_true(report_has(m, "  (more than 1 diagnostics headers: the rest are not followed)\n"));
    icecall_model_free(m);

    /* Allocations, their transactions and relayed addresses, MRAS clients. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_ALLOCATIONS, 1);
    icecall_model_set_limit(m, ICECALL_LIMIT_TRANSACTIONS, 1);
    icecall_model_set_limit(m, ICECALL_LIMIT_MRAS_CLIENTS, 1);
    icecall_addr_t client = v4(10, 10, 20, 31, 50040), client2 = v4(10, 10, 20, 32, 50040);
    icecall_addr_t edge = v4(203, 0, 113, 20, 3478);
    icecall_addr_t relayed1 = v4(203, 0, 113, 20, 3480), relayed2 = v4(203, 0, 113, 20, 3482);
    uint8_t t1[16] = { 1 }, t2[16] = { 2 }, t3[16] = { 3 };
    icecall_add_allocation(m, 2, 0, &client, &edge, false, false, false, t1, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 3, 0, &client, &edge, false, false, false, t2, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 4, 0, &client2, &edge, false, false, false, t3, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 5, 0, &client, &edge, false, true, false, t1, &relayed1, NULL, 0, 60, 7);
    icecall_add_allocation(m, 6, 0, &client, &edge, false, true, false, t2, &relayed2, NULL, 0, 60, 8);
    assert_limit(m, ICECALL_LIMIT_TRANSACTIONS, 3, 1,
                 "1 check and Allocate transactions not followed (cap: 1 of each kind), first at frame 3");
    assert_limit(m, ICECALL_LIMIT_ALLOCATIONS, 4, 3,
                 "3 TURN allocations not followed (cap: 1), first at frame 4");
    icecall_msg_t mras = { 7, 0, NULL, NULL, NULL, "200", false, v4(10, 0, 0, 9, 0), v4(10, 10, 20, 31, 0), NULL, NULL, NULL, 0 };
    icecall_addr_t mc1 = v4(10, 10, 20, 31, 0), mc2 = v4(10, 10, 20, 32, 0);
    icecall_add_mras(m, &mras, &mc1, true, "OK", 2, false, ICECALL_LOC_UNKNOWN);
    mras.frame = 8;
    icecall_add_mras(m, &mras, &mc2, true, "OK", 2, false, ICECALL_LOC_UNKNOWN);
    icecall_add_mras(m, &mras, &mc2, true, "OK", 2, false, ICECALL_LOC_UNKNOWN);
    assert_limit(m, ICECALL_LIMIT_MRAS_CLIENTS, 8, 1, "1 MRAS clients not followed (cap: 1), first at frame 8");
    icecall_model_free(m);

    /* Calls and ICE sessions without SIP share the calls cap. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_CALLS, 1);
    check(m, 5, 0x0001, 9, v4(192, 168, 1, 6, 50016), v4(93, 71, 110, 205, 16332), "FY32:o5/I", false, false, &fi);
    g_assert_true(fi.valid);
    check(m, 6, 0x0001, 10, v4(192, 168, 1, 7, 50016), v4(93, 71, 110, 206, 16332), "AB12:cd34", false, false, &fi);
    g_assert_false(fi.valid);
    check(m, 7, 0x0001, 11, v4(192, 168, 1, 7, 50016), v4(93, 71, 110, 206, 16332), "AB12:cd34", false, false, &fi);
    assert_limit(m, ICECALL_LIMIT_CALLS, 6, 1, "1 of 2 calls followed: cap reached at frame 6");
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
                                      "sip:bob@contoso.com", "INVITE", true, v4(10, 10, 20, 31, 0),
                                      v4(10, 10, 1, 10, 0));
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
    g_assert_cmpstr(icecall_frame_pair(&fi), ==, "A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP)");
    /* IPv6 text: the zero run in the middle is "::". */
    icecall_frame_t f6;
    check(m, 13, 0x0001, 6, a_v6, b_v6, "kwD6:L1xu", false, false, &f6);
    g_assert_true(f6.valid);
    g_assert_cmpstr(icecall_frame_pair(&f6), ==, "A host [2001:db8::1]:5000 <-> B host [2001:db8:0:5::2]:6000 (UDP)");
    icecall_model_free(m);
}

/* ---- issue 9: the SIP-dialog side of the per-call model ------------------------------------- */

static bool
has(const GString *r, const char *s)
{
    return strstr(r->str, s) != NULL;
}

static icecall_msg_t
tagged(icecall_msg_t m, const char *from_tag, const char *to_tag, const char *cseq_method, uint32_t cseq)
{
    m.from_tag = from_tag;
    m.to_tag = to_tag;
    m.cseq_method = cseq_method;
    m.cseq = cseq;
    return m;
}

static void
media_leg(icecall_model_t *m, uint32_t frame, icecall_leg_t l)
{
    icecall_media_pkt_t p;
    memset(&p, 0, sizeof(p));
    p.frame = frame;
    p.time_us = (int64_t)frame * 100000;
    p.leg = l;
    icecall_add_media(m, &p, NULL);
}

/* Item 1: a REGISTER (or SUBSCRIBE, SERVICE) dialog is not a call, but its location data
 * places the endpoint in its later calls. */
static void
test_issue9_dialogs_that_are_not_calls(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_addr_t alice_ip = v4(10, 10, 20, 31, 0), fe = v4(10, 10, 1, 10, 0), edge = v4(10, 10, 1, 4, 0);
    icecall_msg_t reg = tagged(sipmsg(1, 0, "reg-1", "sip:alice@contoso.com", "sip:alice@contoso.com", "REGISTER",
                                      true, alice_ip, fe), "r1", NULL, "REGISTER", 1);
    icecall_set_location(m, &reg, ICECALL_LOC_INTRANET);
    reg.frame = 3;
    reg.cseq = 2;
    icecall_set_location(m, &reg, ICECALL_LOC_INTRANET);    /* the authenticated REGISTER: the same statement */
    /* Bob: a SUBSCRIBE forwarded by the Access Edge, and an SDP in a MESSAGE (not an INVITE dialog). */
    icecall_msg_t sub = tagged(sipmsg(5, 0, "sub-1", "sip:bob@contoso.com", "sip:bob@contoso.com", "SUBSCRIBE", true,
                                      edge, fe), "s1", NULL, "SUBSCRIBE", 1);
    icecall_set_location(m, &sub, ICECALL_LOC_INTERNET);
    icecall_cand_in_t c1 = cand(ICECALL_CTYPE_HOST, v4(10, 10, 20, 31, 4000), 2130706431, "1");
    icecall_media_in_t mm = { 0, "audio", 19, v4(10, 10, 20, 31, 4000), "Msg1", &c1, 1, NULL, 0, NULL };
    icecall_msg_t msgreq = sipmsg(6, 0, "msg-1", "sip:alice@contoso.com", "sip:bob@contoso.com", "MESSAGE", true,
                                  alice_ip, fe);
    g_assert_false(icecall_add_sdp(m, &msgreq, &mm, 1));
    /* A server's ms-diagnostics in the 200 OK to a SERVICE: no call either. */
    icecall_diag_in_t sd = { false, 51007, "x", false, 0, NULL };
    icecall_msg_t svc = tagged(sipmsg(7, 0, "svc-1", "sip:alice@contoso.com", "sip:alice@contoso.com", "200", false,
                                      fe, alice_ip), NULL, "t", "SERVICE", 1);
    icecall_add_diagnostics(m, &svc, &sd);
    g_assert_cmpuint(icecall_n_calls(m), ==, 0);
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_true(has(r, "No calls with ICE found."));
    g_string_truncate(r, 0);

    /* The call: no location header in it. */
    offer_answer(m);   /* call-1: alice (10.10.20.31) calls bob; the 200 OK comes from 10.10.1.10 */
    g_assert_cmpuint(icecall_n_calls(m), ==, 1);
    icecall_report(m, r, NULL);
    g_assert_true(has(r, "Call-ID: call-1\n"));
    g_assert_false(has(r, "reg-1") || has(r, "sub-1") || has(r, "msg-1") || has(r, "svc-1"));
    g_assert_true(has(r, "  Scenario: inside <-> outside\n"));
    g_assert_true(has(r, "  Location of A: inside (ms-endpoint-location-data of its REGISTER, frame 1, from "
                         "10.10.20.31)\n"));
    g_assert_true(has(r, "  Location of B: outside (ms-endpoint-location-data of its SUBSCRIBE, frame 5, from "
                         "10.10.1.4)\n"));

    /* Another endpoint of bob (another address) says Intranet: his statements disagree and none is from an
     * address of the call's B: unknown, not a guess. */
    icecall_msg_t sub2 = tagged(sipmsg(8, 0, "sub-2", "sip:bob@contoso.com", "sip:bob@contoso.com", "SUBSCRIBE", true,
                                       v4(10, 10, 40, 99, 0), fe), "s2", NULL, "SUBSCRIBE", 1);
    icecall_set_location(m, &sub2, ICECALL_LOC_INTRANET);
    g_string_truncate(r, 0);
    icecall_report(m, r, NULL);
    g_assert_true(has(r, "  Scenario: inside <-> ?\n"));
    g_assert_false(has(r, "Location of B"));

    /* A BYE whose ms-client-diagnostics describe media failing: an A/V call even without its SDP. */
    icecall_diag_in_t bd = { true, 23, "Call failed to establish due to a media connectivity failure", true, 0x4000,
                             "audio" };
    icecall_msg_t bye = tagged(sipmsg(9, 0, "call-9", "sip:carol@contoso.com", "sip:dave@contoso.com", "BYE", true,
                                      v4(10, 10, 20, 44, 0), fe), "c9", "d9", "BYE", 2);
    icecall_add_diagnostics(m, &bye, &bd);
    g_assert_cmpuint(icecall_n_calls(m), ==, 2);
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

/* Item 2: checks and media before the first SDP (a capture that starts inside the 183) are
 * the call's once its SDP comes; the caller's relay is its relayed address, from the relay
 * candidate whose raddr/rport is the allocation's socket. */
static void
test_issue9_mid_call_merge(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_addr_t a_host = v4(10, 10, 20, 31, 22162), b_relay = v4(203, 0, 113, 10, 54652);
    icecall_addr_t edge = v4(10, 10, 1, 5, 3478), a_relay = v4(203, 0, 113, 10, 51268);
    /* A relayed RTP packet A -> B's relay, nothing known yet (frame 1). */
    icecall_leg_t out;
    memset(&out, 0, sizeof(out));
    out.relayed = true;
    out.outbound = true;
    out.client = a_host;
    out.edge = edge;
    out.peer = b_relay;
    media_leg(m, 1, out);
    g_assert_cmpuint(icecall_n_calls(m), ==, 0);
    /* A relayed check with its ICE username: an ICE session without SIP. */
    icecall_check_t ck;
    memset(&ck, 0, sizeof(ck));
    ck.frame = 2;
    ck.time_us = 200000;
    ck.leg = out;
    ck.stun_type = 0x0001;
    ck.txid[0] = 42;
    ck.username = "BUf1:AUf1";
    icecall_frame_t fi;
    icecall_add_check(m, &ck, &fi);
    g_assert_true(fi.valid);
    g_assert_cmpstr(fi.call_id, ==, "ICE session AUf1/BUf1 (no SIP)");
    g_assert_cmpstr(icecall_frame_pair(&fi), ==, "A relay via Edge 10.10.1.5:3478 (relayed address not seen) <-> B unknown "
                                 "203.0.113.10:54652 (UDP)");
    media_leg(m, 3, out);
    g_assert_cmpuint(icecall_n_calls(m), ==, 1);

    /* The 200 OK: B's answer (ufrag BUf1, relay 203.0.113.10:54652). */
    icecall_cand_in_t b[] = { cand(ICECALL_CTYPE_HOST, v4(192, 168, 1, 20, 9610), 2130706431, "1"),
                              cand(ICECALL_CTYPE_RELAY, b_relay, 16648959, "7") };
    icecall_media_in_t mb = { 0, "audio", 19, b_relay, "BUf1", b, 2, NULL, 0, NULL };
    icecall_msg_t ok = tagged(sipmsg(10, 1000000, "call-m", "sip:alice@contoso.com", "sip:frank@contoso.com", "200",
                                     false, v4(10, 10, 1, 10, 0), a_host), "fa", "tb", "INVITE", 1);
    g_assert_true(icecall_add_sdp(m, &ok, &mb, 1));
    g_assert_cmpuint(icecall_n_calls(m), ==, 1);   /* the session is the call now */
    /* The check's response (its transaction was the session's) lands on the call's pair. */
    ck.frame = 11;
    ck.stun_type = 0x0101;
    ck.username = NULL;
    icecall_frame_t resp;
    icecall_add_check(m, &ck, &resp);
    g_assert_true(resp.valid);
    g_assert_cmpstr(resp.call_id, ==, "call-m");

    /* A's re-INVITE: its relay candidate, raddr/rport = the allocation's socket. */
    icecall_cand_in_t a = cand(ICECALL_CTYPE_RELAY, a_relay, 16648959, "7");
    a.raddr = a_host;
    icecall_addr_t rc[1] = { b_relay };
    icecall_media_in_t ma = { 0, "audio", 19, a_relay, "AUf1", &a, 1, rc, 1, NULL };
    icecall_msg_t re = tagged(sipmsg(20, 2000000, "call-m", "sip:alice@contoso.com", "sip:frank@contoso.com",
                                     "INVITE", true, a_host, v4(10, 10, 1, 10, 0)), "fa", "tb", "INVITE", 2);
    g_assert_true(icecall_add_sdp(m, &re, &ma, 1));
    media_leg(m, 21, out);

    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_false(has(r, "(no SIP)"));
    g_assert_true(has(r, "Missing: the call's start (the capture begins mid-call: its first SDP seen is a 200 OK, "
                         "frame 10)"));
    g_assert_true(has(r, "    Early media: relay UDP, A relay 203.0.113.10:51268 <-> B relay 203.0.113.10:54652 (UDP), "
                         "from 0.100 s (frame 1)\n"));
    g_assert_true(has(r, "A relay 203.0.113.10:51268 <-> B relay 203.0.113.10:54652 (UDP): success (frame 11)"));
    g_assert_true(has(r, "    Final path: relay UDP, A relay 203.0.113.10:51268 <-> B relay 203.0.113.10:54652 (UDP) "
                         "(3 packets, last frame 21)\n"));
    g_assert_true(has(r, "    A candidates: 1 relay (1 UDP)\n"));
    g_assert_true(has(r, "A: 10.10.20.31:22162 -> Edge 10.10.1.5:3478 UDP: relayed 203.0.113.10:51268 (allocated "
                         "before the capture started; relayed address from the relay candidate based on it in the SDP, "
                         "frame 20)"));
    g_assert_false(has(r, "relayed address not seen"));
    /* Seen again, the first packets are the call's, on the relayed address. */
    icecall_media_pkt_t p;
    memset(&p, 0, sizeof(p));
    p.frame = 1;
    p.leg = out;
    icecall_lookup_media(m, &p, &fi);
    g_assert_true(fi.valid);
    g_assert_cmpstr(fi.call_id, ==, "call-m");
    g_assert_cmpstr(icecall_frame_pair(&fi), ==, "A relay 203.0.113.10:51268 <-> B relay 203.0.113.10:54652 (UDP)");
    /* The session's name still finds the call (a filter made of first-pass Call-IDs). */
    icecall_row_t row;
    memset(&row, 0, sizeof(row));
    icecall_foreach_row(m, "ICE session AUf1/BUf1 (no SIP)", count_row, &row);
    g_assert_cmpstr(row.call_id, ==, "call-m");
    g_assert_cmpstr(row.merged_id, ==, "ICE session AUf1/BUf1 (no SIP)");
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

/* Item 2: without an SDP naming it, a release response's MAPPED-ADDRESS gives the relayed address
 * (a release seen alone is no new allocation). */
static void
test_issue9_release_names_the_relay(void)
{
    icecall_model_t *m = icecall_model_new();
    offer_answer(m);   /* Bob's host 10.10.40.52:30112; Alice's allocation 10.10.20.31:50040 -> 203.0.113.20 */
    icecall_addr_t client = v4(10, 10, 20, 31, 50050), edge = v4(10, 10, 1, 5, 3478);
    icecall_leg_t l;
    memset(&l, 0, sizeof(l));
    l.relayed = true;
    l.outbound = true;
    l.client = client;
    l.edge = edge;
    l.peer = v4(10, 10, 40, 52, 30112);
    media_leg(m, 30, l);   /* Alice's relay, allocated before the capture */
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_true(has(r, "Early media: relay UDP, A relay via Edge 10.10.1.5:3478 (relayed address not seen) <-> "
                         "B host 10.10.40.52:30112 (UDP)"));
    g_assert_true(has(r, "A: 10.10.20.31:50050 -> Edge 10.10.1.5:3478 UDP: allocated before the capture started (only "
                         "relayed data seen; relayed address not seen)"));
    /* The release and its response. */
    uint8_t tx[16] = { 77 };
    icecall_addr_t relayed = v4(203, 0, 113, 10, 51000), refl = v4(10, 10, 20, 31, 50050);
    icecall_add_allocation(m, 40, 4000000, &client, &edge, false, false, true, tx, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 41, 4001000, &client, &edge, false, true, false, tx, &relayed, &refl, 0, 0, 0);
    g_string_truncate(r, 0);
    icecall_report(m, r, NULL);
    g_assert_true(has(r, "Early media: relay UDP, A relay 203.0.113.10:51000 (not offered) <-> B host "
                         "10.10.40.52:30112 (UDP), from 3.000 s (frame 30)"));
    g_assert_true(has(r, "A: 10.10.20.31:50050 -> Edge 10.10.1.5:3478 UDP: relayed 203.0.113.10:51000, reflexive "
                         "10.10.20.31:50050 (allocated before the capture started; relayed address from its release "
                         "response, frame 41)"));
    g_assert_false(has(r, "relayed address not seen"));
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

static void
collect_all(const icecall_finding_t *f, void *user)
{
    g_array_append_val((GArray *)user, *f);
}

/* Item 3: a forked INVITE. Each early dialog (To-tag) is its own party; B is the fork that
 * answered; media that ends with a fork is not a promotion; a direct pair of the fork that
 * never answered is no reason for relay_despite_direct. */
static void
test_issue9_forked_invite(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21352), a_relay = v4(203, 0, 113, 10, 53226);
    icecall_addr_t d_host = v4(10, 10, 40, 52, 30118), l_relay = v4(203, 0, 113, 10, 54668);
    icecall_addr_t fe = v4(10, 10, 1, 10, 0);
    icecall_cand_in_t a[] = { cand(ICECALL_CTYPE_HOST, a_host, 2130706431, "1"),
                              cand(ICECALL_CTYPE_RELAY, a_relay, 16648959, "7") };
    icecall_cand_in_t d[] = { cand(ICECALL_CTYPE_HOST, d_host, 2130706431, "1") };
    icecall_cand_in_t l[] = { cand(ICECALL_CTYPE_HOST, v4(192, 168, 1, 20, 9612), 2130706431, "1"),
                              cand(ICECALL_CTYPE_RELAY, l_relay, 16648959, "7") };
    a[1].raddr = v4(10, 10, 20, 31, 50040);   /* the socket of the allocation the media goes through */
    icecall_media_in_t ma = { 0, "audio", 19, a_relay, "AAAA", a, 2, NULL, 0, NULL };
    icecall_media_in_t md = { 0, "audio", 19, d_host, "DDDD", d, 1, NULL, 0, NULL };
    icecall_media_in_t ml = { 0, "audio", 19, l_relay, "LLLL", l, 2, NULL, 0, NULL };
    const char *A = "sip:alice@contoso.com", *B = "sip:bob@contoso.com";
    icecall_msg_t inv = tagged(sipmsg(16, 400000, "fork", A, B, "INVITE", true, v4(10, 10, 20, 31, 0), fe), "fa",
                               NULL, "INVITE", 1);
    icecall_msg_t d183 = tagged(sipmsg(30, 450000, "fork", A, B, "183", false, v4(10, 10, 40, 52, 0), fe), "fa",
                                "tD", "INVITE", 1);
    icecall_msg_t l183 = tagged(sipmsg(48, 540000, "fork", A, B, "183", false, fe, v4(10, 10, 20, 31, 0)), "fa", "tL",
                                "INVITE", 1);
    g_assert_true(icecall_add_sdp(m, &inv, &ma, 1));
    g_assert_true(icecall_add_sdp(m, &d183, &md, 1));
    g_assert_true(icecall_add_sdp(m, &l183, &ml, 1));
    /* A <-> desktop host pair succeeds; the desktop's early media on it. */
    check(m, 34, 0x0001, 1, a_host, d_host, "DDDD:AAAA", false, false, NULL);
    check(m, 36, 0x0101, 1, d_host, a_host, NULL, false, false, NULL);
    for (uint32_t f = 69; f < 76; f++)
        media(m, f, d_host, a_host, false, NULL);
    /* A <-> laptop: relay <-> relay succeeds. */
    check(m, 56, 0x0001, 2, a_host, l_relay, "LLLL:AAAA", false, true, NULL);
    check(m, 61, 0x0101, 2, l_relay, a_host, NULL, false, false, NULL);
    /* The laptop answers. */
    icecall_msg_t l200 = tagged(sipmsg(177, 2600000, "fork", A, B, "200", false, fe, v4(10, 10, 20, 31, 0)), "fa",
                                "tL", "INVITE", 1);
    g_assert_true(icecall_add_sdp(m, &l200, &ml, 1));
    icecall_frame_t fi;
    media(m, 184, a_host, l_relay, true, &fi);   /* relayed through Alice's allocation (offer_answer-like leg) */
    g_assert_true(fi.valid);
    g_assert_false(fi.promotion);
    for (uint32_t f = 185; f < 190; f++)
        media(m, f, a_host, l_relay, true, NULL);

    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_true(has(r, "  B (callee): sip:bob@contoso.com (SIP from 10.10.1.10; the fork that answered, "
                         "To-tag tL)\n"));
    g_assert_true(has(r, "  B2 (callee's other endpoint): sip:bob@contoso.com (SIP from 10.10.40.52; To-tag tD; a fork "
                         "of the INVITE that did not answer)\n"));
    g_assert_true(has(r, "    B candidates: 1 host (1 UDP), 1 relay (1 UDP)\n"));
    g_assert_true(has(r, "    B2 candidates: 1 host (1 UDP) (a fork of the INVITE that did not answer)\n"));
    g_assert_true(has(r, "A host 10.10.20.31:21352 <-> B2 host 10.10.40.52:30118 (UDP): success (frame 36)"));
    g_assert_false(has(r, "Promotion"));
    g_assert_true(has(r, "    Media with B2 (a fork that did not answer): host, A host 10.10.20.31:21352 <-> B2 host "
                         "10.10.40.52:30118 (UDP), from 6.900 s (frame 69); last packet frame 75\n"));
    /* Alice's relay: its allocation's response is not here, but the offer's relay candidate is based on the
     * socket the Send Requests come from. */
    g_assert_true(has(r, "    Final path: relay UDP, A relay 203.0.113.10:53226 <-> B relay 203.0.113.10:54668 (UDP)"));
    GArray *all = g_array_new(FALSE, FALSE, sizeof(icecall_finding_t));
    icecall_findings(m, 10000000, collect_all, all);
    for (guint i = 0; i < all->len; i++)
        g_assert_cmpint(g_array_index(all, icecall_finding_t, i).rule, !=, ICECALL_RULE_RELAY_DESPITE_DIRECT);
    g_array_free(all, TRUE);
    icecall_row_t row;
    memset(&row, 0, sizeof(row));
    icecall_foreach_row(m, "fork", count_row, &row);
    g_assert_cmpstr(row.early_path, ==, "relay UDP");
    g_assert_cmpuint(row.n_promotions, ==, 0);
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

/* Item 7: the message that selects the final candidates is named as what it is and by its first
 * copy; retransmitted Allocates are counted as such. */
static void
test_issue9_wording(void)
{
    icecall_model_t *m = icecall_model_new();
    offer_answer(m);
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);
    icecall_addr_t rc_b[1] = { b_host }, rc_a[1] = { a_host };
    icecall_media_in_t mr = { 0, "audio", 19, a_host, "L1xu", NULL, 0, rc_b, 1, NULL };
    icecall_msg_t re = tagged(sipmsg(50, 5000000, "call-1", "sip:alice@contoso.com", "sip:bob@contoso.com", "INVITE",
                                     true, v4(10, 10, 20, 31, 0), v4(10, 10, 1, 10, 0)), "fa", "tb", "INVITE", 2);
    icecall_add_sdp(m, &re, &mr, 1);
    re.frame = 51;   /* the same re-INVITE as the Front End forwards it */
    icecall_add_sdp(m, &re, &mr, 1);
    /* B's answer also names its remote candidate: a 200 OK, not a re-INVITE. */
    icecall_media_in_t mb = { 0, "audio", 19, b_host, "kwD6", NULL, 0, rc_a, 1, NULL };
    icecall_msg_t ok = tagged(sipmsg(53, 5100000, "call-1", "sip:alice@contoso.com", "sip:bob@contoso.com", "200",
                                     false, v4(10, 10, 40, 52, 0), v4(10, 10, 1, 10, 0)), "fa", "tb", "INVITE", 2);
    icecall_add_sdp(m, &ok, &mb, 1);
    /* One Allocate, unanswered, sent ten times (1 + 9 retransmissions, [MS-TURN] 3.2.2). */
    icecall_addr_t client = v4(10, 10, 20, 31, 50060), edge = v4(10, 10, 1, 6, 3478);
    uint8_t tx[16] = { 99 };
    for (uint32_t i = 0; i < 10; i++)
        icecall_add_allocation(m, 60 + i, 6000000 + i * 650000, &client, &edge, false, false, false, tx, NULL, NULL, 0,
                               0, 0);
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_true(has(r, "    A's re-INVITE (frame 50) selects: local 10.10.20.31:21346, remote 10.10.40.52:30112\n"));
    g_assert_true(has(r, "    B's 200 OK (frame 53) selects: local 10.10.40.52:30112, remote 10.10.20.31:21346\n"));
    g_assert_false(has(r, "B's re-INVITE"));
    g_assert_true(has(r, "No answer from the Edge 10.10.1.6:3478 to 1 Allocate request and its 9 retransmissions over "
                         "UDP from 10.10.20.31:50060"));
    /* A second re-INVITE (a new CSeq) is a new selection. */
    re.frame = 70;
    re.cseq = 3;
    icecall_add_sdp(m, &re, &mr, 1);
    g_string_truncate(r, 0);
    icecall_report(m, r, NULL);
    g_assert_true(has(r, "    A's re-INVITE (frame 70) selects"));
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

/* Hostile input: endless flows nobody claims, endless forks: bounded. */
static void
test_issue9_limits(void)
{
    icecall_model_t *m = icecall_model_new();
    for (uint32_t i = 0; i < 3 * ICECALL_MAX_ORPHANS; i++) {
        icecall_leg_t l;
        memset(&l, 0, sizeof(l));
        l.src = v4(198, 51, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint16_t)i);
        l.dst = v4(198, 18, 0, 1, 5000);
        media_leg(m, i + 1, l);
    }
    icecall_cand_in_t c1 = cand(ICECALL_CTYPE_HOST, v4(198, 18, 0, 1, 5000), 2130706431, "1");
    icecall_media_in_t mm = { 0, "audio", 19, v4(198, 18, 0, 1, 5000), "X1", &c1, 1, NULL, 0, NULL };
    for (unsigned f = 0; f < 2 * ICECALL_MAX_FORKS; f++) {
        char tag[8];
        g_snprintf(tag, sizeof(tag), "f%u", f);
        icecall_msg_t s = tagged(sipmsg(f + 1, 0, "many", "sip:a@x", "sip:b@x", "183", false, v4(10, 0, 0, 1, 0),
                                        v4(10, 0, 0, 2, 0)), "ta", tag, "INVITE", 1);
        icecall_add_sdp(m, &s, &mm, 1);
    }
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_true(has(r, "(more forks of the INVITE than followed)"));
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

/* Issue 9: after a Set Active Destination the data goes raw between the
 * client socket and the Edge ([MS-TURN] 3.2.4.5): relayed media of the relay
 * pair, not a direct path to the Edge's port 3478. */
static void
test_raw_after_active_destination(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_leg_t lg;
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);
    icecall_addr_t sock = v4(10, 10, 20, 31, 50040), edge = v4(203, 0, 113, 20, 3478);
    offer_answer(m);
    check(m, 20, 0x0001, 1, a_host, b_host, "kwD6:L1xu", false, true, NULL);
    check(m, 21, 0x0101, 1, b_host, a_host, NULL, false, false, NULL);
    /* No destination set yet: a datagram on the 5-tuple is not relayed data. */
    g_assert_false(icecall_active_leg(m, &sock, &edge, 23, &lg));
    icecall_set_destination(m, 24, &sock, &edge, &b_host);
    icecall_set_destination(m, 25, &sock, &edge, &b_host);      /* the same again: one entry */
    g_assert_false(icecall_active_leg(m, &sock, &edge, 24, &lg)); /* not before the request's frame */
    g_assert_false(icecall_active_leg(m, &sock, &b_host, 30, &lg));
    /* Client -> Edge, raw RTP. */
    g_assert_true(icecall_active_leg(m, &sock, &edge, 30, &lg));
    g_assert_true(lg.relayed && lg.outbound);
    g_assert_cmpuint(lg.peer.port, ==, 30112);
    icecall_media_pkt_t p;
    memset(&p, 0, sizeof(p));
    p.frame = 30;
    p.time_us = 3000000;
    p.leg = lg;
    icecall_add_media(m, &p, &fi);
    g_assert_true(fi.valid && fi.is_media && fi.early && fi.first_on_pair);
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_RELAY_UDP);
    g_assert_cmpstr(icecall_frame_pair(&fi), ==, "A relay 203.0.113.20:3480 <-> B host 10.10.40.52:30112 (UDP)");
    /* Edge -> client, raw RTP of the other direction: same pair, its first. */
    g_assert_true(icecall_active_leg(m, &edge, &sock, 31, &lg));
    g_assert_false(lg.outbound);
    p.frame = 31;
    p.time_us = 3020000;
    p.leg = lg;
    icecall_add_media(m, &p, &fi);
    g_assert_true(fi.first_on_pair);
    g_assert_false(fi.early || fi.promotion);
    p.frame = 32;
    icecall_add_media(m, &p, &fi);
    g_assert_false(fi.first_on_pair);
    /* Seen again (GUI, -2): the same answer. */
    p.frame = 30;
    p.time_us = 3000000;
    g_assert_true(icecall_active_leg(m, &sock, &edge, 30, &p.leg));
    icecall_lookup_media(m, &p, &fi);
    g_assert_true(fi.valid && fi.early && fi.first_on_pair && fi.is_media);
    /* Promotion to the host pair: from relay UDP. */
    media(m, 50, a_host, b_host, false, &fi);
    g_assert_true(fi.promotion && fi.first_on_pair);
    g_assert_cmpint(fi.from_path, ==, ICECALL_PATH_RELAY_UDP);
    p.frame = 50;
    p.time_us = 5000000;
    p.leg = leg(a_host, b_host, false);
    icecall_lookup_media(m, &p, &fi);
    g_assert_true(fi.promotion);
    g_assert_cmpint(fi.from_path, ==, ICECALL_PATH_RELAY_UDP);

    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_nonnull(strstr(r->str, "Early media: relay UDP, A relay 203.0.113.20:3480 <-> B host "
                                    "10.10.40.52:30112 (UDP), from 3.000 s (frame 30)"));
    g_assert_nonnull(strstr(r->str, "Promotion at 5.000 s (frame 50): relay UDP -> host"));
    g_assert_null(strstr(r->str, "3478 (not offered)"));
    g_assert_null(strstr(r->str, "prflx"));
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

static icecall_unreach_t
unreach(uint32_t frame, uint8_t code, icecall_addr_t src, icecall_addr_t dst, icecall_quoted_t quoted)
{
    icecall_unreach_t u;
    memset(&u, 0, sizeof(u));
    u.frame = frame;
    u.time_us = (int64_t)frame * 100000;
    u.type = 3;
    u.code = code;
    u.quoted_src = src;
    u.quoted_dst = dst;
    u.reporter = dst;
    u.reporter.port = 0;
    u.quoted = quoted;
    return u;
}

static const char *
finding_text(icecall_model_t *m, icecall_rule_t rule, char *buf, size_t size)
{
    GArray *all = g_array_new(FALSE, FALSE, sizeof(icecall_finding_t));
    icecall_findings(m, 10000000, collect_rule, all);
    buf[0] = '\0';
    for (guint i = 0; i < all->len; i++) {
        const icecall_finding_t *f = &g_array_index(all, icecall_finding_t, i);
        if (f->rule == rule)
            g_strlcpy(buf, f->text, size);
    }
    g_array_free(all, TRUE);
    return buf;
}

/* Issue 9: ICMP errors quoting media are not media; the rejection is a finding. */
static void
test_icmp_rejection(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);
    offer_answer(m);
    check(m, 20, 0x0001, 1, a_host, b_host, "kwD6:L1xu", true, false, NULL);
    check(m, 21, 0x0101, 1, b_host, a_host, NULL, false, false, NULL);
    media(m, 30, a_host, b_host, false, NULL);
    media(m, 31, b_host, a_host, false, NULL);
    /* B's port is closed: port unreachable quoting A's RTP (whole, then 8 bytes only). */
    icecall_unreach_t u = unreach(32, 3, a_host, b_host, ICECALL_QUOTED_MEDIA);
    icecall_add_unreachable(m, &u, &fi);
    g_assert_true(fi.valid && !fi.is_media && fi.first_rejection);
    g_assert_cmpstr(fi.rejection, ==, "B 10.10.40.52:30112 rejects A's audio: ICMP port unreachable");
    u = unreach(33, 3, a_host, b_host, ICECALL_QUOTED_UNKNOWN);
    icecall_add_unreachable(m, &u, &fi);
    g_assert_false(fi.first_rejection);
    u = unreach(34, 3, a_host, b_host, ICECALL_QUOTED_MEDIA);
    icecall_add_unreachable(m, &u, &fi);
    icecall_lookup_unreachable(m, &u, &fi);
    g_assert_cmpstr(fi.rejection, ==, "B 10.10.40.52:30112 rejects A's audio: ICMP port unreachable");
    g_assert_false(fi.first_rejection);
    /* "Fragmentation needed" is no rejection. */
    u = unreach(35, 4, a_host, b_host, ICECALL_QUOTED_MEDIA);
    icecall_add_unreachable(m, &u, &fi);
    g_assert_false(fi.valid);
    /* An error quoting a check of an unanswered pair: the check's failure, not media. */
    icecall_addr_t a_relay = v4(203, 0, 113, 20, 3480);
    check(m, 36, 0x0001, 7, a_host, a_relay, "kwD6:L1xu", false, false, NULL);
    u = unreach(37, 1, a_host, b_host, ICECALL_QUOTED_CHECK);
    u.reporter = v4(10, 10, 40, 1, 0);
    icecall_add_unreachable(m, &u, &fi);
    g_assert_true(fi.valid);
    g_assert_cmpstr(fi.rejection, ==, "");

    char buf[320];
    g_assert_cmpuint(findings_of(m, ICECALL_RULE_MEDIA_REJECTED, NULL), ==, 1);
    g_assert_cmpstr(finding_text(m, ICECALL_RULE_MEDIA_REJECTED, buf, sizeof(buf)), ==,
                    "B 10.10.40.52:30112 rejects A's audio: ICMP port unreachable, 3 errors from frame 32");
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    /* The final path counts the two RTP packets only: no ICMP error. */
    g_assert_nonnull(strstr(r->str, "Final path: host, A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP) "
                                    "(2 packets, last frame 31)"));
    g_assert_nonnull(strstr(r->str, "    Rejected: B 10.10.40.52:30112 rejects A's audio: ICMP port unreachable, 3 "
                                    "errors from frame 32 (last frame 34); these errors are not media\n"));
    g_assert_nonnull(strstr(r->str, "[warning, frame 32] B 10.10.40.52:30112 rejects A's audio"));
    g_string_free(r, TRUE);
    icecall_model_free(m);

    /* Without SDP nothing names the media: the stream by its ports; a router's error. */
    m = icecall_model_new();
    icecall_addr_t x = v4(192, 168, 1, 6, 50036), y = v4(93, 71, 110, 205, 16333);
    check(m, 5, 0x0001, 9, x, y, "+mIv:JFwj", false, false, NULL);
    check(m, 6, 0x0101, 9, y, x, NULL, false, false, NULL);
    icecall_media_pkt_t p;
    memset(&p, 0, sizeof(p));
    p.frame = 7;
    p.leg = leg(x, y, false);
    p.rtcp = true;
    icecall_add_media(m, &p, NULL);
    u = unreach(8, 1, x, y, ICECALL_QUOTED_UNKNOWN);
    u.reporter = v4(93, 71, 110, 1, 0);
    icecall_add_unreachable(m, &u, &fi);
    /* No SDP, but A's port 50036 is in Teams' video range: the type is named as inferred. */
    g_assert_cmpstr(fi.rejection, ==, "B 93.71.110.205:16333 cannot be reached by A's video (inferred): "
                                      "ICMP host unreachable sent by 93.71.110.1");
    icecall_model_free(m);
}

static icecall_cand_in_t
tcp_cand(icecall_ctype_t type, icecall_addr_t addr, const char *transport, const char *foundation)
{
    icecall_cand_in_t c = cand(type, addr, 1000, foundation);
    c.tcp = true;
    c.transport = transport;
    return c;
}

/* Issue 9: relay_tcp_only per media line; application sharing runs over TCP by design. */
static void
test_tcp_relay_per_line(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_cand_in_t audio[] = {
        cand(ICECALL_CTYPE_HOST, v4(10, 10, 20, 31, 21346), 2130706431, "1"),
        cand(ICECALL_CTYPE_RELAY, v4(203, 0, 113, 20, 3480), 16648959, "7"),
    };
    icecall_cand_in_t video[] = {
        cand(ICECALL_CTYPE_HOST, v4(10, 10, 20, 31, 21350), 2130706431, "1"),
        tcp_cand(ICECALL_CTYPE_RELAY, v4(203, 0, 113, 20, 3482), "TCP-PASS", "8"),
    };
    icecall_cand_in_t share[] = {
        tcp_cand(ICECALL_CTYPE_HOST, v4(10, 10, 20, 31, 21360), "TCP-PASS", "2"),
        tcp_cand(ICECALL_CTYPE_RELAY, v4(203, 0, 113, 20, 3490), "TCP-PASS", "8"),
    };
    icecall_cand_in_t b_share[] = { tcp_cand(ICECALL_CTYPE_HOST, v4(10, 10, 40, 52, 40000), "TCP-PASS", "2") };
    icecall_media_in_t ma[] = {
        { 0, "audio", 19, v4(10, 10, 20, 31, 21346), "L1xu", audio, 2, NULL, 0, NULL },
        { 1, "video", 19, v4(10, 10, 20, 31, 21350), "L1xu", video, 2, NULL, 0, NULL },
        { 2, "applicationsharing", 19, v4(10, 10, 20, 31, 21360), "L1xu", share, 2, NULL, 0, NULL },
    };
    icecall_media_in_t mb[] = {
        { 2, "applicationsharing", 19, v4(10, 10, 40, 52, 40000), "kwD6", b_share, 1, NULL, 0, NULL },
    };
    icecall_msg_t invite = sipmsg(4, 1000000, "call-9", "sip:alice@contoso.com", "sip:bob@contoso.com", "INVITE", true,
                                  v4(10, 10, 20, 31, 0), v4(10, 10, 1, 10, 0));
    icecall_msg_t ok = sipmsg(10, 3000000, "call-9", "sip:alice@contoso.com", "sip:bob@contoso.com", "200", false,
                              v4(10, 10, 1, 10, 0), v4(10, 10, 20, 31, 0));
    g_assert_true(icecall_add_sdp(m, &invite, ma, 3));
    g_assert_true(icecall_add_sdp(m, &ok, mb, 1));
    /* Application sharing media over A's TCP relay. */
    icecall_addr_t client = v4(10, 10, 20, 31, 50300), edge = v4(203, 0, 113, 20, 443);
    icecall_addr_t relayed = v4(203, 0, 113, 20, 3490), refl = v4(192, 0, 2, 140, 61030);
    uint8_t tx[16] = { 3 };
    icecall_add_allocation(m, 2, 500000, &client, &edge, true, false, true, tx, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 3, 540000, &client, &edge, true, true, false, tx, &relayed, &refl, 0, 600, 0);
    icecall_media_pkt_t p;
    memset(&p, 0, sizeof(p));
    p.frame = 40;
    p.time_us = 4000000;
    p.leg.relayed = true;
    p.leg.outbound = true;
    p.leg.tcp = true;
    p.leg.client = client;
    p.leg.edge = edge;
    p.leg.peer = v4(10, 10, 40, 52, 40000);
    icecall_frame_t fi;
    icecall_add_media(m, &p, &fi);
    g_assert_true(fi.valid);
    g_assert_cmpstr(fi.media, ==, "applicationsharing");
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_RELAY_TCP);

    uint32_t frame = 0;
    char buf[320];
    g_assert_cmpuint(findings_of(m, ICECALL_RULE_RELAY_TCP_ONLY, &frame), ==, 1);   /* video only */
    g_assert_cmpuint(frame, ==, 4);
    g_assert_cmpstr(finding_text(m, ICECALL_RULE_RELAY_TCP_ONLY, buf, sizeof(buf)), ==,
                    "The caller (A) offers relay candidates over TCP only for video, although its audio has UDP "
                    "relays: the UDP allocation for this media line failed or was not made; video media will use a "
                    "TCP relay");
    g_assert_cmpuint(findings_of(m, ICECALL_RULE_RELAY_UDP_ONLY, NULL), ==, 0);
    g_assert_cmpuint(findings_of(m, ICECALL_RULE_TCP_RELAY, NULL), ==, 0);
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    g_assert_nonnull(strstr(r->str, "    Transport: applicationsharing runs over TCP by design: TCP candidates and a "
                                    "TCP relay are expected here, not the last resort\n"));
    g_assert_nonnull(strstr(r->str, "Verdict: final path: relay TCP via 203.0.113.20:3490 (TCP by design)"));
    g_assert_null(strstr(r->str, "last resort:"));
    g_string_free(r, TRUE);
    icecall_model_free(m);
}

/* ---- sessions without SIP (issue 10: Teams) ------------------------------------ */

/* A check or media packet of a session without SIP, with all the fields the epan layer fills. */
typedef struct {
    uint32_t       frame;
    uint16_t       type;          /* 0: media */
    uint8_t        txbyte;
    icecall_addr_t src, dst;
    const char    *user;
    bool           use_cand;
    int            dscp;          /* -1: not known */
    icecall_addr_t mapped;        /* responses */
    uint64_t       mux;           /* requests: MS-MULTIPLEXED-TURN-SESSION-ID */
    uint8_t        tcp_role;      /* direct TCP: ICECALL_TCP_* (also marks the leg TCP) */
} pkt_t;

static void
feed(icecall_model_t *m, const pkt_t *k, icecall_frame_t *out)
{
    icecall_leg_t l;
    memset(&l, 0, sizeof(l));
    l.src = k->src;
    l.dst = k->dst;
    l.tcp = k->tcp_role != 0;
    l.tcp_role = k->tcp_role;
    if (k->dscp >= 0) {
        l.has_dscp = true;
        l.dscp = (uint8_t)k->dscp;
    }
    if (!k->type) {
        icecall_media_pkt_t p;
        memset(&p, 0, sizeof(p));
        p.frame = k->frame;
        p.time_us = (int64_t)k->frame * 20000;
        p.leg = l;
        icecall_add_media(m, &p, out);
        return;
    }
    icecall_check_t c;
    memset(&c, 0, sizeof(c));
    c.frame = k->frame;
    c.time_us = (int64_t)k->frame * 20000;
    c.leg = l;
    c.stun_type = k->type;
    c.txid[0] = k->txbyte;
    c.txid[15] = 0x10;
    c.username = k->user;
    c.use_candidate = k->use_cand;
    c.mapped = k->mapped;
    c.sender_mux_session = k->mux;
    icecall_add_check(m, &c, out);
}

/* Client A 192.168.1.6 behind NAT 80.181.206.72: MS-TURN v6 allocations of
 * sockets 50016 (audio) and 50017 on one Edge (one relayed address, as the
 * multiplexing Edge hands out), 50036 (video) on another. As in teams.pcap. */
static void
teams_allocations(icecall_model_t *m)
{
    icecall_addr_t s16 = v4(192, 168, 1, 6, 50016), s17 = v4(192, 168, 1, 6, 50017), s36 = v4(192, 168, 1, 6, 50036);
    icecall_addr_t e141 = v4(52, 114, 250, 141, 3478), e137 = v4(52, 114, 250, 137, 3478);
    icecall_addr_t r141 = v4(52, 114, 250, 141, 3480), r137 = v4(52, 114, 250, 137, 3480);
    icecall_addr_t m16 = v4(80, 181, 206, 72, 57543), m17 = v4(80, 181, 206, 72, 60673);
    icecall_addr_t m36 = v4(80, 181, 206, 72, 61310);
    uint8_t t1[16] = { 0xa1 }, t2[16] = { 0xa2 }, t3[16] = { 0xa3 };
    icecall_add_allocation(m, 1, 0, &s16, &e141, false, false, true, t1, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 2, 1000, &s16, &e141, false, true, false, t1, &r141, &m16, 0, 60, 0x1111);
    icecall_add_allocation(m, 3, 2000, &s17, &e141, false, false, true, t2, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 4, 3000, &s17, &e141, false, true, false, t2, &r141, &m17, 0, 60, 0x2222);
    icecall_add_allocation(m, 5, 4000, &s36, &e137, false, false, true, t3, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 6, 5000, &s36, &e137, false, true, false, t3, &r137, &m36, 0, 60, 0x3333);
}

static char *
report_of(icecall_model_t *m)
{
    GString *r = g_string_new("");
    icecall_report(m, r, NULL);
    return g_string_free(r, FALSE);
}

static void
test_teams_session_types(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_addr_t a = v4(192, 168, 1, 6, 50016), b_priv = v4(192, 168, 0, 4, 50005);
    icecall_addr_t b_pub = v4(93, 71, 110, 205, 16332), b_relay = v4(52, 114, 252, 8, 3479);
    icecall_addr_t a_nat = v4(80, 181, 206, 72, 57543);
    teams_allocations(m);
    const pkt_t pkts[] = {
        /* A's checks to B's private host (never answered) and public address. */
        { 10, 0x0001, 1, a, b_priv, "o5/I:FY32", false, 46, { 0 }, 0, 0 },
        { 11, 0x0001, 2, a, b_pub, "o5/I:FY32", false, 46, { 0 }, 0, 0 },
        /* B's check through its relay: it carries B's multiplexed session id. */
        { 12, 0x0001, 3, b_relay, a, "FY32:o5/I", false, 0, { 0 }, 0x77, 0 },
        { 13, 0x0101, 3, a, b_relay, NULL, false, 46, b_relay, 0, 0 },
        /* B maps A to its NAT's address, the one the Edge saw. */
        { 14, 0x0101, 2, b_pub, a, NULL, false, 0, a_nat, 0, 0 },
        { 15, 0x0001, 4, a, b_pub, "o5/I:FY32", true, 46, { 0 }, 0, 0 },
        { 16, 0x0101, 4, b_pub, a, NULL, false, 0, a_nat, 0, 0 },
        { 20, 0, 0, a, b_pub, NULL, false, 46, { 0 }, 0, 0 },
        { 21, 0, 0, b_pub, a, NULL, false, 0, { 0 }, 0, 0 },
        { 22, 0, 0, a, b_pub, NULL, false, 46, { 0 }, 0, 0 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(pkts); i++)
        feed(m, &pkts[i], &fi);
    g_assert_true(fi.valid);
    g_assert_cmpstr(fi.call_id, ==, "ICE session FY32/o5/I (no SIP)");
    g_assert_cmpstr(fi.media, ==, "audio (inferred)");
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_SRFLX);
    g_assert_cmpstr(icecall_frame_pair(&fi), ==, "A host 192.168.1.6:50016 via NAT as srflx 80.181.206.72:57543 <-> "
                                 "B srflx 93.71.110.205:16332 (UDP)");
    char *r = report_of(m);
    g_assert_nonnull(strstr(r, "Media audio (inferred from Teams port range 50000\xe2\x80\x93" "50019 and DSCP 46 EF)"));
    g_assert_nonnull(strstr(r, "A candidates: 1 host (1 UDP)\n"));
    g_assert_nonnull(strstr(r, "B candidates: 1 host (1 UDP), 1 srflx (1 UDP), 1 relay (1 UDP)\n"));
    g_assert_nonnull(strstr(r, "srflx 93.71.110.205:16332: public, not a relay, and B's host 192.168.0.4:50005 is "
                               "private: B's NAT mapping"));
    /* Only this session's socket's allocations; the far side's relay named as such. */
    g_assert_nonnull(strstr(r, "A: 192.168.1.6:50016 -> Edge 52.114.250.141:3478 UDP: relayed 52.114.250.141:3480"));
    g_assert_null(strstr(r, "A: 192.168.1.6:50017"));
    g_assert_null(strstr(r, "A: 192.168.1.6:50036"));
    g_assert_nonnull(strstr(r, "B: relay 52.114.252.8:3479, allocation not in the capture, first seen in frame 12: "
                               "B's TURN relay: its check from there carried MS-MULTIPLEXED-TURN-SESSION-ID (frame "
                               "12); a Microsoft 365 transport relay"));
    g_assert_nonnull(strstr(r, "A host 192.168.1.6:50016 via NAT as srflx 80.181.206.72:57543 <-> B relay "
                               "52.114.252.8:3479 (UDP): success (frame 13)"));
    g_assert_nonnull(strstr(r, "A host 192.168.1.6:50016 <-> B host 192.168.0.4:50005 (UDP): no response"));
    g_assert_nonnull(strstr(r, "success (frame 14), nominated (frame 16)"));
    g_assert_nonnull(strstr(r, "DSCP on the final path: A -> B 46 (EF); B -> A 0 (not marked)\n"));
    g_assert_nonnull(strstr(r, "Verdict: final path: srflx 192.168.1.6:50016 <-> 93.71.110.205:16332"));
    /* The other sockets' allocations, which no session uses, are listed once, apart. */
    g_assert_nonnull(strstr(r, "TURN allocations that no ICE session's checks or media use:\n"
                               "  192.168.1.6:50017 -> Edge 52.114.250.141:3478 UDP"));
    g_assert_null(strstr(r, "types unknown"));
    g_free(r);
    icecall_model_free(m);
}

static void
test_teams_media_label(void)
{
    /* Port and mark disagree; mark alone; neither; ports of two ranges. */
    static const struct {
        uint16_t    a_port, b_port;
        int         dscp;
        const char *label, *name;
    } rows[] = {
        { 50025, 40000, 46, "video (inferred from Teams port range 50020\xe2\x80\x93" "50039; but its DSCP 46 EF is "
                            "audio's mark)", "video (inferred)" },
        { 40000, 40002, 18, "sharing (inferred from DSCP 18 AF21, Teams' mark for sharing)", "sharing (inferred)" },
        { 40000, 40002, 0, "unknown (no socket port in a Teams media range, no Teams DSCP mark)", "unknown" },
        { 50001, 50041, -1, "unknown (its sockets' ports are in the Teams ranges of different media types)",
          "unknown" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        icecall_model_t *m = icecall_model_new();
        icecall_frame_t fi;
        icecall_addr_t a = v4(10, 1, 1, 1, rows[i].a_port), b = v4(10, 2, 2, 2, rows[i].b_port);
        pkt_t k1 = { 1, 0x0001, 1, a, b, "bbbb:aaaa", false, rows[i].dscp, { 0 }, 0, 0 };
        pkt_t k2 = { 2, 0x0101, 1, b, a, NULL, false, rows[i].dscp, a, 0, 0 };
        pkt_t k3 = { 3, 0, 0, a, b, NULL, false, rows[i].dscp, { 0 }, 0, 0 };
        feed(m, &k1, &fi);
        feed(m, &k2, &fi);
        feed(m, &k3, &fi);
        g_assert_cmpstr(fi.media, ==, rows[i].name);
        g_assert_cmpint(fi.path, ==, ICECALL_PATH_HOST);   /* both private, seen as themselves */
        char *r = report_of(m);
        char *want = g_strdup_printf("Media %s; ICE version not known: no SDP\n", rows[i].label);
        g_assert_nonnull(strstr(r, want));
        g_free(want);
        g_free(r);
        icecall_model_free(m);
    }
}

static void
test_ipv6_not_natted(void)
{
    /* B's IPv4 host is private, its IPv6 address is public: that is not a NAT mapping. */
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_addr_t a4 = v4(192, 168, 1, 6, 50016), b4 = v4(192, 168, 0, 4, 50005);
    icecall_addr_t a6, b6;
    memset(&a6, 0, sizeof(a6));
    a6.family = 6;
    a6.addr[0] = 0x2a;
    a6.addr[1] = 0x01;
    a6.addr[15] = 1;
    a6.port = 50016;
    b6 = a6;
    b6.addr[15] = 2;
    b6.port = 50005;
    pkt_t k1 = { 1, 0x0001, 1, a4, b4, "bbbb:aaaa", false, -1, { 0 }, 0, 0 };
    pkt_t k2 = { 2, 0x0001, 2, a6, b6, "bbbb:aaaa", false, -1, { 0 }, 0, 0 };
    feed(m, &k1, &fi);
    feed(m, &k2, &fi);
    g_assert_cmpstr(icecall_frame_pair(&fi), ==, "A unknown [2a01::1]:50016 <-> B unknown [2a01::2]:50005 (UDP)");
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_NONE);
    icecall_model_free(m);
}

static void
test_responses_only(void)
{
    /* A capture of what arrives at A only: B's relay answers A's checks (the
     * requests are not in the capture), then media arrives from it. */
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_addr_t a = v4(192, 168, 1, 6, 50040), b_relay = v4(52, 112, 9, 9, 3480);
    icecall_addr_t a_nat = v4(80, 181, 206, 72, 40001);
    pkt_t r1 = { 5, 0x0101, 7, b_relay, a, NULL, false, 18, a_nat, 0, 0 };
    feed(m, &r1, &fi);
    g_assert_true(fi.valid);
    g_assert_cmpstr(fi.call_id, ==, "ICE session at 192.168.1.6:50040 (no SIP, no ICE user names)");
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_RELAY_UDP);
    for (uint32_t f = 6; f < 9; f++) {
        pkt_t k = { f, 0, 0, b_relay, a, NULL, false, 18, { 0 }, 0, 0 };
        feed(m, &k, &fi);
        g_assert_true(fi.valid);
    }
    char *r = report_of(m);
    g_assert_nonnull(strstr(r, "Media sharing (inferred from Teams port range 50040\xe2\x80\x93" "50059 and DSCP 18 "
                               "AF21)"));
    g_assert_nonnull(strstr(r, "Missing: ICE user names (no check request seen)"));
    g_assert_nonnull(strstr(r, "A host 192.168.1.6:50040 via NAT as prflx 80.181.206.72:40001 <-> B relay "
                               "52.112.9.9:3480 (UDP): success (frame 5; its request is not in the capture)"));
    g_assert_nonnull(strstr(r, "Missing: the check requests (only responses to them in the capture"));
    g_assert_nonnull(strstr(r, "Final path: relay UDP, "));
    g_assert_nonnull(strstr(r, "Missing: media from A to B on the final path"));
    g_assert_nonnull(strstr(r, "B: relay 52.112.9.9:3480, allocation not in the capture, first seen in frame 5: a "
                               "Microsoft 365 transport relay"));
    g_free(r);
    /* A check with user names on the same addresses: the session takes its name. */
    pkt_t q = { 9, 0x0001, 8, b_relay, a, "Aaaa:Bbbb", false, 0, { 0 }, 0, 0 };
    feed(m, &q, &fi);
    g_assert_cmpstr(fi.call_id, ==, "ICE session Aaaa/Bbbb (no SIP)");
    g_assert_cmpuint(icecall_n_calls(m), ==, 1);
    r = report_of(m);
    g_assert_null(strstr(r, "no ICE user names"));
    g_free(r);
    /* A response to a request that is in the capture but that no session
     * took is not a response-only session. */
    pkt_t u1 = { 20, 0x0001, 9, v4(198, 51, 100, 1, 1000), v4(198, 51, 100, 2, 2000), NULL, false, -1, { 0 }, 0, 0 };
    pkt_t u2 = { 21, 0x0101, 9, v4(198, 51, 100, 2, 2000), v4(198, 51, 100, 1, 1000), NULL, false, -1, { 0 }, 0, 0 };
    feed(m, &u1, &fi);
    g_assert_false(fi.valid);
    feed(m, &u2, &fi);
    g_assert_false(fi.valid);
    g_assert_cmpuint(icecall_n_calls(m), ==, 1);
    icecall_model_free(m);
}

static void
test_ice_tcp(void)
{
    /* ICE over TCP: A opened the connection (TCP-ACT) from an ephemeral port. */
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_addr_t a = v4(10, 77, 110, 51, 41588), b = v4(10, 206, 50, 239, 42000);
    const pkt_t pkts[] = {
        { 3, 0x0001, 1, a, b, "/pI0:ToEd", false, 24, { 0 }, 0, ICECALL_TCP_SRC_ACTIVE },
        { 5, 0x0101, 1, b, a, "/pI0:ToEd", false, 0, a, 0, ICECALL_TCP_DST_ACTIVE },
        { 7, 0x0001, 2, b, a, "ToEd:/pI0", true, 0, { 0 }, 0, ICECALL_TCP_DST_ACTIVE },
        { 12, 0x0101, 2, a, b, "ToEd:/pI0", false, 24, b, 0, ICECALL_TCP_SRC_ACTIVE },
        { 20, 0, 0, a, b, NULL, false, 46, { 0 }, 0, ICECALL_TCP_SRC_ACTIVE },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(pkts); i++)
        feed(m, &pkts[i], &fi);
    g_assert_cmpstr(fi.call_id, ==, "ICE session /pI0/ToEd (no SIP)");
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_HOST);
    g_assert_cmpstr(icecall_frame_pair(&fi), ==, "A host 10.77.110.51:41588 <-> B host 10.206.50.239:42000 (TCP, A TCP-ACT, B TCP-PASS)");
    g_assert_cmpstr(fi.media, ==, "audio (inferred)");   /* no Teams port (41588 is ephemeral), but EF on the media */
    char *r = report_of(m);
    g_assert_nonnull(strstr(r, "host 10.77.110.51:41588 TCP-ACT (opened the connection): a private address"));
    g_assert_nonnull(strstr(r, "(TCP, A TCP-ACT, B TCP-PASS): success (frame 5), nominated (frame 12)"));
    g_assert_nonnull(strstr(r, "Final path: host, "));
    g_free(r);
    icecall_model_free(m);
}

static void
test_mux_without_set_active_destination(void)
{
    /* One-sided capture: the Set Active Destination request is missing; the
     * allocation's relayed packets only ever involved one peer. */
    for (int peers = 1; peers <= 2; peers++) {
        icecall_model_t *m = icecall_model_new();
        icecall_frame_t fi;
        icecall_addr_t client = v4(192, 168, 1, 20, 50026), edge = v4(52, 113, 64, 21, 3478);
        icecall_addr_t relayed = v4(52, 113, 64, 21, 3480), refl = v4(192, 0, 2, 77, 61026);
        icecall_addr_t peer = v4(203, 0, 113, 50, 31032), other = v4(203, 0, 113, 51, 31000);
        uint8_t tx[16] = { 0x31 };
        icecall_add_allocation(m, 1, 0, &client, &edge, false, true, false, tx, &relayed, &refl, 0, 600, 0x6ed7);
        icecall_check_t c;
        memset(&c, 0, sizeof(c));
        c.frame = 2;
        c.leg.relayed = true;
        c.leg.outbound = false;
        c.leg.client = client;
        c.leg.edge = edge;
        c.leg.peer = peer;
        c.leg.src = edge;
        c.leg.dst = client;
        c.stun_type = 0x0001;
        c.txid[0] = 0x32;
        c.username = "O5dx:SNuO";
        icecall_add_check(m, &c, &fi);
        g_assert_true(fi.valid);
        if (peers == 2) {
            c.frame = 3;
            c.leg.peer = other;
            c.txid[0] = 0x33;
            icecall_add_check(m, &c, &fi);
        }
        icecall_media_pkt_t p;
        memset(&p, 0, sizeof(p));
        p.frame = 10;
        p.leg.relayed = true;
        p.leg.client = client;
        p.leg.edge = edge;
        p.leg.mux_session = 0x6ed7;
        p.leg.src = edge;
        p.leg.dst = client;
        icecall_add_media(m, &p, &fi);
        if (peers == 1) {
            g_assert_true(fi.valid);
            /* Side A is whoever sent the first check seen: here the far end. */
            g_assert_cmpstr(icecall_frame_pair(&fi), ==, "A unknown 203.0.113.50:31032 <-> B relay 52.113.64.21:3480 (UDP)");
        } else {
            g_assert_false(fi.valid);   /* two peers: which one is the destination is not known */
        }
        icecall_model_free(m);
    }
}

/* The JSON report: hostile text escaped, sections the same as the text's. */
typedef struct {
    unsigned n[ICECALL_REV_KIND_COUNT];
} rev_count_t;

static void
count_rev(const icecall_rev_t *ev, void *user)
{
    ((rev_count_t *)user)->n[ev->kind]++;
}

static void
test_json_report(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);
    offer_answer(m);
    check(m, 20, 0x0001, 1, a_host, b_host, "kwD6:L1xu", false, true, &fi);
    check(m, 21, 0x0101, 1, b_host, a_host, NULL, false, false, NULL);
    media(m, 30, a_host, b_host, true, &fi);
    /* A second call whose Call-ID and URI hold a quote, a backslash, a control
     * character and bytes that are not UTF-8. */
    icecall_cand_in_t x[] = { cand(ICECALL_CTYPE_HOST, v4(10, 1, 1, 1, 5000), 2130706431, "1") };
    icecall_media_in_t mx = { 0, "audio", 19, v4(10, 1, 1, 1, 5000), "abcd", x, 1, NULL, 0, NULL };
    icecall_msg_t inv = sipmsg(40, 5000000, "q\"b\\c\001d\377e", "sip:\"eve\"@x", "sip:bob@x", "INVITE", true,
                               v4(10, 1, 1, 1, 0), v4(10, 10, 1, 10, 0));
    g_assert_true(icecall_add_sdp(m, &inv, &mx, 1));

    GString *j = g_string_new("");
    icecall_report_json(m, j, NULL);
    g_assert_true(g_str_has_prefix(j->str, "{\"schema_version\":\"1.1\""));
    g_assert_true(g_utf8_validate(j->str, -1, NULL));
    g_assert_nonnull(strstr(j->str, "\"call_id\":\"q\\\"b\\\\c\\u0001d\xef\xbf\xbd" "e\""));
    g_assert_nonnull(strstr(j->str, "\"uri\":\"sip:\\\"eve\\\"@x\""));
    g_assert_true(g_str_has_suffix(j->str, "}\n"));
    for (const char *c = j->str; c[1]; c++)
        g_assert_cmpint((unsigned char)*c, >=, 0x20);   /* no raw control character before the final newline */
    g_assert_nonnull(strstr(j->str, "\"early_media\":{\"path\":\"relay UDP\",\"path_type\":\"relay_udp\""));
    g_assert_nonnull(strstr(j->str, "\"relayed\":{\"address\":\"203.0.113.20\",\"port\":3480}"));
    /* Braces balance outside strings. */
    int depth = 0;
    bool in_str = false;
    for (const char *c = j->str; *c; c++) {
        if (in_str) {
            if (*c == '\\')
                c++;
            else if (*c == '"')
                in_str = false;
            continue;
        }
        if (*c == '"')
            in_str = true;
        else if (*c == '{' || *c == '[')
            depth++;
        else if (*c == '}' || *c == ']')
            depth--;
        g_assert_cmpint(depth, >=, 0);
    }
    g_assert_cmpint(depth, ==, 0);

    /* The walk hands out the sections the text report shows, and writes the same text. */
    rev_count_t rc;
    memset(&rc, 0, sizeof(rc));
    icecall_sink_t sink = { count_rev, &rc };
    GString *t1 = g_string_new(""), *t2 = g_string_new("");
    icecall_report_walk(m, t1, NULL, &sink);
    icecall_report(m, t2, NULL);
    g_assert_cmpstr(t1->str, ==, t2->str);
    g_assert_cmpuint(rc.n[ICECALL_REV_CALL], ==, 2);
    g_assert_cmpuint(rc.n[ICECALL_REV_CALL_END], ==, 2);
    g_assert_cmpuint(rc.n[ICECALL_REV_MEDIA], ==, rc.n[ICECALL_REV_MEDIA_END]);
    g_assert_cmpuint(rc.n[ICECALL_REV_EARLY], ==, 1);
    g_assert_cmpuint(rc.n[ICECALL_REV_PAIR], ==, 1);
    g_assert_cmpuint(rc.n[ICECALL_REV_CAND], ==, 4);   /* A: host + relay, B: host; the second call's host */
    icecall_report_walk(m, NULL, NULL, NULL);         /* neither text nor sink: nothing to do, no leak */
    g_string_free(t1, TRUE);
    g_string_free(t2, TRUE);
    g_string_free(j, TRUE);
    icecall_model_free(m);
}

/* ---- both at once: a capture that starts mid-call (issue 9) meets what sessions without SIP
 * infer (issue 10) and the media-path changes (raw data, ICMP, per-direction fields) ---------- */

/* The SDPs of offer_answer() in later frames: Alice (ufrag L1xu, host 10.10.20.31:21346, relay
 * 203.0.113.20:3480) calls Bob (kwD6, host 10.10.40.52:30112). */
static void
late_offer_answer(icecall_model_t *m, uint32_t frame)
{
    icecall_cand_in_t a[] = {
        cand(ICECALL_CTYPE_HOST, v4(10, 10, 20, 31, 21346), 2130706431, "1"),
        cand(ICECALL_CTYPE_RELAY, v4(203, 0, 113, 20, 3480), 16648959, "7"),
    };
    icecall_cand_in_t b[] = { cand(ICECALL_CTYPE_HOST, v4(10, 10, 40, 52, 30112), 2130706431, "1") };
    icecall_media_in_t ma = { 0, "audio", 19, v4(10, 10, 20, 31, 21346), "L1xu", a, 2, NULL, 0, NULL };
    icecall_media_in_t mb = { 0, "audio", 19, v4(10, 10, 40, 52, 30112), "kwD6", b, 1, NULL, 0, NULL };
    icecall_msg_t invite = tagged(sipmsg(frame, (int64_t)frame * 20000, "call-x", "sip:alice@contoso.com",
                                         "sip:bob@contoso.com", "INVITE", true, v4(10, 10, 20, 31, 0),
                                         v4(10, 10, 1, 10, 0)), "fa", NULL, "INVITE", 1);
    icecall_msg_t ok = tagged(sipmsg(frame + 1, (int64_t)(frame + 1) * 20000, "call-x", "sip:alice@contoso.com",
                                     "sip:bob@contoso.com", "200", false, v4(10, 10, 1, 10, 0), v4(10, 10, 20, 31, 0)),
                              "fa", "tb", "INVITE", 1);
    g_assert_true(icecall_add_sdp(m, &invite, &ma, 1));
    g_assert_true(icecall_add_sdp(m, &ok, &mb, 1));
}

/* A session seen through check responses alone (no user names, named after the requester's
 * socket) is the call's media line once the SDP offers one of its addresses; later responses
 * land on the call. */
static void
test_merge_responses_only_session(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_addr_t a = v4(10, 10, 20, 31, 21346), b = v4(10, 10, 40, 52, 30112);
    pkt_t r1 = { 1, 0x0101, 1, b, a, NULL, false, -1, a, 0, 0 };
    feed(m, &r1, &fi);
    g_assert_cmpstr(fi.call_id, ==, "ICE session at 10.10.20.31:21346 (no SIP, no ICE user names)");
    pkt_t k1 = { 2, 0, 0, a, b, NULL, false, -1, { 0 }, 0, 0 };
    feed(m, &k1, &fi);
    g_assert_true(fi.valid && fi.early);
    late_offer_answer(m, 10);
    g_assert_cmpuint(icecall_n_calls(m), ==, 1);   /* the session is the call's media line now */
    pkt_t r2 = { 20, 0x0101, 2, b, a, NULL, false, -1, a, 0, 0 };
    feed(m, &r2, &fi);
    g_assert_cmpstr(fi.call_id, ==, "call-x");
    char *r = report_of(m);
    g_assert_null(strstr(r, "ICE session at"));
    g_assert_nonnull(strstr(r, "A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP): success (frame 1; its "
                               "request is not in the capture)"));
    g_assert_nonnull(strstr(r, "Early media: host, A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP), from "
                               "0.040 s (frame 2)"));
    g_assert_nonnull(strstr(r, "Missing: the check requests"));
    g_free(r);
    /* Seen again, the first response and media are the call's. */
    icecall_check_t c;
    memset(&c, 0, sizeof(c));
    c.frame = 1;
    c.leg.src = b;
    c.leg.dst = a;
    c.stun_type = 0x0101;
    c.txid[0] = 1;
    c.txid[15] = 0x10;
    icecall_lookup_check(m, &c, &fi);
    g_assert_cmpstr(fi.call_id, ==, "call-x");
    icecall_model_free(m);
}

/* A session whose side A is the callee (its first check came from Bob) merged into the call:
 * per-direction facts (DSCP, first RTP), the ICMP rejection of its media and the pair's
 * result change sides with it. */
static void
test_merge_swapped_session_keeps_directions(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_addr_t a = v4(10, 10, 20, 31, 21346), b = v4(10, 10, 40, 52, 30112);
    pkt_t k[] = {
        { 1, 0x0001, 1, b, a, "L1xu:kwD6", false, -1, { 0 }, 0, 0 },   /* Bob checks first: the session's side A */
        { 2, 0x0101, 1, a, b, NULL, false, -1, b, 0, 0 },
        { 3, 0, 0, a, b, NULL, false, 46, { 0 }, 0, 0 },                /* Alice's RTP, marked EF */
        { 4, 0, 0, b, a, NULL, false, 0, { 0 }, 0, 0 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(k); i++)
        feed(m, &k[i], &fi);
    g_assert_cmpstr(fi.call_id, ==, "ICE session L1xu/kwD6 (no SIP)");
    icecall_unreach_t u = unreach(5, 3, a, b, ICECALL_QUOTED_MEDIA);   /* Bob's port refuses Alice's RTP */
    icecall_add_unreachable(m, &u, &fi);
    g_assert_true(fi.valid && fi.first_rejection);
    late_offer_answer(m, 10);
    g_assert_cmpuint(icecall_n_calls(m), ==, 1);
    char *r = report_of(m);
    g_assert_nonnull(strstr(r, "Call-ID: call-x\n"));
    g_assert_nonnull(strstr(r, "A host 10.10.20.31:21346 <-> B host 10.10.40.52:30112 (UDP): success (frame 2)"));
    g_assert_nonnull(strstr(r, "DSCP on the final path: A -> B 46 (EF); B -> A 0 (not marked)\n"));
    g_assert_nonnull(strstr(r, "Rejected: B 10.10.40.52:30112 rejects A's audio: ICMP port unreachable, 1 error from "
                               "frame 5 (last frame 5)"));
    g_free(r);
    char buf[320];
    g_assert_nonnull(strstr(finding_text(m, ICECALL_RULE_MEDIA_REJECTED, buf, sizeof(buf)),
                            "B 10.10.40.52:30112 rejects A's audio"));
    /* Seen again: Alice's first RTP is the first on the pair in her direction, and the early media. */
    icecall_media_pkt_t p;
    memset(&p, 0, sizeof(p));
    p.frame = 3;
    p.leg.src = a;
    p.leg.dst = b;
    icecall_lookup_media(m, &p, &fi);
    g_assert_true(fi.valid && fi.is_media && fi.first_on_pair && fi.early && !fi.promotion);
    g_assert_cmpstr(fi.call_id, ==, "call-x");
    icecall_model_free(m);
}

/* An allocation made before the capture, known by its relayed data only: a Set Active
 * Destination on it makes the plain datagrams that follow its relayed data ([MS-TURN] 3.2.4.5);
 * an allocation that failed does not. */
static void
test_raw_data_of_allocation_before_capture(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_frame_t fi;
    icecall_addr_t sock = v4(10, 10, 20, 31, 50050), edge = v4(10, 10, 1, 5, 3478), b = v4(10, 10, 40, 52, 30112);
    late_offer_answer(m, 1);
    icecall_leg_t l;
    memset(&l, 0, sizeof(l));
    l.relayed = true;
    l.outbound = true;
    l.client = sock;
    l.edge = edge;
    l.peer = b;
    media_leg(m, 5, l);                                   /* a Send Request: the allocation exists */
    icecall_set_destination(m, 6, &sock, &edge, &b);
    icecall_leg_t raw;
    g_assert_false(icecall_active_leg(m, &sock, &edge, 6, &raw));
    g_assert_true(icecall_active_leg(m, &sock, &edge, 7, &raw));
    g_assert_true(raw.relayed && raw.outbound);
    g_assert_cmpuint(raw.peer.port, ==, 30112);
    icecall_media_pkt_t p;
    memset(&p, 0, sizeof(p));
    p.frame = 7;
    p.time_us = 700000;
    p.leg = raw;
    icecall_add_media(m, &p, &fi);
    g_assert_true(fi.valid);
    g_assert_cmpint(fi.path, ==, ICECALL_PATH_RELAY_UDP);
    g_assert_cmpstr(icecall_frame_pair(&fi), ==, "A relay via Edge 10.10.1.5:3478 (relayed address not seen) <-> B host "
                                 "10.10.40.52:30112 (UDP)");
    /* A socket whose Allocate failed: no relayed data on it. */
    icecall_addr_t bad = v4(10, 10, 20, 31, 50060);
    uint8_t tx[16] = { 9 };
    icecall_add_allocation(m, 8, 800000, &bad, &edge, false, false, false, tx, NULL, NULL, 0, 0, 0);
    icecall_add_allocation(m, 9, 810000, &bad, &edge, false, true, false, tx, NULL, NULL, 437, 0, 0);
    icecall_set_destination(m, 10, &bad, &edge, &b);
    g_assert_false(icecall_active_leg(m, &bad, &edge, 11, &raw));
    icecall_model_free(m);
}

/* A JSON report holds @text. */
static bool
json_has(icecall_model_t *m, const char *text)
{
    return output_has(m, true, text);
}

/* Issue 14: every other bounded table of the model says so when its cap is
 * reached, in the report's "Limits reached" block and the JSON "limits",
 * with the frame and how many distinct items it refused. */
static void
test_limit_tables(void)
{
    icecall_addr_t a_host = v4(10, 10, 20, 31, 21346), b_host = v4(10, 10, 40, 52, 30112);
    icecall_addr_t alice_ip = v4(10, 10, 20, 31, 0), fe = v4(10, 10, 1, 10, 0);
    icecall_frame_t fi;

    /* Nothing reached: no block, an empty JSON list. */
    icecall_model_t *m = icecall_model_new();
    offer_answer(m);
    g_assert_false(report_has(m, "Limits reached"));
    g_assert_true(json_has(m, "\"filtered\":false,\"limits\":[],\"calls\":["));
    icecall_model_free(m);

    /* SIP dialogs that are not calls (REGISTER): the second is refused, twice. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_DIALOGS, 1);
    icecall_msg_t reg = tagged(sipmsg(1, 0, "reg-1", "sip:alice@contoso.com", "sip:alice@contoso.com", "REGISTER",
                                      true, alice_ip, fe), "r1", NULL, "REGISTER", 1);
    icecall_set_location(m, &reg, ICECALL_LOC_INTRANET);
    reg.call_id = "reg-2";
    reg.frame = 2;
    icecall_set_location(m, &reg, ICECALL_LOC_INTRANET);
    reg.frame = 3;
    icecall_set_location(m, &reg, ICECALL_LOC_INTRANET);
    assert_limit(m, ICECALL_LIMIT_DIALOGS, 2, 1, "1 of 2 SIP dialogs followed: cap reached at frame 2");
    g_assert_true(json_has(m, "\"limits\":[{\"kind\":\"dialogs\",\"items\":\"SIP dialogs\",\"scope\":null,\"cap\":1,"
                              "\"kept\":1,\"seen\":2,\"refused\":1,\"at_least\":false,\"frame\":2,"
                              "\"text\":\"1 of 2 SIP dialogs followed: cap reached at frame 2\"}]"));
    icecall_model_free(m);

    /* SIP URIs whose location is kept, and location changes per URI. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_ENDPOINTS, 1);
    icecall_model_set_limit(m, ICECALL_LIMIT_LOCATIONS, 2);
    reg.call_id = "reg-1";
    for (uint32_t f = 1; f <= 4; f++) {   /* inside, outside, inside, outside: 2 kept, 2 forgotten */
        reg.frame = f;
        icecall_set_location(m, &reg, f % 2 ? ICECALL_LOC_INTRANET : ICECALL_LOC_INTERNET);
    }
    icecall_msg_t reg_bob = tagged(sipmsg(5, 0, "reg-b", "sip:bob@contoso.com", "sip:bob@contoso.com", "REGISTER",
                                          true, v4(10, 10, 40, 52, 0), fe), "r2", NULL, "REGISTER", 1);
    icecall_set_location(m, &reg_bob, ICECALL_LOC_INTRANET);
    assert_limit(m, ICECALL_LIMIT_ENDPOINTS, 5, 1, "1 of 2 SIP URIs (locations) followed: cap reached at frame 5");
    assert_limit(m, ICECALL_LIMIT_LOCATIONS, 3, 2,
                 "2 location changes forgotten (cap: 2 per SIP URI; the first ones and the latest are kept), "
                 "first at frame 3");
    g_assert_true(json_has(m, "{\"kind\":\"location_changes\",\"items\":\"location changes\","
                              "\"scope\":\"per SIP URI\",\"cap\":2,\"kept\":null,\"seen\":null,\"refused\":2,"));
    icecall_model_free(m);

    /* Early dialogs of a forked INVITE: the third To-tag is refused (twice). */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_FORKS, 2);
    icecall_cand_in_t c1 = cand(ICECALL_CTYPE_HOST, v4(198, 18, 0, 1, 5000), 2130706431, "1");
    icecall_media_in_t mm = { 0, "audio", 19, v4(198, 18, 0, 1, 5000), "X1", &c1, 1, NULL, 0, NULL };
    const char *tags[] = { "f0", "f1", "f2", "f2" };
    for (unsigned f = 0; f < G_N_ELEMENTS(tags); f++) {
        icecall_msg_t r183 = tagged(sipmsg(f + 1, 0, "forked", "sip:a@x", "sip:b@x", "183", false,
                                           v4(10, 0, 0, 1, 0), v4(10, 0, 0, 2, 0)), "ta", tags[f], "INVITE", 1);
        icecall_add_sdp(m, &r183, &mm, 1);
    }
    assert_limit(m, ICECALL_LIMIT_FORKS, 3, 1,
                 "1 early dialogs (forks) not followed (cap: 2 per call), first at frame 3");
    g_assert_true(report_has(m, "(more forks of the INVITE than followed)"));
    icecall_model_free(m);

    /* Media path changes: relay, host, relay again (4 s later: not a straggler). */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_SWITCHES, 2);
    offer_answer(m);
    media(m, 30, a_host, b_host, true, NULL);
    media(m, 50, a_host, b_host, false, NULL);
    media(m, 90, a_host, b_host, true, NULL);
    assert_limit(m, ICECALL_LIMIT_SWITCHES, 90, 1,
                 "1 media path changes not followed (cap: 2 per media line), first at frame 90");
    icecall_model_free(m);

    /* Media flows no call claimed: the second flow is refused (its packets count once). */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_ORPHANS, 1);
    media_leg(m, 1, leg(v4(198, 51, 0, 1, 4000), v4(198, 18, 0, 1, 5000), false));
    media_leg(m, 2, leg(v4(198, 51, 0, 2, 4000), v4(198, 18, 0, 1, 5000), false));
    media_leg(m, 3, leg(v4(198, 51, 0, 2, 4000), v4(198, 18, 0, 1, 5000), false));
    assert_limit(m, ICECALL_LIMIT_ORPHANS, 2, 1, "1 of 2 unclaimed media flows followed: cap reached at frame 2");
    g_assert_true(json_has(m, "{\"kind\":\"orphan_flows\",\"items\":\"unclaimed media flows\",\"scope\":null,"
                              "\"cap\":1,\"kept\":1,\"seen\":2,\"refused\":1,\"at_least\":false,\"frame\":2,"));
    icecall_model_free(m);

    /* Rejected media streams (ICMP): B's port, then A's (refused). */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_REJECTS, 1);
    offer_answer(m);
    check(m, 20, 0x0001, 1, a_host, b_host, "kwD6:L1xu", true, false, NULL);
    check(m, 21, 0x0101, 1, b_host, a_host, NULL, false, false, NULL);
    media(m, 30, a_host, b_host, false, NULL);
    media(m, 31, b_host, a_host, false, NULL);
    icecall_unreach_t u = unreach(32, 3, a_host, b_host, ICECALL_QUOTED_MEDIA);
    icecall_add_unreachable(m, &u, &fi);
    g_assert_true(fi.first_rejection);
    u = unreach(33, 3, b_host, a_host, ICECALL_QUOTED_MEDIA);
    icecall_add_unreachable(m, &u, &fi);
    u = unreach(34, 3, b_host, a_host, ICECALL_QUOTED_MEDIA);
    icecall_add_unreachable(m, &u, &fi);
    assert_limit(m, ICECALL_LIMIT_REJECTS, 33, 1,
                 "1 rejected media streams (ICMP) not followed (cap: 1 per media line), first at frame 33");
    icecall_model_free(m);

    /* Set Active Destinations of one allocation: the oldest is forgotten. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_DESTINATIONS, 1);
    offer_answer(m);
    icecall_addr_t sock = v4(10, 10, 20, 31, 50040), edge = v4(203, 0, 113, 20, 3478), other = v4(10, 10, 40, 53, 4000);
    icecall_set_destination(m, 24, &sock, &edge, &b_host);
    icecall_set_destination(m, 25, &sock, &edge, &other);
    icecall_leg_t lg;
    g_assert_true(icecall_active_leg(m, &sock, &edge, 30, &lg));
    g_assert_cmpuint(lg.peer.port, ==, 4000);
    assert_limit(m, ICECALL_LIMIT_DESTINATIONS, 25, 1,
                 "1 Set Active Destinations forgotten (cap: 1 per allocation; the newest are kept), first at frame 25");
    icecall_model_free(m);

    /* Relay candidates waiting for one allocation's relayed address: data
     * relayed by a socket allocated before the capture, to B of two calls. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_ALLOC_USERS, 1);
    late_offer_answer(m, 1);
    icecall_cand_in_t ya = cand(ICECALL_CTYPE_HOST, v4(10, 10, 20, 31, 21348), 2130706431, "1");
    icecall_cand_in_t yb = cand(ICECALL_CTYPE_HOST, v4(10, 10, 40, 53, 30112), 2130706431, "1");
    icecall_media_in_t mya = { 0, "audio", 19, v4(10, 10, 20, 31, 21348), "Y1ab", &ya, 1, NULL, 0, NULL };
    icecall_media_in_t myb = { 0, "audio", 19, v4(10, 10, 40, 53, 30112), "Y2cd", &yb, 1, NULL, 0, NULL };
    icecall_msg_t yinv = tagged(sipmsg(3, 60000, "call-y", "sip:alice@contoso.com", "sip:carol@contoso.com", "INVITE",
                                       true, alice_ip, fe), "fy", NULL, "INVITE", 1);
    icecall_msg_t yok = tagged(sipmsg(4, 80000, "call-y", "sip:alice@contoso.com", "sip:carol@contoso.com", "200",
                                      false, fe, alice_ip), "fy", "ty", "INVITE", 1);
    g_assert_true(icecall_add_sdp(m, &yinv, &mya, 1));
    g_assert_true(icecall_add_sdp(m, &yok, &myb, 1));
    icecall_leg_t rl;
    memset(&rl, 0, sizeof(rl));
    rl.relayed = true;
    rl.outbound = true;
    rl.client = v4(10, 10, 20, 31, 50050);
    rl.edge = v4(10, 10, 1, 5, 3478);
    rl.peer = b_host;
    media_leg(m, 5, rl);
    rl.peer = v4(10, 10, 40, 53, 30112);
    media_leg(m, 6, rl);
    media_leg(m, 7, rl);
    assert_limit(m, ICECALL_LIMIT_ALLOC_USERS, 6, 1,
                 "1 relay candidates waiting for a relayed address not followed (cap: 1 per allocation), "
                 "first at frame 6");
    icecall_model_free(m);

    /* Check requests no call takes (remembered so that their responses are not
     * sessions of their own) share the transaction cap. */
    m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_TRANSACTIONS, 1);
    icecall_model_set_limit(m, ICECALL_LIMIT_CALLS, 1);
    offer_answer(m);
    check(m, 40, 0x0001, 5, v4(198, 51, 0, 1, 4000), v4(198, 18, 0, 1, 5000), "aa:bb", false, false, NULL);
    check(m, 41, 0x0001, 6, v4(198, 51, 0, 2, 4000), v4(198, 18, 0, 1, 5000), "cc:dd", false, false, NULL);
    check(m, 42, 0x0001, 7, v4(198, 51, 0, 3, 4000), v4(198, 18, 0, 1, 5000), "ee:ff", false, false, NULL);
    assert_limit(m, ICECALL_LIMIT_TRANSACTIONS, 41, 2,
                 "2 check and Allocate transactions not followed (cap: 1 of each kind), first at frame 41");
    icecall_model_free(m);
}

/* Addresses as RFC 5952 writes them (lower case, the longest run of two or
 * more zero words as "::", the first of equal runs), and a buffer too small
 * cut as snprintf would. */
static void
test_addr_text(void)
{
    static const struct {
        uint8_t family;
        uint8_t addr[16];
        const char *text;
    } cases[] = {
        { 4, { 0, 0, 0, 0 }, "0.0.0.0" },
        { 4, { 255, 255, 255, 255 }, "255.255.255.255" },
        { 4, { 192, 0, 2, 10 }, "192.0.2.10" },
        { 6, { 0 }, "::" },
        { 6, { [15] = 1 }, "::1" },
        { 6, { 0, 1 }, "1::" },
        { 6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, "2001:db8::1" },
        { 6, { 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3 }, "1:0:0:2::3" },
        { 6, { 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4 }, "1::2:0:0:3:4" },
        { 6, { 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3 }, "1:0:2::3" },
        { 6, { 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0 }, "1:0:2:0:3:0:4:0" },
        { 6, { 0xff, 0xff, 0xab, 0xcd, 0, 0x10, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
          "ffff:abcd:10:fff:ffff:ffff:ffff:ffff" },
        { 0, { 0 }, "?" },
    };
    char buf[64];
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        icecall_addr_t a = { cases[i].family, { 0 }, 3478 };
        memcpy(a.addr, cases[i].addr, 16);
        g_assert_cmpstr(icecall_addr_to_string(&a, buf, sizeof(buf)), ==, cases[i].text);
    }
    /* With a port, in a pair's text: "[v6]:port", "v4:port". */
    icecall_addr_t v6 = { 6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 65535 };
    icecall_addr_t v4 = { 4, { 10, 0, 0, 1 }, 0 };
    icecall_addr_to_string(&v6, buf, 5);
    g_assert_cmpstr(buf, ==, "2001");
    icecall_addr_to_string(&v4, buf, 1);
    g_assert_cmpstr(buf, ==, "");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/icecall/addr-text", test_addr_text);
    g_test_add_func("/icecall/brief-same-model", test_brief_same_model);
    g_test_add_func("/icecall/early-media-promotion", test_early_media_promotion);
    g_test_add_func("/icecall/json-report", test_json_report);
    g_test_add_func("/icecall/failed-call", test_failed_call);
    g_test_add_func("/icecall/session-without-sip", test_session_without_sip);
    g_test_add_func("/icecall/limits", test_limits);
    g_test_add_func("/icecall/limit/calls", test_limit_calls);
    g_test_add_func("/icecall/limit/refused-keys", test_limit_refused_keys);
    g_test_add_func("/icecall/limit/each", test_limit_each);
    g_test_add_func("/icecall/limit/tables", test_limit_tables);
    g_test_add_func("/icecall/reset", test_reset);
    g_test_add_func("/icecall/turn-credentials", test_turn_credentials);
    g_test_add_func("/icecall/late-reinvite", test_late_reinvite);
    g_test_add_func("/icecall/learnt-then-offered", test_learnt_then_offered);
    g_test_add_func("/icecall/issue9/dialogs-that-are-not-calls", test_issue9_dialogs_that_are_not_calls);
    g_test_add_func("/icecall/issue9/mid-call-merge", test_issue9_mid_call_merge);
    g_test_add_func("/icecall/issue9/release-names-the-relay", test_issue9_release_names_the_relay);
    g_test_add_func("/icecall/issue9/forked-invite", test_issue9_forked_invite);
    g_test_add_func("/icecall/issue9/wording", test_issue9_wording);
    g_test_add_func("/icecall/issue9/limits", test_issue9_limits);
    g_test_add_func("/icecall/issue9/raw-after-active-destination", test_raw_after_active_destination);
    g_test_add_func("/icecall/issue9/icmp-rejection", test_icmp_rejection);
    g_test_add_func("/icecall/issue9/tcp-relay-per-line", test_tcp_relay_per_line);
    g_test_add_func("/icecall/no-sip/teams-types", test_teams_session_types);
    g_test_add_func("/icecall/no-sip/media-label", test_teams_media_label);
    g_test_add_func("/icecall/no-sip/responses-only", test_responses_only);
    g_test_add_func("/icecall/no-sip/ipv6-not-natted", test_ipv6_not_natted);
    g_test_add_func("/icecall/no-sip/ice-tcp", test_ice_tcp);
    g_test_add_func("/icecall/no-sip/mux-without-sad", test_mux_without_set_active_destination);
    g_test_add_func("/icecall/merge/responses-only-session", test_merge_responses_only_session);
    g_test_add_func("/icecall/merge/swapped-session-keeps-directions", test_merge_swapped_session_keeps_directions);
    g_test_add_func("/icecall/merge/raw-data-of-allocation-before-capture", test_raw_data_of_allocation_before_capture);
    return g_test_run();
}
