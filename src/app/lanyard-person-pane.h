/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lanyard-core.h"

G_BEGIN_DECLS

/*
 * LanyardPersonPane: one person, beside the People list — profile fields
 * edited in place, access, grants with schedules, invitation and app
 * activity, the person's audit history, and a danger zone.
 *
 * Every change is written to the store as soon as it is complete (a field
 * when the user presses Enter or leaves it, a switch when flipped). A
 * refused change keeps what the user typed and says why.
 *
 * Signals:
 *  - person-saved (LanyardPerson *person): a change was stored; @person is
 *    the record as stored now.
 *  - person-deleted (gint64 person_id): the person was deleted.
 *  - open-person (gint64 person_id): the user asked to see another person
 *    (the one who already has a phone or email typed here).
 *  - close-requested: the user closed the pane.
 */
#define LANYARD_TYPE_PERSON_PANE (lanyard_person_pane_get_type ())

G_DECLARE_FINAL_TYPE (LanyardPersonPane, lanyard_person_pane, LANYARD, PERSON_PANE, GtkWidget)

LanyardStore  *lanyard_person_pane_get_store        (LanyardPersonPane *self);
void           lanyard_person_pane_set_store        (LanyardPersonPane *self,
                                                     LanyardStore      *store);
LanyardFacility *lanyard_person_pane_get_facility   (LanyardPersonPane *self);
void           lanyard_person_pane_set_facility     (LanyardPersonPane *self,
                                                     LanyardFacility   *facility);
/*
 * Shows @person at once as given (a row of the list), then reads it, its
 * grants and its history from the store. NULL empties the pane.
 */
LanyardPerson *lanyard_person_pane_get_person       (LanyardPersonPane *self);
void           lanyard_person_pane_set_person       (LanyardPersonPane *self,
                                                     LanyardPerson     *person);
/* TRUE while something typed has not been stored (for example because it is not valid yet). */
gboolean       lanyard_person_pane_get_has_unsaved_changes (LanyardPersonPane *self);
/* Asks whether to delete the person shown (a message dialog) and deletes them when confirmed. */
void           lanyard_person_pane_ask_delete       (LanyardPersonPane *self);
/* TRUE while the pane is reading or writing. */
gboolean       lanyard_person_pane_get_busy         (LanyardPersonPane *self);

G_END_DECLS
