/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <cstring>
#include <exception>
#include <list>
#include <set>
#include <string>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <phonenumbers/phonenumberutil.h>

#include "lanyard-error.h"
#include "lanyard-phone.h"

/*
 * The header declares the API inside G_BEGIN_DECLS, so the definitions
 * below get C linkage from it; no extern "C" block is needed here, and
 * none must wrap the includes (GLib uses templates in C++ mode).
 *
 * libphonenumber is thread-safe on Linux (its locks use pthreads) and keeps
 * one PhoneNumberUtil for the process. Its regular expressions sit behind
 * one lock, though, so calls from several threads do not run faster than
 * from one. It reports through return codes; the only exceptions are those
 * of the C++ library (std::bad_alloc), which every entry point catches so
 * that none unwinds into C.
 */

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

#define ISO_3166_DOMAIN "iso_3166-1"

static const PhoneNumberUtil &
phone_util (void)
{
  return *PhoneNumberUtil::GetInstance ();
}

/* libphonenumber wants region codes in upper case; accept "de" too. */
static bool
region_from_string (const char  *region,
                    std::string *code)
{
  if (!g_ascii_isalpha (region[0]) || !g_ascii_isalpha (region[1]) || region[2] != '\0')
    return false;

  code->assign (1, g_ascii_toupper (region[0]));
  code->push_back (g_ascii_toupper (region[1]));

  return true;
}

/*
 * Region names come from iso-codes, as gnome-desktop gets them, so that
 * messages say “in Germany” (translated with the iso_3166-1 domain) rather
 * than “in DE”. Without iso-codes installed the code is used instead. Only
 * error messages need them, so they are loaded on first use.
 */
static GHashTable *
region_names_load (void)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char * const *dirs = g_get_system_data_dirs ();

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "iso-codes", "json",
                                                "iso_3166-1.json", NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;
      JsonNode *list;
      JsonArray *entries;

      if (!json_parser_load_from_mapped_file (parser, path, NULL))
        continue;

      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;

      list = json_object_get_member (json_node_get_object (root), "3166-1");
      if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
        continue;

      entries = json_node_get_array (list);
      for (guint j = 0; j < json_array_get_length (entries); j++)
        {
          JsonNode *element = json_array_get_element (entries, j);
          JsonObject *entry;
          const char *code;
          const char *name;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;

          entry = json_node_get_object (element);

          code = json_object_get_string_member_with_default (entry, "alpha_2", NULL);
          /* “South Korea” reads better than “Korea, Republic of”. */
          name = json_object_get_string_member_with_default (entry, "common_name", NULL);
          if (name == NULL)
            name = json_object_get_string_member_with_default (entry, "name", NULL);

          if (code != NULL && name != NULL)
            g_hash_table_insert (names, g_strdup (code), g_strdup (name));
        }

      bind_textdomain_codeset (ISO_3166_DOMAIN, "UTF-8");
      break;
    }

  return names;
}

static const char *
region_display_name (const std::string &code)
{
  static GHashTable *names;
  const char *name;

  if (g_once_init_enter (&names))
    g_once_init_leave (&names, region_names_load ());

  name = (const char *) g_hash_table_lookup (names, code.c_str ());
  if (name == NULL)
    return NULL;

  return g_dgettext (ISO_3166_DOMAIN, name);
}

/*
 * The region a problem with @number is best described in: the default
 * region when the number is in its country code, else the only region of
 * the country code. Empty when there is no single one (+1 is the US,
 * Canada and more; +800 is no region at all).
 */
static std::string
region_for_number (const PhoneNumber &number,
                   const std::string &default_region)
{
  const PhoneNumberUtil &util = phone_util ();
  std::list<std::string> regions;

  if (util.GetCountryCodeForRegion (default_region) == number.country_code ())
    return default_region;

  util.GetRegionCodesForCountryCallingCode (number.country_code (), &regions);
  if (regions.size () == 1 && util.GetCountryCodeForRegion (regions.front ()) != 0)
    return regions.front ();

  return std::string ();
}

/* A name for @region in a message: its name, or its code without iso-codes. */
static const char *
region_for_message (const std::string &region)
{
  const char *name = region_display_name (region);

  return name != NULL ? name : region.c_str ();
}

static guint
count_digits (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      if (g_unichar_isdigit (g_utf8_get_char (p)))
        n++;
    }

  return n;
}

/*
 * Parse() is generous: it skips leading text (“call 0151…”), reads
 * letters as a keypad would (“0800-FLOWERS”) and cuts extensions off. A
 * number for a person’s phone is digits and the punctuation they are
 * written with, so anything else is refused before it gets there.
 */
static gunichar
find_foreign_char (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isdigit (c) || g_unichar_isspace (c))
        continue;

      if (c < 0x80 && strchr ("+-()./", (int) c) != NULL)
        continue;

      /* Full-width plus and brackets, and every dash (‐ – —). */
      if (c == 0xFF0B || c == 0xFF08 || c == 0xFF09 ||
          g_unichar_type (c) == G_UNICODE_DASH_PUNCTUATION)
        continue;

      return c;
    }

  return 0;
}

static void
set_invalid (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
set_invalid (GError     **error,
             const char  *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (LANYARD_STORE_ERROR,
                                                LANYARD_STORE_ERROR_INVALID,
                                                format, args));
  va_end (args);
}

/* Explains why @number, read from @input, is not possible or not valid. */
static void
set_number_error (GError                            **error,
                  const char                         *input,
                  const PhoneNumber                  &number,
                  PhoneNumberUtil::ValidationResult   result,
                  const std::string                  &default_region)
{
  std::string region = region_for_number (number, default_region);
  const char *place = region.empty () ? NULL : region_for_message (region);

  switch (result)
    {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      set_invalid (error, _("“%s” does not start with a known country code"), input);
      break;

    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
      /* Dialable within an area only: the area code is missing. */
      if (place != NULL)
        /* Translators: the second %s is a country, such as “Germany” */
        set_invalid (error, _("“%s” is too short for a phone number in %s; add the area code"),
                     input, place);
      else
        set_invalid (error, _("“%s” is too short to be a phone number; add the area code"),
                     input);
      break;

    case PhoneNumberUtil::TOO_SHORT:
      if (place != NULL)
        /* Translators: the second %s is a country, such as “Germany” */
        set_invalid (error, _("“%s” is too short for a phone number in %s"), input, place);
      else
        set_invalid (error, _("“%s” is too short to be a phone number"), input);
      break;

    case PhoneNumberUtil::TOO_LONG:
      if (place != NULL)
        /* Translators: the second %s is a country, such as “Germany” */
        set_invalid (error, _("“%s” is too long for a phone number in %s"), input, place);
      else
        set_invalid (error, _("“%s” is too long to be a phone number"), input);
      break;

    case PhoneNumberUtil::INVALID_LENGTH:
      if (place != NULL)
        /* Translators: the second %s is a country, such as “Germany” */
        set_invalid (error, _("“%s” has the wrong number of digits for a phone number in %s"),
                     input, place);
      else
        set_invalid (error, _("“%s” has the wrong number of digits for a phone number"), input);
      break;

    case PhoneNumberUtil::IS_POSSIBLE:
    default:
      if (place != NULL)
        /* Translators: the second %s is a country, such as “Germany” */
        set_invalid (error, _("“%s” is not a valid phone number in %s"), input, place);
      else
        set_invalid (error, _("“%s” is not a valid phone number"), input);
      break;
    }
}

/*
 * "+<country code><national number>" with nothing else, the national
 * number not starting with 0 (Italian numbers keep a leading zero, which
 * Parse() knows how to record): fills @number and returns TRUE. Country
 * codes are prefix-free, so the first known one is the one.
 */
static gboolean
e164_split (const char  *input,
            PhoneNumber *number)
{
  const PhoneNumberUtil &util = phone_util ();
  gsize len = strlen (input);
  int country_code = 0;

  if (input[0] != '+' || len < 8 || len > 16)
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isdigit (input[i]))
      return FALSE;

  for (gsize cc_len = 1; cc_len <= 3; cc_len++)
    {
      std::string region_code;

      country_code = country_code * 10 + (input[cc_len] - '0');
      util.GetRegionCodeForCountryCode (country_code, &region_code);

      /* Unknown so far, or a non-geographic code (+800): Parse() handles those. */
      if (region_code == "ZZ")
        continue;

      if (input[cc_len + 1] == '0')
        return FALSE;

      number->Clear ();
      number->set_country_code (country_code);
      number->set_national_number (g_ascii_strtoull (input + cc_len + 1, NULL, 10));
      return TRUE;
    }

  return FALSE;
}

static char *
phone_normalize (const char  *raw_input,
                 const char  *default_region,
                 GError     **error)
{
  const PhoneNumberUtil &util = phone_util ();
  g_autofree char *input = NULL;
  std::string region;
  std::string e164;
  PhoneNumber number;
  PhoneNumberUtil::ErrorType parse_error;
  PhoneNumberUtil::ValidationResult possible;
  gunichar foreign;
  guint n_digits;

  /* Invalid UTF-8 becomes U+FFFD, which is then refused as a character
   * like any other, and the message stays printable. */
  if (g_utf8_validate (raw_input, -1, NULL))
    input = g_strstrip (g_strdup (raw_input));
  else
    input = g_strstrip (g_utf8_make_valid (raw_input, -1));

  if (input[0] == '\0')
    {
      set_invalid (error, "%s", _("The phone number is empty"));
      return NULL;
    }

  if (!region_from_string (default_region, &region) ||
      !lanyard_phone_region_is_known (region.c_str ()))
    {
      g_autofree char *printable = g_utf8_make_valid (default_region, -1);

      set_invalid (error, _("“%s” is not a known region for phone numbers"), printable);
      return NULL;
    }

  n_digits = count_digits (input);
  if (n_digits == 0)
    {
      set_invalid (error, _("“%s” is not a phone number"), input);
      return NULL;
    }

  foreign = find_foreign_char (input);
  if (foreign != 0)
    {
      char buf[8] = { 0 };

      g_unichar_to_utf8 (foreign, buf);
      set_invalid (error, _("“%s” contains “%s”, which cannot be part of a phone number"),
                   input, buf);
      return NULL;
    }

  /*
   * A number already in E.164 form (what the store itself writes, and what
   * integrations send) is split by hand: Parse() runs a dozen regular
   * expressions and costs more than everything else a bulk import does.
   */
  if (e164_split (input, &number))
    parse_error = PhoneNumberUtil::NO_PARSING_ERROR;
  else
    parse_error = util.Parse (input, region, &number);

  switch (parse_error)
    {
    case PhoneNumberUtil::NO_PARSING_ERROR:
      break;

    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      set_invalid (error, _("“%s” does not start with a known country code"), input);
      return NULL;

    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      set_invalid (error, _("“%s” is too short to be a phone number"), input);
      return NULL;

    case PhoneNumberUtil::TOO_LONG_NSN:
      set_invalid (error, _("“%s” is too long to be a phone number"), input);
      return NULL;

    case PhoneNumberUtil::NOT_A_NUMBER:
    default:
      /* Only digits and punctuation got here, so with a digit or two
       * (“1”) the number is just too short. */
      if (n_digits < 3)
        set_invalid (error, _("“%s” is too short to be a phone number"), input);
      else
        set_invalid (error, _("“%s” is not a phone number"), input);
      return NULL;
    }

  possible = util.IsPossibleNumberWithReason (number);
  if (possible != PhoneNumberUtil::IS_POSSIBLE || !util.IsValidNumber (number))
    {
      set_number_error (error, input, number, possible, region);
      return NULL;
    }

  util.Format (number, PhoneNumberUtil::E164, &e164);

  return g_strdup (e164.c_str ());
}

gboolean
lanyard_phone_region_is_known (const char *region)
{
  g_return_val_if_fail (region != NULL, FALSE);

  try
    {
      std::string code;

      /* 0 for codes it has no metadata for, and for "001", the
       * non-geographic entity, which is no region to read numbers in. */
      return region_from_string (region, &code) &&
             phone_util ().GetCountryCodeForRegion (code) != 0;
    }
  catch (...)
    {
      return FALSE;
    }
}

char *
lanyard_phone_normalize (const char  *input,
                         const char  *default_region,
                         GError     **error)
{
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (default_region != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  try
    {
      return phone_normalize (input, default_region, error);
    }
  catch (const std::exception &e)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                     _("The phone number could not be read: %s"), e.what ());
    }
  catch (...)
    {
      if (error == NULL || *error == NULL)
        g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                             _("The phone number could not be read"));
    }

  return NULL;
}

char *
lanyard_phone_format_international (const char *e164)
{
  g_return_val_if_fail (e164 != NULL, NULL);

  try
    {
      const PhoneNumberUtil &util = phone_util ();
      PhoneNumber number;
      std::string formatted;

      /* "ZZ": no default region, so only numbers with a + are read. */
      if (util.Parse (e164, "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR)
        return g_strdup (e164);

      util.Format (number, PhoneNumberUtil::INTERNATIONAL, &formatted);

      return g_strdup (formatted.c_str ());
    }
  catch (...)
    {
      return g_strdup (e164);
    }
}

static gpointer
prepare_thread (gpointer data)
{
  /* Reading and formatting a number also builds the patterns most numbers use. */
  g_free (lanyard_phone_format_international ("+4930901820"));

  return NULL;
}

void
lanyard_phone_prepare_in_background (void)
{
  static gsize started = 0;

  if (g_once_init_enter (&started))
    {
      g_thread_unref (g_thread_new ("lanyard-phone", prepare_thread, NULL));
      g_once_init_leave (&started, 1);
    }
}

static int
compare_region_names (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  GHashTable *keys = (GHashTable *) user_data;
  const char *code_a = *(const char * const *) a;
  const char *code_b = *(const char * const *) b;

  return g_strcmp0 ((const char *) g_hash_table_lookup (keys, code_a),
                    (const char *) g_hash_table_lookup (keys, code_b));
}

char **
lanyard_phone_dup_regions (void)
{
  try
    {
      std::set<std::string> regions;
      g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      GPtrArray *codes = g_ptr_array_new ();

      phone_util ().GetSupportedRegions (&regions);
      for (const std::string &region : regions)
        {
          char *code = g_strdup (region.c_str ());
          g_autofree char *name = lanyard_phone_dup_region_name (code);

          g_hash_table_insert (keys, code, g_utf8_collate_key (name, -1));
          g_ptr_array_add (codes, code);
        }

      g_ptr_array_sort_with_data (codes, compare_region_names, keys);
      g_ptr_array_add (codes, NULL);

      return (char **) g_ptr_array_free (codes, FALSE);
    }
  catch (const std::exception &e)
    {
      g_critical ("Could not list phone regions: %s", e.what ());
      return g_new0 (char *, 1);
    }
}

char *
lanyard_phone_dup_region_name (const char *region)
{
  std::string code;
  const char *name;

  g_return_val_if_fail (region != NULL, NULL);

  try
    {
      if (!region_from_string (region, &code))
        return g_strdup (region);

      name = region_display_name (code);
      return g_strdup (name != NULL ? name : code.c_str ());
    }
  catch (const std::exception &e)
    {
      return g_strdup (region);
    }
}

int
lanyard_phone_region_calling_code (const char *region)
{
  std::string code;

  g_return_val_if_fail (region != NULL, 0);

  try
    {
      if (!region_from_string (region, &code))
        return 0;

      return phone_util ().GetCountryCodeForRegion (code);
    }
  catch (const std::exception &e)
    {
      return 0;
    }
}
