#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Measures the desktop app against issue 3's targets (docs/performance.md,
# "The desktop app"): on an empty database and on one with a million
# people, under Xvfb with a session bus, as the README's test command runs
# the widget tests.
#
#   bench/app-bench.sh [BUILD_DIR [DATA_DIR]]
#
# BUILD_DIR defaults to _build. GSK_RENDERER=cairo measures with GTK's
# software renderer instead of its default (GL; under Xvfb that is Mesa's
# llvmpipe, drawing on the CPU the app runs on). The databases are made in DATA_DIR (default
# /tmp/lanyard-app-bench) with `lanyardctl demo` the first time, which takes
# about two minutes for the million, and reused afterwards.
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$top/_build}"
data="${2:-/tmp/lanyard-app-bench}"
people="${LANYARD_BENCH_PEOPLE:-1000000}"

ninja -C "$build" src/app/lanyard src/cli/lanyardctl bench/lanyard-app-bench >/dev/null
mkdir -p "$data"

if [[ ! -f "$data/empty.db" ]]; then
  "$build/src/cli/lanyardctl" --database "$data/empty.db" init >/dev/null
fi
if [[ ! -f "$data/people-$people.db" ]]; then
  echo "Creating $people people in $data/people-$people.db…"
  "$build/src/cli/lanyardctl" --database "$data/people-$people.db.part" demo --people "$people" --seed 1
  mv "$data/people-$people.db.part" "$data/people-$people.db"
fi

export GSETTINGS_SCHEMA_DIR="$build/data"
export GSETTINGS_BACKEND=memory

run () {
  dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1024x24" \
    "$build/bench/lanyard-app-bench" --app "$build/src/app/lanyard" "$@" 2>/dev/null
}

run --database "$data/empty.db" --label "empty database"
run --database "$data/people-$people.db" --label "$people people"
