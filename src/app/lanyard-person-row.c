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

  /* Template widgets */
  AdwAvatar     *avatar;
  GtkLabel      *name_label;
  GtkLabel      *contact_label;
  GtkLabel      *source_badge;
  GtkLabel      *invited_badge;
  GtkLabel      *disabled_badge;
};

enum {
  PROP_0,
  PROP_PERSON,
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
  gboolean disabled = FALSE;

  /* Rows of pages not fetched yet hold an empty person: keep the row's height, show nothing. */
  if (person == NULL || lanyard_person_get_id (person) == LANYARD_NO_ID)
    {
      gtk_widget_add_css_class (widget, "placeholder");
      gtk_widget_remove_css_class (widget, "disabled-person");
      adw_avatar_set_text (self->avatar, NULL);
      gtk_label_set_label (self->name_label, "");
      gtk_label_set_label (self->contact_label, "");
      set_badge (self->source_badge, NULL, NULL);
      set_badge (self->invited_badge, NULL, NULL);
      set_badge (self->disabled_badge, NULL, NULL);
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

  adw_avatar_set_text (self->avatar, name);
  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->contact_label, contact != NULL ? contact : "");
  set_badge (self->source_badge, source, source_tooltip);
  set_badge (self->invited_badge, invitation, invitation_tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->disabled_badge), disabled);

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
  if (contact != NULL)
    g_string_append_printf (accessible, ", %s", contact);
  if (source != NULL)
    g_string_append_printf (accessible, ", %s", source_tooltip);
  if (invitation != NULL)
    g_string_append_printf (accessible, ", %s", invitation);
  if (disabled)
    g_string_append_printf (accessible, ", %s", C_("person badge", "Disabled"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible->str,
                                  -1);
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

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-person-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, contact_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, source_badge);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, invited_badge);
  gtk_widget_class_bind_template_child (widget_class, LanyardPersonRow, disabled_badge);

  gtk_widget_class_set_css_name (widget_class, "personrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lanyard_person_row_init (LanyardPersonRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
