<#
.SYNOPSIS
    Measures Invoke-WxPayscoreTerminate against the WeChat Pay simulator and writes the table into bench/README.md.
.DESCRIPTION
    For each simulator latency (0, 20, 50 ms) and ThrottleLimit (1, 8, 32): rows per second over -Rows rows, CPU
    time per row and peak working set of the PowerShell process, next to the ideal ThrottleLimit / latency and the
    raw cost of one RSA-2048 signature measured in the same run. Then a hand-written PowerShell loop
    (Invoke-RestMethod, signing in script) as a baseline, Ctrl+C during a run, and with -Long a 1,000,000-row run to
    show that memory stays flat. Then the runs that meet trouble (-FaultsOnly runs only these, in a few minutes):
    random 429s and a real rate limit of the simulator against the same run without them, and how long a run takes
    to stop after the host dies. Every measurement runs in a fresh pwsh process. Needs a build (build.ps1 bench
    does both).
.EXAMPLE
    dotnet pwsh ./build.ps1 bench
.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmark.ps1 -Long
.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmark.ps1 -FaultsOnly
#>
[CmdletBinding()]
param(
    [int] $Rows = 10000,
    [int[]] $LatencyMs = @(0, 20, 50),
    [int[]] $ThrottleLimit = @(1, 8, 32),
    [int] $BaselineRows = 1000,
    # At 0 ms latency each ThrottleLimit is measured a second time in a warm process, after this many rows.
    [int] $WarmupRows = 3000,
    [switch] $Long,
    # Only the 1,000,000-row run (its own section of the README), reusing the 10,000-row figure written before.
    [switch] $LongOnly,
    [int] $LongRows = 1000000,
    # Only the runs that meet trouble (429s, a rate limit, a host that dies), with their own section of the README.
    [switch] $FaultsOnly,
    # Leaves out the runs that meet trouble (for a quick look at the main table).
    [switch] $NoFaults,
    [int] $FaultRows = 1000,
    [double] $RandomLimitedShare = 0.1,
    [double] $LimitPerSecond = 20,
    # The pwsh builds to compare (name = path of a pwsh program; an empty path: the dotnet tool's pwsh), which
    # build.ps1 bench passes: their fixed cost and 10,000 fresh-process rows at 0 ms against the bare loop, in their
    # own section of the README. Only that section with -PwshOnly.
    [System.Collections.Specialized.OrderedDictionary] $PwshBuilds,
    [switch] $PwshOnly,
    [string] $ReadmePath = (Join-Path $PSScriptRoot 'README.md')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
$version = (Import-PowerShellDataFile (Join-Path $root 'WeChatPay.Payscore.psd1')).ModuleVersion
$modulePath = Join-Path $root "out/WeChatPay.Payscore/$version/WeChatPay.Payscore.psd1"
$simulatorPath = Join-Path $root 'out/simulator/WeChatPay.Payscore.Simulator.dll'
foreach ($path in $modulePath, $simulatorPath) {
    if (-not (Test-Path $path)) { throw "'$path' is missing: run 'dotnet pwsh ./build.ps1 bench' (it builds first)." }
}

$work = Join-Path $root 'out/bench'
New-Item -ItemType Directory -Path $work -Force | Out-Null
$rawClient = Join-Path $work 'rawclient/RawClient.dll'
& dotnet build (Join-Path $PSScriptRoot 'RawClient') -c Release -o (Split-Path $rawClient) --nologo -v quiet | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'bench/RawClient did not build.' }
$bareLoop = Join-Path $work 'bareloop/BareLoop.dll'
& dotnet build (Join-Path $PSScriptRoot 'BareLoop') -c Release -o (Split-Path $bareLoop) --nologo -v quiet | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'bench/BareLoop did not build.' }
Import-Module (Join-Path $root 'tests/WeChatPay.Payscore.Simulator/WxSimulator.psm1') -Force

function New-RowsCsv([string] $Path, [int] $Count, [string] $Prefix = 'oBench') {
    if ((Test-Path $Path) -and @(Get-Content $Path -TotalCount 1).Count -eq 1 -and (Get-Item $Path).Length -gt $Count * 10) { return }
    $writer = [IO.StreamWriter]::new($Path, $false, [Text.UTF8Encoding]::new($false))
    try {
        $writer.WriteLine('openid,service_id')
        for ($i = 1; $i -le $Count; $i++) { $writer.WriteLine("$Prefix$i,500001") }
    }
    finally { $writer.Dispose() }
}

# The pwsh that measurements run in: a program and the arguments that come first (the dotnet tool's pwsh unless
# the comparison of pwsh builds sets another).
$script:Pwsh = @('dotnet', 'pwsh')
function Use-Pwsh([string] $Path) { $script:Pwsh = @(if ($Path) { $Path } else { 'dotnet', 'pwsh' }) }

function Invoke-Measurement([hashtable] $Arguments) {
    $list = [Collections.Generic.List[string]]::new()
    foreach ($a in @($script:Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Measure-Run.ps1'))) { $list.Add($a) }
    foreach ($name in $Arguments.Keys) { $list.Add("-$name"); $list.Add("$($Arguments[$name])") }
    $output = & $script:Pwsh[0] @list 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Measurement failed ($($Arguments | ConvertTo-Json -Compress)): $($output -join "`n")" }
    ($output | Where-Object { "$_".StartsWith('{') } | Select-Object -Last 1) | ConvertFrom-Json
}

# The same latency and concurrency with a client that does no work: the simulator's ceiling for that configuration.
function Measure-RawClient($Simulator, [int] $Concurrency, [int] $Requests) {
    $output = & dotnet $rawClient $Simulator.BaseUri $Concurrency $Requests
    if ($LASTEXITCODE -ne 0) { throw "RawClient failed: $output" }
    ($output | Select-Object -Last 1) | ConvertFrom-Json
}

# The same latency and concurrency with a client that signs, sends and verifies and does nothing else.
function Measure-BareLoop([string] $InfoPath, [int] $Concurrency, [int] $Requests, [string] $Prefix) {
    $output = & dotnet $bareLoop $InfoPath $Concurrency $Requests $Prefix
    if ($LASTEXITCODE -ne 0) { throw "BareLoop failed: $output" }
    ($output | Select-Object -Last 1) | ConvertFrom-Json
}

# The CPU a fresh pwsh spends on -Command, as the process itself reports it at the end: the median of -Times runs.
function Measure-ProcessCpu([string] $Command, [int] $Times = 5) {
    $ms = foreach ($i in 1..$Times) {
        $output = & $script:Pwsh[0] @($script:Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "$Command; 'CPU:' + [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds"
        if ($LASTEXITCODE -ne 0) { throw "pwsh -Command failed: $output" }
        [double](("$($output | Where-Object { "$_".StartsWith('CPU:') } | Select-Object -Last 1)") -replace '^CPU:')
    }
    ($ms | Sort-Object)[[math]::Floor($Times / 2)]
}

function Set-Latency($Simulator, [int] $Ms) {
    Reset-WxSimulator -Simulator $Simulator
    Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/latency" -Body (@{ ms = $Ms } | ConvertTo-Json) -ContentType 'application/json' | Out-Null
}

function Get-SimulatorCpu($Simulator) {
    $Simulator.Process.Refresh()
    $Simulator.Process.TotalProcessorTime.TotalSeconds
}

$csv = Join-Path $work "rows-$Rows.csv"
New-RowsCsv $csv $Rows
$baselineCsv = Join-Path $work "rows-$BaselineRows.csv"
New-RowsCsv $baselineCsv $BaselineRows
$warmupCsv = Join-Path $work "warmup-$WarmupRows.csv"
New-RowsCsv $warmupCsv $WarmupRows 'oWarmup'

$sim = Start-WxSimulator -SimulatorPath $simulatorPath -MaxLifetimeSec 14400
try {
    $infoPath = Join-Path $work 'simulator-info.json'
    $sim.Info | ConvertTo-Json | Set-Content $infoPath
    $common = @{ ModulePath = $modulePath; InfoPath = $infoPath }

    $oneRow = "Import-Module '$modulePath'; `$i = Get-Content '$infoPath' -Raw | ConvertFrom-Json; " +
        "[pscustomobject]@{ openid = 'oFixedCost' + [guid]::NewGuid().ToString('n').Substring(0, 8); service_id = '500001' } | Invoke-WxPayscoreTerminate " +
        "-MerchantId `$i.merchantId -MerchantSerialNumber `$i.merchantSerialNumber -PrivateKeyPath `$i.merchantPrivateKeyPath " +
        "-WechatpayPublicKeyId `$i.publicKeyId -WechatpayPublicKeyPath `$i.publicKeyPath -BaseUri `$i.baseUri -AppId wxd678efh567hg6787 -Reason r -Confirm:`$false | " +
        "ForEach-Object { if (-not `$_.Success) { throw `$_.Message }; `$_ }" # shown, as -Command 1 shows its 1

    $builds = [Collections.Generic.List[object]]::new()
    if ($PwshBuilds -and -not $LongOnly -and -not $FaultsOnly) {
        foreach ($name in $PwshBuilds.Keys) {
            Use-Pwsh $PwshBuilds[$name]
            $version = & $script:Pwsh[0] @($script:Pwsh | Select-Object -Skip 1) -NoProfile -Command '"$($PSVersionTable.PSVersion) on .NET $([Environment]::Version)"'
            Write-Host "pwsh builds: $name ($version): fixed cost..."
            Set-Latency $sim 0
            $bareMs = Measure-ProcessCpu '1'
            $moduleMs = Measure-ProcessCpu "`$null = & { $oneRow }"
            foreach ($limit in 8, 32) {
                Write-Host "pwsh builds: $name, $Rows rows, latency 0 ms, ThrottleLimit $limit..."
                Set-Latency $sim 0
                $simCpu = Get-SimulatorCpu $sim
                $m = Invoke-Measurement (@{ Mode = 'Module'; CsvPath = $csv; ThrottleLimit = $limit } + $common)
                $simCpu = (Get-SimulatorCpu $sim) - $simCpu
                Set-Latency $sim 0
                $bareSimCpu = Get-SimulatorCpu $sim
                $bare = Measure-BareLoop $infoPath $limit $Rows "oBareBuild$($builds.Count)x$limit"
                $bareSimCpu = (Get-SimulatorCpu $sim) - $bareSimCpu
                Write-Host "pwsh builds: $name, $Rows rows, latency 0 ms, ThrottleLimit $limit, after $WarmupRows rows in the same process..."
                Set-Latency $sim 0
                $warm = Invoke-Measurement (@{ Mode = 'Module'; CsvPath = $csv; ThrottleLimit = $limit; WarmupCsvPath = $warmupCsv } + $common)
                $builds.Add([pscustomobject]@{
                        Name = $name; Version = "$version"; BareMs = $bareMs; ModuleMs = $moduleMs; ThrottleLimit = $limit
                        RowsPerSecond = $m.rows / $m.seconds; CpuMsPerRow = 1000 * $m.cpuSeconds / $m.rows; Succeeded = $m.succeeded; Rows = $m.rows
                        SimCpuMsPerRow = 1000 * $simCpu / $m.rows
                        BareRowsPerSecond = $bare.requestsPerSecond; BareCpuMsPerRow = $bare.cpuMsPerRequest
                        # The bare loop's own warm-up requests reach the simulator too, outside its measured rate.
                        BareSimCpuMsPerRow = 1000 * $bareSimCpu / ($bare.requests + 50)
                        WarmRowsPerSecond = $warm.rows / $warm.seconds; WarmCpuMsPerRow = 1000 * $warm.cpuSeconds / $warm.rows
                    })
            }
        }
        Use-Pwsh ''
    }

    $results = [Collections.Generic.List[object]]::new()
    if (-not $LongOnly -and -not $FaultsOnly -and -not $PwshOnly) {
    Write-Host 'Raw RSA-2048 signature cost...'
    $sign = Invoke-Measurement (@{ Mode = 'Sign'; Signatures = 3000 } + $common)

    foreach ($latency in $LatencyMs) {
        foreach ($limit in $ThrottleLimit) {
            Write-Host "Module: $Rows rows, latency $latency ms, ThrottleLimit $limit..."
            Set-Latency $sim $latency
            $simCpu = Get-SimulatorCpu $sim
            $m = Invoke-Measurement (@{ Mode = 'Module'; CsvPath = $csv; ThrottleLimit = $limit } + $common)
            $simCpu = (Get-SimulatorCpu $sim) - $simCpu
            $state = Get-WxSimulatorState -Simulator $sim
            Set-Latency $sim $latency
            $raw = Measure-RawClient $sim $limit ([math]::Min($Rows, [math]::Max(500, 40 * $limit * [math]::Max(1, $latency) / 20)))
            Set-Latency $sim $latency
            $bareRequests = if ($latency -eq 0) { $Rows } else { [math]::Min($Rows, [math]::Max(1000, 80 * $limit * $latency / 20)) }
            $bare = Measure-BareLoop $infoPath $limit $bareRequests "oBare$($latency)x$limit"
            $warm = $null
            if ($latency -eq 0) {
                Write-Host "Module: $Rows rows, latency 0 ms, ThrottleLimit $limit, after $WarmupRows rows in the same process..."
                Set-Latency $sim 0
                $warm = Invoke-Measurement (@{ Mode = 'Module'; CsvPath = $csv; ThrottleLimit = $limit; WarmupCsvPath = $warmupCsv } + $common)
            }
            $results.Add([pscustomobject]@{
                    Run = 'module'; LatencyMs = $latency; ThrottleLimit = $limit; Rows = $m.rows; Succeeded = $m.succeeded
                    RowsPerSecond = $m.rows / $m.seconds; CpuMsPerRow = 1000 * $m.cpuSeconds / $m.rows
                    SimCpuMsPerRow = 1000 * $simCpu / $m.rows; PeakWorkingSetMB = $m.peakWorkingSetMB; MaxInFlight = $state.maxInFlight
                    RawRowsPerSecond = $raw.requestsPerSecond; RawCpuMsPerRow = $raw.cpuMsPerRequest
                    BareRows = $bare.requests; BareOk = $bare.ok; BareRowsPerSecond = $bare.requestsPerSecond; BareCpuMsPerRow = $bare.cpuMsPerRequest
                    WarmRowsPerSecond = if ($warm) { $warm.rows / $warm.seconds } else { $null }
                    WarmCpuMsPerRow = if ($warm) { 1000 * $warm.cpuSeconds / $warm.rows } else { $null }
                    Ideal = if ($latency -gt 0) { $limit * 1000 / $latency } else { $null }
                })
        }
    }

    foreach ($latency in $LatencyMs) {
        Write-Host "Baseline script: $BaselineRows rows, latency $latency ms..."
        Set-Latency $sim $latency
        $m = Invoke-Measurement (@{ Mode = 'Baseline'; CsvPath = $baselineCsv } + $common)
        $results.Add([pscustomobject]@{
                Run = 'baseline'; LatencyMs = $latency; ThrottleLimit = 1; Rows = $m.rows; Succeeded = $m.succeeded
                RowsPerSecond = $m.rows / $m.seconds; CpuMsPerRow = 1000 * $m.cpuSeconds / $m.rows; SimCpuMsPerRow = $null
                PeakWorkingSetMB = $m.peakWorkingSetMB; MaxInFlight = 1; Ideal = if ($latency -gt 0) { 1000 / $latency } else { $null }
                RawRowsPerSecond = $null; RawCpuMsPerRow = $null; BareRowsPerSecond = $null; BareCpuMsPerRow = $null
            })
    }

    Write-Host 'Fixed cost: a bare pwsh, and one importing the module and ending one row...'
    Set-Latency $sim 0
    $fixed = [pscustomobject]@{
        BareMs = (Measure-ProcessCpu '1'); ModuleMs = (Measure-ProcessCpu $oneRow); ModuleQuietMs = (Measure-ProcessCpu "`$null = & { $oneRow }")
    }

    Write-Host 'Ctrl+C during a run at 50 ms latency...'
    Set-Latency $sim 50
    $stop = Invoke-Measurement (@{ Mode = 'Stop'; CsvPath = $csv; ThrottleLimit = 8; StopAfterMs = 2000 } + $common)
    }

    $faults = $null
    if (-not $LongOnly -and -not $NoFaults -and -not $PwshOnly) {
        # At the module's defaults (50 requests/s at most, 4 in flight, 3 retries), 0 ms latency: the ceiling sets the pace.
        $faultCsv = Join-Path $work "rows-$FaultRows.csv"
        New-RowsCsv $faultCsv $FaultRows
        $defaults = @{ Mode = 'Module'; CsvPath = $faultCsv; ThrottleLimit = 4; MaxRequestsPerSecond = 50; MaxRetries = 3 } + $common
        $measure = {
            param([string] $Name, [scriptblock] $Arrange)
            Write-Host "Faults: $FaultRows rows, $Name..."
            Set-Latency $sim 0
            & $Arrange
            $m = Invoke-Measurement $defaults
            $state = Get-WxSimulatorState -Simulator $sim
            # The steady rate: rows ended per second from 10 s after the first until the last.
            $times = @($state.terminates | ForEach-Object { [DateTimeOffset] $_.time } | Sort-Object)
            $steadyFrom = $times[0].AddSeconds(10)
            $steady = @($times | Where-Object { $_ -ge $steadyFrom })
            [pscustomobject]@{
                Name = $Name; Rows = $m.rows; Succeeded = $m.succeeded; Seconds = $m.seconds; RowsPerSecond = $m.rows / $m.seconds
                Requests = $state.requestCount; RateLimited = $state.rateLimited; LimitedShare = $state.rateLimited / [math]::Max(1, $state.requestCount)
                SteadyRowsPerSecond = if ($steady.Count -gt 1) { ($steady.Count - 1) / ($steady[-1] - $steady[0]).TotalSeconds } else { $null }
            }
        }
        $clean = & $measure 'no faults' { }
        $noise = & $measure ("{0:P0} random 429s" -f $RandomLimitedShare) { Add-WxSimulatorFault -Simulator $sim -Kind RateLimited -Probability $RandomLimitedShare }
        $limited = & $measure "a rate limit of $LimitPerSecond requests/s" { Set-WxSimulatorRateLimit -Simulator $sim -PerSecond $LimitPerSecond }

        Write-Host 'Faults: the host dies 3 s into a run...'
        $dying = Start-WxSimulator -SimulatorPath $simulatorPath -MaxLifetimeSec 600
        try {
            $dyingInfo = Join-Path $work 'dying-simulator-info.json'
            $dying.Info | ConvertTo-Json | Set-Content $dyingInfo
            $dies = Invoke-Measurement @{ Mode = 'HostDies'; CsvPath = $csv; ThrottleLimit = 4; StopAfterMs = 3000; SimulatorProcessId = $dying.Process.Id; ModulePath = $modulePath; InfoPath = $dyingInfo }
        }
        finally { Stop-WxSimulator -Simulator $dying }

        Write-Host 'Faults: the host stops answering 3 s into a run (-TimeoutSec 5)...'
        $hanging = Start-WxSimulator -SimulatorPath $simulatorPath -MaxLifetimeSec 600
        try {
            $hangingInfo = Join-Path $work 'hanging-simulator-info.json'
            $hanging.Info | ConvertTo-Json | Set-Content $hangingInfo
            $hangs = Invoke-Measurement @{ Mode = 'HostDies'; How = 'Hang'; TimeoutSec = 5; CsvPath = $csv; ThrottleLimit = 4; StopAfterMs = 3000; ModulePath = $modulePath; InfoPath = $hangingInfo }
        }
        finally { Stop-WxSimulator -Simulator $hanging }
        $faults = [pscustomobject]@{ Clean = $clean; Noise = $noise; Limited = $limited; Dies = $dies; Hangs = $hangs }
    }

    $longRun = $null
    if ($Long -or $LongOnly) {
        $longCsv = Join-Path $work "rows-$LongRows.csv"
        New-RowsCsv $longCsv $LongRows
        # The same configuration over -Rows rows first, in the same run, as the reference for memory.
        Write-Host "Long run: $Rows then $LongRows rows, latency 0 ms, ThrottleLimit 32..."
        Set-Latency $sim 0
        $short = Invoke-Measurement (@{ Mode = 'Module'; CsvPath = $csv; ThrottleLimit = 32 } + $common)
        Set-Latency $sim 0
        $m = Invoke-Measurement (@{ Mode = 'Module'; CsvPath = $longCsv; ThrottleLimit = 32 } + $common)
        $longRun = [pscustomobject]@{
            Rows = $m.rows; Succeeded = $m.succeeded; RowsPerSecond = $m.rows / $m.seconds; PeakWorkingSetMB = $m.peakWorkingSetMB; Minutes = $m.seconds / 60
            ShortRows = $short.rows; ShortPeakWorkingSetMB = $short.peakWorkingSetMB
        }
    }
}
finally {
    Stop-WxSimulator -Simulator $sim
}

#region Report

function Set-ReadmeSection([string] $Name, [string] $Text) {
    $readme = Get-Content $ReadmePath -Raw
    $begin = "<!-- $($Name):begin -->"
    $end = "<!-- $($Name):end -->"
    $start = $readme.IndexOf($begin)
    $stopAt = $readme.IndexOf($end)
    if ($start -lt 0 -or $stopAt -lt $start) { throw "$ReadmePath has no $begin ... $end section." }
    $readme = $readme.Substring(0, $start + $begin.Length) + "`n" + $Text + "`n" + $readme.Substring($stopAt)
    Set-Content -Path $ReadmePath -Value $readme.TrimEnd() -NoNewline
    Add-Content -Path $ReadmePath -Value ''
    Write-Host ''
    Write-Host $Text
}

$cpuModel = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':', 2)[1].Trim() } else { $env:PROCESSOR_IDENTIFIER }
$memoryGB = if (Test-Path /proc/meminfo) { [math]::Round(([double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D', '')) / 1MB, 1) } else { $null }
$machine = "$(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC on: $cpuModel, $([Environment]::ProcessorCount) cores, $memoryGB GiB, $([Runtime.InteropServices.RuntimeInformation]::OSDescription), PowerShell $($PSVersionTable.PSVersion) on $([Runtime.InteropServices.RuntimeInformation]::FrameworkDescription). The module and the simulator share the machine."

if ($builds.Count -gt 0) {
    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add("Measured $machine")
    $lines.Add('')
    $lines.Add(('Each pwsh build in fresh processes: the fixed cost (CPU of `pwsh -NoProfile -Command 1`, and of importing the module and ending one row, result kept in a variable; median of 5), then {0:N0} rows at 0 ms latency against the bare loop (`bench/BareLoop`) at the same concurrency, in the same run. Targets, judged on the ReadyToRun build: the module and one row at most 300 ms CPU beyond a bare pwsh; CPU per row at most 1.5x the bare loop''s, rows/s at least 0.9x.' -f $Rows))
    $lines.Add('')
    $lines.Add('| pwsh | version | bare pwsh CPU | module + one row CPU | beyond bare | ThrottleLimit | rows/s | bare loop rows/s | rows/s / bare loop | CPU ms/row | bare loop CPU ms/row | CPU / bare loop |')
    $lines.Add('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    foreach ($b in $builds) {
        $lines.Add(('| {0} | {1} | {2:N0} ms | {3:N0} ms | {4:N0} ms | {5} | {6:N0} ({7:N0} of {8:N0} ok) | {9:N0} | {10:N2}x | {11:N2} | {12:N2} | {13:N2}x |' -f
                $b.Name, $b.Version, $b.BareMs, $b.ModuleMs, ($b.ModuleMs - $b.BareMs), $b.ThrottleLimit, $b.RowsPerSecond, $b.Succeeded, $b.Rows,
                $b.BareRowsPerSecond, ($b.RowsPerSecond / $b.BareRowsPerSecond), $b.CpuMsPerRow, $b.BareCpuMsPerRow, ($b.CpuMsPerRow / $b.BareCpuMsPerRow)))
    }
    # On a machine whose cores the client and the simulator share, rows/s = cores busy / CPU of a row (the client's and
    # the simulator's), so the ratio of two rates is exactly the product of their CPU ratio and their busy ratio.
    $cores = [Environment]::ProcessorCount
    $lines.Add('')
    $lines.Add(('The rows/s ratio taken apart. The client and the simulator share the {0} cores, so each rate is the cores kept busy divided by the CPU a row costs both processes: module / bare loop rows/s = (bare loop CPU / module CPU, both with the simulator''s) x (module cores busy / bare loop cores busy), exactly. A warm process is the same build after {1:N0} rows in the same process.' -f $cores, $WarmupRows))
    $lines.Add('')
    $lines.Add('| pwsh | ThrottleLimit | module + simulator CPU ms/row | bare loop + simulator CPU ms/row | CPU factor | module cores busy | bare loop cores busy | busy factor | rows/s / bare loop | warm: rows/s / bare loop | warm: CPU ms/row |')
    $lines.Add('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    foreach ($b in $builds) {
        $moduleTotal = $b.CpuMsPerRow + $b.SimCpuMsPerRow
        $bareTotal = $b.BareCpuMsPerRow + $b.BareSimCpuMsPerRow
        $moduleBusy = $b.RowsPerSecond * $moduleTotal / 1000
        $bareBusy = $b.BareRowsPerSecond * $bareTotal / 1000
        $lines.Add(('| {0} | {1} | {2:N2} + {3:N2} = {4:N2} | {5:N2} + {6:N2} = {7:N2} | {8:N2} | {9:N2} of {10} | {11:N2} of {10} | {12:N2} | {13:N2}x | {14:N2}x | {15:N2} |' -f
                $b.Name, $b.ThrottleLimit, $b.CpuMsPerRow, $b.SimCpuMsPerRow, $moduleTotal, $b.BareCpuMsPerRow, $b.BareSimCpuMsPerRow, $bareTotal,
                ($bareTotal / $moduleTotal), $moduleBusy, $cores, $bareBusy, ($moduleBusy / $bareBusy), ($b.RowsPerSecond / $b.BareRowsPerSecond),
                ($b.WarmRowsPerSecond / $b.BareRowsPerSecond), $b.WarmCpuMsPerRow))
    }
    $judged = @($builds | Where-Object Name -like 'ReadyToRun*')
    if ($judged.Count -gt 0) {
        $verdict = { param([bool] $Met) if ($Met) { 'met' } else { '**not met**' } }
        $lines.Add('')
        $lines.Add(('On the ReadyToRun build: fixed cost {0:N0} ms beyond a bare pwsh (target 300 ms): {1}.' -f ($judged[0].ModuleMs - $judged[0].BareMs), (& $verdict (($judged[0].ModuleMs - $judged[0].BareMs) -le 300))))
        foreach ($b in $judged) {
            $lines.Add(('ThrottleLimit {0}: CPU per row {1:N2}x the bare loop''s (target 1.5x): {2}; rows/s {3:N2}x (target 0.9x): {4}.' -f
                    $b.ThrottleLimit, ($b.CpuMsPerRow / $b.BareCpuMsPerRow), (& $verdict (($b.CpuMsPerRow / $b.BareCpuMsPerRow) -le 1.5)),
                    ($b.RowsPerSecond / $b.BareRowsPerSecond), (& $verdict (($b.RowsPerSecond / $b.BareRowsPerSecond) -ge 0.9))))
        }
    }
    Set-ReadmeSection 'pwsh-builds' ($lines -join "`n")
}

if (-not $LongOnly -and -not $FaultsOnly -and -not $PwshOnly) {
    $atZero = @($results | Where-Object { $_.Run -eq 'module' -and $_.LatencyMs -eq 0 })
    $ceiling = if ($atZero.Count -gt 0) { ($atZero | Measure-Object RowsPerSecond -Maximum).Maximum } else { [double]::PositiveInfinity }
    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add("Measured $machine")
    $lines.Add('')
    $lines.Add(("Raw RSA-2048 signature in the same run: **{0:N3} ms CPU** each ({1:N0} signatures)." -f $sign.cpuMsPerSignature, $sign.signatures))
    $lines.Add(("Simulator ceiling at 0 ms latency (the best module rate; module and simulator share the machine): **{0:N0} rows/s**." -f $ceiling))
    $lines.Add('')
    $lines.Add('| run | latency | ThrottleLimit | rows | rows/s | ideal | zero-work client | % of ideal | % of zero-work client | CPU ms/row | CPU / signature | zero-work client CPU ms/row | simulator CPU ms/row | peak working set | max in flight |')
    $lines.Add('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    foreach ($r in $results) {
        $lines.Add(('| {0} | {1} ms | {2} | {3:N0} ({4:N0} ok) | {5:N0} | {6} | {7} | {8} | {9} | {10:N2} | {11:N1}x | {12} | {13} | {14:N0} MB | {15} |' -f
                $r.Run, $r.LatencyMs, $r.ThrottleLimit, $r.Rows, $r.Succeeded, $r.RowsPerSecond,
                $(if ($r.Ideal) { '{0:N0}' -f $r.Ideal } else { 'n/a' }),
                $(if ($null -ne $r.RawRowsPerSecond) { '{0:N0}' -f $r.RawRowsPerSecond } else { '' }),
                $(if ($r.Ideal) { '{0:N0} %' -f (100 * $r.RowsPerSecond / $r.Ideal) } else { 'n/a' }),
                $(if ($null -ne $r.RawRowsPerSecond) { '{0:N0} %' -f (100 * $r.RowsPerSecond / $r.RawRowsPerSecond) } else { '' }),
                $r.CpuMsPerRow, ($r.CpuMsPerRow / $sign.cpuMsPerSignature),
                $(if ($null -ne $r.RawCpuMsPerRow) { '{0:N2}' -f $r.RawCpuMsPerRow } else { '' }),
                $(if ($null -ne $r.SimCpuMsPerRow) { '{0:N2}' -f $r.SimCpuMsPerRow } else { '' }),
                $r.PeakWorkingSetMB, $r.MaxInFlight))
    }
    $lines.Add('')
    $lines.Add('Against the bare loop (`bench/BareLoop`: sign, send, verify, nothing else) at the same latency and concurrency, in the same run:')
    $lines.Add('')
    $lines.Add('| latency | ThrottleLimit | process | module rows/s | bare loop rows/s | module / bare loop | module CPU ms/row | bare loop CPU ms/row | module / bare loop |')
    $lines.Add('|---:|---:|---|---:|---:|---:|---:|---:|---:|')
    foreach ($r in $results | Where-Object { $null -ne $_.BareRowsPerSecond }) {
        $runs = @(, @('fresh', $r.RowsPerSecond, $r.CpuMsPerRow))
        if ($null -ne $r.WarmRowsPerSecond) { $runs += , @("warm ($WarmupRows rows before)", $r.WarmRowsPerSecond, $r.WarmCpuMsPerRow) }
        foreach ($run in $runs) {
            $lines.Add(('| {0} ms | {1} | {2} | {3:N0} | {4:N0} ({5:N0} of {6:N0} ok) | {7:N2}x | {8:N2} | {9:N2} | {10:N2}x |' -f
                    $r.LatencyMs, $r.ThrottleLimit, $run[0], $run[1], $r.BareRowsPerSecond, $r.BareOk, $r.BareRows,
                    ($run[1] / $r.BareRowsPerSecond), $run[2], $r.BareCpuMsPerRow, ($run[2] / $r.BareCpuMsPerRow)))
        }
    }
    $lines.Add('')
    $lines.Add(('Fixed cost: `pwsh -NoProfile` importing the module and ending one row takes **{0:N0} ms CPU** with the result shown (its table view), **{1:N0} ms** with it kept in a variable; a bare `pwsh -NoProfile -Command 1` **{2:N0} ms**: **{3:N0} ms** and **{4:N0} ms** more (median of 5 fresh processes each).' -f
            $fixed.ModuleMs, $fixed.ModuleQuietMs, $fixed.BareMs, ($fixed.ModuleMs - $fixed.BareMs), ($fixed.ModuleQuietMs - $fixed.BareMs)))
    $lines.Add('')
    $lines.Add(('Ctrl+C (StopProcessing) {0:N0} ms into a {1:N0}-row run at 50 ms latency, ThrottleLimit 8: returned in **{2:N0} ms** ({3} rows had finished; state {4}).' -f
            2000, $Rows, $stop.stopMs, $stop.rowsBeforeStop, $stop.state))
    Set-ReadmeSection 'results' ($lines -join "`n")
}

if ($faults) {
    $c = $faults.Clean; $n = $faults.Noise; $l = $faults.Limited; $d = $faults.Dies; $h = $faults.Hangs
    $row = { param($r) '| {0} | {1:N0} ({2:N0} ok) | {3:N1} s | {4:N1} | {5} | {6:N0} | {7:N0} ({8:P1}) |' -f $r.Name, $r.Rows, $r.Succeeded, $r.Seconds, $r.RowsPerSecond,
        $(if ($null -ne $r.SteadyRowsPerSecond) { '{0:N1}' -f $r.SteadyRowsPerSecond } else { '' }), $r.Requests, $r.RateLimited, $r.LimitedShare }
    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add("Measured $machine")
    $lines.Add('')
    $lines.Add("$FaultRows rows at the module's defaults (-MaxRequestsPerSecond 50, -ThrottleLimit 4, -MaxRetries 3), 0 ms latency, each run in a fresh process:")
    $lines.Add('')
    $lines.Add('| run | rows | time | rows/s | rows/s from 10 s on | requests | answered 429 |')
    $lines.Add('|---|---:|---:|---:|---:|---:|---:|')
    foreach ($r in $c, $n, $l) { $lines.Add((& $row $r)) }
    $lines.Add('')
    $lines.Add(('- **(a) {0:P0} random 429s**: {1:N1} s against {2:N1} s without them: **{3:N2}x** the fault-free run (target: at most 2x).' -f
            $RandomLimitedShare, $n.Seconds, $c.Seconds, ($n.Seconds / $c.Seconds)))
    $lines.Add(('- **(b) a rate limit of {0} requests/s** (below the ceiling of 50): the run settles at **{1:N1} rows/s from 10 s on, {2:P0} of the limit** ({3:N1} rows/s over the whole run, start included; fault-free: {4:N1}), with **{5:P1} of its requests answered 429** (target: at least 80 % of the limit, at most 5 % 429s).' -f
            $LimitPerSecond, $l.SteadyRowsPerSecond, ($l.SteadyRowsPerSecond / $LimitPerSecond), $l.RowsPerSecond, $c.RowsPerSecond, $l.LimitedShare))
    $lines.Add(('- **The host dies** 3 s into a {0:N0}-row run (the simulator killed: every later connection refused, no backup host answers): the run ended **{1:N1} s** after the kill with `{2}`; {3:N0} rows had results when it died, {4:N0} when it stopped ({5:N0} failed, with {6:N0} terminate requests among them; the queries that asked about the open ones not counted), and no later row was sent.' -f
            $Rows, $d.stopSeconds, $d.errorId, $d.rowsWhenKilled, $d.rows, $d.failedAfterKill, $d.attemptsAfterKill))
    $lines.Add(('- **The host stops answering** 3 s into the same run with `-TimeoutSec 5` (every request taken in and never answered): the run ended **{0:N1} s** later with `{1}`; {2:N0} rows had results then, {3:N0} when it stopped ({4:N0} failed, with {5:N0} terminate requests among them).' -f
            $h.stopSeconds, $h.errorId, $h.rowsWhenKilled, $h.rows, $h.failedAfterKill, $h.attemptsAfterKill))
    Set-ReadmeSection 'faults' ($lines -join "`n")
}

if ($longRun) {
    Set-ReadmeSection 'long' (('Measured {0}{1}{1}{2:N0} rows ({3:N0} ok) at 0 ms latency, ThrottleLimit 32, in {4:N1} minutes ({5:N0} rows/s): peak working set **{6:N0} MB**, against **{7:N0} MB** for {8:N0} rows in the same run: {9:+0;-0} MB.' -f
            $machine, "`n", $longRun.Rows, $longRun.Succeeded, $longRun.Minutes, $longRun.RowsPerSecond, $longRun.PeakWorkingSetMB,
            $longRun.ShortPeakWorkingSetMB, $longRun.ShortRows, ($longRun.PeakWorkingSetMB - $longRun.ShortPeakWorkingSetMB)))
}

#endregion
