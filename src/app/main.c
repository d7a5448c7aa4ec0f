/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <glib/gi18n.h>

#include "lanyard-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LanyardApplication) app = NULL;
  const char *localedir;

  lanyard_application_profile_mark ("main");
  lanyard_application_prefer_cairo_without_gpu ("/dev/dri");

  /* LANYARD_LOCALEDIR=_build/po runs an uninstalled build in another
   * language: meson compiles each po/LANG.po to _build/po/LANG/LC_MESSAGES. */
  localedir = g_getenv ("LANYARD_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = lanyard_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
