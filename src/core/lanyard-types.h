/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Where a person's record comes from. */
typedef enum {
  LANYARD_SOURCE_MANUAL,
  LANYARD_SOURCE_INTEGRATION,
  LANYARD_SOURCE_CCTV,
} LanyardSource;

typedef enum {
  LANYARD_INVITATION_NOT_INVITED,
  LANYARD_INVITATION_INVITED,
  LANYARD_INVITATION_SEND_FAILED,
} LanyardInvitationState;

typedef enum {
  LANYARD_MESSAGE_SEVERITY_INFO,
  LANYARD_MESSAGE_SEVERITY_WARNING,
  LANYARD_MESSAGE_SEVERITY_CRITICAL,
} LanyardMessageSeverity;

/* The fields of a person that are typed in, as lanyard_person_check_field() checks them. */
typedef enum {
  LANYARD_PERSON_FIELD_FIRST_NAME,
  LANYARD_PERSON_FIELD_LAST_NAME,
  LANYARD_PERSON_FIELD_PHONE,
  LANYARD_PERSON_FIELD_EMAIL,
  LANYARD_PERSON_FIELD_PERSON_TYPE,
  LANYARD_PERSON_FIELD_MEMBERSHIP_STATUS,
  LANYARD_PERSON_FIELD_NOTES,
} LanyardPersonField;

/* What a per-person grant covers. */
typedef enum {
  LANYARD_GRANT_FACILITY,
  LANYARD_GRANT_DOOR,
  LANYARD_GRANT_SCOPE,
} LanyardGrantKind;

/* What an access rule looks at on the person. */
typedef enum {
  LANYARD_RULE_CONDITION_PERSON_TYPE,
  LANYARD_RULE_CONDITION_MEMBERSHIP_STATUS,
  LANYARD_RULE_CONDITION_TAG,
} LanyardRuleCondition;

/* Which doors an access rule opens. */
typedef enum {
  LANYARD_RULE_TARGET_ALL_DOORS,
  LANYARD_RULE_TARGET_DOORS,
  LANYARD_RULE_TARGET_SCOPES,
} LanyardRuleTarget;

typedef enum {
  LANYARD_STAFF_STATUS_INVITED,
  LANYARD_STAFF_STATUS_ACTIVE,
  LANYARD_STAFF_STATUS_DEACTIVATED,
  LANYARD_STAFF_STATUS_BLOCKED,
} LanyardStaffStatus;

/* The reason part of an access decision. */
typedef enum {
  LANYARD_DECISION_ALLOWED,
  LANYARD_DECISION_UNKNOWN_PERSON,
  LANYARD_DECISION_UNKNOWN_DOOR,
  LANYARD_DECISION_ACCESS_DISABLED,
  LANYARD_DECISION_OUTSIDE_HOURS,
  LANYARD_DECISION_NO_RULE_OR_GRANT,
} LanyardDecisionReason;

typedef enum {
  LANYARD_MATCH_NONE,
  LANYARD_MATCH_GRANT,
  LANYARD_MATCH_RULE,
} LanyardMatchKind;

/* People list: sort orders. */
typedef enum {
  LANYARD_PEOPLE_SORT_NAME,
  LANYARD_PEOPLE_SORT_CREATED,
  LANYARD_PEOPLE_SORT_UPDATED,
  LANYARD_PEOPLE_SORT_LAST_USED,
  LANYARD_PEOPLE_SORT_LAST_SYNCED,
} LanyardPeopleSort;

/* People list: the Source filter chip. */
typedef enum {
  LANYARD_SOURCE_FILTER_ANY,
  LANYARD_SOURCE_FILTER_MANUAL,
  LANYARD_SOURCE_FILTER_INTEGRATION,
  LANYARD_SOURCE_FILTER_CCTV,
} LanyardSourceFilter;

/* People list: the Access filter chip. */
typedef enum {
  LANYARD_ACCESS_FILTER_ANY,
  LANYARD_ACCESS_FILTER_HAS_ACCESS,
  LANYARD_ACCESS_FILTER_NO_ACCESS,
  LANYARD_ACCESS_FILTER_DISABLED,
  LANYARD_ACCESS_FILTER_WITHOUT_GRANTS,
} LanyardAccessFilter;

/* People list: the Invitation filter chip. */
typedef enum {
  LANYARD_INVITATION_FILTER_ANY,
  LANYARD_INVITATION_FILTER_INVITED,
  LANYARD_INVITATION_FILTER_NOT_INVITED,
  LANYARD_INVITATION_FILTER_SEND_FAILED,
} LanyardInvitationFilter;

/* People list: the App adoption filter chip. */
typedef enum {
  LANYARD_ADOPTION_FILTER_ANY,
  LANYARD_ADOPTION_FILTER_ACTIVE,
  LANYARD_ADOPTION_FILTER_NOT_YET,
} LanyardAdoptionFilter;

/* Filter chips whose values come from the data. */
typedef enum {
  LANYARD_FACET_SOURCE,
  LANYARD_FACET_PERSON_TYPE,
  LANYARD_FACET_MEMBERSHIP_STATUS,
  LANYARD_FACET_TAG,
} LanyardFacet;

/* Maximum length of a person's notes, in characters. */
#define LANYARD_NOTES_MAX_CHARS 2000

/* Identity of "no record". Ids are positive. */
#define LANYARD_NO_ID ((gint64) 0)

G_END_DECLS
