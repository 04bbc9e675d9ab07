/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_mras.c - unit tests for the MRAS body reader (plugin/core/mras.c).
 *
 * Bodies are literal XML built from the schema in specs/ms-avedgea-mras.md
 * ([MS-AVEDGEA] 2.2.3, 2.2.4); values are invented. The limits tested here
 * (depth 16, 4096 elements, 32 attributes, 8 KiB values, 32 relays, 64 KiB
 * body) are the named constants at the top of mras.c.
 */
#include <string.h>

#include <glib.h>

#include "mras.h"

/* ---- vectors ---------------------------------------------------------- */

/* A client's SERVICE body; identity has a non-ASCII letter (2-byte UTF-8),
 * so the prefix test also cuts a multi-byte character. */
static const char REQUEST[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
    "<request requestID=\"12345\" version=\"1.0\" from=\"sip:zo\xc3\xab@contoso.com\"\r\n"
    "         to=\"sip:zo\xc3\xab@contoso.com;gruu;opaque=srvr:MRAS:xyz\" route=\"loadbalanced\"\r\n"
    "         xmlns=\"http://schemas.microsoft.com/2006/09/sip/mrasp\"\r\n"
    "         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\r\n"
    "  <credentialsRequest credentialsRequestID=\"12345\">\r\n"
    "    <identity>sip:zo\xc3\xab@contoso.com</identity>\r\n"
    "    <location>internet</location>\r\n"
    "    <duration>480</duration>\r\n"
    "  </credentialsRequest>\r\n"
    "</request>\r\n";

/* The 200 OK body: one credentialsResponse, an intranet relay by address
 * and an internet relay by name. */
#define USERNAME "AgAAJBcAwq8B2QaBkVvLLwzpcL3yQkIKovx7QS3cV2cAAAAAVBjfZ5l8jyp/y4zWvl2nTY+xhzQ="
#define PASSWORD "nb8XsLKU9YKqPJLmuOk5D1hmXxY="
static const char RESPONSE[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
    "<response xmlns=\"http://schemas.microsoft.com/2006/09/sip/mrasp\" requestID=\"12345\"\r\n"
    "          version=\"1.0\" serverVersion=\"3.0\" to=\"sip:zo\xc3\xab@contoso.com\"\r\n"
    "          from=\"sip:zo\xc3\xab@contoso.com;gruu;opaque=srvr:MRAS:xyz\" reasonPhrase=\"OK\">\r\n"
    "  <credentialsResponse credentialsRequestID=\"12345\">\r\n"
    "    <credentials>\r\n"
    "      <username>" USERNAME "</username>\r\n"
    "      <password>" PASSWORD "</password>\r\n"
    "      <duration>480</duration>\r\n"
    "    </credentials>\r\n"
    "    <mediaRelayList>\r\n"
    "      <mediaRelay>\r\n"
    "        <location>intranet</location>\r\n"
    "        <directIPAddress>10.0.0.20</directIPAddress>\r\n"
    "        <udpPort>3478</udpPort>\r\n"
    "        <tcpPort>443</tcpPort>\r\n"
    "      </mediaRelay>\r\n"
    "      <mediaRelay>\r\n"
    "        <location>internet</location>\r\n"
    "        <hostName>av.contoso.com</hostName>\r\n"
    "        <udpPort>3478</udpPort>\r\n"
    "        <tcpPort>443</tcpPort>\r\n"
    "      </mediaRelay>\r\n"
    "    </mediaRelayList>\r\n"
    "  </credentialsResponse>\r\n"
    "</response>\r\n";

#define NS "http://schemas.microsoft.com/2006/09/sip/mrasp"

static mras_doc_t *
parse_str(const char *s, mras_status_t expect)
{
    mras_doc_t *doc = NULL;
    mras_status_t st = mras_parse(s, strlen(s), &doc);
    g_assert_nonnull(doc);
    if (st != expect)
        g_test_message("status %s (%s at %d:%d)", mras_status_to_string(st),
                       doc->error_message ? doc->error_message : "-", doc->error_line,
                       doc->error_column);
    g_assert_cmpint(st, ==, expect);
    g_assert_cmpint(doc->status, ==, expect);
    return doc;
}

static size_t
findings(const mras_doc_t *doc, const mras_doc_t *req, mras_finding_t *out, size_t max)
{
    size_t n = mras_check(doc, req, out, max);
    for (size_t i = 0; i < n && i < max; i++)
        g_test_message("finding %s (%s) cred %d relay %d", mras_check_to_string(out[i].check),
                       out[i].detail ? out[i].detail : "-", out[i].cred_index,
                       out[i].relay_index);
    return n;
}

static bool
has_finding(const mras_finding_t *f, size_t n, mras_check_t check, int cred, int relay)
{
    for (size_t i = 0; i < n; i++) {
        if (f[i].check == check && f[i].cred_index == cred && f[i].relay_index == relay)
            return true;
    }
    return false;
}

/* ---- good bodies ------------------------------------------------------ */

static void
test_request_basic(void)
{
    mras_doc_t *d = parse_str(REQUEST, MRAS_OK);

    g_assert_cmpint(d->kind, ==, MRAS_KIND_REQUEST);
    g_assert_cmpstr(d->root_name, ==, "request");
    g_assert_cmpint(d->ns, ==, MRAS_NS_EXPECTED);
    g_assert_cmpstr(d->ns_uri, ==, NS);
    g_assert_cmpint(d->error_line, ==, 0);
    g_assert_null(d->error_message);
    g_assert_cmpstr(d->request_id, ==, "12345");
    g_assert_cmpstr(d->version, ==, "1.0");
    g_assert_cmpstr(d->from, ==, "sip:zo\xc3\xab@contoso.com");
    g_assert_cmpstr(d->to, ==, "sip:zo\xc3\xab@contoso.com;gruu;opaque=srvr:MRAS:xyz");
    g_assert_cmpstr(d->route, ==, "loadbalanced");
    g_assert_null(d->server_version);
    g_assert_null(d->reason_phrase);
    g_assert_cmpint(d->reason, ==, MRAS_REASON_NONE);
    g_assert_cmpuint(d->n_cred_resps, ==, 0);
    g_assert_null(d->cred_resps);

    g_assert_cmpuint(d->n_cred_reqs, ==, 1);
    const mras_cred_req_t *c = &d->cred_reqs[0];
    g_assert_cmpstr(c->credentials_request_id, ==, "12345");
    g_assert_cmpstr(c->identity, ==, "sip:zo\xc3\xab@contoso.com");
    g_assert_cmpstr(c->location, ==, "internet");
    g_assert_cmpint(c->location_kind, ==, MRAS_LOCATION_INTERNET);
    g_assert_true(c->duration.present);
    g_assert_true(c->duration.valid);
    g_assert_cmpuint(c->duration.minutes, ==, 480);
    g_assert_cmpstr(c->duration.text, ==, "480");

    g_assert_cmpuint(d->n_elements, ==, 5);
    g_assert_cmpuint(d->max_depth, ==, 3);
    g_assert_cmpuint(d->n_unknown_elements, ==, 0);
    g_assert_cmpuint(d->n_unknown_attributes, ==, 0);

    mras_finding_t f[8];
    g_assert_cmpuint(findings(d, NULL, f, G_N_ELEMENTS(f)), ==, 0);
    mras_doc_free(d);
}

static void
assert_good_response(const mras_doc_t *d)
{
    g_assert_cmpint(d->kind, ==, MRAS_KIND_RESPONSE);
    g_assert_cmpstr(d->root_name, ==, "response");
    g_assert_cmpint(d->ns, ==, MRAS_NS_EXPECTED);
    g_assert_cmpstr(d->ns_uri, ==, NS);
    g_assert_cmpstr(d->request_id, ==, "12345");
    g_assert_cmpstr(d->version, ==, "1.0");
    g_assert_cmpstr(d->server_version, ==, "3.0");
    g_assert_cmpstr(d->to, ==, "sip:zo\xc3\xab@contoso.com");
    g_assert_cmpstr(d->from, ==, "sip:zo\xc3\xab@contoso.com;gruu;opaque=srvr:MRAS:xyz");
    g_assert_cmpstr(d->reason_phrase, ==, "OK");
    g_assert_cmpint(d->reason, ==, MRAS_REASON_OK);
    g_assert_null(d->route);
    g_assert_cmpuint(d->n_cred_reqs, ==, 0);

    g_assert_cmpuint(d->n_cred_resps, ==, 1);
    const mras_cred_resp_t *c = &d->cred_resps[0];
    g_assert_cmpstr(c->credentials_request_id, ==, "12345");
    g_assert_true(c->has_credentials);
    g_assert_cmpstr(c->username, ==, USERNAME);
    g_assert_cmpstr(c->password, ==, PASSWORD);
    g_assert_true(c->duration.present);
    g_assert_true(c->duration.valid);
    g_assert_cmpuint(c->duration.minutes, ==, 480);
    g_assert_null(c->realm);
    g_assert_true(c->has_relay_list);
    g_assert_cmpuint(c->n_relays, ==, 2);

    const mras_relay_t *r = &c->relays[0];
    g_assert_cmpstr(r->location, ==, "intranet");
    g_assert_cmpint(r->location_kind, ==, MRAS_LOCATION_INTRANET);
    g_assert_null(r->host_name);
    g_assert_cmpstr(r->direct_ip, ==, "10.0.0.20");
    g_assert_true(r->udp_port.present);
    g_assert_true(r->udp_port.valid);
    g_assert_cmpuint(r->udp_port.value, ==, 3478);
    g_assert_cmpstr(r->udp_port.text, ==, "3478");
    g_assert_true(r->tcp_port.present);
    g_assert_true(r->tcp_port.valid);
    g_assert_cmpuint(r->tcp_port.value, ==, 443);

    r = &c->relays[1];
    g_assert_cmpstr(r->location, ==, "internet");
    g_assert_cmpint(r->location_kind, ==, MRAS_LOCATION_INTERNET);
    g_assert_cmpstr(r->host_name, ==, "av.contoso.com");
    g_assert_null(r->direct_ip);
    g_assert_true(r->udp_port.valid);
    g_assert_cmpuint(r->udp_port.value, ==, 3478);
    g_assert_true(r->tcp_port.valid);
    g_assert_cmpuint(r->tcp_port.value, ==, 443);
    g_assert_false(mras_relay_lacks_port(r));
    g_assert_false(mras_relay_lacks_address(r));

    g_assert_cmpuint(d->n_elements, ==, 17);
    g_assert_cmpuint(d->max_depth, ==, 5);
}

static void
test_response_internet_intranet(void)
{
    mras_doc_t *d = parse_str(RESPONSE, MRAS_OK);
    mras_doc_t *req = parse_str(REQUEST, MRAS_OK);
    assert_good_response(d);

    g_assert_false(mras_response_failed(d, NULL));
    g_assert_false(mras_response_lacks_credentials(d));
    g_assert_false(mras_response_lacks_relays(d));
    g_assert_cmpint(mras_response_matches_request(d, req), ==, MRAS_MATCH_YES);
    g_assert_cmpint(mras_cred_resp_matches_request(&d->cred_resps[0], req), ==, MRAS_MATCH_YES);
    g_assert_true(mras_find_cred_req(req, "12345") == &req->cred_reqs[0]);
    g_assert_null(mras_find_cred_req(req, "999"));
    /* Wrong kinds or no request: nothing to compare. */
    g_assert_cmpint(mras_response_matches_request(req, d), ==, MRAS_MATCH_UNKNOWN);
    g_assert_cmpint(mras_response_matches_request(d, NULL), ==, MRAS_MATCH_UNKNOWN);

    mras_finding_t f[8];
    g_assert_cmpuint(findings(d, req, f, G_N_ELEMENTS(f)), ==, 0);
    g_assert_cmpuint(findings(d, NULL, f, G_N_ELEMENTS(f)), ==, 0);
    mras_doc_free(req);
    mras_doc_free(d);
}

/* Same response with an m: prefix, CDATA, entities, comments and unknown
 * elements and attributes mixed in. */
static void
test_response_variants(void)
{
    static const char body[] =
        "\xef\xbb\xbf<!-- leading comment -->\n"
        "<!DOCTYPE response>\n"
        "<m:response xmlns:m=\"" NS "\" m:requestID=\"1&amp;2\" version=\"1.0\"\n"
        "  to=\"a\" from=\"b\" reasonPhrase=\"OK\" extra=\"x\">\n"
        "  <m:credentialsResponse credentialsRequestID=\"1&amp;2\">\n"
        "    <m:credentials>\n"
        "      <m:username><![CDATA[us<er]]></m:username>\n"
        "      <m:password>pa<!-- split -->ss</m:password>\n"
        "      <m:password>second-ignored</m:password>\n"
        "      <m:duration> +0480 </m:duration>\n"
        "      <m:realm>RTCMEDIARELAY</m:realm>\n"
        "      <m:vendorThing><m:username>not-this</m:username></m:vendorThing>\n"
        "    </m:credentials>\n"
        "    <m:mediaRelayList>\n"
        "      <m:mediaRelay>\n"
        "        <m:location>intranet</m:location>\n"
        "        <m:hostName>edge&#46;contoso.com</m:hostName>\n"
        "        <m:udpPort>\n3478\n</m:udpPort>\n"
        "        <m:udpPort>1</m:udpPort><m:location>internet</m:location>\n"
        "      </m:mediaRelay>\n"
        "    </m:mediaRelayList>\n"
        "  </m:credentialsResponse>\n"
        "</m:response>\n"
        "<?trailing pi?>\n";
    mras_doc_t *d = parse_str(body, MRAS_OK);

    g_assert_cmpint(d->kind, ==, MRAS_KIND_RESPONSE);
    g_assert_cmpstr(d->root_name, ==, "m:response");
    g_assert_cmpint(d->ns, ==, MRAS_NS_EXPECTED);
    g_assert_cmpstr(d->request_id, ==, "1&2");
    g_assert_cmpuint(d->n_unknown_attributes, ==, 1);  /* extra */
    g_assert_cmpuint(d->n_unknown_elements, ==, 1);    /* vendorThing (not its child) */
    const mras_cred_resp_t *c = &d->cred_resps[0];
    g_assert_cmpstr(c->credentials_request_id, ==, "1&2");
    g_assert_cmpstr(c->username, ==, "us<er");
    g_assert_cmpstr(c->password, ==, "pass");           /* the first one */
    g_assert_true(c->duration.valid);
    g_assert_cmpuint(c->duration.minutes, ==, 480);
    g_assert_cmpstr(c->duration.text, ==, " +0480 ");
    g_assert_cmpstr(c->realm, ==, "RTCMEDIARELAY");
    g_assert_cmpuint(c->n_relays, ==, 1);
    g_assert_cmpstr(c->relays[0].host_name, ==, "edge.contoso.com");
    g_assert_true(c->relays[0].udp_port.valid);
    g_assert_cmpuint(c->relays[0].udp_port.value, ==, 3478);
    g_assert_cmpstr(c->relays[0].location, ==, "intranet");   /* first of two */
    g_assert_false(c->relays[0].tcp_port.present);
    g_assert_false(mras_relay_lacks_port(&c->relays[0]));

    mras_finding_t f[8];
    g_assert_cmpuint(findings(d, NULL, f, G_N_ELEMENTS(f)), ==, 0);
    mras_doc_free(d);
}

static void
test_response_failure(void)
{
    static const struct {
        const char     *phrase;
        mras_reason_t   reason;
        mras_severity_t sev;
    } rows[] = {
        { "Request Malformed",     MRAS_REASON_REQUEST_MALFORMED, MRAS_SEV_ERROR },
        { "Request Too Large",     MRAS_REASON_REQUEST_TOO_LARGE, MRAS_SEV_ERROR },
        { "Not Supported",         MRAS_REASON_NOT_SUPPORTED,     MRAS_SEV_WARN },
        { "Server Busy",           MRAS_REASON_SERVER_BUSY,       MRAS_SEV_WARN },
        { "Time Out",              MRAS_REASON_TIME_OUT,          MRAS_SEV_WARN },
        { "Forbidden",             MRAS_REASON_FORBIDDEN,         MRAS_SEV_ERROR },
        { "Internal Server Error", MRAS_REASON_INTERNAL_ERROR,    MRAS_SEV_ERROR },
        { "Other Failure",         MRAS_REASON_OTHER_FAILURE,     MRAS_SEV_ERROR },
        { "Version Mismatch",      MRAS_REASON_VERSION_MISMATCH,  MRAS_SEV_ERROR },
        /* case and spaces matter */
        { "server busy",           MRAS_REASON_UNKNOWN,           MRAS_SEV_ERROR },
        { "OK ",                   MRAS_REASON_UNKNOWN,           MRAS_SEV_ERROR },
    };
    mras_doc_t *req = parse_str(REQUEST, MRAS_OK);

    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        char *body = g_strdup_printf(
            "<response xmlns=\"" NS "\" requestID=\"12345\" version=\"1.0\""
            " serverVersion=\"3.0\" to=\"a\" from=\"b\" reasonPhrase=\"%s\"/>", rows[i].phrase);
        mras_doc_t *d = parse_str(body, MRAS_OK);
        mras_severity_t sev = MRAS_SEV_CHAT;

        g_assert_cmpstr(d->reason_phrase, ==, rows[i].phrase);
        g_assert_cmpint(d->reason, ==, rows[i].reason);
        g_assert_cmpint(mras_reason_from_string(rows[i].phrase), ==, rows[i].reason);
        g_assert_true(mras_response_failed(d, &sev));
        g_assert_cmpint(sev, ==, rows[i].sev);
        /* The failure is the finding; no pile-on about credentials/relays. */
        g_assert_false(mras_response_lacks_credentials(d));
        g_assert_false(mras_response_lacks_relays(d));
        mras_finding_t f[8];
        size_t n = findings(d, req, f, G_N_ELEMENTS(f));
        g_assert_cmpuint(n, ==, 1);
        g_assert_cmpint(f[0].check, ==, rows[i].reason == MRAS_REASON_UNKNOWN
                                            ? MRAS_CHECK_REASON_UNKNOWN
                                            : MRAS_CHECK_REASON_FAILED);
        g_assert_cmpint(f[0].severity, ==, rows[i].sev);
        g_assert_cmpstr(f[0].detail, ==, rows[i].phrase);
        g_assert_cmpint(f[0].cred_index, ==, -1);
        if (rows[i].reason != MRAS_REASON_UNKNOWN)
            g_assert_cmpstr(mras_reason_to_string(rows[i].reason), ==, rows[i].phrase);
        mras_doc_free(d);
        g_free(body);
    }

    /* Request Malformed may leave out requestID/to/from ([MS-AVEDGEA] 2.2.3.1.2). */
    mras_doc_t *d = parse_str("<response xmlns=\"" NS "\" version=\"1.0\""
                              " reasonPhrase=\"Request Malformed\"/>", MRAS_OK);
    mras_finding_t f[8];
    g_assert_cmpuint(findings(d, req, f, G_N_ELEMENTS(f)), ==, 1);
    g_assert_cmpint(mras_response_matches_request(d, req), ==, MRAS_MATCH_UNKNOWN);
    mras_doc_free(d);

    g_assert_cmpint(mras_reason_from_string(NULL), ==, MRAS_REASON_NONE);
    g_assert_cmpint(mras_reason_from_string("OK"), ==, MRAS_REASON_OK);
    g_assert_cmpint(mras_reason_severity(MRAS_REASON_OK), ==, MRAS_SEV_CHAT);
    g_assert_cmpstr(mras_reason_to_string(MRAS_REASON_NONE), ==, "(absent)");
    g_assert_cmpstr(mras_reason_to_string(MRAS_REASON_UNKNOWN), ==, "(unknown)");
    mras_doc_free(req);
}

static void
test_response_mismatch(void)
{
    static const char body[] =
        "<response xmlns=\"" NS "\" requestID=\"99\" version=\"1.0\" to=\"a\" from=\"b\""
        " reasonPhrase=\"OK\">"
        "<credentialsResponse credentialsRequestID=\"12345\">"
        "<credentials><username>u</username><password>p</password>"
        "<duration>60</duration></credentials>"
        "<mediaRelayList><mediaRelay><location>internet</location>"
        "<hostName>av.contoso.com</hostName><tcpPort>443</tcpPort></mediaRelay>"
        "</mediaRelayList></credentialsResponse>"
        "<credentialsResponse credentialsRequestID=\"777\">"
        "<credentials><username>u</username><password>p</password></credentials>"
        "</credentialsResponse>"
        "</response>";
    mras_doc_t *req = parse_str(REQUEST, MRAS_OK);
    mras_doc_t *d = parse_str(body, MRAS_OK);
    mras_finding_t f[16];

    g_assert_cmpint(mras_response_matches_request(d, req), ==, MRAS_MATCH_NO);
    g_assert_cmpint(mras_cred_resp_matches_request(&d->cred_resps[0], req), ==, MRAS_MATCH_YES);
    g_assert_cmpint(mras_cred_resp_matches_request(&d->cred_resps[1], req), ==, MRAS_MATCH_NO);
    size_t n = findings(d, req, f, G_N_ELEMENTS(f));
    g_assert_cmpuint(n, ==, 3);
    g_assert_true(has_finding(f, n, MRAS_CHECK_REQUEST_ID_MISMATCH, -1, -1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_DURATION_SHORTENED, 0, -1)); /* 60 < 480 */
    g_assert_true(has_finding(f, n, MRAS_CHECK_CRED_ID_MISMATCH, 1, -1));
    /* snprintf-like: the count is returned even when out is short or NULL. */
    g_assert_cmpuint(mras_check(d, req, f, 1), ==, 3);
    g_assert_cmpuint(mras_check(d, req, NULL, 0), ==, 3);
    /* Without the request none of these can be judged. */
    g_assert_cmpuint(findings(d, NULL, f, G_N_ELEMENTS(f)), ==, 0);
    mras_doc_free(d);
    mras_doc_free(req);
}

static void
test_response_relay_problems(void)
{
    static const char body[] =
        "<response xmlns=\"" NS "\" requestID=\"1\" version=\"1.0\" to=\"a\" from=\"b\""
        " reasonPhrase=\"OK\">"
        "<credentialsResponse credentialsRequestID=\"1\">"
        "<credentials><username>u</username><password></password>"
        "<duration>0</duration></credentials>"
        "<mediaRelayList>"
        /* 0: no address, no port */
        "<mediaRelay><location>internet</location></mediaRelay>"
        /* 1: both addresses, bad udp port, unknown location */
        "<mediaRelay><location>federation</location><hostName>h</hostName>"
        "<directIPAddress>192.0.2.1</directIPAddress><udpPort>65536</udpPort>"
        "<tcpPort>0</tcpPort></mediaRelay>"
        /* 2: no location, port with a sign */
        "<mediaRelay><hostName>h</hostName><udpPort>-1</udpPort></mediaRelay>"
        "</mediaRelayList></credentialsResponse></response>";
    mras_doc_t *d = parse_str(body, MRAS_OK);
    const mras_cred_resp_t *c = &d->cred_resps[0];

    g_assert_cmpuint(c->n_relays, ==, 3);
    g_assert_true(mras_relay_lacks_port(&c->relays[0]));
    g_assert_true(mras_relay_lacks_address(&c->relays[0]));
    g_assert_false(mras_relay_lacks_port(&c->relays[1]));
    g_assert_true(mras_port_is_bad(&c->relays[1].udp_port));
    g_assert_false(mras_port_is_bad(&c->relays[1].tcp_port));
    g_assert_true(c->relays[1].tcp_port.valid);
    g_assert_cmpuint(c->relays[1].tcp_port.value, ==, 0);
    g_assert_cmpint(c->relays[1].location_kind, ==, MRAS_LOCATION_UNKNOWN);
    g_assert_cmpstr(c->relays[1].location, ==, "federation");
    g_assert_true(mras_port_is_bad(&c->relays[2].udp_port));
    g_assert_cmpint(c->relays[2].location_kind, ==, MRAS_LOCATION_NONE);
    g_assert_true(mras_duration_is_bad(&c->duration));
    g_assert_cmpuint(c->duration.minutes, ==, 0);
    /* username present but empty password: not usable credentials */
    g_assert_true(mras_response_lacks_credentials(d));
    g_assert_false(mras_response_lacks_relays(d));

    mras_finding_t f[32];
    size_t n = findings(d, NULL, f, G_N_ELEMENTS(f));
    g_assert_true(has_finding(f, n, MRAS_CHECK_NO_CREDENTIALS, -1, -1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_CREDENTIALS_INCOMPLETE, 0, -1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_BAD_DURATION, 0, -1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_RELAY_NO_ADDRESS, 0, 0));
    g_assert_true(has_finding(f, n, MRAS_CHECK_RELAY_NO_PORT, 0, 0));
    g_assert_true(has_finding(f, n, MRAS_CHECK_RELAY_TWO_ADDRESSES, 0, 1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_BAD_PORT, 0, 1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_UNKNOWN_LOCATION, 0, 1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_RELAY_NO_LOCATION, 0, 2));
    g_assert_true(has_finding(f, n, MRAS_CHECK_BAD_PORT, 0, 2));
    g_assert_cmpuint(n, ==, 10);
    mras_doc_free(d);

    /* Empty response: every required attribute missing. */
    d = parse_str("<response xmlns=\"" NS "\"><credentialsResponse><credentials>"
                  "<password>p</password></credentials></credentialsResponse></response>",
                  MRAS_OK);
    n = findings(d, NULL, f, G_N_ELEMENTS(f));
    g_assert_cmpuint(n, ==, 9);
    g_assert_true(has_finding(f, n, MRAS_CHECK_MISSING_ATTRIBUTE, 0, -1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_CREDENTIALS_INCOMPLETE, 0, -1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_NO_CREDENTIALS, -1, -1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_NO_RELAYS, -1, -1));
    mras_doc_free(d);

    /* OK response with nothing in it. */
    d = parse_str("<response xmlns=\"" NS "\" requestID=\"1\" version=\"1.0\" to=\"a\""
                  " from=\"b\" reasonPhrase=\"OK\"/>", MRAS_OK);
    g_assert_true(mras_response_lacks_credentials(d));
    g_assert_true(mras_response_lacks_relays(d));
    n = findings(d, NULL, f, G_N_ELEMENTS(f));
    g_assert_cmpuint(n, ==, 2);
    g_assert_true(has_finding(f, n, MRAS_CHECK_NO_CREDENTIALS, -1, -1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_NO_RELAYS, -1, -1));
    mras_doc_free(d);
}

static void
test_durations(void)
{
    static const struct {
        const char *text;
        bool        valid;
        uint32_t    minutes;
    } rows[] = {
        { "480",         true,  480 },
        { " 480\n",      true,  480 },   /* xs whitespace collapse */
        { "+1",          true,  1 },
        { "0007",        true,  7 },
        { "4294967295",  true,  4294967295u },
        { "4294967296",  false, 0 },     /* above uint32 */
        { "99999999999999999999999", false, 0 }, /* ERANGE */
        { "0",           false, 0 },     /* positiveInteger */
        { "-480",        false, 0 },
        { "480m",        false, 0 },
        { "4 80",        false, 0 },
        { "0x1E0",       false, 0 },
        { "",            false, 0 },
        { "+",           false, 0 },
        { "\xd9\xa4",    false, 0 },     /* ARABIC-INDIC DIGIT FOUR */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        char *body = g_strdup_printf(
            "<request xmlns=\"" NS "\" requestID=\"1\" version=\"1.0\" to=\"a\" from=\"b\">"
            "<credentialsRequest credentialsRequestID=\"1\"><duration>%s</duration>"
            "</credentialsRequest></request>", rows[i].text);
        mras_doc_t *d = parse_str(body, MRAS_OK);
        const mras_duration_t *du = &d->cred_reqs[0].duration;
        g_test_message("duration \"%s\"", rows[i].text);
        g_assert_true(du->present);
        g_assert_cmpint(du->valid, ==, rows[i].valid);
        g_assert_cmpuint(du->minutes, ==, rows[i].minutes);
        g_assert_cmpstr(du->text, ==, rows[i].text);
        g_assert_cmpint(mras_duration_is_bad(du), ==, !rows[i].valid);
        mras_doc_free(d);
        g_free(body);
    }
}

static void
test_request_missing(void)
{
    mras_finding_t f[16];
    mras_doc_t *d = parse_str("<request xmlns=\"" NS "\"/>", MRAS_OK);
    size_t n = findings(d, NULL, f, G_N_ELEMENTS(f));
    g_assert_cmpuint(n, ==, 5);
    g_assert_true(has_finding(f, n, MRAS_CHECK_NO_CREDENTIALS_REQUEST, -1, -1));
    g_assert_true(has_finding(f, n, MRAS_CHECK_MISSING_ATTRIBUTE, -1, -1));
    mras_doc_free(d);

    d = parse_str("<request xmlns=\"" NS "\" requestID=\"1\" version=\"1.0\" to=\"a\""
                  " from=\"b\"><credentialsRequest><location>moon</location>"
                  "</credentialsRequest></request>", MRAS_OK);
    n = findings(d, NULL, f, G_N_ELEMENTS(f));
    g_assert_cmpuint(n, ==, 2);
    g_assert_true(has_finding(f, n, MRAS_CHECK_MISSING_ATTRIBUTE, 0, -1));
    g_assert_cmpstr(f[0].detail, ==, "credentialsRequestID");
    g_assert_true(has_finding(f, n, MRAS_CHECK_UNKNOWN_LOCATION, 0, -1));
    g_assert_false(d->cred_reqs[0].duration.present);
    g_assert_false(mras_duration_is_bad(&d->cred_reqs[0].duration));
    mras_doc_free(d);
}

/* ---- bad bodies ------------------------------------------------------- */

static void
test_bad_empty(void)
{
    mras_doc_t *d = NULL;
    g_assert_cmpint(mras_parse(NULL, 0, &d), ==, MRAS_EMPTY);
    g_assert_cmpint(d->kind, ==, MRAS_KIND_UNKNOWN);
    g_assert_cmpint(d->error_line, ==, 0);
    mras_doc_free(d);
    g_assert_cmpint(mras_parse("<request/>", 0, &d), ==, MRAS_EMPTY);
    mras_doc_free(d);
    mras_doc_free(parse_str(" \r\n\t ", MRAS_EMPTY));
    mras_doc_free(parse_str("\xef\xbb\xbf  ", MRAS_EMPTY));
    /* A prolog and nothing else: no element. */
    mras_doc_free(parse_str("<?xml version=\"1.0\"?>\n<!-- nothing -->\n", MRAS_EMPTY));
    mras_doc_free(NULL);
}

static void
test_bad_not_xml(void)
{
    mras_doc_t *d = parse_str("realm=\"x\" nonce=\"y\"", MRAS_NOT_XML);
    g_assert_cmpint(d->error_line, ==, 0);
    g_assert_null(d->error_message);
    mras_doc_free(d);
    mras_doc_free(parse_str("  {\"request\": 1}", MRAS_NOT_XML));
}

static void
test_bad_unclosed(void)
{
    /* credentialsRequest is never closed: GMarkup sees </request> while
     * credentialsRequest is open, on line 3. */
    static const char body[] =
        "<request xmlns=\"" NS "\" requestID=\"7\">\n"
        "  <credentialsRequest credentialsRequestID=\"7\">\n"
        "</request>\n";
    mras_doc_t *d = parse_str(body, MRAS_XML_ERROR);
    g_assert_cmpint(d->error_line, ==, 3);
    g_assert_cmpint(d->error_column, >, 0);
    g_assert_nonnull(d->error_message);
    g_assert_false(g_str_has_prefix(d->error_message, "Error on line"));
    g_assert_true(g_utf8_validate(d->error_message, -1, NULL));
    g_test_message("line %d column %d: %s", d->error_line, d->error_column, d->error_message);
    /* What was read before the error is kept. */
    g_assert_cmpint(d->kind, ==, MRAS_KIND_REQUEST);
    g_assert_cmpstr(d->request_id, ==, "7");
    g_assert_cmpuint(d->n_cred_reqs, ==, 1);
    g_assert_cmpstr(d->cred_reqs[0].credentials_request_id, ==, "7");
    /* A partial doc gets no "missing" findings. */
    mras_finding_t f[8];
    g_assert_cmpuint(findings(d, NULL, f, G_N_ELEMENTS(f)), ==, 0);
    mras_doc_free(d);

    /* Open tag never closed at the end of the body: truncated. */
    d = parse_str("<request xmlns=\"" NS "\">\n<credentialsRequest>\n", MRAS_TRUNCATED);
    g_assert_cmpint(d->error_line, ==, 3);
    g_assert_nonnull(d->error_message);
    mras_doc_free(d);

    /* Garbage inside a tag. */
    d = parse_str("<request xmlns=\"" NS "\">\n  <a b=c/>\n</request>", MRAS_XML_ERROR);
    g_assert_cmpint(d->error_line, ==, 2);
    mras_doc_free(d);
}

/* Every string in the partial doc must equal the full doc's: a prefix never
 * yields a half value. */
static void
assert_str_prefix_ok(const char *part, const char *full)
{
    if (part != NULL)
        g_assert_cmpstr(part, ==, full);
}

static void
assert_partial(const mras_doc_t *p, const mras_doc_t *f)
{
    assert_str_prefix_ok(p->request_id, f->request_id);
    assert_str_prefix_ok(p->version, f->version);
    assert_str_prefix_ok(p->to, f->to);
    assert_str_prefix_ok(p->from, f->from);
    assert_str_prefix_ok(p->route, f->route);
    assert_str_prefix_ok(p->server_version, f->server_version);
    assert_str_prefix_ok(p->reason_phrase, f->reason_phrase);
    g_assert_cmpuint(p->n_cred_reqs, <=, f->n_cred_reqs);
    for (unsigned i = 0; i < p->n_cred_reqs; i++) {
        const mras_cred_req_t *a = &p->cred_reqs[i], *b = &f->cred_reqs[i];
        assert_str_prefix_ok(a->credentials_request_id, b->credentials_request_id);
        assert_str_prefix_ok(a->identity, b->identity);
        assert_str_prefix_ok(a->location, b->location);
        assert_str_prefix_ok(a->duration.text, b->duration.text);
    }
    g_assert_cmpuint(p->n_cred_resps, <=, f->n_cred_resps);
    for (unsigned i = 0; i < p->n_cred_resps; i++) {
        const mras_cred_resp_t *a = &p->cred_resps[i], *b = &f->cred_resps[i];
        assert_str_prefix_ok(a->username, b->username);
        assert_str_prefix_ok(a->password, b->password);
        assert_str_prefix_ok(a->duration.text, b->duration.text);
        g_assert_cmpuint(a->n_relays, <=, b->n_relays);
        for (unsigned j = 0; j < a->n_relays; j++) {
            assert_str_prefix_ok(a->relays[j].location, b->relays[j].location);
            assert_str_prefix_ok(a->relays[j].host_name, b->relays[j].host_name);
            assert_str_prefix_ok(a->relays[j].direct_ip, b->relays[j].direct_ip);
            assert_str_prefix_ok(a->relays[j].udp_port.text, b->relays[j].udp_port.text);
            assert_str_prefix_ok(a->relays[j].tcp_port.text, b->relays[j].tcp_port.text);
        }
    }
}

static void
truncate_every_prefix(const char *body)
{
    size_t len = strlen(body);
    mras_doc_t *full = parse_str(body, MRAS_OK);
    const char *close = g_strrstr(body, "</");
    g_assert_nonnull(close);
    size_t complete_at = (size_t)(strchr(close, '>') - body) + 1; /* end of the root's end tag */

    for (size_t n = 0; n < len; n++) {
        /* A heap copy of exactly n bytes, so ASan/valgrind catch any read
         * past the end. */
        char *copy = g_memdup2(body, n);
        mras_doc_t *d = NULL;
        mras_status_t st = mras_parse(copy, n, &d);
        if (n >= complete_at) {
            g_assert_cmpint(st, ==, MRAS_OK);
        } else if (st != MRAS_TRUNCATED && st != MRAS_EMPTY) {
            g_test_message("prefix %zu: %s", n, mras_status_to_string(st));
            g_assert_not_reached();
        }
        if (st == MRAS_TRUNCATED)
            g_assert_cmpint(d->error_line, >, 0);
        assert_partial(d, full);
        mras_finding_t f[16];
        (void)mras_check(d, NULL, f, G_N_ELEMENTS(f));
        mras_doc_free(d);
        g_free(copy);
    }
    mras_doc_free(full);
}

static void
test_bad_truncated(void)
{
    truncate_every_prefix(REQUEST);
    truncate_every_prefix(RESPONSE);
}

static char *
repeat(const char *s, unsigned n)
{
    GString *g = g_string_new(NULL);
    for (unsigned i = 0; i < n; i++)
        g_string_append(g, s);
    return g_string_free(g, FALSE);
}

static void
test_bad_deep(void)
{
    /* 10000 open tags (30 KB; with their end tags it would pass the size
     * limit): the depth limit stops the parse at the 16th level. */
    char *open = repeat("<a>", 10000);
    char *body = g_strconcat("<request xmlns=\"" NS "\">", open, NULL);
    mras_doc_t *d = parse_str(body, MRAS_TOO_DEEP);
    g_assert_cmpuint(d->max_depth, ==, 16);
    g_assert_cmpint(d->error_line, ==, 1);
    g_assert_cmpint(d->kind, ==, MRAS_KIND_REQUEST);
    mras_doc_free(d);
    g_free(body);

    /* Deep nesting of interpreted elements is impossible; unknown ones at
     * the limit are fine. */
    char *ok_open = repeat("<a>", 15);
    char *ok_close = repeat("</a>", 15);
    body = g_strconcat("<request xmlns=\"" NS "\">", ok_open, ok_close, "</request>", NULL);
    d = parse_str(body, MRAS_OK);
    g_assert_cmpuint(d->max_depth, ==, 16);
    g_assert_cmpuint(d->n_unknown_elements, ==, 1);
    mras_doc_free(d);
    g_free(body);
    g_free(ok_open);
    g_free(ok_close);
    g_free(open);
}

static void
test_bad_many_elements(void)
{
    /* 100k elements: 400 KB, refused before parsing. */
    char *many = repeat("<x/>", 100000);
    char *body = g_strconcat("<request xmlns=\"" NS "\">", many, "</request>", NULL);
    mras_doc_t *d = parse_str(body, MRAS_TOO_LARGE);
    g_assert_cmpint(d->kind, ==, MRAS_KIND_UNKNOWN);
    g_assert_cmpuint(d->n_elements, ==, 0);
    mras_doc_free(d);
    g_free(body);
    g_free(many);

    /* 10k elements fit in 64 KiB: the element limit stops them. */
    many = repeat("<x/>", 10000);
    body = g_strconcat("<request xmlns=\"" NS "\">", many, "</request>", NULL);
    d = parse_str(body, MRAS_TOO_MANY_ELEMENTS);
    g_assert_cmpuint(d->n_elements, ==, 4097);
    mras_doc_free(d);
    g_free(body);
    g_free(many);

    /* Exactly at the size limit is parsed; one byte more is not. */
    body = g_malloc(64 * 1024 + 1);
    static const char head[] = "<request xmlns=\"" NS "\">";
    static const char tail[] = "</request>";
    memset(body, ' ', 64 * 1024 + 1);
    memcpy(body, head, sizeof head - 1);
    memcpy(body + 64 * 1024 - (sizeof tail - 1), tail, sizeof tail - 1);
    mras_status_t st = mras_parse(body, 64 * 1024, &d);
    g_assert_cmpint(st, ==, MRAS_OK);
    mras_doc_free(d);
    st = mras_parse(body, 64 * 1024 + 1, &d);
    g_assert_cmpint(st, ==, MRAS_TOO_LARGE);
    mras_doc_free(d);
    g_free(body);
}

static void
test_bad_huge_values(void)
{
    char *big = repeat("A", 60000);
    char *body = g_strconcat("<request xmlns=\"" NS "\" requestID=\"", big, "\"/>", NULL);
    mras_doc_t *d = parse_str(body, MRAS_VALUE_TOO_LONG);
    g_assert_null(d->request_id);
    g_assert_cmpint(d->error_line, ==, 1);
    mras_doc_free(d);
    g_free(body);

    body = g_strconcat("<response xmlns=\"" NS "\"><credentialsResponse><credentials>"
                       "<username>", big, "</username></credentials></credentialsResponse>"
                       "</response>", NULL);
    d = parse_str(body, MRAS_VALUE_TOO_LONG);
    g_assert_null(d->cred_resps[0].username);
    mras_doc_free(d);
    g_free(body);

    /* Text split by comments is limited as a whole. */
    char *half = repeat("B", 5000);
    body = g_strconcat("<response xmlns=\"" NS "\"><credentialsResponse><credentials>"
                       "<username>", half, "<!-- -->", half, "</username></credentials>"
                       "</credentialsResponse></response>", NULL);
    d = parse_str(body, MRAS_VALUE_TOO_LONG);
    mras_doc_free(d);
    g_free(body);
    g_free(half);

    body = g_strconcat("<", big, "/>", NULL);
    d = parse_str(body, MRAS_VALUE_TOO_LONG);
    mras_doc_free(d);
    g_free(body);
    g_free(big);

    /* 8 KiB exactly is fine. */
    char *edge = repeat("C", 8192);
    body = g_strconcat("<request xmlns=\"" NS "\" requestID=\"", edge, "\"/>", NULL);
    d = parse_str(body, MRAS_OK);
    g_assert_cmpuint(strlen(d->request_id), ==, 8192);
    mras_doc_free(d);
    g_free(body);
    g_free(edge);

    /* Too many attributes on one element. */
    GString *g = g_string_new("<request xmlns=\"" NS "\"");
    for (int i = 0; i < 100; i++)
        g_string_append_printf(g, " a%d=\"v\"", i);
    g_string_append(g, "/>");
    d = parse_str(g->str, MRAS_TOO_MANY_ATTRIBUTES);
    mras_doc_free(d);
    g_string_free(g, TRUE);
}

static void
test_bad_too_many_lists(void)
{
    GString *g = g_string_new("<request xmlns=\"" NS "\">");
    for (int i = 0; i < 101; i++)
        g_string_append_printf(g, "<credentialsRequest credentialsRequestID=\"%d\"/>", i);
    g_string_append(g, "</request>");
    mras_doc_t *d = parse_str(g->str, MRAS_TOO_MANY_CREDENTIALS);
    g_assert_cmpuint(d->n_cred_reqs, ==, 100);
    g_assert_cmpstr(d->cred_reqs[99].credentials_request_id, ==, "99");
    mras_doc_free(d);
    g_string_free(g, TRUE);

    g = g_string_new("<response xmlns=\"" NS "\">");
    for (int i = 0; i < 101; i++)
        g_string_append(g, "<credentialsResponse/>");
    g_string_append(g, "</response>");
    d = parse_str(g->str, MRAS_TOO_MANY_CREDENTIALS);
    g_assert_cmpuint(d->n_cred_resps, ==, 100);
    mras_doc_free(d);
    g_string_free(g, TRUE);

    g = g_string_new("<response xmlns=\"" NS "\"><credentialsResponse><mediaRelayList>");
    for (int i = 0; i < 33; i++)
        g_string_append_printf(g, "<mediaRelay><udpPort>%d</udpPort></mediaRelay>", i);
    g_string_append(g, "</mediaRelayList></credentialsResponse></response>");
    d = parse_str(g->str, MRAS_TOO_MANY_RELAYS);
    g_assert_cmpuint(d->cred_resps[0].n_relays, ==, 32);
    g_assert_cmpuint(d->cred_resps[0].relays[31].udp_port.value, ==, 31);
    mras_doc_free(d);
    g_string_free(g, TRUE);
}

static void
test_bad_namespace(void)
{
    mras_doc_t *d = parse_str("<response xmlns=\"http://example.com/other\" requestID=\"1\""
                              " reasonPhrase=\"OK\"/>", MRAS_WRONG_NAMESPACE);
    g_assert_cmpint(d->kind, ==, MRAS_KIND_RESPONSE);
    g_assert_cmpint(d->ns, ==, MRAS_NS_OTHER);
    g_assert_cmpstr(d->ns_uri, ==, "http://example.com/other");
    g_assert_cmpstr(d->request_id, ==, "1");    /* still read */
    g_assert_cmpint(d->reason, ==, MRAS_REASON_OK);
    mras_doc_free(d);

    d = parse_str("<request requestID=\"1\"/>", MRAS_WRONG_NAMESPACE);
    g_assert_cmpint(d->ns, ==, MRAS_NS_NONE);
    g_assert_null(d->ns_uri);
    mras_doc_free(d);

    /* Undeclared prefix. */
    d = parse_str("<m:request requestID=\"1\"/>", MRAS_WRONG_NAMESPACE);
    g_assert_cmpint(d->ns, ==, MRAS_NS_NONE);
    g_assert_cmpint(d->kind, ==, MRAS_KIND_REQUEST);
    mras_doc_free(d);

    /* Root right, a child in another namespace. */
    d = parse_str("<request xmlns=\"" NS "\"><credentialsRequest xmlns=\"urn:x\""
                  " credentialsRequestID=\"1\"/></request>", MRAS_WRONG_NAMESPACE);
    g_assert_cmpint(d->ns, ==, MRAS_NS_OTHER);
    g_assert_cmpstr(d->ns_uri, ==, "urn:x");
    g_assert_cmpstr(d->cred_reqs[0].credentials_request_id, ==, "1");
    mras_doc_free(d);

    /* Declarations go out of scope with their element. */
    d = parse_str("<request xmlns=\"" NS "\"><x xmlns=\"urn:x\"/>"
                  "<credentialsRequest/></request>", MRAS_OK);
    mras_doc_free(d);

    /* Unknown elements in other namespaces do not count. */
    d = parse_str("<request xmlns=\"" NS "\" xmlns:v=\"urn:vendor\"><v:extra/>"
                  "<credentialsRequest/></request>", MRAS_OK);
    g_assert_cmpuint(d->n_unknown_elements, ==, 1);
    mras_doc_free(d);
}

static void
test_bad_nul(void)
{
    static const char body[] = "<request xmlns=\"" NS "\" requestID=\"1\0\"/>";
    mras_doc_t *d = NULL;
    g_assert_cmpint(mras_parse(body, sizeof body - 1, &d), ==, MRAS_NUL_BYTE);
    g_assert_null(d->request_id);
    mras_doc_free(d);

    /* UTF-16LE "<r" */
    static const char utf16[] = "\xff\xfe<\0r\0/\0>\0";
    g_assert_cmpint(mras_parse(utf16, sizeof utf16 - 1, &d), ==, MRAS_NUL_BYTE);
    mras_doc_free(d);

    /* A character reference to NUL is rejected by GMarkup. */
    d = parse_str("<request xmlns=\"" NS "\" requestID=\"&#0;\"/>", MRAS_XML_ERROR);
    mras_doc_free(d);
}

static void
test_bad_utf8(void)
{
    /* Latin-1 e-diaeresis in element text, on line 2, byte 37 of the line
     * (GMarkup's column 38: it counts the newline as the line's first). */
    mras_doc_t *d = parse_str("<request xmlns=\"" NS "\">\n<credentialsRequest>"
                              "<identity>sip:zo\xeb@contoso.com</identity>"
                              "</credentialsRequest></request>", MRAS_BAD_UTF8);
    g_assert_cmpint(d->error_line, ==, 2);
    g_assert_cmpint(d->error_column, ==, 38);
    g_assert_cmpstr(d->error_message, ==,
                    "invalid UTF-8 sequence starting with byte 0xEB; the rest of the body is not read");
    g_assert_true(g_utf8_validate(d->error_message, -1, NULL));
    g_assert_null(d->cred_reqs[0].identity);
    g_test_message("%s", d->error_message);
    mras_doc_free(d);

    /* A long name in GMarkup's message: the message is cut. */
    char *lat = g_strnfill(1000, 'x');
    char *body = g_strconcat("<request xmlns=\"" NS "\"><credentialsRequest></", lat, ">", NULL);
    d = parse_str(body, MRAS_XML_ERROR);
    g_assert_cmpuint(g_utf8_strlen(d->error_message, -1), ==, 203);
    g_assert_true(g_str_has_suffix(d->error_message, "..."));
    g_assert_true(g_utf8_validate(d->error_message, -1, NULL));
    mras_doc_free(d);
    g_free(body);
    g_free(lat);

    /* In an attribute value and in a name. */
    mras_doc_free(parse_str("<request xmlns=\"" NS "\" from=\"\xff\xfe\"/>", MRAS_BAD_UTF8));
    mras_doc_free(parse_str("<req\xc3uest/>", MRAS_BAD_UTF8));
    /* Overlong encoding of '<'. */
    mras_doc_free(parse_str("<request xmlns=\"" NS "\">\xc0\xbc</request>", MRAS_BAD_UTF8));
}

/* Issue 13: ../shared/fuzz-findings/mras-gerror-over-gerror.xml, a mutated
 * response (also tests/fuzz/corpus/fuzz_mras/issue13-gerror-over-gerror.xml).
 * Line 1 has a comment of 0xDD bytes, line 3 a CDATA section starting with
 * 0xF5, and the body ends inside a comment. GMarkup skipped the comment,
 * failed on the CDATA section but went on (GLib's CDATA branch resets its
 * error state), then set end_parse()'s "Document ended unexpectedly inside
 * a comment" over the first error: GLib warned "GError set over the top of
 * a previous GError" (fatal under g_test) and the status came with line 9. */
static const char ISSUE13[] =
    "\xef\xbb\xbf<!-- \xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd"
    "\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd" "c --><!DOCTYPE onse>\n"
    "<m:response xmlns:m=\"http:2/sip/?rasp\" xmlns:mfrase=\"OK\">\n"
    "<m:credentialsResponse credentialRequestID=\"0&amp;2\"><m:credentials><m:username>"
    "<![CDATA[\xf5<v]]></m:username>\n"
    "<m:password>p<!-- x -->w</m:password><m:duration> +0480 </m:duration></m:credentials>\n"
    "<m:mediaRelayList><m:mediaRelay><m:location>federation</m:location>"
    "<m:hostName>h&#46;x</m:hostName>\n"
    "<m:directIPAddress>192.0.2.1</m:directIPAddress><m:udpPort>65536</m:udpPort></m:mediaRelay>\n"
    "<m:mediaRelay/></m:mediaRelayList>lsRuestID=\"0&amp;2\"><m:credentials><m:username>"
    "<![CDATA[u<v]]></m:username>\n"
    "<m:password>p<!-- asswoon> /m:dura>\n";

static void
test_bad_utf8_issue13(void)
{
    /* As found: the first bad byte is in the comment on line 1, byte 6
     * after the byte order mark. Nothing past it is read. */
    mras_doc_t *d = NULL;
    g_assert_cmpint(mras_parse(ISSUE13, sizeof ISSUE13 - 1, &d), ==, MRAS_BAD_UTF8);
    g_assert_cmpint(d->error_line, ==, 1);
    g_assert_cmpint(d->error_column, ==, 6);
    g_assert_cmpstr(d->error_message, ==,
                    "invalid UTF-8 sequence starting with byte 0xDD; the rest of the body is not read");
    g_assert_cmpint(d->kind, ==, MRAS_KIND_UNKNOWN);
    g_assert_null(d->root_name);
    g_assert_cmpuint(d->n_cred_resps, ==, 0);
    mras_doc_free(d);

    /* The comment made valid: now the CDATA section is the first bad byte,
     * on line 3 at byte 90 (GMarkup's column 91). What came before it is
     * kept; the username, and everything after, is not. */
    char *body = g_memdup2(ISSUE13, sizeof ISSUE13);
    for (char *p = body; *p != '\0'; p++) {
        if ((guchar)*p == 0xDD)
            *p = '.';
    }
    d = parse_str(body, MRAS_BAD_UTF8);
    g_assert_cmpint(d->error_line, ==, 3);
    g_assert_cmpint(d->error_column, ==, 91);
    g_assert_cmpstr(d->error_message, ==,
                    "invalid UTF-8 sequence starting with byte 0xF5; the rest of the body is not read");
    g_assert_cmpint(d->kind, ==, MRAS_KIND_RESPONSE);
    g_assert_cmpstr(d->root_name, ==, "m:response");
    g_assert_cmpuint(d->n_cred_resps, ==, 1);
    g_assert_true(d->cred_resps[0].has_credentials);
    g_assert_null(d->cred_resps[0].username);
    g_assert_null(d->cred_resps[0].password);
    g_assert_false(d->cred_resps[0].duration.present);
    g_assert_false(d->cred_resps[0].has_relay_list);
    g_assert_cmpuint(d->cred_resps[0].n_relays, ==, 0);
    mras_finding_t f[8];
    g_assert_cmpuint(findings(d, NULL, f, G_N_ELEMENTS(f)), ==, 0);
    mras_doc_free(d);
    g_free(body);

    /* The smallest form: a bad CDATA section, then a comment the body never
     * closes (the old code warned here too). */
    d = parse_str("<response xmlns=\"" NS "\"><credentialsResponse><credentials><username>"
                  "<![CDATA[\xf5]]></username><!-- ", MRAS_BAD_UTF8);
    g_assert_cmpint(d->error_line, ==, 1);
    g_assert_cmpint(d->error_column, ==, 119);
    mras_doc_free(d);

    /* A bad CDATA section in a body that is otherwise complete: GMarkup's
     * parse() returned TRUE with the error set and the body read as OK. */
    d = parse_str("<response xmlns=\"" NS "\" reasonPhrase=\"OK\"><credentialsResponse>"
                  "<credentials><username><![CDATA[\xf5]]></username><password>pw</password>"
                  "</credentials></credentialsResponse></response>", MRAS_BAD_UTF8);
    g_assert_cmpint(d->error_line, ==, 1);
    g_assert_null(d->cred_resps[0].username);
    g_assert_null(d->cred_resps[0].password);
    mras_doc_free(d);

    /* A bad byte in a comment after a complete root: still not UTF-8 XML
     * (XML 1.0, 4.3.3), though GMarkup never looks inside comments. */
    d = parse_str("<request xmlns=\"" NS "\" requestID=\"1\"/>\n<!-- caf\xe9 -->", MRAS_BAD_UTF8);
    g_assert_cmpint(d->error_line, ==, 2);
    g_assert_cmpint(d->error_column, ==, 10);
    g_assert_cmpint(d->kind, ==, MRAS_KIND_REQUEST);
    g_assert_cmpstr(d->request_id, ==, "1");
    mras_doc_free(d);

    /* A body cut inside a character is truncated, not badly encoded... */
    d = parse_str("<request xmlns=\"" NS "\"><credentialsRequest><identity>sip:zo\xc3",
                  MRAS_TRUNCATED);
    g_assert_cmpint(d->error_line, ==, 1);
    g_assert_null(d->cred_reqs[0].identity);
    mras_doc_free(d);
    /* ...unless the document was complete before it. */
    d = parse_str("<request xmlns=\"" NS "\"/>\xe2\x82", MRAS_BAD_UTF8);
    g_assert_cmpint(d->error_column, ==, 66);
    g_assert_cmpstr(d->error_message, ==,
                    "invalid UTF-8 sequence starting with byte 0xE2; the rest of the body is not read");
    mras_doc_free(d);
}

static void
test_bad_unknown_root(void)
{
    mras_doc_t *d = parse_str("<html><body>MRAS</body></html>", MRAS_UNKNOWN_ROOT);
    g_assert_cmpint(d->kind, ==, MRAS_KIND_UNKNOWN);
    g_assert_cmpstr(d->root_name, ==, "html");
    g_assert_cmpint(d->error_line, ==, 1);
    g_assert_nonnull(d->error_message);
    mras_finding_t f[4];
    g_assert_cmpuint(findings(d, NULL, f, G_N_ELEMENTS(f)), ==, 0);
    mras_doc_free(d);

    /* Two roots, duplicate attribute, text after the root. */
    mras_doc_free(parse_str("<request xmlns=\"" NS "\"/><request xmlns=\"" NS "\"/>",
                            MRAS_XML_ERROR));
    mras_doc_free(parse_str("<request xmlns=\"" NS "\" requestID=\"1\" requestID=\"2\"/>",
                            MRAS_XML_ERROR));
    mras_doc_free(parse_str("<request xmlns=\"" NS "\"/>trailing", MRAS_XML_ERROR));
}

static void
test_bad_entities(void)
{
    /* Billion laughs: GMarkup never reads the internal subset, so &lol9; is
     * an unknown entity and the parse stops at once. */
    static const char laughs[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE request [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol9 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        "]>\n"
        "<request xmlns=\"" NS "\" requestID=\"&lol9;\"/>\n";
    gint64 t0 = g_get_monotonic_time();
    mras_doc_t *d = parse_str(laughs, MRAS_XML_ERROR);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);
    g_assert_cmpint(d->error_line, ==, 8);
    g_assert_null(d->request_id);
    mras_doc_free(d);

    /* External entity: never fetched, unknown to GMarkup. */
    static const char xxe[] =
        "<!DOCTYPE request [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
        "<request xmlns=\"" NS "\"><credentialsRequest><identity>&xxe;</identity>"
        "</credentialsRequest></request>";
    d = parse_str(xxe, MRAS_XML_ERROR);
    g_assert_null(d->cred_reqs[0].identity);
    mras_doc_free(d);

    /* Unterminated comment / DOCTYPE: truncated. */
    mras_doc_free(parse_str("<request xmlns=\"" NS "\"><!-- never ends", MRAS_TRUNCATED));
    mras_doc_free(parse_str("<!DOCTYPE request [ <!ENTITY a \"b\">", MRAS_TRUNCATED));
}

static void
test_strings(void)
{
    for (int s = 0; s < MRAS_STATUS_COUNT; s++)
        g_assert_cmpstr(mras_status_to_string((mras_status_t)s), !=, "unknown status");
    g_assert_cmpstr(mras_status_to_string(MRAS_STATUS_COUNT), ==, "unknown status");
    for (int c = 0; c < MRAS_CHECK_COUNT; c++)
        g_assert_cmpstr(mras_check_to_string((mras_check_t)c), !=, "unknown check");
    g_assert_cmpstr(mras_location_to_string(MRAS_LOCATION_INTERNET), ==, "internet");
    g_assert_cmpstr(mras_location_to_string(MRAS_LOCATION_INTRANET), ==, "intranet");
    g_assert_cmpstr(mras_location_to_string(MRAS_LOCATION_NONE), ==, "(absent)");
    g_assert_cmpstr(mras_location_to_string(MRAS_LOCATION_UNKNOWN), ==, "(unknown)");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mras/request/basic", test_request_basic);
    g_test_add_func("/mras/request/durations", test_durations);
    g_test_add_func("/mras/request/missing", test_request_missing);
    g_test_add_func("/mras/response/internet-and-intranet", test_response_internet_intranet);
    g_test_add_func("/mras/response/variants", test_response_variants);
    g_test_add_func("/mras/response/failure", test_response_failure);
    g_test_add_func("/mras/response/mismatch", test_response_mismatch);
    g_test_add_func("/mras/response/relay-problems", test_response_relay_problems);
    g_test_add_func("/mras/bad/empty", test_bad_empty);
    g_test_add_func("/mras/bad/not-xml", test_bad_not_xml);
    g_test_add_func("/mras/bad/unclosed", test_bad_unclosed);
    g_test_add_func("/mras/bad/truncated", test_bad_truncated);
    g_test_add_func("/mras/bad/deep", test_bad_deep);
    g_test_add_func("/mras/bad/many-elements", test_bad_many_elements);
    g_test_add_func("/mras/bad/huge-values", test_bad_huge_values);
    g_test_add_func("/mras/bad/too-many-lists", test_bad_too_many_lists);
    g_test_add_func("/mras/bad/namespace", test_bad_namespace);
    g_test_add_func("/mras/bad/nul", test_bad_nul);
    g_test_add_func("/mras/bad/utf8", test_bad_utf8);
    g_test_add_func("/mras/bad/utf8-issue13", test_bad_utf8_issue13);
    g_test_add_func("/mras/bad/unknown-root", test_bad_unknown_root);
    g_test_add_func("/mras/bad/entities", test_bad_entities);
    g_test_add_func("/mras/strings", test_strings);
    return g_test_run();
}
