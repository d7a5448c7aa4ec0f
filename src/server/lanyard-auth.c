/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Auth"

#include "config.h"

#include "lanyard-auth.h"
#include "lanyard-auth-private.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "lanyard-error.h"
#include "lanyard-text.h"

/* The rules of docs/api.md, "Signing in". */
#define CODE_DIGITS            8
#define CODE_LIFETIME          (10 * G_TIME_SPAN_MINUTE)
#define CODE_MAX_ATTEMPTS      5
#define RATE_WINDOW            (15 * G_TIME_SPAN_MINUTE)
#define CODES_PER_EMAIL        5
#define CODES_PER_CLIENT       20
#define TOKEN_BYTES            32
#define TOKEN_LIFETIME         (30 * G_TIME_SPAN_DAY)
#define SALT_BYTES             16

/* last_used_at is for people looking at sessions, not for security: a minute's precision spares a write per request. */
#define LAST_USED_PRECISION    G_TIME_SPAN_MINUTE

/*
 * check_token() runs on every request. A few seconds of trusting an
 * answer makes it a hash lookup; revoking and deactivating through this
 * object drop the cache at once, so the TTL only bounds how long a change
 * made by another process (the CLI) takes to be seen.
 */
#define TOKEN_CACHE_TTL        (5 * G_TIME_SPAN_SECOND)
#define TOKEN_CACHE_MAX        10000

/* Remembered requests for emails without an account (see RequestLog); pruned when there are this many keys. */
#define REQUEST_LOG_MAX        10000

/* A statement from the cache; g_autoptr resets it (ending its read) and the cache finalizes it. */
typedef sqlite3_stmt CachedStmt;

static void
cached_stmt_release (CachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CachedStmt, cached_stmt_release)

typedef struct {
  gint64        token_id;
  gint64        expires_at;
  gint64        last_used_at;
  gint64        cached_at;
  LanyardStaff *staff;
} CachedToken;

struct _LanyardAuth
{
  GObject           parent_instance;

  char             *path;
  LanyardMailQueue *mail;

  /* Everything below is guarded by lock: request threads share one connection. */
  GMutex            lock;
  sqlite3          *db;
  GHashTable       *statements;   /* SQL text → sqlite3_stmt */

  GHashTable       *tokens;       /* token hash → CachedToken */
  gint64            token_cache_ttl;

  /*
   * Requests for emails that have no active account leave no row (there
   * is no account to hang one on), yet must count against the limits just
   * like real ones, or the answers would tell who has an account. They are
   * remembered here: "email:KEY" / "client:ADDRESS" → GArray of gint64.
   */
  GHashTable       *request_log;

  gint64            clock_offset;
};

G_DEFINE_FINAL_TYPE (LanyardAuth, lanyard_auth, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------ */
/* LanyardStaff                                                              */

LanyardStaff *
lanyard_staff_copy (const LanyardStaff *self)
{
  LanyardStaff *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (LanyardStaff, 1);
  *copy = *self;
  copy->email = g_strdup (self->email);
  copy->name = g_strdup (self->name);

  return copy;
}

void
lanyard_staff_free (LanyardStaff *self)
{
  if (self == NULL)
    return;

  g_free (self->email);
  g_free (self->name);
  g_free (self);
}

static void
cached_token_free (gpointer data)
{
  CachedToken *entry = data;

  lanyard_staff_free (entry->staff);
  g_free (entry);
}

/* ------------------------------------------------------------------------ */
/* Database                                                                  */

static void
set_sqlite_error (GError  **error,
                  sqlite3  *db,
                  int       rc)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                         _("The database is busy with another change; try again in a moment"));
  else if (primary == SQLITE_FULL)
    g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                         _("The disk is full; nothing was changed"));
  else if (primary == SQLITE_READONLY || primary == SQLITE_PERM ||
           primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR ||
           primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                 _("The database cannot be used: %s"), db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  else
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                 _("Database error: %s"), db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

static void
statement_free (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static CachedStmt *
prepare (LanyardAuth  *self,
         const char   *sql,
         GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

static gboolean
exec_sql (LanyardAuth  *self,
          const char   *sql,
          GError      **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc);
      return FALSE;
    }

  return TRUE;
}

/* Steps a statement that returns no rows. */
static gboolean
run (LanyardAuth  *self,
     CachedStmt   *stmt,
     GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc);
      return FALSE;
    }

  return TRUE;
}

static void
rollback (LanyardAuth *self)
{
  if (!sqlite3_get_autocommit (self->db))
    exec_sql (self, "ROLLBACK", NULL);
}

static gint64
auth_now (LanyardAuth *self)
{
  return g_get_real_time () + self->clock_offset;
}

/* ------------------------------------------------------------------------ */
/* Secrets                                                                   */

static void
fill_random (guint8 *buffer,
             gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n < 0 && errno == EINTR)
        continue;

      /* Without the kernel's CSPRNG there is no safe way to make codes or tokens. */
      if (n < 0)
        g_error ("getrandom() failed: %s", g_strerror (errno));

      done += n;
    }
}

static char *
random_hex (gsize n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  GString *hex = g_string_sized_new (n_bytes * 2);

  fill_random (bytes, n_bytes);
  for (gsize i = 0; i < n_bytes; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);

  return g_string_free (hex, FALSE);
}

static char *
make_code (void)
{
  /* Draws are rejected above the largest multiple of 10^8, so that every code is equally likely. */
  const guint32 limit = G_MAXUINT32 - (G_MAXUINT32 % 100000000u) - 1;
  guint32 value;

  do
    fill_random ((guint8 *)&value, sizeof value);
  while (value > limit);

  return g_strdup_printf ("%0*u", CODE_DIGITS, value % 100000000u);
}

static char *
hash_code (const char *salt,
           const char *code)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *)salt, strlen (salt));
  g_checksum_update (checksum, (const guchar *)code, strlen (code));

  return g_strdup (g_checksum_get_string (checksum));
}

char *
lanyard_auth_hash_token (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* 256 random bits, base64url without padding: 43 characters that need no escaping in a header. */
static char *
make_token (void)
{
  guint8 bytes[TOKEN_BYTES];
  char *token;
  char *p;

  fill_random (bytes, sizeof bytes);
  token = g_base64_encode (bytes, sizeof bytes);
  memset (bytes, 0, sizeof bytes);

  for (p = token; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }

  return token;
}

static gboolean
token_is_well_formed (const char *token)
{
  gsize len = 0;

  for (const char *p = token; *p; p++, len++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;

  return len == (TOKEN_BYTES * 4 + 2) / 3;
}

/* Compares two hex digests without stopping at the first difference. */
static gboolean
digest_equal (const char *a,
              const char *b)
{
  gsize len = strlen (a);
  guint8 diff = 0;

  if (len != strlen (b))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    diff |= (guint8)(a[i] ^ b[i]);

  return diff == 0;
}

/* ------------------------------------------------------------------------ */
/* Accounts                                                                  */

#define STAFF_COLUMNS "s.id, s.email, s.name, s.status, s.created_at, s.last_sign_in_at"

static LanyardStaff *
staff_from_row (sqlite3_stmt *stmt,
                int           first)
{
  LanyardStaff *staff = g_new0 (LanyardStaff, 1);

  staff->id = sqlite3_column_int64 (stmt, first);
  staff->email = g_strdup ((const char *)sqlite3_column_text (stmt, first + 1));
  staff->name = g_strdup ((const char *)sqlite3_column_text (stmt, first + 2));
  staff->active = sqlite3_column_int (stmt, first + 3) == 0;
  staff->created_at = sqlite3_column_int64 (stmt, first + 4);
  staff->last_sign_in_at = sqlite3_column_int64 (stmt, first + 5);

  return staff;
}

/* The account with @email, or NULL (without an error when there is none). */
static LanyardStaff *
lookup_staff (LanyardAuth  *self,
              const char   *email,
              GError      **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  stmt = prepare (self, "SELECT " STAFF_COLUMNS " FROM staff_account s WHERE s.email = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return staff_from_row (stmt, 0);
  if (rc != SQLITE_DONE)
    set_sqlite_error (error, self->db, rc);

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
lanyard_auth_finalize (GObject *object)
{
  LanyardAuth *self = (LanyardAuth *)object;

  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->request_log, g_hash_table_unref);
  /* Statements before the connection: sqlite3_close() refuses while any is alive. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_object (&self->mail);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (lanyard_auth_parent_class)->finalize (object);
}

static void
lanyard_auth_class_init (LanyardAuthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_auth_finalize;
}

static void
lanyard_auth_init (LanyardAuth *self)
{
  g_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, statement_free);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cached_token_free);
  self->request_log = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)g_array_unref);
  self->token_cache_ttl = TOKEN_CACHE_TTL;
}

LanyardAuth *
lanyard_auth_new (const char        *path,
                  LanyardMailQueue  *mail,
                  GError           **error)
{
  g_autoptr(LanyardAuth) self = NULL;
  sqlite3_stmt *stmt = NULL;
  int version = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (mail == NULL || LANYARD_IS_MAIL_QUEUE (mail), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (LANYARD_TYPE_AUTH, NULL);
  self->path = g_strdup (path);
  g_set_object (&self->mail, mail);

  /* No SQLITE_OPEN_CREATE: the store creates and migrates the file; a missing one is a mistake. */
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("Could not open the database “%s”: %s"),
                   path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);

  if (!exec_sql (self,
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA foreign_keys = ON;"
                 "PRAGMA synchronous = NORMAL;",
                 error))
    {
      g_prefix_error (error, _("Could not open the database “%s”: "), path);
      return NULL;
    }

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version < 2)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("“%s” has no sign-in tables (schema %d); open it with the store first to migrate it"),
                   path, version);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* ------------------------------------------------------------------------ */
/* Accounts                                                                  */

LanyardStaff *
lanyard_auth_create_admin (LanyardAuth  *self,
                           const char   *email,
                           const char   *name,
                           GError      **error)
{
  g_autofree char *address = NULL;
  g_autofree char *clean_name = NULL;
  g_autofree char *trimmed_name = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  gint64 now;
  int rc;

  g_return_val_if_fail (LANYARD_IS_AUTH (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  address = lanyard_email_normalize (email, error);
  if (address == NULL)
    return NULL;

  /* Without a name the address's local part is a fair label until someone edits it. */
  trimmed_name = g_strstrip (g_strdup (name ? name : ""));
  if (*trimmed_name == '\0')
    clean_name = g_strndup (address, strchr (address, '@') - address);
  else if (!(clean_name = lanyard_name_normalize (name, _("Name"), error)))
    return NULL;

  locker = g_mutex_locker_new (&self->lock);
  now = auth_now (self);

  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return NULL;

  {
    g_autoptr(CachedStmt) stmt = prepare (self,
                                          "INSERT INTO staff_account (email, name, status, created_at, updated_at)"
                                          " VALUES (?, ?, 0, ?, ?)",
                                          error);
    if (stmt == NULL)
      goto fail;

    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 2, clean_name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 3, now);
    sqlite3_bind_int64 (stmt, 4, now);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
      {
        g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE,
                     _("There is already a staff account for %s"), address);
        goto fail;
      }
    if (rc != SQLITE_DONE)
      {
        set_sqlite_error (error, self->db, rc);
        goto fail;
      }
  }

  staff = g_new0 (LanyardStaff, 1);
  staff->id = sqlite3_last_insert_rowid (self->db);
  staff->email = g_strdup (address);
  staff->name = g_strdup (clean_name);
  staff->active = TRUE;
  staff->created_at = now;

  {
    /* facility_id NULL: the role holds in every facility, including ones created later. */
    g_autoptr(CachedStmt) stmt = prepare (self,
                                          "INSERT INTO staff_pass (staff_id, role_id, facility_id)"
                                          " SELECT ?, id, NULL FROM role WHERE name = 'Administrator' AND builtin = 1",
                                          error);
    if (stmt == NULL)
      goto fail;

    sqlite3_bind_int64 (stmt, 1, staff->id);
    if (!run (self, stmt, error))
      goto fail;

    if (sqlite3_changes (self->db) != 1)
      {
        g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                             _("The database has no built-in Administrator role"));
        goto fail;
      }
  }

  if (!exec_sql (self, "COMMIT", error))
    goto fail;

  return g_steal_pointer (&staff);

fail:
  rollback (self);
  return NULL;
}

gboolean
lanyard_auth_set_active (LanyardAuth  *self,
                         const char   *email,
                         gboolean      active,
                         GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (LANYARD_IS_AUTH (self), FALSE);
  g_return_val_if_fail (email != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);

  stmt = prepare (self,
                  "UPDATE staff_account SET status = ?, updated_at = ?, version = version + 1"
                  " WHERE email = ? AND status != ?1",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, active ? 0 : 1);
  sqlite3_bind_int64 (stmt, 2, auth_now (self));
  sqlite3_bind_text (stmt, 3, g_strstrip (g_strdup (email)), -1, g_free);
  if (!run (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      g_autoptr(LanyardStaff) staff = NULL;
      g_autofree char *address = g_strstrip (g_strdup (email));
      g_autoptr(GError) local_error = NULL;

      /* Unchanged because it already was so, or because there is no such account? */
      g_clear_pointer (&stmt, cached_stmt_release);
      staff = lookup_staff (self, address, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (staff == NULL)
        {
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                       _("There is no staff account for %s"), address);
          return FALSE;
        }
      return TRUE;
    }

  /* Cached answers about this account's tokens are wrong now. */
  g_hash_table_remove_all (self->tokens);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Rate limits                                                               */

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *)a;
  gint64 y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

/* Requests within the window, oldest first: the database's rows (by @sql, one bound value) and the remembered ones. */
static GArray *
collect_requests (LanyardAuth  *self,
                  const char   *sql,
                  const char   *text_value,
                  gint64        int_value,
                  const char   *log_key,
                  gint64        since,
                  GError      **error)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *logged;

  if (sql != NULL)
    {
      g_autoptr(CachedStmt) stmt = prepare (self, sql, error);
      int rc;

      if (stmt == NULL)
        return NULL;

      if (text_value != NULL)
        sqlite3_bind_text (stmt, 1, text_value, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_int64 (stmt, 1, int_value);
      sqlite3_bind_int64 (stmt, 2, since);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 at = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (times, at);
        }
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc);
          return NULL;
        }
    }

  logged = g_hash_table_lookup (self->request_log, log_key);
  if (logged != NULL)
    {
      /* Drop what fell out of the window while we are here. */
      while (logged->len > 0 && g_array_index (logged, gint64, 0) <= since)
        g_array_remove_index (logged, 0);

      if (logged->len == 0)
        g_hash_table_remove (self->request_log, log_key);
      else
        g_array_append_vals (times, logged->data, logged->len);
    }

  g_array_sort (times, compare_times);
  return g_steal_pointer (&times);
}

static void
log_request (LanyardAuth *self,
             const char  *log_key,
             gint64       now)
{
  GArray *logged;

  if (g_hash_table_size (self->request_log) >= REQUEST_LOG_MAX)
    {
      GHashTableIter iter;
      gpointer value;

      /* Keys whose newest request is out of the window go; the rest are pruned on their next use. */
      g_hash_table_iter_init (&iter, self->request_log);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          GArray *times = value;

          if (g_array_index (times, gint64, times->len - 1) <= now - RATE_WINDOW)
            g_hash_table_iter_remove (&iter);
        }
    }

  logged = g_hash_table_lookup (self->request_log, log_key);
  if (logged == NULL)
    {
      logged = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->request_log, g_strdup (log_key), logged);
    }

  g_array_append_val (logged, now);
}

/* TRUE and *@retry_after set when @times (sorted) holds @limit requests or more. */
static gboolean
over_limit (GArray *times,
            guint   limit,
            gint64  now,
            guint  *retry_after)
{
  gint64 frees_at;

  if (times->len < limit)
    return FALSE;

  /* A slot frees when the request that took it leaves the window. */
  frees_at = g_array_index (times, gint64, times->len - limit) + RATE_WINDOW;
  *retry_after = (guint)MAX (1, (frees_at - now + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND);

  return TRUE;
}

/* The request_log key of failed exchanges for @address: kept for every email, with an account or not. */
static char *
tries_log_key (const char *address)
{
  g_autofree char *key = lanyard_email_key (address);

  return g_strconcat ("tries:", key, NULL);
}

/* ------------------------------------------------------------------------ */
/* Codes                                                                     */

/* Stores a new code for @staff_id, spending older unspent ones. */
static gboolean
insert_code (LanyardAuth  *self,
             gint64        staff_id,
             const char   *code_hash,
             const char   *salt,
             const char   *client,
             gint64        now,
             GError      **error)
{
  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  {
    g_autoptr(CachedStmt) stmt = prepare (self,
                                          "UPDATE sign_in_code SET spent = 1 WHERE staff_id = ? AND spent = 0",
                                          error);
    if (stmt == NULL)
      goto fail;

    sqlite3_bind_int64 (stmt, 1, staff_id);
    if (!run (self, stmt, error))
      goto fail;
  }

  {
    g_autoptr(CachedStmt) stmt = prepare (self,
                                          "INSERT INTO sign_in_code (staff_id, code_hash, salt, created_at, expires_at, client)"
                                          " VALUES (?, ?, ?, ?, ?, ?)",
                                          error);
    if (stmt == NULL)
      goto fail;

    sqlite3_bind_int64 (stmt, 1, staff_id);
    sqlite3_bind_text (stmt, 2, code_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 3, salt, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 4, now);
    sqlite3_bind_int64 (stmt, 5, now + CODE_LIFETIME);
    if (client != NULL)
      sqlite3_bind_text (stmt, 6, client, -1, SQLITE_TRANSIENT);
    else
      sqlite3_bind_null (stmt, 6);
    if (!run (self, stmt, error))
      goto fail;
  }

  if (!exec_sql (self, "COMMIT", error))
    goto fail;

  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

static gboolean
queue_code_mail (LanyardAuth  *self,
                 const char   *email,
                 const char   *code,
                 gint64        expires_at,
                 GError      **error)
{
  g_autofree char *body = NULL;

  if (self->mail == NULL)
    return TRUE;

  body = g_strdup_printf (_("Hello,\n"
                            "\n"
                            "Your Lanyard sign-in code is %s. It expires in 10 minutes.\n"
                            "\n"
                            "If you did not ask for it, ignore this mail: nobody can sign in without the code.\n"),
                          code);

  /* The mail dies with the code: it is not sent, and its text is cleared, once the code has expired. */
  return lanyard_mail_queue_add_full (self->mail, email, _("Your Lanyard sign-in code"), body, expires_at, error);
}

gboolean
lanyard_auth_request_code (LanyardAuth  *self,
                           const char   *email,
                           const char   *client_address,
                           guint        *retry_after_seconds,
                           GError      **error)
{
  g_autofree char *address = NULL;
  g_autofree char *email_key = NULL;
  g_autofree char *email_log_key = NULL;
  g_autofree char *client_log_key = NULL;
  g_autofree char *code = NULL;
  g_autofree char *salt = NULL;
  g_autofree char *code_hash = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autoptr(GArray) client_times = NULL;
  g_autoptr(GArray) email_times = NULL;
  g_autoptr(GError) local_error = NULL;
  GMutexLocker *locker;
  gboolean known;
  guint retry_after = 0;
  gint64 now;

  g_return_val_if_fail (LANYARD_IS_AUTH (self), FALSE);
  g_return_val_if_fail (email != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (retry_after_seconds != NULL)
    *retry_after_seconds = 0;

  address = lanyard_email_normalize (email, error);
  if (address == NULL)
    return FALSE;

  email_key = lanyard_email_key (address);
  email_log_key = g_strconcat ("email:", email_key, NULL);
  client_log_key = client_address ? g_strconcat ("client:", client_address, NULL) : NULL;

  /* The secret is made before anything is known about the address, so that both paths do the same work. */
  code = make_code ();
  salt = random_hex (SALT_BYTES);
  code_hash = hash_code (salt, code);

  locker = g_mutex_locker_new (&self->lock);
  now = auth_now (self);

  staff = lookup_staff (self, address, &local_error);
  if (local_error != NULL)
    goto fail;
  known = staff != NULL && staff->active;

  if (client_address != NULL)
    {
      client_times = collect_requests (self,
                                       "SELECT created_at FROM sign_in_code WHERE client = ? AND created_at > ?",
                                       client_address, 0, client_log_key, now - RATE_WINDOW, &local_error);
      if (client_times == NULL)
        goto fail;

      if (over_limit (client_times, CODES_PER_CLIENT, now, &retry_after))
        goto rate_limited;
    }

  email_times = collect_requests (self,
                                  known ? "SELECT created_at FROM sign_in_code WHERE staff_id = ? AND created_at > ?" : NULL,
                                  NULL, known ? staff->id : 0, email_log_key, now - RATE_WINDOW, &local_error);
  if (email_times == NULL)
    goto fail;

  if (over_limit (email_times, CODES_PER_EMAIL, now, &retry_after))
    goto rate_limited;

  /* A new code: failed tries of the old one no longer count (for an email without an account just the same). */
  {
    g_autofree char *tries_key = tries_log_key (address);
    g_hash_table_remove (self->request_log, tries_key);
  }

  if (!known)
    {
      log_request (self, email_log_key, now);
      if (client_log_key != NULL)
        log_request (self, client_log_key, now);

      g_debug ("A sign-in code was asked for %s, which has no active account", address);
      g_mutex_locker_free (locker);
      return TRUE;
    }

  if (!insert_code (self, staff->id, code_hash, salt, client_address, now, &local_error))
    goto fail;

  /* The mail queue writes on its own connection: not while we hold ours. */
  g_mutex_locker_free (locker);

  return queue_code_mail (self, staff->email, code, now + CODE_LIFETIME, error);

rate_limited:
  g_mutex_locker_free (locker);
  if (retry_after_seconds != NULL)
    *retry_after_seconds = retry_after;
  g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED,
               ngettext ("Too many sign-in codes were asked for; try again in %u second",
                         "Too many sign-in codes were asked for; try again in %u seconds",
                         retry_after),
               retry_after);
  return FALSE;

fail:
  g_mutex_locker_free (locker);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

char *
lanyard_auth_issue_code (LanyardAuth  *self,
                         const char   *email,
                         GError      **error)
{
  g_autofree char *address = NULL;
  g_autofree char *code = NULL;
  g_autofree char *salt = NULL;
  g_autofree char *code_hash = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (LANYARD_IS_AUTH (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  address = lanyard_email_normalize (email, error);
  if (address == NULL)
    return NULL;

  locker = g_mutex_locker_new (&self->lock);

  staff = lookup_staff (self, address, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (staff == NULL || !staff->active)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                   staff ? _("The staff account of %s is deactivated") : _("There is no staff account for %s"),
                   address);
      return NULL;
    }

  code = make_code ();
  salt = random_hex (SALT_BYTES);
  code_hash = hash_code (salt, code);

  if (!insert_code (self, staff->id, code_hash, salt, NULL, auth_now (self), error))
    return NULL;

  {
    g_autofree char *tries_key = tries_log_key (address);
    g_hash_table_remove (self->request_log, tries_key);
  }

  return g_steal_pointer (&code);
}

/*
 * Every failed exchange (no such account, no code, a wrong, expired or
 * spent code) answers with this one sentence, so that the answer does not
 * tell who has an account; the reason goes to the debug log only. The
 * desktop app shows it as it is.
 */
static void
set_code_error (GError     **error,
                const char  *address,
                const char  *reason)
{
  g_debug ("A sign-in code for %s was refused: %s", address ? address : "(not an email)", reason);
  g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED,
                       _("This code is not right, or it has expired or been used. Ask for a new code."));
}


/* Under the lock: spends @code_id and makes a token for @staff. */
static char *
sign_in (LanyardAuth   *self,
         gint64         code_id,
         LanyardStaff  *staff,
         gint64         now,
         GError       **error)
{
  g_autofree char *token = make_token ();
  g_autofree char *token_hash = lanyard_auth_hash_token (token);

  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return NULL;

  {
    g_autoptr(CachedStmt) stmt = prepare (self, "UPDATE sign_in_code SET spent = 1 WHERE id = ? AND spent = 0", error);

    if (stmt == NULL)
      goto fail;

    sqlite3_bind_int64 (stmt, 1, code_id);
    if (!run (self, stmt, error))
      goto fail;

    /* Another process spent it between our read and this write. */
    if (sqlite3_changes (self->db) != 1)
      {
        set_code_error (error, staff->email, "the code was spent by another sign-in at the same time");
        goto fail;
      }
  }

  {
    g_autoptr(CachedStmt) stmt = prepare (self,
                                          "INSERT INTO auth_token (staff_id, token_hash, created_at, expires_at, last_used_at)"
                                          " VALUES (?, ?, ?, ?, ?3)",
                                          error);
    if (stmt == NULL)
      goto fail;

    sqlite3_bind_int64 (stmt, 1, staff->id);
    sqlite3_bind_text (stmt, 2, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 3, now);
    sqlite3_bind_int64 (stmt, 4, now + TOKEN_LIFETIME);
    if (!run (self, stmt, error))
      goto fail;
  }

  {
    g_autoptr(CachedStmt) stmt = prepare (self, "UPDATE staff_account SET last_sign_in_at = ? WHERE id = ?", error);

    if (stmt == NULL)
      goto fail;

    sqlite3_bind_int64 (stmt, 1, now);
    sqlite3_bind_int64 (stmt, 2, staff->id);
    if (!run (self, stmt, error))
      goto fail;
  }

  if (!exec_sql (self, "COMMIT", error))
    goto fail;

  staff->last_sign_in_at = now;
  return g_steal_pointer (&token);

fail:
  rollback (self);
  return NULL;
}

char *
lanyard_auth_exchange_code (LanyardAuth   *self,
                            const char    *email,
                            const char    *code,
                            gint64        *out_expires_at,
                            LanyardStaff **out_staff,
                            GError       **error)
{
  g_autofree char *address = NULL;
  g_autofree char *tries_key = NULL;
  g_autofree char *code_hash = NULL;
  g_autofree char *salt = NULL;
  g_autofree char *token = NULL;
  g_autofree char *trimmed = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(GArray) tries = NULL;
  const char *stored_hash = NULL;
  const char *reason = NULL;
  gint64 code_id = 0, expires_at = 0, now;
  int spent = 0;
  int rc;

  g_return_val_if_fail (LANYARD_IS_AUTH (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_expires_at != NULL)
    *out_expires_at = 0;
  if (out_staff != NULL)
    *out_staff = NULL;

  /* Every way of not matching reads the same, so that the answer does not tell who has an account. */
  address = lanyard_email_normalize (email, NULL);
  if (address == NULL)
    {
      set_code_error (error, NULL, "not an email address");
      return NULL;
    }
  tries_key = tries_log_key (address);
  /* Codes are often pasted with spaces around them. */
  trimmed = g_strstrip (g_strdup (code));

  locker = g_mutex_locker_new (&self->lock);
  now = auth_now (self);

  /*
   * Five failed tries refuse every further one until a new code is asked
   * for. They are counted here, in memory, for every email alike: an
   * email without an account is refused as too many tries just as one
   * with an account is (whose code the fifth wrong try also spends).
   */
  tries = collect_requests (self, NULL, NULL, 0, tries_key, now - RATE_WINDOW, &local_error);
  if (tries == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (tries->len >= CODE_MAX_ATTEMPTS)
    {
      g_debug ("A sign-in code for %s was refused: too many failed tries", address);
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED,
                           _("Too many wrong codes were tried; ask for a new code"));
      return NULL;
    }

  staff = lookup_staff (self, address, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (staff == NULL || !staff->active)
    {
      /* The same work as a wrong code, so that the time taken does not tell either. */
      g_autofree char *dummy_salt = random_hex (SALT_BYTES);
      g_autofree char *dummy_hash = hash_code (dummy_salt, trimmed);

      reason = staff ? "the account is deactivated" : "there is no account";
      goto refused;
    }

  stmt = prepare (self,
                  "SELECT id, code_hash, salt, expires_at, spent FROM sign_in_code"
                  " WHERE staff_id = ? ORDER BY id DESC LIMIT 1",
                  error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, staff->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      reason = "no code was asked for";
      goto refused;
    }
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc);
      return NULL;
    }

  code_id = sqlite3_column_int64 (stmt, 0);
  stored_hash = (const char *)sqlite3_column_text (stmt, 1);
  salt = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  expires_at = sqlite3_column_int64 (stmt, 3);
  spent = sqlite3_column_int (stmt, 4);

  code_hash = hash_code (salt, trimmed);

  if (spent)
    {
      reason = "the code was used already, or spent by wrong tries or a newer code";
      goto refused;
    }
  if (now >= expires_at)
    {
      reason = "the code has expired";
      goto refused;
    }

  if (!digest_equal (code_hash, stored_hash))
    {
      g_clear_pointer (&stmt, cached_stmt_release);
      stmt = prepare (self,
                      "UPDATE sign_in_code SET attempts = attempts + 1, spent = (attempts + 1 >= ?) WHERE id = ?",
                      error);
      if (stmt == NULL)
        return NULL;

      sqlite3_bind_int (stmt, 1, CODE_MAX_ATTEMPTS);
      sqlite3_bind_int64 (stmt, 2, code_id);
      if (!run (self, stmt, error))
        return NULL;

      reason = "the code is not right";
      goto refused;
    }

  g_clear_pointer (&stmt, cached_stmt_release);

  token = sign_in (self, code_id, staff, now, error);
  if (token == NULL)
    {
      log_request (self, tries_key, now);
      return NULL;
    }

  g_hash_table_remove (self->request_log, tries_key);

  if (out_expires_at != NULL)
    *out_expires_at = now + TOKEN_LIFETIME;
  if (out_staff != NULL)
    *out_staff = g_steal_pointer (&staff);

  return g_steal_pointer (&token);

refused:
  log_request (self, tries_key, now);
  set_code_error (error, address, reason);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Tokens                                                                    */

static void
set_token_error (GError     **error,
                 const char  *message)
{
  g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED, message);
}

static gboolean
touch_token (LanyardAuth  *self,
             CachedToken  *entry,
             gint64        now)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  if (now - entry->last_used_at < LAST_USED_PRECISION)
    return TRUE;

  stmt = prepare (self, "UPDATE auth_token SET last_used_at = ? WHERE id = ?", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, now);
      sqlite3_bind_int64 (stmt, 2, entry->token_id);
      run (self, stmt, &error);
    }

  /* A busy database must not turn a good token away: last_used_at is informative. */
  if (error != NULL)
    {
      g_debug ("Could not note the use of a token: %s", error->message);
      return FALSE;
    }

  entry->last_used_at = now;
  return TRUE;
}

LanyardStaff *
lanyard_auth_check_token (LanyardAuth  *self,
                          const char   *token,
                          gint64       *out_expires_at,
                          GError      **error)
{
  g_autofree char *token_hash = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  CachedToken *entry;
  CachedToken fresh = { 0 };
  gint64 revoked_at, now;
  int rc;

  g_return_val_if_fail (LANYARD_IS_AUTH (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_expires_at != NULL)
    *out_expires_at = 0;

  if (token == NULL || !token_is_well_formed (token))
    {
      set_token_error (error, _("This sign-in is not known; sign in again"));
      return NULL;
    }

  token_hash = lanyard_auth_hash_token (token);

  locker = g_mutex_locker_new (&self->lock);
  now = auth_now (self);

  entry = g_hash_table_lookup (self->tokens, token_hash);
  if (entry != NULL && now - entry->cached_at < self->token_cache_ttl && now < entry->expires_at)
    {
      touch_token (self, entry, now);
      if (out_expires_at != NULL)
        *out_expires_at = entry->expires_at;
      return lanyard_staff_copy (entry->staff);
    }

  stmt = prepare (self,
                  "SELECT t.id, t.expires_at, t.revoked_at, t.last_used_at, " STAFF_COLUMNS
                  " FROM auth_token t JOIN staff_account s ON s.id = t.staff_id"
                  " WHERE t.token_hash = ?",
                  error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_hash_table_remove (self->tokens, token_hash);
      set_token_error (error, _("This sign-in is not known; sign in again"));
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc);
      return NULL;
    }

  fresh.token_id = sqlite3_column_int64 (stmt, 0);
  fresh.expires_at = sqlite3_column_int64 (stmt, 1);
  revoked_at = sqlite3_column_int64 (stmt, 2);
  fresh.last_used_at = sqlite3_column_int64 (stmt, 3);
  fresh.cached_at = now;
  staff = staff_from_row (stmt, 4);
  g_clear_pointer (&stmt, cached_stmt_release);

  /* Only good answers are cached; a refusal is re-read, so it cannot outlive its cause. */
  g_hash_table_remove (self->tokens, token_hash);

  if (revoked_at != 0)
    {
      set_token_error (error, _("You have signed out on this device; sign in again"));
      return NULL;
    }
  if (now >= fresh.expires_at)
    {
      set_token_error (error, _("Your sign-in has expired; sign in again"));
      return NULL;
    }
  if (!staff->active)
    {
      set_token_error (error, _("Your Lanyard account has been deactivated; ask an administrator to activate it"));
      return NULL;
    }

  if (out_expires_at != NULL)
    *out_expires_at = fresh.expires_at;

  if (self->token_cache_ttl > 0)
    {
      /* A full cache is emptied rather than aged: it refills within the TTL anyway. */
      if (g_hash_table_size (self->tokens) >= TOKEN_CACHE_MAX)
        g_hash_table_remove_all (self->tokens);

      entry = g_memdup2 (&fresh, sizeof fresh);
      entry->staff = lanyard_staff_copy (staff);
      g_hash_table_insert (self->tokens, g_steal_pointer (&token_hash), entry);
      touch_token (self, entry, now);
    }
  else
    touch_token (self, &fresh, now);

  return g_steal_pointer (&staff);
}

gboolean
lanyard_auth_revoke_token (LanyardAuth  *self,
                           const char   *token,
                           GError      **error)
{
  g_autofree char *token_hash = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (LANYARD_IS_AUTH (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  token_hash = lanyard_auth_hash_token (token);

  locker = g_mutex_locker_new (&self->lock);

  g_hash_table_remove (self->tokens, token_hash);

  stmt = prepare (self, "UPDATE auth_token SET revoked_at = ? WHERE token_hash = ? AND revoked_at = 0", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, auth_now (self));
  sqlite3_bind_text (stmt, 2, token_hash, -1, SQLITE_STATIC);

  return run (self, stmt, error);
}

/* ------------------------------------------------------------------------ */
/* Permissions                                                               */

gboolean
lanyard_auth_has_permission (LanyardAuth *self,
                             gint64       staff_id,
                             gint64       facility_id,
                             const char  *permission)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  gsize permission_len;
  int rc;

  g_return_val_if_fail (LANYARD_IS_AUTH (self), FALSE);
  g_return_val_if_fail (permission != NULL && *permission != '\0', FALSE);

  permission_len = strlen (permission);

  locker = g_mutex_locker_new (&self->lock);

  /* facility_id 0 binds NULL, which equals nothing: only all-facility passes match then. */
  stmt = prepare (self,
                  "SELECT r.permissions FROM staff_pass p"
                  " JOIN role r ON r.id = p.role_id"
                  " JOIN staff_account s ON s.id = p.staff_id"
                  " WHERE p.staff_id = ? AND s.status = 0"
                  " AND (p.facility_id IS NULL OR p.facility_id = ?)",
                  &error);
  if (stmt == NULL)
    {
      g_warning ("Could not read permissions: %s", error->message);
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, staff_id);
  if (facility_id > 0)
    sqlite3_bind_int64 (stmt, 2, facility_id);
  else
    sqlite3_bind_null (stmt, 2);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *p = (const char *)sqlite3_column_text (stmt, 0);

      /* permissions is a space-separated list: match whole words only. */
      while (p != NULL && *p != '\0')
        {
          const char *end;

          while (*p == ' ')
            p++;
          end = strchr (p, ' ');
          if (end == NULL)
            end = p + strlen (p);

          if ((gsize)(end - p) == permission_len && strncmp (p, permission, permission_len) == 0)
            return TRUE;

          p = end;
        }
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (&error, self->db, rc);
      g_warning ("Could not read permissions: %s", error->message);
    }

  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* For tests                                                                 */

void
lanyard_auth_set_clock_offset (LanyardAuth *self,
                               gint64       offset_usec)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (LANYARD_IS_AUTH (self));

  locker = g_mutex_locker_new (&self->lock);
  self->clock_offset = offset_usec;
}

void
lanyard_auth_set_token_cache_ttl (LanyardAuth *self,
                                  gint64       ttl_usec)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (LANYARD_IS_AUTH (self));

  locker = g_mutex_locker_new (&self->lock);
  self->token_cache_ttl = MAX (ttl_usec, 0);
  g_hash_table_remove_all (self->tokens);
}
