/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lanyard-add-person-dialog.h"
#include "lanyard-import-dialog.h"
#include "lanyard-people-model.h"
#include "lanyard-people-section.h"
#include "lanyard-person-pane.h"
#include "lanyard-person-row.h"
#include "lanyard-ui-util.h"

/* How many people "Create a Demo Facility" adds, and with which seed. */
#define DEMO_PEOPLE 500
#define DEMO_SEED   1

/* The filter chips and the sort button, in the order they are shown. */
typedef enum {
  CHIP_SOURCE,
  CHIP_ACCESS,
  CHIP_MEMBERSHIP_STATUS,
  CHIP_PERSON_TYPE,
  CHIP_TAG,
  CHIP_INVITATION,
  CHIP_ADOPTION,
  CHIP_SORT,
  N_CHIPS
} Chip;

typedef struct {
  int         value;
  const char *label;
} ChipChoice;

/* The first choice of a filter chip is "any": the chip then shows its name. */
static const ChipChoice source_choices[] = {
  { LANYARD_SOURCE_FILTER_ANY, N_("All sources") },
  { LANYARD_SOURCE_FILTER_MANUAL, N_("Manually added") },
  { LANYARD_SOURCE_FILTER_INTEGRATION, N_("Integration") },
  { LANYARD_SOURCE_FILTER_CCTV, N_("CCTV") },
};

static const ChipChoice access_choices[] = {
  { LANYARD_ACCESS_FILTER_ANY, N_("Any status") },
  { LANYARD_ACCESS_FILTER_HAS_ACCESS, N_("Has access") },
  { LANYARD_ACCESS_FILTER_NO_ACCESS, N_("No access") },
  { LANYARD_ACCESS_FILTER_DISABLED, N_("Disabled") },
  { LANYARD_ACCESS_FILTER_WITHOUT_GRANTS, N_("Without grants") },
};

static const ChipChoice invitation_choices[] = {
  { LANYARD_INVITATION_FILTER_ANY, N_("Any") },
  { LANYARD_INVITATION_FILTER_INVITED, N_("Invited") },
  { LANYARD_INVITATION_FILTER_NOT_INVITED, N_("Not invited") },
  { LANYARD_INVITATION_FILTER_SEND_FAILED, N_("Send failed") },
};

static const ChipChoice adoption_choices[] = {
  { LANYARD_ADOPTION_FILTER_ANY, N_("Any") },
  { LANYARD_ADOPTION_FILTER_ACTIVE, N_("Active") },
  { LANYARD_ADOPTION_FILTER_NOT_YET, N_("Not yet active") },
};

static const ChipChoice sort_choices[] = {
  { LANYARD_PEOPLE_SORT_NAME, N_("Name") },
  { LANYARD_PEOPLE_SORT_CREATED, N_("Recently added") },
  { LANYARD_PEOPLE_SORT_UPDATED, N_("Recently updated") },
  { LANYARD_PEOPLE_SORT_LAST_USED, N_("Last used") },
  { LANYARD_PEOPLE_SORT_LAST_SYNCED, N_("Last synced") },
};

typedef struct {
  const char       *name;        /* what the chip says when nothing is chosen */
  const char       *action;      /* activated by the rows of its popover */
  const ChipChoice *choices;     /* NULL: the values present in the data */
  guint             n_choices;
  LanyardFacet      facet;
} ChipInfo;

static const ChipInfo chip_info[N_CHIPS] = {
  [CHIP_SOURCE] = { N_("Source"), "people.set-source", source_choices, G_N_ELEMENTS (source_choices), 0 },
  [CHIP_ACCESS] = { N_("Access"), "people.set-access", access_choices, G_N_ELEMENTS (access_choices), 0 },
  [CHIP_MEMBERSHIP_STATUS] = { N_("Membership status"), "people.set-membership-status", NULL, 0,
                               LANYARD_FACET_MEMBERSHIP_STATUS },
  [CHIP_PERSON_TYPE] = { N_("Person type"), "people.set-person-type", NULL, 0, LANYARD_FACET_PERSON_TYPE },
  [CHIP_TAG] = { N_("Tag"), "people.set-tag", NULL, 0, LANYARD_FACET_TAG },
  [CHIP_INVITATION] = { N_("Invitation"), "people.set-invitation", invitation_choices,
                        G_N_ELEMENTS (invitation_choices), 0 },
  [CHIP_ADOPTION] = { N_("App adoption"), "people.set-adoption", adoption_choices,
                      G_N_ELEMENTS (adoption_choices), 0 },
  [CHIP_SORT] = { N_("Sort"), "people.set-sort", sort_choices, G_N_ELEMENTS (sort_choices), 0 },
};

struct _LanyardPeopleSection
{
  GtkWidget            parent_instance;

  LanyardStore        *store;
  LanyardFacility     *facility;
  LanyardPeopleModel  *model;
  LanyardPeopleCounts  counts;
  GCancellable        *counts_cancellable;
  GCancellable        *demo_cancellable;
  GCancellable        *facets_cancellable;

  /* The chips and the sort; facility and search are filled in by build_query(). */
  LanyardPeopleQuery  *filters;

  guint                facility_known : 1;   /* set_facility() was called, even with NULL */
  guint                counts_loading : 1;
  guint                creating_demo : 1;
  guint                busy : 1;             /* as last notified */
  guint                syncing_tiles : 1;
  guint                selection_mode : 1;
  guint                relist : 1;           /* the next requery reads the list again, even if unchanged */
  guint                keep_scroll : 1;      /* ... and keeps the scroll position */
  guint                stale_facets;         /* bit per chip: its values are to be read again */

  /* Selection mode: the people ticked, id → display name; and the row widgets alive, to tick. */
  GHashTable          *marked;
  GHashTable          *rows;
  GCancellable        *bulk_cancellable;

  /* Template widgets */
  GtkStack            *stack;
  AdwStatusPage       *empty_status_page;
  GtkStack            *demo_stack;
  GtkWidget           *add_first_person_button;
  GtkWidget           *import_first_button;
  GtkWidget           *new_facility_button;
  GtkWidget           *create_demo_button;
  GtkSpinner          *demo_spinner;
  GtkSpinner          *loading_spinner;
  GtkSpinner          *searching_spinner;
  AdwStatusPage       *error_status_page;
  GtkToggleButton     *all_tile;
  GtkToggleButton     *has_access_tile;
  GtkToggleButton     *no_access_tile;
  GtkLabel            *all_count_label;
  GtkLabel            *has_access_count_label;
  GtkLabel            *no_access_count_label;
  GtkSearchEntry      *search_entry;
  GtkBox              *chips_box;
  struct {
    GtkMenuButton     *button;
    GtkListBox        *list;
  }                    chips[N_CHIPS];
  GtkToggleButton     *descending_button;
  GtkButton           *clear_filters_button;
  GtkStack            *list_stack;
  GtkScrolledWindow   *scrolled_window;
  GtkGridView         *people_view;
  GtkSingleSelection  *selection;
  AdwStatusPage       *no_results_status_page;
  AdwFlap             *flap;
  GtkWidget           *list_area;
  AdwBin              *pane_host;    /* the flap: holds the pane */
  LanyardPersonPane   *person_pane;  /* in pane_host; NULL until a person is first opened */
  guint                reveal_tick;  /* revealing the pane once the flap has been laid out */
  GtkActionBar        *selection_bar;
  GtkLabel            *marked_label;
  GtkActionBar        *export_bar;
  GtkLabel            *export_label;
  GtkProgressBar      *export_progress;

  /* The export running, if any */
  GCancellable        *export_cancellable;
  char                *export_name;
  guint64              export_total;   /* 0 when unknown */
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_FACILITY,
  PROP_BUSY,
  PROP_SELECTION_MODE,
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

/* A server that cannot be reached is the window's to say (a banner); anything else is a toast. */
static void
lanyard_people_section_toast_error (LanyardPeopleSection *self,
                                    const GError         *error)
{
  if (!lanyard_ui_report_store_error (GTK_WIDGET (self), error))
    lanyard_ui_toast (GTK_WIDGET (self), error->message);
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

/* The query the search, the tiles and the chips select. */
static LanyardPeopleQuery *
lanyard_people_section_build_query (LanyardPeopleSection *self)
{
  LanyardPeopleQuery *query = lanyard_people_query_copy (self->filters);

  query->facility_id = self->facility != NULL ? lanyard_facility_get_id (self->facility) : LANYARD_NO_ID;
  g_free (query->search);
  query->search = lanyard_people_section_dup_search (self);

  return query;
}

/* TRUE when the query asks for nothing the stat tiles do not count. */
static gboolean
query_is_counted_by_tiles (const LanyardPeopleQuery *query)
{
  return query->search == NULL &&
         query->source == LANYARD_SOURCE_FILTER_ANY &&
         (query->access == LANYARD_ACCESS_FILTER_ANY ||
          query->access == LANYARD_ACCESS_FILTER_HAS_ACCESS ||
          query->access == LANYARD_ACCESS_FILTER_NO_ACCESS) &&
         query->membership_status == NULL &&
         query->person_type == NULL &&
         query->tag == NULL &&
         query->invitation == LANYARD_INVITATION_FILTER_ANY &&
         query->adoption == LANYARD_ADOPTION_FILTER_ANY;
}

static void
lanyard_people_section_update_list_stack (LanyardPeopleSection *self)
{
  g_autofree char *search = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *description = NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    {
      lanyard_ui_stack_show (self->list_stack, "list");
      return;
    }

  if (lanyard_people_model_get_loading (self->model))
    {
      lanyard_ui_stack_show (self->list_stack, "searching");
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
  else if (!query_is_counted_by_tiles (self->filters))
    {
      description = g_strdup (_("Nobody matches the chosen filters."));
    }
  else
    {
      switch (self->filters->access)
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
  lanyard_ui_stack_show (self->list_stack, "no-results");
}

/* Asks the model for the people the search, the tiles and the chips select. */
static void
lanyard_people_section_requery_full (LanyardPeopleSection *self,
                                     gboolean              before_counts)
{
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_section_build_query (self);
  const LanyardPeopleQuery *shown;
  guint64 n_expected = 0;

  gtk_widget_set_visible (GTK_WIDGET (self->clear_filters_button), lanyard_people_query_is_filtered (query));

  if (self->facility == NULL || (self->counts_loading && !before_counts))
    return;

  /* Clearing the search asks twice: now, and when the entry's delay is over. */
  shown = lanyard_people_model_get_query (self->model);
  if (shown != NULL && lanyard_people_query_equal (shown, query) && !self->relist)
    return;
  self->relist = FALSE;

  /* Without a search or chips the tiles already say how many rows there are (once they are read). */
  if (!before_counts && query_is_counted_by_tiles (query))
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
lanyard_people_section_requery (LanyardPeopleSection *self)
{
  lanyard_people_section_requery_full (self, FALSE);
}

/* Chips */

/* What a chip's rows say when they are the chosen one, as their action target. */
static GVariant *
lanyard_people_section_get_chip_state (LanyardPeopleSection *self,
                                       Chip                  chip)
{
  const LanyardPeopleQuery *filters = self->filters;

  switch (chip)
    {
    case CHIP_SOURCE:
      return g_variant_new_int32 (filters->source);
    case CHIP_ACCESS:
      return g_variant_new_int32 (filters->access);
    case CHIP_MEMBERSHIP_STATUS:
      return g_variant_new_string (filters->membership_status != NULL ? filters->membership_status : "");
    case CHIP_PERSON_TYPE:
      return g_variant_new_string (filters->person_type != NULL ? filters->person_type : "");
    case CHIP_TAG:
      return g_variant_new_string (filters->tag != NULL ? filters->tag : "");
    case CHIP_INVITATION:
      return g_variant_new_int32 (filters->invitation);
    case CHIP_ADOPTION:
      return g_variant_new_int32 (filters->adoption);
    case CHIP_SORT:
      return g_variant_new_int32 (filters->sort);
    case N_CHIPS:
    default:
      g_assert_not_reached ();
    }
}

static const char *
chip_choice_label (Chip chip,
                   int  value)
{
  const ChipInfo *info = &chip_info[chip];

  for (guint i = 0; i < info->n_choices; i++)
    if (info->choices[i].value == value)
      return _(info->choices[i].label);

  return NULL;
}

/* Label, highlight, accessible name and the check marks of one chip. */
static void
lanyard_people_section_sync_chip (LanyardPeopleSection *self,
                                  Chip                  chip)
{
  const ChipInfo *info = &chip_info[chip];
  GtkWidget *button = GTK_WIDGET (self->chips[chip].button);
  g_autoptr(GVariant) state = g_variant_ref_sink (lanyard_people_section_get_chip_state (self, chip));
  g_autofree char *accessible_label = NULL;
  const char *value_label;
  gboolean any;

  if (info->choices != NULL)
    {
      int value = g_variant_get_int32 (state);

      value_label = chip_choice_label (chip, value);
      any = value == info->choices[0].value;
    }
  else
    {
      value_label = g_variant_get_string (state, NULL);
      any = *value_label == '\0';
      if (any)
        value_label = _("Any");
    }

  /* The sort always has a value; a filter chip shows its name until one is chosen. */
  if (chip == CHIP_SORT || !any)
    gtk_menu_button_set_label (self->chips[chip].button, value_label);
  else
    gtk_menu_button_set_label (self->chips[chip].button, _(info->name));

  if (chip != CHIP_SORT && !any)
    gtk_widget_add_css_class (button, "active");
  else
    gtk_widget_remove_css_class (button, "active");

  if (chip == CHIP_SORT)
    /* Translators: what a screen reader says for the sort button; %s is e.g. "Name" */
    accessible_label = g_strdup_printf (_("Sort by %s"), value_label);
  else
    /* Translators: what a screen reader says for a filter chip, e.g. "Person type: Any" */
    accessible_label = g_strdup_printf (C_("filter chip", "%s: %s"), _(info->name), value_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->chips[chip].list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GVariant *target;
      GtkWidget *check;

      if (!GTK_IS_LIST_BOX_ROW (row))
        continue;

      target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row));
      check = g_object_get_data (G_OBJECT (row), "check");
      /* The row that says the values are being read has none. */
      if (check == NULL)
        continue;
      gtk_widget_set_opacity (check, target != NULL && g_variant_equal (target, state) ? 1 : 0);
    }
}

static void
lanyard_people_section_sync_chips (LanyardPeopleSection *self)
{
  for (Chip chip = 0; chip < N_CHIPS; chip++)
    lanyard_people_section_sync_chip (self, chip);

  gtk_toggle_button_set_active (self->descending_button, self->filters->descending);
}

/* The tiles show the Access chip's choice when it is one of theirs. */
static void
lanyard_people_section_sync_tiles (LanyardPeopleSection *self)
{
  GtkToggleButton *tiles[] = { self->all_tile, self->has_access_tile, self->no_access_tile };
  GtkToggleButton *active = NULL;

  switch (self->filters->access)
    {
    case LANYARD_ACCESS_FILTER_ANY:
      active = self->all_tile;
      break;
    case LANYARD_ACCESS_FILTER_HAS_ACCESS:
      active = self->has_access_tile;
      break;
    case LANYARD_ACCESS_FILTER_NO_ACCESS:
      active = self->no_access_tile;
      break;
    case LANYARD_ACCESS_FILTER_DISABLED:
    case LANYARD_ACCESS_FILTER_WITHOUT_GRANTS:
    default:
      break;
    }

  self->syncing_tiles = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (tiles); i++)
    gtk_toggle_button_set_active (tiles[i], tiles[i] == active);
  self->syncing_tiles = FALSE;
}

static void
lanyard_people_section_filters_changed (LanyardPeopleSection *self)
{
  lanyard_people_section_sync_chips (self);
  lanyard_people_section_sync_tiles (self);
  lanyard_people_section_requery (self);
}

/* One choice in a chip's popover: its label, how many people have it, a check mark. */
static void
lanyard_people_section_add_chip_row (LanyardPeopleSection *self,
                                     Chip                  chip,
                                     GVariant             *target,
                                     const char           *label,
                                     gint64                count)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *title = gtk_label_new (label);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_box_append (GTK_BOX (box), title);

  if (count >= 0)
    {
      g_autofree char *text = g_strdup_printf ("%'" G_GINT64_FORMAT, count);
      g_autofree char *accessible_label = NULL;
      GtkWidget *count_label = gtk_label_new (text);

      gtk_widget_add_css_class (count_label, "dim-label");
      gtk_widget_add_css_class (count_label, "numeric");
      gtk_box_append (GTK_BOX (box), count_label);

      /* Translators: a choice in a filter chip's list; %s is a value such as "Trial", %s a number */
      accessible_label = g_strdup_printf (ngettext ("%s, %s person", "%s, %s people", (gulong)count),
                                          label, text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                      -1);
    }
  else
    gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);

  gtk_box_append (GTK_BOX (box), check);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "check", check);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), chip_info[chip].action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), target);

  gtk_list_box_append (self->chips[chip].list, row);
}

typedef struct {
  LanyardPeopleSection *self;
  Chip                  chip;
} FacetLoad;

static void
on_facet_values_read_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  FacetLoad *load = user_data;
  g_autoptr(LanyardPeopleSection) self = load->self;
  Chip chip = load->chip;
  g_autoptr(GPtrArray) values = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row;

  g_free (load);

  values = lanyard_store_list_facet_values_finish (LANYARD_STORE (object), result, &error);
  if (values == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Try again when the list is opened again. */
          self->stale_facets |= 1u << chip;
          lanyard_people_section_toast_error (self, error);
        }
      return;
    }

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->chips[chip].list))) != NULL)
    gtk_list_box_remove (self->chips[chip].list, row);

  lanyard_people_section_add_chip_row (self, chip, g_variant_new_string (""), _("Any"), -1);
  for (guint i = 0; i < values->len; i++)
    {
      LanyardFacetValue *value = g_ptr_array_index (values, i);

      lanyard_people_section_add_chip_row (self, chip, g_variant_new_string (value->value), value->value,
                                           (gint64)MIN (value->count, (guint64)G_MAXINT64));
    }

  lanyard_people_section_sync_chip (self, chip);
}

/*
 * Reads the values of a chip whose choices come from the data. Counting a
 * million people's tags takes a while, so it happens when the chip's list
 * is opened, not with every change: the other reads of the section (the
 * tiles, the list) do not wait behind it.
 */
static void
lanyard_people_section_load_facet (LanyardPeopleSection *self,
                                   Chip                  chip)
{
  FacetLoad *load;
  GtkWidget *row;
  GtkWidget *label;

  g_assert (chip_info[chip].choices == NULL);

  if (self->store == NULL || self->facility == NULL || !(self->stale_facets & (1u << chip)))
    return;

  self->stale_facets &= ~(1u << chip);
  if (self->facets_cancellable == NULL)
    self->facets_cancellable = g_cancellable_new ();

  /* Until the values are in: the choice of none, and a word that more is coming. */
  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->chips[chip].list))) != NULL)
    gtk_list_box_remove (self->chips[chip].list, row);
  lanyard_people_section_add_chip_row (self, chip, g_variant_new_string (""), _("Any"), -1);
  label = gtk_label_new (_("Reading the values…"));
  gtk_widget_add_css_class (label, "dim-label");
  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_append (self->chips[chip].list, row);
  lanyard_people_section_sync_chip (self, chip);

  load = g_new0 (FacetLoad, 1);
  load->self = g_object_ref (self);
  load->chip = chip;
  lanyard_store_list_facet_values_async (self->store,
                                         lanyard_facility_get_id (self->facility),
                                         chip_info[chip].facet,
                                         self->facets_cancellable,
                                         on_facet_values_read_cb,
                                         load);
}

/* The values in the data may have changed: read them again when next shown (now, for an open list). */
static void
lanyard_people_section_load_facets (LanyardPeopleSection *self)
{
  g_cancellable_cancel (self->facets_cancellable);
  g_clear_object (&self->facets_cancellable);

  for (Chip chip = 0; chip < N_CHIPS; chip++)
    {
      GtkPopover *popover;

      if (chip_info[chip].choices != NULL)
        continue;

      self->stale_facets |= 1u << chip;
      popover = gtk_menu_button_get_popover (self->chips[chip].button);
      if (popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover)))
        lanyard_people_section_load_facet (self, chip);
    }
}

static void
on_chip_popover_show_cb (GtkPopover           *popover,
                         LanyardPeopleSection *self)
{
  Chip chip = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (popover), "chip"));

  lanyard_people_section_load_facet (self, chip);
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

  /* A facility without people: add the first one; no facility yet: set one up. Or look around in a demo. */
  gtk_widget_set_visible (self->add_first_person_button, self->facility != NULL);
  gtk_widget_set_visible (self->import_first_button, self->facility != NULL);
  gtk_widget_set_visible (self->new_facility_button, self->facility == NULL);

  if (self->facility == NULL)
    {
      adw_status_page_set_title (self->empty_status_page, _("Welcome to Lanyard"));
      adw_status_page_set_description (self->empty_status_page,
                                       _("There is no facility in this database yet. Set up yours to "
                                         "add people to it, or, to look around, create a demo: a sports "
                                         "club with doors, access rules and 500 made-up people."));
    }
  else
    {
      g_autofree char *name = g_markup_escape_text (lanyard_facility_get_name (self->facility), -1);

      adw_status_page_set_title (self->empty_status_page, _("No People Yet"));
      /* Translators: %s is the name of a facility */
      description = g_strdup_printf (_("Nobody has been added to %s yet. Add the first person, import "
                                       "people from a spreadsheet, or, to look around, create a demo "
                                       "facility next to it: a sports club with doors, access rules and "
                                       "500 made-up people."),
                                     name);
      adw_status_page_set_description (self->empty_status_page, description);
    }

  lanyard_ui_stack_show (self->stack, "empty");
}

static void
lanyard_people_section_show_error (LanyardPeopleSection *self,
                                   const GError         *error)
{
  g_autofree char *description = g_markup_escape_text (error->message, -1);

  /* The window's banner says the server is away; this page says what could not be read. */
  lanyard_ui_report_store_error (GTK_WIDGET (self), error);

  adw_status_page_set_description (self->error_status_page, description);
  lanyard_ui_stack_show (self->stack, "error");
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
      lanyard_ui_stack_show (self->stack, "people");
      lanyard_people_section_requery (self);
    }

  lanyard_people_section_update_busy (self);
}

/* Reads the tile counts (the list follows them) and marks the filter values as stale. */
static void
lanyard_people_section_read_counts (LanyardPeopleSection *self)
{
  g_cancellable_cancel (self->counts_cancellable);
  g_clear_object (&self->counts_cancellable);

  lanyard_people_section_load_facets (self);

  self->counts_loading = TRUE;
  self->counts_cancellable = g_cancellable_new ();
  lanyard_store_count_people_async (self->store,
                                    lanyard_facility_get_id (self->facility),
                                    self->counts_cancellable,
                                    on_counts_read_cb,
                                    g_object_ref (self));
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
    lanyard_ui_stack_show (self->stack, "loading");
  else if (self->facility == NULL)
    lanyard_people_section_show_empty (self);
  else
    {
      /* Keep the last view while the counts are read again, unless there is none. */
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "people") != 0)
        lanyard_ui_stack_show (self->stack, "loading");

      lanyard_people_section_read_counts (self);
      /* The first page need not wait for the counts: both are read at once, which on launch
       * saves a round trip to the store's thread. When the counts arrive the query is the same. */
      lanyard_people_section_requery_full (self, TRUE);
    }

  lanyard_people_section_update_busy (self);
}

static void
lanyard_people_section_toast (LanyardPeopleSection *self,
                              const char           *title)
{
  lanyard_ui_toast (GTK_WIDGET (self), title);
}

/*
 * After a change: reads the counts and the filter values again, and with
 * @relist the list too, keeping what is shown (and where) until the new
 * answers are in.
 */
static void
lanyard_people_section_refresh (LanyardPeopleSection *self,
                                gboolean              relist)
{
  if (self->store == NULL || self->facility == NULL)
    return;

  if (relist)
    {
      self->relist = TRUE;
      self->keep_scroll = TRUE;
    }

  lanyard_people_section_read_counts (self);
  lanyard_people_section_update_busy (self);
}

/* Person pane */

static void on_person_pane_person_saved_cb (LanyardPeopleSection *self,
                                            LanyardPerson        *person,
                                            LanyardPersonPane    *pane);
static void on_person_pane_person_deleted_cb (LanyardPeopleSection *self,
                                              gint64                person_id,
                                              LanyardPersonPane    *pane);
static void on_person_pane_open_person_cb (LanyardPeopleSection *self,
                                           gint64                person_id,
                                           LanyardPersonPane    *pane);
static void on_person_pane_close_requested_cb (LanyardPeopleSection *self,
                                               LanyardPersonPane    *pane);

/*
 * The pane is the largest part of the window and launching does not show
 * it, so it is built when the first person is opened (about 45 ms of the
 * window's 90 ms on the benchmark machine; docs/performance.md).
 */
static LanyardPersonPane *
lanyard_people_section_ensure_pane (LanyardPeopleSection *self)
{
  if (self->person_pane != NULL)
    return self->person_pane;

  self->person_pane = g_object_new (LANYARD_TYPE_PERSON_PANE, NULL);
  g_signal_connect_object (self->person_pane, "person-saved",
                           G_CALLBACK (on_person_pane_person_saved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->person_pane, "person-deleted",
                           G_CALLBACK (on_person_pane_person_deleted_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->person_pane, "open-person",
                           G_CALLBACK (on_person_pane_open_person_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->person_pane, "close-requested",
                           G_CALLBACK (on_person_pane_close_requested_cb), self, G_CONNECT_SWAPPED);
  lanyard_person_pane_set_store (self->person_pane, self->store);
  lanyard_person_pane_set_facility (self->person_pane, self->facility);
  adw_bin_set_child (self->pane_host, GTK_WIDGET (self->person_pane));

  return self->person_pane;
}

/* The person the pane shows, if any. */
static LanyardPerson *
lanyard_people_section_get_shown_person (LanyardPeopleSection *self)
{
  if (self->person_pane == NULL)
    return NULL;

  return lanyard_person_pane_get_person (self->person_pane);
}

static gboolean
on_flap_tick_cb (GtkWidget     *flap,
                 GdkFrameClock *frame_clock,
                 gpointer       user_data)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (user_data);

  if (gtk_widget_get_mapped (flap) && gtk_widget_get_width (flap) == 0)
    return G_SOURCE_CONTINUE;

  self->reveal_tick = 0;
  if (lanyard_people_section_get_shown_person (self) != NULL)
    adw_flap_set_reveal_flap (self->flap, TRUE);

  return G_SOURCE_REMOVE;
}

/*
 * AdwFlap (libadwaita 1.2) starts its reveal at the speed 0 divided by the
 * width it last laid the flap out at: on a flap shown but not laid out
 * yet (the People page just switched to), that is NaN, and the first frame
 * of the animation allocates the list with a width of INT_MIN. Such a flap
 * is revealed on the first frame after it has been laid out.
 */
static void
lanyard_people_section_reveal_pane (LanyardPeopleSection *self)
{
  GtkWidget *flap = GTK_WIDGET (self->flap);

  if (self->reveal_tick != 0)
    return;

  if (gtk_widget_get_mapped (flap) && gtk_widget_get_width (flap) == 0)
    {
      self->reveal_tick = gtk_widget_add_tick_callback (flap, on_flap_tick_cb, self, NULL);
      return;
    }

  adw_flap_set_reveal_flap (self->flap, TRUE);
}

static void
lanyard_people_section_close_pane (LanyardPeopleSection *self)
{
  if (self->reveal_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->flap), self->reveal_tick);
  self->reveal_tick = 0;
  adw_flap_set_reveal_flap (self->flap, FALSE);
  if (self->person_pane != NULL)
    lanyard_person_pane_set_person (self->person_pane, NULL);

  if (gtk_single_selection_get_selected (self->selection) != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

static void
lanyard_people_section_open_pane (LanyardPeopleSection *self,
                                  LanyardPerson        *person)
{
  lanyard_person_pane_set_person (lanyard_people_section_ensure_pane (self), person);
  lanyard_people_section_reveal_pane (self);
}

typedef struct {
  LanyardPeopleSection *self;
  LanyardPerson        *person;   /* NULL: close the pane */
  guint                 position; /* the row to select, or GTK_INVALID_LIST_POSITION */
} PaneSwitch;

static void
pane_switch_free (PaneSwitch *change)
{
  g_clear_object (&change->self);
  g_clear_object (&change->person);
  g_free (change);
}

static void
pane_switch_apply (PaneSwitch *change)
{
  LanyardPeopleSection *self = change->self;

  if (change->person == NULL)
    {
      lanyard_people_section_close_pane (self);
      return;
    }

  lanyard_people_section_open_pane (self, change->person);
  if (change->position != GTK_INVALID_LIST_POSITION &&
      gtk_single_selection_get_selected (self->selection) != change->position)
    gtk_single_selection_set_selected (self->selection, change->position);
}

/* Puts the row of the pane's person back as the selected one (or none). */
static void
lanyard_people_section_sync_selection_to_pane (LanyardPeopleSection *self)
{
  LanyardPerson *shown = lanyard_people_section_get_shown_person (self);
  guint position = GTK_INVALID_LIST_POSITION;

  if (shown != NULL)
    position = lanyard_people_model_find_person (self->model, lanyard_person_get_id (shown));

  if (position == G_MAXUINT)
    position = GTK_INVALID_LIST_POSITION;

  if (gtk_single_selection_get_selected (self->selection) != position)
    gtk_single_selection_set_selected (self->selection, position);
}

/* The dialog owns @change, freed with the signal handler. */
static void
on_discard_dialog_response_cb (AdwMessageDialog *dialog,
                               const char       *response,
                               gpointer          user_data)
{
  PaneSwitch *change = user_data;

  g_signal_handlers_disconnect_by_func (dialog, on_discard_dialog_response_cb, user_data);

  if (g_strcmp0 (response, "discard") == 0)
    pane_switch_apply (change);
  else
    lanyard_people_section_sync_selection_to_pane (change->self);
}

/*
 * Shows @person in the pane (NULL closes it), selecting the row at
 * @position. Text typed in the pane that could not be stored is not
 * dropped without asking.
 */
static void
lanyard_people_section_switch_pane (LanyardPeopleSection *self,
                                    LanyardPerson        *person,
                                    guint                 position)
{
  LanyardPerson *shown = lanyard_people_section_get_shown_person (self);
  PaneSwitch *change;
  AdwMessageDialog *dialog;
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;

  if (shown != NULL && person != NULL && lanyard_person_get_id (shown) == lanyard_person_get_id (person))
    {
      lanyard_people_section_reveal_pane (self);
      return;
    }

  change = g_new0 (PaneSwitch, 1);
  change->self = g_object_ref (self);
  /* A copy: the list's object for a row takes another person's values when the list changes. */
  change->person = person != NULL ? lanyard_person_copy (person) : NULL;
  change->position = position;

  if (shown == NULL || !lanyard_person_pane_get_has_unsaved_changes (self->person_pane))
    {
      pane_switch_apply (change);
      pane_switch_free (change);
      return;
    }

  name = lanyard_person_dup_display_name (shown);
  /* Translators: %s is a person's name */
  body = g_strdup_printf (_("Some of what you typed for %s has not been saved, because it is not valid yet."), name);
  dialog = lanyard_ui_confirm_dialog_new (GTK_WIDGET (self), _("Discard Unsaved Changes?"), body,
                                          _("_Keep Editing"), "discard", _("_Discard"));
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_discard_dialog_response_cb), change,
                         (GClosureNotify)(void (*) (void))pane_switch_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_person_read_for_pane_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(LanyardPeopleSection) self = user_data;
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  person = lanyard_store_get_person_finish (LANYARD_STORE (object), result, &error);
  if (person == NULL)
    {
      lanyard_people_section_toast_error (self, error);
      return;
    }

  lanyard_people_section_switch_pane (self, person, GTK_INVALID_LIST_POSITION);
}

/* Opens a person by id: their row when it is in the list, else just the pane. */
static void
lanyard_people_section_open_person_id (LanyardPeopleSection *self,
                                       gint64                person_id)
{
  guint position = lanyard_people_model_find_person (self->model, person_id);

  if (position != G_MAXUINT)
    {
      g_autoptr(LanyardPerson) person = g_list_model_get_item (G_LIST_MODEL (self->model), position);

      lanyard_people_section_switch_pane (self, person, position);
      gtk_widget_activate_action (GTK_WIDGET (self->people_view), "list.scroll-to-item", "u", position);
      return;
    }

  lanyard_store_get_person_async (self->store, person_id, NULL, on_person_read_for_pane_cb, g_object_ref (self));
}

/* Selection mode */

static void
lanyard_people_section_update_marked (LanyardPeopleSection *self)
{
  guint n = g_hash_table_size (self->marked);
  g_autofree char *text = NULL;

  if (n == 0)
    text = g_strdup (_("Select people to change them together"));
  else
    /* Translators: how many people are ticked in selection mode */
    text = g_strdup_printf (ngettext ("%u person selected", "%u people selected", n), n);

  gtk_label_set_label (self->marked_label, text);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.enable-marked", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.disable-marked", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.delete-marked", n > 0);
}

static void
on_row_marked_changed_cb (LanyardPeopleSection *self,
                          GParamSpec           *pspec,
                          LanyardPersonRow     *row)
{
  LanyardPerson *person = lanyard_person_row_get_person (row);
  gint64 id;

  if (person == NULL || (id = lanyard_person_get_id (person)) == LANYARD_NO_ID)
    return;

  if (lanyard_person_row_get_marked (row))
    g_hash_table_insert (self->marked, g_memdup2 (&id, sizeof id), lanyard_person_dup_display_name (person));
  else
    g_hash_table_remove (self->marked, &id);

  lanyard_people_section_update_marked (self);
}

static void
lanyard_people_section_sync_row (LanyardPeopleSection *self,
                                 LanyardPersonRow     *row)
{
  LanyardPerson *person = lanyard_person_row_get_person (row);
  gint64 id = person != NULL ? lanyard_person_get_id (person) : LANYARD_NO_ID;

  g_signal_handlers_block_by_func (row, on_row_marked_changed_cb, self);
  lanyard_person_row_set_selection_mode (row, self->selection_mode);
  lanyard_person_row_set_marked (row, self->selection_mode && id != LANYARD_NO_ID &&
                                      g_hash_table_contains (self->marked, &id));
  g_signal_handlers_unblock_by_func (row, on_row_marked_changed_cb, self);
}

static void
lanyard_people_section_sync_rows (LanyardPeopleSection *self)
{
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    lanyard_people_section_sync_row (self, row);
}

/* Rows go when GTK drops them, which is not always through teardown. */
static void
on_row_finalized_cb (gpointer  user_data,
                     GObject  *row)
{
  LanyardPeopleSection *self = user_data;

  g_hash_table_remove (self->rows, row);
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     LanyardPeopleSection     *self)
{
  GtkWidget *row = g_object_new (LANYARD_TYPE_PERSON_ROW, NULL);

  g_signal_connect_object (row, "notify::marked", G_CALLBACK (on_row_marked_changed_cb), self, G_CONNECT_SWAPPED);
  lanyard_person_row_set_marks (LANYARD_PERSON_ROW (row), self->marked);
  g_hash_table_add (self->rows, row);
  g_object_weak_ref (G_OBJECT (row), on_row_finalized_cb, self);
  gtk_list_item_set_child (item, row);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    LanyardPeopleSection     *self)
{
  LanyardPersonRow *row = LANYARD_PERSON_ROW (gtk_list_item_get_child (item));

  lanyard_person_row_set_person (row, gtk_list_item_get_item (item));
  lanyard_people_section_sync_row (self, row);
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      LanyardPeopleSection     *self)
{
  lanyard_person_row_set_person (LANYARD_PERSON_ROW (gtk_list_item_get_child (item)), NULL);
}

/* The ids ticked, for the store's bulk calls. */
static GArray *
lanyard_people_section_dup_marked_ids (LanyardPeopleSection *self)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), g_hash_table_size (self->marked));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->marked);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (ids, *(gint64 *)key);

  return ids;
}

typedef struct {
  LanyardPeopleSection *self;
  GArray               *ids;
  char                 *name;      /* the one person's name, when there is one */
  gboolean              enabled;
} BulkChange;

static void
bulk_change_free (BulkChange *change)
{
  g_clear_object (&change->self);
  g_clear_pointer (&change->ids, g_array_unref);
  g_free (change->name);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulkChange, bulk_change_free)

static BulkChange *
bulk_change_new (LanyardPeopleSection *self,
                 GArray               *ids,
                 const char           *name)
{
  BulkChange *change = g_new0 (BulkChange, 1);

  change->self = g_object_ref (self);
  change->ids = g_array_ref (ids);
  change->name = g_strdup (name);

  return change;
}

static void
on_access_set_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BulkChange) change = user_data;
  LanyardPeopleSection *self = change->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  guint n;

  n = lanyard_store_set_access_enabled_finish (LANYARD_STORE (object), result, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        lanyard_people_section_toast_error (self, error);
      return;
    }

  if (change->enabled)
    /* Translators: a toast after access was switched on for the selected people */
    title = g_strdup_printf (ngettext ("Access enabled for %u person", "Access enabled for %u people",
                                       change->ids->len),
                             change->ids->len);
  else
    /* Translators: a toast after access was switched off for the selected people */
    title = g_strdup_printf (ngettext ("Access disabled for %u person", "Access disabled for %u people",
                                       change->ids->len),
                             change->ids->len);
  (void)n;
  lanyard_people_section_toast (self, title);

  /* The pane's person may be among them. */
  if (lanyard_people_section_get_shown_person (self) != NULL)
    {
      g_autoptr(LanyardPerson) shown = g_object_ref (lanyard_person_pane_get_person (self->person_pane));

      lanyard_person_pane_set_person (self->person_pane, NULL);
      lanyard_person_pane_set_person (self->person_pane, shown);
    }

  lanyard_people_section_refresh (self, TRUE);
}

static void
lanyard_people_section_set_marked_access (LanyardPeopleSection *self,
                                          gboolean              enabled)
{
  g_autoptr(GArray) ids = lanyard_people_section_dup_marked_ids (self);
  BulkChange *change;

  if (ids->len == 0 || self->store == NULL)
    return;

  change = bulk_change_new (self, ids, NULL);
  change->enabled = enabled;
  lanyard_store_set_access_enabled_async (self->store, (const gint64 *)(gpointer)ids->data, ids->len, enabled,
                                          self->bulk_cancellable, on_access_set_cb, change);
}

static void
on_people_deleted_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(BulkChange) change = user_data;
  LanyardPeopleSection *self = change->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  LanyardPerson *shown;

  lanyard_store_delete_people_finish (LANYARD_STORE (object), result, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        lanyard_people_section_toast_error (self, error);
      return;
    }

  shown = lanyard_people_section_get_shown_person (self);
  for (guint i = 0; i < change->ids->len; i++)
    {
      gint64 id = g_array_index (change->ids, gint64, i);

      g_hash_table_remove (self->marked, &id);
      if (shown != NULL && lanyard_person_get_id (shown) == id)
        {
          lanyard_people_section_close_pane (self);
          shown = NULL;
        }
      /* A few rows go at once; many are read again below. */
      if (change->ids->len <= 100)
        lanyard_people_model_remove_person (self->model, id);
    }
  lanyard_people_section_update_marked (self);

  if (change->name != NULL)
    /* Translators: a toast after a person was deleted; %s is their name */
    title = g_strdup_printf (_("%s deleted"), change->name);
  else
    /* Translators: a toast after people were deleted */
    title = g_strdup_printf (ngettext ("%u person deleted", "%u people deleted", change->ids->len),
                             change->ids->len);
  lanyard_people_section_toast (self, title);

  lanyard_people_section_refresh (self, change->ids->len > 100);
}

/* The dialog owns @change (freed with the signal handler); the deletion gets its own. */
static void
on_delete_dialog_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              gpointer          user_data)
{
  BulkChange *change = user_data;
  LanyardPeopleSection *self = change->self;

  g_signal_handlers_disconnect_by_func (dialog, on_delete_dialog_response_cb, user_data);

  if (g_strcmp0 (response, "delete") != 0 || self->store == NULL)
    return;

  lanyard_store_delete_people_async (self->store, (const gint64 *)(gpointer)change->ids->data, change->ids->len,
                                     self->bulk_cancellable, on_people_deleted_cb,
                                     bulk_change_new (self, change->ids, change->name));
}

/* Asks before deleting @ids; @name is the person's when there is one. */
static void
lanyard_people_section_confirm_delete (LanyardPeopleSection *self,
                                       GArray               *ids,
                                       const char           *name)
{
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (ids->len == 0)
    return;

  if (ids->len == 1 && name != NULL)
    /* Translators: %s is a person's name */
    heading = g_strdup_printf (_("Delete %s?"), name);
  else
    heading = g_strdup_printf (ngettext ("Delete %u Person?", "Delete %u People?", ids->len), ids->len);

  dialog = lanyard_ui_confirm_dialog_new (GTK_WIDGET (self), heading,
                                          ngettext ("No door will open for them any more and they leave the list. "
                                                    "The audit log keeps a record of them.",
                                                    "No door will open for them any more and they leave the list. "
                                                    "The audit log keeps a record of each of them.",
                                                    ids->len),
                                          NULL, "delete", _("_Delete"));
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_dialog_response_cb),
                         bulk_change_new (self, ids, ids->len == 1 ? name : NULL),
                         (GClosureNotify)(void (*) (void))bulk_change_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Add person */

static void
on_add_person_dialog_person_added_cb (LanyardPeopleSection *self,
                                      LanyardPerson        *person,
                                      LanyardAddPersonDialog *dialog)
{
  g_autofree char *name = lanyard_person_dup_display_name (person);
  g_autofree char *title = NULL;

  /* Translators: a toast after a person was added; %s is their name */
  title = g_strdup_printf (_("%s added"), name);
  lanyard_people_section_toast (self, title);

  /* The first person of a facility turns the empty page into the list. */
  lanyard_people_section_refresh (self, TRUE);
  lanyard_people_section_switch_pane (self, person, GTK_INVALID_LIST_POSITION);
}

static void
on_add_person_dialog_open_person_cb (LanyardPeopleSection   *self,
                                     gint64                  person_id,
                                     LanyardAddPersonDialog *dialog)
{
  lanyard_people_section_open_person_id (self, person_id);
}


/* New facility */

typedef struct {
  LanyardPeopleSection *self;
  GtkEditable          *name;
  GtkEditable          *timezone;
} FacilityForm;

static void
facility_form_free (FacilityForm *form)
{
  g_clear_object (&form->self);
  g_free (form);
}

static void lanyard_people_section_ask_new_facility (LanyardPeopleSection *self,
                                                     const char           *name,
                                                     const char           *timezone);

static void
on_facility_saved_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  LanyardFacility *typed = user_data;
  g_autoptr(LanyardPeopleSection) self = g_object_steal_data (G_OBJECT (typed), "section");
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  facility = lanyard_store_save_facility_finish (LANYARD_STORE (object), result, &error);
  if (facility == NULL)
    {
      /* Say why, and ask again with what was typed. */
      lanyard_people_section_toast_error (self, error);
      lanyard_people_section_ask_new_facility (self, lanyard_facility_get_name (typed),
                                               lanyard_facility_get_timezone (typed));
      g_object_unref (typed);
      return;
    }

  g_object_unref (typed);
  /* Translators: a toast after a facility was created; %s is its name */
  title = g_strdup_printf (_("%s created"), lanyard_facility_get_name (facility));
  lanyard_people_section_toast (self, title);
  lanyard_people_section_set_facility (self, facility);
}

static void
on_new_facility_dialog_response_cb (AdwMessageDialog *dialog,
                                    const char       *response,
                                    gpointer          user_data)
{
  FacilityForm *form = user_data;
  LanyardFacility *facility;

  g_signal_handlers_disconnect_by_func (dialog, on_new_facility_dialog_response_cb, user_data);

  if (g_strcmp0 (response, "create") != 0 || form->self->store == NULL)
    return;

  facility = lanyard_facility_new ();
  lanyard_facility_set_name (facility, gtk_editable_get_text (form->name));
  lanyard_facility_set_timezone (facility, gtk_editable_get_text (form->timezone));
  g_object_set_data_full (G_OBJECT (facility), "section", g_object_ref (form->self), g_object_unref);
  lanyard_store_save_facility_async (form->self->store, facility, NULL, on_facility_saved_cb, facility);
}

/* The time zone of this computer, as an IANA name, when it has one. */
static char *
dup_local_timezone (void)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  const char *identifier = g_time_zone_get_identifier (local);

  /* GLib may answer with a file name (/etc/localtime); then nothing useful is known. */
  if (identifier == NULL || identifier[0] == '/' || identifier[0] == ':')
    return g_strdup ("UTC");

  return g_strdup (identifier);
}

static void
lanyard_people_section_ask_new_facility (LanyardPeopleSection *self,
                                         const char           *name,
                                         const char           *timezone)
{
  g_autofree char *local = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *list;
  GtkWidget *name_row;
  GtkWidget *timezone_row;
  FacilityForm *form;

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name_row), _("Name"));
  gtk_editable_set_text (GTK_EDITABLE (name_row), name != NULL ? name : "");
  gtk_list_box_append (GTK_LIST_BOX (list), name_row);

  timezone_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (timezone_row), _("Time Zone"));
  if (timezone == NULL)
    timezone = local = dup_local_timezone ();
  gtk_editable_set_text (GTK_EDITABLE (timezone_row), timezone);
  gtk_list_box_append (GTK_LIST_BOX (list), timezone_row);

  dialog = lanyard_ui_confirm_dialog_new (GTK_WIDGET (self), _("New Facility"),
                                          _("People, doors and access rules belong to a facility. Opening "
                                            "hours are read in its time zone, a name like Europe/Berlin."),
                                          NULL, "create", _("C_reate"));
  /* Creating is not destructive: the suggested answer. */
  adw_message_dialog_set_response_appearance (dialog, "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "create");
  adw_message_dialog_set_extra_child (dialog, list);

  form = g_new0 (FacilityForm, 1);
  form->self = g_object_ref (self);
  form->name = GTK_EDITABLE (name_row);
  form->timezone = GTK_EDITABLE (timezone_row);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_new_facility_dialog_response_cb), form,
                         (GClosureNotify)(void (*) (void))facility_form_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (name_row);
}

/* Callbacks */

static void
on_tile_toggled_cb (GtkToggleButton      *tile,
                    LanyardPeopleSection *self)
{
  /* The tiles are a group: only the one switched on says what to show. */
  if (self->syncing_tiles || !gtk_toggle_button_get_active (tile))
    return;

  if (tile == self->has_access_tile)
    self->filters->access = LANYARD_ACCESS_FILTER_HAS_ACCESS;
  else if (tile == self->no_access_tile)
    self->filters->access = LANYARD_ACCESS_FILTER_NO_ACCESS;
  else
    self->filters->access = LANYARD_ACCESS_FILTER_ANY;

  /* A tile counts the whole facility, so it also shows every source. */
  self->filters->source = LANYARD_SOURCE_FILTER_ANY;

  lanyard_people_section_filters_changed (self);
}

static void
on_descending_button_toggled_cb (LanyardPeopleSection *self,
                                 GtkToggleButton      *button)
{
  gboolean descending = gtk_toggle_button_get_active (button);

  if (self->filters->descending == descending)
    return;

  self->filters->descending = descending;
  lanyard_people_section_filters_changed (self);
}

static void
on_search_entry_search_changed_cb (LanyardPeopleSection *self,
                                   GtkSearchEntry       *entry)
{
  /* Every key searches (search-delay is 0); the model drops the query before. */
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
  /* A new query's rows are in: show them from the top (a list read again after a change stays put). */
  if (!lanyard_people_model_get_loading (model))
    {
      /* The rows now show other people: the selection follows the pane's person, not the position. */
      lanyard_people_section_sync_selection_to_pane (self);

      /* Through the view's anchor: the adjustment's pixels are stale until it lays out the new rows. */
      if (!self->keep_scroll && g_list_model_get_n_items (G_LIST_MODEL (model)) > 0)
        gtk_widget_activate_action (GTK_WIDGET (self->people_view), "list.scroll-to-item", "u", 0);
      self->keep_scroll = FALSE;
    }

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


static void
on_selection_selected_item_changed_cb (LanyardPeopleSection *self,
                                       GParamSpec           *pspec,
                                       GtkSingleSelection   *selection)
{
  LanyardPerson *person = gtk_single_selection_get_selected_item (selection);
  guint position = gtk_single_selection_get_selected (selection);

  /* A row whose page is still on its way has nobody to show yet. */
  if (person == NULL || lanyard_person_get_id (person) == LANYARD_NO_ID)
    {
      /* The list let go of the row (a new query): the pane stays with its person. */
      return;
    }

  lanyard_people_section_switch_pane (self, person, position);
}

static void
on_people_view_activate_cb (LanyardPeopleSection *self,
                            guint                 position,
                            GtkGridView          *people_view)
{
  g_autoptr(LanyardPerson) person = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  GHashTableIter iter;
  gpointer row;

  if (person == NULL || lanyard_person_get_id (person) == LANYARD_NO_ID)
    return;

  if (!self->selection_mode)
    {
      lanyard_people_section_switch_pane (self, person, position);
      return;
    }

  /* Enter on a row in selection mode ticks or unticks it. */
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    if (lanyard_person_row_get_person (row) == person)
      lanyard_person_row_set_marked (row, !lanyard_person_row_get_marked (row));
}

static void
on_flap_reveal_changed_cb (LanyardPeopleSection *self,
                           GParamSpec           *pspec,
                           AdwFlap              *flap)
{
  /* Closed by a click beside it or a swipe, when folded. */
  if (!adw_flap_get_reveal_flap (flap) && lanyard_people_section_get_shown_person (self) != NULL)
    lanyard_people_section_switch_pane (self, NULL, GTK_INVALID_LIST_POSITION);
}

static void
on_person_pane_person_saved_cb (LanyardPeopleSection *self,
                                LanyardPerson        *person,
                                LanyardPersonPane    *pane)
{
  lanyard_people_model_update_person (self->model, person);
  /* Access, type or status may have moved them between tiles and filter values. */
  lanyard_people_section_refresh (self, FALSE);
}

static void
on_person_pane_person_deleted_cb (LanyardPeopleSection *self,
                                  gint64                person_id,
                                  LanyardPersonPane    *pane)
{
  LanyardPerson *shown = lanyard_person_pane_get_person (pane);
  g_autofree char *name = shown != NULL ? lanyard_person_dup_display_name (shown) : NULL;
  g_autofree char *title = NULL;

  g_hash_table_remove (self->marked, &person_id);
  lanyard_people_section_update_marked (self);
  lanyard_people_section_close_pane (self);
  lanyard_people_model_remove_person (self->model, person_id);

  if (name != NULL)
    {
      title = g_strdup_printf (_("%s deleted"), name);
      lanyard_people_section_toast (self, title);
    }

  lanyard_people_section_refresh (self, FALSE);
}

static void
on_person_pane_open_person_cb (LanyardPeopleSection *self,
                               gint64                person_id,
                               LanyardPersonPane    *pane)
{
  lanyard_people_section_open_person_id (self, person_id);
}

static void
on_person_pane_close_requested_cb (LanyardPeopleSection *self,
                                   LanyardPersonPane    *pane)
{
  lanyard_people_section_switch_pane (self, NULL, GTK_INVALID_LIST_POSITION);
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

static void
set_filter_string (char     **field,
                   GVariant  *param)
{
  const char *value = g_variant_get_string (param, NULL);

  g_free (*field);
  *field = *value != '\0' ? g_strdup (value) : NULL;
}

/* A row of a chip's popover was chosen. */
static void
people_set_chip_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (widget);
  LanyardPeopleQuery *filters = self->filters;
  Chip chip;

  for (chip = 0; chip < N_CHIPS; chip++)
    if (g_str_equal (chip_info[chip].action, action_name))
      break;
  g_assert (chip < N_CHIPS);

  /* Only values the chip offers. */
  if (chip_info[chip].choices != NULL && chip_choice_label (chip, g_variant_get_int32 (param)) == NULL)
    return;

  switch (chip)
    {
    case CHIP_SOURCE:
      filters->source = g_variant_get_int32 (param);
      break;
    case CHIP_ACCESS:
      filters->access = g_variant_get_int32 (param);
      break;
    case CHIP_MEMBERSHIP_STATUS:
      set_filter_string (&filters->membership_status, param);
      break;
    case CHIP_PERSON_TYPE:
      set_filter_string (&filters->person_type, param);
      break;
    case CHIP_TAG:
      set_filter_string (&filters->tag, param);
      break;
    case CHIP_INVITATION:
      filters->invitation = g_variant_get_int32 (param);
      break;
    case CHIP_ADOPTION:
      filters->adoption = g_variant_get_int32 (param);
      break;
    case CHIP_SORT:
      filters->sort = g_variant_get_int32 (param);
      break;
    case N_CHIPS:
    default:
      g_assert_not_reached ();
    }

  gtk_menu_button_popdown (self->chips[chip].button);
  lanyard_people_section_filters_changed (self);
}

static void
people_clear_filters_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (widget);

  /* Keeps the sort. */
  lanyard_people_query_clear_filters (self->filters);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  lanyard_people_section_filters_changed (self);
}

static void
people_new_facility_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  lanyard_people_section_new_facility (LANYARD_PEOPLE_SECTION (widget));
}


/* Export */

static void
lanyard_people_section_update_export (LanyardPeopleSection *self,
                                      guint64               done)
{
  g_autofree char *text = NULL;

  if (self->export_total > 0)
    {
      g_autofree char *n = g_strdup_printf ("%'" G_GUINT64_FORMAT, done);
      g_autofree char *total = g_strdup_printf ("%'" G_GUINT64_FORMAT, self->export_total);

      /* Translators: export progress; the first %s is a count so far, the second the total */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exporting %s of %s person…", "Exporting %s of %s people…",
                                           self->export_total),
                              n, total);
      gtk_progress_bar_set_fraction (self->export_progress, MIN (1.0, (double)done / self->export_total));
    }
  else
    {
      g_autofree char *n = g_strdup_printf ("%'" G_GUINT64_FORMAT, done);

      /* Translators: export progress; %s is a count so far */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exporting… %s person so far", "Exporting… %s people so far",
                                           done),
                              n);
      gtk_progress_bar_pulse (self->export_progress);
    }

  gtk_label_set_label (self->export_label, text);
}

static void
on_export_progress_cb (guint    done,
                       guint    total,
                       gpointer user_data)
{
  LanyardPeopleSection *self = user_data;

  /* The section outlives the export: dispose cancels it, and progress queued before that is dropped. */
  if (self->export_cancellable == NULL || g_cancellable_is_cancelled (self->export_cancellable))
    return;

  lanyard_people_section_update_export (self, done);
}

static void
on_export_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LanyardPeopleSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *name = g_steal_pointer (&self->export_name);
  guint64 n = 0;

  lanyard_export_people_to_file_finish (result, &n, &error);

  g_clear_object (&self->export_cancellable);

  /* The window went (unroot cancelled the export): nothing left to tell. */
  if (self->export_bar == NULL || gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;

  g_clear_pointer (&self->export_name, g_free);
  gtk_action_bar_set_revealed (self->export_bar, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.export", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.cancel-export", FALSE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    title = g_strdup (_("Export cancelled; no file was written"));
  else if (error != NULL)
    /* Translators: %s says why an export failed */
    title = g_strdup_printf (_("Could not export: %s"), error->message);
  else
    {
      g_autofree char *count = g_strdup_printf ("%'" G_GUINT64_FORMAT, n);

      /* Translators: the first %s is a number of people, the second a file name */
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %s person to %s", "Exported %s people to %s", n),
                               count, name);
    }

  lanyard_people_section_toast (self, title);
}

void
lanyard_people_section_export_to (LanyardPeopleSection *self,
                                  GFile                *file)
{
  g_autoptr(LanyardPeopleQuery) query = NULL;

  g_return_if_fail (LANYARD_IS_PEOPLE_SECTION (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->store == NULL || self->facility == NULL || self->export_cancellable != NULL)
    return;

  /* The list as shown: the search too, which the filters do not hold. */
  query = lanyard_people_section_build_query (self);

  g_free (self->export_name);
  self->export_name = g_file_get_basename (file);
  /* The total is known when nothing narrows the list, or when the whole of it is loaded. */
  if (!lanyard_people_query_is_filtered (query))
    self->export_total = self->counts.all;
  else if (self->model != NULL && lanyard_people_model_get_complete (self->model))
    self->export_total = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  else
    self->export_total = 0;

  self->export_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->export_progress, 0.0);
  lanyard_people_section_update_export (self, 0);
  gtk_action_bar_set_revealed (self->export_bar, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.export", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.cancel-export", TRUE);

  lanyard_export_people_to_file_async (self->store, query, file, on_export_progress_cb, self,
                                       self->export_cancellable, on_export_done_cb, g_object_ref (self));
}

static void
on_export_chooser_response_cb (GtkNativeDialog      *chooser,
                               int                   response,
                               LanyardPeopleSection *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (file != NULL)
        lanyard_people_section_export_to (self, file);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
people_export_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_section_build_query (self);
  g_autofree char *name = NULL;

  if (self->store == NULL || self->facility == NULL || self->export_cancellable != NULL)
    return;

  chooser = gtk_file_chooser_native_new (lanyard_people_query_is_filtered (query)
                                         ? _("Export the Filtered List") : _("Export People"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  gtk_file_filter_set_name (csv, _("CSV Files"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);

  /* Translators: the suggested file name of an export; %s is the facility's name */
  name = g_strdup_printf (_("%s people.csv"), lanyard_facility_get_name (self->facility));
  g_strdelimit (name, "/\\", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
people_cancel_export_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (widget);

  g_cancellable_cancel (self->export_cancellable);
}

/* Import */

static void
on_import_dialog_people_imported_cb (LanyardPeopleSection *self,
                                     LanyardImportResult  *result,
                                     LanyardImportDialog  *dialog)
{
  guint n = lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_IMPORT);
  g_autofree char *title = NULL;

  /* Said here too: an import stopped too late ends with the dialog gone. */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person imported", "%u people imported", n), n);
  lanyard_people_section_toast (self, title);

  /* The empty page turns into the list, the counts and the filter values change. */
  lanyard_people_section_refresh (self, TRUE);
}

static void
people_import_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (widget);
  LanyardImportDialog *dialog;

  if (self->store == NULL || self->facility == NULL)
    return;

  dialog = lanyard_import_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store, self->facility);
  g_signal_connect_object (dialog, "people-imported",
                           G_CALLBACK (on_import_dialog_people_imported_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
people_add_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  lanyard_people_section_add_person (LANYARD_PEOPLE_SECTION (widget));
}

static void
people_enable_marked_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  lanyard_people_section_set_marked_access (LANYARD_PEOPLE_SECTION (widget), TRUE);
}

static void
people_disable_marked_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  lanyard_people_section_set_marked_access (LANYARD_PEOPLE_SECTION (widget), FALSE);
}

static void
people_delete_marked_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (widget);
  g_autoptr(GArray) ids = lanyard_people_section_dup_marked_ids (self);
  const char *name = NULL;

  if (ids->len == 1)
    name = g_hash_table_lookup (self->marked, &g_array_index (ids, gint64, 0));

  lanyard_people_section_confirm_delete (self, ids, name);
}

/* The Delete key: the people ticked, or else the person in the pane. */
static void
people_delete_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (widget);
  LanyardPerson *shown = lanyard_people_section_get_shown_person (self);

  if (self->selection_mode && g_hash_table_size (self->marked) > 0)
    people_delete_marked_action (widget, action_name, param);
  else if (shown != NULL && lanyard_person_get_id (shown) != LANYARD_NO_ID)
    lanyard_person_pane_ask_delete (self->person_pane);
}

/* Escape: closes the pane, else leaves selection mode. */
static void
people_escape_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (widget);

  /* Open, or about to be (see lanyard_people_section_reveal_pane()). */
  if (adw_flap_get_reveal_flap (self->flap) || self->reveal_tick != 0)
    lanyard_people_section_switch_pane (self, NULL, GTK_INVALID_LIST_POSITION);
  else if (self->selection_mode)
    lanyard_people_section_set_selection_mode (self, FALSE);
}

/* GObject */

/* An export does not outlive the window: its worker holds the section until it ends. */
static void
lanyard_people_section_unroot (GtkWidget *widget)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (widget);

  g_cancellable_cancel (self->export_cancellable);

  GTK_WIDGET_CLASS (lanyard_people_section_parent_class)->unroot (widget);
}

static void
lanyard_people_section_dispose (GObject *object)
{
  LanyardPeopleSection *self = LANYARD_PEOPLE_SECTION (object);
  GtkWidget *child;

  g_cancellable_cancel (self->counts_cancellable);
  g_cancellable_cancel (self->demo_cancellable);
  g_cancellable_cancel (self->facets_cancellable);
  g_cancellable_cancel (self->bulk_cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->bulk_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_object (&self->counts_cancellable);
  g_clear_object (&self->demo_cancellable);
  g_clear_object (&self->facets_cancellable);

  if (self->reveal_tick != 0 && self->flap != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->flap), self->reveal_tick);
  self->reveal_tick = 0;
  self->person_pane = NULL;
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
  g_clear_pointer (&self->filters, lanyard_people_query_free);
  g_clear_pointer (&self->marked, g_hash_table_unref);
  if (self->rows != NULL)
    {
      GHashTableIter iter;
      gpointer row;

      g_hash_table_iter_init (&iter, self->rows);
      while (g_hash_table_iter_next (&iter, &row, NULL))
        g_object_weak_unref (row, on_row_finalized_cb, self);
      g_clear_pointer (&self->rows, g_hash_table_unref);
    }

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

    case PROP_SELECTION_MODE:
      g_value_set_boolean (value, self->selection_mode);
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

    case PROP_SELECTION_MODE:
      lanyard_people_section_set_selection_mode (self, g_value_get_boolean (value));
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
  widget_class->unroot = lanyard_people_section_unroot;
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

  properties[PROP_SELECTION_MODE] =
    g_param_spec_boolean ("selection-mode", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);


  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-people-section.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, empty_status_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, demo_stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, add_first_person_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, new_facility_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, create_demo_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, demo_spinner);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, searching_spinner);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, error_status_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, list_area);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, all_tile);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, has_access_tile);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, no_access_tile);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, all_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, has_access_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, no_access_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, chips_box);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, descending_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, clear_filters_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, list_stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, people_view);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, selection);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, no_results_status_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, flap);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, pane_host);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, selection_bar);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, marked_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, export_bar);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, export_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, export_progress);
  gtk_widget_class_bind_template_child (widget_class, LanyardPeopleSection, import_first_button);
  gtk_widget_class_bind_template_callback (widget_class, on_tile_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_descending_button_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_selected_item_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_people_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_flap_reveal_changed_cb);

  {
    static const char * const ids[N_CHIPS][2] = {
      [CHIP_SOURCE] = { "source_chip", "source_list" },
      [CHIP_ACCESS] = { "access_chip", "access_list" },
      [CHIP_MEMBERSHIP_STATUS] = { "membership_status_chip", "membership_status_list" },
      [CHIP_PERSON_TYPE] = { "person_type_chip", "person_type_list" },
      [CHIP_TAG] = { "tag_chip", "tag_list" },
      [CHIP_INVITATION] = { "invitation_chip", "invitation_list" },
      [CHIP_ADOPTION] = { "adoption_chip", "adoption_list" },
      [CHIP_SORT] = { "sort_button", "sort_list" },
    };

    for (Chip chip = 0; chip < N_CHIPS; chip++)
      {
        gtk_widget_class_bind_template_child_full (widget_class, ids[chip][0], FALSE,
                                                   G_STRUCT_OFFSET (LanyardPeopleSection, chips[chip].button));
        gtk_widget_class_bind_template_child_full (widget_class, ids[chip][1], FALSE,
                                                   G_STRUCT_OFFSET (LanyardPeopleSection, chips[chip].list));
        gtk_widget_class_install_action (widget_class, chip_info[chip].action,
                                         chip_info[chip].choices != NULL ? "i" : "s",
                                         people_set_chip_action);
      }
  }

  gtk_widget_class_install_action (widget_class, "people.reload", NULL, people_reload_action);
  gtk_widget_class_install_action (widget_class, "people.create-demo", NULL, people_create_demo_action);
  gtk_widget_class_install_action (widget_class, "people.clear-filters", NULL, people_clear_filters_action);
  gtk_widget_class_install_action (widget_class, "people.add", NULL, people_add_action);
  gtk_widget_class_install_action (widget_class, "people.import", NULL, people_import_action);
  gtk_widget_class_install_action (widget_class, "people.export", NULL, people_export_action);
  gtk_widget_class_install_action (widget_class, "people.cancel-export", NULL, people_cancel_export_action);
  gtk_widget_class_install_action (widget_class, "people.new-facility", NULL, people_new_facility_action);
  gtk_widget_class_install_property_action (widget_class, "people.selection-mode", "selection-mode");
  gtk_widget_class_install_action (widget_class, "people.enable-marked", NULL, people_enable_marked_action);
  gtk_widget_class_install_action (widget_class, "people.disable-marked", NULL, people_disable_marked_action);
  gtk_widget_class_install_action (widget_class, "people.delete-marked", NULL, people_delete_marked_action);
  gtk_widget_class_install_action (widget_class, "people.delete", NULL, people_delete_action);
  gtk_widget_class_install_action (widget_class, "people.escape", NULL, people_escape_action);

  /* Bubbling: the search entry and the pane's fields get these keys first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "people.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "people.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "people.escape", NULL);
}

static void
lanyard_people_section_init (LanyardPeopleSection *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;

  self->busy = TRUE;
  self->filters = lanyard_people_query_new (LANYARD_NO_ID);
  self->marked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->rows = g_hash_table_new (NULL, NULL);
  self->bulk_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  lanyard_ui_spin_while_mapped (self->loading_spinner);
  lanyard_ui_spin_while_mapped (self->searching_spinner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.cancel-export", FALSE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), self);
  gtk_grid_view_set_factory (self->people_view, factory);

  lanyard_people_section_update_marked (self);

  for (Chip chip = 0; chip < N_CHIPS; chip++)
    {
      const ChipInfo *info = &chip_info[chip];

      if (info->choices != NULL)
        for (guint i = 0; i < info->n_choices; i++)
          lanyard_people_section_add_chip_row (self, chip, g_variant_new_int32 (info->choices[i].value),
                                               _(info->choices[i].label), -1);
      else
        lanyard_people_section_add_chip_row (self, chip, g_variant_new_string (""), _("Any"), -1);
    }
  lanyard_people_section_sync_chips (self);

  for (Chip chip = 0; chip < N_CHIPS; chip++)
    if (chip_info[chip].choices == NULL)
      {
        GtkPopover *popover = gtk_menu_button_get_popover (self->chips[chip].button);

        g_object_set_data (G_OBJECT (popover), "chip", GUINT_TO_POINTER (chip));
        g_signal_connect_object (popover, "show", G_CALLBACK (on_chip_popover_show_cb), self, 0);
      }

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
  if (self->person_pane != NULL)
    lanyard_person_pane_set_store (self->person_pane, store);

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
  if (self->person_pane != NULL)
    lanyard_person_pane_set_facility (self->person_pane, facility);

  /* Another facility has other values: start it unfiltered, in the same order. */
  if (changed)
    {
      lanyard_people_section_close_pane (self);
      g_hash_table_remove_all (self->marked);
      lanyard_people_section_update_marked (self);
      lanyard_people_query_clear_filters (self->filters);
      lanyard_people_section_sync_chips (self);
      lanyard_people_section_sync_tiles (self);
    }

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

gboolean
lanyard_people_section_get_selection_mode (LanyardPeopleSection *self)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_SECTION (self), FALSE);

  return self->selection_mode;
}

void
lanyard_people_section_set_selection_mode (LanyardPeopleSection *self,
                                           gboolean              selection_mode)
{
  g_return_if_fail (LANYARD_IS_PEOPLE_SECTION (self));

  selection_mode = !!selection_mode;
  if (self->selection_mode == selection_mode)
    return;

  self->selection_mode = selection_mode;
  if (!selection_mode)
    g_hash_table_remove_all (self->marked);

  gtk_action_bar_set_revealed (self->selection_bar, selection_mode);
  lanyard_people_section_update_marked (self);
  lanyard_people_section_sync_rows (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_MODE]);
}

void
lanyard_people_section_add_person (LanyardPeopleSection *self)
{
  LanyardAddPersonDialog *dialog;

  g_return_if_fail (LANYARD_IS_PEOPLE_SECTION (self));

  if (self->store == NULL || self->facility == NULL)
    return;

  dialog = lanyard_add_person_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                          self->store, self->facility);
  g_signal_connect_object (dialog, "person-added",
                           G_CALLBACK (on_add_person_dialog_person_added_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "open-person",
                           G_CALLBACK (on_add_person_dialog_open_person_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Shows the person with @person_id in the pane, selecting their row when it is in the list. */
void
lanyard_people_section_open_person (LanyardPeopleSection *self,
                                    gint64                person_id)
{
  g_return_if_fail (LANYARD_IS_PEOPLE_SECTION (self));

  if (self->store != NULL)
    lanyard_people_section_open_person_id (self, person_id);
}

/* Asks for a new facility's name and time zone, creates it and shows it. */
void
lanyard_people_section_new_facility (LanyardPeopleSection *self)
{
  g_return_if_fail (LANYARD_IS_PEOPLE_SECTION (self));

  if (self->store != NULL)
    lanyard_people_section_ask_new_facility (self, NULL, NULL);
}

void
lanyard_people_section_set_current (LanyardPeopleSection *self,
                                    gboolean              current)
{
  g_return_if_fail (LANYARD_IS_PEOPLE_SECTION (self));

  /* The tiles, the search and the list; the person pane stays as it is, with what was typed. */
  gtk_widget_set_sensitive (self->list_area, current);
  gtk_widget_set_sensitive (GTK_WIDGET (self->empty_status_page), current);
  if (current)
    gtk_widget_remove_css_class (self->list_area, "not-current");
  else
    gtk_widget_add_css_class (self->list_area, "not-current");
}

gboolean
lanyard_people_section_get_current (LanyardPeopleSection *self)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_SECTION (self), FALSE);

  return gtk_widget_get_sensitive (self->list_area);
}

gboolean
lanyard_people_section_get_has_unsaved_changes (LanyardPeopleSection *self)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_SECTION (self), FALSE);

  return self->person_pane != NULL && lanyard_person_pane_get_has_unsaved_changes (self->person_pane);
}
