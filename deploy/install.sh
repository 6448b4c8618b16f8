#!/usr/bin/env bash
# Installs edgeprop as a service on Raspberry Pi OS (or any Debian with systemd), from the checkout
# this script is in (clone it to /opt/edgeprop first; README "On a Raspberry Pi"). Idempotent: run
# it again after every `git pull`; a second run changes nothing and says "0 changes".
#
#   sudo deploy/install.sh [--root DIR] [--no-systemctl] [--no-npm] [--dry-run]
#
#   --root DIR      install below DIR instead of / (for packaging and tests; no daemon-reload,
#                   udev reload; `systemctl --root` still enables the unit offline)
#   --no-systemctl  do not run systemctl or udevadm at all
#   --no-npm        leave node_modules alone (default: `npm ci --omit=dev` when package-lock.json,
#                   node or npm changed since the last install)
#   --dry-run       print what would change, change nothing
#
# What it sets up: system user and group `edgeprop` (in group dialout, for the serial ports),
# /etc/edgeprop/edgeprop.yaml (only when absent: made from config/default.yaml with the paths
# below), /var/lib/edgeprop (job log, models, data), /var/log/edgeprop (JSON log file, rotated
# by /etc/logrotate.d/edgeprop), the udev rule for the boards, the systemd unit, and the command
# /usr/local/bin/edgeprop. The service's live status goes to /run/edgeprop/status.json.
set -euo pipefail

APP="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT=/
SYSTEMCTL=1
NPM=1
DRY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="${2:?--root needs a folder}"; shift 2 ;;
    --no-systemctl) SYSTEMCTL=0; shift ;;
    --no-npm) NPM=0; shift ;;
    --dry-run) DRY=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
ROOT="$(cd "$ROOT" && pwd)"
R="${ROOT%/}"   # prefix for every system path ("" for /)

CHANGES=0
change() { CHANGES=$((CHANGES + 1)); if [ "$DRY" = 1 ]; then echo "would: $*"; else echo "change: $*"; fi; }
run() { if [ "$DRY" = 0 ]; then "$@"; fi; }
die() { echo "install.sh: $*" >&2; exit 1; }

NODE="$(command -v node || true)"
[ -n "$NODE" ] || die "node is not installed (Node.js 20 or 22; README \"On a Raspberry Pi\")"
major="$("$NODE" -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || die "node $("$NODE" -v) is too old: edgeprop needs Node.js 20 or newer"
case "$APP" in
  /home/*|/root/*) die "the service cannot see $APP (ProtectHome=yes): clone edgeprop to /opt/edgeprop and run its deploy/install.sh" ;;
esac
AS_ROOT=0
[ "$(id -u)" = 0 ] && AS_ROOT=1

# --- user and groups (in $ROOT's /etc/passwd and /etc/group) ---
prefix=()
[ "$R" = "" ] || prefix=(--prefix "$ROOT")
has_user() { grep -q "^edgeprop:" "$R/etc/passwd" 2>/dev/null; }
in_group() { grep -Eq "^$1:[^:]*:[^:]*:(.*,)?edgeprop(,|$)" "$R/etc/group" 2>/dev/null; }
if [ "$AS_ROOT" = 0 ]; then
  echo "note: not root: the user edgeprop, its groups and file owners are left alone"
else
  if ! has_user; then
    change "create system user edgeprop"
    run useradd "${prefix[@]}" --system --user-group --home-dir /var/lib/edgeprop --no-create-home --shell /usr/sbin/nologin edgeprop
  fi
  grep -q "^dialout:" "$R/etc/group" || die "there is no group dialout in $R/etc/group"
  if ! in_group dialout; then
    change "add edgeprop to group dialout (serial ports)"
    run usermod "${prefix[@]}" -a -G dialout edgeprop
  fi
fi
uid_of() { awk -F: -v n="$1" '$1 == n { print $3 }' "$R/etc/passwd" 2>/dev/null; }
gid_of() { awk -F: -v n="$1" '$1 == n { print $3 }' "$R/etc/group" 2>/dev/null; }

# ensure_dir DIR MODE OWNER GROUP (owner/group by name, looked up in $ROOT)
ensure_dir() {
  local dir="$R$1" mode="$2"
  if [ ! -d "$dir" ]; then change "create $1"; run mkdir -p "$dir"; fi
  if [ -d "$dir" ] && [ "$(stat -c %a "$dir")" != "$mode" ]; then change "chmod $mode $1"; run chmod "$mode" "$dir"; fi
  fix_owner "$1" "$3" "$4"
}
fix_owner() {
  local path="$R$1" uid gid
  [ "$AS_ROOT" = 1 ] && [ -e "$path" ] || return 0
  uid="$(uid_of "$2")"; gid="$(gid_of "$3")"
  [ -n "$uid" ] && [ -n "$gid" ] || return 0
  if [ "$(stat -c %u:%g "$path")" != "$uid:$gid" ]; then change "chown $2:$3 $1"; run chown "$uid:$gid" "$path"; fi
}
# put_file TEXT DEST MODE [OWNER GROUP]: DEST gets exactly TEXT
put_file() {
  local text="$1" dest="$R$2" mode="$3"
  if [ ! -f "$dest" ] || [ "$(cat "$dest")" != "$text" ]; then
    change "write $2"
    run mkdir -p "$(dirname "$dest")"
    if [ "$DRY" = 0 ]; then printf '%s\n' "$text" > "$dest"; fi
  fi
  if [ -f "$dest" ] && [ "$(stat -c %a "$dest")" != "$mode" ]; then change "chmod $mode $2"; run chmod "$mode" "$dest"; fi
  if [ $# -ge 5 ]; then fix_owner "$2" "$4" "$5"; fi
}

# --- folders ---
ensure_dir /etc/edgeprop 750 root edgeprop
ensure_dir /var/lib/edgeprop 750 edgeprop edgeprop
ensure_dir /var/log/edgeprop 750 edgeprop edgeprop

# --- config: only when absent (yours afterwards) ---
CONFIG=/etc/edgeprop/edgeprop.yaml
if [ ! -f "$R$CONFIG" ]; then
  config="$(printf '# edgeprop on this machine: made by deploy/install.sh from config/default.yaml; yours to edit\n# (edgeprop config check %s, then sudo systemctl restart edgeprop).\n' "$CONFIG"
    sed \
    -e "s|module: \.\./plugins/|module: $APP/plugins/|" \
    -e "s|\.\./models/prior/|$APP/models/prior/|g" \
    -e "s|logFile: .*|logFile: /var/log/edgeprop/edgeprop.log|" \
    -e "s|dataDir: .*|dataDir: /var/lib/edgeprop/data|" \
    -e "s|config: { writeMs: \([0-9]*\) }|config: { writeMs: \1, file: /run/edgeprop/status.json }|" \
    -e "\|module: .*/plugins/job-log/index.ts|a\    config: { db: /var/lib/edgeprop/job-log.sqlite }" \
    "$APP/config/default.yaml")"
  put_file "$config" "$CONFIG" 640 root edgeprop
else
  echo "ok: $CONFIG exists (kept as it is)"
  fix_owner "$CONFIG" root edgeprop
fi

# --- systemd unit, udev rule, logrotate, command ---
before=$CHANGES
unit="$(sed -e "s|@NODE@|$NODE|g" -e "s|@APP@|$APP|g" "$APP/deploy/edgeprop.service")"
put_file "$unit" /etc/systemd/system/edgeprop.service 644
unit_changed=$((CHANGES - before))
before=$CHANGES
put_file "$(cat "$APP/deploy/98-edgeprop.rules")" /etc/udev/rules.d/98-edgeprop.rules 644
udev_changed=$((CHANGES - before))
put_file "$(cat "$APP/deploy/edgeprop.logrotate")" /etc/logrotate.d/edgeprop 644
put_file "$(printf '#!/bin/sh\n# edgeprop, as installed by deploy/install.sh from %s\nexec "%s" "%s/bin/edgeprop.js" "$@"' "$APP" "$NODE" "$APP")" /usr/local/bin/edgeprop 755

# --- node_modules: npm ci --omit=dev when the lock file, node or npm changed ---
if [ "$NPM" = 1 ]; then
  command -v npm >/dev/null || die "npm is not installed"
  stamp="$(sha256sum < "$APP/package-lock.json" | cut -c1-16) node $("$NODE" -v) npm $(npm -v) omit=dev"
  if [ "$(cat "$APP/node_modules/.edgeprop-install" 2>/dev/null || true)" != "$stamp" ]; then
    change "npm ci --omit=dev in $APP (builds better-sqlite3 and unix-dgram: python3, make, g++)"
    if [ "$DRY" = 0 ]; then
      (cd "$APP" && npm ci --omit=dev --no-audit --no-fund)
      mkdir -p "$APP/node_modules" && printf '%s\n' "$stamp" > "$APP/node_modules/.edgeprop-install"
    fi
  fi
fi

# --- check the config as the service will read it ---
if [ "$DRY" = 0 ] && [ -f "$APP/bin/edgeprop.js" ] && [ -d "$APP/node_modules" ]; then
  "$NODE" "$APP/bin/edgeprop.js" config check "$R$CONFIG" || die "$CONFIG does not pass \`edgeprop config check\`"
fi

# --- systemd and udev ---
if [ "$SYSTEMCTL" = 1 ]; then
  # on / the running systemd and udev are told; below --root, systemctl works on the files only
  systemctl=(systemctl)
  [ "$R" = "" ] || systemctl=(systemctl --root="$ROOT")
  if [ "$R" = "" ] && [ "$unit_changed" -gt 0 ]; then run systemctl daemon-reload; fi
  if [ "$R" = "" ] && [ "$udev_changed" -gt 0 ]; then
    run udevadm control --reload
    run udevadm trigger --subsystem-match=tty --action=change
  fi
  if [ "$("${systemctl[@]}" is-enabled edgeprop.service 2>/dev/null || true)" != enabled ]; then
    change "systemctl enable edgeprop.service"
    run "${systemctl[@]}" enable edgeprop.service
  fi
fi

echo "$CHANGES change(s)$([ "$DRY" = 1 ] && echo " (dry run: nothing done)")"
if [ "$R" = "" ] && [ "$CHANGES" -gt 0 ] && [ "$DRY" = 0 ]; then
  echo "next: sudo systemctl restart edgeprop; then: sudo edgeprop status; journalctl -u edgeprop -f"
fi
