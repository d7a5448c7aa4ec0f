/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-server.h"
#include "lanyard-test-utils.h"

G_BEGIN_DECLS

/*
 * An in-process lanyardd for tests: a SQLite store in a test directory,
 * LanyardAuth over the same file, and a LanyardServer listening on
 * 127.0.0.1 port 0, run on a thread with its own main context so that the
 * test's thread can make blocking calls to it.
 */
typedef struct _LanyardTestServer LanyardTestServer;

/* Starts one over @dir/lanyard.db (created); "admin@example.org" is an administrator. */
LanyardTestServer  *lanyard_test_server_start      (const char        *dir);
/* "http://127.0.0.1:PORT" */
const char         *lanyard_test_server_get_url    (LanyardTestServer *self);
LanyardSqliteStore *lanyard_test_server_get_store  (LanyardTestServer *self);
LanyardAuth        *lanyard_test_server_get_auth   (LanyardTestServer *self);
/* The server itself; it runs on the harness's thread, so only thread-safe calls from the test's. */
LanyardServer      *lanyard_test_server_get_server (LanyardTestServer *self);
/* A bearer token for @email (an existing active account), through a code as a client would get one. */
char               *lanyard_test_server_sign_in    (LanyardTestServer *self,
                                                    const char        *email);
/* Shuts the server down (finishing requests in flight) and frees it; the store files stay. */
void                lanyard_test_server_stop       (LanyardTestServer *self);

#define LANYARD_TEST_ADMIN_EMAIL "admin@example.org"

G_END_DECLS
