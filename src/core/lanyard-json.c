/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-json.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lanyard-enums.h"

/* ------------------------------------------------------------------------ */
/* Members the model keeps outside GObject properties                       */
/* ------------------------------------------------------------------------ */

static const gint64 *
scope_get_door_ids (GObject *object,
                    guint   *n_ids)
{
  return lanyard_scope_get_door_ids (LANYARD_SCOPE (object), n_ids);
}

static void
scope_set_door_ids (GObject      *object,
                    const gint64 *ids,
                    guint         n_ids)
{
  lanyard_scope_set_door_ids (LANYARD_SCOPE (object), ids, n_ids);
}

static const gint64 *
rule_get_target_ids (GObject *object,
                     guint   *n_ids)
{
  return lanyard_access_rule_get_target_ids (LANYARD_ACCESS_RULE (object), n_ids);
}

static void
rule_set_target_ids (GObject      *object,
                     const gint64 *ids,
                     guint         n_ids)
{
  lanyard_access_rule_set_target_ids (LANYARD_ACCESS_RULE (object), ids, n_ids);
}

/* Lists of ids with accessor functions instead of a property. */
static const struct {
  GType          (*get_type) (void);
  const char      *member;
  const gint64  *(*get_ids)  (GObject *object, guint *n_ids);
  void           (*set_ids)  (GObject *object, const gint64 *ids, guint n_ids);
} id_lists[] = {
  { lanyard_scope_get_type, "door-ids", scope_get_door_ids, scope_set_door_ids },
  { lanyard_access_rule_get_type, "target-ids", rule_get_target_ids, rule_set_target_ids },
};

/* String properties that hold JSON text: embedded as JSON, like the CLI does. */
static const struct {
  GType       (*get_type) (void);
  const char   *property;
} json_text_properties[] = {
  { lanyard_audit_event_get_type, "changes" },
};

static gboolean
is_json_text (GParamSpec *pspec)
{
  for (guint i = 0; i < G_N_ELEMENTS (json_text_properties); i++)
    if (pspec->owner_type == json_text_properties[i].get_type () &&
        strcmp (pspec->name, json_text_properties[i].property) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
is_timestamp (GParamSpec *pspec)
{
  return pspec->value_type == G_TYPE_INT64 &&
         (strcmp (pspec->name, "at") == 0 || g_str_has_suffix (pspec->name, "-at"));
}

/* ------------------------------------------------------------------------ */
/* Errors while reading                                                     */
/* ------------------------------------------------------------------------ */

/*
 * The name of @member inside the document part @path ("people[3]"), for
 * messages. Only built when something is wrong, so reading allocates
 * nothing for it.
 */
static char *
member_path (const char *path,
             const char *member)
{
  if (path == NULL)
    return g_strdup (member);
  if (member == NULL)
    return g_strdup (path);
  return g_strdup_printf ("%s.%s", path, member);
}

static void
set_not_object_error (GError     **error,
                      const char  *path)
{
  if (path == NULL)
    g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                         _("Expected a JSON object"));
  else
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                 _("“%s” must be a JSON object"), path);
}

/* @member names the array in its document; NULL for a document that is one. */
static void
set_not_array_error (GError     **error,
                     const char  *member)
{
  if (member == NULL)
    g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                         _("Expected a JSON array"));
  else
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                 _("“%s” must be a JSON array"), member);
}

static void
set_required_error (GError     **error,
                    const char  *path,
                    const char  *member)
{
  g_autofree char *name = member_path (path, member);

  g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
               _("“%s” is required"), name);
}

static gboolean
node_holds (JsonNode *node,
            GType     value_type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == value_type;
}

/* ------------------------------------------------------------------------ */
/* Reading values: one member node each                                     */
/* ------------------------------------------------------------------------ */

/* Says that @value is out of [@min, @max], in words that fit the range. */
static gboolean
check_range (gint64       value,
             const char  *path,
             const char  *member,
             gint64       min,
             gint64       max,
             GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;

  if (min <= value && value <= max)
    return TRUE;

  /* Numbers formatted apart: G_GINT64_FORMAT would split the message for xgettext. */
  name = member_path (path, member);
  low = g_strdup_printf ("%" G_GINT64_FORMAT, min);
  high = g_strdup_printf ("%" G_GINT64_FORMAT, max);
  if (value < min && (max == G_MAXINT64 || max == G_MAXINT || max == G_MAXUINT))
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                 _("“%s” must be %s or more"), name, low);
  else
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                 _("“%s” must be between %s and %s"), name, low, high);
  return FALSE;
}

static gboolean
read_int64 (JsonNode    *node,
            const char  *path,
            const char  *member,
            gint64       min,
            gint64       max,
            gint64      *out_value,
            GError     **error)
{
  gint64 value;

  /* Only integers: 2.0 and "2" are not ids; JSON numbers with a fraction are doubles here. */
  if (!node_holds (node, G_TYPE_INT64))
    {
      g_autofree char *name = member_path (path, member);

      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” must be an integer"), name);
      return FALSE;
    }

  value = json_node_get_int (node);
  if (!check_range (value, path, member, min, max, error))
    return FALSE;

  *out_value = value;
  return TRUE;
}

/* A count: a non-negative integer. */
static gboolean
read_count (JsonNode    *node,
            const char  *path,
            const char  *member,
            guint64     *out_value,
            GError     **error)
{
  gint64 value;

  if (!read_int64 (node, path, member, 0, G_MAXINT64, &value, error))
    return FALSE;

  *out_value = (guint64)value;
  return TRUE;
}

/* Microseconds since the epoch, null for 0 ("never"), or ISO 8601 text with a time zone. */
static gboolean
read_timestamp (JsonNode    *node,
                const char  *path,
                const char  *member,
                gint64       min,
                gint64       max,
                gint64      *out_value,
                GError     **error)
{
  gint64 usec;

  if (JSON_NODE_HOLDS_NULL (node))
    usec = 0;
  else if (node_holds (node, G_TYPE_INT64))
    usec = json_node_get_int (node);
  else
    {
      g_autoptr(GDateTime) time = NULL;

      if (node_holds (node, G_TYPE_STRING))
        time = g_date_time_new_from_iso8601 (json_node_get_string (node), NULL);
      if (time == NULL)
        {
          g_autofree char *name = member_path (path, member);

          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                       _("“%s” must be a time: microseconds since 1970, "
                         "or an ISO 8601 date and time with a time zone"), name);
          return FALSE;
        }
      usec = g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
    }

  if (!check_range (usec, path, member, min, max, error))
    return FALSE;

  *out_value = usec;
  return TRUE;
}

static gboolean
read_boolean (JsonNode    *node,
              const char  *path,
              const char  *member,
              gboolean    *out_value,
              GError     **error)
{
  if (!node_holds (node, G_TYPE_BOOLEAN))
    {
      g_autofree char *name = member_path (path, member);

      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” must be true or false"), name);
      return FALSE;
    }

  *out_value = json_node_get_boolean (node);
  return TRUE;
}

/* A string or null; *out_value points into @node. */
static gboolean
read_string (JsonNode     *node,
             const char   *path,
             const char   *member,
             const char  **out_value,
             GError      **error)
{
  const char *value;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      *out_value = NULL;
      return TRUE;
    }

  if (!node_holds (node, G_TYPE_STRING))
    {
      g_autofree char *name = member_path (path, member);

      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” must be a string or null"), name);
      return FALSE;
    }

  /* The parser does not promise valid UTF-8; the model does. */
  value = json_node_get_string (node);
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_autofree char *name = member_path (path, member);

      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” is not valid UTF-8 text"), name);
      return FALSE;
    }

  *out_value = value;
  return TRUE;
}

static gboolean
read_enum (JsonNode    *node,
           const char  *path,
           const char  *member,
           GType        enum_type,
           int         *out_value,
           GError     **error)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  g_autoptr(GString) nicks = NULL;
  g_autofree char *name = NULL;
  const char *nick = NULL;
  GEnumValue *value;

  if (node_holds (node, G_TYPE_STRING))
    {
      nick = json_node_get_string (node);
      if ((value = g_enum_get_value_by_nick (klass, nick)) != NULL)
        {
          *out_value = value->value;
          return TRUE;
        }
    }

  /* Say which names would do: the list is short and the API's reader needs it. */
  nicks = g_string_new (NULL);
  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (nicks, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);

  name = member_path (path, member);
  if (nick != NULL && g_utf8_validate (nick, -1, NULL))
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                 _("“%s” must be one of %s, not “%s”"), name, nicks->str, nick);
  else
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                 _("“%s” must be one of %s"), name, nicks->str);
  return FALSE;
}

/* An array of strings, or null: a new NULL-terminated list, NULL when empty. */
static gboolean
read_strv (JsonNode    *node,
           const char  *path,
           const char  *member,
           char      ***out_value,
           GError     **error)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;
  guint length;

  *out_value = NULL;

  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto invalid;

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  if (length == 0)
    return TRUE;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *text;

      if (!node_holds (element, G_TYPE_STRING))
        goto invalid;
      text = json_node_get_string (element);
      if (!g_utf8_validate (text, -1, NULL))
        goto invalid;
      g_strv_builder_add (builder, text);
    }

  *out_value = g_strv_builder_end (builder);
  return TRUE;

invalid:
  {
    g_autofree char *name = member_path (path, member);

    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                 _("“%s” must be a list of strings"), name);
    return FALSE;
  }
}

static gboolean
read_schedule (JsonNode         *node,
               const char       *path,
               const char       *member,
               LanyardSchedule **out_value,
               GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *text;

  *out_value = NULL;

  if (!read_string (node, path, member, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  if (!(*out_value = lanyard_schedule_parse (text, &local_error)))
    {
      g_autofree char *name = member_path (path, member);

      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   /* TRANSLATORS: the member, then what is wrong with the schedule */
                   _("“%s”: %s"), name, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* An array of record ids (positive integers); null is an empty list. */
static gboolean
read_ids (JsonNode    *node,
          const char  *path,
          const char  *member,
          GArray     **out_ids,
          GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint length = json_array_get_length (array);

      g_array_set_size (ids, length);
      for (guint i = 0; i < length; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!node_holds (element, G_TYPE_INT64) || json_node_get_int (element) <= 0)
            goto invalid;
          g_array_index (ids, gint64, i) = json_node_get_int (element);
        }
    }
  else if (!JSON_NODE_HOLDS_NULL (node))
    goto invalid;

  *out_ids = g_steal_pointer (&ids);
  return TRUE;

invalid:
  {
    g_autofree char *name = member_path (path, member);

    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                 _("“%s” must be a list of ids (positive integers)"), name);
    return FALSE;
  }
}

/* Members of a request's object, with the codec's checks and messages (lanyard-json.h). */
gboolean
lanyard_json_object_get_string (JsonObject   *object,
                                const char   *member,
                                gboolean      required,
                                const char  **out_value,
                                GError      **error)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL && member != NULL && out_value != NULL, FALSE);

  *out_value = NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      set_required_error (error, NULL, member);
      return FALSE;
    }

  if (required && !node_holds (node, G_TYPE_STRING))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” must be a string"), member);
      return FALSE;
    }

  return read_string (node, NULL, member, out_value, error);
}

gboolean
lanyard_json_object_get_int64 (JsonObject  *object,
                               const char  *member,
                               gint64      *out_value,
                               GError     **error)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL && member != NULL && out_value != NULL, FALSE);

  if (!(node = json_object_get_member (object, member)))
    {
      set_required_error (error, NULL, member);
      return FALSE;
    }

  return read_int64 (node, NULL, member, G_MININT64, G_MAXINT64, out_value, error);
}

gboolean
lanyard_json_object_get_boolean (JsonObject  *object,
                                 const char  *member,
                                 gboolean    *out_value,
                                 GError     **error)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL && member != NULL && out_value != NULL, FALSE);

  if (!(node = json_object_get_member (object, member)))
    {
      set_required_error (error, NULL, member);
      return FALSE;
    }

  return read_boolean (node, NULL, member, out_value, error);
}

GArray *
lanyard_json_object_get_ids (JsonObject  *object,
                             const char  *member,
                             GError     **error)
{
  JsonNode *node;
  GArray *ids = NULL;

  g_return_val_if_fail (object != NULL && member != NULL, NULL);

  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” must be a list of ids (positive integers)"), member);
      return NULL;
    }

  if (!read_ids (node, NULL, member, &ids, error))
    return NULL;

  return ids;
}

/* JSON text kept as a string: an embedded object or array, a string, or null. */
static gboolean
read_json_text (JsonNode    *node,
                const char  *path,
                const char  *member,
                char       **out_text,
                GError     **error)
{
  const char *text;

  if (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node))
    {
      *out_text = json_to_string (node, FALSE);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_NULL (node) || node_holds (node, G_TYPE_STRING))
    {
      if (!read_string (node, path, member, &text, error))
        return FALSE;
      *out_text = g_strdup (text);
      return TRUE;
    }

  {
    g_autofree char *name = member_path (path, member);

    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                 _("“%s” must be a JSON object, a string or null"), name);
    return FALSE;
  }
}

/* ------------------------------------------------------------------------ */
/* Writing values                                                           */
/* ------------------------------------------------------------------------ */

static JsonNode *
node_new_int (gint64 value)
{
  return json_node_init_int (json_node_alloc (), value);
}

static JsonNode *
node_new_boolean (gboolean value)
{
  return json_node_init_boolean (json_node_alloc (), value);
}

/* A string, or null for NULL. */
static JsonNode *
node_new_string (const char *value)
{
  if (value == NULL)
    return json_node_new (JSON_NODE_NULL);
  return json_node_init_string (json_node_alloc (), value);
}

static JsonNode *
node_new_timestamp (gint64 usec)
{
  if (usec == 0)
    return json_node_new (JSON_NODE_NULL);
  return node_new_int (usec);
}

static JsonNode *
node_new_enum (GType enum_type,
               int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  /* An out-of-range value is a bug in the caller; null at least stays readable. */
  g_return_val_if_fail (enum_value != NULL, json_node_new (JSON_NODE_NULL));

  return json_node_init_string (json_node_alloc (), enum_value->value_nick);
}

/* Takes @object: json_node_init_object() adds a reference of its own. */
static JsonNode *
node_new_object (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

/* Takes @array, likewise. */
static JsonNode *
node_new_array (JsonArray *array)
{
  JsonNode *node = json_node_init_array (json_node_alloc (), array);

  json_array_unref (array);
  return node;
}

static JsonNode *
node_new_strv (const char * const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);

  return node_new_array (array);
}

static JsonNode *
node_new_ids (const gint64 *ids,
              guint         n_ids)
{
  JsonArray *array = json_array_sized_new (n_ids);

  for (guint i = 0; i < n_ids; i++)
    json_array_add_int_element (array, ids[i]);

  return node_new_array (array);
}

static JsonNode *
node_new_schedule (LanyardSchedule *schedule)
{
  g_autofree char *text = NULL;

  if (schedule == NULL)
    return json_node_new (JSON_NODE_NULL);

  text = lanyard_schedule_to_string (schedule);
  return json_node_init_string (json_node_alloc (), text);
}

static JsonNode *
node_new_json_text (const char *text)
{
  JsonNode *node;

  if (text != NULL && (node = json_from_string (text, NULL)) != NULL)
    {
      if (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node))
        return node;
      json_node_unref (node);
    }

  /* Not JSON after all (or a bare scalar): keep it as the text it is. */
  return node_new_string (text);
}

/* ------------------------------------------------------------------------ */
/* Model objects                                                            */
/* ------------------------------------------------------------------------ */

/* Installation order: base class first, then the order of the PROP_ enum. */
static int
compare_pspecs (gconstpointer a,
                gconstpointer b)
{
  const GParamSpec *pa = *(GParamSpec * const *)a;
  const GParamSpec *pb = *(GParamSpec * const *)b;
  guint da = g_type_depth (pa->owner_type);
  guint db = g_type_depth (pb->owner_type);

  if (da != db)
    return (da > db) - (da < db);
  return (pa->param_id > pb->param_id) - (pa->param_id < pb->param_id);
}

/*
 * The properties of one type, sorted once and used for every object of a
 * list: listing them takes the global lock of the param spec pool and a
 * walk of it, which costs more than writing a person.
 */
typedef struct {
  GType        type;
  GParamSpec **pspecs;
  guint        n_pspecs;
} Properties;

static void
properties_init (Properties *props,
                 GType       type)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);

  props->type = type;
  props->pspecs = g_object_class_list_properties (G_OBJECT_CLASS (klass), &props->n_pspecs);
  qsort (props->pspecs, props->n_pspecs, sizeof *props->pspecs, compare_pspecs);
}

static void
properties_clear (Properties *props)
{
  g_clear_pointer (&props->pspecs, g_free);
  props->n_pspecs = 0;
  props->type = G_TYPE_INVALID;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Properties, properties_clear)

/* @props for @type, listed again only when the type changes along a list. */
static const Properties *
properties_for (Properties *props,
                GType       type)
{
  if (props->type != type)
    {
      properties_clear (props);
      properties_init (props, type);
    }

  return props;
}

static JsonNode *
value_to_node (GParamSpec   *pspec,
               const GValue *value)
{
  GType type = pspec->value_type;

  if (is_timestamp (pspec))
    return node_new_timestamp (g_value_get_int64 (value));
  if (is_json_text (pspec))
    return node_new_json_text (g_value_get_string (value));
  if (type == G_TYPE_INT64)
    return node_new_int (g_value_get_int64 (value));
  if (type == G_TYPE_INT)
    return node_new_int (g_value_get_int (value));
  if (type == G_TYPE_BOOLEAN)
    return node_new_boolean (g_value_get_boolean (value));
  if (type == G_TYPE_STRING)
    return node_new_string (g_value_get_string (value));
  if (G_TYPE_IS_ENUM (type))
    return node_new_enum (type, g_value_get_enum (value));
  if (type == G_TYPE_STRV)
    return node_new_strv (g_value_get_boxed (value));
  if (type == LANYARD_TYPE_SCHEDULE)
    return node_new_schedule (g_value_get_boxed (value));

  return NULL;
}

static JsonNode *
object_to_node (GObject          *object,
                const Properties *props)
{
  JsonObject *json = json_object_new ();

  for (guint i = 0; i < props->n_pspecs; i++)
    {
      GParamSpec *pspec = props->pspecs[i];
      g_auto(GValue) value = G_VALUE_INIT;
      JsonNode *node;

      if (!(pspec->flags & G_PARAM_READABLE))
        continue;

      g_value_init (&value, pspec->value_type);
      g_object_get_property (object, pspec->name, &value);

      if (!(node = value_to_node (pspec, &value)))
        {
          g_critical ("%s: cannot write property “%s” of type %s as JSON",
                      G_STRFUNC, pspec->name, g_type_name (pspec->value_type));
          continue;
        }
      json_object_set_member (json, pspec->name, node);
    }

  for (guint i = 0; i < G_N_ELEMENTS (id_lists); i++)
    if (G_TYPE_CHECK_INSTANCE_TYPE (object, id_lists[i].get_type ()))
      {
        guint n_ids = 0;
        const gint64 *ids = id_lists[i].get_ids (object, &n_ids);

        json_object_set_member (json, id_lists[i].member, node_new_ids (ids, n_ids));
      }

  return node_new_object (json);
}

JsonNode *
lanyard_json_from_object (GObject *object)
{
  g_auto(Properties) props = { 0 };

  g_return_val_if_fail (G_IS_OBJECT (object), NULL);

  return object_to_node (object, properties_for (&props, G_OBJECT_TYPE (object)));
}

/* Fills @value (initialized to the property's type) from @node. */
static gboolean
value_from_node (GParamSpec  *pspec,
                 JsonNode    *node,
                 const char  *path,
                 GValue      *value,
                 GError     **error)
{
  GType type = pspec->value_type;

  if (type == G_TYPE_INT64)
    {
      GParamSpecInt64 *range = G_PARAM_SPEC_INT64 (pspec);
      gint64 number;

      if (is_timestamp (pspec))
        {
          if (!read_timestamp (node, path, pspec->name, range->minimum, range->maximum, &number, error))
            return FALSE;
        }
      else if (!read_int64 (node, path, pspec->name, range->minimum, range->maximum, &number, error))
        return FALSE;

      g_value_set_int64 (value, number);
      return TRUE;
    }

  if (type == G_TYPE_INT)
    {
      GParamSpecInt *range = G_PARAM_SPEC_INT (pspec);
      gint64 number;

      if (!read_int64 (node, path, pspec->name, range->minimum, range->maximum, &number, error))
        return FALSE;

      g_value_set_int (value, (int)number);
      return TRUE;
    }

  if (type == G_TYPE_BOOLEAN)
    {
      gboolean flag;

      if (!read_boolean (node, path, pspec->name, &flag, error))
        return FALSE;

      g_value_set_boolean (value, flag);
      return TRUE;
    }

  if (type == G_TYPE_STRING)
    {
      const char *text;
      char *owned;

      if (is_json_text (pspec))
        {
          if (!read_json_text (node, path, pspec->name, &owned, error))
            return FALSE;
          g_value_take_string (value, owned);
          return TRUE;
        }

      if (!read_string (node, path, pspec->name, &text, error))
        return FALSE;

      g_value_set_string (value, text);
      return TRUE;
    }

  if (G_TYPE_IS_ENUM (type))
    {
      int number;

      if (!read_enum (node, path, pspec->name, type, &number, error))
        return FALSE;

      g_value_set_enum (value, number);
      return TRUE;
    }

  if (type == G_TYPE_STRV)
    {
      char **strv;

      if (!read_strv (node, path, pspec->name, &strv, error))
        return FALSE;

      g_value_take_boxed (value, strv);
      return TRUE;
    }

  if (type == LANYARD_TYPE_SCHEDULE)
    {
      LanyardSchedule *schedule;

      if (!read_schedule (node, path, pspec->name, &schedule, error))
        return FALSE;

      g_value_take_boxed (value, schedule);
      return TRUE;
    }

  g_critical ("%s: cannot read property “%s” of type %s from JSON",
              G_STRFUNC, pspec->name, g_type_name (type));
  g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
               "Cannot read “%s” of type %s", pspec->name, g_type_name (type));
  return FALSE;
}

static GObject *
object_from_node (const Properties  *props,
                  JsonNode          *node,
                  const char        *path,
                  GError           **error)
{
  g_autofree const char **names = NULL;
  g_autofree GValue *values = NULL;
  GType type = props->type;
  GObject *object = NULL;
  JsonObject *json;
  guint n_values = 0;
  gboolean ok = TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_not_object_error (error, path);
      return NULL;
    }
  json = json_node_get_object (node);

  names = g_new (const char *, props->n_pspecs + 1);
  values = g_new0 (GValue, props->n_pspecs + 1);

  /* Walk the properties, not the members: unknown members are ignored. */
  for (guint i = 0; ok && i < props->n_pspecs; i++)
    {
      GParamSpec *pspec = props->pspecs[i];
      JsonNode *member;

      if (!(pspec->flags & G_PARAM_WRITABLE) ||
          !(member = json_object_get_member (json, pspec->name)))
        continue;

      g_value_init (&values[n_values], pspec->value_type);
      if (!(ok = value_from_node (pspec, member, path, &values[n_values], error)))
        {
          g_value_unset (&values[n_values]);
          break;
        }
      names[n_values++] = pspec->name;
    }

  if (ok)
    object = g_object_new_with_properties (type, n_values, names, values);

  for (guint i = 0; i < n_values; i++)
    g_value_unset (&values[i]);

  for (guint i = 0; object != NULL && i < G_N_ELEMENTS (id_lists); i++)
    {
      g_autoptr(GArray) ids = NULL;
      JsonNode *member;

      if (!g_type_is_a (type, id_lists[i].get_type ()) ||
          !(member = json_object_get_member (json, id_lists[i].member)))
        continue;

      if (!read_ids (member, path, id_lists[i].member, &ids, error))
        g_clear_object (&object);
      else
        id_lists[i].set_ids (object, (const gint64 *)(gpointer)ids->data, ids->len);
    }

  return object;
}

GObject *
lanyard_json_to_object (GType       type,
                        JsonNode   *node,
                        GError    **error)
{
  g_auto(Properties) props = { 0 };

  g_return_val_if_fail (G_TYPE_IS_OBJECT (type) && G_TYPE_IS_INSTANTIATABLE (type) && !G_TYPE_IS_ABSTRACT (type), NULL);
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return object_from_node (properties_for (&props, type), node, NULL, error);
}

JsonNode *
lanyard_json_from_objects (GPtrArray *objects)
{
  g_auto(Properties) props = { 0 };
  JsonArray *array;

  g_return_val_if_fail (objects != NULL, NULL);

  array = json_array_sized_new (objects->len);
  for (guint i = 0; i < objects->len; i++)
    {
      GObject *object = g_ptr_array_index (objects, i);

      g_return_val_if_fail (G_IS_OBJECT (object), node_new_array (array));
      json_array_add_element (array, object_to_node (object, properties_for (&props, G_OBJECT_TYPE (object))));
    }

  return node_new_array (array);
}

/* ------------------------------------------------------------------------ */
/* Writing text directly                                                    */
/* ------------------------------------------------------------------------ */

/*
 * The same documents as the node functions above, written straight into a
 * string: a server answering thousands of pages a second cannot afford a
 * node tree per person (building, generating and freeing it took 70% of a
 * 50-person page). test-json checks that both read back to the same nodes.
 */

static void
append_string (GString    *out,
               const char *text)
{
  static const char hex[] = "0123456789abcdef";
  const char *run;

  if (text == NULL)
    {
      g_string_append_len (out, "null", 4);
      return;
    }

  g_string_append_c (out, '"');
  run = text;
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar)*p;
      char escape;

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': escape = '"'; break;
        case '\\': escape = '\\'; break;
        case '\b': escape = 'b'; break;
        case '\f': escape = 'f'; break;
        case '\n': escape = 'n'; break;
        case '\r': escape = 'r'; break;
        case '\t': escape = 't'; break;
        default: escape = 0; break;
        }
      if (escape != 0)
        {
          char pair[2] = { '\\', escape };
          g_string_append_len (out, pair, 2);
        }
      else
        {
          char unicode[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };
          g_string_append_len (out, unicode, 6);
        }
    }
  g_string_append_len (out, run, strlen (run));
  g_string_append_c (out, '"');
}

static void
append_int (GString *out,
            gint64   value)
{
  char buffer[24];
  char *end = buffer + sizeof buffer;
  char *p = end;
  guint64 magnitude = value < 0 ? -(guint64)value : (guint64)value;

  do
    *--p = (char)('0' + magnitude % 10);
  while ((magnitude /= 10) != 0);
  if (value < 0)
    *--p = '-';

  g_string_append_len (out, p, end - p);
}

/* Member names are property names (or fixed ones), which GObject keeps to [A-Za-z0-9-]: nothing to escape. */
static void
append_member_name (GString    *out,
                    const char *name,
                    gboolean    first)
{
  if (!first)
    g_string_append_c (out, ',');
  g_string_append_c (out, '"');
  g_string_append (out, name);
  g_string_append_len (out, "\":", 2);
}

/* FALSE for a property of a kind value_to_node() does not know either. */
static gboolean
append_value (GString      *out,
              GParamSpec   *pspec,
              const GValue *value)
{
  GType type = pspec->value_type;

  if (is_timestamp (pspec))
    {
      gint64 usec = g_value_get_int64 (value);

      if (usec == 0)
        g_string_append_len (out, "null", 4);
      else
        append_int (out, usec);
    }
  else if (is_json_text (pspec))
    {
      /* Rare (the audit log), so the node path keeps one definition of "is it JSON". */
      g_autoptr(JsonNode) node = node_new_json_text (g_value_get_string (value));
      g_autofree char *text = json_to_string (node, FALSE);

      g_string_append (out, text);
    }
  else if (type == G_TYPE_INT64)
    append_int (out, g_value_get_int64 (value));
  else if (type == G_TYPE_INT)
    append_int (out, g_value_get_int (value));
  else if (type == G_TYPE_BOOLEAN)
    {
      if (g_value_get_boolean (value))
        g_string_append_len (out, "true", 4);
      else
        g_string_append_len (out, "false", 5);
    }
  else if (type == G_TYPE_STRING)
    append_string (out, g_value_get_string (value));
  else if (G_TYPE_IS_ENUM (type))
    {
      GEnumValue *enum_value = g_enum_get_value (G_PARAM_SPEC_ENUM (pspec)->enum_class,
                                                 g_value_get_enum (value));

      append_string (out, enum_value != NULL ? enum_value->value_nick : NULL);
    }
  else if (type == G_TYPE_STRV)
    {
      const char * const *strv = g_value_get_boxed (value);

      g_string_append_c (out, '[');
      for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_string (out, strv[i]);
        }
      g_string_append_c (out, ']');
    }
  else if (type == LANYARD_TYPE_SCHEDULE)
    {
      LanyardSchedule *schedule = g_value_get_boxed (value);
      g_autofree char *text = schedule != NULL ? lanyard_schedule_to_string (schedule) : NULL;

      append_string (out, text);
    }
  else
    return FALSE;

  return TRUE;
}

static void
append_object (GString          *out,
               GObject          *object,
               const Properties *props)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; i < props->n_pspecs; i++)
    {
      GParamSpec *pspec = props->pspecs[i];
      g_auto(GValue) value = G_VALUE_INIT;
      gsize mark = out->len;

      if (!(pspec->flags & G_PARAM_READABLE))
        continue;

      /*
       * The owning class's getter, as g_object_get_property() ends up
       * calling, without looking the name up again for every person: the
       * model types neither override nor redirect their properties.
       */
      g_value_init (&value, pspec->value_type);
      G_OBJECT_CLASS (g_type_class_peek (pspec->owner_type))->get_property (object, pspec->param_id, &value, pspec);

      append_member_name (out, pspec->name, first);
      if (!append_value (out, pspec, &value))
        {
          g_critical ("%s: cannot write property “%s” of type %s as JSON",
                      G_STRFUNC, pspec->name, g_type_name (pspec->value_type));
          g_string_truncate (out, mark);
          continue;
        }
      first = FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (id_lists); i++)
    if (G_TYPE_CHECK_INSTANCE_TYPE (object, id_lists[i].get_type ()))
      {
        guint n_ids = 0;
        const gint64 *ids = id_lists[i].get_ids (object, &n_ids);

        append_member_name (out, id_lists[i].member, first);
        g_string_append_c (out, '[');
        for (guint j = 0; j < n_ids; j++)
          {
            if (j > 0)
              g_string_append_c (out, ',');
            append_int (out, ids[j]);
          }
        g_string_append_c (out, ']');
        first = FALSE;
      }

  g_string_append_c (out, '}');
}

void
lanyard_json_append_object (GString *out,
                            GObject *object)
{
  g_auto(Properties) props = { 0 };

  g_return_if_fail (out != NULL);
  g_return_if_fail (G_IS_OBJECT (object));

  append_object (out, object, properties_for (&props, G_OBJECT_TYPE (object)));
}

void
lanyard_json_append_objects (GString   *out,
                             GPtrArray *objects)
{
  g_auto(Properties) props = { 0 };

  g_return_if_fail (out != NULL);
  g_return_if_fail (objects != NULL);

  g_string_append_c (out, '[');
  for (guint i = 0; i < objects->len; i++)
    {
      GObject *object = g_ptr_array_index (objects, i);

      g_return_if_fail (G_IS_OBJECT (object));
      if (i > 0)
        g_string_append_c (out, ',');
      append_object (out, object, properties_for (&props, G_OBJECT_TYPE (object)));
    }
  g_string_append_c (out, ']');
}

void
lanyard_json_append_people_page (GString                 *out,
                                 const LanyardPeoplePage *page)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (page != NULL);

  g_string_append (out, "{\"people\":");
  if (page->people != NULL)
    lanyard_json_append_objects (out, page->people);
  else
    g_string_append (out, "[]");
  g_string_append (out, ",\"next-cursor\":");
  append_string (out, page->next_cursor);
  g_string_append_c (out, '}');
}

/* @member names the array inside a larger document, NULL at the top. */
static GPtrArray *
objects_from_node (GType        type,
                   JsonNode    *node,
                   const char  *member,
                   GError     **error)
{
  g_auto(Properties) props = { 0 };
  g_autoptr(GPtrArray) objects = NULL;
  JsonArray *array;
  guint length;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_not_array_error (error, member);
      return NULL;
    }

  properties_for (&props, type);

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  objects = g_ptr_array_new_full (length, g_object_unref);

  for (guint i = 0; i < length; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s[%u]", member ? member : "", i);
      GObject *object;

      if (!(object = object_from_node (&props, json_array_get_element (array, i), path, error)))
        return NULL;
      g_ptr_array_add (objects, object);
    }

  return g_steal_pointer (&objects);
}

GPtrArray *
lanyard_json_to_objects (GType       type,
                         JsonNode   *node,
                         GError    **error)
{
  g_return_val_if_fail (G_TYPE_IS_OBJECT (type) && G_TYPE_IS_INSTANTIATABLE (type) && !G_TYPE_IS_ABSTRACT (type), NULL);
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return objects_from_node (type, node, NULL, error);
}

/* ------------------------------------------------------------------------ */
/* Plain structs                                                            */
/* ------------------------------------------------------------------------ */

static gboolean
check_object (JsonNode     *node,
              JsonObject  **out_object,
              GError      **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_not_object_error (error, NULL);
      return FALSE;
    }

  *out_object = json_node_get_object (node);
  return TRUE;
}

/* Each of these leaves *out as it is when the member is missing. */

static gboolean
get_int64 (JsonObject  *object,
           const char  *member,
           gint64       min,
           gint64       max,
           gint64      *out_value,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  return node == NULL || read_int64 (node, NULL, member, min, max, out_value, error);
}

static gboolean
get_count (JsonObject  *object,
           const char  *member,
           guint64     *out_value,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  return node == NULL || read_count (node, NULL, member, out_value, error);
}

static gboolean
get_boolean (JsonObject  *object,
             const char  *member,
             gboolean    *out_value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  return node == NULL || read_boolean (node, NULL, member, out_value, error);
}

static gboolean
get_enum (JsonObject  *object,
          const char  *member,
          GType        enum_type,
          int         *out_value,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  return node == NULL || read_enum (node, NULL, member, enum_type, out_value, error);
}

/* Replaces *out_value with a copy of the member's string (NULL for null). */
static gboolean
get_string (JsonObject  *object,
            const char  *member,
            char       **out_value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *text;

  if (node == NULL)
    return TRUE;
  if (!read_string (node, NULL, member, &text, error))
    return FALSE;

  g_free (*out_value);
  *out_value = g_strdup (text);
  return TRUE;
}

JsonNode *
lanyard_json_from_people_query (const LanyardPeopleQuery *query)
{
  JsonObject *json;

  g_return_val_if_fail (query != NULL, NULL);

  json = json_object_new ();
  json_object_set_int_member (json, "facility-id", query->facility_id);
  json_object_set_member (json, "search", node_new_string (query->search));
  json_object_set_member (json, "source", node_new_enum (LANYARD_TYPE_SOURCE_FILTER, query->source));
  json_object_set_member (json, "access", node_new_enum (LANYARD_TYPE_ACCESS_FILTER, query->access));
  json_object_set_member (json, "membership-status", node_new_string (query->membership_status));
  json_object_set_member (json, "person-type", node_new_string (query->person_type));
  json_object_set_member (json, "tag", node_new_string (query->tag));
  json_object_set_member (json, "invitation", node_new_enum (LANYARD_TYPE_INVITATION_FILTER, query->invitation));
  json_object_set_member (json, "adoption", node_new_enum (LANYARD_TYPE_ADOPTION_FILTER, query->adoption));
  json_object_set_member (json, "sort", node_new_enum (LANYARD_TYPE_PEOPLE_SORT, query->sort));
  json_object_set_boolean_member (json, "descending", query->descending);

  return node_new_object (json);
}

LanyardPeopleQuery *
lanyard_json_to_people_query (JsonNode  *node,
                              GError   **error)
{
  g_autoptr(LanyardPeopleQuery) query = NULL;
  JsonObject *json;
  gint64 facility_id;
  int source, access, invitation, adoption, sort;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_object (node, &json, error))
    return NULL;

  if (!json_object_has_member (json, "facility-id"))
    {
      set_required_error (error, NULL, "facility-id");
      return NULL;
    }
  if (!get_int64 (json, "facility-id", 0, G_MAXINT64, &facility_id, error))
    return NULL;

  query = lanyard_people_query_new (facility_id);
  source = query->source;
  access = query->access;
  invitation = query->invitation;
  adoption = query->adoption;
  sort = query->sort;

  if (!get_string (json, "search", &query->search, error) ||
      !get_enum (json, "source", LANYARD_TYPE_SOURCE_FILTER, &source, error) ||
      !get_enum (json, "access", LANYARD_TYPE_ACCESS_FILTER, &access, error) ||
      !get_string (json, "membership-status", &query->membership_status, error) ||
      !get_string (json, "person-type", &query->person_type, error) ||
      !get_string (json, "tag", &query->tag, error) ||
      !get_enum (json, "invitation", LANYARD_TYPE_INVITATION_FILTER, &invitation, error) ||
      !get_enum (json, "adoption", LANYARD_TYPE_ADOPTION_FILTER, &adoption, error) ||
      !get_enum (json, "sort", LANYARD_TYPE_PEOPLE_SORT, &sort, error) ||
      !get_boolean (json, "descending", &query->descending, error))
    return NULL;

  query->source = source;
  query->access = access;
  query->invitation = invitation;
  query->adoption = adoption;
  query->sort = sort;

  return g_steal_pointer (&query);
}

JsonNode *
lanyard_json_from_people_page (const LanyardPeoplePage *page)
{
  JsonObject *json;

  g_return_val_if_fail (page != NULL, NULL);

  json = json_object_new ();
  if (page->people != NULL)
    json_object_set_member (json, "people", lanyard_json_from_objects (page->people));
  else
    json_object_set_array_member (json, "people", json_array_new ());
  json_object_set_member (json, "next-cursor", node_new_string (page->next_cursor));

  return node_new_object (json);
}

LanyardPeoplePage *
lanyard_json_to_people_page (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(LanyardPeoplePage) page = NULL;
  JsonObject *json;
  JsonNode *people;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_object (node, &json, error))
    return NULL;

  if (!(people = json_object_get_member (json, "people")))
    {
      set_required_error (error, NULL, "people");
      return NULL;
    }

  page = lanyard_people_page_new ();
  if (!get_string (json, "next-cursor", &page->next_cursor, error))
    return NULL;

  g_ptr_array_unref (page->people);
  if (!(page->people = objects_from_node (LANYARD_TYPE_PERSON, people, "people", error)))
    return NULL;

  return g_steal_pointer (&page);
}

JsonNode *
lanyard_json_from_people_counts (const LanyardPeopleCounts *counts)
{
  JsonObject *json;

  g_return_val_if_fail (counts != NULL, NULL);

  /* Counts of people fit in a JSON integer long before they overflow one. */
  json = json_object_new ();
  json_object_set_int_member (json, "all", (gint64)MIN (counts->all, (guint64)G_MAXINT64));
  json_object_set_int_member (json, "has-access", (gint64)MIN (counts->has_access, (guint64)G_MAXINT64));
  json_object_set_int_member (json, "no-access", (gint64)MIN (counts->no_access, (guint64)G_MAXINT64));

  return node_new_object (json);
}

gboolean
lanyard_json_to_people_counts (JsonNode             *node,
                               LanyardPeopleCounts  *out_counts,
                               GError              **error)
{
  LanyardPeopleCounts counts = { 0 };
  JsonObject *json;

  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (out_counts != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_object (node, &json, error) ||
      !get_count (json, "all", &counts.all, error) ||
      !get_count (json, "has-access", &counts.has_access, error) ||
      !get_count (json, "no-access", &counts.no_access, error))
    return FALSE;

  *out_counts = counts;
  return TRUE;
}

JsonNode *
lanyard_json_from_facet_values (GPtrArray *values)
{
  JsonArray *array;

  g_return_val_if_fail (values != NULL, NULL);

  array = json_array_sized_new (values->len);
  for (guint i = 0; i < values->len; i++)
    {
      const LanyardFacetValue *value = g_ptr_array_index (values, i);
      JsonObject *json = json_object_new ();

      json_object_set_member (json, "value", node_new_string (value->value));
      json_object_set_int_member (json, "count", (gint64)MIN (value->count, (guint64)G_MAXINT64));
      json_array_add_object_element (array, json);
    }

  return node_new_array (array);
}

GPtrArray *
lanyard_json_to_facet_values (JsonNode  *node,
                              GError   **error)
{
  g_autoptr(GPtrArray) values = NULL;
  JsonArray *array;
  guint length;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_not_array_error (error, NULL);
      return NULL;
    }

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  values = g_ptr_array_new_full (length, (GDestroyNotify)lanyard_facet_value_free);

  for (guint i = 0; i < length; i++)
    {
      g_autofree char *path = g_strdup_printf ("[%u]", i);
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *json;
      JsonNode *member;
      const char *value = NULL;
      guint64 count = 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          set_not_object_error (error, path);
          return NULL;
        }
      json = json_node_get_object (element);

      if (!(member = json_object_get_member (json, "value")) || JSON_NODE_HOLDS_NULL (member))
        {
          set_required_error (error, path, "value");
          return NULL;
        }
      if (!read_string (member, path, "value", &value, error))
        return NULL;

      if ((member = json_object_get_member (json, "count")) &&
          !read_count (member, path, "count", &count, error))
        return NULL;

      g_ptr_array_add (values, lanyard_facet_value_new (value, count));
    }

  return g_steal_pointer (&values);
}

JsonNode *
lanyard_json_from_decision_report (const LanyardDecisionReport *report)
{
  const LanyardDecision *decision;
  JsonObject *json;

  g_return_val_if_fail (report != NULL, NULL);

  decision = &report->decision;
  json = json_object_new ();
  json_object_set_boolean_member (json, "allowed", decision->allowed);
  json_object_set_member (json, "reason", node_new_enum (LANYARD_TYPE_DECISION_REASON, decision->reason));
  json_object_set_int_member (json, "person-id", report->person_id);
  json_object_set_member (json, "person-name", node_new_string (report->person_name));
  json_object_set_int_member (json, "door-id", report->door_id);
  json_object_set_member (json, "door-name", node_new_string (report->door_name));
  json_object_set_member (json, "at", node_new_timestamp (report->instant_usec));
  json_object_set_member (json, "match-kind", node_new_enum (LANYARD_TYPE_MATCH_KIND, decision->match_kind));
  /* As lanyardctl: a grant kind only for a grant, an id only when there is one. */
  if (decision->match_kind == LANYARD_MATCH_GRANT)
    json_object_set_member (json, "grant-kind", node_new_enum (LANYARD_TYPE_GRANT_KIND, decision->grant_kind));
  else
    json_object_set_null_member (json, "grant-kind");
  if (decision->match_kind != LANYARD_MATCH_NONE && decision->match_id != 0)
    json_object_set_int_member (json, "match-id", decision->match_id);
  else
    json_object_set_null_member (json, "match-id");
  json_object_set_member (json, "match-name", node_new_string (report->match_name));

  return node_new_object (json);
}

LanyardDecisionReport *
lanyard_json_to_decision_report (JsonNode  *node,
                                 GError   **error)
{
  g_autoptr(LanyardDecisionReport) report = NULL;
  LanyardDecision *decision;
  JsonObject *json;
  JsonNode *member;
  int reason = 0, match_kind = 0, grant_kind = 0;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_object (node, &json, error))
    return NULL;

  report = g_new0 (LanyardDecisionReport, 1);
  decision = &report->decision;

  if (!get_boolean (json, "allowed", &decision->allowed, error) ||
      !get_enum (json, "reason", LANYARD_TYPE_DECISION_REASON, &reason, error) ||
      !get_int64 (json, "person-id", 0, G_MAXINT64, &report->person_id, error) ||
      !get_string (json, "person-name", &report->person_name, error) ||
      !get_int64 (json, "door-id", 0, G_MAXINT64, &report->door_id, error) ||
      !get_string (json, "door-name", &report->door_name, error) ||
      !get_enum (json, "match-kind", LANYARD_TYPE_MATCH_KIND, &match_kind, error) ||
      !get_string (json, "match-name", &report->match_name, error))
    return NULL;

  if ((member = json_object_get_member (json, "at")) &&
      !read_timestamp (member, NULL, "at", G_MININT64, G_MAXINT64, &report->instant_usec, error))
    return NULL;

  /* null: no grant kind / no id, as written above. */
  if ((member = json_object_get_member (json, "grant-kind")) && !JSON_NODE_HOLDS_NULL (member) &&
      !read_enum (member, NULL, "grant-kind", LANYARD_TYPE_GRANT_KIND, &grant_kind, error))
    return NULL;
  if ((member = json_object_get_member (json, "match-id")) && !JSON_NODE_HOLDS_NULL (member) &&
      !read_int64 (member, NULL, "match-id", 0, G_MAXINT64, &decision->match_id, error))
    return NULL;

  decision->reason = reason;
  decision->match_kind = match_kind;
  decision->grant_kind = grant_kind;

  return g_steal_pointer (&report);
}

JsonNode *
lanyard_json_from_audit_query (const LanyardAuditQuery *query)
{
  JsonObject *json;

  g_return_val_if_fail (query != NULL, NULL);

  json = json_object_new ();
  json_object_set_int_member (json, "facility-id", query->facility_id);
  json_object_set_member (json, "target-kind", node_new_string (query->target_kind));
  json_object_set_int_member (json, "target-id", query->target_id);
  json_object_set_int_member (json, "before-id", query->before_id);
  json_object_set_int_member (json, "limit", query->limit);

  return node_new_object (json);
}

gboolean
lanyard_json_to_audit_query (JsonNode           *node,
                             LanyardAuditQuery  *out_query,
                             GError            **error)
{
  LanyardAuditQuery query = { 0 };
  JsonObject *json;
  JsonNode *member;
  gint64 limit = 0;

  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (out_query != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_object (node, &json, error) ||
      !get_int64 (json, "facility-id", 0, G_MAXINT64, &query.facility_id, error) ||
      !get_int64 (json, "target-id", 0, G_MAXINT64, &query.target_id, error) ||
      !get_int64 (json, "before-id", 0, G_MAXINT64, &query.before_id, error) ||
      !get_int64 (json, "limit", 0, G_MAXUINT, &limit, error))
    return FALSE;

  if ((member = json_object_get_member (json, "target-kind")) &&
      !read_string (member, NULL, "target-kind", &query.target_kind, error))
    return FALSE;

  query.limit = (guint)limit;
  *out_query = query;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

static LanyardStoreError
store_error_code (const GError *error)
{
  if (error->domain == LANYARD_STORE_ERROR)
    return error->code;

  if (error->domain == JSON_PARSER_ERROR)
    return LANYARD_STORE_ERROR_INVALID;

  if (error->domain == G_RESOLVER_ERROR)
    return LANYARD_STORE_ERROR_UNAVAILABLE;

  if (error->domain == G_IO_ERROR)
    switch ((GIOErrorEnum)error->code)
      {
      case G_IO_ERROR_NOT_FOUND:
        return LANYARD_STORE_ERROR_NOT_FOUND;

      case G_IO_ERROR_EXISTS:
        return LANYARD_STORE_ERROR_DUPLICATE;

      case G_IO_ERROR_PERMISSION_DENIED:
        return LANYARD_STORE_ERROR_PERMISSION_DENIED;

      case G_IO_ERROR_INVALID_ARGUMENT:
      case G_IO_ERROR_INVALID_DATA:
      case G_IO_ERROR_MESSAGE_TOO_LARGE:
        return LANYARD_STORE_ERROR_INVALID;

      case G_IO_ERROR_CANCELLED:
      case G_IO_ERROR_TIMED_OUT:
      case G_IO_ERROR_BUSY:
      case G_IO_ERROR_WOULD_BLOCK:
      case G_IO_ERROR_CONNECTION_REFUSED:
      case G_IO_ERROR_CONNECTION_CLOSED:
      case G_IO_ERROR_NOT_CONNECTED:
      case G_IO_ERROR_HOST_NOT_FOUND:
      case G_IO_ERROR_HOST_UNREACHABLE:
      case G_IO_ERROR_NETWORK_UNREACHABLE:
      case G_IO_ERROR_PROXY_FAILED:
        return LANYARD_STORE_ERROR_UNAVAILABLE;

      default:
        break;
      }

  return LANYARD_STORE_ERROR_FAILED;
}

const char *
lanyard_json_error_code (const GError *error)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *value;

  g_return_val_if_fail (error != NULL, NULL);

  klass = g_type_class_ref (LANYARD_TYPE_STORE_ERROR);
  if (!(value = g_enum_get_value (klass, store_error_code (error))))
    value = g_enum_get_value (klass, LANYARD_STORE_ERROR_FAILED);

  /* Nicks of a static enum type live as long as the program. */
  return value->value_nick;
}

JsonNode *
lanyard_json_from_error (const GError *error)
{
  JsonObject *body;
  JsonObject *json;

  g_return_val_if_fail (error != NULL, NULL);

  body = json_object_new ();
  json_object_set_string_member (body, "code", lanyard_json_error_code (error));
  json_object_set_string_member (body, "message", error->message);

  json = json_object_new ();
  json_object_set_object_member (json, "error", body);

  return node_new_object (json);
}

GError *
lanyard_json_to_error (JsonNode *node)
{
  g_autoptr(GEnumClass) klass = NULL;
  JsonObject *body = NULL;
  JsonNode *member;
  const char *code = NULL;
  const char *message = NULL;
  GEnumValue *value = NULL;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      (member = json_object_get_member (json_node_get_object (node), "error")) &&
      JSON_NODE_HOLDS_OBJECT (member))
    body = json_node_get_object (member);

  if (body == NULL)
    return g_error_new_literal (LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                                _("The server answered with an error that could not be read"));

  if ((member = json_object_get_member (body, "code")) && node_holds (member, G_TYPE_STRING))
    code = json_node_get_string (member);
  if ((member = json_object_get_member (body, "message")) && node_holds (member, G_TYPE_STRING) &&
      g_utf8_validate (json_node_get_string (member), -1, NULL))
    message = json_node_get_string (member);

  klass = g_type_class_ref (LANYARD_TYPE_STORE_ERROR);
  if (code != NULL)
    value = g_enum_get_value_by_nick (klass, code);

  if (message == NULL || *message == '\0')
    message = _("The server reported an error without saying what it was");

  return g_error_new_literal (LANYARD_STORE_ERROR,
                              value != NULL ? value->value : LANYARD_STORE_ERROR_FAILED,
                              message);
}

guint
lanyard_json_error_http_status (const GError *error)
{
  g_return_val_if_fail (error != NULL, 500);

  /* Statuses that say more than the store code does. */
  if (error->domain == JSON_PARSER_ERROR)
    return 400;   /* Bad Request: the body is not JSON */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    return 413;   /* Content Too Large */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return 501;   /* Not Implemented */

  switch (store_error_code (error))
    {
    case LANYARD_STORE_ERROR_NOT_FOUND:
      return 404;

    case LANYARD_STORE_ERROR_DUPLICATE:
    case LANYARD_STORE_ERROR_CONFLICT:
      return 409;

    case LANYARD_STORE_ERROR_INVALID:
      return 422;

    case LANYARD_STORE_ERROR_PERMISSION_DENIED:
      return 403;

    case LANYARD_STORE_ERROR_UNAVAILABLE:
      return 503;

    case LANYARD_STORE_ERROR_UNAUTHENTICATED:
      return 401;

    case LANYARD_STORE_ERROR_RATE_LIMITED:
      return 429;

    case LANYARD_STORE_ERROR_FAILED:
    default:
      return 500;
    }
}
