/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lanyard-types.h"
#include "lanyard-enums.h"

G_BEGIN_DECLS

/* LanyardDoor: A door of a facility; its name is unique there. */
#define LANYARD_TYPE_DOOR (lanyard_door_get_type ())

G_DECLARE_FINAL_TYPE (LanyardDoor, lanyard_door, LANYARD, DOOR, GObject)

LanyardDoor *lanyard_door_new (void);
gint64 lanyard_door_get_id (LanyardDoor *self);
void lanyard_door_set_id (LanyardDoor *self, gint64 id);
gint64 lanyard_door_get_facility_id (LanyardDoor *self);
void lanyard_door_set_facility_id (LanyardDoor *self, gint64 facility_id);
const char *lanyard_door_get_name (LanyardDoor *self);
void lanyard_door_set_name (LanyardDoor *self, const char *name);
gint64 lanyard_door_get_version (LanyardDoor *self);
void lanyard_door_set_version (LanyardDoor *self, gint64 version);

G_END_DECLS
