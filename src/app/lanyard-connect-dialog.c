/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lanyard-connect-dialog.h"
#include "lanyard-connection.h"
#include "lanyard-ui-util.h"

#define CODE_LENGTH 8

typedef enum {
  STEP_SERVER,
  STEP_EMAIL,
  STEP_CODE,
} Step;

static const char * const step_names[] = { "server", "email", "code" };

struct _LanyardConnectDialog
{
  AdwWindow           parent_instance;

  Step                step;
  char               *url;          /* as checked, once past the first step */
  char               *email;        /* as checked, once past the second step */
  char               *token;        /* once the code was exchanged */
  GCancellable       *cancellable;  /* the request in flight, if any */
  gboolean            exchanging;   /* the request is (or last was) the code's exchange */
  guint               retry_after;  /* RATE_LIMITED: the seconds the server asked to wait; 0 when unsaid */

  /* Template widgets */
  GtkWidget          *cancel_button;
  GtkWidget          *back_button;
  GtkButton          *next_button;
  GtkSpinner         *spinner;
  GtkStack           *step_stack;
  AdwEntryRow        *url_row;
  GtkLabel           *url_message_label;
  GtkLabel           *email_intro_label;
  AdwEntryRow        *email_row;
  GtkLabel           *email_message_label;
  GtkLabel           *code_intro_label;
  AdwEntryRow        *code_row;
  GtkLabel           *code_message_label;
  GtkWidget          *resend_button;
};

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardConnectDialog, lanyard_connect_dialog, ADW_TYPE_WINDOW)

static void lanyard_connect_dialog_update (LanyardConnectDialog *self);

/* State */

static gboolean
lanyard_connect_dialog_is_waiting (LanyardConnectDialog *self)
{
  return self->cancellable != NULL;
}

/* Starts a request: returns its cancellable (owned by the dialog until it ends). */
static GCancellable *
lanyard_connect_dialog_begin_wait (LanyardConnectDialog *self)
{
  g_assert (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();
  lanyard_connect_dialog_update (self);

  return self->cancellable;
}

static void
lanyard_connect_dialog_end_wait (LanyardConnectDialog *self)
{
  g_clear_object (&self->cancellable);
  lanyard_connect_dialog_update (self);
}

/* The code as typed, without the spaces or dashes a mail client may add; NULL unless it is 8 digits. */
static char *
lanyard_connect_dialog_dup_code (LanyardConnectDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->code_row));
  GString *code = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (code, *p);
      else if (*p != ' ' && *p != '-')
        return (g_string_free (code, TRUE), NULL);
    }

  if (code->len != CODE_LENGTH)
    return (g_string_free (code, TRUE), NULL);

  return g_string_free (code, FALSE);
}

/* Shows @message under a step's entry (or hides it) and marks the entry for screen readers. */
static void
set_message (GtkLabel    *label,
             AdwEntryRow *row,
             const char  *message)
{
  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  lanyard_ui_set_problem (GTK_WIDGET (row), message, NULL);
}

static void
lanyard_connect_dialog_update (LanyardConnectDialog *self)
{
  gboolean waiting = lanyard_connect_dialog_is_waiting (self);
  gboolean ready = FALSE;
  const char *next_label = NULL;

  switch (self->step)
    {
    case STEP_SERVER:
      {
        g_autofree char *url = lanyard_connection_check_url (gtk_editable_get_text (GTK_EDITABLE (self->url_row)), NULL);

        ready = url != NULL;
        next_label = _("_Next");
      }
      break;

    case STEP_EMAIL:
      {
        g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));

        ready = *email != '\0';
        next_label = _("_Send Code");
      }
      break;

    case STEP_CODE:
      {
        g_autofree char *code = lanyard_connect_dialog_dup_code (self);

        ready = code != NULL;
        next_label = _("_Sign In");
      }
      break;

    default:
      g_assert_not_reached ();
    }

  gtk_button_set_label (self->next_button, next_label);

  /* While waiting, the start of the header stops the request; otherwise it goes back, or closes. */
  gtk_widget_set_visible (self->cancel_button, waiting || self->step == STEP_SERVER);
  gtk_widget_set_visible (self->back_button, !waiting && self->step != STEP_SERVER);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), waiting);
  gtk_spinner_set_spinning (self->spinner, waiting);
  /* Not insensitive: the focus stays in the entry, and what was typed stays readable. */
  gtk_editable_set_editable (GTK_EDITABLE (self->url_row), !waiting);
  gtk_editable_set_editable (GTK_EDITABLE (self->email_row), !waiting);
  gtk_editable_set_editable (GTK_EDITABLE (self->code_row), !waiting);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connect.next", ready && !waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connect.back", self->step != STEP_SERVER);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connect.resend", !waiting);
}

static void
lanyard_connect_dialog_go_to (LanyardConnectDialog *self,
                              Step                  step)
{
  GtkWidget *focus = NULL;

  self->step = step;
  gtk_stack_set_visible_child_name (self->step_stack, step_names[step]);

  switch (step)
    {
    case STEP_SERVER:
      focus = GTK_WIDGET (self->url_row);
      break;

    case STEP_EMAIL:
      {
        g_autofree char *host = lanyard_connection_dup_host (self->url);
        g_autofree char *intro = NULL;

        /* Translators: %s is a server's host name, such as lanyard.example.org */
        intro = g_strdup_printf (_("Lanyard mails a one-time sign-in code to the address of your staff account on %s."),
                                 host);
        gtk_label_set_label (self->email_intro_label, intro);
        focus = GTK_WIDGET (self->email_row);
      }
      break;

    case STEP_CODE:
      {
        g_autofree char *host = lanyard_connection_dup_host (self->url);
        g_autofree char *intro = NULL;

        /* Translators: the first %s is an email address, the second a server's host name */
        intro = g_strdup_printf (_("If %s has a staff account on %s, a mail with an 8-digit code is on its way. "
                                   "The code is valid for 10 minutes."),
                                 self->email, host);
        gtk_label_set_label (self->code_intro_label, intro);
        focus = GTK_WIDGET (self->code_row);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  lanyard_connect_dialog_update (self);
  gtk_widget_grab_focus (focus);
}

/* @message as a sentence: with a full stop unless it has one. */
static char *
as_sentence (const char *message)
{
  gsize len = strlen (message);

  if (len > 0 && strchr (".!?…", message[len - 1]) == NULL)
    return g_strconcat (message, ".", NULL);

  return g_strdup (message);
}

/* What a failed request means for the user, in a sentence or two, on the step it belongs to. */
static char *
describe_error (LanyardConnectDialog *self,
                const GError         *error)
{
  g_autofree char *said = as_sentence (error->message);

  if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE))
    /* Translators: %s says which server could not be reached and why */
    return g_strdup_printf (_("%s Check the address and the network connection, then try again."), said);

  if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_RATE_LIMITED))
    {
      g_autofree char *try_again = NULL;

      /* After wrong codes, only a new code helps. */
      if (self->exchanging)
        /* Translators: %s is what the server said */
        return g_strdup_printf (_("%s This code can no longer be used: send a new one."), said);

      /* Too many codes asked for: when to try again, as a person would say it, not in seconds. */
      if (self->retry_after == 0)
        return g_steal_pointer (&said);
      try_again = lanyard_connection_dup_try_again_text (self->retry_after);
      /* Translators: %s is a sentence such as "Try again in about 15 minutes." */
      return g_strdup_printf (_("Too many sign-in codes were asked for this address or from this computer. %s"),
                              try_again);
    }

  if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED))
    {
      if (self->exchanging)
        return g_strdup (_("This code is not right, or it has expired or been used. Check the mail, or send a new code."));
      return g_strdup (_("The server did not accept the sign-in. Send a new code and try again."));
    }

  if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_PERMISSION_DENIED))
    return g_strdup (_("This staff account may not use Lanyard on this server. Ask an administrator."));

  return g_steal_pointer (&said);
}

static void
lanyard_connect_dialog_show_error (LanyardConnectDialog *self,
                                   const GError         *error)
{
  g_autofree char *message = describe_error (self, error);

  switch (self->step)
    {
    case STEP_SERVER:
      set_message (self->url_message_label, self->url_row, message);
      gtk_widget_add_css_class (GTK_WIDGET (self->url_message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->url_message_label), "dim-label");
      break;

    case STEP_EMAIL:
      set_message (self->email_message_label, self->email_row, message);
      break;

    case STEP_CODE:
      set_message (self->code_message_label, self->code_row, message);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Signing in: exchange the code, keep the token, connect */

static void
on_connected_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LanyardConnectDialog) self = user_data;
  g_autoptr(LanyardRemoteStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *notice;

  store = lanyard_remote_store_connect_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  lanyard_connect_dialog_end_wait (self);

  if (store == NULL)
    {
      lanyard_connect_dialog_show_error (self, error);
      return;
    }

  /* The window this is over is about to be replaced: go first, and let go of it. */
  notice = g_object_get_data (G_OBJECT (self), "lanyard-notice");
  gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  gtk_window_destroy (GTK_WINDOW (self));
  g_signal_emit (self, signals[SIGNED_IN], 0, store, notice);
}

static void
lanyard_connect_dialog_connect (LanyardConnectDialog *self)
{
  GCancellable *cancellable = lanyard_connect_dialog_begin_wait (self);

  self->exchanging = FALSE;
  lanyard_remote_store_connect_async (self->url, self->token, NULL, cancellable,
                                      on_connected_cb, g_object_ref (self));
}

static void
on_token_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(LanyardConnectDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_server_token_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Working now matters more than next time: connect anyway, and say what it means. */
      g_debug ("Could not keep the server token in the keyring: %s", error->message);
      g_object_set_data_full (G_OBJECT (self), "lanyard-notice",
                              /* Translators: %s says why */
                              g_strdup_printf (_("The keyring could not keep the sign-in, so Lanyard will ask "
                                                 "for a new code next time (%s)."),
                                               error->message),
                              g_free);
    }

  lanyard_connect_dialog_end_wait (self);
  lanyard_connect_dialog_connect (self);
}

static void
on_code_exchanged_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(LanyardConnectDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token;
  GCancellable *cancellable;

  token = lanyard_remote_exchange_code_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  lanyard_connect_dialog_end_wait (self);

  if (token == NULL)
    {
      lanyard_connect_dialog_show_error (self, error);
      return;
    }

  g_clear_pointer (&self->token, g_free);
  self->token = token;

  cancellable = lanyard_connect_dialog_begin_wait (self);
  lanyard_server_token_store_async (self->url, self->email, self->token, cancellable,
                                    on_token_stored_cb, g_object_ref (self));
}

static void
on_code_requested_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(LanyardConnectDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_remote_request_code_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->retry_after = lanyard_remote_sign_in_get_retry_after (result);

      lanyard_connect_dialog_end_wait (self);
      lanyard_connect_dialog_show_error (self, error);
      return;
    }

  lanyard_connect_dialog_end_wait (self);

  if (self->step == STEP_CODE)
    {
      g_autofree char *intro = NULL;

      /* A new code: the one before no longer works. */
      gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
      set_message (self->code_message_label, self->code_row, NULL);
      /* Translators: %s is an email address */
      intro = g_strdup_printf (_("A new code is on its way to %s. Only the newest code works; it is valid for 10 minutes."),
                               self->email);
      gtk_label_set_label (self->code_intro_label, intro);
      gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
      return;
    }

  lanyard_connect_dialog_go_to (self, STEP_CODE);
}

static void
lanyard_connect_dialog_request_code (LanyardConnectDialog *self)
{
  GCancellable *cancellable = lanyard_connect_dialog_begin_wait (self);

  self->exchanging = FALSE;
  lanyard_remote_request_code_async (self->url, self->email, NULL, cancellable,
                                     on_code_requested_cb, g_object_ref (self));
}

/* Actions */

static void
connect_next_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  LanyardConnectDialog *self = LANYARD_CONNECT_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (lanyard_connect_dialog_is_waiting (self))
    return;

  switch (self->step)
    {
    case STEP_SERVER:
      {
        char *url = lanyard_connection_check_url (gtk_editable_get_text (GTK_EDITABLE (self->url_row)), &error);

        if (url == NULL)
          return;

        g_free (self->url);
        self->url = url;
        lanyard_connect_dialog_go_to (self, STEP_EMAIL);
      }
      break;

    case STEP_EMAIL:
      {
        char *email = lanyard_email_normalize (gtk_editable_get_text (GTK_EDITABLE (self->email_row)), &error);

        if (email == NULL)
          {
            set_message (self->email_message_label, self->email_row, error->message);
            return;
          }

        set_message (self->email_message_label, self->email_row, NULL);
        g_free (self->email);
        self->email = email;
        lanyard_connect_dialog_request_code (self);
      }
      break;

    case STEP_CODE:
      {
        g_autofree char *code = lanyard_connect_dialog_dup_code (self);
        GCancellable *cancellable;

        if (code == NULL)
          return;

        set_message (self->code_message_label, self->code_row, NULL);
        g_clear_pointer (&self->token, g_free);
        self->exchanging = TRUE;
        cancellable = lanyard_connect_dialog_begin_wait (self);
        lanyard_remote_exchange_code_async (self->url, self->email, code, NULL, cancellable,
                                            on_code_exchanged_cb, g_object_ref (self));
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
connect_cancel_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  LanyardConnectDialog *self = LANYARD_CONNECT_DIALOG (widget);

  /* A request in flight is stopped, and what was typed stays; otherwise Cancel closes. */
  if (lanyard_connect_dialog_is_waiting (self))
    {
      g_cancellable_cancel (self->cancellable);
      lanyard_connect_dialog_end_wait (self);
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
connect_back_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  LanyardConnectDialog *self = LANYARD_CONNECT_DIALOG (widget);

  if (lanyard_connect_dialog_is_waiting (self))
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }

  if (self->step > STEP_SERVER)
    lanyard_connect_dialog_go_to (self, self->step - 1);
}

static void
connect_resend_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  LanyardConnectDialog *self = LANYARD_CONNECT_DIALOG (widget);

  if (lanyard_connect_dialog_is_waiting (self) || self->step != STEP_CODE)
    return;

  set_message (self->code_message_label, self->code_row, NULL);
  lanyard_connect_dialog_request_code (self);
}

/* Callbacks */

static void
on_url_row_changed_cb (LanyardConnectDialog *self,
                       AdwEntryRow          *row)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = lanyard_connection_check_url (gtk_editable_get_text (GTK_EDITABLE (row)), &error);
  g_autofree char *hint = NULL;
  gboolean problem = url == NULL && *error->message != '\0';

  /* Checked as typed: what is wrong, or where Lanyard will connect. */
  if (url != NULL)
    /* Translators: %s is a web address such as https://lanyard.example.org */
    hint = g_strdup_printf (_("Lanyard will connect to %s"), url);
  else if (!problem)
    hint = g_strdup (_("For example lanyard.example.org"));

  gtk_label_set_label (self->url_message_label, problem ? error->message : hint);
  gtk_widget_set_visible (GTK_WIDGET (self->url_message_label), TRUE);
  if (problem)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->url_message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->url_message_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->url_message_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->url_message_label), "dim-label");
    }
  lanyard_ui_set_problem (GTK_WIDGET (row), problem ? error->message : NULL, hint);

  lanyard_connect_dialog_update (self);
}

static void
on_email_row_changed_cb (LanyardConnectDialog *self,
                         AdwEntryRow          *row)
{
  /* The problem said last goes as soon as the address is changed. */
  set_message (self->email_message_label, self->email_row, NULL);
  lanyard_connect_dialog_update (self);
}

static void
on_code_row_changed_cb (LanyardConnectDialog *self,
                        AdwEntryRow          *row)
{
  set_message (self->code_message_label, self->code_row, NULL);
  lanyard_connect_dialog_update (self);
}

static void
on_entry_row_activated_cb (LanyardConnectDialog *self,
                           AdwEntryRow          *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "connect.next", NULL);
}

/* GObject */

static void
lanyard_connect_dialog_dispose (GObject *object)
{
  LanyardConnectDialog *self = LANYARD_CONNECT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_CONNECT_DIALOG);

  G_OBJECT_CLASS (lanyard_connect_dialog_parent_class)->dispose (object);
}

static void
lanyard_connect_dialog_finalize (GObject *object)
{
  LanyardConnectDialog *self = LANYARD_CONNECT_DIALOG (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (lanyard_connect_dialog_parent_class)->finalize (object);
}

static void
lanyard_connect_dialog_class_init (LanyardConnectDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_connect_dialog_dispose;
  object_class->finalize = lanyard_connect_dialog_finalize;

  /**
   * LanyardConnectDialog::signed-in:
   * @store: the store on the server, connected
   * @notice: (nullable): something to tell the user once the window shows the server
   */
  signals[SIGNED_IN] =
    g_signal_new ("signed-in",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, LANYARD_TYPE_REMOTE_STORE, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-connect-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, step_stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, url_message_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, email_intro_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, email_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, email_message_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, code_intro_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, code_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, code_message_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardConnectDialog, resend_button);
  gtk_widget_class_bind_template_callback (widget_class, on_url_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_email_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_code_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "connect.next", NULL, connect_next_action);
  gtk_widget_class_install_action (widget_class, "connect.back", NULL, connect_back_action);
  gtk_widget_class_install_action (widget_class, "connect.cancel", NULL, connect_cancel_action);
  gtk_widget_class_install_action (widget_class, "connect.resend", NULL, connect_resend_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lanyard_connect_dialog_init (LanyardConnectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  lanyard_connect_dialog_go_to (self, STEP_SERVER);
}

LanyardConnectDialog *
lanyard_connect_dialog_new (GtkWindow  *parent,
                            const char *url,
                            const char *email)
{
  LanyardConnectDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (LANYARD_TYPE_CONNECT_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);

  if (url != NULL && *url != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  if (email != NULL && *email != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->email_row), email);

  /* Signing in again: the server and the email are known, the next thing is a new code. */
  self->url = lanyard_connection_check_url (gtk_editable_get_text (GTK_EDITABLE (self->url_row)), NULL);
  if (self->url != NULL && email != NULL && *email != '\0')
    lanyard_connect_dialog_go_to (self, STEP_EMAIL);

  return self;
}
