#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`meson install` into a prefix gives a working Lanyard.

    install-check.py SOURCE_DIR

Configures a build of SOURCE_DIR in a temporary directory with
--prefix=TMP/prefix, builds what it installs, installs it, checks the
files a desktop and a server need are where they belong, then starts the
installed app with nothing of the build tree in its environment: it has to
find its GSettings schema through XDG_DATA_DIRS and its UI in its GResource,
draw its window on a fresh local database (LANYARD_SCREENSHOT saves a
picture of it and quits) and say nothing on stderr. Needs a display and a
session bus (meson test runs under xvfb-run and dbus-run-session); without
a display the app is not started and the test is skipped (77) once the
files are checked.
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

APP_ID = 'app.lanyard.Lanyard'
GETTEXT_PACKAGE = 'lanyard'
SKIP = 77


def fail(message):
    print(f'not ok: {message}', file=sys.stderr)
    sys.exit(1)


def run(args, timeout, **kwargs):
    """Runs @args, failing the test with its output when it fails."""
    started = time.monotonic()
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=timeout, **kwargs)
    if proc.returncode != 0:
        print(proc.stdout, file=sys.stderr)
        fail(f'{" ".join(args)} exited with {proc.returncode}')
    print(f'# {os.path.basename(args[0])} {args[1] if len(args) > 1 else ""}: '
          f'{time.monotonic() - started:.1f} s')
    return proc.stdout


def linguas(source_dir):
    try:
        with open(os.path.join(source_dir, 'po', 'LINGUAS'), encoding='utf-8') as f:
            return [w for line in f for w in line.split('#', 1)[0].split()]
    except FileNotFoundError:
        return []


def png_size(path):
    with open(path, 'rb') as f:
        header = f.read(24)
    if len(header) < 24 or header[:8] != b'\x89PNG\r\n\x1a\n':
        fail(f'{path} is not a PNG')
    return struct.unpack('>II', header[16:24])


def build_and_install(source_dir, build_dir, prefix):
    # Plain, no -Werror: the test build checks the code; this one checks
    # what gets installed, and only builds that (not the tests, not bench).
    run(['meson', 'setup', build_dir, source_dir, f'--prefix={prefix}',
         '-Dbuildtype=plain', '-Dwerror=false'], timeout=120)
    installed = json.loads(subprocess.run(['meson', 'introspect', build_dir, '--installed'],
                                          stdout=subprocess.PIPE, text=True, check=True,
                                          timeout=60).stdout)
    # configure_file() outputs are written at setup and are no ninja targets.
    known = {line.split(':', 1)[0] for line in
             subprocess.run(['ninja', '-C', build_dir, '-t', 'targets', 'all'],
                            stdout=subprocess.PIPE, text=True, check=True, timeout=60).stdout.splitlines()}
    build_root = os.path.realpath(build_dir) + os.sep
    targets = sorted(target for target in (os.path.relpath(os.path.realpath(path), build_root)
                                           for path in installed)
                     if target in known)
    if not targets:
        fail('meson introspect --installed lists nothing built')
    run(['ninja', '-C', build_dir] + targets, timeout=300)
    run(['meson', 'install', '-C', build_dir, '--no-rebuild', '--quiet'], timeout=120)


def check_files(source_dir, prefix):
    share = os.path.join(prefix, 'share')
    expected = [
        os.path.join(prefix, 'bin', 'lanyard'),
        os.path.join(prefix, 'bin', 'lanyardctl'),
        os.path.join(prefix, 'bin', 'lanyardd'),
        os.path.join(share, 'glib-2.0', 'schemas', f'{APP_ID}.gschema.xml'),
        # gnome.post_install() compiles the schemas and updates the icon cache.
        os.path.join(share, 'glib-2.0', 'schemas', 'gschemas.compiled'),
        os.path.join(share, 'icons', 'hicolor', 'scalable', 'apps', f'{APP_ID}.svg'),
        os.path.join(share, 'icons', 'hicolor', 'symbolic', 'apps', f'{APP_ID}-symbolic.svg'),
        os.path.join(share, 'icons', 'hicolor', 'icon-theme.cache'),
        os.path.join(share, 'applications', f'{APP_ID}.desktop'),
        os.path.join(share, 'metainfo', f'{APP_ID}.metainfo.xml'),
        os.path.join(share, 'doc', 'lanyard', 'examples', 'lanyardd.conf'),
        os.path.join(prefix, 'lib', 'systemd', 'system', 'lanyardd.service'),
    ]
    for lang in linguas(source_dir):
        expected.append(os.path.join(share, 'locale', lang, 'LC_MESSAGES', f'{GETTEXT_PACKAGE}.mo'))

    missing = [path for path in expected if not os.path.isfile(path)]
    if missing:
        fail('not installed: ' + ', '.join(os.path.relpath(p, prefix) for p in missing))
    for binary in ('lanyard', 'lanyardctl', 'lanyardd'):
        if not os.access(os.path.join(prefix, 'bin', binary), os.X_OK):
            fail(f'bin/{binary} is not executable')

    # The unit starts the lanyardd of this prefix, not one of the build tree.
    with open(os.path.join(prefix, 'lib', 'systemd', 'system', 'lanyardd.service'), encoding='utf-8') as f:
        unit = f.read()
    if f'ExecStart={prefix}/bin/lanyardd' not in unit:
        fail(f'lanyardd.service does not start {prefix}/bin/lanyardd')

    # The binaries look for their translations in this prefix.
    locale_dir = os.path.join(share, 'locale').encode()
    for binary in ('lanyard', 'lanyardctl', 'lanyardd'):
        with open(os.path.join(prefix, 'bin', binary), 'rb') as f:
            if locale_dir not in f.read():
                fail(f'bin/{binary} does not look for translations in {locale_dir.decode()}')

    print(f'ok: {len(expected)} files installed where they belong')


def clean_env(prefix, home):
    """The environment of a user session, with nothing pointing at a build tree."""
    env = {
        'PATH': f'{prefix}/bin:/usr/bin:/bin',
        'HOME': home,
        'XDG_DATA_HOME': os.path.join(home, '.local', 'share'),
        'XDG_CONFIG_HOME': os.path.join(home, '.config'),
        'XDG_CACHE_HOME': os.path.join(home, '.cache'),
        'XDG_DATA_DIRS': f'{prefix}/share:/usr/share',
        'LANG': 'C.UTF-8',
    }
    for name in ('DISPLAY', 'XAUTHORITY', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'TMPDIR'):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def check_translations(source_dir, prefix, env):
    """The installed lanyardctl speaks German under LANGUAGE=de, when there is a German translation."""
    if 'de' not in linguas(source_dir):
        print('# no po/de.po in LINGUAS: translations not checked at run time')
        return
    lanyardctl = os.path.join(prefix, 'bin', 'lanyardctl')
    english = run([lanyardctl, '--help'], timeout=30, env=dict(env, LANGUAGE='en'))
    german = run([lanyardctl, '--help'], timeout=30, env=dict(env, LANGUAGE='de'))
    if german == english:
        fail('lanyardctl --help under LANGUAGE=de is the English text: its translations were not found')
    print('ok: the installed lanyardctl finds its German translation')


def check_lanyardd(prefix, env):
    out = run([os.path.join(prefix, 'bin', 'lanyardd'), '--version'], timeout=30, env=env)
    if not re.search(r'\d+\.\d+\.\d+', out):
        fail(f'lanyardd --version printed no version: {out!r}')
    print(f'ok: lanyardd --version: {out.strip()}')


def check_app_starts(prefix, home, env):
    screenshot = os.path.join(home, 'window.png')
    # GTK_A11Y=none: the accessibility bus that the session bus starts keeps
    # its socket in the daemon's ~/.cache, shared with any other session of
    # this user; whether GTK reaches it says nothing about the installation.
    # ADW_DISABLE_PORTAL as in the other app tests (tests/meson.build).
    env = dict(env, LANYARD_SCREENSHOT=screenshot, GSETTINGS_BACKEND='memory',
               GTK_A11Y='none', ADW_DISABLE_PORTAL='1')
    started = time.monotonic()
    try:
        proc = subprocess.run([os.path.join(prefix, 'bin', 'lanyard')], env=env, cwd=home,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        fail('the installed lanyard did not save its window and quit within 60 s')
    # The session's D-Bus services (a11y) may chat on stderr; the app itself must not.
    complaints = [line for line in proc.stderr.splitlines()
                  if re.search(r'(WARNING|CRITICAL|ERROR)\b|\*\*', line)]
    if proc.returncode != 0 or complaints:
        print(proc.stdout, proc.stderr, sep='\n', file=sys.stderr)
        fail(f'the installed lanyard exited with {proc.returncode}'
             + (f' and complained: {complaints[0]}' if complaints else ''))
    if not os.path.isfile(screenshot):
        fail('the installed lanyard quit without saving its window')
    width, height = png_size(screenshot)
    if width < 360 or height < 300:
        fail(f'the window the installed lanyard drew is {width}×{height}')
    # A first start creates the default database in the user's data folder.
    database = os.path.join(home, '.local', 'share', 'lanyard', 'lanyard.db')
    if not os.path.isfile(database):
        fail(f'the installed lanyard did not create {database}')
    print(f'ok: the installed lanyard drew a {width}×{height} window and quit '
          f'({time.monotonic() - started:.1f} s)')


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source_dir = os.path.realpath(sys.argv[1])
    started = time.monotonic()

    tmp = tempfile.mkdtemp(prefix='lanyard-install-')
    ok = False
    try:
        prefix = os.path.join(tmp, 'prefix')
        home = os.path.join(tmp, 'home')
        os.makedirs(home)

        build_and_install(source_dir, os.path.join(tmp, 'build'), prefix)
        check_files(source_dir, prefix)

        env = clean_env(prefix, home)
        check_lanyardd(prefix, env)
        check_translations(source_dir, prefix, env)

        if not os.environ.get('DISPLAY') and not os.environ.get('WAYLAND_DISPLAY'):
            print('# no display: the installed app was not started')
            ok = True
            return SKIP
        check_app_starts(prefix, home, env)
        ok = True
    finally:
        if ok or os.environ.get('LANYARD_KEEP_INSTALL') is None:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f'# kept {tmp} (LANYARD_KEEP_INSTALL)', file=sys.stderr)
        print(f'# {time.monotonic() - started:.0f} s in all')
    return 0


if __name__ == '__main__':
    sys.exit(main())
