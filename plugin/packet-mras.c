/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet-mras.c - MRAS (Media Relay Authentication Service) bodies:
 * application/msrtc-media-relay-auth+xml, the <request> a client sends in a
 * SIP SERVICE and the <response> with A/V Edge (MS-TURN) credentials and
 * relays in the 200 OK.
 *
 * Specs: [MS-AVEDGEA] 2.2.3.1.1 (request), 2.2.3.1.2 (response), 2.2.3.1.3.2
 * (mediaRelay rules), 2.2.4.3 (credentialsType), 2.2.4.4 (mediaRelayType),
 * 2.2.4.7 (reasonPhraseType); digest in specs/ms-avedgea-mras.md. Parsing
 * and the semantic checks are done by core/mras.c; this file turns its
 * result into fields, expert infos and columns.
 *
 * Zero configuration: the body arrives through the "media_type" table, so
 * SIP (and multipart parts, HTTP, ...) hand it over by its content type.
 *
 * GMarkup gives no byte offsets. Each item is placed on the raw bytes of
 * its value by a structural search (element by local name, then the value
 * text inside it), walking forward in document order so that repeated
 * values (two relays on port 3478) land on the right occurrence; an item
 * whose place is not found covers the enclosing element, at worst the body.
 *
 * A response is linked to its request by requestID (per capture), or, when
 * no request has that id, to the last unanswered request of the same
 * conversation (the SIP transaction's connection), so that a mismatched
 * requestID is reported instead of hiding the link.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/exceptions.h>
#include <wsutil/str_util.h>

#include "msice-int.h"
#include "msice-model.h"
#include "core/mras.h"
#include "core/textscan.h"
#include "core/xmlspan.h"

#define MRAS_MEDIA_TYPE "application/msrtc-media-relay-auth+xml"

/* Request bodies kept per capture to re-check responses against; mras.c
 * refuses bodies above 64 KiB anyway. */
#define MRAS_KEEP_BODY_MAX (64u * 1024u)

/* Findings raised per body; a hostile body could produce thousands. */
#define MRAS_MAX_FINDINGS 256u

/* Relays listed in the Info column before "...". */
#define MRAS_INFO_MAX_RELAYS 4u

/* ---- ids --------------------------------------------------------------- */

static int proto_mras = -1;

static int hf_mras_kind = -1;
static int hf_mras_request_id = -1;
static int hf_mras_version = -1;
static int hf_mras_server_version = -1;
static int hf_mras_from = -1;
static int hf_mras_to = -1;
static int hf_mras_route = -1;
static int hf_mras_reason = -1;
static int hf_mras_namespace = -1;
static int hf_mras_response_in = -1;
static int hf_mras_response_to = -1;
static int hf_mras_time = -1;
static int hf_mras_credentials = -1;
static int hf_mras_credentials_request_id = -1;
static int hf_mras_identity = -1;
static int hf_mras_location = -1;
static int hf_mras_duration = -1;
static int hf_mras_expires = -1;
static int hf_mras_username = -1;
static int hf_mras_username_decoded = -1;
static int hf_mras_password = -1;
static int hf_mras_realm = -1;
static int hf_mras_relay = -1;
static int hf_mras_relay_location = -1;
static int hf_mras_relay_hostname = -1;
static int hf_mras_relay_address = -1;
static int hf_mras_relay_udp_port = -1;
static int hf_mras_relay_tcp_port = -1;
static int hf_mras_invalid_value = -1;

static gint ett_mras = -1;
static gint ett_mras_credentials = -1;
static gint ett_mras_relay = -1;

/* One per mras_status_t (except MRAS_OK): mras_status_ei below. */
static expert_field ei_mras_empty = EI_INIT;
static expert_field ei_mras_too_large = EI_INIT;
static expert_field ei_mras_nul_byte = EI_INIT;
static expert_field ei_mras_not_xml = EI_INIT;
static expert_field ei_mras_bad_utf8 = EI_INIT;
static expert_field ei_mras_xml_error = EI_INIT;
static expert_field ei_mras_truncated = EI_INIT;
static expert_field ei_mras_too_deep = EI_INIT;
static expert_field ei_mras_too_many_elements = EI_INIT;
static expert_field ei_mras_too_many_attributes = EI_INIT;
static expert_field ei_mras_value_too_long = EI_INIT;
static expert_field ei_mras_too_many_credentials = EI_INIT;
static expert_field ei_mras_too_many_relays = EI_INIT;
static expert_field ei_mras_unknown_root = EI_INIT;
static expert_field ei_mras_wrong_namespace = EI_INIT;
/* One per mras_check_t (REASON_FAILED: by the reason's severity): mras_check_ei below. */
static expert_field ei_mras_refused = EI_INIT;
static expert_field ei_mras_refused_retry = EI_INIT;
static expert_field ei_mras_reason_unknown = EI_INIT;
static expert_field ei_mras_missing_attribute = EI_INIT;
static expert_field ei_mras_no_credentials_request = EI_INIT;
static expert_field ei_mras_no_credentials = EI_INIT;
static expert_field ei_mras_credentials_incomplete = EI_INIT;
static expert_field ei_mras_no_relays = EI_INIT;
static expert_field ei_mras_relay_no_address = EI_INIT;
static expert_field ei_mras_relay_two_addresses = EI_INIT;
static expert_field ei_mras_relay_no_port = EI_INIT;
static expert_field ei_mras_relay_no_location = EI_INIT;
static expert_field ei_mras_unknown_location = EI_INIT;
static expert_field ei_mras_bad_port = EI_INIT;
static expert_field ei_mras_bad_duration = EI_INIT;
static expert_field ei_mras_request_id_mismatch = EI_INIT;
static expert_field ei_mras_credentials_request_id_mismatch = EI_INIT;
static expert_field ei_mras_duration_shortened = EI_INIT;
/* Not from the core. */
static expert_field ei_mras_secret = EI_INIT;
static expert_field ei_mras_expiry = EI_INIT;
static expert_field ei_mras_no_response = EI_INIT;
static expert_field ei_mras_retransmission = EI_INIT;
static expert_field ei_mras_not_interpreted = EI_INIT;
static expert_field ei_mras_too_many_findings = EI_INIT;

/* The expert item of each body status (mras_status_t; OK has none). */
static const msice_status_ei_t mras_status_ei[] = {
    { MRAS_EMPTY,                &ei_mras_empty },
    { MRAS_TOO_LARGE,            &ei_mras_too_large },
    { MRAS_NUL_BYTE,             &ei_mras_nul_byte },
    { MRAS_NOT_XML,              &ei_mras_not_xml },
    { MRAS_BAD_UTF8,             &ei_mras_bad_utf8 },
    { MRAS_XML_ERROR,            &ei_mras_xml_error },
    { MRAS_TRUNCATED,            &ei_mras_truncated },
    { MRAS_TOO_DEEP,             &ei_mras_too_deep },
    { MRAS_TOO_MANY_ELEMENTS,    &ei_mras_too_many_elements },
    { MRAS_TOO_MANY_ATTRIBUTES,  &ei_mras_too_many_attributes },
    { MRAS_VALUE_TOO_LONG,       &ei_mras_value_too_long },
    { MRAS_TOO_MANY_CREDENTIALS, &ei_mras_too_many_credentials },
    { MRAS_TOO_MANY_RELAYS,      &ei_mras_too_many_relays },
    { MRAS_UNKNOWN_ROOT,         &ei_mras_unknown_root },
    { MRAS_WRONG_NAMESPACE,      &ei_mras_wrong_namespace },
};
_Static_assert(G_N_ELEMENTS(mras_status_ei) == MRAS_STATUS_COUNT - 1, "one expert item per status");

/* The expert item of each semantic finding (mras_check_t). A refusal the
 * client may retry has its own, milder item (raise_finding()). */
static const msice_status_ei_t mras_check_ei[] = {
    { MRAS_CHECK_REASON_FAILED,          &ei_mras_refused },
    { MRAS_CHECK_REASON_UNKNOWN,         &ei_mras_reason_unknown },
    { MRAS_CHECK_MISSING_ATTRIBUTE,      &ei_mras_missing_attribute },
    { MRAS_CHECK_NO_CREDENTIALS_REQUEST, &ei_mras_no_credentials_request },
    { MRAS_CHECK_NO_CREDENTIALS,         &ei_mras_no_credentials },
    { MRAS_CHECK_CREDENTIALS_INCOMPLETE, &ei_mras_credentials_incomplete },
    { MRAS_CHECK_NO_RELAYS,              &ei_mras_no_relays },
    { MRAS_CHECK_RELAY_NO_ADDRESS,       &ei_mras_relay_no_address },
    { MRAS_CHECK_RELAY_TWO_ADDRESSES,    &ei_mras_relay_two_addresses },
    { MRAS_CHECK_RELAY_NO_PORT,          &ei_mras_relay_no_port },
    { MRAS_CHECK_RELAY_NO_LOCATION,      &ei_mras_relay_no_location },
    { MRAS_CHECK_UNKNOWN_LOCATION,       &ei_mras_unknown_location },
    { MRAS_CHECK_BAD_PORT,               &ei_mras_bad_port },
    { MRAS_CHECK_BAD_DURATION,           &ei_mras_bad_duration },
    { MRAS_CHECK_REQUEST_ID_MISMATCH,    &ei_mras_request_id_mismatch },
    { MRAS_CHECK_CRED_ID_MISMATCH,       &ei_mras_credentials_request_id_mismatch },
    { MRAS_CHECK_DURATION_SHORTENED,     &ei_mras_duration_shortened },
};
_Static_assert(G_N_ELEMENTS(mras_check_ei) == MRAS_CHECK_COUNT, "one expert item per finding");

static dissector_handle_t mras_handle;

/* ---- preferences ------------------------------------------------------- */

static msice_bool_t pref_show_password = TRUE;

/* ---- per-capture state (wmem_file_scope) ------------------------------- */

/* One MRAS exchange. Scope: wmem_file_scope(); filled on the first pass. */
typedef struct {
    guint32  req_frame;     /* first copy of the request */
    nstime_t req_time;
    guint32  resp_frame;    /* first response; 0 while unanswered */
    char    *request_id;    /* NULL when the request had none */
    guint8  *req_body;      /* request bytes, re-parsed to check the response */
    guint    req_body_len;
} mras_trans_t;

/* What the first pass learnt about one MRAS body of a frame (key: 1 + index
 * of the body within the frame). Scope: wmem_file_scope(). */
typedef struct {
    mras_trans_t *trans;           /* NULL: unmatched response / not linked */
    gboolean      retransmission;  /* request: a copy of trans->req_frame */
    gboolean      by_conversation; /* response: linked by connection, not requestID */
} mras_frame_t;

/* Per conversation (SIP connection). Scope: wmem_file_scope(). */
typedef struct {
    mras_trans_t *last_request;
} mras_conv_t;

/* Key of the password map: base64-decoded username bytes. */
typedef struct {
    const guint8 *data;
    gsize         len;
} mras_bytes_key_t;

/* A granted password and where it came from. Scope: wmem_file_scope(). */
typedef struct {
    const char *password;   /* base64 text as in the XML */
    guint32     frame;      /* the MRAS response that granted it */
} mras_password_t;

static wmem_map_t *requests;   /* requestID -> mras_trans_t (latest) */
static wmem_map_t *passwords;  /* mras_bytes_key_t -> mras_password_t */

static guint
bytes_key_hash(gconstpointer k)
{
    const mras_bytes_key_t *key = (const mras_bytes_key_t *)k;
    return wmem_strong_hash(key->data, key->len);
}

static gboolean
bytes_key_equal(gconstpointer a, gconstpointer b)
{
    const mras_bytes_key_t *x = (const mras_bytes_key_t *)a;
    const mras_bytes_key_t *y = (const mras_bytes_key_t *)b;
    return x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
}

static void
mras_init(void)
{
    requests = wmem_map_new(wmem_file_scope(), wmem_str_hash, g_str_equal);
    passwords = wmem_map_new(wmem_file_scope(), bytes_key_hash, bytes_key_equal);
}

static void
mras_cleanup(void)
{
    /* The maps die with the file scope; no dangling pointer for
     * mras_lookup_password() between files. */
    requests = NULL;
    passwords = NULL;
}

/*
 * Strict base64 (core/textscan.c; XML white space skipped, as
 * xs:base64Binary allows): g_base64_decode() silently skips bad characters.
 * Returns the decoded bytes in @scope, or NULL when @text is not base64.
 */
static guint8 *
decode_base64_strict(wmem_allocator_t *scope, const char *text, gsize *out_len)
{
    size_t len = 0;
    guint8 *dec = textscan_base64_dup(text, strlen(text), TEXTSCAN_B64_SKIP_XML_SPACE, &len);
    guint8 *out = dec ? (guint8 *)wmem_memdup(scope, dec, len) : NULL;
    g_free(dec);
    *out_len = len;
    return out;
}

gboolean
mras_lookup_password(const guint8 *turn_username, size_t len, const char **password_b64, guint32 *frame)
{
    if (!passwords || !turn_username || len == 0)
        return FALSE;
    mras_bytes_key_t key = { turn_username, len };
    const mras_password_t *pw = (const mras_password_t *)wmem_map_lookup(passwords, &key);
    if (!pw)
        return FALSE;
    if (password_b64)
        *password_b64 = pw->password;
    if (frame)
        *frame = pw->frame;
    return TRUE;
}

static void
learn_passwords(const mras_doc_t *doc, guint32 frame)
{
    for (unsigned i = 0; i < doc->n_cred_resps; i++) {
        const mras_cred_resp_t *c = &doc->cred_resps[i];
        if (!c->username || !c->password || !c->password[0])
            continue;
        gsize len = 0;
        guint8 *bytes = decode_base64_strict(NULL, c->username, &len);
        if (!bytes)
            continue;   /* not base64: MS-TURN could not use it either */
        mras_bytes_key_t lookup = { bytes, len };
        if (wmem_map_lookup(passwords, &lookup)) {
            wmem_free(NULL, bytes);
            continue;   /* first one wins */
        }
        lookup.data = (const guint8 *)wmem_memdup(wmem_file_scope(), bytes, len);
        wmem_free(NULL, bytes);
        mras_bytes_key_t *key = wmem_new(wmem_file_scope(), mras_bytes_key_t);
        *key = lookup;
        mras_password_t *pw = wmem_new(wmem_file_scope(), mras_password_t);
        pw->password = wmem_strdup(wmem_file_scope(), c->password);
        pw->frame = frame;
        wmem_map_insert(passwords, key, pw);
    }
}

/*
 * First pass: record the request / link the response. Every pass: return
 * what the first pass recorded for this body (NULL when nothing).
 */
static mras_frame_t *
track_exchange(packet_info *pinfo, const mras_doc_t *doc, const guint8 *buf, guint len)
{
    /* Index of this body within the frame (multipart, several SIP
     * messages in one TCP segment). */
    guint idx = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_mras, 0));
    p_set_proto_data(pinfo->pool, pinfo, proto_mras, 0, GUINT_TO_POINTER(idx + 1));
    guint32 key = idx + 1;

    if (PINFO_FD_VISITED(pinfo))
        return (mras_frame_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_mras, key);
    if (doc->kind != MRAS_KIND_REQUEST && doc->kind != MRAS_KIND_RESPONSE)
        return NULL;

    mras_frame_t *fr = wmem_new0(wmem_file_scope(), mras_frame_t);
    conversation_t *conv = find_or_create_conversation(pinfo);
    mras_conv_t *cd = (mras_conv_t *)conversation_get_proto_data(conv, proto_mras);
    if (!cd) {
        cd = wmem_new0(wmem_file_scope(), mras_conv_t);
        conversation_add_proto_data(conv, proto_mras, cd);
    }

    if (doc->kind == MRAS_KIND_REQUEST) {
        mras_trans_t *tr = doc->request_id ? (mras_trans_t *)wmem_map_lookup(requests, doc->request_id) : NULL;
        if (tr && tr->resp_frame == 0 && tr->req_body_len == len && tr->req_body &&
            memcmp(tr->req_body, buf, len) == 0) {
            /* The same bytes again before any answer: a SIP retransmission. */
            fr->trans = tr;
            fr->retransmission = TRUE;
        } else {
            tr = wmem_new0(wmem_file_scope(), mras_trans_t);
            tr->req_frame = pinfo->num;
            tr->req_time = pinfo->abs_ts;
            if (len > 0 && len <= MRAS_KEEP_BODY_MAX) {
                tr->req_body = (guint8 *)wmem_memdup(wmem_file_scope(), buf, len);
                tr->req_body_len = len;
            }
            if (doc->request_id) {
                tr->request_id = wmem_strdup(wmem_file_scope(), doc->request_id);
                wmem_map_insert(requests, tr->request_id, tr);
            }
            fr->trans = tr;
        }
        cd->last_request = fr->trans;
    } else {
        mras_trans_t *tr = doc->request_id ? (mras_trans_t *)wmem_map_lookup(requests, doc->request_id) : NULL;
        if (!tr && cd->last_request && cd->last_request->resp_frame == 0) {
            tr = cd->last_request;
            fr->by_conversation = TRUE;
        }
        if (tr && tr->req_frame < pinfo->num) {
            if (tr->resp_frame == 0)
                tr->resp_frame = pinfo->num;
            fr->trans = tr;
        }
        learn_passwords(doc, pinfo->num);
    }
    p_add_proto_data(wmem_file_scope(), pinfo, proto_mras, key, fr);
    return fr;
}

/* ---- where a value is in the body --------------------------------------- */

/* The body bytes; offsets are relative to the body tvb. The search itself
 * is core/xmlspan.c; these wrappers put the fallback in. */
typedef struct {
    const guint8 *p;
    guint         len;
} body_t;

typedef xmlspan_span_t span_t;
typedef xmlspan_elem_t elem_t;
typedef xmlspan_walker_t walker_t;

/* The raw value of attribute @name in the start tag @stag, or @fallback. */
static span_t
attr_span(const body_t *b, span_t stag, const char *name, span_t fallback)
{
    span_t s;
    return xmlspan_found(xmlspan_attr(b->p, b->len, stag, name, &s)) ? s : fallback;
}

/* The value of the leaf element @local inside @parent, or @fallback. */
static span_t
leaf_span(const body_t *b, span_t parent, const char *local, const char *value, span_t fallback)
{
    span_t s;
    return xmlspan_found(xmlspan_leaf(b->p, b->len, parent, local, value, &s)) ? s : fallback;
}

/* The next element @local of a walk; its whole span, or the scope when not found. */
static span_t
walker_next(const body_t *b, walker_t *w, const char *local, elem_t *out)
{
    xmlspan_walker_next(b->p, b->len, w, local, out);
    return out->all;
}

/* ---- tree -------------------------------------------------------------- */

/* Items findings are attached to. Scope: pinfo->pool. */
typedef struct {
    proto_item  *top;
    proto_item **cred;      /* per credentialsRequest / credentialsResponse */
    proto_item ***relay;    /* per credentialsResponse, per mediaRelay */
} mras_items_t;

static proto_item *
add_string(proto_tree *tree, int hf, tvbuff_t *tvb, span_t s, const char *value)
{
    if (!value)
        return NULL;
    return proto_tree_add_string(tree, hf, tvb, s.offset, s.length, value);
}

static void
add_duration(proto_tree *tree, tvbuff_t *tvb, span_t s, const mras_duration_t *d)
{
    if (!d->present)
        return;
    if (d->valid) {
        proto_tree_add_uint(tree, hf_mras_duration, tvb, s.offset, s.length, d->minutes);
    } else {
        proto_tree_add_string_format(tree, hf_mras_invalid_value, tvb, s.offset, s.length, d->text ? d->text : "",
                                     "Duration: \"%s\" (not a positive number of minutes)",
                                     d->text ? d->text : "");
    }
}

static void
add_port(proto_tree *tree, int hf, const char *label, tvbuff_t *tvb, span_t s, const mras_port_t *p)
{
    if (!p->present)
        return;
    if (p->valid) {
        proto_tree_add_uint(tree, hf, tvb, s.offset, s.length, p->value);
    } else {
        proto_tree_add_string_format(tree, hf_mras_invalid_value, tvb, s.offset, s.length, p->text ? p->text : "",
                                     "%s: \"%s\" (not a port number 0-65535)", label, p->text ? p->text : "");
    }
}

/* "av.contoso.com:3478/443" (UDP/TCP, '-' when absent), in @scope. */
static const char *
relay_display(wmem_allocator_t *scope, const mras_relay_t *r)
{
    const char *host = r->host_name && r->host_name[0] ? r->host_name
                     : (r->direct_ip && r->direct_ip[0] ? r->direct_ip : "?");
    char udp[8] = "-", tcp[8] = "-";
    if (r->udp_port.valid)
        snprintf(udp, sizeof(udp), "%u", r->udp_port.value);
    if (r->tcp_port.valid)
        snprintf(tcp, sizeof(tcp), "%u", r->tcp_port.value);
    return wmem_strdup_printf(scope, "%s:%s/%s", host, udp, tcp);
}

static void
dissect_request_creds(tvbuff_t *tvb, packet_info *pinfo, proto_tree *mt, const body_t *b, span_t root_content,
                      const mras_doc_t *doc, mras_items_t *items)
{
    walker_t w;
    xmlspan_walker_init(&w, root_content);
    items->cred = wmem_alloc0_array(pinfo->pool, proto_item *, doc->n_cred_reqs);
    for (unsigned i = 0; i < doc->n_cred_reqs; i++) {
        const mras_cred_req_t *c = &doc->cred_reqs[i];
        elem_t el;
        span_t all = walker_next(b, &w, "credentialsRequest", &el);
        proto_item *ci = proto_tree_add_item(mt, hf_mras_credentials, tvb, all.offset, all.length, ENC_NA);
        proto_item_set_text(ci, "Credentials Request %u%s%s", i + 1, c->identity ? ": " : "",
                            c->identity ? c->identity : "");
        items->cred[i] = ci;
        proto_tree *ct = proto_item_add_subtree(ci, ett_mras_credentials);
        add_string(ct, hf_mras_credentials_request_id, tvb, attr_span(b, el.stag, "credentialsRequestID", all),
                   c->credentials_request_id);
        add_string(ct, hf_mras_identity, tvb, leaf_span(b, el.content, "identity", c->identity, all), c->identity);
        add_string(ct, hf_mras_location, tvb, leaf_span(b, el.content, "location", c->location, all), c->location);
        add_duration(ct, tvb, leaf_span(b, el.content, "duration", c->duration.text, all), &c->duration);
        if (c->location)
            proto_item_append_text(ci, " (%s", c->location);
        if (c->duration.valid)
            proto_item_append_text(ci, "%s%u min", c->location ? ", " : " (", c->duration.minutes);
        if (c->location || c->duration.valid)
            proto_item_append_text(ci, ")");
    }
}

static void
dissect_relay(tvbuff_t *tvb, proto_tree *ct, const body_t *b, walker_t *w, const mras_relay_t *r, unsigned j,
              proto_item **item)
{
    elem_t el;
    span_t all = walker_next(b, w, "mediaRelay", &el);
    proto_item *ri = proto_tree_add_item(ct, hf_mras_relay, tvb, all.offset, all.length, ENC_NA);
    *item = ri;
    proto_item_set_text(ri, "Media Relay %u", j + 1);
    const char *sep = ":";
    if (r->location) {
        proto_item_append_text(ri, "%s %s", sep, r->location);
        sep = "";
    }
    if (r->host_name) {
        proto_item_append_text(ri, "%s %s", sep, r->host_name);
        sep = "";
    }
    if (r->direct_ip) {
        proto_item_append_text(ri, "%s %s", sep, r->direct_ip);
        sep = "";
    }
    if (r->udp_port.valid) {
        proto_item_append_text(ri, "%s UDP %u", sep, r->udp_port.value);
        sep = "";
    }
    if (r->tcp_port.valid)
        proto_item_append_text(ri, "%s TCP %u", sep, r->tcp_port.value);
    proto_tree *rt = proto_item_add_subtree(ri, ett_mras_relay);
    add_string(rt, hf_mras_relay_location, tvb, leaf_span(b, el.content, "location", r->location, all), r->location);
    add_string(rt, hf_mras_relay_hostname, tvb, leaf_span(b, el.content, "hostName", r->host_name, all),
               r->host_name);
    add_string(rt, hf_mras_relay_address, tvb, leaf_span(b, el.content, "directIPAddress", r->direct_ip, all),
               r->direct_ip);
    add_port(rt, hf_mras_relay_udp_port, "UDP Port", tvb, leaf_span(b, el.content, "udpPort", r->udp_port.text, all),
             &r->udp_port);
    add_port(rt, hf_mras_relay_tcp_port, "TCP Port", tvb, leaf_span(b, el.content, "tcpPort", r->tcp_port.text, all),
             &r->tcp_port);
}

static void
dissect_response_creds(tvbuff_t *tvb, packet_info *pinfo, proto_tree *mt, const body_t *b, span_t root_content,
                       const mras_doc_t *doc, mras_items_t *items)
{
    walker_t w;
    xmlspan_walker_init(&w, root_content);
    items->cred = wmem_alloc0_array(pinfo->pool, proto_item *, doc->n_cred_resps);
    items->relay = wmem_alloc0_array(pinfo->pool, proto_item **, doc->n_cred_resps);
    for (unsigned i = 0; i < doc->n_cred_resps; i++) {
        const mras_cred_resp_t *c = &doc->cred_resps[i];
        elem_t el;
        span_t all = walker_next(b, &w, "credentialsResponse", &el);
        proto_item *ci = proto_tree_add_item(mt, hf_mras_credentials, tvb, all.offset, all.length, ENC_NA);
        proto_item_set_text(ci, "Credentials Response %u", i + 1);
        if (c->duration.valid)
            proto_item_append_text(ci, ": %u min", c->duration.minutes);
        if (c->n_relays)
            proto_item_append_text(ci, "%s %u relay%s", c->duration.valid ? "," : ":", c->n_relays,
                                   plurality(c->n_relays, "", "s"));
        items->cred[i] = ci;
        proto_tree *ct = proto_item_add_subtree(ci, ett_mras_credentials);
        add_string(ct, hf_mras_credentials_request_id, tvb, attr_span(b, el.stag, "credentialsRequestID", all),
                   c->credentials_request_id);

        /* <credentials>: the values the client uses for MS-TURN. */
        elem_t cel;
        span_t creds = all;
        if (c->has_credentials &&
            xmlspan_found(xmlspan_find_element(b->p, b->len, el.content, "credentials", &cel)))
            creds = cel.content;
        if (c->username) {
            span_t us = leaf_span(b, creds, "username", c->username, creds);
            add_string(ct, hf_mras_username, tvb, us, c->username);
            gsize dlen = 0;
            guint8 *dec = decode_base64_strict(pinfo->pool, c->username, &dlen);
            if (dec) {
                proto_item *pi = proto_tree_add_bytes_with_length(ct, hf_mras_username_decoded, tvb, us.offset,
                                                                  us.length, dec, (gint)dlen);
                proto_item_set_generated(pi);
            }
        }
        if (c->password) {
            span_t ps = leaf_span(b, creds, "password", c->password, creds);
            if (pref_show_password) {
                add_string(ct, hf_mras_password, tvb, ps, c->password);
            } else {
                proto_item *pi = proto_tree_add_string_format_value(ct, hf_mras_password, tvb, ps.offset, ps.length,
                                                                    "(hidden)",
                                                                    "<hidden> (preference mras.show_password)");
                proto_item_set_generated(pi);
            }
        }
        span_t ds = leaf_span(b, creds, "duration", c->duration.text, creds);
        add_duration(ct, tvb, ds, &c->duration);
        if (c->duration.valid) {
            /* Valid from the moment the client got them: the SIP message. */
            nstime_t expires = pinfo->abs_ts;
            expires.secs += (time_t)c->duration.minutes * 60;
            proto_item *pi = proto_tree_add_time(ct, hf_mras_expires, tvb, ds.offset, ds.length, &expires);
            proto_item_set_generated(pi);
            msice_expert_format(pinfo, pi, &ei_mras_expiry, "Edge credentials valid for %u minutes, until %s",
                                c->duration.minutes,
                                abs_time_to_str(pinfo->pool, &expires, ABSOLUTE_TIME_UTC, TRUE));
        }
        add_string(ct, hf_mras_realm, tvb, leaf_span(b, creds, "realm", c->realm, creds), c->realm);

        /* <mediaRelayList>: the A/V Edges to allocate on. */
        elem_t lel;
        span_t list = all;
        if (c->has_relay_list &&
            xmlspan_found(xmlspan_find_element(b->p, b->len, el.content, "mediaRelayList", &lel)))
            list = lel.content;
        walker_t rw;
        xmlspan_walker_init(&rw, list);
        items->relay[i] = wmem_alloc0_array(pinfo->pool, proto_item *, c->n_relays);
        for (unsigned j = 0; j < c->n_relays; j++)
            dissect_relay(tvb, ct, b, &rw, &c->relays[j], j, &items->relay[i][j]);
    }
}

/* ---- expert infos ------------------------------------------------------ */

/* Short label of a status for the Info column. */
static const char *
status_label(mras_status_t status)
{
    switch (status) {
    case MRAS_EMPTY:                return "empty body";
    case MRAS_TOO_LARGE:            return "body too large";
    case MRAS_NUL_BYTE:             return "NUL byte in body";
    case MRAS_NOT_XML:              return "not XML";
    case MRAS_BAD_UTF8:             return "invalid UTF-8";
    case MRAS_XML_ERROR:            return "XML error";
    case MRAS_TRUNCATED:            return "truncated";
    case MRAS_TOO_DEEP:
    case MRAS_TOO_MANY_ELEMENTS:
    case MRAS_TOO_MANY_ATTRIBUTES:
    case MRAS_VALUE_TOO_LONG:
    case MRAS_TOO_MANY_CREDENTIALS:
    case MRAS_TOO_MANY_RELAYS:      return "limit reached, not fully decoded";
    case MRAS_UNKNOWN_ROOT:         return "not an MRAS body";
    case MRAS_WRONG_NAMESPACE:      return "wrong namespace";
    case MRAS_OK:
    case MRAS_STATUS_COUNT:
        break;
    }
    return NULL;
}

static void
status_experts(packet_info *pinfo, proto_item *top, const mras_doc_t *doc)
{
    expert_field *ei = MSICE_STATUS_EI(mras_status_ei, doc->status);
    if (!ei)
        return;
    switch (doc->status) {
    case MRAS_WRONG_NAMESPACE:
        msice_expert_format(pinfo, top, ei,
                            "MRAS XML in namespace \"%s\", not " MRAS_NAMESPACE ": the client or server may ignore it",
                            doc->ns_uri ? doc->ns_uri : "(none)");
        return;
    case MRAS_UNKNOWN_ROOT:
        msice_expert_format(pinfo, top, ei, "XML root <%s> is neither <request> nor <response>: not an MRAS body",
                            doc->root_name ? doc->root_name : "?");
        return;
    case MRAS_TRUNCATED:
        if (doc->error_line > 0) {
            msice_expert_format(pinfo, top, ei,
                                "MRAS body ends before the XML document is complete (line %d column %d): %s",
                                doc->error_line, doc->error_column,
                                doc->error_message ? doc->error_message : "document not closed");
            return;
        }
        break;
    case MRAS_XML_ERROR:
    case MRAS_BAD_UTF8:
        if (doc->error_line > 0) {
            msice_expert_format(pinfo, top, ei, "XML does not parse at line %d column %d: %s",
                                doc->error_line, doc->error_column,
                                doc->error_message ? doc->error_message : mras_status_to_string(doc->status));
            return;
        }
        break;
    default:
        if (doc->error_line > 0) {
            /* A limit stopped the parse: say where. */
            msice_expert_format(pinfo, top, ei, "%s at line %d column %d: the rest is not decoded",
                                mras_status_to_string(doc->status), doc->error_line, doc->error_column);
            return;
        }
        break;
    }
    msice_expert_format(pinfo, top, ei, "%s", mras_status_to_string(doc->status));
}

/* What [MS-AVEDGEA] 2.2.4.7's failure reasons mean for the engineer. */
static const char *
reason_hint(mras_reason_t reason)
{
    switch (reason) {
    case MRAS_REASON_REQUEST_MALFORMED: return "the MRAS server could not read the client's request";
    case MRAS_REASON_REQUEST_TOO_LARGE: return "the client's request is too large";
    case MRAS_REASON_NOT_SUPPORTED:     return "the request is not supported by this MRAS server";
    case MRAS_REASON_SERVER_BUSY:       return "retry later may work";
    case MRAS_REASON_TIME_OUT:          return "the MRAS server timed out; retry may work";
    case MRAS_REASON_FORBIDDEN:         return "the user is not allowed to use the A/V Edge (policy or federation)";
    case MRAS_REASON_INTERNAL_ERROR:    return "server-side failure: check the Edge / MRAS event logs";
    case MRAS_REASON_OTHER_FAILURE:     return "server-side failure: check the Edge / MRAS event logs";
    case MRAS_REASON_VERSION_MISMATCH:  return "client and MRAS server versions do not match";
    default:                            return "";
    }
}

static const char *
finding_label(const mras_doc_t *doc, const mras_finding_t *f)
{
    if (f->relay_index >= 0)
        return "mediaRelay";
    if (f->cred_index >= 0)
        return doc->kind == MRAS_KIND_REQUEST ? "credentialsRequest" : "credentialsResponse";
    return doc->root_name ? doc->root_name : "root";
}

static void
raise_finding(packet_info *pinfo, const mras_doc_t *doc, const mras_doc_t *req, guint32 req_frame,
              const mras_finding_t *f, const mras_items_t *items)
{
    const mras_cred_req_t *crq = NULL;
    const mras_cred_resp_t *crs = NULL;
    const mras_relay_t *relay = NULL;
    proto_item *at = items->top;

    if (f->cred_index >= 0) {
        if (doc->kind == MRAS_KIND_REQUEST && (unsigned)f->cred_index < doc->n_cred_reqs) {
            crq = &doc->cred_reqs[f->cred_index];
            at = items->cred ? items->cred[f->cred_index] : at;
        } else if (doc->kind == MRAS_KIND_RESPONSE && (unsigned)f->cred_index < doc->n_cred_resps) {
            crs = &doc->cred_resps[f->cred_index];
            at = items->cred ? items->cred[f->cred_index] : at;
            if (f->relay_index >= 0 && (unsigned)f->relay_index < crs->n_relays) {
                relay = &crs->relays[f->relay_index];
                at = items->relay && items->relay[f->cred_index] ? items->relay[f->cred_index][f->relay_index] : at;
            }
        }
    }
    unsigned rn = f->relay_index >= 0 ? (unsigned)f->relay_index + 1 : 0;
    const char *detail = f->detail ? f->detail : "";
    expert_field *ei = MSICE_STATUS_EI(mras_check_ei, f->check);
    if (f->check == MRAS_CHECK_REASON_FAILED && f->severity != MRAS_SEV_ERROR)
        ei = &ei_mras_refused_retry;
    if (!ei)
        return;

    switch (f->check) {
    case MRAS_CHECK_REASON_FAILED:
        msice_expert_format(pinfo, at, ei,
                            "MRAS refused the request (%s): no A/V Edge credentials; %s",
                            doc->reason_phrase ? doc->reason_phrase : "?", reason_hint(doc->reason));
        break;
    case MRAS_CHECK_REASON_UNKNOWN:
        msice_expert_format(pinfo, at, ei,
                            "MRAS reasonPhrase \"%s\" is not a documented value: no A/V Edge credentials",
                            doc->reason_phrase ? doc->reason_phrase : "");
        break;
    case MRAS_CHECK_MISSING_ATTRIBUTE:
        msice_expert_format(pinfo, at, ei, "Required attribute %s missing on <%s>",
                            detail, finding_label(doc, f));
        break;
    case MRAS_CHECK_NO_CREDENTIALS_REQUEST:
        msice_expert_format(pinfo, at, ei,
                            "MRAS request asks for no credentials (no credentialsRequest): the server has nothing to grant");
        break;
    case MRAS_CHECK_NO_CREDENTIALS:
        msice_expert_format(pinfo, at, ei,
                            "MRAS response without credentials: the client gets no Edge credentials: "
                            "it will offer only local candidates");
        break;
    case MRAS_CHECK_CREDENTIALS_INCOMPLETE:
        msice_expert_format(pinfo, at, ei,
                            "MRAS credentials without %s: the client cannot authenticate to the A/V Edge", detail);
        break;
    case MRAS_CHECK_NO_RELAYS:
        msice_expert_format(pinfo, at, ei,
                            "MRAS response lists no media relay: the client has no A/V Edge to allocate on "
                            "and will offer only local candidates");
        break;
    case MRAS_CHECK_RELAY_NO_ADDRESS:
        msice_expert_format(pinfo, at, ei,
                            "Media relay %u has neither hostName nor directIPAddress: the client cannot reach it", rn);
        break;
    case MRAS_CHECK_RELAY_TWO_ADDRESSES:
        msice_expert_format(pinfo, at, ei,
                            "Media relay %u has both hostName (%s) and directIPAddress (%s): the schema allows one",
                            rn, relay && relay->host_name ? relay->host_name : "?",
                            relay && relay->direct_ip ? relay->direct_ip : "?");
        break;
    case MRAS_CHECK_RELAY_NO_PORT:
        msice_expert_format(pinfo, at, ei,
                            "Media relay %u has neither udpPort nor tcpPort: the client cannot use it", rn);
        break;
    case MRAS_CHECK_RELAY_NO_LOCATION:
        msice_expert_format(pinfo, at, ei,
                            "Media relay %u has no location (internet or intranet)", rn);
        break;
    case MRAS_CHECK_UNKNOWN_LOCATION: {
        const char *loc = relay ? relay->location : (crq ? crq->location : NULL);
        msice_expert_format(pinfo, at, ei,
                            "location \"%s\" is neither internet nor intranet", loc ? loc : "");
        break;
    }
    case MRAS_CHECK_BAD_PORT: {
        const mras_port_t *p = NULL;
        if (relay)
            p = strcmp(detail, "tcpPort") == 0 ? &relay->tcp_port : &relay->udp_port;
        msice_expert_format(pinfo, at, ei, "Media relay %u %s \"%s\" is not a port number 0-65535",
                            rn, detail, p && p->text ? p->text : "");
        break;
    }
    case MRAS_CHECK_BAD_DURATION: {
        const mras_duration_t *d = crq ? &crq->duration : (crs ? &crs->duration : NULL);
        msice_expert_format(pinfo, at, ei, "duration \"%s\" is not a positive number of minutes",
                            d && d->text ? d->text : "");
        break;
    }
    case MRAS_CHECK_REQUEST_ID_MISMATCH:
        msice_expert_format(pinfo, at, ei,
                            "MRAS response requestID \"%s\" does not match the request's \"%s\" (frame %u)",
                            doc->request_id ? doc->request_id : "",
                            req && req->request_id ? req->request_id : "", req_frame);
        break;
    case MRAS_CHECK_CRED_ID_MISMATCH:
        msice_expert_format(pinfo, at, ei,
                            "credentialsRequestID \"%s\" is not in the request (frame %u)",
                            crs && crs->credentials_request_id ? crs->credentials_request_id : "", req_frame);
        break;
    case MRAS_CHECK_DURATION_SHORTENED: {
        const mras_cred_req_t *rq = crs ? mras_find_cred_req(req, crs->credentials_request_id) : NULL;
        msice_expert_format(pinfo, at, ei,
                            "MRAS granted %u minutes, the request (frame %u) asked for %u: the credentials expire sooner",
                            crs ? crs->duration.minutes : 0, req_frame, rq ? rq->duration.minutes : 0);
        break;
    }
    case MRAS_CHECK_COUNT:
        break;
    }
}

static void
check_experts(packet_info *pinfo, const mras_doc_t *doc, const mras_doc_t *req, guint32 req_frame,
              const mras_items_t *items)
{
    size_t n = mras_check(doc, req, NULL, 0);
    if (n == 0)
        return;
    size_t shown = MIN(n, MRAS_MAX_FINDINGS);
    mras_finding_t *f = wmem_alloc_array(pinfo->pool, mras_finding_t, shown);
    mras_check(doc, req, f, shown);
    for (size_t i = 0; i < shown; i++)
        raise_finding(pinfo, doc, req, req_frame, &f[i], items);
    if (n > shown)
        msice_expert_format(pinfo, items->top, &ei_mras_too_many_findings,
                            "%zu more problems in this MRAS body are not shown", n - shown);
}

/* ---- Info column --------------------------------------------------------- */

static void
set_info(packet_info *pinfo, const mras_doc_t *doc)
{
    wmem_strbuf_t *s = wmem_strbuf_new(pinfo->pool, "MRAS");
    const char *bad = status_label(doc->status);

    if (doc->kind == MRAS_KIND_REQUEST) {
        wmem_strbuf_append(s, " request");
        if (bad)
            wmem_strbuf_append_printf(s, " [%s]", bad);
        if (doc->n_cred_reqs > 0) {
            const mras_cred_req_t *c = &doc->cred_reqs[0];
            wmem_strbuf_append(s, ": credentials");
            if (c->identity)
                wmem_strbuf_append_printf(s, " for %s", c->identity);
            if (c->location || c->duration.valid) {
                wmem_strbuf_append(s, " (");
                if (c->location)
                    wmem_strbuf_append(s, c->location);
                if (c->duration.valid)
                    wmem_strbuf_append_printf(s, "%s%u min", c->location ? ", " : "", c->duration.minutes);
                wmem_strbuf_append(s, ")");
            }
            if (doc->n_cred_reqs > 1)
                wmem_strbuf_append_printf(s, " +%u more", doc->n_cred_reqs - 1);
        }
    } else if (doc->kind == MRAS_KIND_RESPONSE) {
        wmem_strbuf_append(s, " response");
        if (doc->reason_phrase)
            wmem_strbuf_append_printf(s, " %s", doc->reason_phrase);
        if (bad)
            wmem_strbuf_append_printf(s, " [%s]", bad);
        unsigned n_relays = 0;
        const mras_cred_resp_t *granted = NULL;
        for (unsigned i = 0; i < doc->n_cred_resps; i++) {
            const mras_cred_resp_t *c = &doc->cred_resps[i];
            n_relays += c->n_relays;
            if (!granted && c->has_credentials && c->username && c->username[0] && c->password && c->password[0])
                granted = c;
        }
        wmem_strbuf_append(s, ":");
        if (n_relays > 0) {
            wmem_strbuf_append_printf(s, " %u relay%s (", n_relays, plurality(n_relays, "", "s"));
            unsigned listed = 0;
            for (unsigned i = 0; i < doc->n_cred_resps && listed < MRAS_INFO_MAX_RELAYS; i++) {
                const mras_cred_resp_t *c = &doc->cred_resps[i];
                for (unsigned j = 0; j < c->n_relays && listed < MRAS_INFO_MAX_RELAYS; j++, listed++)
                    wmem_strbuf_append_printf(s, "%s%s", listed ? ", " : "", relay_display(pinfo->pool, &c->relays[j]));
            }
            wmem_strbuf_append(s, n_relays > listed ? ", ...)," : "),");
        }
        if (granted) {
            wmem_strbuf_append(s, " credentials");
            if (granted->duration.valid)
                wmem_strbuf_append_printf(s, " %u min", granted->duration.minutes);
        } else if (!bad || doc->status == MRAS_WRONG_NAMESPACE) {
            /* Said only when the whole body was read. */
            wmem_strbuf_append(s, " no credentials");
        }
        /* Drop a dangling ':' or ',' when nothing followed. */
        const char *str = wmem_strbuf_get_str(s);
        gsize slen = strlen(str);
        if (slen > 0 && (str[slen - 1] == ':' || str[slen - 1] == ','))
            wmem_strbuf_truncate(s, slen - 1);
    } else if (bad) {
        wmem_strbuf_append_printf(s, " [%s]", bad);
    }
    /* SIP ends its part with " | " (and a fence) before handing over the
     * body: don't double the separator. */
    const char *info = col_get_text(pinfo->cinfo, COL_INFO);
    if (info && g_str_has_suffix(info, " | "))
        col_append_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(s));
    else
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", wmem_strbuf_get_str(s));
}

/* ---- one body ------------------------------------------------------------ */

/* Both docs of a dissection, freed together in dissect_mras()'s FINALLY.
 * The struct is in pinfo->pool; the docs are GLib-owned. */
typedef struct {
    mras_doc_t *doc;
    mras_doc_t *req;   /* the request a response answers, re-parsed */
} mras_docs_t;

static void
free_docs(void *arg)
{
    mras_docs_t *d = (mras_docs_t *)arg;
    mras_doc_free(d->doc);
    mras_doc_free(d->req);
    d->doc = NULL;
    d->req = NULL;
}

static void
dissect_doc(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const body_t *b, const mras_doc_t *doc,
            const mras_doc_t *req, const mras_frame_t *fr)
{
    mras_items_t items = { NULL, NULL, NULL };
    span_t whole = xmlspan_span_make(0, b->len);
    static const char *const kinds[] = { NULL, "request", "response" };

    proto_item *top = proto_tree_add_item(tree, proto_mras, tvb, 0, -1, ENC_NA);
    items.top = top;
    proto_tree *mt = proto_item_add_subtree(top, ett_mras);

    /* The root element, found by the name GMarkup reported. */
    elem_t root;
    span_t root_content = whole;
    span_t root_stag = whole;
    if (doc->root_name) {
        const char *colon = strrchr(doc->root_name, ':');
        const char *local = colon ? colon + 1 : doc->root_name;
        if (xmlspan_found(xmlspan_find_element(b->p, b->len, whole, local, &root))) {
            root_content = root.content;
            root_stag = root.stag;
        }
    }

    if (doc->kind == MRAS_KIND_REQUEST || doc->kind == MRAS_KIND_RESPONSE) {
        proto_item *pi = proto_tree_add_string(mt, hf_mras_kind, tvb, root_stag.offset, root_stag.length,
                                               kinds[doc->kind]);
        proto_item_set_generated(pi);
        proto_item_append_text(top, ", %s", doc->kind == MRAS_KIND_REQUEST ? "Request" : "Response");
        if (doc->reason_phrase)
            proto_item_append_text(top, " %s", doc->reason_phrase);
    }
    add_string(mt, hf_mras_request_id, tvb, attr_span(b, root_stag, "requestID", root_stag), doc->request_id);
    add_string(mt, hf_mras_version, tvb, attr_span(b, root_stag, "version", root_stag), doc->version);
    add_string(mt, hf_mras_server_version, tvb, attr_span(b, root_stag, "serverVersion", root_stag),
               doc->server_version);
    add_string(mt, hf_mras_from, tvb, attr_span(b, root_stag, "from", root_stag), doc->from);
    add_string(mt, hf_mras_to, tvb, attr_span(b, root_stag, "to", root_stag), doc->to);
    add_string(mt, hf_mras_route, tvb, attr_span(b, root_stag, "route", root_stag), doc->route);
    add_string(mt, hf_mras_reason, tvb, attr_span(b, root_stag, "reasonPhrase", root_stag), doc->reason_phrase);
    if (doc->ns_uri)
        add_string(mt, hf_mras_namespace, tvb, attr_span(b, root_stag, "xmlns", root_stag), doc->ns_uri);

    /* Request/response links, from what the first pass recorded. */
    mras_trans_t *tr = fr ? fr->trans : NULL;
    if (tr && doc->kind == MRAS_KIND_REQUEST) {
        if (fr->retransmission)
            msice_expert_format(pinfo, top, &ei_mras_retransmission,
                                "Retransmission of the MRAS request in frame %u", tr->req_frame);
        if (tr->resp_frame) {
            proto_item *pi = proto_tree_add_uint(mt, hf_mras_response_in, tvb, 0, 0, tr->resp_frame);
            proto_item_set_generated(pi);
        } else if (PINFO_FD_VISITED(pinfo) && !fr->retransmission) {
            /* Known only once the whole capture has been read. */
            msice_expert_format(pinfo, top, &ei_mras_no_response,
                                "MRAS request never answered with an MRAS body in this capture "
                                "(look for a SIP error response to the SERVICE)");
        }
    } else if (tr && doc->kind == MRAS_KIND_RESPONSE) {
        proto_item *pi = proto_tree_add_uint(mt, hf_mras_response_to, tvb, 0, 0, tr->req_frame);
        proto_item_set_generated(pi);
        if (fr->by_conversation)
            proto_item_append_text(pi, " (same connection; no request with this requestID)");
        nstime_t delta;
        nstime_delta(&delta, &pinfo->abs_ts, &tr->req_time);
        pi = proto_tree_add_time(mt, hf_mras_time, tvb, 0, 0, &delta);
        proto_item_set_generated(pi);
    }

    if (doc->kind == MRAS_KIND_REQUEST)
        dissect_request_creds(tvb, pinfo, mt, b, root_content, doc, &items);
    else if (doc->kind == MRAS_KIND_RESPONSE)
        dissect_response_creds(tvb, pinfo, mt, b, root_content, doc, &items);

    /* Problems: how far the body could be read, then what it says. */
    status_experts(pinfo, top, doc);
    check_experts(pinfo, doc, req, tr ? tr->req_frame : 0, &items);
    if (doc->kind == MRAS_KIND_RESPONSE) {
        for (unsigned i = 0; i < doc->n_cred_resps; i++) {
            if (doc->cred_resps[i].password && doc->cred_resps[i].password[0]) {
                msice_expert(pinfo, top, &ei_mras_secret);
                break;
            }
        }
    }
    /* Counted only for a body read to its end: in a broken one, elements
     * after the break land in odd places and the count misleads. */
    if ((doc->status == MRAS_OK || doc->status == MRAS_WRONG_NAMESPACE) &&
        (doc->n_unknown_elements || doc->n_unknown_attributes))
        msice_expert_format(pinfo, top, &ei_mras_not_interpreted,
                            "%u element%s and %u attribute%s not in [MS-AVEDGEA] were skipped",
                            doc->n_unknown_elements, plurality(doc->n_unknown_elements, "", "s"),
                            doc->n_unknown_attributes, plurality(doc->n_unknown_attributes, "", "s"));
    set_info(pinfo, doc);
}

/* The per-call model learns who asked MRAS, from where, and what came back. */
static void
feed_model(packet_info *pinfo, const mras_doc_t *doc)
{
    icecall_model_t *model = msice_model();
    if (!model || PINFO_FD_VISITED(pinfo) || doc->kind == MRAS_KIND_UNKNOWN)
        return;
    icecall_msg_t msg;
    icecall_addr_t client;
    memset(&msg, 0, sizeof(msg));
    msg.frame = pinfo->num;
    msg.time_us = msice_time_us(pinfo);
    if (doc->kind == MRAS_KIND_REQUEST) {
        address_to_icecall(&client, &pinfo->net_src, 0);
        icecall_location_t loc = ICECALL_LOC_UNKNOWN;
        if (doc->n_cred_reqs && doc->cred_reqs[0].location_kind == MRAS_LOCATION_INTERNET)
            loc = ICECALL_LOC_INTERNET;
        else if (doc->n_cred_reqs && doc->cred_reqs[0].location_kind == MRAS_LOCATION_INTRANET)
            loc = ICECALL_LOC_INTRANET;
        icecall_add_mras(model, &msg, &client, FALSE, NULL, 0, TRUE, loc);
        return;
    }
    address_to_icecall(&client, &pinfo->net_dst, 0);
    gboolean ok = doc->reason == MRAS_REASON_OK && doc->n_cred_resps && doc->cred_resps[0].has_credentials;
    unsigned n_relays = 0;
    for (unsigned i = 0; i < doc->n_cred_resps; i++)
        n_relays += doc->cred_resps[i].n_relays;
    icecall_add_mras(model, &msg, &client, ok,
                     doc->reason_phrase ? doc->reason_phrase : (ok ? "OK" : "no credentials"), n_relays, FALSE,
                     ICECALL_LOC_UNKNOWN);
}

static int
dissect_mras(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    /* data is the caller's http_message_info_t (4.0; media_content_info_t
     * from 4.2 on) or NULL; nothing in it is needed here. */
    guint len = tvb_captured_length(tvb);
    const guint8 *buf = len ? tvb_get_ptr(tvb, 0, len) : NULL;
    body_t body = { buf, len };
    mras_docs_t *docs = wmem_new0(pinfo->pool, mras_docs_t);

    const char *proto_col = col_get_text(pinfo->cinfo, COL_PROTOCOL);
    if (!proto_col || !g_str_has_suffix(proto_col, "/MRAS"))
        col_append_str(pinfo->cinfo, COL_PROTOCOL, "/MRAS");
    mras_parse((const char *)buf, len, &docs->doc);
    /* Tree building can throw (e.g. the tree depth limit): free the docs
     * on every path. CLEANUP_PUSH is not usable from a 4.0 plugin
     * (except_setup_clean is not exported); FINALLY does the same. */
    TRY {
        mras_frame_t *fr = track_exchange(pinfo, docs->doc, buf, len);
        if (fr && fr->trans && docs->doc->kind == MRAS_KIND_RESPONSE && fr->trans->req_body) {
            mras_parse((const char *)fr->trans->req_body, fr->trans->req_body_len, &docs->req);
            if (docs->req->kind != MRAS_KIND_REQUEST) {
                mras_doc_free(docs->req);
                docs->req = NULL;
            }
        }
        dissect_doc(tvb, pinfo, tree, &body, docs->doc, docs->req, fr);
        feed_model(pinfo, docs->doc);
    }
    FINALLY {
        free_docs(docs);
    }
    ENDTRY;
    return (int)len;
}

/* ---- registration -------------------------------------------------------- */

void
proto_register_mras(void)
{
    static hf_register_info hf[] = {
        { &hf_mras_kind, { "Kind", "mras.kind", FT_STRING, BASE_NONE, NULL, 0x0,
              "request (client to MRAS, in a SIP SERVICE) or response (MRAS to client)", HFILL } },
        { &hf_mras_request_id, { "Request ID", "mras.request_id", FT_STRING, BASE_NONE, NULL, 0x0,
              "requestID: the response echoes the request's", HFILL } },
        { &hf_mras_version, { "Version", "mras.version", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_mras_server_version, { "Server Version", "mras.server_version", FT_STRING, BASE_NONE, NULL, 0x0,
              NULL, HFILL } },
        { &hf_mras_from, { "From", "mras.from", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_mras_to, { "To", "mras.to", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_mras_route, { "Route", "mras.route", FT_STRING, BASE_NONE, NULL, 0x0,
              "loadbalanced (default) or directip", HFILL } },
        { &hf_mras_reason, { "Reason", "mras.reason", FT_STRING, BASE_NONE, NULL, 0x0,
              "reasonPhrase of the response ([MS-AVEDGEA] 2.2.4.7)", HFILL } },
        { &hf_mras_namespace, { "Namespace", "mras.namespace", FT_STRING, BASE_NONE, NULL, 0x0,
              "XML namespace of the body (expected " MRAS_NAMESPACE ")", HFILL } },
        { &hf_mras_response_in, { "Response In", "mras.response_in", FT_FRAMENUM, BASE_NONE,
              FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The MRAS response to this request is in this frame", HFILL } },
        { &hf_mras_response_to, { "Request In", "mras.response_to", FT_FRAMENUM, BASE_NONE,
              FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "This is the MRAS response to the request in this frame",
              HFILL } },
        { &hf_mras_time, { "Response Time", "mras.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
              "Time between the MRAS request and this response", HFILL } },
        { &hf_mras_credentials, { "Credentials", "mras.credentials", FT_NONE, BASE_NONE, NULL, 0x0,
              "One credentialsRequest or credentialsResponse", HFILL } },
        { &hf_mras_credentials_request_id, { "Credentials Request ID", "mras.credentials_request_id", FT_STRING,
              BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_mras_identity, { "Identity", "mras.identity", FT_STRING, BASE_NONE, NULL, 0x0,
              "SIP URI the credentials are asked for", HFILL } },
        { &hf_mras_location, { "Location", "mras.location", FT_STRING, BASE_NONE, NULL, 0x0,
              "Where the client is: internet or intranet", HFILL } },
        { &hf_mras_duration, { "Duration", "mras.duration", FT_UINT32, BASE_DEC | BASE_UNIT_STRING,
              &units_minute_minutes, 0x0, "Lifetime asked for (request) or granted (response)", HFILL } },
        { &hf_mras_expires, { "Expires", "mras.expires", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
              "Time of the SIP message plus the granted duration", HFILL } },
        { &hf_mras_username, { "Username", "mras.username", FT_STRING, BASE_NONE, NULL, 0x0,
              "MS-TURN user name, base64 as sent", HFILL } },
        { &hf_mras_username_decoded, { "Username (decoded)", "mras.username_decoded", FT_BYTES, BASE_NONE, NULL, 0x0,
              "Base64-decoded user name: the value of the MS-TURN USERNAME attribute (msturn.attr.username)",
              HFILL } },
        { &hf_mras_password, { "Password", "mras.password", FT_STRING, BASE_NONE, NULL, 0x0,
              "MS-TURN password, base64 as sent (a secret)", HFILL } },
        { &hf_mras_realm, { "Realm", "mras.realm", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_mras_relay, { "Media Relay", "mras.relay", FT_NONE, BASE_NONE, NULL, 0x0,
              "One A/V Edge the client may allocate on", HFILL } },
        { &hf_mras_relay_location, { "Location", "mras.relay.location", FT_STRING, BASE_NONE, NULL, 0x0,
              "internet (external Edge interface) or intranet (internal)", HFILL } },
        { &hf_mras_relay_hostname, { "Host Name", "mras.relay.hostname", FT_STRING, BASE_NONE, NULL, 0x0,
              NULL, HFILL } },
        { &hf_mras_relay_address, { "Direct IP Address", "mras.relay.address", FT_STRING, BASE_NONE, NULL, 0x0,
              "directIPAddress as sent", HFILL } },
        { &hf_mras_relay_udp_port, { "UDP Port", "mras.relay.udp_port", FT_UINT16, BASE_DEC, NULL, 0x0,
              NULL, HFILL } },
        { &hf_mras_relay_tcp_port, { "TCP Port", "mras.relay.tcp_port", FT_UINT16, BASE_DEC, NULL, 0x0,
              NULL, HFILL } },
        { &hf_mras_invalid_value, { "Invalid Value", "mras.invalid_value", FT_STRING, BASE_NONE, NULL, 0x0,
              "A duration or port that is not a number in range, as sent", HFILL } },
    };

    static gint *ett[] = {
        &ett_mras, &ett_mras_credentials, &ett_mras_relay,
    };

    static ei_register_info ei[] = {
        /* how far the body could be read (mras_status_t) */
        { &ei_mras_empty, { "mras.expert.empty", PI_MALFORMED, PI_WARN,
              "MRAS body is empty or holds no XML element", EXPFILL } },
        { &ei_mras_too_large, { "mras.expert.too_large", PI_UNDECODED, PI_WARN,
              "MRAS body too large to parse: not decoded", EXPFILL } },
        { &ei_mras_nul_byte, { "mras.expert.nul_byte", PI_MALFORMED, PI_ERROR,
              "MRAS body contains a NUL byte (UTF-16 or binary?): not decoded", EXPFILL } },
        { &ei_mras_not_xml, { "mras.expert.not_xml", PI_MALFORMED, PI_ERROR,
              "MRAS body is not XML", EXPFILL } },
        { &ei_mras_bad_utf8, { "mras.expert.bad_utf8", PI_MALFORMED, PI_ERROR,
              "MRAS body is not valid UTF-8", EXPFILL } },
        { &ei_mras_xml_error, { "mras.expert.xml_error", PI_MALFORMED, PI_ERROR,
              "XML does not parse", EXPFILL } },
        { &ei_mras_truncated, { "mras.expert.truncated", PI_MALFORMED, PI_ERROR,
              "MRAS body ends before the XML document is complete", EXPFILL } },
        { &ei_mras_too_deep, { "mras.expert.too_deep", PI_UNDECODED, PI_WARN,
              "MRAS XML nested too deeply: the rest is not decoded", EXPFILL } },
        { &ei_mras_too_many_elements, { "mras.expert.too_many_elements", PI_UNDECODED, PI_WARN,
              "MRAS XML has too many elements: the rest is not decoded", EXPFILL } },
        { &ei_mras_too_many_attributes, { "mras.expert.too_many_attributes", PI_UNDECODED, PI_WARN,
              "MRAS XML element has too many attributes: the rest is not decoded", EXPFILL } },
        { &ei_mras_value_too_long, { "mras.expert.value_too_long", PI_UNDECODED, PI_WARN,
              "MRAS XML value too long: the rest is not decoded", EXPFILL } },
        { &ei_mras_too_many_credentials, { "mras.expert.too_many_credentials", PI_UNDECODED, PI_WARN,
              "More than 100 credentialsRequest/credentialsResponse: the rest is not decoded", EXPFILL } },
        { &ei_mras_too_many_relays, { "mras.expert.too_many_relays", PI_UNDECODED, PI_WARN,
              "Too many mediaRelay in one list: the rest is not decoded", EXPFILL } },
        { &ei_mras_unknown_root, { "mras.expert.unknown_root", PI_PROTOCOL, PI_WARN,
              "XML root is neither <request> nor <response>: not an MRAS body", EXPFILL } },
        { &ei_mras_wrong_namespace, { "mras.expert.wrong_namespace", PI_PROTOCOL, PI_WARN,
              "MRAS XML not in the MRAS namespace", EXPFILL } },
        /* what the body says (mras_check_t) */
        { &ei_mras_refused, { "mras.expert.refused", PI_RESPONSE_CODE, PI_ERROR,
              "MRAS refused the request: no A/V Edge credentials", EXPFILL } },
        { &ei_mras_refused_retry, { "mras.expert.refused_retry", PI_RESPONSE_CODE, PI_WARN,
              "MRAS refused the request for now (busy, time-out, not supported): no A/V Edge credentials",
              EXPFILL } },
        { &ei_mras_reason_unknown, { "mras.expert.reason_unknown", PI_RESPONSE_CODE, PI_ERROR,
              "MRAS reasonPhrase is not a documented value", EXPFILL } },
        { &ei_mras_missing_attribute, { "mras.expert.missing_attribute", PI_PROTOCOL, PI_WARN,
              "Required MRAS attribute missing", EXPFILL } },
        { &ei_mras_no_credentials_request, { "mras.expert.no_credentials_request", PI_PROTOCOL, PI_WARN,
              "MRAS request asks for no credentials", EXPFILL } },
        { &ei_mras_no_credentials, { "mras.expert.no_credentials", PI_PROTOCOL, PI_ERROR,
              "MRAS response without credentials: the client gets no Edge credentials: it will offer only local candidates",
              EXPFILL } },
        { &ei_mras_credentials_incomplete, { "mras.expert.credentials_incomplete", PI_PROTOCOL, PI_ERROR,
              "MRAS credentials lack username or password", EXPFILL } },
        { &ei_mras_no_relays, { "mras.expert.no_relays", PI_PROTOCOL, PI_WARN,
              "MRAS response lists no media relay (A/V Edge)", EXPFILL } },
        { &ei_mras_relay_no_address, { "mras.expert.relay_no_address", PI_PROTOCOL, PI_ERROR,
              "Media relay has neither hostName nor directIPAddress", EXPFILL } },
        { &ei_mras_relay_two_addresses, { "mras.expert.relay_two_addresses", PI_PROTOCOL, PI_WARN,
              "Media relay has both hostName and directIPAddress", EXPFILL } },
        { &ei_mras_relay_no_port, { "mras.expert.relay_no_port", PI_PROTOCOL, PI_WARN,
              "Media relay has neither udpPort nor tcpPort", EXPFILL } },
        { &ei_mras_relay_no_location, { "mras.expert.relay_no_location", PI_PROTOCOL, PI_WARN,
              "Media relay has no location", EXPFILL } },
        { &ei_mras_unknown_location, { "mras.expert.unknown_location", PI_PROTOCOL, PI_NOTE,
              "location is neither internet nor intranet", EXPFILL } },
        { &ei_mras_bad_port, { "mras.expert.bad_port", PI_MALFORMED, PI_ERROR,
              "Port is not a number 0-65535", EXPFILL } },
        { &ei_mras_bad_duration, { "mras.expert.bad_duration", PI_MALFORMED, PI_ERROR,
              "Duration is not a positive number of minutes", EXPFILL } },
        { &ei_mras_request_id_mismatch, { "mras.expert.request_id_mismatch", PI_SEQUENCE, PI_ERROR,
              "MRAS response requestID does not match the request", EXPFILL } },
        { &ei_mras_credentials_request_id_mismatch, { "mras.expert.credentials_request_id_mismatch", PI_SEQUENCE,
              PI_ERROR, "credentialsRequestID not found in the request", EXPFILL } },
        { &ei_mras_duration_shortened, { "mras.expert.duration_shortened", PI_SEQUENCE, PI_NOTE,
              "MRAS granted a shorter duration than requested", EXPFILL } },
        /* from this layer */
        { &ei_mras_secret, { "mras.expert.secret", PI_SECURITY, PI_NOTE,
              "This capture holds MRAS relay credentials (user name and password): treat it as secret before sharing it",
              EXPFILL } },
        { &ei_mras_expiry, { "mras.expert.expiry", PI_SEQUENCE, PI_CHAT,
              "Edge credentials validity", EXPFILL } },
        { &ei_mras_no_response, { "mras.expert.no_response", PI_SEQUENCE, PI_NOTE,
              "MRAS request never answered with an MRAS body in this capture", EXPFILL } },
        { &ei_mras_retransmission, { "mras.expert.retransmission", PI_SEQUENCE, PI_NOTE,
              "Retransmitted MRAS request", EXPFILL } },
        { &ei_mras_not_interpreted, { "mras.expert.not_interpreted", PI_UNDECODED, PI_CHAT,
              "Elements or attributes not in [MS-AVEDGEA] were skipped", EXPFILL } },
        { &ei_mras_too_many_findings, { "mras.expert.too_many_findings", PI_UNDECODED, PI_NOTE,
              "More problems in this MRAS body are not shown", EXPFILL } },
    };

    proto_mras = proto_register_protocol("Microsoft Media Relay Authentication Service (MRAS)", "MRAS", "mras");
    proto_register_field_array(proto_mras, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto_mras);
    expert_register_field_array(em, ei, array_length(ei));

    mras_handle = register_dissector("mras", dissect_mras, proto_mras);

    module_t *mod = prefs_register_protocol(proto_mras, NULL);
    prefs_register_bool_preference(mod, "show_password", "Show MRAS passwords",
                                   "Show the MS-TURN password of MRAS responses (needed to check MS-TURN "
                                   "MESSAGE-INTEGRITY by hand); when off, mras.password reads \"(hidden)\"",
                                   &pref_show_password);

    register_init_routine(mras_init);
    register_cleanup_routine(mras_cleanup);
}

void
proto_reg_handoff_mras(void)
{
    dissector_add_string("media_type", MRAS_MEDIA_TYPE, mras_handle);
}
