/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* "LNYD": marks a SQLite file as a Lanyard database (PRAGMA application_id). */
#define LANYARD_SQLITE_APPLICATION_ID 0x4C4E5944

/* One step forward: turns a database of schema @version - 1 into @version. */
typedef struct {
  int         version;
  const char *sql;
} LanyardMigration;

int      lanyard_sqlite_schema_version (void);

/*
 * Brings the open database @db, read from @path, to the current schema.
 * A new, empty file gets the whole schema. A file of an older schema is
 * first copied next to itself with the SQLite backup API
 * ("NAME.schema-N.TIMESTAMP.bak"), then migrated forward in one
 * transaction. A file of a newer schema, or one that is not a Lanyard
 * database, is refused with LANYARD_STORE_ERROR_UNAVAILABLE and left as is.
 * On success *out_backup_path names the backup made, or NULL when none was
 * needed.
 */
gboolean lanyard_sqlite_schema_upgrade (sqlite3     *db,
                                        const char  *path,
                                        char       **out_backup_path,
                                        GError     **error);

/* The same with an explicit list of steps: for tests of the machinery. */
gboolean lanyard_sqlite_schema_upgrade_with (sqlite3                *db,
                                             const char             *path,
                                             const LanyardMigration *steps,
                                             guint                   n_steps,
                                             char                  **out_backup_path,
                                             GError                **error);

/* Copies the whole database @db into a new file at @dest_path (backup API). */
gboolean lanyard_sqlite_backup_to_file (sqlite3     *db,
                                        const char  *dest_path,
                                        GError     **error);

G_END_DECLS
