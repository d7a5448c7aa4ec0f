/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * Small things every part of the window does alike: telling the user
 * something in a toast, and asking before something is destroyed.
 */

/* Shows @text (plain text, not markup) in the toast overlay @widget is in. */
void              lanyard_ui_toast               (GtkWidget  *widget,
                                                  const char *text);

/*
 * Marks a form row as holding a problem (@problem, a sentence) or not:
 * the "error" style, the accessible invalid state, and the problem as the
 * row's accessible description; without a problem the description becomes
 * @hint, or none.
 */
void              lanyard_ui_set_problem         (GtkWidget  *widget,
                                                  const char *problem,
                                                  const char *hint);

/*
 * A message dialog over @widget's window that asks before destroying
 * something: a response "cancel" (labelled @cancel_label, or Cancel when
 * NULL; also what Escape and closing answer, and the default) and a
 * destructive one, @confirm_id, labelled @confirm_label. Connect to
 * "response", then present it.
 */
AdwMessageDialog *lanyard_ui_confirm_dialog_new  (GtkWidget  *widget,
                                                  const char *heading,
                                                  const char *body,
                                                  const char *cancel_label,
                                                  const char *confirm_id,
                                                  const char *confirm_label);

/*
 * Hands a store error to the main window @widget is in (or a dialog of it
 * is over): when it says the server cannot be reached or no longer takes
 * the sign-in, the window shows so in a banner and tries again, and this
 * returns TRUE. Otherwise FALSE: the caller says it as it would.
 */
gboolean          lanyard_ui_report_store_error  (GtkWidget    *widget,
                                                  const GError *error);

void              lanyard_ui_set_menu_model_lazily (GtkMenuButton *button,
                                                    GMenuModel    *model);

void              lanyard_ui_spin_while_mapped     (GtkSpinner    *spinner);

void              lanyard_ui_stack_show            (GtkStack      *stack,
                                                    const char    *name);
void              lanyard_ui_stack_show_child      (GtkStack      *stack,
                                                    GtkWidget     *child);

G_END_DECLS
