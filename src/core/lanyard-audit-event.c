/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-audit-event.h"
#include "lanyard-util-private.h"

struct _LanyardAuditEvent
{
  GObject parent_instance;

  gint64 id;
  gint64 at;
  char *actor;
  char *action;
  gint64 facility_id;
  char *target_kind;
  gint64 target_id;
  char *target_label;
  char *changes;
};

G_DEFINE_FINAL_TYPE (LanyardAuditEvent, lanyard_audit_event, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_AT,
  PROP_ACTOR,
  PROP_ACTION,
  PROP_FACILITY_ID,
  PROP_TARGET_KIND,
  PROP_TARGET_ID,
  PROP_TARGET_LABEL,
  PROP_CHANGES,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/**
 * lanyard_audit_event_new:
 *
 * Returns: (transfer full): a new, unsaved #LanyardAuditEvent
 */
LanyardAuditEvent *
lanyard_audit_event_new (void)
{
  return g_object_new (LANYARD_TYPE_AUDIT_EVENT, NULL);
}

static void
lanyard_audit_event_finalize (GObject *object)
{
  LanyardAuditEvent *self = (LanyardAuditEvent *)object;

  g_clear_pointer (&self->actor, g_free);
  g_clear_pointer (&self->action, g_free);
  g_clear_pointer (&self->target_kind, g_free);
  g_clear_pointer (&self->target_label, g_free);
  g_clear_pointer (&self->changes, g_free);

  G_OBJECT_CLASS (lanyard_audit_event_parent_class)->finalize (object);
}

static void
lanyard_audit_event_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LanyardAuditEvent *self = LANYARD_AUDIT_EVENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_AT:
      g_value_set_int64 (value, self->at);
      break;

    case PROP_ACTOR:
      g_value_set_string (value, self->actor);
      break;

    case PROP_ACTION:
      g_value_set_string (value, self->action);
      break;

    case PROP_FACILITY_ID:
      g_value_set_int64 (value, self->facility_id);
      break;

    case PROP_TARGET_KIND:
      g_value_set_string (value, self->target_kind);
      break;

    case PROP_TARGET_ID:
      g_value_set_int64 (value, self->target_id);
      break;

    case PROP_TARGET_LABEL:
      g_value_set_string (value, self->target_label);
      break;

    case PROP_CHANGES:
      g_value_set_string (value, self->changes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_audit_event_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LanyardAuditEvent *self = LANYARD_AUDIT_EVENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      lanyard_audit_event_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_AT:
      lanyard_audit_event_set_at (self, g_value_get_int64 (value));
      break;

    case PROP_ACTOR:
      lanyard_audit_event_set_actor (self, g_value_get_string (value));
      break;

    case PROP_ACTION:
      lanyard_audit_event_set_action (self, g_value_get_string (value));
      break;

    case PROP_FACILITY_ID:
      lanyard_audit_event_set_facility_id (self, g_value_get_int64 (value));
      break;

    case PROP_TARGET_KIND:
      lanyard_audit_event_set_target_kind (self, g_value_get_string (value));
      break;

    case PROP_TARGET_ID:
      lanyard_audit_event_set_target_id (self, g_value_get_int64 (value));
      break;

    case PROP_TARGET_LABEL:
      lanyard_audit_event_set_target_label (self, g_value_get_string (value));
      break;

    case PROP_CHANGES:
      lanyard_audit_event_set_changes (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_audit_event_class_init (LanyardAuditEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_audit_event_finalize;
  object_class->get_property = lanyard_audit_event_get_property;
  object_class->set_property = lanyard_audit_event_set_property;

  properties [PROP_ID] =
    g_param_spec_int64 ("id", NULL, "The record id",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_AT] =
    g_param_spec_int64 ("at", NULL, "When, in microseconds since the Unix epoch",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, "Who made the change",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_ACTION] =
    g_param_spec_string ("action", NULL, "What was done, e.g. person.update",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_FACILITY_ID] =
    g_param_spec_int64 ("facility-id", NULL, "The facility concerned, 0 for none",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_TARGET_KIND] =
    g_param_spec_string ("target-kind", NULL, "Kind of record changed, e.g. person",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_TARGET_ID] =
    g_param_spec_int64 ("target-id", NULL, "Id of the record changed",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_TARGET_LABEL] =
    g_param_spec_string ("target-label", NULL, "Name of the record at the time of the change",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_CHANGES] =
    g_param_spec_string ("changes", NULL, "JSON object: field name to [before, after]",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lanyard_audit_event_init (LanyardAuditEvent *self)
{
}

gint64
lanyard_audit_event_get_id (LanyardAuditEvent *self)
{
  g_return_val_if_fail (LANYARD_IS_AUDIT_EVENT (self), 0);

  return self->id;
}

void
lanyard_audit_event_set_id (LanyardAuditEvent *self,
                           gint64 id)
{
  g_return_if_fail (LANYARD_IS_AUDIT_EVENT (self));

  if (self->id != id)
    {
      self->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ID]);
    }
}

gint64
lanyard_audit_event_get_at (LanyardAuditEvent *self)
{
  g_return_val_if_fail (LANYARD_IS_AUDIT_EVENT (self), 0);

  return self->at;
}

void
lanyard_audit_event_set_at (LanyardAuditEvent *self,
                           gint64 at)
{
  g_return_if_fail (LANYARD_IS_AUDIT_EVENT (self));

  if (self->at != at)
    {
      self->at = at;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_AT]);
    }
}

const char *
lanyard_audit_event_get_actor (LanyardAuditEvent *self)
{
  g_return_val_if_fail (LANYARD_IS_AUDIT_EVENT (self), NULL);

  return self->actor;
}

void
lanyard_audit_event_set_actor (LanyardAuditEvent *self,
                              const char *actor)
{
  g_return_if_fail (LANYARD_IS_AUDIT_EVENT (self));

  if (lanyard_set_str (&self->actor, actor))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ACTOR]);
}

const char *
lanyard_audit_event_get_action (LanyardAuditEvent *self)
{
  g_return_val_if_fail (LANYARD_IS_AUDIT_EVENT (self), NULL);

  return self->action;
}

void
lanyard_audit_event_set_action (LanyardAuditEvent *self,
                               const char *action)
{
  g_return_if_fail (LANYARD_IS_AUDIT_EVENT (self));

  if (lanyard_set_str (&self->action, action))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ACTION]);
}

gint64
lanyard_audit_event_get_facility_id (LanyardAuditEvent *self)
{
  g_return_val_if_fail (LANYARD_IS_AUDIT_EVENT (self), 0);

  return self->facility_id;
}

void
lanyard_audit_event_set_facility_id (LanyardAuditEvent *self,
                                    gint64 facility_id)
{
  g_return_if_fail (LANYARD_IS_AUDIT_EVENT (self));

  if (self->facility_id != facility_id)
    {
      self->facility_id = facility_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FACILITY_ID]);
    }
}

const char *
lanyard_audit_event_get_target_kind (LanyardAuditEvent *self)
{
  g_return_val_if_fail (LANYARD_IS_AUDIT_EVENT (self), NULL);

  return self->target_kind;
}

void
lanyard_audit_event_set_target_kind (LanyardAuditEvent *self,
                                    const char *target_kind)
{
  g_return_if_fail (LANYARD_IS_AUDIT_EVENT (self));

  if (lanyard_set_str (&self->target_kind, target_kind))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TARGET_KIND]);
}

gint64
lanyard_audit_event_get_target_id (LanyardAuditEvent *self)
{
  g_return_val_if_fail (LANYARD_IS_AUDIT_EVENT (self), 0);

  return self->target_id;
}

void
lanyard_audit_event_set_target_id (LanyardAuditEvent *self,
                                  gint64 target_id)
{
  g_return_if_fail (LANYARD_IS_AUDIT_EVENT (self));

  if (self->target_id != target_id)
    {
      self->target_id = target_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TARGET_ID]);
    }
}

const char *
lanyard_audit_event_get_target_label (LanyardAuditEvent *self)
{
  g_return_val_if_fail (LANYARD_IS_AUDIT_EVENT (self), NULL);

  return self->target_label;
}

void
lanyard_audit_event_set_target_label (LanyardAuditEvent *self,
                                     const char *target_label)
{
  g_return_if_fail (LANYARD_IS_AUDIT_EVENT (self));

  if (lanyard_set_str (&self->target_label, target_label))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TARGET_LABEL]);
}

const char *
lanyard_audit_event_get_changes (LanyardAuditEvent *self)
{
  g_return_val_if_fail (LANYARD_IS_AUDIT_EVENT (self), NULL);

  return self->changes;
}

void
lanyard_audit_event_set_changes (LanyardAuditEvent *self,
                                const char *changes)
{
  g_return_if_fail (LANYARD_IS_AUDIT_EVENT (self));

  if (lanyard_set_str (&self->changes, changes))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CHANGES]);
}

