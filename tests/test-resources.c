/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "lanyard-add-person-dialog.h"
#include "lanyard-connect-dialog.h"
#include "lanyard-import-dialog.h"
#include "lanyard-people-model.h"
#include "lanyard-people-section.h"
#include "lanyard-person-pane.h"
#include "lanyard-person-row.h"
#include "lanyard-preferences-window.h"
#include "lanyard-test-utils.h"
#include "lanyard-widget-test-utils.h"
#include "lanyard-window.h"

/*
 * Every .ui file in the app's GResource, found by walking the resource
 * rather than by a list that could go stale, is built with GTK and
 * libadwaita initialised. A file with a <template> is checked by making
 * an instance of its class, which is how the app uses it; any other file
 * goes through GtkBuilder. g_test_init() makes GTK's warnings and
 * criticals fatal, so an unknown property, a misspelt signal handler or a
 * child of the wrong type fails the test instead of scrolling by.
 */

#define RESOURCE_PREFIX "/app/lanyard/Lanyard/"

/* Shared by every test: some templates' classes need a store and a facility to be constructed. */
static char            *test_dir;
static LanyardStore    *test_store;
static LanyardFacility *test_facility;

/* The app's own types: a template may only name a type that is registered. */
static void
ensure_app_types (void)
{
  g_type_ensure (LANYARD_TYPE_ADD_PERSON_DIALOG);
  g_type_ensure (LANYARD_TYPE_CONNECT_DIALOG);
  g_type_ensure (LANYARD_TYPE_IMPORT_DIALOG);
  g_type_ensure (LANYARD_TYPE_PEOPLE_MODEL);
  g_type_ensure (LANYARD_TYPE_PEOPLE_SECTION);
  g_type_ensure (LANYARD_TYPE_PERSON_PANE);
  g_type_ensure (LANYARD_TYPE_PERSON_ROW);
  g_type_ensure (LANYARD_TYPE_PREFERENCES_WINDOW);
  g_type_ensure (LANYARD_TYPE_WINDOW);
}

static void
collect_ui_files (const char *path,
                  GPtrArray  *ui_files)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) children = NULL;

  children = g_resources_enumerate_children (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);

  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *child = g_strconcat (path, children[i], NULL);

      if (g_str_has_suffix (child, "/"))
        collect_ui_files (child, ui_files);
      else if (g_str_has_suffix (child, ".ui"))
        g_ptr_array_add (ui_files, g_steal_pointer (&child));
    }
}

/* What the file's <template> element says; both NULL for a plain builder file. */
typedef struct {
  char *class_name;
  char *parent_name;
} TemplateInfo;

static void
on_template_start_element_cb (GMarkupParseContext  *context,
                              const char           *element_name,
                              const char          **attribute_names,
                              const char          **attribute_values,
                              gpointer              user_data,
                              GError              **error)
{
  TemplateInfo *info = user_data;
  const char *class_name = NULL;
  const char *parent_name = NULL;

  if (!g_str_equal (element_name, "template"))
    return;

  if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                    G_MARKUP_COLLECT_STRING, "class", &class_name,
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "parent", &parent_name,
                                    G_MARKUP_COLLECT_INVALID, NULL))
    return;

  g_assert_null (info->class_name);
  info->class_name = g_strdup (class_name);
  info->parent_name = g_strdup (parent_name);
}

static void
read_template_info (GBytes       *bytes,
                    TemplateInfo *info)
{
  static const GMarkupParser parser = { .start_element = on_template_start_element_cb };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, info, NULL);
  g_markup_parse_context_parse (context, data, size, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
}

/* Sets "store" and "facility" when the class has them: the app's dialogs and panes need them to be built. */
static GtkWidget *
new_template_widget (GType type)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);
  const char *names[2];
  GValue values[2] = { G_VALUE_INIT, G_VALUE_INIT };
  guint n = 0;
  GObject *object;

  if (g_object_class_find_property (G_OBJECT_CLASS (klass), "store") != NULL)
    {
      names[n] = "store";
      g_value_init (&values[n], LANYARD_TYPE_STORE);
      g_value_set_object (&values[n], test_store);
      n++;
    }
  if (g_object_class_find_property (G_OBJECT_CLASS (klass), "facility") != NULL)
    {
      names[n] = "facility";
      g_value_init (&values[n], LANYARD_TYPE_FACILITY);
      g_value_set_object (&values[n], test_facility);
      n++;
    }

  object = g_object_new_with_properties (type, n, names, values);

  for (guint i = 0; i < n; i++)
    g_value_unset (&values[i]);

  return GTK_WIDGET (object);
}

/* Shows @window for a moment, so that it is realized, laid out and drawn, then destroys it. */
static void
show_and_destroy (GtkWindow *window)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  gtk_window_present (window);
  lanyard_test_wait_ms (200);
  gtk_window_destroy (window);
  while (g_main_context_iteration (context, FALSE))
    ;
}

static void
check_template (const char         *path,
                const TemplateInfo *info)
{
  GType type = g_type_from_name (info->class_name);
  GtkWidget *widget;

  if (type == 0)
    g_error ("%s is the template of %s, which is not registered: add it to ensure_app_types()",
             path, info->class_name);

  g_assert_true (g_type_is_a (type, GTK_TYPE_WIDGET));
  if (info->parent_name != NULL)
    g_assert_cmpstr (g_type_name (g_type_parent (type)), ==, info->parent_name);

  /* Building the instance runs gtk_widget_init_template() on this file. */
  widget = new_template_widget (type);
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (widget, type));

  if (GTK_IS_WINDOW (widget))
    show_and_destroy (GTK_WINDOW (widget));
  else
    {
      GtkWidget *window = gtk_window_new ();

      gtk_window_set_child (GTK_WINDOW (window), widget);
      show_and_destroy (GTK_WINDOW (window));
    }
}

static void
check_builder_file (const char *path)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) objects = NULL;
  guint n_objects = 0;

  gtk_builder_add_from_resource (builder, path, &error);
  g_assert_no_error (error);

  objects = gtk_builder_get_objects (builder);
  for (const GSList *l = objects; l != NULL; l = l->next)
    {
      n_objects++;
      /* A toplevel is kept alive by GTK, not the builder: it has to be destroyed. */
      if (GTK_IS_WINDOW (l->data))
        show_and_destroy (GTK_WINDOW (l->data));
    }

  g_assert_cmpuint (n_objects, >, 0);
}

static void
test_ui_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  TemplateInfo info = { NULL, NULL };

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);

  read_template_info (bytes, &info);
  if (info.class_name != NULL)
    check_template (path, &info);
  else
    check_builder_file (path);

  g_free (info.class_name);
  g_free (info.parent_name);
}

/* The style sheet parses without an error: GTK only warns about a bad one, and the app would run unstyled. */
static void
on_css_parsing_error_cb (GtkCssProvider *provider,
                         GtkCssSection  *section,
                         GError         *error,
                         gpointer        user_data)
{
  g_autofree char *where = gtk_css_section_to_string (section);

  g_error ("style.css: %s: %s", where, error->message);
}

static void
test_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  g_signal_connect (provider, "parsing-error", G_CALLBACK (on_css_parsing_error_cb), NULL);
  gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "style.css");
}

/* The icons compiled in, where GtkApplication makes the icon theme look (resource-base-path + /icons). */
static void
test_icons (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

  gtk_icon_theme_add_resource_path (theme, RESOURCE_PREFIX "icons");
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID "-symbolic"));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) ui_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GError) error = NULL;
  gint64 facility_id;
  int status;

  if (!lanyard_test_init_widgets (&argc, &argv))
    return 0;

  ensure_app_types ();

  test_dir = lanyard_test_dir_new ();
  test_store = LANYARD_STORE (lanyard_test_store_new (test_dir));
  facility_id = lanyard_test_add_facility (test_store, "Test Club");
  facilities = lanyard_store_list_facilities (test_store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < facilities->len; i++)
    if (lanyard_facility_get_id (g_ptr_array_index (facilities, i)) == facility_id)
      test_facility = g_object_ref (g_ptr_array_index (facilities, i));
  g_assert_nonnull (test_facility);

  collect_ui_files (RESOURCE_PREFIX, ui_files);
  g_assert_cmpuint (ui_files->len, >, 0);
  g_ptr_array_sort (ui_files, compare_strings);

  for (guint i = 0; i < ui_files->len; i++)
    {
      const char *path = g_ptr_array_index (ui_files, i);
      g_autofree char *test_path = g_strconcat ("/app/resources/ui/", path + strlen (RESOURCE_PREFIX), NULL);

      g_test_add_data_func (test_path, path, test_ui_file);
    }
  g_test_add_func ("/app/resources/style", test_style);
  g_test_add_func ("/app/resources/icons", test_icons);

  status = g_test_run ();

  g_clear_object (&test_facility);
  g_clear_object (&test_store);
  lanyard_test_dir_free (g_steal_pointer (&test_dir));

  return status;
}
