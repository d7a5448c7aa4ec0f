/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Helpers for widget tests: running the main loop until something holds
 * and finding widgets by the ids they have in their .ui files.
 */

/*
 * g_test_init(), then GTK and libadwaita with the app's style sheet, as
 * AdwApplication gives it to the app. Returns FALSE, having printed a TAP
 * skip, when there is no display: main() should then return 0.
 */
gboolean  lanyard_test_init_widgets      (int          *argc,
                                          char       ***argv);

/*
 * Runs the main loop until @done returns TRUE; fails the test after 30 s,
 * with a message that says it timed out waiting for @what.
 */
void      lanyard_test_wait_for          (gboolean    (*done) (gpointer data),
                                          gpointer      data,
                                          const char   *what);
/* Runs the main loop until @done returns TRUE (then TRUE) or @timeout_ms have passed (then FALSE). */
gboolean  lanyard_test_wait_until        (gboolean    (*done) (gpointer data),
                                          gpointer      data,
                                          guint         timeout_ms);
/* Runs the main loop, without blocking, for @ms milliseconds. */
void      lanyard_test_wait_ms           (guint         ms);
/* The widget under @widget (itself included) with this .ui id, or NULL. */
GObject  *lanyard_test_find_by_id        (GtkWidget    *widget,
                                          const char   *id);
/* The first widget of a type: for widgets built in code, which have no id. */
GtkWidget *lanyard_test_find_by_type    (GtkWidget    *widget,
                                         GType         type);
/* As lanyard_test_find_by_id(), failing the test when there is none. */
gpointer  lanyard_test_get_widget        (GtkWidget    *widget,
                                          const char   *id);
/* Renders @widget's window, as it is now, into a PNG file; asserts it worked. */
void      lanyard_test_save_screenshot   (GtkWidget    *widget,
                                          const char   *path);
/* Renders @widget's window into a PNG under $LANYARD_TEST_SCREENSHOTS, if set. */
void      lanyard_test_maybe_screenshot  (GtkWidget    *widget,
                                          const char   *name);

G_END_DECLS
