/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msice-int.h - declarations shared inside the epan layer of the plugin.
 */
#ifndef MSICE_INT_H
#define MSICE_INT_H

#include <wireshark.h>
#include <epan/packet.h>

/* packet-msice.c */
void proto_register_msice(void);
void proto_reg_handoff_msice(void);

/* packet-msturn.c */
void proto_register_msturn(void);
void proto_reg_handoff_msturn(void);

/* packet-mras.c */
void proto_register_mras(void);
void proto_reg_handoff_mras(void);

/*
 * mras_lookup_password:
 * @turn_username: an MS-TURN USERNAME attribute value, i.e. the
 *   base64-decoded bytes of an MRAS <username>.
 * @len: bytes at @turn_username.
 * @password_b64: (out) (transfer none): the MRAS <password> text (base64, as
 *   in the XML), valid while the capture file is open (wmem_file_scope).
 *
 * Returns: TRUE when an MRAS response of this capture granted this user
 * name. Filled as MRAS responses are dissected on the first pass, so on the
 * first pass only responses in earlier frames are known; the first
 * response with a given user name wins.
 */
gboolean mras_lookup_password(const guint8 *turn_username, size_t len, const char **password_b64);

#endif /* MSICE_INT_H */
