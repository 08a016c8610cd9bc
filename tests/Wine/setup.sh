#!/usr/bin/env bash
# Sets up the Wine lane's root: a minimal Debian 13 (trixie) under out/wine/root, with trixie's Wine 10 in it
# (Debian 12's Wine 8.0 cannot run .NET 8), and a Wine prefix made once. Safe to run again: every step that is
# already done is skipped. Needs root, apt-get and network access to deb.debian.org; without them it says so and
# exits 0 (the lane is skipped, not failed).
#
# Nothing stays mounted afterwards: /proc and /dev are mounted in the root only while apt and wineboot run
# (tests/Wine/run.sh mounts what a run needs, and unmounts it again).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
suite="${WINE_LANE_SUITE:-trixie}"
mirror="${WINE_LANE_MIRROR:-http://deb.debian.org/debian}"

skip() { echo "Wine lane setup skipped: $*"; exit 0; }

[ "$(id -u)" -eq 0 ] || skip "not root (debootstrap and chroot need root)."
command -v apt-get >/dev/null 2>&1 || skip "apt-get not found (not a Debian-like system)."
if ! command -v debootstrap >/dev/null 2>&1; then
    echo "Installing debootstrap with apt-get..."
    if ! { apt-get install -y debootstrap >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y debootstrap >/dev/null 2>&1; }; }; then
        skip "debootstrap is not installed and apt-get could not install it."
    fi
fi

mkdir -p "$wine_dir"
if [ ! -f "$root/.debootstrap-done" ]; then
    echo "debootstrap --variant=minbase $suite $root $mirror ..."
    t=$SECONDS
    rm -rf "$root"
    debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$wine_dir/debootstrap.log" 2>&1 \
        || { rm -rf "$root"; skip "debootstrap of $suite from $mirror failed (is the mirror reachable?); see $wine_dir/debootstrap.log"; }
    touch "$root/.debootstrap-done"
    echo "  done in $((SECONDS - t)) s"
else
    echo "The $suite root is there: $root"
fi

mount_in proc "$root/proc" -t proc
mount_in /dev "$root/dev" --bind
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

# (/usr/bin/wine is a link to /etc/alternatives/wine: it resolves only inside the root, so the marker is checked.)
if [ ! -f "$root/.wine-done" ] || [ ! -e "$root/usr/bin/wine-stable" ]; then
    echo "Installing wine in the root (apt-get install --no-install-recommends wine wine64) ..."
    t=$SECONDS
    in_root apt-get update >"$wine_dir/apt.log" 2>&1 || skip "apt-get update in the root failed (is the mirror reachable?); see $wine_dir/apt.log"
    in_root apt-get install -y --no-install-recommends wine wine64 >>"$wine_dir/apt.log" 2>&1 \
        || skip "apt-get install wine in the root failed (is the mirror reachable?); see $wine_dir/apt.log"
    in_root apt-get clean >/dev/null 2>&1 || true
    touch "$root/.wine-done"
    echo "  done in $((SECONDS - t)) s"
fi
echo "  $(in_root wine --version 2>/dev/null || echo 'wine --version failed')"

# Wine says "XDG_RUNTIME_DIR is invalid or not set" without one.
mkdir -p "$root/run/user/0" && chmod 700 "$root/run/user/0"

# The prefix (C:\ and the registry) is made once, here, so a run does not spend its first 20 s on it.
if [ ! -f "$root/root/.wine/system.reg" ]; then
    echo "Making the Wine prefix (wineboot --init) ..."
    t=$SECONDS
    in_root timeout 300 wine wineboot --init >"$wine_dir/wineboot.log" 2>&1 \
        || { echo "wineboot failed or hung; see $wine_dir/wineboot.log"; exit 1; }
    in_root timeout 120 wineserver --wait >/dev/null 2>&1 || true
    echo "  done in $((SECONDS - t)) s"
fi

echo "Wine lane ready in $((SECONDS - start)) s: $root"
