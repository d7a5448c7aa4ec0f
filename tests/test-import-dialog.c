/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "lanyard-import-dialog.h"
#include "lanyard-test-utils.h"
#include "lanyard-widget-test-utils.h"

/*
 * The import wizard on a fresh database whose facility has the doors
 * "Front", "Gym" and "Pool" and the access scope "Wellness", driven with the
 * files in tests/data/import/: files are opened as a drop would open them,
 * choices are made in the rows (found by their ids in the .ui file, or by
 * their titles for the rows made in code), buttons are clicked, and what the
 * dialog shows is compared with what core says about the same file.
 *
 * LANYARD_TEST_SCREENSHOTS=DIR saves PNGs of every step.
 */

typedef struct {
  char                *dir;
  LanyardSqliteStore  *store;
  LanyardFacility     *facility;
  LanyardImportDialog *dialog;          /* weak: NULL once the dialog is gone */
  LanyardImportResult *imported;        /* as people-imported gave it */
  guint                n_imported;
  gboolean             send_invitations;
  gboolean             saved;           /* save_failed_rows_to() answered */
  GError              *save_error;
} Fixture;

static LanyardStore *
fixture_store (Fixture *fixture)
{
  return LANYARD_STORE (fixture->store);
}

static gint64
fixture_facility_id (Fixture *fixture)
{
  return lanyard_facility_get_id (fixture->facility);
}

static void
add_scope (LanyardStore *store,
           gint64        facility_id,
           const char   *name,
           const char   *door)
{
  g_autoptr(LanyardScope) scope = lanyard_scope_new ();
  g_autoptr(LanyardScope) saved = NULL;
  g_autoptr(GError) error = NULL;
  gint64 door_id = lanyard_test_door_id (store, facility_id, door);

  lanyard_scope_set_facility_id (scope, facility_id);
  lanyard_scope_set_name (scope, name);
  lanyard_scope_set_door_ids (scope, &door_id, 1);
  saved = lanyard_store_save_scope (store, scope, NULL, &error);
  g_assert_no_error (error);
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
  add_scope (fixture_store (fixture), facility_id, "Wellness", "Pool");

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
  g_autofree char *mappings = lanyard_import_dup_mappings_path ();

  if (fixture->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->dialog));
  /* Workers answer after the dialog is gone: let them. */
  lanyard_test_wait_ms (100);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_null (fixture->dialog);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  g_unlink (mappings);
  g_clear_pointer (&fixture->imported, lanyard_import_result_unref);
  g_clear_error (&fixture->save_error);
  g_clear_object (&fixture->facility);
  g_clear_object (&fixture->store);
  lanyard_test_dir_free (fixture->dir);
}

/* Helpers */

static void
on_people_imported_cb (LanyardImportDialog *dialog,
                       LanyardImportResult *result,
                       Fixture             *fixture)
{
  g_clear_pointer (&fixture->imported, lanyard_import_result_unref);
  fixture->imported = lanyard_import_result_ref (result);
  fixture->n_imported++;
  fixture->send_invitations = lanyard_import_dialog_get_send_invitations (dialog);
}

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
open_dialog_for (Fixture         *fixture,
                 LanyardFacility *facility,
                 int              width)
{
  fixture->dialog = lanyard_import_dialog_new (NULL, fixture_store (fixture), facility);
  g_object_add_weak_pointer (G_OBJECT (fixture->dialog), (gpointer *)&fixture->dialog);
  g_signal_connect (fixture->dialog, "people-imported", G_CALLBACK (on_people_imported_cb), fixture);
  if (width > 0)
    gtk_window_set_default_size (GTK_WINDOW (fixture->dialog), width, 600);

  gtk_window_present (GTK_WINDOW (fixture->dialog));
  lanyard_test_wait_for (widget_is_mapped, fixture->dialog, "the dialog to be shown");
}

static void
open_dialog (Fixture *fixture)
{
  open_dialog_for (fixture, fixture->facility, 0);
}

static gpointer
get_widget (Fixture    *fixture,
            const char *id)
{
  return lanyard_test_get_widget (GTK_WIDGET (fixture->dialog), id);
}

static const char *
page (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (get_widget (fixture, "stack"));
}

static gboolean
is_sensitive (Fixture    *fixture,
              const char *id)
{
  return gtk_widget_is_sensitive (get_widget (fixture, id));
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

static void
click (Fixture    *fixture,
       const char *id)
{
  GtkWidget *button = get_widget (fixture, id);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
maybe_screenshot (Fixture    *fixture,
                  const char *name)
{
  lanyard_test_maybe_screenshot (GTK_WIDGET (fixture->dialog), name);
}

static GFile *
data_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "import", name, NULL);

  return g_file_new_for_path (path);
}

static LanyardCsvTable *
load_table (const char *name)
{
  g_autoptr(GFile) file = data_file (name);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  LanyardCsvTable *table;

  bytes = lanyard_csv_load_file (file, NULL, &error);
  g_assert_no_error (error);
  table = lanyard_csv_parse (bytes, 0, &error);
  g_assert_no_error (error);

  return table;
}

/* What core's dry run says about the file with its guessed mapping. */
static LanyardImportResult *
core_check (Fixture    *fixture,
            const char *name)
{
  g_autoptr(LanyardCsvTable) table = load_table (name);
  g_auto(GStrv) headers = lanyard_csv_table_dup_header (table);
  g_autoptr(LanyardImportMapping) mapping = lanyard_import_mapping_guess ((const char * const *)headers,
                                                                          g_strv_length (headers));
  g_autoptr(GError) error = NULL;
  LanyardImportResult *result;

  result = lanyard_import_check (fixture_store (fixture), fixture_facility_id (fixture), table, mapping,
                                 NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  return result;
}

static gboolean
is_idle (Fixture *fixture)
{
  return !gtk_widget_get_visible (get_widget (fixture, "busy_spinner")) &&
         g_strcmp0 (page (fixture), "working") != 0;
}

static gboolean
file_is_read (gpointer data)
{
  Fixture *fixture = data;

  return is_idle (fixture) &&
         (g_strcmp0 (page (fixture), "mapping") == 0 ||
          gtk_revealer_get_reveal_child (get_widget (fixture, "error_revealer")));
}

static void
open_file (Fixture    *fixture,
           const char *name)
{
  g_autoptr(GFile) file = data_file (name);

  lanyard_import_dialog_open_file (fixture->dialog, file);
  lanyard_test_wait_for (file_is_read, fixture, "the file to be read");
}

static gboolean
preview_is_shown (gpointer data)
{
  Fixture *fixture = data;

  return is_idle (fixture) && g_strcmp0 (page (fixture), "preview") == 0;
}

static void
go_to_preview (Fixture *fixture)
{
  g_assert_cmpstr (page (fixture), ==, "mapping");
  click (fixture, "next_button");
  lanyard_test_wait_for (preview_is_shown, fixture, "the preview");
}

static gboolean
results_are_shown (gpointer data)
{
  Fixture *fixture = data;

  return is_idle (fixture) && g_strcmp0 (page (fixture), "results") == 0;
}

static void
import (Fixture *fixture)
{
  click (fixture, "import_button");
  lanyard_test_wait_for (results_are_shown, fixture, "the results");
}

static gboolean
dialog_is_gone (gpointer data)
{
  Fixture *fixture = data;

  return fixture->dialog == NULL;
}

/* The combo row of the column with this header (the rows are made in code, without ids). */
static AdwComboRow *
find_column_row (Fixture    *fixture,
                 const char *title)
{
  GtkWidget *list = get_widget (fixture, "columns_list");

  for (GtkWidget *child = gtk_widget_get_first_child (list);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_COMBO_ROW (child) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
      return ADW_COMBO_ROW (child);

  g_error ("No column row called “%s”", title);
  return NULL;
}

static LanyardImportField
column_field (Fixture    *fixture,
              const char *title)
{
  return adw_combo_row_get_selected (find_column_row (fixture, title));
}

static void
set_column_field (Fixture            *fixture,
                  const char         *title,
                  LanyardImportField  field)
{
  adw_combo_row_set_selected (find_column_row (fixture, title), field);
}

/* The label under @widget showing @text, depth first; NULL when none. */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return GTK_LABEL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkLabel *
preview_cell (Fixture    *fixture,
              const char *text)
{
  GtkLabel *label = find_label (get_widget (fixture, "preview_scroller"), text);

  if (label == NULL)
    g_error ("No preview cell shows “%s”", text);

  return label;
}

static guint64
count_people (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  LanyardPeopleCounts counts;

  g_assert_true (lanyard_store_count_people (fixture_store (fixture), fixture_facility_id (fixture),
                                             &counts, NULL, &error));
  g_assert_no_error (error);

  return counts.all;
}

static void
assert_count (Fixture    *fixture,
              const char *id,
              guint       expected)
{
  g_autofree char *text = g_strdup_printf ("%u", expected);

  g_assert_cmpstr (label_text (fixture, id), ==, text);
}

static const char *
error_message (Fixture *fixture)
{
  g_assert_true (gtk_revealer_get_reveal_child (get_widget (fixture, "error_revealer")));

  return adw_action_row_get_subtitle (get_widget (fixture, "error_row"));
}

/* Tests */

static void
test_first_page (Fixture       *fixture,
                 gconstpointer  data)
{
  AdwStatusPage *status;
  g_autofree char *max = g_strdup_printf ("%u people", LANYARD_IMPORT_MAX_ROWS);
  GtkWidget *focus;

  open_dialog (fixture);
  maybe_screenshot (fixture, "import-1-file.png");

  g_assert_cmpstr (page (fixture), ==, "file");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->dialog)), ==, "Import People");

  /* The limit is said before anything is chosen. */
  status = get_widget (fixture, "file_page");
  g_assert_nonnull (strstr (adw_status_page_get_description (status), max));

  /* Nothing to go on to yet; choosing a file is where the focus is. */
  g_assert_false (is_sensitive (fixture, "next_button"));
  g_assert_false (shown (fixture, "back_button"));
  g_assert_true (is_sensitive (fixture, "choose_file_button"));
  g_assert_true (is_sensitive (fixture, "template_button"));
  g_assert_true (is_sensitive (fixture, "cancel_button"));
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->dialog));
  g_assert_true (focus == get_widget (fixture, "choose_file_button"));
}

static void
test_mapping_guess (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(LanyardImportMapping) mapping = NULL;
  g_autoptr(LanyardCsvTable) table = load_table ("excel-de.csv");
  g_auto(GStrv) headers = lanyard_csv_table_dup_header (table);
  g_autoptr(GError) error = NULL;
  AdwActionRow *file_row;

  open_dialog (fixture);
  open_file (fixture, "excel-de.csv");
  maybe_screenshot (fixture, "import-2-mapping.png");

  g_assert_cmpstr (page (fixture), ==, "mapping");
  file_row = get_widget (fixture, "file_row");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (file_row)), ==, "excel-de.csv");
  g_assert_cmpstr (adw_action_row_get_subtitle (file_row), ==, "3 people");
  /* Read with semicolons, as Excel in Germany writes it. */
  g_assert_cmpuint (adw_combo_row_get_selected (get_widget (fixture, "separator_row")), ==, 1);

  /* Core's guesses, one row per column, the unknown ones too. */
  g_assert_cmpint (column_field (fixture, "Vorname"), ==, LANYARD_IMPORT_FIELD_FIRST_NAME);
  g_assert_cmpint (column_field (fixture, "Nachname"), ==, LANYARD_IMPORT_FIELD_LAST_NAME);
  g_assert_cmpint (column_field (fixture, "Handy"), ==, LANYARD_IMPORT_FIELD_PHONE);
  g_assert_cmpint (column_field (fixture, "E-Mail"), ==, LANYARD_IMPORT_FIELD_EMAIL);
  g_assert_cmpint (column_field (fixture, "Gruppen"), ==, LANYARD_IMPORT_FIELD_TAGS);
  g_assert_cmpint (column_field (fixture, "Zugang aktiv"), ==, LANYARD_IMPORT_FIELD_ACCESS_ENABLED);
  g_assert_cmpint (column_field (fixture, "Türen"), ==, LANYARD_IMPORT_FIELD_DOOR_GRANTS);
  g_assert_cmpint (column_field (fixture, "Notiz"), ==, LANYARD_IMPORT_FIELD_NOTES);
  /* The values are there to recognize the column by. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_column_row (fixture, "Vorname"))), ==,
                   "Jürgen, Zoë, Ağca");
  g_assert_false (gtk_revealer_get_reveal_child (get_widget (fixture, "mapping_message_revealer")));
  g_assert_true (is_sensitive (fixture, "next_button"));
  g_assert_true (shown (fixture, "back_button"));

  /* Neither a phone nor an email: core's message, and no way on. */
  set_column_field (fixture, "Handy", LANYARD_IMPORT_FIELD_NONE);
  set_column_field (fixture, "E-Mail", LANYARD_IMPORT_FIELD_NONE);
  mapping = lanyard_import_mapping_guess ((const char * const *)headers, g_strv_length (headers));
  lanyard_import_mapping_set_field (mapping, 2, LANYARD_IMPORT_FIELD_NONE);
  lanyard_import_mapping_set_field (mapping, 3, LANYARD_IMPORT_FIELD_NONE);
  g_assert_false (lanyard_import_mapping_check (mapping, (const char * const *)headers, &error));
  maybe_screenshot (fixture, "import-2-mapping-problem.png");

  g_assert_false (is_sensitive (fixture, "next_button"));
  g_assert_true (gtk_revealer_get_reveal_child (get_widget (fixture, "mapping_message_revealer")));
  g_assert_cmpstr (label_text (fixture, "mapping_message_label"), ==, error->message);

  /* Two columns for one field is core's other rule. */
  set_column_field (fixture, "E-Mail", LANYARD_IMPORT_FIELD_EMAIL);
  set_column_field (fixture, "Notiz", LANYARD_IMPORT_FIELD_EMAIL);
  g_assert_false (is_sensitive (fixture, "next_button"));
  g_assert_nonnull (strstr (label_text (fixture, "mapping_message_label"), "Notiz"));

  set_column_field (fixture, "Notiz", LANYARD_IMPORT_FIELD_NONE);
  g_assert_true (is_sensitive (fixture, "next_button"));
  g_assert_false (gtk_revealer_get_reveal_child (get_widget (fixture, "mapping_message_revealer")));
}

static void
test_encoding (Fixture       *fixture,
               gconstpointer  data)
{
  AdwActionRow *file_row;

  open_dialog (fixture);
  open_file (fixture, "windows-1252.csv");

  g_assert_cmpstr (page (fixture), ==, "mapping");
  file_row = get_widget (fixture, "file_row");
  g_assert_cmpstr (adw_action_row_get_subtitle (file_row), ==, "2 people, read as Windows-1252");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_column_row (fixture, "Nachname"))), ==,
                   "Müller, Strauß");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_column_row (fixture, "Notiz"))), ==,
                   "Kaution 20 €");
}

static void
test_separator (Fixture       *fixture,
                gconstpointer  data)
{
  AdwComboRow *separator_row;

  open_dialog (fixture);
  open_file (fixture, "google-sheets.csv");
  separator_row = get_widget (fixture, "separator_row");
  g_assert_cmpuint (adw_combo_row_get_selected (separator_row), ==, 0);
  g_assert_cmpint (column_field (fixture, "Mobile"), ==, LANYARD_IMPORT_FIELD_PHONE);

  /* Read with semicolons, the file is one column: core says why it cannot import that. */
  adw_combo_row_set_selected (separator_row, 1);
  lanyard_test_wait_for (file_is_read, fixture, "the file to be read again");
  g_assert_cmpstr (page (fixture), ==, "mapping");
  g_assert_nonnull (find_column_row (fixture, "First Name,Last Name,Mobile,Email,Type,Tags,Notes"));
  g_assert_false (is_sensitive (fixture, "next_button"));

  adw_combo_row_set_selected (separator_row, 0);
  lanyard_test_wait_for (file_is_read, fixture, "the file to be read again");
  g_assert_cmpint (column_field (fixture, "Mobile"), ==, LANYARD_IMPORT_FIELD_PHONE);
  g_assert_true (is_sensitive (fixture, "next_button"));
}

static void
test_preview_problems (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(LanyardImportResult) expected = core_check (fixture, "problems.csv");
  GtkLabel *cell;
  AdwActionRow *invitation_row;

  open_dialog (fixture);
  open_file (fixture, "problems.csv");
  go_to_preview (fixture);
  maybe_screenshot (fixture, "import-3-preview.png");

  /* The totals are core's. */
  g_assert_cmpuint (lanyard_import_result_count (expected, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 1);
  g_assert_cmpuint (lanyard_import_result_count (expected, LANYARD_IMPORT_OUTCOME_ERROR), ==, 9);
  assert_count (fixture, "preview_import_count_label", 1);
  assert_count (fixture, "preview_skip_count_label", 0);
  assert_count (fixture, "preview_error_count_label", 9);
  g_assert_cmpstr (label_text (fixture, "preview_error_caption_label"), ==, "have problems");
  g_assert_cmpstr (gtk_button_get_label (get_widget (fixture, "import_button")), ==, "_Import 1 Person");
  g_assert_true (is_sensitive (fixture, "import_button"));

  /* Row 2's door grants name a door there is not: that cell is marked, and says why. */
  cell = preview_cell (fixture, "Front; Sauna");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (cell), "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (cell)), "No door is called “Sauna”"));
  /* Its neighbours are fine. */
  cell = preview_cell (fixture, "Rita");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (cell), "error"));
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (cell)));
  cell = preview_cell (fixture, "sam@@example.org");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (cell), "error"));
  cell = preview_cell (fixture, "maybe");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (cell), "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (cell)), "“maybe” is neither yes nor no"));
  cell = preview_cell (fixture, "Nowhere");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (cell), "error"));
  /* The row numbers are the file's lines. */
  g_assert_nonnull (preview_cell (fixture, "11"));

  /* Selecting a row (the keyboard can) spells out its problems under the table. */
  {
    GtkScrolledWindow *scroller = get_widget (fixture, "preview_scroller");
    GtkColumnView *view = GTK_COLUMN_VIEW (gtk_scrolled_window_get_child (scroller));
    GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (view));
    GtkLabel *detail = get_widget (fixture, "preview_detail_label");

    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (detail)));
    gtk_single_selection_set_selected (selection, 0);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (detail)));
    g_assert_cmpstr (gtk_label_get_label (detail), ==, "Row 2: No door is called “Sauna”");
    gtk_single_selection_set_selected (selection, 9);
    g_assert_cmpstr (gtk_label_get_label (detail), ==, "Row 11 will be imported.");
    maybe_screenshot (fixture, "import-3-preview-selected.png");
    gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (detail)));
  }

  /* No mail relay: no invitations, and the row says why. */
  invitation_row = get_widget (fixture, "invitation_row");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (invitation_row)));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (invitation_row), "cannot send email"));

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  maybe_screenshot (fixture, "import-3-preview-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Back keeps what was chosen. */
  click (fixture, "back_button");
  g_assert_cmpstr (page (fixture), ==, "mapping");
  g_assert_cmpint (column_field (fixture, "Door grants"), ==, LANYARD_IMPORT_FIELD_DOOR_GRANTS);
  click (fixture, "back_button");
  g_assert_cmpstr (page (fixture), ==, "file");
  g_assert_true (is_sensitive (fixture, "next_button"));
  click (fixture, "next_button");
  g_assert_cmpstr (page (fixture), ==, "mapping");
  g_assert_cmpint (column_field (fixture, "Door grants"), ==, LANYARD_IMPORT_FIELD_DOOR_GRANTS);
  g_assert_cmpuint (count_people (fixture), ==, 0);
}

static void
test_preview_duplicates (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(LanyardPerson) petra = NULL;
  g_autoptr(LanyardImportResult) expected = NULL;
  GtkLabel *cell;

  petra = lanyard_test_add_person (fixture_store (fixture), fixture_facility_id (fixture),
                                   "Petra", "Stored", NULL, "petra.stored@example.org");
  expected = core_check (fixture, "duplicates.csv");

  open_dialog (fixture);
  open_file (fixture, "duplicates.csv");
  go_to_preview (fixture);
  maybe_screenshot (fixture, "import-3-preview-duplicates.png");

  assert_count (fixture, "preview_import_count_label",
                lanyard_import_result_count (expected, LANYARD_IMPORT_OUTCOME_IMPORT));
  assert_count (fixture, "preview_skip_count_label",
                lanyard_import_result_count (expected, LANYARD_IMPORT_OUTCOME_SKIP));
  assert_count (fixture, "preview_error_count_label",
                lanyard_import_result_count (expected, LANYARD_IMPORT_OUTCOME_ERROR));
  g_assert_cmpuint (lanyard_import_result_count (expected, LANYARD_IMPORT_OUTCOME_SKIP), >=, 2);

  /* A skipped row says who has its email already; the cell is marked, not as an error. */
  g_assert_nonnull (preview_cell (fixture, "Petra Stored already has this email"));
  cell = preview_cell (fixture, "petra.stored@example.org");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (cell), "error"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (cell), "warning"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (cell)), "Petra Stored"));
}

static void
test_import (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (fixture_facility_id (fixture));
  g_autoptr(LanyardPeoplePage) people = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) names = g_string_new (NULL);

  open_dialog (fixture);
  open_file (fixture, "google-sheets.csv");
  go_to_preview (fixture);
  assert_count (fixture, "preview_import_count_label", 3);
  g_assert_cmpstr (gtk_button_get_label (get_widget (fixture, "import_button")), ==, "_Import 3 People");
  g_assert_cmpuint (count_people (fixture), ==, 0);

  import (fixture);
  maybe_screenshot (fixture, "import-4-results.png");

  /* Stored, said, and counted. */
  g_assert_cmpuint (count_people (fixture), ==, 3);
  g_assert_cmpuint (fixture->n_imported, ==, 1);
  g_assert_nonnull (fixture->imported);
  g_assert_true (lanyard_import_result_get_written (fixture->imported));
  g_assert_true (fixture->imported == lanyard_import_dialog_get_result (fixture->dialog));
  g_assert_false (fixture->send_invitations);
  assert_count (fixture, "imported_count_label", 3);
  assert_count (fixture, "skipped_count_label", 0);
  assert_count (fixture, "errors_count_label", 0);
  g_assert_false (shown (fixture, "not_imported_group"));
  g_assert_false (shown (fixture, "back_button"));
  g_assert_false (shown (fixture, "cancel_button"));

  people = lanyard_store_query_people (fixture_store (fixture), query, NULL, 10, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < people->people->len; i++)
    {
      g_autofree char *name = lanyard_person_dup_display_name (g_ptr_array_index (people->people, i));

      g_string_append_printf (names, "%s;", name);
    }
  g_assert_nonnull (strstr (names->str, "Ada Lovelace;"));
  g_assert_nonnull (strstr (names->str, "Grace Hopper;"));
  g_assert_nonnull (strstr (names->str, "Alan Turing;"));

  click (fixture, "done_button");
  lanyard_test_wait_for (dialog_is_gone, fixture, "the dialog to close");
}

static void
test_invitations (Fixture       *fixture,
                  gconstpointer  data)
{
  AdwActionRow *row;

  open_dialog (fixture);
  lanyard_import_dialog_set_can_send_invitations (fixture->dialog, TRUE);
  open_file (fixture, "google-sheets.csv");
  go_to_preview (fixture);

  /* Alan has no email: two of three can be invited. */
  row = get_widget (fixture, "invitation_row");
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (row)));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "2 people"));
  gtk_switch_set_active (get_widget (fixture, "invitation_switch"), TRUE);

  import (fixture);
  g_assert_cmpuint (fixture->n_imported, ==, 1);
  g_assert_true (fixture->send_invitations);
}

static void
on_failed_rows_saved_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Fixture *fixture = user_data;

  lanyard_import_dialog_save_failed_rows_finish (LANYARD_IMPORT_DIALOG (object), result, &fixture->save_error);
  fixture->saved = TRUE;
}

static gboolean
failed_rows_are_saved (gpointer data)
{
  Fixture *fixture = data;

  return fixture->saved;
}

static void
test_failed_rows (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "problems-failed.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(LanyardCsvTable) failed = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) header = NULL;
  guint width;

  open_dialog (fixture);
  open_file (fixture, "problems.csv");
  go_to_preview (fixture);
  import (fixture);
  maybe_screenshot (fixture, "import-4-results-errors.png");

  g_assert_cmpuint (count_people (fixture), ==, 1);
  assert_count (fixture, "imported_count_label", 1);
  assert_count (fixture, "skipped_count_label", 0);
  assert_count (fixture, "errors_count_label", 9);
  g_assert_true (shown (fixture, "not_imported_group"));
  g_assert_true (shown (fixture, "save_failed_button"));
  g_assert_true (is_sensitive (fixture, "save_failed_button"));
  g_assert_nonnull (find_label (get_widget (fixture, "not_imported_list"), "Row 2 · Rita Door"));

  lanyard_import_dialog_save_failed_rows_to (fixture->dialog, file, NULL, on_failed_rows_saved_cb, fixture);
  lanyard_test_wait_for (failed_rows_are_saved, fixture, "the failed rows to be saved");
  g_assert_no_error (fixture->save_error);

  /* The file's own columns, a last one with the problems, and one row per refused row. */
  bytes = lanyard_csv_load_file (file, NULL, &error);
  g_assert_no_error (error);
  failed = lanyard_csv_parse (bytes, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (failed), ==, 1 + 9);
  header = lanyard_csv_table_dup_header (failed);
  width = g_strv_length (header);
  g_assert_cmpuint (width, ==, 8);
  g_assert_cmpstr (header[0], ==, "First name");
  g_assert_cmpstr (header[width - 1], ==, "Problems");
  g_assert_cmpstr (lanyard_csv_table_get_cell (failed, 1, 0), ==, "Rita");
  g_assert_cmpstr (lanyard_csv_table_get_cell (failed, 1, 5), ==, "Front; Sauna");
  g_assert_nonnull (strstr (lanyard_csv_table_get_cell (failed, 1, width - 1), "No door is called “Sauna”"));
  g_assert_cmpstr (lanyard_csv_table_get_cell (failed, 2, 3), ==, "sam@@example.org");
  for (guint row = 1; row < lanyard_csv_table_get_n_rows (failed); row++)
    {
      g_assert_cmpstr (lanyard_csv_table_get_cell (failed, row, 0), !=, "Zed");
      g_assert_cmpstr (lanyard_csv_table_get_cell (failed, row, width - 1), !=, "");
    }
}

static void
test_too_many_rows (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *message;

  open_dialog (fixture);
  open_file (fixture, "201-rows.csv");
  maybe_screenshot (fixture, "import-1-file-too-many.png");

  g_assert_cmpstr (page (fixture), ==, "file");
  message = error_message (fixture);
  g_assert_nonnull (strstr (message, "201 people"));
  g_assert_nonnull (strstr (message, "at most 200"));
  g_assert_false (is_sensitive (fixture, "next_button"));
  g_assert_true (is_sensitive (fixture, "choose_file_button"));

  /* Another file goes on as usual, and the message goes. */
  open_file (fixture, "google-sheets.csv");
  g_assert_cmpstr (page (fixture), ==, "mapping");
  g_assert_false (gtk_revealer_get_reveal_child (get_widget (fixture, "error_revealer")));
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  static const char contents[] = "First name,Email\nAda,ada@example.org\nGrace,\"grace@example.org\nAlan,alan@example.org\n";
  g_autofree char *path = g_build_filename (fixture->dir, "broken.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(LanyardCsvTable) table = NULL;
  g_autoptr(GError) error = NULL;

  /* Core's message for it names the line the quote opens on. */
  table = lanyard_csv_parse_data (contents, strlen (contents), 0, &error);
  g_assert_null (table);
  g_assert_error (error, LANYARD_CSV_ERROR, LANYARD_CSV_ERROR_UNTERMINATED_QUOTE);
  g_assert_cmpuint (lanyard_csv_error_get_line (error), ==, 3);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  open_dialog (fixture);
  lanyard_import_dialog_open_file (fixture->dialog, file);
  lanyard_test_wait_for (file_is_read, fixture, "the file to be read");
  maybe_screenshot (fixture, "import-1-file-error.png");

  g_assert_cmpstr (page (fixture), ==, "file");
  g_assert_cmpstr (error_message (fixture), ==, error->message);
  g_assert_nonnull (strstr (error_message (fixture), "Line 3"));
  g_assert_cmpstr (adw_preferences_row_get_title (get_widget (fixture, "error_row")), ==,
                   "Could Not Read “broken.csv”");
  g_assert_false (is_sensitive (fixture, "next_button"));

  click (fixture, "dismiss_button");
  g_assert_false (gtk_revealer_get_reveal_child (get_widget (fixture, "error_revealer")));
}

static void
test_saved_mapping (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = lanyard_import_dup_mappings_path ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *json = NULL;
  GListModel *toplevels;
  AdwMessageDialog *ask = NULL;

  g_assert_true (g_str_has_prefix (path, g_get_user_config_dir ()));
  g_assert_true (lanyard_import_save_mapping (path, "Club export",
                                              "{\"Vorname\": \"first-name\", \"Nachname\": \"last-name\", "
                                              "\"Handy\": \"none\", \"E-Mail\": \"email\", \"Notiz\": \"tags\"}",
                                              &error));
  g_assert_no_error (error);

  open_dialog (fixture);
  open_file (fixture, "excel-de.csv");
  g_assert_cmpint (column_field (fixture, "Notiz"), ==, LANYARD_IMPORT_FIELD_NOTES);

  /* Applying it sets the columns it names and leaves the others unmapped. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "import.apply-mapping", "s", "Club export");
  g_assert_cmpint (column_field (fixture, "Handy"), ==, LANYARD_IMPORT_FIELD_NONE);
  g_assert_cmpint (column_field (fixture, "E-Mail"), ==, LANYARD_IMPORT_FIELD_EMAIL);
  g_assert_cmpint (column_field (fixture, "Notiz"), ==, LANYARD_IMPORT_FIELD_TAGS);
  g_assert_cmpint (column_field (fixture, "Gruppen"), ==, LANYARD_IMPORT_FIELD_NONE);
  g_assert_true (is_sensitive (fixture, "next_button"));

  /* One that is not there any more is said so. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "import.apply-mapping", "s", "Gone");
  g_assert_nonnull (strstr (error_message (fixture), "Gone"));
  g_assert_cmpint (column_field (fixture, "Notiz"), ==, LANYARD_IMPORT_FIELD_TAGS);

  /* Saving asks for a name, and stores the columns as they are now. */
  set_column_field (fixture, "Türen", LANYARD_IMPORT_FIELD_DOOR_GRANTS);
  gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "import.save-mapping", NULL);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        ask = ADW_MESSAGE_DIALOG (window);
    }
  g_assert_nonnull (ask);
  lanyard_test_maybe_screenshot (GTK_WIDGET (ask), "import-2-mapping-save.png");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ask))), ==, "excel-de");
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ask)), " Vereinsliste ");
  adw_message_dialog_response (ask, "save");
  gtk_window_destroy (GTK_WINDOW (ask));

  names = lanyard_import_list_mappings (path, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *)names, "Vereinsliste"));
  json = lanyard_import_dup_mapping (path, "Vereinsliste", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "\"door-grants\""));
  g_assert_nonnull (strstr (json, "\"tags\""));
}

static gboolean
import_is_over (gpointer data)
{
  Fixture *fixture = data;

  return is_idle (fixture) && g_strcmp0 (page (fixture), "preview") == 0;
}

/* The store refuses the import (the facility went away): said, with everything chosen still there. */
static void
test_import_error (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(LanyardFacility) gone = lanyard_facility_new ();

  lanyard_facility_set_id (gone, fixture_facility_id (fixture) + 100);
  lanyard_facility_set_name (gone, "Closed Club");
  lanyard_facility_set_timezone (gone, "Europe/Berlin");

  open_dialog_for (fixture, gone, 0);
  open_file (fixture, "google-sheets.csv");
  go_to_preview (fixture);
  click (fixture, "import_button");
  lanyard_test_wait_for (import_is_over, fixture, "the import to fail");
  maybe_screenshot (fixture, "import-3-preview-error.png");

  g_assert_cmpstr (page (fixture), ==, "preview");
  g_assert_cmpstr (adw_preferences_row_get_title (get_widget (fixture, "error_row")), ==,
                   "Could Not Import the People");
  g_assert_cmpstr (error_message (fixture), !=, "");
  g_assert_cmpuint (fixture->n_imported, ==, 0);
  g_assert_null (lanyard_import_dialog_get_result (fixture->dialog));
  g_assert_true (is_sensitive (fixture, "import_button"));

  /* Back to the columns, as they were chosen. */
  click (fixture, "back_button");
  g_assert_cmpint (column_field (fixture, "Mobile"), ==, LANYARD_IMPORT_FIELD_PHONE);
  g_assert_true (is_sensitive (fixture, "next_button"));
}

static gboolean
preview_is_allocated (gpointer data)
{
  Fixture *fixture = data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (get_widget (fixture, "preview_scroller"));

  return gtk_adjustment_get_page_size (adjustment) > 0;
}

static void
test_narrow (Fixture       *fixture,
             gconstpointer  data)
{
  GtkScrolledWindow *scroller;
  GtkAdjustment *adjustment;

  open_dialog_for (fixture, fixture->facility, 360);
  open_file (fixture, "problems.csv");
  maybe_screenshot (fixture, "import-2-mapping-narrow.png");
  go_to_preview (fixture);
  maybe_screenshot (fixture, "import-3-preview-narrow.png");

  /* The window stays narrow; the table scrolls sideways instead. */
  lanyard_test_wait_for (preview_is_allocated, fixture, "the preview to be laid out");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->dialog)), <=, 400);
  scroller = get_widget (fixture, "preview_scroller");
  adjustment = gtk_scrolled_window_get_hadjustment (scroller);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));

  import (fixture);
  maybe_screenshot (fixture, "import-4-results-narrow.png");
}

/* A file of exactly as many people as one import may hold. */
static GFile *
write_largest_file (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "largest.csv", NULL);
  g_autoptr(GString) contents = g_string_new ("First name,Last name,Email\n");

  for (guint i = 1; i <= LANYARD_IMPORT_MAX_ROWS; i++)
    g_string_append_printf (contents, "Person,Number %u,person%u@example.org\n", i, i);
  g_assert_true (g_file_set_contents (path, contents->str, contents->len, NULL));

  return g_file_new_for_path (path);
}

static gboolean
import_has_ended (gpointer data)
{
  Fixture *fixture = data;

  return is_idle (fixture) &&
         (g_strcmp0 (page (fixture), "preview") == 0 || g_strcmp0 (page (fixture), "results") == 0);
}

/* Cancel during the import: nothing is written, or (too late) everything is and the caller knows. */
static void
test_cancel_import (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GFile) file = write_largest_file (fixture);
  g_autofree char *label = g_strdup_printf ("_Import %u People", LANYARD_IMPORT_MAX_ROWS);
  guint64 count;

  open_dialog (fixture);
  lanyard_import_dialog_open_file (fixture->dialog, file);
  lanyard_test_wait_for (file_is_read, fixture, "the file to be read");
  g_assert_cmpstr (page (fixture), ==, "mapping");
  go_to_preview (fixture);
  g_assert_cmpstr (gtk_button_get_label (get_widget (fixture, "import_button")), ==, label);

  click (fixture, "import_button");
  g_assert_true (shown (fixture, "cancel_button"));
  g_assert_false (gtk_widget_get_visible (get_widget (fixture, "back_button")));
  click (fixture, "cancel_button");
  lanyard_test_wait_for (import_has_ended, fixture, "the import to end");

  /* A Cancel that came too late is no Cancel: what was stored is reported as stored. */
  count = count_people (fixture);
  if (g_strcmp0 (page (fixture), "preview") == 0)
    {
      g_assert_cmpuint (count, ==, 0);
      g_assert_cmpuint (fixture->n_imported, ==, 0);
      g_assert_true (is_sensitive (fixture, "import_button"));
    }
  else
    {
      g_test_message ("The import ended before it noticed Cancel");
      g_assert_cmpuint (count, ==, LANYARD_IMPORT_MAX_ROWS);
      g_assert_cmpuint (fixture->n_imported, ==, 1);
    }
}

/* Closing during the import asks first; stopping it closes the dialog. */
static void
test_close_during_import (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GFile) file = write_largest_file (fixture);
  AdwMessageDialog *ask = NULL;
  GListModel *toplevels;
  guint64 count;

  open_dialog (fixture);
  lanyard_import_dialog_open_file (fixture->dialog, file);
  lanyard_test_wait_for (file_is_read, fixture, "the file to be read");
  go_to_preview (fixture);

  click (fixture, "import_button");
  gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "import.close", NULL);
  g_assert_nonnull (fixture->dialog);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        ask = ADW_MESSAGE_DIALOG (window);
    }
  g_assert_nonnull (ask);
  g_assert_cmpstr (adw_message_dialog_get_heading (ask), ==, "Stop the Import?");

  adw_message_dialog_response (ask, "stop");
  lanyard_test_wait_for (dialog_is_gone, fixture, "the dialog to close");

  /* The worker ends on its own; what it did is told even with the dialog gone. */
  lanyard_test_wait_ms (1500);
  count = count_people (fixture);
  g_assert_true (count == 0 || count == LANYARD_IMPORT_MAX_ROWS);
  g_assert_cmpuint (fixture->n_imported, ==, (count > 0 ? 1 : 0));
}

/* The import ends while the question is open: the question goes, and the results stay. */
static void
test_close_question_goes (Fixture       *fixture,
                          gconstpointer  data)
{
  AdwMessageDialog *ask = NULL;
  GListModel *toplevels;

  open_dialog (fixture);
  open_file (fixture, "google-sheets.csv");
  go_to_preview (fixture);

  click (fixture, "import_button");
  gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "import.close", NULL);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        ask = ADW_MESSAGE_DIALOG (window);
    }
  g_assert_nonnull (ask);
  g_object_add_weak_pointer (G_OBJECT (ask), (gpointer *)&ask);

  lanyard_test_wait_for (results_are_shown, fixture, "the results");
  lanyard_test_wait_ms (100);
  g_assert_null (ask);
  g_assert_nonnull (fixture->dialog);
  g_assert_cmpuint (fixture->n_imported, ==, 1);
  g_assert_cmpuint (count_people (fixture), ==, 3);
}

static void
test_escape (Fixture       *fixture,
             gconstpointer  data)
{
  open_dialog (fixture);
  open_file (fixture, "google-sheets.csv");

  gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "import.close", NULL);
  lanyard_test_wait_for (dialog_is_gone, fixture, "the dialog to close");
  g_assert_cmpuint (fixture->n_imported, ==, 0);
  g_assert_cmpuint (count_people (fixture), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config_dir = g_dir_make_tmp ("lanyard-import-dialog-XXXXXX", NULL);
  int status;

  /* Saved mappings go to the user's configuration: a throwaway one. */
  g_assert_nonnull (config_dir);
  g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);

  if (!lanyard_test_init_widgets (&argc, &argv))
    return 0;

#define ADD_TEST(path, func) \
  g_test_add ("/app/import-dialog/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("first-page", test_first_page);
  ADD_TEST ("mapping-guess", test_mapping_guess);
  ADD_TEST ("encoding", test_encoding);
  ADD_TEST ("separator", test_separator);
  ADD_TEST ("preview-problems", test_preview_problems);
  ADD_TEST ("preview-duplicates", test_preview_duplicates);
  ADD_TEST ("import", test_import);
  ADD_TEST ("invitations", test_invitations);
  ADD_TEST ("failed-rows", test_failed_rows);
  ADD_TEST ("too-many-rows", test_too_many_rows);
  ADD_TEST ("malformed", test_malformed);
  ADD_TEST ("saved-mapping", test_saved_mapping);
  ADD_TEST ("import-error", test_import_error);
  ADD_TEST ("narrow", test_narrow);
  ADD_TEST ("cancel-import", test_cancel_import);
  ADD_TEST ("close-during-import", test_close_during_import);
  ADD_TEST ("close-question-goes", test_close_question_goes);
  ADD_TEST ("escape", test_escape);

  status = g_test_run ();

  lanyard_test_dir_free (g_steal_pointer (&config_dir));

  return status;
}
