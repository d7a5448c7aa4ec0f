/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * CSV as spreadsheets write it: the reader behind people import and the
 * writer behind export. No GTK; the app, the CLI and the server share it.
 *
 * Reading
 *
 * lanyard_csv_parse() turns the bytes of a file into a LanyardCsvTable, an
 * immutable, reference-counted grid of UTF-8 strings:
 *
 *  - Encoding. A UTF-8 byte order mark (BOM) is dropped; a UTF-16 LE or BE
 *    BOM (Excel's "Unicode Text") decodes the file as UTF-16. Without a BOM
 *    the file is read as UTF-8 when it is valid UTF-8, else as Windows-1252,
 *    else (when it holds one of the five bytes Windows-1252 leaves undefined)
 *    as ISO-8859-1. lanyard_csv_table_get_encoding() says which, so that a
 *    caller can show "Read as Windows-1252".
 *  - Separator. Comma, semicolon or tab. A first line "sep=;" (as Excel
 *    writes it) chooses it and is not a row. Otherwise the first 50 rows are
 *    read with each of the three: the one that reads them without quoting
 *    errors or quotes in mid-value, splits rows, and gives the most rows the
 *    same number of fields wins; on a tie, tab beats semicolon beats comma
 *    (values hold commas more often). When the first rows read best as one
 *    column, the whole file decides, and a one-column file reads with a
 *    comma. A caller may pass the separator instead (the user overrides the
 *    guess, say).
 *  - Quoting. A value in double quotes may hold separators, line breaks and
 *    doubled quotes (""). Spaces before the opening quote and after the
 *    closing one are ignored. A line break inside quotes, whether it was
 *    written CR, LF or CRLF, is read as "\n". A quote inside an unquoted
 *    value is kept as it is (5'11").
 *  - Rows. Lines end in CRLF, LF or CR. A row whose values are all empty or
 *    only spaces and tabs (an empty line, Excel's ";;;;") is skipped. Every
 *    other row is kept with as many fields as it has (rows may be ragged);
 *    lanyard_csv_table_get_cell() returns "" past the end of a row. Values
 *    are not trimmed.
 *  - Line numbers. Every row records the physical line it starts on,
 *    counted from 1 at the top of the file (a "sep=" line and skipped blank
 *    lines count). That is the line a text editor shows, and the row number
 *    a spreadsheet shows unless an earlier value holds a line break or the
 *    file starts with "sep=". Error messages use the same numbers.
 *  - Header. The first row is the header; lanyard_csv_table_dup_header()
 *    returns its names trimmed. Data rows are 1 … n_rows - 1.
 *  - Limits. Files up to LANYARD_CSV_MAX_BYTES, rows of up to
 *    LANYARD_CSV_MAX_COLUMNS fields (empty fields past the limit, as some
 *    spreadsheets write up to their last formatted column, are dropped).
 *
 * Malformed input is a LANYARD_CSV_ERROR with a translated message that
 * names the line; lanyard_csv_error_get_line() returns the number.
 *
 * Writing
 *
 * lanyard_csv_append_row() writes one row with CRLF line ends, quoting only
 * where needed; lanyard_csv_append_bom() starts a file with the UTF-8 BOM so
 * that Excel reads it as UTF-8. What the writer writes reads back to the
 * same cells, with two exceptions that follow from the reader's rules: a CR
 * in a value reads back as "\n", and a row whose values are all empty or
 * blank is skipped.
 *
 * All functions are thread-safe; a table may be shared between threads.
 */

/* The largest file lanyard_csv_parse() and lanyard_csv_load_file() accept. */
#define LANYARD_CSV_MAX_BYTES (16 * 1024 * 1024)

/* The most fields a row may have. */
#define LANYARD_CSV_MAX_COLUMNS 1000

#define LANYARD_CSV_ERROR (lanyard_csv_error_quark ())

/**
 * LanyardCsvError:
 * @LANYARD_CSV_ERROR_EMPTY: the file is empty or has only blank lines
 * @LANYARD_CSV_ERROR_TOO_LARGE: the file is larger than %LANYARD_CSV_MAX_BYTES
 * @LANYARD_CSV_ERROR_BINARY: the file holds NUL bytes: a spreadsheet
 *   workbook (.xlsx, .xls, .ods) or another binary file, not text
 * @LANYARD_CSV_ERROR_ENCODING: the file announces UTF-8 or UTF-16 with a
 *   byte order mark but is not valid in it
 * @LANYARD_CSV_ERROR_UNSUPPORTED_SEPARATOR: a "sep=" line names a separator
 *   other than comma, semicolon or tab
 * @LANYARD_CSV_ERROR_UNTERMINATED_QUOTE: a quoted value never ends; the line
 *   is where its opening quote is
 * @LANYARD_CSV_ERROR_TEXT_AFTER_QUOTE: text follows the closing quote of a
 *   value ("abc"x), usually a quote that should have been doubled
 * @LANYARD_CSV_ERROR_TOO_MANY_COLUMNS: a row has a value past column
 *   %LANYARD_CSV_MAX_COLUMNS
 *
 * Why a file cannot be read. Errors about a place in the file come with its
 * line number (see lanyard_csv_error_get_line()); EMPTY, TOO_LARGE and
 * BINARY for a workbook are about the whole file.
 */
typedef enum {
  LANYARD_CSV_ERROR_EMPTY,
  LANYARD_CSV_ERROR_TOO_LARGE,
  LANYARD_CSV_ERROR_BINARY,
  LANYARD_CSV_ERROR_ENCODING,
  LANYARD_CSV_ERROR_UNSUPPORTED_SEPARATOR,
  LANYARD_CSV_ERROR_UNTERMINATED_QUOTE,
  LANYARD_CSV_ERROR_TEXT_AFTER_QUOTE,
  LANYARD_CSV_ERROR_TOO_MANY_COLUMNS,
} LanyardCsvError;

GQuark lanyard_csv_error_quark    (void);

/* The 1-based line a LANYARD_CSV_ERROR is about, or 0 when it is about the
 * whole file or @error is of another domain. */
guint  lanyard_csv_error_get_line (const GError *error);

/* The encoding a file was read in. */
typedef enum {
  LANYARD_CSV_ENCODING_UTF8,
  LANYARD_CSV_ENCODING_UTF16LE,
  LANYARD_CSV_ENCODING_UTF16BE,
  LANYARD_CSV_ENCODING_WINDOWS_1252,
  LANYARD_CSV_ENCODING_ISO_8859_1,
} LanyardCsvEncoding;

/* The encoding's usual name, not translated: "UTF-8", "UTF-16LE",
 * "UTF-16BE", "Windows-1252", "ISO-8859-1". */
const char *lanyard_csv_encoding_to_string (LanyardCsvEncoding encoding);

#define LANYARD_TYPE_CSV_TABLE (lanyard_csv_table_get_type ())

typedef struct _LanyardCsvTable LanyardCsvTable;

GType            lanyard_csv_table_get_type (void) G_GNUC_CONST;

/*
 * Reads @len bytes at @data as CSV. @separator is ',', ';' or '\t', or 0 to
 * detect it (a "sep=" line is skipped either way). Returns a table with at
 * least one row, or NULL with a LANYARD_CSV_ERROR.
 */
LanyardCsvTable *lanyard_csv_parse_data     (const char             *data,
                                             gsize                   len,
                                             char                    separator,
                                             GError                **error);

/* The same for the contents of @bytes. */
LanyardCsvTable *lanyard_csv_parse          (GBytes                 *bytes,
                                             char                    separator,
                                             GError                **error);

/*
 * Reads the contents of @file for lanyard_csv_parse(), refusing files larger
 * than LANYARD_CSV_MAX_BYTES (LANYARD_CSV_ERROR_TOO_LARGE) before reading
 * them. Blocks: the app calls it from a GTask thread. I/O errors are
 * G_IO_ERROR. Keep the bytes to parse again with another separator.
 */
GBytes          *lanyard_csv_load_file      (GFile                  *file,
                                             GCancellable           *cancellable,
                                             GError                **error);

LanyardCsvTable *lanyard_csv_table_ref      (LanyardCsvTable        *self);
void             lanyard_csv_table_unref    (LanyardCsvTable        *self);

LanyardCsvEncoding lanyard_csv_table_get_encoding (const LanyardCsvTable *self);

/* ',', ';' or '\t'. */
char             lanyard_csv_table_get_separator  (const LanyardCsvTable *self);

/* Rows kept, the header included; at least 1. */
guint            lanyard_csv_table_get_n_rows     (const LanyardCsvTable *self);

/* The number of fields of the longest row. */
guint            lanyard_csv_table_get_n_columns  (const LanyardCsvTable *self);

/* The 1-based line of the file @row starts on. */
guint            lanyard_csv_table_get_row_line   (const LanyardCsvTable *self,
                                                   guint                  row);

/* The number of fields @row has; at least 1. */
guint            lanyard_csv_table_get_row_n_fields (const LanyardCsvTable *self,
                                                     guint                  row);

/* The fields of @row as a NULL-terminated array owned by the table, ready
 * for lanyard_csv_append_row() (to save failed rows, for example). */
const char * const *lanyard_csv_table_get_row     (const LanyardCsvTable *self,
                                                   guint                  row);

/* The value at @row and @column (both from 0), as read: not trimmed.
 * "" when @row has fewer fields. */
const char      *lanyard_csv_table_get_cell       (const LanyardCsvTable *self,
                                                   guint                  row,
                                                   guint                  column);

/* The names in the header (row 0), trimmed of white space; as many as the
 * header has fields. Empty names stay "". */
char           **lanyard_csv_table_dup_header     (const LanyardCsvTable *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardCsvTable, lanyard_csv_table_unref)

/* Appends the UTF-8 byte order mark; call it first on a file Excel opens. */
void lanyard_csv_append_bom (GString            *out);

/*
 * Appends one row of @n_cells UTF-8 @cells (NULL counts as "") separated by
 * @separator (',', ';' or '\t') and ended by CRLF. A value is quoted, with
 * its quotes doubled, when it holds a quote, a line break, a comma, a
 * semicolon or a tab (any separator, so that detection cannot be misled),
 * starts or ends with a space or tab, or could be mistaken for a byte order
 * mark or a "sep=" line. Nothing else is changed: a value starting with "="
 * is written as it is.
 */
void lanyard_csv_append_row (GString            *out,
                             const char * const *cells,
                             gsize               n_cells,
                             char                separator);

G_END_DECLS
