/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icecall-int.h - private to the call model's own files; the rest of the
 * plugin uses icecall.h only.
 *
 *   icecall.c         the model: feeders, routing of packets to calls and
 *                     pairs, candidates learnt, lookups
 *   icecall-rules.c   the troubleshooting rules (icecall_findings())
 *   icecall-report.c  the report walk (icecall_report_walk()), its text and
 *                     the table rows; icejson.c writes the JSON from its events
 *
 * The structures below are the model's state; only icecall.c's functions
 * change them (the rules and the report read them, and call
 * session_refresh_name() to name a session's media line by what is known).
 */
#ifndef MSICE_ICECALL_INT_H
#define MSICE_ICECALL_INT_H

#include "icecall.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* ---- types ---------------------------------------------------------------- */

typedef struct alloc alloc_t;
typedef struct call call_t;

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
    uint8_t         fork;           /* side B: the early dialog (To-tag) that offered it; side A: 0 */
    bool            merged;         /* the same candidate as cands[into], known so later: not shown */
    int             into;
    alloc_t        *alloc;          /* a relay seen in use before its relayed address was known: the
                                     * allocation it goes through (address not set); NULL otherwise */
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
    icecall_result_t result;        /* changed only by pair_set_result(), which records: */
    uint32_t         result_frame;  /* the frame that set it (for a merged pair: its other name's) */
    const char      *result_why;    /* and why (a static string); NULL while never checked */
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
    bool             merged;        /* the same pair as pairs[into] (an end became known later) */
    int              into;
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

/* Media on a new pair in one direction (from side @dir): the raw timeline
 * that early media and promotions are read from. */
typedef struct {
    uint32_t frame;
    int64_t  time_us;
    int      pair;
    uint8_t  dir;
} switch_t;

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
    uint32_t       remote_final_frame[2];   /* first frame of the message that said it */
    char           remote_final_msg[2][24]; /* that message: "re-INVITE", "200 OK", ... */
    uint32_t       remote_final_cseq[2];    /* its CSeq (0: unknown), to know a second copy */
    char           remote_v6[2][64];
    GArray        *pairs;           /* pair_t */
    /* Per early dialog (fork) and direction (from side): the pair carrying
     * media, the one it left last and when. Each fork has its own media
     * timeline: media that moves to another fork is not a promotion. */
    int            current[ICECALL_MAX_FORKS][2];
    int            previous[ICECALL_MAX_FORKS][2];
    int64_t        switched_us[ICECALL_MAX_FORKS][2];
    /* Changed only by media_path_set(), which also records the frame of
     * the change and why (a static string; NULL: no media yet). */
    uint32_t       switched_frame[ICECALL_MAX_FORKS][2];
    const char    *switched_why[ICECALL_MAX_FORKS][2];
    GArray        *switches;        /* switch_t in frame order, NULL until media; at most ICECALL_MAX_SWITCHES */
    call_t        *merged_from;     /* the last ICE session without SIP merged into this line */
    bool           switches_truncated;
    uint32_t       last_check_frame;
    reject_t       rejects[ICECALL_MAX_REJECTS];
    unsigned       n_rejects;
    bool           rejects_truncated;
    bool           cands_limit_hit[2];  /* a candidate of that side was refused */
    bool           pairs_limit_hit;
    /* Per fork, as the packets come: media seen, the promotions so far and
     * the pair of the last one (timeline() makes the report's; these only
     * tell when the promotion cap refuses one). */
    bool           had_media[ICECALL_MAX_FORKS];
    unsigned       n_moves[ICECALL_MAX_FORKS];
    int            last_move_to[ICECALL_MAX_FORKS];
} media_t;

/* The early media, promotions and path of one fork of a media line, read
 * from its switches (promo_t.from -1: no earlier path). */
typedef struct {
    int      early;                 /* pair, -1: no media */
    uint32_t early_frame;
    int64_t  early_us;
    promo_t  promos[ICECALL_MAX_PROMOTIONS];
    unsigned n_promos;
    bool     truncated;
} timeline_t;

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

/* One early dialog of the callee (RFC 3261 12.1: a To-tag). A forked INVITE
 * has several, one per endpoint that answered with a provisional response;
 * the one that sends the 2xx is the call's B. */
typedef struct {
    char               tag[64];     /* "": not known (a message without To-tag) */
    icecall_addr_t     sip_ip;      /* source of its first SIP message seen */
    icecall_location_t location;    /* its ms-endpoint-location-data */
    uint32_t           location_frame;
    uint32_t           first_frame;
} fork_t;

struct call {
    char          *call_id;
    bool           from_sip;
    bool           is_call;           /* an A/V call (else a dialog heard of: REGISTER, SUBSCRIBE, ...) */
    bool           addr_keyed;        /* no SIP and no ICE user names: keyed by the requester's address */
    const icecall_model_t *model;     /* for what a session without SDP infers from the allocations */
    icecall_location_t location[2];   /* side B: of the fork that spoke first (see forks) */
    uint32_t       location_frame[2];
    fork_t         forks[ICECALL_MAX_FORKS];
    unsigned       n_forks;
    int            answered;          /* fork that sent the 2xx with SDP; -1: none seen */
    bool           forks_truncated;
    uint32_t       sdp_frame;         /* first SDP of the call */
    char           sdp_what[24];      /* and what carried it ("INVITE", "200 OK", ...) */
    /* An ICE session without SIP found to be (part of) this call's media
     * line once its SDP came: its model moved there; what still names it
     * (check transactions) follows these. */
    call_t        *merged_into;
    unsigned       merged_media;
    bool           merged_swap;       /* its side 0 is the call's side B */
    int           *merged_pairs;      /* its pair index -> the call's */
    unsigned       n_merged_pairs;
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
    bool           diags_limit_hit;
};

/* Where a relay placeholder (cand_t.alloc) of an allocation sits. */
typedef struct {
    call_t  *call;
    unsigned media;
    int      side;
    int      cand;
} alloc_user_t;

typedef enum {
    RELAYED_FROM_NONE = 0,
    RELAYED_FROM_RESPONSE,            /* an Allocate response (first or refresh) */
    RELAYED_FROM_RELEASE,             /* the response to the release (LIFETIME 0) */
    RELAYED_FROM_SDP,                 /* a relay candidate whose raddr is this allocation's client */
} relayed_from_t;

struct alloc {
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
    icecall_addr_t relayed, reflexive;
    struct {
        uint32_t       frame;       /* of the Set Active Destination request */
        icecall_addr_t peer;
    } dests[ICECALL_MAX_DESTINATIONS];  /* oldest first */
    unsigned       n_dests;
    icecall_addr_t only_peer;       /* the peer of its relayed packets while there is one */
    uint8_t        n_peers;         /* 0, 1, or 2 = more than one */
    uint64_t       mux_session;
    relayed_from_t relayed_from;      /* what told the relayed address */
    uint32_t       relayed_frame;
    alloc_user_t   users[ICECALL_MAX_ALLOC_USERS]; /* relay placeholders waiting for the relayed address */
    unsigned       n_users;
};

/*
 * A media flow that no call claimed when its packets came (a capture that
 * starts mid-call: media before any SDP or check names its ends). Kept,
 * bounded, until a candidate or an allocation makes it routable; then its
 * packets count for that pair from the first one.
 */
typedef struct {
    icecall_leg_t leg;              /* of its first packet */
    bool          rtcp;
    uint32_t      first_frame, last_frame;
    int64_t       first_us, last_us;
    unsigned      pkts;
    uint64_t      dscp;             /* DSCP values seen, one bit each */
    bool          claimed;
} orphan_t;

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
    uint8_t  fork;                  /* side B: its early dialog */
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

/* Open-addressing set of 64-bit keys (0 marks a free slot), to count the
 * distinct items a cap refused without keeping them. */
typedef struct {
    uint64_t *slot;
    size_t    size;   /* 0 or a power of two; load kept at most 1/2 */
    size_t    n;
} keyset_t;
/* Hash key of an orphan flow: its two ends (relayed: the TURN 5-tuple and the peer). */
typedef struct {
    akey_t  a, b, c;
    uint8_t relayed, outbound;
} okey_t;

struct icecall_model {
    GHashTable *calls;        /* char* call_id -> call_t* */
    GPtrArray  *call_list;    /* call_t* of the calls, in the order they became calls */
    unsigned    n_dialogs;    /* entries of calls that are not calls */
    unsigned    n_merged;     /* calls of call_list merged into another call */
    GHashTable *endpoints;    /* char* lower-case SIP URI -> endpoint_t* */
    GHashTable *by_addr;      /* akey_t* -> owner_t* (exact address) */
    GHashTable *by_ip;        /* akey_t* (port 0) -> owner_t* */
    GHashTable *by_ufrag;     /* char* -> owner_t* */
    GHashTable *allocs;       /* akey pair (client+edge) -> alloc_t* */
    GHashTable *allocs_by_relayed;  /* akey_t* -> alloc_t* */
    GHashTable *allocs_by_client;   /* akey_t* (with transport) -> alloc_t* of the client socket (latest success) */
    GHashTable *allocs_by_reflexive; /* akey_t* (with transport) -> alloc_t* */
    GHashTable *allocs_by_session;  /* guint64* -> alloc_t* */
    GHashTable *alloc_tx;     /* 16-byte txid -> alloc_tx_t* */
    GHashTable *check_tx;     /* 16-byte txid -> check_tx_t* */
    GHashTable *unrouted_tx;  /* 16-byte txid: requests seen that no call took (their responses are not orphans) */
    GHashTable *mras;         /* akey_t* (client IP) -> mras_t* */
    GPtrArray  *alloc_list;   /* alloc_t*, owns them */
    GHashTable *orphans;      /* okey_t* -> orphan_t* (owns), at most ICECALL_MAX_ORPHANS */
    GHashTable *orphans_by_addr; /* akey_t* -> GPtrArray of orphan_t* (its ends' addresses) */
    GArray     *retry;        /* akey_t: addresses that became known during this event */
    uint64_t    generation;   /* bumped by every event */
    int64_t     last_us;      /* latest event time */
    icecall_limit_info_t limit[ICECALL_LIMIT_COUNT];  /* .cap is the cap in force */
    keyset_t    refused;      /* hashes of refused items, all caps */
    bool        any_limit;        /* a cap was reached */
    uint32_t    last_limit_frame; /* then: the latest frame where a cap was first reached */
};

/* The parties of a call: the caller, and each fork of the callee (B first). */
typedef struct {
    int side;
    int fork;
} party_t;

/* What the packets say a candidate of a session without SDP is (cand_view()). */
typedef struct {
    icecall_ctype_t type;
    const alloc_t  *alloc;     /* the allocation that says so, if one does */
    char            why[128];  /* the evidence, for the report */
} cview_t;

/* ---- icecall.c: small helpers ---------------------------------------------- */

void make_key(akey_t *k, const icecall_addr_t *a, bool tcp, bool with_port);
guint akey_hash(gconstpointer p);
gboolean akey_equal(gconstpointer a, gconstpointer b);
bool addr_set(const icecall_addr_t *a);
bool addr_eq(const icecall_addr_t *a, const icecall_addr_t *b);
bool ip_eq(const icecall_addr_t *a, const icecall_addr_t *b);
const char *addr_str(const icecall_addr_t *a, char *buf, size_t size);
void copy_str(char *dst, size_t size, const char *src);
const char *path_short(icecall_path_t p);

/* ---- icecall.c: calls, candidates, pairs and media timelines ---------------- */

call_t *call_find(const icecall_model_t *m, const char *call_id);
cand_t *cand_at(call_t *c, unsigned mi, int side, int idx);
uint8_t media_version(const media_t *md);
bool cand_in_use(const media_t *md, const cand_t *x);
int b_fork(const call_t *c);
const char *fork_label(const call_t *c, int fork, char *buf, size_t size);
int pair_resolve(const media_t *md, int pi);
int pair_fork(call_t *c, unsigned mi, const pair_t *p);
icecall_path_t pair_path(call_t *c, unsigned mi, const pair_t *p);
void pair_text(call_t *c, unsigned mi, const pair_t *p, char *buf, size_t size);
int final_pair(const media_t *md, int fork);
void timeline(call_t *c, unsigned mi, int fork, timeline_t *tl);
void reject_text(const media_t *md, const reject_t *rj, bool counts, char *buf, size_t size);

/* ---- icecall.c: sessions without SDP --------------------------------------- */

void cand_view(const call_t *c, unsigned mi, int side, int idx, cview_t *v);
void cand_view_type(const call_t *c, unsigned mi, int side, int idx, cview_t *v);
void session_media_text(const call_t *c, unsigned mi, char *buf, size_t size);
void session_refresh_name(call_t *c, unsigned mi);

/* ---- icecall.c: parties (the caller, each fork of the callee) -------------- */

bool of_party(const cand_t *x, int side, int fork);
bool party_has(const GArray *a, const icecall_addr_t *addr, int side, int fork);
bool party_any(const media_t *md, party_t p);
unsigned parties(const call_t *c, party_t *out);
const char *party_label(const call_t *c, party_t p, char *buf, size_t size);
const icecall_addr_t *party_ip(const call_t *c, party_t p);
bool party_owns(const call_t *c, party_t p, const icecall_addr_t *addr);
void party_mras(const icecall_model_t *m, const call_t *c, party_t p, GPtrArray *out);

/* ---- icecall-rules.c: what the report shares with the rules ---------------- */

icecall_location_t endpoint_location(const icecall_model_t *m, const call_t *c, party_t p, const loc_stmt_t **from);
icecall_location_t party_said(const call_t *c, party_t p);
void scenario_text(const icecall_model_t *m, const call_t *c, char *buf, size_t size);
bool media_tcp_by_design(const media_t *md);

/* ---- icecall-report.c ------------------------------------------------------ */

const char *allocate_requests_text(const alloc_t *a, char *buf, size_t size);

#endif /* MSICE_ICECALL_INT_H */
