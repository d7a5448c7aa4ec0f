/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * LanyardApplication: opens the local store (off the main thread; created
 * on first start) and shows a window on it.
 */
#define LANYARD_TYPE_APPLICATION (lanyard_application_get_type ())

G_DECLARE_FINAL_TYPE (LanyardApplication, lanyard_application, LANYARD, APPLICATION, AdwApplication)

LanyardApplication *lanyard_application_new (void);

/* The database the app opens: $LANYARD_DATABASE when set, else the default local one. */
char               *lanyard_application_dup_database_path (void);

/* With LANYARD_PROFILE set, notes on stderr when launching reached @what (for bench/lanyard-app-bench). */
void                lanyard_application_profile_mark      (const char *what);

G_END_DECLS
