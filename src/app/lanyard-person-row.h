/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lanyard-core.h"

G_BEGIN_DECLS

/* LanyardPersonRow: one row of the People list — avatar, name, contact and badges. */
#define LANYARD_TYPE_PERSON_ROW (lanyard_person_row_get_type ())

G_DECLARE_FINAL_TYPE (LanyardPersonRow, lanyard_person_row, LANYARD, PERSON_ROW, GtkWidget)

LanyardPerson *lanyard_person_row_get_person (LanyardPersonRow *self);
void           lanyard_person_row_set_person (LanyardPersonRow *self,
                                              LanyardPerson    *person);
gboolean       lanyard_person_row_get_selection_mode (LanyardPersonRow *self);
void           lanyard_person_row_set_selection_mode (LanyardPersonRow *self,
                                                      gboolean          selection_mode);
gboolean       lanyard_person_row_get_marked (LanyardPersonRow *self);
void           lanyard_person_row_set_marked (LanyardPersonRow *self,
                                              gboolean          marked);

G_END_DECLS
