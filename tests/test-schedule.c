/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <stdio.h>

#include "lanyard-error.h"
#include "lanyard-schedule.h"

/* g_date_get_julian() of 1970-01-01. */
#define JULIAN_UNIX_EPOCH 719163

static gint64
day_of (int year,
        int month,
        int day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);

  return (gint64) g_date_get_julian (&date) - JULIAN_UNIX_EPOCH;
}

static LanyardSchedule *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  LanyardSchedule *schedule = lanyard_schedule_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (schedule);

  return schedule;
}

/* Open at the facility's wall-clock time "YYYY-MM-DD HH:MM"? */
static gboolean
open_at (const LanyardSchedule *schedule,
         const char            *when)
{
  int year, month, day, hour, minute;

  g_assert_cmpint (sscanf (when, "%d-%d-%d %d:%d", &year, &month, &day, &hour, &minute), ==, 5);

  return lanyard_schedule_is_open_local (schedule, day_of (year, month, day), hour * 60 + minute);
}

static GTimeZone *
zone_or_skip (const char *identifier)
{
  GTimeZone *tz = g_time_zone_new_identifier (identifier);

  if (tz == NULL)
    g_test_skip_printf ("time zone %s is not installed", identifier);

  return tz;
}

/* Both ways in: the GDateTime convenience and the engine's fast path. */
static void
assert_open_at_utc (const LanyardSchedule *schedule,
                    GTimeZone             *tz,
                    const char            *iso_utc,
                    gboolean               expected)
{
  g_autoptr(GDateTime) instant = g_date_time_new_from_iso8601 (iso_utc, NULL);
  gint64 local_day;
  int local_minute;

  g_assert_nonnull (instant);

  lanyard_local_time_from_instant (tz, g_date_time_to_unix (instant) * G_USEC_PER_SEC,
                                   &local_day, &local_minute);

  if (lanyard_schedule_is_open (schedule, tz, instant) != expected ||
      lanyard_schedule_is_open_local (schedule, local_day, local_minute) != expected)
    {
      g_autofree char *text = lanyard_schedule_to_string (schedule);

      g_error ("“%s” at %s in %s: expected %s",
               text, iso_utc, g_time_zone_get_identifier (tz),
               expected ? "open" : "closed");
    }
}

typedef struct
{
  const char *input;
  const char *canonical;
} RoundTrip;

static const RoundTrip round_trips[] = {
  { "mon-fri 07:00-22:00; sat,sun 09:00-18:00; from 2026-01-01; until 2026-12-31",
    "mon-fri 07:00-22:00; sat,sun 09:00-18:00; from 2026-01-01; until 2026-12-31" },
  { "  MON - Fri 7:00 - 22:00 ;SAT , Sun 09:00-18:00 ;",
    "mon-fri 07:00-22:00; sat,sun 09:00-18:00" },
  { "daily 00:00-24:00", "daily 00:00-24:00" },
  { "mon,tue,wed,thu,fri,sat,sun 08:00-09:00", "daily 08:00-09:00" },
  { "Monday-Wednesday 09:00-10:00", "mon-wed 09:00-10:00" },
  { "mon-wed,fri 06:00-07:00", "mon-wed,fri 06:00-07:00" },
  { "tue,thu,sat 06:00-07:00", "tue,thu,sat 06:00-07:00" },
  { "sun,mon 06:00-07:00", "mon,sun 06:00-07:00" },
  { "fri-mon 10:00-11:00", "mon,fri-sun 10:00-11:00" },
  { "sat-sun 10:00-11:00", "sat,sun 10:00-11:00" },
  { "fri 22:00-02:00", "fri 22:00-02:00" },
  { "sat 22:00-00:00", "sat 22:00-24:00" },
  { "mon 09:00-09:00", "mon 09:00-09:00" },
  { "wed 09:00-17:00; mon 09:00-17:00", "mon,wed 09:00-17:00" },
  { "mon 09:00-17:00; mon 09:00-17:00", "mon 09:00-17:00" },
  { "sat 10:00-12:00; mon 13:00-14:00; mon 08:00-09:00",
    "mon 08:00-09:00; mon 13:00-14:00; sat 10:00-12:00" },
  { "until 2026-06-30; from 2026-06-01", "from 2026-06-01; until 2026-06-30" },
  { "FROM 2026-06-01", "from 2026-06-01" },
  { "until 2026-06-30", "until 2026-06-30" },
  { "from 2026-03-01; until 2026-03-01", "from 2026-03-01; until 2026-03-01" },
  { "from 1969-07-20; until 2100-02-28", "from 1969-07-20; until 2100-02-28" },
};

static void
test_parse_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (round_trips); i++)
    {
      g_autoptr(LanyardSchedule) schedule = parse_ok (round_trips[i].input);
      g_autofree char *text = lanyard_schedule_to_string (schedule);
      g_autoptr(LanyardSchedule) again = parse_ok (text);
      g_autofree char *text_again = lanyard_schedule_to_string (again);

      g_assert_cmpstr (text, ==, round_trips[i].canonical);
      g_assert_cmpstr (text_again, ==, text);
      g_assert_true (lanyard_schedule_equal (schedule, again));
    }
}

typedef struct
{
  const char *input;
  const char *message;
} ParseError;

static const ParseError parse_errors[] = {
  { "", "the schedule is empty" },
  { " ; ;  ", "the schedule is empty" },
  { "mon 25:00-26:00", "“25:00” is not a time of day" },
  { "mon 09:00-17:60", "“17:60” is not a time of day" },
  { "mon 9am-5pm", "“9am” is not a time of day" },
  { "mon 09:00-24:01", "“24:01” is not a time of day" },
  { "mon 09:00-123:00", "“123:00” is not a time of day" },
  { "mon 24:00-02:00", "a window cannot start at “24:00”" },
  { "mnd 09:00-17:00", "unknown day “mnd”" },
  { "mon-frx 09:00-17:00", "unknown day “frx”" },
  { "closed", "unknown day “closed”" },
  { "mon,,fri 09:00-17:00", "“mon,,fri” is not a list of days" },
  { "mon- 09:00-17:00", "“mon-” is not a range of days" },
  { "mon-tue-wed 09:00-17:00", "“mon-tue-wed” is not a range of days" },
  { "09:00-17:00",
    "“09:00-17:00” does not say on which days, as in “mon-fri 09:00-17:00”" },
  { "mon-fri", "“mon-fri” has no hours, as in “mon-fri 09:00-17:00”" },
  { "mon 09:00", "“09:00” is not a range of hours such as “09:00-17:00”" },
  { "mon 09:00-12:00-13:00",
    "“09:00-12:00-13:00” is not a range of hours such as “09:00-17:00”" },
  { "from 2026-02-30", "“2026-02-30” is not a date such as 2026-01-31" },
  { "mon 09:00-17:00; until 2026-13-01", "“2026-13-01” is not a date such as 2026-01-31" },
  { "from 2026-1-1", "“2026-1-1” is not a date such as 2026-01-31" },
  { "from 2026-01-01 mon", "“2026-01-01 mon” is not a date such as 2026-01-31" },
  { "from", "“from” needs a date such as 2026-01-31" },
  { "daily 08:00-09:00; until ", "“until” needs a date such as 2026-01-31" },
  { "from 2026-01-01; from 2026-02-01",
    "the schedule has two start dates (2026-01-01 and 2026-02-01)" },
  { "until 2026-01-01; until 2026-02-01",
    "the schedule has two end dates (2026-01-01 and 2026-02-01)" },
  { "from 2026-02-01; until 2026-01-01",
    "the schedule ends (2026-01-01) before it starts (2026-02-01)" },
  { "mon \xff 09:00-10:00", "the schedule is not valid UTF-8 text" },
};

static void
test_parse_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parse_errors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardSchedule) schedule = lanyard_schedule_parse (parse_errors[i].input, &error);

      g_assert_null (schedule);
      g_assert_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, parse_errors[i].message);
    }
}

static void
test_equal (void)
{
  g_autoptr(LanyardSchedule) a = parse_ok ("mon-fri 08:00-17:00; sat 10:00-12:00");
  g_autoptr(LanyardSchedule) b = parse_ok ("sat 10:00-12:00;monday-friday 8:00-17:00");
  g_autoptr(LanyardSchedule) c = parse_ok ("mon-fri 08:00-17:00; sat 10:00-12:30");
  g_autoptr(LanyardSchedule) d = parse_ok ("mon-fri 08:00-17:00; sat 10:00-12:00; "
                                           "until 2026-12-31");
  g_autoptr(LanyardSchedule) e = parse_ok ("mon,tue 08:00-17:00");
  g_autoptr(LanyardSchedule) f = parse_ok ("mon 08:00-17:00; tue 08:00-17:00");

  g_assert_true (lanyard_schedule_equal (NULL, NULL));
  g_assert_false (lanyard_schedule_equal (a, NULL));
  g_assert_false (lanyard_schedule_equal (NULL, a));
  g_assert_true (lanyard_schedule_equal (a, a));
  g_assert_true (lanyard_schedule_equal (a, b));
  g_assert_false (lanyard_schedule_equal (a, c));
  g_assert_false (lanyard_schedule_equal (a, d));
  g_assert_true (lanyard_schedule_equal (e, f));
}

static void
test_boxed (void)
{
  g_autoptr(LanyardSchedule) schedule = parse_ok ("daily 08:00-09:00");
  LanyardSchedule *copy;

  g_assert_true (G_TYPE_IS_BOXED (LANYARD_TYPE_SCHEDULE));

  /* Copying a boxed schedule shares it: it is immutable. */
  copy = g_boxed_copy (LANYARD_TYPE_SCHEDULE, schedule);
  g_assert_true (copy == schedule);
  g_boxed_free (LANYARD_TYPE_SCHEDULE, copy);
}

static void
test_open_edges (void)
{
  g_autoptr(LanyardSchedule) office = parse_ok ("mon-fri 08:00-17:00");
  g_autoptr(LanyardSchedule) all_day = parse_ok ("daily 00:00-24:00");
  g_autoptr(LanyardSchedule) late = parse_ok ("mon 22:00-24:00");

  /* 2026-06-01 is a Monday. */
  g_assert_false (open_at (office, "2026-06-01 07:59"));
  g_assert_true (open_at (office, "2026-06-01 08:00"));
  g_assert_true (open_at (office, "2026-06-01 16:59"));
  g_assert_false (open_at (office, "2026-06-01 17:00"));
  g_assert_true (open_at (office, "2026-06-05 12:00"));
  g_assert_false (open_at (office, "2026-06-06 12:00"));
  g_assert_false (open_at (office, "2026-06-07 12:00"));

  g_assert_true (open_at (all_day, "2026-06-06 00:00"));
  g_assert_true (open_at (all_day, "2026-06-06 23:59"));

  g_assert_false (open_at (late, "2026-06-01 21:59"));
  g_assert_true (open_at (late, "2026-06-01 22:00"));
  g_assert_true (open_at (late, "2026-06-01 23:59"));
  g_assert_false (open_at (late, "2026-06-02 00:00"));

  /* Dates before 1970 have weekdays too: 1969-12-29 was a Monday. */
  g_assert_true (open_at (office, "1969-12-29 08:00"));
  g_assert_false (open_at (office, "1969-12-28 08:00"));
}

static void
test_open_overnight (void)
{
  g_autoptr(LanyardSchedule) friday_night = parse_ok ("fri 22:00-02:00");
  g_autoptr(LanyardSchedule) whole_day = parse_ok ("mon 09:00-09:00");
  g_autoptr(LanyardSchedule) sunday_night = parse_ok ("sun 23:00-01:00");

  /* 2026-06-05 is a Friday. */
  g_assert_false (open_at (friday_night, "2026-06-05 21:59"));
  g_assert_true (open_at (friday_night, "2026-06-05 22:00"));
  g_assert_true (open_at (friday_night, "2026-06-05 23:59"));
  g_assert_true (open_at (friday_night, "2026-06-06 00:00"));
  g_assert_true (open_at (friday_night, "2026-06-06 01:59"));
  g_assert_false (open_at (friday_night, "2026-06-06 02:00"));
  g_assert_false (open_at (friday_night, "2026-06-05 01:00"));
  g_assert_false (open_at (friday_night, "2026-06-04 23:00"));
  g_assert_false (open_at (friday_night, "2026-06-06 22:30"));

  g_assert_false (open_at (whole_day, "2026-06-01 08:59"));
  g_assert_true (open_at (whole_day, "2026-06-01 09:00"));
  g_assert_true (open_at (whole_day, "2026-06-02 08:59"));
  g_assert_false (open_at (whole_day, "2026-06-02 09:00"));

  /* Sunday's night runs into Monday: the week wraps. */
  g_assert_true (open_at (sunday_night, "2026-06-07 23:30"));
  g_assert_true (open_at (sunday_night, "2026-06-08 00:30"));
  g_assert_false (open_at (sunday_night, "2026-06-08 01:00"));
  g_assert_false (open_at (sunday_night, "2026-06-07 00:30"));
}

static void
test_open_bounds (void)
{
  g_autoptr(LanyardSchedule) june = parse_ok ("daily 08:00-17:00; "
                                              "from 2026-06-01; until 2026-06-30");
  g_autoptr(LanyardSchedule) starts_saturday = parse_ok ("fri 22:00-02:00; from 2026-06-06");
  g_autoptr(LanyardSchedule) ends_friday = parse_ok ("fri 22:00-02:00; until 2026-06-05");
  g_autoptr(LanyardSchedule) dates_only = parse_ok ("from 2026-06-01; until 2026-06-02");
  g_autoptr(LanyardSchedule) until_only = parse_ok ("until 2026-06-02");

  g_assert_false (open_at (june, "2026-05-31 10:00"));
  g_assert_false (open_at (june, "2026-06-01 07:59"));
  g_assert_true (open_at (june, "2026-06-01 08:00"));
  g_assert_true (open_at (june, "2026-06-30 16:59"));
  g_assert_false (open_at (june, "2026-07-01 10:00"));

  /* Bounds apply to the day a window starts on. */
  g_assert_false (open_at (starts_saturday, "2026-06-06 01:00"));
  g_assert_true (open_at (starts_saturday, "2026-06-12 23:00"));
  g_assert_true (open_at (starts_saturday, "2026-06-13 01:00"));
  g_assert_true (open_at (ends_friday, "2026-06-05 23:00"));
  g_assert_true (open_at (ends_friday, "2026-06-06 01:00"));
  g_assert_false (open_at (ends_friday, "2026-06-12 23:00"));
  g_assert_false (open_at (ends_friday, "2026-06-13 01:00"));

  /* Dates alone: open all day between them. */
  g_assert_false (open_at (dates_only, "2026-05-31 23:59"));
  g_assert_true (open_at (dates_only, "2026-06-01 00:00"));
  g_assert_true (open_at (dates_only, "2026-06-02 23:59"));
  g_assert_false (open_at (dates_only, "2026-06-03 00:00"));
  g_assert_true (open_at (until_only, "1900-01-01 12:00"));
  g_assert_false (open_at (until_only, "2026-06-03 12:00"));
}

static void
test_open_instant (void)
{
  g_autoptr(GTimeZone) tz = zone_or_skip ("Europe/Berlin");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(LanyardSchedule) office = parse_ok ("mon-fri 08:00-17:00");
  g_autoptr(GDateTime) instant = NULL;

  if (tz == NULL)
    return;

  /* 06:30 UTC on a Monday is 08:30 in Berlin in summer: open there, not in UTC. */
  instant = g_date_time_new_from_iso8601 ("2026-06-01T06:30:00Z", NULL);
  g_assert_true (lanyard_schedule_is_open (office, tz, instant));
  g_assert_false (lanyard_schedule_is_open (office, utc, instant));
}

static void
test_dst_berlin (void)
{
  g_autoptr(GTimeZone) tz = zone_or_skip ("Europe/Berlin");
  g_autoptr(LanyardSchedule) night = parse_ok ("daily 02:00-03:00");
  g_autoptr(LanyardSchedule) office = parse_ok ("mon-fri 08:00-17:00");

  if (tz == NULL)
    return;

  /*
   * Sunday 2026-03-29, 01:00 UTC: 02:00 CET becomes 03:00 CEST, so no
   * local 02:xx exists and the night window never opens that day.
   */
  assert_open_at_utc (night, tz, "2026-03-28T01:30:00Z", TRUE);   /* 02:30 CET, the day before */
  assert_open_at_utc (night, tz, "2026-03-29T00:30:00Z", FALSE);  /* 01:30 CET */
  assert_open_at_utc (night, tz, "2026-03-29T00:59:59Z", FALSE);  /* 01:59 CET */
  assert_open_at_utc (night, tz, "2026-03-29T01:00:00Z", FALSE);  /* 03:00 CEST */
  assert_open_at_utc (night, tz, "2026-03-29T01:30:00Z", FALSE);  /* 03:30 CEST */
  assert_open_at_utc (night, tz, "2026-03-30T00:30:00Z", TRUE);   /* 02:30 CEST */
  assert_open_at_utc (night, tz, "2026-03-30T01:00:00Z", FALSE);  /* 03:00 CEST */

  /* Office hours follow the wall clock across the change. */
  assert_open_at_utc (office, tz, "2026-03-27T06:59:00Z", FALSE); /* Fri 07:59 CET */
  assert_open_at_utc (office, tz, "2026-03-27T07:00:00Z", TRUE);  /* Fri 08:00 CET */
  assert_open_at_utc (office, tz, "2026-03-27T15:59:00Z", TRUE);  /* Fri 16:59 CET */
  assert_open_at_utc (office, tz, "2026-03-27T16:00:00Z", FALSE); /* Fri 17:00 CET */
  assert_open_at_utc (office, tz, "2026-03-29T08:00:00Z", FALSE); /* Sunday */
  assert_open_at_utc (office, tz, "2026-03-30T05:59:00Z", FALSE); /* Mon 07:59 CEST */
  assert_open_at_utc (office, tz, "2026-03-30T06:00:00Z", TRUE);  /* Mon 08:00 CEST */
  assert_open_at_utc (office, tz, "2026-03-30T14:59:00Z", TRUE);  /* Mon 16:59 CEST */
  assert_open_at_utc (office, tz, "2026-03-30T15:00:00Z", FALSE); /* Mon 17:00 CEST */

  /*
   * Sunday 2026-10-25, 01:00 UTC: 03:00 CEST becomes 02:00 CET, so local
   * 02:00–03:00 happens twice; the window is open both times.
   */
  assert_open_at_utc (night, tz, "2026-10-24T23:59:00Z", FALSE);  /* 01:59 CEST */
  assert_open_at_utc (night, tz, "2026-10-25T00:00:00Z", TRUE);   /* 02:00 CEST */
  assert_open_at_utc (night, tz, "2026-10-25T00:30:00Z", TRUE);   /* 02:30 CEST */
  assert_open_at_utc (night, tz, "2026-10-25T01:00:00Z", TRUE);   /* 02:00 CET */
  assert_open_at_utc (night, tz, "2026-10-25T01:30:00Z", TRUE);   /* 02:30 CET */
  assert_open_at_utc (night, tz, "2026-10-25T01:59:59Z", TRUE);   /* 02:59 CET */
  assert_open_at_utc (night, tz, "2026-10-25T02:00:00Z", FALSE);  /* 03:00 CET */

  assert_open_at_utc (office, tz, "2026-10-23T06:00:00Z", TRUE);  /* Fri 08:00 CEST */
  assert_open_at_utc (office, tz, "2026-10-26T06:00:00Z", FALSE); /* Mon 07:00 CET */
  assert_open_at_utc (office, tz, "2026-10-26T07:00:00Z", TRUE);  /* Mon 08:00 CET */
  assert_open_at_utc (office, tz, "2026-10-26T16:00:00Z", FALSE); /* Mon 17:00 CET */
}

static void
test_dst_new_york (void)
{
  g_autoptr(GTimeZone) tz = zone_or_skip ("America/New_York");
  g_autoptr(LanyardSchedule) two_am = parse_ok ("daily 02:00-03:00");
  g_autoptr(LanyardSchedule) one_am = parse_ok ("daily 01:00-02:00");
  g_autoptr(LanyardSchedule) office = parse_ok ("mon-fri 08:00-17:00");

  if (tz == NULL)
    return;

  /* Sunday 2026-03-08, 07:00 UTC: 02:00 EST becomes 03:00 EDT. */
  assert_open_at_utc (two_am, tz, "2026-03-07T07:30:00Z", TRUE);   /* 02:30 EST, the day before */
  assert_open_at_utc (two_am, tz, "2026-03-08T06:59:00Z", FALSE);  /* 01:59 EST */
  assert_open_at_utc (two_am, tz, "2026-03-08T07:00:00Z", FALSE);  /* 03:00 EDT */
  assert_open_at_utc (two_am, tz, "2026-03-08T07:30:00Z", FALSE);  /* 03:30 EDT */
  assert_open_at_utc (two_am, tz, "2026-03-09T06:30:00Z", TRUE);   /* 02:30 EDT */
  assert_open_at_utc (office, tz, "2026-03-06T13:00:00Z", TRUE);   /* Fri 08:00 EST */
  assert_open_at_utc (office, tz, "2026-03-09T11:59:00Z", FALSE);  /* Mon 07:59 EDT */
  assert_open_at_utc (office, tz, "2026-03-09T12:00:00Z", TRUE);   /* Mon 08:00 EDT */
  assert_open_at_utc (office, tz, "2026-03-09T21:00:00Z", FALSE);  /* Mon 17:00 EDT */

  /* Sunday 2026-11-01, 06:00 UTC: 02:00 EDT becomes 01:00 EST; 01:xx twice. */
  assert_open_at_utc (one_am, tz, "2026-11-01T04:59:00Z", FALSE);  /* 00:59 EDT */
  assert_open_at_utc (one_am, tz, "2026-11-01T05:30:00Z", TRUE);   /* 01:30 EDT */
  assert_open_at_utc (one_am, tz, "2026-11-01T06:30:00Z", TRUE);   /* 01:30 EST */
  assert_open_at_utc (one_am, tz, "2026-11-01T07:00:00Z", FALSE);  /* 02:00 EST */
  assert_open_at_utc (two_am, tz, "2026-11-01T06:30:00Z", FALSE);  /* 01:30 EST */
  assert_open_at_utc (two_am, tz, "2026-11-01T07:00:00Z", TRUE);   /* 02:00 EST */
  assert_open_at_utc (office, tz, "2026-11-02T13:00:00Z", TRUE);   /* Mon 08:00 EST */
  assert_open_at_utc (office, tz, "2026-11-02T12:59:00Z", FALSE);  /* Mon 07:59 EST */
}

/* The allocation-free conversion agrees with GDateTime everywhere. */
static void
test_local_time (void)
{
  static const char * const zones[] = {
    "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
    "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns",
  };

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zones[z]);

      if (tz == NULL)
        {
          g_test_message ("time zone %s is not installed", zones[z]);
          continue;
        }

      for (guint i = 0; i < 2000; i++)
        {
          /*
           * 1901 to 2099, at any second; every third instant a microsecond
           * before a whole second, which belongs to the second before.
           */
          gint64 seconds = (gint64) g_test_rand_double_range (-2145916800.0, 4102444800.0);
          gint64 before = i % 3 == 0 ? 1 : 0;
          gint64 usec = seconds * G_USEC_PER_SEC - before;
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (seconds - before);
          g_autoptr(GDateTime) local = NULL;
          int year, month, day, expected_minute, minute;
          gint64 expected_day, local_day;

          local = g_date_time_to_timezone (utc, tz);
          g_date_time_get_ymd (local, &year, &month, &day);
          expected_day = day_of (year, month, day);
          expected_minute = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);

          lanyard_local_time_from_instant (tz, usec, &local_day, &minute);
          g_assert_cmpint (local_day, ==, expected_day);
          g_assert_cmpint (minute, ==, expected_minute);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/schedule/parse/round-trip", test_parse_round_trip);
  g_test_add_func ("/core/schedule/parse/errors", test_parse_errors);
  g_test_add_func ("/core/schedule/equal", test_equal);
  g_test_add_func ("/core/schedule/boxed", test_boxed);
  g_test_add_func ("/core/schedule/open/edges", test_open_edges);
  g_test_add_func ("/core/schedule/open/overnight", test_open_overnight);
  g_test_add_func ("/core/schedule/open/bounds", test_open_bounds);
  g_test_add_func ("/core/schedule/open/instant", test_open_instant);
  g_test_add_func ("/core/schedule/dst/europe-berlin", test_dst_berlin);
  g_test_add_func ("/core/schedule/dst/america-new-york", test_dst_new_york);
  g_test_add_func ("/core/schedule/local-time", test_local_time);

  return g_test_run ();
}
