/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lanyard-door.h"
#include "lanyard-error.h"
#include "lanyard-grant.h"
#include "lanyard-import.h"
#include "lanyard-schedule.h"
#include "lanyard-scope.h"
#include "lanyard-text.h"

/* People read per store call while exporting. */
#define EXPORT_PAGE_SIZE 500
/* Bytes gathered before they are written to the export's stream. */
#define EXPORT_FLUSH_BYTES (64 * 1024)
/* How often an import checks its rows again when someone added one of its people meanwhile. */
#define IMPORT_ATTEMPTS 3

/* Fields */

static const struct {
  const char *key;
  const char *label;   /* N_() */
} field_names[LANYARD_IMPORT_N_FIELDS] = {
  [LANYARD_IMPORT_FIELD_NONE]           = { "none",           N_("Do not import") },
  [LANYARD_IMPORT_FIELD_FIRST_NAME]     = { "first-name",     N_("First name") },
  [LANYARD_IMPORT_FIELD_LAST_NAME]      = { "last-name",      N_("Last name") },
  [LANYARD_IMPORT_FIELD_PHONE]          = { "phone",          N_("Mobile phone") },
  [LANYARD_IMPORT_FIELD_EMAIL]          = { "email",          N_("Email") },
  [LANYARD_IMPORT_FIELD_PERSON_TYPE]    = { "person-type",    N_("Person type") },
  [LANYARD_IMPORT_FIELD_TAGS]           = { "tags",           N_("Tags") },
  [LANYARD_IMPORT_FIELD_NOTES]          = { "notes",          N_("Notes") },
  [LANYARD_IMPORT_FIELD_ACCESS_ENABLED] = { "access-enabled", N_("Access enabled") },
  [LANYARD_IMPORT_FIELD_DOOR_GRANTS]    = { "door-grants",    N_("Door grants") },
  [LANYARD_IMPORT_FIELD_SCOPE_GRANTS]   = { "scope-grants",   N_("Scope grants") },
};

/*
 * Header names guessed for each field, as header_key() leaves them: folded,
 * letters and digits only. English first, then German, the language the
 * app is translated into.
 */
static const struct {
  LanyardImportField  field;
  const char         *names;  /* space-separated */
} guesses[] = {
  { LANYARD_IMPORT_FIELD_FIRST_NAME, "firstname first givenname forename vorname rufname" },
  { LANYARD_IMPORT_FIELD_LAST_NAME, "lastname last surname familyname nachname familienname" },
  { LANYARD_IMPORT_FIELD_PHONE, "mobilephone mobile phone cell cellphone mobilenumber phonenumber "
                                "mobilephonenumber telephone tel handy mobil mobilnummer telefon "
                                "telefonnummer mobiltelefon handynummer" },
  { LANYARD_IMPORT_FIELD_EMAIL, "email emailaddress mail mailaddress emailadresse mailadresse" },
  { LANYARD_IMPORT_FIELD_PERSON_TYPE, "persontype type membertype usertype membershiptype category "
                                      "personentyp typ art mitgliedsart kategorie" },
  { LANYARD_IMPORT_FIELD_TAGS, "tags tag groups group labels label gruppen gruppe schlagworte" },
  { LANYARD_IMPORT_FIELD_NOTES, "notes note comment comments remarks notizen notiz bemerkung "
                                "bemerkungen kommentar" },
  { LANYARD_IMPORT_FIELD_ACCESS_ENABLED, "accessenabled access enabled active zugang zugangaktiv "
                                         "zutritt aktiv" },
  { LANYARD_IMPORT_FIELD_DOOR_GRANTS, "doorgrants doors door doorsgranted turen tur turfreigaben" },
  { LANYARD_IMPORT_FIELD_SCOPE_GRANTS, "scopegrants scopes scope accessscopes zugangsbereiche bereiche" },
};

/* Words "Access enabled" accepts, folded. */
static const char * const yes_words[] = { "true", "yes", "enabled", "1", "on", "y", "active",
                                          "ja", "wahr", "aktiv", NULL };
static const char * const no_words[] = { "false", "no", "disabled", "0", "off", "n", "inactive",
                                         "nein", "falsch", "inaktiv", NULL };

const char *
lanyard_import_field_get_label (LanyardImportField field)
{
  g_return_val_if_fail (field < LANYARD_IMPORT_N_FIELDS, NULL);

  return _(field_names[field].label);
}

const char *
lanyard_import_field_get_key (LanyardImportField field)
{
  g_return_val_if_fail (field < LANYARD_IMPORT_N_FIELDS, NULL);

  return field_names[field].key;
}

/* Folded, letters and digits only: "E-Mail" and "e mail" are both "email". */
static char *
header_key (const char *header)
{
  g_autofree char *folded = lanyard_text_fold (header != NULL ? header : "");
  GString *key = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        g_string_append_unichar (key, c);
    }

  return g_string_free (key, FALSE);
}

gboolean
lanyard_import_field_from_key (const char         *key,
                               LanyardImportField *out_field)
{
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (key != NULL, FALSE);

  wanted = header_key (key);
  for (guint f = 0; f < LANYARD_IMPORT_N_FIELDS; f++)
    {
      g_autofree char *stable = header_key (field_names[f].key);
      g_autofree char *english = header_key (field_names[f].label);
      g_autofree char *translated = header_key (_(field_names[f].label));

      if (*wanted != '\0' &&
          (g_str_equal (wanted, stable) || g_str_equal (wanted, english) || g_str_equal (wanted, translated)))
        {
          if (out_field != NULL)
            *out_field = f;
          return TRUE;
        }
    }

  return FALSE;
}

/* The field a header names, by the guesses and the labels; NONE when unknown. */
static LanyardImportField
guess_field (const char *header)
{
  g_autofree char *key = header_key (header);
  LanyardImportField field;

  if (*key == '\0')
    return LANYARD_IMPORT_FIELD_NONE;

  for (guint i = 0; i < G_N_ELEMENTS (guesses); i++)
    {
      g_auto(GStrv) names = g_strsplit (guesses[i].names, " ", -1);

      if (g_strv_contains ((const char * const *)names, key))
        return guesses[i].field;
    }

  if (lanyard_import_field_from_key (header, &field))
    return field;

  return LANYARD_IMPORT_FIELD_NONE;
}

/* Mapping */

struct _LanyardImportMapping {
  guint               n_columns;
  LanyardImportField *fields;
};

G_DEFINE_BOXED_TYPE (LanyardImportMapping, lanyard_import_mapping,
                     lanyard_import_mapping_copy, lanyard_import_mapping_free)

LanyardImportMapping *
lanyard_import_mapping_new (guint n_columns)
{
  LanyardImportMapping *self = g_new0 (LanyardImportMapping, 1);

  self->n_columns = n_columns;
  self->fields = g_new0 (LanyardImportField, MAX (n_columns, 1));

  return self;
}

LanyardImportMapping *
lanyard_import_mapping_copy (const LanyardImportMapping *self)
{
  LanyardImportMapping *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = lanyard_import_mapping_new (self->n_columns);
  memcpy (copy->fields, self->fields, sizeof (LanyardImportField) * self->n_columns);

  return copy;
}

void
lanyard_import_mapping_free (LanyardImportMapping *self)
{
  if (self == NULL)
    return;

  g_free (self->fields);
  g_free (self);
}

guint
lanyard_import_mapping_get_n_columns (const LanyardImportMapping *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_columns;
}

LanyardImportField
lanyard_import_mapping_get_field (const LanyardImportMapping *self,
                                  guint                       column)
{
  g_return_val_if_fail (self != NULL, LANYARD_IMPORT_FIELD_NONE);

  if (column >= self->n_columns)
    return LANYARD_IMPORT_FIELD_NONE;

  return self->fields[column];
}

void
lanyard_import_mapping_set_field (LanyardImportMapping *self,
                                  guint                 column,
                                  LanyardImportField    field)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (column < self->n_columns);
  g_return_if_fail (field < LANYARD_IMPORT_N_FIELDS);

  self->fields[column] = field;
}

int
lanyard_import_mapping_find_field (const LanyardImportMapping *self,
                                   LanyardImportField          field)
{
  g_return_val_if_fail (self != NULL, -1);

  for (guint c = 0; c < self->n_columns; c++)
    if (self->fields[c] == field)
      return (int)c;

  return -1;
}

LanyardImportMapping *
lanyard_import_mapping_guess (const char * const *headers,
                              guint               n_headers)
{
  LanyardImportMapping *self = lanyard_import_mapping_new (n_headers);

  for (guint c = 0; c < n_headers; c++)
    {
      LanyardImportField field = guess_field (headers[c]);

      if (field != LANYARD_IMPORT_FIELD_NONE && lanyard_import_mapping_find_field (self, field) < 0)
        self->fields[c] = field;
    }

  return self;
}

/* "Column 3 (“Mobil”)", or "Column 3" for a column without a header. */
static char *
describe_column (const char * const *headers,
                 guint               column)
{
  const char *header = headers != NULL ? headers[column] : NULL;

  if (header == NULL || *header == '\0')
    /* Translators: %u is a column number of a spreadsheet, counted from 1 */
    return g_strdup_printf (_("Column %u"), column + 1);

  /* Translators: %u is a column number, counted from 1; %s the column's header */
  return g_strdup_printf (_("Column %u (“%s”)"), column + 1, header);
}

gboolean
lanyard_import_mapping_check (const LanyardImportMapping *self,
                              const char * const         *headers,
                              GError                    **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint c = 0; c < self->n_columns; c++)
    for (guint d = c + 1; d < self->n_columns; d++)
      if (self->fields[c] != LANYARD_IMPORT_FIELD_NONE && self->fields[c] == self->fields[d])
        {
          g_autofree char *first = describe_column (headers, c);
          g_autofree char *second = describe_column (headers, d);

          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                       /* Translators: the columns are like “Column 3 (“Mobil”)”; the field like “Mobile phone” */
                       _("%s and %s are both mapped to “%s”; map one of them to “Do not import”."),
                       first, second, lanyard_import_field_get_label (self->fields[c]));
          return FALSE;
        }

  if (lanyard_import_mapping_find_field (self, LANYARD_IMPORT_FIELD_PHONE) < 0 &&
      lanyard_import_mapping_find_field (self, LANYARD_IMPORT_FIELD_EMAIL) < 0)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("Map a column to “Mobile phone” or “Email”: people sign in with one of them."));
      return FALSE;
    }

  /* Every person needs both names: without their columns no row could be imported. */
  if (lanyard_import_mapping_find_field (self, LANYARD_IMPORT_FIELD_FIRST_NAME) < 0 ||
      lanyard_import_mapping_find_field (self, LANYARD_IMPORT_FIELD_LAST_NAME) < 0)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("Map a column to “First name” and one to “Last name”: every person needs both."));
      return FALSE;
    }

  return TRUE;
}

char *
lanyard_import_mapping_to_json (const LanyardImportMapping *self,
                                const char * const         *headers)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (headers != NULL, NULL);

  json_builder_begin_object (builder);
  for (guint c = 0; c < self->n_columns && headers[c] != NULL; c++)
    if (*headers[c] != '\0')
      {
        json_builder_set_member_name (builder, headers[c]);
        json_builder_add_string_value (builder, lanyard_import_field_get_key (self->fields[c]));
      }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}

LanyardImportMapping *
lanyard_import_mapping_new_from_json (const char          *json,
                                      const char * const  *headers,
                                      guint                n_headers,
                                      GError             **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(LanyardImportMapping) self = NULL;
  g_autoptr(GHashTable) saved = NULL;
  g_autofree gboolean *matched = NULL;
  JsonObject *object;
  JsonObjectIter iter;
  const char *header;
  JsonNode *value;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("A saved mapping is a JSON object of column headers and fields, "
                             "like {\"Mobile\": \"phone\"}."));
      return NULL;
    }

  /* Saved headers in order, each matched to one column at most: its exact header first
   * ("Email" and "E-Mail" both saved), then, for the columns left, without case or accents. */
  saved = g_hash_table_new (g_str_hash, g_str_equal);
  object = json_node_get_object (json_parser_get_root (parser));
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &header, &value))
    {
      LanyardImportField field;
      const char *key = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_string (value) : NULL;

      if (key == NULL || !lanyard_import_field_from_key (key, &field))
        {
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                       /* Translators: %s is a column header of a saved mapping */
                       _("The saved mapping gives the column “%s” a field Lanyard does not know."), header);
          return NULL;
        }
      g_hash_table_insert (saved, (gpointer)header, GUINT_TO_POINTER (field + 1));
    }

  self = lanyard_import_mapping_new (n_headers);
  matched = g_new0 (gboolean, MAX (n_headers, 1));
  for (guint c = 0; c < n_headers; c++)
    {
      gpointer field;

      if (g_hash_table_lookup_extended (saved, headers[c], NULL, &field))
        {
          self->fields[c] = GPOINTER_TO_UINT (field) - 1;
          matched[c] = TRUE;
          g_hash_table_remove (saved, headers[c]);
        }
    }

  for (guint c = 0; c < n_headers; c++)
    {
      g_autofree char *key = header_key (headers[c]);
      GHashTableIter saved_iter;
      gpointer saved_header, field;

      if (matched[c] || *key == '\0')
        continue;

      g_hash_table_iter_init (&saved_iter, saved);
      while (g_hash_table_iter_next (&saved_iter, &saved_header, &field))
        {
          g_autofree char *saved_key = header_key (saved_header);

          if (g_str_equal (key, saved_key))
            {
              self->fields[c] = GPOINTER_TO_UINT (field) - 1;
              g_hash_table_iter_remove (&saved_iter);
              break;
            }
        }
    }

  return g_steal_pointer (&self);
}

/* Saved mappings */

char *
lanyard_import_dup_mappings_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "lanyard", "import-mappings.json", NULL);
}

/* The file's object of named mappings; an empty one when there is no file. */
static JsonObject *
read_mappings (const char  *path,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return json_object_new ();

      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                   /* Translators: %s is a file name, then the reason */
                   _("Could not read the saved mappings in %s: %s"), path, local_error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                   _("Could not read the saved mappings in %s: it is not a JSON object."), path);
      return NULL;
    }

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static int
compare_names (const void *a,
               const void *b)
{
  return g_utf8_collate (*(const char * const *)a, *(const char * const *)b);
}

char **
lanyard_import_list_mappings (const char  *path,
                              GError     **error)
{
  g_autoptr(JsonObject) mappings = NULL;
  g_autoptr(GList) names = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  char **result;

  g_return_val_if_fail (path != NULL, NULL);

  if (!(mappings = read_mappings (path, error)))
    return NULL;

  names = json_object_get_members (mappings);
  for (const GList *l = names; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);

  result = g_strv_builder_end (builder);
  qsort (result, g_strv_length (result), sizeof (char *), compare_names);
  return result;
}

char *
lanyard_import_dup_mapping (const char  *path,
                            const char  *name,
                            GError     **error)
{
  g_autoptr(JsonObject) mappings = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *trimmed = NULL;
  JsonNode *member;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!(mappings = read_mappings (path, error)))
    return NULL;

  /* Saved under its name trimmed (lanyard_import_save_mapping()): looked up the same way. */
  trimmed = g_strstrip (g_strdup (name));
  member = json_object_get_member (mappings, trimmed);
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                   /* Translators: %s is the name of a saved column mapping */
                   _("There is no saved mapping called “%s”."), name);
      return NULL;
    }

  return json_to_string (member, TRUE);
}

gboolean
lanyard_import_save_mapping (const char  *path,
                             const char  *name,
                             const char  *json,
                             GError     **error)
{
  g_autoptr(JsonObject) mappings = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  trimmed = g_strstrip (g_strdup (name));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("Give the mapping a name."));
      return FALSE;
    }

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("A saved mapping is a JSON object of column headers and fields, "
                             "like {\"Mobile\": \"phone\"}."));
      return FALSE;
    }

  if (!(mappings = read_mappings (path, error)))
    return FALSE;

  json_object_set_member (mappings, trimmed, json_node_copy (json_parser_get_root (parser)));

  root = json_node_init_object (json_node_alloc (), mappings);
  text = json_to_string (root, TRUE);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                   /* Translators: %s is a file name, then the reason */
                   _("Could not save the mapping in %s: %s"), path,
                   local_error != NULL ? local_error->message : g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

/* Rows and results */

typedef struct {
  int   column;
  char *message;
} Problem;

struct _LanyardImportRow {
  guint                 line;
  guint                 table_row;
  LanyardImportOutcome  outcome;
  LanyardPerson        *person;
  GPtrArray            *grants;
  GArray               *problems;
  gint64                existing_id;
  char                 *existing_name;
};

struct _LanyardImportResult {
  gatomicrefcount  ref_count;
  GPtrArray       *rows;
  guint            counts[3];
  gboolean         written;
};

G_DEFINE_BOXED_TYPE (LanyardImportResult, lanyard_import_result,
                     lanyard_import_result_ref, lanyard_import_result_unref)

static void
problem_clear (gpointer data)
{
  Problem *problem = data;

  g_free (problem->message);
}

static LanyardImportRow *
import_row_new (guint table_row,
                guint line)
{
  LanyardImportRow *row = g_new0 (LanyardImportRow, 1);

  row->table_row = table_row;
  row->line = line;
  row->outcome = LANYARD_IMPORT_OUTCOME_IMPORT;
  row->grants = g_ptr_array_new_with_free_func (g_object_unref);
  row->problems = g_array_new (FALSE, TRUE, sizeof (Problem));
  g_array_set_clear_func (row->problems, problem_clear);

  return row;
}

static void
import_row_free (gpointer data)
{
  LanyardImportRow *row = data;

  g_clear_object (&row->person);
  g_ptr_array_unref (row->grants);
  g_array_unref (row->problems);
  g_free (row->existing_name);
  g_free (row);
}

static void
import_row_add_problem (LanyardImportRow *row,
                        int               column,
                        char             *message)
{
  Problem problem = { column, message };

  g_array_append_val (row->problems, problem);
  if (row->outcome == LANYARD_IMPORT_OUTCOME_IMPORT)
    row->outcome = LANYARD_IMPORT_OUTCOME_ERROR;
}

static gboolean
import_row_has_problem_in (const LanyardImportRow *row,
                           int                     column)
{
  for (guint i = 0; i < row->problems->len; i++)
    if (g_array_index (row->problems, Problem, i).column == column)
      return TRUE;

  return FALSE;
}

guint
lanyard_import_row_get_line (const LanyardImportRow *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->line;
}

LanyardImportOutcome
lanyard_import_row_get_outcome (const LanyardImportRow *self)
{
  g_return_val_if_fail (self != NULL, LANYARD_IMPORT_OUTCOME_ERROR);

  return self->outcome;
}

LanyardPerson *
lanyard_import_row_get_person (const LanyardImportRow *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->person;
}

GPtrArray *
lanyard_import_row_get_grants (const LanyardImportRow *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->grants;
}

guint
lanyard_import_row_get_n_problems (const LanyardImportRow *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->problems->len;
}

int
lanyard_import_row_get_problem_column (const LanyardImportRow *self,
                                       guint                   index)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (index < self->problems->len, -1);

  return g_array_index (self->problems, Problem, index).column;
}

const char *
lanyard_import_row_get_problem (const LanyardImportRow *self,
                                guint                   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->problems->len, NULL);

  return g_array_index (self->problems, Problem, index).message;
}

char *
lanyard_import_row_dup_column_problems (const LanyardImportRow *self,
                                        int                     column)
{
  GString *text = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->problems->len; i++)
    {
      const Problem *problem = &g_array_index (self->problems, Problem, i);

      if (problem->column != column)
        continue;

      if (text == NULL)
        text = g_string_new (problem->message);
      else
        g_string_append_printf (text, "\n%s", problem->message);
    }

  return text != NULL ? g_string_free (text, FALSE) : NULL;
}

char *
lanyard_import_row_dup_problems (const LanyardImportRow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->problems->len; i++)
    {
      if (i > 0)
        g_string_append (text, "; ");
      g_string_append (text, g_array_index (self->problems, Problem, i).message);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

gint64
lanyard_import_row_get_existing_id (const LanyardImportRow *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->existing_id;
}

const char *
lanyard_import_row_get_existing_name (const LanyardImportRow *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->existing_name;
}

static LanyardImportResult *
lanyard_import_result_new (void)
{
  LanyardImportResult *self = g_new0 (LanyardImportResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->rows = g_ptr_array_new_with_free_func (import_row_free);

  return self;
}

LanyardImportResult *
lanyard_import_result_ref (LanyardImportResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
lanyard_import_result_unref (LanyardImportResult *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_ptr_array_unref (self->rows);
  g_free (self);
}

gboolean
lanyard_import_result_get_written (LanyardImportResult *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->written;
}

guint
lanyard_import_result_get_n_rows (LanyardImportResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->rows->len;
}

const LanyardImportRow *
lanyard_import_result_get_row (LanyardImportResult *self,
                               guint                index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);

  return g_ptr_array_index (self->rows, index);
}

guint
lanyard_import_result_count (LanyardImportResult  *self,
                             LanyardImportOutcome  outcome)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (outcome <= LANYARD_IMPORT_OUTCOME_ERROR, 0);

  return self->counts[outcome];
}

char *
lanyard_import_result_dup_lines (LanyardImportResult  *self,
                                 LanyardImportOutcome  outcome)
{
  GString *lines = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      const LanyardImportRow *row = g_ptr_array_index (self->rows, i);

      if (row->outcome != outcome)
        continue;

      if (lines == NULL)
        lines = g_string_new (NULL);
      else
        g_string_append (lines, ", ");
      g_string_append_printf (lines, "%u", row->line);
    }

  return lines != NULL ? g_string_free (lines, FALSE) : NULL;
}

GBytes *
lanyard_import_result_dup_failed_csv (LanyardImportResult *self,
                                      LanyardCsvTable     *table)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  g_auto(GStrv) header = NULL;
  guint width;
  char separator;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (table != NULL, NULL);

  header = lanyard_csv_table_dup_header (table);
  width = g_strv_length (header);
  separator = lanyard_csv_table_get_separator (table);

  lanyard_csv_append_bom (out);
  for (guint c = 0; c < width; c++)
    g_ptr_array_add (cells, header[c]);
  g_ptr_array_add (cells, (gpointer)_("Problems"));
  lanyard_csv_append_row (out, (const char * const *)cells->pdata, cells->len, separator);

  for (guint i = 0; i < self->rows->len; i++)
    {
      const LanyardImportRow *row = g_ptr_array_index (self->rows, i);
      g_autofree char *problems = NULL;

      if (row->outcome != LANYARD_IMPORT_OUTCOME_ERROR)
        continue;

      problems = lanyard_import_row_dup_problems (row);
      g_ptr_array_set_size (cells, 0);
      for (guint c = 0; c < width; c++)
        g_ptr_array_add (cells, (gpointer)lanyard_csv_table_get_cell (table, row->table_row, c));
      g_ptr_array_add (cells, problems);
      lanyard_csv_append_row (out, (const char * const *)cells->pdata, cells->len, separator);
    }

  return g_string_free_to_bytes (g_steal_pointer (&out));
}

/* Reading cells */

/* Trimmed copy of a cell; NULL for an empty one. */
/*
 * Spreadsheets run a cell that starts with "=", "+", "-" or "@" as a
 * formula, and a tab or carriage return can hide such a start (CSV
 * injection). A note like "=HYPERLINK(…)", typed by anyone who may edit a
 * person, would then run on the machine of whoever opens the export. The
 * export puts an apostrophe before such a cell — spreadsheets show the text
 * and hide the apostrophe — and the import takes it off again.
 */
static gboolean
is_formula_start (char c)
{
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* NULL when @value is safe as it is. A phone number ("+49 151 …") or a number ("-5") is not a formula. */
static char *
dup_formula_safe (const char *value)
{
  if (value == NULL || !is_formula_start (value[0]))
    return NULL;

  if (value[0] == '+' || value[0] == '-')
    {
      const char *p = value + 1;

      while (*p != '\0' && strchr ("0123456789 ()./-", *p) != NULL)
        p++;
      if (*p == '\0' && p > value + 1)
        return NULL;
    }

  return g_strconcat ("'", value, NULL);
}

static char *
cell_dup (LanyardCsvTable *table,
          guint            row,
          int              column)
{
  char *text;

  if (column < 0)
    return NULL;

  text = g_strstrip (g_strdup (lanyard_csv_table_get_cell (table, row, column)));
  /* The apostrophe an export put before what a spreadsheet would run as a formula. */
  if (text[0] == '\'' && is_formula_start (text[1]))
    memmove (text, text + 1, strlen (text));
  if (*text == '\0')
    g_clear_pointer (&text, g_free);

  return text;
}

static gboolean
word_in (const char         *folded,
         const char * const *words)
{
  return g_strv_contains (words, folded);
}

/*
 * Splits a list of names at commas, semicolons, bars and line breaks that
 * are not inside parentheses (a schedule) or double quotes (a name that
 * holds a comma).
 */
static GPtrArray *
split_name_list (const char *text)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) item = g_string_new (NULL);
  gboolean quoted = FALSE;
  int depth = 0;

  for (const char *p = text; ; p++)
    {
      gboolean end = *p == '\0';

      if (!end && *p == '"')
        {
          quoted = !quoted;
          continue;
        }

      if (end || (!quoted && depth == 0 && strchr (",;|\n", *p) != NULL))
        {
          g_autofree char *piece = g_strstrip (g_strdup (item->str));

          if (*piece != '\0')
            g_ptr_array_add (items, g_steal_pointer (&piece));
          g_string_truncate (item, 0);
          if (end)
            break;
          continue;
        }

      if (!quoted && *p == '(')
        depth++;
      else if (!quoted && *p == ')' && depth > 0)
        depth--;

      g_string_append_c (item, *p);
    }

  return items;
}

/* The grants a list names. */
typedef struct {
  LanyardGrantKind  kind;
  GHashTable       *exact;      /* name without case → id: "Cafe" and "Café" are two doors */
  GHashTable       *ids;        /* folded name (no case, no accents) → id, when typed loosely */
} Targets;

/* The key of a name without case, accents kept. */
static char *
exact_key (const char *name)
{
  g_autofree char *composed = g_utf8_normalize (name, -1, G_NORMALIZE_DEFAULT_COMPOSE);

  return g_utf8_casefold (composed != NULL ? composed : name, -1);
}

/*
 * Turns one "Door grants" or "Scope grants" cell into grants: each item is
 * a name, optionally followed by a schedule in parentheses
 * ("Gym (mon-fri 07:00-22:00)"); in the door list "All doors" stands for
 * the facility-wide grant. Problems name the items that are not known.
 */
/*
 * Looks up one name of a grant list: a door or scope of the facility, or,
 * in the door list, "All doors" (or "all", "*") for the facility-wide
 * grant when no door has that name. FALSE when it names nothing.
 */
static gboolean
lookup_target (const Targets    *targets,
               const char       *name,
               LanyardGrantKind *out_kind,
               gint64           *out_id)
{
  g_autofree char *exact = exact_key (name);
  g_autofree char *folded = lanyard_text_fold (name);
  g_autofree char *all_doors = lanyard_text_fold (_("All doors"));
  gpointer id;

  if (g_hash_table_lookup_extended (targets->exact, exact, NULL, &id) ||
      g_hash_table_lookup_extended (targets->ids, folded, NULL, &id))
    {
      *out_kind = targets->kind;
      *out_id = *(gint64 *)id;
      return TRUE;
    }

  if (targets->kind == LANYARD_GRANT_DOOR &&
      (g_str_equal (folded, all_doors) || g_str_equal (folded, "all doors") ||
       g_str_equal (folded, "all") || g_str_equal (folded, "*")))
    {
      *out_kind = LANYARD_GRANT_FACILITY;
      *out_id = 0;
      return TRUE;
    }

  return FALSE;
}

/*
 * Turns one "Door grants" or "Scope grants" cell into grants: each item is
 * a name, optionally followed by its hours in parentheses
 * ("Gym (mon-fri 07:00-22:00)", "All doors (daily 06:00-23:00)"). A name
 * that itself ends in parentheses is taken as a whole when it names
 * something. Problems name the items that are not known.
 */
static void
read_grants (LanyardImportRow *row,
             int               column,
             const char       *text,
             const Targets    *targets)
{
  g_autoptr(GPtrArray) items = split_name_list (text);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < items->len; i++)
    {
      const char *item = g_ptr_array_index (items, i);
      g_autofree char *name = g_strdup (item);
      g_autofree char *hours = NULL;
      g_autoptr(LanyardSchedule) schedule = NULL;
      LanyardGrantKind kind;
      gint64 id = 0;
      gboolean found;

      found = lookup_target (targets, item, &kind, &id);

      /* Not a name as it stands: a name and its hours? */
      if (!found && g_str_has_suffix (item, ")"))
        {
          const char *open = strrchr (item, '(');

          if (open != NULL && open > item)
            {
              g_free (name);
              name = g_strstrip (g_strndup (item, open - item));
              hours = g_strndup (open + 1, strlen (open + 1) - 1);
              found = lookup_target (targets, name, &kind, &id);
            }
        }

      if (!found)
        {
          import_row_add_problem (row, column,
                                  targets->kind == LANYARD_GRANT_DOOR
                                  /* Translators: %s is a name from the imported file */
                                  ? g_strdup_printf (_("No door is called “%s”"), name)
                                  /* Translators: %s is a name from the imported file */
                                  : g_strdup_printf (_("No access scope is called “%s”"), name));
          continue;
        }

      if (hours != NULL)
        {
          g_autoptr(GError) error = NULL;

          if (!(schedule = lanyard_schedule_parse (hours, &error)))
            {
              /* Translators: %s is a door or scope name, then why its hours cannot be read */
              import_row_add_problem (row, column, g_strdup_printf (_("Hours for “%s”: %s"), name, error->message));
              continue;
            }
        }

      /* One grant per door: the same door twice would leave one set of hours unsaid. */
      if (!g_hash_table_add (seen, g_strdup_printf ("%d:%" G_GINT64_FORMAT, kind, id)))
        {
          /* Translators: %s is a door or scope name from the imported file */
          import_row_add_problem (row, column, g_strdup_printf (_("“%s” is listed twice; list it once"), name));
          continue;
        }

      g_ptr_array_add (row->grants, lanyard_grant_new_full (kind, id, schedule));
    }
}

/* The import's view of the facility: region, doors and scopes. */
typedef struct {
  char     *region;
  Targets   doors;
  Targets   scopes;
  GPtrArray *keep;   /* the doors and scopes, which own the ids the tables point at */
} Facility;

static void
facility_clear (Facility *facility)
{
  g_free (facility->region);
  g_clear_pointer (&facility->doors.ids, g_hash_table_unref);
  g_clear_pointer (&facility->doors.exact, g_hash_table_unref);
  g_clear_pointer (&facility->scopes.ids, g_hash_table_unref);
  g_clear_pointer (&facility->scopes.exact, g_hash_table_unref);
  g_clear_pointer (&facility->keep, g_ptr_array_unref);
}

static gboolean
facility_read (Facility      *facility,
               LanyardStore  *store,
               gint64         facility_id,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GPtrArray) doors = NULL;
  g_autoptr(GPtrArray) scopes = NULL;

  if (!(doors = lanyard_store_list_doors (store, facility_id, cancellable, error)) ||
      !(scopes = lanyard_store_list_scopes (store, facility_id, cancellable, error)))
    return FALSE;

  facility->region = lanyard_store_dup_phone_region (store);
  facility->keep = g_ptr_array_new_with_free_func (g_free);
  facility->doors.kind = LANYARD_GRANT_DOOR;
  facility->doors.ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  facility->doors.exact = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  facility->scopes.kind = LANYARD_GRANT_SCOPE;
  facility->scopes.ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  facility->scopes.exact = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < doors->len; i++)
    {
      LanyardDoor *door = g_ptr_array_index (doors, i);
      gint64 *id = g_new (gint64, 1);

      *id = lanyard_door_get_id (door);
      g_ptr_array_add (facility->keep, id);
      g_hash_table_insert (facility->doors.ids, lanyard_text_fold (lanyard_door_get_name (door)), id);
      g_hash_table_insert (facility->doors.exact, exact_key (lanyard_door_get_name (door)), id);
    }

  for (guint i = 0; i < scopes->len; i++)
    {
      LanyardScope *scope = g_ptr_array_index (scopes, i);
      gint64 *id = g_new (gint64, 1);

      *id = lanyard_scope_get_id (scope);
      g_ptr_array_add (facility->keep, id);
      g_hash_table_insert (facility->scopes.ids, lanyard_text_fold (lanyard_scope_get_name (scope)), id);
      g_hash_table_insert (facility->scopes.exact, exact_key (lanyard_scope_get_name (scope)), id);
    }

  return TRUE;
}

static const LanyardPersonField person_fields[LANYARD_IMPORT_N_FIELDS] = {
  [LANYARD_IMPORT_FIELD_FIRST_NAME] = LANYARD_PERSON_FIELD_FIRST_NAME,
  [LANYARD_IMPORT_FIELD_LAST_NAME] = LANYARD_PERSON_FIELD_LAST_NAME,
  [LANYARD_IMPORT_FIELD_PHONE] = LANYARD_PERSON_FIELD_PHONE,
  [LANYARD_IMPORT_FIELD_EMAIL] = LANYARD_PERSON_FIELD_EMAIL,
  [LANYARD_IMPORT_FIELD_PERSON_TYPE] = LANYARD_PERSON_FIELD_PERSON_TYPE,
  [LANYARD_IMPORT_FIELD_NOTES] = LANYARD_PERSON_FIELD_NOTES,
};

/* Builds the person of one row, noting every problem with the column it is in. */
static LanyardImportRow *
read_row (LanyardCsvTable            *table,
          guint                       table_row,
          const LanyardImportMapping *mapping,
          const Facility             *facility)
{
  LanyardImportRow *row = import_row_new (table_row, lanyard_csv_table_get_row_line (table, table_row));
  g_autoptr(LanyardPerson) person = lanyard_person_new ();
  int phone_column = lanyard_import_mapping_find_field (mapping, LANYARD_IMPORT_FIELD_PHONE);
  int email_column = lanyard_import_mapping_find_field (mapping, LANYARD_IMPORT_FIELD_EMAIL);
  guint n_fields = lanyard_csv_table_get_row_n_fields (table, table_row);
  g_autoptr(GError) error = NULL;
  char *values[LANYARD_IMPORT_N_FIELDS] = { NULL, };

  for (guint f = LANYARD_IMPORT_FIELD_FIRST_NAME; f < LANYARD_IMPORT_N_FIELDS; f++)
    {
      int column = lanyard_import_mapping_find_field (mapping, f);
      g_autofree char *text = cell_dup (table, table_row, column);

      switch ((LanyardImportField)f)
        {
        case LANYARD_IMPORT_FIELD_FIRST_NAME:
        case LANYARD_IMPORT_FIELD_LAST_NAME:
        case LANYARD_IMPORT_FIELD_PHONE:
        case LANYARD_IMPORT_FIELD_EMAIL:
        case LANYARD_IMPORT_FIELD_PERSON_TYPE:
        case LANYARD_IMPORT_FIELD_NOTES:
          if (!lanyard_person_check_field (person_fields[f], text, facility->region, &values[f], &error))
            {
              import_row_add_problem (row, column, g_strdup (error->message));
              g_clear_error (&error);
            }
          break;

        case LANYARD_IMPORT_FIELD_TAGS:
          if (text != NULL)
            {
              /* Split like the grant lists: at , ; | and line breaks, but not inside quotes,
               * which the export puts around a tag that holds one of them. */
              g_autoptr(GPtrArray) tags = split_name_list (text);

              g_ptr_array_add (tags, NULL);
              lanyard_person_set_custom_tags (person, (const char * const *)tags->pdata);
            }
          break;

        case LANYARD_IMPORT_FIELD_ACCESS_ENABLED:
          if (text != NULL)
            {
              g_autofree char *folded = lanyard_text_fold (text);

              if (word_in (folded, yes_words))
                lanyard_person_set_access_enabled (person, TRUE);
              else if (word_in (folded, no_words))
                lanyard_person_set_access_enabled (person, FALSE);
              else
                import_row_add_problem (row, column,
                                        /* Translators: %s is a value from the imported file */
                                        g_strdup_printf (_("“%s” is neither yes nor no; write yes or no "
                                                           "(or true/false, 1/0, on/off, enabled/disabled, "
                                                           "active/inactive, ja/nein)"), text));
            }
          break;

        case LANYARD_IMPORT_FIELD_DOOR_GRANTS:
          if (text != NULL)
            read_grants (row, column, text, &facility->doors);
          break;

        case LANYARD_IMPORT_FIELD_SCOPE_GRANTS:
          if (text != NULL)
            read_grants (row, column, text, &facility->scopes);
          break;

        case LANYARD_IMPORT_FIELD_NONE:
        default:
          g_assert_not_reached ();
        }
    }

  /* The rule across two fields, unless one of them is wrong already. */
  if (!import_row_has_problem_in (row, phone_column) && !import_row_has_problem_in (row, email_column) &&
      !lanyard_person_check_contact (values[LANYARD_IMPORT_FIELD_PHONE], values[LANYARD_IMPORT_FIELD_EMAIL],
                                     facility->region, &error))
    {
      import_row_add_problem (row, phone_column >= 0 ? phone_column : email_column, g_strdup (error->message));
      g_clear_error (&error);
    }

  /* Values past the header's columns belong to no field: the row is probably shifted. */
  for (guint c = lanyard_import_mapping_get_n_columns (mapping); c < n_fields; c++)
    {
      const char *extra = lanyard_csv_table_get_cell (table, table_row, c);

      if (*extra != '\0' && strspn (extra, " \t") != strlen (extra))
        {
          import_row_add_problem (row, -1,
                                  /* Translators: %u is a column number counted from 1 */
                                  g_strdup_printf (_("Column %u has a value but no header: a separator too "
                                                     "many in this row?"), c + 1));
          break;
        }
    }

  lanyard_person_set_first_name (person, values[LANYARD_IMPORT_FIELD_FIRST_NAME]);
  lanyard_person_set_last_name (person, values[LANYARD_IMPORT_FIELD_LAST_NAME]);
  lanyard_person_set_phone (person, values[LANYARD_IMPORT_FIELD_PHONE]);
  lanyard_person_set_email (person, values[LANYARD_IMPORT_FIELD_EMAIL]);
  lanyard_person_set_person_type (person, values[LANYARD_IMPORT_FIELD_PERSON_TYPE]);
  lanyard_person_set_notes (person, values[LANYARD_IMPORT_FIELD_NOTES]);
  for (guint f = 0; f < G_N_ELEMENTS (values); f++)
    g_free (values[f]);

  /* Whatever else the store would refuse (a name the file has no column for, say). */
  if (row->outcome == LANYARD_IMPORT_OUTCOME_IMPORT && !lanyard_person_normalize (person, facility->region, &error))
    import_row_add_problem (row, -1, g_strdup (error->message));

  row->person = g_steal_pointer (&person);
  return row;
}

/* Skips @row when an earlier row or a stored person has its phone or email. */
static gboolean
check_duplicate (LanyardImportRow  *row,
                 LanyardStore      *store,
                 gint64             facility_id,
                 GHashTable        *phones,
                 GHashTable        *emails,
                 int                phone_column,
                 int                email_column,
                 GCancellable      *cancellable,
                 GError           **error)
{
  const char *phone = lanyard_person_get_phone (row->person);
  const char *email = lanyard_person_get_email (row->person);
  g_autofree char *email_key = email != NULL ? lanyard_email_key (email) : NULL;
  g_autoptr(LanyardPerson) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  gpointer line;

  if ((phone != NULL && (line = g_hash_table_lookup (phones, phone)) != NULL) ||
      (email_key != NULL && (line = g_hash_table_lookup (emails, email_key)) != NULL))
    {
      gboolean same_phone = phone != NULL && g_hash_table_lookup (phones, phone) == line;

      row->outcome = LANYARD_IMPORT_OUTCOME_SKIP;
      /* Translators: %u is a row number of the imported file */
      row->existing_name = g_strdup_printf (_("row %u"), GPOINTER_TO_UINT (line));
      import_row_add_problem (row, same_phone ? phone_column : email_column,
                              same_phone
                              /* Translators: %u is a row number of the imported file */
                              ? g_strdup_printf (_("Row %u of this file has the same mobile phone"),
                                                 GPOINTER_TO_UINT (line))
                              /* Translators: %u is a row number of the imported file */
                              : g_strdup_printf (_("Row %u of this file has the same email"),
                                                 GPOINTER_TO_UINT (line)));
      return TRUE;
    }

  existing = lanyard_store_find_duplicate (store, facility_id, phone, email, 0, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (existing != NULL)
    {
      gboolean same_phone = phone != NULL && g_strcmp0 (lanyard_person_get_phone (existing), phone) == 0;

      row->outcome = LANYARD_IMPORT_OUTCOME_SKIP;
      row->existing_id = lanyard_person_get_id (existing);
      row->existing_name = lanyard_person_dup_display_name (existing);
      import_row_add_problem (row, same_phone ? phone_column : email_column,
                              same_phone
                              /* Translators: %s is the name of a person already stored */
                              ? g_strdup_printf (_("%s already has this mobile phone"), row->existing_name)
                              /* Translators: %s is the name of a person already stored */
                              : g_strdup_printf (_("%s already has this email"), row->existing_name));
      return TRUE;
    }

  if (phone != NULL)
    g_hash_table_insert (phones, (gpointer)phone, GUINT_TO_POINTER (row->line));
  if (email_key != NULL)
    g_hash_table_insert (emails, g_steal_pointer (&email_key), GUINT_TO_POINTER (row->line));

  return TRUE;
}

gboolean
lanyard_import_check_size (LanyardCsvTable  *table,
                           GError          **error)
{
  guint n_people;

  g_return_val_if_fail (table != NULL, FALSE);

  n_people = lanyard_csv_table_get_n_rows (table) - 1;

  if (n_people == 0)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("The file has a header row but no people under it."));
      return FALSE;
    }

  if (n_people > LANYARD_IMPORT_MAX_ROWS)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   /* Translators: the first %u is the number of people in the file (more than the second) */
                   g_dngettext (GETTEXT_PACKAGE,
                                "The file has %u person, but at most %u can be imported at once. "
                                "Split it into smaller files.",
                                "The file has %u people, but at most %u can be imported at once. "
                                "Split it into smaller files.",
                                n_people),
                   n_people, LANYARD_IMPORT_MAX_ROWS);
      return FALSE;
    }

  return TRUE;
}

static LanyardImportResult *
import_check (LanyardStore               *store,
              gint64                      facility_id,
              LanyardCsvTable            *table,
              const LanyardImportMapping *mapping,
              LanyardImportProgressFunc   progress,
              gpointer                    progress_data,
              GCancellable               *cancellable,
              GError                    **error)
{
  g_autoptr(LanyardImportResult) result = NULL;
  g_autoptr(GHashTable) phones = NULL;
  g_autoptr(GHashTable) emails = NULL;
  g_auto(GStrv) header = lanyard_csv_table_dup_header (table);
  guint n_people = lanyard_csv_table_get_n_rows (table) - 1;
  int phone_column = lanyard_import_mapping_find_field (mapping, LANYARD_IMPORT_FIELD_PHONE);
  int email_column = lanyard_import_mapping_find_field (mapping, LANYARD_IMPORT_FIELD_EMAIL);
  Facility facility = { NULL, };
  gboolean ok = FALSE;

  if (lanyard_import_mapping_get_n_columns (mapping) != g_strv_length (header))
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("The column mapping was made for a file with other columns."));
      return NULL;
    }

  if (!lanyard_import_mapping_check (mapping, (const char * const *)header, error))
    return NULL;

  if (!lanyard_import_check_size (table, error))
    return NULL;

  if (!facility_read (&facility, store, facility_id, cancellable, error))
    goto out;

  result = lanyard_import_result_new ();
  phones = g_hash_table_new (g_str_hash, g_str_equal);
  emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint r = 1; r <= n_people; r++)
    {
      LanyardImportRow *row;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      row = read_row (table, r, mapping, &facility);

      g_ptr_array_add (result->rows, row);

      if (row->outcome == LANYARD_IMPORT_OUTCOME_IMPORT &&
          !check_duplicate (row, store, facility_id, phones, emails, phone_column, email_column,
                            cancellable, error))
        goto out;

      result->counts[row->outcome]++;

      if (progress != NULL)
        progress (r, n_people, progress_data);
    }

  ok = TRUE;

out:
  facility_clear (&facility);
  return ok ? g_steal_pointer (&result) : NULL;
}

LanyardImportResult *
lanyard_import_check (LanyardStore               *store,
                      gint64                      facility_id,
                      LanyardCsvTable            *table,
                      const LanyardImportMapping *mapping,
                      LanyardImportProgressFunc   progress,
                      gpointer                    progress_data,
                      GCancellable               *cancellable,
                      GError                    **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (store), NULL);
  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (mapping != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return import_check (store, facility_id, table, mapping, progress, progress_data, cancellable, error);
}

/* What the import's own audit event says: counts and row numbers. */
static char *
import_summary (LanyardImportResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  static const char * const names[] = { "imported_rows", "skipped_rows", "error_rows" };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, result->rows->len);
  json_builder_set_member_name (builder, "imported");
  json_builder_add_int_value (builder, result->counts[LANYARD_IMPORT_OUTCOME_IMPORT]);
  json_builder_set_member_name (builder, "skipped");
  json_builder_add_int_value (builder, result->counts[LANYARD_IMPORT_OUTCOME_SKIP]);
  json_builder_set_member_name (builder, "errors");
  json_builder_add_int_value (builder, result->counts[LANYARD_IMPORT_OUTCOME_ERROR]);

  for (guint outcome = 0; outcome < G_N_ELEMENTS (names); outcome++)
    {
      json_builder_set_member_name (builder, names[outcome]);
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->rows->len; i++)
        {
          const LanyardImportRow *row = g_ptr_array_index (result->rows, i);

          if (row->outcome == outcome)
            json_builder_add_int_value (builder, row->line);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static LanyardImportResult *
import_run (LanyardStore               *store,
            gint64                      facility_id,
            LanyardCsvTable            *table,
            const LanyardImportMapping *mapping,
            const char                 *label,
            LanyardImportProgressFunc   progress,
            gpointer                    progress_data,
            GCancellable               *cancellable,
            GError                    **error)
{
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(LanyardImportResult) result = NULL;
      g_autoptr(GPtrArray) people = g_ptr_array_new ();
      g_autoptr(GPtrArray) grants = g_ptr_array_new ();
      g_autoptr(GError) local_error = NULL;
      g_autofree char *summary = NULL;

      result = import_check (store, facility_id, table, mapping, progress, progress_data, cancellable, error);
      if (result == NULL)
        return NULL;

      for (guint i = 0; i < result->rows->len; i++)
        {
          LanyardImportRow *row = g_ptr_array_index (result->rows, i);

          if (row->outcome != LANYARD_IMPORT_OUTCOME_IMPORT)
            continue;

          g_ptr_array_add (people, row->person);
          g_ptr_array_add (grants, row->grants);
        }

      summary = import_summary (result);
      lanyard_store_import_people (store, facility_id, people, grants, label, summary, cancellable, &local_error);
      if (local_error == NULL)
        {
          result->written = TRUE;
          return g_steal_pointer (&result);
        }

      /* Someone stored one of these people since the check: check again. */
      if (!g_error_matches (local_error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE) ||
          attempt == IMPORT_ATTEMPTS)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
}

LanyardImportResult *
lanyard_import_run (LanyardStore               *store,
                    gint64                      facility_id,
                    LanyardCsvTable            *table,
                    const LanyardImportMapping *mapping,
                    const char                 *label,
                    LanyardImportProgressFunc   progress,
                    gpointer                    progress_data,
                    GCancellable               *cancellable,
                    GError                    **error)
{
  g_return_val_if_fail (LANYARD_IS_STORE (store), NULL);
  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (mapping != NULL, NULL);
  g_return_val_if_fail (label != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return import_run (store, facility_id, table, mapping, label, progress, progress_data, cancellable, error);
}

/* Async */

typedef struct {
  LanyardStore              *store;
  gint64                     facility_id;
  LanyardCsvTable           *table;
  LanyardImportMapping      *mapping;
  char                      *label;   /* NULL for a dry run */
  LanyardPeopleQuery        *query;   /* for an export */
  GFile                     *file;    /* for an export */
  LanyardImportProgressFunc  progress;
  gpointer                   progress_data;
  GMainContext              *context;
  guint                      last_done;
} ImportJob;

typedef struct {
  ImportJob *job;
  guint      done;
  guint      total;
  GTask     *task;
} ImportProgress;

static void
import_job_free (gpointer data)
{
  ImportJob *job = data;

  g_object_unref (job->store);
  g_clear_pointer (&job->table, lanyard_csv_table_unref);
  g_clear_pointer (&job->mapping, lanyard_import_mapping_free);
  g_clear_pointer (&job->query, lanyard_people_query_free);
  g_clear_object (&job->file);
  g_free (job->label);
  g_main_context_unref (job->context);
  g_free (job);
}

static gboolean
import_progress_idle (gpointer data)
{
  ImportProgress *progress = data;

  progress->job->progress (progress->done, progress->total, progress->job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
import_progress_free (gpointer data)
{
  ImportProgress *progress = data;

  g_object_unref (progress->task);
  g_free (progress);
}

/* On the worker: hands the progress to the caller's context (the task keeps the job alive). */
static void
import_job_progress (guint    done,
                     guint    total,
                     gpointer user_data)
{
  GTask *task = user_data;
  ImportJob *job = g_task_get_task_data (task);
  ImportProgress *progress;
  GSource *source;

  /* A run checks its rows again after a conflict: progress does not go backwards. */
  if (done <= job->last_done && done != total && total != 0)
    return;
  job->last_done = done;

  progress = g_new0 (ImportProgress, 1);
  progress->job = job;
  progress->done = done;
  progress->total = total;
  progress->task = g_object_ref (task);

  /* Always through a source: g_main_context_invoke() would run it right here, on the worker,
   * whenever the caller's thread does not hold its context at that moment. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, import_progress_idle, progress, import_progress_free);
  g_source_set_static_name (source, "[lanyard] import progress");
  g_source_attach (source, job->context);
  g_source_unref (source);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportJob *job = task_data;
  LanyardImportProgressFunc progress = job->progress != NULL ? import_job_progress : NULL;
  LanyardImportResult *result;
  GError *error = NULL;

  if (job->label != NULL)
    result = import_run (job->store, job->facility_id, job->table, job->mapping, job->label,
                         progress, task, cancellable, &error);
  else
    result = import_check (job->store, job->facility_id, job->table, job->mapping,
                           progress, task, cancellable, &error);

  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify)lanyard_import_result_unref);
  else
    g_task_return_error (task, error);
}

/* A job for @store whose progress goes to the caller's thread-default context. */
static ImportJob *
import_job_new (LanyardStore              *store,
                LanyardImportProgressFunc  progress,
                gpointer                   progress_data)
{
  ImportJob *job = g_new0 (ImportJob, 1);

  job->store = g_object_ref (store);
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();

  return job;
}

/* Runs @thread with @job (which the task owns) on a worker. */
static void
import_job_start (ImportJob           *job,
                  gpointer             source_tag,
                  GTaskThreadFunc      thread,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  /* What the worker did is what happened: an import stored, or a file replaced, just before a
   * late Cancel must not be reported as cancelled. The worker reports cancellation it saw itself. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, import_job_free);
  g_task_run_in_thread (task, thread);
}

static void
import_start (LanyardStore               *store,
              gint64                      facility_id,
              LanyardCsvTable            *table,
              const LanyardImportMapping *mapping,
              const char                 *label,
              LanyardImportProgressFunc   progress,
              gpointer                    progress_data,
              GCancellable               *cancellable,
              GAsyncReadyCallback         callback,
              gpointer                    user_data)
{
  ImportJob *job = import_job_new (store, progress, progress_data);

  job->facility_id = facility_id;
  job->table = lanyard_csv_table_ref (table);
  job->mapping = lanyard_import_mapping_copy (mapping);
  job->label = g_strdup (label);

  import_job_start (job, import_start, import_thread, cancellable, callback, user_data);
}

void
lanyard_import_check_async (LanyardStore               *store,
                            gint64                      facility_id,
                            LanyardCsvTable            *table,
                            const LanyardImportMapping *mapping,
                            LanyardImportProgressFunc   progress,
                            gpointer                    progress_data,
                            GCancellable               *cancellable,
                            GAsyncReadyCallback         callback,
                            gpointer                    user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (store));
  g_return_if_fail (table != NULL);
  g_return_if_fail (mapping != NULL);

  import_start (store, facility_id, table, mapping, NULL, progress, progress_data, cancellable, callback, user_data);
}

void
lanyard_import_run_async (LanyardStore               *store,
                          gint64                      facility_id,
                          LanyardCsvTable            *table,
                          const LanyardImportMapping *mapping,
                          const char                 *label,
                          LanyardImportProgressFunc   progress,
                          gpointer                    progress_data,
                          GCancellable               *cancellable,
                          GAsyncReadyCallback         callback,
                          gpointer                    user_data)
{
  g_return_if_fail (LANYARD_IS_STORE (store));
  g_return_if_fail (table != NULL);
  g_return_if_fail (mapping != NULL);
  g_return_if_fail (label != NULL);

  import_start (store, facility_id, table, mapping, label, progress, progress_data, cancellable, callback, user_data);
}

LanyardImportResult *
lanyard_import_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == import_start, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Template and export */

static void
append_header (GString *out)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();

  for (guint f = LANYARD_IMPORT_FIELD_FIRST_NAME; f < LANYARD_IMPORT_N_FIELDS; f++)
    g_ptr_array_add (cells, (gpointer)lanyard_import_field_get_label (f));

  lanyard_csv_append_row (out, (const char * const *)cells->pdata, cells->len, ',');
}

GBytes *
lanyard_import_dup_template (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  lanyard_csv_append_bom (out);
  append_header (out);

  return g_string_free_to_bytes (g_steal_pointer (&out));
}

/* A name in a list cell, quoted when it holds what splits the list. */
static void
append_list_name (GString    *out,
                  const char *name)
{
  if (out->len > 0)
    g_string_append (out, ", ");

  /* Parentheses too: unbalanced, they would swallow the rest of the list; balanced, read as hours. */
  if (strpbrk (name, ",;|\n\"()") != NULL)
    {
      g_autofree char *plain = g_strdup (name);

      /* A quote inside a name cannot be written in the list; names do not hold them in practice. */
      g_strdelimit (plain, "\"", '\'');
      g_string_append_printf (out, "\"%s\"", plain);
    }
  else
    g_string_append (out, name);
}

/* A list of names (tags) as the import splits them again. */
static char *
join_list (const char * const *names)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    append_list_name (out, names[i]);

  return g_string_free (out, FALSE);
}

/* The "Door grants" and "Scope grants" cells of a person, as read_grants() reads them. */
static void
format_grants (GPtrArray *grants,
               GString   *doors,
               GString   *scopes)
{
  for (guint i = 0; i < grants->len; i++)
    {
      LanyardGrant *grant = g_ptr_array_index (grants, i);
      LanyardSchedule *schedule = lanyard_grant_get_schedule (grant);
      GString *out = lanyard_grant_get_kind (grant) == LANYARD_GRANT_SCOPE ? scopes : doors;

      /* Not translated: a file exported in one language imports in any other. */
      if (lanyard_grant_get_kind (grant) == LANYARD_GRANT_FACILITY)
        append_list_name (out, "All doors");
      else
        append_list_name (out, lanyard_grant_get_target_name (grant) ? lanyard_grant_get_target_name (grant) : "");

      if (schedule != NULL)
        {
          g_autofree char *hours = lanyard_schedule_to_string (schedule);

          g_string_append_printf (out, " (%s)", hours);
        }
    }
}

static const char *
source_label (LanyardPerson *person)
{
  switch (lanyard_person_get_source (person))
    {
    case LANYARD_SOURCE_INTEGRATION:
      return _("Integration");
    case LANYARD_SOURCE_CCTV:
      return _("CCTV");
    case LANYARD_SOURCE_MANUAL:
    default:
      return _("Manual");
    }
}

static gboolean
flush (GOutputStream  *stream,
       GString        *out,
       GCancellable   *cancellable,
       GError        **error)
{
  if (!g_output_stream_write_all (stream, out->str, out->len, NULL, cancellable, error))
    return FALSE;

  g_string_truncate (out, 0);
  return TRUE;
}

gboolean
lanyard_export_people (LanyardStore              *store,
                       const LanyardPeopleQuery  *query,
                       GOutputStream             *stream,
                       LanyardImportProgressFunc  progress,
                       gpointer                   progress_data,
                       guint64                   *out_n_people,
                       GCancellable              *cancellable,
                       GError                   **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) doors = g_string_new (NULL);
  g_autoptr(GString) scopes = g_string_new (NULL);
  g_autoptr(GPtrArray) safe_cells = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cursor = NULL;
  guint64 n = 0;

  g_return_val_if_fail (LANYARD_IS_STORE (store), FALSE);
  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  lanyard_csv_append_bom (out);
  {
    g_autoptr(GPtrArray) cells = g_ptr_array_new ();

    for (guint f = LANYARD_IMPORT_FIELD_FIRST_NAME; f < LANYARD_IMPORT_N_FIELDS; f++)
      g_ptr_array_add (cells, (gpointer)lanyard_import_field_get_label (f));
    /* What the import leaves alone: informative columns. */
    g_ptr_array_add (cells, (gpointer)_("Membership status"));
    g_ptr_array_add (cells, (gpointer)_("Synced tags"));
    g_ptr_array_add (cells, (gpointer)_("Source"));
    g_ptr_array_add (cells, (gpointer)_("External ID"));
    g_ptr_array_add (cells, (gpointer)_("Has access"));
    lanyard_csv_append_row (out, (const char * const *)cells->pdata, cells->len, ',');
  }

  do
    {
      g_autoptr(LanyardPeoplePage) page = NULL;

      page = lanyard_store_query_people (store, query, cursor, EXPORT_PAGE_SIZE, cancellable, error);
      if (page == NULL)
        return FALSE;

      for (guint i = 0; i < page->people->len; i++)
        {
          LanyardPerson *person = g_ptr_array_index (page->people, i);
          g_autofree char *tags = join_list (lanyard_person_get_custom_tags (person));
          g_autofree char *synced = lanyard_tags_join (lanyard_person_get_synced_tags (person));
          const char *cells[15];

          g_string_truncate (doors, 0);
          g_string_truncate (scopes, 0);
          if (lanyard_person_get_grant_count (person) > 0)
            {
              g_autoptr(GPtrArray) grants = NULL;

              grants = lanyard_store_list_grants (store, lanyard_person_get_id (person), cancellable, error);
              if (grants == NULL)
                return FALSE;
              format_grants (grants, doors, scopes);
            }

          cells[0] = lanyard_person_get_first_name (person);
          cells[1] = lanyard_person_get_last_name (person);
          cells[2] = lanyard_person_get_phone (person);
          cells[3] = lanyard_person_get_email (person);
          cells[4] = lanyard_person_get_person_type (person);
          cells[5] = tags;
          cells[6] = lanyard_person_get_notes (person);
          cells[7] = lanyard_person_get_access_enabled (person) ? "yes" : "no";
          cells[8] = doors->str;
          cells[9] = scopes->str;
          cells[10] = lanyard_person_get_membership_status (person);
          cells[11] = synced;
          cells[12] = lanyard_person_get_source_name (person) ? lanyard_person_get_source_name (person)
                                                               : source_label (person);
          cells[13] = lanyard_person_get_external_id (person);
          cells[14] = lanyard_person_get_has_access (person) ? "yes" : "no";

          for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
            {
              char *safe = dup_formula_safe (cells[c]);

              if (safe != NULL)
                {
                  g_ptr_array_add (safe_cells, safe);
                  cells[c] = safe;
                }
            }
          lanyard_csv_append_row (out, cells, G_N_ELEMENTS (cells), ',');
          g_ptr_array_set_size (safe_cells, 0);
          n++;

          if (out->len >= EXPORT_FLUSH_BYTES && !flush (stream, out, cancellable, error))
            return FALSE;
        }

      if (progress != NULL)
        progress (MIN (n, G_MAXUINT), 0, progress_data);

      g_free (cursor);
      cursor = g_strdup (page->next_cursor);
    }
  while (cursor != NULL);

  if (!flush (stream, out, cancellable, error))
    return FALSE;

  if (out_n_people != NULL)
    *out_n_people = n;

  return TRUE;
}

gboolean
lanyard_export_people_to_file (LanyardStore              *store,
                               const LanyardPeopleQuery  *query,
                               GFile                     *file,
                               LanyardImportProgressFunc  progress,
                               gpointer                   progress_data,
                               guint64                   *out_n_people,
                               GCancellable              *cancellable,
                               GError                   **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  gboolean existed;

  g_return_val_if_fail (LANYARD_IS_STORE (store), FALSE);
  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  existed = g_file_query_exists (file, NULL);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable, error);
  if (stream == NULL)
    return FALSE;

  if (!lanyard_export_people (store, query, G_OUTPUT_STREAM (stream), progress, progress_data,
                              out_n_people, cancellable, error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, error))
    {
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      /* Closing with a cancelled cancellable drops the half-written copy and keeps the old
       * file; GIO writes a new file in place, so that one is deleted. */
      g_cancellable_cancel (abandon);
      g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
      if (!existed)
        g_file_delete (file, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportJob *job = task_data;
  GError *error = NULL;
  guint64 n = 0;

  if (!lanyard_export_people_to_file (job->store, job->query, job->file,
                                      job->progress != NULL ? import_job_progress : NULL, task,
                                      &n, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_memdup2 (&n, sizeof n), g_free);
}

void
lanyard_export_people_to_file_async (LanyardStore              *store,
                                     const LanyardPeopleQuery  *query,
                                     GFile                     *file,
                                     LanyardImportProgressFunc  progress,
                                     gpointer                   progress_data,
                                     GCancellable              *cancellable,
                                     GAsyncReadyCallback        callback,
                                     gpointer                   user_data)
{
  ImportJob *job;

  g_return_if_fail (LANYARD_IS_STORE (store));
  g_return_if_fail (query != NULL);
  g_return_if_fail (G_IS_FILE (file));

  job = import_job_new (store, progress, progress_data);
  job->query = lanyard_people_query_copy (query);
  job->file = g_object_ref (file);

  import_job_start (job, lanyard_export_people_to_file_async, export_thread, cancellable, callback, user_data);
}

gboolean
lanyard_export_people_to_file_finish (GAsyncResult  *result,
                                      guint64       *out_n_people,
                                      GError       **error)
{
  g_autofree guint64 *n = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_export_people_to_file_async, FALSE);

  n = g_task_propagate_pointer (G_TASK (result), error);
  if (n == NULL)
    return FALSE;

  if (out_n_people != NULL)
    *out_n_people = *n;

  return TRUE;
}
