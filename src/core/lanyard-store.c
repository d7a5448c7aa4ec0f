/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-store.h"

G_DEFINE_INTERFACE (LanyardStore, lanyard_store, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (LanyardDecisionReport, lanyard_decision_report,
                     lanyard_decision_report_copy, lanyard_decision_report_free)

static void
lanyard_store_default_init (LanyardStoreInterface *iface)
{
}

LanyardDecisionReport *
lanyard_decision_report_copy (const LanyardDecisionReport *self)
{
  LanyardDecisionReport *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->person_name = g_strdup (self->person_name);
  copy->door_name = g_strdup (self->door_name);
  copy->match_name = g_strdup (self->match_name);

  return copy;
}

void
lanyard_decision_report_free (LanyardDecisionReport *self)
{
  if (self == NULL)
    return;

  g_free (self->person_name);
  g_free (self->door_name);
  g_free (self->match_name);
  g_free (self);
}

GPtrArray *
lanyard_store_list_facilities (LanyardStore *self,
                               GCancellable *cancellable,
                               GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->list_facilities (self, cancellable, error);
}

LanyardFacility *
lanyard_store_save_facility (LanyardStore *self,
                             LanyardFacility *facility,
                             GCancellable *cancellable,
                             GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (LANYARD_IS_FACILITY (facility), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->save_facility (self, facility, cancellable, error);
}

GPtrArray *
lanyard_store_list_doors (LanyardStore *self,
                          gint64 facility_id,
                          GCancellable *cancellable,
                          GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->list_doors (self, facility_id, cancellable, error);
}

LanyardDoor *
lanyard_store_save_door (LanyardStore *self,
                         LanyardDoor *door,
                         GCancellable *cancellable,
                         GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (LANYARD_IS_DOOR (door), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->save_door (self, door, cancellable, error);
}

gboolean
lanyard_store_delete_door (LanyardStore *self,
                           gint64 door_id,
                           GCancellable *cancellable,
                           GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return LANYARD_STORE_GET_IFACE (self)->delete_door (self, door_id, cancellable, error);
}

GPtrArray *
lanyard_store_list_scopes (LanyardStore *self,
                           gint64 facility_id,
                           GCancellable *cancellable,
                           GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->list_scopes (self, facility_id, cancellable, error);
}

LanyardScope *
lanyard_store_save_scope (LanyardStore *self,
                          LanyardScope *scope,
                          GCancellable *cancellable,
                          GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (LANYARD_IS_SCOPE (scope), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->save_scope (self, scope, cancellable, error);
}

gboolean
lanyard_store_delete_scope (LanyardStore *self,
                            gint64 scope_id,
                            GCancellable *cancellable,
                            GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return LANYARD_STORE_GET_IFACE (self)->delete_scope (self, scope_id, cancellable, error);
}

GPtrArray *
lanyard_store_list_rules (LanyardStore *self,
                          gint64 facility_id,
                          GCancellable *cancellable,
                          GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->list_rules (self, facility_id, cancellable, error);
}

LanyardAccessRule *
lanyard_store_save_rule (LanyardStore *self,
                         LanyardAccessRule *rule,
                         GCancellable *cancellable,
                         GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (LANYARD_IS_ACCESS_RULE (rule), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->save_rule (self, rule, cancellable, error);
}

gboolean
lanyard_store_delete_rule (LanyardStore *self,
                           gint64 rule_id,
                           GCancellable *cancellable,
                           GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return LANYARD_STORE_GET_IFACE (self)->delete_rule (self, rule_id, cancellable, error);
}

LanyardPerson *
lanyard_store_get_person (LanyardStore *self,
                          gint64 person_id,
                          GCancellable *cancellable,
                          GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->get_person (self, person_id, cancellable, error);
}

LanyardPerson *
lanyard_store_find_duplicate (LanyardStore *self,
                              gint64 facility_id,
                              const char *phone,
                              const char *email,
                              gint64 except_id,
                              GCancellable *cancellable,
                              GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->find_duplicate (self, facility_id, phone, email, except_id, cancellable, error);
}

LanyardPerson *
lanyard_store_save_person (LanyardStore *self,
                           LanyardPerson *person,
                           GCancellable *cancellable,
                           GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (LANYARD_IS_PERSON (person), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->save_person (self, person, cancellable, error);
}

guint
lanyard_store_create_people (LanyardStore *self,
                             gint64 facility_id,
                             GPtrArray *people,
                             GPtrArray *grants,
                             GCancellable *cancellable,
                             GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), 0);
  g_return_val_if_fail (people != NULL, 0);
  g_return_val_if_fail (grants == NULL || grants->len == people->len, 0);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), 0);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return 0;

  return LANYARD_STORE_GET_IFACE (self)->create_people (self, facility_id, people, grants, cancellable, error);
}

guint
lanyard_store_import_people (LanyardStore *self,
                             gint64 facility_id,
                             GPtrArray *people,
                             GPtrArray *grants,
                             const char *label,
                             const char *summary,
                             GCancellable *cancellable,
                             GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), 0);
  g_return_val_if_fail (people != NULL, 0);
  g_return_val_if_fail (grants == NULL || grants->len == people->len, 0);
  g_return_val_if_fail (label != NULL, 0);
  g_return_val_if_fail (summary != NULL, 0);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), 0);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return 0;

  return LANYARD_STORE_GET_IFACE (self)->import_people (self, facility_id, people, grants, label, summary,
                                                         cancellable, error);
}

guint
lanyard_store_delete_people (LanyardStore *self,
                             const gint64 *person_ids,
                             guint n_people,
                             GCancellable *cancellable,
                             GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), 0);
  g_return_val_if_fail (person_ids != NULL || n_people == 0, 0);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), 0);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return 0;

  return LANYARD_STORE_GET_IFACE (self)->delete_people (self, person_ids, n_people, cancellable, error);
}

guint
lanyard_store_set_access_enabled (LanyardStore *self,
                                  const gint64 *person_ids,
                                  guint n_people,
                                  gboolean enabled,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), 0);
  g_return_val_if_fail (person_ids != NULL || n_people == 0, 0);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), 0);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return 0;

  return LANYARD_STORE_GET_IFACE (self)->set_access_enabled (self, person_ids, n_people, enabled, cancellable, error);
}

LanyardPeoplePage *
lanyard_store_query_people (LanyardStore *self,
                            const LanyardPeopleQuery *query,
                            const char *cursor,
                            guint limit,
                            GCancellable *cancellable,
                            GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->query_people (self, query, cursor, limit, cancellable, error);
}

gboolean
lanyard_store_count_people (LanyardStore *self,
                            gint64 facility_id,
                            LanyardPeopleCounts *out_counts,
                            GCancellable *cancellable,
                            GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_counts != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return LANYARD_STORE_GET_IFACE (self)->count_people (self, facility_id, out_counts, cancellable, error);
}

GPtrArray *
lanyard_store_list_facet_values (LanyardStore *self,
                                 gint64 facility_id,
                                 LanyardFacet facet,
                                 GCancellable *cancellable,
                                 GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->list_facet_values (self, facility_id, facet, cancellable, error);
}

GPtrArray *
lanyard_store_list_grants (LanyardStore *self,
                           gint64 person_id,
                           GCancellable *cancellable,
                           GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->list_grants (self, person_id, cancellable, error);
}

LanyardPerson *
lanyard_store_set_grants (LanyardStore *self,
                          gint64 person_id,
                          gint64 person_version,
                          GPtrArray *grants,
                          GCancellable *cancellable,
                          GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (grants != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->set_grants (self, person_id, person_version, grants, cancellable, error);
}

LanyardDecisionReport *
lanyard_store_decide (LanyardStore *self,
                      gint64 person_id,
                      gint64 door_id,
                      gint64 instant_usec,
                      GCancellable *cancellable,
                      GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->decide (self, person_id, door_id, instant_usec, cancellable, error);
}

GPtrArray *
lanyard_store_list_audit (LanyardStore *self,
                          const LanyardAuditQuery *query,
                          GCancellable *cancellable,
                          GError **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return LANYARD_STORE_GET_IFACE (self)->list_audit (self, query, cancellable, error);
}

char *
lanyard_store_dup_phone_region (LanyardStore *self)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), NULL);

  return LANYARD_STORE_GET_IFACE (self)->dup_phone_region (self);
}

gboolean
lanyard_store_set_phone_region (LanyardStore  *self,
                                const char    *region,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return LANYARD_STORE_GET_IFACE (self)->set_phone_region (self, region, cancellable, error);
}

/*
 * Asynchronous calls. Each public _async() packs its arguments into a
 * StoreCall and runs the blocking vfunc in GTask's thread pool; _finish()
 * checks the source tag and unpacks the result.
 */

typedef gpointer (*StoreCallFunc) (LanyardStore  *self,
                                   gpointer       args,
                                   GCancellable  *cancellable,
                                   GError       **error);

typedef struct {
  StoreCallFunc  func;
  gpointer       args;
  GDestroyNotify args_free;
  GDestroyNotify result_free;
} StoreCall;

static void
store_call_free (StoreCall *call)
{
  if (call->args_free != NULL)
    call->args_free (call->args);
  g_free (call);
}

static void
store_call_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  StoreCall *call = task_data;
  GError *error = NULL;
  gpointer result;

  result = call->func (LANYARD_STORE (source_object), call->args, cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, call->result_free);
}

static void
store_call_async (LanyardStore        *self,
                  StoreCallFunc        func,
                  gpointer             args,
                  GDestroyNotify       args_free,
                  GDestroyNotify       result_free,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreCall *call;

  call = g_new0 (StoreCall, 1);
  call->func = func;
  call->args = args;
  call->args_free = args_free;
  call->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify)store_call_free);
  g_task_run_in_thread (task, store_call_thread);
}

static gpointer
store_call_finish (LanyardStore  *self,
                   GAsyncResult  *result,
                   gpointer       source_tag,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Counts travel through the pointer-returning task as a heap copy. */
static gpointer
boxed_uint (guint value)
{
  guint *p = g_new (guint, 1);

  *p = value;
  return p;
}

static guint
unbox_uint (gpointer p)
{
  guint value = p ? *(guint *)p : 0;

  g_free (p);
  return value;
}

/* query_people */

typedef struct {
  LanyardPeopleQuery *query;
  char *cursor;
  guint limit;
} QueryPeopleArgs;

static void
query_people_args_free (gpointer data)
{
  QueryPeopleArgs *args = data;

  lanyard_people_query_free (args->query);
  g_free (args->cursor);
  g_free (args);
}

static gpointer
query_people_call (LanyardStore  *self,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  QueryPeopleArgs *args = data;

  return lanyard_store_query_people (self, args->query, args->cursor, args->limit, cancellable, error);
}

void
lanyard_store_query_people_async (LanyardStore             *self,
                                  const LanyardPeopleQuery *query,
                                  const char               *cursor,
                                  guint                     limit,
                                  GCancellable             *cancellable,
                                  GAsyncReadyCallback       callback,
                                  gpointer                  user_data)
{
  QueryPeopleArgs *args;

  g_return_if_fail (LANYARD_IS_STORE (self));
  g_return_if_fail (query != NULL);

  args = g_new0 (QueryPeopleArgs, 1);
  args->query = lanyard_people_query_copy (query);
  args->cursor = g_strdup (cursor);
  args->limit = limit;

  store_call_async (self, query_people_call, args, query_people_args_free,
                    (GDestroyNotify)lanyard_people_page_free,
                    lanyard_store_query_people_async, cancellable, callback, user_data);
}

LanyardPeoplePage *
lanyard_store_query_people_finish (LanyardStore  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return store_call_finish (self, result, lanyard_store_query_people_async, error);
}

/* count_people */

static gpointer
count_people_call (LanyardStore  *self,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  LanyardPeopleCounts counts;

  if (!lanyard_store_count_people (self, *(gint64 *)data, &counts, cancellable, error))
    return NULL;

  return g_memdup2 (&counts, sizeof counts);
}

void
lanyard_store_count_people_async (LanyardStore        *self,
                                  gint64               facility_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));

  store_call_async (self, count_people_call, g_memdup2 (&facility_id, sizeof facility_id), g_free, g_free,
                    lanyard_store_count_people_async, cancellable, callback, user_data);
}

gboolean
lanyard_store_count_people_finish (LanyardStore         *self,
                                   GAsyncResult         *result,
                                   LanyardPeopleCounts  *out_counts,
                                   GError              **error)
{
  g_autofree LanyardPeopleCounts *counts = NULL;

  g_return_val_if_fail (out_counts != NULL, FALSE);

  counts = store_call_finish (self, result, lanyard_store_count_people_async, error);
  if (counts == NULL)
    return FALSE;

  *out_counts = *counts;
  return TRUE;
}

/* list_facet_values */

typedef struct {
  gint64 facility_id;
  LanyardFacet facet;
} FacetArgs;

static gpointer
list_facet_values_call (LanyardStore  *self,
                        gpointer       data,
                        GCancellable  *cancellable,
                        GError       **error)
{
  FacetArgs *args = data;

  return lanyard_store_list_facet_values (self, args->facility_id, args->facet, cancellable, error);
}

void
lanyard_store_list_facet_values_async (LanyardStore        *self,
                                       gint64               facility_id,
                                       LanyardFacet         facet,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  FacetArgs *args;

  g_return_if_fail (LANYARD_IS_STORE (self));

  args = g_new0 (FacetArgs, 1);
  args->facility_id = facility_id;
  args->facet = facet;

  store_call_async (self, list_facet_values_call, args, g_free, (GDestroyNotify)g_ptr_array_unref,
                    lanyard_store_list_facet_values_async, cancellable, callback, user_data);
}

GPtrArray *
lanyard_store_list_facet_values_finish (LanyardStore  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return store_call_finish (self, result, lanyard_store_list_facet_values_async, error);
}

/* Calls that take one id: get_person, list_grants, list_doors, list_scopes */

typedef gpointer (*IdCallFunc) (LanyardStore *, gint64, GCancellable *, GError **);

typedef struct {
  IdCallFunc func;
  gint64 id;
} IdArgs;

static gpointer
id_call (LanyardStore  *self,
         gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  IdArgs *args = data;

  return args->func (self, args->id, cancellable, error);
}

static void
id_call_async (LanyardStore        *self,
               IdCallFunc           func,
               gint64               id,
               GDestroyNotify       result_free,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  IdArgs *args = g_new0 (IdArgs, 1);

  args->func = func;
  args->id = id;
  store_call_async (self, id_call, args, g_free, result_free, source_tag, cancellable, callback, user_data);
}

void
lanyard_store_get_person_async (LanyardStore        *self,
                                gint64               person_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));

  id_call_async (self, (IdCallFunc)lanyard_store_get_person, person_id, g_object_unref,
                 lanyard_store_get_person_async, cancellable, callback, user_data);
}

LanyardPerson *
lanyard_store_get_person_finish (LanyardStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return store_call_finish (self, result, lanyard_store_get_person_async, error);
}

void
lanyard_store_list_grants_async (LanyardStore        *self,
                                 gint64               person_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));

  id_call_async (self, (IdCallFunc)lanyard_store_list_grants, person_id, (GDestroyNotify)g_ptr_array_unref,
                 lanyard_store_list_grants_async, cancellable, callback, user_data);
}

GPtrArray *
lanyard_store_list_grants_finish (LanyardStore  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return store_call_finish (self, result, lanyard_store_list_grants_async, error);
}

void
lanyard_store_list_doors_async (LanyardStore        *self,
                                gint64               facility_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));

  id_call_async (self, (IdCallFunc)lanyard_store_list_doors, facility_id, (GDestroyNotify)g_ptr_array_unref,
                 lanyard_store_list_doors_async, cancellable, callback, user_data);
}

GPtrArray *
lanyard_store_list_doors_finish (LanyardStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return store_call_finish (self, result, lanyard_store_list_doors_async, error);
}

void
lanyard_store_list_scopes_async (LanyardStore        *self,
                                 gint64               facility_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));

  id_call_async (self, (IdCallFunc)lanyard_store_list_scopes, facility_id, (GDestroyNotify)g_ptr_array_unref,
                 lanyard_store_list_scopes_async, cancellable, callback, user_data);
}

GPtrArray *
lanyard_store_list_scopes_finish (LanyardStore  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return store_call_finish (self, result, lanyard_store_list_scopes_async, error);
}

static gpointer
list_facilities_call (LanyardStore  *self,
                      gpointer       data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return lanyard_store_list_facilities (self, cancellable, error);
}

void
lanyard_store_list_facilities_async (LanyardStore        *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));

  store_call_async (self, list_facilities_call, NULL, NULL, (GDestroyNotify)g_ptr_array_unref,
                    lanyard_store_list_facilities_async, cancellable, callback, user_data);
}

GPtrArray *
lanyard_store_list_facilities_finish (LanyardStore  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return store_call_finish (self, result, lanyard_store_list_facilities_async, error);
}

/* save_person */

static gpointer
save_person_call (LanyardStore  *self,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return lanyard_store_save_person (self, data, cancellable, error);
}

void
lanyard_store_save_person_async (LanyardStore        *self,
                                 LanyardPerson       *person,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));
  g_return_if_fail (LANYARD_IS_PERSON (person));

  /* A private copy: the caller may go on editing its object meanwhile. */
  store_call_async (self, save_person_call, lanyard_person_copy (person), g_object_unref, g_object_unref,
                    lanyard_store_save_person_async, cancellable, callback, user_data);
}

LanyardPerson *
lanyard_store_save_person_finish (LanyardStore  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return store_call_finish (self, result, lanyard_store_save_person_async, error);
}

/* find_duplicate */

typedef struct {
  gint64 facility_id;
  char *phone;
  char *email;
  gint64 except_id;
} FindDuplicateArgs;

static void
find_duplicate_args_free (gpointer data)
{
  FindDuplicateArgs *args = data;

  g_free (args->phone);
  g_free (args->email);
  g_free (args);
}

static gpointer
find_duplicate_call (LanyardStore  *self,
                     gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  FindDuplicateArgs *args = data;

  return lanyard_store_find_duplicate (self, args->facility_id, args->phone, args->email,
                                       args->except_id, cancellable, error);
}

void
lanyard_store_find_duplicate_async (LanyardStore        *self,
                                    gint64               facility_id,
                                    const char          *phone,
                                    const char          *email,
                                    gint64               except_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  FindDuplicateArgs *args;

  g_return_if_fail (LANYARD_IS_STORE (self));

  args = g_new0 (FindDuplicateArgs, 1);
  args->facility_id = facility_id;
  args->phone = g_strdup (phone);
  args->email = g_strdup (email);
  args->except_id = except_id;

  store_call_async (self, find_duplicate_call, args, find_duplicate_args_free, g_object_unref,
                    lanyard_store_find_duplicate_async, cancellable, callback, user_data);
}

/* Returns NULL without an error when there is no such person. */
LanyardPerson *
lanyard_store_find_duplicate_finish (LanyardStore  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return store_call_finish (self, result, lanyard_store_find_duplicate_async, error);
}

/* delete_people and set_access_enabled */

typedef struct {
  GArray *ids;
  gboolean enabled;
} BulkArgs;

static void
bulk_args_free (gpointer data)
{
  BulkArgs *args = data;

  g_array_unref (args->ids);
  g_free (args);
}

static BulkArgs *
bulk_args_new (const gint64 *person_ids,
               guint         n_people,
               gboolean      enabled)
{
  BulkArgs *args = g_new0 (BulkArgs, 1);

  args->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_people);
  g_array_append_vals (args->ids, person_ids, n_people);
  args->enabled = enabled;

  return args;
}

static gpointer
delete_people_call (LanyardStore  *self,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  BulkArgs *args = data;
  g_autoptr(GError) local_error = NULL;
  guint n;

  n = lanyard_store_delete_people (self, (const gint64 *)(gpointer)args->ids->data, args->ids->len,
                                   cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return boxed_uint (n);
}

void
lanyard_store_delete_people_async (LanyardStore        *self,
                                   const gint64        *person_ids,
                                   guint                n_people,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));
  g_return_if_fail (person_ids != NULL || n_people == 0);

  store_call_async (self, delete_people_call, bulk_args_new (person_ids, n_people, FALSE),
                    bulk_args_free, g_free,
                    lanyard_store_delete_people_async, cancellable, callback, user_data);
}

guint
lanyard_store_delete_people_finish (LanyardStore  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return unbox_uint (store_call_finish (self, result, lanyard_store_delete_people_async, error));
}

static gpointer
set_access_enabled_call (LanyardStore  *self,
                         gpointer       data,
                         GCancellable  *cancellable,
                         GError       **error)
{
  BulkArgs *args = data;
  g_autoptr(GError) local_error = NULL;
  guint n;

  n = lanyard_store_set_access_enabled (self, (const gint64 *)(gpointer)args->ids->data, args->ids->len,
                                        args->enabled, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return boxed_uint (n);
}

void
lanyard_store_set_access_enabled_async (LanyardStore        *self,
                                        const gint64        *person_ids,
                                        guint                n_people,
                                        gboolean             enabled,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));
  g_return_if_fail (person_ids != NULL || n_people == 0);

  store_call_async (self, set_access_enabled_call, bulk_args_new (person_ids, n_people, enabled),
                    bulk_args_free, g_free,
                    lanyard_store_set_access_enabled_async, cancellable, callback, user_data);
}

guint
lanyard_store_set_access_enabled_finish (LanyardStore  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return unbox_uint (store_call_finish (self, result, lanyard_store_set_access_enabled_async, error));
}

/* set_grants */

typedef struct {
  gint64 person_id;
  gint64 person_version;
  GPtrArray *grants;
} SetGrantsArgs;

static void
set_grants_args_free (gpointer data)
{
  SetGrantsArgs *args = data;

  g_ptr_array_unref (args->grants);
  g_free (args);
}

static gpointer
set_grants_call (LanyardStore  *self,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  SetGrantsArgs *args = data;

  return lanyard_store_set_grants (self, args->person_id, args->person_version, args->grants,
                                   cancellable, error);
}

void
lanyard_store_set_grants_async (LanyardStore        *self,
                                gint64               person_id,
                                gint64               person_version,
                                GPtrArray           *grants,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SetGrantsArgs *args;

  g_return_if_fail (LANYARD_IS_STORE (self));
  g_return_if_fail (grants != NULL);

  args = g_new0 (SetGrantsArgs, 1);
  args->person_id = person_id;
  args->person_version = person_version;
  args->grants = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < grants->len; i++)
    g_ptr_array_add (args->grants, lanyard_grant_copy (g_ptr_array_index (grants, i)));

  store_call_async (self, set_grants_call, args, set_grants_args_free, g_object_unref,
                    lanyard_store_set_grants_async, cancellable, callback, user_data);
}

LanyardPerson *
lanyard_store_set_grants_finish (LanyardStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return store_call_finish (self, result, lanyard_store_set_grants_async, error);
}

/* list_audit */

typedef struct {
  LanyardAuditQuery query;
  char *target_kind;
} AuditArgs;

static void
audit_args_free (gpointer data)
{
  AuditArgs *args = data;

  g_free (args->target_kind);
  g_free (args);
}

static gpointer
list_audit_call (LanyardStore  *self,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  AuditArgs *args = data;

  return lanyard_store_list_audit (self, &args->query, cancellable, error);
}

void
lanyard_store_list_audit_async (LanyardStore            *self,
                                const LanyardAuditQuery *query,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data)
{
  AuditArgs *args;

  g_return_if_fail (LANYARD_IS_STORE (self));
  g_return_if_fail (query != NULL);

  args = g_new0 (AuditArgs, 1);
  args->query = *query;
  args->target_kind = g_strdup (query->target_kind);
  args->query.target_kind = args->target_kind;

  store_call_async (self, list_audit_call, args, audit_args_free, (GDestroyNotify)g_ptr_array_unref,
                    lanyard_store_list_audit_async, cancellable, callback, user_data);
}

GPtrArray *
lanyard_store_list_audit_finish (LanyardStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return store_call_finish (self, result, lanyard_store_list_audit_async, error);
}

static gpointer
set_phone_region_call (LanyardStore  *self,
                       gpointer       data,
                       GCancellable  *cancellable,
                       GError       **error)
{
  /* Any non-NULL pointer says it worked. */
  return lanyard_store_set_phone_region (self, data, cancellable, error) ? self : NULL;
}

void
lanyard_store_set_phone_region_async (LanyardStore        *self,
                                      const char          *region,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));

  store_call_async (self, set_phone_region_call, g_strdup (region), g_free, NULL,
                    lanyard_store_set_phone_region_async, cancellable, callback, user_data);
}

gboolean
lanyard_store_set_phone_region_finish (LanyardStore  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return store_call_finish (self, result, lanyard_store_set_phone_region_async, error) != NULL;
}

static gpointer
save_facility_call (LanyardStore  *self,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  return lanyard_store_save_facility (self, data, cancellable, error);
}

void
lanyard_store_save_facility_async (LanyardStore        *self,
                                   LanyardFacility     *facility,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (self));
  g_return_if_fail (LANYARD_IS_FACILITY (facility));

  store_call_async (self, save_facility_call, g_object_ref (facility), g_object_unref, g_object_unref,
                    lanyard_store_save_facility_async, cancellable, callback, user_data);
}

LanyardFacility *
lanyard_store_save_facility_finish (LanyardStore  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return store_call_finish (self, result, lanyard_store_save_facility_async, error);
}
