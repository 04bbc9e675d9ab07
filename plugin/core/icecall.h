/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icecall.h - the per-call ICE model (pure C + GLib, no epan).
 *
 * The epan layer feeds events in frame order, each carrying its frame number
 * and time: SDP offers/answers (candidates per side and media line),
 * MRAS exchanges, TURN allocations, connectivity checks (direct or relayed
 * through the Edge) and media packets. The model keeps, per call (SIP
 * Call-ID) and media line, both sides' candidates, the allocations that
 * back the relay candidates, every candidate pair that was checked and how,
 * the nominated pair, the pair named in the final a=remote-candidate(s), and
 * which pair carried media when: the first one (early media) and every change
 * (promotion). icecall_report() writes the per-call text report.
 *
 * ICE sessions without SIP in the capture (Teams) are keyed by their ufrags
 * (or, seen through responses alone, by the requester's address); their
 * candidate types, NAT mappings and media type are inferred from the packets
 * and from the published Teams facts in msnet.h, and the report says so.
 *
 * ICE runs in five phases ([MS-ICE2] 1.3): credentials (MRAS), allocation
 * (MS-TURN), address exchange (SDP), connectivity checks, promotion. Path
 * preference, best first: host, server-reflexive, relay UDP, relay TCP.
 *
 * Memory: the model owns everything it stores (GLib); free it with
 * icecall_model_free(). Strings passed in are copied. Nothing the caller
 * passes is kept.
 */
#ifndef MSICE_ICECALL_H
#define MSICE_ICECALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* Named limits: the model grows with calls and candidates, never packets. */
#define ICECALL_MAX_CALLS          100000u
#define ICECALL_MAX_DIALOGS        100000u /* SIP dialogs heard of that are not calls (REGISTER, SUBSCRIBE, ...) */
#define ICECALL_MAX_ENDPOINTS      100000u /* SIP URIs whose location the model remembers */
#define ICECALL_MAX_LOCATION_STMTS 16u     /* location changes remembered per SIP URI */
#define ICECALL_MAX_MEDIA          8u      /* media lines per call */
#define ICECALL_MAX_CANDS          64u     /* per side and media line */
#define ICECALL_MAX_PAIRS          256u    /* per media line */
#define ICECALL_MAX_PROMOTIONS     32u     /* per media line */
#define ICECALL_MAX_SWITCHES       128u    /* media path changes remembered per media line */
#define ICECALL_MAX_FORKS          8u      /* early dialogs (To-tags) of a forked INVITE */
#define ICECALL_MAX_ALLOC_USERS    4u      /* media lines waiting for one allocation's relayed address */
#define ICECALL_MAX_ORPHANS        10000u  /* media flows no call claimed yet (kept until one does) */
#define ICECALL_MAX_ALLOCATIONS    200000u
#define ICECALL_MAX_TRANSACTIONS   1000000u /* check and Allocate requests remembered, each */
#define ICECALL_MAX_MRAS_CLIENTS   100000u
#define ICECALL_MAX_DESTINATIONS   8u      /* Set Active Destinations remembered per allocation */
#define ICECALL_MAX_REJECTS        8u      /* rejected media streams (ICMP) per media line */

typedef struct icecall_model icecall_model_t;

/**
 * icecall_limit_t: the caps above. When one refuses an item the model
 * records it (the first frame, and how many distinct items were refused),
 * so the report and the expert infos can say what is missing.
 */
typedef enum {
    ICECALL_LIMIT_CALLS = 0,      /* calls and ICE sessions followed */
    ICECALL_LIMIT_MEDIA,          /* media lines per call */
    ICECALL_LIMIT_CANDS,          /* candidates per side and media line */
    ICECALL_LIMIT_PAIRS,          /* pairs per media line */
    ICECALL_LIMIT_PROMOTIONS,     /* promotions per media line */
    ICECALL_LIMIT_DIAGS,          /* diagnostics headers per call (ICECALL_MAX_DIAGS) */
    ICECALL_LIMIT_ALLOCATIONS,    /* TURN allocations (and their relayed-address and session indexes) */
    ICECALL_LIMIT_TRANSACTIONS,   /* check and Allocate transactions remembered */
    ICECALL_LIMIT_MRAS_CLIENTS,   /* MRAS clients */
    ICECALL_LIMIT_DIALOGS,        /* SIP dialogs heard of that are not calls (ICECALL_MAX_DIALOGS) */
    ICECALL_LIMIT_ENDPOINTS,      /* SIP URIs whose location is remembered */
    ICECALL_LIMIT_LOCATIONS,      /* location changes per SIP URI (past it: the first ones and the latest kept) */
    ICECALL_LIMIT_FORKS,          /* early dialogs (To-tags) per call */
    ICECALL_LIMIT_SWITCHES,       /* media path changes remembered per media line */
    ICECALL_LIMIT_ORPHANS,        /* media flows no call claimed yet */
    ICECALL_LIMIT_REJECTS,        /* rejected media streams (ICMP) per media line */
    ICECALL_LIMIT_ALLOC_USERS,    /* relay candidates waiting for one allocation's relayed address */
    ICECALL_LIMIT_DESTINATIONS,   /* Set Active Destinations per allocation (past it: the newest kept) */
    ICECALL_LIMIT_COUNT
} icecall_limit_t;

#define ICECALL_MAX_DIAGS          8u      /* diagnostics headers per call */
/* Distinct refused items remembered to count them, all caps together:
 * past it the counts are lower bounds (icecall_limit_info_t.at_least). */
#define ICECALL_MAX_REFUSED_KEYS   1000000u

/** icecall_limit_info_t: one cap, as the model saw it. */
typedef struct {
    unsigned cap;          /* in force (icecall_model_set_limit()) */
    bool     reached;      /* an item was refused */
    uint32_t first_frame;  /* the frame of the first refused item */
    uint64_t refused;      /* distinct items refused (calls, media lines, candidates, ...) */
    bool     at_least;     /* refused is a lower bound (ICECALL_MAX_REFUSED_KEYS) */
} icecall_limit_info_t;

/** icecall_addr_t: an IPv4/IPv6 transport address. */
typedef struct {
    uint8_t  family;     /* 4, 6, or 0 when unset */
    uint8_t  addr[16];   /* network order; 4 bytes used for IPv4 */
    uint16_t port;
} icecall_addr_t;

typedef enum {
    ICECALL_SIDE_A = 0,   /* the caller (sender of the first INVITE) */
    ICECALL_SIDE_B = 1,   /* the callee */
} icecall_side_t;

/** icecall_ctype_t: candidate type (same order as icecand_type_t). */
typedef enum {
    ICECALL_CTYPE_UNKNOWN = 0,
    ICECALL_CTYPE_HOST,
    ICECALL_CTYPE_SRFLX,
    ICECALL_CTYPE_PRFLX,
    ICECALL_CTYPE_RELAY,
} icecall_ctype_t;

/** icecall_path_t: what a pair's media path is; the value is its rank. */
typedef enum {
    ICECALL_PATH_NONE = 0,
    ICECALL_PATH_RELAY_TCP = 1,
    ICECALL_PATH_RELAY_UDP = 2,
    ICECALL_PATH_SRFLX = 3,
    ICECALL_PATH_HOST = 4,
} icecall_path_t;

/** icecall_result_t: outcome of the checks of a pair. */
typedef enum {
    ICECALL_RESULT_NONE = 0,     /* not checked */
    ICECALL_RESULT_PENDING,      /* requests, no response (yet) */
    ICECALL_RESULT_SUCCESS,
    ICECALL_RESULT_ERROR,
} icecall_result_t;

/* ---- events ----------------------------------------------------------- */

/** icecall_location_t: where an endpoint says it is. */
typedef enum {
    ICECALL_LOC_UNKNOWN = 0,
    ICECALL_LOC_INTRANET,   /* inside the corporate network */
    ICECALL_LOC_INTERNET,   /* remote user: reaches media only through the Edge */
} icecall_location_t;


/** icecall_msg_t: the SIP message an event came in (NULL fields: unknown). */
typedef struct {
    uint32_t       frame;
    int64_t        time_us;      /* since the start of the capture, microseconds */
    const char    *call_id;
    const char    *from_uri;
    const char    *to_uri;
    const char    *message;      /* "INVITE", "183", ... */
    bool           is_request;
    icecall_addr_t src, dst;     /* of the packet (ports optional) */
    const char    *from_tag;     /* From: and To: tag parameters (RFC 3261 19.3); NULL: none */
    const char    *to_tag;
    const char    *cseq_method;  /* method of the CSeq header ("INVITE"); NULL: unknown */
    uint32_t       cseq;         /* CSeq number; 0: unknown */
} icecall_msg_t;

/** icecall_cand_in_t: one candidate line, as the SDP reader parsed it. */
typedef struct {
    uint8_t         version;     /* 6 or 19 */
    icecall_ctype_t type;
    bool            tcp;         /* TCP, TCP-ACT or TCP-PASS */
    const char     *transport;   /* as written */
    uint32_t        component;
    uint32_t        priority;    /* v19; v6: qvalue in thousandths */
    icecall_addr_t  addr;
    icecall_addr_t  raddr;       /* family 0 when absent */
    const char     *foundation;  /* v19, or v6 username */
} icecall_cand_in_t;

/** icecall_media_in_t: one m= line of an SDP body. */
typedef struct {
    unsigned                 mline;        /* m= line position in the body */
    const char              *media;        /* "audio" */
    uint8_t                  version;      /* 6 or 19 (0: no ICE) */
    icecall_addr_t           default_addr; /* c= address + m= port */
    const char              *ufrag;        /* v19 */
    const icecall_cand_in_t *cands;
    unsigned                 n_cands;
    const icecall_addr_t    *remote;       /* a=remote-candidates, per component 1.. */
    unsigned                 n_remote;
    const char              *remote_v6;    /* a=remote-candidate:<username> */
} icecall_media_in_t;

/** icecall_frame_t: what the model says about one packet, for the tree. */
typedef struct {
    bool           valid;
    char           call_id[128];
    char           media[24];
    char           pair[160];    /* filled by icecall_frame_pair(), when asked */
    icecall_path_t path;
    uint32_t       local_offer_frame;   /* SDP frames that offered the two candidates */
    uint32_t       remote_offer_frame;
    bool           promotion;           /* first media on a new pair */
    bool           is_media;            /* a media packet (else a check, or an ICMP error) */
    bool           first_on_pair;       /* the first RTP on this pair in this direction */
    bool           early;               /* the first RTP of the media line (early-media path) */
    icecall_path_t from_path;           /* promotion: the path the media left */
    char           rejection[160];      /* ICMP error about media: what it says (empty: none) */
    bool           first_rejection;     /* the first ICMP error of this rejected stream */
    /* private: where icecall_frame_pair() finds the pair (valid while the model is) */
    void          *pair_call;
    unsigned       pair_media;
    int            pair_index;
    bool           pair_done;
} icecall_frame_t;

icecall_model_t *icecall_model_new(void);
void icecall_model_free(icecall_model_t *m);

/**
 * icecall_model_reset:
 * Empties @m: as icecall_model_new() gave it, except that the caps set
 * with icecall_model_set_limit() stay. Cheaper than a new model where many
 * short captures are read one after the other (the fuzzer).
 */
void icecall_model_reset(icecall_model_t *m);

/**
 * icecall_model_set_limit:
 * Lowers cap @l to @cap (clamped to 1 .. its ICECALL_MAX_* value), before
 * the first event: for a user preference, tests and fuzzing.
 */
void icecall_model_set_limit(icecall_model_t *m, icecall_limit_t l, unsigned cap);

/** icecall_limit_reached_by: whether any cap was first reached in or before @frame
 * (a cheap test before asking icecall_limit_info() about each cap). */
bool icecall_limit_reached_by(const icecall_model_t *m, uint32_t frame);

/** icecall_limit_info: what cap @l did (all zero but cap when never reached). */
void icecall_limit_info(const icecall_model_t *m, icecall_limit_t l, icecall_limit_info_t *out);

/** icecall_limit_name: what cap @l counts: "calls", "media lines", ... */
const char *icecall_limit_name(icecall_limit_t l);

/** icecall_limit_scope: per what: "", " per call", " per side and media line", ... */
const char *icecall_limit_scope(icecall_limit_t l);

/** icecall_limit_past: what happens past cap @l, for a sentence "from this frame on, ...":
 * "more are not followed", or for the two caps that drop old entries instead, what they forget. */
const char *icecall_limit_past(icecall_limit_t l);

/** icecall_limit_token: the cap's name in the JSON report: "calls", "media_lines", ... */
const char *icecall_limit_token(icecall_limit_t l);

/**
 * icecall_limit_kept:
 * For a cap over the whole model (calls, SIP dialogs, endpoints, media flows
 * no call claimed, allocations, MRAS clients): sets @kept to how many items
 * the model holds and returns TRUE. A cap per call, media line, allocation
 * or kind has no one such count: FALSE.
 */
bool icecall_limit_kept(const icecall_model_t *m, icecall_limit_t l, uint64_t *kept);

/**
 * icecall_limit_text:
 * One line saying what cap @l did, e.g. "100,000 of 200,000 calls followed:
 * cap reached at frame 200001" (calls, SIP dialogs, SIP URIs, unclaimed
 * media flows), "3 candidates not followed (cap: 64 per side and media
 * line), first at frame 12" (the others); "" when it was never reached.
 */
void icecall_limit_text(const icecall_model_t *m, icecall_limit_t l, char *buf, size_t size);

/**
 * icecall_add_sdp:
 * One SDP body: the candidates the sender of @msg offers for each media line.
 * Only an SDP with ICE media lines in an INVITE dialog (INVITE, ACK, UPDATE,
 * PRACK and their responses) makes its dialog a call; any other SDP is not
 * stored. Returns FALSE when nothing was stored (not a call, or the call
 * limit is reached).
 */
bool icecall_add_sdp(icecall_model_t *m, const icecall_msg_t *msg, const icecall_media_in_t *media,
                     unsigned n_media);

/**
 * icecall_add_mras:
 * An MRAS response for the client at @client (IP) in @msg: @ok = reasonPhrase
 * OK with credentials; @relays: relay host names/addresses as text.
 */
void icecall_add_mras(icecall_model_t *m, const icecall_msg_t *msg, const icecall_addr_t *client, bool ok,
                      const char *reason, unsigned n_relays, bool is_request, icecall_location_t location);

/**
 * icecall_add_allocation:
 * An Allocate request (@response false) or response between @client and @edge
 * over @tcp. Responses carry @relayed / @reflexive (success) or @error_code.
 * @with_integrity: (requests) it carried MESSAGE-INTEGRITY: a 401 to it
 *   means the credentials were refused, not the first challenge.
 * @txid: 16 bytes.
 */
void icecall_add_allocation(icecall_model_t *m, uint32_t frame, int64_t time_us, const icecall_addr_t *client,
                            const icecall_addr_t *edge, bool tcp, bool response, bool with_integrity,
                            const uint8_t *txid,
                            const icecall_addr_t *relayed, const icecall_addr_t *reflexive, uint16_t error_code,
                            uint32_t lifetime, uint64_t mux_session);

/**
 * icecall_set_destination:
 * A Set Active Destination request of the allocation @client -> @edge in
 * @frame: from then on the Edge forwards data without a destination (raw
 * datagrams, 0xFF10 frames, TCP 0x03 frames) to @peer ([MS-TURN] 3.2.4.5,
 * 3.2.4.6). The last ICECALL_MAX_DESTINATIONS are kept with their frames,
 * so packets seen again get the destination that was in effect.
 */
void icecall_set_destination(icecall_model_t *m, uint32_t frame, const icecall_addr_t *client,
                             const icecall_addr_t *edge, const icecall_addr_t *peer);

/**
 * icecall_set_location:
 * The sender of @msg says where it is (ms-endpoint-location-data,
 * ms-media-location-type=Intranet/Internet). Needs msg->call_id. In a call's
 * dialog it places that party; in any dialog (REGISTER, SUBSCRIBE, ...) it
 * also places the sender's SIP URI for its later calls.
 */
void icecall_set_location(icecall_model_t *m, const icecall_msg_t *msg, icecall_location_t loc);

/** icecall_diag_in_t: one ms-client-diagnostics / ms-diagnostics header. */
typedef struct {
    bool        client;       /* ms-client-diagnostics (else ms-diagnostics[-public]) */
    uint32_t    code;         /* ErrorId, e.g. 23, 51007 */
    const char *reason;
    bool        has_icewarn;
    uint32_t    icewarn;      /* Caller/CalleeMediaDebug ICEWarn bitmask */
    const char *media;        /* "audio", ... from the MediaDebug value */
} icecall_diag_in_t;

/** icecall_add_diagnostics: a diagnostics header in @msg (which needs call_id). */
void icecall_add_diagnostics(icecall_model_t *m, const icecall_msg_t *msg, const icecall_diag_in_t *d);

/**
 * icecall_leg_t: where a check or media packet travels. Direct: @src and
 * @dst are the packet's. Relayed (inside MS-TURN Send / Data Indication /
 * 0xFF10): @client and @edge are the TURN 5-tuple, @peer the DESTINATION-
 * or REMOTE-ADDRESS (family 0: unknown), @outbound client -> Edge.
 */
typedef struct {
    icecall_addr_t src, dst;
    bool           tcp;
    bool           relayed;
    bool           outbound;
    icecall_addr_t client, edge, peer;
    uint64_t       mux_session;    /* relayed over 0xFF10: its session id, else 0 */
    bool           has_dscp;       /* @dscp was read from the packet's IP header */
    uint8_t        dscp;           /* 0..63 (relayed: of the client <-> Edge packet) */
    uint8_t        tcp_role;       /* direct ICE over TCP: who opened the connection (ICECALL_TCP_*) */
} icecall_leg_t;

/* icecall_leg_t.tcp_role: the end that sent the SYN is the active (TCP-ACT)
 * candidate, the other the passive (TCP-PASS) one ([MS-ICE2] 3.1.4.8.1.3,
 * RFC 6544). 0: the handshake is not in the capture. */
#define ICECALL_TCP_SRC_ACTIVE 1u
#define ICECALL_TCP_DST_ACTIVE 2u

/** icecall_check_t: one STUN Binding message of a connectivity check. */
typedef struct {
    uint32_t       frame;
    int64_t        time_us;
    icecall_leg_t  leg;
    uint16_t       stun_type;      /* 0x0001 request, 0x0101 success, 0x0111 error */
    uint8_t        txid[16];
    const char    *username;       /* "<receiver ufrag>:<sender ufrag>", NULs stripped */
    bool           use_candidate;
    uint16_t       error_code;
    icecall_addr_t mapped;         /* responses: XOR-MAPPED-ADDRESS, how the responder saw the requester */
    uint64_t       sender_mux_session; /* requests: MS-MULTIPLEXED-TURN-SESSION-ID: sent through the sender's relay */
    bool           brief;          /* nothing shows the packet (no tree, no tap): the frame gets no
                                    * call_id, media or path (ICECALL_PATH_NONE), which cost lookups */
} icecall_check_t;

/**
 * icecall_frame_pair: the text of the frame's candidate pair, "A host
 * 10.0.0.1:5000 <-> B srflx 192.0.2.1:6000 (UDP)", formatted on first use
 * (nothing is formatted for a packet no tree or tap looks at). Call it while
 * dissecting the packet that filled @fi; "" when @fi is not valid.
 */
const char *icecall_frame_pair(icecall_frame_t *fi);

void icecall_add_check(icecall_model_t *m, const icecall_check_t *c, icecall_frame_t *out);

/** icecall_media_pkt_t: one RTP/RTCP packet (direct or relayed). */
typedef struct {
    uint32_t       frame;
    int64_t        time_us;
    icecall_leg_t  leg;
    bool           rtcp;
    bool           brief;          /* as icecall_check_t.brief (also no from_path) */
} icecall_media_pkt_t;

void icecall_add_media(icecall_model_t *m, const icecall_media_pkt_t *p, icecall_frame_t *out);

/**
 * icecall_active_leg:
 * Is a UDP datagram from @src to @dst in @frame, which is not an MS-TURN
 * message, relayed data to or from an active destination? After a Set
 * Active Destination, MS-TURN over UDP carries the data between the client
 * and the Edge with no Send / Data Indication around it ([MS-TURN] 3.2.4.5,
 * TURN-08 active destination). TRUE when one end is the client socket of an
 * allocation on the other end (UDP) whose active destination was set before
 * @frame; @leg is then the relayed leg (peer = that destination).
 */
bool icecall_active_leg(const icecall_model_t *m, const icecall_addr_t *src, const icecall_addr_t *dst,
                        uint32_t frame, icecall_leg_t *leg);

/** What the datagram quoted in an ICMP error carried (its first bytes). */
typedef enum {
    ICECALL_QUOTED_UNKNOWN = 0,   /* only the UDP header was quoted */
    ICECALL_QUOTED_CHECK,         /* a STUN connectivity check */
    ICECALL_QUOTED_MEDIA,         /* RTP or RTCP */
    ICECALL_QUOTED_OTHER,         /* anything else */
} icecall_quoted_t;

/**
 * icecall_unreach_t: an ICMP (v4 type 3) or ICMPv6 (type 1) destination
 * unreachable error. @quoted_src / @quoted_dst: the ends of the UDP datagram
 * it quotes (its sender, and the address that did not take it); @reporter:
 * the source of the ICMP error (the rejecting host, or a router).
 */
typedef struct {
    uint32_t         frame;
    int64_t          time_us;
    bool             v6;
    uint8_t          type, code;
    icecall_addr_t   quoted_src, quoted_dst;
    icecall_addr_t   reporter;
    icecall_quoted_t quoted;
} icecall_unreach_t;

/**
 * icecall_add_unreachable / icecall_lookup_unreachable:
 * An ICMP error about a datagram of a call. It is no media packet: it is
 * counted as a rejection of the media line (media, or a quote too short to
 * tell on a pair that already carried media that way), or as an error of
 * the checked pair (a quoted check). *out names the call, pair and, for
 * media, the rejection (out->rejection). Destination unreachable only;
 * "fragmentation needed" is no rejection and ignored.
 */
void icecall_add_unreachable(icecall_model_t *m, const icecall_unreach_t *u, icecall_frame_t *out);
void icecall_lookup_unreachable(icecall_model_t *m, const icecall_unreach_t *u, icecall_frame_t *out);

/** icecall_unreach_text: "ICMP port unreachable", "ICMPv6 address unreachable", ... */
const char *icecall_unreach_text(bool v6, uint8_t type, uint8_t code);

/**
 * icecall_lookup_check / icecall_lookup_media:
 * For packets dissected again (GUI clicks, tshark -2): what icecall_add_*
 * said on the first pass, from the finished model, changing nothing. So
 * the epan layer keeps no per-packet state.
 */
void icecall_lookup_check(icecall_model_t *m, const icecall_check_t *c, icecall_frame_t *out);
void icecall_lookup_media(icecall_model_t *m, const icecall_media_pkt_t *p, icecall_frame_t *out);

/** icecall_foreach_candidate: every candidate address of @call_id (both sides). */
void icecall_foreach_candidate(const icecall_model_t *m, const char *call_id,
                               void (*fn)(const icecall_addr_t *a, bool tcp, void *user), void *user);

/** icecall_report: the per-call text report; @only: Call-IDs to include (NULL: all). */
void icecall_report(const icecall_model_t *m, GString *out, GHashTable *only);

/** icecall_n_calls: number of calls and ICE sessions known. */
unsigned icecall_n_calls(const icecall_model_t *m);

/** icecall_row_t: one row of the GUI table (per call and media line). */
typedef struct {
    const char *call_id;
    const char *media;
    const char *caller;
    const char *callee;
    char        early_path[96];
    char        final_path[160];
    unsigned    n_promotions;
    unsigned    n_pairs_checked;
    unsigned    n_pairs_ok;
    char        verdict[200];
    const char *merged_id;     /* an ICE session without SIP found to be this media line (its rows, if */
    const char *merged_media;  /* shown before, are this row now); NULL: none */
} icecall_row_t;

/**
 * icecall_foreach_row: calls @fn for every media line of every call, calls
 * in first-seen order; only of the call @call_id when not NULL.
 */
void icecall_foreach_row(const icecall_model_t *m, const char *call_id,
                         void (*fn)(const icecall_row_t *row, void *user), void *user);

/** icecall_rule_t: the troubleshooting rules (one expert info each). */
typedef enum {
    ICECALL_RULE_NO_EDGE_CREDENTIALS = 0, /* MRAS failed / absent, no relay candidates */
    ICECALL_RULE_NO_EDGE_CANDIDATES,      /* no srflx and no relay candidate */
    ICECALL_RULE_RELAY_UDP_ONLY,          /* relays over UDP only: TCP 443 blocked? */
    ICECALL_RULE_RELAY_TCP_ONLY,          /* relays over TCP only: UDP 3478 blocked? */
    ICECALL_RULE_PRIVATE_EDGE_ADDRESS,    /* external client, private relay/srflx address */
    ICECALL_RULE_TURN_UNREACHABLE,        /* Allocate never answered */
    ICECALL_RULE_TURN_CREDENTIALS,        /* 401 again after the credentials were sent */
    ICECALL_RULE_TURN_ERROR,              /* 437, 438, 486, 5xx */
    ICECALL_RULE_ALL_CHECKS_FAILED,       /* no media path */
    ICECALL_RULE_RELAY_DESPITE_DIRECT,    /* media on a relay although a direct pair worked */
    ICECALL_RULE_TCP_RELAY,               /* final path is the last resort */
    ICECALL_RULE_NO_REINVITE,             /* no a=remote-candidate(s) re-INVITE after the 200 OK */
    ICECALL_RULE_CLIENT_DIAGNOSTICS,      /* ms-client-diagnostics with ICEWarn / code 23, 24 */
    ICECALL_RULE_MEDIA_REJECTED,          /* ICMP unreachable errors answer a side's media */
    ICECALL_RULE_COUNT
} icecall_rule_t;

/** Severity of a finding (maps to PI_NOTE, PI_WARN, PI_ERROR). */
typedef enum { ICECALL_SEV_NOTE = 0, ICECALL_SEV_WARN, ICECALL_SEV_ERROR } icecall_sev_t;

/** icecall_finding_t: one rule that fired, at the frame where it shows. */
typedef struct {
    icecall_rule_t rule;
    icecall_sev_t  severity;
    uint32_t       frame;
    char           call_id[128];   /* empty: not tied to one call (allocations) */
    char           text[320];
} icecall_finding_t;

/**
 * icecall_findings:
 * Judges the finished model by the rules (see the README's troubleshooting
 * page) and calls @fn for each finding, calls in first-seen order.
 * @quiet_after_us: NO_REINVITE fires only when the capture goes on this long
 * after the 200 OK (10 s is a good value).
 */
void icecall_findings(const icecall_model_t *m, int64_t quiet_after_us,
                      void (*fn)(const icecall_finding_t *f, void *user), void *user);

/*
 * The report, section by section. icecall_report_walk() walks the model once
 * and, for each section, fills one icecall_rev_t, writes the text report's
 * line(s) from it and hands it to the sink: the text report and the JSON
 * report (icejson.c) come from the same values. Events come in text order:
 *   CALL, MRAS*, (MEDIA, CAND*, ALLOC*, PAIR*, EARLY?, PROMOTION*, FINAL?,
 *   MEDIA_END)*, FINDING*, CALL_END; then ALLOC* (allocations no session
 *   uses, side -1) and FINDING* (not tied to one call).
 * Pointers in an event are valid during the callback only.
 */
typedef enum {
    ICECALL_REV_CALL = 0,
    ICECALL_REV_MRAS,
    ICECALL_REV_MEDIA,
    ICECALL_REV_CAND,
    ICECALL_REV_ALLOC,
    ICECALL_REV_PAIR,
    ICECALL_REV_EARLY,
    ICECALL_REV_PROMOTION,
    ICECALL_REV_FINAL,
    ICECALL_REV_MEDIA_END,
    ICECALL_REV_FINDING,
    ICECALL_REV_CALL_END,
    ICECALL_REV_PARTY,          /* after CALL: each other endpoint of a forked call (B2, B3 ...) */
    ICECALL_REV_FORK_MEDIA,     /* after FINAL: media with such an endpoint, on its own timeline */
    ICECALL_REV_KIND_COUNT
} icecall_rev_kind_t;

/** The outcome of an allocation as the report states it. */
typedef enum {
    ICECALL_ALLOC_UNKNOWN = 0,
    ICECALL_ALLOC_SUCCESS,
    ICECALL_ALLOC_ERROR,
    ICECALL_ALLOC_NO_RESPONSE,
    ICECALL_ALLOC_NOT_IN_CAPTURE,   /* a relay seen in packets, its Allocate not captured */
} icecall_alloc_state_t;

/** A pair as the report names it: both ends, transport, path type. */
typedef struct {
    const char     *text;       /* "A host 10.0.0.1:5000 <-> B relay 203.0.113.1:3478 (UDP)" */
    icecall_path_t  path;
    bool            tcp;
    struct {
        bool            known;
        icecall_ctype_t type;
        icecall_addr_t  addr;
        bool            learnt;  /* seen in packets, not offered */
    } end[2];                    /* A, B */
} icecall_rpair_t;

typedef struct {
    icecall_rev_kind_t kind;
    union {
        struct {
            const char    *call_id;
            bool           from_sip;
            bool           addr_keyed;     /* no SIP, no ICE user names */
            const char    *uri[2];         /* NULL: not known */
            icecall_addr_t sip_ip[2];      /* family 0: not known */
            const char    *scenario;
            unsigned       n_forks;        /* endpoints the INVITE reached (0 or 1: not forked) */
            bool           answered;       /* B is the fork that answered (else the first one) */
            const char    *b_tag;          /* B's To-tag when forked ("" not known) */
        } call;
        struct {
            const char    *party;          /* "B2", "B3" ... */
            const char    *uri;
            icecall_addr_t sip_ip;
            const char    *tag;            /* its To-tag ("" not known) */
            bool           call_answered;  /* another endpoint answered */
        } party;
        struct {
            const char     *party;
            icecall_rpair_t pair;          /* its first media */
            int64_t         time_us;
            uint32_t        frame;
            unsigned        n_then;        /* the pairs it moved to, in order */
            icecall_path_t  then_path[ICECALL_MAX_PROMOTIONS];
            uint32_t        then_frame[ICECALL_MAX_PROMOTIONS];
            uint32_t        last_frame;
            bool            call_answered;
        } fork_media;
        struct {
            int            side;
            const char    *party;          /* "A", "B", or a fork of B: "B2" ... */
            icecall_addr_t client;
            bool           responded, ok;
            const char    *reason;         /* when failed */
            uint32_t       frame, request_frame;
        } mras;
        struct {
            unsigned    mline;             /* m= line position in the body */
            const char *name;
            const char *title;             /* the report's words for it */
            uint8_t     ice_version;       /* 0: not known (no SDP) */
            bool        from_sdp;
        } media;
        struct {
            int             side;
            const char     *party;         /* "A", "B", or a fork of B: "B2" ... */
            icecall_ctype_t type;
            icecall_addr_t  addr;
            bool            tcp;
            uint32_t        component;
            uint32_t        frame;         /* offering SDP frame; 0: learnt */
            bool            learnt;
            uint32_t        seen_frame;    /* learnt: first packet */
            const char     *evidence;      /* learnt: why this type ("" if none) */
        } cand;
        struct {
            int                   side;    /* -1: listed outside the calls */
            const char           *party;   /* "A", "B", "B2" ...; NULL outside the calls */
            icecall_alloc_state_t state;
            icecall_addr_t        client, edge, relayed, reflexive;
            bool                  tcp, after_401, released;
            uint32_t              success_frame, error_frame, first_frame;
            uint16_t              error_code;
            unsigned              n_requests, n_rejected;
            const char           *text;    /* the report's words */
        } alloc;
        struct {
            icecall_rpair_t  pair;
            icecall_result_t result;
            uint32_t         success_frame, error_frame, first_check_frame, nominated_frame;
            uint16_t         error_code;
            unsigned         n_requests, n_responses_only;
            bool             request_missing;   /* success seen, its request not captured */
            bool             nominated;
        } pair;
        struct {
            icecall_rpair_t pair;
            int64_t         time_us;           /* since the capture's first frame */
            uint32_t        frame;
        } early;
        struct {
            int64_t         time_us;
            uint32_t        frame;
            bool            from_known;        /* false: media started on @to */
            icecall_path_t  from;
            icecall_rpair_t to;
            const char     *reason;
        } promotion;
        struct {
            icecall_rpair_t pair;
            unsigned        packets;
            uint32_t        first_frame, last_frame;
        } final;
        struct {
            const char *verdict;
            bool        promotions_truncated;
        } media_end;
        const icecall_finding_t *finding;
    } u;
} icecall_rev_t;

typedef struct {
    void (*fn)(const icecall_rev_t *ev, void *user);
    void *user;
} icecall_sink_t;

/** icecall_report_walk: the text report into @out (may be NULL), and each section to @sink (may be NULL). */
void icecall_report_walk(const icecall_model_t *m, GString *out, GHashTable *only, const icecall_sink_t *sink);

/** icecall_report_json: the same report as one JSON document (schema/msice-report.schema.json). */
void icecall_report_json(const icecall_model_t *m, GString *out, GHashTable *only);

/** icecall_addr_to_string: "192.0.2.1", "2001:db8::1" (the address only, as the report writes it). */
const char *icecall_addr_to_string(const icecall_addr_t *a, char *buf, size_t size);

/** icecall_alloc_state_name / icecall_path_token: the JSON report's names. */
const char *icecall_alloc_state_name(icecall_alloc_state_t s);
const char *icecall_path_token(icecall_path_t p);

/** icecall_generation: changes whenever the model does (cache key). */
uint64_t icecall_generation(const icecall_model_t *m);

/** icecall_rule_name: the rule's name as in msice.expert.<name> and the JSON report ("relay_udp_only"). */
const char *icecall_rule_name(icecall_rule_t r);

const char *icecall_path_to_string(icecall_path_t p);
/** icecall_path_short: "host", "srflx", "relay UDP", "relay TCP" (as in the report). */
const char *icecall_path_short(icecall_path_t p);
const char *icecall_ctype_to_string(icecall_ctype_t t);
const char *icecall_result_to_string(icecall_result_t r);

#endif /* MSICE_ICECALL_H */
