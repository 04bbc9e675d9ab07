/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdpline.h - SDP connection (c=) and media (m=) lines (pure C, no epan).
 *
 * Input: one SDP line as the body holds it, "c=IN IP4 10.0.0.1" or
 * "m=audio 50000 RTP/SAVP 0 8", without its line end, not NUL terminated.
 * The per-call model takes each media line's default address from them:
 * the c= address (media level, else session level) and the m= port.
 *
 * sdpline_parse() fills an sdpline_t: values plus an {offset, length} span
 * per field, relative to the start of the line, so the epan layer can
 * highlight exact bytes. Nothing is allocated; the result lives on the
 * caller's stack. A problem in one field does not stop the parse: a bad
 * port still gives the media type. sdpline_t.status names the most
 * important problem and sdpline_t.problems has one bit per problem seen.
 */
#ifndef MSICE_SDPLINE_H
#define MSICE_SDPLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Longest line read at all (a SIP message over UDP is at most 64 KiB). */
#define SDPLINE_MAX_LEN 65535u

/** sdpline_kind_t: which line it is. */
typedef enum {
    SDPLINE_KIND_NONE = 0,
    SDPLINE_KIND_CONNECTION,    /* c= (RFC 4566 5.7) */
    SDPLINE_KIND_MEDIA,         /* m= (RFC 4566 5.14) */
} sdpline_kind_t;

/** sdpline_span_t: bytes [offset, offset + length) of the line. */
typedef struct {
    uint32_t offset;
    uint32_t length;            /* 0: absent */
} sdpline_span_t;

/**
 * sdpline_t:
 * Result of sdpline_parse(). With SDPLINE_NOT_CM only kind, status and
 * problems are set; otherwise every field is set, absent ones zeroed.
 */
typedef struct {
    sdpline_kind_t   kind;
    sdpline_status_t status;    /* most important problem: the lowest value seen */
    uint32_t         problems;  /* bit (1u << s) per status s seen */

    /* c=<nettype> <addrtype> <connection-address> */
    sdpline_span_t   nettype;   /* "IN" */
    sdpline_span_t   addrtype;  /* "IP4", "IP6" */
    sdpline_span_t   address;   /* the token as written, "/ttl" included */
    uint8_t          family;    /* 4 or 6; 0 when the address could not be read */
    uint8_t          addr[16];  /* network order; 4 used for IPv4 */

    /* m=<media> <port>[/<number of ports>] <proto> <fmt> ... */
    sdpline_span_t   media;     /* "audio", "video", "applicationsharing" */
    sdpline_span_t   port_span; /* the port token as written, "/n" included */
    bool             port_valid;
    uint16_t         port;      /* meaningful only when port_valid */
    uint32_t         n_ports;   /* "/<n>"; 1 when absent or bad */
    sdpline_span_t   proto;     /* "RTP/SAVP" */
    sdpline_span_t   fmts;      /* the format list, "0 8 101" */
} sdpline_t;

/**
 * sdpline_parse:
 * @line: the whole line, "c=..." or "m=...", without CR/LF (may be NULL when
 *   @len is 0).
 * @len: bytes at @line.
 * @out: filled in; out->status is also returned.
 *
 * Fields are split on runs of SP/HTAB (RFC 4566 says one SP; real stacks
 * add more). Returns SDPLINE_NOT_CM for any other line after looking at two
 * bytes.
 */
sdpline_status_t sdpline_parse(const char *line, size_t len, sdpline_t *out);

/** sdpline_body_line_t: one line of an SDP body (sdpline_next_line()). */
typedef struct {
    uint32_t offset;   /* of its first byte in the body */
    uint32_t length;   /* without the line end */
    uint32_t next;     /* where the next line starts (after CR LF, LF or CR) */
    char     type;     /* the letter of a "<type>=" line ('v', 'a', 'c', 'm', ...); 0: no "x=" */
} sdpline_body_line_t;

/**
 * sdpline_next_line:
 * @body, @len: the SDP body.
 * @off: where the line starts.
 * @out: (out): the line.
 *
 * Splits the body into lines as RFC 4566 5 writes them (CR LF; a bare LF,
 * or a bare CR, ends a line too, as real stacks send); a last line without
 * a line end runs to the end of the body. Returns false when @off is at or
 * past the end of the body (no line).
 */
bool sdpline_next_line(const char *body, size_t len, size_t off, sdpline_body_line_t *out);

/** sdpline_has_problem: TRUE when @status was seen while parsing @l. */
static inline bool sdpline_has_problem(const sdpline_t *l, sdpline_status_t status)
{
    return status < SDPLINE_STATUS_COUNT && (l->problems & (1u << status)) != 0;
}

/** sdpline_status_is_error: TRUE for TOO_LONG .. BAD_ADDRESS. */
static inline bool sdpline_status_is_error(sdpline_status_t status)
{
    return status >= SDPLINE_TOO_LONG && status <= SDPLINE_BAD_ADDRESS;
}

#endif /* MSICE_SDPLINE_H */
