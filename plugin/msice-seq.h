/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-seq.h - the Flow Graph (sequence analysis) API, for registering the
 * "MS ICE" flow type.
 *
 * Wireshark installs epan/sequence_analysis.h in neither Debian's 4.0 nor its
 * 4.4 development package, although libwireshark exports the functions.
 * When the header is there it is used. Otherwise, for Wireshark 4.0.x, the
 * declarations below describe the 4.0 ABI (types of epan/sequence_analysis.h
 * in 4.0.x: field order and types matter, names do not). For other versions
 * without the header the Flow Graph type is left out (everything else works)
 * rather than risk a mismatched layout.
 */
#ifndef MSICE_SEQ_H
#define MSICE_SEQ_H

#include <wireshark.h>
#include <epan/address.h>
#include <epan/packet_info.h>
#include <epan/tap.h>

#if defined(__has_include)
#  if __has_include(<epan/sequence_analysis.h>)
#    include <epan/sequence_analysis.h>
#    define MSICE_HAVE_SEQ_ANALYSIS 1
#  endif
#endif

#if !defined(MSICE_HAVE_SEQ_ANALYSIS) && WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR == 0
#define MSICE_HAVE_SEQ_ANALYSIS 1
#define MSICE_SEQ_MAX_NODES 40

/* One arrow of the graph (4.0.x layout). */
typedef struct {
    guint32  frame_number;
    address  src_addr;
    guint16  port_src;
    address  dst_addr;
    guint16  port_dst;
    gchar   *frame_label;   /* text on the arrow (g_malloc'ed) */
    gchar   *time_str;
    gchar   *comment;       /* text right of the graph (g_malloc'ed) */
    guint16  conv_num;      /* colours arrows of one call alike */
    unsigned fg_color;
    unsigned bg_color;
    gboolean has_color_filter;
    gboolean display;
    guint    src_node;
    guint    dst_node;
    guint16  line_style;
    guint32  info_type;
    gpointer info_ptr;
} seq_analysis_item_t;

/* The graph being built (4.0.x layout). */
typedef struct {
    const char *name;
    gboolean    any_addr;
    int         nconv;
    GQueue     *items;      /* seq_analysis_item_t*, owned by the graph */
    GHashTable *ht;
    address     nodes[MSICE_SEQ_MAX_NODES];
    guint32     num_nodes;
} seq_analysis_info_t;

WS_DLL_PUBLIC void register_seq_analysis(const char *name, const char *ui_name, const int proto_id,
                                         const char *tap_listener, guint tap_flags, tap_packet_cb tap_func);
WS_DLL_PUBLIC seq_analysis_item_t *sequence_analysis_create_sai_with_addresses(packet_info *pinfo,
                                                                               seq_analysis_info_t *sainfo);
WS_DLL_PUBLIC void sequence_analysis_use_color_filter(packet_info *pinfo, seq_analysis_item_t *sai);
#endif

#endif /* MSICE_SEQ_H */
