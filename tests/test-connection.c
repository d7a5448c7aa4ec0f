/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <adwaita.h>
#include <libsecret/secret.h>

#include "lanyard-application.h"
#include "lanyard-connect-dialog.h"
#include "lanyard-connection.h"
#include "lanyard-people-section.h"
#include "lanyard-person-pane.h"
#include "lanyard-person-row.h"
#include "lanyard-remote-store.h"
#include "lanyard-server-test-utils.h"
#include "lanyard-widget-test-utils.h"
#include "lanyard-window.h"

/*
 * Switching the connection: the Connect to a Server dialog checks the
 * address as typed; signing in through it against an in-process lanyardd
 * puts the window on the server's people; a server that goes away gets a
 * banner and a list marked as not current, and Retry recovers once it is
 * back. The token goes to a real keyring: a gnome-keyring-daemon started
 * on the test's session bus (the secret-dependent tests skip, saying why,
 * when there is none).
 *
 * "The server goes away" is a loopback proxy in front of the test server
 * that stops listening (connections are refused, as from a stopped
 * lanyardd) and listens again on the same port: the test server cannot
 * be restarted on the same port and database.
 *
 * LANYARD_TEST_SCREENSHOTS=DIR saves PNGs of each step.
 */

#define N_PEOPLE 40

static gboolean have_keyring;
static char *keyring_problem;

/* A TCP proxy on 127.0.0.1 that can stop and start listening on its port. */

typedef struct {
  GSocketService *service;
  guint16         port;
  guint16         upstream_port;
  GCancellable   *cancellable;   /* the connections spliced now; cancelled on stop */
  gboolean        listening;
} Proxy;

static gboolean
on_proxy_incoming_cb (GSocketService    *service,
                      GSocketConnection *connection,
                      GObject           *source,
                      gpointer           user_data)
{
  Proxy *proxy = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) upstream = NULL;
  g_autoptr(GError) error = NULL;

  upstream = g_socket_client_connect_to_host (client, "127.0.0.1", proxy->upstream_port, NULL, &error);
  if (upstream == NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  g_io_stream_splice_async (G_IO_STREAM (connection), G_IO_STREAM (upstream),
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, proxy->cancellable, NULL, NULL);

  return TRUE;
}

static void
proxy_listen (Proxy *proxy)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, proxy->port);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  /* A closed listener stays closed: a new service each time, on the same port. */
  g_assert_false (proxy->listening);
  g_clear_object (&proxy->service);
  proxy->service = g_socket_service_new ();
  g_signal_connect (proxy->service, "incoming", G_CALLBACK (on_proxy_incoming_cb), proxy);
  proxy->cancellable = g_cancellable_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_service_start (proxy->service);
  proxy->listening = TRUE;
}

/* Connections are refused from now on, and those open are cut. */
static void
proxy_stop (Proxy *proxy)
{
  g_assert_true (proxy->listening);
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  g_cancellable_cancel (proxy->cancellable);
  g_clear_object (&proxy->cancellable);
  proxy->listening = FALSE;
}

static Proxy *
proxy_new (const char *upstream_url)
{
  g_autoptr(GUri) uri = g_uri_parse (upstream_url, G_URI_FLAGS_NONE, NULL);
  Proxy *proxy = g_new0 (Proxy, 1);

  g_assert_nonnull (uri);
  proxy->upstream_port = (guint16)g_uri_get_port (uri);
  proxy_listen (proxy);

  return proxy;
}

static char *
proxy_dup_url (Proxy *proxy)
{
  return g_strdup_printf ("http://127.0.0.1:%u", proxy->port);
}

static void
proxy_free (Proxy *proxy)
{
  if (proxy->listening)
    proxy_stop (proxy);
  g_clear_object (&proxy->service);
  g_free (proxy);
}

/* The keyring */

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "app.lanyard.Lanyard.ServerToken", SECRET_SCHEMA_NONE,
    { { "url", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "email", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
  };

  return &schema;
}

/*
 * Every call to the keyring has a deadline: a secret service that does
 * not answer (one started by D-Bus activation that waits on a prompt no
 * one will see, say) fails the test with what it was asked, instead of
 * hanging it. The calls are made asynchronously and waited for on the
 * main loop.
 */
#define KEYRING_TIMEOUT_MS (20 * 1000)

typedef struct {
  GAsyncResult *result;
} KeyringCall;

static void
keyring_call_clear (KeyringCall *call)
{
  g_clear_object (&call->result);
}

/* Holds a reference on the call of its own: an answer after the deadline finds it still there. */
static void
on_keyring_answered_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  KeyringCall *call = user_data;

  call->result = g_object_ref (result);
  g_rc_box_release_full (call, (GDestroyNotify)keyring_call_clear);
}

static gboolean
keyring_call_answered (gpointer data)
{
  KeyringCall *call = data;

  return call->result != NULL;
}

/* The answer to @call, or NULL and G_IO_ERROR_TIMED_OUT (the call cancelled) when none came in time. */
static GAsyncResult *
keyring_call_wait (KeyringCall   *call,
                   GCancellable  *cancellable,
                   const char    *what,
                   GError       **error)
{
  GAsyncResult *result = NULL;

  if (lanyard_test_wait_until (keyring_call_answered, call, KEYRING_TIMEOUT_MS))
    result = g_object_ref (call->result);
  else
    {
      g_cancellable_cancel (cancellable);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "The keyring did not answer within %u s when asked to %s",
                   KEYRING_TIMEOUT_MS / 1000, what);
    }
  g_rc_box_release_full (call, (GDestroyNotify)keyring_call_clear);

  return result;
}

static gboolean
keyring_store (const char  *url,
               const char  *email,
               const char  *secret,
               GError     **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  KeyringCall *call = g_rc_box_new0 (KeyringCall);

  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, "Lanyard test", secret, cancellable,
                         on_keyring_answered_cb, g_rc_box_acquire (call),
                         "url", url, "email", email, NULL);
  result = keyring_call_wait (call, cancellable, "store a token", error);

  return result != NULL && secret_password_store_finish (result, error);
}

/* The token kept for @url and @email; NULL, and no error, when there is none. */
static char *
keyring_lookup (const char  *url,
                const char  *email,
                GError     **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  KeyringCall *call = g_rc_box_new0 (KeyringCall);
  char *secret;
  char *copy;

  secret_password_lookup (token_schema (), cancellable, on_keyring_answered_cb, g_rc_box_acquire (call),
                          "url", url, "email", email, NULL);
  result = keyring_call_wait (call, cancellable, "look up a token", error);
  if (result == NULL)
    return NULL;

  secret = secret_password_lookup_finish (result, error);
  copy = g_strdup (secret);
  secret_password_free (secret);

  return copy;
}

/* TRUE also when there was nothing to forget. */
static gboolean
keyring_clear (const char  *url,
               const char  *email,
               GError     **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  KeyringCall *call = g_rc_box_new0 (KeyringCall);

  secret_password_clear (token_schema (), cancellable, on_keyring_answered_cb, g_rc_box_acquire (call),
                         "url", url, "email", email, NULL);
  result = keyring_call_wait (call, cancellable, "forget a token", error);
  if (result == NULL)
    return FALSE;

  secret_password_clear_finish (result, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
keyring_works (GError **error)
{
  g_autofree char *found = NULL;

  if (!keyring_store ("probe", "probe", "probe", error))
    return FALSE;
  found = keyring_lookup ("probe", "probe", error);
  if (found == NULL)
    return FALSE;
  keyring_clear ("probe", "probe", NULL);

  return g_str_equal (found, "probe");
}

/*
 * The session bus of dbus-run-session has no secret service: run a
 * gnome-keyring-daemon on it, in the foreground, its keyrings in a folder
 * of the test's own, the login keyring created and unlocked with a
 * password fed on stdin. It is ended by its pid when the tests are done,
 * and by the kernel when the test dies first; its output goes to a file,
 * never to the test's own: a daemon that outlives a crashed test holding
 * the test's stderr open keeps meson waiting for the end of the output
 * until its timeout (a crash looked like a hang).
 */
static GSubprocess *keyring_daemon;
static char        *keyring_log;
static gboolean     keyring_daemon_exited;
static gboolean     keyring_expected;   /* a daemon was started: not working is a failure, not a skip */

static gboolean
secret_service_is_running (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  /* Asked without D-Bus activation, which would start a daemon with no unlocked collection. */
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);

  return owned;
}

static gboolean
keyring_daemon_is_up (gpointer data)
{
  return keyring_daemon_exited || secret_service_is_running (data);
}

static gboolean
keyring_daemon_has_exited (gpointer data)
{
  return keyring_daemon_exited;
}

static void
on_keyring_daemon_exited_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  keyring_daemon_exited = TRUE;
}

/* Runs in the daemon, between fork() and exec(): it gets SIGTERM when the test's main thread ends. */
static void
keyring_daemon_child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
set_keyring_problem (const char *problem)
{
  g_autofree char *log = NULL;

  /* What the daemon said, if anything. */
  if (keyring_log != NULL && g_file_get_contents (keyring_log, &log, NULL, NULL) && *g_strstrip (log) != '\0')
    keyring_problem = g_strdup_printf ("%s (gnome-keyring-daemon said: %s)", problem, log);
  else
    keyring_problem = g_strdup (problem);
}

static void
start_keyring (const char *dir)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_build_filename (dir, "data", NULL);
  GOutputStream *stdin_pipe;

  if (bus == NULL)
    {
      keyring_problem = g_strdup ("no session bus");
      return;
    }

  /* One running already (a desktop session): use it. */
  if (secret_service_is_running (bus) && keyring_works (NULL))
    {
      have_keyring = TRUE;
      return;
    }

  g_mkdir_with_parents (data_home, 0700);
  keyring_log = g_build_filename (dir, "gnome-keyring-daemon.log", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stderr_file_path (launcher, keyring_log);
  g_subprocess_launcher_set_child_setup (launcher, keyring_daemon_child_setup, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  keyring_daemon = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground",
                                                "--components=secrets", "--unlock", NULL);
  if (keyring_daemon == NULL)
    {
      keyring_problem = g_strdup_printf ("gnome-keyring-daemon could not be started: %s", error->message);
      return;
    }
  keyring_expected = TRUE;
  g_subprocess_wait_async (keyring_daemon, NULL, on_keyring_daemon_exited_cb, NULL);

  stdin_pipe = g_subprocess_get_stdin_pipe (keyring_daemon);
  g_output_stream_write_all (stdin_pipe, "lanyard-test", 12, NULL, NULL, NULL);
  g_output_stream_close (stdin_pipe, NULL, NULL);

  /*
   * It takes its bus name a while after it started, longer on a busy
   * machine. Nothing asks the secret service before: the call would
   * start another daemon through D-Bus activation.
   */
  if (!lanyard_test_wait_until (keyring_daemon_is_up, bus, KEYRING_TIMEOUT_MS))
    {
      set_keyring_problem ("gnome-keyring-daemon did not take the name org.freedesktop.secrets "
                           "on the session bus within 20 s");
      return;
    }
  if (keyring_daemon_exited)
    {
      set_keyring_problem ("gnome-keyring-daemon exited at start");
      return;
    }

  /* The login keyring may be unlocked a moment after the name is taken. */
  for (guint attempt = 0; attempt < 20 && !have_keyring; attempt++)
    {
      g_clear_error (&error);
      have_keyring = keyring_works (&error);
      if (!have_keyring)
        lanyard_test_wait_ms (100);
    }
  if (!have_keyring)
    {
      g_autofree char *problem = g_strdup_printf ("no working keyring on the session bus: %s",
                                                  error != NULL ? error->message : "the token read back differs");

      set_keyring_problem (problem);
    }
}

static void
stop_keyring (void)
{
  if (keyring_daemon == NULL)
    return;

  g_subprocess_send_signal (keyring_daemon, SIGTERM);
  if (!lanyard_test_wait_until (keyring_daemon_has_exited, NULL, 5000))
    {
      g_printerr ("gnome-keyring-daemon did not end within 5 s of SIGTERM: killed\n");
      g_subprocess_force_exit (keyring_daemon);
      lanyard_test_wait_until (keyring_daemon_has_exited, NULL, 5000);
    }
  g_clear_object (&keyring_daemon);
  g_clear_pointer (&keyring_log, g_free);
}

/* Skips the test where there is no gnome-keyring-daemon; fails it where one was started but does not work. */
static gboolean
skip_without_keyring (void)
{
  if (have_keyring)
    return FALSE;

  if (keyring_expected)
    g_test_fail_printf ("%s", keyring_problem != NULL ? keyring_problem : "no keyring");
  else
    g_test_skip (keyring_problem != NULL ? keyring_problem : "no keyring");
  return TRUE;
}

/* Fixture: a server with people, a proxy in front of it, the app on a local database. */

typedef struct {
  char               *dir;
  LanyardTestServer  *server;
  Proxy              *proxy;
  char               *url;             /* the proxy's */
  LanyardApplication *app;
} Fixture;

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_reset (settings, "connection");
  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "server-email");
  g_settings_reset (settings, "last-facility");
  g_settings_reset (settings, "last-section");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *local = NULL;
  LanyardStore *store;
  gint64 facility_id;

  reset_settings ();
  fixture->dir = lanyard_test_dir_new ();
  fixture->server = lanyard_test_server_start (fixture->dir);
  fixture->proxy = proxy_new (lanyard_test_server_get_url (fixture->server));
  fixture->url = proxy_dup_url (fixture->proxy);

  store = LANYARD_STORE (lanyard_test_server_get_store (fixture->server));
  facility_id = lanyard_demo_create_facility (store, "Server Club", NULL, &error);
  g_assert_no_error (error);
  lanyard_demo_add_people (store, facility_id, N_PEOPLE, 3, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The local database is another one, empty. */
  local = g_build_filename (fixture->dir, "local.db", NULL);
  g_setenv ("LANYARD_DATABASE", local, TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->app != NULL)
    {
      g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (fixture->app)));

      for (const GList *l = windows; l != NULL; l = l->next)
        gtk_window_destroy (l->data);
      lanyard_test_wait_ms (100);
      g_clear_object (&fixture->app);
    }

  if (have_keyring)
    keyring_clear (fixture->url, LANYARD_TEST_ADMIN_EMAIL, NULL);

  proxy_free (fixture->proxy);
  lanyard_test_server_stop (fixture->server);
  g_free (fixture->url);
  lanyard_test_dir_free (fixture->dir);
  reset_settings ();
}

/* Helpers */

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }

  return NULL;
}

static LanyardWindow *
main_window (void)
{
  return LANYARD_WINDOW (find_toplevel (LANYARD_TYPE_WINDOW));
}

static gboolean
window_is_local (gpointer data)
{
  LanyardWindow *window = main_window ();

  return window != NULL && lanyard_window_get_store (window) != NULL &&
         LANYARD_IS_SQLITE_STORE (lanyard_window_get_store (window)) && !lanyard_window_get_busy (window);
}

static gboolean
window_is_remote (gpointer data)
{
  LanyardWindow *window = main_window ();

  return window != NULL && lanyard_window_get_store (window) != NULL &&
         LANYARD_IS_REMOTE_STORE (lanyard_window_get_store (window)) && !lanyard_window_get_busy (window);
}

static void
start_app (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  /* One application for the whole binary: it exports itself on the bus once. */
  static LanyardApplication *app;

  if (app == NULL)
    {
      app = lanyard_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }
  fixture->app = g_object_ref (app);
  g_application_activate (G_APPLICATION (fixture->app));
}

static gpointer
get_widget (GtkWidget  *widget,
            const char *id)
{
  return lanyard_test_get_widget (widget, id);
}

static gboolean
has_person_row (GtkWidget *widget)
{
  if (LANYARD_IS_PERSON_ROW (widget))
    {
      LanyardPerson *person = lanyard_person_row_get_person (LANYARD_PERSON_ROW (widget));

      return person != NULL && lanyard_person_get_id (person) != LANYARD_NO_ID && gtk_widget_get_mapped (widget);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (has_person_row (child))
      return TRUE;

  return FALSE;
}

static gboolean
rows_are_shown (gpointer data)
{
  LanyardWindow *window = main_window ();

  return window != NULL && has_person_row (get_widget (GTK_WIDGET (window), "people_view"));
}

static gboolean
dialog_is_open (gpointer data)
{
  GtkWindow *dialog = find_toplevel (LANYARD_TYPE_CONNECT_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
dialog_on_step (gpointer data)
{
  GtkWindow *dialog = find_toplevel (LANYARD_TYPE_CONNECT_DIALOG);

  return dialog != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (get_widget (GTK_WIDGET (dialog), "step_stack")), data) == 0 &&
         !gtk_widget_get_visible (get_widget (GTK_WIDGET (dialog), "spinner"));
}

static gboolean
dialog_says_problem (gpointer data)
{
  GtkWindow *dialog = find_toplevel (LANYARD_TYPE_CONNECT_DIALOG);
  GtkWidget *label = dialog != NULL ? get_widget (GTK_WIDGET (dialog), data) : NULL;

  return label != NULL && gtk_widget_get_visible (label) && *gtk_label_get_label (GTK_LABEL (label)) != '\0';
}

static gboolean
banner_is_shown (gpointer data)
{
  LanyardWindow *window = main_window ();

  return window != NULL && gtk_revealer_get_reveal_child (get_widget (GTK_WIDGET (window), "connection_banner"));
}

static gboolean
banner_is_gone (gpointer data)
{
  LanyardWindow *window = main_window ();

  return window != NULL && lanyard_window_get_connected (window) &&
         !gtk_revealer_get_reveal_child (get_widget (GTK_WIDGET (window), "connection_banner"));
}

static gboolean
pane_shows_person (gpointer data)
{
  LanyardWindow *window = main_window ();
  GtkWidget *pane = window != NULL ? lanyard_test_find_by_type (GTK_WIDGET (window), LANYARD_TYPE_PERSON_PANE) : NULL;

  return pane != NULL && lanyard_person_pane_get_person (LANYARD_PERSON_PANE (pane)) != NULL &&
         !lanyard_person_pane_get_busy (LANYARD_PERSON_PANE (pane)) &&
         adw_flap_get_reveal_flap (get_widget (GTK_WIDGET (window), "flap"));
}

static gboolean
message_dialog_is_open (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  lanyard_test_maybe_screenshot (widget, name);
}

/*
 * With LANYARD_TEST_SCREENSHOTS, also @widget's window in the dark style
 * and, for the main window, narrow (360 px, its smallest width): NAME-dark.png,
 * NAME-narrow-dark.png.
 */
static void
screenshot_variants (GtkWidget  *widget,
                     const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (widget));
  g_autofree char *dark = NULL;
  g_autofree char *narrow = NULL;
  int width, height;

  if (g_getenv ("LANYARD_TEST_SCREENSHOTS") == NULL)
    return;

  dark = g_strdup_printf ("%s-dark.png", name);
  narrow = g_strdup_printf ("%s-narrow-dark.png", name);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (widget, dark);

  gtk_window_get_default_size (window, &width, &height);
  gtk_window_set_default_size (window, 360, height);
  screenshot (widget, narrow);
  gtk_window_set_default_size (window, width, height);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  lanyard_test_wait_ms (300);
}

static const char *
connection_text (void)
{
  return gtk_label_get_label (get_widget (GTK_WIDGET (main_window ()), "connection_label"));
}

static char *
lookup_token (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  char *token = keyring_lookup (fixture->url, LANYARD_TEST_ADMIN_EMAIL, &error);

  g_assert_no_error (error);

  return token;
}

/* Signs in through the dialog, from the local window, as a user would. */
static void
sign_in_through_dialog (Fixture *fixture)
{
  GtkWidget *dialog;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *host = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.connect-server", NULL));
  lanyard_test_wait_for (dialog_is_open, NULL, "the Connect dialog");
  dialog = GTK_WIDGET (find_toplevel (LANYARD_TYPE_CONNECT_DIALOG));

  gtk_editable_set_text (get_widget (dialog, "url_row"), fixture->url);
  screenshot (dialog, "connect-1-server.png");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.next", NULL));
  lanyard_test_wait_for (dialog_on_step, (gpointer)"email", "the email step");

  gtk_editable_set_text (get_widget (dialog, "email_row"), LANYARD_TEST_ADMIN_EMAIL);
  screenshot (dialog, "connect-2-email.png");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.next", NULL));
  lanyard_test_wait_for (dialog_on_step, (gpointer)"code", "the code step");

  /* A wrong code is refused, and what was typed stays. */
  gtk_editable_set_text (get_widget (dialog, "code_row"), "0000 0000");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.next", NULL));
  lanyard_test_wait_for (dialog_says_problem, (gpointer)"code_message_label", "the wrong code to be refused");
  g_assert_cmpstr (gtk_editable_get_text (get_widget (dialog, "code_row")), ==, "0000 0000");
  g_assert_true (dialog_on_step ((gpointer)"code"));
  screenshot (dialog, "connect-3-wrong-code.png");
  screenshot_variants (dialog, "connect-3-wrong-code");

  /* The code the mail would bring. */
  code = lanyard_auth_issue_code (lanyard_test_server_get_auth (fixture->server), LANYARD_TEST_ADMIN_EMAIL, &error);
  g_assert_no_error (error);
  gtk_editable_set_text (get_widget (dialog, "code_row"), code);
  screenshot (dialog, "connect-3-code.png");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.next", NULL));

  lanyard_test_wait_for (window_is_remote, NULL, "the window on the server");
  g_assert_null (find_toplevel (LANYARD_TYPE_CONNECT_DIALOG));

  /* The header names the server and who is signed in; the tooltip the full address. */
  host = lanyard_connection_dup_host (fixture->url);
  expected = g_strdup_printf ("%s — %s", host, LANYARD_TEST_ADMIN_EMAIL);
  g_assert_cmpstr (connection_text (), ==, expected);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (get_widget (GTK_WIDGET (main_window ()), "connection_button")),
                            fixture->url));
}

/* Tests */

static void
test_check_url (void)
{
  static const struct {
    const char *text;
    const char *url;   /* NULL: refused */
  } cases[] = {
    { "lanyard.example.org", "https://lanyard.example.org" },
    { "  https://lanyard.example.org/  ", "https://lanyard.example.org" },
    { "https://lanyard.example.org:443", "https://lanyard.example.org" },
    { "https://lanyard.example.org:8443", "https://lanyard.example.org:8443" },
    { "HTTPS://Lanyard.example.org", "https://lanyard.example.org" },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
    { "http://localhost:8080/", "http://localhost:8080" },
    { "http://[::1]:8080", "http://[::1]:8080" },
    { "http://lanyard.example.org", NULL },
    { "http://10.0.0.1", NULL },
    { "ftp://lanyard.example.org", NULL },
    { "https://lanyard.example.org/api/v1", NULL },
    { "https://lanyard.example.org/?x=1", NULL },
    { "https://anna@lanyard.example.org", NULL },
    { "https://", NULL },
    { "lanyard example", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = lanyard_connection_check_url (cases[i].text, &error);

      g_test_message ("“%s”", cases[i].text);
      g_assert_cmpstr (url, ==, cases[i].url);
      if (url == NULL)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }

  g_assert_cmpuint (lanyard_connection_retry_delay (0), ==, 2);
  g_assert_cmpuint (lanyard_connection_retry_delay (1), ==, 4);
  g_assert_cmpuint (lanyard_connection_retry_delay (4), ==, 32);
  g_assert_cmpuint (lanyard_connection_retry_delay (5), ==, 60);
  g_assert_cmpuint (lanyard_connection_retry_delay (50), ==, 60);

  /* A server's Retry-After, as a person says it. */
  {
    static const struct {
      guint       seconds;
      const char *text;
    } waits[] = {
      { 1, "Try again in 1 second." },
      { 40, "Try again in 40 seconds." },
      { 60, "Try again in about 1 minute." },
      { 893, "Try again in about 15 minutes." },
      { 900, "Try again in about 15 minutes." },
      { 89 * 60, "Try again in about 89 minutes." },
      { 90 * 60, "Try again in about 2 hours." },
      { 47 * 3600, "Try again in about 47 hours." },
      { 3 * 86400, "Try again in about 3 days." },
      { G_MAXUINT, "Try again in about 49710 days." },
    };

    for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
      {
        g_autofree char *text = lanyard_connection_dup_try_again_text (waits[i].seconds);

        g_assert_cmpstr (text, ==, waits[i].text);
      }
  }
}

/* The address is checked as typed: a specific message, and Next only for a usable one. */
static void
test_dialog_validates_url (void)
{
  LanyardConnectDialog *dialog = lanyard_connect_dialog_new (NULL, NULL, NULL);
  GtkWidget *widget = GTK_WIDGET (dialog);
  GtkEditable *url_row = get_widget (widget, "url_row");
  GtkLabel *message = get_widget (widget, "url_message_label");
  GtkWidget *next_button = get_widget (widget, "next_button");

  gtk_window_present (GTK_WINDOW (dialog));
  lanyard_test_wait_for (dialog_is_open, NULL, "the dialog");
  g_assert_false (gtk_widget_get_sensitive (next_button));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (widget, "step_stack")), ==, "server");

  gtk_editable_set_text (url_row, "http://lanyard.example.org");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "error"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (url_row), "error"));
  g_assert_nonnull (strstr (gtk_label_get_label (message), "https://"));
  g_assert_false (gtk_widget_get_sensitive (next_button));
  screenshot (widget, "connect-1-error.png");

  gtk_editable_set_text (url_row, "https://lanyard.example.org/api/v1");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "error"));
  g_assert_nonnull (strstr (gtk_label_get_label (message), "path"));

  gtk_editable_set_text (url_row, "lanyard.example.org");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (message), "error"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (url_row), "error"));
  g_assert_nonnull (strstr (gtk_label_get_label (message), "https://lanyard.example.org"));
  g_assert_true (gtk_widget_get_sensitive (next_button));

  /* Enter goes on; Back comes back with what was typed. */
  g_signal_emit_by_name (url_row, "entry-activated");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (widget, "step_stack")), ==, "email");
  g_assert_true (gtk_widget_get_visible (get_widget (widget, "back_button")));
  g_assert_true (gtk_widget_activate_action (widget, "connect.back", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (widget, "step_stack")), ==, "server");
  g_assert_cmpstr (gtk_editable_get_text (url_row), ==, "lanyard.example.org");

  /* An address that is not one says so. */
  gtk_editable_set_text (url_row, "lanyard example");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "error"));
  g_assert_false (gtk_widget_get_sensitive (next_button));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A server that cannot be reached: said on the email step, and the email stays. */
static void
test_dialog_unreachable (Fixture       *fixture,
                         gconstpointer  data)
{
  LanyardConnectDialog *dialog = lanyard_connect_dialog_new (NULL, fixture->url, LANYARD_TEST_ADMIN_EMAIL);
  GtkWidget *widget = GTK_WIDGET (dialog);

  gtk_window_present (GTK_WINDOW (dialog));
  lanyard_test_wait_for (dialog_is_open, NULL, "the dialog");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (widget, "step_stack")), ==, "email");

  proxy_stop (fixture->proxy);
  g_assert_true (gtk_widget_activate_action (widget, "connect.next", NULL));
  lanyard_test_wait_for (dialog_says_problem, (gpointer)"email_message_label", "the server to be unreachable");
  g_assert_nonnull (strstr (gtk_label_get_label (get_widget (widget, "email_message_label")), "Cannot reach"));
  g_assert_cmpstr (gtk_editable_get_text (get_widget (widget, "email_row")), ==, LANYARD_TEST_ADMIN_EMAIL);
  screenshot (widget, "connect-2-unreachable.png");

  /* Back on: the same button works. */
  proxy_listen (fixture->proxy);
  g_assert_true (gtk_widget_activate_action (widget, "connect.next", NULL));
  lanyard_test_wait_for (dialog_on_step, (gpointer)"code", "the code step");

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Too many codes asked for: the server's Retry-After, said as a person would, not in seconds. */
static void
test_dialog_rate_limited (Fixture       *fixture,
                          gconstpointer  data)
{
  LanyardConnectDialog *dialog = lanyard_connect_dialog_new (NULL, fixture->url, LANYARD_TEST_ADMIN_EMAIL);
  GtkWidget *widget = GTK_WIDGET (dialog);
  LanyardAuth *auth = lanyard_test_server_get_auth (fixture->server);
  const char *message;

  /* The codes an address may ask for in a quarter of an hour, asked for already. */
  for (guint i = 0; ; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!lanyard_auth_request_code (auth, LANYARD_TEST_ADMIN_EMAIL, NULL, NULL, &error))
        {
          g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED);
          break;
        }
      g_assert_cmpuint (i, <, 20);
    }

  gtk_window_present (GTK_WINDOW (dialog));
  lanyard_test_wait_for (dialog_is_open, NULL, "the dialog");
  g_assert_true (gtk_widget_activate_action (widget, "connect.next", NULL));
  lanyard_test_wait_for (dialog_says_problem, (gpointer)"email_message_label", "the request to be refused");
  message = gtk_label_get_label (get_widget (widget, "email_message_label"));
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "Try again in about 15 minutes."));
  g_assert_null (strstr (message, "seconds"));
  g_assert_cmpstr (gtk_editable_get_text (get_widget (widget, "email_row")), ==, LANYARD_TEST_ADMIN_EMAIL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (widget, "step_stack")), ==, "email");
  screenshot (widget, "connect-2-rate-limited.png");
  screenshot_variants (widget, "connect-2-rate-limited");

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Sign in, see the server's people; the server goes away: banner; back: Retry recovers. Then sign out. */
static void
test_sign_in_and_outage (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *token = NULL;
  g_autofree char *settings_url = NULL;
  LanyardWindow *window;
  GtkWidget *list_area;
  GtkEditable *first_name_row;
  GtkWidget *message_dialog;

  if (skip_without_keyring ())
    return;

  start_app (fixture);
  lanyard_test_wait_for (window_is_local, NULL, "the local window");
  g_assert_nonnull (strstr (connection_text (), "local.db"));

  sign_in_through_dialog (fixture);
  window = main_window ();
  lanyard_test_wait_for (rows_are_shown, NULL, "the server's people");
  screenshot (GTK_WIDGET (window), "window-server.png");

  /* Kept: the token in the keyring (never in the settings), the connection in the settings. */
  token = lookup_token (fixture);
  g_assert_nonnull (token);
  g_assert_cmpstr (g_settings_get_string (settings, "connection"), ==, "server");
  settings_url = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (settings_url, ==, fixture->url);

  /* Open a person and start typing a change. */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_grid_view_get_model (get_widget (GTK_WIDGET (window), "people_view"))), 0);
  lanyard_test_wait_for (pane_shows_person, NULL, "the person pane to show the first person");
  first_name_row = get_widget (GTK_WIDGET (window), "first_name_row");
  gtk_editable_set_text (first_name_row, "Renamed While Offline");

  /* The server goes away: saving fails, the banner says so, the typed name stays, the list is not current. */
  proxy_stop (fixture->proxy);
  g_signal_emit_by_name (first_name_row, "entry-activated");
  lanyard_test_wait_for (banner_is_shown, NULL, "the banner");
  list_area = get_widget (GTK_WIDGET (window), "list_area");
  g_assert_false (gtk_widget_get_sensitive (list_area));
  g_assert_true (gtk_widget_has_css_class (list_area, "not-current"));
  g_assert_cmpstr (gtk_editable_get_text (first_name_row), ==, "Renamed While Offline");
  g_assert_true (lanyard_window_get_has_unsaved_changes (window));
  g_assert_nonnull (strstr (gtk_label_get_label (get_widget (GTK_WIDGET (window), "connection_banner_label")),
                            "Cannot reach"));
  screenshot (GTK_WIDGET (window), "window-unreachable.png");
  screenshot_variants (GTK_WIDGET (window), "window-unreachable");

  /* Retry while it is still away: still the banner. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.retry-connection", NULL));
  lanyard_test_wait_ms (500);
  g_assert_true (banner_is_shown (NULL));

  /* Back: Retry recovers, the list is read anew and current again, the typed name still there. */
  proxy_listen (fixture->proxy);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.retry-connection", NULL));
  lanyard_test_wait_for (banner_is_gone, NULL, "the banner to go");
  g_assert_true (gtk_widget_get_sensitive (list_area));
  g_assert_false (gtk_widget_has_css_class (list_area, "not-current"));
  lanyard_test_wait_for (rows_are_shown, NULL, "the server's people again");
  g_assert_cmpstr (gtk_editable_get_text (first_name_row), ==, "Renamed While Offline");

  /* Sign out, confirmed: back to the local database, the token forgotten. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  lanyard_test_wait_for (message_dialog_is_open, NULL, "the sign-out question");
  message_dialog = GTK_WIDGET (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  screenshot (message_dialog, "sign-out.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (message_dialog), "sign-out");
  lanyard_test_wait_for (window_is_local, NULL, "the local window again");
  g_assert_cmpstr (g_settings_get_string (settings, "connection"), ==, "local");
  g_clear_pointer (&token, g_free);
  token = lookup_token (fixture);
  g_assert_null (token);
}

static gboolean
window_says_unreachable (gpointer data)
{
  LanyardWindow *window = main_window ();

  return window != NULL && lanyard_window_get_store (window) == NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (get_widget (GTK_WIDGET (window), "main_stack")), "server") == 0 &&
         gtk_widget_get_visible (get_widget (GTK_WIDGET (window), "server_retry_button"));
}

static gboolean
window_asks_sign_in (gpointer data)
{
  LanyardWindow *window = main_window ();

  return window != NULL && lanyard_window_get_store (window) == NULL &&
         gtk_widget_get_visible (get_widget (GTK_WIDGET (window), "server_sign_in_button")) &&
         dialog_is_open (NULL);
}

/* Started on a server: unreachable says so and is retried; a token missing asks to sign in. */
static void
test_start_on_server (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;

  if (skip_without_keyring ())
    return;

  token = lanyard_test_server_sign_in (fixture->server, LANYARD_TEST_ADMIN_EMAIL);
  keyring_store (fixture->url, LANYARD_TEST_ADMIN_EMAIL, token, &error);
  g_assert_no_error (error);
  g_settings_set_string (settings, "server-url", fixture->url);
  g_settings_set_string (settings, "server-email", LANYARD_TEST_ADMIN_EMAIL);
  g_settings_set_string (settings, "connection", "server");

  proxy_stop (fixture->proxy);
  start_app (fixture);
  lanyard_test_wait_for (window_says_unreachable, NULL, "the window to say the server cannot be reached");
  /* Nothing from anywhere passes for the server's people. */
  g_assert_false (has_person_row (GTK_WIDGET (main_window ())));
  screenshot (GTK_WIDGET (main_window ()), "window-start-unreachable.png");

  proxy_listen (fixture->proxy);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.retry-connection", NULL));
  lanyard_test_wait_for (window_is_remote, NULL, "the window on the server");
  lanyard_test_wait_for (rows_are_shown, NULL, "the server's people");

  /* Without the token: the sign-in, on the email step, the server and email filled in. */
  keyring_clear (fixture->url, LANYARD_TEST_ADMIN_EMAIL, &error);
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (main_window ()));
  lanyard_test_wait_ms (50);
  g_clear_object (&fixture->app);
  start_app (fixture);
  lanyard_test_wait_for (window_asks_sign_in, NULL, "the sign-in");
  dialog = find_toplevel (LANYARD_TYPE_CONNECT_DIALOG);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (GTK_WIDGET (dialog), "step_stack")), ==, "email");
  g_assert_cmpstr (gtk_editable_get_text (get_widget (GTK_WIDGET (dialog), "email_row")), ==, LANYARD_TEST_ADMIN_EMAIL);
  screenshot (GTK_WIDGET (main_window ()), "window-signed-out.png");
  gtk_window_destroy (dialog);
}

int
main (int   argc,
      char *argv[])
{
  char *keyring_dir;
  int status;

  if (!lanyard_test_init_widgets (&argc, &argv))
    return 0;

  keyring_dir = lanyard_test_dir_new ();
  start_keyring (keyring_dir);

  g_test_add_func ("/app/connection/check-url", test_check_url);
  g_test_add_func ("/app/connection/dialog/validates-url", test_dialog_validates_url);
  g_test_add ("/app/connection/dialog/unreachable", Fixture, NULL,
              fixture_set_up, test_dialog_unreachable, fixture_tear_down);
  g_test_add ("/app/connection/dialog/rate-limited", Fixture, NULL,
              fixture_set_up, test_dialog_rate_limited, fixture_tear_down);
  g_test_add ("/app/connection/sign-in-and-outage", Fixture, NULL,
              fixture_set_up, test_sign_in_and_outage, fixture_tear_down);
  g_test_add ("/app/connection/start-on-server", Fixture, NULL,
              fixture_set_up, test_start_on_server, fixture_tear_down);

  status = g_test_run ();
  stop_keyring ();
  lanyard_test_dir_free (keyring_dir);

  return status;
}
