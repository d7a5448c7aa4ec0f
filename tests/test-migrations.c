/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "lanyard-sqlite-schema-private.h"
#include "lanyard-test-utils.h"

/*
 * Schema versions: every database file in tests/data named
 * lanyard-schema-N.db was written by the release whose schema is N. Each
 * must open with the current code, be migrated forward with a backup
 * beside it, and then hold the same schema as a new database.
 */

static char *
copy_fixture (const char *dir,
              const char *name)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  char *dest = g_build_filename (dir, name, NULL);
  gsize length;

  g_file_get_contents (source, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (dest, contents, length, &error);
  g_assert_no_error (error);

  return dest;
}

/* The schema as text, for comparing two databases. */
static char *
dump_schema (const char *path)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT type, name, sql FROM sqlite_schema ORDER BY type, name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s %s %s\n", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                            sqlite3_column_text (stmt, 2));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
read_pragma (const char *path,
             const char *pragma)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA %s", pragma);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static void
exec_on (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

static void
test_new_database (void)
{
  g_autofree char *dir = lanyard_test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "deep", "folder", "new.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardSqliteStore) store = lanyard_sqlite_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_null (lanyard_sqlite_store_get_migration_backup (store));
  g_clear_object (&store);

  g_assert_cmpint (read_pragma (path, "user_version"), ==, lanyard_sqlite_schema_version ());
  g_assert_cmpint (read_pragma (path, "application_id"), ==, LANYARD_SQLITE_APPLICATION_ID);
  g_assert_cmpint (read_pragma (path, "journal_mode = WAL"), !=, -1);

  lanyard_test_dir_free (g_steal_pointer (&dir));
}

static void
test_fixtures (void)
{
  g_autofree char *dir = lanyard_test_dir_new ();
  g_autofree char *fresh_path = g_build_filename (dir, "fresh.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardSqliteStore) fresh = lanyard_sqlite_store_open (fresh_path, &error);
  g_autofree char *fresh_schema = NULL;
  guint n_fixtures = 0;

  g_assert_no_error (error);
  g_clear_object (&fresh);
  fresh_schema = dump_schema (fresh_path);

  for (int version = 1; version <= lanyard_sqlite_schema_version (); version++)
    {
      g_autofree char *name = g_strdup_printf ("lanyard-schema-%d.db", version);
      g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
      g_autofree char *path = NULL;
      g_autofree char *schema = NULL;
      g_autoptr(LanyardSqliteStore) store = NULL;
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) facilities = NULL;
      LanyardPeopleCounts counts;

      if (!g_file_test (source, G_FILE_TEST_EXISTS))
        g_error ("%s is missing: every schema version keeps a database file in tests/data", name);

      n_fixtures++;
      path = copy_fixture (dir, name);
      g_assert_cmpint (read_pragma (path, "user_version"), ==, version);

      store = lanyard_sqlite_store_open (path, &error);
      g_assert_no_error (error);

      /* Migrated files get a backup; a current one needs none. */
      if (version < lanyard_sqlite_schema_version ())
        {
          g_assert_nonnull (lanyard_sqlite_store_get_migration_backup (store));
          g_assert_true (g_file_test (lanyard_sqlite_store_get_migration_backup (store), G_FILE_TEST_EXISTS));
          g_assert_cmpint (read_pragma (lanyard_sqlite_store_get_migration_backup (store), "user_version"), ==, version);
        }
      else
        g_assert_null (lanyard_sqlite_store_get_migration_backup (store));

      /* The data came along and is consistent. */
      facilities = lanyard_store_list_facilities (LANYARD_STORE (store), NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (facilities->len, >=, 1);
      g_assert_true (lanyard_store_count_people (LANYARD_STORE (store),
                                                 lanyard_facility_get_id (g_ptr_array_index (facilities, 0)),
                                                 &counts, NULL, &error));
      g_assert_cmpuint (counts.all, >, 0);
      g_assert_true (lanyard_sqlite_store_check (store, problems, NULL, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < problems->len; i++)
        g_test_message ("%s", (char *)g_ptr_array_index (problems, i));
      g_assert_cmpuint (problems->len, ==, 0);
      g_clear_object (&store);

      /* After migration, a file is indistinguishable from a new one. */
      schema = dump_schema (path);
      g_assert_cmpstr (schema, ==, fresh_schema);
    }

  g_assert_cmpuint (n_fixtures, ==, lanyard_sqlite_schema_version ());
  lanyard_test_dir_free (g_steal_pointer (&dir));
}

static const LanyardMigration test_steps_v1[] = {
  { 1, "CREATE TABLE thing (id INTEGER PRIMARY KEY, name TEXT);" },
};

static const LanyardMigration test_steps_v2[] = {
  { 1, "CREATE TABLE thing (id INTEGER PRIMARY KEY, name TEXT);" },
  { 2, "ALTER TABLE thing ADD COLUMN colour TEXT NOT NULL DEFAULT 'blue';" },
};

static const LanyardMigration test_steps_broken[] = {
  { 1, "CREATE TABLE thing (id INTEGER PRIMARY KEY, name TEXT);" },
  { 2, "ALTER TABLE thing ADD COLUMN colour TEXT;" },
  { 3, "THIS IS NOT SQL;" },
};

static gboolean
upgrade_file (const char             *path,
              const LanyardMigration *steps,
              guint                   n_steps,
              char                  **backup,
              GError                **error)
{
  sqlite3 *db = NULL;
  gboolean ok;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  ok = lanyard_sqlite_schema_upgrade_with (db, path, steps, n_steps, backup, error);
  sqlite3_close (db);

  return ok;
}

static void
test_machinery (void)
{
  g_autofree char *dir = lanyard_test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "steps.db", NULL);
  g_autofree char *backup = NULL;
  g_autofree char *checksum = NULL;
  g_autoptr(GError) error = NULL;

  /* New file: all steps, no backup. */
  g_assert_true (upgrade_file (path, test_steps_v1, G_N_ELEMENTS (test_steps_v1), &backup, &error));
  g_assert_no_error (error);
  g_assert_null (backup);
  g_assert_cmpint (read_pragma (path, "user_version"), ==, 1);
  exec_on (path, "INSERT INTO thing (name) VALUES ('kept')");

  /* Older file: a backup first, then the missing step; data kept. */
  g_assert_true (upgrade_file (path, test_steps_v2, G_N_ELEMENTS (test_steps_v2), &backup, &error));
  g_assert_no_error (error);
  g_assert_nonnull (backup);
  g_assert_cmpint (read_pragma (path, "user_version"), ==, 2);
  g_assert_cmpint (read_pragma (backup, "user_version"), ==, 1);
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name, colour FROM thing", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "kept");
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 1), ==, "blue");
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
  g_clear_pointer (&backup, g_free);

  /* A step that fails rolls the whole migration back. */
  g_assert_false (upgrade_file (path, test_steps_broken, G_N_ELEMENTS (test_steps_broken), &backup, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (read_pragma (path, "user_version"), ==, 2);

  /* A file from the future is refused and left alone. */
  exec_on (path, "PRAGMA user_version = 99");
  checksum = file_checksum (path);
  g_assert_false (upgrade_file (path, test_steps_v2, G_N_ELEMENTS (test_steps_v2), NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "newer version"));
  {
    g_autofree char *after = file_checksum (path);
    g_assert_cmpstr (after, ==, checksum);
  }

  lanyard_test_dir_free (g_steal_pointer (&dir));
}

static void
test_refuses_foreign_files (void)
{
  g_autofree char *dir = lanyard_test_dir_new ();
  g_autofree char *text_path = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *other_path = g_build_filename (dir, "other-app.db", NULL);
  g_autofree char *newer_path = g_build_filename (dir, "newer.db", NULL);
  g_autofree char *before = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardSqliteStore) store = NULL;

  /* Not a database at all. */
  g_file_set_contents (text_path, "Shopping list: milk, eggs, and a very long line to fill a page.\n", -1, NULL);
  before = file_checksum (text_path);
  store = lanyard_sqlite_store_open (text_path, &error);
  g_assert_null (store);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  {
    g_autofree char *after = file_checksum (text_path);
    g_assert_cmpstr (after, ==, before);
  }

  /* Another program's database. */
  exec_on (other_path, "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)");
  g_clear_pointer (&before, g_free);
  before = file_checksum (other_path);
  store = lanyard_sqlite_store_open (other_path, &error);
  g_assert_null (store);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "another program"));
  g_clear_error (&error);
  {
    g_autofree char *after = file_checksum (other_path);
    g_assert_cmpstr (after, ==, before);
  }

  /* A Lanyard database of a newer version. */
  store = lanyard_sqlite_store_open (newer_path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  exec_on (newer_path, "PRAGMA user_version = 1000");
  store = lanyard_sqlite_store_open (newer_path, &error);
  g_assert_null (store);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  /* A folder. */
  store = lanyard_sqlite_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE);

  lanyard_test_dir_free (g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/store/sqlite/migrations/new-database", test_new_database);
  g_test_add_func ("/core/store/sqlite/migrations/fixtures", test_fixtures);
  g_test_add_func ("/core/store/sqlite/migrations/machinery", test_machinery);
  g_test_add_func ("/core/store/sqlite/migrations/foreign-files", test_refuses_foreign_files);

  return g_test_run ();
}
