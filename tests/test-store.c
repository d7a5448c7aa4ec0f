/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include "lanyard-remote-store.h"
#include "lanyard-server-test-utils.h"
#include "lanyard-sqlite-store-private.h"
#include "lanyard-test-utils.h"

/*
 * The store contract, run against every store implementation. Query
 * results are checked against an oracle: the people read one by one with
 * get_person() and filtered and sorted here with the shared text rules.
 */

typedef LanyardStore *(*StoreFactory) (const char *dir);

typedef struct {
  const char   *name;
  StoreFactory  factory;
} StoreImpl;

static LanyardStore *
sqlite_factory (const char *dir)
{
  return LANYARD_STORE (lanyard_test_store_new (dir));
}

/* The same store walking only a few rows per call: pages come back short. */
static LanyardStore *
sqlite_small_budget_factory (const char *dir)
{
  LanyardSqliteStore *store = lanyard_test_store_new (dir);

  lanyard_sqlite_store_set_scan_budget (store, 97);
  return LANYARD_STORE (store);
}

#define TEST_SERVER_KEY "lanyard-test-server"

/*
 * The store on an in-process lanyardd over @dir, signed in as its
 * administrator. The server lives as long as the store: it stops when the
 * store is freed.
 */
static LanyardStore *
remote_factory (const char *dir)
{
  LanyardTestServer *server = lanyard_test_server_start (dir);
  g_autofree char *token = lanyard_test_server_sign_in (server, LANYARD_TEST_ADMIN_EMAIL);
  g_autoptr(GError) error = NULL;
  LanyardRemoteStore *store;

  store = lanyard_remote_store_connect (lanyard_test_server_get_url (server), token, NULL, NULL, &error);
  g_assert_no_error (error);
  g_object_set_data_full (G_OBJECT (store), TEST_SERVER_KEY, server, (GDestroyNotify)lanyard_test_server_stop);

  /* As lanyard_test_store_new() does for the SQLite stores: the tests type German numbers. */
  g_assert_true (lanyard_store_set_phone_region (LANYARD_STORE (store), "DE", NULL, &error));
  g_assert_no_error (error);

  return LANYARD_STORE (store);
}

/*
 * Every test runs against every implementation. The small scan budget is
 * a knob of the SQLite store only (a server's store is not the client's to
 * tune), so that variant has no remote twin: the remote store passes on
 * whatever pages the server's store makes.
 *
 * Known server bug (lanyardd, not the remote store) that makes a remote
 * test fail until src/server/lanyard-server.c is fixed:
 *  - grants: GET /people/{id}/decision (route_decide) answers 404 for an
 *    unknown person, because the route looks the person up for its
 *    permission check; the store answers a decision with reason
 *    unknown-person (judged at the door's facility).
 */
static const StoreImpl impls[] = {
  { "sqlite", sqlite_factory },
  { "sqlite-small-budget", sqlite_small_budget_factory },
  { "remote", remote_factory },
};

/* The SQLite file behind @store: itself, or the one its test server serves. */
static LanyardSqliteStore *
backing_sqlite_store (LanyardStore *store)
{
  LanyardTestServer *server;

  if (LANYARD_IS_SQLITE_STORE (store))
    return LANYARD_SQLITE_STORE (store);

  server = g_object_get_data (G_OBJECT (store), TEST_SERVER_KEY);
  g_assert_nonnull (server);
  return lanyard_test_server_get_store (server);
}

/* The derived data (counts, search index, ranks) must agree with the records. */
static void
assert_store_consistent (LanyardStore *store)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_assert_true (lanyard_sqlite_store_check (backing_sqlite_store (store), problems, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("%s", (char *)g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);
}

typedef struct {
  char         *dir;
  LanyardStore *store;
  gint64        facility_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const StoreImpl *impl = data;

  f->dir = lanyard_test_dir_new ();
  f->store = impl->factory (f->dir);
  f->facility_id = lanyard_test_add_facility (f->store, "Harbour Gym");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  /* Whatever a test did, the derived data must still agree (for remote: on the server). */
  assert_store_consistent (f->store);

  g_clear_object (&f->store);
  lanyard_test_dir_free (f->dir);
}

/* A facility of generated people, shared by the query tests of one store implementation. */
typedef struct {
  char         *dir;
  LanyardStore *store;
  gint64        facility_id;
  GPtrArray    *people;   /* every person, read one by one */
} Dataset;

#define DATASET_SIZE 6000

static Dataset *
dataset_get (const StoreImpl *impl)
{
  static GHashTable *datasets;
  Dataset *ds;
  g_autoptr(GError) error = NULL;

  if (datasets == NULL)
    datasets = g_hash_table_new (g_str_hash, g_str_equal);

  ds = g_hash_table_lookup (datasets, impl->name);
  if (ds != NULL)
    return ds;

  ds = g_new0 (Dataset, 1);
  ds->dir = lanyard_test_dir_new ();
  ds->store = impl->factory (ds->dir);
  ds->facility_id = lanyard_demo_create_facility (ds->store, "Riverside", NULL, &error);
  g_assert_no_error (error);
  lanyard_demo_add_people (ds->store, ds->facility_id, DATASET_SIZE, 7, 1000, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Another facility's people must never show up in the first one's lists. */
  {
    gint64 other = lanyard_test_add_facility (ds->store, "Elsewhere");
    lanyard_demo_add_people (ds->store, other, 300, 8, 0, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }

  ds->people = g_ptr_array_new_with_free_func (g_object_unref);
  for (gint64 id = 1; ; id++)
    {
      g_autoptr(GError) local_error = NULL;
      LanyardPerson *person = lanyard_store_get_person (ds->store, id, NULL, &local_error);

      if (person == NULL)
        {
          g_assert_error (local_error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
          break;
        }
      if (lanyard_person_get_facility_id (person) == ds->facility_id)
        g_ptr_array_add (ds->people, person);
      else
        g_object_unref (person);
    }
  g_assert_cmpuint (ds->people->len, ==, DATASET_SIZE);

  g_hash_table_insert (datasets, (char *)impl->name, ds);
  return ds;
}

/* ------------------------------------------------------------------------ */
/* Oracle                                                                    */

static gboolean
oracle_has_tag (LanyardPerson *person,
                const char    *tag)
{
  g_auto(GStrv) tags = lanyard_person_dup_all_tags (person);

  return g_strv_contains ((const char * const *)tags, tag);
}

static gboolean
oracle_matches (LanyardPerson            *person,
                const LanyardPeopleQuery *q)
{
  if (q->search != NULL)
    {
      g_auto(GStrv) terms = lanyard_search_terms (q->search);
      g_autofree char *text = lanyard_person_search_text (lanyard_person_get_first_name (person),
                                                          lanyard_person_get_last_name (person),
                                                          lanyard_person_get_email (person),
                                                          lanyard_person_get_phone (person));

      if (!lanyard_search_text_matches (text, (const char * const *)terms))
        return FALSE;
    }

  switch (q->source)
    {
    case LANYARD_SOURCE_FILTER_MANUAL:
      if (lanyard_person_get_source (person) != LANYARD_SOURCE_MANUAL) return FALSE;
      break;
    case LANYARD_SOURCE_FILTER_INTEGRATION:
      if (lanyard_person_get_source (person) != LANYARD_SOURCE_INTEGRATION) return FALSE;
      break;
    case LANYARD_SOURCE_FILTER_CCTV:
      if (lanyard_person_get_source (person) != LANYARD_SOURCE_CCTV) return FALSE;
      break;
    case LANYARD_SOURCE_FILTER_ANY:
    default:
      break;
    }

  switch (q->access)
    {
    case LANYARD_ACCESS_FILTER_HAS_ACCESS:
      if (!lanyard_person_get_has_access (person)) return FALSE;
      break;
    case LANYARD_ACCESS_FILTER_NO_ACCESS:
      if (lanyard_person_get_has_access (person)) return FALSE;
      break;
    case LANYARD_ACCESS_FILTER_DISABLED:
      if (lanyard_person_get_access_enabled (person)) return FALSE;
      break;
    case LANYARD_ACCESS_FILTER_WITHOUT_GRANTS:
      if (lanyard_person_get_grant_count (person) != 0) return FALSE;
      break;
    case LANYARD_ACCESS_FILTER_ANY:
    default:
      break;
    }

  if (q->membership_status && g_strcmp0 (q->membership_status, lanyard_person_get_membership_status (person)))
    return FALSE;
  if (q->person_type && g_strcmp0 (q->person_type, lanyard_person_get_person_type (person)))
    return FALSE;
  if (q->tag && !oracle_has_tag (person, q->tag))
    return FALSE;

  switch (q->invitation)
    {
    case LANYARD_INVITATION_FILTER_INVITED:
      if (lanyard_person_get_invitation_state (person) != LANYARD_INVITATION_INVITED) return FALSE;
      break;
    case LANYARD_INVITATION_FILTER_NOT_INVITED:
      if (lanyard_person_get_invitation_state (person) != LANYARD_INVITATION_NOT_INVITED) return FALSE;
      break;
    case LANYARD_INVITATION_FILTER_SEND_FAILED:
      if (lanyard_person_get_invitation_state (person) != LANYARD_INVITATION_SEND_FAILED) return FALSE;
      break;
    case LANYARD_INVITATION_FILTER_ANY:
    default:
      break;
    }

  switch (q->adoption)
    {
    case LANYARD_ADOPTION_FILTER_ACTIVE:
      if (lanyard_person_get_last_used_at (person) == 0) return FALSE;
      break;
    case LANYARD_ADOPTION_FILTER_NOT_YET:
      if (lanyard_person_get_last_used_at (person) != 0) return FALSE;
      break;
    case LANYARD_ADOPTION_FILTER_ANY:
    default:
      break;
    }

  return TRUE;
}

static const LanyardPeopleQuery *oracle_query;

static int
oracle_compare (gconstpointer a,
                gconstpointer b)
{
  LanyardPerson *x = *(LanyardPerson **)a;
  LanyardPerson *y = *(LanyardPerson **)b;
  int result = 0;

  switch (oracle_query->sort)
    {
    case LANYARD_PEOPLE_SORT_NAME:
      {
        g_autofree char *kx = lanyard_person_sort_key (lanyard_person_get_first_name (x), lanyard_person_get_last_name (x));
        g_autofree char *ky = lanyard_person_sort_key (lanyard_person_get_first_name (y), lanyard_person_get_last_name (y));
        /* SQLite compares text bytewise (BINARY collation), like strcmp. */
        result = strcmp (kx, ky);
      }
      break;
    case LANYARD_PEOPLE_SORT_CREATED:
      result = (lanyard_person_get_created_at (x) > lanyard_person_get_created_at (y)) -
               (lanyard_person_get_created_at (x) < lanyard_person_get_created_at (y));
      break;
    case LANYARD_PEOPLE_SORT_UPDATED:
      result = (lanyard_person_get_updated_at (x) > lanyard_person_get_updated_at (y)) -
               (lanyard_person_get_updated_at (x) < lanyard_person_get_updated_at (y));
      break;
    case LANYARD_PEOPLE_SORT_LAST_USED:
      result = (lanyard_person_get_last_used_at (x) > lanyard_person_get_last_used_at (y)) -
               (lanyard_person_get_last_used_at (x) < lanyard_person_get_last_used_at (y));
      break;
    case LANYARD_PEOPLE_SORT_LAST_SYNCED:
      result = (lanyard_person_get_last_synced_at (x) > lanyard_person_get_last_synced_at (y)) -
               (lanyard_person_get_last_synced_at (x) < lanyard_person_get_last_synced_at (y));
      break;
    default:
      g_assert_not_reached ();
    }

  if (result == 0)
    result = (lanyard_person_get_id (x) > lanyard_person_get_id (y)) -
             (lanyard_person_get_id (x) < lanyard_person_get_id (y));

  return oracle_query->descending ? -result : result;
}

static GArray *
oracle_ids (Dataset                  *ds,
            const LanyardPeopleQuery *q)
{
  g_autoptr(GPtrArray) matching = g_ptr_array_new ();
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < ds->people->len; i++)
    if (oracle_matches (g_ptr_array_index (ds->people, i), q))
      g_ptr_array_add (matching, g_ptr_array_index (ds->people, i));

  oracle_query = q;
  g_ptr_array_sort (matching, oracle_compare);
  for (guint i = 0; i < matching->len; i++)
    {
      gint64 id = lanyard_person_get_id (g_ptr_array_index (matching, i));
      g_array_append_val (ids, id);
    }

  return ids;
}

/* Every page of the query, following cursors; asserts pages are full but the last. */
static GArray *
store_ids (LanyardStore             *store,
           const LanyardPeopleQuery *q,
           guint                     page_size)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *cursor = NULL;

  do
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardPeoplePage) page = lanyard_store_query_people (store, q, cursor, page_size, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (page);
      g_assert_cmpuint (page->people->len, <=, page_size);
      for (guint i = 0; i < page->people->len; i++)
        {
          gint64 id = lanyard_person_get_id (g_ptr_array_index (page->people, i));
          g_array_append_val (ids, id);
        }

      g_free (cursor);
      cursor = g_strdup (page->next_cursor);
    }
  while (cursor != NULL);

  return ids;
}

static void
assert_same_ids (GArray     *expected,
                 GArray     *got,
                 const char *what)
{
  if (expected->len != got->len)
    g_error ("%s: expected %u people, got %u", what, expected->len, got->len);

  for (guint i = 0; i < expected->len; i++)
    if (g_array_index (expected, gint64, i) != g_array_index (got, gint64, i))
      g_error ("%s: at position %u expected person %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT,
               what, i, g_array_index (expected, gint64, i), g_array_index (got, gint64, i));
}

static void
check_query (Dataset            *ds,
             LanyardPeopleQuery *q,
             guint               page_size,
             guint               min_expected)
{
  g_autoptr(GArray) expected = oracle_ids (ds, q);
  g_autoptr(GArray) got = store_ids (ds->store, q, page_size);
  g_autofree char *what = g_strdup_printf ("search “%s” source %d access %d status %s type %s tag %s "
                                           "invitation %d adoption %d sort %d%s",
                                           q->search ? q->search : "", q->source, q->access,
                                           q->membership_status ? q->membership_status : "-",
                                           q->person_type ? q->person_type : "-",
                                           q->tag ? q->tag : "-", q->invitation, q->adoption,
                                           q->sort, q->descending ? " desc" : "");

  if (expected->len < min_expected)
    g_error ("%s: the data set has %u matches, fewer than the %u the test needs", what, expected->len, min_expected);
  assert_same_ids (expected, got, what);
}

/* ------------------------------------------------------------------------ */
/* Queries                                                                   */

static void
test_query_search (gconstpointer data)
{
  Dataset *ds = dataset_get (data);
  /* Dense (walks the name index) and sparse (trigram index) searches, accents, digits, several words. */
  static const struct { const char *search; guint min; } cases[] = {
    { "a", 1000 }, { "an", 100 }, { "ann", 10 }, { "m", 1000 }, { "mül", 5 }, { "MUL", 5 },
    { "zoe", 1 }, { "Zoë", 1 }, { "ørsted", 1 }, { "orsted", 1 }, { "garcía", 1 }, { "garcia", 1 },
    { "example.org", 100 }, { "@post.example", 100 }, { "4915", 1000 }, { "+49 15", 1000 },
    { "anna müller", 0 }, { "li wang", 0 }, { "ng", 10 }, { "xq", 0 }, { "zzzz", 0 },
    { "1a", 0 }, { "\"quoted\"", 0 }, { "%", 0 }, { "_", 0 }, { "'", 0 }, { "    ", 1000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);

      q->search = g_strdup (cases[i].search);
      check_query (ds, q, 200, cases[i].min);
    }
}

static void
test_query_search_phone (gconstpointer data)
{
  Dataset *ds = dataset_get (data);

  /* A phone number as people write it finds the stored E.164 number. */
  for (guint i = 0; i < ds->people->len; i++)
    {
      LanyardPerson *person = g_ptr_array_index (ds->people, i);
      const char *phone = lanyard_person_get_phone (person);

      if (phone != NULL)
        {
          g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);
          g_autoptr(GError) error = NULL;
          g_autoptr(LanyardPeoplePage) page = NULL;
          /* "+4915112345678" → "0151 1234 5678" */
          g_autofree char *national = g_strdup_printf ("0%.3s %.4s %s", phone + 3, phone + 6, phone + 10);

          q->search = g_strdup (national);
          page = lanyard_store_query_people (ds->store, q, NULL, 10, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (page->people->len, ==, 1);
          g_assert_cmpint (lanyard_person_get_id (g_ptr_array_index (page->people, 0)), ==,
                           lanyard_person_get_id (person));
          return;
        }
    }

  g_assert_not_reached ();
}

static void
test_query_filters (gconstpointer data)
{
  Dataset *ds = dataset_get (data);

  for (int source = LANYARD_SOURCE_FILTER_ANY; source <= LANYARD_SOURCE_FILTER_CCTV; source++)
    {
      g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);
      q->source = source;
      check_query (ds, q, 500, 10);
    }

  for (int access = LANYARD_ACCESS_FILTER_ANY; access <= LANYARD_ACCESS_FILTER_WITHOUT_GRANTS; access++)
    {
      g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);
      q->access = access;
      check_query (ds, q, 500, 10);
    }

  for (int invitation = LANYARD_INVITATION_FILTER_ANY; invitation <= LANYARD_INVITATION_FILTER_SEND_FAILED; invitation++)
    {
      g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);
      q->invitation = invitation;
      check_query (ds, q, 500, 10);
    }

  for (int adoption = LANYARD_ADOPTION_FILTER_ANY; adoption <= LANYARD_ADOPTION_FILTER_NOT_YET; adoption++)
    {
      g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);
      q->adoption = adoption;
      check_query (ds, q, 500, 10);
    }

  {
    static const char * const statuses[] = { "Current", "Expired", "Paused", "Nonexistent" };
    static const char * const types[] = { "Gold", "Trial", "Staff", "Nonexistent" };
    static const char * const tags[] = { "wellness", "vip", "family", "nonexistent" };

    for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
      {
        g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);
        q->membership_status = g_strdup (statuses[i]);
        check_query (ds, q, 500, i == 3 ? 0 : 10);
      }
    for (guint i = 0; i < G_N_ELEMENTS (types); i++)
      {
        g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);
        q->person_type = g_strdup (types[i]);
        check_query (ds, q, 500, i == 3 ? 0 : 10);
      }
    for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
      {
        g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);
        q->tag = g_strdup (tags[i]);
        check_query (ds, q, 500, i == 3 ? 0 : 10);
      }
  }

  /* Several at once, with a search. */
  {
    g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);

    q->search = g_strdup ("e");
    q->access = LANYARD_ACCESS_FILTER_HAS_ACCESS;
    q->membership_status = g_strdup ("Current");
    q->adoption = LANYARD_ADOPTION_FILTER_ACTIVE;
    check_query (ds, q, 100, 10);

    q->source = LANYARD_SOURCE_FILTER_INTEGRATION;
    q->tag = g_strdup ("wellness");
    check_query (ds, q, 7, 1);
  }
}

static void
test_query_sorts (gconstpointer data)
{
  Dataset *ds = dataset_get (data);

  for (int sort = LANYARD_PEOPLE_SORT_NAME; sort <= LANYARD_PEOPLE_SORT_LAST_SYNCED; sort++)
    for (int descending = 0; descending <= 1; descending++)
      {
        g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);

        q->sort = sort;
        q->descending = descending;
        check_query (ds, q, 333, DATASET_SIZE);

        /* And with a sparse search, which sorts its candidates itself. */
        q->search = g_strdup ("ller");
        check_query (ds, q, 20, 10);
      }
}

static void
test_query_bad_cursor (gconstpointer data)
{
  Dataset *ds = dataset_get (data);
  static const char * const cursors[] = { "", "garbage", "12", ":x", "-5:abc", "x:1" };
  g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);

  for (guint i = 0; i < G_N_ELEMENTS (cursors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardPeoplePage) page = lanyard_store_query_people (ds->store, q, cursors[i], 10, NULL, &error);

      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
      g_assert_null (page);
    }

  /* A number sort needs a number. */
  q->sort = LANYARD_PEOPLE_SORT_CREATED;
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LanyardPeoplePage) page = lanyard_store_query_people (ds->store, q, "5:notanumber", 10, NULL, &error);

    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  }
}

static void
test_query_counts (gconstpointer data)
{
  Dataset *ds = dataset_get (data);
  g_autoptr(GError) error = NULL;
  LanyardPeopleCounts counts;
  guint64 with_access = 0;

  for (guint i = 0; i < ds->people->len; i++)
    with_access += lanyard_person_get_has_access (g_ptr_array_index (ds->people, i));

  g_assert_true (lanyard_store_count_people (ds->store, ds->facility_id, &counts, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.all, ==, DATASET_SIZE);
  g_assert_cmpuint (counts.has_access, ==, with_access);
  g_assert_cmpuint (counts.no_access, ==, DATASET_SIZE - with_access);
  /* The demo's shape: most people have access, some don't. */
  g_assert_cmpuint (counts.has_access, >, DATASET_SIZE / 2);
  g_assert_cmpuint (counts.no_access, >, 0);

  g_assert_false (lanyard_store_count_people (ds->store, 9999, &counts, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
}

static void
test_query_facets (gconstpointer data)
{
  Dataset *ds = dataset_get (data);

  for (int facet = LANYARD_FACET_SOURCE; facet <= LANYARD_FACET_TAG; facet++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) values = lanyard_store_list_facet_values (ds->store, ds->facility_id, facet, NULL, &error);
      g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GEnumClass) sources = g_type_class_ref (LANYARD_TYPE_SOURCE);

      g_assert_no_error (error);

      for (guint i = 0; i < ds->people->len; i++)
        {
          LanyardPerson *person = g_ptr_array_index (ds->people, i);
          g_auto(GStrv) tags = NULL;
          const char *single = NULL;

          switch (facet)
            {
            case LANYARD_FACET_SOURCE:
              single = g_enum_get_value (sources, lanyard_person_get_source (person))->value_nick;
              break;
            case LANYARD_FACET_PERSON_TYPE:
              single = lanyard_person_get_person_type (person);
              break;
            case LANYARD_FACET_MEMBERSHIP_STATUS:
              single = lanyard_person_get_membership_status (person);
              break;
            case LANYARD_FACET_TAG:
            default:
              tags = lanyard_person_dup_all_tags (person);
              break;
            }

          if (single != NULL)
            {
              gpointer n = g_hash_table_lookup (expected, single);
              g_hash_table_replace (expected, g_strdup (single), GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
            }
          for (guint t = 0; tags && tags[t]; t++)
            {
              gpointer n = g_hash_table_lookup (expected, tags[t]);
              g_hash_table_replace (expected, g_strdup (tags[t]), GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
            }
        }

      g_assert_cmpuint (values->len, ==, g_hash_table_size (expected));
      g_assert_cmpuint (values->len, >, 1);
      for (guint i = 0; i < values->len; i++)
        {
          LanyardFacetValue *value = g_ptr_array_index (values, i);

          g_assert_cmpuint (value->count, ==, GPOINTER_TO_UINT (g_hash_table_lookup (expected, value->value)));
          /* Sources come in their own order (manual first); the rest alphabetically. */
          if (i > 0 && facet != LANYARD_FACET_SOURCE)
            g_assert_cmpint (g_ascii_strcasecmp (((LanyardFacetValue *)g_ptr_array_index (values, i - 1))->value,
                                                 value->value), <=, 0);
        }
    }
}

static void
on_query_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LanyardPeoplePage **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = lanyard_store_query_people_finish (LANYARD_STORE (source), result, &error);
  g_assert_no_error (error);
}

static void
on_cancelled_query_done_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPeoplePage) page = lanyard_store_query_people_finish (LANYARD_STORE (source), result, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (page);
  *done = TRUE;
}

static void
test_query_async (gconstpointer data)
{
  Dataset *ds = dataset_get (data);
  g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (ds->facility_id);
  g_autoptr(LanyardPeoplePage) page = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gboolean cancelled_done = FALSE;

  q->search = g_strdup ("an");
  lanyard_store_query_people_async (ds->store, q, NULL, 25, NULL, on_query_done_cb, &page);
  /* The query is copied: changing ours afterwards must not matter. */
  g_free (q->search);
  q->search = g_strdup ("zzzz");
  while (page == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* A full page, or (with a small scan budget) a shorter one that goes on. */
  g_assert_cmpuint (page->people->len, <=, 25);
  g_assert_true (page->people->len == 25 || page->next_cursor != NULL);
  g_assert_cmpuint (page->people->len, >, 0);

  g_cancellable_cancel (cancellable);
  lanyard_store_query_people_async (ds->store, q, NULL, 25, cancellable, on_cancelled_query_done_cb, &cancelled_done);
  while (!cancelled_done)
    g_main_context_iteration (NULL, TRUE);
}

/* ------------------------------------------------------------------------ */
/* People                                                                    */

static guint64
count_all (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  LanyardPeopleCounts counts;

  g_assert_true (lanyard_store_count_people (f->store, f->facility_id, &counts, NULL, &error));
  g_assert_no_error (error);
  return counts.all;
}

static guint
count_audit (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  LanyardAuditQuery query = { .limit = 1000 };
  g_autoptr(GPtrArray) events = lanyard_store_list_audit (f->store, &query, NULL, &error);

  g_assert_no_error (error);
  return events->len;
}

static void
test_people_create (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LanyardPerson) person = lanyard_test_add_person (f->store, f->facility_id, "  Zoë ", "Ørsted",
                                                             "0151 2345 6789", " Zoe.Orsted@Example.org ");
  g_autoptr(LanyardPerson) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (lanyard_person_get_id (person), >, 0);
  g_assert_cmpint (lanyard_person_get_version (person), ==, 1);
  g_assert_cmpstr (lanyard_person_get_first_name (person), ==, "Zoë");
  g_assert_cmpstr (lanyard_person_get_phone (person), ==, "+4915123456789");
  g_assert_cmpstr (lanyard_person_get_email (person), ==, "Zoe.Orsted@Example.org");
  g_assert_true (lanyard_person_get_access_enabled (person));
  /* No rules, no grants: no access yet. */
  g_assert_false (lanyard_person_get_has_access (person));
  g_assert_cmpint (lanyard_person_get_created_at (person), >, 0);

  again = lanyard_store_get_person (f->store, lanyard_person_get_id (person), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_person_get_email (again), ==, "Zoe.Orsted@Example.org");
  g_assert_cmpuint (count_all (f), ==, 1);
}

static void
test_people_invalid (Fixture       *f,
                     gconstpointer  data)
{
  static const struct {
    const char *first, *last, *phone, *email, *notes;
    const char *message_part;
  } cases[] = {
    { "", "Smith", "+4915123456789", NULL, NULL, "First name" },
    { "Ann", "   ", "+4915123456789", NULL, NULL, "Last name" },
    { "Ann", "Smith", NULL, NULL, NULL, "phone or an email" },
    { "Ann", "Smith", "", "  ", NULL, "phone or an email" },
    { "Ann", "Smith", NULL, "ann@", NULL, "ann@" },
    { "Ann", "Smith", NULL, "ann smith@example.org", NULL, "ann smith@example.org" },
    { "Ann", "Smith", "12", NULL, NULL, "12" },
    { "Ann", "Smith", "0151 2345678x", NULL, NULL, "x" },
    { "Ann", "Smith", "+999 1234567", NULL, NULL, "country code" },
    { "Ann", "Smith", "+4915123456789", NULL, "LONG", "2000" },
  };
  guint audit_before = count_audit (f);

  lanyard_test_add_person (f->store, f->facility_id, "Kept", "Person", "+4915100000001", NULL);
  audit_before = count_audit (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LanyardPerson) person = lanyard_person_new ();
      g_autoptr(LanyardPerson) saved = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *long_notes = NULL;

      lanyard_person_set_facility_id (person, f->facility_id);
      lanyard_person_set_first_name (person, cases[i].first);
      lanyard_person_set_last_name (person, cases[i].last);
      lanyard_person_set_phone (person, cases[i].phone);
      lanyard_person_set_email (person, cases[i].email);
      if (g_strcmp0 (cases[i].notes, "LONG") == 0)
        {
          long_notes = g_strnfill (LANYARD_NOTES_MAX_CHARS + 1, 'n');
          lanyard_person_set_notes (person, long_notes);
        }

      saved = lanyard_store_save_person (f->store, person, NULL, &error);
      g_assert_null (saved);
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
      if (strstr (error->message, cases[i].message_part) == NULL)
        g_error ("case %u: “%s” does not mention “%s”", i, error->message, cases[i].message_part);
    }

  /* Exactly 2000 characters of notes is fine, in any script. */
  {
    g_autoptr(LanyardPerson) person = lanyard_person_new ();
    g_autoptr(LanyardPerson) saved = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) notes = g_string_new (NULL);

    for (guint i = 0; i < LANYARD_NOTES_MAX_CHARS; i++)
      g_string_append (notes, "ü");
    lanyard_person_set_facility_id (person, f->facility_id);
    lanyard_person_set_first_name (person, "Long");
    lanyard_person_set_last_name (person, "Notes");
    lanyard_person_set_email (person, "long.notes@example.org");
    lanyard_person_set_notes (person, notes->str);
    saved = lanyard_store_save_person (f->store, person, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_utf8_strlen (lanyard_person_get_notes (saved), -1), ==, LANYARD_NOTES_MAX_CHARS);
  }

  /* Nothing of the refused ones was written, not even an audit event. */
  g_assert_cmpuint (count_all (f), ==, 2);
  g_assert_cmpuint (count_audit (f), ==, audit_before + 1);

  /* An unknown facility. */
  {
    g_autoptr(LanyardPerson) person = lanyard_person_new ();
    g_autoptr(GError) error = NULL;

    lanyard_person_set_facility_id (person, 4242);
    lanyard_person_set_first_name (person, "No");
    lanyard_person_set_last_name (person, "Where");
    lanyard_person_set_email (person, "no.where@example.org");
    g_assert_null (lanyard_store_save_person (f->store, person, NULL, &error));
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
  }
}

static void
test_people_duplicate (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(LanyardPerson) anna = lanyard_test_add_person (f->store, f->facility_id, "Anna", "Schmidt",
                                                           "+49 151 11112222", "anna@example.org");
  g_autoptr(LanyardPerson) ben = lanyard_test_add_person (f->store, f->facility_id, "Ben", "Weber",
                                                          NULL, "ben@example.org");
  static const struct { const char *phone, *email; } dups[] = {
    { "0151 1111 2222", NULL },             /* same phone, typed nationally */
    { "+4915111112222", "new@example.org" },
    { NULL, "ANNA@EXAMPLE.ORG" },           /* same email, other case */
    { NULL, " anna@example.org " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dups); i++)
    {
      g_autoptr(LanyardPerson) person = lanyard_person_new ();
      g_autoptr(LanyardPerson) found = NULL;
      g_autoptr(GError) error = NULL;

      lanyard_person_set_facility_id (person, f->facility_id);
      lanyard_person_set_first_name (person, "Other");
      lanyard_person_set_last_name (person, "Person");
      lanyard_person_set_phone (person, dups[i].phone);
      lanyard_person_set_email (person, dups[i].email);
      g_assert_null (lanyard_store_save_person (f->store, person, NULL, &error));
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE);
      /* The message names the existing person. */
      g_assert_nonnull (strstr (error->message, "Anna Schmidt"));

      g_clear_error (&error);

      /* What the Add person dialog asks to offer "open the existing person". */
      found = lanyard_store_find_duplicate (f->store, f->facility_id, dups[i].phone, dups[i].email, 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (found);
      g_assert_cmpint (lanyard_person_get_id (found), ==, lanyard_person_get_id (anna));
    }

  /* Changing Ben to Anna's email is a duplicate too; his own email is not. */
  {
    g_autoptr(LanyardPerson) edit = lanyard_person_copy (ben);
    g_autoptr(LanyardPerson) saved = NULL;
    g_autoptr(GError) error = NULL;

    lanyard_person_set_email (edit, "Anna@Example.org");
    g_assert_null (lanyard_store_save_person (f->store, edit, NULL, &error));
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE);
    g_clear_error (&error);

    lanyard_person_set_email (edit, "BEN@example.org");
    saved = lanyard_store_save_person (f->store, edit, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (lanyard_person_get_email (saved), ==, "BEN@example.org");
  }

  /* The same phone at another facility is someone else's business. */
  {
    gint64 other = lanyard_test_add_facility (f->store, "Other Gym");
    g_autoptr(LanyardPerson) twin = lanyard_test_add_person (f->store, other, "Anna", "Schmidt",
                                                             "+4915111112222", "anna@example.org");

    g_assert_cmpint (lanyard_person_get_id (twin), !=, lanyard_person_get_id (anna));
  }

  g_assert_cmpuint (count_all (f), ==, 2);
}

static void
test_people_conflict (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(LanyardPerson) person = lanyard_test_add_person (f->store, f->facility_id, "Carla", "Rossi",
                                                             "+4915122223333", NULL);
  g_autoptr(LanyardPerson) mine = lanyard_person_copy (person);
  g_autoptr(LanyardPerson) theirs = lanyard_person_copy (person);
  g_autoptr(LanyardPerson) saved = NULL;
  g_autoptr(LanyardPerson) stored = NULL;
  g_autoptr(GError) error = NULL;

  lanyard_person_set_notes (theirs, "Changed at the front desk");
  saved = lanyard_store_save_person (f->store, theirs, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_person_get_version (saved), ==, 2);

  lanyard_person_set_person_type (mine, "Gold");
  g_assert_null (lanyard_store_save_person (f->store, mine, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "Carla Rossi"));
  g_clear_error (&error);

  /* Their change stands; ours was not written. */
  stored = lanyard_store_get_person (f->store, lanyard_person_get_id (person), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_person_get_notes (stored), ==, "Changed at the front desk");
  g_assert_null (lanyard_person_get_person_type (stored));
  g_assert_cmpint (lanyard_person_get_version (stored), ==, 2);

  /* Grants are checked against the version too. */
  {
    g_autoptr(GPtrArray) grants = g_ptr_array_new_with_free_func (g_object_unref);

    g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_FACILITY, 0, NULL));
    g_assert_null (lanyard_store_set_grants (f->store, lanyard_person_get_id (person), 1, grants, NULL, &error));
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT);
  }

  /* Filter values follow edits: a person type appears, and goes with the last person who had it. */
  g_clear_error (&error);
  {
    g_autoptr(LanyardPerson) typed = lanyard_person_copy (stored);
    g_autoptr(LanyardPerson) typed_saved = NULL;
    g_autoptr(GPtrArray) types = NULL;

    lanyard_person_set_person_type (typed, "Platinum");
    typed_saved = lanyard_store_save_person (f->store, typed, NULL, &error);
    g_assert_no_error (error);
    types = lanyard_store_list_facet_values (f->store, f->facility_id, LANYARD_FACET_PERSON_TYPE, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (types->len, ==, 1);
    g_assert_cmpstr (((LanyardFacetValue *)g_ptr_array_index (types, 0))->value, ==, "Platinum");
    g_assert_cmpuint (((LanyardFacetValue *)g_ptr_array_index (types, 0))->count, ==, 1);
    g_clear_object (&stored);
    stored = g_steal_pointer (&typed_saved);
  }

  /* A deleted person cannot be saved. */
  {
    gint64 id = lanyard_person_get_id (person);

    g_clear_error (&error);
    g_assert_cmpuint (lanyard_store_delete_people (f->store, &id, 1, NULL, &error), ==, 1);
    g_assert_no_error (error);
    g_assert_null (lanyard_store_save_person (f->store, stored, NULL, &error));
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);

    {
      g_autoptr(GPtrArray) types = lanyard_store_list_facet_values (f->store, f->facility_id,
                                                                    LANYARD_FACET_PERSON_TYPE, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (types->len, ==, 0);
    }
  }
}

static void
test_people_delete (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LanyardPerson) a = lanyard_test_add_person (f->store, f->facility_id, "Dana", "Kim", NULL, "dana@example.org");
  g_autoptr(LanyardPerson) b = lanyard_test_add_person (f->store, f->facility_id, "Eli", "Park", NULL, "eli@example.org");
  g_autoptr(LanyardPerson) gone = NULL;
  g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (f->facility_id);
  g_autoptr(LanyardPeoplePage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ids[2] = { lanyard_person_get_id (a), 9999 };

  /* One unknown id: nothing is deleted. */
  g_assert_cmpuint (lanyard_store_delete_people (f->store, ids, 2, NULL, &error), ==, 0);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (count_all (f), ==, 2);

  g_assert_cmpuint (lanyard_store_delete_people (f->store, ids, 1, NULL, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (count_all (f), ==, 1);

  gone = lanyard_store_get_person (f->store, ids[0], NULL, &error);
  g_assert_null (gone);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Gone from search too. */
  q->search = g_strdup ("dana");
  page = lanyard_store_query_people (f->store, q, NULL, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->people->len, ==, 0);

  /* And the email is free again. */
  g_object_unref (lanyard_test_add_person (f->store, f->facility_id, "Dana", "Kim", NULL, "dana@example.org"));
  g_assert_cmpuint (count_all (f), ==, 2);

  /* The same person twice in one call is deleted once. */
  {
    gint64 twice[2] = { lanyard_person_get_id (b), lanyard_person_get_id (b) };
    g_autoptr(LanyardPeoplePage) eli = NULL;

    g_assert_cmpuint (lanyard_store_delete_people (f->store, twice, 2, NULL, &error), ==, 1);
    g_assert_no_error (error);
    g_assert_cmpuint (count_all (f), ==, 1);

    g_free (q->search);
    q->search = g_strdup ("eli");
    eli = lanyard_store_query_people (f->store, q, NULL, 10, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (eli->people->len, ==, 0);
  }
}

static void
test_people_create_batch (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  const char *emails[] = { "one@example.org", "two@example.org", "bad@", "four@example.org" };

  for (guint i = 0; i < G_N_ELEMENTS (emails); i++)
    {
      LanyardPerson *person = lanyard_person_new ();

      lanyard_person_set_first_name (person, "Batch");
      lanyard_person_set_last_name (person, "Member");
      lanyard_person_set_email (person, emails[i]);
      g_ptr_array_add (people, person);
    }

  /* One bad row: nothing written, and the error says which. */
  g_assert_cmpuint (lanyard_store_create_people (f->store, f->facility_id, people, NULL, NULL, &error), ==, 0);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "3"));
  g_clear_error (&error);
  g_assert_cmpuint (count_all (f), ==, 0);

  /* A duplicate inside the batch: nothing written either. */
  lanyard_person_set_email (g_ptr_array_index (people, 2), "ONE@example.org");
  g_assert_cmpuint (lanyard_store_create_people (f->store, f->facility_id, people, NULL, NULL, &error), ==, 0);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_cmpuint (count_all (f), ==, 0);

  lanyard_person_set_email (g_ptr_array_index (people, 2), "three@example.org");
  g_assert_cmpuint (lanyard_store_create_people (f->store, f->facility_id, people, NULL, NULL, &error), ==, 4);
  g_assert_no_error (error);
  g_assert_cmpuint (count_all (f), ==, 4);
}

static GArray *
search_ids (Fixture    *f,
            const char *search,
            gboolean    descending)
{
  g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (f->facility_id);

  q->search = g_strdup (search);
  q->descending = descending;
  return store_ids (f->store, q, 7);
}

static void
test_people_name_order (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) found = NULL;
  g_autoptr(GArray) backwards = NULL;
  g_autoptr(GError) error = NULL;

  /*
   * People added one by one, each just before the one added last, halve
   * the space between two search ranks again and again until the store
   * has to renumber them; name order must hold through it.
   */
  g_object_unref (lanyard_test_add_person (f->store, f->facility_id, "Zeno", "Zylinski", NULL, "zeno@example.org"));
  for (guint i = 0; i < 80; i++)
    {
      g_autofree char *email = g_strdup_printf ("same.%u@example.org", i);
      g_autofree char *first = g_strdup_printf ("P%03u", 79 - i);
      g_autoptr(LanyardPerson) p = lanyard_test_add_person (f->store, f->facility_id, first, "Same", NULL, email);
      gint64 id = lanyard_person_get_id (p);

      g_array_prepend_val (ids, id);
    }

  found = search_ids (f, "same", FALSE);
  assert_same_ids (ids, found, "80 people called Same, ascending");
  backwards = search_ids (f, "same", TRUE);
  g_assert_cmpuint (backwards->len, ==, 80);
  for (guint i = 0; i < 80; i++)
    g_assert_cmpint (g_array_index (backwards, gint64, i), ==, g_array_index (ids, gint64, 79 - i));

  /* A rename moves the person in name order, and search follows. */
  {
    g_autoptr(LanyardPerson) p = lanyard_store_get_person (f->store, g_array_index (ids, gint64, 40), NULL, &error);
    g_autoptr(LanyardPerson) renamed = NULL;
    g_autoptr(GArray) after = NULL;

    g_assert_no_error (error);
    lanyard_person_set_last_name (p, "Aasame");
    renamed = lanyard_store_save_person (f->store, p, NULL, &error);
    g_assert_no_error (error);
    after = search_ids (f, "same", FALSE);
    g_assert_cmpuint (after->len, ==, 80);
    g_assert_cmpint (g_array_index (after, gint64, 0), ==, lanyard_person_get_id (p));
  }

  assert_store_consistent (f->store);
}

static void
test_people_batch_renumber (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (f->facility_id);
  g_autoptr(GArray) ids = NULL;
  g_autofree char *previous = NULL;

  /*
   * Squeeze the space after "Aaa Early" with people added one by one, each
   * just before the last; then a batch whose first run fits an open gap and
   * whose second run does not, so that the store renumbers in the middle
   * of a batch. Afterwards search order and the integrity check must hold.
   * (Here the first run's old ranks happen to stay below every new one;
   * the store re-ranks the whole batch after a renumbering regardless.)
   */
  g_object_unref (lanyard_test_add_person (f->store, f->facility_id, "Early", "Aaa", NULL, "early@example.org"));
  g_object_unref (lanyard_test_add_person (f->store, f->facility_id, "Zeno", "Zylinski", NULL, "zeno@example.org"));
  for (guint i = 0; i < 11; i++)
    {
      g_autofree char *email = g_strdup_printf ("squeeze.%u@example.org", i);
      g_autofree char *first = g_strdup_printf ("Q%03u", 99 - i);

      g_object_unref (lanyard_test_add_person (f->store, f->facility_id, first, "Same", NULL, email));
    }

  for (guint i = 0; i < 10; i++)
    {
      LanyardPerson *p = lanyard_person_new ();
      g_autofree char *email = g_strdup_printf ("batch.%u@example.org", i);

      lanyard_person_set_first_name (p, "Member");
      /* Five before "Aaa" (an open gap), five just after it (the squeezed one). */
      lanyard_person_set_last_name (p, i < 5 ? "Aa" : "Ab");
      lanyard_person_set_email (p, email);
      g_ptr_array_add (batch, p);
    }

  g_assert_cmpuint (lanyard_store_create_people (f->store, f->facility_id, batch, NULL, NULL, &error), ==, 10);
  g_assert_no_error (error);

  /* Every search in name order agrees with the plain list's order. */
  q->search = g_strdup ("example.org");
  ids = store_ids (f->store, q, 6);
  g_assert_cmpuint (ids->len, ==, 23);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(LanyardPerson) p = lanyard_store_get_person (f->store, g_array_index (ids, gint64, i), NULL, &error);
      g_autofree char *key = NULL;

      g_assert_no_error (error);
      key = lanyard_person_sort_key (lanyard_person_get_first_name (p), lanyard_person_get_last_name (p));
      if (previous != NULL)
        g_assert_cmpint (strcmp (previous, key), <=, 0);
      g_free (previous);
      previous = g_steal_pointer (&key);
    }

  assert_store_consistent (f->store);

  /* The same phone twice in one batch is refused by row, before anything is written. */
  {
    g_autoptr(GPtrArray) twins = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < 2; i++)
      {
        LanyardPerson *p = lanyard_person_new ();

        lanyard_person_set_first_name (p, "Twin");
        lanyard_person_set_last_name (p, i ? "Two" : "One");
        lanyard_person_set_phone (p, i ? "0151 7777 8888" : "+4915177778888");
        g_ptr_array_add (twins, p);
      }
    g_assert_cmpuint (lanyard_store_create_people (f->store, f->facility_id, twins, NULL, NULL, &error), ==, 0);
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE);
    g_assert_nonnull (strstr (error->message, "person 1"));
  }
}

/* ------------------------------------------------------------------------ */
/* Grants, rules, decisions                                                  */

static LanyardPerson *
grant (Fixture          *f,
       LanyardPerson    *person,
       LanyardGrantKind  kind,
       gint64            target,
       const char       *hours,
       GError          **error)
{
  g_autoptr(GPtrArray) grants = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(LanyardSchedule) schedule = hours ? lanyard_schedule_parse (hours, NULL) : NULL;

  g_ptr_array_add (grants, lanyard_grant_new_full (kind, target, schedule));
  return lanyard_store_set_grants (f->store, lanyard_person_get_id (person), lanyard_person_get_version (person),
                                   grants, NULL, error);
}

static gint64
at (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static void
test_grants (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(LanyardPerson) person = lanyard_test_add_person (f->store, f->facility_id, "Finn", "Berg",
                                                             "+4915133334444", NULL);
  g_autoptr(LanyardPerson) granted = NULL;
  g_autoptr(LanyardPerson) cleared = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  gint64 gym = lanyard_test_door_id (f->store, f->facility_id, "Gym");
  gint64 pool = lanyard_test_door_id (f->store, f->facility_id, "Pool");
  LanyardPeopleCounts counts;

  granted = grant (f, person, LANYARD_GRANT_DOOR, gym, "mon-fri 08:00-18:00", &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_person_get_has_access (granted));
  g_assert_cmpint (lanyard_person_get_grant_count (granted), ==, 1);
  g_assert_cmpint (lanyard_person_get_version (granted), ==, 2);
  g_assert_true (lanyard_store_count_people (f->store, f->facility_id, &counts, NULL, &error));
  g_assert_cmpuint (counts.has_access, ==, 1);

  listed = lanyard_store_list_grants (f->store, lanyard_person_get_id (person), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (lanyard_grant_get_target_name (g_ptr_array_index (listed, 0)), ==, "Gym");

  /* Decisions through the store, in the facility's time (Berlin, UTC+1 in winter). */
  {
    g_autoptr(LanyardDecisionReport) open = lanyard_store_decide (f->store, lanyard_person_get_id (person), gym,
                                                                  at ("2026-11-23T09:30:00Z"), NULL, &error);
    g_autoptr(LanyardDecisionReport) late = lanyard_store_decide (f->store, lanyard_person_get_id (person), gym,
                                                                  at ("2026-11-23T17:30:00Z"), NULL, &error);
    g_autoptr(LanyardDecisionReport) other_door = lanyard_store_decide (f->store, lanyard_person_get_id (person), pool,
                                                                        at ("2026-11-23T09:30:00Z"), NULL, &error);
    g_autoptr(LanyardDecisionReport) nobody = lanyard_store_decide (f->store, 4242, pool,
                                                                    at ("2026-11-23T09:30:00Z"), NULL, &error);

    g_assert_no_error (error);
    g_assert_true (open->decision.allowed);
    g_assert_cmpint (open->decision.match_kind, ==, LANYARD_MATCH_GRANT);
    g_assert_nonnull (strstr (open->match_name, "Gym"));
    g_assert_cmpstr (open->person_name, ==, "Finn Berg");
    g_assert_cmpstr (open->door_name, ==, "Gym");
    g_assert_false (late->decision.allowed);
    g_assert_cmpint (late->decision.reason, ==, LANYARD_DECISION_OUTSIDE_HOURS);
    g_assert_false (other_door->decision.allowed);
    g_assert_cmpint (other_door->decision.reason, ==, LANYARD_DECISION_NO_RULE_OR_GRANT);
    g_assert_false (nobody->decision.allowed);
    g_assert_cmpint (nobody->decision.reason, ==, LANYARD_DECISION_UNKNOWN_PERSON);
  }

  /* Bad grants change nothing. */
  {
    g_autoptr(LanyardPerson) bad = grant (f, granted, LANYARD_GRANT_DOOR, 9999, NULL, &error);
    g_autoptr(GPtrArray) twice = g_ptr_array_new_with_free_func (g_object_unref);

    g_assert_null (bad);
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
    g_clear_error (&error);

    g_ptr_array_add (twice, lanyard_grant_new_full (LANYARD_GRANT_DOOR, pool, NULL));
    g_ptr_array_add (twice, lanyard_grant_new_full (LANYARD_GRANT_DOOR, pool, NULL));
    g_assert_null (lanyard_store_set_grants (f->store, lanyard_person_get_id (granted),
                                             lanyard_person_get_version (granted), twice, NULL, &error));
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* A door of another facility is refused. */
  {
    gint64 other = lanyard_test_add_facility (f->store, "Other Site");
    gint64 foreign_door = lanyard_test_door_id (f->store, other, "Gym");
    g_autoptr(LanyardPerson) bad = grant (f, granted, LANYARD_GRANT_DOOR, foreign_door, NULL, &error);

    g_assert_null (bad);
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* Clear all. */
  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();

    cleared = lanyard_store_set_grants (f->store, lanyard_person_get_id (granted),
                                        lanyard_person_get_version (granted), none, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (lanyard_person_get_has_access (cleared));
    g_assert_cmpint (lanyard_person_get_grant_count (cleared), ==, 0);
    g_assert_true (lanyard_store_count_people (f->store, f->facility_id, &counts, NULL, &error));
    g_assert_cmpuint (counts.has_access, ==, 0);
  }

  /* The kill switch turns "has access" off and back on. */
  {
    g_autoptr(LanyardPerson) wide = grant (f, cleared, LANYARD_GRANT_FACILITY, 0, NULL, &error);
    g_autoptr(LanyardPerson) off = NULL;
    g_autoptr(LanyardDecisionReport) report = NULL;
    gint64 id = lanyard_person_get_id (cleared);

    g_assert_no_error (error);
    g_assert_true (lanyard_person_get_has_access (wide));
    g_assert_cmpuint (lanyard_store_set_access_enabled (f->store, &id, 1, FALSE, NULL, &error), ==, 1);
    g_assert_no_error (error);
    off = lanyard_store_get_person (f->store, id, NULL, &error);
    g_assert_false (lanyard_person_get_access_enabled (off));
    g_assert_false (lanyard_person_get_has_access (off));
    report = lanyard_store_decide (f->store, id, pool, at ("2026-11-23T09:30:00Z"), NULL, &error);
    g_assert_cmpint (report->decision.reason, ==, LANYARD_DECISION_ACCESS_DISABLED);
    g_assert_true (lanyard_store_count_people (f->store, f->facility_id, &counts, NULL, &error));
    g_assert_cmpuint (counts.has_access, ==, 0);

    /* Setting what is already set changes nothing. */
    g_assert_cmpuint (lanyard_store_set_access_enabled (f->store, &id, 1, FALSE, NULL, &error), ==, 0);
    g_assert_no_error (error);
    g_assert_cmpuint (lanyard_store_set_access_enabled (f->store, &id, 1, TRUE, NULL, &error), ==, 1);
    g_assert_true (lanyard_store_count_people (f->store, f->facility_id, &counts, NULL, &error));
    g_assert_cmpuint (counts.has_access, ==, 1);
  }
}

static void
test_rules (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(LanyardPerson) gold = NULL;
  g_autoptr(LanyardPerson) trial = NULL;
  g_autoptr(LanyardAccessRule) rule = lanyard_access_rule_new ();
  g_autoptr(LanyardAccessRule) saved = NULL;
  g_autoptr(LanyardScope) scope = lanyard_scope_new ();
  g_autoptr(LanyardScope) saved_scope = NULL;
  g_autoptr(LanyardDoor) sauna = lanyard_door_new ();
  g_autoptr(LanyardDoor) saved_sauna = NULL;
  g_autoptr(GError) error = NULL;
  gint64 gym = lanyard_test_door_id (f->store, f->facility_id, "Gym");
  LanyardPeopleCounts counts;

  {
    g_autoptr(LanyardPerson) p = lanyard_person_new ();
    lanyard_person_set_facility_id (p, f->facility_id);
    lanyard_person_set_first_name (p, "Gold");
    lanyard_person_set_last_name (p, "Member");
    lanyard_person_set_email (p, "gold@example.org");
    lanyard_person_set_person_type (p, "Gold");
    gold = lanyard_store_save_person (f->store, p, NULL, &error);
    g_assert_no_error (error);
    lanyard_person_set_first_name (p, "Trial");
    lanyard_person_set_email (p, "trial@example.org");
    lanyard_person_set_person_type (p, "Trial");
    trial = lanyard_store_save_person (f->store, p, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_false (lanyard_person_get_has_access (gold));

  /* A scope with the gym; a rule for Gold members on the scope. */
  lanyard_scope_set_facility_id (scope, f->facility_id);
  lanyard_scope_set_name (scope, "Training");
  lanyard_scope_set_door_ids (scope, &gym, 1);
  saved_scope = lanyard_store_save_scope (f->store, scope, NULL, &error);
  g_assert_no_error (error);

  lanyard_access_rule_set_facility_id (rule, f->facility_id);
  lanyard_access_rule_set_name (rule, "Gold all day");
  lanyard_access_rule_set_condition (rule, LANYARD_RULE_CONDITION_PERSON_TYPE);
  lanyard_access_rule_set_value (rule, "Gold");
  lanyard_access_rule_set_target (rule, LANYARD_RULE_TARGET_SCOPES);
  {
    gint64 scope_id = lanyard_scope_get_id (saved_scope);
    lanyard_access_rule_set_target_ids (rule, &scope_id, 1);
  }
  saved = lanyard_store_save_rule (f->store, rule, NULL, &error);
  g_assert_no_error (error);

  /* Existing people are recomputed. */
  g_clear_object (&gold);
  gold = lanyard_store_get_person (f->store, 1, NULL, &error);
  g_assert_true (lanyard_person_get_has_access (gold));
  g_clear_object (&trial);
  trial = lanyard_store_get_person (f->store, 2, NULL, &error);
  g_assert_false (lanyard_person_get_has_access (trial));
  g_assert_true (lanyard_store_count_people (f->store, f->facility_id, &counts, NULL, &error));
  g_assert_cmpuint (counts.has_access, ==, 1);

  /* A door added to the scope later counts for the rule. */
  lanyard_door_set_facility_id (sauna, f->facility_id);
  lanyard_door_set_name (sauna, "Sauna");
  saved_sauna = lanyard_store_save_door (f->store, sauna, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(LanyardDecisionReport) before = lanyard_store_decide (f->store, 1, lanyard_door_get_id (saved_sauna),
                                                                    at ("2026-11-23T09:30:00Z"), NULL, &error);
    g_autoptr(LanyardScope) grown = lanyard_scope_new ();
    g_autoptr(LanyardScope) grown_saved = NULL;
    g_autoptr(LanyardDecisionReport) after = NULL;
    gint64 ids[2] = { gym, lanyard_door_get_id (saved_sauna) };

    g_assert_false (before->decision.allowed);
    lanyard_scope_set_id (grown, lanyard_scope_get_id (saved_scope));
    lanyard_scope_set_facility_id (grown, f->facility_id);
    lanyard_scope_set_name (grown, lanyard_scope_get_name (saved_scope));
    lanyard_scope_set_version (grown, lanyard_scope_get_version (saved_scope));
    lanyard_scope_set_door_ids (grown, ids, 2);
    grown_saved = lanyard_store_save_scope (f->store, grown, NULL, &error);
    g_assert_no_error (error);
    after = lanyard_store_decide (f->store, 1, lanyard_door_get_id (saved_sauna), at ("2026-11-23T09:30:00Z"), NULL, &error);
    g_assert_true (after->decision.allowed);
    g_assert_cmpint (after->decision.match_kind, ==, LANYARD_MATCH_RULE);
    g_assert_nonnull (strstr (after->match_name, "Gold all day"));

    /* A stale scope is refused. */
    g_assert_null (lanyard_store_save_scope (f->store, grown, NULL, &error));
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  /* Disabling the rule takes access away. */
  lanyard_access_rule_set_enabled (saved, FALSE);
  {
    g_autoptr(LanyardAccessRule) off = lanyard_store_save_rule (f->store, saved, NULL, &error);
    g_autoptr(LanyardPerson) again = NULL;

    g_assert_no_error (error);
    again = lanyard_store_get_person (f->store, 1, NULL, &error);
    g_assert_false (lanyard_person_get_has_access (again));
    g_assert_true (lanyard_store_count_people (f->store, f->facility_id, &counts, NULL, &error));
    g_assert_cmpuint (counts.has_access, ==, 0);
  }

  /* Bad rules. */
  {
    g_autoptr(LanyardAccessRule) bad = lanyard_access_rule_new ();
    gint64 nowhere = 9999;

    lanyard_access_rule_set_facility_id (bad, f->facility_id);
    lanyard_access_rule_set_name (bad, "Broken");
    lanyard_access_rule_set_value (bad, "Gold");
    lanyard_access_rule_set_target (bad, LANYARD_RULE_TARGET_DOORS);
    g_assert_null (lanyard_store_save_rule (f->store, bad, NULL, &error));
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
    g_clear_error (&error);

    lanyard_access_rule_set_target_ids (bad, &nowhere, 1);
    g_assert_null (lanyard_store_save_rule (f->store, bad, NULL, &error));
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
    g_clear_error (&error);

    lanyard_access_rule_set_name (bad, "gold all DAY");
    lanyard_access_rule_set_target (bad, LANYARD_RULE_TARGET_ALL_DOORS);
    g_assert_null (lanyard_store_save_rule (f->store, bad, NULL, &error));
    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE);
  }
}

static void
test_facilities_and_doors (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(LanyardFacility) facility = lanyard_facility_new ();
  g_autoptr(LanyardDoor) door = lanyard_door_new ();
  g_autoptr(GPtrArray) facilities = NULL;
  g_autoptr(GError) error = NULL;

  lanyard_facility_set_name (facility, "harbour gym");
  lanyard_facility_set_timezone (facility, "Europe/Berlin");
  g_assert_null (lanyard_store_save_facility (f->store, facility, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE);
  g_clear_error (&error);

  lanyard_facility_set_name (facility, "Hilltop");
  lanyard_facility_set_timezone (facility, "Mars/Olympus_Mons");
  g_assert_null (lanyard_store_save_facility (f->store, facility, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Mars/Olympus_Mons"));
  g_clear_error (&error);

  facilities = lanyard_store_list_facilities (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (facilities->len, ==, 1);

  lanyard_door_set_facility_id (door, f->facility_id);
  lanyard_door_set_name (door, " GYM ");
  g_assert_null (lanyard_store_save_door (f->store, door, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_DUPLICATE);
  g_clear_error (&error);

  lanyard_door_set_name (door, "");
  g_assert_null (lanyard_store_save_door (f->store, door, NULL, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Deleting a door takes the grants on it along and recomputes access. */
  {
    g_autoptr(LanyardPerson) person = lanyard_test_add_person (f->store, f->facility_id, "Gina", "Lopez", NULL, "gina@example.org");
    g_autoptr(LanyardPerson) granted = grant (f, person, LANYARD_GRANT_DOOR,
                                              lanyard_test_door_id (f->store, f->facility_id, "Pool"), NULL, &error);
    g_autoptr(LanyardPerson) after = NULL;

    g_assert_no_error (error);
    g_assert_true (lanyard_person_get_has_access (granted));
    g_assert_true (lanyard_store_delete_door (f->store, lanyard_test_door_id (f->store, f->facility_id, "Pool"), NULL, &error));
    g_assert_no_error (error);
    after = lanyard_store_get_person (f->store, lanyard_person_get_id (person), NULL, &error);
    g_assert_false (lanyard_person_get_has_access (after));
    g_assert_cmpint (lanyard_person_get_grant_count (after), ==, 0);
  }
}

/* ------------------------------------------------------------------------ */

static void
add_store_test (const StoreImpl *impl,
                const char      *path,
                void           (*func) (Fixture *, gconstpointer))
{
  g_autofree char *full = g_strdup_printf ("/core/store/%s/%s", impl->name, path);

  g_test_add (full, Fixture, impl, fixture_set_up, func, fixture_tear_down);
}

static void
add_dataset_test (const StoreImpl *impl,
                  const char      *path,
                  GTestDataFunc    func)
{
  g_autofree char *full = g_strdup_printf ("/core/store/%s/%s", impl->name, path);

  g_test_add_data_func (full, impl, func);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (impls); i++)
    {
      add_store_test (&impls[i], "facilities-and-doors", test_facilities_and_doors);
      add_store_test (&impls[i], "people/create", test_people_create);
      add_store_test (&impls[i], "people/invalid", test_people_invalid);
      add_store_test (&impls[i], "people/duplicate", test_people_duplicate);
      add_store_test (&impls[i], "people/conflict", test_people_conflict);
      add_store_test (&impls[i], "people/delete", test_people_delete);
      add_store_test (&impls[i], "people/create-batch", test_people_create_batch);
      add_store_test (&impls[i], "people/name-order", test_people_name_order);
      add_store_test (&impls[i], "people/batch-renumber", test_people_batch_renumber);
      add_store_test (&impls[i], "grants", test_grants);
      add_store_test (&impls[i], "rules", test_rules);
      add_dataset_test (&impls[i], "query/search", test_query_search);
      add_dataset_test (&impls[i], "query/search-phone", test_query_search_phone);
      add_dataset_test (&impls[i], "query/filters", test_query_filters);
      add_dataset_test (&impls[i], "query/sorts", test_query_sorts);
      add_dataset_test (&impls[i], "query/bad-cursor", test_query_bad_cursor);
      add_dataset_test (&impls[i], "query/counts", test_query_counts);
      add_dataset_test (&impls[i], "query/facets", test_query_facets);
      add_dataset_test (&impls[i], "query/async", test_query_async);
    }

  return g_test_run ();
}
