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
/*
 * A window for the server at @url, before there is a store: it says it is
 * connecting, until lanyard_window_show_server_error() tells it otherwise
 * or the application replaces it with a window on the store.
 */
LanyardWindow *lanyard_window_new_for_server   (GtkApplication *application,
                                                const char     *url,
                                                const char     *email);
/*
 * Connecting to the server of a window made by lanyard_window_new_for_server()
 * failed: UNAVAILABLE says so and tries again (through the application)
 * with back-off; UNAUTHENTICATED offers to sign in; anything else is shown.
 */
void           lanyard_window_show_server_error (LanyardWindow *self,
                                                 const GError  *error);
/*
 * A call to the window's store failed with @error. When the store is a
 * server's and @error says it cannot be reached (UNAVAILABLE) or no longer
 * accepts the sign-in (UNAUTHENTICATED), the window shows a banner, marks
 * what it shows as not current and tries again with back-off (or offers
 * to sign in again), and this returns TRUE: the caller need not say it
 * again. Anything else returns FALSE.
 */
gboolean       lanyard_window_report_store_error (LanyardWindow *self,
                                                  const GError  *error);
/* TRUE when the window has a store and nothing says it cannot be reached. */
gboolean       lanyard_window_get_connected    (LanyardWindow  *self);
/* TRUE while something typed in the person pane has not been stored. */
gboolean       lanyard_window_get_has_unsaved_changes (LanyardWindow *self);
/* Shows @text (plain text) in a toast. */
void           lanyard_window_toast            (LanyardWindow  *self,
                                                const char     *text);
LanyardStore  *lanyard_window_get_store        (LanyardWindow  *self);
/* TRUE until the window shows what it read from the store (or why it could not). */
gboolean       lanyard_window_get_busy         (LanyardWindow  *self);
/* Renders the window into a PNG file (screenshots for scripts and tests). */
gboolean       lanyard_window_save_screenshot  (LanyardWindow  *self,
                                                const char     *path,
                                                GError        **error);

G_END_DECLS
