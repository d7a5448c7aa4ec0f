/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <glib/gi18n.h>

#include "lanyard-add-person-dialog.h"
#include "lanyard-ui-util.h"

/* How long typing must pause before the store is asked who has the phone or email. */
#define DUPLICATE_LOOKUP_DELAY_MS 300

/* The fields lanyard_person_check_field() knows, indexed by LanyardPersonField. */
#define N_FIELDS (LANYARD_PERSON_FIELD_NOTES + 1)

/* The entry rows in the order they are shown (the tags row comes after them). */
static const LanyardPersonField entry_fields[] = {
  LANYARD_PERSON_FIELD_FIRST_NAME,
  LANYARD_PERSON_FIELD_LAST_NAME,
  LANYARD_PERSON_FIELD_PHONE,
  LANYARD_PERSON_FIELD_EMAIL,
  LANYARD_PERSON_FIELD_PERSON_TYPE,
  LANYARD_PERSON_FIELD_MEMBERSHIP_STATUS,
};

struct _LanyardAddPersonDialog
{
  AdwWindow        parent_instance;

  LanyardStore    *store;
  LanyardFacility *facility;
  char            *phone_region;
  GCancellable    *cancellable;          /* every store call; cancelled when the dialog goes */
  GCancellable    *lookup_cancellable;   /* the duplicate lookup under way, if any */
  guint            lookup_source;        /* the pause before the next lookup */
  GtkWidget       *focus_before_saving;  /* weak: where typing goes on if the save fails */
  LanyardPerson   *duplicate;            /* someone here who has the phone or email */
  GError          *save_error;           /* a refused save, while the person it names is looked up */

  char            *values[N_FIELDS];     /* each field as it would be saved; NULL when empty or wrong */
  gboolean         valid[N_FIELDS];
  gboolean         touched[N_FIELDS];    /* typed in: only then is a problem shown */

  guint            tags_touched : 1;
  guint            submitted : 1;        /* Add was asked for: every problem is shown */
  guint            can_add : 1;
  guint            saving : 1;
  guint            can_send_invitations : 1;
  guint            send_invitation : 1;  /* as chosen when Add was pressed */

  /* Template widgets */
  GtkSpinner      *saving_spinner;
  GtkRevealer     *error_revealer;
  AdwActionRow    *error_row;
  GtkWidget       *form_clamp;
  AdwEntryRow     *rows[N_FIELDS];       /* no row for the notes */
  GtkLabel        *message_labels[N_FIELDS];
  AdwEntryRow     *custom_tags_row;
  GtkLabel        *phone_hint_label;
  GtkLabel        *contact_message_label;
  GtkWidget       *duplicate_list;
  GtkLabel        *duplicate_title_label;
  GtkLabel        *open_existing_label;
  GtkTextView     *notes_view;
  GtkLabel        *notes_counter_label;
  AdwActionRow    *invitation_row;
  GtkSwitch       *invitation_switch;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_FACILITY,
  PROP_CAN_SEND_INVITATIONS,
  N_PROPS
};

enum {
  PERSON_ADDED,
  OPEN_PERSON,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardAddPersonDialog, lanyard_add_person_dialog, ADW_TYPE_WINDOW)

static void lanyard_add_person_dialog_update (LanyardAddPersonDialog *self);

/* Reading the form */

static char *
lanyard_add_person_dialog_dup_notes (LanyardAddPersonDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static char *
lanyard_add_person_dialog_dup_text (LanyardAddPersonDialog *self,
                                    LanyardPersonField      field)
{
  if (field == LANYARD_PERSON_FIELD_NOTES)
    return lanyard_add_person_dialog_dup_notes (self);

  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->rows[field])));
}

/*
 * The person the form describes, checked by lanyard_person_normalize():
 * NULL, with core's message, when it cannot be saved as it is.
 */
static LanyardPerson *
lanyard_add_person_dialog_build_person (LanyardAddPersonDialog  *self,
                                        GError                 **error)
{
  g_autoptr(LanyardPerson) person = lanyard_person_new ();
  g_autofree char *notes = lanyard_add_person_dialog_dup_notes (self);
  g_auto(GStrv) tags = lanyard_tags_parse (gtk_editable_get_text (GTK_EDITABLE (self->custom_tags_row)));

  lanyard_person_set_facility_id (person, lanyard_facility_get_id (self->facility));
  lanyard_person_set_first_name (person, gtk_editable_get_text (GTK_EDITABLE (self->rows[LANYARD_PERSON_FIELD_FIRST_NAME])));
  lanyard_person_set_last_name (person, gtk_editable_get_text (GTK_EDITABLE (self->rows[LANYARD_PERSON_FIELD_LAST_NAME])));
  lanyard_person_set_phone (person, gtk_editable_get_text (GTK_EDITABLE (self->rows[LANYARD_PERSON_FIELD_PHONE])));
  lanyard_person_set_email (person, gtk_editable_get_text (GTK_EDITABLE (self->rows[LANYARD_PERSON_FIELD_EMAIL])));
  lanyard_person_set_person_type (person, gtk_editable_get_text (GTK_EDITABLE (self->rows[LANYARD_PERSON_FIELD_PERSON_TYPE])));
  lanyard_person_set_membership_status (person,
                                        gtk_editable_get_text (GTK_EDITABLE (self->rows[LANYARD_PERSON_FIELD_MEMBERSHIP_STATUS])));
  lanyard_person_set_custom_tags (person, (const char * const *)tags);
  lanyard_person_set_notes (person, notes);
  lanyard_person_set_source (person, LANYARD_SOURCE_MANUAL);
  lanyard_person_set_access_enabled (person, TRUE);

  if (!lanyard_person_normalize (person, self->phone_region, error))
    return NULL;

  return g_steal_pointer (&person);
}

static gboolean
lanyard_add_person_dialog_check_contact (LanyardAddPersonDialog  *self,
                                         GError                 **error)
{
  return lanyard_person_check_contact (gtk_editable_get_text (GTK_EDITABLE (self->rows[LANYARD_PERSON_FIELD_PHONE])),
                                       gtk_editable_get_text (GTK_EDITABLE (self->rows[LANYARD_PERSON_FIELD_EMAIL])),
                                       self->phone_region, error);
}

/* Whether the known duplicate still has what is typed now, and which of the two. */
static gboolean
lanyard_add_person_dialog_duplicate_matches (LanyardAddPersonDialog *self,
                                             gboolean               *out_phone,
                                             gboolean               *out_email)
{
  const char *phone = self->values[LANYARD_PERSON_FIELD_PHONE];
  const char *email = self->values[LANYARD_PERSON_FIELD_EMAIL];
  gboolean phone_match = FALSE;
  gboolean email_match = FALSE;

  if (self->duplicate != NULL)
    {
      const char *their_email = lanyard_person_get_email (self->duplicate);

      phone_match = phone != NULL && g_strcmp0 (phone, lanyard_person_get_phone (self->duplicate)) == 0;
      if (email != NULL && their_email != NULL)
        {
          g_autofree char *key = lanyard_email_key (email);
          g_autofree char *their_key = lanyard_email_key (their_email);

          email_match = g_strcmp0 (key, their_key) == 0;
        }
    }

  if (out_phone != NULL)
    *out_phone = phone_match;
  if (out_email != NULL)
    *out_email = email_match;

  return phone_match || email_match;
}

/* State */

static void
set_label_message (GtkLabel   *label,
                   const char *message)
{
  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static gboolean
lanyard_add_person_dialog_shows_problem (LanyardAddPersonDialog *self,
                                         LanyardPersonField      field)
{
  return !self->valid[field] && (self->touched[field] || self->submitted);
}

/* Checks each field by core's rules and shows what is wrong with those typed in. */
static void
lanyard_add_person_dialog_update_fields (LanyardAddPersonDialog *self)
{
  for (guint field = 0; field < N_FIELDS; field++)
    {
      g_autofree char *text = lanyard_add_person_dialog_dup_text (self, field);
      g_autoptr(GError) error = NULL;
      gboolean shown;

      g_clear_pointer (&self->values[field], g_free);
      self->valid[field] = lanyard_person_check_field (field, text, self->phone_region, &self->values[field], &error);
      shown = lanyard_add_person_dialog_shows_problem (self, field);

      set_label_message (self->message_labels[field], shown ? error->message : NULL);
      if (self->rows[field] != NULL)
        lanyard_ui_set_problem (GTK_WIDGET (self->rows[field]), shown ? error->message : NULL, NULL);
    }
}

static void
lanyard_add_person_dialog_update_phone_hint (LanyardAddPersonDialog *self)
{
  const char *phone = self->values[LANYARD_PERSON_FIELD_PHONE];
  g_autofree char *pretty = NULL;
  g_autofree char *hint = NULL;

  /* Say how the number was read: a number without a country code is read in the store's region. */
  if (phone != NULL && self->touched[LANYARD_PERSON_FIELD_PHONE])
    {
      pretty = lanyard_phone_format_international (phone);
      /* Translators: under the sign-in fields; %s is the number as it will be saved, "+49 1512 3456789" */
      hint = g_strdup_printf (_("The mobile number will be saved as %s"), pretty != NULL ? pretty : phone);
    }

  set_label_message (self->phone_hint_label, hint);
}

static void
lanyard_add_person_dialog_update_notes_counter (LanyardAddPersonDialog *self)
{
  g_autofree char *notes = lanyard_add_person_dialog_dup_notes (self);
  g_autofree char *counter = NULL;
  glong length = g_utf8_strlen (notes, -1);
  GtkWidget *label = GTK_WIDGET (self->notes_counter_label);

  /* Translators: under the notes: characters typed / the most there may be, "120 / 2000" */
  counter = g_strdup_printf (_("%ld / %d"), length, LANYARD_NOTES_MAX_CHARS);
  gtk_label_set_label (self->notes_counter_label, counter);

  if (length > LANYARD_NOTES_MAX_CHARS)
    {
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "error");
    }
  else
    {
      gtk_widget_remove_css_class (label, "error");
      gtk_widget_add_css_class (label, "dim-label");
    }
}

/* The phone or the email: one of them is needed, which neither field knows on its own. */
static void
lanyard_add_person_dialog_update_contact (LanyardAddPersonDialog *self)
{
  g_autoptr(GError) error = NULL;
  gboolean shown;

  /* Shown once the user typed in either field or went past them. */
  shown = (self->submitted ||
           self->touched[LANYARD_PERSON_FIELD_PHONE] ||
           self->touched[LANYARD_PERSON_FIELD_EMAIL] ||
           self->touched[LANYARD_PERSON_FIELD_PERSON_TYPE] ||
           self->touched[LANYARD_PERSON_FIELD_MEMBERSHIP_STATUS] ||
           self->touched[LANYARD_PERSON_FIELD_NOTES] ||
           self->tags_touched);

  /* A problem of one of the two fields is shown under it already. */
  if (!self->valid[LANYARD_PERSON_FIELD_PHONE] || !self->valid[LANYARD_PERSON_FIELD_EMAIL] ||
      lanyard_add_person_dialog_check_contact (self, &error))
    shown = FALSE;

  set_label_message (self->contact_message_label, shown ? error->message : NULL);
  if (shown)
    {
      lanyard_ui_set_problem (GTK_WIDGET (self->rows[LANYARD_PERSON_FIELD_PHONE]), error->message, NULL);
      lanyard_ui_set_problem (GTK_WIDGET (self->rows[LANYARD_PERSON_FIELD_EMAIL]), error->message, NULL);
    }
}

static void
lanyard_add_person_dialog_update_duplicate (LanyardAddPersonDialog *self)
{
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *button = NULL;
  gboolean phone_match, email_match;

  /* What is typed changed: the person found before no longer stands in the way. */
  if (!lanyard_add_person_dialog_duplicate_matches (self, &phone_match, &email_match))
    {
      g_clear_object (&self->duplicate);
      gtk_widget_set_visible (self->duplicate_list, FALSE);
      return;
    }

  name = lanyard_person_dup_display_name (self->duplicate);
  if (phone_match && email_match)
    /* Translators: %s is a person's name */
    title = g_strdup_printf (_("%s already has this mobile number and email address"), name);
  else if (phone_match)
    /* Translators: %s is a person's name */
    title = g_strdup_printf (_("%s already has this mobile number"), name);
  else
    /* Translators: %s is a person's name */
    title = g_strdup_printf (_("%s already has this email address"), name);

  /* Translators: a button that opens the person who already has the phone or email; %s is their name */
  button = g_strdup_printf (_("Open %s"), name);

  gtk_label_set_label (self->duplicate_title_label, title);
  gtk_label_set_label (self->open_existing_label, button);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->open_existing_label), button);
  gtk_widget_set_visible (self->duplicate_list, TRUE);

  lanyard_ui_set_problem (GTK_WIDGET (self->rows[phone_match ? LANYARD_PERSON_FIELD_PHONE : LANYARD_PERSON_FIELD_EMAIL]),
                          title, NULL);
  if (phone_match && email_match)
    lanyard_ui_set_problem (GTK_WIDGET (self->rows[LANYARD_PERSON_FIELD_EMAIL]), title, NULL);
}

static void
lanyard_add_person_dialog_update_invitation (LanyardAddPersonDialog *self)
{
  gboolean has_email = self->values[LANYARD_PERSON_FIELD_EMAIL] != NULL;
  const char *subtitle;

  if (!self->can_send_invitations)
    subtitle = _("This database cannot send mail yet");
  else if (!has_email)
    subtitle = _("Needs an email address");
  else
    subtitle = _("Emails the person a link to sign in to the app");

  adw_action_row_set_subtitle (self->invitation_row, subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->invitation_row), self->can_send_invitations && has_email);

  /* An insensitive switch that is on would claim an invitation that cannot go out. */
  if (!(self->can_send_invitations && has_email))
    gtk_switch_set_active (self->invitation_switch, FALSE);
}

static void
lanyard_add_person_dialog_update_actions (LanyardAddPersonDialog *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean was_sensitive = gtk_widget_get_sensitive (self->form_clamp);

  gtk_widget_action_set_enabled (widget, "add-person.add", self->can_add && !self->saving);
  gtk_widget_action_set_enabled (widget, "add-person.cancel", !self->saving);

  /* A text field must lose the focus before it turns insensitive, and gets it back afterwards. */
  if (self->saving && was_sensitive)
    {
      g_set_weak_pointer (&self->focus_before_saving, gtk_window_get_focus (GTK_WINDOW (self)));
      gtk_window_set_focus (GTK_WINDOW (self), NULL);
    }
  gtk_widget_set_sensitive (self->form_clamp, !self->saving);
  if (!self->saving && !was_sensitive && GTK_IS_TEXT (self->focus_before_saving))
    gtk_text_grab_focus_without_selecting (GTK_TEXT (self->focus_before_saving));
  else if (!self->saving && !was_sensitive && self->focus_before_saving != NULL)
    gtk_widget_grab_focus (self->focus_before_saving);
  if (!self->saving)
    g_clear_weak_pointer (&self->focus_before_saving);
  gtk_widget_set_visible (GTK_WIDGET (self->saving_spinner), self->saving);
  gtk_spinner_set_spinning (self->saving_spinner, self->saving);
}

static void
lanyard_add_person_dialog_update (LanyardAddPersonDialog *self)
{
  g_autoptr(LanyardPerson) person = NULL;

  lanyard_add_person_dialog_update_fields (self);
  lanyard_add_person_dialog_update_phone_hint (self);
  lanyard_add_person_dialog_update_notes_counter (self);
  lanyard_add_person_dialog_update_contact (self);
  lanyard_add_person_dialog_update_duplicate (self);
  lanyard_add_person_dialog_update_invitation (self);

  person = lanyard_add_person_dialog_build_person (self, NULL);
  /* While a refused save's duplicate is looked up, the store has said no already. */
  self->can_add = person != NULL && self->duplicate == NULL && self->save_error == NULL;

  lanyard_add_person_dialog_update_actions (self);
}

static void
lanyard_add_person_dialog_show_error (LanyardAddPersonDialog *self,
                                      const char             *message)
{
  adw_action_row_set_subtitle (self->error_row, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* After a refused Add: the first field that says what is wrong. */
static void
lanyard_add_person_dialog_focus_problem (LanyardAddPersonDialog *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (entry_fields); i++)
    if (!self->valid[entry_fields[i]])
      {
        gtk_widget_grab_focus (GTK_WIDGET (self->rows[entry_fields[i]]));
        return;
      }

  if (gtk_widget_get_visible (GTK_WIDGET (self->contact_message_label)))
    gtk_widget_grab_focus (GTK_WIDGET (self->rows[LANYARD_PERSON_FIELD_PHONE]));
  else if (!self->valid[LANYARD_PERSON_FIELD_NOTES])
    gtk_widget_grab_focus (GTK_WIDGET (self->notes_view));
}

/* Looking for someone who already has the phone or email */

static void
lanyard_add_person_dialog_cancel_lookup (LanyardAddPersonDialog *self)
{
  g_clear_handle_id (&self->lookup_source, g_source_remove);
  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
}

static void
on_duplicate_found_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(LanyardAddPersonDialog) self = user_data;
  g_autoptr(LanyardPerson) existing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) save_error = NULL;

  existing = lanyard_store_find_duplicate_finish (LANYARD_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->lookup_cancellable);
  save_error = g_steal_pointer (&self->save_error);

  /*
   * A failed lookup only costs the early warning: Add still asks the store.
   * A server away or a sign-in refused is the window's to say, in its banner.
   */
  if (error != NULL && !lanyard_ui_report_store_error (GTK_WIDGET (self), error))
    g_debug ("Could not look for a person with the same phone or email: %s", error->message);

  g_set_object (&self->duplicate, existing);
  lanyard_add_person_dialog_update (self);

  /* The store refused a duplicate that the lookup no longer finds: say what it said. */
  if (save_error != NULL && self->duplicate == NULL)
    lanyard_add_person_dialog_show_error (self, save_error->message);
}

static void
lanyard_add_person_dialog_look_up_duplicate (LanyardAddPersonDialog *self)
{
  lanyard_add_person_dialog_cancel_lookup (self);

  if (self->values[LANYARD_PERSON_FIELD_PHONE] == NULL && self->values[LANYARD_PERSON_FIELD_EMAIL] == NULL)
    return;

  self->lookup_cancellable = g_cancellable_new ();
  lanyard_store_find_duplicate_async (self->store,
                                      lanyard_facility_get_id (self->facility),
                                      self->values[LANYARD_PERSON_FIELD_PHONE],
                                      self->values[LANYARD_PERSON_FIELD_EMAIL],
                                      LANYARD_NO_ID,
                                      self->lookup_cancellable,
                                      on_duplicate_found_cb,
                                      g_object_ref (self));
}

static gboolean
on_lookup_timeout_cb (gpointer user_data)
{
  LanyardAddPersonDialog *self = user_data;

  self->lookup_source = 0;
  lanyard_add_person_dialog_look_up_duplicate (self);

  return G_SOURCE_REMOVE;
}

/* Asks again once typing pauses; an answer for what was typed before is dropped. */
static void
lanyard_add_person_dialog_schedule_lookup (LanyardAddPersonDialog *self)
{
  lanyard_add_person_dialog_cancel_lookup (self);

  if (self->values[LANYARD_PERSON_FIELD_PHONE] == NULL && self->values[LANYARD_PERSON_FIELD_EMAIL] == NULL)
    return;

  self->lookup_source = g_timeout_add (DUPLICATE_LOOKUP_DELAY_MS, on_lookup_timeout_cb, self);
}

/* Adding */

static void
on_person_saved_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(LanyardAddPersonDialog) self = user_data;
  g_autoptr(LanyardPerson) saved = NULL;
  g_autoptr(GError) error = NULL;

  saved = lanyard_store_save_person_finish (LANYARD_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->saving = FALSE;

  if (saved != NULL)
    {
      lanyard_add_person_dialog_update_actions (self);
      g_signal_emit (self, signals[PERSON_ADDED], 0, saved);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE))
    {
      /* Someone got the phone or email since the last lookup: find them to offer opening them. */
      g_clear_error (&self->save_error);
      self->save_error = g_steal_pointer (&error);
      lanyard_add_person_dialog_look_up_duplicate (self);
    }
  else
    {
      /*
       * A server away or a sign-in refused: the window's banner says so and
       * tries again; the dialog stays, with what was typed, and says why
       * the person was not added.
       */
      lanyard_ui_report_store_error (GTK_WIDGET (self), error);
      lanyard_add_person_dialog_show_error (self, error->message);
    }

  lanyard_add_person_dialog_update (self);
}

static void
lanyard_add_person_dialog_add (LanyardAddPersonDialog *self)
{
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  if (self->saving)
    return;

  if (!self->can_add)
    {
      self->submitted = TRUE;
      lanyard_add_person_dialog_update (self);
      lanyard_add_person_dialog_focus_problem (self);
      return;
    }

  person = lanyard_add_person_dialog_build_person (self, &error);
  if (person == NULL)
    {
      lanyard_add_person_dialog_show_error (self, error->message);
      return;
    }

  self->send_invitation = (gtk_widget_get_sensitive (GTK_WIDGET (self->invitation_row)) &&
                           gtk_switch_get_active (self->invitation_switch));
  self->saving = TRUE;
  lanyard_add_person_dialog_cancel_lookup (self);
  lanyard_add_person_dialog_show_error (self, NULL);
  lanyard_add_person_dialog_update_actions (self);

  lanyard_store_save_person_async (self->store, person, self->cancellable,
                                   on_person_saved_cb, g_object_ref (self));
}

/* Callbacks */

static void
on_entry_row_changed_cb (LanyardAddPersonDialog *self,
                         AdwEntryRow            *row)
{
  g_autofree char *old_phone = NULL;
  g_autofree char *old_email = NULL;

  /* Also called while the template is built. */
  if (self->store == NULL)
    return;

  old_phone = g_strdup (self->values[LANYARD_PERSON_FIELD_PHONE]);
  old_email = g_strdup (self->values[LANYARD_PERSON_FIELD_EMAIL]);

  if (row == self->custom_tags_row)
    self->tags_touched = TRUE;
  for (guint field = 0; field < N_FIELDS; field++)
    if (self->rows[field] == row)
      self->touched[field] = TRUE;

  lanyard_add_person_dialog_update (self);

  if (g_strcmp0 (old_phone, self->values[LANYARD_PERSON_FIELD_PHONE]) != 0 ||
      g_strcmp0 (old_email, self->values[LANYARD_PERSON_FIELD_EMAIL]) != 0)
    {
      gboolean was_refused = self->save_error != NULL;

      /* A refused save was about what was typed before. */
      g_clear_error (&self->save_error);
      lanyard_add_person_dialog_schedule_lookup (self);
      if (was_refused)
        lanyard_add_person_dialog_update (self);
    }
}

static void
on_entry_row_entry_activated_cb (LanyardAddPersonDialog *self,
                                 AdwEntryRow            *row)
{
  AdwEntryRow *next = NULL;

  /* Enter adds once the form is complete; until then it goes on to the next field. */
  if (self->can_add || row == self->custom_tags_row)
    {
      lanyard_add_person_dialog_add (self);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (entry_fields); i++)
    if (self->rows[entry_fields[i]] == row)
      next = i + 1 < G_N_ELEMENTS (entry_fields) ? self->rows[entry_fields[i + 1]] : self->custom_tags_row;

  if (next != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (next));
}

static void
on_notes_buffer_changed_cb (LanyardAddPersonDialog *self,
                            GtkTextBuffer          *buffer)
{
  self->touched[LANYARD_PERSON_FIELD_NOTES] = TRUE;
  lanyard_add_person_dialog_update (self);
}

static void
on_open_existing_button_clicked_cb (LanyardAddPersonDialog *self,
                                    GtkButton              *button)
{
  gint64 person_id;

  if (self->duplicate == NULL)
    return;

  person_id = lanyard_person_get_id (self->duplicate);
  g_signal_emit (self, signals[OPEN_PERSON], 0, person_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_error_dismiss_button_clicked_cb (LanyardAddPersonDialog *self,
                                    GtkButton              *button)
{
  lanyard_add_person_dialog_show_error (self, NULL);
}

/* Actions */

static void
add_person_add_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  lanyard_add_person_dialog_add (LANYARD_ADD_PERSON_DIALOG (widget));
}

static void
add_person_cancel_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

/* GtkWindow */

static gboolean
lanyard_add_person_dialog_close_request (GtkWindow *window)
{
  LanyardAddPersonDialog *self = LANYARD_ADD_PERSON_DIALOG (window);

  /* A save under way cannot be taken back: wait for it to say how it went. */
  if (self->saving)
    return TRUE;

  return GTK_WINDOW_CLASS (lanyard_add_person_dialog_parent_class)->close_request (window);
}

/* GObject */

static void
lanyard_add_person_dialog_constructed (GObject *object)
{
  LanyardAddPersonDialog *self = LANYARD_ADD_PERSON_DIALOG (object);

  G_OBJECT_CLASS (lanyard_add_person_dialog_parent_class)->constructed (object);

  g_assert (LANYARD_IS_STORE (self->store));
  g_assert (LANYARD_IS_FACILITY (self->facility));

  self->phone_region = lanyard_store_dup_phone_region (self->store);
  lanyard_add_person_dialog_update (self);

  gtk_widget_grab_focus (GTK_WIDGET (self->rows[LANYARD_PERSON_FIELD_FIRST_NAME]));
}

static void
lanyard_add_person_dialog_dispose (GObject *object)
{
  LanyardAddPersonDialog *self = LANYARD_ADD_PERSON_DIALOG (object);

  lanyard_add_person_dialog_cancel_lookup (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_ADD_PERSON_DIALOG);

  g_clear_object (&self->store);
  g_clear_object (&self->facility);
  g_clear_object (&self->duplicate);
  g_clear_weak_pointer (&self->focus_before_saving);

  G_OBJECT_CLASS (lanyard_add_person_dialog_parent_class)->dispose (object);
}

static void
lanyard_add_person_dialog_finalize (GObject *object)
{
  LanyardAddPersonDialog *self = LANYARD_ADD_PERSON_DIALOG (object);

  for (guint field = 0; field < N_FIELDS; field++)
    g_free (self->values[field]);
  g_free (self->phone_region);
  g_clear_error (&self->save_error);

  G_OBJECT_CLASS (lanyard_add_person_dialog_parent_class)->finalize (object);
}

static void
lanyard_add_person_dialog_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  LanyardAddPersonDialog *self = LANYARD_ADD_PERSON_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_FACILITY:
      g_value_set_object (value, self->facility);
      break;

    case PROP_CAN_SEND_INVITATIONS:
      g_value_set_boolean (value, self->can_send_invitations);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_add_person_dialog_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  LanyardAddPersonDialog *self = LANYARD_ADD_PERSON_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_FACILITY:
      self->facility = g_value_dup_object (value);
      break;

    case PROP_CAN_SEND_INVITATIONS:
      lanyard_add_person_dialog_set_can_send_invitations (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bind_field_widget (GtkWidgetClass *widget_class,
                   const char     *id,
                   gssize          offset)
{
  gtk_widget_class_bind_template_child_full (widget_class, id, FALSE, offset);
}

static void
lanyard_add_person_dialog_class_init (LanyardAddPersonDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = lanyard_add_person_dialog_constructed;
  object_class->dispose = lanyard_add_person_dialog_dispose;
  object_class->finalize = lanyard_add_person_dialog_finalize;
  object_class->get_property = lanyard_add_person_dialog_get_property;
  object_class->set_property = lanyard_add_person_dialog_set_property;

  window_class->close_request = lanyard_add_person_dialog_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LANYARD_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FACILITY] =
    g_param_spec_object ("facility", NULL, NULL,
                         LANYARD_TYPE_FACILITY,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  /* Whether mail can go out (a server with a mail relay): only then can "Send invitation" be chosen. */
  properties[PROP_CAN_SEND_INVITATIONS] =
    g_param_spec_boolean ("can-send-invitations", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PERSON_ADDED] =
    g_signal_new ("person-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LANYARD_TYPE_PERSON);
  signals[OPEN_PERSON] =
    g_signal_new ("open-person",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-add-person-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, saving_spinner);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, error_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, form_clamp);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, custom_tags_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, phone_hint_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, contact_message_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, duplicate_list);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, duplicate_title_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, open_existing_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, notes_view);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, notes_counter_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, invitation_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardAddPersonDialog, invitation_switch);

  /* The rows and their messages, indexed by the field core checks them as. */
#define BIND_FIELD(id, member, field) \
  bind_field_widget (widget_class, id, G_STRUCT_OFFSET (LanyardAddPersonDialog, member[field]))
  BIND_FIELD ("first_name_row", rows, LANYARD_PERSON_FIELD_FIRST_NAME);
  BIND_FIELD ("last_name_row", rows, LANYARD_PERSON_FIELD_LAST_NAME);
  BIND_FIELD ("phone_row", rows, LANYARD_PERSON_FIELD_PHONE);
  BIND_FIELD ("email_row", rows, LANYARD_PERSON_FIELD_EMAIL);
  BIND_FIELD ("person_type_row", rows, LANYARD_PERSON_FIELD_PERSON_TYPE);
  BIND_FIELD ("membership_status_row", rows, LANYARD_PERSON_FIELD_MEMBERSHIP_STATUS);
  BIND_FIELD ("first_name_message_label", message_labels, LANYARD_PERSON_FIELD_FIRST_NAME);
  BIND_FIELD ("last_name_message_label", message_labels, LANYARD_PERSON_FIELD_LAST_NAME);
  BIND_FIELD ("phone_message_label", message_labels, LANYARD_PERSON_FIELD_PHONE);
  BIND_FIELD ("email_message_label", message_labels, LANYARD_PERSON_FIELD_EMAIL);
  BIND_FIELD ("person_type_message_label", message_labels, LANYARD_PERSON_FIELD_PERSON_TYPE);
  BIND_FIELD ("membership_status_message_label", message_labels, LANYARD_PERSON_FIELD_MEMBERSHIP_STATUS);
  BIND_FIELD ("notes_message_label", message_labels, LANYARD_PERSON_FIELD_NOTES);
#undef BIND_FIELD

  gtk_widget_class_bind_template_callback (widget_class, on_entry_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_row_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_open_existing_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_error_dismiss_button_clicked_cb);

  gtk_widget_class_install_action (widget_class, "add-person.add", NULL, add_person_add_action);
  gtk_widget_class_install_action (widget_class, "add-person.cancel", NULL, add_person_cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "add-person.cancel", NULL);
}

static void
lanyard_add_person_dialog_init (LanyardAddPersonDialog *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->notes_view), "changed",
                           G_CALLBACK (on_notes_buffer_changed_cb), self, G_CONNECT_SWAPPED);
}

LanyardAddPersonDialog *
lanyard_add_person_dialog_new (GtkWindow       *parent,
                               LanyardStore    *store,
                               LanyardFacility *facility)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (LANYARD_IS_STORE (store), NULL);
  g_return_val_if_fail (LANYARD_IS_FACILITY (facility), NULL);

  return g_object_new (LANYARD_TYPE_ADD_PERSON_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "store", store,
                       "facility", facility,
                       NULL);
}

gboolean
lanyard_add_person_dialog_get_can_send_invitations (LanyardAddPersonDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_ADD_PERSON_DIALOG (self), FALSE);

  return self->can_send_invitations;
}

void
lanyard_add_person_dialog_set_can_send_invitations (LanyardAddPersonDialog *self,
                                                    gboolean                can_send_invitations)
{
  g_return_if_fail (LANYARD_IS_ADD_PERSON_DIALOG (self));

  can_send_invitations = !!can_send_invitations;
  if (self->can_send_invitations == can_send_invitations)
    return;

  self->can_send_invitations = can_send_invitations;
  lanyard_add_person_dialog_update_invitation (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SEND_INVITATIONS]);
}

gboolean
lanyard_add_person_dialog_get_send_invitation (LanyardAddPersonDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_ADD_PERSON_DIALOG (self), FALSE);

  return self->send_invitation;
}
