/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lanyard-person-row.h"

struct _LanyardPersonRow
{
  GtkWidget      parent_instance;

  LanyardPerson *person;
  GtkGesture    *mark_gesture;

  guint          selection_mode : 1;
  guint          marked : 1;

  /* Template widgets */
  GtkCheckButton *mark_check;
  AdwAvatar     *avatar;
  GtkLabel      *name_label;
  GtkLabel      *external_id_label;
  GtkLabel      *contact_label;
  GtkLabel      *source_badge;
  GtkLabel      *membership_badge;
  GtkLabel      *decoupled_badge;
  GtkLabel      *grants_badge;
  GtkLabel      *message_badge;
  GtkLabel      *invited_badge;
  GtkLabel      *disabled_badge;
};

enum {
  PROP_0,
  PROP_PERSON,
  PROP_SELECTION_MODE,
  PROP_MARKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LanyardPersonRow, lanyard_person_row, GTK_TYPE_WIDGET)

/* "+49 151 23456789 · anna@example.com", whichever of the two there is. */
static char *
dup_contact_text (LanyardPerson *person)
{
  const char *phone = lanyard_person_get_phone (person);
  const char *email = lanyard_person_get_email (person);
  g_autofree char *pretty_phone = NULL;

  if (phone != NULL)
    pretty_phone = lanyard_phone_format_international (phone);

  if (pretty_phone != NULL && email != NULL)
    /* Translators: a person's phone number and email address, side by side */
    return g_strdup_printf (_("%s · %s"), pretty_phone, email);

  return g_strdup (pretty_phone != NULL ? pretty_phone : email);
}

static void
set_badge (GtkLabel   *badge,
           const char *text,
           const char *tooltip)
{
  gtk_widget_set_visible (GTK_WIDGET (badge), text != NULL);
  if (text == NULL)
    return;

  gtk_label_set_label (badge, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (badge), tooltip);
}

static void
lanyard_person_row_update (LanyardPersonRow *self)
{
  LanyardPerson *person = self->person;
  GtkWidget *widget = GTK_WIDGET (self);
  g_autofree char *name = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *source_tooltip = NULL;
  g_autoptr(GString) accessible = NULL;
  const char *source = NULL;
  const char *invitation = NULL;
  const char *invitation_tooltip = NULL;
  const char *external_id = NULL;
  const char *membership = NULL;
  const char *message = NULL;
  g_autofree char *external_id_text = NULL;
  g_autofree char *grants = NULL;
  g_autofree char *grants_tooltip = NULL;
  gboolean disabled = FALSE;
  gboolean decoupled = FALSE;
  int n_grants;

  /* Rows of pages not fetched yet hold an empty person: keep the row's height, show nothing. */
  if (person == NULL || lanyard_person_get_id (person) == LANYARD_NO_ID)
    {
      gtk_widget_add_css_class (widget, "placeholder");
      gtk_widget_remove_css_class (widget, "disabled-person");
      adw_avatar_set_text (self->avatar, NULL);
      gtk_label_set_label (self->name_label, "");
      gtk_label_set_label (self->contact_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->external_id_label), FALSE);
      set_badge (self->source_badge, NULL, NULL);
      set_badge (self->membership_badge, NULL, NULL);
      set_badge (self->decoupled_badge, NULL, NULL);
      set_badge (self->grants_badge, NULL, NULL);
      set_badge (self->message_badge, NULL, NULL);
      set_badge (self->invited_badge, NULL, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->disabled_badge), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Loading…"),
                                      -1);
      return;
    }

  gtk_widget_remove_css_class (widget, "placeholder");

  name = lanyard_person_dup_display_name (person);
  contact = dup_contact_text (person);

  switch (lanyard_person_get_source (person))
    {
    case LANYARD_SOURCE_INTEGRATION:
      source = lanyard_person_get_source_name (person);
      if (source == NULL)
        source = C_("person source", "Integration");
      /* Translators: tooltip of a person's source badge; %s is an integration like "Mindbody" */
      source_tooltip = g_strdup_printf (_("Synced from %s"), source);
      break;

    case LANYARD_SOURCE_CCTV:
      source = C_("person source", "CCTV");
      source_tooltip = g_strdup (_("Added by the camera system"));
      break;

    case LANYARD_SOURCE_MANUAL:
    default:
      break;
    }

  switch (lanyard_person_get_invitation_state (person))
    {
    case LANYARD_INVITATION_INVITED:
      invitation = C_("person badge", "Invited");
      invitation_tooltip = _("Invited to the app");
      break;

    case LANYARD_INVITATION_SEND_FAILED:
      invitation = C_("person badge", "Invitation failed");
      invitation_tooltip = lanyard_person_get_invitation_error (person);
      break;

    case LANYARD_INVITATION_NOT_INVITED:
    default:
      break;
    }

  disabled = !lanyard_person_get_access_enabled (person);

  /* Synced people: the source's own ID under the name, and whether the source still updates them. */
  if (lanyard_person_get_source (person) != LANYARD_SOURCE_MANUAL)
    {
      external_id = lanyard_person_get_external_id (person);
      decoupled = !lanyard_person_get_track_source_updates (person);
      if (external_id != NULL)
        /* Translators: a synced person's ID in the system they come from */
        external_id_text = g_strdup_printf (_("ID %s"), external_id);
    }

  membership = lanyard_person_get_membership_status (person);

  n_grants = lanyard_person_get_grant_count (person);
  if (n_grants > 0)
    {
      /* Translators: badge of a person with door grants of their own */
      grants = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d grant", "%d grants", n_grants), n_grants);
      grants_tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "Has %d grant of their own, besides the access rules",
                                                     "Has %d grants of their own, besides the access rules",
                                                     n_grants),
                                        n_grants);
    }

  message = lanyard_person_get_app_message (person);

  adw_avatar_set_text (self->avatar, name);
  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->external_id_label, external_id_text != NULL ? external_id_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->external_id_label), external_id_text != NULL);
  gtk_label_set_label (self->contact_label, contact != NULL ? contact : "");
  set_badge (self->source_badge, source, source_tooltip);
  set_badge (self->membership_badge, membership, _("Membership status"));
  gtk_widget_set_visible (GTK_WIDGET (self->decoupled_badge), decoupled);
  set_badge (self->grants_badge, grants, grants_tooltip);
  set_badge (self->message_badge, message != NULL ? C_("person badge", "Message") : NULL, message);
  set_badge (self->invited_badge, invitation, invitation_tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->disabled_badge), disabled);

  gtk_widget_remove_css_class (GTK_WIDGET (self->message_badge), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_badge), "error");
  if (message != NULL)
    {
      switch (lanyard_person_get_app_message_severity (person))
        {
        case LANYARD_MESSAGE_SEVERITY_WARNING:
          gtk_widget_add_css_class (GTK_WIDGET (self->message_badge), "warning");
          break;

        case LANYARD_MESSAGE_SEVERITY_CRITICAL:
          gtk_widget_add_css_class (GTK_WIDGET (self->message_badge), "error");
          break;

        case LANYARD_MESSAGE_SEVERITY_INFO:
        default:
          break;
        }
    }

  if (lanyard_person_get_invitation_state (person) == LANYARD_INVITATION_SEND_FAILED)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->invited_badge), "accent");
      gtk_widget_add_css_class (GTK_WIDGET (self->invited_badge), "warning");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->invited_badge), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->invited_badge), "accent");
    }

  if (disabled)
    gtk_widget_add_css_class (widget, "disabled-person");
  else
    gtk_widget_remove_css_class (widget, "disabled-person");

  /* What a screen reader says for the row: the name, then what the eye sees next to it. */
  accessible = g_string_new (name);
  if (external_id_text != NULL)
    g_string_append_printf (accessible, ", %s", external_id_text);
  if (contact != NULL)
    g_string_append_printf (accessible, ", %s", contact);
  if (source != NULL)
    g_string_append_printf (accessible, ", %s", source_tooltip);
  if (membership != NULL)
    g_string_append_printf (accessible, ", %s", membership);
  if (decoupled)
    g_string_append_printf (accessible, ", %s", C_("person badge", "Decoupled"));
  if (grants != NULL)
    g_string_append_printf (accessible, ", %s", grants);
  if (message != NULL)
    g_string_append_printf (accessible, ", %s", message);
  if (invitation != NULL)
    g_string_append_printf (accessible, ", %s", invitation);
  if (disabled)
    g_string_append_printf (accessible, ", %s", C_("person badge", "Disabled"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible->str,
                                  -1);
}

static void
on_mark_check_toggled_cb (LanyardPersonRow *self,
                          GtkCheckButton   *check)
{
  lanyard_person_row_set_marked (self, gtk_check_button_get_active (check));
}

/* In selection mode a click anywhere on the row ticks it, instead of opening the person. */
static void
on_mark_gesture_pressed_cb (GtkGestureClick  *gesture,
                            int               n_press,
                            double            x,
                            double            y,
                            LanyardPersonRow *self)
{
  if (!self->selection_mode || self->person == NULL || lanyard_person_get_id (self->person) == LANYARD_NO_ID)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  lanyard_person_row_set_marked (self, !self->marked);
}

static void
lanyard_person_row_dispose (GObject *object)
{
  LanyardPersonRow *self = LANYARD_PERSON_ROW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_PERSON_ROW);
  /* dispose_template() only takes the children bound to fields. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->person);

  G_OBJECT_CLASS (lanyard_person_row_parent_class)->dispose (object);
}

static void
lanyard_person_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LanyardPersonRow *self = LANYARD_PERSON_ROW (object);

  switch (prop_id)
    {
    case PROP_PERSON:
      g_value_set_object (value, self->person);
      break;

    case PROP_SELECTION_MODE:
      g_value_set_boolean (value, self->selection_mode);
      break;

    case PROP_MARKED:
      g_value_set_boolean (value, self->marked);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_person_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LanyardPersonRow *self = LANYARD_PERSON_ROW (object);

  switch (prop_id)
    {
    case PROP_PERSON:
      lanyard_person_row_set_person (self, g_value_get_object (value));
      break;

    case PROP_SELECTION_MODE:
      lanyard_person_row_set_selection_mode (self, g_value_get_boolean (value));
      break;

    case PROP_MARKED:
      lanyard_person_row_set_marked (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_person_row_class_init (LanyardPersonRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_person_row_dispose;
  object_class->get_property = lanyard_person_row_get_property;
  object_class->set_property = lanyard_person_row_set_property;

  properties[PROP_PERSON] =
    g_param_spec_object ("person", NULL, NULL,
                         LANYARD_TYPE_PERSON,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Selection mode shows a check button per row; "marked" is its state. */
  properties[PROP_SELECTION_MODE] =
    g_param_spec_boolean ("selection-mode", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MARKED] =
    g_param_spec_boolean ("marked", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-person-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, mark_check);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, external_id_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, contact_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, source_badge);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, membership_badge);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, decoupled_badge);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, grants_badge);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, message_badge);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, invited_badge);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, disabled_badge);
  gtk_widget_class_bind_template_callback (widget_class, on_mark_check_toggled_cb);

  gtk_widget_class_set_css_name (widget_class, "personrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lanyard_person_row_init (LanyardPersonRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->mark_gesture = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->mark_gesture), GTK_PHASE_CAPTURE);
  g_signal_connect (self->mark_gesture, "pressed", G_CALLBACK (on_mark_gesture_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->mark_gesture));

  lanyard_person_row_update (self);
}

LanyardPerson *
lanyard_person_row_get_person (LanyardPersonRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_ROW (self), NULL);

  return self->person;
}

void
lanyard_person_row_set_person (LanyardPersonRow *self,
                               LanyardPerson    *person)
{
  g_return_if_fail (LANYARD_IS_PERSON_ROW (self));
  g_return_if_fail (person == NULL || LANYARD_IS_PERSON (person));

  if (g_set_object (&self->person, person))
    {
      lanyard_person_row_update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON]);
    }
}

gboolean
lanyard_person_row_get_selection_mode (LanyardPersonRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_ROW (self), FALSE);

  return self->selection_mode;
}

void
lanyard_person_row_set_selection_mode (LanyardPersonRow *self,
                                       gboolean          selection_mode)
{
  g_return_if_fail (LANYARD_IS_PERSON_ROW (self));

  selection_mode = !!selection_mode;
  if (self->selection_mode == selection_mode)
    return;

  self->selection_mode = selection_mode;
  gtk_widget_set_visible (GTK_WIDGET (self->mark_check), selection_mode);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_MODE]);
}

gboolean
lanyard_person_row_get_marked (LanyardPersonRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_ROW (self), FALSE);

  return self->marked;
}

void
lanyard_person_row_set_marked (LanyardPersonRow *self,
                               gboolean          marked)
{
  g_return_if_fail (LANYARD_IS_PERSON_ROW (self));

  marked = !!marked;
  if (self->marked == marked)
    return;

  self->marked = marked;
  gtk_check_button_set_active (self->mark_check, marked);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MARKED]);
}
