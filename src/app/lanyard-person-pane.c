/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lanyard-person-pane.h"
#include "lanyard-ui-util.h"

/* How many audit events one read of the history brings. */
#define HISTORY_PAGE_SIZE 20

/* The fields typed in: an entry row each, and the notes. */
typedef enum {
  FIELD_FIRST_NAME,
  FIELD_LAST_NAME,
  FIELD_PHONE,
  FIELD_EMAIL,
  FIELD_PERSON_TYPE,
  FIELD_MEMBERSHIP_STATUS,
  FIELD_CUSTOM_TAGS,
  FIELD_NOTES,
  N_FIELDS
} Field;

/* The fields before the notes have an AdwEntryRow. */
#define N_ENTRY_FIELDS FIELD_NOTES

#define NO_FIELD N_FIELDS

/* The core's rules for the fields it checks; the custom tags are only cleaned. */
static const LanyardPersonField core_fields[N_FIELDS] = {
  [FIELD_FIRST_NAME] = LANYARD_PERSON_FIELD_FIRST_NAME,
  [FIELD_LAST_NAME] = LANYARD_PERSON_FIELD_LAST_NAME,
  [FIELD_PHONE] = LANYARD_PERSON_FIELD_PHONE,
  [FIELD_EMAIL] = LANYARD_PERSON_FIELD_EMAIL,
  [FIELD_PERSON_TYPE] = LANYARD_PERSON_FIELD_PERSON_TYPE,
  [FIELD_MEMBERSHIP_STATUS] = LANYARD_PERSON_FIELD_MEMBERSHIP_STATUS,
  [FIELD_NOTES] = LANYARD_PERSON_FIELD_NOTES,
};

/*
 * A change waiting to be stored. Changes are written one at a time, each on
 * the version the one before stored, so that quick edits of two fields do
 * not refuse each other as conflicts.
 */
typedef enum {
  CHANGE_FIELD,
  CHANGE_ACCESS_ENABLED,
  CHANGE_TRACK_SOURCE_UPDATES,
  CHANGE_GRANT,
  CHANGE_CLEAR_GRANTS,
} ChangeKind;

typedef struct {
  ChangeKind        kind;
  gint64            person_id;
  Field             field;        /* CHANGE_FIELD */
  char             *value;        /* CHANGE_FIELD: as it is stored, or NULL */
  gboolean          active;       /* the switches; CHANGE_GRANT: granted or not */
  LanyardGrantKind  grant_kind;   /* CHANGE_GRANT */
  gint64            target_id;
  LanyardSchedule  *schedule;
  GPtrArray        *grants;       /* the whole list as written, once it is */
} Change;

/* A row of the grants group: the whole facility, a door or an access scope. */
typedef struct {
  LanyardPersonPane *self;          /* not a reference: the pane owns its targets */
  LanyardGrantKind   kind;
  gint64             target_id;
  char              *name;
  char              *description;   /* what the row says while not granted */
  AdwExpanderRow    *row;
  AdwEntryRow       *hours_row;
  GtkEventController *hours_focus;
  char              *hours_shown;   /* the text last put into the hours row */
  char              *hours_error;
} GrantTarget;

/* What an asynchronous call needs back: the pane and whom it was for. */
typedef struct {
  LanyardPersonPane *self;
  gint64             person_id;
  Field              field;
  guint              force : 1;
  guint              more : 1;
} Request;

struct _LanyardPersonPane
{
  GtkWidget             parent_instance;

  LanyardStore         *store;
  LanyardFacility      *facility;
  LanyardPerson        *person;          /* as last read or stored */
  GPtrArray            *grants;          /* the person's, as stored; NULL until read */
  GPtrArray            *doors;           /* of the facility; NULL until read */
  GPtrArray            *scopes;
  GPtrArray            *targets;         /* GrantTarget, in the order of the rows */

  GCancellable         *read_cancellable;
  GCancellable         *history_cancellable;

  GQueue                changes;
  Change               *writing;
  LanyardPerson        *write_base;      /* the record changes go on once its person is no longer shown */

  char                 *shown[N_FIELDS]; /* the text last put into a field from the stored record */
  char                 *errors[N_FIELDS];
  Field                 duplicate_field;
  gint64                duplicate_id;
  gint64                oldest_event_id;
  guint                 n_busy;
  guint                 syncing;         /* > 0 while the pane itself changes its widgets */

  guint                 has_unsaved_changes : 1;   /* as last notified */
  guint                 busy : 1;                  /* as last notified */
  guint                 disposed : 1;

  GtkWidget            *show_more_row;

  /* Template widgets */
  GtkSpinner           *spinner;
  AdwWindowTitle       *title;
  GtkRevealer          *conflict_revealer;
  GtkStack             *stack;
  AdwPreferencesPage   *page;
  AdwEntryRow          *field_rows[N_ENTRY_FIELDS];
  AdwActionRow         *synced_tags_row;
  GtkLabel             *profile_error_label;
  GtkButton            *open_duplicate_button;
  GtkLabel             *notes_counter_label;
  GtkTextView          *notes_view;
  GtkLabel             *notes_error_label;
  GtkButton            *notes_save_button;
  AdwActionRow         *access_row;
  GtkSwitch            *access_switch;
  AdwActionRow         *track_row;
  GtkSwitch            *track_switch;
  AdwPreferencesGroup  *grants_group;
  GtkButton            *clear_grants_button;
  GtkLabel             *grants_error_label;
  AdwPreferencesGroup  *invitation_group;
  AdwActionRow         *invitation_row;
  GtkButton            *invite_button;
  AdwActionRow         *last_used_row;
  AdwActionRow         *recent_ips_row;
  AdwActionRow         *app_message_row;
  GtkLabel             *app_message_badge;
  GtkListBox           *history_list;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_FACILITY,
  PROP_PERSON,
  PROP_HAS_UNSAVED_CHANGES,
  PROP_BUSY,
  N_PROPS
};

enum {
  PERSON_SAVED,
  PERSON_DELETED,
  OPEN_PERSON,
  CLOSE_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardPersonPane, lanyard_person_pane, GTK_TYPE_WIDGET)

static void lanyard_person_pane_write_next    (LanyardPersonPane *self);
static void lanyard_person_pane_load_history  (LanyardPersonPane *self,
                                               gboolean           more);

/* Small things */

static Request *
request_new (LanyardPersonPane *self,
             gint64             person_id)
{
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->person_id = person_id;
  request->field = NO_FIELD;

  return request;
}

static void
request_free (Request *request)
{
  g_clear_object (&request->self);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static Change *
change_new (ChangeKind kind,
            gint64     person_id)
{
  Change *change = g_new0 (Change, 1);

  change->kind = kind;
  change->person_id = person_id;
  change->field = NO_FIELD;

  return change;
}

static void
change_free (Change *change)
{
  if (change == NULL)
    return;

  g_free (change->value);
  g_clear_pointer (&change->schedule, lanyard_schedule_unref);
  g_clear_pointer (&change->grants, g_ptr_array_unref);
  g_free (change);
}

static void
grant_target_free (GrantTarget *target)
{
  g_free (target->name);
  g_free (target->description);
  g_free (target->hours_shown);
  g_free (target->hours_error);
  g_free (target);
}

static gint64
person_id_of (LanyardPerson *person)
{
  return person != NULL ? lanyard_person_get_id (person) : LANYARD_NO_ID;
}

/* A moment (microseconds since the epoch) in local time, for people to read. */
static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  if (time == NULL)
    return g_strdup ("?");

  /* Translators: a date and time, as in “3 Feb 2026, 14:05”; see g_date_time_format() */
  return g_date_time_format (time, _("%-d %b %Y, %H:%M"));
}

static char *
format_date (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  if (time == NULL)
    return g_strdup ("?");

  /* Translators: a date, as in “3 February 2026”; see g_date_time_format() */
  return g_date_time_format (time, _("%-d %B %Y"));
}

static gboolean
schedules_equal (LanyardSchedule *a,
                 LanyardSchedule *b)
{
  return a == b || (a != NULL && b != NULL && lanyard_schedule_equal (a, b));
}

/* The grant of @kind for @target_id in @grants, or NULL. */
static LanyardGrant *
find_grant (GPtrArray        *grants,
            LanyardGrantKind  kind,
            gint64            target_id)
{
  for (guint i = 0; grants != NULL && i < grants->len; i++)
    {
      LanyardGrant *grant = g_ptr_array_index (grants, i);

      if (lanyard_grant_get_kind (grant) == kind &&
          (kind == LANYARD_GRANT_FACILITY || lanyard_grant_get_target_id (grant) == target_id))
        return grant;
    }

  return NULL;
}

static gboolean
grants_equal (GPtrArray *a,
              GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    {
      LanyardGrant *grant = g_ptr_array_index (a, i);
      LanyardGrant *other = find_grant (b, lanyard_grant_get_kind (grant), lanyard_grant_get_target_id (grant));

      if (other == NULL || !schedules_equal (lanyard_grant_get_schedule (grant), lanyard_grant_get_schedule (other)))
        return FALSE;
    }

  return TRUE;
}

/* @grants as @change leaves them: a new list of copies. */
static GPtrArray *
grants_with_change (GPtrArray    *grants,
                    const Change *change)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean placed = FALSE;

  if (change->kind == CHANGE_CLEAR_GRANTS)
    return result;

  for (guint i = 0; i < grants->len; i++)
    {
      LanyardGrant *grant = g_ptr_array_index (grants, i);

      if (grant != find_grant (grants, change->grant_kind, change->target_id))
        g_ptr_array_add (result, lanyard_grant_copy (grant));
      else if (change->active)
        {
          /* Keep the list's order: the grant stays where it was. */
          g_ptr_array_add (result, lanyard_grant_new_full (change->grant_kind, change->target_id, change->schedule));
          placed = TRUE;
        }
    }

  if (change->active && !placed)
    g_ptr_array_add (result, lanyard_grant_new_full (change->grant_kind, change->target_id, change->schedule));

  return result;
}

/* Fields */

/* The stored value of @field, as lanyard_person_check_field() gives it for the text typed. */
static char *
dup_stored_value (LanyardPerson *person,
                  Field          field)
{
  const char * const *tags;

  switch (field)
    {
    case FIELD_FIRST_NAME:
      return g_strdup (lanyard_person_get_first_name (person));
    case FIELD_LAST_NAME:
      return g_strdup (lanyard_person_get_last_name (person));
    case FIELD_PHONE:
      return g_strdup (lanyard_person_get_phone (person));
    case FIELD_EMAIL:
      return g_strdup (lanyard_person_get_email (person));
    case FIELD_PERSON_TYPE:
      return g_strdup (lanyard_person_get_person_type (person));
    case FIELD_MEMBERSHIP_STATUS:
      return g_strdup (lanyard_person_get_membership_status (person));
    case FIELD_CUSTOM_TAGS:
      tags = lanyard_person_get_custom_tags (person);
      return tags != NULL && tags[0] != NULL ? lanyard_tags_join (tags) : NULL;
    case FIELD_NOTES:
      return g_strdup (lanyard_person_get_notes (person));
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

/* What the field shows for the stored value: the phone in its international form. */
static char *
dup_display_text (LanyardPerson *person,
                  Field          field)
{
  g_autofree char *value = dup_stored_value (person, field);

  if (field == FIELD_PHONE && value != NULL)
    {
      char *pretty = lanyard_phone_format_international (value);

      if (pretty != NULL)
        return pretty;
    }

  return value != NULL ? g_steal_pointer (&value) : g_strdup ("");
}

static void
set_stored_value (LanyardPerson *person,
                  Field          field,
                  const char    *value)
{
  g_auto(GStrv) tags = NULL;

  switch (field)
    {
    case FIELD_FIRST_NAME:
      lanyard_person_set_first_name (person, value);
      break;
    case FIELD_LAST_NAME:
      lanyard_person_set_last_name (person, value);
      break;
    case FIELD_PHONE:
      lanyard_person_set_phone (person, value);
      break;
    case FIELD_EMAIL:
      lanyard_person_set_email (person, value);
      break;
    case FIELD_PERSON_TYPE:
      lanyard_person_set_person_type (person, value);
      break;
    case FIELD_MEMBERSHIP_STATUS:
      lanyard_person_set_membership_status (person, value);
      break;
    case FIELD_CUSTOM_TAGS:
      if (value != NULL)
        tags = lanyard_tags_parse (value);
      lanyard_person_set_custom_tags (person, (const char * const *)tags);
      break;
    case FIELD_NOTES:
      lanyard_person_set_notes (person, value);
      break;
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

/*
 * Checks @text as typed into @field by the core's rules; on success
 * @out_value is what would be stored (NULL for an empty optional field).
 */
static gboolean
lanyard_person_pane_check_text (LanyardPersonPane  *self,
                                Field               field,
                                const char         *text,
                                char              **out_value,
                                GError            **error)
{
  g_autofree char *region = NULL;

  if (field == FIELD_CUSTOM_TAGS)
    {
      g_auto(GStrv) tags = lanyard_tags_parse (text);

      *out_value = tags[0] != NULL ? lanyard_tags_join ((const char * const *)tags) : NULL;
      return TRUE;
    }

  if (field == FIELD_PHONE && self->store != NULL)
    region = lanyard_store_dup_phone_region (self->store);

  return lanyard_person_check_field (core_fields[field], text, region, out_value, error);
}

static char *
lanyard_person_pane_dup_field_text (LanyardPersonPane *self,
                                    Field              field)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (field != FIELD_NOTES)
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->field_rows[field])));

  buffer = gtk_text_view_get_buffer (self->notes_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
lanyard_person_pane_set_field_text (LanyardPersonPane *self,
                                    Field              field,
                                    const char        *text)
{
  self->syncing++;
  if (field == FIELD_NOTES)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (self->field_rows[field]), text);
  self->syncing--;
}

static GtkWidget *
lanyard_person_pane_get_field_widget (LanyardPersonPane *self,
                                      Field              field)
{
  if (field == FIELD_NOTES)
    return GTK_WIDGET (self->notes_view);

  return GTK_WIDGET (self->field_rows[field]);
}

/* TRUE while the keyboard focus is in @widget: the user is at it. */
static gboolean
widget_has_focus_within (GtkWidget *widget)
{
  return (gtk_widget_get_state_flags (widget) & (GTK_STATE_FLAG_FOCUS_WITHIN | GTK_STATE_FLAG_FOCUSED)) != 0;
}

static Field
lanyard_person_pane_field_for_widget (LanyardPersonPane *self,
                                      GtkWidget         *widget)
{
  for (Field field = 0; field < N_FIELDS; field++)
    if (lanyard_person_pane_get_field_widget (self, field) == widget)
      return field;

  return NO_FIELD;
}

/* TRUE when @field holds text that is not stored: not valid, or not saved yet. */
static gboolean
lanyard_person_pane_field_is_dirty (LanyardPersonPane *self,
                                    Field              field)
{
  g_autofree char *text = lanyard_person_pane_dup_field_text (self, field);
  g_autofree char *value = NULL;
  g_autofree char *stored = NULL;

  if (self->person == NULL || g_strcmp0 (text, self->shown[field]) == 0)
    return FALSE;

  if (!lanyard_person_pane_check_text (self, field, text, &value, NULL))
    return TRUE;

  stored = dup_stored_value (self->person, field);
  return g_strcmp0 (value, stored) != 0;
}

/* Busy and unsaved */

static void
lanyard_person_pane_update_busy (LanyardPersonPane *self)
{
  gboolean busy = self->n_busy > 0;

  if (self->disposed || busy == self->busy)
    return;

  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
lanyard_person_pane_begin_busy (LanyardPersonPane *self)
{
  self->n_busy++;
  lanyard_person_pane_update_busy (self);
}

static void
lanyard_person_pane_end_busy (LanyardPersonPane *self)
{
  g_assert (self->n_busy > 0);

  self->n_busy--;
  lanyard_person_pane_update_busy (self);
}

static gboolean
grant_target_is_dirty (GrantTarget *target)
{
  LanyardPersonPane *self = target->self;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (target->hours_row));
  g_autoptr(LanyardSchedule) schedule = NULL;
  LanyardGrant *grant;

  if (g_strcmp0 (text, target->hours_shown) == 0)
    return FALSE;

  if (*text != '\0' && !(schedule = lanyard_schedule_parse (text, NULL)))
    return TRUE;

  grant = find_grant (self->grants, target->kind, target->target_id);
  return !schedules_equal (schedule, grant != NULL ? lanyard_grant_get_schedule (grant) : NULL);
}

static void
lanyard_person_pane_update_unsaved (LanyardPersonPane *self)
{
  gboolean unsaved = FALSE;

  if (self->disposed)
    return;

  for (Field field = 0; field < N_FIELDS && !unsaved; field++)
    unsaved = lanyard_person_pane_field_is_dirty (self, field);

  for (guint i = 0; self->person != NULL && i < self->targets->len && !unsaved; i++)
    unsaved = grant_target_is_dirty (g_ptr_array_index (self->targets, i));

  if (unsaved != self->has_unsaved_changes)
    {
      self->has_unsaved_changes = unsaved;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_UNSAVED_CHANGES]);
    }
}

/* Messages */

static void
lanyard_person_pane_toast (LanyardPersonPane *self,
                           const char        *message)
{
  lanyard_ui_toast (GTK_WIDGET (self), message);
}

/* A store call failed: a server that cannot be reached is the window's to say (a banner); the rest a toast. */
static void
lanyard_person_pane_toast_error (LanyardPersonPane *self,
                                 const GError      *error)
{
  if (!lanyard_ui_report_store_error (GTK_WIDGET (self), error))
    lanyard_person_pane_toast (self, error->message);
}

static void
lanyard_person_pane_update_profile_problems (LanyardPersonPane *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (Field field = 0; field < N_ENTRY_FIELDS; field++)
    {
      if (self->errors[field] == NULL)
        continue;

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, self->errors[field]);
    }

  gtk_label_set_label (self->profile_error_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->profile_error_label), text->len > 0);
}

static void
lanyard_person_pane_update_notes_state (LanyardPersonPane *self)
{
  g_autofree char *text = lanyard_person_pane_dup_field_text (self, FIELD_NOTES);
  glong n_chars = g_utf8_strlen (text, -1);
  g_autofree char *counter = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *counter_label = GTK_WIDGET (self->notes_counter_label);

  /* Translators: how long the notes are and may be, as in “120 / 2000” */
  counter = g_strdup_printf (_("%ld / %d"), n_chars, LANYARD_NOTES_MAX_CHARS);
  gtk_label_set_label (self->notes_counter_label, counter);
  /* Translators: what a screen reader says for the notes counter */
  accessible = g_strdup_printf (_("%ld of at most %d characters"), n_chars, LANYARD_NOTES_MAX_CHARS);
  gtk_accessible_update_property (GTK_ACCESSIBLE (counter_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);

  if (n_chars > LANYARD_NOTES_MAX_CHARS)
    {
      gtk_widget_remove_css_class (counter_label, "dim-label");
      gtk_widget_add_css_class (counter_label, "error");
    }
  else
    {
      gtk_widget_remove_css_class (counter_label, "error");
      gtk_widget_add_css_class (counter_label, "dim-label");
    }

  gtk_label_set_label (self->notes_error_label, self->errors[FIELD_NOTES] != NULL ? self->errors[FIELD_NOTES] : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->notes_save_button),
                            self->errors[FIELD_NOTES] == NULL &&
                            lanyard_person_pane_field_is_dirty (self, FIELD_NOTES));
}

/* Shows @message (NULL: none) as what is wrong with @field. */
static void
lanyard_person_pane_set_field_error (LanyardPersonPane *self,
                                     Field              field,
                                     const char        *message)
{
  GtkWidget *widget = lanyard_person_pane_get_field_widget (self, field);
  const char *hint;

  if (g_strcmp0 (self->errors[field], message) != 0)
    {
      g_free (self->errors[field]);
      self->errors[field] = g_strdup (message);
    }

  /* The custom tags row says how to type them when nothing is wrong. */
  hint = field == FIELD_CUSTOM_TAGS ? _("Separate tags with commas") : NULL;
  lanyard_ui_set_problem (widget, message, hint);
  gtk_widget_set_tooltip_text (widget, message != NULL ? message : hint);

  if (field == FIELD_NOTES)
    lanyard_person_pane_update_notes_state (self);
  else
    lanyard_person_pane_update_profile_problems (self);
}

static void
lanyard_person_pane_hide_duplicate (LanyardPersonPane *self)
{
  self->duplicate_field = NO_FIELD;
  self->duplicate_id = LANYARD_NO_ID;
  gtk_widget_set_visible (GTK_WIDGET (self->open_duplicate_button), FALSE);
}

/* Checks what is typed in @field now and says what is wrong with it, if anything. */
static void
lanyard_person_pane_check_field (LanyardPersonPane *self,
                                 Field              field)
{
  g_autofree char *text = lanyard_person_pane_dup_field_text (self, field);
  g_autofree char *value = NULL;
  g_autoptr(GError) error = NULL;

  if (!lanyard_person_pane_check_text (self, field, text, &value, &error))
    lanyard_person_pane_set_field_error (self, field, error->message);
  else
    lanyard_person_pane_set_field_error (self, field, NULL);

  if (self->duplicate_field == field)
    lanyard_person_pane_hide_duplicate (self);
}

/* Syncing the widgets with the stored record */

/*
 * Puts the stored value into @field, unless the user is editing it: the
 * focus is in it, or it holds typed text that is not what is stored. With
 * @force, whatever is typed there is replaced.
 */
static void
lanyard_person_pane_sync_field (LanyardPersonPane *self,
                                Field              field,
                                gboolean           force)
{
  g_autofree char *display = dup_display_text (self->person, field);
  g_autofree char *text = lanyard_person_pane_dup_field_text (self, field);

  if (!force)
    {
      g_autofree char *value = NULL;
      g_autofree char *stored = NULL;

      if (widget_has_focus_within (lanyard_person_pane_get_field_widget (self, field)))
        return;

      if (g_strcmp0 (text, self->shown[field]) != 0)
        {
          stored = dup_stored_value (self->person, field);
          if (!lanyard_person_pane_check_text (self, field, text, &value, NULL) ||
              g_strcmp0 (value, stored) != 0)
            return;
        }
    }

  g_free (self->shown[field]);
  self->shown[field] = g_strdup (display);
  if (g_strcmp0 (text, display) != 0)
    lanyard_person_pane_set_field_text (self, field, display);
  lanyard_person_pane_set_field_error (self, field, NULL);
}

static void
lanyard_person_pane_sync_header (LanyardPersonPane *self)
{
  LanyardPerson *person = self->person;
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;
  const char *source;

  if (person == NULL)
    {
      adw_window_title_set_title (self->title, "");
      adw_window_title_set_subtitle (self->title, NULL);
      return;
    }

  name = lanyard_person_dup_display_name (person);
  switch (lanyard_person_get_source (person))
    {
    case LANYARD_SOURCE_INTEGRATION:
      source = lanyard_person_get_source_name (person) != NULL
               ? lanyard_person_get_source_name (person)
               : C_("person source", "Integration");
      if (lanyard_person_get_external_id (person) != NULL)
        /* Translators: under a person's name; the first %s is an integration like “Mindbody”, the second the person's ID there */
        subtitle = g_strdup_printf (_("Synced from %s · ID %s"), source, lanyard_person_get_external_id (person));
      else
        /* Translators: under a person's name; %s is an integration like “Mindbody” */
        subtitle = g_strdup_printf (_("Synced from %s"), source);
      break;

    case LANYARD_SOURCE_CCTV:
      subtitle = g_strdup (_("Added by the camera system"));
      break;

    case LANYARD_SOURCE_MANUAL:
    default:
      break;
    }

  adw_window_title_set_title (self->title, name);
  adw_window_title_set_subtitle (self->title, subtitle);
}

static void
lanyard_person_pane_sync_tags (LanyardPersonPane *self)
{
  const char * const *synced = lanyard_person_get_synced_tags (self->person);
  g_autofree char *text = NULL;

  if (synced != NULL && synced[0] != NULL)
    text = lanyard_tags_join (synced);

  gtk_widget_set_visible (GTK_WIDGET (self->synced_tags_row), text != NULL);
  adw_action_row_set_subtitle (self->synced_tags_row, text != NULL ? text : "");
}

static void
lanyard_person_pane_sync_access (LanyardPersonPane *self)
{
  LanyardPerson *person = self->person;
  gboolean enabled = lanyard_person_get_access_enabled (person);
  gboolean synced = lanyard_person_get_source (person) != LANYARD_SOURCE_MANUAL;
  gboolean tracked = lanyard_person_get_track_source_updates (person);
  g_autofree char *track_subtitle = NULL;
  const char *subtitle;

  if (!enabled)
    subtitle = _("Switched off: every door stays locked for this person");
  else if (lanyard_person_get_has_access (person))
    subtitle = _("An access rule or grant opens at least one door");
  else
    subtitle = _("No access rule or grant opens any door");

  self->syncing++;
  gtk_switch_set_active (self->access_switch, enabled);
  gtk_switch_set_active (self->track_switch, tracked);
  self->syncing--;

  adw_action_row_set_subtitle (self->access_row, subtitle);

  gtk_widget_set_visible (GTK_WIDGET (self->track_row), synced);
  if (!synced)
    return;

  if (tracked)
    {
      const char *source = lanyard_person_get_source (person) == LANYARD_SOURCE_CCTV
                           ? _("the camera system")
                           : lanyard_person_get_source_name (person);

      if (source != NULL)
        /* Translators: %s is an integration like “Mindbody”, or “the camera system” */
        track_subtitle = g_strdup_printf (_("Sync with %s keeps this record up to date"), source);
      else
        track_subtitle = g_strdup (_("Sync keeps this record up to date"));
    }
  else
    track_subtitle = g_strdup (_("Decoupled: sync leaves this record alone"));

  adw_action_row_set_subtitle (self->track_row, track_subtitle);
}

static void
lanyard_person_pane_sync_invitation (LanyardPersonPane *self)
{
  LanyardPerson *person = self->person;
  g_autofree char *status = NULL;
  const char *why;

  switch (lanyard_person_get_invitation_state (person))
    {
    case LANYARD_INVITATION_INVITED:
      if (lanyard_person_get_invited_at (person) != 0)
        {
          g_autofree char *date = format_date (lanyard_person_get_invited_at (person));

          /* Translators: %s is a date */
          status = g_strdup_printf (_("Invited on %s"), date);
        }
      else
        status = g_strdup (_("Invited"));
      gtk_button_set_label (self->invite_button, _("Resend"));
      break;

    case LANYARD_INVITATION_SEND_FAILED:
      if (lanyard_person_get_invitation_error (person) != NULL)
        /* Translators: %s says why an invitation email could not be sent */
        status = g_strdup_printf (_("Sending failed: %s"), lanyard_person_get_invitation_error (person));
      else
        status = g_strdup (_("Sending failed"));
      gtk_button_set_label (self->invite_button, _("Resend"));
      break;

    case LANYARD_INVITATION_NOT_INVITED:
    default:
      status = g_strdup (_("Not invited yet"));
      gtk_button_set_label (self->invite_button, _("Send Invitation"));
      break;
    }

  if (lanyard_person_get_email (person) == NULL)
    why = _("An invitation goes to an email address; add one to invite this person to the app.");
  else
    why = _("Invitations are mailed by a Lanyard server, which this version cannot connect to yet.");

  adw_action_row_set_subtitle (self->invitation_row, status);
  adw_preferences_group_set_description (self->invitation_group, why);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->invite_button), why);
}

static void
lanyard_person_pane_sync_activity (LanyardPersonPane *self)
{
  LanyardPerson *person = self->person;
  const char * const *ips = lanyard_person_get_recent_ips (person);
  const char *message = lanyard_person_get_app_message (person);
  GtkWidget *badge = GTK_WIDGET (self->app_message_badge);
  g_autofree char *last_used = NULL;
  g_autofree char *ip_text = NULL;

  if (lanyard_person_get_last_used_at (person) != 0)
    last_used = format_time (lanyard_person_get_last_used_at (person));
  adw_action_row_set_subtitle (self->last_used_row, last_used != NULL ? last_used : C_("last used", "Never"));

  if (ips != NULL && ips[0] != NULL)
    ip_text = g_strjoinv (", ", (char **)ips);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_ips_row), ip_text != NULL);
  adw_action_row_set_subtitle (self->recent_ips_row, ip_text != NULL ? ip_text : "");

  adw_action_row_set_subtitle (self->app_message_row, message != NULL ? message : C_("app message", "None"));
  gtk_widget_set_visible (badge, message != NULL);
  gtk_widget_remove_css_class (badge, "accent");
  gtk_widget_remove_css_class (badge, "warning");
  gtk_widget_remove_css_class (badge, "error");

  switch (lanyard_person_get_app_message_severity (person))
    {
    case LANYARD_MESSAGE_SEVERITY_WARNING:
      gtk_label_set_label (self->app_message_badge, C_("message severity", "Warning"));
      gtk_widget_add_css_class (badge, "warning");
      break;

    case LANYARD_MESSAGE_SEVERITY_CRITICAL:
      gtk_label_set_label (self->app_message_badge, C_("message severity", "Critical"));
      gtk_widget_add_css_class (badge, "error");
      break;

    case LANYARD_MESSAGE_SEVERITY_INFO:
    default:
      gtk_label_set_label (self->app_message_badge, C_("message severity", "Info"));
      gtk_widget_add_css_class (badge, "accent");
      break;
    }
}

static void
lanyard_person_pane_update_grants_problems (LanyardPersonPane *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->targets->len; i++)
    {
      GrantTarget *target = g_ptr_array_index (self->targets, i);

      if (target->hours_error == NULL)
        continue;

      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: what is wrong with the hours of a grant; the first %s is a door or scope */
      g_string_append_printf (text, _("%s: %s"), target->name, target->hours_error);
    }

  gtk_label_set_label (self->grants_error_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->grants_error_label), text->len > 0);
}

static void
grant_target_set_error (GrantTarget *target,
                        const char  *message)
{
  GtkWidget *widget = GTK_WIDGET (target->hours_row);

  g_free (target->hours_error);
  target->hours_error = g_strdup (message);
  lanyard_ui_set_problem (widget, message, _("Empty means at any time"));

  lanyard_person_pane_update_grants_problems (target->self);
}

/* The switches and hours of the grant rows as stored, except hours being edited (unless @force). */
static void
lanyard_person_pane_sync_grants (LanyardPersonPane *self,
                                 gboolean           force)
{
  gboolean known = self->person != NULL && self->grants != NULL;
  LanyardGrant *facility_grant = known ? find_grant (self->grants, LANYARD_GRANT_FACILITY, 0) : NULL;

  self->syncing++;

  for (guint i = 0; i < self->targets->len; i++)
    {
      GrantTarget *target = g_ptr_array_index (self->targets, i);
      LanyardGrant *grant = known ? find_grant (self->grants, target->kind, target->target_id) : NULL;
      LanyardSchedule *schedule = grant != NULL ? lanyard_grant_get_schedule (grant) : NULL;
      g_autofree char *hours = schedule != NULL ? lanyard_schedule_to_string (schedule) : g_strdup ("");
      const char *text = gtk_editable_get_text (GTK_EDITABLE (target->hours_row));
      gboolean expanded = adw_expander_row_get_expanded (target->row);
      g_autofree char *subtitle = NULL;

      gtk_widget_set_sensitive (GTK_WIDGET (target->row), known);

      /* Switching a row on expands it; the pane does not, unless it was open. */
      if (adw_expander_row_get_enable_expansion (target->row) != (grant != NULL))
        {
          adw_expander_row_set_enable_expansion (target->row, grant != NULL);
          adw_expander_row_set_expanded (target->row, expanded && grant != NULL);
        }

      if (force ||
          (!widget_has_focus_within (GTK_WIDGET (target->hours_row)) &&
           (g_strcmp0 (text, target->hours_shown) == 0 || !grant_target_is_dirty (target))))
        {
          g_free (target->hours_shown);
          target->hours_shown = g_strdup (hours);
          if (g_strcmp0 (text, hours) != 0)
            gtk_editable_set_text (GTK_EDITABLE (target->hours_row), hours);
          grant_target_set_error (target, NULL);
        }

      if (grant != NULL && schedule != NULL)
        /* Translators: a granted door's hours; %s is like “mon-fri 07:00-22:00” */
        subtitle = g_strdup_printf (_("Granted: %s"), hours);
      else if (grant != NULL)
        subtitle = g_strdup (_("Granted at any time"));
      else if (facility_grant != NULL && target->kind != LANYARD_GRANT_FACILITY)
        subtitle = g_strdup (_("Covered by the grant for the whole facility"));
      else
        subtitle = g_strdup (target->description);

      adw_expander_row_set_subtitle (target->row, subtitle);
    }

  self->syncing--;

  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_grants_button), known && self->grants->len > 0);
}

/* Shows @person as the stored record: every field not being edited follows it (all of them with @force). */
static void
lanyard_person_pane_take_person (LanyardPersonPane *self,
                                 LanyardPerson     *person,
                                 gboolean           force)
{
  g_assert (person != NULL);

  /* A read that started before a write ended brings an older version. */
  if (!force && self->person != NULL &&
      lanyard_person_get_version (person) < lanyard_person_get_version (self->person))
    return;

  if (g_set_object (&self->person, person))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON]);

  lanyard_person_pane_sync_header (self);
  for (Field field = 0; field < N_FIELDS; field++)
    lanyard_person_pane_sync_field (self, field, force);
  lanyard_person_pane_sync_tags (self);
  lanyard_person_pane_sync_access (self);
  lanyard_person_pane_sync_invitation (self);
  lanyard_person_pane_sync_activity (self);
  lanyard_person_pane_sync_grants (self, force);
  lanyard_person_pane_update_notes_state (self);
  lanyard_person_pane_update_unsaved (self);
}

static void
lanyard_person_pane_show_conflict (LanyardPersonPane *self)
{
  gtk_revealer_set_reveal_child (self->conflict_revealer, TRUE);
}

/* Grant rows */

/* Stores the hours typed, when they are valid and new. */
static void
grant_target_commit_hours (GrantTarget *target,
                           gboolean     leaving)
{
  LanyardPersonPane *self = target->self;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (target->hours_row));
  g_autoptr(LanyardSchedule) schedule = NULL;
  g_autoptr(GError) error = NULL;
  LanyardGrant *grant;
  Change *change;

  if (self->disposed || self->syncing > 0 || self->person == NULL || self->grants == NULL ||
      !adw_expander_row_get_enable_expansion (target->row))
    return;

  if (*text != '\0' && !(schedule = lanyard_schedule_parse (text, &error)))
    {
      grant_target_set_error (target, error->message);
      lanyard_person_pane_update_unsaved (self);
      return;
    }

  grant = find_grant (self->grants, target->kind, target->target_id);
  if (grant != NULL && schedules_equal (schedule, lanyard_grant_get_schedule (grant)))
    {
      /* Nothing new: once left, show the hours as stored. */
      if (leaving)
        {
          g_autofree char *hours = schedule != NULL ? lanyard_schedule_to_string (schedule) : g_strdup ("");

          self->syncing++;
          g_free (target->hours_shown);
          target->hours_shown = g_strdup (hours);
          gtk_editable_set_text (GTK_EDITABLE (target->hours_row), hours);
          self->syncing--;
        }
      lanyard_person_pane_update_unsaved (self);
      return;
    }

  change = change_new (CHANGE_GRANT, lanyard_person_get_id (self->person));
  change->grant_kind = target->kind;
  change->target_id = target->target_id;
  change->active = TRUE;
  change->schedule = g_steal_pointer (&schedule);
  g_queue_push_tail (&self->changes, change);
  lanyard_person_pane_write_next (self);
}

static void
on_grant_row_enable_expansion_changed_cb (AdwExpanderRow *row,
                                          GParamSpec     *pspec,
                                          GrantTarget    *target)
{
  LanyardPersonPane *self = target->self;
  gboolean granted = adw_expander_row_get_enable_expansion (row);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (target->hours_row));
  Change *change;

  if (self->syncing > 0 || self->person == NULL || self->grants == NULL)
    return;

  change = change_new (CHANGE_GRANT, lanyard_person_get_id (self->person));
  change->grant_kind = target->kind;
  change->target_id = target->target_id;
  change->active = granted;
  /* Hours typed before the switch went on count; hours that do not parse are left to fix. */
  if (granted && *text != '\0')
    change->schedule = lanyard_schedule_parse (text, NULL);

  g_queue_push_tail (&self->changes, change);
  lanyard_person_pane_write_next (self);
}

static void
on_grant_hours_row_changed_cb (AdwEntryRow *hours_row,
                               GrantTarget *target)
{
  LanyardPersonPane *self = target->self;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (hours_row));
  g_autoptr(LanyardSchedule) schedule = NULL;
  g_autoptr(GError) error = NULL;

  if (self->syncing > 0)
    return;

  if (*text != '\0' && !(schedule = lanyard_schedule_parse (text, &error)))
    grant_target_set_error (target, error->message);
  else
    grant_target_set_error (target, NULL);

  lanyard_person_pane_update_unsaved (self);
}

static void
on_grant_hours_row_apply_cb (AdwEntryRow *hours_row,
                             GrantTarget *target)
{
  grant_target_commit_hours (target, FALSE);
}

static void
on_grant_hours_focus_leave_cb (GtkEventControllerFocus *controller,
                               GrantTarget             *target)
{
  /* As for the profile rows: the apply button would stay after a save on leaving. */
  adw_entry_row_set_show_apply_button (target->hours_row, FALSE);
  adw_entry_row_set_show_apply_button (target->hours_row, TRUE);

  grant_target_commit_hours (target, TRUE);
}

/* AdwExpanderRow's switch has no name of its own: give it the row's. */
static void
label_enable_switch (GtkWidget  *widget,
                     const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SWITCH (child))
        {
          gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                          -1);
          return;
        }
      label_enable_switch (child, label);
    }
}

static void
lanyard_person_pane_add_target (LanyardPersonPane *self,
                                LanyardGrantKind   kind,
                                gint64             target_id,
                                const char        *name,
                                const char        *description)
{
  GrantTarget *target = g_new0 (GrantTarget, 1);
  g_autofree char *switch_label = NULL;

  target->self = self;
  target->kind = kind;
  target->target_id = target_id;
  target->name = g_strdup (name);
  target->description = g_strdup (description);
  target->hours_shown = g_strdup ("");

  target->row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (target->row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (target->row), FALSE);
  adw_expander_row_set_subtitle (target->row, description);
  adw_expander_row_set_show_enable_switch (target->row, TRUE);
  adw_expander_row_set_enable_expansion (target->row, FALSE);
  /* Translators: what a screen reader says for the switch of a grant row; %s is a door, a scope or “Whole Facility” */
  switch_label = g_strdup_printf (_("Grant %s"), name);
  label_enable_switch (GTK_WIDGET (target->row), switch_label);

  target->hours_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (target->hours_row), _("Hours"));
  adw_entry_row_set_show_apply_button (target->hours_row, TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (target->hours_row),
                               _("For example “mon-fri 07:00-22:00; sat 09:00-14:00”. Empty means at any time."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (target->hours_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Empty means at any time"),
                                  -1);
  adw_expander_row_add_row (target->row, GTK_WIDGET (target->hours_row));

  g_signal_connect (target->row, "notify::enable-expansion",
                    G_CALLBACK (on_grant_row_enable_expansion_changed_cb), target);
  g_signal_connect (target->hours_row, "changed", G_CALLBACK (on_grant_hours_row_changed_cb), target);
  g_signal_connect (target->hours_row, "apply", G_CALLBACK (on_grant_hours_row_apply_cb), target);
  g_signal_connect (target->hours_row, "entry-activated", G_CALLBACK (on_grant_hours_row_apply_cb), target);
  target->hours_focus = gtk_event_controller_focus_new ();
  g_signal_connect (target->hours_focus, "leave", G_CALLBACK (on_grant_hours_focus_leave_cb), target);
  gtk_widget_add_controller (GTK_WIDGET (target->hours_row), target->hours_focus);

  adw_preferences_group_add (self->grants_group, GTK_WIDGET (target->row));
  g_ptr_array_add (self->targets, target);
}

static void
lanyard_person_pane_clear_targets (LanyardPersonPane *self)
{
  for (guint i = 0; i < self->targets->len; i++)
    {
      GrantTarget *target = g_ptr_array_index (self->targets, i);

      /* The rows hold the target in their handlers: disconnect before it goes. */
      g_signal_handlers_disconnect_by_data (target->row, target);
      g_signal_handlers_disconnect_by_data (target->hours_row, target);
      g_signal_handlers_disconnect_by_data (target->hours_focus, target);
      if (!self->disposed)
        adw_preferences_group_remove (self->grants_group, GTK_WIDGET (target->row));
    }

  g_ptr_array_set_size (self->targets, 0);
}

static char *
describe_scope (LanyardPersonPane *self,
                LanyardScope      *scope)
{
  g_autoptr(GString) names = g_string_new (NULL);
  const gint64 *ids;
  guint n_ids = 0;

  ids = lanyard_scope_get_door_ids (scope, &n_ids);
  for (guint i = 0; i < n_ids; i++)
    for (guint j = 0; self->doors != NULL && j < self->doors->len; j++)
      {
        LanyardDoor *door = g_ptr_array_index (self->doors, j);

        if (lanyard_door_get_id (door) != ids[i])
          continue;

        if (names->len > 0)
          /* Translators: the separator of a list of door names */
          g_string_append (names, _(", "));
        g_string_append (names, lanyard_door_get_name (door));
      }

  if (names->len == 0)
    return g_strdup (_("Access scope without doors"));

  /* Translators: what an access scope row says; %s lists its doors */
  return g_strdup_printf (_("Access scope: %s"), names->str);
}

/* One row per door and scope of the facility, and one for the whole facility. */
static void
lanyard_person_pane_rebuild_targets (LanyardPersonPane *self)
{
  lanyard_person_pane_clear_targets (self);

  if (self->doors == NULL || self->scopes == NULL)
    return;

  lanyard_person_pane_add_target (self, LANYARD_GRANT_FACILITY, 0, _("Whole Facility"),
                                  _("Every door, including doors added later"));

  for (guint i = 0; i < self->doors->len; i++)
    {
      LanyardDoor *door = g_ptr_array_index (self->doors, i);

      lanyard_person_pane_add_target (self, LANYARD_GRANT_DOOR, lanyard_door_get_id (door),
                                      lanyard_door_get_name (door), C_("grant row", "Door"));
    }

  for (guint i = 0; i < self->scopes->len; i++)
    {
      LanyardScope *scope = g_ptr_array_index (self->scopes, i);
      g_autofree char *description = describe_scope (self, scope);

      lanyard_person_pane_add_target (self, LANYARD_GRANT_SCOPE, lanyard_scope_get_id (scope),
                                      lanyard_scope_get_name (scope), description);
    }

  lanyard_person_pane_sync_grants (self, TRUE);
}

/* History */

static const char *
door_name (LanyardPersonPane *self,
           gint64             id)
{
  for (guint i = 0; self->doors != NULL && i < self->doors->len; i++)
    if (lanyard_door_get_id (g_ptr_array_index (self->doors, i)) == id)
      return lanyard_door_get_name (g_ptr_array_index (self->doors, i));

  return NULL;
}

static const char *
scope_name (LanyardPersonPane *self,
            gint64             id)
{
  for (guint i = 0; self->scopes != NULL && i < self->scopes->len; i++)
    if (lanyard_scope_get_id (g_ptr_array_index (self->scopes, i)) == id)
      return lanyard_scope_get_name (g_ptr_array_index (self->scopes, i));

  return NULL;
}

/* A grant as the audit log words it (“door 3 (mon-fri 08:00-18:00)”), with the door's name. */
static char *
describe_logged_grant (LanyardPersonPane *self,
                       const char        *text)
{
  const char *name = NULL;
  char *rest = NULL;

  if (g_str_has_prefix (text, "facility"))
    {
      name = _("Whole facility");
      rest = (char *)text + strlen ("facility");
    }
  else if (g_str_has_prefix (text, "door "))
    name = door_name (self, g_ascii_strtoll (text + strlen ("door "), &rest, 10));
  else if (g_str_has_prefix (text, "scope "))
    name = scope_name (self, g_ascii_strtoll (text + strlen ("scope "), &rest, 10));

  if (name == NULL || rest == NULL)
    return g_strdup (text);

  return g_strconcat (name, rest, NULL);
}

/* The person's fields by the names the audit log gives them, for sentences. */
static const struct {
  const char *key;
  const char *name;
} logged_fields[] = {
  { "first-name", N_("First name") },
  { "last-name", N_("Last name") },
  { "phone", N_("Phone number") },
  { "email", N_("Email address") },
  { "person-type", N_("Person type") },
  { "membership-status", N_("Membership status") },
  { "synced-tags", N_("Synced tags") },
  { "custom-tags", N_("Custom tags") },
  { "notes", N_("Notes") },
  { "app-message", N_("App message") },
  { "app-message-severity", N_("App message severity") },
  { "source", N_("Source") },
  { "source-name", N_("Source name") },
  { "external-id", N_("External ID") },
  { "cv-id", N_("Camera ID") },
  { "invitation-state", N_("Invitation") },
  { "invited-at", N_("Invitation time") },
  { "invitation-error", N_("Invitation error") },
  { "last-used-at", N_("Last use of the app") },
  { "recent-ips", N_("Recent IP addresses") },
  { "last-synced-at", N_("Last sync") },
};

/* A logged value in words, or NULL when it is empty or not words (a number, a time). */
static char *
describe_logged_value (const char *key,
                       JsonNode   *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      if (text == NULL || *text == '\0')
        return NULL;
      if (g_str_equal (key, "phone"))
        {
          char *pretty = lanyard_phone_format_international (text);

          if (pretty != NULL)
            return pretty;
        }
      return g_strdup (text);
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *item = json_array_get_string_element (array, i);

          if (item == NULL)
            continue;
          if (text->len > 0)
            g_string_append (text, _(", "));
          g_string_append (text, item);
        }

      return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
    }

  return NULL;
}

/* One change of a "person.update" event as a sentence. */
static char *
describe_logged_change (const char *key,
                        JsonNode   *change)
{
  JsonArray *pair = JSON_NODE_HOLDS_ARRAY (change) ? json_node_get_array (change) : NULL;
  JsonNode *before = pair != NULL && json_array_get_length (pair) == 2 ? json_array_get_element (pair, 0) : NULL;
  JsonNode *after = pair != NULL && json_array_get_length (pair) == 2 ? json_array_get_element (pair, 1) : NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  const char *name = key;

  if (g_str_equal (key, "access-enabled") && after != NULL && JSON_NODE_HOLDS_VALUE (after))
    return g_strdup (json_node_get_boolean (after) ? _("Access enabled") : _("Access disabled"));

  if (g_str_equal (key, "track-source-updates") && after != NULL && JSON_NODE_HOLDS_VALUE (after))
    return g_strdup (json_node_get_boolean (after)
                     ? _("Follows source updates again")
                     : _("Decoupled from source updates"));

  for (guint i = 0; i < G_N_ELEMENTS (logged_fields); i++)
    if (g_str_equal (key, logged_fields[i].key))
      name = _(logged_fields[i].name);

  /* Notes can be long and the app message is the person's own business: say that, not what. */
  if (g_str_equal (key, "notes") || g_str_equal (key, "app-message") || before == NULL || after == NULL)
    /* Translators: %s is a field, like “Notes” */
    return g_strdup_printf (_("%s changed"), name);

  old_text = describe_logged_value (key, before);
  new_text = describe_logged_value (key, after);

  if (old_text != NULL && new_text != NULL)
    /* Translators: the first %s is a field, like “Phone number”, the others its old and new values */
    return g_strdup_printf (_("%s changed from “%s” to “%s”"), name, old_text, new_text);
  if (new_text != NULL)
    /* Translators: the first %s is a field, like “Phone number”, the second its new value */
    return g_strdup_printf (_("%s set to “%s”"), name, new_text);
  if (old_text != NULL)
    /* Translators: %s is a field, like “Phone number” */
    return g_strdup_printf (_("%s removed"), name);

  return g_strdup_printf (_("%s changed"), name);
}

/* What an audit event of this person did, in sentences, one a line. */
static char *
lanyard_person_pane_describe_event (LanyardPersonPane *self,
                                    LanyardAuditEvent *event)
{
  const char *action = lanyard_audit_event_get_action (event);
  const char *changes = lanyard_audit_event_get_changes (event);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object = NULL;

  if (g_strcmp0 (action, "person.create") == 0)
    return g_strdup (C_("history", "Added"));
  if (g_strcmp0 (action, "person.delete") == 0)
    return g_strdup (C_("history", "Deleted"));
  if (g_strcmp0 (action, "person.grants.clear") == 0)
    return g_strdup (_("All grants removed"));

  if (changes != NULL)
    root = json_from_string (changes, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    object = json_node_get_object (root);

  if (g_strcmp0 (action, "person.grants") == 0)
    {
      JsonNode *change = object != NULL ? json_object_get_member (object, "grants") : NULL;
      JsonArray *pair = change != NULL && JSON_NODE_HOLDS_ARRAY (change) ? json_node_get_array (change) : NULL;
      JsonNode *after = pair != NULL && json_array_get_length (pair) == 2 ? json_array_get_element (pair, 1) : NULL;
      g_autoptr(GString) list = g_string_new (NULL);

      if (after == NULL || !JSON_NODE_HOLDS_ARRAY (after))
        return g_strdup (_("Grants changed"));

      for (guint i = 0; i < json_array_get_length (json_node_get_array (after)); i++)
        {
          const char *text = json_array_get_string_element (json_node_get_array (after), i);
          g_autofree char *grant = text != NULL ? describe_logged_grant (self, text) : NULL;

          if (grant == NULL)
            continue;
          if (list->len > 0)
            g_string_append (list, _(", "));
          g_string_append (list, grant);
        }

      /* Translators: %s lists the grants a person has now, like “Front, Gym (mon-fri 08:00-18:00)” */
      return g_strdup_printf (_("Grants changed to %s"), list->str);
    }

  if (g_strcmp0 (action, "person.update") == 0 && object != NULL)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      JsonObjectIter iter;
      const char *key;
      JsonNode *change;

      json_object_iter_init_ordered (&iter, object);
      while (json_object_iter_next_ordered (&iter, &key, &change))
        {
          g_autofree char *sentence = describe_logged_change (key, change);

          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, sentence);
        }

      if (text->len > 0)
        return g_string_free (g_steal_pointer (&text), FALSE);

      return g_strdup (_("Changed"));
    }

  return g_strdup (action != NULL ? action : "?");
}

static GtkWidget *
lanyard_person_pane_create_history_row (LanyardPersonPane *self,
                                        LanyardAuditEvent *event)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = lanyard_person_pane_describe_event (self, event);
  g_autofree char *when = format_time (lanyard_audit_event_get_at (event));
  g_autofree char *subtitle = NULL;
  const char *actor = lanyard_audit_event_get_actor (event);

  if (actor != NULL && *actor != '\0')
    /* Translators: who made a change and when, as in “anna@example.com · 3 Feb 2026, 14:05” */
    subtitle = g_strdup_printf (_("%s · %s"), actor, when);
  else
    subtitle = g_strdup (when);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

static void
lanyard_person_pane_clear_history (LanyardPersonPane *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->history_list, 0)) != NULL)
    gtk_list_box_remove (self->history_list, GTK_WIDGET (row));

  self->oldest_event_id = 0;
}

static void
on_history_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  LanyardPersonPane *self = request->self;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  events = lanyard_store_list_audit_finish (LANYARD_STORE (object), result, &error);
  lanyard_person_pane_end_busy (self);

  if (self->disposed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      request->person_id != person_id_of (self->person))
    return;

  if (events == NULL)
    {
      lanyard_person_pane_toast_error (self, error);
      return;
    }

  if (!request->more)
    lanyard_person_pane_clear_history (self);
  else if (gtk_widget_get_parent (self->show_more_row) != NULL)
    gtk_list_box_remove (self->history_list, self->show_more_row);

  for (guint i = 0; i < events->len; i++)
    {
      LanyardAuditEvent *event = g_ptr_array_index (events, i);

      gtk_list_box_append (self->history_list, lanyard_person_pane_create_history_row (self, event));
      self->oldest_event_id = lanyard_audit_event_get_id (event);
    }

  /* A full page may have more behind it. */
  if (events->len >= HISTORY_PAGE_SIZE && gtk_widget_get_parent (self->show_more_row) == NULL)
    gtk_list_box_append (self->history_list, self->show_more_row);
}

static void
lanyard_person_pane_load_history (LanyardPersonPane *self,
                                  gboolean           more)
{
  LanyardAuditQuery query = { 0 };
  Request *request;

  if (self->store == NULL || self->person == NULL)
    return;

  if (!more)
    {
      g_cancellable_cancel (self->history_cancellable);
      g_clear_object (&self->history_cancellable);
      self->history_cancellable = g_cancellable_new ();
    }

  query.target_kind = "person";
  query.target_id = lanyard_person_get_id (self->person);
  query.before_id = more ? self->oldest_event_id : 0;
  query.limit = HISTORY_PAGE_SIZE;

  request = request_new (self, query.target_id);
  request->more = more;

  lanyard_person_pane_begin_busy (self);
  lanyard_store_list_audit_async (self->store, &query, self->history_cancellable, on_history_read_cb, request);
}

/* Writing */

/* The latest stored record of @person_id that the pane knows, or NULL. */
static LanyardPerson *
lanyard_person_pane_get_write_base (LanyardPersonPane *self,
                                    gint64             person_id)
{
  if (person_id_of (self->person) == person_id)
    return self->person;

  if (person_id_of (self->write_base) == person_id)
    return self->write_base;

  return NULL;
}

/* TRUE when @change would make @person differ. */
static gboolean
change_differs (const Change  *change,
                LanyardPerson *person)
{
  g_autofree char *stored = NULL;

  switch (change->kind)
    {
    case CHANGE_FIELD:
      stored = dup_stored_value (person, change->field);
      return g_strcmp0 (stored, change->value) != 0;

    case CHANGE_ACCESS_ENABLED:
      return !lanyard_person_get_access_enabled (person) != !change->active;

    case CHANGE_TRACK_SOURCE_UPDATES:
      return !lanyard_person_get_track_source_updates (person) != !change->active;

    case CHANGE_GRANT:
    case CHANGE_CLEAR_GRANTS:
    default:
      g_assert_not_reached ();
    }
}

static void
change_apply (const Change  *change,
              LanyardPerson *person)
{
  switch (change->kind)
    {
    case CHANGE_FIELD:
      set_stored_value (person, change->field, change->value);
      break;

    case CHANGE_ACCESS_ENABLED:
      lanyard_person_set_access_enabled (person, change->active);
      break;

    case CHANGE_TRACK_SOURCE_UPDATES:
      lanyard_person_set_track_source_updates (person, change->active);
      break;

    case CHANGE_GRANT:
    case CHANGE_CLEAR_GRANTS:
    default:
      g_assert_not_reached ();
    }
}

static void
on_duplicate_found_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  LanyardPersonPane *self = request->self;
  g_autoptr(LanyardPerson) existing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  g_autofree char *button = NULL;

  existing = lanyard_store_find_duplicate_finish (LANYARD_STORE (object), result, &error);
  lanyard_person_pane_end_busy (self);

  /* Nobody found (any more), or the field has been typed in since: the store's message stays. */
  if (self->disposed || existing == NULL || request->person_id != person_id_of (self->person) ||
      self->errors[request->field] == NULL)
    return;

  name = lanyard_person_dup_display_name (existing);
  if (request->field == FIELD_PHONE)
    /* Translators: %s is the name of another person */
    message = g_strdup_printf (_("%s already has this phone number."), name);
  else
    /* Translators: %s is the name of another person */
    message = g_strdup_printf (_("%s already has this email address."), name);
  /* Translators: a button that shows another person; %s is their name */
  button = g_strdup_printf (_("Open %s"), name);

  lanyard_person_pane_set_field_error (self, request->field, message);
  self->duplicate_field = request->field;
  self->duplicate_id = lanyard_person_get_id (existing);
  gtk_button_set_label (self->open_duplicate_button, button);
  gtk_widget_set_visible (GTK_WIDGET (self->open_duplicate_button), TRUE);
}

/* Someone else has the phone or email typed in @change: find out who, to offer them. */
static void
lanyard_person_pane_find_duplicate (LanyardPersonPane *self,
                                    const Change      *change)
{
  Request *request = request_new (self, change->person_id);

  request->field = change->field;

  lanyard_person_pane_begin_busy (self);
  lanyard_store_find_duplicate_async (self->store,
                                      lanyard_person_get_facility_id (self->person),
                                      change->field == FIELD_PHONE ? change->value : NULL,
                                      change->field == FIELD_EMAIL ? change->value : NULL,
                                      change->person_id,
                                      self->read_cancellable,
                                      on_duplicate_found_cb,
                                      request);
}

/* @change was stored: @person is the record now. */
static void
lanyard_person_pane_change_stored (LanyardPersonPane *self,
                                   Change            *change,
                                   LanyardPerson     *person)
{
  if (lanyard_person_get_id (person) == person_id_of (self->person))
    {
      if (change->kind == CHANGE_GRANT || change->kind == CHANGE_CLEAR_GRANTS)
        {
          g_clear_pointer (&self->grants, g_ptr_array_unref);
          self->grants = g_ptr_array_ref (change->grants);
        }

      if (change->kind == CHANGE_FIELD)
        lanyard_person_pane_check_field (self, change->field);

      lanyard_person_pane_take_person (self, person, FALSE);
      lanyard_person_pane_load_history (self, FALSE);
    }
  else if (person_id_of (self->write_base) == lanyard_person_get_id (person))
    g_set_object (&self->write_base, person);

  g_signal_emit (self, signals[PERSON_SAVED], 0, person);
}

/* @change was refused: say why, keep what was typed, put switches back. */
static void
lanyard_person_pane_change_failed (LanyardPersonPane *self,
                                   Change            *change,
                                   const GError      *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (change->person_id != person_id_of (self->person))
    {
      LanyardPerson *base = lanyard_person_pane_get_write_base (self, change->person_id);
      g_autofree char *name = base != NULL ? lanyard_person_dup_display_name (base) : NULL;
      g_autofree char *message = NULL;

      /* Translators: the first %s is a person's name, the second says why */
      message = g_strdup_printf (_("A change to %s was not saved: %s"), name != NULL ? name : "?", error->message);
      lanyard_person_pane_toast (self, message);
      return;
    }

  if (g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT))
    lanyard_person_pane_show_conflict (self);
  else if (change->kind == CHANGE_FIELD &&
           g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID))
    lanyard_person_pane_set_field_error (self, change->field, error->message);
  else if (change->kind == CHANGE_FIELD &&
           g_error_matches (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE))
    {
      lanyard_person_pane_set_field_error (self, change->field, error->message);
      if (change->field == FIELD_PHONE || change->field == FIELD_EMAIL)
        lanyard_person_pane_find_duplicate (self, change);
    }
  else
    lanyard_person_pane_toast_error (self, error);

  /* Switches show what is stored; typed text stays as typed. */
  lanyard_person_pane_sync_access (self);
  lanyard_person_pane_sync_grants (self, FALSE);
  lanyard_person_pane_update_unsaved (self);
}

/* A change was written, by save_person() or, for grants, set_grants(). */
static void
on_change_written_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(LanyardPersonPane) self = user_data;
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  Change *change = g_steal_pointer (&self->writing);

  if (change->kind == CHANGE_GRANT || change->kind == CHANGE_CLEAR_GRANTS)
    person = lanyard_store_set_grants_finish (LANYARD_STORE (object), result, &error);
  else
    person = lanyard_store_save_person_finish (LANYARD_STORE (object), result, &error);
  lanyard_person_pane_end_busy (self);

  if (!self->disposed)
    {
      if (person != NULL)
        lanyard_person_pane_change_stored (self, change, person);
      else
        lanyard_person_pane_change_failed (self, change, error);

      lanyard_person_pane_write_next (self);
    }

  change_free (change);
}

/* Starts writing the next change waiting, unless one is being written. */
static void
lanyard_person_pane_write_next (LanyardPersonPane *self)
{
  Change *change;

  while (self->writing == NULL && !self->disposed && (change = g_queue_pop_head (&self->changes)) != NULL)
    {
      LanyardPerson *base = lanyard_person_pane_get_write_base (self, change->person_id);

      if (base == NULL || self->store == NULL)
        {
          change_free (change);
          continue;
        }

      if (change->kind == CHANGE_GRANT || change->kind == CHANGE_CLEAR_GRANTS)
        {
          /* Grants are known for the person shown only. */
          if (base != self->person || self->grants == NULL)
            {
              g_autofree char *name = lanyard_person_dup_display_name (base);
              g_autofree char *message = NULL;

              /* Translators: %s is a person's name */
              message = g_strdup_printf (_("The change to the grants of %s was not saved"), name);
              lanyard_person_pane_toast (self, message);
              change_free (change);
              continue;
            }

          change->grants = grants_with_change (self->grants, change);
          if (grants_equal (change->grants, self->grants))
            {
              change_free (change);
              lanyard_person_pane_sync_grants (self, FALSE);
              continue;
            }

          self->writing = change;
          lanyard_person_pane_begin_busy (self);
          lanyard_store_set_grants_async (self->store,
                                          change->person_id,
                                          lanyard_person_get_version (base),
                                          change->grants,
                                          NULL,
                                          on_change_written_cb,
                                          g_object_ref (self));
        }
      else
        {
          g_autoptr(LanyardPerson) copy = NULL;

          if (!change_differs (change, base))
            {
              change_free (change);
              continue;
            }

          copy = lanyard_person_copy (base);
          change_apply (change, copy);

          /* Written even when the pane goes away meanwhile: nothing is cancelled. */
          self->writing = change;
          lanyard_person_pane_begin_busy (self);
          lanyard_store_save_person_async (self->store, copy, NULL, on_change_written_cb, g_object_ref (self));
        }
    }

  if (self->writing == NULL && g_queue_is_empty (&self->changes))
    g_clear_object (&self->write_base);
}

/* Stores what is typed in @field when it is valid and new; says what is wrong otherwise. */
static void
lanyard_person_pane_commit_field (LanyardPersonPane *self,
                                  Field              field,
                                  gboolean           leaving)
{
  g_autofree char *text = NULL;
  g_autofree char *value = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;
  Change *change;

  if (self->disposed || self->syncing > 0 || self->person == NULL)
    return;

  text = lanyard_person_pane_dup_field_text (self, field);
  if (!lanyard_person_pane_check_text (self, field, text, &value, &error))
    {
      lanyard_person_pane_set_field_error (self, field, error->message);
      lanyard_person_pane_update_unsaved (self);
      return;
    }

  stored = dup_stored_value (self->person, field);
  if (g_strcmp0 (value, stored) == 0)
    {
      /* Nothing new: once left, the field shows the stored value in its usual form. */
      if (leaving)
        lanyard_person_pane_sync_field (self, field, TRUE);
      lanyard_person_pane_update_unsaved (self);
      return;
    }

  change = change_new (CHANGE_FIELD, lanyard_person_get_id (self->person));
  change->field = field;
  change->value = g_steal_pointer (&value);
  g_queue_push_tail (&self->changes, change);
  lanyard_person_pane_write_next (self);
}

/* Reading */

static void
on_person_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  LanyardPersonPane *self = request->self;
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  person = lanyard_store_get_person_finish (LANYARD_STORE (object), result, &error);
  lanyard_person_pane_end_busy (self);

  if (self->disposed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      request->person_id != person_id_of (self->person))
    return;

  if (person == NULL)
    {
      lanyard_person_pane_toast_error (self, error);
      return;
    }

  if (request->force)
    {
      gtk_revealer_set_reveal_child (self->conflict_revealer, FALSE);
      lanyard_person_pane_hide_duplicate (self);
    }

  lanyard_person_pane_take_person (self, person, request->force);
}

static void
on_grants_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  LanyardPersonPane *self = request->self;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;

  grants = lanyard_store_list_grants_finish (LANYARD_STORE (object), result, &error);
  lanyard_person_pane_end_busy (self);

  if (self->disposed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      request->person_id != person_id_of (self->person))
    return;

  if (grants == NULL)
    {
      lanyard_person_pane_toast_error (self, error);
      return;
    }

  /* A grant written since the read began is newer than what it brings. */
  if (self->writing != NULL && self->grants != NULL && !request->force)
    return;

  g_clear_pointer (&self->grants, g_ptr_array_unref);
  self->grants = g_steal_pointer (&grants);
  lanyard_person_pane_sync_grants (self, request->force);
  lanyard_person_pane_update_unsaved (self);
}

static gboolean
doors_equal (GPtrArray *a,
             GPtrArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (lanyard_door_get_id (g_ptr_array_index (a, i)) != lanyard_door_get_id (g_ptr_array_index (b, i)) ||
        g_strcmp0 (lanyard_door_get_name (g_ptr_array_index (a, i)), lanyard_door_get_name (g_ptr_array_index (b, i))) != 0)
      return FALSE;

  return TRUE;
}

static gboolean
scopes_equal (GPtrArray *a,
              GPtrArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    {
      LanyardScope *x = g_ptr_array_index (a, i);
      LanyardScope *y = g_ptr_array_index (b, i);
      const gint64 *x_ids, *y_ids;
      guint n_x = 0, n_y = 0;

      x_ids = lanyard_scope_get_door_ids (x, &n_x);
      y_ids = lanyard_scope_get_door_ids (y, &n_y);
      if (lanyard_scope_get_id (x) != lanyard_scope_get_id (y) ||
          g_strcmp0 (lanyard_scope_get_name (x), lanyard_scope_get_name (y)) != 0 ||
          n_x != n_y || (n_x > 0 && memcmp (x_ids, y_ids, n_x * sizeof *x_ids) != 0))
        return FALSE;
    }

  return TRUE;
}

/* The doors and scopes were read: rebuild the grant rows if they are new. */
static void
lanyard_person_pane_targets_read (LanyardPersonPane *self,
                                  GPtrArray         *doors,
                                  GPtrArray         *scopes)
{
  gboolean changed = FALSE;

  if (doors != NULL && !doors_equal (doors, self->doors))
    {
      g_clear_pointer (&self->doors, g_ptr_array_unref);
      self->doors = g_ptr_array_ref (doors);
      changed = TRUE;
    }

  if (scopes != NULL && !scopes_equal (scopes, self->scopes))
    {
      g_clear_pointer (&self->scopes, g_ptr_array_unref);
      self->scopes = g_ptr_array_ref (scopes);
      changed = TRUE;
    }

  if (changed || (self->targets->len == 0 && self->doors != NULL && self->scopes != NULL))
    lanyard_person_pane_rebuild_targets (self);
}

/* The facility's doors or its scopes, whichever of the two reads this is. */
static void
on_targets_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  LanyardPersonPane *self = request->self;
  gboolean doors = g_async_result_is_tagged (result, lanyard_store_list_doors_async);
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;

  if (doors)
    targets = lanyard_store_list_doors_finish (LANYARD_STORE (object), result, &error);
  else
    targets = lanyard_store_list_scopes_finish (LANYARD_STORE (object), result, &error);
  lanyard_person_pane_end_busy (self);

  if (self->disposed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (targets == NULL)
    lanyard_person_pane_toast_error (self, error);
  else if (doors)
    lanyard_person_pane_targets_read (self, targets, NULL);
  else
    lanyard_person_pane_targets_read (self, NULL, targets);
}

static gint64
lanyard_person_pane_get_facility_id (LanyardPersonPane *self)
{
  if (self->facility != NULL)
    return lanyard_facility_get_id (self->facility);

  return self->person != NULL ? lanyard_person_get_facility_id (self->person) : LANYARD_NO_ID;
}

/*
 * Reads the person, their grants, the facility's doors and scopes and the
 * history; reads for whoever was shown before are cancelled. With @force
 * (Reload) what the store says replaces what is typed.
 */
static void
lanyard_person_pane_read (LanyardPersonPane *self,
                          gboolean           force)
{
  gint64 person_id = person_id_of (self->person);
  gint64 facility_id = lanyard_person_pane_get_facility_id (self);
  Request *request;

  g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->read_cancellable);

  if (self->store == NULL || self->person == NULL)
    return;

  self->read_cancellable = g_cancellable_new ();

  request = request_new (self, person_id);
  request->force = force;
  lanyard_person_pane_begin_busy (self);
  lanyard_store_get_person_async (self->store, person_id, self->read_cancellable, on_person_read_cb, request);

  request = request_new (self, person_id);
  request->force = force;
  lanyard_person_pane_begin_busy (self);
  lanyard_store_list_grants_async (self->store, person_id, self->read_cancellable, on_grants_read_cb, request);

  lanyard_person_pane_begin_busy (self);
  lanyard_store_list_doors_async (self->store, facility_id, self->read_cancellable, on_targets_read_cb,
                                  request_new (self, person_id));

  lanyard_person_pane_begin_busy (self);
  lanyard_store_list_scopes_async (self->store, facility_id, self->read_cancellable, on_targets_read_cb,
                                   request_new (self, person_id));

  lanyard_person_pane_load_history (self, FALSE);
}

/* Scrolls the page back to the top, for a new person. */
static void
scroll_to_top (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SCROLLED_WINDOW (child))
        {
          gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (child)), 0);
          return;
        }
      scroll_to_top (child);
    }
}

/* Callbacks */

static void
on_close_button_clicked_cb (LanyardPersonPane *self,
                            GtkButton         *button)
{
  g_signal_emit (self, signals[CLOSE_REQUESTED], 0);
}

static void
on_reload_button_clicked_cb (LanyardPersonPane *self,
                             GtkButton         *button)
{
  lanyard_person_pane_read (self, TRUE);
}

static void
on_field_row_changed_cb (LanyardPersonPane *self,
                         GtkEditable       *editable)
{
  Field field = lanyard_person_pane_field_for_widget (self, GTK_WIDGET (editable));

  if (self->syncing > 0 || field == NO_FIELD)
    return;

  lanyard_person_pane_check_field (self, field);
  lanyard_person_pane_update_unsaved (self);
}

static void
on_field_row_apply_cb (LanyardPersonPane *self,
                       AdwEntryRow       *row)
{
  Field field = lanyard_person_pane_field_for_widget (self, GTK_WIDGET (row));

  if (field != NO_FIELD)
    lanyard_person_pane_commit_field (self, field, FALSE);
}

static void
on_field_focus_leave_cb (LanyardPersonPane       *self,
                         GtkEventControllerFocus *controller)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  Field field = lanyard_person_pane_field_for_widget (self, widget);

  if (field == NO_FIELD)
    return;

  /* An entry row's apply button is left visible after a save that happened on leaving. */
  if (field != FIELD_NOTES)
    {
      adw_entry_row_set_show_apply_button (self->field_rows[field], FALSE);
      adw_entry_row_set_show_apply_button (self->field_rows[field], TRUE);
    }

  lanyard_person_pane_commit_field (self, field, TRUE);
}

static void
on_notes_buffer_changed_cb (LanyardPersonPane *self,
                            GtkTextBuffer     *buffer)
{
  if (self->syncing > 0)
    {
      lanyard_person_pane_update_notes_state (self);
      return;
    }

  lanyard_person_pane_check_field (self, FIELD_NOTES);
  lanyard_person_pane_update_unsaved (self);
}

static void
on_notes_save_button_clicked_cb (LanyardPersonPane *self,
                                 GtkButton         *button)
{
  lanyard_person_pane_commit_field (self, FIELD_NOTES, FALSE);
}

static void
on_open_duplicate_button_clicked_cb (LanyardPersonPane *self,
                                     GtkButton         *button)
{
  if (self->duplicate_id != LANYARD_NO_ID)
    g_signal_emit (self, signals[OPEN_PERSON], 0, self->duplicate_id);
}

static void
lanyard_person_pane_queue_switch (LanyardPersonPane *self,
                                  ChangeKind         kind,
                                  gboolean           active)
{
  Change *change;

  if (self->syncing > 0 || self->person == NULL)
    return;

  change = change_new (kind, lanyard_person_get_id (self->person));
  change->active = active;
  g_queue_push_tail (&self->changes, change);
  lanyard_person_pane_write_next (self);
}

static void
on_access_switch_active_changed_cb (LanyardPersonPane *self,
                                    GParamSpec        *pspec,
                                    GtkSwitch         *widget)
{
  lanyard_person_pane_queue_switch (self, CHANGE_ACCESS_ENABLED, gtk_switch_get_active (widget));
}

static void
on_track_switch_active_changed_cb (LanyardPersonPane *self,
                                   GParamSpec        *pspec,
                                   GtkSwitch         *widget)
{
  lanyard_person_pane_queue_switch (self, CHANGE_TRACK_SOURCE_UPDATES, gtk_switch_get_active (widget));
}

static void
on_clear_grants_dialog_response_cb (AdwMessageDialog *dialog,
                                    const char       *response,
                                    Request          *request)
{
  LanyardPersonPane *self = request->self;

  if (g_strcmp0 (response, "clear") != 0 || self->disposed ||
      request->person_id != person_id_of (self->person))
    return;

  g_queue_push_tail (&self->changes, change_new (CHANGE_CLEAR_GRANTS, request->person_id));
  lanyard_person_pane_write_next (self);
}

static void
on_clear_grants_button_clicked_cb (LanyardPersonPane *self,
                                   GtkButton         *button)
{
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  guint n_grants;

  if (self->person == NULL || self->grants == NULL || self->grants->len == 0)
    return;

  name = lanyard_person_dup_display_name (self->person);
  n_grants = self->grants->len;
  /* Translators: %1$s is a person's name, %2$u how many grants they have */
  body = g_strdup_printf (ngettext ("The grant of %1$s will be removed. What the access rules allow stays as it is.",
                                    "All %2$u grants of %1$s will be removed. What the access rules allow stays as it is.",
                                    n_grants),
                          name, n_grants);

  dialog = lanyard_ui_confirm_dialog_new (GTK_WIDGET (self), _("Clear All Grants?"), body,
                                          NULL, "clear", _("C_lear All"));
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_clear_grants_dialog_response_cb),
                         request_new (self, lanyard_person_get_id (self->person)),
                         (GClosureNotify)(void (*) (void))request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_person_deleted_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  LanyardPersonPane *self = request->self;
  g_autoptr(GError) error = NULL;
  guint n_deleted;

  n_deleted = lanyard_store_delete_people_finish (LANYARD_STORE (object), result, &error);
  lanyard_person_pane_end_busy (self);

  if (self->disposed)
    return;

  if (error != NULL)
    {
      lanyard_person_pane_toast_error (self, error);
      return;
    }

  if (n_deleted == 0)
    return;

  g_signal_emit (self, signals[PERSON_DELETED], 0, request->person_id);

  if (person_id_of (self->person) == request->person_id)
    lanyard_person_pane_set_person (self, NULL);
}

static void
on_delete_dialog_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              Request          *request)
{
  LanyardPersonPane *self = request->self;
  GList *link;

  if (g_strcmp0 (response, "delete") != 0 || self->disposed || self->store == NULL)
    return;

  /* Changes still waiting for this person have nobody to go to any more. */
  link = self->changes.head;
  while (link != NULL)
    {
      GList *next = link->next;
      Change *change = link->data;

      if (change->person_id == request->person_id)
        {
          change_free (change);
          g_queue_delete_link (&self->changes, link);
        }
      link = next;
    }

  lanyard_person_pane_begin_busy (self);
  lanyard_store_delete_people_async (self->store, &request->person_id, 1, NULL, on_person_deleted_cb,
                                     request_new (self, request->person_id));
}

static void
on_delete_button_clicked_cb (LanyardPersonPane *self,
                             GtkButton         *button)
{
  lanyard_person_pane_ask_delete (self);
}

/* Asks whether to delete the person shown, and does it when the answer is yes. */
void
lanyard_person_pane_ask_delete (LanyardPersonPane *self)
{
  g_autofree char *name = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  g_return_if_fail (LANYARD_IS_PERSON_PANE (self));

  if (self->person == NULL)
    return;

  name = lanyard_person_dup_display_name (self->person);
  /* Translators: %s is a person's name */
  heading = g_strdup_printf (_("Delete %s?"), name);

  dialog = lanyard_ui_confirm_dialog_new (GTK_WIDGET (self), heading,
                                          _("Doors will no longer open for them and their grants are removed. "
                                            "The history keeps a record of the deletion."),
                                          NULL, "delete", _("_Delete"));
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_dialog_response_cb),
                         request_new (self, lanyard_person_get_id (self->person)),
                         (GClosureNotify)(void (*) (void))request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_history_list_row_activated_cb (LanyardPersonPane *self,
                                  GtkListBoxRow     *row,
                                  GtkListBox        *list)
{
  if (GTK_WIDGET (row) == self->show_more_row)
    lanyard_person_pane_load_history (self, TRUE);
}

/* GObject */

static void
lanyard_person_pane_dispose (GObject *object)
{
  LanyardPersonPane *self = LANYARD_PERSON_PANE (object);
  GtkWidget *child;

  /* Reads stop; writes already started end on their own (they hold the pane). */
  self->disposed = TRUE;
  g_cancellable_cancel (self->read_cancellable);
  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->read_cancellable);
  g_clear_object (&self->history_cancellable);

  if (self->targets != NULL)
    lanyard_person_pane_clear_targets (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_PERSON_PANE);
  /* dispose_template() only takes the children bound to fields. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_queue_clear_full (&self->changes, (GDestroyNotify)change_free);
  g_clear_object (&self->show_more_row);
  g_clear_object (&self->store);
  g_clear_object (&self->facility);
  g_clear_object (&self->person);
  g_clear_object (&self->write_base);
  g_clear_pointer (&self->grants, g_ptr_array_unref);
  g_clear_pointer (&self->doors, g_ptr_array_unref);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);

  G_OBJECT_CLASS (lanyard_person_pane_parent_class)->dispose (object);
}

static void
lanyard_person_pane_finalize (GObject *object)
{
  LanyardPersonPane *self = LANYARD_PERSON_PANE (object);

  g_clear_pointer (&self->targets, g_ptr_array_unref);
  for (Field field = 0; field < N_FIELDS; field++)
    {
      g_free (self->shown[field]);
      g_free (self->errors[field]);
    }

  G_OBJECT_CLASS (lanyard_person_pane_parent_class)->finalize (object);
}

static void
lanyard_person_pane_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LanyardPersonPane *self = LANYARD_PERSON_PANE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_FACILITY:
      g_value_set_object (value, self->facility);
      break;

    case PROP_PERSON:
      g_value_set_object (value, self->person);
      break;

    case PROP_HAS_UNSAVED_CHANGES:
      g_value_set_boolean (value, lanyard_person_pane_get_has_unsaved_changes (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, lanyard_person_pane_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_person_pane_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LanyardPersonPane *self = LANYARD_PERSON_PANE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lanyard_person_pane_set_store (self, g_value_get_object (value));
      break;

    case PROP_FACILITY:
      lanyard_person_pane_set_facility (self, g_value_get_object (value));
      break;

    case PROP_PERSON:
      lanyard_person_pane_set_person (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_person_pane_class_init (LanyardPersonPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_person_pane_dispose;
  object_class->finalize = lanyard_person_pane_finalize;
  object_class->get_property = lanyard_person_pane_get_property;
  object_class->set_property = lanyard_person_pane_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LANYARD_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FACILITY] =
    g_param_spec_object ("facility", NULL, NULL,
                         LANYARD_TYPE_FACILITY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PERSON] =
    g_param_spec_object ("person", NULL, NULL,
                         LANYARD_TYPE_PERSON,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_HAS_UNSAVED_CHANGES] =
    g_param_spec_boolean ("has-unsaved-changes", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PERSON_SAVED] =
    g_signal_new ("person-saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LANYARD_TYPE_PERSON);
  signals[PERSON_DELETED] =
    g_signal_new ("person-deleted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[OPEN_PERSON] =
    g_signal_new ("open-person",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[CLOSE_REQUESTED] =
    g_signal_new ("close-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-person-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, spinner);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, title);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, conflict_revealer);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, page);
  gtk_widget_class_bind_template_child_full (widget_class, "first_name_row", FALSE,
                                             G_STRUCT_OFFSET (LanyardPersonPane, field_rows[FIELD_FIRST_NAME]));
  gtk_widget_class_bind_template_child_full (widget_class, "last_name_row", FALSE,
                                             G_STRUCT_OFFSET (LanyardPersonPane, field_rows[FIELD_LAST_NAME]));
  gtk_widget_class_bind_template_child_full (widget_class, "phone_row", FALSE,
                                             G_STRUCT_OFFSET (LanyardPersonPane, field_rows[FIELD_PHONE]));
  gtk_widget_class_bind_template_child_full (widget_class, "email_row", FALSE,
                                             G_STRUCT_OFFSET (LanyardPersonPane, field_rows[FIELD_EMAIL]));
  gtk_widget_class_bind_template_child_full (widget_class, "person_type_row", FALSE,
                                             G_STRUCT_OFFSET (LanyardPersonPane, field_rows[FIELD_PERSON_TYPE]));
  gtk_widget_class_bind_template_child_full (widget_class, "membership_status_row", FALSE,
                                             G_STRUCT_OFFSET (LanyardPersonPane, field_rows[FIELD_MEMBERSHIP_STATUS]));
  gtk_widget_class_bind_template_child_full (widget_class, "custom_tags_row", FALSE,
                                             G_STRUCT_OFFSET (LanyardPersonPane, field_rows[FIELD_CUSTOM_TAGS]));
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, synced_tags_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, profile_error_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, open_duplicate_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, notes_counter_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, notes_view);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, notes_error_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, notes_save_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, access_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, access_switch);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, track_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, track_switch);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, grants_group);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, clear_grants_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, grants_error_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, invitation_group);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, invitation_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, invite_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, last_used_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, recent_ips_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, app_message_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, app_message_badge);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonPane, history_list);
  gtk_widget_class_bind_template_callback (widget_class, on_close_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reload_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_field_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_field_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_notes_save_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_open_duplicate_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_access_switch_active_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_track_switch_active_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_grants_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_delete_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_history_list_row_activated_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
lanyard_person_pane_init (LanyardPersonPane *self)
{
  GtkWidget *label;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_queue_init (&self->changes);
  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify)grant_target_free);
  self->duplicate_field = NO_FIELD;

  /* Leaving a field stores it, like Enter does. */
  for (Field field = 0; field < N_FIELDS; field++)
    {
      GtkEventController *controller = gtk_event_controller_focus_new ();

      g_signal_connect_object (controller, "leave", G_CALLBACK (on_field_focus_leave_cb), self, G_CONNECT_SWAPPED);
      gtk_widget_add_controller (lanyard_person_pane_get_field_widget (self, field), controller);
    }

  g_signal_connect_object (gtk_text_view_get_buffer (self->notes_view), "changed",
                           G_CALLBACK (on_notes_buffer_changed_cb), self, G_CONNECT_SWAPPED);

  label = gtk_label_new (_("Show More"));
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  self->show_more_row = g_object_ref_sink (gtk_list_box_row_new ());
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->show_more_row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->show_more_row), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->show_more_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show older changes"),
                                  -1);

  lanyard_person_pane_update_notes_state (self);
}

/* Public API */

LanyardStore *
lanyard_person_pane_get_store (LanyardPersonPane *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_PANE (self), NULL);

  return self->store;
}

void
lanyard_person_pane_set_store (LanyardPersonPane *self,
                               LanyardStore      *store)
{
  g_return_if_fail (LANYARD_IS_PERSON_PANE (self));
  g_return_if_fail (store == NULL || LANYARD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_clear_pointer (&self->doors, g_ptr_array_unref);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  lanyard_person_pane_clear_targets (self);
  lanyard_person_pane_read (self, FALSE);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

LanyardFacility *
lanyard_person_pane_get_facility (LanyardPersonPane *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_PANE (self), NULL);

  return self->facility;
}

void
lanyard_person_pane_set_facility (LanyardPersonPane *self,
                                  LanyardFacility   *facility)
{
  gint64 old_id;

  g_return_if_fail (LANYARD_IS_PERSON_PANE (self));
  g_return_if_fail (facility == NULL || LANYARD_IS_FACILITY (facility));

  old_id = lanyard_person_pane_get_facility_id (self);
  if (!g_set_object (&self->facility, facility))
    return;

  /* Another facility has other doors and scopes. */
  if (old_id != lanyard_person_pane_get_facility_id (self))
    {
      g_clear_pointer (&self->doors, g_ptr_array_unref);
      g_clear_pointer (&self->scopes, g_ptr_array_unref);
      lanyard_person_pane_clear_targets (self);
      lanyard_person_pane_read (self, FALSE);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FACILITY]);
}

LanyardPerson *
lanyard_person_pane_get_person (LanyardPersonPane *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_PANE (self), NULL);

  return self->person;
}

void
lanyard_person_pane_set_person (LanyardPersonPane *self,
                                LanyardPerson     *person)
{
  g_return_if_fail (LANYARD_IS_PERSON_PANE (self));
  g_return_if_fail (person == NULL || LANYARD_IS_PERSON (person));

  if (person == self->person)
    return;

  /* The same person again, as the list has them now: keep what is being typed. */
  if (person != NULL && person_id_of (person) == person_id_of (self->person))
    {
      lanyard_person_pane_take_person (self, person, FALSE);
      return;
    }

  /* Changes still waiting are written for the person they were made for. */
  if (self->person != NULL && (self->writing != NULL || !g_queue_is_empty (&self->changes)) &&
      person_id_of (self->write_base) != person_id_of (self->person))
    g_set_object (&self->write_base, self->person);

  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  g_clear_pointer (&self->grants, g_ptr_array_unref);
  g_set_object (&self->person, person);

  gtk_revealer_set_reveal_child (self->conflict_revealer, FALSE);
  lanyard_person_pane_hide_duplicate (self);
  lanyard_person_pane_clear_history (self);

  if (person != NULL)
    {
      lanyard_person_pane_take_person (self, person, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "person");
      scroll_to_top (GTK_WIDGET (self->page));
    }
  else
    {
      lanyard_person_pane_sync_header (self);
      lanyard_person_pane_sync_grants (self, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }

  lanyard_person_pane_read (self, FALSE);
  lanyard_person_pane_update_unsaved (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON]);
}

gboolean
lanyard_person_pane_get_has_unsaved_changes (LanyardPersonPane *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_PANE (self), FALSE);

  return self->has_unsaved_changes;
}

gboolean
lanyard_person_pane_get_busy (LanyardPersonPane *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_PANE (self), FALSE);

  return self->busy;
}
