/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lanyard-types.h"
#include "lanyard-enums.h"

G_BEGIN_DECLS

/* LanyardScope: An access scope: a named set of doors of one facility. */
#define LANYARD_TYPE_SCOPE (lanyard_scope_get_type ())

G_DECLARE_FINAL_TYPE (LanyardScope, lanyard_scope, LANYARD, SCOPE, GObject)

LanyardScope *lanyard_scope_new (void);
gint64 lanyard_scope_get_id (LanyardScope *self);
void lanyard_scope_set_id (LanyardScope *self, gint64 id);
gint64 lanyard_scope_get_facility_id (LanyardScope *self);
void lanyard_scope_set_facility_id (LanyardScope *self, gint64 facility_id);
const char *lanyard_scope_get_name (LanyardScope *self);
void lanyard_scope_set_name (LanyardScope *self, const char *name);
gint64 lanyard_scope_get_version (LanyardScope *self);
void lanyard_scope_set_version (LanyardScope *self, gint64 version);

/* The doors of the scope, by id. */
const gint64 *lanyard_scope_get_door_ids (LanyardScope *self,
                                         guint *n_ids);
void lanyard_scope_set_door_ids (LanyardScope *self,
                                const gint64 *ids,
                                guint n_ids);

G_END_DECLS
