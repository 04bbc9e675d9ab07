/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_icecall.c - libFuzzer harness for the per-call model: the input is a
 * stream of events (SDP bodies of any SIP message and fork, location
 * statements of any dialog, allocations, checks, media, lookups) whose fields
 * come from the bytes, fed in order as the epan layer would, then the report,
 * the table rows and the findings are built. Addresses, ufrags, Call-IDs and
 * To-tags come from small pools so that events hit each other's calls,
 * forks, candidates and allocations.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "icecall.h"

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
    a.family = (b & 0x80) ? 6 : 4;
    a.addr[0] = 10;
    a.addr[3] = b & 0x07;           /* 8 hosts */
    a.port = (uint16_t)(5000 + (u8(r) & 0x07));
    return a;
}

static const char *const ufrags[] = { "aaaa", "bbbb", "cccc", "dddd" };
static const char *const users[] = { "aaaa:bbbb", "bbbb:aaaa", "cccc:dddd", "x", "", ":" };
static const char *const ids[] = { "call-1", "call-2", "call-3" };
static const char *const messages[] = { "INVITE", "183", "200", "ACK", "REGISTER", "SUBSCRIBE", "UPDATE", NULL };
static const char *const tags[] = { NULL, "t1", "t2", "t3", "" };
static const char *const methods[] = { "INVITE", "REGISTER", "UPDATE", NULL };

/* A SIP message of one of the pools' dialogs. */
static icecall_msg_t
sip(rd_t *r, uint32_t frame)
{
    icecall_msg_t msg;
    memset(&msg, 0, sizeof(msg));
    msg.frame = frame;
    msg.time_us = (int64_t)frame * 1000;
    msg.call_id = ids[u8(r) % 3];
    msg.from_uri = (u8(r) & 1) ? "sip:a@x" : "sip:b@x";
    msg.to_uri = (u8(r) & 1) ? "sip:a@x" : NULL;
    msg.message = messages[u8(r) % 8];
    msg.is_request = msg.message && msg.message[0] >= 'A';
    msg.from_tag = tags[u8(r) % 5];
    msg.to_tag = tags[u8(r) % 5];
    msg.cseq_method = methods[u8(r) % 4];
    msg.cseq = u8(r) % 3;
    msg.src = addr(r);
    return msg;
}

static void
finding_cb(const icecall_finding_t *f, void *user)
{
    (void)f;
    (void)user;
}

static void
row_cb(const icecall_row_t *row, void *user)
{
    (void)row;
    (void)user;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rd_t r = { data, size };
    icecall_model_t *m = icecall_model_new();
    uint32_t frame = 1;
    while (r.n) {
        uint8_t op = u8(&r);
        switch (op % 7) {
        case 0: { /* SDP */
            icecall_cand_in_t cands[8];
            icecall_media_in_t md[3];
            unsigned nc = u8(&r) % 8, nm = 1 + u8(&r) % 3;
            memset(cands, 0, sizeof(cands));
            memset(md, 0, sizeof(md));
            for (unsigned i = 0; i < nc; i++) {
                cands[i].version = (u8(&r) & 1) ? 19 : 6;
                cands[i].type = (icecall_ctype_t)(u8(&r) % 5);
                cands[i].tcp = u8(&r) & 1;
                cands[i].component = u8(&r) % 3;
                cands[i].addr = addr(&r);
                cands[i].foundation = ufrags[u8(&r) % 4];
            }
            icecall_addr_t remote = addr(&r);
            for (unsigned i = 0; i < nm; i++) {
                md[i].index = u8(&r) % 10;
                md[i].media = "audio";
                md[i].version = 19;
                md[i].ufrag = ufrags[u8(&r) % 4];
                md[i].cands = cands;
                md[i].n_cands = nc;
                md[i].remote = &remote;
                md[i].n_remote = u8(&r) & 1;
                md[i].remote_v6 = (u8(&r) & 1) ? ufrags[0] : NULL;
            }
            icecall_msg_t msg = sip(&r, frame);
            icecall_add_sdp(m, &msg, md, nm);
            break;
        }
        case 5: { /* a location header, in any dialog */
            icecall_msg_t msg = sip(&r, frame);
            icecall_set_location(m, &msg, (icecall_location_t)(u8(&r) % 3));
            break;
        }
        case 1: { /* allocation */
            icecall_addr_t c = addr(&r), e = addr(&r), rel = addr(&r), refl = addr(&r);
            uint8_t tx[16] = { 0 };
            tx[0] = u8(&r) & 3;
            icecall_add_allocation(m, frame, frame * 1000, &c, &e, u8(&r) & 1, u8(&r) & 1, u8(&r) & 1, tx, &rel, &refl,
                                   (u8(&r) & 1) ? 401 : 0, u8(&r) & 1, u8(&r) & 1);
            if (u8(&r) & 1)
                icecall_set_destination(m, frame, &c, &e, &rel);
            icecall_leg_t leg;
            if (icecall_active_leg(m, &c, &e, frame + (u8(&r) & 1), &leg))
                (void)leg;
            break;
        }
        case 2:
        case 3: { /* check */
            icecall_check_t c;
            memset(&c, 0, sizeof(c));
            c.frame = frame;
            c.leg.src = addr(&r);
            c.leg.dst = addr(&r);
            c.leg.relayed = u8(&r) & 1;
            c.leg.outbound = u8(&r) & 1;
            c.leg.client = addr(&r);
            c.leg.edge = addr(&r);
            c.leg.peer = addr(&r);
            c.leg.mux_session = u8(&r) & 1;
            static const uint16_t types[] = { 0x0001, 0x0101, 0x0111 };
            c.stun_type = types[u8(&r) % 3];
            c.txid[0] = u8(&r) & 7;
            c.username = users[u8(&r) % 6];
            c.use_candidate = u8(&r) & 1;
            c.error_code = u8(&r);
            /* What sessions without SDP infer from: mapped address, a relay's
             * session id, DSCP, the TCP role, addresses in Teams relay ranges. */
            uint8_t extra = u8(&r);
            if (extra & 1)
                c.mapped = addr(&r);
            if (extra & 2)
                c.sender_mux_session = u8(&r);
            c.leg.has_dscp = extra & 4;
            c.leg.dscp = u8(&r) & 0x3f;
            c.leg.tcp = extra & 8;
            c.leg.tcp_role = (extra >> 4) & 3;
            if (extra & 0x40) {
                c.leg.src.addr[0] = 52;
                c.leg.src.addr[1] = 112;
                c.leg.src.port = 3479;
            }
            icecall_frame_t fi;
            icecall_add_check(m, &c, &fi);
            if (extra & 0x80)   /* the same packet dissected again (GUI, tshark -2) */
                icecall_lookup_check(m, &c, &fi);
            break;
        }
        case 6: { /* packets seen again: lookups change nothing */
            icecall_check_t c;
            memset(&c, 0, sizeof(c));
            c.leg.src = addr(&r);
            c.leg.dst = addr(&r);
            c.leg.relayed = u8(&r) & 1;
            c.leg.client = addr(&r);
            c.leg.edge = addr(&r);
            c.stun_type = (u8(&r) & 1) ? 0x0001 : 0x0101;
            c.txid[0] = u8(&r) & 7;
            c.username = users[u8(&r) % 6];
            icecall_frame_t fi;
            icecall_lookup_check(m, &c, &fi);
            icecall_media_pkt_t p;
            memset(&p, 0, sizeof(p));
            p.frame = frame - (u8(&r) & 7);
            p.leg = c.leg;
            icecall_lookup_media(m, &p, &fi);
            break;
        }
        default: { /* media */
            icecall_media_pkt_t p;
            memset(&p, 0, sizeof(p));
            p.frame = frame;
            p.time_us = frame * 20000;
            p.leg.src = addr(&r);
            p.leg.dst = addr(&r);
            p.leg.relayed = u8(&r) & 1;
            p.leg.outbound = u8(&r) & 1;
            p.leg.client = addr(&r);
            p.leg.edge = addr(&r);
            p.leg.peer = addr(&r);
            p.rtcp = u8(&r) & 1;
            p.leg.has_dscp = u8(&r) & 1;
            p.leg.dscp = u8(&r) & 0x3f;
            icecall_frame_t fi;
            if (p.rtcp && (u8(&r) & 1)) {
                /* An ICMP error quoting a datagram between two pool addresses. */
                icecall_unreach_t u;
                memset(&u, 0, sizeof(u));
                u.frame = frame;
                u.time_us = p.time_us;
                u.v6 = u8(&r) & 1;
                u.type = u8(&r) % 4;
                u.code = u8(&r) % 16;
                u.quoted_src = p.leg.src;
                u.quoted_dst = p.leg.dst;
                u.reporter = p.leg.peer;
                u.quoted = (icecall_quoted_t)(u8(&r) % 4);
                icecall_add_unreachable(m, &u, &fi);
                icecall_lookup_unreachable(m, &u, &fi);
                break;
            }
            icecall_add_media(m, &p, &fi);
            if (p.leg.has_dscp)
                icecall_lookup_media(m, &p, &fi);
            break;
        }
        }
        frame++;
    }
    GString *out = g_string_new("");
    icecall_report(m, out, NULL);
    g_string_truncate(out, 0);
    icecall_report_json(m, out, NULL);   /* the same walk, written as JSON */
    icecall_foreach_row(m, NULL, row_cb, NULL);
    icecall_foreach_row(m, "call-1", row_cb, NULL);
    icecall_findings(m, 10000000, finding_cb, NULL);
    GHashTable *only = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_add(only, (gpointer) "call-2");
    g_hash_table_add(only, (gpointer) "ICE session aaaa/bbbb (no SIP)");
    icecall_report(m, out, only);
    g_hash_table_destroy(only);
    g_string_free(out, TRUE);
    icecall_model_free(m);
    return 0;
}
