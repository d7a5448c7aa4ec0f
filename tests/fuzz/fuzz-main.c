/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

/*
 * A stand-in for libFuzzer's main() in builds without it (gcc): replays
 * every file given, or every file in a directory given, through the fuzz
 * target, then --mutations inputs made from them by deterministic random
 * edits of the kind that break CSV: quotes, separators, line ends, NULs,
 * byte order marks, bytes that are not UTF-8, cut and duplicated ranges.
 * It finds regressions in seconds; finding new bugs is libFuzzer's job.
 */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* Keeps mutated inputs small, as libFuzzer does by default. */
#define MAX_INPUT_SIZE 8192

static const char * const tokens[] = {
  "\"", "\"\"", ",", ";", "\t", " ", "\r", "\n", "\r\n", "\0", "sep=", "sep=;\n",
  "\xEF\xBB\xBF", "\xFF\xFE", "\xFE\xFF", "\x80", "\x81", "\xC3", "\xE9", "\xFF",
  "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9D\x84\x9E", "\x00\xD8", "\x00\xDC", "a",
  "PK\x03\x04",
};

static const gsize token_lengths[] = {
  1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 4, 6,
  3, 2, 2, 1, 1, 1, 1, 1,
  2, 3, 4, 2, 2, 1,
  4,
};

G_STATIC_ASSERT (G_N_ELEMENTS (tokens) == G_N_ELEMENTS (token_lengths));

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
insert_bytes (GByteArray   *array,
              guint         at,
              const guint8 *data,
              guint         n)
{
  guint len = array->len;

  g_byte_array_set_size (array, len + n);
  memmove (array->data + at + n, array->data + at, len - at);
  memcpy (array->data + at, data, n);
}

static void
add_file (GPtrArray  *inputs,
          const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);

  g_ptr_array_add (inputs, g_bytes_new_take (contents, len));
}

static void
add_path (GPtrArray  *inputs,
          const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      add_file (inputs, path);
      return;
    }

  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    g_error ("%s", error->message);

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));

  /* The same order on every machine, so that mutations are too. */
  g_ptr_array_sort (names, compare_paths);

  for (guint i = 0; i < names->len; i++)
    if (g_file_test (names->pdata[i], G_FILE_TEST_IS_REGULAR))
      add_file (inputs, names->pdata[i]);
}

static void
mutate (GByteArray *input,
        GPtrArray  *inputs,
        GRand      *rand)
{
  guint n_edits = g_rand_int_range (rand, 1, 8);

  for (guint e = 0; e < n_edits; e++)
    {
      guint len = input->len;
      guint at = len > 0 ? g_rand_int_range (rand, 0, len + 1) : 0;

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0: /* insert a token */
          {
            guint t = g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens));

            insert_bytes (input, at, (const guint8 *) tokens[t], token_lengths[t]);
          }
          break;

        case 1: /* overwrite a byte with a token's first byte */
          if (at < len)
            input->data[at] = tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))][0];
          break;

        case 2: /* flip a bit */
          if (at < len)
            input->data[at] ^= 1 << g_rand_int_range (rand, 0, 8);
          break;

        case 3: /* cut a range */
          if (at < len)
            g_byte_array_remove_range (input, at,
                                       g_rand_int_range (rand, 1, MIN (len - at, 64) + 1));
          break;

        case 4: /* repeat a range */
          if (at < len)
            {
              guint n = g_rand_int_range (rand, 1, MIN (len - at, 64) + 1);
              g_autofree guint8 *copy = g_memdup2 (input->data + at, n);

              insert_bytes (input, at, copy, n);
            }
          break;

        default: /* replace the rest with a piece of another input */
          {
            GBytes *other = inputs->pdata[g_rand_int_range (rand, 0, inputs->len)];
            gsize other_len;
            const guint8 *other_data = g_bytes_get_data (other, &other_len);

            if (other_len > 0)
              {
                guint from = g_rand_int_range (rand, 0, other_len);
                guint n = g_rand_int_range (rand, 1, MIN (other_len - from, 256) + 1);

                g_byte_array_set_size (input, at);
                g_byte_array_append (input, other_data + from, n);
              }
          }
          break;
        }

      if (input->len > MAX_INPUT_SIZE)
        g_byte_array_set_size (input, MAX_INPUT_SIZE);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE-OR-DIRECTORY…");
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = NULL;
  int mutations = 0;
  int seed = 1;
  const GOptionEntry entries[] = {
    { "mutations", 'm', 0, G_OPTION_ARG_INT, &mutations,
      "Also run this many mutated inputs", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT, &seed, "Seed of the mutations (default 1)", "SEED" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Runs the fuzz target over files and mutations of them.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    add_path (inputs, argv[i]);

  if (inputs->len == 0)
    {
      g_printerr ("No inputs\n");
      return 2;
    }

  for (guint i = 0; i < inputs->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (inputs->pdata[i], &len);

      LLVMFuzzerTestOneInput (data, len);
    }

  rand = g_rand_new_with_seed (seed);
  for (int m = 0; m < mutations; m++)
    {
      GBytes *base = inputs->pdata[g_rand_int_range (rand, 0, inputs->len)];
      g_autoptr(GByteArray) input = g_byte_array_new ();
      gsize len;
      const guint8 *data = g_bytes_get_data (base, &len);

      g_byte_array_append (input, data, MIN (len, MAX_INPUT_SIZE));
      mutate (input, inputs, rand);
      LLVMFuzzerTestOneInput (input->data, input->len);
    }

  g_print ("%u inputs and %d mutations of them passed\n", inputs->len, mutations);

  return EXIT_SUCCESS;
}
