/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* g_set_str() arrived in GLib 2.76; we build against 2.74. */
static inline gboolean
lanyard_set_str (char       **str_pointer,
                 const char  *new_str)
{
  char *copy;

  if (*str_pointer == new_str || g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;

  return TRUE;
}

/* NULL and an empty list are the same list. */
static inline gboolean
lanyard_strv_equal0 (const char * const *a,
                     const char * const *b)
{
  if (a == NULL || a[0] == NULL)
    return b == NULL || b[0] == NULL;
  if (b == NULL || b[0] == NULL)
    return FALSE;
  return g_strv_equal (a, b);
}

/* Empty strings are stored as NULL so that "unset" has one spelling. */
static inline const char *
lanyard_nullify (const char *s)
{
  return (s && *s) ? s : NULL;
}

G_END_DECLS
