/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lanyard-access-policy.h"
#include "lanyard-access-rule.h"
#include "lanyard-audit-event.h"
#include "lanyard-door.h"
#include "lanyard-error.h"
#include "lanyard-facility.h"
#include "lanyard-grant.h"
#include "lanyard-people-query.h"
#include "lanyard-person.h"
#include "lanyard-scope.h"

G_BEGIN_DECLS

/*
 * LanyardDecisionReport: an access decision with the names that explain
 * it, as the store answers "may PERSON open DOOR at TIME?".
 */
#define LANYARD_TYPE_DECISION_REPORT (lanyard_decision_report_get_type ())

typedef struct {
  LanyardDecision  decision;
  gint64           person_id;
  gint64           door_id;
  gint64           instant_usec;
  char            *person_name;   /* NULL when the person is unknown */
  char            *door_name;     /* NULL when the door is unknown */
  char            *match_name;    /* the rule's name, or the grant as words ("facility-wide grant") */
} LanyardDecisionReport;

GType                  lanyard_decision_report_get_type (void) G_GNUC_CONST;
LanyardDecisionReport *lanyard_decision_report_copy     (const LanyardDecisionReport *self);
void                   lanyard_decision_report_free     (LanyardDecisionReport       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardDecisionReport, lanyard_decision_report_free)

/*
 * LanyardStore: where Lanyard's data lives — a local SQLite file or a
 * Lanyard server. The app, the CLI and the server talk to this interface
 * only.
 *
 * The vfuncs are blocking and must be thread-safe: the _async() wrappers run
 * them on a worker thread (GIO's pattern for GFile), so a store that has a
 * truly asynchronous transport can still override nothing and work. Every
 * call takes a GCancellable and reports errors in the LANYARD_STORE_ERROR
 * domain.
 *
 * Writes are all-or-nothing and checked: a record carries its version, and
 * saving a record whose version is no longer the stored one fails with
 * LANYARD_STORE_ERROR_CONFLICT instead of overwriting someone else's change.
 * Save functions create a record whose id is 0 and update one otherwise;
 * they return the record as stored (new id, version, computed fields).
 *
 * query_people() returns one page and the cursor that continues after it.
 * A page may hold fewer people than asked for — even none — while a cursor
 * is still given: a store may bound the work of one call (a search for a
 * rare letter walks the list in slices). Keep asking while there is a
 * cursor; there are no more people when there is none.
 *
 * create_people() adds many people in one transaction — all or none — for
 * imports and generated data; @grants is NULL or holds, for each person at
 * the same index, NULL or a GPtrArray of LanyardGrant. import_people() does
 * the same and, in the same transaction, writes one "people.import" audit
 * event for the import as a whole: @label names it (the file) and
 * @summary is a JSON object describing it (counts and row numbers; see
 * lanyard-import.h).
 */
#define LANYARD_TYPE_STORE (lanyard_store_get_type ())

G_DECLARE_INTERFACE (LanyardStore, lanyard_store, LANYARD, STORE, GObject)

struct _LanyardStoreInterface
{
  GTypeInterface parent_iface;

  /* Facilities, doors, scopes, rules */
  GPtrArray            *(*list_facilities)      (LanyardStore              *self,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  LanyardFacility      *(*save_facility)        (LanyardStore              *self,
                                                 LanyardFacility           *facility,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  GPtrArray            *(*list_doors)           (LanyardStore              *self,
                                                 gint64                     facility_id,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  LanyardDoor          *(*save_door)            (LanyardStore              *self,
                                                 LanyardDoor               *door,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  gboolean              (*delete_door)          (LanyardStore              *self,
                                                 gint64                     door_id,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  GPtrArray            *(*list_scopes)          (LanyardStore              *self,
                                                 gint64                     facility_id,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  LanyardScope         *(*save_scope)           (LanyardStore              *self,
                                                 LanyardScope              *scope,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  gboolean              (*delete_scope)         (LanyardStore              *self,
                                                 gint64                     scope_id,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  GPtrArray            *(*list_rules)           (LanyardStore              *self,
                                                 gint64                     facility_id,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  LanyardAccessRule    *(*save_rule)            (LanyardStore              *self,
                                                 LanyardAccessRule         *rule,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  gboolean              (*delete_rule)          (LanyardStore              *self,
                                                 gint64                     rule_id,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);

  /* People */
  LanyardPerson        *(*get_person)           (LanyardStore              *self,
                                                 gint64                     person_id,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  LanyardPerson        *(*find_duplicate)       (LanyardStore              *self,
                                                 gint64                     facility_id,
                                                 const char                *phone,
                                                 const char                *email,
                                                 gint64                     except_id,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  LanyardPerson        *(*save_person)          (LanyardStore              *self,
                                                 LanyardPerson             *person,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  guint                 (*create_people)        (LanyardStore              *self,
                                                 gint64                     facility_id,
                                                 GPtrArray                 *people,
                                                 GPtrArray                 *grants,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  guint                 (*import_people)        (LanyardStore              *self,
                                                 gint64                     facility_id,
                                                 GPtrArray                 *people,
                                                 GPtrArray                 *grants,
                                                 const char                *label,
                                                 const char                *summary,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  guint                 (*delete_people)        (LanyardStore              *self,
                                                 const gint64              *person_ids,
                                                 guint                      n_people,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  guint                 (*set_access_enabled)   (LanyardStore              *self,
                                                 const gint64              *person_ids,
                                                 guint                      n_people,
                                                 gboolean                   enabled,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  LanyardPeoplePage    *(*query_people)         (LanyardStore              *self,
                                                 const LanyardPeopleQuery  *query,
                                                 const char                *cursor,
                                                 guint                      limit,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  gboolean              (*count_people)         (LanyardStore              *self,
                                                 gint64                     facility_id,
                                                 LanyardPeopleCounts       *out_counts,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  GPtrArray            *(*list_facet_values)    (LanyardStore              *self,
                                                 gint64                     facility_id,
                                                 LanyardFacet               facet,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);

  /* Grants and decisions */
  GPtrArray            *(*list_grants)          (LanyardStore              *self,
                                                 gint64                     person_id,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  LanyardPerson        *(*set_grants)           (LanyardStore              *self,
                                                 gint64                     person_id,
                                                 gint64                     person_version,
                                                 GPtrArray                 *grants,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);
  LanyardDecisionReport *(*decide)              (LanyardStore              *self,
                                                 gint64                     person_id,
                                                 gint64                     door_id,
                                                 gint64                     instant_usec,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);

  /* Audit */
  GPtrArray            *(*list_audit)           (LanyardStore              *self,
                                                 const LanyardAuditQuery   *query,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);

  /* Settings */
  char                 *(*dup_phone_region)     (LanyardStore              *self);
  gboolean              (*set_phone_region)     (LanyardStore              *self,
                                                 const char                *region,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);

  /*< private >*/
  gpointer padding[5];
};

/* Blocking calls: for the CLI, the server's worker threads and tests. */
GPtrArray             *lanyard_store_list_facilities    (LanyardStore              *self,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
LanyardFacility       *lanyard_store_save_facility      (LanyardStore              *self,
                                                         LanyardFacility           *facility,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
GPtrArray             *lanyard_store_list_doors         (LanyardStore              *self,
                                                         gint64                     facility_id,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
LanyardDoor           *lanyard_store_save_door          (LanyardStore              *self,
                                                         LanyardDoor               *door,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
gboolean               lanyard_store_delete_door        (LanyardStore              *self,
                                                         gint64                     door_id,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
GPtrArray             *lanyard_store_list_scopes        (LanyardStore              *self,
                                                         gint64                     facility_id,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
LanyardScope          *lanyard_store_save_scope         (LanyardStore              *self,
                                                         LanyardScope              *scope,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
gboolean               lanyard_store_delete_scope       (LanyardStore              *self,
                                                         gint64                     scope_id,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
GPtrArray             *lanyard_store_list_rules         (LanyardStore              *self,
                                                         gint64                     facility_id,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
LanyardAccessRule     *lanyard_store_save_rule          (LanyardStore              *self,
                                                         LanyardAccessRule         *rule,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
gboolean               lanyard_store_delete_rule        (LanyardStore              *self,
                                                         gint64                     rule_id,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
LanyardPerson         *lanyard_store_get_person         (LanyardStore              *self,
                                                         gint64                     person_id,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
LanyardPerson         *lanyard_store_find_duplicate     (LanyardStore              *self,
                                                         gint64                     facility_id,
                                                         const char                *phone,
                                                         const char                *email,
                                                         gint64                     except_id,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
LanyardPerson         *lanyard_store_save_person        (LanyardStore              *self,
                                                         LanyardPerson             *person,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
guint                  lanyard_store_create_people      (LanyardStore              *self,
                                                         gint64                     facility_id,
                                                         GPtrArray                 *people,
                                                         GPtrArray                 *grants,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
guint                  lanyard_store_import_people      (LanyardStore              *self,
                                                         gint64                     facility_id,
                                                         GPtrArray                 *people,
                                                         GPtrArray                 *grants,
                                                         const char                *label,
                                                         const char                *summary,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
guint                  lanyard_store_delete_people      (LanyardStore              *self,
                                                         const gint64              *person_ids,
                                                         guint                      n_people,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
guint                  lanyard_store_set_access_enabled (LanyardStore              *self,
                                                         const gint64              *person_ids,
                                                         guint                      n_people,
                                                         gboolean                   enabled,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
LanyardPeoplePage     *lanyard_store_query_people       (LanyardStore              *self,
                                                         const LanyardPeopleQuery  *query,
                                                         const char                *cursor,
                                                         guint                      limit,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
gboolean               lanyard_store_count_people       (LanyardStore              *self,
                                                         gint64                     facility_id,
                                                         LanyardPeopleCounts       *out_counts,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
GPtrArray             *lanyard_store_list_facet_values  (LanyardStore              *self,
                                                         gint64                     facility_id,
                                                         LanyardFacet               facet,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
GPtrArray             *lanyard_store_list_grants        (LanyardStore              *self,
                                                         gint64                     person_id,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
LanyardPerson         *lanyard_store_set_grants         (LanyardStore              *self,
                                                         gint64                     person_id,
                                                         gint64                     person_version,
                                                         GPtrArray                 *grants,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
LanyardDecisionReport *lanyard_store_decide             (LanyardStore              *self,
                                                         gint64                     person_id,
                                                         gint64                     door_id,
                                                         gint64                     instant_usec,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
GPtrArray             *lanyard_store_list_audit         (LanyardStore              *self,
                                                         const LanyardAuditQuery   *query,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);
/*
 * The region (ISO 3166 code) phone numbers typed without a country code are
 * read in. Cheap enough for the main thread: stores keep it at hand.
 */
char                  *lanyard_store_dup_phone_region   (LanyardStore              *self);
/* Sets it (two letters, "DE"); an unknown region is LANYARD_STORE_ERROR_INVALID. Audited. */
gboolean               lanyard_store_set_phone_region   (LanyardStore              *self,
                                                         const char                *region,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);

/*
 * Asynchronous calls: for the app's main thread. Each runs the blocking call
 * on a worker thread and completes on the caller's thread-default main
 * context. Results are those of the blocking call.
 */
void                   lanyard_store_query_people_async       (LanyardStore              *self,
                                                               const LanyardPeopleQuery  *query,
                                                               const char                *cursor,
                                                               guint                      limit,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
LanyardPeoplePage     *lanyard_store_query_people_finish      (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_count_people_async       (LanyardStore              *self,
                                                               gint64                     facility_id,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
gboolean               lanyard_store_count_people_finish      (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               LanyardPeopleCounts       *out_counts,
                                                               GError                   **error);
void                   lanyard_store_list_facet_values_async  (LanyardStore              *self,
                                                               gint64                     facility_id,
                                                               LanyardFacet               facet,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
GPtrArray             *lanyard_store_list_facet_values_finish (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_get_person_async         (LanyardStore              *self,
                                                               gint64                     person_id,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
LanyardPerson         *lanyard_store_get_person_finish        (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_save_person_async        (LanyardStore              *self,
                                                               LanyardPerson             *person,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
LanyardPerson         *lanyard_store_save_person_finish       (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_find_duplicate_async     (LanyardStore              *self,
                                                               gint64                     facility_id,
                                                               const char                *phone,
                                                               const char                *email,
                                                               gint64                     except_id,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
LanyardPerson         *lanyard_store_find_duplicate_finish    (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_delete_people_async      (LanyardStore              *self,
                                                               const gint64              *person_ids,
                                                               guint                      n_people,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
guint                  lanyard_store_delete_people_finish     (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_set_access_enabled_async (LanyardStore              *self,
                                                               const gint64              *person_ids,
                                                               guint                      n_people,
                                                               gboolean                   enabled,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
guint                  lanyard_store_set_access_enabled_finish (LanyardStore             *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_list_grants_async        (LanyardStore              *self,
                                                               gint64                     person_id,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
GPtrArray             *lanyard_store_list_grants_finish       (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_set_grants_async         (LanyardStore              *self,
                                                               gint64                     person_id,
                                                               gint64                     person_version,
                                                               GPtrArray                 *grants,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
LanyardPerson         *lanyard_store_set_grants_finish        (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_list_audit_async         (LanyardStore              *self,
                                                               const LanyardAuditQuery   *query,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
GPtrArray             *lanyard_store_list_audit_finish        (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_list_doors_async         (LanyardStore              *self,
                                                               gint64                     facility_id,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
GPtrArray             *lanyard_store_list_doors_finish        (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_list_scopes_async        (LanyardStore              *self,
                                                               gint64                     facility_id,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
GPtrArray             *lanyard_store_list_scopes_finish       (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_save_facility_async      (LanyardStore              *self,
                                                               LanyardFacility           *facility,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
LanyardFacility       *lanyard_store_save_facility_finish     (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_set_phone_region_async   (LanyardStore              *self,
                                                               const char                *region,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
gboolean               lanyard_store_set_phone_region_finish  (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void                   lanyard_store_list_facilities_async    (LanyardStore              *self,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
GPtrArray             *lanyard_store_list_facilities_finish   (LanyardStore              *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);

G_END_DECLS
