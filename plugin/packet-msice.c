/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet-msice.c - ICE candidates in SDP, both Microsoft formats.
 *
 * Specs: [MS-ICE] (candidate format of draft-ietf-mmusic-ice-06, "v6"),
 * [MS-ICE2] (ice-19, "v19"), [MS-SDPEXT] 3.1.5.21 (x-candidate-ipv6),
 * 3.1.5.36 (x-candidate-info), [MS-SIPRE] 2.2.14 / 3.15.4.1
 * (multipart/alternative with ms-proxy-2007fallback).
 *
 * How the SDP text is reached: msice takes "application/sdp" in the
 * media_type table (where SIP, multipart, HTTP and others hand over bodies),
 * calls Wireshark's own SDP dissector on the body first, unchanged, then reads
 * the body's a= and m= lines itself and parses each ICE line with
 * core/icecand.c. The SIP Call-ID and start line, and the multipart part
 * headers (ms-proxy-2007fallback), are read from the bytes in front of the
 * body in its data source. Unlike a postdissector reading SDP's field infos,
 * this needs no protocol tree, so tshark does not build one for every packet.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/conversation.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/ipproto.h>
#include <epan/dissectors/packet-tcp.h>

#include "msice-int.h"
#include "core/icecand.h"
#include "core/icecall.h"
#include "core/msnet.h"
#include "core/msturn.h"
#include "core/sdpline.h"

/* ---- ids --------------------------------------------------------------- */

static int proto_msice = -1;

static int hf_msice_call_id = -1;
static int hf_msice_message = -1;
static int hf_msice_sdp_format = -1;
static int hf_msice_sdp_fallback = -1;
static int hf_msice_media = -1;
static int hf_msice_media_type = -1;
static int hf_msice_media_summary = -1;
static int hf_msice_ufrag = -1;
static int hf_msice_pwd = -1;
static int hf_msice_candidate = -1;
static int hf_msice_candidate_attribute = -1;
static int hf_msice_candidate_version = -1;
static int hf_msice_candidate_foundation = -1;
static int hf_msice_candidate_username = -1;
static int hf_msice_candidate_password = -1;
static int hf_msice_candidate_component = -1;
static int hf_msice_candidate_transport = -1;
static int hf_msice_candidate_priority = -1;
static int hf_msice_candidate_priority_value = -1;
static int hf_msice_candidate_priority_type_pref = -1;
static int hf_msice_candidate_priority_local_pref = -1;
static int hf_msice_candidate_priority_component = -1;
static int hf_msice_candidate_qvalue = -1;
static int hf_msice_candidate_address = -1;
static int hf_msice_candidate_address_ipv4 = -1;
static int hf_msice_candidate_address_ipv6 = -1;
static int hf_msice_candidate_port = -1;
static int hf_msice_candidate_type = -1;
static int hf_msice_candidate_raddr = -1;
static int hf_msice_candidate_rport = -1;
static int hf_msice_candidate_tcptype = -1;
static int hf_msice_candidate_scope = -1;
static int hf_msice_candidate_extension = -1;
static int hf_msice_candidate_info = -1;
static int hf_msice_remote_candidate = -1;
static int hf_msice_remote_candidate_username = -1;
static int hf_msice_remote_candidate_component = -1;
static int hf_msice_remote_candidate_address = -1;
static int hf_msice_remote_candidate_port = -1;
static int hf_msice_ice_options = -1;
static int hf_msice_pair = -1;
static int hf_msice_path_type = -1;
static int hf_msice_path_rank = -1;
static int hf_msice_pair_rank = -1;
static int hf_msice_rejection = -1;
static int hf_msice_pair_local_offer = -1;
static int hf_msice_pair_remote_offer = -1;
static int hf_msice_promotion = -1;
static int hf_msice_rfc4571_length = -1;

static gint ett_msice = -1;
static gint ett_msice_media = -1;
static gint ett_msice_candidate = -1;
static gint ett_msice_priority = -1;
static gint ett_msice_remote = -1;
static gint ett_msice_path = -1;

static expert_field ei_msice_truncated = EI_INIT;
static expert_field ei_msice_too_long = EI_INIT;
static expert_field ei_msice_bad_foundation = EI_INIT;
static expert_field ei_msice_bad_credential = EI_INIT;
static expert_field ei_msice_bad_component = EI_INIT;
static expert_field ei_msice_bad_transport = EI_INIT;
static expert_field ei_msice_bad_priority = EI_INIT;
static expert_field ei_msice_bad_qvalue = EI_INIT;
static expert_field ei_msice_bad_address = EI_INIT;
static expert_field ei_msice_bad_port = EI_INIT;
static expert_field ei_msice_bad_type = EI_INIT;
static expert_field ei_msice_bad_raddr = EI_INIT;
static expert_field ei_msice_bad_rport = EI_INIT;
static expert_field ei_msice_too_many = EI_INIT;
static expert_field ei_msice_extra_tokens = EI_INIT;
static expert_field ei_msice_ufrag_length = EI_INIT;
static expert_field ei_msice_pwd_length = EI_INIT;
static expert_field ei_msice_priority_range = EI_INIT;
static expert_field ei_msice_ambiguous_credentials = EI_INIT;
static expert_field ei_msice_priority_mismatch = EI_INIT;
static expert_field ei_msice_options_ignored = EI_INIT;

/* The expert item of each ICE line status (icecand_status_t; OK and NOT_ICE have none). */
static const msice_status_ei_t icecand_ei[] = {
    { ICECAND_TRUNCATED,             &ei_msice_truncated },
    { ICECAND_TOO_LONG,              &ei_msice_too_long },
    { ICECAND_BAD_FOUNDATION,        &ei_msice_bad_foundation },
    { ICECAND_BAD_CREDENTIAL,        &ei_msice_bad_credential },
    { ICECAND_BAD_COMPONENT,         &ei_msice_bad_component },
    { ICECAND_BAD_TRANSPORT,         &ei_msice_bad_transport },
    { ICECAND_BAD_PRIORITY,          &ei_msice_bad_priority },
    { ICECAND_BAD_QVALUE,            &ei_msice_bad_qvalue },
    { ICECAND_BAD_ADDRESS,           &ei_msice_bad_address },
    { ICECAND_BAD_PORT,              &ei_msice_bad_port },
    { ICECAND_BAD_TYPE,              &ei_msice_bad_type },
    { ICECAND_BAD_RADDR,             &ei_msice_bad_raddr },
    { ICECAND_BAD_RPORT,             &ei_msice_bad_rport },
    { ICECAND_TOO_MANY,              &ei_msice_too_many },
    { ICECAND_EXTRA_TOKENS,          &ei_msice_extra_tokens },
    { ICECAND_UFRAG_LENGTH,          &ei_msice_ufrag_length },
    { ICECAND_PWD_LENGTH,            &ei_msice_pwd_length },
    { ICECAND_PRIORITY_RANGE,        &ei_msice_priority_range },
    { ICECAND_AMBIGUOUS_CREDENTIALS, &ei_msice_ambiguous_credentials },
    { ICECAND_PRIORITY_MISMATCH,     &ei_msice_priority_mismatch },
    { ICECAND_OPTIONS_IGNORED,       &ei_msice_options_ignored },
};
_Static_assert(G_N_ELEMENTS(icecand_ei) == ICECAND_STATUS_COUNT - 2, "one expert item per status");

static expert_field ei_msice_promotion = EI_INIT;
static expert_field ei_msice_sdp_too_long = EI_INIT;
static expert_field ei_msice_sdp_truncated = EI_INIT;
static expert_field ei_msice_sdp_bad_port = EI_INIT;
static expert_field ei_msice_sdp_bad_port_count = EI_INIT;
static expert_field ei_msice_sdp_bad_address = EI_INIT;
static expert_field ei_msice_sdp_bad_addrtype = EI_INIT;

/* The expert item of each c=/m= line status. */
static const msice_status_ei_t sdpline_ei[] = {
    { SDPLINE_TOO_LONG,       &ei_msice_sdp_too_long },
    { SDPLINE_TRUNCATED,      &ei_msice_sdp_truncated },
    { SDPLINE_BAD_PORT,       &ei_msice_sdp_bad_port },
    { SDPLINE_BAD_PORT_COUNT, &ei_msice_sdp_bad_port_count },
    { SDPLINE_BAD_ADDRESS,    &ei_msice_sdp_bad_address },
    { SDPLINE_BAD_ADDRTYPE,   &ei_msice_sdp_bad_addrtype },
};
_Static_assert(G_N_ELEMENTS(sdpline_ei) == SDPLINE_STATUS_COUNT - 2, "one expert item per c=/m= line problem");

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
static int hf_msice_finding = -1;
static gint ett_msice_finding = -1;
static dissector_handle_t findings_handle;

static dissector_handle_t msice_handle;

/* ---- value strings ----------------------------------------------------- */

static const value_string component_vals[] = {
    { 1, "RTP" },
    { 2, "RTCP" },
    { 0, NULL }
};

/* ---- the text around a body ----------------------------------------------- */

/* An a= or m= line of the body. Scope: pinfo->pool. */
typedef struct {
    gint     start;   /* of the line ("a=...") in the body tvb */
    gint     length;  /* without the line end */
    char     kind;    /* 'a', 'm' or 'c' */
} sdp_line_t;

/* The a=, m= and c= lines of the body, in order. Scope: pinfo->pool. */
static wmem_array_t *
body_lines(tvbuff_t *tvb, packet_info *pinfo)
{
    wmem_array_t *lines = wmem_array_sized_new(pinfo->pool, sizeof(sdp_line_t), 32);
    gint len = (gint)tvb_captured_length(tvb);
    gint off = 0;
    while (off < len) {
        gint next;
        gint ll = tvb_find_line_end(tvb, off, -1, &next, FALSE);
        if (ll < 0)
            break;
        if (ll >= 2 && msice_tvb_get_u8(tvb, off + 1) == '=') {
            guint8 k = msice_tvb_get_u8(tvb, off);
            if (k == 'a' || k == 'm' || k == 'c') {
                sdp_line_t l = { off, ll, (char)k };
                wmem_array_append_one(lines, l);
            }
        }
        if (next <= off)
            break;
        off = next;
    }
    return lines;
}

/* ---- one candidate ------------------------------------------------------ */

/* Adds a string item over a span of the line; offsets of @c are relative to
 * the attribute value at @base in @tvb. */
static proto_item *
add_span_string(proto_tree *tree, int hf, tvbuff_t *tvb, gint base, icecand_span_t sp)
{
    if (sp.length == 0)
        return NULL;
    return proto_tree_add_item(tree, hf, tvb, base + (gint)sp.offset, (gint)sp.length, ENC_ASCII);
}

static void
add_address(proto_tree *tree, int hf_text, tvbuff_t *tvb, gint base, const icecand_addr_t *a, gboolean typed)
{
    if (a->span.length == 0)
        return;
    gint off = base + (gint)a->span.offset;
    proto_tree_add_item(tree, hf_text, tvb, off, (gint)a->span.length, ENC_ASCII);
    if (!typed)
        return;
    if (a->family == ICECAND_FAMILY_IPV4) {
        ws_in4_addr v4;
        memcpy(&v4, a->bytes, 4);
        proto_item *pi = proto_tree_add_ipv4(tree, hf_msice_candidate_address_ipv4, tvb, off, (gint)a->span.length, v4);
        proto_item_set_hidden(pi);
    } else if (a->family == ICECAND_FAMILY_IPV6) {
        ws_in6_addr v6;
        memcpy(v6.bytes, a->bytes, 16);
        proto_item *pi = proto_tree_add_ipv6(tree, hf_msice_candidate_address_ipv6, tvb, off, (gint)a->span.length, &v6);
        proto_item_set_hidden(pi);
    }
}

static void
add_num(proto_tree *tree, int hf, tvbuff_t *tvb, gint base, const icecand_num_t *n)
{
    if (n->span.length && n->valid)
        proto_tree_add_uint(tree, hf, tvb, base + (gint)n->span.offset, (gint)n->span.length, n->value);
}

/* Raises one expert info per problem the parser found on this line. */
static void
line_experts(packet_info *pinfo, proto_item *item, const icecand_t *c, const char *line)
{
    for (int s = ICECAND_NOT_ICE + 1; s < ICECAND_STATUS_COUNT; s++) {
        expert_field *ei = MSICE_STATUS_EI(icecand_ei, s);
        if (ei && icecand_has_problem(c, (icecand_status_t)s))
            msice_expert_format(pinfo, item, ei, "%s: %s", icecand_status_to_string((icecand_status_t)s), line);
    }
}

/* Per-media counters for the summary line. */
typedef struct {
    const char *media;           /* "audio" */
    guint       n_type[ICECAND_TYPE_RELAY + 1];
    guint       n_v6;
    guint       n_any;
    gboolean    udp, tcp;
    guint8      version;
} media_summary_t;

static void
count_candidate(media_summary_t *ms, const icecand_t *c)
{
    if (c->version)
        ms->version = c->version;
    /* Count each candidate once: by its RTP component when it has one. */
    if (c->component.valid && c->component.value != 1)
        return;
    ms->n_any++;
    if (c->version == 6)
        ms->n_v6++;
    else if (c->type <= ICECAND_TYPE_RELAY)
        ms->n_type[c->type]++;
    if (c->transport == ICECAND_TRANSPORT_UDP)
        ms->udp = TRUE;
    else if (c->transport != ICECAND_TRANSPORT_UNKNOWN)
        ms->tcp = TRUE;
}

/* "audio: 2 host, 1 srflx, 2 relay (UDP, TCP)"; the caller puts "ICE v19 "
 * in front (once per media line in the tree, once per body in Info). */
static const char *
summary_text(wmem_allocator_t *scope, const media_summary_t *ms)
{
    wmem_strbuf_t *b = wmem_strbuf_new(scope, "");
    wmem_strbuf_append_printf(b, "%s: ", ms->media);
    if (ms->version == 6) {
        wmem_strbuf_append_printf(b, "%u candidate%s", ms->n_v6, ms->n_v6 == 1 ? "" : "s");
    } else {
        static const icecand_type_t order[] = { ICECAND_TYPE_HOST, ICECAND_TYPE_SRFLX, ICECAND_TYPE_PRFLX,
                                                ICECAND_TYPE_RELAY, ICECAND_TYPE_UNKNOWN };
        gboolean first = TRUE;
        for (guint i = 0; i < G_N_ELEMENTS(order); i++) {
            guint n = ms->n_type[order[i]];
            if (!n)
                continue;
            wmem_strbuf_append_printf(b, "%s%u %s", first ? "" : ", ", n, icecand_type_to_string(order[i]));
            first = FALSE;
        }
        if (first)
            wmem_strbuf_append(b, "no candidates");
    }
    if (ms->udp || ms->tcp)
        wmem_strbuf_append_printf(b, " (%s%s%s)", ms->udp ? "UDP" : "", ms->udp && ms->tcp ? ", " : "",
                                  ms->tcp ? "TCP" : "");
    return wmem_strbuf_get_str(b);
}

static void
dissect_candidate(tvbuff_t *tvb, gint base, packet_info *pinfo, proto_tree *tree, const icecand_t *c,
                  proto_item **item_out)
{
    char comp[ICECAND_COMPONENT_STR_LEN];
    gint vlen = (gint)c->value.length;
    proto_item *ci = proto_tree_add_item(tree, hf_msice_candidate, tvb, base + (gint)c->value.offset, vlen, ENC_NA);
    proto_tree *ct = proto_item_add_subtree(ci, ett_msice_candidate);
    *item_out = ci;

    proto_item *pi = proto_tree_add_string(ct, hf_msice_candidate_attribute, tvb, base + (gint)c->name.offset,
                                           (gint)c->name.length, icecand_kind_to_string(c->kind));
    proto_item_set_generated(pi);
    if (c->version) {
        pi = proto_tree_add_uint(ct, hf_msice_candidate_version, tvb, base + (gint)c->value.offset, vlen, c->version);
        proto_item_set_generated(pi);
    }
    add_span_string(ct, hf_msice_candidate_foundation, tvb, base, c->foundation);
    add_span_string(ct, hf_msice_candidate_username, tvb, base, c->username);
    add_num(ct, hf_msice_candidate_component, tvb, base, &c->component);
    add_span_string(ct, hf_msice_candidate_password, tvb, base, c->password);
    add_span_string(ct, hf_msice_candidate_transport, tvb, base, c->transport_span);
    if (c->version == 6) {
        if (c->qvalue.span.length) {
            pi = proto_tree_add_item(ct, hf_msice_candidate_priority, tvb, base + (gint)c->qvalue.span.offset,
                                     (gint)c->qvalue.span.length, ENC_ASCII);
            proto_item_append_text(pi, " (qvalue)");
        }
        add_num(ct, hf_msice_candidate_qvalue, tvb, base, &c->qvalue);
    } else if (c->priority.span.length) {
        pi = proto_tree_add_item(ct, hf_msice_candidate_priority, tvb, base + (gint)c->priority.span.offset,
                                 (gint)c->priority.span.length, ENC_ASCII);
        if (c->priority.valid) {
            proto_tree *pt = proto_item_add_subtree(pi, ett_msice_priority);
            icecand_prio_parts_t parts = icecand_priority_parts(c->priority.value);
            gint po = base + (gint)c->priority.span.offset, pl = (gint)c->priority.span.length;
            proto_tree_add_uint(pt, hf_msice_candidate_priority_value, tvb, po, pl, c->priority.value);
            proto_item *g = proto_tree_add_uint(pt, hf_msice_candidate_priority_type_pref, tvb, po, pl, parts.type_pref);
            proto_item_set_generated(g);
            g = proto_tree_add_uint(pt, hf_msice_candidate_priority_local_pref, tvb, po, pl, parts.local_pref);
            proto_item_set_generated(g);
            g = proto_tree_add_uint(pt, hf_msice_candidate_priority_component, tvb, po, pl, parts.component);
            proto_item_set_generated(g);
        }
    }
    add_address(ct, hf_msice_candidate_address, tvb, base, &c->address, TRUE);
    add_num(ct, hf_msice_candidate_port, tvb, base, &c->port);
    if (c->type_span.length) {
        proto_tree_add_string(ct, hf_msice_candidate_type, tvb, base + (gint)c->type_span.offset,
                              (gint)c->type_span.length, icecand_type_to_string(c->type));
    } else if (c->version == 6) {
        /* [MS-ICE] candidates carry no type: say so, never guess. */
        pi = proto_tree_add_string(ct, hf_msice_candidate_type, tvb, base + (gint)c->value.offset, vlen,
                                   "unknown");
        proto_item_append_text(pi, " (ICE v6 lines do not encode the candidate type)");
        proto_item_set_generated(pi);
    }
    add_address(ct, hf_msice_candidate_raddr, tvb, base, &c->raddr, FALSE);
    add_num(ct, hf_msice_candidate_rport, tvb, base, &c->rport);
    if (c->tcptype_span.length)
        add_span_string(ct, hf_msice_candidate_tcptype, tvb, base, c->tcptype_span);
    if (c->address.family != ICECAND_FAMILY_NONE) {
        pi = proto_tree_add_string(ct, hf_msice_candidate_scope, tvb, base + (gint)c->address.span.offset,
                                   (gint)c->address.span.length,
                                   icecand_scope_to_string(icecand_addr_scope(&c->address)));
        proto_item_set_generated(pi);
    }
    for (unsigned i = 0; i < c->n_ext; i++) {
        const icecand_ext_t *e = &c->ext[i];
        guint32 end = e->value.length ? e->value.offset + e->value.length : e->name.offset + e->name.length;
        proto_tree_add_item(ct, hf_msice_candidate_extension, tvb, base + (gint)e->name.offset,
                            (gint)(end - e->name.offset), ENC_ASCII);
    }

    /* Item text: "host UDP 192.168.56.1:15676 (RTP), priority 2130706431" */
    const char *addr = c->address.span.length
        ? (const char *)tvb_get_string_enc(pinfo->pool, tvb, base + (gint)c->address.span.offset,
                                           (gint)c->address.span.length, ENC_ASCII)
        : "?";
    proto_item_append_text(ci, ": %s %s %s%s%s:%u (%s)", c->version == 6 ? "v6" : icecand_type_to_string(c->type),
                           icecand_transport_to_string(c->transport), c->address.family == ICECAND_FAMILY_IPV6 ? "[" : "",
                           addr, c->address.family == ICECAND_FAMILY_IPV6 ? "]" : "", c->port.valid ? c->port.value : 0,
                           icecand_component_to_string(c->component.valid ? c->component.value : 0, comp, sizeof(comp)));
}

static void
dissect_remote(tvbuff_t *tvb, gint base, packet_info *pinfo, proto_tree *tree, const icecand_t *c,
               proto_item **item_out)
{
    proto_item *ri = proto_tree_add_item(tree, hf_msice_remote_candidate, tvb, base + (gint)c->value.offset,
                                         (gint)c->value.length, ENC_NA);
    proto_tree *rt = proto_item_add_subtree(ri, ett_msice_remote);
    *item_out = ri;
    if (c->kind == ICECAND_KIND_REMOTE_CANDIDATE) {
        proto_tree_add_item(rt, hf_msice_remote_candidate_username, tvb, base + (gint)c->username.offset,
                            (gint)c->username.length, ENC_ASCII);
        proto_item_append_text(ri, " (v6): the selected remote candidate's username");
        return;
    }
    proto_item_append_text(ri, " (v19):");
    for (unsigned i = 0; i < c->n_remote; i++) {
        const icecand_remote_t *r = &c->remote[i];
        add_num(rt, hf_msice_remote_candidate_component, tvb, base, &r->component);
        if (r->address.span.length)
            proto_tree_add_item(rt, hf_msice_remote_candidate_address, tvb, base + (gint)r->address.span.offset,
                                (gint)r->address.span.length, ENC_ASCII);
        add_num(rt, hf_msice_remote_candidate_port, tvb, base, &r->port);
        proto_item_append_text(ri, " %u %s:%u", r->component.value,
                               r->address.span.length
                                   ? (const char *)tvb_get_string_enc(pinfo->pool, tvb,
                                                                      base + (gint)r->address.span.offset,
                                                                      (gint)r->address.span.length, ENC_ASCII)
                                   : "?",
                               r->port.value);
    }
}

/* ---- the per-call model ------------------------------------------------------ */

/* The model lives from the init routine to the cleanup routine: one capture. */
static icecall_model_t *model;
static int msice_tap = -1;
static dissector_handle_t media_handle;   /* conversations on candidate addresses */
static dissector_handle_t ice_tcp_handle; /* ICE over TCP between the endpoints (RFC 4571 framing) */
static dissector_handle_t stun_handle, rtp_handle, rtcp_handle, data_handle;

icecall_model_t *
msice_model(void)
{
    return model;
}

int
msice_proto(void)
{
    return proto_msice;
}

int
msice_hf_call_id(void)
{
    return hf_msice_call_id;
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

static void
icecall_to_address(address *out, const icecall_addr_t *a, wmem_allocator_t *scope)
{
    if (a->family == 6)
        alloc_address_wmem(scope, out, AT_IPv6, 16, a->addr);
    else
        alloc_address_wmem(scope, out, AT_IPv4, 4, a->addr);
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

/* Media on candidate addresses goes through dissect_msice_media(). */
static void
claim_address(packet_info *pinfo, const icecall_addr_t *a, gboolean tcp, void *user _U_)
{
    address addr;
    if (tcp || !a->port)
        return; /* TCP candidates: RFC 4571 framing, not handled here */
    icecall_to_address(&addr, a, pinfo->pool);
    conversation_t *conv = find_conversation(pinfo->num, &addr, NULL, CONVERSATION_UDP, a->port, 0,
                                             NO_ADDR_B | NO_PORT_B);
    if (!conv)
        conv = conversation_new(pinfo->num, &addr, NULL, CONVERSATION_UDP, a->port, 0, NO_ADDR2 | NO_PORT2);
    conversation_set_dissector_from_frame_number(conv, pinfo->num, media_handle);
}

typedef struct {
    packet_info *pinfo;
} claim_ctx_t;

static void
claim_cb(const icecall_addr_t *a, bool tcp, void *user)
{
    claim_ctx_t *cc = (claim_ctx_t *)user;
    claim_address(cc->pinfo, a, tcp, NULL);
}

/*
 * Every candidate of the call (both sides, so far) is claimed again in each
 * SDP frame: SIP sets up RTP conversations for the SDP addresses in the
 * frame with the answer, before the body reaches us; msice takes them over
 * and hands RTP to the RTP dissector itself.
 */
static void
claim_candidates(packet_info *pinfo, const char *call_id)
{
    claim_ctx_t cc = { pinfo };
    icecall_foreach_candidate(model, call_id, claim_cb, &cc);
}

static int
dissect_msice_media(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    guint len = tvb_captured_length(tvb);
    if (len == 0)
        return 0;
    /* A client socket also talks to the Edge: after a Set Active
     * Destination its relayed media goes there without TURN header. */
    int used = msturn_dissect_active_data(tvb, pinfo, tree);
    if (used > 0)
        return used;
    const guint8 *buf = tvb_get_ptr(tvb, 0, len);
    msturn_payload_t kind = msturn_classify_payload(buf, len);
    if (kind == MSTURN_PAYLOAD_DATA)
        return 0; /* not ICE media: let UDP try the port and the heuristics */
    icecall_frame_t *fi = wmem_new(pinfo->pool, icecall_frame_t);
    {
        icecall_addr_t src, dst;
        address_to_icecall(&src, &pinfo->net_src, (guint16)pinfo->srcport);
        address_to_icecall(&dst, &pinfo->net_dst, (guint16)pinfo->destport);
        if (kind == MSTURN_PAYLOAD_STUN) {
            msturn_msg_t *m = wmem_new(pinfo->pool, msturn_msg_t);
            msturn_parse(buf, len, m);
            icecall_check_t ck;
            msice_check_from_msg(&ck, buf, m, pinfo);
            ck.leg.src = src;
            ck.leg.dst = dst;
            if (!PINFO_FD_VISITED(pinfo))
                msice_leg_dscp(pinfo, &ck.leg);
            msice_model_check(pinfo, &ck, fi);
        } else {
            icecall_media_pkt_t mp;
            memset(&mp, 0, sizeof(mp));
            mp.frame = pinfo->num;
            mp.time_us = msice_time_us(pinfo);
            mp.leg.src = src;
            mp.leg.dst = dst;
            if (!PINFO_FD_VISITED(pinfo))
                msice_leg_dscp(pinfo, &mp.leg);
            mp.rtcp = kind == MSTURN_PAYLOAD_RTCP || kind == MSTURN_PAYLOAD_SRTCP;
            msice_model_media(pinfo, &mp, fi);
        }
    }
    switch (kind) {
    case MSTURN_PAYLOAD_STUN:
        call_dissector_only(stun_handle, tvb, pinfo, tree, NULL);
        break;
    case MSTURN_PAYLOAD_RTP:
        call_dissector_only(rtp_handle, tvb, pinfo, tree, NULL);
        break;
    case MSTURN_PAYLOAD_RTCP:
        call_dissector_only(rtcp_handle, tvb, pinfo, tree, NULL);
        break;
    case MSTURN_PAYLOAD_SRTCP:
    default:
        /* Encrypted SRTCP: without the SDES keys only its length is known. */
        call_dissector(data_handle, tvb, pinfo, tree);
        break;
    }
    if (fi && fi->valid) {
        msice_show_path(tvb, pinfo, tree, fi);
        msice_queue_path(pinfo, fi, "connectivity check", "direct");
    }
    return (int)len;
}

/*
 * Direct MS-ICE2 checks between addresses no SDP announced (capture without
 * SIP, or started mid-call): recognised by an MS-ICE2 attribute
 * (IMPLEMENTATION-VERSION or CANDIDATE-IDENTIFIER). The conversation then
 * goes through dissect_msice_media(), which hands the checks to Wireshark's
 * STUN dissector and the media to RTP.
 */
static msice_bool_t
dissect_msice_heur_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint len = tvb_captured_length(tvb);
    if (len < MSTURN_HEADER_LEN + 8 || !model)
        return FALSE;
    const guint8 *buf = tvb_get_ptr(tvb, 0, len);
    if (!msturn_looks_like_stun_check(buf, len) || msturn_rd32(buf + 4) != STUN_RFC5389_COOKIE)
        return FALSE;
    msturn_msg_t *m = wmem_new(pinfo->pool, msturn_msg_t);
    if (msturn_parse(buf, len, m) != MSTURN_OK || (!msturn_find_attr(m, MSTURN_ATTR_ICE_IMPL_VERSION) &&
                                                   !msturn_find_attr(m, MSTURN_ATTR_ICE_CANDIDATE_ID)))
        return FALSE;
    conversation_t *conv = find_or_create_conversation(pinfo);
    conversation_set_dissector(conv, media_handle);
    return dissect_msice_media(tvb, pinfo, tree, data) > 0;
}

/* ---- ICMP errors about ICE datagrams -------------------------------------- */

/*
 * ICMP / ICMPv6 as IP hands them over: msice takes the "ip.proto" entries,
 * runs Wireshark's ICMP dissector first, unchanged, then reads the datagram
 * the error quotes. An ICMP error about a call's media is no media packet
 * (the quoted copy is dissected as an error packet and never fed as media);
 * it is a rejection of that media by the side it was sent to (or by the
 * network). The datagram is read here, not from the quoted UDP dissection,
 * because most stacks quote only its first 8 bytes (the UDP header), and
 * then UDP calls no subdissector at all.
 */
static dissector_handle_t icmp_prev[2];     /* what "ip.proto" 1 and 58 had: ICMP, ICMPv6 */

/* The UDP datagram an ICMP destination unreachable error quotes. */
static gboolean
icmp_quoted_udp(tvbuff_t *tvb, gboolean v6, icecall_unreach_t *u)
{
    guint len = tvb_captured_length(tvb);
    if (len < 8)
        return FALSE;
    const guint8 *b = tvb_get_ptr(tvb, 0, len);
    u->v6 = v6;
    u->type = b[0];
    u->code = b[1];
    if (v6 ? u->type != 1 : u->type != 3)
        return FALSE;                    /* destination unreachable only */
    guint off = 8;                       /* type, code, checksum, unused / length (RFC 792, RFC 4443) */
    if (!v6) {
        if (len < off + 20 || (b[off] >> 4) != 4)
            return FALSE;
        guint ihl = (guint)(b[off] & 0x0Fu) * 4u;
        if (ihl < 20 || len < off + ihl || b[off + 9] != IP_PROTO_UDP || ((b[off + 6] & 0x1Fu) | b[off + 7]) != 0)
            return FALSE;                /* not UDP, or a later fragment without the UDP header */
        u->quoted_src.family = u->quoted_dst.family = 4;
        memcpy(u->quoted_src.addr, b + off + 12, 4);
        memcpy(u->quoted_dst.addr, b + off + 16, 4);
        off += ihl;
    } else {
        /* Extension headers before UDP are not followed. */
        if (len < off + 40 || (b[off] >> 4) != 6 || b[off + 6] != IP_PROTO_UDP)
            return FALSE;
        u->quoted_src.family = u->quoted_dst.family = 6;
        memcpy(u->quoted_src.addr, b + off + 8, 16);
        memcpy(u->quoted_dst.addr, b + off + 24, 16);
        off += 40;
    }
    if (len < off + 8)
        return FALSE;
    u->quoted_src.port = msturn_rd16(b + off);
    u->quoted_dst.port = msturn_rd16(b + off + 2);
    guint ulen = msturn_rd16(b + off + 4);
    guint plen = len - off - 8;
    if (ulen >= 8 && ulen - 8 < plen)
        plen = ulen - 8;
    if (plen == 0) {
        u->quoted = ICECALL_QUOTED_UNKNOWN;
    } else {
        msturn_payload_t kind = msturn_classify_payload(b + off + 8, plen);
        u->quoted = kind == MSTURN_PAYLOAD_STUN ? ICECALL_QUOTED_CHECK
                  : kind == MSTURN_PAYLOAD_DATA ? ICECALL_QUOTED_OTHER : ICECALL_QUOTED_MEDIA;
    }
    return TRUE;
}

static int
dissect_icmp_entry(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data, gboolean v6)
{
    icecall_unreach_t u;
    memset(&u, 0, sizeof(u));
    address_to_icecall(&u.reporter, &pinfo->net_src, 0);
    gboolean in_error = pinfo->flags.in_error_pkt;
    int ret = icmp_prev[v6] ? call_dissector_only(icmp_prev[v6], tvb, pinfo, tree, data) : 0;
    if (in_error || !model || !proto_is_protocol_enabled(find_protocol_by_id(proto_msice)) ||
        !icmp_quoted_udp(tvb, v6, &u))
        return ret;
    u.frame = pinfo->num;
    u.time_us = msice_time_us(pinfo);
    icecall_frame_t *fi = wmem_new(pinfo->pool, icecall_frame_t);
    if (!PINFO_FD_VISITED(pinfo))
        icecall_add_unreachable(model, &u, fi);
    else
        icecall_lookup_unreachable(model, &u, fi);
    if (!fi->valid)
        return ret;
    msice_show_path(tvb, pinfo, tree, fi);
    if (fi->rejection[0])
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "%s", fi->rejection);
    if (have_tap_listener(msice_tap)) {
        const char *text = fi->rejection[0] ? fi->rejection : icecall_unreach_text(u.v6, u.type, u.code);
        msice_queue_tap(pinfo, MSICE_EV_REJECT, fi->call_id,
                        fi->rejection[0] ? "media rejected (ICMP)" : "check rejected (ICMP)",
                        wmem_strdup_printf(pinfo->pool, "%s | %s", text, icecall_frame_pair(fi)), fi->path,
                        fi->first_rejection);
    }
    return ret;
}

static int
dissect_icmp4_entry(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dissect_icmp_entry(tvb, pinfo, tree, data, FALSE);
}

static int
dissect_icmp6_entry(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dissect_icmp_entry(tvb, pinfo, tree, data, TRUE);
}

/* ---- ICE over TCP between the endpoints ------------------------------------------
 *
 * Checks and media on TCP-ACT/TCP-PASS candidates travel in a TCP connection
 * the active side opens to the passive one, each message prefixed with a
 * 2-byte length (RFC 4571, RFC 6544 3; [MS-ICE2] 3.1.4.8.1.3). The
 * connection is recognised by its first check (an MS-ICE2 attribute, as for
 * UDP) and then followed like UDP: checks to the model and to Wireshark's
 * STUN dissector, media to RTP/RTCP.
 */

/* Largest RFC 4571 frame taken for a check when recognising a connection. */
#define MSICE_TCP_CHECK_MAX 1500u

static guint
ice_tcp_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    return 2u + tvb_get_ntohs(tvb, offset);
}

/* Who opened the connection: the side whose port is not the one the SYN went to. */
static guint8
ice_tcp_role(packet_info *pinfo)
{
    struct tcp_analysis *tcpd = get_tcp_conversation_data(NULL, pinfo);
    if (!tcpd || !tcpd->server_port || pinfo->srcport == pinfo->destport)
        return 0;
    if (pinfo->destport == tcpd->server_port)
        return ICECALL_TCP_SRC_ACTIVE;
    if (pinfo->srcport == tcpd->server_port)
        return ICECALL_TCP_DST_ACTIVE;
    return 0;
}

static int
dissect_msice_tcp_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    guint len = tvb_captured_length(tvb);
    proto_item *ti = proto_tree_add_item(tree, proto_msice, tvb, 0, 2, ENC_NA);
    proto_item_append_text(ti, ", ICE over TCP (RFC 4571 framing)");
    proto_tree_add_item(proto_item_add_subtree(ti, ett_msice_path), hf_msice_rfc4571_length, tvb, 0, 2,
                        ENC_BIG_ENDIAN);
    if (len <= 2)
        return (int)len;
    tvbuff_t *inner = tvb_new_subset_remaining(tvb, 2);
    guint ilen = tvb_captured_length(inner);
    const guint8 *buf = tvb_get_ptr(inner, 0, ilen);
    msturn_payload_t kind = msturn_classify_payload(buf, ilen);
    icecall_frame_t *fi = wmem_new0(pinfo->pool, icecall_frame_t);
    icecall_leg_t leg;
    memset(&leg, 0, sizeof(leg));
    address_to_icecall(&leg.src, &pinfo->net_src, (guint16)pinfo->srcport);
    address_to_icecall(&leg.dst, &pinfo->net_dst, (guint16)pinfo->destport);
    leg.tcp = TRUE;
    if (!PINFO_FD_VISITED(pinfo)) {
        leg.tcp_role = ice_tcp_role(pinfo);
        msice_leg_dscp(pinfo, &leg);
    }
    if (kind == MSTURN_PAYLOAD_STUN) {
        msturn_msg_t *m = wmem_new(pinfo->pool, msturn_msg_t);
        msturn_parse(buf, ilen, m);
        icecall_check_t ck;
        msice_check_from_msg(&ck, buf, m, pinfo);
        ck.leg = leg;
        msice_model_check(pinfo, &ck, fi);
        call_dissector_only(stun_handle, inner, pinfo, tree, NULL);
    } else if (kind != MSTURN_PAYLOAD_DATA) {
        icecall_media_pkt_t mp;
        memset(&mp, 0, sizeof(mp));
        mp.frame = pinfo->num;
        mp.time_us = msice_time_us(pinfo);
        mp.leg = leg;
        mp.rtcp = kind == MSTURN_PAYLOAD_RTCP || kind == MSTURN_PAYLOAD_SRTCP;
        msice_model_media(pinfo, &mp, fi);
        if (kind == MSTURN_PAYLOAD_RTP)
            call_dissector_only(rtp_handle, inner, pinfo, tree, NULL);
        else if (kind == MSTURN_PAYLOAD_RTCP)
            call_dissector_only(rtcp_handle, inner, pinfo, tree, NULL);
        else
            call_dissector(data_handle, inner, pinfo, tree);
    } else {
        call_dissector(data_handle, inner, pinfo, tree);
    }
    if (fi->valid) {
        gboolean graph = kind == MSTURN_PAYLOAD_STUN || fi->promotion;
        msice_show_path(tvb, pinfo, tree, fi);
        if (have_tap_listener(msice_tap))
            msice_queue_tap(pinfo, kind == MSTURN_PAYLOAD_STUN ? MSICE_EV_CHECK : MSICE_EV_MEDIA, fi->call_id,
                            kind == MSTURN_PAYLOAD_STUN ? "connectivity check (TCP)" : "media (TCP)",
                            graph ? icecall_frame_pair(fi) : NULL, fi->path, graph);
    }
    return (int)len;
}

static int
dissect_msice_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    tcp_dissect_pdus(tvb, pinfo, tree, TRUE, 2, ice_tcp_pdu_len, dissect_msice_tcp_pdu, data);
    return (int)tvb_captured_length(tvb);
}

/* The first RFC 4571 frame of the segment is an MS-ICE2 check: an ICE-TCP connection. */
static msice_bool_t
dissect_msice_heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint len = tvb_captured_length(tvb);
    if (len < 2 + MSTURN_HEADER_LEN + 8 || !model)
        return FALSE;
    guint n = tvb_get_ntohs(tvb, 0);
    if (n < MSTURN_HEADER_LEN + 8 || n > MSICE_TCP_CHECK_MAX || n > len - 2)
        return FALSE;
    const guint8 *buf = tvb_get_ptr(tvb, 2, n);
    if (!msturn_looks_like_stun_check(buf, n) || msturn_rd32(buf + 4) != STUN_RFC5389_COOKIE)
        return FALSE;
    msturn_msg_t *m = wmem_new(pinfo->pool, msturn_msg_t);
    if (msturn_parse(buf, n, m) != MSTURN_OK || (!msturn_find_attr(m, MSTURN_ATTR_ICE_IMPL_VERSION) &&
                                                 !msturn_find_attr(m, MSTURN_ATTR_ICE_CANDIDATE_ID)))
        return FALSE;
    conversation_t *conv = find_or_create_conversation(pinfo);
    conversation_set_dissector(conv, ice_tcp_handle);
    return dissect_msice_tcp(tvb, pinfo, tree, data) > 0;
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
    if (u && u->value_len) {
        /* MS-ICE2 pads with NULs inside the length: strip them. */
        guint32 n = u->value_len;
        while (n && buf[u->value_off + n - 1] == 0)
            n--;
        gboolean printable = TRUE;
        for (guint32 i = 0; i < n; i++)
            printable = printable && g_ascii_isprint(buf[u->value_off + i]);
        if (printable)
            ck->username = wmem_strndup(pinfo->pool, (const char *)buf + u->value_off, n);
    }
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
        guint64 sid = ((guint64)msturn_rd32(buf + mx->value_off) << 32) | msturn_rd32(buf + mx->value_off + 4);
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

/* ---- one SDP body ------------------------------------------------------- */

typedef struct {
    gsize ufrag_len, pwd_len;
    proto_item *pwd_item;
} media_creds_t;

static void
candidate_addr(icecall_addr_t *out, const icecand_addr_t *a, const icecand_num_t *port)
{
    memset(out, 0, sizeof(*out));
    if (a->family == ICECAND_FAMILY_NONE)
        return;
    out->family = (guint8)a->family;
    memcpy(out->addr, a->bytes, 16);
    out->port = port->valid ? (guint16)port->value : 0;
}

/* One expert info per problem of a c= or m= line, on the line's bytes (the
 * msice tree of the body may not exist yet: it starts at the first ICE line). */
static void
sdp_line_experts(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const sdp_line_t *l, const sdpline_t *sl)
{
    const char *text = (const char *)tvb_format_text(pinfo->pool, tvb, l->start, l->length);
    for (int s = SDPLINE_NOT_CM + 1; s < SDPLINE_STATUS_COUNT; s++) {
        expert_field *ei = MSICE_STATUS_EI(sdpline_ei, s);
        if (ei && sdpline_has_problem(sl, (sdpline_status_t)s))
            proto_tree_add_expert_format(tree, pinfo, ei, tvb, l->start, l->length, "%s: %s",
                                         sdpline_status_to_string((sdpline_status_t)s), text);
    }
}

/*
 * Walks the a= and m= lines of one SDP body in order, building one subtree
 * per media description. Returns the Info text for this body (NULL when it
 * holds no ICE attribute).
 */
static const char *
dissect_sdp_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, wmem_array_t *lines)
{
    proto_item *top = NULL;
    proto_tree *st = NULL, *mt = NULL;
    proto_item *media_item = NULL;
    gboolean any_ice = FALSE;     /* the body has an ICE line: msice tree made */
    gboolean media_open = FALSE;  /* the current media description has one */
    gint m_start = 0, m_len = 0, m_type_off = 0, m_type_len = 0;  /* its m= line, if any */
    media_summary_t ms;
    media_creds_t creds;
    wmem_strbuf_t *info = wmem_strbuf_new(pinfo->pool, "");
    guint8 body_version = 0;
    icecand_t *c = wmem_new(pinfo->pool, icecand_t);
    /* What the per-call model gets: one entry per m= line. */
    wmem_array_t *model_media = wmem_array_new(pinfo->pool, sizeof(icecall_media_in_t));
    wmem_array_t *model_cands = NULL;
    icecall_addr_t remote_rtp;
    icecall_media_in_t cur;
    icecall_addr_t c_session, c_media;
    guint n_m = 0;

    memset(&ms, 0, sizeof(ms));
    memset(&creds, 0, sizeof(creds));
    memset(&cur, 0, sizeof(cur));
    memset(&remote_rtp, 0, sizeof(remote_rtp));
    memset(&c_session, 0, sizeof(c_session));
    memset(&c_media, 0, sizeof(c_media));
    ms.media = "session";

    guint n_lines = wmem_array_get_count(lines);
    for (guint i = 0; i <= n_lines; i++) {
        const sdp_line_t *l = i < n_lines ? (const sdp_line_t *)wmem_array_index(lines, i) : NULL;
        /* Close the current media description on a new m= line or at the end. */
        if ((!l || l->kind == 'm') && n_m > 0) {
            /* Hand the media line to the model: c= (media, else session) and m= port. */
            icecall_addr_t def = c_media.family ? c_media : c_session;
            def.port = cur.default_addr.port;
            cur.default_addr = def.family ? def : cur.default_addr;
            cur.version = ms.version;
            cur.cands = model_cands ? (const icecall_cand_in_t *)wmem_array_get_raw(model_cands) : NULL;
            cur.n_cands = model_cands ? wmem_array_get_count(model_cands) : 0;
            if (cur.n_remote) {
                /* remote_rtp is reused by the next m= line: keep a copy. */
                cur.remote = (const icecall_addr_t *)wmem_memdup(pinfo->pool, cur.remote, sizeof(icecall_addr_t));
            }
            wmem_array_append_one(model_media, cur);
        }
        if ((!l || l->kind == 'm') && media_open) {
            if (ms.n_any || ms.version) {
                const char *text = summary_text(pinfo->pool, &ms);
                guint version = ms.version ? ms.version : 19;
                proto_item *pi = proto_tree_add_string_format_value(mt, hf_msice_media_summary, tvb, 0, 0, text,
                                                                    "ICE v%u %s", version, text);
                proto_item_set_generated(pi);
                proto_item_append_text(media_item, ": ICE v%u %s", version, text);
                if (wmem_strbuf_get_len(info))
                    wmem_strbuf_append(info, "; ");
                wmem_strbuf_append(info, text);
            }
            if (creds.ufrag_len && creds.pwd_len &&
                icecand_check_credentials(creds.ufrag_len, creds.pwd_len) == ICECAND_AMBIGUOUS_CREDENTIALS)
                msice_expert(pinfo, creds.pwd_item, MSICE_STATUS_EI(icecand_ei, ICECAND_AMBIGUOUS_CREDENTIALS));
            media_open = FALSE;
        }
        if (!l)
            break;
        if (l->length < 2)
            continue;
        const guint8 *p = tvb_get_ptr(tvb, l->start, l->length);
        if (l->kind == 'c' || l->kind == 'm') {
            sdpline_t sl;
            sdpline_parse((const char *)p, (gsize)l->length, &sl);
            if (sl.problems)
                sdp_line_experts(tvb, pinfo, tree, l, &sl);
            if (l->kind == 'c') {
                /* "c=IN IP4 10.0.0.1": the default address of the session or media */
                icecall_addr_t *dst = n_m ? &c_media : &c_session;
                memset(dst, 0, sizeof(*dst));
                if (sl.family) {
                    dst->family = sl.family;
                    memcpy(dst->addr, sl.addr, 16);
                }
                continue;
            }
            /* "m=audio 50000 RTP/AVP 0": a new media description */
            memset(&ms, 0, sizeof(ms));
            memset(&creds, 0, sizeof(creds));
            ms.media = (const char *)tvb_get_string_enc(pinfo->pool, tvb, l->start + (gint)sl.media.offset,
                                                        (gint)sl.media.length, ENC_ASCII);
            m_start = l->start;
            m_len = l->length;
            m_type_off = l->start + (gint)sl.media.offset;
            m_type_len = (gint)sl.media.length;
            memset(&cur, 0, sizeof(cur));
            memset(&c_media, 0, sizeof(c_media));
            cur.index = n_m++;
            cur.media = ms.media;
            cur.default_addr.port = sl.port_valid ? sl.port : 0;   /* 0: unknown (expert info above) */
            model_cands = wmem_array_new(pinfo->pool, sizeof(icecall_cand_in_t));
            continue;
        }
        /* a= line: the value starts after "a=". */
        gint base = l->start + 2;
        if (icecand_parse((const char *)p + 2, (gsize)(l->length - 2), c) == ICECAND_NOT_ICE)
            continue;
        if (!any_ice) {
            top = proto_tree_add_item(tree, proto_msice, tvb, 0, -1, ENC_NA);
            st = proto_item_add_subtree(top, ett_msice);
            any_ice = TRUE;
        }
        if (!media_open) {
            /* First ICE line of a media description (or of the session). */
            media_open = TRUE;
            media_item = proto_tree_add_item(st, hf_msice_media, tvb, m_len ? m_start : l->start, m_len, ENC_NA);
            proto_item_append_text(media_item, " %s", ms.media);
            mt = proto_item_add_subtree(media_item, ett_msice_media);
            if (m_len)
                proto_tree_add_string(mt, hf_msice_media_type, tvb, m_type_off, m_type_len, ms.media);
        }
        proto_item *item = NULL;
        switch (c->kind) {
        case ICECAND_KIND_CANDIDATE:
        case ICECAND_KIND_X_CANDIDATE_IPV6:
            dissect_candidate(tvb, base, pinfo, mt, c, &item);
            count_candidate(&ms, c);
            if (c->version)
                body_version = c->version;
            if (model_cands && c->address.family != ICECAND_FAMILY_NONE && c->port.valid) {
                icecall_cand_in_t ci;
                memset(&ci, 0, sizeof(ci));
                ci.version = c->version;
                ci.type = (icecall_ctype_t)c->type;
                ci.tcp = c->transport != ICECAND_TRANSPORT_UDP;
                ci.transport = icecand_transport_to_string(c->transport);
                ci.component = c->component.valid ? c->component.value : 0;
                ci.priority = c->version == 6 ? c->qvalue.value : c->priority.value;
                candidate_addr(&ci.addr, &c->address, &c->port);
                if (c->raddr.family != ICECAND_FAMILY_NONE)
                    candidate_addr(&ci.raddr, &c->raddr, &c->rport);
                icecand_span_t f = c->version == 6 ? c->username : c->foundation;
                ci.foundation = (const char *)tvb_get_string_enc(pinfo->pool, tvb, base + (gint)f.offset,
                                                                 (gint)f.length, ENC_ASCII);
                wmem_array_append_one(model_cands, ci);
            }
            break;
        case ICECAND_KIND_REMOTE_CANDIDATE:
        case ICECAND_KIND_REMOTE_CANDIDATES:
            dissect_remote(tvb, base, pinfo, mt, c, &item);
            if (c->kind == ICECAND_KIND_REMOTE_CANDIDATE && !body_version)
                body_version = 6;
            if (c->kind == ICECAND_KIND_REMOTE_CANDIDATE)
                cur.remote_v6 = (const char *)tvb_get_string_enc(pinfo->pool, tvb, base + (gint)c->username.offset,
                                                                 (gint)c->username.length, ENC_ASCII);
            /* The model keeps the RTP (component 1) remote candidate. */
            for (unsigned k = 0; k < c->n_remote; k++) {
                if (c->remote[k].component.valid && c->remote[k].component.value == 1) {
                    candidate_addr(&remote_rtp, &c->remote[k].address, &c->remote[k].port);
                    cur.remote = &remote_rtp;
                    cur.n_remote = 1;
                }
            }
            break;
        case ICECAND_KIND_ICE_UFRAG:
            item = proto_tree_add_item(mt, hf_msice_ufrag, tvb, base + (gint)c->value.offset, (gint)c->value.length,
                                       ENC_ASCII);
            creds.ufrag_len = c->value.length;
            cur.ufrag = (const char *)tvb_get_string_enc(pinfo->pool, tvb, base + (gint)c->value.offset,
                                                         (gint)c->value.length, ENC_ASCII);
            break;
        case ICECAND_KIND_ICE_PWD:
            item = proto_tree_add_item(mt, hf_msice_pwd, tvb, base + (gint)c->value.offset, (gint)c->value.length,
                                       ENC_ASCII);
            creds.pwd_len = c->value.length;
            creds.pwd_item = item;
            break;
        case ICECAND_KIND_X_CANDIDATE_INFO:
            item = proto_tree_add_item(mt, hf_msice_candidate_info, tvb, base + (gint)c->value.offset,
                                       (gint)c->value.length, ENC_ASCII);
            break;
        case ICECAND_KIND_ICE_OPTIONS:
            item = proto_tree_add_item(mt, hf_msice_ice_options, tvb, base + (gint)c->value.offset,
                                       (gint)c->value.length, ENC_ASCII);
            break;
        case ICECAND_KIND_NONE:
        default:
            break;
        }
        if (c->problems) /* item is NULL without a tree: the expert infos still count (-z expert) */
            line_experts(pinfo, item, c, (char *)tvb_format_text(pinfo->pool, tvb, l->start, l->length));
    }
    if (!any_ice)
        return NULL;

    msice_sip_context_t ctx;
    msice_sip_context_of_body(tvb, pinfo, &ctx);
    const char *format = body_version == 6 ? (ctx.fallback ? "ICE v6 (ms-proxy-2007fallback part)" : "ICE v6")
                                           : (ctx.fallback ? "ICE v19 (in the ms-proxy-2007fallback part)" : "ICE v19");
    proto_item *pi = proto_tree_add_string(st, hf_msice_sdp_format, tvb, 0, 0, format);
    proto_item_set_generated(pi);
    pi = proto_tree_add_boolean(st, hf_msice_sdp_fallback, tvb, 0, 0, ctx.fallback);
    proto_item_set_generated(pi);
    if (ctx.call_id) {
        pi = proto_tree_add_string(st, hf_msice_call_id, tvb, 0, 0, ctx.call_id);
        proto_item_set_generated(pi);
    }
    if (ctx.message) {
        pi = proto_tree_add_string(st, hf_msice_message, tvb, 0, 0, ctx.message);
        proto_item_set_generated(pi);
    }
    if (ctx.call_id) {
        if (!PINFO_FD_VISITED(pinfo) && model) {
            icecall_msg_t msg;
            memset(&msg, 0, sizeof(msg));
            msg.frame = pinfo->num;
            msg.time_us = msice_time_us(pinfo);
            msg.call_id = ctx.call_id;
            msg.from_uri = ctx.from_uri;
            msg.to_uri = ctx.to_uri;
            msg.from_tag = ctx.from_tag;
            msg.to_tag = ctx.to_tag;
            msg.cseq_method = ctx.cseq_method;
            msg.cseq = ctx.cseq;
            msg.message = ctx.message;
            msg.is_request = ctx.message && !g_ascii_isdigit(ctx.message[0]);
            address_to_icecall(&msg.src, &pinfo->net_src, 0);
            address_to_icecall(&msg.dst, &pinfo->net_dst, 0);
            icecall_add_sdp(model, &msg, (const icecall_media_in_t *)wmem_array_get_raw(model_media),
                            wmem_array_get_count(model_media));
            claim_candidates(pinfo, ctx.call_id);
        }
        msice_queue_tap(pinfo, MSICE_EV_SDP, ctx.call_id,
                        wmem_strdup_printf(pinfo->pool, "%s SDP (%s)", ctx.message ? ctx.message : "SIP", format),
                        wmem_strdup_printf(pinfo->pool, "ICE v%u %s", body_version ? body_version : 19,
                                           wmem_strbuf_get_str(info)),
                        ICECALL_PATH_NONE, TRUE);
    }
    proto_item_append_text(top, ", %s SDP%s%s", format, wmem_strbuf_get_len(info) ? ": " : "",
                           wmem_strbuf_get_str(info));
    /* Info: "ICE v19 audio: 2 host, 1 srflx, 2 relay (UDP, TCP); video: ..." */
    return wmem_strdup_printf(pinfo->pool, "ICE v%u %s", body_version ? body_version : 19,
                              wmem_strbuf_get_len(info) ? wmem_strbuf_get_str(info) : "(no candidates)");
}

/* ---- troubleshooting findings ------------------------------------------------ */

/*
 * The rules of icecall_findings() judge the whole capture, so they show on
 * packets seen again after the first pass: in the GUI, and with tshark -2.
 * A postdissector puts each finding on its frame; the frame -> findings map
 * is rebuilt when the model changed.
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

static int
dissect_msice_findings(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!PINFO_FD_VISITED(pinfo) || !model)
        return 0;
    if (!findings_by_frame || findings_generation != icecall_generation(model)) {
        findings_free();
        findings_by_frame = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                                  (GDestroyNotify)g_ptr_array_unref);
        icecall_findings(model, 10 * G_USEC_PER_SEC, add_finding, NULL);
        findings_generation = icecall_generation(model);
    }
    GPtrArray *a = (GPtrArray *)g_hash_table_lookup(findings_by_frame, GUINT_TO_POINTER(pinfo->num));
    if (!a)
        return 0;
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
    return 0;
}

/* ---- the SDP body ---------------------------------------------------------- */

static dissector_handle_t sdp_handle;

static int
dissect_msice_sdp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    /* Wireshark's SDP dissector first, exactly as it would have run. */
    int ret = sdp_handle ? call_dissector_only(sdp_handle, tvb, pinfo, tree, data) : 0;

    wmem_array_t *lines = body_lines(tvb, pinfo);
    const char *info = wmem_array_get_count(lines) ? dissect_sdp_body(tvb, pinfo, tree, lines) : NULL;
    if (info) {
        /* SIP leaves "... | " after a request line: don't double it. */
        const char *cur = col_get_text(pinfo->cinfo, COL_INFO);
        size_t n = cur ? strlen(cur) : 0;
        if (n >= 2 && cur[n - 2] == '|' && cur[n - 1] == ' ')
            col_append_str(pinfo->cinfo, COL_INFO, info);
        else
            col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", info);
    }
    return ret > 0 ? ret : (int)tvb_captured_length(tvb);
}

/* ---- registration ------------------------------------------------------ */

void
proto_register_msice(void)
{
    static hf_register_info hf[] = {
        { &hf_msice_call_id, { "Call-ID", "msice.call_id", FT_STRING, BASE_NONE, NULL, 0x0,
              "SIP Call-ID of the message carrying this SDP or header, or of the call of this packet", HFILL } },
        { &hf_msice_message, { "SIP Message", "msice.message", FT_STRING, BASE_NONE, NULL, 0x0,
              "SIP method or status code of the message carrying this SDP", HFILL } },
        { &hf_msice_sdp_format, { "SDP Format", "msice.sdp.format", FT_STRING, BASE_NONE, NULL, 0x0,
              "ICE v6 ([MS-ICE]) or ICE v19 ([MS-ICE2]), and whether this is the ms-proxy-2007fallback part", HFILL } },
        { &hf_msice_sdp_fallback, { "ms-proxy-2007fallback Part", "msice.sdp.fallback", FT_BOOLEAN, BASE_NONE, NULL,
              0x0, "The multipart part that proxies may fall back to for old clients", HFILL } },
        { &hf_msice_media, { "Media", "msice.media", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msice_media_type, { "Media Type", "msice.media.type", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msice_media_summary, { "Summary", "msice.media.summary", FT_STRING, BASE_NONE, NULL, 0x0,
              "Candidates of this media line by type and transport (RTP component)", HFILL } },
        { &hf_msice_ufrag, { "ICE Username Fragment", "msice.ufrag", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msice_pwd, { "ICE Password", "msice.pwd", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msice_candidate, { "Candidate", "msice.candidate", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msice_candidate_attribute, { "Attribute", "msice.candidate.attribute", FT_STRING, BASE_NONE, NULL, 0x0,
              "candidate or x-candidate-ipv6", HFILL } },
        { &hf_msice_candidate_version, { "ICE Version", "msice.candidate.version", FT_UINT8, BASE_DEC, NULL, 0x0,
              "6: [MS-ICE] (draft 6) syntax; 19: [MS-ICE2] (draft 19) syntax", HFILL } },
        { &hf_msice_candidate_foundation, { "Foundation", "msice.candidate.foundation", FT_STRING, BASE_NONE, NULL,
              0x0, NULL, HFILL } },
        { &hf_msice_candidate_username, { "Username", "msice.candidate.username", FT_STRING, BASE_NONE, NULL, 0x0,
              "ICE v6 per-candidate username", HFILL } },
        { &hf_msice_candidate_password, { "Password", "msice.candidate.password", FT_STRING, BASE_NONE, NULL, 0x0,
              "ICE v6 per-candidate password", HFILL } },
        { &hf_msice_candidate_component, { "Component", "msice.candidate.component", FT_UINT32, BASE_DEC,
              VALS(component_vals), 0x0, NULL, HFILL } },
        { &hf_msice_candidate_transport, { "Transport", "msice.candidate.transport", FT_STRING, BASE_NONE, NULL, 0x0,
              "UDP, TCP, TCP-ACT (opens connections), TCP-PASS (listens)", HFILL } },
        { &hf_msice_candidate_priority, { "Priority", "msice.candidate.priority", FT_STRING, BASE_NONE, NULL, 0x0,
              "As written: a v6 qvalue (0.830) or a v19 32-bit priority", HFILL } },
        { &hf_msice_candidate_priority_value, { "Priority Value", "msice.candidate.priority.value", FT_UINT32,
              BASE_DEC, NULL, 0x0, "v19 priority as a number", HFILL } },
        { &hf_msice_candidate_priority_type_pref, { "Type Preference", "msice.candidate.priority.type_pref",
              FT_UINT32, BASE_DEC, NULL, 0x0, "priority >> 24: 126 host, 110 prflx, 100 srflx, 0 relay", HFILL } },
        { &hf_msice_candidate_priority_local_pref, { "Local Preference", "msice.candidate.priority.local_pref",
              FT_UINT32, BASE_HEX, NULL, 0x0, "(priority >> 8) & 0xFFFF", HFILL } },
        { &hf_msice_candidate_priority_component, { "Component Part", "msice.candidate.priority.component",
              FT_UINT32, BASE_DEC, NULL, 0x0, "256 - (priority & 0xFF)", HFILL } },
        { &hf_msice_candidate_qvalue, { "Q-value (thousandths)", "msice.candidate.qvalue", FT_UINT32, BASE_DEC, NULL,
              0x0, "v6 preference as a number: 0.830 is 830", HFILL } },
        { &hf_msice_candidate_address, { "Address", "msice.candidate.address", FT_STRING, BASE_NONE, NULL, 0x0,
              NULL, HFILL } },
        { &hf_msice_candidate_address_ipv4, { "Address (IPv4)", "msice.candidate.address.ipv4", FT_IPv4, BASE_NONE,
              NULL, 0x0, NULL, HFILL } },
        { &hf_msice_candidate_address_ipv6, { "Address (IPv6)", "msice.candidate.address.ipv6", FT_IPv6, BASE_NONE,
              NULL, 0x0, NULL, HFILL } },
        { &hf_msice_candidate_port, { "Port", "msice.candidate.port", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_msice_candidate_type, { "Type", "msice.candidate.type", FT_STRING, BASE_NONE, NULL, 0x0,
              "host, srflx, prflx, relay; unknown for v6 lines", HFILL } },
        { &hf_msice_candidate_raddr, { "Related Address", "msice.candidate.raddr", FT_STRING, BASE_NONE, NULL, 0x0,
              NULL, HFILL } },
        { &hf_msice_candidate_rport, { "Related Port", "msice.candidate.rport", FT_UINT16, BASE_DEC, NULL, 0x0, NULL,
              HFILL } },
        { &hf_msice_candidate_tcptype, { "TCP Type", "msice.candidate.tcptype", FT_STRING, BASE_NONE, NULL, 0x0,
              "RFC 6544 tcptype", HFILL } },
        { &hf_msice_candidate_scope, { "Address Scope", "msice.candidate.scope", FT_STRING, BASE_NONE, NULL, 0x0,
              "public, private (RFC 1918 / unique local), CGNAT, link-local, Teredo, ...", HFILL } },
        { &hf_msice_candidate_extension, { "Extension", "msice.candidate.extension", FT_STRING, BASE_NONE, NULL, 0x0,
              NULL, HFILL } },
        { &hf_msice_candidate_info, { "Candidate Info", "msice.candidate_info", FT_STRING, BASE_NONE, NULL, 0x0,
              "a=x-candidate-info", HFILL } },
        { &hf_msice_remote_candidate, { "Remote Candidate", "msice.remote_candidate", FT_NONE, BASE_NONE, NULL, 0x0,
              "The candidate ICE selected on the peer (re-INVITE after checks)", HFILL } },
        { &hf_msice_remote_candidate_username, { "Username", "msice.remote_candidate.username", FT_STRING, BASE_NONE,
              NULL, 0x0, NULL, HFILL } },
        { &hf_msice_remote_candidate_component, { "Component", "msice.remote_candidate.component", FT_UINT32,
              BASE_DEC, VALS(component_vals), 0x0, NULL, HFILL } },
        { &hf_msice_remote_candidate_address, { "Address", "msice.remote_candidate.address", FT_STRING, BASE_NONE,
              NULL, 0x0, NULL, HFILL } },
        { &hf_msice_remote_candidate_port, { "Port", "msice.remote_candidate.port", FT_UINT16, BASE_DEC, NULL, 0x0,
              NULL, HFILL } },
        { &hf_msice_ice_options, { "ICE Options", "msice.ice_options", FT_STRING, BASE_NONE, NULL, 0x0,
              "a=ice-options (ignored by Microsoft clients)", HFILL } },
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
        { &hf_msice_rfc4571_length, { "RFC 4571 Length", "msice.rfc4571_length", FT_UINT16, BASE_DEC, NULL, 0x0,
            "ICE over TCP: length of the check or media packet that follows (RFC 4571)", HFILL } },
        { &hf_msice_promotion, { "Promotion", "msice.promotion", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
              "First media packet on a new candidate pair", HFILL } },
        { &hf_msice_finding, { "Finding", "msice.finding", FT_STRING, BASE_NONE, NULL, 0x0,
              "What the call analysis found at this frame (needs the whole capture: GUI or tshark -2)", HFILL } },
    };

    static gint *ett[] = {
        &ett_msice, &ett_msice_media, &ett_msice_candidate, &ett_msice_priority, &ett_msice_remote,
        &ett_msice_path, &ett_msice_finding,
    };

    /* One expert item per ICE line status (icecand_ei), per c=/m= line status (sdpline_ei) and per
     * troubleshooting rule (icecall_rule_ei). */
    static ei_register_info ei[] = {
        { &ei_msice_truncated, { "msice.expert.truncated", PI_MALFORMED, PI_ERROR,
              "ICE line has too few tokens", EXPFILL } },
        { &ei_msice_too_long, { "msice.expert.too_long", PI_MALFORMED, PI_ERROR,
              "ICE line too long", EXPFILL } },
        { &ei_msice_bad_foundation, { "msice.expert.bad_foundation", PI_MALFORMED, PI_ERROR,
              "Candidate foundation is not 1-32 ICE characters", EXPFILL } },
        { &ei_msice_bad_credential, { "msice.expert.bad_credential", PI_MALFORMED, PI_ERROR,
              "ICE username or password has characters ICE does not allow", EXPFILL } },
        { &ei_msice_bad_component, { "msice.expert.bad_component", PI_MALFORMED, PI_ERROR,
              "Candidate component is not 1-256", EXPFILL } },
        { &ei_msice_bad_transport, { "msice.expert.bad_transport", PI_MALFORMED, PI_ERROR,
              "Candidate transport is not UDP, TCP, TCP-ACT or TCP-PASS", EXPFILL } },
        { &ei_msice_bad_priority, { "msice.expert.bad_priority", PI_MALFORMED, PI_ERROR,
              "Candidate priority is not a 32-bit number", EXPFILL } },
        { &ei_msice_bad_qvalue, { "msice.expert.bad_qvalue", PI_MALFORMED, PI_ERROR,
              "ICE v6 q-value is not 0.000-1.000", EXPFILL } },
        { &ei_msice_bad_address, { "msice.expert.bad_address", PI_MALFORMED, PI_ERROR,
              "Candidate address is not an IPv4 or IPv6 address", EXPFILL } },
        { &ei_msice_bad_port, { "msice.expert.bad_port", PI_MALFORMED, PI_ERROR,
              "Candidate port is not 0-65535", EXPFILL } },
        { &ei_msice_bad_type, { "msice.expert.bad_type", PI_MALFORMED, PI_ERROR,
              "Candidate type missing or not host/srflx/prflx/relay", EXPFILL } },
        { &ei_msice_bad_raddr, { "msice.expert.bad_raddr", PI_MALFORMED, PI_ERROR,
              "Related address is not an IPv4 or IPv6 address", EXPFILL } },
        { &ei_msice_bad_rport, { "msice.expert.bad_rport", PI_MALFORMED, PI_ERROR,
              "Related port is not 0-65535", EXPFILL } },
        { &ei_msice_too_many, { "msice.expert.too_many", PI_PROTOCOL, PI_WARN,
              "More extensions or remote candidates than decoded", EXPFILL } },
        { &ei_msice_extra_tokens, { "msice.expert.extra_tokens", PI_PROTOCOL, PI_WARN,
              "Extra tokens after a complete ICE v6 candidate", EXPFILL } },
        { &ei_msice_ufrag_length, { "msice.expert.ufrag_length", PI_PROTOCOL, PI_WARN,
              "ice-ufrag is not 4-256 characters", EXPFILL } },
        { &ei_msice_pwd_length, { "msice.expert.pwd_length", PI_PROTOCOL, PI_WARN,
              "ice-pwd is not 22-256 characters", EXPFILL } },
        { &ei_msice_priority_range, { "msice.expert.priority_range", PI_PROTOCOL, PI_WARN,
              "Candidate priority is 0 or above 2^31-1", EXPFILL } },
        { &ei_msice_ambiguous_credentials, { "msice.expert.ambiguous_credentials", PI_PROTOCOL, PI_WARN,
              "6-character ice-ufrag with a 32-character ice-pwd: Microsoft clients may take them for base64 "
              "([MS-SDPEXT] 3.1.5.21.5)", EXPFILL } },
        { &ei_msice_priority_mismatch, { "msice.expert.priority_mismatch", PI_PROTOCOL, PI_NOTE,
              "Component part of the priority differs from the component", EXPFILL } },
        { &ei_msice_options_ignored, { "msice.expert.options_ignored", PI_PROTOCOL, PI_NOTE,
              "a=ice-options is ignored by Microsoft clients ([MS-SDPEXT] 3.1.5.21.3)", EXPFILL } },
        { &ei_msice_promotion, { "msice.expert.promotion", PI_SEQUENCE, PI_NOTE,
              "Media moved to a new path (promotion)", EXPFILL } },
        { &ei_msice_sdp_too_long, { "msice.expert.sdp_too_long", PI_MALFORMED, PI_ERROR,
              "SDP c= or m= line too long to read", EXPFILL } },
        { &ei_msice_sdp_truncated, { "msice.expert.sdp_truncated", PI_MALFORMED, PI_ERROR,
              "SDP c= or m= line ends before a required field", EXPFILL } },
        { &ei_msice_sdp_bad_port, { "msice.expert.sdp_bad_port", PI_MALFORMED, PI_ERROR,
              "m= port is not 0-65535: the media line's default port is unknown", EXPFILL } },
        { &ei_msice_sdp_bad_port_count, { "msice.expert.sdp_bad_port_count", PI_MALFORMED, PI_ERROR,
              "m= number of ports is not 1-65535", EXPFILL } },
        { &ei_msice_sdp_bad_address, { "msice.expert.sdp_bad_address", PI_MALFORMED, PI_ERROR,
              "c= connection address is not a numeric IPv4/IPv6 address: the default address is unknown",
              EXPFILL } },
        { &ei_msice_sdp_bad_addrtype, { "msice.expert.sdp_bad_addrtype", PI_MALFORMED, PI_WARN,
              "c= address type is not IP4/IP6, or not the family of the address", EXPFILL } },
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

    proto_msice = proto_register_protocol("Microsoft ICE (MS-ICE, MS-ICE2)", "MSICE", "msice");
    proto_register_field_array(proto_msice, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto_msice);
    expert_register_field_array(em, ei, array_length(ei));

    msice_handle = register_dissector("msice.sdp", dissect_msice_sdp, proto_msice);
    media_handle = register_dissector("msice.media", dissect_msice_media, proto_msice);
    ice_tcp_handle = register_dissector("msice.tcp", dissect_msice_tcp, proto_msice);
    findings_handle = register_dissector("msice.findings", dissect_msice_findings, proto_msice);
    msice_tap = register_tap("msice");
    register_init_routine(model_init);
    register_cleanup_routine(model_cleanup);
    msice_register_taps(proto_msice);
    msice_diag_register(proto_msice);
    msice_expert_register(proto_msice);

    module_t *mod = prefs_register_protocol(proto_msice, NULL);
    prefs_register_uint_preference(mod, "max_calls", "Calls followed at most",
                                   "The per-call model follows at most this many calls (and ICE sessions without "
                                   "SIP) per capture, from 1 to 100000 (larger values count as 100000); later calls "
                                   "are counted in the -z msice,calls report, not followed. Lower it to save memory.",
                                   10, &pref_max_calls);
}

/*
 * The media_type entry. A handle without a protocol, so that the entry stays
 * live when msice is disabled (Analyze > Enabled Protocols): SDP must never
 * depend on msice being on.
 */
static int
dissect_sdp_entry(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (proto_is_protocol_enabled(find_protocol_by_id(proto_msice)))
        return call_dissector_only(msice_handle, tvb, pinfo, tree, data);
    return sdp_handle ? call_dissector_only(sdp_handle, tvb, pinfo, tree, data) : 0;
}

void
proto_reg_handoff_msice(void)
{
    /* Take application/sdp over from Wireshark's SDP dissector, which
     * dissect_msice_sdp() calls first. */
    sdp_handle = find_dissector_add_dependency("sdp", proto_msice);
    stun_handle = find_dissector_add_dependency("stun-udp", proto_msice);
    rtp_handle = find_dissector_add_dependency("rtp", proto_msice);
    rtcp_handle = find_dissector_add_dependency("rtcp", proto_msice);
    data_handle = find_dissector("data");
    register_postdissector(findings_handle);
    msice_expert_handoff();
    heur_dissector_add("udp", dissect_msice_heur_udp, "MS-ICE2 connectivity checks", "msice_udp", proto_msice,
                       HEURISTIC_ENABLE);
    heur_dissector_add("tcp", dissect_msice_heur_tcp, "MS-ICE2 connectivity checks over TCP (RFC 4571)", "msice_tcp",
                       proto_msice, HEURISTIC_ENABLE);
    dissector_add_string("media_type", "application/sdp",
                         create_dissector_handle_with_name_and_description(
                             dissect_sdp_entry, -1, "msice.sdp_entry", "SDP, with MS-ICE candidates when msice is on"));
    /* ICMP and ICMPv6: Wireshark's dissectors first, then the ICE media
     * they reject. Handles without a protocol, as for SDP: ICMP stays
     * decoded when msice is disabled. */
    dissector_table_t ip_proto = find_dissector_table("ip.proto");
    icmp_prev[0] = ip_proto ? dissector_get_uint_handle(ip_proto, IP_PROTO_ICMP) : NULL;
    icmp_prev[1] = ip_proto ? dissector_get_uint_handle(ip_proto, IP_PROTO_ICMPV6) : NULL;
    if (icmp_prev[0])
        dissector_add_uint("ip.proto", IP_PROTO_ICMP,
                           create_dissector_handle_with_name_and_description(
                               dissect_icmp4_entry, -1, "msice.icmp_entry", "ICMP, with rejected ICE media"));
    if (icmp_prev[1])
        dissector_add_uint("ip.proto", IP_PROTO_ICMPV6,
                           create_dissector_handle_with_name_and_description(
                               dissect_icmp6_entry, -1, "msice.icmpv6_entry", "ICMPv6, with rejected ICE media"));
    msice_diag_handoff();
}
