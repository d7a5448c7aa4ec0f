/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lanyard-csv.h"
#include "lanyard-people-query.h"
#include "lanyard-person.h"
#include "lanyard-store.h"

G_BEGIN_DECLS

/*
 * Importing people from a CSV file and exporting them to one.
 *
 * An import reads a table (lanyard-csv.h), maps each column to a field of
 * a person (LanyardImportMapping), and checks every row the way the store
 * would: lanyard_import_check() is the dry run, lanyard_import_run() the
 * import itself, in one transaction. Both give the same LanyardImportResult:
 * per row, whether it is (or would be) imported, skipped because the phone
 * or email is already taken, or refused, and why, cell by cell.
 *
 * The app, the CLI and the server all import through here, so the rules and
 * the limit live in one place.
 */

/* The most people one import may hold. */
#define LANYARD_IMPORT_MAX_ROWS 200

/* What a column of the file becomes. */
typedef enum {
  LANYARD_IMPORT_FIELD_NONE,            /* do not import */
  LANYARD_IMPORT_FIELD_FIRST_NAME,
  LANYARD_IMPORT_FIELD_LAST_NAME,
  LANYARD_IMPORT_FIELD_PHONE,
  LANYARD_IMPORT_FIELD_EMAIL,
  LANYARD_IMPORT_FIELD_PERSON_TYPE,
  LANYARD_IMPORT_FIELD_TAGS,
  LANYARD_IMPORT_FIELD_NOTES,
  LANYARD_IMPORT_FIELD_ACCESS_ENABLED,
  LANYARD_IMPORT_FIELD_DOOR_GRANTS,
  LANYARD_IMPORT_FIELD_SCOPE_GRANTS,
} LanyardImportField;

#define LANYARD_IMPORT_N_FIELDS (LANYARD_IMPORT_FIELD_SCOPE_GRANTS + 1)

/* The field's name as the user reads it, translated ("Mobile phone"); also the template's header. */
const char *lanyard_import_field_get_label (LanyardImportField field);
/* The field's stable name for mapping files and the CLI ("phone", "none"). */
const char *lanyard_import_field_get_key   (LanyardImportField field);
/* The field named by @key (a stable name or, case-insensitively, a label); FALSE when none. */
gboolean    lanyard_import_field_from_key  (const char         *key,
                                            LanyardImportField *out_field);

/*
 * LanyardImportMapping: the field of each column of one file.
 */
typedef struct _LanyardImportMapping LanyardImportMapping;

#define LANYARD_TYPE_IMPORT_MAPPING (lanyard_import_mapping_get_type ())

GType                 lanyard_import_mapping_get_type   (void) G_GNUC_CONST;
LanyardImportMapping *lanyard_import_mapping_new        (guint                       n_columns);
LanyardImportMapping *lanyard_import_mapping_copy       (const LanyardImportMapping *self);
void                  lanyard_import_mapping_free       (LanyardImportMapping       *self);
guint                 lanyard_import_mapping_get_n_columns (const LanyardImportMapping *self);
LanyardImportField    lanyard_import_mapping_get_field  (const LanyardImportMapping *self,
                                                         guint                       column);
void                  lanyard_import_mapping_set_field  (LanyardImportMapping       *self,
                                                         guint                       column,
                                                         LanyardImportField          field);
/* The column mapped to @field, or -1. */
int                   lanyard_import_mapping_find_field (const LanyardImportMapping *self,
                                                         LanyardImportField          field);

/*
 * Guesses each column's field from its header: common names in English
 * and German ("mobile", "phone", "cell", "e-mail", "surname", "groups",
 * "tags", "type", "Vorname", …), compared without case or accents, and
 * the labels of lanyard_import_field_get_label(). A field is given to its
 * first column only; unknown headers are not imported.
 */
LanyardImportMapping *lanyard_import_mapping_guess      (const char * const         *headers,
                                                         guint                       n_headers);

/*
 * TRUE when the mapping can import: a mobile phone or an email column, a
 * first name and a last name column, and no field on two columns.
 * Otherwise LANYARD_STORE_ERROR_INVALID saying so.
 */
gboolean              lanyard_import_mapping_check      (const LanyardImportMapping *self,
                                                         const char * const         *headers,
                                                         GError                    **error);

/*
 * Saved mappings are keyed by header, so that a mapping saved for one file
 * serves the next export of the same spreadsheet even with its columns in
 * another order. The text form is a JSON object { "header": "field key" }.
 */
char                 *lanyard_import_mapping_to_json    (const LanyardImportMapping *self,
                                                         const char * const         *headers);
/*
 * Applies a saved mapping (JSON as above) to @headers: a header it names
 * takes that field (compared without case or accents), the others stay
 * unmapped. Errors for JSON that is not such an object, or an unknown field.
 */
LanyardImportMapping *lanyard_import_mapping_new_from_json (const char          *json,
                                                            const char * const  *headers,
                                                            guint                n_headers,
                                                            GError             **error);

/*
 * Named saved mappings in one JSON file (the app and the CLI share the
 * user's: lanyard_import_dup_mappings_path()). Reading a missing file gives
 * an empty list.
 */
char                 *lanyard_import_dup_mappings_path  (void);
/* The names of the saved mappings, sorted. */
char                **lanyard_import_list_mappings      (const char   *path,
                                                         GError      **error);
/* The saved mapping called @name, as JSON text for lanyard_import_mapping_new_from_json(). */
char                 *lanyard_import_dup_mapping        (const char   *path,
                                                         const char   *name,
                                                         GError      **error);
/* Saves (or replaces) the mapping called @name; writes the file atomically. */
gboolean              lanyard_import_save_mapping       (const char   *path,
                                                         const char   *name,
                                                         const char   *json,
                                                         GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardImportMapping, lanyard_import_mapping_free)

/* What happens (or would happen) to one row. */
typedef enum {
  LANYARD_IMPORT_OUTCOME_IMPORT,
  LANYARD_IMPORT_OUTCOME_SKIP,    /* the phone or email is taken: by a stored person or an earlier row */
  LANYARD_IMPORT_OUTCOME_ERROR,   /* something in the row is refused */
} LanyardImportOutcome;

/*
 * LanyardImportRow: one row of the file and what becomes of it. Problems
 * name the column they are about (or -1 for the row as a whole), so a
 * preview can mark the cell. Immutable once the result is made.
 */
typedef struct _LanyardImportRow LanyardImportRow;

guint                 lanyard_import_row_get_line       (const LanyardImportRow *self);
LanyardImportOutcome  lanyard_import_row_get_outcome    (const LanyardImportRow *self);
/* The person as they would be stored (normalised), or NULL when the row could not make one. */
LanyardPerson        *lanyard_import_row_get_person     (const LanyardImportRow *self);
/* The person's grants (LanyardGrant), possibly empty. */
GPtrArray            *lanyard_import_row_get_grants     (const LanyardImportRow *self);
guint                 lanyard_import_row_get_n_problems (const LanyardImportRow *self);
/* The column of problem @index, or -1 when it is about the whole row. */
int                   lanyard_import_row_get_problem_column (const LanyardImportRow *self,
                                                             guint                   index);
const char           *lanyard_import_row_get_problem    (const LanyardImportRow *self,
                                                         guint                   index);
/* The problems of @column joined in one sentence per line, or NULL when it has none. */
char                 *lanyard_import_row_dup_column_problems (const LanyardImportRow *self,
                                                              int                     column);
/* All the row's problems joined with "; " (for the CLI and the failed-rows file). */
char                 *lanyard_import_row_dup_problems   (const LanyardImportRow *self);
/* For skipped rows: who has the phone or email already (a stored person's id, or 0 for an earlier row). */
gint64                lanyard_import_row_get_existing_id (const LanyardImportRow *self);
const char           *lanyard_import_row_get_existing_name (const LanyardImportRow *self);

/*
 * LanyardImportResult: every row's outcome and the totals. Refcounted;
 * immutable once made.
 */
typedef struct _LanyardImportResult LanyardImportResult;

#define LANYARD_TYPE_IMPORT_RESULT (lanyard_import_result_get_type ())

GType                 lanyard_import_result_get_type    (void) G_GNUC_CONST;
LanyardImportResult  *lanyard_import_result_ref         (LanyardImportResult *self);
void                  lanyard_import_result_unref       (LanyardImportResult *self);
/* TRUE for the result of lanyard_import_run(): the people to import are stored. */
gboolean              lanyard_import_result_get_written (LanyardImportResult *self);
guint                 lanyard_import_result_get_n_rows  (LanyardImportResult *self);
const LanyardImportRow *lanyard_import_result_get_row   (LanyardImportResult *self,
                                                         guint                index);
guint                 lanyard_import_result_count       (LanyardImportResult *self,
                                                         LanyardImportOutcome outcome);
/* Line numbers of the rows with @outcome, as "4, 9, 12" (for messages), or NULL when none. */
char                 *lanyard_import_result_dup_lines   (LanyardImportResult *self,
                                                         LanyardImportOutcome outcome);
/*
 * The rows that were not imported, as CSV with the file's own header and
 * a last column "Problems", to fix and import again. UTF-8 with a BOM.
 */
GBytes               *lanyard_import_result_dup_failed_csv (LanyardImportResult *self,
                                                            LanyardCsvTable     *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardImportResult, lanyard_import_result_unref)

/*
 * Whether @table holds a number of people one import can take: at least
 * one under its header, at most LANYARD_IMPORT_MAX_ROWS. Otherwise
 * LANYARD_STORE_ERROR_INVALID saying so. lanyard_import_check() and
 * lanyard_import_run() check it first; a caller may check it as soon as
 * the file is read.
 */
gboolean              lanyard_import_check_size         (LanyardCsvTable            *table,
                                                         GError                    **error);

/*
 * Progress from the worker: @done of @total rows checked (for an export,
 * people written and 0). The _async() functions call it on the caller's
 * thread-default main context, never after their ready callback; the
 * blocking ones call it on their own thread.
 */
typedef void (*LanyardImportProgressFunc) (guint    done,
                                           guint    total,
                                           gpointer user_data);

/*
 * The dry run: what importing @table into @facility_id with @mapping would
 * do, row by row, reading the store (doors, scopes, who holds which phone
 * and email) and writing nothing. Fails for the file as a whole only: a
 * mapping that cannot import, a file without people or with more than
 * LANYARD_IMPORT_MAX_ROWS, an unreadable store.
 */
LanyardImportResult  *lanyard_import_check              (LanyardStore               *store,
                                                         gint64                      facility_id,
                                                         LanyardCsvTable            *table,
                                                         const LanyardImportMapping *mapping,
                                                         LanyardImportProgressFunc   progress,
                                                         gpointer                    progress_data,
                                                         GCancellable               *cancellable,
                                                         GError                    **error);
/*
 * The import: checks as lanyard_import_check() does, then stores the rows
 * to import in one transaction with an audit event per person and one for
 * the import (@label: what to call it there, usually the file's name).
 * Nothing is written when it fails. Should someone else add one of the
 * people in between, the rows are checked again.
 */
LanyardImportResult  *lanyard_import_run                (LanyardStore               *store,
                                                         gint64                      facility_id,
                                                         LanyardCsvTable            *table,
                                                         const LanyardImportMapping *mapping,
                                                         const char                 *label,
                                                         LanyardImportProgressFunc   progress,
                                                         gpointer                    progress_data,
                                                         GCancellable               *cancellable,
                                                         GError                    **error);

/* Both on a worker thread; @progress is called on the thread-default main context of the caller. */
void                  lanyard_import_check_async        (LanyardStore               *store,
                                                         gint64                      facility_id,
                                                         LanyardCsvTable            *table,
                                                         const LanyardImportMapping *mapping,
                                                         LanyardImportProgressFunc   progress,
                                                         gpointer                    progress_data,
                                                         GCancellable               *cancellable,
                                                         GAsyncReadyCallback         callback,
                                                         gpointer                    user_data);
void                  lanyard_import_run_async          (LanyardStore               *store,
                                                         gint64                      facility_id,
                                                         LanyardCsvTable            *table,
                                                         const LanyardImportMapping *mapping,
                                                         const char                 *label,
                                                         LanyardImportProgressFunc   progress,
                                                         gpointer                    progress_data,
                                                         GCancellable               *cancellable,
                                                         GAsyncReadyCallback         callback,
                                                         gpointer                    user_data);
LanyardImportResult  *lanyard_import_finish             (GAsyncResult               *result,
                                                         GError                    **error);

/* The template: the header row every field's label makes, as CSV (UTF-8 with a BOM). */
GBytes               *lanyard_import_dup_template       (void);

/*
 * Writes the people @query matches, in its order, to @stream as CSV that
 * lanyard_import_run() reads back to the same people: the template's
 * columns, then columns the import leaves alone (membership status,
 * source, external ID, has access). Reads the store a page at a time, so
 * memory does not grow with the number of people. @progress gets the
 * number written so far and 0 for the total. Returns how many were written.
 */
gboolean              lanyard_export_people             (LanyardStore               *store,
                                                         const LanyardPeopleQuery   *query,
                                                         GOutputStream              *stream,
                                                         LanyardImportProgressFunc   progress,
                                                         gpointer                    progress_data,
                                                         guint64                    *out_n_people,
                                                         GCancellable               *cancellable,
                                                         GError                    **error);

/*
 * lanyard_export_people() into @file, which is replaced only when the
 * export is complete: a cancelled or failed export leaves what was there
 * before, or no file when there was none. Blocks.
 */
gboolean              lanyard_export_people_to_file        (LanyardStore              *store,
                                                            const LanyardPeopleQuery  *query,
                                                            GFile                     *file,
                                                            LanyardImportProgressFunc  progress,
                                                            gpointer                   progress_data,
                                                            guint64                   *out_n_people,
                                                            GCancellable              *cancellable,
                                                            GError                   **error);
/* The same on a worker thread, progress on the caller's main context. */
void                  lanyard_export_people_to_file_async  (LanyardStore              *store,
                                                            const LanyardPeopleQuery  *query,
                                                            GFile                     *file,
                                                            LanyardImportProgressFunc  progress,
                                                            gpointer                   progress_data,
                                                            GCancellable              *cancellable,
                                                            GAsyncReadyCallback        callback,
                                                            gpointer                   user_data);
gboolean              lanyard_export_people_to_file_finish (GAsyncResult              *result,
                                                            guint64                   *out_n_people,
                                                            GError                   **error);

G_END_DECLS
