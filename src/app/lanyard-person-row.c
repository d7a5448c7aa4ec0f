/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lanyard-person-row.h"

/*
 * Built in code rather than from a template: GtkBuilder parses a template
 * for every instance, and the People list makes a few hundred rows as it
 * opens (about 0.45 ms each from the template, measured). Badges and the
 * selection check button are made the first time a row needs them, since
 * most rows show one or two badges and selection mode is rare.
 */

struct _LanyardPersonRow
{
  GtkWidget       parent_instance;

  LanyardPerson  *person;
  GHashTable     *marks;            /* ids ticked in selection mode (gint64 *), shared with the list */
  gulong          person_notify;
  guint           update_tick;      /* an update waiting for the next frame */
  gint64          update_asked;     /* the frame it was asked for */
  GtkGesture     *mark_gesture;     /* with the check button */

  guint           selection_mode : 1;
  guint           marked : 1;

  GtkCheckButton *mark_check;       /* NULL until selection mode */
  GtkWidget      *avatar;           /* LanyardInitials */
  GtkWidget      *text_box;
  GtkLabel       *name_label;
  GtkLabel       *external_id_label;
  GtkLabel       *contact_label;
  GtkWidget      *badge_box;
  GtkLabel       *badges[LANYARD_N_PERSON_BADGES];   /* NULL until first shown */
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


/*
 * The badges' layout: as many as fit, at their natural width, at the end
 * of the row; those that do not fit (the source and membership status go
 * first) are placed past the end, where the box clips them. A narrow row
 * keeps the name readable instead of shortening every badge to "…".
 */
#define LANYARD_TYPE_BADGE_LAYOUT (lanyard_badge_layout_get_type ())

G_DECLARE_FINAL_TYPE (LanyardBadgeLayout, lanyard_badge_layout, LANYARD, BADGE_LAYOUT, GtkLayoutManager)

struct _LanyardBadgeLayout
{
  GtkLayoutManager parent_instance;
};

G_DEFINE_FINAL_TYPE (LanyardBadgeLayout, lanyard_badge_layout, GTK_TYPE_LAYOUT_MANAGER)

#define BADGE_SPACING 6

/* Which badges give way first when there is no room for all. */
static const LanyardPersonBadge badge_drop_order[] = {
  LANYARD_PERSON_BADGE_SOURCE,
  LANYARD_PERSON_BADGE_MEMBERSHIP_STATUS,
  LANYARD_PERSON_BADGE_GRANTS,
  LANYARD_PERSON_BADGE_DECOUPLED,
  LANYARD_PERSON_BADGE_MESSAGE,
  LANYARD_PERSON_BADGE_INVITATION,
  LANYARD_PERSON_BADGE_DISABLED,
};

static void
lanyard_badge_layout_measure (GtkLayoutManager *manager,
                              GtkWidget        *widget,
                              GtkOrientation    orientation,
                              int               for_size,
                              int              *minimum,
                              int              *natural,
                              int              *minimum_baseline,
                              int              *natural_baseline)
{
  int min = 0, nat = 0, n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int child_min, child_nat;

      if (!gtk_widget_should_layout (child))
        continue;

      gtk_widget_measure (child, orientation, -1, &child_min, &child_nat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        nat += child_nat + (n > 0 ? BADGE_SPACING : 0);
      else
        {
          min = MAX (min, child_min);
          nat = MAX (nat, child_nat);
        }
      n++;
    }

  /* Horizontally nothing is needed: badges that do not fit are left out. */
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 0 : min;
  *natural = nat;
}

static void
lanyard_badge_layout_allocate (GtkLayoutManager *manager,
                               GtkWidget        *widget,
                               int               width,
                               int               height,
                               int               baseline)
{
  gboolean dropped[LANYARD_N_PERSON_BADGES] = { FALSE, };
  int total = 0, n = 0, x;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      {
        int nat;

        gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat, NULL, NULL);
        total += nat + (n++ > 0 ? BADGE_SPACING : 0);
      }

  for (guint i = 0; total > width && i < G_N_ELEMENTS (badge_drop_order); i++)
    for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
      if (gtk_widget_should_layout (child) &&
          GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (child), "badge")) == badge_drop_order[i])
        {
          int nat;

          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat, NULL, NULL);
          total -= nat + (--n > 0 ? BADGE_SPACING : 0);
          dropped[badge_drop_order[i]] = TRUE;
        }

  /* The ones kept, at the end; the others past it, clipped. */
  x = MAX (0, width - total);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int nat, child_height;

      if (!gtk_widget_should_layout (child))
        continue;

      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, nat, NULL, &child_height, NULL, NULL);
      child_height = MIN (child_height, height);

      if (dropped[GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (child), "badge"))])
        gtk_widget_size_allocate (child, &(GtkAllocation) { width + BADGE_SPACING, 0, nat, child_height }, -1);
      else
        {
          gtk_widget_size_allocate (child, &(GtkAllocation) { x, (height - child_height) / 2, nat, child_height }, -1);
          x += nat + BADGE_SPACING;
        }
    }
}

static void
lanyard_badge_layout_class_init (LanyardBadgeLayoutClass *klass)
{
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  layout_class->measure = lanyard_badge_layout_measure;
  layout_class->allocate = lanyard_badge_layout_allocate;
}

static void
lanyard_badge_layout_init (LanyardBadgeLayout *self)
{
}

/* How each badge looks: its style class, and whether it may be shortened. */
static const struct {
  const char *style;
  int         max_width_chars;   /* 0: not shortened */
} badge_info[LANYARD_N_PERSON_BADGES] = {
  [LANYARD_PERSON_BADGE_SOURCE] = { NULL, 18 },
  [LANYARD_PERSON_BADGE_MEMBERSHIP_STATUS] = { NULL, 14 },
  [LANYARD_PERSON_BADGE_DECOUPLED] = { "warning", 0 },
  [LANYARD_PERSON_BADGE_GRANTS] = { "success", 0 },
  [LANYARD_PERSON_BADGE_MESSAGE] = { NULL, 0 },
  [LANYARD_PERSON_BADGE_INVITATION] = { "accent", 0 },
  [LANYARD_PERSON_BADGE_DISABLED] = { "error", 0 },
};

/*
 * The person's initials in a coloured circle, as AdwAvatar draws them (its
 * stylesheet's "avatar" node and colour classes, picked the same way), but
 * without what a list row does not need: AdwAvatar shapes its label again
 * on every new text to fit the font to the circle, which was half of the
 * time a row took to show another person (bench/lanyard-app-bench: the
 * frame that shows a new search's first page).
 */
#define INITIALS_COLORS 14

#define LANYARD_TYPE_INITIALS (lanyard_initials_get_type ())
G_DECLARE_FINAL_TYPE (LanyardInitials, lanyard_initials, LANYARD, INITIALS, GtkWidget)

struct _LanyardInitials
{
  GtkWidget  parent_instance;
  GtkLabel  *label;
  guint      color;                 /* 1…INITIALS_COLORS, 0: none yet */
};

G_DEFINE_FINAL_TYPE (LanyardInitials, lanyard_initials, GTK_TYPE_WIDGET)

static void
lanyard_initials_dispose (GObject *object)
{
  LanyardInitials *self = LANYARD_INITIALS (object);

  g_clear_pointer ((GtkWidget **)&self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (lanyard_initials_parent_class)->dispose (object);
}

static void
lanyard_initials_class_init (LanyardInitialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_initials_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "avatar");
  /* The row's own accessible label already says whose row it is. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PRESENTATION);
}

static void
lanyard_initials_init (LanyardInitials *self)
{
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
  gtk_widget_set_size_request (GTK_WIDGET (self), 36, 36);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

/* The first letters of the first and the last word, in capitals, as AdwAvatar takes them. */
static char *
dup_initials (const char *text)
{
  g_autofree char *upper = g_utf8_strup (text, -1);
  GString *initials = g_string_new (NULL);
  const char *last;

  g_strstrip (upper);
  if (*upper == '\0')
    return g_string_free (initials, FALSE);

  g_string_append_unichar (initials, g_utf8_get_char (upper));
  last = g_utf8_strrchr (upper, -1, ' ');
  if (last != NULL && *g_utf8_next_char (last) != '\0')
    g_string_append_unichar (initials, g_utf8_get_char (g_utf8_next_char (last)));

  return g_string_free (initials, FALSE);
}

static void
lanyard_initials_set_text (LanyardInitials *self,
                           const char      *text)
{
  g_autofree char *initials = dup_initials (text != NULL ? text : "");
  guint color = text != NULL && *text != '\0' ? g_str_hash (text) % INITIALS_COLORS + 1 : 1;

  if (g_strcmp0 (gtk_label_get_label (self->label), initials) != 0)
    gtk_label_set_label (self->label, initials);

  /* Only when it changes: a class change restyles the node. */
  if (color != self->color)
    {
      char name[16];

      if (self->color != 0)
        {
          g_snprintf (name, sizeof name, "color%u", self->color);
          gtk_widget_remove_css_class (GTK_WIDGET (self), name);
        }
      g_snprintf (name, sizeof name, "color%u", color);
      gtk_widget_add_css_class (GTK_WIDGET (self), name);
      self->color = color;
    }
}

/*
 * Phone numbers as rows show them, formatted once: libphonenumber's
 * formatting runs its regular expressions (a third of a row's update), and
 * the same people come back again and again as a search is typed and
 * cleared. Main thread only, like the rows; emptied when it grows large.
 */
static const char *
format_phone_cached (const char *e164)
{
  static GHashTable *formatted;
  const char *text;

  if (formatted == NULL)
    formatted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  text = g_hash_table_lookup (formatted, e164);
  if (text == NULL)
    {
      char *pretty = lanyard_phone_format_international (e164);

      if (pretty == NULL)
        return NULL;
      if (g_hash_table_size (formatted) >= 4096)
        g_hash_table_remove_all (formatted);
      g_hash_table_insert (formatted, g_strdup (e164), pretty);
      text = pretty;
    }

  return text;
}

/* "+49 151 23456789 · anna@example.com", whichever of the two there is. */
static char *
dup_contact_text (LanyardPerson *person)
{
  const char *phone = lanyard_person_get_phone (person);
  const char *email = lanyard_person_get_email (person);
  const char *pretty_phone = NULL;

  if (phone != NULL)
    pretty_phone = format_phone_cached (phone);

  if (pretty_phone != NULL && email != NULL)
    /* Translators: a person's phone number and email address, side by side */
    return g_strdup_printf (_("%s · %s"), pretty_phone, email);

  return g_strdup (pretty_phone != NULL ? pretty_phone : email);
}

static GtkLabel *
new_label (const char *first_class,
           const char *second_class)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));

  gtk_label_set_xalign (label, 0);
  gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_END);
  if (first_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), first_class);
  if (second_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), second_class);

  return label;
}

/*
 * Badge tooltips are handed out when asked for (query-tooltip): setting a
 * tooltip costs notifications and an accessible update for every row.
 */
static gboolean
on_badge_query_tooltip_cb (GtkWidget  *badge,
                           int         x,
                           int         y,
                           gboolean    keyboard_mode,
                           GtkTooltip *tooltip,
                           gpointer    user_data)
{
  const char *text = g_object_get_data (G_OBJECT (badge), "lanyard-tooltip");

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* The label of @badge, made and put in its place among the others the first time. */
static GtkLabel *
lanyard_person_row_ensure_badge (LanyardPersonRow   *self,
                                 LanyardPersonBadge  badge)
{
  GtkLabel *label;
  GtkWidget *before = NULL;

  if (self->badges[badge] != NULL)
    return self->badges[badge];

  label = new_label ("badge", badge_info[badge].style);
  g_object_set_data (G_OBJECT (label), "badge", GUINT_TO_POINTER (badge));
  gtk_label_set_xalign (label, 0.5);
  if (badge_info[badge].max_width_chars > 0)
    gtk_label_set_max_width_chars (label, badge_info[badge].max_width_chars);
  else
    gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_NONE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (label), TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (on_badge_query_tooltip_cb), NULL);

  for (int i = (int)badge - 1; i >= 0 && before == NULL; i--)
    before = (GtkWidget *)self->badges[i];
  gtk_widget_insert_after (GTK_WIDGET (label), self->badge_box, before);

  self->badges[badge] = label;
  return label;
}

static void
lanyard_person_row_set_badge (LanyardPersonRow   *self,
                              LanyardPersonBadge  badge,
                              const char         *text,
                              const char         *tooltip)
{
  GtkLabel *label;

  if (text == NULL)
    {
      if (self->badges[badge] != NULL)
        gtk_widget_set_visible (GTK_WIDGET (self->badges[badge]), FALSE);
      return;
    }

  label = lanyard_person_row_ensure_badge (self, badge);
  gtk_label_set_label (label, text);
  g_object_set_data_full (G_OBJECT (label), "lanyard-tooltip", g_strdup (tooltip), g_free);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

/* A style class that depends on the person (a message's severity, a failed invitation). */
static void
set_badge_class (GtkLabel   *badge,
                 const char *style,
                 gboolean    on)
{
  if (badge == NULL)
    return;

  if (on)
    gtk_widget_add_css_class (GTK_WIDGET (badge), style);
  else
    gtk_widget_remove_css_class (GTK_WIDGET (badge), style);
}

/*
 * How the row steps back: by opacity, not by a style class. A class on the
 * row restyles every node under it, and rows change person on every
 * keystroke of a search; opacity only asks for a redraw.
 */
typedef enum {
  ROW_LOOK_NORMAL,
  ROW_LOOK_DISABLED,     /* access switched off: dimmed, but its Disabled badge is not */
  ROW_LOOK_PLACEHOLDER,  /* its page is still on its way: no avatar yet */
} RowLook;

static void
lanyard_person_row_set_look (LanyardPersonRow *self,
                             RowLook           look)
{
  gtk_widget_set_opacity (self->avatar, look == ROW_LOOK_PLACEHOLDER ? 0.0 : look == ROW_LOOK_DISABLED ? 0.5 : 1.0);
  gtk_widget_set_opacity (self->text_box, look == ROW_LOOK_DISABLED ? 0.5 : 1.0);
}

static void
lanyard_person_row_update (LanyardPersonRow *self)
{
  LanyardPerson *person = self->person;
  g_autofree char *name = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *source_tooltip = NULL;
  g_autofree char *external_id_text = NULL;
  g_autofree char *grants = NULL;
  g_autofree char *grants_tooltip = NULL;
  g_autoptr(GString) accessible = NULL;
  const char *source = NULL;
  const char *invitation = NULL;
  const char *invitation_tooltip = NULL;
  const char *external_id = NULL;
  const char *membership = NULL;
  const char *message = NULL;
  LanyardMessageSeverity severity = LANYARD_MESSAGE_SEVERITY_INFO;
  gboolean disabled = FALSE;
  gboolean decoupled = FALSE;
  int n_grants;

  /* Rows of pages not fetched yet hold an empty person: keep the row's height, show nothing. */
  if (person == NULL || lanyard_person_get_id (person) == LANYARD_NO_ID)
    {
      lanyard_person_row_set_look (self, ROW_LOOK_PLACEHOLDER);
      lanyard_initials_set_text (LANYARD_INITIALS (self->avatar), NULL);
      gtk_label_set_label (self->name_label, "");
      gtk_label_set_label (self->contact_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->external_id_label), FALSE);
      for (LanyardPersonBadge badge = 0; badge < LANYARD_N_PERSON_BADGES; badge++)
        lanyard_person_row_set_badge (self, badge, NULL, NULL);
      if (self->marks != NULL)
        lanyard_person_row_set_marked (self, FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Loading…"),
                                      -1);
      return;
    }


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
  if (message != NULL)
    severity = lanyard_person_get_app_message_severity (person);

  lanyard_initials_set_text (LANYARD_INITIALS (self->avatar), name);
  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->external_id_label, external_id_text != NULL ? external_id_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->external_id_label), external_id_text != NULL);
  gtk_label_set_label (self->contact_label, contact != NULL ? contact : "");

  lanyard_person_row_set_badge (self, LANYARD_PERSON_BADGE_SOURCE, source, source_tooltip);
  lanyard_person_row_set_badge (self, LANYARD_PERSON_BADGE_MEMBERSHIP_STATUS, membership, _("Membership status"));
  lanyard_person_row_set_badge (self, LANYARD_PERSON_BADGE_DECOUPLED,
                                decoupled ? C_("person badge", "Decoupled") : NULL,
                                _("Changes made at the source are no longer applied to this person"));
  lanyard_person_row_set_badge (self, LANYARD_PERSON_BADGE_GRANTS, grants, grants_tooltip);
  lanyard_person_row_set_badge (self, LANYARD_PERSON_BADGE_MESSAGE,
                                message != NULL ? C_("person badge", "Message") : NULL, message);
  lanyard_person_row_set_badge (self, LANYARD_PERSON_BADGE_INVITATION, invitation, invitation_tooltip);
  lanyard_person_row_set_badge (self, LANYARD_PERSON_BADGE_DISABLED,
                                disabled ? C_("person badge", "Disabled") : NULL,
                                _("Access is switched off: every door stays locked for this person"));

  set_badge_class (self->badges[LANYARD_PERSON_BADGE_MESSAGE], "warning",
                   severity == LANYARD_MESSAGE_SEVERITY_WARNING);
  set_badge_class (self->badges[LANYARD_PERSON_BADGE_MESSAGE], "error",
                   severity == LANYARD_MESSAGE_SEVERITY_CRITICAL);
  set_badge_class (self->badges[LANYARD_PERSON_BADGE_INVITATION], "warning",
                   lanyard_person_get_invitation_state (person) == LANYARD_INVITATION_SEND_FAILED);
  set_badge_class (self->badges[LANYARD_PERSON_BADGE_INVITATION], "accent",
                   lanyard_person_get_invitation_state (person) != LANYARD_INVITATION_SEND_FAILED);

  lanyard_person_row_set_look (self, disabled ? ROW_LOOK_DISABLED : ROW_LOOK_NORMAL);

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

  /* Another person in this row: ticked if they are. */
  if (self->marks != NULL)
    {
      gint64 id = lanyard_person_get_id (person);

      lanyard_person_row_set_marked (self, self->selection_mode && g_hash_table_contains (self->marks, &id));
    }

  if (self->mark_check != NULL)
    {
      /* Translators: what a screen reader says for a row's check button in selection mode */
      g_autofree char *select = g_strdup_printf (_("Select %s"), name);

      gtk_accessible_update_property (GTK_ACCESSIBLE (self->mark_check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, select,
                                      -1);
    }
}

/*
 * The list's model gives a row's object another person's values rather
 * than a new object (lanyard_person_assign()): one update per frame, however
 * many properties changed.
 *
 * A new search changes every row at once, and the grid keeps about twice
 * as many rows as it shows. Rows out of sight wait one frame, and no frame
 * updates more than ROWS_PER_FRAME rows, so that the rows on screen are
 * drawn first and no frame does the work of all of them
 * (bench/lanyard-app-bench: the longest frames while typing).
 */
#define ROWS_PER_FRAME 16

static gboolean
lanyard_person_row_is_on_screen (LanyardPersonRow *self)
{
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  if (view == NULL || !gtk_widget_compute_bounds (GTK_WIDGET (self), view, &bounds))
    return TRUE;

  return bounds.origin.y + bounds.size.height > 0 && bounds.origin.y < gtk_widget_get_height (view);
}

static gboolean
on_update_tick_cb (GtkWidget     *widget,
                   GdkFrameClock *frame_clock,
                   gpointer       user_data)
{
  static GdkFrameClock *budget_clock;
  static gint64 budget_frame = -1;
  static guint budget_used;
  LanyardPersonRow *self = LANYARD_PERSON_ROW (widget);
  gint64 frame = gdk_frame_clock_get_frame_counter (frame_clock);

  if (frame_clock != budget_clock || frame != budget_frame)
    {
      budget_clock = frame_clock;
      budget_frame = frame;
      budget_used = 0;
    }

  if (budget_used >= ROWS_PER_FRAME ||
      (frame == self->update_asked && !lanyard_person_row_is_on_screen (self)))
    return G_SOURCE_CONTINUE;

  budget_used++;
  self->update_tick = 0;
  lanyard_person_row_update (self);

  return G_SOURCE_REMOVE;
}

static void
on_person_notify_cb (LanyardPersonRow *self,
                     GParamSpec       *pspec,
                     LanyardPerson    *person)
{
  GdkFrameClock *frame_clock;

  if (self->update_tick != 0)
    return;

  frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  /* The first frame to come; the tick callback runs in it at the earliest. */
  self->update_asked = frame_clock != NULL ? gdk_frame_clock_get_frame_counter (frame_clock) + 1 : -1;
  self->update_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_update_tick_cb, NULL, NULL);
}

/* Selection mode */

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
lanyard_person_row_ensure_check (LanyardPersonRow *self)
{
  if (self->mark_check != NULL)
    return;

  self->mark_check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->mark_check), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->mark_check), "selection-mode");
  gtk_check_button_set_active (self->mark_check, self->marked);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->mark_check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Select"),
                                  -1);
  g_signal_connect_object (self->mark_check, "toggled", G_CALLBACK (on_mark_check_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_insert_after (GTK_WIDGET (self->mark_check), GTK_WIDGET (self), NULL);

  self->mark_gesture = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->mark_gesture), GTK_PHASE_CAPTURE);
  g_signal_connect (self->mark_gesture, "pressed", G_CALLBACK (on_mark_gesture_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->mark_gesture));
}

/* GObject */

static void
lanyard_person_row_dispose (GObject *object)
{
  LanyardPersonRow *self = LANYARD_PERSON_ROW (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  if (self->update_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->update_tick);
      self->update_tick = 0;
    }
  if (self->person != NULL)
    g_clear_signal_handler (&self->person_notify, self->person);
  g_clear_object (&self->person);
  g_clear_pointer (&self->marks, g_hash_table_unref);

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

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "personrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lanyard_person_row_init (LanyardPersonRow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget)), 12);
  gtk_widget_add_css_class (widget, "person-row");

  self->avatar = g_object_new (LANYARD_TYPE_INITIALS, NULL);
  gtk_widget_set_valign (self->avatar, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (self->avatar, widget);

  self->text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (self->text_box, TRUE);
  gtk_widget_set_valign (self->text_box, GTK_ALIGN_CENTER);
  /* The name comes before the badges when the row is short of room. */
  gtk_widget_set_size_request (self->text_box, 150, -1);
  gtk_widget_add_css_class (self->text_box, "person-text");
  gtk_widget_set_parent (self->text_box, widget);

  self->name_label = new_label ("person-name", NULL);
  self->external_id_label = new_label ("caption", "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->external_id_label), "numeric");
  gtk_widget_set_visible (GTK_WIDGET (self->external_id_label), FALSE);
  self->contact_label = new_label ("caption", "dim-label");
  /*
   * A short natural width, so that the badges get their room first; the
   * text still takes whatever is left over (the box expands), so a wide row
   * shows it all.
   */
  gtk_label_set_max_width_chars (self->name_label, 20);
  gtk_label_set_max_width_chars (self->external_id_label, 20);
  gtk_label_set_max_width_chars (self->contact_label, 20);
  gtk_box_append (GTK_BOX (self->text_box), GTK_WIDGET (self->name_label));
  gtk_box_append (GTK_BOX (self->text_box), GTK_WIDGET (self->external_id_label));
  gtk_box_append (GTK_BOX (self->text_box), GTK_WIDGET (self->contact_label));

  self->badge_box = g_object_new (GTK_TYPE_BOX, NULL);
  gtk_widget_set_layout_manager (self->badge_box, g_object_new (LANYARD_TYPE_BADGE_LAYOUT, NULL));
  gtk_widget_set_overflow (self->badge_box, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_valign (self->badge_box, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (self->badge_box, widget);

  lanyard_person_row_update (self);
}

/* Public API */

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

  if (self->person == person)
    return;

  if (self->person != NULL)
    g_clear_signal_handler (&self->person_notify, self->person);
  g_set_object (&self->person, person);
  if (person != NULL)
    self->person_notify = g_signal_connect_object (person, "notify", G_CALLBACK (on_person_notify_cb), self,
                                                   G_CONNECT_SWAPPED);

  lanyard_person_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON]);
}

gboolean
lanyard_person_row_is_up_to_date (LanyardPersonRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_ROW (self), FALSE);

  return self->update_tick == 0;
}

gboolean
lanyard_person_row_get_badge_shown (LanyardPersonRow   *self,
                                    LanyardPersonBadge  badge)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_ROW (self), FALSE);
  g_return_val_if_fail (badge < LANYARD_N_PERSON_BADGES, FALSE);

  return self->badges[badge] != NULL && gtk_widget_get_visible (GTK_WIDGET (self->badges[badge]));
}

GtkCheckButton *
lanyard_person_row_get_check_button (LanyardPersonRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PERSON_ROW (self), NULL);

  return self->mark_check;
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
  if (selection_mode)
    lanyard_person_row_ensure_check (self);
  if (self->mark_check != NULL)
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
  if (self->mark_check != NULL)
    gtk_check_button_set_active (self->mark_check, marked);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MARKED]);
}

void
lanyard_person_row_set_marks (LanyardPersonRow *self,
                              GHashTable       *marks)
{
  g_return_if_fail (LANYARD_IS_PERSON_ROW (self));

  if (marks != NULL)
    g_hash_table_ref (marks);
  g_clear_pointer (&self->marks, g_hash_table_unref);
  self->marks = marks;
}
