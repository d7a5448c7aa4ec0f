/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Text rules shared by every caller: emails, names, folding for search and
 * sorting. Pure functions, thread-safe.
 */

/*
 * Trims @input and checks that it is a plausible email address (one @,
 * a non-empty local part of allowed characters, a domain with a dot, labels
 * of letters, digits and hyphens, no spaces, length limits of RFC 5321).
 * Returns the trimmed address as typed (case kept) or NULL with
 * LANYARD_STORE_ERROR_INVALID and a specific message.
 */
char *lanyard_email_normalize (const char *input,
                               GError    **error);

/* The key two emails are compared by: case-folded. */
char *lanyard_email_key (const char *email);

/* Case-folded, accents removed (NFKD then marks dropped), spaces collapsed. */
char *lanyard_text_fold (const char *text);

/*
 * The key people are sorted by name with: folded last name, a unit
 * separator, folded first name. Stable across machines and locales.
 */
char *lanyard_person_sort_key (const char *first_name,
                               const char *last_name);

/*
 * The text the search index holds for a person: folded "first last",
 * folded email, and the digits of the E.164 phone.
 */
char *lanyard_person_search_text (const char *first_name,
                                  const char *last_name,
                                  const char *email,
                                  const char *phone_e164);

/*
 * Splits a search as typed into terms the search text is matched with:
 * folded, split at white space; a term that looks like a phone number
 * ("+49 151-23", "(415) 555") keeps only its digits, leading zeros dropped
 * so that a national trunk prefix still matches. Empty terms are dropped.
 * Returns a NULL-terminated array, possibly empty.
 */
char **lanyard_search_terms (const char *search);

/* TRUE when every term occurs in @search_text (a substring match). */
gboolean lanyard_search_text_matches (const char         *search_text,
                                      const char * const *terms);

/*
 * Trims a name; returns NULL with LANYARD_STORE_ERROR_INVALID when it is
 * empty, longer than 100 characters, or holds control characters.
 * @what names the field in the message ("First name").
 */
char *lanyard_name_normalize (const char *input,
                              const char *what,
                              GError    **error);

/* Splits a comma-separated tag list, trims, drops empties and duplicates (case-insensitively), keeps order. */
char **lanyard_tags_parse (const char *text);

/* Joins tags with ", ". */
char *lanyard_tags_join (const char * const *tags);

G_END_DECLS
