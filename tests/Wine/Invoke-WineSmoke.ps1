# The Linux side of the Wine lane, run by tests/Wine/run.sh once the root's mounts are in place: starts the WeChat Pay
# simulator at 127.0.0.1, writes Smoke.ps1's config (every path a Z:\ path), runs tools/WinHost with Smoke.ps1 under
# Wine with a time limit (a hang counts as a failure), prints what it printed, and stops the simulator.
# Exit code 0 when Smoke.ps1's last line says "N passed, 0 failed" with N > 0.
$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$root = $env:WINE_LANE_ROOT
$timeoutSec = [int] $env:WINE_LANE_TIMEOUT
function ConvertTo-WinePath([string] $Path) { 'Z:' + ([IO.Path]::GetFullPath($Path) -replace '/', '\') }

Import-Module (Join-Path $repo 'tests/WeChatPay.Payscore.Simulator/WxSimulator.psm1') -Force
$sim = Start-WxSimulator -SimulatorPath (Join-Path $repo 'out/simulator/WeChatPay.Payscore.Simulator.dll')
try {
    $credential = Get-WxSimulatorCredential -Simulator $sim
    $configPath = Join-Path $sim.WorkDir 'wine-smoke.json'
    [ordered]@{
        ModulePath             = ConvertTo-WinePath (Join-Path $repo 'out/WeChatPay.Payscore/0.1.0/WeChatPay.Payscore.psd1')
        MerchantId             = $credential.MerchantId
        MerchantSerialNumber   = $credential.MerchantSerialNumber
        PrivateKeyPath         = ConvertTo-WinePath $credential.PrivateKeyPath
        WechatpayPublicKeyId   = $credential.WechatpayPublicKeyId
        WechatpayPublicKeyPath = ConvertTo-WinePath $credential.WechatpayPublicKeyPath
        Pkcs12Path             = ConvertTo-WinePath $sim.Info.merchantPkcs12Path
        BaseUri                = $credential.BaseUri
    } | ConvertTo-Json | Set-Content -LiteralPath $configPath -Encoding utf8NoBOM

    $arguments = @($root, '/usr/bin/env', '-i', 'HOME=/root', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        'LANG=C.UTF-8', 'XDG_RUNTIME_DIR=/run/user/0', 'WINEDEBUG=-all', 'WINEPREFIX=/root/.wine',
        'timeout', '-k', '10', $timeoutSec, 'wine', (ConvertTo-WinePath $env:WINE_LANE_HOST),
        (ConvertTo-WinePath (Join-Path $PSScriptRoot 'Smoke.ps1')), (ConvertTo-WinePath $configPath))
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $lines = @(& chroot @arguments 2>&1 | ForEach-Object { "$_".TrimEnd("`r") } | Where-Object { $_ -ne '' })
    $code = $LASTEXITCODE
    $watch.Stop()
    $lines | ForEach-Object { Write-Host $_ }
    Write-Host ("winhost under Wine: exit code {0} in {1:n1} s" -f $code, $watch.Elapsed.TotalSeconds)
    if ($code -eq 124 -or $code -eq 137) { Write-Host "[-] Wine hung: stopped after $timeoutSec s"; exit 1 }
    $summary = $lines | Where-Object { $_ -match '^(\d+) passed, (\d+) failed$' } | Select-Object -Last 1
    if (-not $summary) { Write-Host '[-] Smoke.ps1 gave no summary line'; exit 1 }
    $null = $summary -match '^(\d+) passed, (\d+) failed$'
    if ([int] $Matches[2] -gt 0 -or [int] $Matches[1] -eq 0 -or $code -ne 0) { exit 1 }
    exit 0
}
finally {
    Stop-WxSimulator -Simulator $sim
}
