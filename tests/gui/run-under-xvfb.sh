#!/bin/sh
# Runs a GUI test on a private X server and session bus, with trayer as the system tray host
# and dunst answering org.freedesktop.Notifications. Both helpers are stopped by pid.
set -u
# shellcheck disable=SC2016 # the inner script expands its own variables
exec xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- sh -c '
  trayer --edge bottom --align right --widthtype request >/dev/null 2>&1 & tray=$!
  dunst >/dev/null 2>&1 & notify=$!
  # Both must own their X selection / bus name before the app looks for them.
  for i in 1 2 3 4 5 6 7 8 9 10; do
    # Asking the bus (not dunstctl) so D-Bus activation does not start a second dunst.
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q true && break
    sleep 0.3
  done
  sleep 0.5
  "$@"; rc=$?
  kill "$tray" "$notify" 2>/dev/null
  wait "$tray" "$notify" 2>/dev/null
  exit $rc' sh "$@"
