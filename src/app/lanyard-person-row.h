/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lanyard-core.h"

G_BEGIN_DECLS

/* The badges a row can show, in the order they stand. */
typedef enum {
  LANYARD_PERSON_BADGE_SOURCE,
  LANYARD_PERSON_BADGE_MEMBERSHIP_STATUS,
  LANYARD_PERSON_BADGE_DECOUPLED,
  LANYARD_PERSON_BADGE_GRANTS,
  LANYARD_PERSON_BADGE_MESSAGE,
  LANYARD_PERSON_BADGE_INVITATION,
  LANYARD_PERSON_BADGE_DISABLED,
  LANYARD_N_PERSON_BADGES
} LanyardPersonBadge;

/* LanyardPersonRow: one row of the People list — avatar, name, contact and badges. */
#define LANYARD_TYPE_PERSON_ROW (lanyard_person_row_get_type ())

G_DECLARE_FINAL_TYPE (LanyardPersonRow, lanyard_person_row, LANYARD, PERSON_ROW, GtkWidget)

LanyardPerson *lanyard_person_row_get_person (LanyardPersonRow *self);
void           lanyard_person_row_set_person (LanyardPersonRow *self,
                                              LanyardPerson    *person);
/* FALSE while the row waits for a frame to show its person's latest values. */
gboolean       lanyard_person_row_is_up_to_date   (LanyardPersonRow   *self);
gboolean       lanyard_person_row_get_badge_shown (LanyardPersonRow   *self,
                                                   LanyardPersonBadge  badge);
/* The check button of selection mode; NULL until the row was first in selection mode. */
GtkCheckButton *lanyard_person_row_get_check_button (LanyardPersonRow *self);
gboolean       lanyard_person_row_get_selection_mode (LanyardPersonRow *self);
void           lanyard_person_row_set_selection_mode (LanyardPersonRow *self,
                                                      gboolean          selection_mode);
/*
 * The ids (gint64 *) ticked in selection mode, shared by the list's rows: a
 * row showing another person is ticked or not by it.
 */
void           lanyard_person_row_set_marks (LanyardPersonRow *self,
                                             GHashTable       *marks);
gboolean       lanyard_person_row_get_marked (LanyardPersonRow *self);
void           lanyard_person_row_set_marked (LanyardPersonRow *self,
                                              gboolean          marked);

G_END_DECLS
