/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "lanyard-test-utils.h"

/* The audit log: one event per change, with before and after, and no way to rewrite it. */

typedef struct {
  char               *dir;
  LanyardSqliteStore *sqlite;
  LanyardStore       *store;
  gint64              facility_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = lanyard_test_dir_new ();
  f->sqlite = lanyard_test_store_new (f->dir);
  f->store = LANYARD_STORE (f->sqlite);
  f->facility_id = lanyard_test_add_facility (f->store, "Audit Hall");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->sqlite);
  lanyard_test_dir_free (f->dir);
}

static GPtrArray *
events_for (Fixture    *f,
            const char *kind,
            gint64      id)
{
  g_autoptr(GError) error = NULL;
  LanyardAuditQuery query = { .target_kind = kind, .target_id = id, .limit = 100 };
  GPtrArray *events = lanyard_store_list_audit (f->store, &query, NULL, &error);

  g_assert_no_error (error);
  return events;
}

/* The [before, after] pair of @field in an event's changes, or NULL. */
static JsonArray *
change_of (LanyardAuditEvent *event,
           const char        *field,
           JsonNode         **out_root)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root = json_from_string (lanyard_audit_event_get_changes (event), &error);
  JsonObject *object;

  g_assert_no_error (error);
  *out_root = root;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, field))
    return NULL;

  return json_object_get_array_member (object, field);
}

static void
test_person_lifecycle (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(LanyardPerson) person = lanyard_test_add_person (f->store, f->facility_id, "Hana", "Sato",
                                                             "+4915144445555", "hana@example.org");
  g_autoptr(LanyardPerson) edit = lanyard_person_copy (person);
  g_autoptr(LanyardPerson) saved = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = lanyard_person_get_id (person);
  LanyardAuditEvent *event;
  JsonNode *root = NULL;
  JsonArray *pair;

  events = events_for (f, "person", id);
  g_assert_cmpuint (events->len, ==, 1);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpstr (lanyard_audit_event_get_action (event), ==, "person.create");
  g_assert_cmpstr (lanyard_audit_event_get_actor (event), ==, "test");
  g_assert_cmpstr (lanyard_audit_event_get_target_label (event), ==, "Hana Sato");
  g_assert_cmpint (lanyard_audit_event_get_facility_id (event), ==, f->facility_id);
  pair = change_of (event, "email", &root);
  g_assert_nonnull (pair);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_array_get_element (pair, 0)));
  g_assert_cmpstr (json_array_get_string_element (pair, 1), ==, "hana@example.org");
  g_clear_pointer (&root, json_node_unref);

  /* An update records what changed, and only that. */
  lanyard_person_set_membership_status (edit, "Expired");
  lanyard_person_set_email (edit, "hana.sato@example.org");
  saved = lanyard_store_save_person (f->store, edit, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = events_for (f, "person", id);
  g_assert_cmpuint (events->len, ==, 2);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpstr (lanyard_audit_event_get_action (event), ==, "person.update");
  pair = change_of (event, "email", &root);
  g_assert_cmpstr (json_array_get_string_element (pair, 0), ==, "hana@example.org");
  g_assert_cmpstr (json_array_get_string_element (pair, 1), ==, "hana.sato@example.org");
  g_assert_null (change_of (event, "first-name", &root));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (root)), ==, 2);
  g_clear_pointer (&root, json_node_unref);

  /* Saving with no change is allowed; it records that nothing changed. */
  {
    g_autoptr(LanyardPerson) same = lanyard_store_save_person (f->store, saved, NULL, &error);
    g_autoptr(GPtrArray) after = NULL;

    g_assert_no_error (error);
    after = events_for (f, "person", id);
    g_assert_cmpuint (after->len, ==, 3);
    g_assert_null (lanyard_audit_event_get_changes (g_ptr_array_index (after, 0)));
    g_clear_object (&saved);
    saved = g_steal_pointer (&same);
  }

  /* Grants and the kill switch. */
  {
    g_autoptr(GPtrArray) grants = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(LanyardPerson) granted = NULL;

    g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_FACILITY, 0, NULL));
    granted = lanyard_store_set_grants (f->store, id, lanyard_person_get_version (saved), grants, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (lanyard_store_set_access_enabled (f->store, &id, 1, FALSE, NULL, &error), ==, 1);
    g_assert_no_error (error);
  }

  g_clear_pointer (&events, g_ptr_array_unref);
  events = events_for (f, "person", id);
  g_assert_cmpuint (events->len, ==, 5);
  g_assert_cmpstr (lanyard_audit_event_get_action (g_ptr_array_index (events, 1)), ==, "person.grants");
  event = g_ptr_array_index (events, 0);
  g_assert_cmpstr (lanyard_audit_event_get_action (event), ==, "person.update");
  pair = change_of (event, "access-enabled", &root);
  g_assert_true (json_array_get_boolean_element (pair, 0));
  g_assert_false (json_array_get_boolean_element (pair, 1));
  g_clear_pointer (&root, json_node_unref);

  /* Deleting keeps the history, and adds to it. */
  g_assert_cmpuint (lanyard_store_delete_people (f->store, &id, 1, NULL, &error), ==, 1);
  g_assert_no_error (error);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = events_for (f, "person", id);
  g_assert_cmpuint (events->len, ==, 6);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpstr (lanyard_audit_event_get_action (event), ==, "person.delete");
  g_assert_cmpstr (lanyard_audit_event_get_target_label (event), ==, "Hana Sato");
  pair = change_of (event, "phone", &root);
  g_assert_cmpstr (json_array_get_string_element (pair, 0), ==, "+4915144445555");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_array_get_element (pair, 1)));
  g_clear_pointer (&root, json_node_unref);
  /* Deleted while disabled: the record says it was off, not that it came back on. */
  pair = change_of (event, "access-enabled", &root);
  g_assert_false (json_array_get_boolean_element (pair, 0));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_array_get_element (pair, 1)));
  g_clear_pointer (&root, json_node_unref);
}

static void
test_refused_change_leaves_no_event (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(LanyardPerson) person = lanyard_test_add_person (f->store, f->facility_id, "Ivo", "Novak", NULL, "ivo@example.org");
  g_autoptr(LanyardPerson) edit = lanyard_person_copy (person);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  lanyard_person_set_email (edit, "not an email");
  g_assert_null (lanyard_store_save_person (f->store, edit, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);

  events = events_for (f, "person", lanyard_person_get_id (person));
  g_assert_cmpuint (events->len, ==, 1);
}

static void
test_policy_changes (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(LanyardDoor) door = lanyard_door_new ();
  g_autoptr(LanyardDoor) saved = NULL;
  g_autoptr(LanyardDoor) renamed = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root = NULL;
  JsonArray *pair;

  lanyard_door_set_facility_id (door, f->facility_id);
  lanyard_door_set_name (door, "Loading bay");
  saved = lanyard_store_save_door (f->store, door, NULL, &error);
  g_assert_no_error (error);
  lanyard_door_set_name (saved, "Loading dock");
  renamed = lanyard_store_save_door (f->store, saved, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_store_delete_door (f->store, lanyard_door_get_id (renamed), NULL, &error));
  g_assert_no_error (error);

  events = events_for (f, "door", lanyard_door_get_id (saved));
  g_assert_cmpuint (events->len, ==, 3);
  g_assert_cmpstr (lanyard_audit_event_get_action (g_ptr_array_index (events, 2)), ==, "door.create");
  g_assert_cmpstr (lanyard_audit_event_get_action (g_ptr_array_index (events, 1)), ==, "door.update");
  g_assert_cmpstr (lanyard_audit_event_get_action (g_ptr_array_index (events, 0)), ==, "door.delete");
  pair = change_of (g_ptr_array_index (events, 1), "name", &root);
  g_assert_cmpstr (json_array_get_string_element (pair, 0), ==, "Loading bay");
  g_assert_cmpstr (json_array_get_string_element (pair, 1), ==, "Loading dock");
  g_clear_pointer (&root, json_node_unref);

  /* Settings are audited too. */
  g_assert_true (lanyard_sqlite_store_set_phone_region (f->sqlite, "AT", &error));
  g_clear_pointer (&events, g_ptr_array_unref);
  events = events_for (f, "settings", 0);
  g_assert_cmpuint (events->len, >=, 1);
  pair = change_of (g_ptr_array_index (events, 0), "phone-region", &root);
  g_assert_cmpstr (json_array_get_string_element (pair, 1), ==, "AT");
  g_clear_pointer (&root, json_node_unref);
}

static void
test_append_only (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(LanyardPerson) person = lanyard_test_add_person (f->store, f->facility_id, "Jan", "Kowalski", NULL, "jan@example.org");
  sqlite3 *db = NULL;
  char *message = NULL;
  int rc;

  /* Even someone with the file and a SQLite shell cannot rewrite history. */
  g_assert_cmpint (sqlite3_open (lanyard_sqlite_store_get_path (f->sqlite), &db), ==, SQLITE_OK);

  rc = sqlite3_exec (db, "UPDATE audit_event SET actor = 'someone else'", NULL, NULL, &message);
  g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT);
  g_assert_nonnull (strstr (message, "append-only"));
  sqlite3_free (message);

  rc = sqlite3_exec (db, "DELETE FROM audit_event", NULL, NULL, &message);
  g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT);
  g_assert_nonnull (strstr (message, "append-only"));
  sqlite3_free (message);

  rc = sqlite3_exec (db, "INSERT INTO access_log (at, facility_id, allowed, reason) VALUES (1, 1, 0, 'x');"
                         "UPDATE access_log SET reason = 'y'", NULL, NULL, &message);
  g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT);
  sqlite3_free (message);

  sqlite3_close (db);

  {
    g_autoptr(GPtrArray) events = events_for (f, "person", lanyard_person_get_id (person));
    g_assert_cmpuint (events->len, ==, 1);
    g_assert_cmpstr (lanyard_audit_event_get_actor (g_ptr_array_index (events, 0)), ==, "test");
  }
}

static void
test_paging (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  LanyardAuditQuery query = { .facility_id = f->facility_id, .limit = 5 };

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *email = g_strdup_printf ("member%u@example.org", i);
      g_object_unref (lanyard_test_add_person (f->store, f->facility_id, "Member", "Paging", NULL, email));
    }

  first = lanyard_store_list_audit (f->store, &query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 5);
  query.before_id = lanyard_audit_event_get_id (g_ptr_array_index (first, 4));
  second = lanyard_store_list_audit (f->store, &query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->len, ==, 5);
  /* Newest first, without overlap. */
  g_assert_cmpint (lanyard_audit_event_get_id (g_ptr_array_index (first, 0)), >,
                   lanyard_audit_event_get_id (g_ptr_array_index (first, 4)));
  g_assert_cmpint (lanyard_audit_event_get_id (g_ptr_array_index (second, 0)), <,
                   lanyard_audit_event_get_id (g_ptr_array_index (first, 4)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/store/sqlite/audit/person-lifecycle", Fixture, NULL,
              fixture_set_up, test_person_lifecycle, fixture_tear_down);
  g_test_add ("/core/store/sqlite/audit/refused-change", Fixture, NULL,
              fixture_set_up, test_refused_change_leaves_no_event, fixture_tear_down);
  g_test_add ("/core/store/sqlite/audit/policy-changes", Fixture, NULL,
              fixture_set_up, test_policy_changes, fixture_tear_down);
  g_test_add ("/core/store/sqlite/audit/append-only", Fixture, NULL,
              fixture_set_up, test_append_only, fixture_tear_down);
  g_test_add ("/core/store/sqlite/audit/paging", Fixture, NULL,
              fixture_set_up, test_paging, fixture_tear_down);

  return g_test_run ();
}
