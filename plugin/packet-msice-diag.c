/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet-msice-diag.c - SIP headers that explain media failures
 * (ms-client-diagnostics, ms-diagnostics, ms-diagnostics-public,
 * ms-endpoint-location-data, ms-subnet), as fields of protocol msice.
 *
 * Specs: [MS-OCER] 2.2.1.1 / 2.2.1.2 (ms-diagnostics); real Lync 2013 / SfB
 * messages for the rest (shared/specs/sip-diagnostics.md). Parsing is in
 * core/msdiag.c.
 *
 * How the headers are reached: Wireshark's SIP dissector hands the VALUE of
 * every header it does not know to the "sip.hdr" dissector table, keyed by
 * the lower-cased header name, with the header's own subtree as the tree
 * (packet-sip.c, dissect_sip_common()). One handle is registered there for
 * the five names; pinfo->match_string says which one matched. The header
 * value tvb is a subset of the SIP message in its data source, so the
 * Call-ID, From, To and the start line are read from the lines around it
 * (msice_sip_context_of_header() in msice-sip.c), and the diagnostics are
 * tied to the call in the per-call model on the first pass.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/strutil.h>
#include <epan/tfs.h>

#include "msice-int.h"
#include "msice-model.h"
#include "core/icecall.h"
#include "core/msdiag.h"

/* ---- ids --------------------------------------------------------------- */

static int proto_msice_diag = -1;   /* proto_msice, handed to msice_diag_register() */

static int hf_msice_diag_header = -1;
static int hf_msice_diag_code = -1;
static int hf_msice_diag_subcode = -1;
static int hf_msice_diag_reason = -1;
static int hf_msice_diag_source = -1;
static int hf_msice_diag_param = -1;
static int hf_msice_diag_media_debug = -1;
static int hf_msice_diag_media = -1;
static int hf_msice_diag_icewarn = -1;
static int hf_msice_diag_icewarn_turn_unreachable = -1;
static int hf_msice_diag_icewarn_udp_alloc_failed = -1;
static int hf_msice_diag_icewarn_udp_send_failed = -1;
static int hf_msice_diag_icewarn_tcp_alloc_failed = -1;
static int hf_msice_diag_icewarn_tcp_send_failed = -1;
static int hf_msice_diag_icewarn_local_failed = -1;
static int hf_msice_diag_icewarn_udp_nat_failed = -1;
static int hf_msice_diag_icewarn_udp_turn_failed = -1;
static int hf_msice_diag_icewarn_tcp_nat_failed = -1;
static int hf_msice_diag_icewarn_tcp_turn_failed = -1;
static int hf_msice_diag_icewarn_unknown = -1;
static int hf_msice_diag_local_site = -1;
static int hf_msice_diag_remote_site = -1;
static int hf_msice_diag_local_mr = -1;
static int hf_msice_diag_remote_mr = -1;
static int hf_msice_diag_base_address = -1;
static int hf_msice_diag_local_mr_tcp_port = -1;
static int hf_msice_diag_remote_mr_tcp_port = -1;
static int hf_msice_diag_port_range = -1;
static int hf_msice_diag_local_location = -1;
static int hf_msice_diag_remote_location = -1;
static int hf_msice_diag_federation_type = -1;
static int hf_msice_diag_interfaces = -1;
static int hf_msice_diag_base_interface = -1;
static int hf_msice_diag_network_name = -1;
static int hf_msice_diag_kv = -1;
static int hf_msice_location = -1;
static int hf_msice_subnet = -1;

static gint ett_msice_diag = -1;
static gint ett_msice_diag_media_debug = -1;
static gint ett_msice_diag_icewarn = -1;

static expert_field ei_msice_diag_empty = EI_INIT;
static expert_field ei_msice_diag_too_long = EI_INIT;
static expert_field ei_msice_diag_bad_code = EI_INIT;
static expert_field ei_msice_diag_bad_subcode = EI_INIT;
static expert_field ei_msice_diag_unterminated_quote = EI_INIT;
static expert_field ei_msice_diag_bad_param = EI_INIT;
static expert_field ei_msice_diag_bad_media_debug = EI_INIT;
static expert_field ei_msice_diag_bad_icewarn = EI_INIT;
static expert_field ei_msice_diag_bad_address = EI_INIT;
static expert_field ei_msice_diag_bad_port = EI_INIT;
static expert_field ei_msice_diag_bad_port_range = EI_INIT;
static expert_field ei_msice_diag_bad_number = EI_INIT;
static expert_field ei_msice_diag_bad_subnet = EI_INIT;
static expert_field ei_msice_diag_too_many_items = EI_INIT;
static expert_field ei_msice_diag_too_many_params = EI_INIT;
static expert_field ei_msice_diag_duplicate_param = EI_INIT;
static expert_field ei_msice_diag_missing_reason = EI_INIT;
static expert_field ei_msice_diag_missing_source = EI_INIT;
static expert_field ei_msice_diag_not_quoted = EI_INIT;
static expert_field ei_msice_diag_unknown_location = EI_INIT;

/* The expert item of each diagnostics header status (msdiag_status_t; OK has none). */
static const msice_status_ei_t msdiag_ei[] = {
    { MSDIAG_EMPTY,              &ei_msice_diag_empty },
    { MSDIAG_TOO_LONG,           &ei_msice_diag_too_long },
    { MSDIAG_BAD_CODE,           &ei_msice_diag_bad_code },
    { MSDIAG_BAD_SUBCODE,        &ei_msice_diag_bad_subcode },
    { MSDIAG_UNTERMINATED_QUOTE, &ei_msice_diag_unterminated_quote },
    { MSDIAG_BAD_PARAM,          &ei_msice_diag_bad_param },
    { MSDIAG_BAD_MEDIA_DEBUG,    &ei_msice_diag_bad_media_debug },
    { MSDIAG_BAD_ICEWARN,        &ei_msice_diag_bad_icewarn },
    { MSDIAG_BAD_ADDRESS,        &ei_msice_diag_bad_address },
    { MSDIAG_BAD_PORT,           &ei_msice_diag_bad_port },
    { MSDIAG_BAD_PORT_RANGE,     &ei_msice_diag_bad_port_range },
    { MSDIAG_BAD_NUMBER,         &ei_msice_diag_bad_number },
    { MSDIAG_BAD_SUBNET,         &ei_msice_diag_bad_subnet },
    { MSDIAG_TOO_MANY_ITEMS,     &ei_msice_diag_too_many_items },
    { MSDIAG_TOO_MANY_PARAMS,    &ei_msice_diag_too_many_params },
    { MSDIAG_DUPLICATE_PARAM,    &ei_msice_diag_duplicate_param },
    { MSDIAG_MISSING_REASON,     &ei_msice_diag_missing_reason },
    { MSDIAG_MISSING_SOURCE,     &ei_msice_diag_missing_source },
    { MSDIAG_NOT_QUOTED,         &ei_msice_diag_not_quoted },
    { MSDIAG_UNKNOWN_LOCATION,   &ei_msice_diag_unknown_location },
};
_Static_assert(G_N_ELEMENTS(msdiag_ei) == MSDIAG_STATUS_COUNT - 1, "one expert item per status");

static expert_field ei_msice_icewarn = EI_INIT;
static expert_field ei_msice_media_failure = EI_INIT;

static dissector_handle_t diag_handle;

/* The named ICEWarn bits, in the order of msdiag_icewarn_bits[]. */
static int * const icewarn_fields[] = {
    &hf_msice_diag_icewarn_turn_unreachable,
    &hf_msice_diag_icewarn_udp_alloc_failed,
    &hf_msice_diag_icewarn_udp_send_failed,
    &hf_msice_diag_icewarn_tcp_alloc_failed,
    &hf_msice_diag_icewarn_tcp_send_failed,
    &hf_msice_diag_icewarn_local_failed,
    &hf_msice_diag_icewarn_udp_nat_failed,
    &hf_msice_diag_icewarn_udp_turn_failed,
    &hf_msice_diag_icewarn_tcp_nat_failed,
    &hf_msice_diag_icewarn_tcp_turn_failed,
    NULL
};

/* The SIP header names registered in "sip.hdr" (lower case: SIP lower-cases
 * the name before the lookup). */
static const char *const header_names[] = {
    "ms-client-diagnostics", "ms-diagnostics", "ms-diagnostics-public", "ms-endpoint-location-data", "ms-subnet",
};

/* ---- value strings ----------------------------------------------------- */

/* Inferred from the MS-TURNBWM Location Profile enum and two samples. */
static const value_string location_vals[] = {
    { MSDIAG_LOCATION_UNKNOWN, "unknown" },
    { MSDIAG_LOCATION_INTERNET, "Internet" },
    { MSDIAG_LOCATION_INTRANET, "Intranet" },
    { 0, NULL }
};

static const value_string federation_vals[] = {
    { 0, "none" },
    { 1, "enterprise federation" },
    { 2, "public-cloud federation" },
    { 0, NULL }
};

/* ---- the tree ---------------------------------------------------------- */

static proto_item *
add_span_string(proto_tree *tree, int hf, tvbuff_t *tvb, msdiag_span_t sp, const char *value)
{
    return proto_tree_add_string(tree, hf, tvb, (gint)sp.offset, (gint)sp.length, value);
}

/* A span's text as written; printable (NULs and the like escaped). */
static const char *
span_text(tvbuff_t *tvb, packet_info *pinfo, msdiag_span_t sp)
{
    return (const char *)tvb_format_text(pinfo->pool, tvb, (gint)sp.offset, (gint)sp.length);
}

/* A quoted-string's inside without its escapes. */
static const char *
unescaped(const guint8 *buf, packet_info *pinfo, msdiag_span_t sp)
{
    char *out = (char *)wmem_alloc(pinfo->pool, sp.length + 1u);
    msdiag_unescape((const char *)buf + sp.offset, sp.length, out);
    return msice_format_text(pinfo->pool, out, strlen(out));
}

static void
add_icewarn(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const msdiag_media_debug_t *md,
            const msdiag_kv_t *kv)
{
    gint off = (gint)kv->value.offset, len = (gint)kv->value.length;
    char desc[MSDIAG_ICEWARN_STR_LEN];
    msdiag_icewarn_describe(kv->num, desc, sizeof(desc));

    proto_item *pi = proto_tree_add_uint(tree, hf_msice_diag_icewarn, tvb, off, len, kv->num);
    proto_item_append_text(pi, " (%s)", desc);
    proto_tree *st = proto_item_add_subtree(pi, ett_msice_diag_icewarn);
    /* The value is hex text, not binary, so proto_tree_add_bitmask*() (which
     * read the bytes, or highlight at most 8 of them) cannot be used: each
     * bit field of the array is added over the text of the value. */
    for (guint i = 0; icewarn_fields[i]; i++)
        proto_tree_add_boolean(st, *icewarn_fields[i], tvb, off, len, kv->num);
    guint32 unknown = kv->num & ~MSDIAG_ICEWARN_KNOWN_MASK;
    if (unknown)
        proto_tree_add_uint(st, hf_msice_diag_icewarn_unknown, tvb, off, len, unknown);
    if (kv->num)
        msice_expert_format(pinfo, pi, &ei_msice_icewarn, "Client reports ICE problems: %s (%s %s)", desc,
                            msdiag_role_to_string(md->role),
                            md->media.length ? span_text(tvb, pinfo, md->media) : "media");
}

static void
add_media_debug(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const msdiag_media_debug_t *md)
{
    proto_item *pi = add_span_string(tree, hf_msice_diag_media_debug, tvb, md->param, msdiag_role_to_string(md->role));
    const char *media = md->media.length ? span_text(tvb, pinfo, md->media) : NULL;
    if (media)
        proto_item_append_text(pi, " (%s)", media);
    proto_tree *st = proto_item_add_subtree(pi, ett_msice_diag_media_debug);
    if (media)
        add_span_string(st, hf_msice_diag_media, tvb, md->media, media);

    for (guint i = 0; i < md->n_items; i++) {
        const msdiag_kv_t *kv = &md->items[i];
        gint off = (gint)kv->value.offset, len = (gint)kv->value.length;
        const char *value = span_text(tvb, pinfo, kv->value);
        int hf = -1;

        switch (kv->kind) {
        case MSDIAG_KEY_ICEWARN:
            if (kv->valid) {
                add_icewarn(st, tvb, pinfo, md, kv);
                continue;
            }
            break;
        case MSDIAG_KEY_LOCAL_SITE:   hf = hf_msice_diag_local_site; break;
        case MSDIAG_KEY_REMOTE_SITE:  hf = hf_msice_diag_remote_site; break;
        case MSDIAG_KEY_LOCAL_MR:     hf = hf_msice_diag_local_mr; break;
        case MSDIAG_KEY_REMOTE_MR:    hf = hf_msice_diag_remote_mr; break;
        case MSDIAG_KEY_BASE_ADDRESS: hf = hf_msice_diag_base_address; break;
        case MSDIAG_KEY_PORT_RANGE:   hf = hf_msice_diag_port_range; break;
        case MSDIAG_KEY_NETWORK_NAME: hf = hf_msice_diag_network_name; break;
        case MSDIAG_KEY_LOCAL_MR_TCP_PORT:
        case MSDIAG_KEY_REMOTE_MR_TCP_PORT:
            if (kv->valid) {
                proto_tree_add_uint(st, kv->kind == MSDIAG_KEY_LOCAL_MR_TCP_PORT ? hf_msice_diag_local_mr_tcp_port :
                                    hf_msice_diag_remote_mr_tcp_port, tvb, off, len, kv->num);
                continue;
            }
            break;
        case MSDIAG_KEY_LOCAL_LOCATION:
        case MSDIAG_KEY_REMOTE_LOCATION:
        case MSDIAG_KEY_FEDERATION_TYPE:
            if (kv->valid) {
                hf = kv->kind == MSDIAG_KEY_LOCAL_LOCATION ? hf_msice_diag_local_location :
                     kv->kind == MSDIAG_KEY_REMOTE_LOCATION ? hf_msice_diag_remote_location :
                     hf_msice_diag_federation_type;
                proto_tree_add_uint(st, hf, tvb, off, len, kv->num);
                continue;
            }
            hf = -1;
            break;
        case MSDIAG_KEY_INTERFACES:
        case MSDIAG_KEY_BASE_INTERFACE:
            if (kv->valid) {
                proto_tree_add_uint(st, kv->kind == MSDIAG_KEY_INTERFACES ? hf_msice_diag_interfaces :
                                    hf_msice_diag_base_interface, tvb, off, len, kv->num);
                continue;
            }
            break;
        case MSDIAG_KEY_OTHER:
        case MSDIAG_KEY_COUNT:
            break;
        }
        if (hf != -1) {
            /* as written; an empty value ("RemoteSite=") highlights the item */
            if (len)
                proto_tree_add_string(st, hf, tvb, off, len, value);
            else
                proto_tree_add_string(st, hf, tvb, (gint)kv->item.offset, (gint)kv->item.length, "");
        } else {
            add_span_string(st, hf_msice_diag_kv, tvb, kv->item, span_text(tvb, pinfo, kv->item));
        }
    }
}

/* ---- the model ----------------------------------------------------------- */

static void
feed_model(packet_info *pinfo, const msice_sip_context_t *ctx, const msdiag_t *d, const char *reason,
           const guint8 *buf)
{
    icecall_model_t *model = msice_model();
    if (PINFO_FD_VISITED(pinfo) || !model || !ctx->call_id)
        return;
    icecall_msg_t msg;
    msice_msg_from_sip(&msg, pinfo, ctx);

    switch (d->header) {
    case MSDIAG_HDR_LOCATION:
        if (d->location == MSDIAG_LOCATION_INTRANET)
            icecall_set_location(model, &msg, ICECALL_LOC_INTRANET);
        else if (d->location == MSDIAG_LOCATION_INTERNET)
            icecall_set_location(model, &msg, ICECALL_LOC_INTERNET);
        break;
    case MSDIAG_HDR_CLIENT_DIAGNOSTICS:
    case MSDIAG_HDR_DIAGNOSTICS:
    case MSDIAG_HDR_DIAGNOSTICS_PUBLIC: {
        if (!d->has_code)
            break;
        icecall_diag_in_t di;
        memset(&di, 0, sizeof(di));
        di.client = d->header == MSDIAG_HDR_CLIENT_DIAGNOSTICS;
        di.code = d->code;
        di.reason = reason;
        /* the ICEWarn of the first MediaDebug that has one, else the first's media */
        const msdiag_media_debug_t *md = msdiag_first_icewarn(d);
        if (md) {
            di.has_icewarn = true;
            di.icewarn = md->items[md->icewarn_item].num;
        } else if (d->n_debug) {
            md = &d->debug[0];
        }
        if (md && md->media.length)
            di.media = wmem_strndup(pinfo->pool, (const char *)buf + md->media.offset, md->media.length);
        icecall_add_diagnostics(model, &msg, &di);
        break;
    }
    case MSDIAG_HDR_SUBNET:
    case MSDIAG_HDR_UNKNOWN:
        break;
    }
}

/* ---- the dissector ------------------------------------------------------- */

static int
dissect_msice_diag(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const char *name = pinfo->match_string;
    msdiag_header_t header = name ? msdiag_header_from_name(name, strlen(name)) : MSDIAG_HDR_UNKNOWN;
    if (header == MSDIAG_HDR_UNKNOWN)
        return 0;

    guint len = tvb_captured_length(tvb);
    const guint8 *buf = len ? tvb_get_ptr(tvb, 0, len) : NULL;
    msdiag_t *d = wmem_new(pinfo->pool, msdiag_t);  /* ~6 KiB: not on the stack */
    msdiag_parse(header, (const char *)buf, len, d);

    gboolean diagnostics = header == MSDIAG_HDR_CLIENT_DIAGNOSTICS || header == MSDIAG_HDR_DIAGNOSTICS ||
                           header == MSDIAG_HDR_DIAGNOSTICS_PUBLIC;
    /* The lines around the header: for the model on the first pass, and for
     * the Call-ID item of the diagnostics headers. */
    msice_sip_context_t ctx;
    memset(&ctx, 0, sizeof(ctx));
    if ((!PINFO_FD_VISITED(pinfo) && msice_model() && header != MSDIAG_HDR_SUBNET) || (tree && diagnostics))
        msice_sip_context_of_header(tvb, pinfo, &ctx);
    const char *reason = d->reason_param.length ? unescaped(buf, pinfo, d->reason) : NULL;

    proto_item *top = proto_tree_add_string(tree, hf_msice_diag_header, tvb, 0, (gint)len,
                                            msdiag_header_to_string(header));
    proto_tree *st = proto_item_add_subtree(top, ett_msice_diag);

    if (diagnostics) {
        if (ctx.call_id) {
            proto_item *pi = proto_tree_add_string(st, msice_hf_call_id(), tvb, 0, 0, ctx.call_id);
            proto_item_set_generated(pi);
        }
        proto_item *code_item = NULL;
        if (d->has_code) {
            code_item = proto_tree_add_uint(st, hf_msice_diag_code, tvb, (gint)d->code_span.offset,
                                            (gint)d->code_span.length, d->code);
            proto_item_append_text(top, ", %u", d->code);
        }
        if (d->has_subcode) {
            proto_tree_add_uint(st, hf_msice_diag_subcode, tvb, (gint)d->subcode_span.offset,
                                (gint)d->subcode_span.length, d->subcode);
            proto_item_append_text(top, ".%u", d->subcode);
        }
        if (reason) {
            msdiag_span_t sp = d->reason.length ? d->reason : d->reason_param;
            add_span_string(st, hf_msice_diag_reason, tvb, sp, reason);
            proto_item_append_text(top, " \"%s\"", reason);
        }
        if (d->source_param.length) {
            msdiag_span_t sp = d->source.length ? d->source : d->source_param;
            add_span_string(st, hf_msice_diag_source, tvb, sp, unescaped(buf, pinfo, d->source));
        }
        for (guint i = 0; i < d->n_debug; i++)
            add_media_debug(st, tvb, pinfo, &d->debug[i]);
        if (msdiag_is_media_failure(d))
            msice_expert_format(pinfo, code_item ? code_item : top, &ei_msice_media_failure,
                                "Media connectivity failure (%u): %s", d->code, reason ? reason : "no reason given");
    } else if (header == MSDIAG_HDR_LOCATION) {
        if (d->location_span.length) {
            const char *loc = d->location != MSDIAG_LOCATION_UNKNOWN ? msdiag_location_to_string(d->location) :
                              span_text(tvb, pinfo, d->location_span);
            add_span_string(st, hf_msice_location, tvb, d->location_span, loc);
            proto_item_append_text(top, ", %s", loc);
        }
    } else if (header == MSDIAG_HDR_SUBNET) {
        if (d->subnet.length) {
            const char *subnet = span_text(tvb, pinfo, d->subnet);
            add_span_string(st, hf_msice_subnet, tvb, d->subnet, subnet);
            proto_item_append_text(top, ", %s", subnet);
        }
    }
    for (guint i = 0; i < d->n_params; i++)
        add_span_string(st, hf_msice_diag_param, tvb, d->params[i].param, span_text(tvb, pinfo, d->params[i].param));

    /* one expert item per problem seen, on the header */
    for (guint s = MSDIAG_OK + 1; s < MSDIAG_STATUS_COUNT; s++) {
        expert_field *ei = MSICE_STATUS_EI(msdiag_ei, s);
        if (ei && msdiag_has_problem(d, (msdiag_status_t)s))
            msice_expert(pinfo, top, ei);
    }

    feed_model(pinfo, &ctx, d, reason, buf);
    return (int)len;
}

/* ---- registration ------------------------------------------------------ */

void
msice_diag_register(int proto)
{
    static hf_register_info hf[] = {
        { &hf_msice_diag_header, { "Diagnostics Header", "msice.diag.header", FT_STRING, BASE_NONE, NULL, 0x0,
              "The SIP header decoded: ms-client-diagnostics, ms-diagnostics, ms-diagnostics-public, "
              "ms-endpoint-location-data or ms-subnet", HFILL } },
        { &hf_msice_diag_code, { "Code", "msice.diag.code", FT_UINT32, BASE_DEC, NULL, 0x0,
              "ErrorId: 23/24 media connectivity failure, 51004 user action, 51007 callee media diagnosis, "
              "9000-9999 MRAS, ...", HFILL } },
        { &hf_msice_diag_subcode, { "Sub-code", "msice.diag.subcode", FT_UINT32, BASE_DEC, NULL, 0x0,
              "<ErrorId>.<SubCode>", HFILL } },
        { &hf_msice_diag_reason, { "Reason", "msice.diag.reason", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
              HFILL } },
        { &hf_msice_diag_source, { "Source", "msice.diag.source", FT_STRING, BASE_NONE, NULL, 0x0,
              "Server that added the ms-diagnostics header", HFILL } },
        { &hf_msice_diag_param, { "Parameter", "msice.diag.param", FT_STRING, BASE_NONE, NULL, 0x0,
              "Other parameter, as written", HFILL } },
        { &hf_msice_diag_media_debug, { "Media Debug", "msice.diag.media_debug", FT_STRING, BASE_NONE, NULL, 0x0,
              "CallerMediaDebug (caller) or CalleeMediaDebug (callee)", HFILL } },
        { &hf_msice_diag_media, { "Media", "msice.diag.media", FT_STRING, BASE_NONE, NULL, 0x0,
              "audio, video, application-sharing, ...", HFILL } },
        { &hf_msice_diag_icewarn, { "ICEWarn", "msice.diag.icewarn", FT_UINT32, BASE_HEX, NULL, 0x0,
              "ICE warning bits reported by the client (Lync Resource Kit table)", HFILL } },
        { &hf_msice_diag_icewarn_turn_unreachable, { "TURN server unreachable",
              "msice.diag.icewarn.turn_unreachable", FT_BOOLEAN, 32, TFS(&tfs_set_notset), 0x001, NULL, HFILL } },
        { &hf_msice_diag_icewarn_udp_alloc_failed, { "UDP allocation on TURN failed",
              "msice.diag.icewarn.udp_alloc_failed", FT_BOOLEAN, 32, TFS(&tfs_set_notset), 0x002, NULL, HFILL } },
        { &hf_msice_diag_icewarn_udp_send_failed, { "UDP send to TURN failed",
              "msice.diag.icewarn.udp_send_failed", FT_BOOLEAN, 32, TFS(&tfs_set_notset), 0x004, NULL, HFILL } },
        { &hf_msice_diag_icewarn_tcp_alloc_failed, { "TCP allocation on TURN failed",
              "msice.diag.icewarn.tcp_alloc_failed", FT_BOOLEAN, 32, TFS(&tfs_set_notset), 0x008, NULL, HFILL } },
        { &hf_msice_diag_icewarn_tcp_send_failed, { "TCP send to TURN failed",
              "msice.diag.icewarn.tcp_send_failed", FT_BOOLEAN, 32, TFS(&tfs_set_notset), 0x010, NULL, HFILL } },
        { &hf_msice_diag_icewarn_local_failed, { "Local (direct) connectivity failed",
              "msice.diag.icewarn.local_failed", FT_BOOLEAN, 32, TFS(&tfs_set_notset), 0x020,
              "UDP for audio/video, TCP for application sharing and file transfer", HFILL } },
        { &hf_msice_diag_icewarn_udp_nat_failed, { "UDP NAT (reflexive) connectivity failed",
              "msice.diag.icewarn.udp_nat_failed", FT_BOOLEAN, 32, TFS(&tfs_set_notset), 0x040, NULL, HFILL } },
        { &hf_msice_diag_icewarn_udp_turn_failed, { "UDP TURN (relay) connectivity failed",
              "msice.diag.icewarn.udp_turn_failed", FT_BOOLEAN, 32, TFS(&tfs_set_notset), 0x080, NULL, HFILL } },
        { &hf_msice_diag_icewarn_tcp_nat_failed, { "TCP NAT connectivity failed",
              "msice.diag.icewarn.tcp_nat_failed", FT_BOOLEAN, 32, TFS(&tfs_set_notset), 0x100, NULL, HFILL } },
        { &hf_msice_diag_icewarn_tcp_turn_failed, { "TCP TURN connectivity failed",
              "msice.diag.icewarn.tcp_turn_failed", FT_BOOLEAN, 32, TFS(&tfs_set_notset), 0x200, NULL, HFILL } },
        { &hf_msice_diag_icewarn_unknown, { "Unknown bits", "msice.diag.icewarn.unknown", FT_UINT32, BASE_HEX,
              NULL, 0x0, "ICEWarn bits without a published meaning", HFILL } },
        { &hf_msice_diag_local_site, { "Local Site", "msice.diag.local_site", FT_STRING, BASE_NONE, NULL, 0x0,
              "LocalSite address:port, as written", HFILL } },
        { &hf_msice_diag_remote_site, { "Remote Site", "msice.diag.remote_site", FT_STRING, BASE_NONE, NULL, 0x0,
              "RemoteSite address:port, as written", HFILL } },
        { &hf_msice_diag_local_mr, { "Local Media Relay", "msice.diag.local_mr", FT_STRING, BASE_NONE, NULL, 0x0,
              "LocalMR: media relay (A/V Edge) address:port of the local side, as written", HFILL } },
        { &hf_msice_diag_remote_mr, { "Remote Media Relay", "msice.diag.remote_mr", FT_STRING, BASE_NONE, NULL,
              0x0, "RemoteMR: media relay (A/V Edge) address:port of the remote side, as written", HFILL } },
        { &hf_msice_diag_base_address, { "Base Address", "msice.diag.base_address", FT_STRING, BASE_NONE, NULL,
              0x0, "BaseAddress address:port, as written", HFILL } },
        { &hf_msice_diag_local_mr_tcp_port, { "Local Media Relay TCP Port", "msice.diag.local_mr_tcp_port",
              FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_msice_diag_remote_mr_tcp_port, { "Remote Media Relay TCP Port", "msice.diag.remote_mr_tcp_port",
              FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_msice_diag_port_range, { "Port Range", "msice.diag.port_range", FT_STRING, BASE_NONE, NULL, 0x0,
              "Media port range <min>:<max> configured on the client", HFILL } },
        { &hf_msice_diag_local_location, { "Local Location", "msice.diag.local_location", FT_UINT8, BASE_DEC,
              VALS(location_vals), 0x0, "LocalLocation (meaning of the numbers inferred, unconfirmed)", HFILL } },
        { &hf_msice_diag_remote_location, { "Remote Location", "msice.diag.remote_location", FT_UINT8, BASE_DEC,
              VALS(location_vals), 0x0, "RemoteLocation (meaning of the numbers inferred, unconfirmed)", HFILL } },
        { &hf_msice_diag_federation_type, { "Federation Type", "msice.diag.federation_type", FT_UINT8, BASE_DEC,
              VALS(federation_vals), 0x0, "FederationType (meaning of the numbers inferred, unconfirmed)",
              HFILL } },
        { &hf_msice_diag_interfaces, { "Interfaces", "msice.diag.interfaces", FT_UINT32, BASE_HEX, NULL, 0x0,
              "Network interface kinds used (bit meanings unknown)", HFILL } },
        { &hf_msice_diag_base_interface, { "Base Interface", "msice.diag.base_interface", FT_UINT32, BASE_HEX,
              NULL, 0x0, "Interface kind of the base candidate (bit meanings unknown)", HFILL } },
        { &hf_msice_diag_network_name, { "Network Name", "msice.diag.network_name", FT_STRING, BASE_NONE, NULL,
              0x0, NULL, HFILL } },
        { &hf_msice_diag_kv, { "Item", "msice.diag.kv", FT_STRING, BASE_NONE, NULL, 0x0,
              "Other MediaDebug key=value item, as written", HFILL } },
        { &hf_msice_location, { "Location", "msice.location", FT_STRING, BASE_NONE, NULL, 0x0,
              "ms-media-location-type of ms-endpoint-location-data: Intranet, Internet, or as written", HFILL } },
        { &hf_msice_subnet, { "Subnet", "msice.subnet", FT_STRING, BASE_NONE, NULL, 0x0,
              "ms-subnet: the client's subnet", HFILL } },
    };

    static gint *ett[] = {
        &ett_msice_diag, &ett_msice_diag_media_debug, &ett_msice_diag_icewarn,
    };

    /* One expert item per msdiag status (msdiag_ei above), then the ICEWarn and media-failure items. */
    static ei_register_info ei[] = {
        { &ei_msice_diag_empty, { "msice.expert.diag_empty", PI_MALFORMED, PI_ERROR,
              "Diagnostics header is empty", EXPFILL } },
        { &ei_msice_diag_too_long, { "msice.expert.diag_too_long", PI_MALFORMED, PI_ERROR,
              "Diagnostics header too long to decode", EXPFILL } },
        { &ei_msice_diag_bad_code, { "msice.expert.diag_bad_code", PI_MALFORMED, PI_ERROR,
              "Diagnostic code (ErrorId) missing or not a 32-bit number", EXPFILL } },
        { &ei_msice_diag_bad_subcode, { "msice.expert.diag_bad_subcode", PI_MALFORMED, PI_ERROR,
              "Diagnostic sub-code is not a 32-bit number", EXPFILL } },
        { &ei_msice_diag_unterminated_quote, { "msice.expert.diag_unterminated_quote", PI_MALFORMED,
              PI_ERROR, "Quoted string without its closing quote", EXPFILL } },
        { &ei_msice_diag_bad_param, { "msice.expert.diag_bad_param", PI_MALFORMED, PI_ERROR,
              "Parameter without a name, or text after its value", EXPFILL } },
        { &ei_msice_diag_bad_media_debug, { "msice.expert.diag_bad_media_debug", PI_MALFORMED, PI_ERROR,
              "MediaDebug value does not start with \"<media>:\"", EXPFILL } },
        { &ei_msice_diag_bad_icewarn, { "msice.expert.diag_bad_icewarn", PI_MALFORMED, PI_ERROR,
              "ICEWarn is not a 32-bit hex number", EXPFILL } },
        { &ei_msice_diag_bad_address, { "msice.expert.diag_bad_address", PI_MALFORMED, PI_ERROR,
              "MediaDebug address is not <IP address>:<port>", EXPFILL } },
        { &ei_msice_diag_bad_port, { "msice.expert.diag_bad_port", PI_MALFORMED, PI_ERROR,
              "MediaDebug port is not 0-65535", EXPFILL } },
        { &ei_msice_diag_bad_port_range, { "msice.expert.diag_bad_port_range", PI_MALFORMED, PI_ERROR,
              "PortRange is not <min>:<max> with min <= max", EXPFILL } },
        { &ei_msice_diag_bad_number, { "msice.expert.diag_bad_number", PI_MALFORMED, PI_ERROR,
              "MediaDebug number is not valid (Location/FederationType 0-255, Interfaces hex)", EXPFILL } },
        { &ei_msice_diag_bad_subnet, { "msice.expert.diag_bad_subnet", PI_MALFORMED, PI_ERROR,
              "ms-subnet is not an IPv4 or IPv6 address", EXPFILL } },
        { &ei_msice_diag_too_many_items, { "msice.expert.diag_too_many_items", PI_MALFORMED, PI_WARN,
              "More MediaDebug items than decoded", EXPFILL } },
        { &ei_msice_diag_too_many_params, { "msice.expert.diag_too_many_params", PI_MALFORMED, PI_WARN,
              "More parameters than decoded", EXPFILL } },
        { &ei_msice_diag_duplicate_param, { "msice.expert.diag_duplicate_param", PI_MALFORMED, PI_WARN,
              "Parameter given twice; the first one is used", EXPFILL } },
        { &ei_msice_diag_missing_reason, { "msice.expert.diag_missing_reason", PI_MALFORMED, PI_WARN,
              "Diagnostics header without reason", EXPFILL } },
        { &ei_msice_diag_missing_source, { "msice.expert.diag_missing_source", PI_MALFORMED, PI_WARN,
              "ms-diagnostics without source ([MS-OCER] 2.2.1.1)", EXPFILL } },
        { &ei_msice_diag_not_quoted, { "msice.expert.diag_not_quoted", PI_MALFORMED, PI_WARN,
              "reason, source or MediaDebug value is not a quoted string", EXPFILL } },
        { &ei_msice_diag_unknown_location, { "msice.expert.diag_unknown_location", PI_MALFORMED, PI_NOTE,
              "ms-media-location-type is absent or neither Intranet nor Internet", EXPFILL } },
        { &ei_msice_icewarn, { "msice.expert.icewarn", PI_PROTOCOL, PI_WARN,
              "Client reports ICE problems", EXPFILL } },
        { &ei_msice_media_failure, { "msice.expert.media_failure", PI_PROTOCOL, PI_WARN,
              "Media connectivity failure (ms-client-diagnostics 23/24)", EXPFILL } },
    };

    proto_msice_diag = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));
    diag_handle = create_dissector_handle_with_name_and_description(
        dissect_msice_diag, proto, "msice.diag", "MS SIP diagnostics and location headers");
}

void
msice_diag_handoff(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(header_names); i++)
        dissector_add_string("sip.hdr", header_names[i], diag_handle);
}
