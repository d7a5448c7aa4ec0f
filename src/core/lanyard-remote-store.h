/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-store.h"

G_BEGIN_DECLS

/*
 * LanyardRemoteStore: the store on a Lanyard server (lanyardd), through
 * its /api/v1 REST API (docs/api.md) with libsoup 3: HTTP/1.1 keep-alive,
 * the blocking vfuncs send from whichever worker thread calls them
 * (libsoup ≥ 3.2 allows that), every call cancellable. Same semantics and
 * error codes as the SQLite store: the server's error codes come back as
 * the LANYARD_STORE_ERROR they name; a server that cannot be reached is
 * LANYARD_STORE_ERROR_UNAVAILABLE; a token no longer accepted
 * LANYARD_STORE_ERROR_UNAUTHENTICATED.
 */
#define LANYARD_TYPE_REMOTE_STORE (lanyard_remote_store_get_type ())

G_DECLARE_FINAL_TYPE (LanyardRemoteStore, lanyard_remote_store, LANYARD, REMOTE_STORE, GObject)

/*
 * Connects to the server at @url ("https://lanyard.example.org", without
 * /api/v1) with @token: checks the token (GET /auth/session) and reads
 * what the store keeps at hand (the phone region). Blocking.
 * @tls_database: NULL for the system's trust store; tests pass one that
 * trusts their own certificate.
 */
LanyardRemoteStore *lanyard_remote_store_connect        (const char          *url,
                                                         const char          *token,
                                                         GTlsDatabase        *tls_database,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
void                lanyard_remote_store_connect_async  (const char          *url,
                                                         const char          *token,
                                                         GTlsDatabase        *tls_database,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
LanyardRemoteStore *lanyard_remote_store_connect_finish (GAsyncResult        *result,
                                                         GError             **error);

const char         *lanyard_remote_store_get_url        (LanyardRemoteStore  *self);
/* The signed-in staff member's email and name. */
const char         *lanyard_remote_store_get_email      (LanyardRemoteStore  *self);
const char         *lanyard_remote_store_get_name       (LanyardRemoteStore  *self);

/* Signs out: the server revokes the token. The store is of no use afterwards. */
gboolean            lanyard_remote_store_sign_out       (LanyardRemoteStore  *self,
                                                         GCancellable        *cancellable,
                                                         GError             **error);

/*
 * Sign-in, before there is a store: ask the server to mail a code to
 * @email, then exchange the code for a token (returned; keep it with
 * libsecret). Errors as above; RATE_LIMITED when asked too often.
 */
void                lanyard_remote_request_code_async   (const char          *url,
                                                         const char          *email,
                                                         GTlsDatabase        *tls_database,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            lanyard_remote_request_code_finish  (GAsyncResult        *result,
                                                         GError             **error);
void                lanyard_remote_exchange_code_async  (const char          *url,
                                                         const char          *email,
                                                         const char          *code,
                                                         GTlsDatabase        *tls_database,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
char               *lanyard_remote_exchange_code_finish (GAsyncResult        *result,
                                                         GError             **error);
/*
 * For a result of the two calls above that failed with RATE_LIMITED: the
 * seconds the server asked to wait (its Retry-After), 0 when it did not say.
 */
guint               lanyard_remote_sign_in_get_retry_after (GAsyncResult     *result);

G_END_DECLS
