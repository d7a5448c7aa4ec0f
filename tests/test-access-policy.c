/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lanyard-access-policy.h"

/*
 * The test facility, in Europe/Berlin. Its first week of June 2026 (summer
 * time throughout) runs from Monday 2026-06-01 to Sunday 2026-06-07.
 */
#define FACILITY_ID   7

#define FRONT         101
#define GYM           102
#define POOL          103
#define OFFICE        104
#define SERVER_ROOM   105
#define SAUNA         106  /* added last, after the scope and rule that name it */
#define NOT_A_DOOR    999

#define WELLNESS      201  /* pool, sauna */
#define STAFF_AREA    202  /* office, server room */
#define EMPTY_SCOPE   203  /* no doors */
#define GHOST_SCOPE   204  /* only a door that is never added */
#define NOT_A_SCOPE   299

#define GOLD_ANYWHERE       301  /* person type "Gold", all doors, always */
#define CURRENT_GYM         302  /* membership "Current", front and gym, daily 06:00-22:00 */
#define STAFF_WEEKDAYS      303  /* tag "staff", staff area, mon-fri 08:00-18:00 */
#define WELLNESS_WEEKENDS   304  /* tag "wellness", wellness scope, sat,sun 09:00-18:00 */
#define NIGHT_OWLS          305  /* tag "night", gym, fri 22:00-02:00 */
#define TRIAL_EMPTY         306  /* person type "Trial", the empty scope */
#define GHOSTS              307  /* tag "ghost", the ghost scope */
#define MANY_TARGETS        308  /* tag "many", front and two unknown doors, from 2026-06-03 */
#define EMPTY_VALUE         309  /* person type "", all doors: matches nobody */

typedef enum {
  FACILITY_FULL,
  FACILITY_NO_DOORS,
} FacilityKind;

typedef struct
{
  LanyardGrantKind  kind;
  gint64            target_id;
  const char       *schedule;  /* NULL: always */
} GrantSpec;

typedef struct
{
  const char            *path;
  const char            *description;
  FacilityKind           facility;
  /* the person */
  gboolean               unknown;
  gboolean               disabled;
  const char            *person_type;
  const char            *membership_status;
  const char            *tags[4];
  GrantSpec              grants[3];
  guint                  n_grants;
  /* the question */
  gint64                 door_id;
  const char            *when;  /* facility-local "YYYY-MM-DD HH:MM" */
  /* the answer */
  gboolean               allowed;
  LanyardDecisionReason  reason;
  LanyardMatchKind       match_kind;
  gint64                 match_id;
  LanyardGrantKind       grant_kind;
  gboolean               has_access;
} DecideCase;

#define MONDAY_10   "2026-06-01 10:00"
#define MONDAY_23   "2026-06-01 23:00"
#define SATURDAY_10 "2026-06-06 10:00"

static const DecideCase decide_cases[] = {
  /* The order of the first checks */
  {
    .path = "unknown-person",
    .description = "no person at all is denied first, even at an unknown door",
    .unknown = TRUE,
    .door_id = NOT_A_DOOR, .when = MONDAY_10,
    .reason = LANYARD_DECISION_UNKNOWN_PERSON,
  },
  {
    .path = "unknown-door",
    .description = "a door that is not in the facility",
    .person_type = "Gold",
    .door_id = NOT_A_DOOR, .when = MONDAY_10,
    .reason = LANYARD_DECISION_UNKNOWN_DOOR,
    .has_access = TRUE,
  },
  {
    .path = "unknown-door/before-access-disabled",
    .description = "the door is checked before the kill switch",
    .disabled = TRUE, .person_type = "Gold",
    .door_id = NOT_A_DOOR, .when = MONDAY_10,
    .reason = LANYARD_DECISION_UNKNOWN_DOOR,
  },
  {
    .path = "access-disabled",
    .description = "the kill switch beats a rule that would allow",
    .disabled = TRUE, .person_type = "Gold",
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_ACCESS_DISABLED,
  },
  {
    .path = "access-disabled/facility-grant",
    .description = "the kill switch beats a facility-wide grant",
    .disabled = TRUE,
    .grants = { { LANYARD_GRANT_FACILITY, 0, NULL } }, .n_grants = 1,
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_ACCESS_DISABLED,
  },
  {
    .path = "no-rule-or-grant",
    .description = "nothing matches the person",
    .person_type = "Basic", .membership_status = "Expired", .tags = { "newsletter" },
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
  },
  {
    .path = "no-rule-or-grant/nothing-set",
    .description = "a person with no type, status, tags or grants",
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
  },

  /* Rules: each condition, each target */
  {
    .path = "rule/person-type/all-doors",
    .description = "a person type rule on all doors opens any door",
    .person_type = "Gold",
    .door_id = SERVER_ROOM, .when = MONDAY_23,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_RULE, .match_id = GOLD_ANYWHERE,
    .has_access = TRUE,
  },
  {
    .path = "rule/person-type/all-doors/late-door",
    .description = "all doors includes a door added after the rule",
    .person_type = "Gold",
    .door_id = SAUNA, .when = MONDAY_23,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_RULE, .match_id = GOLD_ANYWHERE,
    .has_access = TRUE,
  },
  {
    .path = "rule/membership-status/doors",
    .description = "a membership status rule on a list of doors, open",
    .membership_status = "Current",
    .door_id = GYM, .when = MONDAY_10,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_RULE, .match_id = CURRENT_GYM,
    .has_access = TRUE,
  },
  {
    .path = "rule/membership-status/other-door",
    .description = "a door rule does not reach doors it does not list",
    .membership_status = "Current",
    .door_id = POOL, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
    .has_access = TRUE,
  },
  {
    .path = "outside-hours",
    .description = "the only matching rule is closed",
    .membership_status = "Current",
    .door_id = GYM, .when = MONDAY_23,
    .reason = LANYARD_DECISION_OUTSIDE_HOURS,
    .match_kind = LANYARD_MATCH_RULE, .match_id = CURRENT_GYM,
    .has_access = TRUE,
  },
  {
    .path = "rule/tag/scopes",
    .description = "a tag rule on a scope, open, the tag among others",
    .tags = { "parking", "staff", "first-aid" },
    .door_id = SERVER_ROOM, .when = MONDAY_10,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_RULE, .match_id = STAFF_WEEKDAYS,
    .has_access = TRUE,
  },
  {
    .path = "rule/tag/scopes/closed",
    .description = "the same rule at the weekend",
    .tags = { "staff" },
    .door_id = OFFICE, .when = SATURDAY_10,
    .reason = LANYARD_DECISION_OUTSIDE_HOURS,
    .match_kind = LANYARD_MATCH_RULE, .match_id = STAFF_WEEKDAYS,
    .has_access = TRUE,
  },
  {
    .path = "rule/tag/case-sensitive",
    .description = "values match exactly: 'Staff' is not 'staff'",
    .tags = { "Staff" }, .person_type = "gold",
    .door_id = OFFICE, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
  },
  {
    .path = "rule/condition-kind-matters",
    .description = "a tag equal to a person type value does not match a type rule",
    .tags = { "Gold" },
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
  },
  {
    .path = "rule/scope-gains-door",
    .description = "a door added after the scope and the rule counts for the rule",
    .tags = { "wellness" },
    .door_id = SAUNA, .when = SATURDAY_10,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_RULE, .match_id = WELLNESS_WEEKENDS,
    .has_access = TRUE,
  },
  {
    .path = "rule/overnight/saturday-early",
    .description = "Friday's night window is open early on Saturday",
    .tags = { "night" },
    .door_id = GYM, .when = "2026-06-06 01:00",
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_RULE, .match_id = NIGHT_OWLS,
    .has_access = TRUE,
  },
  {
    .path = "rule/overnight/friday-early",
    .description = "but not early on Friday",
    .tags = { "night" },
    .door_id = GYM, .when = "2026-06-05 01:00",
    .reason = LANYARD_DECISION_OUTSIDE_HOURS,
    .match_kind = LANYARD_MATCH_RULE, .match_id = NIGHT_OWLS,
    .has_access = TRUE,
  },
  {
    .path = "rule/first-open-wins",
    .description = "a closed rule does not stop a later open one",
    .membership_status = "Current", .tags = { "night" },
    .door_id = GYM, .when = "2026-06-05 23:00",
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_RULE, .match_id = NIGHT_OWLS,
    .has_access = TRUE,
  },
  {
    .path = "rule/first-closed-reported",
    .description = "with two closed rules, the first is reported",
    .membership_status = "Current", .tags = { "night" },
    .door_id = GYM, .when = "2026-06-05 05:00",
    .reason = LANYARD_DECISION_OUTSIDE_HOURS,
    .match_kind = LANYARD_MATCH_RULE, .match_id = CURRENT_GYM,
    .has_access = TRUE,
  },
  {
    .path = "rule/date-bound",
    .description = "a rule valid from Wednesday is closed on Monday",
    .tags = { "many" },
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_OUTSIDE_HOURS,
    .match_kind = LANYARD_MATCH_RULE, .match_id = MANY_TARGETS,
    .has_access = TRUE,
  },
  {
    .path = "rule/empty-value",
    .description = "a rule on an empty value does not match people without a value",
    .person_type = "", .membership_status = "", .tags = { "" },
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
  },
  {
    .path = "rule/empty-scope",
    .description = "a rule on a scope without doors reaches nothing",
    .person_type = "Trial",
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
  },
  {
    .path = "rule/scope-of-unknown-doors",
    .description = "a rule on a scope whose doors were never added reaches nothing",
    .tags = { "ghost" },
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
  },

  /* Grants: each kind */
  {
    .path = "grant/facility",
    .description = "a facility-wide grant opens every door; its match id is 0",
    .person_type = "Basic",
    .grants = { { LANYARD_GRANT_FACILITY, 0, NULL } }, .n_grants = 1,
    .door_id = SERVER_ROOM, .when = MONDAY_23,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = 0, .grant_kind = LANYARD_GRANT_FACILITY,
    .has_access = TRUE,
  },
  {
    .path = "grant/door",
    .description = "a door grant opens its door",
    .grants = { { LANYARD_GRANT_DOOR, POOL, NULL } }, .n_grants = 1,
    .door_id = POOL, .when = MONDAY_23,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = POOL, .grant_kind = LANYARD_GRANT_DOOR,
    .has_access = TRUE,
  },
  {
    .path = "grant/door/other-door",
    .description = "a door grant does not open other doors",
    .grants = { { LANYARD_GRANT_DOOR, POOL, NULL } }, .n_grants = 1,
    .door_id = GYM, .when = MONDAY_23,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
    .has_access = TRUE,
  },
  {
    .path = "grant/scope",
    .description = "a scope grant opens the scope's doors",
    .grants = { { LANYARD_GRANT_DOOR, POOL, NULL }, { LANYARD_GRANT_SCOPE, STAFF_AREA, NULL } },
    .n_grants = 2,
    .door_id = SERVER_ROOM, .when = MONDAY_23,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = STAFF_AREA, .grant_kind = LANYARD_GRANT_SCOPE,
    .has_access = TRUE,
  },
  {
    .path = "grant/scope/late-door",
    .description = "a scope grant opens a door added after the scope",
    .grants = { { LANYARD_GRANT_SCOPE, WELLNESS, NULL } }, .n_grants = 1,
    .door_id = SAUNA, .when = MONDAY_23,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = WELLNESS, .grant_kind = LANYARD_GRANT_SCOPE,
    .has_access = TRUE,
  },
  {
    .path = "grant/scope/unknown-scope",
    .description = "a grant on a scope the facility does not have reaches nothing",
    .grants = { { LANYARD_GRANT_SCOPE, NOT_A_SCOPE, NULL } }, .n_grants = 1,
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
  },
  {
    .path = "grant/scope/empty-scope",
    .description = "a grant on a scope without doors reaches nothing",
    .grants = {
      { LANYARD_GRANT_SCOPE, EMPTY_SCOPE, NULL },
      { LANYARD_GRANT_SCOPE, GHOST_SCOPE, NULL },
    },
    .n_grants = 2,
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
  },
  {
    .path = "grant/door/unknown-door",
    .description = "a grant on a door the facility does not have reaches nothing",
    .grants = { { LANYARD_GRANT_DOOR, NOT_A_DOOR, NULL } }, .n_grants = 1,
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,
  },
  {
    .path = "grant/schedule/open",
    .description = "a door grant inside its hours, the last minute",
    .grants = { { LANYARD_GRANT_DOOR, GYM, "mon-fri 08:00-17:00" } }, .n_grants = 1,
    .door_id = GYM, .when = "2026-06-01 16:59",
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = GYM, .grant_kind = LANYARD_GRANT_DOOR,
    .has_access = TRUE,
  },
  {
    .path = "grant/schedule/closed",
    .description = "the same grant at its end time",
    .grants = { { LANYARD_GRANT_DOOR, GYM, "mon-fri 08:00-17:00" } }, .n_grants = 1,
    .door_id = GYM, .when = "2026-06-01 17:00",
    .reason = LANYARD_DECISION_OUTSIDE_HOURS,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = GYM, .grant_kind = LANYARD_GRANT_DOOR,
    .has_access = TRUE,
  },
  {
    .path = "grant/closed-schedule-still-has-access",
    .description = "schedules do not count for has-access",
    .grants = { { LANYARD_GRANT_FACILITY, 0, "from 2020-01-01; until 2020-01-31" } }, .n_grants = 1,
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_OUTSIDE_HOURS,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = 0, .grant_kind = LANYARD_GRANT_FACILITY,
    .has_access = TRUE,
  },

  /* Grants and rules together */
  {
    .path = "grants-before-rules",
    .description = "an open grant is reported before an open rule",
    .person_type = "Gold",
    .grants = { { LANYARD_GRANT_DOOR, FRONT, NULL } }, .n_grants = 1,
    .door_id = FRONT, .when = MONDAY_10,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = FRONT, .grant_kind = LANYARD_GRANT_DOOR,
    .has_access = TRUE,
  },
  {
    .path = "grants-before-rules/closed-grant-open-rule",
    .description = "a closed grant does not stop an open rule",
    .person_type = "Gold",
    .grants = { { LANYARD_GRANT_DOOR, FRONT, "sat 09:00-10:00" } }, .n_grants = 1,
    .door_id = FRONT, .when = MONDAY_10,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_RULE, .match_id = GOLD_ANYWHERE,
    .has_access = TRUE,
  },
  {
    .path = "grants-before-rules/first-closed-is-grant",
    .description = "when everything is closed, the first closed grant is reported",
    .membership_status = "Current",
    .grants = { { LANYARD_GRANT_DOOR, GYM, "sat 09:00-10:00" } }, .n_grants = 1,
    .door_id = GYM, .when = MONDAY_23,
    .reason = LANYARD_DECISION_OUTSIDE_HOURS,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = GYM, .grant_kind = LANYARD_GRANT_DOOR,
    .has_access = TRUE,
  },
  {
    .path = "grant/facility/overrides-door-grant",
    .description = "a closed facility-wide grant hides an open door grant",
    .grants = {
      { LANYARD_GRANT_DOOR, GYM, NULL },
      { LANYARD_GRANT_FACILITY, 0, "mon-fri 08:00-18:00" },
    },
    .n_grants = 2,
    .door_id = GYM, .when = SATURDAY_10,
    .reason = LANYARD_DECISION_OUTSIDE_HOURS,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = 0, .grant_kind = LANYARD_GRANT_FACILITY,
    .has_access = TRUE,
  },
  {
    .path = "grant/facility/overrides-scope-grant-schedule",
    .description = "an open facility-wide grant wins over a closed scope grant listed first",
    .grants = {
      { LANYARD_GRANT_SCOPE, STAFF_AREA, "sat 09:00-10:00" },
      { LANYARD_GRANT_FACILITY, 0, NULL },
    },
    .n_grants = 2,
    .door_id = OFFICE, .when = MONDAY_23,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_GRANT, .match_id = 0, .grant_kind = LANYARD_GRANT_FACILITY,
    .has_access = TRUE,
  },
  {
    .path = "grant/facility/rules-still-apply",
    .description = "a closed facility-wide grant does not hide an open rule",
    .membership_status = "Current",
    .grants = {
      { LANYARD_GRANT_FACILITY, 0, "mon-fri 08:00-18:00" },
      { LANYARD_GRANT_DOOR, GYM, NULL },
    },
    .n_grants = 2,
    .door_id = GYM, .when = SATURDAY_10,
    .allowed = TRUE, .reason = LANYARD_DECISION_ALLOWED,
    .match_kind = LANYARD_MATCH_RULE, .match_id = CURRENT_GYM,
    .has_access = TRUE,
  },

  /* A facility with no doors yet */
  {
    .path = "no-doors/all-doors-rule",
    .description = "an all-doors rule reaches nothing when there are no doors",
    .facility = FACILITY_NO_DOORS, .person_type = "Gold",
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_UNKNOWN_DOOR,
  },
  {
    .path = "no-doors/facility-grant",
    .description = "nor does a facility-wide grant",
    .facility = FACILITY_NO_DOORS,
    .grants = { { LANYARD_GRANT_FACILITY, 0, NULL } }, .n_grants = 1,
    .door_id = FRONT, .when = MONDAY_10,
    .reason = LANYARD_DECISION_UNKNOWN_DOOR,
  },
};

static gint64
usec_at (GTimeZone  *tz,
         const char *when)
{
  g_autoptr(GDateTime) date_time = NULL;
  int year, month, day, hour, minute;

  g_assert_cmpint (sscanf (when, "%d-%d-%d %d:%d", &year, &month, &day, &hour, &minute), ==, 5);
  date_time = g_date_time_new (tz, year, month, day, hour, minute, 0);
  g_assert_nonnull (date_time);

  return g_date_time_to_unix (date_time) * G_USEC_PER_SEC;
}

static LanyardSchedule *
schedule_or_null (const char *text)
{
  g_autoptr(GError) error = NULL;
  LanyardSchedule *schedule;

  if (text == NULL)
    return NULL;

  schedule = lanyard_schedule_parse (text, &error);
  g_assert_no_error (error);

  return schedule;
}

static void
add_rule (LanyardAccessPolicy  *policy,
          gint64                rule_id,
          const char           *name,
          LanyardRuleCondition  condition,
          const char           *value,
          LanyardRuleTarget     target,
          const gint64         *targets,
          guint                 n_targets,
          const char           *schedule_text)
{
  g_autoptr(LanyardSchedule) schedule = schedule_or_null (schedule_text);

  lanyard_access_policy_add_rule (policy, rule_id, name, condition, value,
                                  target, targets, n_targets, schedule);
}

static LanyardAccessPolicy *
create_facility (FacilityKind kind)
{
  static const gint64 wellness[] = { SAUNA, POOL, POOL };
  static const gint64 staff_area[] = { SERVER_ROOM, OFFICE };
  static const gint64 ghost[] = { NOT_A_DOOR };
  static const gint64 front_and_gym[] = { GYM, FRONT };
  static const gint64 gym[] = { GYM };
  static const gint64 many[] = { 998, FRONT, NOT_A_DOOR };
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Berlin");
  LanyardAccessPolicy *policy;

  g_assert_nonnull (tz);
  policy = lanyard_access_policy_new (FACILITY_ID, tz);

  if (kind == FACILITY_FULL)
    {
      lanyard_access_policy_add_door (policy, POOL, "Pool");
      lanyard_access_policy_add_door (policy, FRONT, "Front door");
      lanyard_access_policy_add_door (policy, OFFICE, "Office");
    }

  lanyard_access_policy_add_scope (policy, WELLNESS, "Wellness", wellness, G_N_ELEMENTS (wellness));
  lanyard_access_policy_add_scope (policy, EMPTY_SCOPE, "Nothing yet", NULL, 0);
  lanyard_access_policy_add_scope (policy, GHOST_SCOPE, "Ghosts", ghost, G_N_ELEMENTS (ghost));

  add_rule (policy, GOLD_ANYWHERE, "Gold members",
            LANYARD_RULE_CONDITION_PERSON_TYPE, "Gold",
            LANYARD_RULE_TARGET_ALL_DOORS, NULL, 0, NULL);
  add_rule (policy, CURRENT_GYM, "Current members",
            LANYARD_RULE_CONDITION_MEMBERSHIP_STATUS, "Current",
            LANYARD_RULE_TARGET_DOORS, front_and_gym, G_N_ELEMENTS (front_and_gym),
            "daily 06:00-22:00");
  /* Before its scope exists: scopes are resolved at decision time. */
  add_rule (policy, STAFF_WEEKDAYS, "Staff on weekdays",
            LANYARD_RULE_CONDITION_TAG, "staff",
            LANYARD_RULE_TARGET_SCOPES, (const gint64[]) { STAFF_AREA }, 1,
            "mon-fri 08:00-18:00");
  add_rule (policy, WELLNESS_WEEKENDS, "Wellness at weekends",
            LANYARD_RULE_CONDITION_TAG, "wellness",
            LANYARD_RULE_TARGET_SCOPES, (const gint64[]) { WELLNESS }, 1,
            "sat,sun 09:00-18:00");
  add_rule (policy, NIGHT_OWLS, "Night owls",
            LANYARD_RULE_CONDITION_TAG, "night",
            LANYARD_RULE_TARGET_DOORS, gym, G_N_ELEMENTS (gym),
            "fri 22:00-02:00");
  add_rule (policy, TRIAL_EMPTY, "Trial",
            LANYARD_RULE_CONDITION_PERSON_TYPE, "Trial",
            LANYARD_RULE_TARGET_SCOPES, (const gint64[]) { EMPTY_SCOPE }, 1, NULL);
  add_rule (policy, GHOSTS, "Ghosts",
            LANYARD_RULE_CONDITION_TAG, "ghost",
            LANYARD_RULE_TARGET_SCOPES, (const gint64[]) { GHOST_SCOPE, NOT_A_SCOPE }, 2, NULL);
  add_rule (policy, MANY_TARGETS, "From Wednesday",
            LANYARD_RULE_CONDITION_TAG, "many",
            LANYARD_RULE_TARGET_DOORS, many, G_N_ELEMENTS (many),
            "from 2026-06-03");

  add_rule (policy, EMPTY_VALUE, "Nobody",
            LANYARD_RULE_CONDITION_PERSON_TYPE, "",
            LANYARD_RULE_TARGET_ALL_DOORS, NULL, 0, NULL);

  lanyard_access_policy_add_scope (policy, STAFF_AREA, "Staff area",
                                   staff_area, G_N_ELEMENTS (staff_area));

  if (kind == FACILITY_FULL)
    {
      lanyard_access_policy_add_door (policy, GYM, "Gym");
      lanyard_access_policy_add_door (policy, SERVER_ROOM, "Server room");
      /* After the scope and the rule that name it. */
      lanyard_access_policy_add_door (policy, SAUNA, "Sauna");
    }

  return policy;
}

typedef struct
{
  LanyardPersonFacts  facts;
  LanyardGrantFacts   grants[3];
} Person;

static void
person_init (Person           *person,
             const DecideCase *test)
{
  memset (person, 0, sizeof *person);

  person->facts.id = 42;
  person->facts.access_enabled = !test->disabled;
  person->facts.person_type = test->person_type;
  person->facts.membership_status = test->membership_status;
  person->facts.tags = test->tags[0] ? test->tags : NULL;
  person->facts.grants = person->grants;
  person->facts.n_grants = test->n_grants;

  for (guint i = 0; i < test->n_grants; i++)
    {
      person->grants[i].kind = test->grants[i].kind;
      person->grants[i].target_id = test->grants[i].target_id;
      person->grants[i].schedule = schedule_or_null (test->grants[i].schedule);
    }
}

static void
person_clear (Person *person)
{
  for (guint i = 0; i < person->facts.n_grants; i++)
    g_clear_pointer (&person->grants[i].schedule, lanyard_schedule_unref);
}

static void
test_decide (gconstpointer data)
{
  const DecideCase *test = data;
  g_autoptr(LanyardAccessPolicy) policy = create_facility (test->facility);
  LanyardDecision decision;
  Person person;

  g_test_summary (test->description);

  person_init (&person, test);

  /* Garbage first, so that every field has to be written. */
  memset (&decision, 0xAA, sizeof decision);
  lanyard_access_policy_decide (policy,
                                test->unknown ? NULL : &person.facts,
                                test->door_id,
                                usec_at (lanyard_access_policy_get_timezone (policy), test->when),
                                &decision);

  g_assert_cmpstr (lanyard_decision_reason_to_nick (decision.reason), ==,
                   lanyard_decision_reason_to_nick (test->reason));
  g_assert_cmpint (decision.allowed, ==, test->allowed);
  g_assert_cmpint (decision.match_kind, ==, test->match_kind);
  g_assert_cmpint (decision.match_id, ==, test->match_id);
  if (test->match_kind == LANYARD_MATCH_GRANT)
    g_assert_cmpint (decision.grant_kind, ==, test->grant_kind);

  person_clear (&person);
}

/* The same people, asked "has access?": schedules do not count. */
static void
test_has_access (gconstpointer data)
{
  const DecideCase *test = data;
  g_autoptr(LanyardAccessPolicy) policy = create_facility (test->facility);
  Person person;

  g_test_summary (test->description);

  person_init (&person, test);

  g_assert_cmpint (lanyard_access_policy_person_has_access (policy,
                                                           test->unknown ? NULL : &person.facts),
                   ==, test->has_access);

  person_clear (&person);
}

static void
test_names (void)
{
  g_autoptr(LanyardAccessPolicy) policy = create_facility (FACILITY_FULL);
  LanyardAccessPolicy *ref;

  g_assert_cmpint (lanyard_access_policy_get_facility_id (policy), ==, FACILITY_ID);
  g_assert_cmpstr (g_time_zone_get_identifier (lanyard_access_policy_get_timezone (policy)),
                   ==, "Europe/Berlin");
  g_assert_cmpstr (lanyard_access_policy_get_door_name (policy, SAUNA), ==, "Sauna");
  g_assert_cmpstr (lanyard_access_policy_get_door_name (policy, FRONT), ==, "Front door");
  g_assert_null (lanyard_access_policy_get_door_name (policy, NOT_A_DOOR));
  g_assert_cmpstr (lanyard_access_policy_get_scope_name (policy, STAFF_AREA), ==, "Staff area");
  g_assert_null (lanyard_access_policy_get_scope_name (policy, NOT_A_SCOPE));
  g_assert_cmpstr (lanyard_access_policy_get_rule_name (policy, NIGHT_OWLS), ==, "Night owls");
  g_assert_null (lanyard_access_policy_get_rule_name (policy, 1));

  g_assert_true (G_TYPE_IS_BOXED (LANYARD_TYPE_ACCESS_POLICY));
  ref = g_boxed_copy (LANYARD_TYPE_ACCESS_POLICY, policy);
  g_assert_true (ref == policy);
  g_boxed_free (LANYARD_TYPE_ACCESS_POLICY, ref);
}

static void
test_reasons (void)
{
  static const struct {
    LanyardDecisionReason  reason;
    const char            *nick;
  } reasons[] = {
    { LANYARD_DECISION_ALLOWED, "allowed" },
    { LANYARD_DECISION_UNKNOWN_PERSON, "unknown-person" },
    { LANYARD_DECISION_UNKNOWN_DOOR, "unknown-door" },
    { LANYARD_DECISION_ACCESS_DISABLED, "access-disabled" },
    { LANYARD_DECISION_OUTSIDE_HOURS, "outside-hours" },
    { LANYARD_DECISION_NO_RULE_OR_GRANT, "no-rule-or-grant" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      const char *sentence = lanyard_decision_reason_to_string (reasons[i].reason);

      g_assert_cmpstr (lanyard_decision_reason_to_nick (reasons[i].reason), ==, reasons[i].nick);
      g_assert_nonnull (sentence);
      g_assert_true (g_ascii_isupper (sentence[0]));

      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (sentence, !=, lanyard_decision_reason_to_string (reasons[j].reason));
    }

  g_assert_cmpstr (lanyard_decision_reason_to_string (LANYARD_DECISION_ACCESS_DISABLED),
                   ==, "Access is disabled for this person");
}

/* Rules and scopes after the first decision still count. */
static void
test_add_after_decide (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(LanyardAccessPolicy) policy = lanyard_access_policy_new (FACILITY_ID, tz);
  const char * const tags[] = { "staff", NULL };
  LanyardPersonFacts person = { .id = 1, .access_enabled = TRUE, .tags = tags };
  LanyardDecision decision;

  lanyard_access_policy_add_door (policy, OFFICE, "Office");
  lanyard_access_policy_add_rule (policy, STAFF_WEEKDAYS, "Staff",
                                  LANYARD_RULE_CONDITION_TAG, "staff",
                                  LANYARD_RULE_TARGET_SCOPES, (const gint64[]) { STAFF_AREA }, 1,
                                  NULL);

  lanyard_access_policy_decide (policy, &person, OFFICE, 0, &decision);
  g_assert_cmpint (decision.reason, ==, LANYARD_DECISION_NO_RULE_OR_GRANT);
  g_assert_false (lanyard_access_policy_person_has_access (policy, &person));

  add_rule (policy, EMPTY_VALUE, "Nobody",
            LANYARD_RULE_CONDITION_PERSON_TYPE, "",
            LANYARD_RULE_TARGET_ALL_DOORS, NULL, 0, NULL);

  lanyard_access_policy_add_scope (policy, STAFF_AREA, "Staff area",
                                   (const gint64[]) { OFFICE }, 1);

  lanyard_access_policy_decide (policy, &person, OFFICE, 0, &decision);
  g_assert_cmpint (decision.reason, ==, LANYARD_DECISION_ALLOWED);
  g_assert_cmpint (decision.match_id, ==, STAFF_WEEKDAYS);
  g_assert_true (lanyard_access_policy_person_has_access (policy, &person));
}

/* Index 0 of the throughput test's schedules is NULL: always. */
static void
schedule_unref0 (gpointer schedule)
{
  if (schedule != NULL)
    lanyard_schedule_unref (schedule);
}

/*
 * A realistic facility for the throughput message: 40 doors, 8 scopes of
 * 3–10 doors, 12 rules on type, status and tag, most with schedules.
 * Not a pass/fail on speed, since machines differ: it only reports.
 */
static void
test_throughput (void)
{
  static const char * const types[] = { "Gold", "Silver", "Trial", "Staff", "Basic" };
  static const char * const statuses[] = { "Current", "Expired", "Frozen" };
  static const char * const tag_pool[] = {
    "staff", "wellness", "night", "parking", "first-aid", "vip", "youth", "swim-team",
  };
  static const char * const schedules[] = {
    NULL, "mon-fri 07:00-22:00; sat,sun 09:00-18:00", "daily 06:00-23:00",
    "fri,sat 22:00-03:00", "mon-fri 08:00-18:00; from 2026-01-01; until 2026-12-31",
  };
  enum { N_DOORS = 40, N_SCOPES = 8, N_RULES = 12, N_PEOPLE = 1024, N_QUESTIONS = 4096 };
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr(LanyardAccessPolicy) policy = lanyard_access_policy_new (FACILITY_ID, tz);
  g_autoptr(GPtrArray) schedule_objects = g_ptr_array_new_with_free_func (schedule_unref0);
  static const char *people_tags[N_PEOPLE][4];
  static LanyardGrantFacts people_grants[N_PEOPLE][3];
  static LanyardPersonFacts people[N_PEOPLE];
  static gint64 question_doors[N_QUESTIONS];
  static gint64 question_instants[N_QUESTIONS];
  guint counts[LANYARD_DECISION_NO_RULE_OR_GRANT + 1] = { 0 };
  gint64 start_usec, elapsed_usec;
  guint n_decisions = 0;
  gint64 week_start;
  guint rounds;

  g_assert_nonnull (tz);
  week_start = usec_at (tz, "2026-06-01 00:00");

  for (guint i = 0; i < G_N_ELEMENTS (schedules); i++)
    g_ptr_array_add (schedule_objects, schedule_or_null (schedules[i]));

  for (guint i = 1; i <= N_DOORS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Door %u", i);
      lanyard_access_policy_add_door (policy, i, name);
    }

  for (guint s = 0; s < N_SCOPES; s++)
    {
      gint64 doors[10];
      guint n = 3 + g_test_rand_int_range (0, 8);

      for (guint d = 0; d < n; d++)
        doors[d] = 1 + g_test_rand_int_range (0, N_DOORS);
      lanyard_access_policy_add_scope (policy, 100 + s, "Scope", doors, n);
    }

  for (guint r = 0; r < N_RULES; r++)
    {
      LanyardRuleCondition condition = r % 3;
      LanyardRuleTarget target = r == 0 ? LANYARD_RULE_TARGET_ALL_DOORS : 1 + r % 2;
      const char *value;
      LanyardSchedule *schedule;
      gint64 targets[4];

      if (condition == LANYARD_RULE_CONDITION_PERSON_TYPE)
        value = types[r % G_N_ELEMENTS (types)];
      else if (condition == LANYARD_RULE_CONDITION_MEMBERSHIP_STATUS)
        value = statuses[r % G_N_ELEMENTS (statuses)];
      else
        value = tag_pool[r % G_N_ELEMENTS (tag_pool)];

      for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
        targets[t] = target == LANYARD_RULE_TARGET_DOORS
                     ? 1 + g_test_rand_int_range (0, N_DOORS)
                     : 100 + g_test_rand_int_range (0, N_SCOPES);

      /* Every rule has hours, so the local time is needed often. */
      schedule = g_ptr_array_index (schedule_objects, 1 + r % (G_N_ELEMENTS (schedules) - 1));
      lanyard_access_policy_add_rule (policy, 1000 + r, "Rule", condition, value, target,
                                      targets, 1 + r % 4, schedule);
    }

  for (guint p = 0; p < N_PEOPLE; p++)
    {
      guint n_grants = g_test_rand_int_range (0, 4);

      for (guint t = 0; t < 3; t++)
        people_tags[p][t] = tag_pool[g_test_rand_int_range (0, G_N_ELEMENTS (tag_pool))];
      people_tags[p][3] = NULL;

      for (guint g = 0; g < n_grants; g++)
        {
          guint kind = g_test_rand_int_range (0, 40);

          /* One grant in twenty is facility-wide, the rest door or scope grants. */
          people_grants[p][g].kind = kind < 2 ? LANYARD_GRANT_FACILITY
                                   : kind % 2 ? LANYARD_GRANT_DOOR : LANYARD_GRANT_SCOPE;
          people_grants[p][g].target_id = people_grants[p][g].kind == LANYARD_GRANT_DOOR
                                          ? 1 + g_test_rand_int_range (0, N_DOORS)
                                          : 100 + g_test_rand_int_range (0, N_SCOPES);
          people_grants[p][g].schedule =
            g_ptr_array_index (schedule_objects,
                               g_test_rand_int_range (0, G_N_ELEMENTS (schedules)));
        }

      people[p] = (LanyardPersonFacts) {
        .id = p + 1,
        .access_enabled = g_test_rand_int_range (0, 50) != 0,
        .person_type = types[g_test_rand_int_range (0, G_N_ELEMENTS (types))],
        .membership_status = statuses[g_test_rand_int_range (0, G_N_ELEMENTS (statuses))],
        .tags = people_tags[p],
        .grants = people_grants[p],
        .n_grants = n_grants,
      };
    }

  for (guint q = 0; q < N_QUESTIONS; q++)
    {
      question_doors[q] = 1 + g_test_rand_int_range (0, N_DOORS);
      question_instants[q] = week_start +
                             (gint64) g_test_rand_int_range (0, 7 * 24 * 60) * 60 * G_USEC_PER_SEC;
    }

  /* Fewer rounds under valgrind and friends; the number is what matters. */
  rounds = g_test_perf () ? 1000 : 100;

  start_usec = g_get_monotonic_time ();
  for (guint round = 0; round < rounds; round++)
    {
      for (guint q = 0; q < N_QUESTIONS; q++)
        {
          LanyardDecision decision;

          lanyard_access_policy_decide (policy,
                                        &people[(q * 7 + round) % N_PEOPLE],
                                        question_doors[q],
                                        question_instants[q],
                                        &decision);
          counts[decision.reason]++;
          n_decisions++;
        }
    }
  elapsed_usec = MAX (g_get_monotonic_time () - start_usec, 1);

  g_test_message ("%u decisions in %.1f ms: %.2f million decisions/s "
                  "(allowed %u, outside hours %u, no rule or grant %u, disabled %u)",
                  n_decisions, elapsed_usec / 1000.0,
                  n_decisions / (double) elapsed_usec,
                  counts[LANYARD_DECISION_ALLOWED],
                  counts[LANYARD_DECISION_OUTSIDE_HOURS],
                  counts[LANYARD_DECISION_NO_RULE_OR_GRANT],
                  counts[LANYARD_DECISION_ACCESS_DISABLED]);

  g_assert_cmpuint (n_decisions, ==, rounds * N_QUESTIONS);
  g_assert_cmpuint (counts[LANYARD_DECISION_ALLOWED], >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (decide_cases); i++)
    {
      const DecideCase *test = &decide_cases[i];
      g_autofree char *decide_path = g_strconcat ("/core/access/decide/", test->path, NULL);
      g_autofree char *has_access_path = g_strconcat ("/core/access/has-access/", test->path, NULL);

      g_test_add_data_func (decide_path, test, test_decide);
      g_test_add_data_func (has_access_path, test, test_has_access);
    }

  g_test_add_func ("/core/access/names", test_names);
  g_test_add_func ("/core/access/reasons", test_reasons);
  g_test_add_func ("/core/access/add-after-decide", test_add_after_decide);
  g_test_add_func ("/core/access/throughput", test_throughput);

  return g_test_run ();
}
