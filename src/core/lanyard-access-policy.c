/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lanyard-access-policy.h"

/*
 * The engine keeps, for every door, the rules that cover it (in the order
 * they were added) and the scopes that list it (sorted by id). A decision is
 * then a binary search for the door, a look at the person's few grants and a
 * walk over that door's rules: no hashing, no allocation. The lists are kept
 * up to date by the add functions, whichever order doors, scopes and rules
 * arrive in, so a scope that gains a door counts for every rule on it.
 */

typedef struct
{
  gint64   id;
  char    *name;
  gint64  *door_ids;  /* sorted, unique; doors not added yet included */
  guint    n_door_ids;
  gboolean reaches;   /* lists at least one added door */
} Scope;

typedef struct
{
  gint64                id;
  char                 *name;
  LanyardRuleCondition  condition;
  char                 *value;
  LanyardRuleTarget     target;
  gint64               *target_ids;  /* sorted, unique */
  guint                 n_target_ids;
  LanyardSchedule      *schedule;
  gboolean              reaches;     /* covers at least one added door */
} Rule;

typedef struct
{
  gint64     id;
  char      *name;
  GArray    *scope_ids;  /* gint64, sorted: the added scopes that list this door */
  GPtrArray *rules;      /* Rule, borrowed: those that cover this door, in rule order */
} Door;

/* Door ids next to their doors, so the binary search stays in one array. */
typedef struct
{
  gint64  id;
  Door   *door;
} DoorSlot;

struct _LanyardAccessPolicy
{
  gatomicrefcount  ref_count;
  gint64           facility_id;
  GTimeZone       *tz;
  GArray          *doors;        /* DoorSlot, sorted by id; owns the doors */
  GHashTable      *scopes;       /* &Scope.id → Scope, owned */
  GPtrArray       *rules;        /* Rule, in the order added, owned */
  GHashTable      *rules_by_id;  /* &Rule.id → Rule, borrowed */
};

/* The facility's local time, worked out once per decision and only if needed. */
typedef struct
{
  gboolean known;
  gint64   day;
  int      minute;
} LocalTime;

typedef struct
{
  LanyardMatchKind kind;
  LanyardGrantKind grant_kind;
  gint64           id;
} Match;

G_DEFINE_BOXED_TYPE (LanyardAccessPolicy, lanyard_access_policy,
                     lanyard_access_policy_ref, lanyard_access_policy_unref)

static void
scope_free (Scope *scope)
{
  g_free (scope->name);
  g_free (scope->door_ids);
  g_free (scope);
}

static void
rule_free (Rule *rule)
{
  g_free (rule->name);
  g_free (rule->value);
  g_free (rule->target_ids);
  g_clear_pointer (&rule->schedule, lanyard_schedule_unref);
  g_free (rule);
}

static void
door_slot_clear (gpointer data)
{
  DoorSlot *slot = data;
  Door *door = slot->door;

  g_free (door->name);
  g_array_unref (door->scope_ids);
  g_ptr_array_unref (door->rules);
  g_free (door);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 ia = *(const gint64 *) a;
  gint64 ib = *(const gint64 *) b;

  return (ia > ib) - (ia < ib);
}

/* Index of the first id not less than @id. */
static inline guint
lower_bound (const gint64 *ids,
             guint         n_ids,
             gint64        id)
{
  guint lo = 0;
  guint hi = n_ids;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (ids[mid] < id)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static inline gboolean
ids_contain (const gint64 *ids,
             guint         n_ids,
             gint64        id)
{
  guint pos = lower_bound (ids, n_ids, id);

  return pos < n_ids && ids[pos] == id;
}

/* A sorted copy without duplicates. */
static gint64 *
sorted_ids_dup (const gint64 *ids,
                guint         n_ids,
                guint        *out_n_ids)
{
  gint64 *copy;
  guint n = 0;

  if (n_ids == 0)
    {
      *out_n_ids = 0;
      return NULL;
    }

  copy = g_memdup2 (ids, n_ids * sizeof (gint64));
  qsort (copy, n_ids, sizeof (gint64), compare_ids);

  for (guint i = 0; i < n_ids; i++)
    {
      if (n == 0 || copy[n - 1] != copy[i])
        copy[n++] = copy[i];
    }

  *out_n_ids = n;

  return copy;
}

/* Index of the first door whose id is not less than @door_id. */
static inline guint
door_position (LanyardAccessPolicy *self,
               gint64               door_id)
{
  const DoorSlot *slots = (const DoorSlot *) (gpointer) self->doors->data;
  guint lo = 0;
  guint hi = self->doors->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (slots[mid].id < door_id)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static inline Door *
find_door (LanyardAccessPolicy *self,
           gint64               door_id)
{
  guint pos = door_position (self, door_id);

  if (pos < self->doors->len && g_array_index (self->doors, DoorSlot, pos).id == door_id)
    return g_array_index (self->doors, DoorSlot, pos).door;

  return NULL;
}

static gboolean
rule_covers_door (const Rule *rule,
                  const Door *door)
{
  switch (rule->target)
    {
    case LANYARD_RULE_TARGET_ALL_DOORS:
      return TRUE;

    case LANYARD_RULE_TARGET_DOORS:
      return ids_contain (rule->target_ids, rule->n_target_ids, door->id);

    case LANYARD_RULE_TARGET_SCOPES:
      for (guint i = 0; i < rule->n_target_ids; i++)
        {
          if (ids_contain ((const gint64 *) (gpointer) door->scope_ids->data,
                           door->scope_ids->len,
                           rule->target_ids[i]))
            return TRUE;
        }
      return FALSE;

    default:
      g_assert_not_reached ();
    }
}

/* Called whenever what covers @door may have changed. */
static void
door_collect_rules (LanyardAccessPolicy *self,
                    Door                *door)
{
  g_ptr_array_set_size (door->rules, 0);

  for (guint i = 0; i < self->rules->len; i++)
    {
      Rule *rule = g_ptr_array_index (self->rules, i);

      if (rule_covers_door (rule, door))
        {
          g_ptr_array_add (door->rules, rule);
          rule->reaches = TRUE;
        }
    }
}

static void
door_add_scope_id (Door   *door,
                   gint64  scope_id)
{
  guint pos = lower_bound ((const gint64 *) (gpointer) door->scope_ids->data,
                           door->scope_ids->len,
                           scope_id);

  g_array_insert_val (door->scope_ids, pos, scope_id);
}

/**
 * lanyard_access_policy_new:
 * @facility_id: the facility the policy is for
 * @tz: the facility's time zone, in which schedules are read
 *
 * Returns: (transfer full): an empty policy; add doors, scopes and rules
 */
LanyardAccessPolicy *
lanyard_access_policy_new (gint64     facility_id,
                           GTimeZone *tz)
{
  LanyardAccessPolicy *self;

  g_return_val_if_fail (tz != NULL, NULL);

  self = g_new0 (LanyardAccessPolicy, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->facility_id = facility_id;
  self->tz = g_time_zone_ref (tz);
  self->doors = g_array_new (FALSE, FALSE, sizeof (DoorSlot));
  g_array_set_clear_func (self->doors, door_slot_clear);
  self->scopes = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                        NULL, (GDestroyNotify) scope_free);
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  self->rules_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);

  return self;
}

LanyardAccessPolicy *
lanyard_access_policy_ref (LanyardAccessPolicy *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
lanyard_access_policy_unref (LanyardAccessPolicy *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->rules_by_id, g_hash_table_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->scopes, g_hash_table_unref);
  g_clear_pointer (&self->doors, g_array_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_free (self);
}

gint64
lanyard_access_policy_get_facility_id (LanyardAccessPolicy *self)
{
  g_return_val_if_fail (self != NULL, LANYARD_NO_ID);

  return self->facility_id;
}

/**
 * lanyard_access_policy_get_timezone:
 * @self: a #LanyardAccessPolicy
 *
 * Returns: (transfer none): the facility's time zone
 */
GTimeZone *
lanyard_access_policy_get_timezone (LanyardAccessPolicy *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->tz;
}

void
lanyard_access_policy_add_door (LanyardAccessPolicy *self,
                                gint64               door_id,
                                const char          *name)
{
  GHashTableIter iter;
  gpointer value;
  DoorSlot slot;
  Door *door;

  g_return_if_fail (self != NULL);
  g_return_if_fail (door_id > 0);
  g_return_if_fail (find_door (self, door_id) == NULL);

  door = g_new0 (Door, 1);
  door->id = door_id;
  door->name = g_strdup (name);
  door->scope_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  door->rules = g_ptr_array_new ();

  g_hash_table_iter_init (&iter, self->scopes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Scope *scope = value;

      if (ids_contain (scope->door_ids, scope->n_door_ids, door_id))
        {
          door_add_scope_id (door, scope->id);
          scope->reaches = TRUE;
        }
    }

  door_collect_rules (self, door);

  slot.id = door_id;
  slot.door = door;
  g_array_insert_val (self->doors, door_position (self, door_id), slot);
}

void
lanyard_access_policy_add_scope (LanyardAccessPolicy *self,
                                 gint64               scope_id,
                                 const char          *name,
                                 const gint64        *door_ids,
                                 guint                n_doors)
{
  Scope *scope;

  g_return_if_fail (self != NULL);
  g_return_if_fail (scope_id > 0);
  g_return_if_fail (door_ids != NULL || n_doors == 0);
  g_return_if_fail (!g_hash_table_contains (self->scopes, &scope_id));

  scope = g_new0 (Scope, 1);
  scope->id = scope_id;
  scope->name = g_strdup (name);
  scope->door_ids = sorted_ids_dup (door_ids, n_doors, &scope->n_door_ids);
  g_hash_table_insert (self->scopes, &scope->id, scope);

  for (guint i = 0; i < scope->n_door_ids; i++)
    {
      Door *door = find_door (self, scope->door_ids[i]);

      if (door == NULL)
        continue;

      scope->reaches = TRUE;
      door_add_scope_id (door, scope_id);
      /* Rules on this scope may have been added before it. */
      door_collect_rules (self, door);
    }
}

void
lanyard_access_policy_add_rule (LanyardAccessPolicy  *self,
                                gint64                rule_id,
                                const char           *name,
                                LanyardRuleCondition  condition,
                                const char           *value,
                                LanyardRuleTarget     target,
                                const gint64         *target_ids,
                                guint                 n_targets,
                                LanyardSchedule      *schedule)
{
  Rule *rule;

  g_return_if_fail (self != NULL);
  g_return_if_fail (rule_id > 0);
  g_return_if_fail ((guint) condition <= LANYARD_RULE_CONDITION_TAG);
  g_return_if_fail (value != NULL);
  g_return_if_fail ((guint) target <= LANYARD_RULE_TARGET_SCOPES);
  g_return_if_fail (target_ids != NULL || n_targets == 0 ||
                    target == LANYARD_RULE_TARGET_ALL_DOORS);
  g_return_if_fail (!g_hash_table_contains (self->rules_by_id, &rule_id));

  rule = g_new0 (Rule, 1);
  rule->id = rule_id;
  rule->name = g_strdup (name);
  rule->condition = condition;
  rule->value = g_strdup (value);
  rule->target = target;
  if (target != LANYARD_RULE_TARGET_ALL_DOORS)
    rule->target_ids = sorted_ids_dup (target_ids, n_targets, &rule->n_target_ids);
  rule->schedule = schedule ? lanyard_schedule_ref (schedule) : NULL;

  g_ptr_array_add (self->rules, rule);
  g_hash_table_insert (self->rules_by_id, &rule->id, rule);

  /* The newest rule comes last, so appending keeps each door's list in order. */
  for (guint i = 0; i < self->doors->len; i++)
    {
      Door *door = g_array_index (self->doors, DoorSlot, i).door;

      if (rule_covers_door (rule, door))
        {
          g_ptr_array_add (door->rules, rule);
          rule->reaches = TRUE;
        }
    }
}

const char *
lanyard_access_policy_get_door_name (LanyardAccessPolicy *self,
                                     gint64               door_id)
{
  Door *door;

  g_return_val_if_fail (self != NULL, NULL);

  door = find_door (self, door_id);

  return door ? door->name : NULL;
}

const char *
lanyard_access_policy_get_scope_name (LanyardAccessPolicy *self,
                                      gint64               scope_id)
{
  Scope *scope;

  g_return_val_if_fail (self != NULL, NULL);

  scope = g_hash_table_lookup (self->scopes, &scope_id);

  return scope ? scope->name : NULL;
}

const char *
lanyard_access_policy_get_rule_name (LanyardAccessPolicy *self,
                                     gint64               rule_id)
{
  Rule *rule;

  g_return_val_if_fail (self != NULL, NULL);

  rule = g_hash_table_lookup (self->rules_by_id, &rule_id);

  return rule ? rule->name : NULL;
}

static inline gboolean
value_matches (const Rule *rule,
               const char *value)
{
  /* The first byte settles most mismatches without a call. */
  return value != NULL &&
         value[0] == rule->value[0] &&
         strcmp (value, rule->value) == 0;
}

static gboolean
rule_matches_person (const Rule               *rule,
                     const LanyardPersonFacts *person)
{
  if (rule->value[0] == '\0')
    return FALSE;

  switch (rule->condition)
    {
    case LANYARD_RULE_CONDITION_PERSON_TYPE:
      return value_matches (rule, person->person_type);

    case LANYARD_RULE_CONDITION_MEMBERSHIP_STATUS:
      return value_matches (rule, person->membership_status);

    case LANYARD_RULE_CONDITION_TAG:
      if (person->tags != NULL)
        {
          for (guint i = 0; person->tags[i] != NULL; i++)
            {
              if (value_matches (rule, person->tags[i]))
                return TRUE;
            }
        }
      return FALSE;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
grant_covers_door (const LanyardGrantFacts *grant,
                   const Door              *door,
                   gboolean                 facility_wide)
{
  /* A facility-wide grant stands in for the door and scope grants. */
  if (facility_wide)
    return grant->kind == LANYARD_GRANT_FACILITY;

  switch (grant->kind)
    {
    case LANYARD_GRANT_DOOR:
      return grant->target_id == door->id;

    case LANYARD_GRANT_SCOPE:
      return ids_contain ((const gint64 *) (gpointer) door->scope_ids->data,
                          door->scope_ids->len,
                          grant->target_id);

    case LANYARD_GRANT_FACILITY:
    default:
      return FALSE;
    }
}

static inline gboolean
schedule_is_open (LanyardAccessPolicy   *self,
                  const LanyardSchedule *schedule,
                  gint64                 instant_usec,
                  LocalTime             *now)
{
  if (schedule == NULL)
    return TRUE;

  if (!now->known)
    {
      lanyard_local_time_from_instant (self->tz, instant_usec, &now->day, &now->minute);
      now->known = TRUE;
    }

  return lanyard_schedule_is_open_local (schedule, now->day, now->minute);
}

static inline void
set_decision (LanyardDecision       *decision,
              LanyardDecisionReason  reason,
              const Match           *match)
{
  decision->allowed = reason == LANYARD_DECISION_ALLOWED;
  decision->reason = reason;
  decision->match_kind = match ? match->kind : LANYARD_MATCH_NONE;
  decision->match_id = match ? match->id : LANYARD_NO_ID;
  decision->grant_kind = match ? match->grant_kind : LANYARD_GRANT_FACILITY;
}

void
lanyard_access_policy_decide (LanyardAccessPolicy      *self,
                              const LanyardPersonFacts *person,
                              gint64                    door_id,
                              gint64                    instant_usec,
                              LanyardDecision          *out_decision)
{
  LocalTime now = { FALSE, 0, 0 };
  Match closed = { LANYARD_MATCH_NONE, LANYARD_GRANT_FACILITY, LANYARD_NO_ID };
  gboolean facility_wide = FALSE;
  const Door *door;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out_decision != NULL);
  g_return_if_fail (person == NULL || person->grants != NULL || person->n_grants == 0);

  if (person == NULL)
    {
      set_decision (out_decision, LANYARD_DECISION_UNKNOWN_PERSON, NULL);
      return;
    }

  door = find_door (self, door_id);
  if (door == NULL)
    {
      set_decision (out_decision, LANYARD_DECISION_UNKNOWN_DOOR, NULL);
      return;
    }

  if (!person->access_enabled)
    {
      set_decision (out_decision, LANYARD_DECISION_ACCESS_DISABLED, NULL);
      return;
    }

  for (guint i = 0; i < person->n_grants; i++)
    {
      if (person->grants[i].kind == LANYARD_GRANT_FACILITY)
        {
          facility_wide = TRUE;
          break;
        }
    }

  for (guint i = 0; i < person->n_grants; i++)
    {
      const LanyardGrantFacts *grant = &person->grants[i];
      Match match;

      if (!grant_covers_door (grant, door, facility_wide))
        continue;

      match.kind = LANYARD_MATCH_GRANT;
      match.grant_kind = grant->kind;
      match.id = grant->kind == LANYARD_GRANT_FACILITY ? LANYARD_NO_ID : grant->target_id;

      if (schedule_is_open (self, grant->schedule, instant_usec, &now))
        {
          set_decision (out_decision, LANYARD_DECISION_ALLOWED, &match);
          return;
        }

      if (closed.kind == LANYARD_MATCH_NONE)
        closed = match;
    }

  for (guint i = 0; i < door->rules->len; i++)
    {
      const Rule *rule = g_ptr_array_index (door->rules, i);
      Match match;

      if (!rule_matches_person (rule, person))
        continue;

      match.kind = LANYARD_MATCH_RULE;
      match.grant_kind = LANYARD_GRANT_FACILITY;
      match.id = rule->id;

      if (schedule_is_open (self, rule->schedule, instant_usec, &now))
        {
          set_decision (out_decision, LANYARD_DECISION_ALLOWED, &match);
          return;
        }

      if (closed.kind == LANYARD_MATCH_NONE)
        closed = match;
    }

  if (closed.kind != LANYARD_MATCH_NONE)
    set_decision (out_decision, LANYARD_DECISION_OUTSIDE_HOURS, &closed);
  else
    set_decision (out_decision, LANYARD_DECISION_NO_RULE_OR_GRANT, NULL);
}

gboolean
lanyard_access_policy_person_has_access (LanyardAccessPolicy      *self,
                                         const LanyardPersonFacts *person)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (person == NULL || !person->access_enabled)
    return FALSE;

  g_return_val_if_fail (person->grants != NULL || person->n_grants == 0, FALSE);

  /*
   * The facility-wide grant's precedence does not matter here: when it
   * reaches nothing, there are no doors for the other grants to reach.
   */
  for (guint i = 0; i < person->n_grants; i++)
    {
      const LanyardGrantFacts *grant = &person->grants[i];
      const Scope *scope;

      switch (grant->kind)
        {
        case LANYARD_GRANT_FACILITY:
          if (self->doors->len > 0)
            return TRUE;
          break;

        case LANYARD_GRANT_DOOR:
          if (find_door (self, grant->target_id) != NULL)
            return TRUE;
          break;

        case LANYARD_GRANT_SCOPE:
          scope = g_hash_table_lookup (self->scopes, &grant->target_id);
          if (scope != NULL && scope->reaches)
            return TRUE;
          break;

        default:
          break;
        }
    }

  for (guint i = 0; i < self->rules->len; i++)
    {
      const Rule *rule = g_ptr_array_index (self->rules, i);

      if (rule->reaches && rule_matches_person (rule, person))
        return TRUE;
    }

  return FALSE;
}

const char *
lanyard_decision_reason_to_string (LanyardDecisionReason reason)
{
  switch (reason)
    {
    case LANYARD_DECISION_ALLOWED:
      return _("Access is allowed");

    case LANYARD_DECISION_UNKNOWN_PERSON:
      return _("This person is not known");

    case LANYARD_DECISION_UNKNOWN_DOOR:
      return _("This door is not part of the facility");

    case LANYARD_DECISION_ACCESS_DISABLED:
      return _("Access is disabled for this person");

    case LANYARD_DECISION_OUTSIDE_HOURS:
      return _("A rule or grant covers this door, but not at this time");

    case LANYARD_DECISION_NO_RULE_OR_GRANT:
      return _("No rule or grant gives this person access to this door");

    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
lanyard_decision_reason_to_nick (LanyardDecisionReason reason)
{
  switch (reason)
    {
    case LANYARD_DECISION_ALLOWED:
      return "allowed";

    case LANYARD_DECISION_UNKNOWN_PERSON:
      return "unknown-person";

    case LANYARD_DECISION_UNKNOWN_DOOR:
      return "unknown-door";

    case LANYARD_DECISION_ACCESS_DISABLED:
      return "access-disabled";

    case LANYARD_DECISION_OUTSIDE_HOURS:
      return "outside-hours";

    case LANYARD_DECISION_NO_RULE_OR_GRANT:
      return "no-rule-or-grant";

    default:
      g_return_val_if_reached (NULL);
    }
}
