/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-expert.c - how many expert infos the plugin raises per packet.
 *
 * Every expert info of msturn, msice and mras goes through
 * msice_expert_budget() (the msice_expert() / msice_expert_format() macros
 * of msice-int.h): per packet at most MSICE_EXPERT_PER_KIND of one kind and
 * MSICE_EXPERT_PER_PACKET of all kinds are raised. Each one is a tap record
 * for -z expert, and Wireshark 4.0 queues at most 5000 tap records per
 * packet ("Too many taps queued"): an SDP with 10,000 malformed candidate
 * lines, or a TCP segment holding thousands of broken MS-TURN messages,
 * would overflow it and truncate the expert table. What is held back is
 * counted, and a postdissector adds one "N more" item per kind at the end of
 * the packet.
 *
 * The same postdissector runs the two steps msice-model.c registers
 * (msice_expert_set_steps()): before the summaries, the troubleshooting
 * findings of the per-call model on their frames (their expert infos are
 * counted); after them, msice.expert.limit_reached at the frame where a cap
 * of the model first refused something, on the same msice item. One
 * postdissector for both, because Wireshark calls each postdissector on
 * every frame: this file does not call the model.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <wsutil/wmem/wmem_user_cb.h>

#include "msice-int.h"

/* What the budget holds back goes in a summary; the numbers keep the expert
 * table readable and stay far below tap.c's TAP_PACKET_QUEUE_LEN (5000). */
#define MSICE_EXPERT_PER_KIND    20u
#define MSICE_EXPERT_PER_PACKET  200u
#define MSICE_EXPERT_KINDS       64u  /* kinds tracked per packet; more are rare: held back, counted together */

typedef struct {
    expert_field *ei;
    guint         raised;
    guint         held;      /* held back: in the summary */
} budget_kind_t;

/* One packet's expert infos. Scope: pinfo->pool. */
typedef struct {
    guint         raised;    /* all kinds */
    guint         n_kinds;
    budget_kind_t kinds[MSICE_EXPERT_KINDS];
    guint         held_untracked;  /* kinds past MSICE_EXPERT_KINDS */
} budget_t;

static int proto_msice_expert = -1;
static expert_field ei_msice_more = EI_INIT;
static msice_expert_first_step_t first_step;   /* msice-model.c: the findings */
static msice_expert_step_t extra_step;         /* msice-model.c: the model's limits */

void
msice_expert_set_steps(msice_expert_first_step_t first, msice_expert_step_t last)
{
    first_step = first;
    extra_step = last;
}

/*
 * The budget of the packet being dissected: made by its first expert info,
 * in pinfo->pool, and forgotten when that pool is freed (the packet is done:
 * wmem calls budget_forget()). Most packets raise none, and the
 * postdissector, which runs on every frame, then finds NULL here without a
 * lookup in the packet's proto data. @pinfo and the frame number say which
 * dissection it belongs to (another epan_dissect_t has its own pinfo).
 */
static budget_t          *cur_budget;
static const packet_info *cur_pinfo;
static guint32            cur_frame;

/* Its pool is freed: @user_data is the budget it held. */
static msice_bool_t
budget_forget(wmem_allocator_t *allocator _U_, wmem_cb_event_t event _U_, void *user_data)
{
    if (cur_budget == user_data) {
        cur_budget = NULL;
        cur_pinfo = NULL;
    }
    return false;   /* once */
}

static budget_t *
packet_budget(const packet_info *pinfo)
{
    return cur_budget && cur_pinfo == pinfo && cur_frame == pinfo->num ? cur_budget : NULL;
}

gboolean
msice_expert_budget(packet_info *pinfo, expert_field *ei)
{
    budget_t *b = packet_budget(pinfo);
    if (!b) {
        b = wmem_new0(pinfo->pool, budget_t);
        wmem_register_callback(pinfo->pool, budget_forget, b);
        cur_budget = b;
        cur_pinfo = pinfo;
        cur_frame = pinfo->num;
    }
    budget_kind_t *k = NULL;
    for (guint i = 0; i < b->n_kinds && !k; i++) {
        if (b->kinds[i].ei == ei)
            k = &b->kinds[i];
    }
    if (!k && b->n_kinds < MSICE_EXPERT_KINDS) {
        k = &b->kinds[b->n_kinds++];
        k->ei = ei;
    }
    if (!k) {
        b->held_untracked++;
        return FALSE;
    }
    if (k->raised >= MSICE_EXPERT_PER_KIND || b->raised >= MSICE_EXPERT_PER_PACKET) {
        k->held++;
        return FALSE;
    }
    k->raised++;
    b->raised++;
    return TRUE;
}

/* The findings, the summaries, then the model's limits, after every
 * dissector of the packet. */
static int
dissect_msice_expert(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    proto_item *top = NULL;
    if (first_step)
        first_step(tvb, pinfo, tree);
    const budget_t *b = packet_budget(pinfo);
    for (guint i = 0; b && i < b->n_kinds; i++) {
        const budget_kind_t *k = &b->kinds[i];
        if (!k->held)
            continue;
        if (!top)
            top = proto_tree_add_item(tree, proto_msice_expert, tvb, 0, 0, ENC_NA);
        expert_add_info_format(pinfo, top, &ei_msice_more,
                               "%u more \"%s\" (%s) in this packet not listed: the first %u are", k->held,
                               proto_registrar_get_name(k->ei->hf), proto_registrar_get_abbrev(k->ei->hf),
                               k->raised);
    }
    if (b && b->held_untracked) {
        if (!top)
            top = proto_tree_add_item(tree, proto_msice_expert, tvb, 0, 0, ENC_NA);
        expert_add_info_format(pinfo, top, &ei_msice_more,
                               "%u more expert infos of other kinds in this packet not listed", b->held_untracked);
    }

    if (extra_step)
        extra_step(tvb, pinfo, tree, &top);
    return 0;
}

void
msice_expert_register(int proto)
{
    static ei_register_info ei[] = {
        { &ei_msice_more, { "msice.expert.more", PI_UNDECODED, PI_NOTE,
            "More expert infos of one kind in this packet than are listed", EXPFILL } },
    };
    proto_msice_expert = proto;
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));
}

void
msice_expert_handoff(void)
{
    /* The findings step runs first in it, so its expert infos are counted. */
    register_postdissector(create_dissector_handle_with_name(dissect_msice_expert, proto_msice_expert,
                                                             "msice.expert"));
}
