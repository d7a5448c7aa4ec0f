/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lanyard-error.h"
#include "lanyard-text.h"

/* RFC 5321: 64 octets before the @, 254 for a whole forward path address. */
#define EMAIL_LOCAL_MAX  64
#define EMAIL_TOTAL_MAX  254
#define EMAIL_LABEL_MAX  63
#define NAME_MAX_CHARS   100

/* The unit separator sorts before every printable character, so "Smith"
 * comes before "Smith Jones" whatever the first names are. */
#define SORT_KEY_SEPARATOR '\x1f'

/* Characters an unquoted local part may hold besides letters and digits
 * (RFC 5322 atext); the dot is checked separately. */
#define EMAIL_LOCAL_SPECIALS "!#$%&'*+-/=?^_`{|}~"

/* Characters a phone number is typed with besides digits. */
#define PHONE_PUNCTUATION "+-()./"

/* Trims Unicode white space from both ends of valid UTF-8 @text; returns the
 * start and sets @len to the length of what is left. */
static const char *
utf8_trim (const char *text,
           gsize      *len)
{
  const char *start = text;
  const char *end = text + strlen (text);

  while (start < end && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  *len = end - start;

  return start;
}

static char *
utf8_trim_dup (const char *text)
{
  gsize len;
  const char *start = utf8_trim (text, &len);

  return g_strndup (start, len);
}

/* Renders one character for a message: “<” or “\t”. */
static void
char_for_message (gunichar c,
                  char     buf[8])
{
  gint n = g_unichar_to_utf8 (c, buf);

  buf[n] = '\0';
}

/*
 * Email
 */

static gboolean
email_set_error (GError    **error,
                 const char *format,
                 ...) G_GNUC_PRINTF (2, 3);

static gboolean
email_set_error (GError    **error,
                 const char *format,
                 ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (LANYARD_STORE_ERROR,
                                                LANYARD_STORE_ERROR_INVALID,
                                                format, args));
  va_end (args);

  return FALSE;
}

static gboolean
email_local_char_is_valid (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c) || c == '.' || strchr (EMAIL_LOCAL_SPECIALS, c) != NULL;

  /* RFC 6531 allows UTF-8 in addresses; accept letters, digits and their
   * marks so that “zoë@bücher.de” passes but symbols do not. */
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

static gboolean
email_domain_char_is_valid (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c) || c == '.' || c == '-';

  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* Checks the dots of @part (the local part or the domain): not at either end,
 * never two in a row. */
static gboolean
email_check_dots (const char  *address,
                  const char  *part,
                  gsize        len,
                  gboolean     is_domain,
                  GError     **error)
{
  if (part[0] == '.' || part[len - 1] == '.')
    {
      if (is_domain)
        return email_set_error (error,
                                _("In “%s”, the domain cannot start or end with a dot"),
                                address);
      else
        return email_set_error (error,
                                _("In “%s”, the part before the “@” cannot start or end with a dot"),
                                address);
    }

  if (g_strstr_len (part, len, "..") != NULL)
    return email_set_error (error, _("“%s” has two dots in a row"), address);

  return TRUE;
}

static gboolean
email_check (const char  *address,
             GError     **error)
{
  const char *at;
  const char *local;
  const char *domain;
  const char *p;
  const char *label;
  gsize local_len;
  gsize domain_len;
  gsize total_len = strlen (address);

  if (total_len == 0)
    return email_set_error (error, "%s", _("The email address is empty"));

  for (p = address; *p; p = g_utf8_next_char (p))
    {
      if (g_unichar_isspace (g_utf8_get_char (p)))
        return email_set_error (error, _("“%s” contains a space"), address);
    }

  at = strchr (address, '@');
  if (at == NULL)
    return email_set_error (error, _("“%s” is missing the “@” between name and domain"),
                            address);

  if (strchr (at + 1, '@') != NULL)
    return email_set_error (error, _("“%s” has more than one “@”"), address);

  local = address;
  local_len = at - address;
  domain = at + 1;
  domain_len = total_len - local_len - 1;

  if (local_len == 0)
    return email_set_error (error, _("“%s” has nothing before the “@”"), address);

  if (domain_len == 0)
    return email_set_error (error, _("“%s” has nothing after the “@”"), address);

  /* The limits are in octets, as mail servers count them. */
  if (local_len > EMAIL_LOCAL_MAX)
    return email_set_error (error,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "In “%s”, the part before the “@” is longer than %d character",
                                         "In “%s”, the part before the “@” is longer than %d characters",
                                         EMAIL_LOCAL_MAX),
                            address, EMAIL_LOCAL_MAX);

  if (total_len > EMAIL_TOTAL_MAX)
    return email_set_error (error,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "“%s” is longer than %d character",
                                         "“%s” is longer than %d characters",
                                         EMAIL_TOTAL_MAX),
                            address, EMAIL_TOTAL_MAX);

  for (p = local; p < at; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!email_local_char_is_valid (c))
        {
          char buf[8];

          char_for_message (c, buf);
          return email_set_error (error,
                                  _("“%s” contains “%s”, which is not allowed in an email address"),
                                  address, buf);
        }
    }

  if (!email_check_dots (address, local, local_len, FALSE, error))
    return FALSE;

  for (p = domain; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!email_domain_char_is_valid (c))
        {
          char buf[8];

          char_for_message (c, buf);
          return email_set_error (error,
                                  _("“%s” contains “%s”, which is not allowed in an email domain"),
                                  address, buf);
        }
    }

  if (strchr (domain, '.') == NULL)
    return email_set_error (error,
                            _("The domain of “%s” has no dot; it should look like “example.com”"),
                            address);

  if (!email_check_dots (address, domain, domain_len, TRUE, error))
    return FALSE;

  /* Every label is non-empty here (the dots were checked above). */
  for (label = domain; label != NULL && *label; )
    {
      const char *dot = strchr (label, '.');
      gsize label_len = dot ? (gsize) (dot - label) : strlen (label);

      if (label[0] == '-' || label[label_len - 1] == '-')
        return email_set_error (error,
                                _("In “%s”, a part of the domain starts or ends with a hyphen"),
                                address);

      if (label_len > EMAIL_LABEL_MAX)
        return email_set_error (error,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "In “%s”, a part of the domain is longer than %d character",
                                             "In “%s”, a part of the domain is longer than %d characters",
                                             EMAIL_LABEL_MAX),
                                address, EMAIL_LABEL_MAX);

      label = dot ? dot + 1 : NULL;
    }

  return TRUE;
}

char *
lanyard_email_normalize (const char  *input,
                         GError     **error)
{
  g_autofree char *address = NULL;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Imported files can carry another encoding; say so rather than
   * quoting bytes that are not text. */
  if (!g_utf8_validate (input, -1, NULL))
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("The email address is not valid UTF-8 text"));
      return NULL;
    }

  address = utf8_trim_dup (input);

  if (!email_check (address, error))
    return NULL;

  return g_steal_pointer (&address);
}

char *
lanyard_email_key (const char *email)
{
  const char *start;
  const char *p;
  gsize len;

  g_return_val_if_fail (email != NULL, NULL);

  start = utf8_trim (email, &len);

  for (p = start; p < start + len; p++)
    {
      if ((guchar) *p >= 0x80)
        return g_utf8_casefold (start, len);
    }

  /* Case folding ASCII is lowering it; skip the Unicode tables. */
  return g_ascii_strdown (start, len);
}

/*
 * Folding
 */

/* Both paths of fold_append() must agree on this for ASCII, so it is one
 * function rather than g_ascii_isspace() in one and g_unichar_isspace() in
 * the other (they differ on \v). */
static inline gboolean
is_fold_space (gunichar c)
{
  if (c < 0x80)
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';

  return g_unichar_isspace (c);
}

/*
 * Accents to drop after NFKD: every mark with a non-zero combining class
 * (the diacritics of Latin, Greek and Cyrillic, Hebrew points, Arabic
 * vowel marks) and generic marks of the Inherited script. Most vowel signs
 * of Brahmic scripts have class 0 and a script of their own; they are
 * letters in function, and dropping them would make “कि” and “का” the same.
 */
static inline gboolean
is_dropped_mark (gunichar c)
{
  GUnicodeType type;

  if (c < 0x300)
    return FALSE;

  if (g_unichar_combining_class (c) != 0)
    return TRUE;

  type = g_unichar_type (c);
  if (type != G_UNICODE_NON_SPACING_MARK &&
      type != G_UNICODE_ENCLOSING_MARK &&
      type != G_UNICODE_SPACING_MARK)
    return FALSE;

  return g_unichar_get_script (c) == G_UNICODE_SCRIPT_INHERITED;
}

/*
 * Latin letters that carry their "accent" inside and so do not decompose:
 * people type "orsted", "lukasz" and "yilmaz" for Ørsted, Łukasz and
 * Yılmaz. (Case folding has already made them lower case.)
 */
static const char *
fold_latin_letter (gunichar c)
{
  switch (c)
    {
    case 0x00F8: return "o";   /* ø */
    case 0x0142: return "l";   /* ł */
    case 0x0111: return "d";   /* đ */
    case 0x00F0: return "d";   /* ð */
    case 0x0127: return "h";   /* ħ */
    case 0x0131: return "i";   /* ı */
    case 0x00E6: return "ae";  /* æ */
    case 0x0153: return "oe";  /* œ */
    case 0x00FE: return "th";  /* þ */
    default:     return NULL;
    }
}

static void
fold_append_unicode (GString    *out,
                     const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  gsize start = out->len;
  gboolean pending_space = FALSE;
  const char *p;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  /* Decompose first so that casefolding sees base letters: “ℌ” becomes “H”
   * then “h”, and “İ” becomes “I” + dot, then “i”. */
  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  folded = g_utf8_casefold (decomposed, -1);

  for (p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_dropped_mark (c))
        continue;

      if (is_fold_space (c))
        {
          pending_space = TRUE;
          continue;
        }

      if (pending_space && out->len > start)
        g_string_append_c (out, ' ');
      pending_space = FALSE;

      if (fold_latin_letter (c) != NULL)
        g_string_append (out, fold_latin_letter (c));
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
}

/*
 * Appends the folded form of @text to @out. Most names and emails are
 * ASCII: they are lowered and spaced in one pass with no allocation beyond
 * @out, and only text with other characters goes through normalization.
 */
static void
fold_append (GString    *out,
             const char *text)
{
  gsize start = out->len;
  gboolean pending_space = FALSE;
  const char *p;

  for (p = text; *p; p++)
    {
      guchar c = *p;

      if (c >= 0x80)
        {
          g_string_truncate (out, start);
          fold_append_unicode (out, text);
          return;
        }

      if (is_fold_space (c))
        {
          pending_space = TRUE;
          continue;
        }

      if (pending_space && out->len > start)
        g_string_append_c (out, ' ');
      pending_space = FALSE;

      g_string_append_c (out, g_ascii_tolower (c));
    }
}

/* Appends @text folded, after a space when @out is not empty; appends
 * nothing when @text folds to nothing. */
static void
fold_append_part (GString    *out,
                  const char *text)
{
  gsize mark = out->len;

  if (text == NULL || *text == '\0')
    return;

  if (mark > 0)
    g_string_append_c (out, ' ');

  fold_append (out, text);

  if (out->len == mark + (mark > 0 ? 1 : 0))
    g_string_truncate (out, mark);
}

char *
lanyard_text_fold (const char *text)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) + 1);
  fold_append (out, text);

  return g_string_free (out, FALSE);
}

char *
lanyard_person_sort_key (const char *first_name,
                         const char *last_name)
{
  GString *out = g_string_sized_new (64);

  if (last_name != NULL)
    fold_append (out, last_name);
  g_string_append_c (out, SORT_KEY_SEPARATOR);
  if (first_name != NULL)
    fold_append (out, first_name);

  return g_string_free (out, FALSE);
}

char *
lanyard_person_search_text (const char *first_name,
                            const char *last_name,
                            const char *email,
                            const char *phone_e164)
{
  GString *out = g_string_sized_new (96);

  fold_append_part (out, first_name);
  fold_append_part (out, last_name);
  fold_append_part (out, email);

  if (phone_e164 != NULL && strpbrk (phone_e164, "0123456789") != NULL)
    {
      const char *p;

      if (out->len > 0)
        g_string_append_c (out, ' ');

      for (p = phone_e164; *p; p++)
        {
          if (g_ascii_isdigit (*p))
            g_string_append_c (out, *p);
        }
    }

  return g_string_free (out, FALSE);
}

/*
 * Search
 */

/*
 * A term is read as (part of) a phone number when it holds only digits and
 * the punctuation numbers are typed with, and has a digit or a “+”, “(” or
 * “)”. A lone “+” or “(” typed on the way to a number then drops out rather
 * than matching nobody, while “-” and “.” still find “smith-jones” and
 * emails.
 */
static gboolean
term_is_phone_like (const char *term)
{
  gboolean has_digit_or_bracket = FALSE;
  const char *p;

  for (p = term; *p; p++)
    {
      if (strchr (PHONE_PUNCTUATION, *p) == NULL && !g_ascii_isdigit (*p))
        return FALSE;

      if (g_ascii_isdigit (*p) || *p == '+' || *p == '(' || *p == ')')
        has_digit_or_bracket = TRUE;
    }

  return has_digit_or_bracket;
}

/* Keeps the digits of a phone-like @term in place, without leading zeros
 * (the trunk prefix of “0151”) nor the “(0)” of “+49(0)151”, which the
 * E.164 form in the search text does not have. */
static void
term_keep_digits (char *term)
{
  const char *p;
  char *out = term;

  for (p = term; *p; p++)
    {
      if (p[0] == '(' && p[1] == '0' && p[2] == ')')
        {
          p += 2;
          continue;
        }

      if (!g_ascii_isdigit (*p))
        continue;

      if (*p == '0' && out == term)
        continue;

      *out++ = *p;
    }

  *out = '\0';
}

char **
lanyard_search_terms (const char *search)
{
  g_autoptr(GPtrArray) terms = NULL;
  g_autofree char *folded = NULL;
  char *term;

  terms = g_ptr_array_new_with_free_func (g_free);

  /* No search at all (a query without one) has no terms. */
  if (search == NULL)
    search = "";

  /* Folding collapses white space, so terms are split by single spaces. */
  folded = lanyard_text_fold (search);

  /*
   * A whole search that looks like a phone number ("0151 2345 6789",
   * "+49 (151) 2345") is one number, not several: its digits are one term.
   */
  if (strchr (folded, ' ') != NULL)
    {
      g_autofree char *joined = g_strdup (folded);
      char *w = joined;

      for (const char *r = folded; *r; r++)
        if (*r != ' ')
          *w++ = *r;
      *w = '\0';

      if (term_is_phone_like (joined))
        {
          term_keep_digits (joined);
          if (*joined != '\0')
            g_ptr_array_add (terms, g_steal_pointer (&joined));
          g_ptr_array_add (terms, NULL);
          return (char **) g_ptr_array_free (g_steal_pointer (&terms), FALSE);
        }
    }

  for (term = folded; term != NULL && *term; )
    {
      char *space = strchr (term, ' ');
      char *next = NULL;

      if (space != NULL)
        {
          *space = '\0';
          next = space + 1;
        }

      if (term_is_phone_like (term))
        term_keep_digits (term);

      if (*term != '\0')
        g_ptr_array_add (terms, g_strdup (term));

      term = next;
    }

  g_ptr_array_add (terms, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&terms), FALSE);
}

gboolean
lanyard_search_text_matches (const char         *search_text,
                             const char * const *terms)
{
  gsize i;

  g_return_val_if_fail (search_text != NULL, FALSE);
  g_return_val_if_fail (terms != NULL, FALSE);

  for (i = 0; terms[i] != NULL; i++)
    {
      if (strstr (search_text, terms[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}

/*
 * Names and tags
 */

/* Control characters, line breaks and the bidi overrides that would make a
 * name display as something else than it is. */
static gboolean
is_forbidden_in_name (gunichar c)
{
  if (g_unichar_iscntrl (c))
    return TRUE;

  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
    return TRUE;

  switch (g_unichar_type (c))
    {
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return TRUE;

    default:
      return FALSE;
    }
}

char *
lanyard_name_normalize (const char  *input,
                        const char  *what,
                        GError     **error)
{
  g_autofree char *name = NULL;
  const char *p;

  g_return_val_if_fail (what != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A field never filled in is as empty as one cleared. */
  if (input == NULL)
    input = "";

  if (!g_utf8_validate (input, -1, NULL))
    {
      /* Translators: %s is the field, such as “First name” */
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("%s is not valid text"), what);
      return NULL;
    }

  name = utf8_trim_dup (input);

  if (name[0] == '\0')
    {
      /* Translators: %s is the field, such as “First name” */
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("%s cannot be empty"), what);
      return NULL;
    }

  if (g_utf8_strlen (name, -1) > NAME_MAX_CHARS)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   /* Translators: the first %s is the field, such as “First name” */
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s is longer than %u character",
                                "%s is longer than %u characters",
                                NAME_MAX_CHARS),
                   what, (guint) NAME_MAX_CHARS);
      return NULL;
    }

  for (p = name; *p; p = g_utf8_next_char (p))
    {
      if (is_forbidden_in_name (g_utf8_get_char (p)))
        {
          /* Translators: %s is the field, such as “First name” */
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                       _("%s contains a control character, such as a line break or tab"),
                       what);
          return NULL;
        }
    }

  return g_steal_pointer (&name);
}

char **
lanyard_tags_parse (const char *text)
{
  g_autoptr(GPtrArray) tags = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = NULL;
  g_autofree char *valid = NULL;
  const char *start;

  if (text == NULL)
    text = "";

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (start = text; start != NULL; )
    {
      const char *comma = strchr (start, ',');
      g_autofree char *piece = comma ? g_strndup (start, comma - start) : g_strdup (start);
      g_autofree char *tag = utf8_trim_dup (piece);
      g_autofree char *composed = NULL;
      char *key;

      start = comma ? comma + 1 : NULL;

      if (tag[0] == '\0')
        continue;

      /* The first spelling wins: “VIP, vip” keeps “VIP”. Composed and
       * decomposed “é” are one tag too. */
      composed = g_utf8_normalize (tag, -1, G_NORMALIZE_DEFAULT_COMPOSE);
      key = g_utf8_casefold (composed, -1);
      if (!g_hash_table_add (seen, key))
        continue;

      g_ptr_array_add (tags, g_steal_pointer (&tag));
    }

  g_ptr_array_add (tags, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&tags), FALSE);
}

char *
lanyard_tags_join (const char * const *tags)
{
  if (tags == NULL)
    return g_strdup ("");

  return g_strjoinv (", ", (char **) tags);
}
