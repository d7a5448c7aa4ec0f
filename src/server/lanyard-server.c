/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Server"

#include "config.h"

#include "lanyard-server.h"
#include "lanyard-server-private.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "lanyard-enums.h"
#include "lanyard-json.h"

/* docs/api.md: bodies larger than this are refused with 413. */
#define MAX_BODY_SIZE (16 * 1024 * 1024)
/* The sign-in routes take an email and a code: anything larger is refused before it is read. */
#define MAX_AUTH_BODY_SIZE (16 * 1024)
/* json-glib parses nesting recursively: deeper documents are refused before they reach it. */
#define MAX_JSON_DEPTH 64
/* Bodies parsed at once; more requests wait, so that parse trees of many large bodies do not pile up. */
#define MAX_PARSES 4
/* A refused body is read and dropped for at most this long, so that the client sees the answer. */
#define DRAIN_TIMEOUT_MS 5000

#define PEOPLE_LIMIT_DEFAULT 50
#define PEOPLE_LIMIT_MAX     500

typedef struct _Request Request;
typedef void (*RouteFunc) (Request *req);

/* What the id in a route's path names: its facility is checked before the route runs. */
typedef enum {
  RECORD_NONE,
  RECORD_FACILITY,
  RECORD_DOOR,
  RECORD_SCOPE,
  RECORD_RULE,
  RECORD_PERSON,
  N_RECORDS
} RecordKind;

typedef struct {
  const char *method;
  /* Segments after /api/v1/: "#" is a record id, "*" any one word. */
  const char *pattern;
  RouteFunc   func;
  gboolean    needs_token;
  RecordKind  record;
  /* Needed in the record's facility (NULL: checked by the route itself). */
  const char *permission;
} Route;

struct _Request
{
  LanyardServer     *server;        /* owned */
  SoupServerMessage *msg;           /* owned; touched on the server's context only */
  const Route       *route;
  gint64             id;            /* the "#" of the path, or 0 */
  char              *word;          /* the "*" of the path, or NULL */
  GHashTable        *query;         /* owned, may be NULL */
  GBytes            *body;          /* owned, may be NULL */
  char              *token;
  char              *client_address;
  char              *if_match;
  GCancellable      *cancellable;

  /* Set on the worker thread. */
  LanyardStaff      *staff;
  gint64             expires_at;    /* of the token */
  gint64             facility_id;   /* of the path's record, when it names one */
  gboolean           conditional;   /* If-Match was applied: a conflict is 412 */
  guint              status;
  JsonNode          *answer;
  guint              retry_after;
  char              *response;
  gsize              response_len;

  /* Freed once both the worker has answered and libsoup has finished the message. */
  guint              pending;
  gboolean           finished;
  gulong             finished_handler;
};

struct _LanyardServer
{
  GObject             parent_instance;

  LanyardSqliteStore *store;
  LanyardAuth        *auth;
  SoupServer         *soup;
  GMainContext       *context;
  char               *url;

  /* Our own read-only connection to map a record to its facility. */
  GMutex              lookup_lock;
  sqlite3            *lookup_db;
  sqlite3_stmt       *lookup_stmts[N_RECORDS];

  GHashTable         *in_flight;     /* Request set */

  /* At most MAX_PARSES bodies are parsed at once. */
  GMutex              parse_lock;
  GCond               parse_cond;
  guint               parses;

  GTask              *shutdown_task;
  GSource            *grace_source;
  gboolean            shutting_down;

  guint               test_delay_ms;
};

G_DEFINE_FINAL_TYPE (LanyardServer, lanyard_server, G_TYPE_OBJECT)

static void server_maybe_finish_shutdown (LanyardServer *self);

/* ------------------------------------------------------------------------ */
/* Answers                                                                  */
/* ------------------------------------------------------------------------ */

static char *
node_to_data (JsonNode *node,
              gsize    *out_len)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  /* Compact: no pretty printing on the wire. */
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, out_len);
}

static void
request_answer (Request  *req,
                guint     status,
                JsonNode *answer)
{
  g_clear_pointer (&req->answer, json_node_unref);
  req->status = status;
  req->answer = answer;
}

/* An answer already written as JSON text (lanyard_json_append_*): the hot routes skip the node tree. */
static void
request_answer_text (Request *req,
                     guint    status,
                     GString *text)
{
  g_clear_pointer (&req->answer, json_node_unref);
  g_free (req->response);
  req->status = status;
  req->response_len = text->len;
  req->response = g_string_free (text, FALSE);
}

static void
request_answer_object (Request  *req,
                       guint     status,
                       gpointer  object)
{
  GString *text = g_string_sized_new (1024);

  lanyard_json_append_object (text, G_OBJECT (object));
  request_answer_text (req, status, text);
}

static void
request_answer_objects (Request   *req,
                        guint      status,
                        GPtrArray *objects)
{
  GString *text = g_string_sized_new (64 + 512 * objects->len);

  lanyard_json_append_objects (text, objects);
  request_answer_text (req, status, text);
}

/* An error answer; @status 0 takes the one lanyard-json gives the error. */
static void
request_fail_with_status (Request      *req,
                          guint         status,
                          const GError *error)
{
  if (status == 0)
    status = lanyard_json_error_http_status (error);
  request_answer (req, status, lanyard_json_from_error (error));
}

static void
request_fail (Request      *req,
              const GError *error)
{
  request_fail_with_status (req, 0, error);
}

/* 400: a query parameter or header that does not parse. */
static void
request_fail_bad_request (Request    *req,
                          const char *format,
                          ...) G_GNUC_PRINTF (2, 3);

static void
request_fail_bad_request (Request    *req,
                          const char *format,
                          ...)
{
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID, format, args);
  va_end (args);

  request_fail_with_status (req, SOUP_STATUS_BAD_REQUEST, error);
}

/*
 * A refused stale write: 409 (412 under If-Match) with the record as
 * stored now beside the error, so that the client can show what changed.
 */
static void
request_fail_conflict (Request      *req,
                       const GError *error,
                       GObject      *current)
{
  g_autoptr(JsonNode) node = lanyard_json_from_error (error);

  if (current != NULL)
    json_object_set_member (json_node_get_object (node), "current",
                            lanyard_json_from_object (current));

  request_answer (req, req->conditional ? SOUP_STATUS_PRECONDITION_FAILED : SOUP_STATUS_CONFLICT,
                  g_steal_pointer (&node));
}

/* Answers on the calling thread (the server's context), for requests that never reach a worker. */
static void
message_answer_error (SoupServerMessage *msg,
                      guint              status,
                      const GError      *error)
{
  g_autoptr(JsonNode) node = lanyard_json_from_error (error);
  gsize len;
  char *data = node_to_data (node, &len);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, len);
}

/* ------------------------------------------------------------------------ */
/* Reading requests                                                         */
/* ------------------------------------------------------------------------ */

/*
 * Whether arrays and objects in @data nest deeper than @max_depth. One
 * pass, outside strings (whose escapes are skipped); it does not check
 * that @data is JSON: the parser does that, once this said it may.
 */
static gboolean
json_nesting_exceeds (const char *data,
                      gsize       len,
                      guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > max_depth)
            return TRUE;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }

  return FALSE;
}

/* A parse tree takes several times its text: at most MAX_PARSES are built at once, others wait here. */
static void
server_parse_begin (LanyardServer *self)
{
  g_mutex_lock (&self->parse_lock);
  while (self->parses >= MAX_PARSES)
    g_cond_wait (&self->parse_cond, &self->parse_lock);
  self->parses++;
  g_mutex_unlock (&self->parse_lock);
}

static void
server_parse_end (LanyardServer *self)
{
  g_mutex_lock (&self->parse_lock);
  self->parses--;
  g_cond_signal (&self->parse_cond);
  g_mutex_unlock (&self->parse_lock);
}

static JsonNode *
request_parse_body (Request  *req,
                    GError  **error)
{
  g_autoptr(JsonParser) parser = NULL;
  gconstpointer data = NULL;
  gsize len = 0;
  gboolean ok;

  if (req->body != NULL)
    data = g_bytes_get_data (req->body, &len);

  if (len == 0)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("The request needs a JSON body"));
      return NULL;
    }

  if (json_nesting_exceeds (data, len, MAX_JSON_DEPTH))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                   _("The JSON document is nested too deeply: at most %d levels of arrays and objects are accepted"),
                   MAX_JSON_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  server_parse_begin (req->server);
  ok = json_parser_load_from_data (parser, data, len, error);
  server_parse_end (req->server);
  if (!ok)
    return NULL;

  return json_parser_steal_root (parser);
}

/* The body's JSON object; answers the request (400 or 422) and returns NULL otherwise. */
static JsonNode *
request_read_object (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = request_parse_body (req, &error);

  if (node == NULL)
    {
      request_fail (req, error);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("Expected a JSON object"));
      request_fail (req, error);
      return NULL;
    }

  return g_steal_pointer (&node);
}

static const char *
request_get_param (Request    *req,
                   const char *name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

/* An integer query parameter; FALSE (and the request answered 400) when it does not parse. */
static gboolean
request_get_int_param (Request    *req,
                       const char *name,
                       gint64      min,
                       gint64      max,
                       gint64     *out_value)
{
  const char *text = request_get_param (req, name);
  gint64 value;

  if (text == NULL || *text == '\0')
    return TRUE;

  if (!g_ascii_string_to_signed (text, 10, min, max, &value, NULL))
    {
      request_fail_bad_request (req, _("The query parameter “%s” must be an integer from %" PRId64 " to %" PRId64),
                                name, min, max);
      return FALSE;
    }

  *out_value = value;
  return TRUE;
}

/*
 * If-Match on a PUT: the write goes through only when the record is still
 * at that version. The version is handed to the store's own check, so that
 * the comparison and the write are one transaction; its conflict is then
 * answered with 412.
 */
static gboolean
request_apply_if_match (Request *req,
                        gint64  *version)
{
  const char *text = req->if_match;
  g_autofree char *copy = NULL;
  gint64 value;
  gsize len;

  if (text == NULL || strcmp (text, "*") == 0)
    return TRUE;

  if (g_str_has_prefix (text, "W/"))
    text += 2;
  copy = g_strdup (text);
  g_strstrip (copy);
  len = strlen (copy);
  if (len >= 2 && copy[0] == '"' && copy[len - 1] == '"')
    {
      copy[len - 1] = '\0';
      memmove (copy, copy + 1, len - 1);
    }

  if (!g_ascii_string_to_signed (copy, 10, 0, G_MAXINT64, &value, NULL))
    {
      request_fail_bad_request (req, _("If-Match must be a record version such as \"3\""));
      return FALSE;
    }

  *version = value;
  req->conditional = TRUE;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Records and permissions                                                  */
/* ------------------------------------------------------------------------ */

static const char * const lookup_sql[N_RECORDS] = {
  [RECORD_FACILITY] = "SELECT id FROM facility WHERE id = ?",
  [RECORD_DOOR]     = "SELECT facility_id FROM door WHERE id = ?",
  [RECORD_SCOPE]    = "SELECT facility_id FROM scope WHERE id = ?",
  [RECORD_RULE]     = "SELECT facility_id FROM access_rule WHERE id = ?",
  [RECORD_PERSON]   = "SELECT facility_id FROM person WHERE id = ?",
};

/* The facility the record belongs to; 0 when there is no such record. */
static gint64
server_lookup_facility (LanyardServer  *self,
                        RecordKind      kind,
                        gint64          id,
                        GError        **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lookup_lock);
  sqlite3_stmt *stmt;
  gint64 facility_id = 0;
  int rc;

  g_assert (kind > RECORD_NONE && kind < N_RECORDS);

  if (self->lookup_db == NULL)
    {
      rc = sqlite3_open_v2 (lanyard_sqlite_store_get_path (self->store), &self->lookup_db,
                            SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                       _("Could not read the database: %s"), sqlite3_errmsg (self->lookup_db));
          g_clear_pointer (&self->lookup_db, sqlite3_close);
          return -1;
        }
      sqlite3_busy_timeout (self->lookup_db, 5000);
    }

  if (self->lookup_stmts[kind] == NULL &&
      sqlite3_prepare_v3 (self->lookup_db, lookup_sql[kind], -1, SQLITE_PREPARE_PERSISTENT,
                          &self->lookup_stmts[kind], NULL) != SQLITE_OK)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("Could not read the database: %s"), sqlite3_errmsg (self->lookup_db));
      return -1;
    }

  stmt = self->lookup_stmts[kind];
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    facility_id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                 _("Could not read the database: %s"), sqlite3_errmsg (self->lookup_db));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE ? facility_id : -1;
}

static const char *
record_not_found_message (RecordKind kind)
{
  switch (kind)
    {
    case RECORD_FACILITY:
      return _("There is no such facility");
    case RECORD_DOOR:
      return _("There is no such door");
    case RECORD_SCOPE:
      return _("There is no such access scope");
    case RECORD_RULE:
      return _("There is no such access rule");
    case RECORD_PERSON:
      return _("There is no such person");
    case RECORD_NONE:
    case N_RECORDS:
    default:
      return _("There is no such record");
    }
}

/*
 * Whether the signed-in staff member holds @permission in @facility_id.
 * A facility the account holds no role in is answered as if it did not
 * exist (404), so that records of other facilities do not show through;
 * a role without @permission is 403.
 */
static gboolean
request_check_permission (Request    *req,
                          gint64      facility_id,
                          RecordKind  kind,
                          const char *permission)
{
  LanyardAuth *auth = req->server->auth;
  g_autoptr(GError) error = NULL;

  if (facility_id != 0 && kind != RECORD_NONE &&
      !lanyard_auth_has_permission (auth, req->staff->id, facility_id, "people.read"))
    {
      g_set_error_literal (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                           record_not_found_message (kind));
      request_fail (req, error);
      return FALSE;
    }

  if (!lanyard_auth_has_permission (auth, req->staff->id, facility_id, permission))
    {
      if (facility_id == 0)
        g_set_error (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_PERMISSION_DENIED,
                     _("Your account may not do this: it needs the “%s” permission for every facility"),
                     permission);
      else
        g_set_error (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_PERMISSION_DENIED,
                     _("Your account may not do this in this facility: it needs the “%s” permission"),
                     permission);
      request_fail (req, error);
      return FALSE;
    }

  return TRUE;
}

/* Finds the path's record, its facility, and checks the route's permission there. */
static gboolean
request_resolve_record (Request *req)
{
  g_autoptr(GError) error = NULL;
  gint64 facility_id;

  facility_id = server_lookup_facility (req->server, req->route->record, req->id, &error);
  if (facility_id < 0)
    {
      request_fail (req, error);
      return FALSE;
    }
  if (facility_id == 0)
    {
      g_set_error_literal (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                           record_not_found_message (req->route->record));
      request_fail (req, error);
      return FALSE;
    }

  req->facility_id = facility_id;
  return request_check_permission (req, facility_id, req->route->record, req->route->permission);
}

static LanyardStore *
request_store (Request *req)
{
  return LANYARD_STORE (req->server->store);
}

/* The record @id of @objects (as the store lists them), or NULL. */
static GObject *
find_by_id (GPtrArray *objects,
            gint64     id)
{
  for (guint i = 0; objects && i < objects->len; i++)
    {
      gint64 object_id = 0;

      g_object_get (g_ptr_array_index (objects, i), "id", &object_id, NULL);
      if (object_id == id)
        return g_object_ref (g_ptr_array_index (objects, i));
    }

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Routes: sign-in                                                          */
/* ------------------------------------------------------------------------ */

static JsonNode *
staff_to_node (const LanyardStaff *staff)
{
  JsonObject *object = json_object_new ();
  JsonNode *node;

  json_object_set_int_member (object, "id", staff->id);
  json_object_set_string_member (object, "email", staff->email);
  json_object_set_string_member (object, "name", staff->name);
  json_object_set_boolean_member (object, "active", staff->active);
  json_object_set_int_member (object, "created-at", staff->created_at);
  if (staff->last_sign_in_at != 0)
    json_object_set_int_member (object, "last-sign-in-at", staff->last_sign_in_at);
  else
    json_object_set_null_member (object, "last-sign-in-at");

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static JsonNode *
object_node_new (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

static void
route_auth_code (Request *req)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *email;
  guint retry_after = 0;

  if (!(body = request_read_object (req)))
    return;

  if (!lanyard_json_object_get_string (json_node_get_object (body), "email", TRUE, &email, &error) ||
      !lanyard_auth_request_code (req->server->auth, email, req->client_address, &retry_after, &error))
    {
      if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED))
        req->retry_after = MAX (retry_after, 1);
      request_fail (req, error);
      return;
    }

  request_answer (req, SOUP_STATUS_ACCEPTED, object_node_new (json_object_new ()));
}

static void
route_auth_token (Request *req)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autofree char *token = NULL;
  const char *email, *code;
  JsonObject *answer;
  JsonObject *object;
  gint64 expires_at = 0;

  if (!(body = request_read_object (req)))
    return;

  object = json_node_get_object (body);
  if (!lanyard_json_object_get_string (object, "email", TRUE, &email, &error) ||
      !lanyard_json_object_get_string (object, "code", TRUE, &code, &error) ||
      !(token = lanyard_auth_exchange_code (req->server->auth, email, code, &expires_at, &staff, &error)))
    {
      if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED))
        req->retry_after = 15 * 60;
      request_fail (req, error);
      return;
    }

  answer = json_object_new ();
  json_object_set_string_member (answer, "token", token);
  json_object_set_int_member (answer, "expires-at", expires_at);
  if (staff != NULL)
    json_object_set_member (answer, "staff", staff_to_node (staff));
  request_answer (req, SOUP_STATUS_CREATED, object_node_new (answer));
}

static void
route_get_session (Request *req)
{
  JsonObject *answer;

  answer = json_object_new ();
  json_object_set_member (answer, "staff", staff_to_node (req->staff));
  json_object_set_int_member (answer, "expires-at", req->expires_at);
  request_answer (req, SOUP_STATUS_OK, object_node_new (answer));
}

static void
route_delete_session (Request *req)
{
  g_autoptr(GError) error = NULL;

  if (!lanyard_auth_revoke_token (req->server->auth, req->token, &error))
    request_fail (req, error);
  else
    request_answer (req, SOUP_STATUS_NO_CONTENT, NULL);
}

/* ------------------------------------------------------------------------ */
/* Routes: facilities, doors, scopes, rules                                 */
/* ------------------------------------------------------------------------ */

static void
route_list_facilities (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GPtrArray) visible = NULL;

  if (!(facilities = lanyard_store_list_facilities (request_store (req), req->cancellable, &error)))
    {
      request_fail (req, error);
      return;
    }

  visible = g_ptr_array_new_full (facilities->len, g_object_unref);
  for (guint i = 0; i < facilities->len; i++)
    {
      LanyardFacility *facility = g_ptr_array_index (facilities, i);

      if (lanyard_auth_has_permission (req->server->auth, req->staff->id,
                                       lanyard_facility_get_id (facility), "people.read"))
        g_ptr_array_add (visible, g_object_ref (facility));
    }

  request_answer_objects (req, SOUP_STATUS_OK, visible);
}

/* The body as a record of @type; answers the request and returns NULL when it is none. */
static gpointer
request_read_record (Request *req,
                     GType    type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = request_parse_body (req, &error);
  GObject *record;

  if (body == NULL || !(record = lanyard_json_to_object (type, body, &error)))
    {
      request_fail (req, error);
      return NULL;
    }

  return record;
}

static void
route_create_facility (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(LanyardFacility) saved = NULL;

  if (!request_check_permission (req, 0, RECORD_NONE, "settings") ||
      !(facility = request_read_record (req, LANYARD_TYPE_FACILITY)))
    return;

  lanyard_facility_set_id (facility, 0);
  if (!(saved = lanyard_store_save_facility (request_store (req), facility, req->cancellable, &error)))
    request_fail (req, error);
  else
    request_answer_object (req, SOUP_STATUS_CREATED, saved);
}

static void
route_update_facility (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(LanyardFacility) saved = NULL;
  gint64 version;

  if (!(facility = request_read_record (req, LANYARD_TYPE_FACILITY)))
    return;

  lanyard_facility_set_id (facility, req->id);
  version = lanyard_facility_get_version (facility);
  if (!request_apply_if_match (req, &version))
    return;
  lanyard_facility_set_version (facility, version);

  if ((saved = lanyard_store_save_facility (request_store (req), facility, req->cancellable, &error)))
    request_answer_object (req, SOUP_STATUS_OK, saved);
  else if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT))
    {
      g_autoptr(GPtrArray) all = lanyard_store_list_facilities (request_store (req), NULL, NULL);
      g_autoptr(GObject) current = find_by_id (all, req->id);

      request_fail_conflict (req, error, current);
    }
  else
    request_fail (req, error);
}

typedef GPtrArray *(*ListFunc) (LanyardStore *, gint64, GCancellable *, GError **);

static void
request_answer_list (Request  *req,
                     ListFunc  list)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = list (request_store (req), req->facility_id, req->cancellable, &error);

  if (records == NULL)
    request_fail (req, error);
  else
    request_answer_objects (req, SOUP_STATUS_OK, records);
}

static void
route_list_doors (Request *req)
{
  request_answer_list (req, lanyard_store_list_doors);
}

static void
route_list_scopes (Request *req)
{
  request_answer_list (req, lanyard_store_list_scopes);
}

static void
route_list_rules (Request *req)
{
  request_answer_list (req, lanyard_store_list_rules);
}

/*
 * Doors, scopes and rules are saved alike: the record is read from the
 * body, pinned to the path's id and facility (a body cannot move a record
 * to a facility the route did not check), and a stale version is answered
 * with the record as listed now.
 */
typedef GObject *(*SaveFunc) (LanyardStore *, gpointer, GCancellable *, GError **);

static void
request_save_facility_record (Request  *req,
                              GType     type,
                              SaveFunc  save,
                              ListFunc  list,
                              gboolean  create)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) record = NULL;
  g_autoptr(GObject) saved = NULL;
  gint64 version = 0;

  if (!(record = request_read_record (req, type)))
    return;

  g_object_get (record, "version", &version, NULL);
  if (!create && !request_apply_if_match (req, &version))
    return;
  g_object_set (record,
                "id", create ? (gint64) 0 : req->id,
                "facility-id", req->facility_id,
                "version", version,
                NULL);

  if ((saved = save (request_store (req), record, req->cancellable, &error)))
    request_answer (req, create ? SOUP_STATUS_CREATED : SOUP_STATUS_OK,
                    lanyard_json_from_object (saved));
  else if (!create && g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT))
    {
      g_autoptr(GPtrArray) all = list (request_store (req), req->facility_id, NULL, NULL);
      g_autoptr(GObject) current = find_by_id (all, req->id);

      request_fail_conflict (req, error, current);
    }
  else
    request_fail (req, error);
}

static void
route_create_door (Request *req)
{
  request_save_facility_record (req, LANYARD_TYPE_DOOR, (SaveFunc) lanyard_store_save_door,
                                lanyard_store_list_doors, TRUE);
}

static void
route_update_door (Request *req)
{
  request_save_facility_record (req, LANYARD_TYPE_DOOR, (SaveFunc) lanyard_store_save_door,
                                lanyard_store_list_doors, FALSE);
}

static void
route_create_scope (Request *req)
{
  request_save_facility_record (req, LANYARD_TYPE_SCOPE, (SaveFunc) lanyard_store_save_scope,
                                lanyard_store_list_scopes, TRUE);
}

static void
route_update_scope (Request *req)
{
  request_save_facility_record (req, LANYARD_TYPE_SCOPE, (SaveFunc) lanyard_store_save_scope,
                                lanyard_store_list_scopes, FALSE);
}

static void
route_create_rule (Request *req)
{
  request_save_facility_record (req, LANYARD_TYPE_ACCESS_RULE, (SaveFunc) lanyard_store_save_rule,
                                lanyard_store_list_rules, TRUE);
}

static void
route_update_rule (Request *req)
{
  request_save_facility_record (req, LANYARD_TYPE_ACCESS_RULE, (SaveFunc) lanyard_store_save_rule,
                                lanyard_store_list_rules, FALSE);
}

typedef gboolean (*DeleteFunc) (LanyardStore *, gint64, GCancellable *, GError **);

static void
request_delete (Request    *req,
                DeleteFunc  delete)
{
  g_autoptr(GError) error = NULL;

  if (!delete (request_store (req), req->id, req->cancellable, &error))
    request_fail (req, error);
  else
    request_answer (req, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
route_delete_door (Request *req)
{
  request_delete (req, lanyard_store_delete_door);
}

static void
route_delete_scope (Request *req)
{
  request_delete (req, lanyard_store_delete_scope);
}

static void
route_delete_rule (Request *req)
{
  request_delete (req, lanyard_store_delete_rule);
}

/* ------------------------------------------------------------------------ */
/* Routes: people                                                           */
/* ------------------------------------------------------------------------ */

/* The people query in the query string, read by lanyard-json like any other. */
static const char * const people_query_strings[] = {
  "search", "membership-status", "person-type", "tag",
  "source", "access", "invitation", "adoption", "sort",
};

static void
route_query_people (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPeopleQuery) query = NULL;
  g_autoptr(LanyardPeoplePage) page = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  const char *text;
  gint64 limit = PEOPLE_LIMIT_DEFAULT;

  object = json_object_new ();
  node = object_node_new (object);
  json_object_set_int_member (object, "facility-id", req->facility_id);

  for (guint i = 0; i < G_N_ELEMENTS (people_query_strings); i++)
    if ((text = request_get_param (req, people_query_strings[i])) && *text != '\0')
      json_object_set_string_member (object, people_query_strings[i], text);

  if ((text = request_get_param (req, "descending")) && *text != '\0')
    {
      if (strcmp (text, "true") != 0 && strcmp (text, "false") != 0)
        {
          request_fail_bad_request (req, _("The query parameter “%s” must be true or false"), "descending");
          return;
        }
      json_object_set_boolean_member (object, "descending", strcmp (text, "true") == 0);
    }

  if (!request_get_int_param (req, "limit", 1, PEOPLE_LIMIT_MAX, &limit))
    return;

  if (!(query = lanyard_json_to_people_query (node, &error)))
    {
      /* Its message names the member, which is the parameter's name. */
      request_fail_with_status (req, SOUP_STATUS_BAD_REQUEST, error);
      return;
    }

  text = request_get_param (req, "cursor");
  page = lanyard_store_query_people (request_store (req), query,
                                     text && *text ? text : NULL,
                                     (guint) limit, req->cancellable, &error);
  if (page == NULL)
    {
      /* A cursor that does not parse is the client's mistake too. */
      request_fail_with_status (req,
                                g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID) ?
                                SOUP_STATUS_BAD_REQUEST : 0,
                                error);
      return;
    }

  {
    GString *answer = g_string_sized_new (512 + 1024 * (page->people ? page->people->len : 0));

    lanyard_json_append_people_page (answer, page);
    request_answer_text (req, SOUP_STATUS_OK, answer);
  }
}

static void
route_count_people (Request *req)
{
  g_autoptr(GError) error = NULL;
  LanyardPeopleCounts counts = { 0 };

  if (!lanyard_store_count_people (request_store (req), req->facility_id, &counts, req->cancellable, &error))
    request_fail (req, error);
  else
    request_answer (req, SOUP_STATUS_OK, lanyard_json_from_people_counts (&counts));
}

static void
route_list_facet_values (Request *req)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (LANYARD_TYPE_FACET);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = NULL;
  GEnumValue *facet = g_enum_get_value_by_nick (klass, req->word);

  if (facet == NULL)
    {
      g_set_error (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                   _("There is no filter called “%s”; use source, person-type, membership-status or tag"),
                   req->word);
      request_fail (req, error);
      return;
    }

  if (!(values = lanyard_store_list_facet_values (request_store (req), req->facility_id, facet->value,
                                                  req->cancellable, &error)))
    request_fail (req, error);
  else
    request_answer (req, SOUP_STATUS_OK, lanyard_json_from_facet_values (values));
}

static void
route_find_duplicate (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPerson) person = NULL;
  const char *phone = request_get_param (req, "phone");
  const char *email = request_get_param (req, "email");
  gint64 except_id = 0;

  if (!request_get_int_param (req, "except", 0, G_MAXINT64, &except_id))
    return;

  person = lanyard_store_find_duplicate (request_store (req), req->facility_id,
                                         phone && *phone ? phone : NULL,
                                         email && *email ? email : NULL,
                                         except_id, req->cancellable, &error);
  if (person != NULL)
    request_answer_object (req, SOUP_STATUS_OK, person);
  else if (error != NULL)
    request_fail (req, error);
  else
    {
      g_set_error_literal (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                           _("No other person has this phone number or email address"));
      request_fail (req, error);
    }
}

static void
route_create_person (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(LanyardPerson) saved = NULL;

  if (!(person = request_read_record (req, LANYARD_TYPE_PERSON)))
    return;

  lanyard_person_set_id (person, 0);
  lanyard_person_set_facility_id (person, req->facility_id);

  if (!(saved = lanyard_store_save_person (request_store (req), person, req->cancellable, &error)))
    request_fail (req, error);
  else
    request_answer_object (req, SOUP_STATUS_CREATED, saved);
}

static void
grant_list_free (gpointer list)
{
  if (list != NULL)
    g_ptr_array_unref (list);
}

/* {"people": [person], "grants": [[grant] or null] or null, "label", "summary"} */
static void
route_add_people (Request  *req,
                  gboolean  import)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autofree char *summary = NULL;
  const char *label = NULL;
  JsonObject *object;
  JsonNode *member;
  JsonObject *answer;
  guint n;

  if (!(body = request_read_object (req)))
    return;
  object = json_node_get_object (body);

  if (!(member = json_object_get_member (object, "people")))
    {
      g_set_error (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID, _("“%s” is required"), "people");
      request_fail (req, error);
      return;
    }
  if (!(people = lanyard_json_to_objects (LANYARD_TYPE_PERSON, member, &error)))
    {
      g_prefix_error (&error, "people: ");
      request_fail (req, error);
      return;
    }
  for (guint i = 0; i < people->len; i++)
    {
      lanyard_person_set_id (g_ptr_array_index (people, i), 0);
      lanyard_person_set_facility_id (g_ptr_array_index (people, i), req->facility_id);
    }

  member = json_object_get_member (object, "grants");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member) ||
          json_array_get_length (array = json_node_get_array (member)) != people->len)
        {
          g_set_error (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                       _("“grants” must be an array with one item per person"));
          request_fail (req, error);
          return;
        }

      grants = g_ptr_array_new_full (people->len, grant_list_free);
      for (guint i = 0; i < people->len; i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          GPtrArray *list = NULL;

          if (!JSON_NODE_HOLDS_NULL (item) &&
              !(list = lanyard_json_to_objects (LANYARD_TYPE_GRANT, item, &error)))
            {
              g_prefix_error (&error, "grants[%u]: ", i);
              request_fail (req, error);
              return;
            }
          g_ptr_array_add (grants, list);
        }
    }

  if (import)
    {
      if (!lanyard_json_object_get_string (object, "label", FALSE, &label, &error))
        {
          request_fail (req, error);
          return;
        }
      member = json_object_get_member (object, "summary");
      if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
        {
          if (!JSON_NODE_HOLDS_OBJECT (member))
            {
              g_set_error (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("“%s” must be a JSON object"), "summary");
              request_fail (req, error);
              return;
            }
          summary = json_to_string (member, FALSE);
        }

      n = lanyard_store_import_people (request_store (req), req->facility_id, people, grants,
                                       label, summary, req->cancellable, &error);
    }
  else
    n = lanyard_store_create_people (request_store (req), req->facility_id, people, grants,
                                     req->cancellable, &error);

  if (error != NULL)
    {
      request_fail (req, error);
      return;
    }

  answer = json_object_new ();
  json_object_set_int_member (answer, import ? "imported" : "created", n);
  request_answer (req, SOUP_STATUS_CREATED, object_node_new (answer));
}

static void
route_create_people (Request *req)
{
  route_add_people (req, FALSE);
}

static void
route_import_people (Request *req)
{
  route_add_people (req, TRUE);
}

static void
route_get_person (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPerson) person = NULL;

  if (!(person = lanyard_store_get_person (request_store (req), req->id, req->cancellable, &error)))
    request_fail (req, error);
  else
    request_answer_object (req, SOUP_STATUS_OK, person);
}

static void
request_fail_person_conflict (Request      *req,
                              const GError *error)
{
  g_autoptr(LanyardPerson) current = lanyard_store_get_person (request_store (req), req->id, NULL, NULL);

  request_fail_conflict (req, error, (GObject *) current);
}

static void
route_update_person (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(LanyardPerson) saved = NULL;
  gint64 version;

  if (!(person = request_read_record (req, LANYARD_TYPE_PERSON)))
    return;

  version = lanyard_person_get_version (person);
  if (!request_apply_if_match (req, &version))
    return;
  lanyard_person_set_version (person, version);
  lanyard_person_set_id (person, req->id);
  lanyard_person_set_facility_id (person, req->facility_id);

  if ((saved = lanyard_store_save_person (request_store (req), person, req->cancellable, &error)))
    request_answer_object (req, SOUP_STATUS_OK, saved);
  else if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT))
    request_fail_person_conflict (req, error);
  else
    request_fail (req, error);
}

/*
 * The ids of a bulk change, after checking @permission in the facility of
 * each. An id of no person and an id of a person in a facility the account
 * holds no role in are both answered 404 with the same message (the store
 * refuses unknown ids with 404 as well), so that the answer does not tell
 * which ids exist elsewhere; an id in a facility where the role lacks
 * @permission is 403.
 */
static GArray *
request_read_people_ids (Request     *req,
                         const char  *permission,
                         JsonObject **out_object,
                         JsonNode   **out_body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GHashTable) checked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  if (!(body = request_read_object (req)))
    return NULL;

  if (!(ids = lanyard_json_object_get_ids (json_node_get_object (body), "ids", &error)))
    {
      request_fail (req, error);
      return NULL;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 *facility_id = g_new (gint64, 1);

      *facility_id = server_lookup_facility (req->server, RECORD_PERSON,
                                             g_array_index (ids, gint64, i), &error);
      if (*facility_id < 0)
        {
          g_free (facility_id);
          request_fail (req, error);
          return NULL;
        }
      if (*facility_id == 0 ||
          !lanyard_auth_has_permission (req->server->auth, req->staff->id, *facility_id, "people.read"))
        {
          g_set_error (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                       _("There is no person with id %" PRId64 "; they may have been deleted"),
                       g_array_index (ids, gint64, i));
          g_free (facility_id);
          request_fail (req, error);
          return NULL;
        }
      if (g_hash_table_contains (checked, facility_id))
        {
          g_free (facility_id);
          continue;
        }
      g_hash_table_add (checked, facility_id);
      if (!request_check_permission (req, *facility_id, RECORD_PERSON, permission))
        return NULL;
    }

  *out_object = json_node_get_object (body);
  *out_body = g_steal_pointer (&body);
  return g_steal_pointer (&ids);
}

static void
route_delete_people (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GArray) ids = NULL;
  JsonObject *object, *answer;
  guint n;

  if (!(ids = request_read_people_ids (req, "people.delete", &object, &body)))
    return;

  n = lanyard_store_delete_people (request_store (req), (const gint64 *) ids->data, ids->len,
                                   req->cancellable, &error);
  if (error != NULL)
    {
      request_fail (req, error);
      return;
    }

  answer = json_object_new ();
  json_object_set_int_member (answer, "deleted", n);
  request_answer (req, SOUP_STATUS_OK, object_node_new (answer));
}

static void
route_set_access (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GArray) ids = NULL;
  JsonObject *object, *answer;
  gboolean enabled;
  guint n;

  if (!(ids = request_read_people_ids (req, "people.write", &object, &body)))
    return;

  if (!lanyard_json_object_get_boolean (object, "enabled", &enabled, &error))
    {
      request_fail (req, error);
      return;
    }

  n = lanyard_store_set_access_enabled (request_store (req), (const gint64 *) ids->data, ids->len,
                                        enabled, req->cancellable, &error);
  if (error != NULL)
    {
      request_fail (req, error);
      return;
    }

  answer = json_object_new ();
  json_object_set_int_member (answer, "changed", n);
  request_answer (req, SOUP_STATUS_OK, object_node_new (answer));
}

static void
route_list_grants (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = NULL;

  if (!(grants = lanyard_store_list_grants (request_store (req), req->id, req->cancellable, &error)))
    request_fail (req, error);
  else
    request_answer_objects (req, SOUP_STATUS_OK, grants);
}

static void
route_set_grants (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(LanyardPerson) saved = NULL;
  JsonObject *object;
  JsonNode *member;
  gint64 version;

  if (!(body = request_read_object (req)))
    return;
  object = json_node_get_object (body);

  if (!lanyard_json_object_get_int64 (object, "person-version", &version, &error))
    {
      request_fail (req, error);
      return;
    }
  if (!(member = json_object_get_member (object, "grants")))
    {
      g_set_error (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID, _("“%s” is required"), "grants");
      request_fail (req, error);
      return;
    }
  if (!(grants = lanyard_json_to_objects (LANYARD_TYPE_GRANT, member, &error)))
    {
      g_prefix_error (&error, "grants: ");
      request_fail (req, error);
      return;
    }
  if (!request_apply_if_match (req, &version))
    return;

  if ((saved = lanyard_store_set_grants (request_store (req), req->id, version, grants,
                                         req->cancellable, &error)))
    request_answer_object (req, SOUP_STATUS_OK, saved);
  else if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT))
    request_fail_person_conflict (req, error);
  else
    request_fail (req, error);
}

static void
route_decide (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardDecisionReport) report = NULL;
  gint64 door_id = 0;
  gint64 at = g_get_real_time ();
  gint64 person_facility, door_facility;

  if (!request_get_int_param (req, "door", 1, G_MAXINT64, &door_id) ||
      !request_get_int_param (req, "at", 0, G_MAXINT64, &at))
    return;
  if (door_id == 0)
    {
      request_fail_bad_request (req, _("The query parameter “%s” is required"), "door");
      return;
    }

  /*
   * An unknown person or door is an answer ("unknown-person"), not a 404:
   * the permission is checked in the facility of each that exists, and
   * for all facilities when neither does.
   */
  person_facility = server_lookup_facility (req->server, RECORD_PERSON, req->id, &error);
  door_facility = person_facility < 0 ? -1 : server_lookup_facility (req->server, RECORD_DOOR, door_id, &error);
  if (person_facility < 0 || door_facility < 0)
    {
      request_fail (req, error);
      return;
    }
  if (person_facility != 0 &&
      !request_check_permission (req, person_facility, RECORD_PERSON, "people.read"))
    return;
  if (door_facility != 0 && door_facility != person_facility &&
      !request_check_permission (req, door_facility, RECORD_DOOR, "people.read"))
    return;
  if (person_facility == 0 && door_facility == 0 &&
      !request_check_permission (req, 0, RECORD_NONE, "people.read"))
    return;

  if (!(report = lanyard_store_decide (request_store (req), req->id, door_id, at, req->cancellable, &error)))
    request_fail (req, error);
  else
    request_answer (req, SOUP_STATUS_OK, lanyard_json_from_decision_report (report));
}

/* ------------------------------------------------------------------------ */
/* Routes: audit and settings                                               */
/* ------------------------------------------------------------------------ */

static const char * const audit_int_params[] = { "facility-id", "target-id", "before-id", "limit" };

static void
route_list_audit (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonNode) node = NULL;
  LanyardAuditQuery query;
  JsonObject *object;
  const char *text;

  object = json_object_new ();
  node = object_node_new (object);

  for (guint i = 0; i < G_N_ELEMENTS (audit_int_params); i++)
    {
      gint64 value = 0;

      if (!request_get_int_param (req, audit_int_params[i], 0,
                                  strcmp (audit_int_params[i], "limit") == 0 ? 1000 : G_MAXINT64,
                                  &value))
        return;
      json_object_set_int_member (object, audit_int_params[i], value);
    }
  if ((text = request_get_param (req, "target-kind")) && *text != '\0')
    json_object_set_string_member (object, "target-kind", text);

  if (!lanyard_json_to_audit_query (node, &query, &error))
    {
      request_fail_with_status (req, SOUP_STATUS_BAD_REQUEST, error);
      return;
    }

  /* Without a facility the whole log is asked for: that takes a role for all of them. */
  if (!request_check_permission (req, query.facility_id,
                                 query.facility_id != 0 ? RECORD_FACILITY : RECORD_NONE, "audit"))
    return;

  if (!(events = lanyard_store_list_audit (request_store (req), &query, req->cancellable, &error)))
    request_fail (req, error);
  else
    request_answer_objects (req, SOUP_STATUS_OK, events);
}

static JsonNode *
region_node_new (const char *region)
{
  JsonObject *object = json_object_new ();

  if (region != NULL)
    json_object_set_string_member (object, "region", region);
  else
    json_object_set_null_member (object, "region");

  return object_node_new (object);
}

static void
route_get_phone_region (Request *req)
{
  g_autofree char *region = lanyard_store_dup_phone_region (request_store (req));

  request_answer (req, SOUP_STATUS_OK, region_node_new (region));
}

static void
route_set_phone_region (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *region = NULL;
  const char *text;

  if (!request_check_permission (req, 0, RECORD_NONE, "settings") ||
      !(body = request_read_object (req)))
    return;

  if (!lanyard_json_object_get_string (json_node_get_object (body), "region", TRUE, &text, &error) ||
      !lanyard_store_set_phone_region (request_store (req), text, req->cancellable, &error))
    {
      request_fail (req, error);
      return;
    }

  region = lanyard_store_dup_phone_region (request_store (req));
  request_answer (req, SOUP_STATUS_OK, region_node_new (region));
}

/* ------------------------------------------------------------------------ */
/* The route table                                                          */
/* ------------------------------------------------------------------------ */

#define PUBLIC   FALSE
#define SIGNED   TRUE

static const Route routes[] = {
  { "POST",   "auth/code",                     route_auth_code,         PUBLIC, RECORD_NONE,     NULL },
  { "POST",   "auth/token",                    route_auth_token,        PUBLIC, RECORD_NONE,     NULL },
  { "GET",    "auth/session",                  route_get_session,       SIGNED, RECORD_NONE,     NULL },
  { "DELETE", "auth/session",                  route_delete_session,    SIGNED, RECORD_NONE,     NULL },

  { "GET",    "facilities",                    route_list_facilities,   SIGNED, RECORD_NONE,     NULL },
  { "POST",   "facilities",                    route_create_facility,   SIGNED, RECORD_NONE,     NULL },
  { "PUT",    "facilities/#",                  route_update_facility,   SIGNED, RECORD_FACILITY, "settings" },
  { "GET",    "facilities/#/doors",            route_list_doors,        SIGNED, RECORD_FACILITY, "people.read" },
  { "POST",   "facilities/#/doors",            route_create_door,       SIGNED, RECORD_FACILITY, "doors" },
  { "PUT",    "doors/#",                       route_update_door,       SIGNED, RECORD_DOOR,     "doors" },
  { "DELETE", "doors/#",                       route_delete_door,       SIGNED, RECORD_DOOR,     "doors" },
  { "GET",    "facilities/#/scopes",           route_list_scopes,       SIGNED, RECORD_FACILITY, "people.read" },
  { "POST",   "facilities/#/scopes",           route_create_scope,      SIGNED, RECORD_FACILITY, "doors" },
  { "PUT",    "scopes/#",                      route_update_scope,      SIGNED, RECORD_SCOPE,    "doors" },
  { "DELETE", "scopes/#",                      route_delete_scope,      SIGNED, RECORD_SCOPE,    "doors" },
  { "GET",    "facilities/#/rules",            route_list_rules,        SIGNED, RECORD_FACILITY, "people.read" },
  { "POST",   "facilities/#/rules",            route_create_rule,       SIGNED, RECORD_FACILITY, "rules" },
  { "PUT",    "rules/#",                       route_update_rule,       SIGNED, RECORD_RULE,     "rules" },
  { "DELETE", "rules/#",                       route_delete_rule,       SIGNED, RECORD_RULE,     "rules" },

  { "GET",    "facilities/#/people",           route_query_people,      SIGNED, RECORD_FACILITY, "people.read" },
  { "POST",   "facilities/#/people",           route_create_person,     SIGNED, RECORD_FACILITY, "people.write" },
  { "GET",    "facilities/#/people/counts",    route_count_people,      SIGNED, RECORD_FACILITY, "people.read" },
  { "GET",    "facilities/#/people/facets/*",  route_list_facet_values, SIGNED, RECORD_FACILITY, "people.read" },
  { "GET",    "facilities/#/people/duplicate", route_find_duplicate,    SIGNED, RECORD_FACILITY, "people.read" },
  { "POST",   "facilities/#/people/batch",     route_create_people,     SIGNED, RECORD_FACILITY, "import" },
  { "POST",   "facilities/#/people/import",    route_import_people,     SIGNED, RECORD_FACILITY, "import" },
  { "POST",   "people/delete",                 route_delete_people,     SIGNED, RECORD_NONE,     NULL },
  { "POST",   "people/access",                 route_set_access,        SIGNED, RECORD_NONE,     NULL },
  { "GET",    "people/#",                      route_get_person,        SIGNED, RECORD_PERSON,   "people.read" },
  { "PUT",    "people/#",                      route_update_person,     SIGNED, RECORD_PERSON,   "people.write" },
  { "GET",    "people/#/grants",               route_list_grants,       SIGNED, RECORD_PERSON,   "people.read" },
  { "PUT",    "people/#/grants",               route_set_grants,        SIGNED, RECORD_PERSON,   "grants" },
  { "GET",    "people/#/decision",             route_decide,            SIGNED, RECORD_NONE,     NULL },

  { "GET",    "audit",                         route_list_audit,        SIGNED, RECORD_NONE,     NULL },
  { "GET",    "settings/phone-region",         route_get_phone_region,  SIGNED, RECORD_NONE,     NULL },
  { "PUT",    "settings/phone-region",         route_set_phone_region,  SIGNED, RECORD_NONE,     NULL },
};

#define API_PREFIX "/api/v1/"

/*
 * Whether @path (after /api/v1/) has the shape of @pattern; fills the id
 * and word it holds. Walks both strings without allocating: this runs for
 * every request.
 */
static gboolean
route_match (const char  *pattern,
             const char  *path,
             gint64      *out_id,
             const char **out_word,
             gsize       *out_word_len)
{
  const char *p = pattern;
  const char *s = path;

  while (*p != '\0')
    {
      const char *end = strchr (s, '/');
      gsize len = end ? (gsize) (end - s) : strlen (s);

      if (len == 0)
        return FALSE;

      if (*p == '#')
        {
          gint64 id = 0;

          for (gsize i = 0; i < len; i++)
            {
              if (!g_ascii_isdigit (s[i]) || id > (G_MAXINT64 - 9) / 10)
                return FALSE;
              id = id * 10 + (s[i] - '0');
            }
          if (id <= 0)
            return FALSE;
          *out_id = id;
          p++;
        }
      else if (*p == '*')
        {
          *out_word = s;
          *out_word_len = len;
          p++;
        }
      else
        {
          const char *pend = strchr (p, '/');
          gsize plen = pend ? (gsize) (pend - p) : strlen (p);

          if (plen != len || memcmp (p, s, len) != 0)
            return FALSE;
          p += plen;
        }

      s += len;
      /* Both go on to their next segment, or both end here. */
      if ((*p == '/') != (*s == '/'))
        return FALSE;
      if (*p == '/')
        {
          p++;
          s++;
        }
    }

  return *s == '\0';
}

/* The route of @path (after /api/v1/) and @method; NULL when there is none, with the methods the path takes in *@out_allow. */
static const Route *
find_route (const char   *path,
            const char   *method,
            gint64       *out_id,
            const char  **out_word,
            gsize        *out_word_len,
            GString     **out_allow)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!route_match (routes[i].pattern, path, out_id, out_word, out_word_len))
        continue;
      if (strcmp (routes[i].method, method) == 0)
        return &routes[i];
      if (out_allow == NULL)
        continue;
      if (*out_allow == NULL)
        *out_allow = g_string_new (routes[i].method);
      else
        g_string_append_printf (*out_allow, ", %s", routes[i].method);
    }

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Requests on worker threads                                               */
/* ------------------------------------------------------------------------ */

static void
request_free (Request *req)
{
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->staff, lanyard_staff_free);
  g_clear_pointer (&req->answer, json_node_unref);
  g_clear_object (&req->cancellable);
  g_clear_object (&req->msg);
  g_clear_object (&req->server);
  g_free (req->word);
  g_free (req->token);
  g_free (req->client_address);
  g_free (req->if_match);
  g_free (req->response);
  g_free (req);
}

/* Called on the server's context when the worker answered and when libsoup finished the message. */
static void
request_release (Request *req)
{
  LanyardServer *self = req->server;

  g_assert (req->pending > 0);
  if (--req->pending > 0)
    return;

  g_hash_table_remove (self->in_flight, req);
  g_object_ref (self);
  request_free (req);
  server_maybe_finish_shutdown (self);
  g_object_unref (self);
}

static void
on_message_finished_cb (SoupServerMessage *msg,
                        Request           *req)
{
  g_clear_signal_handler (&req->finished_handler, msg);
  req->finished = TRUE;
  /* The client went away before the answer: stop the work if it still runs. */
  g_cancellable_cancel (req->cancellable);
  request_release (req);
}

static void
request_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Request *req = task_data;
  LanyardServer *self = req->server;

  if (G_UNLIKELY (self->test_delay_ms > 0))
    g_usleep (self->test_delay_ms * G_TIME_SPAN_MILLISECOND);

  if (req->route->needs_token)
    {
      g_autoptr(GError) error = NULL;

      if (req->token == NULL)
        g_set_error_literal (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED,
                             _("Sign in first: this request needs an “Authorization: Bearer” token"));
      else
        req->staff = lanyard_auth_check_token (self->auth, req->token, &req->expires_at, &error);

      if (req->staff == NULL)
        {
          if (error == NULL)
            g_set_error_literal (&error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED,
                                 _("The sign-in is no longer valid; sign in again"));
          request_fail (req, error);
          goto answer;
        }
    }

  /* Cancelled when the grace period of a shutdown ran out before the request started. */
  if (g_cancellable_is_cancelled (req->cancellable))
    {
      g_autoptr(GError) error = NULL;

      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The server is shutting down; try again in a moment"));
      request_fail (req, error);
      goto answer;
    }

  if (req->route->record != RECORD_NONE && !request_resolve_record (req))
    goto answer;

  /* Changes of this request are audited under the staff member's email. */
  lanyard_sqlite_store_set_thread_actor (req->staff ? req->staff->email : NULL);
  req->route->func (req);
  lanyard_sqlite_store_set_thread_actor (NULL);

answer:
  if (req->answer != NULL)
    {
      g_free (req->response);
      req->response = node_to_data (req->answer, &req->response_len);
    }
  g_clear_pointer (&req->answer, json_node_unref);

  g_task_return_boolean (task, TRUE);
}

/*
 * Back on the server's context: GTask completes a threaded task through an
 * idle source attached to the context it was created in (the server's), so
 * the message is only ever touched there.
 */
static void
on_request_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Request *req = user_data;

  if (!req->finished)
    {
      SoupServerMessage *msg = req->msg;
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

      soup_server_message_set_status (msg, req->status, NULL);
      if (req->status == SOUP_STATUS_UNAUTHORIZED)
        soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer");
      if (req->retry_after > 0)
        {
          char value[16];

          g_snprintf (value, sizeof value, "%u", req->retry_after);
          soup_message_headers_replace (headers, "Retry-After", value);
        }
      if (req->server->shutting_down)
        soup_message_headers_replace (headers, "Connection", "close");

      if (req->response != NULL)
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                          g_steal_pointer (&req->response), req->response_len);
      else
        /*
         * 204: libsoup 3.2 drops any Content-Length of a 204, then takes
         * the response for one that ends at EOF and closes the connection
         * after it. Say so, so that clients open a new one instead of
         * sending into a closed socket.
         */
        soup_message_headers_replace (headers, "Connection", "close");
      soup_server_message_unpause (msg);
    }

  request_release (req);
}

/* ------------------------------------------------------------------------ */
/* Dispatch on the server's context                                         */
/* ------------------------------------------------------------------------ */

static char *
bearer_token (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;

  value += 7;
  while (*value == ' ')
    value++;

  return *value ? g_strdup (value) : NULL;
}

static void
answer_error_now (SoupServerMessage *msg,
                  guint              status,
                  LanyardStoreError  code,
                  const char        *message)
{
  g_autoptr(GError) error = g_error_new_literal (LANYARD_STORE_ERROR, code, message);

  message_answer_error (msg, status, error);
}

/*
 * Reading bodies. libsoup would read a whole body into memory before the
 * handler runs; instead the early handler (at the request's headers)
 * turns its accumulation off, and the body is gathered here chunk by
 * chunk up to the route's limit. Past it, or when the headers alone
 * decide the answer, the request is refused at once: the connection is
 * taken from libsoup, the answer written with "Connection: close", and
 * what the client still sends is read and dropped for a few seconds (so
 * that it gets to read the answer) before the connection is closed.
 */
typedef struct {
  GByteArray *data;
  gsize       limit;
  gsize       received;
  gboolean    refused;
} BodyReader;

#define BODY_READER_KEY "lanyard-body-reader"

static void
body_reader_free (gpointer data)
{
  BodyReader *reader = data;

  if (reader->data != NULL)
    g_byte_array_unref (reader->data);
  g_free (reader);
}

typedef struct {
  GIOStream    *stream;
  char         *answer;
  gsize         answer_len;
  GCancellable *cancellable;
  GSource      *timeout;
  guint8        buffer[16 * 1024];
} Refusal;

static void
refusal_free (Refusal *refusal)
{
  if (refusal->timeout != NULL)
    {
      g_source_destroy (refusal->timeout);
      g_source_unref (refusal->timeout);
    }
  g_clear_object (&refusal->cancellable);
  g_clear_object (&refusal->stream);
  g_free (refusal->answer);
  g_free (refusal);
}

static void
on_refusal_closed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
  refusal_free (user_data);
}

static void
refusal_close (Refusal *refusal)
{
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, NULL, on_refusal_closed_cb, refusal);
}

static gboolean
on_refusal_timeout_cb (gpointer user_data)
{
  Refusal *refusal = user_data;

  /* The pending read ends cancelled and closes the connection. */
  g_cancellable_cancel (refusal->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_refusal_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0 || g_cancellable_is_cancelled (refusal->cancellable))
    {
      refusal_close (refusal);
      return;
    }

  /* Dropped: only the time spent is bounded, never the memory. */
  g_input_stream_read_async (G_INPUT_STREAM (object), refusal->buffer, sizeof refusal->buffer,
                             G_PRIORITY_LOW, refusal->cancellable, on_refusal_read_cb, refusal);
}

static void
on_refusal_written_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL) ||
      !g_output_stream_flush (G_OUTPUT_STREAM (object), NULL, NULL))
    {
      refusal_close (refusal);
      return;
    }

  refusal->timeout = g_timeout_source_new (DRAIN_TIMEOUT_MS);
  g_source_set_callback (refusal->timeout, on_refusal_timeout_cb, refusal, NULL);
  g_source_attach (refusal->timeout, g_main_context_get_thread_default ());

  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream), refusal->buffer,
                             sizeof refusal->buffer, G_PRIORITY_LOW, refusal->cancellable,
                             on_refusal_read_cb, refusal);
}

typedef struct {
  SoupServerMessage *msg;
  guint              status;
  LanyardStoreError  code;
  char              *message;
} PendingRefusal;

static gboolean
on_refuse_idle_cb (gpointer user_data)
{
  PendingRefusal *pending = user_data;
  g_autoptr(GError) error = g_error_new_literal (LANYARD_STORE_ERROR, pending->code, pending->message);
  g_autoptr(JsonNode) node = lanyard_json_from_error (error);
  g_autofree char *json = NULL;
  GString *answer;
  GIOStream *stream;
  Refusal *refusal;
  gsize json_len;

  /* The connection is ours from here on: libsoup forgets the message. */
  stream = soup_server_message_steal_connection (pending->msg);
  if (stream == NULL)
    return G_SOURCE_REMOVE;

  json = node_to_data (node, &json_len);
  answer = g_string_new (NULL);
  g_string_append_printf (answer, "HTTP/1.1 %u %s\r\n", pending->status, soup_status_get_phrase (pending->status));
  g_string_append (answer, "Server: lanyardd/" PACKAGE_VERSION "\r\n");
  g_string_append (answer, "Content-Type: application/json\r\n");
  g_string_append_printf (answer, "Content-Length: %" G_GSIZE_FORMAT "\r\n", json_len);
  if (pending->status == SOUP_STATUS_UNAUTHORIZED)
    g_string_append (answer, "WWW-Authenticate: Bearer\r\n");
  g_string_append (answer, "Connection: close\r\n\r\n");
  g_string_append_len (answer, json, json_len);

  refusal = g_new0 (Refusal, 1);
  refusal->stream = stream;
  refusal->cancellable = g_cancellable_new ();
  refusal->answer_len = answer->len;
  refusal->answer = g_string_free (answer, FALSE);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), refusal->answer, refusal->answer_len,
                                   G_PRIORITY_DEFAULT, NULL, on_refusal_written_cb, refusal);
  return G_SOURCE_REMOVE;
}

static void
pending_refusal_free (gpointer data)
{
  PendingRefusal *pending = data;

  g_object_unref (pending->msg);
  g_free (pending->message);
  g_free (pending);
}

/*
 * Answers @msg now, without reading (more of) its body. Called from
 * libsoup's signals: the message is paused here, so that libsoup reads no
 * further, and the connection is taken over from an idle callback, outside
 * libsoup's own stack.
 */
static void
server_refuse_now (LanyardServer     *self,
                   SoupServerMessage *msg,
                   guint              status,
                   LanyardStoreError  code,
                   const char        *message)
{
  BodyReader *reader = g_object_get_data (G_OBJECT (msg), BODY_READER_KEY);
  PendingRefusal *pending;
  GSource *source;

  if (reader != NULL)
    {
      if (reader->refused)
        return;
      reader->refused = TRUE;
      g_clear_pointer (&reader->data, g_byte_array_unref);
    }

  pending = g_new0 (PendingRefusal, 1);
  pending->msg = g_object_ref (msg);
  pending->status = status;
  pending->code = code;
  pending->message = g_strdup (message);

  soup_server_message_pause (msg);

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, on_refuse_idle_cb, pending, pending_refusal_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static const char *
too_large_message (gsize limit)
{
  return limit == MAX_AUTH_BODY_SIZE ? _("The request body is too large: at most 16 KiB are accepted here")
                                     : _("The request body is too large: at most 16 MiB are accepted");
}

static void
on_got_chunk_cb (SoupServerMessage *msg,
                 GBytes            *chunk,
                 gpointer           user_data)
{
  LanyardServer *self = user_data;
  BodyReader *reader = g_object_get_data (G_OBJECT (msg), BODY_READER_KEY);
  gsize len = g_bytes_get_size (chunk);

  if (reader == NULL || reader->refused)
    return;

  reader->received += len;
  if (reader->received > reader->limit)
    {
      server_refuse_now (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, LANYARD_STORE_ERROR_INVALID,
                         too_large_message (reader->limit));
      return;
    }

  g_byte_array_append (reader->data, g_bytes_get_data (chunk, NULL), len);
}

/*
 * At the request's headers, before any of its body is read: refuses what
 * is too large by its Content-Length, a body for a signed route that comes
 * without a token, and sets up the reading of the rest.
 */
static void
on_early_request_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  LanyardServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  goffset length = encoding == SOUP_ENCODING_CONTENT_LENGTH ? soup_message_headers_get_content_length (headers) : -1;
  const Route *route;
  const char *word = NULL;
  gsize word_len = 0;
  gint64 id = 0;
  BodyReader *reader;
  gboolean has_body;

  has_body = encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF || length > 0;
  if (!has_body)
    return;

  /* The body is gathered by on_got_chunk_cb, within the limit, or not at all. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);

  route = g_str_has_prefix (path, API_PREFIX) ?
          find_route (path + strlen (API_PREFIX), soup_server_message_get_method (msg), &id, &word, &word_len, NULL) :
          NULL;

  reader = g_new0 (BodyReader, 1);
  /* A body is of no use to the sign-in routes beyond an email and a code, nor to an address that is no route. */
  reader->limit = route != NULL && !g_str_has_prefix (route->pattern, "auth/") ? MAX_BODY_SIZE : MAX_AUTH_BODY_SIZE;
  g_object_set_data_full (G_OBJECT (msg), BODY_READER_KEY, reader, body_reader_free);

  if (length > (goffset) reader->limit)
    {
      server_refuse_now (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, LANYARD_STORE_ERROR_INVALID,
                         too_large_message (reader->limit));
      return;
    }

  /* A signed route's body is not read for a request that cannot be signed in. */
  if (route != NULL && route->needs_token && !self->shutting_down)
    {
      g_autofree char *token = bearer_token (headers);

      if (token == NULL)
        {
          server_refuse_now (self, msg, SOUP_STATUS_UNAUTHORIZED, LANYARD_STORE_ERROR_UNAUTHENTICATED,
                             _("Sign in first: this request needs an “Authorization: Bearer” token"));
          return;
        }
    }

  reader->data = g_byte_array_sized_new (length > 0 ? (guint) length : 0);
  g_signal_connect_object (msg, "got-chunk", G_CALLBACK (on_got_chunk_cb), self, 0);
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  LanyardServer *self = user_data;
  g_autoptr(GTask) task = NULL;
  SoupMessageHeaders *headers;
  g_autoptr(GBytes) body_bytes = NULL;
  BodyReader *reader;
  const Route *route = NULL;
  const char *method = soup_server_message_get_method (msg);
  const char *word = NULL;
  gsize word_len = 0;
  GString *allow = NULL;
  gint64 id = 0;
  Request *req;

  if (self->shutting_down)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      answer_error_now (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, LANYARD_STORE_ERROR_UNAVAILABLE,
                        _("The server is shutting down; try again in a moment"));
      return;
    }

  if (g_str_has_prefix (path, API_PREFIX))
    route = find_route (path + strlen (API_PREFIX), method, &id, &word, &word_len, &allow);

  if (route == NULL)
    {
      if (allow != NULL)
        {
          g_autofree char *methods = g_string_free (allow, FALSE);
          g_autofree char *message = g_strdup_printf (_("This address does not take %s; it takes %s"), method, methods);

          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", methods);
          answer_error_now (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, LANYARD_STORE_ERROR_INVALID, message);
        }
      else
        answer_error_now (msg, SOUP_STATUS_NOT_FOUND, LANYARD_STORE_ERROR_NOT_FOUND,
                          _("There is no such address in the Lanyard API"));
      return;
    }
  if (allow != NULL)
    g_string_free (allow, TRUE);

  /* What on_got_chunk_cb gathered, within the route's limit; a body libsoup read itself has none. */
  reader = g_object_get_data (G_OBJECT (msg), BODY_READER_KEY);
  if (reader != NULL && reader->data != NULL && reader->data->len > 0)
    body_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&reader->data));
  else if (reader == NULL)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);

      if (body->length > MAX_BODY_SIZE)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
          answer_error_now (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, LANYARD_STORE_ERROR_INVALID,
                            too_large_message (MAX_BODY_SIZE));
          return;
        }
      if (body->length > 0)
        body_bytes = soup_message_body_flatten (body);
    }

  headers = soup_server_message_get_request_headers (msg);

  req = g_new0 (Request, 1);
  req->server = g_object_ref (self);
  req->msg = g_object_ref (msg);
  req->route = route;
  req->id = id;
  req->word = word ? g_strndup (word, word_len) : NULL;
  req->query = query ? g_hash_table_ref (query) : NULL;
  req->body = g_steal_pointer (&body_bytes);
  req->token = bearer_token (headers);
  req->if_match = g_strdup (soup_message_headers_get_one (headers, "If-Match"));
  req->cancellable = g_cancellable_new ();
  req->status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  if (!route->needs_token)
    req->client_address = g_strdup (soup_server_message_get_remote_host (msg));

  /* One for the worker's answer, one for libsoup finishing the message. */
  req->pending = 2;
  req->finished_handler = g_signal_connect (msg, "finished", G_CALLBACK (on_message_finished_cb), req);
  g_hash_table_add (self->in_flight, req);

  soup_server_message_pause (msg);

  task = g_task_new (self, NULL, on_request_done_cb, req);
  g_task_set_source_tag (task, on_request_cb);
  g_task_set_task_data (task, req, NULL);
  g_task_run_in_thread (task, request_thread);
}

/* ------------------------------------------------------------------------ */
/* Shutting down                                                            */
/* ------------------------------------------------------------------------ */

static void
server_maybe_finish_shutdown (LanyardServer *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->shutdown_task == NULL || g_hash_table_size (self->in_flight) > 0)
    return;

  if (self->grace_source != NULL)
    {
      g_source_destroy (self->grace_source);
      g_clear_pointer (&self->grace_source, g_source_unref);
    }

  soup_server_disconnect (self->soup);

  task = g_steal_pointer (&self->shutdown_task);
  g_task_return_boolean (task, TRUE);
}

static gboolean
on_grace_over_cb (gpointer user_data)
{
  LanyardServer *self = user_data;
  GHashTableIter iter;
  Request *req;

  g_message ("Cancelling %u request(s) still running after the grace period",
             g_hash_table_size (self->in_flight));

  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, (gpointer *) &req, NULL))
    g_cancellable_cancel (req->cancellable);

  g_clear_pointer (&self->grace_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */
/* ------------------------------------------------------------------------ */

static void
lanyard_server_dispose (GObject *object)
{
  LanyardServer *self = LANYARD_SERVER (object);

  if (self->soup != NULL)
    {
      soup_server_disconnect (self->soup);
      g_clear_object (&self->soup);
    }
  if (self->grace_source != NULL)
    {
      g_source_destroy (self->grace_source);
      g_clear_pointer (&self->grace_source, g_source_unref);
    }

  G_OBJECT_CLASS (lanyard_server_parent_class)->dispose (object);
}

static void
lanyard_server_finalize (GObject *object)
{
  LanyardServer *self = LANYARD_SERVER (object);

  for (guint i = 0; i < N_RECORDS; i++)
    g_clear_pointer (&self->lookup_stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->lookup_db, sqlite3_close);
  g_mutex_clear (&self->lookup_lock);
  g_mutex_clear (&self->parse_lock);
  g_cond_clear (&self->parse_cond);

  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->auth);
  g_free (self->url);

  G_OBJECT_CLASS (lanyard_server_parent_class)->finalize (object);
}

static void
lanyard_server_class_init (LanyardServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_server_dispose;
  object_class->finalize = lanyard_server_finalize;
}

static void
lanyard_server_init (LanyardServer *self)
{
  g_mutex_init (&self->lookup_lock);
  g_mutex_init (&self->parse_lock);
  g_cond_init (&self->parse_cond);
  self->in_flight = g_hash_table_new (NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                               */
/* ------------------------------------------------------------------------ */

LanyardServer *
lanyard_server_new (LanyardSqliteStore *store,
                    LanyardAuth        *auth)
{
  LanyardServer *self;

  g_return_val_if_fail (LANYARD_IS_SQLITE_STORE (store), NULL);
  g_return_val_if_fail (LANYARD_IS_AUTH (auth), NULL);

  self = g_object_new (LANYARD_TYPE_SERVER, NULL);
  self->store = g_object_ref (store);
  self->auth = g_object_ref (auth);
  self->context = g_main_context_ref_thread_default ();
  self->soup = soup_server_new ("server-header", "lanyardd/" PACKAGE_VERSION " ", NULL);

  soup_server_add_early_handler (self->soup, NULL, on_early_request_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, on_request_cb, self, NULL);

  return self;
}

gboolean
lanyard_server_listen (LanyardServer    *self,
                       const char       *address,
                       guint             port,
                       GTlsCertificate  *certificate,
                       GError          **error)
{
  g_autoptr(GInetAddress) inet_address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  SoupServerListenOptions options = 0;

  g_return_val_if_fail (LANYARD_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(inet_address = g_inet_address_new_from_string (address)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address; give one such as 127.0.0.1, ::1 or 0.0.0.0"), address);
      return FALSE;
    }

  if (certificate == NULL && !g_inet_address_get_is_loopback (inet_address))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Refusing to serve plain HTTP on %s, which is not a loopback address: "
                     "sign-in codes and tokens would cross the network unencrypted. "
                     "Give a TLS certificate and key, or listen on 127.0.0.1"),
                   address);
      return FALSE;
    }

  if (certificate != NULL)
    {
      g_object_set (self->soup, "tls-certificate", certificate, NULL);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }

  socket_address = g_inet_socket_address_new (inet_address, port);
  if (!soup_server_listen (self->soup, socket_address, options, error))
    return FALSE;

  if (self->url == NULL)
    {
      GSList *uris = soup_server_get_uris (self->soup);

      for (GSList *l = uris; l != NULL && self->url == NULL; l = l->next)
        {
          GUri *uri = l->data;

          if ((certificate != NULL) == (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0))
            {
              g_autofree char *text = g_uri_to_string (uri);
              gsize len = strlen (text);

              if (len > 0 && text[len - 1] == '/')
                text[len - 1] = '\0';
              self->url = g_steal_pointer (&text);
            }
        }
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
    }

  return TRUE;
}

char *
lanyard_server_dup_url (LanyardServer *self)
{
  g_return_val_if_fail (LANYARD_IS_SERVER (self), NULL);

  return g_strdup (self->url);
}

void
lanyard_server_shutdown_async (LanyardServer       *self,
                               guint                grace_ms,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LANYARD_IS_SERVER (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, lanyard_server_shutdown_async);

  if (self->shutdown_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The server is already shutting down"));
      return;
    }

  /* New requests are answered 503 from now on; those in flight go on. */
  self->shutting_down = TRUE;
  self->shutdown_task = g_steal_pointer (&task);

  if (g_hash_table_size (self->in_flight) > 0)
    {
      self->grace_source = g_timeout_source_new (grace_ms);
      g_source_set_callback (self->grace_source, on_grace_over_cb, self, NULL);
      g_source_attach (self->grace_source, self->context);
    }

  server_maybe_finish_shutdown (self);
}

gboolean
lanyard_server_shutdown_finish (LanyardServer  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (LANYARD_IS_SERVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_server_shutdown_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
lanyard_server_set_request_delay (LanyardServer *self,
                                  guint          delay_ms)
{
  g_return_if_fail (LANYARD_IS_SERVER (self));

  self->test_delay_ms = delay_ms;
}
