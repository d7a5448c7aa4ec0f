/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-phone.h"

/* Messages name countries through iso-codes when it is installed, and by
 * their code when it is not; expect whichever this machine gives. */
static const char *
expected_region (const char *code,
                 const char *name)
{
  static int have_iso_codes = -1;

  if (have_iso_codes < 0)
    {
      const char * const *dirs = g_get_system_data_dirs ();

      have_iso_codes = 0;
      for (guint i = 0; dirs[i] != NULL && !have_iso_codes; i++)
        {
          g_autofree char *path = g_build_filename (dirs[i], "iso-codes", "json",
                                                    "iso_3166-1.json", NULL);

          have_iso_codes = g_file_test (path, G_FILE_TEST_IS_REGULAR);
        }
    }

  return have_iso_codes ? name : code;
}

static void
test_region_known (void)
{
  static const char * const known[] = { "DE", "US", "GB", "FR", "AU", "CH", "de", "Gb" };
  static const char * const unknown[] = { "XX", "ZZ", "001", "", "D", "DEU", "1A", "UK" };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      g_test_message ("%s", known[i]);
      g_assert_true (lanyard_phone_region_is_known (known[i]));
    }

  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_test_message ("%s", unknown[i]);
      g_assert_false (lanyard_phone_region_is_known (unknown[i]));
    }
}

static const struct {
  const char *input;
  const char *region;
  const char *e164;
} valid_numbers[] = {
  /* Germany: trunk prefix, international prefix, +, “(0)”, dashes, wide digits */
  { "0151 23456789", "DE", "+4915123456789" },
  { "+49 151 23456789", "DE", "+4915123456789" },
  { "0049 151 2345 6789", "DE", "+4915123456789" },
  { "+49 (0)151 23456789", "DE", "+4915123456789" },
  { "  0151-2345-6789\t", "DE", "+4915123456789" },
  { "0151 – 23456789", "DE", "+4915123456789" },
  { "０１５１ ２３４５６７８９", "DE", "+4915123456789" },
  { "030 12345678", "DE", "+493012345678" },
  { "0151/23456789", "de", "+4915123456789" },
  /* United States */
  { "(415) 555-2671", "US", "+14155552671" },
  { "415.555.2671", "US", "+14155552671" },
  { "1-415-555-2671", "US", "+14155552671" },
  { "+1 (415) 555-2671", "DE", "+14155552671" },
  { "011 49 151 23456789", "US", "+4915123456789" },
  /* United Kingdom */
  { "020 7946 0958", "GB", "+442079460958" },
  { "00 44 20 7946 0958", "DE", "+442079460958" },
  { "+44 (0)20 7946 0958", "FR", "+442079460958" },
  /* France */
  { "01 23 45 67 89", "FR", "+33123456789" },
  { "06.12.34.56.78", "FR", "+33612345678" },
  { "+33 6 12 34 56 78", "US", "+33612345678" },
  /* Australia */
  { "0412 345 678", "AU", "+61412345678" },
  { "(02) 9876 5432", "AU", "+61298765432" },
  { "+61 412 345 678", "GB", "+61412345678" },
};

static void
test_normalize_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_numbers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *e164 = NULL;

      g_test_message ("%s in %s", valid_numbers[i].input, valid_numbers[i].region);
      e164 = lanyard_phone_normalize (valid_numbers[i].input, valid_numbers[i].region, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (e164, ==, valid_numbers[i].e164);
    }
}

static void
test_normalize_invalid (void)
{
  /* “{country}” stands for the country's name, which depends on iso-codes. */
  static const struct {
    const char *input;
    const char *region;
    const char *message;
    const char *country_code;
    const char *country_name;
  } cases[] = {
    { "", "DE", "The phone number is empty", NULL, NULL },
    { "  \t ", "DE", "The phone number is empty", NULL, NULL },
    { "1", "DE", "“1” is too short to be a phone number", NULL, NULL },
    { "0049", "DE", "“0049” is too short to be a phone number", NULL, NULL },
    { "+49 1", "DE", "“+49 1” is too short to be a phone number", NULL, NULL },
    { "+1 415", "DE", "“+1 415” is too short to be a phone number", NULL, NULL },
    { "+33 1 23", "DE", "“+33 1 23” is too short for a phone number in {country}", "FR", "France" },
    { "12", "DE", "“12” is too short for a phone number in {country}; add the area code",
      "DE", "Germany" },
    { "555-2671", "US", "“555-2671” is too short for a phone number in {country}; add the area code",
      "US", "United States" },
    { "0151234567890123456789", "DE",
      "“0151234567890123456789” is too long to be a phone number", NULL, NULL },
    { "+1 415 555 26711", "US", "“+1 415 555 26711” is too long for a phone number in {country}",
      "US", "United States" },
    { "+41 1234567891", "DE",
      "“+41 1234567891” has the wrong number of digits for a phone number in {country}",
      "CH", "Switzerland" },
    { "abc", "DE", "“abc” is not a phone number", NULL, NULL },
    { "0151 2345678x", "DE",
      "“0151 2345678x” contains “x”, which cannot be part of a phone number", NULL, NULL },
    { "0800-FLOWERS", "DE",
      "“0800-FLOWERS” contains “F”, which cannot be part of a phone number", NULL, NULL },
    { "call 0151 23456789", "DE",
      "“call 0151 23456789” contains “c”, which cannot be part of a phone number", NULL, NULL },
    { "+49 151 23456789 ext. 12", "DE", "contains “e”", NULL, NULL },
    { "0151\xff 23456789", "DE", "contains “\xef\xbf\xbd”", NULL, NULL },
    { "+999 1234567", "DE", "“+999 1234567” does not start with a known country code", NULL, NULL },
    { "0151 23456789", "XX", "“XX” is not a known region for phone numbers", NULL, NULL },
    { "0151 23456789", "001", "“001” is not a known region for phone numbers", NULL, NULL },
    { "0151 23456789", "", "“” is not a known region for phone numbers", NULL, NULL },
    { "1234567", "DE", "“1234567” is not a valid phone number in {country}", "DE", "Germany" },
    { "07700 900123", "GB", "“07700 900123” is not a valid phone number in {country}",
      "GB", "United Kingdom" },
    { "+1 999 555 2671", "US", "“+1 999 555 2671” is not a valid phone number in {country}",
      "US", "United States" },
    /* +44 is shared by GB, Jersey, Guernsey and Man: no single country */
    { "+44 20 7946 095", "DE", "“+44 20 7946 095” is not a valid phone number", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *e164 = NULL;
      GString *expected = g_string_new (cases[i].message);

      if (cases[i].country_code != NULL)
        g_string_replace (expected, "{country}",
                          expected_region (cases[i].country_code, cases[i].country_name), 1);

      e164 = lanyard_phone_normalize (cases[i].input, cases[i].region, &error);
      g_test_message ("“%s” in %s → %s", cases[i].input, cases[i].region,
                      error ? error->message : e164);
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
      g_assert_null (e164);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      if (strstr (error->message, expected->str) == NULL)
        g_error ("message for “%s” in %s is “%s”, expected it to contain “%s”",
                 cases[i].input, cases[i].region, error->message, expected->str);

      g_string_free (expected, TRUE);
    }
}

static void
test_format_international (void)
{
  static const struct {
    const char *e164;
    const char *expected;
  } cases[] = {
    { "+4915123456789", "+49 1512 3456789" },
    { "+493012345678", "+49 30 12345678" },
    { "+14155552671", "+1 415-555-2671" },
    { "+442079460958", "+44 20 7946 0958" },
    { "+33612345678", "+33 6 12 34 56 78" },
    { "+61412345678", "+61 412 345 678" },
    /* Not E.164: returned as it is */
    { "0151 23456789", "0151 23456789" },
    { "not a number", "not a number" },
    { "+", "+" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *formatted = lanyard_phone_format_international (cases[i].e164);

      g_assert_cmpstr (formatted, ==, cases[i].expected);
    }
}

/*
 * Preparing on a thread while this thread reads and formats numbers: the
 * same answers, and asking twice is harmless. In a fresh process, so that
 * libphonenumber is loaded by the two threads at once, as at the app's start.
 */
static void
test_prepare_in_background (void)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  lanyard_phone_prepare_in_background ();
  for (int i = 0; i < 50; i++)
    {
      g_autofree char *formatted = lanyard_phone_format_international ("+4915123456789");
      g_autofree char *normalized = lanyard_phone_normalize ("030 901820", "DE", NULL);

      g_assert_cmpstr (formatted, ==, "+49 1512 3456789");
      g_assert_cmpstr (normalized, ==, "+4930901820");
    }
  lanyard_phone_prepare_in_background ();
}

/* The display form reads back to the same number from any region. */
static void
test_format_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_numbers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *formatted = lanyard_phone_format_international (valid_numbers[i].e164);
      g_autofree char *again = lanyard_phone_normalize (formatted, "AU", &error);

      g_assert_no_error (error);
      g_assert_cmpstr (again, ==, valid_numbers[i].e164);
    }
}

static gpointer
normalize_thread (gpointer data)
{
  for (guint round = 0; round < 50; round++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (valid_numbers); i++)
        {
          g_autofree char *e164 = lanyard_phone_normalize (valid_numbers[i].input,
                                                           valid_numbers[i].region, NULL);
          g_autofree char *bad = lanyard_phone_normalize ("1234567", "DE", NULL);

          if (g_strcmp0 (e164, valid_numbers[i].e164) != 0 || bad != NULL)
            return GINT_TO_POINTER (FALSE);
        }
    }

  return GINT_TO_POINTER (TRUE);
}

/* The header promises thread safety: the store normalizes on workers. */
static void
test_threads (void)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("normalize", normalize_thread, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Messages and country names are checked in English whatever the
   * environment says. */
  setlocale (LC_ALL, "C.UTF-8");

  g_test_add_func ("/core/phone/prepare-in-background", test_prepare_in_background);
  g_test_add_func ("/core/phone/region-known", test_region_known);
  g_test_add_func ("/core/phone/normalize/valid", test_normalize_valid);
  g_test_add_func ("/core/phone/normalize/invalid", test_normalize_invalid);
  g_test_add_func ("/core/phone/format/international", test_format_international);
  g_test_add_func ("/core/phone/format/round-trip", test_format_round_trip);
  g_test_add_func ("/core/phone/threads", test_threads);

  return g_test_run ();
}
