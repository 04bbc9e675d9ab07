/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-tap.c - what the per-call model shows outside the packet tree:
 *
 *   tshark -q -z msice,calls[,FILTER]   per-call text report (icecall_report)
 *   tshark -q -z msice,json[,FILTER]    the same report as one JSON document
 *                                       (icecall_report_json: the same walk)
 *   Telephony > MS ICE Calls / -z msice,table[,FILTER]
 *                                       one row per call and media line
 *   Statistics > Flow Graph, type "MS ICE" / -z flow,msice,standard
 *                                       offers, allocations, checks, promotions
 *
 * All three read the one model of packet-msice.c, fed on the first pass; the
 * "msice" tap only says which calls the (filtered) packets belong to.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include "msice-int.h"
#include "msice-model.h"

/* ---- -z msice,calls[,FILTER] ------------------------------------------------ */

typedef struct {
    GHashTable *calls;   /* Call-IDs of the packets that passed the filter */
    gboolean    filtered;
    gboolean    json;    /* -z msice,json */
} calls_report_t;

static void
calls_reset(void *p)
{
    calls_report_t *r = (calls_report_t *)p;
    g_hash_table_remove_all(r->calls);
}

static tap_packet_status
calls_packet(void *p, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    calls_report_t *r = (calls_report_t *)p;
    const msice_tap_info_t *ti = (const msice_tap_info_t *)data;
    if (ti->call_id && !g_hash_table_contains(r->calls, ti->call_id))
        g_hash_table_add(r->calls, g_strdup(ti->call_id));
    return TAP_PACKET_DONT_REDRAW;
}

static void
calls_draw(void *p)
{
    calls_report_t *r = (calls_report_t *)p;
    icecall_model_t *m = msice_model();
    GString *out = g_string_new("");
    if (m && r->json)
        icecall_report_json(m, out, r->filtered ? r->calls : NULL);
    else if (m)
        icecall_report(m, out, r->filtered ? r->calls : NULL);
    else if (r->json)
        g_string_append(out, "{\"schema_version\":\"1.0\",\"generator\":\"msice\",\"filtered\":false,\"calls\":[],"
                             "\"unused_allocations\":[],\"edge_findings\":[]}\n");
    else
        g_string_append(out, "msice: no capture has been read\n");
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
}

static void
calls_finish(void *p)
{
    calls_report_t *r = (calls_report_t *)p;
    g_hash_table_destroy(r->calls);
    g_free(r);
}

static MSICE_TAP_INIT_RET
calls_init(const char *opt_arg, void *userdata _U_)
{
    const char *filter = NULL;
    gboolean json = opt_arg && g_str_has_prefix(opt_arg, "msice,json");
    const char *prefix = json ? "msice,json," : "msice,calls,";
    if (opt_arg && g_str_has_prefix(opt_arg, prefix))
        filter = opt_arg + strlen(prefix);
    calls_report_t *r = g_new0(calls_report_t, 1);
    r->json = json;
    r->calls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    r->filtered = filter && *filter;
    GString *err = register_tap_listener("msice", r, r->filtered ? filter : NULL, TL_REQUIRES_NOTHING, calls_reset,
                                         calls_packet, calls_draw, calls_finish);
    if (err) {
        fprintf(stderr, "tshark: couldn't register msice,%s tap: %s\n", json ? "json" : "calls", err->str);
        g_string_free(err, TRUE);
        calls_finish(r);
        MSICE_TAP_INIT_FAIL;
    }
    MSICE_TAP_INIT_OK;
}

/* ---- the table (GUI and -z msice,table) ----------------------------------------- */

enum {
    COL_CALL_ID, COL_MEDIA, COL_CALLER, COL_CALLEE, COL_EARLY, COL_FINAL, COL_PROMOTIONS, COL_CHECKED, COL_OK,
    COL_VERDICT, COL_FILTER, N_COLS
};

static stat_tap_table_item table_fields[] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Call-ID", "%-34s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Media", "%-10s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Caller (A)", "%-24s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Callee (B)", "%-24s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Early media path", "%-12s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Final pair", "%-60s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Promotions", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Pairs checked", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Pairs OK", "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Verdict", "%s" },
    /* The generic statistics dialog offers no filter action for a row
     * (stat_tap_table has no per-row filter; the Qt dialog only copies): the
     * call's display filter is a column to copy into the filter bar, and the
     * Flow Graph's "Limit to display filter" then shows that call only. As
     * the last column it also lets the Verdict column size to its text. */
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Display filter", "%s" },
};

static const char *const table_name = "MS ICE Calls";
/* Per open table (a dialog may be opened twice, and closed and opened
 * again): its row index, "Call-ID\tmedia" -> row. A new table gets a new
 * index, also when it reuses a closed table's address. */
static GHashTable *row_indexes;   /* stat_tap_table* -> GHashTable* */

static void
table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, table_name);
    if (!row_indexes)
        row_indexes = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                            (GDestroyNotify)g_hash_table_destroy);
    if (table) {
        if (ui->stat_tap_reset_table_cb)
            ui->stat_tap_reset_table_cb(table);
        return;
    }
    table = stat_tap_init_table(table_name, N_COLS, 0, NULL);
    stat_tap_add_table(ui, table);
    g_hash_table_replace(row_indexes, table, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL));
}

typedef struct {
    stat_tap_table *table;
    GHashTable     *index;
} row_ctx_t;

static void
set_string(stat_tap_table *t, guint row, guint col, const char *v)
{
    stat_tap_table_item_type *it = stat_tap_get_field_data(t, row, col);
    g_free((char *)it->value.string_value);
    it->value.string_value = g_strdup(v ? v : "");
    stat_tap_set_field_data(t, row, col, it);
}

static void
set_uint(stat_tap_table *t, guint row, guint col, guint v)
{
    stat_tap_table_item_type *it = stat_tap_get_field_data(t, row, col);
    it->value.uint_value = v;
    stat_tap_set_field_data(t, row, col, it);
}

static void
table_row(const icecall_row_t *row, void *user)
{
    row_ctx_t *rc = (row_ctx_t *)user;
    char *key = g_strdup_printf("%s\t%s", row->call_id, row->media);
    gpointer v;
    guint idx;
    char *was = row->merged_id ? g_strdup_printf("%s\t%s", row->merged_id, row->merged_media) : NULL;
    if (g_hash_table_lookup_extended(rc->index, key, NULL, &v)) {
        idx = GPOINTER_TO_UINT(v);
        g_free(key);
    } else if (was && g_hash_table_lookup_extended(rc->index, was, NULL, &v)) {
        /* The row of an ICE session that turned out to be this call's
         * media line (a capture started mid-call): it is this row now. */
        idx = GPOINTER_TO_UINT(v);
        g_hash_table_remove(rc->index, was);
        g_hash_table_insert(rc->index, key, GUINT_TO_POINTER(idx));
    } else {
        stat_tap_table_item_type items[N_COLS];
        memset(items, 0, sizeof(items));
        for (guint c = 0; c < N_COLS; c++) {
            items[c].type = table_fields[c].type;
            if (items[c].type == TABLE_ITEM_STRING)
                items[c].value.string_value = g_strdup("");
        }
        idx = rc->table->num_elements;
        stat_tap_init_table_row(rc->table, idx, N_COLS, items);
        g_hash_table_insert(rc->index, key, GUINT_TO_POINTER(idx));
    }
    set_string(rc->table, idx, COL_CALL_ID, row->call_id);
    set_string(rc->table, idx, COL_MEDIA, row->media);
    set_string(rc->table, idx, COL_CALLER, row->caller);
    set_string(rc->table, idx, COL_CALLEE, row->callee);
    set_string(rc->table, idx, COL_EARLY, row->early_path[0] ? row->early_path : "none");
    set_string(rc->table, idx, COL_FINAL, row->final_path[0] ? row->final_path : "none");
    set_uint(rc->table, idx, COL_PROMOTIONS, row->n_promotions);
    set_uint(rc->table, idx, COL_CHECKED, row->n_pairs_checked);
    set_uint(rc->table, idx, COL_OK, row->n_pairs_ok);
    set_string(rc->table, idx, COL_VERDICT, row->verdict);
    GString *f = g_string_new("msice.call_id == \"");
    for (const char *c = row->call_id; *c; c++) {
        if (*c == '"' || *c == '\\')
            g_string_append_c(f, '\\');   /* a Call-ID may hold both (RFC 3261 word) */
        g_string_append_c(f, *c);
    }
    g_string_append_c(f, '"');
    set_string(rc->table, idx, COL_FILTER, f->str);
    g_string_free(f, TRUE);
    g_free(was);
}

static tap_packet_status
table_packet(void *p, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)p;
    const msice_tap_info_t *ti = (const msice_tap_info_t *)data;
    icecall_model_t *m = msice_model();
    if (!ti->call_id || !m)
        return TAP_PACKET_DONT_REDRAW;
    stat_tap_table *table = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);
    row_ctx_t rc = { table, row_indexes ? (GHashTable *)g_hash_table_lookup(row_indexes, table) : NULL };
    if (!rc.index)
        return TAP_PACKET_DONT_REDRAW;
    icecall_foreach_row(m, ti->call_id, table_row, &rc);   /* this call's rows only */
    return TAP_PACKET_REDRAW;
}

static void
table_reset(stat_tap_table *table)
{
    for (guint r = 0; r < table->num_elements; r++) {
        for (guint c = 0; c < N_COLS; c++) {
            stat_tap_table_item_type *it = stat_tap_get_field_data(table, r, c);
            if (it->type == TABLE_ITEM_STRING) {
                g_free((char *)it->value.string_value);
                it->value.string_value = g_strdup("");
            } else {
                it->value.uint_value = 0;
            }
        }
    }
    /* Rows stay (the table API cannot remove them); they are refilled
     * in the same order, as the model lists calls in first-seen order. */
}

static void
table_free_item(stat_tap_table *table _U_, guint row _U_, guint column _U_, stat_tap_table_item_type *field)
{
    if (field->type == TABLE_ITEM_STRING) {
        g_free((char *)field->value.string_value);
        field->value.string_value = NULL;
    }
}

/* ---- Flow Graph -------------------------------------------------------------- */

static tap_packet_status
flow_packet(void *p, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    seq_analysis_info_t *sainfo = (seq_analysis_info_t *)p;
    const msice_tap_info_t *ti = (const msice_tap_info_t *)data;
    if (!ti->graph)
        return TAP_PACKET_DONT_REDRAW;
    seq_analysis_item_t *sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
    if (!sai)
        return TAP_PACKET_DONT_REDRAW;
    sai->frame_number = pinfo->num;
    sai->port_src = (guint16)pinfo->srcport;
    sai->port_dst = (guint16)pinfo->destport;
    sai->frame_label = g_strdup(ti->label ? ti->label : "");
    if (ti->call_id)
        sai->comment = g_strdup_printf("%s%s%s", ti->comment ? ti->comment : "", ti->comment ? " | " : "",
                                       ti->call_id);
    else
        sai->comment = g_strdup(ti->comment ? ti->comment : "");
    sai->conv_num = ti->call_id ? (guint16)(g_str_hash(ti->call_id) & 0xffff) : 0;
    sai->line_style = ti->kind == MSICE_EV_MEDIA ? 2 : 1;
    sai->display = TRUE;
    sequence_analysis_use_color_filter(pinfo, sai);
    g_queue_push_tail(sainfo->items, sai);
    return TAP_PACKET_REDRAW;
}

/* ---- registration ---------------------------------------------------------------- */

void
msice_register_taps(int proto)
{
    /* The one parameter of every -z msice,...: a display filter. */
    static tap_param filter_params[] = {
        { PARAM_FILTER, "filter", "Filter", NULL, TRUE },
    };
    static stat_tap_ui calls_ui = {
        MSICE_STAT_GROUP_TELEPHONY,
        "MS ICE calls report",
        "msice,calls",
        calls_init,
        G_N_ELEMENTS(filter_params),
        filter_params,
    };
    static stat_tap_ui json_ui = {
        MSICE_STAT_GROUP_TELEPHONY,
        "MS ICE calls report (JSON)",
        "msice,json",
        calls_init,
        G_N_ELEMENTS(filter_params),
        filter_params,
    };
    static stat_tap_table_ui table_ui = {
        MSICE_STAT_GROUP_TELEPHONY,
        "MS ICE Calls",
        "msice",
        "msice,table",
        table_init,
        table_packet,
        table_reset,
        table_free_item,
        NULL,
        G_N_ELEMENTS(table_fields),
        table_fields,
        G_N_ELEMENTS(filter_params),
        filter_params,
        NULL,
        0,
    };
    register_stat_tap_ui(&calls_ui, NULL);
    register_stat_tap_ui(&json_ui, NULL);
    register_stat_tap_table_ui(&table_ui);
    register_seq_analysis("msice", "MS ICE", proto, NULL, TL_REQUIRES_NOTHING, flow_packet);
}
