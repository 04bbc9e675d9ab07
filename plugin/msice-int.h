/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-int.h - declarations shared inside the epan layer of the plugin: the
 * status -> expert item lookup, the expert budget and each file's entry
 * points. The call model's epan side has its own header (msice-model.h);
 * the three MS-TURN files share msturn-int.h.
 */
#ifndef MSICE_INT_H
#define MSICE_INT_H

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>

#include "msice-compat.h"
#include "core/msturn.h"

/*
 * Status -> expert info, the same way in every file: each core parser's
 * statuses are mapped to their expert items by one table of rows
 * { STATUS, &ei_... } next to the ei declarations, and looked up with
 * MSICE_STATUS_EI(table, status). A status without a row (OK, NOT_ICE, ...)
 * has no item: NULL.
 */
typedef struct {
    int           status;
    expert_field *ei;
} msice_status_ei_t;

static inline expert_field *
msice_status_ei(const msice_status_ei_t *table, size_t n, int status)
{
    for (size_t i = 0; i < n; i++) {
        if (table[i].status == status)
            return table[i].ei;
    }
    return NULL;
}
#define MSICE_STATUS_EI(table, status) msice_status_ei((table), G_N_ELEMENTS(table), (int)(status))

/* packet-msice.c */
void proto_register_msice(void);
void proto_reg_handoff_msice(void);

/* msice-media.c: checks and media between the endpoints (UDP on candidate
 * addresses, ICE over TCP, ICMP errors about them); registered by msice. */
void msice_media_register(int proto);
void msice_media_handoff(void);
/* Every candidate of call @call_id (both sides, so far) is claimed again in
 * each SDP frame: SIP sets up RTP conversations for the SDP addresses in
 * the frame with the answer; msice takes them over and hands RTP to the RTP
 * dissector itself. */
void msice_media_claim(packet_info *pinfo, const char *call_id);

/* msice-sip.c: the SIP message around a body or header value, read from
 * the text lines next to it in its data source. Scope: pinfo->pool. */
typedef struct {
    const char *call_id;   /* Call-ID; NULL outside SIP */
    const char *from_uri;  /* URI of From: and To: */
    const char *to_uri;
    const char *from_tag;  /* tag parameters of From: and To:; NULL: none */
    const char *to_tag;
    const char *cseq_method; /* "INVITE" of "CSeq: 1 INVITE"; NULL: not found */
    guint32     cseq;      /* its number (0 with cseq_method NULL) */
    const char *message;   /* "INVITE", "200", ...; NULL: start line not found */
    gboolean    fallback;  /* body only: its multipart part says ms-proxy-2007fallback */
} msice_sip_context_t;

/* @body: an SDP body; reads the part headers and SIP headers in front of it. */
void msice_sip_context_of_body(tvbuff_t *body, packet_info *pinfo, msice_sip_context_t *ctx);
/* @value: a header value (sip.hdr); reads the headers around it. */
void msice_sip_context_of_header(tvbuff_t *value, packet_info *pinfo, msice_sip_context_t *ctx);

/* packet-msice-diag.c: the SIP diagnostics and location headers (sip.hdr),
 * fields of protocol msice; called from proto_register_msice() and
 * proto_reg_handoff_msice(). */
void msice_diag_register(int proto);
void msice_diag_handoff(void);

/* msice-expert.c: every expert info of the plugin goes through the budget:
 * per packet at most 20 of one kind and 200 in all are raised, the rest is
 * summed up in one msice.expert.more item per kind (tshark queues at most
 * 5000 tap records per packet). Registered by msice. */
gboolean msice_expert_budget(packet_info *pinfo, expert_field *ei);
#define msice_expert(pinfo, pi, ei) \
    do { \
        if (msice_expert_budget((pinfo), (ei))) \
            expert_add_info((pinfo), (pi), (ei)); \
    } while (0)
#define msice_expert_format(pinfo, pi, ei, ...) \
    do { \
        if (msice_expert_budget((pinfo), (ei))) \
            expert_add_info_format((pinfo), (pi), (ei), __VA_ARGS__); \
    } while (0)
/* The steps of the budget's postdissector (the plugin's only one): @first
 * before its summaries (its expert infos are counted), @last after them,
 * adding to the same msice item *top (NULL: none yet, make it on proto msice). */
typedef void (*msice_expert_first_step_t)(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
typedef void (*msice_expert_step_t)(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item **top);
void msice_expert_set_steps(msice_expert_first_step_t first, msice_expert_step_t last);
void msice_expert_register(int proto);
void msice_expert_handoff(void);

/* msice-tap.c: -z msice,calls, the GUI table and the Flow Graph. */
void msice_register_taps(int proto);

/* packet-msturn.c */
void proto_register_msturn(void);
void proto_reg_handoff_msturn(void);
/* A UDP datagram on an allocation's 5-tuple carrying data to or from its
 * active destination without TURN header: dissects it as relayed data
 * (feeding the model) and returns its length; 0 when it is not one. */
int msturn_dissect_active_data(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
/* Hands a classified payload (core/msturn.c, msturn_classify_payload) to
 * Wireshark's dissector for it: checks to STUN, RTP, RTCP; encrypted SRTCP
 * and anything else as data. */
void msturn_hand_payload(msturn_payload_t kind, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

/* packet-mras.c */
void proto_register_mras(void);
void proto_reg_handoff_mras(void);

/*
 * mras_lookup_password:
 * @turn_username: an MS-TURN USERNAME attribute value, i.e. the
 *   base64-decoded bytes of an MRAS <username>.
 * @len: bytes at @turn_username.
 * @password_b64: (out) (transfer none) (optional): the MRAS <password> text
 *   (base64, as in the XML), valid while the capture file is open
 *   (wmem_file_scope).
 * @frame: (out) (optional): the frame of the MRAS response that granted it.
 *
 * Returns: TRUE when an MRAS response of this capture granted this user
 * name. Filled as MRAS responses are dissected on the first pass, so on the
 * first pass only responses in earlier frames are known; the first
 * response with a given user name wins.
 */
gboolean mras_lookup_password(const guint8 *turn_username, size_t len, const char **password_b64,
                              guint32 *frame);

#endif /* MSICE_INT_H */
