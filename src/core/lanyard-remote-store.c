/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-remote-store.h"
#include "lanyard-remote-store-private.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "lanyard-enums.h"
#include "lanyard-json.h"
#include "lanyard-phone.h"

/*
 * Every store call is one HTTP request, sent with the blocking
 * soup_session_send_and_read() from the thread that makes the call — a
 * worker thread of the _async() wrappers, or the CLI's and the tests' own.
 * libsoup ≥ 3.2 allows sending from any thread as long as the session is
 * configured completely before the first request, which connect() does:
 * afterwards the session, the server address and the token are only read.
 * Only the cached phone region (and a connection counter for tests)
 * change, under a lock.
 */

#define API_PATH               "/api/v1"
#define IO_TIMEOUT_SECONDS     30   /* a request that stalls this long fails as "cannot reach" */
#define IDLE_TIMEOUT_SECONDS   60   /* keep-alive connections close after a minute unused */
#define MAX_CONNS_PER_HOST     6    /* the app's worker threads may overlap a few calls */
#define MAX_PAGE_SIZE          500  /* docs/api.md: limit is 1–500; a shorter page is allowed */
#define MAX_AUDIT_LIMIT        1000 /* what the server's /audit accepts */
#define STATUS_TOO_MANY_REQUESTS 429  /* RFC 6585; SoupStatus has no name for it */

/* Where a server is: parsed and checked once, then only read. */
typedef struct {
  char *url;        /* "https://host[:port][/path]", no trailing slash */
  char *api_base;   /* url + "/api/v1" */
  char *server;     /* "host" or "host:port", for messages */
} Endpoint;

struct _LanyardRemoteStore
{
  GObject       parent_instance;

  SoupSession  *session;
  Endpoint      endpoint;
  char         *authorization;   /* "Bearer <token>" */
  char         *email;
  char         *name;

  GMutex        lock;            /* guards what follows */
  char         *phone_region;
  guint64       last_connection_id;
  guint         n_connections;
};

static void lanyard_remote_store_iface_init (LanyardStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LanyardRemoteStore, lanyard_remote_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (LANYARD_TYPE_STORE, lanyard_remote_store_iface_init))

/* ------------------------------------------------------------------------ */
/* Server addresses                                                          */
/* ------------------------------------------------------------------------ */

static void
endpoint_clear (Endpoint *endpoint)
{
  g_clear_pointer (&endpoint->url, g_free);
  g_clear_pointer (&endpoint->api_base, g_free);
  g_clear_pointer (&endpoint->server, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Endpoint, endpoint_clear)

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/*
 * Checks @url and fills @endpoint. Plain http only to this computer: a
 * bearer token must not cross a network in clear.
 */
static gboolean
endpoint_parse (const char  *url,
                Endpoint    *endpoint,
                GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *path = NULL;
  const char *scheme;
  const char *host;
  gboolean https;
  int port;
  gsize length;

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” is not a server address; write it like https://lanyard.example.org"), url);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  https = g_ascii_strcasecmp (scheme, "https") == 0;
  if (!https && g_ascii_strcasecmp (scheme, "http") != 0)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” is not a web address; write it like https://lanyard.example.org"), url);
      return FALSE;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” names no server; write it like https://lanyard.example.org"), url);
      return FALSE;
    }

  if (!https && !is_loopback_host (host))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("Sign-in over plain http is only allowed to this computer; use https://%s"), host);
      return FALSE;
    }

  /* The server may live under a path (behind a reverse proxy); no trailing slash. */
  path = g_strdup (g_uri_get_path (uri));
  length = strlen (path);
  while (length > 0 && path[length - 1] == '/')
    path[--length] = '\0';

  port = g_uri_get_port (uri);
  endpoint->url = g_uri_join (G_URI_FLAGS_ENCODED, https ? "https" : "http", NULL, host, port, path, NULL, NULL);
  endpoint->api_base = g_strconcat (endpoint->url, API_PATH, NULL);
  if (port == -1)
    endpoint->server = g_strdup (host);
  else if (strchr (host, ':') != NULL)
    endpoint->server = g_strdup_printf ("[%s]:%d", host, port);
  else
    endpoint->server = g_strdup_printf ("%s:%d", host, port);

  return TRUE;
}

static SoupSession *
session_new (GTlsDatabase *tls_database)
{
  SoupSession *session;

  /* Configured completely here, before any request: see the comment at the top. */
  session = soup_session_new_with_options ("timeout", IO_TIMEOUT_SECONDS,
                                           "idle-timeout", IDLE_TIMEOUT_SECONDS,
                                           "max-conns-per-host", MAX_CONNS_PER_HOST,
                                           "user-agent", "Lanyard/" PACKAGE_VERSION " ",
                                           NULL);
  if (tls_database != NULL)
    soup_session_set_tls_database (session, tls_database);

  return session;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */
/* ------------------------------------------------------------------------ */

static void
set_transport_error (GError      **error,
                     const char   *server,
                     GError       *local_error)
{
  /* The caller's own cancellation is not the server's fault: keep it as it is. */
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, local_error);
      return;
    }

  if (local_error->domain == SOUP_SESSION_ERROR &&
      (local_error->code == SOUP_SESSION_ERROR_PARSING || local_error->code == SOUP_SESSION_ERROR_ENCODING))
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                 _("The answer from %s could not be read: %s"), server, local_error->message);
  else
    /* Refused, unresolvable, timed out, TLS: nothing a retry later cannot fix. */
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                 _("Cannot reach %s: %s"), server, local_error->message);

  g_error_free (local_error);
}

static gboolean
is_error_document (JsonNode *node)
{
  JsonNode *member;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
         (member = json_object_get_member (json_node_get_object (node), "error")) != NULL &&
         JSON_NODE_HOLDS_OBJECT (member);
}

/* An answer that is not 2xx: the server's error document, or what the status says. */
static void
set_status_error (GError      **error,
                  const char   *server,
                  SoupMessage  *message,
                  JsonNode     *answer)
{
  guint status = soup_message_get_status (message);
  const char *reason = soup_message_get_reason_phrase (message);
  GError *local_error = NULL;

  if (is_error_document (answer))
    {
      local_error = lanyard_json_to_error (answer);

      /* These two statuses mean one thing whatever code a proxy or an older server sends. */
      if (status == SOUP_STATUS_UNAUTHORIZED)
        local_error->code = LANYARD_STORE_ERROR_UNAUTHENTICATED;
      else if (status == STATUS_TOO_MANY_REQUESTS)
        local_error->code = LANYARD_STORE_ERROR_RATE_LIMITED;

      g_propagate_error (error, local_error);
      return;
    }

  if (reason == NULL || *reason == '\0')
    reason = soup_status_get_phrase (status);

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED,
                   _("%s no longer accepts this sign-in; sign in again"), server);
      break;

    case STATUS_TOO_MANY_REQUESTS:
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED,
                   _("Too many attempts at %s; try again later"), server);
      break;

    case SOUP_STATUS_BAD_GATEWAY:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      /* A proxy in front of a server that is down. */
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("Cannot reach %s: %u %s"), server, status, reason ? reason : "");
      break;

    default:
      if (SOUP_STATUS_IS_REDIRECTION (status) &&
          soup_message_headers_get_one (soup_message_get_response_headers (message), "Location") != NULL)
        g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                     _("%s sends Lanyard elsewhere (%s); use that address"), server,
                     soup_message_headers_get_one (soup_message_get_response_headers (message), "Location"));
      else
        g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                     _("%s answered “%u %s” without a Lanyard error; is it a Lanyard server?"),
                     server, status, reason ? reason : "");
      break;
    }
}

static GBytes *
node_to_bytes (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length = 0;
  char *data;

  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &length);

  return g_bytes_new_take (data, length);
}

/* The seconds a 429 answer's Retry-After asks to wait (delta-seconds or an HTTP date); 0 without one. */
static guint
get_retry_after (SoupMessage *message)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) now = NULL;
  guint64 seconds;
  GTimeSpan left;

  if (value == NULL)
    return 0;

  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &seconds, NULL))
    return (guint)seconds;

  if (!(date = soup_date_time_new_from_http_string (value)))
    return 0;
  now = g_date_time_new_now_utc ();
  left = g_date_time_difference (date, now);

  return left > 0 ? (guint)MIN ((left + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND, G_MAXUINT) : 0;
}

/*
 * Sends @method @path (below /api/v1, with its query already escaped) with
 * @body, and reads the answer. With @out_answer the answer must be JSON;
 * without, a body is ignored (204, 202). Errors: see the header; with
 * RATE_LIMITED, @out_retry_after gets the seconds the server asked to wait.
 */
static gboolean
send_request (SoupSession     *session,
              const Endpoint  *endpoint,
              const char      *authorization,
              const char      *method,
              const char      *path,
              GBytes          *body,
              JsonNode       **out_answer,
              guint64         *out_connection_id,
              guint           *out_retry_after,
              GCancellable    *cancellable,
              GError         **error)
{
  g_autofree char *uri = g_strconcat (endpoint->api_base, path, NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) parse_error = NULL;
  GError *local_error = NULL;
  SoupMessageHeaders *headers;
  const char *data;
  gsize size;

  if (!(message = soup_message_new (method, uri)))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                   _("“%s” is not a request Lanyard can send"), uri);
      return FALSE;
    }

  /*
   * An API does not move; following a redirect would send the token (and a
   * POST's body) somewhere else. A redirect fails with its Location instead.
   */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", authorization);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", body);

  if (!(bytes = soup_session_send_and_read (session, message, cancellable, &local_error)))
    {
      set_transport_error (error, endpoint->server, local_error);
      return FALSE;
    }

  if (out_connection_id != NULL)
    *out_connection_id = soup_message_get_connection_id (message);

  /* Straight from the received bytes: no copy of a page of people. */
  data = g_bytes_get_data (bytes, &size);
  if (size > 0 && size <= G_MAXSSIZE)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, data, (gssize)size, &parse_error))
        answer = json_parser_steal_root (parser);
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    {
      if (out_retry_after != NULL && soup_message_get_status (message) == STATUS_TOO_MANY_REQUESTS)
        *out_retry_after = get_retry_after (message);
      set_status_error (error, endpoint->server, message, answer);
      return FALSE;
    }

  if (out_answer == NULL)
    return TRUE;

  if (answer == NULL)
    {
      if (parse_error != NULL)
        g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                     _("%s answered with something that is not JSON (%s); is it a Lanyard server?"),
                     endpoint->server, parse_error->message);
      else
        g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                     _("%s sent an empty answer where Lanyard expected data"), endpoint->server);
      return FALSE;
    }

  *out_answer = g_steal_pointer (&answer);
  return TRUE;
}

/* An answer that is JSON but not what the route promises. */
static void
set_bad_answer_error (GError      **error,
                      const char   *server,
                      const GError *local_error)
{
  g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
               _("%s sent an answer Lanyard cannot read: %s"), server, local_error->message);
}

/* A request of the store: with its token, counting the connections it opens. */
/* A call whose body is already JSON text. */
static gboolean
remote_call_bytes (LanyardRemoteStore  *self,
                   const char          *method,
                   const char          *path,
                   GBytes              *body,
                   JsonNode           **out_answer,
                   GCancellable        *cancellable,
                   GError             **error)
{
  guint64 connection_id = 0;

  if (!send_request (self->session, &self->endpoint, self->authorization, method, path, body,
                     out_answer, &connection_id, NULL, cancellable, error))
    return FALSE;

  /* Connection ids grow as a session opens connections; sequential calls see them in order. */
  g_mutex_lock (&self->lock);
  if (connection_id > self->last_connection_id)
    {
      self->last_connection_id = connection_id;
      self->n_connections++;
    }
  g_mutex_unlock (&self->lock);

  return TRUE;
}

static gboolean
remote_call (LanyardRemoteStore  *self,
             const char          *method,
             const char          *path,
             JsonNode            *body,
             JsonNode           **out_answer,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(GBytes) bytes = body != NULL ? node_to_bytes (body) : NULL;

  return remote_call_bytes (self, method, path, bytes, out_answer, cancellable, error);
}

/* ------------------------------------------------------------------------ */
/* Paths and bodies                                                          */
/* ------------------------------------------------------------------------ */

static void
append_param (GString    *path,
              const char *name,
              const char *value)
{
  g_string_append_c (path, strchr (path->str, '?') != NULL ? '&' : '?');
  g_string_append (path, name);
  g_string_append_c (path, '=');
  g_string_append_uri_escaped (path, value, NULL, FALSE);
}

static void
append_int_param (GString    *path,
                  const char *name,
                  gint64      value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  append_param (path, name, text);
}

/*
 * The members of @object (the codec's form of a query) as query
 * parameters with the same names; null and 0 mean "any" and are left out,
 * and so is @skip (a member that is part of the path).
 */
static void
append_params_from_object (GString    *path,
                           JsonObject *object,
                           const char *skip)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);

      if (g_strcmp0 (name, skip) == 0 || !JSON_NODE_HOLDS_VALUE (node))
        continue;

      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          append_param (path, name, json_node_get_string (node));
          break;
        case G_TYPE_BOOLEAN:
          append_param (path, name, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_INT64:
          if (json_node_get_int (node) != 0)
            append_int_param (path, name, json_node_get_int (node));
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

static JsonNode *
node_new_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
ids_body (const gint64 *ids,
          guint         n_ids)
{
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_sized_new (n_ids);

  for (guint i = 0; i < n_ids; i++)
    json_array_add_int_element (array, ids[i]);
  json_object_set_array_member (object, "ids", array);

  return node_new_object (object);
}

/* {"people": [person], "grants": [[grant] or null] or null}, as create_people() takes them. */
static JsonObject *
batch_body (GPtrArray *people,
            GPtrArray *grants)
{
  JsonObject *object = json_object_new ();

  json_object_set_member (object, "people", lanyard_json_from_objects (people));
  if (grants != NULL)
    {
      JsonArray *array = json_array_sized_new (grants->len);

      for (guint i = 0; i < grants->len; i++)
        {
          GPtrArray *list = g_ptr_array_index (grants, i);

          if (list != NULL)
            json_array_add_element (array, lanyard_json_from_objects (list));
          else
            json_array_add_null_element (array);
        }
      json_object_set_array_member (object, "grants", array);
    }
  else
    json_object_set_null_member (object, "grants");

  return object;
}

/* A count member of an answer, {"deleted": 3}. */
static gboolean
read_count (JsonNode    *answer,
            const char  *member,
            const char  *server,
            guint       *out_count,
            GError     **error)
{
  JsonNode *node = NULL;
  gint64 value;

  if (JSON_NODE_HOLDS_OBJECT (answer))
    node = json_object_get_member (json_node_get_object (answer), member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      (value = json_node_get_int (node)) < 0 || value > G_MAXUINT)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                   _("%s sent an answer Lanyard cannot read: “%s” must be a count"), server, member);
      return FALSE;
    }

  *out_count = (guint)value;
  return TRUE;
}

/* A string member of an answer object, or NULL. */
static const char *
get_string_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* ------------------------------------------------------------------------ */
/* Generic calls                                                             */
/* ------------------------------------------------------------------------ */

static GPtrArray *
get_objects (LanyardRemoteStore  *self,
             GType                type,
             const char          *path,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *objects;

  if (!remote_call (self, "GET", path, NULL, &answer, cancellable, error))
    return NULL;

  if (!(objects = lanyard_json_to_objects (type, answer, &local_error)))
    set_bad_answer_error (error, self->endpoint.server, local_error);

  return objects;
}

static gpointer
answer_to_object (LanyardRemoteStore  *self,
                  GType                type,
                  JsonNode            *answer,
                  GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  GObject *object;

  if (!(object = lanyard_json_to_object (type, answer, &local_error)))
    set_bad_answer_error (error, self->endpoint.server, local_error);

  return object;
}

static gpointer
call_for_object (LanyardRemoteStore  *self,
                 const char          *method,
                 const char          *path,
                 JsonNode            *body,
                 GType                type,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autoptr(JsonNode) answer = NULL;

  if (!remote_call (self, method, path, body, &answer, cancellable, error))
    return NULL;

  return answer_to_object (self, type, answer, error);
}

/* Saves @object: POST @create_path when it is new (id 0), else PUT @update_prefix/id. */
static gpointer
save_object (LanyardRemoteStore  *self,
             GObject             *object,
             gint64               id,
             const char          *create_path,
             const char          *update_prefix,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(JsonNode) body = lanyard_json_from_object (object);
  g_autofree char *path = NULL;

  if (id == 0)
    return call_for_object (self, "POST", create_path, body, G_OBJECT_TYPE (object), cancellable, error);

  path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, update_prefix, id);
  return call_for_object (self, "PUT", path, body, G_OBJECT_TYPE (object), cancellable, error);
}

static gboolean
delete_record (LanyardRemoteStore  *self,
               const char          *prefix,
               gint64               id,
               GCancellable        *cancellable,
               GError             **error)
{
  g_autofree char *path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, prefix, id);

  return remote_call (self, "DELETE", path, NULL, NULL, cancellable, error);
}

static char *
facility_path (gint64      facility_id,
               const char *rest)
{
  return g_strdup_printf ("/facilities/%" G_GINT64_FORMAT "%s", facility_id, rest);
}

/* ------------------------------------------------------------------------ */
/* Facilities, doors, scopes, rules                                          */
/* ------------------------------------------------------------------------ */

static GPtrArray *
lanyard_remote_store_list_facilities (LanyardStore  *store,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  return get_objects (LANYARD_REMOTE_STORE (store), LANYARD_TYPE_FACILITY, "/facilities", cancellable, error);
}

static LanyardFacility *
lanyard_remote_store_save_facility (LanyardStore     *store,
                                    LanyardFacility  *facility,
                                    GCancellable     *cancellable,
                                    GError          **error)
{
  return save_object (LANYARD_REMOTE_STORE (store), G_OBJECT (facility), lanyard_facility_get_id (facility),
                      "/facilities", "/facilities", cancellable, error);
}

static GPtrArray *
lanyard_remote_store_list_doors (LanyardStore  *store,
                                 gint64         facility_id,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autofree char *path = facility_path (facility_id, "/doors");

  return get_objects (LANYARD_REMOTE_STORE (store), LANYARD_TYPE_DOOR, path, cancellable, error);
}

static LanyardDoor *
lanyard_remote_store_save_door (LanyardStore  *store,
                                LanyardDoor   *door,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autofree char *create = facility_path (lanyard_door_get_facility_id (door), "/doors");

  return save_object (LANYARD_REMOTE_STORE (store), G_OBJECT (door), lanyard_door_get_id (door),
                      create, "/doors", cancellable, error);
}

static gboolean
lanyard_remote_store_delete_door (LanyardStore  *store,
                                  gint64         door_id,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  return delete_record (LANYARD_REMOTE_STORE (store), "/doors", door_id, cancellable, error);
}

static GPtrArray *
lanyard_remote_store_list_scopes (LanyardStore  *store,
                                  gint64         facility_id,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autofree char *path = facility_path (facility_id, "/scopes");

  return get_objects (LANYARD_REMOTE_STORE (store), LANYARD_TYPE_SCOPE, path, cancellable, error);
}

static LanyardScope *
lanyard_remote_store_save_scope (LanyardStore  *store,
                                 LanyardScope  *scope,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autofree char *create = facility_path (lanyard_scope_get_facility_id (scope), "/scopes");

  return save_object (LANYARD_REMOTE_STORE (store), G_OBJECT (scope), lanyard_scope_get_id (scope),
                      create, "/scopes", cancellable, error);
}

static gboolean
lanyard_remote_store_delete_scope (LanyardStore  *store,
                                   gint64         scope_id,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  return delete_record (LANYARD_REMOTE_STORE (store), "/scopes", scope_id, cancellable, error);
}

static GPtrArray *
lanyard_remote_store_list_rules (LanyardStore  *store,
                                 gint64         facility_id,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autofree char *path = facility_path (facility_id, "/rules");

  return get_objects (LANYARD_REMOTE_STORE (store), LANYARD_TYPE_ACCESS_RULE, path, cancellable, error);
}

static LanyardAccessRule *
lanyard_remote_store_save_rule (LanyardStore       *store,
                                LanyardAccessRule  *rule,
                                GCancellable       *cancellable,
                                GError            **error)
{
  g_autofree char *create = facility_path (lanyard_access_rule_get_facility_id (rule), "/rules");

  return save_object (LANYARD_REMOTE_STORE (store), G_OBJECT (rule), lanyard_access_rule_get_id (rule),
                      create, "/rules", cancellable, error);
}

static gboolean
lanyard_remote_store_delete_rule (LanyardStore  *store,
                                  gint64         rule_id,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  return delete_record (LANYARD_REMOTE_STORE (store), "/rules", rule_id, cancellable, error);
}

/* ------------------------------------------------------------------------ */
/* People                                                                    */
/* ------------------------------------------------------------------------ */

static LanyardPerson *
lanyard_remote_store_get_person (LanyardStore  *store,
                                 gint64         person_id,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autofree char *path = g_strdup_printf ("/people/%" G_GINT64_FORMAT, person_id);

  return call_for_object (LANYARD_REMOTE_STORE (store), "GET", path, NULL, LANYARD_TYPE_PERSON,
                          cancellable, error);
}

static LanyardPerson *
lanyard_remote_store_find_duplicate (LanyardStore  *store,
                                     gint64         facility_id,
                                     const char    *phone,
                                     const char    *email,
                                     gint64         except_id,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  LanyardRemoteStore *self = LANYARD_REMOTE_STORE (store);
  g_autofree char *trimmed = email ? g_strstrip (g_strdup (email)) : NULL;
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) local_error = NULL;

  /* Nothing to compare, as the SQLite store decides without looking. */
  if ((phone == NULL || *phone == '\0') && (trimmed == NULL || *trimmed == '\0'))
    return NULL;

  g_string_printf (path, "/facilities/%" G_GINT64_FORMAT "/people/duplicate", facility_id);
  if (phone != NULL && *phone != '\0')
    append_param (path, "phone", phone);
  if (email != NULL && *email != '\0')
    append_param (path, "email", email);
  if (except_id != 0)
    append_int_param (path, "except", except_id);

  /* 404 is the route's "there is none": no error, as in the SQLite store. */
  if (!remote_call (self, "GET", path->str, NULL, &answer, cancellable, &local_error))
    {
      if (!g_error_matches (local_error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return answer_to_object (self, LANYARD_TYPE_PERSON, answer, error);
}

static LanyardPerson *
lanyard_remote_store_save_person (LanyardStore   *store,
                                  LanyardPerson  *person,
                                  GCancellable   *cancellable,
                                  GError        **error)
{
  g_autofree char *create = facility_path (lanyard_person_get_facility_id (person), "/people");

  return save_object (LANYARD_REMOTE_STORE (store), G_OBJECT (person), lanyard_person_get_id (person),
                      create, "/people", cancellable, error);
}

/* docs/api.md: lanyardd refuses bodies over 16 MiB (413); about 20,000 people of a typical import. */
#define MAX_BATCH_BODY_SIZE (16 * 1024 * 1024)

static guint
post_batch (LanyardRemoteStore  *self,
            const char          *path,
            JsonObject          *body,
            guint                n_people,
            const char          *count_member,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(JsonNode) node = node_new_object (body);
  g_autoptr(GBytes) bytes = node_to_bytes (node);
  g_autoptr(JsonNode) answer = NULL;
  guint count = 0;

  /* Said here, before anything is sent, rather than as the server's 413 after sending it all. */
  if (g_bytes_get_size (bytes) > MAX_BATCH_BODY_SIZE)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   ngettext ("An import of %u person is too large to send to the server at once; split the file",
                             "An import of %u people is too large to send to the server at once; split the file",
                             n_people),
                   n_people);
      return 0;
    }

  if (!remote_call_bytes (self, "POST", path, bytes, &answer, cancellable, error) ||
      !read_count (answer, count_member, self->endpoint.server, &count, error))
    return 0;

  return count;
}

static guint
lanyard_remote_store_create_people (LanyardStore  *store,
                                    gint64         facility_id,
                                    GPtrArray     *people,
                                    GPtrArray     *grants,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autofree char *path = facility_path (facility_id, "/people/batch");

  return post_batch (LANYARD_REMOTE_STORE (store), path, batch_body (people, grants), people->len, "created",
                     cancellable, error);
}

static guint
lanyard_remote_store_import_people (LanyardStore  *store,
                                    gint64         facility_id,
                                    GPtrArray     *people,
                                    GPtrArray     *grants,
                                    const char    *label,
                                    const char    *summary,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autofree char *path = facility_path (facility_id, "/people/import");
  g_autoptr(JsonNode) summary_node = json_from_string (summary, NULL);
  JsonObject *body = batch_body (people, grants);

  json_object_set_string_member (body, "label", label);
  /* The summary is JSON text; it travels as the object it holds (text that is not one, as text). */
  if (summary_node != NULL && JSON_NODE_HOLDS_OBJECT (summary_node))
    json_object_set_member (body, "summary", g_steal_pointer (&summary_node));
  else
    json_object_set_string_member (body, "summary", summary);

  return post_batch (LANYARD_REMOTE_STORE (store), path, body, people->len, "imported", cancellable, error);
}

static guint
post_ids (LanyardRemoteStore  *self,
          const char          *path,
          JsonNode            *body,
          const char          *count_member,
          GCancellable        *cancellable,
          GError             **error)
{
  g_autoptr(JsonNode) answer = NULL;
  guint count = 0;

  if (!remote_call (self, "POST", path, body, &answer, cancellable, error) ||
      !read_count (answer, count_member, self->endpoint.server, &count, error))
    return 0;

  return count;
}

static guint
lanyard_remote_store_delete_people (LanyardStore  *store,
                                    const gint64  *person_ids,
                                    guint          n_people,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autoptr(JsonNode) body = ids_body (person_ids, n_people);

  return post_ids (LANYARD_REMOTE_STORE (store), "/people/delete", body, "deleted", cancellable, error);
}

static guint
lanyard_remote_store_set_access_enabled (LanyardStore  *store,
                                         const gint64  *person_ids,
                                         guint          n_people,
                                         gboolean       enabled,
                                         GCancellable  *cancellable,
                                         GError       **error)
{
  g_autoptr(JsonNode) body = ids_body (person_ids, n_people);

  json_object_set_boolean_member (json_node_get_object (body), "enabled", enabled);
  return post_ids (LANYARD_REMOTE_STORE (store), "/people/access", body, "changed", cancellable, error);
}

static LanyardPeoplePage *
lanyard_remote_store_query_people (LanyardStore              *store,
                                   const LanyardPeopleQuery  *query,
                                   const char                *cursor,
                                   guint                      limit,
                                   GCancellable              *cancellable,
                                   GError                   **error)
{
  LanyardRemoteStore *self = LANYARD_REMOTE_STORE (store);
  g_autoptr(JsonNode) query_node = lanyard_json_from_people_query (query);
  g_autoptr(GString) path = g_string_sized_new (128);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  LanyardPeoplePage *page;

  /*
   * Cursors are never empty. The server reads an empty parameter as none
   * given (the first page); the store contract calls "" a bad cursor, so
   * it is refused here, as the SQLite store refuses it.
   */
  if (cursor != NULL && *cursor == '\0')
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” is not a page cursor of this list; start again from the first page"), cursor);
      return NULL;
    }

  g_string_printf (path, "/facilities/%" G_GINT64_FORMAT "/people", query->facility_id);
  append_params_from_object (path, json_node_get_object (query_node), "facility-id");
  if (cursor != NULL)
    append_param (path, "cursor", cursor);
  if (limit != 0)
    append_int_param (path, "limit", MIN (limit, MAX_PAGE_SIZE));

  if (!remote_call (self, "GET", path->str, NULL, &answer, cancellable, error))
    return NULL;

  if (!(page = lanyard_json_to_people_page (answer, &local_error)))
    set_bad_answer_error (error, self->endpoint.server, local_error);

  return page;
}

static gboolean
lanyard_remote_store_count_people (LanyardStore         *store,
                                   gint64                facility_id,
                                   LanyardPeopleCounts  *out_counts,
                                   GCancellable         *cancellable,
                                   GError              **error)
{
  LanyardRemoteStore *self = LANYARD_REMOTE_STORE (store);
  g_autofree char *path = facility_path (facility_id, "/people/counts");
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!remote_call (self, "GET", path, NULL, &answer, cancellable, error))
    return FALSE;

  if (!lanyard_json_to_people_counts (answer, out_counts, &local_error))
    {
      set_bad_answer_error (error, self->endpoint.server, local_error);
      return FALSE;
    }

  return TRUE;
}

static GPtrArray *
lanyard_remote_store_list_facet_values (LanyardStore  *store,
                                        gint64         facility_id,
                                        LanyardFacet   facet,
                                        GCancellable  *cancellable,
                                        GError       **error)
{
  LanyardRemoteStore *self = LANYARD_REMOTE_STORE (store);
  g_autoptr(GEnumClass) facets = g_type_class_ref (LANYARD_TYPE_FACET);
  GEnumValue *value = g_enum_get_value (facets, facet);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *values;

  if (value == NULL)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("There is no filter number %d"), (int)facet);
      return NULL;
    }

  path = g_strdup_printf ("/facilities/%" G_GINT64_FORMAT "/people/facets/%s", facility_id, value->value_nick);
  if (!remote_call (self, "GET", path, NULL, &answer, cancellable, error))
    return NULL;

  if (!(values = lanyard_json_to_facet_values (answer, &local_error)))
    set_bad_answer_error (error, self->endpoint.server, local_error);

  return values;
}

/* ------------------------------------------------------------------------ */
/* Grants and decisions                                                      */
/* ------------------------------------------------------------------------ */

static GPtrArray *
lanyard_remote_store_list_grants (LanyardStore  *store,
                                  gint64         person_id,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autofree char *path = g_strdup_printf ("/people/%" G_GINT64_FORMAT "/grants", person_id);

  return get_objects (LANYARD_REMOTE_STORE (store), LANYARD_TYPE_GRANT, path, cancellable, error);
}

static LanyardPerson *
lanyard_remote_store_set_grants (LanyardStore  *store,
                                 gint64         person_id,
                                 gint64         person_version,
                                 GPtrArray     *grants,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autofree char *path = g_strdup_printf ("/people/%" G_GINT64_FORMAT "/grants", person_id);
  JsonObject *object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;

  json_object_set_int_member (object, "person-version", person_version);
  json_object_set_member (object, "grants", lanyard_json_from_objects (grants));
  body = node_new_object (object);

  return call_for_object (LANYARD_REMOTE_STORE (store), "PUT", path, body, LANYARD_TYPE_PERSON,
                          cancellable, error);
}

static LanyardDecisionReport *
lanyard_remote_store_decide (LanyardStore  *store,
                             gint64         person_id,
                             gint64         door_id,
                             gint64         instant_usec,
                             GCancellable  *cancellable,
                             GError       **error)
{
  LanyardRemoteStore *self = LANYARD_REMOTE_STORE (store);
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  LanyardDecisionReport *report;

  g_string_printf (path, "/people/%" G_GINT64_FORMAT "/decision", person_id);
  append_int_param (path, "door", door_id);
  /* Always the caller's instant: "at" left out would mean the server's now. */
  append_int_param (path, "at", instant_usec);

  if (!remote_call (self, "GET", path->str, NULL, &answer, cancellable, error))
    return NULL;

  if (!(report = lanyard_json_to_decision_report (answer, &local_error)))
    set_bad_answer_error (error, self->endpoint.server, local_error);

  return report;
}

/* ------------------------------------------------------------------------ */
/* Audit and settings                                                        */
/* ------------------------------------------------------------------------ */

static GPtrArray *
lanyard_remote_store_list_audit (LanyardStore             *store,
                                 const LanyardAuditQuery  *query,
                                 GCancellable             *cancellable,
                                 GError                  **error)
{
  LanyardAuditQuery clamped = *query;
  g_autoptr(JsonNode) query_node = NULL;
  g_autoptr(GString) path = g_string_new ("/audit");

  /* The server takes up to 1000 and refuses more; the SQLite store reads more as 1000. */
  clamped.limit = MIN (clamped.limit, MAX_AUDIT_LIMIT);
  query_node = lanyard_json_from_audit_query (&clamped);
  append_params_from_object (path, json_node_get_object (query_node), NULL);
  return get_objects (LANYARD_REMOTE_STORE (store), LANYARD_TYPE_AUDIT_EVENT, path->str, cancellable, error);
}

static char *
lanyard_remote_store_dup_phone_region (LanyardStore *store)
{
  LanyardRemoteStore *self = LANYARD_REMOTE_STORE (store);
  char *region;

  g_mutex_lock (&self->lock);
  region = g_strdup (self->phone_region);
  g_mutex_unlock (&self->lock);

  return region;
}

static void
set_cached_region (LanyardRemoteStore *self,
                   const char         *region)
{
  g_autofree char *old = NULL;

  g_mutex_lock (&self->lock);
  old = g_steal_pointer (&self->phone_region);
  self->phone_region = g_ascii_strup (region, -1);
  g_mutex_unlock (&self->lock);
}

/* The region in a {"region": "DE"} answer. */
static gboolean
read_region (LanyardRemoteStore  *self,
             JsonNode            *answer,
             GError             **error)
{
  const char *region = NULL;

  if (JSON_NODE_HOLDS_OBJECT (answer))
    region = get_string_member (json_node_get_object (answer), "region");

  if (region == NULL || !lanyard_phone_region_is_known (region))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                   _("%s sent an answer Lanyard cannot read: “%s” must be a region code"),
                   self->endpoint.server, "region");
      return FALSE;
    }

  set_cached_region (self, region);
  return TRUE;
}

static gboolean
lanyard_remote_store_set_phone_region (LanyardStore  *store,
                                       const char    *region,
                                       GCancellable  *cancellable,
                                       GError       **error)
{
  LanyardRemoteStore *self = LANYARD_REMOTE_STORE (store);
  JsonObject *object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;

  /* NULL is sent as "" so that the server refuses it as the SQLite store does. */
  json_object_set_string_member (object, "region", region ? region : "");
  body = node_new_object (object);

  return remote_call (self, "PUT", "/settings/phone-region", body, &answer, cancellable, error) &&
         read_region (self, answer, error);
}

/* ------------------------------------------------------------------------ */
/* Connecting and signing in                                                 */
/* ------------------------------------------------------------------------ */

/* A token is printable ASCII without spaces: anything else would break (or inject) a header. */
static gboolean
check_token (const char  *token,
             GError     **error)
{
  if (token != NULL && *token != '\0')
    {
      const char *p;

      for (p = token; *p != '\0'; p++)
        if (!g_ascii_isgraph (*p))
          break;
      if (*p == '\0')
        return TRUE;
    }

  g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED,
                       _("This sign-in is not valid; sign in again"));
  return FALSE;
}

/* Who the token belongs to: GET /auth/session → {"staff": {"email", "name", …}, "expires-at"}. */
static gboolean
read_session (LanyardRemoteStore  *self,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *staff = NULL;
  JsonNode *member;

  if (!remote_call (self, "GET", "/auth/session", NULL, &answer, cancellable, error))
    return FALSE;

  if (JSON_NODE_HOLDS_OBJECT (answer) &&
      (member = json_object_get_member (json_node_get_object (answer), "staff")) != NULL &&
      JSON_NODE_HOLDS_OBJECT (member))
    staff = json_node_get_object (member);

  if (staff == NULL || get_string_member (staff, "email") == NULL)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                   _("%s sent an answer Lanyard cannot read: “%s” must be a staff member"),
                   self->endpoint.server, "staff");
      return FALSE;
    }

  self->email = g_strdup (get_string_member (staff, "email"));
  self->name = g_strdup (get_string_member (staff, "name"));
  return TRUE;
}

LanyardRemoteStore *
lanyard_remote_store_connect (const char    *url,
                              const char    *token,
                              GTlsDatabase  *tls_database,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(LanyardRemoteStore) self = NULL;
  g_autoptr(JsonNode) answer = NULL;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (!tls_database || G_IS_TLS_DATABASE (tls_database), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (LANYARD_TYPE_REMOTE_STORE, NULL);
  if (!endpoint_parse (url, &self->endpoint, error) || !check_token (token, error))
    return NULL;

  self->session = session_new (tls_database);
  self->authorization = g_strconcat ("Bearer ", token, NULL);

  /* The phone region is kept at hand: dup_phone_region() must not block. */
  if (!read_session (self, cancellable, error) ||
      !remote_call (self, "GET", "/settings/phone-region", NULL, &answer, cancellable, error) ||
      !read_region (self, answer, error))
    return NULL;

  return g_steal_pointer (&self);
}

typedef struct {
  char         *url;
  char         *token;   /* or the email, for sign-in */
  char         *code;
  GTlsDatabase *tls_database;
  guint         retry_after;  /* sign-in: the server's Retry-After with RATE_LIMITED */
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_free (data->url);
  g_free (data->token);
  g_free (data->code);
  g_clear_object (&data->tls_database);
  g_free (data);
}

static ConnectData *
connect_data_new (const char   *url,
                  const char   *token,
                  const char   *code,
                  GTlsDatabase *tls_database)
{
  ConnectData *data = g_new0 (ConnectData, 1);

  data->url = g_strdup (url);
  data->token = g_strdup (token);
  data->code = g_strdup (code);
  data->tls_database = tls_database ? g_object_ref (tls_database) : NULL;

  return data;
}

static void
connect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ConnectData *data = task_data;
  GError *error = NULL;
  LanyardRemoteStore *store;

  store = lanyard_remote_store_connect (data->url, data->token, data->tls_database, cancellable, &error);
  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
lanyard_remote_store_connect_async (const char          *url,
                                    const char          *token,
                                    GTlsDatabase        *tls_database,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (url != NULL);
  g_return_if_fail (!tls_database || G_IS_TLS_DATABASE (tls_database));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_remote_store_connect_async);
  g_task_set_task_data (task, connect_data_new (url, token, NULL, tls_database), (GDestroyNotify)connect_data_free);
  g_task_run_in_thread (task, connect_thread);
}

LanyardRemoteStore *
lanyard_remote_store_connect_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_remote_store_connect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
lanyard_remote_store_get_url (LanyardRemoteStore *self)
{
  g_return_val_if_fail (LANYARD_IS_REMOTE_STORE (self), NULL);

  return self->endpoint.url;
}

const char *
lanyard_remote_store_get_email (LanyardRemoteStore *self)
{
  g_return_val_if_fail (LANYARD_IS_REMOTE_STORE (self), NULL);

  return self->email;
}

const char *
lanyard_remote_store_get_name (LanyardRemoteStore *self)
{
  g_return_val_if_fail (LANYARD_IS_REMOTE_STORE (self), NULL);

  return self->name;
}

gboolean
lanyard_remote_store_sign_out (LanyardRemoteStore  *self,
                               GCancellable        *cancellable,
                               GError             **error)
{
  g_return_val_if_fail (LANYARD_IS_REMOTE_STORE (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  return remote_call (self, "DELETE", "/auth/session", NULL, NULL, cancellable, error);
}

guint
lanyard_remote_store_get_n_connections (LanyardRemoteStore *self)
{
  guint n;

  g_return_val_if_fail (LANYARD_IS_REMOTE_STORE (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_connections;
  g_mutex_unlock (&self->lock);

  return n;
}

/* One sign-in request on a session of its own: there is no store yet. */
static gboolean
sign_in_request (ConnectData   *data,
                 const char    *path,
                 JsonNode      *body,
                 JsonNode     **out_answer,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_auto(Endpoint) endpoint = { 0 };
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (!endpoint_parse (data->url, &endpoint, error))
    return FALSE;

  session = session_new (data->tls_database);
  bytes = node_to_bytes (body);
  return send_request (session, &endpoint, NULL, "POST", path, bytes, out_answer, NULL, &data->retry_after,
                       cancellable, error);
}

static void
request_code_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ConnectData *data = task_data;
  JsonObject *object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  GError *error = NULL;

  json_object_set_string_member (object, "email", data->token);
  body = node_new_object (object);

  if (sign_in_request (data, "/auth/code", body, NULL, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
lanyard_remote_request_code_async (const char          *url,
                                   const char          *email,
                                   GTlsDatabase        *tls_database,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (url != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (!tls_database || G_IS_TLS_DATABASE (tls_database));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_remote_request_code_async);
  g_task_set_task_data (task, connect_data_new (url, email, NULL, tls_database), (GDestroyNotify)connect_data_free);
  g_task_run_in_thread (task, request_code_thread);
}

gboolean
lanyard_remote_request_code_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_remote_request_code_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
exchange_code_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  ConnectData *data = task_data;
  JsonObject *object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;
  const char *token = NULL;

  json_object_set_string_member (object, "email", data->token);
  json_object_set_string_member (object, "code", data->code);
  body = node_new_object (object);

  if (!sign_in_request (data, "/auth/token", body, &answer, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (answer))
    token = get_string_member (json_node_get_object (answer), "token");
  if (token == NULL || !check_token (token, NULL))
    {
      g_task_return_new_error (task, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                               _("The server sent an answer Lanyard cannot read: “%s” must be a token"), "token");
      return;
    }

  g_task_return_pointer (task, g_strdup (token), g_free);
}

void
lanyard_remote_exchange_code_async (const char          *url,
                                    const char          *email,
                                    const char          *code,
                                    GTlsDatabase        *tls_database,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (url != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (code != NULL);
  g_return_if_fail (!tls_database || G_IS_TLS_DATABASE (tls_database));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_remote_exchange_code_async);
  g_task_set_task_data (task, connect_data_new (url, email, code, tls_database), (GDestroyNotify)connect_data_free);
  g_task_run_in_thread (task, exchange_code_thread);
}

char *
lanyard_remote_exchange_code_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_remote_exchange_code_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
lanyard_remote_sign_in_get_retry_after (GAsyncResult *result)
{
  ConnectData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_remote_request_code_async ||
                        g_task_get_source_tag (G_TASK (result)) == lanyard_remote_exchange_code_async, 0);

  data = g_task_get_task_data (G_TASK (result));

  return data->retry_after;
}

/* ------------------------------------------------------------------------ */
/* Object                                                                    */
/* ------------------------------------------------------------------------ */

static void
lanyard_remote_store_finalize (GObject *object)
{
  LanyardRemoteStore *self = (LanyardRemoteStore *)object;

  g_clear_object (&self->session);
  endpoint_clear (&self->endpoint);
  g_clear_pointer (&self->authorization, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->phone_region, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (lanyard_remote_store_parent_class)->finalize (object);
}

static void
lanyard_remote_store_class_init (LanyardRemoteStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_remote_store_finalize;
}

static void
lanyard_remote_store_init (LanyardRemoteStore *self)
{
  g_mutex_init (&self->lock);
}

static void
lanyard_remote_store_iface_init (LanyardStoreInterface *iface)
{
  iface->list_facilities = lanyard_remote_store_list_facilities;
  iface->save_facility = lanyard_remote_store_save_facility;
  iface->list_doors = lanyard_remote_store_list_doors;
  iface->save_door = lanyard_remote_store_save_door;
  iface->delete_door = lanyard_remote_store_delete_door;
  iface->list_scopes = lanyard_remote_store_list_scopes;
  iface->save_scope = lanyard_remote_store_save_scope;
  iface->delete_scope = lanyard_remote_store_delete_scope;
  iface->list_rules = lanyard_remote_store_list_rules;
  iface->save_rule = lanyard_remote_store_save_rule;
  iface->delete_rule = lanyard_remote_store_delete_rule;
  iface->get_person = lanyard_remote_store_get_person;
  iface->find_duplicate = lanyard_remote_store_find_duplicate;
  iface->save_person = lanyard_remote_store_save_person;
  iface->create_people = lanyard_remote_store_create_people;
  iface->import_people = lanyard_remote_store_import_people;
  iface->delete_people = lanyard_remote_store_delete_people;
  iface->set_access_enabled = lanyard_remote_store_set_access_enabled;
  iface->query_people = lanyard_remote_store_query_people;
  iface->count_people = lanyard_remote_store_count_people;
  iface->list_facet_values = lanyard_remote_store_list_facet_values;
  iface->list_grants = lanyard_remote_store_list_grants;
  iface->set_grants = lanyard_remote_store_set_grants;
  iface->decide = lanyard_remote_store_decide;
  iface->list_audit = lanyard_remote_store_list_audit;
  iface->dup_phone_region = lanyard_remote_store_dup_phone_region;
  iface->set_phone_region = lanyard_remote_store_set_phone_region;
}
