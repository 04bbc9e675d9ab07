/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_icecall.c - libFuzzer harness for the per-call model: the input is a
 * stream of events whose fields come from the bytes, fed in order as the
 * epan layer would: SDP bodies of any SIP message and fork, MRAS exchanges,
 * diagnostics and location headers of any dialog, allocations, Set Active
 * Destination and the data sent to it, connectivity checks (with what
 * sessions without SDP infer from: mapped addresses, DSCP, TCP roles, Teams
 * relay ranges), media, ICMP errors quoting it; between them the second-pass lookups of checks and media and the
 * candidate-address queries. Then everything that reads the model: the
 * report (whole and filtered), the table rows, the findings, the limits.
 * Addresses, ufrags, Call-IDs and To-tags come from small pools so that
 * events hit each other's calls, forks, candidates and allocations.
 *
 * The first byte lowers the caps (icecall_model_set_limit()) so that short
 * inputs reach them. The model is made once and emptied with
 * icecall_model_reset() between inputs: creating its dozen hash tables for
 * every input was most of the cost (about 3,600 inputs a second before).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "icecall.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

typedef struct {
    const uint8_t *p;
    size_t         n;
} rd_t;

static uint8_t
u8(rd_t *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

static icecall_addr_t
addr(rd_t *r)
{
    icecall_addr_t a;
    memset(&a, 0, sizeof(a));
    uint8_t b = u8(r);
    /* 0: unset; else IPv4 or IPv6, private (10/8) or public (192.0.2/24). */
    a.family = (b & 0xC0) == 0 ? 0 : (b & 0x80) ? 6 : 4;
    if (a.family == 4) {
        a.addr[0] = (b & 0x08) ? 192 : 10;
        a.addr[2] = (b & 0x08) ? 2 : 0;
    } else if (a.family == 6) {
        a.addr[0] = (b & 0x08) ? 0x20 : 0xfd;
        a.addr[1] = (b & 0x08) ? 0x01 : 0x00;
    }
    a.addr[a.family == 6 ? 15 : 3] = b & 0x07;   /* 8 hosts */
    a.port = (b & 0x30) == 0x30 ? 0 : (uint16_t)(5000 + (u8(r) & 0x07));
    return a;
}

static const char *const ufrags[] = { "aaaa", "bbbb", "cccc", "dddd" };
static const char *const users[] = { "aaaa:bbbb", "bbbb:aaaa", "cccc:dddd", "dddd:cccc", "x", "", ":", "eeee:ffff" };
static const char *const ids[] = { "call-1", "call-2", "call-3", "call-4" };
static const char *const uris[] = { "sip:a@contoso.com", "sip:b@contoso.com", "sip:c@fabrikam.com", NULL };
static const char *const messages[] = { "INVITE", "183", "200", "ACK", "BYE", "REGISTER", "SUBSCRIBE", "UPDATE", NULL };
static const char *const medias[] = { "audio", "video", "", NULL };
static const char *const tags[] = { NULL, "t1", "t2", "t3", "" };
static const char *const methods[] = { "INVITE", "REGISTER", "UPDATE", NULL };

static void
row_cb(const icecall_row_t *row, void *user)
{
    CHECK(row->call_id != NULL && row->media != NULL);
    (*(unsigned *)user)++;
}

static void
finding_cb(const icecall_finding_t *f, void *user)
{
    CHECK(f->rule < ICECALL_RULE_COUNT);
    CHECK(strlen(f->text) < sizeof(f->text));
    (*(unsigned *)user)++;
}

static void
cand_cb(const icecall_addr_t *a, bool tcp, void *user)
{
    (void)tcp;
    CHECK(a->family == 4 || a->family == 6);
    (*(unsigned *)user)++;
}

static void
msg_from(rd_t *r, icecall_msg_t *msg, uint32_t frame, int64_t t)
{
    memset(msg, 0, sizeof(*msg));
    msg->frame = frame;
    msg->time_us = t;
    msg->call_id = ids[u8(r) % 4];
    if (u8(r) == 0xff)
        msg->call_id = NULL;
    msg->from_uri = uris[u8(r) % 4];
    msg->to_uri = uris[u8(r) % 4];
    msg->message = messages[u8(r) % 9];
    msg->is_request = u8(r) & 1;
    msg->src = addr(r);
    msg->dst = addr(r);
    uint8_t f = u8(r);
    msg->from_tag = tags[f % 5];
    msg->to_tag = tags[(f >> 3) % 5];
    msg->cseq_method = methods[u8(r) % 4];
    msg->cseq = u8(r) % 3;
}

static void
leg_from(rd_t *r, icecall_leg_t *leg)
{
    leg->src = addr(r);
    leg->dst = addr(r);
    uint8_t f = u8(r);
    leg->tcp = f & 1;
    leg->relayed = f & 2;
    leg->outbound = f & 4;
    leg->mux_session = (f & 8) ? 1u + ((f >> 4) & 1) : 0;
    leg->client = addr(r);
    leg->edge = addr(r);
    leg->peer = addr(r);
}

static void
sdp(rd_t *r, icecall_model_t *m, uint32_t frame, int64_t t)
{
    icecall_cand_in_t cands[8];
    icecall_media_in_t md[3];
    icecall_addr_t remote[3];
    unsigned nc = u8(r) % 9, nm = u8(r) % 4;
    memset(cands, 0, sizeof(cands));
    memset(md, 0, sizeof(md));
    for (unsigned i = 0; i < nc; i++) {
        uint8_t f = u8(r);
        cands[i].version = (f & 1) ? 19 : 6;
        cands[i].type = (icecall_ctype_t)((f >> 1) % 5);
        cands[i].tcp = f & 0x10;
        cands[i].transport = (f & 0x10) ? "TCP-ACT" : "UDP";
        cands[i].component = (f >> 5) % 3;
        cands[i].priority = u8(r);
        cands[i].addr = addr(r);
        cands[i].raddr = addr(r);
        cands[i].foundation = ufrags[u8(r) % 4];
    }
    for (unsigned i = 0; i < nm; i++) {
        uint8_t f = u8(r);
        md[i].mline = f % 10;
        md[i].media = medias[(f >> 4) % 4];
        md[i].version = (f & 0x40) ? 6 : (f & 0x80) ? 19 : 0;
        md[i].default_addr = addr(r);
        md[i].ufrag = (u8(r) & 1) ? ufrags[u8(r) % 4] : NULL;
        /* Each line its own run of the candidates (a line may offer TCP
         * relays only while another has UDP ones). */
        uint8_t run = u8(r);
        unsigned first = run % (nc + 1), count = (run >> 4) % 9;
        md[i].cands = cands + first;
        md[i].n_cands = count < nc - first ? count : nc - first;
        remote[i] = addr(r);
        md[i].remote = &remote[i];
        md[i].n_remote = u8(r) & 1;
        md[i].remote_v6 = (u8(r) & 1) ? ufrags[u8(r) % 4] : NULL;
    }
    icecall_msg_t msg;
    msg_from(r, &msg, frame, t);
    (void)icecall_add_sdp(m, &msg, md, nm);
}

static void
event(rd_t *r, icecall_model_t *m, uint32_t frame, int64_t t)
{
    icecall_frame_t fi;
    uint8_t op = u8(r);
    switch (op % 12) {
    case 0:
        sdp(r, m, frame, t);
        break;
    case 1: { /* allocation request or response */
        icecall_addr_t c = addr(r), e = addr(r), rel = addr(r), refl = addr(r);
        uint8_t tx[16] = { 0 };
        uint8_t f = u8(r);
        tx[0] = f & 7;
        static const uint16_t errs[] = { 0, 0, 401, 437, 438, 486, 500, 299 };
        icecall_add_allocation(m, frame, t, &c, &e, f & 8, f & 0x10, f & 0x20, (f & 0x40) ? NULL : tx, &rel, &refl,
                               errs[u8(r) % 8], u8(r) % 3 == 0 ? 0 : 60, (u8(r) & 1) ? 1u + (u8(r) & 1) : 0);
        break;
    }
    case 2: { /* Set Active Destination */
        icecall_addr_t c = addr(r), e = addr(r), p = addr(r);
        icecall_set_destination(m, frame, &c, &e, &p);
        /* The data that follows, without Send / Data Indication. */
        icecall_leg_t leg;
        uint8_t f = u8(r);
        if (icecall_active_leg(m, (f & 1) ? &e : &c, (f & 1) ? &c : &e, frame + ((f >> 1) & 1), &leg)) {
            CHECK(leg.relayed);
            icecall_media_pkt_t pk;
            memset(&pk, 0, sizeof(pk));
            pk.frame = frame + 1;
            pk.time_us = t;
            pk.leg = leg;
            icecall_add_media(m, &pk, &fi);
        }
        break;
    }
    case 3:
    case 4: { /* connectivity check, then as the second pass sees it */
        icecall_check_t c;
        memset(&c, 0, sizeof(c));
        c.frame = frame;
        c.time_us = t;
        leg_from(r, &c.leg);
        static const uint16_t types[] = { 0x0001, 0x0101, 0x0111, 0x0011 };
        c.stun_type = types[u8(r) % 4];
        c.txid[0] = u8(r) & 7;
        c.username = users[u8(r) % 8];
        c.use_candidate = u8(r) & 1;
        c.error_code = u8(r);
        /* What sessions without SDP infer from: mapped address, a relay's
         * session id, DSCP, the TCP role, addresses in Teams relay ranges. */
        uint8_t extra = u8(r);
        if (extra & 1)
            c.mapped = addr(r);
        if (extra & 2)
            c.sender_mux_session = u8(r);
        c.leg.has_dscp = extra & 4;
        c.leg.dscp = u8(r) & 0x3f;
        c.leg.tcp_role = (extra >> 4) & 3;
        c.brief = extra & 0x80;   /* nothing shows it: no call, media or path text */
        if ((extra & 0x40) && c.leg.src.family == 4) {
            c.leg.src.addr[0] = 52;
            c.leg.src.addr[1] = 112;
            c.leg.src.port = 3479;
        }
        icecall_add_check(m, &c, (op & 0x10) ? NULL : &fi);
        icecall_lookup_check(m, &c, &fi);
        (void)icecall_frame_pair(&fi);
        break;
    }
    case 5:
    case 6: { /* media, then as the second pass sees it */
        icecall_media_pkt_t p;
        memset(&p, 0, sizeof(p));
        p.frame = frame;
        p.time_us = t;
        leg_from(r, &p.leg);
        p.rtcp = u8(r) & 1;
        uint8_t f = u8(r);
        p.leg.has_dscp = f & 1;
        p.leg.dscp = (f >> 1) & 0x3f;
        if (p.rtcp && (f & 0x80)) {
            /* An ICMP error quoting a datagram between the leg's ends. */
            icecall_unreach_t u;
            memset(&u, 0, sizeof(u));
            u.frame = frame;
            u.time_us = t;
            uint8_t g = u8(r);
            u.v6 = g & 1;
            u.type = (g >> 1) % 4;
            u.code = u8(r) % 16;
            u.quoted_src = p.leg.src;
            u.quoted_dst = p.leg.dst;
            u.reporter = p.leg.peer;
            u.quoted = (icecall_quoted_t)((g >> 3) % 4);
            icecall_add_unreachable(m, &u, (op & 0x10) ? NULL : &fi);
            CHECK(icecall_unreach_text(u.v6, u.type, u.code) != NULL);
            icecall_lookup_unreachable(m, &u, &fi);
            break;
        }
        p.brief = f & 0x80;   /* (with RTCP, that bit chose the ICMP error above) */
        icecall_add_media(m, &p, (op & 0x10) ? NULL : &fi);
        icecall_lookup_media(m, &p, &fi);
        (void)icecall_frame_pair(&fi); /* the text a tree or a drawn tap record asks for */
        break;
    }
    case 7: { /* MRAS request or response */
        icecall_msg_t msg;
        msg_from(r, &msg, frame, t);
        icecall_addr_t client = addr(r);
        uint8_t f = u8(r);
        static const char *const reasons[] = { "OK", "Forbidden", "Server Busy", NULL };
        icecall_add_mras(m, &msg, &client, f & 1, reasons[(f >> 1) % 4], (f >> 3) % 3, f & 0x20,
                         (icecall_location_t)((f >> 6) % 3));
        break;
    }
    case 8: { /* ms-client-diagnostics / ms-diagnostics */
        icecall_msg_t msg;
        msg_from(r, &msg, frame, t);
        icecall_diag_in_t d;
        uint8_t f = u8(r);
        static const uint32_t codes[] = { 23, 24, 51007, 0 };
        /* one reason with what the JSON report must escape: quotes, controls, bad UTF-8 */
        static const char *const reasons[] = { "Call failed", "Other \"x\" \\ \r\n\t\x01\x7f \xff", "", NULL };
        d.client = f & 1;
        d.code = codes[(f >> 1) % 4];
        d.reason = reasons[(f >> 3) % 4];
        d.has_icewarn = f & 0x20;
        d.icewarn = u8(r);
        d.media = medias[(f >> 6) % 4];
        icecall_add_diagnostics(m, &msg, &d);
        break;
    }
    case 9: { /* ms-endpoint-location-data */
        icecall_msg_t msg;
        msg_from(r, &msg, frame, t);
        icecall_set_location(m, &msg, (icecall_location_t)(u8(r) % 3));
        break;
    }
    case 10: { /* what the media dissector asks */
        unsigned n = 0;
        icecall_foreach_candidate(m, ids[u8(r) % 4], cand_cb, &n);
        break;
    }
    default: { /* a check and its answer, leg mirrored: pairs that succeed */
        icecall_check_t c;
        memset(&c, 0, sizeof(c));
        c.frame = frame;
        c.time_us = t;
        leg_from(r, &c.leg);
        c.stun_type = 0x0001;
        c.txid[0] = 8 + (u8(r) & 7);
        c.username = users[u8(r) % 8];
        c.use_candidate = u8(r) & 1;
        icecall_add_check(m, &c, &fi);
        icecall_addr_t s = c.leg.src;
        c.leg.src = c.leg.dst;
        c.leg.dst = s;
        c.leg.outbound = !c.leg.outbound;
        c.frame = frame + 1;
        c.stun_type = 0x0101;
        icecall_add_check(m, &c, &fi);
        uint8_t g = u8(r);
        if (g & 1) {
            /* The answerer's host refuses what is sent on that pair: an
             * ICMP error quoting it (media, a check, or too short to tell). */
            icecall_unreach_t u;
            memset(&u, 0, sizeof(u));
            u.frame = frame + 1;
            u.time_us = t;
            u.v6 = c.leg.src.family == 6;
            u.type = u.v6 ? 1 : 3;
            u.code = (g >> 1) % 16;
            u.quoted_src = c.leg.dst;
            u.quoted_dst = c.leg.src;
            u.reporter = c.leg.src;
            u.quoted = (icecall_quoted_t)((g >> 5) % 4);
            icecall_add_unreachable(m, &u, (g & 0x80) ? NULL : &fi);
            icecall_lookup_unreachable(m, &u, &fi);
        }
        break;
    }
    }
}

/* An ICE media line (an SDP without one makes no call). */
static const icecall_media_in_t ice_line = { .mline = 0, .media = "audio", .version = 19 };

/* Once per process: a model of its own, made and freed, that refuses
 * 2,000 calls (the refused-item set grows; the report's counts get their
 * thousands separator). */
static void
once(void)
{
    icecall_model_t *m = icecall_model_new();
    icecall_model_set_limit(m, ICECALL_LIMIT_CALLS, 1);
    for (uint32_t i = 0; i < 2001; i++) {
        char id[24];
        snprintf(id, sizeof(id), "c%u", i);
        icecall_msg_t msg = { i + 1, 0, id, "sip:a@x", "sip:b@x", "INVITE", true, { 0 }, { 0 }, NULL, NULL, NULL, 0 };
        CHECK(icecall_add_sdp(m, &msg, &ice_line, 1) == (i == 0));
    }
    char buf[200];
    icecall_limit_text(m, ICECALL_LIMIT_CALLS, buf, sizeof(buf));
    CHECK(strcmp(buf, "1 of 2,001 calls followed: cap reached at frame 2") == 0);
    icecall_model_free(m);
    icecall_model_free(NULL);
    /* Every name of every enum, and one past the end of each. */
    for (int l = 0; l <= ICECALL_LIMIT_COUNT; l++) {
        CHECK(icecall_limit_name((icecall_limit_t)l) != NULL);
        CHECK(icecall_limit_scope((icecall_limit_t)l) != NULL);
        CHECK(icecall_limit_past((icecall_limit_t)l) != NULL);   /* the expert info's sentence */
    }
    for (int p = 0; p <= ICECALL_PATH_HOST + 1; p++)
        CHECK(icecall_path_to_string((icecall_path_t)p) != NULL);
    for (int c = 0; c <= ICECALL_CTYPE_RELAY + 1; c++)
        CHECK(icecall_ctype_to_string((icecall_ctype_t)c) != NULL);
    for (int x = 0; x <= ICECALL_RESULT_ERROR + 1; x++)
        CHECK(icecall_result_to_string((icecall_result_t)x) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static icecall_model_t *m;
    static GString *out;
    static GHashTable *only;
    if (!m) {
        once();
        /* Kept for the whole run; LeakSanitizer sees them as reachable. */
        m = icecall_model_new();
        out = g_string_new("");
        only = g_hash_table_new(g_str_hash, g_str_equal);
        g_hash_table_add(only, (gpointer)"call-2");
        g_hash_table_add(only, (gpointer)"ICE session aaaa/bbbb (no SIP)");
    }
    rd_t r = { data, size };

    /* Caps: 0 keeps the compiled ones; else each is small (1..4). */
    uint8_t caps = u8(&r);
    uint8_t ctl = u8(&r);
    for (int l = 0; l < ICECALL_LIMIT_COUNT; l++)
        icecall_model_set_limit(m, (icecall_limit_t)l, caps ? 1u + ((caps >> (l % 4)) & 3u) : 1000000u);

    uint32_t frame = 1;
    int64_t t = 0;
    while (r.n) {
        /* Time goes on by 20 ms, or by 0.5 s to 16 s (stragglers, NO_REINVITE). */
        uint8_t dt = u8(&r);
        t += (dt & 0x80) ? (int64_t)(dt & 0x1f) * 500000 : 20000;
        event(&r, m, frame, t);
        frame += 2;
    }
    (void)icecall_generation(m);

    /* What reads the model, from the second byte: one report of four (text
     * or JSON, whole or filtered to call-2 and a session) for half the
     * inputs, the rows, findings and limits for another half. Writing a
     * report cost more than feeding the events (3/4 of an input's time with
     * both reports every time); the fuzzer keeps the inputs whose report or
     * findings reach new code, and their mutations keep the same byte. */
    switch (ctl & 7) {
    case 0:
    case 1:
        g_string_truncate(out, 0);
        icecall_report(m, out, (ctl & 1) ? only : NULL);
        CHECK(g_str_has_suffix(out->str, "===================================================================\n"));
        break;
    case 2:
    case 3:
        g_string_truncate(out, 0);
        icecall_report_json(m, out, (ctl & 1) ? only : NULL);
        CHECK(g_str_has_suffix(out->str, "}\n"));
        break;
    default:
        break;
    }
    if (ctl & 8) {
        unsigned n = 0;
        icecall_foreach_row(m, NULL, row_cb, &n);
        icecall_foreach_row(m, "call-1", row_cb, &n);
        icecall_foreach_row(m, "nope", row_cb, &n);
        icecall_findings(m, (ctl & 0x10) ? 10000000 : 0, finding_cb, &n);
        for (int l = 0; l <= ICECALL_LIMIT_COUNT; l++) {
            icecall_limit_info_t li;
            char buf[200];
            icecall_limit_info(m, (icecall_limit_t)l, &li);
            icecall_limit_text(m, (icecall_limit_t)l, buf, sizeof(buf));
            CHECK(li.reached == (buf[0] != '\0'));
            /* The epan side's per-frame test must see every cap's first frame. */
            CHECK(!li.reached || icecall_limit_reached_by(m, li.first_frame));
        }
    }
    CHECK(icecall_n_calls(m) <= ICECALL_MAX_CALLS);
    icecall_model_reset(m);
    CHECK(icecall_n_calls(m) == 0);
    return 0;
}
