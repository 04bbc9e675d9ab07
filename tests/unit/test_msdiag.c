/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_msdiag.c - unit tests for the SIP diagnostics header parser (msdiag.c).
 *
 * Vectors are literal header values (the bytes after "Name: "). Real ones
 * come from shared/specs/sip-diagnostics.md ([sample]: Lync 2013 / SfB SIP
 * messages and a client log); the others are constructed. Every parse runs
 * on a heap copy of exactly the given length, so a read past the end shows
 * up under valgrind and ASan; every good vector is also parsed at every
 * shorter prefix (libnice's validate() pattern): any status is fine there,
 * but the invariants must hold and nothing may be read past the prefix.
 */
#include <string.h>

#include <glib.h>

#include "msdiag.h"

/* ---- vectors ------------------------------------------------------------ */

/* sip-diagnostics.md 2: 200 OK from a Lync 2013 callee. */
static const char SAMPLE_51007[] =
    "51007;reason=\"Callee media connectivity diagnosis info\";"
    "CalleeMediaDebug=\"audio:ICEWarn=0x80000,LocalSite=192.168.56.1:14832,RemoteSite=192.168.66.57:6002,"
    "PortRange=1025:65000,LocalLocation=2,RemoteLocation=0,FederationType=0,Interfaces=0x12\"";

/* sip-diagnostics.md 2: app-sharing failure from a client log (addresses
 * filled in from documentation ranges; spaces after commas as in the log). */
static const char SAMPLE_23[] =
    "23;reason=\"Call failed to establish due to a media connectivity failure when one endpoint is internal "
    "and the other is remote\";CallerMediaDebug=\"application-sharing:ICEWarn=0x4000320,"
    "LocalSite=10.0.0.5:20702, LocalMR=203.0.113.20:54829,RemoteSite=, RemoteMR=198.51.100.20:51184, "
    "PortRange=1025:65000,LocalMRTCPPort=54829, RemoteMRTCPPort=51184,LocalLocation=1, RemoteLocation=2,"
    "FederationType=0\"";

/* captures/sip-lync2013-call.pcap frame 10 */
static const char CAPTURE_51007[] =
    "51007;reason=\"Callee media connectivity diagnosis info\";CalleeMediaDebug=\"audio:ICEWarn=0x0,"
    "LocalSite=10.10.40.52:30112,RemoteSite=10.10.20.31:21346,PortRange=1025:65000,LocalLocation=2,"
    "RemoteLocation=2,FederationType=0\"";

static const char DIAG_SUBCODE[] = "1034.2;reason=\"Previous hop federated peer did not report diagnostic information\";"
                                   "source=\"sip.contoso.com\";Domain=\"fabrikam.com\";PeerServer=\"sip.fabrikam.com\"";
static const char DIAG_SWAPPED[] = "52001;source=\"pool01.contoso.com\";reason=\"Client side general processing error.\"";
static const char DIAG_PUBLIC[] = "1034;reason=\"Previous hop federated peer did not report diagnostic information\"";
static const char LOCATION_INTRANET[] = "NetworkScope;ms-media-location-type=Intranet";
static const char LOCATION_INTERNET[] = "NetworkScope;ms-media-location-type=Internet";
static const char SUBNET[] = "192.168.66.0";

/* ---- helpers ------------------------------------------------------------ */

/* Parses @text (exactly @len bytes, in a heap copy of that size). The copy
 * is freed by the caller with g_free(*copy). */
static msdiag_status_t
parse_n(msdiag_header_t h, const char *text, size_t len, msdiag_t *d, char **copy)
{
    *copy = len ? g_memdup2(text, len) : NULL;
    return msdiag_parse(h, *copy, len, d);
}

static void
assert_span_in(msdiag_span_t sp, size_t len)
{
    g_assert_cmpuint((uint64_t)sp.offset + sp.length, <=, len);
}

/* Invariants every result must keep, good or bad. */
static void
check_invariants(const msdiag_t *d, size_t len)
{
    if (d->problems == 0) {
        g_assert_cmpint(d->status, ==, MSDIAG_OK);
    } else {
        g_assert_cmpint(d->status, ==, __builtin_ctz(d->problems));
        g_assert_cmpuint(d->problems >> MSDIAG_STATUS_COUNT, ==, 0);
    }
    assert_span_in(d->value, len);
    assert_span_in(d->code_span, len);
    assert_span_in(d->subcode_span, len);
    assert_span_in(d->reason_param, len);
    assert_span_in(d->reason, len);
    assert_span_in(d->source_param, len);
    assert_span_in(d->source, len);
    assert_span_in(d->scope, len);
    assert_span_in(d->location_span, len);
    assert_span_in(d->subnet, len);
    if (d->has_code)
        g_assert_cmpuint(d->code_span.length, >, 0);
    if (d->reason.length)
        g_assert_cmpuint(d->reason_param.length, >, 0);
    g_assert_cmpuint(d->n_debug, <=, MSDIAG_MAX_MEDIA_DEBUG);
    g_assert_cmpuint(d->n_params, <=, MSDIAG_MAX_PARAMS);
    for (unsigned i = 0; i < d->n_params; i++) {
        assert_span_in(d->params[i].param, len);
        assert_span_in(d->params[i].name, len);
        assert_span_in(d->params[i].value, len);
        g_assert_cmpuint(d->params[i].name.length, >, 0);
    }
    for (unsigned i = 0; i < d->n_debug; i++) {
        const msdiag_media_debug_t *md = &d->debug[i];
        assert_span_in(md->param, len);
        assert_span_in(md->value, len);
        assert_span_in(md->media, len);
        g_assert_cmpuint(md->n_items, <=, MSDIAG_MAX_ITEMS);
        g_assert_true(md->icewarn_item >= -1 && md->icewarn_item < (int)md->n_items);
        if (md->icewarn_item >= 0) {
            g_assert_cmpint(md->items[md->icewarn_item].kind, ==, MSDIAG_KEY_ICEWARN);
            g_assert_true(md->items[md->icewarn_item].valid);
        }
        for (unsigned k = 0; k < md->n_items; k++) {
            const msdiag_kv_t *kv = &md->items[k];
            assert_span_in(kv->item, len);
            assert_span_in(kv->key, len);
            assert_span_in(kv->value, len);
            assert_span_in(kv->host, len);
            g_assert_cmpuint(kv->item.length, >, 0);
            g_assert_cmpuint(kv->key.offset, >=, kv->item.offset);
            g_assert_cmpuint(kv->value.offset + kv->value.length, <=, kv->item.offset + kv->item.length);
            if (kv->valid && kv->kind != MSDIAG_KEY_OTHER && kv->kind != MSDIAG_KEY_NETWORK_NAME)
                g_assert_cmpuint(kv->value.length, >, 0);
            if (kv->value.length == 0)
                g_assert_false(kv->valid);
            if (kv->valid && kv->kind == MSDIAG_KEY_PORT_RANGE)
                g_assert_cmpuint(kv->num, <=, kv->num2);
            if (kv->valid && (kv->kind >= MSDIAG_KEY_LOCAL_SITE && kv->kind <= MSDIAG_KEY_BASE_ADDRESS)) {
                g_assert_true(kv->family == 4 || kv->family == 6);
                g_assert_cmpuint(kv->host.length, >, 0);
                g_assert_cmpuint(kv->num, <=, 65535);
            }
        }
    }
}

static void
check(msdiag_header_t h, const char *text, msdiag_t *d)
{
    char *copy;
    size_t len = strlen(text);
    parse_n(h, text, len, d, &copy);
    check_invariants(d, len);
    g_free(copy);
}

/* A span's text, for comparisons (vectors are static strings). */
static char *
text_of(const char *text, msdiag_span_t sp)
{
    return g_strndup(text + sp.offset, sp.length);
}

#define assert_span_eq(text, sp, expected)                 \
    do {                                                  \
        char *s_ = text_of((text), (sp));                 \
        g_assert_cmpstr(s_, ==, (expected));              \
        g_free(s_);                                       \
    } while (0)

static const msdiag_kv_t *
find_key(const msdiag_media_debug_t *md, msdiag_key_t kind)
{
    for (unsigned i = 0; i < md->n_items; i++) {
        if (md->items[i].kind == kind)
            return &md->items[i];
    }
    return NULL;
}

/* ---- ms-client-diagnostics ---------------------------------------------- */

static void
test_client_51007(void)
{
    msdiag_t d;
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, SAMPLE_51007, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    g_assert_true(d.has_code);
    g_assert_cmpuint(d.code, ==, 51007);
    g_assert_false(d.has_subcode);
    assert_span_eq(SAMPLE_51007, d.code_span, "51007");
    assert_span_eq(SAMPLE_51007, d.reason, "Callee media connectivity diagnosis info");
    assert_span_eq(SAMPLE_51007, d.reason_param, "reason=\"Callee media connectivity diagnosis info\"");
    g_assert_false(d.reason_escaped);
    g_assert_cmpuint(d.source.length, ==, 0);
    g_assert_cmpuint(d.n_params, ==, 0);
    g_assert_false(msdiag_is_media_failure(&d));

    g_assert_cmpuint(d.n_debug, ==, 1);
    const msdiag_media_debug_t *md = &d.debug[0];
    g_assert_cmpint(md->role, ==, MSDIAG_ROLE_CALLEE);
    assert_span_eq(SAMPLE_51007, md->media, "audio");
    g_assert_cmpuint(md->n_items, ==, 8);
    g_assert_true(msdiag_first_icewarn(&d) == md);
    g_assert_cmpint(md->icewarn_item, ==, 0);
    g_assert_cmpuint(md->items[0].num, ==, 0x80000);

    const msdiag_kv_t *kv = find_key(md, MSDIAG_KEY_LOCAL_SITE);
    g_assert_nonnull(kv);
    g_assert_true(kv->valid);
    g_assert_cmpuint(kv->family, ==, 4);
    g_assert_cmpuint(kv->num, ==, 14832);
    assert_span_eq(SAMPLE_51007, kv->host, "192.168.56.1");
    assert_span_eq(SAMPLE_51007, kv->value, "192.168.56.1:14832");
    assert_span_eq(SAMPLE_51007, kv->item, "LocalSite=192.168.56.1:14832");
    kv = find_key(md, MSDIAG_KEY_REMOTE_SITE);
    g_assert_true(kv->valid);
    g_assert_cmpuint(kv->num, ==, 6002);
    kv = find_key(md, MSDIAG_KEY_PORT_RANGE);
    g_assert_true(kv->valid);
    g_assert_cmpuint(kv->num, ==, 1025);
    g_assert_cmpuint(kv->num2, ==, 65000);
    kv = find_key(md, MSDIAG_KEY_LOCAL_LOCATION);
    g_assert_cmpuint(kv->num, ==, 2);
    g_assert_cmpstr(msdiag_location_to_string(kv->num), ==, "Intranet");
    kv = find_key(md, MSDIAG_KEY_REMOTE_LOCATION);
    g_assert_cmpuint(kv->num, ==, 0);
    g_assert_true(kv->valid);
    kv = find_key(md, MSDIAG_KEY_FEDERATION_TYPE);
    g_assert_true(kv->valid);
    g_assert_cmpuint(kv->num, ==, 0);
    kv = find_key(md, MSDIAG_KEY_INTERFACES);
    g_assert_true(kv->valid);
    g_assert_cmpuint(kv->num, ==, 0x12);
}

static void
test_client_capture(void)
{
    msdiag_t d;
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, CAPTURE_51007, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    const msdiag_media_debug_t *md = msdiag_first_icewarn(&d);
    g_assert_nonnull(md);
    g_assert_cmpuint(md->items[md->icewarn_item].num, ==, 0);
    g_assert_cmpuint(find_key(md, MSDIAG_KEY_LOCAL_SITE)->num, ==, 30112);
    g_assert_cmpuint(find_key(md, MSDIAG_KEY_REMOTE_LOCATION)->num, ==, 2);
}

static void
test_client_23(void)
{
    msdiag_t d;
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, SAMPLE_23, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    g_assert_cmpuint(d.code, ==, 23);
    g_assert_true(msdiag_is_media_failure(&d));
    g_assert_cmpuint(d.n_debug, ==, 1);
    const msdiag_media_debug_t *md = &d.debug[0];
    g_assert_cmpint(md->role, ==, MSDIAG_ROLE_CALLER);
    assert_span_eq(SAMPLE_23, md->media, "application-sharing");
    g_assert_cmpuint(md->n_items, ==, 11);
    g_assert_cmpuint(md->items[md->icewarn_item].num, ==, 0x4000320);

    /* spaces after commas are trimmed off the items */
    const msdiag_kv_t *kv = find_key(md, MSDIAG_KEY_LOCAL_MR);
    assert_span_eq(SAMPLE_23, kv->item, "LocalMR=203.0.113.20:54829");
    assert_span_eq(SAMPLE_23, kv->key, "LocalMR");
    g_assert_true(kv->valid);
    g_assert_cmpuint(kv->num, ==, 54829);
    /* empty value: tolerated, not valid, no problem */
    kv = find_key(md, MSDIAG_KEY_REMOTE_SITE);
    g_assert_nonnull(kv);
    g_assert_true(kv->has_eq);
    g_assert_false(kv->valid);
    g_assert_cmpuint(kv->value.length, ==, 0);
    assert_span_eq(SAMPLE_23, kv->item, "RemoteSite=");
    kv = find_key(md, MSDIAG_KEY_REMOTE_MR);
    g_assert_cmpuint(kv->num, ==, 51184);
    assert_span_eq(SAMPLE_23, kv->host, "198.51.100.20");
    kv = find_key(md, MSDIAG_KEY_LOCAL_MR_TCP_PORT);
    g_assert_true(kv->valid);
    g_assert_cmpuint(kv->num, ==, 54829);
    kv = find_key(md, MSDIAG_KEY_REMOTE_MR_TCP_PORT);
    g_assert_cmpuint(kv->num, ==, 51184);
    assert_span_eq(SAMPLE_23, kv->item, "RemoteMRTCPPort=51184");
    g_assert_cmpuint(find_key(md, MSDIAG_KEY_LOCAL_LOCATION)->num, ==, 1);
    g_assert_cmpuint(find_key(md, MSDIAG_KEY_REMOTE_LOCATION)->num, ==, 2);
    g_assert_cmpuint(find_key(md, MSDIAG_KEY_FEDERATION_TYPE)->num, ==, 0);
}

/* sip-diagnostics.md 3.1: 0x320 = local + TCP NAT + TCP TURN; 0x4000000 has no name. */
static void
test_icewarn_names(void)
{
    char buf[MSDIAG_ICEWARN_STR_LEN];
    g_assert_cmpstr(msdiag_icewarn_describe(0x4000320, buf, sizeof(buf)), ==,
                    "local (direct) connectivity failed, TCP NAT connectivity failed, "
                    "TCP TURN connectivity failed, unknown bits 0x4000000");
    g_assert_cmpstr(msdiag_icewarn_describe(0, buf, sizeof(buf)), ==, "none");
    g_assert_cmpstr(msdiag_icewarn_describe(0x80000, buf, sizeof(buf)), ==, "unknown bits 0x80000");
    g_assert_cmpstr(msdiag_icewarn_describe(0x1, buf, sizeof(buf)), ==, "TURN server unreachable");
    /* the longest description fits */
    msdiag_icewarn_describe(0xFFFFFFFFu, buf, sizeof(buf));
    g_assert_true(g_str_has_suffix(buf, "unknown bits 0xfffffc00"));
    /* too small a buffer: cut, NUL terminated */
    char small[8];
    msdiag_icewarn_describe(0x3FF, small, sizeof(small));
    g_assert_cmpuint(strlen(small), ==, 7);

    static const uint32_t bits[] = { 0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200 };
    static const char *const ids[] = { "turn_unreachable", "udp_alloc_failed", "udp_send_failed",
                                       "tcp_alloc_failed", "tcp_send_failed", "local_failed", "udp_nat_failed",
                                       "udp_turn_failed", "tcp_nat_failed", "tcp_turn_failed" };
    uint32_t all = 0;
    for (unsigned i = 0; i < MSDIAG_ICEWARN_N_BITS; i++) {
        g_assert_cmpuint(msdiag_icewarn_bits[i].bit, ==, bits[i]);
        g_assert_cmpstr(msdiag_icewarn_bits[i].id, ==, ids[i]);
        g_assert_cmpstr(msdiag_icewarn_bit_name(bits[i]), ==, msdiag_icewarn_bits[i].name);
        all |= bits[i];
    }
    g_assert_cmpuint(all, ==, MSDIAG_ICEWARN_KNOWN_MASK);
    g_assert_null(msdiag_icewarn_bit_name(0x400));
    g_assert_null(msdiag_icewarn_bit_name(0x80000));
    g_assert_null(msdiag_icewarn_bit_name(0));
}

static void
test_icewarn_values(void)
{
    static const struct {
        const char *value;
        bool        ok;
        uint32_t    num;
    } rows[] = {
        { "ICEWarn=0x0", true, 0 },
        { "ICEWarn=0", true, 0 },                   /* no 0x */
        { "ICEWarn=320", true, 0x320 },             /* hex without 0x */
        { "ICEWarn=0X4000320", true, 0x4000320 },
        { "ICEWarn=0xffffffff", true, 0xFFFFFFFFu },
        { "ICEWarn=0x00000000ffffffff", true, 0xFFFFFFFFu }, /* leading zeros */
        { "icewarn=0x1", true, 1 },                 /* key in any case */
        { "ICEWarn=0x100000000", false, 0 },        /* 33 bits */
        { "ICEWarn=0x", false, 0 },
        { "ICEWarn=0xg", false, 0 },
        { "ICEWarn=-1", false, 0 },
        { "ICEWarn=0x 1", false, 0 },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
        char *text = g_strdup_printf("0;reason=\"\";CallerMediaDebug=\"audio:%s\"", rows[i].value);
        msdiag_t d;
        check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, text, &d);
        g_test_message("%s", rows[i].value);
        g_assert_cmpuint(d.n_debug, ==, 1);
        g_assert_cmpuint(d.debug[0].n_items, ==, 1);
        g_assert_cmpint(d.debug[0].items[0].kind, ==, MSDIAG_KEY_ICEWARN);
        g_assert_cmpint(d.debug[0].items[0].valid, ==, rows[i].ok);
        g_assert_cmpuint(d.debug[0].items[0].num, ==, rows[i].num);
        g_assert_cmpint(msdiag_has_problem(&d, MSDIAG_BAD_ICEWARN), ==, !rows[i].ok);
        g_assert_true(rows[i].ok ? msdiag_first_icewarn(&d) != NULL : msdiag_first_icewarn(&d) == NULL);
        g_free(text);
    }
}

static void
test_item_values(void)
{
    static const struct {
        const char     *item;
        msdiag_key_t    kind;
        bool            ok;
        msdiag_status_t bad;
    } rows[] = {
        { "LocalSite=10.0.0.1:0", MSDIAG_KEY_LOCAL_SITE, true, MSDIAG_OK },
        { "LocalSite=10.0.0.1:65536", MSDIAG_KEY_LOCAL_SITE, false, MSDIAG_BAD_ADDRESS },
        { "LocalSite=10.0.0.1", MSDIAG_KEY_LOCAL_SITE, false, MSDIAG_BAD_ADDRESS },
        { "LocalSite=10.0.0.01:5", MSDIAG_KEY_LOCAL_SITE, false, MSDIAG_BAD_ADDRESS },
        { "LocalSite=host.contoso.com:5", MSDIAG_KEY_LOCAL_SITE, false, MSDIAG_BAD_ADDRESS },
        { "RemoteMR=[2001:db8::1]:3478", MSDIAG_KEY_REMOTE_MR, true, MSDIAG_OK },
        { "RemoteMR=2001:db8::1:3478", MSDIAG_KEY_REMOTE_MR, true, MSDIAG_OK },
        { "RemoteMR=[10.0.0.1]:3478", MSDIAG_KEY_REMOTE_MR, false, MSDIAG_BAD_ADDRESS },
        { "RemoteMR=[2001:db8::1]", MSDIAG_KEY_REMOTE_MR, false, MSDIAG_BAD_ADDRESS },
        { "RemoteMR=[2001:db8::1", MSDIAG_KEY_REMOTE_MR, false, MSDIAG_BAD_ADDRESS },
        { "BaseAddress=192.168.1.2:50000", MSDIAG_KEY_BASE_ADDRESS, true, MSDIAG_OK },
        { "LocalMRTCPPort=443", MSDIAG_KEY_LOCAL_MR_TCP_PORT, true, MSDIAG_OK },
        { "LocalMRTCPPort=x443", MSDIAG_KEY_LOCAL_MR_TCP_PORT, false, MSDIAG_BAD_PORT },
        { "RemoteMRTCPPort=123456", MSDIAG_KEY_REMOTE_MR_TCP_PORT, false, MSDIAG_BAD_PORT },
        { "PortRange=50000:50019", MSDIAG_KEY_PORT_RANGE, true, MSDIAG_OK },
        { "PortRange=50019:50000", MSDIAG_KEY_PORT_RANGE, false, MSDIAG_BAD_PORT_RANGE },
        { "PortRange=1025", MSDIAG_KEY_PORT_RANGE, false, MSDIAG_BAD_PORT_RANGE },
        { "PortRange=:65000", MSDIAG_KEY_PORT_RANGE, false, MSDIAG_BAD_PORT_RANGE },
        { "LocalLocation=255", MSDIAG_KEY_LOCAL_LOCATION, true, MSDIAG_OK },
        { "LocalLocation=256", MSDIAG_KEY_LOCAL_LOCATION, false, MSDIAG_BAD_NUMBER },
        { "FederationType=one", MSDIAG_KEY_FEDERATION_TYPE, false, MSDIAG_BAD_NUMBER },
        { "Interfaces=0x12", MSDIAG_KEY_INTERFACES, true, MSDIAG_OK },
        { "BaseInterface=2", MSDIAG_KEY_BASE_INTERFACE, true, MSDIAG_OK },
        { "BaseInterface=0xz", MSDIAG_KEY_BASE_INTERFACE, false, MSDIAG_BAD_NUMBER },
        { "NetworkName=contoso.com", MSDIAG_KEY_NETWORK_NAME, true, MSDIAG_OK },
        { "Foo=bar", MSDIAG_KEY_OTHER, true, MSDIAG_OK },
        { "Foo", MSDIAG_KEY_OTHER, false, MSDIAG_OK },      /* no '=': kept, empty value */
        { "LocalSite = 10.0.0.1:5", MSDIAG_KEY_LOCAL_SITE, true, MSDIAG_OK },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
        char *text = g_strdup_printf("51007;reason=\"x\";CalleeMediaDebug=\"video:%s\"", rows[i].item);
        msdiag_t d;
        g_test_message("%s", rows[i].item);
        check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, text, &d);
        g_assert_cmpuint(d.debug[0].n_items, ==, 1);
        const msdiag_kv_t *kv = &d.debug[0].items[0];
        g_assert_cmpint(kv->kind, ==, rows[i].kind);
        g_assert_cmpint(kv->valid, ==, rows[i].ok);
        g_assert_cmpint(d.status, ==, rows[i].bad);
        g_free(text);
    }
}

/* Empty items, trailing commas, a missing label, a label only. */
static void
test_media_debug_shapes(void)
{
    msdiag_t d;
    static const char lax[] = "51007;reason=\"x\";CalleeMediaDebug=\"audio:,ICEWarn=0x1,, ,LocalSite=10.0.0.1:5,\"";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, lax, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    g_assert_cmpuint(d.debug[0].n_items, ==, 2);

    static const char nolabel[] = "51007;reason=\"x\";CalleeMediaDebug=\"ICEWarn=0x1,LocalSite=10.0.0.1:5\"";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, nolabel, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_BAD_MEDIA_DEBUG);
    g_assert_cmpuint(d.debug[0].media.length, ==, 0);
    g_assert_cmpuint(d.debug[0].n_items, ==, 2);
    g_assert_cmpuint(find_key(&d.debug[0], MSDIAG_KEY_LOCAL_SITE)->num, ==, 5);

    static const char label_only[] = "51007;reason=\"x\";CalleeMediaDebug=\"audio\"";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, label_only, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_BAD_MEDIA_DEBUG);
    g_assert_cmpuint(d.debug[0].n_items, ==, 1);     /* read as a key without value */

    static const char empty_label[] = "51007;reason=\"x\";CalleeMediaDebug=\":ICEWarn=0x1\"";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, empty_label, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_BAD_MEDIA_DEBUG);
    g_assert_nonnull(msdiag_first_icewarn(&d));

    static const char empty[] = "51007;reason=\"x\";CalleeMediaDebug=\"\"";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, empty, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_BAD_MEDIA_DEBUG);
    g_assert_cmpuint(d.debug[0].n_items, ==, 0);

    /* both roles, caller first: order of appearance kept */
    static const char both[] = "52001;reason=\"x\";CallerMediaDebug=\"audio:LocalSite=10.0.0.1:5\";"
                               "CalleeMediaDebug=\"audio:ICEWarn=0x20\"";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, both, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    g_assert_cmpuint(d.n_debug, ==, 2);
    g_assert_cmpint(d.debug[0].role, ==, MSDIAG_ROLE_CALLER);
    g_assert_cmpint(d.debug[1].role, ==, MSDIAG_ROLE_CALLEE);
    g_assert_true(msdiag_first_icewarn(&d) == &d.debug[1]);

    /* the same role twice: the first is used */
    static const char twice[] = "52001;reason=\"x\";CallerMediaDebug=\"audio:ICEWarn=0x1\";"
                                "callermediadebug=\"video:ICEWarn=0x2\"";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, twice, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_DUPLICATE_PARAM);
    g_assert_cmpuint(d.n_debug, ==, 1);
    g_assert_cmpuint(d.debug[0].items[0].num, ==, 1);

    /* MediaDebug is only interpreted in ms-client-diagnostics */
    check(MSDIAG_HDR_DIAGNOSTICS, "1;reason=\"x\";source=\"s\";CallerMediaDebug=\"audio:ICEWarn=0x1\"", &d);
    g_assert_cmpuint(d.n_debug, ==, 0);
    g_assert_cmpuint(d.n_params, ==, 1);
}

static void
test_too_many_items(void)
{
    GString *s = g_string_new("51007;reason=\"x\";CalleeMediaDebug=\"audio:");
    for (unsigned i = 0; i < MSDIAG_MAX_ITEMS + 5; i++)
        g_string_append_printf(s, "%sK%u=%u", i ? "," : "", i, i);
    g_string_append(s, "\"");
    msdiag_t d;
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, s->str, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_TOO_MANY_ITEMS);
    g_assert_cmpuint(d.debug[0].n_items, ==, MSDIAG_MAX_ITEMS);
    g_string_free(s, TRUE);
}

/* ---- quoted strings ----------------------------------------------------- */

static void
test_quotes(void)
{
    msdiag_t d;
    static const char esc[] = "51004;reason=\"Action \\\"initiated\\\" by user\\\\\"";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, esc, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    g_assert_true(d.reason_escaped);
    assert_span_eq(esc, d.reason, "Action \\\"initiated\\\" by user\\\\");
    char out[64];
    g_assert_cmpuint(msdiag_unescape(esc + d.reason.offset, d.reason.length, out), ==,
                     strlen("Action \"initiated\" by user\\"));
    g_assert_cmpstr(out, ==, "Action \"initiated\" by user\\");

    /* a ';' inside quotes does not end the parameter */
    static const char semi[] = "51004;reason=\"a;b\";source=\"c\"";
    check(MSDIAG_HDR_DIAGNOSTICS, semi, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    assert_span_eq(semi, d.reason, "a;b");
    assert_span_eq(semi, d.source, "c");

    static const char open[] = "51004;reason=\"Action initiated by user";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, open, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_UNTERMINATED_QUOTE);
    assert_span_eq(open, d.reason, "Action initiated by user");

    /* a lone backslash at the very end */
    static const char bs[] = "51004;reason=\"abc\\";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, bs, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_UNTERMINATED_QUOTE);
    g_assert_cmpuint(msdiag_unescape(bs + d.reason.offset, d.reason.length, out), ==, 4);

    /* not quoted: read as a token, flagged */
    static const char token[] = "51004;reason=Busy";
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, token, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_NOT_QUOTED);
    assert_span_eq(token, d.reason, "Busy");

    /* junk after a quoted value */
    static const char junk[] = "51004;reason=\"x\" junk;source=\"y\"";
    check(MSDIAG_HDR_DIAGNOSTICS, junk, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_BAD_PARAM);
    assert_span_eq(junk, d.reason, "x");
    assert_span_eq(junk, d.source, "y");

    /* NUL bytes come out as '?' */
    static const char nul[] = { 'a', '\0', 'b' };
    g_assert_cmpuint(msdiag_unescape(nul, sizeof(nul), out), ==, 3);
    g_assert_cmpstr(out, ==, "a?b");
}

/* ---- ms-diagnostics / -public ------------------------------------------ */

static void
test_diagnostics_subcode(void)
{
    msdiag_t d;
    check(MSDIAG_HDR_DIAGNOSTICS, DIAG_SUBCODE, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    g_assert_cmpuint(d.code, ==, 1034);
    g_assert_true(d.has_subcode);
    g_assert_cmpuint(d.subcode, ==, 2);
    assert_span_eq(DIAG_SUBCODE, d.code_span, "1034");
    assert_span_eq(DIAG_SUBCODE, d.subcode_span, "2");
    assert_span_eq(DIAG_SUBCODE, d.source, "sip.contoso.com");
    assert_span_eq(DIAG_SUBCODE, d.source_param, "source=\"sip.contoso.com\"");
    g_assert_cmpuint(d.n_params, ==, 2);
    assert_span_eq(DIAG_SUBCODE, d.params[0].name, "Domain");
    assert_span_eq(DIAG_SUBCODE, d.params[0].value, "fabrikam.com");
    g_assert_true(d.params[0].quoted);
    assert_span_eq(DIAG_SUBCODE, d.params[1].param, "PeerServer=\"sip.fabrikam.com\"");
    g_assert_false(msdiag_is_media_failure(&d));
}

static void
test_diagnostics_swapped(void)
{
    msdiag_t d;
    check(MSDIAG_HDR_DIAGNOSTICS, DIAG_SWAPPED, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    g_assert_cmpuint(d.code, ==, 52001);
    g_assert_false(d.has_subcode);
    assert_span_eq(DIAG_SWAPPED, d.reason, "Client side general processing error.");
    assert_span_eq(DIAG_SWAPPED, d.source, "pool01.contoso.com");
}

static void
test_diagnostics_public(void)
{
    msdiag_t d;
    check(MSDIAG_HDR_DIAGNOSTICS_PUBLIC, DIAG_PUBLIC, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);      /* -public has no source */
    g_assert_cmpuint(d.code, ==, 1034);
    g_assert_cmpuint(d.source.length, ==, 0);
    /* the same value as ms-diagnostics lacks the source */
    check(MSDIAG_HDR_DIAGNOSTICS, DIAG_PUBLIC, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_MISSING_SOURCE);
    /* server ErrorId 23 is not a client media failure */
    check(MSDIAG_HDR_DIAGNOSTICS, "23;reason=\"x\";source=\"y\"", &d);
    g_assert_false(msdiag_is_media_failure(&d));
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, "24;reason=\"both remote\"", &d);
    g_assert_true(msdiag_is_media_failure(&d));
}

static void
test_codes(void)
{
    static const struct {
        const char     *value;
        bool            has_code;
        uint32_t        code;
        bool            has_sub;
        msdiag_status_t status;
    } rows[] = {
        { "0;reason=\"x\"", true, 0, false, MSDIAG_OK },
        { "4294967295;reason=\"x\"", true, 4294967295u, false, MSDIAG_OK },
        { "4294967296;reason=\"x\"", false, 0, false, MSDIAG_BAD_CODE },
        { "-1;reason=\"x\"", false, 0, false, MSDIAG_BAD_CODE },
        { "+1;reason=\"x\"", false, 0, false, MSDIAG_BAD_CODE },
        { "0x10;reason=\"x\"", false, 0, false, MSDIAG_BAD_CODE },
        { ";reason=\"x\"", false, 0, false, MSDIAG_BAD_CODE },
        { "12.;reason=\"x\"", true, 12, false, MSDIAG_BAD_SUBCODE },
        { "12.3.4;reason=\"x\"", true, 12, false, MSDIAG_BAD_SUBCODE },
        { ".3;reason=\"x\"", false, 0, true, MSDIAG_BAD_CODE },
        { "51004", true, 51004, false, MSDIAG_MISSING_REASON },
        { "51004 ; reason = \"x\" ;", true, 51004, false, MSDIAG_OK },   /* LWS everywhere, trailing ';' */
        { "51004;\r\n reason=\"x\"", true, 51004, false, MSDIAG_OK },     /* folded */
        { "51004 x;reason=\"x\"", true, 51004, false, MSDIAG_BAD_PARAM },
        { "51004;;reason=\"x\"", true, 51004, false, MSDIAG_BAD_PARAM },
        { "51004;reason=\"x\";reason=\"y\"", true, 51004, false, MSDIAG_DUPLICATE_PARAM },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
        msdiag_t d;
        g_test_message("%s", rows[i].value);
        check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, rows[i].value, &d);
        g_assert_cmpint(d.has_code, ==, rows[i].has_code);
        g_assert_cmpuint(d.code, ==, rows[i].code);
        g_assert_cmpint(d.has_subcode, ==, rows[i].has_sub);
        g_assert_cmpint(d.status, ==, rows[i].status);
    }
}

static void
test_empty(void)
{
    msdiag_t d;
    char *copy;
    g_assert_cmpint(parse_n(MSDIAG_HDR_CLIENT_DIAGNOSTICS, "", 0, &d, &copy), ==, MSDIAG_EMPTY);
    g_free(copy);
    g_assert_cmpint(msdiag_parse(MSDIAG_HDR_SUBNET, NULL, 5, &d), ==, MSDIAG_EMPTY);
    check(MSDIAG_HDR_LOCATION, " \t\r\n ", &d);
    g_assert_cmpint(d.status, ==, MSDIAG_EMPTY);
    g_assert_true(msdiag_status_is_error(MSDIAG_EMPTY));
    g_assert_false(msdiag_status_is_error(MSDIAG_OK));
    g_assert_false(msdiag_status_is_error(MSDIAG_MISSING_REASON));
    g_assert_true(msdiag_status_is_error(MSDIAG_BAD_SUBNET));
}

static void
test_too_long(void)
{
    size_t len = MSDIAG_MAX_LEN + 1u;
    char *big = g_malloc(len);
    memset(big, '1', len);
    msdiag_t d;
    g_assert_cmpint(msdiag_parse(MSDIAG_HDR_CLIENT_DIAGNOSTICS, big, len, &d), ==, MSDIAG_TOO_LONG);
    g_free(big);
}

static void
test_too_many_params(void)
{
    GString *s = g_string_new("1;reason=\"x\";source=\"y\"");
    for (unsigned i = 0; i < MSDIAG_MAX_PARAMS + 3; i++)
        g_string_append_printf(s, ";p%u=%u", i, i);
    msdiag_t d;
    check(MSDIAG_HDR_DIAGNOSTICS, s->str, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_TOO_MANY_PARAMS);
    g_assert_cmpuint(d.n_params, ==, MSDIAG_MAX_PARAMS);
    g_string_free(s, TRUE);

    /* 30000 ';': bounded, no crash */
    s = g_string_new("1;reason=\"x\"");
    for (unsigned i = 0; i < 30000; i++)
        g_string_append(s, ";a");
    check(MSDIAG_HDR_CLIENT_DIAGNOSTICS, s->str, &d);
    g_assert_true(msdiag_has_problem(&d, MSDIAG_TOO_MANY_PARAMS));
    g_string_free(s, TRUE);
}

/* ---- location and subnet ------------------------------------------------ */

static void
test_location(void)
{
    msdiag_t d;
    check(MSDIAG_HDR_LOCATION, LOCATION_INTRANET, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    g_assert_cmpint(d.location, ==, MSDIAG_LOCATION_INTRANET);
    assert_span_eq(LOCATION_INTRANET, d.scope, "NetworkScope");
    assert_span_eq(LOCATION_INTRANET, d.location_span, "Intranet");
    g_assert_cmpuint(d.n_params, ==, 0);

    check(MSDIAG_HDR_LOCATION, LOCATION_INTERNET, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    g_assert_cmpint(d.location, ==, MSDIAG_LOCATION_INTERNET);

    check(MSDIAG_HDR_LOCATION, "NetworkScope;MS-Media-Location-Type=intranet", &d);
    g_assert_cmpint(d.location, ==, MSDIAG_LOCATION_INTRANET);

    static const char garbage[] = "NetworkScope;ms-media-location-type=Moon;x=1";
    check(MSDIAG_HDR_LOCATION, garbage, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_UNKNOWN_LOCATION);
    g_assert_cmpint(d.location, ==, MSDIAG_LOCATION_UNKNOWN);
    assert_span_eq(garbage, d.location_span, "Moon");
    g_assert_cmpuint(d.n_params, ==, 1);
    assert_span_eq(garbage, d.params[0].param, "x=1");
    g_assert_false(msdiag_status_is_error(d.status));

    check(MSDIAG_HDR_LOCATION, "NetworkScope", &d);
    g_assert_cmpint(d.status, ==, MSDIAG_UNKNOWN_LOCATION);
    check(MSDIAG_HDR_LOCATION, "NetworkScope;ms-media-location-type=\"Internet\"", &d);
    g_assert_cmpint(d.location, ==, MSDIAG_LOCATION_INTERNET);
    check(MSDIAG_HDR_LOCATION, "NetworkScope;ms-media-location-type=Internet;ms-media-location-type=Intranet", &d);
    g_assert_cmpint(d.location, ==, MSDIAG_LOCATION_INTERNET);
    g_assert_cmpint(d.status, ==, MSDIAG_DUPLICATE_PARAM);
}

static void
test_subnet(void)
{
    msdiag_t d;
    check(MSDIAG_HDR_SUBNET, SUBNET, &d);
    g_assert_cmpint(d.status, ==, MSDIAG_OK);
    g_assert_cmpuint(d.subnet_family, ==, 4);
    assert_span_eq(SUBNET, d.subnet, "192.168.66.0");
    check(MSDIAG_HDR_SUBNET, "2001:db8:1::", &d);
    g_assert_cmpuint(d.subnet_family, ==, 6);
    check(MSDIAG_HDR_SUBNET, "192.168.66", &d);
    g_assert_cmpint(d.status, ==, MSDIAG_BAD_SUBNET);
    check(MSDIAG_HDR_SUBNET, "1:2:3:4:5:6:7:8:9", &d);
    g_assert_cmpint(d.status, ==, MSDIAG_BAD_SUBNET);
    check(MSDIAG_HDR_SUBNET, "::ffff:10.0.0.1", &d);
    g_assert_cmpuint(d.subnet_family, ==, 6);
}

static void
test_names(void)
{
    g_assert_cmpint(msdiag_header_from_name("ms-client-diagnostics", 21), ==, MSDIAG_HDR_CLIENT_DIAGNOSTICS);
    g_assert_cmpint(msdiag_header_from_name("MS-Diagnostics", 14), ==, MSDIAG_HDR_DIAGNOSTICS);
    g_assert_cmpint(msdiag_header_from_name("ms-diagnostics-public", 21), ==, MSDIAG_HDR_DIAGNOSTICS_PUBLIC);
    g_assert_cmpint(msdiag_header_from_name("ms-endpoint-location-data", 25), ==, MSDIAG_HDR_LOCATION);
    g_assert_cmpint(msdiag_header_from_name("ms-subnet", 9), ==, MSDIAG_HDR_SUBNET);
    g_assert_cmpint(msdiag_header_from_name("ms-subnet", 8), ==, MSDIAG_HDR_UNKNOWN);
    g_assert_cmpint(msdiag_header_from_name(NULL, 0), ==, MSDIAG_HDR_UNKNOWN);
    for (int h = MSDIAG_HDR_CLIENT_DIAGNOSTICS; h <= MSDIAG_HDR_SUBNET; h++) {
        const char *n = msdiag_header_to_string((msdiag_header_t)h);
        g_assert_cmpint(msdiag_header_from_name(n, strlen(n)), ==, h);
    }
    g_assert_cmpstr(msdiag_key_to_string(MSDIAG_KEY_LOCAL_MR_TCP_PORT), ==, "LocalMRTCPPort");
    g_assert_cmpstr(msdiag_key_to_string(MSDIAG_KEY_OTHER), ==, "other");
    g_assert_cmpstr(msdiag_role_to_string(MSDIAG_ROLE_CALLER), ==, "caller");
    g_assert_cmpstr(msdiag_location_to_string(1), ==, "Internet");
    g_assert_cmpstr(msdiag_location_to_string(3), ==, "unknown");
    g_assert_cmpstr(msdiag_federation_to_string(2), ==, "public-cloud federation");
    g_assert_cmpstr(msdiag_federation_to_string(9), ==, "unknown");
    for (int s = 0; s < MSDIAG_STATUS_COUNT; s++)
        g_assert_cmpstr(msdiag_status_to_string((msdiag_status_t)s), !=, "unknown status");
    g_assert_cmpstr(msdiag_status_to_string(MSDIAG_STATUS_COUNT), ==, "unknown status");
}

/* ---- robustness ----------------------------------------------------------- */

/* Each good vector at every shorter length (heap copies of exactly that size). */
static void
test_prefixes(void)
{
    static const struct {
        msdiag_header_t h;
        const char     *text;
    } good[] = {
        { MSDIAG_HDR_CLIENT_DIAGNOSTICS, SAMPLE_51007 },
        { MSDIAG_HDR_CLIENT_DIAGNOSTICS, SAMPLE_23 },
        { MSDIAG_HDR_CLIENT_DIAGNOSTICS, CAPTURE_51007 },
        { MSDIAG_HDR_DIAGNOSTICS, DIAG_SUBCODE },
        { MSDIAG_HDR_DIAGNOSTICS, DIAG_SWAPPED },
        { MSDIAG_HDR_DIAGNOSTICS_PUBLIC, DIAG_PUBLIC },
        { MSDIAG_HDR_LOCATION, LOCATION_INTRANET },
        { MSDIAG_HDR_LOCATION, LOCATION_INTERNET },
        { MSDIAG_HDR_SUBNET, SUBNET },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(good); i++) {
        size_t len = strlen(good[i].text);
        msdiag_t d;
        char *copy;
        g_assert_cmpint(parse_n(good[i].h, good[i].text, len, &d, &copy), ==, MSDIAG_OK);
        g_free(copy);
        for (size_t n = 0; n < len; n++) {
            parse_n(good[i].h, good[i].text, n, &d, &copy);
            check_invariants(&d, n);
            g_free(copy);
        }
    }
}

/* Hostile values: no crash, invariants hold. */
static void
test_hostile(void)
{
    static const char *const vals[] = {
        "\"", "\"\"", ";", ";;;;", "=", "===", "\\", "\\\"", "1;reason=\"\\", "1;reason=", "1;reason",
        "1;=x", "1;reason=\"x\"\"y\"", "1;CallerMediaDebug=", "1;CallerMediaDebug=\"", "1;CallerMediaDebug=\":\"",
        "1;CallerMediaDebug=\",,,,\"", "1;CallerMediaDebug=\"a:=,=,=\"", "1;CallerMediaDebug=\"a:LocalSite=:\"",
        "1;CallerMediaDebug=\"a:LocalSite=[\"", "1;CallerMediaDebug=\"a:LocalSite=[]:\"",
        "1;CallerMediaDebug=\"a:LocalSite=]:1\"", "1;CallerMediaDebug=\"a:PortRange=:\"",
        "1;CallerMediaDebug=\"a:ICEWarn=0x\"", "1;CallerMediaDebug=audio:ICEWarn=0x1",
        "99999999999999999999;reason=\"x\"", "1.99999999999999999999", "\r\n\r\n",
        "NetworkScope;ms-media-location-type", "NetworkScope;ms-media-location-type=",
        ":::::::::", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", "1;CallerMediaDebug=\"a:LocalSite=::1.2.3.4:5\"",
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(vals); i++) {
        for (int h = MSDIAG_HDR_UNKNOWN; h <= MSDIAG_HDR_SUBNET; h++) {
            msdiag_t d;
            check((msdiag_header_t)h, vals[i], &d);
        }
    }
    /* Binary: every byte value once, in each header. */
    char bin[256];
    for (unsigned i = 0; i < sizeof(bin); i++)
        bin[i] = (char)i;
    for (int h = MSDIAG_HDR_UNKNOWN; h <= MSDIAG_HDR_SUBNET; h++) {
        msdiag_t d;
        char *copy;
        parse_n((msdiag_header_t)h, bin, sizeof(bin), &d, &copy);
        check_invariants(&d, sizeof(bin));
        g_free(copy);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/msdiag/client/sample-51007", test_client_51007);
    g_test_add_func("/msdiag/client/capture-51007", test_client_capture);
    g_test_add_func("/msdiag/client/sample-23-app-sharing", test_client_23);
    g_test_add_func("/msdiag/client/media-debug-shapes", test_media_debug_shapes);
    g_test_add_func("/msdiag/client/too-many-items", test_too_many_items);
    g_test_add_func("/msdiag/icewarn/names", test_icewarn_names);
    g_test_add_func("/msdiag/icewarn/values", test_icewarn_values);
    g_test_add_func("/msdiag/items/values", test_item_values);
    g_test_add_func("/msdiag/quotes", test_quotes);
    g_test_add_func("/msdiag/diagnostics/subcode", test_diagnostics_subcode);
    g_test_add_func("/msdiag/diagnostics/swapped", test_diagnostics_swapped);
    g_test_add_func("/msdiag/diagnostics/public", test_diagnostics_public);
    g_test_add_func("/msdiag/codes", test_codes);
    g_test_add_func("/msdiag/empty", test_empty);
    g_test_add_func("/msdiag/too-long", test_too_long);
    g_test_add_func("/msdiag/too-many-params", test_too_many_params);
    g_test_add_func("/msdiag/location", test_location);
    g_test_add_func("/msdiag/subnet", test_subnet);
    g_test_add_func("/msdiag/names", test_names);
    g_test_add_func("/msdiag/prefixes", test_prefixes);
    g_test_add_func("/msdiag/hostile", test_hostile);
    return g_test_run();
}
