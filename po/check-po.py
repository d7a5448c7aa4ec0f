#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks a translation: po/LANG.po.

Usage: check-po.py valid    SOURCE_ROOT LANG
       check-po.py complete SOURCE_ROOT LANG

valid:    msgfmt -c --check-format accepts the file, and it has no untranslated
          and no fuzzy message.
complete: a template extracted now from the sources listed in POTFILES.in (the
          same xgettext call as `ninja lanyard-pot`, into a temporary
          directory) has no message that LANG.po lacks, so that a new string
          fails the test until it is translated.
"""

import os
import re
import subprocess
import sys
import tempfile

# The arguments meson's i18n.gettext(preset: 'glib') gives xgettext
# (mesonbuild/modules/i18n.py, PRESET_ARGS['glib']); keep them in step.
GLIB_PRESET = [
    "--from-code=UTF-8",
    "--add-comments",
    "--keyword=_",
    "--keyword=N_",
    "--keyword=C_:1c,2",
    "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2",
    "--keyword=g_dngettext:2,3",
    "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format",
    "--flag=C_:2:pass-c-format",
    "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format",
    "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format",
    "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format",
    "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format",
    "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format",
    "--flag=g_printerr:1:c-format",
    "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format",
    "--flag=g_sprintf:2:c-format",
    "--flag=g_snprintf:3:c-format",
]


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def statistics(po_file):
    """msgfmt -c's verdict and its counts of translated, fuzzy and untranslated messages."""
    result = run(["msgfmt", "-c", "--check-format", "--statistics", "-o", os.devnull, po_file],
                 env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated) messages?", result.stderr):
        counts[kind] = int(number)
    return result, counts


def unfinished(po_file):
    """The msgids of untranslated and fuzzy messages, for the log."""
    result = run(["msgattrib", "--only-fuzzy", "--no-wrap", po_file])
    fuzzy = re.findall(r'^msgid "(.+)"$', result.stdout, re.M)
    result = run(["msgattrib", "--untranslated", "--no-wrap", po_file])
    untranslated = re.findall(r'^msgid "(.+)"$', result.stdout, re.M)
    return fuzzy, untranslated


def report(po_file, label):
    result, counts = statistics(po_file)
    print(f"{label}: {result.stderr.strip()}")
    failed = result.returncode != 0
    if failed:
        print(f"{label}: msgfmt -c failed")
    if counts["fuzzy"] or counts["untranslated"]:
        failed = True
        fuzzy, untranslated = unfinished(po_file)
        for msgid in fuzzy:
            print(f'  fuzzy: "{msgid}"')
        for msgid in untranslated:
            print(f'  untranslated: "{msgid}"')
    return failed


def main(argv):
    if len(argv) != 4 or argv[1] not in ("valid", "complete"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, root, lang = argv[1:]
    po_file = os.path.join(root, "po", lang + ".po")
    if not os.path.isfile(po_file):
        print(f"{po_file} does not exist")
        return 1

    if mode == "valid":
        return 1 if report(po_file, f"{lang}.po") else 0

    with tempfile.TemporaryDirectory() as tmp:
        template = os.path.join(tmp, "lanyard.pot")
        result = run(["xgettext", "--package-name=lanyard", "-D", root,
                      "-f", os.path.join(root, "po", "POTFILES.in"),
                      "-o", template] + GLIB_PRESET)
        if result.returncode != 0:
            print("xgettext failed:\n" + result.stderr)
            return 1
        if result.stderr.strip():
            # Such as a msgid that G_GINT64_FORMAT cuts short; fix them.
            print("xgettext warned:\n" + result.stderr)
            return 1
        merged = os.path.join(tmp, lang + ".po")
        result = run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged, po_file, template])
        if result.returncode != 0:
            print("msgmerge failed:\n" + result.stderr)
            return 1
        failed = report(merged, f"{lang}.po merged with the current sources")
        if failed:
            print(f"Translate the new strings: ninja lanyard-update-po, then edit po/{lang}.po")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
