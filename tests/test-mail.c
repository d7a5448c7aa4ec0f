/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "lanyard-mail-queue-private.h"
#include "lanyard-server-test-utils.h"

/*
 * LanyardMailQueue against a real SMTP server on loopback: aiosmtpd run by
 * tests/lanyard-smtp-sink.py with Debian's /usr/bin/python3 (the python3
 * on PATH may be another interpreter without python3-aiosmtpd). The sink
 * writes every message it accepts to a directory as JSON, decoded by
 * Python's email package, which is the check that what we send is
 * well-formed mail and not just what we meant to write.
 */

#define SYSTEM_PYTHON "/usr/bin/python3"
#define FROM "Lanyard Tëst <lanyard@example.org>"

typedef struct {
  char               *dir;
  char               *sink_dir;
  guint16             port;
  GSubprocess        *sink;
  LanyardSqliteStore *store;
  LanyardMailQueue   *queue;
  sqlite3            *db;
} Fixture;

static gboolean
have_aiosmtpd (void)
{
  static int available = -1;

  if (available < 0)
    {
      const char *argv[] = { SYSTEM_PYTHON, "-c", "import aiosmtpd", NULL };
      int status = -1;

      available = g_spawn_sync (NULL, (char **)argv, NULL,
                                G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, NULL, NULL, &status, NULL) &&
                  g_spawn_check_wait_status (status, NULL);
    }

  return available;
}

static gboolean
skip_without_aiosmtpd (void)
{
  if (have_aiosmtpd ())
    return FALSE;

  g_test_skip (SYSTEM_PYTHON " cannot import aiosmtpd (install python3-aiosmtpd): no SMTP server to test against");
  return TRUE;
}

/* A port nothing listens on now: bound to port 0 and closed again. */
static guint16
pick_free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
sink_start (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "lanyard-smtp-sink.py", NULL);
  g_autofree char *port = g_strdup_printf ("%u", fixture->port);
  g_autofree char *ready = g_build_filename (fixture->sink_dir, "ready", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  g_assert_null (fixture->sink);
  /* Dies with the test, so that a failed assertion does not leave a server holding the test's output open. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fixture->sink = g_subprocess_launcher_spawn (launcher, &error,
                                               SYSTEM_PYTHON, script, port, fixture->sink_dir, NULL);
  g_assert_no_error (error);

  while (!g_file_test (ready, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      /* The identifier goes once the child has exited: it failed to start. */
      g_assert_nonnull (g_subprocess_get_identifier (fixture->sink));
      g_usleep (20 * 1000);
    }
}

static void
sink_stop (Fixture *fixture)
{
  g_autofree char *ready = NULL;

  if (fixture->sink == NULL)
    return;

  g_subprocess_force_exit (fixture->sink);
  g_subprocess_wait (fixture->sink, NULL, NULL);
  g_clear_object (&fixture->sink);

  ready = g_build_filename (fixture->sink_dir, "ready", NULL);
  g_remove (ready);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  LanyardSmtpSettings settings = { NULL, };
  const char *path;

  fixture->dir = lanyard_test_dir_new ();
  fixture->sink_dir = g_build_filename (fixture->dir, "received", NULL);
  g_mkdir (fixture->sink_dir, 0700);
  fixture->port = pick_free_port ();
  fixture->store = lanyard_test_store_new (fixture->dir);
  path = lanyard_sqlite_store_get_path (fixture->store);

  url = g_strdup_printf ("smtp://127.0.0.1:%u", fixture->port);
  settings.url = url;
  settings.from = (char *)FROM;
  settings.require_tls = FALSE;

  fixture->queue = lanyard_mail_queue_new (path, &settings, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open_v2 (path, &fixture->db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (fixture->db, 5000);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->queue);
  sink_stop (fixture);
  g_clear_pointer (&fixture->db, sqlite3_close);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->sink_dir, g_free);
  g_clear_pointer (&fixture->dir, lanyard_test_dir_free);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *)a, *(char * const *)b);
}

/* The messages the sink received so far, in order, as JSON objects. */
static GPtrArray *
received (Fixture *fixture)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (fixture->sink_dir, 0, NULL);
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (fixture->sink_dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      g_ptr_array_add (messages, json_node_ref (json_parser_get_root (parser)));
    }

  return messages;
}

static GPtrArray *
wait_for_received (Fixture *fixture,
                   guint    count)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  for (;;)
    {
      g_autoptr(GPtrArray) messages = received (fixture);

      if (messages->len >= count)
        return g_steal_pointer (&messages);

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
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

static char *
query_text (Fixture    *fixture,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (fixture->db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

static const char *
header (JsonNode   *message,
        const char *name)
{
  JsonObject *headers = json_object_get_object_member (json_node_get_object (message), "headers");

  return json_object_get_string_member_with_default (headers, name, NULL);
}

static char *
body_of (JsonNode *message)
{
  const char *body = json_object_get_string_member (json_node_get_object (message), "body");
  g_auto(GStrv) lines = g_strsplit (body, "\r\n", -1);

  return g_strjoinv ("\n", lines);
}

static void
add_mail (Fixture    *fixture,
          const char *to,
          const char *subject,
          const char *body)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lanyard_mail_queue_add (fixture->queue, to, subject, body, &error));
  g_assert_no_error (error);
}

static guint
flush (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  guint sent = lanyard_mail_queue_flush (fixture->queue, &error);

  g_assert_no_error (error);
  return sent;
}

/* ------------------------------------------------------------------------ */

static const char long_body[] =
  "Hallo Anna,\n"
  "\n"
  "Ihr Code für Lanyard ist 12345678. Er läuft in 10 Minuten ab, und dieser Satz ist absichtlich länger als eine Zeile.\n"
  ".Eine Zeile, die mit einem Punkt beginnt\n"
  ".\n"
  "a=b, trailing space \n"
  "Grüße aus Köln — 東京 — 🎫\n";

static void
test_deliver (Fixture       *fixture,
              gconstpointer  data)
{
  const char *subject = "Ihr Zugangscode für Lanyard – gültig 10 Minuten, bitte nicht weitergeben";
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *body = NULL;
  g_auto(GStrv) raw_lines = NULL;
  JsonObject *message;
  JsonArray *rcpt;
  const char *raw;
  gboolean in_body = FALSE;

  if (skip_without_aiosmtpd ())
    return;

  sink_start (fixture);
  add_mail (fixture, "anna@example.org", subject, long_body);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 1);

  g_assert_cmpuint (flush (fixture), ==, 1);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 0);

  messages = wait_for_received (fixture, 1);
  g_assert_cmpuint (messages->len, ==, 1);
  message = json_node_get_object (g_ptr_array_index (messages, 0));

  /* The envelope. */
  g_assert_cmpstr (json_object_get_string_member (message, "mail-from"), ==, "lanyard@example.org");
  rcpt = json_object_get_array_member (message, "rcpt-tos");
  g_assert_cmpuint (json_array_get_length (rcpt), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (rcpt, 0), ==, "anna@example.org");

  /* The headers, as a mail reader decodes them. */
  g_assert_cmpstr (header (g_ptr_array_index (messages, 0), "Subject"), ==, subject);
  g_assert_cmpstr (header (g_ptr_array_index (messages, 0), "From"), ==, FROM);
  g_assert_cmpstr (header (g_ptr_array_index (messages, 0), "To"), ==, "anna@example.org");
  g_assert_cmpstr (header (g_ptr_array_index (messages, 0), "MIME-Version"), ==, "1.0");
  g_assert_true (g_str_has_prefix (header (g_ptr_array_index (messages, 0), "Content-Type"), "text/plain; charset="));
  g_assert_nonnull (header (g_ptr_array_index (messages, 0), "Date"));
  g_assert_true (g_regex_match_simple ("^[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}$",
                                       header (g_ptr_array_index (messages, 0), "Date"), 0, 0));
  g_assert_true (g_regex_match_simple ("^<[^<>@ ]+@example\\.org>$",
                                       header (g_ptr_array_index (messages, 0), "Message-ID"), 0, 0));

  /* The text, every character and line of it, with the leading dots. */
  body = body_of (g_ptr_array_index (messages, 0));
  g_assert_cmpstr (body, ==, long_body);

  /* On the wire: 7-bit, CRLF only, short lines. */
  raw = json_object_get_string_member (message, "raw");
  g_assert_nonnull (strstr (raw, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
  g_assert_nonnull (strstr (raw, "\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
  for (const char *p = raw; *p; p++)
    {
      g_assert_cmpint ((guchar)*p, <, 0x80);
      if (*p == '\n')
        g_assert_cmpint (p > raw ? p[-1] : 0, ==, '\r');
    }
  raw_lines = g_strsplit (raw, "\r\n", -1);
  for (guint i = 0; raw_lines[i] != NULL; i++)
    {
      if (raw_lines[i][0] == '\0')
        in_body = TRUE;
      g_assert_cmpint (strlen (raw_lines[i]), <=, in_body ? 76 : 78);
    }
  g_assert_true (in_body);

  /* Sent once: nothing is due any more, and the row is kept, marked sent. */
  g_assert_cmpuint (flush (fixture), ==, 0);
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM mail_queue WHERE sent_at > 0 AND attempts = 1"), ==, 1);

  /* Its text is not kept once sent; who got what when is. */
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM mail_queue WHERE body = ''"), ==, 1);
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM mail_queue WHERE recipient = 'anna@example.org'"
                                         " AND subject != '' AND created_at > 0"), ==, 1);
}

/* A sign-in code's mail dies with the code: never sent late, its text cleared. */
static void
test_expired (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *last_error = NULL;
  gint64 now = g_get_real_time ();

  if (skip_without_aiosmtpd ())
    return;

  /* The relay is down when the code is asked for. */
  g_assert_true (lanyard_mail_queue_add_full (fixture->queue, "gina@example.org", "Your Lanyard sign-in code",
                                              "Your Lanyard sign-in code is 11223344.\n",
                                              now + 10 * G_TIME_SPAN_MINUTE, &error));
  g_assert_no_error (error);
  add_mail (fixture, "hans@example.org", "Invitation", "Welcome\n");
  g_assert_cmpuint (flush (fixture), ==, 0);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 2);

  /* It comes back after the code expired: only the mail without an expiry goes out. */
  sink_start (fixture);
  lanyard_mail_queue_set_clock_offset (fixture->queue, 11 * G_TIME_SPAN_MINUTE);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 1);
  g_assert_cmpuint (flush (fixture), ==, 1);
  messages = wait_for_received (fixture, 1);
  g_usleep (200 * 1000);
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = received (fixture);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpstr (header (g_ptr_array_index (messages, 0), "Subject"), ==, "Invitation");

  g_assert_cmpint (query_int64 (fixture, "SELECT sent_at FROM mail_queue WHERE recipient = 'gina@example.org'"), ==, 0);
  g_assert_cmpint (query_int64 (fixture, "SELECT length(body) FROM mail_queue WHERE recipient = 'gina@example.org'"), ==, 0);
  last_error = query_text (fixture, "SELECT last_error FROM mail_queue WHERE recipient = 'gina@example.org'");
  g_assert_cmpstr (last_error, ==, "expired before it could be sent");
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 0);

  /* Never later either. */
  lanyard_mail_queue_set_clock_offset (fixture->queue, 2 * G_TIME_SPAN_HOUR);
  g_assert_cmpuint (flush (fixture), ==, 0);
}

/* lanyard_mail_queue_stop() does not wait for a whole backlog to be sent. */
static void
test_stop_prompt (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = NULL;
  const guint n = 300;

  if (skip_without_aiosmtpd ())
    return;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *to = g_strdup_printf ("person%u@example.org", i);
      add_mail (fixture, to, "Backlog", "Text\n");
    }

  sink_start (fixture);
  lanyard_mail_queue_start (fixture->queue);
  messages = wait_for_received (fixture, 1);
  g_assert_cmpuint (messages->len, >=, 1);
  lanyard_mail_queue_stop (fixture->queue);

  g_test_message ("%u of %u left unsent at the stop", lanyard_mail_queue_count_pending (fixture->queue), n);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), >, 0);
}

static void
test_relay_down (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *last_error = NULL;
  g_autofree char *body = NULL;
  gint64 next_attempt_at, now;

  if (skip_without_aiosmtpd ())
    return;

  /* Nothing listens on the port. */
  add_mail (fixture, "bert@example.org", "Your Lanyard sign-in code", "Your Lanyard sign-in code is 87654321.\n");

  now = g_get_real_time ();
  g_assert_cmpuint (flush (fixture), ==, 0);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 1);
  g_assert_cmpint (query_int64 (fixture, "SELECT attempts FROM mail_queue"), ==, 1);
  last_error = query_text (fixture, "SELECT last_error FROM mail_queue");
  g_assert_nonnull (last_error);
  g_assert_cmpstr (last_error, !=, "");
  g_test_message ("last_error: %s", last_error);
  next_attempt_at = query_int64 (fixture, "SELECT next_attempt_at FROM mail_queue");
  g_assert_cmpint (next_attempt_at - now, >=, 30 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (next_attempt_at - now, <, 35 * G_TIME_SPAN_SECOND);

  /* Not due yet: no try. */
  g_assert_cmpuint (flush (fixture), ==, 0);
  g_assert_cmpint (query_int64 (fixture, "SELECT attempts FROM mail_queue"), ==, 1);

  /* Due and still down: the wait doubles. */
  lanyard_mail_queue_set_clock_offset (fixture->queue, 31 * G_TIME_SPAN_SECOND);
  now = g_get_real_time () + 31 * G_TIME_SPAN_SECOND;
  g_assert_cmpuint (flush (fixture), ==, 0);
  g_assert_cmpint (query_int64 (fixture, "SELECT attempts FROM mail_queue"), ==, 2);
  next_attempt_at = query_int64 (fixture, "SELECT next_attempt_at FROM mail_queue");
  g_assert_cmpint (next_attempt_at - now, >=, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (next_attempt_at - now, <, 65 * G_TIME_SPAN_SECOND);

  /* The relay comes back. Before the retry is due, nothing happens. */
  sink_start (fixture);
  g_assert_cmpuint (flush (fixture), ==, 0);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 1);

  lanyard_mail_queue_set_clock_offset (fixture->queue, 92 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (flush (fixture), ==, 1);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 0);
  g_assert_cmpint (query_int64 (fixture, "SELECT attempts FROM mail_queue"), ==, 3);
  g_assert_cmpint (query_int64 (fixture, "SELECT last_error IS NULL FROM mail_queue"), ==, 1);

  /* Nothing lost, nothing twice. */
  g_assert_cmpuint (flush (fixture), ==, 0);
  lanyard_mail_queue_set_clock_offset (fixture->queue, 2 * G_TIME_SPAN_HOUR);
  g_assert_cmpuint (flush (fixture), ==, 0);
  messages = wait_for_received (fixture, 1);
  g_usleep (200 * 1000);
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = received (fixture);
  g_assert_cmpuint (messages->len, ==, 1);
  body = body_of (g_ptr_array_index (messages, 0));
  g_assert_cmpstr (body, ==, "Your Lanyard sign-in code is 87654321.\n");
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM mail_queue"), ==, 1);
}

static void
test_backoff_cap (Fixture       *fixture,
                  gconstpointer  data)
{
  gint64 now, next_attempt_at;

  /* Needs no relay: the failure is the point. */
  add_mail (fixture, "carl@example.org", "Subject", "Text\n");
  sqlite3_exec (fixture->db, "UPDATE mail_queue SET attempts = 40", NULL, NULL, NULL);

  now = g_get_real_time ();
  g_assert_cmpuint (flush (fixture), ==, 0);
  g_assert_cmpint (query_int64 (fixture, "SELECT attempts FROM mail_queue"), ==, 41);
  next_attempt_at = query_int64 (fixture, "SELECT next_attempt_at FROM mail_queue");
  g_assert_cmpint (next_attempt_at - now, >=, G_TIME_SPAN_HOUR);
  g_assert_cmpint (next_attempt_at - now, <, G_TIME_SPAN_HOUR + 5 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 1);

  /* With the relay unreachable, every due message of a round counts a try, not just the first. */
  add_mail (fixture, "dirk@example.org", "One", "1\n");
  add_mail (fixture, "emma@example.org", "Two", "2\n");
  g_assert_cmpuint (flush (fixture), ==, 0);
  g_assert_cmpint (query_int64 (fixture, "SELECT count(*) FROM mail_queue WHERE attempts = 1 AND last_error IS NOT NULL"), ==, 2);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 3);
}

static void
test_sender_thread (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = NULL;
  gint64 deadline;

  if (skip_without_aiosmtpd ())
    return;

  sink_start (fixture);
  lanyard_mail_queue_start (fixture->queue);

  /* No flush: the thread is woken by add(). */
  add_mail (fixture, "dora@example.org", "First", "One\n");
  add_mail (fixture, "emil@example.org", "Second", "Two\n");
  messages = wait_for_received (fixture, 2);
  g_assert_cmpuint (messages->len, ==, 2);

  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while (lanyard_mail_queue_count_pending (fixture->queue) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }

  /* The relay goes away: the thread fails, and retries by itself once the retry is due. */
  sink_stop (fixture);
  add_mail (fixture, "fritz@example.org", "Third", "Three\n");
  deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  while (query_int64 (fixture, "SELECT attempts FROM mail_queue WHERE recipient = 'fritz@example.org'") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 1);

  sink_start (fixture);
  lanyard_mail_queue_set_clock_offset (fixture->queue, 31 * G_TIME_SPAN_SECOND);
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = wait_for_received (fixture, 3);
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_cmpstr (header (g_ptr_array_index (messages, 2), "Subject"), ==, "Third");

  lanyard_mail_queue_stop (fixture->queue);
  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 0);
}

static void
test_no_relay (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardMailQueue) queue = NULL;
  LanyardSmtpSettings settings = { NULL, };

  queue = lanyard_mail_queue_new (lanyard_sqlite_store_get_path (fixture->store), &settings, &error);
  g_assert_no_error (error);

  g_assert_true (lanyard_mail_queue_add (queue, "gina@example.org", "Kept", "Kept for later\n", &error));
  g_assert_no_error (error);
  lanyard_mail_queue_start (queue);
  g_assert_cmpuint (lanyard_mail_queue_flush (queue, &error), ==, 0);
  g_assert_no_error (error);
  lanyard_mail_queue_stop (queue);

  /* Kept, untried, for a configuration that has a relay. */
  g_assert_cmpuint (lanyard_mail_queue_count_pending (queue), ==, 1);
  g_assert_cmpint (query_int64 (fixture, "SELECT attempts FROM mail_queue"), ==, 0);
}

static void
test_add_invalid (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (lanyard_mail_queue_add (fixture->queue, "not an address", "S", "B", &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* A line break in the subject would smuggle in headers. */
  g_assert_false (lanyard_mail_queue_add (fixture->queue, "hans@example.org", "Hi\r\nBcc: eve@example.org", "B", &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (lanyard_mail_queue_add (fixture->queue, "hans@example.org", "S", "\xff\xfe", &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);

  g_assert_cmpuint (lanyard_mail_queue_count_pending (fixture->queue), ==, 0);
}

static void
test_format (void)
{
  /* 2024-02-29 12:34:56 UTC */
  g_autofree char *message = lanyard_mail_format_message ("Lanyard <l@example.org>", "a@example.org",
                                                          "Plain subject", "a=b\nend. \n",
                                                          G_GINT64_CONSTANT (1709210096) * G_USEC_PER_SEC,
                                                          "<x@example.org>");
  g_autofree char *encoded = lanyard_mail_format_message ("Lanyard <l@example.org>", "a@example.org",
                                                          "Grüße", "x\n",
                                                          0, "<y@example.org>");

  g_assert_true (g_str_has_prefix (message, "Date: Thu, 29 Feb 2024 "));
  g_assert_nonnull (strstr (message, "\r\nFrom: Lanyard <l@example.org>\r\n"));
  g_assert_nonnull (strstr (message, "\r\nSubject: Plain subject\r\n"));
  g_assert_nonnull (strstr (message, "\r\nMessage-ID: <x@example.org>\r\n"));
  g_assert_nonnull (strstr (message, "\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
  /* "=" is escaped, a trailing space is kept visible, lines end in CRLF. */
  g_assert_true (g_str_has_suffix (message, "\r\n\r\na=3Db\r\nend.=20\r\n"));

  g_assert_nonnull (strstr (encoded, "\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/server/mail/format", test_format);
  ADD ("/server/mail/add-invalid", test_add_invalid);
  ADD ("/server/mail/no-relay", test_no_relay);
  ADD ("/server/mail/deliver", test_deliver);
  ADD ("/server/mail/relay-down", test_relay_down);
  ADD ("/server/mail/backoff-cap", test_backoff_cap);
  ADD ("/server/mail/sender-thread", test_sender_thread);
  ADD ("/server/mail/expired", test_expired);
  ADD ("/server/mail/stop-prompt", test_stop_prompt);

#undef ADD

  return g_test_run ();
}
