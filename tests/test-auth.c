/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "lanyard-auth-private.h"
#include "lanyard-server-test-utils.h"

/*
 * LanyardAuth against a real database file: the rules of docs/api.md
 * "Signing in" and "Permissions", one test each. The mail queue has no
 * relay, so that what it would send stays in mail_queue to be read.
 */

#define ADMIN "admin@example.org"

/* What every failed exchange of a code answers. */
#define REFUSED "This code is not right, or it has expired or been used. Ask for a new code."

typedef struct {
  char               *dir;
  LanyardSqliteStore *store;
  LanyardMailQueue   *mail;
  LanyardAuth        *auth;
  sqlite3            *db;      /* a look at the tables, as an attacker with the file would have */
  LanyardStaff       *admin;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  LanyardSmtpSettings settings = { NULL, };
  const char *path;

  fixture->dir = lanyard_test_dir_new ();
  fixture->store = lanyard_test_store_new (fixture->dir);
  path = lanyard_sqlite_store_get_path (fixture->store);

  fixture->mail = lanyard_mail_queue_new (path, &settings, &error);
  g_assert_no_error (error);
  fixture->auth = lanyard_auth_new (path, fixture->mail, &error);
  g_assert_no_error (error);

  fixture->admin = lanyard_auth_create_admin (fixture->auth, ADMIN, "Ada Admin", &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open_v2 (path, &fixture->db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (fixture->db, 5000);
  sqlite3_exec (fixture->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->db, sqlite3_close);
  g_clear_pointer (&fixture->admin, lanyard_staff_free);
  g_clear_object (&fixture->auth);
  g_clear_object (&fixture->mail);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->dir, lanyard_test_dir_free);
}

static gint64
query_int64 (Fixture    *fixture,
             const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (fixture->db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static void
exec (Fixture    *fixture,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (fixture->db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* The code in the newest queued mail. */
static char *
code_from_last_mail (Fixture *fixture)
{
  sqlite3_stmt *stmt = NULL;
  const char *body;
  char *code = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (fixture->db, "SELECT body FROM mail_queue ORDER BY id DESC LIMIT 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  body = (const char *)sqlite3_column_text (stmt, 0);

  for (const char *p = body; *p; p++)
    if (strspn (p, "0123456789") == 8)
      {
        code = g_strndup (p, 8);
        break;
      }

  sqlite3_finalize (stmt);
  g_assert_nonnull (code);

  return code;
}

/* A code that is not @code. */
static char *
wrong_code (const char *code)
{
  char *wrong = g_strdup (code);

  wrong[7] = wrong[7] == '9' ? '0' : wrong[7] + 1;
  return wrong;
}

static char *
sign_in (Fixture    *fixture,
         const char *email)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = lanyard_auth_issue_code (fixture->auth, email, &error);
  char *token;

  g_assert_no_error (error);
  token = lanyard_auth_exchange_code (fixture->auth, email, code, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  return token;
}

/* An account with one pass, written as the staff administration would write it. */
static gint64
add_staff (Fixture    *fixture,
           const char *email,
           const char *role,
           gint64      facility_id)
{
  g_autofree char *sql = NULL;
  gint64 staff_id;

  sql = g_strdup_printf ("INSERT INTO staff_account (email, name, created_at, updated_at)"
                         " VALUES ('%s', 'Someone', 1, 1)", email);
  exec (fixture, sql);
  staff_id = sqlite3_last_insert_rowid (fixture->db);
  g_free (sql);

  if (facility_id > 0)
    sql = g_strdup_printf ("INSERT INTO staff_pass (staff_id, role_id, facility_id)"
                           " SELECT %" G_GINT64_FORMAT ", id, %" G_GINT64_FORMAT " FROM role WHERE name = '%s'",
                           staff_id, facility_id, role);
  else
    sql = g_strdup_printf ("INSERT INTO staff_pass (staff_id, role_id, facility_id)"
                           " SELECT %" G_GINT64_FORMAT ", id, NULL FROM role WHERE name = '%s'",
                           staff_id, role);
  exec (fixture, sql);

  return staff_id;
}

/* ------------------------------------------------------------------------ */

static void
test_admin_create (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = NULL;

  g_assert_cmpint (fixture->admin->id, >, 0);
  g_assert_cmpstr (fixture->admin->email, ==, ADMIN);
  g_assert_cmpstr (fixture->admin->name, ==, "Ada Admin");
  g_assert_true (fixture->admin->active);
  g_assert_cmpint (fixture->admin->created_at, >, 0);
  g_assert_cmpint (fixture->admin->last_sign_in_at, ==, 0);

  /* One pass, the built-in Administrator role, every facility. */
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM staff_pass p JOIN role r ON r.id = p.role_id"
                                         " WHERE r.name = 'Administrator' AND p.facility_id IS NULL"), ==, 1);

  /* Trimmed; a missing name falls back on the address. */
  staff = lanyard_auth_create_admin (fixture->auth, "  second@example.org ", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (staff->email, ==, "second@example.org");
  g_assert_cmpstr (staff->name, ==, "second");
  g_clear_pointer (&staff, lanyard_staff_free);

  staff = lanyard_auth_create_admin (fixture->auth, "not an email", "X", &error);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_null (staff);
}

static void
test_admin_duplicate (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = NULL;

  staff = lanyard_auth_create_admin (fixture->auth, "Admin@Example.org", "Other", &error);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE);
  g_assert_null (staff);

  /* Nothing half-written. */
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM staff_account"), ==, 1);
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM staff_pass"), ==, 1);
}

static void
test_code_unknown_email (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint retry_after = 99;

  g_assert_true (lanyard_auth_request_code (fixture->auth, "nobody@example.org", "192.0.2.1", &retry_after, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (retry_after, ==, 0);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->mail), ==, 0);
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM sign_in_code"), ==, 0);

  /* A deactivated account looks the same from outside. */
  g_assert_true (lanyard_auth_set_active (fixture->auth, ADMIN, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (lanyard_auth_request_code (fixture->auth, ADMIN, "192.0.2.1", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->mail), ==, 0);
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM sign_in_code"), ==, 0);

  /* Not an email at all is said, though. */
  g_assert_false (lanyard_auth_request_code (fixture->auth, "nobody", "192.0.2.1", NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
}

static void
test_code_mail (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  gint64 expires_at = 0;
  sqlite3_stmt *stmt = NULL;

  g_assert_true (lanyard_auth_request_code (fixture->auth, "ADMIN@example.org", "192.0.2.1", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->mail), ==, 1);

  g_assert_cmpint (sqlite3_prepare_v2 (fixture->db, "SELECT recipient, subject, body FROM mail_queue",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, ADMIN);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 1), ==, "Your Lanyard sign-in code");
  g_assert_nonnull (strstr ((const char *)sqlite3_column_text (stmt, 2), "It expires in 10 minutes."));
  g_assert_nonnull (strstr ((const char *)sqlite3_column_text (stmt, 2), "If you did not ask for it, ignore this mail"));
  sqlite3_finalize (stmt);

  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM sign_in_code WHERE client = '192.0.2.1'"), ==, 1);

  code = code_from_last_mail (fixture);
  token = lanyard_auth_exchange_code (fixture->auth, ADMIN, code, &expires_at, &staff, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_cmpint (strlen (token), ==, 43);
  g_assert_cmpint (strspn (token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), ==, 43);
  g_assert_cmpint (ABS (expires_at - (g_get_real_time () + 30 * G_TIME_SPAN_DAY)), <, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (staff->id, ==, fixture->admin->id);
  g_assert_cmpstr (staff->email, ==, ADMIN);
  g_assert_cmpint (staff->last_sign_in_at, >, 0);
}

static void
test_code_exchange (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *spaced = NULL;
  g_autofree char *token = NULL;

  code = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strlen (code), ==, 8);
  g_assert_cmpint (strspn (code, "0123456789"), ==, 8);
  /* issue_code mails nothing. */
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->mail), ==, 0);

  /* Pasted with white space around it. */
  spaced = g_strdup_printf (" %s\n", code);
  token = lanyard_auth_exchange_code (fixture->auth, ADMIN, spaced, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  g_assert_cmpint (query_int64 (fixture, "SELECT last_sign_in_at FROM staff_account"), >, 0);

  g_assert_null (lanyard_auth_issue_code (fixture->auth, "nobody@example.org", &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
}

static void
test_code_wrong (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_autofree char *wrong = wrong_code (code);
  g_autofree char *token = NULL;

  g_assert_no_error (error);

  /* Four wrong tries leave the code usable. */
  for (int i = 0; i < 4; i++)
    {
      g_assert_null (lanyard_auth_exchange_code (fixture->auth, ADMIN, wrong, NULL, NULL, &error));
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
      g_clear_error (&error);
    }
  g_assert_cmpint (query_int64 (fixture, "SELECT attempts FROM sign_in_code"), ==, 4);

  /* Right code, wrong account: no, and in the same words. */
  g_assert_null (lanyard_auth_exchange_code (fixture->auth, "nobody@example.org", code, NULL, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
  g_assert_cmpstr (error->message, ==, REFUSED);
  g_clear_error (&error);

  token = lanyard_auth_exchange_code (fixture->auth, ADMIN, code, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
}

static void
test_code_too_many_wrong (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_autofree char *wrong = wrong_code (code);
  g_autofree char *fresh = NULL;
  g_autofree char *token = NULL;

  g_assert_no_error (error);

  for (int i = 0; i < 5; i++)
    {
      g_assert_null (lanyard_auth_exchange_code (fixture->auth, ADMIN, wrong, NULL, NULL, &error));
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
      g_clear_error (&error);
    }

  /* Spent: even the right code is refused, as too many tries, until a new code is asked for. */
  g_assert_null (lanyard_auth_exchange_code (fixture->auth, ADMIN, code, NULL, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  g_assert_null (lanyard_auth_exchange_code (fixture->auth, ADMIN, wrong, NULL, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED);
  g_clear_error (&error);

  fresh = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_assert_no_error (error);
  token = lanyard_auth_exchange_code (fixture->auth, ADMIN, fresh, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
}

static void
test_code_expired (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_autofree char *second = NULL;
  g_autofree char *token = NULL;

  g_assert_no_error (error);

  lanyard_auth_set_clock_offset (fixture->auth, 10 * G_TIME_SPAN_MINUTE + G_TIME_SPAN_SECOND);
  g_assert_null (lanyard_auth_exchange_code (fixture->auth, ADMIN, code, NULL, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
  /* The reason is not told: an expired code reads like any other refused one. */
  g_assert_cmpstr (error->message, ==, REFUSED);
  g_clear_error (&error);

  /* Just inside the ten minutes still works. */
  lanyard_auth_set_clock_offset (fixture->auth, 0);
  second = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_assert_no_error (error);
  lanyard_auth_set_clock_offset (fixture->auth, 9 * G_TIME_SPAN_MINUTE + 50 * G_TIME_SPAN_SECOND);
  token = lanyard_auth_exchange_code (fixture->auth, ADMIN, second, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
}

/*
 * Every failed exchange answers alike, with an account or without: an
 * unknown email, a deactivated account, no code, a wrong, expired, used or
 * superseded code. And five failed tries make the sixth "too many" for an
 * unknown email as for a known one, until a new code is asked for.
 */
static void
test_code_same_answer (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_autofree char *wrong = wrong_code (code);
  const char *emails[] = { ADMIN, "nobody@example.org" };

  g_assert_no_error (error);

  for (guint e = 0; e < G_N_ELEMENTS (emails); e++)
    {
      for (int i = 0; i < 5; i++)
        {
          g_assert_null (lanyard_auth_exchange_code (fixture->auth, emails[e], wrong, NULL, NULL, &error));
          g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
          g_assert_cmpstr (error->message, ==, REFUSED);
          g_clear_error (&error);
        }

      g_assert_null (lanyard_auth_exchange_code (fixture->auth, emails[e], wrong, NULL, NULL, &error));
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED);
      g_clear_error (&error);
    }

  /* Asking for a new code lifts it for both; neither tells anything. */
  for (guint e = 0; e < G_N_ELEMENTS (emails); e++)
    {
      g_assert_true (lanyard_auth_request_code (fixture->auth, emails[e], "192.0.2.7", NULL, &error));
      g_assert_no_error (error);
      g_assert_null (lanyard_auth_exchange_code (fixture->auth, emails[e], "00000000x", NULL, NULL, &error));
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
      g_assert_cmpstr (error->message, ==, REFUSED);
      g_clear_error (&error);
    }

  /* A deactivated account, and an account that never asked for a code. */
  add_staff (fixture, "fresh@example.org", "Viewer", 0);
  g_assert_null (lanyard_auth_exchange_code (fixture->auth, "fresh@example.org", "12345678", NULL, NULL, &error));
  g_assert_cmpstr (error->message, ==, REFUSED);
  g_clear_error (&error);
  g_assert_true (lanyard_auth_set_active (fixture->auth, "fresh@example.org", FALSE, &error));
  g_assert_no_error (error);
  g_assert_null (lanyard_auth_exchange_code (fixture->auth, "fresh@example.org", "12345678", NULL, NULL, &error));
  g_assert_cmpstr (error->message, ==, REFUSED);
  g_clear_error (&error);
}

static void
test_code_used (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_autofree char *token = NULL;

  g_assert_no_error (error);
  token = lanyard_auth_exchange_code (fixture->auth, ADMIN, code, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_null (lanyard_auth_exchange_code (fixture->auth, ADMIN, code, NULL, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
  g_assert_cmpstr (error->message, ==, REFUSED);
}

static void
test_code_superseded (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_autofree char *second = NULL;
  g_autofree char *token = NULL;

  g_assert_no_error (error);
  do
    {
      g_free (second);
      second = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
      g_assert_no_error (error);
    }
  while (g_str_equal (first, second));

  /* A new code spends the older one. */
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM sign_in_code WHERE spent = 0"), ==, 1);
  g_assert_null (lanyard_auth_exchange_code (fixture->auth, ADMIN, first, NULL, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);

  token = lanyard_auth_exchange_code (fixture->auth, ADMIN, second, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
}

static void
assert_rate_limited (Fixture    *fixture,
                     const char *email,
                     const char *client)
{
  g_autoptr(GError) error = NULL;
  guint retry_after = 0;

  g_assert_false (lanyard_auth_request_code (fixture->auth, email, client, &retry_after, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED);
  g_assert_cmpuint (retry_after, >, 0);
  g_assert_cmpuint (retry_after, <=, 15 * 60);
}

static void
request_ok (Fixture    *fixture,
            const char *email,
            const char *client)
{
  g_autoptr(GError) error = NULL;
  guint retry_after = 7;

  g_assert_true (lanyard_auth_request_code (fixture->auth, email, client, &retry_after, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (retry_after, ==, 0);
}

static void
test_rate_limit_email (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint retry_after = 0;

  /* Five codes per email in 15 minutes, whatever the client address. */
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *client = g_strdup_printf ("192.0.2.%d", i + 1);

      lanyard_auth_set_clock_offset (fixture->auth, i * G_TIME_SPAN_MINUTE);
      request_ok (fixture, ADMIN, client);
    }
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->mail), ==, 5);

  g_assert_false (lanyard_auth_request_code (fixture->auth, ADMIN, "198.51.100.1", &retry_after, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED);
  /* The first code leaves the window 15 minutes after it was asked for: 11 minutes from "now". */
  g_assert_cmpuint (retry_after, >=, 11 * 60 - 2);
  g_assert_cmpuint (retry_after, <=, 11 * 60);
  g_clear_error (&error);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->mail), ==, 5);

  /* An unknown email is limited the same way, or the 429 would tell who has an account. */
  for (int i = 0; i < 5; i++)
    request_ok (fixture, "nobody@example.org", "198.51.100.2");
  assert_rate_limited (fixture, "Nobody@example.org", "198.51.100.3");

  /* After the window the email may ask again. */
  lanyard_auth_set_clock_offset (fixture->auth, 15 * G_TIME_SPAN_MINUTE + G_TIME_SPAN_SECOND);
  request_ok (fixture, ADMIN, "198.51.100.1");
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->mail), ==, 6);
}

static void
test_rate_limit_client (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *client = "203.0.113.7";

  /* 20 codes per client address, known emails and unknown ones alike. */
  for (int i = 0; i < 10; i++)
    {
      g_autofree char *known = g_strdup_printf ("staff%d@example.org", i);
      g_autofree char *unknown = g_strdup_printf ("stranger%d@example.org", i);
      g_autoptr(LanyardStaff) staff = NULL;
      g_autoptr(GError) error = NULL;

      staff = lanyard_auth_create_admin (fixture->auth, known, NULL, &error);
      g_assert_no_error (error);
      request_ok (fixture, known, client);
      request_ok (fixture, unknown, client);
    }

  assert_rate_limited (fixture, ADMIN, client);
  assert_rate_limited (fixture, "stranger99@example.org", client);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->mail), ==, 10);

  /* Another address is not held up by this one. */
  request_ok (fixture, ADMIN, "203.0.113.8");

  lanyard_auth_set_clock_offset (fixture->auth, 15 * G_TIME_SPAN_MINUTE + G_TIME_SPAN_SECOND);
  request_ok (fixture, ADMIN, client);
}

static void
test_token_check (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autofree char *code = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_autofree char *token = NULL;
  gint64 expires_at = 0, checked_expires_at = 0;

  g_assert_no_error (error);
  token = lanyard_auth_exchange_code (fixture->auth, ADMIN, code, &expires_at, NULL, &error);
  g_assert_no_error (error);

  /* Twice: from the database, then from the cache. */
  for (int i = 0; i < 2; i++)
    {
      staff = lanyard_auth_check_token (fixture->auth, token, &checked_expires_at, &error);
      g_assert_no_error (error);
      g_assert_nonnull (staff);
      g_assert_cmpint (staff->id, ==, fixture->admin->id);
      g_assert_cmpstr (staff->email, ==, ADMIN);
      g_assert_cmpstr (staff->name, ==, "Ada Admin");
      g_assert_true (staff->active);
      g_assert_cmpint (checked_expires_at, ==, expires_at);
      g_clear_pointer (&staff, lanyard_staff_free);
    }

  /* Tokens are independent: a second sign-in does not end the first. */
  {
    g_autofree char *other = sign_in (fixture, ADMIN);

    g_assert_cmpstr (other, !=, token);
    staff = lanyard_auth_check_token (fixture->auth, token, NULL, &error);
    g_assert_no_error (error);
    g_clear_pointer (&staff, lanyard_staff_free);
  }
}

static void
test_token_unknown (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *tokens[] = {
    "",
    "garbage",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",          /* well-formed, never issued */
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",          /* padding is not part of the form */
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",         /* one too long */
  };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardStaff) staff = lanyard_auth_check_token (fixture->auth, tokens[i], NULL, &error);

      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
      g_assert_null (staff);
    }
}

/* The message of check_token()'s refusal of @token. */
static char *
refusal (Fixture    *fixture,
         const char *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = lanyard_auth_check_token (fixture->auth, token, NULL, &error);

  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
  g_assert_null (staff);

  return g_strdup (error->message);
}

static void
test_token_revoked (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autofree char *token = sign_in (fixture, ADMIN);
  g_autofree char *other = sign_in (fixture, ADMIN);
  g_autofree char *message = NULL;
  g_autofree char *unknown_message = NULL;

  /* Cached first, so that revoking must drop the cache entry. */
  staff = lanyard_auth_check_token (fixture->auth, token, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&staff, lanyard_staff_free);

  g_assert_true (lanyard_auth_revoke_token (fixture->auth, token, &error));
  g_assert_no_error (error);

  message = refusal (fixture, token);
  unknown_message = refusal (fixture, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  g_assert_cmpstr (message, !=, unknown_message);
  g_assert_nonnull (strstr (message, "signed out"));

  /* Revoking again, or revoking nonsense, is fine. */
  g_assert_true (lanyard_auth_revoke_token (fixture->auth, token, &error));
  g_assert_no_error (error);
  g_assert_true (lanyard_auth_revoke_token (fixture->auth, "nonsense", &error));
  g_assert_no_error (error);

  /* Only that token. */
  staff = lanyard_auth_check_token (fixture->auth, other, NULL, &error);
  g_assert_no_error (error);
}

static void
test_token_deactivated (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autofree char *token = sign_in (fixture, ADMIN);
  g_autofree char *message = NULL;
  g_autofree char *code = NULL;

  staff = lanyard_auth_check_token (fixture->auth, token, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&staff, lanyard_staff_free);

  /* At once, not when the cache entry ages out. */
  g_assert_true (lanyard_auth_set_active (fixture->auth, ADMIN, FALSE, &error));
  g_assert_no_error (error);
  message = refusal (fixture, token);
  g_assert_nonnull (strstr (message, "deactivated"));
  g_assert_false (lanyard_auth_has_permission (fixture->auth, fixture->admin->id, 0, "people.read"));

  /* An outstanding code does not help a deactivated account either. */
  g_assert_true (lanyard_auth_set_active (fixture->auth, ADMIN, TRUE, &error));
  code = lanyard_auth_issue_code (fixture->auth, ADMIN, &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_auth_set_active (fixture->auth, ADMIN, FALSE, &error));
  g_assert_null (lanyard_auth_exchange_code (fixture->auth, ADMIN, code, NULL, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);

  /* Deactivating revoked nothing: active again, the token works again. */
  g_assert_true (lanyard_auth_set_active (fixture->auth, ADMIN, TRUE, &error));
  g_assert_true (lanyard_auth_set_active (fixture->auth, ADMIN, TRUE, &error));
  g_assert_no_error (error);
  staff = lanyard_auth_check_token (fixture->auth, token, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (staff);

  g_assert_false (lanyard_auth_set_active (fixture->auth, "nobody@example.org", FALSE, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
}

static void
test_token_expired (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autofree char *token = sign_in (fixture, ADMIN);
  g_autofree char *message = NULL;

  staff = lanyard_auth_check_token (fixture->auth, token, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&staff, lanyard_staff_free);

  lanyard_auth_set_clock_offset (fixture->auth, 29 * G_TIME_SPAN_DAY);
  staff = lanyard_auth_check_token (fixture->auth, token, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&staff, lanyard_staff_free);

  lanyard_auth_set_clock_offset (fixture->auth, 30 * G_TIME_SPAN_DAY + G_TIME_SPAN_SECOND);
  message = refusal (fixture, token);
  g_assert_nonnull (strstr (message, "expired"));
}

static void
test_token_last_used (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autofree char *token = sign_in (fixture, ADMIN);
  gint64 first, second;

  first = query_int64 (fixture, "SELECT last_used_at FROM auth_token");
  g_assert_cmpint (first, >, 0);

  /* Within the minute: no write. */
  lanyard_auth_set_clock_offset (fixture->auth, 30 * G_TIME_SPAN_SECOND);
  staff = lanyard_auth_check_token (fixture->auth, token, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&staff, lanyard_staff_free);
  g_assert_cmpint (query_int64 (fixture, "SELECT last_used_at FROM auth_token"), ==, first);

  lanyard_auth_set_clock_offset (fixture->auth, 2 * G_TIME_SPAN_MINUTE);
  staff = lanyard_auth_check_token (fixture->auth, token, NULL, &error);
  g_assert_no_error (error);
  second = query_int64 (fixture, "SELECT last_used_at FROM auth_token");
  g_assert_cmpint (second - first, >=, 2 * G_TIME_SPAN_MINUTE - G_TIME_SPAN_SECOND);
}

static void
test_permissions (Fixture       *fixture,
                  gconstpointer  data)
{
  LanyardStore *store = LANYARD_STORE (fixture->store);
  gint64 north = lanyard_test_add_facility (store, "North");
  gint64 south = lanyard_test_add_facility (store, "South");
  gint64 admin = fixture->admin->id;
  gint64 viewer = add_staff (fixture, "viewer@example.org", "Viewer", north);
  gint64 manager = add_staff (fixture, "manager@example.org", "Manager", 0);
  gint64 nobody = 9999;

  /* Administrator, all facilities: everything, anywhere, and for "all facilities". */
  g_assert_true (lanyard_auth_has_permission (fixture->auth, admin, north, "settings"));
  g_assert_true (lanyard_auth_has_permission (fixture->auth, admin, south, "people.delete"));
  g_assert_true (lanyard_auth_has_permission (fixture->auth, admin, 0, "staff"));
  g_assert_false (lanyard_auth_has_permission (fixture->auth, admin, north, "no.such.permission"));

  /* Viewer of North only. */
  g_assert_true (lanyard_auth_has_permission (fixture->auth, viewer, north, "people.read"));
  g_assert_true (lanyard_auth_has_permission (fixture->auth, viewer, north, "audit"));
  g_assert_false (lanyard_auth_has_permission (fixture->auth, viewer, north, "people.write"));
  g_assert_false (lanyard_auth_has_permission (fixture->auth, viewer, south, "people.read"));
  g_assert_false (lanyard_auth_has_permission (fixture->auth, viewer, 0, "people.read"));
  /* Whole words: "people" is not "people.read", "aud" not "audit". */
  g_assert_false (lanyard_auth_has_permission (fixture->auth, viewer, north, "people"));
  g_assert_false (lanyard_auth_has_permission (fixture->auth, viewer, north, "aud"));

  /* Manager everywhere, without settings; plus Administrator of South. */
  g_assert_true (lanyard_auth_has_permission (fixture->auth, manager, north, "grants"));
  g_assert_true (lanyard_auth_has_permission (fixture->auth, manager, 0, "import"));
  g_assert_false (lanyard_auth_has_permission (fixture->auth, manager, north, "settings"));
  g_assert_false (lanyard_auth_has_permission (fixture->auth, manager, south, "settings"));
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO staff_pass (staff_id, role_id, facility_id)"
                                            " SELECT %" G_GINT64_FORMAT ", id, %" G_GINT64_FORMAT
                                            " FROM role WHERE name = 'Administrator'", manager, south);
    exec (fixture, sql);
  }
  g_assert_true (lanyard_auth_has_permission (fixture->auth, manager, south, "settings"));
  g_assert_false (lanyard_auth_has_permission (fixture->auth, manager, north, "settings"));

  /* A role's permissions are read as they are now. */
  exec (fixture, "UPDATE role SET permissions = 'people.read  doors' WHERE name = 'Viewer'");
  g_assert_true (lanyard_auth_has_permission (fixture->auth, viewer, north, "doors"));
  g_assert_false (lanyard_auth_has_permission (fixture->auth, viewer, north, "audit"));

  g_assert_false (lanyard_auth_has_permission (fixture->auth, nobody, north, "people.read"));

  /* Inactive accounts hold nothing. */
  exec (fixture, "UPDATE staff_account SET status = 1 WHERE email = 'viewer@example.org'");
  g_assert_false (lanyard_auth_has_permission (fixture->auth, viewer, north, "people.read"));
}

static void
test_secrets_hashed (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  int n_rows = 0;

  g_assert_true (lanyard_auth_request_code (fixture->auth, ADMIN, NULL, NULL, &error));
  g_assert_true (lanyard_auth_request_code (fixture->auth, ADMIN, NULL, NULL, &error));
  g_assert_no_error (error);
  code = code_from_last_mail (fixture);
  token = lanyard_auth_exchange_code (fixture->auth, ADMIN, code, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Neither the code nor the token appears anywhere in the auth tables. */
  g_assert_cmpint (sqlite3_prepare_v2 (fixture->db, "SELECT code_hash, salt FROM sign_in_code", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *hash = (const char *)sqlite3_column_text (stmt, 0);
      const char *salt = (const char *)sqlite3_column_text (stmt, 1);

      g_assert_cmpint (strlen (hash), ==, 64);
      g_assert_cmpint (strspn (hash, "0123456789abcdef"), ==, 64);
      g_assert_null (strstr (hash, code));
      g_assert_cmpint (strlen (salt), >=, 32);
      n_rows++;
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (n_rows, ==, 2);

  /* Salted: the two codes' salts differ. */
  g_assert_cmpint (query_int64 (fixture, "SELECT count(DISTINCT salt) FROM sign_in_code"), ==, 2);

  sql = g_strdup_printf ("SELECT count(*) FROM sign_in_code WHERE instr(code_hash, '%s') OR instr(salt, '%s')", code, code);
  g_assert_cmpint (query_int64 (fixture, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM auth_token WHERE instr(token_hash, '%s')", token);
  g_assert_cmpint (query_int64 (fixture, sql), ==, 0);
  g_free (sql);

  /* The token is kept as its SHA-256. */
  token_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  sql = g_strdup_printf ("SELECT count(*) FROM auth_token WHERE token_hash = '%s'", token_hash);
  g_assert_cmpint (query_int64 (fixture, sql), ==, 1);
}

/* check_token() runs on every request: it must cost microseconds. */
static void
test_token_speed (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *token = sign_in (fixture, ADMIN);
  const guint cached_rounds = 200000;
  const guint uncached_rounds = 20000;
  gint64 start;
  double cached_us, uncached_us, permission_us;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < cached_rounds; i++)
    {
      g_autoptr(LanyardStaff) staff = lanyard_auth_check_token (fixture->auth, token, NULL, NULL);
      g_assert_nonnull (staff);
    }
  cached_us = (double)(g_get_monotonic_time () - start) / cached_rounds;

  lanyard_auth_set_token_cache_ttl (fixture->auth, 0);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < uncached_rounds; i++)
    {
      g_autoptr(LanyardStaff) staff = lanyard_auth_check_token (fixture->auth, token, NULL, NULL);
      g_assert_nonnull (staff);
    }
  uncached_us = (double)(g_get_monotonic_time () - start) / uncached_rounds;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < uncached_rounds; i++)
    g_assert_true (lanyard_auth_has_permission (fixture->auth, fixture->admin->id, 1, "people.read"));
  permission_us = (double)(g_get_monotonic_time () - start) / uncached_rounds;

  g_test_message ("check_token: %.2f us cached, %.2f us from the database; has_permission: %.2f us",
                  cached_us, uncached_us, permission_us);
  if (g_test_perf ())
    g_test_minimized_result (cached_us, "check_token (cached) %.2f us", cached_us);

  /* Generous bounds: this guards against an accidental full scan, not against a slow machine. */
  g_assert_cmpfloat (cached_us, <, 50);
  g_assert_cmpfloat (uncached_us, <, 500);
}

typedef struct {
  LanyardAuth *auth;
  const char  *token;
  guint        rounds;
} SpeedThread;

static gpointer
check_token_thread (gpointer data)
{
  SpeedThread *job = data;

  for (guint i = 0; i < job->rounds; i++)
    {
      g_autoptr(LanyardStaff) staff = lanyard_auth_check_token (job->auth, job->token, NULL, NULL);
      g_assert_nonnull (staff);
      g_assert_true (lanyard_auth_has_permission (job->auth, staff->id, 1, "people.read"));
    }

  return NULL;
}

/* Request threads share one LanyardAuth: many at once must neither fail nor step on each other. */
static void
test_token_threads (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *token = sign_in (fixture, ADMIN);
  SpeedThread job = { fixture->auth, token, 5000 };
  GThread *threads[8];
  gint64 start = g_get_monotonic_time ();
  double per_second;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("check-token", check_token_thread, &job);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  per_second = (double)G_N_ELEMENTS (threads) * job.rounds * G_USEC_PER_SEC / (g_get_monotonic_time () - start);
  g_test_message ("8 threads: %.0f token checks with a permission check per second", per_second);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/server/auth/admin/create", test_admin_create);
  ADD ("/server/auth/admin/duplicate", test_admin_duplicate);
  ADD ("/server/auth/code/unknown-email", test_code_unknown_email);
  ADD ("/server/auth/code/mail", test_code_mail);
  ADD ("/server/auth/code/exchange", test_code_exchange);
  ADD ("/server/auth/code/wrong", test_code_wrong);
  ADD ("/server/auth/code/too-many-wrong", test_code_too_many_wrong);
  ADD ("/server/auth/code/expired", test_code_expired);
  ADD ("/server/auth/code/same-answer", test_code_same_answer);
  ADD ("/server/auth/code/used", test_code_used);
  ADD ("/server/auth/code/superseded", test_code_superseded);
  ADD ("/server/auth/rate-limit/email", test_rate_limit_email);
  ADD ("/server/auth/rate-limit/client", test_rate_limit_client);
  ADD ("/server/auth/token/check", test_token_check);
  ADD ("/server/auth/token/unknown", test_token_unknown);
  ADD ("/server/auth/token/revoked", test_token_revoked);
  ADD ("/server/auth/token/deactivated", test_token_deactivated);
  ADD ("/server/auth/token/expired", test_token_expired);
  ADD ("/server/auth/token/last-used", test_token_last_used);
  ADD ("/server/auth/token/speed", test_token_speed);
  ADD ("/server/auth/token/threads", test_token_threads);
  ADD ("/server/auth/permissions", test_permissions);
  ADD ("/server/auth/secrets-hashed", test_secrets_hashed);

#undef ADD

  return g_test_run ();
}
