/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * textscan.c - numbers, addresses and base64 in text, for every core
 * parser. See textscan.h.
 *
 * References: RFC 4291 2.2 (IPv6 text), RFC 4648 4 (base64), RFC 3986 3.2.2
 * (dotted-decimal IPv4: no leading zeros, which would read as octal in
 * inet_aton).
 */
#include "textscan.h"

#include <string.h>

#include <glib.h>

/* ---- tokens ------------------------------------------------------------- */

bool
textscan_next_token(const char *s, uint32_t *pos, uint32_t end, uint32_t *off, uint32_t *len)
{
    uint32_t p = *pos;
    while (p < end && textscan_is_blank(s[p]))
        p++;
    *pos = p;
    if (p >= end)
        return false;
    uint32_t start = p;
    while (p < end && !textscan_is_blank(s[p]))
        p++;
    *off = start;
    *len = p - start;
    *pos = p;
    return true;
}

bool
textscan_ieq(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && g_ascii_strncasecmp(s, word, n) == 0;
}

/* ---- numbers ------------------------------------------------------------ */

bool
textscan_dec(const char *s, size_t n, unsigned max_digits, uint64_t max, uint32_t *out)
{
    if (s == NULL || n == 0 || n > max_digits || max_digits > 19u)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!textscan_is_digit(s[i]))
            return false;
        v = v * 10u + (uint64_t)(s[i] - '0');
    }
    if (v > max || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

bool
textscan_dec64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    if (s == NULL || n == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!textscan_is_digit(s[i]))
            return false;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10u)
            return false;           /* does not fit 64 bits */
        v = v * 10u + d;
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

bool
textscan_port(const char *s, size_t n, uint32_t *out)
{
    return textscan_dec(s, n, 5, 65535u, out);
}

bool
textscan_hex32(const char *s, size_t n, uint32_t *out)
{
    size_t i = 0;
    if (s == NULL)
        return false;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    if (i == n)
        return false;
    uint32_t v = 0;
    for (; i < n; i++) {
        int h = textscan_hex_value(s[i]);
        if (h < 0 || v > 0x0FFFFFFFu)
            return false;
        v = (v << 4) | (uint32_t)h;
    }
    *out = v;
    return true;
}

/* ---- addresses ---------------------------------------------------------- */

bool
textscan_ipv4(const char *s, size_t n, uint8_t *out)
{
    uint8_t b[4];
    size_t i = 0;
    if (s == NULL || n < 7 || n > 15)
        return false;
    for (unsigned part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && textscan_is_digit(s[i]) && i - start < 3) {
            v = v * 10u + (unsigned)(s[i] - '0');
            i++;
        }
        size_t digits = i - start;
        if (digits == 0 || v > 255u || (digits > 1 && s[start] == '0'))
            return false;
        b[part] = (uint8_t)v;
    }
    if (i != n)
        return false;
    if (out)
        memcpy(out, b, 4);
    return true;
}

bool
textscan_ipv6(const char *s, size_t n, uint8_t *out)
{
    uint16_t words[8];
    unsigned nw = 0;
    int gap = -1;               /* index in words[] where "::" stands */
    size_t i = 0;

    if (s == NULL || n < 2 || n > 45)   /* 45: longest form with a dotted-quad tail */
        return false;
    if (s[0] == ':') {
        if (s[1] != ':')
            return false;
        gap = 0;
        i = 2;
    }
    while (i < n) {
        size_t start = i;
        unsigned v = 0;
        int h;
        while (i < n && i - start < 5 && (h = textscan_hex_value(s[i])) >= 0) {
            v = (v << 4) | (unsigned)h;
            i++;
        }
        if (i < n && s[i] == '.') {
            uint8_t q[4];
            if (nw > 6 || !textscan_ipv4(s + start, n - start, q))
                return false;
            words[nw++] = (uint16_t)((q[0] << 8) | q[1]);
            words[nw++] = (uint16_t)((q[2] << 8) | q[3]);
            break;
        }
        if (i == start || i - start > 4 || nw == 8)
            return false;
        words[nw++] = (uint16_t)v;
        if (i == n)
            break;
        if (s[i] != ':')
            return false;
        i++;
        if (i < n && s[i] == ':') {
            if (gap >= 0)
                return false;
            gap = (int)nw;
            i++;
        } else if (i == n) {
            return false;       /* a single trailing ':' */
        }
    }
    if (gap < 0 ? nw != 8 : nw > 7)
        return false;
    if (!out)
        return true;
    memset(out, 0, 16);
    unsigned head = gap < 0 ? nw : (unsigned)gap;
    for (unsigned k = 0; k < head; k++) {
        out[2 * k] = (uint8_t)(words[k] >> 8);
        out[2 * k + 1] = (uint8_t)words[k];
    }
    unsigned tail = nw - head;
    for (unsigned k = 0; k < tail; k++) {
        unsigned w = 8 - tail + k;
        out[2 * w] = (uint8_t)(words[head + k] >> 8);
        out[2 * w + 1] = (uint8_t)words[head + k];
    }
    return true;
}

uint8_t
textscan_ip(const char *s, size_t n, uint8_t *out)
{
    uint8_t family = 0;
    if (out)
        memset(out, 0, 16);
    if (s == NULL || n == 0)
        return 0;
    if (memchr(s, ':', n))
        family = textscan_ipv6(s, n, out) ? 6 : 0;
    else
        family = textscan_ipv4(s, n, out) ? 4 : 0;
    if (!family && out)
        memset(out, 0, 16);
    return family;
}

/* ---- base64 ------------------------------------------------------------- */

/* RFC 4648 4: the 6-bit value of a base64 character, -1 otherwise. */
static int
b64_value(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

static bool
b64_skipped(char ch, textscan_b64_mode_t mode)
{
    return mode == TEXTSCAN_B64_SKIP_XML_SPACE && (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n');
}

textscan_b64_status_t
textscan_base64_decode(const char *s, size_t n, textscan_b64_mode_t mode, uint8_t *out, size_t *out_len)
{
    size_t chars = 0, pad = 0, o = 0;
    uint32_t acc = 0;

    if (out_len)
        *out_len = 0;
    if (s == NULL)
        n = 0;
    /* First pass: the text is base64 as a whole, or nothing is written. */
    for (size_t i = 0; i < n; i++) {
        if (b64_skipped(s[i], mode))
            continue;
        if (s[i] == '=') {
            pad++;
        } else if (b64_value(s[i]) < 0) {
            return TEXTSCAN_B64_BAD_CHAR;
        } else if (pad > 0) {
            return TEXTSCAN_B64_BAD_PADDING;    /* data after '=' */
        }
        chars++;
    }
    if (chars == 0)
        return TEXTSCAN_B64_EMPTY;
    if (pad > 2)
        return TEXTSCAN_B64_BAD_PADDING;
    if (chars % 4u != 0)
        return TEXTSCAN_B64_BAD_LENGTH;

    /* Second pass: 4 characters -> 3 bytes; '=' ends the data. */
    unsigned have = 0;
    for (size_t i = 0; i < n; i++) {
        if (b64_skipped(s[i], mode))
            continue;
        if (s[i] == '=')
            break;
        acc = (acc << 6) | (uint32_t)b64_value(s[i]);
        if (++have == 4) {
            if (out) {
                out[o] = (uint8_t)(acc >> 16);
                out[o + 1] = (uint8_t)(acc >> 8);
                out[o + 2] = (uint8_t)acc;
            }
            o += 3;
            acc = 0;
            have = 0;
        }
    }
    /* 2 or 3 characters before the padding: 1 or 2 more bytes. */
    if (have == 2) {
        if (out)
            out[o] = (uint8_t)(acc >> 4);
        o += 1;
    } else if (have == 3) {
        if (out) {
            out[o] = (uint8_t)(acc >> 10);
            out[o + 1] = (uint8_t)(acc >> 2);
        }
        o += 2;
    }
    if (out_len)
        *out_len = o;
    return TEXTSCAN_B64_OK;
}

uint8_t *
textscan_base64_dup(const char *s, size_t n, textscan_b64_mode_t mode, size_t *out_len)
{
    size_t len = 0;
    g_return_val_if_fail(out_len != NULL, NULL);
    *out_len = 0;
    if (textscan_base64_decode(s, n, mode, NULL, NULL) != TEXTSCAN_B64_OK)
        return NULL;
    uint8_t *out = g_malloc(textscan_base64_max_decoded(n));
    textscan_base64_decode(s, n, mode, out, &len);
    *out_len = len;
    return out;
}
