/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-sip.c - the SIP message around a body or a header value.
 *
 * The SDP body (packet-msice.c) and the diagnostics header values
 * (packet-msice-diag.c) reach the plugin as subsets of the SIP message in
 * their data source. Which call they belong to (Call-ID, From, To) and which
 * message carries them (method or status code) is read from the text lines
 * around them in that data source, bounded to MSICE_SIP_WINDOW bytes either
 * way. Every byte may be hostile: nothing here reads outside the window.
 */
#include <wireshark.h>
#include <epan/packet.h>

#include "msice-int.h"

/* How far to look back (to the start line) and forward (to the blank line). */
#define MSICE_SIP_WINDOW 16384

/* Methods recognised at the end of a run of capitals (see start_line()). */
static const char *const sip_methods[] = {
    "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "BENOTIFY",
    "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE", "SERVICE", "NEGOTIATE",
};

/* Finds @needle in [hay, hay + len), NUL bytes included. */
static const char *
find_bytes(const char *hay, gsize len, const char *needle)
{
    gsize n = strlen(needle);
    for (gsize i = 0; i + n <= len; i++) {
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
            return hay + i;
    }
    return NULL;
}

/* Text lines only: header lines never hold control bytes (HTAB aside). */
static gboolean
line_is_text(const char *line, gsize len)
{
    for (gsize i = 0; i < len; i++) {
        guchar c = (guchar)line[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return FALSE;
    }
    return TRUE;
}

/*
 * Is this the SIP start line? Bytes in front of the first line of a
 * datagram or segment are transport headers, so the line is matched from its
 * end: "SIP/2.0 200 OK" (status) or "INVITE sip:bob@example.com SIP/2.0"
 * (request). A header line ("Name: ...") never is one. Sets *message to
 * the status code or the method.
 */
static gboolean
start_line(wmem_allocator_t *scope, const char *line, gsize len, const char **message)
{
    gsize i = 0;
    while (i < len && (g_ascii_isalnum(line[i]) || line[i] == '-' || line[i] == '_' || line[i] == '.'))
        i++;
    if (i > 0 && i < len && line[i] == ':')
        return FALSE;             /* "Name:": a header */

    const char *status = find_bytes(line, len, "SIP/2.0 ");
    if (status && (gsize)(status - line) + 11 <= len && g_ascii_isdigit(status[8]) &&
        g_ascii_isdigit(status[9]) && g_ascii_isdigit(status[10]) &&
        ((gsize)(status - line) + 11 == len || status[11] == ' ')) {
        *message = wmem_strndup(scope, status + 8, 3);
        return TRUE;
    }
    if (len <= 8 || g_ascii_strncasecmp(line + len - 8, " SIP/2.0", 8) != 0)
        return FALSE;
    gsize e = len - 8;
    while (e > 0 && line[e - 1] != ' ')
        e--;                      /* start of the Request-URI */
    if (e < 2)
        return FALSE;
    gsize me = e - 1, ms = me;    /* the method ends at the space before the URI */
    while (ms > 0 && g_ascii_isupper(line[ms - 1]))
        ms--;
    if (ms == me)
        return FALSE;
    /* A transport header byte may pass for a capital ('E' = IPv4 0x45):
     * prefer the longest known method the run ends with. */
    gsize best = 0;
    for (gsize k = 0; k < G_N_ELEMENTS(sip_methods); k++) {
        gsize n = strlen(sip_methods[k]);
        if (n <= me - ms && n > best && memcmp(line + me - n, sip_methods[k], n) == 0)
            best = n;
    }
    if (best)
        ms = me - best;
    *message = wmem_strndup(scope, line + ms, me - ms);
    return TRUE;
}

/*
 * "Name: value" where Name is @name or the compact @compact (any case,
 * white space allowed before the colon). Returns the offset of the value
 * (after the colon and white space), or 0 when the line is not that header.
 */
static gsize
header_is(const char *line, gsize len, const char *name, const char *compact)
{
    gsize i = 0;
    while (i < len && line[i] != ':' && line[i] != ' ' && line[i] != '\t')
        i++;
    gsize n = i;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= len || line[i] != ':' || n == 0)
        return 0;
    if (!((n == strlen(name) && g_ascii_strncasecmp(line, name, n) == 0) ||
          (n == strlen(compact) && g_ascii_strncasecmp(line, compact, n) == 0)))
        return 0;
    i++;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i;
}

static const char *
header_value(wmem_allocator_t *scope, const char *line, gsize len, gsize voff)
{
    gsize e = len;
    while (e > voff && (line[e - 1] == ' ' || line[e - 1] == '\t'))
        e--;
    return wmem_strndup(scope, line + voff, e - voff);
}

/*
 * The tag parameter of a From:/To: value (RFC 3261 20.20, 20.39): after the
 * '>' of a name-addr, else among the parameters after the URI. NULL: none.
 */
static const char *
header_tag(wmem_allocator_t *scope, const char *line, gsize len, gsize voff)
{
    const char *v = header_value(scope, line, len, voff);
    const char *gt = strchr(v, '>');
    const char *p = gt ? gt + 1 : v;
    while ((p = strchr(p, ';')) != NULL) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (g_ascii_strncasecmp(p, "tag", 3) != 0) {
            continue;
        }
        const char *q = p + 3;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != '=')
            continue;
        q++;
        while (*q == ' ' || *q == '\t')
            q++;
        gsize n = 0;
        while (q[n] && q[n] != ';' && q[n] != ' ' && q[n] != '\t' && q[n] != ',')
            n++;
        return n ? wmem_strndup(scope, q, n) : NULL;
    }
    return NULL;
}

/* "CSeq: 1 INVITE": the number (0 when not a number) and the method. */
static void
header_cseq(wmem_allocator_t *scope, const char *line, gsize len, gsize voff, msice_sip_context_t *ctx)
{
    const char *v = header_value(scope, line, len, voff);
    guint64 n = 0;
    const char *p = v;
    while (g_ascii_isdigit(*p) && n <= G_MAXUINT32)
        n = n * 10 + (guint64)(*p++ - '0');
    if (p == v || n > G_MAXUINT32 || (*p != ' ' && *p != '\t'))
        return;
    while (*p == ' ' || *p == '\t')
        p++;
    gsize m = 0;
    while (g_ascii_isalpha(p[m]))
        m++;
    if (!m || p[m])
        return;
    ctx->cseq = (guint32)n;
    ctx->cseq_method = wmem_strndup(scope, p, m);
}

/* The URI of a From:/To: value: inside <...>, else up to ';'. */
static const char *
header_uri(wmem_allocator_t *scope, const char *line, gsize len, gsize voff)
{
    const char *v = header_value(scope, line, len, voff);
    const char *lt = strchr(v, '<');
    if (lt) {
        const char *gt = strchr(lt, '>');
        return wmem_strndup(scope, lt + 1, gt ? (gsize)(gt - lt - 1) : strlen(lt + 1));
    }
    const char *semi = strchr(v, ';');
    return semi ? wmem_strndup(scope, v, (gsize)(semi - v)) : v;
}

/*
 * The line that ends at @end in the window @w ([0, @end), @end at a '\n'
 * or the end of the window): sets *start to its first byte and returns its
 * length without the line end.
 */
static gsize
line_before(const char *w, gint end, gint *start)
{
    gint ls = end;
    while (ls > 0 && w[ls - 1] != '\n')
        ls--;
    gint e = end;
    while (e > ls && (w[e - 1] == '\r' || w[e - 1] == '\n'))
        e--;
    *start = ls;
    return (gsize)(e - ls);
}

/* Call-ID, From, To and CSeq of one header line (the first of each wins). */
static void
context_header(wmem_allocator_t *scope, const char *line, gsize len, msice_sip_context_t *ctx)
{
    gsize v;
    if (len == 0 || line[0] == ' ' || line[0] == '\t')
        return;                   /* a folded continuation */
    if (!ctx->call_id && (v = header_is(line, len, "Call-ID", "i")) != 0) {
        ctx->call_id = header_value(scope, line, len, v);
    } else if (!ctx->from_uri && (v = header_is(line, len, "From", "f")) != 0) {
        ctx->from_uri = header_uri(scope, line, len, v);
        ctx->from_tag = header_tag(scope, line, len, v);
    } else if (!ctx->to_uri && (v = header_is(line, len, "To", "t")) != 0) {
        ctx->to_uri = header_uri(scope, line, len, v);
        ctx->to_tag = header_tag(scope, line, len, v);
    } else if (!ctx->cseq_method && (v = header_is(line, len, "CSeq", "")) != 0) {
        header_cseq(scope, line, len, v, ctx);
    }
}

/*
 * Reads the header block around the header value @tvb in its data source:
 * backwards to the start line, forwards to the blank line that ends the
 * headers, each at most MSICE_SIP_WINDOW bytes. Stops at a line that is
 * not text (transport headers) and at a blank line (another message).
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
    guint from = (guint)off > MSICE_SIP_WINDOW ? (guint)off - MSICE_SIP_WINDOW : 0;
    guint to = ds_len - ((guint)off + vlen) > MSICE_SIP_WINDOW ? (guint)off + vlen + MSICE_SIP_WINDOW : ds_len;
    if (to <= from)
        return;
    const char *w = (const char *)tvb_get_ptr(ds, from, to - from);
    gint wlen = (gint)(to - from);
    gint pos = off - (gint)from;

    /* Backwards, from the line holding the header name. [ls, e) is one
     * line without its line end. */
    gint ls = pos;
    while (ls > 0 && w[ls - 1] != '\n')
        ls--;
    while (ls > 0) {
        gsize len = line_before(w, ls - 1, &ls);  /* ls - 1: the '\n' ending the line above */
        const char *line = w + ls;
        if (start_line(pinfo->pool, line, len, &ctx->message))
            break;
        if (len == 0 || !line_is_text(line, len))
            break;
        context_header(pinfo->pool, line, len, ctx);
    }

    /* Forwards, from the line after the end of the value (folded lines are
     * part of the value). */
    gint p = pos + (gint)vlen;
    while (p < wlen && w[p] != '\n')
        p++;
    p++;
    while (p < wlen) {
        gint le = p;
        while (le < wlen && w[le] != '\n')
            le++;
        gint e = le;
        while (e > p && w[e - 1] == '\r')
            e--;
        const char *line = w + p;
        gsize len = (gsize)(e - p);
        if (len == 0 || !line_is_text(line, len) || le == wlen)
            break;                /* end of the headers (or of the window) */
        context_header(pinfo->pool, line, len, ctx);
        p = le + 1;
    }
}

/*
 * Scans the lines in front of @body in its data source, nearest first: the
 * part headers of a multipart body (up to the boundary line), then the SIP
 * headers up to the start line.
 */
void
msice_sip_context_of_body(tvbuff_t *body, packet_info *pinfo, msice_sip_context_t *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    tvbuff_t *ds = tvb_get_ds_tvb(body);
    gint off = tvb_raw_offset(body);
    if (!ds || ds == body || off <= 0 || (guint)off > tvb_captured_length(ds))
        return;
    gint from = off > MSICE_SIP_WINDOW ? off - MSICE_SIP_WINDOW : 0;
    const char *w = (const char *)tvb_get_ptr(ds, from, off - from);
    gboolean in_part = TRUE;  /* until a boundary line or the SIP headers */

    gint le = off - from;
    while (le > 0) {
        gint ls;
        gsize len = line_before(w, le, &ls);
        const char *line = w + ls;
        gsize v;
        if (in_part && len >= 2 && line[0] == '-' && line[1] == '-') {
            in_part = FALSE;  /* the boundary above this body's part headers */
        } else if (in_part && (v = header_is(line, len, "Content-Disposition", "")) != 0) {
            if (g_strstr_len(line + v, (gssize)(len - v), "ms-proxy-2007fallback"))
                ctx->fallback = TRUE;
        } else if (start_line(pinfo->pool, line, len, &ctx->message)) {
            break;            /* the top of this message */
        } else {
            gboolean had_call_id = ctx->call_id != NULL;
            context_header(pinfo->pool, line, len, ctx);
            if (!had_call_id && ctx->call_id)
                in_part = FALSE;
        }
        if (ls == 0)
            break;
        le = ls - 1;
    }
    if (!ctx->call_id)
        ctx->fallback = ctx->fallback && !in_part;
}
