/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lanyard-application.h"
#include "lanyard-connect-dialog.h"
#include "lanyard-connection.h"
#include "lanyard-people-section.h"
#include "lanyard-preferences-window.h"
#include "lanyard-remote-store.h"
#include "lanyard-ui-util.h"
#include "lanyard-window.h"

/*
 * How the window stands with a server. A window on a store is CONNECTED
 * until a call says the server cannot be reached (UNREACHABLE) or no
 * longer takes the sign-in (SIGNED_OUT): a banner says so and what was
 * read stays, marked as not current. A window built before there is a
 * store (lanyard_window_new_for_server()) is CONNECTING, then one of the
 * others, on a page of its own.
 */
typedef enum {
  SERVER_STATE_CONNECTED,
  SERVER_STATE_CONNECTING,
  SERVER_STATE_UNREACHABLE,
  SERVER_STATE_SIGNED_OUT,
  SERVER_STATE_FAILED,
} ServerState;

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

  /* The server: for a window without a store yet, which one; and how it stands. */
  char                 *server_url;
  char                 *server_email;
  ServerState           server_state;
  char                 *server_problem;     /* what the last failure said */
  guint                 retry_attempt;      /* failures in a row: the back-off */
  gint64                retry_at;           /* monotonic µs of the next try; 0 when none is planned */
  guint                 retry_source;
  guint                 countdown_source;   /* updates "trying again in N s" */
  GCancellable         *probe_cancellable;  /* a try in flight, on a window with a store */

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
  GtkMenuButton        *connection_button;
  GtkMenuButton        *sidebar_menu_button;
  GtkMenuButton        *server_menu_button;
  GtkMenuButton        *open_error_menu_button;
  GMenuModel           *primary_menu;
  GMenuModel           *connection_menu;
  GtkImage             *connection_icon;
  GtkLabel             *connection_kind_label;
  GtkRevealer          *connection_banner;
  GtkImage             *connection_banner_icon;
  GtkLabel             *connection_banner_label;
  GtkButton            *connection_banner_button;
  AdwWindowTitle       *server_title;
  AdwStatusPage        *server_status_page;
  GtkSpinner           *server_spinner;
  GtkWidget            *server_retry_button;
  GtkWidget            *server_sign_in_button;
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

/*
 * Where the data lives, as the header shows it: a file path with "~" for
 * the home folder, or the server and who is signed in to it.
 */
static char *
dup_connection_text (LanyardStore *store)
{
  const char *home = g_get_home_dir ();
  g_autofree char *path = NULL;
  gsize home_len = strlen (home);

  if (LANYARD_IS_REMOTE_STORE (store))
    {
      LanyardRemoteStore *remote = LANYARD_REMOTE_STORE (store);
      g_autofree char *host = lanyard_connection_dup_host (lanyard_remote_store_get_url (remote));

      /* Translators: where the data comes from: a server's host name, then the email signed in with */
      return g_strdup_printf (_("%s — %s"), host, lanyard_remote_store_get_email (remote));
    }

  if (!LANYARD_IS_SQLITE_STORE (store))
    return NULL;

  path = g_filename_display_name (lanyard_sqlite_store_get_path (LANYARD_SQLITE_STORE (store)));

  if (home_len > 1 && g_str_has_prefix (path, home) && path[home_len] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + home_len, NULL);

  return g_steal_pointer (&path);
}

/* TRUE when the window is about a server, with or without a store yet. */
static gboolean
lanyard_window_is_remote (LanyardWindow *self)
{
  return self->server_url != NULL || (self->store != NULL && LANYARD_IS_REMOTE_STORE (self->store));
}

/* The server's URL and the email, whether there is a store or not. */
static const char *
lanyard_window_get_server_url (LanyardWindow *self)
{
  if (self->store != NULL && LANYARD_IS_REMOTE_STORE (self->store))
    return lanyard_remote_store_get_url (LANYARD_REMOTE_STORE (self->store));

  return self->server_url;
}

static const char *
lanyard_window_get_server_email (LanyardWindow *self)
{
  if (self->store != NULL && LANYARD_IS_REMOTE_STORE (self->store))
    return lanyard_remote_store_get_email (LANYARD_REMOTE_STORE (self->store));

  return self->server_email;
}

static void
lanyard_window_update_busy (LanyardWindow *self)
{
  gboolean busy;

  if (self->failed || (self->server_state != SERVER_STATE_CONNECTED && self->server_state != SERVER_STATE_CONNECTING))
    busy = FALSE;
  else if (self->server_state == SERVER_STATE_CONNECTING)
    busy = TRUE;
  else
    busy = self->store == NULL || self->listing_facilities || lanyard_people_section_get_busy (self->people_section);

  if (busy != self->busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

/* The sidebar's footer: local file or server, who is signed in, and whether it can be reached. */
static void
lanyard_window_update_connection (LanyardWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *accessible = NULL;
  const char *kind;
  const char *icon;
  gboolean reachable = self->server_state == SERVER_STATE_CONNECTED || self->server_state == SERVER_STATE_CONNECTING;

  if (lanyard_window_is_remote (self))
    {
      const char *url = lanyard_window_get_server_url (self);
      const char *email = lanyard_window_get_server_email (self);

      if (self->store != NULL)
        text = dup_connection_text (self->store);
      else
        {
          g_autofree char *host = lanyard_connection_dup_host (url);

          text = email != NULL && *email != '\0' ? g_strdup_printf (_("%s — %s"), host, email) : g_strdup (host);
        }

      /* Translators: tooltip of the connection: the server's full address, then the email */
      tooltip = email != NULL && *email != '\0' ? g_strdup_printf (_("%s\nSigned in as %s"), url, email) : g_strdup (url);
      kind = reachable ? _("Lanyard server") : _("Lanyard server, not reachable");
      icon = reachable ? "network-server-symbolic" : "network-offline-symbolic";
    }
  else
    {
      if (self->store != NULL)
        text = dup_connection_text (self->store);
      tooltip = self->store != NULL && LANYARD_IS_SQLITE_STORE (self->store)
                ? g_filename_display_name (lanyard_sqlite_store_get_path (LANYARD_SQLITE_STORE (self->store)))
                : NULL;
      kind = _("Local database");
      icon = "drive-harddisk-symbolic";
    }

  gtk_label_set_label (self->connection_label, text != NULL ? text : "");
  gtk_label_set_label (self->connection_kind_label, kind);
  gtk_image_set_from_icon_name (self->connection_icon, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->connection_button), tooltip);
  if (reachable)
    gtk_widget_remove_css_class (GTK_WIDGET (self->connection_button), "unreachable");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->connection_button), "unreachable");

  /* Translators: what a screen reader says for the connection button: its kind, then the file or server */
  accessible = g_strdup_printf (_("Connection: %s, %s"), kind, text != NULL ? text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->connection_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
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
  lanyard_window_update_connection (self);

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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.use-local", lanyard_window_is_remote (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", lanyard_window_is_remote (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry-connection",
                                 self->server_state != SERVER_STATE_CONNECTED &&
                                 self->server_state != SERVER_STATE_SIGNED_OUT);
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

  if (facilities == NULL && lanyard_window_report_store_error (self, error))
    {
      lanyard_window_update_busy (self);
      return;
    }

  if (facilities == NULL)
    {
      g_autofree char *description = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->open_error_status_page, description);
      lanyard_ui_stack_show (self->main_stack, "error");
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
  lanyard_ui_stack_show (self->section_stack, "people");
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
    lanyard_ui_stack_show_child (self->section_stack, gtk_stack_page_get_child (GTK_STACK_PAGE (page)));
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

/* The server: saying it cannot be reached, and trying again */

static void lanyard_window_retry_now (LanyardWindow *self);

static void
lanyard_window_stop_retrying (LanyardWindow *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  self->retry_at = 0;
}

/* Seconds until the next try, rounded up; 0 when none is planned or it is due. */
static guint
lanyard_window_seconds_to_retry (LanyardWindow *self)
{
  gint64 left;

  if (self->retry_at == 0)
    return 0;

  left = self->retry_at - g_get_monotonic_time ();

  return left > 0 ? (guint)((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
}

/* "Trying again in 8 seconds…", or "Trying again…" while a try is under way. */
static char *
lanyard_window_dup_retry_text (LanyardWindow *self)
{
  guint seconds = lanyard_window_seconds_to_retry (self);

  if (seconds == 0)
    return g_strdup (_("Trying again…"));

  /* Translators: the server could not be reached; %u is a number of seconds */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Trying again in %u second…", "Trying again in %u seconds…",
                                       seconds),
                          seconds);
}

/* Shows the state on the banner (a window with a store) or on the server page (one without). */
static void
lanyard_window_show_server_state (LanyardWindow *self)
{
  g_autofree char *host = NULL;
  g_autofree char *retry = lanyard_window_dup_retry_text (self);
  g_autofree char *text = NULL;
  const char *url = lanyard_window_get_server_url (self);

  lanyard_window_update_connection (self);
  lanyard_window_update_people_buttons (self);

  if (url == NULL)
    return;
  host = lanyard_connection_dup_host (url);

  if (self->store != NULL)
    {
      gboolean signed_out = self->server_state == SERVER_STATE_SIGNED_OUT;

      switch (self->server_state)
        {
        case SERVER_STATE_CONNECTED:
        case SERVER_STATE_CONNECTING:
          gtk_revealer_set_reveal_child (self->connection_banner, FALSE);
          lanyard_people_section_set_current (self->people_section, TRUE);
          return;

        case SERVER_STATE_UNREACHABLE:
          /* Translators: the first %s is a server's host name, the second "Trying again in 8 seconds…" */
          text = g_strdup_printf (_("Cannot reach %s. What you see may be out of date. %s"), host, retry);
          break;

        case SERVER_STATE_SIGNED_OUT:
          /* Translators: %s is a server's host name */
          text = g_strdup_printf (_("%s no longer accepts this sign-in. Sign in again to go on."), host);
          break;

        case SERVER_STATE_FAILED:
        default:
          /* Translators: the first %s is a server's host name, the second says what went wrong */
          text = g_strdup_printf (_("%s could not answer: %s"), host, self->server_problem);
          break;
        }

      gtk_label_set_label (self->connection_banner_label, text);
      gtk_button_set_label (self->connection_banner_button, signed_out ? _("_Sign In Again…") : _("_Retry"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->connection_banner_button),
                                      signed_out ? "win.connect-server" : "win.retry-connection");
      gtk_image_set_from_icon_name (self->connection_banner_icon,
                                    signed_out ? "system-lock-screen-symbolic" : "network-offline-symbolic");
      gtk_revealer_set_reveal_child (self->connection_banner, TRUE);
      /* The list stays in sight but is plainly not current, and cannot be used meanwhile. */
      lanyard_people_section_set_current (self->people_section, FALSE);
      return;
    }

  /* No store yet: the whole window says where it stands. */
  lanyard_ui_stack_show (self->main_stack, "server");
  adw_window_title_set_subtitle (self->server_title, host);
  gtk_widget_set_visible (GTK_WIDGET (self->server_spinner), self->server_state == SERVER_STATE_CONNECTING);
  gtk_spinner_set_spinning (self->server_spinner, self->server_state == SERVER_STATE_CONNECTING);
  gtk_widget_set_visible (self->server_retry_button,
                          self->server_state == SERVER_STATE_UNREACHABLE || self->server_state == SERVER_STATE_FAILED);
  gtk_widget_set_visible (self->server_sign_in_button, self->server_state == SERVER_STATE_SIGNED_OUT);

  switch (self->server_state)
    {
    case SERVER_STATE_CONNECTING:
    case SERVER_STATE_CONNECTED:
      /* Translators: %s is a server's host name */
      text = g_strdup_printf (_("Connecting to %s"), host);
      adw_status_page_set_title (self->server_status_page, text);
      adw_status_page_set_icon_name (self->server_status_page, "network-server-symbolic");
      adw_status_page_set_description (self->server_status_page, NULL);
      break;

    case SERVER_STATE_UNREACHABLE:
      {
        g_autofree char *description = NULL;

        adw_status_page_set_title (self->server_status_page, _("Cannot Reach the Server"));
        adw_status_page_set_icon_name (self->server_status_page, "network-offline-symbolic");
        /* Translators: the first %s says which server could not be reached and why, the second is "Trying again in 8 seconds…" */
        description = g_markup_printf_escaped (_("%s\n%s"), self->server_problem != NULL ? self->server_problem : "",
                                               retry);
        adw_status_page_set_description (self->server_status_page, description);
      }
      break;

    case SERVER_STATE_SIGNED_OUT:
      {
        const char *email = lanyard_window_get_server_email (self);
        g_autofree char *description = NULL;

        /* Translators: %s is a server's host name */
        text = g_strdup_printf (_("Sign In to %s"), host);
        adw_status_page_set_title (self->server_status_page, text);
        adw_status_page_set_icon_name (self->server_status_page, "system-lock-screen-symbolic");
        if (email != NULL && *email != '\0')
          /* Translators: %s is an email address */
          description = g_markup_printf_escaped (_("The server needs a new sign-in code for %s. Nothing from the server is shown until then."),
                                                 email);
        else
          description = g_markup_escape_text (_("The server needs a sign-in code. Nothing from the server is shown until then."), -1);
        adw_status_page_set_description (self->server_status_page, description);
      }
      break;

    case SERVER_STATE_FAILED:
    default:
      {
        g_autofree char *description = g_markup_escape_text (self->server_problem != NULL ? self->server_problem : "", -1);

        adw_status_page_set_title (self->server_status_page, _("Could Not Connect to the Server"));
        adw_status_page_set_icon_name (self->server_status_page, "dialog-error-symbolic");
        adw_status_page_set_description (self->server_status_page, description);
      }
      break;
    }
}

static gboolean
on_countdown_cb (gpointer user_data)
{
  LanyardWindow *self = user_data;

  lanyard_window_show_server_state (self);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_retry_cb (gpointer user_data)
{
  LanyardWindow *self = user_data;

  self->retry_source = 0;
  lanyard_window_retry_now (self);

  return G_SOURCE_REMOVE;
}

/* Plans the next try, further off after each failure in a row. */
static void
lanyard_window_schedule_retry (LanyardWindow *self)
{
  guint delay = lanyard_connection_retry_delay (self->retry_attempt);

  lanyard_window_stop_retrying (self);
  self->retry_attempt++;
  self->retry_at = g_get_monotonic_time () + (gint64)delay * G_USEC_PER_SEC;
  self->retry_source = g_timeout_add_seconds (delay, on_retry_cb, self);
  self->countdown_source = g_timeout_add_seconds (1, on_countdown_cb, self);
}

/* Takes in how a call to the server (or connecting to it) failed. */
static void
lanyard_window_take_server_error (LanyardWindow *self,
                                  const GError  *error)
{
  g_free (self->server_problem);
  self->server_problem = g_strdup (error->message);
  lanyard_window_stop_retrying (self);

  if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED))
    self->server_state = SERVER_STATE_SIGNED_OUT;
  else if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE))
    {
      self->server_state = SERVER_STATE_UNREACHABLE;
      lanyard_window_schedule_retry (self);
    }
  else
    self->server_state = SERVER_STATE_FAILED;

  lanyard_window_update_busy (self);
  lanyard_window_show_server_state (self);
}

/* The server answers again: read everything anew, so nothing old passes for current. */
static void
lanyard_window_recover (LanyardWindow *self,
                        GPtrArray     *facilities)
{
  lanyard_window_stop_retrying (self);
  self->retry_attempt = 0;
  self->server_state = SERVER_STATE_CONNECTED;
  g_clear_pointer (&self->server_problem, g_free);
  lanyard_window_show_server_state (self);

  if (lanyard_people_section_get_facility (self->people_section) == NULL)
    lanyard_window_show_facilities (self, facilities, NULL);
  else
    {
      g_clear_pointer (&self->facilities, g_ptr_array_unref);
      self->facilities = g_ptr_array_ref (facilities);
      lanyard_window_update_facility_list (self);
      lanyard_people_section_reload (self->people_section);
    }
  lanyard_window_update_busy (self);
}

static void
on_probe_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LanyardWindow) self = user_data;
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GError) error = NULL;

  facilities = lanyard_store_list_facilities_finish (LANYARD_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->probe_cancellable);

  if (facilities == NULL)
    lanyard_window_take_server_error (self, error);
  else
    lanyard_window_recover (self, facilities);
}

static void
lanyard_window_retry_now (LanyardWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  lanyard_window_stop_retrying (self);
  lanyard_window_show_server_state (self);

  /* A window on a store asks it for something small; one without asks the application to connect. */
  if (self->store != NULL)
    {
      if (self->probe_cancellable != NULL)
        return;

      self->probe_cancellable = g_cancellable_new ();
      lanyard_store_list_facilities_async (self->store, self->probe_cancellable,
                                           on_probe_done_cb, g_object_ref (self));
    }
  else if (LANYARD_IS_APPLICATION (app))
    {
      self->server_state = SERVER_STATE_CONNECTING;
      lanyard_window_show_server_state (self);
      lanyard_application_reconnect (LANYARD_APPLICATION (app));
    }
}

/* Actions: the connection */

static void
on_connect_dialog_signed_in_cb (LanyardWindow      *self,
                                LanyardRemoteStore *store,
                                const char         *notice,
                                LanyardConnectDialog *dialog)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (LANYARD_IS_APPLICATION (app))
    lanyard_application_use_server (LANYARD_APPLICATION (app), store, notice);
}

static void
win_connect_server_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  LanyardWindow *self = LANYARD_WINDOW (widget);
  g_autofree char *url = NULL;
  g_autofree char *email = NULL;
  LanyardConnectDialog *dialog;

  /* The server of this window, or the one used last. */
  if (lanyard_window_is_remote (self))
    {
      url = g_strdup (lanyard_window_get_server_url (self));
      email = g_strdup (lanyard_window_get_server_email (self));
    }
  else
    {
      url = g_settings_get_string (self->settings, "server-url");
      email = g_settings_get_string (self->settings, "server-email");
    }

  gtk_menu_button_popdown (self->connection_button);
  dialog = lanyard_connect_dialog_new (GTK_WINDOW (self), url, email);
  g_signal_connect_object (dialog, "signed-in", G_CALLBACK (on_connect_dialog_signed_in_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_use_local_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          LanyardWindow    *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (g_strcmp0 (response, "switch") == 0 && LANYARD_IS_APPLICATION (app))
    lanyard_application_use_local (LANYARD_APPLICATION (app), NULL);
}

static void
win_use_local_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  LanyardWindow *self = LANYARD_WINDOW (widget);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  AdwMessageDialog *dialog;

  if (!LANYARD_IS_APPLICATION (app) || !lanyard_window_is_remote (self))
    return;

  /* The sign-in is kept: the server is a "Connect to a Server…" away. Typed changes not saved are asked about. */
  if (!lanyard_window_get_has_unsaved_changes (self))
    {
      lanyard_application_use_local (LANYARD_APPLICATION (app), NULL);
      return;
    }

  dialog = lanyard_ui_confirm_dialog_new (GTK_WIDGET (self),
                                          _("Leave Changes Not Saved?"),
                                          _("Something typed in the person’s details has not been saved on the server. "
                                            "Switching to the local database leaves it behind."),
                                          _("_Stay"), "switch", _("_Use Local Database"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_use_local_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_sign_out_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         LanyardWindow    *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (g_strcmp0 (response, "sign-out") == 0 && LANYARD_IS_APPLICATION (app))
    lanyard_application_sign_out (LANYARD_APPLICATION (app));
}

static void
win_sign_out_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  LanyardWindow *self = LANYARD_WINDOW (widget);
  g_autofree char *host = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  const char *email;
  AdwMessageDialog *dialog;

  if (!lanyard_window_is_remote (self))
    return;

  host = lanyard_connection_dup_host (lanyard_window_get_server_url (self));
  email = lanyard_window_get_server_email (self);
  /* Translators: %s is a server's host name */
  heading = g_strdup_printf (_("Sign Out of %s?"), host);
  if (lanyard_window_get_has_unsaved_changes (self))
    /* Translators: %s is an email address */
    body = g_strdup_printf (_("Lanyard forgets the sign-in of %s on this computer and shows the local database. "
                              "Something typed in the person’s details has not been saved and will be left behind. "
                              "To work on the server again you need a new code from your mail."),
                            email != NULL ? email : "");
  else
    /* Translators: %s is an email address */
    body = g_strdup_printf (_("Lanyard forgets the sign-in of %s on this computer and shows the local database. "
                              "To work on the server again you need a new code from your mail."),
                            email != NULL ? email : "");

  dialog = lanyard_ui_confirm_dialog_new (GTK_WIDGET (self), heading, body, NULL, "sign-out", _("_Sign Out"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
win_retry_connection_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  LanyardWindow *self = LANYARD_WINDOW (widget);

  if (self->server_state == SERVER_STATE_CONNECTED || self->server_state == SERVER_STATE_SIGNED_OUT)
    return;

  lanyard_window_retry_now (self);
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

  lanyard_ui_stack_show (self->section_stack, "people");
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

  lanyard_ui_stack_show (self->section_stack, "people");
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

/*
 * The shortcuts window is built the first time it is asked for, not with
 * every window (GtkApplication's gtk/help-overlay.ui would be): ~10 ms less
 * at launch.
 */
static void
win_show_help_overlay_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (widget);
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (window);

  if (overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/app/lanyard/Lanyard/lanyard-shortcuts-window.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_application_window_set_help_overlay (window, overlay);
    }

  gtk_window_present (GTK_WINDOW (overlay));
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
  g_cancellable_cancel (self->probe_cancellable);
  g_clear_object (&self->probe_cancellable);
  lanyard_window_stop_retrying (self);

  if (self->sidebar_list != NULL)
    gtk_list_box_bind_model (self->sidebar_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->pages);
  g_clear_pointer (&self->facilities, g_ptr_array_unref);
  g_clear_pointer (&self->initial_facilities, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_WINDOW);

  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->server_email, g_free);
  g_clear_pointer (&self->server_problem, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, connection_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, sidebar_menu_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, server_menu_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, open_error_menu_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, connection_menu);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, connection_icon);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, connection_kind_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, connection_banner);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, connection_banner_icon);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, connection_banner_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, connection_banner_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, server_title);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, server_status_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, server_spinner);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, server_retry_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, server_sign_in_button);
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
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, win_show_help_overlay_action);
  gtk_widget_class_install_action (widget_class, "win.new-facility", NULL, win_new_facility_action);
  gtk_widget_class_install_action (widget_class, "win.connect-server", NULL, win_connect_server_action);
  gtk_widget_class_install_action (widget_class, "win.use-local", NULL, win_use_local_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, win_sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.retry-connection", NULL, win_retry_connection_action);
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
  lanyard_ui_set_menu_model_lazily (self->sidebar_menu_button, self->primary_menu);
  lanyard_ui_set_menu_model_lazily (self->server_menu_button, self->primary_menu);
  lanyard_ui_set_menu_model_lazily (self->open_error_menu_button, self->primary_menu);
  lanyard_ui_set_menu_model_lazily (self->connection_button, self->connection_menu);
#ifdef LANYARD_DEVEL
  /* The striped header bar of GNOME's development builds. */
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  last_section = g_settings_get_string (self->settings, "last-section");
  if (gtk_stack_get_child_by_name (self->section_stack, last_section) != NULL)
    lanyard_ui_stack_show (self->section_stack, last_section);

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
  lanyard_ui_stack_show (self->main_stack, "error");
  self->failed = TRUE;
  lanyard_window_update_busy (self);
  lanyard_window_update_people_buttons (self);

  return self;
}

LanyardWindow *
lanyard_window_new_for_server (GtkApplication *application,
                               const char     *url,
                               const char     *email)
{
  LanyardWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (LANYARD_TYPE_WINDOW,
                       "application", application,
                       NULL);
  self->server_url = g_strdup (url);
  self->server_email = g_strdup (email);
  self->server_state = SERVER_STATE_CONNECTING;
  lanyard_window_show_server_state (self);
  lanyard_window_update_busy (self);

  return self;
}

void
lanyard_window_show_server_error (LanyardWindow *self,
                                  const GError  *error)
{
  g_return_if_fail (LANYARD_IS_WINDOW (self));
  g_return_if_fail (self->server_url != NULL);
  g_return_if_fail (error != NULL);

  lanyard_window_take_server_error (self, error);
}

gboolean
lanyard_window_report_store_error (LanyardWindow *self,
                                   const GError  *error)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), FALSE);

  if (error == NULL || self->store == NULL || !LANYARD_IS_REMOTE_STORE (self->store))
    return FALSE;

  if (!g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE) &&
      !g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAUTHENTICATED))
    return FALSE;

  /* Several calls fail at once when the server goes away: the first one starts the back-off. */
  if (self->server_state == SERVER_STATE_UNREACHABLE &&
      g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE))
    return TRUE;

  lanyard_window_take_server_error (self, error);

  return TRUE;
}

gboolean
lanyard_window_get_connected (LanyardWindow *self)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), FALSE);

  return self->store != NULL && self->server_state == SERVER_STATE_CONNECTED;
}

gboolean
lanyard_window_get_has_unsaved_changes (LanyardWindow *self)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), FALSE);

  return lanyard_people_section_get_has_unsaved_changes (self->people_section);
}

void
lanyard_window_toast (LanyardWindow *self,
                      const char    *text)
{
  g_autofree char *title = NULL;

  g_return_if_fail (LANYARD_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  /* Toast titles are markup. */
  title = g_markup_escape_text (text, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
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
