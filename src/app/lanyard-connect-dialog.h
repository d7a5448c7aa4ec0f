/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-core.h"
#include "lanyard-remote-store.h"

G_BEGIN_DECLS

/*
 * LanyardConnectDialog: signing in to a Lanyard server, in three steps —
 * the server's address (checked as typed), the email a one-time code is
 * mailed to ("Send Code"), then the code ("Sign In"). On success the token
 * is kept with libsecret, the dialog connects and emits "signed-in" with
 * the connected store, then closes. Errors are said on the step they
 * belong to and keep what was typed; Back goes a step back, Cancel stops
 * a request in flight (or closes the dialog when there is none).
 *
 * Signals:
 *  - signed-in (LanyardRemoteStore *store, const char *notice): connected.
 *    @notice is NULL, or a sentence to show once the window is on the new
 *    store (the keyring could not keep the sign-in, for example).
 */
#define LANYARD_TYPE_CONNECT_DIALOG (lanyard_connect_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LanyardConnectDialog, lanyard_connect_dialog, LANYARD, CONNECT_DIALOG, AdwWindow)

/*
 * @url and @email: what to fill in (the last server used), or NULL. With
 * both, the dialog opens on the email step, ready to send a code.
 */
LanyardConnectDialog *lanyard_connect_dialog_new (GtkWindow  *parent,
                                                  const char *url,
                                                  const char *email);

G_END_DECLS
