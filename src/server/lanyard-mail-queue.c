/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Mail"

#include "config.h"

#include "lanyard-mail-queue.h"
#include "lanyard-mail-queue-private.h"

#include <string.h>

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "lanyard-error.h"
#include "lanyard-text.h"

#define RETRY_FIRST        (30 * G_TIME_SPAN_SECOND)
#define RETRY_MAX          G_TIME_SPAN_HOUR
#define CONNECT_TIMEOUT_S  10L
#define SEND_TIMEOUT_S     30L

/* Due mail is read this many rows at a time, so that a large backlog is not held in memory at once. */
#define FLUSH_BATCH        50

/* The sender looks at the table at least this often, for mail another process (the CLI) queued. */
#define IDLE_WAKE          (5 * G_TIME_SPAN_MINUTE)

struct _LanyardMailQueue
{
  GObject              parent_instance;

  char                *path;
  LanyardSmtpSettings  settings;
  char                *from_address;   /* the bare address of settings.from, for MAIL FROM */
  char                *message_id_domain;

  /* Guards db and clock_offset: add() runs on request threads while the sender reads. */
  GMutex               db_lock;
  sqlite3             *db;
  gint64               clock_offset;

  /* One flush at a time, so that a flush from a test and the sender never send a message twice. */
  GMutex               send_lock;

  /* The sender thread; guarded by thread_lock. */
  GMutex               thread_lock;
  GCond                thread_cond;
  GThread             *thread;
  gboolean             stopping;
  gboolean             woken;
};

G_DEFINE_FINAL_TYPE (LanyardMailQueue, lanyard_mail_queue, G_TYPE_OBJECT)

typedef struct {
  gint64  id;
  gint64  created_at;
  gint64  expires_at;
  int     attempts;
  char   *recipient;
  char   *subject;
  char   *body;
} PendingMail;

static void
pending_mail_free (gpointer data)
{
  PendingMail *mail = data;

  g_free (mail->recipient);
  g_free (mail->subject);
  g_free (mail->body);
  g_free (mail);
}

void
lanyard_smtp_settings_clear (LanyardSmtpSettings *settings)
{
  g_return_if_fail (settings != NULL);

  g_clear_pointer (&settings->url, g_free);
  g_clear_pointer (&settings->from, g_free);
  g_clear_pointer (&settings->username, g_free);
  if (settings->password != NULL)
    {
      /* Do not leave the relay's password in freed memory. */
      memset (settings->password, 0, strlen (settings->password));
      g_clear_pointer (&settings->password, g_free);
    }
  settings->require_tls = FALSE;
}

/* ------------------------------------------------------------------------ */
/* The message                                                               */

static const char * const week_days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char * const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* RFC 5322 date-time. Not g_date_time_format(): its %a and %b follow the locale. */
static char *
format_date (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  gint64 offset_minutes = g_date_time_get_utc_offset (local) / G_TIME_SPAN_MINUTE;
  gint64 abs_offset = ABS (offset_minutes);

  return g_strdup_printf ("%s, %d %s %d %02d:%02d:%02d %c%02d%02d",
                          week_days[g_date_time_get_day_of_week (local) - 1],
                          g_date_time_get_day_of_month (local),
                          months[g_date_time_get_month (local) - 1],
                          g_date_time_get_year (local),
                          g_date_time_get_hour (local),
                          g_date_time_get_minute (local),
                          g_date_time_get_second (local),
                          offset_minutes < 0 ? '-' : '+',
                          (int)(abs_offset / 60), (int)(abs_offset % 60));
}

static gboolean
needs_encoding (const char *text)
{
  for (const guchar *p = (const guchar *)text; *p; p++)
    if (*p < 0x20 || *p >= 0x7f)
      return TRUE;

  return FALSE;
}

/*
 * RFC 2047 encoded words ("=?UTF-8?B?…?="), folded onto continuation
 * lines. Each word holds whole characters (a word may not split one) and
 * stays well under the 75 characters a word may have.
 */
static void
append_encoded_words (GString    *out,
                      const char *text)
{
  const gsize max_bytes = 39;  /* 52 base64 characters: with "Subject: " a line stays under 78 */
  const char *p = text;
  gboolean first = TRUE;

  while (*p != '\0')
    {
      const char *end = p;
      g_autofree char *encoded = NULL;

      while (*end != '\0')
        {
          const char *next = g_utf8_next_char (end);

          if ((gsize)(next - p) > max_bytes)
            break;
          end = next;
        }

      /* One character longer than a word cannot happen with UTF-8 (at most 4 bytes), but never loop forever. */
      if (end == p)
        end = g_utf8_next_char (p);

      encoded = g_base64_encode ((const guchar *)p, end - p);
      if (!first)
        g_string_append (out, "\r\n ");
      g_string_append_printf (out, "=?UTF-8?B?%s?=", encoded);

      first = FALSE;
      p = end;
    }
}

/* @address is "Name <a@b>" or "a@b"; a non-ASCII name is encoded, the address never is. */
static void
append_mailbox (GString    *out,
                const char *address)
{
  const char *open = strrchr (address, '<');
  g_autofree char *name = NULL;

  if (open == NULL || !needs_encoding (address))
    {
      g_string_append (out, address);
      return;
    }

  name = g_strstrip (g_strndup (address, open - address));
  if (*name != '\0')
    {
      append_encoded_words (out, name);
      g_string_append_c (out, ' ');
    }
  g_string_append (out, open);
}

/* Quoted-printable (RFC 2045 6.7): lines of at most 76 characters, CRLF endings, trailing white space encoded. */
static void
append_quoted_printable (GString    *out,
                         const char *body)
{
  g_auto(GStrv) lines = g_strsplit (body, "\n", -1);
  guint n_lines = g_strv_length (lines);

  /* A body ending in a newline does not gain an empty last line. */
  if (n_lines > 1 && lines[n_lines - 1][0] == '\0')
    n_lines--;

  for (guint i = 0; i < n_lines; i++)
    {
      const guchar *line = (const guchar *)lines[i];
      gsize len = strlen (lines[i]);
      gsize column = 0;

      if (len > 0 && line[len - 1] == '\r')
        len--;

      for (gsize j = 0; j < len; j++)
        {
          guchar c = line[j];
          gboolean last = j == len - 1;
          char piece[4];
          gsize piece_len;

          if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last))
            {
              piece[0] = c;
              piece[1] = '\0';
              piece_len = 1;
            }
          else
            {
              g_snprintf (piece, sizeof piece, "=%02X", c);
              piece_len = 3;
            }

          /* 75 and a soft break "=" make the 76 the RFC allows. */
          if (column + piece_len > 75)
            {
              g_string_append (out, "=\r\n");
              column = 0;
            }

          g_string_append_len (out, piece, piece_len);
          column += piece_len;
        }

      g_string_append (out, "\r\n");
    }
}

char *
lanyard_mail_format_message (const char *from,
                             const char *to,
                             const char *subject,
                             const char *body,
                             gint64      date,
                             const char *message_id)
{
  g_autofree char *date_text = format_date (date);
  GString *message = g_string_new (NULL);

  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (subject != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (message_id != NULL, NULL);

  g_string_append_printf (message, "Date: %s\r\n", date_text);

  g_string_append (message, "From: ");
  append_mailbox (message, from);
  g_string_append (message, "\r\n");

  g_string_append_printf (message, "To: %s\r\n", to);

  g_string_append (message, "Subject: ");
  /* Long ASCII subjects are encoded too: encoded words are how a header is folded without changing it. */
  if (needs_encoding (subject) || strlen (subject) > 68)
    append_encoded_words (message, subject);
  else
    g_string_append (message, subject);
  g_string_append (message, "\r\n");

  g_string_append_printf (message, "Message-ID: %s\r\n", message_id);
  g_string_append (message, "MIME-Version: 1.0\r\n");
  g_string_append (message, "Content-Type: text/plain; charset=UTF-8\r\n");
  g_string_append (message, "Content-Transfer-Encoding: quoted-printable\r\n");
  /* RFC 3834: a machine wrote this; vacation responders should not answer it. */
  g_string_append (message, "Auto-Submitted: auto-generated\r\n");
  g_string_append (message, "\r\n");

  append_quoted_printable (message, body);

  return g_string_free (message, FALSE);
}

/* "Lanyard <a@b>" → "a@b" */
static char *
bare_address (const char *mailbox)
{
  const char *open = strrchr (mailbox, '<');
  const char *close;

  if (open == NULL)
    return g_strstrip (g_strdup (mailbox));

  close = strchr (open, '>');
  if (close == NULL)
    return g_strstrip (g_strdup (open + 1));

  return g_strstrip (g_strndup (open + 1, close - open - 1));
}

/* ------------------------------------------------------------------------ */
/* Database                                                                  */

static void
set_sqlite_error (GError  **error,
                  sqlite3  *db,
                  int       rc)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                         _("The database is busy with another change; try again in a moment"));
  else
    g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                 _("Database error: %s"), db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

/* Runs @sql with int64 / text parameters, returning no rows. Under db_lock. */
static gboolean
run_sql (LanyardMailQueue  *self,
         const char        *sql,
         GError           **error,
         const char        *types,
         ...)
{
  sqlite3_stmt *stmt = NULL;
  va_list args;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc);
      return FALSE;
    }

  va_start (args, types);
  for (int i = 0; types[i] != '\0'; i++)
    {
      if (types[i] == 'i')
        sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
      else
        {
          const char *text = va_arg (args, const char *);

          if (text != NULL)
            sqlite3_bind_text (stmt, i + 1, text, -1, SQLITE_TRANSIENT);
          else
            sqlite3_bind_null (stmt, i + 1);
        }
    }
  va_end (args);

  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc);
      return FALSE;
    }

  return TRUE;
}

static gint64
queue_now (LanyardMailQueue *self)
{
  return g_get_real_time () + self->clock_offset;
}

/* Up to FLUSH_BATCH due messages, oldest first; NULL with @error when the table cannot be read. */
static GPtrArray *
load_due (LanyardMailQueue  *self,
          gint64             now,
          GError           **error)
{
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (pending_mail_free);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->db_lock);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT id, created_at, attempts, recipient, subject, body, expires_at FROM mail_queue"
                           " WHERE sent_at = 0 AND next_attempt_at <= ?1 AND (expires_at = 0 OR expires_at > ?1)"
                           " ORDER BY next_attempt_at, id LIMIT ?2",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int (stmt, 2, FLUSH_BATCH);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PendingMail *mail = g_new0 (PendingMail, 1);

      mail->id = sqlite3_column_int64 (stmt, 0);
      mail->created_at = sqlite3_column_int64 (stmt, 1);
      mail->attempts = sqlite3_column_int (stmt, 2);
      mail->recipient = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      mail->subject = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
      mail->body = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
      mail->expires_at = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (due, mail);
    }

  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc);
      return NULL;
    }

  return g_steal_pointer (&due);
}

/* When the next unsent message falls due (µs since the epoch), or 0 when nothing waits. */
static gint64
next_due (LanyardMailQueue *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->db_lock);
  sqlite3_stmt *stmt = NULL;
  gint64 due = 0;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT min(next_attempt_at) FROM mail_queue"
                          " WHERE sent_at = 0 AND (expires_at = 0 OR expires_at > ?)",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_bind_int64 (stmt, 1, queue_now (self)) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW &&
      sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    due = MAX (sqlite3_column_int64 (stmt, 0), 1);

  sqlite3_finalize (stmt);
  return due;
}

/* ------------------------------------------------------------------------ */
/* Sending                                                                   */

static void
ensure_curl (void)
{
  static gsize initialized = 0;

  /* curl_global_init() is not thread-safe: once, before any handle exists. */
  if (g_once_init_enter (&initialized))
    {
      CURLcode rc = curl_global_init (CURL_GLOBAL_DEFAULT);

      if (rc != CURLE_OK)
        g_warning ("libcurl could not be initialised: %s", curl_easy_strerror (rc));
      g_once_init_leave (&initialized, 1);
    }
}

typedef struct {
  const char *data;
  gsize       length;
  gsize       offset;
} Upload;

static size_t
upload_read_cb (char   *buffer,
                size_t  size,
                size_t  n_items,
                void   *user_data)
{
  Upload *upload = user_data;
  gsize n = MIN (size * n_items, upload->length - upload->offset);

  memcpy (buffer, upload->data + upload->offset, n);
  upload->offset += n;

  return n;
}

static char *
make_message_id (LanyardMailQueue  *self,
                 const PendingMail *mail)
{
  /* The same for every try of one message, so that a duplicate after a lost reply can be recognised. */
  return g_strdup_printf ("<lanyard.%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%08x@%s>",
                          mail->created_at, mail->id,
                          g_str_hash (self->path), self->message_id_domain);
}

/* Sends one message on @curl; FALSE with *@out_error (a sentence for last_error) and *@out_unreachable on failure. */
static gboolean
send_one (LanyardMailQueue   *self,
          CURL               *curl,
          const PendingMail  *mail,
          char              **out_error,
          gboolean           *out_unreachable)
{
  g_autofree char *message_id = make_message_id (self, mail);
  g_autofree char *message = lanyard_mail_format_message (self->settings.from, mail->recipient,
                                                          mail->subject, mail->body,
                                                          mail->created_at, message_id);
  g_autofree char *mail_from = g_strdup_printf ("<%s>", self->from_address);
  g_autofree char *rcpt = g_strdup_printf ("<%s>", mail->recipient);
  struct curl_slist *recipients = NULL;
  char error_buffer[CURL_ERROR_SIZE] = { 0 };
  Upload upload = { message, strlen (message), 0 };
  CURLcode rc;

  recipients = curl_slist_append (recipients, rcpt);

  curl_easy_setopt (curl, CURLOPT_URL, self->settings.url);
  curl_easy_setopt (curl, CURLOPT_MAIL_FROM, mail_from);
  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, upload_read_cb);
  curl_easy_setopt (curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, SEND_TIMEOUT_S);
  /* Signals and threads do not mix: without this curl uses SIGALRM for DNS timeouts. */
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, error_buffer);
  if (self->settings.require_tls)
    curl_easy_setopt (curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
  if (self->settings.username != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_USERNAME, self->settings.username);
      curl_easy_setopt (curl, CURLOPT_PASSWORD, self->settings.password ? self->settings.password : "");
    }

  rc = curl_easy_perform (curl);

  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, NULL);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, NULL);
  curl_slist_free_all (recipients);

  if (rc == CURLE_OK)
    return TRUE;

  *out_error = g_strdup (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror (rc));
  *out_unreachable = rc == CURLE_COULDNT_CONNECT ||
                     rc == CURLE_COULDNT_RESOLVE_HOST ||
                     rc == CURLE_OPERATION_TIMEDOUT;
  return FALSE;
}

static gint64
retry_delay (int attempts)
{
  /* 30 s, 1 min, 2 min … capped at an hour; the shift is capped before it can overflow. */
  return MIN (RETRY_FIRST << MIN (MAX (attempts - 1, 0), 16), RETRY_MAX);
}

static void
record_failure (LanyardMailQueue  *self,
                const PendingMail *mail,
                const char        *message)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->db_lock);
  g_autoptr(GError) error = NULL;
  int attempts = mail->attempts + 1;
  gint64 now = queue_now (self);

  g_message ("Could not send mail to %s (try %d): %s", mail->recipient, attempts, message);

  if (!run_sql (self,
                "UPDATE mail_queue SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                &error, "itii",
                (gint64)attempts, message, now + retry_delay (attempts), mail->id))
    g_warning ("Could not note a failed send in the mail queue: %s", error->message);
}

static gboolean
record_success (LanyardMailQueue  *self,
                const PendingMail *mail)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->db_lock);
  g_autoptr(GError) error = NULL;

  /* The text (a sign-in code, say) is of no use once the relay has it: only the record of the mail stays. */
  if (!run_sql (self,
                "UPDATE mail_queue SET sent_at = ?, attempts = attempts + 1, last_error = NULL, body = '' WHERE id = ?",
                &error, "ii", queue_now (self), mail->id))
    {
      /* The relay has it; if this is not written it would be sent again. Say so loudly. */
      g_warning ("Mail to %s was sent but could not be marked sent: %s", mail->recipient, error->message);
      return FALSE;
    }

  return TRUE;
}

#define EXPIRED_ERROR "expired before it could be sent"

/* Unsent mail past its expiry is not sent: its text is cleared and the row marked. */
static void
expire_unsent (LanyardMailQueue *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->db_lock);
  g_autoptr(GError) error = NULL;

  if (!run_sql (self,
                "UPDATE mail_queue SET body = '', last_error = ?1"
                " WHERE sent_at = 0 AND expires_at != 0 AND expires_at <= ?2 AND last_error IS NOT ?1",
                &error, "ti", EXPIRED_ERROR, queue_now (self)))
    g_warning ("Could not clear expired mail from the queue: %s", error->message);
}

static gboolean
sender_stopping (LanyardMailQueue *self)
{
  gboolean stopping;

  g_mutex_lock (&self->thread_lock);
  stopping = self->stopping;
  g_mutex_unlock (&self->thread_lock);

  return stopping;
}

guint
lanyard_mail_queue_flush (LanyardMailQueue  *self,
                          GError           **error)
{
  g_autoptr(GMutexLocker) send_locker = NULL;
  g_autofree char *unreachable_error = NULL;
  CURL *curl;
  guint sent = 0;

  g_return_val_if_fail (LANYARD_IS_MAIL_QUEUE (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  /* No relay configured: the mail waits in the table until there is one. */
  if (self->settings.url == NULL)
    return 0;

  send_locker = g_mutex_locker_new (&self->send_lock);

  ensure_curl ();
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_FAILED,
                           _("Could not start sending mail (libcurl failed)"));
      return 0;
    }

  expire_unsent (self);

  for (;;)
    {
      g_autoptr(GPtrArray) due = NULL;
      gint64 now;

      g_mutex_lock (&self->db_lock);
      now = queue_now (self);
      g_mutex_unlock (&self->db_lock);

      due = load_due (self, now, error);
      if (due == NULL)
        break;

      for (guint i = 0; i < due->len; i++)
        {
          const PendingMail *mail = g_ptr_array_index (due, i);
          g_autofree char *message = NULL;
          gboolean unreachable = FALSE;

          /* lanyard_mail_queue_stop() waits for the message being sent, not for the queue. */
          if (sender_stopping (self))
            goto out;

          /* It expired while the messages before it were sent. */
          if (mail->expires_at != 0)
            {
              gint64 at;

              g_mutex_lock (&self->db_lock);
              at = queue_now (self);
              g_mutex_unlock (&self->db_lock);
              if (at >= mail->expires_at)
                {
                  expire_unsent (self);
                  continue;
                }
            }

          /*
           * Once the relay cannot be reached, the rest of this round fails
           * the same way: note it for each without waiting out a timeout
           * per message. Each still counts as a try, so backs off.
           */
          if (unreachable_error != NULL)
            {
              record_failure (self, mail, unreachable_error);
              continue;
            }

          if (send_one (self, curl, mail, &message, &unreachable))
            {
              sent++;
              if (!record_success (self, mail))
                goto out;
              continue;
            }

          record_failure (self, mail, message);
          if (unreachable)
            unreachable_error = g_steal_pointer (&message);
        }

      if (due->len < FLUSH_BATCH)
        break;
    }

out:
  curl_easy_cleanup (curl);
  return sent;
}

/* ------------------------------------------------------------------------ */
/* The sender thread                                                         */

static gpointer
sender_thread (gpointer data)
{
  LanyardMailQueue *self = data;

  g_mutex_lock (&self->thread_lock);

  while (!self->stopping)
    {
      g_autoptr(GError) error = NULL;
      gint64 due, wait_until;

      self->woken = FALSE;
      g_mutex_unlock (&self->thread_lock);

      lanyard_mail_queue_flush (self, &error);
      if (error != NULL)
        g_warning ("Could not send queued mail: %s", error->message);

      due = self->settings.url != NULL ? next_due (self) : 0;

      g_mutex_lock (&self->thread_lock);

      if (due == 0)
        wait_until = g_get_monotonic_time () + IDLE_WAKE;
      else
        {
          gint64 delay;

          g_mutex_lock (&self->db_lock);
          delay = due - queue_now (self);
          g_mutex_unlock (&self->db_lock);

          /* A read error leaves mail due; do not spin on it. */
          if (error != NULL)
            delay = MAX (delay, RETRY_FIRST);

          wait_until = g_get_monotonic_time () + CLAMP (delay, 0, IDLE_WAKE);
        }

      while (!self->stopping && !self->woken)
        if (!g_cond_wait_until (&self->thread_cond, &self->thread_lock, wait_until))
          break;
    }

  g_mutex_unlock (&self->thread_lock);
  return NULL;
}

static void
wake_sender (LanyardMailQueue *self)
{
  g_mutex_lock (&self->thread_lock);
  self->woken = TRUE;
  g_cond_signal (&self->thread_cond);
  g_mutex_unlock (&self->thread_lock);
}

void
lanyard_mail_queue_start (LanyardMailQueue *self)
{
  g_return_if_fail (LANYARD_IS_MAIL_QUEUE (self));

  g_mutex_lock (&self->thread_lock);
  if (self->thread == NULL)
    {
      self->stopping = FALSE;
      self->thread = g_thread_new ("lanyard-mail", sender_thread, self);
    }
  g_mutex_unlock (&self->thread_lock);
}

void
lanyard_mail_queue_stop (LanyardMailQueue *self)
{
  GThread *thread;

  g_return_if_fail (LANYARD_IS_MAIL_QUEUE (self));

  g_mutex_lock (&self->thread_lock);
  thread = g_steal_pointer (&self->thread);
  self->stopping = TRUE;
  g_cond_signal (&self->thread_cond);
  g_mutex_unlock (&self->thread_lock);

  if (thread != NULL)
    g_thread_join (thread);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

gboolean
lanyard_mail_queue_add (LanyardMailQueue  *self,
                        const char        *to,
                        const char        *subject,
                        const char        *body,
                        GError           **error)
{
  return lanyard_mail_queue_add_full (self, to, subject, body, 0, error);
}

gboolean
lanyard_mail_queue_add_full (LanyardMailQueue  *self,
                             const char        *to,
                             const char        *subject,
                             const char        *body,
                             gint64             expires_at,
                             GError           **error)
{
  g_autofree char *address = NULL;
  gboolean ok;

  g_return_val_if_fail (LANYARD_IS_MAIL_QUEUE (self), FALSE);
  g_return_val_if_fail (to != NULL, FALSE);
  g_return_val_if_fail (subject != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  address = lanyard_email_normalize (to, error);
  if (address == NULL)
    return FALSE;

  /* A line break in a header would let the caller's text add headers of its own. */
  if (strpbrk (address, "\r\n<>,") != NULL || strpbrk (subject, "\r\n") != NULL)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("A mail's address and subject must be on one line"));
      return FALSE;
    }

  if (!g_utf8_validate (subject, -1, NULL) || !g_utf8_validate (body, -1, NULL))
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("A mail's subject and text must be valid UTF-8"));
      return FALSE;
    }

  g_mutex_lock (&self->db_lock);
  {
    gint64 now = queue_now (self);

    ok = run_sql (self,
                  "INSERT INTO mail_queue (created_at, recipient, subject, body, next_attempt_at, expires_at)"
                  " VALUES (?, ?, ?, ?, ?, ?)",
                  error, "itttii",
                  now, address, subject, body, now, MAX (expires_at, 0));
  }
  g_mutex_unlock (&self->db_lock);

  if (ok)
    wake_sender (self);

  return ok;
}

guint
lanyard_mail_queue_count_pending (LanyardMailQueue *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  sqlite3_stmt *stmt = NULL;
  guint count = 0;

  g_return_val_if_fail (LANYARD_IS_MAIL_QUEUE (self), 0);

  locker = g_mutex_locker_new (&self->db_lock);

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT count(*) FROM mail_queue WHERE sent_at = 0 AND (expires_at = 0 OR expires_at > ?)",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_bind_int64 (stmt, 1, queue_now (self)) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int (stmt, 0);

  sqlite3_finalize (stmt);
  return count;
}

void
lanyard_mail_queue_set_clock_offset (LanyardMailQueue *self,
                                     gint64            offset_usec)
{
  g_return_if_fail (LANYARD_IS_MAIL_QUEUE (self));

  g_mutex_lock (&self->db_lock);
  self->clock_offset = offset_usec;
  g_mutex_unlock (&self->db_lock);

  wake_sender (self);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
lanyard_mail_queue_dispose (GObject *object)
{
  LanyardMailQueue *self = (LanyardMailQueue *)object;

  lanyard_mail_queue_stop (self);

  G_OBJECT_CLASS (lanyard_mail_queue_parent_class)->dispose (object);
}

static void
lanyard_mail_queue_finalize (GObject *object)
{
  LanyardMailQueue *self = (LanyardMailQueue *)object;

  g_clear_pointer (&self->db, sqlite3_close);
  lanyard_smtp_settings_clear (&self->settings);
  g_clear_pointer (&self->from_address, g_free);
  g_clear_pointer (&self->message_id_domain, g_free);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->db_lock);
  g_mutex_clear (&self->send_lock);
  g_mutex_clear (&self->thread_lock);
  g_cond_clear (&self->thread_cond);

  G_OBJECT_CLASS (lanyard_mail_queue_parent_class)->finalize (object);
}

static void
lanyard_mail_queue_class_init (LanyardMailQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_mail_queue_dispose;
  object_class->finalize = lanyard_mail_queue_finalize;
}

static void
lanyard_mail_queue_init (LanyardMailQueue *self)
{
  g_mutex_init (&self->db_lock);
  g_mutex_init (&self->send_lock);
  g_mutex_init (&self->thread_lock);
  g_cond_init (&self->thread_cond);
}

LanyardMailQueue *
lanyard_mail_queue_new (const char                 *path,
                        const LanyardSmtpSettings  *settings,
                        GError                    **error)
{
  g_autoptr(LanyardMailQueue) self = NULL;
  const char *at;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (settings->url != NULL && settings->from == NULL)
    {
      g_set_error_literal (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_INVALID,
                           _("Mail cannot be sent without a sender address"));
      return NULL;
    }

  self = g_object_new (LANYARD_TYPE_MAIL_QUEUE, NULL);
  self->path = g_strdup (path);
  self->settings.url = g_strdup (settings->url);
  self->settings.from = g_strdup (settings->from ? settings->from : "Lanyard <lanyard@localhost>");
  self->settings.username = g_strdup (settings->username);
  self->settings.password = g_strdup (settings->password);
  self->settings.require_tls = settings->require_tls;
  self->from_address = bare_address (self->settings.from);

  at = strrchr (self->from_address, '@');
  self->message_id_domain = g_strdup (at != NULL && at[1] != '\0' ? at + 1 : "lanyard.invalid");

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, LANYARD_STORE_ERROR, LANYARD_STORE_ERROR_UNAVAILABLE,
                   _("Could not open the database “%s”: %s"),
                   path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);

  rc = sqlite3_exec (self->db,
                     "PRAGMA journal_mode = WAL;"
                     "PRAGMA synchronous = NORMAL;"
                     "SELECT 1 FROM mail_queue LIMIT 0;",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc);
      g_prefix_error (error, _("“%s” has no mail queue (open it with the store first to migrate it): "), path);
      return NULL;
    }

  return g_steal_pointer (&self);
}
