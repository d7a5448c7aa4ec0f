/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-access-rule.h"
#include "lanyard-util-private.h"

struct _LanyardAccessRule
{
  GObject parent_instance;

  gint64 id;
  gint64 facility_id;
  char *name;
  guint enabled : 1;
  LanyardRuleCondition condition;
  char *value;
  LanyardRuleTarget target;
  LanyardSchedule *schedule;
  gint64 version;
  GArray *target_ids;
};

G_DEFINE_FINAL_TYPE (LanyardAccessRule, lanyard_access_rule, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FACILITY_ID,
  PROP_NAME,
  PROP_ENABLED,
  PROP_CONDITION,
  PROP_VALUE,
  PROP_TARGET,
  PROP_SCHEDULE,
  PROP_VERSION,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/**
 * lanyard_access_rule_new:
 *
 * Returns: (transfer full): a new, unsaved #LanyardAccessRule
 */
LanyardAccessRule *
lanyard_access_rule_new (void)
{
  return g_object_new (LANYARD_TYPE_ACCESS_RULE, NULL);
}

static void
lanyard_access_rule_finalize (GObject *object)
{
  LanyardAccessRule *self = (LanyardAccessRule *)object;

  g_clear_pointer (&self->target_ids, g_array_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->value, g_free);
  g_clear_pointer (&self->schedule, lanyard_schedule_unref);

  G_OBJECT_CLASS (lanyard_access_rule_parent_class)->finalize (object);
}

static void
lanyard_access_rule_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LanyardAccessRule *self = LANYARD_ACCESS_RULE (object);

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

    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;

    case PROP_CONDITION:
      g_value_set_enum (value, self->condition);
      break;

    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;

    case PROP_TARGET:
      g_value_set_enum (value, self->target);
      break;

    case PROP_SCHEDULE:
      g_value_set_boxed (value, self->schedule);
      break;

    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_access_rule_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LanyardAccessRule *self = LANYARD_ACCESS_RULE (object);

  switch (prop_id)
    {
    case PROP_ID:
      lanyard_access_rule_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_FACILITY_ID:
      lanyard_access_rule_set_facility_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      lanyard_access_rule_set_name (self, g_value_get_string (value));
      break;

    case PROP_ENABLED:
      lanyard_access_rule_set_enabled (self, g_value_get_boolean (value));
      break;

    case PROP_CONDITION:
      lanyard_access_rule_set_condition (self, g_value_get_enum (value));
      break;

    case PROP_VALUE:
      lanyard_access_rule_set_value (self, g_value_get_string (value));
      break;

    case PROP_TARGET:
      lanyard_access_rule_set_target (self, g_value_get_enum (value));
      break;

    case PROP_SCHEDULE:
      lanyard_access_rule_set_schedule (self, g_value_get_boxed (value));
      break;

    case PROP_VERSION:
      lanyard_access_rule_set_version (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_access_rule_class_init (LanyardAccessRuleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_access_rule_finalize;
  object_class->get_property = lanyard_access_rule_get_property;
  object_class->set_property = lanyard_access_rule_set_property;

  properties [PROP_ID] =
    g_param_spec_int64 ("id", NULL, "The record id; 0 until stored",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_FACILITY_ID] =
    g_param_spec_int64 ("facility-id", NULL, "The facility the rule belongs to",
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

  properties [PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, "Whether the rule takes part in decisions",
                          TRUE,
                          (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_CONDITION] =
    g_param_spec_enum ("condition", NULL, "What the rule looks at on the person",
                       LANYARD_TYPE_RULE_CONDITION,
                       LANYARD_RULE_CONDITION_PERSON_TYPE,
                       (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_VALUE] =
    g_param_spec_string ("value", NULL, "The person type, membership status or tag the rule matches",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_TARGET] =
    g_param_spec_enum ("target", NULL, "Which doors the rule opens",
                       LANYARD_TYPE_RULE_TARGET,
                       LANYARD_RULE_TARGET_ALL_DOORS,
                       (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_SCHEDULE] =
    g_param_spec_boxed ("schedule", NULL, "Hours the rule applies in; NULL means always",
                        LANYARD_TYPE_SCHEDULE,
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
lanyard_access_rule_init (LanyardAccessRule *self)
{
  self->target_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->enabled = TRUE;
  self->condition = LANYARD_RULE_CONDITION_PERSON_TYPE;
  self->target = LANYARD_RULE_TARGET_ALL_DOORS;
}

gint64
lanyard_access_rule_get_id (LanyardAccessRule *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (self), 0);

  return self->id;
}

void
lanyard_access_rule_set_id (LanyardAccessRule *self,
                           gint64 id)
{
  g_return_if_fail (LANYARD_IS_ACCESS_RULE (self));

  if (self->id != id)
    {
      self->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ID]);
    }
}

gint64
lanyard_access_rule_get_facility_id (LanyardAccessRule *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (self), 0);

  return self->facility_id;
}

void
lanyard_access_rule_set_facility_id (LanyardAccessRule *self,
                                    gint64 facility_id)
{
  g_return_if_fail (LANYARD_IS_ACCESS_RULE (self));

  if (self->facility_id != facility_id)
    {
      self->facility_id = facility_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FACILITY_ID]);
    }
}

const char *
lanyard_access_rule_get_name (LanyardAccessRule *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (self), NULL);

  return self->name;
}

void
lanyard_access_rule_set_name (LanyardAccessRule *self,
                             const char *name)
{
  g_return_if_fail (LANYARD_IS_ACCESS_RULE (self));

  if (lanyard_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_NAME]);
}

gboolean
lanyard_access_rule_get_enabled (LanyardAccessRule *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (self), FALSE);

  return self->enabled;
}

void
lanyard_access_rule_set_enabled (LanyardAccessRule *self,
                                gboolean enabled)
{
  g_return_if_fail (LANYARD_IS_ACCESS_RULE (self));

  enabled = !!enabled;

  if (self->enabled != enabled)
    {
      self->enabled = enabled;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ENABLED]);
    }
}

LanyardRuleCondition
lanyard_access_rule_get_condition (LanyardAccessRule *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (self), 0);

  return self->condition;
}

void
lanyard_access_rule_set_condition (LanyardAccessRule *self,
                                  LanyardRuleCondition condition)
{
  g_return_if_fail (LANYARD_IS_ACCESS_RULE (self));

  if (self->condition != condition)
    {
      self->condition = condition;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CONDITION]);
    }
}

const char *
lanyard_access_rule_get_value (LanyardAccessRule *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (self), NULL);

  return self->value;
}

void
lanyard_access_rule_set_value (LanyardAccessRule *self,
                              const char *value)
{
  g_return_if_fail (LANYARD_IS_ACCESS_RULE (self));

  if (lanyard_set_str (&self->value, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VALUE]);
}

LanyardRuleTarget
lanyard_access_rule_get_target (LanyardAccessRule *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (self), 0);

  return self->target;
}

void
lanyard_access_rule_set_target (LanyardAccessRule *self,
                               LanyardRuleTarget target)
{
  g_return_if_fail (LANYARD_IS_ACCESS_RULE (self));

  if (self->target != target)
    {
      self->target = target;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TARGET]);
    }
}

LanyardSchedule *
lanyard_access_rule_get_schedule (LanyardAccessRule *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (self), NULL);

  return self->schedule;
}

void
lanyard_access_rule_set_schedule (LanyardAccessRule *self,
                                 LanyardSchedule *schedule)
{
  g_return_if_fail (LANYARD_IS_ACCESS_RULE (self));

  if (self->schedule == schedule || (self->schedule && schedule && lanyard_schedule_equal (self->schedule, schedule)))
    return;

  g_clear_pointer (&self->schedule, lanyard_schedule_unref);
  self->schedule = schedule ? lanyard_schedule_ref (schedule) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SCHEDULE]);
}

gint64
lanyard_access_rule_get_version (LanyardAccessRule *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (self), 0);

  return self->version;
}

void
lanyard_access_rule_set_version (LanyardAccessRule *self,
                                gint64 version)
{
  g_return_if_fail (LANYARD_IS_ACCESS_RULE (self));

  if (self->version != version)
    {
      self->version = version;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VERSION]);
    }
}

const gint64 *
lanyard_access_rule_get_target_ids (LanyardAccessRule *self,
                                   guint *n_ids)
{
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (self), NULL);

  if (n_ids != NULL)
    *n_ids = self->target_ids->len;

  return (const gint64 *)(gpointer)self->target_ids->data;
}

void
lanyard_access_rule_set_target_ids (LanyardAccessRule *self,
                                   const gint64 *ids,
                                   guint n_ids)
{
  g_return_if_fail (LANYARD_IS_ACCESS_RULE (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  g_array_set_size (self->target_ids, 0);
  g_array_append_vals (self->target_ids, ids, n_ids);
}
