BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Start-TestFile
}

AfterAll {
    Stop-TestFile
}

Describe 'Invoke-WxPayscoreTerminate' {
    BeforeEach {
        Reset-WxSimulator -Simulator $Sim
    }

    It 'terminates exactly the valid rows of a CSV, each once, with one result per row' {
        $csv = Join-Path $Work 'users.csv'
        New-UsersCsv $csv @(
            'openid,service_id,appid,reason'
            'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,500001,,'
            'oUpF8uN3rT0Lq5Wd8sYkHmZcXbE1,500001,,用户申请注销'
            'o/../../v3/evil,500001,,'
            'oUpF8uK2mQ7hV9xLp4RtYbN6sWa3,500002,wx8888888888888888,'
            'oUpF8uL1kJ2hG3fD4sA5qW6eR7t8,500001,,再见👋'
            ',500001,,'
            'oUpF8uJ8dF3gH6jK9lZ2xC5vB7n4,500001,,'
        )
        $out = Join-Path $Work 'results.csv'

        Import-Csv $csv | Invoke-WxPayscoreTerminate -AppId $AppId -Reason '服务调整' -Confirm:$false @Cred `
            -ErrorAction SilentlyContinue -ErrorVariable rowErrors | Export-Csv $out -NoTypeInformation

        $results = @(Import-Csv $out | Sort-Object { [int] $_.RowNumber })   # written as rows finish
        $results.Count | Should -Be 7
        $results.RowNumber | Should -Be @('1', '2', '3', '4', '5', '6', '7')
        @($results | Where-Object Success -eq 'True').openid | Should -Be @(
            'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'oUpF8uN3rT0Lq5Wd8sYkHmZcXbE1', 'oUpF8uK2mQ7hV9xLp4RtYbN6sWa3', 'oUpF8uJ8dF3gH6jK9lZ2xC5vB7n4')
        @($results | Where-Object Success -eq 'False').Code | Should -Be @('INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT')
        $results[0].StatusCode | Should -Be '204'
        $results[0].RequestId | Should -Not -BeNullOrEmpty

        $state = Get-WxSimulatorState -Simulator $Sim
        $state.requestCount | Should -Be 4
        $terminated = @($state.terminates | ForEach-Object { "$($_.openId)/$($_.serviceId)/$($_.appId)/$($_.reason)" } | Sort-Object)
        $terminated | Should -Be (@(
                "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o/500001/$AppId/服务调整"
                "oUpF8uN3rT0Lq5Wd8sYkHmZcXbE1/500001/$AppId/用户申请注销"
                'oUpF8uK2mQ7hV9xLp4RtYbN6sWa3/500002/wx8888888888888888/服务调整'
                "oUpF8uJ8dF3gH6jK9lZ2xC5vB7n4/500001/$AppId/服务调整"
            ) | Sort-Object)

        $rowErrors.Count | Should -Be 3
        $rowErrors | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'InvalidInput,WeChatPay.Payscore.Commands.InvokeWxPayscoreTerminateCommand' }
        $rowErrors[0].TargetObject.openid | Should -Be 'o/../../v3/evil'
    }

    It 'sends nothing under -WhatIf' {
        $rows = 1..3 | ForEach-Object { [pscustomobject]@{ openid = "oWhatIf$_"; service_id = '500001' } }

        $output = $rows | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -WhatIf @Cred

        $output | Should -BeNullOrEmpty
        (Get-WxSimulatorState -Simulator $Sim).requestCount | Should -Be 0
    }

    It 'takes the openid permission route with -Route OpenIdPermission' {
        $result = [pscustomobject]@{ openid = 'oRoute'; service_id = '500003' } |
            Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Route OpenIdPermission -Confirm:$false @Cred

        $result.Success | Should -BeTrue
        $recorded = @((Get-WxSimulatorState -Simulator $Sim).terminates)
        $recorded.Count | Should -Be 1
        $recorded[0].route | Should -Be 'OpenIdPermission'
        $recorded[0].serviceId | Should -Be '500003'
    }

    It 'never takes a probe, a tampered or an unknown-key answer for success: a verified query decides' {
        foreach ($kind in 'SignatureProbe', 'CorruptSignature', 'UnknownSerial', 'StaleTimestamp') {
            Add-WxSimulatorFault -Simulator $Sim -Kind $kind -OpenId "o$kind" -Count 1 -Target Terminate
        }
        # Here the query's answer is tampered too: nothing trustworthy says what happened.
        Add-WxSimulatorFault -Simulator $Sim -Kind CorruptSignature -OpenId 'oDark' -Target Terminate
        Add-WxSimulatorFault -Simulator $Sim -Kind CorruptSignature -OpenId 'oDark' -Target Query
        $rows = 'oSignatureProbe', 'oCorruptSignature', 'oUnknownSerial', 'oStaleTimestamp', 'oDark' |
            ForEach-Object { [pscustomobject]@{ openid = $_; service_id = '500001' } }

        $results = $rows | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false @Cred -ThrottleLimit 1 `
            -ErrorAction SilentlyContinue -ErrorVariable errs

        $results.Code | Should -Be @('SETTLED_BY_QUERY', 'SETTLED_BY_QUERY', 'SETTLED_BY_QUERY', 'SETTLED_BY_QUERY', 'OUTCOME_UNKNOWN')
        $results.Success | Should -Be @($true, $true, $true, $true, $false)
        $results.Code | Should -Not -Contain 'OK'
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^OutcomeUnknown,'
    }

    It 'stops before the first request when the key file is missing' {
        $bad = $Cred.Clone()
        $bad.PrivateKeyPath = Join-Path $Work 'missing_apiclient_key.pem'

        { [pscustomobject]@{ openid = 'o1'; service_id = '1' } | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false @bad } |
            Should -Throw -ErrorId 'PrivateKeyNotFound,WeChatPay.Payscore.Commands.InvokeWxPayscoreTerminateCommand'
        (Get-WxSimulatorState -Simulator $Sim).requestCount | Should -Be 0
    }

    It 'refuses plain http to another host' {
        $bad = $Cred.Clone()
        $bad.BaseUri = 'http://api.mch.weixin.qq.com'

        { [pscustomobject]@{ openid = 'o1'; service_id = '1' } | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false @bad } |
            Should -Throw -ErrorId 'BaseUriInsecure,WeChatPay.Payscore.Commands.InvokeWxPayscoreTerminateCommand'
    }

    It 'runs unattended in a non-interactive pwsh with -Confirm:$false and never prompts' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($env:WXPAYSCORE_TEST_MODULE)'
`$r = [pscustomobject]@{ openid = 'oRunbook'; service_id = '500001' } | Invoke-WxPayscoreTerminate -AppId '$AppId' -Reason 'runbook' -Confirm:`$false ``
    -MerchantId '$($Cred.MerchantId)' -MerchantSerialNumber '$($Cred.MerchantSerialNumber)' -PrivateKeyPath '$($Cred.PrivateKeyPath)' ``
    -WechatpayPublicKeyId '$($Cred.WechatpayPublicKeyId)' -WechatpayPublicKeyPath '$($Cred.WechatpayPublicKeyPath)' -BaseUri '$($Cred.BaseUri)'
"RESULT:`$(`$r.Success):`$(`$r.Code)"
"@
        $file = Join-Path $Work 'runbook.ps1'
        Set-Content -Path $file -Value $script -Encoding utf8
        # The same pwsh 7.6.9 as this suite: the local dotnet tool of the repository.
        Push-Location (Join-Path $PSScriptRoot '../..')
        try { $output = & dotnet pwsh -NoProfile -NonInteractive -File $file 2>&1 }
        finally { Pop-Location }

        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        ($output -join "`n") | Should -Match 'RESULT:True:OK'
        @((Get-WxSimulatorState -Simulator $Sim).terminates).openId | Should -Be @('oRunbook')
    }

    It 'shows no key material and no signature with -Verbose -Debug' {
        Add-WxSimulatorFault -Simulator $Sim -Kind ServerError -OpenId 'oSecret2' -Count 1
        $rows = 'oSecret1', 'oSecret2', 'bad/row' | ForEach-Object { [pscustomobject]@{ openid = $_; service_id = '500001' } }

        $all = $rows | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false @Cred -Verbose -Debug -ErrorAction Continue *>&1 |
            Out-String -Width 4096

        $all | Should -Match '<redacted>'
        $keyLines = Get-Content $Cred.PrivateKeyPath | Where-Object { $_ -notmatch '^-----' -and $_.Length -gt 20 }
        foreach ($line in $keyLines) { $all.Contains($line.Trim()) | Should -BeFalse }
        $all | Should -Not -Match '[A-Za-z0-9+/]{300,}'
    }

    It 'takes one CSV that mixes openid, authorization_code and sub_mchid rows (by openid, sub_openid or code), and reads well as a table and a list' {
        $csv = Join-Path $Work 'mixed-users.csv'
        $out = Join-Path $Work 'mixed-results.csv'
        New-UsersCsv $csv @(
            'openid,service_id,authorization_code,sub_mchid,sub_appid,sub_openid',
            'oMixedMerchant,500001,,,,',
            ',500001,MIXED_CODE-1,,,',
            'oMixedPartner,500001,,1900000109,,',
            ',500001,,1900000109,wx8888888888888888,oMixedSubUser',
            ',500001,MIXED2,1900000109,,')

        $results = Import-Csv $csv | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false @Cred -ErrorAction SilentlyContinue |
            Sort-Object RowNumber
        $results | Export-Csv $out -NoTypeInformation
        $table = ($results | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $list = $results[1] | Format-List | Out-String -Width 80

        @($results).Route | Should -Be @('UserPermission', 'AuthorizationCode', 'Partner', 'Partner', 'PartnerAuthorizationCode')
        @($results).Code | Should -Be @('OK', 'OK', 'OK', 'OK', 'OK')
        $table | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $table[3] | Should -Match 'code MIXED_CODE-1\s+500001\s+ended\s'
        $table[5] | Should -Match 'oMixedSubUser\s+500001\s+ended\s'
        $table[6] | Should -Match 'code MIXED2\s+500001\s+ended\s'
        $list | Should -Match 'AuthorizationCode\s*: MIXED_CODE-1'
        $list | Should -Not -Match 'SubMerchantId'
        (Import-Csv $out | Select-Object -Index 3).SubOpenId | Should -Be 'oMixedSubUser'
        $terminates = @((Get-WxSimulatorState -Simulator $Sim).terminates)
        @($terminates.route | Sort-Object) | Should -Be @('AuthorizationCode', 'Partner', 'Partner', 'PartnerAuthorizationCode', 'UserPermission')
        ($terminates | Where-Object route -eq 'PartnerAuthorizationCode' | ForEach-Object { "$($_.authorizationCode)/$($_.subMerchantId)" }) | Should -Be 'MIXED2/1900000109'
    }

    It 'reads well in an 80-column console, with each result in words' {
        Add-WxSimulatorFault -Simulator $Sim -Kind RateLimited -OpenId 'oRefused' -Count 1
        $rows = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS61', 'bad/row', 'oUpF8uMuAJO_M2pxb1Q9zNjWeS61', 'oRefused' |
            ForEach-Object { [pscustomobject]@{ openid = $_; service_id = '500001' } }
        $results = $rows | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false -MaxRetries 0 -ErrorAction SilentlyContinue @Cred

        $lines = ($results | Sort-Object RowNumber | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^\s*Row\s+OpenId or code\s+ServiceId\s+Result\s+Message'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines[2] | Should -Match '^\s+1 oUpF8uMuAJO_M2pxb1Q9zNjWeS61\s+500001\s+ended\s+Authoriz'
        $lines[3] | Should -Match 'bad/row\s+500001\s+not sent: bad input Not sent'
        $lines[4] | Should -Match 'oUpF8uMuAJO_M2pxb1Q9zNjWeS61\s+500001\s+not sent: repeat\s'
        $lines[5] | Should -Match 'oRefused\s+500001\s+refused: HTTP 429\s'
        @($results | Sort-Object RowNumber).Code | Should -Be @('OK', 'INVALID_INPUT', 'DUPLICATE', 'FREQUENCY_LIMITED')
    }
}

Describe 'Credentials and runbooks' {
    BeforeEach {
        Reset-WxSimulator -Simulator $Sim
        Disconnect-WxPayscore
    }

    It 'terminates rows in a non-interactive pwsh configured by environment variables alone' {
        $csv = Join-Path $Work 'runbook-users.csv'
        $out = Join-Path $Work 'runbook-results.csv'
        New-UsersCsv $csv @('openid,service_id', 'oEnvRunbook1,500001', 'oEnvRunbook2,500001', 'bad/row,500001')
        $file = Join-Path $Work 'env-runbook.ps1'
        Set-Content -Path $file -Encoding utf8 -Value @"
Import-Module '$($env:WXPAYSCORE_TEST_MODULE)'
Import-Csv '$csv' | Invoke-WxPayscoreTerminate -AppId '$AppId' -Reason 'runbook' -Confirm:`$false -ErrorAction Continue |
    Export-Csv '$out' -NoTypeInformation
"@
        # As an Automation account hands them over: the key itself as text, the rest as plain values.
        $environment = @{
            WXPAY_MCHID           = $Cred.MerchantId
            WXPAY_MERCHANT_SERIAL = $Cred.MerchantSerialNumber
            WXPAY_PRIVATE_KEY     = Get-Content -Raw $Cred.PrivateKeyPath
            WXPAY_PUBLIC_KEY_ID   = $Cred.WechatpayPublicKeyId
            WXPAY_PUBLIC_KEY      = Get-Content -Raw $Cred.WechatpayPublicKeyPath
            WXPAY_BASE_URI        = "$($Cred.BaseUri)"
        }

        $run = Invoke-Runbook -File $file -Environment $environment

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $results = Import-Csv $out
        $results.Count | Should -Be 3
        @($results | Where-Object Success -eq 'True' | Sort-Object OpenId).OpenId | Should -Be @('oEnvRunbook1', 'oEnvRunbook2')
        ($results | Where-Object OpenId -eq 'bad/row').Code | Should -Be 'INVALID_INPUT'
        @((Get-WxSimulatorState -Simulator $Sim).terminates.openId | Sort-Object) | Should -Be @('oEnvRunbook1', 'oEnvRunbook2')
        $run.Output | Should -Not -Match 'BEGIN PRIVATE KEY'
    }

    It 'stops without prompting or sending when a non-interactive run lacks -Confirm:$false' {
        $file = Join-Path $Work 'unconfirmed-runbook.ps1'
        Set-Content -Path $file -Encoding utf8 -Value @"
Import-Module '$($env:WXPAYSCORE_TEST_MODULE)'
try {
    [pscustomobject]@{ openid = 'oUnconfirmed'; service_id = '500001' } |
        Invoke-WxPayscoreTerminate -AppId '$AppId' -Reason 'r' -MerchantId '$($Cred.MerchantId)' -MerchantSerialNumber '$($Cred.MerchantSerialNumber)' ``
            -PrivateKeyPath '$($Cred.PrivateKeyPath)' -WechatpayPublicKeyId '$($Cred.WechatpayPublicKeyId)' ``
            -WechatpayPublicKeyPath '$($Cred.WechatpayPublicKeyPath)' -BaseUri '$($Cred.BaseUri)'
} catch { "ERRORID:`$(`$_.FullyQualifiedErrorId)" }
"@

        $run = Invoke-Runbook -File $file

        $run.Output | Should -Match 'ERRORID:ConfirmationNotPossible,'
        (Get-WxSimulatorState -Simulator $Sim).requestCount | Should -Be 0
    }

    It 'writes debug and verbose lines under -Debug in a non-interactive pwsh without ever asking' {
        # -Debug makes PowerShell ask before each verbose line (Windows PowerShell 5.1: each debug line too), which a
        # host that cannot ask turns into "Read and Prompt functionality is not available", before anything is sent.
        $file = Join-Path $Work 'debug-runbook.ps1'
        $credential = "-MerchantId '$($Cred.MerchantId)' -MerchantSerialNumber '$($Cred.MerchantSerialNumber)' -PrivateKeyPath '$($Cred.PrivateKeyPath)' " +
            "-WechatpayPublicKeyId '$($Cred.WechatpayPublicKeyId)' -WechatpayPublicKeyPath '$($Cred.WechatpayPublicKeyPath)' -BaseUri '$($Cred.BaseUri)'"
        Set-Content -Path $file -Encoding utf8 -Value @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($env:WXPAYSCORE_TEST_MODULE)'
`$r = [pscustomobject]@{ openid = 'oDebugRunbook'; service_id = '500001' } |
    Invoke-WxPayscoreTerminate -AppId '$AppId' -Reason 'r' -Confirm:`$false -Debug $credential
"TERMINATE:`$(`$r.Code)"
`$p = [pscustomobject]@{ openid = 'oDebugQuery'; service_id = '500001' } | Get-WxPayscorePermission -AppId '$AppId' -Debug $credential
"QUERY:`$(`$p.Code)"
Connect-WxPayscore -Debug $credential
Get-WxPayscoreConnection -Debug | Out-Null
Disconnect-WxPayscore -Debug
"DONE"
"@

        $run = Invoke-Runbook -File $file

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Not -Match 'Read and Prompt'
        $run.Output | Should -Match 'TERMINATE:OK'
        $run.Output | Should -Match 'QUERY:OK'
        $run.Output | Should -Match 'DONE'
        $run.Output | Should -Match 'DEBUG: POST http://127\.0\.0\.1:\d+/v3/payscore/users/oDebugRunbook/'
        $run.Output | Should -Match 'VERBOSE: Summary: Invoke-WxPayscoreTerminate: 1 rows in'
        $run.Output | Should -Match 'VERBOSE: Connected: merchant'
        @((Get-WxSimulatorState -Simulator $Sim).terminates).openId | Should -Be @('oDebugRunbook')
    }

}

Describe 'Journal and resume' {
    BeforeEach {
        Reset-WxSimulator -Simulator $Sim
    }

    It 'resumes a run killed mid-way: every row ends terminated exactly once, with one final record per row' {
        $rows = 10000
        $csv = Join-Path $Work 'kill-users.csv'
        New-UsersCsv $csv (@('openid,service_id') + (1..$rows | ForEach-Object { "oKill$_,500001" }))
        $journal = Join-Path $Work 'kill.jsonl'
        Remove-Item $journal -ErrorAction Ignore
        Invoke-RestMethod -Method Post -Uri "$($Sim.BaseUri)/__sim/latency" -Body '{"ms":5}' -ContentType 'application/json' | Out-Null
        $file = Join-Path $Work 'kill-runbook.ps1'
        New-JournaledRunScript -Path $file -Csv $csv -Journal $journal -Credential $Cred -AppId $AppId
        # This pwsh run directly: one process, so that killing it kills the run.
        $pwsh = Get-ThisPwsh
        $child = Start-Process -FilePath $pwsh.Program -ArgumentList (@($pwsh.Leading) + @('-NoProfile', '-NonInteractive', '-File', $file)) -PassThru
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        do {
            Start-Sleep -Milliseconds 200
            $written = if (Test-Path $journal) { @(Select-String -Path $journal -Pattern '"event":"result"' -SimpleMatch).Count } else { 0 }
        } until ($written -ge 2000 -or $child.HasExited -or [DateTime]::UtcNow -gt $deadline)
        $child.HasExited | Should -BeFalse -Because 'the run must still be going when it is killed'
        Stop-Process -Id $child.Id -Force   # SIGKILL: no chance to clean up
        $child.WaitForExit()
        $killedAfter = @(Select-String -Path $journal -Pattern '"event":"result"' -SimpleMatch).Count

        $results = Import-Csv $csv | Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false @Cred -JournalPath $journal `
            -ThrottleLimit 16 -MaxRequestsPerSecond 0

        $killedAfter | Should -BeLessThan $rows
        $results.Count | Should -Be $rows
        @($results | Where-Object { -not $_.Success }).Count | Should -Be 0
        $codes = $results | Group-Object Code -AsHashTable -AsString
        $codes['ALREADY_DONE'].Count | Should -BeGreaterOrEqual $killedAfter
        Write-Host ("    killed after {0} final records; resumed: {1}" -f $killedAfter, (($codes.Keys | Sort-Object | ForEach-Object { "$_ $($codes[$_].Count)" }) -join ', '))

        $processed = Invoke-RestMethod -Uri "$($Sim.BaseUri)/__sim/processed"
        @($processed).Count | Should -Be $rows
        @($processed | Where-Object terminates -ne 1).Count | Should -Be 0 -Because 'no authorization is terminated twice'

        $final = Get-Content $journal | ConvertFrom-Json | Where-Object event -eq 'result'
        @($final).Count | Should -Be $rows
        @($final | Group-Object openid | Where-Object Count -ne 1).Count | Should -Be 0
    }
}
