/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icecall.c - the per-call ICE model: its feeders, the routing of packets
 * to calls and pairs, and the lookups. See icecall.h. The troubleshooting
 * rules are in icecall-rules.c, the report in icecall-report.c; the types
 * they share are in icecall-int.h.
 *
 * Data layout (all owned by the model, freed by icecall_model_free()):
 *   dialogs (Call-ID -> call_t): every SIP dialog the model heard of (a
 *     location or diagnostics header, an SDP body); the ones that are calls
 *     (an INVITE dialog with ICE media lines, or an ICE session without SIP)
 *     also in call_list, in the order they became calls
 *   endpoints (SIP URI -> where it said it is), from any dialog
 *     call_t: parties A/B, media lines
 *       media_t: candidates per side (GArray of cand_t), checked pairs
 *                (GArray of pair_t), current media pair per fork and
 *                direction, the switches early media and promotions are
 *                read from, ICMP rejections
 *   indexes for packets: candidate address -> owner, ufrag -> owner,
 *   allocations by client 5-tuple / client socket / reflexive address /
 *   relayed address / mux session, pending check and Allocate transactions
 *   by transaction id, media flows no call claimed yet (orphans).
 * Nothing is stored per packet: memory grows with calls, candidates and
 * pairs (each bounded by the limits in icecall.h).
 */
#include "icecall-int.h"
#include "icecand.h"
#include "msnet.h"
#include "msturn.h"

#include <stdio.h>
#include <string.h>

/* Media on the path a direction just left, within this time, is late
 * packets of the old path, not a switch back. */
#define ICECALL_STRAGGLER_US 1000000

/* The same diagnostics again this soon: the same message seen at a second
 * capture point (or retransmitted), not a second report. */
#define ICECALL_DIAG_COPY_US 2000000

/* ---- small helpers -------------------------------------------------------- */

void
make_key(akey_t *k, const icecall_addr_t *a, bool tcp, bool with_port)
{
    memset(k, 0, sizeof(*k));
    k->family = a->family;
    k->tcp = tcp ? 1 : 0;
    k->port = with_port ? a->port : 0;
    memcpy(k->addr, a->addr, a->family == 6 ? 16 : 4);
}

guint
akey_hash(gconstpointer p)
{
    /* A word at a time (FNV-1a's constants on 32-bit words): every packet
     * looks up a few of these. make_key() zeroes what the address leaves. */
    G_STATIC_ASSERT(sizeof(akey_t) % 4 == 0);
    uint32_t w[sizeof(akey_t) / 4];
    memcpy(w, p, sizeof(w));
    guint h = 2166136261u;
    for (size_t i = 0; i < G_N_ELEMENTS(w); i++)
        h = (h ^ w[i]) * 16777619u;
    return h ^ (h >> 15);
}

gboolean
akey_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(akey_t)) == 0;
}

typedef struct {
    akey_t client, edge;
} akey2_t;

static guint
akey2_hash(gconstpointer p)
{
    const akey2_t *k = (const akey2_t *)p;
    return akey_hash(&k->client) * 31u + akey_hash(&k->edge);
}

static gboolean
akey2_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(akey2_t)) == 0;
}

static guint
okey_hash(gconstpointer p)
{
    const okey_t *k = (const okey_t *)p;
    return (akey_hash(&k->a) * 31u + akey_hash(&k->b)) * 31u + akey_hash(&k->c) + k->relayed * 7u + k->outbound;
}

static gboolean
okey_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(okey_t)) == 0;
}

static guint
txid_hash(gconstpointer p)
{
    guint h;
    memcpy(&h, (const uint8_t *)p + 12, sizeof(h));
    return h;
}

static gboolean
txid_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, 16) == 0;
}

bool
addr_set(const icecall_addr_t *a)
{
    return a->family == 4 || a->family == 6;
}

bool
addr_eq(const icecall_addr_t *a, const icecall_addr_t *b)
{
    if (a->family != b->family || a->port != b->port)
        return false;
    return memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

bool
ip_eq(const icecall_addr_t *a, const icecall_addr_t *b)
{
    return a->family == b->family && memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

/* Digits of v at p, most significant first; returns the end. */
static char *
put_uint(char *p, unsigned v, unsigned base)
{
    char tmp[12];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* "192.0.2.1:3478", "[2001:db8::1]:3478"; port 0 prints the address only.
 * Written by hand, not with snprintf: the report and the pair text format
 * thousands of addresses. A buffer too small gets the text cut, as with
 * snprintf. */
const char *
addr_str(const icecall_addr_t *a, char *buf, size_t size)
{
    char tmp[56], *p = tmp;   /* "[" + 39 + "]:" + 5 */
    if (a->family == 4) {
        for (int i = 0; i < 4; i++) {
            p = put_uint(p, a->addr[i], 10);
            *p++ = i < 3 ? '.' : ':';
        }
        p--;                  /* the ':' goes back only with a port */
        if (a->port)
            p = put_uint(p + 1, a->port, 10);
    } else if (a->family == 6) {
        /* RFC 5952-ish: longest zero run compressed. */
        uint16_t w[8];
        for (int i = 0; i < 8; i++)
            w[i] = (uint16_t)((a->addr[2 * i] << 8) | a->addr[2 * i + 1]);
        int best = -1, best_len = 0;
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && w[j] == 0)
                j++;
            if (j - i > best_len && j - i > 1) {
                best = i;
                best_len = j - i;
            }
            i = j > i ? j : i + 1;
        }
        if (a->port)
            *p++ = '[';
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                *p++ = ':';   /* the word before left out its ':' */
                *p++ = ':';
                i += best_len - 1;
                continue;
            }
            p = put_uint(p, w[i], 16);
            if (i < 7 && i + 1 != best)
                *p++ = ':';
        }
        if (a->port) {
            *p++ = ']';
            *p++ = ':';
            p = put_uint(p, a->port, 10);
        }
    } else {
        *p++ = '?';
    }
    if (size) {
        size_t n = (size_t)(p - tmp) < size - 1 ? (size_t)(p - tmp) : size - 1;
        memcpy(buf, tmp, n);
        buf[n] = '\0';
    }
    return buf;
}

void
copy_str(char *dst, size_t size, const char *src)
{
    if (!src) {
        dst[0] = '\0';
        return;
    }
    g_strlcpy(dst, src, size);
}

const char *
icecall_path_to_string(icecall_path_t p)
{
    switch (p) {
    case ICECALL_PATH_HOST:      return "host (direct)";
    case ICECALL_PATH_SRFLX:     return "server-reflexive (direct through NAT)";
    case ICECALL_PATH_RELAY_UDP: return "relay UDP";
    case ICECALL_PATH_RELAY_TCP: return "relay TCP";
    case ICECALL_PATH_NONE:
    default:                     return "unknown (candidate types not known)";
    }
}

const char *
path_short(icecall_path_t p)
{
    switch (p) {
    case ICECALL_PATH_HOST:      return "host";
    case ICECALL_PATH_SRFLX:     return "srflx";
    case ICECALL_PATH_RELAY_UDP: return "relay UDP";
    case ICECALL_PATH_RELAY_TCP: return "relay TCP";
    case ICECALL_PATH_NONE:
    default:                     return "direct (types unknown)";
    }
}

const char *
icecall_path_short(icecall_path_t p)
{
    return path_short(p);
}

const char *
icecall_ctype_to_string(icecall_ctype_t t)
{
    switch (t) {
    case ICECALL_CTYPE_HOST:  return "host";
    case ICECALL_CTYPE_SRFLX: return "srflx";
    case ICECALL_CTYPE_PRFLX: return "prflx";
    case ICECALL_CTYPE_RELAY: return "relay";
    case ICECALL_CTYPE_UNKNOWN:
    default:                  return "unknown";
    }
}

const char *
icecall_result_to_string(icecall_result_t r)
{
    switch (r) {
    case ICECALL_RESULT_PENDING: return "no response";
    case ICECALL_RESULT_SUCCESS: return "success";
    case ICECALL_RESULT_ERROR:   return "error";
    case ICECALL_RESULT_NONE:
    default:                     return "not checked";
    }
}

/* ---- limits --------------------------------------------------------------- */

static const unsigned limit_max[ICECALL_LIMIT_COUNT] = {
    ICECALL_MAX_CALLS, ICECALL_MAX_MEDIA, ICECALL_MAX_CANDS, ICECALL_MAX_PAIRS, ICECALL_MAX_PROMOTIONS,
    ICECALL_MAX_DIAGS, ICECALL_MAX_ALLOCATIONS, ICECALL_MAX_TRANSACTIONS, ICECALL_MAX_MRAS_CLIENTS,
    ICECALL_MAX_DIALOGS, ICECALL_MAX_ENDPOINTS, ICECALL_MAX_LOCATION_STMTS, ICECALL_MAX_FORKS,
    ICECALL_MAX_SWITCHES, ICECALL_MAX_ORPHANS, ICECALL_MAX_REJECTS, ICECALL_MAX_ALLOC_USERS,
    ICECALL_MAX_DESTINATIONS,
};

/* What each cap counts, and per what: "candidates" "per side and media line". */
static const char *const limit_items[ICECALL_LIMIT_COUNT] = {
    "calls", "media lines", "candidates", "candidate pairs", "promotions", "diagnostics headers",
    "TURN allocations", "check and Allocate transactions", "MRAS clients",
    "SIP dialogs", "SIP URIs (locations)", "location changes", "early dialogs (forks)",
    "media path changes", "unclaimed media flows", "rejected media streams (ICMP)",
    "relay candidates waiting for a relayed address", "Set Active Destinations",
};
static const char *const limit_scope[ICECALL_LIMIT_COUNT] = {
    "", " per call", " per side and media line", " per media line", " per media line", " per call",
    "", " of each kind", "",
    "", "", " per SIP URI", " per call", " per media line", "", " per media line", " per allocation",
    " per allocation",
};
static const char *const limit_tokens[ICECALL_LIMIT_COUNT] = {
    "calls", "media_lines", "candidates", "pairs", "promotions", "diagnostics", "allocations", "transactions",
    "mras_clients", "dialogs", "endpoints", "location_changes", "forks", "path_changes", "orphan_flows",
    "icmp_rejects", "relay_waiting", "active_destinations",
};
/* What happens past the cap: most refuse the new item; two forget an old one. */
static const char *const limit_forgets[ICECALL_LIMIT_COUNT] = {
    [ICECALL_LIMIT_LOCATIONS] = "; the first ones and the latest are kept",
    [ICECALL_LIMIT_DESTINATIONS] = "; the newest are kept",
};

const char *
icecall_limit_name(icecall_limit_t l)
{
    return l < ICECALL_LIMIT_COUNT ? limit_items[l] : "unknown";
}

const char *
icecall_limit_scope(icecall_limit_t l)
{
    return l < ICECALL_LIMIT_COUNT ? limit_scope[l] : "";
}

const char *
icecall_limit_past(icecall_limit_t l)
{
    if (l >= ICECALL_LIMIT_COUNT || !limit_forgets[l])
        return "more are not followed";
    return l == ICECALL_LIMIT_LOCATIONS ? "the ones between the first and the latest are forgotten"
                                        : "the oldest are forgotten";
}

const char *
icecall_limit_token(icecall_limit_t l)
{
    return l < ICECALL_LIMIT_COUNT ? limit_tokens[l] : "unknown";
}

/* 64-bit FNV-1a over what identifies a refused item, tagged with its cap. */
typedef struct {
    uint64_t h;
} fnv_t;

static void
fnv_add(fnv_t *f, const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    for (size_t i = 0; i < n; i++) {
        f->h ^= b[i];
        f->h *= 1099511628211ull;
    }
}

static void
fnv_init(fnv_t *f, icecall_limit_t l)
{
    uint8_t tag = (uint8_t)l;
    f->h = 14695981039346656037ull;
    fnv_add(f, &tag, 1);
}

static void
fnv_str(fnv_t *f, const char *s)
{
    fnv_add(f, s, strlen(s) + 1);
}

static void
fnv_addr(fnv_t *f, const icecall_addr_t *a, bool tcp, bool with_port)
{
    akey_t k;
    make_key(&k, a, tcp, with_port);
    fnv_add(f, &k, sizeof(k));
}

static size_t
keyset_index(uint64_t k, size_t size)
{
    /* splitmix64's finaliser: FNV's low bits alone probe badly. */
    k ^= k >> 30;
    k *= 0xbf58476d1ce4e5b9ull;
    k ^= k >> 27;
    k *= 0x94d049bb133111ebull;
    k ^= k >> 31;
    return (size_t)(k & (size - 1));
}

typedef enum { KEY_NEW, KEY_SEEN, KEY_FULL } keyset_result_t;

static keyset_result_t
keyset_add(keyset_t *s, uint64_t k)
{
    if (k == 0)
        k = 1;
    if (s->size) {
        for (size_t i = keyset_index(k, s->size);; i = (i + 1) & (s->size - 1)) {
            if (s->slot[i] == k)
                return KEY_SEEN;
            if (s->slot[i] == 0)
                break;
        }
    }
    if (s->n >= ICECALL_MAX_REFUSED_KEYS)
        return KEY_FULL;
    if ((s->n + 1) * 2 > s->size) {
        size_t size = s->size ? s->size * 2 : 64;
        uint64_t *slot = g_new0(uint64_t, size);
        for (size_t j = 0; j < s->size; j++) {
            if (!s->slot[j])
                continue;
            size_t i = keyset_index(s->slot[j], size);
            while (slot[i])
                i = (i + 1) & (size - 1);
            slot[i] = s->slot[j];
        }
        g_free(s->slot);
        s->slot = slot;
        s->size = size;
    }
    size_t i = keyset_index(k, s->size);
    while (s->slot[i])
        i = (i + 1) & (s->size - 1);
    s->slot[i] = k;
    s->n++;
    return KEY_NEW;
}

/* Cap @l refused the item @f identifies, in @frame. */
static void
limit_refuse(icecall_model_t *m, icecall_limit_t l, uint32_t frame, const fnv_t *f)
{
    icecall_limit_info_t *li = &m->limit[l];
    if (!li->reached) {
        li->reached = true;
        li->first_frame = frame;
        if (!m->any_limit || frame > m->last_limit_frame)
            m->last_limit_frame = frame;
        m->any_limit = true;
    }
    switch (keyset_add(&m->refused, f->h)) {
    case KEY_NEW:
        li->refused++;
        break;
    case KEY_FULL:
        li->at_least = true;
        break;
    case KEY_SEEN:
        break;
    }
}

void
icecall_model_set_limit(icecall_model_t *m, icecall_limit_t l, unsigned cap)
{
    if (l >= ICECALL_LIMIT_COUNT)
        return;
    m->limit[l].cap = cap < 1 ? 1 : cap > limit_max[l] ? limit_max[l] : cap;
}

bool
icecall_limit_reached_by(const icecall_model_t *m, uint32_t frame)
{
    return m->any_limit && frame <= m->last_limit_frame;
}

void
icecall_limit_info(const icecall_model_t *m, icecall_limit_t l, icecall_limit_info_t *out)
{
    memset(out, 0, sizeof(*out));
    if (l < ICECALL_LIMIT_COUNT)
        *out = m->limit[l];
}

/* "1,234,567" */
static const char *
count_str(uint64_t v, char *buf, size_t size)
{
    char digits[24];
    int n = snprintf(digits, sizeof(digits), "%" G_GUINT64_FORMAT, v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < size; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

void
icecall_limit_text(const icecall_model_t *m, icecall_limit_t l, char *buf, size_t size)
{
    char a[32], b[32], c[32];
    buf[0] = '\0';
    if (l >= ICECALL_LIMIT_COUNT || !m->limit[l].reached)
        return;
    const icecall_limit_info_t *li = &m->limit[l];
    uint64_t followed;
    if ((l == ICECALL_LIMIT_CALLS || l == ICECALL_LIMIT_DIALOGS || l == ICECALL_LIMIT_ENDPOINTS ||
         l == ICECALL_LIMIT_ORPHANS) && icecall_limit_kept(m, l, &followed)) {
        /* Every item the model followed, plus the distinct ones it refused. */
        snprintf(buf, size, "%s of %s%s %s followed: cap reached at frame %u", count_str(followed, a, sizeof(a)),
                 li->at_least ? "at least " : "", count_str(followed + li->refused, b, sizeof(b)), limit_items[l],
                 li->first_frame);
        return;
    }
    snprintf(buf, size, "%s%s %s %s (cap: %s%s%s), first at frame %u", li->at_least ? "at least " : "",
             count_str(li->refused, a, sizeof(a)), limit_items[l], limit_forgets[l] ? "forgotten" : "not followed",
             count_str(li->cap, c, sizeof(c)), limit_scope[l], limit_forgets[l] ? limit_forgets[l] : "",
             li->first_frame);
}

bool
icecall_limit_kept(const icecall_model_t *m, icecall_limit_t l, uint64_t *kept)
{
    switch (l) {
    case ICECALL_LIMIT_CALLS:        *kept = m->call_list->len; return true;
    case ICECALL_LIMIT_DIALOGS:      *kept = m->n_dialogs; return true;
    case ICECALL_LIMIT_ENDPOINTS:    *kept = g_hash_table_size(m->endpoints); return true;
    case ICECALL_LIMIT_ORPHANS:      *kept = g_hash_table_size(m->orphans); return true;
    case ICECALL_LIMIT_ALLOCATIONS:  *kept = m->alloc_list->len; return true;
    case ICECALL_LIMIT_MRAS_CLIENTS: *kept = g_hash_table_size(m->mras); return true;
    default:                         *kept = 0; return false;
    }
}

/* ---- model ---------------------------------------------------------------- */

/* Every event: a new generation of the model (icecall_generation(): the
 * glue's findings cache is stale) and its clock moved on to @time_us. */
static void
bump_generation(icecall_model_t *m, int64_t time_us)
{
    m->generation++;
    if (time_us > m->last_us)
        m->last_us = time_us;
}

static void
media_free(media_t *md)
{
    if (!md)
        return;
    g_array_free(md->cands[0], TRUE);
    g_array_free(md->cands[1], TRUE);
    g_array_free(md->pairs, TRUE);
    if (md->switches)
        g_array_free(md->switches, TRUE);
    g_free(md);
}

static void
call_free(gpointer p)
{
    call_t *c = (call_t *)p;
    for (unsigned i = 0; i < c->n_media; i++)
        media_free(c->media[i]);
    g_free(c->merged_pairs);
    g_free(c->call_id);
    g_free(c->uri[0]);
    g_free(c->uri[1]);
    g_free(c);
}

static void
endpoint_free(gpointer p)
{
    endpoint_t *e = (endpoint_t *)p;
    g_array_free(e->stmts, TRUE);
    g_free(e);
}

icecall_model_t *
icecall_model_new(void)
{
    icecall_model_t *m = g_new0(icecall_model_t, 1);
    m->calls = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, call_free);  /* key: the call's own call_id */
    m->call_list = g_ptr_array_new();
    m->endpoints = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, endpoint_free);
    m->by_addr = g_hash_table_new_full(akey_hash, akey_equal, g_free, g_free);
    m->by_ip = g_hash_table_new_full(akey_hash, akey_equal, g_free, g_free);
    m->by_ufrag = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    m->allocs = g_hash_table_new_full(akey2_hash, akey2_equal, g_free, NULL);
    m->allocs_by_relayed = g_hash_table_new_full(akey_hash, akey_equal, g_free, NULL);
    m->allocs_by_client = g_hash_table_new_full(akey_hash, akey_equal, g_free, NULL);
    m->allocs_by_reflexive = g_hash_table_new_full(akey_hash, akey_equal, g_free, NULL);
    m->allocs_by_session = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    m->alloc_tx = g_hash_table_new_full(txid_hash, txid_equal, g_free, g_free);
    m->check_tx = g_hash_table_new_full(txid_hash, txid_equal, g_free, g_free);
    m->unrouted_tx = g_hash_table_new_full(txid_hash, txid_equal, g_free, NULL);
    m->mras = g_hash_table_new_full(akey_hash, akey_equal, g_free, g_free);
    m->alloc_list = g_ptr_array_new_with_free_func(g_free);
    for (int l = 0; l < ICECALL_LIMIT_COUNT; l++)
        m->limit[l].cap = limit_max[l];
    m->orphans = g_hash_table_new_full(okey_hash, okey_equal, g_free, g_free);
    m->orphans_by_addr = g_hash_table_new_full(akey_hash, akey_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    m->retry = g_array_new(FALSE, FALSE, sizeof(akey_t));
    return m;
}

void
icecall_model_free(icecall_model_t *m)
{
    if (!m)
        return;
    g_hash_table_destroy(m->calls);
    g_hash_table_destroy(m->by_addr);
    g_hash_table_destroy(m->by_ip);
    g_hash_table_destroy(m->by_ufrag);
    g_hash_table_destroy(m->allocs);
    g_hash_table_destroy(m->allocs_by_relayed);
    g_hash_table_destroy(m->allocs_by_client);
    g_hash_table_destroy(m->allocs_by_reflexive);
    g_hash_table_destroy(m->allocs_by_session);
    g_hash_table_destroy(m->alloc_tx);
    g_hash_table_destroy(m->check_tx);
    g_hash_table_destroy(m->unrouted_tx);
    g_hash_table_destroy(m->mras);
    g_ptr_array_free(m->alloc_list, TRUE);
    g_ptr_array_free(m->call_list, TRUE);
    g_free(m->refused.slot);
    g_hash_table_destroy(m->endpoints);
    g_hash_table_destroy(m->orphans_by_addr);
    g_hash_table_destroy(m->orphans);
    g_array_free(m->retry, TRUE);
    g_free(m);
}

void
icecall_model_reset(icecall_model_t *m)
{
    /* Indexes first: they point into the calls and allocations. */
    g_hash_table_remove_all(m->calls);
    g_hash_table_remove_all(m->by_addr);
    g_hash_table_remove_all(m->by_ip);
    g_hash_table_remove_all(m->by_ufrag);
    g_hash_table_remove_all(m->allocs);
    g_hash_table_remove_all(m->allocs_by_relayed);
    g_hash_table_remove_all(m->allocs_by_client);
    g_hash_table_remove_all(m->allocs_by_reflexive);
    g_hash_table_remove_all(m->allocs_by_session);
    g_hash_table_remove_all(m->alloc_tx);
    g_hash_table_remove_all(m->check_tx);
    g_hash_table_remove_all(m->unrouted_tx);
    g_hash_table_remove_all(m->mras);
    g_hash_table_remove_all(m->endpoints);
    g_hash_table_remove_all(m->orphans_by_addr);
    g_hash_table_remove_all(m->orphans);
    g_array_set_size(m->retry, 0);
    g_ptr_array_set_size(m->alloc_list, 0);
    g_ptr_array_set_size(m->call_list, 0);
    m->n_dialogs = 0;
    m->n_merged = 0;
    for (int l = 0; l < ICECALL_LIMIT_COUNT; l++) {
        unsigned cap = m->limit[l].cap;
        memset(&m->limit[l], 0, sizeof(m->limit[l]));
        m->limit[l].cap = cap;
    }
    if (m->refused.n)
        memset(m->refused.slot, 0, m->refused.size * sizeof(uint64_t));
    m->refused.n = 0;
    m->any_limit = false;
    m->last_limit_frame = 0;
    m->generation++;   /* a findings cache keyed by it must not survive */
    m->last_us = 0;
}

unsigned
icecall_n_calls(const icecall_model_t *m)
{
    return m->call_list->len - m->n_merged;
}

/* A cap of @l (calls, dialogs) refused the dialog of @call_id, in @frame.
 * A call refused because the dialog table is full counts as a call only. */
static void
refuse_call_id(icecall_model_t *m, icecall_limit_t l, const char *call_id, uint32_t frame)
{
    fnv_t f;
    fnv_init(&f, l);
    fnv_str(&f, call_id);
    limit_refuse(m, l, frame, &f);
}

/* A cap of @l refused the table entry keyed by @key (its bytes), in @frame. */
static void
refuse_key(icecall_model_t *m, icecall_limit_t l, const void *key, size_t len, uint32_t frame)
{
    fnv_t f;
    fnv_init(&f, l);
    fnv_add(&f, key, len);
    limit_refuse(m, l, frame, &f);
}

/* It is a call from now on (it keeps what its dialog heard before). */
static bool
call_promote(icecall_model_t *m, call_t *c, uint32_t frame)
{
    if (c->is_call)
        return true;
    if (m->call_list->len >= m->limit[ICECALL_LIMIT_CALLS].cap) {
        refuse_call_id(m, ICECALL_LIMIT_CALLS, c->call_id, frame);
        return false;
    }
    c->is_call = true;
    m->n_dialogs--;
    g_ptr_array_add(m->call_list, c);
    return true;
}

/*
 * The dialog of @call_id, made when new. A SIP dialog is not a call until
 * an SDP with ICE media lines comes in it (call_promote()); an ICE session
 * without SIP (@from_sip false) is one at once.
 */
static call_t *
call_get(icecall_model_t *m, const char *call_id, bool from_sip, uint32_t frame)
{
    call_t *c = (call_t *)g_hash_table_lookup(m->calls, call_id);
    if (c)
        return c;
    if (m->n_dialogs >= m->limit[ICECALL_LIMIT_DIALOGS].cap)
        return NULL;   /* the caller says what was refused: a call, or a dialog (refuse_call_id()) */
    if (!from_sip && m->call_list->len >= m->limit[ICECALL_LIMIT_CALLS].cap) {
        refuse_call_id(m, ICECALL_LIMIT_CALLS, call_id, frame);
        return NULL;
    }
    c = g_new0(call_t, 1);
    c->call_id = g_strdup(call_id);
    c->from_sip = from_sip;
    c->model = m;
    c->first_frame = frame;
    c->answered = -1;
    g_hash_table_insert(m->calls, c->call_id, c);
    m->n_dialogs++;
    if (!from_sip)
        call_promote(m, c, frame);
    return c;
}

/* The call of @call_id, or NULL (unknown, or a dialog that is not a call). */
call_t *
call_find(const icecall_model_t *m, const char *call_id)
{
    call_t *c = call_id ? (call_t *)g_hash_table_lookup(m->calls, call_id) : NULL;
    for (unsigned k = 0; c && c->merged_into && k < 4; k++)
        c = c->merged_into;   /* an ICE session found to be part of a call: that call */
    return c && c->is_call && !c->merged_into ? c : NULL;
}

static media_t *
media_get(icecall_model_t *m, call_t *c, unsigned mline, const char *name, uint32_t frame)
{
    if (mline >= m->limit[ICECALL_LIMIT_MEDIA].cap) {
        fnv_t f;
        fnv_init(&f, ICECALL_LIMIT_MEDIA);
        fnv_str(&f, c->call_id);
        fnv_add(&f, &mline, sizeof(mline));
        limit_refuse(m, ICECALL_LIMIT_MEDIA, frame, &f);
        c->media_limit_hit = true;
        return NULL;
    }
    while (c->n_media <= mline) {
        media_t *md = g_new0(media_t, 1);
        md->cands[0] = g_array_new(FALSE, TRUE, sizeof(cand_t));
        md->cands[1] = g_array_new(FALSE, TRUE, sizeof(cand_t));
        md->pairs = g_array_new(FALSE, TRUE, sizeof(pair_t));
        for (unsigned f = 0; f < ICECALL_MAX_FORKS; f++)
            md->current[f][0] = md->current[f][1] = md->previous[f][0] = md->previous[f][1] = -1;
        md->from_sip = c->from_sip;
        snprintf(md->name, sizeof(md->name), "media %u", c->n_media + 1);
        c->media[c->n_media++] = md;
    }
    media_t *md = c->media[mline];
    if (name && *name) {
        copy_str(md->name, sizeof(md->name), name);
        md->name_known = true;
    }
    return md;
}

static void
index_owner(GHashTable *t, const icecall_addr_t *a, bool tcp, bool with_port, call_t *c, unsigned media, int side,
            int cand, bool learnt, uint8_t fork)
{
    akey_t k;
    make_key(&k, a, tcp, with_port);
    /* An offered candidate is never replaced by a learnt one. */
    owner_t *old = (owner_t *)g_hash_table_lookup(t, &k);
    if (old && learnt && !old->learnt)
        return;
    owner_t *o = g_new(owner_t, 1);
    o->call = c;
    o->media = media;
    o->side = side;
    o->cand = cand;
    o->learnt = learnt;
    o->fork = fork;
    g_hash_table_replace(t, g_memdup2(&k, sizeof(k)), o);
}

/* The address indexes of candidate @idx (placeholders have no address yet). */
/* @a became known: media flows waiting with this end may be routable now. */
static void
retry_later(icecall_model_t *m, const icecall_addr_t *a)
{
    if (!g_hash_table_size(m->orphans) || m->retry->len >= ICECALL_MAX_ORPHANS)
        return;
    akey_t k;
    make_key(&k, a, false, true);
    if (g_hash_table_contains(m->orphans_by_addr, &k))
        g_array_append_val(m->retry, k);
}

static void
index_cand(icecall_model_t *m, call_t *c, unsigned mi, int side, int idx, const cand_t *x)
{
    if (x->alloc)
        return;
    index_owner(m->by_addr, &x->addr, x->tcp, true, c, mi, side, idx, x->learnt, x->fork);
    index_owner(m->by_ip, &x->addr, x->tcp, false, c, mi, side, idx, x->learnt, x->fork);
    retry_later(m, &x->addr);
}

static void rekey_pairs(media_t *md);

/* Adds or updates a candidate (offered or learnt in @frame); returns its
 * index (or -1 at the limit). */
static int
cand_add(icecall_model_t *m, call_t *c, unsigned mi, int side, const cand_t *in, uint32_t frame)
{
    media_t *md = c->media[mi];
    GArray *a = md->cands[side];
    for (guint i = 0; i < a->len; i++) {
        cand_t *x = &g_array_index(a, cand_t, i);
        if (x->merged)
            continue;
        if (x->alloc || in->alloc) {
            /* Relays through one allocation whose relayed address is not known yet. */
            if (x->alloc == in->alloc)
                return (int)i;
            continue;
        }
        /* A learnt candidate's component is not known (0): any offer of its address is it. */
        if (addr_eq(&x->addr, &in->addr) && x->tcp == in->tcp &&
            (x->component == in->component || x->learnt || in->learnt)) {
            /* The same candidate again (v6 and v19 parts, answers, re-INVITEs):
             * keep the first offer, learn what the new line adds. */
            if (x->learnt && !in->learnt) {
                /* Seen in a check first (peer-reflexive), offered now: the
                 * offer says what it is (and which fork offered it). A
                 * server-reflexive one now has a base: its pairs are known
                 * by it from now on. */
                *x = *in;
                index_cand(m, c, mi, side, (int)i, x);
                rekey_pairs(md);
                return (int)i;
            }
            if (x->type == ICECALL_CTYPE_UNKNOWN && in->type != ICECALL_CTYPE_UNKNOWN)
                x->type = in->type;
            if (!addr_set(&x->raddr) && addr_set(&in->raddr))
                x->raddr = in->raddr;
            if (in->version > x->version) {
                x->version = in->version;
                x->priority = in->priority;
                copy_str(x->foundation, sizeof(x->foundation), in->foundation);
                copy_str(x->transport, sizeof(x->transport), in->transport);
            }
            return (int)i;
        }
    }
    if (a->len >= m->limit[ICECALL_LIMIT_CANDS].cap) {
        fnv_t f;
        fnv_init(&f, ICECALL_LIMIT_CANDS);
        fnv_str(&f, c->call_id);
        fnv_add(&f, &mi, sizeof(mi));
        fnv_add(&f, &side, sizeof(side));
        fnv_addr(&f, &in->addr, in->tcp, true);
        fnv_add(&f, &in->component, sizeof(in->component));
        limit_refuse(m, ICECALL_LIMIT_CANDS, frame, &f);
        md->cands_limit_hit[side] = true;
        return -1;
    }
    g_array_append_val(a, *in);
    int idx = (int)a->len - 1;
    index_cand(m, c, mi, side, idx, in);
    if (in->type == ICECALL_CTYPE_HOST && md->pairs->len)
        rekey_pairs(md);   /* the base of a reflexive candidate seen before it */
    return idx;
}

cand_t *
cand_at(call_t *c, unsigned mi, int side, int idx)
{
    GArray *a = c->media[mi]->cands[side];
    for (guint k = 0; idx >= 0 && (guint)idx < a->len && k <= a->len; k++) {
        cand_t *x = &g_array_index(a, cand_t, idx);
        if (!x->merged)
            return x;
        idx = x->into;   /* the same candidate, known by its address later */
    }
    return NULL;
}

static icecall_ctype_t type_from_allocations(const icecall_model_t *m, const icecall_addr_t *a,
                                             icecall_ctype_t fallback);

/*
 * The ICE version in use on a media line: an INVITE offers both v6 and v19
 * candidates (different ports), the answer only one format. So the highest
 * version both sides offered; a side not seen yet does not lower it.
 */
uint8_t
media_version(const media_t *md)
{
    uint8_t a = md->side_version[0], b = md->side_version[1];
    if (!a)
        return b;
    if (!b)
        return a;
    return a < b ? a : b;
}

/* Does this candidate belong to the format in use (learnt ones always do)? */
bool
cand_in_use(const media_t *md, const cand_t *x)
{
    uint8_t v = media_version(md);
    return x->learnt || !v || !x->version || x->version == v;
}

/* ---- SDP --------------------------------------------------------------------- */

/* Which side sent @msg: A = the caller (From of the first INVITE). */
static int
sender_side(call_t *c, const icecall_msg_t *msg)
{
    const char *sender = msg->is_request ? msg->from_uri : msg->to_uri;
    const char *other = msg->is_request ? msg->to_uri : msg->from_uri;
    if (!c->uri[0] && !c->uri[1]) {
        /* First message of the call: a request's sender is the caller,
         * unless it is an in-dialog request from the callee (unknowable:
         * such calls are reported as seen mid-call). */
        c->uri[0] = g_strdup(msg->is_request ? sender : other);
        c->uri[1] = g_strdup(msg->is_request ? other : sender);
    }
    int side = (sender && c->uri[0] && strcmp(sender, c->uri[0]) == 0) ? ICECALL_SIDE_A : ICECALL_SIDE_B;
    if (!addr_set(&c->sip_ip[side]))
        c->sip_ip[side] = msg->src;
    return side;
}

/* The callee's fork that is the call's B: the one that answered, else the first. */
int
b_fork(const call_t *c)
{
    return c->answered >= 0 ? c->answered : 0;
}

/*
 * The early dialog of the callee with To-tag @tag (RFC 3261 12.1.2: each
 * provisional or final response with another To-tag is another dialog of a
 * forked INVITE). A message without tag belongs to B's fork. @create: a
 * new tag makes a new fork. Returns -1 for a new tag past ICECALL_MAX_FORKS
 * or when @create is false.
 */
static int
fork_find(icecall_model_t *m, call_t *c, const char *tag, bool create, uint32_t frame)
{
    if (!tag || !*tag) {
        if (!c->n_forks && create)
            c->n_forks = 1;   /* fork 0, To-tag not known yet */
        return c->n_forks ? b_fork(c) : -1;
    }
    for (unsigned f = 0; f < c->n_forks; f++) {
        if (strcmp(c->forks[f].tag, tag) == 0)
            return (int)f;
    }
    for (unsigned f = 0; f < c->n_forks && create; f++) {
        if (!c->forks[f].tag[0]) {
            copy_str(c->forks[f].tag, sizeof(c->forks[f].tag), tag);   /* the tag of a fork heard without one */
            return (int)f;
        }
    }
    if (!create)
        return -1;
    if (c->n_forks >= m->limit[ICECALL_LIMIT_FORKS].cap) {
        fnv_t f;
        fnv_init(&f, ICECALL_LIMIT_FORKS);
        fnv_str(&f, c->call_id);
        fnv_str(&f, tag);
        limit_refuse(m, ICECALL_LIMIT_FORKS, frame, &f);
        c->forks_truncated = true;
        return -1;
    }
    copy_str(c->forks[c->n_forks].tag, sizeof(c->forks[0].tag), tag);
    return (int)c->n_forks++;
}

/*
 * Side and fork of the sender of @msg. Side B's fork is the early dialog the
 * message belongs to (its To-tag in responses, From-tag in B's requests).
 * Returns the side; *fork is -1 for a B message of a fork past the limit.
 */
static int
sender_of(icecall_model_t *m, call_t *c, const icecall_msg_t *msg, int *fork)
{
    int side = sender_side(c, msg);
    *fork = 0;
    if (side == ICECALL_SIDE_B) {
        *fork = fork_find(m, c, msg->is_request ? msg->from_tag : msg->to_tag, true, msg->frame);
        if (*fork >= 0) {
            fork_t *f = &c->forks[*fork];
            if (!f->first_frame) {
                f->first_frame = msg->frame;
                f->sip_ip = msg->src;
            }
        }
    }
    return side;
}

/* What to call @msg in the report: "re-INVITE", "200 OK", "183 response", ... */
static void
msg_label(const icecall_msg_t *msg, char *buf, size_t size)
{
    const char *what = msg->message ? msg->message : "";
    if (msg->is_request && strcmp(what, "INVITE") == 0)   /* in a dialog: it has a To-tag (RFC 3261 12.2.1.1) */
        snprintf(buf, size, "%s", msg->to_tag && *msg->to_tag ? "re-INVITE" : "INVITE");
    else if (msg->is_request)
        snprintf(buf, size, "%.16s", *what ? what : "request");
    else if (strcmp(what, "200") == 0)
        snprintf(buf, size, "200 OK");
    else
        snprintf(buf, size, "%.3s response", *what ? what : "SIP");
}

/*
 * Is @msg, sent by @side, the message of @frame0/@cseq0 again? A SIP message
 * is often captured twice (client -> Front End and Front End -> other
 * client): same CSeq, same sender. Without a CSeq, the same @what it said.
 */
static bool
same_message(const icecall_msg_t *msg, uint32_t frame0, uint32_t cseq0, bool same_what)
{
    if (!frame0)
        return false;
    if (msg->cseq && cseq0)
        return msg->cseq == cseq0;
    return same_what;
}

static bool
method_in(const char *method, const char *const *list, size_t n)
{
    for (size_t i = 0; method && i < n; i++) {
        if (strcmp(method, list[i]) == 0)
            return true;
    }
    return false;
}

/*
 * Does this SDP make an A/V call? It must have a media line with ICE, in an
 * INVITE dialog: an offer or answer of INVITE, UPDATE, PRACK or ACK (RFC 3261
 * 13, RFC 3311, RFC 3262), or a response to one. What the message is not
 * known for (no start line, no CSeq) is taken as before: a call.
 */
static bool
sdp_makes_call(const icecall_msg_t *msg, const icecall_media_in_t *media, unsigned n_media)
{
    static const char *const requests[] = { "INVITE", "ACK", "UPDATE", "PRACK" };
    static const char *const answered[] = { "INVITE", "UPDATE", "PRACK" };
    bool ice = false;
    for (unsigned i = 0; i < n_media && !ice; i++)
        ice = media[i].version || media[i].n_cands || media[i].n_remote || media[i].remote_v6;
    if (!ice)
        return false;
    if (msg->message && msg->is_request)
        return method_in(msg->message, requests, G_N_ELEMENTS(requests));
    if (msg->cseq_method)
        return method_in(msg->cseq_method, answered, G_N_ELEMENTS(answered));
    return true;
}

static void merge_session(icecall_model_t *m, call_t *s, call_t *c, unsigned mi, int s_side, int c_side,
                          int fork);
static void alloc_learn_relayed(icecall_model_t *m, alloc_t *a, const icecall_addr_t *relayed, relayed_from_t from,
                                uint32_t frame);
static alloc_t *alloc_by_base(const icecall_model_t *m, const icecall_addr_t *base);

/*
 * An ICE session followed without SIP so far that this media line of @c
 * turns out to be: the session that has the SDP's ufrag, else (no ufrag, ICE
 * v6, or a session known only by address) one that learnt one of its host or
 * server-reflexive addresses from the packets. *s_side: that session's side
 * for the sender of the SDP.
 */
static call_t *
session_of_media(const icecall_model_t *m, const call_t *c, const icecall_media_in_t *in, int *s_side)
{
    const owner_t *o = in->ufrag && *in->ufrag ? (const owner_t *)g_hash_table_lookup(m->by_ufrag, in->ufrag) : NULL;
    if (o && o->call != c && !o->call->from_sip && !o->call->merged_into) {
        *s_side = o->side;
        return o->call;
    }
    /* By address: with no ufrag to go by (ICE v6), or a session that has
     * none either (seen through check responses alone, named after the
     * requester's socket). */
    bool ufrag = in->ufrag && *in->ufrag;
    for (unsigned j = 0; j < in->n_cands; j++) {
        const icecall_cand_in_t *ci = &in->cands[j];
        if (ci->type == ICECALL_CTYPE_RELAY || !addr_set(&ci->addr))
            continue;   /* an Edge's relayed address may serve several sessions */
        akey_t k;
        make_key(&k, &ci->addr, ci->tcp, true);
        o = (const owner_t *)g_hash_table_lookup(m->by_addr, &k);
        if (o && o->learnt && o->call != c && !o->call->from_sip && !o->call->merged_into &&
            (!ufrag || o->call->addr_keyed)) {
            *s_side = o->side;
            return o->call;
        }
    }
    return NULL;
}

static bool
add_sdp(icecall_model_t *m, const icecall_msg_t *msg, const icecall_media_in_t *media, unsigned n_media)
{
    bump_generation(m, msg->time_us);
    if (!msg->call_id || !sdp_makes_call(msg, media, n_media))
        return false;
    call_t *c = call_get(m, msg->call_id, true, msg->frame);
    if (!c) {
        /* The dialog table is full (ICECALL_MAX_DIALOGS): a call refused too. */
        refuse_call_id(m, ICECALL_LIMIT_CALLS, msg->call_id, msg->frame);
        return false;
    }
    if (!call_promote(m, c, msg->frame))
        return false;
    c->last_frame = msg->frame;
    int fork;
    int side = sender_of(m, c, msg, &fork);
    if (fork < 0)
        return false;   /* a fork past ICECALL_MAX_FORKS: not followed */
    /* The fork this message is about: the sender's, or the one A's in-dialog
     * request goes to (its To-tag). */
    int dialog = side == ICECALL_SIDE_B ? fork : fork_find(m, c, msg->to_tag, false, msg->frame);
    if (c->answered < 0 && dialog >= 0 &&
        ((side == ICECALL_SIDE_B && !msg->is_request && msg->message && msg->message[0] == '2' &&
          (!msg->cseq_method || strcmp(msg->cseq_method, "INVITE") == 0)) ||
         (side == ICECALL_SIDE_A && msg->is_request && msg->to_tag)))
        c->answered = dialog;   /* the 2xx, or an in-dialog request to that fork */
    if (!c->sdp_frame) {
        c->sdp_frame = msg->frame;
        msg_label(msg, c->sdp_what, sizeof(c->sdp_what));
    }
    if (!c->answer_frame && msg->message && strcmp(msg->message, "200") == 0) {
        c->answer_frame = msg->frame;
        c->answer_us = msg->time_us;
    }
    for (unsigned i = 0; i < n_media && !c->reinvite_frame; i++) {
        if (media[i].n_remote || media[i].remote_v6) {
            c->reinvite_frame = msg->frame;
            c->reinvite_us = msg->time_us;
        }
    }
    for (unsigned i = 0; i < n_media; i++) {
        const icecall_media_in_t *in = &media[i];
        if (!in->version && !in->n_cands && !in->n_remote && !in->remote_v6)
            continue;
        /* The checks and media of this line may have been followed already
         * as an ICE session without SIP (a capture that starts mid-call):
         * from now on they are this call's. */
        int s_side;
        call_t *s = in->mline < ICECALL_MAX_MEDIA ? session_of_media(m, c, in, &s_side) : NULL;
        if (s)
            merge_session(m, s, c, in->mline, s_side, side,
                          side == ICECALL_SIDE_B ? fork : dialog >= 0 ? dialog : b_fork(c));
        media_t *md = media_get(m, c, in->mline, in->media, msg->frame);
        if (!md)
            continue;
        if (in->version > md->side_version[side])
            md->side_version[side] = in->version;
        if (in->ufrag && *in->ufrag) {
            copy_str(md->ufrag[side], sizeof(md->ufrag[side]), in->ufrag);
            owner_t *o = g_new0(owner_t, 1);
            o->call = c;
            o->media = in->mline;
            o->side = side;
            o->cand = -1;
            o->fork = (uint8_t)fork;
            g_hash_table_replace(m->by_ufrag, g_strdup(in->ufrag), o);
        }
        if (addr_set(&in->default_addr))
            md->default_addr[side] = in->default_addr;
        for (unsigned j = 0; j < in->n_cands; j++) {
            const icecall_cand_in_t *ci = &in->cands[j];
            if (!addr_set(&ci->addr))
                continue;
            cand_t cd;
            memset(&cd, 0, sizeof(cd));
            cd.addr = ci->addr;
            cd.type = ci->type;
            cd.tcp = ci->tcp;
            copy_str(cd.transport, sizeof(cd.transport), ci->transport);
            cd.component = ci->component;
            cd.priority = ci->priority;
            cd.version = ci->version;
            cd.raddr = ci->raddr;
            copy_str(cd.foundation, sizeof(cd.foundation), ci->foundation);
            cd.frame = msg->frame;
            cd.fork = (uint8_t)fork;
            if (cd.type == ICECALL_CTYPE_UNKNOWN) /* v6: the allocations may tell */
                cd.type = type_from_allocations(m, &cd.addr, ICECALL_CTYPE_UNKNOWN);
            if (cd.type == ICECALL_CTYPE_RELAY && addr_set(&cd.raddr)) {
                /* A relay's related address is its allocation's client socket
                 * or that socket's reflexive address ([MS-ICE2] 3.1.4.8.1):
                 * the relayed address of an allocation whose responses the
                 * capture missed. */
                alloc_t *al = alloc_by_base(m, &cd.raddr);
                if (al && !addr_set(&al->relayed))
                    alloc_learn_relayed(m, al, &cd.addr, RELAYED_FROM_SDP, msg->frame);
            }
            cand_add(m, c, in->mline, side, &cd, msg->frame);
        }
        if ((in->n_remote > 0 || in->remote_v6) &&
            !same_message(msg, md->remote_final_frame[side], md->remote_final_cseq[side],
                          in->n_remote > 0 ? addr_eq(&md->remote_final[side], &in->remote[0])
                                           : strcmp(md->remote_v6[side], in->remote_v6) == 0)) {
            /* A new selection (not a second copy of the one we have). */
            md->remote_final_frame[side] = msg->frame;
            md->remote_final_cseq[side] = msg->cseq;
            msg_label(msg, md->remote_final_msg[side], sizeof(md->remote_final_msg[side]));
            if (in->n_remote > 0)
                md->remote_final[side] = in->remote[0];
        }
        if (in->remote_v6 && md->remote_final_frame[side] == msg->frame) {
            copy_str(md->remote_v6[side], sizeof(md->remote_v6[side]), in->remote_v6);
            /* Resolve the username to the other side's candidate address. */
            GArray *oc = md->cands[!side];
            for (guint k = 0; k < oc->len; k++) {
                cand_t *x = &g_array_index(oc, cand_t, k);
                if (!x->merged && x->component == 1 && strcmp(x->foundation, in->remote_v6) == 0) {
                    md->remote_final[side] = x->addr;
                    break;
                }
            }
        }
    }
    return true;
}

/* ---- location and diagnostics ------------------------------------------------- */

/* The sender's SIP URI says where it is: remembered for its calls (bounded). */
static void
endpoint_says(icecall_model_t *m, const icecall_msg_t *msg, icecall_location_t loc)
{
    const char *uri = msg->is_request ? msg->from_uri : msg->to_uri;
    if (!uri || !*uri)
        return;
    char *key = g_ascii_strdown(uri, -1);
    endpoint_t *e = (endpoint_t *)g_hash_table_lookup(m->endpoints, key);
    if (!e) {
        if (g_hash_table_size(m->endpoints) >= m->limit[ICECALL_LIMIT_ENDPOINTS].cap) {
            fnv_t f;
            fnv_init(&f, ICECALL_LIMIT_ENDPOINTS);
            fnv_str(&f, key);
            limit_refuse(m, ICECALL_LIMIT_ENDPOINTS, msg->frame, &f);
            g_free(key);
            return;
        }
        e = g_new0(endpoint_t, 1);
        e->stmts = g_array_new(FALSE, TRUE, sizeof(loc_stmt_t));
        g_hash_table_insert(m->endpoints, key, e);
    } else {
        g_free(key);
    }
    icecall_addr_t ip = msg->src;
    ip.port = 0;
    /* Only changes count: the same again from the same address (a REGISTER
     * refresh, the other copy of a message) adds nothing. */
    for (guint i = e->stmts->len; i-- > 0;) {
        const loc_stmt_t *x = &g_array_index(e->stmts, loc_stmt_t, i);
        if (addr_eq(&x->ip, &ip)) {
            if (x->loc == loc)
                return;
            break;
        }
    }
    loc_stmt_t st;
    memset(&st, 0, sizeof(st));
    st.ip = ip;
    st.frame = msg->frame;
    st.loc = loc;
    msg_label(msg, st.what, sizeof(st.what));
    if (e->stmts->len < m->limit[ICECALL_LIMIT_LOCATIONS].cap) {
        g_array_append_val(e->stmts, st);
        return;
    }
    /* Keep the first ones and the latest: the one it replaces is forgotten. */
    const loc_stmt_t *old = &g_array_index(e->stmts, loc_stmt_t, e->stmts->len - 1);
    fnv_t f;
    fnv_init(&f, ICECALL_LIMIT_LOCATIONS);
    fnv_str(&f, uri);
    fnv_add(&f, &old->frame, sizeof(old->frame));
    fnv_addr(&f, &old->ip, false, false);
    limit_refuse(m, ICECALL_LIMIT_LOCATIONS, msg->frame, &f);
    g_array_index(e->stmts, loc_stmt_t, e->stmts->len - 1) = st;
}

void
icecall_set_location(icecall_model_t *m, const icecall_msg_t *msg, icecall_location_t loc)
{
    bump_generation(m, msg->time_us);
    if (!msg->call_id || loc == ICECALL_LOC_UNKNOWN)
        return;
    endpoint_says(m, msg, loc);
    call_t *c = call_get(m, msg->call_id, true, msg->frame);
    if (!c) {
        refuse_call_id(m, ICECALL_LIMIT_DIALOGS, msg->call_id, msg->frame);
        return;
    }
    int fork;
    int side = sender_of(m, c, msg, &fork);
    if (side == ICECALL_SIDE_B && fork >= 0) {
        /* Each endpoint of a forked INVITE says where it is. */
        c->forks[fork].location = loc;
        if (!c->forks[fork].location_frame)
            c->forks[fork].location_frame = msg->frame;
    }
    c->location[side] = loc;
    if (!c->location_frame[side])
        c->location_frame[side] = msg->frame;
}

void
icecall_add_diagnostics(icecall_model_t *m, const icecall_msg_t *msg, const icecall_diag_in_t *d)
{
    bump_generation(m, msg->time_us);
    if (!msg->call_id)
        return;
    call_t *c = call_get(m, msg->call_id, true, msg->frame);
    if (!c) {
        refuse_call_id(m, ICECALL_LIMIT_DIALOGS, msg->call_id, msg->frame);
        return;
    }
    /* A client's account of a media failure (a MediaDebug, code 23 or 24) in
     * an INVITE dialog says the dialog had media lines, even when the
     * capture missed its SDP (a capture of the BYE only): a call. */
    static const char *const invite_dialog[] = { "INVITE", "ACK", "BYE", "CANCEL", "UPDATE", "PRACK" };
    const char *method = msg->is_request ? msg->message : msg->cseq_method;
    if (d->client && (d->has_icewarn || (d->media && *d->media) || d->code == 23 || d->code == 24) &&
        (!method || method_in(method, invite_dialog, G_N_ELEMENTS(invite_dialog))))
        call_promote(m, c, msg->frame);
    diag_t x;
    memset(&x, 0, sizeof(x));
    x.frame = msg->frame;
    x.time_us = msg->time_us;
    x.client = d->client;
    x.code = d->code;
    copy_str(x.reason, sizeof(x.reason), d->reason);
    x.has_icewarn = d->has_icewarn;
    x.icewarn = d->icewarn;
    copy_str(x.media, sizeof(x.media), d->media);
    x.side = sender_side(c, msg);
    for (unsigned i = 0; i < c->n_diags; i++) {
        const diag_t *y = &c->diags[i];
        int64_t dt = x.time_us > y->time_us ? x.time_us - y->time_us : y->time_us - x.time_us;
        if (dt <= ICECALL_DIAG_COPY_US && y->client == x.client && y->code == x.code && y->side == x.side &&
            y->has_icewarn == x.has_icewarn && y->icewarn == x.icewarn && strcmp(y->reason, x.reason) == 0 &&
            strcmp(y->media, x.media) == 0)
            return;  /* a copy: the first one seen stands */
    }
    if (c->n_diags >= m->limit[ICECALL_LIMIT_DIAGS].cap) {
        fnv_t f;
        fnv_init(&f, ICECALL_LIMIT_DIAGS);
        fnv_str(&f, c->call_id);
        fnv_add(&f, &x.frame, sizeof(x.frame));
        fnv_add(&f, &x.code, sizeof(x.code));
        fnv_str(&f, x.reason);
        limit_refuse(m, ICECALL_LIMIT_DIAGS, msg->frame, &f);
        c->diags_limit_hit = true;
        return;
    }
    c->diags[c->n_diags++] = x;
}

/* ---- MRAS -------------------------------------------------------------------- */

void
icecall_add_mras(icecall_model_t *m, const icecall_msg_t *msg, const icecall_addr_t *client, bool ok,
                 const char *reason, unsigned n_relays, bool is_request, icecall_location_t location)
{
    bump_generation(m, msg->time_us);
    if (!addr_set(client))
        return;
    akey_t k;
    make_key(&k, client, false, false);
    mras_t *r = (mras_t *)g_hash_table_lookup(m->mras, &k);
    if (!r) {
        if (g_hash_table_size(m->mras) >= m->limit[ICECALL_LIMIT_MRAS_CLIENTS].cap) {
            refuse_key(m, ICECALL_LIMIT_MRAS_CLIENTS, &k, sizeof(k), msg->frame);
            return;
        }
        r = g_new0(mras_t, 1);
        r->client = *client;
        r->client.port = 0;
        g_hash_table_insert(m->mras, g_memdup2(&k, sizeof(k)), r);
    }
    if (is_request) {
        r->requested = true;
        r->request_frame = msg->frame;
        if (location != ICECALL_LOC_UNKNOWN)
            r->location = location;
        return;
    }
    r->ok = ok;
    r->frame = msg->frame;
    r->n_relays = n_relays;
    copy_str(r->reason, sizeof(r->reason), reason);
}

/* ---- TURN allocations -------------------------------------------------------- */

/* The transaction cap refused to remember @txid ('A'llocate or 'C'heck). */
static void
refuse_txid(icecall_model_t *m, const uint8_t *txid, uint32_t frame, char kind)
{
    fnv_t f;
    fnv_init(&f, ICECALL_LIMIT_TRANSACTIONS);
    fnv_add(&f, &kind, 1);
    fnv_add(&f, txid, 16);
    limit_refuse(m, ICECALL_LIMIT_TRANSACTIONS, frame, &f);
}

/* The allocation of a client 5-tuple; @create (in @frame) when new. */
static alloc_t *
alloc_get(icecall_model_t *m, const icecall_addr_t *client, const icecall_addr_t *edge, bool tcp, bool create,
          uint32_t frame)
{
    akey2_t k;
    make_key(&k.client, client, tcp, true);
    make_key(&k.edge, edge, tcp, true);
    alloc_t *a = (alloc_t *)g_hash_table_lookup(m->allocs, &k);
    if (a || !create)
        return a;
    if (m->alloc_list->len >= m->limit[ICECALL_LIMIT_ALLOCATIONS].cap) {
        refuse_key(m, ICECALL_LIMIT_ALLOCATIONS, &k, sizeof(k), frame);
        return NULL;
    }
    a = g_new0(alloc_t, 1);
    a->client = *client;
    a->edge = *edge;
    a->tcp = tcp;
    g_hash_table_insert(m->allocs, g_memdup2(&k, sizeof(k)), a);
    g_ptr_array_add(m->alloc_list, a);
    /* By client socket: the latest allocation, once one succeeded the latest success. */
    alloc_t *was = (alloc_t *)g_hash_table_lookup(m->allocs_by_client, &k.client);
    if (!was || !was->success)  /* bounded by the alloc_list cap */
        g_hash_table_replace(m->allocs_by_client, g_memdup2(&k.client, sizeof(k.client)), a);
    return a;
}

/* index_alloc: @t[@addr] = @a, unless the index is full (a new key past the
 * cap, in @frame: packets to or from @addr are not tied to @a). */
static void
index_alloc(icecall_model_t *m, GHashTable *t, const icecall_addr_t *addr, bool tcp, alloc_t *a, uint32_t frame)
{
    akey_t k;
    make_key(&k, addr, tcp, true);
    if (g_hash_table_size(t) < m->limit[ICECALL_LIMIT_ALLOCATIONS].cap || g_hash_table_contains(t, &k)) {
        g_hash_table_replace(t, g_memdup2(&k, sizeof(k)), a);
        return;
    }
    const char *which = t == m->allocs_by_relayed ? "relayed" : t == m->allocs_by_client ? "client" : "reflexive";
    fnv_t f;
    fnv_init(&f, ICECALL_LIMIT_ALLOCATIONS);
    fnv_str(&f, which);
    fnv_add(&f, &k, sizeof(k));
    limit_refuse(m, ICECALL_LIMIT_ALLOCATIONS, frame, &f);
}

/* The allocation whose client socket or reflexive address is @base (a relay
 * candidate's raddr/rport), over UDP or TCP. */
static alloc_t *
alloc_by_base(const icecall_model_t *m, const icecall_addr_t *base)
{
    GHashTable *const t[2] = { m->allocs_by_client, m->allocs_by_reflexive };
    for (int i = 0; i < 4; i++) {
        akey_t k;
        make_key(&k, base, (i & 1) != 0, true);
        alloc_t *a = (alloc_t *)g_hash_table_lookup(t[i >> 1], &k);
        if (a)
            return a;
    }
    return NULL;
}

static void
add_allocation(icecall_model_t *m, uint32_t frame, int64_t time_us, const icecall_addr_t *client,
               const icecall_addr_t *edge, bool tcp, bool response, bool with_integrity,
               const uint8_t *txid, const icecall_addr_t *relayed, const icecall_addr_t *reflexive,
               uint16_t error_code, uint32_t lifetime, uint64_t mux_session)
{
    bump_generation(m, time_us);
    if (!response) {
        alloc_t *a = alloc_get(m, client, edge, tcp, true, frame);
        if (!a)
            return;
        if (!a->first_frame)
            a->first_frame = frame;
        a->n_transmissions++;
        if (txid && g_hash_table_lookup(m->alloc_tx, txid))
            return; /* a retransmission */
        a->n_requests++;
        a->last_request_frame = frame;
        a->pending = true;
        if (txid && g_hash_table_size(m->alloc_tx) < m->limit[ICECALL_LIMIT_TRANSACTIONS].cap) {
            alloc_tx_t *tx = g_new(alloc_tx_t, 1);
            tx->alloc = a;
            tx->with_integrity = with_integrity;
            g_hash_table_replace(m->alloc_tx, g_memdup2(txid, 16), tx);
        } else if (txid) {
            refuse_txid(m, txid, frame, 'A');
        }
        return;
    }
    const alloc_tx_t *tx = txid ? (const alloc_tx_t *)g_hash_table_lookup(m->alloc_tx, txid) : NULL;
    alloc_t *a = tx ? tx->alloc : NULL;
    if (!a) /* response seen without its request (or from another Edge address) */
        a = alloc_get(m, client, edge, tcp, true, frame);
    if (!a)
        return;
    a->pending = false;
    if (error_code) {
        a->error_code = error_code;
        a->error_frame = frame;
        if (error_code == 401 && tx && tx->with_integrity) {
            a->n_rejected++;  /* the credentials themselves were refused */
            a->last_rejected_frame = frame;
        } else if (error_code == 401) {
            a->n_401++;       /* the challenge (or a request we did not see) */
        }
        return;
    }
    if (lifetime == 0) {
        /* The release. Its response still names the relayed and reflexive
         * addresses: all the capture may say about an allocation made
         * before it started. */
        a->released = true;
        if (reflexive && addr_set(reflexive) && !addr_set(&a->reflexive)) {
            a->reflexive = *reflexive;
            index_alloc(m, m->allocs_by_reflexive, reflexive, a->tcp, a, frame);
        }
        if (relayed && addr_set(relayed) && !addr_set(&a->relayed))
            alloc_learn_relayed(m, a, relayed, RELAYED_FROM_RELEASE, frame);
        return;
    }
    a->released = false;   /* allocated (again), or a refresh */
    a->success = true;
    a->error_code = 0;
    a->success_frame = frame;
    if (reflexive && addr_set(reflexive)) {
        a->reflexive = *reflexive;
        index_alloc(m, m->allocs_by_reflexive, reflexive, a->tcp, a, frame);
    }
    index_alloc(m, m->allocs_by_client, &a->client, a->tcp, a, frame);
    if (relayed && addr_set(relayed))
        alloc_learn_relayed(m, a, relayed, RELAYED_FROM_RESPONSE, frame);
    if (mux_session) {
        a->mux_session = mux_session;
        if (g_hash_table_size(m->allocs_by_session) < m->limit[ICECALL_LIMIT_ALLOCATIONS].cap ||
            g_hash_table_contains(m->allocs_by_session, &mux_session)) {
            g_hash_table_replace(m->allocs_by_session, g_memdup2(&mux_session, sizeof(mux_session)), a);
        } else {
            fnv_t f;
            fnv_init(&f, ICECALL_LIMIT_ALLOCATIONS);
            fnv_add(&f, "session", 8);
            fnv_add(&f, &mux_session, sizeof(mux_session));
            limit_refuse(m, ICECALL_LIMIT_ALLOCATIONS, frame, &f);
        }
    }
}

void
icecall_set_destination(icecall_model_t *m, uint32_t frame, const icecall_addr_t *client, const icecall_addr_t *edge,
                        const icecall_addr_t *peer)
{
    alloc_t *a = alloc_get(m, client, edge, false, false, 0);
    if (!a)
        a = alloc_get(m, client, edge, true, false, 0);
    if (!a || !peer || !addr_set(peer))
        return;
    bump_generation(m, m->last_us);
    if (a->n_dests && addr_eq(&a->dests[a->n_dests - 1].peer, peer))
        return; /* the same destination again (a retransmission, or a refresh) */
    if (a->n_dests >= m->limit[ICECALL_LIMIT_DESTINATIONS].cap) {
        /* Keep the newest: the oldest destination is forgotten. */
        fnv_t f;
        fnv_init(&f, ICECALL_LIMIT_DESTINATIONS);
        fnv_addr(&f, &a->client, a->tcp, true);
        fnv_addr(&f, &a->edge, a->tcp, true);
        fnv_add(&f, &a->dests[0].frame, sizeof(a->dests[0].frame));
        limit_refuse(m, ICECALL_LIMIT_DESTINATIONS, frame, &f);
        memmove(&a->dests[0], &a->dests[1], sizeof(a->dests[0]) * (a->n_dests - 1));
        a->n_dests--;
    }
    a->dests[a->n_dests].frame = frame;
    a->dests[a->n_dests].peer = *peer;
    a->n_dests++;
}

/* The active destination of @a for a packet in @frame: the last one set in
 * an earlier frame; NULL when none was set yet. */
static const icecall_addr_t *
alloc_dest_at(const alloc_t *a, uint32_t frame)
{
    for (unsigned i = a->n_dests; i-- > 0;) {
        if (a->dests[i].frame < frame)
            return &a->dests[i].peer;
    }
    return NULL;
}

bool
icecall_active_leg(const icecall_model_t *m, const icecall_addr_t *src, const icecall_addr_t *dst, uint32_t frame,
                   icecall_leg_t *leg)
{
    if (!addr_set(src) || !addr_set(dst) || !m->alloc_list->len)
        return false;
    /* [MS-TURN] 3.2.4.5: once the active destination is set, data between
     * the client and the Edge travels without Send / Data Indication; the
     * 5-tuple of the allocation says which end is the client. */
    for (int outbound = 1; outbound >= 0; outbound--) {
        const icecall_addr_t *client = outbound ? src : dst, *edge = outbound ? dst : src;
        akey2_t k;
        make_key(&k.client, client, false, true);
        make_key(&k.edge, edge, false, true);
        const alloc_t *a = (const alloc_t *)g_hash_table_lookup(m->allocs, &k);
        /* Allocated in the capture, or before it (known by its relayed data). */
        if (!a || !(a->success || (!a->n_transmissions && !a->error_code)))
            continue;
        const icecall_addr_t *peer = alloc_dest_at(a, frame);
        if (!peer)
            continue;
        memset(leg, 0, sizeof(*leg));
        leg->src = *src;
        leg->dst = *dst;
        leg->relayed = true;
        leg->outbound = outbound != 0;
        leg->client = *client;
        leg->edge = *edge;
        leg->peer = *peer;
        return true;
    }
    return false;
}

/* ---- packets: which call, media line and pair ---------------------------------- */

static owner_t *
owner_of(const icecall_model_t *m, const icecall_addr_t *a, bool tcp)
{
    if (!addr_set(a))
        return NULL;
    akey_t k;
    make_key(&k, a, tcp, true);
    owner_t *o = (owner_t *)g_hash_table_lookup(m->by_addr, &k);
    if (o || !tcp)
        return o;
    /* TCP-ACT candidates connect from another port: match the address. */
    make_key(&k, a, tcp, false);
    return (owner_t *)g_hash_table_lookup(m->by_ip, &k);
}

/* A pair index after the merges that folded it into another (bounded). */
int
pair_resolve(const media_t *md, int pi)
{
    for (guint k = 0; pi >= 0 && (guint)pi < md->pairs->len && k <= md->pairs->len; k++) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, pi);
        if (!p->merged)
            return pi;
        pi = p->into;
    }
    return -1;
}

/* The callee's fork a pair belongs to (its B end's). */
int
pair_fork(call_t *c, unsigned mi, const pair_t *p)
{
    const cand_t *y = cand_at(c, mi, ICECALL_SIDE_B, p->cand[1]);
    return y ? y->fork : b_fork(c);
}

/* ---- sessions without SDP: what the packets say about each address ------------
 *
 * Without SDP nothing states a candidate's type, but the capture often does
 * ([MS-ICE2] 1.3 phases 2 and 4; RFC 8445 5.1.1, 7.2.5.3.1). Best evidence
 * first:
 *   relay  the relayed address of a TURN allocation in the capture
 *          ([MS-TURN] 3.2.5.1: MAPPED-ADDRESS), our own relayed leg, a check
 *          carrying MS-MULTIPLEXED-TURN-SESSION-ID (sent through the sender's
 *          relay, [MS-TURN] 2.2.2.25), or a Microsoft 365 transport relay by
 *          the published ranges and ports (msnet.h);
 *   host   the client socket of an allocation, or a private / CGNAT /
 *          link-local address (a host, of a NAT'd network when it talks
 *          to the internet);
 *   srflx  the reflexive address of an allocation (XOR-MAPPED-ADDRESS), or a
 *          public non-relay address of a side whose host address is private
 *          (the only public address such a side has is its NAT's);
 *   unknown otherwise: a public address could be either a host or a NAT.
 * A host end of a pair leaves through a NAT when the peer's success response
 * maps it elsewhere (XOR-MAPPED-ADDRESS, RFC 8445 7.2.5.3.1), or when it is a
 * private address talking to a public one. Computed when asked, from the
 * model as it stands, so later allocations and checks refine earlier
 * answers; the SIP calls keep what their SDP said.
 */


static const alloc_t *
alloc_by(GHashTable *t, const icecall_addr_t *a, bool tcp)
{
    akey_t k;
    if (!addr_set(a))
        return NULL;
    make_key(&k, a, tcp, true);
    return (const alloc_t *)g_hash_table_lookup(t, &k);
}

static bool
is_private(const icecall_addr_t *a)
{
    return addr_set(a) && icecand_scope_is_private(icecand_ip_scope(a->addr, a->family == 6 ? 16 : 4));
}

/* A private address that is nobody's relay: a host of a NAT'd network. */
static bool
private_host(const icecall_model_t *m, const cand_t *y)
{
    const alloc_t *al = alloc_by(m->allocs_by_relayed, &y->addr, false);
    return is_private(&y->addr) && y->type != ICECALL_CTYPE_RELAY && !y->mux_frame && !(al && al->success);
}

/* @why: also say why (the report); the type alone is what the hot path needs. */
static void
cand_view_as(const call_t *c, unsigned mi, int side, int idx, cview_t *v, bool why)
{
    const cand_t *x = cand_at((call_t *)c, mi, side, idx);
    memset(v, 0, sizeof(*v));
    if (!x)
        return;
    v->type = x->type;
    if (c->from_sip || !x->learnt || !c->model)
        return;     /* what the SDP said (or the model of a SIP call learnt) */
    const icecall_model_t *m = c->model;
    const char *who = side == 0 ? "A" : "B";
    char a1[64], a2[64];
    if (x->alloc) {
        /* Relayed packets through an allocation made before the capture
         * started, whose relayed address no packet has shown yet. */
        v->type = ICECALL_CTYPE_RELAY;
        v->alloc = x->alloc;
        if (why)
            snprintf(v->why, sizeof(v->why), "%s's relay on %s for %s: allocated before the capture started, its "
                     "relayed address not seen", who, addr_str(&x->alloc->edge, a2, sizeof(a2)),
                     addr_str(&x->alloc->client, a1, sizeof(a1)));
        return;
    }
    /* Several sockets can share one relayed address (MS-TURN v6 multiplexes
     * them): the one behind our relayed leg is the allocation meant. */
    const alloc_t *al = NULL;
    if (addr_set(&x->base)) {
        al = alloc_by(m->allocs_by_client, &x->base, false);
        if (!al || !addr_eq(&al->relayed, &x->addr))
            al = alloc_by(m->allocs_by_client, &x->base, true);
        if (al && !addr_eq(&al->relayed, &x->addr))
            al = NULL;
    }
    if (!al)
        al = alloc_by(m->allocs_by_relayed, &x->addr, false);
    if (al && al->success) {
        v->type = ICECALL_CTYPE_RELAY;
        v->alloc = al;
        if (why)
            snprintf(v->why, sizeof(v->why), "relayed address of the allocation of %s on %s (frame %u)",
                     addr_str(&al->client, a1, sizeof(a1)), addr_str(&al->edge, a2, sizeof(a2)), al->success_frame);
        return;
    }
    if (x->type == ICECALL_CTYPE_RELAY) {
        v->type = ICECALL_CTYPE_RELAY;
        if (why)
            snprintf(v->why, sizeof(v->why), "%s's relay: the far end of its relayed packets", who);
        return;
    }
    if (x->mux_frame) {
        v->type = ICECALL_CTYPE_RELAY;
        if (why)
            snprintf(v->why, sizeof(v->why), "%s's TURN relay: its check from there carried "
                     "MS-MULTIPLEXED-TURN-SESSION-ID (frame %u)%s", who, x->mux_frame,
                     msnet_is_transport_relay(x->addr.family, x->addr.addr, x->addr.port)
                     ? "; a Microsoft 365 transport relay" : "");
        return;
    }
    if (msnet_is_transport_relay(x->addr.family, x->addr.addr, x->addr.port)) {
        v->type = ICECALL_CTYPE_RELAY;
        if (why)
            snprintf(v->why, sizeof(v->why), "a Microsoft 365 transport relay (published Teams relay range and port)");
        return;
    }
    if ((al = alloc_by(m->allocs_by_client, &x->addr, x->tcp)) != NULL) {
        v->type = ICECALL_CTYPE_HOST;
        v->alloc = al;
        if (why)
            snprintf(v->why, sizeof(v->why), "%s's socket of the TURN allocation on %s (frame %u)%s", who,
                     addr_str(&al->edge, a1, sizeof(a1)), al->success ? al->success_frame : al->first_frame,
                     is_private(&x->addr) ? "; a private address" : "");
        return;
    }
    if ((al = alloc_by(m->allocs_by_reflexive, &x->addr, x->tcp)) != NULL && al->success) {
        v->type = ICECALL_CTYPE_SRFLX;
        v->alloc = al;
        if (why)
            snprintf(v->why, sizeof(v->why),
                     "NAT mapping of %s (XOR-MAPPED-ADDRESS of the Allocate response, frame %u)",
                     addr_str(&al->client, a1, sizeof(a1)), al->success_frame);
        return;
    }
    if (is_private(&x->addr)) {
        v->type = ICECALL_CTYPE_HOST;
        if (why)
            snprintf(v->why, sizeof(v->why), "a private address: a host candidate");
        return;
    }
    const GArray *cs = c->media[mi]->cands[side];
    for (guint i = 0; i < cs->len; i++) {
        const cand_t *y = &g_array_index(cs, cand_t, i);
        /* Same family: an IPv6 address of a side whose IPv4 host is private
         * is no NAT mapping (IPv6 rarely crosses a NAT). */
        if ((int)i != idx && y->addr.family == x->addr.family && private_host(m, y)) {
            v->type = ICECALL_CTYPE_SRFLX;
            if (why)
                snprintf(v->why, sizeof(v->why), "public, not a relay, and %s's host %s is private: %s's NAT mapping",
                         who, addr_str(&y->addr, a1, sizeof(a1)), who);
            return;
        }
    }
    v->type = ICECALL_CTYPE_UNKNOWN;
    if (why)
        snprintf(v->why, sizeof(v->why), "a public address: a host or a NAT mapping, nothing in the capture tells");
}

void
cand_view(const call_t *c, unsigned mi, int side, int idx, cview_t *v)
{
    cand_view_as(c, mi, side, idx, v, true);
}

/* cand_view() without v->why (empty): the type and allocation only. */
void
cand_view_type(const call_t *c, unsigned mi, int side, int idx, cview_t *v)
{
    cand_view_as(c, mi, side, idx, v, false);
}

/*
 * Does the pair's end on side @s leave through a NAT? TRUE for a host whose
 * peer saw it at another address, or a private host talking to a public
 * address. @as: the address it leaves as: what the peer's response showed,
 * else the reflexive address of the socket's allocation (family 0: neither).
 */
static bool
end_behind_nat(const call_t *c, unsigned mi, const pair_t *p, int s, const cview_t *v, icecall_addr_t *as)
{
    const cand_t *x = cand_at((call_t *)c, mi, s, p->cand[s]);
    const cand_t *o = cand_at((call_t *)c, mi, !s, p->cand[!s]);
    memset(as, 0, sizeof(*as));
    if (!x || v[s].type != ICECALL_CTYPE_HOST)
        return false;
    if (addr_set(&p->seen_as[s])) {
        if (addr_eq(&p->seen_as[s], &x->addr))
            return false;   /* the peer sees the address itself: no NAT on the way */
        *as = p->seen_as[s];
        return true;
    }
    if (!is_private(&x->addr) || !o || is_private(&o->addr))
        return false;
    /* No response showed this pair's mapping: the server-reflexive address
     * the Edge reported for the socket is the one it leaves as. */
    const alloc_t *al = v[s].alloc;
    if (al && al->success && addr_set(&al->reflexive) && !addr_eq(&al->reflexive, &x->addr))
        *as = al->reflexive;
    return true;
}

static icecall_path_t
session_pair_path(const call_t *c, unsigned mi, const pair_t *p)
{
    cview_t v[2];
    const cand_t *x = cand_at((call_t *)c, mi, 0, p->cand[0]);
    const cand_t *y = cand_at((call_t *)c, mi, 1, p->cand[1]);
    if (!x || !y)
        return ICECALL_PATH_NONE;
    cand_view_type(c, mi, 0, p->cand[0], &v[0]);
    cand_view_type(c, mi, 1, p->cand[1], &v[1]);
    if (v[0].type == ICECALL_CTYPE_RELAY || v[1].type == ICECALL_CTYPE_RELAY) {
        bool tcp = p->relayed_tcp || (v[0].type == ICECALL_CTYPE_RELAY && x->tcp) ||
                   (v[1].type == ICECALL_CTYPE_RELAY && y->tcp);
        return tcp ? ICECALL_PATH_RELAY_TCP : ICECALL_PATH_RELAY_UDP;
    }
    icecall_addr_t as;
    for (int s = 0; s < 2; s++) {
        if (v[s].type == ICECALL_CTYPE_SRFLX || v[s].type == ICECALL_CTYPE_PRFLX || end_behind_nat(c, mi, p, s, v, &as))
            return ICECALL_PATH_SRFLX;
    }
    if (v[0].type == ICECALL_CTYPE_HOST && v[1].type == ICECALL_CTYPE_HOST)
        return ICECALL_PATH_HOST;
    return ICECALL_PATH_NONE;
}

/* "host 192.168.1.6:50016 via NAT as srflx 80.181.206.72:57543" */
static void
session_end_text(const call_t *c, unsigned mi, const pair_t *p, int s, const cview_t *v, char *buf, size_t size)
{
    const cand_t *x = cand_at((call_t *)c, mi, s, p->cand[s]);
    char a[64], b[64];
    icecall_addr_t as;
    if (!x) {
        snprintf(buf, size, "?");
        return;
    }
    if (x->alloc) {
        snprintf(buf, size, "relay via Edge %s (relayed address not seen)", addr_str(&x->alloc->edge, a, sizeof(a)));
        return;
    }
    int n = snprintf(buf, size, "%s %s", icecall_ctype_to_string(v[s].type), addr_str(&x->addr, a, sizeof(a)));
    if (n < 0 || (size_t)n >= size || !end_behind_nat(c, mi, p, s, v, &as))
        return;
    if (!addr_set(&as)) {
        snprintf(buf + n, size - (size_t)n, " via NAT");
        return;
    }
    /* The mapping the Edge reported for this socket is its server-reflexive
     * candidate; any other is peer-reflexive (RFC 8445 7.2.5.3.1). */
    const alloc_t *al = alloc_by(c->model->allocs_by_reflexive, &as, x->tcp);
    snprintf(buf + n, size - (size_t)n, " via NAT as %s %s", al && al->success ? "srflx" : "prflx",
             addr_str(&as, b, sizeof(b)));
}

static void
session_pair_text(const call_t *c, unsigned mi, const pair_t *p, char *buf, size_t size)
{
    cview_t v[2];
    char e[2][112];
    const cand_t *x = cand_at((call_t *)c, mi, 0, p->cand[0]);
    const cand_t *y = cand_at((call_t *)c, mi, 1, p->cand[1]);
    cand_view_type(c, mi, 0, p->cand[0], &v[0]);
    cand_view_type(c, mi, 1, p->cand[1], &v[1]);
    session_end_text(c, mi, p, 0, v, e[0], sizeof(e[0]));
    session_end_text(c, mi, p, 1, v, e[1], sizeof(e[1]));
    bool tcp = (x && x->tcp) || (y && y->tcp) || p->relayed_tcp;
    if (tcp && x && y && x->tcptype && y->tcptype && !p->relayed_tcp)
        snprintf(buf, size, "A %s <-> B %s (TCP, A %s, B %s)", e[0], e[1],
                   x->tcptype == ICECALL_TCP_SRC_ACTIVE ? "TCP-ACT" : "TCP-PASS",
                   y->tcptype == ICECALL_TCP_SRC_ACTIVE ? "TCP-ACT" : "TCP-PASS");
    else
        snprintf(buf, size, "A %s <-> B %s (%s)", e[0], e[1], tcp ? "TCP" : "UDP");
}

icecall_path_t
pair_path(call_t *c, unsigned mi, const pair_t *p)
{
    if (!c->from_sip)
        return session_pair_path(c, mi, p);
    const cand_t *x = cand_at(c, mi, 0, p->cand[0]);
    const cand_t *y = cand_at(c, mi, 1, p->cand[1]);
    if (!x || !y)
        return ICECALL_PATH_NONE;
    if (x->type == ICECALL_CTYPE_RELAY || y->type == ICECALL_CTYPE_RELAY) {
        bool tcp = p->relayed_tcp || (x->type == ICECALL_CTYPE_RELAY && x->tcp) ||
                   (y->type == ICECALL_CTYPE_RELAY && y->tcp);
        return tcp ? ICECALL_PATH_RELAY_TCP : ICECALL_PATH_RELAY_UDP;
    }
    if (p->nat || x->type == ICECALL_CTYPE_SRFLX || x->type == ICECALL_CTYPE_PRFLX ||
        y->type == ICECALL_CTYPE_SRFLX || y->type == ICECALL_CTYPE_PRFLX)
        return ICECALL_PATH_SRFLX;
    if (x->type == ICECALL_CTYPE_HOST && y->type == ICECALL_CTYPE_HOST)
        return ICECALL_PATH_HOST;
    return ICECALL_PATH_NONE;
}

/*
 * How the report names the callee's fork @fork: "B" for the call's B (the
 * fork that answered, else the first), "B2", "B3", ... for the others in the
 * order they were first heard.
 */
const char *
fork_label(const call_t *c, int fork, char *buf, size_t size)
{
    int b = b_fork(c);
    if (fork == b || fork < 0) {
        snprintf(buf, size, "B");
        return buf;
    }
    unsigned n = 2;
    for (int f = 0; f < fork; f++)
        n += f != b;
    snprintf(buf, size, "B%u", n);
    return buf;
}

static void
cand_text(const cand_t *x, char *buf, size_t size)
{
    char a[64];
    if (!x) {
        snprintf(buf, size, "?");
        return;
    }
    if (x->alloc) {
        snprintf(buf, size, "relay via Edge %s (relayed address not seen)", addr_str(&x->alloc->edge, a, sizeof(a)));
        return;
    }
    snprintf(buf, size, "%s %s%s", icecall_ctype_to_string(x->type), addr_str(&x->addr, a, sizeof(a)),
             x->learnt ? " (not offered)" : "");
}

void
pair_text(call_t *c, unsigned mi, const pair_t *p, char *buf, size_t size)
{
    char x[112], y[112], b[8];
    if (!c->from_sip) {
        session_pair_text(c, mi, p, buf, size);
        return;
    }
    const cand_t *cx = cand_at(c, mi, 0, p->cand[0]);
    const cand_t *cy = cand_at(c, mi, 1, p->cand[1]);
    cand_text(cx, x, sizeof(x));
    cand_text(cy, y, sizeof(y));
    bool tcp = (cx && cx->tcp) || (cy && cy->tcp) || p->relayed_tcp;
    snprintf(buf, size, "A %s <-> %s %s (%s)", x, fork_label(c, cy ? cy->fork : -1, b, sizeof(b)), y,
             tcp ? "TCP" : "UDP");
}

/*
 * The base of a server- or peer-reflexive candidate: the host candidate of
 * the same side at its related address (raddr/rport). One path through NAT
 * shows as "host <-> srflx" on one side's network and as "srflx <-> host" on
 * the other's; both are the same pair once each end is its base.
 */
static int
cand_base(const media_t *md, int side, int idx, bool *nat)
{
    const cand_t *x = &g_array_index(md->cands[side], cand_t, idx);
    if (x->type != ICECALL_CTYPE_SRFLX && x->type != ICECALL_CTYPE_PRFLX)
        return idx;
    *nat = true;
    if (!addr_set(&x->raddr))
        return idx;
    for (guint i = 0; i < md->cands[side]->len; i++) {
        const cand_t *y = &g_array_index(md->cands[side], cand_t, i);
        if (!y->merged && y->type == ICECALL_CTYPE_HOST && addr_eq(&y->addr, &x->raddr) && y->tcp == x->tcp)
            return (int)i;
    }
    return idx;
}

/* The pair of candidates @ca (A) and @cb (B); @create (in @frame) when new. */
static void
pair_key(const media_t *md, pair_t *p)
{
    bool nat = false;
    p->key[0] = p->cand[0];
    p->key[1] = p->cand[1];
    /* Without SDP no candidate has a related address, and what its type is
     * may change as the capture tells more: there the pair is its two ends. */
    if (md->from_sip) {
        p->key[0] = cand_base(md, 0, p->cand[0], &nat);
        p->key[1] = cand_base(md, 1, p->cand[1], &nat);
    }
    p->nat = nat;
}

static int
pair_get(icecall_model_t *m, call_t *c, unsigned mi, int ca, int cb, bool create, uint32_t frame)
{
    media_t *md = c->media[mi];
    pair_t p;
    memset(&p, 0, sizeof(p));
    p.cand[0] = ca;
    p.cand[1] = cb;
    pair_key(md, &p);
    for (guint i = 0; i < md->pairs->len; i++) {
        const pair_t *x = &g_array_index(md->pairs, pair_t, i);
        if (!x->merged && x->key[0] == p.key[0] && x->key[1] == p.key[1] && x->nat == p.nat)
            return (int)i;
    }
    if (!create)
        return -1;
    if (md->pairs->len >= m->limit[ICECALL_LIMIT_PAIRS].cap) {
        fnv_t f;
        fnv_init(&f, ICECALL_LIMIT_PAIRS);
        fnv_str(&f, c->call_id);
        fnv_add(&f, &mi, sizeof(mi));
        fnv_add(&f, &p.key[0], sizeof(p.key[0]));
        fnv_add(&f, &p.key[1], sizeof(p.key[1]));
        fnv_add(&f, &p.nat, sizeof(p.nat));
        limit_refuse(m, ICECALL_LIMIT_PAIRS, frame, &f);
        md->pairs_limit_hit = true;
        return -1;
    }
    g_array_append_val(md->pairs, p);
    return (int)md->pairs->len - 1;
}

/*
 * Every change of a pair's check result goes through here, with the frame
 * that caused it and why: the result as the capture shows it (RFC 8445
 * 6.1.2.6 pair states: a request seen makes it In-Progress, a success
 * response Succeeded, an error response Failed), not as the agent knew it.
 */
static void
pair_set_result(pair_t *p, icecall_result_t result, uint32_t frame, const char *why)
{
    if (p->result == result)
        return;
    p->result = result;
    p->result_frame = frame;
    p->result_why = why;
}

/*
 * Every change of the pair carrying media on a media line (per fork and
 * direction, from side @dir) goes through here: now @pi, after @previous,
 * since @time_us, with the frame that made the change and why.
 */
static void
media_path_set(media_t *md, int fork, int dir, int pi, int previous, int64_t time_us, uint32_t frame,
               const char *why)
{
    md->previous[fork][dir] = previous;
    md->current[fork][dir] = pi;
    md->switched_us[fork][dir] = time_us;
    md->switched_frame[fork][dir] = frame;
    md->switched_why[fork][dir] = why;
}

/* @n media packets seen from @first to @last (frames, and times in µs)
 * added to the pair's media: its span grows to cover them. */
static void
media_span_add(pair_t *p, uint32_t first, int64_t first_us, uint32_t last, int64_t last_us, unsigned n)
{
    if (!p->media_pkts || first < p->media_first_frame) {
        p->media_first_frame = first;
        p->media_first_us = first_us;
    }
    if (last > p->media_last_frame) {
        p->media_last_frame = last;
        p->media_last_us = last_us;
    }
    p->media_pkts += n;
}

/* What @src knew about a pair, added to @dst (the same pair, known by two
 * names until now). @swap: @src's side 0 is @dst's side 1 (a session merged
 * into a call whose caller is its side B). */
static void
pair_merge(pair_t *dst, const pair_t *src, bool swap)
{
    static const int rank[] = { [ICECALL_RESULT_NONE] = 0, [ICECALL_RESULT_PENDING] = 1,
                                [ICECALL_RESULT_ERROR] = 2, [ICECALL_RESULT_SUCCESS] = 3 };
    dst->n_requests += src->n_requests;
    if (rank[src->result] > rank[dst->result]) {
        pair_set_result(dst, src->result, src->result_frame, src->result_why);
        dst->error_code = src->error_code;
    }
#define MIN_SET(f) do { if (src->f && (!dst->f || src->f < dst->f)) dst->f = src->f; } while (0)
    MIN_SET(first_check_frame);
    MIN_SET(success_frame);
    MIN_SET(error_frame);
    MIN_SET(nominated_frame);
    dst->nominated = dst->nominated || src->nominated;
    if (src->media_pkts)
        media_span_add(dst, src->media_first_frame, src->media_first_us, src->media_last_frame, src->media_last_us,
                       src->media_pkts);
    dst->relayed_tcp = dst->relayed_tcp || src->relayed_tcp;
    for (int d = 0; d < 2; d++) {
        int e = swap ? !d : d;   /* @src's side for @dst's side d */
        if (src->first_rtp_frame[e] && (!dst->first_rtp_frame[d] || src->first_rtp_frame[e] < dst->first_rtp_frame[d]))
            dst->first_rtp_frame[d] = src->first_rtp_frame[e];
        dst->media_dir[d] += src->media_dir[e];
        dst->dscp_media[d] |= src->dscp_media[e];
        dst->dscp_check[d] |= src->dscp_check[e];
        if (src->seen_frame[e] && (!dst->seen_frame[d] || src->seen_frame[e] > dst->seen_frame[d])) {
            dst->seen_as[d] = src->seen_as[e];   /* the latest mapping a response showed */
            dst->seen_frame[d] = src->seen_frame[e];
        }
    }
    if (src->icmp_n) {
        if (!dst->icmp_n || src->icmp_frame < dst->icmp_frame) {
            dst->icmp_frame = src->icmp_frame;
            dst->icmp_v6 = src->icmp_v6;
            dst->icmp_type = src->icmp_type;
            dst->icmp_code = src->icmp_code;
            dst->icmp_side = swap ? !src->icmp_side : src->icmp_side;
        }
        dst->icmp_n += src->icmp_n;
    }
    dst->n_responses_only += src->n_responses_only;
    MIN_SET(response_only_frame);
#undef MIN_SET
}

/*
 * Candidate @from of @side is @into (a relay placeholder whose relayed
 * address turned out to be an offered or learnt candidate): its pairs are
 * the pairs of @into; pairs that now coincide with one of those are folded
 * into the older. Switches, current pairs and transactions naming a folded
 * pair follow pair_resolve().
 */
static void
merge_cand(call_t *c, unsigned mi, int side, int from, int into)
{
    media_t *md = c->media[mi];
    cand_t *f = &g_array_index(md->cands[side], cand_t, from);
    f->merged = true;
    f->into = into;
    f->alloc = NULL;
    for (guint i = 0; i < md->pairs->len; i++) {
        pair_t *p = &g_array_index(md->pairs, pair_t, i);
        if (p->merged || p->cand[side] != from)
            continue;
        p->cand[side] = into;
    }
    rekey_pairs(md);
}

/*
 * Recomputes every pair's key (what its ends are known to be changed:
 * an offer typed a learnt candidate, a base appeared) and folds pairs that
 * now are the same path into the older one (bounded: ICECALL_MAX_PAIRS).
 */
static void
rekey_pairs(media_t *md)
{
    for (guint i = 0; i < md->pairs->len; i++) {
        pair_t *p = &g_array_index(md->pairs, pair_t, i);
        if (!p->merged)
            pair_key(md, p);
    }
    for (guint i = 0; i < md->pairs->len; i++) {
        pair_t *p = &g_array_index(md->pairs, pair_t, i);
        if (p->merged)
            continue;
        for (guint j = i + 1; j < md->pairs->len; j++) {
            pair_t *q = &g_array_index(md->pairs, pair_t, j);
            if (q->merged || q->key[0] != p->key[0] || q->key[1] != p->key[1] || q->nat != p->nat)
                continue;
            pair_merge(p, q, false);   /* p is the older */
            q->merged = true;
            q->into = (int)i;
        }
    }
}

/* What the allocations say an address is: the client's socket (host), its
 * NAT mapping (srflx) or an Edge relay. */
static icecall_ctype_t
type_from_allocations(const icecall_model_t *m, const icecall_addr_t *a, icecall_ctype_t fallback)
{
    for (guint i = 0; i < m->alloc_list->len; i++) {
        const alloc_t *al = (const alloc_t *)g_ptr_array_index(m->alloc_list, i);
        if (addr_eq(&al->client, a))
            return ICECALL_CTYPE_HOST;
        if (al->success && addr_eq(&al->reflexive, a))
            return ICECALL_CTYPE_SRFLX;
        if (al->success && addr_eq(&al->relayed, a))
            return ICECALL_CTYPE_RELAY;
    }
    return fallback;
}

/*
 * @a's relayed address is known now: the relay placeholders of the media
 * lines that used it before become that address, or the candidate that
 * already has it (an offer, or a relay learnt from the peer's checks).
 */
static void
alloc_learn_relayed(icecall_model_t *m, alloc_t *a, const icecall_addr_t *relayed, relayed_from_t from,
                    uint32_t frame)
{
    a->relayed = *relayed;
    a->relayed_from = from;
    a->relayed_frame = frame;
    index_alloc(m, m->allocs_by_relayed, relayed, false, a, frame);
    retry_later(m, &a->client);
    for (unsigned u = 0; u < a->n_users; u++) {
        const alloc_user_t *us = &a->users[u];
        media_t *md = us->call->media[us->media];
        cand_t *ph = &g_array_index(md->cands[us->side], cand_t, us->cand);
        if (ph->merged || ph->alloc != a)
            continue;
        int into = -1;
        for (guint i = 0; i < md->cands[us->side]->len && into < 0; i++) {
            const cand_t *x = &g_array_index(md->cands[us->side], cand_t, i);
            if (!x->merged && !x->alloc && addr_eq(&x->addr, relayed))
                into = (int)i;
        }
        if (into >= 0) {
            merge_cand(us->call, us->media, us->side, us->cand, into);
        } else {
            ph->alloc = NULL;
            ph->addr = *relayed;
            index_cand(m, us->call, us->media, us->side, us->cand, ph);
        }
    }
    a->n_users = 0;
}

/*
 * The relay end of a packet through @a, whose relayed address the capture
 * has not shown (its Allocate is before the capture): an offered relay
 * candidate of the side whose raddr/rport is @a's client socket or reflexive
 * address ([MS-ICE2] 3.1.4.8.1: a relayed candidate's base), else a
 * placeholder that waits for the address (a refresh or release response,
 * or a later SDP). Returns the candidate index or -1.
 */
static int
relay_end(icecall_model_t *m, call_t *c, unsigned mi, int side, alloc_t *a, int fork, bool create,
          uint32_t frame)
{
    media_t *md = c->media[mi];
    for (unsigned u = 0; u < a->n_users; u++) {
        const alloc_user_t *us = &a->users[u];
        if (us->call == c && us->media == mi && us->side == side)
            return us->cand;
    }
    for (guint i = 0; i < md->cands[side]->len; i++) {
        const cand_t *x = &g_array_index(md->cands[side], cand_t, i);
        if (x->merged || x->learnt || x->type != ICECALL_CTYPE_RELAY || !addr_set(&x->raddr))
            continue;
        if (addr_eq(&x->raddr, &a->client) || (addr_set(&a->reflexive) && addr_eq(&x->raddr, &a->reflexive))) {
            if (!create)
                return (int)i;
            icecall_addr_t relayed = x->addr;
            alloc_learn_relayed(m, a, &relayed, RELAYED_FROM_SDP, x->frame);
            return (int)i;
        }
    }
    if (!create)
        return -1;
    if (a->n_users >= m->limit[ICECALL_LIMIT_ALLOC_USERS].cap) {
        fnv_t f;
        fnv_init(&f, ICECALL_LIMIT_ALLOC_USERS);
        fnv_addr(&f, &a->client, a->tcp, true);
        fnv_addr(&f, &a->edge, a->tcp, true);
        fnv_str(&f, c->call_id);
        fnv_add(&f, &mi, sizeof(mi));
        fnv_add(&f, &side, sizeof(side));
        limit_refuse(m, ICECALL_LIMIT_ALLOC_USERS, frame, &f);
        return -1;
    }
    cand_t cd;
    memset(&cd, 0, sizeof(cd));
    cd.type = ICECALL_CTYPE_RELAY;
    copy_str(cd.transport, sizeof(cd.transport), "UDP");
    cd.component = 0;
    cd.learnt = true;
    cd.alloc = a;
    cd.fork = (uint8_t)(side == ICECALL_SIDE_B ? (fork >= 0 ? fork : b_fork(c)) : 0);
    int idx = cand_add(m, c, mi, side, &cd, frame);
    if (idx >= 0) {
        alloc_user_t *us = &a->users[a->n_users++];
        us->call = c;
        us->media = mi;
        us->side = side;
        us->cand = idx;
        retry_later(m, &a->client);
    }
    return idx;
}

/* A learnt candidate (peer-reflexive, or an address the SDP did not offer). */
static int
learn_cand(icecall_model_t *m, call_t *c, unsigned mi, int side, const icecall_addr_t *a, bool tcp,
           icecall_ctype_t type, int fork, uint32_t frame)
{
    if (type == ICECALL_CTYPE_UNKNOWN)
        type = type_from_allocations(m, a, type);
    cand_t cd;
    memset(&cd, 0, sizeof(cd));
    cd.addr = *a;
    cd.type = type;
    cd.tcp = tcp;
    copy_str(cd.transport, sizeof(cd.transport), tcp ? "TCP" : "UDP");
    cd.component = 0;   /* not known: the packets do not say */
    cd.learnt = true;
    cd.fork = (uint8_t)(side == ICECALL_SIDE_B ? (fork >= 0 ? fork : b_fork(c)) : 0);
    cd.seen_frame = frame;
    return cand_add(m, c, mi, side, &cd, frame);
}

/* Registers @ufrag as side @side of the session @c (media line 0). */
static void
session_set_ufrag(icecall_model_t *m, call_t *c, int side, const char *ufrag)
{
    media_t *md = c->media[0];
    copy_str(md->ufrag[side], sizeof(md->ufrag[side]), ufrag);
    owner_t *o = g_new0(owner_t, 1);
    o->call = c;
    o->media = 0;
    o->side = side;
    o->cand = -1;
    o->learnt = false;
    g_hash_table_replace(m->by_ufrag, g_strdup(ufrag), o);
}

static void
ufrag_session_id(char *key, size_t size, const char *u1, const char *u2)
{
    bool swap = strcmp(u1, u2) > 0;
    snprintf(key, size, "ICE session %.64s/%.64s (no SIP)", swap ? u2 : u1, swap ? u1 : u2);
}

/* A session seen without SIP: keyed by its two ufrags. */
static call_t *
session_for_ufrags(icecall_model_t *m, const char *u1, const char *u2, uint32_t frame, int *side_of_u1)
{
    char key[160];
    ufrag_session_id(key, sizeof(key), u1, u2);
    call_t *c = call_get(m, key, false, frame);
    if (!c || c->merged_into || !c->is_call)
        return NULL;
    media_t *md = media_get(m, c, 0, NULL, frame);
    if (!md)
        return NULL;
    if (!md->name_known)
        copy_str(md->name, sizeof(md->name), "media");  /* no SDP: the media type is not known */
    if (!md->ufrag[0][0]) {
        /* Side A: whoever sent the first check we saw. */
        session_set_ufrag(m, c, 0, u1);
        session_set_ufrag(m, c, 1, u2);
    }
    *side_of_u1 = strcmp(md->ufrag[0], u1) == 0 ? 0 : 1;
    return c;
}

/* Re-points the address index entries of @s's candidate to @c's. */
static void
reindex_moved(GHashTable *t, const cand_t *x, bool with_port, const call_t *s, call_t *c, unsigned mi, int side,
              int idx, const cand_t *now)
{
    akey_t k;
    make_key(&k, &x->addr, x->tcp, with_port);
    owner_t *o = (owner_t *)g_hash_table_lookup(t, &k);
    if (!o || o->call != s)
        return;
    o->call = c;
    o->media = mi;
    o->side = side;
    o->cand = idx;
    o->learnt = now->learnt;
    o->fork = now->fork;
}

/* The cap on rejected media streams refused the one of @rj (side @rj->side)
 * of media line @mi of @c, in @frame. */
static void
refuse_reject(icecall_model_t *m, call_t *c, unsigned mi, const reject_t *rj, uint32_t frame)
{
    fnv_t f;
    fnv_init(&f, ICECALL_LIMIT_REJECTS);
    fnv_str(&f, c->call_id);
    fnv_add(&f, &mi, sizeof(mi));
    fnv_add(&f, &rj->side, sizeof(rj->side));
    fnv_addr(&f, &rj->addr, false, true);
    fnv_add(&f, &rj->v6, sizeof(rj->v6));
    fnv_add(&f, &rj->code, sizeof(rj->code));
    limit_refuse(m, ICECALL_LIMIT_REJECTS, frame, &f);
    c->media[mi]->rejects_truncated = true;
}

/* The path-change cap refused the media change from side @dir of media line
 * @mi of @c in @frame: the report's timeline stops before it. */
static void
refuse_switch(icecall_model_t *m, call_t *c, unsigned mi, uint32_t frame, int dir)
{
    fnv_t f;
    fnv_init(&f, ICECALL_LIMIT_SWITCHES);
    fnv_str(&f, c->call_id);
    fnv_add(&f, &mi, sizeof(mi));
    fnv_add(&f, &frame, sizeof(frame));
    fnv_add(&f, &dir, sizeof(dir));
    limit_refuse(m, ICECALL_LIMIT_SWITCHES, frame, &f);
    c->media[mi]->switches_truncated = true;
}

/*
 * The ICE session @s, followed without SIP until now, is media line @mi of
 * the call @c (a capture that starts mid-call: checks and media came before
 * the SDP). Its side @s_side is the call's @c_side; @fork: the callee's fork.
 * Candidates, pairs, media timeline and indexes move to the call; @s keeps
 * a pair map for the transactions that still name it and is not reported.
 */
static void
merge_session(icecall_model_t *m, call_t *s, call_t *c, unsigned mi, int s_side, int c_side, int fork)
{
    if (!s->n_media || s == c)
        return;
    media_t *sm = s->media[0];
    media_t *md = media_get(m, c, mi, NULL, 0);
    if (!md)
        return;
    int map[2];
    map[s_side] = c_side;
    map[!s_side] = !c_side;
    int *cmap[2];
    for (int k = 0; k < 2; k++) {
        GArray *a = sm->cands[k];
        cmap[k] = g_new(int, a->len ? a->len : 1);
        for (guint i = 0; i < a->len; i++) {
            const cand_t *x = &g_array_index(a, cand_t, i);
            cmap[k][i] = -1;
            if (x->merged)
                continue;
            cand_t y = *x;
            y.fork = (uint8_t)(map[k] == ICECALL_SIDE_B ? fork : 0);
            int idx = cand_add(m, c, mi, map[k], &y, y.seen_frame);
            cmap[k][i] = idx;
            if (idx < 0)
                continue;
            const cand_t *now = &g_array_index(md->cands[map[k]], cand_t, idx);
            if (!x->alloc) {
                reindex_moved(m->by_addr, x, true, s, c, mi, map[k], idx, now);
                reindex_moved(m->by_ip, x, false, s, c, mi, map[k], idx, now);
                continue;
            }
            /* A relay placeholder: its allocation now waits for the call's. */
            alloc_t *al = x->alloc;
            for (unsigned u = 0; u < al->n_users; u++) {
                alloc_user_t *us = &al->users[u];
                if (us->call == s && us->side == k && us->cand == (int)i) {
                    us->call = c;
                    us->media = mi;
                    us->side = map[k];
                    us->cand = idx;
                }
            }
        }
        for (guint i = 0; i < a->len; i++) {
            int j = (int)i;
            for (guint n = 0; n <= a->len && j >= 0 && g_array_index(a, cand_t, j).merged; n++)
                j = g_array_index(a, cand_t, j).into;
            cmap[k][i] = j >= 0 ? cmap[k][j] : -1;
        }
    }
    guint np = sm->pairs->len;
    int *pmap = g_new(int, np ? np : 1);
    for (guint i = 0; i < np; i++) {
        const pair_t *p = &g_array_index(sm->pairs, pair_t, i);
        pmap[i] = -1;
        if (p->merged)
            continue;
        int nc[2];
        nc[map[0]] = cmap[0][p->cand[0]];
        nc[map[1]] = cmap[1][p->cand[1]];
        if (nc[0] < 0 || nc[1] < 0)
            continue;
        int pi = pair_get(m, c, mi, nc[0], nc[1], true, 0);
        if (pi < 0)
            continue;
        pair_merge(&g_array_index(md->pairs, pair_t, pi), p, map[0] != 0);
        pmap[i] = pi;
    }
    for (guint i = 0; i < np; i++) {
        int r = pair_resolve(sm, (int)i);
        pmap[i] = r >= 0 ? pmap[r] : -1;
    }
    /* Its media timeline, then the call's (both in frame order). */
    if (sm->switches && sm->switches->len) {
        GArray *all = g_array_new(FALSE, FALSE, sizeof(switch_t));
        guint a = 0, b = 0, nb = md->switches ? md->switches->len : 0;
        while ((a < sm->switches->len || b < nb) && all->len < m->limit[ICECALL_LIMIT_SWITCHES].cap) {
            const switch_t *x = a < sm->switches->len ? &g_array_index(sm->switches, switch_t, a) : NULL;
            const switch_t *y = b < nb ? &g_array_index(md->switches, switch_t, b) : NULL;
            if (x && (!y || x->frame <= y->frame)) {
                a++;
                if (x->pair < 0 || (guint)x->pair >= np || pmap[x->pair] < 0)
                    continue;
                switch_t sw = *x;
                sw.pair = pmap[x->pair];
                sw.dir = (uint8_t)map[x->dir];
                g_array_append_val(all, sw);
            } else {
                b++;
                g_array_append_val(all, *y);
            }
        }
        /* Past the cap: neither timeline's later changes are kept. */
        for (; a < sm->switches->len; a++) {
            const switch_t *x = &g_array_index(sm->switches, switch_t, a);
            refuse_switch(m, c, mi, x->frame, map[x->dir]);
        }
        for (; b < nb; b++) {
            const switch_t *y = &g_array_index(md->switches, switch_t, b);
            refuse_switch(m, c, mi, y->frame, y->dir);
        }
        if (sm->switches_truncated)
            md->switches_truncated = true;
        if (md->switches)
            g_array_free(md->switches, TRUE);
        md->switches = all;
    }
    for (int k = 0; k < 2; k++) {
        int d = map[k];
        int cur = sm->current[0][k];
        if (md->current[fork][d] >= 0 || cur < 0 || (guint)cur >= np)
            continue;
        int prev = sm->previous[0][k];
        media_path_set(md, fork, d, pmap[cur], prev >= 0 && (guint)prev < np ? pmap[prev] : -1,
                       sm->switched_us[0][k], sm->switched_frame[0][k], sm->switched_why[0][k]);
    }
    if (sm->last_check_frame > md->last_check_frame)
        md->last_check_frame = sm->last_check_frame;
    /* The ICMP rejections of its media (bounded as the line's own). */
    for (unsigned i = 0; i < sm->n_rejects; i++) {
        reject_t rj = sm->rejects[i];
        rj.side = map[rj.side];
        unsigned k = 0;
        while (k < md->n_rejects && !(md->rejects[k].side == rj.side && addr_eq(&md->rejects[k].addr, &rj.addr) &&
                                      md->rejects[k].v6 == rj.v6 && md->rejects[k].code == rj.code))
            k++;
        if (k < md->n_rejects) {
            reject_t *x = &md->rejects[k];
            x->n += rj.n;
            if (rj.first_frame < x->first_frame)
                x->first_frame = rj.first_frame;
            if (rj.last_frame > x->last_frame)
                x->last_frame = rj.last_frame;
        } else if (md->n_rejects < m->limit[ICECALL_LIMIT_REJECTS].cap) {
            md->rejects[md->n_rejects++] = rj;
        } else {
            refuse_reject(m, c, mi, &rj, rj.first_frame);
        }
    }
    if (sm->rejects_truncated)
        md->rejects_truncated = true;
    for (int k = 0; k < 2; k++) {
        int d = map[k];
        if (!md->ufrag[d][0] && sm->ufrag[k][0])
            copy_str(md->ufrag[d], sizeof(md->ufrag[d]), sm->ufrag[k]);
        if (!sm->ufrag[k][0])
            continue;
        owner_t *o = g_new0(owner_t, 1);
        o->call = c;
        o->media = mi;
        o->side = d;
        o->cand = -1;
        o->fork = (uint8_t)(d == ICECALL_SIDE_B ? fork : 0);
        g_hash_table_replace(m->by_ufrag, g_strdup(sm->ufrag[k]), o);
    }
    md->merged_from = s;
    s->merged_into = c;
    s->merged_media = mi;
    s->merged_swap = map[0] != 0;
    s->merged_pairs = pmap;
    s->n_merged_pairs = np;
    m->n_merged++;
    if (s->first_frame && s->first_frame < c->first_frame)
        c->first_frame = s->first_frame;
    if (s->last_frame > c->last_frame)
        c->last_frame = s->last_frame;
    g_free(cmap[0]);
    g_free(cmap[1]);
}

/* Where a check transaction's pair is now (sessions merged into calls, pairs folded). */
static bool
tx_target(const check_tx_t *tx, call_t **c, unsigned *mi, int *pi, int *from_side)
{
    call_t *x = tx->call;
    unsigned md = tx->media;
    int p = tx->pair, fs = tx->from_side;
    for (unsigned k = 0; k < 4 && x->merged_into; k++) {
        if (p < 0 || (unsigned)p >= x->n_merged_pairs)
            return false;
        p = x->merged_pairs[p];
        fs = x->merged_swap ? !fs : fs;
        md = x->merged_media;
        x = x->merged_into;
    }
    if (x->merged_into || md >= x->n_media)
        return false;
    p = pair_resolve(x->media[md], p);
    if (p < 0)
        return false;
    *c = x;
    *mi = md;
    *pi = p;
    *from_side = fs;
    return true;
}

/*
 * A session first seen through responses alone (no user names: Teams does
 * not echo USERNAME) is keyed by its requester's address. When a check with
 * user names shows up on its addresses, it becomes that ICE session: the
 * sender's ufrag goes to the side that owns the sender's address.
 */
static bool
session_adopt(icecall_model_t *m, call_t *c, int sender_side, const char *send, const char *recv)
{
    char key[160];
    ufrag_session_id(key, sizeof(key), send, recv);
    if (g_hash_table_contains(m->calls, key) || c->n_media == 0)
        return false;
    g_hash_table_steal(m->calls, c->call_id);   /* the table owns the calls: not freed, re-keyed */
    g_free(c->call_id);
    c->call_id = g_strdup(key);
    g_hash_table_insert(m->calls, c->call_id, c);
    c->addr_keyed = false;
    session_set_ufrag(m, c, sender_side, send);
    session_set_ufrag(m, c, !sender_side, recv);
    return true;
}

/* Where a packet goes, in candidate terms. */
typedef struct {
    call_t  *call;
    unsigned media;
    int      from_side;
    int      cand[2];
    int      fork;                  /* the callee's fork, -1: not known */
    bool     relayed_tcp;
} route_t;

/* The two ends of a packet in candidate terms: for relayed packets the
 * client's end is its relay candidate (the allocation's relayed address, or
 * a placeholder while the capture has not shown it). */
typedef struct {
    icecall_addr_t src, dst;
    bool           tcp;        /* of the candidates (the relayed leg to the peer is UDP) */
    bool           relayed_tcp;
    bool           outbound;
    bool           relayed;
    bool           relay_known; /* relayed: the relay end's address is known */
    alloc_t       *alloc;      /* relayed: the allocation, if known */
} ends_t;

static void
leg_ends(icecall_model_t *m, const icecall_leg_t *leg, uint32_t frame, bool create, ends_t *e)
{
    const icecall_addr_t *client = &leg->client, *edge = &leg->edge, *peer = &leg->peer;
    memset(e, 0, sizeof(*e));
    e->src = leg->src;
    e->dst = leg->dst;
    e->tcp = leg->tcp;
    e->outbound = leg->outbound;
    e->relayed = leg->relayed;
    e->relay_known = true;
    if (!leg->relayed)
        return;
    uint64_t mux_session = leg->mux_session;
    alloc_t *alloc = mux_session ? (alloc_t *)g_hash_table_lookup(m->allocs_by_session, &mux_session) : NULL;
    if (alloc) {
        /* 0xFF10 frames carry no direction: the allocation's client tells. */
        e->outbound = addr_eq(&alloc->client, client);
    } else if (mux_session) {
        /* A session whose Allocate response the capture missed: its
         * 5-tuple, either way round (never made up from a 0xFF10 frame). */
        alloc = alloc_get(m, client, edge, leg->tcp, false, 0);
        if (!alloc && (alloc = alloc_get(m, edge, client, leg->tcp, false, 0)) != NULL)
            e->outbound = false;
    } else {
        /* Send / Data Indication (or data to the active destination): the
         * allocation exists, even when its Allocate is before the capture. */
        alloc = alloc_get(m, client, edge, leg->tcp, create, frame);
    }
    e->relay_known = alloc && addr_set(&alloc->relayed);
    icecall_addr_t relay;
    memset(&relay, 0, sizeof(relay));
    if (e->relay_known)
        relay = alloc->relayed;
    /* The peer: the packet names it (Send, Data Indication), else the active
     * destination of that time (0xFF10 frames, TCP 0x03 frames, raw
     * datagrams). When the Set Active Destination request is not in the
     * capture (one direction captured), an allocation that only ever talked
     * to one peer can only be talking to that one. */
    const icecall_addr_t *active = alloc ? alloc_dest_at(alloc, frame) : NULL;
    icecall_addr_t p = *peer;
    if (!addr_set(peer) && alloc)
        p = active ? *active : alloc->n_peers == 1 ? alloc->only_peer : *peer;
    e->alloc = alloc;
    if (e->outbound) {
        e->src = relay;
        e->dst = p;
    } else {
        e->src = p;
        e->dst = relay;
    }
    e->relayed_tcp = leg->tcp;
    e->tcp = false; /* the relayed leg from the Edge to the peer is UDP */
}

/*
 * The owners of a packet's two ends. A relay candidate reached over TCP is
 * offered as TCP-ACT/TCP-PASS: on the relayed leg both transports are tried.
 * The relay end of an allocation whose relayed address is not known is a
 * placeholder of that allocation (*tmp), in the call @r names, else in the
 * one the other end points to.
 */
static void
ends_owners(const icecall_model_t *m, const ends_t *e, const route_t *r, owner_t **so, owner_t **do_, owner_t *tmp)
{
    bool relay_is_src = e->relayed && e->outbound, relay_is_dst = e->relayed && !e->outbound;
    bool unknown_src = relay_is_src && !e->relay_known, unknown_dst = relay_is_dst && !e->relay_known;
    *so = unknown_src ? NULL : owner_of(m, &e->src, e->tcp);
    *do_ = unknown_dst ? NULL : owner_of(m, &e->dst, e->tcp);
    if (e->relayed && !*so && !unknown_src)
        *so = owner_of(m, &e->src, !e->tcp);
    if (e->relayed && !*do_ && !unknown_dst)
        *do_ = owner_of(m, &e->dst, !e->tcp);
    if (!(unknown_src || unknown_dst) || !e->alloc)
        return;
    const alloc_t *alloc = e->alloc;
    const owner_t *other = unknown_src ? *do_ : *so;
    for (unsigned u = 0; u < alloc->n_users; u++) {
        const alloc_user_t *us = &alloc->users[u];
        bool fits;
        if (r && r->call)
            fits = us->call == r->call && us->media == r->media;
        else if (other)
            fits = us->call == other->call && us->media == other->media && us->side != other->side;
        else
            fits = alloc->n_users == 1;
        if (!fits)
            continue;
        memset(tmp, 0, sizeof(*tmp));
        tmp->call = us->call;
        tmp->media = us->media;
        tmp->side = us->side;
        tmp->cand = us->cand;
        tmp->learnt = true;
        if (unknown_src)
            *so = tmp;
        else
            *do_ = tmp;
        return;
    }
}

/*
 * Finds the call and media line of a packet between @e's ends, and which
 * side sent it. @username ("recv:send") settles the call for MS-ICE2 checks.
 */
static bool
route_call(icecall_model_t *m, const ends_t *e, const char *username, uint32_t frame, bool create, route_t *r)
{
    /* 1. By ICE username: "<receiver ufrag>:<sender ufrag>". */
    owner_t *recv_o = NULL, *send_o = NULL;
    if (username && *username) {
        const char *colon = strchr(username, ':');
        if (colon) {
            char recv[257], send[257];   /* an ICE ufrag has up to 256 characters */
            g_strlcpy(recv, username, MIN(sizeof(recv), (size_t)(colon - username) + 1));
            g_strlcpy(send, colon + 1, sizeof(send));
            recv_o = (owner_t *)g_hash_table_lookup(m->by_ufrag, recv);
            send_o = (owner_t *)g_hash_table_lookup(m->by_ufrag, send);
            if (!recv_o && !send_o && recv[0] && send[0] && create) {
                /* A session so far known only by address (responses alone)? */
                owner_t *ao = owner_of(m, &e->src, e->tcp);
                int sender_side = ao ? ao->side : 0;
                if (!ao || !ao->call->addr_keyed) {
                    ao = owner_of(m, &e->dst, e->tcp);
                    sender_side = ao ? !ao->side : 0;
                }
                if (ao && ao->call->addr_keyed && session_adopt(m, ao->call, sender_side, send, recv)) {
                    r->call = ao->call;
                    r->media = 0;
                    r->from_side = sender_side;
                } else {
                    int side_of_send;
                    call_t *c = session_for_ufrags(m, send, recv, frame, &side_of_send);
                    if (c) {
                        r->call = c;
                        r->media = 0;
                        r->from_side = side_of_send;
                    }
                }
            } else if (recv_o || send_o) {
                owner_t *o = recv_o ? recv_o : send_o;
                r->call = o->call;
                r->media = o->media;
                r->from_side = recv_o ? !recv_o->side : send_o->side;
            }
            /* The callee's ufrag says which of its forks this is. */
            const owner_t *bo[2] = { recv_o, send_o };
            for (int k = 0; k < 2; k++) {
                if (bo[k] && bo[k]->call == r->call && bo[k]->media == r->media && bo[k]->side == ICECALL_SIDE_B)
                    r->fork = bo[k]->fork;
            }
        }
    }
    if (r->call)
        return r->media < r->call->n_media;

    /* 2. By candidate addresses. */
    owner_t *so, *do_, tmp;
    ends_owners(m, e, NULL, &so, &do_, &tmp);
    if (so && do_ && so->call == do_->call && so->media == do_->media && so->side != do_->side) {
        r->call = so->call;
        r->media = so->media;
        r->from_side = so->side;
    } else if (so && !so->learnt) {
        r->call = so->call;
        r->media = so->media;
        r->from_side = so->side;
    } else if (do_ && !do_->learnt) {
        r->call = do_->call;
        r->media = do_->media;
        r->from_side = !do_->side;
    } else {
        /* One end known only from earlier packets: not enough (a relay
         * address is shared by every session of an allocation). */
        return false;
    }
    return r->media < r->call->n_media;
}

/* The learnt candidate of a side at @a (an address the index gave to
 * another session: relayed addresses are shared), or -1. */
static int
find_learnt(const media_t *md, int side, const icecall_addr_t *a, bool tcp)
{
    const GArray *cs = md->cands[side];
    for (guint i = 0; i < cs->len; i++) {
        const cand_t *x = &g_array_index(cs, cand_t, i);
        if (x->learnt && !x->merged && !x->alloc && x->tcp == tcp && addr_eq(&x->addr, a))
            return (int)i;
    }
    return -1;
}

/* The candidates of both ends once the call is known; learns the ends the
 * SDP did not offer (peer-reflexive, relays whose SDP we missed, or any
 * address of a session without SDP) when @create. */
static bool
route_cands(icecall_model_t *m, const icecall_leg_t *leg, const ends_t *e, uint32_t frame, bool create, route_t *r)
{
    int fs = r->from_side, ts = !fs;
    owner_t *so, *do_, tmp;
    ends_owners(m, e, r, &so, &do_, &tmp);
    if (so && so->call == r->call && so->media == r->media && so->side == fs)
        r->cand[fs] = so->cand;
    if (do_ && do_->call == r->call && do_->media == r->media && do_->side == ts)
        r->cand[ts] = do_->cand;
    if (r->cand[fs] < 0 && addr_set(&e->src))
        r->cand[fs] = find_learnt(r->call->media[r->media], fs, &e->src, e->tcp);
    if (r->cand[ts] < 0 && addr_set(&e->dst))
        r->cand[ts] = find_learnt(r->call->media[r->media], ts, &e->dst, e->tcp);
    const cand_t *bc = cand_at(r->call, r->media, ICECALL_SIDE_B, r->cand[1]);
    if (bc)
        r->fork = bc->fork;
    /* The relay end of an allocation whose relayed address is not known. */
    bool relay_is_src = e->relayed && e->outbound, relay_is_dst = e->relayed && !e->outbound;
    int rs = relay_is_src ? fs : ts;
    if (e->relayed && !e->relay_known && e->alloc && r->cand[rs] < 0)
        r->cand[rs] = relay_end(m, r->call, r->media, rs, e->alloc, r->fork, create, frame);
    if (!create)
        return r->cand[0] >= 0 && r->cand[1] >= 0;
    /* Ends the SDP did not offer: peer-reflexive, or relays whose SDP we missed. */
    /* Without SDP nothing says what an address is, except our relay. */
    icecall_ctype_t other = r->call->from_sip ? ICECALL_CTYPE_PRFLX : ICECALL_CTYPE_UNKNOWN;
    if (r->cand[fs] < 0 && addr_set(&e->src))
        r->cand[fs] = learn_cand(m, r->call, r->media, fs, &e->src, e->tcp,
                                 relay_is_src ? ICECALL_CTYPE_RELAY : other, r->fork, frame);
    if (r->cand[ts] < 0 && addr_set(&e->dst))
        r->cand[ts] = learn_cand(m, r->call, r->media, ts, &e->dst, e->tcp,
                                 relay_is_dst ? ICECALL_CTYPE_RELAY : other, r->fork, frame);
    if (r->cand[0] < 0 || r->cand[1] < 0)
        return false;
    cand_t *cs = cand_at(r->call, r->media, fs, r->cand[fs]);
    cand_t *ct = cand_at(r->call, r->media, ts, r->cand[ts]);
    if (!cs || !ct)
        return false;
    if (e->relayed) {
        /* Our relay candidate: remember the socket it is allocated for. */
        cand_t *own = e->outbound ? cs : ct;
        if (own->learnt && !addr_set(&own->base))
            own->base = leg->client;
    } else if (e->tcp && leg->tcp_role) {
        /* ICE over TCP: the end that opened the connection is active. */
        bool src_active = leg->tcp_role == ICECALL_TCP_SRC_ACTIVE;
        if (cs->learnt && !cs->tcptype)
            cs->tcptype = src_active ? ICECALL_TCP_SRC_ACTIVE : ICECALL_TCP_DST_ACTIVE;
        if (ct->learnt && !ct->tcptype)
            ct->tcptype = src_active ? ICECALL_TCP_DST_ACTIVE : ICECALL_TCP_SRC_ACTIVE;
    }
    return true;
}

/*
 * Finds the call, media line and the two candidates of a packet. For
 * relayed packets the client's end is its relay candidate. @username
 * ("recv:send") settles the call for MS-ICE2 checks. With @create it also
 * learns what the packet shows: candidates no SDP offered, relay ends and
 * ICE-over-TCP roles, ICE sessions without SIP (by their ufrags),
 * allocations known only from their traffic and their peers; without
 * @create it only looks up.
 */
static bool
route_and_learn(icecall_model_t *m, const icecall_leg_t *leg, const char *username, uint32_t frame, bool create,
                route_t *r)
{
    ends_t e;
    memset(r, 0, sizeof(*r));
    r->cand[0] = r->cand[1] = -1;
    r->fork = -1;
    leg_ends(m, leg, frame, create, &e);
    r->relayed_tcp = e.relayed_tcp;
    if (create && e.alloc && addr_set(&leg->peer) && e.alloc->n_peers < 2) {
        if (!e.alloc->n_peers)
            e.alloc->only_peer = leg->peer;
        if (!e.alloc->n_peers || !addr_eq(&e.alloc->only_peer, &leg->peer))
            e.alloc->n_peers++;
    }
    if (!route_call(m, &e, username, frame, create, r))
        return false;
    return route_cands(m, leg, &e, frame, create, r);
}

/*
 * A response whose request is not in the capture (one direction captured,
 * or the request left by another interface). With the echoed USERNAME it
 * goes to that ICE session; without one, to the session of its two
 * addresses, or to a session keyed by the requester's address (the client
 * socket for relayed packets): "ICE session at <address>". Once such a
 * session turned out to be a SIP call's media line, that line.
 */
static bool
route_response_only(icecall_model_t *m, const icecall_check_t *c, bool create, route_t *r)
{
    const char *colon = c->username ? strchr(c->username, ':') : NULL;
    if (colon && colon != c->username && colon[1]) {
        /* The request's "<responder>:<requester>"; this packet comes from the responder. */
        char user[520];
        snprintf(user, sizeof(user), "%.256s:%.*s", colon + 1, (int)MIN((size_t)(colon - c->username), 256),
                 c->username);
        return route_and_learn(m, &c->leg, user, c->frame, create, r);
    }
    if (route_and_learn(m, &c->leg, NULL, c->frame, create, r))
        return true;
    ends_t e;
    memset(r, 0, sizeof(*r));
    r->cand[0] = r->cand[1] = -1;
    r->fork = -1;
    leg_ends(m, &c->leg, c->frame, create, &e);
    r->relayed_tcp = e.relayed_tcp;
    const icecall_addr_t *key = c->leg.relayed ? &c->leg.client : &e.dst;
    bool placeholder = e.relayed && !e.relay_known && e.alloc;   /* the relay end can wait for its address */
    if (!addr_set(key) || (!addr_set(&e.src) && !(placeholder && e.outbound)) ||
        (!addr_set(&e.dst) && !(placeholder && !e.outbound)))
        return false;
    char id[128], a[64];
    snprintf(id, sizeof(id), "ICE session at %s (no SIP, no ICE user names)", addr_str(key, a, sizeof(a)));
    call_t *call = (call_t *)g_hash_table_lookup(m->calls, id);
    if (!call && create) {
        call = call_get(m, id, false, c->frame);
        if (call)
            call->addr_keyed = true;
    }
    unsigned mi = 0;
    int from_side = 1;   /* the responder; side A is the requester whose socket names the session */
    for (unsigned k = 0; call && call->merged_into && k < 4; k++) {
        /* The session is a SIP call's media line now. */
        from_side = call->merged_swap ? !from_side : from_side;
        mi = call->merged_media;
        call = call->merged_into;
    }
    if (!call || call->merged_into || (call->from_sip ? mi >= call->n_media
                                                       : !call->n_media && (!create || !media_get(m, call, 0, "media", c->frame))))
        return false;
    r->call = call;
    r->media = mi;
    r->from_side = from_side;
    return route_cands(m, &c->leg, &e, c->frame, create, r);
}

/* ---- sessions without SDP: which media ------------------------------------------
 *
 * Teams marks and ports its media by type (msnet.h): the client's socket
 * for audio is in 50000-50019 and its packets carry DSCP 46 when QoS marking
 * is on, and so on. A session without SDP is labelled from the ports of its
 * host sockets (either side's, and the sockets behind our relays) and from
 * the DSCP marks of its media (of its checks when no media was seen), and
 * says it is inferred. Ports that disagree, or marks that do, tell nothing.
 */
typedef struct {
    const msnet_teams_class_t *port_cls;   /* the one Teams range the sockets' ports are in */
    const msnet_teams_class_t *dscp_cls;   /* the one Teams mark seen */
    unsigned                   port_kinds; /* bit per msnet_media_t seen */
    unsigned                   dscp_kinds;
    uint16_t                   port;       /* a socket port in port_cls's range */
} mkind_t;

static unsigned
bits_set(unsigned v)
{
    unsigned n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

static void
session_media_kind(const call_t *c, unsigned mi, mkind_t *k)
{
    const media_t *md = c->media[mi];
    memset(k, 0, sizeof(*k));
    for (int s = 0; s < 2; s++) {
        for (guint i = 0; i < md->cands[s]->len; i++) {
            const cand_t *x = &g_array_index(md->cands[s], cand_t, i);
            const msnet_teams_class_t *cl = NULL;
            uint16_t port = 0;
            if (x->merged)
                continue;
            if (addr_set(&x->base)) {
                port = x->base.port;               /* the socket behind our relay */
                cl = port ? msnet_teams_class_for_port(port) : NULL;
            } else if (x->tcptype != ICECALL_TCP_SRC_ACTIVE && x->addr.port &&   /* an active TCP port is ephemeral */
                       (cl = msnet_teams_class_for_port(x->addr.port)) != NULL) {
                /* A port in a Teams range counts only for a host socket
                 * (the range is checked first: what a candidate is costs
                 * lookups in the allocations). */
                cview_t v;
                cand_view_type(c, mi, s, (int)i, &v);
                if (v.type == ICECALL_CTYPE_HOST)
                    port = x->addr.port;
                else
                    cl = NULL;
            }
            if (!cl)
                continue;
            if (!k->port_cls) {
                k->port_cls = cl;
                k->port = port;
            }
            k->port_kinds |= 1u << cl->media;
        }
    }
    uint64_t media = 0, checks = 0;
    for (guint i = 0; i < md->pairs->len; i++) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, i);
        media |= p->dscp_media[0] | p->dscp_media[1];
        checks |= p->dscp_check[0] | p->dscp_check[1];
    }
    uint64_t marks = media ? media : checks;
    for (uint8_t v = 0; marks; v++, marks >>= 1) {    /* up to the highest value seen */
        const msnet_teams_class_t *cl = marks & 1u ? msnet_teams_class_for_dscp(v) : NULL;
        if (!cl)
            continue;
        if (!k->dscp_cls)
            k->dscp_cls = cl;
        k->dscp_kinds |= 1u << cl->media;
    }
    if (bits_set(k->port_kinds) != 1)
        k->port_cls = NULL;
    if (bits_set(k->dscp_kinds) != 1)
        k->dscp_cls = NULL;
}

#define EN_DASH "\xe2\x80\x93"

/* The report's words: "audio (inferred from Teams port range 50000–50019)". */
void
session_media_text(const call_t *c, unsigned mi, char *buf, size_t size)
{
    mkind_t k;
    session_media_kind(c, mi, &k);
    const msnet_teams_class_t *p = k.port_cls, *d = k.dscp_cls;
    if (p && d && p == d)
        snprintf(buf, size, "%s (inferred from Teams port range %u" EN_DASH "%u and DSCP %u %s)", p->name,
                 p->port_lo, p->port_hi, d->dscp, d->dscp_class);
    else if (p && d)
        snprintf(buf, size, "%s (inferred from Teams port range %u" EN_DASH "%u; but its DSCP %u %s is %s's mark)",
                 p->name, p->port_lo, p->port_hi, d->dscp, d->dscp_class, d->name);
    else if (p)
        snprintf(buf, size, "%s (inferred from Teams port range %u" EN_DASH "%u)", p->name, p->port_lo, p->port_hi);
    else if (d)
        snprintf(buf, size, "%s (inferred from DSCP %u %s, Teams' mark for %s)", d->name, d->dscp, d->dscp_class,
                 d->name);
    else if (bits_set(k.port_kinds) > 1)
        snprintf(buf, size, "unknown (its sockets' ports are in the Teams ranges of different media types)");
    else
        snprintf(buf, size, "unknown (no socket port in a Teams media range, no Teams DSCP mark)");
}

/* The short name of a media line of a session without SDP: "audio (inferred)". */
void
session_refresh_name(call_t *c, unsigned mi)
{
    media_t *md = c->media[mi];
    if (c->from_sip)
        return;
    mkind_t k;
    session_media_kind(c, mi, &k);
    const msnet_teams_class_t *cl = k.port_cls ? k.port_cls : k.dscp_cls;
    /* "%s (inferred)", without printf: this runs for every check and media packet */
    if (cl) {
        g_strlcpy(md->name, cl->name, sizeof(md->name));
        g_strlcat(md->name, " (inferred)", sizeof(md->name));
    } else {
        g_strlcpy(md->name, "unknown", sizeof(md->name));
    }
}

const char *
icecall_frame_pair(icecall_frame_t *fi)
{
    if (!fi->valid || !fi->pair_call)
        return "";
    if (!fi->pair_done) {
        call_t *c = (call_t *)fi->pair_call;
        const pair_t *p = &g_array_index(c->media[fi->pair_media]->pairs, pair_t, fi->pair_index);
        pair_text(c, fi->pair_media, p, fi->pair, sizeof(fi->pair));
        fi->pair_done = true;
    }
    return fi->pair;
}

/* @brief: what only a display needs (call_id, media, path) is left empty;
 * the model's own state (the session's media name) is refreshed either way. */
static void
fill_frame(const route_t *r, int pair_idx, icecall_frame_t *out, bool brief)
{
    if (!out)
        return;
    memset(out, 0, sizeof(*out));
    if (!r->call || pair_idx < 0)
        return;
    session_refresh_name(r->call, r->media);
    media_t *md = r->call->media[r->media];
    pair_t *p = &g_array_index(md->pairs, pair_t, pair_idx);
    out->valid = true;
    out->pair_call = r->call;
    out->pair_media = r->media;
    out->pair_index = pair_idx;
    if (!brief) {
        copy_str(out->call_id, sizeof(out->call_id), r->call->call_id);
        copy_str(out->media, sizeof(out->media), md->name);
        out->path = pair_path(r->call, r->media, p);
    }
    const cand_t *l = cand_at(r->call, r->media, r->from_side, p->cand[r->from_side]);
    const cand_t *t = cand_at(r->call, r->media, !r->from_side, p->cand[!r->from_side]);
    out->local_offer_frame = l ? l->frame : 0;
    out->remote_offer_frame = t ? t->frame : 0;
}

/* ---- media flows no call claimed yet ------------------------------------------ */

static void
orphan_index(icecall_model_t *m, const icecall_addr_t *a, orphan_t *o)
{
    if (!addr_set(a))
        return;
    akey_t k;
    make_key(&k, a, false, true);
    GPtrArray *l = (GPtrArray *)g_hash_table_lookup(m->orphans_by_addr, &k);
    if (!l) {
        l = g_ptr_array_new();
        g_hash_table_insert(m->orphans_by_addr, g_memdup2(&k, sizeof(k)), l);
    }
    g_ptr_array_add(l, o);
}

/* A media packet no call claims (yet): counted in its flow, bounded. */
static void
orphan_note(icecall_model_t *m, const icecall_media_pkt_t *pk)
{
    icecall_leg_t leg = pk->leg;
    const icecall_leg_t *l = &leg;
    okey_t k;
    memset(&k, 0, sizeof(k));
    if (l->relayed) {
        if (!addr_set(&l->peer)) {
            /* 0xFF10, TCP 0x03 or raw data: the active destination of that time, if known. */
            ends_t e;
            leg_ends(m, l, pk->frame, false, &e);
            leg.peer = e.outbound ? e.dst : e.src;
        }
        if (!addr_set(&l->peer))
            return;   /* which peer is not known */
        make_key(&k.a, &l->client, l->tcp, true);
        make_key(&k.b, &l->edge, l->tcp, true);
        make_key(&k.c, &l->peer, false, true);
        k.relayed = 1;
        k.outbound = l->outbound;
    } else {
        make_key(&k.a, &l->src, l->tcp, true);
        make_key(&k.b, &l->dst, l->tcp, true);
    }
    orphan_t *o = (orphan_t *)g_hash_table_lookup(m->orphans, &k);
    if (!o) {
        if (g_hash_table_size(m->orphans) >= m->limit[ICECALL_LIMIT_ORPHANS].cap) {
            refuse_key(m, ICECALL_LIMIT_ORPHANS, &k, sizeof(k), pk->frame);
            return;
        }
        o = g_new0(orphan_t, 1);
        o->leg = *l;
        o->rtcp = pk->rtcp;
        o->first_frame = pk->frame;
        o->first_us = pk->time_us;
        g_hash_table_insert(m->orphans, g_memdup2(&k, sizeof(k)), o);
        if (l->relayed) {
            orphan_index(m, &l->peer, o);
            orphan_index(m, &l->client, o);
        } else {
            orphan_index(m, &l->src, o);
            orphan_index(m, &l->dst, o);
        }
    }
    if (o->claimed)
        return;
    o->pkts++;
    if (pk->leg.has_dscp && pk->leg.dscp < 64)
        o->dscp |= UINT64_C(1) << pk->leg.dscp;
    o->last_frame = pk->frame;
    o->last_us = pk->time_us;
}

/* Records that media on pair @pi (from side @dir) starts in @frame, in frame order. */
static void
switch_insert(icecall_model_t *m, call_t *c, unsigned mi, int fork, int dir, int pi, uint32_t frame,
              int64_t time_us)
{
    media_t *md = c->media[mi];
    if (!md->switches)
        md->switches = g_array_new(FALSE, FALSE, sizeof(switch_t));
    if (md->switches->len >= m->limit[ICECALL_LIMIT_SWITCHES].cap) {
        refuse_switch(m, c, mi, frame, dir);
        return;
    }
    guint at = md->switches->len;
    while (at > 0 && g_array_index(md->switches, switch_t, at - 1).frame > frame)
        at--;
    switch_t sw = { frame, time_us, pi, (uint8_t)dir };
    g_array_insert_val(md->switches, at, sw);
    if (md->current[fork][dir] < 0)
        media_path_set(md, fork, dir, pi, md->previous[fork][dir], time_us, frame,
                       "media seen before its call was known (a flow claimed later)");
}

/* The flow is routable now: its packets are the pair's, from its first. */
static void
orphan_claim(icecall_model_t *m, orphan_t *o)
{
    route_t r;
    if (o->claimed || !route_and_learn(m, &o->leg, NULL, o->first_frame, true, &r))
        return;
    media_t *md = r.call->media[r.media];
    int pi = pair_get(m, r.call, r.media, r.cand[0], r.cand[1], true, o->first_frame);
    if (pi < 0)
        return;
    o->claimed = true;
    pair_t *p = &g_array_index(md->pairs, pair_t, pi);
    if (o->leg.relayed && o->leg.tcp)
        p->relayed_tcp = true;
    media_span_add(p, o->first_frame, o->first_us, o->last_frame, o->last_us, o->pkts);
    p->media_dir[r.from_side] += o->pkts;
    p->dscp_media[r.from_side] |= o->dscp;
    if (!o->rtcp && (!p->first_rtp_frame[r.from_side] || o->first_frame < p->first_rtp_frame[r.from_side]))
        p->first_rtp_frame[r.from_side] = o->first_frame;
    if (o->last_frame > r.call->last_frame)
        r.call->last_frame = o->last_frame;
    if (!o->rtcp)
        switch_insert(m, r.call, r.media, pair_fork(r.call, r.media, p), r.from_side, pi, o->first_frame, o->first_us);
}

/* End of an event: flows waiting for an address this event made known. */
static void
orphans_retry(icecall_model_t *m)
{
    for (unsigned n = 0; m->retry->len && n < ICECALL_MAX_ORPHANS; n++) {
        akey_t k = g_array_index(m->retry, akey_t, m->retry->len - 1);
        g_array_set_size(m->retry, m->retry->len - 1);
        GPtrArray *l = (GPtrArray *)g_hash_table_lookup(m->orphans_by_addr, &k);
        for (guint i = 0; l && i < l->len; i++)
            orphan_claim(m, (orphan_t *)g_ptr_array_index(l, i));
    }
    g_array_set_size(m->retry, 0);
}

/* The response of a check transaction: its pair (wherever it is now). */
static check_tx_t *
tx_lookup(icecall_model_t *m, const icecall_check_t *c, route_t *r, int *pi)
{
    check_tx_t *tx = (check_tx_t *)g_hash_table_lookup(m->check_tx, c->txid);
    memset(r, 0, sizeof(*r));
    int fs;
    if (!tx || !tx_target(tx, &r->call, &r->media, pi, &fs))
        return NULL;
    r->from_side = !fs;
    return tx;
}

/* The pair a routed packet travels on (made when new; -1 when the cap on
 * pairs refused it), marked with what its leg shows: TCP through a relay,
 * and the DSCP value it carried, among a check's or the media's marks. */
static int
leg_pair(icecall_model_t *m, const route_t *r, const icecall_leg_t *leg, uint32_t frame, bool media)
{
    int pi = pair_get(m, r->call, r->media, r->cand[0], r->cand[1], true, frame);
    if (pi < 0)
        return -1;
    pair_t *p = &g_array_index(r->call->media[r->media]->pairs, pair_t, pi);
    if (leg->relayed && leg->tcp)
        p->relayed_tcp = true;
    if (leg->has_dscp && leg->dscp < 64)
        (media ? p->dscp_media : p->dscp_check)[r->from_side] |= UINT64_C(1) << leg->dscp;
    return pi;
}

static void
add_check(icecall_model_t *m, const icecall_check_t *c, icecall_frame_t *out)
{
    route_t r;
    bump_generation(m, c->time_us);
    if (out)
        memset(out, 0, sizeof(*out));
    bool response = (c->stun_type & MSTURN_CLASS_MASK) != MSTURN_CLASS_REQUEST;
    if (response) {
        check_tx_t *tx = (check_tx_t *)g_hash_table_lookup(m->check_tx, c->txid);
        int pi;
        bool orphan = false;
        if (tx) {
            /* Its pair, wherever it is now (a session merged into a call). */
            if (!tx_lookup(m, c, &r, &pi))
                return;
        } else {
            /* Its request is not in the capture: still a check that worked.
             * (A request that is, but that no call took, leaves it alone.) */
            if (g_hash_table_contains(m->unrouted_tx, c->txid) || !route_response_only(m, c, true, &r))
                return;
            pi = pair_get(m, r.call, r.media, r.cand[0], r.cand[1], true, c->frame);
            if (pi < 0)
                return;
            orphan = true;
        }
        media_t *md = r.call->media[r.media];
        pair_t *p = &g_array_index(md->pairs, pair_t, pi);
        if (orphan) {
            p->n_responses_only++;
            if (!p->response_only_frame)
                p->response_only_frame = c->frame;
            if (r.call->last_frame < c->frame)
                r.call->last_frame = c->frame;
        }
        if (c->leg.has_dscp && c->leg.dscp < 64)
            p->dscp_check[r.from_side] |= UINT64_C(1) << c->leg.dscp;
        if (c->stun_type == MSTURN_BINDING_RESPONSE) {
            pair_set_result(p, ICECALL_RESULT_SUCCESS, c->frame,
                            orphan ? "success response (its request is not in the capture)" : "success response");
            if (!p->success_frame)
                p->success_frame = c->frame;
            if (tx && tx->use_candidate && !p->nominated) {
                p->nominated = true;
                p->nominated_frame = c->frame;
            }
            /* XOR-MAPPED-ADDRESS: where the responder saw the requester's end
             * (RFC 8445 7.2.5.3.1): another address means a NAT on the way. */
            int req = !r.from_side;
            if (addr_set(&c->mapped) && (!p->seen_frame[req] || !addr_eq(&p->seen_as[req], &c->mapped))) {
                p->seen_as[req] = c->mapped;
                p->seen_frame[req] = c->frame;
            }
        } else if (p->result != ICECALL_RESULT_SUCCESS) {
            pair_set_result(p, ICECALL_RESULT_ERROR, c->frame, "error response");
            p->error_code = c->error_code;
            p->error_frame = c->frame;
        }
        fill_frame(&r, pi, out, c->brief);
        return;
    }
    if (!route_and_learn(m, &c->leg, c->username, c->frame, true, &r)) {
        if (!g_hash_table_contains(m->unrouted_tx, c->txid)) {
            if (g_hash_table_size(m->unrouted_tx) < m->limit[ICECALL_LIMIT_TRANSACTIONS].cap)
                g_hash_table_add(m->unrouted_tx, g_memdup2(c->txid, 16));
            else
                refuse_txid(m, c->txid, c->frame, 'u');
        }
        return;
    }
    media_t *md = r.call->media[r.media];
    int pi = leg_pair(m, &r, &c->leg, c->frame, false);
    if (pi < 0)
        return;
    pair_t *p = &g_array_index(md->pairs, pair_t, pi);
    if (c->sender_mux_session && !c->leg.relayed) {
        /* Sent from a TURN relay: the sender's end is its relayed address. */
        cand_t *x = cand_at(r.call, r.media, r.from_side, r.cand[r.from_side]);
        if (x && x->learnt && !x->mux_frame)
            x->mux_frame = c->frame;
    }
    if (!p->first_check_frame)
        p->first_check_frame = c->frame;
    if (c->frame > md->last_check_frame)
        md->last_check_frame = c->frame;
    p->n_requests++;
    if (p->result == ICECALL_RESULT_NONE)
        pair_set_result(p, ICECALL_RESULT_PENDING, c->frame, "request");
    if (!g_hash_table_lookup(m->check_tx, c->txid)) {
        if (g_hash_table_size(m->check_tx) < m->limit[ICECALL_LIMIT_TRANSACTIONS].cap) {
            check_tx_t *tx = g_new(check_tx_t, 1);
            tx->call = r.call;
            tx->media = r.media;
            tx->pair = pi;
            tx->from_side = r.from_side;
            tx->use_candidate = c->use_candidate;
            g_hash_table_insert(m->check_tx, g_memdup2(c->txid, 16), tx);
        } else {
            refuse_txid(m, c->txid, c->frame, 'C');
        }
    }
    if (r.call->last_frame < c->frame)
        r.call->last_frame = c->frame;
    fill_frame(&r, pi, out, c->brief);
}

/*
 * The early media and promotions of fork @fork of a media line, replayed from
 * its switches: the first media is the early media; a later change of pair
 * is a promotion, except when the other direction already made it or a
 * direction starts on the pair the other one uses. Media on another fork is
 * that fork's timeline, never a promotion of this one.
 */
void
timeline(call_t *c, unsigned mi, int fork, timeline_t *tl)
{
    const media_t *md = c->media[mi];
    memset(tl, 0, sizeof(*tl));
    tl->early = -1;
    tl->truncated = md->switches_truncated;
    if (!md->switches)
        return;
    int cur[2] = { -1, -1 };
    for (guint i = 0; i < md->switches->len; i++) {
        const switch_t *s = &g_array_index(md->switches, switch_t, i);
        int p = pair_resolve(md, s->pair);
        if (p < 0 || pair_fork(c, mi, &g_array_index(md->pairs, pair_t, p)) != fork)
            continue;
        int dir = s->dir, old = cur[dir];
        if (old == p)
            continue;
        cur[dir] = p;
        if (tl->early < 0) {
            tl->early = p;
            tl->early_frame = s->frame;
            tl->early_us = s->time_us;
            continue;
        }
        /* The other direction already moved to this pair: the same promotion. */
        if (tl->n_promos && tl->promos[tl->n_promos - 1].to == p)
            continue;
        if (old < 0 && cur[!dir] == p)
            continue; /* this direction starts on the pair the other one uses */
        if (tl->n_promos >= c->model->limit[ICECALL_LIMIT_PROMOTIONS].cap) {
            tl->truncated = true;
            continue;
        }
        promo_t *pr = &tl->promos[tl->n_promos++];
        const pair_t *to = &g_array_index(md->pairs, pair_t, p);
        pr->frame = s->frame;
        pr->time_us = s->time_us;
        pr->from = old >= 0 ? old : cur[!dir];
        pr->to = p;
        if (to->nominated && to->nominated_frame <= s->frame)
            snprintf(pr->reason, sizeof(pr->reason), "pair nominated (USE-CANDIDATE) in frame %u", to->nominated_frame);
        else if (to->success_frame && to->success_frame <= s->frame)
            snprintf(pr->reason, sizeof(pr->reason), "checks on this pair succeeded in frame %u", to->success_frame);
        else
            snprintf(pr->reason, sizeof(pr->reason), "no successful check of this pair seen");
    }
}

/*
 * What the media packet of @frame on pair @pi starts, read from its fork's
 * timeline: the early media (the first media of that fork), or a promotion
 * (with the path the media left). Nothing when no media switched to @pi in
 * @frame.
 */
static void
media_marks(call_t *c, unsigned mi, int pi, uint32_t frame, bool brief, icecall_frame_t *out)
{
    const media_t *md = c->media[mi];
    bool switched = false;
    for (guint i = 0; md->switches && i < md->switches->len && !switched; i++) {
        const switch_t *s = &g_array_index(md->switches, switch_t, i);
        switched = s->frame == frame && pair_resolve(md, s->pair) == pi;
    }
    if (!switched)
        return;
    timeline_t tl;
    timeline(c, mi, pair_fork(c, mi, &g_array_index(md->pairs, pair_t, pi)), &tl);
    if (tl.early == pi && tl.early_frame == frame)
        out->early = true;
    for (unsigned i = 0; i < tl.n_promos; i++) {
        const promo_t *pr = &tl.promos[i];
        if (pr->frame == frame && pr->to == pi) {
            out->promotion = true;
            out->from_path = pr->from >= 0 && !brief ? pair_path(c, mi, &g_array_index(md->pairs, pair_t, pr->from))
                                                     : ICECALL_PATH_NONE;
        }
    }
}

static void
add_media(icecall_model_t *m, const icecall_media_pkt_t *pk, icecall_frame_t *out)
{
    route_t r;
    bump_generation(m, pk->time_us);
    if (out)
        memset(out, 0, sizeof(*out));
    if (!route_and_learn(m, &pk->leg, NULL, pk->frame, true, &r)) {
        orphan_note(m, pk);
        return;
    }
    media_t *md = r.call->media[r.media];
    int pi = leg_pair(m, &r, &pk->leg, pk->frame, true);
    if (pi < 0)
        return;
    pair_t *p = &g_array_index(md->pairs, pair_t, pi);
    p->media_dir[r.from_side]++;
    if (!p->media_pkts) {
        p->media_first_frame = pk->frame;
        p->media_first_us = pk->time_us;
    }
    p->media_pkts++;
    p->media_last_frame = pk->frame;
    p->media_last_us = pk->time_us;
    if (r.call->last_frame < pk->frame)
        r.call->last_frame = pk->frame;

    fill_frame(&r, pi, out, pk->brief);
    if (out)
        out->is_media = true;
    if (pk->rtcp)
        return; /* RTCP (component 2) follows the RTP path: it does not define it */
    int dir = r.from_side, f = pair_fork(r.call, r.media, p);
    if (!p->first_rtp_frame[dir]) {
        p->first_rtp_frame[dir] = pk->frame;
        if (out)
            out->first_on_pair = true;
    }
    if (pair_resolve(md, md->current[f][dir]) == pi)
        return;
    /* Packets still arriving over the old path just after a switch (the
     * relay is slower than the direct path) are stragglers, not a switch
     * back. */
    if (pi == pair_resolve(md, md->previous[f][dir]) && pk->time_us - md->switched_us[f][dir] < ICECALL_STRAGGLER_US)
        return;
    /* A promotion by timeline()'s rules: not the first media of this fork,
     * not the move the other direction made already, not a direction
     * starting on the pair the other one uses. */
    int old = pair_resolve(md, md->current[f][dir]), other = pair_resolve(md, md->current[f][!dir]);
    if (md->had_media[f] && !(md->n_moves[f] && md->last_move_to[f] == pi) && !(old < 0 && other == pi)) {
        if (md->n_moves[f] >= m->limit[ICECALL_LIMIT_PROMOTIONS].cap) {
            fnv_t fh;
            fnv_init(&fh, ICECALL_LIMIT_PROMOTIONS);
            fnv_str(&fh, r.call->call_id);
            fnv_add(&fh, &r.media, sizeof(r.media));
            fnv_add(&fh, &pk->frame, sizeof(pk->frame));
            fnv_add(&fh, &dir, sizeof(dir));
            limit_refuse(m, ICECALL_LIMIT_PROMOTIONS, pk->frame, &fh);
        } else {
            md->n_moves[f]++;
            md->last_move_to[f] = pi;
        }
    }
    md->had_media[f] = true;
    media_path_set(md, f, dir, pi, md->current[f][dir], pk->time_us, pk->frame,
                   old < 0 ? "first media in this direction" : "media moved to this pair");
    if (!md->switches)
        md->switches = g_array_new(FALSE, FALSE, sizeof(switch_t));
    if (md->switches->len >= m->limit[ICECALL_LIMIT_SWITCHES].cap) {
        refuse_switch(m, r.call, r.media, pk->frame, dir);
        return;
    }
    switch_t sw = { pk->frame, pk->time_us, pi, (uint8_t)dir };
    g_array_append_val(md->switches, sw);
    if (out)
        media_marks(r.call, r.media, pi, pk->frame, pk->brief, out);
}

/* The events: each may make media flows no call claimed yet routable (orphans_retry). */
bool
icecall_add_sdp(icecall_model_t *m, const icecall_msg_t *msg, const icecall_media_in_t *media, unsigned n_media)
{
    bool ok = add_sdp(m, msg, media, n_media);
    orphans_retry(m);
    return ok;
}

void
icecall_add_allocation(icecall_model_t *m, uint32_t frame, int64_t time_us, const icecall_addr_t *client,
                       const icecall_addr_t *edge, bool tcp, bool response, bool with_integrity,
                       const uint8_t *txid, const icecall_addr_t *relayed, const icecall_addr_t *reflexive,
                       uint16_t error_code, uint32_t lifetime, uint64_t mux_session)
{
    add_allocation(m, frame, time_us, client, edge, tcp, response, with_integrity, txid, relayed, reflexive,
                   error_code, lifetime, mux_session);
    orphans_retry(m);
}

void
icecall_add_check(icecall_model_t *m, const icecall_check_t *c, icecall_frame_t *out)
{
    add_check(m, c, out);
    orphans_retry(m);
}

void
icecall_add_media(icecall_model_t *m, const icecall_media_pkt_t *pk, icecall_frame_t *out)
{
    add_media(m, pk, out);
    orphans_retry(m);
}

/* ---- ICMP errors about a call's datagrams ------------------------------------- */

const char *
icecall_unreach_text(bool v6, uint8_t type, uint8_t code)
{
    if (!v6 && type == 3) {
        switch (code) { /* RFC 792, RFC 1812 5.2.7.1 */
        case 0:  return "ICMP network unreachable";
        case 1:  return "ICMP host unreachable";
        case 2:  return "ICMP protocol unreachable";
        case 3:  return "ICMP port unreachable";
        case 4:  return "ICMP fragmentation needed";
        case 9:  return "ICMP network administratively prohibited";
        case 10: return "ICMP host administratively prohibited";
        case 13: return "ICMP communication administratively prohibited";
        default: return "ICMP destination unreachable";
        }
    }
    if (v6 && type == 1) {
        switch (code) { /* RFC 4443 3.1 */
        case 0:  return "ICMPv6 no route to destination";
        case 1:  return "ICMPv6 communication administratively prohibited";
        case 3:  return "ICMPv6 address unreachable";
        case 4:  return "ICMPv6 port unreachable";
        case 5:  return "ICMPv6 source address failed ingress/egress policy";
        case 6:  return "ICMPv6 reject route to destination";
        default: return "ICMPv6 destination unreachable";
        }
    }
    return v6 ? "ICMPv6 error" : "ICMP error";
}

/* A destination unreachable error other than "fragmentation needed" (a path
 * MTU matter, not a refusal). */
static bool
unreach_counts(const icecall_unreach_t *u)
{
    return u->v6 ? u->type == 1 : (u->type == 3 && u->code != 4);
}

/* The destination (or a policy on the way) refused the datagram, as opposed
 * to a route or host that could not be reached. */
static bool
unreach_refused(bool v6, uint8_t code)
{
    if (v6)
        return code == 1 || code == 4 || code == 5 || code == 6;
    return code == 2 || code == 3 || code == 9 || code == 10 || code == 13;
}

/* "B 93.71.110.205:16333 rejects A's video: ICMP port unreachable[, 2 errors from frame 1490]" */
void
reject_text(const media_t *md, const reject_t *rj, bool counts, char *buf, size_t size)
{
    char a[64], s[64], rep[80] = "", what[160];
    addr_str(&rj->addr, a, sizeof(a));
    if (md->name_known || (strcmp(md->name, "media") != 0 && strcmp(md->name, "unknown") != 0)) {
        /* The SDP's name, or the type inferred without SDP ("video (inferred)"). */
        snprintf(what, sizeof(what), "%s", md->name);
    } else {
        /* Neither an SDP nor the ports tell the media type: the stream by its ports. */
        snprintf(what, sizeof(what), "media (%s -> %s)", addr_str(&rj->sender, s, sizeof(s)), a);
    }
    if (addr_set(&rj->reporter) && !ip_eq(&rj->reporter, &rj->addr)) {
        icecall_addr_t r = rj->reporter;
        r.port = 0;
        snprintf(rep, sizeof(rep), " sent by %s", addr_str(&r, s, sizeof(s)));
    }
    int n = snprintf(buf, size, "%s %s %s %s's %s: %s%s", rj->side == 0 ? "A" : "B", a,
                     unreach_refused(rj->v6, rj->code) ? "rejects" : "cannot be reached by", rj->side == 0 ? "B" : "A",
                     what, icecall_unreach_text(rj->v6, rj->v6 ? 1 : 3, rj->code), rep);
    if (counts && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, ", %u error%s from frame %u", rj->n, rj->n == 1 ? "" : "s",
                 rj->first_frame);
}

/*
 * The call, media line and pair of the datagram an ICMP error quotes (direct
 * legs only: an error about a datagram to the Edge concerns the allocation,
 * not the peer). Nothing is learnt from it. *is_media: the quoted datagram
 * was media, or too short to tell on a pair that carried media before.
 */
static bool
unreach_route(icecall_model_t *m, const icecall_unreach_t *u, route_t *r, int *pi, bool *is_media)
{
    if (!unreach_counts(u))
        return false;
    icecall_leg_t leg;
    memset(&leg, 0, sizeof(leg));
    leg.src = u->quoted_src;
    leg.dst = u->quoted_dst;
    if (!route_and_learn(m, &leg, NULL, u->frame, false, r))
        return false;
    media_t *md = r->call->media[r->media];
    *pi = pair_get(m, r->call, r->media, r->cand[0], r->cand[1], false, 0);
    if (*pi < 0)
        return false;
    const pair_t *p = &g_array_index(md->pairs, pair_t, *pi);
    switch (u->quoted) {
    case ICECALL_QUOTED_CHECK:
        *is_media = false;
        break;
    case ICECALL_QUOTED_MEDIA:
        *is_media = true;
        break;
    case ICECALL_QUOTED_UNKNOWN:
    case ICECALL_QUOTED_OTHER:
    default:
        *is_media = p->media_pkts && p->media_first_frame < u->frame;
        break;
    }
    return true;
}

static int
reject_find(const media_t *md, int side, const icecall_unreach_t *u)
{
    for (unsigned i = 0; i < md->n_rejects; i++) {
        const reject_t *rj = &md->rejects[i];
        if (rj->side == side && addr_eq(&rj->addr, &u->quoted_dst) && rj->v6 == u->v6 && rj->code == u->code)
            return (int)i;
    }
    return -1;
}

void
icecall_add_unreachable(icecall_model_t *m, const icecall_unreach_t *u, icecall_frame_t *out)
{
    route_t r;
    int pi;
    bool is_media = false;
    bump_generation(m, u->time_us);
    if (out)
        memset(out, 0, sizeof(*out));
    if (!unreach_route(m, u, &r, &pi, &is_media))
        return;
    media_t *md = r.call->media[r.media];
    pair_t *p = &g_array_index(md->pairs, pair_t, pi);
    int side = !r.from_side;    /* the quoted datagram went from r.from_side to the other side */
    if (r.call->last_frame < u->frame)
        r.call->last_frame = u->frame;
    fill_frame(&r, pi, out, false);
    if (!is_media) {
        /* An error answering a check: the check failed, no media was refused. */
        if (!p->icmp_n) {
            p->icmp_frame = u->frame;
            p->icmp_v6 = u->v6;
            p->icmp_type = u->type;
            p->icmp_code = u->code;
            p->icmp_side = side;
        }
        p->icmp_n++;
        return;
    }
    int k = reject_find(md, side, u);
    if (k < 0) {
        if (md->n_rejects >= m->limit[ICECALL_LIMIT_REJECTS].cap) {
            reject_t rj;
            memset(&rj, 0, sizeof(rj));
            rj.side = side;
            rj.addr = u->quoted_dst;
            rj.v6 = u->v6;
            rj.code = u->code;
            refuse_reject(m, r.call, r.media, &rj, u->frame);
            return;
        }
        k = (int)md->n_rejects++;
        reject_t *rj = &md->rejects[k];
        memset(rj, 0, sizeof(*rj));
        rj->side = side;
        rj->addr = u->quoted_dst;
        rj->sender = u->quoted_src;
        rj->reporter = u->reporter;
        rj->v6 = u->v6;
        rj->type = u->type;
        rj->code = u->code;
        rj->first_frame = u->frame;
    }
    reject_t *rj = &md->rejects[k];
    rj->n++;
    rj->last_frame = u->frame;
    if (out) {
        reject_text(md, rj, false, out->rejection, sizeof(out->rejection));
        out->first_rejection = rj->n == 1;
    }
}

void
icecall_lookup_unreachable(icecall_model_t *m, const icecall_unreach_t *u, icecall_frame_t *out)
{
    route_t r;
    int pi;
    bool is_media = false;
    memset(out, 0, sizeof(*out));
    if (!unreach_route(m, u, &r, &pi, &is_media))
        return;
    media_t *md = r.call->media[r.media];
    fill_frame(&r, pi, out, false);
    int k = is_media ? reject_find(md, !r.from_side, u) : -1;
    if (k >= 0) {
        reject_text(md, &md->rejects[k], false, out->rejection, sizeof(out->rejection));
        out->first_rejection = md->rejects[k].first_frame == u->frame;
    }
}

void
icecall_foreach_candidate(const icecall_model_t *m, const char *call_id,
                          void (*fn)(const icecall_addr_t *a, bool tcp, void *user), void *user)
{
    const call_t *c = call_find(m, call_id);
    if (!c)
        return;
    for (unsigned mi = 0; mi < c->n_media; mi++) {
        for (int s = 0; s < 2; s++) {
            const GArray *a = c->media[mi]->cands[s];
            for (guint i = 0; i < a->len; i++) {
                const cand_t *x = &g_array_index(a, cand_t, i);
                if (!x->learnt && !x->merged)
                    fn(&x->addr, x->tcp, user);
            }
        }
    }
}

/*
 * Lookups for packets seen again (the GUI, tshark -2): the same answer as
 * the first pass gave, from the finished model, without changing it and
 * without any per-packet memory.
 */
void
icecall_lookup_check(icecall_model_t *m, const icecall_check_t *c, icecall_frame_t *out)
{
    route_t r;
    memset(out, 0, sizeof(*out));
    if ((c->stun_type & MSTURN_CLASS_MASK) != MSTURN_CLASS_REQUEST) {
        int pi;
        if (g_hash_table_lookup(m->check_tx, c->txid)) {
            if (tx_lookup(m, c, &r, &pi))
                fill_frame(&r, pi, out, c->brief);
            return;
        }
        if (!g_hash_table_contains(m->unrouted_tx, c->txid) && route_response_only(m, c, false, &r))
            fill_frame(&r, pair_get(m, r.call, r.media, r.cand[0], r.cand[1], false, 0), out, c->brief);
        return;
    }
    if (!route_and_learn(m, &c->leg, c->username, c->frame, false, &r))
        return;
    fill_frame(&r, pair_get(m, r.call, r.media, r.cand[0], r.cand[1], false, 0), out, c->brief);
}

void
icecall_lookup_media(icecall_model_t *m, const icecall_media_pkt_t *pk, icecall_frame_t *out)
{
    route_t r;
    memset(out, 0, sizeof(*out));
    if (!route_and_learn(m, &pk->leg, NULL, pk->frame, false, &r))
        return;
    media_t *md = r.call->media[r.media];
    int pi = pair_get(m, r.call, r.media, r.cand[0], r.cand[1], false, 0);
    fill_frame(&r, pi, out, pk->brief);
    if (!out->valid)
        return;
    out->is_media = true;
    const pair_t *p = &g_array_index(md->pairs, pair_t, pi);
    if (!pk->rtcp) {
        out->first_on_pair = p->first_rtp_frame[r.from_side] == pk->frame;
        media_marks(r.call, r.media, pi, pk->frame, pk->brief, out);
    }
}

/* ---- parties --------------------------------------------------------------------- */

/* Is @x a candidate of the party (@side; for the callee: of fork @fork)? */
bool
of_party(const cand_t *x, int side, int fork)
{
    return !x->merged && (side == ICECALL_SIDE_A || x->fork == fork);
}

/* Has the party a candidate at @addr (a host candidate: at its IP address)? */
bool
party_has(const GArray *a, const icecall_addr_t *addr, int side, int fork)
{
    for (guint i = 0; i < a->len; i++) {
        const cand_t *x = &g_array_index(a, cand_t, i);
        if (!of_party(x, side, fork) || x->alloc)
            continue;
        if (addr_eq(&x->addr, addr) || (x->type == ICECALL_CTYPE_HOST && ip_eq(&x->addr, addr)))
            return true;
    }
    return false;
}

/* Has the party a candidate in this media line? */
bool
party_any(const media_t *md, party_t p)
{
    const GArray *a = md->cands[p.side];
    for (guint i = 0; i < a->len; i++) {
        if (of_party(&g_array_index(a, cand_t, i), p.side, p.fork))
            return true;
    }
    return false;
}

unsigned
parties(const call_t *c, party_t *out)
{
    unsigned n = 0;
    out[n++] = (party_t){ ICECALL_SIDE_A, 0 };
    out[n++] = (party_t){ ICECALL_SIDE_B, b_fork(c) };
    for (unsigned f = 0; f < c->n_forks; f++) {
        if ((int)f != b_fork(c))
            out[n++] = (party_t){ ICECALL_SIDE_B, (int)f };
    }
    return n;
}

const char *
party_label(const call_t *c, party_t p, char *buf, size_t size)
{
    if (p.side == ICECALL_SIDE_A) {
        snprintf(buf, size, "A");
        return buf;
    }
    return fork_label(c, p.fork, buf, size);
}

/* The SIP source address of a party's first message. */
const icecall_addr_t *
party_ip(const call_t *c, party_t p)
{
    if (p.side == ICECALL_SIDE_B && c->n_forks)
        return &c->forks[p.fork].sip_ip;
    return &c->sip_ip[p.side];
}

/* Has the party (in any media line) a candidate at @addr? */
bool
party_owns(const call_t *c, party_t p, const icecall_addr_t *addr)
{
    for (unsigned mi = 0; mi < c->n_media; mi++) {
        if (party_has(c->media[mi]->cands[p.side], addr, p.side, p.fork))
            return true;
    }
    return false;
}

/*
 * The MRAS clients (m->mras, by IP address) that are the party: its SIP
 * source address first, then the addresses party_owns() matches, in the
 * order of its media lines and candidates. Looked up, not scanned: the
 * report and the rules ask this for every call.
 */
void
party_mras(const icecall_model_t *m, const call_t *c, party_t p, GPtrArray *out)
{
    g_ptr_array_set_size(out, 0);
    if (!g_hash_table_size(m->mras))
        return;
    akey_t k;
    const mras_t *r;
    if (addr_set(party_ip(c, p))) {
        make_key(&k, party_ip(c, p), false, false);
        if ((r = (const mras_t *)g_hash_table_lookup(m->mras, &k)) != NULL)
            g_ptr_array_add(out, (gpointer)r);
    }
    for (unsigned mi = 0; mi < c->n_media; mi++) {
        const GArray *a = c->media[mi]->cands[p.side];
        for (guint i = 0; i < a->len; i++) {
            const cand_t *x = &g_array_index(a, cand_t, i);
            /* party_has(): a host candidate at the IP, or any at the IP with port 0 */
            if (!of_party(x, p.side, p.fork) || x->alloc || (x->type != ICECALL_CTYPE_HOST && x->addr.port))
                continue;
            make_key(&k, &x->addr, false, false);
            if ((r = (const mras_t *)g_hash_table_lookup(m->mras, &k)) == NULL)
                continue;
            bool dup = false;
            for (guint j = 0; j < out->len && !dup; j++)
                dup = g_ptr_array_index(out, j) == r;
            if (!dup)
                g_ptr_array_add(out, (gpointer)r);
        }
    }
}

/* The pair carrying media last (either direction) with the callee's fork @fork, or -1. */
int
final_pair(const media_t *md, int fork)
{
    int best = -1;
    uint32_t last = 0;
    for (int d = 0; d < 2; d++) {
        int pi = pair_resolve(md, md->current[fork][d]);
        if (pi < 0)
            continue;
        const pair_t *p = &g_array_index(md->pairs, pair_t, pi);
        if (p->media_last_frame >= last) {
            last = p->media_last_frame;
            best = pi;
        }
    }
    return best;
}

/* ---- the model's generation and names for the report and the glue ------------ */

uint64_t
icecall_generation(const icecall_model_t *m)
{
    return m->generation;
}

const char *
icecall_addr_to_string(const icecall_addr_t *a, char *buf, size_t size)
{
    icecall_addr_t ip = *a;
    ip.port = 0;
    return addr_str(&ip, buf, size);
}

const char *
icecall_alloc_state_name(icecall_alloc_state_t st)
{
    switch (st) {
    case ICECALL_ALLOC_SUCCESS:        return "success";
    case ICECALL_ALLOC_ERROR:          return "error";
    case ICECALL_ALLOC_NO_RESPONSE:    return "no_response";
    case ICECALL_ALLOC_NOT_IN_CAPTURE: return "not_in_capture";
    case ICECALL_ALLOC_UNKNOWN:
    default:                           return "unknown";
    }
}

const char *
icecall_path_token(icecall_path_t p)
{
    switch (p) {
    case ICECALL_PATH_HOST:      return "host";
    case ICECALL_PATH_SRFLX:     return "srflx";
    case ICECALL_PATH_RELAY_UDP: return "relay_udp";
    case ICECALL_PATH_RELAY_TCP: return "relay_tcp";
    case ICECALL_PATH_NONE:
    default:                     return "unknown";
    }
}
