<#
.SYNOPSIS
    Where the CPU of a run goes: samples a 10,000-row module run with Linux perf and sorts the samples into the
    parts of a row's path. Prints a Markdown table (bench/README.md keeps the one measured).
.DESCRIPTION
    Needs a build, Linux and perf (apt-get install linux-perf) with permission to sample (root, or
    kernel.perf_event_paranoid <= 1). The runtime writes /tmp/perf-<pid>.map (DOTNET_PerfMapEnabled) so that perf
    names JIT-compiled methods; OpenSSL carries no frame pointers, so a sample inside libcrypto cannot be traced to
    its caller: it is counted as "RSA and hashing (OpenSSL)", which is signing and verifying. Each sample goes to the
    first part, in the order of the table, that one of its frames belongs to.
.EXAMPLE
    dotnet pwsh ./bench/Measure-Profile.ps1 -ThrottleLimit 8
.EXAMPLE
    dotnet pwsh ./bench/Measure-Profile.ps1 -ThrottleLimit 8 -Pwsh ./out/pwsh-r2r/pwsh

    The same run in the ReadyToRun PowerShell that build.ps1 bench builds (DOTNET_PerfMapEnabled lists its
    precompiled methods as they are first used, so they are named too).
#>
[CmdletBinding()]
param(
    [int] $ThrottleLimit = 8,
    [int] $Rows = 10000,
    [int] $Frequency = 499,
    # A pwsh program to run the rows in; by default the dotnet tool's pwsh that runs this script.
    [string] $Pwsh
)

$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
$version = (Import-PowerShellDataFile (Join-Path $root 'WeChatPay.Payscore.psd1')).ModuleVersion
$modulePath = Join-Path $root "out/WeChatPay.Payscore/$version/WeChatPay.Payscore.psd1"
$simulatorPath = Join-Path $root 'out/simulator/WeChatPay.Payscore.Simulator.dll'
if (-not (Get-Command perf -ErrorAction Ignore)) { throw 'perf is not installed (apt-get install linux-perf).' }
$work = Join-Path $root 'out/bench'
New-Item -ItemType Directory -Path $work -Force | Out-Null
$csv = Join-Path $work "profile-rows-$Rows.csv"
Set-Content -Path $csv -Value (@('openid,service_id') + (1..$Rows | ForEach-Object { "oProfile$_,500001" }))
$data = Join-Path $work 'profile.perf'

Import-Module (Join-Path $root 'tests/WeChatPay.Payscore.Simulator/WxSimulator.psm1') -Force
$sim = Start-WxSimulator -SimulatorPath $simulatorPath
try {
    $infoPath = Join-Path $work 'profile-simulator-info.json'
    $sim.Info | ConvertTo-Json | Set-Content $infoPath
    $toolPwsh = Join-Path (Split-Path ([psobject].Assembly.Location)) 'pwsh.dll'
    $env:DOTNET_PerfMapEnabled = '1'
    $env:DOTNET_EnableWriteXorExecute = '0' # perf reads JIT code only where it is not double-mapped
    try {
        $command = @(if ($Pwsh) { (Resolve-Path $Pwsh).Path } else { 'dotnet', $toolPwsh })
        $run = & perf record -F $Frequency -g -o $data -- @command -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Measure-Run.ps1') `
            -Mode Module -ModulePath $modulePath -InfoPath $infoPath -CsvPath $csv -ThrottleLimit $ThrottleLimit 2>&1
    }
    finally {
        Remove-Item Env:DOTNET_PerfMapEnabled, Env:DOTNET_EnableWriteXorExecute -ErrorAction Ignore
    }
}
finally {
    Stop-WxSimulator -Simulator $sim
}
$measured = ($run | Where-Object { "$_".StartsWith('{') } | Select-Object -Last 1) | ConvertFrom-Json
if (-not $measured) { throw "The profiled run printed no result: $(($run | Select-Object -Last 5) -join "`n")" }

# The parts. A sample goes to the part of its innermost frame that belongs to one (so the binding of a row that
# Import-Csv writes counts as binding, not as Import-Csv); leaf-only parts first, the catch-alls last.
$leafParts = [ordered]@{
    'JIT compilation (the runtime compiling methods, mostly in the background)' = '*libclrjit*'
    'RSA and hashing (OpenSSL): signing requests and verifying answers'          = '*libcrypto*'
}
$parts = [ordered]@{
    'signing (the module around OpenSSL)'                                  = 'RequestSigner'
    'verification (the module around OpenSSL)'                             = 'ResponseVerifier'
    'the journal'                                                          = 'RunJournal|SingleWriterFile'
    'the row ledger and dedupe table'                                      = 'RowLedger|KeyTable|RowKey'
    'HTTP (HttpClient, sockets)'                                           = 'System\.Net\.Http|System\.Net\.Sockets|WechatpayClient'
    'pacing, retries, host choice, run health'                             = 'AdaptiveRateLimiter|ResilientSender|RetryPolicy|HostSelector|RunHealth'
    'ShouldProcess'                                                        = 'ShouldProcess'
    'parameter binding (PowerShell, per row)'                              = 'ParameterBinder'
    'result objects and output'                                            = 'PayscoreRowResult|TerminateResult|RowResultAdapter|WriteObject'
    'reading, validating and building the row'                             = 'RowReader|InputValidator|TerminateRequest|AuthorizationTarget|TargetKindTable|Payscore\.Protocol\.Endpoint|RowFields'
    "the dispatcher's hand-offs"                                           = 'BoundedDispatcher'
    'Import-Csv'                                                           = 'ImportCsv|CSVHelper'
    'the rest of the module'                                               = 'WeChatPay\.Payscore'
}
$catchAlls = [ordered]@{
    'PowerShell (pipeline, ForEach-Object counting the results, start-up)' = 'System\.Management\.Automation|Microsoft\.PowerShell'
    'thread pool, timers, waiting'                                         = 'ThreadPool|Threading|Monitor|Semaphore|Timer'
    'kernel'                                                               = 'kernel\.kallsyms'
}
function Get-Part([string[]] $Frames) {
    foreach ($part in $leafParts.GetEnumerator()) { if ($Frames[0] -like $part.Value) { return $part.Key } }
    foreach ($frame in $Frames) { foreach ($part in $parts.GetEnumerator()) { if ($frame -match $part.Value) { return $part.Key } } }
    foreach ($part in $catchAlls.GetEnumerator()) { foreach ($frame in $Frames) { if ($frame -match $part.Value) { return $part.Key } } }
    'the runtime, unresolved (GC, stubs, frames perf could not walk)'
}
$counts = @{}
$total = 0
$frames = [Collections.Generic.List[string]]::new()
$flush = {
    if ($frames.Count -gt 0) {
        $script:total++
        $name = Get-Part $frames.ToArray()
        $counts[$name] = 1 + [int]$counts[$name]
        $frames.Clear()
    }
}
foreach ($line in (& perf script -i $data 2>$null)) {
    if ($line.Length -eq 0) { & $flush }
    elseif ($line[0] -eq "`t" -or $line[0] -eq ' ') { $frames.Add($line.Trim()) }
}
& $flush

"Measured $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC: $Rows rows, 0 ms latency, ThrottleLimit $ThrottleLimit; the run took $([math]::Round($measured.cpuSeconds, 2)) s CPU ($([math]::Round(1000 * $measured.cpuSeconds / $Rows, 2)) ms a row) in $([math]::Round($measured.seconds, 2)) s; $total samples at $Frequency Hz over the whole process (its start-up included)."
''
'| part | samples | share | ms CPU a row |'
'|---|---:|---:|---:|'
$perRow = 1000.0 / $Frequency / $Rows
foreach ($entry in $counts.GetEnumerator() | Sort-Object Value -Descending) {
    '| {0} | {1:N0} | {2:N1} % | {3:N3} |' -f $entry.Key, $entry.Value, (100.0 * $entry.Value / $total), ($entry.Value * $perRow)
}
