/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msturn-tcp.c - MS-TURN over TCP: the 4-byte framing of TURN control
 * messages and end-to-end data ([MS-TURN] 2.1.4), the pseudo-TLS handshake
 * on TCP 443 (2.1.1), and the port takeover of the Edge's UDP and TCP ports
 * (anything there that is not MS-TURN goes back to the dissector that had
 * the port). The framing itself is read by core/msturn.c
 * (msturn_tcp_pdu_len, msturn_tcp_starts); messages are dissected by
 * packet-msturn.c.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/dissectors/packet-tcp.h>

#include "msturn-int.h"
#include "core/msturn.h"

/* ---- ids --------------------------------------------------------------- */

static int proto_msturn = -1;   /* handed to msturn_tcp_register() */

static int hf_msturn_tcp_frame_type = -1;
static int hf_msturn_tcp_frame_reserved = -1;
static int hf_msturn_tcp_frame_length = -1;
static int hf_msturn_tcp_rfc4571_length = -1;
static int hf_msturn_tcp_data = -1;
static int hf_msturn_pseudo_tls = -1;
static int hf_msturn_pseudo_tls_handshake_type = -1;
static int hf_msturn_pseudo_tls_random = -1;
static int hf_msturn_pseudo_tls_session_id = -1;
static int hf_msturn_pseudo_tls_cipher_suite = -1;

static gint ett_msturn_tcp = -1;
static gint ett_msturn_tcp_data = -1;

static expert_field ei_msturn_tcp_bad_frame = EI_INIT;

static dissector_handle_t msturn_tcp_handle;
static dissector_handle_t udp_port_entry_handle;  /* what the port tables hold */
static dissector_handle_t tcp_port_entry_handle;
static dissector_handle_t data_handle;

/* ---- preferences ------------------------------------------------------- */

#define MSTURN_DEFAULT_UDP_PORTS "3478"
#define MSTURN_DEFAULT_TCP_PORTS "443,3478"
static range_t *pref_udp_ports;
static range_t *pref_tcp_ports;
static msice_bool_t pref_desegment = TRUE;

/* Ports we took over and the handle that had them before (restored when the
 * preference drops the port, called for anything that is not MS-TURN). */
typedef struct {
    const char *table;
    GHashTable *previous;  /* port -> dissector_handle_t (or NULL) */
    range_t    *applied;
} port_takeover_t;
static port_takeover_t udp_takeover = { "udp.port", NULL, NULL };
static port_takeover_t tcp_takeover = { "tcp.port", NULL, NULL };

/* Per TCP conversation: set once it is known to carry MS-TURN.
 * Scope: wmem_file_scope(). */
typedef struct {
    guint32 first_frame;
    address client;       /* who opened the stream (sent the first PDU) */
    guint32 client_port;
} msturn_tcp_conv_t;

/* ---- value strings ----------------------------------------------------- */

static const value_string tcp_frame_type_vals[] = {
    { MSTURN_TCP_FRAME_CONTROL, "TURN control message" },
    { MSTURN_TCP_FRAME_DATA,    "End-to-end data" },
    { 0, NULL }
};

static const value_string pseudo_tls_handshake_vals[] = {
    { 1, "ClientHello" },
    { 2, "ServerHello" },
    { 0, NULL }
};

static dissector_handle_t
previous_handle(port_takeover_t *t, guint32 port)
{
    if (!t->previous)
        return NULL;
    return (dissector_handle_t)g_hash_table_lookup(t->previous, GUINT_TO_POINTER(port));
}

/* ---- TCP framing ([MS-TURN] 2.1.4) and pseudo-TLS (2.1.1) ----------------- */

static guint
get_msturn_tcp_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    guint avail = tvb_captured_length_remaining(tvb, offset);
    msturn_tcp_pdu_t kind;
    guint32 n = msturn_tcp_pdu_len(tvb_get_ptr(tvb, offset, MIN(avail, 5)), MIN(avail, 5), &kind);
    if (kind == MSTURN_PDU_PSEUDO_TLS && n == 0)
        return 0; /* need the 5th byte */
    if (kind == MSTURN_PDU_UNKNOWN)
        return tvb_reported_length_remaining(tvb, offset); /* not framed: consume the rest */
    return n;
}

/* Adds @hf over @sp when the record has it. */
static void
add_span(proto_tree *tree, int hf, tvbuff_t *tvb, msturn_span_t sp, guint encoding)
{
    if (sp.length)
        proto_tree_add_item(tree, hf, tvb, (gint)sp.offset, (gint)sp.length, encoding);
}

static void
dissect_pseudo_tls(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    guint len = tvb_captured_length(tvb);
    msturn_pseudo_tls_t ptls;
    msturn_parse_pseudo_tls(len ? tvb_get_ptr(tvb, 0, len) : NULL, len, &ptls);
    const char *what = val_to_str_const(ptls.handshake_type, pseudo_tls_handshake_vals, "record");
    proto_item *top = proto_tree_add_item(tree, proto_msturn, tvb, 0, -1, ENC_NA);
    proto_item_append_text(top, ", Pseudo-TLS %s", what);
    proto_tree *mt = proto_item_add_subtree(top, ett_msturn_tcp);
    proto_tree_add_item(mt, hf_msturn_pseudo_tls, tvb, 0, -1, ENC_NA);
    add_span(mt, hf_msturn_pseudo_tls_handshake_type, tvb, ptls.handshake, ENC_BIG_ENDIAN);
    add_span(mt, hf_msturn_pseudo_tls_random, tvb, ptls.random, ENC_NA);
    add_span(mt, hf_msturn_pseudo_tls_session_id, tvb, ptls.session_id, ENC_NA);
    add_span(mt, hf_msturn_pseudo_tls_cipher_suite, tvb, ptls.cipher_suite, ENC_BIG_ENDIAN);
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "Pseudo-TLS %s", what);
}

static int
dissect_msturn_tcp_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    guint len = tvb_captured_length(tvb);
    msturn_tcp_pdu_t kind;
    guint32 plen = msturn_tcp_pdu_len(tvb_get_ptr(tvb, 0, MIN(len, 5)), MIN(len, 5), &kind);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "MSTURN");
    switch (kind) {
    case MSTURN_PDU_PSEUDO_TLS:
        dissect_pseudo_tls(tvb, pinfo, tree);
        break;
    case MSTURN_PDU_BARE_STUN:
        msturn_dissect_top_message(tvb, pinfo, tree);
        break;
    case MSTURN_PDU_FRAMED_CONTROL:
    case MSTURN_PDU_FRAMED_DATA: {
        proto_item *fi = NULL;
        proto_tree *ft = proto_tree_add_subtree_format(tree, tvb, 0, 4, ett_msturn_tcp, &fi,
                                                       "MS-TURN TCP framing: %s, %u bytes",
                                                       val_to_str_const(msice_tvb_get_u8(tvb, 0), tcp_frame_type_vals, "?"),
                                                       plen - 4);
        proto_tree_add_item(ft, hf_msturn_tcp_frame_type, tvb, 0, 1, ENC_BIG_ENDIAN);
        proto_tree_add_item(ft, hf_msturn_tcp_frame_reserved, tvb, 1, 1, ENC_BIG_ENDIAN);
        proto_tree_add_item(ft, hf_msturn_tcp_frame_length, tvb, 2, 2, ENC_BIG_ENDIAN);
        if (len <= 4)
            break;
        tvbuff_t *body = tvb_new_subset_remaining(tvb, 4);
        if (kind == MSTURN_PDU_FRAMED_CONTROL) {
            if (msturn_dissect_top_message(body, pinfo, tree) == 0)
                msice_expert_format(pinfo, fi, &ei_msturn_tcp_bad_frame,
                                    "TURN control frame does not hold a STUN/MS-TURN message");
            break;
        }
        /* End-to-end data: usually RFC 4571 framed (2-byte length). */
        guint blen = tvb_captured_length(body);
        proto_item *top = proto_tree_add_item(tree, proto_msturn, body, 0, -1, ENC_NA);
        proto_item_append_text(top, ", End-to-end data");
        proto_tree *dt = proto_item_add_subtree(top, ett_msturn_tcp_data);
        tvbuff_t *payload = body;
        if (msturn_rfc4571_whole(blen ? tvb_get_ptr(body, 0, blen) : NULL, blen)) {
            proto_tree_add_item(dt, hf_msturn_tcp_rfc4571_length, body, 0, 2, ENC_BIG_ENDIAN);
            payload = tvb_new_subset_remaining(body, 2);
        }
        proto_tree_add_item(dt, hf_msturn_tcp_data, payload, 0, -1, ENC_NA);
        conversation_t *conv = find_conversation_pinfo(pinfo, 0);
        msturn_tcp_conv_t *tc = conv ? (msturn_tcp_conv_t *)conversation_get_proto_data(conv, proto_msturn) : NULL;
        gboolean outbound = !tc || (addresses_equal(&tc->client, &pinfo->src) && tc->client_port == pinfo->srcport);
        const char *label = msturn_dissect_tcp_relayed(payload, pinfo, dt, outbound);
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "End-to-end data [%s]", label);
        break;
    }
    case MSTURN_PDU_UNKNOWN:
    default: {
        proto_item *top = proto_tree_add_item(tree, proto_msturn, tvb, 0, -1, ENC_NA);
        msice_expert_format(pinfo, top, &ei_msturn_tcp_bad_frame,
                            "Unknown MS-TURN TCP framing type 0x%02x: not a TURN control (0x02) or data (0x03) frame",
                            len ? msice_tvb_get_u8(tvb, 0) : 0);
        call_dissector(data_handle, tvb, pinfo, tree);
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "[unknown framing]");
        break;
    }
    }
    return (int)len;
}

/* Does this TCP payload start an MS-TURN stream? (first segment seen) */
static gboolean
tcp_starts_msturn(tvbuff_t *tvb)
{
    guint len = tvb_captured_length(tvb);
    const guint8 *buf = len ? tvb_get_ptr(tvb, 0, len) : NULL;
    return msturn_tcp_starts(buf, len, tvb_reported_length(tvb)) != MSTURN_TCP_START_NO;
}

static int
dissect_msturn_tcp_stream(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "MSTURN");
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, pref_desegment, 4, get_msturn_tcp_pdu_len, dissect_msturn_tcp_pdu, data);
    return tvb_captured_length(tvb);
}

static void
claim_tcp_conversation(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    if (!conversation_get_proto_data(conv, proto_msturn)) {
        msturn_tcp_conv_t *c = wmem_new0(wmem_file_scope(), msturn_tcp_conv_t);
        c->first_frame = pinfo->num;
        /* The client is the first sender, unless that packet comes from an
         * Edge port to another port (a capture that starts mid-stream). */
        gboolean from_edge = value_is_in_range(pref_tcp_ports, pinfo->srcport) &&
                             !value_is_in_range(pref_tcp_ports, pinfo->destport);
        copy_address_wmem(wmem_file_scope(), &c->client, from_edge ? &pinfo->dst : &pinfo->src);
        c->client_port = from_edge ? pinfo->destport : pinfo->srcport;
        conversation_add_proto_data(conv, proto_msturn, c);
    }
    conversation_set_dissector(conv, msturn_tcp_handle);
}

/* The stream is MS-TURN: by its first bytes, by Decode As, or because the
 * conversation was claimed before. */
static int
dissect_msturn_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    claim_tcp_conversation(pinfo);
    return dissect_msturn_tcp_stream(tvb, pinfo, tree, data);
}

static msice_bool_t
dissect_msturn_heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint len = tvb_captured_length(tvb);
    if (len < 4)
        return FALSE;
    const guint8 *buf = tvb_get_ptr(tvb, 0, len);
    if (!msturn_looks_like_pseudo_tls_hello(buf, len) && !msturn_looks_like_framed(buf, len))
        return FALSE;
    claim_tcp_conversation(pinfo);
    dissect_msturn_tcp_stream(tvb, pinfo, tree, data);
    return TRUE;
}

/*
 * Port-table entries. Handles without a protocol, so that a port stays with
 * its previous owner (STUN, TLS) when msturn is disabled, instead of going
 * dead with the disabled dissector.
 */
static gboolean
msturn_enabled(void)
{
    return proto_is_protocol_enabled(find_protocol_by_id(proto_msturn));
}

static int
dissect_udp_port_entry(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (msturn_enabled()) {
        /* MS-TURN, or media and checks to/from the active destination, sent raw. */
        int used = msturn_dissect_edge_udp(tvb, pinfo, tree, data);
        if (used > 0)
            return used;
    }
    /* Not MS-TURN: give it to whoever had this port (STUN on 3478). */
    dissector_handle_t prev = previous_handle(&udp_takeover, pinfo->match_uint);
    return prev ? call_dissector_only(prev, tvb, pinfo, tree, data) : 0;
}

static int
dissect_tcp_port_entry(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    /* Each dissector layer uses up one level of TCP's can_desegment: give
     * the next one what TCP gave this entry. */
    pinfo->can_desegment = pinfo->saved_can_desegment;
    if (msturn_enabled()) {
        conversation_t *conv = find_conversation_pinfo(pinfo, 0);
        if ((conv && conversation_get_proto_data(conv, proto_msturn)) || tcp_starts_msturn(tvb))
            return call_dissector_only(msturn_tcp_handle, tvb, pinfo, tree, data);
    }
    /* Not MS-TURN: hand back to TLS (443) or STUN (3478), as if TCP had
     * called it directly. */
    dissector_handle_t prev = previous_handle(&tcp_takeover, pinfo->match_uint);
    return prev ? call_dissector_only(prev, tvb, pinfo, tree, data) : 0;
}

/* ---- port takeover (preferences) --------------------------------------- */

static void
release_ports(port_takeover_t *t, dissector_handle_t ours)
{
    if (!t->applied)
        return;
    for (guint i = 0; i < t->applied->nranges; i++) {
        for (guint32 p = t->applied->ranges[i].low; p <= t->applied->ranges[i].high && p <= 65535; p++) {
            dissector_handle_t prev = previous_handle(t, p);
            if (prev)
                dissector_add_uint(t->table, p, prev);
            else
                dissector_delete_uint(t->table, p, ours);
        }
    }
    g_hash_table_remove_all(t->previous);
    wmem_free(wmem_epan_scope(), t->applied);
    t->applied = NULL;
}

static void
take_ports(port_takeover_t *t, range_t *ports, dissector_handle_t ours)
{
    if (!t->previous)
        t->previous = g_hash_table_new(g_direct_hash, g_direct_equal);
    release_ports(t, ours);
    t->applied = range_copy(wmem_epan_scope(), ports);
    for (guint i = 0; i < ports->nranges; i++) {
        for (guint32 p = ports->ranges[i].low; p <= ports->ranges[i].high && p <= 65535; p++) {
            dissector_handle_t prev = dissector_get_uint_handle(find_dissector_table(t->table), p);
            if (prev && prev != ours)
                g_hash_table_insert(t->previous, GUINT_TO_POINTER(p), prev);
            dissector_add_uint(t->table, p, ours);
        }
    }
}

/* ---- registration ------------------------------------------------------ */

void
msturn_tcp_register(int proto, module_t *prefs)
{
    static hf_register_info hf[] = {
        { &hf_msturn_tcp_frame_type, { "Frame Type", "msturn.tcp.frame_type", FT_UINT8, BASE_HEX,
              VALS(tcp_frame_type_vals), 0x0, NULL, HFILL } },
        { &hf_msturn_tcp_frame_reserved, { "Reserved", "msturn.tcp.frame_reserved", FT_UINT8, BASE_HEX, NULL, 0x0,
              NULL, HFILL } },
        { &hf_msturn_tcp_frame_length, { "Frame Length", "msturn.tcp.frame_length", FT_UINT16, BASE_DEC, NULL, 0x0,
              NULL, HFILL } },
        { &hf_msturn_tcp_rfc4571_length, { "RFC 4571 Length", "msturn.tcp.rfc4571_length", FT_UINT16, BASE_DEC, NULL,
              0x0, NULL, HFILL } },
        { &hf_msturn_tcp_data, { "End-to-end Data", "msturn.tcp.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_msturn_pseudo_tls, { "Pseudo-TLS Record", "msturn.pseudo_tls", FT_BYTES, BASE_NONE, NULL, 0x0,
              "Fake TLS handshake before MS-TURN on TCP 443 ([MS-TURN] 2.1.1)", HFILL } },
        { &hf_msturn_pseudo_tls_handshake_type, { "Handshake Type", "msturn.pseudo_tls.handshake_type", FT_UINT8,
              BASE_DEC, VALS(pseudo_tls_handshake_vals), 0x0, NULL, HFILL } },
        { &hf_msturn_pseudo_tls_random, { "Random", "msturn.pseudo_tls.random", FT_BYTES, BASE_NONE, NULL, 0x0, NULL,
              HFILL } },
        { &hf_msturn_pseudo_tls_session_id, { "Session ID", "msturn.pseudo_tls.session_id", FT_BYTES, BASE_NONE, NULL,
              0x0, NULL, HFILL } },
        { &hf_msturn_pseudo_tls_cipher_suite, { "Cipher Suite", "msturn.pseudo_tls.cipher_suite", FT_UINT16, BASE_HEX,
              NULL, 0x0, NULL, HFILL } },
    };
    static gint *ett[] = {
        &ett_msturn_tcp,
        &ett_msturn_tcp_data,
    };
    static ei_register_info ei[] = {
        { &ei_msturn_tcp_bad_frame, { "msturn.expert.tcp_bad_frame", PI_MALFORMED, PI_ERROR,
              "Not an MS-TURN TCP frame", EXPFILL } },
    };

    proto_msturn = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));

    msturn_tcp_handle = register_dissector("msturn.tcp", dissect_msturn_tcp, proto);
    /* No protocol on purpose (see dissect_udp_port_entry); named and
     * described because port tables list their handles in Decode As. */
    udp_port_entry_handle = create_dissector_handle_with_name_and_description(
        dissect_udp_port_entry, -1, "msturn.udp_port", "MS-TURN, else the port's previous dissector");
    tcp_port_entry_handle = create_dissector_handle_with_name_and_description(
        dissect_tcp_port_entry, -1, "msturn.tcp_port", "MS-TURN, else the port's previous dissector");

    range_convert_str(wmem_epan_scope(), &pref_udp_ports, MSTURN_DEFAULT_UDP_PORTS, 65535);
    range_convert_str(wmem_epan_scope(), &pref_tcp_ports, MSTURN_DEFAULT_TCP_PORTS, 65535);
    prefs_register_range_preference(prefs, "udp.ports", "UDP ports",
                                    "UDP ports of A/V Edges (MS-TURN); anything there that is not MS-TURN "
                                    "goes to the dissector that had the port (STUN on 3478)",
                                    &pref_udp_ports, 65535);
    prefs_register_range_preference(prefs, "tcp.ports", "TCP ports",
                                    "TCP ports of A/V Edges (MS-TURN, 4-byte framing, pseudo-TLS on 443); "
                                    "streams that are not MS-TURN go to the dissector that had the port "
                                    "(TLS on 443, STUN on 3478)",
                                    &pref_tcp_ports, 65535);
    prefs_register_bool_preference(prefs, "desegment", "Reassemble MS-TURN messages spanning TCP segments",
                                   "Needs TCP's \"Allow subdissectors to reassemble TCP streams\"",
                                   &pref_desegment);
}

void
msturn_tcp_handoff(void)
{
    static gboolean initialized = FALSE;

    if (!initialized) {
        data_handle = find_dissector("data");
        dissector_add_for_decode_as("tcp.port", msturn_tcp_handle);
        heur_dissector_add("tcp", dissect_msturn_heur_tcp, "MS-TURN over TCP", "msturn_tcp", proto_msturn,
                           HEURISTIC_ENABLE);
        initialized = TRUE;
    }
    take_ports(&udp_takeover, pref_udp_ports, udp_port_entry_handle);
    take_ports(&tcp_takeover, pref_tcp_ports, tcp_port_entry_handle);
}
