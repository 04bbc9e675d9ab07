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
 *
 * This file registers protocol msice and decodes the SDP; the rest of msice
 * is msice-model.c (the call model's epan side, msice-model.h), msice-media.c
 * (checks and media between the endpoints, ICMP errors), packet-msice-diag.c
 * (SIP diagnostics headers), msice-tap.c and msice-expert.c.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/conversation.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>

#include "msice-int.h"
#include "msice-model.h"
#include "core/icecand.h"
#include "core/icecall.h"
#include "core/msnet.h"
#include "core/msturn.h"
#include "core/sdpline.h"

/* ---- ids --------------------------------------------------------------- */

static int proto_msice = -1;

static int hf_msice_message = -1;
static int hf_msice_sdp_format = -1;
static int hf_msice_sdp_fallback = -1;
static int hf_msice_media = -1;
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

static gint ett_msice = -1;
static gint ett_msice_media = -1;
static gint ett_msice_candidate = -1;
static gint ett_msice_priority = -1;
static gint ett_msice_remote = -1;

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

/* The a=, m= and c= lines of the body, in order (cut by core/sdpline.c).
 * Scope: pinfo->pool. */
static wmem_array_t *
body_lines(tvbuff_t *tvb, packet_info *pinfo)
{
    wmem_array_t *lines = wmem_array_sized_new(pinfo->pool, sizeof(sdp_line_t), 32);
    guint len = tvb_captured_length(tvb);
    const char *body = len ? (const char *)tvb_get_ptr(tvb, 0, len) : NULL;
    sdpline_body_line_t bl;
    for (size_t off = 0; sdpline_next_line(body, len, off, &bl); off = bl.next) {
        if (bl.type == 'a' || bl.type == 'm' || bl.type == 'c') {
            sdp_line_t l = { (gint)bl.offset, (gint)bl.length, bl.type };
            wmem_array_append_one(lines, l);
        }
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
            cur.mline = n_m++;
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
                proto_tree_add_string(mt, msice_hf_media_type(), tvb, m_type_off, m_type_len, ms.media);
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
        pi = proto_tree_add_string(st, msice_hf_call_id(), tvb, 0, 0, ctx.call_id);
        proto_item_set_generated(pi);
    }
    if (ctx.message) {
        pi = proto_tree_add_string(st, hf_msice_message, tvb, 0, 0, ctx.message);
        proto_item_set_generated(pi);
    }
    if (ctx.call_id) {
        icecall_model_t *model = msice_model();
        if (!PINFO_FD_VISITED(pinfo) && model) {
            icecall_msg_t msg;
            msice_msg_from_sip(&msg, pinfo, &ctx);
            icecall_add_sdp(model, &msg, (const icecall_media_in_t *)wmem_array_get_raw(model_media),
                            wmem_array_get_count(model_media));
            msice_media_claim(pinfo, ctx.call_id);
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
        { &hf_msice_message, { "SIP Message", "msice.message", FT_STRING, BASE_NONE, NULL, 0x0,
              "SIP method or status code of the message carrying this SDP", HFILL } },
        { &hf_msice_sdp_format, { "SDP Format", "msice.sdp.format", FT_STRING, BASE_NONE, NULL, 0x0,
              "ICE v6 ([MS-ICE]) or ICE v19 ([MS-ICE2]), and whether this is the ms-proxy-2007fallback part", HFILL } },
        { &hf_msice_sdp_fallback, { "ms-proxy-2007fallback Part", "msice.sdp.fallback", FT_BOOLEAN, BASE_NONE, NULL,
              0x0, "The multipart part that proxies may fall back to for old clients", HFILL } },
        { &hf_msice_media, { "Media", "msice.media", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
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
    };

    static gint *ett[] = {
        &ett_msice, &ett_msice_media, &ett_msice_candidate, &ett_msice_priority, &ett_msice_remote,
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
    };

    proto_msice = proto_register_protocol("Microsoft ICE (MS-ICE, MS-ICE2)", "MSICE", "msice");
    proto_register_field_array(proto_msice, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto_msice);
    expert_register_field_array(em, ei, array_length(ei));

    msice_handle = register_dissector("msice.sdp", dissect_msice_sdp, proto_msice);
    module_t *mod = prefs_register_protocol(proto_msice, NULL);
    msice_model_register(proto_msice, mod);
    msice_media_register(proto_msice);
    msice_register_taps(proto_msice);
    msice_diag_register(proto_msice);
    msice_expert_register(proto_msice);
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
    msice_expert_handoff();
    dissector_add_string("media_type", "application/sdp",
                         create_dissector_handle_with_name_and_description(
                             dissect_sdp_entry, -1, "msice.sdp_entry", "SDP, with MS-ICE candidates when msice is on"));
    msice_media_handoff();
    msice_diag_handoff();
}
