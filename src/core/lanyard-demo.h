/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-store.h"

G_BEGIN_DECLS

/*
 * Generated data of realistic shape for demos, tests and benchmarks: a
 * facility with doors, access scopes and rules, and people with names from
 * many languages, unique phones and emails, person types, membership
 * statuses, tags, grants, synced and disabled people, invitations and app
 * activity. The same seed gives the same data.
 */

typedef void (*LanyardDemoProgress) (guint    done,
                                     guint    total,
                                     gpointer user_data);

/* Creates the facility with its doors, scopes and rules; returns its id, or 0 with @error set. */
gint64   lanyard_demo_create_facility (LanyardStore         *store,
                                       const char           *name,
                                       GCancellable         *cancellable,
                                       GError              **error);

/*
 * Adds @n_people generated people to @facility_id (made by
 * lanyard_demo_create_facility()), in transactions of @batch_size people
 * (0 for a default of 100,000), calling @progress after each.
 */
gboolean lanyard_demo_add_people      (LanyardStore         *store,
                                       gint64                facility_id,
                                       guint                 n_people,
                                       guint32               seed,
                                       guint                 batch_size,
                                       LanyardDemoProgress   progress,
                                       gpointer              user_data,
                                       GCancellable         *cancellable,
                                       GError              **error);

/*
 * One generated person (no grants), the @index-th of @n_total for @seed.
 * People join in the order of their index, spread over three years.
 */
LanyardPerson *lanyard_demo_make_person (gint64   facility_id,
                                         guint    index,
                                         guint    n_total,
                                         guint32  seed);

G_END_DECLS
