/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-remote-store.h"

G_BEGIN_DECLS

/*
 * How many HTTP connections the store has opened to its server so far:
 * with keep-alive, sequential calls share one. For tests.
 */
guint lanyard_remote_store_get_n_connections (LanyardRemoteStore *self);

G_END_DECLS
