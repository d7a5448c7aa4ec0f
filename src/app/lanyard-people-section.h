/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lanyard-core.h"

G_BEGIN_DECLS

/*
 * LanyardPeopleSection: the People section — stat tiles, search and the list
 * of one facility's people; an invitation to create a demo facility when
 * there is nobody to show.
 */
#define LANYARD_TYPE_PEOPLE_SECTION (lanyard_people_section_get_type ())

G_DECLARE_FINAL_TYPE (LanyardPeopleSection, lanyard_people_section, LANYARD, PEOPLE_SECTION, GtkWidget)

LanyardStore    *lanyard_people_section_get_store    (LanyardPeopleSection *self);
void             lanyard_people_section_set_store    (LanyardPeopleSection *self,
                                                      LanyardStore         *store);
LanyardFacility *lanyard_people_section_get_facility (LanyardPeopleSection *self);
/* Shows @facility's people, or, when it is NULL, says that there is no facility yet. */
void             lanyard_people_section_set_facility (LanyardPeopleSection *self,
                                                      LanyardFacility      *facility);
/* TRUE until what the section shows has been read from the store. */
gboolean         lanyard_people_section_get_busy     (LanyardPeopleSection *self);
/*
 * FALSE while the store cannot be reached: the tiles, the search and the
 * list stay in sight but dimmed and insensitive, so that nothing read
 * before passes for current; the person pane keeps what was typed.
 */
void             lanyard_people_section_set_current  (LanyardPeopleSection *self,
                                                      gboolean              current);
gboolean         lanyard_people_section_get_current  (LanyardPeopleSection *self);
/* TRUE while something typed in the person pane has not been stored. */
gboolean         lanyard_people_section_get_has_unsaved_changes (LanyardPeopleSection *self);
/* Reads the counts and the list again. */
void             lanyard_people_section_reload       (LanyardPeopleSection *self);
void             lanyard_people_section_focus_search (LanyardPeopleSection *self);
/* Selection mode: a check button per row and actions for the people ticked. */
gboolean         lanyard_people_section_get_selection_mode (LanyardPeopleSection *self);
void             lanyard_people_section_set_selection_mode (LanyardPeopleSection *self,
                                                            gboolean              selection_mode);
/* Asks for a new facility's name and time zone, creates it and shows it. */
void             lanyard_people_section_new_facility (LanyardPeopleSection *self);
/* Opens the Add Person dialog for the facility shown. */
void             lanyard_people_section_add_person   (LanyardPeopleSection *self);
/* Shows the person with @person_id in the pane, selecting their row when it is in the list. */
void             lanyard_people_section_open_person  (LanyardPeopleSection *self,
                                                      gint64                person_id);

/*
 * Writes the people the list shows — its search, filters and order — to
 * @file as CSV, with progress and a Cancel button at the bottom of the
 * section and a toast at the end. Does nothing while an export runs.
 */
void                  lanyard_people_section_export_to       (LanyardPeopleSection *self,
                                                              GFile                *file);

G_END_DECLS
