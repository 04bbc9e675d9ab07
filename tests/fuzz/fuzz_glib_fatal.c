/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_glib_fatal.c - linked into every fuzz target: any GLib (or other
 * g_log) message of level warning, critical or error aborts the run, so
 * libFuzzer reports it as a crash and saves the input. GLib's default is to
 * print and go on, which let "GError set over the top of a previous GError"
 * (issue 13) pass unnoticed. abort() rather than GLib's own fatal path:
 * that raises SIGTRAP, which libFuzzer does not catch, so the input would
 * be lost.
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#define FATAL_LEVELS (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)

static void
on_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
    (void)data;
    if ((level & FATAL_LEVELS) == 0)
        return;
    fprintf(stderr, "fuzz: fatal GLib log (%s, level 0x%x): %s\n", domain ? domain : "-",
            (unsigned)(level & G_LOG_LEVEL_MASK), message ? message : "");
    abort();
}

/* g_log_structured() callers (GLib built with G_LOG_USE_STRUCTURED) bypass
 * the handler above and reach the writer. */
static GLogWriterOutput
on_structured(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
    (void)data;
    if ((level & FATAL_LEVELS) == 0)
        return G_LOG_WRITER_HANDLED;
    const char *domain = NULL, *message = NULL;
    for (gsize i = 0; i < n_fields; i++) {
        if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
            domain = fields[i].value;
        else if (g_strcmp0(fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
            message = fields[i].value;
    }
    on_log(domain, level, message, NULL);
    return G_LOG_WRITER_HANDLED;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    g_log_set_default_handler(on_log, NULL);
    g_log_set_writer_func(on_structured, NULL, NULL);
    return 0;
}
