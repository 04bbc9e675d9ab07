/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_mras.c - libFuzzer harness for the MRAS body reader: mras_parse()
 * on the input as an MRAS body, then everything the epan layer reads from
 * the doc (every field, every check, the request/response matchers with a
 * fixed request and with the doc itself), then mras_doc_free(). LeakSanitizer
 * catches anything the doc or the GMarkup wrapper forgets to free.
 *
 * Besides ASan/UBSan, it traps when a documented invariant breaks: strings
 * are valid UTF-8 and bounded, lists are within their limits, an error
 * status comes with a message, and findings point at real entries.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "mras.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* Bounds from mras.c's limits. */
#define MAX_VALUE 8192u
#define MAX_RELAYS 32u

static void
check_str(const char *s)
{
    if (s == NULL)
        return;
    size_t n = strlen(s);
    CHECK(n <= MAX_VALUE);
    CHECK(g_utf8_validate(s, (gssize)n, NULL));
}

static void
check_duration(const mras_duration_t *d)
{
    check_str(d->text);
    CHECK(d->present == (d->text != NULL));
    CHECK(!d->valid || (d->present && d->minutes >= 1));
    CHECK(d->valid || d->minutes == 0);
}

static void
check_port(const mras_port_t *p)
{
    check_str(p->text);
    CHECK(p->present == (p->text != NULL));
    CHECK(p->valid || p->value == 0);
}

static void
check_doc(const mras_doc_t *d)
{
    CHECK(d->status < MRAS_STATUS_COUNT);
    CHECK(strcmp(mras_status_to_string(d->status), "unknown status") != 0);
    bool complete = d->status == MRAS_OK || d->status == MRAS_WRONG_NAMESPACE;
    if (complete) {
        CHECK(d->error_message == NULL && d->error_line == 0);
        CHECK(d->kind != MRAS_KIND_UNKNOWN);
        CHECK((d->status == MRAS_OK) == (d->ns == MRAS_NS_EXPECTED));
    }
    if (d->error_message != NULL) {
        CHECK(g_utf8_validate(d->error_message, -1, NULL));
        CHECK(g_utf8_strlen(d->error_message, -1) <= 203);
        CHECK(d->error_line > 0);
    }
    check_str(d->root_name);
    check_str(d->ns_uri);
    check_str(d->request_id);
    check_str(d->version);
    check_str(d->to);
    check_str(d->from);
    check_str(d->route);
    check_str(d->server_version);
    check_str(d->reason_phrase);
    CHECK(d->reason == mras_reason_from_string(d->reason_phrase));
    (void)mras_reason_to_string(d->reason);

    CHECK(d->n_cred_reqs <= MRAS_MAX_CREDENTIALS);
    CHECK(d->n_cred_resps <= MRAS_MAX_CREDENTIALS);
    CHECK(d->n_cred_reqs == 0 || d->kind == MRAS_KIND_REQUEST);
    CHECK(d->n_cred_resps == 0 || d->kind == MRAS_KIND_RESPONSE);
    CHECK((d->n_cred_reqs == 0) == (d->cred_reqs == NULL));
    CHECK((d->n_cred_resps == 0) == (d->cred_resps == NULL));
    for (unsigned i = 0; i < d->n_cred_reqs; i++) {
        const mras_cred_req_t *c = &d->cred_reqs[i];
        check_str(c->credentials_request_id);
        check_str(c->identity);
        check_str(c->location);
        CHECK((c->location == NULL) == (c->location_kind == MRAS_LOCATION_NONE));
        (void)mras_location_to_string(c->location_kind);
        check_duration(&c->duration);
        (void)mras_duration_is_bad(&c->duration);
    }
    for (unsigned i = 0; i < d->n_cred_resps; i++) {
        const mras_cred_resp_t *c = &d->cred_resps[i];
        check_str(c->credentials_request_id);
        check_str(c->username);
        check_str(c->password);
        check_str(c->realm);
        check_duration(&c->duration);
        CHECK(c->n_relays <= MAX_RELAYS);
        CHECK((c->n_relays == 0) == (c->relays == NULL));
        CHECK(c->n_relays == 0 || c->has_relay_list);
        for (unsigned j = 0; j < c->n_relays; j++) {
            const mras_relay_t *r = &c->relays[j];
            check_str(r->location);
            check_str(r->host_name);
            check_str(r->direct_ip);
            check_port(&r->udp_port);
            check_port(&r->tcp_port);
            (void)mras_relay_lacks_port(r);
            (void)mras_relay_lacks_address(r);
            (void)mras_port_is_bad(&r->udp_port);
        }
    }
}

static void
check_findings(const mras_doc_t *d, const mras_doc_t *req)
{
    mras_finding_t f[64];
    size_t n = mras_check(d, req, f, G_N_ELEMENTS(f));
    CHECK(mras_check(d, req, NULL, 0) == n);
    for (size_t i = 0; i < n && i < G_N_ELEMENTS(f); i++) {
        CHECK(f[i].check < MRAS_CHECK_COUNT);
        CHECK(f[i].severity <= MRAS_SEV_ERROR);
        CHECK(strcmp(mras_check_to_string(f[i].check), "unknown check") != 0);
        unsigned n_cred = d->kind == MRAS_KIND_REQUEST ? d->n_cred_reqs : d->n_cred_resps;
        CHECK(f[i].cred_index >= -1 && f[i].cred_index < (int)n_cred);
        if (f[i].relay_index >= 0) {
            CHECK(d->kind == MRAS_KIND_RESPONSE && f[i].cred_index >= 0);
            CHECK((unsigned)f[i].relay_index < d->cred_resps[f[i].cred_index].n_relays);
        }
        if (f[i].detail != NULL)
            CHECK(g_utf8_validate(f[i].detail, -1, NULL));
    }
}

static const char request_body[] =
    "<request requestID=\"1\" version=\"1.0\" from=\"sip:a@b\" to=\"sip:a@b\""
    " xmlns=\"http://schemas.microsoft.com/2006/09/sip/mrasp\">"
    "<credentialsRequest credentialsRequestID=\"1\"><identity>sip:a@b</identity>"
    "<location>internet</location><duration>480</duration></credentialsRequest>"
    "</request>";

static void
parse_expect(const char *body, size_t len, mras_status_t expect)
{
    mras_doc_t *d = NULL;
    CHECK(mras_parse(body, len, &d) == expect);
    check_doc(d);
    check_findings(d, NULL);
    mras_doc_free(d);
}

/* "<response xmlns=NS>" + @n times @item + "</response>", heap-allocated. */
static char *
repeat_body(const char *item, size_t n, size_t *len)
{
    static const char head[] = "<response xmlns=\"" MRAS_NAMESPACE "\">", tail[] = "</response>";
    size_t il = strlen(item);
    char *b = g_malloc(sizeof head + n * il + sizeof tail);
    char *p = b;
    memcpy(p, head, sizeof head - 1);
    p += sizeof head - 1;
    for (size_t i = 0; i < n; i++, p += il)
        memcpy(p, item, il);
    memcpy(p, tail, sizeof tail - 1);
    p += sizeof tail - 1;
    *len = (size_t)(p - b);
    return b;
}

/* Once per process: every status and check has its string, and the limits
 * a body within the fuzzer's -max_len (4096) cannot reach. */
static void
once(void)
{
    for (int s = 0; s < MRAS_STATUS_COUNT; s++)
        CHECK(strcmp(mras_status_to_string((mras_status_t)s), "unknown status") != 0);
    CHECK(strcmp(mras_status_to_string(MRAS_STATUS_COUNT), "unknown status") == 0);
    for (int c = 0; c < MRAS_CHECK_COUNT; c++)
        CHECK(strcmp(mras_check_to_string((mras_check_t)c), "unknown check") != 0);
    CHECK(strcmp(mras_check_to_string(MRAS_CHECK_COUNT), "unknown check") == 0);
    for (int r = MRAS_REASON_NONE; r <= MRAS_REASON_UNKNOWN + 1; r++) {
        (void)mras_reason_to_string((mras_reason_t)r);
        (void)mras_reason_severity((mras_reason_t)r);
    }
    for (int l = MRAS_LOCATION_NONE; l <= MRAS_LOCATION_UNKNOWN + 1; l++)
        (void)mras_location_to_string((mras_location_t)l);

    size_t len;
    char *b = repeat_body("<x/>", 5000, &len);              /* more than 4096 elements */
    parse_expect(b, len, MRAS_TOO_MANY_ELEMENTS);
    g_free(b);
    b = repeat_body("<credentialsResponse/>", 101, &len);    /* more than 100 */
    parse_expect(b, len, MRAS_TOO_MANY_CREDENTIALS);
    g_free(b);
    b = repeat_body(" ", 70000, &len);                       /* more than 64 KiB */
    parse_expect(b, len, MRAS_TOO_LARGE);
    g_free(b);
    char *big = g_strnfill(9000, 'v');
    char *body = g_strconcat("<request xmlns=\"" MRAS_NAMESPACE "\"><credentialsRequest><identity>", big,
                             "</identity></credentialsRequest></request>", NULL);
    parse_expect(body, strlen(body), MRAS_VALUE_TOO_LONG);      /* text */
    g_free(body);
    body = g_strconcat("<request xmlns=\"" MRAS_NAMESPACE "\" requestID=\"", big, "\"/>", NULL);
    parse_expect(body, strlen(body), MRAS_VALUE_TOO_LONG);      /* attribute value */
    g_free(body);
    body = g_strconcat("<request xmlns=\"" MRAS_NAMESPACE "\"><", big, "/></request>", NULL);
    parse_expect(body, strlen(body), MRAS_VALUE_TOO_LONG);      /* element name */
    g_free(body);
    g_free(big);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mras_doc_t *req;
    if (req == NULL) {
        once();
        /* Kept for the whole run; LeakSanitizer sees it as reachable. */
        CHECK(mras_parse(request_body, sizeof request_body - 1, &req) == MRAS_OK);
    }

    mras_doc_t *doc = NULL;
    mras_status_t st = mras_parse((const char *)data, size, &doc);
    CHECK(doc != NULL && doc->status == st);
    check_doc(doc);
    check_findings(doc, NULL);
    check_findings(doc, req);
    check_findings(doc, doc);

    mras_severity_t sev;
    (void)mras_response_failed(doc, &sev);
    (void)mras_response_lacks_credentials(doc);
    (void)mras_response_lacks_relays(doc);
    (void)mras_response_matches_request(doc, req);
    (void)mras_response_matches_request(req, doc);
    for (unsigned i = 0; i < doc->n_cred_resps; i++) {
        (void)mras_cred_resp_matches_request(&doc->cred_resps[i], req);
        (void)mras_cred_resp_matches_request(&doc->cred_resps[i], doc);
    }
    for (unsigned i = 0; i < doc->n_cred_reqs; i++)
        CHECK(mras_find_cred_req(doc, doc->cred_reqs[i].credentials_request_id) != NULL ||
              doc->cred_reqs[i].credentials_request_id == NULL);
    mras_doc_free(doc);
    return 0;
}
