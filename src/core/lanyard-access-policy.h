/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lanyard-schedule.h"
#include "lanyard-types.h"

G_BEGIN_DECLS

/*
 * LanyardAccessPolicy: everything about one facility that an access decision
 * needs apart from the person — its time zone, doors, access scopes and
 * access rules — loaded once and then asked many questions. Scopes are
 * resolved when a question is asked, so a door added to a scope counts for
 * every rule and grant that targets the scope.
 *
 * Build it with the add functions, then it is read-only: decisions may be
 * made from several threads at once. Ids are positive and unique per kind;
 * doors, scopes and rules may be added in any order.
 *
 * Rule values are matched exactly (byte for byte, so case-sensitively)
 * against the person's type, membership status or tags: "VIP" is not "vip".
 * Folding case per decision would cost an allocation, and folding ASCII
 * only would treat "Étudiant" and "étudiant" differently from "Gold" and
 * "gold"; editors should offer the values present in the data instead.
 * A rule with an empty value matches nobody.
 *
 * What reaches which door: a rule or grant on all doors / the facility
 * reaches every door added to the policy (none when there are none); a
 * scope reaches those of its doors that are added; a door grant or rule
 * reaches its door when that door is added.
 */
#define LANYARD_TYPE_ACCESS_POLICY (lanyard_access_policy_get_type ())

typedef struct _LanyardAccessPolicy LanyardAccessPolicy;

/* A per-person grant as the engine sees it. */
typedef struct {
  LanyardGrantKind  kind;
  gint64            target_id;   /* door or scope id; ignored for LANYARD_GRANT_FACILITY */
  LanyardSchedule  *schedule;    /* NULL: always */
} LanyardGrantFacts;

/* A person as the engine sees it. Strings are borrowed. */
typedef struct {
  gint64                    id;
  gboolean                  access_enabled;
  const char               *person_type;        /* NULL or "" when unset */
  const char               *membership_status;  /* NULL or "" when unset */
  const char * const       *tags;               /* synced and custom tags together, NULL-terminated; may be NULL */
  const LanyardGrantFacts  *grants;
  guint                     n_grants;
} LanyardPersonFacts;

/* The answer to "may this person open this door now?". */
typedef struct {
  gboolean               allowed;
  LanyardDecisionReason  reason;
  LanyardMatchKind       match_kind;
  gint64                 match_id;     /* rule id, or door/scope id of a grant; 0 for a facility-wide grant */
  LanyardGrantKind       grant_kind;   /* when match_kind is LANYARD_MATCH_GRANT */
} LanyardDecision;

GType                 lanyard_access_policy_get_type     (void) G_GNUC_CONST;
LanyardAccessPolicy  *lanyard_access_policy_new          (gint64                     facility_id,
                                                          GTimeZone                 *tz);
LanyardAccessPolicy  *lanyard_access_policy_ref          (LanyardAccessPolicy       *self);
void                  lanyard_access_policy_unref        (LanyardAccessPolicy       *self);

gint64                lanyard_access_policy_get_facility_id (LanyardAccessPolicy *self);
GTimeZone            *lanyard_access_policy_get_timezone (LanyardAccessPolicy       *self);

void                  lanyard_access_policy_add_door     (LanyardAccessPolicy       *self,
                                                          gint64                     door_id,
                                                          const char                *name);
/* Doors of the scope that are not added (yet) are ignored at decision time. */
void                  lanyard_access_policy_add_scope    (LanyardAccessPolicy       *self,
                                                          gint64                     scope_id,
                                                          const char                *name,
                                                          const gint64              *door_ids,
                                                          guint                      n_doors);
/* Disabled rules are not added by callers. @schedule may be NULL (always). */
void                  lanyard_access_policy_add_rule     (LanyardAccessPolicy       *self,
                                                          gint64                     rule_id,
                                                          const char                *name,
                                                          LanyardRuleCondition       condition,
                                                          const char                *value,
                                                          LanyardRuleTarget          target,
                                                          const gint64              *target_ids,
                                                          guint                      n_targets,
                                                          LanyardSchedule           *schedule);

/* Names for messages; NULL when unknown. */
const char           *lanyard_access_policy_get_door_name  (LanyardAccessPolicy *self,
                                                            gint64               door_id);
const char           *lanyard_access_policy_get_scope_name (LanyardAccessPolicy *self,
                                                            gint64               scope_id);
const char           *lanyard_access_policy_get_rule_name  (LanyardAccessPolicy *self,
                                                            gint64               rule_id);

/*
 * decide (person, door, instant), in this order: unknown person (@person
 * NULL) → deny; door not in this facility → deny; access disabled → deny;
 * a grant or rule that covers the door and whose schedule is open → allow
 * (grants are looked at before rules; a facility-wide grant stands in for
 * the person's door and scope grants); something covered the door but every
 * such schedule was closed → deny, outside hours; otherwise deny, no rule or
 * grant. @instant_usec is microseconds since the Unix epoch (UTC).
 * Allocates nothing.
 *
 * For an allowed decision the match is the first grant (in the person's
 * order) or rule (in the order added) that covers the door and is open; for
 * "outside hours" it is the first that covers the door and was closed.
 * A facility-wide grant's match_id is 0. A facility-wide grant replaces
 * the door and scope grants (and their schedules) but not the rules.
 */
void                  lanyard_access_policy_decide       (LanyardAccessPolicy       *self,
                                                          const LanyardPersonFacts  *person,
                                                          gint64                     door_id,
                                                          gint64                     instant_usec,
                                                          LanyardDecision           *out_decision);

/*
 * "Has access": access enabled, and at least one grant or rule reaches at
 * least one door of the facility. Schedules are not consulted. The stat
 * tiles and the Access filter count with this.
 */
gboolean              lanyard_access_policy_person_has_access (LanyardAccessPolicy      *self,
                                                               const LanyardPersonFacts *person);

/* A translated sentence for a reason ("Access is disabled for this person"). */
const char           *lanyard_decision_reason_to_string  (LanyardDecisionReason      reason);
/* Stable machine name for a reason ("access-disabled"), for the CLI and API. */
const char           *lanyard_decision_reason_to_nick    (LanyardDecisionReason      reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardAccessPolicy, lanyard_access_policy_unref)

G_END_DECLS
