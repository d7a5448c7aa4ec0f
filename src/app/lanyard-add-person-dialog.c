/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <glib/gi18n.h>

#include "lanyard-add-person-dialog.h"

struct _LanyardAddPersonDialog
{
  AdwWindow        parent_instance;

  LanyardStore    *store;
  LanyardFacility *facility;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_FACILITY,
  N_PROPS
};

enum {
  PERSON_ADDED,
  OPEN_PERSON,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardAddPersonDialog, lanyard_add_person_dialog, ADW_TYPE_WINDOW)

static void
lanyard_add_person_dialog_dispose (GObject *object)
{
  LanyardAddPersonDialog *self = LANYARD_ADD_PERSON_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_ADD_PERSON_DIALOG);

  g_clear_object (&self->store);
  g_clear_object (&self->facility);

  G_OBJECT_CLASS (lanyard_add_person_dialog_parent_class)->dispose (object);
}

static void
lanyard_add_person_dialog_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  LanyardAddPersonDialog *self = LANYARD_ADD_PERSON_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_FACILITY:
      g_value_set_object (value, self->facility);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_add_person_dialog_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  LanyardAddPersonDialog *self = LANYARD_ADD_PERSON_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_FACILITY:
      self->facility = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_add_person_dialog_class_init (LanyardAddPersonDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_add_person_dialog_dispose;
  object_class->get_property = lanyard_add_person_dialog_get_property;
  object_class->set_property = lanyard_add_person_dialog_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LANYARD_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FACILITY] =
    g_param_spec_object ("facility", NULL, NULL,
                         LANYARD_TYPE_FACILITY,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PERSON_ADDED] =
    g_signal_new ("person-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LANYARD_TYPE_PERSON);
  signals[OPEN_PERSON] =
    g_signal_new ("open-person",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-add-person-dialog.ui");
}

static void
lanyard_add_person_dialog_init (LanyardAddPersonDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LanyardAddPersonDialog *
lanyard_add_person_dialog_new (GtkWindow       *parent,
                               LanyardStore    *store,
                               LanyardFacility *facility)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (LANYARD_IS_STORE (store), NULL);
  g_return_val_if_fail (LANYARD_IS_FACILITY (facility), NULL);

  return g_object_new (LANYARD_TYPE_ADD_PERSON_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "store", store,
                       "facility", facility,
                       NULL);
}
