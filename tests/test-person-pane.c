/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <adwaita.h>

#include "lanyard-person-pane.h"
#include "lanyard-test-utils.h"
#include "lanyard-widget-test-utils.h"

/*
 * The person pane on a real store, driven like a user would: text typed
 * into its rows and applied, switches flipped, dialogs answered. What it
 * shows is compared with what the store answers through the core API.
 *
 * LANYARD_TEST_SCREENSHOTS=DIR saves PNGs of the pane along the way.
 */

typedef struct {
  char               *dir;
  LanyardSqliteStore *store;
  gint64              facility_id;
  LanyardPerson      *anna;
  LanyardPerson      *ben;
  GtkWindow          *window;
  LanyardPersonPane  *pane;

  guint               n_saved;
  guint               n_deleted;
  gint64              deleted_id;
  gint64              opened_id;
} Fixture;

static LanyardStore *
get_store (Fixture *fixture)
{
  return LANYARD_STORE (fixture->store);
}

static LanyardFacility *
find_facility (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) facilities = lanyard_store_list_facilities (get_store (fixture), NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < facilities->len; i++)
    if (lanyard_facility_get_id (g_ptr_array_index (facilities, i)) == fixture->facility_id)
      return g_object_ref (g_ptr_array_index (facilities, i));

  g_assert_not_reached ();
}

static void
on_person_saved_cb (LanyardPersonPane *pane,
                    LanyardPerson     *person,
                    Fixture           *fixture)
{
  fixture->n_saved++;
}

static void
on_person_deleted_cb (LanyardPersonPane *pane,
                      gint64             person_id,
                      Fixture           *fixture)
{
  fixture->n_deleted++;
  fixture->deleted_id = person_id;
}

static void
on_open_person_cb (LanyardPersonPane *pane,
                   gint64             person_id,
                   Fixture           *fixture)
{
  fixture->opened_id = person_id;
}

static gboolean
pane_is_settled (gpointer data)
{
  Fixture *fixture = data;

  return !lanyard_person_pane_get_busy (fixture->pane);
}

static void
wait_until_settled (Fixture *fixture)
{
  /* Let a write that was just queued start before asking whether the pane is busy. */
  lanyard_test_wait_ms (10);
  lanyard_test_wait_for (pane_is_settled, fixture, "the pane to finish reading and writing");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(LanyardFacility) facility = NULL;
  GtkWidget *overlay;

  fixture->dir = lanyard_test_dir_new ();
  fixture->store = lanyard_test_store_new (fixture->dir);
  fixture->facility_id = lanyard_test_add_facility (get_store (fixture), "Riverside");
  fixture->anna = lanyard_test_add_person (get_store (fixture), fixture->facility_id,
                                           "Anna", "Müller", "0151 23456789", "anna@example.com");
  fixture->ben = lanyard_test_add_person (get_store (fixture), fixture->facility_id,
                                          "Ben", "Okafor", "0160 1234567", "ben@example.com");
  facility = find_facility (fixture);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 420, 860);
  overlay = adw_toast_overlay_new ();
  gtk_window_set_child (fixture->window, overlay);

  fixture->pane = g_object_new (LANYARD_TYPE_PERSON_PANE,
                                "store", fixture->store,
                                "facility", facility,
                                NULL);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (fixture->pane));
  g_signal_connect (fixture->pane, "person-saved", G_CALLBACK (on_person_saved_cb), fixture);
  g_signal_connect (fixture->pane, "person-deleted", G_CALLBACK (on_person_deleted_cb), fixture);
  g_signal_connect (fixture->pane, "open-person", G_CALLBACK (on_open_person_cb), fixture);

  gtk_window_present (fixture->window);
  lanyard_person_pane_set_person (fixture->pane, fixture->anna);
  wait_until_settled (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  GList *toplevels = gtk_window_list_toplevels ();

  /* Dialogs left open go with the window. */
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (l->data != fixture->window)
      gtk_window_destroy (l->data);
  g_list_free (toplevels);

  gtk_window_destroy (fixture->window);
  while (g_main_context_iteration (context, FALSE))
    ;

  g_clear_object (&fixture->anna);
  g_clear_object (&fixture->ben);
  g_clear_object (&fixture->store);
  lanyard_test_dir_free (fixture->dir);
}

/* Helpers */

static gpointer
get_widget (Fixture    *fixture,
            const char *id)
{
  return lanyard_test_get_widget (GTK_WIDGET (fixture->pane), id);
}

static void
maybe_screenshot (Fixture    *fixture,
                  const char *name)
{
  lanyard_test_maybe_screenshot (GTK_WIDGET (fixture->pane), name);
}

/* Scrolls the pane's page so that @widget is near the top, for a screenshot. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  double x, y;

  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));
  g_assert_true (gtk_widget_translate_coordinates (widget, content, 0, 0, &x, &y));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), y - 60);
}

static LanyardPerson *
read_person (Fixture *fixture,
             gint64   id)
{
  g_autoptr(GError) error = NULL;
  LanyardPerson *person = lanyard_store_get_person (get_store (fixture), id, NULL, &error);

  g_assert_no_error (error);
  return person;
}

/* Types @text into an entry row and presses Enter (the row's apply). */
static void
type_and_apply (Fixture    *fixture,
                const char *id,
                const char *text)
{
  AdwEntryRow *row = get_widget (fixture, id);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
  wait_until_settled (fixture);
}

static const char *
row_text (Fixture    *fixture,
          const char *id)
{
  return gtk_editable_get_text (GTK_EDITABLE (get_widget (fixture, id)));
}

/* The first widget under @widget of @type with this title (a preferences row). */
static GtkWidget *
find_row (GtkWidget  *widget,
          GType       type,
          const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, type, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static AdwExpanderRow *
get_grant_row (Fixture    *fixture,
               const char *title)
{
  GtkWidget *row = find_row (GTK_WIDGET (fixture->pane), ADW_TYPE_EXPANDER_ROW, title);

  g_assert_nonnull (row);
  return ADW_EXPANDER_ROW (row);
}

static AdwEntryRow *
get_hours_row (AdwExpanderRow *grant_row)
{
  GtkWidget *row = find_row (GTK_WIDGET (grant_row), ADW_TYPE_ENTRY_ROW, "Hours");

  g_assert_nonnull (row);
  return ADW_ENTRY_ROW (row);
}

static gboolean
has_message_dialog (gpointer data)
{
  GList *toplevels = gtk_window_list_toplevels ();
  gboolean found = FALSE;

  for (GList *l = toplevels; l != NULL; l = l->next)
    found |= ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data);
  g_list_free (toplevels);

  return found;
}

/* The confirmation dialog the pane has open. */
static AdwMessageDialog *
get_message_dialog (void)
{
  GList *toplevels;
  AdwMessageDialog *dialog = NULL;

  lanyard_test_wait_for (has_message_dialog, NULL, "a confirmation dialog");

  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      dialog = l->data;
  g_list_free (toplevels);

  return dialog;
}

static GPtrArray *
read_grants (Fixture *fixture,
             gint64   person_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *grants = lanyard_store_list_grants (get_store (fixture), person_id, NULL, &error);

  g_assert_no_error (error);
  return grants;
}

/* Tests */

static gboolean
history_has_row (Fixture    *fixture,
                 const char *text)
{
  GtkListBox *list = get_widget (fixture, "history_list");
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    if (ADW_IS_PREFERENCES_ROW (row) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), text) == 0)
      return TRUE;

  return FALSE;
}


static void
test_fields (Fixture       *fixture,
             gconstpointer  data)
{
  AdwWindowTitle *title = get_widget (fixture, "title");
  g_autofree char *pretty_phone = lanyard_phone_format_international ("+4915123456789");

  g_assert_cmpstr (adw_window_title_get_title (title), ==, "Anna Müller");
  g_assert_cmpstr (row_text (fixture, "first_name_row"), ==, "Anna");
  g_assert_cmpstr (row_text (fixture, "last_name_row"), ==, "Müller");
  g_assert_cmpstr (row_text (fixture, "phone_row"), ==, pretty_phone);
  g_assert_cmpstr (row_text (fixture, "email_row"), ==, "anna@example.com");
  g_assert_cmpstr (row_text (fixture, "person_type_row"), ==, "");
  g_assert_true (gtk_switch_get_active (get_widget (fixture, "access_switch")));
  g_assert_false (gtk_widget_get_visible (get_widget (fixture, "track_row")));
  g_assert_false (gtk_widget_get_visible (get_widget (fixture, "synced_tags_row")));
  g_assert_cmpstr (adw_action_row_get_subtitle (get_widget (fixture, "last_used_row")), ==, "Never");
  g_assert_cmpstr (adw_action_row_get_subtitle (get_widget (fixture, "invitation_row")), ==, "Not invited yet");
  g_assert_false (gtk_widget_get_sensitive (get_widget (fixture, "invite_button")));

  /* A row per door of the facility, and one for the whole facility. */
  g_assert_false (adw_expander_row_get_enable_expansion (get_grant_row (fixture, "Whole Facility")));
  g_assert_false (adw_expander_row_get_enable_expansion (get_grant_row (fixture, "Front")));
  g_assert_false (adw_expander_row_get_enable_expansion (get_grant_row (fixture, "Gym")));
  g_assert_false (adw_expander_row_get_enable_expansion (get_grant_row (fixture, "Pool")));

  g_assert_false (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));
  maybe_screenshot (fixture, "person-pane.png");
}

static void
test_edit_phone (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(LanyardPerson) stored = NULL;
  g_autofree char *pretty_phone = lanyard_phone_format_international ("+4915198765432");

  type_and_apply (fixture, "phone_row", "0151 98765432");

  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpstr (lanyard_person_get_phone (stored), ==, "+4915198765432");
  g_assert_cmpuint (fixture->n_saved, ==, 1);
  g_assert_cmpint (lanyard_person_get_version (lanyard_person_pane_get_person (fixture->pane)), ==,
                   lanyard_person_get_version (stored));

  /* Not in the row any more: it shows the number as stored, in its international form. */
  g_assert_cmpstr (row_text (fixture, "phone_row"), ==, pretty_phone);
  g_assert_false (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));

  /* Applying the same number again, however it is spaced, stores nothing. */
  type_and_apply (fixture, "phone_row", "+49 151 98765432");
  g_assert_cmpuint (fixture->n_saved, ==, 1);
}

/* Leaving a row stores it, like Enter. */
static void
test_leave_field (Fixture       *fixture,
                  gconstpointer  data)
{
  AdwEntryRow *type_row = get_widget (fixture, "person_type_row");
  g_autoptr(LanyardPerson) stored = NULL;

  gtk_widget_grab_focus (GTK_WIDGET (type_row));
  lanyard_test_wait_ms (50);
  if (!(gtk_widget_get_state_flags (GTK_WIDGET (type_row)) & GTK_STATE_FLAG_FOCUS_WITHIN))
    {
      g_test_skip ("The window does not take the keyboard focus here");
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (type_row), "  Gold ");
  gtk_widget_grab_focus (get_widget (fixture, "membership_status_row"));
  wait_until_settled (fixture);

  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpstr (lanyard_person_get_person_type (stored), ==, "Gold");
  g_assert_cmpstr (row_text (fixture, "person_type_row"), ==, "Gold");
  g_assert_false (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));
}

static void
test_invalid_email (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *row = get_widget (fixture, "email_row");
  GtkLabel *error_label = get_widget (fixture, "profile_error_label");
  g_autoptr(LanyardPerson) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  /* The message is the core's, word for word. */
  g_assert_false (lanyard_person_check_field (LANYARD_PERSON_FIELD_EMAIL, "anna@", "DE", &value, &error));

  type_and_apply (fixture, "email_row", "anna@");

  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_label (error_label), ==, error->message);
  g_assert_cmpstr (row_text (fixture, "email_row"), ==, "anna@");
  g_assert_true (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));
  g_assert_cmpuint (fixture->n_saved, ==, 0);

  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpstr (lanyard_person_get_email (stored), ==, "anna@example.com");
  g_assert_cmpint (lanyard_person_get_version (stored), ==, lanyard_person_get_version (fixture->anna));

  maybe_screenshot (fixture, "person-pane-invalid-email.png");

  /* Fixed, the message goes and the address is stored. */
  type_and_apply (fixture, "email_row", "anna.mueller@example.com");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_clear_object (&stored);
  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpstr (lanyard_person_get_email (stored), ==, "anna.mueller@example.com");
  g_assert_false (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));
}

static gboolean
duplicate_is_offered (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_visible (get_widget (fixture, "open_duplicate_button"));
}

static void
test_duplicate_email (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkButton *button = get_widget (fixture, "open_duplicate_button");
  g_autoptr(LanyardPerson) stored = NULL;

  type_and_apply (fixture, "email_row", "BEN@example.com");
  lanyard_test_wait_for (duplicate_is_offered, fixture, "the Open button for the existing person");

  g_assert_cmpstr (gtk_button_get_label (button), ==, "Open Ben Okafor");
  g_assert_nonnull (strstr (gtk_label_get_label (get_widget (fixture, "profile_error_label")), "Ben Okafor"));
  g_assert_true (gtk_widget_has_css_class (get_widget (fixture, "email_row"), "error"));
  g_assert_cmpstr (row_text (fixture, "email_row"), ==, "BEN@example.com");
  g_assert_true (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));
  maybe_screenshot (fixture, "person-pane-duplicate.png");

  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpint (fixture->opened_id, ==, lanyard_person_get_id (fixture->ben));

  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpstr (lanyard_person_get_email (stored), ==, "anna@example.com");
  g_assert_cmpuint (fixture->n_saved, ==, 0);

  /* Typing again takes the offer back. */
  gtk_editable_set_text (get_widget (fixture, "email_row"), "anna@example.org");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (button)));
}

static void
test_conflict (Fixture       *fixture,
               gconstpointer  data)
{
  GtkRevealer *revealer = get_widget (fixture, "conflict_revealer");
  g_autoptr(LanyardPerson) copy = lanyard_person_copy (fixture->anna);
  g_autoptr(LanyardPerson) changed = NULL;
  g_autoptr(LanyardPerson) stored = NULL;
  g_autoptr(GError) error = NULL;

  /* Someone else changes Anna behind the pane's back. */
  lanyard_person_set_person_type (copy, "Gold");
  changed = lanyard_store_save_person (get_store (fixture), copy, NULL, &error);
  g_assert_no_error (error);

  type_and_apply (fixture, "last_name_row", "Meyer");

  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  g_assert_cmpstr (row_text (fixture, "last_name_row"), ==, "Meyer");
  g_assert_true (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));
  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpstr (lanyard_person_get_last_name (stored), ==, "Müller");
  maybe_screenshot (fixture, "person-pane-conflict.png");

  /* Reload shows the stored record and drops what was typed. */
  g_signal_emit_by_name (get_widget (fixture, "reload_button"), "clicked");
  wait_until_settled (fixture);

  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  g_assert_cmpstr (row_text (fixture, "last_name_row"), ==, "Müller");
  g_assert_cmpstr (row_text (fixture, "person_type_row"), ==, "Gold");
  g_assert_false (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));

  /* Now the edit goes through. */
  type_and_apply (fixture, "last_name_row", "Meyer");
  g_clear_object (&stored);
  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpstr (lanyard_person_get_last_name (stored), ==, "Meyer");
  g_assert_cmpstr (lanyard_person_get_person_type (stored), ==, "Gold");
}

static void
test_access_enabled (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkSwitch *access_switch = get_widget (fixture, "access_switch");
  g_autoptr(LanyardPerson) stored = NULL;

  gtk_switch_set_active (access_switch, FALSE);
  wait_until_settled (fixture);

  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_false (lanyard_person_get_access_enabled (stored));
  g_assert_false (gtk_switch_get_active (access_switch));
  g_assert_cmpuint (fixture->n_saved, ==, 1);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (get_widget (fixture, "access_row")), "locked"));

  gtk_switch_set_active (access_switch, TRUE);
  wait_until_settled (fixture);
  g_clear_object (&stored);
  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_true (lanyard_person_get_access_enabled (stored));
}

static void
test_grant_door (Fixture       *fixture,
                 gconstpointer  data)
{
  AdwExpanderRow *gym = get_grant_row (fixture, "Gym");
  AdwEntryRow *hours = get_hours_row (gym);
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(LanyardPerson) stored = NULL;
  g_autofree char *schedule = NULL;
  LanyardGrant *grant;

  /* The switch of the row. */
  adw_expander_row_set_enable_expansion (gym, TRUE);
  wait_until_settled (fixture);

  grants = read_grants (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_null (lanyard_grant_get_schedule (g_ptr_array_index (grants, 0)));
  g_clear_pointer (&grants, g_ptr_array_unref);

  /* Hours that do not parse are shown as wrong and not stored. */
  gtk_editable_set_text (GTK_EDITABLE (hours), "mon-fri 08:00-25:00");
  g_signal_emit_by_name (hours, "apply");
  wait_until_settled (fixture);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (hours), "error"));
  g_assert_true (gtk_widget_get_visible (get_widget (fixture, "grants_error_label")));
  g_assert_true (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));
  scroll_to (GTK_WIDGET (gym));
  maybe_screenshot (fixture, "person-pane-hours-error.png");

  gtk_editable_set_text (GTK_EDITABLE (hours), "mon-fri 08:00-18:00");
  g_signal_emit_by_name (hours, "apply");
  wait_until_settled (fixture);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (hours), "error"));
  g_assert_false (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));

  grants = read_grants (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpuint (grants->len, ==, 1);
  grant = g_ptr_array_index (grants, 0);
  g_assert_cmpint (lanyard_grant_get_kind (grant), ==, LANYARD_GRANT_DOOR);
  g_assert_cmpint (lanyard_grant_get_target_id (grant), ==,
                   lanyard_test_door_id (get_store (fixture), fixture->facility_id, "Gym"));
  schedule = lanyard_schedule_to_string (lanyard_grant_get_schedule (grant));
  g_assert_cmpstr (schedule, ==, "mon-fri 08:00-18:00");

  /* Each write took the version the one before stored. */
  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpint (lanyard_person_get_version (lanyard_person_pane_get_person (fixture->pane)), ==,
                   lanyard_person_get_version (stored));
  g_assert_cmpint (lanyard_person_get_grant_count (stored), ==, 1);
  g_assert_cmpuint (fixture->n_saved, ==, 2);
  maybe_screenshot (fixture, "person-pane-grant.png");

  /* Switched off, the grant goes. */
  adw_expander_row_set_enable_expansion (gym, FALSE);
  wait_until_settled (fixture);
  g_clear_pointer (&grants, g_ptr_array_unref);
  grants = read_grants (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpuint (grants->len, ==, 0);
}

static void
test_grant_scope (Fixture       *fixture,
                  gconstpointer  data)
{
  gint64 pool_id = lanyard_test_door_id (get_store (fixture), fixture->facility_id, "Pool");
  g_autoptr(LanyardScope) scope = lanyard_scope_new ();
  g_autoptr(LanyardScope) saved = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;
  AdwExpanderRow *row;

  lanyard_scope_set_facility_id (scope, fixture->facility_id);
  lanyard_scope_set_name (scope, "Wellness");
  lanyard_scope_set_door_ids (scope, &pool_id, 1);
  saved = lanyard_store_save_scope (get_store (fixture), scope, NULL, &error);
  g_assert_no_error (error);

  /* Scopes are read with the person. */
  lanyard_person_pane_set_person (fixture->pane, fixture->ben);
  lanyard_person_pane_set_person (fixture->pane, fixture->anna);
  wait_until_settled (fixture);

  row = get_grant_row (fixture, "Wellness");
  g_assert_cmpstr (adw_expander_row_get_subtitle (row), ==, "Access scope: Pool");

  adw_expander_row_set_enable_expansion (row, TRUE);
  wait_until_settled (fixture);

  grants = read_grants (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpint (lanyard_grant_get_kind (g_ptr_array_index (grants, 0)), ==, LANYARD_GRANT_SCOPE);
  g_assert_cmpint (lanyard_grant_get_target_id (g_ptr_array_index (grants, 0)), ==, lanyard_scope_get_id (saved));
  g_assert_cmpstr (adw_expander_row_get_subtitle (row), ==, "Granted at any time");
  g_assert_true (history_has_row (fixture, "Grants changed to Wellness"));
}

static void
test_clear_grants (Fixture       *fixture,
                   gconstpointer  data)
{
  gint64 anna_id = lanyard_person_get_id (fixture->anna);
  g_autoptr(GPtrArray) grants = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_DOOR,
                                                   lanyard_test_door_id (get_store (fixture), fixture->facility_id, "Front"),
                                                   NULL));
  g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_FACILITY, 0, NULL));
  person = lanyard_store_set_grants (get_store (fixture), anna_id, lanyard_person_get_version (fixture->anna),
                                     grants, NULL, &error);
  g_assert_no_error (error);

  /* Shown again, as the list would after the change. */
  lanyard_person_pane_set_person (fixture->pane, fixture->ben);
  lanyard_person_pane_set_person (fixture->pane, person);
  wait_until_settled (fixture);

  g_assert_true (adw_expander_row_get_enable_expansion (get_grant_row (fixture, "Front")));
  g_assert_true (adw_expander_row_get_enable_expansion (get_grant_row (fixture, "Whole Facility")));
  g_assert_true (gtk_widget_get_sensitive (get_widget (fixture, "clear_grants_button")));

  g_signal_emit_by_name (get_widget (fixture, "clear_grants_button"), "clicked");
  dialog = get_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "2 grants"));
  lanyard_test_maybe_screenshot (GTK_WIDGET (dialog), "person-pane-clear-dialog.png");
  adw_message_dialog_response (dialog, "clear");
  wait_until_settled (fixture);

  stored = read_grants (fixture, anna_id);
  g_assert_cmpuint (stored->len, ==, 0);
  g_assert_false (adw_expander_row_get_enable_expansion (get_grant_row (fixture, "Front")));
  g_assert_false (gtk_widget_get_sensitive (get_widget (fixture, "clear_grants_button")));
}

static void
test_history (Fixture       *fixture,
              gconstpointer  data)
{
  GtkListBox *list = get_widget (fixture, "history_list");
  g_autofree char *old_phone = lanyard_phone_format_international ("+4915123456789");
  g_autofree char *new_phone = lanyard_phone_format_international ("+4915111122233");
  g_autofree char *phone_changed = g_strdup_printf ("Phone number changed from “%s” to “%s”", old_phone, new_phone);

  g_assert_true (history_has_row (fixture, "Added"));

  type_and_apply (fixture, "membership_status_row", "Current");
  type_and_apply (fixture, "phone_row", "0151 11122233");
  gtk_switch_set_active (get_widget (fixture, "access_switch"), FALSE);
  wait_until_settled (fixture);

  g_assert_true (history_has_row (fixture, "Membership status set to “Current”"));
  g_assert_true (history_has_row (fixture, phone_changed));
  g_assert_true (history_has_row (fixture, "Access disabled"));

  /* Newest first, with who did it. */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (list, 0))),
                   ==, "Access disabled");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_list_box_get_row_at_index (list, 0))),
                                   "test · "));
  scroll_to (GTK_WIDGET (list));
  maybe_screenshot (fixture, "person-pane-history.png");
}

static void
test_history_more (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkListBox *list = get_widget (fixture, "history_list");
  GtkListBoxRow *last;
  int n_rows = 0;

  /* 24 changes and the creation: a page of 20, then the rest. */
  for (int i = 0; i < 12; i++)
    {
      gtk_switch_set_active (get_widget (fixture, "access_switch"), FALSE);
      wait_until_settled (fixture);
      gtk_switch_set_active (get_widget (fixture, "access_switch"), TRUE);
      wait_until_settled (fixture);
    }

  while (gtk_list_box_get_row_at_index (list, n_rows) != NULL)
    n_rows++;
  g_assert_cmpint (n_rows, ==, 21);
  last = gtk_list_box_get_row_at_index (list, 20);
  g_assert_false (ADW_IS_PREFERENCES_ROW (last));

  g_signal_emit_by_name (list, "row-activated", last);
  wait_until_settled (fixture);

  n_rows = 0;
  while (gtk_list_box_get_row_at_index (list, n_rows) != NULL)
    n_rows++;
  g_assert_cmpint (n_rows, ==, 25);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (list, 24))),
                   ==, "Added");
}

static void
test_notes (Fixture       *fixture,
            gconstpointer  data)
{
  GtkTextView *view = get_widget (fixture, "notes_view");
  GtkButton *save = get_widget (fixture, "notes_save_button");
  GtkLabel *counter = get_widget (fixture, "notes_counter_label");
  g_autoptr(LanyardPerson) stored = NULL;
  g_autofree char *long_notes = g_strnfill (LANYARD_NOTES_MAX_CHARS + 1, 'x');

  g_assert_cmpstr (gtk_label_get_label (counter), ==, "0 / 2000");

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), long_notes, -1);
  g_assert_cmpstr (gtk_label_get_label (counter), ==, "2001 / 2000");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (counter), "error"));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (save)));
  g_assert_true (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), "Prefers the early slot.", -1);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (counter), "error"));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (save)));

  g_signal_emit_by_name (save, "clicked");
  wait_until_settled (fixture);

  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_cmpstr (lanyard_person_get_notes (stored), ==, "Prefers the early slot.");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (save)));
  g_assert_false (lanyard_person_pane_get_has_unsaved_changes (fixture->pane));
}

static void
test_custom_tags (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(LanyardPerson) stored = NULL;
  const char * const *tags;

  type_and_apply (fixture, "custom_tags_row", " swim,  sauna , swim ");

  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  tags = lanyard_person_get_custom_tags (stored);
  g_assert_nonnull (tags);
  g_assert_cmpstr (tags[0], ==, "swim");
  g_assert_cmpstr (tags[1], ==, "sauna");
  g_assert_null (tags[2]);
  g_assert_cmpstr (row_text (fixture, "custom_tags_row"), ==, "swim, sauna");
}

static void
test_delete (Fixture       *fixture,
             gconstpointer  data)
{
  gint64 anna_id = lanyard_person_get_id (fixture->anna);
  g_autoptr(LanyardPerson) gone = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  g_signal_emit_by_name (get_widget (fixture, "delete_button"), "clicked");
  dialog = get_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete Anna Müller?");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==, ADW_RESPONSE_DESTRUCTIVE);
  lanyard_test_maybe_screenshot (GTK_WIDGET (dialog), "person-pane-delete-dialog.png");

  adw_message_dialog_response (dialog, "delete");
  wait_until_settled (fixture);

  g_assert_cmpuint (fixture->n_deleted, ==, 1);
  g_assert_cmpint (fixture->deleted_id, ==, anna_id);
  gone = lanyard_store_get_person (get_store (fixture), anna_id, NULL, &error);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
  g_assert_null (gone);

  g_assert_null (lanyard_person_pane_get_person (fixture->pane));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (fixture, "stack")), ==, "empty");
  maybe_screenshot (fixture, "person-pane-empty.png");
}

static void
test_delete_cancelled (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(LanyardPerson) stored = NULL;
  AdwMessageDialog *dialog;

  g_signal_emit_by_name (get_widget (fixture, "delete_button"), "clicked");
  dialog = get_message_dialog ();
  adw_message_dialog_response (dialog, "cancel");
  wait_until_settled (fixture);

  g_assert_cmpuint (fixture->n_deleted, ==, 0);
  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_nonnull (stored);
}

static void
test_switch_person (Fixture       *fixture,
                    gconstpointer  data)
{
  g_assert_cmpstr (row_text (fixture, "first_name_row"), ==, "Anna");

  /* Shown at once as given, before the store has answered. */
  lanyard_person_pane_set_person (fixture->pane, fixture->ben);
  g_assert_cmpstr (row_text (fixture, "first_name_row"), ==, "Ben");
  g_assert_true (lanyard_person_pane_get_busy (fixture->pane));
  wait_until_settled (fixture);
  g_assert_cmpstr (row_text (fixture, "email_row"), ==, "ben@example.com");
  g_assert_true (history_has_row (fixture, "Added"));

  lanyard_person_pane_set_person (fixture->pane, NULL);
  wait_until_settled (fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (fixture, "stack")), ==, "empty");
}

static void
test_synced_person (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(LanyardPerson) copy = lanyard_person_copy (fixture->anna);
  g_autoptr(LanyardPerson) synced = NULL;
  g_autoptr(LanyardPerson) stored = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const tags[] = { "gold-member", "pool", NULL };

  lanyard_person_set_source (copy, LANYARD_SOURCE_INTEGRATION);
  lanyard_person_set_source_name (copy, "Mindbody");
  lanyard_person_set_external_id (copy, "MB-1042");
  lanyard_person_set_track_source_updates (copy, TRUE);
  lanyard_person_set_synced_tags (copy, tags);
  synced = lanyard_store_save_person (get_store (fixture), copy, NULL, &error);
  g_assert_no_error (error);

  lanyard_person_pane_set_person (fixture->pane, synced);
  wait_until_settled (fixture);

  g_assert_true (gtk_widget_get_visible (get_widget (fixture, "track_row")));
  g_assert_true (gtk_widget_get_visible (get_widget (fixture, "synced_tags_row")));
  g_assert_cmpstr (adw_action_row_get_subtitle (get_widget (fixture, "synced_tags_row")), ==, "gold-member, pool");
  g_assert_cmpstr (adw_window_title_get_subtitle (get_widget (fixture, "title")), ==, "Synced from Mindbody · ID MB-1042");

  gtk_switch_set_active (get_widget (fixture, "track_switch"), FALSE);
  wait_until_settled (fixture);
  stored = read_person (fixture, lanyard_person_get_id (fixture->anna));
  g_assert_false (lanyard_person_get_track_source_updates (stored));
  maybe_screenshot (fixture, "person-pane-synced.png");
}

/* The whole pane in one tall picture, for looking at the layout. */
static void
test_screenshot_full (Fixture       *fixture,
                      gconstpointer  data)
{
  AdwExpanderRow *gym = get_grant_row (fixture, "Gym");

  if (g_getenv ("LANYARD_TEST_SCREENSHOTS") == NULL)
    {
      g_test_skip ("LANYARD_TEST_SCREENSHOTS is not set");
      return;
    }

  type_and_apply (fixture, "membership_status_row", "Current");
  adw_expander_row_set_enable_expansion (gym, TRUE);
  wait_until_settled (fixture);
  gtk_editable_set_text (GTK_EDITABLE (get_hours_row (gym)), "mon-fri 08:00-18:00");
  g_signal_emit_by_name (get_hours_row (gym), "apply");
  wait_until_settled (fixture);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (get_widget (fixture, "notes_view")),
                            "Prefers the early slot. Ask about the family membership.", -1);

  gtk_window_set_default_size (fixture->window, 420, 2900);
  lanyard_test_wait_ms (300);
  maybe_screenshot (fixture, "person-pane-full.png");
}

int
main (int   argc,
      char *argv[])
{
  if (!lanyard_test_init_widgets (&argc, &argv))
    return 0;

#define ADD_TEST(path, func) \
  g_test_add ("/app/person-pane/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("fields", test_fields);
  ADD_TEST ("edit-phone", test_edit_phone);
  ADD_TEST ("leave-field", test_leave_field);
  ADD_TEST ("invalid-email", test_invalid_email);
  ADD_TEST ("duplicate-email", test_duplicate_email);
  ADD_TEST ("conflict", test_conflict);
  ADD_TEST ("access-enabled", test_access_enabled);
  ADD_TEST ("grant-door", test_grant_door);
  ADD_TEST ("grant-scope", test_grant_scope);
  ADD_TEST ("clear-grants", test_clear_grants);
  ADD_TEST ("history", test_history);
  ADD_TEST ("history-more", test_history_more);
  ADD_TEST ("notes", test_notes);
  ADD_TEST ("custom-tags", test_custom_tags);
  ADD_TEST ("delete", test_delete);
  ADD_TEST ("delete-cancelled", test_delete_cancelled);
  ADD_TEST ("switch-person", test_switch_person);
  ADD_TEST ("synced-person", test_synced_person);
  ADD_TEST ("screenshot", test_screenshot_full);

#undef ADD_TEST

  return g_test_run ();
}
