/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "lanyard-connection.h"

/* Server addresses */

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);

  return address != NULL && g_inet_address_get_is_loopback (address);
}

static int
default_port (const char *scheme)
{
  return g_str_equal (scheme, "https") ? 443 : 80;
}

char *
lanyard_connection_check_url (const char  *text,
                              GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *with_scheme = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *lower_host = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *host;
  const char *path;
  int port;

  g_return_val_if_fail (text != NULL, NULL);

  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "");
      return NULL;
    }

  /* A bare host name is what people type: it means https. */
  if (strstr (trimmed, "://") == NULL)
    with_scheme = g_strconcat ("https://", trimmed, NULL);
  else
    with_scheme = g_strdup (trimmed);

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      strchr (g_uri_get_host (uri), ' ') != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("This is not a server address. Type it like lanyard.example.org."));
      return NULL;
    }

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  host = lower_host = g_ascii_strdown (g_uri_get_host (uri), -1);
  if (!g_str_equal (scheme, "https") && !g_str_equal (scheme, "http"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A Lanyard server is reached with https://."));
      return NULL;
    }

  if (g_str_equal (scheme, "http") && !host_is_loopback (host))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Use https://: sign-in codes and tokens only travel encrypted. "
                             "Plain http:// is for a server on this computer only."));
      return NULL;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type the address without a user name."));
      return NULL;
    }

  path = g_uri_get_path (uri);
  if ((*path != '\0' && !g_str_equal (path, "/")) || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type the server’s address only, without a path such as /api/v1."));
      return NULL;
    }

  port = g_uri_get_port (uri);
  if (port == default_port (scheme))
    port = -1;

  return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, host, port, "", NULL, NULL);
}

char *
lanyard_connection_dup_host (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;
  int port;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url);

  host = g_uri_get_host (uri);
  port = g_uri_get_port (uri);
  if (port < 0 || port == default_port (g_uri_get_scheme (uri)))
    return g_strdup (host);
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%d", host, port);

  return g_strdup_printf ("%s:%d", host, port);
}

guint
lanyard_connection_retry_delay (guint attempt)
{
  return attempt >= 5 ? 60 : 2u << attempt;
}

char *
lanyard_connection_dup_try_again_text (guint seconds)
{
  guint minutes, hours, days;

  if (seconds < 60)
    /* Translators: a server asked to wait before trying again; %u is a number of seconds */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Try again in %u second.", "Try again in %u seconds.",
                                         seconds),
                            seconds);

  /* Rounded to the nearest: "about" says so. */
  minutes = (guint)(((guint64)seconds + 30) / 60);
  if (minutes < 90)
    /* Translators: a server asked to wait before trying again; %u is a number of minutes */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Try again in about %u minute.",
                                         "Try again in about %u minutes.", minutes),
                            minutes);

  hours = (guint)(((guint64)seconds + 1800) / 3600);
  if (hours < 48)
    /* Translators: a server asked to wait before trying again; %u is a number of hours */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Try again in about %u hour.",
                                         "Try again in about %u hours.", hours),
                            hours);

  days = (guint)(((guint64)seconds + 43200) / 86400);
  /* Translators: a server asked to wait before trying again; %u is a number of days */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Try again in about %u day.",
                                       "Try again in about %u days.", days),
                          days);
}

/* The token, with libsecret */

static const SecretSchema *
server_token_schema (void)
{
  static const SecretSchema schema = {
    "app.lanyard.Lanyard.ServerToken", SECRET_SCHEMA_NONE,
    {
      { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "email", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
on_token_looked_up_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  password = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Copied out of libsecret's non-pageable memory: the caller frees it with g_free(). */
  g_task_return_pointer (task, g_strdup (password), g_free);
  secret_password_free (password);
}

void
lanyard_server_token_lookup_async (const char          *url,
                                   const char          *email,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (url != NULL && email != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_server_token_lookup_async);
  secret_password_lookup (server_token_schema (), cancellable, on_token_looked_up_cb, task,
                          "url", url,
                          "email", email,
                          NULL);
}

char *
lanyard_server_token_lookup_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_server_token_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_token_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
lanyard_server_token_store_async (const char          *url,
                                  const char          *email,
                                  const char          *token,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *label = NULL;
  GTask *task;

  g_return_if_fail (url != NULL && email != NULL && token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_server_token_store_async);

  /* Translators: how the keyring (Passwords and Keys) names the item; %s is the email, then the server */
  label = g_strdup_printf (_("Lanyard sign-in for %s on %s"), email, url);
  secret_password_store (server_token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                         cancellable, on_token_stored_cb, task,
                         "url", url,
                         "email", email,
                         NULL);
}

gboolean
lanyard_server_token_store_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_server_token_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_token_cleared_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error: there was nothing to forget. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
lanyard_server_token_clear_async (const char          *url,
                                  const char          *email,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (url != NULL && email != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_server_token_clear_async);
  secret_password_clear (server_token_schema (), cancellable, on_token_cleared_cb, task,
                         "url", url,
                         "email", email,
                         NULL);
}

gboolean
lanyard_server_token_clear_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_server_token_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
