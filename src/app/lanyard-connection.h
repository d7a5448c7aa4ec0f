/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Where the app's data comes from: the rules for a server's address, how
 * the header names a connection, and the server token, kept with
 * libsecret (inside Flatpak it goes through the secret portal by itself)
 * under the schema "app.lanyard.Lanyard.ServerToken", keyed by the
 * server's URL and the staff member's email. Never in a file.
 */

/*
 * Checks a server address as typed and returns it as the remote store
 * wants it: "https://host[:port]", no path, no trailing slash. A bare
 * host name means https. Plain http is allowed for this computer only
 * (localhost, 127.0.0.0/8, ::1). NULL with G_IO_ERROR_INVALID_ARGUMENT
 * and a sentence for the user otherwise; an empty @text is
 * G_IO_ERROR_INVALID_ARGUMENT with no message worth showing
 * (@error's message is then "").
 */
char     *lanyard_connection_check_url          (const char          *text,
                                                 GError             **error);

/* "lanyard.example.org" (with ":port" when not the scheme's default) for a URL checked above. */
char     *lanyard_connection_dup_host           (const char          *url);

/* The back-off between tries to reach a server: 2, 4, 8, 16, 32, then 60 seconds. */
guint     lanyard_connection_retry_delay        (guint                attempt);

/*
 * When to try again after a server asked to wait @seconds, as a person
 * says it: "Try again in 40 seconds.", "Try again in about 15 minutes.",
 * "Try again in about 2 hours.", "Try again in about 3 days."
 */
char     *lanyard_connection_dup_try_again_text (guint                seconds);

/* The token kept for @url and @email, or NULL (and no error) when there is none. */
void      lanyard_server_token_lookup_async     (const char          *url,
                                                 const char          *email,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
char     *lanyard_server_token_lookup_finish    (GAsyncResult        *result,
                                                 GError             **error);
void      lanyard_server_token_store_async      (const char          *url,
                                                 const char          *email,
                                                 const char          *token,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean  lanyard_server_token_store_finish     (GAsyncResult        *result,
                                                 GError             **error);
/* Forgets the token of @url and @email; TRUE also when there was none. */
void      lanyard_server_token_clear_async      (const char          *url,
                                                 const char          *email,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean  lanyard_server_token_clear_finish     (GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
