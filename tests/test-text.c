/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-text.h"

/* Asserts that @strv holds exactly the strings of @expected, in order. */
static void
assert_strv (const char * const *strv,
             const char * const *expected)
{
  guint i;

  g_assert_nonnull (strv);
  for (i = 0; expected[i] != NULL; i++)
    {
      g_assert_nonnull (strv[i]);
      g_assert_cmpstr (strv[i], ==, expected[i]);
    }
  g_assert_null (strv[i]);
}

/*
 * Email
 */

static void
test_email_valid (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } cases[] = {
    { "anna@example.com", "anna@example.com" },
    { "  Anna.Smith+door@Example.co.uk\t", "Anna.Smith+door@Example.co.uk" },
    { "o'brien@example.ie", "o'brien@example.ie" },
    { "first_last-1@sub.example-mail.org", "first_last-1@sub.example-mail.org" },
    { "zoë@bücher.de", "zoë@bücher.de" },
    { "a@b.co", "a@b.co" },
    { "\u00A0anna@example.com\u3000", "anna@example.com" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *email = lanyard_email_normalize (cases[i].input, &error);

      g_test_message ("%s", cases[i].input);
      g_assert_no_error (error);
      g_assert_cmpstr (email, ==, cases[i].expected);
    }
}

static void
test_email_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *local64 = g_strnfill (64, 'a');
  g_autofree char *local65 = g_strnfill (65, 'a');
  g_autofree char *label63 = g_strnfill (63, 'b');
  g_autofree char *label64 = g_strnfill (64, 'b');
  g_autofree char *ok = g_strconcat (local64, "@example.com", NULL);
  g_autofree char *long_local = g_strconcat (local65, "@example.com", NULL);
  g_autofree char *long_label = g_strconcat ("anna@", label64, ".com", NULL);
  /* 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 octets, the longest allowed */
  g_autofree char *label61 = g_strnfill (61, 'c');
  g_autofree char *total254 = g_strconcat (local64, "@", label63, ".", label63, ".", label61, NULL);
  g_autofree char *total255 = g_strconcat (local64, "@", label63, ".", label63, ".", label61, "c",
                                           NULL);
  char *email;

  g_assert_cmpuint (strlen (total254), ==, 254);

  email = lanyard_email_normalize (ok, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, ok);
  g_free (email);

  email = lanyard_email_normalize (total254, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, total254);
  g_free (email);

  email = lanyard_email_normalize (long_local, &error);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_null (email);
  g_assert_nonnull (strstr (error->message, "longer than 64"));
  g_clear_error (&error);

  email = lanyard_email_normalize (total255, &error);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_null (email);
  g_assert_nonnull (strstr (error->message, "longer than 254"));
  g_clear_error (&error);

  email = lanyard_email_normalize (long_label, &error);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_null (email);
  g_assert_nonnull (strstr (error->message, "longer than 63"));
  g_clear_error (&error);
}

static void
test_email_invalid (void)
{
  static const struct {
    const char *input;
    const char *fragment;
  } cases[] = {
    { "", "is empty" },
    { "   ", "is empty" },
    { "anna.example.com", "“anna.example.com” is missing the “@”" },
    { "anna@@example.com", "more than one “@”" },
    { "anna@example@com.de", "more than one “@”" },
    { "@example.com", "nothing before the “@”" },
    { "anna@", "nothing after the “@”" },
    { "anna@localhost", "has no dot" },
    { "anna smith@example.com", "“anna smith@example.com” contains a space" },
    { "anna@exam ple.com", "contains a space" },
    { "anna\t@example.com", "contains a space" },
    { "anna<x>@example.com", "contains “<”" },
    { "anna,b@example.com", "contains “,”" },
    { "anna@exam_ple.com", "contains “_”" },
    { "anna@[192.168.0.1]", "contains “[”" },
    { "anna@example.com→", "contains “→”" },
    { ".anna@example.com", "part before the “@” cannot start or end with a dot" },
    { "anna.@example.com", "part before the “@” cannot start or end with a dot" },
    { "an..na@example.com", "two dots in a row" },
    { "anna@example..com", "two dots in a row" },
    { "anna@.example.com", "domain cannot start or end with a dot" },
    { "anna@example.com.", "domain cannot start or end with a dot" },
    { "anna@-example.com", "starts or ends with a hyphen" },
    { "anna@example-.com", "starts or ends with a hyphen" },
    { "\xff\xfe@example.com", "not valid UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *email = lanyard_email_normalize (cases[i].input, &error);

      g_test_message ("“%s” → %s", cases[i].input, error ? error->message : "(no error)");
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
      g_assert_null (email);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      if (strstr (error->message, cases[i].fragment) == NULL)
        g_error ("message for “%s” is “%s”, expected it to contain “%s”",
                 cases[i].input, error->message, cases[i].fragment);
    }
}

static void
test_email_key (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } cases[] = {
    { "Anna.Smith@Example.COM", "anna.smith@example.com" },
    { "  anna@example.com  ", "anna@example.com" },
    { "STRASSE@example.de", "strasse@example.de" },
    { "Straße@Example.de", "strasse@example.de" },
    { "ZOË@example.com", "zoë@example.com" },
  };
  g_autofree char *upper = NULL;
  g_autofree char *lower = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = lanyard_email_key (cases[i].input);

      g_assert_cmpstr (key, ==, cases[i].expected);
    }

  /* Two spellings of one address compare equal by key. */
  upper = lanyard_email_key ("Zoë@Example.com");
  lower = lanyard_email_key ("zoË@example.COM");
  g_assert_cmpstr (upper, ==, lower);
}

/*
 * Folding
 */

static void
test_fold (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } cases[] = {
    { "Zoë Åström", "zoe astrom" },
    { "ANNA", "anna" },
    { "Straße", "strasse" },
    { "\u1E9E", "ss" },                         /* capital sharp s */
    { "François Müller-Lüdenscheidt", "francois muller-ludenscheidt" },
    { "Nguyễn Thị Minh Khai", "nguyen thi minh khai" },
    { "Łukasz", "lukasz" },                     /* ł has no decomposition: mapped by hand */
    { "Ørsted Yılmaz", "orsted yilmaz" },
    { "Ørsted", "orsted" },
    { "Борис Ельцин", "борис ельцин" },
    { "Ёлка", "елка" },                         /* the diaeresis goes, as in Latin */
    { "ΑΛΈΞΗΣ", "αλεξησ" },                     /* Greek: tonos dropped, final sigma folds to σ */
    { "Αλέξης", "αλεξησ" },
    { "山田 太郎", "山田 太郎" },
    { "كِتَاب", "كتاب" },                           /* Arabic vowel marks dropped */
    { "हिन्दी", "हिनदी" },                         /* Devanagari vowel signs kept, virama dropped */
    { "ﬁnance", "finance" },                    /* ligature */
    { "ＡＢＣ １２３", "abc 123" },                /* full width */
    { "\u210Cilbert", "hilbert" },              /* black-letter capital H */
    { "İstanbul", "istanbul" },
    { "  Anna \t Maria\n ", "anna maria" },
    { "Anna\u00A0Maria", "anna maria" },
    { "Anna\u3000Maria", "anna maria" },
    { "A\vB", "a b" },
    { "", "" },
    { " \t\n ", "" },
    { "a\u0301", "a" },                         /* already decomposed */
    { "A\u20DD", "a" },                         /* enclosing circle, class 0 */
    { "a\u034Fb", "ab" },                       /* grapheme joiner, class 0 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = lanyard_text_fold (cases[i].input);

      g_test_message ("%s", cases[i].input);
      g_assert_cmpstr (folded, ==, cases[i].expected);
    }
}

/* ASCII text takes a shortcut; it must fold exactly as the Unicode path
 * does, which the trailing “é” forces. */
static void
test_fold_ascii_matches_unicode (void)
{
  static const char * const inputs[] = {
    "Anna Smith",
    "  lots   of\tspace \r\n",
    "MiXeD-CaSe_123 !#$%&'*+/=?^`{|}~",
    "\x01\x7f control",
    "A\vB\fC",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *with_accent = g_strconcat (inputs[i], "é", NULL);
      g_autofree char *ascii = lanyard_text_fold (inputs[i]);
      g_autofree char *unicode = lanyard_text_fold (with_accent);
      g_autofree char *expected = NULL;

      /* The “é” becomes “e”, after a space if the input ended in one. */
      if (ascii[0] != '\0' && g_ascii_isspace (inputs[i][strlen (inputs[i]) - 1]))
        expected = g_strconcat (ascii, " e", NULL);
      else
        expected = g_strconcat (ascii, "e", NULL);

      g_assert_cmpstr (unicode, ==, expected);
    }
}

static void
test_fold_invalid_utf8 (void)
{
  g_autofree char *folded = lanyard_text_fold ("Anna\xff Smith");

  g_assert_true (g_utf8_validate (folded, -1, NULL));
  g_assert_true (g_str_has_prefix (folded, "anna"));
  g_assert_true (g_str_has_suffix (folded, " smith"));
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
test_sort_key (void)
{
  /* People in the order a facility manager expects them, by last name. */
  static const struct {
    const char *first;
    const char *last;
  } people[] = {
    { "Zed", NULL },
    { "Émile", "Ángel" },
    { "Zoë", "Åström" },
    { "bob", "becker" },
    { "Anna", "Smith" },
    { "Bob", "Smith" },
    { "Zed", "Smith" },
    { "Anna", "Smith Jones" },
    { "Anna", "Smithson" },
    { "Ivan", "Иванов" },
  };
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *key = NULL;
  g_autofree char *same_a = NULL;
  g_autofree char *same_b = NULL;

  key = lanyard_person_sort_key ("Zoë", "Åström");
  g_assert_cmpstr (key, ==, "astrom\x1fzoe");

  /* Case and accents do not split one name into two places. */
  same_a = lanyard_person_sort_key ("anna", "SMITH");
  same_b = lanyard_person_sort_key (" Anna ", "Smith");
  g_assert_cmpstr (same_a, ==, same_b);

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    g_ptr_array_add (keys, lanyard_person_sort_key (people[i].first, people[i].last));

  /* Shuffle by reversing, sort, and expect the original order back. */
  for (guint i = 0; i < keys->len / 2; i++)
    {
      gpointer tmp = keys->pdata[i];

      keys->pdata[i] = keys->pdata[keys->len - 1 - i];
      keys->pdata[keys->len - 1 - i] = tmp;
    }
  g_ptr_array_sort (keys, compare_keys);

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autofree char *expected = lanyard_person_sort_key (people[i].first, people[i].last);

      g_assert_cmpstr (g_ptr_array_index (keys, i), ==, expected);
    }

  g_ptr_array_unref (keys);
}

static void
test_search_text (void)
{
  static const struct {
    const char *first;
    const char *last;
    const char *email;
    const char *phone;
    const char *expected;
  } cases[] = {
    { "Zoë", "Åström", "Zoe.Astrom@Example.com", "+4915123456789",
      "zoe astrom zoe.astrom@example.com 4915123456789" },
    { "Anna", NULL, NULL, NULL, "anna" },
    { "", "Smith", "", "+14155552671", "smith 14155552671" },
    { NULL, NULL, "a@b.de", NULL, "a@b.de" },
    { NULL, NULL, NULL, "+442079460958", "442079460958" },
    { "  ", "  Straße ", NULL, "", "strasse" },
    { "Anna  Maria", "de la Cruz", NULL, NULL, "anna maria de la cruz" },
    { NULL, NULL, NULL, NULL, "" },
    { NULL, NULL, NULL, "+", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lanyard_person_search_text (cases[i].first, cases[i].last,
                                                          cases[i].email, cases[i].phone);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

/*
 * Search
 */

static void
test_search_terms (void)
{
  static const struct {
    const char *search;
    const char *expected[5];
  } cases[] = {
    { "Zoë", { "zoe", NULL } },
    { "  Anna   SMITH ", { "anna", "smith", NULL } },
    { "STRASSE", { "strasse", NULL } },
    { "Straße", { "strasse", NULL } },
    { "Борис", { "борис", NULL } },
    /* A whole phone number, however spaced, is one term. */
    { "+49 151 2345", { "491512345", NULL } },
    { "0151 2345 6789", { "15123456789", NULL } },
    { "anna 0151", { "anna", "151", NULL } },
    { "+4915123", { "4915123", NULL } },
    { "(0151) 234-56", { "15123456", NULL } },
    { "0151/234.56", { "15123456", NULL } },
    { "+49(0)151", { "49151", NULL } },
    { "0049", { "49", NULL } },
    { "0", { NULL } },
    { "+", { NULL } },
    { "( 0 )", { NULL } },
    { "r2d2", { "r2d2", NULL } },
    { "o'brien", { "o'brien", NULL } },
    { "anna@example.com", { "anna@example.com", NULL } },
    { "-", { "-", NULL } },
    { "", { NULL } },
    { " \t ", { NULL } },
  };

  g_auto(GStrv) none = lanyard_search_terms (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) terms = lanyard_search_terms (cases[i].search);

      g_test_message ("“%s”", cases[i].search);
      assert_strv ((const char * const *) terms, cases[i].expected);
    }

  /* A query without a search has no terms. */
  g_assert_nonnull (none);
  g_assert_null (none[0]);
}

static void
test_search_matches (void)
{
  static const struct {
    const char *search;
    gboolean matches;
  } cases[] = {
    { "", TRUE },
    { "zoë", TRUE },
    { "ZOE", TRUE },
    { "Åström zoe", TRUE },
    { "astr", TRUE },
    { "example", TRUE },
    { "zoe smith", FALSE },
    { "smith", FALSE },
    { "0151 234", TRUE },
    { "+49 151 23456789", TRUE },
    { "0151 23456789", TRUE },
    { "+49 (0)151 23456789", TRUE },
    { "23456789", TRUE },
    { "0152", FALSE },
    { "4915123456789 0", FALSE },           /* one number, one digit too many */
    { "49151234567890", FALSE },
  };
  g_autofree char *text = lanyard_person_search_text ("Zoë", "Åström",
                                                      "zoe.astrom@example.com",
                                                      "+4915123456789");
  const char * const none[] = { NULL };
  const char * const substring[] = { "oe a", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) terms = lanyard_search_terms (cases[i].search);

      g_test_message ("“%s”", cases[i].search);
      g_assert_cmpint (lanyard_search_text_matches (text, (const char * const *) terms),
                       ==, cases[i].matches);
    }

  g_assert_true (lanyard_search_text_matches (text, none));
  g_assert_true (lanyard_search_text_matches (text, substring));
  g_assert_true (lanyard_search_text_matches ("", none));
  g_assert_false (lanyard_search_text_matches ("", substring));
}

/*
 * Names
 */

static void
test_name (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } good[] = {
    { "Anna", "Anna" },
    { "  Anna Maria \t", "Anna Maria" },
    { "O'Brien-Smith", "O'Brien-Smith" },
    { "山田", "山田" },
    { "محمد", "محمد" },
    { "\u00A0Zoë\u00A0", "Zoë" },
  };
  static const struct {
    const char *input;
    const char *fragment;
  } bad[] = {
    { "", "First name cannot be empty" },
    { " \t\n ", "First name cannot be empty" },
    { "Anna\nMaria", "First name contains a control character" },
    { "Anna\tMaria", "First name contains a control character" },
    { "Anna\x7f", "First name contains a control character" },
    { "Anna\u202EairaM", "First name contains a control character" },
    { "Anna\u2028Maria", "First name contains a control character" },
    { "Anna\xc3", "First name is not valid text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = lanyard_name_normalize (good[i].input, "First name", &error);

      g_assert_no_error (error);
      g_assert_cmpstr (name, ==, good[i].expected);
    }

  /* A field never set reads as empty. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *name = lanyard_name_normalize (NULL, "Last name", &error);

    g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
    g_assert_null (name);
    g_assert_cmpstr (error->message, ==, "Last name cannot be empty");
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = lanyard_name_normalize (bad[i].input, "First name", &error);

      g_test_message ("%s", bad[i].fragment);
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
      g_assert_null (name);
      g_assert_nonnull (strstr (error->message, bad[i].fragment));
    }
}

static void
test_name_length (void)
{
  g_autoptr(GError) error = NULL;
  GString *accented = g_string_new (NULL);
  g_autofree char *ascii100 = g_strnfill (100, 'a');
  g_autofree char *ascii101 = g_strnfill (101, 'a');
  char *name;

  /* 100 characters of two bytes each: the limit counts characters. */
  for (guint i = 0; i < 100; i++)
    g_string_append (accented, "é");

  name = lanyard_name_normalize (accented->str, "Last name", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, accented->str);
  g_free (name);

  name = lanyard_name_normalize (ascii100, "Last name", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, ascii100);
  g_free (name);

  name = lanyard_name_normalize (ascii101, "Last name", &error);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_null (name);
  g_assert_cmpstr (error->message, ==, "Last name is longer than 100 characters");
  g_clear_error (&error);

  g_string_append (accented, "é");
  name = lanyard_name_normalize (accented->str, "Last name", &error);
  g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
  g_assert_null (name);

  g_string_free (accented, TRUE);
}

/*
 * Tags
 */

static void
test_tags_parse (void)
{
  static const struct {
    const char *text;
    const char *expected[5];
  } cases[] = {
    { "vip, Staff ,  , VIP,staff, night shift", { "vip", "Staff", "night shift", NULL } },
    { "Night Shift,night shift", { "Night Shift", NULL } },
    { "Straße, STRASSE", { "Straße", NULL } },
    { "ÉQUIPE, équipe, equipe", { "ÉQUIPE", "equipe", NULL } },
    { " contractor ", { "contractor", NULL } },
    { "b, a, c", { "b", "a", "c", NULL } },
    { "", { NULL } },
    { " , ,, ", { NULL } },
  };
  g_auto(GStrv) none = lanyard_tags_parse (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) tags = lanyard_tags_parse (cases[i].text);

      g_test_message ("“%s”", cases[i].text);
      assert_strv ((const char * const *) tags, cases[i].expected);
    }

  g_assert_nonnull (none);
  g_assert_null (none[0]);
}

static void
test_tags_join (void)
{
  const char * const two[] = { "vip", "night shift", NULL };
  const char * const one[] = { "staff", NULL };
  const char * const empty[] = { NULL };
  g_autofree char *joined_two = lanyard_tags_join (two);
  g_autofree char *joined_one = lanyard_tags_join (one);
  g_autofree char *joined_empty = lanyard_tags_join (empty);
  g_autofree char *joined_null = lanyard_tags_join (NULL);
  g_auto(GStrv) again = NULL;

  g_assert_cmpstr (joined_two, ==, "vip, night shift");
  g_assert_cmpstr (joined_one, ==, "staff");
  g_assert_cmpstr (joined_empty, ==, "");
  g_assert_cmpstr (joined_null, ==, "");

  /* What is joined parses back to the same tags. */
  again = lanyard_tags_parse (joined_two);
  assert_strv ((const char * const *) again, two);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Messages are checked in English whatever the environment says. */
  setlocale (LC_ALL, "C.UTF-8");

  g_test_add_func ("/core/text/email/valid", test_email_valid);
  g_test_add_func ("/core/text/email/limits", test_email_limits);
  g_test_add_func ("/core/text/email/invalid", test_email_invalid);
  g_test_add_func ("/core/text/email/key", test_email_key);
  g_test_add_func ("/core/text/fold/cases", test_fold);
  g_test_add_func ("/core/text/fold/ascii-matches-unicode", test_fold_ascii_matches_unicode);
  g_test_add_func ("/core/text/fold/invalid-utf8", test_fold_invalid_utf8);
  g_test_add_func ("/core/text/person/sort-key", test_sort_key);
  g_test_add_func ("/core/text/person/search-text", test_search_text);
  g_test_add_func ("/core/text/search/terms", test_search_terms);
  g_test_add_func ("/core/text/search/matches", test_search_matches);
  g_test_add_func ("/core/text/name/rules", test_name);
  g_test_add_func ("/core/text/name/length", test_name_length);
  g_test_add_func ("/core/text/tags/parse", test_tags_parse);
  g_test_add_func ("/core/text/tags/join", test_tags_join);

  return g_test_run ();
}
