/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include "lanyard-server-test-utils.h"

struct _LanyardTestServer
{
  char               *path;
  char               *url;
  LanyardSqliteStore *store;
  LanyardAuth        *auth;

  /* Owned by the server thread once it runs. */
  GThread            *thread;
  GMainContext       *context;
  GMainLoop          *loop;
  LanyardServer      *server;

  /* The server thread reports that it listens (or failed to). */
  GMutex              lock;
  GCond               cond;
  gboolean            started;
  GError             *error;
};

static gpointer
server_thread (gpointer data)
{
  LanyardTestServer *self = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (self->context);

  self->server = lanyard_server_new (self->store, self->auth);
  if (lanyard_server_listen (self->server, "127.0.0.1", 0, NULL, &error))
    self->url = lanyard_server_dup_url (self->server);

  g_mutex_lock (&self->lock);
  self->started = TRUE;
  self->error = g_steal_pointer (&error);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  if (self->url != NULL)
    g_main_loop_run (self->loop);

  /* Disposed on its own thread and context, where its sources live. */
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

LanyardTestServer *
lanyard_test_server_start (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardStaff) admin = NULL;
  LanyardTestServer *self;

  g_assert_nonnull (dir);

  self = g_new0 (LanyardTestServer, 1);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->path = g_build_filename (dir, "lanyard.db", NULL);

  self->store = lanyard_sqlite_store_open (self->path, &error);
  g_assert_no_error (error);
  lanyard_sqlite_store_set_actor (self->store, "test");
  lanyard_sqlite_store_set_phone_region (self->store, "DE", &error);
  g_assert_no_error (error);

  self->auth = lanyard_auth_new (self->path, NULL, &error);
  g_assert_no_error (error);
  admin = lanyard_auth_create_admin (self->auth, LANYARD_TEST_ADMIN_EMAIL, "Ada Admin", &error);
  g_assert_no_error (error);
  g_assert_nonnull (admin);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("lanyard-test-server", server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  g_assert_no_error (self->error);
  g_assert_nonnull (self->url);

  return self;
}

const char *
lanyard_test_server_get_url (LanyardTestServer *self)
{
  g_assert_nonnull (self);
  return self->url;
}

LanyardSqliteStore *
lanyard_test_server_get_store (LanyardTestServer *self)
{
  g_assert_nonnull (self);
  return self->store;
}

LanyardAuth *
lanyard_test_server_get_auth (LanyardTestServer *self)
{
  g_assert_nonnull (self);
  return self->auth;
}

LanyardServer *
lanyard_test_server_get_server (LanyardTestServer *self)
{
  g_assert_nonnull (self);
  return self->server;
}

char *
lanyard_test_server_sign_in (LanyardTestServer *self,
                             const char        *email)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  char *token;

  g_assert_nonnull (self);
  g_assert_nonnull (email);

  code = lanyard_auth_issue_code (self->auth, email, &error);
  g_assert_no_error (error);
  g_assert_nonnull (code);

  token = lanyard_auth_exchange_code (self->auth, email, code, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  return token;
}

static void
on_shutdown_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  LanyardTestServer *self = user_data;
  g_autoptr(GError) error = NULL;

  lanyard_server_shutdown_finish (LANYARD_SERVER (object), result, &error);
  g_assert_no_error (error);
  g_main_loop_quit (self->loop);
}

static gboolean
shutdown_in_thread_cb (gpointer user_data)
{
  LanyardTestServer *self = user_data;

  lanyard_server_shutdown_async (self->server, 10000, on_shutdown_cb, self);
  return G_SOURCE_REMOVE;
}

void
lanyard_test_server_stop (LanyardTestServer *self)
{
  g_autoptr(GSource) source = NULL;

  if (self == NULL)
    return;

  /* The server belongs to its thread: ask there. */
  source = g_idle_source_new ();
  g_source_set_callback (source, shutdown_in_thread_cb, self, NULL);
  g_source_attach (source, self->context);
  g_thread_join (self->thread);

  g_clear_object (&self->auth);
  g_clear_object (&self->store);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->url);
  g_free (self->path);
  g_free (self);
}
