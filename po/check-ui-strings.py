#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a GtkBuilder .ui file shows a string that is not translatable.

Usage: check-ui-strings.py FILE.ui...  (or a directory, searched for *.ui)

Every <property>, accessibility <property> and <attribute> whose name is one
that users read (label, title, tooltip-text, placeholder-text, ...) and whose
value has a letter must carry translatable="yes" -- unless the value is in
ALLOWED below (symbols, icon names, example values that are the same in every
language). Menu <attribute name="label"> in <menu> models counts too.
"""

import os
import sys
import xml.etree.ElementTree as ET

# Property names whose values users see or hear.
USER_VISIBLE = {
    "label", "title", "subtitle", "tooltip-text", "tooltip-markup",
    "placeholder-text", "description", "text", "secondary-text", "body",
    "heading", "primary-text", "accelerator-title", "button-label",
    "accessible-name", "accessible-description", "name-hint", "section-title",
    "message", "header", "caption", "help-text", "copyright", "comments",
    "website-label", "primary-icon-tooltip-text", "secondary-icon-tooltip-text",
    "primary-icon-tooltip-markup", "secondary-icon-tooltip-markup",
    "value-placeholder", "empty-text",
}

# Values that are the same in every language.
ALLOWED = {
    "•", "—", "–", "…", "·", "/", ":", "0", "+", "-",
}


def has_letter(text):
    return any(ch.isalpha() for ch in text)


def is_translatable(element):
    return element.get("translatable", "no").lower() in ("yes", "true", "1")


def check_file(path):
    problems = []
    try:
        tree = ET.parse(path)
    except ET.ParseError as error:
        return [f"{path}: cannot parse: {error}"]
    parent_of = {child: parent for parent in tree.iter() for child in parent}
    for element in tree.iter():
        if element.tag in ("item", "string") and len(element) == 0:
            # GtkStringList / GtkComboBoxText items: <item>Text</item>.
            value = (element.text or "").strip()
            if value and value not in ALLOWED and has_letter(value) and not is_translatable(element):
                problems.append(f'{path}: {element.tag} is not translatable: "{value}"')
            continue
        if element.tag not in ("property", "attribute"):
            continue
        name = (element.get("name") or "").replace("_", "-")
        if name not in USER_VISIBLE:
            continue
        # <attribute> outside a menu model is a Pango attribute or similar.
        if element.tag == "attribute":
            parent = parent_of.get(element)
            if parent is None or parent.tag not in ("item", "submenu", "section"):
                continue
        value = (element.text or "").strip()
        if not value or value in ALLOWED or not has_letter(value):
            continue
        if element.get("bind-source") is not None:
            continue
        if is_translatable(element):
            continue
        owner = parent_of.get(element)
        where = owner.get("id") or owner.get("class") or owner.tag if owner is not None else "?"
        problems.append(f'{path}: {element.tag} "{name}" of {where} is not translatable: "{value}"')
    return problems


def main(arguments):
    files = []
    for argument in arguments:
        if os.path.isdir(argument):
            for root, _dirs, names in os.walk(argument):
                files += [os.path.join(root, n) for n in sorted(names) if n.endswith(".ui")]
        else:
            files.append(argument)
    if not files:
        print("no .ui files given", file=sys.stderr)
        return 2
    problems = []
    for path in sorted(files):
        problems += check_file(path)
    for problem in problems:
        print(problem)
    print(f"{len(files)} .ui files checked, {len(problems)} untranslatable strings")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
