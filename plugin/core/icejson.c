/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icejson.c - the per-call report as one JSON document (tshark -z msice,json).
 *
 * It is written from the sections icecall_report_walk() hands out while it
 * writes the text report: the same walk, the same values, so the two cannot
 * disagree. Field names are a public contract: schema/msice-report.schema.json
 * describes them (bump ICEJSON_SCHEMA_VERSION on any change) and the README
 * documents them. Credentials are not in the model, so not in the document.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "icecall.h"

#define ICEJSON_SCHEMA_VERSION "1.1"   /* 1.1: "limits" */

/* Sections are collected per media line and per call, then closed in the
 * order of the document, whatever order the walk hands them in. */
typedef struct {
    GString *out;            /* the calls array */
    GString *call_head;      /* call_id .. scenario */
    GString *mras, *media, *findings;
    GString *cands, *allocs, *pairs, *noms, *promos, *forkm;
    GString *others;         /* other endpoints of a forked call */
    GString *early, *final;  /* "null" or an object */
    GString *media_head;
    GString *unused, *edge_findings;
    GString *item;           /* the section being written, then appended to its array */
    unsigned n_calls;
    bool     in_call;
} jw_t;

/* ---- JSON values -------------------------------------------------------------- */

static void
j_str(GString *o, const char *s)
{
    if (!s) {
        g_string_append(o, "null");
        return;
    }
    /* Capture text may be any bytes: valid UTF-8 first (a copy only when it
     * is not), then escaped; the runs that need no escape go in one append. */
    char *copy = g_utf8_validate(s, -1, NULL) ? NULL : g_utf8_make_valid(s, -1);
    const unsigned char *run = (const unsigned char *)(copy ? copy : s), *c = run;
    g_string_append_c(o, '"');
    for (; *c; c++) {
        if (*c >= 0x20 && *c != '"' && *c != '\\' && *c != 0x7f)
            continue;
        g_string_append_len(o, (const char *)run, c - run);
        run = c + 1;
        switch (*c) {
        case '"':  g_string_append(o, "\\\""); break;
        case '\\': g_string_append(o, "\\\\"); break;
        case '\n': g_string_append(o, "\\n"); break;
        case '\r': g_string_append(o, "\\r"); break;
        case '\t': g_string_append(o, "\\t"); break;
        default:
            g_string_append(o, "\\u00");
            g_string_append_c(o, "0123456789abcdef"[*c >> 4]);
            g_string_append_c(o, "0123456789abcdef"[*c & 15]);
            break;
        }
    }
    g_string_append_len(o, (const char *)run, c - run);
    g_string_append_c(o, '"');
    g_free(copy);
}

/* Keys are this file's literals: nothing to validate or escape. */
static void
j_key(GString *o, const char *k)
{
    if (o->len && o->str[o->len - 1] != '{' && o->str[o->len - 1] != '[')
        g_string_append_c(o, ',');
    g_string_append_c(o, '"');
    g_string_append(o, k);
    g_string_append(o, "\":");
}

/* A number without printf: reports write hundreds of thousands of them. */
static void
j_uint(GString *o, uint64_t v)
{
    char tmp[20];
    int n = sizeof(tmp);
    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    g_string_append_len(o, tmp + n, (gssize)sizeof(tmp) - n);
}

/* key: [body] (or key: body when bracket is false), body already JSON. */
static void
j_kraw(GString *o, const char *k, const GString *body, bool bracket)
{
    j_key(o, k);
    if (bracket)
        g_string_append_c(o, '[');
    g_string_append_len(o, body->str, (gssize)body->len);
    if (bracket)
        g_string_append_c(o, ']');
}

static void
j_kstr(GString *o, const char *k, const char *v)
{
    j_key(o, k);
    j_str(o, v);
}

static void
j_kuint(GString *o, const char *k, uint64_t v)
{
    j_key(o, k);
    j_uint(o, v);
}

/* A frame number, a component, an error code, ...: 0 means none (null). */
static void
j_kopt(GString *o, const char *k, uint64_t v)
{
    j_key(o, k);
    if (v)
        j_uint(o, v);
    else
        g_string_append(o, "null");
}

static void
j_kbool(GString *o, const char *k, bool v)
{
    j_key(o, k);
    g_string_append(o, v ? "true" : "false");
}

static void
j_ktime(GString *o, const char *k, int64_t us)
{
    /* seconds.microseconds, the six digits always written */
    uint64_t mag = us < 0 ? 0 - (uint64_t)us : (uint64_t)us;
    char frac[7];
    uint64_t f = mag % 1000000;
    for (int i = 5; i >= 0; i--, f /= 10)
        frac[i] = (char)('0' + f % 10);
    frac[6] = '\0';
    j_key(o, k);
    if (us < 0)
        g_string_append_c(o, '-');
    j_uint(o, mag / 1000000);
    g_string_append_c(o, '.');
    g_string_append(o, frac);
}

/* {"address": "192.0.2.1", "port": 3478} or null */
static void
j_kendpoint(GString *o, const char *k, const icecall_addr_t *a)
{
    char buf[64];
    j_key(o, k);
    if (!a->family) {
        g_string_append(o, "null");
        return;
    }
    g_string_append_c(o, '{');
    j_kstr(o, "address", icecall_addr_to_string(a, buf, sizeof(buf)));
    j_kuint(o, "port", a->port);
    g_string_append_c(o, '}');
}

static void
j_append_item(GString *arr, const GString *item)
{
    if (arr->len)
        g_string_append_c(arr, ',');
    g_string_append_len(arr, item->str, (gssize)item->len);
}

static const char *
side_name(int s)
{
    return s == 0 ? "A" : s == 1 ? "B" : NULL;
}

static void
j_kpair(GString *o, const char *k, const icecall_rpair_t *p)
{
    char buf[64];
    j_key(o, k);
    g_string_append_c(o, '{');
    j_kstr(o, "text", p->text);
    j_kstr(o, "transport", p->tcp ? "TCP" : "UDP");
    j_kstr(o, "path", icecall_path_short(p->path));
    j_kstr(o, "path_type", icecall_path_token(p->path));
    for (int s = 0; s < 2; s++) {
        j_key(o, s == 0 ? "a" : "b");
        if (!p->end[s].known) {
            g_string_append(o, "null");
            continue;
        }
        g_string_append_c(o, '{');
        j_kstr(o, "type", icecall_ctype_to_string(p->end[s].type));
        j_kstr(o, "address", icecall_addr_to_string(&p->end[s].addr, buf, sizeof(buf)));
        j_kuint(o, "port", p->end[s].addr.port);
        j_kbool(o, "learnt", p->end[s].learnt);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, '}');
}

/* The head of a path section (early media, final path): its path, type and pair. */
static void
j_path_pair(GString *o, const icecall_rpair_t *p)
{
    j_kstr(o, "path", icecall_path_short(p->path));
    j_kstr(o, "path_type", icecall_path_token(p->path));
    j_kpair(o, "pair", p);
}

static void
j_alloc(GString *o, const icecall_rev_t *ev)
{
    g_string_append_c(o, '{');
    j_kstr(o, "side", side_name(ev->u.alloc.side));
    j_kstr(o, "party", ev->u.alloc.party);
    j_kstr(o, "result", icecall_alloc_state_name(ev->u.alloc.state));
    j_kstr(o, "transport", ev->u.alloc.tcp ? "TCP" : "UDP");
    j_kendpoint(o, "client", &ev->u.alloc.client);
    j_kendpoint(o, "edge", &ev->u.alloc.edge);
    j_kendpoint(o, "relayed", &ev->u.alloc.relayed);
    j_kendpoint(o, "reflexive", &ev->u.alloc.reflexive);
    j_kopt(o, "success_frame", ev->u.alloc.success_frame);
    j_kopt(o, "error_code", ev->u.alloc.error_code);
    j_kopt(o, "error_frame", ev->u.alloc.error_code ? ev->u.alloc.error_frame : 0);
    j_kbool(o, "after_401_challenge", ev->u.alloc.after_401);
    j_kuint(o, "credentials_rejected", ev->u.alloc.n_rejected);
    j_kbool(o, "released", ev->u.alloc.released);
    j_kuint(o, "requests", ev->u.alloc.n_requests);
    j_kopt(o, "first_frame", ev->u.alloc.first_frame);
    j_kstr(o, "text", ev->u.alloc.text);
    g_string_append_c(o, '}');
}

static void
j_finding(GString *o, const icecall_finding_t *f)
{
    static const char *const sev[] = { "note", "warning", "error" };
    g_string_append_c(o, '{');
    j_kstr(o, "rule", icecall_rule_name(f->rule));
    j_kstr(o, "severity", f->severity <= ICECALL_SEV_ERROR ? sev[f->severity] : "note");
    j_kopt(o, "frame", f->frame);
    j_kstr(o, "text", f->text);
    g_string_append_c(o, '}');
}

/* The caps reached, as the text report's "Limits reached" block says them:
 * [{"kind": "calls", "kept": 100000, "seen": 200000, "frame": 100001, ...}].
 * kept and seen are null for a cap per call, media line, allocation, ... */
static void
j_limits(GString *o, const icecall_model_t *m)
{
    j_key(o, "limits");
    g_string_append_c(o, '[');
    for (int l = 0; l < ICECALL_LIMIT_COUNT; l++) {
        icecall_limit_info_t li;
        icecall_limit_info(m, (icecall_limit_t)l, &li);
        if (!li.reached)
            continue;
        uint64_t kept;
        char text[200];
        const char *scope = icecall_limit_scope((icecall_limit_t)l);
        icecall_limit_text(m, (icecall_limit_t)l, text, sizeof(text));
        if (o->str[o->len - 1] != '[')
            g_string_append_c(o, ',');
        g_string_append_c(o, '{');
        j_kstr(o, "kind", icecall_limit_token((icecall_limit_t)l));
        j_kstr(o, "items", icecall_limit_name((icecall_limit_t)l));
        j_kstr(o, "scope", *scope ? scope + 1 : NULL);   /* " per call" -> "per call"; null: the whole capture */
        j_kuint(o, "cap", li.cap);
        if (icecall_limit_kept(m, (icecall_limit_t)l, &kept)) {
            j_kuint(o, "kept", kept);
            j_kuint(o, "seen", kept + li.refused);
        } else {
            j_key(o, "kept");
            g_string_append(o, "null");
            j_key(o, "seen");
            g_string_append(o, "null");
        }
        j_kuint(o, "refused", li.refused);
        j_kbool(o, "at_least", li.at_least);
        j_kopt(o, "frame", li.first_frame);
        j_kstr(o, "text", text);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
}

static const char *
result_name(icecall_result_t r)
{
    switch (r) {
    case ICECALL_RESULT_SUCCESS: return "success";
    case ICECALL_RESULT_ERROR:   return "error";
    case ICECALL_RESULT_PENDING: return "no_response";
    case ICECALL_RESULT_NONE:
    default:                     return "not_checked";
    }
}

/* ---- the sink ----------------------------------------------------------------- */

static void
media_reset(jw_t *w)
{
    g_string_truncate(w->media_head, 0);
    g_string_truncate(w->cands, 0);
    g_string_truncate(w->allocs, 0);
    g_string_truncate(w->pairs, 0);
    g_string_truncate(w->noms, 0);
    g_string_truncate(w->promos, 0);
    g_string_truncate(w->forkm, 0);
    g_string_assign(w->early, "null");
    g_string_assign(w->final, "null");
}

static void
on_section(const icecall_rev_t *ev, void *user)
{
    jw_t *w = (jw_t *)user;
    GString *t = w->item;
    char buf[64];
    g_string_truncate(t, 0);
    switch (ev->kind) {
    case ICECALL_REV_CALL:
        w->in_call = true;
        g_string_truncate(w->call_head, 0);
        g_string_truncate(w->mras, 0);
        g_string_truncate(w->media, 0);
        g_string_truncate(w->findings, 0);
        g_string_truncate(w->others, 0);
        g_string_append_c(w->call_head, '{');
        j_kstr(w->call_head, "call_id", ev->u.call.call_id);
        j_kstr(w->call_head, "kind", ev->u.call.from_sip ? "sip_call" : "ice_session");
        j_kbool(w->call_head, "named_after_socket", ev->u.call.addr_keyed);
        j_key(w->call_head, "parties");
        g_string_append_c(w->call_head, '{');
        for (int s = 0; s < 2; s++) {
            j_key(w->call_head, s == 0 ? "A" : "B");
            g_string_append_c(w->call_head, '{');
            j_kstr(w->call_head, "role", s == 0 ? "caller" : "callee");
            j_kstr(w->call_head, "uri", ev->u.call.uri[s]);
            j_kstr(w->call_head, "sip_address", ev->u.call.sip_ip[s].family
                                                ? icecall_addr_to_string(&ev->u.call.sip_ip[s], buf, sizeof(buf))
                                                : NULL);
            if (s == 1)
                j_kstr(w->call_head, "to_tag", ev->u.call.b_tag && *ev->u.call.b_tag ? ev->u.call.b_tag : NULL);
            g_string_append_c(w->call_head, '}');
        }
        g_string_append_c(w->call_head, '}');
        j_kstr(w->call_head, "scenario", ev->u.call.scenario);
        j_kuint(w->call_head, "forks", ev->u.call.n_forks);
        j_kbool(w->call_head, "answered", ev->u.call.answered);
        break;
    case ICECALL_REV_PARTY:
        g_string_append_c(t, '{');
        j_kstr(t, "party", ev->u.party.party);
        j_kstr(t, "uri", ev->u.party.uri);
        j_kstr(t, "sip_address", ev->u.party.sip_ip.family
                                 ? icecall_addr_to_string(&ev->u.party.sip_ip, buf, sizeof(buf)) : NULL);
        j_kstr(t, "to_tag", ev->u.party.tag && *ev->u.party.tag ? ev->u.party.tag : NULL);
        j_kbool(t, "answered", false);
        g_string_append_c(t, '}');
        j_append_item(w->others, t);
        break;
    case ICECALL_REV_FORK_MEDIA:
        g_string_append_c(t, '{');
        j_kstr(t, "party", ev->u.fork_media.party);
        j_kstr(t, "path", icecall_path_short(ev->u.fork_media.pair.path));
        j_kstr(t, "path_type", icecall_path_token(ev->u.fork_media.pair.path));
        j_kpair(t, "pair", &ev->u.fork_media.pair);
        j_ktime(t, "time_s", ev->u.fork_media.time_us);
        j_kopt(t, "frame", ev->u.fork_media.frame);
        j_key(t, "then");
        g_string_append_c(t, '[');
        for (unsigned i = 0; i < ev->u.fork_media.n_then; i++) {
            if (i)
                g_string_append_c(t, ',');
            g_string_append_c(t, '{');
            j_kstr(t, "path", icecall_path_short(ev->u.fork_media.then_path[i]));
            j_kstr(t, "path_type", icecall_path_token(ev->u.fork_media.then_path[i]));
            j_kopt(t, "frame", ev->u.fork_media.then_frame[i]);
            g_string_append_c(t, '}');
        }
        g_string_append_c(t, ']');
        j_kopt(t, "last_frame", ev->u.fork_media.last_frame);
        g_string_append_c(t, '}');
        j_append_item(w->forkm, t);
        break;
    case ICECALL_REV_MRAS:
        g_string_append_c(t, '{');
        j_kstr(t, "side", side_name(ev->u.mras.side));
        j_kstr(t, "party", ev->u.mras.party ? ev->u.mras.party : side_name(ev->u.mras.side));
        j_kstr(t, "client", icecall_addr_to_string(&ev->u.mras.client, buf, sizeof(buf)));
        j_kstr(t, "result", !ev->u.mras.responded ? "no_response" : ev->u.mras.ok ? "ok" : "failed");
        j_kstr(t, "reason", ev->u.mras.responded && !ev->u.mras.ok ? ev->u.mras.reason : NULL);
        j_kopt(t, "frame", ev->u.mras.frame);
        j_kopt(t, "request_frame", ev->u.mras.request_frame);
        g_string_append_c(t, '}');
        j_append_item(w->mras, t);
        break;
    case ICECALL_REV_MEDIA:
        media_reset(w);
        g_string_append_c(w->media_head, '{');
        j_kuint(w->media_head, "index", ev->u.media.mline);
        j_kstr(w->media_head, "name", ev->u.media.name);
        j_kstr(w->media_head, "title", ev->u.media.title);
        j_kopt(w->media_head, "ice_version", ev->u.media.ice_version);
        j_kbool(w->media_head, "from_sdp", ev->u.media.from_sdp);
        break;
    case ICECALL_REV_CAND:
        g_string_append_c(t, '{');
        j_kstr(t, "side", side_name(ev->u.cand.side));
        j_kstr(t, "party", ev->u.cand.party ? ev->u.cand.party : side_name(ev->u.cand.side));
        j_kstr(t, "type", icecall_ctype_to_string(ev->u.cand.type));
        j_kstr(t, "transport", ev->u.cand.tcp ? "TCP" : "UDP");
        j_kstr(t, "address", icecall_addr_to_string(&ev->u.cand.addr, buf, sizeof(buf)));
        j_kuint(t, "port", ev->u.cand.addr.port);
        j_kopt(t, "component", ev->u.cand.component);
        j_kopt(t, "frame", ev->u.cand.frame);
        j_kbool(t, "learnt", ev->u.cand.learnt);
        j_kopt(t, "first_seen_frame", ev->u.cand.learnt ? ev->u.cand.seen_frame : 0);
        j_kstr(t, "evidence", ev->u.cand.evidence && *ev->u.cand.evidence ? ev->u.cand.evidence : NULL);
        g_string_append_c(t, '}');
        j_append_item(w->cands, t);
        break;
    case ICECALL_REV_ALLOC:
        j_alloc(t, ev);
        j_append_item(w->in_call ? w->allocs : w->unused, t);
        break;
    case ICECALL_REV_PAIR:
        g_string_append_c(t, '{');
        j_kpair(t, "pair", &ev->u.pair.pair);
        j_kstr(t, "outcome", result_name(ev->u.pair.result));
        j_kuint(t, "requests", ev->u.pair.n_requests);
        j_kopt(t, "first_check_frame", ev->u.pair.first_check_frame);
        j_kopt(t, "success_frame", ev->u.pair.result == ICECALL_RESULT_SUCCESS ? ev->u.pair.success_frame : 0);
        if (ev->u.pair.result == ICECALL_RESULT_ERROR) {
            j_kuint(t, "error_code", ev->u.pair.error_code);
        } else {
            j_key(t, "error_code");
            g_string_append(t, "null");
        }
        j_kopt(t, "error_frame", ev->u.pair.result == ICECALL_RESULT_ERROR ? ev->u.pair.error_frame : 0);
        j_kbool(t, "request_missing", ev->u.pair.request_missing);
        j_kuint(t, "responses_without_request", ev->u.pair.n_responses_only);
        j_kbool(t, "nominated", ev->u.pair.nominated);
        j_kopt(t, "nominated_frame", ev->u.pair.nominated ? ev->u.pair.nominated_frame : 0);
        g_string_append_c(t, '}');
        j_append_item(w->pairs, t);
        if (ev->u.pair.nominated) {
            g_string_truncate(t, 0);
            g_string_append_c(t, '{');
            j_kpair(t, "pair", &ev->u.pair.pair);
            j_kopt(t, "frame", ev->u.pair.nominated_frame);
            g_string_append_c(t, '}');
            j_append_item(w->noms, t);
        }
        break;
    case ICECALL_REV_EARLY:
        g_string_truncate(w->early, 0);
        g_string_append_c(w->early, '{');
        j_path_pair(w->early, &ev->u.early.pair);
        j_ktime(w->early, "time_s", ev->u.early.time_us);
        j_kopt(w->early, "frame", ev->u.early.frame);
        g_string_append_c(w->early, '}');
        break;
    case ICECALL_REV_PROMOTION:
        g_string_append_c(t, '{');
        j_ktime(t, "time_s", ev->u.promotion.time_us);
        j_kopt(t, "frame", ev->u.promotion.frame);
        j_kstr(t, "from", icecall_path_short(ev->u.promotion.from));
        j_kstr(t, "from_type", icecall_path_token(ev->u.promotion.from));
        j_kbool(t, "from_known", ev->u.promotion.from_known);
        j_kstr(t, "to", icecall_path_short(ev->u.promotion.to.path));
        j_kstr(t, "to_type", icecall_path_token(ev->u.promotion.to.path));
        j_kpair(t, "pair", &ev->u.promotion.to);
        j_kstr(t, "reason", ev->u.promotion.reason);
        g_string_append_c(t, '}');
        j_append_item(w->promos, t);
        break;
    case ICECALL_REV_FINAL:
        g_string_truncate(w->final, 0);
        g_string_append_c(w->final, '{');
        j_path_pair(w->final, &ev->u.final.pair);
        j_kuint(w->final, "packets", ev->u.final.packets);
        j_kopt(w->final, "first_frame", ev->u.final.first_frame);
        j_kopt(w->final, "last_frame", ev->u.final.last_frame);
        g_string_append_c(w->final, '}');
        break;
    case ICECALL_REV_MEDIA_END:
        g_string_append_len(t, w->media_head->str, (gssize)w->media_head->len);
        j_kraw(t, "candidates", w->cands, true);
        j_kraw(t, "allocations", w->allocs, true);
        j_kraw(t, "pairs", w->pairs, true);
        j_kraw(t, "nominations", w->noms, true);
        j_kraw(t, "early_media", w->early, false);
        j_kraw(t, "promotions", w->promos, true);
        j_kbool(t, "promotions_truncated", ev->u.media_end.promotions_truncated);
        j_kraw(t, "final_path", w->final, false);
        j_kraw(t, "fork_media", w->forkm, true);
        j_kstr(t, "verdict", ev->u.media_end.verdict);
        g_string_append_c(t, '}');
        j_append_item(w->media, t);
        media_reset(w);
        break;
    case ICECALL_REV_FINDING:
        j_finding(t, ev->u.finding);
        j_append_item(w->in_call ? w->findings : w->edge_findings, t);
        break;
    case ICECALL_REV_CALL_END:
        g_string_append_len(t, w->call_head->str, (gssize)w->call_head->len);
        j_kraw(t, "other_endpoints", w->others, true);
        j_kraw(t, "mras", w->mras, true);
        j_kraw(t, "media", w->media, true);
        j_kraw(t, "findings", w->findings, true);
        g_string_append_c(t, '}');
        j_append_item(w->out, t);
        w->n_calls++;
        w->in_call = false;
        break;
    default:
        break;
    }
}

void
icecall_report_json(const icecall_model_t *m, GString *out, GHashTable *only)
{
    jw_t w;
    memset(&w, 0, sizeof(w));
    GString **all[] = { &w.out, &w.call_head, &w.mras, &w.media, &w.findings, &w.cands, &w.allocs, &w.pairs,
                        &w.noms, &w.promos, &w.forkm, &w.others, &w.early, &w.final, &w.media_head, &w.unused,
                        &w.edge_findings, &w.item };
    for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
        *all[i] = g_string_new("");
    media_reset(&w);
    icecall_sink_t sink = { on_section, &w };
    icecall_report_walk(m, NULL, only, &sink);
    g_string_append(out, "{\"schema_version\":\"" ICEJSON_SCHEMA_VERSION "\",\"generator\":\"msice\"");
    j_kbool(out, "filtered", only != NULL);
    j_limits(out, m);
    j_kraw(out, "calls", w.out, true);
    j_kraw(out, "unused_allocations", w.unused, true);
    j_kraw(out, "edge_findings", w.edge_findings, true);
    g_string_append(out, "}\n");
    for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
        g_string_free(*all[i], TRUE);
}
