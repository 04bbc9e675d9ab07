/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-model.c - the epan side of the per-call model (core/icecall.c):
 * its lifetime (init and cleanup routines: one capture), its clock, the
 * feeders and lookups the protocol files call (msice-model.h), the "msice"
 * tap records, the msice items of a packet's call and path, and the
 * troubleshooting findings put on their frames by a postdissector.
 *
 * Nothing here calls a dissector file: the protocol files and the taps call
 * in.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/tap.h>

#include "msice-int.h"
#include "msice-model.h"
#include "core/icecall.h"
#include "core/msnet.h"
#include "core/msturn.h"

/* ---- ids --------------------------------------------------------------- */

static int proto_msice = -1;   /* handed to msice_model_register() */

static int hf_msice_call_id = -1;
static int hf_msice_media_type = -1;
static int hf_msice_pair = -1;
static int hf_msice_path_type = -1;
static int hf_msice_path_rank = -1;
static int hf_msice_pair_rank = -1;
static int hf_msice_rejection = -1;
static int hf_msice_pair_local_offer = -1;
static int hf_msice_pair_remote_offer = -1;
static int hf_msice_promotion = -1;
static int hf_msice_finding = -1;

static gint ett_msice_path = -1;
static gint ett_msice_finding = -1;

static expert_field ei_msice_promotion = EI_INIT;
static expert_field ei_msice_limit = EI_INIT;

static expert_field ei_msice_no_edge_credentials = EI_INIT;
static expert_field ei_msice_no_edge_candidates = EI_INIT;
static expert_field ei_msice_relay_udp_only = EI_INIT;
static expert_field ei_msice_relay_tcp_only = EI_INIT;
static expert_field ei_msice_private_edge_address = EI_INIT;
static expert_field ei_msice_turn_unreachable = EI_INIT;
static expert_field ei_msice_turn_credentials_rejected = EI_INIT;
static expert_field ei_msice_turn_error = EI_INIT;
static expert_field ei_msice_all_checks_failed = EI_INIT;
static expert_field ei_msice_relay_despite_direct = EI_INIT;
static expert_field ei_msice_tcp_relay = EI_INIT;
static expert_field ei_msice_no_reinvite = EI_INIT;
static expert_field ei_msice_client_diagnostics = EI_INIT;
static expert_field ei_msice_media_rejected = EI_INIT;

/* The expert item of each troubleshooting rule (icecall_rule_t). */
static const msice_status_ei_t icecall_rule_ei[] = {
    { ICECALL_RULE_NO_EDGE_CREDENTIALS,  &ei_msice_no_edge_credentials },
    { ICECALL_RULE_NO_EDGE_CANDIDATES,   &ei_msice_no_edge_candidates },
    { ICECALL_RULE_RELAY_UDP_ONLY,       &ei_msice_relay_udp_only },
    { ICECALL_RULE_RELAY_TCP_ONLY,       &ei_msice_relay_tcp_only },
    { ICECALL_RULE_PRIVATE_EDGE_ADDRESS, &ei_msice_private_edge_address },
    { ICECALL_RULE_TURN_UNREACHABLE,     &ei_msice_turn_unreachable },
    { ICECALL_RULE_TURN_CREDENTIALS,     &ei_msice_turn_credentials_rejected },
    { ICECALL_RULE_TURN_ERROR,           &ei_msice_turn_error },
    { ICECALL_RULE_ALL_CHECKS_FAILED,    &ei_msice_all_checks_failed },
    { ICECALL_RULE_RELAY_DESPITE_DIRECT, &ei_msice_relay_despite_direct },
    { ICECALL_RULE_TCP_RELAY,            &ei_msice_tcp_relay },
    { ICECALL_RULE_NO_REINVITE,          &ei_msice_no_reinvite },
    { ICECALL_RULE_CLIENT_DIAGNOSTICS,   &ei_msice_client_diagnostics },
    { ICECALL_RULE_MEDIA_REJECTED,       &ei_msice_media_rejected },
};
_Static_assert(G_N_ELEMENTS(icecall_rule_ei) == ICECALL_RULE_COUNT, "one expert item per status");

static expert_field ei_msice_no_edge_candidates_inside = EI_INIT; /* the note-level variant */


/* ---- the per-call model ------------------------------------------------------ */

/* The model lives from the init routine to the cleanup routine: one capture. */
static icecall_model_t *model;
static int msice_tap = -1;

icecall_model_t *
msice_model(void)
{
    return model;
}

int
msice_hf_call_id(void)
{
    return hf_msice_call_id;
}

int
msice_hf_media_type(void)
{
    return hf_msice_media_type;
}

/* The model's clock: the absolute time of its zero (see msice_time_us()). */
static gint64   model_t0_us;
static gboolean model_t0_set;

/* msice.max_calls: the call model's cap on calls, lowered by the user (a
 * small machine) or by a test that needs the cap reached. */
static guint pref_max_calls = ICECALL_MAX_CALLS;

static void
model_init(void)
{
    model = icecall_model_new();
    icecall_model_set_limit(model, ICECALL_LIMIT_CALLS, pref_max_calls);
    model_t0_set = FALSE;
}

static void findings_free(void);

static void
model_cleanup(void)
{
    findings_free();
    icecall_model_free(model);
    model = NULL;
}

/*
 * Capture-relative time for the model. rel_ts restarts at every time
 * reference (View > Time Reference), so the zero is taken once per model,
 * from the first packet that asks (abs_ts - rel_ts: the first frame, or the
 * reference before it), and every later time is abs_ts from that zero: a
 * time reference set afterwards moves nothing.
 */
gint64
msice_time_us(const packet_info *pinfo)
{
    gint64 abs_us = (gint64)pinfo->abs_ts.secs * 1000000 + pinfo->abs_ts.nsecs / 1000;
    if (!model_t0_set) {
        model_t0_us = abs_us - ((gint64)pinfo->rel_ts.secs * 1000000 + pinfo->rel_ts.nsecs / 1000);
        model_t0_set = TRUE;
    }
    return abs_us - model_t0_us;
}

/*
 * The DSCP of the packet being dissected, from its IP header in the frame
 * bytes (the IP dissector keeps no copy a plugin can read): the header whose
 * addresses and transport ports are the packet's. Not inside ICMP errors
 * (the quoted packet is not this one).
 */
void
msice_leg_dscp(packet_info *pinfo, icecall_leg_t *leg)
{
    if (!pinfo->data_src || pinfo->flags.in_error_pkt || pinfo->net_src.type != pinfo->net_dst.type)
        return;
    guint8 family = pinfo->net_src.type == AT_IPv4 && pinfo->net_src.len == 4 ? 4
                    : pinfo->net_src.type == AT_IPv6 && pinfo->net_src.len == 16 ? 6 : 0;
    if (!family || pinfo->net_dst.len != pinfo->net_src.len || (pinfo->ptype != PT_UDP && pinfo->ptype != PT_TCP))
        return;
    tvbuff_t *frame = get_data_source_tvb((const struct data_source *)pinfo->data_src->data);
    guint len = frame ? tvb_captured_length(frame) : 0;
    guint n = MIN(len, MSNET_DSCP_SCAN_MAX + 64u);   /* the header and the ports behind it */
    if (!n)
        return;
    int d = msnet_find_dscp(tvb_get_ptr(frame, 0, n), n, family, (const guint8 *)pinfo->net_src.data,
                            (const guint8 *)pinfo->net_dst.data, (guint16)pinfo->srcport, (guint16)pinfo->destport,
                            pinfo->ptype == PT_TCP ? 6 : 17);
    if (d >= 0) {
        leg->has_dscp = TRUE;
        leg->dscp = (guint8)d;
    }
}

void
address_to_icecall(icecall_addr_t *out, const address *a, guint16 port)
{
    memset(out, 0, sizeof(*out));
    if (a->type == AT_IPv4 && a->len == 4) {
        out->family = 4;
        memcpy(out->addr, a->data, 4);
    } else if (a->type == AT_IPv6 && a->len == 16) {
        out->family = 6;
        memcpy(out->addr, a->data, 16);
    }
    out->port = port;
}

void
icecall_to_address(address *out, const icecall_addr_t *a, wmem_allocator_t *scope)
{
    if (a->family == 6)
        alloc_address_wmem(scope, out, AT_IPv6, 16, a->addr);
    else
        alloc_address_wmem(scope, out, AT_IPv4, 4, a->addr);
}

gboolean
msice_tap_wanted(void)
{
    return have_tap_listener(msice_tap);
}

void
msice_queue_tap(packet_info *pinfo, msice_event_t kind, const char *call_id, const char *label, const char *comment,
                icecall_path_t path, gboolean graph)
{
    if (!have_tap_listener(msice_tap))
        return;
    msice_tap_info_t *ti = wmem_new0(pinfo->pool, msice_tap_info_t);
    ti->kind = kind;
    ti->call_id = call_id ? wmem_strdup(pinfo->pool, call_id) : NULL;
    ti->label = label;
    ti->comment = comment;
    ti->path = path;
    ti->graph = graph;
    tap_queue_packet(msice_tap, pinfo, ti);
}

/*
 * Checks and media feed the model on the first pass; when a packet is
 * dissected again (GUI clicks in any order, tshark -2) the finished model is
 * asked the same question instead. No per-packet state is kept.
 */
void
msice_model_check(packet_info *pinfo, const icecall_check_t *ck, icecall_frame_t *fi)
{
    memset(fi, 0, sizeof(*fi));
    /* A datagram quoted in an ICMP error was sent (and counted) once
     * already: the error is fed on its own (dissect_icmp_entry). */
    if (!model || pinfo->flags.in_error_pkt)
        return;
    if (!PINFO_FD_VISITED(pinfo))
        icecall_add_check(model, ck, fi);
    else
        icecall_lookup_check(model, ck, fi);
}

void
msice_model_media(packet_info *pinfo, const icecall_media_pkt_t *mp, icecall_frame_t *fi)
{
    memset(fi, 0, sizeof(*fi));
    if (!model || pinfo->flags.in_error_pkt)
        return;
    if (!PINFO_FD_VISITED(pinfo))
        icecall_add_media(model, mp, fi);
    else
        icecall_lookup_media(model, mp, fi);
}

void
msice_model_unreachable(packet_info *pinfo, const icecall_unreach_t *u, icecall_frame_t *fi)
{
    memset(fi, 0, sizeof(*fi));
    if (!model)
        return;
    if (!PINFO_FD_VISITED(pinfo))
        icecall_add_unreachable(model, u, fi);
    else
        icecall_lookup_unreachable(model, u, fi);
}

/* The msice items of a check or media packet: which call, pair and path. */
void
msice_show_path(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, icecall_frame_t *fi)
{
    if (!fi || !fi->valid)
        return;
    proto_item *top = proto_tree_add_item(tree, proto_msice, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(top);
    proto_item_append_text(top, ", %s: %s", fi->media, icecall_path_to_string(fi->path));
    proto_tree *t = proto_item_add_subtree(top, ett_msice_path);
    proto_item *pi = proto_tree_add_string(t, hf_msice_call_id, tvb, 0, 0, fi->call_id);
    proto_item_set_generated(pi);
    pi = proto_tree_add_string(t, hf_msice_media_type, tvb, 0, 0, fi->media);
    proto_item_set_generated(pi);
    /* The pair's text is formatted only for a tree that shows or filters on it. */
    if (proto_field_is_referenced(tree, hf_msice_pair)) {
        pi = proto_tree_add_string(t, hf_msice_pair, tvb, 0, 0, icecall_frame_pair(fi));
        proto_item_set_generated(pi);
    }
    pi = proto_tree_add_string(t, hf_msice_path_type, tvb, 0, 0, icecall_path_to_string(fi->path));
    proto_item_set_generated(pi);
    /* msice.path.rank is the rank of the media path, on media only, so an
     * I/O Graph of MAX(msice.path.rank) steps at promotions; checks (and
     * ICMP errors) carry the rank of their pair in msice.pair.rank. */
    pi = proto_tree_add_uint(t, fi->is_media ? hf_msice_path_rank : hf_msice_pair_rank, tvb, 0, 0, fi->path);
    proto_item_set_generated(pi);
    if (fi->rejection[0]) {
        pi = proto_tree_add_string(t, hf_msice_rejection, tvb, 0, 0, fi->rejection);
        proto_item_set_generated(pi);
    }
    if (fi->local_offer_frame) {
        pi = proto_tree_add_uint(t, hf_msice_pair_local_offer, tvb, 0, 0, fi->local_offer_frame);
        proto_item_set_generated(pi);
    }
    if (fi->remote_offer_frame) {
        pi = proto_tree_add_uint(t, hf_msice_pair_remote_offer, tvb, 0, 0, fi->remote_offer_frame);
        proto_item_set_generated(pi);
    }
    if (fi->promotion) {
        pi = proto_tree_add_boolean(t, hf_msice_promotion, tvb, 0, 0, TRUE);
        proto_item_set_generated(pi);
        msice_expert_format(pinfo, pi, &ei_msice_promotion, "Media moved to a new path: %s (%s)",
                            icecall_path_to_string(fi->path), icecall_frame_pair(fi));
    }
}

/*
 * The tap record of a check or media packet. The Flow Graph gets an arrow
 * for every check and for the first RTP of each pair and direction (early
 * media, a path change, the other direction joining), whatever carried it
 * (@carrier: direct, Send Request / Data Indication, 0xFF10, raw datagram
 * to the active destination, TCP 0x03 frame); other media packets only
 * tell the calls report which call they belong to.
 */
void
msice_queue_path(packet_info *pinfo, icecall_frame_t *fi, const char *check_label, const char *carrier)
{
    if (!have_tap_listener(msice_tap) || !fi || !fi->valid)
        return;
    if (!fi->is_media) {
        msice_queue_tap(pinfo, MSICE_EV_CHECK, fi->call_id, check_label, icecall_frame_pair(fi), fi->path, TRUE);
        return;
    }
    const char *label;
    gboolean graph = TRUE;
    if (fi->promotion)
        label = wmem_strdup_printf(pinfo->pool, "media moves: %s -> %s", icecall_path_short(fi->from_path),
                                   icecall_path_short(fi->path));
    else if (fi->early)
        label = wmem_strdup_printf(pinfo->pool, "early media: %s", icecall_path_short(fi->path));
    else if (fi->first_on_pair)
        label = wmem_strdup_printf(pinfo->pool, "media: %s", icecall_path_short(fi->path));
    else {
        label = "media";
        graph = FALSE;
    }
    const char *comment = graph ? wmem_strdup_printf(pinfo->pool, "%s (%s, %s) | %s", label, fi->media, carrier,
                                                     icecall_frame_pair(fi))
                                : NULL; /* not drawn: no text needed */
    msice_queue_tap(pinfo, MSICE_EV_MEDIA, fi->call_id, label, comment, fi->path, graph);
}

/* A SIP message, as the model wants it, from the SIP context of a body or header. */
void
msice_msg_from_sip(icecall_msg_t *msg, packet_info *pinfo, const msice_sip_context_t *ctx)
{
    memset(msg, 0, sizeof(*msg));
    msg->frame = pinfo->num;
    msg->time_us = msice_time_us(pinfo);
    msg->call_id = ctx->call_id;
    msg->from_uri = ctx->from_uri;
    msg->to_uri = ctx->to_uri;
    msg->from_tag = ctx->from_tag;
    msg->to_tag = ctx->to_tag;
    msg->cseq_method = ctx->cseq_method;
    msg->cseq = ctx->cseq;
    msg->message = ctx->message;
    msg->is_request = ctx->message && !g_ascii_isdigit(ctx->message[0]);
    address_to_icecall(&msg->src, &pinfo->net_src, 0);
    address_to_icecall(&msg->dst, &pinfo->net_dst, 0);
}

/* A connectivity check, as the model wants it, from a parsed STUN message. */
void
msice_check_from_msg(icecall_check_t *ck, const guint8 *buf, const msturn_msg_t *m, packet_info *pinfo)
{
    memset(ck, 0, sizeof(*ck));
    ck->frame = pinfo->num;
    ck->time_us = msice_time_us(pinfo);
    ck->stun_type = m->type;
    if (m->avail >= MSTURN_HEADER_LEN)
        memcpy(ck->txid, buf + 4, 16);
    const msturn_attr_t *u = msturn_find_attr(m, MSTURN_ATTR_USERNAME);
    guint32 n;
    if (u && u->value_len && msturn_get_text(buf, u, &n))   /* MS-ICE2's NUL padding stripped */
        ck->username = wmem_strndup(pinfo->pool, (const char *)buf + u->value_off, n);
    ck->use_candidate = msturn_find_attr(m, MSTURN_ATTR_ICE_USE_CANDIDATE) != NULL;
    if (m->type == MSTURN_BINDING_RESPONSE) {
        /* How the responder saw the requester: XOR-MAPPED-ADDRESS (MS-ICE2,
         * RFC 5389; 0x8020 in older MS-ICE2 stacks) or MAPPED-ADDRESS (MS-ICE
         * v6 checks follow RFC 3489). */
        const msturn_attr_t *xm = msturn_find_attr(m, MSTURN_ATTR_ICE_XOR_MAPPED_ADDRESS);
        if (!xm)
            xm = msturn_find_attr(m, MSTURN_ATTR_XOR_MAPPED_ADDRESS);
        if (!xm)
            xm = msturn_find_attr(m, MSTURN_ATTR_MAPPED_ADDRESS);
        msturn_addr_t a;
        if (xm && msturn_get_address(buf, m, xm, &a) == MSTURN_VAL_OK &&
            (a.family == MSTURN_FAMILY_IPV4 || a.family == MSTURN_FAMILY_IPV6)) {
            ck->mapped.family = a.family == MSTURN_FAMILY_IPV4 ? 4 : 6;
            memcpy(ck->mapped.addr, a.addr, a.addr_len <= 16 ? a.addr_len : 16);
            ck->mapped.port = a.port;
        }
    }
    const msturn_attr_t *mx = msturn_find_attr(m, MSTURN_ATTR_MUX_SESSION_ID);
    if (mx && m->type == MSTURN_BINDING_REQUEST && mx->value_len == 8) {
        /* The sender wants the answer in 0xFF10 frames to its relay: it sent the
         * check through that relay ([MS-TURN] 2.2.2.25, 3.2.5.7). */
        guint64 sid;
        msturn_get_u64(buf, mx, &sid);
        ck->sender_mux_session = sid ? sid : 1;
    }
    const msturn_attr_t *ec = msturn_find_attr(m, MSTURN_ATTR_ERROR_CODE);
    if (ec) {
        guint16 code;
        guint32 ro, rl;
        if (msturn_get_error(buf, ec, &code, &ro, &rl) == MSTURN_VAL_OK)
            ck->error_code = code;
    }
}

void
msice_model_packet(packet_info *pinfo, proto_tree *tree, const icecall_leg_t *leg, msturn_payload_t kind,
                   const guint8 *buf, guint len, const msturn_msg_t *m, icecall_frame_t *fi)
{
    /* Without a tree nothing shows the packet's call, media name or path
     * but the msice tap and the text of an expert info (the promotion's):
     * without them the model skips what only they need. */
    static int expert_tap = -2;
    if (expert_tap == -2)
        expert_tap = find_tap_id("expert");
    gboolean brief = !tree && !have_tap_listener(msice_tap) && !(expert_tap >= 0 && have_tap_listener(expert_tap));
    if (kind == MSTURN_PAYLOAD_STUN) {
        if (!m) {
            msturn_msg_t *parsed = wmem_new(pinfo->pool, msturn_msg_t);
            msturn_parse(buf, len, parsed);
            m = parsed;
        }
        icecall_check_t ck;
        msice_check_from_msg(&ck, buf, m, pinfo);
        ck.leg = *leg;
        ck.brief = brief;
        msice_model_check(pinfo, &ck, fi);
    } else {
        icecall_media_pkt_t mp;
        memset(&mp, 0, sizeof(mp));
        mp.frame = pinfo->num;
        mp.time_us = msice_time_us(pinfo);
        mp.leg = *leg;
        mp.rtcp = kind == MSTURN_PAYLOAD_RTCP || kind == MSTURN_PAYLOAD_SRTCP;
        mp.brief = brief;
        msice_model_media(pinfo, &mp, fi);
    }
}

/* ---- troubleshooting findings ------------------------------------------------ */

/*
 * The rules of icecall_findings() judge the whole capture, so they show on
 * packets seen again after the first pass: in the GUI, and with tshark -2.
 * The first step of the expert budget's postdissector (msice-expert.c) puts
 * each finding on its frame; the frame -> findings map is rebuilt when the
 * model changed.
 */
static GHashTable *findings_by_frame;   /* GUINT frame -> GPtrArray of icecall_finding_t* */
static guint64 findings_generation = G_MAXUINT64;

static void
add_finding(const icecall_finding_t *f, void *user _U_)
{
    GPtrArray *a = (GPtrArray *)g_hash_table_lookup(findings_by_frame, GUINT_TO_POINTER(f->frame));
    if (!a) {
        a = g_ptr_array_new_with_free_func(g_free);
        g_hash_table_insert(findings_by_frame, GUINT_TO_POINTER(f->frame), a);
    }
    g_ptr_array_add(a, g_memdup2(f, sizeof(*f)));
}

static void
findings_free(void)
{
    if (findings_by_frame)
        g_hash_table_destroy(findings_by_frame);
    findings_by_frame = NULL;
    findings_generation = G_MAXUINT64;
}

static void
findings_step(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    if (!PINFO_FD_VISITED(pinfo) || !model)
        return;
    if (!findings_by_frame || findings_generation != icecall_generation(model)) {
        findings_free();
        findings_by_frame = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                                  (GDestroyNotify)g_ptr_array_unref);
        icecall_findings(model, 10 * G_USEC_PER_SEC, add_finding, NULL);
        findings_generation = icecall_generation(model);
    }
    GPtrArray *a = (GPtrArray *)g_hash_table_lookup(findings_by_frame, GUINT_TO_POINTER(pinfo->num));
    if (!a)
        return;
    proto_item *top = proto_tree_add_item(tree, proto_msice, tvb, 0, 0, ENC_NA);
    proto_item_append_text(top, ", call analysis: %u finding%s", a->len, a->len == 1 ? "" : "s");
    proto_tree *t = proto_item_add_subtree(top, ett_msice_finding);
    for (guint i = 0; i < a->len; i++) {
        const icecall_finding_t *f = (const icecall_finding_t *)g_ptr_array_index(a, i);
        proto_item *pi = proto_tree_add_string(t, hf_msice_finding, tvb, 0, 0, f->text);
        proto_item_set_generated(pi);
        if (f->call_id[0]) {
            proto_item *ci = proto_tree_add_string(t, hf_msice_call_id, tvb, 0, 0, f->call_id);
            proto_item_set_generated(ci);
        }
        /* An expert item has one severity: rules judged milder in context
         * (no Edge candidates on a call inside the network) have their own. */
        expert_field *ei = MSICE_STATUS_EI(icecall_rule_ei, f->rule);
        if (f->rule == ICECALL_RULE_NO_EDGE_CANDIDATES && f->severity == ICECALL_SEV_NOTE)
            ei = &ei_msice_no_edge_candidates_inside;
        if (ei)
            msice_expert_format(pinfo, pi, ei, "%s", f->text);
    }
}

/* ---- limits of the model ---------------------------------------------------- */

/* msice.expert.limit_reached at the frame where a cap of the model
 * (icecall.h) first refused something: from there on the model, the report
 * and the Flow Graph miss items. Run by the expert budget's postdissector
 * (msice_expert_set_steps()), on its msice item. */
static void
limit_experts(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item **top)
{
    if (!model || !icecall_limit_reached_by(model, pinfo->num))
        return; /* the usual case: no cap reached at this frame */
    for (int l = 0; l < ICECALL_LIMIT_COUNT; l++) {
        icecall_limit_info_t li;
        icecall_limit_info(model, (icecall_limit_t)l, &li);
        if (!li.reached || li.first_frame != pinfo->num)
            continue;
        if (!*top)
            *top = proto_tree_add_item(tree, proto_msice, tvb, 0, 0, ENC_NA);
        /* The same text on every pass: the totals are the report's. */
        expert_add_info_format(pinfo, *top, &ei_msice_limit,
                               "Limit reached: %u %s%s; from this frame on, %s "
                               "(-z msice,calls says how many)", li.cap, icecall_limit_name((icecall_limit_t)l),
                               icecall_limit_scope((icecall_limit_t)l), icecall_limit_past((icecall_limit_t)l));
    }
}

/* ---- registration ------------------------------------------------------ */

void
msice_model_register(int proto, module_t *prefs)
{
    static hf_register_info hf[] = {
        { &hf_msice_call_id, { "Call-ID", "msice.call_id", FT_STRING, BASE_NONE, NULL, 0x0,
              "SIP Call-ID of the message carrying this SDP or header, or of the call of this packet", HFILL } },
        { &hf_msice_media_type, { "Media Type", "msice.media.type", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msice_pair, { "Candidate Pair", "msice.pair", FT_STRING, BASE_NONE, NULL, 0x0,
              "The caller's (A) and callee's (B) candidates this packet travels between", HFILL } },
        { &hf_msice_path_type, { "Path", "msice.path.type", FT_STRING, BASE_NONE, NULL, 0x0,
              "host (direct), server-reflexive, relay UDP or relay TCP", HFILL } },
        { &hf_msice_path_rank, { "Path Rank", "msice.path.rank", FT_UINT8, BASE_DEC, NULL, 0x0,
              "Media packets only: 4 host, 3 server-reflexive, 2 relay UDP, 1 relay TCP, 0 unknown; plot "
              "MAX(msice.path.rank) in an I/O Graph to see promotions", HFILL } },
        { &hf_msice_pair_rank, { "Pair Rank", "msice.pair.rank", FT_UINT8, BASE_DEC, NULL, 0x0,
              "Checks and ICMP errors: the rank of the pair's path (4 host ... 1 relay TCP, 0 unknown)", HFILL } },
        { &hf_msice_rejection, { "Media Rejected", "msice.rejection", FT_STRING, BASE_NONE, NULL, 0x0,
              "ICMP destination unreachable about a call's media: who does not take it (not a media packet)",
              HFILL } },
        { &hf_msice_pair_local_offer, { "Sender's Candidate Offered In", "msice.pair.local_offer_in", FT_FRAMENUM,
              BASE_NONE, NULL, 0x0, "SDP frame that offered the sending candidate", HFILL } },
        { &hf_msice_pair_remote_offer, { "Receiver's Candidate Offered In", "msice.pair.remote_offer_in",
              FT_FRAMENUM, BASE_NONE, NULL, 0x0, "SDP frame that offered the receiving candidate", HFILL } },
        { &hf_msice_promotion, { "Promotion", "msice.promotion", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
              "First media packet on a new candidate pair", HFILL } },
        { &hf_msice_finding, { "Finding", "msice.finding", FT_STRING, BASE_NONE, NULL, 0x0,
              "What the call analysis found at this frame (needs the whole capture: GUI or tshark -2)", HFILL } },
    };

    static gint *ett[] = {
        &ett_msice_path, &ett_msice_finding,
    };

    /* The promotion note, one expert item per troubleshooting rule (icecall_rule_ei), the limits. */
    static ei_register_info ei[] = {
        { &ei_msice_limit, { "msice.expert.limit_reached", PI_UNDECODED, PI_WARN,
            "A limit of the call model was reached: later items are not followed", EXPFILL } },
        { &ei_msice_promotion, { "msice.expert.promotion", PI_SEQUENCE, PI_NOTE,
              "Media moved to a new path (promotion)", EXPFILL } },
        { &ei_msice_no_edge_credentials, { "msice.expert.no_edge_credentials", PI_PROTOCOL,
              PI_WARN, "Client has no Edge credentials (MRAS failed or absent): it offers only local candidates",
              EXPFILL } },
        { &ei_msice_no_edge_candidates, { "msice.expert.no_edge_candidates", PI_PROTOCOL,
              PI_WARN, "No server-reflexive and no relay candidate: the client cannot reach the A/V Edge", EXPFILL } },
        { &ei_msice_no_edge_candidates_inside, { "msice.expert.no_edge_candidates_inside", PI_PROTOCOL, PI_NOTE,
              "No server-reflexive and no relay candidate, on a call inside the network (no Edge needed)",
              EXPFILL } },
        { &ei_msice_relay_udp_only, { "msice.expert.relay_udp_only", PI_PROTOCOL, PI_NOTE,
              "Relay candidates over UDP only: TCP to the Edge is likely blocked", EXPFILL } },
        { &ei_msice_relay_tcp_only, { "msice.expert.relay_tcp_only", PI_PROTOCOL, PI_WARN,
              "Relay candidates over TCP only: UDP to the Edge is likely blocked", EXPFILL } },
        { &ei_msice_private_edge_address, { "msice.expert.private_edge_address", PI_PROTOCOL,
              PI_WARN, "External client with a private relay/server-reflexive address: Edge external address wrong "
              "(NAT)?", EXPFILL } },
        { &ei_msice_turn_unreachable, { "msice.expert.turn_unreachable", PI_RESPONSE_CODE,
              PI_WARN, "A/V Edge unreachable: Allocate never answered", EXPFILL } },
        { &ei_msice_turn_credentials_rejected, { "msice.expert.turn_credentials_rejected",
              PI_RESPONSE_CODE, PI_WARN, "A/V Edge rejected the credentials (401 after authentication)",
              EXPFILL } },
        { &ei_msice_turn_error, { "msice.expert.turn_error", PI_RESPONSE_CODE, PI_WARN,
              "Allocation failed (437, 438, 486, 5xx)", EXPFILL } },
        { &ei_msice_all_checks_failed, { "msice.expert.all_checks_failed", PI_SEQUENCE,
              PI_WARN, "Every connectivity check failed: no media path", EXPFILL } },
        { &ei_msice_relay_despite_direct, { "msice.expert.relay_despite_direct", PI_SEQUENCE,
              PI_WARN, "Media on a relay although a direct pair succeeded", EXPFILL } },
        { &ei_msice_tcp_relay, { "msice.expert.tcp_relay", PI_SEQUENCE, PI_WARN,
              "Final media path is a TCP relay (the last resort)", EXPFILL } },
        { &ei_msice_no_reinvite, { "msice.expert.no_reinvite", PI_SEQUENCE, PI_WARN,
              "No re-INVITE with the final candidates after the 200 OK", EXPFILL } },
        { &ei_msice_client_diagnostics, { "msice.expert.client_diagnostics", PI_PROTOCOL,
              PI_WARN, "The client reports a media connectivity problem", EXPFILL } },
        { &ei_msice_media_rejected, { "msice.expert.media_rejected", PI_RESPONSE_CODE,
              PI_WARN, "The peer (or the network) rejects the media: ICMP destination unreachable", EXPFILL } },
    };

    proto_msice = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));

    msice_tap = register_tap("msice");
    register_init_routine(model_init);
    register_cleanup_routine(model_cleanup);
    msice_expert_set_steps(findings_step, limit_experts);
    prefs_register_uint_preference(prefs, "max_calls", "Calls followed at most",
                                   "The per-call model follows at most this many calls (and ICE sessions without "
                                   "SIP) per capture, from 1 to 100000 (larger values count as 100000); later calls "
                                   "are counted in the -z msice,calls report, not followed. Lower it to save memory.",
                                   10, &pref_max_calls);
}
