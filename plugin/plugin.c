/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugin.c - entry point of msice.so.
 *
 * plugin_version, plugin_want_major/minor and plugin_register() are what
 * every supported version looks for; from 4.2 on plugin_describe() also says
 * what kind of plugin this is (without it `tshark -G plugins` lists the type
 * as "unknown").
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>

#include "msice-int.h"

#ifndef MSICE_VERSION
#define MSICE_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = MSICE_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#ifdef MSICE_HAVE_PLUGIN_DESCRIBE
#include <wsutil/plugins.h>

WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif

static void
register_protocols(void)
{
    proto_register_msturn();
    proto_register_msice();
    proto_register_mras();
}

static void
register_handoffs(void)
{
    proto_reg_handoff_msturn();
    proto_reg_handoff_msice();
    proto_reg_handoff_mras();
}

void
plugin_register(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = register_protocols;
    plug.register_handoff = register_handoffs;
    proto_register_plugin(&plug);
}
