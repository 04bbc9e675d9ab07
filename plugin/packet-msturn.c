/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet-msturn.c - MS-TURN (Microsoft's TURN to the A/V Edge), with the
 * MS-TURNBWM, MS-ICE2 and MS-ICE2BWM attributes and the relayed payload.
 *
 * Specs: [MS-TURN] (2.1.1 pseudo-TLS, 2.1.4 TCP framing, 2.2.1 header,
 * 2.2.2 attributes, 2.2.3 multiplexed TURN, 3.1.12, 3.2.5.1), [MS-TURNBWM]
 * 2.2, [MS-ICE2] 2.2.2, [MS-ICE2BWM]. The quirks table is in
 * core/msturn-consts.h; parsing is done by core/msturn.c, this file only
 * turns its result into fields, expert infos and columns.
 * MESSAGE-INTEGRITY checking is in msturn-integrity.c; TCP framing,
 * pseudo-TLS and the port takeover are in msturn-tcp.c (msturn-int.h).
 *
 * Zero configuration: UDP 3478, TCP 3478 and TCP 443 are taken from the
 * dissectors registered there (STUN, TLS) and handed back to them for
 * anything that is not MS-TURN; a heuristic finds MS-TURN on other ports by
 * its first attribute (MAGIC-COOKIE). Relayed connectivity checks in the
 * RFC 5389 layout are handed to Wireshark's STUN dissector, so that
 * stun.att.username finds relayed and direct checks alike; MS-ICE (v6)
 * checks, which it cannot read, are decoded here.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <epan/dissectors/packet-tcp.h>

#include "msturn-int.h"
#include "msice-model.h"
#include "core/msturn.h"
#include "core/textscan.h"

/* ---- ids --------------------------------------------------------------- */

static int proto_msturn = -1;

static int hf_msturn_type = -1;
static int hf_msturn_method = -1;
static int hf_msturn_class = -1;
static int hf_msturn_length = -1;
static int hf_msturn_transaction_id = -1;
static int hf_msturn_dialect = -1;
static int hf_msturn_response_in = -1;
static int hf_msturn_response_to = -1;
static int hf_msturn_time = -1;
static int hf_msturn_retransmission_of = -1;
static int hf_msturn_attributes = -1;
static int hf_msturn_attr = -1;
static int hf_msturn_attr_type = -1;
static int hf_msturn_attr_length = -1;
static int hf_msturn_attr_value = -1;
static int hf_msturn_attr_padding = -1;
static int hf_msturn_attr_username = -1;
static int hf_msturn_attr_integrity = -1;
static int hf_msturn_attr_error_code = -1;
static int hf_msturn_attr_error_class = -1;
static int hf_msturn_attr_error_number = -1;
static int hf_msturn_attr_error_reason = -1;
static int hf_msturn_attr_error_meaning = -1;
static int hf_msturn_attr_unknown_attribute = -1;
static int hf_msturn_attr_lifetime = -1;
static int hf_msturn_attr_magic_cookie = -1;
static int hf_msturn_attr_bandwidth = -1;
static int hf_msturn_attr_data = -1;
static int hf_msturn_attr_nonce = -1;
static int hf_msturn_attr_realm = -1;
static int hf_msturn_attr_requested_family = -1;
static int hf_msturn_attr_ms_version = -1;
static int hf_msturn_attr_software = -1;
static int hf_msturn_attr_alt_host_name = -1;
static int hf_msturn_attr_app_id = -1;
static int hf_msturn_attr_secure_tag = -1;
static int hf_msturn_attr_ms_sequence_connection_id = -1;
static int hf_msturn_attr_ms_sequence_number = -1;
static int hf_msturn_attr_service_quality_stream_type = -1;
static int hf_msturn_attr_service_quality_quality = -1;
static int hf_msturn_attr_mux_session_id = -1;
static int hf_msturn_attr_bwm_message_type = -1;
static int hf_msturn_attr_bwm_reservation_id = -1;
static int hf_msturn_attr_bwm_amount_min_send = -1;
static int hf_msturn_attr_bwm_amount_max_send = -1;
static int hf_msturn_attr_bwm_amount_min_recv = -1;
static int hf_msturn_attr_bwm_amount_max_recv = -1;
static int hf_msturn_attr_bwm_valid = -1;
static int hf_msturn_attr_bwm_pstn_failover = -1;
static int hf_msturn_attr_bwm_max_send = -1;
static int hf_msturn_attr_bwm_max_recv = -1;
static int hf_msturn_attr_bwm_sip_dialog_id = -1;
static int hf_msturn_attr_bwm_sip_call_id = -1;
static int hf_msturn_attr_bwm_location_peer = -1;
static int hf_msturn_attr_bwm_location_self = -1;
static int hf_msturn_attr_bwm_location_federation = -1;
static int hf_msturn_attr_ice_priority = -1;
static int hf_msturn_attr_ice_use_candidate = -1;
static int hf_msturn_attr_ice_fingerprint = -1;
static int hf_msturn_attr_ice_controlled = -1;
static int hf_msturn_attr_ice_controlling = -1;
static int hf_msturn_attr_ice_candidate_id = -1;
static int hf_msturn_attr_ice_impl_version = -1;
static int hf_msturn_relayed = -1;
static int hf_msturn_active_destination = -1;
static int hf_msturn_mux_channel = -1;
static int hf_msturn_mux_length = -1;
static int hf_msturn_mux_session_id = -1;
static int hf_msturn_mux_allocation = -1;

/* One set of address fields per address attribute. */
typedef struct {
    int family;
    int port;
    int ipv4;
    int ipv6;
} addr_hf_t;

enum {
    ADDR_MAPPED, ADDR_ALTERNATE, ADDR_DESTINATION, ADDR_REMOTE, ADDR_XOR_MAPPED,
    ADDR_ALT_MAPPED, ADDR_BWM_REMOTE_SITE, ADDR_BWM_REMOTE_RELAY_SITE,
    ADDR_BWM_LOCAL_SITE, ADDR_BWM_LOCAL_RELAY_SITE, ADDR_ICE_XOR_MAPPED, ADDR_COUNT
};
static addr_hf_t hf_addr[ADDR_COUNT];

static gint ett_msturn = -1;
static gint ett_msturn_attributes = -1;
static gint ett_msturn_attr = -1;
static gint ett_msturn_relayed = -1;
static gint ett_msturn_mux = -1;
static gint ett_msturn_active = -1;

static expert_field ei_msturn_truncated = EI_INIT;
static expert_field ei_msturn_attr_overrun = EI_INIT;
static expert_field ei_msturn_trailing_bytes = EI_INIT;
static expert_field ei_msturn_too_many_attrs = EI_INIT;
static expert_field ei_msturn_bad_length = EI_INIT;
static expert_field ei_msturn_bad_family = EI_INIT;
static expert_field ei_msturn_bad_cookie = EI_INIT;
static expert_field ei_msturn_unknown_required = EI_INIT;
static expert_field ei_msturn_missing_attr = EI_INIT;
static expert_field ei_msturn_auth_challenge = EI_INIT;
static expert_field ei_msturn_error_response = EI_INIT;
static expert_field ei_msturn_auth_rejected = EI_INIT;
static expert_field ei_msturn_no_response = EI_INIT;
static expert_field ei_msturn_retransmission = EI_INIT;
static expert_field ei_msturn_mux_unknown_session = EI_INIT;
static expert_field ei_msturn_too_short = EI_INIT;
static expert_field ei_msturn_value_clipped = EI_INIT;
static expert_field ei_msturn_mux_bad_length = EI_INIT;

/* The expert item of each message status (msturn_parse(); NOT_STUN: not
 * ours, no item). */
static const msice_status_ei_t msturn_status_ei[] = {
    { MSTURN_TOO_SHORT,      &ei_msturn_too_short },
    { MSTURN_TRUNCATED,      &ei_msturn_truncated },
    { MSTURN_ATTR_OVERRUN,   &ei_msturn_attr_overrun },
    { MSTURN_TRAILING_BYTES, &ei_msturn_trailing_bytes },
    { MSTURN_TOO_MANY_ATTRS, &ei_msturn_too_many_attrs },
};
_Static_assert(G_N_ELEMENTS(msturn_status_ei) == MSTURN_STATUS_COUNT - 2, "one expert item per status");

/* The expert item of each multiplexed-TURN frame status (msturn_parse_mux():
 * ATTR_OVERRUN there means a Length too small for the session id). */
static const msice_status_ei_t msturn_mux_status_ei[] = {
    { MSTURN_TRUNCATED,    &ei_msturn_truncated },
    { MSTURN_ATTR_OVERRUN, &ei_msturn_mux_bad_length },
};

/* The expert item of each attribute value status. */
static const msice_status_ei_t msturn_val_status_ei[] = {
    { MSTURN_VAL_CLIPPED,    &ei_msturn_value_clipped },
    { MSTURN_VAL_BAD_LENGTH, &ei_msturn_bad_length },
    { MSTURN_VAL_BAD_FAMILY, &ei_msturn_bad_family },
    { MSTURN_VAL_BAD_COOKIE, &ei_msturn_bad_cookie },
};
_Static_assert(G_N_ELEMENTS(msturn_val_status_ei) == MSTURN_VAL_STATUS_COUNT - 1, "one expert item per status");

static dissector_handle_t msturn_udp_handle;
static dissector_handle_t stun_udp_handle;
static dissector_handle_t rtp_handle;
static dissector_handle_t rtcp_handle;
static dissector_handle_t data_handle;

/* ---- per-capture state (wmem_file_scope) ----------------------------- */

static wmem_map_t *transactions;   /* 16-byte txid -> msturn_trans_t */
static wmem_map_t *mux_sessions;   /* guint64 session id -> frame of Allocate response */


static guint
txid_hash(gconstpointer key)
{
    return wmem_strong_hash((const guint8 *)key, MSTURN_TXID_LEN);
}

static gboolean
txid_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, MSTURN_TXID_LEN) == 0;
}

static void
msturn_init(void)
{
    transactions = wmem_map_new(wmem_file_scope(), txid_hash, txid_equal);
    mux_sessions = wmem_map_new(wmem_file_scope(), g_int64_hash, g_int64_equal);
}

/* ---- value strings ----------------------------------------------------- */

static const value_string family_vals[] = {
    { MSTURN_FAMILY_IPV4, "IPv4" },
    { MSTURN_FAMILY_IPV6, "IPv6" },
    { 0, NULL }
};

/* Filled from the core's table (msturn_ms_versions[]) at registration; the
 * last row stays { 0, NULL }. */
static value_string ms_version_vals[MSTURN_MS_VERSION_ROWS + 1];

static const value_string stream_type_vals[] = {
    { 1, "Audio" },
    { 2, "Video" },
    { 3, "Supplemental video" },
    { 4, "Data" },
    { 0, NULL }
};

static const value_string service_quality_vals[] = {
    { 0, "Best effort" },
    { 1, "Reliable delivery" },
    { 0, NULL }
};

static const value_string bwm_message_type_vals[] = {
    { 0, "Reservation Check" },
    { 1, "Reservation Commit" },
    { 2, "Reservation Update" },
    { 0, NULL }
};

static const value_string location_vals[] = {
    { 0, "Unknown" },
    { 1, "Internet" },
    { 2, "Intranet" },
    { 0, NULL }
};

static const value_string federation_vals[] = {
    { 0, "None" },
    { 1, "Enterprise federation" },
    { 2, "Public cloud federation" },
    { 0, NULL }
};

/* ---- helpers ----------------------------------------------------------- */

static const addr_hf_t *
addr_fields_for(guint16 type)
{
    switch (type) {
    case MSTURN_ATTR_MAPPED_ADDRESS:         return &hf_addr[ADDR_MAPPED];
    case MSTURN_ATTR_ALTERNATE_SERVER:       return &hf_addr[ADDR_ALTERNATE];
    case MSTURN_ATTR_DESTINATION_ADDRESS:    return &hf_addr[ADDR_DESTINATION];
    case MSTURN_ATTR_REMOTE_ADDRESS:         return &hf_addr[ADDR_REMOTE];
    case MSTURN_ATTR_XOR_MAPPED_ADDRESS:     return &hf_addr[ADDR_XOR_MAPPED];
    case MSTURN_ATTR_MS_ALT_MAPPED_ADDRESS:  return &hf_addr[ADDR_ALT_MAPPED];
    case MSTURN_ATTR_BWM_REMOTE_SITE:        return &hf_addr[ADDR_BWM_REMOTE_SITE];
    case MSTURN_ATTR_BWM_REMOTE_RELAY_SITE:  return &hf_addr[ADDR_BWM_REMOTE_RELAY_SITE];
    case MSTURN_ATTR_BWM_LOCAL_SITE:         return &hf_addr[ADDR_BWM_LOCAL_SITE];
    case MSTURN_ATTR_BWM_LOCAL_RELAY_SITE:   return &hf_addr[ADDR_BWM_LOCAL_RELAY_SITE];
    case MSTURN_ATTR_ICE_XOR_MAPPED_ADDRESS: return &hf_addr[ADDR_ICE_XOR_MAPPED];
    default:                                 return NULL;
    }
}

/* "192.0.2.1:3478" or "[2001:db8::1]:3478", in pinfo->pool. */
static const char *
addr_to_display(wmem_allocator_t *scope, const msturn_addr_t *a)
{
    address addr;
    if (a->addr_len == 4) {
        set_address(&addr, AT_IPv4, 4, a->addr);
        return wmem_strdup_printf(scope, "%s:%u", address_to_str(scope, &addr), a->port);
    }
    set_address(&addr, AT_IPv6, 16, a->addr);
    return wmem_strdup_printf(scope, "[%s]:%u", address_to_str(scope, &addr), a->port);
}

static const char *
msg_type_name(guint16 type)
{
    const msturn_type_info_t *t = msturn_type_info(type);
    return t ? t->name : "Unknown message type";
}

/* ---- relayed payload --------------------------------------------------- */

static int dissect_msturn_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                  unsigned depth, const char **summary);

/* Where relayed bytes travel, for the per-call model (msice). */
typedef struct {
    gboolean       outbound;   /* client -> Edge */
    icecall_addr_t client;     /* the client's end of the TURN 5-tuple */
    icecall_addr_t edge;
    icecall_addr_t peer;       /* DESTINATION/REMOTE-ADDRESS; family 0: unknown */
    gboolean       tcp;
    guint64        mux_session;
    const char    *carrier;    /* what carried the data: "Send Request", "0xFF10", ... */
} relay_ctx_t;

/* The client and Edge ends of this packet's 5-tuple. */
static void
relay_ends(packet_info *pinfo, gboolean outbound, relay_ctx_t *rc)
{
    memset(rc, 0, sizeof(*rc));
    rc->outbound = outbound;
    rc->tcp = pinfo->ptype == PT_TCP;
    if (outbound) {
        address_to_icecall(&rc->client, &pinfo->net_src, (guint16)pinfo->srcport);
        address_to_icecall(&rc->edge, &pinfo->net_dst, (guint16)pinfo->destport);
    } else {
        address_to_icecall(&rc->client, &pinfo->net_dst, (guint16)pinfo->destport);
        address_to_icecall(&rc->edge, &pinfo->net_src, (guint16)pinfo->srcport);
    }
}

static void
feed_relayed(packet_info *pinfo, proto_tree *tree, const relay_ctx_t *rc, msturn_payload_t kind, const guint8 *p,
             guint len, const msturn_msg_t *m, icecall_frame_t *fi)
{
    icecall_leg_t leg;
    memset(&leg, 0, sizeof(leg));
    leg.relayed = TRUE;
    leg.outbound = rc->outbound;
    leg.tcp = rc->tcp;
    leg.client = rc->client;
    leg.edge = rc->edge;
    leg.peer = rc->peer;
    leg.mux_session = rc->mux_session;
    leg.src = rc->outbound ? rc->client : rc->edge;
    leg.dst = rc->outbound ? rc->edge : rc->client;
    if (!PINFO_FD_VISITED(pinfo))
        msice_leg_dscp(pinfo, &leg);   /* the client <-> Edge packet's mark */
    msice_model_packet(pinfo, tree, &leg, kind, p, len, m, fi);
}

/*
 * What sits in a DATA attribute, a multiplexed frame or a TCP data frame:
 * a connectivity check, RTP/RTCP, or opaque data. Returns a short label for
 * the Info column ("Binding Request", "RTP", ...). The inner dissectors may
 * not touch the columns: the Info column describes the outer message.
 */
static const char *
dissect_relayed(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, unsigned depth, const relay_ctx_t *rc)
{
    static const char *const labels[] = { "data", "STUN", "RTP", "RTCP", "SRTCP" };
    guint len = tvb_captured_length(tvb);
    if (len == 0)
        return "empty";
    const guint8 *p = tvb_get_ptr(tvb, 0, len);
    msturn_payload_t kind = msturn_classify_payload(p, len);
    const char *label = kind == MSTURN_PAYLOAD_STUN ? msg_type_name(msturn_rd16(p)) : labels[kind];
    gboolean was_writable = col_get_writable(pinfo->cinfo, -1);

    col_set_writable(pinfo->cinfo, -1, FALSE);
    /* A damaged inner message must not cost the outer message its columns
     * and expert infos: show the exception here and carry on. */
    TRY {
        msturn_msg_t *m = NULL;
        icecall_frame_t *fi = NULL;
        if (kind == MSTURN_PAYLOAD_STUN) {
            m = wmem_new(pinfo->pool, msturn_msg_t);
            msturn_parse(p, len, m);
        }
        if (rc && kind != MSTURN_PAYLOAD_DATA && msice_model()) {
            fi = wmem_new(pinfo->pool, icecall_frame_t);
            feed_relayed(pinfo, tree, rc, kind, p, len, m, fi);
        }
        if (kind == MSTURN_PAYLOAD_STUN &&
            !(m->dialect == MSTURN_DIALECT_ICE2 && m->padding == MSTURN_PAD_4 && m->status == MSTURN_OK &&
              stun_udp_handle)) {
            /* MS-ICE v6 check (unpadded, no cookie) or a damaged check:
             * Wireshark's STUN dissector cannot read it. */
            dissect_msturn_message(tvb, pinfo, tree, depth + 1, NULL);
        } else {
            /* RFC 5389 layout: Wireshark's STUN dissector reads it right, and
             * stun.* filters then find relayed and direct checks. */
            msturn_hand_payload(kind, tvb, pinfo, tree);
        }
        if (fi && fi->valid) {
            msice_show_path(tvb, pinfo, tree, fi);
            msice_queue_path(pinfo, fi, wmem_strdup_printf(pinfo->pool, "relayed %s", label),
                             rc->carrier ? rc->carrier : "relayed");
        }
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(tvb, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    col_set_writable(pinfo->cinfo, -1, was_writable);
    return label;
}

void
msturn_hand_payload(msturn_payload_t kind, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    switch (kind) {
    case MSTURN_PAYLOAD_STUN:
        if (stun_udp_handle) {
            call_dissector_only(stun_udp_handle, tvb, pinfo, tree, NULL);
            break;
        }
        /* fall through */
    case MSTURN_PAYLOAD_SRTCP: /* encrypted: RTCP would call it malformed */
    case MSTURN_PAYLOAD_DATA:
    default:
        call_dissector(data_handle, tvb, pinfo, tree);
        break;
    case MSTURN_PAYLOAD_RTP:
        call_dissector_only(rtp_handle, tvb, pinfo, tree, NULL);
        break;
    case MSTURN_PAYLOAD_RTCP:
        call_dissector_only(rtcp_handle, tvb, pinfo, tree, NULL);
        break;
    }
}

/* ---- one attribute ----------------------------------------------------- */

typedef struct {
    const char *peer;          /* DESTINATION/REMOTE-ADDRESS, for Info */
    const char *relayed;       /* what DATA carried */
    const char *relayed_addr;  /* MAPPED-ADDRESS of an Allocate response */
    const char *reflexive;     /* XOR-MAPPED-ADDRESS */
    const char *realm;
    const char *username;
    guint16     error_code;
    const char *error_reason;
    gboolean    has_lifetime;
    guint32     lifetime;
    proto_tree *integrity_tree; /* subtree of the first MESSAGE-INTEGRITY */
    proto_item *integrity_item;
} msg_summary_t;

static void
add_address(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const guint8 *buf,
            const msturn_msg_t *m, const msturn_attr_t *a, proto_item *attr_item,
            const char **display)
{
    const addr_hf_t *hf = addr_fields_for(a->type);
    msturn_addr_t addr;
    gboolean xor_coded = a->info && a->info->kind == MSTURN_KIND_XOR_ADDRESS;
    if (!hf || a->value_len < 4)
        return;
    msturn_val_status_t st = msturn_get_address(buf, m, a, &addr);
    proto_tree_add_item(tree, hf->family, tvb, a->value_off + 1, 1, ENC_BIG_ENDIAN);
    proto_item *pi = proto_tree_add_uint(tree, hf->port, tvb, a->value_off + 2, 2, addr.port);
    if (xor_coded)
        proto_item_append_text(pi, " (XOR-coded 0x%04x)", msturn_rd16(buf + a->value_off + 2));
    if (st != MSTURN_VAL_OK)
        return;
    if (addr.addr_len == 4) {
        ws_in4_addr v4;
        memcpy(&v4, addr.addr, 4);
        pi = proto_tree_add_ipv4(tree, hf->ipv4, tvb, a->value_off + 4, 4, v4);
    } else {
        ws_in6_addr v6;
        memcpy(v6.bytes, addr.addr, 16);
        pi = proto_tree_add_ipv6(tree, hf->ipv6, tvb, a->value_off + 4, 16, &v6);
    }
    if (xor_coded)
        proto_item_append_text(pi, " (XOR-coded with the transaction id)");
    if (!attr_item && !display)
        return;   /* no tree item and no Info piece to show it in */
    const char *text = addr_to_display(pinfo->pool, &addr);
    proto_item_append_text(attr_item, ": %s", text);
    if (display)
        *display = text;
}

static void
add_u32_flags_bw(proto_tree *tree, tvbuff_t *tvb, const msturn_attr_t *a, gboolean with_failover,
                 proto_item *attr_item)
{
    guint32 first = tvb_get_ntohl(tvb, a->value_off);
    proto_tree_add_boolean(tree, hf_msturn_attr_bwm_valid, tvb, a->value_off, 4, first);
    if (with_failover)
        proto_tree_add_boolean(tree, hf_msturn_attr_bwm_pstn_failover, tvb, a->value_off, 4, first);
    proto_tree_add_item(tree, hf_msturn_attr_bwm_max_send, tvb, a->value_off + 4, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_msturn_attr_bwm_max_recv, tvb, a->value_off + 8, 4, ENC_BIG_ENDIAN);
    proto_item_append_text(attr_item, ": %s%s, send %u kbps, receive %u kbps",
                           (first & MSTURN_BWM_VALID_FLAG) ? "allowed" : "refused",
                           (with_failover && (first & MSTURN_BWM_FAILOVER_FLAG)) ? " (PSTN failover allowed)" : "",
                           tvb_get_ntohl(tvb, a->value_off + 4), tvb_get_ntohl(tvb, a->value_off + 8));
}

static void
dissect_attribute(tvbuff_t *tvb, packet_info *pinfo, proto_tree *attrs_tree, const guint8 *buf,
                  const msturn_msg_t *m, const msturn_attr_t *a, unsigned depth,
                  msg_summary_t *sum)
{
    const char *name = a->info ? a->info->name : "Unknown attribute";
    guint total = 4 + a->value_len + a->pad_len;
    if (a->offset + 4 > tvb_captured_length(tvb))
        total = tvb_captured_length(tvb) - a->offset;
    proto_item *ai = proto_tree_add_none_format(attrs_tree, hf_msturn_attr, tvb, a->offset, total,
                                                "%s", name);
    proto_tree *at = proto_item_add_subtree(ai, ett_msturn_attr);
    proto_tree_add_item(at, hf_msturn_attr_type, tvb, a->offset, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(at, hf_msturn_attr_length, tvb, a->offset + 2, 2, ENC_BIG_ENDIAN);
    if (a->type == MSTURN_ATTR_MESSAGE_INTEGRITY && !sum->integrity_item) {
        sum->integrity_tree = at;
        sum->integrity_item = ai;
    }

    expert_field *vei = MSICE_STATUS_EI(msturn_val_status_ei, a->val_status);
    if (vei) {
        msice_expert_format(pinfo, ai, vei, "%s: %s", name, msturn_val_status_to_string(a->val_status));
    }
    if (!a->info) {
        if (a->value_len)
            proto_tree_add_item(at, hf_msturn_attr_value, tvb, a->value_off, a->value_len, ENC_NA);
        if (msturn_attr_comprehension_required(a->type))
            msice_expert_format(pinfo, ai, &ei_msturn_unknown_required,
                                "Unknown comprehension-required attribute 0x%04x: a server answers 420 Unknown Attribute",
                                a->type);
        else
            proto_item_append_text(ai, " 0x%04x (optional, ignored)", a->type);
        goto padding;
    }
    /* Values whose length is wrong are shown raw; the expert info says why. */
    if (a->val_status == MSTURN_VAL_BAD_LENGTH || a->val_status == MSTURN_VAL_CLIPPED) {
        if (a->value_len)
            proto_tree_add_item(at, hf_msturn_attr_value, tvb, a->value_off, a->value_len, ENC_NA);
        goto padding;
    }

    switch (a->info->kind) {
    case MSTURN_KIND_ADDRESS:
    case MSTURN_KIND_XOR_ADDRESS: {
        const char **display = NULL;
        if (a->type == MSTURN_ATTR_DESTINATION_ADDRESS || a->type == MSTURN_ATTR_REMOTE_ADDRESS)
            display = &sum->peer;
        else if (a->type == MSTURN_ATTR_MAPPED_ADDRESS)
            display = &sum->relayed_addr;
        else if (a->type == MSTURN_ATTR_XOR_MAPPED_ADDRESS || a->type == MSTURN_ATTR_ICE_XOR_MAPPED_ADDRESS)
            display = &sum->reflexive;
        add_address(at, tvb, pinfo, buf, m, a, ai, display);
        if (a->val_status == MSTURN_VAL_BAD_FAMILY)
            proto_tree_add_item(at, hf_msturn_attr_value, tvb, a->value_off, a->value_len, ENC_NA);
        break;
    }
    case MSTURN_KIND_MAGIC_COOKIE:
        proto_tree_add_item(at, hf_msturn_attr_magic_cookie, tvb, a->value_off, 4, ENC_BIG_ENDIAN);
        proto_item_append_text(ai, ": 0x%08x", tvb_get_ntohl(tvb, a->value_off));
        break;
    case MSTURN_KIND_INTEGRITY:
        proto_tree_add_item(at, hf_msturn_attr_integrity, tvb, a->value_off, a->value_len, ENC_NA);
        proto_item_append_text(ai, " (HMAC-%s)", a->value_len == 32 ? "SHA256" : "SHA1");
        break;
    case MSTURN_KIND_ERROR_CODE: {
        guint16 code;
        guint32 ro, rl;
        msturn_get_error(buf, a, &code, &ro, &rl);
        proto_tree_add_item(at, hf_msturn_attr_error_class, tvb, a->value_off + 2, 1, ENC_BIG_ENDIAN);
        proto_tree_add_item(at, hf_msturn_attr_error_number, tvb, a->value_off + 3, 1, ENC_BIG_ENDIAN);
        proto_item *pi = proto_tree_add_uint(at, hf_msturn_attr_error_code, tvb, a->value_off + 2, 2, code);
        proto_item_set_generated(pi);
        if (rl > 0) {
            proto_tree_add_item(at, hf_msturn_attr_error_reason, tvb, ro, rl, ENC_UTF_8);
            sum->error_reason = (const char *)tvb_get_string_enc(pinfo->pool, tvb, ro, rl, ENC_UTF_8);
        }
        const char *meaning = msturn_error_meaning(code);
        if (meaning) {
            pi = proto_tree_add_string(at, hf_msturn_attr_error_meaning, tvb, a->value_off, a->value_len, meaning);
            proto_item_set_generated(pi);
        }
        proto_item_append_text(ai, ": %u %s", code, msturn_error_name(code) ? msturn_error_name(code) : "");
        sum->error_code = code;
        break;
    }
    case MSTURN_KIND_UNKNOWN_ATTRS:
        for (guint32 o = 0; o + 2 <= a->value_len; o += 2)
            proto_tree_add_item(at, hf_msturn_attr_unknown_attribute, tvb, a->value_off + o, 2, ENC_BIG_ENDIAN);
        break;
    case MSTURN_KIND_FAMILY:
        proto_tree_add_item(at, hf_msturn_attr_requested_family, tvb, a->value_off, 1, ENC_BIG_ENDIAN);
        break;
    case MSTURN_KIND_SEQUENCE:
        if (a->value_len == 24) {
            proto_tree_add_item(at, hf_msturn_attr_ms_sequence_connection_id, tvb, a->value_off, 20, ENC_NA);
            proto_tree_add_item(at, hf_msturn_attr_ms_sequence_number, tvb, a->value_off + 20, 4, ENC_BIG_ENDIAN);
            proto_item_append_text(ai, ": %u", tvb_get_ntohl(tvb, a->value_off + 20));
        } else {
            proto_tree_add_item(at, hf_msturn_attr_ms_sequence_number, tvb, a->value_off, 4, ENC_BIG_ENDIAN);
            proto_item_append_text(ai, ": %u", tvb_get_ntohl(tvb, a->value_off));
        }
        break;
    case MSTURN_KIND_SERVICE_QUALITY:
        proto_tree_add_item(at, hf_msturn_attr_service_quality_stream_type, tvb, a->value_off, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(at, hf_msturn_attr_service_quality_quality, tvb, a->value_off + 2, 2, ENC_BIG_ENDIAN);
        proto_item_append_text(ai, ": %s, %s",
                               val_to_str_const(tvb_get_ntohs(tvb, a->value_off), stream_type_vals, "unknown stream"),
                               val_to_str_const(tvb_get_ntohs(tvb, a->value_off + 2), service_quality_vals, "unknown quality"));
        break;
    case MSTURN_KIND_BWM_MESSAGE:
        proto_tree_add_item(at, hf_msturn_attr_bwm_message_type, tvb, a->value_off + 2, 2, ENC_BIG_ENDIAN);
        proto_item_append_text(ai, ": %s",
                               val_to_str_const(tvb_get_ntohs(tvb, a->value_off + 2), bwm_message_type_vals, "unknown"));
        break;
    case MSTURN_KIND_BWM_AMOUNT:
        /* Field order of the spec figure ([MS-TURNBWM] 2.2.3), which differs
         * from Wireshark 4.0's labels. */
        proto_tree_add_item(at, hf_msturn_attr_bwm_amount_min_send, tvb, a->value_off, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(at, hf_msturn_attr_bwm_amount_max_send, tvb, a->value_off + 4, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(at, hf_msturn_attr_bwm_amount_min_recv, tvb, a->value_off + 8, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(at, hf_msturn_attr_bwm_amount_max_recv, tvb, a->value_off + 12, 4, ENC_BIG_ENDIAN);
        break;
    case MSTURN_KIND_BWM_SITE_RESP:
        add_u32_flags_bw(at, tvb, a, TRUE, ai);
        break;
    case MSTURN_KIND_BWM_RELAY_RESP:
        add_u32_flags_bw(at, tvb, a, FALSE, ai);
        break;
    case MSTURN_KIND_LOCATION_PROFILE:
        proto_tree_add_item(at, hf_msturn_attr_bwm_location_peer, tvb, a->value_off, 1, ENC_BIG_ENDIAN);
        proto_tree_add_item(at, hf_msturn_attr_bwm_location_self, tvb, a->value_off + 1, 1, ENC_BIG_ENDIAN);
        proto_tree_add_item(at, hf_msturn_attr_bwm_location_federation, tvb, a->value_off + 2, 1, ENC_BIG_ENDIAN);
        break;
    case MSTURN_KIND_CANDIDATE_ID:
        proto_tree_add_item(at, hf_msturn_attr_ice_candidate_id, tvb, a->value_off, a->value_len, ENC_ASCII);
        break;
    case MSTURN_KIND_FINGERPRINT:
        proto_tree_add_item(at, hf_msturn_attr_ice_fingerprint, tvb, a->value_off, 4, ENC_BIG_ENDIAN);
        break;
    case MSTURN_KIND_EMPTY:
        proto_tree_add_item(at, hf_msturn_attr_ice_use_candidate, tvb, a->offset, 4, ENC_NA);
        break;
    case MSTURN_KIND_DATA: {
        proto_tree_add_item(at, hf_msturn_attr_data, tvb, a->value_off, a->value_len, ENC_NA);
        if (a->value_len > 0 && depth == 0) {
            tvbuff_t *inner = tvb_new_subset_length(tvb, a->value_off, a->value_len);
            relay_ctx_t rc;
            gboolean outbound = m->type == MSTURN_SEND_REQUEST;
            relay_ends(pinfo, outbound, &rc);
            rc.carrier = outbound ? "Send Request" : "Data Indication";
            const msturn_attr_t *pa = msturn_find_attr(m, outbound ? MSTURN_ATTR_DESTINATION_ADDRESS
                                                                    : MSTURN_ATTR_REMOTE_ADDRESS);
            msturn_addr_t peer;
            if (pa && msturn_get_address(buf, m, pa, &peer) == MSTURN_VAL_OK) {
                rc.peer.family = peer.addr_len == 4 ? 4 : 6;
                memcpy(rc.peer.addr, peer.addr, peer.addr_len);
                rc.peer.port = peer.port;
            }
            sum->relayed = dissect_relayed(inner, pinfo, at, depth,
                                           (m->type == MSTURN_SEND_REQUEST || m->type == MSTURN_DATA_INDICATION)
                                               ? &rc : NULL);
            proto_item *pi = proto_tree_add_string(at, hf_msturn_relayed, tvb, a->value_off, a->value_len,
                                                   sum->relayed);
            proto_item_set_generated(pi);
            proto_item_append_text(ai, ": %u bytes [%s]", a->value_len, sum->relayed);
        }
        break;
    }
    case MSTURN_KIND_U32:
    case MSTURN_KIND_U64:
    case MSTURN_KIND_STRING:
    case MSTURN_KIND_OPAQUE:
    default: {
        int hf = -1;
        guint enc = ENC_BIG_ENDIAN;
        switch (a->type) {
        case MSTURN_ATTR_USERNAME:            hf = hf_msturn_attr_username; enc = ENC_NA; break;
        case MSTURN_ATTR_LIFETIME:            hf = hf_msturn_attr_lifetime; break;
        case MSTURN_ATTR_BANDWIDTH:           hf = hf_msturn_attr_bandwidth; break;
        case MSTURN_ATTR_NONCE:               hf = hf_msturn_attr_nonce; enc = ENC_NA; break;
        case MSTURN_ATTR_REALM:               hf = hf_msturn_attr_realm; enc = ENC_UTF_8; break;
        case MSTURN_ATTR_MS_VERSION:          hf = hf_msturn_attr_ms_version; break;
        case MSTURN_ATTR_SOFTWARE:            hf = hf_msturn_attr_software; enc = ENC_UTF_8; break;
        case MSTURN_ATTR_MS_ALT_HOST_NAME:    hf = hf_msturn_attr_alt_host_name; enc = ENC_UTF_8; break;
        case MSTURN_ATTR_APP_ID:              hf = hf_msturn_attr_app_id; enc = ENC_NA; break;
        case MSTURN_ATTR_SECURE_TAG:          hf = hf_msturn_attr_secure_tag; enc = ENC_NA; break;
        case MSTURN_ATTR_MUX_SESSION_ID:      hf = hf_msturn_attr_mux_session_id; break;
        case MSTURN_ATTR_BWM_RESERVATION_ID:  hf = hf_msturn_attr_bwm_reservation_id; enc = ENC_NA; break;
        case MSTURN_ATTR_BWM_SIP_DIALOG_ID:   hf = hf_msturn_attr_bwm_sip_dialog_id; enc = ENC_UTF_8; break;
        case MSTURN_ATTR_BWM_SIP_CALL_ID:     hf = hf_msturn_attr_bwm_sip_call_id; enc = ENC_UTF_8; break;
        case MSTURN_ATTR_ICE_PRIORITY:        hf = hf_msturn_attr_ice_priority; break;
        case MSTURN_ATTR_ICE_CONTROLLED:      hf = hf_msturn_attr_ice_controlled; break;
        case MSTURN_ATTR_ICE_CONTROLLING:     hf = hf_msturn_attr_ice_controlling; break;
        case MSTURN_ATTR_ICE_IMPL_VERSION:    hf = hf_msturn_attr_ice_impl_version; break;
        default: break;
        }
        if (hf == -1) {
            if (a->value_len)
                proto_tree_add_item(at, hf_msturn_attr_value, tvb, a->value_off, a->value_len, ENC_NA);
            break;
        }
        proto_item *pi = proto_tree_add_item(at, hf, tvb, a->value_off, a->value_len, enc);
        if (a->info->kind == MSTURN_KIND_U32) {
            guint32 v = tvb_get_ntohl(tvb, a->value_off);
            proto_item_append_text(ai, ": %u", v);
            if (a->type == MSTURN_ATTR_LIFETIME) {
                sum->has_lifetime = TRUE;
                sum->lifetime = v;
                if (v == 0)
                    proto_item_append_text(pi, " (release the allocation)");
            }
        } else if (a->info->kind == MSTURN_KIND_STRING && a->value_len) {
            const char *s = (const char *)tvb_get_string_enc(pinfo->pool, tvb, a->value_off, a->value_len, ENC_UTF_8);
            proto_item_append_text(ai, ": %s", s);
            if (a->type == MSTURN_ATTR_REALM)
                sum->realm = s;
        } else if (a->type == MSTURN_ATTR_USERNAME) {
            proto_item_append_text(ai, " (%u bytes)", a->value_len);
            if (m->type == MSTURN_BINDING_REQUEST)   /* the only Info that shows it (set_info()) */
                sum->username = (const char *)tvb_format_text(pinfo->pool, tvb, a->value_off, a->value_len);
        }
        break;
    }
    }

padding:
    if (a->pad_len)
        proto_tree_add_item(at, hf_msturn_attr_padding, tvb, a->value_off + a->value_len, a->pad_len, ENC_NA);
}

/* ---- request/response tracking ----------------------------------------- */

static void
track_transaction(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *top,
                  const guint8 *buf, const msturn_msg_t *m)
{
    const guint8 *txid = buf + 4;
    msturn_trans_t *tr = (msturn_trans_t *)wmem_map_lookup(transactions, txid);
    gboolean is_req = msturn_expects_response(m->type);
    gboolean is_resp = msturn_is_response(m->type);

    if (!is_req && !is_resp)
        return;
    if (!PINFO_FD_VISITED(pinfo)) {
        if (!tr && is_req) {
            tr = wmem_new0(wmem_file_scope(), msturn_trans_t);
            tr->req_frame = pinfo->num;
            tr->req_time = pinfo->abs_ts;
            tr->req_type = m->type;
            tr->req_had_integrity = msturn_find_attr(m, MSTURN_ATTR_MESSAGE_INTEGRITY) != NULL;
            wmem_map_insert(transactions, wmem_memdup(wmem_file_scope(), txid, MSTURN_TXID_LEN), tr);
        } else if (tr && is_resp && tr->resp_frame == 0) {
            tr->resp_frame = pinfo->num;
        }
    }
    if (!tr)
        return;
    if (is_req) {
        if (tr->req_frame != pinfo->num) {
            proto_item *pi = proto_tree_add_uint(tree, hf_msturn_retransmission_of, tvb, 0, 0, tr->req_frame);
            proto_item_set_generated(pi);
            msice_expert_format(pinfo, top, &ei_msturn_retransmission,
                                "Retransmission of the %s in frame %u", msg_type_name(m->type), tr->req_frame);
        }
        if (tr->resp_frame) {
            proto_item *pi = proto_tree_add_uint(tree, hf_msturn_response_in, tvb, 0, 0, tr->resp_frame);
            proto_item_set_generated(pi);
        } else if (PINFO_FD_VISITED(pinfo) && tr->req_frame == pinfo->num) {
            /* Known only once the whole capture has been read (second pass:
             * the GUI, or tshark -2). */
            msice_expert_format(pinfo, top, &ei_msturn_no_response,
                                "%s never answered: the Edge is unreachable on this address, port or transport",
                                msg_type_name(m->type));
        }
    } else if (is_resp && tr->req_frame && tr->req_frame < pinfo->num) {
        proto_item *pi = proto_tree_add_uint(tree, hf_msturn_response_to, tvb, 0, 0, tr->req_frame);
        proto_item_set_generated(pi);
        nstime_t delta;
        nstime_delta(&delta, &pinfo->abs_ts, &tr->req_time);
        pi = proto_tree_add_time(tree, hf_msturn_time, tvb, 0, 0, &delta);
        proto_item_set_generated(pi);
    }
}

/* ---- a whole message --------------------------------------------------- */

/* " <label><value>": the Info column's pieces are strings (no printf, for
 * every MS-TURN message) but for the numbers below. */
static void
append_pair(wmem_strbuf_t *b, const char *label, const char *value)
{
    wmem_strbuf_append(b, label);
    wmem_strbuf_append(b, value);
}

static const char *
set_info(packet_info *pinfo, const msturn_msg_t *m, const msg_summary_t *s)
{
    wmem_strbuf_t *b = wmem_strbuf_new(pinfo->pool, msg_type_name(m->type));
    switch (m->type) {
    case MSTURN_SEND_REQUEST:
    case MSTURN_SAD_REQUEST:
        if (s->peer)
            append_pair(b, " to ", s->peer);
        break;
    case MSTURN_DATA_INDICATION:
        if (s->peer)
            append_pair(b, " from ", s->peer);
        break;
    case MSTURN_ALLOCATE_RESPONSE:
        if (s->relayed_addr)
            append_pair(b, " relayed ", s->relayed_addr);
        if (s->reflexive)
            append_pair(b, " reflexive ", s->reflexive);
        break;
    case MSTURN_BINDING_REQUEST:
        if (s->username)
            append_pair(b, " user: ", s->username);
        break;
    case MSTURN_BINDING_RESPONSE:
        if (s->reflexive)
            append_pair(b, " reflexive ", s->reflexive);
        break;
    default:
        break;
    }
    if (s->error_code) {
        const char *n = msturn_error_name(s->error_code);
        wmem_strbuf_append_printf(b, " %u %s", s->error_code, n ? n : (s->error_reason ? s->error_reason : ""));
    }
    if (s->realm)
        append_pair(b, " realm=", s->realm);
    if (s->has_lifetime)
        wmem_strbuf_append_printf(b, " lifetime=%u%s", s->lifetime, s->lifetime == 0 ? " (release)" : "");
    if (s->relayed) {
        append_pair(b, " [", s->relayed);
        wmem_strbuf_append_c(b, ']');
    }
    col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", wmem_strbuf_get_str(b));
    return wmem_strbuf_get_str(b);
}

static gboolean
attr_icecall_addr(const guint8 *buf, const msturn_msg_t *m, guint16 type, icecall_addr_t *out)
{
    const msturn_attr_t *a = msturn_find_attr(m, type);
    msturn_addr_t x;
    memset(out, 0, sizeof(*out));
    if (!a || msturn_get_address(buf, m, a, &x) != MSTURN_VAL_OK)
        return FALSE;
    out->family = x.addr_len == 4 ? 4 : 6;
    memcpy(out->addr, x.addr, x.addr_len);
    out->port = x.port;
    return TRUE;
}

/* Allocations and active destinations for the per-call model (first pass). */
static void
feed_turn(packet_info *pinfo, const guint8 *buf, const msturn_msg_t *m, const msg_summary_t *sum, const char *info)
{
    icecall_model_t *model = msice_model();
    relay_ctx_t rc;
    icecall_addr_t peer;
    gint64 t = msice_time_us(pinfo);
    if (pinfo->flags.in_error_pkt)
        return; /* a message quoted in an ICMP error: it was sent once already */
    switch (m->type) {
    case MSTURN_ALLOCATE_REQUEST:
        relay_ends(pinfo, TRUE, &rc);
        if (!PINFO_FD_VISITED(pinfo))
            icecall_add_allocation(model, pinfo->num, t, &rc.client, &rc.edge, rc.tcp, FALSE,
                                   msturn_find_attr(m, MSTURN_ATTR_MESSAGE_INTEGRITY) != NULL, buf + 4, NULL, NULL, 0,
                                   0, 0);
        break;
    case MSTURN_ALLOCATE_RESPONSE:
    case MSTURN_ALLOCATE_ERROR: {
        relay_ends(pinfo, FALSE, &rc);
        if (!PINFO_FD_VISITED(pinfo)) {
            icecall_addr_t relayed, reflexive;
            attr_icecall_addr(buf, m, MSTURN_ATTR_MAPPED_ADDRESS, &relayed);
            attr_icecall_addr(buf, m, MSTURN_ATTR_XOR_MAPPED_ADDRESS, &reflexive);
            guint32 lifetime = G_MAXUINT32;
            const msturn_attr_t *lt = msturn_find_attr(m, MSTURN_ATTR_LIFETIME);
            if (lt)
                msturn_get_u32(buf, lt, &lifetime);
            guint64 session = 0;
            const msturn_attr_t *sid = msturn_find_attr(m, MSTURN_ATTR_MUX_SESSION_ID);
            if (sid && sid->val_status == MSTURN_VAL_OK)
                msturn_get_u64(buf, sid, &session);
            icecall_add_allocation(model, pinfo->num, t, &rc.client, &rc.edge, rc.tcp, TRUE, FALSE, buf + 4, &relayed,
                                   &reflexive, m->type == MSTURN_ALLOCATE_ERROR ? (sum->error_code ? sum->error_code : 1)
                                                                                : 0,
                                   lifetime, session);
        }
        break;
    }
    case MSTURN_SEND_REQUEST:
        return; /* Sends name their own peer; they are drawn as the checks/media they carry */
    case MSTURN_SAD_REQUEST:
        /* The peer that data without a destination (0xFF10 frames) goes to. */
        relay_ends(pinfo, TRUE, &rc);
        if (!PINFO_FD_VISITED(pinfo) && attr_icecall_addr(buf, m, MSTURN_ATTR_DESTINATION_ADDRESS, &peer))
            icecall_set_destination(model, pinfo->num, &rc.client, &rc.edge, &peer);
        break;
    default:
        return;
    }
    msice_queue_tap(pinfo, MSICE_EV_ALLOCATE, NULL, msg_type_name(m->type), info, ICECALL_PATH_NONE, TRUE);
}

static void
error_experts(packet_info *pinfo, proto_item *top, const msturn_msg_t *m, const msturn_trans_t *tr,
              const msg_summary_t *s)
{
    if (!s->error_code || !msturn_is_response(m->type))
        return;
    const char *name = msturn_error_name(s->error_code);
    const char *meaning = msturn_error_meaning(s->error_code);
    if (s->error_code == 401 && m->type != MSTURN_BINDING_ERROR) {
        if (tr && tr->req_had_integrity)
            msice_expert_format(pinfo, top, &ei_msturn_auth_rejected,
                                "401 Unauthorized although the request (frame %u) carried credentials: the Edge rejected them",
                                tr->req_frame);
        else
            msice_expert(pinfo, top, &ei_msturn_auth_challenge);
        return;
    }
    msice_expert_format(pinfo, top, &ei_msturn_error_response, "%s %u %s%s%s", msg_type_name(m->type),
                        s->error_code, name ? name : "", meaning ? ": " : "", meaning ? meaning : "");
}

/*
 * Dissects one STUN-shaped message (MS-TURN, or a check relayed inside
 * DATA at depth 1). Returns the bytes it used.
 */
static int
dissect_msturn_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, unsigned depth,
                       const char **summary)
{
    guint len = tvb_captured_length(tvb);
    const guint8 *buf = tvb_get_ptr(tvb, 0, len);
    msturn_msg_t *m = wmem_new(pinfo->pool, msturn_msg_t);
    msg_summary_t sum;

    memset(&sum, 0, sizeof(sum));
    msturn_parse(buf, len, m);
    if (m->status == MSTURN_TOO_SHORT || m->status == MSTURN_NOT_STUN)
        return 0;

    guint shown = m->avail;
    proto_item *top = proto_tree_add_item(tree, proto_msturn, tvb, 0, shown, ENC_NA);
    proto_item_append_text(top, ", %s", msg_type_name(m->type));
    proto_tree *mt = proto_item_add_subtree(top, ett_msturn);
    proto_item *pi = proto_tree_add_item(mt, hf_msturn_type, tvb, 0, 2, ENC_BIG_ENDIAN);
    const msturn_type_info_t *ti = msturn_type_info(m->type);
    if (ti) {
        proto_item *gi = proto_tree_add_string(mt, hf_msturn_method, tvb, 0, 2, ti->method);
        proto_item_set_generated(gi);
        gi = proto_tree_add_string(mt, hf_msturn_class, tvb, 0, 2, ti->klass);
        proto_item_set_generated(gi);
    } else {
        proto_item_append_text(pi, " (not an MS-TURN message type)");
    }
    proto_tree_add_item(mt, hf_msturn_length, tvb, 2, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(mt, hf_msturn_transaction_id, tvb, 4, MSTURN_TXID_LEN, ENC_NA);
    static const char *const dialect_names[] = {
        "MS-TURN (no attribute padding)", "MS-ICE2 check (RFC 5389 layout)", "MS-ICE check (RFC 3489 layout)"
    };
    pi = proto_tree_add_string(mt, hf_msturn_dialect, tvb, 0, 0, dialect_names[m->dialect]);
    proto_item_set_generated(pi);

    if (depth == 0)
        track_transaction(tvb, pinfo, mt, top, buf, m);

    if (m->n_attrs > 0) {
        guint attrs_len = m->walked > MSTURN_HEADER_LEN ? m->walked - MSTURN_HEADER_LEN : 0;
        proto_item *asi = proto_tree_add_item(mt, hf_msturn_attributes, tvb, MSTURN_HEADER_LEN, attrs_len, ENC_NA);
        proto_tree *ast = proto_item_add_subtree(asi, ett_msturn_attributes);
        for (unsigned i = 0; i < m->n_attrs; i++)
            dissect_attribute(tvb, pinfo, ast, buf, m, &m->attrs[i], depth, &sum);
    }

    expert_field *sei = MSICE_STATUS_EI(msturn_status_ei, m->status);
    if (sei) {
        msice_expert_format(pinfo, top, sei, "%s: %s", msg_type_name(m->type),
                            msturn_status_to_string(m->status));
    }
    if (m->truncated && m->status != MSTURN_TRUNCATED) {
        msice_expert_format(pinfo, top, MSICE_STATUS_EI(msturn_status_ei, MSTURN_TRUNCATED),
                            "%s: %s (Length %u, %u bytes present)",
                            msg_type_name(m->type), msturn_status_to_string(MSTURN_TRUNCATED), m->length,
                            m->avail - MSTURN_HEADER_LEN);
    }
    guint16 missing = msturn_missing_mandatory(buf, m);
    if (missing && m->status == MSTURN_OK) {
        const msturn_attr_info_t *mi = msturn_attr_info(missing);
        msice_expert_format(pinfo, top, &ei_msturn_missing_attr, "%s without mandatory %s",
                            msg_type_name(m->type), mi ? mi->name : "attribute");
    }
    if (depth == 0) {
        msturn_trans_t *tr = (msturn_trans_t *)wmem_map_lookup(transactions, buf + 4);
        msturn_integrity_check(tvb, pinfo, top, sum.integrity_tree, sum.integrity_item, buf, m, tr);
        error_experts(pinfo, top, m, tr, &sum);
        const char *info = set_info(pinfo, m, &sum);
        if (m->dialect == MSTURN_DIALECT_MSTURN && msice_model())
            feed_turn(pinfo, buf, m, &sum, info);
        /* Remember multiplexed-TURN session ids to link 0xFF10 frames. */
        const msturn_attr_t *sid = msturn_find_attr(m, MSTURN_ATTR_MUX_SESSION_ID);
        if (sid && sid->val_status == MSTURN_VAL_OK && m->type == MSTURN_ALLOCATE_RESPONSE &&
            !PINFO_FD_VISITED(pinfo)) {
            guint64 session = tvb_get_ntoh64(tvb, sid->value_off);
            if (!wmem_map_lookup(mux_sessions, &session)) {
                guint64 *key = wmem_new(wmem_file_scope(), guint64);
                *key = session;
                wmem_map_insert(mux_sessions, key, GUINT_TO_POINTER(pinfo->num));
            }
        }
    }
    if (summary)
        *summary = msg_type_name(m->type);
    return (int)shown;
}

/* ---- multiplexed TURN (0xFF10) ----------------------------------------- */

static int
dissect_msturn_mux(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    guint len = tvb_captured_length(tvb);
    const guint8 *buf = tvb_get_ptr(tvb, 0, len);
    msturn_mux_t mux;
    msturn_status_t st = msturn_parse_mux(buf, len, &mux);
    if (st == MSTURN_TOO_SHORT || st == MSTURN_NOT_STUN)
        return 0;

    proto_item *top = proto_tree_add_item(tree, proto_msturn, tvb, 0, -1, ENC_NA);
    proto_item_append_text(top, ", Multiplexed TURN data");
    proto_tree *mt = proto_item_add_subtree(top, ett_msturn_mux);
    proto_tree_add_item(mt, hf_msturn_mux_channel, tvb, 0, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(mt, hf_msturn_mux_length, tvb, 2, 2, ENC_BIG_ENDIAN);
    if (st == MSTURN_ATTR_OVERRUN) {
        msice_expert_format(pinfo, top, MSICE_STATUS_EI(msturn_mux_status_ei, st),
                            "Multiplexed TURN Length %u cannot hold the 8-byte session id", mux.length);
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "Multiplexed TURN [malformed]");
        return (int)len;
    }
    proto_tree_add_item(mt, hf_msturn_mux_session_id, tvb, 4, 8, ENC_BIG_ENDIAN);
    guint64 sid = tvb_get_ntoh64(tvb, 4);
    gpointer alloc = wmem_map_lookup(mux_sessions, &sid);
    if (alloc) {
        proto_item *pi = proto_tree_add_uint(mt, hf_msturn_mux_allocation, tvb, 4, 8, GPOINTER_TO_UINT(alloc));
        proto_item_set_generated(pi);
    } else {
        msice_expert(pinfo, top, &ei_msturn_mux_unknown_session);
    }
    if (mux.truncated)
        msice_expert_format(pinfo, top, MSICE_STATUS_EI(msturn_mux_status_ei, MSTURN_TRUNCATED),
                            "Multiplexed TURN frame truncated: Length %u, %u bytes present", mux.length, len - 4);
    const char *label = "empty";
    if (mux.data_len > 0) {
        tvbuff_t *inner = tvb_new_subset_length(tvb, mux.data_off, mux.data_len);
        relay_ctx_t rc;
        /* Direction: the model knows the allocation's client by session id. */
        relay_ends(pinfo, TRUE, &rc);
        rc.mux_session = sid;
        rc.carrier = "0xFF10 frame";
        label = dissect_relayed(inner, pinfo, mt, 0, &rc);
        proto_item *pi = proto_tree_add_string(mt, hf_msturn_relayed, tvb, mux.data_off, mux.data_len, label);
        proto_item_set_generated(pi);
    }
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "Multiplexed TURN session 0x%016" G_GINT64_MODIFIER "x [%s]",
                        sid, label);
    return (int)len;
}

/* ---- data to / from the active destination (UDP) ------------------------ */

/*
 * After a Set Active Destination the client and the Edge exchange the data
 * of the active destination as plain datagrams on the allocation's 5-tuple:
 * no Send Request, no Data Indication, no 0xFF10 header ([MS-TURN] 3.2.4.5;
 * 3.2.4.6 adds the 0xFF10 header for multiplexed TURN; TURN-08 active
 * destination). Such a datagram is relayed media (or a check) of the pair
 * whose destination was set, not a direct path to the Edge's port. Returns
 * the bytes used, 0 when this datagram is not one (no allocation with an
 * active destination on its 5-tuple, or an MS-TURN message).
 */
int
msturn_dissect_active_data(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    icecall_model_t *model = msice_model();
    guint len = tvb_captured_length(tvb);
    if (!model || len == 0 || pinfo->ptype != PT_UDP || pinfo->flags.in_error_pkt)
        return 0;
    const guint8 *buf = tvb_get_ptr(tvb, 0, len);
    if (msturn_starts_mux(buf, len) || msturn_looks_like_msturn(buf, len))
        return 0; /* TURN control messages and 0xFF10 frames have their own path */
    icecall_addr_t src, dst;
    icecall_leg_t leg;
    address_to_icecall(&src, &pinfo->net_src, (guint16)pinfo->srcport);
    address_to_icecall(&dst, &pinfo->net_dst, (guint16)pinfo->destport);
    if (!icecall_active_leg(model, &src, &dst, pinfo->num, &leg))
        return 0;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "MSTURN");
    col_clear(pinfo->cinfo, COL_INFO);
    proto_item *top = proto_tree_add_item(tree, proto_msturn, tvb, 0, -1, ENC_NA);
    proto_item_append_text(top, ", Data %s the active destination (no TURN header)", leg.outbound ? "to" : "from");
    proto_tree *mt = proto_item_add_subtree(top, ett_msturn_active);
    char peer[64];
    address a;
    if (leg.peer.family == 6)
        set_address(&a, AT_IPv6, 16, leg.peer.addr);
    else
        set_address(&a, AT_IPv4, 4, leg.peer.addr);
    address_to_str_buf(&a, peer, sizeof(peer));
    const char *peer_s = leg.peer.family == 6 ? wmem_strdup_printf(pinfo->pool, "[%s]:%u", peer, leg.peer.port)
                                               : wmem_strdup_printf(pinfo->pool, "%s:%u", peer, leg.peer.port);
    proto_item *pi = proto_tree_add_string(mt, hf_msturn_active_destination, tvb, 0, 0, peer_s);
    proto_item_set_generated(pi);
    relay_ctx_t rc;
    relay_ends(pinfo, leg.outbound, &rc);
    rc.peer = leg.peer;
    rc.carrier = "raw datagram, active destination";
    const char *label = dissect_relayed(tvb, pinfo, mt, 0, &rc);
    pi = proto_tree_add_string(mt, hf_msturn_relayed, tvb, 0, -1, label);
    proto_item_set_generated(pi);
    col_add_fstr(pinfo->cinfo, COL_INFO, "Data %s active destination %s [%s]", leg.outbound ? "to" : "from", peer_s,
                 label);
    return (int)len;
}

/* ---- UDP ---------------------------------------------------------------- */

static int
dissect_msturn_datagram(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "MSTURN");
    col_clear(pinfo->cinfo, COL_INFO);
    guint len = tvb_captured_length(tvb);
    const guint8 *buf = tvb_get_ptr(tvb, 0, len);
    if (msturn_starts_mux(buf, len))
        return dissect_msturn_mux(tvb, pinfo, tree);
    int used = dissect_msturn_message(tvb, pinfo, tree, 0, NULL);
    if (used > 0 && (guint)used < len) {
        /* A UDP datagram holds exactly one message: more bytes than its
         * Length field covers are not part of it. */
        proto_item *pi = proto_tree_add_item(tree, hf_msturn_attr_value, tvb, used, -1, ENC_NA);
        msice_expert_format(pinfo, pi, &ei_msturn_trailing_bytes,
                            "%u bytes after the end of the message (its Length field covers %u)",
                            len - (guint)used, (guint)used - MSTURN_HEADER_LEN);
    }
    return (int)len;
}

/* Is this datagram ours? Cheap: a few byte compares. On an MS-TURN port a
 * damaged message is still ours (to flag it); a heuristic on any other
 * port wants the exact shape. */
static gboolean
udp_is_msturn(tvbuff_t *tvb, gboolean strict)
{
    guint len = tvb_captured_length(tvb);
    if (len < MSTURN_MUX_HDR_LEN)
        return FALSE;
    const guint8 *buf = tvb_get_ptr(tvb, 0, len);
    if (strict)
        return msturn_looks_like_msturn_strict(buf, len, tvb_reported_length(tvb)) ||
               msturn_looks_like_mux(buf, len, tvb_reported_length(tvb));
    return msturn_looks_like_msturn(buf, len) || msturn_starts_mux(buf, len);
}

static int
dissect_msturn_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!udp_is_msturn(tvb, FALSE))
        return 0;
    return dissect_msturn_datagram(tvb, pinfo, tree);
}

static msice_bool_t
dissect_msturn_heur_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!udp_is_msturn(tvb, TRUE))
        return FALSE;
    conversation_t *conv = find_or_create_conversation(pinfo);
    conversation_set_dissector(conv, msturn_udp_handle);
    dissect_msturn_datagram(tvb, pinfo, tree);
    return TRUE;
}

int
msturn_dissect_edge_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (udp_is_msturn(tvb, FALSE))
        return call_dissector_only(msturn_udp_handle, tvb, pinfo, tree, data);
    return msturn_dissect_active_data(tvb, pinfo, tree);
}

/* ---- for msturn-tcp.c and msturn-integrity.c ------------------------------- */

int
msturn_dissect_top_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    return dissect_msturn_message(tvb, pinfo, tree, 0, NULL);
}

const char *
msturn_dissect_tcp_relayed(tvbuff_t *payload, packet_info *pinfo, proto_tree *tree, gboolean outbound)
{
    relay_ctx_t rc;
    relay_ends(pinfo, outbound, &rc);
    rc.carrier = "TCP 0x03 frame";
    const char *label = dissect_relayed(payload, pinfo, tree, 0, &rc);
    proto_item *pi = proto_tree_add_string(tree, hf_msturn_relayed, payload, 0, -1, label);
    proto_item_set_generated(pi);
    return label;
}

/* ---- registration ------------------------------------------------------ */

#define ADDR_HF(idx, abbrev, label)                                                              \
    { &hf_addr[idx].family, { label " Family", "msturn.attr." abbrev ".family", FT_UINT8, BASE_HEX, \
          VALS(family_vals), 0x0, NULL, HFILL } },                                               \
    { &hf_addr[idx].port, { label " Port", "msturn.attr." abbrev ".port", FT_UINT16, BASE_DEC,    \
          NULL, 0x0, NULL, HFILL } },                                                            \
    { &hf_addr[idx].ipv4, { label " IPv4", "msturn.attr." abbrev ".ipv4", FT_IPv4, BASE_NONE,     \
          NULL, 0x0, NULL, HFILL } },                                                            \
    { &hf_addr[idx].ipv6, { label " IPv6", "msturn.attr." abbrev ".ipv6", FT_IPv6, BASE_NONE,     \
          NULL, 0x0, NULL, HFILL } }

void
proto_register_msturn(void)
{
    for (unsigned i = 0; i < MSTURN_MS_VERSION_ROWS; i++) {
        ms_version_vals[i].value = msturn_ms_versions[i].version;
        ms_version_vals[i].strptr = msturn_ms_versions[i].meaning;
    }

    static hf_register_info hf[] = {
        { &hf_msturn_type, { "Message Type", "msturn.type", FT_UINT16, BASE_HEX, NULL, 0x0,
              "MS-TURN message type (flat table of [MS-TURN] 2.2.1)", HFILL } },
        { &hf_msturn_method, { "Method", "msturn.method", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_class, { "Class", "msturn.class", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_length, { "Message Length", "msturn.length", FT_UINT16, BASE_DEC, NULL, 0x0,
              "Bytes after the 20-byte header", HFILL } },
        { &hf_msturn_transaction_id, { "Transaction ID", "msturn.transaction_id", FT_BYTES, BASE_NONE, NULL, 0x0,
              "128-bit transaction id (MS-TURN has no RFC 5389 cookie)", HFILL } },
        { &hf_msturn_dialect, { "Layout", "msturn.dialect", FT_STRING, BASE_NONE, NULL, 0x0,
              "Which STUN layout the message uses", HFILL } },
        { &hf_msturn_response_in, { "Response In", "msturn.response_in", FT_FRAMENUM, BASE_NONE,
              FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The response to this request is in this frame", HFILL } },
        { &hf_msturn_response_to, { "Request In", "msturn.response_to", FT_FRAMENUM, BASE_NONE,
              FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "This is a response to the request in this frame", HFILL } },
        { &hf_msturn_time, { "Response Time", "msturn.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
              "Time between the request and this response", HFILL } },
        { &hf_msturn_retransmission_of, { "Retransmission of", "msturn.retransmission_of", FT_FRAMENUM, BASE_NONE,
              FRAMENUM_TYPE(FT_FRAMENUM_DUP_ACK), 0x0, "First copy of this request", HFILL } },
        { &hf_msturn_attributes, { "Attributes", "msturn.attributes", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr, { "Attribute", "msturn.attr", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_type, { "Attribute Type", "msturn.attr.type", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_length, { "Attribute Length", "msturn.attr.length", FT_UINT16, BASE_DEC, NULL, 0x0,
              "Value length (MS-TURN does not pad values)", HFILL } },
        { &hf_msturn_attr_value, { "Value", "msturn.attr.value", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_padding, { "Padding", "msturn.attr.padding", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_username, { "Username", "msturn.attr.username", FT_BYTES, BASE_NONE, NULL, 0x0,
              "Base64-decoded MRAS username (binary)", HFILL } },
        { &hf_msturn_attr_integrity, { "Message Integrity", "msturn.attr.integrity", FT_BYTES, BASE_NONE, NULL, 0x0,
              "HMAC-SHA1 (20 bytes) or HMAC-SHA256 (32 bytes, MS-Version 3 and later)", HFILL } },
        { &hf_msturn_attr_error_code, { "Error Code", "msturn.attr.error_code", FT_UINT16, BASE_DEC, NULL, 0x0,
              "Class * 100 + Number", HFILL } },
        { &hf_msturn_attr_error_class, { "Error Class", "msturn.attr.error.class", FT_UINT8, BASE_DEC, NULL, 0x07,
              NULL, HFILL } },
        { &hf_msturn_attr_error_number, { "Error Number", "msturn.attr.error.number", FT_UINT8, BASE_DEC, NULL, 0x0,
              NULL, HFILL } },
        { &hf_msturn_attr_error_reason, { "Reason Phrase", "msturn.attr.error.reason", FT_STRING, BASE_NONE, NULL, 0x0,
              NULL, HFILL } },
        { &hf_msturn_attr_error_meaning, { "Meaning", "msturn.attr.error.meaning", FT_STRING, BASE_NONE, NULL, 0x0,
              "What the error code means", HFILL } },
        { &hf_msturn_attr_unknown_attribute, { "Unknown Attribute", "msturn.attr.unknown_attribute", FT_UINT16, BASE_HEX,
              NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_lifetime, { "Lifetime", "msturn.attr.lifetime", FT_UINT32, BASE_DEC | BASE_UNIT_STRING,
              &units_second_seconds, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_magic_cookie, { "Magic Cookie", "msturn.attr.magic_cookie", FT_UINT32, BASE_HEX, NULL, 0x0,
              "0x72C64BC6 in every MS-TURN message", HFILL } },
        { &hf_msturn_attr_bandwidth, { "Bandwidth", "msturn.attr.bandwidth", FT_UINT32, BASE_DEC, NULL, 0x0,
              "Peak bandwidth in kbps", HFILL } },
        { &hf_msturn_attr_data, { "Data", "msturn.attr.data", FT_BYTES, BASE_NONE, NULL, 0x0,
              "Relayed bytes", HFILL } },
        { &hf_msturn_attr_nonce, { "Nonce", "msturn.attr.nonce", FT_BYTES, BASE_NONE, NULL, 0x0,
              "Attribute 0x0014 (RFC 5389 calls this code REALM)", HFILL } },
        { &hf_msturn_attr_realm, { "Realm", "msturn.attr.realm", FT_STRING, BASE_NONE, NULL, 0x0,
              "Attribute 0x0015 (RFC 5389 calls this code NONCE); the quotes are part of the value", HFILL } },
        { &hf_msturn_attr_requested_family, { "Requested Address Family", "msturn.attr.requested_family", FT_UINT8,
              BASE_HEX, VALS(family_vals), 0x0, NULL, HFILL } },
        { &hf_msturn_attr_ms_version, { "MS-Version", "msturn.attr.ms_version", FT_UINT32, BASE_DEC,
              VALS(ms_version_vals), 0x0, NULL, HFILL } },
        { &hf_msturn_attr_software, { "Software", "msturn.attr.software", FT_STRING, BASE_NONE, NULL, 0x0,
              "Attribute 0x8022 sent by Edges (meaning not in the MS-TURN spec)", HFILL } },
        { &hf_msturn_attr_alt_host_name, { "Alternate Host Name", "msturn.attr.alt_host_name", FT_STRING, BASE_NONE,
              NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_app_id, { "App ID", "msturn.attr.app_id", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_secure_tag, { "Secure Tag", "msturn.attr.secure_tag", FT_BYTES, BASE_NONE, NULL, 0x0,
              NULL, HFILL } },
        { &hf_msturn_attr_ms_sequence_connection_id, { "Connection ID", "msturn.attr.ms_sequence.connection_id",
              FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_ms_sequence_number, { "Sequence Number", "msturn.attr.ms_sequence.number", FT_UINT32,
              BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_service_quality_stream_type, { "Stream Type", "msturn.attr.service_quality.stream_type",
              FT_UINT16, BASE_DEC, VALS(stream_type_vals), 0x0, NULL, HFILL } },
        { &hf_msturn_attr_service_quality_quality, { "Service Quality", "msturn.attr.service_quality.quality",
              FT_UINT16, BASE_DEC, VALS(service_quality_vals), 0x0, NULL, HFILL } },
        { &hf_msturn_attr_mux_session_id, { "Multiplexed TURN Session ID", "msturn.attr.mux_session_id", FT_UINT64,
              BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_bwm_message_type, { "Admission Control Message", "msturn.attr.bwm.message_type", FT_UINT16,
              BASE_DEC, VALS(bwm_message_type_vals), 0x0, NULL, HFILL } },
        { &hf_msturn_attr_bwm_reservation_id, { "Reservation ID", "msturn.attr.bwm.reservation_id", FT_BYTES,
              BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_bwm_amount_min_send, { "Minimum Send Bandwidth", "msturn.attr.bwm.amount.min_send",
              FT_UINT32, BASE_DEC, NULL, 0x0, "kbps", HFILL } },
        { &hf_msturn_attr_bwm_amount_max_send, { "Maximum Send Bandwidth", "msturn.attr.bwm.amount.max_send",
              FT_UINT32, BASE_DEC, NULL, 0x0, "kbps", HFILL } },
        { &hf_msturn_attr_bwm_amount_min_recv, { "Minimum Receive Bandwidth", "msturn.attr.bwm.amount.min_recv",
              FT_UINT32, BASE_DEC, NULL, 0x0, "kbps", HFILL } },
        { &hf_msturn_attr_bwm_amount_max_recv, { "Maximum Receive Bandwidth", "msturn.attr.bwm.amount.max_recv",
              FT_UINT32, BASE_DEC, NULL, 0x0, "kbps", HFILL } },
        { &hf_msturn_attr_bwm_valid, { "Valid", "msturn.attr.bwm.valid", FT_BOOLEAN, 32, TFS(&tfs_yes_no),
              MSTURN_BWM_VALID_FLAG, "The path passed the bandwidth policy check", HFILL } },
        { &hf_msturn_attr_bwm_pstn_failover, { "PSTN Failover", "msturn.attr.bwm.pstn_failover", FT_BOOLEAN, 32,
              TFS(&tfs_yes_no), MSTURN_BWM_FAILOVER_FLAG, "The client may re-route the call over the PSTN", HFILL } },
        { &hf_msturn_attr_bwm_max_send, { "Maximum Send Bandwidth", "msturn.attr.bwm.max_send", FT_UINT32, BASE_DEC,
              NULL, 0x0, "kbps granted", HFILL } },
        { &hf_msturn_attr_bwm_max_recv, { "Maximum Receive Bandwidth", "msturn.attr.bwm.max_recv", FT_UINT32,
              BASE_DEC, NULL, 0x0, "kbps granted", HFILL } },
        { &hf_msturn_attr_bwm_sip_dialog_id, { "SIP Dialog ID", "msturn.attr.bwm.sip_dialog_id", FT_STRING, BASE_NONE,
              NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_bwm_sip_call_id, { "SIP Call ID", "msturn.attr.bwm.sip_call_id", FT_STRING, BASE_NONE,
              NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_bwm_location_peer, { "Peer Location", "msturn.attr.bwm.location.peer", FT_UINT8, BASE_DEC,
              VALS(location_vals), 0x0, NULL, HFILL } },
        { &hf_msturn_attr_bwm_location_self, { "Self Location", "msturn.attr.bwm.location.self", FT_UINT8, BASE_DEC,
              VALS(location_vals), 0x0, NULL, HFILL } },
        { &hf_msturn_attr_bwm_location_federation, { "Federation", "msturn.attr.bwm.location.federation", FT_UINT8,
              BASE_DEC, VALS(federation_vals), 0x0, NULL, HFILL } },
        { &hf_msturn_attr_ice_priority, { "Priority", "msturn.attr.ice.priority", FT_UINT32, BASE_DEC, NULL, 0x0,
              NULL, HFILL } },
        { &hf_msturn_attr_ice_use_candidate, { "Use Candidate", "msturn.attr.ice.use_candidate", FT_NONE, BASE_NONE,
              NULL, 0x0, "The controlling agent nominates this pair", HFILL } },
        { &hf_msturn_attr_ice_fingerprint, { "Fingerprint", "msturn.attr.ice.fingerprint", FT_UINT32, BASE_HEX, NULL,
              0x0, NULL, HFILL } },
        { &hf_msturn_attr_ice_controlled, { "ICE-Controlled Tie-breaker", "msturn.attr.ice.controlled", FT_UINT64,
              BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_ice_controlling, { "ICE-Controlling Tie-breaker", "msturn.attr.ice.controlling", FT_UINT64,
              BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_attr_ice_candidate_id, { "Candidate Identifier", "msturn.attr.ice.candidate_id", FT_STRINGZPAD,
              BASE_NONE, NULL, 0x0, "Foundation of the local candidate", HFILL } },
        { &hf_msturn_attr_ice_impl_version, { "Implementation Version", "msturn.attr.ice.impl_version", FT_UINT32,
              BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_relayed, { "Relayed Payload", "msturn.relayed", FT_STRING, BASE_NONE, NULL, 0x0,
              "What the relayed bytes are", HFILL } },
        { &hf_msturn_active_destination, { "Active Destination", "msturn.active_destination", FT_STRING, BASE_NONE,
              NULL, 0x0, "Data sent raw after Set Active Destination: the peer it goes to or comes from", HFILL } },
        { &hf_msturn_mux_channel, { "Channel", "msturn.mux.channel", FT_UINT16, BASE_HEX, NULL, 0x0,
              "0xFF10 = multiplexed TURN", HFILL } },
        { &hf_msturn_mux_length, { "Length", "msturn.mux.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_mux_session_id, { "Session ID", "msturn.mux.session_id", FT_UINT64, BASE_HEX, NULL, 0x0,
              "Matches MULTIPLEXED-TURN-SESSION-ID of the allocation", HFILL } },
        { &hf_msturn_mux_allocation, { "Allocated In", "msturn.mux.allocation_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
              "Allocate response that created this session", HFILL } },
        ADDR_HF(ADDR_MAPPED, "mapped", "Mapped Address"),
        ADDR_HF(ADDR_ALTERNATE, "alternate", "Alternate Server"),
        ADDR_HF(ADDR_DESTINATION, "destination", "Destination Address"),
        ADDR_HF(ADDR_REMOTE, "remote", "Remote Address"),
        ADDR_HF(ADDR_XOR_MAPPED, "xor_mapped", "XOR Mapped Address"),
        ADDR_HF(ADDR_ALT_MAPPED, "alt_mapped", "Alternate Mapped Address"),
        ADDR_HF(ADDR_BWM_REMOTE_SITE, "bwm.remote_site", "Remote Site Address"),
        ADDR_HF(ADDR_BWM_REMOTE_RELAY_SITE, "bwm.remote_relay_site", "Remote Relay Site Address"),
        ADDR_HF(ADDR_BWM_LOCAL_SITE, "bwm.local_site", "Local Site Address"),
        ADDR_HF(ADDR_BWM_LOCAL_RELAY_SITE, "bwm.local_relay_site", "Local Relay Site Address"),
        ADDR_HF(ADDR_ICE_XOR_MAPPED, "ice.xor_mapped", "ICE XOR Mapped Address"),
    };

    static gint *ett[] = {
        &ett_msturn, &ett_msturn_attributes, &ett_msturn_attr, &ett_msturn_relayed,
        &ett_msturn_mux,
        &ett_msturn_active,
    };

    static ei_register_info ei[] = {
        { &ei_msturn_truncated, { "msturn.expert.truncated", PI_MALFORMED, PI_ERROR,
              "Message truncated", EXPFILL } },
        { &ei_msturn_attr_overrun, { "msturn.expert.attr_overrun", PI_MALFORMED, PI_ERROR,
              "Attribute length runs past the end of the message", EXPFILL } },
        { &ei_msturn_trailing_bytes, { "msturn.expert.trailing_bytes", PI_MALFORMED, PI_WARN,
              "Bytes after the last attribute", EXPFILL } },
        { &ei_msturn_too_many_attrs, { "msturn.expert.too_many_attrs", PI_MALFORMED, PI_WARN,
              "Too many attributes: the rest is not decoded", EXPFILL } },
        { &ei_msturn_bad_length, { "msturn.expert.bad_length", PI_MALFORMED, PI_ERROR,
              "Attribute value has an invalid length", EXPFILL } },
        { &ei_msturn_bad_family, { "msturn.expert.bad_family", PI_PROTOCOL, PI_WARN,
              "Address family is neither IPv4 nor IPv6: receivers ignore this attribute", EXPFILL } },
        { &ei_msturn_bad_cookie, { "msturn.expert.bad_cookie", PI_PROTOCOL, PI_WARN,
              "MAGIC-COOKIE value is not 0x72C64BC6: the Edge ignores this message", EXPFILL } },
        { &ei_msturn_unknown_required, { "msturn.expert.unknown_required", PI_PROTOCOL, PI_WARN,
              "Unknown comprehension-required attribute", EXPFILL } },
        { &ei_msturn_missing_attr, { "msturn.expert.missing_attr", PI_PROTOCOL, PI_WARN,
              "Mandatory attribute missing", EXPFILL } },
        { &ei_msturn_auth_challenge, { "msturn.expert.auth_challenge", PI_RESPONSE_CODE, PI_CHAT,
              "401 digest challenge: normal first step, the client retries with MRAS credentials", EXPFILL } },
        { &ei_msturn_error_response, { "msturn.expert.error_response", PI_RESPONSE_CODE, PI_WARN,
              "Error response", EXPFILL } },
        { &ei_msturn_auth_rejected, { "msturn.expert.auth_rejected", PI_RESPONSE_CODE, PI_WARN,
              "401 Unauthorized although the request carried credentials", EXPFILL } },
        { &ei_msturn_no_response, { "msturn.expert.no_response", PI_SEQUENCE, PI_WARN,
              "Request never answered", EXPFILL } },
        { &ei_msturn_retransmission, { "msturn.expert.retransmission", PI_SEQUENCE, PI_NOTE,
              "Retransmitted request", EXPFILL } },
        { &ei_msturn_mux_unknown_session, { "msturn.expert.mux_unknown_session", PI_SEQUENCE, PI_NOTE,
              "Multiplexed TURN session id not seen in any Allocate response of this capture", EXPFILL } },
        { &ei_msturn_too_short, { "msturn.expert.too_short", PI_MALFORMED, PI_ERROR,
              "Shorter than a STUN header", EXPFILL } },
        { &ei_msturn_value_clipped, { "msturn.expert.value_clipped", PI_MALFORMED, PI_ERROR,
              "Attribute value cut off by the end of the message", EXPFILL } },
        { &ei_msturn_mux_bad_length, { "msturn.expert.mux_bad_length", PI_MALFORMED, PI_ERROR,
              "Multiplexed TURN Length cannot hold the 8-byte session id", EXPFILL } },
    };

    proto_msturn = proto_register_protocol("Microsoft TURN (MS-TURN)", "MSTURN", "msturn");
    proto_register_field_array(proto_msturn, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto_msturn);
    expert_register_field_array(em, ei, array_length(ei));

    msturn_udp_handle = register_dissector("msturn.udp", dissect_msturn_udp, proto_msturn);
    module_t *mod = prefs_register_protocol(proto_msturn, proto_reg_handoff_msturn);
    msturn_tcp_register(proto_msturn, mod);
    msturn_integrity_register(proto_msturn, mod);

    register_init_routine(msturn_init);
}

void
proto_reg_handoff_msturn(void)
{
    static gboolean initialized = FALSE;

    if (!initialized) {
        stun_udp_handle = find_dissector_add_dependency("stun-udp", proto_msturn);
        rtp_handle = find_dissector_add_dependency("rtp", proto_msturn);
        rtcp_handle = find_dissector_add_dependency("rtcp", proto_msturn);
        data_handle = find_dissector("data");
        dissector_add_for_decode_as("udp.port", msturn_udp_handle);
        heur_dissector_add("udp", dissect_msturn_heur_udp, "MS-TURN over UDP", "msturn_udp", proto_msturn,
                           HEURISTIC_ENABLE);
        initialized = TRUE;
    }
    msturn_tcp_handoff();
    msturn_integrity_apply_prefs();
}
