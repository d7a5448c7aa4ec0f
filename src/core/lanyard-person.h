/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lanyard-types.h"
#include "lanyard-enums.h"

G_BEGIN_DECLS

/* LanyardPerson: A member who unlocks doors with the mobile app. */
#define LANYARD_TYPE_PERSON (lanyard_person_get_type ())

G_DECLARE_FINAL_TYPE (LanyardPerson, lanyard_person, LANYARD, PERSON, GObject)

LanyardPerson *lanyard_person_new (void);
gint64 lanyard_person_get_id (LanyardPerson *self);
void lanyard_person_set_id (LanyardPerson *self, gint64 id);
gint64 lanyard_person_get_facility_id (LanyardPerson *self);
void lanyard_person_set_facility_id (LanyardPerson *self, gint64 facility_id);
gint64 lanyard_person_get_version (LanyardPerson *self);
void lanyard_person_set_version (LanyardPerson *self, gint64 version);
const char *lanyard_person_get_first_name (LanyardPerson *self);
void lanyard_person_set_first_name (LanyardPerson *self, const char *first_name);
const char *lanyard_person_get_last_name (LanyardPerson *self);
void lanyard_person_set_last_name (LanyardPerson *self, const char *last_name);
const char *lanyard_person_get_phone (LanyardPerson *self);
void lanyard_person_set_phone (LanyardPerson *self, const char *phone);
const char *lanyard_person_get_email (LanyardPerson *self);
void lanyard_person_set_email (LanyardPerson *self, const char *email);
const char *lanyard_person_get_person_type (LanyardPerson *self);
void lanyard_person_set_person_type (LanyardPerson *self, const char *person_type);
const char *lanyard_person_get_membership_status (LanyardPerson *self);
void lanyard_person_set_membership_status (LanyardPerson *self, const char *membership_status);
const char * const *lanyard_person_get_synced_tags (LanyardPerson *self);
void lanyard_person_set_synced_tags (LanyardPerson *self, const char * const *synced_tags);
const char * const *lanyard_person_get_custom_tags (LanyardPerson *self);
void lanyard_person_set_custom_tags (LanyardPerson *self, const char * const *custom_tags);
const char *lanyard_person_get_notes (LanyardPerson *self);
void lanyard_person_set_notes (LanyardPerson *self, const char *notes);
const char *lanyard_person_get_app_message (LanyardPerson *self);
void lanyard_person_set_app_message (LanyardPerson *self, const char *app_message);
LanyardMessageSeverity lanyard_person_get_app_message_severity (LanyardPerson *self);
void lanyard_person_set_app_message_severity (LanyardPerson *self, LanyardMessageSeverity app_message_severity);
gboolean lanyard_person_get_access_enabled (LanyardPerson *self);
void lanyard_person_set_access_enabled (LanyardPerson *self, gboolean access_enabled);
gboolean lanyard_person_get_has_access (LanyardPerson *self);
void lanyard_person_set_has_access (LanyardPerson *self, gboolean has_access);
int lanyard_person_get_grant_count (LanyardPerson *self);
void lanyard_person_set_grant_count (LanyardPerson *self, int grant_count);
LanyardSource lanyard_person_get_source (LanyardPerson *self);
void lanyard_person_set_source (LanyardPerson *self, LanyardSource source);
const char *lanyard_person_get_source_name (LanyardPerson *self);
void lanyard_person_set_source_name (LanyardPerson *self, const char *source_name);
const char *lanyard_person_get_external_id (LanyardPerson *self);
void lanyard_person_set_external_id (LanyardPerson *self, const char *external_id);
const char *lanyard_person_get_cv_id (LanyardPerson *self);
void lanyard_person_set_cv_id (LanyardPerson *self, const char *cv_id);
gboolean lanyard_person_get_track_source_updates (LanyardPerson *self);
void lanyard_person_set_track_source_updates (LanyardPerson *self, gboolean track_source_updates);
LanyardInvitationState lanyard_person_get_invitation_state (LanyardPerson *self);
void lanyard_person_set_invitation_state (LanyardPerson *self, LanyardInvitationState invitation_state);
gint64 lanyard_person_get_invited_at (LanyardPerson *self);
void lanyard_person_set_invited_at (LanyardPerson *self, gint64 invited_at);
const char *lanyard_person_get_invitation_error (LanyardPerson *self);
void lanyard_person_set_invitation_error (LanyardPerson *self, const char *invitation_error);
gint64 lanyard_person_get_last_used_at (LanyardPerson *self);
void lanyard_person_set_last_used_at (LanyardPerson *self, gint64 last_used_at);
const char * const *lanyard_person_get_recent_ips (LanyardPerson *self);
void lanyard_person_set_recent_ips (LanyardPerson *self, const char * const *recent_ips);
gint64 lanyard_person_get_created_at (LanyardPerson *self);
void lanyard_person_set_created_at (LanyardPerson *self, gint64 created_at);
gint64 lanyard_person_get_updated_at (LanyardPerson *self);
void lanyard_person_set_updated_at (LanyardPerson *self, gint64 updated_at);
gint64 lanyard_person_get_last_synced_at (LanyardPerson *self);
void lanyard_person_set_last_synced_at (LanyardPerson *self, gint64 last_synced_at);

/*
 * Makes @self hold what @source holds (NULL: an empty person), notifying
 * each property that changes. For views that keep one object per row and
 * show another person in it.
 */
void lanyard_person_assign (LanyardPerson *self,
                            LanyardPerson *source);
/* A deep copy, for editing without touching the original. */
LanyardPerson *lanyard_person_copy (LanyardPerson *self);
/* "First Last", or whichever of the two is set. */
char *lanyard_person_dup_display_name (LanyardPerson *self);
/* Synced and custom tags together, without duplicates. */
char **lanyard_person_dup_all_tags (LanyardPerson *self);

/*
 * Applies the rules every caller shares, normalising in place: names
 * required and trimmed; at least one of phone and email; the phone in E.164
 * (numbers without a country code read in @default_region); the email
 * checked; notes at most LANYARD_NOTES_MAX_CHARS characters; tags cleaned;
 * empty strings become NULL. On the first problem returns FALSE with
 * LANYARD_STORE_ERROR_INVALID and a message that names the field.
 */
/*
 * Checks one field as typed, by the rules lanyard_person_normalize()
 * applies to it, so that forms can say what is wrong while the user types.
 * On success stores in @out_value the value as it would be saved (trimmed;
 * the phone in E.164) or NULL for an empty optional field. The rule that
 * needs two fields — a phone or an email — is not checked here.
 */
gboolean lanyard_person_check_field (LanyardPersonField  field,
                                     const char         *text,
                                     const char         *default_region,
                                     char              **out_value,
                                     GError            **error);

/*
 * The rule that takes two fields: a mobile phone or an email is required,
 * since one of them is how the person signs in. Checks each as typed too.
 */
gboolean lanyard_person_check_contact (const char  *phone,
                                       const char  *email,
                                       const char  *default_region,
                                       GError     **error);

gboolean lanyard_person_normalize (LanyardPerson *self,
                                   const char    *default_region,
                                   GError       **error);

G_END_DECLS
