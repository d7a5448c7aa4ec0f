/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-server.h"

G_BEGIN_DECLS

/* Makes every request wait @delay_ms on its worker before it runs: for tests of shutdown with requests in flight. */
void lanyard_server_set_request_delay (LanyardServer *self,
                                       guint          delay_ms);

G_END_DECLS
