/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xmlspan.h - where things are in the raw bytes of an XML body (pure C, no
 * epan).
 *
 * GMarkup (mras.c) reads an MRAS body but reports no byte offsets. These
 * functions find the bytes of an element, of an attribute value and of a
 * text value by a structural search over the raw body, so that the epan
 * layer can highlight the bytes of each item. They do not parse XML: no
 * entity is expanded, no well-formedness is checked (mras.c does that);
 * each answer is "these bytes", with a status saying how sure it is.
 *
 * All spans are {offset, length} relative to the start of the buffer. The
 * functions read only [0, len) of it (no NUL needed) and allocate nothing.
 * Every search is linear in the range searched.
 */
#ifndef MSICE_XMLSPAN_H
#define MSICE_XMLSPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Largest buffer searched at all (spans are 32-bit; an MRAS body is read
 * only up to 64 KiB by mras.c). More: XMLSPAN_TOO_LARGE. */
#define XMLSPAN_MAX_LEN (16u * 1024u * 1024u)

/** xmlspan_span_t: bytes [offset, offset + length) of the buffer. */
typedef struct {
    uint32_t offset;
    uint32_t length;
} xmlspan_span_t;

/** xmlspan_elem_t: one element found in the buffer. */
typedef struct {
    xmlspan_span_t all;       /* '<' up to the end of the close tag (or of the range) */
    xmlspan_span_t stag;      /* the start tag, '<' to '>' */
    xmlspan_span_t content;   /* between the start tag and the close tag */
} xmlspan_elem_t;

/** xmlspan_span_make: [from, to), empty when to <= from. */
static inline xmlspan_span_t xmlspan_span_make(uint32_t from, uint32_t to)
{
    xmlspan_span_t s = { from, to > from ? to - from : 0 };
    return s;
}

/**
 * xmlspan_found:
 * TRUE when a function put its answer in its output (OK, an UNCLOSED_*
 * case, NOT_VERBATIM, EMPTY); FALSE when nothing was found or searched.
 */
static inline bool xmlspan_found(xmlspan_status_t st)
{
    return st != XMLSPAN_NOT_FOUND && st != XMLSPAN_TOO_LARGE && st != XMLSPAN_BAD_RANGE &&
           st < XMLSPAN_STATUS_COUNT;
}

/**
 * xmlspan_find_element:
 * @buf, @len: the body.
 * @range: where to look; the element must start in it and is cut at its end.
 * @local: the local name ("mediaRelay" matches <mediaRelay> and <m:mediaRelay>).
 * @out: (out): set when xmlspan_found().
 *
 * The first element named @local starting in @range. Nested elements of the
 * same name are not followed (none of the MRAS elements nests in itself):
 * the first close tag with that local name ends it.
 *
 * Returns: XMLSPAN_OK for a complete element (or an empty-element tag
 * <x/>); XMLSPAN_UNCLOSED_TAG when its start tag has no '>' in @range (all
 * and stag run to the end of @range, content is empty there);
 * XMLSPAN_UNCLOSED_ELEMENT when no complete close tag follows (content and
 * all run to the end of @range); XMLSPAN_NOT_FOUND, XMLSPAN_TOO_LARGE,
 * XMLSPAN_BAD_RANGE.
 */
xmlspan_status_t xmlspan_find_element(const uint8_t *buf, size_t len, xmlspan_span_t range, const char *local,
                                      xmlspan_elem_t *out);

/**
 * xmlspan_attr:
 * @stag: a start tag (xmlspan_elem_t.stag).
 * @name: the attribute name as written, without prefix ("requestID"; a
 *   prefixed "x:requestID" matches too).
 * @out: (out): the raw value between the quotes, when xmlspan_found().
 *
 * Returns: XMLSPAN_OK; XMLSPAN_UNCLOSED_VALUE when the closing quote is
 * missing (the value runs to the end of @stag); XMLSPAN_NOT_FOUND when no
 * attribute @name with a quoted value is in the tag.
 */
xmlspan_status_t xmlspan_attr(const uint8_t *buf, size_t len, xmlspan_span_t stag, const char *name,
                              xmlspan_span_t *out);

/**
 * xmlspan_text:
 * @content: an element's content.
 * @value: (nullable): the text GMarkup read there (entities expanded).
 * @out: (out): always set.
 *
 * Returns: XMLSPAN_OK when @value stands in @content as written (*out: its
 * first occurrence); XMLSPAN_NOT_VERBATIM when it does not (entities,
 * CDATA, or no @value): *out is the content without surrounding XML white
 * space; XMLSPAN_EMPTY when the content is blank: *out is @content.
 */
xmlspan_status_t xmlspan_text(const uint8_t *buf, size_t len, xmlspan_span_t content, const char *value,
                              xmlspan_span_t *out);

/**
 * xmlspan_leaf:
 * The text of the first element @local in @parent, as xmlspan_text(); for a
 * blank element (XMLSPAN_EMPTY) *out is the whole element. Returns the
 * element's status instead when it is not found (XMLSPAN_NOT_FOUND, ...:
 * *out not set).
 */
xmlspan_status_t xmlspan_leaf(const uint8_t *buf, size_t len, xmlspan_span_t parent, const char *local,
                              const char *value, xmlspan_span_t *out);

/**
 * xmlspan_walker_t:
 * Walks a run of sibling elements in document order: each search starts
 * where the previous element ended, so that repeated values (two relays on
 * port 3478) land on the right occurrence. Lives on the caller's stack.
 */
typedef struct {
    xmlspan_span_t scope;
    uint32_t       cursor;
} xmlspan_walker_t;

void xmlspan_walker_init(xmlspan_walker_t *w, xmlspan_span_t scope);

/**
 * xmlspan_walker_next:
 * The next element @local after the previous one, as
 * xmlspan_find_element(). When none is left (or the walk is done), every
 * span of *@out is the walker's scope and XMLSPAN_NOT_FOUND is returned.
 */
xmlspan_status_t xmlspan_walker_next(const uint8_t *buf, size_t len, xmlspan_walker_t *w, const char *local,
                                     xmlspan_elem_t *out);

#endif /* MSICE_XMLSPAN_H */
