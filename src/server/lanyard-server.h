/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lanyard-auth.h"
#include "lanyard-sqlite-store.h"

G_BEGIN_DECLS

/*
 * LanyardServer: the /api/v1 REST API of docs/api.md over a SoupServer.
 * Requests are read on the thread-default main context the server was
 * created in and run on worker threads (the store calls block); each
 * request checks its bearer token and its permission first, and is
 * attributed to its staff member in the audit log.
 *
 * Tests run one in-process: create it on a thread with its own main
 * context, listen on loopback port 0, point a LanyardRemoteStore at
 * lanyard_server_dup_url().
 */
#define LANYARD_TYPE_SERVER (lanyard_server_get_type ())

G_DECLARE_FINAL_TYPE (LanyardServer, lanyard_server, LANYARD, SERVER, GObject)

LanyardServer *lanyard_server_new         (LanyardSqliteStore  *store,
                                           LanyardAuth         *auth);

/*
 * Listens on @address (an IP address; "127.0.0.1", "::1", "0.0.0.0") and
 * @port (0: any free one). With @certificate (certificate and private key)
 * the server speaks HTTPS only; without one it refuses, with
 * G_IO_ERROR_PERMISSION_DENIED, any address that is not loopback.
 */
gboolean       lanyard_server_listen      (LanyardServer       *self,
                                           const char          *address,
                                           guint                port,
                                           GTlsCertificate     *certificate,
                                           GError             **error);

/* "http://127.0.0.1:PORT" or "https://…": the base URL (without /api/v1) of the first address listened on. */
char          *lanyard_server_dup_url     (LanyardServer       *self);

/*
 * Stops accepting connections and requests, lets the requests in flight
 * finish (or cancels them after @grace_ms), then calls back. The main
 * context must keep running meanwhile.
 */
void           lanyard_server_shutdown_async  (LanyardServer       *self,
                                               guint                grace_ms,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       lanyard_server_shutdown_finish (LanyardServer       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
