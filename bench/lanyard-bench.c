/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "lanyard-core.h"

/*
 * lanyard-bench: measures the core library against the targets of
 * SPEC.md on the machine it runs on — creating people in a fresh SQLite
 * store, searching, paging, tile counts, filter values and access
 * decisions — and says for each figure whether it meets its target.
 *
 * It measures the core library only (blocking calls on the calling
 * thread). What the desktop app adds on top (launch to first rows,
 * keystroke to repainted list, main-loop stalls, RSS) is not measured here.
 */

#define PAGE_SIZE        50
#define KEYSET_PAGES     200
#define WALK_PAGE_SIZE   1000
#define FACTS_PEOPLE     50000
#define STORE_DECISIONS  500
#define SLOW_SAMPLE_USEC (200 * 1000)
#define SLOW_RUNS        5u

/* SPEC.md, "Targets". */
#define TARGET_SEARCH_MS          5.0
#define TARGET_COUNT_MS           20.0
#define TARGET_CREATE_1M_S        20.0
#define TARGET_DECISIONS_PER_S    1000000.0
#define TARGET_SIZE               1000000

/* Options */
static char *opt_sizes;
static char *opt_dir;
static char *opt_json;
static gboolean opt_keep;
static gboolean opt_reuse;
static int opt_runs = 20;
static gint64 opt_decisions = 10000000;
static int opt_seed = 1;

static GOptionEntry option_entries[] = {
  { "sizes", 's', 0, G_OPTION_ARG_STRING, &opt_sizes,
    "Numbers of people to measure with, comma-separated (default 100000,1000000)", "N,N" },
  { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &opt_dir,
    "Where to put the database files (default: a temporary directory)", "DIR" },
  { "keep", 'k', 0, G_OPTION_ARG_NONE, &opt_keep,
    "Keep the database files afterwards", NULL },
  { "reuse", 0, 0, G_OPTION_ARG_NONE, &opt_reuse,
    "With --dir: measure an existing lanyard-bench-N.db instead of creating it (implies --keep)", NULL },
  { "runs", 'r', 0, G_OPTION_ARG_INT, &opt_runs,
    "Repetitions of each timed query (default 20)", "R" },
  { "decisions", 0, 0, G_OPTION_ARG_INT64, &opt_decisions,
    "Access decisions for the engine measurement (default 10000000, at least 5000000)", "N" },
  { "seed", 0, 0, G_OPTION_ARG_INT, &opt_seed,
    "Seed of the generated data and of the shuffles (default 1)", "S" },
  { "json", 'j', 0, G_OPTION_ARG_FILENAME, &opt_json,
    "Also write the results as JSON to FILE", "FILE" },
  { NULL }
};

/* ------------------------------------------------------------------------ */
/* Statistics                                                                */

typedef struct {
  guint  n;
  double p50_ms;
  double p95_ms;
  double max_ms;
  double mean_ms;
} Stats;

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *)a;
  gint64 y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentiles over samples in microseconds. */
static Stats
stats_compute (GArray *samples_usec)
{
  Stats stats = { 0 };
  g_autoptr(GArray) sorted = NULL;
  double sum = 0;
  guint n = samples_usec->len;

  if (n == 0)
    return stats;

  sorted = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  g_array_append_vals (sorted, samples_usec->data, n);
  g_array_sort (sorted, compare_gint64);

  for (guint i = 0; i < n; i++)
    sum += g_array_index (sorted, gint64, i);

  stats.n = n;
  stats.p50_ms = g_array_index (sorted, gint64, (n + 1) / 2 - 1) / 1000.0;
  stats.p95_ms = g_array_index (sorted, gint64, MAX ((n * 95 + 99) / 100, 1) - 1) / 1000.0;
  stats.max_ms = g_array_index (sorted, gint64, n - 1) / 1000.0;
  stats.mean_ms = sum / n / 1000.0;

  return stats;
}

static JsonObject *
stats_to_json (const Stats *stats)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "samples", stats->n);
  json_object_set_double_member (object, "p50_ms", stats->p50_ms);
  json_object_set_double_member (object, "p95_ms", stats->p95_ms);
  json_object_set_double_member (object, "max_ms", stats->max_ms);
  json_object_set_double_member (object, "mean_ms", stats->mean_ms);

  return object;
}

/* printf's field widths count bytes; labels hold curly quotes and accents. */
static void
print_padded (const char *text,
              glong       width)
{
  glong len = g_utf8_strlen (text, -1);

  g_print ("%s%*s", text, len < width ? (int)(width - len) : 0, "");
}

static void
print_stats_row (const char  *label,
                 const Stats *stats,
                 const char  *extra)
{
  g_print ("  ");
  print_padded (label, 34);
  g_print (" %6u %10.3f %10.3f %10.3f  %s\n",
           stats->n, stats->p50_ms, stats->p95_ms, stats->max_ms, extra ? extra : "");
}

static void
print_stats_header (const char *title)
{
  g_print ("\n%s\n", title);
  g_print ("  %-34s %6s %10s %10s %10s\n", "", "n", "p50 ms", "p95 ms", "max ms");
}

/* ------------------------------------------------------------------------ */
/* Verdicts                                                                  */

typedef struct {
  guint     size;
  char     *what;
  char     *target_text;
  char     *measured_text;
  double    target;
  double    measured;
  gboolean  higher_is_better;
  gboolean  binding;   /* measured at the size the target is defined for */
} Verdict;

static void
verdict_clear (gpointer data)
{
  Verdict *v = data;

  g_free (v->what);
  g_free (v->target_text);
  g_free (v->measured_text);
}

static gboolean
verdict_passes (const Verdict *v)
{
  return v->higher_is_better ? v->measured >= v->target : v->measured <= v->target;
}

/* measured ÷ target: ≤ 1 passes for times, ≥ 1 passes for rates. */
static double
verdict_ratio (const Verdict *v)
{
  return v->target > 0 ? v->measured / v->target : 0;
}

static void
add_verdict (GArray     *verdicts,
             guint       size,
             const char *what,
             double      target,
             double      measured,
             gboolean    higher_is_better,
             char       *target_text,
             char       *measured_text)
{
  Verdict v = { 0 };

  v.size = size;
  v.what = g_strdup (what);
  v.target = target;
  v.measured = measured;
  v.higher_is_better = higher_is_better;
  v.target_text = target_text;
  v.measured_text = measured_text;
  v.binding = size == TARGET_SIZE;
  g_array_append_val (verdicts, v);
}

static void
print_verdicts (GArray *verdicts)
{
  g_print ("\n%-9s %-40s %-14s %-12s %-5s %s\n", "people", "what", "target", "measured", "", "measured ÷ target");
  for (guint i = 0; i < verdicts->len; i++)
    {
      const Verdict *v = &g_array_index (verdicts, Verdict, i);
      g_autofree char *ratio = NULL;

      if (v->higher_is_better)
        ratio = g_strdup_printf ("%.3g× the target rate", verdict_ratio (v));
      else
        ratio = g_strdup_printf ("%.3g× the budget", verdict_ratio (v));

      g_print ("%-9u ", v->size);
      print_padded (v->what, 40);
      g_print (" ");
      print_padded (v->target_text, 14);
      g_print (" ");
      print_padded (v->measured_text, 12);
      g_print (" %-5s %s%s\n", verdict_passes (v) ? "PASS" : "MISS", ratio,
               v->binding ? "" : " (target set for 1M)");
    }
}

static JsonArray *
verdicts_to_json (GArray *verdicts,
                  guint   size)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < verdicts->len; i++)
    {
      const Verdict *v = &g_array_index (verdicts, Verdict, i);
      JsonObject *object;

      if (v->size != size)
        continue;

      object = json_object_new ();
      json_object_set_string_member (object, "what", v->what);
      json_object_set_string_member (object, "target_text", v->target_text);
      json_object_set_double_member (object, "target", v->target);
      json_object_set_double_member (object, "measured", v->measured);
      json_object_set_string_member (object, "better", v->higher_is_better ? "higher" : "lower");
      json_object_set_boolean_member (object, "pass", verdict_passes (v));
      json_object_set_double_member (object, "ratio", verdict_ratio (v));
      json_object_set_boolean_member (object, "at_target_size", v->binding);
      json_array_add_object_element (array, object);
    }

  return array;
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */

static void
die (const char   *what,
     const GError *error)
{
  g_printerr ("lanyard-bench: %s: %s\n", what, error ? error->message : "failed");
  exit (1);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return 0;
  return (guint64)st.st_size;
}

static guint64
database_size (const char *path,
               guint64    *out_wal)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  guint64 wal_size = file_size (wal);

  if (out_wal)
    *out_wal = wal_size;
  return file_size (path) + wal_size;
}

static void
remove_database (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static char *
format_bytes (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static char *
format_ms (double ms)
{
  if (ms < 1.0)
    return g_strdup_printf ("%.1f µs", ms * 1000.0);
  return g_strdup_printf ("%.2f ms", ms);
}

/* Fisher–Yates with a seeded generator: the same seed gives the same order. */
static void
shuffle_guints (GArray *array,
                GRand  *rand)
{
  for (guint i = array->len; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      guint tmp = g_array_index (array, guint, i - 1);

      g_array_index (array, guint, i - 1) = g_array_index (array, guint, j);
      g_array_index (array, guint, j) = tmp;
    }
}

static char *
read_cpu_model (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &contents, NULL, NULL))
    return g_strdup ("unknown");

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "model name"))
        {
          const char *colon = strchr (lines[i], ':');

          if (colon)
            return g_strstrip (g_strdup (colon + 1));
        }
    }

  return g_strdup ("unknown");
}

static guint64
read_mem_total (void)
{
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/meminfo", &contents, NULL, NULL) ||
      !(line = strstr (contents, "MemTotal:")))
    return 0;

  return g_ascii_strtoull (line + strlen ("MemTotal:"), NULL, 10) * 1024;
}

/* Other work on the machine skews timings; the load average shows whether there was any. */
static char *
read_loadavg (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return g_strdup ("unknown");

  fields = g_strsplit (contents, " ", 4);
  if (g_strv_length (fields) < 3)
    return g_strdup ("unknown");

  return g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2]);
}

static char *
read_os_name (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/etc/os-release", &contents, NULL, NULL))
    return g_strdup ("unknown");

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "PRETTY_NAME="))
        {
          char *value = g_strdup (lines[i] + strlen ("PRETTY_NAME="));
          char *unquoted = g_shell_unquote (value, NULL);

          if (unquoted)
            {
              g_free (value);
              return unquoted;
            }
          return value;
        }
    }

  return g_strdup ("unknown");
}

/* ------------------------------------------------------------------------ */
/* 1. Create                                                                 */

typedef struct {
  gint64 start;
  guint  last_tenth;
} Progress;

static void
on_demo_progress (guint    done,
                  guint    total,
                  gpointer user_data)
{
  Progress *progress = user_data;
  guint tenth = total ? (guint)((guint64)done * 10 / total) : 10;
  double seconds = (g_get_monotonic_time () - progress->start) / (double)G_USEC_PER_SEC;

  if (isatty (STDERR_FILENO))
    g_printerr ("\r  created %u of %u people (%.1f s)  ", done, total, seconds);
  else if (tenth != progress->last_tenth)
    g_printerr ("  created %u of %u people (%.1f s)\n", done, total, seconds);
  progress->last_tenth = tenth;

  if (done == total && isatty (STDERR_FILENO))
    g_printerr ("\n");
}

/* Runs a statement that returns one integer; -1 when it cannot run (e.g. no dbstat). */
static gint64
sqlite_query_int (sqlite3    *db,
                  const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

/*
 * After the store is closed: a checkpoint that empties the WAL, so the size
 * is what the file really holds, and where the bytes went (dbstat).
 */
static void
checkpoint_and_describe (const char *path,
                         JsonObject *result)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  JsonArray *breakdown = json_array_new ();
  guint64 wal = 0;
  guint64 size;
  gint64 audit_rows, audit_bytes, people;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      g_printerr ("lanyard-bench: cannot open %s: %s\n", path, sqlite3_errmsg (db));
      sqlite3_close (db);
      json_array_unref (breakdown);
      return;
    }

  if (sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
    g_printerr ("lanyard-bench: checkpoint failed: %s\n", sqlite3_errmsg (db));

  size = database_size (path, &wal);
  {
    g_autofree char *text = format_bytes (size);
    g_autofree char *wal_text = format_bytes (wal);

    g_print ("  database size after checkpoint:  %s (WAL %s)\n", text, wal_text);
  }
  json_object_set_int_member (result, "db_bytes_after_checkpoint", (gint64)size);
  json_object_set_int_member (result, "wal_bytes_after_checkpoint", (gint64)wal);

  people = sqlite_query_int (db, "SELECT count(*) FROM person");
  audit_rows = sqlite_query_int (db, "SELECT count(*) FROM audit_event");
  audit_bytes = sqlite_query_int (db, "SELECT sum(length(changes)) FROM audit_event");
  g_print ("  rows: %" G_GINT64_FORMAT " people, %" G_GINT64_FORMAT " audit events "
           "(%.0f bytes of change JSON each on average)\n",
           people, audit_rows, audit_rows > 0 ? (double)audit_bytes / audit_rows : 0.0);
  json_object_set_int_member (result, "person_rows", people);
  json_object_set_int_member (result, "audit_rows", audit_rows);
  json_object_set_int_member (result, "audit_change_bytes", audit_bytes);

  /* Bytes per table and index; dbstat is in Debian's SQLite, maybe not in others. */
  if (sqlite3_prepare_v2 (db,
                          "SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      g_print ("  largest tables and indexes:\n");
      for (guint i = 0; sqlite3_step (stmt) == SQLITE_ROW; i++)
        {
          const char *name = (const char *)sqlite3_column_text (stmt, 0);
          gint64 bytes = sqlite3_column_int64 (stmt, 1);
          JsonObject *entry = json_object_new ();

          json_object_set_string_member (entry, "name", name);
          json_object_set_int_member (entry, "bytes", bytes);
          json_array_add_object_element (breakdown, entry);

          if (i < 10)
            {
              g_autofree char *text = format_bytes ((guint64)bytes);
              g_print ("    %-28s %10s  %4.1f%%\n", name, text, size ? 100.0 * bytes / size : 0.0);
            }
        }
    }
  sqlite3_finalize (stmt);
  json_object_set_array_member (result, "size_by_object", breakdown);

  sqlite3_close (db);
}

static gint64
measure_create (const char *path,
                guint       n_people,
                JsonObject *result,
                GArray     *verdicts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardSqliteStore) store = NULL;
  Progress progress = { 0 };
  gint64 facility_id;
  gint64 start, end;
  guint64 size_open, wal_open;
  double seconds, rate, target_s;

  g_print ("\n1. Create %u people in a fresh store\n", n_people);
  g_print ("   (lanyard_demo_create_facility + lanyard_demo_add_people in its default batches:\n"
           "    generation, validation and phone normalisation, the person row and its\n"
           "    indexes, tags, grants, the trigram search index, one audit event per person,\n"
           "    and one commit per batch)\n");

  remove_database (path);
  if (!(store = lanyard_sqlite_store_open (path, &error)))
    die ("open", error);
  lanyard_sqlite_store_set_actor (store, "lanyard-bench");
  if (!lanyard_sqlite_store_set_phone_region (store, "DE", &error))
    die ("phone region", error);

  start = progress.start = g_get_monotonic_time ();
  if (!(facility_id = lanyard_demo_create_facility (LANYARD_STORE (store), "Riverside Sports Club", NULL, &error)))
    die ("create facility", error);
  if (!lanyard_demo_add_people (LANYARD_STORE (store), facility_id, n_people, (guint32)opt_seed, 0,
                                on_demo_progress, &progress, NULL, &error))
    die ("add people", error);
  end = g_get_monotonic_time ();

  seconds = (end - start) / (double)G_USEC_PER_SEC;
  rate = n_people / seconds;
  size_open = database_size (path, &wal_open);

  {
    g_autofree char *size_text = format_bytes (size_open);
    g_autofree char *wal_text = format_bytes (wal_open);

    g_print ("  time:                            %.2f s (%.0f people/s)\n", seconds, rate);
    g_print ("  database size, store still open: %s (WAL %s)\n", size_text, wal_text);
  }

  json_object_set_boolean_member (result, "measured", TRUE);
  json_object_set_double_member (result, "seconds", seconds);
  json_object_set_double_member (result, "people_per_second", rate);
  json_object_set_int_member (result, "db_bytes_store_open", (gint64)size_open);
  json_object_set_int_member (result, "wal_bytes_store_open", (gint64)wal_open);

  /* The target is 1M in 20 s; other sizes are held to the same rate. */
  target_s = TARGET_CREATE_1M_S * n_people / 1e6;
  add_verdict (verdicts, n_people, "create people (indexes, search, audit)", target_s, seconds, FALSE,
               g_strdup_printf ("≤ %.3g s", target_s), g_strdup_printf ("%.2f s", seconds));

  g_clear_object (&store);
  checkpoint_and_describe (path, result);

  return facility_id;
}

/* ------------------------------------------------------------------------ */
/* 2. Search                                                                 */

typedef struct {
  const char *klass;
  const char *text;
} SearchCase;

/*
 * What people type: the first letters of common and rare names, pieces
 * from the middle of names, phone digits and email domains. "q" matches
 * nobody, "zy" and "yıl" few.
 */
static const SearchCase search_cases[] = {
  { "1 letter", "m" },
  { "1 letter", "s" },
  { "1 letter", "a" },
  { "1 letter", "q" },
  { "2 letters", "ma" },
  { "2 letters", "sc" },
  { "2 letters", "an" },
  { "2 letters", "zy" },
  { "3 letters", "mar" },
  { "3 letters", "sch" },
  { "3 letters", "ann" },
  { "3 letters", "yıl" },
  { "substring", "chmi" },
  { "substring", "ller" },
  { "substring", "5551" },
  { "substring", "@example.org" },
  { "substring", "zoë" },
  { "two words", "anna mü" },
  { "two words", "jonas schmidt" },
};

static const char * const search_classes[] = {
  "1 letter", "2 letters", "3 letters", "substring", "two words",
};

typedef struct {
  const char           *name;
  LanyardAccessFilter   access;
  const char           *person_type;
  const char           *tag;
  LanyardPeopleSort     sort;
  gboolean              descending;
} Variant;

static const Variant variants[] = {
  { "access: has access", LANYARD_ACCESS_FILTER_HAS_ACCESS, NULL, NULL, LANYARD_PEOPLE_SORT_NAME, FALSE },
  { "type: Trial", LANYARD_ACCESS_FILTER_ANY, "Trial", NULL, LANYARD_PEOPLE_SORT_NAME, FALSE },
  { "tag: wellness", LANYARD_ACCESS_FILTER_ANY, NULL, "wellness", LANYARD_PEOPLE_SORT_NAME, FALSE },
  { "has access + Trial + wellness", LANYARD_ACCESS_FILTER_HAS_ACCESS, "Trial", "wellness",
    LANYARD_PEOPLE_SORT_NAME, FALSE },
  { "sort: created, newest first", LANYARD_ACCESS_FILTER_ANY, NULL, NULL, LANYARD_PEOPLE_SORT_CREATED, TRUE },
  { "sort: last used, newest first", LANYARD_ACCESS_FILTER_ANY, NULL, NULL, LANYARD_PEOPLE_SORT_LAST_USED, TRUE },
};

/* The searches run with each filter and sort; "" is the filtered list itself. */
static const char * const variant_searches[] = {
  "", "m", "ma", "mar", "sch", "q", "chmi", "5551",
};

/* One query as timed: its page of 50 and how many rows it gave. */
typedef struct {
  LanyardPeopleQuery *query;
  GArray             *samples;   /* gint64 µs */
  guint               runs;
  guint               rows;
  gboolean            has_more;
} TimedQuery;

static void
timed_query_clear (gpointer data)
{
  TimedQuery *tq = data;

  g_clear_pointer (&tq->query, lanyard_people_query_free);
  g_clear_pointer (&tq->samples, g_array_unref);
}

static gint64
time_query_once (LanyardStore             *store,
                 const LanyardPeopleQuery *query,
                 const char               *cursor,
                 guint                    *out_rows,
                 char                    **out_cursor)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPeoplePage) page = NULL;
  gint64 start, end;

  start = g_get_monotonic_time ();
  page = lanyard_store_query_people (store, query, cursor, PAGE_SIZE, NULL, &error);
  end = g_get_monotonic_time ();

  if (page == NULL)
    die ("query people", error);
  if (out_rows)
    *out_rows = page->people->len;
  if (out_cursor)
    *out_cursor = g_steal_pointer (&page->next_cursor);

  return end - start;
}

/*
 * Times each query @opt_runs times in a shuffled order, after one warm-up
 * run each (which prepares the statement and brings the pages into the
 * cache). A query whose warm-up took over SLOW_SAMPLE_USEC runs only
 * SLOW_RUNS times, to keep the benchmark bounded; the sample count says so.
 */
static void
time_queries (LanyardStore *store,
              GArray       *queries,
              GRand        *rand)
{
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < queries->len; i++)
    {
      TimedQuery *tq = &g_array_index (queries, TimedQuery, i);
      gint64 warm = time_query_once (store, tq->query, NULL, &tq->rows, NULL);

      tq->runs = warm > SLOW_SAMPLE_USEC ? MIN ((guint)opt_runs, SLOW_RUNS) : (guint)opt_runs;
      for (guint r = 0; r < tq->runs; r++)
        g_array_append_val (order, i);
    }

  shuffle_guints (order, rand);

  for (guint k = 0; k < order->len; k++)
    {
      TimedQuery *tq = &g_array_index (queries, TimedQuery, g_array_index (order, guint, k));
      gint64 usec = time_query_once (store, tq->query, NULL, NULL, NULL);

      g_array_append_val (tq->samples, usec);
    }
}

static TimedQuery
timed_query_new (LanyardPeopleQuery *query)
{
  TimedQuery tq = { 0 };

  tq.query = query;
  tq.samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  return tq;
}

static JsonObject *
timed_query_to_json (const TimedQuery *tq,
                     const char       *klass,
                     const char       *variant)
{
  Stats stats = stats_compute (tq->samples);
  JsonObject *object = stats_to_json (&stats);

  json_object_set_string_member (object, "search", tq->query->search ? tq->query->search : "");
  if (klass)
    json_object_set_string_member (object, "class", klass);
  if (variant)
    json_object_set_string_member (object, "variant", variant);
  json_object_set_int_member (object, "rows", tq->rows);

  return object;
}

static void
measure_search (LanyardStore *store,
                gint64        facility_id,
                guint         n_people,
                GRand        *rand,
                JsonObject   *result,
                GArray       *verdicts)
{
  g_autoptr(GArray) queries = g_array_new (FALSE, TRUE, sizeof (TimedQuery));
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonArray *per_query = json_array_new ();
  JsonObject *per_class = json_object_new ();
  guint within = 0;
  Stats overall;

  g_array_set_clear_func (queries, timed_query_clear);

  for (guint i = 0; i < G_N_ELEMENTS (search_cases); i++)
    {
      LanyardPeopleQuery *query = lanyard_people_query_new (facility_id);
      TimedQuery tq;

      query->search = g_strdup (search_cases[i].text);
      tq = timed_query_new (query);
      g_array_append_val (queries, tq);
    }

  time_queries (store, queries, rand);

  print_stats_header ("2. Search: first page of 50, sorted by name (lanyard_store_query_people)");
  for (guint i = 0; i < queries->len; i++)
    {
      const TimedQuery *tq = &g_array_index (queries, TimedQuery, i);
      Stats stats = stats_compute (tq->samples);
      g_autofree char *label = g_strdup_printf ("“%s” (%s)", search_cases[i].text, search_cases[i].klass);
      g_autofree char *extra = g_strdup_printf ("%u rows", tq->rows);

      print_stats_row (label, &stats, extra);
      json_array_add_object_element (per_query, timed_query_to_json (tq, search_cases[i].klass, NULL));
      g_array_append_vals (all, tq->samples->data, tq->samples->len);
      if (stats.p95_ms <= TARGET_SEARCH_MS)
        within++;
    }
  g_print ("  %u of %u searches have a p95 within %.0f ms\n", within, queries->len, TARGET_SEARCH_MS);
  json_object_set_int_member (result, "queries_within_target", within);

  g_print ("  by class:\n");
  for (guint c = 0; c < G_N_ELEMENTS (search_classes); c++)
    {
      g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
      Stats stats;

      for (guint i = 0; i < queries->len; i++)
        {
          const TimedQuery *tq = &g_array_index (queries, TimedQuery, i);

          if (g_str_equal (search_cases[i].klass, search_classes[c]))
            g_array_append_vals (samples, tq->samples->data, tq->samples->len);
        }
      stats = stats_compute (samples);
      print_stats_row (search_classes[c], &stats, NULL);
      json_object_set_object_member (per_class, search_classes[c], stats_to_json (&stats));
    }

  overall = stats_compute (all);
  print_stats_row ("all searches", &overall, NULL);

  json_object_set_array_member (result, "queries", per_query);
  json_object_set_object_member (result, "classes", per_class);
  json_object_set_object_member (result, "overall", stats_to_json (&overall));

  add_verdict (verdicts, n_people, "search query p95 (page of 50)", TARGET_SEARCH_MS, overall.p95_ms, FALSE,
               g_strdup_printf ("≤ %.0f ms", TARGET_SEARCH_MS), format_ms (overall.p95_ms));
}

static void
measure_filtered (LanyardStore *store,
                  gint64        facility_id,
                  guint         n_people,
                  GRand        *rand,
                  JsonObject   *result,
                  GArray       *verdicts)
{
  g_autoptr(GArray) queries = g_array_new (FALSE, TRUE, sizeof (TimedQuery));
  g_autoptr(GArray) all_searches = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) all_lists = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonArray *per_query = json_array_new ();
  JsonObject *per_variant = json_object_new ();
  Stats searches, lists;
  guint n_searches = G_N_ELEMENTS (variant_searches);
  guint n_with_search = 0, within = 0;

  g_array_set_clear_func (queries, timed_query_clear);

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    for (guint s = 0; s < n_searches; s++)
      {
        LanyardPeopleQuery *query = lanyard_people_query_new (facility_id);
        TimedQuery tq;

        query->search = *variant_searches[s] ? g_strdup (variant_searches[s]) : NULL;
        query->access = variants[v].access;
        query->person_type = g_strdup (variants[v].person_type);
        query->tag = g_strdup (variants[v].tag);
        query->sort = variants[v].sort;
        query->descending = variants[v].descending;
        tq = timed_query_new (query);
        g_array_append_val (queries, tq);
      }

  time_queries (store, queries, rand);

  print_stats_header ("2b. Search with a filter or another sort order: first page of 50");
  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
      Stats stats;

      g_print ("  %s\n", variants[v].name);
      for (guint s = 0; s < n_searches; s++)
        {
          const TimedQuery *tq = &g_array_index (queries, TimedQuery, v * n_searches + s);
          Stats one = stats_compute (tq->samples);
          g_autofree char *label = *variant_searches[s]
                                   ? g_strdup_printf ("  “%s”", variant_searches[s])
                                   : g_strdup ("  (no search)");
          g_autofree char *extra = g_strdup_printf ("%u rows", tq->rows);

          print_stats_row (label, &one, extra);
          if (*variant_searches[s])
            {
              n_with_search++;
              if (one.p95_ms <= TARGET_SEARCH_MS)
                within++;
            }
          json_array_add_object_element (per_query, timed_query_to_json (tq, NULL, variants[v].name));
          g_array_append_vals (samples, tq->samples->data, tq->samples->len);
          g_array_append_vals (*variant_searches[s] ? all_searches : all_lists,
                               tq->samples->data, tq->samples->len);
        }
      stats = stats_compute (samples);
      print_stats_row ("  all of the above", &stats, NULL);
      json_object_set_object_member (per_variant, variants[v].name, stats_to_json (&stats));
    }

  searches = stats_compute (all_searches);
  lists = stats_compute (all_lists);
  print_stats_row ("searches with filter/sort", &searches, NULL);
  print_stats_row ("filtered/sorted lists, no search", &lists, NULL);
  g_print ("  %u of %u searches with a filter or sort have a p95 within %.0f ms\n",
           within, n_with_search, TARGET_SEARCH_MS);
  json_object_set_int_member (result, "searches_within_target", within);

  json_object_set_array_member (result, "queries", per_query);
  json_object_set_object_member (result, "variants", per_variant);
  json_object_set_object_member (result, "searches_overall", stats_to_json (&searches));
  json_object_set_object_member (result, "lists_overall", stats_to_json (&lists));

  add_verdict (verdicts, n_people, "search + filter/sort p95 (page of 50)", TARGET_SEARCH_MS, searches.p95_ms,
               FALSE, g_strdup_printf ("≤ %.0f ms", TARGET_SEARCH_MS), format_ms (searches.p95_ms));
  add_verdict (verdicts, n_people, "filtered/sorted list p95, no search", TARGET_SEARCH_MS, lists.p95_ms,
               FALSE, g_strdup_printf ("≤ %.0f ms", TARGET_SEARCH_MS), format_ms (lists.p95_ms));
}

/* ------------------------------------------------------------------------ */
/* 3. Keyset paging                                                          */

static void
walk_pages (LanyardStore *store,
            gint64        facility_id,
            const char   *label,
            LanyardPeopleSort sort,
            gboolean      descending,
            JsonObject   *result)
{
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (facility_id);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *cursor = NULL;
  guint rows = 0;
  Stats stats;

  query->sort = sort;
  query->descending = descending;

  for (guint p = 0; p < KEYSET_PAGES; p++)
    {
      char *next = NULL;
      guint n = 0;
      gint64 usec = time_query_once (store, query, cursor, &n, &next);

      g_array_append_val (samples, usec);
      rows += n;
      g_free (cursor);
      cursor = next;
      if (cursor == NULL)
        break;
    }

  stats = stats_compute (samples);
  {
    g_autofree char *extra = g_strdup_printf ("%u rows in %u pages", rows, samples->len);
    print_stats_row (label, &stats, extra);
  }
  json_object_set_object_member (result, label, stats_to_json (&stats));
}

static void
measure_keyset (LanyardStore *store,
                gint64        facility_id,
                guint         n_people,
                JsonObject   *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (facility_id);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *cursor = NULL;
  guint target = n_people / 2;
  guint skipped = 0;
  gint64 start, walked;
  Stats stats;

  print_stats_header ("3. Keyset paging: 200 consecutive pages of 50 from the top, no search");
  walk_pages (store, facility_id, "by name", LANYARD_PEOPLE_SORT_NAME, FALSE, result);
  walk_pages (store, facility_id, "by created, newest first", LANYARD_PEOPLE_SORT_CREATED, TRUE, result);

  /* A deep page: walk to the middle of the list in pages of 1000 (timed as a scan), then time the page there. */
  start = g_get_monotonic_time ();
  while (skipped < target)
    {
      g_autoptr(LanyardPeoplePage) page = lanyard_store_query_people (store, query, cursor,
                                                                      MIN (WALK_PAGE_SIZE, target - skipped),
                                                                      NULL, &error);
      if (page == NULL)
        die ("query people", error);

      skipped += page->people->len;
      g_free (cursor);
      cursor = g_steal_pointer (&page->next_cursor);
      if (cursor == NULL)
        break;
    }
  walked = g_get_monotonic_time () - start;

  if (cursor != NULL)
    {
      time_query_once (store, query, cursor, NULL, NULL);
      for (int r = 0; r < opt_runs; r++)
        {
          gint64 usec = time_query_once (store, query, cursor, NULL, NULL);
          g_array_append_val (samples, usec);
        }

      stats = stats_compute (samples);
      {
        g_autofree char *label = g_strdup_printf ("page at row %u, by name", skipped);
        print_stats_row (label, &stats, NULL);
      }
      json_object_set_object_member (result, "deep_page", stats_to_json (&stats));
      json_object_set_int_member (result, "deep_page_row", skipped);
    }

  g_print ("  walking to row %u in pages of %u took %.2f s (%.0f rows/s, objects included)\n",
           skipped, WALK_PAGE_SIZE, walked / (double)G_USEC_PER_SEC,
           walked > 0 ? skipped / (walked / (double)G_USEC_PER_SEC) : 0.0);
  json_object_set_double_member (result, "walk_rows_per_second",
                                 walked > 0 ? skipped / (walked / (double)G_USEC_PER_SEC) : 0.0);
}

/* ------------------------------------------------------------------------ */
/* 4. Tile counts and facet values                                           */

static const struct {
  LanyardFacet  facet;
  const char   *name;
} facets[] = {
  { LANYARD_FACET_SOURCE, "source" },
  { LANYARD_FACET_PERSON_TYPE, "person type" },
  { LANYARD_FACET_MEMBERSHIP_STATUS, "membership status" },
  { LANYARD_FACET_TAG, "tag" },
};

static void
measure_counts (LanyardStore *store,
                gint64        facility_id,
                guint         n_people,
                JsonObject   *result,
                GArray       *verdicts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  LanyardPeopleCounts counts = { 0 };
  JsonObject *facet_results = json_object_new ();
  Stats stats;
  guint runs = MAX (opt_runs * 50, 100);

  print_stats_header ("4. Stat tile counts (lanyard_store_count_people) and filter values");

  for (guint r = 0; r <= runs; r++)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 usec;

      if (!lanyard_store_count_people (store, facility_id, &counts, NULL, &error))
        die ("count people", error);
      usec = g_get_monotonic_time () - start;
      if (r > 0)
        g_array_append_val (samples, usec);
    }

  stats = stats_compute (samples);
  {
    g_autofree char *extra = g_strdup_printf ("all %" G_GUINT64_FORMAT ", has access %" G_GUINT64_FORMAT
                                              ", no access %" G_GUINT64_FORMAT,
                                              counts.all, counts.has_access, counts.no_access);
    print_stats_row ("tile counts", &stats, extra);
  }
  json_object_set_object_member (result, "tile_counts", stats_to_json (&stats));
  json_object_set_int_member (result, "all", (gint64)counts.all);
  json_object_set_int_member (result, "has_access", (gint64)counts.has_access);

  add_verdict (verdicts, n_people, "stat tile counts p95", TARGET_COUNT_MS, stats.p95_ms, FALSE,
               g_strdup_printf ("≤ %.0f ms", TARGET_COUNT_MS), format_ms (stats.p95_ms));

  for (guint f = 0; f < G_N_ELEMENTS (facets); f++)
    {
      g_autoptr(GArray) facet_samples = g_array_new (FALSE, FALSE, sizeof (gint64));
      guint n_values = 0;
      guint facet_runs = (guint)opt_runs;
      Stats facet_stats;
      g_autofree char *label = NULL;
      g_autofree char *extra = NULL;

      for (guint r = 0; r <= facet_runs; r++)
        {
          g_autoptr(GPtrArray) values = NULL;
          gint64 start = g_get_monotonic_time ();
          gint64 usec;

          if (!(values = lanyard_store_list_facet_values (store, facility_id, facets[f].facet, NULL, &error)))
            die ("list facet values", error);
          usec = g_get_monotonic_time () - start;
          n_values = values->len;

          /* The first run warms up; a slow facet is run fewer times. */
          if (r == 0)
            {
              if (usec > SLOW_SAMPLE_USEC)
                facet_runs = MIN (facet_runs, SLOW_RUNS);
              continue;
            }
          g_array_append_val (facet_samples, usec);
        }

      facet_stats = stats_compute (facet_samples);
      label = g_strdup_printf ("facet values: %s", facets[f].name);
      extra = g_strdup_printf ("%u values (not a target)", n_values);
      print_stats_row (label, &facet_stats, extra);
      json_object_set_object_member (facet_results, facets[f].name, stats_to_json (&facet_stats));
    }

  json_object_set_object_member (result, "facet_values", facet_results);
}

/* ------------------------------------------------------------------------ */
/* 5. Access decisions                                                       */

/* A person as the engine sees them, with the strings it borrows. */
typedef struct {
  char              *person_type;
  char              *membership_status;
  char             **tags;
  LanyardGrantFacts *grants;
  guint              n_grants;
} FactsStorage;

static void
facts_storage_clear (gpointer data)
{
  FactsStorage *fs = data;

  g_free (fs->person_type);
  g_free (fs->membership_status);
  g_strfreev (fs->tags);
  for (guint i = 0; i < fs->n_grants; i++)
    g_clear_pointer (&fs->grants[i].schedule, lanyard_schedule_unref);
  g_free (fs->grants);
}

/* The facility's doors, scopes and enabled rules, as the store has them, in a new policy. */
static LanyardAccessPolicy *
build_policy_from_store (LanyardStore *store,
                         gint64        facility_id,
                         GArray       *out_door_ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GPtrArray) doors = NULL;
  g_autoptr(GPtrArray) scopes = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  LanyardAccessPolicy *policy;

  if (!(facilities = lanyard_store_list_facilities (store, NULL, &error)) ||
      !(doors = lanyard_store_list_doors (store, facility_id, NULL, &error)) ||
      !(scopes = lanyard_store_list_scopes (store, facility_id, NULL, &error)) ||
      !(rules = lanyard_store_list_rules (store, facility_id, NULL, &error)))
    die ("read the facility", error);

  for (guint i = 0; i < facilities->len && tz == NULL; i++)
    {
      LanyardFacility *facility = g_ptr_array_index (facilities, i);

      if (lanyard_facility_get_id (facility) == facility_id)
        tz = g_time_zone_new_identifier (lanyard_facility_get_timezone (facility));
    }
  if (tz == NULL)
    tz = g_time_zone_new_utc ();

  policy = lanyard_access_policy_new (facility_id, tz);

  for (guint i = 0; i < doors->len; i++)
    {
      LanyardDoor *door = g_ptr_array_index (doors, i);
      gint64 id = lanyard_door_get_id (door);

      lanyard_access_policy_add_door (policy, id, lanyard_door_get_name (door));
      g_array_append_val (out_door_ids, id);
    }

  for (guint i = 0; i < scopes->len; i++)
    {
      LanyardScope *scope = g_ptr_array_index (scopes, i);
      guint n_ids;
      const gint64 *ids = lanyard_scope_get_door_ids (scope, &n_ids);

      lanyard_access_policy_add_scope (policy, lanyard_scope_get_id (scope), lanyard_scope_get_name (scope),
                                       ids, n_ids);
    }

  for (guint i = 0; i < rules->len; i++)
    {
      LanyardAccessRule *rule = g_ptr_array_index (rules, i);
      guint n_ids;
      const gint64 *ids;

      if (!lanyard_access_rule_get_enabled (rule))
        continue;

      ids = lanyard_access_rule_get_target_ids (rule, &n_ids);
      lanyard_access_policy_add_rule (policy, lanyard_access_rule_get_id (rule), lanyard_access_rule_get_name (rule),
                                      lanyard_access_rule_get_condition (rule), lanyard_access_rule_get_value (rule),
                                      lanyard_access_rule_get_target (rule), ids, n_ids,
                                      lanyard_access_rule_get_schedule (rule));
    }

  g_print ("  policy: %u doors, %u scopes, %u rules (enabled ones added)\n", doors->len, scopes->len, rules->len);
  return policy;
}

/* People's facts from the store: pages of the People list, plus the grants of those who have any. */
static void
load_people_facts (LanyardStore *store,
                   gint64        facility_id,
                   guint         wanted,
                   GArray       *storage,
                   GArray       *facts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (facility_id);
  g_autofree char *cursor = NULL;
  guint with_grants = 0;

  /* Newest first: the generated attributes do not depend on the order. */
  query->sort = LANYARD_PEOPLE_SORT_CREATED;
  query->descending = TRUE;

  while (storage->len < wanted)
    {
      g_autoptr(LanyardPeoplePage) page = lanyard_store_query_people (store, query, cursor,
                                                                      MIN (WALK_PAGE_SIZE, wanted - storage->len),
                                                                      NULL, &error);
      if (page == NULL)
        die ("query people", error);

      for (guint i = 0; i < page->people->len; i++)
        {
          LanyardPerson *person = g_ptr_array_index (page->people, i);
          FactsStorage fs = { 0 };
          LanyardPersonFacts pf = { 0 };

          fs.person_type = g_strdup (lanyard_person_get_person_type (person));
          fs.membership_status = g_strdup (lanyard_person_get_membership_status (person));
          fs.tags = lanyard_person_dup_all_tags (person);

          if (lanyard_person_get_grant_count (person) > 0)
            {
              g_autoptr(GPtrArray) grants = lanyard_store_list_grants (store, lanyard_person_get_id (person),
                                                                       NULL, &error);
              if (grants == NULL)
                die ("list grants", error);

              fs.n_grants = grants->len;
              fs.grants = g_new0 (LanyardGrantFacts, MAX (grants->len, 1));
              for (guint g = 0; g < grants->len; g++)
                {
                  LanyardGrant *grant = g_ptr_array_index (grants, g);
                  LanyardSchedule *schedule = lanyard_grant_get_schedule (grant);

                  fs.grants[g].kind = lanyard_grant_get_kind (grant);
                  fs.grants[g].target_id = lanyard_grant_get_target_id (grant);
                  fs.grants[g].schedule = schedule ? lanyard_schedule_ref (schedule) : NULL;
                }
              with_grants++;
            }

          pf.id = lanyard_person_get_id (person);
          pf.access_enabled = lanyard_person_get_access_enabled (person);
          pf.person_type = fs.person_type;
          pf.membership_status = fs.membership_status;
          pf.tags = (const char * const *)fs.tags;
          pf.grants = fs.grants;
          pf.n_grants = fs.n_grants;

          g_array_append_val (storage, fs);
          g_array_append_val (facts, pf);
        }

      g_free (cursor);
      cursor = g_steal_pointer (&page->next_cursor);
      if (cursor == NULL)
        break;
    }

  g_print ("  people: %u loaded from the store, %u of them with grants\n", facts->len, with_grants);
}

/* Instants spread over a week around now, at random minutes: open and closed hours alike. */
static void
make_instants (GArray *instants,
               guint   n,
               GRand  *rand)
{
  gint64 now = g_get_real_time ();
  gint64 week = (gint64)7 * 24 * 3600 * G_USEC_PER_SEC;

  for (guint i = 0; i < n; i++)
    {
      gint64 instant = now - week / 2 + (gint64)(g_rand_double (rand) * week);
      g_array_append_val (instants, instant);
    }
}

/* How many items of a rotating set to use so that the three rotations do not lock into each other. */
static guint
coprime_count (guint n,
               guint a,
               guint b)
{
  while (n > 1)
    {
      guint x = n, y = a, z = b;

      while (y) { guint t = x % y; x = y; y = t; }
      if (x == 1)
        {
          x = n;
          while (z) { guint t = x % z; x = z; z = t; }
          if (x == 1)
            return n;
        }
      n--;
    }
  return 1;
}

static gboolean
decisions_equal (const LanyardDecision *a,
                 const LanyardDecision *b)
{
  return a->allowed == b->allowed && a->reason == b->reason && a->match_kind == b->match_kind &&
         a->match_id == b->match_id &&
         (a->match_kind != LANYARD_MATCH_GRANT || a->grant_kind == b->grant_kind);
}

static void
measure_decisions (LanyardStore *store,
                   gint64        facility_id,
                   guint         n_people,
                   GRand        *rand,
                   JsonObject   *result,
                   GArray       *verdicts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) door_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) storage = g_array_new (FALSE, TRUE, sizeof (FactsStorage));
  g_autoptr(GArray) facts = g_array_new (FALSE, TRUE, sizeof (LanyardPersonFacts));
  g_autoptr(GArray) instants = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(LanyardAccessPolicy) policy = NULL;
  guint64 reasons[LANYARD_DECISION_NO_RULE_OR_GRANT + 1] = { 0 };
  guint agree = 0;
  guint n_facts, n_doors, n_instants;
  guint64 total = (guint64)MAX (opt_decisions, 5000000);
  guint rounds = 5;
  guint64 per_round = total / rounds;
  double median_rate;
  gint64 engine_usec = 0;
  Stats stats;
  JsonObject *reason_counts = json_object_new ();

  g_array_set_clear_func (storage, facts_storage_clear);

  g_print ("\n5. Access decisions\n");
  policy = build_policy_from_store (store, facility_id, door_ids);
  load_people_facts (store, facility_id, MIN (n_people, FACTS_PEOPLE), storage, facts);

  n_doors = door_ids->len;
  n_instants = 1009;
  make_instants (instants, n_instants, rand);
  n_facts = coprime_count (facts->len, n_doors, n_instants);

  /* Store level: load the person, their grants, the cached policy, decide, name the match. */
  for (guint i = 0; i <= STORE_DECISIONS; i++)
    {
      guint p = g_rand_int_range (rand, 0, n_facts);
      gint64 door_id = g_array_index (door_ids, gint64, g_rand_int_range (rand, 0, n_doors));
      gint64 instant = g_array_index (instants, gint64, g_rand_int_range (rand, 0, n_instants));
      const LanyardPersonFacts *pf = &g_array_index (facts, LanyardPersonFacts, p);
      g_autoptr(LanyardDecisionReport) report = NULL;
      LanyardDecision engine;
      gint64 start = g_get_monotonic_time ();
      gint64 usec;

      if (!(report = lanyard_store_decide (store, pf->id, door_id, instant, NULL, &error)))
        die ("decide", error);
      usec = g_get_monotonic_time () - start;

      /* The first call builds the store's policy cache; not a sample. */
      if (i == 0)
        continue;
      g_array_append_val (samples, usec);

      lanyard_access_policy_decide (policy, pf, door_id, instant, &engine);
      if (decisions_equal (&engine, &report->decision))
        agree++;
    }

  stats = stats_compute (samples);
  g_print ("  store (lanyard_store_decide):   p50 %.3f ms, p95 %.3f ms, max %.3f ms over %u calls "
           "(%.0f decisions/s); engine agrees on %u of %u\n",
           stats.p50_ms, stats.p95_ms, stats.max_ms, stats.n,
           stats.mean_ms > 0 ? 1000.0 / stats.mean_ms : 0.0, agree, stats.n);
  json_object_set_object_member (result, "store_decide", stats_to_json (&stats));
  json_object_set_int_member (result, "engine_agrees", agree);

  if (agree != stats.n)
    g_printerr ("lanyard-bench: warning: the engine built here disagrees with the store on %u decisions\n",
                stats.n - agree);

  /* Engine: one thread, a rotating set of (person, door, instant); the first round warms up. */
  for (guint r = 0; r <= rounds; r++)
    {
      const LanyardPersonFacts *people = (const LanyardPersonFacts *)(gpointer)facts->data;
      const gint64 *doors = (const gint64 *)(gpointer)door_ids->data;
      const gint64 *times = (const gint64 *)(gpointer)instants->data;
      guint64 n = r == 0 ? per_round / 5 : per_round;
      guint p = 0, d = 0, t = 0;
      gint64 start, usec;

      start = g_get_monotonic_time ();
      for (guint64 i = 0; i < n; i++)
        {
          LanyardDecision decision;

          lanyard_access_policy_decide (policy, &people[p], doors[d], times[t], &decision);
          reasons[decision.reason]++;
          if (++p == n_facts)
            p = 0;
          if (++d == n_doors)
            d = 0;
          if (++t == n_instants)
            t = 0;
        }
      usec = g_get_monotonic_time () - start;

      if (r > 0)
        {
          double rate = n / (usec / (double)G_USEC_PER_SEC);

          engine_usec += usec;
          g_array_append_val (rates, rate);
        }
    }

  {
    /* Five values: an insertion sort. */
    double *v = (double *)(gpointer)rates->data;

    for (guint i = 1; i < rates->len; i++)
      for (guint j = i; j > 0 && v[j - 1] > v[j]; j--)
        {
          double tmp = v[j];
          v[j] = v[j - 1];
          v[j - 1] = tmp;
        }
    median_rate = v[rates->len / 2];

    g_print ("  engine (lanyard_access_policy_decide, 1 thread): %" G_GUINT64_FORMAT " decisions in %.2f s;\n"
             "    %.0f decisions/s median of %u rounds (min %.0f, max %.0f); %.0f ns each\n",
             per_round * rounds, engine_usec / (double)G_USEC_PER_SEC, median_rate, rates->len,
             v[0], v[rates->len - 1], 1e9 / median_rate);
    json_object_set_double_member (result, "engine_decisions_per_second", median_rate);
    json_object_set_double_member (result, "engine_decisions_per_second_min", v[0]);
    json_object_set_double_member (result, "engine_decisions_per_second_max", v[rates->len - 1]);
    json_object_set_int_member (result, "engine_decisions", (gint64)(per_round * rounds));
  }

  g_print ("    over %u people × %u doors × %u instants; outcomes:", n_facts, n_doors, n_instants);
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      guint64 sum = 0;

      for (guint j = 0; j < G_N_ELEMENTS (reasons); j++)
        sum += reasons[j];
      if (reasons[i] == 0)
        continue;
      g_print (" %s %.1f%%", lanyard_decision_reason_to_nick (i), 100.0 * reasons[i] / sum);
      json_object_set_int_member (reason_counts, lanyard_decision_reason_to_nick (i), (gint64)reasons[i]);
    }
  g_print ("\n");
  json_object_set_object_member (result, "engine_outcomes", reason_counts);
  json_object_set_int_member (result, "engine_people", n_facts);

  add_verdict (verdicts, n_people, "access decisions per second, 1 core", TARGET_DECISIONS_PER_S, median_rate,
               TRUE, g_strdup ("≥ 1,000,000/s"), g_strdup_printf ("%.2fM/s", median_rate / 1e6));
}

/* ------------------------------------------------------------------------ */
/* One size                                                                  */

static void
measure_open (const char *path,
              gint64      facility_id,
              JsonObject *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardSqliteStore) store = NULL;
  g_autoptr(LanyardPeopleQuery) query = lanyard_people_query_new (facility_id);
  g_autoptr(LanyardPeoplePage) page = NULL;
  LanyardPeopleCounts counts;
  gint64 start, opened, counted, paged;

  start = g_get_monotonic_time ();
  if (!(store = lanyard_sqlite_store_open (path, &error)))
    die ("open", error);
  opened = g_get_monotonic_time ();
  if (!lanyard_store_count_people (LANYARD_STORE (store), facility_id, &counts, NULL, &error))
    die ("count people", error);
  counted = g_get_monotonic_time ();
  if (!(page = lanyard_store_query_people (LANYARD_STORE (store), query, NULL, PAGE_SIZE, NULL, &error)))
    die ("query people", error);
  paged = g_get_monotonic_time ();

  g_print ("\n0. Open the store, tile counts, first page (fresh connections; the OS file cache is warm)\n");
  g_print ("  open %.2f ms, counts %.2f ms, first page %.2f ms: %.2f ms in all (not the app's launch time)\n",
           (opened - start) / 1000.0, (counted - opened) / 1000.0, (paged - counted) / 1000.0,
           (paged - start) / 1000.0);
  json_object_set_double_member (result, "open_ms", (opened - start) / 1000.0);
  json_object_set_double_member (result, "counts_ms", (counted - opened) / 1000.0);
  json_object_set_double_member (result, "first_page_ms", (paged - counted) / 1000.0);
}

static gint64
find_bench_facility (LanyardStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) facilities = lanyard_store_list_facilities (store, NULL, &error);

  if (facilities == NULL)
    die ("list facilities", error);
  if (facilities->len == 0)
    die ("reuse", NULL);

  return lanyard_facility_get_id (g_ptr_array_index (facilities, 0));
}

static JsonObject *
measure_size (const char *dir,
              guint       n_people,
              GArray     *verdicts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardSqliteStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32)opt_seed);
  g_autofree char *name = g_strdup_printf ("lanyard-bench-%u.db", n_people);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  JsonObject *result = json_object_new ();
  JsonObject *create = json_object_new ();
  JsonObject *open = json_object_new ();
  JsonObject *search = json_object_new ();
  JsonObject *filtered = json_object_new ();
  JsonObject *keyset = json_object_new ();
  JsonObject *counts = json_object_new ();
  JsonObject *decisions = json_object_new ();
  gint64 facility_id = 0;

  g_print ("\n════════ %u people ════════\n", n_people);
  g_print ("database: %s\n", path);
  json_object_set_int_member (result, "people", n_people);
  json_object_set_string_member (result, "path", path);
  {
    g_autofree char *load = read_loadavg ();

    g_print ("load average before: %s\n", load);
    json_object_set_string_member (result, "loadavg_before", load);
  }

  if (opt_reuse && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_print ("\n1. Create: skipped (--reuse: measuring the existing file)\n");
      json_object_set_boolean_member (create, "measured", FALSE);
      checkpoint_and_describe (path, create);
    }
  else
    facility_id = measure_create (path, n_people, create, verdicts);

  if (!(store = lanyard_sqlite_store_open (path, &error)))
    die ("open", error);
  if (facility_id == 0)
    facility_id = find_bench_facility (LANYARD_STORE (store));
  g_clear_object (&store);

  measure_open (path, facility_id, open);

  if (!(store = lanyard_sqlite_store_open (path, &error)))
    die ("open", error);

  measure_search (LANYARD_STORE (store), facility_id, n_people, rand, search, verdicts);
  measure_filtered (LANYARD_STORE (store), facility_id, n_people, rand, filtered, verdicts);
  measure_keyset (LANYARD_STORE (store), facility_id, n_people, keyset);
  measure_counts (LANYARD_STORE (store), facility_id, n_people, counts, verdicts);
  measure_decisions (LANYARD_STORE (store), facility_id, n_people, rand, decisions, verdicts);

  g_clear_object (&store);
  if (!opt_keep && !opt_reuse)
    remove_database (path);

  {
    g_autofree char *load = read_loadavg ();

    g_print ("\nload average after: %s (this process counts for about 1)\n", load);
    json_object_set_string_member (result, "loadavg_after", load);
  }

  json_object_set_object_member (result, "create", create);
  json_object_set_object_member (result, "open", open);
  json_object_set_object_member (result, "search", search);
  json_object_set_object_member (result, "search_filtered", filtered);
  json_object_set_object_member (result, "keyset", keyset);
  json_object_set_object_member (result, "counts", counts);
  json_object_set_object_member (result, "decisions", decisions);
  json_object_set_array_member (result, "verdicts", verdicts_to_json (verdicts, n_people));

  return result;
}

/* ------------------------------------------------------------------------ */

static GArray *
parse_sizes (const char *text)
{
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i]; i++)
    {
      guint64 value;
      guint size;

      g_strstrip (parts[i]);
      if (!*parts[i])
        continue;
      if (!g_ascii_string_to_unsigned (parts[i], 10, 1, 100000000, &value, NULL))
        {
          g_printerr ("lanyard-bench: “%s” is not a number of people (1 to 100000000)\n", parts[i]);
          return NULL;
        }
      size = (guint)value;
      g_array_append_val (sizes, size);
    }

  if (sizes->len == 0)
    {
      g_printerr ("lanyard-bench: --sizes lists no sizes\n");
      return NULL;
    }

  return g_steal_pointer (&sizes);
}

static JsonObject *
machine_to_json (void)
{
  JsonObject *object = json_object_new ();
  g_autofree char *cpu = read_cpu_model ();
  g_autofree char *os = read_os_name ();
  g_autofree char *mem = format_bytes (read_mem_total ());
  g_autofree char *glib = g_strdup_printf ("%u.%u.%u", glib_major_version, glib_minor_version,
                                           glib_micro_version);

  g_print ("Lanyard %s core benchmark\n", PACKAGE_VERSION);
  g_print ("machine: %u CPUs (%s), %s RAM, %s\n", g_get_num_processors (), cpu, mem, os);
  g_print ("SQLite %s, GLib %s; %d runs per query; seed %d\n", sqlite3_libversion (), glib, opt_runs, opt_seed);
  g_print ("times are of blocking core calls on this thread; p50/p95 are nearest-rank percentiles;\n"
           "each query is warmed up once; one whose warm-up takes over %d ms runs %u times only\n",
           SLOW_SAMPLE_USEC / 1000, SLOW_RUNS);

  json_object_set_int_member (object, "cpus", g_get_num_processors ());
  json_object_set_string_member (object, "cpu_model", cpu);
  json_object_set_int_member (object, "mem_bytes", (gint64)read_mem_total ());
  json_object_set_string_member (object, "os", os);
  json_object_set_string_member (object, "sqlite", sqlite3_libversion ());
  json_object_set_string_member (object, "glib", glib);
  json_object_set_string_member (object, "lanyard", PACKAGE_VERSION);

  return object;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— measure Lanyard's core against its targets");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GArray) verdicts = g_array_new (FALSE, TRUE, sizeof (Verdict));
  g_autoptr(JsonObject) root = json_object_new ();
  g_autofree char *dir = NULL;
  JsonArray *results = json_array_new ();
  gboolean temporary = FALSE;
  guint misses = 0;

  g_array_set_clear_func (verdicts, verdict_clear);

  /* UTF-8 output whatever the locale; numbers always with a decimal point. */
  setlocale (LC_ALL, "");
  if (!g_get_charset (NULL))
    setlocale (LC_CTYPE, "C.UTF-8");
  setlocale (LC_NUMERIC, "C");

  g_option_context_add_main_entries (context, option_entries, NULL);
  g_option_context_set_summary (context,
                                "Creates generated people in fresh SQLite stores and times search, paging,\n"
                                "tile counts, filter values and access decisions against SPEC.md's targets.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("lanyard-bench: %s\n", error->message);
      return 2;
    }

  if (opt_runs < 1)
    {
      g_printerr ("lanyard-bench: --runs must be at least 1\n");
      return 2;
    }
  if (opt_reuse && opt_dir == NULL)
    {
      g_printerr ("lanyard-bench: --reuse needs --dir\n");
      return 2;
    }

  if (!(sizes = parse_sizes (opt_sizes ? opt_sizes : "100000,1000000")))
    return 2;

  if (opt_dir != NULL)
    {
      if (g_mkdir_with_parents (opt_dir, 0755) != 0)
        {
          g_printerr ("lanyard-bench: cannot create %s\n", opt_dir);
          return 1;
        }
      dir = g_strdup (opt_dir);
    }
  else
    {
      if (!(dir = g_dir_make_tmp ("lanyard-bench-XXXXXX", &error)))
        die ("temporary directory", error);
      temporary = TRUE;
    }

  json_object_set_object_member (root, "machine", machine_to_json ());
  json_object_set_int_member (root, "runs", opt_runs);
  json_object_set_int_member (root, "seed", opt_seed);

  for (guint i = 0; i < sizes->len; i++)
    json_array_add_object_element (results, measure_size (dir, g_array_index (sizes, guint, i), verdicts));
  json_object_set_array_member (root, "sizes", results);

  g_print ("\n════════ Targets (SPEC.md) ════════");
  print_verdicts (verdicts);
  for (guint i = 0; i < verdicts->len; i++)
    {
      const Verdict *v = &g_array_index (verdicts, Verdict, i);

      if (v->binding && !verdict_passes (v))
        misses++;
    }
  for (guint i = 0; i < sizes->len; i++)
    if (g_array_index (sizes, guint, i) == TARGET_SIZE)
      {
        g_print ("\nAt 1M people, %u of these figures miss their target.\n", misses);
        break;
      }
  g_print ("Not measured here (desktop app): launch to first rows painted, keystroke to updated list,\n"
           "main-loop stalls, RSS with 1M people. Server requests/s: not measured here.\n");

  if (opt_json != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, root);
      json_generator_set_root (generator, node);
      json_generator_set_pretty (generator, TRUE);
      if (!json_generator_to_file (generator, opt_json, &error))
        die ("write JSON", error);
      g_print ("results written to %s\n", opt_json);
    }

  if (temporary)
    {
      if (opt_keep)
        g_print ("database files kept in %s\n", dir);
      else
        g_rmdir (dir);
    }
  else if (opt_keep || opt_reuse)
    g_print ("database files kept in %s\n", dir);

  /* Misses are results, not failures: the exit status is 0 either way. */
  return 0;
}
