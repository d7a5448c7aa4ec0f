/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-core.h"

G_BEGIN_DECLS

/*
 * LanyardPreferencesWindow: the settings of the database in use — for now
 * the region phone numbers without a country code are read in.
 */
#define LANYARD_TYPE_PREFERENCES_WINDOW (lanyard_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (LanyardPreferencesWindow, lanyard_preferences_window, LANYARD, PREFERENCES_WINDOW, AdwPreferencesWindow)

LanyardPreferencesWindow *lanyard_preferences_window_new (GtkWindow    *parent,
                                                          LanyardStore *store);

G_END_DECLS
