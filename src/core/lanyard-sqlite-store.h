/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-store.h"

G_BEGIN_DECLS

/*
 * LanyardSqliteStore: the local store, one SQLite file (WAL, foreign keys,
 * a busy timeout), migrated forward on open. Changes are audited under the
 * store's actor, by default the operating-system user.
 */
#define LANYARD_TYPE_SQLITE_STORE (lanyard_sqlite_store_get_type ())

G_DECLARE_FINAL_TYPE (LanyardSqliteStore, lanyard_sqlite_store, LANYARD, SQLITE_STORE, GObject)

/* Opens or creates the database at @path. Blocking: may migrate. */
LanyardSqliteStore *lanyard_sqlite_store_open               (const char          *path,
                                                             GError             **error);
const char         *lanyard_sqlite_store_get_path           (LanyardSqliteStore  *self);

/* Who changes are attributed to in the audit log. */
char               *lanyard_sqlite_store_dup_actor          (LanyardSqliteStore  *self);
void                lanyard_sqlite_store_set_actor          (LanyardSqliteStore  *self,
                                                             const char          *actor);
/*
 * Who the calls the current thread makes are attributed to, over the
 * store's actor, until it is set back to NULL: a server handling each
 * request on a worker thread sets it to the signed-in staff member for
 * the request. Holds for every SQLite store used on this thread.
 */
void                lanyard_sqlite_store_set_thread_actor   (const char          *actor);

/* Region phone numbers without a country code are read in ("DE"); kept in the database. */
char               *lanyard_sqlite_store_dup_phone_region   (LanyardSqliteStore  *self);
gboolean            lanyard_sqlite_store_set_phone_region   (LanyardSqliteStore  *self,
                                                             const char          *region,
                                                             GError             **error);

/* The backup made when the file was migrated on open, or NULL. */
const char         *lanyard_sqlite_store_get_migration_backup (LanyardSqliteStore *self);

/*
 * Integrity check: SQLite's own, foreign keys, the search index against the
 * table, and the derived fields (tile counts, has-access, grant counts)
 * against what the access engine computes. Each problem found is added to
 * @problems as a sentence. Returns FALSE only when the check itself could
 * not run.
 */
gboolean            lanyard_sqlite_store_check              (LanyardSqliteStore  *self,
                                                             GPtrArray           *problems,
                                                             GCancellable        *cancellable,
                                                             GError             **error);

/* Where the app and the CLI keep the local database by default. */
char               *lanyard_sqlite_store_default_path       (void);

G_END_DECLS
