# What tests/Wine/setup.sh and tests/Wine/run.sh share: where the lane lives, running a command in its root, and
# mounts that are undone when the script exits (nothing stays mounted: the root sits inside the repository, and a
# mount of the repository left in it would let `rm -rf out` reach the repository). Sourced, not run.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
wine_dir="${WINE_LANE_DIR:-$repo/out/wine}"
root="$wine_dir/root"
start=$SECONDS

# The environment of every command in the root, and nothing else of this one's (Wine wants XDG_RUNTIME_DIR;
# WINEDEBUG=-all is quiet). run.sh hands it to Invoke-WineSmoke.ps1 as WINE_LANE_ENV.
root_env=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
    XDG_RUNTIME_DIR=/run/user/0 WINEDEBUG=-all WINEPREFIX=/root/.wine DEBIAN_FRONTEND=noninteractive)
in_root() { chroot "$root" /usr/bin/env -i "${root_env[@]}" "$@"; }

mounted=()
# Stops Wine in the root when it runs, then undoes every mount of mount_in, the last first.
unmount_all() {
    local i
    if [ -x "$root/usr/bin/wineserver" ] || [ -e "$root/usr/bin/wine-stable" ]; then in_root timeout 30 wineserver -k >/dev/null 2>&1 || true; fi
    for ((i=${#mounted[@]}-1; i>=0; i--)); do umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true; done
}
trap unmount_all EXIT
mount_in() { # mount_in <what> <where> [options...]
    local what="$1" where="$2"; shift 2
    mountpoint -q "$where" && return 0
    mkdir -p "$where"
    mount "$@" "$what" "$where"
    mounted+=("$where")
}
