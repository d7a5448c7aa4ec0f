/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-grant.h"
#include "lanyard-util-private.h"

struct _LanyardGrant
{
  GObject parent_instance;

  gint64 id;
  LanyardGrantKind kind;
  gint64 target_id;
  char *target_name;
  LanyardSchedule *schedule;
};

G_DEFINE_FINAL_TYPE (LanyardGrant, lanyard_grant, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_TARGET_ID,
  PROP_TARGET_NAME,
  PROP_SCHEDULE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/**
 * lanyard_grant_new:
 *
 * Returns: (transfer full): a new, unsaved #LanyardGrant
 */
LanyardGrant *
lanyard_grant_new (void)
{
  return g_object_new (LANYARD_TYPE_GRANT, NULL);
}

static void
lanyard_grant_finalize (GObject *object)
{
  LanyardGrant *self = (LanyardGrant *)object;

  g_clear_pointer (&self->target_name, g_free);
  g_clear_pointer (&self->schedule, lanyard_schedule_unref);

  G_OBJECT_CLASS (lanyard_grant_parent_class)->finalize (object);
}

static void
lanyard_grant_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LanyardGrant *self = LANYARD_GRANT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_TARGET_ID:
      g_value_set_int64 (value, self->target_id);
      break;

    case PROP_TARGET_NAME:
      g_value_set_string (value, self->target_name);
      break;

    case PROP_SCHEDULE:
      g_value_set_boxed (value, self->schedule);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_grant_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LanyardGrant *self = LANYARD_GRANT (object);

  switch (prop_id)
    {
    case PROP_ID:
      lanyard_grant_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_KIND:
      lanyard_grant_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_TARGET_ID:
      lanyard_grant_set_target_id (self, g_value_get_int64 (value));
      break;

    case PROP_TARGET_NAME:
      lanyard_grant_set_target_name (self, g_value_get_string (value));
      break;

    case PROP_SCHEDULE:
      lanyard_grant_set_schedule (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_grant_class_init (LanyardGrantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_grant_finalize;
  object_class->get_property = lanyard_grant_get_property;
  object_class->set_property = lanyard_grant_set_property;

  properties [PROP_ID] =
    g_param_spec_int64 ("id", NULL, "The record id; 0 until stored",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_KIND] =
    g_param_spec_enum ("kind", NULL, "What the grant covers",
                       LANYARD_TYPE_GRANT_KIND,
                       LANYARD_GRANT_DOOR,
                       (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_TARGET_ID] =
    g_param_spec_int64 ("target-id", NULL, "The door or scope id; 0 for facility-wide",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_TARGET_NAME] =
    g_param_spec_string ("target-name", NULL, "Name of the door or scope, for display",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_SCHEDULE] =
    g_param_spec_boxed ("schedule", NULL, "Hours the grant applies in; NULL means always",
                        LANYARD_TYPE_SCHEDULE,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lanyard_grant_init (LanyardGrant *self)
{
  self->kind = LANYARD_GRANT_DOOR;
}

gint64
lanyard_grant_get_id (LanyardGrant *self)
{
  g_return_val_if_fail (LANYARD_IS_GRANT (self), 0);

  return self->id;
}

void
lanyard_grant_set_id (LanyardGrant *self,
                     gint64 id)
{
  g_return_if_fail (LANYARD_IS_GRANT (self));

  if (self->id != id)
    {
      self->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ID]);
    }
}

LanyardGrantKind
lanyard_grant_get_kind (LanyardGrant *self)
{
  g_return_val_if_fail (LANYARD_IS_GRANT (self), 0);

  return self->kind;
}

void
lanyard_grant_set_kind (LanyardGrant *self,
                       LanyardGrantKind kind)
{
  g_return_if_fail (LANYARD_IS_GRANT (self));

  if (self->kind != kind)
    {
      self->kind = kind;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_KIND]);
    }
}

gint64
lanyard_grant_get_target_id (LanyardGrant *self)
{
  g_return_val_if_fail (LANYARD_IS_GRANT (self), 0);

  return self->target_id;
}

void
lanyard_grant_set_target_id (LanyardGrant *self,
                            gint64 target_id)
{
  g_return_if_fail (LANYARD_IS_GRANT (self));

  if (self->target_id != target_id)
    {
      self->target_id = target_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TARGET_ID]);
    }
}

const char *
lanyard_grant_get_target_name (LanyardGrant *self)
{
  g_return_val_if_fail (LANYARD_IS_GRANT (self), NULL);

  return self->target_name;
}

void
lanyard_grant_set_target_name (LanyardGrant *self,
                              const char *target_name)
{
  g_return_if_fail (LANYARD_IS_GRANT (self));

  if (lanyard_set_str (&self->target_name, target_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TARGET_NAME]);
}

LanyardSchedule *
lanyard_grant_get_schedule (LanyardGrant *self)
{
  g_return_val_if_fail (LANYARD_IS_GRANT (self), NULL);

  return self->schedule;
}

void
lanyard_grant_set_schedule (LanyardGrant *self,
                           LanyardSchedule *schedule)
{
  g_return_if_fail (LANYARD_IS_GRANT (self));

  if (self->schedule == schedule || (self->schedule && schedule && lanyard_schedule_equal (self->schedule, schedule)))
    return;

  g_clear_pointer (&self->schedule, lanyard_schedule_unref);
  self->schedule = schedule ? lanyard_schedule_ref (schedule) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SCHEDULE]);
}

LanyardGrant *
lanyard_grant_new_full (LanyardGrantKind  kind,
                        gint64            target_id,
                        LanyardSchedule  *schedule)
{
  LanyardGrant *self = lanyard_grant_new ();

  self->kind = kind;
  self->target_id = kind == LANYARD_GRANT_FACILITY ? 0 : target_id;
  self->schedule = schedule ? lanyard_schedule_ref (schedule) : NULL;

  return self;
}

LanyardGrant *
lanyard_grant_copy (LanyardGrant *self)
{
  LanyardGrant *copy;

  g_return_val_if_fail (LANYARD_IS_GRANT (self), NULL);

  copy = lanyard_grant_new_full (self->kind, self->target_id, self->schedule);
  copy->id = self->id;
  copy->target_name = g_strdup (self->target_name);

  return copy;
}
