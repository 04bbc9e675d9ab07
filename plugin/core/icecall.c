/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icecall.c - the per-call ICE model. See icecall.h.
 *
 * Data layout (all owned by the model, freed by icecall_model_free()):
 *   calls (Call-ID -> call_t), in first-seen order in call_list
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
#include "msnet.h"
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
    /* Learnt candidates (what the packets say about them): */
    uint32_t        seen_frame;     /* first packet from or to it */
    uint8_t         tcptype;        /* direct ICE over TCP: ICECALL_TCP_SRC_ACTIVE = active, _DST_ACTIVE = passive */
    uint32_t        mux_frame;      /* sent a check with MS-MULTIPLEXED-TURN-SESSION-ID: a TURN relay */
    icecall_addr_t  base;           /* a relay reached on our relayed leg: the client socket of the allocation */
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
    uint32_t         first_rtp_frame[2];   /* first RTP on this pair, per direction (from side) */
    uint32_t         icmp_frame;    /* first ICMP error quoting one of its checks */
    unsigned         icmp_n;
    bool             icmp_v6;
    uint8_t          icmp_type, icmp_code;
    int              icmp_side;     /* the side whose address the error is about */
    unsigned         media_dir[2];  /* media packets per direction (from side) */
    icecall_addr_t   seen_as[2];    /* XOR-MAPPED-ADDRESS of a success response: how the peer saw side s's end */
    uint32_t         seen_frame[2];
    uint64_t         dscp_media[2]; /* DSCP values seen per direction (from side), one bit each */
    uint64_t         dscp_check[2];
    unsigned         n_responses_only;   /* responses whose request is not in the capture */
    uint32_t         response_only_frame;
} pair_t;

typedef struct {
    uint32_t frame;
    int64_t  time_us;
    int      from, to;              /* pair indexes; from -1: first media */
    char     reason[120];
} promo_t;

/* Media of one side that the other side (or a router) answers with ICMP
 * destination unreachable errors: one per rejected address and error. */
typedef struct {
    int            side;            /* the side the rejected address belongs to */
    icecall_addr_t addr;            /* the address that does not take the media */
    icecall_addr_t sender;          /* the media's source */
    icecall_addr_t reporter;        /* who sent the ICMP errors */
    bool           v6;
    uint8_t        type, code;
    unsigned       n;
    uint32_t       first_frame, last_frame;
} reject_t;

typedef struct {
    char           name[24];
    bool           name_known;      /* the SDP's m= line named the media */
    bool           from_sip;        /* of a SIP call (else an ICE session found by its checks) */
    uint8_t        side_version[2]; /* highest ICE version each side offered */
    GArray        *cands[2];        /* cand_t */
    char           ufrag[2][64];
    icecall_addr_t default_addr[2];
    icecall_addr_t remote_final[2]; /* component 1 of the last a=remote-candidates of each side */
    uint32_t       remote_final_frame[2];
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
    reject_t       rejects[ICECALL_MAX_REJECTS];
    unsigned       n_rejects;
    bool           rejects_truncated;
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

typedef struct {
    char          *call_id;
    bool           from_sip;
    bool           addr_keyed;        /* no SIP and no ICE user names: keyed by the requester's address */
    const icecall_model_t *model;     /* for what a session without SDP infers from the allocations */
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
    unsigned       n_requests;
    unsigned       n_401;           /* 401 to a request without credentials: the normal challenge */
    unsigned       n_rejected;      /* 401 to a request that carried MESSAGE-INTEGRITY */
    uint32_t       first_frame, last_request_frame, success_frame, error_frame;
    bool           pending;         /* last request not answered */
    bool           success;
    bool           released;
    uint16_t       error_code;
    uint32_t       last_rejected_frame;
    icecall_addr_t relayed, reflexive;
    struct {
        uint32_t       frame;       /* of the Set Active Destination request */
        icecall_addr_t peer;
    } dests[ICECALL_MAX_DESTINATIONS];  /* oldest first */
    unsigned       n_dests;
    icecall_addr_t only_peer;       /* the peer of its relayed packets while there is one */
    uint8_t        n_peers;         /* 0, 1, or 2 = more than one */
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
    GPtrArray  *call_list;    /* call_t*, first-seen order; owns the calls */
    GHashTable *by_addr;      /* akey_t* -> owner_t* (exact address) */
    GHashTable *by_ip;        /* akey_t* (port 0) -> owner_t* */
    GHashTable *by_ufrag;     /* char* -> owner_t* */
    GHashTable *allocs;       /* akey pair (client+edge) -> alloc_t* */
    GHashTable *allocs_by_relayed;  /* akey_t* -> alloc_t* */
    GHashTable *allocs_by_client;   /* akey_t* -> alloc_t* (the client socket; the latest success wins) */
    GHashTable *allocs_by_reflexive; /* akey_t* -> alloc_t* */
    GHashTable *allocs_by_session;  /* guint64* -> alloc_t* */
    GHashTable *alloc_tx;     /* 16-byte txid -> alloc_tx_t* */
    GHashTable *check_tx;     /* 16-byte txid -> check_tx_t* */
    GHashTable *unrouted_tx;  /* 16-byte txid: requests seen that no call took (their responses are not orphans) */
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

icecall_model_t *
icecall_model_new(void)
{
    icecall_model_t *m = g_new0(icecall_model_t, 1);
    m->calls = g_hash_table_new(g_str_hash, g_str_equal);
    m->call_list = g_ptr_array_new_with_free_func(call_free);
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
    g_free(m);
}

unsigned
icecall_n_calls(const icecall_model_t *m)
{
    return m->call_list->len;
}

static call_t *
call_get(icecall_model_t *m, const char *call_id, bool from_sip, uint32_t frame)
{
    call_t *c = (call_t *)g_hash_table_lookup(m->calls, call_id);
    if (c)
        return c;
    if (m->call_list->len >= ICECALL_MAX_CALLS)
        return NULL;
    c = g_new0(call_t, 1);
    c->call_id = g_strdup(call_id);
    c->from_sip = from_sip;
    c->model = m;
    c->first_frame = frame;
    g_hash_table_insert(m->calls, c->call_id, c);
    g_ptr_array_add(m->call_list, c);
    return c;
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
        md->from_sip = c->from_sip;
        snprintf(md->name, sizeof(md->name), "media %u", c->n_media + 1);
        c->media[c->n_media++] = md;
    }
    media_t *md = c->media[index];
    if (name && *name) {
        copy_str(md->name, sizeof(md->name), name);
        md->name_known = true;
    }
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

bool
icecall_add_sdp(icecall_model_t *m, const icecall_msg_t *msg, const icecall_media_in_t *media, unsigned n_media)
{
    touch(m, msg->time_us);
    if (!msg->call_id)
        return false;
    call_t *c = call_get(m, msg->call_id, true, msg->frame);
    if (!c)
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
        if (in->n_remote > 0) {
            md->remote_final[side] = in->remote[0];
            md->remote_final_frame[side] = msg->frame;
        }
        if (in->remote_v6) {
            copy_str(md->remote_v6[side], sizeof(md->remote_v6[side]), in->remote_v6);
            md->remote_final_frame[side] = msg->frame;
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

void
icecall_set_location(icecall_model_t *m, const icecall_msg_t *msg, icecall_location_t loc)
{
    touch(m, msg->time_us);
    if (!msg->call_id || loc == ICECALL_LOC_UNKNOWN)
        return;
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
    if (!g_hash_table_contains(m->allocs_by_client, &k.client))  /* bounded by the alloc_list cap */
        g_hash_table_insert(m->allocs_by_client, g_memdup2(&k.client, sizeof(k.client)), a);
    return a;
}

/* index_alloc: @t[@addr] = @a, unless the index is full (a new key past the cap). */
static void
index_alloc(GHashTable *t, const icecall_addr_t *addr, bool tcp, alloc_t *a)
{
    akey_t k;
    make_key(&k, addr, tcp, true);
    if (g_hash_table_size(t) < ICECALL_MAX_ALLOCATIONS || g_hash_table_contains(t, &k))
        g_hash_table_replace(t, g_memdup2(&k, sizeof(k)), a);
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
    if (reflexive && addr_set(reflexive)) {
        a->reflexive = *reflexive;
        index_alloc(m->allocs_by_reflexive, reflexive, a->tcp, a);
    }
    index_alloc(m->allocs_by_client, &a->client, a->tcp, a);
    if (mux_session) {
        a->mux_session = mux_session;
        if (g_hash_table_size(m->allocs_by_session) < ICECALL_MAX_ALLOCATIONS ||
            g_hash_table_contains(m->allocs_by_session, &mux_session))
            g_hash_table_replace(m->allocs_by_session, g_memdup2(&mux_session, sizeof(mux_session)), a);
    }
}

void
icecall_set_destination(icecall_model_t *m, uint32_t frame, const icecall_addr_t *client, const icecall_addr_t *edge,
                        const icecall_addr_t *peer)
{
    alloc_t *a = alloc_get(m, client, edge, false, false);
    if (!a)
        a = alloc_get(m, client, edge, true, false);
    if (!a || !peer || !addr_set(peer))
        return;
    touch(m, m->last_us);
    if (a->n_dests && addr_eq(&a->dests[a->n_dests - 1].peer, peer))
        return; /* the same destination again (a retransmission, or a refresh) */
    if (a->n_dests == ICECALL_MAX_DESTINATIONS) {
        /* Keep the newest: the oldest destination is forgotten. */
        memmove(&a->dests[0], &a->dests[1], sizeof(a->dests[0]) * (ICECALL_MAX_DESTINATIONS - 1));
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
        if (!a || !a->success)
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

typedef struct {
    icecall_ctype_t type;
    const alloc_t  *alloc;     /* the allocation that says so, if one does */
    char            why[128];  /* the evidence, for the report */
} cview_t;

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

static void
cand_view(const call_t *c, unsigned mi, int side, int idx, cview_t *v)
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
        snprintf(v->why, sizeof(v->why), "relayed address of the allocation of %s on %s (frame %u)",
                 addr_str(&al->client, a1, sizeof(a1)), addr_str(&al->edge, a2, sizeof(a2)), al->success_frame);
        return;
    }
    if (x->type == ICECALL_CTYPE_RELAY) {
        v->type = ICECALL_CTYPE_RELAY;
        snprintf(v->why, sizeof(v->why), "%s's relay: the far end of its relayed packets", who);
        return;
    }
    if (x->mux_frame) {
        v->type = ICECALL_CTYPE_RELAY;
        snprintf(v->why, sizeof(v->why), "%s's TURN relay: its check from there carried "
                 "MS-MULTIPLEXED-TURN-SESSION-ID (frame %u)%s", who, x->mux_frame,
                 msnet_is_transport_relay(x->addr.family, x->addr.addr, x->addr.port)
                     ? "; a Microsoft 365 transport relay" : "");
        return;
    }
    if (msnet_is_transport_relay(x->addr.family, x->addr.addr, x->addr.port)) {
        v->type = ICECALL_CTYPE_RELAY;
        snprintf(v->why, sizeof(v->why), "a Microsoft 365 transport relay (published Teams relay range and port)");
        return;
    }
    if ((al = alloc_by(m->allocs_by_client, &x->addr, x->tcp)) != NULL) {
        v->type = ICECALL_CTYPE_HOST;
        v->alloc = al;
        snprintf(v->why, sizeof(v->why), "%s's socket of the TURN allocation on %s (frame %u)%s", who,
                 addr_str(&al->edge, a1, sizeof(a1)), al->success ? al->success_frame : al->first_frame,
                 is_private(&x->addr) ? "; a private address" : "");
        return;
    }
    if ((al = alloc_by(m->allocs_by_reflexive, &x->addr, x->tcp)) != NULL && al->success) {
        v->type = ICECALL_CTYPE_SRFLX;
        v->alloc = al;
        snprintf(v->why, sizeof(v->why), "NAT mapping of %s (XOR-MAPPED-ADDRESS of the Allocate response, frame %u)",
                 addr_str(&al->client, a1, sizeof(a1)), al->success_frame);
        return;
    }
    if (is_private(&x->addr)) {
        v->type = ICECALL_CTYPE_HOST;
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
            snprintf(v->why, sizeof(v->why), "public, not a relay, and %s's host %s is private: %s's NAT mapping",
                     who, addr_str(&y->addr, a1, sizeof(a1)), who);
            return;
        }
    }
    v->type = ICECALL_CTYPE_UNKNOWN;
    snprintf(v->why, sizeof(v->why), "a public address: a host or a NAT mapping, nothing in the capture tells");
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
    cand_view(c, mi, 0, p->cand[0], &v[0]);
    cand_view(c, mi, 1, p->cand[1], &v[1]);
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
    cand_view(c, mi, 0, p->cand[0], &v[0]);
    cand_view(c, mi, 1, p->cand[1], &v[1]);
    session_end_text(c, mi, p, 0, v, e[0], sizeof(e[0]));
    session_end_text(c, mi, p, 1, v, e[1], sizeof(e[1]));
    bool tcp = (x && x->tcp) || (y && y->tcp) || p->relayed_tcp;
    if (tcp && x && y && x->tcptype && y->tcptype && !p->relayed_tcp)
        g_snprintf(buf, (gulong)size, "A %s <-> B %s (TCP, A %s, B %s)", e[0], e[1],
                   x->tcptype == ICECALL_TCP_SRC_ACTIVE ? "TCP-ACT" : "TCP-PASS",
                   y->tcptype == ICECALL_TCP_SRC_ACTIVE ? "TCP-ACT" : "TCP-PASS");
    else
        g_snprintf(buf, (gulong)size, "A %s <-> B %s (%s)", e[0], e[1], tcp ? "TCP" : "UDP");
}

static icecall_path_t
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
    if (!c->from_sip) {
        session_pair_text(c, mi, p, buf, size);
        return;
    }
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
    int ka = ca, kb = cb;
    /* Without SDP no candidate has a related address, and what its type is
     * may change as the capture tells more: there the pair is its two ends. */
    if (md->from_sip) {
        ka = cand_base(md, 0, ca, &nat);
        kb = cand_base(md, 1, cb, &nat);
    }
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
           icecall_ctype_t type, uint32_t frame)
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
    cd.seen_frame = frame;
    return cand_add(m, c, mi, side, &cd);
}

/* Registers @ufrag as side @side of the session @c (media line 0). */
static void
session_set_ufrag(icecall_model_t *m, call_t *c, int side, const char *ufrag)
{
    media_t *md = c->media[0];
    copy_str(md->ufrag[side], sizeof(md->ufrag[side]), ufrag);
    owner_t *o = g_new(owner_t, 1);
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
    if (!c)
        return NULL;
    media_t *md = media_get(c, 0, NULL);
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
    g_hash_table_remove(m->calls, c->call_id);
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
    bool     relayed_tcp;
} route_t;

/* The two ends of a packet in candidate terms: for relayed packets the
 * client's end is its relay candidate (the allocation's relayed address). */
typedef struct {
    icecall_addr_t src, dst;
    bool           tcp;        /* of the candidates (the relayed leg to the peer is UDP) */
    bool           relayed_tcp;
    bool           outbound;
    bool           relayed;
    alloc_t       *alloc;      /* relayed: the allocation, if known */
} ends_t;

static void
leg_ends(icecall_model_t *m, const icecall_leg_t *leg, uint32_t frame, ends_t *e)
{
    const icecall_addr_t *client = &leg->client, *edge = &leg->edge, *peer = &leg->peer;
    memset(e, 0, sizeof(*e));
    e->src = leg->src;
    e->dst = leg->dst;
    e->tcp = leg->tcp;
    e->outbound = leg->outbound;
    e->relayed = leg->relayed;
    if (!leg->relayed)
        return;
    uint64_t mux_session = leg->mux_session;
    alloc_t *alloc = mux_session ? (alloc_t *)g_hash_table_lookup(m->allocs_by_session, &mux_session) : NULL;
    if (alloc) {
        /* 0xFF10 frames carry no direction: the allocation's client tells. */
        e->outbound = addr_eq(&alloc->client, client);
    } else {
        alloc = alloc_get(m, client, edge, leg->tcp, false);
    }
    icecall_addr_t relay = alloc && addr_set(&alloc->relayed) ? alloc->relayed : *edge;
    if (!alloc || !addr_set(&alloc->relayed))
        relay.port = 0;
    /* The peer: the packet names it (Send, Data Indication), else the active
     * destination of that time (0xFF10 frames, TCP 0x03 frames, raw datagrams). When the Set Active Destination request is
     * not in the capture (one direction captured), an allocation that only
     * ever talked to one peer can only be talking to that one. */
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
        }
    }
    if (r->call)
        return r->media < r->call->n_media;

    /* 2. By candidate addresses. A relay candidate reached over TCP is
     * offered as TCP-ACT/TCP-PASS: on the relayed leg try both transports. */
    owner_t *so = owner_of(m, &e->src, e->tcp), *do_ = owner_of(m, &e->dst, e->tcp);
    if (e->relayed && !so)
        so = owner_of(m, &e->src, !e->tcp);
    if (e->relayed && !do_)
        do_ = owner_of(m, &e->dst, !e->tcp);
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
        if (x->learnt && x->tcp == tcp && addr_eq(&x->addr, a))
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
    owner_t *so = owner_of(m, &e->src, e->tcp), *do_ = owner_of(m, &e->dst, e->tcp);
    if (e->relayed && !so)
        so = owner_of(m, &e->src, !e->tcp);
    if (e->relayed && !do_)
        do_ = owner_of(m, &e->dst, !e->tcp);
    if (so && so->call == r->call && so->media == r->media && so->side == fs)
        r->cand[fs] = so->cand;
    if (do_ && do_->call == r->call && do_->media == r->media && do_->side == ts)
        r->cand[ts] = do_->cand;
    if (r->cand[fs] < 0 && addr_set(&e->src))
        r->cand[fs] = find_learnt(r->call->media[r->media], fs, &e->src, e->tcp);
    if (r->cand[ts] < 0 && addr_set(&e->dst))
        r->cand[ts] = find_learnt(r->call->media[r->media], ts, &e->dst, e->tcp);
    /* Without SDP nothing says what an address is, except our relay. */
    icecall_ctype_t other = r->call->from_sip ? ICECALL_CTYPE_PRFLX : ICECALL_CTYPE_UNKNOWN;
    if (!create)
        return r->cand[0] >= 0 && r->cand[1] >= 0;
    if (r->cand[fs] < 0 && addr_set(&e->src))
        r->cand[fs] = learn_cand(m, r->call, r->media, fs, &e->src, e->tcp,
                                 e->relayed && e->outbound ? ICECALL_CTYPE_RELAY : other, frame);
    if (r->cand[ts] < 0 && addr_set(&e->dst))
        r->cand[ts] = learn_cand(m, r->call, r->media, ts, &e->dst, e->tcp,
                                 e->relayed && !e->outbound ? ICECALL_CTYPE_RELAY : other, frame);
    if (r->cand[0] < 0 || r->cand[1] < 0)
        return false;
    cand_t *cs = cand_at(r->call, r->media, fs, r->cand[fs]);
    cand_t *ct = cand_at(r->call, r->media, ts, r->cand[ts]);
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
 * relayed packets the client's end is its relay candidate.
 */
static bool
route_packet(icecall_model_t *m, const icecall_leg_t *leg, const char *username, uint32_t frame, bool create,
             route_t *r)
{
    ends_t e;
    memset(r, 0, sizeof(*r));
    r->cand[0] = r->cand[1] = -1;
    leg_ends(m, leg, frame, &e);
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
 * socket for relayed packets): "ICE session at <address>".
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
        return route_packet(m, &c->leg, user, c->frame, create, r);
    }
    if (route_packet(m, &c->leg, NULL, c->frame, create, r))
        return true;
    ends_t e;
    memset(r, 0, sizeof(*r));
    r->cand[0] = r->cand[1] = -1;
    leg_ends(m, &c->leg, c->frame, &e);
    r->relayed_tcp = e.relayed_tcp;
    const icecall_addr_t *key = c->leg.relayed ? &c->leg.client : &e.dst;
    if (!addr_set(key) || !addr_set(&e.src) || !addr_set(&e.dst))
        return false;
    char id[128], a[64];
    snprintf(id, sizeof(id), "ICE session at %s (no SIP, no ICE user names)", addr_str(key, a, sizeof(a)));
    call_t *call = (call_t *)g_hash_table_lookup(m->calls, id);
    if (!call && create) {
        call = call_get(m, id, false, c->frame);
        if (call)
            call->addr_keyed = true;
    }
    if (!call || (!call->n_media && (!create || !media_get(call, 0, "media"))))
        return false;
    r->call = call;
    r->media = 0;
    r->from_side = 1;    /* the responder; side A is the requester whose socket names the session */
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
            uint16_t port = 0;
            if (addr_set(&x->base)) {
                port = x->base.port;               /* the socket behind our relay */
            } else if (x->tcptype != ICECALL_TCP_SRC_ACTIVE) {  /* an active TCP port is ephemeral */
                cview_t v;
                cand_view(c, mi, s, (int)i, &v);
                if (v.type == ICECALL_CTYPE_HOST)
                    port = x->addr.port;
            }
            const msnet_teams_class_t *cl = port ? msnet_teams_class_for_port(port) : NULL;
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
    for (uint8_t v = 0; v < 64; v++) {
        const msnet_teams_class_t *cl = (marks >> v) & 1u ? msnet_teams_class_for_dscp(v) : NULL;
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
static void
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
static void
session_refresh_name(call_t *c, unsigned mi)
{
    media_t *md = c->media[mi];
    if (c->from_sip)
        return;
    mkind_t k;
    session_media_kind(c, mi, &k);
    const msnet_teams_class_t *cl = k.port_cls ? k.port_cls : k.dscp_cls;
    if (cl)
        snprintf(md->name, sizeof(md->name), "%s (inferred)", cl->name);
    else
        snprintf(md->name, sizeof(md->name), "unknown");
}

static void
fill_frame(const route_t *r, int pair_idx, icecall_frame_t *out)
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
    bool response = (c->stun_type & MSTURN_CLASS_MASK) != MSTURN_CLASS_REQUEST;
    if (response) {
        check_tx_t *tx = (check_tx_t *)g_hash_table_lookup(m->check_tx, c->txid);
        int pi;
        bool orphan = false;
        if (tx) {
            memset(&r, 0, sizeof(r));
            r.call = tx->call;
            r.media = tx->media;
            r.from_side = !tx->from_side;
            pi = tx->pair;
        } else {
            /* Its request is not in the capture: still a check that worked.
             * (A request that is, but that no call took, leaves it alone.) */
            if (g_hash_table_contains(m->unrouted_tx, c->txid) || !route_response_only(m, c, true, &r))
                return;
            pi = pair_get(r.call->media[r.media], r.cand[0], r.cand[1], true);
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
            p->result = ICECALL_RESULT_SUCCESS;
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
            p->result = ICECALL_RESULT_ERROR;
            p->error_code = c->error_code;
            p->error_frame = c->frame;
        }
        fill_frame(&r, pi, out);
        return;
    }
    if (!route_packet(m, &c->leg, c->username, c->frame, true, &r)) {
        if (!g_hash_table_contains(m->unrouted_tx, c->txid) &&
            g_hash_table_size(m->unrouted_tx) < ICECALL_MAX_TRANSACTIONS)
            g_hash_table_add(m->unrouted_tx, g_memdup2(c->txid, 16));
        return;
    }
    media_t *md = r.call->media[r.media];
    int pi = pair_get(md, r.cand[0], r.cand[1], true);
    if (pi < 0)
        return;
    pair_t *p = &g_array_index(md->pairs, pair_t, pi);
    if (c->leg.relayed && c->leg.tcp)
        p->relayed_tcp = true;
    if (c->leg.has_dscp && c->leg.dscp < 64)
        p->dscp_check[r.from_side] |= UINT64_C(1) << c->leg.dscp;
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
    if (pk->leg.has_dscp && pk->leg.dscp < 64)
        p->dscp_media[r.from_side] |= UINT64_C(1) << pk->leg.dscp;
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

    fill_frame(&r, pi, out);
    if (out)
        out->is_media = true;
    if (pk->rtcp)
        return; /* RTCP (component 2) follows the RTP path: it does not define it */
    int dir = r.from_side;
    if (!p->first_rtp_frame[dir]) {
        p->first_rtp_frame[dir] = pk->frame;
        if (out)
            out->first_on_pair = true;
    }
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
        if (out)
            out->early = true;
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
    if (out) {
        out->promotion = true;
        out->from_path = pr->from >= 0 ? pair_path(r.call, r.media, &g_array_index(md->pairs, pair_t, pr->from))
                                       : ICECALL_PATH_NONE;
    }
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
static void
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
    if (!route_packet(m, &leg, NULL, u->frame, false, r))
        return false;
    media_t *md = r->call->media[r->media];
    *pi = pair_get(md, r->cand[0], r->cand[1], false);
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
    touch(m, u->time_us);
    if (out)
        memset(out, 0, sizeof(*out));
    if (!unreach_route(m, u, &r, &pi, &is_media))
        return;
    media_t *md = r.call->media[r.media];
    pair_t *p = &g_array_index(md->pairs, pair_t, pi);
    int side = !r.from_side;    /* the quoted datagram went from r.from_side to the other side */
    if (r.call->last_frame < u->frame)
        r.call->last_frame = u->frame;
    fill_frame(&r, pi, out);
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
        if (md->n_rejects >= ICECALL_MAX_REJECTS) {
            md->rejects_truncated = true;
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
    fill_frame(&r, pi, out);
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
    const call_t *c = call_id ? (const call_t *)g_hash_table_lookup(m->calls, call_id) : NULL;
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
    if ((c->stun_type & MSTURN_CLASS_MASK) != MSTURN_CLASS_REQUEST) {
        check_tx_t *tx = (check_tx_t *)g_hash_table_lookup(m->check_tx, c->txid);
        if (!tx) {
            if (!g_hash_table_contains(m->unrouted_tx, c->txid) && route_response_only(m, c, false, &r))
                fill_frame(&r, pair_get(r.call->media[r.media], r.cand[0], r.cand[1], false), out);
            return;
        }
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
    if (!out->valid)
        return;
    out->is_media = true;
    const pair_t *p = &g_array_index(md->pairs, pair_t, pi);
    if (!pk->rtcp) {
        out->first_on_pair = p->first_rtp_frame[r.from_side] == pk->frame;
        out->early = md->early_frame == pk->frame && md->early_pair == pi;
    }
    for (unsigned i = 0; i < md->n_promos; i++) {
        const promo_t *pr = &md->promos[i];
        if (pr->frame == pk->frame && pr->to == pi) {
            out->promotion = true;
            out->from_path = pr->from >= 0 ? pair_path(r.call, r.media, &g_array_index(md->pairs, pair_t, pr->from))
                                           : ICECALL_PATH_NONE;
        }
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
        g_string_append_printf(o, "no response to %u request%s (first frame %u)", a->n_requests,
                               a->n_requests == 1 ? "" : "s", a->first_frame);
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

/* Where each side is: ms-endpoint-location-data, else its MRAS request. */
static icecall_location_t
side_location(const icecall_model_t *m, const call_t *c, int side)
{
    if (c->location[side] != ICECALL_LOC_UNKNOWN)
        return c->location[side];
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

/*
 * Media that runs over TCP by design: application sharing and file transfer
 * ("Both require TCP"; MS-SDPEXT m=applicationsharing, m=data). For them a
 * TCP relay is the expected path, not the last resort.
 */
static bool
media_tcp_by_design(const media_t *md)
{
    static const char *const names[] = { "applicationsharing", "data", "x-data" };
    if (!md->name_known)
        return false;
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (g_ascii_strcasecmp(md->name, names[i]) == 0)
            return true;
    }
    return false;
}

/* The first SDP frame that offered a candidate of @side on media line @md, 0 if none. */
static uint32_t
media_offer_frame(const media_t *md, int side)
{
    uint32_t f = 0;
    for (guint i = 0; i < md->cands[side]->len; i++) {
        const cand_t *x = &g_array_index(md->cands[side], cand_t, i);
        if (!x->learnt && x->frame && (!f || x->frame < f))
            f = x->frame;
    }
    return f;
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
        bool relay_tcp_media = false;   /* a TCP relay on a line that is not TCP by design */
        bool line_udp[ICECALL_MAX_MEDIA] = { false }, line_tcp[ICECALL_MAX_MEDIA] = { false };
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
                    if (x->tcp) {
                        relay_tcp = true;
                        line_tcp[mi] = true;
                        relay_tcp_media = relay_tcp_media || !media_tcp_by_design(md);
                    } else {
                        relay_udp = true;
                        line_udp[mi] = true;
                    }
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
        } else if (relay_tcp_media && !relay_udp) {
            emit(e, ICECALL_RULE_RELAY_TCP_ONLY, ICECALL_SEV_WARN, frame, c,
                 "The %s offers relay candidates over TCP only: UDP to the Edge (3478) is likely blocked by a "
                 "firewall; media will use a TCP relay", who);
        }
        /* Per media line: UDP to the Edge works for this client (another
         * line got a UDP relay), yet this line offers TCP relays only. Not
         * for application sharing and file transfer, which use TCP anyway. */
        for (unsigned mi = 0; relay_udp && mi < c->n_media; mi++) {
            const media_t *md = c->media[mi];
            if (!line_tcp[mi] || line_udp[mi] || media_tcp_by_design(md))
                continue;
            const char *with_udp = "";
            for (unsigned k = 0; k < c->n_media && !*with_udp; k++) {
                if (line_udp[k])
                    with_udp = c->media[k]->name;
            }
            emit(e, ICECALL_RULE_RELAY_TCP_ONLY, ICECALL_SEV_WARN, media_offer_frame(md, s), c,
                 "The %s offers relay candidates over TCP only for %s, although its %s has UDP relays: the UDP "
                 "allocation for this media line failed or was not made; %s media will use a TCP relay",
                 who, md->name, with_udp, md->name);
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
        if (a->n_requests && a->pending && !a->success && !a->error_code && !a->n_401 && !a->n_rejected)
            emit(e, ICECALL_RULE_TURN_UNREACHABLE, ICECALL_SEV_WARN, a->first_frame, NULL,
                 "No answer from the Edge %s to %u Allocate request%s over %s from %s: the Edge is unreachable "
                 "on this address, port or transport (firewall?)%s", edge, a->n_requests,
                 a->n_requests == 1 ? "" : "s", a->tcp ? "TCP" : "UDP", client,
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
            if (!p->n_requests && !p->n_responses_only)
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
        if (pt == ICECALL_PATH_RELAY_TCP && !media_tcp_by_design(md))
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

/* ICMP errors answering media: the other side (or the network) refuses it. */
static void
reject_rules(const call_t *c, const emit_t *e)
{
    for (unsigned mi = 0; mi < c->n_media; mi++) {
        const media_t *md = c->media[mi];
        for (unsigned i = 0; i < md->n_rejects; i++) {
            char buf[320];
            reject_text(md, &md->rejects[i], true, buf, sizeof(buf));
            emit(e, ICECALL_RULE_MEDIA_REJECTED, ICECALL_SEV_WARN, md->rejects[i].first_frame, c, "%s", buf);
        }
    }
}

void
icecall_findings(const icecall_model_t *m, int64_t quiet_after_us,
                 void (*fn)(const icecall_finding_t *f, void *user), void *user)
{
    emit_t e = { fn, user };
    turn_rules(m, &e);
    for (guint i = 0; i < m->call_list->len; i++) {
        call_t *c = (call_t *)g_ptr_array_index(m->call_list, i);
        for (unsigned mi = 0; mi < c->n_media && !c->from_sip; mi++)
            session_refresh_name(c, mi);   /* the findings name the media line */
        candidate_rules(m, c, &e);
        path_rules(m, c, quiet_after_us, &e);
        diag_rules(c, &e);
        reject_rules(c, &e);
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
        if (!p->n_requests && !p->n_responses_only)
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
    snprintf(buf, size, "final path: %s%s%s%s", path_short(pt), via, why,
             pt == ICECALL_PATH_RELAY_TCP && media_tcp_by_design(md) ? " (TCP by design)" : "");
}

/* ---- report: sessions without SDP ------------------------------------------------ */

/* "1 host (1 UDP), 1 srflx (1 UDP), 1 relay (1 UDP)" by what the packets say. */
static void
session_count_cands(GString *o, const call_t *c, unsigned mi, int side)
{
    static const icecall_ctype_t order[] = { ICECALL_CTYPE_HOST, ICECALL_CTYPE_SRFLX, ICECALL_CTYPE_PRFLX,
                                             ICECALL_CTYPE_RELAY, ICECALL_CTYPE_UNKNOWN };
    const GArray *a = c->media[mi]->cands[side];
    bool any = false;
    for (unsigned t = 0; t < G_N_ELEMENTS(order); t++) {
        unsigned udp = 0, tcp = 0;
        for (guint i = 0; i < a->len; i++) {
            const cand_t *x = &g_array_index(a, cand_t, i);
            cview_t v;
            cand_view(c, mi, side, (int)i, &v);
            if (v.type != order[t])
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

/* One line per address of a side: its type and the packets that say so. */
static void
session_cand_lines(GString *o, const call_t *c, unsigned mi, int side)
{
    const GArray *a = c->media[mi]->cands[side];
    for (guint i = 0; i < a->len; i++) {
        const cand_t *x = &g_array_index(a, cand_t, i);
        cview_t v;
        char s1[64], s2[64];
        cand_view(c, mi, side, (int)i, &v);
        g_string_append_printf(o, "      %s %s%s: %s", icecall_ctype_to_string(v.type), addr_str(&x->addr, s1, sizeof(s1)),
                               !x->tcp ? "" : x->tcptype == ICECALL_TCP_SRC_ACTIVE ? " TCP-ACT (opened the connection)"
                               : x->tcptype == ICECALL_TCP_DST_ACTIVE ? " TCP-PASS (accepted the connection)" : " TCP",
                               v.why);
        if (v.type == ICECALL_CTYPE_HOST && v.alloc && v.alloc->success && addr_set(&v.alloc->reflexive) &&
            !addr_eq(&v.alloc->reflexive, &x->addr))
            g_string_append_printf(o, "; leaves through its NAT as srflx %s (the Edge's view, frame %u)",
                                   addr_str(&v.alloc->reflexive, s2, sizeof(s2)), v.alloc->success_frame);
        g_string_append(o, "\n");
    }
}

/* Is allocation @a one of side @s's in this session: made from a socket the
 * session's checks or media use (a host, or the socket behind a relay)? */
static bool
session_alloc_mine(const call_t *c, unsigned mi, int s, const alloc_t *a)
{
    const GArray *cs = c->media[mi]->cands[s];
    for (guint i = 0; i < cs->len; i++) {
        const cand_t *x = &g_array_index(cs, cand_t, i);
        if (addr_set(&x->base) && addr_eq(&x->base, &a->client))
            return true;
        if (x->tcp == a->tcp && addr_eq(&x->addr, &a->client))
            return true;
    }
    return false;
}

/* The allocations of a session without SDP, and the relays the capture
 * shows without their allocation (the far side's, usually). */
static unsigned
session_allocations(const icecall_model_t *m, const call_t *c, unsigned mi, GString *o, GHashTable *listed)
{
    unsigned na = 0;
    for (guint i = 0; i < m->alloc_list->len; i++) {
        const alloc_t *a = (const alloc_t *)g_ptr_array_index(m->alloc_list, i);
        for (int s = 0; s < 2; s++) {
            if (!session_alloc_mine(c, mi, s, a))
                continue;
            if (!na++)
                g_string_append(o, "    TURN allocations:\n");
            g_string_append_printf(o, "      %s: ", s == 0 ? "A" : "B");
            alloc_text(a, o);
            g_string_append(o, "\n");
            if (listed)
                g_hash_table_add(listed, (gpointer)a);
        }
    }
    for (int s = 0; s < 2; s++) {
        const GArray *cs = c->media[mi]->cands[s];
        for (guint i = 0; i < cs->len; i++) {
            const cand_t *x = &g_array_index(cs, cand_t, i);
            cview_t v;
            char a1[64];
            cand_view(c, mi, s, (int)i, &v);
            if (v.type != ICECALL_CTYPE_RELAY || v.alloc)
                continue;
            if (!na++)
                g_string_append(o, "    TURN allocations:\n");
            g_string_append_printf(o, "      %s: relay %s, allocation not in the capture, first seen in frame %u: %s\n",
                                   s == 0 ? "A" : "B", addr_str(&x->addr, a1, sizeof(a1)), x->seen_frame, v.why);
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
report_media(const icecall_model_t *m, call_t *c, unsigned mi, GString *o, GHashTable *listed)
{
    media_t *md = c->media[mi];
    char buf[256], t[32];
    uint8_t v = media_version(md);
    if (!c->from_sip) {
        session_refresh_name(c, mi);
        session_media_text(c, mi, buf, sizeof(buf));
        g_string_append_printf(o, "  Media %s; ICE version not known: no SDP\n", buf);
    } else if (v) {
        g_string_append_printf(o, "  Media %s (ICE v%u)\n", md->name, v);
    } else {
        g_string_append_printf(o, "  Media %s (ICE version not known: no SDP)\n", md->name);
    }
    for (int s = 0; s < 2; s++) {
        g_string_append_printf(o, "    %s candidates: ", s == 0 ? "A" : "B");
        if (c->from_sip) {
            count_cands(o, md, md->cands[s]);
            g_string_append(o, "\n");
        } else {
            session_count_cands(o, c, mi, s);
            g_string_append(o, "\n");
            session_cand_lines(o, c, mi, s);
        }
    }
    /* TURN allocations backing either side. */
    unsigned na = c->from_sip ? 0 : session_allocations(m, c, mi, o, listed);
    for (guint i = 0; i < m->alloc_list->len && c->from_sip; i++) {
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
    unsigned n_req = 0, n_orphan = 0;
    for (guint i = 0; i < md->pairs->len; i++) {
        const pair_t *p = &g_array_index(md->pairs, pair_t, i);
        n_req += p->n_requests;
        n_orphan += p->n_responses_only;
        if (!p->n_requests && !p->n_responses_only)
            continue;
        if (!np++)
            g_string_append(o, "    Pairs checked:\n");
        pair_text(c, mi, p, buf, sizeof(buf));
        g_string_append_printf(o, "      %s: %s", buf, icecall_result_to_string(p->result));
        if (p->result == ICECALL_RESULT_SUCCESS && p->n_responses_only && p->response_only_frame == p->success_frame)
            g_string_append_printf(o, " (frame %u; its request is not in the capture)", p->success_frame);
        else if (p->result == ICECALL_RESULT_SUCCESS)
            g_string_append_printf(o, " (frame %u)", p->success_frame);
        else if (p->result == ICECALL_RESULT_ERROR)
            g_string_append_printf(o, " %u (frame %u)", p->error_code, p->error_frame);
        else
            g_string_append_printf(o, " (%u request%s from frame %u)", p->n_requests, p->n_requests == 1 ? "" : "s",
                                   p->first_check_frame);
        if (p->nominated)
            g_string_append_printf(o, ", nominated (frame %u)", p->nominated_frame);
        if (p->icmp_n)
            g_string_append_printf(o, "; %u %s error%s from %s's side (first frame %u)", p->icmp_n,
                                   icecall_unreach_text(p->icmp_v6, p->icmp_type, p->icmp_code),
                                   p->icmp_n == 1 ? "" : "s", p->icmp_side == 0 ? "A" : "B", p->icmp_frame);
        g_string_append(o, "\n");
    }
    if (!np)
        g_string_append(o, "    Pairs checked: none seen\n");
    if (n_orphan && !n_req)
        g_string_append(o, "    Missing: the check requests (only responses to them in the capture: a capture of one "
                           "direction, or the requests left by another interface)\n");
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
        /* QoS marks as captured: a capture at the client shows whether it marks its media. */
        char d0[96], d1[96];
        dscp_text(p->dscp_media[0], d0, sizeof(d0));
        dscp_text(p->dscp_media[1], d1, sizeof(d1));
        if (p->dscp_media[0] || p->dscp_media[1])
            g_string_append_printf(o, "    DSCP on the final path: A -> B %s; B -> A %s\n",
                                   p->media_dir[0] ? (d0[0] ? d0 : "not known") : "no media seen",
                                   p->media_dir[1] ? (d1[0] ? d1 : "not known") : "no media seen");
        if (!c->from_sip && (!p->media_dir[0] || !p->media_dir[1]))
            g_string_append_printf(o, "    Missing: media %s on the final path (one-way media, or a capture of one "
                                   "direction)\n", p->media_dir[0] ? "from B to A" : "from A to B");
    } else {
        g_string_append(o, "    Final path: none (no media)\n");
    }
    for (unsigned i = 0; i < md->n_rejects; i++) {
        reject_text(md, &md->rejects[i], true, buf, sizeof(buf));
        g_string_append_printf(o, "    Rejected: %s (last frame %u); these errors are not media\n", buf,
                               md->rejects[i].last_frame);
    }
    if (md->rejects_truncated)
        g_string_append(o, "    (more rejected streams not listed)\n");
    if (media_tcp_by_design(md))
        g_string_append_printf(o, "    Transport: %s runs over TCP by design: TCP candidates and a TCP relay are "
                                  "expected here, not the last resort\n", md->name);
    for (int s = 0; s < 2; s++) {
        if (!md->remote_final_frame[s])
            continue;
        char a1[64], a2[64];
        g_string_append_printf(o, "    %s's re-INVITE (frame %u) selects: local %s, remote %s%s%s\n", s == 0 ? "A" : "B",
                               md->remote_final_frame[s], addr_str(&md->default_addr[s], a1, sizeof(a1)),
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
    GHashTable *listed = g_hash_table_new(g_direct_hash, g_direct_equal);   /* allocations shown under a session */
    GHashTable *hosts = g_hash_table_new_full(akey_hash, akey_equal, g_free, NULL);   /* their clients' IPs */
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
            if (c->addr_keyed)
                g_string_append(o, "  Missing: ICE user names (no check request seen): the session is named after "
                                   "its requester's socket\n");
        }
        char scen[160];
        scenario_text(m, c, scen, sizeof(scen));
        g_string_append_printf(o, "  Scenario: %s\n", scen);
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
            report_media(m, c, mi, o, listed);
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
            g_string_append(o, "\nTURN allocations that no ICE session's checks or media use:\n");
        g_string_append(o, "  ");
        alloc_text(a, o);
        g_string_append(o, "\n");
    }
    g_hash_table_destroy(listed);
    g_hash_table_destroy(hosts);
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
    call_t *only = call_id ? (call_t *)g_hash_table_lookup(m->calls, call_id) : NULL;
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
            session_refresh_name(c, mi);
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
                if (p->n_requests || p->n_responses_only)
                    row.n_pairs_checked++;
                if (p->result == ICECALL_RESULT_SUCCESS)
                    row.n_pairs_ok++;
            }
            verdict_text(c, mi, row.verdict, sizeof(row.verdict));
            fn(&row, user);
        }
    }
}
