/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-scope.h"
#include "lanyard-util-private.h"

struct _LanyardScope
{
  GObject parent_instance;

  gint64 id;
  gint64 facility_id;
  char *name;
  gint64 version;
  GArray *door_ids;
};

G_DEFINE_FINAL_TYPE (LanyardScope, lanyard_scope, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FACILITY_ID,
  PROP_NAME,
  PROP_VERSION,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/**
 * lanyard_scope_new:
 *
 * Returns: (transfer full): a new, unsaved #LanyardScope
 */
LanyardScope *
lanyard_scope_new (void)
{
  return g_object_new (LANYARD_TYPE_SCOPE, NULL);
}

static void
lanyard_scope_finalize (GObject *object)
{
  LanyardScope *self = (LanyardScope *)object;

  g_clear_pointer (&self->door_ids, g_array_unref);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (lanyard_scope_parent_class)->finalize (object);
}

static void
lanyard_scope_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LanyardScope *self = LANYARD_SCOPE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_FACILITY_ID:
      g_value_set_int64 (value, self->facility_id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_scope_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LanyardScope *self = LANYARD_SCOPE (object);

  switch (prop_id)
    {
    case PROP_ID:
      lanyard_scope_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_FACILITY_ID:
      lanyard_scope_set_facility_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      lanyard_scope_set_name (self, g_value_get_string (value));
      break;

    case PROP_VERSION:
      lanyard_scope_set_version (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_scope_class_init (LanyardScopeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_scope_finalize;
  object_class->get_property = lanyard_scope_get_property;
  object_class->set_property = lanyard_scope_set_property;

  properties [PROP_ID] =
    g_param_spec_int64 ("id", NULL, "The record id; 0 until stored",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_FACILITY_ID] =
    g_param_spec_int64 ("facility-id", NULL, "The facility the scope belongs to",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_NAME] =
    g_param_spec_string ("name", NULL, "Display name, unique within the facility",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, "Record version for optimistic concurrency",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lanyard_scope_init (LanyardScope *self)
{
  self->door_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

gint64
lanyard_scope_get_id (LanyardScope *self)
{
  g_return_val_if_fail (LANYARD_IS_SCOPE (self), 0);

  return self->id;
}

void
lanyard_scope_set_id (LanyardScope *self,
                     gint64 id)
{
  g_return_if_fail (LANYARD_IS_SCOPE (self));

  if (self->id != id)
    {
      self->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ID]);
    }
}

gint64
lanyard_scope_get_facility_id (LanyardScope *self)
{
  g_return_val_if_fail (LANYARD_IS_SCOPE (self), 0);

  return self->facility_id;
}

void
lanyard_scope_set_facility_id (LanyardScope *self,
                              gint64 facility_id)
{
  g_return_if_fail (LANYARD_IS_SCOPE (self));

  if (self->facility_id != facility_id)
    {
      self->facility_id = facility_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FACILITY_ID]);
    }
}

const char *
lanyard_scope_get_name (LanyardScope *self)
{
  g_return_val_if_fail (LANYARD_IS_SCOPE (self), NULL);

  return self->name;
}

void
lanyard_scope_set_name (LanyardScope *self,
                       const char *name)
{
  g_return_if_fail (LANYARD_IS_SCOPE (self));

  if (lanyard_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_NAME]);
}

gint64
lanyard_scope_get_version (LanyardScope *self)
{
  g_return_val_if_fail (LANYARD_IS_SCOPE (self), 0);

  return self->version;
}

void
lanyard_scope_set_version (LanyardScope *self,
                          gint64 version)
{
  g_return_if_fail (LANYARD_IS_SCOPE (self));

  if (self->version != version)
    {
      self->version = version;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VERSION]);
    }
}

const gint64 *
lanyard_scope_get_door_ids (LanyardScope *self,
                           guint *n_ids)
{
  g_return_val_if_fail (LANYARD_IS_SCOPE (self), NULL);

  if (n_ids != NULL)
    *n_ids = self->door_ids->len;

  return (const gint64 *)(gpointer)self->door_ids->data;
}

void
lanyard_scope_set_door_ids (LanyardScope *self,
                           const gint64 *ids,
                           guint n_ids)
{
  g_return_if_fail (LANYARD_IS_SCOPE (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  g_array_set_size (self->door_ids, 0);
  g_array_append_vals (self->door_ids, ids, n_ids);
}
