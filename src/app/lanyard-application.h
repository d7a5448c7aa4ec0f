/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-remote-store.h"

G_BEGIN_DECLS

/*
 * LanyardApplication: opens the store the settings name — the local
 * database (off the main thread; created on first start), or a Lanyard
 * server with the token kept in the keyring — and shows a window on it.
 * Switching the connection builds a new window on the new store, at the
 * size of the old one, and closes the old one.
 */
#define LANYARD_TYPE_APPLICATION (lanyard_application_get_type ())

G_DECLARE_FINAL_TYPE (LanyardApplication, lanyard_application, LANYARD, APPLICATION, AdwApplication)

LanyardApplication *lanyard_application_new (void);

/* The database the app opens: $LANYARD_DATABASE when set, else the default local one. */
char               *lanyard_application_dup_database_path (void);

/*
 * Before GTK starts: on a machine without a GPU device in @dri_dir
 * ("/dev/dri"), makes GTK draw with cairo and not set up OpenGL, unless
 * GSK_RENDERER or GDK_DEBUG already say otherwise. Returns TRUE when it did.
 */
gboolean            lanyard_application_prefer_cairo_without_gpu (const char *dri_dir);

/* With LANYARD_PROFILE set, notes on stderr when launching reached @what (for bench/lanyard-app-bench). */
void                lanyard_application_profile_mark      (const char *what);

/* Shows the server @store is connected to, and opens it next time; @notice: a toast to show, or NULL. */
void                lanyard_application_use_server        (LanyardApplication *self,
                                                           LanyardRemoteStore *store,
                                                           const char         *notice);
/* Shows the local database, and opens it next time; the server's sign-in stays in the keyring. */
void                lanyard_application_use_local         (LanyardApplication *self,
                                                           const char         *notice);
/* Tries to connect to the saved server again (the window without a store says how it went). */
void                lanyard_application_reconnect         (LanyardApplication *self);
/* Signs out of the server (revoking the token when it can), forgets the token, shows the local database. */
void                lanyard_application_sign_out          (LanyardApplication *self);

G_END_DECLS
