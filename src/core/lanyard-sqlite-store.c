/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "lanyard-enums.h"
#include "lanyard-phone.h"
#include "lanyard-sqlite-schema-private.h"
#include "lanyard-sqlite-store.h"
#include "lanyard-sqlite-store-private.h"
#include "lanyard-text.h"
#include "lanyard-util-private.h"

/*
 * Two connections: one for writes, one for reads. In WAL mode a reader is
 * never blocked by a writer, so the People list stays responsive while a
 * long write (an import, a rule change that recomputes a million people)
 * runs. Each connection has its own lock and its own statement cache.
 */
typedef struct {
  sqlite3    *db;
  GHashTable *statements;  /* SQL text → sqlite3_stmt */
  GMutex      lock;
} Conn;

/* Below this many search candidates the trigram index drives the query; above, the sort index does. */
#define SEARCH_SPARSE_LIMIT 4000

#define DEFAULT_PAGE_SIZE 50
#define MAX_PAGE_SIZE 1000

/* Tags and IP lists are stored joined with the ASCII unit separator. */
#define LIST_SEPARATOR "\x1f"

struct _LanyardSqliteStore
{
  GObject     parent_instance;

  char       *path;
  char       *actor;
  char       *migration_backup;

  Conn        writer;
  Conn        reader;

  /* Rows a dense search walks per call (SCAN_BUDGET; smaller in tests). */
  guint       scan_budget;

  /* The phone-region setting, kept at hand for forms; guarded by region_lock. */
  char       *phone_region;
  GMutex      region_lock;

  /* facility id → PolicyCacheEntry, guarded by policy_lock */
  GHashTable *policies;
  GMutex      policy_lock;
};

typedef struct {
  gint64               policy_version;
  LanyardAccessPolicy *policy;
} PolicyCacheEntry;

static void lanyard_sqlite_store_iface_init (LanyardStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LanyardSqliteStore, lanyard_sqlite_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (LANYARD_TYPE_STORE, lanyard_sqlite_store_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  PROP_ACTOR,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/* ------------------------------------------------------------------------ */
/* Connections, statements, errors                                           */

static void
policy_cache_entry_free (gpointer data)
{
  PolicyCacheEntry *entry = data;

  lanyard_access_policy_unref (entry->policy);
  g_free (entry);
}

static void
statement_free (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
conn_init (Conn *conn)
{
  g_mutex_init (&conn->lock);
  conn->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            statement_free);
}

static void
conn_clear (Conn *conn)
{
  g_clear_pointer (&conn->statements, g_hash_table_unref);
  g_clear_pointer (&conn->db, sqlite3_close);
  g_mutex_clear (&conn->lock);
}

static void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  int          rc)
{
  int primary = rc & 0xff;
  int code;

  switch (primary)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      code = LANYARD_STORE_ERROR_UNAVAILABLE;
      break;

    case SQLITE_CONSTRAINT:
      code = LANYARD_STORE_ERROR_INVALID;
      break;

    default:
      code = LANYARD_STORE_ERROR_FAILED;
    }

  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    g_set_error_literal (error, LANYARD_STORE_ERROR, code,
                         _("The database is busy with another change; try again in a moment"));
  else if (primary == SQLITE_FULL)
    g_set_error_literal (error, LANYARD_STORE_ERROR, code,
                         _("The disk is full; nothing was changed"));
  else if (primary == SQLITE_READONLY || primary == SQLITE_PERM)
    g_set_error_literal (error, LANYARD_STORE_ERROR, code,
                         _("The database file cannot be written to"));
  else
    g_set_error (error, LANYARD_STORE_ERROR, code,
                 _("Database error: %s"), db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

/* A cached, reset statement; NULL with @error set when the SQL does not prepare. */
static sqlite3_stmt *
conn_prepare (Conn        *conn,
              const char  *sql,
              GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = g_hash_table_lookup (conn->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, conn->db, rc);
      return NULL;
    }

  g_hash_table_insert (conn->statements, g_strdup (sql), stmt);
  return stmt;
}

static gboolean
conn_exec (Conn        *conn,
           const char  *sql,
           GError     **error)
{
  int rc = sqlite3_exec (conn->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, conn->db, rc);
      return FALSE;
    }

  return TRUE;
}

/* Runs a statement that returns no rows. */
static gboolean
stmt_run (Conn          *conn,
          sqlite3_stmt  *stmt,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (error, conn->db, rc);
      return FALSE;
    }

  return TRUE;
}

static gboolean
step_failed (Conn    *conn,
             int      rc,
             GError **error)
{
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return FALSE;

  set_sqlite_error (error, conn->db, rc);
  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

static char *
join_list (const char * const *items)
{
  if (items == NULL || items[0] == NULL)
    return NULL;

  return g_strjoinv (LIST_SEPARATOR, (char **)items);
}

static char **
column_list (sqlite3_stmt *stmt,
             int           column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);

  if (text == NULL || *text == '\0')
    return NULL;

  return g_strsplit (text, LIST_SEPARATOR, -1);
}

static gboolean
begin_write (Conn    *conn,
             GError **error)
{
  return conn_exec (conn, "BEGIN IMMEDIATE", error);
}

static gboolean
commit_write (Conn    *conn,
              GError **error)
{
  if (conn_exec (conn, "COMMIT", error))
    return TRUE;

  conn_exec (conn, "ROLLBACK", NULL);
  return FALSE;
}

static void
rollback_write (Conn *conn)
{
  if (!sqlite3_get_autocommit (conn->db))
    conn_exec (conn, "ROLLBACK", NULL);
}

/* ------------------------------------------------------------------------ */
/* SQL functions                                                             */

static void
search_terms_free (gpointer data)
{
  g_strfreev (data);
}

/* lanyard_search_match (search_text, query): every term of the query is in the text. */
static void
sql_search_match (sqlite3_context  *context,
                  int               argc,
                  sqlite3_value   **argv)
{
  const char *text = (const char *)sqlite3_value_text (argv[0]);
  char **terms = sqlite3_get_auxdata (context, 1);

  if (terms == NULL)
    {
      terms = lanyard_search_terms ((const char *)sqlite3_value_text (argv[1]));
      sqlite3_set_auxdata (context, 1, terms, search_terms_free);
      /* SQLite may have freed it already if it could not keep it. */
      terms = sqlite3_get_auxdata (context, 1);
      if (terms == NULL)
        {
          g_auto(GStrv) once = lanyard_search_terms ((const char *)sqlite3_value_text (argv[1]));

          sqlite3_result_int (context, text && lanyard_search_text_matches (text, (const char * const *)once));
          return;
        }
    }

  sqlite3_result_int (context, text != NULL && lanyard_search_text_matches (text, (const char * const *)terms));
}

static gboolean
conn_open (Conn        *conn,
           const char  *path,
           GError     **error)
{
  int rc;

  rc = sqlite3_open_v2 (path, &conn->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("Could not open the database “%s”: %s"),
                   path, conn->db ? sqlite3_errmsg (conn->db) : sqlite3_errstr (rc));
      return FALSE;
    }

  sqlite3_extended_result_codes (conn->db, TRUE);
  sqlite3_busy_timeout (conn->db, 5000);
  sqlite3_create_function (conn->db, "lanyard_search_match", 2,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                           NULL, sql_search_match, NULL, NULL);

  rc = sqlite3_exec (conn->db,
                     "PRAGMA foreign_keys = ON;"
                     "PRAGMA synchronous = NORMAL;"
                     "PRAGMA temp_store = MEMORY;",
                     NULL, NULL, NULL);
  if ((rc & 0xff) == SQLITE_NOTADB)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("“%s” is not a Lanyard database (it is not a database at all)"), path);
      return FALSE;
    }
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, conn->db, rc);
      g_prefix_error (error, _("Could not open the database “%s”: "), path);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Audit                                                                     */

/* Appends @text as a JSON string literal. */
static void
json_append_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if ((guchar)*p < 0x20)
            g_string_append_printf (out, "\\u%04x", (guchar)*p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
json_append_value (GString      *out,
                   const GValue *value)
{
  GType type = G_VALUE_TYPE (value);

  if (type == G_TYPE_STRING)
    {
      const char *text = g_value_get_string (value);

      if (text != NULL)
        json_append_string (out, text);
      else
        g_string_append (out, "null");
    }
  else if (type == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, g_value_get_int64 (value));
  else if (type == G_TYPE_INT)
    g_string_append_printf (out, "%d", g_value_get_int (value));
  else if (type == G_TYPE_BOOLEAN)
    g_string_append (out, g_value_get_boolean (value) ? "true" : "false");
  else if (G_TYPE_IS_ENUM (type))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (type);
      GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (value));

      json_append_string (out, ev ? ev->value_nick : "");
    }
  else if (type == G_TYPE_STRV)
    {
      const char * const *strv = g_value_get_boxed (value);

      g_string_append_c (out, '[');
      for (guint i = 0; strv && strv[i]; i++)
        {
          if (i)
            g_string_append_c (out, ',');
          json_append_string (out, strv[i]);
        }
      g_string_append_c (out, ']');
    }
  else if (type == LANYARD_TYPE_SCHEDULE && g_value_get_boxed (value) != NULL)
    {
      g_autofree char *text = lanyard_schedule_to_string (g_value_get_boxed (value));

      json_append_string (out, text);
    }
  else
    g_string_append (out, "null");
}

/* Properties the store computes: not changes anyone made. */
static gboolean
is_bookkeeping_property (const char *name)
{
  static const char * const names[] = {
    "id", "version", "created-at", "updated-at", "has-access", "grant-count", "facility-id",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (name, names[i]) == 0)
      return TRUE;

  return FALSE;
}

/*
 * The properties of @type that are audited, looked up once per type: the
 * audit runs for every person of a bulk import.
 */
static GParamSpec **
audited_properties (GType  type,
                    guint *n_out)
{
  static gsize quark;
  GPtrArray *list;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("lanyard-audited-properties"));

  list = g_type_get_qdata (type, quark);
  if (list == NULL)
    {
      static GMutex lock;
      g_autoptr(GTypeClass) klass = g_type_class_ref (type);
      g_autofree GParamSpec **pspecs = NULL;
      guint n_pspecs;

      g_mutex_lock (&lock);
      list = g_type_get_qdata (type, quark);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          pspecs = g_object_class_list_properties (G_OBJECT_CLASS (klass), &n_pspecs);
          for (guint i = 0; i < n_pspecs; i++)
            if (!is_bookkeeping_property (pspecs[i]->name))
              g_ptr_array_add (list, pspecs[i]);
          /* Kept for the life of the process, like the type itself. */
          g_type_set_qdata (type, quark, list);
        }
      g_mutex_unlock (&lock);
    }

  *n_out = list->len;
  return (GParamSpec **)list->pdata;
}

static gboolean
values_equal (GParamSpec   *pspec,
              const GValue *a,
              const GValue *b)
{
  if (pspec->value_type == G_TYPE_STRV)
    return lanyard_strv_equal0 (g_value_get_boxed (a), g_value_get_boxed (b));

  if (pspec->value_type == LANYARD_TYPE_SCHEDULE)
    {
      LanyardSchedule *x = g_value_get_boxed (a);
      LanyardSchedule *y = g_value_get_boxed (b);

      return x == y || (x && y && lanyard_schedule_equal (x, y));
    }

  return g_param_values_cmp (pspec, a, b) == 0;
}

/*
 * The changes between two versions of a record as a JSON object
 * {"field": [before, after]}, over its GObject properties. Either side may
 * be NULL (created, deleted). Returns NULL when nothing changed.
 */
static char *
diff_objects (GObject *before,
              GObject *after)
{
  GObject *any = before ? before : after;
  g_autoptr(GString) out = g_string_new ("{");
  GParamSpec **pspecs;
  guint n_pspecs;
  guint n_changes = 0;

  g_assert (any != NULL);

  pspecs = audited_properties (G_OBJECT_TYPE (any), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) old_value = G_VALUE_INIT;
      g_auto(GValue) new_value = G_VALUE_INIT;

      g_value_init (&old_value, pspecs[i]->value_type);
      g_value_init (&new_value, pspecs[i]->value_type);
      if (before)
        g_object_get_property (before, pspecs[i]->name, &old_value);
      else
        g_param_value_set_default (pspecs[i], &old_value);
      if (after)
        g_object_get_property (after, pspecs[i]->name, &new_value);
      else
        g_param_value_set_default (pspecs[i], &new_value);

      if (values_equal (pspecs[i], &old_value, &new_value))
        continue;

      /*
       * A created or deleted record lists its fields that are not at their
       * defaults; the side that does not exist is null, not the default.
       */
      if (n_changes++)
        g_string_append_c (out, ',');
      json_append_string (out, pspecs[i]->name);
      g_string_append (out, ":[");
      if (before)
        json_append_value (out, &old_value);
      else
        g_string_append (out, "null");
      g_string_append_c (out, ',');
      if (after)
        json_append_value (out, &new_value);
      else
        g_string_append (out, "null");
      g_string_append_c (out, ']');
    }

  if (n_changes == 0)
    return NULL;

  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* lanyard_sqlite_store_set_thread_actor() */
static GPrivate thread_actor = G_PRIVATE_INIT (g_free);

static gboolean
audit (LanyardSqliteStore  *self,
       const char          *action,
       gint64               facility_id,
       const char          *target_kind,
       gint64               target_id,
       const char          *target_label,
       const char          *changes,
       GError             **error)
{
  sqlite3_stmt *stmt;

  stmt = conn_prepare (&self->writer,
                       "INSERT INTO audit_event (at, actor, action, facility_id, target_kind, target_id, target_label, changes)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  bind_text (stmt, 2, g_private_get (&thread_actor) ? g_private_get (&thread_actor) : self->actor);
  bind_text (stmt, 3, action);
  sqlite3_bind_int64 (stmt, 4, facility_id);
  bind_text (stmt, 5, target_kind);
  sqlite3_bind_int64 (stmt, 6, target_id);
  bind_text (stmt, 7, target_label);
  bind_text (stmt, 8, changes);

  return stmt_run (&self->writer, stmt, error);
}

static gboolean
audit_objects (LanyardSqliteStore  *self,
               const char          *action,
               gint64               facility_id,
               const char          *target_kind,
               gint64               target_id,
               const char          *target_label,
               GObject             *before,
               GObject             *after,
               GError             **error)
{
  g_autofree char *changes = diff_objects (before, after);

  return audit (self, action, facility_id, target_kind, target_id, target_label, changes, error);
}

/* ------------------------------------------------------------------------ */
/* Facilities                                                                */

typedef enum {
  RECORD_FACILITY,
  RECORD_DOOR,
  RECORD_SCOPE,
  RECORD_RULE,
  RECORD_PERSON,
} RecordKind;

static void
set_not_found (GError     **error,
               RecordKind   kind,
               gint64       id)
{
  switch (kind)
    {
    case RECORD_FACILITY:
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                   _("There is no facility with id %" PRId64), id);
      break;
    case RECORD_DOOR:
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                   _("There is no door with id %" PRId64), id);
      break;
    case RECORD_SCOPE:
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                   _("There is no access scope with id %" PRId64), id);
      break;
    case RECORD_RULE:
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                   _("There is no access rule with id %" PRId64), id);
      break;
    case RECORD_PERSON:
    default:
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                   _("There is no person with id %" PRId64 "; they may have been deleted"), id);
      break;
    }
}

/*
 * Reads the one row @sql (with a single id parameter) selects and makes an
 * object of it; a missing row is LANYARD_STORE_ERROR_NOT_FOUND.
 */
static gpointer
load_one (Conn          *conn,
          const char    *sql,
          gint64         id,
          gpointer     (*from_stmt) (sqlite3_stmt *),
          RecordKind     kind,
          GError       **error)
{
  sqlite3_stmt *stmt;
  gpointer object = NULL;
  int rc;

  if (!(stmt = conn_prepare (conn, sql, error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    object = from_stmt (stmt);
  sqlite3_reset (stmt);

  if (object == NULL && !step_failed (conn, rc, error))
    set_not_found (error, kind, id);

  return object;
}

#define FACILITY_COLUMNS "id, name, timezone, version"

static LanyardFacility *
facility_from_stmt (sqlite3_stmt *stmt)
{
  LanyardFacility *facility = lanyard_facility_new ();

  lanyard_facility_set_id (facility, sqlite3_column_int64 (stmt, 0));
  lanyard_facility_set_name (facility, (const char *)sqlite3_column_text (stmt, 1));
  lanyard_facility_set_timezone (facility, (const char *)sqlite3_column_text (stmt, 2));
  lanyard_facility_set_version (facility, sqlite3_column_int64 (stmt, 3));

  return facility;
}

static LanyardFacility *
load_facility (Conn     *conn,
               gint64    facility_id,
               GError  **error)
{
  return load_one (conn, "SELECT " FACILITY_COLUMNS " FROM facility WHERE id = ?", facility_id,
                   (gpointer (*) (sqlite3_stmt *))facility_from_stmt,
                   RECORD_FACILITY, error);
}

static GPtrArray *
lanyard_sqlite_store_list_facilities (LanyardStore  *store,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->reader.lock);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = conn_prepare (&self->reader, "SELECT " FACILITY_COLUMNS " FROM facility ORDER BY name", error)))
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, facility_from_stmt (stmt));
  sqlite3_reset (stmt);

  if (step_failed (&self->reader, rc, error))
    return NULL;

  return g_steal_pointer (&result);
}

/* Bumps the facility's policy version inside the current write transaction. */
static gboolean
touch_policy (LanyardSqliteStore  *self,
              gint64               facility_id,
              GError             **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = conn_prepare (&self->writer,
                             "UPDATE facility SET policy_version = policy_version + 1 WHERE id = ?",
                             error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, facility_id);
  return stmt_run (&self->writer, stmt, error);
}

static gboolean recompute_facility_full (LanyardSqliteStore *self,
                                         gint64              facility_id,
                                         GPtrArray          *problems,
                                         GCancellable       *cancellable,
                                         GError            **error);

static gboolean check_grant_list (GPtrArray  *grants,
                                  GError    **error);

static gboolean stats_add (Conn    *conn,
                           gint64   facility_id,
                           gint64   d_people,
                           gint64   d_with_access,
                           GError **error);

#define recompute_facility(self, facility_id, cancellable, error) \
  recompute_facility_full ((self), (facility_id), NULL, (cancellable), (error))

static char *
normalize_record_name (const char  *name,
                       const char  *what,
                       GError     **error)
{
  return lanyard_name_normalize (name, what, error);
}

static LanyardFacility *
lanyard_sqlite_store_save_facility (LanyardStore     *store,
                                    LanyardFacility  *facility,
                                    GCancellable     *cancellable,
                                    GError          **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(LanyardFacility) before = NULL;
  g_autoptr(LanyardFacility) after = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *name = NULL;
  const char *timezone = lanyard_facility_get_timezone (facility);
  gint64 id = lanyard_facility_get_id (facility);
  sqlite3_stmt *stmt;
  int rc;

  if (!(name = normalize_record_name (lanyard_facility_get_name (facility), _("Facility name"), error)))
    return NULL;

  if (timezone == NULL || !(tz = g_time_zone_new_identifier (timezone)))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” is not a known time zone; use a name like Europe/Berlin"),
                   timezone ? timezone : "");
      return NULL;
    }

  locker = g_mutex_locker_new (&self->writer.lock);
  if (!begin_write (&self->writer, error))
    return NULL;

  if (id != 0)
    {
      if (!(before = load_facility (&self->writer, id, error)))
        goto failed;

      if (lanyard_facility_get_version (before) != lanyard_facility_get_version (facility))
        {
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT,
                       _("The facility “%s” was changed by someone else; reload it to see the change"),
                       lanyard_facility_get_name (before));
          goto failed;
        }

      if (!(stmt = conn_prepare (&self->writer,
                                 "UPDATE facility SET name = ?, timezone = ?, version = version + 1,"
                                 " policy_version = policy_version + 1, updated_at = ? WHERE id = ?",
                                 error)))
        goto failed;
      sqlite3_bind_int64 (stmt, 4, id);
    }
  else if (!(stmt = conn_prepare (&self->writer,
                                  "INSERT INTO facility (name, timezone, updated_at, created_at) VALUES (?, ?, ?, ?3)",
                                  error)))
    goto failed;

  bind_text (stmt, 1, name);
  bind_text (stmt, 2, timezone);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE,
                   _("There is already a facility called “%s”"), name);
      goto failed;
    }
  if (step_failed (&self->writer, rc, error))
    goto failed;

  if (id == 0)
    id = sqlite3_last_insert_rowid (self->writer.db);

  if (!(after = load_facility (&self->writer, id, error)) ||
      !audit_objects (self, before ? "facility.update" : "facility.create", id, "facility", id, name,
                      (GObject *)before, (GObject *)after, error) ||
      !commit_write (&self->writer, error))
    goto failed;

  return g_steal_pointer (&after);

failed:
  rollback_write (&self->writer);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Doors                                                                     */

#define DOOR_COLUMNS "id, facility_id, name, version"

static LanyardDoor *
door_from_stmt (sqlite3_stmt *stmt)
{
  LanyardDoor *door = lanyard_door_new ();

  lanyard_door_set_id (door, sqlite3_column_int64 (stmt, 0));
  lanyard_door_set_facility_id (door, sqlite3_column_int64 (stmt, 1));
  lanyard_door_set_name (door, (const char *)sqlite3_column_text (stmt, 2));
  lanyard_door_set_version (door, sqlite3_column_int64 (stmt, 3));

  return door;
}

static LanyardDoor *
load_door (Conn     *conn,
           gint64    door_id,
           GError  **error)
{
  return load_one (conn, "SELECT " DOOR_COLUMNS " FROM door WHERE id = ?", door_id,
                   (gpointer (*) (sqlite3_stmt *))door_from_stmt, RECORD_DOOR, error);
}

static GPtrArray *
list_by_facility (Conn          *conn,
                  const char    *sql,
                  gint64         facility_id,
                  gpointer     (*from_stmt) (sqlite3_stmt *),
                  GError       **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = conn_prepare (conn, sql, error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, facility_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, from_stmt (stmt));
  sqlite3_reset (stmt);

  if (step_failed (conn, rc, error))
    return NULL;

  return g_steal_pointer (&result);
}

static GPtrArray *
lanyard_sqlite_store_list_doors (LanyardStore  *store,
                                 gint64         facility_id,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->reader.lock);

  return list_by_facility (&self->reader,
                           "SELECT " DOOR_COLUMNS " FROM door WHERE facility_id = ? ORDER BY name, id",
                           facility_id, (gpointer (*) (sqlite3_stmt *))door_from_stmt, error);
}

static gboolean
check_facility_exists (LanyardSqliteStore  *self,
                       gint64               facility_id,
                       GError             **error)
{
  g_autoptr(LanyardFacility) facility = load_facility (&self->writer, facility_id, error);

  return facility != NULL;
}

static LanyardDoor *
lanyard_sqlite_store_save_door (LanyardStore  *store,
                                LanyardDoor   *door,
                                GCancellable  *cancellable,
                                GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(LanyardDoor) before = NULL;
  g_autoptr(LanyardDoor) after = NULL;
  g_autofree char *name = NULL;
  gint64 id = lanyard_door_get_id (door);
  gint64 facility_id = lanyard_door_get_facility_id (door);
  sqlite3_stmt *stmt;
  int rc;

  if (!(name = normalize_record_name (lanyard_door_get_name (door), _("Door name"), error)))
    return NULL;

  locker = g_mutex_locker_new (&self->writer.lock);
  if (!begin_write (&self->writer, error))
    return NULL;

  if (id != 0)
    {
      if (!(before = load_door (&self->writer, id, error)))
        goto failed;
      facility_id = lanyard_door_get_facility_id (before);
      if (lanyard_door_get_version (before) != lanyard_door_get_version (door))
        {
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT,
                       _("The door “%s” was changed by someone else; reload it to see the change"),
                       lanyard_door_get_name (before));
          goto failed;
        }
      if (!(stmt = conn_prepare (&self->writer,
                                 "UPDATE door SET name = ?, version = version + 1 WHERE id = ?", error)))
        goto failed;
      sqlite3_bind_int64 (stmt, 2, id);
    }
  else
    {
      if (!check_facility_exists (self, facility_id, error))
        goto failed;
      if (!(stmt = conn_prepare (&self->writer, "INSERT INTO door (name, facility_id) VALUES (?, ?)", error)))
        goto failed;
      sqlite3_bind_int64 (stmt, 2, facility_id);
    }

  bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE,
                   _("This facility already has a door called “%s”"), name);
      goto failed;
    }
  if (step_failed (&self->writer, rc, error))
    goto failed;

  if (id == 0)
    id = sqlite3_last_insert_rowid (self->writer.db);

  /* A new door can give access to everyone a rule on all doors covers. */
  if (!(after = load_door (&self->writer, id, error)) ||
      !audit_objects (self, before ? "door.update" : "door.create", facility_id, "door", id, name,
                      (GObject *)before, (GObject *)after, error) ||
      !touch_policy (self, facility_id, error) ||
      (before == NULL && !recompute_facility (self, facility_id, cancellable, error)) ||
      !commit_write (&self->writer, error))
    goto failed;

  return g_steal_pointer (&after);

failed:
  rollback_write (&self->writer);
  return NULL;
}

static gboolean
lanyard_sqlite_store_delete_door (LanyardStore  *store,
                                  gint64         door_id,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->writer.lock);
  g_autoptr(LanyardDoor) before = NULL;
  sqlite3_stmt *stmt;
  gint64 facility_id;

  if (!begin_write (&self->writer, error))
    return FALSE;

  if (!(before = load_door (&self->writer, door_id, error)))
    goto failed;
  facility_id = lanyard_door_get_facility_id (before);

  /* Grants on the door and its place in scopes and rules go with it (ON DELETE CASCADE). */
  if (!(stmt = conn_prepare (&self->writer, "DELETE FROM door WHERE id = ?", error)))
    goto failed;
  sqlite3_bind_int64 (stmt, 1, door_id);
  if (!stmt_run (&self->writer, stmt, error) ||
      !audit_objects (self, "door.delete", facility_id, "door", door_id,
                      lanyard_door_get_name (before), (GObject *)before, NULL, error) ||
      !touch_policy (self, facility_id, error) ||
      !recompute_facility (self, facility_id, cancellable, error) ||
      !commit_write (&self->writer, error))
    goto failed;

  return TRUE;

failed:
  rollback_write (&self->writer);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Scopes                                                                    */

static gboolean
load_id_list (Conn        *conn,
              const char  *sql,
              gint64       owner_id,
              GArray      *out_ids,
              GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = conn_prepare (conn, sql, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, owner_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (out_ids, id);
    }
  sqlite3_reset (stmt);

  return !step_failed (conn, rc, error);
}

static LanyardScope *
scope_from_stmt (sqlite3_stmt *stmt)
{
  LanyardScope *scope = lanyard_scope_new ();

  lanyard_scope_set_id (scope, sqlite3_column_int64 (stmt, 0));
  lanyard_scope_set_facility_id (scope, sqlite3_column_int64 (stmt, 1));
  lanyard_scope_set_name (scope, (const char *)sqlite3_column_text (stmt, 2));
  lanyard_scope_set_version (scope, sqlite3_column_int64 (stmt, 3));

  return scope;
}

static gboolean
fill_scope_doors (Conn          *conn,
                  LanyardScope  *scope,
                  GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!load_id_list (conn, "SELECT door_id FROM scope_door WHERE scope_id = ? ORDER BY door_id",
                     lanyard_scope_get_id (scope), ids, error))
    return FALSE;

  lanyard_scope_set_door_ids (scope, (const gint64 *)(gpointer)ids->data, ids->len);
  return TRUE;
}

static LanyardScope *
load_scope (Conn     *conn,
            gint64    scope_id,
            GError  **error)
{
  g_autoptr(LanyardScope) scope = NULL;

  scope = load_one (conn, "SELECT id, facility_id, name, version FROM scope WHERE id = ?", scope_id,
                    (gpointer (*) (sqlite3_stmt *))scope_from_stmt, RECORD_SCOPE, error);
  if (scope == NULL || !fill_scope_doors (conn, scope, error))
    return NULL;

  return g_steal_pointer (&scope);
}

static GPtrArray *
lanyard_sqlite_store_list_scopes (LanyardStore  *store,
                                  gint64         facility_id,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->reader.lock);
  g_autoptr(GPtrArray) scopes = NULL;

  scopes = list_by_facility (&self->reader,
                             "SELECT id, facility_id, name, version FROM scope WHERE facility_id = ? ORDER BY name, id",
                             facility_id, (gpointer (*) (sqlite3_stmt *))scope_from_stmt, error);
  if (scopes == NULL)
    return NULL;

  for (guint i = 0; i < scopes->len; i++)
    if (!fill_scope_doors (&self->reader, g_ptr_array_index (scopes, i), error))
      return NULL;

  return g_steal_pointer (&scopes);
}

/*
 * Checks that every id names a door (or scope) of @facility_id; unknown ones
 * are refused by name of the kind and id.
 */
static gboolean
check_ids_in_facility (Conn          *conn,
                       const char    *table,
                       gint64         facility_id,
                       const gint64  *ids,
                       guint          n_ids,
                       GError       **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT facility_id FROM %s WHERE id = ?", table);
  sqlite3_stmt *stmt;

  if (!(stmt = conn_prepare (conn, sql, error)))
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    {
      gboolean ok;
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      ok = rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) == facility_id;
      sqlite3_reset (stmt);
      if (step_failed (conn, rc, error))
        return FALSE;
      if (!ok)
        {
          if (strcmp (table, "door") == 0)
            g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                         _("There is no door with id %" PRId64 " at this facility"), ids[i]);
          else
            g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                         _("There is no access scope with id %" PRId64 " at this facility"), ids[i]);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
replace_links (Conn          *conn,
               const char    *delete_sql,
               const char    *insert_sql,
               gint64         owner_id,
               const gint64  *ids,
               guint          n_ids,
               GError       **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = conn_prepare (conn, delete_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, owner_id);
  if (!stmt_run (conn, stmt, error))
    return FALSE;

  if (!(stmt = conn_prepare (conn, insert_sql, error)))
    return FALSE;
  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_bind_int64 (stmt, 1, owner_id);
      sqlite3_bind_int64 (stmt, 2, ids[i]);
      if (!stmt_run (conn, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static LanyardScope *
lanyard_sqlite_store_save_scope (LanyardStore  *store,
                                 LanyardScope  *scope,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(LanyardScope) before = NULL;
  g_autoptr(LanyardScope) after = NULL;
  g_autofree char *name = NULL;
  gint64 id = lanyard_scope_get_id (scope);
  gint64 facility_id = lanyard_scope_get_facility_id (scope);
  const gint64 *door_ids;
  guint n_doors;
  sqlite3_stmt *stmt;
  int rc;

  if (!(name = normalize_record_name (lanyard_scope_get_name (scope), _("Scope name"), error)))
    return NULL;
  door_ids = lanyard_scope_get_door_ids (scope, &n_doors);

  locker = g_mutex_locker_new (&self->writer.lock);
  if (!begin_write (&self->writer, error))
    return NULL;

  if (id != 0)
    {
      if (!(before = load_scope (&self->writer, id, error)))
        goto failed;
      facility_id = lanyard_scope_get_facility_id (before);
      if (lanyard_scope_get_version (before) != lanyard_scope_get_version (scope))
        {
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT,
                       _("The access scope “%s” was changed by someone else; reload it to see the change"),
                       lanyard_scope_get_name (before));
          goto failed;
        }
      if (!(stmt = conn_prepare (&self->writer,
                                 "UPDATE scope SET name = ?, version = version + 1 WHERE id = ?", error)))
        goto failed;
      sqlite3_bind_int64 (stmt, 2, id);
    }
  else
    {
      if (!check_facility_exists (self, facility_id, error))
        goto failed;
      if (!(stmt = conn_prepare (&self->writer, "INSERT INTO scope (name, facility_id) VALUES (?, ?)", error)))
        goto failed;
      sqlite3_bind_int64 (stmt, 2, facility_id);
    }

  if (!check_ids_in_facility (&self->writer, "door", facility_id, door_ids, n_doors, error))
    goto failed;

  bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE,
                   _("This facility already has an access scope called “%s”"), name);
      goto failed;
    }
  if (step_failed (&self->writer, rc, error))
    goto failed;

  if (id == 0)
    id = sqlite3_last_insert_rowid (self->writer.db);

  if (!replace_links (&self->writer,
                      "DELETE FROM scope_door WHERE scope_id = ?",
                      "INSERT OR IGNORE INTO scope_door (scope_id, door_id) VALUES (?, ?)",
                      id, door_ids, n_doors, error))
    goto failed;

  if (!(after = load_scope (&self->writer, id, error)))
    goto failed;

  {
    g_autofree char *changes = diff_objects ((GObject *)before, (GObject *)after);
    g_autoptr(JsonObject) object = NULL;
    guint n_before = 0, n_after = 0;
    const gint64 *ids_before = before ? lanyard_scope_get_door_ids (before, &n_before) : NULL;
    const gint64 *ids_after = lanyard_scope_get_door_ids (after, &n_after);

    /* Door lists are not properties: add them to the change record by hand. */
    if (n_before != n_after || (n_before && memcmp (ids_before, ids_after, n_before * sizeof (gint64))))
      {
        g_autoptr(JsonNode) node = changes ? json_from_string (changes, NULL) : NULL;
        JsonArray *pair = json_array_new ();
        JsonArray *a = json_array_new ();
        JsonArray *b = json_array_new ();

        object = node ? json_object_ref (json_node_get_object (node)) : json_object_new ();
        for (guint i = 0; i < n_before; i++)
          json_array_add_int_element (a, ids_before[i]);
        for (guint i = 0; i < n_after; i++)
          json_array_add_int_element (b, ids_after[i]);
        json_array_add_array_element (pair, a);
        json_array_add_array_element (pair, b);
        json_object_set_array_member (object, "door-ids", pair);

        g_clear_pointer (&changes, g_free);
        {
          g_autoptr(JsonNode) out = json_node_init_object (json_node_alloc (), object);
          changes = json_to_string (out, FALSE);
        }
      }

    if (!audit (self, before ? "scope.update" : "scope.create", facility_id, "scope", id, name, changes, error))
      goto failed;
  }

  if (!touch_policy (self, facility_id, error) ||
      !recompute_facility (self, facility_id, cancellable, error) ||
      !commit_write (&self->writer, error))
    goto failed;

  return g_steal_pointer (&after);

failed:
  rollback_write (&self->writer);
  return NULL;
}

static gboolean
lanyard_sqlite_store_delete_scope (LanyardStore  *store,
                                   gint64         scope_id,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->writer.lock);
  g_autoptr(LanyardScope) before = NULL;
  sqlite3_stmt *stmt;
  gint64 facility_id;

  if (!begin_write (&self->writer, error))
    return FALSE;

  if (!(before = load_scope (&self->writer, scope_id, error)))
    goto failed;
  facility_id = lanyard_scope_get_facility_id (before);

  if (!(stmt = conn_prepare (&self->writer, "DELETE FROM scope WHERE id = ?", error)))
    goto failed;
  sqlite3_bind_int64 (stmt, 1, scope_id);
  if (!stmt_run (&self->writer, stmt, error) ||
      !audit_objects (self, "scope.delete", facility_id, "scope", scope_id,
                      lanyard_scope_get_name (before), (GObject *)before, NULL, error) ||
      !touch_policy (self, facility_id, error) ||
      !recompute_facility (self, facility_id, cancellable, error) ||
      !commit_write (&self->writer, error))
    goto failed;

  return TRUE;

failed:
  rollback_write (&self->writer);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Access rules                                                              */

#define RULE_COLUMNS "id, facility_id, name, enabled, condition, value, target, schedule, version"

static LanyardSchedule *
column_schedule (sqlite3_stmt *stmt,
                 int           column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);
  g_autoptr(GError) error = NULL;
  LanyardSchedule *schedule;

  if (text == NULL || *text == '\0')
    return NULL;

  /* Stored schedules were parsed before they were written; a bad one is damage. */
  schedule = lanyard_schedule_parse (text, &error);
  if (schedule == NULL)
    g_warning ("Stored schedule “%s” does not parse: %s", text, error->message);

  return schedule;
}

static LanyardAccessRule *
rule_from_stmt (sqlite3_stmt *stmt)
{
  LanyardAccessRule *rule = lanyard_access_rule_new ();
  g_autoptr(LanyardSchedule) schedule = column_schedule (stmt, 7);

  lanyard_access_rule_set_id (rule, sqlite3_column_int64 (stmt, 0));
  lanyard_access_rule_set_facility_id (rule, sqlite3_column_int64 (stmt, 1));
  lanyard_access_rule_set_name (rule, (const char *)sqlite3_column_text (stmt, 2));
  lanyard_access_rule_set_enabled (rule, sqlite3_column_int (stmt, 3));
  lanyard_access_rule_set_condition (rule, sqlite3_column_int (stmt, 4));
  lanyard_access_rule_set_value (rule, (const char *)sqlite3_column_text (stmt, 5));
  lanyard_access_rule_set_target (rule, sqlite3_column_int (stmt, 6));
  lanyard_access_rule_set_schedule (rule, schedule);
  lanyard_access_rule_set_version (rule, sqlite3_column_int64 (stmt, 8));

  return rule;
}

static gboolean
fill_rule_targets (Conn               *conn,
                   LanyardAccessRule  *rule,
                   GError            **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  switch (lanyard_access_rule_get_target (rule))
    {
    case LANYARD_RULE_TARGET_DOORS:
      if (!load_id_list (conn, "SELECT door_id FROM rule_door WHERE rule_id = ? ORDER BY door_id",
                         lanyard_access_rule_get_id (rule), ids, error))
        return FALSE;
      break;

    case LANYARD_RULE_TARGET_SCOPES:
      if (!load_id_list (conn, "SELECT scope_id FROM rule_scope WHERE rule_id = ? ORDER BY scope_id",
                         lanyard_access_rule_get_id (rule), ids, error))
        return FALSE;
      break;

    case LANYARD_RULE_TARGET_ALL_DOORS:
    default:
      break;
    }

  lanyard_access_rule_set_target_ids (rule, (const gint64 *)(gpointer)ids->data, ids->len);
  return TRUE;
}

static LanyardAccessRule *
load_rule (Conn     *conn,
           gint64    rule_id,
           GError  **error)
{
  g_autoptr(LanyardAccessRule) rule = NULL;

  rule = load_one (conn, "SELECT " RULE_COLUMNS " FROM access_rule WHERE id = ?", rule_id,
                   (gpointer (*) (sqlite3_stmt *))rule_from_stmt, RECORD_RULE, error);
  if (rule == NULL || !fill_rule_targets (conn, rule, error))
    return NULL;

  return g_steal_pointer (&rule);
}

static GPtrArray *
list_rules (Conn     *conn,
            gint64    facility_id,
            GError  **error)
{
  g_autoptr(GPtrArray) rules = NULL;

  rules = list_by_facility (conn,
                            "SELECT " RULE_COLUMNS " FROM access_rule WHERE facility_id = ? ORDER BY name, id",
                            facility_id, (gpointer (*) (sqlite3_stmt *))rule_from_stmt, error);
  if (rules == NULL)
    return NULL;

  for (guint i = 0; i < rules->len; i++)
    if (!fill_rule_targets (conn, g_ptr_array_index (rules, i), error))
      return NULL;

  return g_steal_pointer (&rules);
}

static GPtrArray *
lanyard_sqlite_store_list_rules (LanyardStore  *store,
                                 gint64         facility_id,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->reader.lock);

  return list_rules (&self->reader, facility_id, error);
}

static JsonArray *
id_array (const gint64 *ids,
          guint         n_ids)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < n_ids; i++)
    json_array_add_int_element (array, ids[i]);

  return array;
}

/* The property diff plus the target list, which is not a property. */
static char *
diff_rules (LanyardAccessRule *before,
            LanyardAccessRule *after)
{
  g_autofree char *changes = diff_objects ((GObject *)before, (GObject *)after);
  guint n_before = 0, n_after = 0;
  const gint64 *ids_before = before ? lanyard_access_rule_get_target_ids (before, &n_before) : NULL;
  const gint64 *ids_after = after ? lanyard_access_rule_get_target_ids (after, &n_after) : NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonArray *pair;

  if (n_before == n_after && (n_before == 0 || memcmp (ids_before, ids_after, n_before * sizeof (gint64)) == 0))
    return g_steal_pointer (&changes);

  node = changes ? json_from_string (changes, NULL) : NULL;
  object = node ? json_object_ref (json_node_get_object (node)) : json_object_new ();
  pair = json_array_new ();
  json_array_add_array_element (pair, id_array (ids_before, n_before));
  json_array_add_array_element (pair, id_array (ids_after, n_after));
  json_object_set_array_member (object, "target-ids", pair);

  {
    g_autoptr(JsonNode) out = json_node_init_object (json_node_alloc (), object);
    return json_to_string (out, FALSE);
  }
}

static LanyardAccessRule *
lanyard_sqlite_store_save_rule (LanyardStore       *store,
                                LanyardAccessRule  *rule,
                                GCancellable       *cancellable,
                                GError            **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(LanyardAccessRule) before = NULL;
  g_autoptr(LanyardAccessRule) after = NULL;
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  g_autofree char *schedule_text = NULL;
  g_autofree char *changes = NULL;
  gint64 id = lanyard_access_rule_get_id (rule);
  gint64 facility_id = lanyard_access_rule_get_facility_id (rule);
  LanyardRuleTarget target = lanyard_access_rule_get_target (rule);
  LanyardRuleCondition condition = lanyard_access_rule_get_condition (rule);
  const gint64 *target_ids;
  guint n_targets;
  sqlite3_stmt *stmt;
  int rc;

  if (!(name = normalize_record_name (lanyard_access_rule_get_name (rule), _("Rule name"), error)))
    return NULL;
  if (!(value = normalize_record_name (lanyard_access_rule_get_value (rule),
                                       condition == LANYARD_RULE_CONDITION_TAG ? _("Tag") :
                                       condition == LANYARD_RULE_CONDITION_PERSON_TYPE ? _("Person type") :
                                       _("Membership status"),
                                       error)))
    return NULL;

  target_ids = lanyard_access_rule_get_target_ids (rule, &n_targets);
  if (target != LANYARD_RULE_TARGET_ALL_DOORS && n_targets == 0)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           target == LANYARD_RULE_TARGET_DOORS
                           ? _("Choose at least one door for the rule")
                           : _("Choose at least one access scope for the rule"));
      return NULL;
    }
  if (lanyard_access_rule_get_schedule (rule))
    schedule_text = lanyard_schedule_to_string (lanyard_access_rule_get_schedule (rule));

  locker = g_mutex_locker_new (&self->writer.lock);
  if (!begin_write (&self->writer, error))
    return NULL;

  if (id != 0)
    {
      if (!(before = load_rule (&self->writer, id, error)))
        goto failed;
      facility_id = lanyard_access_rule_get_facility_id (before);
      if (lanyard_access_rule_get_version (before) != lanyard_access_rule_get_version (rule))
        {
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT,
                       _("The access rule “%s” was changed by someone else; reload it to see the change"),
                       lanyard_access_rule_get_name (before));
          goto failed;
        }
      if (!(stmt = conn_prepare (&self->writer,
                                 "UPDATE access_rule SET name = ?1, enabled = ?2, condition = ?3, value = ?4,"
                                 " target = ?5, schedule = ?6, updated_at = ?7, version = version + 1"
                                 " WHERE id = ?8",
                                 error)))
        goto failed;
      sqlite3_bind_int64 (stmt, 8, id);
    }
  else
    {
      if (!check_facility_exists (self, facility_id, error))
        goto failed;
      if (!(stmt = conn_prepare (&self->writer,
                                 "INSERT INTO access_rule (name, enabled, condition, value, target, schedule,"
                                 " updated_at, created_at, facility_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                                 error)))
        goto failed;
      sqlite3_bind_int64 (stmt, 8, facility_id);
    }

  if (!check_ids_in_facility (&self->writer, target == LANYARD_RULE_TARGET_SCOPES ? "scope" : "door",
                              facility_id, target_ids, target == LANYARD_RULE_TARGET_ALL_DOORS ? 0 : n_targets,
                              error))
    goto failed;

  bind_text (stmt, 1, name);
  sqlite3_bind_int (stmt, 2, lanyard_access_rule_get_enabled (rule));
  sqlite3_bind_int (stmt, 3, condition);
  bind_text (stmt, 4, value);
  sqlite3_bind_int (stmt, 5, target);
  bind_text (stmt, 6, schedule_text);
  sqlite3_bind_int64 (stmt, 7, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE,
                   _("This facility already has an access rule called “%s”"), name);
      goto failed;
    }
  if (step_failed (&self->writer, rc, error))
    goto failed;

  if (id == 0)
    id = sqlite3_last_insert_rowid (self->writer.db);

  if (!replace_links (&self->writer, "DELETE FROM rule_door WHERE rule_id = ?",
                      "INSERT OR IGNORE INTO rule_door (rule_id, door_id) VALUES (?, ?)",
                      id, target_ids, target == LANYARD_RULE_TARGET_DOORS ? n_targets : 0, error) ||
      !replace_links (&self->writer, "DELETE FROM rule_scope WHERE rule_id = ?",
                      "INSERT OR IGNORE INTO rule_scope (rule_id, scope_id) VALUES (?, ?)",
                      id, target_ids, target == LANYARD_RULE_TARGET_SCOPES ? n_targets : 0, error))
    goto failed;

  if (!(after = load_rule (&self->writer, id, error)))
    goto failed;

  changes = diff_rules (before, after);
  if (!audit (self, before ? "rule.update" : "rule.create", facility_id, "rule", id, name, changes, error) ||
      !touch_policy (self, facility_id, error) ||
      !recompute_facility (self, facility_id, cancellable, error) ||
      !commit_write (&self->writer, error))
    goto failed;

  return g_steal_pointer (&after);

failed:
  rollback_write (&self->writer);
  return NULL;
}

static gboolean
lanyard_sqlite_store_delete_rule (LanyardStore  *store,
                                  gint64         rule_id,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->writer.lock);
  g_autoptr(LanyardAccessRule) before = NULL;
  g_autofree char *changes = NULL;
  sqlite3_stmt *stmt;
  gint64 facility_id;

  if (!begin_write (&self->writer, error))
    return FALSE;

  if (!(before = load_rule (&self->writer, rule_id, error)))
    goto failed;
  facility_id = lanyard_access_rule_get_facility_id (before);

  if (!(stmt = conn_prepare (&self->writer, "DELETE FROM access_rule WHERE id = ?", error)))
    goto failed;
  sqlite3_bind_int64 (stmt, 1, rule_id);
  changes = diff_rules (before, NULL);
  if (!stmt_run (&self->writer, stmt, error) ||
      !audit (self, "rule.delete", facility_id, "rule", rule_id,
              lanyard_access_rule_get_name (before), changes, error) ||
      !touch_policy (self, facility_id, error) ||
      !recompute_facility (self, facility_id, cancellable, error) ||
      !commit_write (&self->writer, error))
    goto failed;

  return TRUE;

failed:
  rollback_write (&self->writer);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Access policy: loaded per facility, cached until the facility's policy    */
/* version moves.                                                            */

static LanyardAccessPolicy *
build_policy (Conn     *conn,
              gint64    facility_id,
              GError  **error)
{
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(LanyardAccessPolicy) policy = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(facility = load_facility (conn, facility_id, error)))
    return NULL;

  tz = g_time_zone_new_identifier (lanyard_facility_get_timezone (facility));
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  policy = lanyard_access_policy_new (facility_id, tz);

  if (!(stmt = conn_prepare (conn, "SELECT id, name FROM door WHERE facility_id = ?", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, facility_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    lanyard_access_policy_add_door (policy, sqlite3_column_int64 (stmt, 0),
                                    (const char *)sqlite3_column_text (stmt, 1));
  sqlite3_reset (stmt);
  if (step_failed (conn, rc, error))
    return NULL;

  {
    g_autoptr(GPtrArray) scopes = NULL;

    scopes = list_by_facility (conn, "SELECT id, facility_id, name, version FROM scope WHERE facility_id = ?",
                               facility_id, (gpointer (*) (sqlite3_stmt *))scope_from_stmt, error);
    if (scopes == NULL)
      return NULL;

    for (guint i = 0; i < scopes->len; i++)
      {
        LanyardScope *scope = g_ptr_array_index (scopes, i);
        const gint64 *ids;
        guint n_ids;

        if (!fill_scope_doors (conn, scope, error))
          return NULL;
        ids = lanyard_scope_get_door_ids (scope, &n_ids);
        lanyard_access_policy_add_scope (policy, lanyard_scope_get_id (scope),
                                         lanyard_scope_get_name (scope), ids, n_ids);
      }
  }

  if (!(rules = list_rules (conn, facility_id, error)))
    return NULL;

  for (guint i = 0; i < rules->len; i++)
    {
      LanyardAccessRule *rule = g_ptr_array_index (rules, i);
      const gint64 *ids;
      guint n_ids;

      if (!lanyard_access_rule_get_enabled (rule))
        continue;

      ids = lanyard_access_rule_get_target_ids (rule, &n_ids);
      lanyard_access_policy_add_rule (policy,
                                      lanyard_access_rule_get_id (rule),
                                      lanyard_access_rule_get_name (rule),
                                      lanyard_access_rule_get_condition (rule),
                                      lanyard_access_rule_get_value (rule),
                                      lanyard_access_rule_get_target (rule),
                                      ids, n_ids,
                                      lanyard_access_rule_get_schedule (rule));
    }

  return g_steal_pointer (&policy);
}

/*
 * The current policy of a facility, read through @conn (the writer inside a
 * write transaction, so that it sees the transaction's own changes).
 */
static LanyardAccessPolicy *
get_policy (LanyardSqliteStore  *self,
            Conn                *conn,
            gint64               facility_id,
            GError             **error)
{
  PolicyCacheEntry *entry;
  sqlite3_stmt *stmt;
  gint64 policy_version;
  int rc;

  if (!(stmt = conn_prepare (conn, "SELECT policy_version FROM facility WHERE id = ?", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, facility_id);
  rc = sqlite3_step (stmt);
  policy_version = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (step_failed (conn, rc, error))
    return NULL;
  if (policy_version < 0)
    {
      set_not_found (error, RECORD_FACILITY, facility_id);
      return NULL;
    }

  g_mutex_lock (&self->policy_lock);
  entry = g_hash_table_lookup (self->policies, &facility_id);
  if (entry != NULL && entry->policy_version == policy_version)
    {
      LanyardAccessPolicy *policy = lanyard_access_policy_ref (entry->policy);
      g_mutex_unlock (&self->policy_lock);
      return policy;
    }
  g_mutex_unlock (&self->policy_lock);

  {
    gboolean own_transaction = sqlite3_get_autocommit (conn->db);
    LanyardAccessPolicy *policy;
    gint64 *key;

    /* One read transaction, so that a commit in between cannot tear the policy. */
    if (own_transaction)
      {
        if (!conn_exec (conn, "BEGIN", error))
          return NULL;
        if (!(stmt = conn_prepare (conn, "SELECT policy_version FROM facility WHERE id = ?", error)))
          {
            conn_exec (conn, "ROLLBACK", NULL);
            return NULL;
          }
        sqlite3_bind_int64 (stmt, 1, facility_id);
        if (sqlite3_step (stmt) == SQLITE_ROW)
          policy_version = sqlite3_column_int64 (stmt, 0);
        sqlite3_reset (stmt);
      }

    policy = build_policy (conn, facility_id, error);

    if (own_transaction)
      conn_exec (conn, "COMMIT", NULL);

    if (policy == NULL)
      return NULL;

    /* Only a committed state may be cached: inside a transaction it could still roll back. */
    if (own_transaction)
      {
        entry = g_new0 (PolicyCacheEntry, 1);
        entry->policy_version = policy_version;
        entry->policy = lanyard_access_policy_ref (policy);
        key = g_memdup2 (&facility_id, sizeof facility_id);

        g_mutex_lock (&self->policy_lock);
        g_hash_table_replace (self->policies, key, entry);
        g_mutex_unlock (&self->policy_lock);
      }

    return policy;
  }
}

/* What the engine needs to know of one person; owns its strings. */
typedef struct {
  LanyardPersonFacts  facts;
  char               *person_type;
  char               *membership_status;
  char              **tags;
  GArray             *grants;  /* LanyardGrantFacts */
} FactsBuilder;

static void
facts_builder_clear (FactsBuilder *b)
{
  g_clear_pointer (&b->person_type, g_free);
  g_clear_pointer (&b->membership_status, g_free);
  g_clear_pointer (&b->tags, g_strfreev);
  if (b->grants != NULL)
    {
      for (guint i = 0; i < b->grants->len; i++)
        g_clear_pointer (&g_array_index (b->grants, LanyardGrantFacts, i).schedule, lanyard_schedule_unref);
      g_clear_pointer (&b->grants, g_array_unref);
    }
}

static void
facts_builder_finish (FactsBuilder *b,
                      gint64        id,
                      gboolean      access_enabled)
{
  b->facts.id = id;
  b->facts.access_enabled = access_enabled;
  b->facts.person_type = b->person_type;
  b->facts.membership_status = b->membership_status;
  b->facts.tags = (const char * const *)b->tags;
  b->facts.grants = b->grants ? (const LanyardGrantFacts *)(gpointer)b->grants->data : NULL;
  b->facts.n_grants = b->grants ? b->grants->len : 0;
}

static char **
merge_tags (char **synced,
            char **custom)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (synced)
    g_strv_builder_addv (builder, (const char **)synced);
  if (custom)
    g_strv_builder_addv (builder, (const char **)custom);

  return g_strv_builder_end (builder);
}

/* Loads a person's grants (kind, target, schedule) into @out. */
static gboolean
load_grant_facts (Conn     *conn,
                  gint64    person_id,
                  GArray   *out,
                  GError  **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = conn_prepare (conn,
                             "SELECT kind, coalesce (door_id, scope_id, 0), schedule FROM person_grant"
                             " WHERE person_id = ? ORDER BY id",
                             error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, person_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LanyardGrantFacts grant;

      grant.kind = sqlite3_column_int (stmt, 0);
      grant.target_id = sqlite3_column_int64 (stmt, 1);
      grant.schedule = column_schedule (stmt, 2);
      g_array_append_val (out, grant);
    }
  sqlite3_reset (stmt);

  return !step_failed (conn, rc, error);
}

/*
 * Recomputes the derived fields of every person of a facility — has_access
 * and grant_count — after a change to its doors, scopes or rules. Runs
 * inside the caller's write transaction, row by row through the access
 * engine, touching only rows whose values change. With @problems, writes
 * nothing and reports each row whose stored values are wrong instead (the
 * integrity check).
 */
static gboolean
recompute_facility_full (LanyardSqliteStore  *self,
                         gint64               facility_id,
                         GPtrArray           *problems,
                         GCancellable        *cancellable,
                         GError             **error)
{
  g_autoptr(LanyardAccessPolicy) policy = NULL;
  g_autoptr(GArray) grants = NULL;
  sqlite3_stmt *people;
  sqlite3_stmt *grant_rows;
  sqlite3_stmt *update;
  gboolean grant_row_ready = FALSE;
  gint64 d_with_access = 0;
  int rc, grc = SQLITE_DONE;

  if (!(policy = get_policy (self, &self->writer, facility_id, error)))
    return FALSE;

  if (!(people = conn_prepare (&self->writer,
                               "SELECT id, access_enabled, person_type, membership_status, synced_tags, custom_tags,"
                               " has_access, grant_count FROM person WHERE facility_id = ? ORDER BY id",
                               error)))
    return FALSE;

  /* A separate statement (not the cached one) because it runs alongside the people scan. */
  rc = sqlite3_prepare_v2 (self->writer.db,
                           "SELECT g.person_id, g.kind, coalesce (g.door_id, g.scope_id, 0)"
                           " FROM person_grant g JOIN person p ON p.id = g.person_id"
                           " WHERE p.facility_id = ? ORDER BY g.person_id",
                           -1, &grant_rows, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->writer.db, rc);
      return FALSE;
    }
  sqlite3_bind_int64 (grant_rows, 1, facility_id);

  if (!(update = conn_prepare (&self->writer,
                               "UPDATE person SET has_access = ?, grant_count = ? WHERE id = ?", error)))
    {
      sqlite3_finalize (grant_rows);
      return FALSE;
    }

  /*
   * The update statement is cached and shared with the scan loop's
   * connection: it is reset after each use, which leaves the scan alone.
   */
  sqlite3_bind_int64 (people, 1, facility_id);
  grants = g_array_new (FALSE, FALSE, sizeof (LanyardGrantFacts));
  grc = sqlite3_step (grant_rows);
  grant_row_ready = grc == SQLITE_ROW;

  while ((rc = sqlite3_step (people)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (people, 0);
      g_auto(GStrv) synced = column_list (people, 4);
      g_auto(GStrv) custom = column_list (people, 5);
      g_auto(GStrv) tags = merge_tags (synced, custom);
      LanyardPersonFacts facts = { 0 };
      gboolean has_access;

      g_array_set_size (grants, 0);
      while (grant_row_ready && sqlite3_column_int64 (grant_rows, 0) <= id)
        {
          if (sqlite3_column_int64 (grant_rows, 0) == id)
            {
              LanyardGrantFacts grant = { 0 };

              grant.kind = sqlite3_column_int (grant_rows, 1);
              grant.target_id = sqlite3_column_int64 (grant_rows, 2);
              g_array_append_val (grants, grant);
            }
          grc = sqlite3_step (grant_rows);
          grant_row_ready = grc == SQLITE_ROW;
        }

      facts.id = id;
      facts.access_enabled = sqlite3_column_int (people, 1);
      facts.person_type = (const char *)sqlite3_column_text (people, 2);
      facts.membership_status = (const char *)sqlite3_column_text (people, 3);
      facts.tags = (const char * const *)tags;
      facts.grants = (const LanyardGrantFacts *)(gpointer)grants->data;
      facts.n_grants = grants->len;

      has_access = lanyard_access_policy_person_has_access (policy, &facts);
      if (problems != NULL)
        {
          if (has_access != sqlite3_column_int (people, 6))
            g_ptr_array_add (problems,
                             g_strdup_printf (_("Person %" PRId64 " is stored as %s but the access rules say %s"),
                                              id,
                                              sqlite3_column_int (people, 6) ? _("having access") : _("having no access"),
                                              has_access ? _("they have access") : _("they have none")));
          if ((int)grants->len != sqlite3_column_int (people, 7))
            g_ptr_array_add (problems,
                             g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Person %" PRId64 " is stored with %d grant but has %u",
                                                            "Person %" PRId64 " is stored with %d grants but has %u",
                                                            sqlite3_column_int (people, 7)),
                                              id, sqlite3_column_int (people, 7), grants->len));
        }
      else if (has_access != sqlite3_column_int (people, 6) || (int)grants->len != sqlite3_column_int (people, 7))
        {
          d_with_access += (int)has_access - sqlite3_column_int (people, 6);
          sqlite3_bind_int (update, 1, has_access);
          sqlite3_bind_int (update, 2, grants->len);
          sqlite3_bind_int64 (update, 3, id);
          if (!stmt_run (&self->writer, update, error))
            {
              sqlite3_reset (people);
              sqlite3_finalize (grant_rows);
              return FALSE;
            }
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          sqlite3_reset (people);
          sqlite3_finalize (grant_rows);
          return FALSE;
        }
    }
  sqlite3_reset (people);
  sqlite3_finalize (grant_rows);

  if (grc != SQLITE_DONE && grc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->writer.db, grc);
      return FALSE;
    }

  if (step_failed (&self->writer, rc, error))
    return FALSE;

  return stats_add (&self->writer, facility_id, 0, d_with_access, error);
}

/* ------------------------------------------------------------------------ */
/* People                                                                    */

#define PERSON_COLUMNS \
  "id, facility_id, version, first_name, last_name, phone, email, person_type, membership_status," \
  " synced_tags, custom_tags, notes, app_message, app_message_severity, access_enabled, has_access," \
  " grant_count, source, source_name, external_id, cv_id, track_source_updates, invitation_state," \
  " invited_at, invitation_error, last_used_at, recent_ips, created_at, updated_at, last_synced_at," \
  " sort_key"

/* Column of PERSON_COLUMNS that holds the name sort key (for cursors). */
#define PERSON_SORT_KEY_COLUMN 30

static LanyardPerson *
person_from_stmt (sqlite3_stmt *stmt)
{
  LanyardPerson *person = lanyard_person_new ();
  g_auto(GStrv) synced = column_list (stmt, 9);
  g_auto(GStrv) custom = column_list (stmt, 10);
  g_auto(GStrv) ips = column_list (stmt, 26);

  g_object_freeze_notify (G_OBJECT (person));
  lanyard_person_set_id (person, sqlite3_column_int64 (stmt, 0));
  lanyard_person_set_facility_id (person, sqlite3_column_int64 (stmt, 1));
  lanyard_person_set_version (person, sqlite3_column_int64 (stmt, 2));
  lanyard_person_set_first_name (person, (const char *)sqlite3_column_text (stmt, 3));
  lanyard_person_set_last_name (person, (const char *)sqlite3_column_text (stmt, 4));
  lanyard_person_set_phone (person, (const char *)sqlite3_column_text (stmt, 5));
  lanyard_person_set_email (person, (const char *)sqlite3_column_text (stmt, 6));
  lanyard_person_set_person_type (person, (const char *)sqlite3_column_text (stmt, 7));
  lanyard_person_set_membership_status (person, (const char *)sqlite3_column_text (stmt, 8));
  lanyard_person_set_synced_tags (person, (const char * const *)synced);
  lanyard_person_set_custom_tags (person, (const char * const *)custom);
  lanyard_person_set_notes (person, (const char *)sqlite3_column_text (stmt, 11));
  lanyard_person_set_app_message (person, (const char *)sqlite3_column_text (stmt, 12));
  lanyard_person_set_app_message_severity (person, sqlite3_column_int (stmt, 13));
  lanyard_person_set_access_enabled (person, sqlite3_column_int (stmt, 14));
  lanyard_person_set_has_access (person, sqlite3_column_int (stmt, 15));
  lanyard_person_set_grant_count (person, sqlite3_column_int (stmt, 16));
  lanyard_person_set_source (person, sqlite3_column_int (stmt, 17));
  lanyard_person_set_source_name (person, (const char *)sqlite3_column_text (stmt, 18));
  lanyard_person_set_external_id (person, (const char *)sqlite3_column_text (stmt, 19));
  lanyard_person_set_cv_id (person, (const char *)sqlite3_column_text (stmt, 20));
  lanyard_person_set_track_source_updates (person, sqlite3_column_int (stmt, 21));
  lanyard_person_set_invitation_state (person, sqlite3_column_int (stmt, 22));
  lanyard_person_set_invited_at (person, sqlite3_column_int64 (stmt, 23));
  lanyard_person_set_invitation_error (person, (const char *)sqlite3_column_text (stmt, 24));
  lanyard_person_set_last_used_at (person, sqlite3_column_int64 (stmt, 25));
  lanyard_person_set_recent_ips (person, (const char * const *)ips);
  lanyard_person_set_created_at (person, sqlite3_column_int64 (stmt, 27));
  lanyard_person_set_updated_at (person, sqlite3_column_int64 (stmt, 28));
  lanyard_person_set_last_synced_at (person, sqlite3_column_int64 (stmt, 29));
  g_object_thaw_notify (G_OBJECT (person));

  return person;
}

static LanyardPerson *
load_person (Conn     *conn,
             gint64    person_id,
             GError  **error)
{
  return load_one (conn, "SELECT " PERSON_COLUMNS " FROM person WHERE id = ?", person_id,
                   (gpointer (*) (sqlite3_stmt *))person_from_stmt, RECORD_PERSON, error);
}

static LanyardPerson *
lanyard_sqlite_store_get_person (LanyardStore  *store,
                                 gint64         person_id,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->reader.lock);

  return load_person (&self->reader, person_id, error);
}

/* Another person of the facility with this phone or email, or NULL (no error) when none. */
static LanyardPerson *
find_duplicate (Conn        *conn,
                gint64       facility_id,
                const char  *phone,
                const char  *email,
                gint64       except_id,
                GError     **error)
{
  g_autofree char *email_key = email ? lanyard_email_key (email) : NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (phone == NULL && email_key == NULL)
    return NULL;

  if (!(stmt = conn_prepare (conn,
                             "SELECT " PERSON_COLUMNS " FROM person"
                             " WHERE facility_id = ?1 AND id != ?4 AND (phone = ?2 OR email_key = ?3)"
                             " ORDER BY (phone = ?2) DESC LIMIT 1",
                             error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, facility_id);
  bind_text (stmt, 2, phone);
  bind_text (stmt, 3, email_key);
  sqlite3_bind_int64 (stmt, 4, except_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      LanyardPerson *person = person_from_stmt (stmt);
      sqlite3_reset (stmt);
      return person;
    }
  sqlite3_reset (stmt);
  step_failed (conn, rc, error);

  return NULL;
}

static LanyardPerson *
lanyard_sqlite_store_find_duplicate (LanyardStore  *store,
                                     gint64         facility_id,
                                     const char    *phone,
                                     const char    *email,
                                     gint64         except_id,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *region = lanyard_sqlite_store_dup_phone_region (self);
  g_autofree char *e164 = NULL;
  g_autofree char *trimmed = email ? g_strstrip (g_strdup (email)) : NULL;

  /* Compare like the store stores: a phone as typed is normalised first. */
  if (phone != NULL && *phone != '\0')
    e164 = lanyard_phone_normalize (phone, region, NULL);

  locker = g_mutex_locker_new (&self->reader.lock);

  return find_duplicate (&self->reader, facility_id, e164, lanyard_nullify (trimmed), except_id, error);
}

static void
set_duplicate_error (GError        **error,
                     LanyardPerson  *existing,
                     const char     *phone)
{
  g_autofree char *name = lanyard_person_dup_display_name (existing);

  if (phone != NULL && g_strcmp0 (lanyard_person_get_phone (existing), phone) == 0)
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE,
                 _("%s (id %" PRId64 ") already has the phone number %s"),
                 name, lanyard_person_get_id (existing), phone);
  else
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE,
                 _("%s (id %" PRId64 ") already has the email address %s"),
                 name, lanyard_person_get_id (existing), lanyard_person_get_email (existing));
}

/* Fills a facts builder from a person object and the grants stored for it. */
static gboolean
facts_from_person (Conn           *conn,
                   LanyardPerson  *person,
                   gboolean        with_stored_grants,
                   FactsBuilder   *b,
                   GError        **error)
{
  b->person_type = g_strdup (lanyard_person_get_person_type (person));
  b->membership_status = g_strdup (lanyard_person_get_membership_status (person));
  b->tags = lanyard_person_dup_all_tags (person);
  b->grants = g_array_new (FALSE, FALSE, sizeof (LanyardGrantFacts));

  if (with_stored_grants && lanyard_person_get_id (person) != 0 &&
      !load_grant_facts (conn, lanyard_person_get_id (person), b->grants, error))
    return FALSE;

  facts_builder_finish (b, lanyard_person_get_id (person), lanyard_person_get_access_enabled (person));
  return TRUE;
}

/* The columns a save writes, in this order, as ?1 … ?29. */
#define PERSON_WRITE_COLUMNS \
  "facility_id, first_name, last_name, phone, email, email_key, person_type, membership_status," \
  " synced_tags, custom_tags, notes, app_message, app_message_severity, access_enabled, has_access," \
  " grant_count, source, source_name, external_id, cv_id, track_source_updates, invitation_state," \
  " invited_at, invitation_error, last_used_at, recent_ips, last_synced_at, sort_key, search_text"

/*
 * What the store writes for a person besides the person's own fields: the
 * keys it searches and sorts by, joined lists, the tags for person_tag.
 * Computed from a normalised person, on any thread.
 */
typedef struct {
  LanyardPerson  *person;        /* owned */
  GPtrArray      *grants;        /* borrowed, may be NULL */
  char           *email_key;
  char           *synced;
  char           *custom;
  char           *ips;
  char           *sort_key;
  char           *search_text;
  char          **tags;
  char           *created_changes;
  gint64          search_rank;
  gboolean        has_access;
  GError         *error;
} PersonRow;

static void
person_row_prepare (PersonRow     *row,
                    LanyardPerson *person)
{
  row->person = person;
  row->synced = join_list (lanyard_person_get_synced_tags (person));
  row->custom = join_list (lanyard_person_get_custom_tags (person));
  row->ips = join_list (lanyard_person_get_recent_ips (person));
  row->sort_key = lanyard_person_sort_key (lanyard_person_get_first_name (person),
                                           lanyard_person_get_last_name (person));
  row->search_text = lanyard_person_search_text (lanyard_person_get_first_name (person),
                                                 lanyard_person_get_last_name (person),
                                                 lanyard_person_get_email (person),
                                                 lanyard_person_get_phone (person));
  row->email_key = lanyard_person_get_email (person) ? lanyard_email_key (lanyard_person_get_email (person)) : NULL;
  row->tags = lanyard_person_dup_all_tags (person);
}

static void
person_row_clear (PersonRow *row)
{
  g_clear_object (&row->person);
  g_clear_pointer (&row->email_key, g_free);
  g_clear_pointer (&row->synced, g_free);
  g_clear_pointer (&row->custom, g_free);
  g_clear_pointer (&row->ips, g_free);
  g_clear_pointer (&row->sort_key, g_free);
  g_clear_pointer (&row->search_text, g_free);
  g_clear_pointer (&row->tags, g_strfreev);
  g_clear_pointer (&row->created_changes, g_free);
  g_clear_error (&row->error);
}

static void
bind_person (sqlite3_stmt    *stmt,
             const PersonRow *row,
             gboolean         has_access,
             guint            grant_count)
{
  LanyardPerson *person = row->person;

  sqlite3_bind_int64 (stmt, 1, lanyard_person_get_facility_id (person));
  bind_text (stmt, 2, lanyard_person_get_first_name (person));
  bind_text (stmt, 3, lanyard_person_get_last_name (person));
  bind_text (stmt, 4, lanyard_person_get_phone (person));
  bind_text (stmt, 5, lanyard_person_get_email (person));
  bind_text (stmt, 6, row->email_key);
  bind_text (stmt, 7, lanyard_person_get_person_type (person));
  bind_text (stmt, 8, lanyard_person_get_membership_status (person));
  bind_text (stmt, 9, row->synced);
  bind_text (stmt, 10, row->custom);
  bind_text (stmt, 11, lanyard_person_get_notes (person));
  bind_text (stmt, 12, lanyard_person_get_app_message (person));
  sqlite3_bind_int (stmt, 13, lanyard_person_get_app_message_severity (person));
  sqlite3_bind_int (stmt, 14, lanyard_person_get_access_enabled (person));
  sqlite3_bind_int (stmt, 15, has_access);
  sqlite3_bind_int (stmt, 16, grant_count);
  sqlite3_bind_int (stmt, 17, lanyard_person_get_source (person));
  bind_text (stmt, 18, lanyard_person_get_source_name (person));
  bind_text (stmt, 19, lanyard_person_get_external_id (person));
  bind_text (stmt, 20, lanyard_person_get_cv_id (person));
  sqlite3_bind_int (stmt, 21, lanyard_person_get_track_source_updates (person));
  sqlite3_bind_int (stmt, 22, lanyard_person_get_invitation_state (person));
  sqlite3_bind_int64 (stmt, 23, lanyard_person_get_invited_at (person));
  bind_text (stmt, 24, lanyard_person_get_invitation_error (person));
  sqlite3_bind_int64 (stmt, 25, lanyard_person_get_last_used_at (person));
  bind_text (stmt, 26, row->ips);
  sqlite3_bind_int64 (stmt, 27, lanyard_person_get_last_synced_at (person));
  bind_text (stmt, 28, row->sort_key);
  bind_text (stmt, 29, row->search_text);
}

/* Rewrites the person's rows in person_tag: both kinds of tags, each once. */
static gboolean
write_person_tags (Conn             *conn,
                   const PersonRow  *row,
                   gboolean          replace,
                   GError          **error)
{
  gint64 id = lanyard_person_get_id (row->person);
  sqlite3_stmt *stmt;

  if (replace)
    {
      if (!(stmt = conn_prepare (conn, "DELETE FROM person_tag WHERE person_id = ?", error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!stmt_run (conn, stmt, error))
        return FALSE;
    }

  if (row->tags[0] == NULL)
    return TRUE;

  if (!(stmt = conn_prepare (conn,
                             "INSERT OR IGNORE INTO person_tag (facility_id, tag, person_id) VALUES (?, ?, ?)",
                             error)))
    return FALSE;

  for (guint i = 0; row->tags[i]; i++)
    {
      sqlite3_bind_int64 (stmt, 1, lanyard_person_get_facility_id (row->person));
      bind_text (stmt, 2, row->tags[i]);
      sqlite3_bind_int64 (stmt, 3, id);
      if (!stmt_run (conn, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* The facets counted in facet_count, and a person's value for each. */
static const LanyardFacet counted_facets[] = {
  LANYARD_FACET_SOURCE, LANYARD_FACET_PERSON_TYPE, LANYARD_FACET_MEMBERSHIP_STATUS,
};

static const char *
person_facet_value (LanyardPerson *person,
                    LanyardFacet   facet)
{
  static GEnumClass *sources;
  GEnumValue *ev;

  switch (facet)
    {
    case LANYARD_FACET_SOURCE:
      /* The enum's nicks ("manual", "integration", "cctv") are the values. */
      if (g_once_init_enter (&sources))
        g_once_init_leave (&sources, g_type_class_ref (LANYARD_TYPE_SOURCE));
      ev = g_enum_get_value (sources, lanyard_person_get_source (person));
      return ev ? ev->value_nick : "unknown";
    case LANYARD_FACET_PERSON_TYPE:
      return lanyard_person_get_person_type (person);
    case LANYARD_FACET_MEMBERSHIP_STATUS:
      return lanyard_person_get_membership_status (person);
    case LANYARD_FACET_TAG:
    default:
      return NULL;
    }
}

static gboolean
facet_add (Conn        *conn,
           gint64       facility_id,
           LanyardFacet facet,
           const char  *value,
           gint64       delta,
           GError     **error)
{
  sqlite3_stmt *stmt;

  if (value == NULL || delta == 0)
    return TRUE;

  if (!(stmt = conn_prepare (conn,
                             "INSERT INTO facet_count (facility_id, facet, value, people) VALUES (?1, ?2, ?3, ?4)"
                             " ON CONFLICT (facility_id, facet, value) DO UPDATE SET people = people + ?4",
                             error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, facility_id);
  sqlite3_bind_int (stmt, 2, facet);
  bind_text (stmt, 3, value);
  sqlite3_bind_int64 (stmt, 4, delta);
  if (!stmt_run (conn, stmt, error))
    return FALSE;

  /* A value nobody has any more is no value of the filter. */
  if (delta < 0)
    {
      if (!(stmt = conn_prepare (conn,
                                 "DELETE FROM facet_count WHERE facility_id = ? AND facet = ? AND value = ? AND people <= 0",
                                 error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, facility_id);
      sqlite3_bind_int (stmt, 2, facet);
      bind_text (stmt, 3, value);
      return stmt_run (conn, stmt, error);
    }

  return TRUE;
}

/* Moves the facet counts from @before's values to @after's (either may be NULL). */
static gboolean
facets_move (Conn           *conn,
             gint64          facility_id,
             LanyardPerson  *before,
             LanyardPerson  *after,
             GError        **error)
{
  for (guint f = 0; f < G_N_ELEMENTS (counted_facets); f++)
    {
      const char *old_value = before ? person_facet_value (before, counted_facets[f]) : NULL;
      const char *new_value = after ? person_facet_value (after, counted_facets[f]) : NULL;

      if (g_strcmp0 (old_value, new_value) == 0)
        continue;
      if (!facet_add (conn, facility_id, counted_facets[f], old_value, -1, error) ||
          !facet_add (conn, facility_id, counted_facets[f], new_value, +1, error))
        return FALSE;
    }

  return TRUE;
}

/* Moves the stat tile counts of a facility, inside the caller's transaction. */
static gboolean
stats_add (Conn     *conn,
           gint64    facility_id,
           gint64    d_people,
           gint64    d_with_access,
           GError  **error)
{
  sqlite3_stmt *stmt;

  if (d_people == 0 && d_with_access == 0)
    return TRUE;

  if (!(stmt = conn_prepare (conn,
                             "UPDATE facility_stats SET people = people + ?, with_access = with_access + ?"
                             " WHERE facility_id = ?",
                             error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, d_people);
  sqlite3_bind_int64 (stmt, 2, d_with_access);
  sqlite3_bind_int64 (stmt, 3, facility_id);
  return stmt_run (conn, stmt, error);
}

/*
 * The search index is written with single-row VALUES statements only: an
 * INSERT … SELECT would open a statement savepoint, and each savepoint
 * makes FTS5 flush its pending terms to a new segment.
 */
static gboolean
fts_add (Conn        *conn,
         gint64       search_rank,
         const char  *search_text,
         GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = conn_prepare (conn, "INSERT INTO person_fts (rowid, search_text) VALUES (?, ?)", error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, search_rank);
  bind_text (stmt, 2, search_text);
  return stmt_run (conn, stmt, error);
}

/* Removes the person's stored search text from the search index (before a change or delete). */
static gboolean
fts_remove (Conn     *conn,
            gint64    person_id,
            GError  **error)
{
  g_autofree char *search_text = NULL;
  gint64 rank = 0;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = conn_prepare (conn, "SELECT search_rank, search_text FROM person WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      rank = sqlite3_column_int64 (stmt, 0);
      search_text = column_dup (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (step_failed (conn, rc, error))
    return FALSE;
  if (search_text == NULL)
    return TRUE;

  /* The index keeps no text of its own (content=''): deleting names the text it indexed. */
  if (!(stmt = conn_prepare (conn,
                             "INSERT INTO person_fts (person_fts, rowid, search_text) VALUES ('delete', ?, ?)",
                             error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, rank);
  bind_text (stmt, 2, search_text);
  return stmt_run (conn, stmt, error);
}

/*
 * Search ranks. The search index's rowid for a person is their place in
 * (facility, name, id) order, so that FTS5, which returns matches in rowid
 * order and stops when asked, hands out the first page of a search already
 * sorted by name. Ranks are sparse integers in (0, RANK_END): a new person
 * takes a rank between their two neighbours; a batch spreads its people
 * evenly over the gaps they fall in. When a gap is used up — it takes
 * dozens of people inserted at one spot one by one — every rank is
 * renumbered evenly.
 */
/*
 * 2^44 leaves gaps of 2^24 between a million people: enough that batches
 * and one-by-one additions rarely meet. Not more: FTS5 stores the gaps
 * between rowids in its postings as varints, and ranks spread over 2^62
 * made the search index nearly three times the size (391 MiB at 1M).
 */
#define RANK_END (G_GINT64_CONSTANT (1) << 44)
#define RANK_STEP (G_GINT64_CONSTANT (1) << 12)

typedef struct {
  gint64  before;          /* rank of the last person before the spot, or 0 */
  gint64  after;           /* rank of the first person after it, or RANK_END */
  gint64  after_facility;  /* who that person is, to tell which new people fall before them */
  char   *after_key;
} RankGap;

static void
rank_gap_clear (RankGap *gap)
{
  g_clear_pointer (&gap->after_key, g_free);
}

/*
 * The gap that a person with @key at @facility_id would go into, placed
 * after everyone with the same key and an id up to @id, and ignoring
 * @except_id (their own row when they are being renamed).
 */
static gboolean
rank_gap_find (Conn        *conn,
               gint64       facility_id,
               const char  *key,
               gint64       id,
               gint64       except_id,
               RankGap     *gap,
               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  rank_gap_clear (gap);
  gap->before = 0;
  gap->after = RANK_END;
  gap->after_facility = G_MAXINT64;

  if (!(stmt = conn_prepare (conn,
                             "SELECT search_rank FROM person WHERE (facility_id, sort_key, id) <= (?1, ?2, ?3)"
                             " AND id != ?4 ORDER BY facility_id DESC, sort_key DESC, id DESC LIMIT 1",
                             error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, facility_id);
  bind_text (stmt, 2, key);
  sqlite3_bind_int64 (stmt, 3, id);
  sqlite3_bind_int64 (stmt, 4, except_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    gap->before = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (step_failed (conn, rc, error))
    return FALSE;

  if (!(stmt = conn_prepare (conn,
                             "SELECT search_rank, facility_id, sort_key FROM person"
                             " WHERE (facility_id, sort_key, id) > (?1, ?2, ?3) AND id != ?4"
                             " ORDER BY facility_id, sort_key, id LIMIT 1",
                             error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, facility_id);
  bind_text (stmt, 2, key);
  sqlite3_bind_int64 (stmt, 3, id);
  sqlite3_bind_int64 (stmt, 4, except_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gap->after = sqlite3_column_int64 (stmt, 0);
      gap->after_facility = sqlite3_column_int64 (stmt, 1);
      gap->after_key = column_dup (stmt, 2);
    }
  sqlite3_reset (stmt);

  return !step_failed (conn, rc, error);
}

/* Gives every person a fresh rank, evenly spread, and rebuilds the search index to match. */
static gboolean
renumber_ranks (Conn     *conn,
                GError  **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *update;
  gint64 step;
  int rc;

  g_info ("Renumbering the search ranks of every person");

  /* Read the order first: the scan must not run over rows being changed. */
  if (!load_id_list (conn, "SELECT id FROM person WHERE ?1 = ?1 ORDER BY facility_id, sort_key, id", 0, ids, error))
    return FALSE;

  /* Negative first: the unique index must never see two people on one rank. */
  if (!conn_exec (conn,
                  "INSERT INTO person_fts (person_fts) VALUES ('delete-all');"
                  "UPDATE person SET search_rank = -search_rank;",
                  error))
    return FALSE;

  if (!(update = conn_prepare (conn, "UPDATE person SET search_rank = ? WHERE id = ?", error)))
    return FALSE;

  step = RANK_END / ((gint64)ids->len + 1);
  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_bind_int64 (update, 1, step * (i + 1));
      sqlite3_bind_int64 (update, 2, g_array_index (ids, gint64, i));
      if (!stmt_run (conn, update, error))
        return FALSE;
    }

  /* In rank order: FTS5 flushes its pending terms whenever a rowid goes backwards. */
  rc = sqlite3_prepare_v2 (conn->db, "SELECT search_rank, search_text FROM person ORDER BY search_rank",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, conn->db, rc);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!fts_add (conn, sqlite3_column_int64 (stmt, 0), (const char *)sqlite3_column_text (stmt, 1), error))
      {
        sqlite3_finalize (stmt);
        return FALSE;
      }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, conn->db, rc);
      return FALSE;
    }

  return TRUE;
}

/*
 * A rank for one person at (@facility_id, @key, @id), leaving out @except_id
 * (their own row when they are renamed). New people pass G_MAXINT64: their
 * id will be above everyone's.
 */
static gboolean
rank_for_one (Conn        *conn,
              gint64       facility_id,
              const char  *key,
              gint64       id,
              gint64       except_id,
              gint64      *out_rank,
              GError     **error)
{
  RankGap gap = { 0 };
  gboolean ok;

  if (!(ok = rank_gap_find (conn, facility_id, key, id, except_id, &gap, error)))
    goto out;

  if (gap.after - gap.before < 2)
    {
      if (!(ok = renumber_ranks (conn, error)) ||
          !(ok = rank_gap_find (conn, facility_id, key, id, except_id, &gap, error)))
        goto out;
    }

  /*
   * The middle of the gap, but no further than RANK_STEP from the person
   * before: people added one by one after others of the same name then
   * use the gap up slowly instead of halving it each time.
   */
  *out_rank = gap.before + MIN ((gap.after - gap.before) / 2, RANK_STEP);

out:
  rank_gap_clear (&gap);
  return ok;
}

static int
compare_row_ranks (gconstpointer a,
                   gconstpointer b)
{
  const PersonRow *x = *(const PersonRow * const *)a;
  const PersonRow *y = *(const PersonRow * const *)b;

  return (x->search_rank > y->search_rank) - (x->search_rank < y->search_rank);
}

static int
compare_row_keys (gconstpointer a,
                  gconstpointer b)
{
  const PersonRow *x = *(const PersonRow * const *)a;
  const PersonRow *y = *(const PersonRow * const *)b;

  return strcmp (x->sort_key, y->sort_key);
}

/*
 * Ranks for a batch of new people of one facility (prepared rows), before
 * any of them is inserted: sorted by name (stably, so people with the same
 * name keep the order of their ids), each run of people that falls into
 * one gap between existing people is spread evenly over it.
 */
static gboolean
rank_batch (Conn       *conn,
            gint64      facility_id,
            PersonRow  *rows,
            guint       n_rows,
            GError    **error)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (n_rows);
  RankGap gap = { 0 };
  guint renumbered = 0;
  guint i = 0;

  for (guint r = 0; r < n_rows; r++)
    g_ptr_array_add (sorted, &rows[r]);
  /* g_ptr_array_sort is a merge sort: stable. */
  g_ptr_array_sort (sorted, compare_row_keys);

  while (i < n_rows)
    {
      PersonRow *first = g_ptr_array_index (sorted, i);
      guint j = i;
      gint64 step;

      if (!rank_gap_find (conn, facility_id, first->sort_key, G_MAXINT64, 0, &gap, error))
        goto failed;

      /* Everyone up to the next existing person (new ids come after equal keys). */
      while (j < n_rows &&
             (gap.after_facility > facility_id ||
              strcmp (((PersonRow *)g_ptr_array_index (sorted, j))->sort_key, gap.after_key) < 0))
        j++;

      if (gap.after - gap.before <= (gint64)(j - i))
        {
          /* Ranks handed out so far belong to the old numbering: start over. */
          if (++renumbered > 2)
            {
              g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                                   _("There are too many people for the search index to order"));
              goto failed;
            }
          if (!renumber_ranks (conn, error))
            goto failed;
          i = 0;
          continue;
        }

      step = (gap.after - gap.before) / (j - i + 1);
      for (guint k = i; k < j; k++)
        ((PersonRow *)g_ptr_array_index (sorted, k))->search_rank = gap.before + step * (k - i + 1);

      i = j;
    }

  rank_gap_clear (&gap);
  return TRUE;

failed:
  rank_gap_clear (&gap);
  return FALSE;
}


static gboolean
insert_grant_rows (Conn        *conn,
                   gint64       person_id,
                   GPtrArray   *grants,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  if (grants == NULL || grants->len == 0)
    return TRUE;

  if (!(stmt = conn_prepare (conn,
                             "INSERT INTO person_grant (person_id, kind, door_id, scope_id, schedule)"
                             " VALUES (?, ?, ?, ?, ?)",
                             error)))
    return FALSE;

  for (guint i = 0; i < grants->len; i++)
    {
      LanyardGrant *grant = g_ptr_array_index (grants, i);
      LanyardGrantKind kind = lanyard_grant_get_kind (grant);
      g_autofree char *schedule = NULL;

      if (lanyard_grant_get_schedule (grant))
        schedule = lanyard_schedule_to_string (lanyard_grant_get_schedule (grant));

      sqlite3_bind_int64 (stmt, 1, person_id);
      sqlite3_bind_int (stmt, 2, kind);
      if (kind == LANYARD_GRANT_DOOR)
        sqlite3_bind_int64 (stmt, 3, lanyard_grant_get_target_id (grant));
      else
        sqlite3_bind_null (stmt, 3);
      if (kind == LANYARD_GRANT_SCOPE)
        sqlite3_bind_int64 (stmt, 4, lanyard_grant_get_target_id (grant));
      else
        sqlite3_bind_null (stmt, 4);
      bind_text (stmt, 5, schedule);
      if (!stmt_run (conn, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* Refuses grants that name doors or scopes of another facility, or none. */
static gboolean
check_grants (Conn       *conn,
              gint64      facility_id,
              GPtrArray  *grants,
              GError    **error)
{
  for (guint i = 0; grants && i < grants->len; i++)
    {
      LanyardGrant *grant = g_ptr_array_index (grants, i);
      gint64 target = lanyard_grant_get_target_id (grant);

      switch (lanyard_grant_get_kind (grant))
        {
        case LANYARD_GRANT_DOOR:
          if (!check_ids_in_facility (conn, "door", facility_id, &target, 1, error))
            return FALSE;
          break;

        case LANYARD_GRANT_SCOPE:
          if (!check_ids_in_facility (conn, "scope", facility_id, &target, 1, error))
            return FALSE;
          break;

        case LANYARD_GRANT_FACILITY:
        default:
          break;
        }
    }

  return TRUE;
}

static gboolean
person_facts_with_grants (LanyardPerson  *person,
                          GPtrArray      *grants,
                          FactsBuilder   *b)
{
  b->person_type = g_strdup (lanyard_person_get_person_type (person));
  b->membership_status = g_strdup (lanyard_person_get_membership_status (person));
  b->tags = lanyard_person_dup_all_tags (person);
  b->grants = g_array_new (FALSE, FALSE, sizeof (LanyardGrantFacts));

  for (guint i = 0; grants && i < grants->len; i++)
    {
      LanyardGrant *grant = g_ptr_array_index (grants, i);
      LanyardGrantFacts facts = { 0 };

      facts.kind = lanyard_grant_get_kind (grant);
      facts.target_id = lanyard_grant_get_target_id (grant);
      g_array_append_val (b->grants, facts);
    }

  facts_builder_finish (b, lanyard_person_get_id (person), lanyard_person_get_access_enabled (person));
  return TRUE;
}

/* Whether the person of @row has access under @policy with the grants of @row. */
static gboolean
row_has_access (LanyardAccessPolicy *policy,
                PersonRow           *row)
{
  FactsBuilder facts = { 0 };
  gboolean has_access;

  person_facts_with_grants (row->person, row->grants, &facts);
  has_access = lanyard_access_policy_person_has_access (policy, &facts.facts);
  facts_builder_clear (&facts);

  return has_access;
}

/*
 * Inserts one validated person (and their grants) inside the caller's
 * transaction; row->has_access must be computed. Duplicates are reported by
 * naming the existing person.
 */
static gint64
insert_person (LanyardSqliteStore  *self,
               PersonRow           *row,
               gint64               now,
               GError             **error)
{
  LanyardPerson *person = row->person;
  sqlite3_stmt *stmt;
  gint64 id;
  int rc;

  if (!(stmt = conn_prepare (&self->writer,
                             "INSERT INTO person (" PERSON_WRITE_COLUMNS ", created_at, updated_at, search_rank)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
                             " ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)",
                             error)))
    return 0;

  bind_person (stmt, row, row->has_access, row->grants ? row->grants->len : 0);
  sqlite3_bind_int64 (stmt, 30, lanyard_person_get_created_at (person) ? lanyard_person_get_created_at (person) : now);
  sqlite3_bind_int64 (stmt, 31, lanyard_person_get_updated_at (person) ? lanyard_person_get_updated_at (person) : now);
  sqlite3_bind_int64 (stmt, 32, row->search_rank);
  rc = sqlite3_step (stmt);
  /* The message is read before the reset, which leaves "not an error" in its place. */
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_autofree char *message = g_strdup (sqlite3_errmsg (self->writer.db));
      g_autoptr(LanyardPerson) existing = find_duplicate (&self->writer,
                                                          lanyard_person_get_facility_id (person),
                                                          lanyard_person_get_phone (person),
                                                          lanyard_person_get_email (person), 0, NULL);

      sqlite3_reset (stmt);
      if (existing != NULL)
        set_duplicate_error (error, existing, lanyard_person_get_phone (person));
      else
        /* Not the person's data at fault: nothing the user could correct. */
        g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                     _("The person could not be stored: %s"), message);
      return 0;
    }
  if (step_failed (&self->writer, rc, error))
    {
      sqlite3_reset (stmt);
      return 0;
    }
  sqlite3_reset (stmt);

  id = sqlite3_last_insert_rowid (self->writer.db);
  lanyard_person_set_id (person, id);
  lanyard_person_set_has_access (person, row->has_access);

  if (!write_person_tags (&self->writer, row, FALSE, error) ||
      !insert_grant_rows (&self->writer, id, row->grants, error))
    return 0;

  return id;
}

/* The audit record of a created person: their fields (and, in changes, nothing else). */
static gboolean
audit_person_created (LanyardSqliteStore  *self,
                      PersonRow           *row,
                      GError             **error)
{
  g_autofree char *name = lanyard_person_dup_display_name (row->person);
  g_autofree char *changes = row->created_changes ? NULL : diff_objects (NULL, (GObject *)row->person);

  return audit (self, "person.create", lanyard_person_get_facility_id (row->person), "person",
                lanyard_person_get_id (row->person), name,
                row->created_changes ? row->created_changes : changes, error);
}

/* The rank @person_id keeps with @new_key: their own when the key is unchanged, else a new one. */
static gboolean
stored_rank (Conn        *conn,
             gint64       person_id,
             const char  *new_key,
             gint64      *out_rank,
             GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean same = FALSE;
  gint64 facility_id = 0;
  int rc;

  if (!(stmt = conn_prepare (conn, "SELECT search_rank, sort_key, facility_id FROM person WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_rank = sqlite3_column_int64 (stmt, 0);
      same = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 1), new_key) == 0;
      facility_id = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (step_failed (conn, rc, error))
    return FALSE;

  if (same)
    return TRUE;

  /* Among people of the same name, their id decides, as in every (name, id) order. */
  return rank_for_one (conn, facility_id, new_key, person_id, person_id, out_rank, error);
}

static LanyardPerson *
lanyard_sqlite_store_save_person (LanyardStore   *store,
                                  LanyardPerson  *person,
                                  GCancellable   *cancellable,
                                  GError        **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(LanyardPerson) before = NULL;
  g_autoptr(LanyardPerson) after = NULL;
  g_autoptr(LanyardPerson) duplicate = NULL;
  g_autoptr(LanyardAccessPolicy) policy = NULL;
  g_autofree char *region = lanyard_sqlite_store_dup_phone_region (self);
  g_autofree char *name = NULL;
  gint64 id = lanyard_person_get_id (person);
  gint64 now = g_get_real_time ();
  PersonRow row = { 0 };

  row.person = lanyard_person_copy (person);
  if (!lanyard_person_normalize (row.person, region, error))
    goto out;

  locker = g_mutex_locker_new (&self->writer.lock);
  if (!begin_write (&self->writer, error))
    goto out;

  if (id != 0)
    {
      if (!(before = load_person (&self->writer, id, error)))
        goto failed;

      if (lanyard_person_get_version (before) != lanyard_person_get_version (person))
        {
          g_autofree char *old_name = lanyard_person_dup_display_name (before);

          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT,
                       _("%s was changed by someone else since you opened the record; "
                         "reload to see their change"), old_name);
          goto failed;
        }

      /* A person stays at their facility. */
      lanyard_person_set_facility_id (row.person, lanyard_person_get_facility_id (before));
    }
  else if (!check_facility_exists (self, lanyard_person_get_facility_id (row.person), error))
    goto failed;

  duplicate = find_duplicate (&self->writer, lanyard_person_get_facility_id (row.person),
                              lanyard_person_get_phone (row.person), lanyard_person_get_email (row.person),
                              id, error);
  if (duplicate != NULL)
    {
      set_duplicate_error (error, duplicate, lanyard_person_get_phone (row.person));
      goto failed;
    }
  if (error && *error)
    goto failed;

  if (!(policy = get_policy (self, &self->writer, lanyard_person_get_facility_id (row.person), error)))
    goto failed;

  person_row_prepare (&row, row.person);

  if (id == 0)
    {
      lanyard_person_set_created_at (row.person, 0);
      lanyard_person_set_updated_at (row.person, 0);
      row.has_access = row_has_access (policy, &row);
      if (!rank_for_one (&self->writer, lanyard_person_get_facility_id (row.person), row.sort_key, G_MAXINT64, 0,
                         &row.search_rank, error) ||
          !(id = insert_person (self, &row, now, error)) ||
          !stats_add (&self->writer, lanyard_person_get_facility_id (row.person), 1, row.has_access, error) ||
          !facets_move (&self->writer, lanyard_person_get_facility_id (row.person), NULL, row.person, error) ||
          !fts_add (&self->writer, row.search_rank, row.search_text, error) ||
          !audit_person_created (self, &row, error) ||
          !(after = load_person (&self->writer, id, error)))
        goto failed;
    }
  else
    {
      FactsBuilder facts = { 0 };
      sqlite3_stmt *stmt;
      gboolean has_access;
      guint grant_count;

      if (!facts_from_person (&self->writer, row.person, TRUE, &facts, error))
        {
          facts_builder_clear (&facts);
          goto failed;
        }
      has_access = lanyard_access_policy_person_has_access (policy, &facts.facts);
      grant_count = facts.facts.n_grants;
      facts_builder_clear (&facts);

      /*
       * A new name is a new place in name order. The rank first: finding it
       * may renumber everyone, which rebuilds the search index from the
       * stored rows; only then is this person's old entry taken out.
       */
      if (!stored_rank (&self->writer, id, row.sort_key, &row.search_rank, error) ||
          !fts_remove (&self->writer, id, error))
        goto failed;

      if (!(stmt = conn_prepare (&self->writer,
                                 "UPDATE person SET (" PERSON_WRITE_COLUMNS ", updated_at, version, search_rank) ="
                                 " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
                                 " ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, version + 1, ?33)"
                                 " WHERE id = ?31 AND version = ?32",
                                 error)))
        goto failed;

      bind_person (stmt, &row, has_access, grant_count);
      sqlite3_bind_int64 (stmt, 30, now);
      sqlite3_bind_int64 (stmt, 31, id);
      sqlite3_bind_int64 (stmt, 32, lanyard_person_get_version (before));
      sqlite3_bind_int64 (stmt, 33, row.search_rank);
      if (!stmt_run (&self->writer, stmt, error) ||
          !fts_add (&self->writer, row.search_rank, row.search_text, error) ||
          !stats_add (&self->writer, lanyard_person_get_facility_id (before), 0,
                      (int)has_access - (int)lanyard_person_get_has_access (before), error))
        goto failed;

      if (!write_person_tags (&self->writer, &row, TRUE, error) ||
          !(after = load_person (&self->writer, id, error)))
        goto failed;

      name = lanyard_person_dup_display_name (after);
      if (!facets_move (&self->writer, lanyard_person_get_facility_id (after), before, after, error) ||
          !audit_objects (self, "person.update", lanyard_person_get_facility_id (after), "person", id, name,
                          (GObject *)before, (GObject *)after, error))
        goto failed;
    }

  if (!commit_write (&self->writer, error))
    goto failed;

  goto out;

failed:
  rollback_write (&self->writer);
  g_clear_object (&after);

out:
  person_row_clear (&row);
  return g_steal_pointer (&after);
}

/*
 * Preparing a row — validation (libphonenumber is the costly part),
 * search and sort keys, the audit record, "has access" — needs no database,
 * so a batch is prepared on every core while the writer waits; only the
 * inserts themselves are serial.
 */
typedef struct {
  PersonRow           *rows;
  guint                n_rows;
  guint                first;
  guint                stride;
  const char          *region;
  LanyardAccessPolicy *policy;
} PrepareJob;

static gpointer
prepare_rows_thread (gpointer data)
{
  PrepareJob *job = data;

  for (guint i = job->first; i < job->n_rows; i += job->stride)
    {
      PersonRow *row = &job->rows[i];

      if (!lanyard_person_normalize (row->person, job->region, &row->error))
        continue;

      person_row_prepare (row, row->person);
      row->has_access = row_has_access (job->policy, row);
      row->created_changes = diff_objects (NULL, (GObject *)row->person);
    }

  return NULL;
}

static void
prepare_rows (PersonRow           *rows,
              guint                n_rows,
              const char          *region,
              LanyardAccessPolicy *policy)
{
  guint n_threads = CLAMP (g_get_num_processors (), 1, 8);
  g_autofree PrepareJob *jobs = NULL;
  g_autofree GThread **threads = NULL;

  /* Small batches are not worth a thread. */
  if (n_rows < 256)
    n_threads = 1;

  jobs = g_new0 (PrepareJob, n_threads);
  threads = g_new0 (GThread *, n_threads);
  for (guint t = 0; t < n_threads; t++)
    {
      jobs[t].rows = rows;
      jobs[t].n_rows = n_rows;
      jobs[t].first = t;
      jobs[t].stride = n_threads;
      jobs[t].region = region;
      jobs[t].policy = policy;
      if (t > 0)
        threads[t] = g_thread_new ("lanyard-prepare", prepare_rows_thread, &jobs[t]);
    }

  prepare_rows_thread (&jobs[0]);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
}

/* create_people(), and import_people() when @import_label is set. */
static guint
create_people (LanyardSqliteStore  *self,
               gint64               facility_id,
               GPtrArray           *people,
               GPtrArray           *grants,
               const char          *import_label,
               const char          *import_summary,
               GCancellable        *cancellable,
               GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(LanyardAccessPolicy) policy = NULL;
  g_autofree char *region = lanyard_sqlite_store_dup_phone_region (self);
  g_autofree PersonRow *rows = g_new0 (PersonRow, MAX (people->len, 1));
  gint64 now = g_get_real_time ();
  gint64 with_access = 0;
  guint n = people->len;
  guint result = 0;

  for (guint i = 0; i < n; i++)
    {
      rows[i].person = lanyard_person_copy (g_ptr_array_index (people, i));
      rows[i].grants = grants ? g_ptr_array_index (grants, i) : NULL;
      lanyard_person_set_id (rows[i].person, 0);
      lanyard_person_set_facility_id (rows[i].person, facility_id);
    }

  locker = g_mutex_locker_new (&self->writer.lock);
  if (!begin_write (&self->writer, error))
    goto out;

  if (!(policy = get_policy (self, &self->writer, facility_id, error)))
    goto failed;

  /* Everything is checked before anything is written. */
  prepare_rows (rows, n, region, policy);
  for (guint i = 0; i < n; i++)
    if (rows[i].error != NULL)
      {
        g_set_error (error, LANYARD_STORE_ERROR, rows[i].error->code,
                     _("Person %u of %u: %s"), i + 1, n, rows[i].error->message);
        goto failed;
      }

  /* Within the batch: the same phone or email twice, the same grant twice. */
  {
    g_autoptr(GHashTable) phones = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GHashTable) emails = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < n; i++)
      {
        const char *phone = lanyard_person_get_phone (rows[i].person);
        g_autoptr(GError) local_error = NULL;
        gpointer other;

        if (phone != NULL && (other = g_hash_table_lookup (phones, phone)) != NULL)
          {
            g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE,
                         _("Person %u of %u has the same phone number as person %u: %s"),
                         i + 1, n, GPOINTER_TO_UINT (other), phone);
            goto failed;
          }
        if (rows[i].email_key != NULL && (other = g_hash_table_lookup (emails, rows[i].email_key)) != NULL)
          {
            g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE,
                         _("Person %u of %u has the same email address as person %u: %s"),
                         i + 1, n, GPOINTER_TO_UINT (other), lanyard_person_get_email (rows[i].person));
            goto failed;
          }
        if (phone != NULL)
          g_hash_table_insert (phones, (gpointer)phone, GUINT_TO_POINTER (i + 1));
        if (rows[i].email_key != NULL)
          g_hash_table_insert (emails, rows[i].email_key, GUINT_TO_POINTER (i + 1));

        if (rows[i].grants != NULL && !check_grant_list (rows[i].grants, &local_error))
          {
            g_set_error (error, LANYARD_STORE_ERROR, local_error->code,
                         _("Person %u of %u: %s"), i + 1, n, local_error->message);
            goto failed;
          }
      }
  }

  if (!rank_batch (&self->writer, facility_id, rows, n, error))
    goto failed;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!check_grants (&self->writer, facility_id, rows[i].grants, &local_error) ||
          !insert_person (self, &rows[i], now, &local_error) ||
          !audit_person_created (self, &rows[i], &local_error))
        {
          g_set_error (error, LANYARD_STORE_ERROR, local_error->code,
                       _("Person %u of %u: %s"), i + 1, n, local_error->message);
          goto failed;
        }

      with_access += rows[i].has_access;

      if ((i & 1023) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        goto failed;
    }

  /*
   * The search index last, in one run (see fts_add()), in rank order: FTS5
   * flushes its pending terms to a new segment whenever a rowid goes
   * backwards, which in name order would be at every other person.
   */
  {
    g_autoptr(GPtrArray) by_rank = g_ptr_array_sized_new (n);

    for (guint i = 0; i < n; i++)
      g_ptr_array_add (by_rank, &rows[i]);
    g_ptr_array_sort (by_rank, compare_row_ranks);

    for (guint i = 0; i < n; i++)
      {
        PersonRow *row = g_ptr_array_index (by_rank, i);

        if (!fts_add (&self->writer, row->search_rank, row->search_text, error))
          goto failed;
      }
  }

  /* Facet counts once per distinct value of the batch, not once per person. */
  for (guint f = 0; f < G_N_ELEMENTS (counted_facets); f++)
    {
      g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
      GHashTableIter iter;
      gpointer key, value;

      for (guint i = 0; i < n; i++)
        {
          const char *v = person_facet_value (rows[i].person, counted_facets[f]);

          if (v != NULL)
            g_hash_table_insert (counts, (gpointer)v,
                                 GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, v)) + 1));
        }

      g_hash_table_iter_init (&iter, counts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!facet_add (&self->writer, facility_id, counted_facets[f], key, GPOINTER_TO_UINT (value), error))
          goto failed;
    }

  if (import_label != NULL &&
      !audit (self, "people.import", facility_id, "facility", facility_id, import_label, import_summary, error))
    goto failed;

  /* The last moment a Cancel can still leave everything as it was. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto failed;

  if (!stats_add (&self->writer, facility_id, n, with_access, error) ||
      !commit_write (&self->writer, error))
    goto failed;

  result = n;
  goto out;

failed:
  rollback_write (&self->writer);

out:
  for (guint i = 0; i < n; i++)
    person_row_clear (&rows[i]);
  return result;
}

static guint
lanyard_sqlite_store_create_people (LanyardStore  *store,
                                    gint64         facility_id,
                                    GPtrArray     *people,
                                    GPtrArray     *grants,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  return create_people (LANYARD_SQLITE_STORE (store), facility_id, people, grants, NULL, NULL, cancellable, error);
}

static guint
lanyard_sqlite_store_import_people (LanyardStore  *store,
                                    gint64         facility_id,
                                    GPtrArray     *people,
                                    GPtrArray     *grants,
                                    const char    *label,
                                    const char    *summary,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  return create_people (LANYARD_SQLITE_STORE (store), facility_id, people, grants, label, summary,
                        cancellable, error);
}

static guint
lanyard_sqlite_store_delete_people (LanyardStore  *store,
                                    const gint64  *person_ids,
                                    guint          n_people,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->writer.lock);
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  sqlite3_stmt *stmt;

  if (!begin_write (&self->writer, error))
    return 0;

  /* Out of the search index first, all together (see fts_add()). */
  for (guint i = 0; i < n_people; i++)
    {
      LanyardPerson *person;

      /* The same person twice is deleted once. */
      if (!g_hash_table_add (seen, (gpointer)&person_ids[i]))
        continue;

      if (!(person = load_person (&self->writer, person_ids[i], error)))
        goto failed;
      g_ptr_array_add (people, person);
      if (!fts_remove (&self->writer, person_ids[i], error))
        goto failed;
    }

  for (guint i = 0; i < people->len; i++)
    {
      LanyardPerson *before = g_ptr_array_index (people, i);
      gint64 id = lanyard_person_get_id (before);
      g_autofree char *name = lanyard_person_dup_display_name (before);

      /* Grants and tags go with the person; audit and access log entries stay. */
      if (!(stmt = conn_prepare (&self->writer, "DELETE FROM person WHERE id = ?", error)))
        goto failed;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!stmt_run (&self->writer, stmt, error) ||
          !stats_add (&self->writer, lanyard_person_get_facility_id (before), -1,
                      -(gint64)lanyard_person_get_has_access (before), error) ||
          !facets_move (&self->writer, lanyard_person_get_facility_id (before), before, NULL, error) ||
          !audit_objects (self, "person.delete", lanyard_person_get_facility_id (before), "person",
                          id, name, (GObject *)before, NULL, error))
        goto failed;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto failed;
    }

  if (!commit_write (&self->writer, error))
    goto failed;

  return people->len;

failed:
  rollback_write (&self->writer);
  return 0;
}

static guint
lanyard_sqlite_store_set_access_enabled (LanyardStore  *store,
                                         const gint64  *person_ids,
                                         guint          n_people,
                                         gboolean       enabled,
                                         GCancellable  *cancellable,
                                         GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->writer.lock);
  gint64 now = g_get_real_time ();
  guint changed = 0;

  if (!begin_write (&self->writer, error))
    return 0;

  for (guint i = 0; i < n_people; i++)
    {
      g_autoptr(LanyardPerson) before = NULL;
      g_autoptr(LanyardPerson) after = NULL;
      g_autoptr(LanyardAccessPolicy) policy = NULL;
      g_autofree char *name = NULL;
      FactsBuilder facts = { 0 };
      sqlite3_stmt *stmt;
      gboolean has_access;

      if (!(before = load_person (&self->writer, person_ids[i], error)))
        goto failed;
      if (lanyard_person_get_access_enabled (before) == !!enabled)
        continue;

      if (!(policy = get_policy (self, &self->writer, lanyard_person_get_facility_id (before), error)))
        goto failed;

      after = lanyard_person_copy (before);
      lanyard_person_set_access_enabled (after, enabled);
      if (!facts_from_person (&self->writer, after, TRUE, &facts, error))
        {
          facts_builder_clear (&facts);
          goto failed;
        }
      has_access = lanyard_access_policy_person_has_access (policy, &facts.facts);
      facts_builder_clear (&facts);

      if (!(stmt = conn_prepare (&self->writer,
                                 "UPDATE person SET access_enabled = ?, has_access = ?, updated_at = ?,"
                                 " version = version + 1 WHERE id = ?",
                                 error)))
        goto failed;
      sqlite3_bind_int (stmt, 1, !!enabled);
      sqlite3_bind_int (stmt, 2, has_access);
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_int64 (stmt, 4, person_ids[i]);
      name = lanyard_person_dup_display_name (before);
      lanyard_person_set_has_access (after, has_access);
      if (!stmt_run (&self->writer, stmt, error) ||
          !stats_add (&self->writer, lanyard_person_get_facility_id (before), 0,
                      (int)has_access - (int)lanyard_person_get_has_access (before), error) ||
          !audit_objects (self, "person.update", lanyard_person_get_facility_id (before), "person",
                          person_ids[i], name, (GObject *)before, (GObject *)after, error))
        goto failed;

      changed++;
    }

  if (!commit_write (&self->writer, error))
    goto failed;

  return changed;

failed:
  rollback_write (&self->writer);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* People queries                                                            */

static const char *
sort_column (LanyardPeopleSort sort)
{
  switch (sort)
    {
    case LANYARD_PEOPLE_SORT_CREATED:     return "created_at";
    case LANYARD_PEOPLE_SORT_UPDATED:     return "updated_at";
    case LANYARD_PEOPLE_SORT_LAST_USED:   return "last_used_at";
    case LANYARD_PEOPLE_SORT_LAST_SYNCED: return "last_synced_at";
    case LANYARD_PEOPLE_SORT_NAME:
    default:                              return "sort_key";
    }
}

/* PERSON_COLUMNS index of each sort column. */
static int
sort_column_index (LanyardPeopleSort sort)
{
  switch (sort)
    {
    case LANYARD_PEOPLE_SORT_CREATED:     return 27;
    case LANYARD_PEOPLE_SORT_UPDATED:     return 28;
    case LANYARD_PEOPLE_SORT_LAST_USED:   return 25;
    case LANYARD_PEOPLE_SORT_LAST_SYNCED: return 29;
    case LANYARD_PEOPLE_SORT_NAME:
    default:                              return PERSON_SORT_KEY_COLUMN;
    }
}

/*
 * Cursors: "<id>:<sort value>" of the last row of the page, as unpadded
 * base64url so that they survive a terminal, a URL and JSON unchanged (a
 * name sort key holds a control character). Keyset paging continues
 * strictly after that row in (sort value, id) order.
 */
static char *
cursor_from_values (LanyardPeopleSort  sort,
                    gint64             id,
                    const char        *text,
                    gint64             value)
{
  g_autofree char *raw = NULL;
  char *encoded;
  gsize len;

  if (sort == LANYARD_PEOPLE_SORT_NAME)
    raw = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", id, text ? text : "");
  else
    raw = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, id, value);

  encoded = g_base64_encode ((const guchar *)raw, strlen (raw));
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  len = strlen (encoded);
  while (len > 0 && encoded[len - 1] == '=')
    encoded[--len] = '\0';

  return encoded;
}

static char *
make_cursor (sqlite3_stmt      *stmt,
             LanyardPeopleSort  sort)
{
  int column = sort_column_index (sort);

  return cursor_from_values (sort, sqlite3_column_int64 (stmt, 0),
                             (const char *)sqlite3_column_text (stmt, column),
                             sqlite3_column_int64 (stmt, column));
}

/* The "<id>:<sort value>" inside a cursor, or NULL when it is not one. */
static char *
decode_cursor (const char *cursor)
{
  g_autoptr(GString) base64 = g_string_new (cursor);
  g_autofree guchar *data = NULL;
  gsize len = 0;

  for (const char *p = cursor; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return NULL;
  if (base64->len == 0 || base64->len % 4 == 1)
    return NULL;

  g_strdelimit (base64->str, "-", '+');
  g_strdelimit (base64->str, "_", '/');
  while (base64->len % 4 != 0)
    g_string_append_c (base64, '=');

  data = g_base64_decode (base64->str, &len);
  if (len == 0 || memchr (data, '\0', len) != NULL || !g_utf8_validate ((const char *)data, len, NULL))
    return NULL;

  return g_strndup ((const char *)data, len);
}

static gboolean
parse_cursor (const char         *cursor,
              LanyardPeopleSort   sort,
              gint64             *out_id,
              char              **out_text,
              gint64             *out_value,
              GError            **error)
{
  g_autofree char *raw = decode_cursor (cursor);
  g_autofree char *id_part = NULL;
  const char *colon;
  guint64 id;

  if (raw == NULL || (colon = strchr (raw, ':')) == NULL)
    goto bad;

  id_part = g_strndup (raw, colon - raw);
  if (!g_ascii_string_to_unsigned (id_part, 10, 1, G_MAXINT64, &id, NULL))
    goto bad;
  *out_id = (gint64)id;

  if (sort == LANYARD_PEOPLE_SORT_NAME)
    *out_text = g_strdup (colon + 1);
  else if (!g_ascii_string_to_signed (colon + 1, 10, 0, G_MAXINT64, out_value, NULL))
    goto bad;

  return TRUE;

bad:
  g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
               _("“%s” is not a page cursor of this list; start again from the first page"), cursor);
  return FALSE;
}

/* The FTS5 expression for the terms the trigram index can answer (three characters or more). */
static char *
fts_expression (const char * const *terms)
{
  GString *expr = g_string_new (NULL);

  for (guint i = 0; terms[i]; i++)
    {
      if (g_utf8_strlen (terms[i], -1) < 3)
        continue;

      if (expr->len > 0)
        g_string_append (expr, " AND ");
      g_string_append_c (expr, '"');
      for (const char *p = terms[i]; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (expr, '"');
          g_string_append_c (expr, *p);
        }
      g_string_append_c (expr, '"');
    }

  return g_string_free (expr, expr->len == 0);
}

static void
bind_named_int (sqlite3_stmt *stmt,
                const char   *name,
                gint64        value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

static void
bind_named_text (sqlite3_stmt *stmt,
                 const char   *name,
                 const char   *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    bind_text (stmt, index, value);
}

/*
 * How a search runs. A dense search (many people match) walks the index of
 * the sort order and tests each row, stopping as soon as a page is full; a
 * sparse one asks the trigram index for the few candidates and sorts them.
 * The trigram index decides which: it is asked for up to
 * SEARCH_SPARSE_LIMIT candidates, which costs little either way.
 */
static gboolean
search_is_sparse (Conn        *conn,
                  const char  *match,
                  GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 n = 0;
  int rc;

  if (match == NULL)
    return FALSE;

  if (!(stmt = conn_prepare (conn,
                             "SELECT count(*) FROM (SELECT 1 FROM person_fts WHERE person_fts MATCH ? LIMIT "
                             G_STRINGIFY (SEARCH_SPARSE_LIMIT) ")",
                             error)))
    return FALSE;

  bind_text (stmt, 1, match);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (step_failed (conn, rc, error))
    return FALSE;

  return n < SEARCH_SPARSE_LIMIT;
}

static gboolean
query_rank (Conn          *conn,
            const char    *sql,
            gint64         facility_id,
            const char    *key,
            gint64         id,
            gint64        *out_rank,
            gboolean      *out_found,
            GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = conn_prepare (conn, sql, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, facility_id);
  bind_text (stmt, 2, key);
  sqlite3_bind_int64 (stmt, 3, id);
  rc = sqlite3_step (stmt);
  *out_found = rc == SQLITE_ROW;
  if (*out_found)
    *out_rank = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return !step_failed (conn, rc, error);
}

/*
 * The ranks a search in name order reads between: the facility's first to
 * last person, narrowed to after (or, descending, before) the cursor's row.
 * The cursor's row may be gone; its place in name order is what counts.
 */
static gboolean
rank_bounds (Conn                     *conn,
             const LanyardPeopleQuery *query,
             gboolean                  has_cursor,
             const char               *cursor_key,
             gint64                    cursor_id,
             gint64                   *out_low,
             gint64                   *out_high,
             GError                  **error)
{
  gboolean found;

  *out_low = 1;
  *out_high = 0;

  if (!query_rank (conn,
                   "SELECT search_rank FROM person WHERE facility_id = ?1 AND ?2 IS NULL AND ?3 = ?3"
                   " ORDER BY sort_key, id LIMIT 1",
                   query->facility_id, NULL, 0, out_low, &found, error))
    return FALSE;
  if (!found)
    return TRUE;

  if (!query_rank (conn,
                   "SELECT search_rank FROM person WHERE facility_id = ?1 AND ?2 IS NULL AND ?3 = ?3"
                   " ORDER BY sort_key DESC, id DESC LIMIT 1",
                   query->facility_id, NULL, 0, out_high, &found, error))
    return FALSE;

  if (!has_cursor)
    return TRUE;

  if (!query->descending)
    {
      gint64 rank;

      if (!query_rank (conn,
                       "SELECT search_rank FROM person WHERE (facility_id, sort_key, id) <= (?1, ?2, ?3)"
                       " ORDER BY facility_id DESC, sort_key DESC, id DESC LIMIT 1",
                       query->facility_id, cursor_key, cursor_id, &rank, &found, error))
        return FALSE;
      if (found && rank >= *out_low)
        *out_low = rank + 1;
    }
  else
    {
      gint64 rank;

      if (!query_rank (conn,
                       "SELECT search_rank FROM person WHERE (facility_id, sort_key, id) >= (?1, ?2, ?3)"
                       " ORDER BY facility_id, sort_key, id LIMIT 1",
                       query->facility_id, cursor_key, cursor_id, &rank, &found, error))
        return FALSE;
      if (found && rank <= *out_high)
        *out_high = rank - 1;
    }

  return TRUE;
}

/* The search and filter chips of @query as SQL conditions on person p, each starting with " AND". */
static void
append_conditions (GString                  *cond,
                   const LanyardPeopleQuery *query,
                   gboolean                  has_terms)
{
  if (has_terms)
    g_string_append (cond, " AND lanyard_search_match (p.search_text, :search)");

  switch (query->source)
    {
    case LANYARD_SOURCE_FILTER_MANUAL:
      g_string_append (cond, " AND p.source = 0");
      break;
    case LANYARD_SOURCE_FILTER_INTEGRATION:
      g_string_append (cond, " AND p.source = 1");
      break;
    case LANYARD_SOURCE_FILTER_CCTV:
      g_string_append (cond, " AND p.source = 2");
      break;
    case LANYARD_SOURCE_FILTER_ANY:
    default:
      break;
    }

  switch (query->access)
    {
    case LANYARD_ACCESS_FILTER_HAS_ACCESS:
      g_string_append (cond, " AND p.has_access = 1");
      break;
    case LANYARD_ACCESS_FILTER_NO_ACCESS:
      g_string_append (cond, " AND p.has_access = 0");
      break;
    case LANYARD_ACCESS_FILTER_DISABLED:
      g_string_append (cond, " AND p.access_enabled = 0");
      break;
    case LANYARD_ACCESS_FILTER_WITHOUT_GRANTS:
      g_string_append (cond, " AND p.grant_count = 0");
      break;
    case LANYARD_ACCESS_FILTER_ANY:
    default:
      break;
    }

  if (query->membership_status != NULL)
    g_string_append (cond, " AND p.membership_status = :status");
  if (query->person_type != NULL)
    g_string_append (cond, " AND p.person_type = :type");
  if (query->tag != NULL)
    g_string_append (cond, " AND EXISTS (SELECT 1 FROM person_tag t WHERE t.facility_id = p.facility_id"
                          " AND t.tag = :tag AND t.person_id = p.id)");

  switch (query->invitation)
    {
    case LANYARD_INVITATION_FILTER_INVITED:
      g_string_append (cond, " AND p.invitation_state = 1");
      break;
    case LANYARD_INVITATION_FILTER_NOT_INVITED:
      g_string_append (cond, " AND p.invitation_state = 0");
      break;
    case LANYARD_INVITATION_FILTER_SEND_FAILED:
      g_string_append (cond, " AND p.invitation_state = 2");
      break;
    case LANYARD_INVITATION_FILTER_ANY:
    default:
      break;
    }

  switch (query->adoption)
    {
    case LANYARD_ADOPTION_FILTER_ACTIVE:
      g_string_append (cond, " AND p.last_used_at > 0");
      break;
    case LANYARD_ADOPTION_FILTER_NOT_YET:
      g_string_append (cond, " AND p.last_used_at = 0");
      break;
    case LANYARD_ADOPTION_FILTER_ANY:
    default:
      break;
    }
}

/*
 * A dense search or a filter (no index answers the filter chips) walks the
 * sort order's index and tests each row; this many rows per call at most,
 * so a rare match far down the list costs several short calls, not one
 * long one. (A page can then hold fewer people than asked, or none, and
 * still have a next cursor.)
 */
#define SCAN_BUDGET 2000

static LanyardPeoplePage *
lanyard_sqlite_store_query_people (LanyardStore              *store,
                                   const LanyardPeopleQuery  *query,
                                   const char                *cursor,
                                   guint                      limit,
                                   GCancellable              *cancellable,
                                   GError                   **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(LanyardPeoplePage) page = lanyard_people_page_new ();
  g_autoptr(GString) sql = g_string_new (NULL);
  g_auto(GStrv) terms = NULL;
  g_autofree char *match = NULL;
  const char *column = sort_column (query->sort);
  const char *direction = query->descending ? "DESC" : "ASC";
  g_autofree char *cursor_text = NULL;
  gint64 cursor_id = 0, cursor_value = 0;
  gboolean sparse = FALSE;
  gboolean ranked;
  gboolean scan;
  g_autoptr(GString) cond = g_string_new (NULL);
  guint scanned = 0;
  gint64 rank_low = 0, rank_high = 0;
  sqlite3_stmt *stmt;
  guint n = 0;
  int rc;

  if (limit == 0)
    limit = DEFAULT_PAGE_SIZE;
  limit = MIN (limit, MAX_PAGE_SIZE);

  if (cursor != NULL && !parse_cursor (cursor, query->sort, &cursor_id, &cursor_text, &cursor_value, error))
    return NULL;

  terms = lanyard_search_terms (query->search);
  if (terms[0] != NULL)
    match = fts_expression ((const char * const *)terms);

  locker = g_mutex_locker_new (&self->reader.lock);

  /*
   * Three ways to run a query. Searches in name order read the search
   * index in rowid order, which is name order (see RANK_END): the first
   * page comes out first. Other searches ask the index how many people
   * match; few (sparse) are fetched and sorted, many (dense) are found by
   * walking the index of the sort order. No search walks that index too.
   */
  ranked = match != NULL && query->sort == LANYARD_PEOPLE_SORT_NAME;
  if (ranked)
    {
      if (!rank_bounds (&self->reader, query, cursor != NULL, cursor_text, cursor_id, &rank_low, &rank_high, error))
        return NULL;
    }
  else if (!(sparse = search_is_sparse (&self->reader, match, error)) && error && *error)
    return NULL;

  g_string_append (sql, "SELECT " PERSON_COLUMNS);
  if (ranked)
    g_string_append (sql, " FROM person_fts CROSS JOIN person p ON p.search_rank = person_fts.rowid"
                          " WHERE person_fts MATCH :match AND person_fts.rowid BETWEEN :rank_low AND :rank_high"
                          " AND p.facility_id = :facility");
  else if (sparse)
    g_string_append (sql, " FROM person_fts CROSS JOIN person p ON p.search_rank = person_fts.rowid"
                          " WHERE person_fts MATCH :match AND p.facility_id = :facility");

  /*
   * Walking the sort order's index with conditions no index answers (a
   * search, the filter chips) is done in bounded slices; the column
   * "wanted" says which rows of a slice belong on the page. (The scan's
   * FROM comes after that extra column.)
   */
  append_conditions (cond, query, terms[0] != NULL);
  scan = !ranked && !sparse && cond->len > 0;

  if (!ranked && !sparse && !scan)
    g_string_append (sql, " FROM person p WHERE p.facility_id = :facility");

  if (scan)
    g_string_append_printf (sql, ", (1%s) AS wanted FROM person p WHERE p.facility_id = :facility", cond->str);
  else
    g_string_append (sql, cond->str);

  if (ranked)
    g_string_append_printf (sql, " ORDER BY person_fts.rowid %s LIMIT :limit", direction);
  else
    {
      if (cursor != NULL)
        g_string_append_printf (sql, " AND (p.%s, p.id) %s (:cursor_value, :cursor_id)",
                                column, query->descending ? "<" : ">");
      g_string_append_printf (sql, " ORDER BY p.%s %s, p.id %s LIMIT :limit", column, direction, direction);
    }

  if (!(stmt = conn_prepare (&self->reader, sql->str, error)))
    return NULL;

  bind_named_int (stmt, ":facility", query->facility_id);
  bind_named_text (stmt, ":match", match);
  bind_named_text (stmt, ":search", query->search);
  bind_named_text (stmt, ":status", query->membership_status);
  bind_named_text (stmt, ":type", query->person_type);
  bind_named_text (stmt, ":tag", query->tag);
  bind_named_int (stmt, ":rank_low", rank_low);
  bind_named_int (stmt, ":rank_high", rank_high);
  bind_named_int (stmt, ":cursor_id", cursor_id);
  if (query->sort == LANYARD_PEOPLE_SORT_NAME)
    bind_named_text (stmt, ":cursor_value", cursor_text);
  else
    bind_named_int (stmt, ":cursor_value", cursor_value);
  /* One more than a page tells whether another page follows. */
  bind_named_int (stmt, ":limit", scan ? self->scan_budget : limit + 1);

  {
    gboolean more = FALSE;
    g_autofree char *last_text = NULL;
    gint64 last_id = 0, last_value = 0;
    int sort_index = sort_column_index (query->sort);

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        /* A row beyond a full page: another page follows. */
        if (n == limit)
          {
            more = TRUE;
            break;
          }

        scanned++;
        if (scan)
          {
            /* Remember where the walk is, in case the budget ends here. */
            last_id = sqlite3_column_int64 (stmt, 0);
            last_value = sqlite3_column_int64 (stmt, sort_index);
            if (query->sort == LANYARD_PEOPLE_SORT_NAME)
              {
                g_free (last_text);
                last_text = g_strdup ((const char *)sqlite3_column_text (stmt, sort_index));
              }
            if (!sqlite3_column_int (stmt, PERSON_SORT_KEY_COLUMN + 1))
              continue;
          }

        g_ptr_array_add (page->people, person_from_stmt (stmt));
        if (++n == limit)
          page->next_cursor = make_cursor (stmt, query->sort);
      }

    if (scan && n < limit && scanned == self->scan_budget && rc == SQLITE_DONE)
      {
        /* Out of budget before the page was full: go on after the last row looked at. */
        page->next_cursor = cursor_from_values (query->sort, last_id, last_text, last_value);
      }
    else if (!more && !(scan && n == limit && scanned == self->scan_budget))
      g_clear_pointer (&page->next_cursor, g_free);
  }

  sqlite3_reset (stmt);
  if (step_failed (&self->reader, rc, error))
    return NULL;

  return g_steal_pointer (&page);
}

static gboolean
lanyard_sqlite_store_count_people (LanyardStore         *store,
                                   gint64                facility_id,
                                   LanyardPeopleCounts  *out_counts,
                                   GCancellable         *cancellable,
                                   GError              **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->reader.lock);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = conn_prepare (&self->reader,
                             "SELECT people, with_access FROM facility_stats WHERE facility_id = ?", error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, facility_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out_counts->all = sqlite3_column_int64 (stmt, 0);
      out_counts->has_access = sqlite3_column_int64 (stmt, 1);
      out_counts->no_access = out_counts->all - out_counts->has_access;
      sqlite3_reset (stmt);
      return TRUE;
    }

  sqlite3_reset (stmt);
  if (!step_failed (&self->reader, rc, error))
    set_not_found (error, RECORD_FACILITY, facility_id);
  return FALSE;
}

static GPtrArray *
lanyard_sqlite_store_list_facet_values (LanyardStore  *store,
                                        gint64         facility_id,
                                        LanyardFacet   facet,
                                        GCancellable  *cancellable,
                                        GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->reader.lock);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify)lanyard_facet_value_free);
  const char *sql;
  sqlite3_stmt *stmt;
  int rc;

  switch (facet)
    {
    case LANYARD_FACET_SOURCE:
      sql = "SELECT value, people FROM facet_count WHERE facility_id = ?1 AND facet = ?2"
            " ORDER BY CASE value WHEN 'manual' THEN 0 WHEN 'integration' THEN 1 ELSE 2 END";
      break;
    case LANYARD_FACET_PERSON_TYPE:
      sql = "SELECT value, people FROM facet_count WHERE facility_id = ?1 AND facet = ?2"
            " ORDER BY value COLLATE NOCASE";
      break;
    case LANYARD_FACET_MEMBERSHIP_STATUS:
      sql = "SELECT value, people FROM facet_count WHERE facility_id = ?1 AND facet = ?2"
            " ORDER BY value COLLATE NOCASE";
      break;
    case LANYARD_FACET_TAG:
      sql = "SELECT tag, count(*) FROM person_tag WHERE facility_id = ?1 AND ?2 = ?2"
            " GROUP BY tag ORDER BY tag COLLATE NOCASE";
      break;
    default:
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID, _("Unknown filter %d"), facet);
      return NULL;
    }

  if (!(stmt = conn_prepare (&self->reader, sql, error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, facility_id);
  sqlite3_bind_int (stmt, 2, facet);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *value = (const char *)sqlite3_column_text (stmt, 0);

      g_ptr_array_add (values, lanyard_facet_value_new (value, sqlite3_column_int64 (stmt, 1)));
    }
  sqlite3_reset (stmt);

  if (step_failed (&self->reader, rc, error))
    return NULL;

  return g_steal_pointer (&values);
}

/* ------------------------------------------------------------------------ */
/* Grants                                                                    */

static GPtrArray *
load_grants (Conn     *conn,
             gint64    person_id,
             GError  **error)
{
  g_autoptr(GPtrArray) grants = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = conn_prepare (conn,
                             "SELECT g.id, g.kind, coalesce (g.door_id, g.scope_id, 0), g.schedule,"
                             " coalesce (d.name, s.name)"
                             " FROM person_grant g"
                             " LEFT JOIN door d ON d.id = g.door_id"
                             " LEFT JOIN scope s ON s.id = g.scope_id"
                             " WHERE g.person_id = ? ORDER BY g.kind, 5 COLLATE NOCASE, g.id",
                             error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, person_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(LanyardSchedule) schedule = column_schedule (stmt, 3);
      LanyardGrant *grant = lanyard_grant_new_full (sqlite3_column_int (stmt, 1),
                                                    sqlite3_column_int64 (stmt, 2),
                                                    schedule);

      lanyard_grant_set_id (grant, sqlite3_column_int64 (stmt, 0));
      lanyard_grant_set_target_name (grant, (const char *)sqlite3_column_text (stmt, 4));
      g_ptr_array_add (grants, grant);
    }
  sqlite3_reset (stmt);

  if (step_failed (conn, rc, error))
    return NULL;

  return g_steal_pointer (&grants);
}

static GPtrArray *
lanyard_sqlite_store_list_grants (LanyardStore  *store,
                                  gint64         person_id,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->reader.lock);
  g_autoptr(LanyardPerson) person = NULL;

  if (!(person = load_person (&self->reader, person_id, error)))
    return NULL;

  return load_grants (&self->reader, person_id, error);
}

/* A grant in words for the audit log: "door 3 (mon-fri 08:00-18:00)". */
static JsonArray *
describe_grants (GPtrArray *grants)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; grants && i < grants->len; i++)
    {
      LanyardGrant *grant = g_ptr_array_index (grants, i);
      g_autofree char *schedule = NULL;
      g_autofree char *text = NULL;

      if (lanyard_grant_get_schedule (grant))
        schedule = lanyard_schedule_to_string (lanyard_grant_get_schedule (grant));

      switch (lanyard_grant_get_kind (grant))
        {
        case LANYARD_GRANT_FACILITY:
          text = g_strdup ("facility");
          break;
        case LANYARD_GRANT_DOOR:
          text = g_strdup_printf ("door %" G_GINT64_FORMAT, lanyard_grant_get_target_id (grant));
          break;
        case LANYARD_GRANT_SCOPE:
        default:
          text = g_strdup_printf ("scope %" G_GINT64_FORMAT, lanyard_grant_get_target_id (grant));
          break;
        }

      if (schedule != NULL)
        {
          char *with_hours = g_strdup_printf ("%s (%s)", text, schedule);
          g_free (text);
          text = with_hours;
        }
      json_array_add_string_element (array, text);
    }

  return array;
}

static gboolean
check_grant_list (GPtrArray  *grants,
                  GError    **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < grants->len; i++)
    {
      LanyardGrant *grant = g_ptr_array_index (grants, i);
      LanyardGrantKind kind = lanyard_grant_get_kind (grant);
      char *key;

      if (kind != LANYARD_GRANT_FACILITY && kind != LANYARD_GRANT_DOOR && kind != LANYARD_GRANT_SCOPE)
        {
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                       _("Unknown kind of grant %d"), kind);
          return FALSE;
        }

      key = g_strdup_printf ("%d:%" G_GINT64_FORMAT, kind,
                             kind == LANYARD_GRANT_FACILITY ? 0 : lanyard_grant_get_target_id (grant));
      if (!g_hash_table_add (seen, key))
        {
          g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                               kind == LANYARD_GRANT_FACILITY
                               ? _("The facility-wide grant is listed twice")
                               : kind == LANYARD_GRANT_DOOR
                               ? _("A door is granted twice; keep one grant per door")
                               : _("An access scope is granted twice; keep one grant per scope"));
          return FALSE;
        }
    }

  return TRUE;
}

static LanyardPerson *
lanyard_sqlite_store_set_grants (LanyardStore  *store,
                                 gint64         person_id,
                                 gint64         person_version,
                                 GPtrArray     *grants,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(LanyardPerson) before = NULL;
  g_autoptr(LanyardPerson) after = NULL;
  g_autoptr(GPtrArray) old_grants = NULL;
  g_autoptr(LanyardAccessPolicy) policy = NULL;
  g_autofree char *name = NULL;
  FactsBuilder facts = { 0 };
  sqlite3_stmt *stmt;
  gboolean has_access;
  gint64 facility_id;

  if (!check_grant_list (grants, error))
    return NULL;

  locker = g_mutex_locker_new (&self->writer.lock);
  if (!begin_write (&self->writer, error))
    return NULL;

  if (!(before = load_person (&self->writer, person_id, error)))
    goto failed;
  name = lanyard_person_dup_display_name (before);
  facility_id = lanyard_person_get_facility_id (before);

  if (lanyard_person_get_version (before) != person_version)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT,
                   _("%s was changed by someone else since you opened the record; "
                     "reload to see their change"), name);
      goto failed;
    }

  if (!check_grants (&self->writer, facility_id, grants, error) ||
      !(old_grants = load_grants (&self->writer, person_id, error)) ||
      !(policy = get_policy (self, &self->writer, facility_id, error)))
    goto failed;

  if (!(stmt = conn_prepare (&self->writer, "DELETE FROM person_grant WHERE person_id = ?", error)))
    goto failed;
  sqlite3_bind_int64 (stmt, 1, person_id);
  if (!stmt_run (&self->writer, stmt, error) ||
      !insert_grant_rows (&self->writer, person_id, grants, error))
    goto failed;

  person_facts_with_grants (before, grants, &facts);
  has_access = lanyard_access_policy_person_has_access (policy, &facts.facts);
  facts_builder_clear (&facts);

  if (!(stmt = conn_prepare (&self->writer,
                             "UPDATE person SET has_access = ?, grant_count = ?, updated_at = ?,"
                             " version = version + 1 WHERE id = ?",
                             error)))
    goto failed;
  sqlite3_bind_int (stmt, 1, has_access);
  sqlite3_bind_int (stmt, 2, grants->len);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  sqlite3_bind_int64 (stmt, 4, person_id);
  if (!stmt_run (&self->writer, stmt, error) ||
      !stats_add (&self->writer, facility_id, 0,
                  (int)has_access - (int)lanyard_person_get_has_access (before), error))
    goto failed;

  {
    g_autoptr(JsonObject) changes = json_object_new ();
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *text = NULL;
    JsonArray *pair = json_array_new ();

    json_array_add_array_element (pair, describe_grants (old_grants));
    json_array_add_array_element (pair, describe_grants (grants));
    json_object_set_array_member (changes, "grants", pair);
    node = json_node_init_object (json_node_alloc (), changes);
    text = json_to_string (node, FALSE);

    if (!audit (self, grants->len ? "person.grants" : "person.grants.clear", facility_id, "person",
                person_id, name, text, error))
      goto failed;
  }

  if (!(after = load_person (&self->writer, person_id, error)) ||
      !commit_write (&self->writer, error))
    goto failed;

  return g_steal_pointer (&after);

failed:
  rollback_write (&self->writer);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Decisions                                                                 */

static char *
describe_match (LanyardAccessPolicy   *policy,
                const LanyardDecision *decision)
{
  const char *name;

  switch (decision->match_kind)
    {
    case LANYARD_MATCH_RULE:
      name = lanyard_access_policy_get_rule_name (policy, decision->match_id);
      return g_strdup_printf (_("rule “%s”"), name ? name : "?");

    case LANYARD_MATCH_GRANT:
      switch (decision->grant_kind)
        {
        case LANYARD_GRANT_FACILITY:
          return g_strdup (_("facility-wide grant"));
        case LANYARD_GRANT_DOOR:
          name = lanyard_access_policy_get_door_name (policy, decision->match_id);
          return g_strdup_printf (_("door grant for “%s”"), name ? name : "?");
        case LANYARD_GRANT_SCOPE:
        default:
          name = lanyard_access_policy_get_scope_name (policy, decision->match_id);
          return g_strdup_printf (_("scope grant for “%s”"), name ? name : "?");
        }

    case LANYARD_MATCH_NONE:
    default:
      return NULL;
    }
}

static LanyardDecisionReport *
lanyard_sqlite_store_decide (LanyardStore  *store,
                             gint64         person_id,
                             gint64         door_id,
                             gint64         instant_usec,
                             GCancellable  *cancellable,
                             GError       **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->reader.lock);
  g_autoptr(LanyardDecisionReport) report = g_new0 (LanyardDecisionReport, 1);
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(LanyardAccessPolicy) policy = NULL;
  g_autoptr(GError) local_error = NULL;
  FactsBuilder facts = { 0 };
  gint64 facility_id;
  const char *door_name;

  report->person_id = person_id;
  report->door_id = door_id;
  report->instant_usec = instant_usec;

  person = load_person (&self->reader, person_id, &local_error);
  if (person == NULL && !g_error_matches (local_error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_clear_error (&local_error);

  if (person != NULL)
    facility_id = lanyard_person_get_facility_id (person);
  else
    {
      /* An unknown person is judged at the door's facility, if the door is known. */
      g_autoptr(LanyardDoor) door = load_door (&self->reader, door_id, NULL);

      facility_id = door ? lanyard_door_get_facility_id (door) : 0;
    }

  if (facility_id != 0)
    {
      if (!(policy = get_policy (self, &self->reader, facility_id, error)))
        return NULL;
    }

  if (person != NULL)
    {
      if (!facts_from_person (&self->reader, person, TRUE, &facts, error))
        {
          facts_builder_clear (&facts);
          return NULL;
        }
      report->person_name = lanyard_person_dup_display_name (person);
    }

  if (policy != NULL)
    {
      lanyard_access_policy_decide (policy, person ? &facts.facts : NULL, door_id, instant_usec,
                                    &report->decision);
      door_name = lanyard_access_policy_get_door_name (policy, door_id);
      report->door_name = g_strdup (door_name);
      report->match_name = describe_match (policy, &report->decision);
    }
  else
    {
      report->decision.allowed = FALSE;
      report->decision.reason = LANYARD_DECISION_UNKNOWN_PERSON;
    }

  facts_builder_clear (&facts);
  return g_steal_pointer (&report);
}

/* ------------------------------------------------------------------------ */
/* Audit log                                                                 */

static GPtrArray *
lanyard_sqlite_store_list_audit (LanyardStore             *store,
                                 const LanyardAuditQuery  *query,
                                 GCancellable             *cancellable,
                                 GError                  **error)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->reader.lock);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) sql = g_string_new ("SELECT id, at, actor, action, facility_id, target_kind, target_id,"
                                         " target_label, changes FROM audit_event WHERE 1");
  sqlite3_stmt *stmt;
  int rc;

  if (query->facility_id != 0)
    g_string_append (sql, " AND facility_id = :facility");
  if (query->target_kind != NULL)
    g_string_append (sql, " AND target_kind = :kind");
  if (query->target_id != 0)
    g_string_append (sql, " AND target_id = :target");
  if (query->before_id != 0)
    g_string_append (sql, " AND id < :before");
  g_string_append (sql, " ORDER BY id DESC LIMIT :limit");

  if (!(stmt = conn_prepare (&self->reader, sql->str, error)))
    return NULL;

  bind_named_int (stmt, ":facility", query->facility_id);
  bind_named_text (stmt, ":kind", query->target_kind);
  bind_named_int (stmt, ":target", query->target_id);
  bind_named_int (stmt, ":before", query->before_id);
  bind_named_int (stmt, ":limit", query->limit ? MIN (query->limit, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LanyardAuditEvent *event = lanyard_audit_event_new ();

      lanyard_audit_event_set_id (event, sqlite3_column_int64 (stmt, 0));
      lanyard_audit_event_set_at (event, sqlite3_column_int64 (stmt, 1));
      lanyard_audit_event_set_actor (event, (const char *)sqlite3_column_text (stmt, 2));
      lanyard_audit_event_set_action (event, (const char *)sqlite3_column_text (stmt, 3));
      lanyard_audit_event_set_facility_id (event, sqlite3_column_int64 (stmt, 4));
      lanyard_audit_event_set_target_kind (event, (const char *)sqlite3_column_text (stmt, 5));
      lanyard_audit_event_set_target_id (event, sqlite3_column_int64 (stmt, 6));
      lanyard_audit_event_set_target_label (event, (const char *)sqlite3_column_text (stmt, 7));
      lanyard_audit_event_set_changes (event, (const char *)sqlite3_column_text (stmt, 8));
      g_ptr_array_add (events, event);
    }
  sqlite3_reset (stmt);

  if (step_failed (&self->reader, rc, error))
    return NULL;

  return g_steal_pointer (&events);
}

/* ------------------------------------------------------------------------ */
/* Integrity check                                                           */

static gboolean
collect_rows (Conn        *conn,
              const char  *sql,
              const char  *prefix,
              GPtrArray   *problems,
              GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (conn->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, conn->db, rc);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GString) row = g_string_new (prefix);

      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *)sqlite3_column_text (stmt, i);
          g_string_append_printf (row, "%s%s", i ? ", " : "", text ? text : "NULL");
        }
      g_ptr_array_add (problems, g_string_free (g_steal_pointer (&row), FALSE));
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, conn->db, rc);
      return FALSE;
    }

  return TRUE;
}

gboolean
lanyard_sqlite_store_check (LanyardSqliteStore  *self,
                            GPtrArray           *problems,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GArray) facilities = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (LANYARD_IS_SQLITE_STORE (self), FALSE);
  g_return_val_if_fail (problems != NULL, FALSE);

  locker = g_mutex_locker_new (&self->writer.lock);

  /* One read transaction: every part of the check sees the same state. */
  if (!conn_exec (&self->writer, "BEGIN", error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->writer.db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        const char *text = (const char *)sqlite3_column_text (stmt, 0);

        if (g_strcmp0 (text, "ok") != 0)
          g_ptr_array_add (problems, g_strdup_printf (_("Database structure: %s"), text));
      }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->writer.db, rc);
      goto failed;
    }

  if (!collect_rows (&self->writer, "PRAGMA foreign_key_check", _("Broken reference: "), problems, error))
    goto failed;

  /* The search index: its own structure, one entry per person, and ranks in name order. */
  rc = sqlite3_exec (self->writer.db,
                     "INSERT INTO person_fts (person_fts) VALUES ('integrity-check')",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    g_ptr_array_add (problems, g_strdup_printf (_("Search index: %s"), sqlite3_errmsg (self->writer.db)));

  if (!collect_rows (&self->writer,
                     "SELECT (SELECT count (*) FROM person), (SELECT count (*) FROM person_fts)"
                     " WHERE (SELECT count (*) FROM person) != (SELECT count (*) FROM person_fts)",
                     _("The search index does not hold one entry per person (people, entries): "),
                     problems, error))
    goto failed;

  if (!collect_rows (&self->writer,
                     "SELECT id, search_rank FROM ("
                     "  SELECT id, search_rank, lag (search_rank) OVER (ORDER BY facility_id, sort_key, id) AS previous"
                     "  FROM person)"
                     " WHERE previous >= search_rank LIMIT 20",
                     _("Search rank out of name order (person, rank): "), problems, error))
    goto failed;

  if (!collect_rows (&self->writer,
                     "SELECT s.facility_id, s.people, s.with_access, count (p.id), coalesce (sum (p.has_access), 0)"
                     " FROM facility_stats s LEFT JOIN person p ON p.facility_id = s.facility_id"
                     " GROUP BY s.facility_id"
                     " HAVING s.people != count (p.id) OR s.with_access != coalesce (sum (p.has_access), 0)",
                     _("Stat tile counts differ from the people stored (facility, stored all, stored with access, "
                       "real all, real with access): "),
                     problems, error))
    goto failed;

  if (!collect_rows (&self->writer,
                     "WITH real (facility_id, facet, value, people) AS ("
                     "  SELECT facility_id, 1, person_type, count (*) FROM person WHERE person_type IS NOT NULL"
                     "   GROUP BY facility_id, person_type"
                     "  UNION ALL SELECT facility_id, 2, membership_status, count (*) FROM person"
                     "   WHERE membership_status IS NOT NULL GROUP BY facility_id, membership_status"
                     "  UNION ALL SELECT facility_id, 0, CASE source WHEN 0 THEN 'manual' WHEN 1 THEN 'integration'"
                     "   WHEN 2 THEN 'cctv' ELSE 'unknown' END, count (*) FROM person GROUP BY facility_id, source)"
                     " SELECT coalesce (r.facility_id, c.facility_id), coalesce (r.facet, c.facet),"
                     "  coalesce (r.value, c.value), c.people, r.people"
                     " FROM real r FULL OUTER JOIN facet_count c"
                     "  ON c.facility_id = r.facility_id AND c.facet = r.facet AND c.value = r.value"
                     " WHERE c.people IS NOT r.people",
                     _("Filter value counts differ from the people stored (facility, filter, value, stored, real): "),
                     problems, error))
    goto failed;

  if (!collect_rows (&self->writer,
                     "SELECT p.id, p.facility_id FROM person p LEFT JOIN facility f ON f.id = p.facility_id"
                     " WHERE f.id IS NULL",
                     _("Person without a facility (person, facility): "), problems, error))
    goto failed;

  if (!load_id_list (&self->writer, "SELECT id FROM facility WHERE ?1 = ?1", 0, facilities, error))
    goto failed;

  for (guint i = 0; i < facilities->len; i++)
    if (!recompute_facility_full (self, g_array_index (facilities, gint64, i), problems, cancellable, error))
      goto failed;

  conn_exec (&self->writer, "COMMIT", NULL);
  return TRUE;

failed:
  conn_exec (&self->writer, "ROLLBACK", NULL);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Settings                                                                  */

static char *
read_setting (Conn        *conn,
              const char  *key)
{
  sqlite3_stmt *stmt = conn_prepare (conn, "SELECT value FROM setting WHERE key = ?", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  return value;
}

/* The region of the user's locale when libphonenumber knows it, else US. */
static char *
region_from_locale (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i]; i++)
    {
      const char *underscore = strchr (names[i], '_');

      if (underscore != NULL && g_ascii_isalpha (underscore[1]) && g_ascii_isalpha (underscore[2]))
        {
          char region[3] = { g_ascii_toupper (underscore[1]), g_ascii_toupper (underscore[2]), 0 };

          if (lanyard_phone_region_is_known (region))
            return g_strdup (region);
        }
    }

  return g_strdup ("US");
}

char *
lanyard_sqlite_store_dup_phone_region (LanyardSqliteStore *self)
{
  char *region;

  g_return_val_if_fail (LANYARD_IS_SQLITE_STORE (self), NULL);

  g_mutex_lock (&self->region_lock);
  if (self->phone_region == NULL)
    {
      g_mutex_unlock (&self->region_lock);

      /* Read outside region_lock: a long read may hold the reader. */
      g_mutex_lock (&self->reader.lock);
      region = read_setting (&self->reader, "phone-region");
      g_mutex_unlock (&self->reader.lock);
      if (region == NULL)
        region = region_from_locale ();

      g_mutex_lock (&self->region_lock);
      if (self->phone_region == NULL)
        self->phone_region = g_strdup (region);
      g_mutex_unlock (&self->region_lock);

      return region;
    }
  region = g_strdup (self->phone_region);
  g_mutex_unlock (&self->region_lock);

  return region;
}

static char *
lanyard_sqlite_store_iface_dup_phone_region (LanyardStore *store)
{
  return lanyard_sqlite_store_dup_phone_region (LANYARD_SQLITE_STORE (store));
}

static gboolean
lanyard_sqlite_store_iface_set_phone_region (LanyardStore  *store,
                                             const char    *region,
                                             GCancellable  *cancellable,
                                             GError       **error)
{
  return lanyard_sqlite_store_set_phone_region (LANYARD_SQLITE_STORE (store), region, error);
}

gboolean
lanyard_sqlite_store_set_phone_region (LanyardSqliteStore  *self,
                                       const char          *region,
                                       GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *upper = NULL;
  g_autofree char *old = NULL;
  g_autofree char *changes = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (LANYARD_IS_SQLITE_STORE (self), FALSE);

  upper = g_ascii_strup (region ? region : "", -1);
  if (!lanyard_phone_region_is_known (upper))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” is not a region code phone numbers know; use two letters like DE or US"),
                   region ? region : "");
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->writer.lock);
  if (!begin_write (&self->writer, error))
    return FALSE;

  old = read_setting (&self->writer, "phone-region");
  if (!(stmt = conn_prepare (&self->writer,
                             "INSERT INTO setting (key, value) VALUES ('phone-region', ?)"
                             " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                             error)))
    goto failed;
  bind_text (stmt, 1, upper);
  changes = g_strdup_printf ("{\"phone-region\":[%s%s%s,\"%s\"]}",
                             old ? "\"" : "", old ? old : "null", old ? "\"" : "", upper);
  if (!stmt_run (&self->writer, stmt, error) ||
      !audit (self, "settings.update", 0, "settings", 0, "phone-region", changes, error) ||
      !commit_write (&self->writer, error))
    goto failed;

  g_mutex_lock (&self->region_lock);
  g_free (self->phone_region);
  self->phone_region = g_steal_pointer (&upper);
  g_mutex_unlock (&self->region_lock);

  return TRUE;

failed:
  rollback_write (&self->writer);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Object                                                                    */

char *
lanyard_sqlite_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "lanyard", "lanyard.db", NULL);
}

LanyardSqliteStore *
lanyard_sqlite_store_open (const char  *path,
                           GError     **error)
{
  g_autoptr(LanyardSqliteStore) self = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *backup = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (*path == '\0' || strcmp (path, ":memory:") == 0)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("A database needs a file name"));
      return NULL;
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("“%s” is a folder, not a database file"), path);
      return NULL;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (LANYARD_TYPE_SQLITE_STORE, "path", path, NULL);

  if (!conn_open (&self->writer, path, error))
    return NULL;

  {
    int application_id = 0;
    sqlite3_stmt *stmt = NULL;
    int rc;

    /* Fail early, before changing the journal mode of a file that is not ours. */
    rc = sqlite3_prepare_v2 (self->writer.db, "PRAGMA application_id", -1, &stmt, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
      application_id = sqlite3_column_int (stmt, 0);
    sqlite3_finalize (stmt);
    if (rc != SQLITE_ROW)
      {
        if ((rc & 0xff) == SQLITE_NOTADB)
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                       _("“%s” is not a Lanyard database (it is not a database at all)"), path);
        else
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                       _("Could not read “%s”: %s"), path, sqlite3_errmsg (self->writer.db));
        return NULL;
      }
    (void)application_id;
  }

  if (!lanyard_sqlite_schema_upgrade (self->writer.db, path, &backup, error))
    return NULL;

  if (!conn_exec (&self->writer, "PRAGMA journal_mode = WAL", error))
    return NULL;

  /*
   * Inserts touch pages of every person index and the search index all over
   * the file; the writer's cache (up to 256 MiB, filled only as pages are
   * written) keeps a bulk import from reading them back again and again.
   */
  if (!conn_exec (&self->writer, "PRAGMA cache_size = -262144", error))
    return NULL;

  if (!conn_open (&self->reader, path, error))
    return NULL;

  /*
   * The reader walks indexes and rows for the list and searches: a 16 MiB
   * cache keeps a scan from going to the kernel for every row, and stays
   * well inside the app's memory budget.
   */
  if (!conn_exec (&self->reader, "PRAGMA cache_size = -16384", error))
    return NULL;

  self->migration_backup = g_steal_pointer (&backup);

  return g_steal_pointer (&self);
}

const char *
lanyard_sqlite_store_get_path (LanyardSqliteStore *self)
{
  g_return_val_if_fail (LANYARD_IS_SQLITE_STORE (self), NULL);

  return self->path;
}

const char *
lanyard_sqlite_store_get_migration_backup (LanyardSqliteStore *self)
{
  g_return_val_if_fail (LANYARD_IS_SQLITE_STORE (self), NULL);

  return self->migration_backup;
}

void
lanyard_sqlite_store_set_thread_actor (const char *actor)
{
  g_private_replace (&thread_actor, actor != NULL && *actor != '\0' ? g_strdup (actor) : NULL);
}

/* A copy: another thread may change the actor meanwhile. */
char *
lanyard_sqlite_store_dup_actor (LanyardSqliteStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LANYARD_IS_SQLITE_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->writer.lock);
  return g_strdup (self->actor);
}

void
lanyard_sqlite_store_set_actor (LanyardSqliteStore *self,
                                const char         *actor)
{
  g_return_if_fail (LANYARD_IS_SQLITE_STORE (self));

  if (actor == NULL || *actor == '\0')
    actor = g_get_user_name ();

  g_mutex_lock (&self->writer.lock);
  if (lanyard_set_str (&self->actor, actor))
    {
      g_mutex_unlock (&self->writer.lock);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ACTOR]);
      return;
    }
  g_mutex_unlock (&self->writer.lock);
}

static void
lanyard_sqlite_store_finalize (GObject *object)
{
  LanyardSqliteStore *self = (LanyardSqliteStore *)object;

  conn_clear (&self->reader);
  conn_clear (&self->writer);
  g_clear_pointer (&self->policies, g_hash_table_unref);
  g_mutex_clear (&self->policy_lock);
  g_mutex_clear (&self->region_lock);
  g_free (self->phone_region);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->actor, g_free);
  g_clear_pointer (&self->migration_backup, g_free);

  G_OBJECT_CLASS (lanyard_sqlite_store_parent_class)->finalize (object);
}

static void
lanyard_sqlite_store_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_ACTOR:
      g_value_take_string (value, lanyard_sqlite_store_dup_actor (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_sqlite_store_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  LanyardSqliteStore *self = LANYARD_SQLITE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    case PROP_ACTOR:
      lanyard_sqlite_store_set_actor (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_sqlite_store_class_init (LanyardSqliteStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_sqlite_store_finalize;
  object_class->get_property = lanyard_sqlite_store_get_property;
  object_class->set_property = lanyard_sqlite_store_set_property;

  properties [PROP_PATH] =
    g_param_spec_string ("path", NULL, "The database file",
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties [PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, "Who changes are attributed to in the audit log",
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lanyard_sqlite_store_init (LanyardSqliteStore *self)
{
  conn_init (&self->writer);
  conn_init (&self->reader);
  g_mutex_init (&self->policy_lock);
  g_mutex_init (&self->region_lock);
  self->policies = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, policy_cache_entry_free);
  self->actor = g_strdup (g_get_user_name ());
  self->scan_budget = SCAN_BUDGET;
}

void
lanyard_sqlite_store_set_scan_budget (LanyardSqliteStore *self,
                                      guint               rows)
{
  g_return_if_fail (LANYARD_IS_SQLITE_STORE (self));
  g_return_if_fail (rows > 0);

  self->scan_budget = rows;
}

static void
lanyard_sqlite_store_iface_init (LanyardStoreInterface *iface)
{
  iface->list_facilities = lanyard_sqlite_store_list_facilities;
  iface->save_facility = lanyard_sqlite_store_save_facility;
  iface->list_doors = lanyard_sqlite_store_list_doors;
  iface->save_door = lanyard_sqlite_store_save_door;
  iface->delete_door = lanyard_sqlite_store_delete_door;
  iface->list_scopes = lanyard_sqlite_store_list_scopes;
  iface->save_scope = lanyard_sqlite_store_save_scope;
  iface->delete_scope = lanyard_sqlite_store_delete_scope;
  iface->list_rules = lanyard_sqlite_store_list_rules;
  iface->save_rule = lanyard_sqlite_store_save_rule;
  iface->delete_rule = lanyard_sqlite_store_delete_rule;
  iface->get_person = lanyard_sqlite_store_get_person;
  iface->find_duplicate = lanyard_sqlite_store_find_duplicate;
  iface->save_person = lanyard_sqlite_store_save_person;
  iface->create_people = lanyard_sqlite_store_create_people;
  iface->import_people = lanyard_sqlite_store_import_people;
  iface->delete_people = lanyard_sqlite_store_delete_people;
  iface->set_access_enabled = lanyard_sqlite_store_set_access_enabled;
  iface->query_people = lanyard_sqlite_store_query_people;
  iface->count_people = lanyard_sqlite_store_count_people;
  iface->list_facet_values = lanyard_sqlite_store_list_facet_values;
  iface->list_grants = lanyard_sqlite_store_list_grants;
  iface->set_grants = lanyard_sqlite_store_set_grants;
  iface->decide = lanyard_sqlite_store_decide;
  iface->list_audit = lanyard_sqlite_store_list_audit;
  iface->dup_phone_region = lanyard_sqlite_store_iface_dup_phone_region;
  iface->set_phone_region = lanyard_sqlite_store_iface_set_phone_region;
}
