/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <gio/gunixoutputstream.h>
#include <json-glib/json-glib.h>

#include "lanyard-core.h"

/*
 * lanyardctl: the local database from a terminal or a script. Every rule
 * (validation, normalisation, decisions, queries) lives in the core; this
 * file parses arguments, calls the store and prints what it answers.
 */

typedef enum {
  STATUS_OK          = 0,
  STATUS_FAILURE     = 1,
  STATUS_USAGE       = 2,
  STATUS_NOT_FOUND   = 3,
  STATUS_INVALID     = 4,
  STATUS_DUPLICATE   = 5,
  STATUS_CONFLICT    = 6,
  STATUS_UNAVAILABLE = 7,
} ExitStatus;

typedef struct _Command Command;

typedef struct {
  char               *database;
  LanyardSqliteStore *store;
  const Command      *command;
  char               *command_line;  /* "lanyardctl people list", for help and hints */
  ExitStatus          status;        /* for commands that succeed with a verdict (check) */
} Cli;

struct _Command {
  const char     *name;
  const char     *parameters;
  const char     *summary;
  const char     *description;
  gboolean      (*run) (Cli       *cli,
                        char     **args,
                        GError   **error);
  const Command  *subcommands;
};

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

/*
 * Everything goes out as UTF-8 with stdio: g_print() would re-encode for the
 * locale and turn "Müller" into escapes under the C locale that scripts and
 * services run in, and JSON must be UTF-8 anyway.
 */
static void
out_bytes (const void *data,
           gsize       len)
{
  fwrite (data, 1, len, stdout);
}

static void
out (const char *text)
{
  fputs (text, stdout);
}

G_GNUC_PRINTF (1, 2)
static void
outf (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stdout, format, args);
  va_end (args);
}

G_GNUC_PRINTF (1, 2)
static void
errf (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
}

/* Terminal columns a string takes: wide (CJK) characters count twice, combining marks not at all. */
static guint
display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}

/* A plain text table: columns padded to their widest cell, two spaces apart. */
typedef struct {
  guint      n_columns;
  guint      right_aligned;  /* one bit per column */
  GPtrArray *rows;           /* GStrv of n_columns cells */
} Table;

static Table *
table_new (guint n_columns)
{
  Table *table = g_new0 (Table, 1);

  g_assert (n_columns > 0 && n_columns <= 32);

  table->n_columns = n_columns;
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);

  return table;
}

static void
table_free (Table *table)
{
  g_ptr_array_unref (table->rows);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

static void
table_align_right (Table *table,
                   guint  column)
{
  table->right_aligned |= 1u << column;
}

/* Adds a row of exactly n_columns cells; NULL cells print empty. */
static void
table_add_row (Table      *table,
               const char *first,
               ...)
{
  char **cells = g_new0 (char *, table->n_columns + 1);
  va_list args;

  va_start (args, first);
  cells[0] = g_strdup (first ? first : "");
  for (guint i = 1; i < table->n_columns; i++)
    {
      const char *cell = va_arg (args, const char *);
      cells[i] = g_strdup (cell ? cell : "");
    }
  va_end (args);

  g_ptr_array_add (table->rows, cells);
}

/* Prints the table, every line indented by @indent spaces. */
static void
table_print (Table *table,
             guint  indent)
{
  g_autofree guint *widths = g_new0 (guint, table->n_columns);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **cells = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], display_width (cells[c]));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **cells = g_ptr_array_index (table->rows, r);
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint i = 0; i < indent; i++)
        g_string_append_c (line, ' ');

      for (guint c = 0; c < table->n_columns; c++)
        {
          guint pad = widths[c] - display_width (cells[c]);
          gboolean last = c + 1 == table->n_columns;

          if (c > 0)
            g_string_append (line, "  ");
          if (table->right_aligned & (1u << c))
            {
              for (guint i = 0; i < pad; i++)
                g_string_append_c (line, ' ');
              g_string_append (line, cells[c]);
            }
          else
            {
              g_string_append (line, cells[c]);
              for (guint i = 0; !last && i < pad; i++)
                g_string_append_c (line, ' ');
            }
        }

      g_strchomp (line->str);
      outf ("%s\n", line->str);
    }
}

/* A moment for people to read, in the machine's time zone; "" for never (0). */
static char *
format_local_time (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec == 0)
    return g_strdup ("");

  time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  return time ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  /* Nicks live in static tables, so the pointer outlives the class reference. */
  return enum_value ? enum_value->value_nick : "unknown";
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                      */

/* Timestamps are microseconds since the epoch in the core; scripts get ISO 8601 in UTC, or null for never. */
static void
builder_add_timestamp (JsonBuilder *builder,
                       gint64       usec)
{
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *text = NULL;

  if (usec != 0)
    time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (time == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
  json_builder_add_string_value (builder, text);
}

static void
builder_add_nullable_string (JsonBuilder *builder,
                             const char  *text)
{
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static int
compare_param_ids (gconstpointer a,
                   gconstpointer b)
{
  const GParamSpec *pa = *(GParamSpec * const *)a;
  const GParamSpec *pb = *(GParamSpec * const *)b;

  return (pa->param_id > pb->param_id) - (pa->param_id < pb->param_id);
}

/*
 * The members of a model object, named like its GObject properties so the
 * JSON stays in step with the core: enums as nicks, string lists as arrays,
 * schedules in their text form, and int64 properties called "at" or
 * "…-at" as timestamps. @skip names a property the caller adds itself.
 */
static void
builder_add_object_members (JsonBuilder *builder,
                            GObject     *object,
                            const char  *skip)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_pspecs);
  /* Installation order, which is the order the header declares them in. */
  qsort (pspecs, n_pspecs, sizeof *pspecs, compare_param_ids);

  for (guint i = 0; i < n_pspecs; i++)
    {
      GParamSpec *pspec = pspecs[i];
      GType type = pspec->value_type;
      g_auto(GValue) value = G_VALUE_INIT;

      if (!(pspec->flags & G_PARAM_READABLE) || g_strcmp0 (pspec->name, skip) == 0)
        continue;

      g_value_init (&value, type);
      g_object_get_property (object, pspec->name, &value);
      json_builder_set_member_name (builder, pspec->name);

      if (type == G_TYPE_INT64 && (strcmp (pspec->name, "at") == 0 || g_str_has_suffix (pspec->name, "-at")))
        builder_add_timestamp (builder, g_value_get_int64 (&value));
      else if (type == G_TYPE_INT64)
        json_builder_add_int_value (builder, g_value_get_int64 (&value));
      else if (type == G_TYPE_INT)
        json_builder_add_int_value (builder, g_value_get_int (&value));
      else if (type == G_TYPE_BOOLEAN)
        json_builder_add_boolean_value (builder, g_value_get_boolean (&value));
      else if (type == G_TYPE_STRING)
        builder_add_nullable_string (builder, g_value_get_string (&value));
      else if (G_TYPE_IS_ENUM (type))
        json_builder_add_string_value (builder, enum_nick (type, g_value_get_enum (&value)));
      else if (type == G_TYPE_STRV)
        {
          const char * const *strv = g_value_get_boxed (&value);

          json_builder_begin_array (builder);
          for (guint j = 0; strv && strv[j]; j++)
            json_builder_add_string_value (builder, strv[j]);
          json_builder_end_array (builder);
        }
      else if (type == LANYARD_TYPE_SCHEDULE)
        {
          LanyardSchedule *schedule = g_value_get_boxed (&value);
          g_autofree char *text = schedule ? lanyard_schedule_to_string (schedule) : NULL;

          builder_add_nullable_string (builder, text);
        }
      else
        json_builder_add_null_value (builder);
    }
}

static void
builder_add_object (JsonBuilder *builder,
                    gpointer     object)
{
  json_builder_begin_object (builder);
  builder_add_object_members (builder, object, NULL);
  json_builder_end_object (builder);
}

static void
builder_add_audit_event (JsonBuilder       *builder,
                         LanyardAuditEvent *event)
{
  const char *changes = lanyard_audit_event_get_changes (event);
  JsonNode *node = NULL;

  json_builder_begin_object (builder);
  builder_add_object_members (builder, G_OBJECT (event), "changes");

  /* The store keeps changes as JSON text; embed it as JSON, not as a string. */
  json_builder_set_member_name (builder, "changes");
  if (changes != NULL)
    node = json_from_string (changes, NULL);
  if (node != NULL)
    json_builder_add_value (builder, node);
  else
    builder_add_nullable_string (builder, changes);

  json_builder_end_object (builder);
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  outf ("%s\n", text);
}

/* ------------------------------------------------------------------------ */
/* Arguments                                                                 */

static gboolean
usage_error (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, message);
  return FALSE;
}

/*
 * Free text from the command line is taken as bytes (G_OPTION_ARG_FILENAME)
 * and decoded here: G_OPTION_ARG_STRING converts from the locale's charset
 * and so refuses "Müller" under the C locale of cron jobs and services. Text
 * that is valid UTF-8 is taken as such; anything else is read in the locale.
 */
static gboolean
decode_text (char       **text,
             const char  *option,
             GError     **error)
{
  char *converted;

  if (*text == NULL || g_utf8_validate (*text, -1, NULL))
    return TRUE;

  if (!(converted = g_locale_to_utf8 (*text, -1, NULL, NULL, NULL)))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The value of %s is not valid text"), option);
      return FALSE;
    }

  g_free (*text);
  *text = converted;
  return TRUE;
}

/* A person id as typed: a positive whole number. */
static gboolean
parse_person_id (const char  *text,
                 gint64      *out_id,
                 GError     **error)
{
  if (!g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, out_id, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a person id; ids are whole numbers like 42"), text);
      return FALSE;
    }

  return TRUE;
}

/* A friendlier word accepted for an enum nick ("has" for "has-access"). */
typedef struct {
  const char *word;
  const char *nick;
} Alias;

/*
 * Reads an option's value as a nick of @type. The error names the option
 * and lists the values, as the aliases show them where there are some.
 */
static gboolean
parse_enum_option (GType         type,
                   const char   *option,
                   const char   *text,
                   const Alias  *aliases,
                   int          *out_value,
                   GError      **error)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  g_autoptr(GString) allowed = g_string_new (NULL);
  const char *nick = text;
  GEnumValue *value;

  if (text == NULL)
    return TRUE;

  for (guint i = 0; aliases && aliases[i].word; i++)
    if (strcmp (text, aliases[i].word) == 0)
      nick = aliases[i].nick;

  if ((value = g_enum_get_value_by_nick (klass, nick)))
    {
      *out_value = value->value;
      return TRUE;
    }

  for (guint i = 0; i < klass->n_values; i++)
    {
      const char *word = klass->values[i].value_nick;

      for (guint j = 0; aliases && aliases[j].word; j++)
        if (strcmp (aliases[j].nick, word) == 0)
          word = aliases[j].word;

      if (allowed->len > 0)
        g_string_append (allowed, ", ");
      g_string_append (allowed, word);
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not a value of %s; use one of: %s"), text, option, allowed->str);
  return FALSE;
}

/*
 * GLib 2.74 reads ISO 8601 only with seconds; people type "2025-03-14 09:30".
 * Accept a space for the "T" and add the missing seconds before parsing.
 */
static GDateTime *
parse_time (const char  *text,
            GError     **error)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GString) iso = NULL;
  GDateTime *time;
  char *t;

  if (text == NULL || g_ascii_strcasecmp (text, "now") == 0)
    return g_date_time_new_now_utc ();

  iso = g_string_new (text);
  if ((t = strchr (iso->str, ' ')))
    *t = 'T';
  if ((t = strchr (iso->str, 'T')))
    {
      gsize at = t - iso->str + 1;
      const char *clock = iso->str + at;

      if (strlen (clock) >= 5 && clock[2] == ':' &&
          (clock[5] == '\0' || clock[5] == 'Z' || clock[5] == 'z' || clock[5] == '+' || clock[5] == '-'))
        g_string_insert (iso, at + 5, ":00");
    }

  if (!(time = g_date_time_new_from_iso8601 (iso->str, local)))
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 _("“%s” is not a time for --at; use now or ISO 8601 like 2025-03-14T09:30 "
                   "(local time) or 2025-03-14T09:30+01:00"), text);

  return time;
}

/* ------------------------------------------------------------------------ */
/* Store and facility                                                        */

/* Opens the database on first use, so that --help and usage errors never create one. */
static LanyardStore *
cli_get_store (Cli     *cli,
               GError **error)
{
  if (cli->store == NULL)
    {
      if (cli->database == NULL)
        cli->database = lanyard_sqlite_store_default_path ();

      if (!(cli->store = lanyard_sqlite_store_open (cli->database, error)))
        return NULL;
    }

  return LANYARD_STORE (cli->store);
}

static char *
describe_facilities (GPtrArray *facilities)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < facilities->len; i++)
    {
      LanyardFacility *facility = g_ptr_array_index (facilities, i);

      g_string_append_printf (text, "%s%" G_GINT64_FORMAT " “%s”", i ? ", " : "",
                              lanyard_facility_get_id (facility), lanyard_facility_get_name (facility));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/*
 * The facility a command works on: the one --facility names (by id or by
 * name), or the only one there is. Several without --facility is a usage
 * error that lists them; none at all says how to make one.
 */
static LanyardFacility *
cli_get_facility (Cli         *cli,
                  const char  *wanted,
                  GError     **error)
{
  g_autoptr(GPtrArray) facilities = NULL;
  g_autofree char *list = NULL;
  LanyardStore *store;
  gint64 id = 0;

  if (!(store = cli_get_store (cli, error)) ||
      !(facilities = lanyard_store_list_facilities (store, NULL, error)))
    return NULL;

  if (facilities->len == 0)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                           _("The database has no facility yet; create one with "
                             "“lanyardctl init --facility NAME” or try “lanyardctl demo --people 1000”"));
      return NULL;
    }

  list = describe_facilities (facilities);

  if (wanted == NULL)
    {
      if (facilities->len == 1)
        return g_object_ref (g_ptr_array_index (facilities, 0));

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The database has %u facilities; choose one with --facility ID or --facility NAME: %s"),
                   facilities->len, list);
      return NULL;
    }

  /* An id first, then a name: a facility called "42" is still reachable by name if no id is 42. */
  g_ascii_string_to_signed (wanted, 10, 1, G_MAXINT64, &id, NULL);
  for (guint i = 0; id != 0 && i < facilities->len; i++)
    if (lanyard_facility_get_id (g_ptr_array_index (facilities, i)) == id)
      return g_object_ref (g_ptr_array_index (facilities, i));
  for (guint i = 0; i < facilities->len; i++)
    if (g_strcmp0 (lanyard_facility_get_name (g_ptr_array_index (facilities, i)), wanted) == 0)
      return g_object_ref (g_ptr_array_index (facilities, i));

  g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
               _("There is no facility “%s”; the facilities are: %s"), wanted, list);
  return NULL;
}

/* The facility with @id among all of them, or NULL (no error) when it is gone. */
static LanyardFacility *
cli_find_facility (Cli    *cli,
                   gint64  id)
{
  g_autoptr(GPtrArray) facilities = NULL;

  if (cli->store == NULL ||
      !(facilities = lanyard_store_list_facilities (LANYARD_STORE (cli->store), NULL, NULL)))
    return NULL;

  for (guint i = 0; i < facilities->len; i++)
    if (lanyard_facility_get_id (g_ptr_array_index (facilities, i)) == id)
      return g_object_ref (g_ptr_array_index (facilities, i));

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Option parsing                                                            */

/* Options every command takes, so "--database" may come before or after the command. */
static GOptionEntry *
global_entries (Cli *cli)
{
  GOptionEntry entries[] = {
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &cli->database,
      N_("The database file (default: the one the Lanyard app opens)"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionContext *
cli_option_context (Cli                *cli,
                    const Command      *command,
                    const GOptionEntry *entries)
{
  g_autofree GOptionEntry *globals = global_entries (cli);
  GOptionContext *context;

  context = g_option_context_new (command && command->parameters ? _(command->parameters) : NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (command && command->summary)
    g_option_context_set_summary (context, _(command->summary));
  if (command && command->description)
    g_option_context_set_description (context, _(command->description));
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, globals, GETTEXT_PACKAGE);

  return context;
}

/* Parses the command's options out of @args; what remains are its arguments after args[0]. */
static gboolean
cli_parse (Cli                 *cli,
           const GOptionEntry  *entries,
           char              ***args,
           GError             **error)
{
  g_autoptr(GOptionContext) context = cli_option_context (cli, cli->command, entries);

  return g_option_context_parse_strv (context, args, error);
}

/* Checks the number of arguments left after the options. */
static gboolean
expect_arguments (Cli     *cli,
                  char   **args,
                  guint    min,
                  guint    max,
                  GError **error)
{
  guint n = g_strv_length (args) - 1;

  if (n < min)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Missing arguments; usage: %s [OPTION…] %s"),
                   cli->command_line, _(cli->command->parameters));
      return FALSE;
    }

  if (n > max)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Unexpected argument “%s”"), args[max + 1]);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* init                                                                      */

/* The machine's IANA zone name, or "UTC" when it has none ("/etc/localtime" is not a name). */
static char *
default_timezone (void)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  const char *id = g_time_zone_get_identifier (local);

  if (id == NULL || *id == '\0' || *id == ':' || *id == '/' || strcmp (id, "localtime") == 0)
    return g_strdup ("UTC");

  return g_strdup (id);
}

static gboolean
cmd_init (Cli     *cli,
          char   **args,
          GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *zone = NULL;
  g_autofree char *region = NULL;
  g_autofree char *stored_region = NULL;
  g_autoptr(GPtrArray) facilities = NULL;
  LanyardStore *store;
  const GOptionEntry entries[] = {
    { "facility", 0, 0, G_OPTION_ARG_FILENAME, &name, N_("Create a facility with this name"), N_("NAME") },
    { "timezone", 0, 0, G_OPTION_ARG_FILENAME, &zone,
      N_("Time zone of the new facility, like Europe/Berlin (default: this computer’s)"), N_("TZ") },
    { "region", 0, 0, G_OPTION_ARG_FILENAME, &region,
      N_("Region phone numbers without a country code are read in, like DE or US"), N_("CC") },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 0, 0, error) ||
      !decode_text (&name, "--facility", error) ||
      !decode_text (&zone, "--timezone", error) ||
      !decode_text (&region, "--region", error))
    return FALSE;

  if (zone != NULL && name == NULL)
    return usage_error (error, _("--timezone sets the time zone of a new facility; name it with --facility"));

  if (!(store = cli_get_store (cli, error)))
    return FALSE;

  /*
   * A mistyped region must not leave a new facility behind, so look at it
   * before creating anything; the store's setter words the error.
   */
  if (region != NULL)
    {
      g_autofree char *upper = g_ascii_strup (region, -1);

      if (!lanyard_phone_region_is_known (upper))
        return lanyard_sqlite_store_set_phone_region (cli->store, region, error);
    }

  if (name != NULL)
    {
      g_autoptr(LanyardFacility) facility = lanyard_facility_new ();
      g_autoptr(LanyardFacility) saved = NULL;

      if (zone == NULL)
        zone = default_timezone ();

      lanyard_facility_set_name (facility, name);
      lanyard_facility_set_timezone (facility, zone);
      if (!(saved = lanyard_store_save_facility (store, facility, NULL, error)))
        return FALSE;

      outf (_("Created the facility “%s” (id %" PRId64 ", time zone %s).\n"),
            lanyard_facility_get_name (saved), lanyard_facility_get_id (saved),
            lanyard_facility_get_timezone (saved));
    }

  if (region != NULL && !lanyard_sqlite_store_set_phone_region (cli->store, region, error))
    return FALSE;

  if (!(facilities = lanyard_store_list_facilities (store, NULL, error)))
    return FALSE;
  stored_region = lanyard_sqlite_store_dup_phone_region (cli->store);

  outf (_("Database: %s\n"), lanyard_sqlite_store_get_path (cli->store));
  outf (ngettext ("%u facility; phone numbers without a country code are read as %s.\n",
                  "%u facilities; phone numbers without a country code are read as %s.\n",
                  facilities->len),
        facilities->len, stored_region);

  if (facilities->len == 0)
    out (_("Next: create a facility with “lanyardctl init --facility NAME”, "
           "or try “lanyardctl demo --people 1000”.\n"));

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* demo                                                                      */

typedef struct {
  gboolean on_terminal;
  guint    last_width;
} DemoProgress;

static void
demo_progress_cb (guint    done,
                  guint    total,
                  gpointer user_data)
{
  DemoProgress *progress = user_data;
  g_autofree char *line = NULL;

  if (!progress->on_terminal)
    return;

  line = g_strdup_printf (_("Creating people… %u of %u (%u%%)"), done, total,
                          total ? (guint)((guint64)done * 100 / total) : 100);
  progress->last_width = display_width (line);
  errf ("\r%s", line);
  fflush (stderr);
}

static gboolean
cmd_demo (Cli     *cli,
          char   **args,
          GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr(LanyardFacility) facility = NULL;
  DemoProgress progress = { isatty (STDERR_FILENO), 0 };
  LanyardStore *store;
  gint64 n_people = G_MININT64;  /* not given */
  gint64 seed = 1;
  gint64 facility_id;
  gint64 started;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "people", 0, 0, G_OPTION_ARG_INT64, &n_people, N_("How many people to create"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of the generator: the same seed gives the same people (default: 1)"), N_("S") },
    { "facility", 0, 0, G_OPTION_ARG_FILENAME, &name,
      N_("Name of the new facility (default: Riverside Sports Club)"), N_("NAME") },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 0, 0, error) ||
      !decode_text (&name, "--facility", error))
    return FALSE;

  if (n_people < 0)
    return usage_error (error, n_people == G_MININT64
                               ? _("Say how many people to create with --people N")
                               : _("--people must be 0 or more"));
  if (n_people > G_MAXUINT)
    return usage_error (error, _("--people is too large"));
  if (seed < 0 || seed > G_MAXUINT32)
    return usage_error (error, _("--seed must be a whole number from 0 to 4294967295"));

  if (!(store = cli_get_store (cli, error)))
    return FALSE;

  started = g_get_monotonic_time ();
  if (!(facility_id = lanyard_demo_create_facility (store, name, NULL, error)))
    return FALSE;

  /* The core reports after each batch; say something before the first one ends. */
  if (n_people > 0)
    demo_progress_cb (0, (guint)n_people, &progress);

  ok = lanyard_demo_add_people (store, facility_id, (guint)n_people, (guint32)seed, 0,
                                demo_progress_cb, &progress, NULL, error);

  /* Wipe the progress line so the summary or the error starts clean. */
  if (progress.last_width > 0)
    {
      errf ("\r%*s\r", (int)progress.last_width, "");
      fflush (stderr);
    }

  if (!ok)
    return FALSE;

  facility = cli_find_facility (cli, facility_id);
  outf (ngettext ("Created the facility “%s” (id %" PRId64 ") with %u person in %.1f s.\n",
                  "Created the facility “%s” (id %" PRId64 ") with %u people in %.1f s.\n",
                  (gulong)n_people),
        facility ? lanyard_facility_get_name (facility) : "?", facility_id, (guint)n_people,
        (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* people list, people search                                                */

static char *
format_phone (LanyardPerson *person)
{
  const char *phone = lanyard_person_get_phone (person);

  return phone ? lanyard_phone_format_international (phone) : NULL;
}

/* The row badges of the People list, in its order: source, message, disabled, grants, invited, decoupled. */
static char *
person_badges (LanyardPerson *person)
{
  g_autoptr(GPtrArray) badges = g_ptr_array_new_with_free_func (g_free);
  LanyardSource source = lanyard_person_get_source (person);
  int grants = lanyard_person_get_grant_count (person);

  if (source == LANYARD_SOURCE_INTEGRATION)
    g_ptr_array_add (badges, lanyard_person_get_source_name (person)
                             ? g_strdup_printf (_("synced from %s"), lanyard_person_get_source_name (person))
                             : g_strdup (_("synced")));
  else if (source == LANYARD_SOURCE_CCTV)
    g_ptr_array_add (badges, g_strdup (_("CCTV")));

  if (lanyard_person_get_app_message (person))
    g_ptr_array_add (badges, g_strdup (_("message")));

  if (!lanyard_person_get_access_enabled (person))
    g_ptr_array_add (badges, g_strdup (_("disabled")));
  else if (!lanyard_person_get_has_access (person))
    g_ptr_array_add (badges, g_strdup (_("no access")));

  if (grants > 0)
    g_ptr_array_add (badges, g_strdup_printf (ngettext ("%d grant", "%d grants", grants), grants));

  switch (lanyard_person_get_invitation_state (person))
    {
    case LANYARD_INVITATION_INVITED:
      g_ptr_array_add (badges, g_strdup (_("invited")));
      break;
    case LANYARD_INVITATION_SEND_FAILED:
      g_ptr_array_add (badges, g_strdup (_("invitation failed")));
      break;
    case LANYARD_INVITATION_NOT_INVITED:
    default:
      break;
    }

  if (source != LANYARD_SOURCE_MANUAL && !lanyard_person_get_track_source_updates (person))
    g_ptr_array_add (badges, g_strdup (_("decoupled")));

  g_ptr_array_add (badges, NULL);
  return g_strjoinv (", ", (char **)badges->pdata);
}

static Table *
people_table_new (void)
{
  Table *table = table_new (7);

  table_align_right (table, 0);
  table_add_row (table,
                 C_("column", "ID"), C_("column", "NAME"), C_("column", "PHONE"), C_("column", "EMAIL"),
                 C_("column", "TYPE"), C_("column", "STATUS"), C_("column", "BADGES"));

  return table;
}

static void
people_table_add (Table         *table,
                  LanyardPerson *person)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, lanyard_person_get_id (person));
  g_autofree char *name = lanyard_person_dup_display_name (person);
  g_autofree char *phone = format_phone (person);
  g_autofree char *badges = person_badges (person);

  table_add_row (table, id, name, phone, lanyard_person_get_email (person),
                 lanyard_person_get_person_type (person), lanyard_person_get_membership_status (person),
                 badges);
}

static const Alias access_aliases[] = {
  { "has", "has-access" },
  { "none", "no-access" },
  { NULL, NULL }
};

/* The filters and sort of the People list, as options: "people list" and "export" share them. */
typedef struct {
  char     *facility;
  char     *search;
  char     *source;
  char     *access;
  char     *status;
  char     *type;
  char     *tag;
  char     *invitation;
  char     *adoption;
  char     *sort;
  gboolean  descending;
} QueryOptions;

static void
query_options_clear (QueryOptions *options)
{
  g_free (options->facility);
  g_free (options->search);
  g_free (options->source);
  g_free (options->access);
  g_free (options->status);
  g_free (options->type);
  g_free (options->tag);
  g_free (options->invitation);
  g_free (options->adoption);
  g_free (options->sort);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QueryOptions, query_options_clear)

/* The query options followed by @more, as one array for cli_parse(); free it with g_free(). */
static GOptionEntry *
query_options_entries (QueryOptions       *options,
                       const GOptionEntry *more)
{
  const GOptionEntry entries[] = {
    { "facility", 0, 0, G_OPTION_ARG_FILENAME, &options->facility,
      N_("The facility, by id or name (needed when there are several)"), N_("ID|NAME") },
    { "search", 0, 0, G_OPTION_ARG_FILENAME, &options->search,
      N_("Only people whose name, phone or email contains TEXT"), N_("TEXT") },
    { "source", 0, 0, G_OPTION_ARG_STRING, &options->source,
      N_("Where records come from: any, manual, integration or cctv"), N_("SOURCE") },
    { "access", 0, 0, G_OPTION_ARG_STRING, &options->access,
      N_("Access to doors: any, has, none, disabled or without-grants"), N_("ACCESS") },
    { "status", 0, 0, G_OPTION_ARG_FILENAME, &options->status, N_("Membership status, like Current"), N_("S") },
    { "type", 0, 0, G_OPTION_ARG_FILENAME, &options->type, N_("Person type, like Gold"), N_("T") },
    { "tag", 0, 0, G_OPTION_ARG_FILENAME, &options->tag, N_("A synced or custom tag"), N_("T") },
    { "invitation", 0, 0, G_OPTION_ARG_STRING, &options->invitation,
      N_("Invitation to the app: any, invited, not-invited or send-failed"), N_("STATE") },
    { "adoption", 0, 0, G_OPTION_ARG_STRING, &options->adoption, N_("Use of the app: any, active or not-yet"), N_("ADOPTION") },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &options->sort,
      N_("Sort by name (the default), created, updated, last-used or last-synced"), N_("ORDER") },
    { "desc", 0, 0, G_OPTION_ARG_NONE, &options->descending, N_("Sort descending"), NULL },
  };
  guint n_more = 0;
  GOptionEntry *all;

  while (more[n_more].long_name != NULL)
    n_more++;

  all = g_new0 (GOptionEntry, G_N_ELEMENTS (entries) + n_more + 1);
  memcpy (all, entries, sizeof entries);
  memcpy (all + G_N_ELEMENTS (entries), more, n_more * sizeof (GOptionEntry));

  return all;
}

/* The query the options describe; the search may come from the arguments instead. */
static LanyardPeopleQuery *
query_options_build (Cli           *cli,
                     QueryOptions  *options,
                     GError       **error)
{
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(LanyardPeopleQuery) query = NULL;
  int value;

  if (!decode_text (&options->facility, "--facility", error) ||
      !decode_text (&options->search, "--search", error) ||
      !decode_text (&options->status, "--status", error) ||
      !decode_text (&options->type, "--type", error) ||
      !decode_text (&options->tag, "--tag", error))
    return NULL;

  if (!(facility = cli_get_facility (cli, options->facility, error)))
    return NULL;

  query = lanyard_people_query_new (lanyard_facility_get_id (facility));
  query->search = g_steal_pointer (&options->search);
  query->membership_status = g_steal_pointer (&options->status);
  query->person_type = g_steal_pointer (&options->type);
  query->tag = g_steal_pointer (&options->tag);
  query->descending = options->descending;

  if (!parse_enum_option (LANYARD_TYPE_SOURCE_FILTER, "--source", options->source, NULL, &value, error))
    return NULL;
  query->source = options->source ? value : LANYARD_SOURCE_FILTER_ANY;
  if (!parse_enum_option (LANYARD_TYPE_ACCESS_FILTER, "--access", options->access, access_aliases, &value, error))
    return NULL;
  query->access = options->access ? value : LANYARD_ACCESS_FILTER_ANY;
  if (!parse_enum_option (LANYARD_TYPE_INVITATION_FILTER, "--invitation", options->invitation, NULL, &value, error))
    return NULL;
  query->invitation = options->invitation ? value : LANYARD_INVITATION_FILTER_ANY;
  if (!parse_enum_option (LANYARD_TYPE_ADOPTION_FILTER, "--adoption", options->adoption, NULL, &value, error))
    return NULL;
  query->adoption = options->adoption ? value : LANYARD_ADOPTION_FILTER_ANY;
  if (!parse_enum_option (LANYARD_TYPE_PEOPLE_SORT, "--sort", options->sort, NULL, &value, error))
    return NULL;
  query->sort = options->sort ? value : LANYARD_PEOPLE_SORT_NAME;

  return g_steal_pointer (&query);
}

static gboolean
run_people_query (Cli      *cli,
                  char    **args,
                  gboolean  search_from_arguments,
                  GError  **error)
{
  g_auto(QueryOptions) options = { NULL, };
  g_autofree GOptionEntry *entries = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *store_cursor = NULL;
  g_autofree char *next_cursor = NULL;
  g_autoptr(LanyardPeopleQuery) query = NULL;
  g_autoptr(LanyardPeoplePage) page = NULL;
  gboolean json = FALSE;
  int limit = 0;
  const GOptionEntry more[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N people per page (default: 50)"), N_("N") },
    { "cursor", 0, 0, G_OPTION_ARG_STRING, &cursor, N_("Continue after the page that printed this cursor"), N_("C") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    G_OPTION_ENTRY_NULL
  };

  entries = query_options_entries (&options, more);
  if (!cli_parse (cli, entries, &args, error))
    return FALSE;

  if (search_from_arguments)
    {
      if (!expect_arguments (cli, args, 1, G_MAXUINT, error))
        return FALSE;
      if (options.search != NULL)
        return usage_error (error, _("Give the search either as arguments or with --search, not both"));
      options.search = g_strjoinv (" ", args + 1);
    }
  else if (!expect_arguments (cli, args, 0, 0, error))
    return FALSE;

  if (limit < 0)
    return usage_error (error, _("--limit must be a positive number"));
  if (cursor != NULL && !(store_cursor = g_strdup (cursor)))
    return FALSE;

  if (!(query = query_options_build (cli, &options, error)))
    return FALSE;

  if (!(page = lanyard_store_query_people (LANYARD_STORE (cli->store), query, store_cursor, limit, NULL, error)))
    return FALSE;
  if (page->next_cursor != NULL)
    next_cursor = g_strdup (page->next_cursor);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "people");
      json_builder_begin_array (builder);
      for (guint i = 0; i < page->people->len; i++)
        builder_add_object (builder, g_ptr_array_index (page->people, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "next-cursor");
      builder_add_nullable_string (builder, next_cursor);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else if (page->people->len == 0)
    errf ("%s\n", lanyard_people_query_is_filtered (query)
                  ? _("No one matches.") : _("This facility has no people yet."));
  else
    {
      g_autoptr(Table) table = people_table_new ();

      for (guint i = 0; i < page->people->len; i++)
        people_table_add (table, g_ptr_array_index (page->people, i));
      table_print (table, 0);
    }

  /* On stderr, so that stdout stays a clean table or JSON document. */
  if (next_cursor != NULL)
    errf (_("More people follow; add --cursor %s to the same command for the next page.\n"), next_cursor);

  return TRUE;
}

static gboolean
cmd_people_list (Cli     *cli,
                 char   **args,
                 GError **error)
{
  return run_people_query (cli, args, FALSE, error);
}

static gboolean
cmd_people_search (Cli     *cli,
                   char   **args,
                   GError **error)
{
  return run_people_query (cli, args, TRUE, error);
}

/* ------------------------------------------------------------------------ */
/* people show                                                               */

static char *
describe_grant_target (LanyardGrant *grant)
{
  const char *name = lanyard_grant_get_target_name (grant);

  switch (lanyard_grant_get_kind (grant))
    {
    case LANYARD_GRANT_FACILITY:
      return g_strdup (_("every door of the facility"));
    case LANYARD_GRANT_DOOR:
      return g_strdup_printf (_("door “%s” (id %" PRId64 ")"), name ? name : "?",
                              lanyard_grant_get_target_id (grant));
    case LANYARD_GRANT_SCOPE:
    default:
      return g_strdup_printf (_("access scope “%s” (id %" PRId64 ")"), name ? name : "?",
                              lanyard_grant_get_target_id (grant));
    }
}

static char *
describe_schedule (LanyardSchedule *schedule)
{
  return schedule ? lanyard_schedule_to_string (schedule) : g_strdup (_("always"));
}

static char *
describe_tags (LanyardPerson *person)
{
  const char * const *synced = lanyard_person_get_synced_tags (person);
  const char * const *custom = lanyard_person_get_custom_tags (person);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; synced && synced[i]; i++)
    g_string_append_printf (text, "%s%s %s", text->len ? ", " : "", synced[i], _("(synced)"));
  for (guint i = 0; custom && custom[i]; i++)
    g_string_append_printf (text, "%s%s", text->len ? ", " : "", custom[i]);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
add_field (Table      *table,
           const char *label,
           const char *value)
{
  g_autofree char *with_colon = NULL;

  if (value == NULL || *value == '\0')
    return;

  with_colon = g_strdup_printf (_("%s:"), label);
  table_add_row (table, with_colon, value);
}

static void
print_person_fields (LanyardPerson   *person,
                     LanyardFacility *facility)
{
  g_autoptr(Table) table = table_new (2);
  g_autofree char *name = lanyard_person_dup_display_name (person);
  g_autofree char *facility_text = NULL;
  g_autofree char *phone = format_phone (person);
  g_autofree char *tags = describe_tags (person);
  g_autofree char *access = NULL;
  g_autofree char *source = NULL;
  g_autofree char *invitation = NULL;
  g_autofree char *last_used = format_local_time (lanyard_person_get_last_used_at (person));
  g_autofree char *ips = NULL;
  g_autofree char *message = NULL;
  g_autofree char *created = format_local_time (lanyard_person_get_created_at (person));
  g_autofree char *updated = format_local_time (lanyard_person_get_updated_at (person));
  g_autofree char *synced = format_local_time (lanyard_person_get_last_synced_at (person));
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, lanyard_person_get_version (person));
  int grants = lanyard_person_get_grant_count (person);

  facility_text = g_strdup_printf ("%s (id %" G_GINT64_FORMAT ")",
                                   facility ? lanyard_facility_get_name (facility) : "?",
                                   lanyard_person_get_facility_id (person));

  if (!lanyard_person_get_access_enabled (person))
    access = g_strdup (_("disabled: every door is denied"));
  else if (lanyard_person_get_has_access (person))
    access = g_strdup (_("enabled; rules or grants reach at least one door"));
  else
    access = g_strdup (_("enabled, but no rule or grant reaches a door"));

  switch (lanyard_person_get_source (person))
    {
    case LANYARD_SOURCE_INTEGRATION:
      source = g_strdup_printf (_("integration %s, %s"),
                                lanyard_person_get_source_name (person) ? lanyard_person_get_source_name (person) : "?",
                                lanyard_person_get_track_source_updates (person)
                                ? _("tracking source updates") : _("decoupled from the source"));
      break;
    case LANYARD_SOURCE_CCTV:
      source = g_strdup_printf (_("CCTV, %s"),
                                lanyard_person_get_track_source_updates (person)
                                ? _("tracking source updates") : _("decoupled from the source"));
      break;
    case LANYARD_SOURCE_MANUAL:
    default:
      source = g_strdup (_("added by hand"));
      break;
    }

  switch (lanyard_person_get_invitation_state (person))
    {
    case LANYARD_INVITATION_INVITED:
      {
        g_autofree char *when = format_local_time (lanyard_person_get_invited_at (person));
        invitation = g_strdup_printf (_("invited %s"), when);
      }
      break;
    case LANYARD_INVITATION_SEND_FAILED:
      invitation = g_strdup_printf (_("could not be sent: %s"),
                                    lanyard_person_get_invitation_error (person)
                                    ? lanyard_person_get_invitation_error (person) : "?");
      break;
    case LANYARD_INVITATION_NOT_INVITED:
    default:
      invitation = g_strdup (_("not invited"));
      break;
    }

  if (lanyard_person_get_recent_ips (person))
    ips = g_strjoinv (", ", (char **)lanyard_person_get_recent_ips (person));

  if (lanyard_person_get_app_message (person))
    message = g_strdup_printf ("%s (%s)", lanyard_person_get_app_message (person),
                               enum_nick (LANYARD_TYPE_MESSAGE_SEVERITY,
                                          lanyard_person_get_app_message_severity (person)));

  outf ("%s (id %" G_GINT64_FORMAT ")\n", name, lanyard_person_get_id (person));

  add_field (table, _("Facility"), facility_text);
  add_field (table, _("Phone"), phone);
  add_field (table, _("Email"), lanyard_person_get_email (person));
  add_field (table, _("Person type"), lanyard_person_get_person_type (person));
  add_field (table, _("Membership status"), lanyard_person_get_membership_status (person));
  add_field (table, _("Tags"), tags);
  add_field (table, _("Access"), access);
  if (grants == 0)
    add_field (table, _("Grants"), _("none"));
  add_field (table, _("Source"), source);
  add_field (table, _("External ID"), lanyard_person_get_external_id (person));
  add_field (table, _("Computer vision ID"), lanyard_person_get_cv_id (person));
  add_field (table, _("Invitation"), invitation);
  add_field (table, _("Last used the app"), *last_used ? last_used : _("never"));
  add_field (table, _("Recent IP addresses"), ips);
  add_field (table, _("App message"), message);
  add_field (table, _("Notes"), lanyard_person_get_notes (person));
  add_field (table, _("Created"), created);
  add_field (table, _("Updated"), updated);
  add_field (table, _("Last synced"), synced);
  add_field (table, _("Version"), version);

  table_print (table, 2);
}

static char *
describe_audit_target (LanyardAuditEvent *event)
{
  const char *label = lanyard_audit_event_get_target_label (event);
  gint64 id = lanyard_audit_event_get_target_id (event);
  g_autoptr(GString) text = g_string_new (lanyard_audit_event_get_target_kind (event));

  if (id != 0)
    g_string_append_printf (text, " %" G_GINT64_FORMAT, id);
  if (label != NULL)
    g_string_append_printf (text, " “%s”", label);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
print_audit_table (GPtrArray *events,
                   gboolean   with_target,
                   guint      indent)
{
  g_autoptr(Table) table = table_new (with_target ? 6 : 5);

  table_align_right (table, 0);
  if (with_target)
    table_add_row (table, C_("column", "ID"), C_("column", "TIME"), C_("column", "ACTOR"),
                   C_("column", "ACTION"), C_("column", "TARGET"), C_("column", "CHANGES"));
  else
    table_add_row (table, C_("column", "ID"), C_("column", "TIME"), C_("column", "ACTOR"),
                   C_("column", "ACTION"), C_("column", "CHANGES"));

  for (guint i = 0; i < events->len; i++)
    {
      LanyardAuditEvent *event = g_ptr_array_index (events, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, lanyard_audit_event_get_id (event));
      g_autofree char *at = format_local_time (lanyard_audit_event_get_at (event));
      g_autofree char *target = describe_audit_target (event);
      const char *changes = lanyard_audit_event_get_changes (event);

      if (with_target)
        table_add_row (table, id, at, lanyard_audit_event_get_actor (event),
                       lanyard_audit_event_get_action (event), target, changes);
      else
        table_add_row (table, id, at, lanyard_audit_event_get_actor (event),
                       lanyard_audit_event_get_action (event), changes);
    }

  table_print (table, indent);
}

static gboolean
cmd_people_show (Cli     *cli,
                 char   **args,
                 GError **error)
{
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GPtrArray) events = NULL;
  LanyardAuditQuery audit_query = { 0 };
  LanyardStore *store;
  gboolean json = FALSE;
  int n_events = 10;
  gint64 id;
  const GOptionEntry entries[] = {
    { "events", 0, 0, G_OPTION_ARG_INT, &n_events, N_("Show the N most recent changes (default: 10)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 1, 1, error) ||
      !parse_person_id (args[1], &id, error))
    return FALSE;

  if (n_events < 0)
    return usage_error (error, _("--events must be 0 or more"));

  if (!(store = cli_get_store (cli, error)) ||
      !(person = lanyard_store_get_person (store, id, NULL, error)) ||
      !(grants = lanyard_store_list_grants (store, id, NULL, error)))
    return FALSE;

  audit_query.target_kind = "person";
  audit_query.target_id = id;
  audit_query.limit = n_events;
  if (n_events == 0)
    events = g_ptr_array_new ();
  else if (!(events = lanyard_store_list_audit (store, &audit_query, NULL, error)))
    return FALSE;

  facility = cli_find_facility (cli, lanyard_person_get_facility_id (person));

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "person");
      builder_add_object (builder, person);
      json_builder_set_member_name (builder, "grants");
      json_builder_begin_array (builder);
      for (guint i = 0; i < grants->len; i++)
        builder_add_object (builder, g_ptr_array_index (grants, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "audit");
      json_builder_begin_array (builder);
      for (guint i = 0; i < events->len; i++)
        builder_add_audit_event (builder, g_ptr_array_index (events, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      print_json (builder);
      return TRUE;
    }

  print_person_fields (person, facility);

  if (grants->len > 0)
    {
      g_autoptr(Table) table = table_new (2);

      outf ("\n%s\n", _("Grants:"));
      for (guint i = 0; i < grants->len; i++)
        {
          LanyardGrant *grant = g_ptr_array_index (grants, i);
          g_autofree char *target = describe_grant_target (grant);
          g_autofree char *hours = describe_schedule (lanyard_grant_get_schedule (grant));

          table_add_row (table, target, hours);
        }
      table_print (table, 2);
    }

  if (events->len > 0)
    {
      outf ("\n%s\n", _("Recent changes:"));
      print_audit_table (events, FALSE, 2);
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* people add                                                                */

static gboolean
cmd_people_add (Cli     *cli,
                char   **args,
                GError **error)
{
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *email = NULL;
  g_autofree char *type = NULL;
  g_autofree char *status = NULL;
  g_autofree char *tags = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *facility_arg = NULL;
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(LanyardPerson) saved = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "first", 0, 0, G_OPTION_ARG_FILENAME, &first, N_("First name"), N_("NAME") },
    { "last", 0, 0, G_OPTION_ARG_FILENAME, &last, N_("Last name"), N_("NAME") },
    { "phone", 0, 0, G_OPTION_ARG_FILENAME, &phone,
      N_("Mobile phone; without a country code it is read in the database’s region"), N_("P") },
    { "email", 0, 0, G_OPTION_ARG_FILENAME, &email, N_("Email address"), N_("E") },
    { "type", 0, 0, G_OPTION_ARG_FILENAME, &type, N_("Person type, like Gold or Trial"), N_("T") },
    { "status", 0, 0, G_OPTION_ARG_FILENAME, &status, N_("Membership status, like Current"), N_("S") },
    { "tags", 0, 0, G_OPTION_ARG_FILENAME, &tags, N_("Custom tags, separated by commas"), N_("A,B") },
    { "notes", 0, 0, G_OPTION_ARG_FILENAME, &notes, N_("Notes about the person"), N_("TEXT") },
    { "facility", 0, 0, G_OPTION_ARG_FILENAME, &facility_arg,
      N_("The facility, by id or name (needed when there are several)"), N_("ID|NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the stored person as JSON"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 0, 0, error) ||
      !decode_text (&first, "--first", error) ||
      !decode_text (&last, "--last", error) ||
      !decode_text (&phone, "--phone", error) ||
      !decode_text (&email, "--email", error) ||
      !decode_text (&type, "--type", error) ||
      !decode_text (&status, "--status", error) ||
      !decode_text (&tags, "--tags", error) ||
      !decode_text (&notes, "--notes", error) ||
      !decode_text (&facility_arg, "--facility", error))
    return FALSE;

  if (!(facility = cli_get_facility (cli, facility_arg, error)))
    return FALSE;

  /* The store checks and normalises every field; a missing name is its error to report, too. */
  person = lanyard_person_new ();
  lanyard_person_set_facility_id (person, lanyard_facility_get_id (facility));
  lanyard_person_set_first_name (person, first);
  lanyard_person_set_last_name (person, last);
  lanyard_person_set_phone (person, phone);
  lanyard_person_set_email (person, email);
  lanyard_person_set_person_type (person, type);
  lanyard_person_set_membership_status (person, status);
  lanyard_person_set_notes (person, notes);
  if (tags != NULL)
    {
      g_auto(GStrv) custom_tags = lanyard_tags_parse (tags);

      lanyard_person_set_custom_tags (person, (const char * const *)custom_tags);
    }

  if (!(saved = lanyard_store_save_person (LANYARD_STORE (cli->store), person, NULL, &local_error)))
    {
      if (g_error_matches (local_error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE))
        g_prefix_error (&local_error, "%s", _("Not added: "));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      builder_add_object (builder, saved);
      print_json (builder);
    }
  else
    {
      g_autofree char *name = lanyard_person_dup_display_name (saved);

      outf (_("Added %s (id %" PRId64 ").\n"), name, lanyard_person_get_id (saved));
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* people set-access, people delete                                          */

/* Ids from the arguments, each once, in the order given. */
static GArray *
parse_person_ids (char   **args,
                  GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 1; args[i]; i++)
    {
      gint64 id;

      if (!parse_person_id (args[i], &id, error))
        return NULL;

      if (g_hash_table_add (seen, g_memdup2 (&id, sizeof id)))
        g_array_append_val (ids, id);
    }

  return g_steal_pointer (&ids);
}

static gboolean
cmd_people_set_access (Cli     *cli,
                       char   **args,
                       GError **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean enabled = FALSE;
  gboolean disabled = FALSE;
  LanyardStore *store;
  guint changed;
  const GOptionEntry entries[] = {
    { "enabled", 0, 0, G_OPTION_ARG_NONE, &enabled, N_("Let them open the doors their rules and grants allow"), NULL },
    { "disabled", 0, 0, G_OPTION_ARG_NONE, &disabled, N_("Deny them every door, whatever rules and grants say"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 1, G_MAXUINT, error))
    return FALSE;

  if (enabled == disabled)
    return usage_error (error, _("Say what access should be with either --enabled or --disabled"));

  if (!(ids = parse_person_ids (args, error)) ||
      !(store = cli_get_store (cli, error)))
    return FALSE;

  /* One transaction for all: an unknown id changes nobody. 0 is also "nobody needed a change". */
  changed = lanyard_store_set_access_enabled (store, (const gint64 *)(gpointer)ids->data, ids->len,
                                              enabled, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (changed == 0)
    out (enabled ? _("Nothing changed: access was already enabled.\n")
                 : _("Nothing changed: access was already disabled.\n"));
  else
    {
      if (enabled)
        outf (ngettext ("Enabled access for %u person", "Enabled access for %u people", changed), changed);
      else
        outf (ngettext ("Disabled access for %u person", "Disabled access for %u people", changed), changed);
      if (changed < ids->len)
        outf (ngettext (" (%u already was).\n", " (%u already were).\n", ids->len - changed), ids->len - changed);
      else
        out (".\n");
    }

  return TRUE;
}

/* Asks on the terminal; anything but yes is no. */
static gboolean
confirm (const char *question)
{
  char answer[64] = { 0 };

  errf ("%s [y/N] ", question);
  fflush (stderr);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;

  g_strstrip (answer);
  return g_ascii_strcasecmp (answer, "y") == 0 ||
         g_ascii_strcasecmp (answer, "yes") == 0 ||
         g_ascii_strcasecmp (answer, C_("answer to a yes/no question", "yes")) == 0;
}

static gboolean
cmd_people_delete (Cli     *cli,
                   char   **args,
                   GError **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *first_name = NULL;
  gboolean yes = FALSE;
  LanyardStore *store;
  guint deleted;
  const GOptionEntry entries[] = {
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask; needed when not run from a terminal"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 1, G_MAXUINT, error) ||
      !(ids = parse_person_ids (args, error)))
    return FALSE;

  /* A script cannot answer the question, and deleting unasked would be a surprise. */
  if (!yes && !isatty (STDIN_FILENO))
    return usage_error (error, _("Deleting cannot be undone; add --yes to delete without a terminal to confirm on"));

  if (!(store = cli_get_store (cli, error)))
    return FALSE;

  /* Look everyone up first, so the question can name them and a wrong id stops before asking. */
  for (guint i = 0; i < ids->len; i++)
    {
      LanyardPerson *person = lanyard_store_get_person (store, g_array_index (ids, gint64, i), NULL, error);

      if (person == NULL)
        return FALSE;
      g_ptr_array_add (people, person);
    }
  first_name = lanyard_person_dup_display_name (g_ptr_array_index (people, 0));

  if (!yes)
    {
      g_autofree char *question = NULL;

      if (people->len == 1)
        question = g_strdup_printf (_("Delete %s (id %" PRId64 ")? This cannot be undone."),
                                    first_name, g_array_index (ids, gint64, 0));
      else
        question = g_strdup_printf (ngettext ("Delete %u person? This cannot be undone.",
                                              "Delete %u people? This cannot be undone.", people->len),
                                    people->len);

      if (!confirm (question))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Nothing was deleted"));
          return FALSE;
        }
    }

  deleted = lanyard_store_delete_people (store, (const gint64 *)(gpointer)ids->data, ids->len, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (deleted == 1)
    outf (_("Deleted %s (id %" PRId64 ").\n"), first_name, g_array_index (ids, gint64, 0));
  else
    outf (ngettext ("Deleted %u person.\n", "Deleted %u people.\n", deleted), deleted);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* decide                                                                    */

/* A door by id, or by its name at the facility of @person (NULL when unknown). */
static gboolean
resolve_door (LanyardStore  *store,
              const char    *text,
              LanyardPerson *person,
              gint64         person_id,
              gint64        *out_door_id,
              GError       **error)
{
  g_autoptr(GPtrArray) doors = NULL;
  gint64 facility_id;

  if (g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, out_door_id, NULL))
    return TRUE;

  if (person == NULL)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
                   _("There is no person with id %" PRId64 ", so no facility to look up the door “%s” at"),
                   person_id, text);
      return FALSE;
    }

  facility_id = lanyard_person_get_facility_id (person);

  if (!(doors = lanyard_store_list_doors (store, facility_id, NULL, error)))
    return FALSE;

  for (guint i = 0; i < doors->len; i++)
    if (g_strcmp0 (lanyard_door_get_name (g_ptr_array_index (doors, i)), text) == 0)
      {
        *out_door_id = lanyard_door_get_id (g_ptr_array_index (doors, i));
        return TRUE;
      }

  g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND,
               _("The person’s facility has no door called “%s”; “lanyardctl doors --facility %"
                 PRId64 "” lists them"), text, facility_id);
  return FALSE;
}

static gboolean
cmd_decide (Cli     *cli,
            char   **args,
            GError **error)
{
  g_autofree char *at = NULL;
  g_autofree char *door_text = NULL;
  g_autoptr(GDateTime) instant = NULL;
  g_autoptr(LanyardPerson) person = NULL;
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(LanyardDecisionReport) report = NULL;
  g_autoptr(GError) local_error = NULL;
  const LanyardDecision *decision;
  LanyardStore *store;
  gboolean json = FALSE;
  gint64 person_id;
  gint64 door_id = 0;
  gint64 instant_usec;
  const GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at,
      N_("When: “now” (the default) or ISO 8601, like 2025-03-14T09:30 in local time"), N_("TIME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 2, 2, error) ||
      !parse_person_id (args[1], &person_id, error) ||
      !(instant = parse_time (at, error)))
    return FALSE;

  door_text = g_strdup (args[2]);
  if (!decode_text (&door_text, "DOOR", error) ||
      !(store = cli_get_store (cli, error)))
    return FALSE;

  /* An unknown person is not an error: the engine denies them, and that is the answer. */
  person = lanyard_store_get_person (store, person_id, NULL, &local_error);
  if (person == NULL && !g_error_matches (local_error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!resolve_door (store, door_text, person, person_id, &door_id, error))
    return FALSE;

  instant_usec = g_date_time_to_unix (instant) * G_USEC_PER_SEC + g_date_time_get_microsecond (instant);
  if (!(report = lanyard_store_decide (store, person_id, door_id, instant_usec, NULL, error)))
    return FALSE;
  decision = &report->decision;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "allowed");
      json_builder_add_boolean_value (builder, decision->allowed);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, lanyard_decision_reason_to_nick (decision->reason));
      json_builder_set_member_name (builder, "reason-text");
      json_builder_add_string_value (builder, lanyard_decision_reason_to_string (decision->reason));
      json_builder_set_member_name (builder, "person-id");
      json_builder_add_int_value (builder, report->person_id);
      json_builder_set_member_name (builder, "person-name");
      builder_add_nullable_string (builder, report->person_name);
      json_builder_set_member_name (builder, "door-id");
      json_builder_add_int_value (builder, report->door_id);
      json_builder_set_member_name (builder, "door-name");
      builder_add_nullable_string (builder, report->door_name);
      json_builder_set_member_name (builder, "at");
      builder_add_timestamp (builder, report->instant_usec);
      json_builder_set_member_name (builder, "match-kind");
      json_builder_add_string_value (builder, enum_nick (LANYARD_TYPE_MATCH_KIND, decision->match_kind));
      json_builder_set_member_name (builder, "grant-kind");
      if (decision->match_kind == LANYARD_MATCH_GRANT)
        json_builder_add_string_value (builder, enum_nick (LANYARD_TYPE_GRANT_KIND, decision->grant_kind));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "match-id");
      if (decision->match_kind != LANYARD_MATCH_NONE && decision->match_id != 0)
        json_builder_add_int_value (builder, decision->match_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "match-name");
      builder_add_nullable_string (builder, report->match_name);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      g_autoptr(Table) table = table_new (2);
      g_autoptr(GTimeZone) tz = NULL;
      g_autoptr(GDateTime) shown = NULL;
      g_autofree char *when = NULL;
      g_autofree char *who = NULL;
      g_autofree char *door = NULL;

      /* Schedules are read in the facility's time zone, so show the moment there. */
      if (person != NULL)
        facility = cli_find_facility (cli, lanyard_person_get_facility_id (person));
      if (facility != NULL)
        tz = g_time_zone_new_identifier (lanyard_facility_get_timezone (facility));
      if (tz == NULL)
        tz = g_time_zone_new_local ();
      shown = g_date_time_to_timezone (instant, tz);
      when = g_date_time_format (shown, "%a %Y-%m-%d %H:%M %Z");
      if (facility != NULL)
        {
          char *with_zone = g_strdup_printf ("%s (%s)", when, lanyard_facility_get_timezone (facility));

          g_free (when);
          when = with_zone;
        }

      who = g_strdup_printf ("%s (id %" G_GINT64_FORMAT ")",
                             report->person_name ? report->person_name : _("unknown"), report->person_id);
      door = g_strdup_printf ("%s (id %" G_GINT64_FORMAT ")",
                              report->door_name ? report->door_name : _("unknown"), report->door_id);

      outf ("%s\n", decision->allowed ? _("Allowed") : _("Denied"));
      add_field (table, _("Reason"), lanyard_decision_reason_to_string (decision->reason));
      add_field (table, _("Matched"), report->match_name);
      add_field (table, _("Person"), who);
      add_field (table, _("Door"), door);
      add_field (table, _("Time"), when);
      table_print (table, 2);
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* audit                                                                     */

static gboolean
cmd_audit (Cli     *cli,
           char   **args,
           GError **error)
{
  g_autofree char *facility_arg = NULL;
  g_autofree char *target = NULL;
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(GPtrArray) events = NULL;
  LanyardAuditQuery query = { 0 };
  LanyardStore *store;
  gboolean json = FALSE;
  gint64 target_id = 0;
  gint64 before = 0;
  int limit = 0;
  const GOptionEntry entries[] = {
    { "facility", 0, 0, G_OPTION_ARG_FILENAME, &facility_arg,
      N_("Only changes at this facility, by id or name (default: everything)"), N_("ID|NAME") },
    { "target", 0, 0, G_OPTION_ARG_STRING, &target,
      N_("Only changes to this kind of record, like person, door, rule, facility or settings"), N_("KIND") },
    { "id", 0, 0, G_OPTION_ARG_INT64, &target_id, N_("Only changes to the record with this id"), N_("ID") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N events (default: 50)"), N_("N") },
    { "before", 0, 0, G_OPTION_ARG_INT64, &before, N_("Only events older than the event with this id, to page back"), N_("ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 0, 0, error) ||
      !decode_text (&facility_arg, "--facility", error))
    return FALSE;

  if (limit < 0)
    return usage_error (error, _("--limit must be a positive number"));
  if (target_id < 0)
    return usage_error (error, _("--id must be a positive number"));
  if (before < 0)
    return usage_error (error, _("--before must be a positive number"));

  if (!(store = cli_get_store (cli, error)))
    return FALSE;

  /* No default facility here: settings changes belong to none, and "everything" is a fine answer. */
  if (facility_arg != NULL && !(facility = cli_get_facility (cli, facility_arg, error)))
    return FALSE;

  query.facility_id = facility ? lanyard_facility_get_id (facility) : 0;
  query.target_kind = target;
  query.target_id = target_id;
  query.before_id = before;
  query.limit = limit;
  if (!(events = lanyard_store_list_audit (store, &query, NULL, error)))
    return FALSE;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < events->len; i++)
        builder_add_audit_event (builder, g_ptr_array_index (events, i));
      json_builder_end_array (builder);
      print_json (builder);
    }
  else if (events->len == 0)
    errf ("%s\n", _("No changes recorded."));
  else
    print_audit_table (events, TRUE, 0);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* check                                                                     */

static gboolean
cmd_check (Cli     *cli,
           char   **args,
           GError **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

  if (!cli_parse (cli, NULL, &args, error) ||
      !expect_arguments (cli, args, 0, 0, error) ||
      !cli_get_store (cli, error) ||
      !lanyard_sqlite_store_check (cli->store, problems, NULL, error))
    return FALSE;

  for (guint i = 0; i < problems->len; i++)
    outf ("%s\n", (const char *)g_ptr_array_index (problems, i));

  if (problems->len == 0)
    outf (_("No problems found in %s.\n"), lanyard_sqlite_store_get_path (cli->store));
  else
    {
      errf (ngettext ("%u problem found in %s.\n", "%u problems found in %s.\n", problems->len),
            problems->len, lanyard_sqlite_store_get_path (cli->store));
      cli->status = STATUS_FAILURE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* facilities, doors                                                         */

static gboolean
cmd_facilities (Cli     *cli,
                char   **args,
                GError **error)
{
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(Table) table = NULL;
  LanyardStore *store;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 0, 0, error) ||
      !(store = cli_get_store (cli, error)) ||
      !(facilities = lanyard_store_list_facilities (store, NULL, error)))
    return FALSE;

  if (json)
    {
      builder = json_builder_new ();
      json_builder_begin_array (builder);
    }
  else
    {
      table = table_new (5);
      table_align_right (table, 0);
      table_align_right (table, 3);
      table_align_right (table, 4);
      table_add_row (table, C_("column", "ID"), C_("column", "NAME"), C_("column", "TIME ZONE"),
                     C_("column", "PEOPLE"), C_("column", "WITH ACCESS"));
    }

  for (guint i = 0; i < facilities->len; i++)
    {
      LanyardFacility *facility = g_ptr_array_index (facilities, i);
      LanyardPeopleCounts counts = { 0 };

      if (!lanyard_store_count_people (store, lanyard_facility_get_id (facility), &counts, NULL, error))
        return FALSE;

      if (json)
        {
          json_builder_begin_object (builder);
          builder_add_object_members (builder, G_OBJECT (facility), NULL);
          json_builder_set_member_name (builder, "people");
          json_builder_add_int_value (builder, counts.all);
          json_builder_set_member_name (builder, "with-access");
          json_builder_add_int_value (builder, counts.has_access);
          json_builder_end_object (builder);
        }
      else
        {
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, lanyard_facility_get_id (facility));
          g_autofree char *all = g_strdup_printf ("%" G_GUINT64_FORMAT, counts.all);
          g_autofree char *with_access = g_strdup_printf ("%" G_GUINT64_FORMAT, counts.has_access);

          table_add_row (table, id, lanyard_facility_get_name (facility),
                         lanyard_facility_get_timezone (facility), all, with_access);
        }
    }

  if (json)
    {
      json_builder_end_array (builder);
      print_json (builder);
    }
  else if (facilities->len == 0)
    errf ("%s\n", _("No facilities yet; create one with “lanyardctl init --facility NAME”."));
  else
    table_print (table, 0);

  return TRUE;
}

static gboolean
cmd_doors (Cli     *cli,
           char   **args,
           GError **error)
{
  g_autofree char *facility_arg = NULL;
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(GPtrArray) doors = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "facility", 0, 0, G_OPTION_ARG_FILENAME, &facility_arg,
      N_("The facility, by id or name (needed when there are several)"), N_("ID|NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 0, 0, error) ||
      !decode_text (&facility_arg, "--facility", error) ||
      !(facility = cli_get_facility (cli, facility_arg, error)) ||
      !(doors = lanyard_store_list_doors (LANYARD_STORE (cli->store), lanyard_facility_get_id (facility),
                                          NULL, error)))
    return FALSE;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < doors->len; i++)
        builder_add_object (builder, g_ptr_array_index (doors, i));
      json_builder_end_array (builder);
      print_json (builder);
    }
  else if (doors->len == 0)
    errf (_("The facility “%s” has no doors yet.\n"), lanyard_facility_get_name (facility));
  else
    {
      g_autoptr(Table) table = table_new (2);

      table_align_right (table, 0);
      table_add_row (table, C_("column", "ID"), C_("column", "NAME"));
      for (guint i = 0; i < doors->len; i++)
        {
          LanyardDoor *door = g_ptr_array_index (doors, i);
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, lanyard_door_get_id (door));

          table_add_row (table, id, lanyard_door_get_name (door));
        }
      table_print (table, 0);
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* import, export                                                            */

/* Reads a CSV file; errors say which file. */
static LanyardCsvTable *
read_csv_file (const char  *path,
               char         separator,
               GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(bytes = lanyard_csv_load_file (file, NULL, &local_error)) ||
      !(table = lanyard_csv_parse (bytes, separator, &local_error)))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_prefix_error (&local_error, "%s: ", name);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&table);
}

/*
 * The mapping an import uses: the guess from the headers, or a saved
 * mapping (by name from the user's saved mappings, or a JSON file), then
 * each --map HEADER=FIELD.
 */
static LanyardImportMapping *
build_mapping (const char * const  *headers,
               const char          *saved,
               char               **maps,
               GError             **error)
{
  g_autoptr(LanyardImportMapping) mapping = NULL;
  guint n_headers = g_strv_length ((char **)headers);

  if (saved == NULL)
    mapping = lanyard_import_mapping_guess (headers, n_headers);
  else
    {
      g_autofree char *path = lanyard_import_dup_mappings_path ();
      g_autofree char *json = NULL;
      g_autoptr(GError) local_error = NULL;

      /* A file by that name first: the saved mappings need not be readable for it. */
      if (g_file_test (saved, G_FILE_TEST_IS_REGULAR))
        {
          if (!g_file_get_contents (saved, &json, NULL, &local_error))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
      else
        json = lanyard_import_dup_mapping (path, saved, &local_error);
      if (json == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (!(mapping = lanyard_import_mapping_new_from_json (json, headers, n_headers, error)))
        return NULL;
    }

  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    {
      const char *equals = strrchr (maps[i], '=');
      g_autofree char *header = equals ? g_strndup (maps[i], equals - maps[i]) : NULL;
      LanyardImportField field;
      gboolean found = FALSE;

      if (equals == NULL || !lanyard_import_field_from_key (equals + 1, &field))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--map takes HEADER=FIELD, where FIELD is one of none, first-name, last-name, phone, "
                         "email, person-type, tags, notes, access-enabled, door-grants, scope-grants; not “%s”"),
                       maps[i]);
          return NULL;
        }

      /* The header as written; else the one that is the same without case or accents. */
      g_strstrip (header);
      for (guint c = 0; c < n_headers && !found; c++)
        if (g_strcmp0 (headers[c], header) == 0)
          {
            lanyard_import_mapping_set_field (mapping, c, field);
            found = TRUE;
          }
      for (guint c = 0; c < n_headers && !found; c++)
        {
          g_autofree char *a = lanyard_text_fold (headers[c]);
          g_autofree char *b = lanyard_text_fold (header);

          if (g_str_equal (a, b))
            {
              lanyard_import_mapping_set_field (mapping, c, field);
              found = TRUE;
            }
        }

      if (!found)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--map names the column “%s”, which the file does not have"), header);
          return NULL;
        }
    }

  return g_steal_pointer (&mapping);
}

static const char *
outcome_nick (LanyardImportOutcome outcome)
{
  switch (outcome)
    {
    case LANYARD_IMPORT_OUTCOME_IMPORT:
      return "import";
    case LANYARD_IMPORT_OUTCOME_SKIP:
      return "skip";
    case LANYARD_IMPORT_OUTCOME_ERROR:
    default:
      return "error";
    }
}

static void
print_import_json (LanyardImportResult *result,
                   const char * const  *headers)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n_headers = g_strv_length ((char **)headers);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "written");
  json_builder_add_boolean_value (builder, lanyard_import_result_get_written (result));
  json_builder_set_member_name (builder, "imported");
  json_builder_add_int_value (builder, lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_IMPORT));
  json_builder_set_member_name (builder, "skipped");
  json_builder_add_int_value (builder, lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_SKIP));
  json_builder_set_member_name (builder, "errors");
  json_builder_add_int_value (builder, lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_ERROR));
  json_builder_set_member_name (builder, "rows");
  json_builder_begin_array (builder);
  for (guint i = 0; i < lanyard_import_result_get_n_rows (result); i++)
    {
      const LanyardImportRow *row = lanyard_import_result_get_row (result, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "row");
      json_builder_add_int_value (builder, lanyard_import_row_get_line (row));
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, outcome_nick (lanyard_import_row_get_outcome (row)));
      if (lanyard_import_row_get_existing_id (row) != 0)
        {
          json_builder_set_member_name (builder, "existing-id");
          json_builder_add_int_value (builder, lanyard_import_row_get_existing_id (row));
        }
      json_builder_set_member_name (builder, "problems");
      json_builder_begin_array (builder);
      for (guint p = 0; p < lanyard_import_row_get_n_problems (row); p++)
        {
          int column = lanyard_import_row_get_problem_column (row, p);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "column");
          builder_add_nullable_string (builder, column >= 0 && (guint)column < n_headers ? headers[column] : NULL);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, lanyard_import_row_get_problem (row, p));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  print_json (builder);
}

/* A row's problems, each after the header of its column ("Email: …"), joined with "; ". */
static char *
describe_row_problems (const LanyardImportRow *row,
                       const char * const     *headers)
{
  guint n_headers = g_strv_length ((char **)headers);
  GString *text = g_string_new (NULL);

  for (guint p = 0; p < lanyard_import_row_get_n_problems (row); p++)
    {
      int column = lanyard_import_row_get_problem_column (row, p);

      if (p > 0)
        g_string_append (text, "; ");
      if (column >= 0 && (guint)column < n_headers && *headers[column] != '\0')
        g_string_append_printf (text, "%s: ", headers[column]);
      g_string_append (text, lanyard_import_row_get_problem (row, p));
    }

  return g_string_free (text, FALSE);
}

static void
print_import_result (LanyardImportResult        *result,
                     const LanyardImportMapping *mapping,
                     const char * const         *headers)
{
  gboolean written = lanyard_import_result_get_written (result);
  guint imported = lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_IMPORT);
  guint skipped = lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_SKIP);
  guint errors = lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_ERROR);
  g_autoptr(GString) columns = g_string_new (NULL);

  for (guint c = 0; headers[c] != NULL; c++)
    {
      LanyardImportField field = lanyard_import_mapping_get_field (mapping, c);

      g_string_append_printf (columns, "%s%s → %s", c > 0 ? ", " : "", *headers[c] ? headers[c] : "?",
                              field == LANYARD_IMPORT_FIELD_NONE ? _("not imported")
                                                                 : lanyard_import_field_get_label (field));
    }
  outf (_("Columns: %s\n"), columns->str);

  for (guint i = 0; i < lanyard_import_result_get_n_rows (result); i++)
    {
      const LanyardImportRow *row = lanyard_import_result_get_row (result, i);
      g_autofree char *problems = NULL;

      if (lanyard_import_row_get_outcome (row) == LANYARD_IMPORT_OUTCOME_IMPORT)
        continue;

      problems = describe_row_problems (row, headers);
      outf (lanyard_import_row_get_outcome (row) == LANYARD_IMPORT_OUTCOME_SKIP
            /* Translators: %u is a row number of the file, %s why the row is skipped */
            ? _("Row %u: skipped: %s\n")
            /* Translators: %u is a row number of the file, %s what is wrong with it */
            : _("Row %u: not imported: %s\n"),
            lanyard_import_row_get_line (row), problems);
    }

  outf (written
        /* Translators: a summary; the numbers are people */
        ? _("Imported %u, skipped %u (already there), errors %u.\n")
        /* Translators: a summary of a dry run; the numbers are people */
        : _("Would import %u, skip %u (already there), errors %u. Nothing was written (--dry-run).\n"),
        imported, skipped, errors);
}

static gboolean
parse_separator (const char  *text,
                 char        *out_separator,
                 GError     **error)
{
  if (text == NULL)
    *out_separator = 0;
  else if (g_str_equal (text, ",") || g_str_equal (text, "comma"))
    *out_separator = ',';
  else if (g_str_equal (text, ";") || g_str_equal (text, "semicolon"))
    *out_separator = ';';
  else if (g_str_equal (text, "\t") || g_str_equal (text, "tab"))
    *out_separator = '\t';
  else
    return usage_error (error, _("--separator takes comma, semicolon or tab"));

  return TRUE;
}

static gboolean
cmd_import (Cli     *cli,
            char   **args,
            GError **error)
{
  g_autofree char *facility_arg = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *save_as = NULL;
  g_autofree char *separator_arg = NULL;
  g_auto(GStrv) maps = NULL;
  g_autoptr(LanyardFacility) facility = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;
  g_autoptr(LanyardImportMapping) mapping = NULL;
  g_autoptr(LanyardImportResult) result = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *label = NULL;
  g_auto(GStrv) headers = NULL;
  gboolean dry_run = FALSE;
  gboolean json = FALSE;
  char separator;
  const GOptionEntry entries[] = {
    { "facility", 0, 0, G_OPTION_ARG_FILENAME, &facility_arg,
      N_("The facility, by id or name (needed when there are several)"), N_("ID|NAME") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Check every row and say what would happen; write nothing"), NULL },
    { "mapping", 0, 0, G_OPTION_ARG_FILENAME, &saved,
      N_("Use a saved column mapping: its name, or a JSON file"), N_("NAME|FILE") },
    { "map", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &maps,
      N_("Map the column with this header to a field (repeatable)"), N_("HEADER=FIELD") },
    { "save-mapping", 0, 0, G_OPTION_ARG_FILENAME, &save_as,
      N_("Save the mapping used under NAME, for --mapping and the app"), N_("NAME") },
    { "separator", 0, 0, G_OPTION_ARG_STRING, &separator_arg,
      N_("Values are separated by: comma, semicolon or tab (default: detected)"), N_("SEP") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the outcome of every row as JSON"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 1, 1, error) ||
      !decode_text (&facility_arg, "--facility", error) ||
      !decode_text (&saved, "--mapping", error) ||
      !decode_text (&save_as, "--save-mapping", error) ||
      !parse_separator (separator_arg, &separator, error))
    return FALSE;

  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    if (!decode_text (&maps[i], "--map", error))
      return FALSE;

  if (!(table = read_csv_file (args[1], separator, error)))
    return FALSE;

  headers = lanyard_csv_table_dup_header (table);
  if (!(mapping = build_mapping ((const char * const *)headers, saved, maps, error)))
    return FALSE;

  if (!(facility = cli_get_facility (cli, facility_arg, error)))
    return FALSE;

  file = g_file_new_for_commandline_arg (args[1]);
  label = g_file_get_basename (file);

  /* Said before anything is written, so that a mapping that cannot be saved does not leave
   * an import done and a script told it failed. */
  if (save_as != NULL)
    {
      g_autofree char *path = lanyard_import_dup_mappings_path ();
      g_autofree char *mapping_json = lanyard_import_mapping_to_json (mapping, (const char * const *)headers);

      if (!lanyard_import_save_mapping (path, save_as, mapping_json, error))
        return FALSE;
    }

  /* On stderr, so that --json stays one document: how the file was read when it was not UTF-8. */
  if (lanyard_csv_table_get_encoding (table) != LANYARD_CSV_ENCODING_UTF8)
    errf (_("Read as %s.\n"), lanyard_csv_encoding_to_string (lanyard_csv_table_get_encoding (table)));

  if (dry_run)
    result = lanyard_import_check (LANYARD_STORE (cli->store), lanyard_facility_get_id (facility), table, mapping,
                                   NULL, NULL, NULL, error);
  else
    result = lanyard_import_run (LANYARD_STORE (cli->store), lanyard_facility_get_id (facility), table, mapping,
                                 label, NULL, NULL, NULL, error);
  if (result == NULL)
    return FALSE;

  if (json)
    print_import_json (result, (const char * const *)headers);
  else
    print_import_result (result, mapping, (const char * const *)headers);

  /* The rows that could be imported were; the status says that some could not. */
  if (lanyard_import_result_count (result, LANYARD_IMPORT_OUTCOME_ERROR) > 0)
    cli->status = STATUS_INVALID;

  return TRUE;
}

typedef struct {
  gboolean on_terminal;
  guint    last_width;
} ExportProgress;

static void
export_progress_cb (guint    done,
                    guint    total,
                    gpointer user_data)
{
  ExportProgress *progress = user_data;
  g_autofree char *line = NULL;

  if (!progress->on_terminal)
    return;

  line = g_strdup_printf (ngettext ("Exporting… %u person", "Exporting… %u people", done), done);
  progress->last_width = display_width (line);
  errf ("\r%s", line);
  fflush (stderr);
}

static gboolean
cmd_export (Cli     *cli,
            char   **args,
            GError **error)
{
  g_auto(QueryOptions) options = { NULL, };
  g_autofree GOptionEntry *entries = NULL;
  g_autofree char *output = NULL;
  g_autoptr(LanyardPeopleQuery) query = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GFile) file = NULL;
  ExportProgress progress = { isatty (STDERR_FILENO), 0 };
  gboolean template = FALSE;
  guint64 n = 0;
  gboolean ok;
  const GOptionEntry more[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE instead of standard output"), N_("FILE") },
    { "template", 0, 0, G_OPTION_ARG_NONE, &template, N_("Write an empty file with the import’s columns"), NULL },
    G_OPTION_ENTRY_NULL
  };

  entries = query_options_entries (&options, more);
  if (!cli_parse (cli, entries, &args, error) ||
      !expect_arguments (cli, args, 0, 0, error))
    return FALSE;

  if (template)
    {
      g_autoptr(GBytes) bytes = lanyard_import_dup_template ();

      if (output == NULL)
        {
          out_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
          return TRUE;
        }
      file = g_file_new_for_commandline_arg (output);
      return g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, FALSE,
                                      G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
    }

  /* Everything checked before the file is touched: a bad filter must not empty it. */
  if (!(query = query_options_build (cli, &options, error)))
    return FALSE;

  if (output != NULL)
    {
      /* Replaced only when the export is complete. */
      file = g_file_new_for_commandline_arg (output);
      ok = lanyard_export_people_to_file (LANYARD_STORE (cli->store), query, file, export_progress_cb, &progress,
                                          &n, NULL, error);
    }
  else
    {
      stream = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
      ok = lanyard_export_people (LANYARD_STORE (cli->store), query, stream, export_progress_cb, &progress, &n,
                                  NULL, error) &&
           g_output_stream_close (stream, NULL, error);
    }

  if (progress.last_width > 0)
    errf ("\r%*s\r", (int)progress.last_width, "");

  if (ok && output != NULL)
    /* Translators: %s is a file name */
    errf (g_dngettext (GETTEXT_PACKAGE, "Exported %" PRIu64 " person to %s.\n",
                       "Exported %" PRIu64 " people to %s.\n", n),
          n, output);

  return ok;
}

/* ------------------------------------------------------------------------ */
/* Commands                                                                  */

static const Command people_commands[] = {
  { "list", NULL,
    N_("List the people of a facility, a page at a time"),
    N_("Filters combine like the chips of the People list. Pages hold 50 people unless --limit\n"
       "says otherwise; when more follow, the cursor for the next page is printed on stderr\n"
       "(and as next-cursor in JSON).\n"
       "\n"
       "Examples:\n"
       "  lanyardctl people list --access disabled\n"
       "  lanyardctl people list --type Gold --sort last-used --desc --json"),
    cmd_people_list, NULL },
  { "search", N_("TEXT…"),
    N_("Find people by name, phone or email: “people list --search TEXT”"),
    N_("Takes every option of “people list”.\n"
       "\n"
       "Example:\n"
       "  lanyardctl people search müller"),
    cmd_people_search, NULL },
  { "show", N_("ID"),
    N_("Show everything about one person: fields, grants and recent changes"),
    NULL,
    cmd_people_show, NULL },
  { "add", NULL,
    N_("Add a person to a facility"),
    N_("A first and a last name are required, and a mobile phone or an email address (or both):\n"
       "it is how the person signs in to the app. No two people of a facility may share a phone\n"
       "or an email; adding one that is taken names the person who has it.\n"
       "\n"
       "Example:\n"
       "  lanyardctl people add --first Anna --last Berg --phone \"0151 23456789\" --type Gold"),
    cmd_people_add, NULL },
  { "set-access", N_("ID…"),
    N_("Turn access on or off for people: the kill switch"),
    N_("With access disabled every door is denied, whatever the rules and grants say.\n"
       "Either all the people change or, when an id is unknown, none do.\n"
       "\n"
       "Example:\n"
       "  lanyardctl people set-access 12 15 --disabled"),
    cmd_people_set_access, NULL },
  { "delete", N_("ID…"),
    N_("Delete people, with their grants"),
    N_("Asks first when run from a terminal; otherwise --yes is required. The audit log keeps\n"
       "the deletion and what the records held."),
    cmd_people_delete, NULL },
  { NULL }
};

static const Command commands[] = {
  { "init", NULL,
    N_("Create or open the database; optionally add a facility and set the phone region"),
    N_("Example:\n"
       "  lanyardctl init --facility \"Riverside Sports Club\" --timezone Europe/Berlin --region DE"),
    cmd_init, NULL },
  { "demo", NULL,
    N_("Create a facility with doors, rules and generated people, for trying things out"),
    N_("Example:\n"
       "  lanyardctl --database /tmp/demo.db demo --people 100000"),
    cmd_demo, NULL },
  { "people", N_("COMMAND"),
    N_("List, search, show, add, enable or disable, and delete people"),
    NULL,
    NULL, people_commands },
  { "import", N_("FILE"),
    N_("Add the people of a CSV file to a facility, or check what that would do"),
    N_("Columns are matched to fields by their headers (mobile, phone, e-mail, surname, groups,\n"
       "Vorname…); --map and saved mappings say otherwise. At least a phone or an email column\n"
       "is needed, and a file holds at most 200 people. Rows whose phone or email is taken are\n"
       "skipped; rows with errors are not imported, and the rest are, in one transaction.\n"
       "The exit status is 0 when every row was imported or skipped, 4 when some had errors.\n"
       "\n"
       "Examples:\n"
       "  lanyardctl import members.csv --dry-run\n"
       "  lanyardctl import members.csv --map Handy=phone --save-mapping \"Club export\"\n"
       "  lanyardctl import next-month.csv --mapping \"Club export\" --json"),
    cmd_import, NULL },
  { "export", NULL,
    N_("Write the people of a facility as CSV, with the filters of “people list”"),
    N_("The file has the columns the import reads, so it can be imported again, then some that\n"
       "the import leaves alone (membership status, synced tags, source, external ID, has\n"
       "access). It is UTF-8 with a byte order mark, which spreadsheets recognise.\n"
       "\n"
       "Examples:\n"
       "  lanyardctl export --access disabled > disabled.csv\n"
       "  lanyardctl export --template -o people-template.csv"),
    cmd_export, NULL },
  { "decide", N_("PERSON DOOR"),
    N_("Decide whether a person may open a door at a time, and say why"),
    N_("PERSON is a person id; DOOR is a door id or the name of a door at the person’s\n"
       "facility. The exit status is 0 whenever a decision was made, allowed or denied.\n"
       "\n"
       "Examples:\n"
       "  lanyardctl decide 42 \"Main entrance\"\n"
       "  lanyardctl decide 42 7 --at 2025-03-14T21:30 --json"),
    cmd_decide, NULL },
  { "audit", NULL,
    N_("Show the audit log, newest first, with what each change did"),
    N_("Examples:\n"
       "  lanyardctl audit --target person --id 42\n"
       "  lanyardctl audit --limit 200 --json"),
    cmd_audit, NULL },
  { "check", NULL,
    N_("Check the database for damage and for stored counts that disagree with the data"),
    N_("Prints each problem found. The exit status is 0 when there are none and 1 when there are"),
    cmd_check, NULL },
  { "facilities", NULL,
    N_("List the facilities, with how many people they have"),
    NULL,
    cmd_facilities, NULL },
  { "doors", NULL,
    N_("List the doors of a facility"),
    NULL,
    cmd_doors, NULL },
  { NULL }
};

static const Command *
find_command (const Command *table,
              const char    *name)
{
  for (guint i = 0; table[i].name; i++)
    if (strcmp (table[i].name, name) == 0)
      return &table[i];

  return NULL;
}

static char *
describe_commands (const Command *table,
                   const char    *heading)
{
  g_autoptr(GString) text = g_string_new (heading);
  guint width = 0;

  for (guint i = 0; table[i].name; i++)
    width = MAX (width, strlen (table[i].name));

  for (guint i = 0; table[i].name; i++)
    g_string_append_printf (text, "\n  %-*s  %s", (int)width, table[i].name, _(table[i].summary));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Help for "lanyardctl" and "lanyardctl people", which only lead to commands. */
static gboolean
parse_command_group (Cli            *cli,
                     const Command  *group,
                     char         ***args,
                     GError        **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *summary = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (group == NULL)
    {
      g_autofree char *default_path = lanyard_sqlite_store_default_path ();
      g_autofree char *list = describe_commands (commands, _("Commands:"));
      g_autofree char *description = NULL;

      summary = g_strdup_printf ("%s\n\n%s", _("Decide who may open which door, when, from a terminal or a script."),
                                 list);
      description = g_strdup_printf (_("Options may come before or after the command; each command has --help.\n"
                                       "The database is %s unless --database names another.\n"
                                       "\n"
                                       "Exit status:\n"
                                       "  0  success (for decide: a decision was made, allowed or denied)\n"
                                       "  1  check found problems, or another failure\n"
                                       "  2  usage error: unknown command or option, or a bad value\n"
                                       "  3  not found: no such person, door or facility\n"
                                       "  4  invalid input, like a malformed email or phone number\n"
                                       "  5  duplicate: the phone, email or name is taken\n"
                                       "  6  conflict: the record was changed by someone else meanwhile\n"
                                       "  7  the database cannot be opened or read"),
                                     default_path);
      context = g_option_context_new (_("COMMAND [OPTION…]"));
      g_option_context_set_summary (context, summary);
      g_option_context_set_description (context, description);
      g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
    }
  else
    {
      g_autofree char *list = describe_commands (group->subcommands, _("Commands:"));

      summary = g_strdup_printf ("%s\n\n%s", _(group->summary), list);
      context = g_option_context_new (_("COMMAND [OPTION…]"));
      g_option_context_set_summary (context, summary);
    }

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  {
    g_autofree GOptionEntry *globals = global_entries (cli);

    g_option_context_add_main_entries (context, globals, GETTEXT_PACKAGE);
  }

  if (!g_option_context_parse_strv (context, args, error))
    return FALSE;

  if (version)
    {
      outf ("lanyardctl %s\n", PACKAGE_VERSION);
      return TRUE;
    }

  if (group == NULL)
    return usage_error (error, _("No command given"));

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("“%s” needs a command: %s"),
               group->name, "list, search, show, add, set-access, delete");
  return FALSE;
}

/*
 * Finds the command words among the arguments ("people list"), leaving the
 * options wherever they were for the command's own GOptionContext, which
 * also knows --database. "help WORDS" is "WORDS --help".
 */
static gboolean
cli_run (Cli     *cli,
         int      argc,
         char   **argv,
         GError **error)
{
  g_autoptr(GStrvBuilder) rest = g_strv_builder_new ();
  g_autoptr(GString) command_line = g_string_new ("lanyardctl");
  g_auto(GStrv) args = NULL;
  const Command *table = commands;
  const Command *group = NULL;
  gboolean help = FALSE;
  gboolean options_ended = FALSE;

  g_strv_builder_add (rest, "lanyardctl");

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (!options_ended && strcmp (arg, "--") == 0)
        options_ended = TRUE;
      else if (!options_ended && strcmp (arg, "--database") == 0 && i + 1 < argc)
        {
          g_strv_builder_add (rest, arg);
          arg = argv[++i];
        }
      else if (table != NULL && (options_ended || arg[0] != '-'))
        {
          const Command *command;

          if (table == commands && group == NULL && !help && strcmp (arg, "help") == 0)
            {
              help = TRUE;
              continue;
            }

          if (!(command = find_command (table, arg)))
            {
              cli->command_line = g_strdup (command_line->str);
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                           _("“%s” is not a command of “%s”"), arg, command_line->str);
              return FALSE;
            }

          g_string_append_printf (command_line, " %s", command->name);
          cli->command = command;
          group = command->subcommands ? command : NULL;
          table = command->subcommands;
          continue;
        }

      g_strv_builder_add (rest, arg);
    }

  if (help)
    g_strv_builder_add (rest, "--help");

  args = g_strv_builder_end (rest);
  cli->command_line = g_strdup (command_line->str);
  g_set_prgname (cli->command_line);

  if (cli->command == NULL || group != NULL)
    {
      const Command *leader = group;

      cli->command = NULL;
      return parse_command_group (cli, leader, &args, error);
    }

  return cli->command->run (cli, args, error);
}

static ExitStatus
exit_status_for_error (const GError *error)
{
  if (error->domain == G_OPTION_ERROR)
    return STATUS_USAGE;

  if (error->domain == LANYARD_CSV_ERROR)
    return STATUS_INVALID;

  if (error->domain == LANYARD_STORE_ERROR)
    switch ((LanyardStoreError)error->code)
      {
      case LANYARD_STORE_ERROR_NOT_FOUND:
        return STATUS_NOT_FOUND;
      case LANYARD_STORE_ERROR_INVALID:
        return STATUS_INVALID;
      case LANYARD_STORE_ERROR_DUPLICATE:
        return STATUS_DUPLICATE;
      case LANYARD_STORE_ERROR_CONFLICT:
        return STATUS_CONFLICT;
      case LANYARD_STORE_ERROR_UNAVAILABLE:
        return STATUS_UNAVAILABLE;
      case LANYARD_STORE_ERROR_PERMISSION_DENIED:
      case LANYARD_STORE_ERROR_FAILED:
      default:
        return STATUS_FAILURE;
      }

  return STATUS_FAILURE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  Cli cli = { 0 };
  ExitStatus status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (cli_run (&cli, argc, argv, &error))
    status = cli.status;
  else
    {
      status = exit_status_for_error (error);
      errf ("lanyardctl: %s\n", error->message);
      if (status == STATUS_USAGE)
        errf (_("Try “%s --help” for more information.\n"), cli.command_line ? cli.command_line : "lanyardctl");
    }

  /* A full disk or a closed pipe must not pass for success. */
  if (fflush (stdout) != 0 && status == STATUS_OK)
    {
      errf ("lanyardctl: %s\n", g_strerror (errno));
      status = STATUS_FAILURE;
    }

  g_clear_object (&cli.store);
  g_free (cli.database);
  g_free (cli.command_line);

  return status;
}
