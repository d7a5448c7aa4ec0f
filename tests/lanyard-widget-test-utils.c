/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <adwaita.h>

#include "lanyard-widget-test-utils.h"

gboolean
lanyard_test_init_widgets (int    *argc,
                           char ***argv)
{
  g_autoptr(GtkCssProvider) provider = NULL;

  g_test_init (argc, argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_message ("No display: skipping the widget tests");
      g_print ("1..0 # SKIP no display\n");
      return FALSE;
    }
  adw_init ();

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/app/lanyard/Lanyard/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  return TRUE;
}

static gboolean
on_wake_up_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
lanyard_test_wait_until (gboolean (*done) (gpointer data),
                         gpointer   data,
                         guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  /* The loop wakes up at least this often to look at the clock. */
  guint wake_up = g_timeout_add (20, on_wake_up_cb, NULL);
  gboolean held;

  while (!(held = done (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake_up);

  return held;
}

void
lanyard_test_wait_for (gboolean    (*done) (gpointer data),
                       gpointer      data,
                       const char   *what)
{
  if (!lanyard_test_wait_until (done, data, 30 * 1000))
    g_error ("Timed out after 30 s waiting for %s", what);
}

void
lanyard_test_wait_ms (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

GObject *
lanyard_test_find_by_id (GtkWidget  *widget,
                         const char *id)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0)
    return G_OBJECT (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GObject *found = lanyard_test_find_by_id (child, id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The first widget of @type under @widget, depth first; for widgets built in code, which have no id. */
GtkWidget *
lanyard_test_find_by_type (GtkWidget *widget,
                           GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = lanyard_test_find_by_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

gpointer
lanyard_test_get_widget (GtkWidget  *widget,
                         const char *id)
{
  GObject *object = lanyard_test_find_by_id (widget, id);

  if (object == NULL)
    g_error ("%s has no widget with id “%s”", G_OBJECT_TYPE_NAME (widget), id);

  return object;
}

void
lanyard_test_save_screenshot (GtkWidget  *widget,
                              const char *path)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  int width, height;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;

  g_assert_nonnull (root);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (root));

  /* Between two frames the window may have nothing to draw yet: give it a few. */
  for (guint attempt = 0; node == NULL && attempt < 30; attempt++)
    {
      if (attempt > 0)
        {
          gtk_widget_queue_draw (GTK_WIDGET (root));
          lanyard_test_wait_ms (100);
        }
      width = gtk_widget_get_width (GTK_WIDGET (root));
      height = gtk_widget_get_height (GTK_WIDGET (root));
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (root)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);
}

void
lanyard_test_maybe_screenshot (GtkWidget  *widget,
                               const char *name)
{
  const char *dir = g_getenv ("LANYARD_TEST_SCREENSHOTS");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;

  /* Let transitions end and rows be drawn. */
  lanyard_test_wait_ms (500);

  path = g_build_filename (dir, name, NULL);
  lanyard_test_save_screenshot (widget, path);
}
