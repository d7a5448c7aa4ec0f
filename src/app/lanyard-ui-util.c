/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <glib/gi18n.h>

#include "lanyard-ui-util.h"
#include "lanyard-window.h"

void
lanyard_ui_toast (GtkWidget  *widget,
                  const char *text)
{
  GtkWidget *overlay;
  g_autofree char *title = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_warning ("%s", text);
      return;
    }

  /* Toast titles are markup. */
  title = g_markup_escape_text (text, -1);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
}

void
lanyard_ui_set_problem (GtkWidget  *widget,
                        const char *problem,
                        const char *hint)
{
  const char *description = problem != NULL ? problem : hint;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (problem != NULL)
    {
      gtk_widget_add_css_class (widget, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (widget),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (widget, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_INVALID);
    }

  if (description != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

AdwMessageDialog *
lanyard_ui_confirm_dialog_new (GtkWidget  *widget,
                               const char *heading,
                               const char *body,
                               const char *cancel_label,
                               const char *confirm_id,
                               const char *confirm_label)
{
  GtkRoot *root;
  AdwMessageDialog *dialog;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (heading != NULL, NULL);
  g_return_val_if_fail (confirm_id != NULL && confirm_label != NULL, NULL);

  root = gtk_widget_get_root (widget);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", cancel_label != NULL ? cancel_label : _("_Cancel"),
                                    confirm_id, confirm_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, confirm_id, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  return dialog;
}

gboolean
lanyard_ui_report_store_error (GtkWidget    *widget,
                               const GError *error)
{
  GtkRoot *root;
  GtkWindow *window;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  if (error == NULL)
    return FALSE;

  root = gtk_widget_get_root (widget);
  window = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
  while (window != NULL && !LANYARD_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);

  return window != NULL && lanyard_window_report_store_error (LANYARD_WINDOW (window), error);
}

static void
on_create_popup_cb (GtkMenuButton *button,
                    gpointer       user_data)
{
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (user_data));
  /* Drops the model we held: the button has its own reference now. */
  gtk_menu_button_set_create_popup_func (button, NULL, NULL, NULL);
}

/**
 * lanyard_ui_set_menu_model_lazily:
 * @button: a menu button
 * @model: its menu
 *
 * Gives @button the menu @model, but builds the popover only when the
 * menu is first opened: a popover menu costs about 1.5 ms to build, and
 * most of a window's menus are not opened in a session.
 */
void
lanyard_ui_set_menu_model_lazily (GtkMenuButton *button,
                                  GMenuModel    *model)
{
  g_return_if_fail (GTK_IS_MENU_BUTTON (button));
  g_return_if_fail (G_IS_MENU_MODEL (model));

  gtk_menu_button_set_create_popup_func (button, on_create_popup_cb, g_object_ref (model), g_object_unref);
}

static void
on_spinner_mapped_changed_cb (GtkWidget *spinner,
                              gpointer   user_data)
{
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), gtk_widget_get_mapped (spinner));
}

/**
 * lanyard_ui_spin_while_mapped:
 * @spinner: a spinner on a page that is shown now and then
 *
 * Makes @spinner spin only while it is on screen. A spinning spinner is a
 * CSS animation, and GTK 4.8 animates it, restyling and relaying out the
 * window on every frame, even on a stack page that is not shown.
 */
void
lanyard_ui_spin_while_mapped (GtkSpinner *spinner)
{
  g_return_if_fail (GTK_IS_SPINNER (spinner));

  g_signal_connect (spinner, "map", G_CALLBACK (on_spinner_mapped_changed_cb), NULL);
  g_signal_connect (spinner, "unmap", G_CALLBACK (on_spinner_mapped_changed_cb), NULL);
  on_spinner_mapped_changed_cb (GTK_WIDGET (spinner), NULL);
}

/**
 * lanyard_ui_stack_show_child:
 * @stack: a stack
 * @child: one of its pages' children
 *
 * Shows @child's page, making @child visible first. Pages that are seldom
 * shown (empty states, errors, sections not built yet) start hidden in the
 * .ui files: GTK styles every visible widget of a window when it opens,
 * shown page or not.
 */
void
lanyard_ui_stack_show_child (GtkStack  *stack,
                             GtkWidget *child)
{
  g_return_if_fail (GTK_IS_STACK (stack));
  g_return_if_fail (GTK_IS_WIDGET (child));

  gtk_widget_set_visible (child, TRUE);
  gtk_stack_set_visible_child (stack, child);
}

/* lanyard_ui_stack_show_child() by the page's name. */
void
lanyard_ui_stack_show (GtkStack   *stack,
                       const char *name)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_STACK (stack));

  child = gtk_stack_get_child_by_name (stack, name);
  g_return_if_fail (child != NULL);
  lanyard_ui_stack_show_child (stack, child);
}
