/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <glib.h>
#include "msturn.h"

static void
test_placeholder_build(void)
{
    msturn_msg_t m;
    g_assert_cmpint(msturn_parse(NULL, 0, &m), ==, MSTURN_TOO_SHORT);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/msturn/too-short", test_placeholder_build);
    return g_test_run();
}
