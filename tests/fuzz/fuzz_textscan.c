/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_textscan.c - libFuzzer harness for the shared text scanners: every
 * number, address and base64 reader on the input (an exact-size heap copy,
 * so ASan catches any read past it), with their documented invariants: a
 * refused number leaves its output alone, a refused address is zeroed, a
 * decoded base64 fits its bound and the check-only call agrees with it.
 * Once per process: the text of every value of every status enum of the
 * core (status.c), and of one value past each.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "status.h"
#include "textscan.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void
base64(const char *s, size_t n, textscan_b64_mode_t mode)
{
    size_t len = 1, len2 = 1;
    uint8_t *out = malloc(textscan_base64_max_decoded(n));
    if (!out)
        return;
    textscan_b64_status_t st = textscan_base64_decode(s, n, mode, out, &len);
    CHECK(st < TEXTSCAN_B64_STATUS_COUNT);
    CHECK(textscan_base64_decode(s, n, mode, NULL, &len2) == st && len2 == len);
    CHECK(st == TEXTSCAN_B64_OK ? (len > 0 && len <= n / 4u * 3u) : len == 0);
    (void)textscan_b64_status_to_string(st);
    size_t dlen = 7;
    uint8_t *dup = textscan_base64_dup(s, n, mode, &dlen);
    CHECK((dup != NULL) == (st == TEXTSCAN_B64_OK) && dlen == len);
    if (dup) {
        CHECK(memcmp(dup, out, len) == 0);
        /* strict base64 encodes back to itself, but for the unused low bits */
        gchar *again = g_base64_encode(dup, len);
        CHECK(strlen(again) == (len + 2u) / 3u * 4u);
        g_free(again);
    }
    g_free(dup);
    free(out);
}

/* Each enum's names: present, and "unknown ..." only past the end. */
#define SWEEP(fn, type, count)                                            \
    for (int i = 0; i <= (int)(count); i++) {                             \
        const char *txt = fn((type)i);                                    \
        CHECK(txt && txt[0] && (i == (int)(count)) == !strncmp(txt, "unknown", 7)); \
    }

static void
status_once(void)
{
    SWEEP(msturn_status_to_string, msturn_status_t, MSTURN_STATUS_COUNT);
    SWEEP(msturn_val_status_to_string, msturn_val_status_t, MSTURN_VAL_STATUS_COUNT);
    SWEEP(msturn_integrity_to_string, msturn_integrity_t, MSTURN_INTEGRITY_COUNT);
    SWEEP(icecand_status_to_string, icecand_status_t, ICECAND_STATUS_COUNT);
    SWEEP(mras_status_to_string, mras_status_t, MRAS_STATUS_COUNT);
    SWEEP(mras_check_to_string, mras_check_t, MRAS_CHECK_COUNT);
    SWEEP(msdiag_status_to_string, msdiag_status_t, MSDIAG_STATUS_COUNT);
    SWEEP(textscan_b64_status_to_string, textscan_b64_status_t, TEXTSCAN_B64_STATUS_COUNT);
    SWEEP(xmlspan_status_to_string, xmlspan_status_t, XMLSPAN_STATUS_COUNT);
    SWEEP(sipscan_status_to_string, sipscan_status_t, SIPSCAN_STATUS_COUNT);
    SWEEP(sdpline_status_to_string, sdpline_status_t, SDPLINE_STATUS_COUNT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int done;
    if (!done++)
        status_once();
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    memcpy(s, data, size);

    uint32_t v = 0xDEADBEEFu;
    if (!textscan_dec(s, size, 10, UINT32_MAX, &v))
        CHECK(v == 0xDEADBEEFu);
    if (textscan_port(s, size, &v))
        CHECK(v <= 65535u && size >= 1 && size <= 5);
    uint64_t v64 = 0;
    if (textscan_dec64(s, size, UINT64_MAX, &v64))
        CHECK(size >= 1);
    v = 0xDEADBEEFu;
    if (!textscan_hex32(s, size, &v))
        CHECK(v == 0xDEADBEEFu);

    uint8_t addr[16];
    uint8_t fam = textscan_ip(s, size, addr);
    CHECK(fam == 0 || fam == 4 || fam == 6);
    if (fam == 0)
        for (unsigned i = 0; i < 16; i++)
            CHECK(addr[i] == 0);
    if (fam == 4)
        CHECK(textscan_ipv4(s, size, NULL) && !memchr(s, ':', size));
    if (fam == 6)
        CHECK(textscan_ipv6(s, size, NULL));

    base64(s, size, TEXTSCAN_B64_STRICT);
    base64(s, size, TEXTSCAN_B64_SKIP_XML_SPACE);
    free(s);
    return 0;
}
