/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard-Test"

#include "config.h"

#include <adwaita.h>

#include "lanyard-test-utils.h"
#include "lanyard-widget-test-utils.h"

int
main (int   argc,
      char *argv[])
{
  if (!lanyard_test_init_widgets (&argc, &argv))
    return 0;

  return g_test_run ();
}
