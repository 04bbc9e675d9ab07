/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_msdiag.c - libFuzzer harness for the SIP diagnostics header parser.
 *
 * Each input is a header value; it is parsed as the value of every header
 * msdiag knows (and of an unknown one), so seeds are plain header values and
 * the fuzzer reaches every per-header parser. The copy is heap-allocated at
 * exactly the input length, so ASan catches any read past the end. Then the
 * helpers the epan layer calls are run on the result, and the result's
 * invariants are checked (a violation traps).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msdiag.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void
check_span(msdiag_span_t sp, size_t len)
{
    CHECK((uint64_t)sp.offset + sp.length <= len);
}

static void
exercise(msdiag_header_t h, const char *buf, size_t len)
{
    msdiag_t d;
    char desc[MSDIAG_ICEWARN_STR_LEN];
    msdiag_status_t st = msdiag_parse(h, buf, len, &d);

    CHECK(st == d.status);
    CHECK(d.header == h);
    CHECK((d.problems == 0) == (st == MSDIAG_OK));
    if (d.problems)
        CHECK((uint32_t)st == (uint32_t)__builtin_ctz(d.problems));
    (void)msdiag_status_to_string(st);
    (void)msdiag_status_is_error(st);
    (void)msdiag_header_to_string(h);
    check_span(d.value, len);
    check_span(d.code_span, len);
    check_span(d.subcode_span, len);
    check_span(d.reason_param, len);
    check_span(d.reason, len);
    check_span(d.source_param, len);
    check_span(d.source, len);
    check_span(d.scope, len);
    check_span(d.location_span, len);
    check_span(d.subnet, len);
    CHECK(d.subnet_family == 0 || d.subnet_family == 4 || d.subnet_family == 6);
    CHECK(d.location <= MSDIAG_LOCATION_INTRANET);
    if (d.has_code)
        CHECK(d.code_span.length > 0);

    /* what the glue does with the reason and source */
    if (d.reason.length) {
        char *r = malloc(d.reason.length + 1u);
        if (r) {
            size_t n = msdiag_unescape(buf + d.reason.offset, d.reason.length, r);
            CHECK(n <= d.reason.length && r[n] == '\0' && strlen(r) == n);
            free(r);
        }
    }

    CHECK(d.n_params <= MSDIAG_MAX_PARAMS);
    for (unsigned i = 0; i < d.n_params; i++) {
        check_span(d.params[i].param, len);
        check_span(d.params[i].name, len);
        check_span(d.params[i].value, len);
        CHECK(d.params[i].name.length > 0);
    }
    CHECK(d.n_debug <= MSDIAG_MAX_MEDIA_DEBUG);
    if (h != MSDIAG_HDR_CLIENT_DIAGNOSTICS)
        CHECK(d.n_debug == 0);
    for (unsigned i = 0; i < d.n_debug; i++) {
        const msdiag_media_debug_t *md = &d.debug[i];
        (void)msdiag_role_to_string(md->role);
        check_span(md->param, len);
        check_span(md->value, len);
        check_span(md->media, len);
        CHECK(md->n_items <= MSDIAG_MAX_ITEMS);
        CHECK(md->icewarn_item >= -1 && md->icewarn_item < (int)md->n_items);
        for (unsigned k = 0; k < md->n_items; k++) {
            const msdiag_kv_t *kv = &md->items[k];
            check_span(kv->item, len);
            check_span(kv->key, len);
            check_span(kv->value, len);
            check_span(kv->host, len);
            CHECK(kv->item.length > 0);
            CHECK(kv->kind < MSDIAG_KEY_COUNT);
            (void)msdiag_key_to_string(kv->kind);
            if (kv->value.length == 0)
                CHECK(!kv->valid);
            if (!kv->valid)
                CHECK(kv->num == 0 && kv->num2 == 0);
            switch (kv->kind) {
            case MSDIAG_KEY_ICEWARN:
                (void)msdiag_icewarn_describe(kv->num, desc, sizeof desc);
                CHECK(strlen(desc) < sizeof desc);
                break;
            case MSDIAG_KEY_LOCAL_SITE:
            case MSDIAG_KEY_REMOTE_SITE:
            case MSDIAG_KEY_LOCAL_MR:
            case MSDIAG_KEY_REMOTE_MR:
            case MSDIAG_KEY_BASE_ADDRESS:
                if (kv->valid)
                    CHECK((kv->family == 4 || kv->family == 6) && kv->host.length > 0 && kv->num <= 65535);
                break;
            case MSDIAG_KEY_LOCAL_MR_TCP_PORT:
            case MSDIAG_KEY_REMOTE_MR_TCP_PORT:
                CHECK(kv->num <= 65535);
                break;
            case MSDIAG_KEY_PORT_RANGE:
                CHECK(kv->num <= kv->num2 && kv->num2 <= 65535);
                break;
            case MSDIAG_KEY_LOCAL_LOCATION:
            case MSDIAG_KEY_REMOTE_LOCATION:
                CHECK(kv->num <= 255);
                (void)msdiag_location_to_string(kv->num);
                break;
            case MSDIAG_KEY_FEDERATION_TYPE:
                CHECK(kv->num <= 255);
                (void)msdiag_federation_to_string(kv->num);
                break;
            default:
                break;
            }
        }
        if (md->icewarn_item >= 0)
            CHECK(md->items[md->icewarn_item].kind == MSDIAG_KEY_ICEWARN && md->items[md->icewarn_item].valid);
    }
    const msdiag_media_debug_t *first = msdiag_first_icewarn(&d);
    CHECK(first == NULL || first->icewarn_item >= 0);
    (void)msdiag_is_media_failure(&d);
}

/* Once per process: every enum has its string, every known header name
 * maps back, and a value longer than MSDIAG_MAX_LEN (beyond the fuzzer's
 * -max_len) is refused whole. */
static void
once(void)
{
    for (int s = 0; s < MSDIAG_STATUS_COUNT; s++)
        CHECK(strcmp(msdiag_status_to_string((msdiag_status_t)s), "unknown status") != 0);
    CHECK(strcmp(msdiag_status_to_string(MSDIAG_STATUS_COUNT), "unknown status") == 0);
    for (int k = 0; k <= MSDIAG_KEY_COUNT; k++)
        (void)msdiag_key_to_string((msdiag_key_t)k);
    for (int h = MSDIAG_HDR_UNKNOWN; h <= MSDIAG_HDR_SUBNET; h++) {
        const char *name = msdiag_header_to_string((msdiag_header_t)h);
        if (h != MSDIAG_HDR_UNKNOWN)
            CHECK(msdiag_header_from_name(name, strlen(name)) == (msdiag_header_t)h);
    }
    CHECK(msdiag_header_from_name(NULL, 0) == MSDIAG_HDR_UNKNOWN);
    (void)msdiag_role_to_string((msdiag_role_t)99);
    for (uint32_t v = 0; v < 4; v++) {
        (void)msdiag_location_to_string(v);
        (void)msdiag_federation_to_string(v);
    }
    for (unsigned i = 0; i < MSDIAG_ICEWARN_N_BITS; i++)
        CHECK(strcmp(msdiag_icewarn_bit_name(msdiag_icewarn_bits[i].bit), msdiag_icewarn_bits[i].name) == 0);
    CHECK(msdiag_icewarn_bit_name(0x80000000u) == NULL);
    size_t n = MSDIAG_MAX_LEN + 10u;
    char *v = malloc(n);
    if (v) {
        memset(v, '2', n);
        msdiag_t d;
        CHECK(msdiag_parse(MSDIAG_HDR_DIAGNOSTICS, v, n, &d) == MSDIAG_TOO_LONG);
        free(v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    for (int h = MSDIAG_HDR_UNKNOWN; h <= MSDIAG_HDR_SUBNET; h++)
        exercise((msdiag_header_t)h, copy, size);
    (void)msdiag_header_from_name(copy, size);
    free(copy);
    static int done;
    if (!done) {
        once();
        done = 1;
    }
    return 0;
}
