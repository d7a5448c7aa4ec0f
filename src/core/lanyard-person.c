/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-person.h"
#include "lanyard-util-private.h"

#include <glib/gi18n-lib.h>

#include "lanyard-error.h"
#include "lanyard-phone.h"
#include "lanyard-text.h"

struct _LanyardPerson
{
  GObject parent_instance;

  gint64 id;
  gint64 facility_id;
  gint64 version;
  char *first_name;
  char *last_name;
  char *phone;
  char *email;
  char *person_type;
  char *membership_status;
  char **synced_tags;
  char **custom_tags;
  char *notes;
  char *app_message;
  LanyardMessageSeverity app_message_severity;
  guint access_enabled : 1;
  guint has_access : 1;
  int grant_count;
  LanyardSource source;
  char *source_name;
  char *external_id;
  char *cv_id;
  guint track_source_updates : 1;
  LanyardInvitationState invitation_state;
  gint64 invited_at;
  char *invitation_error;
  gint64 last_used_at;
  char **recent_ips;
  gint64 created_at;
  gint64 updated_at;
  gint64 last_synced_at;
};

G_DEFINE_FINAL_TYPE (LanyardPerson, lanyard_person, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FACILITY_ID,
  PROP_VERSION,
  PROP_FIRST_NAME,
  PROP_LAST_NAME,
  PROP_PHONE,
  PROP_EMAIL,
  PROP_PERSON_TYPE,
  PROP_MEMBERSHIP_STATUS,
  PROP_SYNCED_TAGS,
  PROP_CUSTOM_TAGS,
  PROP_NOTES,
  PROP_APP_MESSAGE,
  PROP_APP_MESSAGE_SEVERITY,
  PROP_ACCESS_ENABLED,
  PROP_HAS_ACCESS,
  PROP_GRANT_COUNT,
  PROP_SOURCE,
  PROP_SOURCE_NAME,
  PROP_EXTERNAL_ID,
  PROP_CV_ID,
  PROP_TRACK_SOURCE_UPDATES,
  PROP_INVITATION_STATE,
  PROP_INVITED_AT,
  PROP_INVITATION_ERROR,
  PROP_LAST_USED_AT,
  PROP_RECENT_IPS,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_LAST_SYNCED_AT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/**
 * lanyard_person_new:
 *
 * Returns: (transfer full): a new, unsaved #LanyardPerson
 */
LanyardPerson *
lanyard_person_new (void)
{
  return g_object_new (LANYARD_TYPE_PERSON, NULL);
}

static void
lanyard_person_finalize (GObject *object)
{
  LanyardPerson *self = (LanyardPerson *)object;

  g_clear_pointer (&self->first_name, g_free);
  g_clear_pointer (&self->last_name, g_free);
  g_clear_pointer (&self->phone, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->person_type, g_free);
  g_clear_pointer (&self->membership_status, g_free);
  g_clear_pointer (&self->synced_tags, g_strfreev);
  g_clear_pointer (&self->custom_tags, g_strfreev);
  g_clear_pointer (&self->notes, g_free);
  g_clear_pointer (&self->app_message, g_free);
  g_clear_pointer (&self->source_name, g_free);
  g_clear_pointer (&self->external_id, g_free);
  g_clear_pointer (&self->cv_id, g_free);
  g_clear_pointer (&self->invitation_error, g_free);
  g_clear_pointer (&self->recent_ips, g_strfreev);

  G_OBJECT_CLASS (lanyard_person_parent_class)->finalize (object);
}

static void
lanyard_person_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LanyardPerson *self = LANYARD_PERSON (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_FACILITY_ID:
      g_value_set_int64 (value, self->facility_id);
      break;

    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;

    case PROP_FIRST_NAME:
      g_value_set_string (value, self->first_name);
      break;

    case PROP_LAST_NAME:
      g_value_set_string (value, self->last_name);
      break;

    case PROP_PHONE:
      g_value_set_string (value, self->phone);
      break;

    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;

    case PROP_PERSON_TYPE:
      g_value_set_string (value, self->person_type);
      break;

    case PROP_MEMBERSHIP_STATUS:
      g_value_set_string (value, self->membership_status);
      break;

    case PROP_SYNCED_TAGS:
      g_value_set_boxed (value, self->synced_tags);
      break;

    case PROP_CUSTOM_TAGS:
      g_value_set_boxed (value, self->custom_tags);
      break;

    case PROP_NOTES:
      g_value_set_string (value, self->notes);
      break;

    case PROP_APP_MESSAGE:
      g_value_set_string (value, self->app_message);
      break;

    case PROP_APP_MESSAGE_SEVERITY:
      g_value_set_enum (value, self->app_message_severity);
      break;

    case PROP_ACCESS_ENABLED:
      g_value_set_boolean (value, self->access_enabled);
      break;

    case PROP_HAS_ACCESS:
      g_value_set_boolean (value, self->has_access);
      break;

    case PROP_GRANT_COUNT:
      g_value_set_int (value, self->grant_count);
      break;

    case PROP_SOURCE:
      g_value_set_enum (value, self->source);
      break;

    case PROP_SOURCE_NAME:
      g_value_set_string (value, self->source_name);
      break;

    case PROP_EXTERNAL_ID:
      g_value_set_string (value, self->external_id);
      break;

    case PROP_CV_ID:
      g_value_set_string (value, self->cv_id);
      break;

    case PROP_TRACK_SOURCE_UPDATES:
      g_value_set_boolean (value, self->track_source_updates);
      break;

    case PROP_INVITATION_STATE:
      g_value_set_enum (value, self->invitation_state);
      break;

    case PROP_INVITED_AT:
      g_value_set_int64 (value, self->invited_at);
      break;

    case PROP_INVITATION_ERROR:
      g_value_set_string (value, self->invitation_error);
      break;

    case PROP_LAST_USED_AT:
      g_value_set_int64 (value, self->last_used_at);
      break;

    case PROP_RECENT_IPS:
      g_value_set_boxed (value, self->recent_ips);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;

    case PROP_LAST_SYNCED_AT:
      g_value_set_int64 (value, self->last_synced_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_person_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LanyardPerson *self = LANYARD_PERSON (object);

  switch (prop_id)
    {
    case PROP_ID:
      lanyard_person_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_FACILITY_ID:
      lanyard_person_set_facility_id (self, g_value_get_int64 (value));
      break;

    case PROP_VERSION:
      lanyard_person_set_version (self, g_value_get_int64 (value));
      break;

    case PROP_FIRST_NAME:
      lanyard_person_set_first_name (self, g_value_get_string (value));
      break;

    case PROP_LAST_NAME:
      lanyard_person_set_last_name (self, g_value_get_string (value));
      break;

    case PROP_PHONE:
      lanyard_person_set_phone (self, g_value_get_string (value));
      break;

    case PROP_EMAIL:
      lanyard_person_set_email (self, g_value_get_string (value));
      break;

    case PROP_PERSON_TYPE:
      lanyard_person_set_person_type (self, g_value_get_string (value));
      break;

    case PROP_MEMBERSHIP_STATUS:
      lanyard_person_set_membership_status (self, g_value_get_string (value));
      break;

    case PROP_SYNCED_TAGS:
      lanyard_person_set_synced_tags (self, g_value_get_boxed (value));
      break;

    case PROP_CUSTOM_TAGS:
      lanyard_person_set_custom_tags (self, g_value_get_boxed (value));
      break;

    case PROP_NOTES:
      lanyard_person_set_notes (self, g_value_get_string (value));
      break;

    case PROP_APP_MESSAGE:
      lanyard_person_set_app_message (self, g_value_get_string (value));
      break;

    case PROP_APP_MESSAGE_SEVERITY:
      lanyard_person_set_app_message_severity (self, g_value_get_enum (value));
      break;

    case PROP_ACCESS_ENABLED:
      lanyard_person_set_access_enabled (self, g_value_get_boolean (value));
      break;

    case PROP_HAS_ACCESS:
      lanyard_person_set_has_access (self, g_value_get_boolean (value));
      break;

    case PROP_GRANT_COUNT:
      lanyard_person_set_grant_count (self, g_value_get_int (value));
      break;

    case PROP_SOURCE:
      lanyard_person_set_source (self, g_value_get_enum (value));
      break;

    case PROP_SOURCE_NAME:
      lanyard_person_set_source_name (self, g_value_get_string (value));
      break;

    case PROP_EXTERNAL_ID:
      lanyard_person_set_external_id (self, g_value_get_string (value));
      break;

    case PROP_CV_ID:
      lanyard_person_set_cv_id (self, g_value_get_string (value));
      break;

    case PROP_TRACK_SOURCE_UPDATES:
      lanyard_person_set_track_source_updates (self, g_value_get_boolean (value));
      break;

    case PROP_INVITATION_STATE:
      lanyard_person_set_invitation_state (self, g_value_get_enum (value));
      break;

    case PROP_INVITED_AT:
      lanyard_person_set_invited_at (self, g_value_get_int64 (value));
      break;

    case PROP_INVITATION_ERROR:
      lanyard_person_set_invitation_error (self, g_value_get_string (value));
      break;

    case PROP_LAST_USED_AT:
      lanyard_person_set_last_used_at (self, g_value_get_int64 (value));
      break;

    case PROP_RECENT_IPS:
      lanyard_person_set_recent_ips (self, g_value_get_boxed (value));
      break;

    case PROP_CREATED_AT:
      lanyard_person_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_UPDATED_AT:
      lanyard_person_set_updated_at (self, g_value_get_int64 (value));
      break;

    case PROP_LAST_SYNCED_AT:
      lanyard_person_set_last_synced_at (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_person_class_init (LanyardPersonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_person_finalize;
  object_class->get_property = lanyard_person_get_property;
  object_class->set_property = lanyard_person_set_property;

  properties [PROP_ID] =
    g_param_spec_int64 ("id", NULL, "The record id; 0 until stored",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_FACILITY_ID] =
    g_param_spec_int64 ("facility-id", NULL, "The facility the person belongs to",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, "Record version for optimistic concurrency",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_FIRST_NAME] =
    g_param_spec_string ("first-name", NULL, "First name",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_LAST_NAME] =
    g_param_spec_string ("last-name", NULL, "Last name",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_PHONE] =
    g_param_spec_string ("phone", NULL, "Mobile phone in E.164, or NULL",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_EMAIL] =
    g_param_spec_string ("email", NULL, "Email address, or NULL",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_PERSON_TYPE] =
    g_param_spec_string ("person-type", NULL, "Person type, e.g. Gold, Trial, Staff",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_MEMBERSHIP_STATUS] =
    g_param_spec_string ("membership-status", NULL, "Membership status, e.g. Current, Expired",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_SYNCED_TAGS] =
    g_param_spec_boxed ("synced-tags", NULL, "Tags owned by the source; read-only for admins",
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_CUSTOM_TAGS] =
    g_param_spec_boxed ("custom-tags", NULL, "Tags owned by admins; never touched by sync",
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_NOTES] =
    g_param_spec_string ("notes", NULL, "Free notes, at most 2000 characters",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_APP_MESSAGE] =
    g_param_spec_string ("app-message", NULL, "Message shown in the person's app",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_APP_MESSAGE_SEVERITY] =
    g_param_spec_enum ("app-message-severity", NULL, "Severity of the app message",
                       LANYARD_TYPE_MESSAGE_SEVERITY,
                       LANYARD_MESSAGE_SEVERITY_INFO,
                       (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_ACCESS_ENABLED] =
    g_param_spec_boolean ("access-enabled", NULL, "The kill switch: when off every unlock is denied",
                          TRUE,
                          (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_HAS_ACCESS] =
    g_param_spec_boolean ("has-access", NULL, "Access enabled and some grant or rule reaches a door (computed by the store)",
                          FALSE,
                          (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_GRANT_COUNT] =
    g_param_spec_int ("grant-count", NULL, "Number of per-person grants (computed by the store)",
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_SOURCE] =
    g_param_spec_enum ("source", NULL, "Where the record comes from",
                       LANYARD_TYPE_SOURCE,
                       LANYARD_SOURCE_MANUAL,
                       (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_SOURCE_NAME] =
    g_param_spec_string ("source-name", NULL, "Name of the integration partner for synced people",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_EXTERNAL_ID] =
    g_param_spec_string ("external-id", NULL, "Id of the person at the source",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_CV_ID] =
    g_param_spec_string ("cv-id", NULL, "Computer-vision id of the person",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_TRACK_SOURCE_UPDATES] =
    g_param_spec_boolean ("track-source-updates", NULL, "Whether sync keeps updating the record",
                          TRUE,
                          (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_INVITATION_STATE] =
    g_param_spec_enum ("invitation-state", NULL, "Invitation status",
                       LANYARD_TYPE_INVITATION_STATE,
                       LANYARD_INVITATION_NOT_INVITED,
                       (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_INVITED_AT] =
    g_param_spec_int64 ("invited-at", NULL, "When the last invitation went out, 0 for never",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_INVITATION_ERROR] =
    g_param_spec_string ("invitation-error", NULL, "Why the last invitation could not be sent",
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_LAST_USED_AT] =
    g_param_spec_int64 ("last-used-at", NULL, "When the person last used the app, 0 for never",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_RECENT_IPS] =
    g_param_spec_boxed ("recent-ips", NULL, "Recent IP addresses of the person's app",
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, "When the record was created",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, "When the record was last changed",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_LAST_SYNCED_AT] =
    g_param_spec_int64 ("last-synced-at", NULL, "When sync last touched the record, 0 for never",
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lanyard_person_init (LanyardPerson *self)
{
  self->app_message_severity = LANYARD_MESSAGE_SEVERITY_INFO;
  self->access_enabled = TRUE;
  self->source = LANYARD_SOURCE_MANUAL;
  self->track_source_updates = TRUE;
  self->invitation_state = LANYARD_INVITATION_NOT_INVITED;
}

gint64
lanyard_person_get_id (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->id;
}

void
lanyard_person_set_id (LanyardPerson *self,
                      gint64 id)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->id != id)
    {
      self->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ID]);
    }
}

gint64
lanyard_person_get_facility_id (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->facility_id;
}

void
lanyard_person_set_facility_id (LanyardPerson *self,
                               gint64 facility_id)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->facility_id != facility_id)
    {
      self->facility_id = facility_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FACILITY_ID]);
    }
}

gint64
lanyard_person_get_version (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->version;
}

void
lanyard_person_set_version (LanyardPerson *self,
                           gint64 version)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->version != version)
    {
      self->version = version;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VERSION]);
    }
}

const char *
lanyard_person_get_first_name (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->first_name;
}

void
lanyard_person_set_first_name (LanyardPerson *self,
                              const char *first_name)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->first_name, first_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FIRST_NAME]);
}

const char *
lanyard_person_get_last_name (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->last_name;
}

void
lanyard_person_set_last_name (LanyardPerson *self,
                             const char *last_name)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->last_name, last_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LAST_NAME]);
}

const char *
lanyard_person_get_phone (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->phone;
}

void
lanyard_person_set_phone (LanyardPerson *self,
                         const char *phone)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->phone, phone))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PHONE]);
}

const char *
lanyard_person_get_email (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->email;
}

void
lanyard_person_set_email (LanyardPerson *self,
                         const char *email)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->email, email))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_EMAIL]);
}

const char *
lanyard_person_get_person_type (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->person_type;
}

void
lanyard_person_set_person_type (LanyardPerson *self,
                               const char *person_type)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->person_type, person_type))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PERSON_TYPE]);
}

const char *
lanyard_person_get_membership_status (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->membership_status;
}

void
lanyard_person_set_membership_status (LanyardPerson *self,
                                     const char *membership_status)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->membership_status, membership_status))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MEMBERSHIP_STATUS]);
}

/* Never NULL: an empty list when there are none. */
const char * const *
lanyard_person_get_synced_tags (LanyardPerson *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (LANYARD_IS_PERSON (self), empty);

  return self->synced_tags ? (const char * const *)self->synced_tags : empty;
}

void
lanyard_person_set_synced_tags (LanyardPerson *self,
                               const char * const *synced_tags)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_strv_equal0 ((const char * const *)self->synced_tags, synced_tags))
    return;

  g_strfreev (self->synced_tags);
  self->synced_tags = (synced_tags && synced_tags[0]) ? g_strdupv ((char **)synced_tags) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SYNCED_TAGS]);
}

/* Never NULL: an empty list when there are none. */
const char * const *
lanyard_person_get_custom_tags (LanyardPerson *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (LANYARD_IS_PERSON (self), empty);

  return self->custom_tags ? (const char * const *)self->custom_tags : empty;
}

void
lanyard_person_set_custom_tags (LanyardPerson *self,
                               const char * const *custom_tags)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_strv_equal0 ((const char * const *)self->custom_tags, custom_tags))
    return;

  g_strfreev (self->custom_tags);
  self->custom_tags = (custom_tags && custom_tags[0]) ? g_strdupv ((char **)custom_tags) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CUSTOM_TAGS]);
}

const char *
lanyard_person_get_notes (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->notes;
}

void
lanyard_person_set_notes (LanyardPerson *self,
                         const char *notes)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->notes, notes))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_NOTES]);
}

const char *
lanyard_person_get_app_message (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->app_message;
}

void
lanyard_person_set_app_message (LanyardPerson *self,
                               const char *app_message)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->app_message, app_message))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_APP_MESSAGE]);
}

LanyardMessageSeverity
lanyard_person_get_app_message_severity (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->app_message_severity;
}

void
lanyard_person_set_app_message_severity (LanyardPerson *self,
                                        LanyardMessageSeverity app_message_severity)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->app_message_severity != app_message_severity)
    {
      self->app_message_severity = app_message_severity;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_APP_MESSAGE_SEVERITY]);
    }
}

gboolean
lanyard_person_get_access_enabled (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), FALSE);

  return self->access_enabled;
}

void
lanyard_person_set_access_enabled (LanyardPerson *self,
                                  gboolean access_enabled)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  access_enabled = !!access_enabled;

  if (self->access_enabled != access_enabled)
    {
      self->access_enabled = access_enabled;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ACCESS_ENABLED]);
    }
}

gboolean
lanyard_person_get_has_access (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), FALSE);

  return self->has_access;
}

void
lanyard_person_set_has_access (LanyardPerson *self,
                              gboolean has_access)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  has_access = !!has_access;

  if (self->has_access != has_access)
    {
      self->has_access = has_access;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_HAS_ACCESS]);
    }
}

int
lanyard_person_get_grant_count (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->grant_count;
}

void
lanyard_person_set_grant_count (LanyardPerson *self,
                               int grant_count)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->grant_count != grant_count)
    {
      self->grant_count = grant_count;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_GRANT_COUNT]);
    }
}

LanyardSource
lanyard_person_get_source (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->source;
}

void
lanyard_person_set_source (LanyardPerson *self,
                          LanyardSource source)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->source != source)
    {
      self->source = source;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SOURCE]);
    }
}

const char *
lanyard_person_get_source_name (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->source_name;
}

void
lanyard_person_set_source_name (LanyardPerson *self,
                               const char *source_name)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->source_name, source_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SOURCE_NAME]);
}

const char *
lanyard_person_get_external_id (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->external_id;
}

void
lanyard_person_set_external_id (LanyardPerson *self,
                               const char *external_id)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->external_id, external_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_EXTERNAL_ID]);
}

const char *
lanyard_person_get_cv_id (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->cv_id;
}

void
lanyard_person_set_cv_id (LanyardPerson *self,
                         const char *cv_id)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->cv_id, cv_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CV_ID]);
}

gboolean
lanyard_person_get_track_source_updates (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), FALSE);

  return self->track_source_updates;
}

void
lanyard_person_set_track_source_updates (LanyardPerson *self,
                                        gboolean track_source_updates)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  track_source_updates = !!track_source_updates;

  if (self->track_source_updates != track_source_updates)
    {
      self->track_source_updates = track_source_updates;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TRACK_SOURCE_UPDATES]);
    }
}

LanyardInvitationState
lanyard_person_get_invitation_state (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->invitation_state;
}

void
lanyard_person_set_invitation_state (LanyardPerson *self,
                                    LanyardInvitationState invitation_state)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->invitation_state != invitation_state)
    {
      self->invitation_state = invitation_state;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_INVITATION_STATE]);
    }
}

gint64
lanyard_person_get_invited_at (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->invited_at;
}

void
lanyard_person_set_invited_at (LanyardPerson *self,
                              gint64 invited_at)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->invited_at != invited_at)
    {
      self->invited_at = invited_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_INVITED_AT]);
    }
}

const char *
lanyard_person_get_invitation_error (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  return self->invitation_error;
}

void
lanyard_person_set_invitation_error (LanyardPerson *self,
                                    const char *invitation_error)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_set_str (&self->invitation_error, invitation_error))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_INVITATION_ERROR]);
}

gint64
lanyard_person_get_last_used_at (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->last_used_at;
}

void
lanyard_person_set_last_used_at (LanyardPerson *self,
                                gint64 last_used_at)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->last_used_at != last_used_at)
    {
      self->last_used_at = last_used_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LAST_USED_AT]);
    }
}

/* Never NULL: an empty list when there are none. */
const char * const *
lanyard_person_get_recent_ips (LanyardPerson *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (LANYARD_IS_PERSON (self), empty);

  return self->recent_ips ? (const char * const *)self->recent_ips : empty;
}

void
lanyard_person_set_recent_ips (LanyardPerson *self,
                              const char * const *recent_ips)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (lanyard_strv_equal0 ((const char * const *)self->recent_ips, recent_ips))
    return;

  g_strfreev (self->recent_ips);
  self->recent_ips = (recent_ips && recent_ips[0]) ? g_strdupv ((char **)recent_ips) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RECENT_IPS]);
}

gint64
lanyard_person_get_created_at (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->created_at;
}

void
lanyard_person_set_created_at (LanyardPerson *self,
                              gint64 created_at)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->created_at != created_at)
    {
      self->created_at = created_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CREATED_AT]);
    }
}

gint64
lanyard_person_get_updated_at (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->updated_at;
}

void
lanyard_person_set_updated_at (LanyardPerson *self,
                              gint64 updated_at)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->updated_at != updated_at)
    {
      self->updated_at = updated_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_UPDATED_AT]);
    }
}

gint64
lanyard_person_get_last_synced_at (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), 0);

  return self->last_synced_at;
}

void
lanyard_person_set_last_synced_at (LanyardPerson *self,
                                  gint64 last_synced_at)
{
  g_return_if_fail (LANYARD_IS_PERSON (self));

  if (self->last_synced_at != last_synced_at)
    {
      self->last_synced_at = last_synced_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LAST_SYNCED_AT]);
    }
}

void
lanyard_person_assign (LanyardPerson *self,
                       LanyardPerson *source)
{
  g_autoptr(LanyardPerson) empty = NULL;

  g_return_if_fail (LANYARD_IS_PERSON (self));
  g_return_if_fail (source == NULL || LANYARD_IS_PERSON (source));

  if (source == self)
    return;
  if (source == NULL)
    source = empty = lanyard_person_new ();

  /* Through the setters: each notifies when its value changes, all at the end. */
  g_object_freeze_notify (G_OBJECT (self));
  lanyard_person_set_id (self, source->id);
  lanyard_person_set_facility_id (self, source->facility_id);
  lanyard_person_set_version (self, source->version);
  lanyard_person_set_first_name (self, source->first_name);
  lanyard_person_set_last_name (self, source->last_name);
  lanyard_person_set_phone (self, source->phone);
  lanyard_person_set_email (self, source->email);
  lanyard_person_set_person_type (self, source->person_type);
  lanyard_person_set_membership_status (self, source->membership_status);
  lanyard_person_set_synced_tags (self, (const char * const *)source->synced_tags);
  lanyard_person_set_custom_tags (self, (const char * const *)source->custom_tags);
  lanyard_person_set_notes (self, source->notes);
  lanyard_person_set_app_message (self, source->app_message);
  lanyard_person_set_app_message_severity (self, source->app_message_severity);
  lanyard_person_set_access_enabled (self, source->access_enabled);
  lanyard_person_set_has_access (self, source->has_access);
  lanyard_person_set_grant_count (self, source->grant_count);
  lanyard_person_set_source (self, source->source);
  lanyard_person_set_source_name (self, source->source_name);
  lanyard_person_set_external_id (self, source->external_id);
  lanyard_person_set_cv_id (self, source->cv_id);
  lanyard_person_set_track_source_updates (self, source->track_source_updates);
  lanyard_person_set_invitation_state (self, source->invitation_state);
  lanyard_person_set_invited_at (self, source->invited_at);
  lanyard_person_set_invitation_error (self, source->invitation_error);
  lanyard_person_set_last_used_at (self, source->last_used_at);
  lanyard_person_set_recent_ips (self, (const char * const *)source->recent_ips);
  lanyard_person_set_created_at (self, source->created_at);
  lanyard_person_set_updated_at (self, source->updated_at);
  lanyard_person_set_last_synced_at (self, source->last_synced_at);
  g_object_thaw_notify (G_OBJECT (self));
}

LanyardPerson *
lanyard_person_copy (LanyardPerson *self)
{
  LanyardPerson *copy;

  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  copy = lanyard_person_new ();
  copy->id = self->id;
  copy->facility_id = self->facility_id;
  copy->version = self->version;
  copy->first_name = g_strdup (self->first_name);
  copy->last_name = g_strdup (self->last_name);
  copy->phone = g_strdup (self->phone);
  copy->email = g_strdup (self->email);
  copy->person_type = g_strdup (self->person_type);
  copy->membership_status = g_strdup (self->membership_status);
  copy->synced_tags = g_strdupv (self->synced_tags);
  copy->custom_tags = g_strdupv (self->custom_tags);
  copy->notes = g_strdup (self->notes);
  copy->app_message = g_strdup (self->app_message);
  copy->app_message_severity = self->app_message_severity;
  copy->access_enabled = self->access_enabled;
  copy->has_access = self->has_access;
  copy->grant_count = self->grant_count;
  copy->source = self->source;
  copy->source_name = g_strdup (self->source_name);
  copy->external_id = g_strdup (self->external_id);
  copy->cv_id = g_strdup (self->cv_id);
  copy->track_source_updates = self->track_source_updates;
  copy->invitation_state = self->invitation_state;
  copy->invited_at = self->invited_at;
  copy->invitation_error = g_strdup (self->invitation_error);
  copy->last_used_at = self->last_used_at;
  copy->recent_ips = g_strdupv (self->recent_ips);
  copy->created_at = self->created_at;
  copy->updated_at = self->updated_at;
  copy->last_synced_at = self->last_synced_at;

  return copy;
}

char *
lanyard_person_dup_display_name (LanyardPerson *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  if (self->first_name && self->last_name)
    return g_strdup_printf ("%s %s", self->first_name, self->last_name);

  return g_strdup (self->first_name ? self->first_name : self->last_name ? self->last_name : "");
}

char **
lanyard_person_dup_all_tags (LanyardPerson *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  char **lists[2];

  g_return_val_if_fail (LANYARD_IS_PERSON (self), NULL);

  lists[0] = self->synced_tags;
  lists[1] = self->custom_tags;
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] && lists[l][i]; i++)
      if (g_hash_table_add (seen, lists[l][i]))
        g_strv_builder_add (builder, lists[l][i]);

  return g_strv_builder_end (builder);
}

/* Tags are cleaned the way lanyard_tags_parse() cleans a typed list. */
static char **
clean_tags (char **tags)
{
  g_autofree char *joined = NULL;

  if (tags == NULL || tags[0] == NULL)
    return NULL;

  joined = lanyard_tags_join ((const char * const *)tags);
  return lanyard_tags_parse (joined);
}

static gboolean
normalize_optional (char       **field,
                    gsize        max_chars,
                    const char  *what,
                    GError     **error)
{
  g_autofree char *trimmed = NULL;

  if (*field == NULL)
    return TRUE;

  trimmed = g_strstrip (g_strdup (*field));
  if (!g_utf8_validate (trimmed, -1, NULL))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("%s is not valid text"), what);
      return FALSE;
    }
  if (g_utf8_strlen (trimmed, -1) > (glong)max_chars)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s is longer than %u character",
                                "%s is longer than %u characters", max_chars),
                   what, (guint)max_chars);
      return FALSE;
    }

  g_free (*field);
  *field = *trimmed ? g_steal_pointer (&trimmed) : NULL;
  return TRUE;
}

gboolean
lanyard_person_check_field (LanyardPersonField   field,
                            const char          *text,
                            const char          *default_region,
                            char               **out_value,
                            GError             **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (out_value != NULL, FALSE);

  *out_value = NULL;

  switch (field)
    {
    case LANYARD_PERSON_FIELD_FIRST_NAME:
      if (!(value = lanyard_name_normalize (text, _("First name"), error)))
        return FALSE;
      break;

    case LANYARD_PERSON_FIELD_LAST_NAME:
      if (!(value = lanyard_name_normalize (text, _("Last name"), error)))
        return FALSE;
      break;

    case LANYARD_PERSON_FIELD_PHONE:
    case LANYARD_PERSON_FIELD_EMAIL:
      value = g_strstrip (g_strdup (text != NULL ? text : ""));
      if (*value == '\0')
        return TRUE;
      else
        {
          char *normal = field == LANYARD_PERSON_FIELD_PHONE
                         ? lanyard_phone_normalize (value, default_region, error)
                         : lanyard_email_normalize (value, error);

          g_free (value);
          if (!(value = normal))
            return FALSE;
        }
      break;

    case LANYARD_PERSON_FIELD_NOTES:
      value = g_strdup (text);
      /* Say how long the notes are, not just that they are too long. */
      if (value != NULL && g_utf8_validate (value, -1, NULL) &&
          g_utf8_strlen (value, -1) > LANYARD_NOTES_MAX_CHARS)
        {
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                       _("Notes are limited to %d characters; these have %ld"),
                       LANYARD_NOTES_MAX_CHARS, g_utf8_strlen (value, -1));
          return FALSE;
        }
      if (!normalize_optional (&value, LANYARD_NOTES_MAX_CHARS, _("Notes"), error))
        return FALSE;
      break;

    case LANYARD_PERSON_FIELD_PERSON_TYPE:
      value = g_strdup (text);
      if (!normalize_optional (&value, 100, _("Person type"), error))
        return FALSE;
      break;

    case LANYARD_PERSON_FIELD_MEMBERSHIP_STATUS:
      value = g_strdup (text);
      if (!normalize_optional (&value, 100, _("Membership status"), error))
        return FALSE;
      break;

    default:
      g_return_val_if_reached (FALSE);
    }

  *out_value = g_steal_pointer (&value);
  return TRUE;
}

static gboolean
require_contact (const char  *phone,
                 const char  *email,
                 GError     **error)
{
  if (phone == NULL && email == NULL)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("A mobile phone or an email address is required: it is how the person signs in to the app"));
      return FALSE;
    }

  return TRUE;
}

gboolean
lanyard_person_check_contact (const char  *phone,
                              const char  *email,
                              const char  *default_region,
                              GError     **error)
{
  g_autofree char *phone_value = NULL;
  g_autofree char *email_value = NULL;

  return lanyard_person_check_field (LANYARD_PERSON_FIELD_PHONE, phone, default_region, &phone_value, error) &&
         lanyard_person_check_field (LANYARD_PERSON_FIELD_EMAIL, email, default_region, &email_value, error) &&
         require_contact (phone_value, email_value, error);
}

gboolean
lanyard_person_normalize (LanyardPerson  *self,
                          const char     *default_region,
                          GError        **error)
{
  static const struct {
    LanyardPersonField field;
    gsize              offset;
  } checked[] = {
    { LANYARD_PERSON_FIELD_FIRST_NAME, G_STRUCT_OFFSET (LanyardPerson, first_name) },
    { LANYARD_PERSON_FIELD_LAST_NAME, G_STRUCT_OFFSET (LanyardPerson, last_name) },
    { LANYARD_PERSON_FIELD_PHONE, G_STRUCT_OFFSET (LanyardPerson, phone) },
    { LANYARD_PERSON_FIELD_EMAIL, G_STRUCT_OFFSET (LanyardPerson, email) },
    { LANYARD_PERSON_FIELD_NOTES, G_STRUCT_OFFSET (LanyardPerson, notes) },
    { LANYARD_PERSON_FIELD_PERSON_TYPE, G_STRUCT_OFFSET (LanyardPerson, person_type) },
    { LANYARD_PERSON_FIELD_MEMBERSHIP_STATUS, G_STRUCT_OFFSET (LanyardPerson, membership_status) },
  };
  char *values[G_N_ELEMENTS (checked)] = { NULL, };
  g_auto(GStrv) synced = NULL;
  g_auto(GStrv) custom = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (LANYARD_IS_PERSON (self), FALSE);

  for (guint i = 0; ok && i < G_N_ELEMENTS (checked); i++)
    {
      const char *text = G_STRUCT_MEMBER (char *, self, checked[i].offset);

      ok = lanyard_person_check_field (checked[i].field, text, default_region, &values[i], error);
    }

  ok = ok && require_contact (values[2], values[3], error);

  ok = ok &&
       normalize_optional (&self->app_message, 500, _("App message"), error) &&
       normalize_optional (&self->source_name, 200, _("Source name"), error) &&
       normalize_optional (&self->external_id, 200, _("External ID"), error) &&
       normalize_optional (&self->cv_id, 200, _("Computer vision ID"), error);

  if (ok)
    {
      synced = clean_tags (self->synced_tags);
      custom = clean_tags (self->custom_tags);

      lanyard_person_set_first_name (self, values[0]);
      lanyard_person_set_last_name (self, values[1]);
      lanyard_person_set_phone (self, values[2]);
      lanyard_person_set_email (self, values[3]);
      lanyard_person_set_notes (self, values[4]);
      lanyard_person_set_person_type (self, values[5]);
      lanyard_person_set_membership_status (self, values[6]);
      lanyard_person_set_synced_tags (self, (const char * const *)synced);
      lanyard_person_set_custom_tags (self, (const char * const *)custom);
    }

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_free (values[i]);

  return ok;
}
