/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-sip.c - the SIP message around a body or a header value.
 *
 * The SDP body (packet-msice.c) and the diagnostics header values
 * (packet-msice-diag.c) reach the plugin as subsets of the SIP message in
 * their data source. Which call they belong to (Call-ID, From, To) and which
 * message carries them (method or status code, CSeq, tags) is read from the text lines
 * around them in that data source by core/sipscan.c; this file only fetches
 * the window of bytes (SIPSCAN_WINDOW either way) and copies the values the
 * core found into pinfo->pool.
 */
#include <wireshark.h>
#include <epan/packet.h>

#include "msice-int.h"
#include "core/sipscan.h"

/* The span @has of window @w as a string in @scope, NULL when absent. */
static const char *
span_str(wmem_allocator_t *scope, const char *w, gboolean has, sipscan_span_t sp)
{
    return has ? wmem_strndup(scope, w + sp.offset, sp.length) : NULL;
}

static void
context_from_scan(wmem_allocator_t *scope, const char *w, const sipscan_context_t *sc, msice_sip_context_t *ctx)
{
    ctx->call_id = span_str(scope, w, sc->has_call_id, sc->call_id);
    ctx->from_uri = span_str(scope, w, sc->has_from, sc->from_uri);
    ctx->to_uri = span_str(scope, w, sc->has_to, sc->to_uri);
    ctx->from_tag = span_str(scope, w, sc->has_from_tag, sc->from_tag);
    ctx->to_tag = span_str(scope, w, sc->has_to_tag, sc->to_tag);
    ctx->cseq_method = span_str(scope, w, sc->has_cseq, sc->cseq_method);
    ctx->cseq = sc->has_cseq ? sc->cseq : 0;
    ctx->message = span_str(scope, w, sc->has_message, sc->message);
    ctx->fallback = sc->fallback;
}

/*
 * The header block around the header value @tvb in its data source:
 * backwards to the start line, forwards to the blank line that ends the
 * headers, each at most SIPSCAN_WINDOW bytes.
 */
void
msice_sip_context_of_header(tvbuff_t *tvb, packet_info *pinfo, msice_sip_context_t *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    tvbuff_t *ds = tvb_get_ds_tvb(tvb);
    if (!ds || ds == tvb)
        return;
    gint off = tvb_raw_offset(tvb);
    guint ds_len = tvb_captured_length(ds);
    if (off < 0 || (guint)off > ds_len)
        return;
    guint vlen = tvb_captured_length(tvb);
    if (vlen > ds_len - (guint)off)
        return;
    guint from = (guint)off > SIPSCAN_WINDOW ? (guint)off - SIPSCAN_WINDOW : 0;
    guint to = ds_len - ((guint)off + vlen) > SIPSCAN_WINDOW ? (guint)off + vlen + SIPSCAN_WINDOW : ds_len;
    if (to <= from)
        return;
    const char *w = (const char *)tvb_get_ptr(ds, from, to - from);
    sipscan_context_t sc;
    sipscan_context_of_header(w, to - from, (guint)off - from, vlen, &sc);
    context_from_scan(pinfo->pool, w, &sc, ctx);
}

/*
 * The lines in front of @body in its data source (at most SIPSCAN_WINDOW
 * bytes), nearest first: the part headers of a multipart body, then the
 * SIP headers up to the start line.
 */
void
msice_sip_context_of_body(tvbuff_t *body, packet_info *pinfo, msice_sip_context_t *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    tvbuff_t *ds = tvb_get_ds_tvb(body);
    gint off = tvb_raw_offset(body);
    if (!ds || ds == body || off <= 0 || (guint)off > tvb_captured_length(ds))
        return;
    gint from = off > (gint)SIPSCAN_WINDOW ? off - (gint)SIPSCAN_WINDOW : 0;
    const char *w = (const char *)tvb_get_ptr(ds, from, off - from);
    sipscan_context_t sc;
    sipscan_context_of_body(w, (size_t)(off - from), &sc);
    context_from_scan(pinfo->pool, w, &sc, ctx);
}
