/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include "lanyard-test-utils.h"

/*
 * The JSON codec: every model type and struct there and back through text,
 * the error documents and their HTTP statuses, and bad input.
 */

#define SCHEDULE_TEXT "mon-fri 07:00-22:00; sat 09:00-12:30; from 2026-01-01; until 2026-12-31"

/* Through text and back, as on the wire. */
static JsonNode *
through_text (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;
  JsonNode *parsed = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  return parsed;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static int
compare_pspecs (gconstpointer a,
                gconstpointer b)
{
  const GParamSpec *pa = *(GParamSpec * const *)a;
  const GParamSpec *pb = *(GParamSpec * const *)b;

  return (pa->param_id > pb->param_id) - (pa->param_id < pb->param_id);
}

/* The properties of @type in installation order. */
static GParamSpec **
list_properties (GType  type,
                 guint *n_pspecs)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);
  GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_CLASS (klass), n_pspecs);

  qsort (pspecs, *n_pspecs, sizeof *pspecs, compare_pspecs);
  return pspecs;
}

/*
 * Sets every writable property of @object to a value that is not its
 * default, and different for each property, so that a property the codec
 * drops, defaults or mixes up with another shows. A property of a type
 * this does not know fails the test: teach it, and the codec, the type.
 */
static void
set_every_property (GObject *object)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs;

  pspecs = list_properties (G_OBJECT_TYPE (object), &n_pspecs);

  for (guint i = 0; i < n_pspecs; i++)
    {
      GParamSpec *pspec = pspecs[i];
      GType type = pspec->value_type;
      g_auto(GValue) value = G_VALUE_INIT;

      if (!(pspec->flags & G_PARAM_WRITABLE))
        continue;

      g_value_init (&value, type);

      if (type == G_TYPE_INT)
        {
          GParamSpecInt *range = G_PARAM_SPEC_INT (pspec);

          g_value_set_int (&value, CLAMP (4242 + (int)pspec->param_id, range->minimum, range->maximum));
        }
      else if (type == G_TYPE_INT64)
        {
          GParamSpecInt64 *range = G_PARAM_SPEC_INT64 (pspec);
          /* Past 2^53, where a double would round; and with microseconds. */
          gint64 number = G_GINT64_CONSTANT (9007199254740993) + 1000 * (gint64)pspec->param_id;

          g_value_set_int64 (&value, CLAMP (number, range->minimum, range->maximum));
        }
      else if (type == G_TYPE_BOOLEAN)
        g_value_set_boolean (&value, !G_PARAM_SPEC_BOOLEAN (pspec)->default_value);
      else if (type == G_TYPE_STRING)
        g_value_take_string (&value, g_strdup_printf ("%s: “Zoë” \"quoted\" \\ back\nslash", pspec->name));
      else if (G_TYPE_IS_ENUM (type))
        {
          GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;
          int last = klass->values[klass->n_values - 1].value;

          g_value_set_enum (&value, last != G_PARAM_SPEC_ENUM (pspec)->default_value ? last : klass->values[0].value);
        }
      else if (type == G_TYPE_STRV)
        {
          const char *strv[] = { pspec->name, "Zoë \"q\"", "", NULL };

          g_value_set_boxed (&value, strv);
        }
      else if (type == LANYARD_TYPE_SCHEDULE)
        {
          g_autoptr(GError) error = NULL;

          g_value_take_boxed (&value, lanyard_schedule_parse (SCHEDULE_TEXT, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_test_fail_printf ("No test value for “%s” of type %s: teach the test and the codec",
                              pspec->name, g_type_name (type));
          continue;
        }

      g_object_set_property (object, pspec->name, &value);

      /* The setter may have refused it; then the test would prove nothing. */
      {
        g_auto(GValue) stored = G_VALUE_INIT;

        g_value_init (&stored, type);
        g_object_get_property (object, pspec->name, &stored);
        if (g_param_value_defaults (pspec, &stored))
          g_test_fail_printf ("“%s” is still its default after setting it", pspec->name);
      }
    }

  if (LANYARD_IS_SCOPE (object))
    {
      const gint64 ids[] = { 3, G_GINT64_CONSTANT (9007199254740993), 7 };

      lanyard_scope_set_door_ids (LANYARD_SCOPE (object), ids, G_N_ELEMENTS (ids));
    }
  else if (LANYARD_IS_ACCESS_RULE (object))
    {
      const gint64 ids[] = { 11, 12 };

      lanyard_access_rule_set_target_ids (LANYARD_ACCESS_RULE (object), ids, G_N_ELEMENTS (ids));
    }
}

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  if (a == NULL || a[0] == NULL)
    return b == NULL || b[0] == NULL;
  return b != NULL && g_strv_equal (a, b);
}

static gboolean
ids_equal (const gint64 *a,
           guint         n_a,
           const gint64 *b,
           guint         n_b)
{
  return n_a == n_b && (n_a == 0 || memcmp (a, b, n_a * sizeof *a) == 0);
}

/* Compares @a and @b property by property, and the members kept outside properties. */
static void
assert_same_object (GObject *a,
                    GObject *b)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs;

  g_assert_true (G_OBJECT_TYPE (a) == G_OBJECT_TYPE (b));

  pspecs = list_properties (G_OBJECT_TYPE (a), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      GParamSpec *pspec = pspecs[i];
      g_auto(GValue) va = G_VALUE_INIT;
      g_auto(GValue) vb = G_VALUE_INIT;
      gboolean equal;

      if (!(pspec->flags & G_PARAM_READABLE))
        continue;

      g_value_init (&va, pspec->value_type);
      g_value_init (&vb, pspec->value_type);
      g_object_get_property (a, pspec->name, &va);
      g_object_get_property (b, pspec->name, &vb);

      if (pspec->value_type == G_TYPE_STRV)
        equal = strv_equal0 (g_value_get_boxed (&va), g_value_get_boxed (&vb));
      else if (pspec->value_type == LANYARD_TYPE_SCHEDULE)
        equal = lanyard_schedule_equal (g_value_get_boxed (&va), g_value_get_boxed (&vb));
      else if (G_TYPE_IS_BOXED (pspec->value_type))
        {
          g_test_fail_printf ("No comparison for “%s” of type %s", pspec->name, g_type_name (pspec->value_type));
          continue;
        }
      else
        equal = g_param_values_cmp (pspec, &va, &vb) == 0;

      if (!equal)
        {
          g_autofree char *ca = g_strdup_value_contents (&va);
          g_autofree char *cb = g_strdup_value_contents (&vb);

          g_test_fail_printf ("%s “%s” differs: %s, then %s",
                              G_OBJECT_TYPE_NAME (a), pspec->name, ca, cb);
        }
    }

  if (LANYARD_IS_SCOPE (a))
    {
      guint n_a, n_b;
      const gint64 *ids_a = lanyard_scope_get_door_ids (LANYARD_SCOPE (a), &n_a);
      const gint64 *ids_b = lanyard_scope_get_door_ids (LANYARD_SCOPE (b), &n_b);

      g_assert_true (ids_equal (ids_a, n_a, ids_b, n_b));
    }
  else if (LANYARD_IS_ACCESS_RULE (a))
    {
      guint n_a, n_b;
      const gint64 *ids_a = lanyard_access_rule_get_target_ids (LANYARD_ACCESS_RULE (a), &n_a);
      const gint64 *ids_b = lanyard_access_rule_get_target_ids (LANYARD_ACCESS_RULE (b), &n_b);

      g_assert_true (ids_equal (ids_a, n_a, ids_b, n_b));
    }
}

static GObject *
decode_object (GType     type,
               JsonNode *node)
{
  g_autoptr(GError) error = NULL;
  GObject *object = lanyard_json_to_object (type, node, &error);

  g_assert_no_error (error);
  g_assert_nonnull (object);
  g_assert_true (G_OBJECT_TYPE (object) == type);
  return object;
}

/* ------------------------------------------------------------------------ */

static void
test_object_round_trip (gconstpointer data)
{
  GType type = (GType)GPOINTER_TO_SIZE (data);
  g_autoptr(GObject) object = g_object_new (type, NULL);
  g_autoptr(GObject) decoded = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) wire = NULL;

  set_every_property (object);
  node = lanyard_json_from_object (object);
  wire = through_text (node);
  decoded = decode_object (type, wire);
  assert_same_object (object, decoded);

  /* And the second time round the JSON is the same. */
  {
    g_autoptr(JsonNode) again = lanyard_json_from_object (decoded);

    g_assert_true (json_node_equal (node, again));
  }
}

/* The direct text writer gives the document the node functions give. */
static void
assert_text_matches (const char *text,
                     JsonNode   *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) parsed = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  if (!json_node_equal (parsed, expected))
    {
      g_autofree char *want = json_to_string (expected, FALSE);

      g_test_message ("written: %s", text);
      g_test_message ("wanted:  %s", want);
      g_assert_not_reached ();
    }
}

static void
test_object_text (gconstpointer data)
{
  GType type = (GType)GPOINTER_TO_SIZE (data);
  g_autoptr(GObject) plain = g_object_new (type, NULL);
  g_autoptr(GObject) full = g_object_new (type, NULL);
  g_autoptr(GPtrArray) both = g_ptr_array_new ();

  set_every_property (full);
  for (GObject **o = (GObject *[]) { plain, full, NULL }; *o != NULL; o++)
    {
      g_autoptr(GString) text = g_string_new ("");
      g_autoptr(JsonNode) node = lanyard_json_from_object (*o);

      lanyard_json_append_object (text, *o);
      assert_text_matches (text->str, node);
      g_ptr_array_add (both, *o);
    }

  {
    g_autoptr(GString) text = g_string_new ("");
    g_autoptr(JsonNode) node = lanyard_json_from_objects (both);

    lanyard_json_append_objects (text, both);
    assert_text_matches (text->str, node);
  }
}

/* Every character that JSON needs escaped, and some that it does not. */
static void
test_text_escapes (void)
{
  g_autoptr(LanyardPerson) person = lanyard_person_new ();
  g_autoptr(GString) text = g_string_new ("");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GString) notes = g_string_new ("\"quoted\" back\\slash / Zoë 😀 ");
  LanyardPeoplePage page = { 0 };

  for (int c = 1; c < 0x20; c++)
    g_string_append_c (notes, (char)c);
  g_string_append_c (notes, 0x7f);
  lanyard_person_set_notes (person, notes->str);
  lanyard_person_set_first_name (person, "Ann\nMarie");

  node = lanyard_json_from_object (G_OBJECT (person));
  lanyard_json_append_object (text, G_OBJECT (person));
  assert_text_matches (text->str, node);
  g_assert_null (strchr (text->str, '\n'));

  page.people = g_ptr_array_new ();
  g_ptr_array_add (page.people, person);
  page.next_cursor = (char *)"MTM6YWhtZWQ";
  {
    g_autoptr(GString) page_text = g_string_new ("");
    g_autoptr(JsonNode) page_node = lanyard_json_from_people_page (&page);

    lanyard_json_append_people_page (page_text, &page);
    assert_text_matches (page_text->str, page_node);
  }
  g_ptr_array_set_size (page.people, 0);
  page.next_cursor = NULL;
  {
    g_autoptr(GString) page_text = g_string_new ("");
    g_autoptr(JsonNode) page_node = lanyard_json_from_people_page (&page);

    lanyard_json_append_people_page (page_text, &page);
    g_assert_cmpstr (page_text->str, ==, "{\"people\":[],\"next-cursor\":null}");
    assert_text_matches (page_text->str, page_node);
  }
  g_ptr_array_unref (page.people);
}

/*
 * Members are named like the properties, in installation order — the
 * rule lanyardctl --json follows — with the id lists last.
 */
static void
test_object_members (gconstpointer data)
{
  GType type = (GType)GPOINTER_TO_SIZE (data);
  g_autoptr(GObject) object = g_object_new (type, NULL);
  g_autoptr(JsonNode) node = lanyard_json_from_object (object);
  g_autofree GParamSpec **pspecs = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *json;
  GList *l;
  guint n_pspecs;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  json = json_node_get_object (node);
  members = json_object_get_members (json);
  l = members;

  pspecs = list_properties (type, &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++, l = l->next)
    {
      g_assert_nonnull (l);
      g_assert_cmpstr (l->data, ==, pspecs[i]->name);
    }

  if (type == LANYARD_TYPE_SCOPE)
    {
      g_assert_nonnull (l);
      g_assert_cmpstr (l->data, ==, "door-ids");
      l = l->next;
    }
  else if (type == LANYARD_TYPE_ACCESS_RULE)
    {
      g_assert_nonnull (l);
      g_assert_cmpstr (l->data, ==, "target-ids");
      l = l->next;
    }
  g_assert_null (l);
}

static void
test_object_defaults (void)
{
  g_autoptr(LanyardPerson) person = lanyard_person_new ();
  g_autoptr(JsonNode) node = lanyard_json_from_object (G_OBJECT (person));
  g_autoptr(JsonNode) empty = parse ("{}");
  g_autoptr(GObject) decoded = NULL;
  JsonObject *json = json_node_get_object (node);

  /* Unset strings and timestamps are null, lists empty, enums nicks. */
  g_assert_cmpint (json_object_get_int_member (json, "id"), ==, 0);
  g_assert_true (json_object_get_null_member (json, "first-name"));
  g_assert_true (json_object_get_null_member (json, "last-used-at"));
  g_assert_true (json_object_get_null_member (json, "created-at"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json, "custom-tags")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (json, "source"), ==, "manual");
  g_assert_cmpstr (json_object_get_string_member (json, "invitation-state"), ==, "not-invited");
  g_assert_true (json_object_get_boolean_member (json, "access-enabled"));

  /* A missing member is the property's default, not zero: access stays enabled. */
  decoded = decode_object (LANYARD_TYPE_PERSON, empty);
  assert_same_object (G_OBJECT (person), decoded);
  g_assert_true (lanyard_person_get_access_enabled (LANYARD_PERSON (decoded)));

  /* null reads back as the same "none". */
  g_clear_object (&decoded);
  decoded = decode_object (LANYARD_TYPE_PERSON, node);
  assert_same_object (G_OBJECT (person), decoded);

  {
    g_autoptr(LanyardAccessRule) rule = lanyard_access_rule_new ();
    g_autoptr(JsonNode) rule_node = lanyard_json_from_object (G_OBJECT (rule));
    JsonObject *rule_json = json_node_get_object (rule_node);

    g_assert_true (json_object_get_null_member (rule_json, "schedule"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rule_json, "target-ids")), ==, 0);
  }
}

/* Forward compatibility: an older client reads a newer server's record. */
static void
test_object_unknown_members (void)
{
  g_autoptr(JsonNode) node = parse ("{\"first-name\": \"Ana\", \"shoe-size\": 44,"
                                    " \"nested\": {\"x\": [1, null]}, \"door-ids\": \"not for people\"}");
  g_autoptr(GObject) object = decode_object (LANYARD_TYPE_PERSON, node);

  g_assert_cmpstr (lanyard_person_get_first_name (LANYARD_PERSON (object)), ==, "Ana");
}

static void
test_object_timestamps (void)
{
  g_autoptr(LanyardPerson) person = lanyard_person_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) iso = NULL;
  g_autoptr(GObject) decoded = NULL;
  JsonObject *json;

  /* Integers in microseconds: nothing is lost. */
  lanyard_person_set_created_at (person, G_GINT64_CONSTANT (1741987800123457));
  node = lanyard_json_from_object (G_OBJECT (person));
  json = json_node_get_object (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (json, "created-at")));
  g_assert_cmpint (json_object_get_int_member (json, "created-at"), ==, G_GINT64_CONSTANT (1741987800123457));

  /* ISO 8601 text, as lanyardctl prints it, reads back too. */
  iso = parse ("{\"created-at\": \"2025-03-14T21:30:00.123457Z\", \"updated-at\": \"2025-03-14T22:30:00+01:00\","
               " \"last-used-at\": null}");
  decoded = decode_object (LANYARD_TYPE_PERSON, iso);
  g_assert_cmpint (lanyard_person_get_created_at (LANYARD_PERSON (decoded)), ==, G_GINT64_CONSTANT (1741987800123457));
  g_assert_cmpint (lanyard_person_get_updated_at (LANYARD_PERSON (decoded)), ==, G_GINT64_CONSTANT (1741987800000000));
  g_assert_cmpint (lanyard_person_get_last_used_at (LANYARD_PERSON (decoded)), ==, 0);
}

/* An audit event's changes are JSON text in the model, embedded JSON on the wire. */
static void
test_object_audit_changes (void)
{
  static const char *texts[] = {
    "{\"first-name\": [\"Ana\", \"Anna\"], \"custom-tags\": [[], [\"vip\"]]}",
    "[1, 2]",
    "not JSON at all",
    "42",
    "\"a string\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(LanyardAuditEvent) event = lanyard_audit_event_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) wire = NULL;
      g_autoptr(GObject) decoded = NULL;
      g_autoptr(JsonNode) original = json_from_string (texts[i], NULL);
      JsonNode *member;
      const char *changes;

      lanyard_audit_event_set_changes (event, texts[i]);
      node = lanyard_json_from_object (G_OBJECT (event));
      member = json_object_get_member (json_node_get_object (node), "changes");
      g_assert_nonnull (member);

      if (original != NULL && (JSON_NODE_HOLDS_OBJECT (original) || JSON_NODE_HOLDS_ARRAY (original)))
        {
          g_autoptr(JsonNode) reread = NULL;

          g_assert_true (json_node_equal (member, original));

          wire = through_text (node);
          decoded = decode_object (LANYARD_TYPE_AUDIT_EVENT, wire);
          changes = lanyard_audit_event_get_changes (LANYARD_AUDIT_EVENT (decoded));
          reread = json_from_string (changes, NULL);
          g_assert_nonnull (reread);
          g_assert_true (json_node_equal (reread, original));
        }
      else
        {
          /* Anything else stays the text it is. */
          g_assert_cmpstr (json_node_get_string (member), ==, texts[i]);

          wire = through_text (node);
          decoded = decode_object (LANYARD_TYPE_AUDIT_EVENT, wire);
          changes = lanyard_audit_event_get_changes (LANYARD_AUDIT_EVENT (decoded));
          g_assert_cmpstr (changes, ==, texts[i]);
        }
    }
}

static void
test_objects_round_trip (void)
{
  g_autoptr(GPtrArray) doors = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) decoded = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) wire = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      LanyardDoor *door = lanyard_door_new ();
      g_autofree char *name = g_strdup_printf ("Door %u", i);

      lanyard_door_set_id (door, i + 1);
      lanyard_door_set_facility_id (door, 9);
      lanyard_door_set_name (door, name);
      lanyard_door_set_version (door, 100 + i);
      g_ptr_array_add (doors, door);
    }

  node = lanyard_json_from_objects (doors);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  wire = through_text (node);
  decoded = lanyard_json_to_objects (LANYARD_TYPE_DOOR, wire, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decoded->len, ==, doors->len);
  for (guint i = 0; i < doors->len; i++)
    assert_same_object (g_ptr_array_index (doors, i), g_ptr_array_index (decoded, i));

  /* An empty list is an empty array. */
  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();
    g_autoptr(JsonNode) empty = lanyard_json_from_objects (none);
    g_autoptr(GPtrArray) back = lanyard_json_to_objects (LANYARD_TYPE_GRANT, empty, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (back->len, ==, 0);
  }
}

static void
test_people_query_round_trip (void)
{
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (G_GINT64_CONSTANT (9007199254740993));
  g_autoptr(LanyardPeopleQuery) decoded = NULL;
  g_autoptr(LanyardPeopleQuery) fresh = lanyard_people_query_new (1);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) wire = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *json;

  query->search = g_strdup ("Zoë \"q\"");
  query->source = LANYARD_SOURCE_FILTER_CCTV;
  query->access = LANYARD_ACCESS_FILTER_WITHOUT_GRANTS;
  query->membership_status = g_strdup ("Current");
  query->person_type = g_strdup ("Gold");
  query->tag = g_strdup ("vip");
  query->invitation = LANYARD_INVITATION_FILTER_SEND_FAILED;
  query->adoption = LANYARD_ADOPTION_FILTER_NOT_YET;
  query->sort = LANYARD_PEOPLE_SORT_LAST_SYNCED;
  query->descending = TRUE;
  /* Every field differs from the defaults, or the round trip proves less. */
  g_assert_false (query->sort == fresh->sort || query->source == fresh->source ||
                  query->access == fresh->access || query->invitation == fresh->invitation ||
                  query->adoption == fresh->adoption || query->descending == fresh->descending);

  node = lanyard_json_from_people_query (query);
  json = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (json, "access"), ==, "without-grants");
  g_assert_cmpstr (json_object_get_string_member (json, "sort"), ==, "last-synced");

  wire = through_text (node);
  decoded = lanyard_json_to_people_query (wire, &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_people_query_equal (query, decoded));
}

static void
test_people_query_defaults (void)
{
  g_autoptr(LanyardPeopleQuery) expected = lanyard_people_query_new (3);
  g_autoptr(LanyardPeopleQuery) decoded = NULL;
  g_autoptr(JsonNode) node = parse ("{\"facility-id\": 3}");
  g_autoptr(JsonNode) nulls = parse ("{\"facility-id\": 3, \"search\": null, \"tag\": null}");
  g_autoptr(GError) error = NULL;

  decoded = lanyard_json_to_people_query (node, &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_people_query_equal (expected, decoded));

  lanyard_people_query_free (decoded);
  decoded = lanyard_json_to_people_query (nulls, &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_people_query_equal (expected, decoded));
}

static void
test_people_page (void)
{
  g_autoptr(LanyardPeoplePage) page = lanyard_people_page_new ();
  g_autoptr(LanyardPeoplePage) decoded = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) wire = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 2; i++)
    {
      LanyardPerson *person = lanyard_person_new ();

      set_every_property (G_OBJECT (person));
      lanyard_person_set_id (person, i + 1);
      g_ptr_array_add (page->people, person);
    }
  page->next_cursor = g_strdup ("opaque:cursor/with \"quotes\"");

  node = lanyard_json_from_people_page (page);
  wire = through_text (node);
  decoded = lanyard_json_to_people_page (wire, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decoded->people->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    assert_same_object (g_ptr_array_index (page->people, i), g_ptr_array_index (decoded->people, i));
  g_assert_cmpstr (decoded->next_cursor, ==, page->next_cursor);

  /* The last page: no cursor, spelled null or left out. */
  {
    g_autoptr(LanyardPeoplePage) last = lanyard_people_page_new ();
    g_autoptr(JsonNode) last_node = lanyard_json_from_people_page (last);
    g_autoptr(LanyardPeoplePage) back = NULL;
    g_autoptr(JsonNode) bare = parse ("{\"people\": []}");

    g_assert_true (json_object_get_null_member (json_node_get_object (last_node), "next-cursor"));
    back = lanyard_json_to_people_page (last_node, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (back->people->len, ==, 0);
    g_assert_null (back->next_cursor);

    lanyard_people_page_free (back);
    back = lanyard_json_to_people_page (bare, &error);
    g_assert_no_error (error);
    g_assert_null (back->next_cursor);
  }
}

static void
test_people_counts (void)
{
  LanyardPeopleCounts counts = { G_GUINT64_CONSTANT (9007199254740993), 7, 3 };
  LanyardPeopleCounts decoded = { 0 };
  g_autoptr(JsonNode) node = lanyard_json_from_people_counts (&counts);
  g_autoptr(JsonNode) wire = through_text (node);
  g_autoptr(JsonNode) partial = parse ("{\"all\": 5}");
  g_autoptr(GError) error = NULL;

  g_assert_true (lanyard_json_to_people_counts (wire, &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (decoded.all, ==, counts.all);
  g_assert_cmpuint (decoded.has_access, ==, counts.has_access);
  g_assert_cmpuint (decoded.no_access, ==, counts.no_access);

  g_assert_true (lanyard_json_to_people_counts (partial, &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (decoded.all, ==, 5);
  g_assert_cmpuint (decoded.has_access, ==, 0);
  g_assert_cmpuint (decoded.no_access, ==, 0);
}

static void
test_facet_values (void)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify)lanyard_facet_value_free);
  g_autoptr(GPtrArray) decoded = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) wire = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (values, lanyard_facet_value_new ("Gold", 12));
  g_ptr_array_add (values, lanyard_facet_value_new ("Étudiant \"x\"", G_GUINT64_CONSTANT (9007199254740993)));

  node = lanyard_json_from_facet_values (values);
  wire = through_text (node);
  decoded = lanyard_json_to_facet_values (wire, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decoded->len, ==, values->len);
  for (guint i = 0; i < values->len; i++)
    {
      const LanyardFacetValue *a = g_ptr_array_index (values, i);
      const LanyardFacetValue *b = g_ptr_array_index (decoded, i);

      g_assert_cmpstr (a->value, ==, b->value);
      g_assert_cmpuint (a->count, ==, b->count);
    }
}

static void
assert_same_report (const LanyardDecisionReport *a,
                    const LanyardDecisionReport *b)
{
  g_assert_cmpint (a->decision.allowed, ==, b->decision.allowed);
  g_assert_cmpint (a->decision.reason, ==, b->decision.reason);
  g_assert_cmpint (a->decision.match_kind, ==, b->decision.match_kind);
  g_assert_cmpint (a->decision.match_id, ==, b->decision.match_id);
  g_assert_cmpint (a->decision.grant_kind, ==, b->decision.grant_kind);
  g_assert_cmpint (a->person_id, ==, b->person_id);
  g_assert_cmpint (a->door_id, ==, b->door_id);
  g_assert_cmpint (a->instant_usec, ==, b->instant_usec);
  g_assert_cmpstr (a->person_name, ==, b->person_name);
  g_assert_cmpstr (a->door_name, ==, b->door_name);
  g_assert_cmpstr (a->match_name, ==, b->match_name);
}

static void
test_decision_report (void)
{
  LanyardDecisionReport report = {
    .decision = {
      .allowed = TRUE,
      .reason = LANYARD_DECISION_NO_RULE_OR_GRANT,   /* not what "allowed" goes with, but not the default */
      .match_kind = LANYARD_MATCH_GRANT,
      .match_id = G_GINT64_CONSTANT (9007199254740993),
      .grant_kind = LANYARD_GRANT_SCOPE,
    },
    .person_id = 42,
    .door_id = 7,
    .instant_usec = G_GINT64_CONSTANT (1741987800123457),
    .person_name = (char *)"Zoë “Z” Lima",
    .door_name = (char *)"Main entrance",
    .match_name = (char *)"Gym (scope)",
  };
  LanyardDecisionReport none = {
    .decision = { .reason = LANYARD_DECISION_UNKNOWN_PERSON, .match_kind = LANYARD_MATCH_NONE },
    .person_id = 5,
    .door_id = 6,
    .instant_usec = 1,
  };
  g_autoptr(JsonNode) node = lanyard_json_from_decision_report (&report);
  g_autoptr(JsonNode) wire = through_text (node);
  g_autoptr(JsonNode) none_node = lanyard_json_from_decision_report (&none);
  g_autoptr(LanyardDecisionReport) decoded = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *json = json_node_get_object (node);

  /* The members lanyardctl decide --json prints. */
  g_assert_cmpstr (json_object_get_string_member (json, "reason"), ==, "no-rule-or-grant");
  g_assert_cmpstr (json_object_get_string_member (json, "match-kind"), ==, "grant");
  g_assert_cmpstr (json_object_get_string_member (json, "grant-kind"), ==, "scope");
  g_assert_cmpint (json_object_get_int_member (json, "at"), ==, report.instant_usec);

  decoded = lanyard_json_to_decision_report (wire, &error);
  g_assert_no_error (error);
  assert_same_report (&report, decoded);

  /* No match: no grant kind and no id. */
  json = json_node_get_object (none_node);
  g_assert_true (json_object_get_null_member (json, "grant-kind"));
  g_assert_true (json_object_get_null_member (json, "match-id"));
  g_assert_true (json_object_get_null_member (json, "person-name"));
  g_clear_pointer (&decoded, lanyard_decision_report_free);
  decoded = lanyard_json_to_decision_report (none_node, &error);
  g_assert_no_error (error);
  assert_same_report (&none, decoded);
}

static void
test_audit_query (void)
{
  LanyardAuditQuery query = {
    .facility_id = 3,
    .target_kind = "person",
    .target_id = G_GINT64_CONSTANT (9007199254740993),
    .before_id = 99,
    .limit = G_MAXUINT,
  };
  LanyardAuditQuery decoded = { 0 };
  g_autoptr(JsonNode) node = lanyard_json_from_audit_query (&query);
  g_autoptr(JsonNode) wire = through_text (node);
  g_autoptr(JsonNode) empty = parse ("{}");
  g_autoptr(GError) error = NULL;

  g_assert_true (lanyard_json_to_audit_query (wire, &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmpint (decoded.facility_id, ==, query.facility_id);
  g_assert_cmpstr (decoded.target_kind, ==, query.target_kind);
  g_assert_cmpint (decoded.target_id, ==, query.target_id);
  g_assert_cmpint (decoded.before_id, ==, query.before_id);
  g_assert_cmpuint (decoded.limit, ==, query.limit);

  g_assert_true (lanyard_json_to_audit_query (empty, &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmpint (decoded.facility_id, ==, 0);
  g_assert_null (decoded.target_kind);
  g_assert_cmpint (decoded.target_id, ==, 0);
  g_assert_cmpint (decoded.before_id, ==, 0);
  g_assert_cmpuint (decoded.limit, ==, 0);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

static const struct {
  LanyardStoreError  code;
  const char        *name;
  guint              status;
} store_errors[] = {
  { LANYARD_STORE_ERROR_NOT_FOUND, "not-found", 404 },
  { LANYARD_STORE_ERROR_DUPLICATE, "duplicate", 409 },
  { LANYARD_STORE_ERROR_INVALID, "invalid", 422 },
  { LANYARD_STORE_ERROR_CONFLICT, "conflict", 409 },
  { LANYARD_STORE_ERROR_PERMISSION_DENIED, "permission-denied", 403 },
  { LANYARD_STORE_ERROR_UNAVAILABLE, "unavailable", 503 },
  { LANYARD_STORE_ERROR_FAILED, "failed", 500 },
  { LANYARD_STORE_ERROR_UNAUTHENTICATED, "unauthenticated", 401 },
  { LANYARD_STORE_ERROR_RATE_LIMITED, "rate-limited", 429 },
};

static void
test_error_round_trip (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (LANYARD_TYPE_STORE_ERROR);

  /* Every code has its row: a new code needs a stable name and a status. */
  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (store_errors));

  for (guint i = 0; i < G_N_ELEMENTS (store_errors); i++)
    {
      g_autoptr(GError) error = g_error_new (LANYARD_STORE_ERROR, store_errors[i].code,
                                             "Zoë was changed by someone else \"%u\"", i);
      g_autoptr(JsonNode) node = lanyard_json_from_error (error);
      g_autoptr(JsonNode) wire = through_text (node);
      g_autoptr(GError) decoded = NULL;
      JsonObject *body;

      body = json_object_get_object_member (json_node_get_object (node), "error");
      g_assert_nonnull (body);
      g_assert_cmpstr (json_object_get_string_member (body, "code"), ==, store_errors[i].name);
      g_assert_cmpstr (json_object_get_string_member (body, "message"), ==, error->message);
      g_assert_cmpstr (lanyard_json_error_code (error), ==, store_errors[i].name);

      decoded = lanyard_json_to_error (wire);
      g_assert_error (decoded, LANYARD_STORE_ERROR, (int)store_errors[i].code);
      g_assert_cmpstr (decoded->message, ==, error->message);
    }
}

static void
test_error_http_status (void)
{
  static const struct {
    GQuark    (*domain) (void);
    int         code;
    const char *name;
    guint       status;
  } others[] = {
    { g_io_error_quark, G_IO_ERROR_CANCELLED, "unavailable", 503 },
    { g_io_error_quark, G_IO_ERROR_TIMED_OUT, "unavailable", 503 },
    { g_io_error_quark, G_IO_ERROR_CONNECTION_REFUSED, "unavailable", 503 },
    { g_io_error_quark, G_IO_ERROR_NOT_FOUND, "not-found", 404 },
    { g_io_error_quark, G_IO_ERROR_EXISTS, "duplicate", 409 },
    { g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED, "permission-denied", 403 },
    { g_io_error_quark, G_IO_ERROR_INVALID_ARGUMENT, "invalid", 422 },
    { g_io_error_quark, G_IO_ERROR_INVALID_DATA, "invalid", 422 },
    { g_io_error_quark, G_IO_ERROR_MESSAGE_TOO_LARGE, "invalid", 413 },
    { g_io_error_quark, G_IO_ERROR_NOT_SUPPORTED, "failed", 501 },
    { g_io_error_quark, G_IO_ERROR_FAILED, "failed", 500 },
    { json_parser_error_quark, JSON_PARSER_ERROR_PARSE, "invalid", 400 },
    { json_parser_error_quark, JSON_PARSER_ERROR_INVALID_BAREWORD, "invalid", 400 },
    { g_file_error_quark, G_FILE_ERROR_NOSPC, "failed", 500 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (store_errors); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (LANYARD_STORE_ERROR, store_errors[i].code, "x");

      g_assert_cmpuint (lanyard_json_error_http_status (error), ==, store_errors[i].status);
    }

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (others[i].domain (), others[i].code, "x");

      g_test_message ("%s %d", g_quark_to_string (error->domain), error->code);
      g_assert_cmpuint (lanyard_json_error_http_status (error), ==, others[i].status);
      g_assert_cmpstr (lanyard_json_error_code (error), ==, others[i].name);
    }
}

static void
test_error_unreadable (void)
{
  static const char *documents[] = {
    "{\"error\": {\"code\": \"teapot\", \"message\": \"Short and stout\"}}",
    "{\"error\": {\"code\": 409, \"message\": \"Short and stout\"}}",
    "{\"error\": {\"message\": \"Short and stout\"}, \"current\": {\"id\": 1}}",
  };
  static const char *not_errors[] = {
    "{\"error\": \"conflict\"}",
    "{\"code\": \"conflict\"}",
    "[\"error\"]",
    "\"<html>Bad gateway</html>\"",
  };

  /* A code this version does not know: FAILED, with the server's words. */
  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonNode) node = parse (documents[i]);
      g_autoptr(GError) error = lanyard_json_to_error (node);

      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED);
      g_assert_cmpstr (error->message, ==, "Short and stout");
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_errors); i++)
    {
      g_autoptr(JsonNode) node = parse (not_errors[i]);
      g_autoptr(GError) error = lanyard_json_to_error (node);

      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED);
      g_assert_cmpstr (error->message, !=, "");
    }

  {
    g_autoptr(GError) error = lanyard_json_to_error (NULL);
    g_autoptr(JsonNode) no_message = parse ("{\"error\": {\"code\": \"conflict\"}}");
    g_autoptr(GError) conflict = lanyard_json_to_error (no_message);

    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED);
    g_assert_error (conflict, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT);
    g_assert_cmpstr (conflict->message, !=, "");
  }
}

/* ------------------------------------------------------------------------ */
/* Bad input                                                                */
/* ------------------------------------------------------------------------ */

typedef enum {
  DECODE_OBJECT,
  DECODE_OBJECTS,
  DECODE_PEOPLE_QUERY,
  DECODE_PEOPLE_PAGE,
  DECODE_PEOPLE_COUNTS,
  DECODE_FACET_VALUES,
  DECODE_DECISION_REPORT,
  DECODE_AUDIT_QUERY,
} Decode;

static gboolean
decode (Decode     what,
        GType      type,
        JsonNode  *node,
        GError   **error)
{
  switch (what)
    {
    case DECODE_OBJECT:
      {
        g_autoptr(GObject) object = lanyard_json_to_object (type, node, error);

        return object != NULL;
      }

    case DECODE_OBJECTS:
      {
        g_autoptr(GPtrArray) objects = lanyard_json_to_objects (type, node, error);

        return objects != NULL;
      }

    case DECODE_PEOPLE_QUERY:
      {
        g_autoptr(LanyardPeopleQuery) query = lanyard_json_to_people_query (node, error);

        return query != NULL;
      }

    case DECODE_PEOPLE_PAGE:
      {
        g_autoptr(LanyardPeoplePage) page = lanyard_json_to_people_page (node, error);

        return page != NULL;
      }

    case DECODE_PEOPLE_COUNTS:
      {
        LanyardPeopleCounts counts;

        return lanyard_json_to_people_counts (node, &counts, error);
      }

    case DECODE_FACET_VALUES:
      {
        g_autoptr(GPtrArray) values = lanyard_json_to_facet_values (node, error);

        return values != NULL;
      }

    case DECODE_DECISION_REPORT:
      {
        g_autoptr(LanyardDecisionReport) report = lanyard_json_to_decision_report (node, error);

        return report != NULL;
      }

    case DECODE_AUDIT_QUERY:
      {
        LanyardAuditQuery query;

        return lanyard_json_to_audit_query (node, &query, error);
      }

    default:
      g_assert_not_reached ();
    }
}

static void
test_bad_input (void)
{
  /* @message is the whole message, or a part of it when it starts with "…". */
  static const struct {
    Decode       what;
    GType      (*get_type) (void);
    const char  *json;
    const char  *message;
  } cases[] = {
    { DECODE_OBJECT, lanyard_person_get_type, "{\"access-enabled\": \"yes\"}", "“access-enabled” must be true or false" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"access-enabled\": null}", "“access-enabled” must be true or false" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"access-enabled\": 1}", "“access-enabled” must be true or false" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"id\": \"12\"}", "“id” must be an integer" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"id\": 1.5}", "“id” must be an integer" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"id\": 12.0}", "“id” must be an integer" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"id\": null}", "“id” must be an integer" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"id\": -3}", "“id” must be 0 or more" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"grant-count\": 3000000000}", "“grant-count” must be between 0 and 2147483647" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"grant-count\": -1}", "“grant-count” must be 0 or more" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"source\": \"fax\"}", "“source” must be one of manual, integration, cctv, not “fax”" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"source\": 1}", "“source” must be one of manual, integration, cctv" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"source\": \"Manual\"}", "…“source” must be one of" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"app-message-severity\": null}", "…“app-message-severity” must be one of" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"first-name\": 12}", "“first-name” must be a string or null" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"first-name\": [\"Ana\"]}", "“first-name” must be a string or null" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"custom-tags\": \"vip\"}", "“custom-tags” must be a list of strings" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"custom-tags\": [\"vip\", 1]}", "“custom-tags” must be a list of strings" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"recent-ips\": [null]}", "“recent-ips” must be a list of strings" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"invited-at\": \"yesterday\"}", "…“invited-at” must be a time" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"invited-at\": \"2025-03-14T21:30:00\"}", "…“invited-at” must be a time" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"invited-at\": true}", "…“invited-at” must be a time" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"created-at\": -5}", "“created-at” must be 0 or more" },
    { DECODE_OBJECT, lanyard_person_get_type, "{\"created-at\": \"1960-01-01T00:00:00Z\"}", "“created-at” must be 0 or more" },
    { DECODE_OBJECT, lanyard_person_get_type, "[]", "Expected a JSON object" },
    { DECODE_OBJECT, lanyard_person_get_type, "\"Ana\"", "Expected a JSON object" },
    { DECODE_OBJECT, lanyard_person_get_type, "null", "Expected a JSON object" },
    { DECODE_OBJECT, lanyard_access_rule_get_type, "{\"schedule\": \"mon 25:00-26:00\"}", "…“schedule”: " },
    { DECODE_OBJECT, lanyard_access_rule_get_type, "{\"schedule\": \"mon 25:00-26:00\"}", "…25:00" },
    { DECODE_OBJECT, lanyard_access_rule_get_type, "{\"schedule\": \"\"}", "…“schedule”: " },
    { DECODE_OBJECT, lanyard_access_rule_get_type, "{\"schedule\": 7}", "“schedule” must be a string or null" },
    { DECODE_OBJECT, lanyard_access_rule_get_type, "{\"condition\": \"shoe-size\"}", "“condition” must be one of person-type, membership-status, tag, not “shoe-size”" },
    { DECODE_OBJECT, lanyard_access_rule_get_type, "{\"target-ids\": [1, \"2\"]}", "“target-ids” must be a list of ids (positive integers)" },
    { DECODE_OBJECT, lanyard_scope_get_type, "{\"door-ids\": [0]}", "“door-ids” must be a list of ids (positive integers)" },
    { DECODE_OBJECT, lanyard_scope_get_type, "{\"door-ids\": {}}", "“door-ids” must be a list of ids (positive integers)" },
    { DECODE_OBJECT, lanyard_grant_get_type, "{\"kind\": \"door\", \"target-id\": \"x\"}", "“target-id” must be an integer" },
    { DECODE_OBJECT, lanyard_grant_get_type, "{\"kind\": \"window\"}", "“kind” must be one of facility, door, scope, not “window”" },
    { DECODE_OBJECT, lanyard_audit_event_get_type, "{\"changes\": 5}", "“changes” must be a JSON object, a string or null" },
    { DECODE_OBJECT, lanyard_audit_event_get_type, "{\"at\": \"soon\"}", "…“at” must be a time" },
    { DECODE_OBJECTS, lanyard_door_get_type, "{}", "Expected a JSON array" },
    { DECODE_OBJECTS, lanyard_door_get_type, "[{\"name\": \"A\"}, {\"name\": 5}]", "“[1].name” must be a string or null" },
    { DECODE_OBJECTS, lanyard_door_get_type, "[{\"name\": \"A\"}, 5]", "“[1]” must be a JSON object" },
    { DECODE_PEOPLE_QUERY, NULL, "{}", "“facility-id” is required" },
    { DECODE_PEOPLE_QUERY, NULL, "{\"facility-id\": \"1\"}", "“facility-id” must be an integer" },
    { DECODE_PEOPLE_QUERY, NULL, "{\"facility-id\": 1, \"sort\": \"shoe-size\"}", "…“sort” must be one of name, created" },
    { DECODE_PEOPLE_QUERY, NULL, "{\"facility-id\": 1, \"access\": \"some\"}", "…“access” must be one of any, has-access" },
    { DECODE_PEOPLE_QUERY, NULL, "{\"facility-id\": 1, \"descending\": \"yes\"}", "“descending” must be true or false" },
    { DECODE_PEOPLE_QUERY, NULL, "{\"facility-id\": 1, \"search\": [\"a\"]}", "“search” must be a string or null" },
    { DECODE_PEOPLE_QUERY, NULL, "[]", "Expected a JSON object" },
    { DECODE_PEOPLE_PAGE, NULL, "{}", "“people” is required" },
    { DECODE_PEOPLE_PAGE, NULL, "{\"people\": {}}", "“people” must be a JSON array" },
    { DECODE_PEOPLE_PAGE, NULL, "{\"people\": [{\"id\": 1}, {\"access-enabled\": 0}]}", "“people[1].access-enabled” must be true or false" },
    { DECODE_PEOPLE_PAGE, NULL, "{\"people\": [null]}", "“people[0]” must be a JSON object" },
    { DECODE_PEOPLE_PAGE, NULL, "{\"people\": [], \"next-cursor\": 5}", "“next-cursor” must be a string or null" },
    { DECODE_PEOPLE_COUNTS, NULL, "{\"all\": -1}", "“all” must be 0 or more" },
    { DECODE_PEOPLE_COUNTS, NULL, "{\"has-access\": \"3\"}", "“has-access” must be an integer" },
    { DECODE_PEOPLE_COUNTS, NULL, "7", "Expected a JSON object" },
    { DECODE_FACET_VALUES, NULL, "{}", "Expected a JSON array" },
    { DECODE_FACET_VALUES, NULL, "[{\"count\": 3}]", "“[0].value” is required" },
    { DECODE_FACET_VALUES, NULL, "[{\"value\": null}]", "“[0].value” is required" },
    { DECODE_FACET_VALUES, NULL, "[{\"value\": \"Gold\", \"count\": -1}]", "“[0].count” must be 0 or more" },
    { DECODE_FACET_VALUES, NULL, "[{\"value\": \"Gold\"}, \"Silver\"]", "“[1]” must be a JSON object" },
    { DECODE_DECISION_REPORT, NULL, "{\"reason\": \"nope\"}", "…“reason” must be one of allowed, unknown-person" },
    { DECODE_DECISION_REPORT, NULL, "{\"at\": \"x\"}", "…“at” must be a time" },
    { DECODE_DECISION_REPORT, NULL, "{\"grant-kind\": \"window\"}", "…“grant-kind” must be one of" },
    { DECODE_DECISION_REPORT, NULL, "{\"allowed\": \"true\"}", "“allowed” must be true or false" },
    { DECODE_AUDIT_QUERY, NULL, "{\"limit\": 5000000000}", "“limit” must be between 0 and 4294967295" },
    { DECODE_AUDIT_QUERY, NULL, "{\"target-kind\": 3}", "“target-kind” must be a string or null" },
    { DECODE_AUDIT_QUERY, NULL, "{\"before-id\": -1}", "“before-id” must be 0 or more" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      GType type = cases[i].get_type ? cases[i].get_type () : G_TYPE_INVALID;

      g_test_message ("%s", cases[i].json);
      g_assert_false (decode (cases[i].what, type, node, &error));
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
      if (g_str_has_prefix (cases[i].message, "…"))
        g_assert_nonnull (strstr (error->message, cases[i].message + strlen ("…")));
      else
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* Bytes that are not UTF-8 never reach the model (the parser does not promise to stop them). */
static void
test_bad_utf8 (void)
{
  g_autoptr(JsonNode) node = parse ("{\"first-name\": \"x\", \"custom-tags\": [\"ok\"]}");
  JsonObject *json = json_node_get_object (node);
  g_autoptr(GObject) object = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (json, "first-name", "Zo\xff");
  object = lanyard_json_to_object (LANYARD_TYPE_PERSON, node, &error);
  g_assert_null (object);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“first-name” is not valid UTF-8 text");
  g_clear_error (&error);

  json_object_set_string_member (json, "first-name", "Zoë");
  json_array_add_string_element (json_object_get_array_member (json, "custom-tags"), "\xc3");
  object = lanyard_json_to_object (LANYARD_TYPE_PERSON, node, &error);
  g_assert_null (object);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“custom-tags” must be a list of strings");
}

/* ------------------------------------------------------------------------ */
/* Threads                                                                  */
/* ------------------------------------------------------------------------ */

static gpointer
round_trip_thread (gpointer data)
{
  JsonNode *node = data;

  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GObject) person = lanyard_json_to_object (LANYARD_TYPE_PERSON, node, &error);
      g_autoptr(JsonNode) again = NULL;

      g_assert_no_error (error);
      again = lanyard_json_from_object (person);
      g_assert_true (json_node_equal (node, again));
    }

  return NULL;
}

/* No shared state: several server workers encode and decode at once. */
static void
test_threads (void)
{
  g_autoptr(LanyardPerson) person = lanyard_person_new ();
  g_autoptr(JsonNode) node = NULL;
  GThread *threads[4];

  set_every_property (G_OBJECT (person));
  node = lanyard_json_from_object (G_OBJECT (person));
  /* Read-only from here on: JsonNode can be shared for reading once sealed. */
  json_node_seal (node);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("json", round_trip_thread, node);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int   argc,
      char *argv[])
{
  const struct {
    const char *name;
    GType       type;
  } model_types[] = {
    { "person", LANYARD_TYPE_PERSON },
    { "facility", LANYARD_TYPE_FACILITY },
    { "door", LANYARD_TYPE_DOOR },
    { "scope", LANYARD_TYPE_SCOPE },
    { "access-rule", LANYARD_TYPE_ACCESS_RULE },
    { "grant", LANYARD_TYPE_GRANT },
    { "audit-event", LANYARD_TYPE_AUDIT_EVENT },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (model_types); i++)
    {
      g_autofree char *round_trip = g_strdup_printf ("/core/json/object/%s/round-trip", model_types[i].name);
      g_autofree char *members = g_strdup_printf ("/core/json/object/%s/members", model_types[i].name);

      g_test_add_data_func (round_trip, GSIZE_TO_POINTER (model_types[i].type), test_object_round_trip);
      g_test_add_data_func (members, GSIZE_TO_POINTER (model_types[i].type), test_object_members);
      {
        g_autofree char *text = g_strdup_printf ("/core/json/object/%s/text", model_types[i].name);

        g_test_add_data_func (text, GSIZE_TO_POINTER (model_types[i].type), test_object_text);
      }
    }
  g_test_add_func ("/core/json/text/escapes", test_text_escapes);
  g_test_add_func ("/core/json/object/defaults", test_object_defaults);
  g_test_add_func ("/core/json/object/unknown-members", test_object_unknown_members);
  g_test_add_func ("/core/json/object/timestamps", test_object_timestamps);
  g_test_add_func ("/core/json/object/audit-changes", test_object_audit_changes);
  g_test_add_func ("/core/json/objects/round-trip", test_objects_round_trip);
  g_test_add_func ("/core/json/people-query/round-trip", test_people_query_round_trip);
  g_test_add_func ("/core/json/people-query/defaults", test_people_query_defaults);
  g_test_add_func ("/core/json/people-page/round-trip", test_people_page);
  g_test_add_func ("/core/json/people-counts/round-trip", test_people_counts);
  g_test_add_func ("/core/json/facet-values/round-trip", test_facet_values);
  g_test_add_func ("/core/json/decision-report/round-trip", test_decision_report);
  g_test_add_func ("/core/json/audit-query/round-trip", test_audit_query);
  g_test_add_func ("/core/json/error/round-trip", test_error_round_trip);
  g_test_add_func ("/core/json/error/http-status", test_error_http_status);
  g_test_add_func ("/core/json/error/unreadable", test_error_unreadable);
  g_test_add_func ("/core/json/bad-input/members", test_bad_input);
  g_test_add_func ("/core/json/bad-input/utf8", test_bad_utf8);
  g_test_add_func ("/core/json/threads", test_threads);

  return g_test_run ();
}
