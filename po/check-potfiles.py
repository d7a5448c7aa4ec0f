#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks po/POTFILES.in against the sources.

Usage: check-potfiles.py SOURCE_ROOT

Fails when a file listed in POTFILES.in does not exist, when a listed file has
no translatable string, or when a file under src/ or data/ has translatable
strings but is not listed (its strings would never reach the translators).
"""

import os
import re
import sys

# A call of a gettext macro or function on a string: _("…"), N_("…"),
# C_("context", "…"), ngettext ("…", …), g_dngettext (GETTEXT_PACKAGE, "…", …).
C_MARKER = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_)\s*\(\s*"'
    r'|(?<![A-Za-z0-9_])(?:ngettext|g_dngettext|g_dgettext|g_dcgettext|g_dpgettext2?|dgettext|dngettext)\s*\('
)
UI_MARKER = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
SCHEMA_MARKER = re.compile(r'<schemalist[^>]*gettext-domain\s*=')
C_SUFFIXES = (".c", ".cc", ".cpp", ".h")


def has_translatable_strings(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return False
    name = os.path.basename(path)
    if name.endswith(C_SUFFIXES):
        # Comments may mention _("…") without being code; drop them first.
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
        # A macro that defines _() itself is not a use of it.
        text = re.sub(r"^\s*#\s*define\s+\w+.*$", "", text, flags=re.M)
        return C_MARKER.search(text) is not None
    if name.endswith(".ui"):
        return UI_MARKER.search(text) is not None
    if name.endswith(".gschema.xml"):
        return SCHEMA_MARKER.search(text) is not None
    if name.endswith((".desktop.in", ".metainfo.xml.in", ".appdata.xml.in")):
        return True
    return False


def candidates(root):
    for top in ("src", "data"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(C_SUFFIXES + (".ui", ".gschema.xml", ".desktop.in",
                                               ".metainfo.xml.in", ".appdata.xml.in")):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = argv[1]
    listed = []
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                listed.append(line)

    problems = []
    if listed != sorted(listed):
        problems.append("POTFILES.in is not sorted")
    if len(set(listed)) != len(listed):
        problems.append("POTFILES.in lists a file twice")
    for path in listed:
        full = os.path.join(root, path)
        if not os.path.isfile(full):
            problems.append(f"{path}: listed in POTFILES.in but does not exist")
        elif not has_translatable_strings(full):
            problems.append(f"{path}: listed in POTFILES.in but has no translatable string")
    listed_set = set(listed)
    for path in candidates(root):
        if path not in listed_set and has_translatable_strings(os.path.join(root, path)):
            problems.append(f"{path}: has translatable strings but is not in po/POTFILES.in")

    for problem in problems:
        print(problem)
    print(f"{len(listed)} files in POTFILES.in, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
