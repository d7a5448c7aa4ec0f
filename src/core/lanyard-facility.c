/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-facility.h"
#include "lanyard-util-private.h"

struct _LanyardFacility
{
  GObject parent_instance;

  gint64 id;
  char *name;
  char *timezone;
  gint64 version;
};

G_DEFINE_FINAL_TYPE (LanyardFacility, lanyard_facility, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_TIMEZONE,
  PROP_VERSION,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/**
 * lanyard_facility_new:
 *
 * Returns: (transfer full): a new, unsaved #LanyardFacility
 */
LanyardFacility *
lanyard_facility_new (void)
{
  return g_object_new (LANYARD_TYPE_FACILITY, NULL);
}

static void
lanyard_facility_finalize (GObject *object)
{
  LanyardFacility *self = (LanyardFacility *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->timezone, g_free);

  G_OBJECT_CLASS (lanyard_facility_parent_class)->finalize (object);
}

static void
lanyard_facility_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LanyardFacility *self = LANYARD_FACILITY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_TIMEZONE:
      g_value_set_string (value, self->timezone);
      break;

    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_facility_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LanyardFacility *self = LANYARD_FACILITY (object);

  switch (prop_id)
    {
    case PROP_ID:
      lanyard_facility_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      lanyard_facility_set_name (self, g_value_get_string (value));
      break;

    case PROP_TIMEZONE:
      lanyard_facility_set_timezone (self, g_value_get_string (value));
      break;

    case PROP_VERSION:
      lanyard_facility_set_version (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_facility_class_init (LanyardFacilityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_facility_finalize;
  object_class->get_property = lanyard_facility_get_property;
  object_class->set_property = lanyard_facility_set_property;

  properties [PROP_ID] =
    g_param_spec_int64 ("id", NULL, "The record id; 0 until stored",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_NAME] =
    g_param_spec_string ("name", NULL, "Display name",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_TIMEZONE] =
    g_param_spec_string ("timezone", NULL, "IANA time zone of the facility, e.g. Europe/Berlin",
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
lanyard_facility_init (LanyardFacility *self)
{
}

gint64
lanyard_facility_get_id (LanyardFacility *self)
{
  g_return_val_if_fail (LANYARD_IS_FACILITY (self), 0);

  return self->id;
}

void
lanyard_facility_set_id (LanyardFacility *self,
                        gint64 id)
{
  g_return_if_fail (LANYARD_IS_FACILITY (self));

  if (self->id != id)
    {
      self->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ID]);
    }
}

const char *
lanyard_facility_get_name (LanyardFacility *self)
{
  g_return_val_if_fail (LANYARD_IS_FACILITY (self), NULL);

  return self->name;
}

void
lanyard_facility_set_name (LanyardFacility *self,
                          const char *name)
{
  g_return_if_fail (LANYARD_IS_FACILITY (self));

  if (lanyard_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_NAME]);
}

const char *
lanyard_facility_get_timezone (LanyardFacility *self)
{
  g_return_val_if_fail (LANYARD_IS_FACILITY (self), NULL);

  return self->timezone;
}

void
lanyard_facility_set_timezone (LanyardFacility *self,
                              const char *timezone)
{
  g_return_if_fail (LANYARD_IS_FACILITY (self));

  if (lanyard_set_str (&self->timezone, timezone))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TIMEZONE]);
}

gint64
lanyard_facility_get_version (LanyardFacility *self)
{
  g_return_val_if_fail (LANYARD_IS_FACILITY (self), 0);

  return self->version;
}

void
lanyard_facility_set_version (LanyardFacility *self,
                             gint64 version)
{
  g_return_if_fail (LANYARD_IS_FACILITY (self));

  if (self->version != version)
    {
      self->version = version;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VERSION]);
    }
}

