/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "lanyard-test-utils.h"

/* Import and export: column mapping, the dry run, the import, the round trip. */

typedef struct {
  char               *dir;
  LanyardSqliteStore *sqlite;
  LanyardStore       *store;
  gint64              facility_id;
} Fixture;

static gint64
add_scope (LanyardStore *store,
           gint64        facility_id,
           const char   *name,
           const char   *door)
{
  g_autoptr(LanyardScope) scope = lanyard_scope_new ();
  g_autoptr(LanyardScope) saved = NULL;
  g_autoptr(GError) error = NULL;
  gint64 door_id = lanyard_test_door_id (store, facility_id, door);

  lanyard_scope_set_facility_id (scope, facility_id);
  lanyard_scope_set_name (scope, name);
  lanyard_scope_set_door_ids (scope, &door_id, 1);
  saved = lanyard_store_save_scope (store, scope, NULL, &error);
  g_assert_no_error (error);

  return lanyard_scope_get_id (saved);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = lanyard_test_dir_new ();
  f->sqlite = lanyard_test_store_new (f->dir);
  f->store = LANYARD_STORE (f->sqlite);
  f->facility_id = lanyard_test_add_facility (f->store, "Import Hall");
  add_scope (f->store, f->facility_id, "Wellness", "Pool");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->sqlite);
  lanyard_test_dir_free (f->dir);
}

static LanyardCsvTable *
load_table (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "import", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  LanyardCsvTable *table;

  bytes = lanyard_csv_load_file (file, NULL, &error);
  g_assert_no_error (error);
  table = lanyard_csv_parse (bytes, 0, &error);
  g_assert_no_error (error);

  return table;
}

static LanyardImportMapping *
guess_mapping (LanyardCsvTable *table)
{
  g_auto(GStrv) header = lanyard_csv_table_dup_header (table);

  return lanyard_import_mapping_guess ((const char * const *)header, g_strv_length (header));
}

static LanyardImportResult *
check_file (Fixture    *f,
            const char *name)
{
  g_autoptr(LanyardCsvTable) table = load_table (name);
  g_autoptr(LanyardImportMapping) mapping = guess_mapping (table);
  g_autoptr(GError) error = NULL;
  LanyardImportResult *result;

  result = lanyard_import_check (f->store, f->facility_id, table, mapping, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lanyard_import_result_get_written (result));

  return result;
}

static LanyardImportResult *
run_file (Fixture    *f,
          gint64      facility_id,
          const char *name)
{
  g_autoptr(LanyardCsvTable) table = load_table (name);
  g_autoptr(LanyardImportMapping) mapping = guess_mapping (table);
  g_autoptr(GError) error = NULL;
  LanyardImportResult *result;

  result = lanyard_import_run (f->store, facility_id, table, mapping, name, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_import_result_get_written (result));

  return result;
}

static guint
count_people (Fixture *f)
{
  LanyardPeopleCounts counts = { 0 };
  g_autoptr(GError) error = NULL;

  lanyard_store_count_people (f->store, f->facility_id, &counts, NULL, &error);
  g_assert_no_error (error);

  return counts.all;
}

static void
assert_outcome (LanyardImportResult  *result,
                guint                 index,
                guint                 line,
                LanyardImportOutcome  outcome)
{
  const LanyardImportRow *row = lanyard_import_result_get_row (result, index);

  if (lanyard_import_row_get_outcome (row) != outcome)
    {
      g_autofree char *problems = lanyard_import_row_dup_problems (row);

      g_error ("row %u (line %u): outcome %d, expected %d; problems: %s", index,
               lanyard_import_row_get_line (row), lanyard_import_row_get_outcome (row), outcome, problems);
    }
  g_assert_cmpuint (lanyard_import_row_get_line (row), ==, line);
}

/* Asserts that the problem in @column mentions @text. */
static void
assert_problem (LanyardImportResult *result,
                guint                index,
                int                  column,
                const char          *text)
{
  const LanyardImportRow *row = lanyard_import_result_get_row (result, index);
  g_autofree char *problems = lanyard_import_row_dup_column_problems (row, column);

  if (problems == NULL || strstr (problems, text) == NULL)
    {
      g_autofree char *all = lanyard_import_row_dup_problems (row);

      g_error ("row %u: expected “%s” in column %d; the row's problems: %s", index, text, column, all);
    }
}

/* Mapping */

static void
test_guess_german (void)
{
  const char *headers[] = { "Vorname", "Nachname", "Mobil", "E-Mail", "Gruppen", "Typ", "Bemerkung",
                            "Aktiv", "Türen", "Bereiche", "Mitgliedsnummer", NULL };
  const LanyardImportField expected[] = {
    LANYARD_IMPORT_FIELD_FIRST_NAME, LANYARD_IMPORT_FIELD_LAST_NAME, LANYARD_IMPORT_FIELD_PHONE,
    LANYARD_IMPORT_FIELD_EMAIL, LANYARD_IMPORT_FIELD_TAGS, LANYARD_IMPORT_FIELD_PERSON_TYPE,
    LANYARD_IMPORT_FIELD_NOTES, LANYARD_IMPORT_FIELD_ACCESS_ENABLED, LANYARD_IMPORT_FIELD_DOOR_GRANTS,
    LANYARD_IMPORT_FIELD_SCOPE_GRANTS, LANYARD_IMPORT_FIELD_NONE,
  };
  g_autoptr(LanyardImportMapping) mapping = lanyard_import_mapping_guess (headers, G_N_ELEMENTS (expected));

  for (guint c = 0; c < G_N_ELEMENTS (expected); c++)
    g_assert_cmpint (lanyard_import_mapping_get_field (mapping, c), ==, expected[c]);

  g_assert_true (lanyard_import_mapping_check (mapping, headers, NULL));
}

static void
test_guess_english (void)
{
  const char *headers[] = { " FIRST NAME", "Surname", "Cell", "E-mail Address", "Groups", "Member Type",
                            "Comments", "Access", "Doors", "Scopes", "Has access", "Phone", NULL };
  const LanyardImportField expected[] = {
    LANYARD_IMPORT_FIELD_FIRST_NAME, LANYARD_IMPORT_FIELD_LAST_NAME, LANYARD_IMPORT_FIELD_PHONE,
    LANYARD_IMPORT_FIELD_EMAIL, LANYARD_IMPORT_FIELD_TAGS, LANYARD_IMPORT_FIELD_PERSON_TYPE,
    LANYARD_IMPORT_FIELD_NOTES, LANYARD_IMPORT_FIELD_ACCESS_ENABLED, LANYARD_IMPORT_FIELD_DOOR_GRANTS,
    LANYARD_IMPORT_FIELD_SCOPE_GRANTS,
    /* Exports write "Has access" as information: it is not the switch. */
    LANYARD_IMPORT_FIELD_NONE,
    /* The phone went to "Cell" already: a field goes to its first column only. */
    LANYARD_IMPORT_FIELD_NONE,
  };
  g_autoptr(LanyardImportMapping) mapping = lanyard_import_mapping_guess (headers, G_N_ELEMENTS (expected));

  for (guint c = 0; c < G_N_ELEMENTS (expected); c++)
    g_assert_cmpint (lanyard_import_mapping_get_field (mapping, c), ==, expected[c]);
}

static void
test_mapping_check (void)
{
  const char *headers[] = { "Name", "Remarks", "Mobile", NULL };
  g_autoptr(LanyardImportMapping) mapping = lanyard_import_mapping_new (3);
  g_autoptr(GError) error = NULL;

  g_assert_false (lanyard_import_mapping_check (mapping, headers, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Mobile phone"));
  g_clear_error (&error);

  lanyard_import_mapping_set_field (mapping, 2, LANYARD_IMPORT_FIELD_PHONE);
  g_assert_false (lanyard_import_mapping_check (mapping, headers, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "First name"));
  g_clear_error (&error);

  lanyard_import_mapping_set_field (mapping, 0, LANYARD_IMPORT_FIELD_FIRST_NAME);
  lanyard_import_mapping_set_field (mapping, 1, LANYARD_IMPORT_FIELD_LAST_NAME);
  g_assert_true (lanyard_import_mapping_check (mapping, headers, &error));
  g_assert_no_error (error);

  lanyard_import_mapping_set_field (mapping, 0, LANYARD_IMPORT_FIELD_PHONE);
  g_assert_false (lanyard_import_mapping_check (mapping, headers, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Column 1 (“Name”)"));
  g_assert_nonnull (strstr (error->message, "Column 3 (“Mobile”)"));
}

static void
test_mapping_json (void)
{
  const char *headers[] = { "Handy", "Mail", "Wer", NULL };
  const char *reordered[] = { "Wer", "MAIL", "Extra", "Handy", NULL };
  g_autoptr(LanyardImportMapping) mapping = lanyard_import_mapping_new (3);
  g_autoptr(LanyardImportMapping) applied = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  lanyard_import_mapping_set_field (mapping, 0, LANYARD_IMPORT_FIELD_PHONE);
  lanyard_import_mapping_set_field (mapping, 1, LANYARD_IMPORT_FIELD_EMAIL);
  lanyard_import_mapping_set_field (mapping, 2, LANYARD_IMPORT_FIELD_FIRST_NAME);
  json = lanyard_import_mapping_to_json (mapping, headers);

  /* Another file with the same columns in another order, one more, and a header in capitals. */
  applied = lanyard_import_mapping_new_from_json (json, reordered, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_import_mapping_get_field (applied, 0), ==, LANYARD_IMPORT_FIELD_FIRST_NAME);
  g_assert_cmpint (lanyard_import_mapping_get_field (applied, 1), ==, LANYARD_IMPORT_FIELD_EMAIL);
  g_assert_cmpint (lanyard_import_mapping_get_field (applied, 2), ==, LANYARD_IMPORT_FIELD_NONE);
  g_assert_cmpint (lanyard_import_mapping_get_field (applied, 3), ==, LANYARD_IMPORT_FIELD_PHONE);

  g_assert_null (lanyard_import_mapping_new_from_json ("{\"Handy\": \"shoe size\"}", headers, 3, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Handy"));
  g_clear_error (&error);

  g_assert_null (lanyard_import_mapping_new_from_json ("[1, 2]", headers, 3, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Two headers that are one without case and punctuation: each keeps its own field. */
  {
    const char *twins[] = { "Email", "E-Mail", NULL };
    g_autoptr(LanyardImportMapping) both = lanyard_import_mapping_new (2);
    g_autoptr(LanyardImportMapping) again = NULL;
    g_autofree char *saved = NULL;

    lanyard_import_mapping_set_field (both, 1, LANYARD_IMPORT_FIELD_EMAIL);
    saved = lanyard_import_mapping_to_json (both, twins);
    again = lanyard_import_mapping_new_from_json (saved, twins, 2, &error);
    g_assert_no_error (error);
    g_assert_cmpint (lanyard_import_mapping_get_field (again, 0), ==, LANYARD_IMPORT_FIELD_NONE);
    g_assert_cmpint (lanyard_import_mapping_get_field (again, 1), ==, LANYARD_IMPORT_FIELD_EMAIL);
  }
}

static void
test_saved_mappings (void)
{
  g_autofree char *dir = lanyard_test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "config", "lanyard", "import-mappings.json", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *json = NULL;

  /* No file yet: no mappings. */
  names = lanyard_import_list_mappings (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
  g_clear_pointer (&names, g_strfreev);

  g_assert_true (lanyard_import_save_mapping (path, "Club export", "{\"Handy\": \"phone\"}", &error));
  g_assert_no_error (error);
  g_assert_true (lanyard_import_save_mapping (path, " Anmeldungen ", "{\"Mail\": \"email\"}", &error));
  g_assert_no_error (error);
  /* The same name again replaces it. */
  g_assert_true (lanyard_import_save_mapping (path, "Club export", "{\"Mobil\": \"phone\"}", &error));
  g_assert_no_error (error);

  names = lanyard_import_list_mappings (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "Anmeldungen");
  g_assert_cmpstr (names[1], ==, "Club export");

  json = lanyard_import_dup_mapping (path, "Club export", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "Mobil"));
  g_assert_null (strstr (json, "Handy"));

  g_assert_null (lanyard_import_dup_mapping (path, "Nope", &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (lanyard_import_save_mapping (path, "  ", "{}", &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* A damaged file is an error, not an empty list that a save would overwrite. */
  g_assert_true (g_file_set_contents (path, "not json", -1, NULL));
  g_assert_null (lanyard_import_list_mappings (path, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (lanyard_import_save_mapping (path, "x", "{}", &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED);

  lanyard_test_dir_free (g_steal_pointer (&dir));
}

/* Files as spreadsheets write them */

static void
test_excel_german (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LanyardImportResult) result = check_file (f, "excel-de.csv");
  LanyardPerson *person;
  GPtrArray *grants;
  g_autofree char *hours = NULL;

  g_assert_cmpuint (lanyard_import_result_get_n_rows (result), ==, 3);
  g_assert_cmpuint (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 3);
  assert_outcome (result, 0, 2, LANYARD_IMPORT_OUTCOME_IMPORT);
  assert_outcome (result, 1, 3, LANYARD_IMPORT_OUTCOME_IMPORT);
  assert_outcome (result, 2, 4, LANYARD_IMPORT_OUTCOME_IMPORT);

  person = lanyard_import_row_get_person (lanyard_import_result_get_row (result, 0));
  g_assert_cmpstr (lanyard_person_get_first_name (person), ==, "Jürgen");
  g_assert_cmpstr (lanyard_person_get_last_name (person), ==, "Weiß");
  g_assert_cmpstr (lanyard_person_get_phone (person), ==, "+4915123456789");
  g_assert_cmpstrv (lanyard_person_get_custom_tags (person), ((const char *[]) { "Sauna", "Frühschwimmer", NULL }));
  g_assert_true (lanyard_person_get_access_enabled (person));
  grants = lanyard_import_row_get_grants (lanyard_import_result_get_row (result, 0));
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpint (lanyard_grant_get_kind (g_ptr_array_index (grants, 0)), ==, LANYARD_GRANT_DOOR);
  g_assert_cmpint (lanyard_grant_get_target_id (g_ptr_array_index (grants, 0)), ==,
                   lanyard_test_door_id (f->store, f->facility_id, "Pool"));

  person = lanyard_import_row_get_person (lanyard_import_result_get_row (result, 1));
  g_assert_cmpstr (lanyard_person_get_first_name (person), ==, "Zoë");
  g_assert_null (lanyard_person_get_phone (person));
  g_assert_false (lanyard_person_get_access_enabled (person));
  g_assert_cmpstr (lanyard_person_get_notes (person), ==, "Schlüssel Nr. 12");
  grants = lanyard_import_row_get_grants (lanyard_import_result_get_row (result, 1));
  g_assert_cmpuint (grants->len, ==, 2);
  g_assert_null (lanyard_grant_get_schedule (g_ptr_array_index (grants, 0)));
  g_assert_cmpint (lanyard_grant_get_target_id (g_ptr_array_index (grants, 1)), ==,
                   lanyard_test_door_id (f->store, f->facility_id, "Gym"));
  hours = lanyard_schedule_to_string (lanyard_grant_get_schedule (g_ptr_array_index (grants, 1)));
  g_assert_cmpstr (hours, ==, "mon-fri 07:00-22:00");

  person = lanyard_import_row_get_person (lanyard_import_result_get_row (result, 2));
  g_assert_cmpstr (lanyard_person_get_last_name (person), ==, "Yılmaz");
  g_assert_cmpstr (lanyard_person_get_phone (person), ==, "+491609876543");
}

static void
test_google_sheets (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LanyardImportResult) result = check_file (f, "google-sheets.csv");
  LanyardPerson *person;

  g_assert_cmpuint (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 3);
  assert_outcome (result, 0, 2, LANYARD_IMPORT_OUTCOME_IMPORT);
  assert_outcome (result, 1, 3, LANYARD_IMPORT_OUTCOME_IMPORT);
  /* Grace's note takes two lines of the file. */
  assert_outcome (result, 2, 5, LANYARD_IMPORT_OUTCOME_IMPORT);

  person = lanyard_import_row_get_person (lanyard_import_result_get_row (result, 0));
  g_assert_cmpstr (lanyard_person_get_phone (person), ==, "+447911123456");
  g_assert_cmpstr (lanyard_person_get_person_type (person), ==, "Gold");
  g_assert_cmpstrv (lanyard_person_get_custom_tags (person), ((const char *[]) { "vip", "morning", NULL }));

  person = lanyard_import_row_get_person (lanyard_import_result_get_row (result, 1));
  g_assert_cmpstr (lanyard_person_get_notes (person), ==, "Prefers lane 3, not lane 4.\nAsk at reception.");
}

static void
test_windows_1252 (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LanyardImportResult) result = check_file (f, "windows-1252.csv");
  LanyardPerson *person;

  g_assert_cmpuint (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 2);
  person = lanyard_import_row_get_person (lanyard_import_result_get_row (result, 0));
  g_assert_cmpstr (lanyard_person_get_first_name (person), ==, "José");
  g_assert_cmpstr (lanyard_person_get_last_name (person), ==, "Müller");
  g_assert_cmpstr (lanyard_person_get_notes (person), ==, "Kaution 20 €");
  person = lanyard_import_row_get_person (lanyard_import_result_get_row (result, 1));
  g_assert_cmpstr (lanyard_person_get_last_name (person), ==, "Strauß");
}

static void
test_duplicates (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(LanyardPerson) petra = lanyard_test_add_person (f->store, f->facility_id, "Petra", "Stored",
                                                            NULL, "Petra.Stored@example.org");
  g_autoptr(LanyardPerson) quinn = lanyard_test_add_person (f->store, f->facility_id, "Quinn", "Stored",
                                                            "+4915122220002", NULL);
  g_autoptr(LanyardImportResult) result = check_file (f, "duplicates.csv");
  const LanyardImportRow *row;
  g_autofree char *skipped = NULL;

  g_assert_cmpuint (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 2);
  g_assert_cmpuint (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_SKIP), ==, 4);
  g_assert_cmpuint (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_ERROR), ==, 0);

  assert_outcome (result, 0, 2, LANYARD_IMPORT_OUTCOME_IMPORT);
  /* The same number, typed another way. */
  assert_outcome (result, 1, 3, LANYARD_IMPORT_OUTCOME_SKIP);
  assert_problem (result, 1, 2, "Row 2 of this file has the same mobile phone");
  assert_outcome (result, 2, 4, LANYARD_IMPORT_OUTCOME_IMPORT);
  /* The same email in other capitals. */
  assert_outcome (result, 3, 5, LANYARD_IMPORT_OUTCOME_SKIP);
  assert_problem (result, 3, 3, "Row 4 of this file has the same email");

  /* Against the database: the person who has it is named. */
  assert_outcome (result, 4, 6, LANYARD_IMPORT_OUTCOME_SKIP);
  row = lanyard_import_result_get_row (result, 4);
  g_assert_cmpint (lanyard_import_row_get_existing_id (row), ==, lanyard_person_get_id (petra));
  g_assert_cmpstr (lanyard_import_row_get_existing_name (row), ==, "Petra Stored");
  assert_problem (result, 4, 3, "Petra Stored already has this email");
  assert_outcome (result, 5, 7, LANYARD_IMPORT_OUTCOME_SKIP);
  g_assert_cmpint (lanyard_import_row_get_existing_id (lanyard_import_result_get_row (result, 5)), ==,
                   lanyard_person_get_id (quinn));
  assert_problem (result, 5, 2, "Quinn Stored already has this mobile phone");

  skipped = lanyard_import_result_dup_lines (result, LANYARD_IMPORT_OUTCOME_SKIP);
  g_assert_cmpstr (skipped, ==, "3, 5, 6, 7");
}

static void
test_problems (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(LanyardImportResult) result = check_file (f, "problems.csv");
  GPtrArray *grants;

  g_assert_cmpuint (lanyard_import_result_get_n_rows (result), ==, 10);
  g_assert_cmpuint (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_ERROR), ==, 9);
  g_assert_cmpuint (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 1);

  for (guint i = 0; i < 9; i++)
    assert_outcome (result, i, i + 2, LANYARD_IMPORT_OUTCOME_ERROR);

  assert_problem (result, 0, 5, "No door is called “Sauna”");
  assert_problem (result, 1, 3, "sam@@example.org");
  assert_problem (result, 2, 2, "12");
  assert_problem (result, 3, 0, "First name");
  assert_problem (result, 4, 4, "“maybe” is neither yes nor no");
  assert_problem (result, 5, 2, "phone");
  assert_problem (result, 6, 5, "Hours for “Gym”");
  assert_problem (result, 7, 6, "No access scope is called “Nowhere”");
  assert_problem (result, 8, -1, "Column 8 has a value but no header");

  /* Zed: access off, the facility-wide grant, a scope. */
  assert_outcome (result, 9, 11, LANYARD_IMPORT_OUTCOME_IMPORT);
  g_assert_false (lanyard_person_get_access_enabled (lanyard_import_row_get_person (lanyard_import_result_get_row (result, 9))));
  grants = lanyard_import_row_get_grants (lanyard_import_result_get_row (result, 9));
  g_assert_cmpuint (grants->len, ==, 2);
  g_assert_cmpint (lanyard_grant_get_kind (g_ptr_array_index (grants, 0)), ==, LANYARD_GRANT_FACILITY);
  g_assert_cmpint (lanyard_grant_get_kind (g_ptr_array_index (grants, 1)), ==, LANYARD_GRANT_SCOPE);
}

static void
test_too_many_rows (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LanyardCsvTable) table = load_table ("201-rows.csv");
  g_autoptr(LanyardImportMapping) mapping = guess_mapping (table);
  g_autoptr(LanyardImportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 202);

  result = lanyard_import_check (f->store, f->facility_id, table, mapping, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "201 people"));
  g_assert_nonnull (strstr (error->message, "at most 200"));
  g_clear_error (&error);

  result = lanyard_import_run (f->store, f->facility_id, table, mapping, "201-rows.csv", NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_cmpuint (count_people (f), ==, 0);
}

static void
test_header_only (Fixture       *f,
                  gconstpointer  data)
{
  const char *text = "Vorname;Nachname;Email\r\n;;\r\n";
  g_autoptr(LanyardCsvTable) table = lanyard_csv_parse_data (text, strlen (text), 0, NULL);
  g_autoptr(LanyardImportMapping) mapping = guess_mapping (table);
  g_autoptr(GError) error = NULL;

  g_assert_null (lanyard_import_check (f->store, f->facility_id, table, mapping, NULL, NULL, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no people"));
}

/* The import */

static void
test_dry_run_writes_nothing (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(LanyardImportResult) result = check_file (f, "excel-de.csv");
  LanyardAuditQuery query = { .limit = 100 };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 3);
  g_assert_cmpuint (count_people (f), ==, 0);

  events = lanyard_store_list_audit (f->store, &query, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpstr (lanyard_audit_event_get_target_kind (g_ptr_array_index (events, i)), !=, "person");
}

static void
test_run (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(LanyardImportResult) result = run_file (f, f->facility_id, "problems.csv");
  g_autoptr(LanyardImportResult) again = NULL;
  LanyardAuditQuery query = { .limit = 100 };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autoptr(LanyardPeopleQuery) people_query = lanyard_people_query_new (f->facility_id);
  g_autoptr(LanyardPeoplePage) page = NULL;
  LanyardAuditEvent *import_event = NULL;
  LanyardPerson *zed;
  guint created = 0;
  JsonObject *object;

  /* The rows with errors are left out; the rest is in. */
  g_assert_cmpuint (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 1);
  g_assert_cmpuint (count_people (f), ==, 1);

  page = lanyard_store_query_people (f->store, people_query, NULL, 10, NULL, &error);
  g_assert_no_error (error);
  zed = g_ptr_array_index (page->people, 0);
  g_assert_cmpstr (lanyard_person_get_first_name (zed), ==, "Zed");
  g_assert_false (lanyard_person_get_access_enabled (zed));
  g_assert_cmpint (lanyard_person_get_source (zed), ==, LANYARD_SOURCE_MANUAL);
  grants = lanyard_store_list_grants (f->store, lanyard_person_get_id (zed), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 2);

  /* An event per person, and one for the import that says what happened to every row. */
  events = lanyard_store_list_audit (f->store, &query, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      LanyardAuditEvent *event = g_ptr_array_index (events, i);

      if (g_str_equal (lanyard_audit_event_get_action (event), "person.create"))
        created++;
      else if (g_str_equal (lanyard_audit_event_get_action (event), "people.import"))
        {
          g_assert_null (import_event);
          import_event = event;
        }
    }
  g_assert_cmpuint (created, ==, 1);
  g_assert_nonnull (import_event);
  g_assert_cmpstr (lanyard_audit_event_get_target_label (import_event), ==, "problems.csv");
  g_assert_cmpint (lanyard_audit_event_get_facility_id (import_event), ==, f->facility_id);

  summary = json_from_string (lanyard_audit_event_get_changes (import_event), &error);
  g_assert_no_error (error);
  object = json_node_get_object (summary);
  g_assert_cmpint (json_object_get_int_member (object, "imported"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "errors"), ==, 9);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (object, "error_rows")), ==, 9);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (object, "error_rows"), 0), ==, 2);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (object, "imported_rows"), 0), ==, 11);

  /* The same file again: Zed is there already. */
  again = run_file (f, f->facility_id, "problems.csv");
  g_assert_cmpuint (lanyard_import_result_count (again, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 0);
  g_assert_cmpuint (lanyard_import_result_count (again, LANYARD_IMPORT_OUTCOME_SKIP), ==, 1);
  g_assert_cmpuint (count_people (f), ==, 1);
}

static void
test_failed_rows_csv (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(LanyardCsvTable) table = load_table ("problems.csv");
  g_autoptr(LanyardImportMapping) mapping = guess_mapping (table);
  g_autoptr(LanyardImportResult) result = NULL;
  g_autoptr(LanyardCsvTable) failed = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint width;

  result = lanyard_import_check (f->store, f->facility_id, table, mapping, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  bytes = lanyard_import_result_dup_failed_csv (result, table);
  failed = lanyard_csv_parse (bytes, 0, &error);
  g_assert_no_error (error);

  /* The file's own header and a column that says what to fix; the errors only. */
  width = lanyard_csv_table_get_row_n_fields (table, 0);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (failed), ==, 1 + 9);
  g_assert_cmpstr (lanyard_csv_table_get_cell (failed, 0, 0), ==, "First name");
  g_assert_cmpstr (lanyard_csv_table_get_cell (failed, 0, width), ==, "Problems");
  g_assert_cmpstr (lanyard_csv_table_get_cell (failed, 1, 0), ==, "Rita");
  g_assert_cmpstr (lanyard_csv_table_get_cell (failed, 1, 5), ==, "Front; Sauna");
  g_assert_nonnull (strstr (lanyard_csv_table_get_cell (failed, 1, width), "Sauna"));
  g_assert_cmpstr (lanyard_csv_table_get_cell (failed, 9, 0), ==, "Yan");
}

typedef struct {
  guint calls;
  guint last_done;
  guint total;
  gboolean in_main_thread;
  GThread *main_thread;
  LanyardImportResult *result;
  GError *error;
} AsyncState;

static void
on_progress (guint    done,
             guint    total,
             gpointer user_data)
{
  AsyncState *state = user_data;

  state->calls++;
  g_assert_cmpuint (done, >=, state->last_done);
  state->last_done = done;
  state->total = total;
  state->in_main_thread = g_thread_self () == state->main_thread;
}

static void
on_import_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncState *state = user_data;

  state->result = lanyard_import_finish (result, &state->error);
}

static void
test_run_async (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(LanyardCsvTable) table = load_table ("google-sheets.csv");
  g_autoptr(LanyardImportMapping) mapping = guess_mapping (table);
  AsyncState state = { .main_thread = g_thread_self () };

  lanyard_import_run_async (f->store, f->facility_id, table, mapping, "google-sheets.csv",
                            on_progress, &state, NULL, on_import_done, &state);
  while (state.result == NULL && state.error == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* Progress that was queued before the result. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_no_error (state.error);
  g_assert_true (lanyard_import_result_get_written (state.result));
  g_assert_cmpuint (lanyard_import_result_count (state.result, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 3);
  g_assert_cmpuint (state.calls, >=, 1);
  g_assert_cmpuint (state.last_done, ==, 3);
  g_assert_cmpuint (state.total, ==, 3);
  g_assert_true (state.in_main_thread);
  g_assert_cmpuint (count_people (f), ==, 3);

  lanyard_import_result_unref (state.result);
}

/* Export */

static GBytes *
export_facility (Fixture *f,
                 gint64   facility_id)
{
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (facility_id);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  g_assert_true (lanyard_export_people (f->store, query, stream, NULL, NULL, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (stream, NULL, &error));

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
}


static void
add_door (LanyardStore *store,
          gint64        facility_id,
          const char   *name)
{
  g_autoptr(LanyardDoor) door = lanyard_door_new ();
  g_autoptr(LanyardDoor) saved = NULL;
  g_autoptr(GError) error = NULL;

  lanyard_door_set_facility_id (door, facility_id);
  lanyard_door_set_name (door, name);
  saved = lanyard_store_save_door (store, door, NULL, &error);
  g_assert_no_error (error);
}

/* Gives Ada (imported from google-sheets.csv) grants whose names and hours test the list format. */
static void
give_awkward_grants (Fixture *f,
                     gint64   facility_id)
{
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (facility_id);
  g_autoptr(LanyardPeoplePage) page = NULL;
  g_autoptr(GPtrArray) grants = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(LanyardSchedule) daily = lanyard_schedule_parse ("daily 06:00-23:00", NULL);
  g_autoptr(LanyardSchedule) weekdays = lanyard_schedule_parse ("mon-fri 07:00-22:00", NULL);
  g_autoptr(LanyardPerson) saved = NULL;
  g_autoptr(LanyardPerson) tagged = NULL;
  g_autoptr(GError) error = NULL;
  LanyardPerson *ada;

  query->search = g_strdup ("Lovelace");
  page = lanyard_store_query_people (f->store, query, NULL, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->people->len, ==, 1);
  ada = g_ptr_array_index (page->people, 0);

  g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_FACILITY, 0, daily));
  g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_DOOR,
                                                   lanyard_test_door_id (f->store, facility_id, "Annex (old"),
                                                   NULL));
  g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_DOOR,
                                                   lanyard_test_door_id (f->store, facility_id, "Lab, East"),
                                                   weekdays));
  /* "Cafe" beside "Café": the grant must stay on the one without the accent. */
  g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_DOOR,
                                                   lanyard_test_door_id (f->store, facility_id, "Cafe"),
                                                   NULL));
  saved = lanyard_store_set_grants (f->store, lanyard_person_get_id (ada), lanyard_person_get_version (ada),
                                    grants, NULL, &error);
  g_assert_no_error (error);

  /* Tags holding what splits a list, and a cell a spreadsheet would run as a formula. */
  lanyard_person_set_custom_tags (saved, (const char *[]) { "a;b", "c|d", "gym (am)", NULL });
  lanyard_person_set_notes (saved, "=HYPERLINK(\"http://evil.example\",\"Click\")");
  tagged = lanyard_store_save_person (f->store, saved, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (lanyard_person_get_custom_tags (tagged), ((const char *[]) { "a;b", "c|d", "gym (am)", NULL }));
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(LanyardImportResult) imported = NULL;
  g_autoptr(LanyardImportResult) reimported = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;
  g_autoptr(LanyardImportMapping) mapping = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  gint64 other_id;

  /* People with grants (a schedule, the facility-wide one, a scope), tags, notes over two lines. */
  g_clear_pointer (&imported, lanyard_import_result_unref);
  imported = run_file (f, f->facility_id, "excel-de.csv");
  g_clear_pointer (&imported, lanyard_import_result_unref);
  imported = run_file (f, f->facility_id, "google-sheets.csv");
  g_clear_pointer (&imported, lanyard_import_result_unref);
  imported = run_file (f, f->facility_id, "problems.csv");
  g_assert_cmpuint (count_people (f), ==, 7);

  /* Names that need quoting in a list, and the facility-wide grant with hours. */
  add_door (f->store, f->facility_id, "Annex (old");
  add_door (f->store, f->facility_id, "Lab, East");
  add_door (f->store, f->facility_id, "Café");
  add_door (f->store, f->facility_id, "Cafe");
  give_awkward_grants (f, f->facility_id);

  first = export_facility (f, f->facility_id);

  /* Into another facility with doors and scopes of the same names. */
  other_id = lanyard_test_add_facility (f->store, "Second Hall");
  add_scope (f->store, other_id, "Wellness", "Pool");
  add_door (f->store, other_id, "Annex (old");
  add_door (f->store, other_id, "Lab, East");
  add_door (f->store, other_id, "Cafe");
  add_door (f->store, other_id, "Café");
  table = lanyard_csv_parse (first, 0, &error);
  g_assert_no_error (error);
  mapping = guess_mapping (table);
  reimported = lanyard_import_run (f->store, other_id, table, mapping, "export.csv", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_import_result_count (reimported, LANYARD_IMPORT_OUTCOME_IMPORT), ==, 7);
  g_assert_cmpuint (lanyard_import_result_count (reimported, LANYARD_IMPORT_OUTCOME_ERROR), ==, 0);

  /* Exported again, the file is the same to the byte. */
  second = export_facility (f, other_id);
  if (!g_bytes_equal (first, second))
    g_error ("the round trip changed the export:\n%s\n---\n%s",
             (const char *)g_bytes_get_data (first, NULL), (const char *)g_bytes_get_data (second, NULL));
  g_assert_nonnull (strstr (g_bytes_get_data (first, NULL), "Gym (mon-fri 07:00-22:00)"));
  g_assert_nonnull (strstr (g_bytes_get_data (first, NULL), "All doors (daily 06:00-23:00)"));
  g_assert_nonnull (strstr (g_bytes_get_data (first, NULL), "\"\"Annex (old\"\""));

  /* The formula is written so that no spreadsheet runs it, and read back as typed (compared above); phone numbers stay as they are. */
  g_assert_nonnull (strstr (g_bytes_get_data (first, NULL), ",\"'=HYPERLINK(\"\"http://evil.example\"\""));
  g_assert_null (strstr (g_bytes_get_data (first, NULL), "'+"));
  g_assert_nonnull (strstr (g_bytes_get_data (first, NULL), ",+"));
  {
    g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (other_id);
    g_autoptr(LanyardPeoplePage) page = NULL;

    query->search = g_strdup ("Lovelace");
    page = lanyard_store_query_people (f->store, query, NULL, 10, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->people->len, ==, 1);
    g_assert_cmpstr (lanyard_person_get_notes (g_ptr_array_index (page->people, 0)), ==,
                     "=HYPERLINK(\"http://evil.example\",\"Click\")");
  }
}

typedef struct {
  gboolean done;
  gboolean ok;
  guint64  n;
  guint    progress_calls;
  GError  *error;
} ExportState;

static void
on_export_progress (guint    done,
                    guint    total,
                    gpointer user_data)
{
  ExportState *state = user_data;

  state->progress_calls++;
}

static void
on_export_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportState *state = user_data;

  state->ok = lanyard_export_people_to_file_finish (result, &state->n, &state->error);
  state->done = TRUE;
}

static void
test_export_to_file (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(LanyardImportResult) imported = run_file (f, f->facility_id, "google-sheets.csv");
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (f->facility_id);
  g_autofree char *path = g_build_filename (f->dir, "people.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *contents = NULL;
  ExportState state = { 0 };

  /* Something to keep when the export does not finish. */
  g_assert_true (g_file_set_contents (path, "the old file", -1, NULL));

  g_cancellable_cancel (cancellable);
  lanyard_export_people_to_file_async (f->store, query, file, on_export_progress, &state, cancellable,
                                       on_export_done, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (state.ok);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&state.error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the old file");
  g_clear_pointer (&contents, g_free);

  /* A new file that does not end is no file at all. */
  {
    g_autofree char *new_path = g_build_filename (f->dir, "new.csv", NULL);
    g_autoptr(GFile) new_file = g_file_new_for_path (new_path);

    memset (&state, 0, sizeof state);
    lanyard_export_people_to_file_async (f->store, query, new_file, on_export_progress, &state, cancellable,
                                         on_export_done, &state);
    while (!state.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&state.error);
    g_assert_false (g_file_test (new_path, G_FILE_TEST_EXISTS));
  }

  memset (&state, 0, sizeof state);
  query->person_type = g_strdup ("Gold");
  lanyard_export_people_to_file_async (f->store, query, file, on_export_progress, &state, NULL,
                                       on_export_done, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (state.error);
  g_assert_true (state.ok);
  g_assert_cmpuint (state.n, ==, 1);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "\xef\xbb\xbf" "First name,"));
  g_assert_nonnull (strstr (contents, "Ada,Lovelace"));
  g_assert_null (strstr (contents, "Grace"));
}

static void
test_template (void)
{
  g_autoptr(GBytes) template = lanyard_import_dup_template ();
  g_autoptr(LanyardCsvTable) table = NULL;
  g_autoptr(LanyardImportMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;

  table = lanyard_csv_parse (template, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_csv_table_get_n_rows (table), ==, 1);

  /* Every field, in order, and each guessed back. */
  mapping = guess_mapping (table);
  g_assert_cmpuint (lanyard_import_mapping_get_n_columns (mapping), ==, LANYARD_IMPORT_N_FIELDS - 1);
  for (guint c = 0; c < LANYARD_IMPORT_N_FIELDS - 1; c++)
    g_assert_cmpint (lanyard_import_mapping_get_field (mapping, c), ==, c + 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/core/import/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/core/import/mapping/guess-german", test_guess_german);
  g_test_add_func ("/core/import/mapping/guess-english", test_guess_english);
  g_test_add_func ("/core/import/mapping/check", test_mapping_check);
  g_test_add_func ("/core/import/mapping/json", test_mapping_json);
  g_test_add_func ("/core/import/mapping/saved", test_saved_mappings);
  g_test_add_func ("/core/import/template", test_template);
  ADD ("check/excel-german", test_excel_german);
  ADD ("check/google-sheets", test_google_sheets);
  ADD ("check/windows-1252", test_windows_1252);
  ADD ("check/duplicates", test_duplicates);
  ADD ("check/problems", test_problems);
  ADD ("check/too-many-rows", test_too_many_rows);
  ADD ("check/header-only", test_header_only);
  ADD ("check/writes-nothing", test_dry_run_writes_nothing);
  ADD ("run/sqlite", test_run);
  ADD ("run/async", test_run_async);
  ADD ("run/failed-rows", test_failed_rows_csv);
  ADD ("export/round-trip", test_round_trip);
  ADD ("export/file", test_export_to_file);

  return g_test_run ();
}
