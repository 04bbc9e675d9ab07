/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-model.h - the epan side of the per-call model (core/icecall.c):
 * its lifetime (one capture), its clock, the feeders every protocol file
 * calls on the first pass and the lookups they call afterwards, the "msice"
 * tap records and the msice items shared by every packet of a call.
 *
 * Every msice/msturn/mras file and the taps call into msice-model.c;
 * msice-model.c calls no dissector file.
 */
#ifndef MSICE_MODEL_H
#define MSICE_MODEL_H

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/prefs.h>

#include "msice-int.h"
#include "core/icecall.h"
#include "core/msturn.h"

/* Fields, expert infos, the "msice" tap, the findings and limit steps of
 * the expert budget's postdissector (msice-expert.c), the init/cleanup
 * routines and preference msice.max_calls (@prefs: msice's module). Called
 * from proto_register_msice(). */
void msice_model_register(int proto, module_t *prefs);

/* The per-call model of the capture being read (NULL between captures).
 * Feed it only when !PINFO_FD_VISITED(pinfo). */
icecall_model_t *msice_model(void);

/* Time of a packet for the model: microseconds since the first packet of
 * the capture (every feeder must use this one clock). */
gint64 msice_time_us(const packet_info *pinfo);

/* The one msice.call_id and msice.media_type fields, for every msice file
 * that shows a Call-ID or a media type. */
int msice_hf_call_id(void);
int msice_hf_media_type(void);

/* What the "msice" tap carries: one record per model event. Scope: pinfo->pool. */
typedef enum {
    MSICE_EV_SDP,
    MSICE_EV_MRAS,
    MSICE_EV_ALLOCATE,
    MSICE_EV_CHECK,
    MSICE_EV_MEDIA,
    MSICE_EV_REJECT,       /* an ICMP error about a call's media or check */
} msice_event_t;

typedef struct {
    msice_event_t  kind;
    const char    *call_id;   /* NULL: not tied to a call (yet) */
    const char    *label;     /* Flow Graph arrow label */
    const char    *comment;   /* Flow Graph comment */
    icecall_path_t path;
    gboolean       graph;     /* worth an arrow in the Flow Graph */
} msice_tap_info_t;

/* Does any listener want "msice" tap records (saves building them)? */
gboolean msice_tap_wanted(void);
void msice_queue_tap(packet_info *pinfo, msice_event_t kind, const char *call_id, const char *label,
                     const char *comment, icecall_path_t path, gboolean graph);

/* A check, media packet or ICMP error: fed to the model on the first pass,
 * looked up afterwards; *fi says which call, pair and path (fi->valid FALSE:
 * none). */
void msice_model_check(packet_info *pinfo, const icecall_check_t *ck, icecall_frame_t *fi);
void msice_model_media(packet_info *pinfo, const icecall_media_pkt_t *mp, icecall_frame_t *fi);
void msice_model_unreachable(packet_info *pinfo, const icecall_unreach_t *u, icecall_frame_t *fi);
void msice_show_path(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, icecall_frame_t *fi);
/* Queues the tap record of a check or media packet: Flow Graph arrows for
 * every check and for the first media of each path (@carrier: "direct",
 * "Send Request", "0xFF10 frame", ...); @check_label names a check. */
void msice_queue_path(packet_info *pinfo, icecall_frame_t *fi, const char *check_label, const char *carrier);
void msice_check_from_msg(icecall_check_t *ck, const guint8 *buf, const msturn_msg_t *m, packet_info *pinfo);
/* A check (@kind MSTURN_PAYLOAD_STUN; @m: its parsed message, NULL to parse
 * @buf here) or a media packet (any other kind but DATA) travelling on @leg:
 * fed to the model, or looked up (msice_model_check/msice_model_media).
 * @tree: the tree the packet's msice items go to; without one and without
 * any tap, @fi gets no call_id, media name or path (icecall_check_t.brief). */
void msice_model_packet(packet_info *pinfo, proto_tree *tree, const icecall_leg_t *leg, msturn_payload_t kind,
                        const guint8 *buf, guint len, const msturn_msg_t *m, icecall_frame_t *fi);
/* The SIP message around a body or header (msice-sip.c), for icecall_add_sdp() and the like. */
void msice_msg_from_sip(icecall_msg_t *msg, packet_info *pinfo, const msice_sip_context_t *ctx);
void address_to_icecall(icecall_addr_t *out, const address *a, guint16 port);
void icecall_to_address(address *out, const icecall_addr_t *a, wmem_allocator_t *scope);
/* The packet's DSCP from its IP header, into @leg (first pass only). */
void msice_leg_dscp(packet_info *pinfo, icecall_leg_t *leg);

#endif /* MSICE_MODEL_H */
