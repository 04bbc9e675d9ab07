/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-compat.h - every difference between the Wireshark versions the
 * plugin supports (4.0, 4.4, 4.6), in one place. The rest of the plugin
 * uses the msice_ / MSICE_ names below and never tests a version itself.
 *
 *   what                         4.0                        4.4 / 4.6
 *   ---------------------------  -------------------------  -----------------------------------
 *   heuristic dissector result   gboolean                   bool
 *   boolean preference variable  gboolean                   bool
 *   one byte from a tvb          tvb_get_guint8             tvb_get_uint8 (guint8 one deprecated)
 *   format_text() input          const guchar *             const char *
 *   Telephony menu group         REGISTER_STAT_GROUP_...    REGISTER_TELEPHONY_GROUP_UNSORTED
 *   stat_tap_ui init callback    void                       void (4.4), bool (4.6)
 *   plugin type                  (none)                     plugin_describe() -> DISSECTOR
 *   epan/sequence_analysis.h     not installed              not installed
 *
 * The Flow Graph API (register_seq_analysis and the two structures it fills)
 * is exported by libwireshark, but Debian's development packages of 4.0, 4.4
 * and 4.6 do not install its header. When the header is there it is used;
 * otherwise the declarations below give that version's layout, and
 * cmake/SeqAnalysisAbi.cmake checks them at configure time against sizes and
 * offsets measured on that version's libwireshark (and that the symbols are
 * exported). A version with no layout here fails the build loudly: the Flow
 * Graph type never disappears silently.
 */
#ifndef MSICE_COMPAT_H
#define MSICE_COMPAT_H

#include <wireshark.h>
#include <epan/address.h>
#include <epan/packet_info.h>
#include <epan/stat_groups.h>
#include <epan/tap.h>
#include <epan/tfs.h>
#include <epan/unit_strings.h>

#define MSICE_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* 4.2 switched the epan API from GLib's gboolean/guint8 names to C99 ones:
 * msice_bool_t is what heuristics, preferences and wmem's user callbacks
 * (wmem_user_cb_t) return. */
#if MSICE_WS_AT_LEAST(4, 2)
typedef bool msice_bool_t;
#define msice_tvb_get_u8(tvb, off)     tvb_get_uint8((tvb), (off))
#define msice_format_text(pool, s, n)  format_text((pool), (const char *)(s), (n))
#define MSICE_STAT_GROUP_TELEPHONY     REGISTER_TELEPHONY_GROUP_UNSORTED
#define MSICE_HAVE_PLUGIN_DESCRIBE     1
#else
typedef gboolean msice_bool_t;
#define msice_tvb_get_u8(tvb, off)     tvb_get_guint8((tvb), (off))
#define msice_format_text(pool, s, n)  format_text((pool), (const guchar *)(s), (n))
#define MSICE_STAT_GROUP_TELEPHONY     REGISTER_STAT_GROUP_TELEPHONY
#endif

/* The init callback of a stat_tap_ui (-z NAME,...): void until 4.4, bool
 * (false: the listener could not be set up) from 4.6. Declare it with
 * MSICE_TAP_INIT_RET; leave it with MSICE_TAP_INIT_OK or MSICE_TAP_INIT_FAIL. */
#if MSICE_WS_AT_LEAST(4, 6)
#define MSICE_TAP_INIT_RET   bool
#define MSICE_TAP_INIT_OK    return true
#define MSICE_TAP_INIT_FAIL  return false
#else
#define MSICE_TAP_INIT_RET   void
#define MSICE_TAP_INIT_OK    return
#define MSICE_TAP_INIT_FAIL  return
#endif

/* ---- Flow Graph (sequence analysis) ------------------------------------------ */

#if defined(__has_include)
#  if __has_include(<epan/sequence_analysis.h>)
#    include <epan/sequence_analysis.h>
#    define MSICE_SEQ_FROM_HEADER 1
#  endif
#endif

#ifndef MSICE_SEQ_FROM_HEADER
/* Field order and types follow epan/sequence_analysis.h of each version;
 * names of fields the plugin never touches do not matter. */
#define MSICE_SEQ_MAX_NODES 40

#if MSICE_WS_AT_LEAST(4, 2)
typedef bool msice_seq_flag_t;
#else
typedef gboolean msice_seq_flag_t;
#endif

typedef struct {
    guint32          frame_number;
    address          src_addr;
    guint16          port_src;
    address          dst_addr;
    guint16          port_dst;
    gchar           *frame_label;    /* text on the arrow (g_malloc'ed) */
    gchar           *time_str;
    gchar           *comment;        /* text right of the graph (g_malloc'ed) */
    guint16          conv_num;       /* colours arrows of one call alike */
    unsigned         fg_color;
    unsigned         bg_color;
    msice_seq_flag_t has_color_filter;
    msice_seq_flag_t display;
    unsigned         src_node;
    unsigned         dst_node;
    guint16          line_style;
    int              info_type;
    void            *info_ptr;
#if MSICE_WS_AT_LEAST(4, 6)
    void           (*free_info_ptr)(void *info_ptr);
#endif
} seq_analysis_item_t;

typedef struct {
    const char      *name;
    msice_seq_flag_t any_addr;
    int              nconv;
    GQueue          *items;          /* seq_analysis_item_t*, owned by the graph */
    GHashTable      *ht;
    address          nodes[MSICE_SEQ_MAX_NODES];
#if MSICE_WS_AT_LEAST(4, 2)
    guint8           occurrence[MSICE_SEQ_MAX_NODES];
#endif
    guint32          num_nodes;
} seq_analysis_info_t;

WS_DLL_PUBLIC void register_seq_analysis(const char *name, const char *ui_name, const int proto_id,
                                         const char *tap_listener, unsigned tap_flags, tap_packet_cb tap_func);
WS_DLL_PUBLIC seq_analysis_item_t *sequence_analysis_create_sai_with_addresses(packet_info *pinfo,
                                                                               seq_analysis_info_t *sainfo);
WS_DLL_PUBLIC void sequence_analysis_use_color_filter(packet_info *pinfo, seq_analysis_item_t *sai);
#endif /* !MSICE_SEQ_FROM_HEADER */

#endif /* MSICE_COMPAT_H */
