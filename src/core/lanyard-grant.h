/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lanyard-types.h"
#include "lanyard-enums.h"
#include "lanyard-schedule.h"

G_BEGIN_DECLS

/* LanyardGrant: A per-person grant: facility-wide, one door or one access scope, with optional hours. */
#define LANYARD_TYPE_GRANT (lanyard_grant_get_type ())

G_DECLARE_FINAL_TYPE (LanyardGrant, lanyard_grant, LANYARD, GRANT, GObject)

LanyardGrant *lanyard_grant_new (void);
gint64 lanyard_grant_get_id (LanyardGrant *self);
void lanyard_grant_set_id (LanyardGrant *self, gint64 id);
LanyardGrantKind lanyard_grant_get_kind (LanyardGrant *self);
void lanyard_grant_set_kind (LanyardGrant *self, LanyardGrantKind kind);
gint64 lanyard_grant_get_target_id (LanyardGrant *self);
void lanyard_grant_set_target_id (LanyardGrant *self, gint64 target_id);
const char *lanyard_grant_get_target_name (LanyardGrant *self);
void lanyard_grant_set_target_name (LanyardGrant *self, const char *target_name);
LanyardSchedule *lanyard_grant_get_schedule (LanyardGrant *self);
void lanyard_grant_set_schedule (LanyardGrant *self, LanyardSchedule *schedule);

LanyardGrant *lanyard_grant_new_full (LanyardGrantKind  kind,
                                      gint64            target_id,
                                      LanyardSchedule  *schedule);
LanyardGrant *lanyard_grant_copy     (LanyardGrant     *self);

G_END_DECLS
