/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanyard-csv.h"

/*
 * Fuzz target of the CSV reader and writer. Any input must either parse or
 * fail with a LANYARD_CSV_ERROR that names a plausible line; what parses
 * must be a well-formed table, and writing it back with the writer must
 * read back to the same cells on predictable lines.
 *
 * Built with libFuzzer by build-aux/dev fuzz; in the normal build
 * fuzz-main.c drives it over the corpus and mutations of it.
 */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* Not g_assert(): that compiles away with G_DISABLE_ASSERT. */
#define CHECK(condition) \
  G_STMT_START { \
    if (G_UNLIKELY (!(condition))) \
      fail (__LINE__, #condition); \
  } G_STMT_END

static void fail (int         line,
                  const char *condition) G_GNUC_NORETURN;

static void
fail (int         line,
      const char *condition)
{
  fprintf (stderr, "fuzz-csv.c:%d: invariant failed: %s\n", line, condition);
  abort ();
}

static gboolean
is_blank (const char *cell)
{
  return cell[strspn (cell, " \t")] == '\0';
}

static guint
count_newlines (const char *cell)
{
  guint n = 0;

  for (const char *p = strchr (cell, '\n'); p != NULL; p = strchr (p + 1, '\n'))
    n++;

  return n;
}

static void
check_error (const GError *error,
             size_t        size)
{
  guint line;

  CHECK (error != NULL);
  CHECK (error->domain == LANYARD_CSV_ERROR);
  CHECK (error->code >= LANYARD_CSV_ERROR_EMPTY &&
         error->code <= LANYARD_CSV_ERROR_TOO_MANY_COLUMNS);
  CHECK (error->message != NULL && error->message[0] != '\0');
  CHECK (g_utf8_validate (error->message, -1, NULL));

  line = lanyard_csv_error_get_line (error);
  if (error->code == LANYARD_CSV_ERROR_EMPTY || error->code == LANYARD_CSV_ERROR_TOO_LARGE)
    {
      CHECK (line == 0);
    }
  else if (error->code == LANYARD_CSV_ERROR_BINARY && line == 0)
    {
      /* A workbook */
      CHECK (size >= 4);
    }
  else
    {
      CHECK (line >= 1);
      CHECK (line <= size + 1);
    }
}

static void
check_table (const LanyardCsvTable *table,
             size_t                 size)
{
  guint n_rows = lanyard_csv_table_get_n_rows (table);
  char separator = lanyard_csv_table_get_separator (table);
  guint n_columns = 0;
  guint previous_line = 0;
  g_auto(GStrv) header = NULL;

  CHECK (n_rows >= 1);
  CHECK (separator == ',' || separator == ';' || separator == '\t');
  CHECK (lanyard_csv_encoding_to_string (lanyard_csv_table_get_encoding (table)) != NULL);

  for (guint r = 0; r < n_rows; r++)
    {
      const char * const *fields = lanyard_csv_table_get_row (table, r);
      guint n_fields = lanyard_csv_table_get_row_n_fields (table, r);
      guint line = lanyard_csv_table_get_row_line (table, r);
      gboolean blank = TRUE;

      /* Each row starts on a later line than the one before. */
      CHECK (line > previous_line);
      CHECK (line <= size + 1);
      previous_line = line;

      CHECK (n_fields >= 1 && n_fields <= LANYARD_CSV_MAX_COLUMNS);
      CHECK (g_strv_length ((char **) fields) == n_fields);
      n_columns = MAX (n_columns, n_fields);

      for (guint i = 0; i < n_fields; i++)
        {
          CHECK (fields[i] == lanyard_csv_table_get_cell (table, r, i));
          CHECK (g_utf8_validate (fields[i], -1, NULL));
          /* Line breaks in values read as "\n". */
          CHECK (strchr (fields[i], '\r') == NULL);
          blank &= is_blank (fields[i]);
        }
      CHECK (!blank);
      CHECK (strcmp (lanyard_csv_table_get_cell (table, r, n_fields), "") == 0);
      CHECK (strcmp (lanyard_csv_table_get_cell (table, r, G_MAXUINT), "") == 0);
    }

  CHECK (lanyard_csv_table_get_n_columns (table) == n_columns);

  header = lanyard_csv_table_dup_header (table);
  CHECK (g_strv_length (header) == lanyard_csv_table_get_row_n_fields (table, 0));
  for (guint i = 0; header[i] != NULL; i++)
    {
      gsize len = strlen (header[i]);

      CHECK (g_utf8_validate (header[i], len, NULL));
      CHECK (len == 0 || !g_unichar_isspace (g_utf8_get_char (header[i])));
      CHECK (len == 0 || !g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (header[i] + len))));
    }
}

/* Writes @table back and reads it with @read_separator (0: detect). */
static void
check_round_trip (const LanyardCsvTable *table,
                  char                   read_separator)
{
  guint n_rows = lanyard_csv_table_get_n_rows (table);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) again = NULL;
  guint line = 1;

  lanyard_csv_append_bom (out);
  for (guint r = 0; r < n_rows; r++)
    lanyard_csv_append_row (out, lanyard_csv_table_get_row (table, r),
                            lanyard_csv_table_get_row_n_fields (table, r),
                            lanyard_csv_table_get_separator (table));

  again = lanyard_csv_parse_data (out->str, out->len, read_separator, &error);
  if (again == NULL)
    fprintf (stderr, "written back, it does not read: %s\n", error->message);
  CHECK (again != NULL);
  CHECK (lanyard_csv_table_get_encoding (again) == LANYARD_CSV_ENCODING_UTF8);
  CHECK (lanyard_csv_table_get_n_rows (again) == n_rows);

  for (guint r = 0; r < n_rows; r++)
    {
      const char * const *fields = lanyard_csv_table_get_row (table, r);
      const char * const *read = lanyard_csv_table_get_row (again, r);

      if (!g_strv_equal ((const char * const *) fields, read))
        fprintf (stderr, "row %u reads back differently (separator %d, read with %d)\n",
                 r, lanyard_csv_table_get_separator (table), read_separator);
      CHECK (g_strv_equal (fields, read));

      /* No blank lines and no "sep=" line: a row starts one line after the
       * previous one, plus the line breaks in its values. */
      CHECK (lanyard_csv_table_get_row_line (again, r) == line);
      line++;
      for (guint i = 0; fields[i] != NULL; i++)
        line += count_newlines (fields[i]);
    }
}

static void
check_input (const uint8_t *data,
             size_t         size,
             char           separator)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;

  table = lanyard_csv_parse_data ((const char *) data, size, separator, &error);
  if (table == NULL)
    {
      check_error (error, size);
      return;
    }

  CHECK (error == NULL);
  check_table (table, size);
  if (separator != 0)
    CHECK (lanyard_csv_table_get_separator (table) == separator);

  check_round_trip (table, lanyard_csv_table_get_separator (table));
  check_round_trip (table, 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;

  if (!initialized)
    {
      /* A critical is a bug: make it a crash the fuzzer reports. */
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      initialized = TRUE;
    }

  check_input (data, size, 0);
  check_input (data, size, ',');
  check_input (data, size, ';');
  check_input (data, size, '\t');

  return 0;
}
