/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * LanyardSchedule: operating hours. Weekly windows (days of the week and a
 * start and end time of day in the facility's time zone), optionally
 * bounded by a first and a last valid date (inclusive, facility dates).
 * A window whose end is not after its start runs over midnight into the
 * next day ("fri 22:00-02:00"). No schedule (NULL) means always open.
 *
 * Immutable once parsed; reference counted; thread-safe to share.
 *
 * Text form, used by the store, the CLI and the API — windows and bounds
 * separated by ";", days as names or ranges, times as HH:MM (24:00 allowed
 * as an end):
 *
 *   "mon-fri 07:00-22:00; sat,sun 09:00-18:00; from 2026-01-01; until 2026-12-31"
 *
 * Day names are the English three-letter abbreviations (mon … sun; the full
 * names are accepted too), "daily" means every day; a range may wrap past
 * Sunday ("fri-mon"). The parser is case-insensitive and tolerant of spaces;
 * empty parts (a trailing ";") are skipped.
 *
 * Details:
 *  - Bounds without windows ("from 2026-06-01; until 2026-06-30") are open
 *    all day, every day, between the dates. A text with neither windows nor
 *    bounds is an error: no schedule is spelled NULL, not "".
 *  - A window is open from its start (inclusive) to its end (exclusive).
 *    An end of 00:00 means midnight at the end of the day and reads as 24:00;
 *    24:00 cannot start a window. Equal start and end make a 24-hour window.
 *  - An overnight window belongs to the day it starts on: "fri 22:00-02:00"
 *    is open early on Saturday, not early on Friday, and the date bounds are
 *    applied to the day a window starts.
 *  - At most one "from" and one "until"; "until" may equal "from" (one day)
 *    but not come before it.
 *
 * Errors are LANYARD_STORE_ERROR_INVALID with a short, translated message
 * that quotes the offending part, e.g. “25:00” is not a time of day.
 *
 * lanyard_schedule_to_string() gives the canonical form, which parses back to
 * an equal schedule: windows with the same hours are merged into one list of
 * days and ordered by their first day, then by their hours; days read
 * "mon-fri", "sat,sun" or "daily"; times HH:MM; bounds come last as
 * "from YYYY-MM-DD" and "until YYYY-MM-DD". Two schedules are equal when
 * their canonical forms are (NULL equals only NULL).
 */
#define LANYARD_TYPE_SCHEDULE (lanyard_schedule_get_type ())

typedef struct _LanyardSchedule LanyardSchedule;

GType             lanyard_schedule_get_type      (void) G_GNUC_CONST;
LanyardSchedule  *lanyard_schedule_parse         (const char             *text,
                                                  GError                **error);
LanyardSchedule  *lanyard_schedule_ref           (LanyardSchedule        *self);
void              lanyard_schedule_unref         (LanyardSchedule        *self);
char             *lanyard_schedule_to_string     (const LanyardSchedule  *self);
gboolean          lanyard_schedule_equal         (const LanyardSchedule  *a,
                                                  const LanyardSchedule  *b);

/*
 * Whether the schedule is open at a moment given as the facility's local
 * wall-clock time: @local_day is days since 1970-01-01 in the facility's
 * calendar, @local_minute the minute of that day (0–1439).
 */
gboolean          lanyard_schedule_is_open_local (const LanyardSchedule  *self,
                                                  gint64                  local_day,
                                                  int                     local_minute);

/* Convenience: @instant converted to @tz first. */
gboolean          lanyard_schedule_is_open       (const LanyardSchedule  *self,
                                                  GTimeZone              *tz,
                                                  GDateTime              *instant);

/*
 * The facility's wall-clock time at an instant given in microseconds since
 * the Unix epoch (UTC), in the form lanyard_schedule_is_open_local() takes.
 * Allocates nothing, so the access engine can call it for every decision.
 */
void              lanyard_local_time_from_instant (GTimeZone             *tz,
                                                   gint64                 instant_usec,
                                                   gint64                *out_day,
                                                   int                   *out_minute);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardSchedule, lanyard_schedule_unref)

G_END_DECLS
