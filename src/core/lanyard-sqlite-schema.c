/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lanyard-error.h"
#include "lanyard-sqlite-schema-private.h"

/*
 * Schema history. Each entry moves the schema one version forward and is
 * never edited once released: a change to the schema is a new entry, and a
 * database file of the previous version goes into tests/data/ so that
 * test-migrations keeps proving the path from it.
 */

/* Version 1: the first schema. */
static const char schema_v1[] =
  /* Settings shared by the app, the CLI and the server (e.g. phone region). */
  "CREATE TABLE setting ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") WITHOUT ROWID;"

  "CREATE TABLE facility ("
  "  id             INTEGER PRIMARY KEY,"
  "  name           TEXT NOT NULL COLLATE NOCASE UNIQUE,"
  "  timezone       TEXT NOT NULL,"
  "  version        INTEGER NOT NULL DEFAULT 1,"
  /* Bumped by every change to doors, scopes and rules: lets a cached access policy notice it is stale. */
  "  policy_version INTEGER NOT NULL DEFAULT 1,"
  "  created_at     INTEGER NOT NULL,"
  "  updated_at     INTEGER NOT NULL"
  ");"

  /*
   * Stat tile counts, kept by the store in the same transactions that
   * change people, so that reading them costs nothing at a million people.
   * (Not by triggers: a trigger gives every person INSERT a statement
   * journal, which quadruples the cost of a bulk import.)
   */
  "CREATE TABLE facility_stats ("
  "  facility_id INTEGER PRIMARY KEY REFERENCES facility (id) ON DELETE CASCADE,"
  "  people      INTEGER NOT NULL DEFAULT 0,"
  "  with_access INTEGER NOT NULL DEFAULT 0"
  ");"
  /*
   * How many people of a facility have each source, person type and
   * membership status: the values the filter chips list, with counts, kept
   * like facility_stats. (Tags are counted from person_tag's own key.)
   */
  "CREATE TABLE facet_count ("
  "  facility_id INTEGER NOT NULL REFERENCES facility (id) ON DELETE CASCADE,"
  "  facet       INTEGER NOT NULL,"
  "  value       TEXT NOT NULL,"
  "  people      INTEGER NOT NULL,"
  "  PRIMARY KEY (facility_id, facet, value)"
  ") WITHOUT ROWID;"
  "CREATE TRIGGER facility_stats_init AFTER INSERT ON facility BEGIN"
  "  INSERT INTO facility_stats (facility_id) VALUES (new.id);"
  "END;"

  "CREATE TABLE door ("
  "  id          INTEGER PRIMARY KEY,"
  "  facility_id INTEGER NOT NULL REFERENCES facility (id) ON DELETE CASCADE,"
  "  name        TEXT NOT NULL COLLATE NOCASE,"
  "  version     INTEGER NOT NULL DEFAULT 1,"
  "  UNIQUE (facility_id, name)"
  ");"

  "CREATE TABLE scope ("
  "  id          INTEGER PRIMARY KEY,"
  "  facility_id INTEGER NOT NULL REFERENCES facility (id) ON DELETE CASCADE,"
  "  name        TEXT NOT NULL COLLATE NOCASE,"
  "  version     INTEGER NOT NULL DEFAULT 1,"
  "  UNIQUE (facility_id, name)"
  ");"
  "CREATE TABLE scope_door ("
  "  scope_id INTEGER NOT NULL REFERENCES scope (id) ON DELETE CASCADE,"
  "  door_id  INTEGER NOT NULL REFERENCES door (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (scope_id, door_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX scope_door_by_door ON scope_door (door_id);"

  "CREATE TABLE access_rule ("
  "  id          INTEGER PRIMARY KEY,"
  "  facility_id INTEGER NOT NULL REFERENCES facility (id) ON DELETE CASCADE,"
  "  name        TEXT NOT NULL COLLATE NOCASE,"
  "  enabled     INTEGER NOT NULL DEFAULT 1,"
  "  condition   INTEGER NOT NULL,"
  "  value       TEXT NOT NULL,"
  "  target      INTEGER NOT NULL,"
  "  schedule    TEXT,"
  "  version     INTEGER NOT NULL DEFAULT 1,"
  "  created_at  INTEGER NOT NULL,"
  "  updated_at  INTEGER NOT NULL,"
  "  UNIQUE (facility_id, name)"
  ");"
  "CREATE TABLE rule_door ("
  "  rule_id INTEGER NOT NULL REFERENCES access_rule (id) ON DELETE CASCADE,"
  "  door_id INTEGER NOT NULL REFERENCES door (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (rule_id, door_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX rule_door_by_door ON rule_door (door_id);"
  "CREATE TABLE rule_scope ("
  "  rule_id  INTEGER NOT NULL REFERENCES access_rule (id) ON DELETE CASCADE,"
  "  scope_id INTEGER NOT NULL REFERENCES scope (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (rule_id, scope_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX rule_scope_by_scope ON rule_scope (scope_id);"

  "CREATE TABLE person ("
  "  id                   INTEGER PRIMARY KEY,"
  "  facility_id          INTEGER NOT NULL REFERENCES facility (id),"
  "  version              INTEGER NOT NULL DEFAULT 1,"
  "  first_name           TEXT NOT NULL,"
  "  last_name            TEXT NOT NULL,"
  "  phone                TEXT,"
  "  email                TEXT,"
  "  email_key            TEXT,"
  "  person_type          TEXT,"
  "  membership_status    TEXT,"
  "  synced_tags          TEXT,"
  "  custom_tags          TEXT,"
  "  notes                TEXT CHECK (notes IS NULL OR length (notes) <= 2000),"
  "  app_message          TEXT,"
  "  app_message_severity INTEGER NOT NULL DEFAULT 0,"
  "  access_enabled       INTEGER NOT NULL DEFAULT 1,"
  "  has_access           INTEGER NOT NULL DEFAULT 0,"
  "  grant_count          INTEGER NOT NULL DEFAULT 0,"
  "  source               INTEGER NOT NULL DEFAULT 0,"
  "  source_name          TEXT,"
  "  external_id          TEXT,"
  "  cv_id                TEXT,"
  "  track_source_updates INTEGER NOT NULL DEFAULT 1,"
  "  invitation_state     INTEGER NOT NULL DEFAULT 0,"
  "  invited_at           INTEGER NOT NULL DEFAULT 0,"
  "  invitation_error     TEXT,"
  "  last_used_at         INTEGER NOT NULL DEFAULT 0,"
  "  recent_ips           TEXT,"
  "  created_at           INTEGER NOT NULL,"
  "  updated_at           INTEGER NOT NULL,"
  "  last_synced_at       INTEGER NOT NULL DEFAULT 0,"
  "  sort_key             TEXT NOT NULL,"
  "  search_text          TEXT NOT NULL,"
  /* The person's place in name order, as the search index's rowid (see lanyard-sqlite-store.c). */
  "  search_rank          INTEGER NOT NULL,"
  "  CHECK (phone IS NOT NULL OR email IS NOT NULL)"
  ");"
  "CREATE UNIQUE INDEX person_phone ON person (facility_id, phone) WHERE phone IS NOT NULL;"
  "CREATE UNIQUE INDEX person_email ON person (facility_id, email_key) WHERE email_key IS NOT NULL;"
  /* One index per sort order, so that every page is a range read (keyset paging). */
  "CREATE INDEX person_by_name ON person (facility_id, sort_key, id, search_rank);"
  "CREATE UNIQUE INDEX person_by_rank ON person (search_rank);"
  "CREATE INDEX person_by_created ON person (facility_id, created_at, id);"
  "CREATE INDEX person_by_updated ON person (facility_id, updated_at, id);"
  "CREATE INDEX person_by_last_used ON person (facility_id, last_used_at, id);"
  "CREATE INDEX person_by_last_synced ON person (facility_id, last_synced_at, id);"
  "CREATE INDEX person_by_external_id ON person (facility_id, external_id) WHERE external_id IS NOT NULL;"

  /* Tags of both kinds, for the Tag filter and its value list. */
  "CREATE TABLE person_tag ("
  "  facility_id INTEGER NOT NULL,"
  "  tag         TEXT NOT NULL,"
  "  person_id   INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (facility_id, tag, person_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX person_tag_by_person ON person_tag (person_id);"

  /*
   * Search: substrings of name, email and phone digits, any script (trigram
   * index). Its rowids are the people's search_rank, so that matches come
   * out in name order and the first page of a search is read, not sorted.
   * The store keeps it in step with person.search_text itself, not with
   * triggers: a trigger makes every statement of a transaction flush FTS5's
   * pending terms, which turns a bulk insert into a million tiny segments.
   */
  "CREATE VIRTUAL TABLE person_fts USING fts5 ("
  "  search_text, content = '',"
  "  tokenize = 'trigram case_sensitive 1', detail = 'full'"
  ");"
  /*
   * Merge segments 16 at a time instead of 4: batches spread their people
   * all over the rank range, and merging more rarely makes a large import
   * a third cheaper for a search that reads a few more segments.
   */
  "INSERT INTO person_fts (person_fts, rank) VALUES ('automerge', 16);"
  "CREATE TABLE person_grant ("
  "  id        INTEGER PRIMARY KEY,"
  "  person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
  "  kind      INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 2),"
  "  door_id   INTEGER REFERENCES door (id) ON DELETE CASCADE,"
  "  scope_id  INTEGER REFERENCES scope (id) ON DELETE CASCADE,"
  "  schedule  TEXT,"
  "  CHECK ((kind = 0 AND door_id IS NULL AND scope_id IS NULL) OR"
  "         (kind = 1 AND door_id IS NOT NULL AND scope_id IS NULL) OR"
  "         (kind = 2 AND door_id IS NULL AND scope_id IS NOT NULL))"
  ");"
  "CREATE INDEX person_grant_by_person ON person_grant (person_id);"
  "CREATE INDEX person_grant_by_door ON person_grant (door_id) WHERE door_id IS NOT NULL;"
  "CREATE INDEX person_grant_by_scope ON person_grant (scope_id) WHERE scope_id IS NOT NULL;"

  /* Who may sign in to Lanyard itself, with what role where. */
  "CREATE TABLE role ("
  "  id          INTEGER PRIMARY KEY,"
  "  name        TEXT NOT NULL COLLATE NOCASE UNIQUE,"
  "  permissions TEXT NOT NULL,"
  "  builtin     INTEGER NOT NULL DEFAULT 0,"
  "  version     INTEGER NOT NULL DEFAULT 1"
  ");"
  "INSERT INTO role (name, permissions, builtin) VALUES"
  "  ('Administrator', 'people.read people.write people.delete grants rules doors staff roles audit reports import settings', 1),"
  "  ('Manager', 'people.read people.write people.delete grants rules doors audit reports import', 1),"
  "  ('Viewer', 'people.read audit', 1);"
  "CREATE TABLE staff_account ("
  "  id              INTEGER PRIMARY KEY,"
  "  email           TEXT NOT NULL COLLATE NOCASE UNIQUE,"
  "  name            TEXT NOT NULL,"
  "  status          INTEGER NOT NULL DEFAULT 0,"
  "  created_at      INTEGER NOT NULL,"
  "  updated_at      INTEGER NOT NULL,"
  "  last_sign_in_at INTEGER NOT NULL DEFAULT 0,"
  "  version         INTEGER NOT NULL DEFAULT 1"
  ");"
  /* The email is the identity: it never changes once the account exists. */
  "CREATE TRIGGER staff_email_immutable BEFORE UPDATE OF email ON staff_account"
  " WHEN old.email != new.email BEGIN"
  "  SELECT RAISE (ABORT, 'the email of a staff account cannot be changed');"
  "END;"
  "CREATE TABLE staff_pass ("
  "  id          INTEGER PRIMARY KEY,"
  "  staff_id    INTEGER NOT NULL REFERENCES staff_account (id) ON DELETE CASCADE,"
  "  role_id     INTEGER NOT NULL REFERENCES role (id),"
  "  facility_id INTEGER REFERENCES facility (id) ON DELETE CASCADE,"
  "  UNIQUE (staff_id, role_id, facility_id)"
  ");"
  "CREATE INDEX staff_pass_by_role ON staff_pass (role_id);"
  "CREATE INDEX staff_pass_by_facility ON staff_pass (facility_id);"

  /* Append-only logs: they outlive what they talk about, so no foreign keys. */
  "CREATE TABLE audit_event ("
  "  id           INTEGER PRIMARY KEY,"
  "  at           INTEGER NOT NULL,"
  "  actor        TEXT NOT NULL,"
  "  action       TEXT NOT NULL,"
  "  facility_id  INTEGER NOT NULL DEFAULT 0,"
  "  target_kind  TEXT NOT NULL,"
  "  target_id    INTEGER NOT NULL DEFAULT 0,"
  "  target_label TEXT,"
  "  changes      TEXT"
  ");"
  "CREATE INDEX audit_by_target ON audit_event (target_kind, target_id, id);"
  "CREATE INDEX audit_by_facility ON audit_event (facility_id, id);"
  "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN"
  "  SELECT RAISE (ABORT, 'the audit log is append-only');"
  "END;"
  "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN"
  "  SELECT RAISE (ABORT, 'the audit log is append-only');"
  "END;"

  "CREATE TABLE access_log ("
  "  id          INTEGER PRIMARY KEY,"
  "  at          INTEGER NOT NULL,"
  "  facility_id INTEGER NOT NULL,"
  "  person_id   INTEGER,"
  "  person_name TEXT,"
  "  door_id     INTEGER,"
  "  door_name   TEXT,"
  "  allowed     INTEGER NOT NULL,"
  "  reason      TEXT NOT NULL,"
  "  matched     TEXT"
  ");"
  "CREATE INDEX access_log_by_facility ON access_log (facility_id, id);"
  "CREATE INDEX access_log_by_person ON access_log (person_id, id);"
  "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN"
  "  SELECT RAISE (ABORT, 'the access log is append-only');"
  "END;"
  "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN"
  "  SELECT RAISE (ABORT, 'the access log is append-only');"
  "END;";

/*
 * Version 2: what a Lanyard server keeps beside the store — one-time
 * sign-in codes, bearer tokens and the outgoing mail queue. Codes and
 * tokens are stored only as hashes.
 */
static const char schema_v2[] =
  "CREATE TABLE sign_in_code ("
  "  id          INTEGER PRIMARY KEY,"
  "  staff_id    INTEGER NOT NULL REFERENCES staff_account (id) ON DELETE CASCADE,"
  "  code_hash   TEXT NOT NULL,"
  "  salt        TEXT NOT NULL,"
  "  created_at  INTEGER NOT NULL,"
  "  expires_at  INTEGER NOT NULL,"
  "  attempts    INTEGER NOT NULL DEFAULT 0,"
  "  spent       INTEGER NOT NULL DEFAULT 0,"
  "  client      TEXT"
  ");"
  "CREATE INDEX sign_in_code_by_staff ON sign_in_code (staff_id, id);"
  "CREATE INDEX sign_in_code_by_client ON sign_in_code (client, created_at);"
  "CREATE TABLE auth_token ("
  "  id           INTEGER PRIMARY KEY,"
  "  staff_id     INTEGER NOT NULL REFERENCES staff_account (id) ON DELETE CASCADE,"
  "  token_hash   TEXT NOT NULL UNIQUE,"
  "  created_at   INTEGER NOT NULL,"
  "  expires_at   INTEGER NOT NULL,"
  "  last_used_at INTEGER NOT NULL DEFAULT 0,"
  "  revoked_at   INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX auth_token_by_staff ON auth_token (staff_id);"
  "CREATE TABLE mail_queue ("
  "  id              INTEGER PRIMARY KEY,"
  "  created_at      INTEGER NOT NULL,"
  "  recipient       TEXT NOT NULL,"
  "  subject         TEXT NOT NULL,"
  "  body            TEXT NOT NULL,"
  "  attempts        INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL,"
  "  last_error      TEXT,"
  "  sent_at         INTEGER NOT NULL DEFAULT 0,"
  /* 0: never. Past it an unsent mail is not sent (a sign-in code dies with the code) and its body is cleared. */
  "  expires_at      INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at) WHERE sent_at = 0;";

static const LanyardMigration migrations[] = {
  { 1, schema_v1 },
  { 2, schema_v2 },
};

int
lanyard_sqlite_schema_version (void)
{
  return migrations[G_N_ELEMENTS (migrations) - 1].version;
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                   _("The database could not be updated: %s"), message ? message : sqlite3_errmsg (db));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
query_int (sqlite3     *db,
           const char  *sql,
           int         *out_value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      int code = (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
               ? LANYARD_STORE_ERROR_UNAVAILABLE : LANYARD_STORE_ERROR_FAILED;

      if (rc == SQLITE_NOTADB)
        g_set_error_literal (error, LANYARD_STORE_ERROR, code,
                             _("The file is not a database"));
      else
        g_set_error (error, LANYARD_STORE_ERROR, code,
                     _("The database could not be read: %s"), sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      return FALSE;
    }

  *out_value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

gboolean
lanyard_sqlite_backup_to_file (sqlite3     *db,
                               const char  *dest_path,
                               GError     **error)
{
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;

  rc = sqlite3_open_v2 (dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    {
      backup = sqlite3_backup_init (dest, "main", db, "main");
      if (backup != NULL)
        {
          rc = sqlite3_backup_step (backup, -1);
          sqlite3_backup_finish (backup);
          if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        }
      else
        rc = sqlite3_errcode (dest);
    }

  if (rc != SQLITE_OK)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                   _("Could not copy the database to “%s”: %s"),
                   dest_path, dest ? sqlite3_errmsg (dest) : sqlite3_errstr (rc));
      sqlite3_close (dest);
      g_unlink (dest_path);
      return FALSE;
    }

  sqlite3_close (dest);
  return TRUE;
}

static char *
backup_path_for (const char *path,
                 int         version)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  return g_strdup_printf ("%s.schema-%d.%s.bak", path, version, stamp);
}

gboolean
lanyard_sqlite_schema_upgrade_with (sqlite3                *db,
                                    const char             *path,
                                    const LanyardMigration *steps,
                                    guint                   n_steps,
                                    char                  **out_backup_path,
                                    GError                **error)
{
  g_autofree char *backup_path = NULL;
  int current = steps[n_steps - 1].version;
  int version = 0;
  int application_id = 0;
  int n_tables = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (steps != NULL && n_steps > 0, FALSE);

  if (out_backup_path != NULL)
    *out_backup_path = NULL;

  if (!query_int (db, "PRAGMA user_version", &version, error) ||
      !query_int (db, "PRAGMA application_id", &application_id, error) ||
      !query_int (db, "SELECT count(*) FROM sqlite_schema", &n_tables, error))
    return FALSE;

  if (n_tables > 0 && application_id != LANYARD_SQLITE_APPLICATION_ID)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("“%s” is a database of another program, not a Lanyard database"), path);
      return FALSE;
    }

  if (version > current)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("“%s” was written by a newer version of Lanyard (schema %d); "
                     "this version reads schemas up to %d. Update Lanyard to open it."),
                   path, version, current);
      return FALSE;
    }

  if (version == current)
    return TRUE;

  /* An existing database is copied aside before anything touches it. */
  if (n_tables > 0)
    {
      backup_path = backup_path_for (path, version);
      if (!lanyard_sqlite_backup_to_file (db, backup_path, error))
        return FALSE;
    }

  if (!exec_sql (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = 0; i < n_steps; i++)
    {
      if (steps[i].version <= version)
        continue;

      if (!exec_sql (db, steps[i].sql, error))
        {
          exec_sql (db, "ROLLBACK", NULL);
          return FALSE;
        }
    }

  {
    g_autofree char *pragmas = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d;",
                                                current, LANYARD_SQLITE_APPLICATION_ID);

    if (!exec_sql (db, pragmas, error) || !exec_sql (db, "COMMIT", error))
      {
        exec_sql (db, "ROLLBACK", NULL);
        return FALSE;
      }
  }

  if (backup_path != NULL)
    g_info ("Migrated %s from schema %d to %d; the old file is kept as %s",
            path, version, current, backup_path);

  if (out_backup_path != NULL)
    *out_backup_path = g_steal_pointer (&backup_path);

  return TRUE;
}

gboolean
lanyard_sqlite_schema_upgrade (sqlite3     *db,
                               const char  *path,
                               char       **out_backup_path,
                               GError     **error)
{
  return lanyard_sqlite_schema_upgrade_with (db, path, migrations, G_N_ELEMENTS (migrations),
                                             out_backup_path, error);
}
