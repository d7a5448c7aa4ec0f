/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-door.h"
#include "lanyard-util-private.h"

struct _LanyardDoor
{
  GObject parent_instance;

  gint64 id;
  gint64 facility_id;
  char *name;
  gint64 version;
};

G_DEFINE_FINAL_TYPE (LanyardDoor, lanyard_door, G_TYPE_OBJECT)

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
 * lanyard_door_new:
 *
 * Returns: (transfer full): a new, unsaved #LanyardDoor
 */
LanyardDoor *
lanyard_door_new (void)
{
  return g_object_new (LANYARD_TYPE_DOOR, NULL);
}

static void
lanyard_door_finalize (GObject *object)
{
  LanyardDoor *self = (LanyardDoor *)object;

  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (lanyard_door_parent_class)->finalize (object);
}

static void
lanyard_door_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LanyardDoor *self = LANYARD_DOOR (object);

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
lanyard_door_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LanyardDoor *self = LANYARD_DOOR (object);

  switch (prop_id)
    {
    case PROP_ID:
      lanyard_door_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_FACILITY_ID:
      lanyard_door_set_facility_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      lanyard_door_set_name (self, g_value_get_string (value));
      break;

    case PROP_VERSION:
      lanyard_door_set_version (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_door_class_init (LanyardDoorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_door_finalize;
  object_class->get_property = lanyard_door_get_property;
  object_class->set_property = lanyard_door_set_property;

  properties [PROP_ID] =
    g_param_spec_int64 ("id", NULL, "The record id; 0 until stored",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_FACILITY_ID] =
    g_param_spec_int64 ("facility-id", NULL, "The facility the door belongs to",
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
lanyard_door_init (LanyardDoor *self)
{
}

gint64
lanyard_door_get_id (LanyardDoor *self)
{
  g_return_val_if_fail (LANYARD_IS_DOOR (self), 0);

  return self->id;
}

void
lanyard_door_set_id (LanyardDoor *self,
                    gint64 id)
{
  g_return_if_fail (LANYARD_IS_DOOR (self));

  if (self->id != id)
    {
      self->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ID]);
    }
}

gint64
lanyard_door_get_facility_id (LanyardDoor *self)
{
  g_return_val_if_fail (LANYARD_IS_DOOR (self), 0);

  return self->facility_id;
}

void
lanyard_door_set_facility_id (LanyardDoor *self,
                             gint64 facility_id)
{
  g_return_if_fail (LANYARD_IS_DOOR (self));

  if (self->facility_id != facility_id)
    {
      self->facility_id = facility_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FACILITY_ID]);
    }
}

const char *
lanyard_door_get_name (LanyardDoor *self)
{
  g_return_val_if_fail (LANYARD_IS_DOOR (self), NULL);

  return self->name;
}

void
lanyard_door_set_name (LanyardDoor *self,
                      const char *name)
{
  g_return_if_fail (LANYARD_IS_DOOR (self));

  if (lanyard_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_NAME]);
}

gint64
lanyard_door_get_version (LanyardDoor *self)
{
  g_return_val_if_fail (LANYARD_IS_DOOR (self), 0);

  return self->version;
}

void
lanyard_door_set_version (LanyardDoor *self,
                         gint64 version)
{
  g_return_if_fail (LANYARD_IS_DOOR (self));

  if (self->version != version)
    {
      self->version = version;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VERSION]);
    }
}

