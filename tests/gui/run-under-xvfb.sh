#!/bin/sh
# Runs a GUI test on a private X server and session bus, with trayer as the system tray host,
# dunst answering org.freedesktop.Notifications and gnome-keyring as the Secret Service (its
# keyrings in a throwaway folder, unlocked with a throwaway password). Helpers stop by pid.
set -u
# shellcheck disable=SC2016 # the inner script expands its own variables
exec xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- sh -c '
  keyrings=$(mktemp -d)
  trayer --edge bottom --align right --widthtype request >/dev/null 2>&1 & tray=$!
  dunst >/dev/null 2>&1 & notify=$!
  printf %s throwaway | HOME="$keyrings" XDG_DATA_HOME="$keyrings" \
    gnome-keyring-daemon --unlock --components=secrets --foreground >/dev/null 2>&1 & keyring=$!
  # Each must own its X selection / bus name before the app looks for it. Asking the bus (not
  # dunstctl) so D-Bus activation does not start a second dunst.
  for name in org.freedesktop.Notifications org.freedesktop.secrets; do
    for i in 1 2 3 4 5 6 7 8 9 10; do
      dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:$name 2>/dev/null | grep -q true && break
      sleep 0.3
    done
  done
  sleep 0.5
  "$@"; rc=$?
  kill "$tray" "$notify" "$keyring" 2>/dev/null
  wait "$tray" "$notify" "$keyring" 2>/dev/null
  rm -rf "$keyrings"
  exit $rc' sh "$@"
