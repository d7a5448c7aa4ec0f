/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lanyard-mail-queue.h"

G_BEGIN_DECLS

/*
 * LanyardAuth: staff accounts, one-time sign-in codes and bearer tokens,
 * kept in the server's database (the tables of the core schema:
 * staff_account, staff_pass, role, sign_in_code, auth_token). See
 * docs/api.md "Signing in" for the rules: 8-digit codes valid 10 minutes,
 * 5 wrong tries spend a code, 5 codes per email and 20 per client address
 * in 15 minutes, 256-bit tokens stored as SHA-256, valid 30 days.
 *
 * Thread-safe: the server calls it from its request worker threads. It has
 * its own connection to the database file (WAL), beside the store's.
 * Errors are in the LANYARD_STORE_ERROR domain: UNAUTHENTICATED,
 * RATE_LIMITED, INVALID (an email that is not one), NOT_FOUND, DUPLICATE.
 * Tests move its clock with lanyard-auth-private.h.
 */
#define LANYARD_TYPE_AUTH (lanyard_auth_get_type ())

G_DECLARE_FINAL_TYPE (LanyardAuth, lanyard_auth, LANYARD, AUTH, GObject)

/* The signed-in staff member a token belongs to. */
typedef struct {
  gint64  id;
  char   *email;
  char   *name;
  gboolean active;
  gint64  created_at;       /* µs since the epoch */
  gint64  last_sign_in_at;  /* 0: never */
} LanyardStaff;

LanyardStaff *lanyard_staff_copy (const LanyardStaff *self);
void          lanyard_staff_free (LanyardStaff       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardStaff, lanyard_staff_free)

/*
 * Opens the auth tables of the database at @path (created and migrated by
 * lanyard_sqlite_store_open(), which must have opened it first). Codes are
 * mailed through @mail (may be NULL in tests that read codes with
 * lanyard_auth_issue_code()).
 */
LanyardAuth  *lanyard_auth_new                (const char        *path,
                                               LanyardMailQueue  *mail,
                                               GError           **error);

/* A new active account with the Administrator role for every facility; DUPLICATE when the email has one. */
LanyardStaff *lanyard_auth_create_admin       (LanyardAuth       *self,
                                               const char        *email,
                                               const char        *name,
                                               GError           **error);

/* Activates or deactivates an account; deactivating revokes nothing but makes every token of it fail. */
gboolean      lanyard_auth_set_active         (LanyardAuth       *self,
                                               const char        *email,
                                               gboolean           active,
                                               GError           **error);

/*
 * POST /auth/code: when @email belongs to an active account, makes a code
 * and queues the mail that carries it. TRUE as well when the email is
 * unknown (no mail then). RATE_LIMITED with *@retry_after_seconds set when
 * the email or @client_address asked too often.
 */
gboolean      lanyard_auth_request_code       (LanyardAuth       *self,
                                               const char        *email,
                                               const char        *client_address,
                                               guint             *retry_after_seconds,
                                               GError           **error);

/*
 * Like lanyard_auth_request_code() without rate limits or mail: returns
 * the code in clear. For tests and for --create-admin's first sign-in.
 */
char         *lanyard_auth_issue_code         (LanyardAuth       *self,
                                               const char        *email,
                                               GError           **error);

/*
 * POST /auth/token: a new token for @email when @code is its latest
 * unspent, unexpired code. UNAUTHENTICATED for a wrong, expired or spent
 * code; RATE_LIMITED once 5 wrong tries spent it.
 */
char         *lanyard_auth_exchange_code      (LanyardAuth       *self,
                                               const char        *email,
                                               const char        *code,
                                               gint64            *out_expires_at,
                                               LanyardStaff     **out_staff,
                                               GError           **error);

/*
 * The account @token belongs to; UNAUTHENTICATED when it is unknown,
 * expired, revoked or the account inactive, each with its own message.
 * Cheap enough for every request (about a microsecond): a good answer is
 * cached for a few seconds, dropped at once by revoke_token() and
 * set_active() on this object; a change made by another process (the
 * CLI) is seen when the entry ages out.
 */
LanyardStaff *lanyard_auth_check_token        (LanyardAuth       *self,
                                               const char        *token,
                                               gint64            *out_expires_at,
                                               GError           **error);

/* Revokes @token (sign-out). Revoking an unknown or revoked token is not an error. */
gboolean      lanyard_auth_revoke_token       (LanyardAuth       *self,
                                               const char        *token,
                                               GError           **error);

/*
 * Whether @staff_id holds @permission ("people.read", "grants" …, see
 * docs/api.md) in @facility_id, through a role for that facility or for
 * all facilities. @facility_id 0 asks for a role that covers all
 * facilities.
 */
gboolean      lanyard_auth_has_permission     (LanyardAuth       *self,
                                               gint64             staff_id,
                                               gint64             facility_id,
                                               const char        *permission);

G_END_DECLS
