BeforeAll {
    Import-Module $env:WXPAYSCORE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../WeChatPay.Payscore.Simulator/WxSimulator.psm1') -Force
    $script:Sim = Start-WxSimulator -SimulatorPath $env:WXPAYSCORE_TEST_SIMULATOR
    $script:Cred = Get-WxSimulatorCredential -Simulator $Sim
    $script:AppId = 'wxd678efh567hg6787'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ("wxpester-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $Work | Out-Null

    # Runs a script file in a child pwsh as an automation host would: no profile, no console to answer prompts.
    # A child that does not end within the limit is killed, so a prompt can fail the test but never hang it.
    # With -Direct the child runs this pwsh's own pwsh.dll rather than the dotnet tool, which a changed HOME hides.
    function script:Invoke-Runbook([string] $File, [hashtable] $Environment = @{}, [int] $TimeoutSec = 120, [switch] $Direct) {
        $start = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        $pwsh = if ($Direct) { Join-Path (Split-Path ([psobject].Assembly.Location)) 'pwsh.dll' } else { 'pwsh' }
        foreach ($a in $pwsh, '-NoProfile', '-NonInteractive', '-File', $File) { $start.ArgumentList.Add($a) }
        $start.WorkingDirectory = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.RedirectStandardInput = $true
        foreach ($name in $Environment.Keys) { if ($null -eq $Environment[$name]) { [void] $start.Environment.Remove($name) } else { $start.Environment[$name] = $Environment[$name] } }
        $process = [Diagnostics.Process]::Start($start)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill($true)
            throw "The runbook did not finish within $TimeoutSec s (waiting for a prompt?)."
        }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result + $stderr.Result }
    }

    function script:New-UsersCsv([string] $Path, [string[]] $Lines) {
        # As Excel saves it: UTF-8 with a BOM, CRLF line ends.
        $text = ($Lines -join "`r`n") + "`r`n"
        [IO.File]::WriteAllText($Path, $text, [Text.UTF8Encoding]::new($true))
    }
}

AfterAll {
    Stop-WxSimulator -Simulator $Sim
    Remove-Item $Work -Recurse -Force -ErrorAction Ignore
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

    It 'takes one CSV that mixes openid, authorization_code and sub_mchid rows, and reads well as a table and a list' {
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

        @($results).Route | Should -Be @('UserPermission', 'AuthorizationCode', 'Partner', 'Partner', 'AuthorizationCode')
        @($results).Code | Should -Be @('OK', 'OK', 'OK', 'OK', 'INVALID_INPUT')
        $table | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $table[3] | Should -Match 'code MIXED_CODE-1\s+500001\s+ended\s'
        $table[5] | Should -Match 'oMixedSubUser\s+500001\s+ended\s'
        $list | Should -Match 'AuthorizationCode\s*: MIXED_CODE-1'
        $list | Should -Not -Match 'SubMerchantId'
        (Import-Csv $out | Select-Object -Index 3).SubOpenId | Should -Be 'oMixedSubUser'
        $terminates = @((Get-WxSimulatorState -Simulator $Sim).terminates)
        @($terminates.route | Sort-Object) | Should -Be @('AuthorizationCode', 'Partner', 'Partner', 'UserPermission')
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

    It 'connects once with a PKCS#12 file and a SecureString, then runs without credential parameters' {
        $connection = Connect-WxPayscore -MerchantId $Cred.MerchantId -CertificatePath $Sim.Info.merchantPkcs12Path `
            -WechatpayPublicKeyId $Cred.WechatpayPublicKeyId -WechatpayPublicKeyPath $Cred.WechatpayPublicKeyPath `
            -BaseUri $Cred.BaseUri -PassThru

        $results = 'oSession1', 'oSession2' | ForEach-Object { [pscustomobject]@{ openid = $_; service_id = '500001' } } |
            Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false
        $view = Get-WxPayscoreConnection | Format-List | Out-String -Width 200
        $table = (Get-WxPayscoreConnection | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }

        $connection.MerchantSerialNumber | Should -Be $Cred.MerchantSerialNumber
        $results.Success | Should -Be @($true, $true)
        $view | Should -Match "MerchantId\s+: $($Cred.MerchantId)"
        $view | Should -Match 'PKCS#12 file'
        $view | Should -Match '\(system proxy\)'
        $table | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $table[2] | Should -Match "^$($Cred.MerchantId)\s+$($Cred.MerchantSerialNumber)\s+public key\s+\d{4}-\d\d-\d\d"

        # A SecureString from a secret store replaces the connection's key for one command.
        $secret = ConvertTo-SecureString (Get-Content -Raw $Cred.PrivateKeyPath) -AsPlainText -Force
        $one = [pscustomobject]@{ openid = 'oSecureString'; service_id = '500001' } |
            Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false -PrivateKey $secret
        $one.Success | Should -BeTrue

        Disconnect-WxPayscore
        Get-WxPayscoreConnection | Should -BeNullOrEmpty
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
        Set-Content -Path $file -Encoding utf8 -Value @"
Import-Module '$($env:WXPAYSCORE_TEST_MODULE)'
Import-Csv '$csv' | Invoke-WxPayscoreTerminate -AppId '$AppId' -Reason 'r' -Confirm:`$false -JournalPath '$journal' ``
    -ThrottleLimit 16 -MaxRequestsPerSecond 0 -MerchantId '$($Cred.MerchantId)' -MerchantSerialNumber '$($Cred.MerchantSerialNumber)' ``
    -PrivateKeyPath '$($Cred.PrivateKeyPath)' -WechatpayPublicKeyId '$($Cred.WechatpayPublicKeyId)' ``
    -WechatpayPublicKeyPath '$($Cred.WechatpayPublicKeyPath)' -BaseUri '$($Cred.BaseUri)' | Out-Null
"@
        # pwsh.dll run by dotnet directly: one process, so that killing it kills the run.
        $child = Start-Process -FilePath 'dotnet' -ArgumentList @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $file) -PassThru
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

Describe 'Get-WxPayscorePermission' {
    BeforeEach {
        Reset-WxSimulator -Simulator $Sim
    }

    It 'previews a batch and audits it afterwards, in an 80-column table' {
        $rows = 'oPreview1', 'oPreview2', 'oPreview3' | ForEach-Object { [pscustomobject]@{ openid = $_; service_id = '500001'; appid = $AppId } }

        $before = $rows | Get-WxPayscorePermission @Cred | Group-Object AuthorizationState -AsHashTable -AsString
        $rows[0] | Invoke-WxPayscoreTerminate -Reason 'r' -Confirm:$false @Cred | Out-Null
        $after = $rows | Get-WxPayscorePermission @Cred
        $lines = ($after | Sort-Object RowNumber | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }

        $before['AVAILABLE'].Count | Should -Be 3
        @($after | Sort-Object RowNumber).AuthorizationState | Should -Be @('UNAVAILABLE', 'AVAILABLE', 'AVAILABLE')
        $lines[0] | Should -Match '^\s*Row\s+OpenId or code\s+ServiceId\s+State\s+Since'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines[2] | Should -Match 'oPreview1\s+500001\s+ended\s+\d{4}-\d\d-\d\d \d\d:\d\d'
        $lines[3] | Should -Match 'oPreview2\s+500001\s+authorized\s+\d{4}-\d\d-\d\d \d\d:\d\d'
        @((Get-WxSimulatorState -Simulator $Sim).terminates).Count | Should -Be 1
    }
}

Describe 'Package' {
    It 'installs with Install-PSResource from a local folder repository and runs from the installed copy' {
        # A child pwsh whose HOME is a fresh folder: its CurrentUser module path and its PSResourceGet repository
        # list live there, so the install touches nothing of this machine's.
        $userHome = Join-Path $Work 'home'
        $modules = Join-Path $userHome '.local/share/powershell/Modules'
        New-Item -ItemType Directory -Path $userHome -Force | Out-Null
        $file = Join-Path $Work 'install-and-run.ps1'
        Set-Content -Path $file -Encoding utf8 -Value @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name LocalPackages -Uri '$(Split-Path $env:WXPAYSCORE_TEST_PACKAGE)' -Trusted
Install-PSResource -Name WeChatPay.Payscore -Repository LocalPackages -Scope CurrentUser
`$installed = Get-InstalledPSResource -Name WeChatPay.Payscore
"INSTALLED:`$(`$installed.Version):`$(`$installed.InstalledLocation)"
Import-Module WeChatPay.Payscore
`$manifest = Test-ModuleManifest (Join-Path (Get-Module WeChatPay.Payscore).ModuleBase 'WeChatPay.Payscore.psd1')
"MODULE:`$((Get-Module WeChatPay.Payscore).ModuleBase)"
"TAGS:`$(`$manifest.Tags -join ',')"
"NOTES:`$([bool]`$manifest.ReleaseNotes)"
`$r = [pscustomobject]@{ openid = 'oInstalled'; service_id = '500001' } | Invoke-WxPayscoreTerminate -AppId '$AppId' -Reason 'r' -Confirm:`$false ``
    -MerchantId '$($Cred.MerchantId)' -MerchantSerialNumber '$($Cred.MerchantSerialNumber)' -PrivateKeyPath '$($Cred.PrivateKeyPath)' ``
    -WechatpayPublicKeyId '$($Cred.WechatpayPublicKeyId)' -WechatpayPublicKeyPath '$($Cred.WechatpayPublicKeyPath)' -BaseUri '$($Cred.BaseUri)'
"RESULT:`$(`$r.Success):`$(`$r.Code)"
"@

        $run = Invoke-Runbook -File $file -Environment @{ HOME = $userHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null } -Direct

        $version = (Import-PowerShellDataFile $env:WXPAYSCORE_TEST_MODULE).ModuleVersion
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match ([regex]::Escape("INSTALLED:${version}:$modules"))
        $run.Output | Should -Match ([regex]::Escape("MODULE:$(Join-Path $modules "WeChatPay.Payscore/$version")"))
        $run.Output | Should -Match 'TAGS:.*PSEdition_Desktop'
        $run.Output | Should -Match 'TAGS:.*PSEdition_Core'
        $run.Output | Should -Match 'NOTES:True'
        $run.Output | Should -Match 'RESULT:True:OK'
    }
}

Describe 'Help' {
    It 'gives <_> a synopsis, a description, every parameter''s meaning, its output and three examples that parse' -ForEach @(
        (Import-PowerShellDataFile $env:WXPAYSCORE_TEST_MODULE).CmdletsToExport
    ) {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $help = Get-Help $_ -Full
        $command = Get-Command $_

        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($_))"
        ($help.description.Text -join ' ').Length | Should -BeGreaterThan (2 * $help.Synopsis.Length) -Because 'the description says more than the synopsis'
        @($help.relatedLinks.navigationLink.linkText) | Should -Contain 'about_WeChatPay_Payscore'
        foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common -or $_ -in 'WhatIf', 'Confirm' }) {
            $parameter = $help.parameters.parameter | Where-Object name -eq $name
            ($parameter.description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$name needs help text"
            $byName = $command.Parameters[$name].Attributes | Where-Object { $_ -is [Parameter] -and $_.ValueFromPipelineByPropertyName }
            $parameter.pipelineInput | Should -Match $(if ($byName) { 'ByPropertyName' } else { '^False|ByValue' }) -Because "-$name's pipeline input"
        }
        @($help.syntax.syntaxItem).Count | Should -Be $command.ParameterSets.Count
        @($help.returnValues.returnValue).Count | Should -BeGreaterOrEqual 1
        @($help.examples.example).Count | Should -BeGreaterOrEqual 3
        foreach ($example in $help.examples.example) {
            $errors = $null
            [System.Management.Automation.Language.Parser]::ParseInput($example.code, [ref] $null, [ref] $errors) | Out-Null
            $errors | Should -BeNullOrEmpty -Because $example.code
            ($example.remarks.Text -join ' ') | Should -Not -BeNullOrEmpty
        }
    }

    It 'keeps the type names that the documentation refers to' {
        (Get-Help Invoke-WxPayscoreTerminate).Synopsis | Should -Match 'one TerminateResult per row'
    }

    It 'has an about topic that explains credentials, result codes, journals and rate limits' {
        $file = Join-Path $Work 'about-help.ps1'
        # Get-Help finds about topics in the module folders on PSModulePath.
        Set-Content -Path $file -Encoding utf8 -Value @"
`$env:PSModulePath = '$(Split-Path (Split-Path (Split-Path $env:WXPAYSCORE_TEST_MODULE)))' + [IO.Path]::PathSeparator + `$env:PSModulePath
Get-Help about_WeChatPay_Payscore | Out-String -Width 200
"@

        $run = Invoke-Runbook -File $file

        foreach ($words in 'CREDENTIALS', 'WXPAY_PRIVATE_KEY', 'KINDS OF ROW', 'authorization_code', 'SETTLED_BY_QUERY', 'JOURNALS', 'RATE LIMITS') {
            $run.Output | Should -Match ([regex]::Escape($words))
        }
    }
}

Describe 'Module manifest' {
    It 'is valid, for both editions, and exports the cmdlets' {
        $manifest = Test-ModuleManifest $env:WXPAYSCORE_TEST_MODULE
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be @('Connect-WxPayscore', 'Disconnect-WxPayscore', 'Get-WxPayscoreConnection', 'Get-WxPayscorePermission', 'Invoke-WxPayscoreTerminate')
        (Get-Command Invoke-WxPayscoreTerminate).OutputType.Type | Should -Be ([WeChatPay.Payscore.TerminateResult])
    }
}
