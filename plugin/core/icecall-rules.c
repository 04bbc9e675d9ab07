/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icecall-rules.c - the troubleshooting rules over the call model
 * (icecall_findings()): each rule reads the model as it stands and emits
 * findings with the frame that shows the problem. See icecall.h for the
 * rules, icecall-int.h for the model's types.
 */
#include "icecall-int.h"
#include "icecand.h"
#include "msturn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- troubleshooting rules -------------------------------------------------------- */

const char *
icecall_rule_name(icecall_rule_t r)
{
    static const char *const names[ICECALL_RULE_COUNT] = {
        "no_edge_credentials", "no_edge_candidates", "relay_udp_only", "relay_tcp_only", "private_edge_address",
        "turn_unreachable", "turn_credentials", "turn_error", "all_checks_failed", "relay_despite_direct",
        "tcp_relay", "no_reinvite", "client_diagnostics", "media_rejected",
    };
    return r < ICECALL_RULE_COUNT ? names[r] : "unknown";
}

/*
 * Where the endpoint of @side said it is in other dialogs of its SIP URI
 * (REGISTER, SUBSCRIBE, other calls), while the call was on or before: the
 * statements of that endpoint's address (its SIP source or a host
 * candidate), the last one made before the call started, else the first
 * during it. From another address of the same URI (another endpoint of the
 * user) only when all of them agree. @from: the statement used.
 */
icecall_location_t
endpoint_location(const icecall_model_t *m, const call_t *c, party_t p, const loc_stmt_t **from)
{
    int side = p.side;
    *from = NULL;
    if (!c->uri[side])
        return ICECALL_LOC_UNKNOWN;
    char *key = g_ascii_strdown(c->uri[side], -1);
    const endpoint_t *e = (const endpoint_t *)g_hash_table_lookup(m->endpoints, key);
    g_free(key);
    if (!e)
        return ICECALL_LOC_UNKNOWN;
    const loc_stmt_t *before = NULL, *during = NULL, *any = NULL;
    bool agree = true;
    for (guint i = 0; i < e->stmts->len; i++) {
        const loc_stmt_t *x = &g_array_index(e->stmts, loc_stmt_t, i);
        if (x->frame > c->last_frame && c->last_frame)
            continue;
        if (any && any->loc != x->loc)
            agree = false;
        if (!any)
            any = x;
        bool mine = ip_eq(&x->ip, party_ip(c, p)) || party_owns(c, p, &x->ip);
        if (!mine)
            continue;
        if (x->frame <= c->first_frame && (!before || x->frame >= before->frame))
            before = x;
        else if (x->frame > c->first_frame && (!during || x->frame < during->frame))
            during = x;
    }
    *from = before ? before : during ? during : agree ? any : NULL;
    return *from ? (*from)->loc : ICECALL_LOC_UNKNOWN;
}

/* What the call's own messages say about the party's location. */
icecall_location_t
party_said(const call_t *c, party_t p)
{
    if (p.side == ICECALL_SIDE_B && c->n_forks)
        return c->forks[p.fork].location;
    return c->location[p.side];
}

/* Where a party is: ms-endpoint-location-data in the call, else in the
 * endpoint's other dialogs, else its MRAS request. */
static icecall_location_t
party_location(const icecall_model_t *m, const call_t *c, party_t p)
{
    if (party_said(c, p) != ICECALL_LOC_UNKNOWN)
        return party_said(c, p);
    const loc_stmt_t *st;
    icecall_location_t el = endpoint_location(m, c, p, &st);
    if (el != ICECALL_LOC_UNKNOWN)
        return el;
    GPtrArray *rs = g_ptr_array_new();
    icecall_location_t loc = ICECALL_LOC_UNKNOWN;
    party_mras(m, c, p, rs);
    for (guint i = 0; i < rs->len && loc == ICECALL_LOC_UNKNOWN; i++) {
        const mras_t *r = (const mras_t *)g_ptr_array_index(rs, i);
        if (party_owns(c, p, &r->client))
            loc = r->location;
    }
    g_ptr_array_free(rs, TRUE);
    return loc;
}

static icecall_location_t
side_location(const icecall_model_t *m, const call_t *c, int side)
{
    return party_location(m, c, (party_t){ side, side == ICECALL_SIDE_B ? b_fork(c) : 0 });
}

static const char *
uri_domain(const char *uri)
{
    const char *at = uri ? strrchr(uri, '@') : NULL;
    return at ? at + 1 : NULL;
}

/* "inside <-> outside (A intranet, B internet)" and so on. */
void
scenario_text(const icecall_model_t *m, const call_t *c, char *buf, size_t size)
{
    const char *da = uri_domain(c->uri[0]), *db = uri_domain(c->uri[1]);
    icecall_location_t a = side_location(m, c, 0), b = side_location(m, c, 1);
    static const char *const where[] = { "?", "inside", "outside" };
    if (da && db && g_ascii_strcasecmp(da, db) != 0) {
        snprintf(buf, size, "federated (%s <-> %s; A %s, B %s)", da, db, where[a], where[b]);
        return;
    }
    if (a == ICECALL_LOC_UNKNOWN && b == ICECALL_LOC_UNKNOWN) {
        snprintf(buf, size, "unknown (no location data: ms-endpoint-location-data or MRAS location)");
        return;
    }
    snprintf(buf, size, "%s <-> %s", where[a], where[b]);
}

typedef struct {
    void (*fn)(const icecall_finding_t *f, void *user);
    void *user;
} emit_t;

static void
emit(const emit_t *e, icecall_rule_t rule, icecall_sev_t sev, uint32_t frame, const call_t *c, const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);

static void
emit(const emit_t *e, icecall_rule_t rule, icecall_sev_t sev, uint32_t frame, const call_t *c, const char *fmt, ...)
{
    icecall_finding_t f;
    va_list ap;
    memset(&f, 0, sizeof(f));
    f.rule = rule;
    f.severity = sev;
    f.frame = frame;
    if (c)
        copy_str(f.call_id, sizeof(f.call_id), c->call_id);
    va_start(ap, fmt);
    vsnprintf(f.text, sizeof(f.text), fmt, ap);
    va_end(ap);
    e->fn(&f, e->user);
}

/* The first SDP frame that offered a candidate of the party, 0 if none. */
static uint32_t
offer_frame(const call_t *c, party_t p)
{
    uint32_t f = 0;
    for (unsigned mi = 0; mi < c->n_media; mi++) {
        const GArray *a = c->media[mi]->cands[p.side];
        for (guint i = 0; i < a->len; i++) {
            const cand_t *x = &g_array_index(a, cand_t, i);
            if (of_party(x, p.side, p.fork) && !x->learnt && x->frame && (!f || x->frame < f))
                f = x->frame;
        }
    }
    return f;
}

static const mras_t *
mras_of_party(const icecall_model_t *m, const call_t *c, party_t p)
{
    GPtrArray *rs = g_ptr_array_new();
    party_mras(m, c, p, rs);
    const mras_t *r = rs->len ? (const mras_t *)g_ptr_array_index(rs, 0) : NULL;
    g_ptr_array_free(rs, TRUE);
    return r;
}

/*
 * Media that runs over TCP by design: application sharing and file transfer
 * ("Both require TCP"; MS-SDPEXT m=applicationsharing, m=data). For them a
 * TCP relay is the expected path, not the last resort.
 */
bool
media_tcp_by_design(const media_t *md)
{
    static const char *const names[] = { "applicationsharing", "data", "x-data" };
    if (!md->name_known)
        return false;
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (g_ascii_strcasecmp(md->name, names[i]) == 0)
            return true;
    }
    return false;
}

/* The first SDP frame that offered a candidate of the party on media line @md, 0 if none. */
static uint32_t
media_offer_frame(const media_t *md, party_t p)
{
    uint32_t f = 0;
    for (guint i = 0; i < md->cands[p.side]->len; i++) {
        const cand_t *x = &g_array_index(md->cands[p.side], cand_t, i);
        if (of_party(x, p.side, p.fork) && !x->learnt && x->frame && (!f || x->frame < f))
            f = x->frame;
    }
    return f;
}

static void
candidate_rules(const icecall_model_t *m, const call_t *c, const emit_t *e)
{
    party_t ps[ICECALL_MAX_FORKS + 1];
    unsigned np = parties(c, ps);
    for (unsigned pn = 0; pn < np; pn++) {
        party_t pa = ps[pn];
        int s = pa.side;
        uint32_t frame = offer_frame(c, pa);
        if (!frame)
            continue;
        char who[96], lb[8];
        if (pn < 2)
            snprintf(who, sizeof(who), "%s", s == 0 ? "caller (A)" : "callee (B)");
        else
            snprintf(who, sizeof(who), "callee's endpoint %s (a fork of the INVITE that %s)",
                     party_label(c, pa, lb, sizeof(lb)), c->answered >= 0 ? "did not answer" : "has not answered");
        bool typed = false, srflx = false, relay_udp = false, relay_tcp = false, private_edge = false;
        bool relay_tcp_media = false;   /* a TCP relay on a line that is not TCP by design */
        bool line_udp[ICECALL_MAX_MEDIA] = { false }, line_tcp[ICECALL_MAX_MEDIA] = { false };
        char priv[64] = "";
        for (unsigned mi = 0; mi < c->n_media; mi++) {
            const media_t *md = c->media[mi];
            for (guint i = 0; i < md->cands[s]->len; i++) {
                const cand_t *x = &g_array_index(md->cands[s], cand_t, i);
                if (x->learnt || !cand_in_use(md, x) || !of_party(x, s, pa.fork))
                    continue;
                if (x->type != ICECALL_CTYPE_UNKNOWN)
                    typed = true;
                if (x->type == ICECALL_CTYPE_SRFLX)
                    srflx = true;
                if (x->type == ICECALL_CTYPE_RELAY) {
                    if (x->tcp) {
                        relay_tcp = true;
                        line_tcp[mi] = true;
                        relay_tcp_media = relay_tcp_media || !media_tcp_by_design(md);
                    } else {
                        relay_udp = true;
                        line_udp[mi] = true;
                    }
                }
                if ((x->type == ICECALL_CTYPE_RELAY || x->type == ICECALL_CTYPE_SRFLX) && !private_edge &&
                    icecand_scope_is_private(icecand_ip_scope(x->addr.addr, x->addr.family == 6 ? 16 : 4))) {
                    private_edge = true;
                    snprintf(priv, sizeof(priv), "%s ", icecall_ctype_to_string(x->type));
                    addr_str(&x->addr, priv + strlen(priv), sizeof(priv) - strlen(priv));
                }
            }
        }
        if (!typed)
            continue; /* v6 candidates carry no type: nothing to judge */
        icecall_location_t loc = party_location(m, c, pa);
        const mras_t *mr = mras_of_party(m, c, pa);
        bool relay = relay_udp || relay_tcp;
        if (!relay && mr && mr->frame && !mr->ok)
            emit(e, ICECALL_RULE_NO_EDGE_CREDENTIALS, ICECALL_SEV_WARN, frame, c,
                 "The %s got no Edge credentials from MRAS (%s, frame %u): it offers no relay candidate",
                 who, mr->reason, mr->frame);
        else if (!relay && !mr && loc == ICECALL_LOC_INTERNET)
            emit(e, ICECALL_RULE_NO_EDGE_CREDENTIALS, ICECALL_SEV_WARN, frame, c,
                 "The %s is outside the network but no MRAS exchange was seen and it offers no relay "
                 "candidate: without Edge credentials it can only offer local addresses", who);
        if (!srflx && !relay) {
            bool inside = loc == ICECALL_LOC_INTRANET && side_location(m, c, !s) == ICECALL_LOC_INTRANET;
            emit(e, ICECALL_RULE_NO_EDGE_CANDIDATES, inside ? ICECALL_SEV_NOTE : ICECALL_SEV_WARN, frame, c,
                 "The %s offers neither a server-reflexive nor a relay candidate: it cannot reach the A/V Edge "
                 "(check that the Edge's internal interface is reachable from the client's network)%s",
                 who, inside ? "; fine for a call inside the network" : "");
        } else if (relay_udp && !relay_tcp) {
            emit(e, ICECALL_RULE_RELAY_UDP_ONLY, ICECALL_SEV_NOTE, frame, c,
                 "The %s offers relay candidates over UDP only: TCP to the Edge (443) is likely blocked", who);
        } else if (relay_tcp_media && !relay_udp) {
            emit(e, ICECALL_RULE_RELAY_TCP_ONLY, ICECALL_SEV_WARN, frame, c,
                 "The %s offers relay candidates over TCP only: UDP to the Edge (3478) is likely blocked by a "
                 "firewall; media will use a TCP relay", who);
        }
        /* Per media line: UDP to the Edge works for this client (another
         * line got a UDP relay), yet this line offers TCP relays only. Not
         * for application sharing and file transfer, which use TCP anyway. */
        for (unsigned mi = 0; relay_udp && mi < c->n_media; mi++) {
            const media_t *md = c->media[mi];
            if (!line_tcp[mi] || line_udp[mi] || media_tcp_by_design(md))
                continue;
            const char *with_udp = "";
            for (unsigned k = 0; k < c->n_media && !*with_udp; k++) {
                if (line_udp[k])
                    with_udp = c->media[k]->name;
            }
            emit(e, ICECALL_RULE_RELAY_TCP_ONLY, ICECALL_SEV_WARN, media_offer_frame(md, pa), c,
                 "The %s offers relay candidates over TCP only for %s, although its %s has UDP relays: the UDP "
                 "allocation for this media line failed or was not made; %s media will use a TCP relay",
                 who, md->name, with_udp, md->name);
        }
        if (private_edge && loc == ICECALL_LOC_INTERNET)
            emit(e, ICECALL_RULE_PRIVATE_EDGE_ADDRESS, ICECALL_SEV_WARN, frame, c,
                 "The %s is outside the network but offers the private address %s: the Edge's external address "
                 "in the topology is likely wrong (NAT in front of the Edge)", who, priv);
    }
}

static void
turn_rules(const icecall_model_t *m, const emit_t *e)
{
    for (guint i = 0; i < m->alloc_list->len; i++) {
        const alloc_t *a = (const alloc_t *)g_ptr_array_index(m->alloc_list, i);
        char edge[64], client[64];
        addr_str(&a->edge, edge, sizeof(edge));
        addr_str(&a->client, client, sizeof(client));
        char n[96];
        if (a->n_requests && a->pending && !a->success && !a->error_code && !a->n_401 && !a->n_rejected)
            emit(e, ICECALL_RULE_TURN_UNREACHABLE, ICECALL_SEV_WARN, a->first_frame, NULL,
                 "No answer from the Edge %s to %s over %s from %s: the Edge is unreachable "
                 "on this address, port or transport (firewall?)%s", edge, allocate_requests_text(a, n, sizeof(n)),
                 a->tcp ? "TCP" : "UDP", client,
                 a->tcp ? ", or it dropped the TCP connection (see the TCP stream)" : "");
        if (a->n_rejected && !a->success)
            emit(e, ICECALL_RULE_TURN_CREDENTIALS, ICECALL_SEV_WARN, a->last_rejected_frame, NULL,
                 "The Edge %s answered 401 again after the client sent its credentials: the credentials were "
                 "rejected (expired MRAS credentials, or Edge servers with different certificates)", edge);
        if (a->error_code && a->error_code != 401 &&
            (a->error_code == 437 || a->error_code == 438 || a->error_code == 486 || a->error_code >= 500)) {
            const char *meaning = msturn_error_meaning(a->error_code);
            emit(e, ICECALL_RULE_TURN_ERROR, ICECALL_SEV_WARN, a->error_frame, NULL,
                 "Allocation on the Edge %s failed with %u%s%s", edge, a->error_code, meaning ? ": " : "",
                 meaning ? meaning : "");
        }
    }
}

static void
path_rules(const icecall_model_t *m, const call_t *c, int64_t quiet_after_us, const emit_t *e)
{
    bool any_media = false;
    for (unsigned mi = 0; mi < c->n_media; mi++) {
        media_t *md = c->media[mi];
        unsigned checked = 0, ok = 0;
        int direct_ok = -1, b = b_fork(c);
        for (guint i = 0; i < md->pairs->len; i++) {
            const pair_t *p = &g_array_index(md->pairs, pair_t, i);
            /* Only pairs with the callee's fork that is the call's B: a direct
             * pair with an endpoint that never answered is no better path. */
            if ((!p->n_requests && !p->n_responses_only) || p->merged || pair_fork((call_t *)c, mi, p) != b)
                continue;
            checked++;
            if (p->result == ICECALL_RESULT_SUCCESS) {
                ok++;
                icecall_path_t pt = pair_path((call_t *)c, mi, p);
                if ((pt == ICECALL_PATH_HOST || pt == ICECALL_PATH_SRFLX) && direct_ok < 0)
                    direct_ok = (int)i;
            }
        }
        int fp = final_pair(md, b);
        if (fp >= 0)
            any_media = true;
        if (checked && !ok && fp < 0)
            emit(e, ICECALL_RULE_ALL_CHECKS_FAILED, ICECALL_SEV_WARN, md->last_check_frame, c,
                 "Every connectivity check of %s failed (%u pair%s): no media path", md->name, checked,
                 checked == 1 ? "" : "s");
        if (fp < 0)
            continue;
        const pair_t *p = &g_array_index(md->pairs, pair_t, fp);
        icecall_path_t pt = pair_path((call_t *)c, mi, p);
        char buf[192];
        if ((pt == ICECALL_PATH_RELAY_UDP || pt == ICECALL_PATH_RELAY_TCP) && direct_ok >= 0) {
            const pair_t *d = &g_array_index(md->pairs, pair_t, direct_ok);
            pair_text((call_t *)c, mi, d, buf, sizeof(buf));
            emit(e, ICECALL_RULE_RELAY_DESPITE_DIRECT, ICECALL_SEV_WARN, p->media_first_frame, c,
                 "%s media stays on %s although the direct pair %s succeeded (frame %u)", md->name,
                 path_short(pt), buf, d->success_frame);
        }
        if (pt == ICECALL_PATH_RELAY_TCP && !media_tcp_by_design(md))
            emit(e, ICECALL_RULE_TCP_RELAY, ICECALL_SEV_WARN, p->media_first_frame, c,
                 "%s media runs over a TCP relay, the last resort: UDP to the Edge and every direct path failed "
                 "or were blocked", md->name);
    }
    if (!c->answer_frame || !any_media)
        return;
    if (!c->reinvite_frame && m->last_us - c->answer_us >= quiet_after_us)
        emit(e, ICECALL_RULE_NO_REINVITE, ICECALL_SEV_WARN, c->answer_frame, c,
             "No re-INVITE with a=remote-candidate(s) within %" G_GINT64_FORMAT " s of the 200 OK (the capture "
             "goes on %.1f s after it): ICE did not complete, the final path was never confirmed",
             quiet_after_us / 1000000, (double)(m->last_us - c->answer_us) / 1e6);
    else if (c->reinvite_frame && c->reinvite_us - c->answer_us > quiet_after_us)
        emit(e, ICECALL_RULE_NO_REINVITE, ICECALL_SEV_WARN, c->answer_frame, c,
             "The re-INVITE with a=remote-candidate(s) came %.1f s after the 200 OK (frame %u), not within %"
             G_GINT64_FORMAT " s: ICE took that long to complete (checks timing out?)",
             (double)(c->reinvite_us - c->answer_us) / 1e6, c->reinvite_frame, quiet_after_us / 1000000);
}

static void
diag_rules(const call_t *c, const emit_t *e)
{
    for (unsigned i = 0; i < c->n_diags; i++) {
        const diag_t *d = &c->diags[i];
        /* Client diagnostics only: an ms-diagnostics ErrorId 23 is another thing. */
        if (d->client && (d->code == 23 || d->code == 24 || (d->has_icewarn && d->icewarn)))
            emit(e, ICECALL_RULE_CLIENT_DIAGNOSTICS, ICECALL_SEV_WARN, d->frame, c,
                 "The %s reports a media problem: %u %s%s%s (ICEWarn 0x%x)", d->side == 0 ? "caller" : "callee",
                 d->code, d->reason, d->media[0] ? ", " : "", d->media, d->icewarn);
    }
}

/* ICMP errors answering media: the other side (or the network) refuses it. */
static void
reject_rules(const call_t *c, const emit_t *e)
{
    for (unsigned mi = 0; mi < c->n_media; mi++) {
        const media_t *md = c->media[mi];
        for (unsigned i = 0; i < md->n_rejects; i++) {
            char buf[320];
            reject_text(md, &md->rejects[i], true, buf, sizeof(buf));
            emit(e, ICECALL_RULE_MEDIA_REJECTED, ICECALL_SEV_WARN, md->rejects[i].first_frame, c, "%s", buf);
        }
    }
}

void
icecall_findings(const icecall_model_t *m, int64_t quiet_after_us,
                 void (*fn)(const icecall_finding_t *f, void *user), void *user)
{
    emit_t e = { fn, user };
    turn_rules(m, &e);
    for (guint i = 0; i < m->call_list->len; i++) {
        call_t *c = (call_t *)g_ptr_array_index(m->call_list, i);
        if (c->merged_into)
            continue;
        for (unsigned mi = 0; mi < c->n_media && !c->from_sip; mi++)
            session_refresh_name(c, mi);   /* the findings name the media line */
        candidate_rules(m, c, &e);
        path_rules(m, c, quiet_after_us, &e);
        diag_rules(c, &e);
        reject_rules(c, &e);
    }
}
