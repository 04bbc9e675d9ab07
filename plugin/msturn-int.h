/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msturn-int.h - what the three files of protocol msturn share:
 *   packet-msturn.c     messages, attributes, relayed payload, UDP, 0xFF10
 *   msturn-integrity.c  MESSAGE-INTEGRITY with long-term keys
 *   msturn-tcp.c        TCP framing, pseudo-TLS, port takeover
 * Each file registers its own fields on proto msturn.
 */
#ifndef MSTURN_INT_H
#define MSTURN_INT_H

#include <epan/prefs.h>

#include "msice-int.h"
#include "core/msturn.h"

/* One request/response exchange, keyed by the 128-bit transaction id.
 * Matched per capture, not per conversation: the Edge may answer from a
 * different address than the request went to. Scope: wmem_file_scope(). */
typedef struct {
    guint32  req_frame;     /* first copy of the request */
    guint32  resp_frame;    /* first response */
    nstime_t req_time;
    guint16  req_type;
    gboolean req_had_integrity;
    guint8  *username;      /* USERNAME of the request, NULL when none */
    guint    username_len;
    guint8  *realm;         /* realm the request was signed with, unquoted; NULL: unknown */
    guint    realm_len;
} msturn_trans_t;

/* ---- packet-msturn.c ---- */

/* One top-level STUN-shaped message at the start of @tvb; returns the bytes
 * it used, 0 when it is not one. */
int msturn_dissect_top_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
/* Relayed bytes of a TCP data frame (@outbound: client -> Edge): dissected
 * as what they carry, fed to the call model, summed up in msturn.relayed.
 * Returns the label for the Info column. */
const char *msturn_dissect_tcp_relayed(tvbuff_t *payload, packet_info *pinfo, proto_tree *tree, gboolean outbound);
/* A datagram on an Edge UDP port: MS-TURN, or data to or from the active
 * destination. Returns the bytes used, 0 when it is neither. */
int msturn_dissect_edge_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);

/* ---- msturn-integrity.c ---- */

/* Fields, expert infos and preference msturn.credentials (@prefs: msturn's module). */
void msturn_integrity_register(int proto, module_t *prefs);
/* Re-reads msturn.credentials (from the handoff, whenever preferences change). */
void msturn_integrity_apply_prefs(void);
/* MESSAGE-INTEGRITY of a top-level message: checked on the first pass,
 * shown from the stored result afterwards. @integrity_tree/@integrity_item:
 * the subtree and item of its first MESSAGE-INTEGRITY (NULL: none). @tr:
 * the message's exchange (NULL: none seen); a request's credentials are
 * stored in it for its response (first pass). */
void msturn_integrity_check(tvbuff_t *tvb, packet_info *pinfo, proto_item *top, proto_tree *integrity_tree,
                            proto_item *integrity_item, const guint8 *buf, const msturn_msg_t *m,
                            msturn_trans_t *tr);

/* ---- msturn-tcp.c ---- */

/* Fields, handles and preferences udp.ports, tcp.ports, desegment. */
void msturn_tcp_register(int proto, module_t *prefs);
/* Heuristic and Decode As entries (once) and the port tables (every time
 * preferences change). */
void msturn_tcp_handoff(void);

#endif /* MSTURN_INT_H */
