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
