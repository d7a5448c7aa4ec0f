/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lanyard-types.h"

G_BEGIN_DECLS

/*
 * LanyardPeopleQuery: what the People list shows — one facility, a search,
 * the filter chips and the sort. A plain value: copy it, compare it, hand it
 * to any store. NULL strings mean "any".
 */
#define LANYARD_TYPE_PEOPLE_QUERY (lanyard_people_query_get_type ())

typedef struct {
  gint64                   facility_id;
  char                    *search;
  LanyardSourceFilter      source;
  LanyardAccessFilter      access;
  char                    *membership_status;
  char                    *person_type;
  char                    *tag;
  LanyardInvitationFilter  invitation;
  LanyardAdoptionFilter    adoption;
  LanyardPeopleSort        sort;
  gboolean                 descending;
} LanyardPeopleQuery;

GType               lanyard_people_query_get_type     (void) G_GNUC_CONST;
LanyardPeopleQuery *lanyard_people_query_new          (gint64                    facility_id);
LanyardPeopleQuery *lanyard_people_query_copy         (const LanyardPeopleQuery *self);
void                lanyard_people_query_free         (LanyardPeopleQuery       *self);
gboolean            lanyard_people_query_equal        (const LanyardPeopleQuery *a,
                                                       const LanyardPeopleQuery *b);
/* TRUE when a search or any filter is set: the UI then offers "clear filters". */
gboolean            lanyard_people_query_is_filtered  (const LanyardPeopleQuery *self);
/* Drops search and filters, keeps facility and sort. */
void                lanyard_people_query_clear_filters (LanyardPeopleQuery      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardPeopleQuery, lanyard_people_query_free)

/*
 * LanyardPeoplePage: one page of a people query, and the cursor that
 * continues after it (NULL when this is the last page). Cursors are opaque
 * strings, valid for the same query on the same store.
 */
#define LANYARD_TYPE_PEOPLE_PAGE (lanyard_people_page_get_type ())

typedef struct {
  GPtrArray *people;       /* LanyardPerson */
  char      *next_cursor;
} LanyardPeoplePage;

GType              lanyard_people_page_get_type (void) G_GNUC_CONST;
LanyardPeoplePage *lanyard_people_page_new      (void);
void               lanyard_people_page_free     (LanyardPeoplePage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardPeoplePage, lanyard_people_page_free)

/* The stat tiles. */
typedef struct {
  guint64 all;
  guint64 has_access;
  guint64 no_access;
} LanyardPeopleCounts;

/* One value of a filter chip with how many people of the facility have it. */
#define LANYARD_TYPE_FACET_VALUE (lanyard_facet_value_get_type ())

typedef struct {
  char    *value;
  guint64  count;
} LanyardFacetValue;

GType              lanyard_facet_value_get_type (void) G_GNUC_CONST;
LanyardFacetValue *lanyard_facet_value_new      (const char              *value,
                                                 guint64                  count);
LanyardFacetValue *lanyard_facet_value_copy     (const LanyardFacetValue *self);
void               lanyard_facet_value_free     (LanyardFacetValue       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardFacetValue, lanyard_facet_value_free)

/* Which part of the audit log to read, newest first. */
typedef struct {
  gint64      facility_id;   /* 0: every facility */
  const char *target_kind;   /* NULL: any */
  gint64      target_id;     /* 0: any */
  gint64      before_id;     /* 0: from the newest; else events older than this id */
  guint       limit;         /* 0: a default page */
} LanyardAuditQuery;

G_END_DECLS
