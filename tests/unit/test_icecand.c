/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_icecand.c - unit tests for the ICE SDP attribute parser (icecand.c).
 *
 * Vectors are literal SDP attribute values (the bytes after "a="). Real
 * lines come from shared/specs/ms-ice-candidates.md ([sample]: Lync 2013 /
 * SfB 2015 SIP messages); the others are constructed. Every parse runs on a
 * heap copy of exactly the given length, so a read past the end shows up
 * under valgrind and ASan; every good vector is also parsed at every shorter
 * prefix (libnice's validate() pattern).
 */
#include <string.h>

#include <glib.h>

#include "icecand.h"

/* ---- helpers ------------------------------------------------------------ */

static void
assert_span_in(icecand_span_t sp, size_t len)
{
    g_assert_cmpuint((uint64_t)sp.offset + sp.length, <=, len);
}

static void
assert_num_in(const icecand_num_t *n, size_t len)
{
    assert_span_in(n->span, len);
    if (n->valid)
        g_assert_cmpuint(n->span.length, >, 0);
}

static void
assert_addr_in(const icecand_addr_t *a, size_t len)
{
    assert_span_in(a->span, len);
    if (a->family != ICECAND_FAMILY_NONE)
        g_assert_cmpuint(a->span.length, >, 0);
}

/* Invariants every result must keep, good or bad. */
static void
check_invariants(const icecand_t *c, size_t len)
{
    if (c->status == ICECAND_NOT_ICE) {
        g_assert_cmpint(c->kind, ==, ICECAND_KIND_NONE);
        g_assert_cmpuint(c->problems, ==, 1u << ICECAND_NOT_ICE);
        return;
    }
    g_assert_cmpint(c->kind, !=, ICECAND_KIND_NONE);
    /* status is the lowest problem seen; OK iff none */
    if (c->problems == 0) {
        g_assert_cmpint(c->status, ==, ICECAND_OK);
    } else {
        g_assert_cmpint(c->status, ==, __builtin_ctz(c->problems));
        g_assert_false(icecand_has_problem(c, ICECAND_NOT_ICE));
    }
    g_assert_true(c->version == 0 || c->version == 6 || c->version == 19);
    assert_span_in(c->name, len);
    assert_span_in(c->value, len);
    assert_span_in(c->foundation, len);
    assert_span_in(c->username, len);
    assert_span_in(c->password, len);
    assert_span_in(c->transport_span, len);
    assert_span_in(c->type_span, len);
    assert_span_in(c->tcptype_span, len);
    assert_num_in(&c->component, len);
    assert_num_in(&c->priority, len);
    assert_num_in(&c->qvalue, len);
    assert_num_in(&c->port, len);
    assert_num_in(&c->rport, len);
    assert_addr_in(&c->address, len);
    assert_addr_in(&c->raddr, len);
    if (c->component.valid)
        g_assert_true(c->component.value >= 1 && c->component.value <= 256);
    if (c->qvalue.valid)
        g_assert_cmpuint(c->qvalue.value, <=, 1000);
    if (c->port.valid)
        g_assert_cmpuint(c->port.value, <=, 65535);
    g_assert_cmpuint(c->n_ext, <=, ICECAND_MAX_EXTENSIONS);
    for (unsigned i = 0; i < c->n_ext; i++) {
        assert_span_in(c->ext[i].name, len);
        assert_span_in(c->ext[i].value, len);
    }
    g_assert_cmpuint(c->n_remote, <=, ICECAND_MAX_REMOTE);
    for (unsigned i = 0; i < c->n_remote; i++) {
        assert_num_in(&c->remote[i].component, len);
        assert_addr_in(&c->remote[i].address, len);
        assert_num_in(&c->remote[i].port, len);
    }
    if (c->version == 6)
        g_assert_cmpint(c->type, ==, ICECAND_TYPE_UNKNOWN);
}

/* Parse @len bytes of @s from an exact-size heap copy. */
static icecand_status_t
parse_n(const char *s, size_t len, icecand_t *c)
{
    char *copy = len ? g_memdup2(s, len) : NULL;
    icecand_status_t st = icecand_parse(copy, len, c);
    check_invariants(c, len);
    g_assert_cmpint(st, ==, c->status);
    g_free(copy);
    return st;
}

static icecand_status_t
parse(const char *s, icecand_t *c)
{
    return parse_n(s, strlen(s), c);
}

#define assert_span(line, sp, text) do {                                        \
        g_assert_cmpuint((uint64_t)(sp).offset + (sp).length, <=, strlen(line)); \
        char *got_ = g_strndup((line) + (sp).offset, (sp).length);              \
        g_assert_cmpstr(got_, ==, (text));                                      \
        g_free(got_);                                                           \
    } while (0)

#define assert_absent(sp) g_assert_cmpuint((sp).length, ==, 0)

static void
assert_ipv4(const icecand_addr_t *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
    g_assert_cmpint(a->family, ==, ICECAND_FAMILY_IPV4);
    g_assert_cmpuint(a->bytes[0], ==, b0);
    g_assert_cmpuint(a->bytes[1], ==, b1);
    g_assert_cmpuint(a->bytes[2], ==, b2);
    g_assert_cmpuint(a->bytes[3], ==, b3);
}

/*
 * libnice validate(): every shorter prefix of a good line must come back
 * with a non-OK status or as a valid shorter parse of the same attribute,
 * and never read past the prefix.
 */
static void
check_prefixes(const char *line)
{
    icecand_t full, c;
    size_t len = strlen(line);
    parse(line, &full);
    for (size_t k = 0; k < len; k++) {
        icecand_status_t st = parse_n(line, k, &c);
        if (st == ICECAND_OK || !icecand_status_is_error(st)) {
            if (st != ICECAND_NOT_ICE) {
                g_assert_cmpint(c.kind, ==, full.kind);
                g_assert_cmpuint(c.version, ==, full.version);
            }
        }
    }
}

/* ---- good vectors ------------------------------------------------------- */

#define V6_SAMPLE  "candidate:7PRncjQDueZEw6x+25fk5B+F4rz7b3LPa3ajuMPCKss 1 EAV7z4Bl0ol7CCNZq5vgKg UDP 0.840 192.168.56.1 4778"
#define V6_JUDGED  "candidate:d5lF+0a5X1dxqXb4D9sJxQ3v1oZmCYGsy0bKs7eMhLA 1 1Riht1AWk/x7TSyhrZQfDA UDP 0.830 192.168.66.57 31848"
#define V19_HOST   "candidate:1 1 UDP 2130706431 192.168.56.1 15676 typ host"
#define V19_SRFLX  "candidate:4 1 TCP-ACT 1684797951 192.168.56.1 15676 typ srflx raddr 192.168.56.1 rport 15676"
#define V19_IPV6   "x-candidate-ipv6:3 1 UDP 33553407 2001:0:5ef5:79fd:34b2:244d:fa66:7cf9 2936 typ host"
#define V19_RELAY  "candidate:5 1 UDP 16648703 52.114.250.141 3480 typ relay raddr 80.181.206.72 rport 57543"
#define V19_RELAYT "candidate:6 1 TCP-PASS 6556159 52.114.250.141 443 typ relay raddr 80.181.206.72 rport 50001"
#define REMOTES    "remote-candidates:1 192.168.56.1 15676 2 192.168.56.1 15677"
#define REMOTE_V6  "remote-candidate:7PRncjQDueZEw6x+25fk5B+F4rz7b3LPa3ajuMPCKss"
#define UFRAG      "ice-ufrag:M+7x"
#define PWD        "ice-pwd:SjCQk8uWpvHfDVBrSgHeHyd/"

static const char *const good_lines[] = {
    V6_SAMPLE, V6_JUDGED, V19_HOST, V19_SRFLX, V19_IPV6, V19_RELAY, V19_RELAYT,
    REMOTES, REMOTE_V6, UFRAG, PWD,
    "candidate:2 2 UDP 2130705918 192.168.56.1 15677 typ host ",
    "candidate:7 1 TCP 1518280447 10.0.0.5 9 typ host tcptype active generation 0 network-id 1",
    "candidate:9 1 UDP 7076607 20.202.1.2 3478 typ relay raddr 85.1.2.3 rport 50000 MTURNID 1234567",
    "x-candidate-info:1 network-type=WLAN",
    "ice-options:trickle",
    "candidate:7PRncjQDueZEw6x+25fk5B+F4rz7b3LPa3ajuMPCKss 2 EAV7z4Bl0ol7CCNZq5vgKg TCP 1.0 192.168.56.1 4779 ",
};

/* ---- tests: recognition ------------------------------------------------- */

static void
test_not_ice(void)
{
    static const char *const others[] = {
        "rtpmap:0 PCMU/8000", "", "c", "candidatex:1 1 UDP 1 1.2.3.4 5 typ host",
        "Candidate:1 1 UDP 1 1.2.3.4 5 typ host", "ice-lite", "ice-mismatch",
        "crypto:2 AES_CM_128_HMAC_SHA1_80 inline:x", "x-mediabw:main-video send=4000;recv=4000",
        "rtcp-fb:* x-message app send:dsh recv:dsh", "x-candidate:1", "remote-candidatesX:1",
        "ice-ufragx:abcd", "i", "x-candidate-ipv6x:1", "rtcp:9 IN IP4 0.0.0.0",
        "remote-candidates-and-some-more-text-without-colon",
    };
    icecand_t c;
    for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
        g_test_message("line: %s", others[i]);
        g_assert_cmpint(parse(others[i], &c), ==, ICECAND_NOT_ICE);
        g_assert_cmpint(c.kind, ==, ICECAND_KIND_NONE);
        g_assert_cmpuint(c.version, ==, 0);
    }
    g_assert_cmpint(icecand_parse(NULL, 0, &c), ==, ICECAND_NOT_ICE);
}

static void
test_name_only(void)
{
    icecand_t c;
    g_assert_cmpint(parse("candidate", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_CANDIDATE);
    assert_span("candidate", c.name, "candidate");
    g_assert_cmpint(parse("candidate:", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpint(parse("candidate:   ", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpint(parse("remote-candidates", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_REMOTE_CANDIDATES);
    g_assert_cmpint(parse("remote-candidates:", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpint(parse("remote-candidate:", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpint(parse("x-candidate-info:", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpint(parse("ice-options:", &c), ==, ICECAND_TRUNCATED);
    g_assert_true(icecand_has_problem(&c, ICECAND_OPTIONS_IGNORED));
}

/* ---- tests: v6 ---------------------------------------------------------- */

static void
test_v6_sample(void)
{
    const char *l = V6_SAMPLE;
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_CANDIDATE);
    g_assert_cmpuint(c.version, ==, 6);
    assert_span(l, c.name, "candidate");
    assert_span(l, c.username, "7PRncjQDueZEw6x+25fk5B+F4rz7b3LPa3ajuMPCKss");
    assert_span(l, c.password, "EAV7z4Bl0ol7CCNZq5vgKg");
    assert_absent(c.foundation);
    g_assert_true(c.component.valid);
    g_assert_cmpuint(c.component.value, ==, 1);
    g_assert_cmpint(c.transport, ==, ICECAND_TRANSPORT_UDP);
    g_assert_true(c.qvalue.valid);
    g_assert_cmpuint(c.qvalue.value, ==, 840);
    assert_span(l, c.qvalue.span, "0.840");
    assert_span(l, c.address.span, "192.168.56.1");
    assert_ipv4(&c.address, 192, 168, 56, 1);
    g_assert_cmpuint(c.port.value, ==, 4778);
    g_assert_false(c.priority.valid);
    assert_absent(c.priority.span);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_UNKNOWN);
    assert_absent(c.type_span);
    assert_absent(c.raddr.span);
    g_assert_cmpuint(c.n_ext, ==, 0);
}

/* The line the issue was judged on: stock Wireshark shows the password as
 * Transport, "UDP" as Priority and "0.830" as the address. */
static void
test_v6_judged_line(void)
{
    const char *l = V6_JUDGED;
    icecand_t c;
    char nb[ICECAND_COMPONENT_STR_LEN];
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpuint(c.problems, ==, 0);
    g_assert_cmpuint(c.version, ==, 6);
    assert_span(l, c.username, "d5lF+0a5X1dxqXb4D9sJxQ3v1oZmCYGsy0bKs7eMhLA");
    g_assert_cmpuint(c.username.offset, ==, 10);
    g_assert_cmpuint(c.username.length, ==, 43);
    assert_span(l, c.component.span, "1");
    g_assert_cmpuint(c.component.value, ==, 1);
    g_assert_cmpstr(icecand_component_to_string(c.component.value, nb, sizeof nb), ==, "RTP");
    assert_span(l, c.password, "1Riht1AWk/x7TSyhrZQfDA");
    g_assert_cmpint(c.transport, ==, ICECAND_TRANSPORT_UDP);
    assert_span(l, c.transport_span, "UDP");
    g_assert_cmpstr(icecand_transport_to_string(c.transport), ==, "UDP");
    g_assert_cmpuint(c.qvalue.value, ==, 830);
    assert_span(l, c.qvalue.span, "0.830");
    assert_span(l, c.address.span, "192.168.66.57");
    assert_ipv4(&c.address, 192, 168, 66, 57);
    g_assert_cmpint(icecand_addr_scope(&c.address), ==, ICECAND_SCOPE_PRIVATE);
    assert_span(l, c.port.span, "31848");
    g_assert_cmpuint(c.port.value, ==, 31848);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_UNKNOWN);
    g_assert_cmpstr(icecand_type_to_string(c.type), ==, "unknown");
    assert_span(l, c.value, "d5lF+0a5X1dxqXb4D9sJxQ3v1oZmCYGsy0bKs7eMhLA 1 1Riht1AWk/x7TSyhrZQfDA UDP 0.830 192.168.66.57 31848");
}

static void
test_v6_tcp_trailing_space(void)
{
    const char *l = "candidate:7PRncjQDueZEw6x+25fk5B+F4rz7b3LPa3ajuMPCKss 2 EAV7z4Bl0ol7CCNZq5vgKg TCP 1.0 192.168.56.1 4779  \t";
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpuint(c.version, ==, 6);
    g_assert_cmpuint(c.component.value, ==, 2);
    g_assert_cmpint(c.transport, ==, ICECAND_TRANSPORT_TCP);
    g_assert_cmpint(icecand_tcp_role(&c), ==, ICECAND_TCPTYPE_ANY);
    g_assert_cmpuint(c.qvalue.value, ==, 1000);
    g_assert_cmpuint(c.port.value, ==, 4779);
    /* trailing white space is not part of the value */
    g_assert_cmpuint(c.value.offset + c.value.length, ==, strlen(l) - 3);
}

static void
test_v6_extra_tokens(void)
{
    icecand_t c;
    g_assert_cmpint(parse(V6_SAMPLE " foo", &c), ==, ICECAND_EXTRA_TOKENS);
    g_assert_false(icecand_status_is_error(c.status));
    g_assert_cmpuint(c.version, ==, 6);
    g_assert_cmpuint(c.port.value, ==, 4778);
}

static void
test_v6_remote_candidate(void)
{
    const char *l = REMOTE_V6;
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_REMOTE_CANDIDATE);
    g_assert_cmpuint(c.version, ==, 0);
    assert_span(l, c.username, "7PRncjQDueZEw6x+25fk5B+F4rz7b3LPa3ajuMPCKss");
    g_assert_cmpint(parse(REMOTE_V6 " x", &c), ==, ICECAND_EXTRA_TOKENS);
    g_assert_cmpint(parse("remote-candidate:abc=", &c), ==, ICECAND_BAD_CREDENTIAL);
    assert_span("remote-candidate:abc=", c.username, "abc=");
}

/* ---- tests: v19 --------------------------------------------------------- */

static void
test_v19_host(void)
{
    const char *l = V19_HOST;
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpuint(c.problems, ==, 0);
    g_assert_cmpuint(c.version, ==, 19);
    assert_span(l, c.foundation, "1");
    assert_absent(c.username);
    assert_absent(c.password);
    g_assert_cmpuint(c.component.value, ==, 1);
    g_assert_cmpint(c.transport, ==, ICECAND_TRANSPORT_UDP);
    g_assert_true(c.priority.valid);
    g_assert_cmpuint(c.priority.value, ==, 2130706431u);
    assert_span(l, c.priority.span, "2130706431");
    g_assert_false(c.qvalue.valid);
    assert_span(l, c.address.span, "192.168.56.1");
    assert_ipv4(&c.address, 192, 168, 56, 1);
    assert_span(l, c.port.span, "15676");
    g_assert_cmpuint(c.port.value, ==, 15676);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_HOST);
    assert_span(l, c.type_span, "host");
    assert_absent(c.raddr.span);
    g_assert_cmpint(c.raddr.family, ==, ICECAND_FAMILY_NONE);
    g_assert_false(c.rport.valid);
    g_assert_cmpuint(c.n_ext, ==, 0);
    g_assert_cmpint(icecand_tcp_role(&c), ==, ICECAND_TCPTYPE_NONE);
}

static void
test_v19_srflx_tcp_act(void)
{
    const char *l = V19_SRFLX;
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpuint(c.version, ==, 19);
    assert_span(l, c.foundation, "4");
    g_assert_cmpint(c.transport, ==, ICECAND_TRANSPORT_TCP_ACT);
    assert_span(l, c.transport_span, "TCP-ACT");
    g_assert_cmpstr(icecand_transport_to_string(c.transport), ==, "TCP-ACT");
    g_assert_cmpint(icecand_tcp_role(&c), ==, ICECAND_TCPTYPE_ACTIVE);
    g_assert_cmpuint(c.priority.value, ==, 1684797951u);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_SRFLX);
    g_assert_cmpstr(icecand_type_to_string(c.type), ==, "srflx");
    assert_span(l, c.raddr.span, "192.168.56.1");
    assert_ipv4(&c.raddr, 192, 168, 56, 1);
    assert_span(l, c.rport.span, "15676");
    g_assert_true(c.rport.valid);
    g_assert_cmpuint(c.rport.value, ==, 15676);
    g_assert_cmpuint(c.n_ext, ==, 0);
}

static void
test_v19_x_candidate_ipv6(void)
{
    const char *l = V19_IPV6;
    static const uint8_t want[16] = { 0x20, 0x01, 0x00, 0x00, 0x5e, 0xf5, 0x79, 0xfd,
                                      0x34, 0xb2, 0x24, 0x4d, 0xfa, 0x66, 0x7c, 0xf9 };
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_X_CANDIDATE_IPV6);
    g_assert_cmpuint(c.version, ==, 19);
    assert_span(l, c.name, "x-candidate-ipv6");
    assert_span(l, c.foundation, "3");
    g_assert_cmpuint(c.priority.value, ==, 33553407u);
    assert_span(l, c.address.span, "2001:0:5ef5:79fd:34b2:244d:fa66:7cf9");
    g_assert_cmpint(c.address.family, ==, ICECAND_FAMILY_IPV6);
    g_assert_cmpmem(c.address.bytes, 16, want, 16);
    g_assert_cmpint(icecand_addr_scope(&c.address), ==, ICECAND_SCOPE_TEREDO);
    g_assert_false(icecand_scope_is_private(ICECAND_SCOPE_TEREDO));
    g_assert_cmpuint(c.port.value, ==, 2936);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_HOST);
    /* always v19 syntax, even when it looks like v6 */
    g_assert_cmpint(parse("x-candidate-ipv6:user 1 pass UDP 0.5 ::1 5", &c), !=, ICECAND_OK);
    g_assert_cmpuint(c.version, ==, 19);
}

static void
test_v19_relay(void)
{
    const char *l = V19_RELAY;
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_RELAY);
    assert_ipv4(&c.address, 52, 114, 250, 141);
    g_assert_cmpint(icecand_addr_scope(&c.address), ==, ICECAND_SCOPE_PUBLIC);
    g_assert_cmpuint(c.port.value, ==, 3480);
    assert_ipv4(&c.raddr, 80, 181, 206, 72);
    g_assert_cmpuint(c.rport.value, ==, 57543);
    g_assert_cmpuint(icecand_priority_parts(c.priority.value).type_pref, ==, 0);

    l = V19_RELAYT;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.transport, ==, ICECAND_TRANSPORT_TCP_PASS);
    g_assert_cmpint(icecand_tcp_role(&c), ==, ICECAND_TCPTYPE_PASSIVE);
    g_assert_cmpuint(c.priority.value, ==, 6556159u);
    g_assert_cmpuint(c.port.value, ==, 443);
    g_assert_cmpuint(c.rport.value, ==, 50001);
    assert_span(l, c.rport.span, "50001");
}

static void
test_v19_extensions(void)
{
    const char *l = "candidate:9 1 UDP 7076607 20.202.1.2 3478 typ relay raddr 85.1.2.3 rport 50000 MTURNID 1234567";
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpuint(c.n_ext, ==, 1);
    assert_span(l, c.ext[0].name, "MTURNID");
    assert_span(l, c.ext[0].value, "1234567");

    l = "candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host generation 0 network-id 1 network-cost 10";
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.transport, ==, ICECAND_TRANSPORT_UDP);
    assert_span(l, c.transport_span, "udp");
    g_assert_cmpuint(c.n_ext, ==, 3);
    assert_span(l, c.ext[0].name, "generation");
    assert_span(l, c.ext[0].value, "0");
    assert_span(l, c.ext[1].name, "network-id");
    assert_span(l, c.ext[1].value, "1");
    assert_span(l, c.ext[2].name, "network-cost");
    assert_span(l, c.ext[2].value, "10");

    /* a name without its value: kept, and the line is truncated */
    l = "candidate:1 1 UDP 2130706431 1.2.3.4 5 typ host generation";
    g_assert_cmpint(parse(l, &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpuint(c.n_ext, ==, 1);
    assert_span(l, c.ext[0].name, "generation");
    assert_absent(c.ext[0].value);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_HOST);

    /* exactly ICECAND_MAX_EXTENSIONS is fine, one more is TOO_MANY */
    GString *s = g_string_new("candidate:1 1 UDP 2130706431 1.2.3.4 5 typ host");
    for (unsigned i = 0; i < ICECAND_MAX_EXTENSIONS; i++)
        g_string_append_printf(s, " e%u %u", i, i);
    g_assert_cmpint(parse(s->str, &c), ==, ICECAND_OK);
    g_assert_cmpuint(c.n_ext, ==, ICECAND_MAX_EXTENSIONS);
    assert_span(s->str, c.ext[7].name, "e7");
    g_string_append(s, " raddr 1.1.1.1 one-more 1");
    g_assert_cmpint(parse(s->str, &c), ==, ICECAND_TOO_MANY);
    g_assert_cmpuint(c.n_ext, ==, ICECAND_MAX_EXTENSIONS);
    assert_ipv4(&c.raddr, 1, 1, 1, 1);
    g_string_free(s, TRUE);
}

static void
test_v19_rfc6544(void)
{
    const char *l = "candidate:7 1 TCP 1518280447 10.0.0.5 9 typ host tcptype active generation 0";
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.transport, ==, ICECAND_TRANSPORT_TCP);
    g_assert_cmpint(c.tcptype, ==, ICECAND_TCPTYPE_ACTIVE);
    assert_span(l, c.tcptype_span, "active");
    g_assert_cmpint(icecand_tcp_role(&c), ==, ICECAND_TCPTYPE_ACTIVE);
    g_assert_cmpuint(c.port.value, ==, 9);
    g_assert_cmpuint(c.n_ext, ==, 1);

    g_assert_cmpint(parse("candidate:7 1 TCP 1518280447 10.0.0.5 5000 typ srflx raddr 10.0.0.5 rport 0 tcptype passive", &c), ==, ICECAND_OK);
    g_assert_cmpint(icecand_tcp_role(&c), ==, ICECAND_TCPTYPE_PASSIVE);
    g_assert_true(c.rport.valid);
    g_assert_cmpuint(c.rport.value, ==, 0);
    g_assert_cmpint(parse("candidate:7 1 tcp 1518280447 10.0.0.5 5000 typ host tcptype SO", &c), ==, ICECAND_OK);
    g_assert_cmpint(icecand_tcp_role(&c), ==, ICECAND_TCPTYPE_SO);
    g_assert_cmpint(parse("candidate:7 1 TCP 1518280447 10.0.0.5 5000 typ host", &c), ==, ICECAND_OK);
    g_assert_cmpint(icecand_tcp_role(&c), ==, ICECAND_TCPTYPE_ANY);
    g_assert_cmpint(parse("candidate:7 1 TCP 1518280447 10.0.0.5 5000 typ host tcptype both", &c), ==, ICECAND_BAD_TRANSPORT);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_HOST);
}

static void
test_v19_case_and_order(void)
{
    const char *l = "candidate:4 1 UDP 1694498815 85.1.2.3 50000 TYP SRFLX rport 4000 RADDR 10.1.2.3";
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_SRFLX);
    assert_ipv4(&c.raddr, 10, 1, 2, 3);
    g_assert_cmpuint(c.rport.value, ==, 4000);
    /* a second raddr is not lost: it becomes an extension */
    l = "candidate:4 1 UDP 1694498815 85.1.2.3 50000 typ srflx raddr 10.1.2.3 rport 4000 raddr 10.9.9.9 rport 9";
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    assert_ipv4(&c.raddr, 10, 1, 2, 3);
    g_assert_cmpuint(c.n_ext, ==, 2);
    assert_span(l, c.ext[0].value, "10.9.9.9");
    /* runs of spaces and tabs between tokens */
    g_assert_cmpint(parse("candidate:1  1\tUDP 2130706431   192.168.56.1 15676 typ  host", &c), ==, ICECAND_OK);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_HOST);
    /* prflx and an IPv6 raddr on an IPv4 candidate [MS-SDPEXT 3.1.5.21.1] */
    l = "candidate:8 1 UDP 1853824767 85.1.2.3 50001 typ prflx raddr fe80::1 rport 50001";
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_PRFLX);
    g_assert_cmpint(c.raddr.family, ==, ICECAND_FAMILY_IPV6);
    g_assert_cmpint(icecand_addr_scope(&c.raddr), ==, ICECAND_SCOPE_LINK_LOCAL);
}

/* ms-ice-candidates.md 4: decoded [sample] priorities. The spec's row for
 * 2130705919 says local_pref 0xFFFE; the arithmetic gives 0xFFFD. */
static void
test_v19_priority_parts(void)
{
    static const struct {
        uint32_t prio, type_pref, local_pref, component;
    } rows[] = {
        { 2130706431u, 126, 0xFFFF, 1 },   /* host UDP */
        { 2130705918u, 126, 0xFFFD, 2 },   /* host UDP, component 2 */
        { 2130705919u, 126, 0xFFFD, 1 },   /* host UDP, 2nd interface */
        { 1684797951u, 100, 0x6BF9, 1 },   /* srflx TCP-ACT */
        { 6556159u,      0, 0x6409, 1 },   /* relay TCP-PASS */
        { 7076607u,      0, 0x6BFA, 1 },   /* relay TCP-ACT */
        { 33553407u,     1, 0xFFFB, 1 },   /* x-candidate-ipv6 host (Teredo) */
        { 16648703u,     0, 0xFE09, 1 },   /* relay UDP */
        { 0x6E6BFCFFu, 110, 0x6BFC, 1 },   /* prflx in a check ([cap2]) */
        { 0x7EFFFF00u, 126, 0xFFFF, 256 }, /* low byte 0: component 256 */
        { 0xFFFFFFFFu, 255, 0xFFFF, 1 },
        { 0u,            0, 0,    256 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        icecand_prio_parts_t p = icecand_priority_parts(rows[i].prio);
        g_assert_cmpuint(p.type_pref, ==, rows[i].type_pref);
        g_assert_cmpuint(p.local_pref, ==, rows[i].local_pref);
        g_assert_cmpuint(p.component, ==, rows[i].component);
        /* 2^24 * type + 2^8 * local + (256 - component) round-trips */
        g_assert_cmpuint(icecand_priority_compute(p.type_pref, p.local_pref, p.component), ==,
                         rows[i].prio);
    }
    g_assert_cmpuint(icecand_priority_compute(126, 65535, 1), ==, 2130706431u);
    g_assert_cmpuint(icecand_priority_compute(0, 0, 1), ==, 255u);
}

static void
test_v19_priority_mismatch(void)
{
    icecand_t c;
    /* component 2 but the priority says component 1: a note */
    g_assert_cmpint(parse("candidate:1 2 UDP 2130706431 1.2.3.4 5 typ host", &c), ==,
                    ICECAND_PRIORITY_MISMATCH);
    g_assert_false(icecand_status_is_error(c.status));
    g_assert_cmpuint(c.component.value, ==, 2);
    g_assert_cmpuint(c.priority.value, ==, 2130706431u);
    g_assert_cmpint(parse("candidate:1 2 UDP 2130705918 1.2.3.4 5 typ host", &c), ==, ICECAND_OK);
    /* an error outranks the note, and both are recorded */
    g_assert_cmpint(parse("candidate:1 2 UDP 2130706431 1.2.3.4 99999 typ host", &c), ==,
                    ICECAND_BAD_PORT);
    g_assert_true(icecand_has_problem(&c, ICECAND_PRIORITY_MISMATCH));
}

static void
test_v19_priority_range(void)
{
    icecand_t c;
    g_assert_cmpint(parse("candidate:1 1 UDP 4294967295 1.2.3.4 5 typ host", &c), ==,
                    ICECAND_PRIORITY_RANGE);
    g_assert_true(c.priority.valid);
    g_assert_cmpuint(c.priority.value, ==, 4294967295u);
    g_assert_cmpint(parse("candidate:1 1 UDP 2147483648 1.2.3.4 5 typ host", &c), ==,
                    ICECAND_PRIORITY_RANGE);
    g_assert_cmpint(parse("candidate:1 1 UDP 2147483647 1.2.3.4 5 typ host", &c), ==, ICECAND_OK);
    g_assert_cmpint(parse("candidate:1 1 UDP 0 1.2.3.4 5 typ host", &c), ==, ICECAND_PRIORITY_RANGE);
    g_assert_true(icecand_has_problem(&c, ICECAND_PRIORITY_MISMATCH)); /* 256 != 1 */
}

static void
test_v19_missing_typ(void)
{
    icecand_t c;
    const char *l = "candidate:1 1 UDP 2130706431 192.168.56.1 15676";
    g_assert_cmpint(parse(l, &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpuint(c.version, ==, 19);
    g_assert_cmpuint(c.port.value, ==, 15676);
    assert_ipv4(&c.address, 192, 168, 56, 1);
    g_assert_cmpint(parse("candidate:1 1 UDP 2130706431 192.168.56.1 15676 typ", &c), ==, ICECAND_TRUNCATED);
    /* "type" instead of "typ": still v19 (3rd token is a transport), BAD_TYPE,
     * and the pairs after it are still read */
    l = "candidate:4 1 UDP 1694498815 85.1.2.3 50000 raddr 10.1.2.3 rport 4000";
    g_assert_cmpint(parse(l, &c), ==, ICECAND_BAD_TYPE);
    g_assert_cmpuint(c.version, ==, 19);
    assert_ipv4(&c.raddr, 10, 1, 2, 3);
    g_assert_cmpuint(c.rport.value, ==, 4000);
    g_assert_cmpint(parse("candidate:1 1 UDP 2130706431 1.2.3.4 5 typ hots", &c), ==, ICECAND_BAD_TYPE);
    assert_span("candidate:1 1 UDP 2130706431 1.2.3.4 5 typ hots", c.type_span, "hots");
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_UNKNOWN);
}

/* ---- tests: other attributes -------------------------------------------- */

static void
test_remote_candidates(void)
{
    const char *l = REMOTES;
    icecand_t c;
    char nb[ICECAND_COMPONENT_STR_LEN];
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_REMOTE_CANDIDATES);
    g_assert_cmpuint(c.n_remote, ==, 2);
    g_assert_cmpuint(c.remote[0].component.value, ==, 1);
    assert_ipv4(&c.remote[0].address, 192, 168, 56, 1);
    assert_span(l, c.remote[0].address.span, "192.168.56.1");
    g_assert_cmpuint(c.remote[0].port.value, ==, 15676);
    g_assert_cmpuint(c.remote[1].component.value, ==, 2);
    g_assert_cmpstr(icecand_component_to_string(c.remote[1].component.value, nb, sizeof nb), ==, "RTCP");
    assert_span(l, c.remote[1].port.span, "15677");
    g_assert_cmpuint(c.remote[1].port.value, ==, 15677);

    /* partial triple: complete ones kept */
    g_assert_cmpint(parse("remote-candidates:1 192.168.56.1 15676 2 192.168.56.1", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpuint(c.n_remote, ==, 2);
    g_assert_true(c.remote[0].port.valid);
    g_assert_cmpint(c.remote[1].address.family, ==, ICECAND_FAMILY_IPV4);
    g_assert_false(c.remote[1].port.valid);

    /* bad values in a triple: the rest still read */
    g_assert_cmpint(parse("remote-candidates:0 1.2.3.4 70000 2 ::1 5", &c), ==, ICECAND_BAD_COMPONENT);
    g_assert_true(icecand_has_problem(&c, ICECAND_BAD_PORT));
    g_assert_cmpuint(c.n_remote, ==, 2);
    assert_ipv4(&c.remote[0].address, 1, 2, 3, 4);
    g_assert_cmpint(c.remote[1].address.family, ==, ICECAND_FAMILY_IPV6);

    /* five triples: four kept */
    g_assert_cmpint(parse("remote-candidates:1 1.1.1.1 1 2 2.2.2.2 2 3 3.3.3.3 3 4 4.4.4.4 4 5 5.5.5.5 5", &c),
                    ==, ICECAND_TOO_MANY);
    g_assert_cmpuint(c.n_remote, ==, ICECAND_MAX_REMOTE);
    g_assert_cmpuint(c.remote[3].port.value, ==, 4);
}

static void
test_ufrag_pwd(void)
{
    icecand_t c;
    g_assert_cmpint(parse(UFRAG, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_ICE_UFRAG);
    assert_span(UFRAG, c.value, "M+7x");
    g_assert_cmpint(parse("ice-ufrag:M+7x   ", &c), ==, ICECAND_OK);
    assert_span("ice-ufrag:M+7x   ", c.value, "M+7x");
    g_assert_cmpint(parse("ice-ufrag:M+7", &c), ==, ICECAND_UFRAG_LENGTH);
    assert_span("ice-ufrag:M+7", c.value, "M+7");
    g_assert_cmpint(parse("ice-ufrag:", &c), ==, ICECAND_UFRAG_LENGTH);
    g_assert_cmpint(parse("ice-ufrag:M+7x!", &c), ==, ICECAND_BAD_CREDENTIAL);
    g_assert_cmpint(parse("ice-ufrag:ab cd", &c), ==, ICECAND_BAD_CREDENTIAL);

    g_assert_cmpint(parse(PWD, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_ICE_PWD);
    g_assert_cmpuint(c.value.length, ==, 24);
    assert_span(PWD, c.value, "SjCQk8uWpvHfDVBrSgHeHyd/");
    g_assert_cmpint(parse("ice-pwd:0123456789012345678901", &c), ==, ICECAND_OK);       /* 22 */
    g_assert_cmpint(parse("ice-pwd:012345678901234567890", &c), ==, ICECAND_PWD_LENGTH); /* 21 */
    g_assert_false(icecand_status_is_error(c.status));

    GString *s = g_string_new("ice-ufrag:");
    for (unsigned i = 0; i < ICECAND_CRED_MAX; i++)
        g_string_append_c(s, 'a');
    g_assert_cmpint(parse(s->str, &c), ==, ICECAND_OK);
    g_string_append_c(s, 'a');
    g_assert_cmpint(parse(s->str, &c), ==, ICECAND_UFRAG_LENGTH);
    g_string_free(s, TRUE);
}

static void
test_credentials_ambiguous(void)
{
    g_assert_cmpint(icecand_check_credentials(6, 32), ==, ICECAND_AMBIGUOUS_CREDENTIALS);
    g_assert_false(icecand_status_is_error(ICECAND_AMBIGUOUS_CREDENTIALS));
    g_assert_cmpint(icecand_check_credentials(4, 24), ==, ICECAND_OK);
    g_assert_cmpint(icecand_check_credentials(6, 24), ==, ICECAND_OK);
    g_assert_cmpint(icecand_check_credentials(8, 32), ==, ICECAND_OK);
}

static void
test_candidate_info(void)
{
    const char *l = "x-candidate-info:1 network-type=WLAN";
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_X_CANDIDATE_INFO);
    assert_span(l, c.foundation, "1");
    g_assert_cmpuint(c.n_ext, ==, 1);
    assert_span(l, c.ext[0].name, "network-type");
    assert_span(l, c.ext[0].value, "WLAN");

    l = "x-candidate-info:network-type=WWAN a=b= flag x=";
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
    assert_absent(c.foundation);
    g_assert_cmpuint(c.n_ext, ==, 4);
    assert_span(l, c.ext[0].value, "WWAN");
    assert_span(l, c.ext[1].name, "a");
    assert_span(l, c.ext[1].value, "b=");
    assert_span(l, c.ext[2].name, "flag");
    assert_absent(c.ext[2].value);
    assert_span(l, c.ext[3].name, "x");
    assert_absent(c.ext[3].value);
}

static void
test_ice_options(void)
{
    const char *l = "ice-options:trickle ice2";
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_OPTIONS_IGNORED);
    g_assert_false(icecand_status_is_error(c.status));
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_ICE_OPTIONS);
    g_assert_cmpuint(c.n_ext, ==, 2);
    assert_span(l, c.ext[0].name, "trickle");
    assert_span(l, c.ext[1].name, "ice2");
    assert_span(l, c.value, "trickle ice2");
}

/* ---- tests: numbers and addresses --------------------------------------- */

static void
test_qvalue_good(void)
{
    static const struct { const char *q; uint32_t v; } rows[] = {
        { "1", 1000 }, { "1.0", 1000 }, { "1.00", 1000 }, { "1.000", 1000 }, { "1.", 1000 },
        { "0", 0 }, { "0.", 0 }, { "0.8", 800 }, { "0.83", 830 }, { "0.830", 830 },
        { "0.840", 840 }, { "0.001", 1 }, { "0.999", 999 }, { "0.05", 50 },
    };
    icecand_t c;
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        char *l = g_strdup_printf("candidate:user 1 pass UDP %s 10.0.0.1 5000", rows[i].q);
        g_test_message("%s", l);
        g_assert_cmpint(parse(l, &c), ==, ICECAND_OK);
        g_assert_true(c.qvalue.valid);
        g_assert_cmpuint(c.qvalue.value, ==, rows[i].v);
        assert_span(l, c.qvalue.span, rows[i].q);
        g_free(l);
    }
}

static void
test_qvalue_bad(void)
{
    static const char *const rows[] = {
        "1.001", "1.5", "2", "2.0", "0.8300", "0.1234", "-0.5", "+0.5", ".5", "0,830",
        "00.5", "0.8a", "1e0", "0x1", "10", "0..8", "1.0000",
    };
    icecand_t c;
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        char *l = g_strdup_printf("candidate:user 1 pass UDP %s 10.0.0.1 5000", rows[i]);
        g_test_message("%s", l);
        g_assert_cmpint(parse(l, &c), ==, ICECAND_BAD_QVALUE);
        g_assert_false(c.qvalue.valid);
        assert_span(l, c.qvalue.span, rows[i]);
        /* the rest of the line is still read */
        assert_ipv4(&c.address, 10, 0, 0, 1);
        g_assert_cmpuint(c.port.value, ==, 5000);
        g_free(l);
    }
    /* a space inside splits the token: "0. 830" leaves 8 tokens */
    g_assert_cmpint(parse("candidate:user 1 pass UDP 0. 830 10.0.0.1 5000", &c), !=, ICECAND_OK);
}

static void
test_address_ipv4(void)
{
    static const struct { const char *s; uint8_t b[4]; } good[] = {
        { "0.0.0.0", { 0, 0, 0, 0 } }, { "255.255.255.255", { 255, 255, 255, 255 } },
        { "192.168.66.57", { 192, 168, 66, 57 } }, { "10.0.0.1", { 10, 0, 0, 1 } },
    };
    static const char *const bad[] = {
        "0.830", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.04", "01.2.3.4", "1.2..3",
        ".1.2.3", "1.2.3.", "1.2.3.4 ", "a.b.c.d", "1.2.3.-4", "1.2.3.+4", "1111.2.3.4",
        "example.com", "host.local", "", "1.2.3.4/24",
    };
    uint8_t out[16];
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        g_assert_cmpint(icecand_parse_ip(good[i].s, strlen(good[i].s), out), ==, ICECAND_FAMILY_IPV4);
        g_assert_cmpmem(out, 4, good[i].b, 4);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_test_message("bad ipv4: '%s'", bad[i]);
        g_assert_cmpint(icecand_parse_ip(bad[i], strlen(bad[i]), out), ==, ICECAND_FAMILY_NONE);
    }
}

static void
test_address_ipv6(void)
{
    static const struct { const char *s; uint8_t b[16]; } good[] = {
        { "::", { 0 } },
        { "::1", { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
        { "1::", { 0, 1 } },
        { "fe80::1", { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
        { "2001:db8::ff00:42:8329", { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0, 0x42, 0x83, 0x29 } },
        { "2001:0DB8:0000:0000:0000:FF00:0042:8329", { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0, 0x42, 0x83, 0x29 } },
        { "::ffff:192.168.1.2", { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 2 } },
        { "1:2:3:4:5:6:7::", { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0 } },
        { "::2:3:4:5:6:7:8", { 0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8 } },
        { "1:2:3:4:5:6:1.2.3.4", { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4 } },
    };
    static const char *const bad[] = {
        ":", ":::", "1:2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
        "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "fe80::1%eth0", "[::1]", "1:", ":1",
        "g::1", "::ffff:1.2.3", "::1.2.3.4.5", "1:2:3:4:5:6:7:1.2.3.4", "::1 ", "1:::2",
        "::ffff:01.2.3.4", "2001:db8::/32",
    };
    uint8_t out[16];
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        g_test_message("good ipv6: '%s'", good[i].s);
        g_assert_cmpint(icecand_parse_ip(good[i].s, strlen(good[i].s), out), ==, ICECAND_FAMILY_IPV6);
        g_assert_cmpmem(out, 16, good[i].b, 16);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_test_message("bad ipv6: '%s'", bad[i]);
        g_assert_cmpint(icecand_parse_ip(bad[i], strlen(bad[i]), out), ==, ICECAND_FAMILY_NONE);
    }
}

static void
test_address_scope(void)
{
    static const struct { const char *s; icecand_scope_t scope; bool priv; } rows[] = {
        { "10.1.2.3", ICECAND_SCOPE_PRIVATE, true },
        { "172.16.0.1", ICECAND_SCOPE_PRIVATE, true },
        { "172.31.255.255", ICECAND_SCOPE_PRIVATE, true },
        { "172.32.0.1", ICECAND_SCOPE_PUBLIC, false },
        { "172.15.0.1", ICECAND_SCOPE_PUBLIC, false },
        { "192.168.0.1", ICECAND_SCOPE_PRIVATE, true },
        { "192.169.0.1", ICECAND_SCOPE_PUBLIC, false },
        { "100.64.0.1", ICECAND_SCOPE_CGNAT, true },
        { "100.127.255.255", ICECAND_SCOPE_CGNAT, true },
        { "100.128.0.1", ICECAND_SCOPE_PUBLIC, false },
        { "100.63.0.1", ICECAND_SCOPE_PUBLIC, false },
        { "169.254.1.1", ICECAND_SCOPE_LINK_LOCAL, true },
        { "127.0.0.1", ICECAND_SCOPE_LOOPBACK, false },
        { "0.0.0.0", ICECAND_SCOPE_UNSPECIFIED, false },
        { "52.114.250.141", ICECAND_SCOPE_PUBLIC, false },
        { "fc00::1", ICECAND_SCOPE_PRIVATE, true },
        { "fd12:3456::1", ICECAND_SCOPE_PRIVATE, true },
        { "fe80::1", ICECAND_SCOPE_LINK_LOCAL, true },
        { "febf::1", ICECAND_SCOPE_LINK_LOCAL, true },
        { "fec0::1", ICECAND_SCOPE_PUBLIC, false },
        { "2001:0:5ef5:79fd:34b2:244d:fa66:7cf9", ICECAND_SCOPE_TEREDO, false },
        { "2001:1::1", ICECAND_SCOPE_PUBLIC, false },
        { "2001:db8::1", ICECAND_SCOPE_PUBLIC, false },
        { "::1", ICECAND_SCOPE_LOOPBACK, false },
        { "::", ICECAND_SCOPE_UNSPECIFIED, false },
        { "::ffff:10.0.0.1", ICECAND_SCOPE_PRIVATE, true },
        { "::ffff:8.8.8.8", ICECAND_SCOPE_PUBLIC, false },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        icecand_addr_t a = { { 0, 0 }, ICECAND_FAMILY_NONE, { 0 } };
        a.family = icecand_parse_ip(rows[i].s, strlen(rows[i].s), a.bytes);
        g_test_message("scope of %s", rows[i].s);
        g_assert_cmpint(a.family, !=, ICECAND_FAMILY_NONE);
        g_assert_cmpint(icecand_addr_scope(&a), ==, rows[i].scope);
        g_assert_cmpint(icecand_scope_is_private(icecand_addr_scope(&a)), ==, rows[i].priv);
        g_assert_nonnull(icecand_scope_to_string(rows[i].scope));
    }
    icecand_addr_t none = { { 0, 0 }, ICECAND_FAMILY_NONE, { 0 } };
    g_assert_cmpint(icecand_addr_scope(&none), ==, ICECAND_SCOPE_INVALID);
    g_assert_cmpint(icecand_ip_scope(none.bytes, 5), ==, ICECAND_SCOPE_INVALID);
    g_assert_cmpint(icecand_ip_scope(NULL, 4), ==, ICECAND_SCOPE_INVALID);
}

static void
test_component_names(void)
{
    char nb[ICECAND_COMPONENT_STR_LEN];
    g_assert_cmpstr(icecand_component_to_string(1, nb, sizeof nb), ==, "RTP");
    g_assert_cmpstr(icecand_component_to_string(2, nb, sizeof nb), ==, "RTCP");
    g_assert_cmpstr(icecand_component_to_string(3, nb, sizeof nb), ==, "component 3");
    g_assert_cmpstr(icecand_component_to_string(0, nb, sizeof nb), ==, "component 0");
    g_assert_cmpstr(icecand_component_to_string(UINT32_MAX, nb, sizeof nb), ==, "component 4294967295");
}

static void
test_strings(void)
{
    for (int s = 0; s <= ICECAND_STATUS_COUNT; s++) {
        const char *str = icecand_status_to_string((icecand_status_t)s);
        g_assert_nonnull(str);
        g_assert_cmpuint(strlen(str), >, 0);
        for (int t = 0; t < s; t++)
            g_assert_cmpstr(icecand_status_to_string((icecand_status_t)t), !=, str);
    }
    g_assert_cmpstr(icecand_status_to_string(ICECAND_STATUS_COUNT), ==, "unknown status");
    g_assert_cmpstr(icecand_type_to_string(ICECAND_TYPE_HOST), ==, "host");
    g_assert_cmpstr(icecand_type_to_string(ICECAND_TYPE_PRFLX), ==, "prflx");
    g_assert_cmpstr(icecand_type_to_string(ICECAND_TYPE_RELAY), ==, "relay");
    g_assert_cmpstr(icecand_type_to_string((icecand_type_t)99), ==, "unknown");
    g_assert_cmpstr(icecand_transport_to_string(ICECAND_TRANSPORT_TCP_PASS), ==, "TCP-PASS");
    g_assert_cmpstr(icecand_transport_to_string(ICECAND_TRANSPORT_TCP), ==, "TCP");
    g_assert_cmpstr(icecand_transport_to_string(ICECAND_TRANSPORT_UNKNOWN), ==, "unknown");
    g_assert_cmpstr(icecand_tcptype_to_string(ICECAND_TCPTYPE_SO), ==, "so");
    g_assert_cmpstr(icecand_tcptype_to_string(ICECAND_TCPTYPE_NONE), ==, "none");
    for (int k = ICECAND_KIND_NONE; k <= ICECAND_KIND_ICE_OPTIONS; k++) {
        for (int j = ICECAND_KIND_NONE; j < k; j++)
            g_assert_cmpstr(icecand_kind_to_string((icecand_kind_t)j), !=,
                            icecand_kind_to_string((icecand_kind_t)k));
    }
    g_assert_cmpstr(icecand_kind_to_string((icecand_kind_t)99), ==, "unknown");
    for (int k = ICECAND_TCPTYPE_NONE; k <= ICECAND_TCPTYPE_ANY; k++) {
        for (int j = ICECAND_TCPTYPE_NONE; j < k; j++)
            g_assert_cmpstr(icecand_tcptype_to_string((icecand_tcptype_t)j), !=,
                            icecand_tcptype_to_string((icecand_tcptype_t)k));
    }
    for (int k = ICECAND_SCOPE_INVALID; k <= ICECAND_SCOPE_TEREDO; k++) {
        for (int j = ICECAND_SCOPE_INVALID; j < k; j++)
            g_assert_cmpstr(icecand_scope_to_string((icecand_scope_t)j), !=,
                            icecand_scope_to_string((icecand_scope_t)k));
    }
    g_assert_cmpstr(icecand_kind_to_string(ICECAND_KIND_X_CANDIDATE_IPV6), ==, "x-candidate-ipv6");
    g_assert_cmpstr(icecand_kind_to_string(ICECAND_KIND_NONE), ==, "not ICE");
    g_assert_true(icecand_status_is_error(ICECAND_TRUNCATED));
    g_assert_true(icecand_status_is_error(ICECAND_BAD_RPORT));
    g_assert_false(icecand_status_is_error(ICECAND_OK));
    g_assert_false(icecand_status_is_error(ICECAND_NOT_ICE));
    g_assert_false(icecand_status_is_error(ICECAND_TOO_MANY));
    g_assert_false(icecand_status_is_error(ICECAND_PRIORITY_MISMATCH));
}

/* ---- tests: bad lines --------------------------------------------------- */

/* A bad port still gives the address, and everything after it. */
static void
test_bad_port(void)
{
    static const char *const ports[] = { "65536", "-1", "+1", "1a", "000000", "99999999999999999999", "0x50" };
    icecand_t c;
    for (size_t i = 0; i < G_N_ELEMENTS(ports); i++) {
        char *l = g_strdup_printf("candidate:5 1 UDP 16648703 52.114.250.141 %s typ relay raddr 80.181.206.72 rport 57543", ports[i]);
        g_test_message("%s", l);
        g_assert_cmpint(parse(l, &c), ==, ICECAND_BAD_PORT);
        g_assert_cmpuint(c.problems, ==, 1u << ICECAND_BAD_PORT);
        g_assert_false(c.port.valid);
        assert_span(l, c.port.span, ports[i]);
        assert_ipv4(&c.address, 52, 114, 250, 141);
        g_assert_cmpint(c.type, ==, ICECAND_TYPE_RELAY);
        assert_ipv4(&c.raddr, 80, 181, 206, 72);
        g_assert_cmpuint(c.rport.value, ==, 57543);
        g_free(l);
    }
    g_assert_cmpint(parse("candidate:1 1 UDP 2130706431 1.2.3.4 65535 typ host", &c), ==, ICECAND_OK);
    g_assert_cmpint(parse("candidate:1 1 UDP 2130706431 1.2.3.4 0 typ host", &c), ==, ICECAND_OK);
    g_assert_true(c.port.valid);
}

/* The stock-Wireshark misreading: "0.830" is not an address. */
static void
test_bad_address(void)
{
    icecand_t c;
    const char *l = "candidate:1 1 UDP 2130706431 0.830 5000 typ host";
    g_assert_cmpint(parse(l, &c), ==, ICECAND_BAD_ADDRESS);
    g_assert_cmpint(c.address.family, ==, ICECAND_FAMILY_NONE);
    assert_span(l, c.address.span, "0.830");
    g_assert_cmpuint(c.port.value, ==, 5000);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_HOST);
    g_assert_cmpint(icecand_addr_scope(&c.address), ==, ICECAND_SCOPE_INVALID);
    g_assert_cmpint(parse("candidate:1 1 UDP 2130706431 abc.local 5000 typ host", &c), ==, ICECAND_BAD_ADDRESS);
    g_assert_cmpint(parse("candidate:u 1 p UDP 0.5 UDP 5000", &c), ==, ICECAND_BAD_ADDRESS);
    g_assert_cmpuint(c.version, ==, 6);
}

static void
test_bad_component(void)
{
    static const char *const comps[] = { "0", "257", "x", "-1", "123456", "1.0", "" };
    icecand_t c;
    for (size_t i = 0; i < G_N_ELEMENTS(comps); i++) {
        if (!*comps[i])
            continue;
        char *l = g_strdup_printf("candidate:1 %s UDP 2130706431 1.2.3.4 5 typ host", comps[i]);
        g_assert_cmpint(parse(l, &c), ==, ICECAND_BAD_COMPONENT);
        g_assert_false(c.component.valid);
        assert_span(l, c.component.span, comps[i]);
        g_assert_cmpuint(c.port.value, ==, 5);
        g_free(l);
    }
    g_assert_cmpint(parse("candidate:1 256 UDP 2130706176 1.2.3.4 5 typ host", &c), ==, ICECAND_OK);
    g_assert_cmpuint(c.component.value, ==, 256);
    g_assert_cmpint(parse("candidate:user 0 pass UDP 0.5 1.2.3.4 5", &c), ==, ICECAND_BAD_COMPONENT);
    g_assert_cmpuint(c.version, ==, 6);
}

static void
test_bad_transport(void)
{
    icecand_t c;
    g_assert_cmpint(parse("candidate:1 1 SCTP 2130706431 1.2.3.4 5 typ host", &c), ==, ICECAND_BAD_TRANSPORT);
    g_assert_cmpuint(c.version, ==, 19);
    assert_span("candidate:1 1 SCTP 2130706431 1.2.3.4 5 typ host", c.transport_span, "SCTP");
    g_assert_cmpint(c.transport, ==, ICECAND_TRANSPORT_UNKNOWN);
    g_assert_cmpuint(c.priority.value, ==, 2130706431u);
    g_assert_cmpint(parse("candidate:user 1 pass UDPX 0.5 1.2.3.4 5", &c), ==, ICECAND_BAD_TRANSPORT);
    g_assert_cmpuint(c.version, ==, 6);
    g_assert_cmpuint(c.qvalue.value, ==, 500);
    g_assert_cmpint(parse("candidate:1 1 U\xc3\x9c" "DP 2130706431 1.2.3.4 5 typ host", &c), ==, ICECAND_BAD_TRANSPORT);
}

static void
test_bad_priority(void)
{
    static const char *const prios[] = {
        "4294967296", "99999999999", "18446744073709551616", "-1", "+1", "1.5", "0x10", "2130706431a",
    };
    icecand_t c;
    for (size_t i = 0; i < G_N_ELEMENTS(prios); i++) {
        char *l = g_strdup_printf("candidate:1 1 UDP %s 1.2.3.4 5 typ host", prios[i]);
        g_test_message("%s", l);
        g_assert_cmpint(parse(l, &c), ==, ICECAND_BAD_PRIORITY);
        g_assert_false(c.priority.valid);
        assert_span(l, c.priority.span, prios[i]);
        g_assert_false(icecand_has_problem(&c, ICECAND_PRIORITY_MISMATCH));
        assert_ipv4(&c.address, 1, 2, 3, 4);
        g_free(l);
    }
}

static void
test_bad_foundation(void)
{
    icecand_t c;
    const char *l = "candidate:123456789012345678901234567890123 1 UDP 2130706431 1.2.3.4 5 typ host";
    g_assert_cmpint(parse(l, &c), ==, ICECAND_BAD_FOUNDATION);
    g_assert_cmpuint(c.foundation.length, ==, 33);
    g_assert_cmpint(parse("candidate:12345678901234567890123456789012 1 UDP 2130706431 1.2.3.4 5 typ host", &c), ==, ICECAND_OK);
    g_assert_cmpint(parse("candidate:a-b 1 UDP 2130706431 1.2.3.4 5 typ host", &c), ==, ICECAND_BAD_FOUNDATION);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_HOST);
    g_assert_cmpint(parse("candidate:us=er 1 pass UDP 0.5 1.2.3.4 5", &c), ==, ICECAND_BAD_CREDENTIAL);
    g_assert_cmpuint(c.port.value, ==, 5);
}

static void
test_bad_raddr_rport(void)
{
    icecand_t c;
    const char *l = "candidate:4 1 UDP 1694498815 85.1.2.3 50000 typ srflx raddr 10.1.2 rport 70000";
    g_assert_cmpint(parse(l, &c), ==, ICECAND_BAD_RADDR);
    g_assert_true(icecand_has_problem(&c, ICECAND_BAD_RPORT));
    assert_span(l, c.raddr.span, "10.1.2");
    assert_span(l, c.rport.span, "70000");
    g_assert_false(c.rport.valid);
    g_assert_cmpint(parse("candidate:4 1 UDP 1694498815 85.1.2.3 50000 typ srflx raddr", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpint(c.type, ==, ICECAND_TYPE_SRFLX);
    g_assert_cmpint(parse("candidate:4 1 UDP 1694498815 85.1.2.3 50000 typ srflx raddr 10.1.2.3 rport", &c), ==, ICECAND_TRUNCATED);
    assert_ipv4(&c.raddr, 10, 1, 2, 3);
}

/* Everything wrong at once: every field still has its span. */
static void
test_bad_everything(void)
{
    const char *l = "candidate:a-b 0 FOO x 0.830 -1 typ nope raddr bad rport -5";
    icecand_t c;
    g_assert_cmpint(parse(l, &c), ==, ICECAND_BAD_FOUNDATION);
    static const icecand_status_t want[] = {
        ICECAND_BAD_FOUNDATION, ICECAND_BAD_COMPONENT, ICECAND_BAD_TRANSPORT, ICECAND_BAD_PRIORITY,
        ICECAND_BAD_ADDRESS, ICECAND_BAD_PORT, ICECAND_BAD_TYPE, ICECAND_BAD_RADDR, ICECAND_BAD_RPORT,
    };
    uint32_t bits = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
        bits |= 1u << want[i];
    g_assert_cmpuint(c.problems, ==, bits);
    assert_span(l, c.foundation, "a-b");
    assert_span(l, c.component.span, "0");
    assert_span(l, c.transport_span, "FOO");
    assert_span(l, c.priority.span, "x");
    assert_span(l, c.address.span, "0.830");
    assert_span(l, c.port.span, "-1");
    assert_span(l, c.type_span, "nope");
    assert_span(l, c.raddr.span, "bad");
    assert_span(l, c.rport.span, "-5");
}

static void
test_bad_missing_tokens(void)
{
    icecand_t c;
    g_assert_cmpint(parse("candidate:1", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpuint(c.version, ==, 0);
    g_assert_cmpint(parse("candidate:1 1", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpuint(c.version, ==, 0);
    g_assert_cmpuint(c.component.value, ==, 1);
    g_assert_cmpint(parse("candidate:1 1 UDP", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpuint(c.version, ==, 19);
    g_assert_cmpint(c.transport, ==, ICECAND_TRANSPORT_UDP);
    g_assert_cmpint(parse("candidate:user 1 pass UDP 0.830", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpuint(c.version, ==, 6);
    g_assert_cmpuint(c.qvalue.value, ==, 830);
    g_assert_cmpint(parse("candidate:user 1 pass UDP 0.830 1.2.3.4", &c), ==, ICECAND_TRUNCATED);
    assert_ipv4(&c.address, 1, 2, 3, 4);
    g_assert_false(c.port.valid);
}

/* Hostile input: huge numbers, 10000 tokens, NULs, non-ASCII, too long. */
static void
test_bad_hostile(void)
{
    icecand_t c;
    static const char nul_line[] = "candidate:1 1 UDP 2130706431 1.2.3.4\0 5 typ host";
    g_assert_cmpint(parse_n(nul_line, sizeof nul_line - 1, &c), ==, ICECAND_BAD_ADDRESS);
    g_assert_cmpuint(c.address.span.length, ==, 8);
    g_assert_cmpuint(c.port.value, ==, 5);
    static const char nul_name[] = "candidate\0:1 1 UDP 1 1.2.3.4 5 typ host";
    g_assert_cmpint(parse_n(nul_name, sizeof nul_name - 1, &c), ==, ICECAND_NOT_ICE);
    static const char nul_port[] = "candidate:1 1 UDP 2130706431 1.2.3.4 5\0 typ host";
    g_assert_cmpint(parse_n(nul_port, sizeof nul_port - 1, &c), ==, ICECAND_BAD_PORT);
    static const char nul_ufrag[] = "ice-ufrag:ab\0cd";
    g_assert_cmpint(parse_n(nul_ufrag, sizeof nul_ufrag - 1, &c), ==, ICECAND_BAD_CREDENTIAL);

    g_assert_cmpint(parse("candidate:\xff\xfe 1 UDP 2130706431 1.2.3.4 5 typ h\xc3\xb6st", &c), ==, ICECAND_BAD_FOUNDATION);
    g_assert_true(icecand_has_problem(&c, ICECAND_BAD_TYPE));
    g_assert_cmpint(parse("candidate:1 1 UDP 2130706431 \xd9\xa1.2.3.4 5 typ host", &c), ==, ICECAND_BAD_ADDRESS);
    g_assert_cmpint(parse("ice-pwd:\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95", &c), ==, ICECAND_BAD_CREDENTIAL);
    g_assert_cmpint(parse("\xff", &c), ==, ICECAND_NOT_ICE);

    g_assert_cmpint(parse("candidate:1 99999999999999999999999999999 UDP 99999999999999999999999999 1.2.3.4 99999999999999999999 typ host", &c), ==, ICECAND_BAD_COMPONENT);
    g_assert_true(icecand_has_problem(&c, ICECAND_BAD_PRIORITY));
    g_assert_true(icecand_has_problem(&c, ICECAND_BAD_PORT));
    g_assert_cmpint(parse("candidate:u 1 p UDP 0.99999999999999999999 1.2.3.4 5", &c), ==, ICECAND_BAD_QVALUE);

    /* 10000 tokens on every kind of line: bounded, stops early */
    static const char *const heads[] = {
        "candidate:1 1 UDP 2130706431 1.2.3.4 5 typ host",
        "candidate:u 1 p UDP 0.5 1.2.3.4 5",
        "remote-candidates:1 1.2.3.4 5",
        "remote-candidate:u",
        "x-candidate-info:1",
        "ice-options:a",
        "ice-ufrag:abcd",
        "candidate:1 1 UDP 2130706431 1.2.3.4 5",
    };
    for (size_t h = 0; h < G_N_ELEMENTS(heads); h++) {
        GString *s = g_string_new(heads[h]);
        for (unsigned i = 0; i < 10000; i++)
            g_string_append(s, " 1");
        g_test_message("%s + 10000 tokens", heads[h]);
        g_assert_cmpint(parse_n(s->str, s->len, &c), !=, ICECAND_OK);
        g_assert_cmpint(c.kind, !=, ICECAND_KIND_NONE);
        g_string_free(s, TRUE);
    }

    /* a line over ICECAND_MAX_LINE_LEN is refused before any token is read */
    GString *s = g_string_new("candidate:1 1 UDP 2130706431 1.2.3.4 5 typ host ");
    while (s->len <= ICECAND_MAX_LINE_LEN)
        g_string_append_c(s, ' ');
    g_assert_cmpint(parse_n(s->str, s->len, &c), ==, ICECAND_TOO_LONG);
    g_assert_cmpint(c.kind, ==, ICECAND_KIND_CANDIDATE);
    g_assert_false(c.port.valid);
    g_string_set_size(s, ICECAND_MAX_LINE_LEN);
    g_assert_cmpint(parse_n(s->str, s->len, &c), ==, ICECAND_OK);
    g_string_free(s, TRUE);

    /* only white space and separators */
    g_assert_cmpint(parse("candidate:\t\t  \r\n", &c), ==, ICECAND_TRUNCATED);
    g_assert_cmpuint(c.value.length, ==, 0);
}

/* libnice validate(): every prefix of every good vector. */
static void
test_prefixes(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(good_lines); i++) {
        icecand_t c;
        g_test_message("prefixes of %s", good_lines[i]);
        icecand_status_t st = parse(good_lines[i], &c);
        g_assert_true(st == ICECAND_OK || st == ICECAND_OPTIONS_IGNORED);
        check_prefixes(good_lines[i]);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/icecand/not-ice", test_not_ice);
    g_test_add_func("/icecand/name-only", test_name_only);
    g_test_add_func("/icecand/v6/sample-line", test_v6_sample);
    g_test_add_func("/icecand/v6/judged-line", test_v6_judged_line);
    g_test_add_func("/icecand/v6/tcp-trailing-space", test_v6_tcp_trailing_space);
    g_test_add_func("/icecand/v6/extra-tokens", test_v6_extra_tokens);
    g_test_add_func("/icecand/v6/remote-candidate", test_v6_remote_candidate);
    g_test_add_func("/icecand/v19/host", test_v19_host);
    g_test_add_func("/icecand/v19/srflx-tcp-act", test_v19_srflx_tcp_act);
    g_test_add_func("/icecand/v19/x-candidate-ipv6", test_v19_x_candidate_ipv6);
    g_test_add_func("/icecand/v19/relay", test_v19_relay);
    g_test_add_func("/icecand/v19/extensions", test_v19_extensions);
    g_test_add_func("/icecand/v19/rfc6544-tcptype", test_v19_rfc6544);
    g_test_add_func("/icecand/v19/case-and-order", test_v19_case_and_order);
    g_test_add_func("/icecand/v19/priority-parts", test_v19_priority_parts);
    g_test_add_func("/icecand/v19/priority-mismatch", test_v19_priority_mismatch);
    g_test_add_func("/icecand/v19/priority-range", test_v19_priority_range);
    g_test_add_func("/icecand/v19/missing-typ", test_v19_missing_typ);
    g_test_add_func("/icecand/remote-candidates", test_remote_candidates);
    g_test_add_func("/icecand/ufrag-pwd", test_ufrag_pwd);
    g_test_add_func("/icecand/credentials/ambiguous", test_credentials_ambiguous);
    g_test_add_func("/icecand/x-candidate-info", test_candidate_info);
    g_test_add_func("/icecand/ice-options", test_ice_options);
    g_test_add_func("/icecand/qvalue/good", test_qvalue_good);
    g_test_add_func("/icecand/qvalue/bad", test_qvalue_bad);
    g_test_add_func("/icecand/address/ipv4", test_address_ipv4);
    g_test_add_func("/icecand/address/ipv6", test_address_ipv6);
    g_test_add_func("/icecand/address/scope", test_address_scope);
    g_test_add_func("/icecand/component-names", test_component_names);
    g_test_add_func("/icecand/strings", test_strings);
    g_test_add_func("/icecand/bad/port-keeps-address", test_bad_port);
    g_test_add_func("/icecand/bad/address", test_bad_address);
    g_test_add_func("/icecand/bad/component", test_bad_component);
    g_test_add_func("/icecand/bad/transport", test_bad_transport);
    g_test_add_func("/icecand/bad/priority", test_bad_priority);
    g_test_add_func("/icecand/bad/foundation", test_bad_foundation);
    g_test_add_func("/icecand/bad/raddr-rport", test_bad_raddr_rport);
    g_test_add_func("/icecand/bad/everything", test_bad_everything);
    g_test_add_func("/icecand/bad/missing-tokens", test_bad_missing_tokens);
    g_test_add_func("/icecand/bad/hostile", test_bad_hostile);
    g_test_add_func("/icecand/prefixes", test_prefixes);
    return g_test_run();
}
