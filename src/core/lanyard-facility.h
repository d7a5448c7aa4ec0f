/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lanyard-types.h"
#include "lanyard-enums.h"

G_BEGIN_DECLS

/* LanyardFacility: A site: one database can hold several. */
#define LANYARD_TYPE_FACILITY (lanyard_facility_get_type ())

G_DECLARE_FINAL_TYPE (LanyardFacility, lanyard_facility, LANYARD, FACILITY, GObject)

LanyardFacility *lanyard_facility_new (void);
gint64 lanyard_facility_get_id (LanyardFacility *self);
void lanyard_facility_set_id (LanyardFacility *self, gint64 id);
const char *lanyard_facility_get_name (LanyardFacility *self);
void lanyard_facility_set_name (LanyardFacility *self, const char *name);
const char *lanyard_facility_get_timezone (LanyardFacility *self);
void lanyard_facility_set_timezone (LanyardFacility *self, const char *timezone);
gint64 lanyard_facility_get_version (LanyardFacility *self);
void lanyard_facility_set_version (LanyardFacility *self, gint64 version);

G_END_DECLS
