/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lanyard-people-section.h"
#include "lanyard-preferences-window.h"
#include "lanyard-window.h"

struct _LanyardWindow
{
  AdwApplicationWindow  parent_instance;

  LanyardStore         *store;
  GSettings            *settings;
  GListModel           *pages;              /* the section stack's pages, for the sidebar */
  GPtrArray            *facilities;         /* LanyardFacility, as the facility list shows them */
  GPtrArray            *initial_facilities; /* given at construction, shown in constructed() */
  GCancellable         *cancellable;

  guint                 listing_facilities : 1;
  guint                 failed : 1;
  guint                 busy : 1;           /* as last notified */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwLeaflet           *leaflet;
  GtkWidget            *content_box;
  GtkMenuButton        *facility_button;
  GtkLabel             *facility_label;
  GtkListBox           *facility_list;
  AdwWindowTitle       *content_title;
  GtkWidget            *content_header_bar;
  GtkWidget            *add_person_button;
  GtkToggleButton      *select_button;
  GtkListBox           *sidebar_list;
  GtkLabel             *connection_label;
  GtkStack             *section_stack;
  LanyardPeopleSection    *people_section;
  AdwStatusPage        *open_error_status_page;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_FACILITIES,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LanyardWindow, lanyard_window, ADW_TYPE_APPLICATION_WINDOW)

/* Where the data lives, as the header shows it: a file path with "~" for the home folder. */
static char *
dup_connection_text (LanyardStore *store)
{
  const char *home = g_get_home_dir ();
  g_autofree char *path = NULL;
  gsize home_len = strlen (home);

  if (!LANYARD_IS_SQLITE_STORE (store))
    return NULL;

  path = g_filename_display_name (lanyard_sqlite_store_get_path (LANYARD_SQLITE_STORE (store)));

  if (home_len > 1 && g_str_has_prefix (path, home) && path[home_len] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + home_len, NULL);

  return g_steal_pointer (&path);
}

static void
lanyard_window_update_busy (LanyardWindow *self)
{
  gboolean busy;

  if (self->failed)
    busy = FALSE;
  else
    busy = self->store == NULL || self->listing_facilities || lanyard_people_section_get_busy (self->people_section);

  if (busy != self->busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

static void
lanyard_window_update_titles (LanyardWindow *self)
{
  LanyardFacility *facility = lanyard_people_section_get_facility (self->people_section);
  g_autofree char *connection = NULL;
  g_autofree char *folded_subtitle = NULL;
  const char *facility_name = NULL;
  const char *section = NULL;
  GtkWidget *child;

  if (self->store != NULL)
    connection = dup_connection_text (self->store);
  if (facility != NULL)
    facility_name = lanyard_facility_get_name (facility);

  /* The sidebar names the facility (later, the facility switcher) and where its data lives. */
  gtk_label_set_label (self->facility_label, facility_name != NULL ? facility_name : _("Lanyard"));
  {
    g_autofree char *accessible = facility_name != NULL
                                  /* Translators: what a screen reader says for the facility switcher */
                                  ? g_strdup_printf (_("Facility: %s"), facility_name)
                                  : g_strdup (_("Facility"));

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->facility_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                    -1);
  }
  gtk_label_set_label (self->connection_label, connection != NULL ? connection : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->connection_label),
                               self->store != NULL && LANYARD_IS_SQLITE_STORE (self->store)
                               ? lanyard_sqlite_store_get_path (LANYARD_SQLITE_STORE (self->store))
                               : NULL);

  child = gtk_stack_get_visible_child (self->section_stack);
  if (child != NULL)
    section = gtk_stack_page_get_title (gtk_stack_get_page (self->section_stack, child));
  adw_window_title_set_title (self->content_title, section != NULL ? section : "");

  /* Folded, the sidebar is out of sight: the content's header says it instead. */
  if (adw_leaflet_get_folded (self->leaflet) && connection != NULL)
    {
      if (facility_name != NULL)
        /* Translators: subtitle of a narrow window: a facility's name, then its database file */
        folded_subtitle = g_strdup_printf (_("%s — %s"), facility_name, connection);
      else
        folded_subtitle = g_strdup (connection);
    }
  adw_window_title_set_subtitle (self->content_title, folded_subtitle);
}

/* The header's People buttons: only on the People section, once it has a facility. */
static void
lanyard_window_update_people_buttons (LanyardWindow *self)
{
  gboolean people = g_strcmp0 (gtk_stack_get_visible_child_name (self->section_stack), "people") == 0;
  gboolean ready = !self->failed && lanyard_people_section_get_facility (self->people_section) != NULL;

  gtk_widget_set_visible (self->add_person_button, people);
  gtk_widget_set_visible (GTK_WIDGET (self->select_button), people);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-person", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.preferences", self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-facility", self->store != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->select_button), ready);

  if (!people && lanyard_people_section_get_selection_mode (self->people_section))
    lanyard_people_section_set_selection_mode (self->people_section, FALSE);
}

static void
on_people_section_selection_mode_changed_cb (LanyardWindow        *self,
                                             GParamSpec           *pspec,
                                             LanyardPeopleSection *section)
{
  /* GNOME's selection mode: the header bar says so in colour. */
  if (lanyard_people_section_get_selection_mode (section))
    gtk_widget_add_css_class (self->content_header_bar, "selection-mode");
  else
    gtk_widget_remove_css_class (self->content_header_bar, "selection-mode");
}

static void
lanyard_window_show_content (LanyardWindow *self)
{
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

static void
lanyard_window_select_section_row (LanyardWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->section_stack);
  guint n = g_list_model_get_n_items (self->pages);

  for (guint i = 0; child != NULL && i < n; i++)
    {
      /* GtkStackPage has no autoptr in GTK 4.8. */
      g_autoptr(GObject) page = g_list_model_get_item (self->pages, i);

      if (gtk_stack_page_get_child (GTK_STACK_PAGE (page)) == child)
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar_list, (int)i);

          if (row != NULL && gtk_list_box_get_selected_row (self->sidebar_list) != row)
            gtk_list_box_select_row (self->sidebar_list, row);
          return;
        }
    }
}

static GtkWidget *
create_sidebar_row (gpointer item,
                    gpointer user_data)
{
  GtkStackPage *page = item;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (gtk_stack_page_get_title (page));
  /* The label says it all: the icon is decoration. */
  GtkWidget *image = g_object_new (GTK_TYPE_IMAGE,
                                   "icon-name", gtk_stack_page_get_icon_name (page),
                                   "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                   NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);

  return box;
}

/* Facilities */

/* The facility switcher's rows: one per facility, the current one ticked. */
static void
lanyard_window_update_facility_list (LanyardWindow *self)
{
  LanyardFacility *current = lanyard_people_section_get_facility (self->people_section);
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->facility_list))) != NULL)
    gtk_list_box_remove (self->facility_list, row);

  for (guint i = 0; self->facilities != NULL && i < self->facilities->len; i++)
    {
      LanyardFacility *facility = g_ptr_array_index (self->facilities, i);
      gboolean is_current = current != NULL && lanyard_facility_get_id (facility) == lanyard_facility_get_id (current);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *label = gtk_label_new (lanyard_facility_get_name (facility));
      GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_set_opacity (check, is_current ? 1 : 0);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, is_current ? _("Shown now") : "",
                                      -1);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), check);
      gtk_list_box_append (self->facility_list, box);
    }
}

static void on_facilities_listed_cb (GObject      *object,
                                     GAsyncResult *result,
                                     gpointer      user_data);
static void lanyard_window_show_facilities (LanyardWindow *self,
                                            GPtrArray     *facilities,
                                            const GError  *error);

static void
lanyard_window_list_facilities (LanyardWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  self->listing_facilities = TRUE;
  self->cancellable = g_cancellable_new ();
  lanyard_store_list_facilities_async (self->store, self->cancellable,
                                       on_facilities_listed_cb, g_object_ref (self));
}

static void
on_facilities_listed_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(LanyardWindow) self = user_data;
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GError) error = NULL;

  facilities = lanyard_store_list_facilities_finish (LANYARD_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->listing_facilities = FALSE;
  g_clear_object (&self->cancellable);

  lanyard_window_show_facilities (self, facilities, error);
}

/* Shows the facilities read (or why they could not be): the one of last time, else the first. */
static void
lanyard_window_show_facilities (LanyardWindow *self,
                                GPtrArray     *facilities,
                                const GError  *error)
{
  LanyardFacility *chosen = NULL;
  gint64 last_id;

  if (facilities == NULL)
    {
      g_autofree char *description = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->open_error_status_page, description);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      self->failed = TRUE;
      lanyard_window_update_busy (self);
      return;
    }

  g_clear_pointer (&self->facilities, g_ptr_array_unref);
  self->facilities = g_ptr_array_ref (facilities);

  /* A list read again after a new facility: the one shown stays. */
  if (lanyard_people_section_get_facility (self->people_section) != NULL)
    {
      lanyard_window_update_facility_list (self);
      lanyard_window_update_busy (self);
      return;
    }

  /* The facility shown last time, else the first by name. */
  last_id = g_settings_get_int64 (self->settings, "last-facility");
  for (guint i = 0; i < facilities->len; i++)
    {
      LanyardFacility *facility = g_ptr_array_index (facilities, i);

      if (chosen == NULL || lanyard_facility_get_id (facility) == last_id)
        chosen = facility;
    }

  lanyard_people_section_set_facility (self->people_section, chosen);
  lanyard_window_update_facility_list (self);
  lanyard_window_update_busy (self);
}

/* Callbacks */

static void
on_facility_list_row_activated_cb (LanyardWindow *self,
                                   GtkListBoxRow *row,
                                   GtkListBox    *list)
{
  guint index = (guint)gtk_list_box_row_get_index (row);

  gtk_menu_button_popdown (self->facility_button);

  if (self->facilities == NULL || index >= self->facilities->len)
    return;

  lanyard_people_section_set_facility (self->people_section, g_ptr_array_index (self->facilities, index));
  gtk_stack_set_visible_child_name (self->section_stack, "people");
  lanyard_window_show_content (self);
}

static void
on_leaflet_folded_changed_cb (LanyardWindow *self,
                              GParamSpec    *pspec,
                              AdwLeaflet    *leaflet)
{
  lanyard_window_update_titles (self);
}

static void
on_back_button_clicked_cb (LanyardWindow *self,
                           GtkButton     *button)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_sidebar_list_row_selected_cb (LanyardWindow *self,
                                 GtkListBoxRow *row,
                                 GtkListBox    *list)
{
  g_autoptr(GObject) page = NULL;

  if (row == NULL)
    return;

  page = g_list_model_get_item (self->pages, gtk_list_box_row_get_index (row));
  if (page != NULL)
    gtk_stack_set_visible_child (self->section_stack, gtk_stack_page_get_child (GTK_STACK_PAGE (page)));
}

static void
on_sidebar_list_row_activated_cb (LanyardWindow *self,
                                  GtkListBoxRow *row,
                                  GtkListBox    *list)
{
  /* Choosing a section in a narrow window goes to it. */
  lanyard_window_show_content (self);
}

static void
on_section_stack_visible_child_changed_cb (LanyardWindow *self,
                                           GParamSpec    *pspec,
                                           GtkStack      *stack)
{
  const char *name = gtk_stack_get_visible_child_name (stack);

  /* Also called while the template is built. */
  if (self->pages == NULL)
    return;

  lanyard_window_select_section_row (self);
  lanyard_window_update_titles (self);
  lanyard_window_update_people_buttons (self);

  if (name != NULL)
    g_settings_set_string (self->settings, "last-section", name);
}

static void
on_people_section_facility_changed_cb (LanyardWindow        *self,
                                       GParamSpec           *pspec,
                                       LanyardPeopleSection *section)
{
  LanyardFacility *facility = lanyard_people_section_get_facility (section);
  gboolean listed = FALSE;

  if (facility != NULL)
    g_settings_set_int64 (self->settings, "last-facility", lanyard_facility_get_id (facility));

  /* A facility the switcher does not know yet (a demo just created): read the list again. */
  for (guint i = 0; facility != NULL && self->facilities != NULL && i < self->facilities->len; i++)
    if (lanyard_facility_get_id (g_ptr_array_index (self->facilities, i)) == lanyard_facility_get_id (facility))
      listed = TRUE;
  if (facility != NULL && !listed && self->facilities != NULL && self->store != NULL)
    lanyard_window_list_facilities (self);
  else
    lanyard_window_update_facility_list (self);

  lanyard_window_update_titles (self);
  lanyard_window_update_people_buttons (self);
}

static void
on_people_section_busy_changed_cb (LanyardWindow        *self,
                                   GParamSpec           *pspec,
                                   LanyardPeopleSection *section)
{
  lanyard_window_update_busy (self);
}

/* Actions */

static void
win_search_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  LanyardWindow *self = LANYARD_WINDOW (widget);

  if (self->failed)
    return;

  gtk_stack_set_visible_child_name (self->section_stack, "people");
  lanyard_window_show_content (self);
  lanyard_people_section_focus_search (self->people_section);
}

/*
 * Adding, importing and exporting people belong to the People section; the
 * window offers them from its header and keys, and shows the section first.
 */
static void
win_people_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  LanyardWindow *self = LANYARD_WINDOW (widget);
  const char *section_action;

  if (self->failed || lanyard_people_section_get_facility (self->people_section) == NULL)
    return;

  if (g_str_equal (action_name, "win.import-people"))
    section_action = "people.import";
  else if (g_str_equal (action_name, "win.export-people"))
    section_action = "people.export";
  else
    section_action = "people.add";

  gtk_stack_set_visible_child_name (self->section_stack, "people");
  lanyard_window_show_content (self);
  gtk_widget_activate_action (GTK_WIDGET (self->people_section), section_action, NULL);
}

static void
win_new_facility_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  LanyardWindow *self = LANYARD_WINDOW (widget);

  gtk_menu_button_popdown (self->facility_button);
  lanyard_people_section_new_facility (self->people_section);
}

static void
win_preferences_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  LanyardWindow *self = LANYARD_WINDOW (widget);

  if (self->store == NULL)
    return;

  gtk_window_present (GTK_WINDOW (lanyard_preferences_window_new (GTK_WINDOW (self), self->store)));
}

/* GtkWindow */

static gboolean
lanyard_window_close_request (GtkWindow *window)
{
  LanyardWindow *self = LANYARD_WINDOW (window);
  gboolean maximized = gtk_window_is_maximized (window);
  int width, height;

  /* The size to come back to: the unmaximized one. */
  if (!maximized)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", maximized);

  return GTK_WINDOW_CLASS (lanyard_window_parent_class)->close_request (window);
}

/* GObject */

static void
lanyard_window_constructed (GObject *object)
{
  LanyardWindow *self = LANYARD_WINDOW (object);

  G_OBJECT_CLASS (lanyard_window_parent_class)->constructed (object);

  if (self->store == NULL)
    return;

  lanyard_people_section_set_store (self->people_section, self->store);

  /* Read with the store when it was opened: no round trip to a worker before the list. */
  if (self->initial_facilities != NULL)
    {
      g_autoptr(GPtrArray) facilities = g_steal_pointer (&self->initial_facilities);

      lanyard_window_show_facilities (self, facilities, NULL);
    }
  else
    lanyard_window_list_facilities (self);

  lanyard_window_update_titles (self);
  lanyard_window_update_busy (self);
}

static void
lanyard_window_dispose (GObject *object)
{
  LanyardWindow *self = LANYARD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->sidebar_list != NULL)
    gtk_list_box_bind_model (self->sidebar_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->pages);
  g_clear_pointer (&self->facilities, g_ptr_array_unref);
  g_clear_pointer (&self->initial_facilities, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_WINDOW);

  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lanyard_window_parent_class)->dispose (object);
}

static void
lanyard_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LanyardWindow *self = LANYARD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LanyardWindow *self = LANYARD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_FACILITIES:
      self->initial_facilities = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_window_class_init (LanyardWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = lanyard_window_constructed;
  object_class->dispose = lanyard_window_dispose;
  object_class->get_property = lanyard_window_get_property;
  object_class->set_property = lanyard_window_set_property;

  window_class->close_request = lanyard_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LANYARD_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The store's facilities, when the caller read them already (GPtrArray of LanyardFacility). */
  properties[PROP_FACILITIES] =
    g_param_spec_boxed ("facilities", NULL, NULL,
                        G_TYPE_PTR_ARRAY,
                        (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LANYARD_TYPE_PEOPLE_SECTION);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, facility_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, facility_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, facility_list);
  gtk_widget_class_bind_template_callback (widget_class, on_facility_list_row_activated_cb);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, content_header_bar);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, add_person_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, select_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, connection_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, section_stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, people_section);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, open_error_status_page);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_back_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_section_stack_visible_child_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_people_section_facility_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_people_section_busy_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, win_search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_install_action (widget_class, "win.add-person", NULL, win_people_action);
  gtk_widget_class_install_action (widget_class, "win.import-people", NULL, win_people_action);
  gtk_widget_class_install_action (widget_class, "win.export-people", NULL, win_people_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, win_preferences_action);
  gtk_widget_class_install_action (widget_class, "win.new-facility", NULL, win_new_facility_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.add-person", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import-people", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export-people", NULL);
}

static void
lanyard_window_init (LanyardWindow *self)
{
  g_autofree char *last_section = NULL;

  self->busy = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  last_section = g_settings_get_string (self->settings, "last-section");
  if (gtk_stack_get_child_by_name (self->section_stack, last_section) != NULL)
    gtk_stack_set_visible_child_name (self->section_stack, last_section);

  /* One sidebar row per section page of the stack: the .ui file is the one list of sections. */
  self->pages = G_LIST_MODEL (gtk_stack_get_pages (self->section_stack));
  gtk_list_box_bind_model (self->sidebar_list, self->pages, create_sidebar_row, NULL, NULL);
  lanyard_window_select_section_row (self);

  g_object_bind_property (self->people_section, "selection-mode",
                          self->select_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->people_section, "notify::selection-mode",
                           G_CALLBACK (on_people_section_selection_mode_changed_cb), self, G_CONNECT_SWAPPED);
  lanyard_window_update_people_buttons (self);

  /* A narrow window opens on the section, not on the list of sections. */
  lanyard_window_show_content (self);

  lanyard_window_update_titles (self);
}

LanyardWindow *
lanyard_window_new (GtkApplication *application,
                    LanyardStore   *store)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (LANYARD_IS_STORE (store), NULL);

  return g_object_new (LANYARD_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

LanyardWindow *
lanyard_window_new_with_facilities (GtkApplication *application,
                                    LanyardStore   *store,
                                    GPtrArray      *facilities)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (LANYARD_IS_STORE (store), NULL);
  g_return_val_if_fail (facilities != NULL, NULL);

  return g_object_new (LANYARD_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       "facilities", facilities,
                       NULL);
}

LanyardWindow *
lanyard_window_new_for_error (GtkApplication *application,
                              const char     *path,
                              const GError   *error)
{
  LanyardWindow *self;
  g_autofree char *display_path = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error != NULL, NULL);

  self = g_object_new (LANYARD_TYPE_WINDOW,
                       "application", application,
                       NULL);

  /* The path, unless the message already says it. */
  display_path = g_filename_display_name (path);
  if (strstr (error->message, display_path) != NULL)
    description = g_markup_escape_text (error->message, -1);
  else
    description = g_markup_printf_escaped ("%s\n\n<small>%s</small>", error->message, display_path);
  adw_status_page_set_description (self->open_error_status_page, description);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
  self->failed = TRUE;
  lanyard_window_update_busy (self);
  lanyard_window_update_people_buttons (self);

  return self;
}

LanyardStore *
lanyard_window_get_store (LanyardWindow *self)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), NULL);

  return self->store;
}

gboolean
lanyard_window_get_busy (LanyardWindow *self)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), FALSE);

  return self->busy;
}

/*
 * Renders the window as it is now into a PNG file: for screenshots taken
 * by scripts (LANYARD_SCREENSHOT) and by the widget tests.
 */
gboolean
lanyard_window_save_screenshot (LanyardWindow  *self,
                                const char     *path,
                                GError        **error)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;

  g_return_val_if_fail (LANYARD_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);

  if (node == NULL || !gtk_widget_get_realized (widget))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The window has not been drawn yet");
      return FALSE;
    }

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (self)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not write %s", path);
      return FALSE;
    }

  return TRUE;
}
