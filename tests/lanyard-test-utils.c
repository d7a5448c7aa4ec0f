/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <glib/gstdio.h>

#include "lanyard-test-utils.h"

char *
lanyard_test_dir_new (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("lanyard-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
lanyard_test_dir_free (char *dir)
{
  if (dir == NULL)
    return;

  remove_tree (dir);
  g_free (dir);
}

LanyardSqliteStore *
lanyard_test_store_new (const char *dir)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("store-%u.db", ++counter);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  LanyardSqliteStore *store;

  store = lanyard_sqlite_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  lanyard_sqlite_store_set_actor (store, "test");
  lanyard_sqlite_store_set_phone_region (store, "DE", &error);
  g_assert_no_error (error);

  return store;
}

gint64
lanyard_test_add_facility (LanyardStore *store,
                           const char   *name)
{
  static const char * const doors[] = { "Front", "Gym", "Pool" };
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFacility) facility = lanyard_facility_new ();
  g_autoptr(LanyardFacility) saved = NULL;

  lanyard_facility_set_name (facility, name);
  lanyard_facility_set_timezone (facility, "Europe/Berlin");
  saved = lanyard_store_save_facility (store, facility, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (doors); i++)
    {
      g_autoptr(LanyardDoor) door = lanyard_door_new ();
      g_autoptr(LanyardDoor) saved_door = NULL;

      lanyard_door_set_facility_id (door, lanyard_facility_get_id (saved));
      lanyard_door_set_name (door, doors[i]);
      saved_door = lanyard_store_save_door (store, door, NULL, &error);
      g_assert_no_error (error);
    }

  return lanyard_facility_get_id (saved);
}

LanyardPerson *
lanyard_test_add_person (LanyardStore *store,
                         gint64        facility_id,
                         const char   *first,
                         const char   *last,
                         const char   *phone,
                         const char   *email)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPerson) person = lanyard_person_new ();
  LanyardPerson *saved;

  lanyard_person_set_facility_id (person, facility_id);
  lanyard_person_set_first_name (person, first);
  lanyard_person_set_last_name (person, last);
  lanyard_person_set_phone (person, phone);
  lanyard_person_set_email (person, email);
  saved = lanyard_store_save_person (store, person, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);

  return saved;
}

gint64
lanyard_test_door_id (LanyardStore *store,
                      gint64        facility_id,
                      const char   *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) doors = lanyard_store_list_doors (store, facility_id, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < doors->len; i++)
    if (g_strcmp0 (lanyard_door_get_name (g_ptr_array_index (doors, i)), name) == 0)
      return lanyard_door_get_id (g_ptr_array_index (doors, i));

  g_error ("no door called %s", name);
  return 0;
}
