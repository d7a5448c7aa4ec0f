/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-mail-queue.h"

G_BEGIN_DECLS

/* For tests: moves the queue's clock by @offset_usec, so that a retry falls due without waiting for it. */
void   lanyard_mail_queue_set_clock_offset (LanyardMailQueue *self,
                                            gint64            offset_usec);

/*
 * The message as it goes to the relay: RFC 5322 headers, a
 * quoted-printable UTF-8 body, CRLF line endings. @date is µs since the
 * epoch. For tests; the sender uses it too.
 */
char  *lanyard_mail_format_message         (const char       *from,
                                            const char       *to,
                                            const char       *subject,
                                            const char       *body,
                                            gint64            date,
                                            const char       *message_id);

G_END_DECLS
