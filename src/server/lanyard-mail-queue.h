/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * LanyardMailQueue: outgoing mail (sign-in codes, invitations), written to
 * the database's mail_queue table first and sent from there through an
 * SMTP relay with libcurl. A message that cannot be sent stays queued and
 * is tried again with back-off (30 s, doubling, at most 1 h between tries);
 * nothing is dropped because the relay is down. Thread-safe.
 */
#define LANYARD_TYPE_MAIL_QUEUE (lanyard_mail_queue_get_type ())

G_DECLARE_FINAL_TYPE (LanyardMailQueue, lanyard_mail_queue, LANYARD, MAIL_QUEUE, GObject)

typedef struct {
  char    *url;          /* smtp://host:port or smtps://host:port; NULL: keep mail queued, send nothing */
  char    *from;         /* "Lanyard <lanyard@example.org>" */
  char    *username;     /* NULL: no SMTP AUTH */
  char    *password;
  gboolean require_tls;  /* STARTTLS required on smtp:// (default TRUE off loopback) */
} LanyardSmtpSettings;

void lanyard_smtp_settings_clear (LanyardSmtpSettings *settings);

/* Opens the queue in the database at @path (schema from lanyard_sqlite_store_open()). */
LanyardMailQueue *lanyard_mail_queue_new     (const char                *path,
                                              const LanyardSmtpSettings *settings,
                                              GError                   **error);

/* Queues a plain-text UTF-8 mail; it is sent by the sender, not here. */
gboolean          lanyard_mail_queue_add     (LanyardMailQueue          *self,
                                              const char                *to,
                                              const char                *subject,
                                              const char                *body,
                                              GError                   **error);

/*
 * Like lanyard_mail_queue_add(), for mail that is of no use after
 * @expires_at (µs since the epoch; 0: never), such as a sign-in code:
 * past it the mail is not sent any more, and its text is cleared from the
 * table (last_error says "expired before it could be sent"). The text of
 * every mail is cleared once it is sent.
 */
gboolean          lanyard_mail_queue_add_full (LanyardMailQueue        *self,
                                               const char              *to,
                                               const char              *subject,
                                               const char              *body,
                                               gint64                   expires_at,
                                               GError                 **error);

/*
 * Starts sending on a thread of its own: due mail at once, then whenever
 * mail is added or a retry falls due. Stop with lanyard_mail_queue_stop(),
 * which waits for the message being sent (at most the 10 s connect and
 * 30 s send timeouts), not for the rest of the queue.
 */
void              lanyard_mail_queue_start   (LanyardMailQueue          *self);
void              lanyard_mail_queue_stop    (LanyardMailQueue          *self);

/*
 * Tries every due message once, now, on this thread; the number sent. A
 * failed send is not an error here: it is noted in the message's row
 * (attempts, last_error, next_attempt_at). @error is set only when the
 * queue cannot be read. For tests and the sender thread.
 */
guint             lanyard_mail_queue_flush   (LanyardMailQueue          *self,
                                              GError                   **error);

/* Messages not sent yet (and not expired). */
guint             lanyard_mail_queue_count_pending (LanyardMailQueue    *self);

G_END_DECLS
