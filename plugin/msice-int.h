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


#endif /* MSICE_INT_H */
