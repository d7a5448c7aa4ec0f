/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <glib/gi18n.h>

#include "lanyard-preferences-window.h"
#include "lanyard-ui-util.h"

struct _LanyardPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  LanyardStore         *store;
  GCancellable         *cancellable;
  char                **regions;       /* codes, in the order of the row's list */
  guint                 stored;        /* the position of the region stored */
  guint                 syncing : 1;

  /* Template widgets */
  AdwComboRow          *region_row;
};

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LanyardPreferencesWindow, lanyard_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
lanyard_preferences_window_select (LanyardPreferencesWindow *self,
                                   guint                     position)
{
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->region_row, position);
  self->syncing = FALSE;
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

/* The store call does not keep the window alive: a window closed meanwhile has nothing to show. */
static void
on_region_stored_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(LanyardPreferencesWindow) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  gboolean stored;

  weak_ref_free (ref);
  stored = lanyard_store_set_phone_region_finish (LANYARD_STORE (object), result, &error);

  if (self == NULL)
    return;

  if (!stored)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Show what is stored, and why the choice did not stick. */
      lanyard_preferences_window_select (self, self->stored);
      {
        /* Toast titles are markup. */
        g_autofree char *title = g_markup_escape_text (error->message, -1);

        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (title));
      }
      return;
    }

  self->stored = adw_combo_row_get_selected (self->region_row);
}

static void
on_region_row_selected_changed_cb (LanyardPreferencesWindow *self,
                                   GParamSpec               *pspec,
                                   AdwComboRow              *row)
{
  guint position = adw_combo_row_get_selected (row);
  GWeakRef *ref;

  if (self->syncing || self->store == NULL || self->regions == NULL ||
      position == GTK_INVALID_LIST_POSITION || position == self->stored)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  lanyard_store_set_phone_region_async (self->store, self->regions[position], self->cancellable,
                                        on_region_stored_cb, ref);
}

static void
lanyard_preferences_window_constructed (GObject *object)
{
  LanyardPreferencesWindow *self = LANYARD_PREFERENCES_WINDOW (object);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *current = NULL;

  G_OBJECT_CLASS (lanyard_preferences_window_parent_class)->constructed (object);

  self->regions = lanyard_phone_dup_regions ();
  current = lanyard_store_dup_phone_region (self->store);
  self->stored = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; self->regions[i] != NULL; i++)
    {
      g_autofree char *name = lanyard_phone_dup_region_name (self->regions[i]);
      /* Translators: a region in the list of default phone regions, e.g. "Germany (+49)" */
      g_autofree char *label = g_strdup_printf (_("%s (+%d)"), name,
                                                lanyard_phone_region_calling_code (self->regions[i]));

      gtk_string_list_append (names, label);
      if (g_strcmp0 (self->regions[i], current) == 0)
        self->stored = i;
    }

  self->syncing = TRUE;
  adw_combo_row_set_model (self->region_row, G_LIST_MODEL (names));
  self->syncing = FALSE;
  lanyard_preferences_window_select (self, self->stored);
}

static void
lanyard_preferences_window_dispose (GObject *object)
{
  LanyardPreferencesWindow *self = LANYARD_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->store);
  g_clear_pointer (&self->regions, g_strfreev);

  G_OBJECT_CLASS (lanyard_preferences_window_parent_class)->dispose (object);
}

static void
lanyard_preferences_window_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  LanyardPreferencesWindow *self = LANYARD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_preferences_window_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  LanyardPreferencesWindow *self = LANYARD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_preferences_window_class_init (LanyardPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = lanyard_preferences_window_constructed;
  object_class->dispose = lanyard_preferences_window_dispose;
  object_class->get_property = lanyard_preferences_window_get_property;
  object_class->set_property = lanyard_preferences_window_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LANYARD_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardPreferencesWindow, region_row);
  gtk_widget_class_bind_template_callback (widget_class, on_region_row_selected_changed_cb);
}

static void
lanyard_preferences_window_init (LanyardPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LanyardPreferencesWindow *
lanyard_preferences_window_new (GtkWindow    *parent,
                                LanyardStore *store)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (LANYARD_IS_STORE (store), NULL);

  return g_object_new (LANYARD_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       "store", store,
                       NULL);
}
