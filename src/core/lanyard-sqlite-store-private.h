/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-sqlite-store.h"

G_BEGIN_DECLS

/* How many rows a dense search walks per call; tests make it small to exercise short pages. */
void lanyard_sqlite_store_set_scan_budget (LanyardSqliteStore *self,
                                           guint               rows);

G_END_DECLS
