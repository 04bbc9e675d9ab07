/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mras.c - MRAS body reader over GLib's GMarkup. See mras.h.
 *
 * References: [MS-AVEDGEA] 2.2.3.1.1 (request), 2.2.3.1.2 (response),
 * 2.2.3.1.3.2 (mediaRelay rules), 2.2.4.3 (credentialsType), 2.2.4.4
 * (mediaRelayType), 2.2.4.7 (reasonPhraseType); digest in
 * specs/ms-avedgea-mras.md.
 *
 * Element tree the reader interprets (everything else is skipped):
 *
 *   request  @requestID @version @to @from @route
 *     credentialsRequest @credentialsRequestID          (<= 100)
 *       identity | location | duration
 *   response @requestID @version @serverVersion @to @from @reasonPhrase
 *     credentialsResponse @credentialsRequestID         (<= 100)
 *       credentials
 *         username | password | duration | realm
 *       mediaRelayList
 *         mediaRelay                                    (<= MAX_RELAYS)
 *           location | hostName | directIPAddress | udpPort | tcpPort
 *
 * GMarkup and hostile input. GMarkup expands only the five predefined
 * entities and character references; a DOCTYPE (internal subset included)
 * is handed to the passthrough callback, which is not set, so entity
 * declarations are never read and a reference to one is a parse error: no
 * external fetch, no exponential expansion. GMarkup keeps the open-element
 * stack and the attributes of one tag in memory; the body-size limit bounds
 * both, and the callbacks stop the parse at the limits below.
 */
#include "mras.h"
#include "textscan.h"

#include <stdarg.h>
#include <string.h>

#include <glib.h>

/* ---- named limits ------------------------------------------------------
 * A real response is about 1 KiB: one credentialsResponse, two relays.
 */
#define MRAS_MAX_BODY          (64u * 1024u) /* bytes; checked before parsing */
#define MRAS_MAX_DEPTH         16u    /* open elements; the tree above needs 5 */
#define MRAS_MAX_ELEMENTS      4096u  /* 100 credentialsResponse x 2 relays needs ~1900 */
#define MRAS_MAX_ATTRS         32u    /* per element; GMarkup's own cap is 1000 */
#define MRAS_MAX_TEXT          8192u  /* bytes of one text value, attribute value or name */
#define MRAS_MAX_RELAYS        32u    /* mediaRelay per mediaRelayList */
#define MRAS_MAX_ERROR_MESSAGE 200    /* characters kept of a parse error message */
/* MRAS_MAX_CREDENTIALS (100, the schema's maxOccurs) is in mras.h. */

G_STATIC_ASSERT(MRAS_MAX_BODY <= G_MAXSSIZE);

/* ---- what an open element is ------------------------------------------ */

typedef enum {
    N_SKIP = 0,      /* unknown, or inside an unknown element */
    N_REQUEST,
    N_RESPONSE,
    N_CRED_REQ,      /* request/credentialsRequest */
    N_CRED_RESP,     /* response/credentialsResponse */
    N_CREDENTIALS,   /* .../credentials */
    N_RELAY_LIST,    /* .../mediaRelayList */
    N_RELAY,         /* .../mediaRelay */
    /* leaves: their text is collected and stored at the end tag */
    N_IDENTITY,
    N_REQ_LOCATION,
    N_REQ_DURATION,
    N_USERNAME,
    N_PASSWORD,
    N_CRED_DURATION,
    N_REALM,
    N_RELAY_LOCATION,
    N_HOST_NAME,
    N_DIRECT_IP,
    N_UDP_PORT,
    N_TCP_PORT,
} node_t;

#define NODE_IS_LEAF(n) ((n) >= N_IDENTITY)

typedef struct {
    node_t      parent;
    const char *name;   /* local name */
    node_t      node;
} child_rule_t;

static const child_rule_t child_rules[] = {
    { N_REQUEST,     "credentialsRequest",  N_CRED_REQ },
    { N_CRED_REQ,    "identity",            N_IDENTITY },
    { N_CRED_REQ,    "location",            N_REQ_LOCATION },
    { N_CRED_REQ,    "duration",            N_REQ_DURATION },
    { N_RESPONSE,    "credentialsResponse", N_CRED_RESP },
    { N_CRED_RESP,   "credentials",         N_CREDENTIALS },
    { N_CRED_RESP,   "mediaRelayList",      N_RELAY_LIST },
    { N_CREDENTIALS, "username",            N_USERNAME },
    { N_CREDENTIALS, "password",            N_PASSWORD },
    { N_CREDENTIALS, "duration",            N_CRED_DURATION },
    { N_CREDENTIALS, "realm",               N_REALM },
    { N_RELAY_LIST,  "mediaRelay",          N_RELAY },
    { N_RELAY,       "location",            N_RELAY_LOCATION },
    { N_RELAY,       "hostName",            N_HOST_NAME },
    { N_RELAY,       "directIPAddress",     N_DIRECT_IP },
    { N_RELAY,       "udpPort",             N_UDP_PORT },
    { N_RELAY,       "tcpPort",             N_TCP_PORT },
};

/* One xmlns / xmlns:p declaration, in scope while its element is open. */
typedef struct {
    unsigned depth;   /* of the declaring element */
    char    *prefix;  /* NULL for the default namespace */
    char    *uri;     /* "" undeclares the default namespace */
} ns_decl_t;

typedef struct {
    mras_doc_t *doc;
    mras_status_t status;   /* set by the callback that stops the parse */
    unsigned    depth;      /* open elements */
    node_t      stack[MRAS_MAX_DEPTH + 1]; /* stack[d] = element at depth d (1-based) */
    bool        root_seen;
    bool        ns_flagged; /* doc->ns already downgraded */
    GString    *text;       /* text of the open leaf */
    GArray     *ns_decls;   /* ns_decl_t */
    unsigned    cap_cred_reqs;
    unsigned    cap_cred_resps;
} parse_t;

/* ---- small helpers ---------------------------------------------------- */

static const char *
local_name(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon ? colon + 1 : name;
}

static bool
is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
has_text(const char *s)
{
    return s != NULL && s[0] != '\0';
}

/* Stops the parse: GMarkup returns FALSE from parse() with this error. */
static void
fail(parse_t *pd, GError **error, mras_status_t status, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void
fail(parse_t *pd, GError **error, mras_status_t status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    pd->status = status;
    g_set_error_literal(error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, msg);
    g_free(msg);
}

/* Keeps the first value: later duplicates are ignored (documented in mras.h). */
static void
set_once(char **dst, const char *value)
{
    if (*dst == NULL)
        *dst = g_strdup(value);
}

/* Trims XML whitespace (xs:positiveInteger / unsignedShort collapse it). */
static void
trim_span(const char *s, const char **start, const char **end)
{
    const char *b = s;
    const char *e = s + strlen(s);
    while (b < e && is_xml_space(*b))
        b++;
    while (e > b && is_xml_space(e[-1]))
        e--;
    *start = b;
    *end = e;
}

/*
 * Strict unsigned decimal: optional '+' (xs:integer lexical form), then one
 * or more ASCII digits, nothing else; value in [min, max] (textscan_dec64:
 * no atoi/sscanf, overflow checked).
 */
static bool
parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    const char *b, *e;
    trim_span(s, &b, &e);
    if (b < e && *b == '+')
        b++;
    uint64_t v;
    if (!textscan_dec64(b, (size_t)(e - b), max, &v) || v < min)
        return false;
    *out = v;
    return true;
}

static void
set_duration(mras_duration_t *d, const char *text)
{
    uint64_t v;
    if (d->present)
        return;
    d->present = true;
    d->text = g_strdup(text);
    if (parse_uint(text, 1, UINT32_MAX, &v)) {
        d->valid = true;
        d->minutes = (uint32_t)v;
    }
}

static void
set_port(mras_port_t *p, const char *text)
{
    uint64_t v;
    if (p->present)
        return;
    p->present = true;
    p->text = g_strdup(text);
    if (parse_uint(text, 0, 65535, &v)) {
        p->valid = true;
        p->value = (uint16_t)v;
    }
}

static mras_location_t
location_from_string(const char *text)
{
    const char *b, *e;
    trim_span(text, &b, &e);
    size_t n = (size_t)(e - b);
    if (n == 8 && memcmp(b, "internet", 8) == 0)
        return MRAS_LOCATION_INTERNET;
    if (n == 8 && memcmp(b, "intranet", 8) == 0)
        return MRAS_LOCATION_INTRANET;
    return MRAS_LOCATION_UNKNOWN;
}

static void
set_location(char **dst, mras_location_t *kind, const char *text)
{
    if (*dst != NULL)
        return;
    *dst = g_strdup(text);
    *kind = location_from_string(text);
}

/* Appends one zeroed credentialsRequest / credentialsResponse. */
static mras_cred_req_t *
add_cred_req(mras_doc_t *doc, unsigned *cap)
{
    if (doc->n_cred_reqs == *cap) {
        *cap = *cap ? *cap * 2u : 2u;
        doc->cred_reqs = g_renew(mras_cred_req_t, doc->cred_reqs, *cap);
    }
    mras_cred_req_t *c = &doc->cred_reqs[doc->n_cred_reqs++];
    memset(c, 0, sizeof *c);
    return c;
}

static mras_cred_resp_t *
add_cred_resp(mras_doc_t *doc, unsigned *cap)
{
    if (doc->n_cred_resps == *cap) {
        *cap = *cap ? *cap * 2u : 2u;
        doc->cred_resps = g_renew(mras_cred_resp_t, doc->cred_resps, *cap);
    }
    mras_cred_resp_t *c = &doc->cred_resps[doc->n_cred_resps++];
    memset(c, 0, sizeof *c);
    return c;
}

/* Relays have no separate capacity field: the array grows at powers of two. */
static mras_relay_t *
add_relay(mras_cred_resp_t *cr)
{
    unsigned n = cr->n_relays;
    if (n == 0 || (n & (n - 1u)) == 0)
        cr->relays = g_renew(mras_relay_t, cr->relays, n ? n * 2u : 1u);
    mras_relay_t *r = &cr->relays[n];
    memset(r, 0, sizeof *r);
    cr->n_relays = n + 1u;
    return r;
}

/* ---- namespaces ------------------------------------------------------- */

static const char *
ns_lookup(const parse_t *pd, const char *prefix, size_t prefix_len)
{
    for (guint i = pd->ns_decls->len; i > 0; i--) {
        const ns_decl_t *d = &g_array_index(pd->ns_decls, ns_decl_t, i - 1);
        if (prefix == NULL) {
            if (d->prefix == NULL)
                return d->uri[0] ? d->uri : NULL; /* xmlns="" undeclares */
        } else if (d->prefix != NULL && strlen(d->prefix) == prefix_len &&
                   memcmp(d->prefix, prefix, prefix_len) == 0) {
            return d->uri;
        }
    }
    return NULL;
}

/* Resolves an interpreted element's namespace and records the verdict. */
static void
ns_check(parse_t *pd, const char *element_name)
{
    const char *colon = strrchr(element_name, ':');
    const char *uri = colon ? ns_lookup(pd, element_name, (size_t)(colon - element_name))
                            : ns_lookup(pd, NULL, 0);
    mras_ns_t verdict = uri == NULL ? MRAS_NS_NONE
                      : strcmp(uri, MRAS_NAMESPACE) == 0 ? MRAS_NS_EXPECTED
                      : MRAS_NS_OTHER;
    mras_doc_t *doc = pd->doc;

    if (pd->depth == 1) {
        doc->ns = verdict;
        doc->ns_uri = uri ? g_strdup(uri) : NULL;
        pd->ns_flagged = verdict != MRAS_NS_EXPECTED;
    } else if (verdict != MRAS_NS_EXPECTED && !pd->ns_flagged) {
        /* Root was right, a child is not: report the child's namespace. */
        doc->ns = verdict;
        g_free(doc->ns_uri);
        doc->ns_uri = uri ? g_strdup(uri) : NULL;
        pd->ns_flagged = true;
    }
}

static void
ns_pop(parse_t *pd, unsigned depth)
{
    while (pd->ns_decls->len > 0) {
        ns_decl_t *d = &g_array_index(pd->ns_decls, ns_decl_t, pd->ns_decls->len - 1);
        if (d->depth < depth)
            break;
        g_free(d->prefix);
        g_free(d->uri);
        g_array_set_size(pd->ns_decls, pd->ns_decls->len - 1);
    }
}

/* ---- GMarkup callbacks ------------------------------------------------ */

static node_t
child_node(node_t parent, const char *local)
{
    if (parent == N_SKIP || NODE_IS_LEAF(parent))
        return N_SKIP;
    for (size_t i = 0; i < G_N_ELEMENTS(child_rules); i++) {
        if (child_rules[i].parent == parent && strcmp(child_rules[i].name, local) == 0)
            return child_rules[i].node;
    }
    return N_SKIP;
}

static mras_cred_req_t *
cur_cred_req(parse_t *pd)
{
    return &pd->doc->cred_reqs[pd->doc->n_cred_reqs - 1];
}

static mras_cred_resp_t *
cur_cred_resp(parse_t *pd)
{
    return &pd->doc->cred_resps[pd->doc->n_cred_resps - 1];
}

static mras_relay_t *
cur_relay(parse_t *pd)
{
    mras_cred_resp_t *cr = cur_cred_resp(pd);
    return &cr->relays[cr->n_relays - 1];
}

/* Stores the attributes an interpreted element is known to carry. */
static void
take_attributes(parse_t *pd, node_t node, const char **names, const char **values)
{
    mras_doc_t *doc = pd->doc;

    for (size_t i = 0; names[i] != NULL; i++) {
        const char *full = names[i];
        if (strcmp(full, "xmlns") == 0 || g_str_has_prefix(full, "xmlns:"))
            continue;
        const char *a = local_name(full);
        const char *v = values[i];
        bool known = true;

        switch (node) {
        case N_REQUEST:
        case N_RESPONSE:
            if (strcmp(a, "requestID") == 0)
                set_once(&doc->request_id, v);
            else if (strcmp(a, "version") == 0)
                set_once(&doc->version, v);
            else if (strcmp(a, "to") == 0)
                set_once(&doc->to, v);
            else if (strcmp(a, "from") == 0)
                set_once(&doc->from, v);
            else if (node == N_REQUEST && strcmp(a, "route") == 0)
                set_once(&doc->route, v);
            else if (node == N_RESPONSE && strcmp(a, "serverVersion") == 0)
                set_once(&doc->server_version, v);
            else if (node == N_RESPONSE && strcmp(a, "reasonPhrase") == 0) {
                if (doc->reason_phrase == NULL) {
                    doc->reason_phrase = g_strdup(v);
                    doc->reason = mras_reason_from_string(v);
                }
            } else
                known = false;
            break;
        case N_CRED_REQ:
            if (strcmp(a, "credentialsRequestID") == 0)
                set_once(&cur_cred_req(pd)->credentials_request_id, v);
            else
                known = false;
            break;
        case N_CRED_RESP:
            if (strcmp(a, "credentialsRequestID") == 0)
                set_once(&cur_cred_resp(pd)->credentials_request_id, v);
            else
                known = false;
            break;
        default:
            known = false;
            break;
        }
        if (!known)
            doc->n_unknown_attributes++;
    }
}

static void
on_start(GMarkupParseContext *ctx, const char *name, const char **attr_names,
         const char **attr_values, gpointer user_data, GError **error)
{
    parse_t *pd = user_data;
    mras_doc_t *doc = pd->doc;
    (void)ctx;

    /* Limits first: they count every element, known or not. */
    if (pd->depth == 0 && pd->root_seen) {
        fail(pd, error, MRAS_XML_ERROR, "more than one root element");
        return;
    }
    if (++doc->n_elements > MRAS_MAX_ELEMENTS) {
        fail(pd, error, MRAS_TOO_MANY_ELEMENTS, "more than %u elements", MRAS_MAX_ELEMENTS);
        return;
    }
    if (pd->depth >= MRAS_MAX_DEPTH) {
        fail(pd, error, MRAS_TOO_DEEP, "elements nested deeper than %u", MRAS_MAX_DEPTH);
        return;
    }
    if (strlen(name) > MRAS_MAX_TEXT) {
        fail(pd, error, MRAS_VALUE_TOO_LONG, "element name longer than %u bytes", MRAS_MAX_TEXT);
        return;
    }
    size_t n_attrs = 0;
    for (; attr_names[n_attrs] != NULL; n_attrs++) {
        if (n_attrs >= MRAS_MAX_ATTRS) {
            fail(pd, error, MRAS_TOO_MANY_ATTRIBUTES,
                 "element <%.64s> has more than %u attributes", name, MRAS_MAX_ATTRS);
            return;
        }
        if (strlen(attr_names[n_attrs]) > MRAS_MAX_TEXT ||
            strlen(attr_values[n_attrs]) > MRAS_MAX_TEXT) {
            fail(pd, error, MRAS_VALUE_TOO_LONG,
                 "attribute %.64s of <%.64s> longer than %u bytes",
                 attr_names[n_attrs], name, MRAS_MAX_TEXT);
            return;
        }
        /* GMarkup does not reject duplicate attributes; XML 1.0 3.1 does.
         * Quadratic, but n_attrs <= MRAS_MAX_ATTRS. */
        for (size_t j = 0; j < n_attrs; j++) {
            if (strcmp(attr_names[j], attr_names[n_attrs]) == 0) {
                fail(pd, error, MRAS_XML_ERROR, "attribute %.64s given twice in <%.64s>",
                     attr_names[n_attrs], name);
                return;
            }
        }
    }

    pd->depth++;
    if (pd->depth > doc->max_depth)
        doc->max_depth = pd->depth;

    /* Namespace declarations of this element are in scope for itself. */
    for (size_t i = 0; i < n_attrs; i++) {
        const char *an = attr_names[i];
        ns_decl_t d = { pd->depth, NULL, NULL };
        if (strcmp(an, "xmlns") == 0)
            d.prefix = NULL;
        else if (g_str_has_prefix(an, "xmlns:"))
            d.prefix = g_strdup(an + 6);
        else
            continue;
        d.uri = g_strdup(attr_values[i]);
        g_array_append_val(pd->ns_decls, d);
    }

    node_t node;
    if (pd->depth == 1) {
        pd->root_seen = true;
        doc->root_name = g_strdup(name);
        const char *local = local_name(name);
        if (strcmp(local, "request") == 0) {
            node = N_REQUEST;
            doc->kind = MRAS_KIND_REQUEST;
        } else if (strcmp(local, "response") == 0) {
            node = N_RESPONSE;
            doc->kind = MRAS_KIND_RESPONSE;
        } else {
            fail(pd, error, MRAS_UNKNOWN_ROOT,
                 "root element <%.64s> is neither request nor response", name);
            return;
        }
    } else {
        node = child_node(pd->stack[pd->depth - 1], local_name(name));
    }
    pd->stack[pd->depth] = node;

    if (node == N_SKIP) {
        if (pd->stack[pd->depth - 1] != N_SKIP)
            doc->n_unknown_elements++; /* count the skipped subtree's top only */
        return;
    }
    ns_check(pd, name);

    switch (node) {
    case N_CRED_REQ:
        if (doc->n_cred_reqs >= MRAS_MAX_CREDENTIALS) {
            fail(pd, error, MRAS_TOO_MANY_CREDENTIALS, "more than %u credentialsRequest",
                 MRAS_MAX_CREDENTIALS);
            return;
        }
        add_cred_req(doc, &pd->cap_cred_reqs);
        break;
    case N_CRED_RESP:
        if (doc->n_cred_resps >= MRAS_MAX_CREDENTIALS) {
            fail(pd, error, MRAS_TOO_MANY_CREDENTIALS, "more than %u credentialsResponse",
                 MRAS_MAX_CREDENTIALS);
            return;
        }
        add_cred_resp(doc, &pd->cap_cred_resps);
        break;
    case N_CREDENTIALS:
        cur_cred_resp(pd)->has_credentials = true;
        break;
    case N_RELAY_LIST:
        cur_cred_resp(pd)->has_relay_list = true;
        break;
    case N_RELAY:
        if (cur_cred_resp(pd)->n_relays >= MRAS_MAX_RELAYS) {
            fail(pd, error, MRAS_TOO_MANY_RELAYS, "more than %u mediaRelay in one mediaRelayList",
                 MRAS_MAX_RELAYS);
            return;
        }
        add_relay(cur_cred_resp(pd));
        break;
    default:
        break;
    }
    take_attributes(pd, node, attr_names, attr_values);
    if (NODE_IS_LEAF(node))
        g_string_truncate(pd->text, 0);
}

static void
store_leaf(parse_t *pd, node_t node, const char *text)
{
    switch (node) {
    case N_IDENTITY:
        set_once(&cur_cred_req(pd)->identity, text);
        break;
    case N_REQ_LOCATION: {
        mras_cred_req_t *c = cur_cred_req(pd);
        set_location(&c->location, &c->location_kind, text);
        break;
    }
    case N_REQ_DURATION:
        set_duration(&cur_cred_req(pd)->duration, text);
        break;
    case N_USERNAME:
        set_once(&cur_cred_resp(pd)->username, text);
        break;
    case N_PASSWORD:
        set_once(&cur_cred_resp(pd)->password, text);
        break;
    case N_CRED_DURATION:
        set_duration(&cur_cred_resp(pd)->duration, text);
        break;
    case N_REALM:
        set_once(&cur_cred_resp(pd)->realm, text);
        break;
    case N_RELAY_LOCATION: {
        mras_relay_t *r = cur_relay(pd);
        set_location(&r->location, &r->location_kind, text);
        break;
    }
    case N_HOST_NAME:
        set_once(&cur_relay(pd)->host_name, text);
        break;
    case N_DIRECT_IP:
        set_once(&cur_relay(pd)->direct_ip, text);
        break;
    case N_UDP_PORT:
        set_port(&cur_relay(pd)->udp_port, text);
        break;
    case N_TCP_PORT:
        set_port(&cur_relay(pd)->tcp_port, text);
        break;
    default:
        break;
    }
}

static void
on_end(GMarkupParseContext *ctx, const char *name, gpointer user_data, GError **error)
{
    parse_t *pd = user_data;
    (void)ctx;
    (void)name;
    (void)error;

    if (pd->depth == 0)
        return; /* cannot happen: GMarkup matches end tags */
    node_t node = pd->stack[pd->depth];
    if (NODE_IS_LEAF(node))
        store_leaf(pd, node, pd->text->str);
    ns_pop(pd, pd->depth);
    pd->depth--;
}

static void
on_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer user_data,
        GError **error)
{
    parse_t *pd = user_data;
    (void)ctx;

    /* Text of other elements (indentation, unknown content) is not kept;
     * the body-size limit bounds what GMarkup buffers for it. */
    if (pd->depth == 0 || !NODE_IS_LEAF(pd->stack[pd->depth]))
        return;
    /* Several chunks when comments or CDATA sections split the text. */
    if (len > MRAS_MAX_TEXT || pd->text->len + len > MRAS_MAX_TEXT) {
        fail(pd, error, MRAS_VALUE_TOO_LONG, "text longer than %u bytes", MRAS_MAX_TEXT);
        return;
    }
    g_string_append_len(pd->text, text, (gssize)len);
}

static const GMarkupParser parser = {
    on_start, on_end, on_text,
    NULL, /* passthrough: comments, PIs, DOCTYPE are ignored unread */
    NULL,
};

/* ---- entry points ----------------------------------------------------- */

/* GMarkup prefixes its own messages with "Error on line N char M: " or
 * "Error on line N: " (English only: a translated prefix is kept). */
static const char *
strip_position_prefix(const char *msg)
{
    static const char head[] = "Error on line ";
    if (!g_str_has_prefix(msg, head))
        return msg;
    const char *p = msg + sizeof head - 1;
    while (g_ascii_isdigit(*p))
        p++;
    if (g_str_has_prefix(p, " char ")) {
        p += 6;
        while (g_ascii_isdigit(*p))
            p++;
    }
    if (g_str_has_prefix(p, ": "))
        return p + 2;
    return msg;
}

/* GMarkup may quote invalid UTF-8 in its messages, and names in them can
 * be long: keep a valid, bounded copy. */
static char *
clean_message(const char *msg)
{
    char *valid = g_utf8_make_valid(strip_position_prefix(msg), -1);
    if (g_utf8_strlen(valid, -1) <= MRAS_MAX_ERROR_MESSAGE)
        return valid;
    char *cut = g_utf8_substring(valid, 0, MRAS_MAX_ERROR_MESSAGE);
    char *out = g_strconcat(cut, "...", NULL);
    g_free(cut);
    g_free(valid);
    return out;
}

static mras_status_t
status_from_gmarkup(const GError *err, bool at_end)
{
    if (err->domain != G_MARKUP_ERROR)
        return MRAS_XML_ERROR;
    switch (err->code) {
    case G_MARKUP_ERROR_BAD_UTF8: return MRAS_BAD_UTF8;
    case G_MARKUP_ERROR_EMPTY:    return MRAS_EMPTY;
    default:                      return at_end ? MRAS_TRUNCATED : MRAS_XML_ERROR;
    }
}

/*
 * Length of the longest valid UTF-8 prefix of buf[0..len). GMarkup must never
 * see a byte past it, for two reasons.
 *
 * 1. GLib's own handling of a CDATA section that is not valid UTF-8 (with
 *    G_MARKUP_TREAT_CDATA_AS_TEXT and a text callback, as here; GLib 2.74
 *    gmarkup.c, STATE_INSIDE_PASSTHROUGH, unchanged in later releases):
 *    text_validate() sets the caller's GError and marks the context failed,
 *    but the branch then sees its own tmp_error still NULL, resets the state
 *    to "after close angle" and parses on. parse() can then return TRUE
 *    with the error set, and the next error GMarkup raises (another syntax
 *    error, or end_parse()'s "Document ended unexpectedly inside a comment
 *    or processing instruction") is set over the first: GLib warns "GError
 *    set over the top of a previous GError", the position is that of the
 *    later error, and the callbacks kept filling the doc past the bad bytes.
 *    Issue 13; no callback of ours sets an error twice.
 * 2. GMarkup reports bad UTF-8 in text only where the text ends, and never
 *    checks comments or processing instructions (no passthrough callback);
 *    cutting at the first bad byte puts the error exactly there, and XML 1.0
 *    (section 4.3.3) makes any byte sequence outside the encoding an error.
 * The valid prefix ends on a character boundary, so every CDATA section,
 * name, value and text GMarkup hands over from it is valid UTF-8.
 */
static size_t
utf8_prefix(const char *buf, size_t len, bool *cut_in_char)
{
    const gchar *end = NULL;
    *cut_in_char = false;
    if (g_utf8_validate_len(buf, len, &end))
        return len;
    size_t valid = (size_t)(end - buf);
    /* (gunichar)-2: the bytes left start a character the body cuts short,
     * which is a truncation (a lost segment), not an encoding error. */
    *cut_in_char = g_utf8_get_char_validated(end, (gssize)(len - valid)) == (gunichar)-2;
    return valid;
}

/* Checks that need no parser: size, NUL, blank, first byte. *skip is the
 * length of a UTF-8 byte order mark, which GMarkup before 2.76 rejects. */
static mras_status_t
precheck(const char *buf, size_t len, size_t *skip)
{
    *skip = 0;
    if (len == 0 || buf == NULL)
        return MRAS_EMPTY;
    if (len > MRAS_MAX_BODY)
        return MRAS_TOO_LARGE;
    if (memchr(buf, '\0', len) != NULL)
        return MRAS_NUL_BYTE;
    size_t i = 0;
    if (len >= 3 && (guchar)buf[0] == 0xEF && (guchar)buf[1] == 0xBB && (guchar)buf[2] == 0xBF)
        i = *skip = 3;
    while (i < len && is_xml_space(buf[i]))
        i++;
    if (i == len)
        return MRAS_EMPTY;
    if (buf[i] != '<')
        return MRAS_NOT_XML;
    return MRAS_OK;
}

mras_status_t
mras_parse(const char *buf, size_t len, mras_doc_t **out)
{
    g_return_val_if_fail(out != NULL, MRAS_EMPTY);

    mras_doc_t *doc = g_new0(mras_doc_t, 1);
    *out = doc;
    doc->ns = MRAS_NS_NONE;

    size_t skip;
    doc->status = precheck(buf, len, &skip);
    if (doc->status != MRAS_OK)
        return doc->status;

    parse_t pd = { 0 };
    pd.doc = doc;
    pd.status = MRAS_OK;
    pd.text = g_string_new(NULL);
    pd.ns_decls = g_array_new(FALSE, FALSE, sizeof(ns_decl_t));

    /* GMarkup is handed the valid UTF-8 prefix of the body only: see
     * utf8_prefix(). */
    const char *body = buf + skip;
    size_t body_len = len - skip;
    bool cut_in_char;
    size_t valid_len = utf8_prefix(body, body_len, &cut_in_char);

    GMarkupParseContext *ctx = g_markup_parse_context_new(
        &parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &pd, NULL);
    GError *err = NULL;
    bool at_end = false;
    bool bad_utf8 = false;
    gboolean ok = g_markup_parse_context_parse(ctx, body, (gssize)valid_len, &err);
    if (ok && err != NULL)
        ok = FALSE;   /* success with an error set: believe the error, go no further */
    if (ok && valid_len < body_len && !cut_in_char) {
        /* Read cleanly up to the first bad byte. The document does not end
         * there, so end_parse() is not called. */
        bad_utf8 = true;
    } else if (ok) {
        /* The whole body, or all of it but a character it cuts short. */
        at_end = true;
        ok = g_markup_parse_context_end_parse(ctx, &err);
        bad_utf8 = ok && valid_len < body_len; /* half a character after the root */
    }

    if (bad_utf8) {
        /* GMarkup's position is that of the first byte it was not given. */
        doc->status = MRAS_BAD_UTF8;
        g_markup_parse_context_get_position(ctx, &doc->error_line, &doc->error_column);
        doc->error_message = g_strdup_printf(
            "invalid UTF-8 sequence starting with byte 0x%02X; the rest of the body is not read",
            (unsigned)(guchar)body[valid_len]);
    } else if (!ok) {
        if (pd.status != MRAS_OK)
            doc->status = pd.status;   /* a callback stopped it */
        else
            doc->status = status_from_gmarkup(err, at_end);
        g_markup_parse_context_get_position(ctx, &doc->error_line, &doc->error_column);
        doc->error_message = clean_message(err ? err->message : "parse failed");
    } else if (!pd.root_seen) {
        doc->status = MRAS_EMPTY;      /* only comments or processing instructions */
    } else if (doc->ns != MRAS_NS_EXPECTED) {
        doc->status = MRAS_WRONG_NAMESPACE;
    } else {
        doc->status = MRAS_OK;
    }

    g_clear_error(&err);
    g_markup_parse_context_free(ctx);
    ns_pop(&pd, 0);
    g_array_free(pd.ns_decls, TRUE);
    g_string_free(pd.text, TRUE);
    return doc->status;
}

static void
free_duration(mras_duration_t *d)
{
    g_free(d->text);
}

static void
free_port(mras_port_t *p)
{
    g_free(p->text);
}

void
mras_doc_free(mras_doc_t *doc)
{
    if (doc == NULL)
        return;
    for (unsigned i = 0; i < doc->n_cred_reqs; i++) {
        mras_cred_req_t *c = &doc->cred_reqs[i];
        g_free(c->credentials_request_id);
        g_free(c->identity);
        g_free(c->location);
        free_duration(&c->duration);
    }
    g_free(doc->cred_reqs);
    for (unsigned i = 0; i < doc->n_cred_resps; i++) {
        mras_cred_resp_t *c = &doc->cred_resps[i];
        g_free(c->credentials_request_id);
        g_free(c->username);
        g_free(c->password);
        free_duration(&c->duration);
        g_free(c->realm);
        for (unsigned j = 0; j < c->n_relays; j++) {
            mras_relay_t *r = &c->relays[j];
            g_free(r->location);
            g_free(r->host_name);
            g_free(r->direct_ip);
            free_port(&r->udp_port);
            free_port(&r->tcp_port);
        }
        g_free(c->relays);
    }
    g_free(doc->cred_resps);
    g_free(doc->root_name);
    g_free(doc->ns_uri);
    g_free(doc->error_message);
    g_free(doc->request_id);
    g_free(doc->version);
    g_free(doc->to);
    g_free(doc->from);
    g_free(doc->route);
    g_free(doc->server_version);
    g_free(doc->reason_phrase);
    g_free(doc);
}

/* ---- value tables ----------------------------------------------------- */

static const struct {
    mras_reason_t   reason;
    const char     *text;
    mras_severity_t severity;
} reason_table[] = {
    /* [MS-AVEDGEA] 2.2.4.7; severities from the digest's table */
    { MRAS_REASON_OK,                "OK",                    MRAS_SEV_CHAT },
    { MRAS_REASON_REQUEST_MALFORMED, "Request Malformed",     MRAS_SEV_ERROR },
    { MRAS_REASON_REQUEST_TOO_LARGE, "Request Too Large",     MRAS_SEV_ERROR },
    { MRAS_REASON_NOT_SUPPORTED,     "Not Supported",         MRAS_SEV_WARN },
    { MRAS_REASON_SERVER_BUSY,       "Server Busy",           MRAS_SEV_WARN },
    { MRAS_REASON_TIME_OUT,          "Time Out",              MRAS_SEV_WARN },
    { MRAS_REASON_FORBIDDEN,         "Forbidden",             MRAS_SEV_ERROR },
    { MRAS_REASON_INTERNAL_ERROR,    "Internal Server Error", MRAS_SEV_ERROR },
    { MRAS_REASON_OTHER_FAILURE,     "Other Failure",         MRAS_SEV_ERROR },
    { MRAS_REASON_VERSION_MISMATCH,  "Version Mismatch",      MRAS_SEV_ERROR },
};

mras_reason_t
mras_reason_from_string(const char *s)
{
    if (s == NULL)
        return MRAS_REASON_NONE;
    for (size_t i = 0; i < G_N_ELEMENTS(reason_table); i++) {
        if (strcmp(reason_table[i].text, s) == 0)
            return reason_table[i].reason;
    }
    return MRAS_REASON_UNKNOWN;
}

const char *
mras_reason_to_string(mras_reason_t reason)
{
    for (size_t i = 0; i < G_N_ELEMENTS(reason_table); i++) {
        if (reason_table[i].reason == reason)
            return reason_table[i].text;
    }
    return reason == MRAS_REASON_NONE ? "(absent)" : "(unknown)";
}

mras_severity_t
mras_reason_severity(mras_reason_t reason)
{
    for (size_t i = 0; i < G_N_ELEMENTS(reason_table); i++) {
        if (reason_table[i].reason == reason)
            return reason_table[i].severity;
    }
    return reason == MRAS_REASON_NONE ? MRAS_SEV_NOTE : MRAS_SEV_ERROR;
}

const char *
mras_location_to_string(mras_location_t loc)
{
    switch (loc) {
    case MRAS_LOCATION_INTERNET: return "internet";
    case MRAS_LOCATION_INTRANET: return "intranet";
    case MRAS_LOCATION_NONE:     return "(absent)";
    case MRAS_LOCATION_UNKNOWN:  break;
    }
    return "(unknown)";
}

/* ---- semantic checks -------------------------------------------------- */

/* OK or absent reasonPhrase: the body should then carry credentials. */
static bool
response_claims_success(const mras_doc_t *doc)
{
    return doc != NULL && doc->kind == MRAS_KIND_RESPONSE &&
           (doc->reason == MRAS_REASON_OK || doc->reason == MRAS_REASON_NONE);
}

bool
mras_response_failed(const mras_doc_t *doc, mras_severity_t *severity)
{
    if (doc == NULL || doc->kind != MRAS_KIND_RESPONSE ||
        doc->reason == MRAS_REASON_NONE || doc->reason == MRAS_REASON_OK)
        return false;
    if (severity)
        *severity = mras_reason_severity(doc->reason);
    return true;
}

bool
mras_response_lacks_credentials(const mras_doc_t *doc)
{
    if (!response_claims_success(doc))
        return false;
    for (unsigned i = 0; i < doc->n_cred_resps; i++) {
        const mras_cred_resp_t *c = &doc->cred_resps[i];
        if (c->has_credentials && has_text(c->username) && has_text(c->password))
            return false;
    }
    return true;
}

bool
mras_response_lacks_relays(const mras_doc_t *doc)
{
    if (!response_claims_success(doc))
        return false;
    for (unsigned i = 0; i < doc->n_cred_resps; i++) {
        if (doc->cred_resps[i].n_relays > 0)
            return false;
    }
    return true;
}

bool
mras_relay_lacks_port(const mras_relay_t *relay)
{
    return relay != NULL && !relay->udp_port.present && !relay->tcp_port.present;
}

bool
mras_relay_lacks_address(const mras_relay_t *relay)
{
    return relay != NULL && !has_text(relay->host_name) && !has_text(relay->direct_ip);
}

bool
mras_duration_is_bad(const mras_duration_t *duration)
{
    return duration != NULL && duration->present && !duration->valid;
}

bool
mras_port_is_bad(const mras_port_t *port)
{
    return port != NULL && port->present && !port->valid;
}

mras_match_t
mras_response_matches_request(const mras_doc_t *resp, const mras_doc_t *req)
{
    if (resp == NULL || req == NULL || resp->kind != MRAS_KIND_RESPONSE ||
        req->kind != MRAS_KIND_REQUEST || resp->request_id == NULL || req->request_id == NULL)
        return MRAS_MATCH_UNKNOWN;
    return strcmp(resp->request_id, req->request_id) == 0 ? MRAS_MATCH_YES : MRAS_MATCH_NO;
}

const mras_cred_req_t *
mras_find_cred_req(const mras_doc_t *req, const char *credentials_request_id)
{
    if (req == NULL || req->kind != MRAS_KIND_REQUEST || credentials_request_id == NULL)
        return NULL;
    for (unsigned i = 0; i < req->n_cred_reqs; i++) {
        const char *id = req->cred_reqs[i].credentials_request_id;
        if (id != NULL && strcmp(id, credentials_request_id) == 0)
            return &req->cred_reqs[i];
    }
    return NULL;
}

mras_match_t
mras_cred_resp_matches_request(const mras_cred_resp_t *cr, const mras_doc_t *req)
{
    if (cr == NULL || req == NULL || req->kind != MRAS_KIND_REQUEST ||
        cr->credentials_request_id == NULL)
        return MRAS_MATCH_UNKNOWN;
    return mras_find_cred_req(req, cr->credentials_request_id) ? MRAS_MATCH_YES : MRAS_MATCH_NO;
}

typedef struct {
    mras_finding_t *out;
    size_t          max;
    size_t          n;
} findings_t;

static void
add(findings_t *f, mras_check_t check, mras_severity_t sev, int cred, int relay,
    const char *detail)
{
    if (f->out != NULL && f->n < f->max) {
        mras_finding_t *x = &f->out[f->n];
        x->check = check;
        x->severity = sev;
        x->cred_index = cred;
        x->relay_index = relay;
        x->detail = detail;
    }
    f->n++;
}

static void
check_location(findings_t *f, mras_location_t kind, int cred, int relay)
{
    if (kind == MRAS_LOCATION_UNKNOWN)
        add(f, MRAS_CHECK_UNKNOWN_LOCATION, MRAS_SEV_NOTE, cred, relay, "location");
}

static void
check_request(const mras_doc_t *doc, bool complete, findings_t *f)
{
    if (complete) {
        /* [MS-AVEDGEA] 2.2.3.1.1: required attributes of request */
        if (doc->request_id == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, -1, -1, "requestID");
        if (doc->version == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, -1, -1, "version");
        if (doc->to == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, -1, -1, "to");
        if (doc->from == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, -1, -1, "from");
        if (doc->n_cred_reqs == 0)
            add(f, MRAS_CHECK_NO_CREDENTIALS_REQUEST, MRAS_SEV_WARN, -1, -1, NULL);
    }
    for (unsigned i = 0; i < doc->n_cred_reqs; i++) {
        const mras_cred_req_t *c = &doc->cred_reqs[i];
        if (complete && c->credentials_request_id == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, (int)i, -1,
                "credentialsRequestID");
        check_location(f, c->location_kind, (int)i, -1);
        if (mras_duration_is_bad(&c->duration))
            add(f, MRAS_CHECK_BAD_DURATION, MRAS_SEV_ERROR, (int)i, -1, "duration");
    }
}

static void
check_relay(const mras_relay_t *r, bool complete, int ci, int ri, findings_t *f)
{
    /* [MS-AVEDGEA] 2.2.3.1.3.2: location and hostName|directIPAddress MUST,
     * udpPort and/or tcpPort SHOULD; 2.2.4.4: exactly one address form. */
    if (complete && r->location == NULL)
        add(f, MRAS_CHECK_RELAY_NO_LOCATION, MRAS_SEV_WARN, ci, ri, "location");
    check_location(f, r->location_kind, ci, ri);
    if (complete && mras_relay_lacks_address(r))
        add(f, MRAS_CHECK_RELAY_NO_ADDRESS, MRAS_SEV_ERROR, ci, ri, NULL);
    if (has_text(r->host_name) && has_text(r->direct_ip))
        add(f, MRAS_CHECK_RELAY_TWO_ADDRESSES, MRAS_SEV_WARN, ci, ri, NULL);
    if (complete && mras_relay_lacks_port(r))
        add(f, MRAS_CHECK_RELAY_NO_PORT, MRAS_SEV_WARN, ci, ri, NULL);
    if (mras_port_is_bad(&r->udp_port))
        add(f, MRAS_CHECK_BAD_PORT, MRAS_SEV_ERROR, ci, ri, "udpPort");
    if (mras_port_is_bad(&r->tcp_port))
        add(f, MRAS_CHECK_BAD_PORT, MRAS_SEV_ERROR, ci, ri, "tcpPort");
}

static void
check_response(const mras_doc_t *doc, const mras_doc_t *req, bool complete, findings_t *f)
{
    mras_severity_t sev;

    if (mras_response_failed(doc, &sev))
        add(f, doc->reason == MRAS_REASON_UNKNOWN ? MRAS_CHECK_REASON_UNKNOWN
                                                  : MRAS_CHECK_REASON_FAILED,
            sev, -1, -1, doc->reason_phrase);
    if (complete) {
        /* [MS-AVEDGEA] 2.2.3.1.2: requestID, to, from may be left out only
         * when the request was too malformed to read them. */
        bool malformed = doc->reason == MRAS_REASON_REQUEST_MALFORMED;
        if (doc->reason_phrase == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, -1, -1, "reasonPhrase");
        if (doc->version == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, -1, -1, "version");
        if (!malformed && doc->request_id == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, -1, -1, "requestID");
        if (!malformed && doc->to == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, -1, -1, "to");
        if (!malformed && doc->from == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, -1, -1, "from");
        if (mras_response_lacks_credentials(doc))
            add(f, MRAS_CHECK_NO_CREDENTIALS, MRAS_SEV_ERROR, -1, -1, NULL);
        if (mras_response_lacks_relays(doc))
            add(f, MRAS_CHECK_NO_RELAYS, MRAS_SEV_WARN, -1, -1, NULL);
    }
    if (mras_response_matches_request(doc, req) == MRAS_MATCH_NO)
        add(f, MRAS_CHECK_REQUEST_ID_MISMATCH, MRAS_SEV_ERROR, -1, -1, "requestID");

    for (unsigned i = 0; i < doc->n_cred_resps; i++) {
        const mras_cred_resp_t *c = &doc->cred_resps[i];
        int ci = (int)i;
        if (complete && c->credentials_request_id == NULL)
            add(f, MRAS_CHECK_MISSING_ATTRIBUTE, MRAS_SEV_WARN, ci, -1, "credentialsRequestID");
        if (mras_cred_resp_matches_request(c, req) == MRAS_MATCH_NO)
            add(f, MRAS_CHECK_CRED_ID_MISMATCH, MRAS_SEV_ERROR, ci, -1, "credentialsRequestID");
        if (complete && c->has_credentials && !has_text(c->username))
            add(f, MRAS_CHECK_CREDENTIALS_INCOMPLETE, MRAS_SEV_ERROR, ci, -1, "username");
        if (complete && c->has_credentials && !has_text(c->password))
            add(f, MRAS_CHECK_CREDENTIALS_INCOMPLETE, MRAS_SEV_ERROR, ci, -1, "password");
        if (mras_duration_is_bad(&c->duration))
            add(f, MRAS_CHECK_BAD_DURATION, MRAS_SEV_ERROR, ci, -1, "duration");
        const mras_cred_req_t *rq = mras_find_cred_req(req, c->credentials_request_id);
        if (rq != NULL && rq->duration.valid && c->duration.valid &&
            c->duration.minutes < rq->duration.minutes)
            add(f, MRAS_CHECK_DURATION_SHORTENED, MRAS_SEV_NOTE, ci, -1, "duration");
        for (unsigned j = 0; j < c->n_relays; j++)
            check_relay(&c->relays[j], complete, ci, (int)j, f);
    }
}

size_t
mras_check(const mras_doc_t *doc, const mras_doc_t *req, mras_finding_t *out, size_t max)
{
    findings_t f = { out, max, 0 };
    if (doc == NULL)
        return 0;
    bool complete = doc->status == MRAS_OK || doc->status == MRAS_WRONG_NAMESPACE;
    if (doc->kind == MRAS_KIND_REQUEST)
        check_request(doc, complete, &f);
    else if (doc->kind == MRAS_KIND_RESPONSE)
        check_response(doc, req, complete, &f);
    return f.n;
}
