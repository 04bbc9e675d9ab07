/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay_main.c - a plain main() for the libFuzzer harnesses of tests/fuzz/,
 * so that their corpora run with any C compiler, without libFuzzer.
 *
 *   replay_fuzz_X DIR_OR_FILE...
 *
 * Calls LLVMFuzzerInitialize() when one is linked in, then feeds every
 * regular file of each directory (in name order, not recursively) and every
 * file named, each in a heap block of exactly its
 * size, to LLVMFuzzerTestOneInput(). A missing directory is skipped (the
 * seeds cut from captures may not exist). Exits 0 when every input ran and
 * at least one did; a harness that finds a broken invariant traps, and a
 * sanitizer report ends the process, so either fails the test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional, as with libFuzzer: a harness (or a file linked into every one)
 * may set things up before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Inputs larger than this are cut, as libFuzzer's -max_len does in
 * tests/fuzz/run-fuzzer.cmake. */
#define REPLAY_MAX_LEN 4096u

static unsigned long n_inputs;

static int
replay_file(const char *path)
{
    gchar *contents = NULL;
    gsize len = 0;
    GError *err = NULL;
    if (!g_file_get_contents(path, &contents, &len, &err)) {
        fprintf(stderr, "replay: %s: %s\n", path, err->message);
        g_error_free(err);
        return 1;
    }
    if (len > REPLAY_MAX_LEN)
        len = REPLAY_MAX_LEN;
    /* exact size: a read one byte past the input is a heap overflow */
    uint8_t *data = malloc(len ? len : 1);
    if (!data) {
        g_free(contents);
        return 1;
    }
    memcpy(data, contents, len);
    g_free(contents);
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    n_inputs++;
    return 0;
}

static int
cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
replay_dir(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d)
        return 0;   /* not there: nothing to replay from it */
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const gchar *name;
    while ((name = g_dir_read_name(d)) != NULL)
        g_ptr_array_add(names, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    g_ptr_array_sort(names, cmp_names);
    int rc = 0;
    for (guint i = 0; i < names->len; i++) {
        const char *path = (const char *)g_ptr_array_index(names, i);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
            rc |= replay_file(path);
    }
    g_ptr_array_unref(names);
    return rc;
}

int
main(int argc, char **argv)
{
    int rc = 0;
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR))
            rc |= replay_dir(argv[i]);
        else if (g_file_test(argv[i], G_FILE_TEST_EXISTS))
            rc |= replay_file(argv[i]);
    }
    printf("replayed %lu inputs\n", n_inputs);
    if (n_inputs == 0) {
        fprintf(stderr, "replay: no input found: a replay of nothing tests nothing\n");
        return 1;
    }
    return rc;
}
