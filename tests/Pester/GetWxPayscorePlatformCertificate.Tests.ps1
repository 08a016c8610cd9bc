BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Start-TestFile
}

AfterAll {
    Stop-TestFile
}

Describe 'Get-WxPayscorePlatformCertificate and runs on platform certificates' {
    BeforeEach {
        Reset-WxSimulator -Simulator $Sim
        $script:Certs = Join-Path $Work ([guid]::NewGuid().ToString('n'))
    }

    It 'downloads with only id, serial, key and APIv3 key, announces first-use trust, saves files that a run then verifies with' {
        $first = Get-WxSimulatorCredential -Simulator $Sim -ApiV3Key -NoWechatpayKey

        $saved = Get-WxPayscorePlatformCertificate @first -OutputDirectory $Certs -WarningVariable warnings 3>$null
        $table = ($saved | Format-Table | Out-String -Width 200)

        @($saved).Count | Should -Be 1
        $saved.SerialNumber | Should -Be $Sim.Info.platformSerialNumber
        $saved.Path | Should -Be (Join-Path $Certs "wechatpay_$($saved.SerialNumber).pem")
        $saved.Fingerprint | Should -Match '^[0-9A-F]{64}$'
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -Match $saved.Fingerprint
        $table | Should -Match 'SerialNumber\s+Effective\s+Expires'

        $platform = Get-WxSimulatorCredential -Simulator $Sim -NoWechatpayKey
        $results = 'oPesterCert1', 'oPesterCert2' | ForEach-Object { [pscustomobject]@{ openid = $_; service_id = '500001' } } |
            Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false @platform -PlatformCertificatePath $saved.Path
        $results.Code | Should -Be @('OK', 'OK')
    }

    It 'keeps an existing file without -Force and writes nothing under -WhatIf' {
        $cred = Get-WxSimulatorCredential -Simulator $Sim -ApiV3Key
        $null = New-Item -ItemType Directory -Path $Certs
        $existing = Join-Path $Certs "wechatpay_$($Sim.Info.platformSerialNumber).pem"
        Set-Content -Path $existing -Value 'old'

        $kept = Get-WxPayscorePlatformCertificate @cred -OutputDirectory $Certs -ErrorAction SilentlyContinue -ErrorVariable errs
        $preview = Get-WxPayscorePlatformCertificate @cred -OutputDirectory (Join-Path $Certs 'new') -WhatIf

        $kept | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Match '^PlatformCertificateFileExists,'
        (Get-Content $existing -Raw).Trim() | Should -Be 'old'
        $preview.Path | Should -BeNullOrEmpty
        Test-Path (Join-Path $Certs 'new') | Should -BeFalse
    }

    It 'runs the documented refresh (-PlatformCertificatePath ./certs/wechatpay_*.pem -OutputDirectory ./certs -WhatIf) without an error for a certificate already saved' {
        $cred = Get-WxSimulatorCredential -Simulator $Sim -ApiV3Key -NoWechatpayKey
        $saved = Get-WxPayscorePlatformCertificate @cred -OutputDirectory $Certs 3>$null
        $relative = './' + (Split-Path $Certs -Leaf)

        Push-Location (Split-Path $Certs)
        try {
            $out = Get-WxPayscorePlatformCertificate @cred -PlatformCertificatePath "$relative/wechatpay_*.pem" -OutputDirectory $relative -WhatIf -Verbose -ErrorVariable errs -WarningVariable warnings 4>&1
        }
        finally {
            Pop-Location
        }

        $errs | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $refreshed = @($out | Where-Object { $_ -is [WeChatPay.Payscore.PlatformCertificate] })
        $refreshed.Count | Should -Be 1
        $refreshed[0].Path | Should -Be $saved.Path
        "$($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })" | Should -Match 'already saved'
        @(Get-ChildItem $Certs).Count | Should -Be 1
    }

    It 'tells a public-key-only merchant to use pub_key.pem and its PUB_KEY_ID_' {
        Set-WxSimulatorMerchant -Simulator $Sim -PublicKeyOnly $true
        $cred = Get-WxSimulatorCredential -Simulator $Sim -ApiV3Key

        { Get-WxPayscorePlatformCertificate @cred -OutputDirectory $Certs } |
            Should -Throw -ErrorId 'PlatformCertificatesNotAvailable,WeChatPay.Payscore.Commands.GetWxPayscorePlatformCertificateCommand' -ExpectedMessage '*pub_key.pem*PUB_KEY_ID_*'
        Test-Path $Certs | Should -BeFalse
    }

    It 'follows a rotation in the middle of a run with one download and no row lost' {
        $cred = Get-WxSimulatorCredential -Simulator $Sim -ApiV3Key -PlatformCertificate
        $null = Add-WxSimulatorPlatformCertificate -Simulator $Sim
        Switch-WxSimulatorPlatformCertificate -Simulator $Sim -AfterAnswers 4

        $results = 1..12 | ForEach-Object { [pscustomobject]@{ openid = "oPesterRotation$_"; service_id = '500001' } } |
            Invoke-WxPayscoreTerminate -AppId $AppId -Reason 'r' -Confirm:$false @cred -ThrottleLimit 2

        @($results | Where-Object Code -eq 'OK').Count | Should -Be 12
        (Get-WxSimulatorState -Simulator $Sim).certificateRequests | Should -Be 1
    }
}
