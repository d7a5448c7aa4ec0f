/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LANYARD_STORE_ERROR (lanyard_store_error_quark ())

/**
 * LanyardStoreError:
 * @LANYARD_STORE_ERROR_NOT_FOUND: the record does not exist (any more)
 * @LANYARD_STORE_ERROR_DUPLICATE: another record already has this phone, email or name
 * @LANYARD_STORE_ERROR_INVALID: the input breaks a rule; the message says which
 * @LANYARD_STORE_ERROR_CONFLICT: the record changed since it was read
 * @LANYARD_STORE_ERROR_PERMISSION_DENIED: the caller may not do this
 * @LANYARD_STORE_ERROR_UNAVAILABLE: the database or server cannot be reached or read
 * @LANYARD_STORE_ERROR_FAILED: anything else; the message says what
 * @LANYARD_STORE_ERROR_UNAUTHENTICATED: the caller is not signed in (no
 *   token, or one that expired, was revoked or belongs to an account that
 *   is no longer active): sign in again
 * @LANYARD_STORE_ERROR_RATE_LIMITED: too many attempts in too short a
 *   time: try again later
 *
 * Every store implementation reports failures in this domain so that a
 * caller can act on the code (offer "open existing", "reload", "retry")
 * without knowing which store it talks to.
 */
typedef enum {
  LANYARD_STORE_ERROR_NOT_FOUND,
  LANYARD_STORE_ERROR_DUPLICATE,
  LANYARD_STORE_ERROR_INVALID,
  LANYARD_STORE_ERROR_CONFLICT,
  LANYARD_STORE_ERROR_PERMISSION_DENIED,
  LANYARD_STORE_ERROR_UNAVAILABLE,
  LANYARD_STORE_ERROR_FAILED,
  LANYARD_STORE_ERROR_UNAUTHENTICATED,
  LANYARD_STORE_ERROR_RATE_LIMITED,
} LanyardStoreError;

GQuark lanyard_store_error_quark (void);

G_END_DECLS
