# Get-WxPayscoreJournal on the built module: a run killed with SIGKILL in a child pwsh, its journal read and compared
# with what the simulator ended, then the run resumed to the end and compared again; and the rows as a console shows
# them.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Start-TestFile
    $script:Children = [Collections.Generic.List[object]]::new()

    # The openids the simulator ended (an accepted terminate) of the rows whose openid starts with $Prefix.
    function script:Get-Ended([string] $Prefix) {
        @((Get-WxSimulatorState -Simulator $Sim).terminates | Where-Object { $_.openId.StartsWith($Prefix) } | ForEach-Object openId)
    }

    # What the journal and the simulator disagree on, as lines: an authorization the simulator ended that the journal
    # has neither Done nor Sending, and one the journal has Done that the simulator did not end.
    function script:Compare-WithSimulator($Rows, [string[]] $Ended) {
        $state = @{}
        foreach ($row in $Rows) { $state[$row.OpenId] = [string] $row.State }
        $endedSet = [Collections.Generic.HashSet[string]]::new([string[]] $Ended)
        foreach ($openId in $Ended) {
            if ($state[$openId] -notin 'Done', 'Sending') { "ended by WeChat Pay, but the journal says '$($state[$openId])': $openId" }
        }
        foreach ($row in $Rows) {
            if ($row.State -eq 'Done' -and -not $endedSet.Contains($row.OpenId)) { "Done in the journal, but not ended by WeChat Pay: $($row.OpenId)" }
        }
    }
}

AfterAll {
    foreach ($child in $Children) { Stop-ChildPwsh $child }
    Stop-TestFile
}

Describe 'Get-WxPayscoreJournal' {
    BeforeEach {
        Reset-WxSimulator -Simulator $Sim
    }

    It 'agrees with WeChat Pay after a run is killed with SIGKILL, and again once the run is resumed to the end' {
        $rows = 3000
        $csv = Join-Path $Work 'killed-users.csv'
        New-UsersCsv $csv (@('openid,service_id') + (1..$rows | ForEach-Object { "oJournalKill$($_.ToString('0000')),500001" }))
        $journal = Join-Path $Work 'killed.jsonl'
        Remove-Item $journal -ErrorAction Ignore
        # 20 ms an answer, 16 in flight: the run lasts long enough to be killed with requests in flight.
        Invoke-RestMethod -Method Post -Uri "$($Sim.BaseUri)/__sim/latency" -Body '{"ms":20}' -ContentType 'application/json' | Out-Null
        $file = Join-Path $Work 'killed-run.ps1'
        New-JournaledRunScript -Path $file -Csv $csv -Journal $journal -Credential $Cred -AppId $AppId
        $child = Start-ChildPwsh $file
        $Children.Add($child)

        # Read while the run writes: what it shows agrees with the simulator at any moment too.
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        $whileRunning = @()
        do {
            Start-Sleep -Milliseconds 200
            if (Test-Path $journal) { $whileRunning = @(Get-WxPayscoreJournal $journal) }
        } until (@($whileRunning | Where-Object State -eq 'Done').Count -ge 300 -or $child.Process.HasExited -or [DateTime]::UtcNow -gt $deadline)
        $child.Process.HasExited | Should -BeFalse -Because 'the run must still be going when it is killed'
        $endedThen = Get-Ended 'oJournalKill'
        @($whileRunning | Where-Object { $_.State -eq 'Done' -and $_.OpenId -notin $endedThen }).Count | Should -Be 0 -Because 'a row is Done only once WeChat Pay ended it'
        Stop-ChildPwsh $child   # SIGKILL: no chance to write anything more

        $killed = @(Get-WxPayscoreJournal $journal)
        $ended = Get-Ended 'oJournalKill'

        Compare-WithSimulator $killed $ended | Should -BeNullOrEmpty
        $states = $killed | Group-Object State -AsHashTable -AsString
        $states['Done'].Count | Should -BeGreaterOrEqual 300
        $killed.Count | Should -BeLessThan $rows -Because 'the run was killed mid-way'
        @($killed | Where-Object State -in 'Failed', 'Unknown').Count | Should -Be 0 -Because 'the simulator refused nothing and answered everything'
        Write-Host ("    killed with {0} rows in the journal: {1}; WeChat Pay had ended {2}" -f $killed.Count,
            (($states.Keys | Sort-Object | ForEach-Object { "$_ $($states[$_].Count)" }) -join ', '), $ended.Count)

        $results = Import-Csv $csv | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false @Cred -JournalPath $journal `
            -ThrottleLimit 16 -MaxRequestsPerSecond 0

        @($results | Where-Object { -not $_.Success }).Count | Should -Be 0
        $final = @(Get-WxPayscoreJournal $journal)
        $ended = Get-Ended 'oJournalKill'
        $final.Count | Should -Be $rows
        @($final | Where-Object State -ne 'Done').Count | Should -Be 0
        $ended.Count | Should -Be $rows
        Compare-WithSimulator $final $ended | Should -BeNullOrEmpty
        @(Get-WxSimulatorProcessed -Simulator $Sim | Where-Object terminates -ne 1).Count | Should -Be 0 -Because 'no authorization is terminated twice'
    }

    It 'shows each row''s state in a table, and says why a journal is refused' {
        $journal = Join-Path $Work 'table.jsonl'
        Remove-Item $journal -ErrorAction Ignore
        @(
            [pscustomobject]@{ openid = 'oTableEnded'; service_id = '500001' }
            [pscustomobject]@{ authorization_code = 'TABLECODE1'; service_id = '500001' }
        ) | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false @Cred -JournalPath $journal | Out-Null
        Add-Content -LiteralPath $journal -Value '{"event":"sending","row":3,"route":"UserPermission","openid":"oTableSent","service_id":"500001","appid":"wxd678efh567hg6787"}'

        $table = Get-WxPayscoreJournal $journal | Format-Table | Out-String -Width 160
        $table | Should -Match 'OpenId or code\s+ServiceId\s+State\s+Code\s+Message'
        $table | Should -Match 'oTableEnded\s+500001\s+Done\s+OK'
        $table | Should -Match 'code TABLECODE1\s+500001\s+Done\s+OK'
        $table | Should -Match 'oTableSent\s+500001\s+Sending\s+\(sent, no final record'
        @(Get-WxPayscoreJournal $journal -State Sending).OpenId | Should -Be @('oTableSent')

        $csv = Join-Path $Work 'not-a-journal.csv'
        Set-Content -LiteralPath $csv -Value 'openid,service_id', 'oA,500001'
        $rows = @(Get-WxPayscoreJournal $csv -ErrorVariable refused -ErrorAction SilentlyContinue)
        $rows.Count | Should -Be 0
        $refused[0].FullyQualifiedErrorId | Should -Be 'JournalInvalid,WeChatPay.Payscore.Commands.GetWxPayscoreJournalCommand'
        { Get-WxPayscoreJournal (Join-Path $Work 'missing.jsonl') -ErrorAction Stop } | Should -Throw -ErrorId 'JournalNotFound,*'
    }
}
