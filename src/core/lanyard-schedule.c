/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lanyard-error.h"
#include "lanyard-schedule.h"

#define MINUTES_PER_DAY 1440
#define SECONDS_PER_DAY 86400
#define USEC_PER_SECOND G_GINT64_CONSTANT (1000000)
#define ALL_DAYS        0x7f

/* g_date_get_julian() of 1970-01-01: GDate counts from 0001-01-01 as day 1. */
#define JULIAN_UNIX_EPOCH 719163

typedef struct
{
  guint8  days;   /* bit 0 is Monday … bit 6 is Sunday */
  guint16 start;  /* minute of the day, 0–1439 */
  guint16 end;    /* 1–1440; when not after @start, the window runs into the next day */
} Window;

struct _LanyardSchedule
{
  gatomicrefcount ref_count;
  gint64          first_day;  /* days since 1970-01-01, inclusive; G_MININT64: no bound */
  gint64          last_day;   /* inclusive; G_MAXINT64: no bound */
  guint           n_windows;
  Window          windows[];
};

G_DEFINE_BOXED_TYPE (LanyardSchedule, lanyard_schedule,
                     lanyard_schedule_ref, lanyard_schedule_unref)

static const char * const day_names[7] = {
  "mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

static const char * const day_full_names[7] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

LanyardSchedule *
lanyard_schedule_ref (LanyardSchedule *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
lanyard_schedule_unref (LanyardSchedule *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    g_free (self);
}

static gint64
day_from_ymd (int year,
              int month,
              int day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);

  return (gint64) g_date_get_julian (&date) - JULIAN_UNIX_EPOCH;
}

/* Monday is 0; 1970-01-01 was a Thursday. */
static inline guint
weekday_from_day (gint64 day)
{
  return (guint) (((day % 7) + 7 + 3) % 7);
}

static void
append_date (GString *string,
             gint64   day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) (day + JULIAN_UNIX_EPOCH));
  g_string_append_printf (string, "%04u-%02u-%02u",
                          g_date_get_year (&date),
                          (guint) g_date_get_month (&date),
                          g_date_get_day (&date));
}

static char *
format_date (gint64 day)
{
  GString *string = g_string_new (NULL);

  append_date (string, day);

  return g_string_free (string, FALSE);
}

static char *
strip_dup (const char *text,
           gsize       len)
{
  return g_strstrip (g_strndup (text, len));
}

static int
parse_day_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (day_names); i++)
    {
      if (g_ascii_strcasecmp (name, day_names[i]) == 0 ||
          g_ascii_strcasecmp (name, day_full_names[i]) == 0)
        return (int) i;
    }

  return -1;
}

static gboolean
parse_day_name_or_error (const char  *name,
                         int         *out_day,
                         GError     **error)
{
  *out_day = parse_day_name (name);

  if (*out_day < 0)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("unknown day “%s”"), name);
      return FALSE;
    }

  return TRUE;
}

/* "mon-fri, sat" → a bit set of days. @text is already stripped. */
static gboolean
parse_days (const char  *text,
            guint8      *out_days,
            GError     **error)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);
  guint8 days = 0;

  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      const char *dash = strchr (item, '-');

      if (*item == '\0')
        {
          g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                       _("“%s” is not a list of days"), text);
          return FALSE;
        }

      if (dash == NULL)
        {
          int day;

          if (g_ascii_strcasecmp (item, "daily") == 0)
            {
              days |= ALL_DAYS;
              continue;
            }

          if (!parse_day_name_or_error (item, &day, error))
            return FALSE;

          days |= 1u << day;
        }
      else
        {
          g_autofree char *first_name = strip_dup (item, dash - item);
          g_autofree char *last_name = g_strdup (dash + 1);
          int first, last;

          g_strstrip (last_name);

          if (*first_name == '\0' || *last_name == '\0' || strchr (last_name, '-') != NULL)
            {
              g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("“%s” is not a range of days"), item);
              return FALSE;
            }

          if (!parse_day_name_or_error (first_name, &first, error) ||
              !parse_day_name_or_error (last_name, &last, error))
            return FALSE;

          /* A range may run past Sunday: "fri-mon" is four days. */
          for (int day = first; ; day = (day + 1) % 7)
            {
              days |= 1u << day;
              if (day == last)
                break;
            }
        }
    }

  *out_days = days;

  return TRUE;
}

/* "H:MM" or "HH:MM"; 24:00 only as the end of a window. */
static gboolean
parse_time (const char  *text,
            gboolean     is_end,
            guint16     *out_minute,
            GError     **error)
{
  gsize len = strlen (text);
  gsize colon = len >= 3 ? len - 3 : 0;
  int hour, minute;

  if ((len != 4 && len != 5) ||
      text[colon] != ':' ||
      !g_ascii_isdigit (text[0]) ||
      !g_ascii_isdigit (text[colon - 1]) ||
      !g_ascii_isdigit (text[colon + 1]) ||
      !g_ascii_isdigit (text[colon + 2]))
    goto invalid;

  hour = g_ascii_digit_value (text[0]);
  if (colon == 2)
    hour = hour * 10 + g_ascii_digit_value (text[1]);
  minute = g_ascii_digit_value (text[colon + 1]) * 10 + g_ascii_digit_value (text[colon + 2]);

  if (minute > 59 || hour > 24 || (hour == 24 && minute != 0))
    goto invalid;

  if (hour == 24 && !is_end)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("a window cannot start at “%s”"), text);
      return FALSE;
    }

  *out_minute = (guint16) (hour * 60 + minute);

  return TRUE;

invalid:
  g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
               _("“%s” is not a time of day"), text);
  return FALSE;
}

/* "mon-fri 07:00-22:00": the days are everything before the first digit. */
static gboolean
parse_window (const char  *part,
              Window      *out_window,
              GError     **error)
{
  const char *times = part;
  g_autofree char *days_text = NULL;
  g_auto(GStrv) ends = NULL;
  guint16 start, end;
  guint8 days;

  while (*times != '\0' && !g_ascii_isdigit (*times))
    times++;

  days_text = strip_dup (part, times - part);

  if (*days_text == '\0')
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” does not say on which days, as in “mon-fri 09:00-17:00”"), part);
      return FALSE;
    }

  if (!parse_days (days_text, &days, error))
    return FALSE;

  if (*times == '\0')
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” has no hours, as in “mon-fri 09:00-17:00”"), part);
      return FALSE;
    }

  ends = g_strsplit (times, "-", -1);

  if (g_strv_length (ends) != 2)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("“%s” is not a range of hours such as “09:00-17:00”"), times);
      return FALSE;
    }

  if (!parse_time (g_strstrip (ends[0]), FALSE, &start, error) ||
      !parse_time (g_strstrip (ends[1]), TRUE, &end, error))
    return FALSE;

  /* Ending at 00:00 is ending at midnight: one spelling for one meaning. */
  if (end == 0)
    end = MINUTES_PER_DAY;

  out_window->days = days;
  out_window->start = start;
  out_window->end = end;

  return TRUE;
}

/* "YYYY-MM-DD", strictly: these dates are read back by machines too. */
static gboolean
parse_date (const char  *text,
            gint64      *out_day,
            GError     **error)
{
  int year, month, day;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    goto invalid;

  for (guint i = 0; i < 10; i++)
    {
      if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
        goto invalid;
    }

  year = (int) g_ascii_strtoull (text, NULL, 10);
  month = (int) g_ascii_strtoull (text + 5, NULL, 10);
  day = (int) g_ascii_strtoull (text + 8, NULL, 10);

  if (!g_date_valid_dmy (day, month, year))
    goto invalid;

  *out_day = day_from_ymd (year, month, day);

  return TRUE;

invalid:
  g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
               _("“%s” is not a date such as 2026-01-31"), text);
  return FALSE;
}

/* "from …" or "until …", or FALSE (without an error) when @part is neither. */
static gboolean
match_keyword (const char  *part,
               const char  *keyword,
               const char **out_rest)
{
  gsize len = strlen (keyword);

  if (g_ascii_strncasecmp (part, keyword, len) != 0 ||
      (part[len] != '\0' && !g_ascii_isspace (part[len])))
    return FALSE;

  *out_rest = part + len;
  while (g_ascii_isspace (**out_rest))
    (*out_rest)++;

  return TRUE;
}

static gboolean
parse_bound (const char  *keyword,
             const char  *date_text,
             gboolean     is_start,
             gint64      *inout_day,
             GError     **error)
{
  gint64 unset = is_start ? G_MININT64 : G_MAXINT64;
  gint64 day;

  if (*date_text == '\0')
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   /* Translators: %s is “from” or “until”, kept in English */
                   _("“%s” needs a date such as 2026-01-31"), keyword);
      return FALSE;
    }

  if (!parse_date (date_text, &day, error))
    return FALSE;

  if (*inout_day != unset)
    {
      g_autofree char *previous = format_date (*inout_day);

      if (is_start)
        g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                     _("the schedule has two start dates (%s and %s)"), previous, date_text);
      else
        g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                     _("the schedule has two end dates (%s and %s)"), previous, date_text);
      return FALSE;
    }

  *inout_day = day;

  return TRUE;
}

static int
compare_windows (gconstpointer a,
                 gconstpointer b)
{
  const Window *wa = a;
  const Window *wb = b;
  int first_a = g_bit_nth_lsf (wa->days, -1);
  int first_b = g_bit_nth_lsf (wb->days, -1);

  if (first_a != first_b)
    return first_a - first_b;
  if (wa->start != wb->start)
    return (int) wa->start - (int) wb->start;
  return (int) wa->end - (int) wb->end;
}

/* One window per distinct pair of hours, ordered: the canonical form. */
static void
canonicalize_windows (GArray *windows)
{
  for (guint i = 0; i < windows->len; i++)
    {
      Window *wi = &g_array_index (windows, Window, i);

      for (guint j = i + 1; j < windows->len; )
        {
          const Window *wj = &g_array_index (windows, Window, j);

          if (wj->start == wi->start && wj->end == wi->end)
            {
              wi->days |= wj->days;
              g_array_remove_index (windows, j);
            }
          else
            j++;
        }
    }

  g_array_sort (windows, compare_windows);
}

/**
 * lanyard_schedule_parse:
 * @text: a schedule in the text form
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the schedule, or %NULL with
 *   %LANYARD_STORE_ERROR_INVALID and a message that quotes the bad part
 */
LanyardSchedule *
lanyard_schedule_parse (const char  *text,
                        GError     **error)
{
  g_autoptr(GArray) windows = NULL;
  g_auto(GStrv) parts = NULL;
  LanyardSchedule *self;
  gint64 first_day = G_MININT64;
  gint64 last_day = G_MAXINT64;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Messages quote the input, and a GError message must be UTF-8. */
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("the schedule is not valid UTF-8 text"));
      return NULL;
    }

  windows = g_array_new (FALSE, TRUE, sizeof (Window));
  parts = g_strsplit (text, ";", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      const char *rest;

      if (*part == '\0')
        continue;

      if (match_keyword (part, "from", &rest))
        {
          if (!parse_bound ("from", rest, TRUE, &first_day, error))
            return NULL;
        }
      else if (match_keyword (part, "until", &rest))
        {
          if (!parse_bound ("until", rest, FALSE, &last_day, error))
            return NULL;
        }
      else
        {
          Window window;

          if (!parse_window (part, &window, error))
            return NULL;

          g_array_append_val (windows, window);
        }
    }

  if (windows->len == 0 && first_day == G_MININT64 && last_day == G_MAXINT64)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("the schedule is empty"));
      return NULL;
    }

  if (last_day < first_day)
    {
      g_autofree char *first = format_date (first_day);
      g_autofree char *last = format_date (last_day);

      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                   _("the schedule ends (%s) before it starts (%s)"), last, first);
      return NULL;
    }

  canonicalize_windows (windows);

  self = g_malloc0 (sizeof *self + windows->len * sizeof (Window));
  g_atomic_ref_count_init (&self->ref_count);
  self->first_day = first_day;
  self->last_day = last_day;
  self->n_windows = windows->len;
  if (windows->len > 0)
    memcpy (self->windows, windows->data, windows->len * sizeof (Window));

  return self;
}

static void
append_days (GString *string,
             guint8   days)
{
  gboolean first = TRUE;

  if (days == ALL_DAYS)
    {
      g_string_append (string, "daily");
      return;
    }

  /* Runs of three or more days read as a range, shorter ones as a list. */
  for (guint day = 0; day < 7; )
    {
      guint end = day;

      if (!(days & (1u << day)))
        {
          day++;
          continue;
        }

      while (end + 1 < 7 && (days & (1u << (end + 1))))
        end++;

      if (!first)
        g_string_append_c (string, ',');
      first = FALSE;

      if (end - day >= 2)
        g_string_append_printf (string, "%s-%s", day_names[day], day_names[end]);
      else if (end - day == 1)
        g_string_append_printf (string, "%s,%s", day_names[day], day_names[end]);
      else
        g_string_append (string, day_names[day]);

      day = end + 1;
    }
}

/**
 * lanyard_schedule_to_string:
 * @self: a #LanyardSchedule
 *
 * Returns: (transfer full): the canonical text form
 */
char *
lanyard_schedule_to_string (const LanyardSchedule *self)
{
  GString *string;

  g_return_val_if_fail (self != NULL, NULL);

  string = g_string_new (NULL);

  for (guint i = 0; i < self->n_windows; i++)
    {
      const Window *window = &self->windows[i];

      if (string->len > 0)
        g_string_append (string, "; ");

      append_days (string, window->days);
      g_string_append_printf (string, " %02u:%02u-%02u:%02u",
                              window->start / 60u, window->start % 60u,
                              window->end / 60u, window->end % 60u);
    }

  if (self->first_day != G_MININT64)
    {
      if (string->len > 0)
        g_string_append (string, "; ");
      g_string_append (string, "from ");
      append_date (string, self->first_day);
    }

  if (self->last_day != G_MAXINT64)
    {
      if (string->len > 0)
        g_string_append (string, "; ");
      g_string_append (string, "until ");
      append_date (string, self->last_day);
    }

  return g_string_free (string, FALSE);
}

gboolean
lanyard_schedule_equal (const LanyardSchedule *a,
                        const LanyardSchedule *b)
{
  if (a == b)
    return TRUE;

  if (a == NULL || b == NULL)
    return FALSE;

  if (a->first_day != b->first_day ||
      a->last_day != b->last_day ||
      a->n_windows != b->n_windows)
    return FALSE;

  /* Both are canonical, so equal schedules list the same windows in order. */
  for (guint i = 0; i < a->n_windows; i++)
    {
      if (a->windows[i].days != b->windows[i].days ||
          a->windows[i].start != b->windows[i].start ||
          a->windows[i].end != b->windows[i].end)
        return FALSE;
    }

  return TRUE;
}

gboolean
lanyard_schedule_is_open_local (const LanyardSchedule *self,
                                gint64                 local_day,
                                int                    local_minute)
{
  gboolean today_valid;
  gboolean yesterday_valid;
  guint today_bit;
  guint yesterday_bit;
  guint weekday;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (local_minute >= 0 && local_minute < MINUTES_PER_DAY, FALSE);

  today_valid = local_day >= self->first_day && local_day <= self->last_day;
  /* Checking local_day > first_day first keeps local_day - 1 from overflowing. */
  yesterday_valid = local_day > self->first_day && local_day - 1 <= self->last_day;

  if (self->n_windows == 0)
    return today_valid;

  if (!today_valid && !yesterday_valid)
    return FALSE;

  weekday = weekday_from_day (local_day);
  today_bit = today_valid ? 1u << weekday : 0;
  yesterday_bit = yesterday_valid ? 1u << ((weekday + 6) % 7) : 0;

  for (guint i = 0; i < self->n_windows; i++)
    {
      const Window *window = &self->windows[i];

      if (window->end > window->start)
        {
          if ((window->days & today_bit) &&
              local_minute >= window->start &&
              local_minute < window->end)
            return TRUE;
        }
      else
        {
          /* Overnight: tonight's part started today, this morning's part yesterday. */
          if ((window->days & today_bit) && local_minute >= window->start)
            return TRUE;
          if ((window->days & yesterday_bit) && local_minute < window->end)
            return TRUE;
        }
    }

  return FALSE;
}

gboolean
lanyard_schedule_is_open (const LanyardSchedule *self,
                          GTimeZone             *tz,
                          GDateTime             *instant)
{
  g_autoptr(GDateTime) local = NULL;
  int year, month, day;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (tz != NULL, FALSE);
  g_return_val_if_fail (instant != NULL, FALSE);

  local = g_date_time_to_timezone (instant, tz);
  if (local == NULL)
    return FALSE;

  g_date_time_get_ymd (local, &year, &month, &day);

  return lanyard_schedule_is_open_local (self,
                                         day_from_ymd (year, month, day),
                                         g_date_time_get_hour (local) * 60 +
                                         g_date_time_get_minute (local));
}

void
lanyard_local_time_from_instant (GTimeZone *tz,
                                 gint64     instant_usec,
                                 gint64    *out_day,
                                 int       *out_minute)
{
  gint64 seconds;
  gint64 local;
  gint64 day;
  int interval;

  g_return_if_fail (tz != NULL);
  g_return_if_fail (out_day != NULL);
  g_return_if_fail (out_minute != NULL);

  /* Round towards the past, as GDateTime does, also before 1970. */
  seconds = instant_usec / USEC_PER_SECOND;
  if (instant_usec % USEC_PER_SECOND < 0)
    seconds--;

  interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, seconds);
  local = seconds + g_time_zone_get_offset (tz, interval);

  day = local / SECONDS_PER_DAY;
  if (local % SECONDS_PER_DAY < 0)
    day--;

  *out_day = day;
  *out_minute = (int) ((local - day * SECONDS_PER_DAY) / 60);
}
