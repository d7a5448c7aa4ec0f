/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lanyard-core.h"

/*
 * Helpers
 */

static LanyardCsvTable *
parse_file (const char *name,
            GError    **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "csv", name, NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) read_error = NULL;

  g_file_get_contents (path, &contents, &len, &read_error);
  g_assert_no_error (read_error);

  return lanyard_csv_parse_data (contents, len, 0, error);
}

static LanyardCsvTable *
parse_string (const char *text,
              GError    **error)
{
  return lanyard_csv_parse_data (text, strlen (text), 0, error);
}

/* Asserts that @row of @table has exactly the fields of @expected
 * (NULL-terminated) and starts on @line. */
static void
assert_row (const LanyardCsvTable *table,
            guint                  row,
            guint                  line,
            const char * const    *expected)
{
  const char * const *fields = lanyard_csv_table_get_row (table, row);
  guint n = g_strv_length ((char **) expected);

  g_test_message ("row %u", row);
  g_assert_cmpuint (lanyard_csv_table_get_row_line (table, row), ==, line);
  g_assert_cmpuint (lanyard_csv_table_get_row_n_fields (table, row), ==, n);
  g_assert_cmpuint (g_strv_length ((char **) fields), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (fields[i], ==, expected[i]);
      g_assert_cmpstr (lanyard_csv_table_get_cell (table, row, i), ==, expected[i]);
    }
  g_assert_cmpstr (lanyard_csv_table_get_cell (table, row, n), ==, "");
}

#define ROW(...) ((const char * const []) { __VA_ARGS__, NULL })

/* Asserts that parsing @len bytes of @text (-1: up to its NUL) fails with
 * @code on @line, with a message that contains @fragment. */
static void
assert_parse_error (const char      *text,
                    gssize           len,
                    gint             code,
                    guint            line,
                    const char      *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;

  table = lanyard_csv_parse_data (text, len < 0 ? strlen (text) : (gsize) len, 0, &error);
  g_assert_null (table);
  g_assert_error (error, LANYARD_CSV_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (lanyard_csv_error_get_line (error), ==, line);
  if (line > 0)
    {
      g_autofree char *prefix = g_strdup_printf ("Line %u", line);

      g_assert_true (g_str_has_prefix (error->message, prefix));
    }
  g_assert_nonnull (strstr (error->message, fragment));
}

/*
 * Real-world files
 */

static void
test_excel_semicolon_bom (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_file ("excel-semicolon-bom.csv", &error);
  g_auto(GStrv) header = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_encoding (table), ==, LANYARD_CSV_ENCODING_UTF8);
  g_assert_cmpint (lanyard_csv_table_get_separator (table), ==, ';');
  /* The two ";;;;;;;" lines Excel adds are blank. */
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 4);
  g_assert_cmpuint (lanyard_csv_table_get_n_columns (table), ==, 8);

  header = lanyard_csv_table_dup_header (table);
  g_assert_cmpstrv (header, ROW ("Vorname", "Nachname", "Mobiltelefon", "E-Mail",
                                 "Personentyp", "Gruppen", "Notizen", "Zutritt aktiv"));
  assert_row (table, 0, 1, ROW ("Vorname", "Nachname", "Mobiltelefon", "E-Mail",
                                "Personentyp", "Gruppen", "Notizen", "Zutritt aktiv"));
  assert_row (table, 1, 2, ROW ("Jürgen", "Müller", "0151 23456789", "juergen.mueller@example.de",
                                "Mitglied", "Sauna, Fitness", "Beitrag 12,50 €", "ja"));
  assert_row (table, 2, 3, ROW ("Käthe", "Groß", "+49 170 1234567", "kaethe@example.de",
                                "Personal", "", "Schlüssel \"A\" abgeholt; Karte folgt", "nein"));
  assert_row (table, 3, 4, ROW ("Ömer", "Şahin", "", "oemer@example.de", "Mitglied", "Pool", "",
                                "ja"));
}

static void
test_google_sheets (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_file ("google-sheets.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_encoding (table), ==, LANYARD_CSV_ENCODING_UTF8);
  g_assert_cmpint (lanyard_csv_table_get_separator (table), ==, ',');
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 4);
  assert_row (table, 0, 1, ROW ("First name", "Last name", "Mobile", "Email", "Tags", "Notes"));
  assert_row (table, 1, 2, ROW ("Anna", "Smith", "+1 415 555 0100", "anna@example.com",
                                "vip, staff", "Prefers the \"early\" slot"));
  /* An empty last cell is a field. */
  assert_row (table, 2, 3, ROW ("Bob", "O'Neil", "", "bob@example.com", "gym", ""));
  /* The last line has no line end. */
  assert_row (table, 3, 4, ROW ("Chloé", "Dubois", "+33 6 12 34 56 78", "chloe@example.fr", "",
                                "Allergic to latex, see file"));
}

static void
test_windows_1252 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_file ("windows-1252.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_encoding (table), ==, LANYARD_CSV_ENCODING_WINDOWS_1252);
  g_assert_cmpstr (lanyard_csv_encoding_to_string (lanyard_csv_table_get_encoding (table)), ==,
                   "Windows-1252");
  g_assert_cmpint (lanyard_csv_table_get_separator (table), ==, ';');
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 3);
  assert_row (table, 1, 2, ROW ("René", "Müller", "Beitrag 5 €"));
  assert_row (table, 2, 3, ROW ("José", "Straße", "“Café”"));
}

static void
test_iso_8859_1 (void)
{
  /* 0x81 is undefined in Windows-1252: the file is read as ISO-8859-1,
   * where 0x80 and 0x81 are control characters. */
  static const char data[] = "name,note\nJos\xe9,x\x80\x81y\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = lanyard_csv_parse_data (data, sizeof data - 1, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_encoding (table), ==, LANYARD_CSV_ENCODING_ISO_8859_1);
  g_assert_cmpstr (lanyard_csv_encoding_to_string (lanyard_csv_table_get_encoding (table)), ==,
                   "ISO-8859-1");
  assert_row (table, 1, 2, ROW ("José", "x\xC2\x80\xC2\x81y"));
}

/* Our Windows-1252 table agrees with iconv's, where iconv has one. */
static void
test_windows_1252_matches_iconv (void)
{
  guint checked = 0;

  for (guint byte = 0x80; byte <= 0xFF; byte++)
    {
      char data[] = { 'x', '\n', (char) byte, '\n', '\0' };
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) convert_error = NULL;
      g_autoptr(LanyardCsvTable) table = NULL;
      g_autofree char *expected = g_convert (data + 2, 1, "UTF-8", "WINDOWS-1252",
                                             NULL, NULL, &convert_error);

      if (g_error_matches (convert_error, G_CONVERT_ERROR, G_CONVERT_ERROR_NO_CONVERSION))
        {
          g_test_skip ("iconv has no WINDOWS-1252");
          return;
        }

      table = lanyard_csv_parse_data (data, 4, 0, &error);
      g_assert_no_error (error);

      if (expected == NULL)
        {
          /* Undefined in Windows-1252: read as ISO-8859-1. */
          g_assert_cmpint (lanyard_csv_table_get_encoding (table), ==,
                           LANYARD_CSV_ENCODING_ISO_8859_1);
          continue;
        }

      g_assert_cmpint (lanyard_csv_table_get_encoding (table), ==,
                       LANYARD_CSV_ENCODING_WINDOWS_1252);
      g_assert_cmpstr (lanyard_csv_table_get_cell (table, 1, 0), ==, expected);
      checked++;
    }

  g_assert_cmpuint (checked, ==, 128 - 5);
}

static void
test_utf16 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) le = parse_file ("excel-unicode-text.txt", &error);
  g_autoptr(LanyardCsvTable) be = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_encoding (le), ==, LANYARD_CSV_ENCODING_UTF16LE);
  g_assert_cmpint (lanyard_csv_table_get_separator (le), ==, '\t');
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (le), ==, 3);
  assert_row (le, 0, 1, ROW ("Name", "Email", "Notes"));
  /* A character outside the BMP: a surrogate pair. */
  assert_row (le, 1, 2, ROW ("Zoë", "zoe@example.com", "Says \"hi\" 𝄞"));
  assert_row (le, 2, 3, ROW ("Łukasz", "lukasz@example.pl", ""));

  be = parse_file ("utf16be.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_encoding (be), ==, LANYARD_CSV_ENCODING_UTF16BE);
  g_assert_cmpint (lanyard_csv_table_get_separator (be), ==, ',');
  assert_row (be, 1, 2, ROW ("Zoë", "zoe@example.com"));
}

static void
test_quoted_newlines (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_file ("quoted-newlines.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 4);
  assert_row (table, 0, 1, ROW ("name", "notes"));
  /* CRLF, LF and CR inside quotes all read as "\n"; the next row's line
   * counts them. */
  assert_row (table, 1, 2, ROW ("Anna", "line one\nline two"));
  assert_row (table, 2, 4, ROW ("Bob", "a\nb\nc"));
  assert_row (table, 3, 7, ROW ("Carl", "plain"));
}

static void
test_ragged (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_file ("ragged.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_separator (table), ==, ',');
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 4);
  g_assert_cmpuint (lanyard_csv_table_get_n_columns (table), ==, 4);
  assert_row (table, 0, 1, ROW ("a", "b", "c"));
  assert_row (table, 1, 2, ROW ("1", "2"));
  assert_row (table, 2, 3, ROW ("1", "2", "3", "4"));
  assert_row (table, 3, 4, ROW ("x"));
  g_assert_cmpstr (lanyard_csv_table_get_cell (table, 3, 2), ==, "");
  g_assert_cmpstr (lanyard_csv_table_get_cell (table, 3, 1000), ==, "");
}

static void
test_blank_lines (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_file ("blank-lines.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 3);
  assert_row (table, 0, 1, ROW ("name", "email"));
  assert_row (table, 1, 3, ROW ("Anna", "anna@example.com"));
  assert_row (table, 2, 7, ROW ("Bob", "bob@example.com"));
}

static void
test_sep_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_file ("sep-line.csv", &error);
  g_autoptr(LanyardCsvTable) upper = NULL;
  g_autoptr(LanyardCsvTable) forced = NULL;
  g_autoptr(LanyardCsvTable) resaved = NULL;
  g_autoptr(LanyardCsvTable) tab = NULL;
  g_autoptr(LanyardCsvTable) quoted = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_separator (table), ==, ';');
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 2);
  /* The sep= line is line 1 and not a row. */
  assert_row (table, 0, 2, ROW ("Name", "Phone"));
  assert_row (table, 1, 3, ROW ("Anna", "+49 151 1"));

  /* It wins over what the rows look like. */
  upper = parse_string ("SEP=,\na;b\nc;d\n", &error);
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_separator (upper), ==, ',');
  assert_row (upper, 0, 2, ROW ("a;b"));

  /* A separator given by the caller wins over it; the line is still skipped. */
  forced = lanyard_csv_parse_data ("sep=;\na,b\n", 10, ',', &error);
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_separator (forced), ==, ',');
  assert_row (forced, 0, 2, ROW ("a", "b"));

  /* Saved again by a program that took it for a row. */
  resaved = parse_string ("sep=;;;\r\na;b;c\r\n", &error);
  g_assert_no_error (error);
  assert_row (resaved, 0, 2, ROW ("a", "b", "c"));

  tab = parse_string ("sep=\t\na,b\tc\n", &error);
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_separator (tab), ==, '\t');
  assert_row (tab, 0, 2, ROW ("a,b", "c"));

  /* Quoted, or followed by more text, it is an ordinary row. */
  quoted = parse_string ("\"sep=;\",x\nsep=;x,y\n", &error);
  g_assert_no_error (error);
  assert_row (quoted, 0, 1, ROW ("sep=;", "x"));
  assert_row (quoted, 1, 2, ROW ("sep=;x", "y"));

  assert_parse_error ("sep=|\na|b\n", -1, LANYARD_CSV_ERROR_UNSUPPORTED_SEPARATOR, 1, "“|”");
}

static void
test_tab_separated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_file ("tab-separated.tsv", &error);

  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_separator (table), ==, '\t');
  assert_row (table, 0, 1, ROW ("Name", "Tags", "Notes"));
  assert_row (table, 1, 2, ROW ("Anna", "vip, gym", "see; other"));
  assert_row (table, 2, 3, ROW ("Bob", "", "quoted\ttab"));
}

/*
 * Reading rules
 */

static void
test_separator_detection (void)
{
  static const struct {
    const char *text;
    char        separator;
  } cases[] = {
    /* One column: a comma, whatever the values hold. */
    { "Email\nanna@example.com\n", ',' },
    { "Name\n\"Smith; Anna\"\n", ',' },
    /* Decimal commas in a semicolon file. */
    { "Name;Fee\nAnna;3,50\nBob;4,20\n", ';' },
    { "Name;Fee;Notes\nAnna;3,50;a,b,c\n", ';' },
    /* Semicolons in the notes of a comma file. */
    { "a,b,notes\n1,2,x; y\n3,4,z\n", ',' },
    /* Quoted values hide separators. */
    { "\"a;b\",\"c;d\"\n\"e;f\",\"g;h\"\n", ',' },
    { "\"a,b\";\"c,d\"\n\"e,f\";\"g,h\"\n", ';' },
    /* Quotes that only make sense with one of them. */
    { "x,\"a;b\"\n", ',' },
    { "x;\"a,b\"\n", ';' },
    /* Commas in every value of a tab-separated file. */
    { "a,1\tb,2\tc,3\nd,4\te,5\tf,6\n", '\t' },
    /* Ragged: the separator that splits rows at all wins. */
    { "a\nb\nc;d\n", ';' },
    /* Rows past the first 50 decide when those all have one field. */
    { "h\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n"
      "21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n"
      "41\n42\n43\n44\n45\n46\n47\n48\n49\n50\n51\n52\nx;y\n", ';' },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardCsvTable) table = parse_string (cases[i].text, &error);

      g_test_message ("%s", cases[i].text);
      g_assert_no_error (error);
      g_assert_cmpint (lanyard_csv_table_get_separator (table), ==, cases[i].separator);
    }
}

static void
test_forced_separator (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("a;b,c\n1;2,3\n", 12);
  g_autoptr(LanyardCsvTable) semicolon = lanyard_csv_parse (bytes, ';', &error);
  g_autoptr(LanyardCsvTable) comma = NULL;

  g_assert_no_error (error);
  assert_row (semicolon, 1, 2, ROW ("1", "2,3"));

  comma = lanyard_csv_parse (bytes, ',', &error);
  g_assert_no_error (error);
  assert_row (comma, 1, 2, ROW ("1;2", "3"));
}

static void
test_line_ends (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_string ("a,b\r\nc,d\re,f\ng,h\r\r\ni,j", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 5);
  assert_row (table, 0, 1, ROW ("a", "b"));
  assert_row (table, 1, 2, ROW ("c", "d"));
  assert_row (table, 2, 3, ROW ("e", "f"));
  assert_row (table, 3, 4, ROW ("g", "h"));
  /* "\r\r\n" is a CR line end, then an empty CRLF line. */
  assert_row (table, 4, 6, ROW ("i", "j"));
}

static void
test_quoting (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table =
    parse_string ("h1,h2,h3\n"
                  "\"a,b\",\"say \"\"hi\"\"\",\"\"\n"
                  "  \"padded\"  , \"x\"\t,5'11\"\n"
                  "a\"b,\"\"\"\",\"\"\"\"\"\"\n"
                  "\"\",\"\",x\n",
                  &error);

  g_assert_no_error (error);
  assert_row (table, 1, 2, ROW ("a,b", "say \"hi\"", ""));
  /* Space around quotes goes; a quote inside an unquoted value stays. */
  assert_row (table, 2, 3, ROW ("padded", "x", "5'11\""));
  assert_row (table, 3, 4, ROW ("a\"b", "\"", "\"\""));
  assert_row (table, 4, 5, ROW ("", "", "x"));
}

static void
test_unquoted_space_kept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_string (" Name , Email\n Anna ,a@b.c \n", &error);
  g_auto(GStrv) header = NULL;

  g_assert_no_error (error);
  /* Values are as read; only header names are trimmed. */
  assert_row (table, 0, 1, ROW (" Name ", " Email"));
  assert_row (table, 1, 2, ROW (" Anna ", "a@b.c "));

  header = lanyard_csv_table_dup_header (table);
  g_assert_cmpstrv (header, ROW ("Name", "Email"));
}

static void
test_header_trim (void)
{
  g_autoptr(GError) error = NULL;
  /* Tabs, no-break spaces and a second BOM, as a file joined from two
   * exports has. */
  g_autoptr(LanyardCsvTable) table =
    parse_string ("\xEF\xBB\xBF\xEF\xBB\xBF" "First name,\t Last name\u00A0,,\"  \",Mobile \n"
                  "a,b,c,d,e\n",
                  &error);
  g_auto(GStrv) header = NULL;

  g_assert_no_error (error);
  header = lanyard_csv_table_dup_header (table);
  g_assert_cmpstrv (header, ROW ("First name", "Last name", "", "", "Mobile"));
}

static void
test_header_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_string ("\n\nName,Email\n\n", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 1);
  assert_row (table, 0, 3, ROW ("Name", "Email"));
}

static void
test_trailing_separator (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_string ("a,b,\nc,,\n,,d", &error);

  g_assert_no_error (error);
  assert_row (table, 0, 1, ROW ("a", "b", ""));
  assert_row (table, 1, 2, ROW ("c", "", ""));
  assert_row (table, 2, 3, ROW ("", "", "d"));
}

static void
test_many_columns (void)
{
  g_autoptr(GString) wide = g_string_new ("a");
  g_autoptr(GString) padded = g_string_new ("a,b");
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;

  for (guint i = 1; i < LANYARD_CSV_MAX_COLUMNS; i++)
    g_string_append (wide, ",x");
  g_string_append (wide, "\n1\n");

  /* Exactly the limit is fine. */
  table = lanyard_csv_parse_data (wide->str, wide->len, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_n_columns (table), ==, LANYARD_CSV_MAX_COLUMNS);
  g_clear_pointer (&table, lanyard_csv_table_unref);

  /* Empty fields past it are dropped, as spreadsheets write them up to the
   * last column ever formatted. */
  for (guint i = 0; i < 3 * LANYARD_CSV_MAX_COLUMNS; i++)
    g_string_append (padded, ",");
  g_string_append (padded, "\n1,2\n");
  table = lanyard_csv_parse_data (padded->str, padded->len, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_row_n_fields (table, 0), ==, LANYARD_CSV_MAX_COLUMNS);
  assert_row (table, 1, 2, ROW ("1", "2"));
  g_clear_pointer (&table, lanyard_csv_table_unref);

  /* A value past it is an error. */
  g_string_truncate (wide, wide->len - 3);
  g_string_append (wide, "\n1\n1,2,3");
  for (guint i = 3; i < LANYARD_CSV_MAX_COLUMNS; i++)
    g_string_append (wide, ",");
  g_string_append (wide, ",too far\n");
  assert_parse_error (wide->str, wide->len, LANYARD_CSV_ERROR_TOO_MANY_COLUMNS, 3,
                      "more than 1000 columns");
}

/*
 * Malformed input
 */

static void
test_error_unterminated_quote (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "csv",
                                                 "unterminated-quote.csv", NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* The line where the quote opened, not where the file ends. */
  assert_parse_error (contents, len, LANYARD_CSV_ERROR_UNTERMINATED_QUOTE, 3,
                      "never closed");

  assert_parse_error ("a\n\"", -1, LANYARD_CSV_ERROR_UNTERMINATED_QUOTE, 2, "never closed");
  assert_parse_error ("a;b\r\n1;\"x\"\"\r\n", -1, LANYARD_CSV_ERROR_UNTERMINATED_QUOTE, 2,
                      "never closed");
}

static void
test_error_text_after_quote (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "csv",
                                                 "text-after-quote.csv", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  const char *multiline = "name,notes\n\nBob,\"first\nsecond\"oops\n";

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  assert_parse_error (contents, len, LANYARD_CSV_ERROR_TEXT_AFTER_QUOTE, 2,
                      "closing quote mark of “abc”");

  /* The line of the closing quote; the value is quoted up to its line break. */
  assert_parse_error (multiline, strlen (multiline), LANYARD_CSV_ERROR_TEXT_AFTER_QUOTE, 4,
                      "of “first”");
}

static void
test_error_binary (void)
{
  g_autofree char *nul_path = g_test_build_filename (G_TEST_DIST, "data", "csv", "nul.csv", NULL);
  g_autofree char *xlsx_path = g_test_build_filename (G_TEST_DIST, "data", "csv",
                                                      "workbook.xlsx", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  static const char utf16_nul[] = "\xFF\xFE" "a\0\n\0\0\0";

  g_assert_true (g_file_get_contents (nul_path, &contents, &len, NULL));
  assert_parse_error (contents, len, LANYARD_CSV_ERROR_BINARY, 3, "NUL");
  g_clear_pointer (&contents, g_free);

  g_assert_true (g_file_get_contents (xlsx_path, &contents, &len, NULL));
  /* A workbook is told apart from other binary files, and has no line. */
  assert_parse_error (contents, len, LANYARD_CSV_ERROR_BINARY, 0, "Save it as “CSV UTF-8”");

  assert_parse_error ("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10, LANYARD_CSV_ERROR_BINARY, 0,
                      "workbook");
  assert_parse_error (utf16_nul, sizeof utf16_nul - 1, LANYARD_CSV_ERROR_BINARY, 2, "NUL");
}

static void
test_error_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = parse_file ("empty.csv", &error);

  g_assert_null (table);
  g_assert_error (error, LANYARD_CSV_ERROR, LANYARD_CSV_ERROR_EMPTY);
  g_assert_cmpuint (lanyard_csv_error_get_line (error), ==, 0);
  g_assert_cmpstr (error->message, ==, "The file is empty.");

  assert_parse_error (NULL, 0, LANYARD_CSV_ERROR_EMPTY, 0, "empty");
  assert_parse_error ("\xEF\xBB\xBF", 3, LANYARD_CSV_ERROR_EMPTY, 0, "only blank lines");
  assert_parse_error ("\n\r\n,,,\n \t \n\"\",\"\"\n", -1, LANYARD_CSV_ERROR_EMPTY, 0,
                      "only blank lines");
  assert_parse_error ("sep=;\r\n", -1, LANYARD_CSV_ERROR_EMPTY, 0, "only blank lines");
  assert_parse_error ("\xFF\xFE", -1, LANYARD_CSV_ERROR_EMPTY, 0, "only blank lines");
}

static void
test_error_too_large (void)
{
  gsize len = LANYARD_CSV_MAX_BYTES + 1;
  g_autofree char *big = g_malloc (len);

  memset (big, 'a', len);
  assert_parse_error (big, len, LANYARD_CSV_ERROR_TOO_LARGE, 0, "Split it");
  assert_parse_error (big, len, LANYARD_CSV_ERROR_TOO_LARGE, 0, "larger than 16.8");
}

static void
test_error_encoding (void)
{
  /* A UTF-8 BOM, then Latin-1 on line 3. */
  assert_parse_error ("\xEF\xBB\xBFname\r\nAnna\r\nJos\xe9\r\n", -1, LANYARD_CSV_ERROR_ENCODING,
                      3, "not valid UTF-8");
  /* UTF-16 cut in the middle of a character, and a lone surrogate. */
  assert_parse_error ("\xFF\xFE" "a\0\n\0b", 7, LANYARD_CSV_ERROR_ENCODING, 2, "not valid UTF-16");
  assert_parse_error ("\xFE\xFF\0a\0\n\0\n\xDC\x00", 10, LANYARD_CSV_ERROR_ENCODING, 3,
                      "not valid UTF-16");
  assert_parse_error ("\xFF\xFE\x00\xD8", 4, LANYARD_CSV_ERROR_ENCODING, 1, "not valid UTF-16");
  assert_parse_error ("\xFF\xFE\x00\xD8" "a\0", 6, LANYARD_CSV_ERROR_ENCODING, 1,
                      "not valid UTF-16");
  /* UTF-8 without a BOM and one stray byte: not read as Windows-1252, which would garble "Müller". */
  assert_parse_error ("name\nM\xc3\xbcller\nWei\xdf\xff\n", -1, LANYARD_CSV_ERROR_ENCODING, 3,
                      "although the rest of the file is");
}

static void
test_error_other_domain (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");
  g_autoptr(GError) copy = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;

  g_assert_cmpuint (lanyard_csv_error_get_line (error), ==, 0);
  g_clear_error (&error);

  /* The line survives a copy. */
  table = parse_string ("a\n\"x\"y\n", &error);
  g_assert_null (table);
  copy = g_error_copy (error);
  g_assert_cmpuint (lanyard_csv_error_get_line (copy), ==, 2);
}

/*
 * Writing
 */

static void
test_write_quoting (void)
{
  static const struct {
    const char *cell;
    const char *written;
  } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "Müller", "Müller" },
    { "a,b", "\"a,b\"" },
    { "a;b", "\"a;b\"" },
    { "a\tb", "\"a\tb\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "\"", "\"\"\"\"" },
    { "a\nb", "\"a\nb\"" },
    { "a\rb", "\"a\rb\"" },
    { " lead", "\" lead\"" },
    { "trail ", "\"trail \"" },
    { "\ttab", "\"\ttab\"" },
    { "sep=;", "\"sep=;\"" },
    { "SEP=x", "\"SEP=x\"" },
    { "\xEF\xBB\xBFx", "\"\xEF\xBB\xBFx\"" },
    { "=SUM(A1)", "=SUM(A1)" },
    { "+49 151 1234567", "+49 151 1234567" },
    { "in side", "in side" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autofree char *expected = g_strconcat (cases[i].written, "\r\n", NULL);
      const char *cells[] = { cases[i].cell };

      lanyard_csv_append_row (out, cells, 1, ',');
      g_assert_cmpstr (out->str, ==, expected);
    }
}

static void
test_write_row (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *cells[] = { "a", NULL, "", "b;c", "" };

  lanyard_csv_append_bom (out);
  lanyard_csv_append_row (out, cells, G_N_ELEMENTS (cells), ';');
  lanyard_csv_append_row (out, cells, 1, '\t');
  lanyard_csv_append_row (out, NULL, 0, ',');
  g_assert_cmpstr (out->str, ==, "\xEF\xBB\xBF" "a;;;\"b;c\";\r\na\r\n\r\n");
}

static const char * const awkward[] = {
  "plain",
  "",
  "Ünïcödé ß € 𝄞 日本",
  "comma, inside",
  "semi; colon",
  "tab\tinside",
  "\"quoted\"",
  "\"",
  "\"\"",
  "say \"hi\", then; leave",
  "line one\nline two",
  "\n",
  "trailing newline\n",
  " leading space",
  "trailing space ",
  "   ",
  "\t",
  "=SUM(A1:A3)",
  "+49 151 1234567",
  "-5",
  "@handle",
  "sep=;",
  "\xEF\xBB\xBF" "bom",
  "'apostrophe",
  "a \"b\" c",
  "5'11\"",
  "",
  NULL
};

/* Writes rows of awkward cells, reads them back, compares. */
static void
check_round_trip (char     separator,
                  gboolean bom,
                  char     read_separator)
{
  const guint n = G_N_ELEMENTS (awkward) - 1;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;
  const char * const header[] = { "First name", "Notes", "Email", NULL };

  g_test_message ("separator %d, BOM %d, read with %d", separator, bom, read_separator);

  if (bom)
    lanyard_csv_append_bom (out);
  lanyard_csv_append_row (out, header, G_N_ELEMENTS (header) - 1, separator);

  /* Every cell in every column, with an empty last cell and a ragged row. */
  for (guint i = 0; i < n; i++)
    {
      const char *cells[] = { awkward[i], awkward[(i + 1) % n], awkward[(i + 2) % n], "" };

      lanyard_csv_append_row (out, cells, G_N_ELEMENTS (cells), separator);
    }
  lanyard_csv_append_row (out, awkward, n, separator);

  table = lanyard_csv_parse_data (out->str, out->len, read_separator, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_csv_table_get_separator (table), ==, separator);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, n + 2);
  assert_row (table, 0, 1, header);

  for (guint i = 0; i < n; i++)
    {
      const char * const cells[] = { awkward[i], awkward[(i + 1) % n], awkward[(i + 2) % n], "",
                                     NULL };
      const char * const *fields = lanyard_csv_table_get_row (table, i + 1);

      g_assert_cmpstrv (fields, cells);
    }
  g_assert_cmpstrv (lanyard_csv_table_get_row (table, n + 1), awkward);
}

static void
test_round_trip (void)
{
  static const char separators[] = { ',', ';', '\t' };

  for (guint i = 0; i < G_N_ELEMENTS (separators); i++)
    {
      check_round_trip (separators[i], TRUE, 0);
      check_round_trip (separators[i], FALSE, 0);
      check_round_trip (separators[i], TRUE, separators[i]);
    }
}

/* The documented exception: a CR in a value reads back as LF. */
static void
test_round_trip_cr (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;
  const char *cells[] = { "a\r\nb", "c\rd" };

  lanyard_csv_append_row (out, cells, 2, ',');
  table = lanyard_csv_parse_data (out->str, out->len, 0, &error);
  g_assert_no_error (error);
  assert_row (table, 0, 1, ROW ("a\nb", "c\nd"));
}

/* Rows as read are written back as they were read: saving failed rows. */
static void
test_round_trip_table (void)
{
  static const char * const files[] = {
    "excel-semicolon-bom.csv", "google-sheets.csv", "windows-1252.csv", "quoted-newlines.csv",
    "ragged.csv", "blank-lines.csv", "sep-line.csv", "tab-separated.tsv",
    "excel-unicode-text.txt", "utf16be.csv",
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardCsvTable) table = parse_file (files[f], &error);
      g_autoptr(LanyardCsvTable) again = NULL;
      g_autoptr(GString) out = g_string_new (NULL);
      guint n_rows;

      g_test_message ("%s", files[f]);
      g_assert_no_error (error);
      n_rows = lanyard_csv_table_get_n_rows (table);

      lanyard_csv_append_bom (out);
      for (guint r = 0; r < n_rows; r++)
        lanyard_csv_append_row (out, lanyard_csv_table_get_row (table, r),
                                lanyard_csv_table_get_row_n_fields (table, r),
                                lanyard_csv_table_get_separator (table));

      again = lanyard_csv_parse_data (out->str, out->len, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpint (lanyard_csv_table_get_encoding (again), ==, LANYARD_CSV_ENCODING_UTF8);
      g_assert_cmpuint (lanyard_csv_table_get_n_rows (again), ==, n_rows);
      for (guint r = 0; r < n_rows; r++)
        g_assert_cmpstrv (lanyard_csv_table_get_row (again, r),
                          lanyard_csv_table_get_row (table, r));
    }
}

/*
 * Files
 */

static void
test_load_file (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "csv", "google-sheets.csv",
                                                 NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/people.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = lanyard_csv_load_file (file, NULL, &error);
  g_autoptr(GBytes) none = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 243);
  table = lanyard_csv_parse (bytes, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 4);

  none = lanyard_csv_load_file (missing, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* A file of @size bytes that takes no room on disk. */
static void
make_sparse_file (const char *path,
                  gsize       size)
{
  FILE *f = g_fopen (path, "wb");

  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, size - 1, SEEK_SET), ==, 0);
  g_assert_cmpint (fputc ('\n', f), ==, '\n');
  g_assert_cmpint (fclose (f), ==, 0);
}

static void
test_load_file_too_large (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lanyard-csv-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  /* Sparse: the size is refused before anything is read. */
  make_sparse_file (path, LANYARD_CSV_MAX_BYTES + 1);
  bytes = lanyard_csv_load_file (file, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, LANYARD_CSV_ERROR, LANYARD_CSV_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Exactly the limit is read. */
  make_sparse_file (path, LANYARD_CSV_MAX_BYTES);
  bytes = lanyard_csv_load_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, LANYARD_CSV_MAX_BYTES);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/*
 * Speed
 */

static void
test_perf_10mb (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GTimer) timer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;
  const char *header[] = { "First name", "Last name", "Mobile", "Email", "Tags", "Notes" };
  double seconds;
  guint n = 0;

  if (!g_test_perf ())
    {
      g_test_skip ("Runs with -m perf");
      return;
    }

  lanyard_csv_append_bom (out);
  lanyard_csv_append_row (out, header, G_N_ELEMENTS (header), ';');
  while (out->len < 10 * 1000 * 1000)
    {
      g_autofree char *phone = g_strdup_printf ("+49 151 %08u", n);
      g_autofree char *email = g_strdup_printf ("person.%u@example.com", n);
      const char *cells[] = { "Jürgen", "Müller-Lüdenscheidt", phone, email, "gym, pool",
                              n % 10 == 0 ? "Key \"A\" handed out;\nsee desk" : "" };

      lanyard_csv_append_row (out, cells, G_N_ELEMENTS (cells), ';');
      n++;
    }

  timer = g_timer_new ();
  table = lanyard_csv_parse_data (out->str, out->len, 0, &error);
  seconds = g_timer_elapsed (timer, NULL);

  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, n + 1);
  g_test_minimized_result (seconds, "Parsed %.1f MB (%u rows) in %.3f s",
                           out->len / 1e6, n + 1, seconds);
  g_assert_cmpfloat (seconds, <, 1.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Messages are checked in English whatever the environment says. */
  setlocale (LC_ALL, "C.UTF-8");

  g_test_add_func ("/core/csv/files/excel-semicolon-bom", test_excel_semicolon_bom);
  g_test_add_func ("/core/csv/files/google-sheets", test_google_sheets);
  g_test_add_func ("/core/csv/files/windows-1252", test_windows_1252);
  g_test_add_func ("/core/csv/files/iso-8859-1", test_iso_8859_1);
  g_test_add_func ("/core/csv/files/windows-1252-matches-iconv", test_windows_1252_matches_iconv);
  g_test_add_func ("/core/csv/files/utf-16", test_utf16);
  g_test_add_func ("/core/csv/files/quoted-newlines", test_quoted_newlines);
  g_test_add_func ("/core/csv/files/ragged", test_ragged);
  g_test_add_func ("/core/csv/files/blank-lines", test_blank_lines);
  g_test_add_func ("/core/csv/files/sep-line", test_sep_line);
  g_test_add_func ("/core/csv/files/tab-separated", test_tab_separated);
  g_test_add_func ("/core/csv/read/separator-detection", test_separator_detection);
  g_test_add_func ("/core/csv/read/forced-separator", test_forced_separator);
  g_test_add_func ("/core/csv/read/line-ends", test_line_ends);
  g_test_add_func ("/core/csv/read/quoting", test_quoting);
  g_test_add_func ("/core/csv/read/unquoted-space-kept", test_unquoted_space_kept);
  g_test_add_func ("/core/csv/read/header-trim", test_header_trim);
  g_test_add_func ("/core/csv/read/header-only", test_header_only);
  g_test_add_func ("/core/csv/read/trailing-separator", test_trailing_separator);
  g_test_add_func ("/core/csv/read/many-columns", test_many_columns);
  g_test_add_func ("/core/csv/error/unterminated-quote", test_error_unterminated_quote);
  g_test_add_func ("/core/csv/error/text-after-quote", test_error_text_after_quote);
  g_test_add_func ("/core/csv/error/binary", test_error_binary);
  g_test_add_func ("/core/csv/error/empty", test_error_empty);
  g_test_add_func ("/core/csv/error/too-large", test_error_too_large);
  g_test_add_func ("/core/csv/error/encoding", test_error_encoding);
  g_test_add_func ("/core/csv/error/other-domain", test_error_other_domain);
  g_test_add_func ("/core/csv/write/quoting", test_write_quoting);
  g_test_add_func ("/core/csv/write/row", test_write_row);
  g_test_add_func ("/core/csv/write/round-trip", test_round_trip);
  g_test_add_func ("/core/csv/write/round-trip-cr", test_round_trip_cr);
  g_test_add_func ("/core/csv/write/round-trip-table", test_round_trip_table);
  g_test_add_func ("/core/csv/file/load", test_load_file);
  g_test_add_func ("/core/csv/file/too-large", test_load_file_too_large);
  g_test_add_func ("/core/csv/perf/10mb", test_perf_10mb);

  return g_test_run ();
}
