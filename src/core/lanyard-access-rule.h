/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lanyard-types.h"
#include "lanyard-enums.h"
#include "lanyard-schedule.h"

G_BEGIN_DECLS

/* LanyardAccessRule: A facility-level access rule: a condition on the person, target doors and hours. */
#define LANYARD_TYPE_ACCESS_RULE (lanyard_access_rule_get_type ())

G_DECLARE_FINAL_TYPE (LanyardAccessRule, lanyard_access_rule, LANYARD, ACCESS_RULE, GObject)

LanyardAccessRule *lanyard_access_rule_new (void);
gint64 lanyard_access_rule_get_id (LanyardAccessRule *self);
void lanyard_access_rule_set_id (LanyardAccessRule *self, gint64 id);
gint64 lanyard_access_rule_get_facility_id (LanyardAccessRule *self);
void lanyard_access_rule_set_facility_id (LanyardAccessRule *self, gint64 facility_id);
const char *lanyard_access_rule_get_name (LanyardAccessRule *self);
void lanyard_access_rule_set_name (LanyardAccessRule *self, const char *name);
gboolean lanyard_access_rule_get_enabled (LanyardAccessRule *self);
void lanyard_access_rule_set_enabled (LanyardAccessRule *self, gboolean enabled);
LanyardRuleCondition lanyard_access_rule_get_condition (LanyardAccessRule *self);
void lanyard_access_rule_set_condition (LanyardAccessRule *self, LanyardRuleCondition condition);
const char *lanyard_access_rule_get_value (LanyardAccessRule *self);
void lanyard_access_rule_set_value (LanyardAccessRule *self, const char *value);
LanyardRuleTarget lanyard_access_rule_get_target (LanyardAccessRule *self);
void lanyard_access_rule_set_target (LanyardAccessRule *self, LanyardRuleTarget target);
LanyardSchedule *lanyard_access_rule_get_schedule (LanyardAccessRule *self);
void lanyard_access_rule_set_schedule (LanyardAccessRule *self, LanyardSchedule *schedule);
gint64 lanyard_access_rule_get_version (LanyardAccessRule *self);
void lanyard_access_rule_set_version (LanyardAccessRule *self, gint64 version);

/* The door or scope ids the rule targets (unused for all doors). */
const gint64 *lanyard_access_rule_get_target_ids (LanyardAccessRule *self,
                                                 guint *n_ids);
void lanyard_access_rule_set_target_ids (LanyardAccessRule *self,
                                        const gint64 *ids,
                                        guint n_ids);

G_END_DECLS
