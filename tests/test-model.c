/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <string.h>

#include "lanyard-test-utils.h"

/* The model types and the validation every caller shares, without a store. */

static LanyardPerson *
make_person (const char *first,
             const char *last,
             const char *phone,
             const char *email)
{
  LanyardPerson *person = lanyard_person_new ();

  lanyard_person_set_first_name (person, first);
  lanyard_person_set_last_name (person, last);
  lanyard_person_set_phone (person, phone);
  lanyard_person_set_email (person, email);

  return person;
}

static void
test_person_normalize (void)
{
  g_autoptr(LanyardPerson) person = make_person ("  Ana ", " Lima", "(11) 91234-5678", "  Ana.Lima@Example.org");
  const char *tags[] = { " vip", "VIP", "", "early-bird ", NULL };
  g_autoptr(GError) error = NULL;

  lanyard_person_set_custom_tags (person, tags);
  lanyard_person_set_notes (person, "   ");
  lanyard_person_set_person_type (person, " Gold ");
  g_assert_true (lanyard_person_normalize (person, "BR", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_person_get_first_name (person), ==, "Ana");
  g_assert_cmpstr (lanyard_person_get_last_name (person), ==, "Lima");
  g_assert_cmpstr (lanyard_person_get_phone (person), ==, "+5511912345678");
  g_assert_cmpstr (lanyard_person_get_email (person), ==, "Ana.Lima@Example.org");
  g_assert_cmpstr (lanyard_person_get_person_type (person), ==, "Gold");
  g_assert_null (lanyard_person_get_notes (person));
  g_assert_cmpuint (g_strv_length ((char **)lanyard_person_get_custom_tags (person)), ==, 2);
  g_assert_cmpstr (lanyard_person_get_custom_tags (person)[0], ==, "vip");
  g_assert_cmpstr (lanyard_person_get_custom_tags (person)[1], ==, "early-bird");
}

static void
test_person_normalize_errors (void)
{
  static const struct { const char *first, *last, *phone, *email, *fragment; } cases[] = {
    { NULL, "Lima", NULL, "a@example.org", "First name" },
    { "Ana", "", NULL, "a@example.org", "Last name" },
    { "Ana", "Lima", NULL, NULL, "phone or an email" },
    { "Ana", "Lima", "  ", "", "phone or an email" },
    { "Ana", "Lima", "123", NULL, "123" },
    { "Ana", "Lima", NULL, "a@b", "a@b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LanyardPerson) person = make_person (cases[i].first, cases[i].last, cases[i].phone, cases[i].email);
      g_autoptr(LanyardPerson) copy = lanyard_person_copy (person);
      g_autoptr(GError) error = NULL;

      g_assert_false (lanyard_person_normalize (person, "DE", &error));
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
      if (strstr (error->message, cases[i].fragment) == NULL)
        g_error ("case %u: “%s” lacks “%s”", i, error->message, cases[i].fragment);

      /* A refused person keeps what was typed. */
      g_assert_cmpstr (lanyard_person_get_phone (person), ==, lanyard_person_get_phone (copy));
      g_assert_cmpstr (lanyard_person_get_email (person), ==, lanyard_person_get_email (copy));
    }
}

/* The field checks forms run as the user types agree with the whole-person rules. */
static void
test_person_check_field (void)
{
  static const struct {
    LanyardPersonField field;
    const char *text;
    const char *value;      /* expected stored value; NULL: empty */
    const char *fragment;   /* non-NULL: an error naming this */
  } cases[] = {
    { LANYARD_PERSON_FIELD_FIRST_NAME, "  Ana ", "Ana", NULL },
    { LANYARD_PERSON_FIELD_FIRST_NAME, "   ", NULL, "First name" },
    { LANYARD_PERSON_FIELD_LAST_NAME, NULL, NULL, "Last name" },
    { LANYARD_PERSON_FIELD_PHONE, "0151 2345 6789", "+4915123456789", NULL },
    { LANYARD_PERSON_FIELD_PHONE, "  ", NULL, NULL },
    { LANYARD_PERSON_FIELD_PHONE, "123", NULL, "123" },
    { LANYARD_PERSON_FIELD_EMAIL, " Ana@Example.org ", "Ana@Example.org", NULL },
    { LANYARD_PERSON_FIELD_EMAIL, "", NULL, NULL },
    { LANYARD_PERSON_FIELD_EMAIL, "ana@", NULL, "ana@" },
    { LANYARD_PERSON_FIELD_PERSON_TYPE, " Gold ", "Gold", NULL },
    { LANYARD_PERSON_FIELD_MEMBERSHIP_STATUS, "", NULL, NULL },
    { LANYARD_PERSON_FIELD_NOTES, "Key card at the desk", "Key card at the desk", NULL },
  };
  g_autofree char *long_notes = g_strnfill (LANYARD_NOTES_MAX_CHARS + 1, 'x');
  g_autofree char *value = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = NULL;
      g_autoptr(GError) case_error = NULL;
      gboolean ok = lanyard_person_check_field (cases[i].field, cases[i].text, "DE", &got, &case_error);

      if (cases[i].fragment != NULL)
        {
          g_assert_false (ok);
          g_assert_null (got);
          g_assert_error (case_error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
          if (strstr (case_error->message, cases[i].fragment) == NULL)
            g_error ("case %u: “%s” lacks “%s”", i, case_error->message, cases[i].fragment);
        }
      else
        {
          g_assert_no_error (case_error);
          g_assert_true (ok);
          g_assert_cmpstr (got, ==, cases[i].value);
        }
    }

  g_assert_true (lanyard_person_check_contact ("", " ana@example.org ", "DE", NULL));
  g_assert_true (lanyard_person_check_contact ("0151 2345 6789", NULL, "DE", NULL));
  g_assert_false (lanyard_person_check_contact (" ", "", "DE", &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "phone or an email"));
  g_clear_error (&error);
  g_assert_false (lanyard_person_check_contact ("12", "ana@example.org", "DE", &error));
  g_assert_nonnull (strstr (error->message, "12"));
  g_clear_error (&error);

  g_assert_false (lanyard_person_check_field (LANYARD_PERSON_FIELD_NOTES, long_notes, "DE", &value, &error));
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "2001"));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *n)
{
  (*n)++;
}

/* assign() makes a person hold another's values, notifying only what changed; NULL empties it. */
static void
test_person_assign (void)
{
  g_autoptr(LanyardPerson) a = make_person ("Kai", "Lang", "+4915100000000", NULL);
  g_autoptr(LanyardPerson) b = make_person ("Kai", "Berg", NULL, "kai@example.org");
  g_autoptr(LanyardPerson) empty = lanyard_person_new ();
  const char *tags[] = { "vip", NULL };
  guint n = 0;

  lanyard_person_set_id (b, 7);
  lanyard_person_set_custom_tags (b, tags);
  lanyard_person_set_access_enabled (b, !lanyard_person_get_access_enabled (a));

  g_signal_connect (a, "notify", G_CALLBACK (count_notify_cb), &n);
  lanyard_person_assign (a, b);
  /* id, last name, phone, email, tags, access: the first name stayed. */
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpint (lanyard_person_get_id (a), ==, 7);
  g_assert_cmpstr (lanyard_person_get_first_name (a), ==, "Kai");
  g_assert_cmpstr (lanyard_person_get_last_name (a), ==, "Berg");
  g_assert_null (lanyard_person_get_phone (a));
  g_assert_cmpstr (lanyard_person_get_email (a), ==, "kai@example.org");
  g_assert_cmpstr (lanyard_person_get_custom_tags (a)[0], ==, "vip");
  g_assert_cmpint (lanyard_person_get_access_enabled (a), ==, lanyard_person_get_access_enabled (b));

  n = 0;
  lanyard_person_assign (a, b);
  g_assert_cmpuint (n, ==, 0);

  lanyard_person_assign (a, NULL);
  g_assert_cmpint (lanyard_person_get_id (a), ==, lanyard_person_get_id (empty));
  g_assert_null (lanyard_person_get_first_name (a));
  g_assert_null (lanyard_person_get_custom_tags (a)[0]);
}

static void
test_person_copy_and_tags (void)
{
  g_autoptr(LanyardPerson) person = make_person ("Kai", "Lang", "+4915100000000", NULL);
  g_autoptr(LanyardPerson) copy = NULL;
  g_auto(GStrv) all = NULL;
  g_autofree char *name = NULL;
  const char *synced[] = { "wellness", "family", NULL };
  const char *custom[] = { "family", "vip", NULL };
  g_autoptr(LanyardSchedule) hours = lanyard_schedule_parse ("mon-fri 08:00-18:00", NULL);
  g_autoptr(LanyardGrant) grant = lanyard_grant_new_full (LANYARD_GRANT_DOOR, 12, hours);
  g_autoptr(LanyardGrant) grant_copy = lanyard_grant_copy (grant);
  g_autoptr(LanyardGrant) wide = lanyard_grant_new_full (LANYARD_GRANT_FACILITY, 99, NULL);

  lanyard_person_set_synced_tags (person, synced);
  lanyard_person_set_custom_tags (person, custom);
  lanyard_person_set_source (person, LANYARD_SOURCE_INTEGRATION);
  lanyard_person_set_last_used_at (person, 1234);
  copy = lanyard_person_copy (person);
  g_assert_true (copy != person);
  g_assert_cmpint (lanyard_person_get_source (copy), ==, LANYARD_SOURCE_INTEGRATION);
  g_assert_cmpint (lanyard_person_get_last_used_at (copy), ==, 1234);
  g_assert_cmpstr (lanyard_person_get_synced_tags (copy)[1], ==, "family");

  all = lanyard_person_dup_all_tags (copy);
  g_assert_cmpuint (g_strv_length (all), ==, 3);

  name = lanyard_person_dup_display_name (copy);
  g_assert_cmpstr (name, ==, "Kai Lang");

  g_assert_cmpint (lanyard_grant_get_kind (grant_copy), ==, LANYARD_GRANT_DOOR);
  g_assert_cmpint (lanyard_grant_get_target_id (grant_copy), ==, 12);
  g_assert_true (lanyard_schedule_equal (lanyard_grant_get_schedule (grant_copy), hours));
  /* A facility-wide grant has no target. */
  g_assert_cmpint (lanyard_grant_get_target_id (wide), ==, 0);
}

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *)user_data)++;
}

static void
test_person_notify_only_on_change (void)
{
  g_autoptr(LanyardPerson) person = lanyard_person_new ();
  const char *tags[] = { "a", NULL };
  guint n = 0;

  g_signal_connect (person, "notify", G_CALLBACK (on_notify_cb), &n);
  lanyard_person_set_first_name (person, "Lea");
  lanyard_person_set_first_name (person, "Lea");
  lanyard_person_set_access_enabled (person, TRUE);   /* already the default */
  lanyard_person_set_custom_tags (person, tags);
  lanyard_person_set_custom_tags (person, tags);
  lanyard_person_set_custom_tags (person, NULL);
  g_assert_cmpuint (n, ==, 3);
}

static void
test_people_query (void)
{
  g_autoptr(LanyardPeopleQuery) q = lanyard_people_query_new (3);
  g_autoptr(LanyardPeopleQuery) copy = NULL;

  g_assert_false (lanyard_people_query_is_filtered (q));
  q->search = g_strdup ("");
  g_assert_false (lanyard_people_query_is_filtered (q));
  g_free (q->search);
  q->search = g_strdup ("ann");
  q->tag = g_strdup ("vip");
  q->sort = LANYARD_PEOPLE_SORT_LAST_USED;
  q->descending = TRUE;
  g_assert_true (lanyard_people_query_is_filtered (q));

  copy = lanyard_people_query_copy (q);
  g_assert_true (lanyard_people_query_equal (q, copy));
  g_free (copy->tag);
  copy->tag = g_strdup ("family");
  g_assert_false (lanyard_people_query_equal (q, copy));

  /* Clearing filters keeps the facility and the sort. */
  lanyard_people_query_clear_filters (q);
  g_assert_false (lanyard_people_query_is_filtered (q));
  g_assert_cmpint (q->facility_id, ==, 3);
  g_assert_cmpint (q->sort, ==, LANYARD_PEOPLE_SORT_LAST_USED);
  g_assert_true (q->descending);

  q->access = LANYARD_ACCESS_FILTER_DISABLED;
  g_assert_true (lanyard_people_query_is_filtered (q));
}

static void
test_demo_data (void)
{
  g_autoptr(LanyardPerson) a = lanyard_demo_make_person (1, 42, 500, 7);
  g_autoptr(LanyardPerson) b = lanyard_demo_make_person (1, 42, 500, 7);
  g_autoptr(LanyardPerson) c = lanyard_demo_make_person (1, 43, 500, 7);
  guint with_phone = 0;

  /* Same seed, same person; and every generated person passes validation. */
  g_assert_cmpstr (lanyard_person_get_first_name (a), ==, lanyard_person_get_first_name (b));
  g_assert_cmpstr (lanyard_person_get_phone (a), ==, lanyard_person_get_phone (b));
  g_assert_cmpstr (lanyard_person_get_email (a), !=, lanyard_person_get_email (c));

  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(LanyardPerson) p = lanyard_demo_make_person (1, i, 500, 3);
      g_autoptr(GError) error = NULL;

      g_assert_true (lanyard_person_normalize (p, "DE", &error));
      g_assert_no_error (error);
      with_phone += lanyard_person_get_phone (p) != NULL;
    }
  g_assert_cmpuint (with_phone, >, 350);
  g_assert_cmpuint (with_phone, <, 500);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/model/person/normalize", test_person_normalize);
  g_test_add_func ("/core/model/person/normalize-errors", test_person_normalize_errors);
  g_test_add_func ("/core/model/person/check-field", test_person_check_field);
  g_test_add_func ("/core/model/person/assign", test_person_assign);
  g_test_add_func ("/core/model/person/copy-and-tags", test_person_copy_and_tags);
  g_test_add_func ("/core/model/person/notify", test_person_notify_only_on_change);
  g_test_add_func ("/core/model/people-query", test_people_query);
  g_test_add_func ("/core/model/demo", test_demo_data);

  return g_test_run ();
}
