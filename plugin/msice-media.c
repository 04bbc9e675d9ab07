/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-media.c - ICE checks and media between the endpoints, outside
 * MS-TURN: UDP on the candidate addresses an SDP offered (and conversations
 * found by an MS-ICE2 check), ICE over TCP (RFC 4571 framing, RFC 6544,
 * [MS-ICE2] 3.1.4.8.1.3), and ICMP destination unreachable errors about
 * them. Checks go to Wireshark's STUN dissector, media to RTP/RTCP, and
 * both to the call model (msice-model.h).
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/ipproto.h>
#include <epan/dissectors/packet-tcp.h>

#include "msice-int.h"
#include "msice-model.h"
#include "core/icecall.h"
#include "core/icmpquote.h"
#include "core/msturn.h"

/* ---- ids --------------------------------------------------------------- */

static int proto_msice = -1;   /* handed to msice_media_register() */

static int hf_msice_rfc4571_length = -1;

static gint ett_msice_tcp = -1;

static dissector_handle_t media_handle;   /* conversations on candidate addresses */
static dissector_handle_t ice_tcp_handle; /* ICE over TCP between the endpoints (RFC 4571 framing) */

/* ---- UDP on candidate addresses ------------------------------------------ */

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
void
msice_media_claim(packet_info *pinfo, const char *call_id)
{
    icecall_model_t *model = msice_model();
    if (!model)
        return;
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
    icecall_leg_t leg;
    memset(&leg, 0, sizeof(leg));
    address_to_icecall(&leg.src, &pinfo->net_src, (guint16)pinfo->srcport);
    address_to_icecall(&leg.dst, &pinfo->net_dst, (guint16)pinfo->destport);
    if (!PINFO_FD_VISITED(pinfo))
        msice_leg_dscp(pinfo, &leg);
    msice_model_packet(pinfo, tree, &leg, kind, buf, len, NULL, fi);
    msturn_hand_payload(kind, tvb, pinfo, tree);
    if (fi && fi->valid) {
        msice_show_path(tvb, pinfo, tree, fi);
        msice_queue_path(pinfo, fi, "connectivity check", "direct");
    }
    return (int)len;
}

/* The conversation goes to @handle when @buf is an MS-ICE2 check (the heuristics). */
static gboolean
claim_if_ice2_check(const guint8 *buf, guint len, packet_info *pinfo, dissector_handle_t handle)
{
    if (!msturn_is_ice2_check(buf, len, NULL))
        return FALSE;
    conversation_set_dissector(find_or_create_conversation(pinfo), handle);
    return TRUE;
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
    if (len < MSTURN_HEADER_LEN + 8 || !msice_model())
        return FALSE;
    if (!claim_if_ice2_check(tvb_get_ptr(tvb, 0, len), len, pinfo, media_handle))
        return FALSE;
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

/* The UDP datagram an ICMP destination unreachable error quotes: read by
 * core/icmpquote.c; what its payload is, by core/msturn.c. */
static gboolean
icmp_quoted_udp(tvbuff_t *tvb, gboolean v6, icecall_unreach_t *u)
{
    guint len = tvb_captured_length(tvb);
    const guint8 *b = len ? tvb_get_ptr(tvb, 0, len) : NULL;
    icmpquote_t q;
    icmpquote_status_t st = icmpquote_parse(b, len, v6, &q);
    u->v6 = v6;
    u->type = q.type;
    u->code = q.code;
    if (st != ICMPQUOTE_OK)
        return FALSE;   /* not about a UDP datagram msice could follow (Wireshark's ICMP flags malformed ones) */
    u->quoted_src.family = u->quoted_dst.family = q.family;
    memcpy(u->quoted_src.addr, q.src, q.family == 6 ? 16 : 4);
    memcpy(u->quoted_dst.addr, q.dst, q.family == 6 ? 16 : 4);
    u->quoted_src.port = q.src_port;
    u->quoted_dst.port = q.dst_port;
    if (q.payload.length == 0) {
        u->quoted = ICECALL_QUOTED_UNKNOWN;
    } else {
        msturn_payload_t kind = msturn_classify_payload(b + q.payload.offset, q.payload.length);
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
    if (in_error || !msice_model() || !proto_is_protocol_enabled(find_protocol_by_id(proto_msice)) ||
        !icmp_quoted_udp(tvb, v6, &u))
        return ret;
    u.frame = pinfo->num;
    u.time_us = msice_time_us(pinfo);
    icecall_frame_t *fi = wmem_new(pinfo->pool, icecall_frame_t);
    msice_model_unreachable(pinfo, &u, fi);
    if (!fi->valid)
        return ret;
    msice_show_path(tvb, pinfo, tree, fi);
    if (fi->rejection[0])
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "%s", fi->rejection);
    if (msice_tap_wanted()) {
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
    proto_tree_add_item(proto_item_add_subtree(ti, ett_msice_tcp), hf_msice_rfc4571_length, tvb, 0, 2,
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
    if (kind != MSTURN_PAYLOAD_DATA)
        msice_model_packet(pinfo, tree, &leg, kind, buf, ilen, NULL, fi);
    msturn_hand_payload(kind, inner, pinfo, tree);
    if (fi->valid) {
        gboolean graph = kind == MSTURN_PAYLOAD_STUN || fi->promotion;
        msice_show_path(tvb, pinfo, tree, fi);
        if (msice_tap_wanted())
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
    if (len < 2 + MSTURN_HEADER_LEN + 8 || !msice_model())
        return FALSE;
    guint n = tvb_get_ntohs(tvb, 0);
    if (n < MSTURN_HEADER_LEN + 8 || n > MSICE_TCP_CHECK_MAX || n > len - 2)
        return FALSE;
    if (!claim_if_ice2_check(tvb_get_ptr(tvb, 2, n), n, pinfo, ice_tcp_handle))
        return FALSE;
    return dissect_msice_tcp(tvb, pinfo, tree, data) > 0;
}

/* ---- registration ------------------------------------------------------ */

void
msice_media_register(int proto)
{
    static hf_register_info hf[] = {
        { &hf_msice_rfc4571_length, { "RFC 4571 Length", "msice.rfc4571_length", FT_UINT16, BASE_DEC, NULL, 0x0,
            "ICE over TCP: length of the check or media packet that follows (RFC 4571)", HFILL } },
    };
    static gint *ett[] = {
        &ett_msice_tcp,
    };

    proto_msice = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    media_handle = register_dissector("msice.media", dissect_msice_media, proto);
    ice_tcp_handle = register_dissector("msice.tcp", dissect_msice_tcp, proto);
}

void
msice_media_handoff(void)
{
    /* Checks and media go to STUN, RTP and RTCP (msturn_hand_payload()). */
    find_dissector_add_dependency("stun-udp", proto_msice);
    find_dissector_add_dependency("rtp", proto_msice);
    find_dissector_add_dependency("rtcp", proto_msice);
    heur_dissector_add("udp", dissect_msice_heur_udp, "MS-ICE2 connectivity checks", "msice_udp", proto_msice,
                       HEURISTIC_ENABLE);
    heur_dissector_add("tcp", dissect_msice_heur_tcp, "MS-ICE2 connectivity checks over TCP (RFC 4571)", "msice_tcp",
                       proto_msice, HEURISTIC_ENABLE);
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
}
