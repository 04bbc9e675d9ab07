/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Configure-time probe (cmake/SeqAnalysisAbi.cmake): the Flow Graph
 * declarations of plugin/msice-compat.h must have the sizes and offsets
 * measured on this Wireshark version's libwireshark, and libwireshark must
 * export the three functions the plugin calls. Compiled and linked, never run.
 */
#include <stddef.h>
#include "msice-compat.h"

#define SAME(what, expected) _Static_assert((what) == (expected), #what " differs from libwireshark " \
                                            MSICE_SEQ_ABI_VERSION ": see cmake/SeqAnalysisAbi.cmake")

SAME(sizeof(seq_analysis_item_t), MSICE_SEQ_ITEM_SIZE);
SAME(offsetof(seq_analysis_item_t, src_addr), 8);
SAME(offsetof(seq_analysis_item_t, port_src), 32);
SAME(offsetof(seq_analysis_item_t, dst_addr), 40);
SAME(offsetof(seq_analysis_item_t, port_dst), 64);
SAME(offsetof(seq_analysis_item_t, frame_label), 72);
SAME(offsetof(seq_analysis_item_t, time_str), 80);
SAME(offsetof(seq_analysis_item_t, comment), 88);
SAME(offsetof(seq_analysis_item_t, conv_num), 96);
SAME(offsetof(seq_analysis_item_t, has_color_filter), 108);
SAME(offsetof(seq_analysis_item_t, display), MSICE_SEQ_DISPLAY_OFF);
SAME(offsetof(seq_analysis_item_t, line_style), MSICE_SEQ_LINE_STYLE_OFF);
SAME(sizeof(seq_analysis_info_t), MSICE_SEQ_INFO_SIZE);
SAME(offsetof(seq_analysis_info_t, any_addr), 8);
SAME(offsetof(seq_analysis_info_t, items), 16);

int
main(void)
{
    /* Taking the addresses makes the link fail if one is not exported. */
    volatile const void *fns[] = {
        (const void *)register_seq_analysis,
        (const void *)sequence_analysis_create_sai_with_addresses,
        (const void *)sequence_analysis_use_color_filter,
    };
    return fns[0] == NULL;
}
