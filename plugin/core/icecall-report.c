/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icecall-report.c - the per-call report over the call model: the walk that
 * sends its sections as events (icecall_report_walk(), which icejson.c turns
 * into JSON), the text report (icecall_report()) and the rows of the GUI
 * table (icecall_foreach_row()). See icecall.h.
 */
#include "icecall-int.h"
#include "msnet.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- report -------------------------------------------------------------------- */

/* The report's text. @o is NULL when the walk only feeds a sink (the JSON
 * report): then nothing is formatted. No text written here is read back. */
static void say(GString *o, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
say(GString *o, const char *fmt, ...)
{
    if (!o)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_string_append_vprintf(o, fmt, ap);
    va_end(ap);
}

static void
say_s(GString *o, const char *s)
{
    if (o)
        g_string_append(o, s);
}

/* One entry of a candidate count line: "2 host (1 UDP, 1 TCP)"; nothing for none. */
static void
append_type_count(GString *o, bool *any, icecall_ctype_t type, unsigned udp, unsigned tcp)
{
    if (!udp && !tcp)
        return;
    say(o, "%s%u %s (", *any ? ", " : "", udp + tcp, icecall_ctype_to_string(type));
    if (udp)
        say(o, "%u UDP", udp);
    if (tcp)
        say(o, "%s%u TCP", udp ? ", " : "", tcp);
    say_s(o, ")");
    *any = true;
}

/* "2 host (1 UDP, 1 TCP), 1 relay (1 UDP)": the candidates of a side (and
 * fork) by type. A call with SDP counts what its SDP offered (component 1,
 * of the ICE version in use); a session without SDP, what the packets say
 * each address is. */
static void
count_cands(GString *o, const call_t *c, unsigned mi, int side, int fork)
{
    static const icecall_ctype_t order[] = { ICECALL_CTYPE_HOST, ICECALL_CTYPE_SRFLX, ICECALL_CTYPE_PRFLX,
                                             ICECALL_CTYPE_RELAY, ICECALL_CTYPE_UNKNOWN };
    unsigned n[G_N_ELEMENTS(order)][2];   /* [type][tcp] */
    const media_t *md = c->media[mi];
    const GArray *a = md->cands[side];
    bool any = false;
    if (!o)
        return;   /* text only */
    memset(n, 0, sizeof(n));
    for (guint i = 0; i < a->len; i++) {
        const cand_t *x = &g_array_index(a, cand_t, i);
        icecall_ctype_t type = x->type;
        if (c->from_sip) {
            if ((x->component != 1 && x->component != 0) || !cand_in_use(md, x) || !of_party(x, side, fork))
                continue;
        } else {
            cview_t v;
            if (x->merged)
                continue;
            cand_view_type(c, mi, side, (int)i, &v);
            type = v.type;
        }
        for (unsigned t = 0; t < G_N_ELEMENTS(order); t++) {
            if (order[t] == type)
                n[t][x->tcp ? 1 : 0]++;
        }
    }
    for (unsigned t = 0; t < G_N_ELEMENTS(order); t++)
        append_type_count(o, &any, order[t], n[t][0], n[t][1]);
    if (!any)
        say_s(o, "none seen");
}


/* "1 request", "1 request and its 9 retransmissions", "2 requests and their 6 retransmissions" */
static const char *
requests_text(const alloc_t *a, char *buf, size_t size)
{
    unsigned re = a->n_transmissions > a->n_requests ? a->n_transmissions - a->n_requests : 0;
    int n = snprintf(buf, size, "%u request%s", a->n_requests, a->n_requests == 1 ? "" : "s");
    if (re && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " and %s %u retransmission%s", a->n_requests == 1 ? "its" : "their", re,
                 re == 1 ? "" : "s");
    return buf;
}

/* The same, naming the requests: "1 Allocate request and its 3 retransmissions" */
const char *
allocate_requests_text(const alloc_t *a, char *buf, size_t size)
{
    char n[80];
    requests_text(a, n, sizeof(n));
    const char *sp = strchr(n, ' ');
    snprintf(buf, size, "%.*s Allocate%s", sp ? (int)(sp - n) : 0, n, sp ? sp : "");
    return buf;
}

static void
alloc_text(const alloc_t *a, GString *o)
{
    char c[64], e[64], x[64], y[64];
    say(o, "%s -> Edge %s %s: ", addr_str(&a->client, c, sizeof(c)), addr_str(&a->edge, e, sizeof(e)),
        a->tcp ? "TCP" : "UDP");
    if (a->success) {
        say(o, "relayed %s, reflexive %s (frame %u%s%s)", addr_str(&a->relayed, x, sizeof(x)),
            addr_str(&a->reflexive, y, sizeof(y)), a->success_frame,
            a->n_401 ? "; after a 401 challenge" : "", a->released ? "; released later" : "");
    } else if (a->error_code) {
        say(o, "error %u (frame %u)", a->error_code, a->error_frame);
        if (a->n_rejected)
            say(o, " (401 %u time%s to requests with credentials: rejected)", a->n_rejected,
                a->n_rejected == 1 ? "" : "s");
    } else if (a->pending) {
        char n[96];
        say(o, "no response to %s (first frame %u)", requests_text(a, n, sizeof(n)),
            a->first_frame);
    } else if (addr_set(&a->relayed)) {
        /* Allocated before the capture: the address came from elsewhere. */
        say(o, "relayed %s", addr_str(&a->relayed, x, sizeof(x)));
        if (addr_set(&a->reflexive))
            say(o, ", reflexive %s", addr_str(&a->reflexive, y, sizeof(y)));
        say(o, " (allocated before the capture started; relayed address from %s, frame %u%s)",
            a->relayed_from == RELAYED_FROM_RELEASE ? "its release response"
            : a->relayed_from == RELAYED_FROM_SDP   ? "the relay candidate based on it in the SDP"
                                                    : "an Allocate response",
            a->relayed_frame,
            a->released && a->relayed_from != RELAYED_FROM_RELEASE ? "; released later" : "");
    } else if (!a->n_transmissions) {
        say_s(o, "allocated before the capture started (only relayed data seen; relayed address not seen)");
    } else {
        say_s(o, "?");
    }
}

static const char *
time_str(int64_t us, int64_t base, char *buf, size_t size)
{
    int64_t d = us - base;
    int64_t ms = ((d < 0 ? -d : d) + 500) / 1000; /* rounded to the millisecond */
    snprintf(buf, size, "%s%" G_GINT64_FORMAT ".%03" G_GINT64_FORMAT " s", d < 0 ? "-" : "", ms / 1000, ms % 1000);
    return buf;
}
/* A relay's address, or what is known of it. */
static const char *
relay_addr_text(const cand_t *x, char *buf, size_t size)
{
    char e[64];
    if (x->alloc)
        snprintf(buf, size, "an unseen relayed address on the Edge %s", addr_str(&x->alloc->edge, e, sizeof(e)));
    else
        addr_str(&x->addr, buf, size);
    return buf;
}

/* "relay UDP via 203.0.113.20:3480 (host and srflx checks failed)" */
static void
verdict_text(call_t *c, unsigned mi, char *buf, size_t size)
{
    media_t *md = c->media[mi];
    int b = b_fork(c);
    int fp = final_pair(md, b);
    bool failed[ICECALL_PATH_HOST + 1] = { false };
    bool ok[ICECALL_PATH_HOST + 1] = { false };
    unsigned n_checked = 0;
    for (guint i = 0; i < md->pairs->len; i++) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, i);
        if ((!p->n_requests && !p->n_responses_only) || p->merged || pair_fork(c, mi, p) != b)
            continue;
        n_checked++;
        icecall_path_t pt = pair_path(c, mi, p);
        if (p->result == ICECALL_RESULT_SUCCESS)
            ok[pt] = true;
        else
            failed[pt] = true;
    }
    if (fp < 0) {
        if (n_checked && !ok[ICECALL_PATH_HOST] && !ok[ICECALL_PATH_SRFLX] && !ok[ICECALL_PATH_RELAY_UDP] &&
            !ok[ICECALL_PATH_RELAY_TCP] && !ok[ICECALL_PATH_NONE])
            snprintf(buf, size, "no media path: every connectivity check failed");
        else if (n_checked)
            snprintf(buf, size, "no media seen (a pair succeeded: media may not be in the capture)");
        else
            snprintf(buf, size, "no media and no connectivity checks seen");
        return;
    }
    const pair_t *p = &g_array_index(md->pairs, pair_t, fp);
    icecall_path_t pt = pair_path(c, mi, p);
    char via[224] = "";
    const cand_t *x = cand_at(c, mi, 0, p->cand[0]);
    const cand_t *y = cand_at(c, mi, 1, p->cand[1]);
    char a1[96], a2[96];
    if (pt == ICECALL_PATH_RELAY_UDP || pt == ICECALL_PATH_RELAY_TCP) {
        const cand_t *rl = (x && x->type == ICECALL_CTYPE_RELAY) ? x : y;
        const cand_t *rl2 = (rl == x) ? y : x;
        if (rl2 && rl2->type == ICECALL_CTYPE_RELAY)
            snprintf(via, sizeof(via), " via %s and %s", relay_addr_text(rl, a1, sizeof(a1)),
                     relay_addr_text(rl2, a2, sizeof(a2)));
        else if (rl)
            snprintf(via, sizeof(via), " via %s", relay_addr_text(rl, a1, sizeof(a1)));
    } else if (x && y) {
        snprintf(via, sizeof(via), " %s <-> %s", addr_str(&x->addr, a1, sizeof(a1)), addr_str(&y->addr, a2, sizeof(a2)));
    }
    /* Better paths that were tried and failed. */
    char why[96] = "";
    static const icecall_path_t better[] = { ICECALL_PATH_HOST, ICECALL_PATH_SRFLX, ICECALL_PATH_RELAY_UDP };
    static const char *const names[] = { "host", "srflx", "relay UDP" };
    unsigned n = 0;
    for (unsigned i = 0; i < G_N_ELEMENTS(better); i++) {
        if (better[i] <= pt || !failed[better[i]] || ok[better[i]])
            continue;
        size_t l = strlen(why);
        snprintf(why + l, sizeof(why) - l, "%s%s", n ? " and " : " (", names[i]);
        n++;
    }
    if (n) {
        size_t l = strlen(why);
        snprintf(why + l, sizeof(why) - l, " checks failed)");
    }
    snprintf(buf, size, "final path: %s%s%s%s", path_short(pt), via, why,
             pt == ICECALL_PATH_RELAY_TCP && media_tcp_by_design(md) ? " (TCP by design)" : "");
}

/* ---- report: sessions without SDP ------------------------------------------------ */

/* One line per address of a side: its type and the packets that say so. */
static void
session_cand_lines(GString *o, const call_t *c, unsigned mi, int side)
{
    const GArray *a = c->media[mi]->cands[side];
    for (guint i = 0; i < a->len; i++) {
        const cand_t *x = &g_array_index(a, cand_t, i);
        cview_t v;
        char s1[64], s2[64];
        if (x->merged)
            continue;
        cand_view(c, mi, side, (int)i, &v);
        if (x->alloc)
            snprintf(s1, sizeof(s1), "(relayed address not seen)");
        else
            addr_str(&x->addr, s1, sizeof(s1));
        say(o, "      %s %s%s: %s", icecall_ctype_to_string(v.type), s1,
            !x->tcp ? "" : x->tcptype == ICECALL_TCP_SRC_ACTIVE ? " TCP-ACT (opened the connection)"
            : x->tcptype == ICECALL_TCP_DST_ACTIVE ? " TCP-PASS (accepted the connection)" : " TCP",
            v.why);
        if (v.type == ICECALL_CTYPE_HOST && v.alloc && v.alloc->success && addr_set(&v.alloc->reflexive) &&
            !addr_eq(&v.alloc->reflexive, &x->addr))
            say(o, "; leaves through its NAT as srflx %s (the Edge's view, frame %u)",
                addr_str(&v.alloc->reflexive, s2, sizeof(s2)), v.alloc->success_frame);
        say_s(o, "\n");
    }
}

/* ---- the report's index of allocations ------------------------------------- */

/*
 * Which allocations belong to which party is asked once per media line and
 * party; a scan of every allocation of the capture each time made the report
 * quadratic in calls. The walk indexes them once by every address they can be
 * matched on; a media line then looks up its own candidates.
 */
typedef struct {
    GHashTable *pos;          /* alloc_t* -> its position in alloc_list + 1 */
    GHashTable *by_addr;      /* akey_t (with port) of relayed/reflexive -> GArray of positions */
    GHashTable *by_ip;        /* akey_t (IP) of relayed/reflexive -> positions */
    GHashTable *failed_by_ip; /* akey_t (IP) of the client of a failed allocation -> positions */
    GHashTable *by_client;    /* akey_t (with port) of the client socket -> positions */
} alloc_index_t;

static void
index_add(GHashTable *t, const icecall_addr_t *a, bool with_port, guint pos)
{
    akey_t k;
    make_key(&k, a, false, with_port);
    GArray *l = (GArray *)g_hash_table_lookup(t, &k);
    if (!l) {
        l = g_array_new(FALSE, FALSE, sizeof(guint));
        g_hash_table_insert(t, g_memdup2(&k, sizeof(k)), l);
    }
    /* An allocation whose relayed and reflexive addresses are the same is listed once. */
    if (!l->len || g_array_index(l, guint, l->len - 1) != pos)
        g_array_append_val(l, pos);
}

static GHashTable *
index_table(void)
{
    return g_hash_table_new_full(akey_hash, akey_equal, g_free, (GDestroyNotify)g_array_unref);
}

static void
alloc_index_build(const icecall_model_t *m, alloc_index_t *ix)
{
    ix->pos = g_hash_table_new(g_direct_hash, g_direct_equal);
    ix->by_addr = index_table();
    ix->by_ip = index_table();
    ix->failed_by_ip = index_table();
    ix->by_client = index_table();
    for (guint i = 0; i < m->alloc_list->len; i++) {
        const alloc_t *a = (const alloc_t *)g_ptr_array_index(m->alloc_list, i);
        g_hash_table_insert(ix->pos, (gpointer)a, GUINT_TO_POINTER(i + 1));
        const icecall_addr_t *own[2] = { &a->relayed, &a->reflexive };
        for (int k = 0; k < 2; k++) {
            if (!addr_set(own[k]))
                continue;
            index_add(ix->by_addr, own[k], true, i);
            index_add(ix->by_ip, own[k], false, i);
        }
        if (!a->success)
            index_add(ix->failed_by_ip, &a->client, false, i);
        index_add(ix->by_client, &a->client, true, i);
    }
}

static void
alloc_index_free(alloc_index_t *ix)
{
    g_hash_table_destroy(ix->pos);
    g_hash_table_destroy(ix->by_addr);
    g_hash_table_destroy(ix->by_ip);
    g_hash_table_destroy(ix->failed_by_ip);
    g_hash_table_destroy(ix->by_client);
}

/* Appends the positions @t lists under @a to @out. */
static void
index_find(GHashTable *t, const icecall_addr_t *a, bool with_port, GArray *out)
{
    akey_t k;
    make_key(&k, a, false, with_port);
    const GArray *l = (const GArray *)g_hash_table_lookup(t, &k);
    if (l)
        g_array_append_vals(out, l->data, l->len);
}

static gint
cmp_uint(gconstpointer a, gconstpointer b)
{
    guint x = *(const guint *)a, y = *(const guint *)b;
    return x < y ? -1 : x > y;
}

/* Sorts @l and drops repeats. */
static void
sort_unique(GArray *l)
{
    g_array_sort(l, cmp_uint);
    guint n = 0;
    for (guint i = 0; i < l->len; i++) {
        if (!n || g_array_index(l, guint, n - 1) != g_array_index(l, guint, i))
            g_array_index(l, guint, n++) = g_array_index(l, guint, i);
    }
    g_array_set_size(l, n);
}

/* Positions of the allocations that may be the party's: those its candidates'
 * addresses name. Each is then tested with party_alloc_mine(). */
static void
party_alloc_candidates(const alloc_index_t *ix, const GArray *cs, int side, int fork, GArray *out)
{
    for (guint k = 0; k < cs->len; k++) {
        const cand_t *x = &g_array_index(cs, cand_t, k);
        if (!of_party(x, side, fork))
            continue;
        if (x->type == ICECALL_CTYPE_HOST)
            index_find(ix->failed_by_ip, &x->addr, false, out);
        if (x->alloc) {
            guint pos = GPOINTER_TO_UINT(g_hash_table_lookup(ix->pos, x->alloc));
            if (pos)
                g_array_append_val(out, (guint){ pos - 1 });
            continue;   /* party_has() ignores candidates learnt from an allocation */
        }
        index_find(ix->by_addr, &x->addr, true, out);
        if (x->type == ICECALL_CTYPE_HOST)
            index_find(ix->by_ip, &x->addr, false, out);
    }
    sort_unique(out);
}

/* Is allocation @a the party's: its relayed or reflexive address one of the
 * party's candidates, a candidate learnt from it, or (failed) made from a
 * host address of the party? */
static bool
party_alloc_mine(const alloc_t *a, const GArray *cs, int side, int fork)
{
    if ((addr_set(&a->relayed) && party_has(cs, &a->relayed, side, fork)) ||
        (addr_set(&a->reflexive) && party_has(cs, &a->reflexive, side, fork)))
        return true;
    for (guint k = 0; k < cs->len; k++) {
        const cand_t *x = &g_array_index(cs, cand_t, k);
        if (!of_party(x, side, fork))
            continue;
        if (x->alloc == a || (!a->success && x->type == ICECALL_CTYPE_HOST && ip_eq(&x->addr, &a->client)))
            return true;
    }
    return false;
}

/* Positions of the allocations that may be side @s's in a session: made from
 * a socket its candidates name (tested with session_alloc_mine()). */
static void
session_alloc_candidates(const alloc_index_t *ix, const GArray *cs, GArray *out)
{
    for (guint k = 0; k < cs->len; k++) {
        const cand_t *x = &g_array_index(cs, cand_t, k);
        if (x->merged)
            continue;
        if (x->alloc) {
            guint pos = GPOINTER_TO_UINT(g_hash_table_lookup(ix->pos, x->alloc));
            if (pos)
                g_array_append_val(out, (guint){ pos - 1 });
        }
        if (addr_set(&x->base))
            index_find(ix->by_client, &x->base, true, out);
        index_find(ix->by_client, &x->addr, true, out);
    }
    sort_unique(out);
}

/* Is allocation @a one of side @s's in this session: made from a socket the
 * session's checks or media use (a host, or the socket behind a relay)? */
static bool
session_alloc_mine(const call_t *c, unsigned mi, int s, const alloc_t *a)
{
    const GArray *cs = c->media[mi]->cands[s];
    for (guint i = 0; i < cs->len; i++) {
        const cand_t *x = &g_array_index(cs, cand_t, i);
        if (x->merged)
            continue;
        if (x->alloc == a || (addr_set(&x->base) && addr_eq(&x->base, &a->client)))
            return true;
        if (x->tcp == a->tcp && addr_eq(&x->addr, &a->client))
            return true;
    }
    return false;
}

/* ---- report sections (icecall_rev_t): what the text and the JSON report share ---- */

static void
rev_send(const icecall_sink_t *sk, const icecall_rev_t *ev)
{
    if (sk && sk->fn)
        sk->fn(ev, sk->user);
}

/* A pair as the report names it; @buf receives its text. */
static void
rev_pair(call_t *c, unsigned mi, const pair_t *p, icecall_rpair_t *r, char *buf, size_t size)
{
    memset(r, 0, sizeof(*r));
    pair_text(c, mi, p, buf, size);
    r->text = buf;
    r->path = pair_path(c, mi, p);
    bool tcp = p->relayed_tcp;
    for (int s = 0; s < 2; s++) {
        const cand_t *x = cand_at(c, mi, s, p->cand[s]);
        if (!x)
            continue;
        cview_t v;
        cand_view(c, mi, s, p->cand[s], &v);
        r->end[s].known = true;
        r->end[s].type = v.type;
        r->end[s].addr = x->addr;
        r->end[s].learnt = x->learnt;
        tcp = tcp || x->tcp;
    }
    r->tcp = tcp;
}

/* An allocation's section; @text receives the report's words for it. */
static void
rev_alloc(const alloc_t *a, int side, icecall_rev_t *ev, GString *text)
{
    memset(ev, 0, sizeof(*ev));
    ev->kind = ICECALL_REV_ALLOC;
    ev->u.alloc.side = side;
    ev->u.alloc.state = a->success ? ICECALL_ALLOC_SUCCESS : a->error_code ? ICECALL_ALLOC_ERROR
                        : a->pending ? ICECALL_ALLOC_NO_RESPONSE : ICECALL_ALLOC_UNKNOWN;
    ev->u.alloc.client = a->client;
    ev->u.alloc.edge = a->edge;
    ev->u.alloc.relayed = a->relayed;
    ev->u.alloc.reflexive = a->reflexive;
    ev->u.alloc.tcp = a->tcp;
    ev->u.alloc.after_401 = a->n_401 != 0;
    ev->u.alloc.released = a->released;
    ev->u.alloc.success_frame = a->success_frame;
    ev->u.alloc.error_frame = a->error_frame;
    ev->u.alloc.first_frame = a->first_frame;
    ev->u.alloc.error_code = a->error_code;
    ev->u.alloc.n_requests = a->n_requests;
    ev->u.alloc.n_rejected = a->n_rejected;
    g_string_truncate(text, 0);
    alloc_text(a, text);
    ev->u.alloc.text = text->str;
}

/* One allocation line of the report ("      A: ..." or "  ..."), from its
 * section; @party: the party's label ("A", "B", "B2"), NULL outside a call. */
static void
report_alloc(GString *o, const alloc_t *a, int side, const char *party, const char *indent, const icecall_sink_t *sk)
{
    icecall_rev_t ev;
    GString *t = g_string_new("");
    rev_alloc(a, side, &ev, t);
    ev.u.alloc.party = party;
    say(o, "%s%s%s%s\n", indent, party ? party : "", party ? ": " : "", ev.u.alloc.text);
    rev_send(sk, &ev);
    g_string_free(t, TRUE);
}

/* The candidates of a media line of one party (@side, @fork; @party its
 * label): those the text report counts (component 1 of the ICE version in
 * use) or, without SDP, lists. */
static void
report_cands(call_t *c, unsigned mi, int s, int fork, const char *party, const icecall_sink_t *sk)
{
    const media_t *md = c->media[mi];
    if (sk) {
        for (guint i = 0; i < md->cands[s]->len; i++) {
            const cand_t *x = &g_array_index(md->cands[s], cand_t, i);
            if (c->from_sip && ((x->component != 1 && x->component != 0) || !cand_in_use(md, x) ||
                                !of_party(x, s, fork)))
                continue;
            cview_t v;
            cand_view(c, mi, s, (int)i, &v);
            icecall_rev_t ev;
            memset(&ev, 0, sizeof(ev));
            ev.kind = ICECALL_REV_CAND;
            ev.u.cand.side = s;
            ev.u.cand.party = party;
            ev.u.cand.type = v.type;
            ev.u.cand.addr = x->addr;
            ev.u.cand.tcp = x->tcp;
            ev.u.cand.component = x->component;
            ev.u.cand.frame = x->learnt ? 0 : x->frame;
            ev.u.cand.learnt = x->learnt;
            ev.u.cand.seen_frame = x->seen_frame;
            ev.u.cand.evidence = v.why;
            rev_send(sk, &ev);
        }
    }
}

/* The allocations of a session without SDP, and the relays the capture
 * shows without their allocation (the far side's, usually). */
static unsigned
session_allocations(const icecall_model_t *m, const alloc_index_t *ix, const call_t *c, unsigned mi, GString *o,
                    GHashTable *listed, const icecall_sink_t *sk)
{
    unsigned na = 0;
    GArray *may[2];
    for (int s = 0; s < 2; s++) {
        may[s] = g_array_new(FALSE, FALSE, sizeof(guint));
        session_alloc_candidates(ix, c->media[mi]->cands[s], may[s]);
    }
    /* In the capture's order of allocations, A before B for each. */
    guint next[2] = { 0, 0 };
    while (next[0] < may[0]->len || next[1] < may[1]->len) {
        guint p0 = next[0] < may[0]->len ? g_array_index(may[0], guint, next[0]) : G_MAXUINT;
        guint p1 = next[1] < may[1]->len ? g_array_index(may[1], guint, next[1]) : G_MAXUINT;
        guint i = MIN(p0, p1);
        const alloc_t *a = (const alloc_t *)g_ptr_array_index(m->alloc_list, i);
        for (int s = 0; s < 2; s++) {
            if ((s == 0 ? p0 : p1) != i)
                continue;
            next[s]++;
            if (!session_alloc_mine(c, mi, s, a))
                continue;
            if (!na++)
                say_s(o, "    TURN allocations:\n");
            report_alloc(o, a, s, s == 0 ? "A" : "B", "      ", sk);
            if (listed)
                g_hash_table_add(listed, (gpointer)a);
        }
    }
    g_array_free(may[0], TRUE);
    g_array_free(may[1], TRUE);
    for (int s = 0; s < 2; s++) {
        const GArray *cs = c->media[mi]->cands[s];
        for (guint i = 0; i < cs->len; i++) {
            const cand_t *x = &g_array_index(cs, cand_t, i);
            cview_t v;
            char a1[64];
            if (x->merged)
                continue;
            cand_view(c, mi, s, (int)i, &v);
            if (v.type != ICECALL_CTYPE_RELAY || v.alloc)
                continue;
            if (!na++)
                say_s(o, "    TURN allocations:\n");
            icecall_rev_t ev;
            memset(&ev, 0, sizeof(ev));
            ev.kind = ICECALL_REV_ALLOC;
            ev.u.alloc.side = s;
            ev.u.alloc.party = s == 0 ? "A" : "B";
            ev.u.alloc.state = ICECALL_ALLOC_NOT_IN_CAPTURE;
            ev.u.alloc.relayed = x->addr;
            ev.u.alloc.tcp = x->tcp;
            ev.u.alloc.first_frame = x->seen_frame;
            char line[256];
            snprintf(line, sizeof(line), "relay %s, allocation not in the capture, first seen in frame %u: %s",
                     addr_str(&x->addr, a1, sizeof(a1)), x->seen_frame, v.why);
            ev.u.alloc.text = line;
            say(o, "      %s: %s\n", s == 0 ? "A" : "B", line);
            rev_send(sk, &ev);
        }
    }
    return na;
}

/* "0 (not marked)", "46 (EF)", "0 (not marked), 46 (EF)" */
static void
dscp_text(uint64_t mask, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (uint8_t v = 0; v < 64 && n < size; v++) {
        if (!((mask >> v) & 1u))
            continue;
        const char *name = msnet_dscp_name(v);
        int w = snprintf(buf + n, size - n, "%s%u%s%s%s", n ? ", " : "", v, v == 0 ? " (not marked" : name ? " (" : "",
                         v == 0 ? "" : name ? name : "", v == 0 || name ? ")" : "");
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

static void
report_media(const icecall_model_t *m, const alloc_index_t *ix, call_t *c, unsigned mi, GString *o, GHashTable *listed,
             const icecall_sink_t *sk)
{
    media_t *md = c->media[mi];
    char buf[320], t[32], lb[8];
    int b = b_fork(c);
    party_t ps[ICECALL_MAX_FORKS + 1];
    unsigned nparties = parties(c, ps);
    uint8_t v = media_version(md);
    icecall_rev_t ev;
    if (!c->from_sip) {
        session_refresh_name(c, mi);
        session_media_text(c, mi, buf, sizeof(buf));
        say(o, "  Media %s; ICE version not known: no SDP\n", buf);
    } else if (v) {
        say(o, "  Media %s (ICE v%u)\n", md->name, v);
    } else {
        say(o, "  Media %s (ICE version not known: no SDP)\n", md->name);
    }
    memset(&ev, 0, sizeof(ev));
    ev.kind = ICECALL_REV_MEDIA;
    ev.u.media.mline = mi;
    ev.u.media.name = md->name;
    ev.u.media.title = c->from_sip ? md->name : buf;
    ev.u.media.ice_version = c->from_sip ? v : 0;
    ev.u.media.from_sdp = c->from_sip;
    rev_send(sk, &ev);
    for (unsigned pn = 0; pn < nparties; pn++) {
        if (pn >= 2 && !party_any(md, ps[pn]))
            continue;
        int s = ps[pn].side;
        report_cands(c, mi, s, ps[pn].fork, party_label(c, ps[pn], lb, sizeof(lb)), sk);
        say(o, "    %s candidates: ", party_label(c, ps[pn], lb, sizeof(lb)));
        if (!c->from_sip) {
            count_cands(o, c, mi, s, ps[pn].fork);
            say_s(o, "\n");
            session_cand_lines(o, c, mi, s);
            continue;
        }
        count_cands(o, c, mi, s, ps[pn].fork);
        if (pn >= 2)
            say(o, " (a fork of the INVITE that %s)", c->answered >= 0 ? "did not answer"
                                                                      : "has not answered");
        say_s(o, "\n");
    }
    /* TURN allocations backing each party (a session without SDP: those of
     * the sockets its checks and media use). */
    unsigned na = c->from_sip ? 0 : session_allocations(m, ix, c, mi, o, listed, sk);
    if (c->from_sip) {
        /* In the capture's order of allocations; for each, its parties in order. */
        GArray *may[ICECALL_MAX_FORKS + 1];
        guint next[ICECALL_MAX_FORKS + 1];
        for (unsigned pn = 0; pn < nparties; pn++) {
            may[pn] = g_array_new(FALSE, FALSE, sizeof(guint));
            party_alloc_candidates(ix, md->cands[ps[pn].side], ps[pn].side, ps[pn].fork, may[pn]);
            next[pn] = 0;
        }
        for (;;) {
            guint i = G_MAXUINT;
            for (unsigned pn = 0; pn < nparties; pn++) {
                if (next[pn] < may[pn]->len)
                    i = MIN(i, g_array_index(may[pn], guint, next[pn]));
            }
            if (i == G_MAXUINT)
                break;
            const alloc_t *a = (const alloc_t *)g_ptr_array_index(m->alloc_list, i);
            for (unsigned pn = 0; pn < nparties; pn++) {
                if (next[pn] >= may[pn]->len || g_array_index(may[pn], guint, next[pn]) != i)
                    continue;
                next[pn]++;
                int s = ps[pn].side;
                if (!party_alloc_mine(a, md->cands[s], s, ps[pn].fork))
                    continue;
                if (!na++)
                    say_s(o, "    TURN allocations:\n");
                report_alloc(o, a, s, party_label(c, ps[pn], lb, sizeof(lb)), "      ", sk);
            }
        }
        for (unsigned pn = 0; pn < nparties; pn++)
            g_array_free(may[pn], TRUE);
    }
    /* Checked pairs. */
    unsigned np = 0;
    unsigned n_req = 0, n_orphan = 0;
    for (guint i = 0; i < md->pairs->len; i++) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, i);
        n_req += p->n_requests;
        n_orphan += p->n_responses_only;
        if ((!p->n_requests && !p->n_responses_only) || p->merged)
            continue;
        if (!np++)
            say_s(o, "    Pairs checked:\n");
        memset(&ev, 0, sizeof(ev));
        ev.kind = ICECALL_REV_PAIR;
        rev_pair(c, mi, p, &ev.u.pair.pair, buf, sizeof(buf));
        ev.u.pair.result = p->result;
        ev.u.pair.success_frame = p->success_frame;
        ev.u.pair.error_frame = p->error_frame;
        ev.u.pair.error_code = p->error_code;
        ev.u.pair.first_check_frame = p->first_check_frame;
        ev.u.pair.n_requests = p->n_requests;
        ev.u.pair.n_responses_only = p->n_responses_only;
        ev.u.pair.request_missing = p->result == ICECALL_RESULT_SUCCESS && p->n_responses_only &&
                                    p->response_only_frame == p->success_frame;
        ev.u.pair.nominated = p->nominated;
        ev.u.pair.nominated_frame = p->nominated_frame;
        say(o, "      %s: %s", ev.u.pair.pair.text, icecall_result_to_string(ev.u.pair.result));
        if (ev.u.pair.request_missing)
            say(o, " (frame %u; its request is not in the capture)", ev.u.pair.success_frame);
        else if (ev.u.pair.result == ICECALL_RESULT_SUCCESS)
            say(o, " (frame %u)", ev.u.pair.success_frame);
        else if (ev.u.pair.result == ICECALL_RESULT_ERROR)
            say(o, " %u (frame %u)", ev.u.pair.error_code, ev.u.pair.error_frame);
        else
            say(o, " (%u request%s from frame %u)", ev.u.pair.n_requests,
                ev.u.pair.n_requests == 1 ? "" : "s", ev.u.pair.first_check_frame);
        if (ev.u.pair.nominated)
            say(o, ", nominated (frame %u)", ev.u.pair.nominated_frame);
        rev_send(sk, &ev);
        if (p->icmp_n)
            say(o, "; %u %s error%s from %s's side (first frame %u)", p->icmp_n,
                icecall_unreach_text(p->icmp_v6, p->icmp_type, p->icmp_code),
                p->icmp_n == 1 ? "" : "s", p->icmp_side == 0 ? "A" : "B", p->icmp_frame);
        say_s(o, "\n");
    }
    if (!np)
        say_s(o, "    Pairs checked: none seen\n");
    if (n_orphan && !n_req)
        say_s(o, "    Missing: the check requests (only responses to them in the capture: a capture of one "
                 "direction, or the requests left by another interface)\n");
    timeline_t tl;
    timeline(c, mi, b, &tl);
    if (tl.early >= 0) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, tl.early);
        memset(&ev, 0, sizeof(ev));
        ev.kind = ICECALL_REV_EARLY;
        rev_pair(c, mi, p, &ev.u.early.pair, buf, sizeof(buf));
        ev.u.early.time_us = tl.early_us;
        ev.u.early.frame = tl.early_frame;
        say(o, "    Early media: %s, %s, from %s (frame %u)\n", path_short(ev.u.early.pair.path),
            ev.u.early.pair.text, time_str(ev.u.early.time_us, 0, t, sizeof(t)), ev.u.early.frame);
        rev_send(sk, &ev);
    } else {
        say_s(o, "    Early media: none seen\n");
    }
    for (unsigned i = 0; i < tl.n_promos; i++) {
        const promo_t *pr = &tl.promos[i];
        const pair_t *to = &g_array_index(md->pairs, pair_t, pr->to);
        icecall_path_t from_path = pr->from >= 0 ? pair_path(c, mi, &g_array_index(md->pairs, pair_t, pr->from))
                                                 : ICECALL_PATH_NONE;
        memset(&ev, 0, sizeof(ev));
        ev.kind = ICECALL_REV_PROMOTION;
        rev_pair(c, mi, to, &ev.u.promotion.to, buf, sizeof(buf));
        ev.u.promotion.time_us = pr->time_us;
        ev.u.promotion.frame = pr->frame;
        ev.u.promotion.from_known = pr->from >= 0;
        ev.u.promotion.from = from_path;
        ev.u.promotion.reason = pr->reason;
        say(o, "    Promotion at %s (frame %u): %s -> %s, %s; %s\n",
            time_str(ev.u.promotion.time_us, 0, t, sizeof(t)), ev.u.promotion.frame,
            path_short(ev.u.promotion.from), path_short(ev.u.promotion.to.path),
            ev.u.promotion.to.text, ev.u.promotion.reason);
        rev_send(sk, &ev);
    }
    if (tl.truncated)
        say_s(o, "    (more promotions not listed)\n");
    for (int s = 0; s < 2; s++) {
        if (md->cands_limit_hit[s])
            say(o, "    (more than %u candidates of %s: the rest are not followed)\n",
                m->limit[ICECALL_LIMIT_CANDS].cap, s == 0 ? "A" : "B");
    }
    if (md->pairs_limit_hit)
        say(o, "    (more than %u candidate pairs: the rest are not followed)\n",
            m->limit[ICECALL_LIMIT_PAIRS].cap);
    int fp = final_pair(md, b);
    if (fp >= 0) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, fp);
        memset(&ev, 0, sizeof(ev));
        ev.kind = ICECALL_REV_FINAL;
        rev_pair(c, mi, p, &ev.u.final.pair, buf, sizeof(buf));
        ev.u.final.packets = p->media_pkts;
        ev.u.final.first_frame = p->media_first_frame;
        ev.u.final.last_frame = p->media_last_frame;
        say(o, "    Final path: %s, %s (%u packets, last frame %u)\n",
            path_short(ev.u.final.pair.path), ev.u.final.pair.text, ev.u.final.packets,
            ev.u.final.last_frame);
        rev_send(sk, &ev);
        /* QoS marks as captured: a capture at the client shows whether it marks its media. */
        char d0[96], d1[96];
        dscp_text(p->dscp_media[0], d0, sizeof(d0));
        dscp_text(p->dscp_media[1], d1, sizeof(d1));
        if (p->dscp_media[0] || p->dscp_media[1])
            say(o, "    DSCP on the final path: A -> B %s; B -> A %s\n",
                p->media_dir[0] ? (d0[0] ? d0 : "not known") : "no media seen",
                p->media_dir[1] ? (d1[0] ? d1 : "not known") : "no media seen");
        if (!c->from_sip && (!p->media_dir[0] || !p->media_dir[1]))
            say(o, "    Missing: media %s on the final path (one-way media, or a capture of one "
                "direction)\n", p->media_dir[0] ? "from B to A" : "from A to B");
    } else {
        say_s(o, "    Final path: none (no media)\n");
    }
    /* Media with the other forks: their own timeline, which ended with
     * them; moving to B is the call being answered, not a promotion. */
    for (unsigned pn = 2; pn < nparties; pn++) {
        timeline_t ft;
        timeline(c, mi, ps[pn].fork, &ft);
        int last = final_pair(md, ps[pn].fork);
        if (ft.early < 0 || last < 0)
            continue;
        const pair_t *lp = &g_array_index(md->pairs, pair_t, last);
        memset(&ev, 0, sizeof(ev));
        ev.kind = ICECALL_REV_FORK_MEDIA;
        ev.u.fork_media.party = party_label(c, ps[pn], lb, sizeof(lb));
        rev_pair(c, mi, &g_array_index(md->pairs, pair_t, ft.early), &ev.u.fork_media.pair, buf, sizeof(buf));
        ev.u.fork_media.time_us = ft.early_us;
        ev.u.fork_media.frame = ft.early_frame;
        for (unsigned i = 0; i < ft.n_promos && i < ICECALL_MAX_PROMOTIONS; i++) {
            ev.u.fork_media.then_path[i] = pair_path(c, mi, &g_array_index(md->pairs, pair_t, ft.promos[i].to));
            ev.u.fork_media.then_frame[i] = ft.promos[i].frame;
            ev.u.fork_media.n_then = i + 1;
        }
        ev.u.fork_media.last_frame = lp->media_last_frame;
        ev.u.fork_media.call_answered = c->answered >= 0;
        say(o, "    Media with %s (a fork that %s): %s, %s, from %s (frame %u)", ev.u.fork_media.party,
            ev.u.fork_media.call_answered ? "did not answer" : "has not answered",
            path_short(ev.u.fork_media.pair.path), ev.u.fork_media.pair.text,
            time_str(ev.u.fork_media.time_us, 0, t, sizeof(t)), ev.u.fork_media.frame);
        for (unsigned i = 0; i < ev.u.fork_media.n_then; i++)
            say(o, "; then %s (frame %u)", path_short(ev.u.fork_media.then_path[i]),
                ev.u.fork_media.then_frame[i]);
        say(o, "; last packet frame %u\n", ev.u.fork_media.last_frame);
        rev_send(sk, &ev);
    }
    for (unsigned i = 0; i < md->n_rejects; i++) {
        reject_text(md, &md->rejects[i], true, buf, sizeof(buf));
        say(o, "    Rejected: %s (last frame %u); these errors are not media\n", buf,
            md->rejects[i].last_frame);
    }
    if (md->rejects_truncated)
        say_s(o, "    (more rejected streams not listed)\n");
    if (media_tcp_by_design(md))
        say(o, "    Transport: %s runs over TCP by design: TCP candidates and a TCP relay are "
               "expected here, not the last resort\n", md->name);
    for (int s = 0; s < 2; s++) {
        if (!md->remote_final_frame[s])
            continue;
        char a1[64], a2[64];
        say(o, "    %s's %s (frame %u) selects: local %s, remote %s%s%s\n", s == 0 ? "A" : "B",
            md->remote_final_msg[s], md->remote_final_frame[s],
            addr_str(&md->default_addr[s], a1, sizeof(a1)),
            addr_str(&md->remote_final[s], a2, sizeof(a2)),
            md->remote_v6[s][0] ? " (v6 username " : "", md->remote_v6[s][0] ? "resolved)" : "");
    }
    verdict_text(c, mi, buf, sizeof(buf));
    say(o, "    Verdict: %s\n", buf);
    memset(&ev, 0, sizeof(ev));
    ev.kind = ICECALL_REV_MEDIA_END;
    ev.u.media_end.verdict = buf;
    ev.u.media_end.promotions_truncated = tl.truncated;
    rev_send(sk, &ev);
}

static void
collect_finding(const icecall_finding_t *f, void *user)
{
    g_ptr_array_add((GPtrArray *)user, g_memdup2(f, sizeof(*f)));
}

/* The findings of @fs by Call-ID (f->call_id holds the first 127 characters
 * of a long one), in their order: built once, so that the report stays
 * linear in the calls. */
static GHashTable *
findings_by_call(const GPtrArray *fs)
{
    GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    for (guint i = 0; i < fs->len; i++) {
        icecall_finding_t *f = (icecall_finding_t *)g_ptr_array_index(fs, i);
        GPtrArray *l = (GPtrArray *)g_hash_table_lookup(t, f->call_id);
        if (!l) {
            l = g_ptr_array_new();
            g_hash_table_insert(t, f->call_id, l);
        }
        g_ptr_array_add(l, f);
    }
    return t;
}

static void
print_findings(GString *o, GHashTable *by_call, const char *call_id, const char *indent, const icecall_sink_t *sk)
{
    static const char *const sev[] = { "note", "warning", "error" };
    char key[sizeof(((icecall_finding_t *)NULL)->call_id)];
    g_strlcpy(key, call_id, sizeof(key));
    const GPtrArray *l = (const GPtrArray *)g_hash_table_lookup(by_call, key);
    for (guint i = 0; l && i < l->len; i++) {
        const icecall_finding_t *f = (const icecall_finding_t *)g_ptr_array_index(l, i);
        say(o, "%s[%s, frame %u] %s\n", indent, sev[f->severity], f->frame, f->text);
        icecall_rev_t ev;
        memset(&ev, 0, sizeof(ev));
        ev.kind = ICECALL_REV_FINDING;
        ev.u.finding = f;
        rev_send(sk, &ev);
    }
}

/* "Limits reached" block under the report's title; nothing when no cap was. */
static void
report_limits(const icecall_model_t *m, GString *o)
{
    char buf[200];
    bool any = false;
    for (int l = 0; l < ICECALL_LIMIT_COUNT; l++) {
        icecall_limit_text(m, (icecall_limit_t)l, buf, sizeof(buf));
        if (!buf[0])
            continue;
        if (!any)
            say_s(o, "Limits reached: what is past a cap is not followed and not in this report\n");
        any = true;
        say(o, "  %s\n", buf);
    }
}

/* "sip:bob@contoso.com (SIP from 10.20.8.15)" */
static void
party_line(GString *o, const char *uri, const icecall_addr_t *ip, const char *more)
{
    char a[64];
    say(o, "%s", uri ? uri : "?");
    if (addr_set(ip) && more)
        say(o, " (SIP from %s; %s)", addr_str(ip, a, sizeof(a)), more);
    else if (addr_set(ip))
        say(o, " (SIP from %s)", addr_str(ip, a, sizeof(a)));
    else if (more)
        say(o, " (%s)", more);
    say_s(o, "\n");
}

/* The calls of @only (Call-IDs; an ICE session merged into a call names that call). */
static GHashTable *
only_calls(const icecall_model_t *m, GHashTable *only)
{
    GHashTable *set = g_hash_table_new(g_direct_hash, g_direct_equal);
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, only);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        call_t *c = call_find(m, (const char *)k);
        if (c)
            g_hash_table_add(set, c);
    }
    return set;
}

void
icecall_report(const icecall_model_t *m, GString *o, GHashTable *only)
{
    icecall_report_walk(m, o, only, NULL);
}

void
icecall_report_walk(const icecall_model_t *m, GString *out, GHashTable *only, const icecall_sink_t *sk)
{
    GString *o = out;   /* NULL: the sections only (say() writes nothing) */
    icecall_rev_t ev;
    unsigned shown = 0;
    GPtrArray *fs = g_ptr_array_new_with_free_func(g_free);
    GHashTable *wanted = only ? only_calls(m, only) : NULL;
    GHashTable *listed = g_hash_table_new(g_direct_hash, g_direct_equal);   /* allocations shown under a session */
    GHashTable *hosts = g_hash_table_new_full(akey_hash, akey_equal, g_free, NULL);   /* their clients' IPs */
    icecall_findings(m, 10 * G_USEC_PER_SEC, collect_finding, fs);
    GHashTable *by_call = findings_by_call(fs);
    alloc_index_t ix;
    alloc_index_build(m, &ix);
    say_s(o, "===================================================================\n");
    say_s(o, "MS ICE calls: which path the media took\n");
    say_s(o, "===================================================================\n");
    report_limits(m, o);
    for (guint i = 0; i < m->call_list->len; i++) {
        call_t *c = (call_t *)g_ptr_array_index(m->call_list, i);
        if (c->merged_into || (wanted && !g_hash_table_contains(wanted, c)))
            continue;
        shown++;
        char a[64], lb[8], more[128];
        party_t ps[ICECALL_MAX_FORKS + 1];
        unsigned nparties = parties(c, ps);
        say(o, "\nCall-ID: %s\n", c->call_id);
        if (c->from_sip) {
            say_s(o, "  A (caller): ");
            party_line(o, c->uri[0], party_ip(c, ps[0]), NULL);
            say_s(o, "  B (callee): ");
            if (c->n_forks > 1)
                snprintf(more, sizeof(more), "%s To-tag %s",
                         c->answered >= 0 ? "the fork that answered," : "first fork,",
                         c->forks[ps[1].fork].tag[0] ? c->forks[ps[1].fork].tag : "?");
            party_line(o, c->uri[1], party_ip(c, ps[1]), c->n_forks > 1 ? more : NULL);
            for (unsigned pn = 2; pn < nparties; pn++) {
                snprintf(more, sizeof(more), "To-tag %s; a fork of the INVITE that %s",
                         c->forks[ps[pn].fork].tag[0] ? c->forks[ps[pn].fork].tag : "?",
                         c->answered >= 0 ? "did not answer" : "has not answered");
                say(o, "  %s (callee's other endpoint): ", party_label(c, ps[pn], lb, sizeof(lb)));
                party_line(o, c->uri[1], party_ip(c, ps[pn]), more);
            }
            if (c->forks_truncated)
                say_s(o, "  (more forks of the INVITE than followed)\n");
            if (c->sdp_frame && strcmp(c->sdp_what, "INVITE") != 0)
                say(o, "  Missing: the call's start (the capture begins mid-call: its first SDP "
                       "seen is a %s, frame %u)\n", c->sdp_what, c->sdp_frame);
        } else {
            say_s(o, "  Missing: no SIP signalling for this ICE session in the capture (parties known "
                     "only by address)\n");
            if (c->addr_keyed)
                say_s(o, "  Missing: ICE user names (no check request seen): the session is named after "
                         "its requester's socket\n");
        }
        char scen[160];
        scenario_text(m, c, scen, sizeof(scen));
        say(o, "  Scenario: %s\n", scen);
        memset(&ev, 0, sizeof(ev));
        ev.kind = ICECALL_REV_CALL;
        ev.u.call.call_id = c->call_id;
        ev.u.call.from_sip = c->from_sip;
        ev.u.call.addr_keyed = c->addr_keyed;
        for (int s = 0; s < 2; s++) {
            ev.u.call.uri[s] = c->uri[s];
            ev.u.call.sip_ip[s] = *party_ip(c, ps[s]);
        }
        ev.u.call.scenario = scen;
        ev.u.call.n_forks = c->n_forks;
        ev.u.call.answered = c->answered >= 0;
        ev.u.call.b_tag = c->n_forks > 1 ? c->forks[ps[1].fork].tag : "";
        rev_send(sk, &ev);
        for (unsigned pn = 2; pn < nparties && c->from_sip; pn++) {
            memset(&ev, 0, sizeof(ev));
            ev.kind = ICECALL_REV_PARTY;
            ev.u.party.party = party_label(c, ps[pn], lb, sizeof(lb));
            ev.u.party.uri = c->uri[1];
            ev.u.party.sip_ip = *party_ip(c, ps[pn]);
            ev.u.party.tag = c->forks[ps[pn].fork].tag;
            ev.u.party.call_answered = c->answered >= 0;
            rev_send(sk, &ev);
        }
        for (unsigned pn = 0; pn < nparties; pn++) {
            /* Placed by what the endpoint said in another dialog: say which. */
            const loc_stmt_t *st;
            if (party_said(c, ps[pn]) != ICECALL_LOC_UNKNOWN ||
                endpoint_location(m, c, ps[pn], &st) == ICECALL_LOC_UNKNOWN)
                continue;
            say(o, "  Location of %s: %s (ms-endpoint-location-data of its %s, frame %u, from %s)\n",
                party_label(c, ps[pn], lb, sizeof(lb)),
                st->loc == ICECALL_LOC_INTRANET ? "inside" : "outside", st->what, st->frame,
                addr_str(&st->ip, a, sizeof(a)));
        }
        /* MRAS per party (by the host addresses it offered). */
        GPtrArray *rs = g_ptr_array_new();
        for (unsigned pn = 0; pn < nparties; pn++) {
            party_mras(m, c, ps[pn], rs);
            for (guint ri = 0; ri < rs->len; ri++) {
                const mras_t *r = (const mras_t *)g_ptr_array_index(rs, ri);
                party_label(c, ps[pn], lb, sizeof(lb));
                memset(&ev, 0, sizeof(ev));
                ev.kind = ICECALL_REV_MRAS;
                ev.u.mras.side = ps[pn].side;
                ev.u.mras.party = lb;
                ev.u.mras.client = r->client;
                ev.u.mras.responded = r->frame != 0;
                ev.u.mras.ok = r->ok;
                ev.u.mras.reason = r->reason;
                ev.u.mras.frame = r->frame;
                ev.u.mras.request_frame = r->request_frame;
                rev_send(sk, &ev);
                if (r->frame)
                    say(o, "  MRAS (%s, %s): %s%s (frame %u)\n", lb,
                        addr_str(&r->client, a, sizeof(a)), r->ok ? "credentials OK" : "failed: ",
                        r->ok ? "" : r->reason, r->frame);
                else
                    say(o, "  MRAS (%s, %s): request in frame %u, no response\n", lb,
                        addr_str(&r->client, a, sizeof(a)), r->request_frame);
            }
        }
        g_ptr_array_free(rs, TRUE);
        for (unsigned mi = 0; mi < c->n_media; mi++) {
            media_t *md = c->media[mi];
            if (!md->cands[0]->len && !md->cands[1]->len && !md->pairs->len)
                continue;
            report_media(m, &ix, c, mi, o, listed, sk);
            for (int s = 0; s < 2 && !c->from_sip; s++) {
                for (guint k2 = 0; k2 < md->cands[s]->len; k2++) {
                    const cand_t *x = &g_array_index(md->cands[s], cand_t, k2);
                    akey_t key;
                    make_key(&key, addr_set(&x->base) ? &x->base : &x->addr, false, false);
                    if (!g_hash_table_contains(hosts, &key))
                        g_hash_table_add(hosts, g_memdup2(&key, sizeof(key)));
                }
            }
            if (!md->cands[0]->len || !md->cands[1]->len)
                say(o, "    Missing: %s's candidates (offer or answer not in the capture)\n",
                    !md->cands[0]->len ? "A" : "B");
        }
        if (c->media_limit_hit)
            say_s(o, "  (more media lines than decoded)\n");
        if (c->diags_limit_hit)
            say(o, "  (more than %u diagnostics headers: the rest are not followed)\n",
                m->limit[ICECALL_LIMIT_DIAGS].cap);
        GString *p = g_string_new("");
        print_findings(p, by_call, c->call_id, "    ", sk);
        if (p->len)
            say(o, "  Problems:\n%s", p->str);
        g_string_free(p, TRUE);
        memset(&ev, 0, sizeof(ev));
        ev.kind = ICECALL_REV_CALL_END;
        rev_send(sk, &ev);
    }
    if (!shown)
        say_s(o, "\nNo calls with ICE found.\n");
    /* Allocations of the clients of sessions without SDP that none of their
     * sessions uses (a spare socket, or one whose checks are not in the
     * capture). */
    unsigned nu = 0;
    for (guint i = 0; i < m->alloc_list->len && !only; i++) {
        const alloc_t *a = (const alloc_t *)g_ptr_array_index(m->alloc_list, i);
        akey_t key;
        make_key(&key, &a->client, false, false);
        if (g_hash_table_contains(listed, a) || !g_hash_table_contains(hosts, &key))
            continue;
        if (!nu++)
            say_s(o, "\nTURN allocations that no ICE session's checks or media use:\n");
        report_alloc(o, a, -1, NULL, "  ", sk);
    }
    g_hash_table_destroy(listed);
    g_hash_table_destroy(hosts);
    alloc_index_free(&ix);
    GString *p = g_string_new("");
    print_findings(p, by_call, "", "  ", only ? NULL : sk);
    if (p->len && !only)
        say(o, "\nA/V Edge (TURN) problems, not tied to one call:\n%s", p->str);
    g_string_free(p, TRUE);
    g_hash_table_destroy(by_call);
    g_ptr_array_free(fs, TRUE);
    if (wanted)
        g_hash_table_destroy(wanted);
    say_s(o, "===================================================================\n");
}

void
icecall_foreach_row(const icecall_model_t *m, const char *call_id,
                    void (*fn)(const icecall_row_t *row, void *user), void *user)
{
    call_t *only = call_find(m, call_id);
    if (call_id && !only)
        return;
    for (guint i = 0; i < (only ? 1u : m->call_list->len); i++) {
        call_t *c = only ? only : (call_t *)g_ptr_array_index(m->call_list, i);
        if (c->merged_into)
            continue;
        for (unsigned mi = 0; mi < c->n_media; mi++) {
            media_t *md = c->media[mi];
            if (!md->cands[0]->len && !md->cands[1]->len && !md->pairs->len)
                continue;
            icecall_row_t row;
            memset(&row, 0, sizeof(row));
            session_refresh_name(c, mi);
            row.call_id = c->call_id;
            row.media = md->name;
            row.caller = c->uri[0] ? c->uri[0] : "";
            row.callee = c->uri[1] ? c->uri[1] : "";
            timeline_t tl;
            timeline(c, mi, b_fork(c), &tl);
            if (tl.early >= 0)
                snprintf(row.early_path, sizeof(row.early_path), "%s",
                         path_short(pair_path(c, mi, &g_array_index(md->pairs, pair_t, tl.early))));
            int fp = final_pair(md, b_fork(c));
            if (fp >= 0)
                pair_text(c, mi, &g_array_index(md->pairs, pair_t, fp), row.final_path, sizeof(row.final_path));
            row.n_promotions = tl.n_promos;
            for (guint k = 0; k < md->pairs->len; k++) {
                const pair_t *p = &g_array_index(md->pairs, pair_t, k);
                if (p->merged)
                    continue;
                if (p->n_requests || p->n_responses_only)
                    row.n_pairs_checked++;
                if (p->result == ICECALL_RESULT_SUCCESS)
                    row.n_pairs_ok++;
            }
            verdict_text(c, mi, row.verdict, sizeof(row.verdict));
            if (md->merged_from) {
                row.merged_id = md->merged_from->call_id;
                row.merged_media = md->merged_from->media[0]->name;
            }
            fn(&row, user);
        }
    }
}
