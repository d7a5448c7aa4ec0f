#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline checks of Lanyard's Flatpak manifests (flatpak/meson.build runs them).

  check-manifest.py show-manifest MANIFEST
      flatpak-builder parses MANIFEST with every warning fatal (an unknown key
      is only a warning to flatpak-builder, so it would otherwise pass).
  check-manifest.py policy MANIFEST
      every module source is pinned (sha256 / git commit / a local file that
      exists), every finish-arg is allowed and has a reason, no file system
      access, no keyring talk-name, the modules and their options.
  check-manifest.py app-id MANIFEST DATA_DIR
      the manifest id matches the desktop file, the AppStream metainfo and
      the icon that data/ installs (through rename-* for the .Devel variant).
  check-manifest.py gschema MANIFEST DATA_DIR
      a GSettings schema with the manifest id exists: the app calls
      g_settings_new (APP_ID). Skipped (exit 77) for the .Devel id while
      data/ does not provide one yet (flatpak/README.md, "Devel variant").

Exit status: 0 passed, 1 failed (reasons on stderr), 77 skipped.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SKIP = 77

# What the app may do outside its sandbox, and why. Anything not here fails.
FINISH_ARGS = {
    '--share=network': 'talks to a Lanyard server (lanyardd) over HTTPS',
    '--share=ipc': 'X11 shared memory; needed with the X11 fallback',
    '--socket=wayland': 'shows its window on Wayland',
    '--socket=fallback-x11': 'X11 only where there is no Wayland',
    '--device=dri': 'GPU rendering for GTK 4',
}

# Keyring access goes through the secret portal (libsecret uses it by itself
# inside Flatpak), so none of these names may be talked to directly.
SECRET_BUS_NAMES = ('org.freedesktop.secrets', 'org.gnome.keyring',
                    'org.freedesktop.Secret', 'org.kde.kwalletd')

STABLE_ID = 'app.lanyard.Lanyard'
DEVEL_ID = STABLE_ID + '.Devel'

# Modules the runtime lacks, in build order, ending with the app.
MODULE_ORDER = ['abseil', 'protobuf', 'libphonenumber', 'lanyard']

failures = []


def fail(message):
    failures.append(message)


def finish():
    for message in failures:
        print('FAIL: ' + message, file=sys.stderr)
    return 1 if failures else 0


def load(path):
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f'FAIL: cannot read {path}: {e}', file=sys.stderr)
        sys.exit(1)


def walk_modules(modules, parents=()):
    for module in modules:
        if isinstance(module, str):
            # A module kept in its own file, relative to the manifest.
            yield module, parents
            continue
        yield module, parents
        yield from walk_modules(module.get('modules', []), parents + (module.get('name', '?'),))


# show-manifest --------------------------------------------------------------

def missing_keys(original, shown, where):
    """Keys of the manifest that flatpak-builder dropped, i.e. did not know."""
    if isinstance(original, dict) and isinstance(shown, dict):
        for key, value in original.items():
            if key not in shown:
                yield f'{where}.{key}'
            else:
                yield from missing_keys(value, shown[key], f'{where}.{key}')
    elif isinstance(original, list) and isinstance(shown, list):
        for i, (a, b) in enumerate(zip(original, shown)):
            yield from missing_keys(a, b, f'{where}[{i}]')


def show_manifest(manifest):
    builder = shutil.which('flatpak-builder')
    if builder is None:
        print('SKIP: flatpak-builder is not installed (Debian package flatpak-builder)')
        return SKIP
    with tempfile.TemporaryDirectory(prefix='lanyard-flatpak-home-') as home:
        env = {
            'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
            'HOME': home,
            'XDG_CACHE_HOME': os.path.join(home, 'cache'),
            'XDG_CONFIG_HOME': os.path.join(home, 'config'),
            'XDG_DATA_HOME': os.path.join(home, 'data'),
            'LC_ALL': 'C.UTF-8',
            # Turns "Unknown property ... for type ..." and every other
            # warning into an abort.
            'G_DEBUG': 'fatal-warnings',
        }
        result = subprocess.run([builder, '--show-manifest', manifest], env=env,
                                capture_output=True, text=True, cwd=home)
    if result.returncode != 0:
        fail(f'flatpak-builder --show-manifest {manifest} exited with {result.returncode}:\n'
             + result.stderr)
        return finish()
    if result.stderr.strip():
        fail(f'flatpak-builder --show-manifest printed on stderr:\n{result.stderr}')
    try:
        shown = json.loads(result.stdout)
    except ValueError as e:
        fail(f'flatpak-builder --show-manifest did not print JSON: {e}')
        return finish()
    for key in missing_keys(load(manifest), shown, '$'):
        fail(f'flatpak-builder dropped {key} (an unknown key?)')
    if not failures:
        print(f'ok: flatpak-builder {manifest}: parsed, no warnings')
    return finish()


# policy ---------------------------------------------------------------------

def check_source(source, module_name, manifest_dir):
    kind = source.get('type')
    where = f'module {module_name}: source {json.dumps(source)}'
    if kind in ('archive', 'file'):
        if 'path' in source:
            if not os.path.exists(os.path.join(manifest_dir, source['path'])):
                fail(f'{where}: {source["path"]} does not exist')
            return
        if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
            fail(f'{where}: a downloaded {kind} needs a sha256 (64 hex digits)')
        urls = [source.get('url', '')] + source.get('mirror-urls', [])
        for url in urls:
            if not url.startswith('https://'):
                fail(f'{where}: {url!r} is not an https URL')
    elif kind == 'git':
        if 'path' in source:
            fail(f'{where}: a local git checkout is not reproducible; use a dir source')
        if not re.fullmatch(r'[0-9a-f]{40}', source.get('commit', '')):
            fail(f'{where}: a git source needs a commit (40 hex digits)')
    elif kind in ('patch', 'script', 'shell', 'dir'):
        paths = source.get('paths', []) + ([source['path']] if 'path' in source else [])
        if kind in ('patch', 'dir') and not paths:
            fail(f'{where}: a {kind} source needs a local path')
        for path in paths:
            if not os.path.exists(os.path.join(manifest_dir, path)):
                fail(f'{where}: {path} does not exist')
    else:
        fail(f'{where}: source type {kind!r} is not allowed (only archive, file, git, '
             'patch, dir, script, shell)')


def policy(manifest):
    m = load(manifest)
    manifest_dir = os.path.dirname(os.path.abspath(manifest))
    app_id = m.get('id') or m.get('app-id')

    if app_id not in (STABLE_ID, DEVEL_ID):
        fail(f'id {app_id!r} is neither {STABLE_ID} nor {DEVEL_ID}')
    if m.get('runtime') != 'org.gnome.Platform' or m.get('sdk') != 'org.gnome.Sdk':
        fail('runtime and sdk must be org.gnome.Platform and org.gnome.Sdk')
    if not re.fullmatch(r'\d+', str(m.get('runtime-version', ''))):
        fail('runtime-version must be a stable GNOME release number (not master/nightly)')
    if m.get('command') != 'lanyard':
        fail(f'command is {m.get("command")!r}, not lanyard')

    for arg in m.get('finish-args', []):
        if arg.startswith('--filesystem') or arg.startswith('--persist'):
            fail(f'finish-arg {arg}: files go through the portal (file chooser), '
                 'no file system access')
        elif arg.startswith(('--talk-name', '--own-name', '--system-talk-name')) and \
                any(name in arg for name in SECRET_BUS_NAMES):
            fail(f'finish-arg {arg}: secrets go through the secret portal, which '
                 'libsecret uses by itself inside Flatpak; no keyring talk-name')
        elif arg not in FINISH_ARGS:
            fail(f'finish-arg {arg} is not in the allowlist of check-manifest.py '
                 '(add it there with the reason the app needs it)')
    for arg in FINISH_ARGS:
        if arg not in m.get('finish-args', []):
            fail(f'finish-arg {arg} is missing ({FINISH_ARGS[arg]})')

    names = []
    for module, parents in walk_modules(m.get('modules', [])):
        if isinstance(module, str):
            fail(f'module file {module}: keep modules inline so that they are checked')
            continue
        name = module.get('name', '?')
        if not parents:
            names.append(name)
        sources = module.get('sources', [])
        if not sources:
            fail(f'module {name} has no sources')
        for source in sources:
            if isinstance(source, str):
                fail(f'module {name}: source file {source}: keep sources inline')
                continue
            check_source(source, name, manifest_dir)
    if names != MODULE_ORDER:
        fail(f'modules are {names}, expected {MODULE_ORDER} (what the runtime lacks '
             'for libphonenumber, then the app)')

    modules = {module.get('name'): module for module in m.get('modules', [])
               if isinstance(module, dict)}
    lpn = modules.get('libphonenumber', {})
    for opt in ('-DBUILD_TESTING=OFF', '-DREGENERATE_METADATA=OFF', '-DUSE_BOOST=OFF'):
        if opt not in lpn.get('config-opts', []):
            fail(f'module libphonenumber: config-opts lack {opt}')
    lanyard = modules.get('lanyard', {})
    profile = 'development' if app_id == DEVEL_ID else 'default'
    if f'-Dprofile={profile}' not in lanyard.get('config-opts', []):
        fail(f'module lanyard: config-opts must have -Dprofile={profile} for {app_id}')
    if lanyard.get('buildsystem') != 'meson' or \
            lanyard.get('sources') != [{'type': 'dir', 'path': '..'}]:
        fail('module lanyard: must be a meson build of the checkout (dir source, path ..)')

    if not failures:
        print(f'ok: {manifest}: {len(names)} modules, every source pinned; finish-args: '
              + ', '.join(f'{a} ({FINISH_ARGS[a]})' for a in m.get('finish-args', [])))
    return finish()


# app-id and gschema ---------------------------------------------------------

def expected_base(m):
    """The id that data/'s files carry, and the id the manifest exports them as."""
    app_id = m.get('id') or m.get('app-id')
    return app_id, (STABLE_ID if app_id == DEVEL_ID else app_id)


def app_id_check(manifest, data_dir):
    m = load(manifest)
    app_id, base = expected_base(m)

    desktop_in = os.path.join(data_dir, base + '.desktop.in')
    metainfo_in = os.path.join(data_dir, base + '.metainfo.xml.in')
    icon = os.path.join(data_dir, 'icons', 'hicolor', 'scalable', 'apps', base + '.svg')

    if not os.path.exists(desktop_in):
        fail(f'desktop file {desktop_in} is missing: the manifest id {app_id} needs '
             f'data/{base}.desktop.in')
    else:
        with open(desktop_in, encoding='utf-8') as f:
            icon_key = re.search(r'^Icon=(.*)$', f.read(), re.M)
        if not icon_key or icon_key.group(1).strip() != base:
            fail(f'{desktop_in}: Icon= must be {base}')
    if not os.path.exists(icon):
        fail(f'app icon {icon} is missing')

    if not os.path.exists(metainfo_in):
        fail(f'AppStream metainfo {metainfo_in} is missing: the manifest id {app_id} needs '
             f'data/{base}.metainfo.xml.in with <id>{base}</id> (issue 6, data/)')
    else:
        try:
            root = ET.parse(metainfo_in).getroot()
        except ET.ParseError as e:
            fail(f'{metainfo_in} is not well-formed XML: {e}')
        else:
            found = root.findtext('id')
            if found is None or found.strip() != base:
                fail(f'{metainfo_in}: <id> is {found!r}, expected {base}')
            for launchable in root.findall('launchable'):
                if launchable.get('type') == 'desktop-id' and \
                        (launchable.text or '').strip() != base + '.desktop':
                    fail(f'{metainfo_in}: <launchable type="desktop-id"> must be '
                         f'{base}.desktop')

    if app_id != base:
        # The .Devel variant installs data/'s files under the stable names and
        # lets flatpak-builder rename them to its own id when it finishes.
        renames = {
            'rename-desktop-file': base + '.desktop',
            'rename-appdata-file': base + '.metainfo.xml',
            'rename-icon': base,
        }
        for key, value in renames.items():
            if m.get(key) != value:
                fail(f'{key} must be {value!r} so that the {app_id} build exports '
                     f'data/\'s files under its own id')
    elif any(key in m for key in ('rename-desktop-file', 'rename-appdata-file', 'rename-icon')):
        fail('the stable manifest must not rename: data/ already uses its id')

    if not failures:
        print(f'ok: {app_id}: desktop file, metainfo <id> and icon of data/ are {base}'
              + (' (renamed on export)' if app_id != base else ''))
    return finish()


def schema_ids(data_dir):
    ids = {}
    for name in sorted(os.listdir(data_dir)):
        if name.endswith(('.gschema.xml', '.gschema.xml.in')):
            path = os.path.join(data_dir, name)
            try:
                root = ET.parse(path).getroot()
            except ET.ParseError as e:
                fail(f'{path} is not well-formed XML: {e}')
                continue
            for schema in root.findall('schema'):
                ids[schema.get('id')] = path
    return ids


def gschema_check(manifest, data_dir):
    m = load(manifest)
    app_id, base = expected_base(m)
    ids = schema_ids(data_dir)
    if app_id in ids:
        print(f'ok: GSettings schema {app_id} in {ids[app_id]}')
        return finish()
    # A schema template configured with the app id (@app_id@ or similar) also
    # serves the .Devel build.
    for name in os.listdir(data_dir):
        if '.gschema.xml' in name and name.endswith('.in'):
            with open(os.path.join(data_dir, name), encoding='utf-8') as f:
                if re.search(r'id="@[A-Za-z_]+@"', f.read()):
                    print(f'ok: GSettings schema id configured from the app id ({name})')
                    return finish()
    # Or data/meson.build makes the schema under the app id from the stable one.
    meson_build = os.path.join(data_dir, 'meson.build')
    if app_id != base and base in ids and os.path.exists(meson_build):
        with open(meson_build, encoding='utf-8') as f:
            if re.search(r"output:\s*app_id \+ '\.gschema\.xml'", f.read()):
                print(f'ok: GSettings schema {app_id} made from {ids[base]} by data/meson.build')
                return finish()
    if app_id != base and base in ids:
        print(f'SKIP: no GSettings schema {app_id} in {data_dir}: the .Devel app calls '
              f'g_settings_new ("{app_id}") and aborts without it. data/ must install the '
              'schema under the app id (flatpak/README.md, "The Devel variant").')
        return SKIP
    fail(f'no GSettings schema with id {app_id} in {data_dir} (found: {sorted(ids)}); '
         'the app calls g_settings_new (APP_ID)')
    return finish()


def main(argv):
    commands = {
        'show-manifest': (show_manifest, 1),
        'policy': (policy, 1),
        'app-id': (app_id_check, 2),
        'gschema': (gschema_check, 2),
    }
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != commands[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    function, _ = commands[argv[1]]
    return function(*argv[2:])


if __name__ == '__main__':
    sys.exit(main(sys.argv))
