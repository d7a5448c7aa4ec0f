/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Phone numbers through libphonenumber (lanyard-phone.cc holds the C++).
 * All functions are thread-safe.
 */

/* TRUE when @region is a two-letter region libphonenumber knows ("DE", "US"). */
gboolean lanyard_phone_region_is_known (const char *region);

/*
 * Parses @input (as typed: spaces, dashes, brackets, a leading + or 00, a
 * national trunk prefix) and returns it in E.164 ("+4915123456789").
 * Numbers without a country code are read in @default_region.
 * On failure sets LANYARD_STORE_ERROR_INVALID with a message a person can act
 * on ("… is too short for a phone number in Germany").
 */
char *lanyard_phone_normalize (const char *input,
                               const char *default_region,
                               GError    **error);

/*
 * The regions libphonenumber knows, for choosing the default region:
 * two-letter codes, sorted by their names in the user's language.
 */
char **lanyard_phone_dup_regions (void);

/* "Germany" (translated by iso-codes when installed), else the code itself. */
char *lanyard_phone_dup_region_name (const char *region);

/* The country calling code of @region (49 for DE), or 0 when unknown. */
int lanyard_phone_region_calling_code (const char *region);

/* Pretty form of an E.164 number for display, international notation. */
char *lanyard_phone_format_international (const char *e164);

/*
 * Loads libphonenumber's metadata on a thread of its own, once per process.
 * The first number read or formatted otherwise pays for it where it is
 * called (about 10 ms here): an app calls this when it starts, before
 * its first list of people, so that the main thread does not wait.
 */
void lanyard_phone_prepare_in_background (void);

G_END_DECLS
