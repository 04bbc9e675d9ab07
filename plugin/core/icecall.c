/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icecall.c - the per-call ICE model. See icecall.h.
 *
 * Data layout (all owned by the model, freed by icecall_model_free()):
 *   dialogs (Call-ID -> call_t): every SIP dialog the model heard of (a
 *     location or diagnostics header, an SDP body); the ones that are calls
 *     (an INVITE dialog with ICE media lines, or an ICE session without SIP)
 *     also in call_list, in the order they became calls
 *   endpoints (SIP URI -> where it said it is), from any dialog
 *     call_t: parties A/B, media lines
 *       media_t: candidates per side (GArray of cand_t), checked pairs
 *                (GArray of pair_t), current media pair per direction,
 *                early media, promotions
 *   indexes for packets: candidate address -> owner, ufrag -> owner,
 *   allocations by client 5-tuple / relayed address / mux session,
 *   pending check and Allocate transactions by transaction id.
 * Nothing is stored per packet: memory grows with calls, candidates and
 * pairs (each bounded by the limits in icecall.h).
 */
#include "icecall.h"
#include "icecand.h"
#include "msturn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Media on the path a direction just left, within this time, is late
 * packets of the old path, not a switch back. */
#define ICECALL_STRAGGLER_US 1000000

/* ---- types ---------------------------------------------------------------- */

typedef struct {
    icecall_addr_t  addr;
    icecall_ctype_t type;
    bool            tcp;
    char            transport[12];
    uint32_t        component;
    uint32_t        priority;
    uint8_t         version;
    icecall_addr_t  raddr;
    char            foundation[48];
    uint32_t        frame;          /* SDP frame that offered it; 0: learnt */
    bool            learnt;         /* seen in checks/media, not offered */
} cand_t;

typedef struct {
    int              cand[2];       /* index per side, as first seen: what the report shows */
    int              key[2];        /* the same pair with NAT mappings replaced by their base */
    bool             nat;           /* an end was server- or peer-reflexive: the path crosses NAT */
    icecall_result_t result;
    uint16_t         error_code;
    uint32_t         first_check_frame;
    uint32_t         success_frame;
    uint32_t         error_frame;
    unsigned         n_requests;
    bool             nominated;
    uint32_t         nominated_frame;
    uint32_t         media_first_frame, media_last_frame;
    int64_t          media_first_us, media_last_us;
    unsigned         media_pkts;
    bool             relayed_tcp;   /* the relayed leg runs over TCP */
} pair_t;

typedef struct {
    uint32_t frame;
    int64_t  time_us;
    int      from, to;              /* pair indexes; from -1: first media */
    char     reason[120];
} promo_t;

typedef struct {
    char           name[24];
    uint8_t        side_version[2]; /* highest ICE version each side offered */
    GArray        *cands[2];        /* cand_t */
    char           ufrag[2][64];
    icecall_addr_t default_addr[2];
    icecall_addr_t remote_final[2]; /* component 1 of the last a=remote-candidates of each side */
    uint32_t       remote_final_frame[2];   /* first frame of the message that said it */
    char           remote_final_msg[2][24]; /* that message: "re-INVITE", "200 OK", ... */
    uint32_t       remote_final_cseq[2];    /* its CSeq (0: unknown), to know a second copy */
    char           remote_v6[2][64];
    GArray        *pairs;           /* pair_t */
    int            current[2];      /* pair carrying media per direction (from side) */
    int            previous[2];     /* the pair each direction left last */
    int64_t        switched_us[2];  /* when */
    uint32_t       last_check_frame;
    int            early_pair;
    uint32_t       early_frame;
    int64_t        early_us;
    promo_t        promos[ICECALL_MAX_PROMOTIONS];
    unsigned       n_promos;
    bool           promos_truncated;
} media_t;

typedef struct {
    uint32_t frame;
    bool     client;
    uint32_t code;
    char     reason[160];
    bool     has_icewarn;
    uint32_t icewarn;
    char     media[24];
    int      side;
    int64_t  time_us;
} diag_t;

/* The same diagnostics again this soon: the same message seen at a second
 * capture point (or retransmitted), not a second report. */
#define ICECALL_DIAG_COPY_US 2000000

#define ICECALL_MAX_DIAGS 8u

/* One "I am here" of an endpoint (ms-endpoint-location-data), in any dialog. */
typedef struct {
    icecall_addr_t     ip;          /* SIP source address of the message (port 0) */
    uint32_t           frame;
    icecall_location_t loc;
    char               what[24];    /* the message: "REGISTER", "SUBSCRIBE", "INVITE", ... */
} loc_stmt_t;

/* What the endpoints of one SIP URI said about their location (bounded). */
typedef struct {
    GArray *stmts;                  /* loc_stmt_t, when it changed, at most ICECALL_MAX_LOCATION_STMTS */
} endpoint_t;

typedef struct {
    char          *call_id;
    bool           from_sip;
    bool           is_call;           /* an A/V call (else a dialog heard of: REGISTER, SUBSCRIBE, ...) */
    icecall_location_t location[2];
    uint32_t       location_frame[2];
    diag_t         diags[ICECALL_MAX_DIAGS];
    unsigned       n_diags;
    uint32_t       answer_frame;      /* first 200 OK with SDP */
    int64_t        answer_us;
    uint32_t       reinvite_frame;    /* first SDP with a=remote-candidate(s) */
    int64_t        reinvite_us;
    char          *uri[2];
    icecall_addr_t sip_ip[2];
    media_t       *media[ICECALL_MAX_MEDIA];
    unsigned       n_media;
    uint32_t       first_frame, last_frame;
    bool           media_limit_hit;
} call_t;

typedef struct {
    icecall_addr_t client, edge;
    bool           tcp;
    unsigned       n_requests;      /* transactions (a retransmission is not a new one) */
    unsigned       n_transmissions; /* every request seen, retransmissions included */
    unsigned       n_401;           /* 401 to a request without credentials: the normal challenge */
    unsigned       n_rejected;      /* 401 to a request that carried MESSAGE-INTEGRITY */
    uint32_t       first_frame, last_request_frame, success_frame, error_frame;
    bool           pending;         /* last request not answered */
    bool           success;
    bool           released;
    uint16_t       error_code;
    uint32_t       last_rejected_frame;
    icecall_addr_t relayed, reflexive, active_peer;
    uint64_t       mux_session;
} alloc_t;

/* One Allocate transaction, by transaction id. */
typedef struct {
    alloc_t *alloc;
    bool     with_integrity;  /* the request carried MESSAGE-INTEGRITY (credentials) */
} alloc_tx_t;

typedef struct {
    call_t  *call;
    unsigned media;
    int      side;
    int      cand;                  /* -1: ufrag owner */
    bool     learnt;                /* a candidate learnt from packets, not offered */
} owner_t;

typedef struct {
    call_t  *call;
    unsigned media;
    int      pair;
    int      from_side;             /* the requester; the responder is the other */
    bool     use_candidate;
} check_tx_t;

typedef struct {
    icecall_addr_t client;
    bool           ok;
    char           reason[40];
    uint32_t       frame;
    unsigned       n_relays;
    bool           requested;
    uint32_t       request_frame;
    icecall_location_t location;     /* what the request said */
} mras_t;

/* Hash key of a transport address (tcp distinguishes TCP and UDP candidates). */
typedef struct {
    uint8_t  family;
    uint8_t  tcp;
    uint16_t port;
    uint8_t  addr[16];
} akey_t;

struct icecall_model {
    GHashTable *calls;        /* char* call_id -> call_t* */
    GPtrArray  *call_list;    /* call_t* of the calls, in the order they became calls */
    unsigned    n_dialogs;    /* entries of calls that are not calls */
    GHashTable *endpoints;    /* char* lower-case SIP URI -> endpoint_t* */
    GHashTable *by_addr;      /* akey_t* -> owner_t* (exact address) */
    GHashTable *by_ip;        /* akey_t* (port 0) -> owner_t* */
    GHashTable *by_ufrag;     /* char* -> owner_t* */
    GHashTable *allocs;       /* akey pair (client+edge) -> alloc_t* */
    GHashTable *allocs_by_relayed;  /* akey_t* -> alloc_t* */
    GHashTable *allocs_by_session;  /* guint64* -> alloc_t* */
    GHashTable *alloc_tx;     /* 16-byte txid -> alloc_tx_t* */
    GHashTable *check_tx;     /* 16-byte txid -> check_tx_t* */
    GHashTable *mras;         /* akey_t* (client IP) -> mras_t* */
    GPtrArray  *alloc_list;   /* alloc_t*, owns them */
    uint64_t    generation;   /* bumped by every event */
    int64_t     last_us;      /* latest event time */
};

/* ---- small helpers -------------------------------------------------------- */

static void
make_key(akey_t *k, const icecall_addr_t *a, bool tcp, bool with_port)
{
    memset(k, 0, sizeof(*k));
    k->family = a->family;
    k->tcp = tcp ? 1 : 0;
    k->port = with_port ? a->port : 0;
    memcpy(k->addr, a->addr, a->family == 6 ? 16 : 4);
}

static guint
akey_hash(gconstpointer p)
{
    const akey_t *k = (const akey_t *)p;
    guint h = 2166136261u;
    const uint8_t *b = (const uint8_t *)k;
    for (size_t i = 0; i < sizeof(*k); i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static gboolean
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

static bool
addr_set(const icecall_addr_t *a)
{
    return a->family == 4 || a->family == 6;
}

static bool
addr_eq(const icecall_addr_t *a, const icecall_addr_t *b)
{
    if (a->family != b->family || a->port != b->port)
        return false;
    return memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

static bool
ip_eq(const icecall_addr_t *a, const icecall_addr_t *b)
{
    return a->family == b->family && memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

/* "192.0.2.1:3478", "[2001:db8::1]:3478"; port 0 prints the address only. */
static const char *
addr_str(const icecall_addr_t *a, char *buf, size_t size)
{
    if (a->family == 4) {
        if (a->port)
            snprintf(buf, size, "%u.%u.%u.%u:%u", a->addr[0], a->addr[1], a->addr[2], a->addr[3], a->port);
        else
            snprintf(buf, size, "%u.%u.%u.%u", a->addr[0], a->addr[1], a->addr[2], a->addr[3]);
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
        char tmp[48];
        size_t n = 0;
        for (int i = 0; i < 8 && n < sizeof(tmp) - 6; i++) {
            if (i == best) {
                n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "::"); /* the word before left out its ':' */
                i += best_len - 1;
                continue;
            }
            n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "%x%s", w[i], (i < 7 && i + 1 != best) ? ":" : "");
        }
        if (a->port)
            snprintf(buf, size, "[%.40s]:%u", tmp, a->port);
        else
            snprintf(buf, size, "%.40s", tmp);
    } else {
        snprintf(buf, size, "?");
    }
    return buf;
}

static void
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

static const char *
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

/* ---- model ---------------------------------------------------------------- */

/* Every event: the model changed (findings cache) and time went on. */
static void
touch(icecall_model_t *m, int64_t time_us)
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
    g_free(md);
}

static void
call_free(gpointer p)
{
    call_t *c = (call_t *)p;
    for (unsigned i = 0; i < c->n_media; i++)
        media_free(c->media[i]);
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
    m->allocs_by_session = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    m->alloc_tx = g_hash_table_new_full(txid_hash, txid_equal, g_free, g_free);
    m->check_tx = g_hash_table_new_full(txid_hash, txid_equal, g_free, g_free);
    m->mras = g_hash_table_new_full(akey_hash, akey_equal, g_free, g_free);
    m->alloc_list = g_ptr_array_new_with_free_func(g_free);
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
    g_hash_table_destroy(m->allocs_by_session);
    g_hash_table_destroy(m->alloc_tx);
    g_hash_table_destroy(m->check_tx);
    g_hash_table_destroy(m->mras);
    g_ptr_array_free(m->alloc_list, TRUE);
    g_ptr_array_free(m->call_list, TRUE);
    g_hash_table_destroy(m->endpoints);
    g_free(m);
}

unsigned
icecall_n_calls(const icecall_model_t *m)
{
    return m->call_list->len;
}

/* It is a call from now on (it keeps what its dialog heard before). */
static bool
call_promote(icecall_model_t *m, call_t *c)
{
    if (c->is_call)
        return true;
    if (m->call_list->len >= ICECALL_MAX_CALLS)
        return false;
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
    if (m->n_dialogs >= ICECALL_MAX_DIALOGS || (!from_sip && m->call_list->len >= ICECALL_MAX_CALLS))
        return NULL;
    c = g_new0(call_t, 1);
    c->call_id = g_strdup(call_id);
    c->from_sip = from_sip;
    c->first_frame = frame;
    g_hash_table_insert(m->calls, c->call_id, c);
    m->n_dialogs++;
    if (!from_sip)
        call_promote(m, c);
    return c;
}

/* The call of @call_id, or NULL (unknown, or a dialog that is not a call). */
static call_t *
call_find(const icecall_model_t *m, const char *call_id)
{
    call_t *c = call_id ? (call_t *)g_hash_table_lookup(m->calls, call_id) : NULL;
    return c && c->is_call ? c : NULL;
}

static media_t *
media_get(call_t *c, unsigned index, const char *name)
{
    if (index >= ICECALL_MAX_MEDIA) {
        c->media_limit_hit = true;
        return NULL;
    }
    while (c->n_media <= index) {
        media_t *md = g_new0(media_t, 1);
        md->cands[0] = g_array_new(FALSE, TRUE, sizeof(cand_t));
        md->cands[1] = g_array_new(FALSE, TRUE, sizeof(cand_t));
        md->pairs = g_array_new(FALSE, TRUE, sizeof(pair_t));
        md->current[0] = md->current[1] = -1;
        md->previous[0] = md->previous[1] = -1;
        md->early_pair = -1;
        snprintf(md->name, sizeof(md->name), "media %u", c->n_media + 1);
        c->media[c->n_media++] = md;
    }
    media_t *md = c->media[index];
    if (name && *name)
        copy_str(md->name, sizeof(md->name), name);
    return md;
}

static void
index_owner(icecall_model_t *m, GHashTable *t, const icecall_addr_t *a, bool tcp, bool with_port, call_t *c,
            unsigned media, int side, int cand, bool learnt)
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
    g_hash_table_replace(t, g_memdup2(&k, sizeof(k)), o);
    (void)m;
}

/* Adds or updates a candidate; returns its index (or -1 at the limit). */
static int
cand_add(icecall_model_t *m, call_t *c, unsigned mi, int side, const cand_t *in)
{
    media_t *md = c->media[mi];
    GArray *a = md->cands[side];
    for (guint i = 0; i < a->len; i++) {
        cand_t *x = &g_array_index(a, cand_t, i);
        if (addr_eq(&x->addr, &in->addr) && x->tcp == in->tcp && x->component == in->component) {
            /* The same candidate again (v6 and v19 parts, answers, re-INVITEs):
             * keep the first offer, learn what the new line adds. */
            if (x->learnt && !in->learnt) {
                /* Seen in a check first (peer-reflexive), offered now: the
                 * offer says what it is. */
                *x = *in;
                index_owner(m, m->by_addr, &in->addr, in->tcp, true, c, mi, side, (int)i, false);
                index_owner(m, m->by_ip, &in->addr, in->tcp, false, c, mi, side, (int)i, false);
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
    if (a->len >= ICECALL_MAX_CANDS)
        return -1;
    g_array_append_val(a, *in);
    int idx = (int)a->len - 1;
    index_owner(m, m->by_addr, &in->addr, in->tcp, true, c, mi, side, idx, in->learnt);
    index_owner(m, m->by_ip, &in->addr, in->tcp, false, c, mi, side, idx, in->learnt);
    return idx;
}

static cand_t *
cand_at(call_t *c, unsigned mi, int side, int idx)
{
    if (idx < 0)
        return NULL;
    return &g_array_index(c->media[mi]->cands[side], cand_t, idx);
}

static icecall_ctype_t type_from_allocations(const icecall_model_t *m, const icecall_addr_t *a,
                                             icecall_ctype_t fallback);

/*
 * The ICE version in use on a media line: an INVITE offers both v6 and v19
 * candidates (different ports), the answer only one format. So the highest
 * version both sides offered; a side not seen yet does not lower it.
 */
static uint8_t
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
static bool
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

/* What to call @msg in the report: "re-INVITE", "200 OK", "183 response", ... */
static void
msg_label(const icecall_msg_t *msg, char *buf, size_t size)
{
    const char *what = msg->message ? msg->message : "";
    if (msg->is_request && strcmp(what, "INVITE") == 0)
        snprintf(buf, size, "%s", msg->to_tag || msg->cseq > 1 ? "re-INVITE" : "INVITE");
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

bool
icecall_add_sdp(icecall_model_t *m, const icecall_msg_t *msg, const icecall_media_in_t *media, unsigned n_media)
{
    touch(m, msg->time_us);
    if (!msg->call_id || !sdp_makes_call(msg, media, n_media))
        return false;
    call_t *c = call_get(m, msg->call_id, true, msg->frame);
    if (!c || !call_promote(m, c))
        return false;
    c->last_frame = msg->frame;
    int side = sender_side(c, msg);
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
        media_t *md = media_get(c, in->index, in->media);
        if (!md)
            continue;
        if (in->version > md->side_version[side])
            md->side_version[side] = in->version;
        if (in->ufrag && *in->ufrag) {
            copy_str(md->ufrag[side], sizeof(md->ufrag[side]), in->ufrag);
            owner_t *o = g_new(owner_t, 1);
            o->call = c;
            o->media = in->index;
            o->side = side;
            o->cand = -1;
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
            if (cd.type == ICECALL_CTYPE_UNKNOWN) /* v6: the allocations may tell */
                cd.type = type_from_allocations(m, &cd.addr, ICECALL_CTYPE_UNKNOWN);
            cand_add(m, c, in->index, side, &cd);
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
                if (x->component == 1 && strcmp(x->foundation, in->remote_v6) == 0) {
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
        if (g_hash_table_size(m->endpoints) >= ICECALL_MAX_ENDPOINTS) {
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
    if (e->stmts->len < ICECALL_MAX_LOCATION_STMTS)
        g_array_append_val(e->stmts, st);
    else
        g_array_index(e->stmts, loc_stmt_t, e->stmts->len - 1) = st;   /* keep the first ones and the latest */
}

void
icecall_set_location(icecall_model_t *m, const icecall_msg_t *msg, icecall_location_t loc)
{
    touch(m, msg->time_us);
    if (!msg->call_id || loc == ICECALL_LOC_UNKNOWN)
        return;
    endpoint_says(m, msg, loc);
    call_t *c = call_get(m, msg->call_id, true, msg->frame);
    if (!c)
        return;
    int side = sender_side(c, msg);
    c->location[side] = loc;
    if (!c->location_frame[side])
        c->location_frame[side] = msg->frame;
}

void
icecall_add_diagnostics(icecall_model_t *m, const icecall_msg_t *msg, const icecall_diag_in_t *d)
{
    touch(m, msg->time_us);
    if (!msg->call_id)
        return;
    call_t *c = call_get(m, msg->call_id, true, msg->frame);
    if (!c || c->n_diags >= ICECALL_MAX_DIAGS)
        return;
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
    c->diags[c->n_diags++] = x;
}

/* ---- MRAS -------------------------------------------------------------------- */

void
icecall_add_mras(icecall_model_t *m, const icecall_msg_t *msg, const icecall_addr_t *client, bool ok,
                 const char *reason, unsigned n_relays, bool is_request, icecall_location_t location)
{
    touch(m, msg->time_us);
    if (!addr_set(client))
        return;
    akey_t k;
    make_key(&k, client, false, false);
    mras_t *r = (mras_t *)g_hash_table_lookup(m->mras, &k);
    if (!r) {
        if (g_hash_table_size(m->mras) >= ICECALL_MAX_MRAS_CLIENTS)
            return;
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

static alloc_t *
alloc_get(icecall_model_t *m, const icecall_addr_t *client, const icecall_addr_t *edge, bool tcp, bool create)
{
    akey2_t k;
    make_key(&k.client, client, tcp, true);
    make_key(&k.edge, edge, tcp, true);
    alloc_t *a = (alloc_t *)g_hash_table_lookup(m->allocs, &k);
    if (a || !create || m->alloc_list->len >= ICECALL_MAX_ALLOCATIONS)
        return a;
    a = g_new0(alloc_t, 1);
    a->client = *client;
    a->edge = *edge;
    a->tcp = tcp;
    g_hash_table_insert(m->allocs, g_memdup2(&k, sizeof(k)), a);
    g_ptr_array_add(m->alloc_list, a);
    return a;
}

void
icecall_add_allocation(icecall_model_t *m, uint32_t frame, int64_t time_us, const icecall_addr_t *client,
                       const icecall_addr_t *edge, bool tcp, bool response, bool with_integrity,
                       const uint8_t *txid, const icecall_addr_t *relayed, const icecall_addr_t *reflexive,
                       uint16_t error_code, uint32_t lifetime, uint64_t mux_session)
{
    touch(m, time_us);
    if (!response) {
        alloc_t *a = alloc_get(m, client, edge, tcp, true);
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
        if (txid && g_hash_table_size(m->alloc_tx) < ICECALL_MAX_TRANSACTIONS) {
            alloc_tx_t *tx = g_new(alloc_tx_t, 1);
            tx->alloc = a;
            tx->with_integrity = with_integrity;
            g_hash_table_replace(m->alloc_tx, g_memdup2(txid, 16), tx);
        }
        return;
    }
    const alloc_tx_t *tx = txid ? (const alloc_tx_t *)g_hash_table_lookup(m->alloc_tx, txid) : NULL;
    alloc_t *a = tx ? tx->alloc : NULL;
    if (!a) /* response seen without its request (or from another Edge address) */
        a = alloc_get(m, client, edge, tcp, true);
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
    if (lifetime == 0 && a->success) {
        a->released = true;
        return;
    }
    a->released = false;   /* allocated (again) */
    a->success = true;
    a->error_code = 0;
    a->success_frame = frame;
    if (relayed && addr_set(relayed)) {
        a->relayed = *relayed;
        akey_t k;
        make_key(&k, relayed, false, true);
        if (g_hash_table_size(m->allocs_by_relayed) < ICECALL_MAX_ALLOCATIONS ||
            g_hash_table_contains(m->allocs_by_relayed, &k))
            g_hash_table_replace(m->allocs_by_relayed, g_memdup2(&k, sizeof(k)), a);
    }
    if (reflexive && addr_set(reflexive))
        a->reflexive = *reflexive;
    if (mux_session) {
        a->mux_session = mux_session;
        if (g_hash_table_size(m->allocs_by_session) < ICECALL_MAX_ALLOCATIONS ||
            g_hash_table_contains(m->allocs_by_session, &mux_session))
            g_hash_table_replace(m->allocs_by_session, g_memdup2(&mux_session, sizeof(mux_session)), a);
    }
}

void
icecall_set_destination(icecall_model_t *m, const icecall_addr_t *client, const icecall_addr_t *edge,
                        const icecall_addr_t *peer)
{
    alloc_t *a = alloc_get(m, client, edge, false, false);
    if (!a)
        a = alloc_get(m, client, edge, true, false);
    if (a && peer && addr_set(peer))
        a->active_peer = *peer;
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

bool
icecall_is_candidate_address(const icecall_model_t *m, const icecall_addr_t *a, bool tcp)
{
    akey_t k;
    if (!addr_set(a))
        return false;
    make_key(&k, a, tcp, true);
    return g_hash_table_lookup(m->by_addr, &k) != NULL;
}

static icecall_path_t
pair_path(call_t *c, unsigned mi, const pair_t *p)
{
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

static void
cand_text(const cand_t *x, char *buf, size_t size)
{
    char a[64];
    if (!x) {
        snprintf(buf, size, "?");
        return;
    }
    snprintf(buf, size, "%s %s%s", icecall_ctype_to_string(x->type), addr_str(&x->addr, a, sizeof(a)),
             x->learnt ? " (not offered)" : "");
}

static void
pair_text(call_t *c, unsigned mi, const pair_t *p, char *buf, size_t size)
{
    char x[96], y[96];
    const cand_t *cx = cand_at(c, mi, 0, p->cand[0]);
    const cand_t *cy = cand_at(c, mi, 1, p->cand[1]);
    cand_text(cx, x, sizeof(x));
    cand_text(cy, y, sizeof(y));
    bool tcp = (cx && cx->tcp) || (cy && cy->tcp) || p->relayed_tcp;
    snprintf(buf, size, "A %s <-> B %s (%s)", x, y, tcp ? "TCP" : "UDP");
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
        if (y->type == ICECALL_CTYPE_HOST && addr_eq(&y->addr, &x->raddr) && y->tcp == x->tcp)
            return (int)i;
    }
    return idx;
}

static int
pair_get(media_t *md, int ca, int cb, bool create)
{
    bool nat = false;
    int ka = cand_base(md, 0, ca, &nat), kb = cand_base(md, 1, cb, &nat);
    for (guint i = 0; i < md->pairs->len; i++) {
        pair_t *p = &g_array_index(md->pairs, pair_t, i);
        if (p->key[0] == ka && p->key[1] == kb && p->nat == nat)
            return (int)i;
    }
    if (!create || md->pairs->len >= ICECALL_MAX_PAIRS)
        return -1;
    pair_t p;
    memset(&p, 0, sizeof(p));
    p.cand[0] = ca;
    p.cand[1] = cb;
    p.key[0] = ka;
    p.key[1] = kb;
    p.nat = nat;
    g_array_append_val(md->pairs, p);
    return (int)md->pairs->len - 1;
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

/* A learnt candidate (peer-reflexive, or an address the SDP did not offer). */
static int
learn_cand(icecall_model_t *m, call_t *c, unsigned mi, int side, const icecall_addr_t *a, bool tcp,
           icecall_ctype_t type)
{
    if (type == ICECALL_CTYPE_UNKNOWN)
        type = type_from_allocations(m, a, type);
    cand_t cd;
    memset(&cd, 0, sizeof(cd));
    cd.addr = *a;
    cd.type = type;
    cd.tcp = tcp;
    copy_str(cd.transport, sizeof(cd.transport), tcp ? "TCP" : "UDP");
    cd.component = 1;
    cd.learnt = true;
    return cand_add(m, c, mi, side, &cd);
}

/* A session seen without SIP: keyed by its two ufrags. */
static call_t *
session_for_ufrags(icecall_model_t *m, const char *u1, const char *u2, uint32_t frame, int *side_of_u1)
{
    char key[160];
    bool swap = strcmp(u1, u2) > 0;
    snprintf(key, sizeof(key), "ICE session %.64s/%.64s (no SIP)", swap ? u2 : u1, swap ? u1 : u2);
    call_t *c = call_get(m, key, false, frame);
    if (!c)
        return NULL;
    media_t *md = media_get(c, 0, "media");
    if (!md)
        return NULL;
    if (!md->ufrag[0][0]) {
        /* Side A: whoever sent the first check we saw. */
        copy_str(md->ufrag[0], sizeof(md->ufrag[0]), u1);
        copy_str(md->ufrag[1], sizeof(md->ufrag[1]), u2);
        const char *us[2] = { u1, u2 };
        for (int s = 0; s < 2; s++) {
            owner_t *o = g_new(owner_t, 1);
            o->call = c;
            o->media = 0;
            o->side = s;
            o->cand = -1;
            g_hash_table_replace(m->by_ufrag, g_strdup(us[s]), o);
        }
    }
    *side_of_u1 = strcmp(md->ufrag[0], u1) == 0 ? 0 : 1;
    return c;
}

/* Where a packet goes, in candidate terms. */
typedef struct {
    call_t  *call;
    unsigned media;
    int      from_side;
    int      cand[2];
    bool     relayed_tcp;
} route_t;

/*
 * Finds the call, media line and the two candidates of a packet between
 * @from and @to. For relayed packets the client's end is its relay
 * candidate (the allocation's relayed address). @username ("recv:send")
 * settles the call for MS-ICE2 checks.
 */
static bool
route_packet(icecall_model_t *m, const icecall_leg_t *leg, const char *username, uint32_t frame, bool create,
             route_t *r)
{
    const icecall_addr_t *client = &leg->client, *edge = &leg->edge, *peer = &leg->peer;
    bool tcp = leg->tcp, relayed = leg->relayed, outbound = leg->outbound;
    uint64_t mux_session = leg->mux_session;
    memset(r, 0, sizeof(*r));
    r->cand[0] = r->cand[1] = -1;
    icecall_addr_t src = leg->src, dst = leg->dst;
    alloc_t *alloc = NULL;
    if (relayed) {
        alloc = mux_session ? (alloc_t *)g_hash_table_lookup(m->allocs_by_session, &mux_session) : NULL;
        if (alloc) {
            /* 0xFF10 frames carry no direction: the allocation's client tells. */
            outbound = addr_eq(&alloc->client, client);
        } else {
            alloc = alloc_get(m, client, edge, tcp, false);
        }
        icecall_addr_t relay = alloc && addr_set(&alloc->relayed) ? alloc->relayed : *edge;
        if (!alloc || !addr_set(&alloc->relayed))
            relay.port = 0;
        icecall_addr_t p = peer && addr_set(peer) ? *peer : (alloc ? alloc->active_peer : *peer);
        if (outbound) {
            src = relay;
            dst = p;
        } else {
            src = p;
            dst = relay;
        }
        r->relayed_tcp = tcp;
        tcp = false; /* the relayed leg from the Edge to the peer is UDP */
    }

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
                int side_of_send;
                call_t *c = session_for_ufrags(m, send, recv, frame, &side_of_send);
                if (c) {
                    r->call = c;
                    r->media = 0;
                    r->from_side = side_of_send;
                }
            } else if (recv_o || send_o) {
                owner_t *o = recv_o ? recv_o : send_o;
                r->call = o->call;
                r->media = o->media;
                r->from_side = recv_o ? !recv_o->side : send_o->side;
            }
        }
    }

    /* 2. By candidate addresses. A relay candidate reached over TCP is
     * offered as TCP-ACT/TCP-PASS: on the relayed leg try both transports. */
    owner_t *so = owner_of(m, &src, tcp), *do_ = owner_of(m, &dst, tcp);
    if (relayed && !so)
        so = owner_of(m, &src, !tcp);
    if (relayed && !do_)
        do_ = owner_of(m, &dst, !tcp);
    if (!r->call) {
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
    }
    if (r->media >= r->call->n_media)
        return false;
    int fs = r->from_side, ts = !fs;
    if (so && so->call == r->call && so->media == r->media && so->side == fs)
        r->cand[fs] = so->cand;
    if (do_ && do_->call == r->call && do_->media == r->media && do_->side == ts)
        r->cand[ts] = do_->cand;
    /* Ends the SDP did not offer: peer-reflexive, or relays whose SDP we missed. */
    /* Without SDP nothing says what an address is, except our relay. */
    icecall_ctype_t other = r->call->from_sip ? ICECALL_CTYPE_PRFLX : ICECALL_CTYPE_UNKNOWN;
    if (!create)
        return r->cand[0] >= 0 && r->cand[1] >= 0;
    if (r->cand[fs] < 0 && addr_set(&src))
        r->cand[fs] = learn_cand(m, r->call, r->media, fs, &src, tcp, relayed && outbound ? ICECALL_CTYPE_RELAY : other);
    if (r->cand[ts] < 0 && addr_set(&dst))
        r->cand[ts] = learn_cand(m, r->call, r->media, ts, &dst, tcp, relayed && !outbound ? ICECALL_CTYPE_RELAY : other);
    return r->cand[0] >= 0 && r->cand[1] >= 0;
}

static void
fill_frame(const route_t *r, int pair_idx, icecall_frame_t *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof(*out));
    if (!r->call || pair_idx < 0)
        return;
    media_t *md = r->call->media[r->media];
    pair_t *p = &g_array_index(md->pairs, pair_t, pair_idx);
    out->valid = true;
    copy_str(out->call_id, sizeof(out->call_id), r->call->call_id);
    copy_str(out->media, sizeof(out->media), md->name);
    pair_text(r->call, r->media, p, out->pair, sizeof(out->pair));
    out->path = pair_path(r->call, r->media, p);
    const cand_t *l = cand_at(r->call, r->media, r->from_side, p->cand[r->from_side]);
    const cand_t *t = cand_at(r->call, r->media, !r->from_side, p->cand[!r->from_side]);
    out->local_offer_frame = l ? l->frame : 0;
    out->remote_offer_frame = t ? t->frame : 0;
}

void
icecall_add_check(icecall_model_t *m, const icecall_check_t *c, icecall_frame_t *out)
{
    route_t r;
    touch(m, c->time_us);
    if (out)
        memset(out, 0, sizeof(*out));
    bool response = (c->stun_type & 0x0110u) != 0;
    if (response) {
        check_tx_t *tx = (check_tx_t *)g_hash_table_lookup(m->check_tx, c->txid);
        if (!tx)
            return;
        media_t *md = tx->call->media[tx->media];
        pair_t *p = &g_array_index(md->pairs, pair_t, tx->pair);
        if (c->stun_type == 0x0101) {
            p->result = ICECALL_RESULT_SUCCESS;
            if (!p->success_frame)
                p->success_frame = c->frame;
            if (tx->use_candidate && !p->nominated) {
                p->nominated = true;
                p->nominated_frame = c->frame;
            }
        } else if (p->result != ICECALL_RESULT_SUCCESS) {
            p->result = ICECALL_RESULT_ERROR;
            p->error_code = c->error_code;
            p->error_frame = c->frame;
        }
        memset(&r, 0, sizeof(r));
        r.call = tx->call;
        r.media = tx->media;
        r.from_side = !tx->from_side;
        fill_frame(&r, tx->pair, out);
        return;
    }
    if (!route_packet(m, &c->leg, c->username, c->frame, true, &r))
        return;
    media_t *md = r.call->media[r.media];
    int pi = pair_get(md, r.cand[0], r.cand[1], true);
    if (pi < 0)
        return;
    pair_t *p = &g_array_index(md->pairs, pair_t, pi);
    if (c->leg.relayed && c->leg.tcp)
        p->relayed_tcp = true;
    if (!p->first_check_frame)
        p->first_check_frame = c->frame;
    if (c->frame > md->last_check_frame)
        md->last_check_frame = c->frame;
    p->n_requests++;
    if (p->result == ICECALL_RESULT_NONE)
        p->result = ICECALL_RESULT_PENDING;
    if (!g_hash_table_lookup(m->check_tx, c->txid) && g_hash_table_size(m->check_tx) < ICECALL_MAX_TRANSACTIONS) {
        check_tx_t *tx = g_new(check_tx_t, 1);
        tx->call = r.call;
        tx->media = r.media;
        tx->pair = pi;
        tx->from_side = r.from_side;
        tx->use_candidate = c->use_candidate;
        g_hash_table_insert(m->check_tx, g_memdup2(c->txid, 16), tx);
    }
    if (r.call->last_frame < c->frame)
        r.call->last_frame = c->frame;
    fill_frame(&r, pi, out);
}

void
icecall_add_media(icecall_model_t *m, const icecall_media_pkt_t *pk, icecall_frame_t *out)
{
    route_t r;
    touch(m, pk->time_us);
    if (out)
        memset(out, 0, sizeof(*out));
    if (!route_packet(m, &pk->leg, NULL, pk->frame, true, &r))
        return;
    media_t *md = r.call->media[r.media];
    int pi = pair_get(md, r.cand[0], r.cand[1], true);
    if (pi < 0)
        return;
    pair_t *p = &g_array_index(md->pairs, pair_t, pi);
    if (pk->leg.relayed && pk->leg.tcp)
        p->relayed_tcp = true;
    if (!p->media_pkts) {
        p->media_first_frame = pk->frame;
        p->media_first_us = pk->time_us;
    }
    p->media_pkts++;
    p->media_last_frame = pk->frame;
    p->media_last_us = pk->time_us;
    if (r.call->last_frame < pk->frame)
        r.call->last_frame = pk->frame;

    fill_frame(&r, pi, out);
    if (pk->rtcp)
        return; /* RTCP (component 2) follows the RTP path: it does not define it */
    int dir = r.from_side;
    if (md->current[dir] == pi)
        return;
    /* Packets still arriving over the old path just after a switch (the
     * relay is slower than the direct path) are stragglers, not a switch
     * back. */
    if (pi == md->previous[dir] && pk->time_us - md->switched_us[dir] < ICECALL_STRAGGLER_US)
        return;
    int old = md->current[dir];
    md->previous[dir] = old;
    md->switched_us[dir] = pk->time_us;
    md->current[dir] = pi;
    if (md->early_pair < 0) {
        md->early_pair = pi;
        md->early_frame = pk->frame;
        md->early_us = pk->time_us;
        return;
    }
    /* The other direction already moved to this pair: the same promotion. */
    if (md->n_promos && md->promos[md->n_promos - 1].to == pi)
        return;
    if (old < 0 && md->current[!dir] == pi)
        return; /* this direction starts on the pair the other one uses */
    if (md->n_promos >= ICECALL_MAX_PROMOTIONS) {
        md->promos_truncated = true;
        return;
    }
    promo_t *pr = &md->promos[md->n_promos++];
    pr->frame = pk->frame;
    pr->time_us = pk->time_us;
    pr->from = old >= 0 ? old : md->current[!dir];
    pr->to = pi;
    if (p->nominated)
        snprintf(pr->reason, sizeof(pr->reason), "pair nominated (USE-CANDIDATE) in frame %u", p->nominated_frame);
    else if (p->result == ICECALL_RESULT_SUCCESS)
        snprintf(pr->reason, sizeof(pr->reason), "checks on this pair succeeded in frame %u", p->success_frame);
    else
        snprintf(pr->reason, sizeof(pr->reason), "no successful check of this pair seen");
    if (out)
        out->promotion = true;
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
                if (!x->learnt)
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
    if ((c->stun_type & 0x0110u) != 0) {
        check_tx_t *tx = (check_tx_t *)g_hash_table_lookup(m->check_tx, c->txid);
        if (!tx)
            return;
        memset(&r, 0, sizeof(r));
        r.call = tx->call;
        r.media = tx->media;
        r.from_side = !tx->from_side;
        fill_frame(&r, tx->pair, out);
        return;
    }
    if (!route_packet(m, &c->leg, c->username, c->frame, false, &r))
        return;
    fill_frame(&r, pair_get(r.call->media[r.media], r.cand[0], r.cand[1], false), out);
}

void
icecall_lookup_media(icecall_model_t *m, const icecall_media_pkt_t *pk, icecall_frame_t *out)
{
    route_t r;
    memset(out, 0, sizeof(*out));
    if (!route_packet(m, &pk->leg, NULL, pk->frame, false, &r))
        return;
    media_t *md = r.call->media[r.media];
    int pi = pair_get(md, r.cand[0], r.cand[1], false);
    fill_frame(&r, pi, out);
    for (unsigned i = 0; i < md->n_promos && out->valid; i++) {
        if (md->promos[i].frame == pk->frame && md->promos[i].to == pi)
            out->promotion = true;
    }
}

/* ---- report -------------------------------------------------------------------- */

static void
count_cands(GString *o, const media_t *md, GArray *a)
{
    static const icecall_ctype_t order[] = { ICECALL_CTYPE_HOST, ICECALL_CTYPE_SRFLX, ICECALL_CTYPE_PRFLX,
                                             ICECALL_CTYPE_RELAY, ICECALL_CTYPE_UNKNOWN };
    bool any = false;
    for (unsigned t = 0; t < G_N_ELEMENTS(order); t++) {
        unsigned udp = 0, tcp = 0;
        for (guint i = 0; i < a->len; i++) {
            const cand_t *x = &g_array_index(a, cand_t, i);
            if (x->type != order[t] || (x->component != 1 && x->component != 0) || !cand_in_use(md, x))
                continue;
            if (x->tcp)
                tcp++;
            else
                udp++;
        }
        if (!udp && !tcp)
            continue;
        g_string_append_printf(o, "%s%u %s (", any ? ", " : "", udp + tcp, icecall_ctype_to_string(order[t]));
        if (udp)
            g_string_append_printf(o, "%u UDP", udp);
        if (tcp)
            g_string_append_printf(o, "%s%u TCP", udp ? ", " : "", tcp);
        g_string_append(o, ")");
        any = true;
    }
    if (!any)
        g_string_append(o, "none seen");
}

static bool
cand_belongs(const GArray *a, const icecall_addr_t *addr)
{
    for (guint i = 0; i < a->len; i++) {
        const cand_t *x = &g_array_index(a, cand_t, i);
        if (addr_eq(&x->addr, addr) || (x->type == ICECALL_CTYPE_HOST && ip_eq(&x->addr, addr)))
            return true;
    }
    return false;
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
static const char *
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
    g_string_append_printf(o, "%s -> Edge %s %s: ", addr_str(&a->client, c, sizeof(c)), addr_str(&a->edge, e, sizeof(e)),
                           a->tcp ? "TCP" : "UDP");
    if (a->success) {
        g_string_append_printf(o, "relayed %s, reflexive %s (frame %u%s%s)", addr_str(&a->relayed, x, sizeof(x)),
                               addr_str(&a->reflexive, y, sizeof(y)), a->success_frame,
                               a->n_401 ? "; after a 401 challenge" : "", a->released ? "; released later" : "");
    } else if (a->error_code) {
        g_string_append_printf(o, "error %u (frame %u)", a->error_code, a->error_frame);
        if (a->n_rejected)
            g_string_append_printf(o, " (401 %u time%s to requests with credentials: rejected)", a->n_rejected,
                                   a->n_rejected == 1 ? "" : "s");
    } else if (a->pending) {
        char n[96];
        g_string_append_printf(o, "no response to %s (first frame %u)", requests_text(a, n, sizeof(n)),
                               a->first_frame);
    } else {
        g_string_append(o, "?");
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

/* The pair carrying media last (either direction), or -1. */
static int
final_pair(const media_t *md)
{
    int best = -1;
    uint32_t last = 0;
    for (int d = 0; d < 2; d++) {
        int pi = md->current[d];
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

/* ---- troubleshooting rules -------------------------------------------------------- */

uint64_t
icecall_generation(const icecall_model_t *m)
{
    return m->generation;
}

const char *
icecall_rule_name(icecall_rule_t r)
{
    static const char *const names[ICECALL_RULE_COUNT] = {
        "no_edge_credentials", "no_edge_candidates", "relay_udp_only", "relay_tcp_only", "private_edge_address",
        "turn_unreachable", "turn_credentials", "turn_error", "all_checks_failed", "relay_despite_direct",
        "tcp_relay", "no_reinvite", "client_diagnostics",
    };
    return r < ICECALL_RULE_COUNT ? names[r] : "unknown";
}

/*
 * Where the endpoint of @side said it is in other dialogs of its SIP URI
 * (REGISTER, SUBSCRIBE, other calls), while the call was on or before: the
 * statements of that endpoint's address (its SIP source or a host
 * candidate), the last one made before the call started, else the first
 * during it. From another address of the same URI (another endpoint of the
 * user) only when all of them agree. @from: the statement used.
 */
static icecall_location_t
endpoint_location(const icecall_model_t *m, const call_t *c, int side, const loc_stmt_t **from)
{
    *from = NULL;
    if (!c->uri[side])
        return ICECALL_LOC_UNKNOWN;
    char *key = g_ascii_strdown(c->uri[side], -1);
    const endpoint_t *e = (const endpoint_t *)g_hash_table_lookup(m->endpoints, key);
    g_free(key);
    if (!e)
        return ICECALL_LOC_UNKNOWN;
    const loc_stmt_t *before = NULL, *during = NULL, *any = NULL;
    bool agree = true;
    for (guint i = 0; i < e->stmts->len; i++) {
        const loc_stmt_t *x = &g_array_index(e->stmts, loc_stmt_t, i);
        if (x->frame > c->last_frame && c->last_frame)
            continue;
        if (any && any->loc != x->loc)
            agree = false;
        if (!any)
            any = x;
        bool mine = ip_eq(&x->ip, &c->sip_ip[side]);
        for (unsigned mi = 0; mi < c->n_media && !mine; mi++)
            mine = cand_belongs(c->media[mi]->cands[side], &x->ip);
        if (!mine)
            continue;
        if (x->frame <= c->first_frame && (!before || x->frame >= before->frame))
            before = x;
        else if (x->frame > c->first_frame && (!during || x->frame < during->frame))
            during = x;
    }
    *from = before ? before : during ? during : agree ? any : NULL;
    return *from ? (*from)->loc : ICECALL_LOC_UNKNOWN;
}

/* Where each side is: ms-endpoint-location-data in the call, else in the
 * endpoint's other dialogs, else its MRAS request. */
static icecall_location_t
side_location(const icecall_model_t *m, const call_t *c, int side)
{
    if (c->location[side] != ICECALL_LOC_UNKNOWN)
        return c->location[side];
    const loc_stmt_t *st;
    icecall_location_t el = endpoint_location(m, c, side, &st);
    if (el != ICECALL_LOC_UNKNOWN)
        return el;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, m->mras);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const mras_t *r = (const mras_t *)v;
        if (r->location == ICECALL_LOC_UNKNOWN)
            continue;
        for (unsigned mi = 0; mi < c->n_media; mi++) {
            if (cand_belongs(c->media[mi]->cands[side], &r->client))
                return r->location;
        }
    }
    return ICECALL_LOC_UNKNOWN;
}

static const char *
uri_domain(const char *uri)
{
    const char *at = uri ? strrchr(uri, '@') : NULL;
    return at ? at + 1 : NULL;
}

/* "inside <-> outside (A intranet, B internet)" and so on. */
static void
scenario_text(const icecall_model_t *m, const call_t *c, char *buf, size_t size)
{
    const char *da = uri_domain(c->uri[0]), *db = uri_domain(c->uri[1]);
    icecall_location_t a = side_location(m, c, 0), b = side_location(m, c, 1);
    static const char *const where[] = { "?", "inside", "outside" };
    if (da && db && g_ascii_strcasecmp(da, db) != 0) {
        snprintf(buf, size, "federated (%s <-> %s; A %s, B %s)", da, db, where[a], where[b]);
        return;
    }
    if (a == ICECALL_LOC_UNKNOWN && b == ICECALL_LOC_UNKNOWN) {
        snprintf(buf, size, "unknown (no location data: ms-endpoint-location-data or MRAS location)");
        return;
    }
    snprintf(buf, size, "%s <-> %s", where[a], where[b]);
}

typedef struct {
    void (*fn)(const icecall_finding_t *f, void *user);
    void *user;
} emit_t;

static void
emit(const emit_t *e, icecall_rule_t rule, icecall_sev_t sev, uint32_t frame, const call_t *c, const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);

static void
emit(const emit_t *e, icecall_rule_t rule, icecall_sev_t sev, uint32_t frame, const call_t *c, const char *fmt, ...)
{
    icecall_finding_t f;
    va_list ap;
    memset(&f, 0, sizeof(f));
    f.rule = rule;
    f.severity = sev;
    f.frame = frame;
    if (c)
        copy_str(f.call_id, sizeof(f.call_id), c->call_id);
    va_start(ap, fmt);
    vsnprintf(f.text, sizeof(f.text), fmt, ap);
    va_end(ap);
    e->fn(&f, e->user);
}

/* The first SDP frame that offered a candidate of @side, 0 if none. */
static uint32_t
offer_frame(const call_t *c, int side)
{
    uint32_t f = 0;
    for (unsigned mi = 0; mi < c->n_media; mi++) {
        const GArray *a = c->media[mi]->cands[side];
        for (guint i = 0; i < a->len; i++) {
            const cand_t *x = &g_array_index(a, cand_t, i);
            if (!x->learnt && x->frame && (!f || x->frame < f))
                f = x->frame;
        }
    }
    return f;
}

static const mras_t *
mras_of_side(const icecall_model_t *m, const call_t *c, int side)
{
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, m->mras);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const mras_t *r = (const mras_t *)v;
        if (ip_eq(&r->client, &c->sip_ip[side]))
            return r;
        for (unsigned mi = 0; mi < c->n_media; mi++) {
            if (cand_belongs(c->media[mi]->cands[side], &r->client))
                return r;
        }
    }
    return NULL;
}

static void
candidate_rules(const icecall_model_t *m, const call_t *c, const emit_t *e)
{
    for (int s = 0; s < 2; s++) {
        uint32_t frame = offer_frame(c, s);
        if (!frame)
            continue;
        const char *who = s == 0 ? "caller (A)" : "callee (B)";
        bool typed = false, srflx = false, relay_udp = false, relay_tcp = false, private_edge = false;
        char priv[64] = "";
        for (unsigned mi = 0; mi < c->n_media; mi++) {
            const media_t *md = c->media[mi];
            for (guint i = 0; i < md->cands[s]->len; i++) {
                const cand_t *x = &g_array_index(md->cands[s], cand_t, i);
                if (x->learnt || !cand_in_use(md, x))
                    continue;
                if (x->type != ICECALL_CTYPE_UNKNOWN)
                    typed = true;
                if (x->type == ICECALL_CTYPE_SRFLX)
                    srflx = true;
                if (x->type == ICECALL_CTYPE_RELAY) {
                    if (x->tcp)
                        relay_tcp = true;
                    else
                        relay_udp = true;
                }
                if ((x->type == ICECALL_CTYPE_RELAY || x->type == ICECALL_CTYPE_SRFLX) && !private_edge &&
                    icecand_scope_is_private(icecand_ip_scope(x->addr.addr, x->addr.family == 6 ? 16 : 4))) {
                    private_edge = true;
                    snprintf(priv, sizeof(priv), "%s ", icecall_ctype_to_string(x->type));
                    addr_str(&x->addr, priv + strlen(priv), sizeof(priv) - strlen(priv));
                }
            }
        }
        if (!typed)
            continue; /* v6 candidates carry no type: nothing to judge */
        icecall_location_t loc = side_location(m, c, s);
        const mras_t *mr = mras_of_side(m, c, s);
        bool relay = relay_udp || relay_tcp;
        if (!relay && mr && mr->frame && !mr->ok)
            emit(e, ICECALL_RULE_NO_EDGE_CREDENTIALS, ICECALL_SEV_WARN, frame, c,
                 "The %s got no Edge credentials from MRAS (%s, frame %u): it offers no relay candidate",
                 who, mr->reason, mr->frame);
        else if (!relay && !mr && loc == ICECALL_LOC_INTERNET)
            emit(e, ICECALL_RULE_NO_EDGE_CREDENTIALS, ICECALL_SEV_WARN, frame, c,
                 "The %s is outside the network but no MRAS exchange was seen and it offers no relay "
                 "candidate: without Edge credentials it can only offer local addresses", who);
        if (!srflx && !relay) {
            bool inside = loc == ICECALL_LOC_INTRANET && side_location(m, c, !s) == ICECALL_LOC_INTRANET;
            emit(e, ICECALL_RULE_NO_EDGE_CANDIDATES, inside ? ICECALL_SEV_NOTE : ICECALL_SEV_WARN, frame, c,
                 "The %s offers neither a server-reflexive nor a relay candidate: it cannot reach the A/V Edge "
                 "(check that the Edge's internal interface is reachable from the client's network)%s",
                 who, inside ? "; fine for a call inside the network" : "");
        } else if (relay_udp && !relay_tcp) {
            emit(e, ICECALL_RULE_RELAY_UDP_ONLY, ICECALL_SEV_NOTE, frame, c,
                 "The %s offers relay candidates over UDP only: TCP to the Edge (443) is likely blocked", who);
        } else if (relay_tcp && !relay_udp) {
            emit(e, ICECALL_RULE_RELAY_TCP_ONLY, ICECALL_SEV_WARN, frame, c,
                 "The %s offers relay candidates over TCP only: UDP to the Edge (3478) is likely blocked by a "
                 "firewall; media will use a TCP relay", who);
        }
        if (private_edge && loc == ICECALL_LOC_INTERNET)
            emit(e, ICECALL_RULE_PRIVATE_EDGE_ADDRESS, ICECALL_SEV_WARN, frame, c,
                 "The %s is outside the network but offers the private address %s: the Edge's external address "
                 "in the topology is likely wrong (NAT in front of the Edge)", who, priv);
    }
}

static void
turn_rules(const icecall_model_t *m, const emit_t *e)
{
    for (guint i = 0; i < m->alloc_list->len; i++) {
        const alloc_t *a = (const alloc_t *)g_ptr_array_index(m->alloc_list, i);
        char edge[64], client[64];
        addr_str(&a->edge, edge, sizeof(edge));
        addr_str(&a->client, client, sizeof(client));
        char n[96];
        if (a->n_requests && a->pending && !a->success && !a->error_code && !a->n_401 && !a->n_rejected)
            emit(e, ICECALL_RULE_TURN_UNREACHABLE, ICECALL_SEV_WARN, a->first_frame, NULL,
                 "No answer from the Edge %s to %s over %s from %s: the Edge is unreachable "
                 "on this address, port or transport (firewall?)%s", edge, allocate_requests_text(a, n, sizeof(n)),
                 a->tcp ? "TCP" : "UDP", client,
                 a->tcp ? ", or it dropped the TCP connection (see the TCP stream)" : "");
        if (a->n_rejected && !a->success)
            emit(e, ICECALL_RULE_TURN_CREDENTIALS, ICECALL_SEV_WARN, a->last_rejected_frame, NULL,
                 "The Edge %s answered 401 again after the client sent its credentials: the credentials were "
                 "rejected (expired MRAS credentials, or Edge servers with different certificates)", edge);
        if (a->error_code && a->error_code != 401 &&
            (a->error_code == 437 || a->error_code == 438 || a->error_code == 486 || a->error_code >= 500)) {
            const char *meaning = msturn_error_meaning(a->error_code);
            emit(e, ICECALL_RULE_TURN_ERROR, ICECALL_SEV_WARN, a->error_frame, NULL,
                 "Allocation on the Edge %s failed with %u%s%s", edge, a->error_code, meaning ? ": " : "",
                 meaning ? meaning : "");
        }
    }
}

static void
path_rules(const icecall_model_t *m, const call_t *c, int64_t quiet_after_us, const emit_t *e)
{
    bool any_media = false;
    for (unsigned mi = 0; mi < c->n_media; mi++) {
        media_t *md = c->media[mi];
        unsigned checked = 0, ok = 0;
        int direct_ok = -1;
        for (guint i = 0; i < md->pairs->len; i++) {
            const pair_t *p = &g_array_index(md->pairs, pair_t, i);
            if (!p->n_requests)
                continue;
            checked++;
            if (p->result == ICECALL_RESULT_SUCCESS) {
                ok++;
                icecall_path_t pt = pair_path((call_t *)c, mi, p);
                if ((pt == ICECALL_PATH_HOST || pt == ICECALL_PATH_SRFLX) && direct_ok < 0)
                    direct_ok = (int)i;
            }
        }
        int fp = final_pair(md);
        if (fp >= 0)
            any_media = true;
        if (checked && !ok && fp < 0)
            emit(e, ICECALL_RULE_ALL_CHECKS_FAILED, ICECALL_SEV_WARN, md->last_check_frame, c,
                 "Every connectivity check of %s failed (%u pair%s): no media path", md->name, checked,
                 checked == 1 ? "" : "s");
        if (fp < 0)
            continue;
        const pair_t *p = &g_array_index(md->pairs, pair_t, fp);
        icecall_path_t pt = pair_path((call_t *)c, mi, p);
        char buf[192];
        if ((pt == ICECALL_PATH_RELAY_UDP || pt == ICECALL_PATH_RELAY_TCP) && direct_ok >= 0) {
            const pair_t *d = &g_array_index(md->pairs, pair_t, direct_ok);
            pair_text((call_t *)c, mi, d, buf, sizeof(buf));
            emit(e, ICECALL_RULE_RELAY_DESPITE_DIRECT, ICECALL_SEV_WARN, p->media_first_frame, c,
                 "%s media stays on %s although the direct pair %s succeeded (frame %u)", md->name,
                 path_short(pt), buf, d->success_frame);
        }
        if (pt == ICECALL_PATH_RELAY_TCP)
            emit(e, ICECALL_RULE_TCP_RELAY, ICECALL_SEV_WARN, p->media_first_frame, c,
                 "%s media runs over a TCP relay, the last resort: UDP to the Edge and every direct path failed "
                 "or were blocked", md->name);
    }
    if (!c->answer_frame || !any_media)
        return;
    if (!c->reinvite_frame && m->last_us - c->answer_us >= quiet_after_us)
        emit(e, ICECALL_RULE_NO_REINVITE, ICECALL_SEV_WARN, c->answer_frame, c,
             "No re-INVITE with a=remote-candidate(s) within %" G_GINT64_FORMAT " s of the 200 OK (the capture "
             "goes on %.1f s after it): ICE did not complete, the final path was never confirmed",
             quiet_after_us / 1000000, (double)(m->last_us - c->answer_us) / 1e6);
    else if (c->reinvite_frame && c->reinvite_us - c->answer_us > quiet_after_us)
        emit(e, ICECALL_RULE_NO_REINVITE, ICECALL_SEV_WARN, c->answer_frame, c,
             "The re-INVITE with a=remote-candidate(s) came %.1f s after the 200 OK (frame %u), not within %"
             G_GINT64_FORMAT " s: ICE took that long to complete (checks timing out?)",
             (double)(c->reinvite_us - c->answer_us) / 1e6, c->reinvite_frame, quiet_after_us / 1000000);
}

static void
diag_rules(const call_t *c, const emit_t *e)
{
    for (unsigned i = 0; i < c->n_diags; i++) {
        const diag_t *d = &c->diags[i];
        /* Client diagnostics only: an ms-diagnostics ErrorId 23 is another thing. */
        if (d->client && (d->code == 23 || d->code == 24 || (d->has_icewarn && d->icewarn)))
            emit(e, ICECALL_RULE_CLIENT_DIAGNOSTICS, ICECALL_SEV_WARN, d->frame, c,
                 "The %s reports a media problem: %u %s%s%s (ICEWarn 0x%x)", d->side == 0 ? "caller" : "callee",
                 d->code, d->reason, d->media[0] ? ", " : "", d->media, d->icewarn);
    }
}

void
icecall_findings(const icecall_model_t *m, int64_t quiet_after_us,
                 void (*fn)(const icecall_finding_t *f, void *user), void *user)
{
    emit_t e = { fn, user };
    turn_rules(m, &e);
    for (guint i = 0; i < m->call_list->len; i++) {
        const call_t *c = (const call_t *)g_ptr_array_index(m->call_list, i);
        candidate_rules(m, c, &e);
        path_rules(m, c, quiet_after_us, &e);
        diag_rules(c, &e);
    }
}

/* "relay UDP via 203.0.113.20:3480 (host and srflx checks failed)" */
static void
verdict_text(call_t *c, unsigned mi, char *buf, size_t size)
{
    media_t *md = c->media[mi];
    int fp = final_pair(md);
    bool failed[ICECALL_PATH_HOST + 1] = { false };
    bool ok[ICECALL_PATH_HOST + 1] = { false };
    unsigned n_checked = 0;
    for (guint i = 0; i < md->pairs->len; i++) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, i);
        if (!p->n_requests)
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
    char via[96] = "";
    const cand_t *x = cand_at(c, mi, 0, p->cand[0]);
    const cand_t *y = cand_at(c, mi, 1, p->cand[1]);
    char a1[64], a2[64];
    if (pt == ICECALL_PATH_RELAY_UDP || pt == ICECALL_PATH_RELAY_TCP) {
        const cand_t *rl = (x && x->type == ICECALL_CTYPE_RELAY) ? x : y;
        const cand_t *rl2 = (rl == x) ? y : x;
        if (rl2 && rl2->type == ICECALL_CTYPE_RELAY)
            snprintf(via, sizeof(via), " via %s and %s", addr_str(&rl->addr, a1, sizeof(a1)),
                     addr_str(&rl2->addr, a2, sizeof(a2)));
        else if (rl)
            snprintf(via, sizeof(via), " via %s", addr_str(&rl->addr, a1, sizeof(a1)));
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
    snprintf(buf, size, "final path: %s%s%s", path_short(pt), via, why);
}

static void
report_media(const icecall_model_t *m, call_t *c, unsigned mi, GString *o)
{
    media_t *md = c->media[mi];
    char buf[256], t[32];
    uint8_t v = media_version(md);
    if (v)
        g_string_append_printf(o, "  Media %s (ICE v%u)\n", md->name, v);
    else
        g_string_append_printf(o, "  Media %s (ICE version not known: no SDP)\n", md->name);
    for (int s = 0; s < 2; s++) {
        g_string_append_printf(o, "    %s candidates: ", s == 0 ? "A" : "B");
        count_cands(o, md, md->cands[s]);
        g_string_append(o, "\n");
    }
    /* TURN allocations backing either side. */
    unsigned na = 0;
    for (guint i = 0; i < m->alloc_list->len; i++) {
        const alloc_t *a = (const alloc_t *)g_ptr_array_index(m->alloc_list, i);
        for (int s = 0; s < 2; s++) {
            bool mine = (a->success && (cand_belongs(md->cands[s], &a->relayed) || cand_belongs(md->cands[s], &a->reflexive)));
            if (!mine && !a->success) {
                for (guint k = 0; k < md->cands[s]->len && !mine; k++) {
                    const cand_t *x = &g_array_index(md->cands[s], cand_t, k);
                    mine = x->type == ICECALL_CTYPE_HOST && ip_eq(&x->addr, &a->client);
                }
            }
            if (!mine)
                continue;
            if (!na++)
                g_string_append(o, "    TURN allocations:\n");
            g_string_append_printf(o, "      %s: ", s == 0 ? "A" : "B");
            alloc_text(a, o);
            g_string_append(o, "\n");
        }
    }
    /* Checked pairs. */
    unsigned np = 0;
    for (guint i = 0; i < md->pairs->len; i++) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, i);
        if (!p->n_requests)
            continue;
        if (!np++)
            g_string_append(o, "    Pairs checked:\n");
        pair_text(c, mi, p, buf, sizeof(buf));
        g_string_append_printf(o, "      %s: %s", buf, icecall_result_to_string(p->result));
        if (p->result == ICECALL_RESULT_SUCCESS)
            g_string_append_printf(o, " (frame %u)", p->success_frame);
        else if (p->result == ICECALL_RESULT_ERROR)
            g_string_append_printf(o, " %u (frame %u)", p->error_code, p->error_frame);
        else
            g_string_append_printf(o, " (%u request%s from frame %u)", p->n_requests, p->n_requests == 1 ? "" : "s",
                                   p->first_check_frame);
        if (p->nominated)
            g_string_append_printf(o, ", nominated (frame %u)", p->nominated_frame);
        g_string_append(o, "\n");
    }
    if (!np)
        g_string_append(o, "    Pairs checked: none seen\n");
    if (md->early_pair >= 0) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, md->early_pair);
        pair_text(c, mi, p, buf, sizeof(buf));
        g_string_append_printf(o, "    Early media: %s, %s, from %s (frame %u)\n", path_short(pair_path(c, mi, p)), buf,
                               time_str(md->early_us, 0, t, sizeof(t)), md->early_frame);
    } else {
        g_string_append(o, "    Early media: none seen\n");
    }
    for (unsigned i = 0; i < md->n_promos; i++) {
        const promo_t *pr = &md->promos[i];
        const pair_t *to = &g_array_index(md->pairs, pair_t, pr->to);
        icecall_path_t from_path = pr->from >= 0 ? pair_path(c, mi, &g_array_index(md->pairs, pair_t, pr->from))
                                                 : ICECALL_PATH_NONE;
        pair_text(c, mi, to, buf, sizeof(buf));
        g_string_append_printf(o, "    Promotion at %s (frame %u): %s -> %s, %s; %s\n",
                               time_str(pr->time_us, 0, t, sizeof(t)), pr->frame, path_short(from_path),
                               path_short(pair_path(c, mi, to)), buf, pr->reason);
    }
    if (md->promos_truncated)
        g_string_append(o, "    (more promotions not listed)\n");
    int fp = final_pair(md);
    if (fp >= 0) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, fp);
        pair_text(c, mi, p, buf, sizeof(buf));
        g_string_append_printf(o, "    Final path: %s, %s (%u packets, last frame %u)\n", path_short(pair_path(c, mi, p)),
                               buf, p->media_pkts, p->media_last_frame);
    } else {
        g_string_append(o, "    Final path: none (no media)\n");
    }
    for (int s = 0; s < 2; s++) {
        if (!md->remote_final_frame[s])
            continue;
        char a1[64], a2[64];
        g_string_append_printf(o, "    %s's %s (frame %u) selects: local %s, remote %s%s%s\n", s == 0 ? "A" : "B",
                               md->remote_final_msg[s], md->remote_final_frame[s], addr_str(&md->default_addr[s], a1, sizeof(a1)),
                               addr_str(&md->remote_final[s], a2, sizeof(a2)), md->remote_v6[s][0] ? " (v6 username " : "",
                               md->remote_v6[s][0] ? "resolved)" : "");
    }
    verdict_text(c, mi, buf, sizeof(buf));
    g_string_append_printf(o, "    Verdict: %s\n", buf);
}

static void
collect_finding(const icecall_finding_t *f, void *user)
{
    g_ptr_array_add((GPtrArray *)user, g_memdup2(f, sizeof(*f)));
}

static void
print_findings(GString *o, const GPtrArray *fs, const char *call_id, const char *indent)
{
    static const char *const sev[] = { "note", "warning", "error" };
    for (guint i = 0; i < fs->len; i++) {
        const icecall_finding_t *f = (const icecall_finding_t *)g_ptr_array_index(fs, i);
        if (strncmp(f->call_id, call_id, sizeof(f->call_id) - 1) != 0)
            continue;   /* f->call_id holds the first 127 characters of a long Call-ID */
        g_string_append_printf(o, "%s[%s, frame %u] %s\n", indent, sev[f->severity], f->frame, f->text);
    }
}

void
icecall_report(const icecall_model_t *m, GString *o, GHashTable *only)
{
    unsigned shown = 0;
    GPtrArray *fs = g_ptr_array_new_with_free_func(g_free);
    icecall_findings(m, 10 * G_USEC_PER_SEC, collect_finding, fs);
    g_string_append(o, "===================================================================\n");
    g_string_append(o, "MS ICE calls: which path the media took\n");
    g_string_append(o, "===================================================================\n");
    for (guint i = 0; i < m->call_list->len; i++) {
        call_t *c = (call_t *)g_ptr_array_index(m->call_list, i);
        if (only && !g_hash_table_contains(only, c->call_id))
            continue;
        shown++;
        char a[64], b[64];
        g_string_append_printf(o, "\nCall-ID: %s\n", c->call_id);
        if (c->from_sip) {
            g_string_append_printf(o, "  A (caller): %s%s%s%s\n", c->uri[0] ? c->uri[0] : "?",
                                   addr_set(&c->sip_ip[0]) ? " (SIP from " : "",
                                   addr_set(&c->sip_ip[0]) ? addr_str(&c->sip_ip[0], a, sizeof(a)) : "",
                                   addr_set(&c->sip_ip[0]) ? ")" : "");
            g_string_append_printf(o, "  B (callee): %s%s%s%s\n", c->uri[1] ? c->uri[1] : "?",
                                   addr_set(&c->sip_ip[1]) ? " (SIP from " : "",
                                   addr_set(&c->sip_ip[1]) ? addr_str(&c->sip_ip[1], b, sizeof(b)) : "",
                                   addr_set(&c->sip_ip[1]) ? ")" : "");
        } else {
            g_string_append(o, "  Missing: no SIP signalling for this ICE session in the capture (parties known "
                               "only by address)\n");
        }
        char scen[160];
        scenario_text(m, c, scen, sizeof(scen));
        g_string_append_printf(o, "  Scenario: %s\n", scen);
        for (int s = 0; s < 2; s++) {
            /* Placed by what the endpoint said in another dialog: say which. */
            const loc_stmt_t *st;
            if (c->location[s] != ICECALL_LOC_UNKNOWN || endpoint_location(m, c, s, &st) == ICECALL_LOC_UNKNOWN)
                continue;
            g_string_append_printf(o, "  Location of %s: %s (ms-endpoint-location-data of its %s, frame %u, from %s)\n",
                                   s == 0 ? "A" : "B", st->loc == ICECALL_LOC_INTRANET ? "inside" : "outside",
                                   st->what, st->frame, addr_str(&st->ip, a, sizeof(a)));
        }
        /* MRAS per party (by the host addresses it offered). */
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, m->mras);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            const mras_t *r = (const mras_t *)v;
            for (int s = 0; s < 2; s++) {
                bool mine = ip_eq(&r->client, &c->sip_ip[s]);
                for (unsigned mi = 0; mi < c->n_media && !mine; mi++)
                    mine = cand_belongs(c->media[mi]->cands[s], &r->client);
                if (!mine)
                    continue;
                if (r->frame)
                    g_string_append_printf(o, "  MRAS (%s, %s): %s%s (frame %u)\n", s == 0 ? "A" : "B",
                                           addr_str(&r->client, a, sizeof(a)), r->ok ? "credentials OK" : "failed: ",
                                           r->ok ? "" : r->reason, r->frame);
                else
                    g_string_append_printf(o, "  MRAS (%s, %s): request in frame %u, no response\n", s == 0 ? "A" : "B",
                                           addr_str(&r->client, a, sizeof(a)), r->request_frame);
            }
        }
        for (unsigned mi = 0; mi < c->n_media; mi++) {
            media_t *md = c->media[mi];
            if (!md->cands[0]->len && !md->cands[1]->len && !md->pairs->len)
                continue;
            report_media(m, c, mi, o);
            if (!md->cands[0]->len || !md->cands[1]->len)
                g_string_append_printf(o, "    Missing: %s's candidates (offer or answer not in the capture)\n",
                                       !md->cands[0]->len ? "A" : "B");
        }
        if (c->media_limit_hit)
            g_string_append(o, "  (more media lines than decoded)\n");
        GString *p = g_string_new("");
        print_findings(p, fs, c->call_id, "    ");
        if (p->len)
            g_string_append_printf(o, "  Problems:\n%s", p->str);
        g_string_free(p, TRUE);
    }
    if (!shown)
        g_string_append(o, "\nNo calls with ICE found.\n");
    GString *p = g_string_new("");
    print_findings(p, fs, "", "  ");
    if (p->len && !only)
        g_string_append_printf(o, "\nA/V Edge (TURN) problems, not tied to one call:\n%s", p->str);
    g_string_free(p, TRUE);
    g_ptr_array_free(fs, TRUE);
    g_string_append(o, "===================================================================\n");
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
        for (unsigned mi = 0; mi < c->n_media; mi++) {
            media_t *md = c->media[mi];
            if (!md->cands[0]->len && !md->cands[1]->len && !md->pairs->len)
                continue;
            icecall_row_t row;
            memset(&row, 0, sizeof(row));
            row.call_id = c->call_id;
            row.media = md->name;
            row.caller = c->uri[0] ? c->uri[0] : "";
            row.callee = c->uri[1] ? c->uri[1] : "";
            if (md->early_pair >= 0)
                snprintf(row.early_path, sizeof(row.early_path), "%s",
                         path_short(pair_path(c, mi, &g_array_index(md->pairs, pair_t, md->early_pair))));
            int fp = final_pair(md);
            if (fp >= 0)
                pair_text(c, mi, &g_array_index(md->pairs, pair_t, fp), row.final_path, sizeof(row.final_path));
            row.n_promotions = md->n_promos;
            for (guint k = 0; k < md->pairs->len; k++) {
                const pair_t *p = &g_array_index(md->pairs, pair_t, k);
                if (p->n_requests)
                    row.n_pairs_checked++;
                if (p->result == ICECALL_RESULT_SUCCESS)
                    row.n_pairs_ok++;
            }
            verdict_text(c, mi, row.verdict, sizeof(row.verdict));
            fn(&row, user);
        }
    }
}
