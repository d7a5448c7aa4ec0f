/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-core.h"

G_BEGIN_DECLS

/*
 * LanyardWindow: the main window — the sections in a sidebar, the current
 * facility and the connection in view, the section's page next to them.
 */
#define LANYARD_TYPE_WINDOW (lanyard_window_get_type ())

G_DECLARE_FINAL_TYPE (LanyardWindow, lanyard_window, LANYARD, WINDOW, AdwApplicationWindow)

/* A window on @store; @application may be NULL (tests). */
LanyardWindow *lanyard_window_new              (GtkApplication *application,
                                                LanyardStore   *store);
/* The same, with the store's facilities as lanyard_store_list_facilities() gave them. */
LanyardWindow *lanyard_window_new_with_facilities (GtkApplication *application,
                                                   LanyardStore   *store,
                                                   GPtrArray      *facilities);
/* A window that says why the database at @path could not be opened. */
LanyardWindow *lanyard_window_new_for_error    (GtkApplication *application,
                                                const char     *path,
                                                const GError   *error);
LanyardStore  *lanyard_window_get_store        (LanyardWindow  *self);
/* TRUE until the window shows what it read from the store (or why it could not). */
gboolean       lanyard_window_get_busy         (LanyardWindow  *self);
/* Renders the window into a PNG file (screenshots for scripts and tests). */
gboolean       lanyard_window_save_screenshot  (LanyardWindow  *self,
                                                const char     *path,
                                                GError        **error);

G_END_DECLS
