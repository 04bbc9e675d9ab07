/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_textscan.c - unit tests for the shared text scanners (textscan.c):
 * numbers, addresses, base64 and the problem set.
 *
 * Every scan runs on a heap copy of exactly the given length (no NUL after
 * it), so a read past the end shows up under valgrind; every good vector is
 * also scanned at every shorter prefix, which must be refused (numbers and
 * addresses) or decode to the matching shorter output (base64).
 */
#include <string.h>

#include <glib.h>

#include "textscan.h"

/* An exact-size heap copy of the first @n bytes of @s (free with g_free). */
static char *
copy_n(const char *s, size_t n)
{
    return g_memdup2(s, n ? n : 1);
}

/* ---- numbers ------------------------------------------------------------ */

static void
test_dec(void)
{
    static const struct { const char *s; unsigned digits; uint64_t max; uint32_t v; } good[] = {
        { "0", 5, 65535, 0 },
        { "65535", 5, 65535, 65535 },
        { "00080", 5, 65535, 80 },                      /* leading zeros allowed */
        { "4294967295", 10, UINT32_MAX, UINT32_MAX },   /* [MS-OCER] ErrorId: 32 bits */
        { "256", 5, 256, 256 },                         /* ICE-19 component-id = 1*5DIGIT, max 256 */
    };
    static const struct { const char *s; unsigned digits; uint64_t max; } bad[] = {
        { "", 5, 65535 }, { "65536", 5, 65535 }, { "123456", 5, 999999 }, { "-1", 5, 65535 },
        { "+1", 5, 65535 }, { " 1", 5, 65535 }, { "1 ", 5, 65535 }, { "1a", 5, 65535 },
        { "0x10", 5, 65535 }, { "4294967296", 10, UINT32_MAX }, { "99999999999", 19, UINT64_MAX },
        { "1\0002", 5, 65535 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        size_t n = strlen(good[i].s);
        char *c = copy_n(good[i].s, n);
        uint32_t v = 7;
        g_assert_true(textscan_dec(c, n, good[i].digits, good[i].max, &v));
        g_assert_cmpuint(v, ==, good[i].v);
        g_free(c);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        size_t n = i == G_N_ELEMENTS(bad) - 1 ? 3 : strlen(bad[i].s);
        char *c = copy_n(bad[i].s, n);
        uint32_t v = 7;
        g_test_message("bad decimal row %zu", i);
        g_assert_false(textscan_dec(c, n, bad[i].digits, bad[i].max, &v));
        g_assert_cmpuint(v, ==, 7);                     /* untouched when refused */
        g_free(c);
    }
    /* The empty prefix is the only refused prefix of a number. */
    uint32_t v;
    g_assert_false(textscan_dec("5", 0, 5, 65535, &v));
    g_assert_false(textscan_dec(NULL, 3, 5, 65535, &v));
    g_assert_true(textscan_port("3478", 4, &v) && v == 3478);
    g_assert_false(textscan_port("70000", 5, &v));
}

static void
test_dec64(void)
{
    uint64_t v = 0;
    g_assert_true(textscan_dec64("18446744073709551615", 20, UINT64_MAX, &v));
    g_assert_cmpuint(v, ==, UINT64_MAX);
    g_assert_true(textscan_dec64("00000000000000000000000480", 26, UINT32_MAX, &v));
    g_assert_cmpuint(v, ==, 480);
    g_assert_false(textscan_dec64("18446744073709551616", 20, UINT64_MAX, &v));    /* 2^64 */
    g_assert_false(textscan_dec64("99999999999999999999", 20, UINT64_MAX, &v));
    g_assert_false(textscan_dec64("4294967296", 10, UINT32_MAX, &v));
    g_assert_false(textscan_dec64("", 0, UINT64_MAX, &v));
    g_assert_false(textscan_dec64("+5", 2, UINT64_MAX, &v));
    g_assert_false(textscan_dec64("5 ", 2, UINT64_MAX, &v));
}

static void
test_hex32(void)
{
    static const struct { const char *s; uint32_t v; } good[] = {
        { "0x0", 0 }, { "0", 0 }, { "80000", 0x80000 }, { "0x4000320", 0x4000320 },
        { "0XfFfFfFfF", 0xFFFFFFFFu }, { "0x00000000FF", 0xFF },
    };
    static const char *const bad[] = { "", "0x", "0X", "x10", "0x1g", "0x100000000", "-1", " 0x1", "0x1 " };
    uint32_t v;
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        size_t n = strlen(good[i].s);
        char *c = copy_n(good[i].s, n);
        g_assert_true(textscan_hex32(c, n, &v));
        g_assert_cmpuint(v, ==, good[i].v);
        g_free(c);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        size_t n = strlen(bad[i]);
        char *c = copy_n(bad[i], n);
        g_test_message("bad hex: '%s'", bad[i]);
        g_assert_false(textscan_hex32(c, n, &v));
        g_free(c);
    }
}

/* ---- addresses ---------------------------------------------------------- */

static void
test_ipv4(void)
{
    static const struct { const char *s; uint8_t b[4]; } good[] = {
        { "0.0.0.0", { 0, 0, 0, 0 } }, { "255.255.255.255", { 255, 255, 255, 255 } },
        { "192.168.66.57", { 192, 168, 66, 57 } }, { "52.114.250.141", { 52, 114, 250, 141 } },
    };
    static const char *const bad[] = {
        "0.830", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.04", "01.2.3.4", "1.2..3", ".1.2.3",
        "1.2.3.", "1.2.3.4 ", "a.b.c.d", "1111.2.3.4", "example.com", "1.2.3.4/24", "1.2.3.4:80",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        size_t n = strlen(good[i].s);
        uint8_t out[16];
        char *c = copy_n(good[i].s, n);
        g_assert_true(textscan_ipv4(c, n, out));
        g_assert_cmpmem(out, 4, good[i].b, 4);
        g_assert_true(textscan_ipv4(c, n, NULL));
        g_assert_cmpuint(textscan_ip(c, n, out), ==, 4);
        g_assert_cmpmem(out, 4, good[i].b, 4);
        for (size_t k = 4; k < 16; k++)
            g_assert_cmpuint(out[k], ==, 0);
        g_free(c);
        /* every shorter prefix is refused, or is another valid address
         * ("192.168.66.5" of "192.168.66.57"): never a crash or an overread */
        for (size_t p = 0; p < n; p++) {
            char *pc = copy_n(good[i].s, p);
            uint8_t fam = textscan_ip(pc, p, out);
            g_assert_true(fam == 0 || (fam == 4 && g_ascii_isdigit(good[i].s[p])));
            g_free(pc);
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        size_t n = strlen(bad[i]);
        uint8_t out[16];
        memset(out, 0xAA, sizeof out);
        char *c = copy_n(bad[i], n);
        g_test_message("bad ipv4: '%s'", bad[i]);
        g_assert_cmpuint(textscan_ip(c, n, out), ==, 0);
        for (size_t k = 0; k < 16; k++)
            g_assert_cmpuint(out[k], ==, 0);            /* zeroed when refused */
        g_free(c);
    }
}

static void
test_ipv6(void)
{
    static const struct { const char *s; uint8_t b[16]; } good[] = {
        { "::", { 0 } },
        { "::1", { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
        { "2001:db8::ff00:42:8329", { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0, 0x42, 0x83, 0x29 } },
        { "::ffff:192.168.1.2", { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 2 } },
        { "1:2:3:4:5:6:1.2.3.4", { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4 } },
        { "2001:0:5ef5:79fd:34b2:244d:fa66:7cf9",
          { 0x20, 0x01, 0, 0, 0x5e, 0xf5, 0x79, 0xfd, 0x34, 0xb2, 0x24, 0x4d, 0xfa, 0x66, 0x7c, 0xf9 } },
    };
    static const char *const bad[] = {
        ":", ":::", "1:2", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "fe80::1%eth0", "[::1]", "1:",
        "g::1", "::ffff:1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "::1 ", "2001:db8::/32",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        size_t n = strlen(good[i].s);
        uint8_t out[16];
        char *c = copy_n(good[i].s, n);
        g_test_message("good ipv6: '%s'", good[i].s);
        g_assert_cmpuint(textscan_ip(c, n, out), ==, 6);
        g_assert_cmpmem(out, 16, good[i].b, 16);
        g_assert_true(textscan_ipv6(c, n, NULL));
        g_free(c);
        for (size_t p = 0; p < n; p++) {
            char *pc = copy_n(good[i].s, p);
            (void)textscan_ip(pc, p, out);          /* any answer; read only [0, p) */
            g_free(pc);
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        size_t n = strlen(bad[i]);
        char *c = copy_n(bad[i], n);
        g_test_message("bad ipv6: '%s'", bad[i]);
        g_assert_cmpuint(textscan_ip(c, n, NULL), ==, 0);
        g_free(c);
    }
    g_assert_cmpuint(textscan_ip(NULL, 4, NULL), ==, 0);
}

/* ---- base64 ------------------------------------------------------------- */

static textscan_b64_status_t
b64(const char *s, size_t n, textscan_b64_mode_t mode, GByteArray *out)
{
    char *c = copy_n(s, n);
    uint8_t *buf = g_malloc(textscan_base64_max_decoded(n));
    size_t len = 99;
    textscan_b64_status_t st = textscan_base64_decode(c, n, mode, buf, &len);
    g_byte_array_set_size(out, 0);
    if (st == TEXTSCAN_B64_OK)
        g_byte_array_append(out, buf, (guint)len);
    else
        g_assert_cmpuint(len, ==, 0);
    /* the check-only call agrees */
    size_t len2 = 99;
    g_assert_cmpint(textscan_base64_decode(c, n, mode, NULL, &len2), ==, st);
    g_assert_cmpuint(len2, ==, st == TEXTSCAN_B64_OK ? out->len : 0);
    g_free(buf);
    g_free(c);
    return st;
}

static void
test_base64_rfc4648(void)
{
    /* RFC 4648 10 test vectors */
    static const struct { const char *b64; const char *text; } rows[] = {
        { "Zg==", "f" }, { "Zm8=", "fo" }, { "Zm9v", "foo" }, { "Zm9vYg==", "foob" },
        { "Zm9vYmE=", "fooba" }, { "Zm9vYmFy", "foobar" },
    };
    GByteArray *out = g_byte_array_new();
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        size_t n = strlen(rows[i].b64);
        g_assert_cmpint(b64(rows[i].b64, n, TEXTSCAN_B64_STRICT, out), ==, TEXTSCAN_B64_OK);
        g_assert_cmpmem(out->data, out->len, rows[i].text, strlen(rows[i].text));
        /* Every shorter prefix: refused unless it ends on a 4-character
         * group without padding, and then it decodes to the bytes so far. */
        for (size_t p = 0; p < n; p++) {
            textscan_b64_status_t st = b64(rows[i].b64, p, TEXTSCAN_B64_STRICT, out);
            if (p == 0) {
                g_assert_cmpint(st, ==, TEXTSCAN_B64_EMPTY);
            } else if (p % 4u != 0) {
                g_assert_cmpint(st, ==, TEXTSCAN_B64_BAD_LENGTH);
            } else {
                g_assert_cmpint(st, ==, TEXTSCAN_B64_OK);
                g_assert_cmpmem(out->data, out->len, rows[i].text, p / 4u * 3u);
            }
        }
    }
    g_byte_array_unref(out);
}

static void
test_base64_strict(void)
{
    static const struct { const char *s; textscan_b64_status_t st; } bad[] = {
        { "", TEXTSCAN_B64_EMPTY },
        { "Zm9v!", TEXTSCAN_B64_BAD_CHAR },
        { "Zm 9v", TEXTSCAN_B64_BAD_CHAR },             /* space: not skipped in STRICT */
        { "Zm-_", TEXTSCAN_B64_BAD_CHAR },              /* the URL-safe alphabet is not base64 */
        { "Zm=v", TEXTSCAN_B64_BAD_PADDING },           /* data after '=' */
        { "Z===", TEXTSCAN_B64_BAD_PADDING },
        { "====", TEXTSCAN_B64_BAD_PADDING },
        { "Zm9", TEXTSCAN_B64_BAD_LENGTH },
        { "Zm9vY", TEXTSCAN_B64_BAD_LENGTH },
        { "==", TEXTSCAN_B64_BAD_LENGTH },
        { "Zm9v\xc3\xa9", TEXTSCAN_B64_BAD_CHAR },
    };
    GByteArray *out = g_byte_array_new();
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_test_message("bad base64: '%s'", bad[i].s);
        g_assert_cmpint(b64(bad[i].s, strlen(bad[i].s), TEXTSCAN_B64_STRICT, out), ==, bad[i].st);
        g_assert_cmpint(b64(bad[i].s, strlen(bad[i].s), TEXTSCAN_B64_SKIP_XML_SPACE, out), ==,
                        i == 2 ? TEXTSCAN_B64_OK : bad[i].st);
    }
    /* A NUL byte is a bad character, not the end of the text. */
    g_assert_cmpint(b64("Zm9v\0Zm9v", 9, TEXTSCAN_B64_STRICT, out), ==, TEXTSCAN_B64_BAD_CHAR);
    /* Unused low bits of the last character are ignored ("Zh==" is "f"). */
    g_assert_cmpint(b64("Zh==", 4, TEXTSCAN_B64_STRICT, out), ==, TEXTSCAN_B64_OK);
    g_assert_cmpmem(out->data, out->len, "f", 1);
    g_assert_cmpint(textscan_base64_decode(NULL, 4, TEXTSCAN_B64_STRICT, NULL, NULL), ==, TEXTSCAN_B64_EMPTY);
    /* the allocating form: NULL for anything that is not strict base64 */
    size_t len = 99;
    uint8_t *dup = textscan_base64_dup("Zm9vYmE=", 8, TEXTSCAN_B64_STRICT, &len);
    g_assert_nonnull(dup);
    g_assert_cmpmem(dup, len, "fooba", 5);
    g_free(dup);
    g_assert_null(textscan_base64_dup("Zm9vYmE", 7, TEXTSCAN_B64_STRICT, &len));
    g_assert_cmpuint(len, ==, 0);
    g_assert_null(textscan_base64_dup("", 0, TEXTSCAN_B64_STRICT, &len));
    g_assert_cmpstr(textscan_b64_status_to_string(TEXTSCAN_B64_BAD_PADDING), ==,
                    "'=' padding before the end, or more than two");
    g_byte_array_unref(out);
}

static void
test_base64_xml_space(void)
{
    /* An MRAS <username> as a pretty-printer may wrap it ([MS-AVEDGEA]
     * 2.2.4.3: xs:base64Binary, whose lexical form allows white space). */
    static const char wrapped[] = "\r\n      AgAAJHuf\r\n\tsTQB2kEy\n  ";
    GByteArray *out = g_byte_array_new();
    g_assert_cmpint(b64(wrapped, strlen(wrapped), TEXTSCAN_B64_SKIP_XML_SPACE, out), ==, TEXTSCAN_B64_OK);
    static const uint8_t want[] = { 0x02, 0x00, 0x00, 0x24, 0x7b, 0x9f, 0xb1, 0x34, 0x01, 0xda, 0x41, 0x32 };
    g_assert_cmpmem(out->data, out->len, want, sizeof want);
    g_assert_cmpint(b64(wrapped, strlen(wrapped), TEXTSCAN_B64_STRICT, out), ==, TEXTSCAN_B64_BAD_CHAR);
    g_assert_cmpint(b64(" \r\n\t ", 5, TEXTSCAN_B64_SKIP_XML_SPACE, out), ==, TEXTSCAN_B64_EMPTY);
    g_assert_cmpint(b64("Zg= =", 5, TEXTSCAN_B64_SKIP_XML_SPACE, out), ==, TEXTSCAN_B64_OK);
    g_assert_cmpmem(out->data, out->len, "f", 1);
    g_byte_array_unref(out);
}

/* ---- problem sets ------------------------------------------------------- */

static void
test_flag(void)
{
    /* A parser's enum: 0 OK, then errors, warnings, notes. */
    enum { OK = 0, ERR_A = 1, ERR_B = 2, WARN = 5, NOTE = 9 };
    uint32_t problems = 0;
    unsigned status = OK;
    status = textscan_flag(&problems, status, OK, NOTE);
    g_assert_cmpuint(status, ==, NOTE);
    status = textscan_flag(&problems, status, OK, WARN);
    g_assert_cmpuint(status, ==, WARN);
    status = textscan_flag(&problems, status, OK, ERR_B);
    status = textscan_flag(&problems, status, OK, NOTE);
    g_assert_cmpuint(status, ==, ERR_B);                /* the most important one stays */
    g_assert_cmpuint(problems, ==, (1u << NOTE) | (1u << WARN) | (1u << ERR_B));
    status = textscan_flag(&problems, status, OK, ERR_A);
    g_assert_cmpuint(status, ==, ERR_A);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/textscan/dec", test_dec);
    g_test_add_func("/textscan/dec64", test_dec64);
    g_test_add_func("/textscan/hex32", test_hex32);
    g_test_add_func("/textscan/ipv4", test_ipv4);
    g_test_add_func("/textscan/ipv6", test_ipv6);
    g_test_add_func("/textscan/base64/rfc4648", test_base64_rfc4648);
    g_test_add_func("/textscan/base64/strict", test_base64_strict);
    g_test_add_func("/textscan/base64/xml-space", test_base64_xml_space);
    g_test_add_func("/textscan/flag", test_flag);
    return g_test_run();
}
