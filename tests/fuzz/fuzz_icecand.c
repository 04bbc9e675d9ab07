/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_icecand.c - libFuzzer harness for the ICE SDP attribute parser.
 *
 * Each input is parsed as given (an attribute value after "a="), and again
 * behind every recognised attribute name ("candidate:" + input, ...), so the
 * fuzzer reaches every per-kind parser without having to discover the names.
 * Every copy is heap-allocated at exactly its length, so ASan catches any
 * read past the end. Then every helper the epan layer will call is run on
 * the result, and the result's invariants are checked (a violation traps).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "icecand.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void
check_span(icecand_span_t sp, size_t len)
{
    CHECK((uint64_t)sp.offset + sp.length <= len);
}

static void
check_addr(const icecand_addr_t *a, size_t len)
{
    check_span(a->span, len);
    CHECK(a->family == ICECAND_FAMILY_NONE || a->family == ICECAND_FAMILY_IPV4 ||
          a->family == ICECAND_FAMILY_IPV6);
    (void)icecand_scope_to_string(icecand_addr_scope(a));
    (void)icecand_scope_is_private(icecand_addr_scope(a));
}

static void
check_num(const icecand_num_t *n, size_t len, uint32_t max)
{
    check_span(n->span, len);
    if (n->valid) {
        CHECK(n->span.length > 0);
        CHECK(n->value <= max);
    }
}

static void
exercise(const char *buf, size_t len)
{
    icecand_t c;
    char nb[ICECAND_COMPONENT_STR_LEN];
    icecand_status_t st = icecand_parse(buf, len, &c);

    CHECK(st == c.status);
    (void)icecand_status_to_string(st);
    if (st == ICECAND_NOT_ICE) {
        CHECK(c.kind == ICECAND_KIND_NONE);
        return;
    }
    CHECK(c.kind != ICECAND_KIND_NONE);
    CHECK((c.problems == 0) == (st == ICECAND_OK));
    if (c.problems)
        CHECK((uint32_t)st == (uint32_t)__builtin_ctz(c.problems));
    CHECK(c.version == 0 || c.version == 6 || c.version == 19);
    check_span(c.name, len);
    check_span(c.value, len);
    check_span(c.foundation, len);
    check_span(c.username, len);
    check_span(c.password, len);
    check_span(c.transport_span, len);
    check_span(c.type_span, len);
    check_span(c.tcptype_span, len);
    check_num(&c.component, len, 256);
    check_num(&c.priority, len, UINT32_MAX);
    check_num(&c.qvalue, len, 1000);
    check_num(&c.port, len, 65535);
    check_num(&c.rport, len, 65535);
    check_addr(&c.address, len);
    check_addr(&c.raddr, len);
    CHECK(c.n_ext <= ICECAND_MAX_EXTENSIONS);
    for (unsigned i = 0; i < c.n_ext; i++) {
        check_span(c.ext[i].name, len);
        check_span(c.ext[i].value, len);
    }
    CHECK(c.n_remote <= ICECAND_MAX_REMOTE);
    for (unsigned i = 0; i < c.n_remote; i++) {
        check_num(&c.remote[i].component, len, 256);
        check_addr(&c.remote[i].address, len);
        check_num(&c.remote[i].port, len, 65535);
        (void)icecand_component_to_string(c.remote[i].component.value, nb, sizeof nb);
    }
    if (c.version == 6)
        CHECK(c.type == ICECAND_TYPE_UNKNOWN);

    (void)icecand_kind_to_string(c.kind);
    (void)icecand_type_to_string(c.type);
    (void)icecand_transport_to_string(c.transport);
    (void)icecand_tcptype_to_string(icecand_tcp_role(&c));
    (void)icecand_component_to_string(c.component.value, nb, sizeof nb);
    (void)icecand_status_is_error(st);
    if (c.priority.valid) {
        icecand_prio_parts_t p = icecand_priority_parts(c.priority.value);
        CHECK(icecand_priority_compute(p.type_pref, p.local_pref, p.component) == c.priority.value);
    }
    (void)icecand_check_credentials(c.value.length, c.value.length);
}

static const char *const names[] = {
    "candidate:", "x-candidate-ipv6:", "remote-candidate:", "remote-candidates:",
    "ice-ufrag:", "ice-pwd:", "x-candidate-info:", "ice-options:",
};

/* Once per process: every enum has its string, and a line longer than
 * ICECAND_MAX_LINE_LEN (beyond the fuzzer's -max_len) is refused whole. */
static void
once(void)
{
    for (int s = 0; s < ICECAND_STATUS_COUNT; s++)
        CHECK(strcmp(icecand_status_to_string((icecand_status_t)s), "unknown status") != 0);
    CHECK(strcmp(icecand_status_to_string(ICECAND_STATUS_COUNT), "unknown status") == 0);
    for (int k = ICECAND_KIND_NONE; k <= ICECAND_KIND_ICE_OPTIONS + 1; k++)
        (void)icecand_kind_to_string((icecand_kind_t)k);
    for (int t = ICECAND_TYPE_UNKNOWN; t <= ICECAND_TYPE_RELAY + 1; t++)
        (void)icecand_type_to_string((icecand_type_t)t);
    for (int t = ICECAND_TRANSPORT_UNKNOWN; t <= ICECAND_TRANSPORT_TCP_PASS + 1; t++)
        (void)icecand_transport_to_string((icecand_transport_t)t);
    for (int t = ICECAND_TCPTYPE_NONE; t <= ICECAND_TCPTYPE_ANY + 1; t++)
        (void)icecand_tcptype_to_string((icecand_tcptype_t)t);
    for (int s = ICECAND_SCOPE_INVALID; s <= ICECAND_SCOPE_TEREDO + 1; s++)
        (void)icecand_scope_to_string((icecand_scope_t)s);
    size_t n = ICECAND_MAX_LINE_LEN + 10u;
    char *line = malloc(n);
    if (line) {
        memset(line, '1', n);
        memcpy(line, "candidate:", 10);
        icecand_t c;
        CHECK(icecand_parse(line, n, &c) == ICECAND_TOO_LONG);
        free(line);
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
    exercise(copy, size);
    free(copy);

    /* the address parser alone, at exact length */
    if (size <= 64) {
        uint8_t out[16];
        char *a = malloc(size ? size : 1);
        if (a) {
            memcpy(a, data, size);
            icecand_family_t f = icecand_parse_ip(a, size, out);
            if (f == ICECAND_FAMILY_IPV4)
                (void)icecand_ip_scope(out, 4);
            else if (f == ICECAND_FAMILY_IPV6)
                (void)icecand_ip_scope(out, 16);
            free(a);
        }
    }

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        char *line = malloc(n + size);
        if (!line)
            return 0;
        memcpy(line, names[i], n);
        memcpy(line + n, data, size);
        exercise(line, n + size);
        free(line);
    }
    static int done;
    if (!done) {
        once();
        done = 1;
    }
    return 0;
}
