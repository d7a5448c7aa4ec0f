/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lanyard-csv.h"

/* How much separator detection reads: enough rows to see a pattern, and
 * bounded in bytes so that a huge first row cannot make it slow. */
#define SNIFF_MAX_ROWS  50
#define SNIFF_MAX_BYTES (64 * 1024)

/* The reading chunk of lanyard_csv_load_file(). */
#define LOAD_CHUNK_SIZE (64 * 1024)

#define UTF8_BOM "\xEF\xBB\xBF"

#define IS_SEPARATOR(c) ((c) == ',' || (c) == ';' || (c) == '\t')

/*
 * Errors
 */

typedef struct
{
  guint line;
} LanyardCsvErrorPrivate;

static void
lanyard_csv_error_private_init (LanyardCsvErrorPrivate *priv)
{
  priv->line = 0;
}

static void
lanyard_csv_error_private_copy (const LanyardCsvErrorPrivate *src,
                                LanyardCsvErrorPrivate       *dest)
{
  dest->line = src->line;
}

static void
lanyard_csv_error_private_clear (LanyardCsvErrorPrivate *priv)
{
}

/* An extended error, so that a caller gets the line as a number and not
 * only inside a translated message. */
G_DEFINE_EXTENDED_ERROR (LanyardCsvError, lanyard_csv_error)

guint
lanyard_csv_error_get_line (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != LANYARD_CSV_ERROR)
    return 0;

  return lanyard_csv_error_get_private (error)->line;
}

static gboolean
set_error (GError         **error,
           LanyardCsvError  code,
           guint            line,
           const char      *format,
           ...) G_GNUC_PRINTF (4, 5);

static gboolean
set_error (GError         **error,
           LanyardCsvError  code,
           guint            line,
           const char      *format,
           ...)
{
  GError *new_error;
  va_list args;

  if (error == NULL)
    return FALSE;

  va_start (args, format);
  new_error = g_error_new_valist (LANYARD_CSV_ERROR, code, format, args);
  va_end (args);

  lanyard_csv_error_get_private (new_error)->line = line;
  g_propagate_error (error, new_error);

  return FALSE;
}

/*
 * Encodings
 */

const char *
lanyard_csv_encoding_to_string (LanyardCsvEncoding encoding)
{
  switch (encoding)
    {
    case LANYARD_CSV_ENCODING_UTF8:
      return "UTF-8";
    case LANYARD_CSV_ENCODING_UTF16LE:
      return "UTF-16LE";
    case LANYARD_CSV_ENCODING_UTF16BE:
      return "UTF-16BE";
    case LANYARD_CSV_ENCODING_WINDOWS_1252:
      return "Windows-1252";
    case LANYARD_CSV_ENCODING_ISO_8859_1:
      return "ISO-8859-1";
    default:
      g_return_val_if_reached (NULL);
    }
}

/*
 * Windows-1252 differs from ISO-8859-1 only in 0x80–0x9F. Our own table
 * rather than g_convert(): iconv's CP1252 lives in optional gconv modules
 * that minimal systems and some runtimes leave out, and this way the five
 * undefined bytes (0 below) are known exactly.
 */
static const gunichar cp1252_high[32] = {
  0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* The line @offset is on, counting CRLF, LF and CR as one line end each. */
static guint
line_at (const char *text,
         gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    {
      if (text[i] == '\n')
        line++;
      else if (text[i] == '\r' && !(i + 1 < offset && text[i + 1] == '\n'))
        line++;
    }

  return line;
}

static gboolean
set_too_large_error (GError **error)
{
  g_autofree char *limit = g_format_size (LANYARD_CSV_MAX_BYTES);

  return set_error (error, LANYARD_CSV_ERROR_TOO_LARGE, 0,
                    _("The file is larger than %s, the most that can be read. "
                      "Split it into smaller files."),
                    limit);
}

static gboolean
is_workbook (const char *data,
             gsize       len)
{
  /* ZIP (.xlsx, .ods) and OLE compound documents (.xls). */
  return (len >= 4 && memcmp (data, "PK\x03\x04", 4) == 0) ||
         (len >= 8 && memcmp (data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0);
}

static gboolean
set_binary_error (GError **error,
                  guint    line)
{
  return set_error (error, LANYARD_CSV_ERROR_BINARY, line,
                    _("Line %u contains a NUL character: this is not a text file. "
                      "Choose a file saved as CSV."),
                    line);
}

static char *
decode_single_byte (const char         *data,
                    gsize               len,
                    LanyardCsvEncoding  encoding,
                    gsize              *out_len)
{
  GString *out = g_string_sized_new (len + len / 4 + 1);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = data[i];

      if (c < 0x80)
        {
          gsize run = i;

          while (i + 1 < len && (guchar) data[i + 1] < 0x80)
            i++;
          g_string_append_len (out, data + run, i + 1 - run);
        }
      else if (c < 0xA0 && encoding == LANYARD_CSV_ENCODING_WINDOWS_1252)
        g_string_append_unichar (out, cp1252_high[c - 0x80]);
      else
        g_string_append_unichar (out, c);
    }

  *out_len = out->len;

  return g_string_free (out, FALSE);
}

static gboolean
set_utf16_error (GError **error,
                 guint    line)
{
  return set_error (error, LANYARD_CSV_ERROR_ENCODING, line,
                    _("Line %u is not valid UTF-16 text, although the file says it is."),
                    line);
}

/* Our own decoder rather than g_convert(): it knows the line an error is on. */
static gboolean
decode_utf16 (const char  *data,
              gsize        len,
              gboolean     big_endian,
              char       **out_text,
              gsize       *out_len,
              GError     **error)
{
  g_autoptr(GString) out = g_string_sized_new (len + len / 2 + 1);
  guint line = 1;
  gboolean after_cr = FALSE;
  gsize i;

#define UNIT_AT(i) (big_endian ? (guint16) ((guchar) data[i] << 8 | (guchar) data[(i) + 1]) \
                               : (guint16) ((guchar) data[(i) + 1] << 8 | (guchar) data[i]))

  for (i = 0; i + 1 < len; i += 2)
    {
      guint16 unit = UNIT_AT (i);
      gunichar c = unit;

      if (unit >= 0xD800 && unit < 0xDC00)
        {
          guint16 low;

          if (i + 3 >= len)
            return set_utf16_error (error, line);

          low = UNIT_AT (i + 2);
          if (low < 0xDC00 || low >= 0xE000)
            return set_utf16_error (error, line);

          c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          i += 2;
        }
      else if (unit >= 0xDC00 && unit < 0xE000)
        {
          return set_utf16_error (error, line);
        }
      else if (unit == 0)
        {
          return set_binary_error (error, line);
        }

      if (c == '\r' || (c == '\n' && !after_cr))
        line++;
      after_cr = c == '\r';

      g_string_append_unichar (out, c);
    }

#undef UNIT_AT

  /* An odd number of bytes: the file was cut in the middle of a character. */
  if (i < len)
    return set_utf16_error (error, line);

  *out_len = out->len;
  *out_text = g_string_free (g_steal_pointer (&out), FALSE);

  return TRUE;
}

/*
 * Finds out how @data is encoded and sets @text to it as UTF-8 without a
 * BOM: either a pointer into @data, or a new string also stored in @owned.
 */

/* TRUE when @data holds at least one well-formed multi-byte UTF-8 sequence. */
static gboolean
has_utf8_sequence (const char *data,
                   gsize       len)
{
  const guchar *p = (const guchar *) data;
  const guchar *end = p + len;

  while (p < end)
    {
      gunichar c;

      if (*p < 0x80)
        {
          p++;
          continue;
        }

      c = g_utf8_get_char_validated ((const char *) p, end - p);
      if (c != (gunichar) -1 && c != (gunichar) -2)
        return TRUE;
      p++;
    }

  return FALSE;
}

static gboolean
decode (const char          *data,
        gsize                len,
        LanyardCsvEncoding  *encoding,
        const char         **text,
        gsize               *text_len,
        char               **owned,
        GError             **error)
{
  const char *nul;
  const char *invalid;

  if (len == 0)
    return set_error (error, LANYARD_CSV_ERROR_EMPTY, 0, "%s", _("The file is empty."));

  if (len > LANYARD_CSV_MAX_BYTES)
    return set_too_large_error (error);

  if (is_workbook (data, len))
    return set_error (error, LANYARD_CSV_ERROR_BINARY, 0, "%s",
                      _("This is a spreadsheet workbook (such as .xlsx, .xls or .ods), "
                        "not a CSV file. Save it as “CSV UTF-8” in your spreadsheet "
                        "application first."));

  if (len >= 2 && (guchar) data[0] == 0xFF && (guchar) data[1] == 0xFE)
    {
      *encoding = LANYARD_CSV_ENCODING_UTF16LE;
      if (!decode_utf16 (data + 2, len - 2, FALSE, owned, text_len, error))
        return FALSE;
      *text = *owned;
      return TRUE;
    }

  if (len >= 2 && (guchar) data[0] == 0xFE && (guchar) data[1] == 0xFF)
    {
      *encoding = LANYARD_CSV_ENCODING_UTF16BE;
      if (!decode_utf16 (data + 2, len - 2, TRUE, owned, text_len, error))
        return FALSE;
      *text = *owned;
      return TRUE;
    }

  nul = memchr (data, '\0', len);
  if (nul != NULL)
    return set_binary_error (error, line_at (data, nul - data));

  if (len >= 3 && memcmp (data, UTF8_BOM, 3) == 0)
    {
      if (!g_utf8_validate_len (data + 3, len - 3, &invalid))
        {
          guint line = line_at (data, invalid - data);

          return set_error (error, LANYARD_CSV_ERROR_ENCODING, line,
                            _("Line %u is not valid UTF-8 text, although the file says it is."),
                            line);
        }
      *encoding = LANYARD_CSV_ENCODING_UTF8;
      *text = data + 3;
      *text_len = len - 3;
      return TRUE;
    }

  if (g_utf8_validate_len (data, len, &invalid))
    {
      *encoding = LANYARD_CSV_ENCODING_UTF8;
      *text = data;
      *text_len = len;
      return TRUE;
    }

  /* UTF-8 with a stray byte (pasted from elsewhere, say) is not Windows-1252: read that way,
   * every accented letter of the file would be stored wrong ("MÃ¼ller"). Say where it is. */
  if (has_utf8_sequence (data, len))
    {
      guint line = line_at (data, invalid - data);

      return set_error (error, LANYARD_CSV_ERROR_ENCODING, line,
                        _("Line %u is not valid UTF-8 text, although the rest of the file is. "
                          "Save the file again as “CSV UTF-8”."),
                        line);
    }

  /* Not UTF-8: what Excel on Windows writes in Western Europe and the
   * Americas. Bytes Windows-1252 leaves undefined mean it is something
   * else; ISO-8859-1 reads every byte. */
  *encoding = LANYARD_CSV_ENCODING_WINDOWS_1252;
  for (gsize i = 0; i < len; i++)
    {
      guchar c = data[i];

      if (c >= 0x80 && c < 0xA0 && cp1252_high[c - 0x80] == 0)
        {
          *encoding = LANYARD_CSV_ENCODING_ISO_8859_1;
          break;
        }
    }

  *owned = decode_single_byte (data, len, *encoding, text_len);
  *text = *owned;

  return TRUE;
}

/*
 * Parsing
 */

typedef struct
{
  guint first;     /* index of the row's first cell */
  guint n_fields;
  guint line;
} Row;

typedef struct
{
  /* input */
  const char *text;
  gsize       end;           /* reading stops here */
  gboolean    truncated;     /* @end cuts the text (detection): no errors for what runs into it */
  char        separator;
  guint       max_rows;      /* 0: no limit */
  gboolean    keep_cells;    /* FALSE: only count fields (detection) */

  /* output */
  GString    *buf;           /* the kept cells, each NUL-terminated */
  GArray     *offsets;       /* gsize: where each kept cell starts in @buf */
  GArray     *rows;          /* Row; first indexes @offsets */
  guint       stray_quotes;  /* quotes inside unquoted values, a sign of a wrong separator */
} Parser;

static void
parser_init (Parser     *p,
             const char *text,
             gsize       end,
             gboolean    truncated,
             char        separator,
             guint       max_rows,
             gboolean    keep_cells)
{
  memset (p, 0, sizeof *p);
  p->text = text;
  p->end = end;
  p->truncated = truncated;
  p->separator = separator;
  p->max_rows = max_rows;
  p->keep_cells = keep_cells;
  /* The cells take the text's room, plus a NUL each. */
  p->buf = g_string_sized_new (keep_cells ? end + end / 8 + 64 : 256);
  p->offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  p->rows = g_array_new (FALSE, FALSE, sizeof (Row));
}

static void
parser_clear (Parser *p)
{
  if (p->buf != NULL)
    g_string_free (p->buf, TRUE);
  g_clear_pointer (&p->offsets, g_array_unref);
  g_clear_pointer (&p->rows, g_array_unref);
}

/* Space around quotes is ignored; a tab only when it does not separate. */
static inline gboolean
is_padding (const Parser *p,
            char          c)
{
  return c == ' ' || (c == '\t' && p->separator != '\t');
}

static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* Consumes the line end at *pos (CRLF, LF or CR). */
static inline void
skip_line_end (const Parser *p,
               gsize        *pos,
               guint        *line)
{
  if (p->text[*pos] == '\r' && *pos + 1 < p->end && p->text[*pos + 1] == '\n')
    *pos += 2;
  else
    *pos += 1;
  *line += 1;
}

/* A short, one-line quotation of a value for a message. */
static char *
excerpt (const char *value,
         gsize       len)
{
  const char *newline = memchr (value, '\n', len);
  gsize cut = newline != NULL ? (gsize) (newline - value) : len;

  if (g_utf8_strlen (value, cut) > 20)
    {
      g_autofree char *start = g_utf8_substring (value, 0, 20);

      return g_strconcat (start, "…", NULL);
    }

  return g_strndup (value, cut);
}

/*
 * Reads rows from *pos on. Returns FALSE with @error on malformed input;
 * what was read up to then stays in @p (detection looks at it).
 */
static gboolean
parser_run (Parser  *p,
            gsize    pos,
            guint    line,
            GError **error)
{
  const char *text = p->text;
  const gsize end = p->end;
  const char sep = p->separator;

  while (pos < end && (p->max_rows == 0 || p->rows->len < p->max_rows))
    {
      Row row = { p->offsets->len, 0, line };
      gsize row_mark = p->buf->len;
      guint n_fields = 0;
      gboolean row_blank = TRUE;
      gboolean at_eof = FALSE;

      for (;;)
        {
          gsize field_start = p->buf->len;
          gboolean blank = TRUE;
          gsize q = pos;

          while (q < end && is_padding (p, text[q]))
            q++;

          if (q < end && text[q] == '"')
            {
              guint quote_line = line;

              pos = q + 1;
              for (;;)
                {
                  gsize span = pos;
                  char c;

                  while (pos < end && text[pos] != '"' && text[pos] != '\r' && text[pos] != '\n')
                    {
                      if (!is_blank (text[pos]))
                        blank = FALSE;
                      pos++;
                    }
                  g_string_append_len (p->buf, text + span, pos - span);

                  if (pos >= end)
                    {
                      if (p->truncated)
                        {
                          at_eof = TRUE;
                          goto row_end;
                        }

                      return set_error (error, LANYARD_CSV_ERROR_UNTERMINATED_QUOTE, quote_line,
                                        _("Line %u: a value starts with a quote mark that is "
                                          "never closed. Check for a missing quote mark."),
                                        quote_line);
                    }

                  c = text[pos];
                  if (c == '"')
                    {
                      if (pos + 1 < end && text[pos + 1] == '"')
                        {
                          g_string_append_c (p->buf, '"');
                          blank = FALSE;
                          pos += 2;
                          continue;
                        }
                      pos++;
                      break;
                    }

                  /* A line break inside quotes is part of the value; one
                   * spelling whatever the file's line ends. */
                  skip_line_end (p, &pos, &line);
                  g_string_append_c (p->buf, '\n');
                  blank = FALSE;
                }

              while (pos < end && is_padding (p, text[pos]))
                pos++;

              if (pos < end && text[pos] != sep && text[pos] != '\r' && text[pos] != '\n')
                {
                  g_autofree char *value = excerpt (p->buf->str + field_start,
                                                    p->buf->len - field_start);

                  return set_error (error, LANYARD_CSV_ERROR_TEXT_AFTER_QUOTE, line,
                                    _("Line %u: there is text after the closing quote mark "
                                      "of “%s”. A quote mark inside a quoted value must be "
                                      "written twice (\"\")."),
                                    line, value);
                }
            }
          else
            {
              gsize span = pos;

              while (pos < end)
                {
                  char c = text[pos];

                  if (c == sep || c == '\r' || c == '\n')
                    break;
                  if (c == '"')
                    p->stray_quotes++;
                  if (!is_blank (c))
                    blank = FALSE;
                  pos++;
                }
              g_string_append_len (p->buf, text + span, pos - span);
            }

          n_fields++;
          if (!blank)
            row_blank = FALSE;

          if (n_fields <= LANYARD_CSV_MAX_COLUMNS)
            {
              g_array_append_val (p->offsets, field_start);
              g_string_append_c (p->buf, '\0');
            }
          else if (blank)
            {
              /* Spreadsheets write empty fields up to the last column that
               * was ever formatted; they carry nothing. */
              g_string_truncate (p->buf, field_start);
            }
          else
            {
              return set_error (error, LANYARD_CSV_ERROR_TOO_MANY_COLUMNS, row.line,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "Line %u has more than %u column.",
                                             "Line %u has more than %u columns.",
                                             LANYARD_CSV_MAX_COLUMNS),
                                row.line, LANYARD_CSV_MAX_COLUMNS);
            }

          if (pos < end && text[pos] == sep)
            {
              pos++;
              continue;
            }

          if (pos < end)
            skip_line_end (p, &pos, &line);
          else
            at_eof = TRUE;
          break;
        }

    row_end:
      /* A row cut by the end of a sample may be incomplete: not counted. */
      if ((at_eof && p->truncated) || row_blank)
        {
          g_string_truncate (p->buf, row_mark);
          g_array_set_size (p->offsets, row.first);
          if (at_eof && p->truncated)
            break;
          continue;
        }

      row.n_fields = MIN (n_fields, LANYARD_CSV_MAX_COLUMNS);
      g_array_append_val (p->rows, row);

      if (!p->keep_cells)
        {
          g_string_truncate (p->buf, 0);
          g_array_set_size (p->offsets, 0);
        }
    }

  return TRUE;
}

/*
 * If the text at @pos is a "sep=" line as Excel writes it ("sep=;", or
 * "sep=;;;" after another program saved it as a row), steps over it and
 * returns the separator; returns 0 otherwise.
 */
static char
read_sep_line (const char *text,
               gsize       len,
               gsize      *pos,
               guint      *line)
{
  gsize i = *pos + 4;
  char c;

  if (len - *pos < 5 || g_ascii_strncasecmp (text + *pos, "sep=", 4) != 0)
    return 0;

  c = text[i];
  if (c == '\r' || c == '\n')
    return 0;

  while (i < len && text[i] == c)
    i++;

  if (i < len && text[i] != '\r' && text[i] != '\n')
    return 0;

  if (i < len)
    {
      if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
        i++;
      i++;
      *line += 1;
    }

  *pos = i;

  return c;
}

/* How well @separator reads the start of the text; compared in order. */
typedef struct
{
  char     separator;
  gboolean failed;        /* a quoting error */
  guint    stray_quotes;
  gboolean splits;        /* some row has more than one field */
  guint    agreeing;      /* rows with the most common number of fields above one */
} Sniff;

static void
sniff (Sniff      *s,
       char        separator,
       const char *text,
       gsize       len,
       gsize       pos,
       guint       line,
       gsize       max_bytes,
       guint       max_rows)
{
  Parser p;
  gsize end = max_bytes > 0 && len - pos > max_bytes ? pos + max_bytes : len;
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;

  parser_init (&p, text, end, end < len, separator, max_rows, FALSE);
  s->separator = separator;
  s->failed = FALSE;
  if (!parser_run (&p, pos, line, &error))
    {
      /* Too many columns says nothing about the separator. */
      s->failed = error->code == LANYARD_CSV_ERROR_UNTERMINATED_QUOTE ||
                  error->code == LANYARD_CSV_ERROR_TEXT_AFTER_QUOTE;
    }
  s->stray_quotes = p.stray_quotes;
  s->splits = FALSE;
  s->agreeing = 0;

  for (guint i = 0; i < p.rows->len; i++)
    {
      guint n = g_array_index (p.rows, Row, i).n_fields;

      if (n > 1)
        {
          guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (n)));

          g_hash_table_insert (counts, GUINT_TO_POINTER (n), GUINT_TO_POINTER (seen + 1));
          s->splits = TRUE;
        }
    }

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    s->agreeing = MAX (s->agreeing, GPOINTER_TO_UINT (value));

  parser_clear (&p);
}

/* Breaks ties: a comma when nothing splits rows (a one-column file);
 * otherwise the character rarer in values, since values hold commas far
 * more often than semicolons, and those more often than tabs. */
static int
tie_rank (const Sniff *s)
{
  switch (s->separator)
    {
    case '\t':
      return s->splits ? 3 : 1;
    case ';':
      return 2;
    default:
      return s->splits ? 1 : 3;
    }
}

/* TRUE when @a reads the text better than @b. */
static gboolean
sniff_better (const Sniff *a,
              const Sniff *b)
{
  /* The wrong separator shows as a quote that closes where no field ends,
   * or as a quote in the middle of a field where the right one would have
   * started a quoted value. A separator that reads without either wins if
   * it splits rows; when none reads cleanly (a file with a real quoting
   * mistake), one that splits still beats reading one column. */
  gboolean a_clean = !a->failed && a->stray_quotes == 0;
  gboolean b_clean = !b->failed && b->stray_quotes == 0;

  if (a_clean != b_clean)
    return a_clean;
  if (a->splits != b->splits)
    return a->splits;
  if (a->failed != b->failed)
    return !a->failed;
  if (a->stray_quotes != b->stray_quotes)
    return a->stray_quotes < b->stray_quotes;
  if (a->agreeing != b->agreeing)
    return a->agreeing > b->agreeing;
  return tie_rank (a) > tie_rank (b);
}

static char
detect_separator (const char *text,
                  gsize       len,
                  gsize       pos,
                  guint       line)
{
  static const char candidates[] = { ',', ';', '\t' };
  Sniff best = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      Sniff s;

      sniff (&s, candidates[i], text, len, pos, line, SNIFF_MAX_BYTES, SNIFF_MAX_ROWS);
      if (i == 0 || sniff_better (&s, &best))
        best = s;
    }

  if (best.splits)
    return best.separator;

  /* The sample reads best as one column: a one-column file, or one whose
   * later rows tell. Read it all rather than guess. */
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      Sniff s;

      sniff (&s, candidates[i], text, len, pos, line, 0, 0);
      if (i == 0 || sniff_better (&s, &best))
        best = s;
    }

  return best.separator;
}

/*
 * The table
 */

struct _LanyardCsvTable
{
  gatomicrefcount     ref_count;
  LanyardCsvEncoding  encoding;
  char                separator;
  guint               n_rows;
  guint               n_columns;
  Row                *rows;   /* first indexes @cells */
  const char        **cells;  /* each row's cells followed by NULL */
  char               *text;   /* the cells' text */
};

G_DEFINE_BOXED_TYPE (LanyardCsvTable, lanyard_csv_table,
                     lanyard_csv_table_ref, lanyard_csv_table_unref)

LanyardCsvTable *
lanyard_csv_table_ref (LanyardCsvTable *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
lanyard_csv_table_unref (LanyardCsvTable *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->rows);
      g_free (self->cells);
      g_free (self->text);
      g_free (self);
    }
}

/* Moves what @p read into a new table. */
static LanyardCsvTable *
table_new_from_parser (Parser             *p,
                       LanyardCsvEncoding  encoding)
{
  LanyardCsvTable *self = g_new0 (LanyardCsvTable, 1);
  guint next = 0;

  g_atomic_ref_count_init (&self->ref_count);
  self->encoding = encoding;
  self->separator = p->separator;
  self->n_rows = p->rows->len;
  self->rows = (Row *) g_array_free (g_steal_pointer (&p->rows), FALSE);
  self->cells = g_new (const char *, p->offsets->len + self->n_rows);
  self->text = g_string_free (g_steal_pointer (&p->buf), FALSE);

  for (guint r = 0; r < self->n_rows; r++)
    {
      Row *row = &self->rows[r];
      guint first = row->first;

      row->first = next;
      for (guint i = 0; i < row->n_fields; i++)
        self->cells[next++] = self->text + g_array_index (p->offsets, gsize, first + i);
      self->cells[next++] = NULL;

      self->n_columns = MAX (self->n_columns, row->n_fields);
    }

  return self;
}

LanyardCsvTable *
lanyard_csv_parse_data (const char  *data,
                        gsize        len,
                        char         separator,
                        GError     **error)
{
  g_autofree char *owned = NULL;
  LanyardCsvEncoding encoding = LANYARD_CSV_ENCODING_UTF8;
  LanyardCsvTable *self;
  const char *text = NULL;
  gsize text_len = 0;
  gsize pos = 0;
  guint line = 1;
  char sep_line;
  Parser p;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (separator == 0 || IS_SEPARATOR (separator), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!decode (data, len, &encoding, &text, &text_len, &owned, error))
    return NULL;

  sep_line = read_sep_line (text, text_len, &pos, &line);
  if (separator == 0 && sep_line != 0)
    {
      if (!IS_SEPARATOR (sep_line))
        {
          /* The text is valid UTF-8, so a "sep=" line's character is ASCII. */
          const char name[2] = { sep_line, '\0' };

          set_error (error, LANYARD_CSV_ERROR_UNSUPPORTED_SEPARATOR, 1,
                     _("Line 1 asks for “%s” as the separator; only comma, semicolon "
                       "and tab are supported."),
                     name);
          return NULL;
        }
      separator = sep_line;
    }

  if (separator == 0)
    separator = detect_separator (text, text_len, pos, line);

  parser_init (&p, text, text_len, FALSE, separator, 0, TRUE);

  if (!parser_run (&p, pos, line, error))
    {
      parser_clear (&p);
      return NULL;
    }

  if (p.rows->len == 0)
    {
      parser_clear (&p);
      set_error (error, LANYARD_CSV_ERROR_EMPTY, 0, "%s",
                 _("The file has no rows, only blank lines."));
      return NULL;
    }

  self = table_new_from_parser (&p, encoding);
  parser_clear (&p);

  return self;
}

LanyardCsvTable *
lanyard_csv_parse (GBytes  *bytes,
                   char     separator,
                   GError **error)
{
  gconstpointer data;
  gsize len;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);

  return lanyard_csv_parse_data (data, len, separator, error);
}

GBytes *
lanyard_csv_load_file (GFile         *file,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GByteArray) contents = NULL;
  goffset size = -1;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                         cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    size = g_file_info_get_size (info);

  contents = g_byte_array_sized_new (size >= 0 && size <= LANYARD_CSV_MAX_BYTES
                                     ? (guint) size + 1 : LOAD_CHUNK_SIZE);

  /* The size is only a hint (a pipe has none, a file may grow): read at
   * most one byte past the limit to know it is exceeded. */
  while (size <= LANYARD_CSV_MAX_BYTES && contents->len <= LANYARD_CSV_MAX_BYTES)
    {
      gsize want = MIN (LOAD_CHUNK_SIZE, LANYARD_CSV_MAX_BYTES + 1 - contents->len);
      guint old_len = contents->len;
      gssize n;

      g_byte_array_set_size (contents, old_len + want);
      n = g_input_stream_read (G_INPUT_STREAM (stream), contents->data + old_len, want,
                               cancellable, error);
      if (n < 0)
        return NULL;
      g_byte_array_set_size (contents, old_len + n);
      if (n == 0)
        break;
    }

  if (size > LANYARD_CSV_MAX_BYTES || contents->len > LANYARD_CSV_MAX_BYTES)
    {
      set_too_large_error (error);
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&contents));
}

LanyardCsvEncoding
lanyard_csv_table_get_encoding (const LanyardCsvTable *self)
{
  g_return_val_if_fail (self != NULL, LANYARD_CSV_ENCODING_UTF8);

  return self->encoding;
}

char
lanyard_csv_table_get_separator (const LanyardCsvTable *self)
{
  g_return_val_if_fail (self != NULL, ',');

  return self->separator;
}

guint
lanyard_csv_table_get_n_rows (const LanyardCsvTable *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_rows;
}

guint
lanyard_csv_table_get_n_columns (const LanyardCsvTable *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_columns;
}

guint
lanyard_csv_table_get_row_line (const LanyardCsvTable *self,
                                guint                  row)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (row < self->n_rows, 0);

  return self->rows[row].line;
}

guint
lanyard_csv_table_get_row_n_fields (const LanyardCsvTable *self,
                                    guint                  row)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (row < self->n_rows, 0);

  return self->rows[row].n_fields;
}

const char * const *
lanyard_csv_table_get_row (const LanyardCsvTable *self,
                           guint                  row)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->n_rows, NULL);

  return &self->cells[self->rows[row].first];
}

const char *
lanyard_csv_table_get_cell (const LanyardCsvTable *self,
                            guint                  row,
                            guint                  column)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->n_rows, NULL);

  if (column >= self->rows[row].n_fields)
    return "";

  return self->cells[self->rows[row].first + column];
}

/* Trims white space, and stray BOMs that a file joined from two exports
 * carries into a name. */
static char *
header_name_trim (const char *name)
{
  const char *start = name;
  const char *end = name + strlen (name);

#define IS_TRIMMED(c) (g_unichar_isspace (c) || (c) == 0xFEFF || (c) == 0x200B)

  while (start < end && IS_TRIMMED (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!IS_TRIMMED (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

#undef IS_TRIMMED

  return g_strndup (start, end - start);
}

char **
lanyard_csv_table_dup_header (const LanyardCsvTable *self)
{
  const char * const *header;
  guint n;
  char **names;

  g_return_val_if_fail (self != NULL, NULL);

  header = lanyard_csv_table_get_row (self, 0);
  n = self->rows[0].n_fields;
  names = g_new (char *, n + 1);

  for (guint i = 0; i < n; i++)
    names[i] = header_name_trim (header[i]);
  names[n] = NULL;

  return names;
}

/*
 * Writing
 */

void
lanyard_csv_append_bom (GString *out)
{
  g_return_if_fail (out != NULL);

  g_string_append_len (out, UTF8_BOM, 3);
}

static gboolean
needs_quotes (const char *cell,
              gsize       len)
{
  if (len == 0)
    return FALSE;

  /* Readers trim unquoted space; some of them, ours included, take these
   * starts for a byte order mark or a separator line. */
  if (is_blank (cell[0]) || is_blank (cell[len - 1]) ||
      (len >= 3 && memcmp (cell, UTF8_BOM, 3) == 0) ||
      g_ascii_strncasecmp (cell, "sep=", 4) == 0)
    return TRUE;

  for (gsize i = 0; i < len; i++)
    {
      char c = cell[i];

      if (c == '"' || c == '\r' || c == '\n' || IS_SEPARATOR (c))
        return TRUE;
    }

  return FALSE;
}

void
lanyard_csv_append_row (GString            *out,
                        const char * const *cells,
                        gsize               n_cells,
                        char                separator)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (cells != NULL || n_cells == 0);
  g_return_if_fail (IS_SEPARATOR (separator));

  for (gsize i = 0; i < n_cells; i++)
    {
      const char *cell = cells[i] != NULL ? cells[i] : "";
      gsize len = strlen (cell);

      if (i > 0)
        g_string_append_c (out, separator);

      if (!needs_quotes (cell, len))
        {
          g_string_append_len (out, cell, len);
          continue;
        }

      g_string_append_c (out, '"');
      for (const char *p = cell; *p != '\0'; )
        {
          const char *quote = strchr (p, '"');

          if (quote == NULL)
            {
              g_string_append (out, p);
              break;
            }
          g_string_append_len (out, p, quote + 1 - p);
          g_string_append_c (out, '"');
          p = quote + 1;
        }
      g_string_append_c (out, '"');
    }

  g_string_append (out, "\r\n");
}
