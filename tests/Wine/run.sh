#!/usr/bin/env bash
# The Wine lane: runs tests/Wine/Smoke.ps1 on PowerShell 7.4.19 for Windows (tools/WinHost, win-x64) under trixie's
# Wine 10 in out/wine/root (made by tests/Wine/setup.sh, which this calls first), against the WeChat Pay simulator
# on the Linux side at 127.0.0.1. Needs the module and the simulator built (./build.ps1 build).
# While it runs, /proc, /dev, /tmp and the repository are mounted in the root; all of it is unmounted at the end.
# Exit code: 0 when every check passed (or the lane was skipped, which it says), 1 otherwise.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
host_dir="$wine_dir/host"
timeout_sec="${WINE_LANE_TIMEOUT:-300}"

"$here/setup.sh" | tee "$wine_dir.setup-output.tmp"
if grep -q '^Wine lane setup skipped' "$wine_dir.setup-output.tmp" 2>/dev/null; then rm -f "$wine_dir.setup-output.tmp"; echo "Wine lane skipped."; exit 0; fi
rm -f "$wine_dir.setup-output.tmp"

for f in "$repo/out/WeChatPay.Payscore/0.1.0/WeChatPay.Payscore.psd1" "$repo/out/simulator/WeChatPay.Payscore.Simulator.dll"; do
    [ -f "$f" ] || { echo "Not built: $f. Run ./build.ps1 build first."; exit 1; }
done

# The host, published once and again when tools/WinHost changes, with PowerShell's Windows modules beside it.
if [ ! -f "$host_dir/winhost.exe" ] || [ -n "$(find "$repo/tools/WinHost" -maxdepth 1 -type f -newer "$host_dir/winhost.exe")" ]; then
    echo "Publishing tools/WinHost (win-x64) to $host_dir ..."
    rm -rf "$host_dir"
    dotnet publish "$repo/tools/WinHost" -c Release -o "$host_dir" --nologo -v quiet | grep -v NU1603 || true
    [ -f "$host_dir/winhost.exe" ] || { echo "Publishing tools/WinHost failed."; exit 1; }
    packages="$(dotnet nuget locals global-packages --list | sed 's/^global-packages:[[:space:]]*//')"
    cp -r "$packages/microsoft.powershell.sdk/7.4.19/contentFiles/any/any/runtimes/win/lib/net8.0/Modules" "$host_dir/"
    touch "$host_dir/winhost.exe"
fi

mount_in proc "$root/proc" -t proc
mount_in /dev "$root/dev" --bind
mount_in /tmp "$root/tmp" --bind      # the simulator's keys are under /tmp
mount_in "$repo" "$root$repo" --bind  # the same path inside: Z:\ + the Linux path

# The Linux side: the simulator, the config file, and the wine call (from Invoke-WineSmoke.ps1).
export WINE_LANE_ENV="${root_env[*]}" WINE_LANE_ROOT="$root" WINE_LANE_HOST="$host_dir/winhost.exe" WINE_LANE_TIMEOUT="$timeout_sec"
status=0
dotnet pwsh -NoProfile -NonInteractive -File "$here/Invoke-WineSmoke.ps1" || status=$?
echo "Wine lane finished in $((SECONDS - start)) s."
exit $status
