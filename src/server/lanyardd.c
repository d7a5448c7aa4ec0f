/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Server"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "lanyard-server.h"

/* Exit codes, as --help lists them. */
enum {
  EXIT_OK = 0,
  EXIT_USAGE = 1,       /* bad command line or configuration file */
  EXIT_DATABASE = 2,    /* the database could not be opened or written */
  EXIT_LISTEN = 3,      /* could not listen: address, port, TLS certificate */
  EXIT_SHUTDOWN = 4,    /* the shutdown did not finish cleanly */
};

#define DEFAULT_ADDRESS    "127.0.0.1"
#define DEFAULT_HTTP_PORT  8080
#define DEFAULT_HTTPS_PORT 8443
#define SHUTDOWN_GRACE_MS  10000

typedef struct {
  char    *config_file;
  char    *database;
  char    *listen;
  int      port;            /* -1: not given */
  char    *tls_cert;
  char    *tls_key;
  char    *log_level;
  char    *create_admin;
  char    *name;
  gboolean version;

  LanyardSmtpSettings smtp;
  char    *smtp_password_file;
  int      smtp_require_tls;  /* -1: not given */
} Options;

static void
options_clear (Options *options)
{
  g_free (options->config_file);
  g_free (options->database);
  g_free (options->listen);
  g_free (options->tls_cert);
  g_free (options->tls_key);
  g_free (options->log_level);
  g_free (options->create_admin);
  g_free (options->name);
  g_free (options->smtp_password_file);
  lanyard_smtp_settings_clear (&options->smtp);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* A key of the configuration file, when the command line did not give it already. */
static gboolean
config_get_string (GKeyFile    *keyfile,
                   const char  *group,
                   const char  *key,
                   char       **inout_value,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *value;

  if (*inout_value != NULL)
    return TRUE;

  value = g_key_file_get_string (keyfile, group, key, &local_error);
  if (value == NULL)
    {
      if (g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND) ||
          g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_strstrip (value);
  if (*value == '\0')
    g_free (value);
  else
    *inout_value = value;

  return TRUE;
}

static gboolean
config_get_integer (GKeyFile    *keyfile,
                    const char  *group,
                    const char  *key,
                    int         *inout_value,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  int value;

  if (*inout_value >= 0 || !g_key_file_has_key (keyfile, group, key, NULL))
    return TRUE;

  value = g_key_file_get_integer (keyfile, group, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  *inout_value = value;
  return TRUE;
}

static gboolean
config_get_boolean (GKeyFile    *keyfile,
                    const char  *group,
                    const char  *key,
                    int         *inout_value,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean value;

  if (*inout_value >= 0 || !g_key_file_has_key (keyfile, group, key, NULL))
    return TRUE;

  value = g_key_file_get_boolean (keyfile, group, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  *inout_value = value;
  return TRUE;
}

/* Fills what the command line left open from @path; flags win. */
static gboolean
options_load_config (Options     *options,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, error))
    return FALSE;

  return config_get_string (keyfile, "server", "database", &options->database, error) &&
         config_get_string (keyfile, "server", "listen", &options->listen, error) &&
         config_get_integer (keyfile, "server", "port", &options->port, error) &&
         config_get_string (keyfile, "server", "tls-certificate", &options->tls_cert, error) &&
         config_get_string (keyfile, "server", "tls-key", &options->tls_key, error) &&
         config_get_string (keyfile, "server", "log-level", &options->log_level, error) &&
         config_get_string (keyfile, "smtp", "url", &options->smtp.url, error) &&
         config_get_string (keyfile, "smtp", "from", &options->smtp.from, error) &&
         config_get_string (keyfile, "smtp", "username", &options->smtp.username, error) &&
         config_get_string (keyfile, "smtp", "password-file", &options->smtp_password_file, error) &&
         config_get_boolean (keyfile, "smtp", "require-tls", &options->smtp_require_tls, error);
}

/* ------------------------------------------------------------------------ */
/* Logging                                                                  */
/* ------------------------------------------------------------------------ */

static GLogLevelFlags log_threshold = G_LOG_LEVEL_MESSAGE;

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  /* Lower flag bits are more severe. */
  if ((log_level & G_LOG_LEVEL_MASK) > log_threshold)
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static gboolean
set_log_level (const char  *name,
               GError     **error)
{
  static const struct {
    const char     *name;
    GLogLevelFlags  level;
  } levels[] = {
    { "error", G_LOG_LEVEL_CRITICAL },
    { "warning", G_LOG_LEVEL_WARNING },
    { "message", G_LOG_LEVEL_MESSAGE },
    { "info", G_LOG_LEVEL_INFO },
    { "debug", G_LOG_LEVEL_DEBUG },
  };

  if (name == NULL)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    if (g_ascii_strcasecmp (name, levels[i].name) == 0)
      {
        log_threshold = levels[i].level;
        /* GLib 2.74's default writer drops info and debug unless asked for them. */
        if (log_threshold >= G_LOG_LEVEL_INFO)
          g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
        return TRUE;
      }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not a log level; use error, warning, message, info or debug"), name);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Running                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct {
  GMainLoop     *loop;
  LanyardServer *server;
  gboolean       stopping;
  gboolean       clean;
} Daemon;

static void
on_shutdown_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;

  daemon->clean = lanyard_server_shutdown_finish (LANYARD_SERVER (object), result, &error);
  if (!daemon->clean)
    g_warning ("The shutdown did not finish cleanly: %s", error->message);
  g_main_loop_quit (daemon->loop);
}

static gboolean
on_signal_cb (gpointer user_data)
{
  Daemon *daemon = user_data;

  if (daemon->stopping)
    {
      g_message ("Still finishing requests in flight; they are cancelled after %d seconds",
                 SHUTDOWN_GRACE_MS / 1000);
      return G_SOURCE_CONTINUE;
    }

  daemon->stopping = TRUE;
  g_message ("Shutting down: finishing the requests in flight");
  lanyard_server_shutdown_async (daemon->server, SHUTDOWN_GRACE_MS, on_shutdown_cb, daemon);

  return G_SOURCE_CONTINUE;
}

static int
create_admin (const char *database,
              const char *email,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardSqliteStore) store = NULL;
  g_autoptr(LanyardAuth) auth = NULL;
  g_autoptr(LanyardStaff) staff = NULL;
  g_autofree char *default_name = NULL;

  if (!(store = lanyard_sqlite_store_open (database, &error)) ||
      !(auth = lanyard_auth_new (database, NULL, &error)))
    {
      g_printerr (_("lanyardd: could not open the database %s: %s\n"), database, error->message);
      return EXIT_DATABASE;
    }

  if (name == NULL)
    {
      const char *at = strchr (email, '@');

      default_name = at ? g_strndup (email, at - email) : g_strdup (email);
      name = default_name;
    }

  if (!(staff = lanyard_auth_create_admin (auth, email, name, &error)))
    {
      g_printerr (_("lanyardd: could not create the administrator %s: %s\n"), email, error->message);
      return g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE) ?
             EXIT_DATABASE : EXIT_USAGE;
    }

  g_print (_("Created the administrator account %s (%s) in %s, with the Administrator role for every facility.\n"
             "Sign in with that address: the server mails a one-time code to it.\n"),
           staff->email, staff->name, database);
  return EXIT_OK;
}

#define CREDENTIAL_PREFIX "credential:"

/*
 * A file setting given as "credential:NAME" is NAME in the directory
 * systemd hands the service its credentials in (LoadCredential=,
 * $CREDENTIALS_DIRECTORY); anything else is a path as it is. Replaces
 * *@inout_path; FALSE when the credential cannot be named.
 */
static gboolean
resolve_credential (char       **inout_path,
                    GError     **error)
{
  const char *value = *inout_path;
  const char *name, *directory;

  if (value == NULL || !g_str_has_prefix (value, CREDENTIAL_PREFIX))
    return TRUE;

  name = value + strlen (CREDENTIAL_PREFIX);
  if (*name == '\0' || strchr (name, '/') != NULL || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” does not name a credential; use credential:NAME with a NAME of LoadCredential="), value);
      return FALSE;
    }

  directory = g_getenv ("CREDENTIALS_DIRECTORY");
  if (directory == NULL || *directory == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is a systemd credential, but CREDENTIALS_DIRECTORY is not set: "
                     "run lanyardd from its unit (LoadCredential=%s:PATH), or give a path"),
                   value, name);
      return FALSE;
    }

  *inout_path = g_build_filename (directory, name, NULL);
  g_free ((char *) value);
  return TRUE;
}

static gboolean
read_smtp_password (Options  *options,
                    GError  **error)
{
  g_autofree char *contents = NULL;

  if (options->smtp_password_file == NULL)
    return TRUE;

  if (!g_file_get_contents (options->smtp_password_file, &contents, NULL, error))
    return FALSE;

  g_strchomp (contents);
  options->smtp.password = g_steal_pointer (&contents);
  return TRUE;
}

/* STARTTLS is required unless told otherwise, but for a relay on this machine. */
static gboolean
smtp_default_require_tls (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  return !(host != NULL &&
           (g_ascii_strcasecmp (host, "localhost") == 0 ||
            strcmp (host, "127.0.0.1") == 0 || strcmp (host, "::1") == 0));
}

static gboolean
address_is_loopback (const char *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);

  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

int
main (int    argc,
      char **argv)
{
  g_auto(Options) options = { .port = -1, .smtp_require_tls = -1 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(LanyardSqliteStore) store = NULL;
  g_autoptr(LanyardMailQueue) mail = NULL;
  g_autoptr(LanyardAuth) auth = NULL;
  g_autoptr(LanyardServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;
  Daemon daemon = { 0 };
  guint sigterm_id, sigint_id;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &options.config_file, N_("Read settings from FILE (flags override it)"), N_("FILE") },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &options.database, N_("The SQLite database (created when missing)"), N_("FILE") },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &options.listen, N_("The IP address to listen on (default 127.0.0.1)"), N_("ADDRESS") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &options.port, N_("The port (default 8080, or 8443 with TLS)"), N_("N") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_cert, N_("The TLS certificate (PEM); serve HTTPS"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_key, N_("The TLS private key (PEM)"), N_("FILE") },
    { "log-level", 0, 0, G_OPTION_ARG_STRING, &options.log_level, N_("error, warning, message (default), info or debug"), N_("LEVEL") },
    { "create-admin", 0, 0, G_OPTION_ARG_STRING, &options.create_admin, N_("Create an administrator account and exit"), N_("EMAIL") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &options.name, N_("The administrator's name, with --create-admin"), N_("NAME") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options.version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("The Lanyard server: the /api/v1 REST API of a Lanyard database."));
  g_option_context_set_description (context,
    _("Configuration file (GKeyFile):\n"
      "  [server] database, listen, port, tls-certificate, tls-key, log-level\n"
      "  [smtp]   url, from, username, password-file, require-tls\n"
      "\n"
      "A file setting (--tls-cert, --tls-key, tls-certificate, tls-key,\n"
      "password-file) given as credential:NAME is the file NAME in\n"
      "$CREDENTIALS_DIRECTORY, where systemd puts what the unit's\n"
      "LoadCredential=NAME:PATH loads; anything else is a path.\n"
      "\n"
      "Plain HTTP is served on loopback addresses only; any other address\n"
      "needs --tls-cert and --tls-key. SIGTERM and SIGINT shut down cleanly,\n"
      "finishing requests in flight (at most 10 seconds) and the mail\n"
      "being sent (at most 40 seconds).\n"
      "\n"
      "Exit status:\n"
      "  0  stopped cleanly, or --create-admin / --version done\n"
      "  1  bad command line or configuration file\n"
      "  2  the database could not be opened\n"
      "  3  could not listen (address, port or TLS certificate)\n"
      "  4  the shutdown did not finish cleanly\n"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("lanyardd: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (options.version)
    {
      g_print ("lanyardd %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  if (options.config_file != NULL && !options_load_config (&options, options.config_file, &error))
    {
      g_printerr (_("lanyardd: could not read the configuration file %s: %s\n"),
                  options.config_file, error->message);
      return EXIT_USAGE;
    }

  if (!set_log_level (options.log_level, &error))
    {
      g_printerr ("lanyardd: %s\n", error->message);
      return EXIT_USAGE;
    }
  g_log_set_writer_func (log_writer, NULL, NULL);

  if (options.database == NULL)
    {
      g_printerr (_("lanyardd: no database given; use --database FILE or “database” in the [server] group of --config\n"));
      return EXIT_USAGE;
    }

  if (options.create_admin != NULL)
    return create_admin (options.database, options.create_admin, options.name);

  if (!resolve_credential (&options.tls_cert, &error) ||
      !resolve_credential (&options.tls_key, &error) ||
      !resolve_credential (&options.smtp_password_file, &error))
    {
      g_printerr ("lanyardd: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (options.listen == NULL)
    options.listen = g_strdup (DEFAULT_ADDRESS);
  if (options.port < 0)
    options.port = options.tls_cert ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT;
  if (options.port > G_MAXUINT16)
    {
      g_printerr (_("lanyardd: %d is not a port; use a number from 0 to 65535\n"), options.port);
      return EXIT_USAGE;
    }

  if ((options.tls_cert == NULL) != (options.tls_key == NULL))
    {
      g_printerr (_("lanyardd: give both --tls-cert and --tls-key, or neither\n"));
      return EXIT_USAGE;
    }

  if (options.tls_cert == NULL && !address_is_loopback (options.listen))
    {
      g_printerr (_("lanyardd: refusing to serve plain HTTP on %s, which is not a loopback address: "
                    "give --tls-cert and --tls-key (or tls-certificate and tls-key in the configuration file), "
                    "or listen on 127.0.0.1\n"),
                  options.listen);
      return EXIT_LISTEN;
    }

  if (options.tls_cert != NULL &&
      !(certificate = g_tls_certificate_new_from_files (options.tls_cert, options.tls_key, &error)))
    {
      g_printerr (_("lanyardd: could not read the TLS certificate %s and key %s: %s\n"),
                  options.tls_cert, options.tls_key, error->message);
      return EXIT_LISTEN;
    }

  if (!read_smtp_password (&options, &error))
    {
      g_printerr (_("lanyardd: could not read the SMTP password file %s: %s\n"),
                  options.smtp_password_file, error->message);
      return EXIT_USAGE;
    }
  options.smtp.require_tls = options.smtp_require_tls >= 0 ? options.smtp_require_tls
                                                           : smtp_default_require_tls (options.smtp.url);

  if (!(store = lanyard_sqlite_store_open (options.database, &error)))
    {
      g_printerr (_("lanyardd: could not open the database %s: %s\n"), options.database, error->message);
      return EXIT_DATABASE;
    }
  if (lanyard_sqlite_store_get_migration_backup (store) != NULL)
    g_message ("Migrated the database; the old one was kept as %s",
               lanyard_sqlite_store_get_migration_backup (store));

  if (!(mail = lanyard_mail_queue_new (options.database, &options.smtp, &error)) ||
      !(auth = lanyard_auth_new (options.database, mail, &error)))
    {
      g_printerr (_("lanyardd: could not open the database %s: %s\n"), options.database, error->message);
      return EXIT_DATABASE;
    }
  if (options.smtp.url == NULL)
    g_warning ("No SMTP relay is configured ([smtp] url): sign-in codes stay queued and are not sent");
  lanyard_mail_queue_start (mail);

  loop = g_main_loop_new (NULL, FALSE);
  server = lanyard_server_new (store, auth);
  if (!lanyard_server_listen (server, options.listen, options.port, certificate, &error))
    {
      g_printerr (_("lanyardd: could not listen on %s port %d: %s\n"),
                  options.listen, options.port, error->message);
      lanyard_mail_queue_stop (mail);
      return EXIT_LISTEN;
    }

  daemon.loop = loop;
  daemon.server = server;
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal_cb, &daemon);
  sigint_id = g_unix_signal_add (SIGINT, on_signal_cb, &daemon);

  url = lanyard_server_dup_url (server);
  g_message ("lanyardd %s listening on %s (database %s)", PACKAGE_VERSION, url, options.database);

  g_main_loop_run (loop);

  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  lanyard_mail_queue_stop (mail);
  g_message ("Stopped");

  return daemon.clean ? EXIT_OK : EXIT_SHUTDOWN;
}
