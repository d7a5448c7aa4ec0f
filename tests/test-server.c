/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "lanyard-json.h"
#include "lanyard-remote-store.h"
#include "lanyard-server-private.h"
#include "lanyard-server-test-utils.h"

typedef struct {
  char              *dir;
  LanyardTestServer *server;
  SoupSession       *session;
  char              *url;
  char              *token;        /* the administrator's */
  gint64             facility_id;  /* "Riverside" with doors Front, Gym, Pool */
} Fixture;

typedef struct {
  guint               status;
  JsonNode           *json;
  SoupMessageHeaders *headers;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->json, json_node_unref);
  g_clear_pointer (&answer->headers, soup_message_headers_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = lanyard_test_dir_new ();
  f->server = lanyard_test_server_start (f->dir);
  f->url = g_strdup (lanyard_test_server_get_url (f->server));
  f->session = soup_session_new ();
  f->token = lanyard_test_server_sign_in (f->server, LANYARD_TEST_ADMIN_EMAIL);
  f->facility_id = lanyard_test_add_facility (LANYARD_STORE (lanyard_test_server_get_store (f->server)),
                                              "Riverside");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  lanyard_test_server_stop (f->server);
  lanyard_test_dir_free (f->dir);
  g_free (f->url);
  g_free (f->token);
}

/* Sends a request and reads the answer; @path is below /api/v1 unless it starts with "!". */
static void
send_full (SoupSession  *session,
           const char   *base_url,
           const char   *method,
           const char   *path,
           const char   *token,
           const char   *if_match,
           GBytes       *body,
           Answer       *answer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *uri = NULL;
  const char *content_type;

  if (path[0] == '!')
    uri = g_strconcat (base_url, path + 1, NULL);
  else
    uri = g_strconcat (base_url, "/api/v1", path, NULL);

  msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (if_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", if_match);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  answer->status = soup_message_get_status (msg);
  answer->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  answer->json = NULL;

  if (g_bytes_get_size (bytes) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      content_type = soup_message_headers_get_content_type (answer->headers, NULL);
      g_assert_cmpstr (content_type, ==, "application/json");
      json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
      g_assert_no_error (error);
      answer->json = json_parser_steal_root (parser);
    }
}

static void
send_as (Fixture    *f,
         const char *token,
         const char *method,
         const char *path,
         const char *body,
         Answer     *answer)
{
  g_autoptr(GBytes) bytes = body ? g_bytes_new (body, strlen (body)) : NULL;

  send_full (f->session, f->url, method, path, token, NULL, bytes, answer);
}

static void
send_admin (Fixture    *f,
            const char *method,
            const char *path,
            const char *body,
            Answer     *answer)
{
  send_as (f, f->token, method, path, body, answer);
}

static JsonObject *
answer_object (Answer *answer)
{
  g_assert_nonnull (answer->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer->json));
  return json_node_get_object (answer->json);
}

static JsonArray *
answer_array (Answer *answer)
{
  g_assert_nonnull (answer->json);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (answer->json));
  return json_node_get_array (answer->json);
}

/* Asserts an error answer with @status and @code; returns its message. */
static const char *
assert_error (Answer     *answer,
              guint       status,
              const char *code)
{
  JsonObject *error;

  g_assert_cmpuint (answer->status, ==, status);
  g_assert_true (json_object_has_member (answer_object (answer), "error"));
  error = json_object_get_object_member (answer_object (answer), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
  return json_object_get_string_member (error, "message");
}

static char *
path_printf (const char *format,
             ...) G_GNUC_PRINTF (1, 2);

static char *
path_printf (const char *format,
             ...)
{
  va_list args;
  char *path;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);
  return path;
}

static LanyardPerson *
add_person (Fixture    *f,
            const char *first,
            const char *last,
            const char *email)
{
  return lanyard_test_add_person (LANYARD_STORE (lanyard_test_server_get_store (f->server)),
                                  f->facility_id, first, last, NULL, email);
}

/* A person as the API writes it, with @member changed to the JSON @value. */
static char *
person_body (LanyardPerson *person,
             const char    *member,
             const char    *value)
{
  g_autoptr(JsonNode) node = lanyard_json_from_object (G_OBJECT (person));
  g_autofree char *text = NULL;

  if (member != NULL)
    {
      g_autoptr(JsonNode) member_node = json_from_string (value, NULL);
      json_object_set_member (json_node_get_object (node), member, g_steal_pointer (&member_node));
    }

  return json_to_string (node, FALSE);
}

/* A staff account with @role in @facility_id only. */
static char *
add_member (Fixture    *f,
            const char *email,
            const char *role,
            gint64      facility_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;

  staff = lanyard_auth_create_admin (lanyard_test_server_get_auth (f->server), email, "Vera Viewer", &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (lanyard_sqlite_store_get_path (lanyard_test_server_get_store (f->server)), &db),
                   ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sql = g_strdup_printf ("UPDATE staff_pass SET role_id = (SELECT id FROM role WHERE name = '%s'),"
                         " facility_id = %" G_GINT64_FORMAT " WHERE staff_id = %" G_GINT64_FORMAT,
                         role, facility_id, staff->id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  return lanyard_test_server_sign_in (f->server, email);
}

/* A staff account with the Viewer role in @facility_id only. */
static char *
add_viewer (Fixture    *f,
            const char *email,
            gint64      facility_id)
{
  return add_member (f, email, "Viewer", facility_id);
}

/* ------------------------------------------------------------------------ */
/* Signing in                                                               */
/* ------------------------------------------------------------------------ */

static void
test_auth_no_token (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Answer) none = { 0 };
  g_auto(Answer) bad = { 0 };

  send_as (f, NULL, "GET", "/facilities", NULL, &none);
  assert_error (&none, 401, "unauthenticated");
  g_assert_cmpstr (soup_message_headers_get_one (none.headers, "WWW-Authenticate"), ==, "Bearer");

  send_as (f, "not-a-token", "GET", "/facilities", NULL, &bad);
  assert_error (&bad, 401, "unauthenticated");
  g_assert_cmpstr (soup_message_headers_get_one (bad.headers, "WWW-Authenticate"), ==, "Bearer");
}

static void
test_auth_session (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(Answer) session = { 0 };
  g_auto(Answer) revoke = { 0 };
  g_auto(Answer) after = { 0 };
  JsonObject *staff;

  send_admin (f, "GET", "/auth/session", NULL, &session);
  g_assert_cmpuint (session.status, ==, 200);
  staff = json_object_get_object_member (answer_object (&session), "staff");
  g_assert_cmpstr (json_object_get_string_member (staff, "email"), ==, LANYARD_TEST_ADMIN_EMAIL);
  g_assert_cmpint (json_object_get_int_member (answer_object (&session), "expires-at"), >, g_get_real_time ());

  send_admin (f, "DELETE", "/auth/session", NULL, &revoke);
  g_assert_cmpuint (revoke.status, ==, 204);
  g_assert_null (revoke.json);

  send_admin (f, "GET", "/facilities", NULL, &after);
  assert_error (&after, 401, "unauthenticated");
}

static void
test_auth_deactivated (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Answer) before = { 0 };
  g_auto(Answer) after = { 0 };

  send_admin (f, "GET", "/facilities", NULL, &before);
  g_assert_cmpuint (before.status, ==, 200);

  lanyard_auth_set_active (lanyard_test_server_get_auth (f->server), LANYARD_TEST_ADMIN_EMAIL, FALSE, &error);
  g_assert_no_error (error);

  send_admin (f, "GET", "/facilities", NULL, &after);
  assert_error (&after, 401, "unauthenticated");
}

static void
test_auth_code_and_token (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  g_auto(Answer) known = { 0 };
  g_auto(Answer) unknown = { 0 };
  g_auto(Answer) malformed = { 0 };
  g_auto(Answer) missing = { 0 };
  g_auto(Answer) wrong = { 0 };
  g_auto(Answer) right = { 0 };
  g_auto(Answer) use = { 0 };
  const char *token;

  send_as (f, NULL, "POST", "/auth/code", "{\"email\": \"" LANYARD_TEST_ADMIN_EMAIL "\"}", &known);
  g_assert_cmpuint (known.status, ==, 202);
  /* The same answer for an email without an account. */
  send_as (f, NULL, "POST", "/auth/code", "{\"email\": \"nobody@example.org\"}", &unknown);
  g_assert_cmpuint (unknown.status, ==, 202);

  send_as (f, NULL, "POST", "/auth/code", "{\"email\": ", &malformed);
  assert_error (&malformed, 400, "invalid");
  send_as (f, NULL, "POST", "/auth/code", "{\"mail\": \"x@example.org\"}", &missing);
  g_assert_nonnull (strstr (assert_error (&missing, 422, "invalid"), "email"));

  code = lanyard_auth_issue_code (lanyard_test_server_get_auth (f->server), LANYARD_TEST_ADMIN_EMAIL, &error);
  g_assert_no_error (error);

  send_as (f, NULL, "POST", "/auth/token",
           "{\"email\": \"" LANYARD_TEST_ADMIN_EMAIL "\", \"code\": \"00000000\"}", &wrong);
  if (strcmp (code, "00000000") != 0)
    assert_error (&wrong, 401, "unauthenticated");

  body = g_strdup_printf ("{\"email\": \"%s\", \"code\": \"%s\"}", LANYARD_TEST_ADMIN_EMAIL, code);
  send_as (f, NULL, "POST", "/auth/token", body, &right);
  g_assert_cmpuint (right.status, ==, 201);
  token = json_object_get_string_member (answer_object (&right), "token");
  g_assert_nonnull (token);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer_object (&right), "staff"), "email"),
                   ==, LANYARD_TEST_ADMIN_EMAIL);

  send_as (f, token, "GET", "/auth/session", NULL, &use);
  g_assert_cmpuint (use.status, ==, 200);
}

static void
test_auth_rate_limited (Fixture       *f,
                        gconstpointer  data)
{
  gboolean limited = FALSE;

  for (guint i = 0; i < 8 && !limited; i++)
    {
      g_auto(Answer) answer = { 0 };

      send_as (f, NULL, "POST", "/auth/code", "{\"email\": \"" LANYARD_TEST_ADMIN_EMAIL "\"}", &answer);
      if (answer.status == 429)
        {
          const char *retry_after = soup_message_headers_get_one (answer.headers, "Retry-After");

          assert_error (&answer, 429, "rate-limited");
          g_assert_nonnull (retry_after);
          g_assert_cmpint (atoi (retry_after), >, 0);
          limited = TRUE;
        }
      else
        g_assert_cmpuint (answer.status, ==, 202);
    }

  g_assert_true (limited);
}

/* ------------------------------------------------------------------------ */
/* Permissions                                                              */
/* ------------------------------------------------------------------------ */

static void
test_permissions_viewer (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(LanyardPerson) anna = add_person (f, "Anna", "Müller", "anna@example.org");
  gint64 other_id = lanyard_test_add_facility (LANYARD_STORE (lanyard_test_server_get_store (f->server)), "Hillside");
  g_autoptr(LanyardPerson) ole = lanyard_test_add_person (LANYARD_STORE (lanyard_test_server_get_store (f->server)),
                                                          other_id, "Ole", "Hansen", NULL, "ole@example.org");
  g_autofree char *viewer = add_viewer (f, "viewer@example.org", f->facility_id);
  g_autofree char *people_path = path_printf ("/facilities/%" G_GINT64_FORMAT "/people", f->facility_id);
  g_autofree char *other_people_path = path_printf ("/facilities/%" G_GINT64_FORMAT "/people", other_id);
  g_autofree char *anna_path = path_printf ("/people/%" G_GINT64_FORMAT, lanyard_person_get_id (anna));
  g_autofree char *ole_path = path_printf ("/people/%" G_GINT64_FORMAT, lanyard_person_get_id (ole));
  g_autofree char *anna_body = person_body (anna, "notes", "\"Hi\"");
  g_auto(Answer) facilities = { 0 };
  g_auto(Answer) list = { 0 };
  g_auto(Answer) read = { 0 };
  g_auto(Answer) write = { 0 };
  g_auto(Answer) create = { 0 };
  g_auto(Answer) other_list = { 0 };
  g_auto(Answer) other_read = { 0 };
  g_auto(Answer) facility = { 0 };
  g_auto(Answer) region = { 0 };
  JsonArray *array;

  send_as (f, viewer, "GET", "/facilities", NULL, &facilities);
  g_assert_cmpuint (facilities.status, ==, 200);
  array = answer_array (&facilities);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "id"), ==, f->facility_id);

  send_as (f, viewer, "GET", people_path, NULL, &list);
  g_assert_cmpuint (list.status, ==, 200);
  send_as (f, viewer, "GET", anna_path, NULL, &read);
  g_assert_cmpuint (read.status, ==, 200);

  send_as (f, viewer, "PUT", anna_path, anna_body, &write);
  assert_error (&write, 403, "permission-denied");
  send_as (f, viewer, "POST", people_path, "{\"first-name\": \"Eve\", \"last-name\": \"Ng\", \"email\": \"eve@example.org\"}", &create);
  assert_error (&create, 403, "permission-denied");
  send_as (f, viewer, "POST", "/facilities", "{\"name\": \"Mine\", \"timezone\": \"Europe/Berlin\"}", &facility);
  assert_error (&facility, 403, "permission-denied");
  send_as (f, viewer, "PUT", "/settings/phone-region", "{\"region\": \"FR\"}", &region);
  assert_error (&region, 403, "permission-denied");

  /* Another facility's records do not show through. */
  send_as (f, viewer, "GET", other_people_path, NULL, &other_list);
  assert_error (&other_list, 404, "not-found");
  send_as (f, viewer, "GET", ole_path, NULL, &other_read);
  assert_error (&other_read, 404, "not-found");
}

/* ------------------------------------------------------------------------ */
/* Facilities, doors, scopes, rules                                         */
/* ------------------------------------------------------------------------ */

static void
test_facilities (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Answer) list = { 0 };
  g_auto(Answer) create = { 0 };
  g_auto(Answer) duplicate = { 0 };
  g_auto(Answer) wrong_type = { 0 };
  g_auto(Answer) update = { 0 };
  g_auto(Answer) stale = { 0 };
  g_auto(Answer) unknown = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  gint64 id;

  send_admin (f, "GET", "/facilities", NULL, &list);
  g_assert_cmpuint (list.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (answer_array (&list)), ==, 1);

  send_admin (f, "POST", "/facilities", "{\"name\": \"Lakeside\", \"timezone\": \"Europe/Berlin\"}", &create);
  g_assert_cmpuint (create.status, ==, 201);
  id = json_object_get_int_member (answer_object (&create), "id");
  g_assert_cmpint (id, >, 0);

  send_admin (f, "POST", "/facilities", "{\"name\": \"Lakeside\", \"timezone\": \"Europe/Berlin\"}", &duplicate);
  g_assert_cmpuint (duplicate.status, ==, 409);
  send_admin (f, "POST", "/facilities", "{\"name\": 5}", &wrong_type);
  g_assert_nonnull (strstr (assert_error (&wrong_type, 422, "invalid"), "name"));

  path = path_printf ("/facilities/%" G_GINT64_FORMAT, id);
  send_admin (f, "PUT", path, "{\"name\": \"Lakeside Club\", \"timezone\": \"Europe/Berlin\", \"version\": 1}", &update);
  g_assert_cmpuint (update.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&update), "name"), ==, "Lakeside Club");
  g_assert_cmpint (json_object_get_int_member (answer_object (&update), "version"), ==, 2);

  send_admin (f, "PUT", path, "{\"name\": \"Lakeside Old\", \"timezone\": \"Europe/Berlin\", \"version\": 1}", &stale);
  assert_error (&stale, 409, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer_object (&stale), "current"), "name"),
                   ==, "Lakeside Club");

  send_admin (f, "PUT", "/facilities/9999", "{\"name\": \"X\", \"timezone\": \"Europe/Berlin\", \"version\": 1}", &unknown);
  assert_error (&unknown, 404, "not-found");
}

static void
test_doors_scopes_rules (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *doors_path = path_printf ("/facilities/%" G_GINT64_FORMAT "/doors", f->facility_id);
  g_autofree char *scopes_path = path_printf ("/facilities/%" G_GINT64_FORMAT "/scopes", f->facility_id);
  g_autofree char *rules_path = path_printf ("/facilities/%" G_GINT64_FORMAT "/rules", f->facility_id);
  g_autofree char *door_path = NULL;
  g_autofree char *scope_path = NULL;
  g_autofree char *rule_path = NULL;
  g_autofree char *scope_body = NULL;
  g_auto(Answer) doors = { 0 };
  g_auto(Answer) door = { 0 };
  g_auto(Answer) same_name = { 0 };
  g_auto(Answer) rename = { 0 };
  g_auto(Answer) stale = { 0 };
  g_auto(Answer) precondition = { 0 };
  g_auto(Answer) scope = { 0 };
  g_auto(Answer) scopes = { 0 };
  g_auto(Answer) rule = { 0 };
  g_auto(Answer) rules = { 0 };
  g_auto(Answer) delete_rule = { 0 };
  g_auto(Answer) delete_scope = { 0 };
  g_auto(Answer) delete_door = { 0 };
  g_auto(Answer) delete_again = { 0 };
  gint64 door_id, scope_id, rule_id;

  send_admin (f, "GET", doors_path, NULL, &doors);
  g_assert_cmpuint (doors.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (answer_array (&doors)), ==, 3);

  send_admin (f, "POST", doors_path, "{\"name\": \"Sauna\"}", &door);
  g_assert_cmpuint (door.status, ==, 201);
  door_id = json_object_get_int_member (answer_object (&door), "id");
  g_assert_cmpint (json_object_get_int_member (answer_object (&door), "facility-id"), ==, f->facility_id);

  send_admin (f, "POST", doors_path, "{\"name\": \"Sauna\"}", &same_name);
  assert_error (&same_name, 409, "duplicate");

  door_path = path_printf ("/doors/%" G_GINT64_FORMAT, door_id);
  send_admin (f, "PUT", door_path, "{\"name\": \"Steam room\", \"version\": 1}", &rename);
  g_assert_cmpuint (rename.status, ==, 200);
  send_admin (f, "PUT", door_path, "{\"name\": \"Old name\", \"version\": 1}", &stale);
  assert_error (&stale, 409, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer_object (&stale), "current"), "name"),
                   ==, "Steam room");

  {
    static const char text[] = "{\"name\": \"Other\", \"version\": 2}";
    g_autoptr(GBytes) body = g_bytes_new_static (text, strlen (text));

    send_full (f->session, f->url, "PUT", door_path, f->token, "\"1\"", body, &precondition);
    assert_error (&precondition, 412, "conflict");
    g_assert_true (json_object_has_member (answer_object (&precondition), "current"));
  }

  scope_body = g_strdup_printf ("{\"name\": \"Wellness\", \"door-ids\": [%" G_GINT64_FORMAT "]}", door_id);
  send_admin (f, "POST", scopes_path, scope_body, &scope);
  g_assert_cmpuint (scope.status, ==, 201);
  scope_id = json_object_get_int_member (answer_object (&scope), "id");
  send_admin (f, "GET", scopes_path, NULL, &scopes);
  g_assert_cmpuint (json_array_get_length (answer_array (&scopes)), ==, 1);

  send_admin (f, "POST", rules_path,
              "{\"name\": \"Gold members\", \"enabled\": true, \"condition\": \"person-type\","
              " \"value\": \"Gold\", \"target\": \"all-doors\"}", &rule);
  g_assert_cmpuint (rule.status, ==, 201);
  rule_id = json_object_get_int_member (answer_object (&rule), "id");
  send_admin (f, "GET", rules_path, NULL, &rules);
  g_assert_cmpuint (json_array_get_length (answer_array (&rules)), ==, 1);

  rule_path = path_printf ("/rules/%" G_GINT64_FORMAT, rule_id);
  scope_path = path_printf ("/scopes/%" G_GINT64_FORMAT, scope_id);
  send_admin (f, "DELETE", rule_path, NULL, &delete_rule);
  g_assert_cmpuint (delete_rule.status, ==, 204);
  send_admin (f, "DELETE", scope_path, NULL, &delete_scope);
  g_assert_cmpuint (delete_scope.status, ==, 204);
  send_admin (f, "DELETE", door_path, NULL, &delete_door);
  g_assert_cmpuint (delete_door.status, ==, 204);
  send_admin (f, "DELETE", door_path, NULL, &delete_again);
  assert_error (&delete_again, 404, "not-found");
}

/* ------------------------------------------------------------------------ */
/* People                                                                   */
/* ------------------------------------------------------------------------ */

static void
test_people_crud (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *people_path = path_printf ("/facilities/%" G_GINT64_FORMAT "/people", f->facility_id);
  g_autofree char *person_path = NULL;
  g_autofree char *update_body = NULL;
  g_autofree char *stale_body = NULL;
  g_autofree char *wrong_body = NULL;
  g_autoptr(GObject) created = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Answer) create = { 0 };
  g_auto(Answer) get = { 0 };
  g_auto(Answer) update = { 0 };
  g_auto(Answer) stale = { 0 };
  g_auto(Answer) precondition = { 0 };
  g_auto(Answer) duplicate = { 0 };
  g_auto(Answer) malformed = { 0 };
  g_auto(Answer) wrong_type = { 0 };
  g_auto(Answer) unknown = { 0 };
  g_auto(Answer) invalid = { 0 };
  gint64 id;

  send_admin (f, "POST", people_path,
              "{\"first-name\": \"Anna\", \"last-name\": \"Müller\", \"email\": \"anna@example.org\"}", &create);
  g_assert_cmpuint (create.status, ==, 201);
  created = lanyard_json_to_object (LANYARD_TYPE_PERSON, create.json, &error);
  g_assert_no_error (error);
  id = lanyard_person_get_id (LANYARD_PERSON (created));
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (lanyard_person_get_facility_id (LANYARD_PERSON (created)), ==, f->facility_id);

  person_path = path_printf ("/people/%" G_GINT64_FORMAT, id);
  send_admin (f, "GET", person_path, NULL, &get);
  g_assert_cmpuint (get.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&get), "last-name"), ==, "Müller");

  update_body = person_body (LANYARD_PERSON (created), "notes", "\"Pays yearly\"");
  send_admin (f, "PUT", person_path, update_body, &update);
  g_assert_cmpuint (update.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&update), "notes"), ==, "Pays yearly");

  /* The same version again is stale now. */
  stale_body = person_body (LANYARD_PERSON (created), "notes", "\"Pays monthly\"");
  send_admin (f, "PUT", person_path, stale_body, &stale);
  assert_error (&stale, 409, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer_object (&stale), "current"), "notes"),
                   ==, "Pays yearly");

  {
    g_autoptr(GBytes) body = g_bytes_new (update_body, strlen (update_body));

    send_full (f->session, f->url, "PUT", person_path, f->token, "\"1\"", body, &precondition);
    assert_error (&precondition, 412, "conflict");
  }

  send_admin (f, "POST", people_path,
              "{\"first-name\": \"Anne\", \"last-name\": \"Other\", \"email\": \"anna@example.org\"}", &duplicate);
  assert_error (&duplicate, 409, "duplicate");

  send_admin (f, "POST", people_path, "{\"first-name\": \"Anne\",", &malformed);
  assert_error (&malformed, 400, "invalid");

  wrong_body = person_body (LANYARD_PERSON (created), "access-enabled", "\"yes\"");
  send_admin (f, "POST", people_path, wrong_body, &wrong_type);
  g_assert_nonnull (strstr (assert_error (&wrong_type, 422, "invalid"), "access-enabled"));

  send_admin (f, "POST", people_path, "{\"first-name\": \"\", \"last-name\": \"X\", \"email\": \"x@example.org\"}", &invalid);
  assert_error (&invalid, 422, "invalid");

  send_admin (f, "GET", "/people/999999", NULL, &unknown);
  assert_error (&unknown, 404, "not-found");
}

static void
test_people_list (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *base = path_printf ("/facilities/%" G_GINT64_FORMAT "/people", f->facility_id);
  g_autofree char *counts_path = path_printf ("%s/counts", base);
  g_autofree char *tags_path = path_printf ("%s/facets/person-type", base);
  g_autofree char *bad_facet_path = path_printf ("%s/facets/colour", base);
  g_autofree char *duplicate_path = path_printf ("%s/duplicate?email=p3%%40example.org", base);
  g_autofree char *no_duplicate_path = path_printf ("%s/duplicate?email=nobody%%40example.org", base);
  g_autofree char *cursor = NULL;
  g_auto(Answer) counts = { 0 };
  g_auto(Answer) facets = { 0 };
  g_auto(Answer) bad_facet = { 0 };
  g_auto(Answer) dup = { 0 };
  g_auto(Answer) no_dup = { 0 };
  guint seen = 0;

  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *first = g_strdup_printf ("Person%u", i);
      g_autofree char *email = g_strdup_printf ("p%u@example.org", i);
      g_autoptr(LanyardPerson) person = add_person (f, first, "Test", email);
    }

  /* Pages of 3 until there is no cursor. */
  for (guint pages = 0; pages < 20; pages++)
    {
      g_autofree char *path = NULL;
      g_autofree char *escaped = cursor ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;
      g_auto(Answer) page = { 0 };
      JsonNode *next;

      path = cursor ? path_printf ("%s?limit=3&sort=name&descending=false&cursor=%s", base, escaped)
                    : path_printf ("%s?limit=3&sort=name&descending=false", base);
      send_admin (f, "GET", path, NULL, &page);
      g_assert_cmpuint (page.status, ==, 200);
      seen += json_array_get_length (json_object_get_array_member (answer_object (&page), "people"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer_object (&page), "people")), <=, 3);

      next = json_object_get_member (answer_object (&page), "next-cursor");
      g_assert_nonnull (next);
      g_clear_pointer (&cursor, g_free);
      if (JSON_NODE_HOLDS_NULL (next))
        break;
      cursor = g_strdup (json_node_get_string (next));
    }
  g_assert_cmpuint (seen, ==, 7);

  /* Bad parameters are 400 and name the parameter. */
  {
    static const struct { const char *query; const char *name; } bad[] = {
      { "limit=0", "limit" },
      { "limit=501", "limit" },
      { "limit=ten", "limit" },
      { "source=fax", "source" },
      { "access=maybe", "access" },
      { "sort=height", "sort" },
      { "descending=yes", "descending" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *path = path_printf ("%s?%s", base, bad[i].query);
        g_auto(Answer) answer = { 0 };

        send_admin (f, "GET", path, NULL, &answer);
        g_assert_nonnull (strstr (assert_error (&answer, 400, "invalid"), bad[i].name));
      }
  }

  {
    g_autofree char *path = path_printf ("%s?search=Person3&access=any&source=manual", base);
    g_auto(Answer) answer = { 0 };

    send_admin (f, "GET", path, NULL, &answer);
    g_assert_cmpuint (answer.status, ==, 200);
  }

  send_admin (f, "GET", counts_path, NULL, &counts);
  g_assert_cmpuint (counts.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (answer_object (&counts), "all"), ==, 7);

  send_admin (f, "GET", tags_path, NULL, &facets);
  g_assert_cmpuint (facets.status, ==, 200);
  answer_array (&facets);
  send_admin (f, "GET", bad_facet_path, NULL, &bad_facet);
  assert_error (&bad_facet, 404, "not-found");

  send_admin (f, "GET", duplicate_path, NULL, &dup);
  g_assert_cmpuint (dup.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&dup), "first-name"), ==, "Person3");
  send_admin (f, "GET", no_duplicate_path, NULL, &no_dup);
  assert_error (&no_dup, 404, "not-found");
}

static void
test_people_bulk (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *batch_path = path_printf ("/facilities/%" G_GINT64_FORMAT "/people/batch", f->facility_id);
  g_autofree char *import_path = path_printf ("/facilities/%" G_GINT64_FORMAT "/people/import", f->facility_id);
  g_autoptr(LanyardPerson) anna = add_person (f, "Anna", "Müller", "anna@example.org");
  g_autoptr(LanyardPerson) ben = add_person (f, "Ben", "Schulz", "ben@example.org");
  g_autofree char *ids_body = g_strdup_printf ("{\"ids\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "], \"enabled\": false}",
                                               lanyard_person_get_id (anna), lanyard_person_get_id (ben));
  g_autofree char *delete_body = g_strdup_printf ("{\"ids\": [%" G_GINT64_FORMAT "]}", lanyard_person_get_id (ben));
  g_auto(Answer) batch = { 0 };
  g_auto(Answer) batch_dup = { 0 };
  g_auto(Answer) import = { 0 };
  g_auto(Answer) bad_grants = { 0 };
  g_auto(Answer) access = { 0 };
  g_auto(Answer) bad_ids = { 0 };
  g_auto(Answer) deleted = { 0 };

  send_admin (f, "POST", batch_path,
              "{\"people\": [{\"first-name\": \"C\", \"last-name\": \"One\", \"email\": \"c1@example.org\"},"
              "              {\"first-name\": \"C\", \"last-name\": \"Two\", \"email\": \"c2@example.org\"}],"
              " \"grants\": [[{\"kind\": \"facility\"}], null]}", &batch);
  g_assert_cmpuint (batch.status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (answer_object (&batch), "created"), ==, 2);

  /* All or nothing: one duplicate refuses the whole batch. */
  send_admin (f, "POST", batch_path,
              "{\"people\": [{\"first-name\": \"D\", \"last-name\": \"One\", \"email\": \"d1@example.org\"},"
              "              {\"first-name\": \"D\", \"last-name\": \"Two\", \"email\": \"c1@example.org\"}]}", &batch_dup);
  g_assert_cmpuint (batch_dup.status, ==, 409);

  send_admin (f, "POST", batch_path,
              "{\"people\": [{\"first-name\": \"E\", \"last-name\": \"One\", \"email\": \"e1@example.org\"}],"
              " \"grants\": [null, null]}", &bad_grants);
  assert_error (&bad_grants, 422, "invalid");

  send_admin (f, "POST", import_path,
              "{\"people\": [{\"first-name\": \"F\", \"last-name\": \"One\", \"email\": \"f1@example.org\"}],"
              " \"label\": \"members.csv\", \"summary\": {\"rows\": 1}}", &import);
  g_assert_cmpuint (import.status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (answer_object (&import), "imported"), ==, 1);

  send_admin (f, "POST", "/people/access", ids_body, &access);
  g_assert_cmpuint (access.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (answer_object (&access), "changed"), ==, 2);

  send_admin (f, "POST", "/people/delete", "{\"ids\": [\"one\"]}", &bad_ids);
  assert_error (&bad_ids, 422, "invalid");

  send_admin (f, "POST", "/people/delete", delete_body, &deleted);
  g_assert_cmpuint (deleted.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (answer_object (&deleted), "deleted"), ==, 1);
}

static void
test_grants_and_decision (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(LanyardPerson) anna = add_person (f, "Anna", "Müller", "anna@example.org");
  gint64 id = lanyard_person_get_id (anna);
  gint64 door_id = lanyard_test_door_id (LANYARD_STORE (lanyard_test_server_get_store (f->server)), f->facility_id, "Gym");
  g_autofree char *grants_path = path_printf ("/people/%" G_GINT64_FORMAT "/grants", id);
  g_autofree char *decision_path = path_printf ("/people/%" G_GINT64_FORMAT "/decision?door=%" G_GINT64_FORMAT, id, door_id);
  g_autofree char *no_door_path = path_printf ("/people/%" G_GINT64_FORMAT "/decision", id);
  g_autofree char *set_body = g_strdup_printf ("{\"person-version\": %" G_GINT64_FORMAT ", \"grants\": [{\"kind\": \"facility\"}]}",
                                               lanyard_person_get_version (anna));
  g_auto(Answer) before = { 0 };
  g_auto(Answer) set = { 0 };
  g_auto(Answer) stale = { 0 };
  g_auto(Answer) after = { 0 };
  g_auto(Answer) decision = { 0 };
  g_auto(Answer) no_door = { 0 };

  send_admin (f, "GET", grants_path, NULL, &before);
  g_assert_cmpuint (before.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (answer_array (&before)), ==, 0);

  send_admin (f, "PUT", grants_path, set_body, &set);
  g_assert_cmpuint (set.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (answer_object (&set), "grant-count"), ==, 1);

  send_admin (f, "PUT", grants_path, set_body, &stale);
  assert_error (&stale, 409, "conflict");
  g_assert_true (json_object_has_member (answer_object (&stale), "current"));

  send_admin (f, "GET", grants_path, NULL, &after);
  g_assert_cmpuint (json_array_get_length (answer_array (&after)), ==, 1);

  send_admin (f, "GET", decision_path, NULL, &decision);
  g_assert_cmpuint (decision.status, ==, 200);
  g_assert_true (json_object_get_boolean_member (answer_object (&decision), "allowed"));
  g_assert_cmpstr (json_object_get_string_member (answer_object (&decision), "door-name"), ==, "Gym");

  send_admin (f, "GET", no_door_path, NULL, &no_door);
  g_assert_nonnull (strstr (assert_error (&no_door, 400, "invalid"), "door"));
}

/* ------------------------------------------------------------------------ */
/* Audit, settings, routing                                                 */
/* ------------------------------------------------------------------------ */

static void
test_audit_actor (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *people_path = path_printf ("/facilities/%" G_GINT64_FORMAT "/people", f->facility_id);
  g_autofree char *audit_path = NULL;
  g_auto(Answer) create = { 0 };
  g_auto(Answer) audit = { 0 };
  g_auto(Answer) bad = { 0 };
  JsonArray *events;
  gint64 id;

  send_admin (f, "POST", people_path,
              "{\"first-name\": \"Anna\", \"last-name\": \"Müller\", \"email\": \"anna@example.org\"}", &create);
  g_assert_cmpuint (create.status, ==, 201);
  id = json_object_get_int_member (answer_object (&create), "id");

  audit_path = path_printf ("/audit?facility-id=%" G_GINT64_FORMAT "&target-kind=person&target-id=%" G_GINT64_FORMAT "&limit=10",
                            f->facility_id, id);
  send_admin (f, "GET", audit_path, NULL, &audit);
  g_assert_cmpuint (audit.status, ==, 200);
  events = answer_array (&audit);
  g_assert_cmpuint (json_array_get_length (events), >=, 1);
  for (guint i = 0; i < json_array_get_length (events); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, i), "actor"),
                     ==, LANYARD_TEST_ADMIN_EMAIL);

  send_admin (f, "GET", "/audit?before-id=soon", NULL, &bad);
  g_assert_nonnull (strstr (assert_error (&bad, 400, "invalid"), "before-id"));
}

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_auto(Answer) get = { 0 };
  g_auto(Answer) set = { 0 };
  g_auto(Answer) bad = { 0 };

  send_admin (f, "GET", "/settings/phone-region", NULL, &get);
  g_assert_cmpuint (get.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&get), "region"), ==, "DE");

  send_admin (f, "PUT", "/settings/phone-region", "{\"region\": \"FR\"}", &set);
  g_assert_cmpuint (set.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&set), "region"), ==, "FR");

  send_admin (f, "PUT", "/settings/phone-region", "{\"region\": 33}", &bad);
  g_assert_nonnull (strstr (assert_error (&bad, 422, "invalid"), "region"));
}

static void
test_routing (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Answer) unknown = { 0 };
  g_auto(Answer) outside = { 0 };
  g_auto(Answer) method = { 0 };
  g_auto(Answer) bad_id = { 0 };

  send_admin (f, "GET", "/nothing/here", NULL, &unknown);
  assert_error (&unknown, 404, "not-found");
  send_admin (f, "GET", "!/index.html", NULL, &outside);
  assert_error (&outside, 404, "not-found");
  send_admin (f, "PATCH", "/facilities", NULL, &method);
  g_assert_cmpuint (method.status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (method.headers, "Allow"), ==, "GET, POST");
  send_admin (f, "GET", "/people/abc", NULL, &bad_id);
  assert_error (&bad_id, 404, "not-found");
}

static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = path_printf ("/facilities/%" G_GINT64_FORMAT "/people/batch", f->facility_id);
  gsize size = 16 * 1024 * 1024 + 16;
  char *big = g_malloc (size);
  g_autoptr(GBytes) body = NULL;
  g_auto(Answer) answer = { 0 };

  memset (big, ' ', size);
  big[0] = '[';
  big[size - 1] = ']';
  body = g_bytes_new_take (big, size);

  send_full (f->session, f->url, "POST", path, f->token, NULL, body, &answer);
  assert_error (&answer, 413, "invalid");
}

/* Peak resident memory of this process (the server runs in it), in KiB, since the last reset_peak_memory(). */
static gsize
peak_memory_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

/* Sets VmHWM back to the resident size now (Linux 4.0+); FALSE when this kernel does not let us. */
static gboolean
reset_peak_memory (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean done;

  if (file == NULL)
    return FALSE;
  done = fputs ("5", file) >= 0;
  return fclose (file) == 0 && done;
}

/*
 * POSTs @total bytes of "[0,0,0,…" to @path with Transfer-Encoding:
 * chunked over a raw connection (a client that never says how large its
 * body is), then reads the answer. Returns its status; *@out_body is the
 * answer's body.
 */
static guint
send_chunked (Fixture     *f,
              const char  *path,
              const char  *token,
              gsize        total,
              char       **out_body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *head = NULL;
  g_autofree char *status_line = NULL;
  g_autofree char *chunk = NULL;
  GOutputStream *out;
  const gsize chunk_size = 64 * 1024;
  gsize sent = 0, content_length = 0;
  guint status = 0;

  connection = g_socket_client_connect_to_uri (client, f->url, 80, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  head = g_strdup_printf ("POST /api/v1%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n%s%s%s\r\n",
                          path, token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "");
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);

  chunk = g_malloc (chunk_size);
  for (gsize i = 0; i < chunk_size; i += 2)
    {
      chunk[i] = '0';
      chunk[i + 1] = ',';
    }
  chunk[0] = '[';

  /* The server may stop reading and close once it has answered: a failed write ends the body. */
  while (sent < total)
    {
      char size_line[32];

      g_snprintf (size_line, sizeof size_line, "%" G_GSIZE_MODIFIER "x\r\n", chunk_size);
      if (!g_output_stream_write_all (out, size_line, strlen (size_line), NULL, NULL, NULL) ||
          !g_output_stream_write_all (out, chunk, chunk_size, NULL, NULL, NULL) ||
          !g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, NULL))
        break;
      chunk[0] = '0';
      sent += chunk_size;
    }
  g_output_stream_write_all (out, "0\r\n\r\n", 5, NULL, NULL, NULL);

  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  status_line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status_line);
  g_assert_true (g_str_has_prefix (status_line, "HTTP/1.1 "));
  status = (guint) g_ascii_strtoull (status_line + strlen ("HTTP/1.1 "), NULL, 10);

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (*line == '\0')
        break;
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        content_length = (gsize) g_ascii_strtoull (line + 15, NULL, 10);
    }

  *out_body = g_malloc0 (content_length + 1);
  g_input_stream_read_all (G_INPUT_STREAM (in), *out_body, content_length, NULL, NULL, &error);
  g_assert_no_error (error);

  return status;
}

static const char *
error_message_of (const char *json,
                  const char *code)
{
  static char message[512];
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "error");
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, code);
  g_strlcpy (message, json_object_get_string_member (object, "message"), sizeof message);
  return message;
}

/* A chunked body is counted as it arrives and refused once past the limit, without being held. */
static void
test_too_large_chunked (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = path_printf ("/facilities/%" G_GINT64_FORMAT "/people/batch", f->facility_id);
  g_autofree char *body = NULL;
  g_autofree char *unsigned_body = NULL;
  g_auto(Answer) after = { 0 };
  gboolean measured = reset_peak_memory ();
  gsize before_kib = peak_memory_kib ();
  guint status;

  status = send_chunked (f, path, f->token, 200 * 1024 * 1024, &body);
  g_assert_cmpuint (status, ==, 413);
  g_assert_nonnull (strstr (error_message_of (body, "invalid"), "16 MiB"));
  /* At most the 16 MiB of the limit are held, not the 200 MiB sent. */
  if (measured)
    {
      g_test_message ("peak memory grew by %" G_GSIZE_FORMAT " KiB", peak_memory_kib () - before_kib);
      g_assert_cmpuint (peak_memory_kib () - before_kib, <, 50 * 1024);
    }

  /* A signed route's body is not read at all without a token. */
  status = send_chunked (f, path, NULL, 100 * 1024 * 1024, &unsigned_body);
  g_assert_cmpuint (status, ==, 401);
  error_message_of (unsigned_body, "unauthenticated");

  if (measured)
    {
      g_test_message ("peak memory grew by %" G_GSIZE_FORMAT " KiB", peak_memory_kib () - before_kib);
      g_assert_cmpuint (peak_memory_kib () - before_kib, <, 50 * 1024);
    }
  else
    g_test_message ("/proc/self/clear_refs is not writable: the peak memory was not checked");

  /* The server goes on answering. */
  send_admin (f, "GET", "/facilities", NULL, &after);
  g_assert_cmpuint (after.status, ==, 200);
}

/* The sign-in routes take small bodies only. */
static void
test_too_large_auth (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *padding = g_strnfill (20 * 1024, ' ');
  g_autofree char *large = g_strdup_printf ("{\"email\": \"a@example.org\"%s}", padding);
  g_autofree char *chunked_body = NULL;
  g_auto(Answer) answer = { 0 };
  g_auto(Answer) token = { 0 };

  send_as (f, NULL, "POST", "/auth/code", large, &answer);
  g_assert_nonnull (strstr (assert_error (&answer, 413, "invalid"), "16 KiB"));
  send_as (f, NULL, "POST", "/auth/token", large, &token);
  assert_error (&token, 413, "invalid");

  g_assert_cmpuint (send_chunked (f, "/auth/code", NULL, 1024 * 1024, &chunked_body), ==, 413);
}

/* json-glib parses nesting recursively: a deep document must be refused before it reaches it. */
static void
test_too_deep (Fixture       *f,
               gconstpointer  data)
{
  const gsize levels = 200000;
  g_autofree char *deep = g_strnfill (levels, '[');
  g_autofree char *auth_deep = g_strnfill (10000, '[');
  g_autofree char *in_string = NULL;
  g_autofree char *just_deep_enough = NULL;
  g_autofree char *one_too_deep = NULL;
  g_auto(Answer) signed_answer = { 0 };
  g_auto(Answer) token_answer = { 0 };
  g_auto(Answer) string_answer = { 0 };
  g_auto(Answer) enough_answer = { 0 };
  g_auto(Answer) too_deep_answer = { 0 };
  GString *text;

  send_admin (f, "POST", "/facilities", deep, &signed_answer);
  g_assert_nonnull (strstr (assert_error (&signed_answer, 400, "invalid"), "nested too deeply"));

  send_as (f, NULL, "POST", "/auth/token", auth_deep, &token_answer);
  g_assert_nonnull (strstr (assert_error (&token_answer, 400, "invalid"), "nested too deeply"));

  /* Brackets inside strings are text, escaped quotes do not end the string. */
  text = g_string_new ("{\"email\": \"\\\"");
  for (guint i = 0; i < 1000; i++)
    g_string_append (text, "[{");
  g_string_append (text, "\"}");
  in_string = g_string_free (text, FALSE);
  send_as (f, NULL, "POST", "/auth/code", in_string, &string_answer);
  assert_error (&string_answer, 422, "invalid");

  /* 64 levels are fine (the store then refuses the shape), 65 are not. */
  text = g_string_new (NULL);
  g_string_append_c (text, '{');
  g_string_append (text, "\"email\": ");
  for (guint i = 0; i < 63; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 63; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  just_deep_enough = g_string_free (text, FALSE);
  send_as (f, NULL, "POST", "/auth/code", just_deep_enough, &enough_answer);
  assert_error (&enough_answer, 422, "invalid");

  one_too_deep = g_strdup_printf ("[%s]", just_deep_enough);
  send_as (f, NULL, "POST", "/auth/code", one_too_deep, &too_deep_answer);
  assert_error (&too_deep_answer, 400, "invalid");
}

/* Every failed exchange reads the same, whether the email has an account or not. */
static void
test_auth_token_same_answer (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = lanyard_auth_issue_code (lanyard_test_server_get_auth (f->server),
                                                   LANYARD_TEST_ADMIN_EMAIL, &error);
  g_autofree char *wrong = g_strdup (code);
  g_autofree char *known_body = NULL;
  g_autofree char *known_message = NULL;
  const char *unknown_body = "{\"email\": \"nobody@example.org\", \"code\": \"12345678\"}";

  g_assert_no_error (error);
  wrong[7] = wrong[7] == '9' ? '0' : wrong[7] + 1;
  known_body = g_strdup_printf ("{\"email\": \"%s\", \"code\": \"%s\"}", LANYARD_TEST_ADMIN_EMAIL, wrong);

  for (guint i = 0; i < 5; i++)
    {
      g_auto(Answer) known = { 0 };
      g_auto(Answer) unknown = { 0 };

      send_as (f, NULL, "POST", "/auth/token", known_body, &known);
      send_as (f, NULL, "POST", "/auth/token", unknown_body, &unknown);
      g_assert_cmpstr (assert_error (&known, 401, "unauthenticated"), ==,
                       "This code is not right, or it has expired or been used. Ask for a new code.");
      g_assert_cmpstr (assert_error (&unknown, 401, "unauthenticated"), ==,
                       assert_error (&known, 401, "unauthenticated"));
    }

  /* After five wrong tries both are refused as too many, the same way. */
  {
    g_auto(Answer) known = { 0 };
    g_auto(Answer) unknown = { 0 };

    send_as (f, NULL, "POST", "/auth/token", known_body, &known);
    send_as (f, NULL, "POST", "/auth/token", unknown_body, &unknown);
    known_message = g_strdup (assert_error (&known, 429, "rate-limited"));
    g_assert_cmpstr (assert_error (&unknown, 429, "rate-limited"), ==, known_message);
    g_assert_cmpstr (soup_message_headers_get_one (known.headers, "Retry-After"), ==,
                     soup_message_headers_get_one (unknown.headers, "Retry-After"));
  }
}

/* /people/delete and /people/access: an id of another facility reads like an id of nobody. */
static void
test_people_ids_elsewhere (Fixture       *f,
                           gconstpointer  data)
{
  gint64 other_id = lanyard_test_add_facility (LANYARD_STORE (lanyard_test_server_get_store (f->server)), "Hillside");
  g_autoptr(LanyardPerson) ole = lanyard_test_add_person (LANYARD_STORE (lanyard_test_server_get_store (f->server)),
                                                          other_id, "Ole", "Hansen", NULL, "ole@example.org");
  g_autoptr(LanyardPerson) anna = add_person (f, "Anna", "Müller", "anna@example.org");
  g_autofree char *manager = add_member (f, "manager@example.org", "Manager", f->facility_id);
  gint64 ole_id = lanyard_person_get_id (ole);
  gint64 missing_id = ole_id + 1000;
  const char *routes[] = { "/people/delete", "/people/access" };

  for (guint r = 0; r < G_N_ELEMENTS (routes); r++)
    {
      g_autofree char *elsewhere_body = g_strdup_printf ("{\"ids\": [%" G_GINT64_FORMAT "], \"enabled\": false}", ole_id);
      g_autofree char *missing_body = g_strdup_printf ("{\"ids\": [%" G_GINT64_FORMAT "], \"enabled\": false}", missing_id);
      g_autofree char *elsewhere_message = NULL;
      g_autofree char *missing_message = NULL;
      g_autofree char *expected = NULL;
      g_auto(Answer) elsewhere = { 0 };
      g_auto(Answer) missing = { 0 };

      send_as (f, manager, "POST", routes[r], elsewhere_body, &elsewhere);
      send_as (f, manager, "POST", routes[r], missing_body, &missing);

      /* The same sentence, but for the id it names. */
      elsewhere_message = g_strdup (assert_error (&elsewhere, 404, "not-found"));
      missing_message = g_strdup (assert_error (&missing, 404, "not-found"));
      expected = g_strdup_printf ("There is no person with id %" G_GINT64_FORMAT "; they may have been deleted", ole_id);
      g_assert_cmpstr (elsewhere_message, ==, expected);
      g_free (expected);
      expected = g_strdup_printf ("There is no person with id %" G_GINT64_FORMAT "; they may have been deleted", missing_id);
      g_assert_cmpstr (missing_message, ==, expected);
    }

  /* Nothing was changed. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LanyardPerson) still = lanyard_store_get_person (LANYARD_STORE (lanyard_test_server_get_store (f->server)),
                                                               ole_id, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (still);
  }
  g_assert_nonnull (anna);
}

/* LanyardRemoteStore refuses an import the server would refuse as too large, before sending it. */
static void
test_remote_import_too_large (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardRemoteStore) remote = lanyard_remote_store_connect (f->url, f->token, NULL, NULL, &error);
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *notes = g_strnfill (1900, 'n');
  g_autofree char *expected = NULL;
  guint n = 0;

  g_assert_no_error (error);

  /* 7,500 people of about 2.5 KB (notes take at most 2,000 characters): over 16 MiB. */
  for (guint i = 0; i < 7500; i++)
    {
      g_autofree char *email = g_strdup_printf ("p%u@example.org", i);
      LanyardPerson *person = g_object_new (LANYARD_TYPE_PERSON, "facility-id", f->facility_id,
                                            "first-name", "Many", "last-name", "People",
                                            "email", email, "notes", notes, NULL);
      g_ptr_array_add (people, person);
    }

  n = lanyard_store_import_people (LANYARD_STORE (remote), f->facility_id, people, NULL, "big.csv", "{}", NULL, &error);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_cmpuint (n, ==, 0);
  expected = g_strdup_printf ("An import of %u people is too large to send to the server at once; split the file", people->len);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  lanyard_store_create_people (LANYARD_STORE (remote), f->facility_id, people, NULL, NULL, &error);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* A smaller one goes through. */
  g_ptr_array_set_size (people, 100);
  n = lanyard_store_import_people (LANYARD_STORE (remote), f->facility_id, people, NULL, "small.csv", "{}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 100);
}

/* ------------------------------------------------------------------------ */
/* Listening, TLS and shutdown                                              */
/* ------------------------------------------------------------------------ */

typedef struct {
  LanyardServer *server;
  GMainContext  *context;
  GMainLoop     *loop;
  GThread       *thread;
  char          *url;
  GMutex         lock;
  GCond          cond;
  gboolean       ready;
} HttpsServer;

static gpointer
https_thread (gpointer data)
{
  HttpsServer *https = data;

  g_main_context_push_thread_default (https->context);
  g_mutex_lock (&https->lock);
  https->ready = TRUE;
  g_cond_signal (&https->cond);
  g_mutex_unlock (&https->lock);
  g_main_loop_run (https->loop);
  g_clear_object (&https->server);
  while (g_main_context_iteration (https->context, FALSE))
    ;
  g_main_context_pop_thread_default (https->context);
  return NULL;
}

static void
test_https (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = g_build_filename (f->dir, "cert.pem", NULL);
  g_autofree char *key_path = g_build_filename (f->dir, "key.pem", NULL);
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupSession) untrusting = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_auto(Answer) answer = { 0 };
  HttpsServer https = { 0 };

  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "openssl", "req", "-x509", "-newkey", "ec",
                              "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                              "-keyout", key_path, "-out", cert_path, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (openssl, NULL, &error);
  g_assert_no_error (error);

  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  database = g_tls_file_database_new (cert_path, &error);
  g_assert_no_error (error);

  /* A server of its own on its own thread; listening happens there too. */
  https.context = g_main_context_new ();
  https.loop = g_main_loop_new (https.context, FALSE);
  g_mutex_init (&https.lock);
  g_cond_init (&https.cond);
  g_main_context_push_thread_default (https.context);
  https.server = lanyard_server_new (lanyard_test_server_get_store (f->server),
                                     lanyard_test_server_get_auth (f->server));
  lanyard_server_listen (https.server, "127.0.0.1", 0, certificate, &error);
  g_main_context_pop_thread_default (https.context);
  g_assert_no_error (error);
  https.url = lanyard_server_dup_url (https.server);
  g_assert_true (g_str_has_prefix (https.url, "https://127.0.0.1:"));
  https.thread = g_thread_new ("https-server", https_thread, &https);

  session = soup_session_new_with_options ("tls-database", database, NULL);
  send_full (session, https.url, "GET", "/facilities", f->token, NULL, NULL, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (answer_array (&answer)), ==, 1);

  /* A client that does not trust the certificate does not get through. */
  untrusting = soup_session_new ();
  {
    g_autofree char *uri = g_strconcat (https.url, "/api/v1/facilities", NULL);
    msg = soup_message_new ("GET", uri);
  }
  bytes = soup_session_send_and_read (untrusting, msg, NULL, &error);
  g_assert_nonnull (error);
  g_assert_null (bytes);

  g_main_loop_quit (https.loop);
  g_thread_join (https.thread);
  g_main_loop_unref (https.loop);
  g_main_context_unref (https.context);
  g_mutex_clear (&https.lock);
  g_cond_clear (&https.cond);
  g_free (https.url);
}

static void
test_plain_http_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(LanyardServer) server = NULL;

  g_main_context_push_thread_default (context);
  server = lanyard_server_new (lanyard_test_server_get_store (f->server),
                               lanyard_test_server_get_auth (f->server));

  g_assert_false (lanyard_server_listen (server, "0.0.0.0", 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_assert_false (lanyard_server_listen (server, "192.0.2.1", 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_assert_false (lanyard_server_listen (server, "not-an-address", 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  g_clear_object (&server);
  g_main_context_pop_thread_default (context);
}

typedef struct {
  char   *url;
  char   *token;
  guint   status;
} SlowRequest;

static gpointer
slow_request_thread (gpointer data)
{
  SlowRequest *slow = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_auto(Answer) answer = { 0 };

  send_full (session, slow->url, "GET", "/facilities", slow->token, NULL, NULL, &answer);
  slow->status = answer.status;
  return NULL;
}

static void
test_shutdown_in_flight (void)
{
  g_autofree char *dir = lanyard_test_dir_new ();
  LanyardTestServer *server = lanyard_test_server_start (dir);
  g_autofree char *token = lanyard_test_server_sign_in (server, LANYARD_TEST_ADMIN_EMAIL);
  SlowRequest slow = { .url = (char *) lanyard_test_server_get_url (server), .token = token };
  GThread *thread;
  gint64 start;

  slow.url = g_strdup (slow.url);
  lanyard_server_set_request_delay (lanyard_test_server_get_server (server), 700);
  thread = g_thread_new ("slow-request", slow_request_thread, &slow);

  /* Let the request reach its worker, then shut down under it. */
  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  start = g_get_monotonic_time ();
  lanyard_test_server_stop (server);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * G_TIME_SPAN_MILLISECOND);

  g_thread_join (thread);
  g_assert_cmpuint (slow.status, ==, 200);

  g_free (slow.url);
  lanyard_test_dir_free (g_steal_pointer (&dir));
}

/* ------------------------------------------------------------------------ */
/* The real lanyardd                                                        */
/* ------------------------------------------------------------------------ */

static guint16
free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_lanyardd (void)
{
  const char *lanyardd = g_getenv ("LANYARDD");
  g_autofree char *dir = NULL;
  g_autofree char *database = NULL;
  g_autofree char *port = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) create = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GSubprocess) refused = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  guint status = 0;

  if (lanyardd == NULL)
    {
      g_test_skip ("LANYARDD is not set");
      return;
    }

  dir = lanyard_test_dir_new ();
  database = g_build_filename (dir, "lanyard.db", NULL);

  create = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                             lanyardd, "--database", database, "--create-admin", "boss@example.org", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (create, NULL, &error);
  g_assert_no_error (error);

  /* Plain HTTP off loopback is refused, with exit status 3. */
  refused = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              lanyardd, "--database", database, "--listen", "0.0.0.0", NULL);
  g_assert_no_error (error);
  g_subprocess_wait (refused, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (refused), ==, 3);

  port = g_strdup_printf ("%u", free_port ());
  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                             lanyardd, "--database", database, "--port", port, NULL);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%s", port);

  for (guint tries = 0; tries < 100 && status == 0; tries++)
    {
      g_autofree char *uri = g_strconcat (url, "/api/v1/auth/session", NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
      g_autoptr(GBytes) bytes = soup_session_send_and_read (session, msg, NULL, NULL);

      if (bytes != NULL)
        status = soup_message_get_status (msg);
      else
        g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
  g_assert_cmpuint (status, ==, 401);

  g_subprocess_send_signal (daemon, SIGTERM);
  g_subprocess_wait (daemon, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (daemon), ==, 0);

  lanyard_test_dir_free (g_steal_pointer (&dir));
}

/* credential:NAME settings are read from $CREDENTIALS_DIRECTORY, as systemd's LoadCredential= hands them over. */
static void
test_lanyardd_credentials (void)
{
  const char *lanyardd = g_getenv ("LANYARDD");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *database = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *port = NULL;
  g_autofree char *url = NULL;
  g_autofree char *stderr_text = NULL;
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GSubprocess) unset = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GTlsDatabase) tls_database = NULL;
  g_autoptr(SoupSession) session = NULL;
  guint status = 0;

  if (lanyardd == NULL)
    {
      g_test_skip ("LANYARDD is not set");
      return;
    }

  dir = lanyard_test_dir_new ();
  credentials = g_build_filename (dir, "credentials", NULL);
  g_assert_cmpint (g_mkdir (credentials, 0700), ==, 0);
  database = g_build_filename (dir, "lanyard.db", NULL);
  cert_path = g_build_filename (credentials, "tls-certificate", NULL);
  key_path = g_build_filename (credentials, "tls-key", NULL);

  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "openssl", "req", "-x509", "-newkey", "ec",
                              "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                              "-keyout", key_path, "-out", cert_path, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (openssl, NULL, &error);
  g_assert_no_error (error);

  port = g_strdup_printf ("%u", free_port ());

  /* Without CREDENTIALS_DIRECTORY a credential cannot be found: a usage error that says why. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "CREDENTIALS_DIRECTORY");
  unset = g_subprocess_launcher_spawn (launcher, &error, lanyardd, "--database", database, "--port", port,
                                       "--tls-cert", "credential:tls-certificate", "--tls-key", "credential:tls-key",
                                       NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (unset, NULL, NULL, NULL, &stderr_text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (unset), ==, 1);
  g_assert_nonnull (strstr (stderr_text, "CREDENTIALS_DIRECTORY"));
  g_clear_object (&launcher);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "CREDENTIALS_DIRECTORY", credentials, TRUE);
  daemon = g_subprocess_launcher_spawn (launcher, &error, lanyardd, "--database", database, "--port", port,
                                        "--tls-cert", "credential:tls-certificate", "--tls-key", "credential:tls-key",
                                        NULL);
  g_assert_no_error (error);

  tls_database = g_tls_file_database_new (cert_path, &error);
  g_assert_no_error (error);
  session = soup_session_new_with_options ("tls-database", tls_database, NULL);
  url = g_strdup_printf ("https://127.0.0.1:%s/api/v1/auth/session", port);
  for (guint tries = 0; tries < 100 && status == 0; tries++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) bytes = soup_session_send_and_read (session, msg, NULL, NULL);

      if (bytes != NULL)
        status = soup_message_get_status (msg);
      else
        g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
  /* It serves HTTPS with the certificate and key of the credentials. */
  g_assert_cmpuint (status, ==, 401);

  g_subprocess_send_signal (daemon, SIGTERM);
  g_subprocess_wait (daemon, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (daemon), ==, 0);

  lanyard_test_dir_free (g_steal_pointer (&dir));
}

/* The generated systemd unit, checked by systemd-analyze verify when it is installed. */
static void
test_systemd_unit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *analyze = g_find_program_in_path ("systemd-analyze");
  g_autofree char *unit_in = g_test_build_filename (G_TEST_BUILT, "..", "data", "lanyardd.service", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *output = NULL;
  g_autofree char *lanyardd_line = NULL;
  g_autoptr(GSubprocess) verify = NULL;
  g_auto(GStrv) lines = NULL;
  const char *lanyardd = g_getenv ("LANYARDD");

  if (analyze == NULL)
    {
      g_test_skip ("systemd-analyze is not installed");
      return;
    }
  if (lanyardd == NULL || !g_file_get_contents (unit_in, &contents, NULL, NULL))
    {
      g_test_skip ("the generated unit or LANYARDD is missing");
      return;
    }

  g_assert_nonnull (strstr (contents, "LoadCredential=tls-key:/etc/lanyard/tls/key.pem"));
  g_assert_nonnull (strstr (contents, "TimeoutStopSec=45"));

  /* Verified with ExecStart at this build's binary: the installed path does not exist here. */
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "ExecStart="))
      {
        g_free (lines[i]);
        lines[i] = g_strdup_printf ("ExecStart=%s --config /etc/lanyard/lanyardd.conf", lanyardd);
      }
  g_free (contents);
  contents = g_strjoinv ("\n", lines);

  dir = lanyard_test_dir_new ();
  unit = g_build_filename (dir, "lanyardd.service", NULL);
  g_file_set_contents (unit, contents, -1, &error);
  g_assert_no_error (error);

  verify = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                             analyze, "verify", "--man=no", unit, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (verify, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("systemd-analyze verify: %s", output ? output : "");
  /* Nothing to say about our unit (verify may also talk about the host's units it loads). */
  g_assert_null (strstr (output ? output : "", "lanyardd.service:"));
  g_assert_true (g_subprocess_get_if_exited (verify));
  g_assert_cmpint (g_subprocess_get_exit_status (verify), ==, 0);

  lanyard_test_dir_free (g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server/auth/no-token", test_auth_no_token);
  ADD ("/server/auth/session", test_auth_session);
  ADD ("/server/auth/deactivated", test_auth_deactivated);
  ADD ("/server/auth/code-and-token", test_auth_code_and_token);
  ADD ("/server/auth/rate-limited", test_auth_rate_limited);
  ADD ("/server/permissions/viewer", test_permissions_viewer);
  ADD ("/server/facilities", test_facilities);
  ADD ("/server/doors-scopes-rules", test_doors_scopes_rules);
  ADD ("/server/people/crud", test_people_crud);
  ADD ("/server/people/list", test_people_list);
  ADD ("/server/people/bulk", test_people_bulk);
  ADD ("/server/people/grants-and-decision", test_grants_and_decision);
  ADD ("/server/audit/actor", test_audit_actor);
  ADD ("/server/settings", test_settings);
  ADD ("/server/routing", test_routing);
  ADD ("/server/too-large", test_too_large);
  ADD ("/server/too-large/chunked", test_too_large_chunked);
  ADD ("/server/too-large/auth", test_too_large_auth);
  ADD ("/server/too-deep", test_too_deep);
  ADD ("/server/auth/token-same-answer", test_auth_token_same_answer);
  ADD ("/server/people/ids-elsewhere", test_people_ids_elsewhere);
  ADD ("/server/remote/import-too-large", test_remote_import_too_large);
  ADD ("/server/https", test_https);
  ADD ("/server/plain-http-refused", test_plain_http_refused);
#undef ADD
  g_test_add_func ("/server/shutdown/in-flight", test_shutdown_in_flight);
  g_test_add_func ("/server/lanyardd", test_lanyardd);
  g_test_add_func ("/server/lanyardd/credentials", test_lanyardd_credentials);
  g_test_add_func ("/server/lanyardd/systemd-unit", test_systemd_unit);

  return g_test_run ();
}
