/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-people-query.h"

static LanyardPeoplePage *lanyard_people_page_ref_copy (LanyardPeoplePage *self);

G_DEFINE_BOXED_TYPE (LanyardPeopleQuery, lanyard_people_query,
                     lanyard_people_query_copy, lanyard_people_query_free)
G_DEFINE_BOXED_TYPE (LanyardPeoplePage, lanyard_people_page,
                     lanyard_people_page_ref_copy, lanyard_people_page_free)
G_DEFINE_BOXED_TYPE (LanyardFacetValue, lanyard_facet_value,
                     lanyard_facet_value_copy, lanyard_facet_value_free)

LanyardPeopleQuery *
lanyard_people_query_new (gint64 facility_id)
{
  LanyardPeopleQuery *self = g_new0 (LanyardPeopleQuery, 1);

  self->facility_id = facility_id;
  self->sort = LANYARD_PEOPLE_SORT_NAME;

  return self;
}

LanyardPeopleQuery *
lanyard_people_query_copy (const LanyardPeopleQuery *self)
{
  LanyardPeopleQuery *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->search = g_strdup (self->search);
  copy->membership_status = g_strdup (self->membership_status);
  copy->person_type = g_strdup (self->person_type);
  copy->tag = g_strdup (self->tag);

  return copy;
}

void
lanyard_people_query_free (LanyardPeopleQuery *self)
{
  if (self == NULL)
    return;

  g_free (self->search);
  g_free (self->membership_status);
  g_free (self->person_type);
  g_free (self->tag);
  g_free (self);
}

gboolean
lanyard_people_query_equal (const LanyardPeopleQuery *a,
                            const LanyardPeopleQuery *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return a->facility_id == b->facility_id &&
         g_strcmp0 (a->search, b->search) == 0 &&
         a->source == b->source &&
         a->access == b->access &&
         g_strcmp0 (a->membership_status, b->membership_status) == 0 &&
         g_strcmp0 (a->person_type, b->person_type) == 0 &&
         g_strcmp0 (a->tag, b->tag) == 0 &&
         a->invitation == b->invitation &&
         a->adoption == b->adoption &&
         a->sort == b->sort &&
         !a->descending == !b->descending;
}

gboolean
lanyard_people_query_is_filtered (const LanyardPeopleQuery *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return (self->search != NULL && *self->search != '\0') ||
         self->source != LANYARD_SOURCE_FILTER_ANY ||
         self->access != LANYARD_ACCESS_FILTER_ANY ||
         self->membership_status != NULL ||
         self->person_type != NULL ||
         self->tag != NULL ||
         self->invitation != LANYARD_INVITATION_FILTER_ANY ||
         self->adoption != LANYARD_ADOPTION_FILTER_ANY;
}

void
lanyard_people_query_clear_filters (LanyardPeopleQuery *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->membership_status, g_free);
  g_clear_pointer (&self->person_type, g_free);
  g_clear_pointer (&self->tag, g_free);
  self->source = LANYARD_SOURCE_FILTER_ANY;
  self->access = LANYARD_ACCESS_FILTER_ANY;
  self->invitation = LANYARD_INVITATION_FILTER_ANY;
  self->adoption = LANYARD_ADOPTION_FILTER_ANY;
}

LanyardPeoplePage *
lanyard_people_page_new (void)
{
  LanyardPeoplePage *self = g_new0 (LanyardPeoplePage, 1);

  self->people = g_ptr_array_new_with_free_func (g_object_unref);

  return self;
}

static LanyardPeoplePage *
lanyard_people_page_ref_copy (LanyardPeoplePage *self)
{
  LanyardPeoplePage *copy = lanyard_people_page_new ();

  for (guint i = 0; i < self->people->len; i++)
    g_ptr_array_add (copy->people, g_object_ref (g_ptr_array_index (self->people, i)));
  copy->next_cursor = g_strdup (self->next_cursor);

  return copy;
}

void
lanyard_people_page_free (LanyardPeoplePage *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_free (self->next_cursor);
  g_free (self);
}

LanyardFacetValue *
lanyard_facet_value_new (const char *value,
                         guint64     count)
{
  LanyardFacetValue *self = g_new0 (LanyardFacetValue, 1);

  self->value = g_strdup (value);
  self->count = count;

  return self;
}

LanyardFacetValue *
lanyard_facet_value_copy (const LanyardFacetValue *self)
{
  return lanyard_facet_value_new (self->value, self->count);
}

void
lanyard_facet_value_free (LanyardFacetValue *self)
{
  if (self == NULL)
    return;

  g_free (self->value);
  g_free (self);
}
