/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <adwaita.h>

#include "lanyard-people-model.h"
#include "lanyard-person-row.h"
#include "lanyard-test-utils.h"
#include "lanyard-widget-test-utils.h"
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
  GtkListView *list_view = get_widget (fixture, "list_view");
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (list_view));

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

/* Types @text into the search (GtkSearchEntry waits 150 ms) and waits for its first page. */
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

/* Tests */

static void
test_tiles_and_rows (Fixture       *fixture,
                     gconstpointer  data)
{
  LanyardPeopleCounts counts = { 0 };
  g_autoptr(GError) error = NULL;
  LanyardPeopleModel *model;

  open_window (fixture);
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "list_view"), "the first rows");
  maybe_screenshot (fixture, "test-people.png");

  lanyard_store_count_people (LANYARD_STORE (fixture->store), fixture->facility_id, &counts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts.all, ==, N_PEOPLE);

  assert_count_label (fixture, "all_count_label", counts.all);
  assert_count_label (fixture, "has_access_count_label", counts.has_access);
  assert_count_label (fixture, "no_access_count_label", counts.no_access);

  /* Unfiltered, the list is as long as the tile says before all its pages are in… */
  model = get_people_model (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, counts.all);
  g_assert_false (lanyard_people_model_get_complete (model));

  /* …and the rows are those of the store, in its order. */
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
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "list_view"), "the first rows");

  model = get_people_model (fixture);
  search_entry = get_widget (fixture, "search_entry");

  /* Ctrl+F's action puts the focus into the search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.search", NULL));
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_nonnull (focus);
  g_assert_true (focus == GTK_WIDGET (search_entry) || gtk_widget_is_ancestor (focus, GTK_WIDGET (search_entry)));

  /* A broad search: several pages, the list grows as they arrive. */
  search_for (search_entry, model, "example.com");
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
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "list_view"), "the rows of the narrow search");
  maybe_screenshot (fixture, "test-search-narrow.png");

  /* Nobody: the list makes way for a "no matches" page. */
  search_for (search_entry, model, "zzqqxxnobody");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_widget (fixture, "list_stack")), ==, "no-results");
  maybe_screenshot (fixture, "test-search-none.png");

  /* Clearing the search brings everyone back. */
  search_for (search_entry, model, "");
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
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "list_view"), "the first rows");

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
  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "list_view"), "the first rows");

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

  lanyard_test_wait_for (rows_are_shown, get_widget (fixture, "list_view"), "the demo's rows");
  maybe_screenshot (fixture, "test-demo-created.png");
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

  g_signal_connect (model, "items-changed", G_CALLBACK (on_model_items_changed_cb), &watch);

  for (guint i = 0; i < G_N_ELEMENTS (expectations); i++)
    {
      g_test_message ("Told to expect %u people", expectations[i]);

      lanyard_people_model_set_query (model, query, expectations[i]);
      g_assert_true (lanyard_people_model_get_loading (model));
      lanyard_test_wait_for (model_settled, model, "the first page");

      /* Until the last page is in, the model has the count it was told, or what it holds. */
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==,
                        MAX (expectations[i], LANYARD_PEOPLE_MODEL_PAGE_SIZE));

      /* Rows beyond the pages in are placeholders, each its own object. */
      if (expectations[i] > LANYARD_PEOPLE_MODEL_PAGE_SIZE * 3)
        {
          g_autoptr(LanyardPerson) far = g_list_model_get_item (G_LIST_MODEL (model), expectations[i] - 1);
          g_autoptr(LanyardPerson) far_again = g_list_model_get_item (G_LIST_MODEL (model), expectations[i] - 1);
          g_autoptr(LanyardPerson) other = g_list_model_get_item (G_LIST_MODEL (model), expectations[i] - 2);

          g_assert_cmpint (lanyard_person_get_id (far), ==, LANYARD_NO_ID);
          g_assert_true (far == far_again);
          g_assert_true (far != other);
        }

      assert_model_matches_store (fixture, model);
      g_assert_cmpuint (watch.n_items, ==, N_PEOPLE);
    }

  lanyard_people_model_clear (model);
  g_assert_cmpuint (watch.n_items, ==, 0);
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
  g_test_add ("/app/window/people/empty-database", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_empty_database, fixture_tear_down);
  g_test_add_func ("/app/window/open-error", test_open_error);
  g_test_add ("/app/people-model/expected-counts", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_model_expected_counts, fixture_tear_down);

  return g_test_run ();
}
