/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "lanyard-remote-store.h"
#include "lanyard-remote-store-private.h"
#include "lanyard-server-test-utils.h"

/*
 * What the store contract suite (test-store, "remote") cannot show: how
 * the remote store fails when the network or the server does — an
 * unreachable server, one that stops, a revoked sign-in, a call cancelled
 * while it waits, answers that are not Lanyard's — and signing in. Some
 * tests run the real lanyardd in-process; others a fake SoupServer on this
 * thread that answers what a broken server or a proxy would.
 */

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

typedef struct {
  char              *dir;
  LanyardTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = lanyard_test_dir_new ();
  f->server = lanyard_test_server_start (f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, lanyard_test_server_stop);
  lanyard_test_dir_free (f->dir);
}

static LanyardRemoteStore *
connect_admin (Fixture *f)
{
  g_autofree char *token = lanyard_test_server_sign_in (f->server, LANYARD_TEST_ADMIN_EMAIL);
  g_autoptr(GError) error = NULL;
  LanyardRemoteStore *store;

  store = lanyard_remote_store_connect (lanyard_test_server_get_url (f->server), token, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* A loopback port nobody listens on: bound, read and closed again. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}

static void
on_async_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

/* Runs the main context (and what it serves) until @result is set. */
static void
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/* ------------------------------------------------------------------------ */
/* A fake server: answers a broken server or a proxy would give              */

typedef enum {
  FAKE_STALL,            /* never answers (and cancels the test's cancellable) */
  FAKE_HTML,             /* 200 with a web page */
  FAKE_PROXY_DOWN,       /* 502 from a proxy, as a web page */
  FAKE_BARE_401,         /* 401 without a body */
  FAKE_BARE_429,         /* 429 without a body */
  FAKE_REDIRECT,         /* 301 elsewhere */
  FAKE_BAD_RECORD,       /* JSON, but not a list of facilities */
  FAKE_UNKNOWN_CODE,     /* an error document with a code this version does not know */
  FAKE_CONFLICT_412,     /* If-Match failed: 412 with code "conflict" */
} FakeMode;

typedef struct {
  SoupServer   *server;
  char         *url;
  FakeMode      mode;
  GCancellable *cancel_on_request;
  GPtrArray    *paused;     /* SoupServerMessage kept waiting */
  char         *authorization;
} FakeServer;

static void
set_json (SoupServerMessage *msg,
          guint              status,
          const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
fake_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  FakeServer *fake = user_data;
  static const char html[] = "<html><body>Welcome to nginx!</body></html>";

  g_free (fake->authorization);
  fake->authorization = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                                "Authorization"));

  if (strcmp (path, "/api/v1/auth/session") == 0)
    {
      set_json (msg, SOUP_STATUS_OK, "{\"staff\": {\"email\": \"fake@example.org\", \"name\": \"Fay Ke\"}, "
                                     "\"expires-at\": null}");
      return;
    }
  if (strcmp (path, "/api/v1/settings/phone-region") == 0)
    {
      set_json (msg, SOUP_STATUS_OK, "{\"region\": \"AT\"}");
      return;
    }

  switch (fake->mode)
    {
    case FAKE_STALL:
      soup_server_message_pause (msg);
      g_ptr_array_add (fake->paused, g_object_ref (msg));
      if (fake->cancel_on_request != NULL)
        g_cancellable_cancel (fake->cancel_on_request);
      break;
    case FAKE_HTML:
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, html, strlen (html));
      break;
    case FAKE_PROXY_DOWN:
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_GATEWAY, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, html, strlen (html));
      break;
    case FAKE_BARE_401:
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
      break;
    case FAKE_BARE_429:
      soup_server_message_set_status (msg, 429, "Too Many Requests");
      break;
    case FAKE_REDIRECT:
      soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY,
                                        "https://elsewhere.example.org/api/v1/facilities");
      break;
    case FAKE_BAD_RECORD:
      set_json (msg, SOUP_STATUS_OK, "[{\"id\": \"seven\"}]");
      break;
    case FAKE_UNKNOWN_CODE:
      set_json (msg, 418, "{\"error\": {\"code\": \"teapot\", \"message\": \"I am a teapot.\"}}");
      break;
    case FAKE_CONFLICT_412:
      set_json (msg, SOUP_STATUS_PRECONDITION_FAILED,
                "{\"error\": {\"code\": \"conflict\", \"message\": \"Changed meanwhile.\"}, \"current\": {}}");
      break;
    default:
      g_assert_not_reached ();
    }
}

static FakeServer *
fake_server_new (void)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->server = soup_server_new (NULL, NULL);
  fake->paused = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_handler (fake->server, NULL, fake_handler, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);

  uris = soup_server_get_uris (fake->server);
  g_assert_nonnull (uris);
  fake->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  return fake;
}

static void
fake_server_free (FakeServer *fake)
{
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_ptr_array_unref (fake->paused);
  g_clear_object (&fake->cancel_on_request);
  g_free (fake->authorization);
  g_free (fake->url);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

/* Connects to @fake on a worker thread while this thread serves it. */
static LanyardRemoteStore *
fake_connect (FakeServer *fake)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LanyardRemoteStore *store;

  lanyard_remote_store_connect_async (fake->url, "fake-token", NULL, NULL, on_async_done_cb, &result);
  wait_for (&result);
  store = lanyard_remote_store_connect_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

/* list_facilities() against @fake in @mode: the error it ends with. */
static GError *
fake_list_facilities (FakeServer         *fake,
                      LanyardRemoteStore *store,
                      FakeMode            mode,
                      GCancellable       *cancellable)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) facilities = NULL;
  GError *error = NULL;

  fake->mode = mode;
  lanyard_store_list_facilities_async (LANYARD_STORE (store), cancellable, on_async_done_cb, &result);
  wait_for (&result);
  facilities = lanyard_store_list_facilities_finish (LANYARD_STORE (store), result, &error);
  g_assert_null (facilities);
  g_assert_nonnull (error);

  return error;
}

/* ------------------------------------------------------------------------ */
/* Addresses                                                                 */

static void
test_url_checked (void)
{
  static const char * const invalid[] = {
    "http://lanyard.example.org",     /* plain http beyond this computer */
    "http://192.168.1.20:8080",
    "ftp://lanyard.example.org",
    "lanyard.example.org",
    "https://",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardRemoteStore) store = lanyard_remote_store_connect (invalid[i], "token", NULL, NULL, &error);

      g_assert_null (store);
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
      if (i < 2 && strstr (error->message, "https") == NULL)
        g_error ("“%s”: “%s” does not say to use https", invalid[i], error->message);
    }

  /* IPv6 loopback counts as this computer: refused for want of a server, not for plain http. */
  {
    g_autofree char *url = g_strdup_printf ("http://[::1]:%u/", closed_port ());
    g_autoptr(GError) error = NULL;
    g_autoptr(LanyardRemoteStore) store = lanyard_remote_store_connect (url, "token", NULL, NULL, &error);

    g_assert_null (store);
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE);
    g_assert_nonnull (strstr (error->message, "[::1]:"));
  }

  /* Sign-in refuses the same before sending an email address in clear. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    lanyard_remote_request_code_async ("http://lanyard.example.org", LANYARD_TEST_ADMIN_EMAIL, NULL, NULL,
                                       on_async_done_cb, &result);
    wait_for (&result);
    g_assert_false (lanyard_remote_request_code_finish (result, &error));
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  }
}

static void
test_url_loopback (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *token = lanyard_test_server_sign_in (f->server, LANYARD_TEST_ADMIN_EMAIL);
  const char *url = lanyard_test_server_get_url (f->server);
  const char *port = strrchr (url, ':');
  g_autofree char *slashed = g_strconcat (url, "/", NULL);
  g_autofree char *localhost = g_strconcat ("http://localhost", port, NULL);
  const char *urls[] = { url, slashed, localhost };

  /* Plain http to this computer is fine, in any spelling; the URL is kept without a trailing slash. */
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardRemoteStore) store = lanyard_remote_store_connect (urls[i], token, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (lanyard_remote_store_get_url (store), ==, i == 2 ? localhost : url);
      g_assert_cmpstr (lanyard_remote_store_get_email (store), ==, LANYARD_TEST_ADMIN_EMAIL);
    }
}

/* ------------------------------------------------------------------------ */
/* A server that cannot be reached                                           */

static void
test_unreachable (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardRemoteStore) store = lanyard_remote_store_connect (url, "token", NULL, NULL, &error);

  g_assert_null (store);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE);
  /* A sentence that names the server. */
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_test_message ("%s", error->message);
}

static void
test_server_stopped (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(LanyardRemoteStore) store = connect_admin (f);
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *region = NULL;

  facilities = lanyard_store_list_facilities (LANYARD_STORE (store), NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&facilities, g_ptr_array_unref);

  /* The kept-alive connection goes with the server: the next call cannot reach it. */
  g_clear_pointer (&f->server, lanyard_test_server_stop);
  facilities = lanyard_store_list_facilities (LANYARD_STORE (store), NULL, &error);
  g_assert_null (facilities);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_clear_error (&error);

  /* What the store keeps at hand is still there. */
  region = lanyard_store_dup_phone_region (LANYARD_STORE (store));
  g_assert_nonnull (region);

  /*
   * A server started again over the same file would come up on another port
   * (and the harness creates its administrator anew, which fails on an
   * existing file), so "works again after a restart" is not checked here.
   */
}

/* ------------------------------------------------------------------------ */
/* Signing in and out                                                        */

static void
test_bad_token (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardRemoteStore) store = NULL;

  store = lanyard_remote_store_connect (lanyard_test_server_get_url (f->server),
                                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                        NULL, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);

  /* Not even sent: a token that would break the header. */
  store = lanyard_remote_store_connect (lanyard_test_server_get_url (f->server), "abc\r\nX-Evil: 1",
                                        NULL, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
}

static void
test_revoked_token (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LanyardRemoteStore) store = connect_admin (f);
  g_autoptr(LanyardRemoteStore) other = connect_admin (f);
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GError) error = NULL;

  /* Signing out revokes this store's token, and only this one. */
  g_assert_true (lanyard_remote_store_sign_out (store, NULL, &error));
  g_assert_no_error (error);

  facilities = lanyard_store_list_facilities (LANYARD_STORE (store), NULL, &error);
  g_assert_null (facilities);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);

  facilities = lanyard_store_list_facilities (LANYARD_STORE (other), NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&facilities, g_ptr_array_unref);

  /* A deactivated account's tokens fail at once. */
  g_assert_true (lanyard_auth_set_active (lanyard_test_server_get_auth (f->server), LANYARD_TEST_ADMIN_EMAIL,
                                          FALSE, &error));
  g_assert_no_error (error);
  facilities = lanyard_store_list_facilities (LANYARD_STORE (other), NULL, &error);
  g_assert_null (facilities);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
}

static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  const char *url = lanyard_test_server_get_url (f->server);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;

  /* Asking for a code: the same answer for an account and for an unknown email. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;

      lanyard_remote_request_code_async (url, i == 0 ? LANYARD_TEST_ADMIN_EMAIL : "nobody@example.org", NULL, NULL,
                                         on_async_done_cb, &result);
      wait_for (&result);
      g_assert_true (lanyard_remote_request_code_finish (result, &error));
      g_assert_no_error (error);
    }

  /* The code the mail would carry (issued anew: the mail is not read here). */
  code = lanyard_auth_issue_code (lanyard_test_server_get_auth (f->server), LANYARD_TEST_ADMIN_EMAIL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (code);

  /* A wrong code is refused as a failed sign-in… */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *none = NULL;
    const char *wrong = g_str_equal (code, "00000000") ? "11111111" : "00000000";

    lanyard_remote_exchange_code_async (url, LANYARD_TEST_ADMIN_EMAIL, wrong, NULL, NULL, on_async_done_cb, &result);
    wait_for (&result);
    none = lanyard_remote_exchange_code_finish (result, &error);
    g_assert_null (none);
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
    g_clear_error (&error);
  }

  /* …the right one gives a token the store connects with. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    lanyard_remote_exchange_code_async (url, LANYARD_TEST_ADMIN_EMAIL, code, NULL, NULL, on_async_done_cb, &result);
    wait_for (&result);
    token = lanyard_remote_exchange_code_finish (result, &error);
    g_assert_no_error (error);
    g_assert_nonnull (token);
  }

  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(LanyardRemoteStore) store = NULL;

    lanyard_remote_store_connect_async (url, token, NULL, NULL, on_async_done_cb, &result);
    wait_for (&result);
    store = lanyard_remote_store_connect_finish (result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (lanyard_remote_store_get_email (store), ==, LANYARD_TEST_ADMIN_EMAIL);
  }

  /* A code is good once. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *again = NULL;

    lanyard_remote_exchange_code_async (url, LANYARD_TEST_ADMIN_EMAIL, code, NULL, NULL, on_async_done_cb, &result);
    wait_for (&result);
    again = lanyard_remote_exchange_code_finish (result, &error);
    g_assert_null (again);
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED);
  }
}

static void
test_sign_in_rate_limited (Fixture       *f,
                           gconstpointer  data)
{
  const char *url = lanyard_test_server_get_url (f->server);
  g_autoptr(GError) error = NULL;
  guint i;

  /* docs/api.md: at most 5 codes per email in 15 minutes. */
  for (i = 0; i < 10; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;

      lanyard_remote_request_code_async (url, LANYARD_TEST_ADMIN_EMAIL, NULL, NULL, on_async_done_cb, &result);
      wait_for (&result);
      if (!lanyard_remote_request_code_finish (result, &error))
        break;
    }

  g_assert_cmpuint (i, ==, 5);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED);
}

/* ------------------------------------------------------------------------ */
/* Connections                                                               */

static void
test_keep_alive (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(LanyardRemoteStore) store = connect_admin (f);
  g_autoptr(GError) error = NULL;

  /* Connecting and a hundred calls after it: one connection. */
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GPtrArray) facilities = lanyard_store_list_facilities (LANYARD_STORE (store), NULL, &error);

      g_assert_no_error (error);
    }

  g_assert_cmpuint (lanyard_remote_store_get_n_connections (store), ==, 1);
}

/* Calls from several threads at once share the session (libsoup ≥ 3.2). */
static gpointer
call_many_thread (gpointer data)
{
  LanyardStore *store = data;

  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) facilities = lanyard_store_list_facilities (store, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (facilities);
    }

  return NULL;
}

static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(LanyardRemoteStore) store = connect_admin (f);
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("caller", call_many_thread, store);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  /* No more connections than calls overlapped. */
  g_assert_cmpuint (lanyard_remote_store_get_n_connections (store), <=, G_N_ELEMENTS (threads));
}

/* ------------------------------------------------------------------------ */
/* Cancellation and answers that are not Lanyard's                           */

static void
test_cancel (void)
{
  g_autoptr(FakeServer) fake = fake_server_new ();
  g_autoptr(LanyardRemoteStore) store = fake_connect (fake);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  /* What connect read. */
  g_assert_cmpstr (lanyard_remote_store_get_email (store), ==, "fake@example.org");
  g_assert_cmpstr (lanyard_remote_store_get_name (store), ==, "Fay Ke");
  g_assert_cmpstr (fake->authorization, ==, "Bearer fake-token");
  {
    g_autofree char *region = lanyard_store_dup_phone_region (LANYARD_STORE (store));
    g_assert_cmpstr (region, ==, "AT");
  }

  /* Cancelled before it starts. */
  g_cancellable_cancel (cancellable);
  error = fake_list_facilities (fake, store, FAKE_STALL, cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fake->paused->len, ==, 0);
  g_clear_error (&error);

  /* Cancelled while the server sits on it: the server cancels as soon as it has the request. */
  fake->cancel_on_request = g_cancellable_new ();
  error = fake_list_facilities (fake, store, FAKE_STALL, fake->cancel_on_request);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fake->paused->len, ==, 1);
}

static void
test_not_lanyard (void)
{
  g_autoptr(FakeServer) fake = fake_server_new ();
  g_autoptr(LanyardRemoteStore) store = fake_connect (fake);
  static const struct {
    FakeMode          mode;
    int               code;
    const char       *message_part;
  } cases[] = {
    { FAKE_HTML, LANYARD_STORE_ERROR_FAILED, "not JSON" },
    { FAKE_PROXY_DOWN, LANYARD_STORE_ERROR_UNAVAILABLE, "502" },
    { FAKE_BARE_401, LANYARD_STORE_ERROR_UNAUTHENTICATED, "sign in again" },
    { FAKE_BARE_429, LANYARD_STORE_ERROR_RATE_LIMITED, "try again" },
    { FAKE_REDIRECT, LANYARD_STORE_ERROR_FAILED, "https://elsewhere.example.org" },
    { FAKE_BAD_RECORD, LANYARD_STORE_ERROR_FAILED, "[0].id" },
    { FAKE_UNKNOWN_CODE, LANYARD_STORE_ERROR_FAILED, "I am a teapot." },
    { FAKE_CONFLICT_412, LANYARD_STORE_ERROR_CONFLICT, "Changed meanwhile." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = fake_list_facilities (fake, store, cases[i].mode, NULL);

      g_assert_error (error, LANYARD_STORE_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].message_part) == NULL)
        g_error ("case %u: “%s” does not mention “%s”", i, error->message, cases[i].message_part);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/remote-store/url/checked", test_url_checked);
  g_test_add ("/remote-store/url/loopback", Fixture, NULL, fixture_set_up, test_url_loopback, fixture_tear_down);
  g_test_add_func ("/remote-store/unreachable", test_unreachable);
  g_test_add ("/remote-store/server-stopped", Fixture, NULL, fixture_set_up, test_server_stopped, fixture_tear_down);
  g_test_add ("/remote-store/auth/bad-token", Fixture, NULL, fixture_set_up, test_bad_token, fixture_tear_down);
  g_test_add ("/remote-store/auth/revoked-token", Fixture, NULL, fixture_set_up, test_revoked_token, fixture_tear_down);
  g_test_add ("/remote-store/auth/sign-in", Fixture, NULL, fixture_set_up, test_sign_in, fixture_tear_down);
  g_test_add ("/remote-store/auth/rate-limited", Fixture, NULL, fixture_set_up, test_sign_in_rate_limited,
              fixture_tear_down);
  g_test_add ("/remote-store/keep-alive", Fixture, NULL, fixture_set_up, test_keep_alive, fixture_tear_down);
  g_test_add ("/remote-store/threads", Fixture, NULL, fixture_set_up, test_threads, fixture_tear_down);
  g_test_add_func ("/remote-store/cancel", test_cancel);
  g_test_add_func ("/remote-store/not-lanyard", test_not_lanyard);

  return g_test_run ();
}
