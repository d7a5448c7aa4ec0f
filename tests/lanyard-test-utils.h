/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-core.h"

G_BEGIN_DECLS

/* A fresh temporary directory, removed with its contents by lanyard_test_dir_free(). */
char               *lanyard_test_dir_new     (void);
void                lanyard_test_dir_free    (char *dir);

/* A new SQLite store in a fresh file under @dir, phone region DE, actor "test". */
LanyardSqliteStore *lanyard_test_store_new   (const char *dir);

/* A facility called @name in Europe/Berlin with doors "Front", "Gym", "Pool"; returns its id. */
gint64              lanyard_test_add_facility (LanyardStore *store,
                                               const char   *name);

/* Adds a person with the given fields; asserts success; returns the stored person. */
LanyardPerson      *lanyard_test_add_person  (LanyardStore *store,
                                              gint64        facility_id,
                                              const char   *first,
                                              const char   *last,
                                              const char   *phone,
                                              const char   *email);

/* The id of the door / scope called @name at @facility_id; asserts it exists. */
gint64              lanyard_test_door_id     (LanyardStore *store,
                                              gint64        facility_id,
                                              const char   *name);

G_END_DECLS
