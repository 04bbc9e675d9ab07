/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * textscan.h - the text-scanning helpers every core parser uses (pure C, no
 * epan): strict decimal and hex numbers with range checks, numeric IPv4 and
 * IPv6 text, strict base64, and the problem set each parser keeps.
 *
 * Every function reads exactly the @n bytes it is given (no NUL needed, NUL
 * bytes are just bad characters), allocates nothing and never prints. They
 * are strict on purpose: a parser that wants a leniency (white space around
 * a value, an optional "0x") says so at its call.
 */
#ifndef MSICE_TEXTSCAN_H
#define MSICE_TEXTSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* ---- characters --------------------------------------------------------- */

static inline bool textscan_is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/** textscan_is_blank: SP or HTAB, what separates the fields of an SDP line. */
static inline bool textscan_is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/** textscan_hex_value: 0-15 for a hex digit (any case), -1 otherwise. */
static inline int textscan_hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* ---- tokens ------------------------------------------------------------- */

/**
 * textscan_next_token:
 * The next run of non-blank bytes (textscan_is_blank()) in @s[*@pos, @end):
 * sets *@off and *@len to it and moves *@pos past it. FALSE when only blanks
 * are left (*@pos then is @end).
 */
bool textscan_next_token(const char *s, uint32_t *pos, uint32_t end, uint32_t *off, uint32_t *len);

/** textscan_ieq: @s[0, @n) is @word (NUL-terminated), ASCII case ignored. */
bool textscan_ieq(const char *s, size_t n, const char *word);

/* ---- numbers ------------------------------------------------------------ */

/**
 * textscan_dec:
 * Strict unsigned decimal: 1 to @max_digits ASCII digits and nothing else
 * (no sign, no space), value at most @max (@max_digits at most 19, so the
 * value cannot overflow). Leading zeros are allowed. Returns FALSE and
 * leaves *@out alone otherwise.
 */
bool textscan_dec(const char *s, size_t n, unsigned max_digits, uint64_t max, uint32_t *out);

/**
 * textscan_dec64:
 * Strict unsigned decimal of any length (leading zeros allowed): digits
 * only, value at most @max; FALSE on any other byte, on no digit, and when
 * the value does not fit 64 bits.
 */
bool textscan_dec64(const char *s, size_t n, uint64_t max, uint64_t *out);

/** textscan_port: textscan_dec() of a UDP/TCP port: 1-5 digits, 0-65535. */
bool textscan_port(const char *s, size_t n, uint32_t *out);

/**
 * textscan_hex32:
 * Hex, "0x"/"0X" optional, at least one digit, fits 32 bits (leading zeros
 * allowed, so "0x00000000FF" is 255).
 */
bool textscan_hex32(const char *s, size_t n, uint32_t *out);

/* ---- addresses ---------------------------------------------------------- */

/**
 * textscan_ipv4:
 * Dotted quad, each octet 1-3 digits without leading zeros, 0-255; nothing
 * before or after. @out (4 bytes, network order) may be NULL.
 */
bool textscan_ipv4(const char *s, size_t n, uint8_t *out);

/**
 * textscan_ipv6:
 * RFC 4291 2.2 text: groups of 1-4 hex digits, at most one "::", optional
 * dotted-quad tail. No zone id (%eth0), no brackets, no prefix length.
 * @out (16 bytes, network order) may be NULL.
 */
bool textscan_ipv6(const char *s, size_t n, uint8_t *out);

/**
 * textscan_ip:
 * IPv6 when the text has a ':', else IPv4. Returns 4 or 6, or 0 when @s is
 * not a numeric address (host names included). @out (16 bytes) may be NULL;
 * otherwise it is zeroed first and an IPv4 address fills its first 4 bytes.
 */
uint8_t textscan_ip(const char *s, size_t n, uint8_t *out);

/* ---- base64 ------------------------------------------------------------- */

/** textscan_b64_mode_t: what else may stand between the base64 characters. */
typedef enum {
    TEXTSCAN_B64_STRICT = 0,        /* nothing: one token */
    TEXTSCAN_B64_SKIP_XML_SPACE,    /* SP, HTAB, CR, LF anywhere (XML element text) */
} textscan_b64_mode_t;

/** The most bytes @n characters of base64 decode to. */
static inline size_t textscan_base64_max_decoded(size_t n)
{
    return n / 4u * 3u + 3u;
}

/**
 * textscan_base64_decode:
 * @s, @n: base64 text (RFC 4648 4: A-Z a-z 0-9 + /, '=' padding to a
 *   multiple of 4 characters, at most two '=' and only at the end).
 * @mode: which white space is skipped.
 * @out: (nullable): room for textscan_base64_max_decoded(@n) bytes; NULL
 *   only checks the text.
 * @out_len: (out) (optional): bytes decoded (0 unless TEXTSCAN_B64_OK).
 *
 * Unlike g_base64_decode(), which skips any byte outside the alphabet, a
 * single bad byte fails the whole text: a credential that is not base64 is
 * not silently turned into other bytes. The unused low bits of the last
 * character before '=' are ignored, as every decoder does.
 *
 * Returns: TEXTSCAN_B64_OK, or the first problem found.
 */
textscan_b64_status_t textscan_base64_decode(const char *s, size_t n, textscan_b64_mode_t mode, uint8_t *out,
                                             size_t *out_len);

/**
 * textscan_base64_dup:
 * textscan_base64_decode() into a new buffer.
 * Returns: (transfer full) (nullable): the decoded bytes (at least one;
 * free with g_free()), NULL when the text is not strict base64. *@out_len
 * is set to their number (0 with NULL).
 */
uint8_t *textscan_base64_dup(const char *s, size_t n, textscan_b64_mode_t mode, size_t *out_len);

/* ---- the problems a parser saw ------------------------------------------- */

/**
 * textscan_flag:
 * Adds problem @s to the set *@problems (bit 1 << @s; @s below 32) and
 * returns the parser's new overall status: @s when @status is @ok or when
 * @s is lower (more important: status enums list errors, then warnings,
 * then notes), else @status. Every parser keeps its status this way.
 */
static inline unsigned textscan_flag(uint32_t *problems, unsigned status, unsigned ok, unsigned s)
{
    *problems |= 1u << s;
    return (status == ok || s < status) ? s : status;
}

#endif /* MSICE_TEXTSCAN_H */
