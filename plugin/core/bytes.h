/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bytes.h - big-endian reads of packet bytes, one implementation for the core
 * (msturn_rd16/msturn_rd32 are these). The caller checks bounds. */
#ifndef MSICE_BYTES_H
#define MSICE_BYTES_H

#include <stdint.h>

static inline uint16_t
bytes_rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
bytes_rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

#endif /* MSICE_BYTES_H */
