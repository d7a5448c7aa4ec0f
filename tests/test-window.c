/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <glib/gstdio.h>

#include <string.h>

#include <adwaita.h>

#include "lanyard-add-person-dialog.h"
#include "lanyard-import-dialog.h"
#include "lanyard-people-model.h"
#include "lanyard-people-section.h"
#include "lanyard-person-pane.h"
#include "lanyard-preferences-window.h"
#include "lanyard-person-row.h"
#include "lanyard-test-utils.h"
#include "lanyard-widget-test-utils.h"
#include "lanyard-application.h"
#include "lanyard-window.h"

/*
 * The main window on a generated database, driven like a user would: its
 * widgets are found by their ids in the .ui files, and what they show is
 * compared with what the store answers through the core API.
 *
 * LANYARD_TEST_SCREENSHOTS=DIR saves a PNG of the window after each step.
 */

#define N_PEOPLE 1000
#define SEED     7

typedef struct {
  char               *dir;
  LanyardSqliteStore *store;
  gint64              facility_id;
  LanyardWindow      *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean with_people = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;

  fixture->dir = lanyard_test_dir_new ();
  fixture->store = lanyard_test_store_new (fixture->dir);

  if (with_people)
    {
      fixture->facility_id = lanyard_demo_create_facility (LANYARD_STORE (fixture->store), "Test Club", NULL, &error);
      g_assert_no_error (error);
      lanyard_demo_add_people (LANYARD_STORE (fixture->store), fixture->facility_id, N_PEOPLE, SEED, 0,
                               NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    {
      g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

      gtk_window_destroy (GTK_WINDOW (fixture->window));
      while (g_main_context_iteration (context, FALSE))
        ;
    }

  g_clear_object (&fixture->store);
  lanyard_test_dir_free (fixture->dir);
}

/* Helpers */


static gpointer
get_widget (Fixture    *fixture,
            const char *id)
{
  return lanyard_test_get_widget (GTK_WIDGET (fixture->window), id);
}

static LanyardPeopleModel *
get_people_model (Fixture *fixture)
{
  GtkGridView *people_view = get_widget (fixture, "people_view");
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_grid_view_get_model (people_view));

  return LANYARD_PEOPLE_MODEL (gtk_single_selection_get_model (selection));
}

static void
maybe_screenshot (Fixture    *fixture,
                  const char *name)
{
  lanyard_test_maybe_screenshot (GTK_WIDGET (fixture->window), name);
}

static gboolean
window_is_settled (gpointer data)
{
  return !lanyard_window_get_busy (data);
}

static void
open_window (Fixture *fixture)
{
  /* With people, as the app opens it: the facilities read with the store. Empty: read by the window. */
  if (fixture->facility_id != 0)
    {
      g_autoptr(GPtrArray) facilities = NULL;
      g_autoptr(GError) error = NULL;

      facilities = lanyard_store_list_facilities (LANYARD_STORE (fixture->store), NULL, &error);
      g_assert_no_error (error);
      fixture->window = lanyard_window_new_with_facilities (NULL, LANYARD_STORE (fixture->store), facilities);
    }
  else
    fixture->window = lanyard_window_new (NULL, LANYARD_STORE (fixture->store));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 740);
  gtk_window_present (GTK_WINDOW (fixture->window));

  lanyard_test_wait_for (window_is_settled, fixture->window, "the window to show what it read");
}

/* TRUE once the list shows at least one row of a fetched page. */
static gboolean
has_person_row (GtkWidget *widget)
{
  if (LANYARD_IS_PERSON_ROW (widget))
    {
      LanyardPerson *person = lanyard_person_row_get_person (LANYARD_PERSON_ROW (widget));

      return person != NULL && lanyard_person_get_id (person) != LANYARD_NO_ID && gtk_widget_get_mapped (widget);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_person_row (child))
      return TRUE;

  return FALSE;
}

static gboolean
rows_are_shown (gpointer data)
{
  return has_person_row (data);
}

static gboolean
model_settled (gpointer data)
{
  return !lanyard_people_model_get_loading (data);
}

typedef struct {
  LanyardPeopleModel *model;
  const char         *search;
} SearchWait;

static gboolean
search_is_shown (gpointer data)
{
  SearchWait *wait = data;
  const LanyardPeopleQuery *query = lanyard_people_model_get_query (wait->model);

  return query != NULL &&
         g_strcmp0 (query->search, wait->search) == 0 &&
         !lanyard_people_model_get_loading (wait->model);
}

/* Types @text into the search (GtkSearchEntry waits its search-delay) and waits for its first page. */
static void
search_for (GtkEditable        *search_entry,
            LanyardPeopleModel *model,
            const char         *text)
{
  SearchWait wait = { model, *text != '\0' ? text : NULL };

  gtk_editable_set_text (search_entry, text);
  lanyard_test_wait_for (search_is_shown, &wait, "the search to be shown");
}

static gboolean
model_complete (gpointer data)
{
  LanyardPeopleModel *model = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  if (lanyard_people_model_get_loading (model))
    return FALSE;
  if (lanyard_people_model_get_complete (model))
    return TRUE;

  /* Reading the last row is what makes the model fetch the pages up to it. */
  if (n > 0)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), n - 1));

  return FALSE;
}

/* The ids a query selects, read page by page through the core API. */
static GArray *
query_ids (LanyardStore             *store,
           const LanyardPeopleQuery *query)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *cursor = NULL;

  do
    {
      g_autoptr(LanyardPeoplePage) page = NULL;
      g_autoptr(GError) error = NULL;

      page = lanyard_store_query_people (store, query, cursor, 100, NULL, &error);
      g_assert_no_error (error);

      for (guint i = 0; i < page->people->len; i++)
        {
          gint64 id = lanyard_person_get_id (g_ptr_array_index (page->people, i));
          g_array_append_val (ids, id);
        }

      g_free (cursor);
      cursor = g_steal_pointer (&page->next_cursor);
    }
  while (cursor != NULL);

  return ids;
}

/* Every row of @model, in order, against what the store answers for its query. */
static void
assert_model_matches_store (Fixture            *fixture,
                            LanyardPeopleModel *model)
{
  g_autoptr(GArray) expected = query_ids (LANYARD_STORE (fixture->store), lanyard_people_model_get_query (model));
  guint n;

  lanyard_test_wait_for (model_complete, model, "every page of the list");

  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, ==, expected->len);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LanyardPerson) person = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_cmpint (lanyard_person_get_id (person), ==, g_array_index (expected, gint64, i));
    }
}

static void
assert_count_label (Fixture    *fixture,
                    const char *id,
                    guint64     count)
{
  g_autofree char *expected = g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
  GtkLabel *label = get_widget (fixture, id);

  g_assert_cmpstr (gtk_label_get_label (label), ==, expected);
}

/* The row widgets showing fetched people, in no particular order. */
static void
collect_person_rows (GtkWidget *widget,
                     GPtrArray *rows)
{
  if (LANYARD_IS_PERSON_ROW (widget))
    {
      LanyardPerson *person = lanyard_person_row_get_person (LANYARD_PERSON_ROW (widget));

      if (person != NULL && lanyard_person_get_id (person) != LANYARD_NO_ID && gtk_widget_get_mapped (widget))
        g_ptr_array_add (rows, widget);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_person_rows (child, rows);
}

/* The row showing @person_id, or NULL. It may still wait for a frame to show that person. */
static LanyardPersonRow *
find_row_of (Fixture *fixture,
             gint64   person_id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_person_rows (get_widget (fixture, "people_view"), rows);
  for (guint i = 0; i < rows->len; i++)
    if (lanyard_person_get_id (lanyard_person_row_get_person (g_ptr_array_index (rows, i))) == person_id)
      return g_ptr_array_index (rows, i);

  return NULL;
}

typedef struct {
  Fixture *fixture;
  gint64   person_id;
} BadgeWait;

static gboolean
row_of_is_up_to_date (gpointer data)
{
  BadgeWait *wait = data;
  LanyardPersonRow *row = find_row_of (wait->fixture, wait->person_id);

  return row != NULL && lanyard_person_row_is_up_to_date (row);
}

/* The row showing @person_id once it shows that person's latest values (rows take them over a few frames). */
static LanyardPersonRow *
wait_for_row_of (Fixture *fixture,
                 gint64   person_id)
{
  BadgeWait wait = { fixture, person_id };

  lanyard_test_wait_for (row_of_is_up_to_date, &wait, "the row to show its person");
  return find_row_of (fixture, person_id);
}

static gboolean
row_shows_disabled (gpointer data)
{
  BadgeWait *wait = data;
  LanyardPersonRow *row = find_row_of (wait->fixture, wait->person_id);

  return row != NULL && lanyard_person_row_is_up_to_date (row) &&
         lanyard_person_row_get_badge_shown (row, LANYARD_PERSON_BADGE_DISABLED);
}

/* The visible toplevel of @type other than the main window, if any. */
static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }

  return NULL;
}

static gboolean
message_dialog_is_open (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
no_message_dialog_is_open (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

/* What clicking a response's button does: respond, then close. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

static AdwMessageDialog *
wait_for_message_dialog (void)
{
  lanyard_test_wait_for (message_dialog_is_open, NULL, "a message dialog");
  return ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

typedef struct {
  LanyardStore *store;
  gint64        person_id;
  gboolean      enabled;
} AccessWait;

static gboolean
person_access_is (gpointer data)
{
  AccessWait *wait = data;
  g_autoptr(LanyardPerson) person = lanyard_store_get_person (wait->store, wait->person_id, NULL, NULL);

  return person != NULL && lanyard_person_get_access_enabled (person) == wait->enabled;
}

static gboolean
person_is_gone (gpointer data)
{
  AccessWait *wait = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPerson) person = lanyard_store_get_person (wait->store, wait->person_id, NULL, &error);

  return person == NULL && g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
}

typedef struct {
  LanyardPeopleModel *model;
  gint64              person_id;
} RowWait;

static gboolean
model_lacks_person (gpointer data)
{
  RowWait *wait = data;

  return !lanyard_people_model_get_loading (wait->model) &&
         lanyard_people_model_find_person (wait->model, wait->person_id) == G_MAXUINT;
}

static gboolean
first_row_is_disabled (gpointer data)
{
  g_autoptr(LanyardPerson) person = g_list_model_get_item (data, 0);

  return !lanyard_people_model_get_loading (data) && !lanyard_person_get_access_enabled (person);
}

/* The audit log has a "person.delete" event for @person_id. */
static void
assert_deletion_audited (Fixture *fixture,
                         gint64   person_id)
{
  LanyardAuditQuery query = { .facility_id = fixture->facility_id, .target_kind = "person",
                              .target_id = person_id, .limit = 10 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = lanyard_store_list_audit (LANYARD_STORE (fixture->store), &query, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (events->len, >, 0);
  g_assert_cmpstr (lanyard_audit_event_get_action (g_ptr_array_index (events, 0)), ==, "person.delete");
}

/* Tests */

static void
test_tiles_and_rows (Fixture       *fixture,
                     gconstpointer  data)
{
  LanyardPeopleCounts counts = { 0 };
  g_autoptr(GError) error = NULL;
  LanyardPeopleModel *model;

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the first rows");
  maybe_screenshot (fixture, "test-people.png");

  lanyard_store_count_people (LANYARD_STORE (fixture->store), fixture->facility_id, &counts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts.all, ==, N_PEOPLE);

  assert_count_label (fixture, "all_count_label", counts.all);
  assert_count_label (fixture, "has_access_count_label", counts.has_access);
  assert_count_label (fixture, "no_access_count_label", counts.no_access);

  /* The list holds a page and a page of placeholders, not every row up front… */
  model = get_people_model (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >=, 2 * LANYARD_PEOPLE_MODEL_PAGE_SIZE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), <, counts.all);
  g_assert_false (lanyard_people_model_get_complete (model));

  /* …and, read to the end, the rows are those of the store, in its order, as many as the tile says. */
  assert_model_matches_store (fixture, model);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  GtkEditable *search_entry;
  LanyardPeopleModel *model;
  g_autoptr(LanyardPerson) first = NULL;
  g_autofree char *name = NULL;
  GtkWidget *focus;
  guint n;

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the first rows");

  model = get_people_model (fixture);
  search_entry = get_widget (fixture, "search_entry");

  /* Ctrl+F's action puts the focus into the search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.search", NULL));
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_nonnull (focus);
  g_assert_true (focus == GTK_WIDGET (search_entry) || gtk_widget_is_ancestor (focus, GTK_WIDGET (search_entry)));

  /* A broad search: several pages, the list grows as they arrive. */
  search_for (search_entry, model, "example.com");
  /* The list showing the new rows from the top leaves the focus where the user types. */
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_true (focus == GTK_WIDGET (search_entry) || gtk_widget_is_ancestor (focus, GTK_WIDGET (search_entry)));
  assert_model_matches_store (fixture, model);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, >, LANYARD_PEOPLE_MODEL_PAGE_SIZE);
  g_assert_cmpuint (n, <, N_PEOPLE);
  maybe_screenshot (fixture, "test-search-broad.png");

  /* A narrow one: somebody's full name. */
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  name = lanyard_person_dup_display_name (first);
  search_for (search_entry, model, name);
  assert_model_matches_store (fixture, model);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <, LANYARD_PEOPLE_MODEL_PAGE_SIZE);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the rows of the narrow search");
  maybe_screenshot (fixture, "test-search-narrow.png");

  /* Nobody: the list makes way for a "no matches" page. */
  search_for (search_entry, model, "zzqqxxnobody");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (fixture, "list_stack")), ==, "no-results");
  maybe_screenshot (fixture, "test-search-none.png");

  /* Clearing the search brings everyone back. */
  search_for (search_entry, model, "");
  assert_model_matches_store (fixture, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_PEOPLE);
}

static void
test_access_tiles (Fixture       *fixture,
                   gconstpointer  data)
{
  LanyardPeopleCounts counts = { 0 };
  g_autoptr(GError) error = NULL;
  LanyardPeopleModel *model;
  GtkToggleButton *no_access_tile;
  GtkToggleButton *all_tile;
  guint n;

  lanyard_store_count_people (LANYARD_STORE (fixture->store), fixture->facility_id, &counts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts.no_access, >, 0);

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the first rows");

  model = get_people_model (fixture);
  all_tile = get_widget (fixture, "all_tile");
  no_access_tile = get_widget (fixture, "no_access_tile");
  g_assert_true (gtk_toggle_button_get_active (all_tile));

  g_signal_emit_by_name (no_access_tile, "clicked");
  g_assert_true (gtk_toggle_button_get_active (no_access_tile));
  g_assert_false (gtk_toggle_button_get_active (all_tile));

  lanyard_test_wait_for (model_settled, model, "the people without access");
  g_assert_cmpint (lanyard_people_model_get_query (model)->access, ==, LANYARD_ACCESS_FILTER_NO_ACCESS);
  assert_model_matches_store (fixture, model);

  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, ==, counts.no_access);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LanyardPerson) person = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_false (lanyard_person_get_has_access (person));
    }

  maybe_screenshot (fixture, "test-no-access.png");
}

typedef struct {
  LanyardPeopleModel *model;
  const char         *person_type;
} PersonTypeWait;

static gboolean
person_type_is_shown (gpointer data)
{
  PersonTypeWait *wait = data;
  const LanyardPeopleQuery *query = lanyard_people_model_get_query (wait->model);

  return query != NULL &&
         g_strcmp0 (query->person_type, wait->person_type) == 0 &&
         !lanyard_people_model_get_loading (wait->model);
}

static GtkWidget *
find_chip_row (GtkListBox *list,
               const char *value)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row));

      if (target != NULL &&
          g_variant_is_of_type (target, G_VARIANT_TYPE_STRING) &&
          g_strcmp0 (g_variant_get_string (target, NULL), value) == 0)
        return row;
    }

  return NULL;
}

static gboolean
trial_row_is_listed (gpointer data)
{
  return find_chip_row (data, "Trial") != NULL;
}

static void
test_filter_chips (Fixture       *fixture,
                   gconstpointer  data)
{
  LanyardPeopleModel *model;
  GtkMenuButton *person_type_chip;
  GtkMenuButton *access_chip;
  GtkWidget *clear_button;
  GtkListBox *person_type_list;
  GtkWidget *row;
  PersonTypeWait wait;
  guint n;

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the first rows");

  model = get_people_model (fixture);
  person_type_chip = get_widget (fixture, "person_type_chip");
  access_chip = get_widget (fixture, "access_chip");
  clear_button = get_widget (fixture, "clear_filters_button");
  g_assert_false (gtk_widget_get_visible (clear_button));
  g_assert_cmpstr (gtk_menu_button_get_label (person_type_chip), ==, "Person type");

  /* The chip lists the person types of the data; choosing one filters the list. */
  gtk_menu_button_popup (person_type_chip);
  person_type_list = GTK_LIST_BOX (lanyard_test_find_by_id (GTK_WIDGET (gtk_menu_button_get_popover (person_type_chip)),
                                               "person_type_list"));
  g_assert_nonnull (person_type_list);
  lanyard_test_wait_for (trial_row_is_listed, person_type_list, "the person types");
  row = find_chip_row (person_type_list, "Trial");
  g_assert_true (gtk_widget_activate (row));

  wait = (PersonTypeWait) { model, "Trial" };
  lanyard_test_wait_for (person_type_is_shown, &wait, "the trial members");
  assert_model_matches_store (fixture, model);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <, N_PEOPLE);
  g_assert_cmpstr (gtk_menu_button_get_label (person_type_chip), ==, "Trial");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (person_type_chip), "active"));
  g_assert_true (gtk_widget_get_visible (clear_button));
  maybe_screenshot (fixture, "test-chips-trial.png");

  /* Clear filters: everyone again. */
  g_signal_emit_by_name (clear_button, "clicked");
  wait = (PersonTypeWait) { model, NULL };
  lanyard_test_wait_for (person_type_is_shown, &wait, "everyone");
  assert_model_matches_store (fixture, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_PEOPLE);
  g_assert_false (lanyard_people_query_is_filtered (lanyard_people_model_get_query (model)));
  g_assert_cmpstr (gtk_menu_button_get_label (person_type_chip), ==, "Person type");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (person_type_chip), "active"));
  g_assert_false (gtk_widget_get_visible (clear_button));

  /* A stat tile sets the Access chip and resets the Source chip. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (person_type_chip), "people.set-source", "i",
                                             LANYARD_SOURCE_FILTER_CCTV));
  g_assert_cmpint (lanyard_people_model_get_query (model)->source, ==, LANYARD_SOURCE_FILTER_CCTV);
  g_signal_emit_by_name (get_widget (fixture, "no_access_tile"), "clicked");
  lanyard_test_wait_for (model_settled, model, "the people without access");
  g_assert_cmpint (lanyard_people_model_get_query (model)->source, ==, LANYARD_SOURCE_FILTER_ANY);
  g_assert_cmpint (lanyard_people_model_get_query (model)->access, ==, LANYARD_ACCESS_FILTER_NO_ACCESS);
  g_assert_cmpstr (gtk_menu_button_get_label (access_chip), ==, "No access");
  assert_model_matches_store (fixture, model);
}

static gboolean
facility_has_people (gpointer data)
{
  Fixture *fixture = data;
  GtkStack *stack = get_widget (fixture, "stack");

  return !lanyard_window_get_busy (fixture->window) &&
         g_strcmp0 (gtk_stack_get_visible_child_name (stack), "people") == 0;
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row))
      n++;

  return n;
}

static void
test_empty_database (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GError) error = NULL;
  LanyardPeopleCounts counts = { 0 };
  GtkWidget *section;
  gint64 facility_id;

  open_window (fixture);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (fixture, "stack")), ==, "empty");
  maybe_screenshot (fixture, "test-empty.png");

  /* "Create a Demo Facility" */
  section = get_widget (fixture, "people_section");
  g_assert_true (gtk_widget_activate_action (section, "people.create-demo", NULL));
  g_assert_true (lanyard_window_get_busy (fixture->window));
  lanyard_test_wait_for (facility_has_people, fixture, "the demo facility");

  facilities = lanyard_store_list_facilities (LANYARD_STORE (fixture->store), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (facilities->len, ==, 1);
  facility_id = lanyard_facility_get_id (g_ptr_array_index (facilities, 0));

  lanyard_store_count_people (LANYARD_STORE (fixture->store), facility_id, &counts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts.all, ==, 500);
  assert_count_label (fixture, "all_count_label", counts.all);
  assert_count_label (fixture, "has_access_count_label", counts.has_access);

  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the demo's rows");
  maybe_screenshot (fixture, "test-demo-created.png");

  /* The facility switcher learnt of the new facility. */
  lanyard_test_wait_for (window_is_settled, fixture->window, "the facilities to be listed");
  g_assert_cmpuint (count_rows (get_widget (fixture, "facility_list")), ==, 1);
}

static void
test_open_error (void)
{
  g_autoptr(GError) error = g_error_new_literal (LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                                                 "“/nowhere/x.db” is not a Lanyard database");
  LanyardWindow *window = lanyard_window_new_for_error (NULL, "/nowhere/x.db", error);
  AdwStatusPage *status_page = ADW_STATUS_PAGE (lanyard_test_find_by_id (GTK_WIDGET (window), "open_error_status_page"));

  g_assert_false (lanyard_window_get_busy (window));
  g_assert_nonnull (status_page);
  g_assert_cmpstr (adw_status_page_get_description (status_page), ==, "“/nowhere/x.db” is not a Lanyard database");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The model on its own: whatever it is told to expect, it ends with the store's rows. */

typedef struct {
  LanyardPeopleModel *model;
  guint               n_items;   /* as the signals told it */
} ModelWatch;

static void
on_model_items_changed_cb (GListModel *model,
                           guint       position,
                           guint       removed,
                           guint       added,
                           ModelWatch *watch)
{
  g_assert_cmpuint (position + removed, <=, watch->n_items);
  watch->n_items = watch->n_items - removed + added;
  g_assert_cmpuint (watch->n_items, ==, g_list_model_get_n_items (model));
}

static void
test_model_expected_counts (Fixture       *fixture,
                            gconstpointer  data)
{
  static const guint expectations[] = { N_PEOPLE, N_PEOPLE + 250, 150, 0 };
  g_autoptr(LanyardPeopleModel) model = lanyard_people_model_new (LANYARD_STORE (fixture->store));
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (fixture->facility_id);
  ModelWatch watch = { model, 0 };
  guint n;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_model_items_changed_cb), &watch);

  for (guint i = 0; i < G_N_ELEMENTS (expectations); i++)
    {
      g_test_message ("Told to expect %u people", expectations[i]);

      lanyard_people_model_set_query (model, query, expectations[i]);
      g_assert_true (lanyard_people_model_get_loading (model));
      lanyard_test_wait_for (model_settled, model, "the first page");

      /* Until the last page is in: the page, and a page of placeholders, fewer when the count says so. */
      n = g_list_model_get_n_items (G_LIST_MODEL (model));
      if (expectations[i] > LANYARD_PEOPLE_MODEL_PAGE_SIZE)
        g_assert_cmpuint (n, ==, LANYARD_PEOPLE_MODEL_PAGE_SIZE +
                                 MIN (LANYARD_PEOPLE_MODEL_PAGE_SIZE, expectations[i] - LANYARD_PEOPLE_MODEL_PAGE_SIZE));
      else
        g_assert_cmpuint (n, ==, 2 * LANYARD_PEOPLE_MODEL_PAGE_SIZE);

      /* Placeholders: each its own object, the same each time asked for. */
      {
        g_autoptr(LanyardPerson) last = g_list_model_get_item (G_LIST_MODEL (model), n - 1);
        g_autoptr(LanyardPerson) last_again = g_list_model_get_item (G_LIST_MODEL (model), n - 1);
        g_autoptr(LanyardPerson) other = g_list_model_get_item (G_LIST_MODEL (model), n - 2);

        g_assert_cmpint (lanyard_person_get_id (last), ==, LANYARD_NO_ID);
        g_assert_true (last == last_again);
        g_assert_true (last != other);
      }

      assert_model_matches_store (fixture, model);
      g_assert_cmpuint (watch.n_items, ==, N_PEOPLE);
    }

  lanyard_people_model_clear (model);
  g_assert_cmpuint (watch.n_items, ==, 0);
}

static void
test_selection_mode (Fixture       *fixture,
                     gconstpointer  data)
{
  LanyardPeopleSection *section;
  LanyardPeopleModel *model;
  GtkToggleButton *select_button;
  AdwMessageDialog *dialog;
  gint64 ids[3];
  LanyardPeopleCounts counts = { 0 };
  g_autoptr(GError) error = NULL;

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the first rows");
  section = get_widget (fixture, "people_section");
  model = get_people_model (fixture);

  /* The header's Select button turns selection mode on: rows get a check button. */
  select_button = get_widget (fixture, "select_button");
  gtk_toggle_button_set_active (select_button, TRUE);
  g_assert_true (lanyard_people_section_get_selection_mode (section));
  g_assert_true (gtk_action_bar_get_revealed (get_widget (fixture, "selection_bar")));

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(LanyardPerson) person = g_list_model_get_item (G_LIST_MODEL (model), i);
      LanyardPersonRow *row;

      ids[i] = lanyard_person_get_id (person);
      row = wait_for_row_of (fixture, ids[i]);
      g_assert_nonnull (row);
      g_assert_true (lanyard_person_row_get_selection_mode (row));
      /* Ticking its check button marks the person. */
      g_assert_nonnull (lanyard_person_row_get_check_button (row));
      gtk_check_button_set_active (lanyard_person_row_get_check_button (row), TRUE);
      g_assert_true (lanyard_person_row_get_marked (row));
    }
  g_assert_cmpstr (gtk_label_get_label (get_widget (fixture, "marked_label")), ==, "3 people selected");
  maybe_screenshot (fixture, "test-selection.png");

  /* Disable Access for the three. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (section), "people.disable-marked", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      AccessWait wait = { LANYARD_STORE (fixture->store), ids[i], FALSE };

      lanyard_test_wait_for (person_access_is, &wait, "access to be disabled");
    }
  /* The list is read again: the rows say Disabled and stay ticked. */
  lanyard_test_wait_for (first_row_is_disabled, model, "the list read again");
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      BadgeWait shown = { fixture, ids[i] };
      LanyardPersonRow *row;

      /* Rows take new values over the next frames (at most 16 a frame). */
      lanyard_test_wait_for (row_shows_disabled, &shown, "the row's Disabled badge");
      row = find_row_of (fixture, ids[i]);
      g_assert_nonnull (row);
      g_assert_true (lanyard_person_row_get_marked (row));
    }

  /* Delete asks first, with the count; cancelling changes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (section), "people.delete-marked", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete 3 People?");
  respond (dialog, "cancel");
  lanyard_test_wait_for (no_message_dialog_is_open, NULL, "the dialog to close");
  {
    AccessWait wait = { LANYARD_STORE (fixture->store), ids[0], FALSE };
    g_assert_true (person_access_is (&wait));
  }

  /* The Delete key asks the same; confirming deletes the three, with an audit event each. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (section), "people.delete", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete 3 People?");
  maybe_screenshot (fixture, "test-delete-confirm.png");
  respond (dialog, "delete");
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      AccessWait wait = { LANYARD_STORE (fixture->store), ids[i], FALSE };
      RowWait gone = { model, ids[i] };

      lanyard_test_wait_for (person_is_gone, &wait, "the person to be deleted");
      lanyard_test_wait_for (model_lacks_person, &gone, "the row to go");
      assert_deletion_audited (fixture, ids[i]);
    }
  g_assert_cmpstr (gtk_label_get_label (get_widget (fixture, "marked_label")), ==,
                   "Select people to change them together");

  lanyard_store_count_people (LANYARD_STORE (fixture->store), fixture->facility_id, &counts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts.all, ==, N_PEOPLE - 3);

  /* Escape leaves selection mode. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (section), "people.escape", NULL));
  g_assert_false (lanyard_people_section_get_selection_mode (section));
  g_assert_false (gtk_toggle_button_get_active (select_button));
}

static gboolean
flap_is_revealed (gpointer data)
{
  return adw_flap_get_reveal_flap (data);
}

/* Selecting a row opens the pane; Delete deletes that person after asking; Escape closes the pane. */
static void
test_pane_and_delete_key (Fixture       *fixture,
                          gconstpointer  data)
{
  LanyardPeopleSection *section;
  LanyardPeopleModel *model;
  GtkSingleSelection *selection;
  AdwFlap *flap;
  AdwMessageDialog *dialog;
  g_autoptr(LanyardPerson) person = NULL;
  g_autofree char *name = NULL;
  g_autofree char *heading = NULL;
  gint64 id;

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the first rows");
  section = get_widget (fixture, "people_section");
  model = get_people_model (fixture);
  selection = GTK_SINGLE_SELECTION (gtk_grid_view_get_model (get_widget (fixture, "people_view")));
  flap = get_widget (fixture, "flap");

  person = g_list_model_get_item (G_LIST_MODEL (model), 1);
  id = lanyard_person_get_id (person);
  name = lanyard_person_dup_display_name (person);

  /* The pane has the person at once; the flap opens on the first frame it has been laid out in. */
  gtk_single_selection_set_selected (selection, 1);
  lanyard_test_wait_for (flap_is_revealed, flap, "the pane to open");
  g_assert_cmpint (lanyard_person_get_id (lanyard_person_pane_get_person (LANYARD_PERSON_PANE (lanyard_test_find_by_type (GTK_WIDGET (fixture->window), LANYARD_TYPE_PERSON_PANE)))), ==, id);
  maybe_screenshot (fixture, "test-pane.png");

  /* Escape closes it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (section), "people.escape", NULL));
  g_assert_false (adw_flap_get_reveal_flap (flap));
  g_assert_null (lanyard_person_pane_get_person (LANYARD_PERSON_PANE (lanyard_test_find_by_type (GTK_WIDGET (fixture->window), LANYARD_TYPE_PERSON_PANE))));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, GTK_INVALID_LIST_POSITION);

  /* Open again, then Delete. */
  gtk_single_selection_set_selected (selection, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (section), "people.delete", NULL));
  dialog = wait_for_message_dialog ();
  heading = g_strdup_printf ("Delete %s?", name);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  respond (dialog, "delete");

  {
    AccessWait wait = { LANYARD_STORE (fixture->store), id, FALSE };
    RowWait gone = { model, id };

    lanyard_test_wait_for (person_is_gone, &wait, "the person to be deleted");
    lanyard_test_wait_for (model_lacks_person, &gone, "the row to go");
  }
  assert_deletion_audited (fixture, id);
  g_assert_false (adw_flap_get_reveal_flap (flap));
  assert_model_matches_store (fixture, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_PEOPLE - 1);
}

/* PNGs of the main states, into $LANYARD_TEST_SCREENSHOTS (build-aux/dev screenshots) or a temporary folder. */
static void
save_state (Fixture    *fixture,
            GtkWidget  *widget,
            const char *name)
{
  const char *dir = g_getenv ("LANYARD_TEST_SCREENSHOTS");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : fixture->dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  /* Transitions end, rows are drawn. */
  lanyard_test_wait_ms (600);
  lanyard_test_save_screenshot (widget, path);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8 * 1024);
  g_assert_true (memcmp (contents, "\x89PNG", 4) == 0);
}

/* The window has become narrow: the width asked for, within its decorations. */
static gboolean
window_is_narrow (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_width (GTK_WIDGET (fixture->window)) <= 420;
}

static gboolean
add_person_dialog_is_open (gpointer data)
{
  GtkWindow *dialog = find_toplevel (LANYARD_TYPE_ADD_PERSON_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkSingleSelection *selection;
  GtkWindow *dialog;

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the first rows");
  selection = GTK_SINGLE_SELECTION (gtk_grid_view_get_model (get_widget (fixture, "people_view")));

  save_state (fixture, GTK_WIDGET (fixture->window), "lanyard-list.png");

  gtk_single_selection_set_selected (selection, 0);
  save_state (fixture, GTK_WIDGET (fixture->window), "lanyard-person-pane.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-person", NULL));
  lanyard_test_wait_for (add_person_dialog_is_open, NULL, "the Add Person dialog");
  dialog = find_toplevel (LANYARD_TYPE_ADD_PERSON_DIALOG);
  save_state (fixture, GTK_WIDGET (dialog), "lanyard-add-person.png");
  gtk_window_close (dialog);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  save_state (fixture, GTK_WIDGET (fixture->window), "lanyard-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 400, 740);
  lanyard_test_wait_for (window_is_narrow, fixture, "the narrow window");
  save_state (fixture, GTK_WIDGET (fixture->window), "lanyard-narrow-pane.png");

  g_assert_true (gtk_widget_activate_action (get_widget (fixture, "people_section"), "people.escape", NULL));
  save_state (fixture, GTK_WIDGET (fixture->window), "lanyard-narrow.png");
}

static gboolean
tiles_say_no_access (gpointer data)
{
  Fixture *fixture = data;
  LanyardPeopleCounts counts = { 0 };
  g_autofree char *expected = NULL;

  lanyard_store_count_people (LANYARD_STORE (fixture->store), fixture->facility_id, &counts, NULL, NULL);
  expected = g_strdup_printf ("%'" G_GUINT64_FORMAT, counts.no_access);

  return g_strcmp0 (gtk_label_get_label (get_widget (fixture, "no_access_count_label")), expected) == 0;
}

/* The pane's Access Enabled switch changes the store, the row's badge and the tiles. */
static void
test_pane_access_switch (Fixture       *fixture,
                         gconstpointer  data)
{
  LanyardPeopleModel *model;
  GtkSingleSelection *selection;
  g_autoptr(LanyardPerson) person = NULL;
  GtkSwitch *access_switch;
  LanyardPersonRow *row;
  guint position = G_MAXUINT;

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the first rows");
  model = get_people_model (fixture);
  selection = GTK_SINGLE_SELECTION (gtk_grid_view_get_model (get_widget (fixture, "people_view")));

  /* Someone whose access is on, with a row on screen. */
  for (guint i = 0; i < 10 && position == G_MAXUINT; i++)
    {
      g_autoptr(LanyardPerson) candidate = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (lanyard_person_get_access_enabled (candidate) && find_row_of (fixture, lanyard_person_get_id (candidate)))
        {
          position = i;
          person = g_steal_pointer (&candidate);
        }
    }
  g_assert_nonnull (person);
  row = wait_for_row_of (fixture, lanyard_person_get_id (person));
  g_assert_false (lanyard_person_row_get_badge_shown (row, LANYARD_PERSON_BADGE_DISABLED));

  gtk_single_selection_set_selected (selection, position);
  access_switch = get_widget (fixture, "access_switch");
  g_assert_true (gtk_switch_get_active (access_switch));
  gtk_switch_set_active (access_switch, FALSE);

  {
    AccessWait stored = { LANYARD_STORE (fixture->store), lanyard_person_get_id (person), FALSE };
    BadgeWait shown = { fixture, lanyard_person_get_id (person) };

    lanyard_test_wait_for (person_access_is, &stored, "the store to have access disabled");
    lanyard_test_wait_for (row_shows_disabled, &shown, "the row's Disabled badge");
  }
  lanyard_test_wait_for (tiles_say_no_access, fixture, "the No access tile to count them");
  maybe_screenshot (fixture, "test-pane-access-off.png");
}

static gboolean
phone_region_is_us (gpointer data)
{
  g_autofree char *region = lanyard_store_dup_phone_region (data);

  return g_strcmp0 (region, "US") == 0;
}

/* Without a GPU device the app draws with cairo and leaves OpenGL alone, unless told otherwise. */
static void
test_cairo_without_gpu (void)
{
  g_autofree char *dri = NULL;
  g_autofree char *device = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  dri = g_dir_make_tmp ("lanyard-dri-XXXXXX", NULL);
  g_assert_nonnull (dri);
  g_unsetenv ("GSK_RENDERER");
  g_unsetenv ("GDK_DEBUG");

  /* A GPU: nothing changes. */
  device = g_build_filename (dri, "renderD128", NULL);
  g_assert_true (g_file_set_contents (device, "", 0, NULL));
  g_assert_false (lanyard_application_prefer_cairo_without_gpu (dri));
  g_assert_null (g_getenv ("GSK_RENDERER"));
  g_assert_cmpint (g_remove (device), ==, 0);

  /* The user's choice stands. */
  g_setenv ("GSK_RENDERER", "gl", TRUE);
  g_assert_false (lanyard_application_prefer_cairo_without_gpu (dri));
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
  g_unsetenv ("GSK_RENDERER");

  /* No device, or no /dev/dri at all: cairo. */
  g_assert_true (lanyard_application_prefer_cairo_without_gpu (dri));
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "gl-disable");
  g_unsetenv ("GSK_RENDERER");
  g_unsetenv ("GDK_DEBUG");
  g_assert_cmpint (g_rmdir (dri), ==, 0);
  g_assert_true (lanyard_application_prefer_cairo_without_gpu (dri));
}

/* Every section of the sidebar shows its page, also those that start hidden; the choice is remembered. */
static void
test_sections (Fixture       *fixture,
               gconstpointer  data)
{
  GtkListBox *sidebar;
  GtkStack *sections;
  g_autoptr(GtkSelectionModel) pages = NULL;
  GtkListBoxRow *row;
  guint n = 0;

  open_window (fixture);
  sidebar = get_widget (fixture, "sidebar_list");
  sections = get_widget (fixture, "section_stack");
  pages = gtk_stack_get_pages (sections);

  while ((row = gtk_list_box_get_row_at_index (sidebar, n)) != NULL)
    {
      g_autoptr(GObject) page = g_list_model_get_item (G_LIST_MODEL (pages), n);
      GtkWidget *child = gtk_stack_page_get_child (GTK_STACK_PAGE (page));

      gtk_list_box_select_row (sidebar, row);
      g_assert_true (gtk_stack_get_visible_child (sections) == child);
      g_assert_true (gtk_widget_get_visible (child));
      g_assert_true (gtk_widget_get_mapped (child));
      n++;
    }
  g_assert_cmpuint (n, ==, 8);
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *last = g_settings_get_string (settings, "last-section");

    g_assert_cmpstr (last, ==, "integrations");
  }

  gtk_list_box_select_row (sidebar, gtk_list_box_get_row_at_index (sidebar, 0));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (sections), ==, "people");
}

/* Ctrl+? shows the keyboard shortcuts, built when first asked for and then kept. */
static void
test_shortcuts_window (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWindow *shortcuts;

  open_window (fixture);
  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (fixture->window)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-help-overlay", NULL));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (fixture->window));
  g_assert_true (gtk_window_get_modal (shortcuts));
  g_assert_true ((GtkWindow *)gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (fixture->window)) == shortcuts);

  /* Closing hides it; asking again shows the same window. */
  gtk_window_close (shortcuts);
  g_assert_null (find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-help-overlay", NULL));
  g_assert_true (find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW) == shortcuts);
  gtk_window_close (shortcuts);
}

/* The window's menus are built when first opened, and are then the menus they should be. */
static void
test_menus_on_demand (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *buttons[] = { "sidebar_menu_button", "connection_button" };

  open_window (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkMenuButton *button = get_widget (fixture, buttons[i]);
      GtkPopover *popover;

      g_assert_null (gtk_menu_button_get_popover (button));
      /* The button inside the menu button is what GTK makes insensitive when there is no menu. */
      g_assert_true (gtk_widget_get_sensitive (gtk_widget_get_first_child (GTK_WIDGET (button))));

      gtk_menu_button_popup (button);
      popover = gtk_menu_button_get_popover (button);
      g_assert_true (GTK_IS_POPOVER_MENU (popover));
      g_assert_nonnull (gtk_menu_button_get_menu_model (button));
      g_assert_cmpint (g_menu_model_get_n_items (gtk_menu_button_get_menu_model (button)), >, 0);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
      gtk_menu_button_popdown (button);

      /* Built once: the same popover the next time. */
      gtk_menu_button_popup (button);
      g_assert_true (gtk_menu_button_get_popover (button) == popover);
      gtk_menu_button_popdown (button);
    }
}

/* Preferences: the default phone region, shown as stored and changed through the store. */
static void
test_preferences (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWindow *preferences;
  AdwComboRow *region_row;
  GListModel *names;
  guint selected, us = GTK_INVALID_LIST_POSITION;
  g_autofree char *germany = NULL;

  open_window (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.preferences", NULL));
  preferences = find_toplevel (LANYARD_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);

  region_row = lanyard_test_get_widget (GTK_WIDGET (preferences), "region_row");
  names = adw_combo_row_get_model (region_row);
  selected = adw_combo_row_get_selected (region_row);
  g_assert_cmpuint (selected, !=, GTK_INVALID_LIST_POSITION);
  /* The test store reads numbers as German ones. */
  germany = g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (names), selected));
  g_assert_true (g_str_has_suffix (germany, "(+49)"));
  lanyard_test_maybe_screenshot (GTK_WIDGET (preferences), "test-preferences.png");

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    {
      const char *name = gtk_string_list_get_string (GTK_STRING_LIST (names), i);

      if (g_str_has_prefix (name, "United States") && g_str_has_suffix (name, "(+1)"))
        us = i;
    }
  g_assert_cmpuint (us, !=, GTK_INVALID_LIST_POSITION);

  adw_combo_row_set_selected (region_row, us);
  lanyard_test_wait_for (phone_region_is_us, fixture->store, "the region to be stored");
  gtk_window_destroy (preferences);
}

/* A facility without people: the empty page offers Add a Person; the first person added fills the list. */
static void
test_first_person (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWindow *dialog;
  GtkWidget *add_button;
  LanyardPeopleModel *model;

  fixture->facility_id = lanyard_test_add_facility (LANYARD_STORE (fixture->store), "Empty Club");
  open_window (fixture);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (fixture, "stack")), ==, "empty");
  g_assert_true (gtk_widget_get_visible (get_widget (fixture, "add_first_person_button")));
  maybe_screenshot (fixture, "test-empty-facility.png");

  g_assert_true (gtk_widget_activate (get_widget (fixture, "add_first_person_button")));
  lanyard_test_wait_for (add_person_dialog_is_open, NULL, "the Add Person dialog");
  dialog = find_toplevel (LANYARD_TYPE_ADD_PERSON_DIALOG);

  gtk_editable_set_text (lanyard_test_get_widget (GTK_WIDGET (dialog), "first_name_row"), "Mina");
  gtk_editable_set_text (lanyard_test_get_widget (GTK_WIDGET (dialog), "last_name_row"), "Okoro");
  gtk_editable_set_text (lanyard_test_get_widget (GTK_WIDGET (dialog), "email_row"), "mina@example.org");
  add_button = lanyard_test_get_widget (GTK_WIDGET (dialog), "add_button");
  g_assert_true (gtk_widget_is_sensitive (add_button));
  g_signal_emit_by_name (add_button, "clicked");

  lanyard_test_wait_for (facility_has_people, fixture, "the list with the first person");
  model = get_people_model (fixture);
  lanyard_test_wait_for (model_settled, model, "the first page");
  assert_model_matches_store (fixture, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  /* …and the pane shows the person just added. */
  g_assert_cmpstr (lanyard_person_get_email (lanyard_person_pane_get_person (LANYARD_PERSON_PANE (lanyard_test_find_by_type (GTK_WIDGET (fixture->window), LANYARD_TYPE_PERSON_PANE)))),
                   ==, "mina@example.org");
}

/* The sidebar's facility switcher lists every facility and shows the one chosen. */
static void
test_facility_switcher (Fixture       *fixture,
                        gconstpointer  data)
{
  LanyardPeopleSection *section;
  GtkListBox *list;
  GtkListBoxRow *row;
  LanyardFacility *facility;
  gint64 second_id;

  second_id = lanyard_test_add_facility (LANYARD_STORE (fixture->store), "Second Site");
  open_window (fixture);
  section = get_widget (fixture, "people_section");
  list = get_widget (fixture, "facility_list");

  g_assert_cmpuint (count_rows (list), ==, 2);
  g_assert_cmpstr (gtk_label_get_label (get_widget (fixture, "facility_label")), ==,
                   lanyard_facility_get_name (lanyard_people_section_get_facility (section)));

  /* Facilities are listed by name: "Second Site", then "Test Club". */
  row = gtk_list_box_get_row_at_index (list, 0);
  gtk_menu_button_popup (get_widget (fixture, "facility_button"));
  g_signal_emit_by_name (list, "row-activated", row);

  facility = lanyard_people_section_get_facility (section);
  g_assert_nonnull (facility);
  g_assert_cmpint (lanyard_facility_get_id (facility), ==, second_id);
  lanyard_test_wait_for (window_is_settled, fixture->window, "the second facility's people");
  g_assert_cmpstr (gtk_label_get_label (get_widget (fixture, "facility_label")), ==, "Second Site");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (fixture, "stack")), ==, "empty");
  maybe_screenshot (fixture, "test-second-facility.png");
}

static gboolean
facility_is_shown (gpointer data)
{
  Fixture *fixture = data;
  LanyardFacility *facility = lanyard_people_section_get_facility (get_widget (fixture, "people_section"));

  return facility != NULL && !lanyard_window_get_busy (fixture->window);
}

/* Types a new facility's name and time zone into the dialog and answers @response. */
static void
fill_new_facility (AdwMessageDialog *dialog,
                   const char       *name,
                   const char       *timezone,
                   const char       *response)
{
  GtkWidget *list = adw_message_dialog_get_extra_child (dialog);
  GtkWidget *name_row = gtk_widget_get_first_child (list);
  GtkWidget *timezone_row = gtk_widget_get_next_sibling (name_row);

  g_assert_true (ADW_IS_ENTRY_ROW (name_row));
  g_assert_true (ADW_IS_ENTRY_ROW (timezone_row));
  if (name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (name_row), name);
  if (timezone != NULL)
    gtk_editable_set_text (GTK_EDITABLE (timezone_row), timezone);
  respond (dialog, response);
}

/* A database without a facility: Set Up a Facility asks for its name and time zone; a bad zone is said and kept. */
static void
test_new_facility (Fixture       *fixture,
                   gconstpointer  data)
{
  AdwMessageDialog *dialog;
  GtkWidget *list;
  LanyardFacility *facility;

  open_window (fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (fixture, "stack")), ==, "empty");
  g_assert_true (gtk_widget_get_visible (get_widget (fixture, "new_facility_button")));
  g_assert_false (gtk_widget_get_visible (get_widget (fixture, "add_first_person_button")));

  g_assert_true (gtk_widget_activate (get_widget (fixture, "new_facility_button")));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "New Facility");
  lanyard_test_maybe_screenshot (GTK_WIDGET (dialog), "test-new-facility.png");

  /* Not a time zone: the store refuses, the dialog comes back with what was typed. */
  fill_new_facility (dialog, "Harbour Gym", "Mars/Olympus", "create");
  lanyard_test_wait_for (no_message_dialog_is_open, NULL, "the first dialog to close");
  dialog = wait_for_message_dialog ();
  list = adw_message_dialog_get_extra_child (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_first_child (list))), ==, "Harbour Gym");
  g_assert_null (lanyard_people_section_get_facility (get_widget (fixture, "people_section")));

  fill_new_facility (dialog, NULL, "Europe/Berlin", "create");
  lanyard_test_wait_for (facility_is_shown, fixture, "the new facility");
  facility = lanyard_people_section_get_facility (get_widget (fixture, "people_section"));
  g_assert_cmpstr (lanyard_facility_get_name (facility), ==, "Harbour Gym");
  g_assert_cmpstr (lanyard_facility_get_timezone (facility), ==, "Europe/Berlin");
  g_assert_cmpstr (gtk_label_get_label (get_widget (fixture, "facility_label")), ==, "Harbour Gym");
  g_assert_true (gtk_widget_get_visible (get_widget (fixture, "add_first_person_button")));
}

static gboolean
export_finished (gpointer data)
{
  Fixture *fixture = data;

  return !gtk_action_bar_get_revealed (get_widget (fixture, "export_bar"));
}

/* Export: the list as shown — filter and order — into a file the import reads. */
static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "trial.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(LanyardCsvTable) table = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  LanyardPeopleModel *model;
  LanyardPeopleSection *section;
  guint n;

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the first rows");
  model = get_people_model (fixture);
  section = get_widget (fixture, "people_section");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (section), "people.set-person-type", "s", "Trial"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (section), "people.set-sort", "i",
                                             LANYARD_PEOPLE_SORT_CREATED));
  lanyard_test_wait_for (model_settled, model, "the trial members");
  /* Asking for the last row fetches the next page, until there is none. */
  while (!lanyard_people_model_get_complete (model))
    {
      g_autoptr(GObject) last = g_list_model_get_item (G_LIST_MODEL (model),
                                                       g_list_model_get_n_items (G_LIST_MODEL (model)) - 1);

      lanyard_test_wait_ms (20);
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (model));

  lanyard_people_section_export_to (section, file);
  g_assert_true (gtk_action_bar_get_revealed (get_widget (fixture, "export_bar")));
  lanyard_test_wait_for (export_finished, fixture, "the export");

  bytes = lanyard_csv_load_file (file, NULL, &error);
  g_assert_no_error (error);
  table = lanyard_csv_parse (bytes, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, n + 1);

  /* Row by row the people of the list, in its order. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LanyardPerson) person = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_cmpstr (lanyard_csv_table_get_cell (table, i + 1, 0), ==, lanyard_person_get_first_name (person));
      g_assert_cmpstr (lanyard_csv_table_get_cell (table, i + 1, 1), ==, lanyard_person_get_last_name (person));
      g_assert_cmpstr (lanyard_csv_table_get_cell (table, i + 1, 4), ==, "Trial");
    }
}

typedef struct {
  GtkWidget  *dialog;
  const char *page;
} DialogPage;

static gboolean
dialog_shows_page (gpointer data)
{
  DialogPage *wait = data;
  GtkStack *stack = lanyard_test_get_widget (wait->dialog, "stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), wait->page) == 0 &&
         !gtk_widget_get_visible (lanyard_test_get_widget (wait->dialog, "busy_spinner"));
}

static gboolean
all_count_is (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *expected = g_strdup_printf ("%'" G_GUINT64_FORMAT, (guint64)N_PEOPLE + 3);

  return g_strcmp0 (gtk_label_get_label (get_widget (fixture, "all_count_label")), expected) == 0;
}

/* Import from the People page: the wizard opens on the facility, and the list follows what it stored. */
static void
test_import (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "import", "google-sheets.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LanyardPeopleCounts counts = { 0 };
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;
  DialogPage wait;

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "people_view"), "the first rows");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import-people", NULL));
  dialog = find_toplevel (LANYARD_TYPE_IMPORT_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (fixture->window));

  lanyard_import_dialog_open_file (LANYARD_IMPORT_DIALOG (dialog), file);
  wait = (DialogPage) { GTK_WIDGET (dialog), "mapping" };
  lanyard_test_wait_for (dialog_shows_page, &wait, "the columns");
  g_signal_emit_by_name (lanyard_test_get_widget (GTK_WIDGET (dialog), "next_button"), "clicked");
  wait.page = "preview";
  lanyard_test_wait_for (dialog_shows_page, &wait, "the preview");
  g_signal_emit_by_name (lanyard_test_get_widget (GTK_WIDGET (dialog), "import_button"), "clicked");
  wait.page = "results";
  lanyard_test_wait_for (dialog_shows_page, &wait, "the results");

  /* Stored in the facility shown, and the tiles follow without a reload. */
  lanyard_store_count_people (LANYARD_STORE (fixture->store), fixture->facility_id, &counts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts.all, ==, N_PEOPLE + 3);
  lanyard_test_wait_for (all_count_is, fixture, "the new count on the All tile");

  gtk_window_destroy (dialog);
}

int
main (int   argc,
      char *argv[])
{
  if (!lanyard_test_init_widgets (&argc, &argv))
    return 0;

  g_test_add ("/app/window/people/tiles-and-rows", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_tiles_and_rows, fixture_tear_down);
  g_test_add ("/app/window/people/search", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/app/window/people/access-tiles", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_access_tiles, fixture_tear_down);
  g_test_add ("/app/window/people/filter-chips", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_filter_chips, fixture_tear_down);
  g_test_add ("/app/window/people/selection-mode", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_selection_mode, fixture_tear_down);
  g_test_add ("/app/window/people/pane-and-delete-key", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_pane_and_delete_key, fixture_tear_down);
  g_test_add ("/app/window/people/pane-access-switch", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_pane_access_switch, fixture_tear_down);
  g_test_add ("/app/window/people/import", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_import, fixture_tear_down);
  g_test_add ("/app/window/people/export", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_export, fixture_tear_down);
  g_test_add_func ("/app/window/cairo-without-gpu", test_cairo_without_gpu);
  g_test_add ("/app/window/sections", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_sections, fixture_tear_down);
  g_test_add ("/app/window/menus-on-demand", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_menus_on_demand, fixture_tear_down);
  g_test_add ("/app/window/shortcuts", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_shortcuts_window, fixture_tear_down);
  g_test_add ("/app/window/preferences", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_preferences, fixture_tear_down);
  g_test_add ("/app/window/facility-switcher", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_facility_switcher, fixture_tear_down);
  g_test_add ("/app/window/screenshots", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_screenshots, fixture_tear_down);
  g_test_add ("/app/window/people/first-person", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_first_person, fixture_tear_down);
  g_test_add ("/app/window/people/new-facility", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_new_facility, fixture_tear_down);
  g_test_add ("/app/window/people/empty-database", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_empty_database, fixture_tear_down);
  g_test_add_func ("/app/window/open-error", test_open_error);
  g_test_add ("/app/people-model/expected-counts", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_model_expected_counts, fixture_tear_down);

  return g_test_run ();
}
