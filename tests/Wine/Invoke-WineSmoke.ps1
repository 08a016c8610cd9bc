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
    $notification = Join-Path $sim.WorkDir 'callback.http'
    New-WxSimulatorNotification -Simulator $sim -OpenId 'oWineNotified' -ServiceId '500001' -AppId 'wxd678efh567hg6787' -Path $notification | Out-Null
    $killedJournal = Join-Path $sim.WorkDir 'killed.jsonl'
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
        ApiV3KeyPath           = ConvertTo-WinePath $sim.Info.apiV3KeyPath
        WorkPath               = ConvertTo-WinePath $sim.WorkDir
        NotificationPath       = ConvertTo-WinePath $notification
        KilledJournalPath      = ConvertTo-WinePath $killedJournal
        KilledRows             = 60
    } | ConvertTo-Json | Set-Content -LiteralPath $configPath -Encoding utf8NoBOM

    # A command in the root, with the environment tests/Wine/common.sh gives every command there.
    $inRoot = @($root, '/usr/bin/env', '-i') + ($env:WINE_LANE_ENV -split ' ')
    $winhost = @('timeout', '-k', '10', $timeoutSec, 'wine', (ConvertTo-WinePath $env:WINE_LANE_HOST))

    # A run killed mid-way: every Wine process stopped at once (wineserver -k) once its journal has results; Smoke.ps1
    # resumes it. 100 ms an answer, one at a time: about 6 s for the 60 rows.
    Invoke-RestMethod -Method Post -Uri "$($sim.BaseUri)/__sim/latency" -Body '{"ms":100}' -ContentType 'application/json' | Out-Null
    $start = [Diagnostics.ProcessStartInfo]::new('chroot')
    foreach ($a in @($inRoot) + @($winhost) + @((ConvertTo-WinePath (Join-Path $PSScriptRoot 'Run.ps1')), (ConvertTo-WinePath $configPath))) { $start.ArgumentList.Add("$a") }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $first = [Diagnostics.Process]::Start($start)
    $firstOut = $first.StandardOutput.ReadToEndAsync()
    $null = $first.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    do {
        Start-Sleep -Milliseconds 200
        $results = if (Test-Path $killedJournal) { @(Select-String -LiteralPath $killedJournal -SimpleMatch '"event":"result"').Count } else { 0 }
    } until ($results -ge 5 -or $first.HasExited -or [DateTime]::UtcNow -gt $deadline)
    & chroot @inRoot timeout 30 wineserver -k
    $null = $first.WaitForExit(30000)
    Write-Host ("The first run was killed after {0} final records ({1})" -f $results, $(if ($first.HasExited) { "exit code $($first.ExitCode)" } else { 'still running' }))
    if ($firstOut.IsCompleted -and $firstOut.Result) { Write-Host $firstOut.Result.Trim() }
    Invoke-RestMethod -Method Post -Uri "$($sim.BaseUri)/__sim/latency" -Body '{"ms":0}' -ContentType 'application/json' | Out-Null

    $arguments = @($inRoot) + @($winhost) + @((ConvertTo-WinePath (Join-Path $PSScriptRoot 'Smoke.ps1')), (ConvertTo-WinePath $configPath))
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
