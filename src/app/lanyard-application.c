/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <glib/gi18n.h>

#include "lanyard-application.h"
#include "lanyard-phone.h"
#include "lanyard-connection.h"
#include "lanyard-remote-store.h"
#include "lanyard-window.h"

struct _LanyardApplication
{
  AdwApplication  parent_instance;

  char           *database_path;
  GSettings      *settings;
  LanyardWindow  *window;         /* the main window shown now (weak) */
  GCancellable   *connect_cancellable;
  char           *notice;         /* to show on the next window, once */
  guint           screenshot_source;
  LanyardWindow  *pending;        /* built, to be presented once it has read its list */
  LanyardWindow  *pending_old;    /* the window it replaces */
  guint           pending_timeout;
  guint           opening : 1;
};

G_DEFINE_FINAL_TYPE (LanyardApplication, lanyard_application, ADW_TYPE_APPLICATION)

/*
 * Opening the store, on a worker thread: it may create the file or migrate
 * it. The facilities are read there too, so that the window can start
 * reading the list as it is built instead of one round trip later.
 */

typedef struct {
  LanyardStore *store;
  GPtrArray    *facilities;   /* NULL when they could not be read: the window tries again and says why */
} OpenedStore;

static void
opened_store_free (OpenedStore *opened)
{
  g_clear_object (&opened->store);
  g_clear_pointer (&opened->facilities, g_ptr_array_unref);
  g_free (opened);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenedStore, opened_store_free)

static void
open_store_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OpenedStore) opened = g_new0 (OpenedStore, 1);

  opened->store = LANYARD_STORE (lanyard_sqlite_store_open (path, &error));
  if (opened->store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  opened->facilities = lanyard_store_list_facilities (opened->store, cancellable, NULL);
  g_task_return_pointer (task, g_steal_pointer (&opened), (GDestroyNotify)opened_store_free);
}

static void
open_store_async (LanyardApplication  *self,
                  const char          *path,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, open_store_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_store_thread);
}

static OpenedStore *
open_store_finish (LanyardApplication  *self,
                   GAsyncResult        *result,
                   GError             **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == open_store_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * LANYARD_SCREENSHOT=file.png: once the window shows what it read, save a
 * picture of it and quit. For looking at the UI from scripts and CI;
 * LANYARD_WINDOW_WIDTH sets the window's width for it.
 */

static gboolean
on_screenshot_timeout_cb (gpointer user_data)
{
  LanyardWindow *window = user_data;
  LanyardApplication *self = LANYARD_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));
  g_autoptr(GError) error = NULL;

  self->screenshot_source = 0;
  if (!lanyard_window_save_screenshot (window, g_getenv ("LANYARD_SCREENSHOT"), &error))
    g_printerr ("%s\n", error->message);

  g_application_quit (G_APPLICATION (self));

  return G_SOURCE_REMOVE;
}

static void
on_window_busy_changed_cb (LanyardWindow      *window,
                           GParamSpec         *pspec,
                           LanyardApplication *self)
{
  if (lanyard_window_get_busy (window))
    return;

  /* Let the stack transitions end and the rows be laid out first. */
  g_clear_handle_id (&self->screenshot_source, g_source_remove);
  self->screenshot_source = g_timeout_add_full (G_PRIORITY_LOW, 750, on_screenshot_timeout_cb,
                                                g_object_ref (window), g_object_unref);
}

static void
lanyard_application_watch_for_screenshot (LanyardApplication *self,
                                          LanyardWindow      *window)
{
  const char *path = g_getenv ("LANYARD_SCREENSHOT");

  if (path == NULL || *path == '\0')
    return;

  /* LANYARD_WINDOW_WIDTH=400: how the window looks when narrow. */
  if (g_getenv ("LANYARD_WINDOW_WIDTH") != NULL)
    {
      int width = 0, height = 0;

      gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
      width = (int)g_ascii_strtoll (g_getenv ("LANYARD_WINDOW_WIDTH"), NULL, 10);
      if (width > 0)
        {
          gtk_window_unmaximize (GTK_WINDOW (window));
          gtk_window_set_default_size (GTK_WINDOW (window), width, height);
        }
    }

  g_signal_connect_object (window, "notify::busy", G_CALLBACK (on_window_busy_changed_cb), self, 0);
  on_window_busy_changed_cb (window, NULL, self);
}

/*
 * LANYARD_PROFILE=1: once the first rows (or the empty state) are painted,
 * print on stderr when that was, on the monotonic clock, so that a script
 * that started the app can tell how long launching took
 * (bench/lanyard-app-bench). LANYARD_PROFILE=quit also quits then.
 */

/*
 * Without a GPU, GTK 4.8 draws with OpenGL through Mesa's llvmpipe, on the
 * same CPU, and sets up an EGL context when it opens an X11 display, which
 * ever renderer draws. Its cairo renderer is faster for this window there
 * (docs/performance.md, 1M people: launch p50 742 ms with GL, 462 ms with
 * cairo; keystroke p95 92 ms against 32 ms). A machine with a GPU has a
 * DRM device in /dev/dri (a Flatpak sees it through --device=dri).
 */
gboolean
lanyard_application_prefer_cairo_without_gpu (const char *dri_dir)
{
  g_autoptr(GDir) dri = NULL;
  const char *name;

  g_return_val_if_fail (dri_dir != NULL, FALSE);

  if (g_getenv ("GSK_RENDERER") != NULL || g_getenv ("GDK_DEBUG") != NULL)
    return FALSE;

  dri = g_dir_open (dri_dir, 0, NULL);
  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    if (g_str_has_prefix (name, "renderD") || g_str_has_prefix (name, "card"))
      return FALSE;

  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GDK_DEBUG", "gl-disable", TRUE);

  return TRUE;
}

/* With LANYARD_PROFILE set, notes on stderr when launching reached @what. */
void
lanyard_application_profile_mark (const char *what)
{
  if (g_getenv ("LANYARD_PROFILE") != NULL)
    g_printerr ("lanyard-profile: %s monotonic-usec=%" G_GINT64_FORMAT "\n", what, g_get_monotonic_time ());
}

static void
on_profile_after_paint_cb (GdkFrameClock *frame_clock,
                           LanyardWindow *window)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));

  g_signal_handlers_disconnect_by_func (frame_clock, on_profile_after_paint_cb, window);

  lanyard_application_profile_mark ("first-rows-painted");

  if (app != NULL && g_strcmp0 (g_getenv ("LANYARD_PROFILE"), "quit") == 0)
    g_application_quit (G_APPLICATION (app));
}

static void on_profile_window_realize_cb (LanyardWindow *window,
                                          gpointer       user_data);

static void
on_profile_busy_changed_cb (LanyardWindow *window,
                            GParamSpec    *pspec,
                            gpointer       user_data)
{
  GdkFrameClock *frame_clock;

  if (lanyard_window_get_busy (window) || !gtk_widget_get_realized (GTK_WIDGET (window)))
    return;

  g_signal_handlers_disconnect_by_func (window, on_profile_busy_changed_cb, NULL);
  g_signal_handlers_disconnect_by_func (window, on_profile_window_realize_cb, NULL);

  /* The rows are in the model now; the next frame paints them. */
  frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect_object (frame_clock, "after-paint", G_CALLBACK (on_profile_after_paint_cb), window, 0);
  gdk_frame_clock_request_phase (frame_clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

static void
on_profile_window_realize_cb (LanyardWindow *window,
                              gpointer       user_data)
{
  on_profile_busy_changed_cb (window, NULL, NULL);
}

static void
lanyard_application_watch_for_profile (LanyardApplication *self,
                                       LanyardWindow      *window)
{
  if (g_getenv ("LANYARD_PROFILE") == NULL)
    return;

  g_signal_connect (window, "notify::busy", G_CALLBACK (on_profile_busy_changed_cb), NULL);
  g_signal_connect (window, "realize", G_CALLBACK (on_profile_window_realize_cb), NULL);
}

/* Opening */

/* How long a new window may wait for its list before it is shown anyway. */
#define PRESENT_WAIT_MS 150

static void on_pending_busy_changed_cb (LanyardWindow      *window,
                                        GParamSpec         *pspec,
                                        LanyardApplication *self);
static void on_pending_destroy_cb      (LanyardWindow      *window,
                                        LanyardApplication *self);

/* Forgets the window waiting to be shown, without showing it. */
static void
lanyard_application_drop_pending (LanyardApplication *self)
{
  g_clear_handle_id (&self->pending_timeout, g_source_remove);
  if (self->pending != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->pending, on_pending_busy_changed_cb, self);
      g_signal_handlers_disconnect_by_func (self->pending, on_pending_destroy_cb, self);
    }
  g_clear_object (&self->pending);
  g_clear_object (&self->pending_old);
}

/* Quitting closes every window, also one not shown yet: it is not shown afterwards. */
static void
on_pending_destroy_cb (LanyardWindow      *window,
                       LanyardApplication *self)
{
  lanyard_application_drop_pending (self);
}

static void
lanyard_application_present_pending (LanyardApplication *self)
{
  g_autoptr(LanyardWindow) window = self->pending != NULL ? g_object_ref (self->pending) : NULL;
  g_autoptr(LanyardWindow) old = self->pending_old != NULL ? g_object_ref (self->pending_old) : NULL;

  if (window == NULL)
    return;

  lanyard_application_drop_pending (self);
  gtk_window_present (GTK_WINDOW (window));

  if (self->notice != NULL)
    {
      g_autofree char *notice = g_steal_pointer (&self->notice);

      lanyard_window_toast (window, notice);
    }

  /* After the new one is up, so that the application never runs out of windows. */
  if (old != NULL && old != window)
    gtk_window_destroy (GTK_WINDOW (old));
}

static void
on_pending_busy_changed_cb (LanyardWindow      *window,
                            GParamSpec         *pspec,
                            LanyardApplication *self)
{
  if (!lanyard_window_get_busy (window))
    lanyard_application_present_pending (self);
}

static gboolean
on_pending_timeout_cb (gpointer user_data)
{
  LanyardApplication *self = user_data;

  self->pending_timeout = 0;
  lanyard_application_present_pending (self);

  return G_SOURCE_REMOVE;
}

/*
 * Shows @window instead of the one shown now, at the same size: switching
 * the connection builds a new window on the new store rather than
 * changing the store under a window, so no row of the old one can stay.
 *
 * The window is shown once it has read its first page and counts (a local
 * database takes a few milliseconds), or after PRESENT_WAIT_MS if the store
 * is slower than that: it then comes up with its rows, styled, measured
 * and painted once, instead of empty and then again with them.
 */
static void
lanyard_application_show_window (LanyardApplication *self,
                                 LanyardWindow      *window)
{
  LanyardWindow *old = self->window;

  /* One window at a time on its way: the one before it goes up now. */
  lanyard_application_present_pending (self);

  if (old != NULL)
    {
      int width = 0, height = 0;

      gtk_window_get_default_size (GTK_WINDOW (old), &width, &height);
      if (width > 0 && height > 0)
        gtk_window_set_default_size (GTK_WINDOW (window), width, height);
      if (gtk_window_is_maximized (GTK_WINDOW (old)))
        gtk_window_maximize (GTK_WINDOW (window));
      else
        gtk_window_unmaximize (GTK_WINDOW (window));
    }

  g_set_weak_pointer (&self->window, window);

  lanyard_application_watch_for_screenshot (self, window);
  lanyard_application_watch_for_profile (self, window);
  lanyard_application_profile_mark ("window-built");

  self->pending = g_object_ref (window);
  self->pending_old = old != NULL ? g_object_ref (old) : NULL;
  if (!lanyard_window_get_busy (window))
    {
      lanyard_application_present_pending (self);
      return;
    }
  g_signal_connect (window, "notify::busy", G_CALLBACK (on_pending_busy_changed_cb), self);
  g_signal_connect (window, "destroy", G_CALLBACK (on_pending_destroy_cb), self);
  self->pending_timeout = g_timeout_add (PRESENT_WAIT_MS, on_pending_timeout_cb, self);
}

static void
lanyard_application_set_notice (LanyardApplication *self,
                                const char         *notice)
{
  g_free (self->notice);
  self->notice = g_strdup (notice);
}

/* Ends the hold of activate(): a window is shown. */
static void
lanyard_application_opened (LanyardApplication *self)
{
  if (!self->opening)
    return;

  self->opening = FALSE;
  g_application_release (G_APPLICATION (self));
}

static void
on_store_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  LanyardApplication *self = LANYARD_APPLICATION (object);
  g_autoptr(OpenedStore) opened = NULL;
  g_autoptr(GError) error = NULL;
  LanyardWindow *window;

  opened = open_store_finish (self, result, &error);
  lanyard_application_profile_mark ("store-opened");

  /* Superseded: the user chose a server meanwhile. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (opened != NULL && opened->facilities != NULL)
    window = lanyard_window_new_with_facilities (GTK_APPLICATION (self), opened->store, opened->facilities);
  else if (opened != NULL)
    window = lanyard_window_new (GTK_APPLICATION (self), opened->store);
  else
    {
      g_debug ("Could not open %s: %s", self->database_path, error->message);
      window = lanyard_window_new_for_error (GTK_APPLICATION (self), self->database_path, error);
    }

  lanyard_application_show_window (self, window);
  lanyard_application_opened (self);
}

/* Connecting */

static void
lanyard_application_cancel_connecting (LanyardApplication *self)
{
  g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
}

static void
lanyard_application_open_local (LanyardApplication *self)
{
  lanyard_application_cancel_connecting (self);
  self->connect_cancellable = g_cancellable_new ();

  g_free (self->database_path);
  self->database_path = lanyard_application_dup_database_path ();
  open_store_async (self, self->database_path, self->connect_cancellable, on_store_opened_cb, NULL);
}

static void
on_server_connected_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(LanyardApplication) self = user_data;
  g_autoptr(LanyardRemoteStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = lanyard_remote_store_connect_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->connect_cancellable);

  if (store != NULL)
    {
      lanyard_application_show_window (self, lanyard_window_new (GTK_APPLICATION (self), LANYARD_STORE (store)));
      return;
    }

  g_debug ("Could not connect to the server: %s", error->message);

  /* A token the server no longer takes is of no use: forget it, and ask for a new sign-in. */
  if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED))
    {
      g_autofree char *url = g_settings_get_string (self->settings, "server-url");
      g_autofree char *email = g_settings_get_string (self->settings, "server-email");

      lanyard_server_token_clear_async (url, email, NULL, NULL, NULL);
    }

  if (self->window != NULL && lanyard_window_get_store (self->window) == NULL)
    {
      lanyard_window_show_server_error (self->window, error);
      if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED))
        gtk_widget_activate_action (GTK_WIDGET (self->window), "win.connect-server", NULL);
    }
}

static void
on_server_token_looked_up_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(LanyardApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;

  token = lanyard_server_token_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (token == NULL)
    {
      g_autoptr(GError) signed_out = NULL;

      /* No keyring, or nothing in it: sign in. */
      if (error != NULL)
        g_debug ("Could not read the server token: %s", error->message);
      g_clear_object (&self->connect_cancellable);
      signed_out = g_error_new_literal (LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED,
                                        _("Not signed in"));
      if (self->window != NULL && lanyard_window_get_store (self->window) == NULL)
        {
          lanyard_window_show_server_error (self->window, signed_out);
          gtk_widget_activate_action (GTK_WIDGET (self->window), "win.connect-server", NULL);
        }
      return;
    }

  url = g_settings_get_string (self->settings, "server-url");
  lanyard_remote_store_connect_async (url, token, NULL, self->connect_cancellable,
                                      on_server_connected_cb, g_object_ref (self));
}

/* Opens what the settings say: the local database, or the server with the token from the keyring. */
static void
lanyard_application_open_saved (LanyardApplication *self)
{
  g_autofree char *connection = g_settings_get_string (self->settings, "connection");
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");
  g_autofree char *email = g_settings_get_string (self->settings, "server-email");

  if (!g_str_equal (connection, "server") || *url == '\0')
    {
      lanyard_application_open_local (self);
      return;
    }

  /* The window says it is connecting meanwhile: nothing from elsewhere is shown as the server's. */
  lanyard_application_show_window (self, lanyard_window_new_for_server (GTK_APPLICATION (self), url, email));
  lanyard_application_opened (self);
  lanyard_application_reconnect (self);
}

void
lanyard_application_reconnect (LanyardApplication *self)
{
  g_autofree char *url = NULL;
  g_autofree char *email = NULL;

  g_return_if_fail (LANYARD_IS_APPLICATION (self));

  url = g_settings_get_string (self->settings, "server-url");
  email = g_settings_get_string (self->settings, "server-email");
  if (*url == '\0')
    return;

  lanyard_application_cancel_connecting (self);
  self->connect_cancellable = g_cancellable_new ();
  lanyard_server_token_lookup_async (url, email, self->connect_cancellable,
                                     on_server_token_looked_up_cb, g_object_ref (self));
}

void
lanyard_application_use_server (LanyardApplication *self,
                                LanyardRemoteStore *store,
                                const char         *notice)
{
  g_return_if_fail (LANYARD_IS_APPLICATION (self));
  g_return_if_fail (LANYARD_IS_REMOTE_STORE (store));

  lanyard_application_cancel_connecting (self);

  g_settings_set_string (self->settings, "server-url", lanyard_remote_store_get_url (store));
  g_settings_set_string (self->settings, "server-email", lanyard_remote_store_get_email (store));
  g_settings_set_string (self->settings, "connection", "server");

  lanyard_application_set_notice (self, notice);
  lanyard_application_show_window (self, lanyard_window_new (GTK_APPLICATION (self), LANYARD_STORE (store)));
}

void
lanyard_application_use_local (LanyardApplication *self,
                               const char         *notice)
{
  g_return_if_fail (LANYARD_IS_APPLICATION (self));

  g_settings_set_string (self->settings, "connection", "local");
  lanyard_application_set_notice (self, notice);
  lanyard_application_open_local (self);
}

/* Signing out: the server revokes the token (on a worker: the call blocks), the keyring forgets it. */

typedef struct {
  char *url;
  char *email;
} SignOut;

static void
sign_out_free (SignOut *sign_out)
{
  g_free (sign_out->url);
  g_free (sign_out->email);
  g_free (sign_out);
}

static void
sign_out_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  LanyardRemoteStore *store = g_object_get_data (G_OBJECT (task), "store");
  g_autoptr(GError) error = NULL;

  if (!lanyard_remote_store_sign_out (store, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_sign_out_token_cleared_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardApplication *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!lanyard_server_token_clear_finish (result, &error))
    g_debug ("Could not forget the server token: %s", error->message);

  lanyard_application_use_local (self, g_object_get_data (G_OBJECT (task), "notice"));
}

static void
on_signed_out_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LanyardApplication *self = LANYARD_APPLICATION (object);
  SignOut *sign_out = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  /* The server may be away: the sign-in is forgotten here all the same, and the user told. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *host = lanyard_connection_dup_host (sign_out->url);

      g_debug ("The server did not take the sign-out: %s", error->message);
      g_object_set_data_full (G_OBJECT (result), "notice",
                              /* Translators: %s is a server's host name */
                              g_strdup_printf (_("Signed out on this computer; %s could not be told and "
                                                 "still takes the old sign-in until it expires."),
                                               host),
                              g_free);
    }

  lanyard_server_token_clear_async (sign_out->url, sign_out->email, NULL,
                                    on_sign_out_token_cleared_cb, g_object_ref (result));
  (void)self;
}

void
lanyard_application_sign_out (LanyardApplication *self)
{
  LanyardStore *store;
  g_autoptr(GTask) task = NULL;
  SignOut *sign_out;

  g_return_if_fail (LANYARD_IS_APPLICATION (self));

  lanyard_application_cancel_connecting (self);

  sign_out = g_new0 (SignOut, 1);
  sign_out->url = g_settings_get_string (self->settings, "server-url");
  sign_out->email = g_settings_get_string (self->settings, "server-email");

  task = g_task_new (self, NULL, on_signed_out_cb, NULL);
  g_task_set_source_tag (task, lanyard_application_sign_out);
  g_task_set_task_data (task, sign_out, (GDestroyNotify)sign_out_free);

  store = self->window != NULL ? lanyard_window_get_store (self->window) : NULL;
  if (store != NULL && LANYARD_IS_REMOTE_STORE (store))
    {
      g_object_set_data_full (G_OBJECT (task), "store", g_object_ref (store), g_object_unref);
      g_task_run_in_thread (task, sign_out_thread);
    }
  else
    /* Not connected: there is no token in use to revoke, only one to forget. */
    g_task_return_boolean (task, TRUE);
}

/* Actions */

static void
app_quit_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing rather than quitting outright: each window remembers its size. */
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
app_about_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("Lanyard"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Lanyard developers"),
                        "comments", _("Decide who may open which door, and when."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* The same addresses as the metainfo's <url>s (data/app.lanyard.Lanyard.metainfo.xml.in). */
                        "website", "https://lanyard.app/",
                        "issue-url", "https://lanyard.app/issues",
                        NULL);

  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = app_quit_action },
  { .name = "about", .activate = app_about_action },
};

/* GApplication */

static void
lanyard_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *help_overlay_accels[] = { "<Control>question", NULL };

  lanyard_application_profile_mark ("gtk-started");
  /* While GTK starts: the rows format phone numbers as soon as the first page is read. */
  lanyard_phone_prepare_in_background ();
  G_APPLICATION_CLASS (lanyard_application_parent_class)->startup (application);
  lanyard_application_profile_mark ("adw-started");

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions, G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "win.show-help-overlay", help_overlay_accels);
}

static void
lanyard_application_activate (GApplication *application)
{
  LanyardApplication *self = LANYARD_APPLICATION (application);
  if (self->window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->window));
      return;
    }

  if (self->opening)
    return;

  /* Nothing is shown until the store is open: keep running meanwhile. */
  self->opening = TRUE;
  g_application_hold (application);

  lanyard_application_open_saved (self);
}

static void
lanyard_application_finalize (GObject *object)
{
  LanyardApplication *self = LANYARD_APPLICATION (object);

  g_clear_handle_id (&self->screenshot_source, g_source_remove);
  lanyard_application_drop_pending (self);
  lanyard_application_cancel_connecting (self);
  g_clear_weak_pointer (&self->window);
  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->notice, g_free);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lanyard_application_parent_class)->finalize (object);
}

static void
lanyard_application_class_init (LanyardApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = lanyard_application_finalize;

  app_class->startup = lanyard_application_startup;
  app_class->activate = lanyard_application_activate;
}

static void
lanyard_application_init (LanyardApplication *self)
{
  self->settings = g_settings_new (APP_ID);
}

LanyardApplication *
lanyard_application_new (void)
{
  /* The resources keep one path whatever the id (the .Devel build's differs). */
  return g_object_new (LANYARD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/app/lanyard/Lanyard",
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

char *
lanyard_application_dup_database_path (void)
{
  const char *path = g_getenv ("LANYARD_DATABASE");

  if (path != NULL && *path != '\0')
    return g_strdup (path);

  return lanyard_sqlite_store_default_path ();
}
