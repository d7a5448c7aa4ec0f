/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lanyard-people-model.h"
#include "lanyard-people-section.h"
#include "lanyard-person-row.h"

/* How many people "Create a Demo Facility" adds, and with which seed. */
#define DEMO_PEOPLE 500
#define DEMO_SEED   1

struct _LanyardPeopleSection
{
  GtkWidget            parent_instance;

  LanyardStore        *store;
  LanyardFacility     *facility;
  LanyardPeopleModel  *model;
  LanyardPeopleCounts  counts;
  GCancellable        *counts_cancellable;
  GCancellable        *demo_cancellable;

  guint                facility_known : 1;   /* set_facility() was called, even with NULL */
  guint                counts_loading : 1;
  guint                creating_demo : 1;
  guint                busy : 1;             /* as last notified */

  /* Template widgets */
  GtkStack            *stack;
  AdwStatusPage       *empty_status_page;
  GtkStack            *demo_stack;
  GtkSpinner          *demo_spinner;
  AdwStatusPage       *error_status_page;
  GtkToggleButton     *all_tile;
  GtkToggleButton     *has_access_tile;
  GtkToggleButton     *no_access_tile;
  GtkLabel            *all_count_label;
  GtkLabel            *has_access_count_label;
  GtkLabel            *no_access_count_label;
  GtkSearchEntry      *search_entry;
  GtkStack            *list_stack;
  GtkScrolledWindow   *scrolled_window;
  GtkSingleSelection  *selection;
  AdwStatusPage       *no_results_status_page;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_FACILITY,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LanyardPeopleSection, lanyard_people_section, GTK_TYPE_WIDGET)

/* Creating the demo facility, on a worker thread. */

static void
create_demo_facility_thread (GTask        *task,
                             gpointer      source_object,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  LanyardStore *store = task_data;
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GError) error = NULL;
  gint64 facility_id = 0;

  /* A half-made demo from an earlier try may hold the name: number the next one. */
  for (guint attempt = 1; facility_id == 0 && attempt <= 10; attempt++)
    {
      g_autofree char *name = NULL;

      if (attempt == 1)
        /* Translators: the name of the demo facility (a made-up place) */
        name = g_strdup (_("Riverside Sports Club"));
      else
        /* Translators: the name of a further demo facility; %u is 2, 3, … */
        name = g_strdup_printf (_("Riverside Sports Club %u"), attempt);

      g_clear_error (&error);
      facility_id = lanyard_demo_create_facility (store, name, cancellable, &error);

      if (facility_id == 0 && !g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE))
        break;
    }

  if (facility_id == 0 ||
      !lanyard_demo_add_people (store, facility_id, DEMO_PEOPLE, DEMO_SEED, 0, NULL, NULL, cancellable, &error) ||
      !(facilities = lanyard_store_list_facilities (store, cancellable, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < facilities->len; i++)
    {
      LanyardFacility *facility = g_ptr_array_index (facilities, i);

      if (lanyard_facility_get_id (facility) == facility_id)
        {
          g_task_return_pointer (task, g_object_ref (facility), g_object_unref);
          return;
        }
    }

  g_task_return_new_error (task, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                           _("The demo facility was created but cannot be found"));
}

static void
create_demo_facility_async (LanyardPeopleSection *self,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, create_demo_facility_async);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, create_demo_facility_thread);
}

static LanyardFacility *
create_demo_facility_finish (LanyardPeopleSection  *self,
                             GAsyncResult          *result,
                             GError               **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == create_demo_facility_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* State */

static void
lanyard_people_section_toast_error (LanyardPeopleSection *self,
                                    const GError         *error)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *title = NULL;

  if (overlay == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }

  /* Toast titles are markup. */
  title = g_markup_escape_text (error->message, -1);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
}

static void
lanyard_people_section_update_busy (LanyardPeopleSection *self)
{
  gboolean busy = (self->store == NULL ||
                   !self->facility_known ||
                   self->counts_loading ||
                   self->creating_demo ||
                   (self->model != NULL && lanyard_people_model_get_loading (self->model)));

  if (busy != self->busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

static LanyardAccessFilter
lanyard_people_section_get_access_filter (LanyardPeopleSection *self)
{
  if (gtk_toggle_button_get_active (self->has_access_tile))
    return LANYARD_ACCESS_FILTER_HAS_ACCESS;

  if (gtk_toggle_button_get_active (self->no_access_tile))
    return LANYARD_ACCESS_FILTER_NO_ACCESS;

  return LANYARD_ACCESS_FILTER_ANY;
}

/* The search as typed, or NULL when there is none. */
static char *
lanyard_people_section_dup_search (LanyardPeopleSection *self)
{
  g_autofree char *search = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  g_strstrip (search);
  if (*search == '\0')
    return NULL;

  return g_steal_pointer (&search);
}

static void
lanyard_people_section_update_list_stack (LanyardPeopleSection *self)
{
  g_autofree char *search = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *description = NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }

  if (lanyard_people_model_get_loading (self->model))
    {
      gtk_stack_set_visible_child_name (self->list_stack, "searching");
      return;
    }

  search = lanyard_people_section_dup_search (self);
  if (search != NULL)
    {
      escaped = g_markup_escape_text (search, -1);
      /* Translators: %s is what was typed in the search */
      description = g_strdup_printf (_("Nobody matches “%s”. Search looks at names, phone numbers and email addresses."),
                                     escaped);
    }
  else
    {
      switch (lanyard_people_section_get_access_filter (self))
        {
        case LANYARD_ACCESS_FILTER_HAS_ACCESS:
          description = g_strdup (_("No door opens for anybody here: no access rule or grant reaches them."));
          break;
        case LANYARD_ACCESS_FILTER_NO_ACCESS:
          description = g_strdup (_("Every person here can open at least one door."));
          break;
        default:
          description = g_strdup (_("There is nobody to show."));
          break;
        }
    }

  adw_status_page_set_description (self->no_results_status_page, description);
  gtk_stack_set_visible_child_name (self->list_stack, "no-results");
}

/* Asks the model for the people the search and the active tile select. */
static void
lanyard_people_section_requery (LanyardPeopleSection *self)
{
  g_autoptr(LanyardPeopleQuery) query = NULL;
  guint64 n_expected = 0;

  if (self->facility == NULL || self->counts_loading)
    return;

  query = lanyard_people_query_new (lanyard_facility_get_id (self->facility));
  query->search = lanyard_people_section_dup_search (self);
  query->access = lanyard_people_section_get_access_filter (self);

  /* Without a search the tiles already say how many rows there are. */
  if (query->search == NULL)
    {
      switch (query->access)
        {
        case LANYARD_ACCESS_FILTER_HAS_ACCESS:
          n_expected = self->counts.has_access;
          break;
        case LANYARD_ACCESS_FILTER_NO_ACCESS:
          n_expected = self->counts.no_access;
          break;
        default:
          n_expected = self->counts.all;
          break;
        }
    }

  lanyard_people_model_set_query (self->model, query, (guint)MIN (n_expected, G_MAXUINT));
  lanyard_people_section_update_list_stack (self);
  lanyard_people_section_update_busy (self);
}

static void
set_tile_count (GtkToggleButton *tile,
                GtkLabel        *label,
                const char      *count,
                const char      *accessible_label)
{
  gtk_label_set_label (label, count);
  gtk_accessible_update_property (GTK_ACCESSIBLE (tile),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
}

static void
lanyard_people_section_update_tiles (LanyardPeopleSection *self)
{
  /* Grouped by the locale's thousands separator. */
  g_autofree char *all = g_strdup_printf ("%'" G_GUINT64_FORMAT, self->counts.all);
  g_autofree char *has_access = g_strdup_printf ("%'" G_GUINT64_FORMAT, self->counts.has_access);
  g_autofree char *no_access = g_strdup_printf ("%'" G_GUINT64_FORMAT, self->counts.no_access);
  g_autofree char *all_label = NULL;
  g_autofree char *has_access_label = NULL;
  g_autofree char *no_access_label = NULL;

  /* Translators: what a screen reader says for the "All" stat tile; %s is a number */
  all_label = g_strdup_printf (ngettext ("All: %s person", "All: %s people", (gulong)self->counts.all), all);
  /* Translators: what a screen reader says for the "Has access" stat tile; %s is a number */
  has_access_label = g_strdup_printf (ngettext ("Has access: %s person", "Has access: %s people",
                                                (gulong)self->counts.has_access),
                                      has_access);
  /* Translators: what a screen reader says for the "No access" stat tile; %s is a number */
  no_access_label = g_strdup_printf (ngettext ("No access: %s person", "No access: %s people",
                                               (gulong)self->counts.no_access),
                                     no_access);

  set_tile_count (self->all_tile, self->all_count_label, all, all_label);
  set_tile_count (self->has_access_tile, self->has_access_count_label, has_access, has_access_label);
  set_tile_count (self->no_access_tile, self->no_access_count_label, no_access, no_access_label);
}

static void
lanyard_people_section_show_empty (LanyardPeopleSection *self)
{
  g_autofree char *description = NULL;

  if (self->facility == NULL)
    {
      adw_status_page_set_title (self->empty_status_page, _("Welcome to Lanyard"));
      adw_status_page_set_description (self->empty_status_page,
                                       _("There is no facility in this database yet. To look around, "
                                         "create a demo: a sports club with doors, access rules and "
                                         "500 made-up people."));
    }
  else
    {
      g_autofree char *name = g_markup_escape_text (lanyard_facility_get_name (self->facility), -1);

      adw_status_page_set_title (self->empty_status_page, _("No People Yet"));
      /* Translators: %s is the name of a facility */
      description = g_strdup_printf (_("Nobody has been added to %s yet. To look around, create a demo "
                                       "facility next to it: a sports club with doors, access rules and "
                                       "500 made-up people."),
                                     name);
      adw_status_page_set_description (self->empty_status_page, description);
    }

  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
lanyard_people_section_show_error (LanyardPeopleSection *self,
                                   const GError         *error)
{
  g_autofree char *description = g_markup_escape_text (error->message, -1);

  adw_status_page_set_description (self->error_status_page, description);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
on_counts_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LanyardPeopleSection) self = user_data;
  g_autoptr(GError) error = NULL;
  LanyardPeopleCounts counts = { 0 };

  if (!lanyard_store_count_people_finish (LANYARD_STORE (object), result, &counts, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->counts_loading = FALSE;
      g_clear_object (&self->counts_cancellable);
      lanyard_people_section_show_error (self, error);
      lanyard_people_section_update_busy (self);
      return;
    }

  self->counts_loading = FALSE;
  g_clear_object (&self->counts_cancellable);
  self->counts = counts;
  lanyard_people_section_update_tiles (self);

  if (counts.all == 0)
    lanyard_people_section_show_empty (self);
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "people");
      lanyard_people_section_requery (self);
    }

  lanyard_people_section_update_busy (self);
}

void
lanyard_people_section_reload (LanyardPeopleSection *self)
{
  g_return_if_fail (LANYARD_IS_PEOPLE_SECTION (self));

  g_cancellable_cancel (self->counts_cancellable);
  g_clear_object (&self->counts_cancellable);
  self->counts_loading = FALSE;

  if (self->model != NULL)
    lanyard_people_model_clear (self->model);

  if (self->store == NULL || !self->facility_known)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else if (self->facility == NULL)
    lanyard_people_section_show_empty (self);
  else
    {
      /* Keep the last view while the counts are read again, unless there is none. */
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "people") != 0)
        gtk_stack_set_visible_child_name (self->stack, "loading");

      self->counts_loading = TRUE;
      self->counts_cancellable = g_cancellable_new ();
      lanyard_store_count_people_async (self->store,
                                        lanyard_facility_get_id (self->facility),
                                        self->counts_cancellable,
                                        on_counts_read_cb,
                                        g_object_ref (self));
    }

  lanyard_people_section_update_busy (self);
}

/* Callbacks */

static void
on_tile_toggled_cb (GtkToggleButton      *tile,
                    LanyardPeopleSection *self)
{
  /* The tiles are a group: only the one switched on says what to show. */
  if (gtk_toggle_button_get_active (tile))
    lanyard_people_section_requery (self);
}

static void
on_search_entry_search_changed_cb (LanyardPeopleSection *self,
                                   GtkSearchEntry       *entry)
{
  /* GtkSearchEntry already waits 150 ms after the last keystroke; the model drops the query before. */
  lanyard_people_section_requery (self);
}

static void
on_search_entry_stop_search_cb (LanyardPeopleSection *self,
                                GtkSearchEntry       *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
on_model_items_changed_cb (LanyardPeopleSection *self,
                           guint                 position,
                           guint                 removed,
                           guint                 added,
                           GListModel           *model)
{
  lanyard_people_section_update_list_stack (self);
}

static void
on_model_loading_changed_cb (LanyardPeopleSection *self,
                             GParamSpec           *pspec,
                             LanyardPeopleModel   *model)
{
  /* A new query's rows are in: show them from the top. */
  if (!lanyard_people_model_get_loading (model))
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);

  lanyard_people_section_update_list_stack (self);
  lanyard_people_section_update_busy (self);
}

static void
on_model_load_failed_cb (LanyardPeopleSection *self,
                         const GError         *error,
                         LanyardPeopleModel   *model)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (model)) == 0)
    lanyard_people_section_show_error (self, error);
  else
    lanyard_people_section_toast_error (self, error);
}

static void
on_demo_facility_created_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (object);
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(GError) error = NULL;

  facility = create_demo_facility_finish (self, result, &error);

  g_clear_object (&self->demo_cancellable);
  self->creating_demo = FALSE;
  gtk_spinner_set_spinning (self->demo_spinner, FALSE);
  gtk_stack_set_visible_child_name (self->demo_stack, "offer");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.create-demo", TRUE);

  if (facility == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        lanyard_people_section_toast_error (self, error);
      lanyard_people_section_update_busy (self);
      return;
    }

  lanyard_people_section_set_facility (self, facility);
}

/* Actions */

static void
people_reload_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  lanyard_people_section_reload (LANYARD_PEOPLE_SECTION (widget));
}

static void
people_create_demo_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (widget);

  if (self->store == NULL || self->creating_demo)
    return;

  self->creating_demo = TRUE;
  self->demo_cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (widget, "people.create-demo", FALSE);
  gtk_spinner_set_spinning (self->demo_spinner, TRUE);
  gtk_stack_set_visible_child_name (self->demo_stack, "creating");
  lanyard_people_section_update_busy (self);

  /* The task holds the section until it ends; dispose() cancels it. */
  create_demo_facility_async (self, self->demo_cancellable, on_demo_facility_created_cb, NULL);
}

/* GObject */

static void
lanyard_people_section_dispose (GObject *object)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (object);
  GtkWidget *child;

  g_cancellable_cancel (self->counts_cancellable);
  g_cancellable_cancel (self->demo_cancellable);
  g_clear_object (&self->counts_cancellable);
  g_clear_object (&self->demo_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_PEOPLE_SECTION);
  /* dispose_template() only takes the children bound to fields. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  /* Stops a page fetch in flight. */
  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->model, self);
      lanyard_people_model_clear (self->model);
      g_clear_object (&self->model);
    }

  g_clear_object (&self->store);
  g_clear_object (&self->facility);

  G_OBJECT_CLASS (lanyard_people_section_parent_class)->dispose (object);
}

static void
lanyard_people_section_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_FACILITY:
      g_value_set_object (value, self->facility);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_people_section_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lanyard_people_section_set_store (self, g_value_get_object (value));
      break;

    case PROP_FACILITY:
      lanyard_people_section_set_facility (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_people_section_class_init (LanyardPeopleSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_people_section_dispose;
  object_class->get_property = lanyard_people_section_get_property;
  object_class->set_property = lanyard_people_section_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LANYARD_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_FACILITY] =
    g_param_spec_object ("facility", NULL, NULL,
                         LANYARD_TYPE_FACILITY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The row widget is named in the list's factory, parsed only when rows are made. */
  g_type_ensure (LANYARD_TYPE_PERSON_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-people-section.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, empty_status_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, demo_stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, demo_spinner);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, error_status_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, all_tile);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, has_access_tile);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, no_access_tile);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, all_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, has_access_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, no_access_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, list_stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, selection);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, no_results_status_page);
  gtk_widget_class_bind_template_callback (widget_class, on_tile_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);

  gtk_widget_class_install_action (widget_class, "people.reload", NULL, people_reload_action);
  gtk_widget_class_install_action (widget_class, "people.create-demo", NULL, people_create_demo_action);
}

static void
lanyard_people_section_init (LanyardPeopleSection *self)
{
  self->busy = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Typing anywhere in the section goes to the search. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  lanyard_people_section_update_tiles (self);
}

/* Public API */

LanyardStore *
lanyard_people_section_get_store (LanyardPeopleSection *self)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_SECTION (self), NULL);

  return self->store;
}

void
lanyard_people_section_set_store (LanyardPeopleSection *self,
                                  LanyardStore         *store)
{
  gboolean had_facility;

  g_return_if_fail (LANYARD_IS_PEOPLE_SECTION (self));
  g_return_if_fail (store == NULL || LANYARD_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->model, self);
      lanyard_people_model_clear (self->model);
      g_clear_object (&self->model);
    }

  g_set_object (&self->store, store);

  if (store != NULL)
    {
      self->model = lanyard_people_model_new (store);
      g_signal_connect_object (self->model, "items-changed",
                               G_CALLBACK (on_model_items_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "notify::loading",
                               G_CALLBACK (on_model_loading_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "load-failed",
                               G_CALLBACK (on_model_load_failed_cb), self, G_CONNECT_SWAPPED);
    }

  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->model));

  /* A facility belongs to its store: wait to be told the new store's. */
  had_facility = self->facility != NULL;
  g_clear_object (&self->facility);
  self->facility_known = FALSE;

  lanyard_people_section_reload (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  if (had_facility)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FACILITY]);
}

LanyardFacility *
lanyard_people_section_get_facility (LanyardPeopleSection *self)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_SECTION (self), NULL);

  return self->facility;
}

void
lanyard_people_section_set_facility (LanyardPeopleSection *self,
                                     LanyardFacility      *facility)
{
  gboolean changed;

  g_return_if_fail (LANYARD_IS_PEOPLE_SECTION (self));
  g_return_if_fail (facility == NULL || LANYARD_IS_FACILITY (facility));

  changed = g_set_object (&self->facility, facility);
  self->facility_known = TRUE;

  lanyard_people_section_reload (self);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FACILITY]);
}

gboolean
lanyard_people_section_get_busy (LanyardPeopleSection *self)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_SECTION (self), FALSE);

  return self->busy;
}

void
lanyard_people_section_focus_search (LanyardPeopleSection *self)
{
  g_return_if_fail (LANYARD_IS_PEOPLE_SECTION (self));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "people") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
