/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-auth.h"

G_BEGIN_DECLS

/*
 * For tests: moves LanyardAuth's clock by @offset_usec from the real time,
 * so that codes, tokens and rate-limit windows can be made to expire
 * without waiting for them.
 */
void   lanyard_auth_set_clock_offset    (LanyardAuth *self,
                                         gint64       offset_usec);

/* For tests and benchmarks: how long lanyard_auth_check_token() trusts a cached answer; 0 turns the cache off. */
void   lanyard_auth_set_token_cache_ttl (LanyardAuth *self,
                                         gint64       ttl_usec);

/* The hex SHA-256 a token is stored as (tests look it up in auth_token). */
char  *lanyard_auth_hash_token          (const char  *token);

G_END_DECLS
