/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lanyard-types.h"
#include "lanyard-enums.h"

G_BEGIN_DECLS

/* LanyardAuditEvent: One entry of the append-only audit log. */
#define LANYARD_TYPE_AUDIT_EVENT (lanyard_audit_event_get_type ())

G_DECLARE_FINAL_TYPE (LanyardAuditEvent, lanyard_audit_event, LANYARD, AUDIT_EVENT, GObject)

LanyardAuditEvent *lanyard_audit_event_new (void);
gint64 lanyard_audit_event_get_id (LanyardAuditEvent *self);
void lanyard_audit_event_set_id (LanyardAuditEvent *self, gint64 id);
gint64 lanyard_audit_event_get_at (LanyardAuditEvent *self);
void lanyard_audit_event_set_at (LanyardAuditEvent *self, gint64 at);
const char *lanyard_audit_event_get_actor (LanyardAuditEvent *self);
void lanyard_audit_event_set_actor (LanyardAuditEvent *self, const char *actor);
const char *lanyard_audit_event_get_action (LanyardAuditEvent *self);
void lanyard_audit_event_set_action (LanyardAuditEvent *self, const char *action);
gint64 lanyard_audit_event_get_facility_id (LanyardAuditEvent *self);
void lanyard_audit_event_set_facility_id (LanyardAuditEvent *self, gint64 facility_id);
const char *lanyard_audit_event_get_target_kind (LanyardAuditEvent *self);
void lanyard_audit_event_set_target_kind (LanyardAuditEvent *self, const char *target_kind);
gint64 lanyard_audit_event_get_target_id (LanyardAuditEvent *self);
void lanyard_audit_event_set_target_id (LanyardAuditEvent *self, gint64 target_id);
const char *lanyard_audit_event_get_target_label (LanyardAuditEvent *self);
void lanyard_audit_event_set_target_label (LanyardAuditEvent *self, const char *target_label);
const char *lanyard_audit_event_get_changes (LanyardAuditEvent *self);
void lanyard_audit_event_set_changes (LanyardAuditEvent *self, const char *changes);

G_END_DECLS
