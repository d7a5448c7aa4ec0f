/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "lanyard-add-person-dialog.h"
#include "lanyard-test-utils.h"
#include "lanyard-widget-test-utils.h"

/*
 * The Add person dialog on a fresh database, driven like a user would: text
 * goes into its rows (found by their ids in the .ui file), buttons are
 * clicked, and what was saved is read back through the core API.
 *
 * LANYARD_TEST_SCREENSHOTS=DIR saves PNGs of the dialog at the steps worth
 * looking at.
 */

typedef struct {
  char                   *dir;
  LanyardSqliteStore     *store;
  LanyardFacility        *facility;
  LanyardAddPersonDialog *dialog;        /* weak: NULL once the dialog is gone */
  LanyardPerson          *added;         /* as person-added gave it */
  guint                   n_added;
  gboolean                send_invitation;  /* asked for when the person was added */
  gint64                  opened_id;     /* as open-person gave it */
  guint                   n_opened;
} Fixture;

static LanyardStore *
fixture_store (Fixture *fixture)
{
  return LANYARD_STORE (fixture->store);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GError) error = NULL;
  gint64 facility_id;

  fixture->dir = lanyard_test_dir_new ();
  fixture->store = lanyard_test_store_new (fixture->dir);
  facility_id = lanyard_test_add_facility (fixture_store (fixture), "Test Club");

  facilities = lanyard_store_list_facilities (fixture_store (fixture), NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < facilities->len; i++)
    if (lanyard_facility_get_id (g_ptr_array_index (facilities, i)) == facility_id)
      fixture->facility = g_object_ref (g_ptr_array_index (facilities, i));
  g_assert_nonnull (fixture->facility);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  if (fixture->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->dialog));
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_null (fixture->dialog);

  g_clear_object (&fixture->added);
  g_clear_object (&fixture->facility);
  g_clear_object (&fixture->store);
  lanyard_test_dir_free (fixture->dir);
}

/* Helpers */

static void
on_person_added_cb (LanyardAddPersonDialog *dialog,
                    LanyardPerson          *person,
                    Fixture                *fixture)
{
  g_set_object (&fixture->added, person);
  fixture->n_added++;
  fixture->send_invitation = lanyard_add_person_dialog_get_send_invitation (dialog);
}

static void
on_open_person_cb (LanyardAddPersonDialog *dialog,
                   gint64                  person_id,
                   Fixture                *fixture)
{
  fixture->opened_id = person_id;
  fixture->n_opened++;
}

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
open_dialog_for (Fixture         *fixture,
                 LanyardFacility *facility)
{
  fixture->dialog = lanyard_add_person_dialog_new (NULL, fixture_store (fixture), facility);
  g_object_add_weak_pointer (G_OBJECT (fixture->dialog), (gpointer *)&fixture->dialog);
  g_signal_connect (fixture->dialog, "person-added", G_CALLBACK (on_person_added_cb), fixture);
  g_signal_connect (fixture->dialog, "open-person", G_CALLBACK (on_open_person_cb), fixture);

  gtk_window_present (GTK_WINDOW (fixture->dialog));
  lanyard_test_wait_for (widget_is_mapped, fixture->dialog, "the dialog to be shown");
}

static void
open_dialog (Fixture *fixture)
{
  open_dialog_for (fixture, fixture->facility);
}

static gpointer
get_widget (Fixture    *fixture,
            const char *id)
{
  return lanyard_test_get_widget (GTK_WIDGET (fixture->dialog), id);
}

static void
type_into (Fixture    *fixture,
           const char *id,
           const char *text)
{
  gtk_editable_set_text (get_widget (fixture, id), text);
}

static void
type_notes (Fixture    *fixture,
            const char *text)
{
  GtkTextView *view = get_widget (fixture, "notes_view");

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

static void
click (Fixture    *fixture,
       const char *id)
{
  GtkWidget *button = get_widget (fixture, id);

  g_assert_true (gtk_widget_is_sensitive (button));
  /* gtk_widget_activate() would show the press and click a moment later. */
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
add_is_sensitive (Fixture *fixture)
{
  return gtk_widget_is_sensitive (get_widget (fixture, "add_button"));
}

static gboolean
shown (Fixture    *fixture,
       const char *id)
{
  return gtk_widget_is_drawable (get_widget (fixture, id));
}

static const char *
label_text (Fixture    *fixture,
            const char *id)
{
  return gtk_label_get_label (get_widget (fixture, id));
}

static gboolean
row_has_error (Fixture    *fixture,
               const char *id)
{
  return gtk_widget_has_css_class (get_widget (fixture, id), "error");
}

static void
maybe_screenshot (Fixture    *fixture,
                  const char *name)
{
  lanyard_test_maybe_screenshot (GTK_WIDGET (fixture->dialog), name);
}

/* What core says about @text in @field, as typed. */
static char *
core_message (LanyardPersonField  field,
              const char         *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_false (lanyard_person_check_field (field, text, "DE", &value, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);

  return g_strdup (error->message);
}

static void
fill_valid_form (Fixture    *fixture,
                 const char *email)
{
  type_into (fixture, "first_name_row", "Ada");
  type_into (fixture, "last_name_row", "Lovelace");
  type_into (fixture, "phone_row", "0151 2345 6789");
  type_into (fixture, "email_row", email);
  type_into (fixture, "person_type_row", "Gold");
  type_into (fixture, "membership_status_row", "Current");
  type_into (fixture, "custom_tags_row", "Early bird, pool, early BIRD");
  type_notes (fixture, "Prefers the morning classes.\nAsk about the locker.");
}

static gboolean
dialog_is_gone (gpointer data)
{
  Fixture *fixture = data;

  return fixture->dialog == NULL;
}

static gboolean
duplicate_is_offered (gpointer data)
{
  Fixture *fixture = data;

  return fixture->dialog != NULL && shown (fixture, "duplicate_list");
}

static gboolean
error_is_shown (gpointer data)
{
  Fixture *fixture = data;

  return gtk_revealer_get_reveal_child (get_widget (fixture, "error_revealer"));
}

static gboolean
saving_is_over (gpointer data)
{
  Fixture *fixture = data;

  return fixture->dialog == NULL || !gtk_widget_get_visible (get_widget (fixture, "saving_spinner"));
}

static guint64
count_people (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  LanyardPeopleCounts counts;

  g_assert_true (lanyard_store_count_people (fixture_store (fixture), lanyard_facility_get_id (fixture->facility),
                                             &counts, NULL, &error));
  g_assert_no_error (error);

  return counts.all;
}

/* Tests */

static void
test_empty_form (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char * const messages[] = {
    "first_name_message_label", "last_name_message_label", "phone_message_label",
    "email_message_label", "contact_message_label", "person_type_message_label",
    "membership_status_message_label", "duplicate_list",
  };
  GtkWidget *focus;

  open_dialog (fixture);
  maybe_screenshot (fixture, "add-person-empty.png");

  /* Typing starts in First name. */
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->dialog));
  g_assert_nonnull (focus);
  g_assert_true (focus == get_widget (fixture, "first_name_row") ||
                 gtk_widget_is_ancestor (focus, get_widget (fixture, "first_name_row")));

  /* Nothing to add, and nothing to complain about yet. */
  g_assert_false (add_is_sensitive (fixture));
  g_assert_true (gtk_widget_is_sensitive (get_widget (fixture, "cancel_button")));
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    g_assert_false (shown (fixture, messages[i]));
  g_assert_false (row_has_error (fixture, "first_name_row"));
  g_assert_cmpstr (label_text (fixture, "notes_counter_label"), ==, "0 / 2000");
  g_assert_false (gtk_revealer_get_reveal_child (get_widget (fixture, "error_revealer")));
}

static void
test_invalid_phone (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *expected = core_message (LANYARD_PERSON_FIELD_PHONE, "0151 12");
  g_autofree char *pretty = lanyard_phone_format_international ("+4915123456789");

  open_dialog (fixture);
  type_into (fixture, "first_name_row", "Ada");
  type_into (fixture, "last_name_row", "Lovelace");
  type_into (fixture, "phone_row", "0151 12");
  maybe_screenshot (fixture, "add-person-invalid-phone.png");

  g_assert_false (add_is_sensitive (fixture));
  g_assert_true (row_has_error (fixture, "phone_row"));
  g_assert_true (shown (fixture, "phone_message_label"));
  g_assert_cmpstr (label_text (fixture, "phone_message_label"), ==, expected);
  g_assert_false (shown (fixture, "phone_hint_label"));
  /* The names are fine, and the email was not typed in. */
  g_assert_false (row_has_error (fixture, "first_name_row"));
  g_assert_false (row_has_error (fixture, "email_row"));
  g_assert_false (shown (fixture, "email_message_label"));

  /* Fixed: the error goes, and the number is shown as it will be saved. */
  type_into (fixture, "phone_row", "0151 2345 6789");
  g_assert_false (row_has_error (fixture, "phone_row"));
  g_assert_false (shown (fixture, "phone_message_label"));
  g_assert_true (shown (fixture, "phone_hint_label"));
  g_assert_nonnull (strstr (label_text (fixture, "phone_hint_label"), pretty));
  g_assert_true (add_is_sensitive (fixture));
}

static void
test_field_messages (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *first_name_empty = core_message (LANYARD_PERSON_FIELD_FIRST_NAME, "");
  g_autofree char *bad_email = core_message (LANYARD_PERSON_FIELD_EMAIL, "ada@example");
  g_autoptr(LanyardPerson) nobody = lanyard_person_new ();
  g_autoptr(GError) contact_error = NULL;

  /* Core's own message for a person without a phone or an email. */
  lanyard_person_set_first_name (nobody, "Ada");
  lanyard_person_set_last_name (nobody, "Lovelace");
  g_assert_false (lanyard_person_normalize (nobody, "DE", &contact_error));

  open_dialog (fixture);

  /* Typed, then cleared: now it is worth a word. */
  type_into (fixture, "first_name_row", "A");
  type_into (fixture, "first_name_row", "");
  g_assert_true (row_has_error (fixture, "first_name_row"));
  g_assert_cmpstr (label_text (fixture, "first_name_message_label"), ==, first_name_empty);

  type_into (fixture, "first_name_row", "Ada");
  type_into (fixture, "last_name_row", "Lovelace");
  type_into (fixture, "email_row", "ada@example");
  g_assert_true (row_has_error (fixture, "email_row"));
  g_assert_cmpstr (label_text (fixture, "email_message_label"), ==, bad_email);
  g_assert_false (add_is_sensitive (fixture));

  /* Neither a phone nor an email: the rule that needs both fields speaks. */
  type_into (fixture, "email_row", "");
  g_assert_false (shown (fixture, "email_message_label"));
  g_assert_true (shown (fixture, "contact_message_label"));
  g_assert_cmpstr (label_text (fixture, "contact_message_label"), ==, contact_error->message);
  g_assert_false (add_is_sensitive (fixture));
  g_assert_false (gtk_widget_is_sensitive (get_widget (fixture, "invitation_row")));

  type_into (fixture, "email_row", "ada@example.org");
  g_assert_false (shown (fixture, "contact_message_label"));
  g_assert_true (add_is_sensitive (fixture));
}

static void
test_add (Fixture       *fixture,
          gconstpointer  data)
{
  static const char * const tags[] = { "Early bird", "pool", NULL };
  g_autoptr(LanyardPerson) stored = NULL;
  g_autoptr(GError) error = NULL;

  open_dialog (fixture);
  fill_valid_form (fixture, "ada@example.org");
  maybe_screenshot (fixture, "add-person-valid.png");
  g_assert_true (add_is_sensitive (fixture));

  click (fixture, "add_button");
  lanyard_test_wait_for (dialog_is_gone, fixture, "the dialog to close");

  g_assert_cmpuint (fixture->n_added, ==, 1);
  g_assert_cmpuint (fixture->n_opened, ==, 0);
  g_assert_false (fixture->send_invitation);
  g_assert_nonnull (fixture->added);
  g_assert_cmpint (lanyard_person_get_id (fixture->added), >, 0);

  stored = lanyard_store_get_person (fixture_store (fixture), lanyard_person_get_id (fixture->added), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_person_get_facility_id (stored), ==, lanyard_facility_get_id (fixture->facility));
  g_assert_cmpstr (lanyard_person_get_first_name (stored), ==, "Ada");
  g_assert_cmpstr (lanyard_person_get_last_name (stored), ==, "Lovelace");
  g_assert_cmpstr (lanyard_person_get_phone (stored), ==, "+4915123456789");
  g_assert_cmpstr (lanyard_person_get_email (stored), ==, "ada@example.org");
  g_assert_cmpstr (lanyard_person_get_person_type (stored), ==, "Gold");
  g_assert_cmpstr (lanyard_person_get_membership_status (stored), ==, "Current");
  g_assert_cmpstrv (lanyard_person_get_custom_tags (stored), tags);
  g_assert_cmpstr (lanyard_person_get_notes (stored), ==, "Prefers the morning classes.\nAsk about the locker.");
  g_assert_true (lanyard_person_get_access_enabled (stored));
  g_assert_cmpint (lanyard_person_get_source (stored), ==, LANYARD_SOURCE_MANUAL);
  g_assert_cmpint (lanyard_person_get_invitation_state (stored), ==, LANYARD_INVITATION_NOT_INVITED);
  g_assert_cmpuint (count_people (fixture), ==, 1);
}

static void
test_enter_key (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(LanyardPerson) stored = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *focus;

  open_dialog (fixture);

  /* Enter in an incomplete form goes on to the next field and shouts at nobody. */
  type_into (fixture, "first_name_row", "Grace");
  g_signal_emit_by_name (get_widget (fixture, "first_name_row"), "entry-activated");
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->dialog));
  g_assert_true (gtk_widget_is_ancestor (focus, get_widget (fixture, "last_name_row")));
  g_assert_false (shown (fixture, "last_name_message_label"));

  /* In the last field it asks to add: every problem shows. */
  g_signal_emit_by_name (get_widget (fixture, "custom_tags_row"), "entry-activated");
  g_assert_true (shown (fixture, "last_name_message_label"));
  g_assert_true (shown (fixture, "contact_message_label"));
  g_assert_true (row_has_error (fixture, "last_name_row"));
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->dialog));
  g_assert_true (gtk_widget_is_ancestor (focus, get_widget (fixture, "last_name_row")));
  g_assert_nonnull (fixture->dialog);

  /* Complete, Enter adds. */
  type_into (fixture, "last_name_row", "Hopper");
  type_into (fixture, "email_row", "grace@example.org");
  g_signal_emit_by_name (get_widget (fixture, "email_row"), "entry-activated");
  lanyard_test_wait_for (dialog_is_gone, fixture, "the dialog to close");

  g_assert_cmpuint (fixture->n_added, ==, 1);
  stored = lanyard_store_get_person (fixture_store (fixture), lanyard_person_get_id (fixture->added), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_person_get_email (stored), ==, "grace@example.org");
  g_assert_null (lanyard_person_get_phone (stored));
}

static void
test_duplicate_email (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(LanyardPerson) anna = NULL;

  anna = lanyard_test_add_person (fixture_store (fixture), lanyard_facility_get_id (fixture->facility),
                                  "Anna", "Müller", NULL, "anna@example.org");

  open_dialog (fixture);
  type_into (fixture, "first_name_row", "Anna");
  type_into (fixture, "last_name_row", "Mueller");
  type_into (fixture, "email_row", "ANNA@Example.ORG");
  lanyard_test_wait_for (duplicate_is_offered, fixture, "the existing person to be offered");
  maybe_screenshot (fixture, "add-person-duplicate.png");

  g_assert_cmpstr (label_text (fixture, "duplicate_title_label"), ==,
                   "Anna Müller already has this email address");
  g_assert_cmpstr (label_text (fixture, "open_existing_label"), ==, "Open Anna Müller");
  g_assert_true (row_has_error (fixture, "email_row"));
  g_assert_false (add_is_sensitive (fixture));

  /* Another address: the offer goes at once, and comes back with the address. */
  type_into (fixture, "email_row", "anna.m@example.org");
  g_assert_false (shown (fixture, "duplicate_list"));
  g_assert_true (add_is_sensitive (fixture));
  type_into (fixture, "email_row", " anna@EXAMPLE.org ");
  lanyard_test_wait_for (duplicate_is_offered, fixture, "the existing person to be offered again");
  g_assert_false (add_is_sensitive (fixture));

  click (fixture, "open_existing_button");
  lanyard_test_wait_for (dialog_is_gone, fixture, "the dialog to close");
  g_assert_cmpuint (fixture->n_opened, ==, 1);
  g_assert_cmpint (fixture->opened_id, ==, lanyard_person_get_id (anna));
  g_assert_cmpuint (fixture->n_added, ==, 0);
  g_assert_cmpuint (count_people (fixture), ==, 1);
}

static void
test_duplicate_phone (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(LanyardPerson) ben = NULL;

  ben = lanyard_test_add_person (fixture_store (fixture), lanyard_facility_get_id (fixture->facility),
                                 "Ben", "Okafor", "+49 151 23456789", NULL);

  open_dialog (fixture);
  type_into (fixture, "first_name_row", "Benjamin");
  type_into (fixture, "last_name_row", "Okafor");
  type_into (fixture, "phone_row", "0151/2345-6789");
  lanyard_test_wait_for (duplicate_is_offered, fixture, "the existing person to be offered");

  g_assert_cmpstr (label_text (fixture, "duplicate_title_label"), ==,
                   "Ben Okafor already has this mobile number");
  g_assert_true (row_has_error (fixture, "phone_row"));
  g_assert_false (add_is_sensitive (fixture));
}

/* Someone takes the email between the lookup and Add: the store's refusal brings the same offer. */
static void
test_duplicate_on_save (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(LanyardPerson) other = NULL;

  open_dialog (fixture);
  fill_valid_form (fixture, "ada@example.org");
  g_assert_false (shown (fixture, "duplicate_list"));

  /* The main loop does not run before the click: the lookup has not even started. */
  other = lanyard_test_add_person (fixture_store (fixture), lanyard_facility_get_id (fixture->facility),
                                   "Augusta", "King", NULL, "ADA@example.org");
  click (fixture, "add_button");
  lanyard_test_wait_for (duplicate_is_offered, fixture, "the existing person to be offered");

  g_assert_nonnull (fixture->dialog);
  g_assert_cmpuint (fixture->n_added, ==, 0);
  g_assert_cmpstr (label_text (fixture, "duplicate_title_label"), ==,
                   "Augusta King already has this email address");
  g_assert_false (add_is_sensitive (fixture));
  g_assert_true (gtk_widget_is_sensitive (get_widget (fixture, "first_name_row")));
  g_assert_cmpstr (gtk_editable_get_text (get_widget (fixture, "first_name_row")), ==, "Ada");

  click (fixture, "open_existing_button");
  lanyard_test_wait_for (dialog_is_gone, fixture, "the dialog to close");
  g_assert_cmpint (fixture->opened_id, ==, lanyard_person_get_id (other));
}

/* Any other failure is said in the dialog, and what was typed stays for another try. */
static void
test_save_error (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(LanyardFacility) gone = lanyard_facility_new ();
  const char *message;

  lanyard_facility_set_id (gone, lanyard_facility_get_id (fixture->facility) + 100);
  lanyard_facility_set_name (gone, "Closed Club");
  lanyard_facility_set_timezone (gone, "Europe/Berlin");

  open_dialog_for (fixture, gone);
  fill_valid_form (fixture, "ada@example.org");
  click (fixture, "add_button");
  lanyard_test_wait_for (error_is_shown, fixture, "the error to be shown");
  lanyard_test_wait_for (saving_is_over, fixture, "the save to be over");
  maybe_screenshot (fixture, "add-person-error.png");

  g_assert_nonnull (fixture->dialog);
  g_assert_cmpuint (fixture->n_added, ==, 0);
  message = adw_action_row_get_subtitle (get_widget (fixture, "error_row"));
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");
  g_assert_cmpstr (gtk_editable_get_text (get_widget (fixture, "first_name_row")), ==, "Ada");
  g_assert_cmpstr (gtk_editable_get_text (get_widget (fixture, "custom_tags_row")), ==, "Early bird, pool, early BIRD");
  g_assert_true (gtk_widget_is_sensitive (get_widget (fixture, "email_row")));
  g_assert_true (add_is_sensitive (fixture));
  g_assert_true (gtk_widget_is_sensitive (get_widget (fixture, "cancel_button")));

  /* Trying again says it again. */
  click (fixture, "add_button");
  g_assert_false (gtk_revealer_get_reveal_child (get_widget (fixture, "error_revealer")));
  lanyard_test_wait_for (error_is_shown, fixture, "the error to be shown again");
  g_assert_cmpuint (fixture->n_added, ==, 0);
}

static void
test_invitation (Fixture       *fixture,
                 gconstpointer  data)
{
  AdwActionRow *row;
  GtkSwitch *toggle;

  open_dialog (fixture);
  row = get_widget (fixture, "invitation_row");
  toggle = get_widget (fixture, "invitation_switch");

  /* No mail relay yet: never possible, and the row says why. */
  g_assert_false (lanyard_add_person_dialog_get_can_send_invitations (fixture->dialog));
  type_into (fixture, "email_row", "ada@example.org");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (row)));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "This database cannot send mail yet");

  /* With a relay, it needs an email. */
  lanyard_add_person_dialog_set_can_send_invitations (fixture->dialog, TRUE);
  type_into (fixture, "email_row", "");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (row)));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Needs an email address");
  type_into (fixture, "email_row", "ada@example");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (row)));

  type_into (fixture, "email_row", "ada@example.org");
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (row)));
  gtk_switch_set_active (toggle, TRUE);

  /* The email goes: so does the invitation. */
  type_into (fixture, "email_row", "");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (row)));
  g_assert_false (gtk_switch_get_active (toggle));
}

static void
test_invitation_chosen (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(LanyardPerson) stored = NULL;
  g_autoptr(GError) error = NULL;

  open_dialog (fixture);
  g_object_set (fixture->dialog, "can-send-invitations", TRUE, NULL);
  fill_valid_form (fixture, "ada@example.org");
  gtk_switch_set_active (get_widget (fixture, "invitation_switch"), TRUE);

  /* The caller sends the invitation: it asks when the person is added. */
  click (fixture, "add_button");
  lanyard_test_wait_for (dialog_is_gone, fixture, "the dialog to close");
  g_assert_cmpuint (fixture->n_added, ==, 1);
  g_assert_true (fixture->send_invitation);

  /* The dialog itself recorded no invitation: nothing was sent. */
  stored = lanyard_store_get_person (fixture_store (fixture), lanyard_person_get_id (fixture->added), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_person_get_invitation_state (stored), ==, LANYARD_INVITATION_NOT_INVITED);
}

static void
test_notes_too_long (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *too_long = g_strnfill (LANYARD_NOTES_MAX_CHARS + 1, 'a');
  g_autofree char *expected = core_message (LANYARD_PERSON_FIELD_NOTES, too_long);
  g_autofree char *longest = g_strnfill (LANYARD_NOTES_MAX_CHARS, 'a');

  open_dialog (fixture);
  fill_valid_form (fixture, "ada@example.org");
  g_assert_true (add_is_sensitive (fixture));

  type_notes (fixture, too_long);
  maybe_screenshot (fixture, "add-person-notes-too-long.png");
  g_assert_false (add_is_sensitive (fixture));
  g_assert_cmpstr (label_text (fixture, "notes_counter_label"), ==, "2001 / 2000");
  g_assert_true (gtk_widget_has_css_class (get_widget (fixture, "notes_counter_label"), "error"));
  g_assert_true (shown (fixture, "notes_message_label"));
  g_assert_cmpstr (label_text (fixture, "notes_message_label"), ==, expected);

  type_notes (fixture, longest);
  g_assert_true (add_is_sensitive (fixture));
  g_assert_cmpstr (label_text (fixture, "notes_counter_label"), ==, "2000 / 2000");
  g_assert_false (gtk_widget_has_css_class (get_widget (fixture, "notes_counter_label"), "error"));
  g_assert_false (shown (fixture, "notes_message_label"));
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  open_dialog (fixture);
  fill_valid_form (fixture, "ada@example.org");

  click (fixture, "cancel_button");
  lanyard_test_wait_for (dialog_is_gone, fixture, "the dialog to close");

  g_assert_cmpuint (fixture->n_added, ==, 0);
  g_assert_cmpuint (fixture->n_opened, ==, 0);
  g_assert_cmpuint (count_people (fixture), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  if (!lanyard_test_init_widgets (&argc, &argv))
    return 0;

#define ADD_TEST(path, func) \
  g_test_add ("/app/add-person-dialog/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("empty-form", test_empty_form);
  ADD_TEST ("invalid-phone", test_invalid_phone);
  ADD_TEST ("field-messages", test_field_messages);
  ADD_TEST ("add", test_add);
  ADD_TEST ("enter-key", test_enter_key);
  ADD_TEST ("duplicate-email", test_duplicate_email);
  ADD_TEST ("duplicate-phone", test_duplicate_phone);
  ADD_TEST ("duplicate-on-save", test_duplicate_on_save);
  ADD_TEST ("save-error", test_save_error);
  ADD_TEST ("invitation", test_invitation);
  ADD_TEST ("invitation-chosen", test_invitation_chosen);
  ADD_TEST ("notes-too-long", test_notes_too_long);
  ADD_TEST ("cancel", test_cancel);

#undef ADD_TEST

  return g_test_run ();
}
