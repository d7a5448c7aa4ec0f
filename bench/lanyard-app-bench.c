/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <adwaita.h>

#include "lanyard-application.h"
#include "lanyard-core.h"
#include "lanyard-people-model.h"
#include "lanyard-widget-test-utils.h"
#include "lanyard-window.h"

/*
 * lanyard-app-bench: measures the desktop app against issue 3's targets on
 * one database, on the machine it runs on (run it under Xvfb with a
 * session bus, as bench/app-bench.sh does):
 *
 *  - launch: the real `lanyard` binary started --launch-runs times with
 *    LANYARD_PROFILE=1; from spawning it to the first rows painted (the
 *    app prints when), and the app's RSS once they are. One launch before
 *    those is reported on its own: the first GTK app on a new session bus
 *    starts xdg-desktop-portal and the accessibility bus and waits for
 *    them (~200 ms here), which a desktop session has running already;
 *  - keystroke: in a window of this process, search words typed one key at
 *    a time; from each key to the frame that paints the list of its search;
 *  - stalls: the longest main-loop stalls while typing, scrolling and
 *    switching filters, seen by a 1 ms timer that notes how late it runs;
 *  - switch: from choosing a filter, sort or tile to the frame painting it;
 *  - RSS of this process after all that.
 */

#define TARGET_LAUNCH_MS     300.0
#define TARGET_KEYSTROKE_MS  50.0
#define TARGET_STALL_MS      16.0
#define KEY_INTERVAL_MS      120

static char *opt_database;
static char *opt_app;
static char *opt_label;
static int opt_launch_runs = 15;
static int opt_typing_rounds = 3;

static GOptionEntry option_entries[] = {
  { "database", 'd', 0, G_OPTION_ARG_FILENAME, &opt_database, "The database to measure with", "FILE" },
  { "app", 'a', 0, G_OPTION_ARG_FILENAME, &opt_app, "The lanyard binary, for the launch measurement", "PATH" },
  { "launch-runs", 'n', 0, G_OPTION_ARG_INT, &opt_launch_runs, "Launches to time (default 15)", "N" },
  { "typing-rounds", 't', 0, G_OPTION_ARG_INT, &opt_typing_rounds, "Times to type the search words (default 3)", "N" },
  { "label", 'l', 0, G_OPTION_ARG_STRING, &opt_label, "What to call this database in the report", "NAME" },
  { NULL }
};

/* ------------------------------------------------------------------------ */
/* Statistics                                                                */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Nearest rank. */
static double
percentile (GArray *samples,
            double  p)
{
  g_autoptr(GArray) sorted = NULL;
  guint rank;

  if (samples->len == 0)
    return 0;

  sorted = g_array_copy (samples);
  g_array_sort (sorted, compare_doubles);
  rank = (guint)(p / 100.0 * sorted->len + 0.999999);
  rank = CLAMP (rank, 1, sorted->len);

  return g_array_index (sorted, double, rank - 1);
}

static double
maximum (GArray *samples)
{
  double max = 0;

  for (guint i = 0; i < samples->len; i++)
    max = MAX (max, g_array_index (samples, double, i));

  return max;
}

static guint64
read_rss_kb (GPid pid)
{
  g_autofree char *path = pid > 0 ? g_strdup_printf ("/proc/%d/status", pid) : g_strdup ("/proc/self/status");
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;

  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10) : 0;
}

/* ------------------------------------------------------------------------ */
/* Launch                                                                    */

static gboolean
time_one_launch (double   *out_ms,
                 guint64  *out_rss_kb,
                 GError  **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stderr_lines = NULL;
  const char *argv[] = { opt_app, NULL };
  gint64 started;

  g_subprocess_launcher_setenv (launcher, "LANYARD_DATABASE", opt_database, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_PROFILE", "1", TRUE);

  started = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return FALSE;

  stderr_lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (stderr_lines, NULL, NULL, error);
      const char *mark;

      if (line == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The app ended without painting its first rows");
          g_subprocess_force_exit (process);
          return FALSE;
        }

      mark = strstr (line, "first-rows-painted monotonic-usec=");
      if (mark != NULL)
        {
          gint64 painted = g_ascii_strtoll (mark + strlen ("first-rows-painted monotonic-usec="), NULL, 10);

          *out_ms = (painted - started) / 1000.0;
          break;
        }
    }

  /* What it holds once it shows the list: let it settle a little first. */
  g_usleep (500 * 1000);
  *out_rss_kb = read_rss_kb (atoi (g_subprocess_get_identifier (process)));

  g_subprocess_send_signal (process, SIGTERM);
  return g_subprocess_wait (process, NULL, error);
}

/* ------------------------------------------------------------------------ */
/* The window in this process                                                */

typedef struct {
  LanyardWindow      *window;
  LanyardPeopleModel *model;
  GtkEditable        *search_entry;
  GtkAdjustment      *vadjustment;

  /* Stall watch: a 1 ms timer that records how late it runs. */
  guint               watch_source;
  gint64              watch_last;
  GArray             *stalls_ms;           /* of the phase running */
  gboolean            watching;

  GString            *slow_keys;           /* the keys over the target, as text */
  GString            *stall_notes;         /* the stalls over the target, with what was going on */
  const char         *doing;               /* what the phase is doing now, for stall_notes */

  /* Waiting for a painted frame */
  gboolean            painted;
  gint64              painted_at;

  /* LANYARD_BENCH_FRAMES=1: where the time of slow frames goes */
  GdkFrameClock      *clock;
  gboolean            print_frames;
  GArray             *frame_cpu_ms;        /* of the phase running: each frame's CPU time on the main thread */
  GArray             *typing_frames_ms;
  GArray             *scrolling_frames_ms;
  GArray             *switching_frames_ms;
  gint64              phase_at[7];         /* when each phase of the frame began, 0: not run */
  gint64              phase_cpu_at[7];     /* the main thread's CPU time then */
} Bench;

/* The phases of a frame, as GdkFrameClock signals them (each only when
 * something asked for it), with the layout phase split where the surface
 * has computed its size and GTK starts to measure and allocate widgets. */
static const char * const frame_phases[] = { "flush-events", "before-paint", "update", "layout", "allocate", "paint", "after-paint" };
enum { PHASE_ALLOCATE = 4 };

/* Emission hooks run before every handler of the emission, so a phase is
 * timed from its start, not from wherever a handler of ours would stand
 * among GDK's and GTK's own. */
static gint64
thread_cpu_usec (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static gboolean
on_frame_phase_hook (GSignalInvocationHint *hint,
                     guint                  n_param_values,
                     const GValue          *param_values,
                     gpointer               user_data)
{
  Bench *bench = user_data;
  GObject *instance = g_value_get_object (&param_values[0]);
  guint phase;

  if (GDK_IS_SURFACE (instance))
    {
      if (gdk_surface_get_frame_clock (GDK_SURFACE (instance)) != bench->clock)
        return TRUE;
      phase = PHASE_ALLOCATE;
    }
  else if (instance != G_OBJECT (bench->clock))
    return TRUE;
  else
    {
      const char *name = g_signal_name (hint->signal_id);

      for (phase = 0; phase < G_N_ELEMENTS (frame_phases); phase++)
        if (g_str_equal (frame_phases[phase], name))
          break;
      g_return_val_if_fail (phase < G_N_ELEMENTS (frame_phases), TRUE);
    }
  bench->phase_at[phase] = g_get_monotonic_time ();
  bench->phase_cpu_at[phase] = thread_cpu_usec ();
  return TRUE;
}

static void
on_frame_done_cb (GdkFrameClock *clock,
                  Bench         *bench)
{
  gint64 end = g_get_monotonic_time ();
  gint64 end_cpu = thread_cpu_usec ();
  gint64 start = 0, start_cpu = 0;
  double total;

  for (guint i = 0; i < G_N_ELEMENTS (frame_phases); i++)
    if (bench->phase_at[i] != 0 && (start == 0 || bench->phase_at[i] < start))
      {
        start = bench->phase_at[i];
        start_cpu = bench->phase_cpu_at[i];
      }
  total = (end - start) / 1000.0;

  if (start != 0 && bench->frame_cpu_ms != NULL)
    g_array_append_vals (bench->frame_cpu_ms, &(double){ (end_cpu - start_cpu) / 1000.0 }, 1);

  if (start != 0 && total > 12.0 && bench->doing != NULL && bench->print_frames)
    {
      g_print ("  slow frame (%s) %.1f ms at %" G_GINT64_FORMAT " us:", bench->doing, total, start);
      for (guint i = 0; i < G_N_ELEMENTS (frame_phases); i++)
        {
          gint64 next = end;
          gint64 next_cpu = end_cpu;

          if (bench->phase_at[i] == 0)
            continue;
          for (guint j = i + 1; j < G_N_ELEMENTS (frame_phases); j++)
            if (bench->phase_at[j] != 0)
              {
                next = bench->phase_at[j];
                next_cpu = bench->phase_cpu_at[j];
                break;
              }
          /* wall time (the main thread's CPU time) */
          g_print (" %s %.1f (%.1f)", frame_phases[i], (next - bench->phase_at[i]) / 1000.0,
                   (next_cpu - bench->phase_cpu_at[i]) / 1000.0);
        }
      g_print ("\n");
    }
  memset (bench->phase_at, 0, sizeof bench->phase_at);
}

static void
watch_frames (Bench         *bench,
              GdkFrameClock *clock)
{
  bench->clock = clock;
  for (guint i = 0; i < G_N_ELEMENTS (frame_phases); i++)
    g_signal_add_emission_hook (g_signal_lookup (i == PHASE_ALLOCATE ? "layout" : frame_phases[i],
                                                 i == PHASE_ALLOCATE ? GDK_TYPE_SURFACE : GDK_TYPE_FRAME_CLOCK),
                                0, on_frame_phase_hook, bench, NULL);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (on_frame_done_cb), bench);
}

static gboolean
on_watch_tick_cb (gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();

  if (bench->watching && bench->watch_last != 0)
    {
      double late_ms = (now - bench->watch_last) / 1000.0 - 1.0;

      if (late_ms > 0)
        g_array_append_val (bench->stalls_ms, late_ms);
      if (late_ms > TARGET_STALL_MS && bench->doing != NULL && bench->stall_notes->len < 600)
        g_string_append_printf (bench->stall_notes, " %s %.0f ms;", bench->doing, late_ms);
    }
  bench->watch_last = now;

  return G_SOURCE_CONTINUE;
}

static void
watch_start (Bench  *bench,
             GArray *stalls,
             GArray *frame_cpu)
{
  bench->stalls_ms = stalls;
  bench->frame_cpu_ms = frame_cpu;
  bench->watch_last = 0;
  bench->watching = TRUE;
}

static void
watch_stop (Bench *bench)
{
  bench->watching = FALSE;
  bench->stalls_ms = NULL;
  bench->frame_cpu_ms = NULL;
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   Bench         *bench)
{
  bench->painted = TRUE;
  bench->painted_at = g_get_monotonic_time ();
}

/* Runs the loop until a frame has been painted after now; returns when it was. */
static gint64
wait_for_paint (Bench *bench)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench->window));
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), bench);

  bench->painted = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (bench->window));
  while (!bench->painted)
    g_main_context_iteration (NULL, TRUE);

  g_signal_handler_disconnect (clock, handler);
  return bench->painted_at;
}

static gboolean
window_settled (gpointer data)
{
  return !lanyard_window_get_busy (data);
}

typedef struct {
  LanyardPeopleModel *model;
  const char         *search;
} SearchShown;

static gboolean
search_shown (gpointer data)
{
  SearchShown *wait = data;
  const LanyardPeopleQuery *query = lanyard_people_model_get_query (wait->model);

  return query != NULL &&
         g_strcmp0 (query->search, wait->search) == 0 &&
         !lanyard_people_model_get_loading (wait->model);
}

static gboolean
model_settled (gpointer data)
{
  return !lanyard_people_model_get_loading (data);
}

/* Types each word a key at a time, KEY_INTERVAL_MS apart, timing each key to its painted list. */
static void
measure_typing (Bench      *bench,
                GArray     *latencies_ms,
                GArray     *stalls_ms,
                guint      *out_missed)
{
  static const char * const words[] = {
    "anna", "müller", "lee", "garcía", "+49 151", "schmidt", "ol", "example.org", "kowalski", "zh",
  };

  watch_start (bench, stalls_ms, bench->typing_frames_ms);

  for (guint w = 0; w < G_N_ELEMENTS (words); w++)
    {
      const char *word = words[w];
      const char *end = word;

      bench->doing = "(clearing)";
      gtk_editable_set_text (bench->search_entry, "");
      lanyard_test_wait_for (model_settled, bench->model, "the list without a search");
      lanyard_test_wait_ms (300);

      while (*end != '\0')
        {
          g_autofree char *prefix = NULL;
          g_autofree char *expected = NULL;
          SearchShown wait;
          gint64 typed, painted;

          end = g_utf8_next_char (end);
          prefix = g_strndup (word, end - word);
          expected = g_strstrip (g_strdup (prefix));
          wait.model = bench->model;
          wait.search = *expected != '\0' ? expected : NULL;

          bench->doing = word;
          typed = g_get_monotonic_time ();
          gtk_editable_set_text (bench->search_entry, prefix);
          lanyard_test_wait_for (search_shown, &wait, "the search's list");
          painted = wait_for_paint (bench);

          g_array_append_vals (latencies_ms, &(double){ (painted - typed) / 1000.0 }, 1);
          if ((painted - typed) / 1000.0 > TARGET_KEYSTROKE_MS)
            {
              (*out_missed)++;
              g_string_append_printf (bench->slow_keys, " “%s” %.0f ms;", prefix, (painted - typed) / 1000.0);
            }

          /* The rest of the interval between two keys, as a person types. */
          lanyard_test_wait_ms (MAX (0, KEY_INTERVAL_MS - (int)((g_get_monotonic_time () - typed) / 1000)));
        }
    }

  watch_stop (bench);
  bench->doing = NULL;
  gtk_editable_set_text (bench->search_entry, "");
  lanyard_test_wait_for (model_settled, bench->model, "the list without a search");
}

/* Scrolls down the list a few rows per frame for a while, then by pages. */
static void
measure_scrolling (Bench  *bench,
                   GArray *stalls_ms)
{
  gtk_adjustment_set_value (bench->vadjustment, 0);
  wait_for_paint (bench);

  watch_start (bench, stalls_ms, bench->scrolling_frames_ms);

  for (guint frame = 0; frame < 180; frame++)
    {
      gtk_adjustment_set_value (bench->vadjustment, gtk_adjustment_get_value (bench->vadjustment) + 120);
      wait_for_paint (bench);
    }

  for (guint page = 0; page < 40; page++)
    {
      gtk_adjustment_set_value (bench->vadjustment,
                                gtk_adjustment_get_value (bench->vadjustment) +
                                gtk_adjustment_get_page_size (bench->vadjustment));
      wait_for_paint (bench);
      lanyard_test_wait_ms (16);
    }

  /* Let the pages asked for arrive while still watching. */
  lanyard_test_wait_ms (500);
  watch_stop (bench);
}

/* Chooses filters, sorts and tiles one after another, timing each to its painted list. */
static void
measure_switching (Bench  *bench,
                   GArray *latencies_ms,
                   GArray *stalls_ms)
{
  GtkWidget *section = lanyard_test_get_widget (GTK_WIDGET (bench->window), "people_section");
  LanyardStore *store = lanyard_window_get_store (bench->window);
  LanyardFacility *facility = NULL;
  g_autoptr(GPtrArray) types = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  const char *type = "";
  const char *tag = "";
  struct { const char *action; GVariant *param; } steps[16];
  guint n = 0;

  g_object_get (section, "facility", &facility, NULL);
  if (facility != NULL)
    {
      types = lanyard_store_list_facet_values (store, lanyard_facility_get_id (facility),
                                               LANYARD_FACET_PERSON_TYPE, NULL, NULL);
      tags = lanyard_store_list_facet_values (store, lanyard_facility_get_id (facility),
                                              LANYARD_FACET_TAG, NULL, NULL);
      g_object_unref (facility);
    }
  if (types != NULL && types->len > 0)
    type = ((LanyardFacetValue *)g_ptr_array_index (types, 0))->value;
  if (tags != NULL && tags->len > 0)
    tag = ((LanyardFacetValue *)g_ptr_array_index (tags, 0))->value;

#define STEP(a, p) (steps[n].action = (a), steps[n].param = (p) != NULL ? g_variant_ref_sink (p) : NULL, n++)
  STEP ("people.set-access", g_variant_new_int32 (LANYARD_ACCESS_FILTER_HAS_ACCESS));
  STEP ("people.set-access", g_variant_new_int32 (LANYARD_ACCESS_FILTER_NO_ACCESS));
  STEP ("people.set-access", g_variant_new_int32 (LANYARD_ACCESS_FILTER_DISABLED));
  STEP ("people.set-access", g_variant_new_int32 (LANYARD_ACCESS_FILTER_ANY));
  STEP ("people.set-person-type", g_variant_new_string (type));
  STEP ("people.set-tag", g_variant_new_string (tag));
  STEP ("people.set-source", g_variant_new_int32 (LANYARD_SOURCE_FILTER_INTEGRATION));
  STEP ("people.clear-filters", NULL);
  STEP ("people.set-sort", g_variant_new_int32 (LANYARD_PEOPLE_SORT_CREATED));
  STEP ("people.set-sort", g_variant_new_int32 (LANYARD_PEOPLE_SORT_LAST_USED));
  STEP ("people.set-sort", g_variant_new_int32 (LANYARD_PEOPLE_SORT_NAME));
  STEP ("people.set-invitation", g_variant_new_int32 (LANYARD_INVITATION_FILTER_INVITED));
  STEP ("people.set-adoption", g_variant_new_int32 (LANYARD_ADOPTION_FILTER_ACTIVE));
  STEP ("people.clear-filters", NULL);
#undef STEP

  watch_start (bench, stalls_ms, bench->switching_frames_ms);

  for (guint i = 0; i < n; i++)
    {
      gint64 chosen, painted;

      lanyard_test_wait_ms (150);
      chosen = g_get_monotonic_time ();
      gtk_widget_activate_action_variant (section, steps[i].action, steps[i].param);
      lanyard_test_wait_for (model_settled, bench->model, "the filtered list");
      painted = wait_for_paint (bench);
      g_array_append_vals (latencies_ms, &(double){ (painted - chosen) / 1000.0 }, 1);
      g_clear_pointer (&steps[i].param, g_variant_unref);
    }

  watch_stop (bench);
}

static void
report_series (const char *what,
               GArray     *ms,
               double      target,
               gboolean    as_max)
{
  double p50 = percentile (ms, 50), p95 = percentile (ms, 95), max = maximum (ms);
  double figure = as_max ? max : p95;

  g_print ("  %-36s n=%-4u p50 %7.1f ms  p95 %7.1f ms  max %7.1f ms",
           what, ms->len, p50, p95, max);
  if (target > 0)
    g_print ("  target %s ≤ %.0f ms: %s", as_max ? "max" : "p95", target, figure <= target ? "PASS" : "MISS");
  g_print ("\n");
}

static void
report_stalls (const char *what,
               GArray     *stalls)
{
  guint over = 0;

  for (guint i = 0; i < stalls->len; i++)
    if (g_array_index (stalls, double, i) > TARGET_STALL_MS)
      over++;

  g_print ("  stalls while %-22s longest %6.1f ms; %u over %.0f ms: %s\n",
           what, maximum (stalls), over, TARGET_STALL_MS, over == 0 ? "PASS" : "MISS");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardSqliteStore) store = NULL;
  g_autoptr(GArray) launch_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) key_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) switch_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) typing_stalls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) scrolling_stalls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) switching_stalls = g_array_new (FALSE, FALSE, sizeof (double));
  guint64 launch_rss_kb = 0;
  double first_launch_ms = 0;
  guint missed_keys = 0;
  gint64 opened, settled;
  Bench bench = { 0 };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- time the Lanyard app on one database");
  g_option_context_add_main_entries (context, option_entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_database == NULL)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--database is required");
      return 2;
    }

  g_print ("Lanyard app on %s (%s)\n", opt_label != NULL ? opt_label : opt_database, opt_database);
  /* The window of this process draws as the app's would (its launches inherit the choice). */
  if (lanyard_application_prefer_cairo_without_gpu ("/dev/dri"))
    g_print ("  no GPU device: cairo, without OpenGL, as the app chooses\n");

  if (opt_app != NULL && opt_launch_runs > 0)
    {
      guint64 first_rss = 0;

      if (!time_one_launch (&first_launch_ms, &first_rss, &error))
        {
          g_printerr ("First launch: %s\n", error->message);
          return 1;
        }
      for (int i = 0; i < opt_launch_runs; i++)
        {
          double ms = 0;
          guint64 rss = 0;

          if (!time_one_launch (&ms, &rss, &error))
            {
              g_printerr ("Launch %d: %s\n", i + 1, error->message);
              return 1;
            }
          g_array_append_val (launch_ms, ms);
          /* The first launch warms the page cache; report the RSS of the last. */
          launch_rss_kb = rss;
        }
    }

  if (!gtk_init_check ())
    {
      g_printerr ("No display\n");
      return 1;
    }
  adw_init ();
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, "/app/lanyard/Lanyard/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  store = lanyard_sqlite_store_open (opt_database, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  bench.slow_keys = g_string_new (NULL);
  bench.stall_notes = g_string_new (NULL);
  opened = g_get_monotonic_time ();
  bench.window = lanyard_window_new (NULL, LANYARD_STORE (store));
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1280, 800);
  /* As the app shows its window: once it has read its list (lanyard_application_show_window()). */
  lanyard_test_wait_for (window_settled, bench.window, "the window to read its list");
  gtk_window_present (GTK_WINDOW (bench.window));
  settled = wait_for_paint (&bench);

  bench.search_entry = lanyard_test_get_widget (GTK_WIDGET (bench.window), "search_entry");
  bench.vadjustment = gtk_scrolled_window_get_vadjustment (lanyard_test_get_widget (GTK_WIDGET (bench.window),
                                                                                    "scrolled_window"));
  bench.model = LANYARD_PEOPLE_MODEL (gtk_single_selection_get_model (
    GTK_SINGLE_SELECTION (gtk_grid_view_get_model (lanyard_test_get_widget (GTK_WIDGET (bench.window), "people_view")))));
  bench.watch_source = g_timeout_add_full (G_PRIORITY_HIGH, 1, on_watch_tick_cb, &bench, NULL);
  bench.print_frames = g_getenv ("LANYARD_BENCH_FRAMES") != NULL;
  bench.typing_frames_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.scrolling_frames_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.switching_frames_ms = g_array_new (FALSE, FALSE, sizeof (double));
  watch_frames (&bench, gtk_widget_get_frame_clock (GTK_WIDGET (bench.window)));

  if (g_list_model_get_n_items (G_LIST_MODEL (bench.model)) > 0)
    {
      for (int round = 0; round < opt_typing_rounds; round++)
        measure_typing (&bench, key_ms, typing_stalls, &missed_keys);
      measure_scrolling (&bench, scrolling_stalls);
      measure_switching (&bench, switch_ms, switching_stalls);
    }

  g_print ("  display: %s; renderer: %s (GSK_RENDERER=%s)\n",
           G_OBJECT_TYPE_NAME (gdk_display_get_default ()),
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (bench.window))),
           g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "unset");
  if (launch_ms->len > 0)
    {
      g_print ("  first launch on this session bus      %.1f ms (starts the portal and accessibility bus)\n",
               first_launch_ms);
      report_series ("launch to first rows painted", launch_ms, TARGET_LAUNCH_MS, FALSE);
      g_print ("  RSS of the launched app              %.1f MB\n", launch_rss_kb / 1024.0);
    }
  g_print ("  window opened to first rows painted   %.1f ms (in this process, store already open)\n",
           (settled - opened) / 1000.0);
  if (key_ms->len > 0)
    {
      report_series ("keystroke to list painted", key_ms, TARGET_KEYSTROKE_MS, FALSE);
      g_print ("  keystrokes over %.0f ms: %u of %u\n", TARGET_KEYSTROKE_MS, missed_keys, key_ms->len);
      if (bench.slow_keys->len > 0 && bench.slow_keys->len < 400)
        g_print ("   %s\n", bench.slow_keys->str);
      report_series ("filter/sort/tile to list painted", switch_ms, 0, FALSE);
      report_stalls ("typing", typing_stalls);
      if (bench.stall_notes->len > 0)
        g_print ("   %s\n", bench.stall_notes->str);
      report_stalls ("scrolling", scrolling_stalls);
      report_stalls ("switching filters", switching_stalls);
      /* CPU time, not wall time: what the frames cost, whatever else the machine was doing. */
      report_series ("frame CPU while typing", bench.typing_frames_ms, 0, FALSE);
      report_series ("frame CPU while scrolling", bench.scrolling_frames_ms, 0, FALSE);
      report_series ("frame CPU while switching", bench.switching_frames_ms, 0, FALSE);
    }
  g_print ("  RSS of this process afterwards        %.1f MB\n", read_rss_kb (0) / 1024.0);

  g_source_remove (bench.watch_source);
  g_string_free (bench.slow_keys, TRUE);
  g_string_free (bench.stall_notes, TRUE);
  g_array_unref (bench.typing_frames_ms);
  g_array_unref (bench.scrolling_frames_ms);
  g_array_unref (bench.switching_frames_ms);
  gtk_window_destroy (GTK_WINDOW (bench.window));

  return 0;
}
