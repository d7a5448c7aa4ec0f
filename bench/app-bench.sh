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
# BUILD_DIR defaults to _build. The app draws as it would on this machine:
# without a GPU device (/dev/dri) with GTK's cairo renderer and no OpenGL,
# else with GTK's default (GL). GSK_RENDERER=gl (or cairo) overrides that,
# as it does for the app. The databases are made in DATA_DIR (default
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

# LANYARD_BENCH_BACKEND=wayland runs the app on weston's headless backend
# (Debian's weston package) instead of Xvfb: GNOME's default session is
# Wayland, and GTK's X11 backend adds round trips to the X server that a
# Wayland session does not have.
with_weston () {
  local runtime socket pid status=0

  runtime="$(mktemp -d)"
  socket="lanyard-bench-$$"
  XDG_RUNTIME_DIR="$runtime" weston --backend=headless-backend.so --socket="$socket" \
    --width=1280 --height=1024 --idle-time=0 >"$runtime/weston.log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do
    [[ -S "$runtime/$socket" ]] && break
    sleep 0.1
  done
  XDG_RUNTIME_DIR="$runtime" WAYLAND_DISPLAY="$socket" GDK_BACKEND=wayland "$@" || status=$?
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$runtime"
  return "$status"
}

run () {
  if [[ "${LANYARD_BENCH_BACKEND:-x11}" == wayland ]]; then
    dbus-run-session -- bash -c "$(declare -f with_weston); with_weston \"\$@\"" bench \
      "$build/bench/lanyard-app-bench" --app "$build/src/app/lanyard" "$@" 2>/dev/null
  else
    dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1024x24" \
      "$build/bench/lanyard-app-bench" --app "$build/src/app/lanyard" "$@" 2>/dev/null
  fi
}

run --database "$data/empty.db" --label "empty database"
run --database "$data/people-$people.db" --label "$people people"
