/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lanyard-core.h"

G_BEGIN_DECLS

/*
 * LanyardPeopleModel: a GListModel of LanyardPerson over one people query,
 * read page by page from a store as the view asks for rows. Only the pages
 * fetched so far are held. Rows whose page has not arrived yet are empty
 * placeholder people (id LANYARD_NO_ID).
 *
 * A row keeps its object while the view has it: when a page arrives, a new
 * query is shown or a person is updated, the object takes the new values
 * (lanyard_person_assign(), with notifications) instead of being replaced.
 * Views update their rows on "notify"; whoever needs a person that stays
 * the same person keeps a copy.
 */
#define LANYARD_TYPE_PEOPLE_MODEL (lanyard_people_model_get_type ())

G_DECLARE_FINAL_TYPE (LanyardPeopleModel, lanyard_people_model, LANYARD, PEOPLE_MODEL, GObject)

/* People fetched per store call. */
#define LANYARD_PEOPLE_MODEL_PAGE_SIZE 100

LanyardPeopleModel       *lanyard_people_model_new         (LanyardStore             *store);
LanyardStore             *lanyard_people_model_get_store   (LanyardPeopleModel       *self);
const LanyardPeopleQuery *lanyard_people_model_get_query   (LanyardPeopleModel       *self);

/*
 * Starts showing @query. The model holds the rows fetched and, while more
 * are to come, one page of placeholder rows after them; @n_expected is how
 * many people the query is known to match (from the stat tiles), or 0 when
 * unknown, and only shortens that last page of placeholders. The rows of
 * the previous query stay until the first page of the new one is in, so
 * typing in the search does not flash an empty list.
 */
void                      lanyard_people_model_set_query   (LanyardPeopleModel       *self,
                                                            const LanyardPeopleQuery *query,
                                                            guint                     n_expected);
/* Drops the query and every row. */
void                      lanyard_people_model_clear       (LanyardPeopleModel       *self);

/*
 * Puts @person, as stored now, in place of the row with its id, if that
 * row has been fetched. Where the change would move it to in the query's
 * order is left to the next query. Returns TRUE when a row was replaced.
 */
gboolean                  lanyard_people_model_update_person (LanyardPeopleModel *self,
                                                              LanyardPerson      *person);
/* Removes the row of the person with @person_id, if fetched; returns TRUE when one was removed. */
gboolean                  lanyard_people_model_remove_person (LanyardPeopleModel *self,
                                                              gint64              person_id);
/* The position of the fetched row of @person_id, or G_MAXUINT. */
guint                     lanyard_people_model_find_person   (LanyardPeopleModel *self,
                                                              gint64              person_id);

/* TRUE while the first page of a new query is on its way. */
gboolean                  lanyard_people_model_get_loading (LanyardPeopleModel       *self);
/* TRUE once the last page of the query is in: n_items is then the number of people it matches. */
gboolean                  lanyard_people_model_get_complete (LanyardPeopleModel      *self);

G_END_DECLS
