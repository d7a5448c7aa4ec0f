/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lanyard-person-pane.h"

struct _LanyardPersonPane
{
  GtkWidget        parent_instance;

  LanyardStore    *store;
  LanyardFacility *facility;
  LanyardPerson   *person;

  /* Template widgets */
  AdwWindowTitle  *title;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_FACILITY,
  PROP_PERSON,
  PROP_HAS_UNSAVED_CHANGES,
  PROP_BUSY,
  N_PROPS
};

enum {
  PERSON_SAVED,
  PERSON_DELETED,
  OPEN_PERSON,
  CLOSE_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardPersonPane, lanyard_person_pane, GTK_TYPE_WIDGET)

static void
on_close_button_clicked_cb (LanyardPersonPane *self,
                            GtkButton         *button)
{
  g_signal_emit (self, signals[CLOSE_REQUESTED], 0);
}

static void
lanyard_person_pane_dispose (GObject *object)
{
  LanyardPersonPane *self = LANYARD_PERSON_PANE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_PERSON_PANE);

  g_clear_object (&self->store);
  g_clear_object (&self->facility);
  g_clear_object (&self->person);

  G_OBJECT_CLASS (lanyard_person_pane_parent_class)->dispose (object);
}

static void
lanyard_person_pane_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LanyardPersonPane *self = LANYARD_PERSON_PANE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_FACILITY:
      g_value_set_object (value, self->facility);
      break;

    case PROP_PERSON:
      g_value_set_object (value, self->person);
      break;

    case PROP_HAS_UNSAVED_CHANGES:
      g_value_set_boolean (value, lanyard_person_pane_get_has_unsaved_changes (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, lanyard_person_pane_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_person_pane_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LanyardPersonPane *self = LANYARD_PERSON_PANE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lanyard_person_pane_set_store (self, g_value_get_object (value));
      break;

    case PROP_FACILITY:
      lanyard_person_pane_set_facility (self, g_value_get_object (value));
      break;

    case PROP_PERSON:
      lanyard_person_pane_set_person (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_person_pane_class_init (LanyardPersonPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_person_pane_dispose;
  object_class->get_property = lanyard_person_pane_get_property;
  object_class->set_property = lanyard_person_pane_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LANYARD_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FACILITY] =
    g_param_spec_object ("facility", NULL, NULL,
                         LANYARD_TYPE_FACILITY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PERSON] =
    g_param_spec_object ("person", NULL, NULL,
                         LANYARD_TYPE_PERSON,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_HAS_UNSAVED_CHANGES] =
    g_param_spec_boolean ("has-unsaved-changes", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PERSON_SAVED] =
    g_signal_new ("person-saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LANYARD_TYPE_PERSON);
  signals[PERSON_DELETED] =
    g_signal_new ("person-deleted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[OPEN_PERSON] =
    g_signal_new ("open-person",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[CLOSE_REQUESTED] =
    g_signal_new ("close-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-person-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, title);
  gtk_widget_class_bind_template_callback (widget_class, on_close_button_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
lanyard_person_pane_init (LanyardPersonPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LanyardStore *
lanyard_person_pane_get_store (LanyardPersonPane *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_PANE (self), NULL);

  return self->store;
}

void
lanyard_person_pane_set_store (LanyardPersonPane *self,
                               LanyardStore      *store)
{
  g_return_if_fail (LANYARD_IS_PERSON_PANE (self));
  g_return_if_fail (store == NULL || LANYARD_IS_STORE (store));

  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

LanyardFacility *
lanyard_person_pane_get_facility (LanyardPersonPane *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_PANE (self), NULL);

  return self->facility;
}

void
lanyard_person_pane_set_facility (LanyardPersonPane *self,
                                  LanyardFacility   *facility)
{
  g_return_if_fail (LANYARD_IS_PERSON_PANE (self));
  g_return_if_fail (facility == NULL || LANYARD_IS_FACILITY (facility));

  if (g_set_object (&self->facility, facility))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FACILITY]);
}

LanyardPerson *
lanyard_person_pane_get_person (LanyardPersonPane *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_PANE (self), NULL);

  return self->person;
}

void
lanyard_person_pane_set_person (LanyardPersonPane *self,
                                LanyardPerson     *person)
{
  g_autofree char *name = NULL;

  g_return_if_fail (LANYARD_IS_PERSON_PANE (self));
  g_return_if_fail (person == NULL || LANYARD_IS_PERSON (person));

  if (!g_set_object (&self->person, person))
    return;

  if (person != NULL)
    name = lanyard_person_dup_display_name (person);
  adw_window_title_set_title (self->title, name != NULL ? name : "");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON]);
}

gboolean
lanyard_person_pane_get_has_unsaved_changes (LanyardPersonPane *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_PANE (self), FALSE);

  return FALSE;
}

gboolean
lanyard_person_pane_get_busy (LanyardPersonPane *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_PANE (self), FALSE);

  return FALSE;
}
