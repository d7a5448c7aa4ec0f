/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "lanyard-test-utils.h"

/*
 * lanyardctl as a user and a script see it: the real binary in a fresh
 * directory, its exit status, stdout and stderr. Stdin is a pipe, so the
 * CLI never sees a terminal.
 */

typedef struct {
  char *dir;
  char *db;
} Fixture;

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static const char *lanyardctl_path;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = lanyard_test_dir_new ();
  f->db = g_build_filename (f->dir, "lanyard.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  lanyard_test_dir_free (f->dir);
  g_free (f->db);
}

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* Runs lanyardctl with exactly @args; the user data directory is inside the fixture. */
static Run *
run_argv (Fixture            *f,
          const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (f->dir, "data", NULL);
  g_autofree char *config_dir = g_build_filename (f->dir, "config", NULL);
  g_autofree char *command_line = NULL;
  Run *run = g_new0 (Run, 1);

  g_ptr_array_add (argv, g_strdup (lanyardctl_path));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* English messages, UTF-8, and nothing written to the real user's database. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "TZ", "UTC", TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);

  /* No input: stdin is closed at once, as for a script's pipe. */
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);

  command_line = g_strjoinv (" ", (char **)argv->pdata);
  g_test_message ("$ %s → %d\n%s%s", command_line, run->status, run->out, run->err);

  return run;
}

/* Runs "lanyardctl ARGS… --database DB": the database after the command, as scripts may write it. */
G_GNUC_NULL_TERMINATED
static Run *
cli (Fixture    *f,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer)arg);
  va_end (ap);

  g_ptr_array_add (args, (gpointer)"--database");
  g_ptr_array_add (args, f->db);
  g_ptr_array_add (args, NULL);

  return run_argv (f, (const char * const *)args->pdata);
}

static void
assert_status_impl (const char *file,
                    int         line,
                    Run        *run,
                    int         expected)
{
  if (run->status != expected)
    {
      g_autofree char *message = g_strdup_printf ("exit status %d, expected %d\nstdout: %s\nstderr: %s",
                                                  run->status, expected, run->out, run->err);
      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, message);
    }
}

static void
assert_contains_impl (const char *file,
                      int         line,
                      const char *haystack,
                      const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("“%s” does not contain “%s”",
                                                  haystack ? haystack : "(null)", needle);
      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, message);
    }
}

#define assert_status(run, expected) assert_status_impl (__FILE__, __LINE__, (run), (expected))
#define assert_contains(haystack, needle) assert_contains_impl (__FILE__, __LINE__, (haystack), (needle))

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

/* The "people" array of "people list --json" with @filters, every page followed. */
static JsonArray *
list_all_people (Fixture            *f,
                 const char * const *filters)
{
  JsonArray *all = json_array_new ();
  g_autofree char *cursor = NULL;

  do
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autoptr(Run) run = NULL;
      g_autoptr(JsonNode) root = NULL;
      JsonObject *object;
      JsonArray *page;

      g_ptr_array_add (args, (gpointer)"people");
      g_ptr_array_add (args, (gpointer)"list");
      g_ptr_array_add (args, (gpointer)"--json");
      g_ptr_array_add (args, (gpointer)"--limit");
      g_ptr_array_add (args, (gpointer)"70");
      for (guint i = 0; filters && filters[i]; i++)
        g_ptr_array_add (args, (gpointer)filters[i]);
      if (cursor != NULL)
        {
          g_ptr_array_add (args, (gpointer)"--cursor");
          g_ptr_array_add (args, cursor);
        }
      g_ptr_array_add (args, (gpointer)"--database");
      g_ptr_array_add (args, f->db);
      g_ptr_array_add (args, NULL);

      run = run_argv (f, (const char * const *)args->pdata);
      assert_status (run, 0);

      root = parse_json (run->out);
      object = json_node_get_object (root);
      page = json_object_get_array_member (object, "people");
      for (guint i = 0; i < json_array_get_length (page); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (page, i)));

      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (object, "next-cursor"))
        {
          cursor = g_strdup (json_object_get_string_member (object, "next-cursor"));
          assert_contains (run->err, "--cursor");
          assert_contains (run->err, cursor);
        }
    }
  while (cursor != NULL);

  return all;
}

static guint
count_people (Fixture *f)
{
  g_autoptr(JsonArray) people = list_all_people (f, NULL);

  return json_array_get_length (people);
}

static guint
count_audit_events (Fixture *f)
{
  g_autoptr(Run) run = cli (f, "audit", "--limit", "1000", "--json", NULL);
  g_autoptr(JsonNode) root = NULL;

  assert_status (run, 0);
  root = parse_json (run->out);

  return json_array_get_length (json_node_get_array (root));
}

/* A facility "Test Club" in Europe/Berlin, phone numbers read in Germany. */
static void
init_club (Fixture *f)
{
  g_autoptr(Run) run = cli (f, "init", "--facility", "Test Club", "--timezone", "Europe/Berlin",
                            "--region", "DE", NULL);

  assert_status (run, 0);
  assert_contains (run->out, "Test Club");
}

/* Adds a person and returns their id. */
static gint64
add_person (Fixture    *f,
            const char *first,
            const char *last,
            const char *phone,
            const char *email)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_ptr_array_add (args, (gpointer)"people");
  g_ptr_array_add (args, (gpointer)"add");
  g_ptr_array_add (args, (gpointer)"--json");
  g_ptr_array_add (args, (gpointer)"--first");
  g_ptr_array_add (args, (gpointer)first);
  g_ptr_array_add (args, (gpointer)"--last");
  g_ptr_array_add (args, (gpointer)last);
  if (phone != NULL)
    {
      g_ptr_array_add (args, (gpointer)"--phone");
      g_ptr_array_add (args, (gpointer)phone);
    }
  if (email != NULL)
    {
      g_ptr_array_add (args, (gpointer)"--email");
      g_ptr_array_add (args, (gpointer)email);
    }
  g_ptr_array_add (args, (gpointer)"--database");
  g_ptr_array_add (args, f->db);
  g_ptr_array_add (args, NULL);

  run = run_argv (f, (const char * const *)args->pdata);
  assert_status (run, 0);
  root = parse_json (run->out);

  return json_object_get_int_member (json_node_get_object (root), "id");
}

static void
demo (Fixture    *f,
      const char *n_people)
{
  g_autoptr(Run) run = cli (f, "demo", "--people", n_people, NULL);

  assert_status (run, 0);
}

static JsonObject *
show_person (Fixture *f,
             gint64   id)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autoptr(Run) run = cli (f, "people", "show", id_text, "--json", NULL);
  g_autoptr(JsonNode) root = NULL;

  assert_status (run, 0);
  root = parse_json (run->out);

  return json_object_ref (json_node_get_object (root));
}

/* ------------------------------------------------------------------------ */

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  static const char * const commands[][2] = {
    { "init", NULL }, { "demo", NULL }, { "people", NULL }, { "people", "list" }, { "people", "search" },
    { "people", "show" }, { "people", "add" }, { "people", "set-access" }, { "people", "delete" },
    { "decide", NULL }, { "audit", NULL }, { "check", NULL }, { "facilities", NULL }, { "doors", NULL },
  };
  g_autoptr(Run) top = cli (f, "--help", NULL);
  g_autoptr(Run) via_help = cli (f, "help", "people", "add", NULL);

  assert_status (top, 0);
  assert_contains (top->out, "Usage:");
  assert_contains (top->out, "Exit status:");
  assert_contains (top->out, "7  the database cannot be opened or read");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    assert_contains (top->out, commands[i][0]);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *args[] = { commands[i][0], commands[i][1] ? commands[i][1] : "--help",
                             commands[i][1] ? "--help" : NULL, NULL };
      g_autoptr(Run) run = run_argv (f, args);
      g_autofree char *usage = g_strdup_printf ("lanyardctl %s%s%s [OPTION…]", commands[i][0],
                                                commands[i][1] ? " " : "",
                                                commands[i][1] ? commands[i][1] : "");

      assert_status (run, 0);
      assert_contains (run->out, usage);
      assert_contains (run->out, "--database");
      g_assert_cmpstr (run->err, ==, "");
    }

  assert_status (via_help, 0);
  assert_contains (via_help->out, "lanyardctl people add [OPTION…]");
  assert_contains (via_help->out, "--first");

  /* Help never touches the database. */
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  const char *no_args[] = { NULL };
  g_autoptr(Run) none = run_argv (f, no_args);
  g_autoptr(Run) unknown = cli (f, "frobnicate", NULL);
  g_autoptr(Run) unknown_sub = cli (f, "people", "frobnicate", NULL);
  g_autoptr(Run) no_sub = cli (f, "people", NULL);
  g_autoptr(Run) option = cli (f, "people", "list", "--frobnicate", NULL);
  g_autoptr(Run) extra = cli (f, "check", "extra", NULL);

  assert_status (none, 2);
  assert_contains (none->err, "lanyardctl: No command given");
  assert_status (unknown, 2);
  assert_contains (unknown->err, "lanyardctl: “frobnicate” is not a command");
  assert_contains (unknown->err, "lanyardctl --help");
  assert_status (unknown_sub, 2);
  assert_contains (unknown_sub->err, "“frobnicate” is not a command of “lanyardctl people”");
  assert_status (no_sub, 2);
  assert_contains (no_sub->err, "list, search, show, add, set-access, delete");
  assert_status (option, 2);
  assert_contains (option->err, "--frobnicate");
  assert_contains (option->err, "lanyardctl people list --help");
  assert_status (extra, 2);
  assert_contains (extra->err, "“extra”");
  g_assert_cmpstr (option->out, ==, "");
}

static void
test_usage_bad_values (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(Run) source = NULL;
  g_autoptr(Run) access = NULL;
  g_autoptr(Run) sort = NULL;
  g_autoptr(Run) limit = NULL;
  g_autoptr(Run) at = NULL;
  g_autoptr(Run) id = NULL;
  g_autoptr(Run) set_access = NULL;

  init_club (f);

  source = cli (f, "people", "list", "--source", "fax", NULL);
  assert_status (source, 2);
  assert_contains (source->err, "“fax” is not a value of --source; use one of: any, manual, integration, cctv");

  access = cli (f, "people", "list", "--access", "maybe", NULL);
  assert_status (access, 2);
  assert_contains (access->err, "--access; use one of: any, has, none, disabled, without-grants");

  sort = cli (f, "people", "list", "--sort", "age", NULL);
  assert_status (sort, 2);
  assert_contains (sort->err, "name, created, updated, last-used, last-synced");

  limit = cli (f, "people", "list", "--limit", "lots", NULL);
  assert_status (limit, 2);
  assert_contains (limit->err, "--limit");

  at = cli (f, "decide", "1", "1", "--at", "tomorrow", NULL);
  assert_status (at, 2);
  assert_contains (at->err, "“tomorrow” is not a time for --at");

  id = cli (f, "people", "show", "twelve", NULL);
  assert_status (id, 2);
  assert_contains (id->err, "“twelve” is not a person id");

  set_access = cli (f, "people", "set-access", "1", "--enabled", "--disabled", NULL);
  assert_status (set_access, 2);
  assert_contains (set_access->err, "--enabled or --disabled");
}

static void
test_database_not_a_database (Fixture       *f,
                              gconstpointer  data)
{
  static const char text[] = "These are my notes, not a database.\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = NULL;
  g_autofree char *after = NULL;

  g_file_set_contents (f->db, text, -1, &error);
  g_assert_no_error (error);

  run = cli (f, "people", "list", NULL);
  assert_status (run, 7);
  assert_contains (run->err, "lanyardctl: ");
  assert_contains (run->err, f->db);
  assert_contains (run->err, "not a database");
  g_assert_cmpstr (run->out, ==, "");

  /* Left as it was. */
  g_file_get_contents (f->db, &after, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, text);
}

static void
test_database_missing_dir (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "not", "there", "yet.db", NULL);
  const char *args[] = { "--database", path, "init", "--facility", "Deep", NULL };
  g_autoptr(Run) run = run_argv (f, args);
  const char *list_args[] = { "facilities", "--json", "--database", path, NULL };
  g_autoptr(Run) list = NULL;
  g_autoptr(JsonNode) root = NULL;

  assert_status (run, 0);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  list = run_argv (f, list_args);
  assert_status (list, 0);
  root = parse_json (list->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
}

static void
test_database_default_path (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *expected = g_build_filename (f->dir, "data", "lanyard", "lanyard.db", NULL);
  const char *args[] = { "init", "--facility", "Home", NULL };
  g_autoptr(Run) run = run_argv (f, args);

  /* Where the app keeps it: the user data directory. */
  assert_status (run, 0);
  assert_contains (run->out, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
}

static void
test_facility_none (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Run) init = cli (f, "init", NULL);
  g_autoptr(Run) list = cli (f, "people", "list", NULL);
  g_autoptr(Run) add = cli (f, "people", "add", "--first", "A", "--last", "B", "--email", "a@example.com", NULL);

  assert_status (init, 0);
  assert_status (list, 3);
  assert_contains (list->err, "lanyardctl init --facility NAME");
  assert_contains (list->err, "lanyardctl demo");
  assert_status (add, 3);
}

static void
test_facility_several (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(Run) first = cli (f, "init", "--facility", "North Gym", "--timezone", "Europe/Berlin", NULL);
  g_autoptr(Run) second = cli (f, "init", "--facility", "South Pool", "--timezone", "Europe/Paris", NULL);
  g_autoptr(Run) ambiguous = NULL;
  g_autoptr(Run) by_name = NULL;
  g_autoptr(Run) by_id = NULL;
  g_autoptr(Run) unknown = NULL;
  g_autoptr(Run) duplicate = NULL;

  assert_status (first, 0);
  assert_status (second, 0);

  ambiguous = cli (f, "people", "list", NULL);
  assert_status (ambiguous, 2);
  assert_contains (ambiguous->err, "--facility");
  assert_contains (ambiguous->err, "1 “North Gym”");
  assert_contains (ambiguous->err, "2 “South Pool”");

  by_name = cli (f, "people", "add", "--facility", "South Pool", "--first", "Ana", "--last", "Lima",
                 "--email", "ana@example.com", "--json", NULL);
  assert_status (by_name, 0);
  {
    g_autoptr(JsonNode) root = parse_json (by_name->out);

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "facility-id"), ==, 2);
  }

  by_id = cli (f, "people", "list", "--facility", "2", NULL);
  assert_status (by_id, 0);
  assert_contains (by_id->out, "Ana Lima");

  unknown = cli (f, "doors", "--facility", "West Wing", NULL);
  assert_status (unknown, 3);
  assert_contains (unknown->err, "“West Wing”");
  assert_contains (unknown->err, "North Gym");

  duplicate = cli (f, "init", "--facility", "North Gym", NULL);
  assert_status (duplicate, 5);
  assert_contains (duplicate->err, "North Gym");
}

static void
test_init_invalid (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Run) timezone = cli (f, "init", "--facility", "Mars Base", "--timezone", "Mars/Olympus_Mons", NULL);
  /* Checked before anything is created: no facility is left behind by a bad region. */
  g_autoptr(Run) region = cli (f, "init", "--facility", "Typo Club", "--region", "XY", NULL);
  g_autoptr(Run) list = cli (f, "facilities", "--json", NULL);
  g_autoptr(JsonNode) root = NULL;

  assert_status (timezone, 4);
  assert_contains (timezone->err, "Mars/Olympus_Mons");
  assert_status (region, 4);
  assert_contains (region->err, "XY");

  assert_status (list, 0);
  root = parse_json (list->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 0);
}

static void
test_people_add (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) search = NULL;
  g_autoptr(Run) by_phone = NULL;
  g_autoptr(Run) nobody = NULL;
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JsonObject) shown = NULL;
  JsonObject *person;
  JsonArray *tags;
  JsonArray *audit;
  gint64 id;

  init_club (f);

  add = cli (f, "people", "add", "--first", " Jürgen ", "--last", "Müller", "--phone", "0151 2345 6789",
             "--email", "Juergen@Example.com", "--type", "Gold", "--status", "Current",
             "--tags", "vip, locker,vip", "--notes", "Prefers mornings", "--json", NULL);
  assert_status (add, 0);
  added = parse_json (add->out);
  person = json_node_get_object (added);
  id = json_object_get_int_member (person, "id");
  g_assert_cmpint (id, >, 0);
  /* Normalised by the core: trimmed, E.164 in the region set at init, tags cleaned. */
  g_assert_cmpstr (json_object_get_string_member (person, "first-name"), ==, "Jürgen");
  g_assert_cmpstr (json_object_get_string_member (person, "phone"), ==, "+4915123456789");
  g_assert_cmpstr (json_object_get_string_member (person, "email"), ==, "Juergen@Example.com");
  g_assert_cmpstr (json_object_get_string_member (person, "source"), ==, "manual");
  g_assert_true (json_object_get_boolean_member (person, "access-enabled"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (person, "created-at"), "Z"));
  g_assert_true (json_object_get_null_member (person, "last-used-at"));
  tags = json_object_get_array_member (person, "custom-tags");
  g_assert_cmpuint (json_array_get_length (tags), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "vip");
  g_assert_cmpstr (json_array_get_string_element (tags, 1), ==, "locker");

  add_person (f, "Ben", "Koch", NULL, "ben@example.com");
  g_assert_cmpuint (count_people (f), ==, 2);

  /* Search folds accents and case, and reads phone digits. */
  search = cli (f, "people", "search", "muller", NULL);
  assert_status (search, 0);
  assert_contains (search->out, "Jürgen Müller");
  g_assert_null (strstr (search->out, "Ben Koch"));

  by_phone = cli (f, "people", "list", "--search", "2345 6789", "--json", NULL);
  assert_status (by_phone, 0);
  {
    g_autoptr(JsonNode) root = parse_json (by_phone->out);
    JsonArray *people = json_object_get_array_member (json_node_get_object (root), "people");

    g_assert_cmpuint (json_array_get_length (people), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (people, 0), "id"), ==, id);
    g_assert_true (json_object_get_null_member (json_node_get_object (root), "next-cursor"));
  }

  nobody = cli (f, "people", "search", "zebedee", NULL);
  assert_status (nobody, 0);
  g_assert_cmpstr (nobody->out, ==, "");
  assert_contains (nobody->err, "No one matches");

  shown = show_person (f, id);
  person = json_object_get_object_member (shown, "person");
  g_assert_cmpstr (json_object_get_string_member (person, "last-name"), ==, "Müller");
  g_assert_cmpstr (json_object_get_string_member (person, "person-type"), ==, "Gold");
  g_assert_cmpstr (json_object_get_string_member (person, "membership-status"), ==, "Current");
  g_assert_cmpstr (json_object_get_string_member (person, "notes"), ==, "Prefers mornings");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (shown, "grants")), ==, 0);
  audit = json_object_get_array_member (shown, "audit");
  g_assert_cmpuint (json_array_get_length (audit), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (audit, 0), "action"),
                   ==, "person.create");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_array_get_object_element (audit, 0),
                                                                 "changes")));
}

static void
test_people_show_text (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(Run) run = NULL;
  gint64 id;
  g_autofree char *id_text = NULL;

  init_club (f);
  id = add_person (f, "Åsa", "Ørsted", "+49 30 1234567", NULL);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  run = cli (f, "people", "show", id_text, NULL);
  assert_status (run, 0);
  assert_contains (run->out, "Åsa Ørsted (id 1)");
  assert_contains (run->out, "Facility:");
  assert_contains (run->out, "Test Club");
  assert_contains (run->out, "+49 30 1234567");
  assert_contains (run->out, "Recent changes:");
  assert_contains (run->out, "person.create");
  g_assert_cmpstr (run->err, ==, "");
}

static void
test_people_show_unknown (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(Run) run = NULL;

  init_club (f);
  run = cli (f, "people", "show", "4242", NULL);
  assert_status (run, 3);
  assert_contains (run->err, "lanyardctl: There is no person with id 4242");
  g_assert_cmpstr (run->out, ==, "");
}

static void
test_people_add_duplicate (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(Run) phone = NULL;
  g_autoptr(Run) email = NULL;
  guint n_events;

  init_club (f);
  add_person (f, "Anna", "Müller", "0151 23456789", "anna@example.com");
  n_events = count_audit_events (f);

  /* The same number typed differently is the same number. */
  phone = cli (f, "people", "add", "--first", "Ben", "--last", "Koch", "--phone", "+49 (151) 234-56789", NULL);
  assert_status (phone, 5);
  assert_contains (phone->err, "Anna Müller (id 1)");
  assert_contains (phone->err, "phone number");

  /* Emails compare case-insensitively. */
  email = cli (f, "people", "add", "--first", "Ben", "--last", "Koch", "--email", "ANNA@example.COM", NULL);
  assert_status (email, 5);
  assert_contains (email->err, "Anna Müller (id 1)");
  assert_contains (email->err, "email address");

  g_assert_cmpuint (count_people (f), ==, 1);
  g_assert_cmpuint (count_audit_events (f), ==, n_events);
}

static void
test_people_add_invalid (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *long_notes = g_strnfill (LANYARD_NOTES_MAX_CHARS + 1, 'x');
  struct {
    const char *args[9];
    const char *message;
  } cases[] = {
    { { "--first", "Ben", "--last", "Koch", "--email", "ben@@example.com" }, "has more than one “@”" },
    { { "--first", "Ben", "--last", "Koch", "--email", "ben at example.com" }, "contains a space" },
    { { "--first", "Ben", "--last", "Koch", "--phone", "12" }, "“12” is too short" },
    { { "--first", "Ben", "--last", "Koch", "--phone", "call me" }, "call me" },
    { { "--first", "Ben", "--last", "Koch" }, "A mobile phone or an email address is required" },
    { { "--first", "Ben", "--email", "ben@example.com" }, "Last name" },
    { { "--first", "Ben", "--last", "Koch", "--email", "ben@example.com", "--notes", long_notes }, "Notes" },
  };
  guint n_events;

  init_club (f);
  add_person (f, "Anna", "Müller", NULL, "anna@example.com");
  n_events = count_audit_events (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autoptr(Run) run = NULL;

      g_ptr_array_add (args, (gpointer)"people");
      g_ptr_array_add (args, (gpointer)"add");
      for (guint j = 0; cases[i].args[j]; j++)
        g_ptr_array_add (args, (gpointer)cases[i].args[j]);
      g_ptr_array_add (args, (gpointer)"--database");
      g_ptr_array_add (args, f->db);
      g_ptr_array_add (args, NULL);

      run = run_argv (f, (const char * const *)args->pdata);
      assert_status (run, 4);
      assert_contains (run->err, "lanyardctl: ");
      assert_contains (run->err, cases[i].message);
      g_assert_cmpstr (run->out, ==, "");
    }

  /* Nothing half-written: the same people, the same audit log. */
  g_assert_cmpuint (count_people (f), ==, 1);
  g_assert_cmpuint (count_audit_events (f), ==, n_events);
}

/* The character column where @needle starts in @line. */
static glong
column_of (const char *line,
           const char *needle)
{
  const char *found = strstr (line, needle);

  g_assert_nonnull (found);
  return g_utf8_pointer_to_offset (line, found);
}

static void
test_people_list_table (Fixture       *f,
                        gconstpointer  data)
{
  static const char * const emails[] = { "zoe@example.com", "li@example.com", "bjorn@example.com" };
  g_autoptr(Run) run = NULL;
  g_auto(GStrv) lines = NULL;
  glong email_column;
  guint n_lines;

  init_club (f);
  add_person (f, "Zoë", "Ševčík-Ødegård", NULL, emails[0]);
  add_person (f, "Li", "Wang", "030 1234567", emails[1]);
  add_person (f, "Björn", "Åström", NULL, emails[2]);

  run = cli (f, "people", "list", NULL);
  assert_status (run, 0);
  g_assert_cmpstr (run->err, ==, "");

  lines = g_strsplit (run->out, "\n", -1);
  n_lines = g_strv_length (lines);
  g_assert_cmpuint (n_lines, ==, 5);  /* header, three rows, and the empty rest after the last newline */
  g_assert_cmpstr (lines[4], ==, "");
  assert_contains (lines[0], "NAME");
  assert_contains (lines[0], "BADGES");

  /* Columns line up in characters, not bytes, whatever the accents. */
  email_column = column_of (lines[0], "EMAIL");
  for (guint i = 1; i < 4; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (emails); j++)
        if (strstr (lines[i], emails[j]))
          {
            g_assert_cmpint (column_of (lines[i], emails[j]), ==, email_column);
            found = TRUE;
          }
      g_assert_true (found);
      g_assert_false (g_str_has_suffix (lines[i], " "));
    }

  /* Sorted by last name, folded: Åström, Ševčík, Wang. */
  assert_contains (lines[1], "Björn Åström");
  assert_contains (lines[3], "Li Wang");
}

static void
test_people_list_paging (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonArray) people = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(Run) bad_cursor = NULL;

  demo (f, "200");

  people = list_all_people (f, NULL);
  g_assert_cmpuint (json_array_get_length (people), ==, 200);
  for (guint i = 0; i < 200; i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (people, i), "id");

      g_assert_true (g_hash_table_add (ids, g_memdup2 (&id, sizeof id)));
    }

  /* The store judges cursors: a bad one is invalid input, and says so. */
  bad_cursor = cli (f, "people", "list", "--cursor", "not a cursor!", NULL);
  assert_status (bad_cursor, 4);
  assert_contains (bad_cursor->err, "not a page cursor");
}

static void
test_people_list_filters (Fixture       *f,
                          gconstpointer  data)
{
  static const char * const disabled[] = { "--access", "disabled", NULL };
  static const char * const has[] = { "--access", "has", NULL };
  static const char * const gold[] = { "--type", "Gold", NULL };
  static const char * const synced[] = { "--source", "integration", NULL };
  static const char * const newest[] = { "--sort", "created", "--desc", NULL };
  g_autoptr(JsonArray) all = NULL;
  g_autoptr(JsonArray) people = NULL;
  guint n_disabled, n_has, n_gold, n_synced;
  const char *previous = NULL;

  demo (f, "200");
  all = list_all_people (f, NULL);

  /* Each filter returns exactly the people of the whole list that match it. */
  n_disabled = n_has = n_gold = n_synced = 0;
  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      JsonObject *person = json_array_get_object_element (all, i);

      n_disabled += !json_object_get_boolean_member (person, "access-enabled");
      n_has += json_object_get_boolean_member (person, "has-access");
      n_gold += g_strcmp0 (json_object_get_string_member (person, "person-type"), "Gold") == 0;
      n_synced += g_strcmp0 (json_object_get_string_member (person, "source"), "integration") == 0;
    }
  g_assert_cmpuint (n_disabled, >, 0);
  g_assert_cmpuint (n_gold, >, 0);
  g_assert_cmpuint (n_synced, >, 0);

  people = list_all_people (f, disabled);
  g_assert_cmpuint (json_array_get_length (people), ==, n_disabled);
  for (guint i = 0; i < json_array_get_length (people); i++)
    g_assert_false (json_object_get_boolean_member (json_array_get_object_element (people, i), "access-enabled"));
  g_clear_pointer (&people, json_array_unref);

  people = list_all_people (f, has);
  g_assert_cmpuint (json_array_get_length (people), ==, n_has);
  g_clear_pointer (&people, json_array_unref);

  people = list_all_people (f, gold);
  g_assert_cmpuint (json_array_get_length (people), ==, n_gold);
  g_clear_pointer (&people, json_array_unref);

  people = list_all_people (f, synced);
  g_assert_cmpuint (json_array_get_length (people), ==, n_synced);
  g_clear_pointer (&people, json_array_unref);

  people = list_all_people (f, newest);
  g_assert_cmpuint (json_array_get_length (people), ==, 200);
  for (guint i = 0; i < json_array_get_length (people); i++)
    {
      const char *created = json_object_get_string_member (json_array_get_object_element (people, i), "created-at");

      if (previous != NULL)
        g_assert_cmpstr (created, <=, previous);
      previous = created;
    }
}

/* The first person in "people list --json FILTERS…" with no grants, or fails. */
static gint64
find_person_without_grants (Fixture            *f,
                            const char * const *filters)
{
  g_autoptr(JsonArray) people = list_all_people (f, filters);

  for (guint i = 0; i < json_array_get_length (people); i++)
    {
      JsonObject *person = json_array_get_object_element (people, i);

      if (json_object_get_int_member (person, "grant-count") == 0)
        return json_object_get_int_member (person, "id");
    }

  g_assert_not_reached ();
}

static JsonObject *
decide (Fixture    *f,
        gint64      person_id,
        const char *door,
        const char *at)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, person_id);
  g_autoptr(Run) run = cli (f, "decide", id_text, door, "--json", "--at", at, NULL);
  g_autoptr(JsonNode) root = NULL;

  /* Allowed or denied, a decision that was made exits 0. */
  assert_status (run, 0);
  root = parse_json (run->out);

  return json_object_ref (json_node_get_object (root));
}

static void
test_decide (Fixture       *f,
             gconstpointer  data)
{
  static const char * const staff[] = { "--type", "Staff", "--access", "has", NULL };
  static const char * const bronze[] = { "--type", "Bronze", "--access", "has", NULL };
  static const char * const disabled[] = { "--access", "disabled", NULL };
  /* Wednesday and Sunday noon in Berlin, the demo facility's time zone. */
  static const char wednesday[] = "2025-03-12T12:00:00+01:00";
  static const char sunday[] = "2025-03-16T12:00+01:00";
  g_autoptr(JsonObject) decision = NULL;
  g_autoptr(Run) text = NULL;
  g_autoptr(Run) unknown_door = NULL;
  g_autofree char *staff_id = NULL;
  gint64 id;

  demo (f, "200");

  /* The demo's "Staff" rule opens every door at any time. */
  id = find_person_without_grants (f, staff);
  decision = decide (f, id, "Main entrance", sunday);
  g_assert_true (json_object_get_boolean_member (decision, "allowed"));
  g_assert_cmpstr (json_object_get_string_member (decision, "reason"), ==, "allowed");
  g_assert_cmpstr (json_object_get_string_member (decision, "match-kind"), ==, "rule");
  g_assert_cmpstr (json_object_get_string_member (decision, "match-name"), ==, "rule “Staff”");
  g_assert_cmpstr (json_object_get_string_member (decision, "door-name"), ==, "Main entrance");
  g_assert_cmpstr (json_object_get_string_member (decision, "at"), ==, "2025-03-16T11:00:00Z");
  g_clear_pointer (&decision, json_object_unref);

  staff_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  text = cli (f, "decide", staff_id, "Main entrance", "--at", sunday, NULL);
  assert_status (text, 0);
  g_assert_true (g_str_has_prefix (text->out, "Allowed\n"));
  assert_contains (text->out, "Access is allowed");
  assert_contains (text->out, "rule “Staff”");
  assert_contains (text->out, "Sun 2025-03-16 12:00");

  /* "Bronze members": entrances on weekdays 09:00–16:00 only; nothing reaches the server room. */
  id = find_person_without_grants (f, bronze);
  decision = decide (f, id, "Main entrance", wednesday);
  g_assert_true (json_object_get_boolean_member (decision, "allowed"));
  g_assert_cmpstr (json_object_get_string_member (decision, "match-name"), ==, "rule “Bronze members”");
  g_clear_pointer (&decision, json_object_unref);

  decision = decide (f, id, "Main entrance", sunday);
  g_assert_false (json_object_get_boolean_member (decision, "allowed"));
  g_assert_cmpstr (json_object_get_string_member (decision, "reason"), ==, "outside-hours");
  g_assert_cmpstr (json_object_get_string_member (decision, "reason-text"), ==,
                   "A rule or grant covers this door, but not at this time");
  g_clear_pointer (&decision, json_object_unref);

  decision = decide (f, id, "Server room", wednesday);
  g_assert_false (json_object_get_boolean_member (decision, "allowed"));
  g_assert_cmpstr (json_object_get_string_member (decision, "reason"), ==, "no-rule-or-grant");
  g_assert_cmpstr (json_object_get_string_member (decision, "match-kind"), ==, "none");
  g_assert_true (json_object_get_null_member (decision, "match-name"));
  g_clear_pointer (&decision, json_object_unref);

  /* The kill switch beats every rule. */
  id = find_person_without_grants (f, disabled);
  decision = decide (f, id, "Main entrance", wednesday);
  g_assert_false (json_object_get_boolean_member (decision, "allowed"));
  g_assert_cmpstr (json_object_get_string_member (decision, "reason"), ==, "access-disabled");
  g_clear_pointer (&decision, json_object_unref);

  /* An unknown person is denied, and that is still a decision. */
  decision = decide (f, 999999, "1", wednesday);
  g_assert_false (json_object_get_boolean_member (decision, "allowed"));
  g_assert_cmpstr (json_object_get_string_member (decision, "reason"), ==, "unknown-person");
  g_clear_pointer (&decision, json_object_unref);

  unknown_door = cli (f, "decide", staff_id, "Moon gate", NULL);
  assert_status (unknown_door, 3);
  assert_contains (unknown_door->err, "“Moon gate”");
}

static void
test_people_set_access (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(Run) off = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) audit = NULL;
  g_autoptr(Run) unknown = NULL;
  g_autoptr(Run) on = NULL;
  g_autoptr(Run) relist = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) shown = NULL;
  JsonObject *event;
  JsonArray *change;

  init_club (f);
  add_person (f, "Anna", "Berg", NULL, "anna@example.com");
  add_person (f, "Ben", "Koch", NULL, "ben@example.com");

  off = cli (f, "people", "set-access", "1", "--disabled", NULL);
  assert_status (off, 0);
  assert_contains (off->out, "Disabled access for 1 person");

  shown = show_person (f, 1);
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (shown, "person"), "access-enabled"));

  list = cli (f, "people", "list", NULL);
  assert_status (list, 0);
  {
    g_auto(GStrv) lines = g_strsplit (list->out, "\n", -1);

    assert_contains (lines[1], "Anna Berg");
    assert_contains (lines[1], "disabled");
    assert_contains (lines[2], "Ben Koch");
    g_assert_null (strstr (lines[2], "disabled"));
  }

  audit = cli (f, "audit", "--target", "person", "--id", "1", "--json", NULL);
  assert_status (audit, 0);
  root = parse_json (audit->out);
  event = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (event, "action"), ==, "person.update");
  g_assert_cmpstr (json_object_get_string_member (event, "target-label"), ==, "Anna Berg");
  change = json_object_get_array_member (json_object_get_object_member (event, "changes"), "access-enabled");
  g_assert_true (json_array_get_boolean_element (change, 0));
  g_assert_false (json_array_get_boolean_element (change, 1));

  /* All or nothing: an unknown id leaves Ben alone. */
  unknown = cli (f, "people", "set-access", "2", "77", "--disabled", NULL);
  assert_status (unknown, 3);
  assert_contains (unknown->err, "77");
  g_clear_pointer (&shown, json_object_unref);
  shown = show_person (f, 2);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (shown, "person"), "access-enabled"));

  on = cli (f, "people", "set-access", "1", "2", "--enabled", NULL);
  assert_status (on, 0);
  assert_contains (on->out, "Enabled access for 1 person (1 already was)");

  relist = cli (f, "people", "list", NULL);
  assert_status (relist, 0);
  g_assert_null (strstr (relist->out, "disabled"));
}

static void
test_people_delete (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Run) refused = NULL;
  g_autoptr(Run) still_there = NULL;
  g_autoptr(Run) deleted = NULL;
  g_autoptr(Run) gone = NULL;
  g_autoptr(Run) audit = NULL;
  g_autoptr(Run) unknown = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *event;

  init_club (f);
  add_person (f, "Anna", "Berg", NULL, "anna@example.com");
  add_person (f, "Ben", "Koch", NULL, "ben@example.com");

  /* Stdin is a pipe: no one to ask, so no deleting without --yes. */
  refused = cli (f, "people", "delete", "1", NULL);
  assert_status (refused, 2);
  assert_contains (refused->err, "--yes");
  still_there = cli (f, "people", "show", "1", NULL);
  assert_status (still_there, 0);

  unknown = cli (f, "people", "delete", "1", "99", "--yes", NULL);
  assert_status (unknown, 3);
  g_assert_cmpuint (count_people (f), ==, 2);

  deleted = cli (f, "people", "delete", "1", "--yes", NULL);
  assert_status (deleted, 0);
  assert_contains (deleted->out, "Deleted Anna Berg (id 1)");

  gone = cli (f, "people", "show", "1", NULL);
  assert_status (gone, 3);
  g_assert_cmpuint (count_people (f), ==, 1);

  /* The audit log outlives the person. */
  audit = cli (f, "audit", "--target", "person", "--id", "1", "--json", NULL);
  assert_status (audit, 0);
  root = parse_json (audit->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 2);
  event = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (event, "action"), ==, "person.delete");
  g_assert_cmpstr (json_object_get_string_member (event, "target-label"), ==, "Anna Berg");
}

static void
test_audit (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) settings = NULL;
  g_autoptr(Run) table = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) settings_root = NULL;
  JsonArray *events;
  JsonObject *newest;

  init_club (f);
  add_person (f, "Anna", "Berg", NULL, "anna@example.com");
  add_person (f, "Ben", "Koch", NULL, "ben@example.com");

  run = cli (f, "audit", "--limit", "2", "--json", NULL);
  assert_status (run, 0);
  root = parse_json (run->out);
  events = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (events), ==, 2);
  newest = json_array_get_object_element (events, 0);
  g_assert_cmpint (json_object_get_int_member (newest, "id"), >,
                   json_object_get_int_member (json_array_get_object_element (events, 1), "id"));
  g_assert_cmpstr (json_object_get_string_member (newest, "target-label"), ==, "Ben Koch");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (newest, "at"), "Z"));
  {
    JsonObject *changes = json_object_get_object_member (newest, "changes");
    JsonArray *email = json_object_get_array_member (changes, "email");

    g_assert_true (json_node_is_null (json_array_get_element (email, 0)));
    g_assert_cmpstr (json_array_get_string_element (email, 1), ==, "ben@example.com");
  }

  /* Setting the phone region at init is audited too, with no facility. */
  settings = cli (f, "audit", "--target", "settings", "--json", NULL);
  assert_status (settings, 0);
  settings_root = parse_json (settings->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (settings_root)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (settings_root), 0),
                                                  "target-label"), ==, "phone-region");

  table = cli (f, "audit", NULL);
  assert_status (table, 0);
  assert_contains (table->out, "ACTION");
  assert_contains (table->out, "person.create");
  assert_contains (table->out, "person 2 “Ben Koch”");
  assert_contains (table->out, "{\"first-name\":[null,\"Ben\"]");
}

static void
test_check (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(Run) good = NULL;
  g_autoptr(Run) bad = NULL;
  sqlite3 *db = NULL;

  demo (f, "50");

  good = cli (f, "check", NULL);
  assert_status (good, 0);
  assert_contains (good->out, "No problems found");

  /* Damage a derived count behind the store's back: check must notice and exit 1. */
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE facility_stats SET people = people + 3", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  bad = cli (f, "check", NULL);
  assert_status (bad, 1);
  assert_contains (bad->out, "Stat tile counts");
  assert_contains (bad->err, "1 problem found");
}

static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(Run) run = cli (f, "demo", "--people", "30", "--seed", "7", "--facility", "Harbour Gym", NULL);
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) missing = NULL;
  g_autoptr(Run) facilities = NULL;
  g_autoptr(Run) doors = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) doors_root = NULL;
  JsonObject *facility;

  assert_status (run, 0);
  assert_contains (run->out, "“Harbour Gym”");
  assert_contains (run->out, "30 people");
  /* Stderr is not a terminal: no progress line. */
  g_assert_cmpstr (run->err, ==, "");

  facilities = cli (f, "facilities", "--json", NULL);
  assert_status (facilities, 0);
  root = parse_json (facilities->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  facility = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (facility, "name"), ==, "Harbour Gym");
  g_assert_cmpstr (json_object_get_string_member (facility, "timezone"), ==, "Europe/Berlin");
  g_assert_cmpint (json_object_get_int_member (facility, "people"), ==, 30);

  doors = cli (f, "doors", "--json", NULL);
  assert_status (doors, 0);
  doors_root = parse_json (doors->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (doors_root)), >, 0);

  again = cli (f, "demo", "--people", "5", "--facility", "Harbour Gym", NULL);
  assert_status (again, 5);
  assert_contains (again->err, "Harbour Gym");

  missing = cli (f, "demo", NULL);
  assert_status (missing, 2);
  assert_contains (missing->err, "--people");
}


/* import, export */

static char *
import_data (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "import", name, NULL);
}

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *sheets = import_data ("google-sheets.csv");
  g_autofree char *problems = import_data ("problems.csv");
  g_autofree char *too_many = import_data ("201-rows.csv");
  g_autoptr(Run) dry = NULL;
  g_autoptr(Run) run = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) partial = NULL;
  g_autoptr(Run) json = NULL;
  g_autoptr(Run) limit = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  init_club (f);

  dry = cli (f, "import", sheets, "--dry-run", NULL);
  assert_status (dry, 0);
  assert_contains (dry->out, "Mobile → Mobile phone");
  assert_contains (dry->out, "Would import 3, skip 0");
  g_assert_cmpuint (count_people (f), ==, 0);

  run = cli (f, "import", sheets, NULL);
  assert_status (run, 0);
  assert_contains (run->out, "Imported 3, skipped 0");
  g_assert_cmpuint (count_people (f), ==, 3);

  again = cli (f, "import", sheets, NULL);
  assert_status (again, 0);
  assert_contains (again->out, "Row 2: skipped: Mobile: Ada Lovelace already has this mobile phone\n");
  assert_contains (again->out, "Imported 0, skipped 3");

  /* Some rows refused: the others are imported, and the status says so. */
  partial = cli (f, "import", problems, NULL);
  assert_status (partial, 4);
  assert_contains (partial->out, "Row 2: not imported: Door grants: No door is called “Front”; Door grants: No door is called “Sauna”\n");
  assert_contains (partial->out, "Imported 0, skipped 0 (already there), errors 10.");

  json = cli (f, "import", problems, "--dry-run", "--json", NULL);
  assert_status (json, 4);
  root = parse_json (json->out);
  object = json_node_get_object (root);
  g_assert_false (json_object_get_boolean_member (object, "written"));
  g_assert_cmpint (json_object_get_int_member (object, "errors"), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (
                       json_object_get_array_member (
                         json_array_get_object_element (json_object_get_array_member (object, "rows"), 0),
                         "problems"), 0),
                     "column"), ==, "Door grants");

  limit = cli (f, "import", too_many, NULL);
  assert_status (limit, 4);
  assert_contains (limit->err, "at most 200");
  g_assert_cmpuint (count_people (f), ==, 3);
}

static void
test_import_bad_files (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *broken = g_build_filename (f->dir, "broken.csv", NULL);
  g_autofree char *no_contact = g_build_filename (f->dir, "names.csv", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.csv", NULL);
  g_autoptr(Run) quote = NULL;
  g_autoptr(Run) columns = NULL;
  g_autoptr(Run) absent = NULL;
  g_autoptr(Run) bad_map = NULL;

  init_club (f);

  g_assert_true (g_file_set_contents (broken, "Email,Notes\nann@example.org,\"never closed\n", -1, NULL));
  quote = cli (f, "import", broken, NULL);
  assert_status (quote, 4);
  assert_contains (quote->err, "broken.csv: ");
  assert_contains (quote->err, "2");

  g_assert_true (g_file_set_contents (no_contact, "First name,Last name\nAnn,Lee\n", -1, NULL));
  columns = cli (f, "import", no_contact, NULL);
  assert_status (columns, 4);
  assert_contains (columns->err, "“Mobile phone” or “Email”");

  absent = cli (f, "import", missing, NULL);
  assert_status (absent, 1);
  assert_contains (absent->err, "missing.csv");

  bad_map = cli (f, "import", no_contact, "--map", "Last name=shoe-size", NULL);
  assert_status (bad_map, 2);
  assert_contains (bad_map->err, "--map");
  g_assert_cmpuint (count_people (f), ==, 0);
}

static void
test_import_mapping (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *first = g_build_filename (f->dir, "first.csv", NULL);
  g_autofree char *second = g_build_filename (f->dir, "second.csv", NULL);
  g_autoptr(Run) mapped = NULL;
  g_autoptr(Run) reused = NULL;
  g_autoptr(Run) unknown = NULL;

  init_club (f);

  /* Headers nobody would guess; --map says, and the mapping is saved for next time. */
  g_assert_true (g_file_set_contents (first, "Given;Family;Reach me\nAnn;Lee;ann@example.org\n", -1, NULL));
  mapped = cli (f, "import", first, "--map", "given=first-name", "--map", "FAMILY=last-name",
                "--map", "Reach me=email", "--save-mapping", "Club", NULL);
  assert_status (mapped, 0);
  assert_contains (mapped->out, "Imported 1");

  /* The next file has the columns in another order. */
  g_assert_true (g_file_set_contents (second, "Reach me;Given;Family\nbo@example.org;Bo;Ek\n", -1, NULL));
  reused = cli (f, "import", second, "--mapping", "Club", NULL);
  assert_status (reused, 0);
  assert_contains (reused->out, "Imported 1");
  g_assert_cmpuint (count_people (f), ==, 2);

  unknown = cli (f, "import", second, "--mapping", "Nope", NULL);
  assert_status (unknown, 3);
  assert_contains (unknown->err, "Nope");
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *sheets = import_data ("google-sheets.csv");
  g_autofree char *out = g_build_filename (f->dir, "out.csv", NULL);
  g_autofree char *template = g_build_filename (f->dir, "template.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(Run) imported = NULL;
  g_autoptr(Run) stdout_export = NULL;
  g_autoptr(Run) file_export = NULL;
  g_autoptr(Run) filtered = NULL;
  g_autoptr(Run) empty = NULL;

  init_club (f);
  imported = cli (f, "import", sheets, NULL);
  assert_status (imported, 0);

  stdout_export = cli (f, "export", NULL);
  assert_status (stdout_export, 0);
  g_assert_true (g_str_has_prefix (stdout_export->out, "\xef\xbb\xbf" "First name,Last name,Mobile phone,Email"));
  assert_contains (stdout_export->out, "Ada,Lovelace,+447911123456,ada@example.org,Gold,\"vip, morning\",,yes");
  assert_contains (stdout_export->out, "\"Prefers lane 3, not lane 4.\nAsk at reception.\"");

  file_export = cli (f, "export", "--type", "Gold", "-o", out, NULL);
  assert_status (file_export, 0);
  assert_contains (file_export->err, "Exported 1 person");
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  assert_contains (contents, "Lovelace");
  g_assert_null (strstr (contents, "Hopper"));

  /* A bad filter is refused before the file is touched. */
  filtered = cli (f, "export", "--access", "sideways", "-o", out, NULL);
  assert_status (filtered, 2);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  assert_contains (contents, "Lovelace");

  empty = cli (f, "export", "--template", "-o", template, NULL);
  assert_status (empty, 0);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (template, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "\xef\xbb\xbf" "First name,Last name,Mobile phone,Email,Person type,Tags,Notes,"
                                 "Access enabled,Door grants,Scope grants\r\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  lanyardctl_path = g_getenv ("LANYARDCTL");
  if (lanyardctl_path == NULL)
    lanyardctl_path = g_test_get_filename (G_TEST_BUILT, "..", "src", "cli", "lanyardctl", NULL);

#define ADD_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD_TEST ("/cli/help", test_help);
  ADD_TEST ("/cli/usage/errors", test_usage_errors);
  ADD_TEST ("/cli/usage/bad-values", test_usage_bad_values);
  ADD_TEST ("/cli/database/not-a-database", test_database_not_a_database);
  ADD_TEST ("/cli/database/missing-dir", test_database_missing_dir);
  ADD_TEST ("/cli/database/default-path", test_database_default_path);
  ADD_TEST ("/cli/facility/none", test_facility_none);
  ADD_TEST ("/cli/facility/several", test_facility_several);
  ADD_TEST ("/cli/init/invalid", test_init_invalid);
  ADD_TEST ("/cli/people/add", test_people_add);
  ADD_TEST ("/cli/people/add/duplicate", test_people_add_duplicate);
  ADD_TEST ("/cli/people/add/invalid", test_people_add_invalid);
  ADD_TEST ("/cli/people/show/text", test_people_show_text);
  ADD_TEST ("/cli/people/show/unknown", test_people_show_unknown);
  ADD_TEST ("/cli/people/list/table", test_people_list_table);
  ADD_TEST ("/cli/people/list/paging", test_people_list_paging);
  ADD_TEST ("/cli/people/list/filters", test_people_list_filters);
  ADD_TEST ("/cli/people/set-access", test_people_set_access);
  ADD_TEST ("/cli/people/delete", test_people_delete);
  ADD_TEST ("/cli/decide", test_decide);
  ADD_TEST ("/cli/audit", test_audit);
  ADD_TEST ("/cli/check", test_check);
  ADD_TEST ("/cli/demo", test_demo);
  ADD_TEST ("/cli/import", test_import);
  ADD_TEST ("/cli/import/bad-files", test_import_bad_files);
  ADD_TEST ("/cli/import/mapping", test_import_mapping);
  ADD_TEST ("/cli/export", test_export);

#undef ADD_TEST

  return g_test_run ();
}
