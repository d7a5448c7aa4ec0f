/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-error.h"

G_DEFINE_QUARK (lanyard-store-error-quark, lanyard_store_error)
