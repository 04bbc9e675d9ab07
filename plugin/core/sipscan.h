/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipscan.h - the SIP message around a body or a header value (pure C, no
 * epan).
 *
 * An SDP body or a diagnostics header value reaches the plugin without the
 * SIP message it belongs to. Which call it is (Call-ID, From, To) and which
 * message carries it (method or status code) is read from the text lines
 * around it: the epan layer hands over a window of the SIP message's bytes
 * (at most SIPSCAN_WINDOW each way) and gets back spans into that window.
 * Every byte may be hostile: nothing is read outside the window, nothing is
 * allocated, every loop ends with the window.
 *
 * Values are spans as a C string would see them: a NUL byte ends a value
 * (the epan layer copies them with wmem_strndup(), which stops there too).
 */
#ifndef MSICE_SIPSCAN_H
#define MSICE_SIPSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* How far the epan layer looks back (to the start line) and forward (to
 * the blank line), from the body or the header value. */
#define SIPSCAN_WINDOW     16384u
/* Largest window scanned at all: both sides plus a header value of 64 KiB
 * (a SIP message over UDP); more gives SIPSCAN_TOO_LARGE. */
#define SIPSCAN_MAX_WINDOW (2u * SIPSCAN_WINDOW + 65536u)

/** sipscan_span_t: bytes [offset, offset + length) of the window. */
typedef struct {
    uint32_t offset;
    uint32_t length;
} sipscan_span_t;

/**
 * sipscan_context_t:
 * What sipscan_context_of_*() found. A has_* flag says the header (or the
 * start line) was there, even with an empty value ("Call-ID: " gives an
 * empty call_id); a tag or CSeq only when it could be read. The first
 * Call-ID, From, To and readable CSeq met win.
 */
typedef struct {
    sipscan_status_t status;     /* most important problem (lowest value seen) */
    uint32_t         problems;   /* bit (1u << s) per status s seen */
    bool             has_call_id;
    sipscan_span_t   call_id;    /* Call-ID (or "i") value, trailing blanks trimmed */
    bool             has_from;
    sipscan_span_t   from_uri;   /* URI of From (or "f"): inside <...>, else up to ';' */
    bool             has_to;
    sipscan_span_t   to_uri;     /* URI of To (or "t") */
    bool             has_from_tag;
    sipscan_span_t   from_tag;   /* tag parameter of From (RFC 3261 20.20); not empty */
    bool             has_to_tag;
    sipscan_span_t   to_tag;     /* tag parameter of To (20.39): set once the dialog exists */
    bool             has_cseq;
    uint32_t         cseq;       /* "CSeq: 1 INVITE": 1 (20.16) */
    sipscan_span_t   cseq_method;/* and "INVITE" */
    bool             has_message;
    sipscan_span_t   message;    /* "INVITE", "SERVICE", "200", ... */
    bool             fallback;   /* body only: its multipart part says ms-proxy-2007fallback */
} sipscan_context_t;

/**
 * sipscan_start_line:
 * @line, @len: one line without its line end.
 * @message: (out): the method or the status code, when TRUE.
 *
 * Is this the SIP start line? Bytes in front of the first line of a
 * datagram or segment are transport headers, so the line is matched from
 * its end: "SIP/2.0 200 OK" (status) or "INVITE sip:bob@example.com
 * SIP/2.0" (request; the longest known method the run of capitals ends
 * with, since a transport header byte may pass for a capital). A header
 * line ("Name: ...") never is one. RFC 3261 7.1, 7.2.
 */
bool sipscan_start_line(const char *line, size_t len, sipscan_span_t *message);

/**
 * sipscan_context_of_header:
 * @w, @wlen: the window of the SIP message.
 * @value_off, @value_len: the header value inside the window.
 * @out: (out): filled in; out->status is also returned.
 *
 * Reads backwards from the line holding the value to the start line, and
 * forwards from the line after it to the blank line that ends the headers;
 * stops at a line that is not text (transport bytes) and at a blank line.
 */
sipscan_status_t sipscan_context_of_header(const char *w, size_t wlen, size_t value_off, size_t value_len,
                                           sipscan_context_t *out);

/**
 * sipscan_context_of_body:
 * @w, @wlen: the bytes in front of the body (the body starts at @wlen).
 * @out: (out): filled in; out->status is also returned.
 *
 * Reads the lines in front of the body, nearest first: the part headers of
 * a multipart body (up to its boundary line; Content-Disposition tells an
 * ms-proxy-2007fallback part, [MS-SIPRE] 2.2.14), then the SIP headers up
 * to the start line.
 */
sipscan_status_t sipscan_context_of_body(const char *w, size_t wlen, sipscan_context_t *out);

#endif /* MSICE_SIPSCAN_H */
