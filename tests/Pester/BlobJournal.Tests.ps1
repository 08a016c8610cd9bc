# The journal in a blob, as runbooks use it: each run a child pwsh (its own process, as a sandbox's job is) against a
# slow simulator and Azurite. A run killed with SIGKILL and resumed from another folder, two runs at once, the SAS
# token searched for in everything a run can show, and another Azure.Core in the same process. Every child has a
# time limit (Wait-ChildPwsh), and AfterAll kills what a failed test left running.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Azurite.ps1')
    $NoAzurite = -not (Get-AzuriteScript)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:HasAzurite = [bool] (Get-AzuriteScript)
    $script:Work = New-TestFolder 'wxpester-blob'
    $script:Children = [Collections.Generic.List[object]]::new()
    if ($HasAzurite) {
        $script:Storage = Start-TestAzurite
        # 200 ms an answer: a run of a few hundred rows at ThrottleLimit 4 lasts long enough to be killed mid-way.
        $script:Sim = Start-WxSimulator -SimulatorPath $env:WXPAYSCORE_TEST_SIMULATOR -LatencyMs 200
        $script:CredFile = Join-Path $Work 'credential.json'
        Get-WxSimulatorCredential -Simulator $Sim | ConvertTo-Json | Set-Content -LiteralPath $CredFile
    }

    # One run of Invoke-WxPayscoreTerminate over a CSV with the blob journal, whose address (with its SAS) the child
    # reads from its environment. It prints ROWS, CODES and one ERROR line per error id, and with -AzureCore loads
    # that Azure.Core before importing the module (-AzureCoreFirst) or after the run, and prints where the
    # assemblies named Azure.* came from.
    $script:TerminateRun = Join-Path $Work 'terminate-run.ps1'
    @'
param([string] $Module, [string] $Csv, [string] $Credential, [string] $AppId, [int] $ThrottleLimit = 4, [string] $AzureCore, [switch] $AzureCoreFirst)
function Use-AzureCore {
    $null = [Reflection.Assembly]::LoadFrom($AzureCore)
    'AZURECORE ' + [Azure.Core.HttpHeader]::new('x-test', 'loaded').ToString()
}
if ($AzureCore -and $AzureCoreFirst) { Use-AzureCore }
Import-Module $Module
$cred = Get-Content -Raw $Credential | ConvertFrom-Json -AsHashtable
$results = @(Import-Csv $Csv | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false -JournalPath $env:WXTEST_JOURNAL `
    -ThrottleLimit $ThrottleLimit -MaxRequestsPerSecond 0 @cred)
if ($AzureCore -and -not $AzureCoreFirst) { Use-AzureCore }
'ROWS ' + $results.Count
'FAILED ' + @($results | Where-Object { -not $_.Success }).Count
'CODES ' + (($results | Group-Object Code | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }) -join ',')
foreach ($e in $Error) { 'ERROR ' + ($e.FullyQualifiedErrorId -split ',')[0] }
$moduleFolder = Split-Path (Get-Module WeChatPay.Payscore).Path
foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'Azure.*' }) {
    'AZURE ' + $a.GetName().Name + ' ' + $a.GetName().Version + ' ' + $(if ($a.Location.StartsWith($moduleFolder)) { 'MODULE' } else { $a.Location })
}
'@ | Set-Content -LiteralPath $TerminateRun

    # A CSV of $Rows rows whose openids start with $Prefix, so that the simulator's counts tell each test's rows apart.
    function script:New-PrefixedCsv([string] $Prefix, [int] $Rows) {
        $csv = Join-Path $Work "$Prefix.csv"
        New-UsersCsv $csv (@('openid,service_id') + (1..$Rows | ForEach-Object { "$Prefix$($_.ToString('0000')),500001" }))
        $csv
    }

    # Starts a run of terminate-run.ps1 in its own working folder, the journal's address in its environment.
    function script:Start-TerminateRun([string] $Csv, [string] $Journal, [string] $Folder, [string[]] $More = @()) {
        $child = Start-ChildPwsh $TerminateRun -Folder $Folder -Environment @{ WXTEST_JOURNAL = $Journal } -Arguments (@(
                '-Module', $env:WXPAYSCORE_TEST_MODULE, '-Csv', $Csv, '-Credential', $CredFile, '-AppId', $AppId) + $More)
        $Children.Add($child)
        $child
    }

    function script:Get-RequestCount { (Get-WxSimulatorState -Simulator $Sim).requestCount }

    # The simulator's terminate counts of the rows whose openid starts with $Prefix.
    function script:Get-Processed([string] $Prefix) { @(Get-WxSimulatorProcessed -Simulator $Sim | Where-Object { $_.openId.StartsWith($Prefix) }) }

    # The blob's lease state as storage reports it: leased while a run holds it (or until a dead run's lease runs out).
    function script:Get-LeaseState([string] $Container, [string] $Blob) {
        $head = Invoke-WebRequest -Method Head -Uri (New-AzuriteSasUrl $Storage $Container $Blob 'r') -UseBasicParsing `
            -Headers @{ 'x-ms-version' = $AzuriteVersion }
        [string] $head.Headers['x-ms-lease-state']
    }
}

AfterAll {
    foreach ($child in $Children) { Stop-ChildPwsh $child }
    if ($HasAzurite) {
        Stop-WxSimulator -Simulator $Sim
        Stop-TestAzurite $Storage
    }
    Remove-Item $Work -Recurse -Force -ErrorAction Ignore
}

Describe 'A journal in a blob' {
    It 'survives a run killed with SIGKILL: another run is kept out while its lease holds, then one from another folder resumes it with nothing sent twice' -Skip:$NoAzurite {
        $rows = 300
        $csv = New-PrefixedCsv 'oKilled' $rows
        $container = New-AzuriteContainer $Storage
        $journal = New-AzuriteSasUrl $Storage $container 'journal.jsonl' 'racw'

        $first = Start-TerminateRun $csv $journal (New-TestFolder 'wxpester-job1')
        $deadline = [DateTime]::UtcNow.AddSeconds(90)
        # Killed once rows have been ended and some of their final records are in the blob (a group is written
        # within about a second of its first row finishing), so that the rerun both reads results and asks.
        $blobCopy = Join-Path $Work 'killed-journal.jsonl'
        $hasResult = {
            try { Get-AzuriteBlob $Storage $container 'journal.jsonl' $blobCopy } catch { return $false }
            Select-String -LiteralPath $blobCopy -SimpleMatch '"event":"result"' -Quiet
        }
        while (((Get-Processed 'oKilled').Count -lt 20 -or -not (& $hasResult)) -and
            -not $first.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $first.Process.HasExited | Should -BeFalse -Because 'the run must still be going when it is killed'
        Stop-ChildPwsh $first
        $killed = [DateTime]::UtcNow
        $sentBeforeKill = Get-RequestCount
        $endedBeforeKill = (Get-Processed 'oKilled').Count

        # The dead run's lease still holds: a run from another folder is refused with nothing sent.
        $refused = Wait-ChildPwsh (Start-TerminateRun $csv $journal (New-TestFolder 'wxpester-job2')) -TimeoutSec 60
        $refused.Output | Should -Match 'ERROR JournalUnavailable' -Because $refused.Output
        $refused.Output | Should -Match 'ROWS 0'
        Get-RequestCount | Should -Be $sentBeforeKill -Because 'a refused run sends nothing'

        # The hold ends by itself (the lease runs out): polled, within 60 s of the kill.
        $deadline = $killed.AddSeconds(60)
        while ((Get-LeaseState $container 'journal.jsonl') -eq 'leased' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 250 }
        $freedAfter = ([DateTime]::UtcNow - $killed).TotalSeconds
        Get-LeaseState $container 'journal.jsonl' | Should -Not -Be 'leased' -Because 'the lease of a killed run runs out within 60 s'

        $resumed = Wait-ChildPwsh (Start-TerminateRun $csv $journal (New-TestFolder 'wxpester-job3')) -TimeoutSec 120
        $resumed.Output | Should -Match "ROWS $rows" -Because $resumed.Output
        $resumed.Output | Should -Match 'FAILED 0'
        $resumed.Output | Should -Not -Match 'ERROR '
        $resumed.Output | Should -Match 'ALREADY_DONE='
        $processed = Get-Processed 'oKilled'
        $processed.Count | Should -Be $rows
        @($processed | Where-Object terminates -ne 1).Count | Should -Be 0 -Because 'no authorization is terminated twice'
        Write-Host ("    killed after {0} rows had reached the simulator; lease free {1:0.0} s after the kill; resumed: {2}" -f
            $endedBeforeKill, $freedAfter, (($resumed.Output -split "`n" | Where-Object { $_ -like 'CODES *' }) -join ''))
    }

    It 'keeps a second run out with nothing sent while the first goes on to the end' -Skip:$NoAzurite {
        $rows = 300
        $csvFirst = New-PrefixedCsv 'oFirst' $rows
        $csvSecond = New-PrefixedCsv 'oSecond' 50
        $container = New-AzuriteContainer $Storage
        $journal = New-AzuriteSasUrl $Storage $container 'journal.jsonl' 'racw'

        $first = Start-TerminateRun $csvFirst $journal (New-TestFolder 'wxpester-first')
        $deadline = [DateTime]::UtcNow.AddSeconds(90)
        while ((Get-Processed 'oFirst').Count -lt 10 -and -not $first.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $second = Wait-ChildPwsh (Start-TerminateRun $csvSecond $journal (New-TestFolder 'wxpester-second')) -TimeoutSec 60
        $firstStillRunning = -not $first.Process.HasExited
        $firstRun = Wait-ChildPwsh $first -TimeoutSec 120

        $second.Output | Should -Match 'ERROR JournalUnavailable' -Because $second.Output
        $second.Output | Should -Match 'ROWS 0'
        Get-Processed 'oSecond' | Should -BeNullOrEmpty -Because 'the second run sends nothing'
        $firstStillRunning | Should -BeTrue -Because 'the second run was refused while the first was going on'
        $firstRun.Output | Should -Match "ROWS $rows" -Because $firstRun.Output
        $firstRun.Output | Should -Match 'FAILED 0'
        $firstRun.Output | Should -Not -Match 'ERROR '
        $processed = Get-Processed 'oFirst'
        $processed.Count | Should -Be $rows
        @($processed | Where-Object terminates -ne 1).Count | Should -Be 0
    }

    It 'shows its SAS token in no stream, result, error or transcript, with -Verbose -Debug and every error a blob journal has' -Skip:$NoAzurite {
        $csv = New-PrefixedCsv 'oSas' 60
        $container = New-AzuriteContainer $Storage
        # A second Azurite, which the run itself stops when its 20th row is read: storage gone mid-run.
        $doomed = Start-TestAzurite
        try {
            $doomedContainer = New-AzuriteContainer $doomed
            $sas = [ordered]@{
                Good     = New-AzuriteSasUrl $Storage $container 'journal.jsonl' 'racw'
                ReadOnly = New-AzuriteSasUrl $Storage $container 'journal.jsonl' 'r'
                Doomed   = New-AzuriteSasUrl $doomed $doomedContainer 'journal.jsonl' 'racw'
            }
            # The good address with a signature the account did not make: refused with 403.
            $forged = Get-AzuriteSignature 'not what the account signed'
            $sas.Forged = $sas.Good -replace 'sig=[^&]+', ('sig=' + [Uri]::EscapeDataString($forged))
            $secret = @{ Sas = $sas; AzuritePid = $doomed.Process.Id } | ConvertTo-Json -Compress

            $run = Invoke-SecretRunbook 'sas' -Secret $secret -Body @"
`$s = `$Secret | ConvertFrom-Json
`$p = Get-Content -Raw '$CredFile' | ConvertFrom-Json -AsHashtable
`$p += @{ AppId = '$AppId'; Reason = 'r'; Confirm = `$false; ThrottleLimit = 2; MaxRequestsPerSecond = 0; Verbose = `$true; Debug = `$true }
`$rows = Import-Csv '$csv'
`$rows | Select-Object -First 5 | Invoke-WxPayscoreTerminate @p -JournalPath `$s.Sas.Good | Format-List * -Force | Out-String -Width 500
`$rows | Select-Object -First 5 | Invoke-WxPayscoreTerminate @p -JournalPath `$s.Sas.Good -WhatIf | Format-List * -Force | Out-String -Width 500
`$rows | Invoke-WxPayscoreTerminate @p -JournalPath `$s.Sas.Forged
`$rows | Invoke-WxPayscoreTerminate @p -JournalPath `$s.Sas.ReadOnly
`$i = 0
`$rows | ForEach-Object { if (++`$i -eq 20) { Stop-Process -Id `$s.AzuritePid -Force }; `$_ } |
    Invoke-WxPayscoreTerminate @p -JournalPath `$s.Sas.Doomed | Format-List * -Force | Out-String -Width 500
`$rows | Select-Object -First 1 | Invoke-WxPayscoreTerminate @p -JournalPath `$s.Sas.Doomed
"@
        }
        finally {
            Stop-TestAzurite $doomed
        }

        $everything = $run.Output + "`n" + $run.Recorded
        # Each error a blob journal has was met: the refused SAS tokens, storage gone mid-run, storage unreachable.
        $everything | Should -Match 'Id: JournalUnavailable' -Because $run.Output
        $everything | Should -Match 'Id: JournalWriteFailed'
        $everything | Should -Match '403'
        $everything | Should -Match 'VERBOSE: '
        $everything | Should -Match 'DEBUG: POST '
        $everything | Should -Match ([regex]::Escape("http://127.0.0.1:$(([Uri] $sas.Good).Port)/$AzuriteAccount/$container/journal.jsonl"))
        $everything | Should -Not -Match 'sig=' -Because 'no SAS token is quoted'
        foreach ($name in $sas.Keys) {
            $signature = [Uri]::UnescapeDataString(([regex]::Match($sas[$name], 'sig=([^&]+)')).Groups[1].Value)
            Assert-NoPiece $everything $signature "the $name SAS's signature is a secret"
            Assert-NoPiece $everything ([Uri]::EscapeDataString($signature)) "the $name SAS's signature is a secret"
        }
    }

    It 'runs beside another Azure.Core in the same process, loaded before or after it, and loads no Azure assembly of its own' -Skip:$NoAzurite {
        $packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
        $azureCore = Join-Path $packages 'azure.core/1.44.1/lib/net6.0/Azure.Core.dll'
        Test-Path $azureCore | Should -BeTrue -Because 'build.ps1 restores it with tests/Pester/Pester.Restore.csproj'
        $container = New-AzuriteContainer $Storage
        foreach ($order in @('-AzureCoreFirst'), @()) {
            $csv = New-PrefixedCsv "oAzureCore$($order.Count)x" 5
            $journal = New-AzuriteSasUrl $Storage $container "journal$($order.Count).jsonl" 'racw'
            $run = Wait-ChildPwsh (Start-TerminateRun $csv $journal $Work -More (@('-AzureCore', $azureCore) + $order)) -TimeoutSec 90
            $run.Output | Should -Match 'AZURECORE x-test:loaded' -Because $run.Output
            $run.Output | Should -Match 'ROWS 5'
            $run.Output | Should -Match 'FAILED 0'
            $run.Output | Should -Not -Match 'ERROR '
            $azure = @($run.Output -split "`r?`n" | Where-Object { $_ -like 'AZURE *' })
            $azure | Should -Be @("AZURE Azure.Core 1.44.1.0 $azureCore") -Because 'the only Azure assembly is the one loaded beside the module'
        }
    }
}
