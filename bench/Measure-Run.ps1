<#
.SYNOPSIS
    One measurement of the benchmark, in a process of its own so that CPU time and peak working set belong
    to it alone. Prints one JSON line. Started by Invoke-Benchmark.ps1.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('Module', 'Baseline', 'Sign', 'Stop', 'HostDies')] [string] $Mode,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $InfoPath,
    [string] $CsvPath,
    [int] $ThrottleLimit = 1,
    [double] $MaxRequestsPerSecond = 0,
    [int] $MaxRetries = 3,
    [int] $Signatures = 2000,
    [int] $StopAfterMs = 2000,
    # HostDies: the simulator process to kill (one the benchmark started for this measurement alone), or with -How Hang
    # the simulator stops answering instead (it takes connections and never answers); -TimeoutSec for the run.
    [int] $SimulatorProcessId,
    [ValidateSet('Kill', 'Hang')] [string] $How = 'Kill',
    [int] $TimeoutSec = 30,
    # Module: rows ended in the same process before the measured run (first use, tiered JIT), so that the measured
    # run shows the cost of a row in a warm process; its own openids, so that nothing is a repeat.
    [string] $WarmupCsvPath
)

$ErrorActionPreference = 'Stop'
$info = Get-Content $InfoPath -Raw | ConvertFrom-Json
$self = [Diagnostics.Process]::GetCurrentProcess()

function Measure-Cpu([scriptblock] $Work) {
    [GC]::Collect()
    $self.Refresh()
    $cpu = $self.TotalProcessorTime
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $value = & $Work
    $clock.Stop()
    $self.Refresh()
    [pscustomobject]@{ Value = $value; Seconds = $clock.Elapsed.TotalSeconds; CpuSeconds = ($self.TotalProcessorTime - $cpu).TotalSeconds }
}

function Write-RunResult($Measured) {
    $self.Refresh()
    [pscustomobject]@{
        rows = $Measured.Value[0]; succeeded = $Measured.Value[1]; seconds = $Measured.Seconds; cpuSeconds = $Measured.CpuSeconds
        peakWorkingSetMB = [math]::Round($self.PeakWorkingSet64 / 1MB, 1)
    } | ConvertTo-Json -Compress
}

switch ($Mode) {
    'Sign' {
        # The raw cost of one RSA-2048 SHA256 signature on this machine, with the platform's RSA and the merchant key.
        $rsa = [Security.Cryptography.RSA]::Create()
        $rsa.ImportFromPem((Get-Content $info.merchantPrivateKeyPath -Raw))
        $message = [Text.Encoding]::UTF8.GetBytes("POST`n/v3/payscore/users/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o/permissions/500001/terminate`n1554208460`n593BEC0C930BF1AFEB40B4A08C8FB242`n{`"appid`":`"wxd678efh567hg6787`",`"reason`":`"服务调整`"}`n")
        $sha = [Security.Cryptography.HashAlgorithmName]::SHA256
        $pad = [Security.Cryptography.RSASignaturePadding]::Pkcs1
        for ($i = 0; $i -lt 200; $i++) { $null = $rsa.SignData($message, $sha, $pad) } # warm up
        $m = Measure-Cpu { for ($i = 0; $i -lt $Signatures; $i++) { $null = $rsa.SignData($message, $sha, $pad) }; $Signatures }
        [pscustomobject]@{ signatures = $Signatures; cpuMsPerSignature = 1000 * $m.CpuSeconds / $Signatures; msPerSignature = 1000 * $m.Seconds / $Signatures } |
            ConvertTo-Json -Compress
    }
    'Module' {
        Import-Module $ModulePath
        $parameters = @{
            MerchantId             = $info.merchantId
            MerchantSerialNumber   = $info.merchantSerialNumber
            PrivateKeyPath         = $info.merchantPrivateKeyPath
            WechatpayPublicKeyId   = $info.publicKeyId
            WechatpayPublicKeyPath = $info.publicKeyPath
            BaseUri                = $info.baseUri
            AppId                  = 'wxd678efh567hg6787'
            Reason                 = '服务调整'
            ThrottleLimit          = $ThrottleLimit
            MaxRequestsPerSecond   = $MaxRequestsPerSecond
            MaxRetries             = $MaxRetries
            Confirm                = $false
            ErrorAction            = 'SilentlyContinue'
        }
        $ProgressPreference = 'SilentlyContinue'
        if ($WarmupCsvPath) {
            Import-Csv $WarmupCsvPath | Invoke-WxPayscoreTerminate @parameters | Out-Null
            Start-Sleep -Seconds 2 # the runtime's background recompilation of what got hot settles
        }
        $m = Measure-Cpu {
            $ok = 0; $rows = 0
            Import-Csv $CsvPath | Invoke-WxPayscoreTerminate @parameters | ForEach-Object { $rows++; if ($_.Success) { $ok++ } }
            @($rows, $ok)
        }
        Write-RunResult $m
    }
    'Baseline' {
        # What an admin writes by hand: a loop, signing in script, Invoke-RestMethod, no verification of the answers.
        $rsa = [Security.Cryptography.RSA]::Create()
        $rsa.ImportFromPem((Get-Content $info.merchantPrivateKeyPath -Raw))
        $base = $info.baseUri.TrimEnd('/')
        $m = Measure-Cpu {
            $ok = 0; $rows = 0
            foreach ($row in Import-Csv $CsvPath) {
                $rows++
                $path = "/v3/payscore/users/$($row.openid)/permissions/$($row.service_id)/terminate"
                $body = @{ appid = 'wxd678efh567hg6787'; reason = '服务调整' } | ConvertTo-Json -Compress
                $timestamp = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
                $nonce = [guid]::NewGuid().ToString('N').ToUpperInvariant()
                $message = "POST`n$path`n$timestamp`n$nonce`n$body`n"
                $signature = [Convert]::ToBase64String($rsa.SignData([Text.Encoding]::UTF8.GetBytes($message),
                        [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1))
                $headers = @{
                    Authorization = "WECHATPAY2-SHA256-RSA2048 mchid=`"$($info.merchantId)`",nonce_str=`"$nonce`",signature=`"$signature`",timestamp=`"$timestamp`",serial_no=`"$($info.merchantSerialNumber)`""
                    Accept        = 'application/json'
                }
                try {
                    Invoke-RestMethod -Method Post -Uri "$base$path" -Headers $headers -Body ([Text.Encoding]::UTF8.GetBytes($body)) `
                        -ContentType 'application/json' -UserAgent 'admin-script/1.0' | Out-Null
                    $ok++
                }
                catch { }
            }
            @($rows, $ok)
        }
        Write-RunResult $m
    }
    'HostDies' {
        # The simulator is killed -StopAfterMs into the run, so every later connection is refused (or, with -How Hang, it
        # stops answering): measured from then until the run has ended (with WechatpayUnreachable), with the module's
        # default thresholds.
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($csv, $info, $limit, $module, $timeoutSec)
                Import-Module $module
                $ProgressPreference = 'SilentlyContinue'
                try {
                    Import-Csv $csv | Invoke-WxPayscoreTerminate -MerchantId $info.merchantId -MerchantSerialNumber $info.merchantSerialNumber `
                        -PrivateKeyPath $info.merchantPrivateKeyPath -WechatpayPublicKeyId $info.publicKeyId -WechatpayPublicKeyPath $info.publicKeyPath `
                        -BaseUri $info.baseUri -AppId 'wxd678efh567hg6787' -Reason '服务调整' -ThrottleLimit $limit -TimeoutSec $timeoutSec -Confirm:$false -ErrorAction SilentlyContinue
                }
                catch { "STOPPED:$($_.FullyQualifiedErrorId)" }
            }).AddArgument($CsvPath).AddArgument($info).AddArgument($ThrottleLimit).AddArgument($ModulePath).AddArgument($TimeoutSec)
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        $async = $ps.BeginInvoke([Management.Automation.PSDataCollection[psobject]]::new(), $output)
        Start-Sleep -Milliseconds $StopAfterMs
        if ($How -eq 'Hang') {
            Invoke-RestMethod -Method Post -Uri "$($info.baseUri.TrimEnd('/'))/__sim/faults" -Body '{"kind":"Hang"}' -ContentType 'application/json' | Out-Null
        }
        else {
            Stop-Process -Id $SimulatorProcessId -Force
        }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $rowsWhenKilled = $output.Count
        $ps.EndInvoke($async) | Out-Null
        $clock.Stop()
        $stopped = @($output | Where-Object { $_ -is [string] })
        $errorId = if ($stopped) { ("$($stopped[-1])" -replace '^STOPPED:', '').Split(',')[0] } else { '(none: the run did not stop)' }
        $results = @($output | Where-Object { $_ -isnot [string] })
        [pscustomobject]@{
            stopSeconds = $clock.Elapsed.TotalSeconds; rowsWhenKilled = $rowsWhenKilled; rows = $results.Count
            failedAfterKill = @($results | Where-Object { -not $_.Success }).Count
            attemptsAfterKill = ($results | Where-Object { -not $_.Success } | Measure-Object Attempts -Sum).Sum
            errorId = $errorId; state = "$($ps.InvocationStateInfo.State)"
        } | ConvertTo-Json -Compress
    }
    'Stop' {
        # Ctrl+C is StopProcessing: what PowerShell.Stop() calls. Measured from the request to stop until it returns.
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($csv, $info, $limit, $module)
                Import-Module $module
                $ProgressPreference = 'SilentlyContinue'
                Import-Csv $csv | Invoke-WxPayscoreTerminate -MerchantId $info.merchantId -MerchantSerialNumber $info.merchantSerialNumber `
                    -PrivateKeyPath $info.merchantPrivateKeyPath -WechatpayPublicKeyId $info.publicKeyId -WechatpayPublicKeyPath $info.publicKeyPath `
                    -BaseUri $info.baseUri -AppId 'wxd678efh567hg6787' -Reason '服务调整' -ThrottleLimit $limit -MaxRequestsPerSecond 0 -Confirm:$false
            }).AddArgument($CsvPath).AddArgument($info).AddArgument($ThrottleLimit).AddArgument($ModulePath)
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        $async = $ps.BeginInvoke([Management.Automation.PSDataCollection[psobject]]::new(), $output)
        Start-Sleep -Milliseconds $StopAfterMs
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $clock.Stop()
        [pscustomobject]@{ rowsBeforeStop = $output.Count; stopMs = $clock.Elapsed.TotalMilliseconds; state = "$($ps.InvocationStateInfo.State)" } |
            ConvertTo-Json -Compress
    }
}
