/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-core.h"

G_BEGIN_DECLS

/*
 * LanyardImportDialog: a modal window that imports people from a CSV file
 * into a facility, in steps: choose a file (or drop one), match its columns
 * to fields, preview what would happen to each row, import, and see what
 * became of every row. Every rule (reading the file, guessing the columns,
 * checking the rows, the limit of LANYARD_IMPORT_MAX_ROWS) is core's
 * (lanyard-csv.h, lanyard-import.h); the dialog shows what core says.
 *
 * Nothing is written before the user presses Import, and the import is one
 * transaction: cancelling it, or an error, leaves the people as they were.
 *
 * Signals:
 *  - people-imported (LanyardImportResult *result): an import was stored
 *    (lanyard_import_result_get_written() is TRUE). The dialog stays open
 *    on its results page until the user presses Done.
 *
 * Invitations: the "Send invitations" switch can only be turned on when
 * the caller says mail can go out (can-send-invitations) and someone to
 * import has an email. The dialog sends nothing: a people-imported handler
 * asks lanyard_import_dialog_get_send_invitations() and invites the
 * imported rows whose person has an email.
 */
#define LANYARD_TYPE_IMPORT_DIALOG (lanyard_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LanyardImportDialog, lanyard_import_dialog, LANYARD, IMPORT_DIALOG, AdwWindow)

LanyardImportDialog *lanyard_import_dialog_new                      (GtkWindow            *parent,
                                                                     LanyardStore         *store,
                                                                     LanyardFacility      *facility);
gboolean             lanyard_import_dialog_get_can_send_invitations (LanyardImportDialog  *self);
void                 lanyard_import_dialog_set_can_send_invitations (LanyardImportDialog  *self,
                                                                     gboolean              can_send_invitations);
/* TRUE when the import was started with "Send invitations" switched on. */
gboolean             lanyard_import_dialog_get_send_invitations     (LanyardImportDialog  *self);

/*
 * Reads @file as the file to import, as if the user had chosen or dropped
 * it: the reading runs on a worker thread; then the dialog shows its
 * columns, or says on the first page why it cannot be read. Only on the
 * first page, and not while a file is being read; otherwise it does
 * nothing.
 */
void                 lanyard_import_dialog_open_file                (LanyardImportDialog  *self,
                                                                     GFile                *file);

/* The result of the import, once there is one; NULL before. */
LanyardImportResult *lanyard_import_dialog_get_result               (LanyardImportDialog  *self);

/*
 * Writes the rows the import refused to @file, as "Save Failed Rows…" does
 * after asking where: the file's own columns and a last one with the
 * problems (lanyard_import_result_dup_failed_csv()). Fails with
 * G_IO_ERROR_FAILED before an import.
 */
void                 lanyard_import_dialog_save_failed_rows_to      (LanyardImportDialog  *self,
                                                                     GFile                *file,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean             lanyard_import_dialog_save_failed_rows_finish  (LanyardImportDialog  *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

G_END_DECLS
