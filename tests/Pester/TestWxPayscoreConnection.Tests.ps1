BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Start-TestFile
}

AfterAll {
    Stop-TestFile
}

Describe 'Test-WxPayscoreConnection' {
    BeforeEach {
        Reset-WxSimulator -Simulator $Sim
    }

    AfterEach {
        # Whatever a test checked, nothing reached a terminate route.
        (Get-WxSimulatorState -Simulator $Sim).terminateRequests | Should -Be 0
    }

    It 'passes a good setup given through the session connection, with the APIv3 key, and shows the list view' {
        Connect-WxPayscore @Cred -ApiV3Key (ConvertTo-SecureString ([IO.File]::ReadAllText($Sim.Info.apiV3KeyPath)) -AsPlainText -Force)
        try {
            $result = Test-WxPayscoreConnection -WarningVariable warnings
        }
        finally {
            Disconnect-WxPayscore
        }

        $result.Passed | Should -BeTrue -Because ($result.Checks.Message -join "`n")
        $result.Problems | Should -BeNullOrEmpty
        $result.Mode | Should -Be 'Both'
        [math]::Abs($result.ClockOffset.TotalSeconds) | Should -BeLessOrEqual 2
        ($result.Checks | Where-Object Name -eq 'ApiV3Key').Status | Should -Be 'Passed'
        $warnings | Should -BeNullOrEmpty
        ($result | Out-String -Width 200) | Should -Match 'Problems\s+: \(none\)'
        (Get-WxSimulatorState -Simulator $Sim).certificateRequests | Should -Be 1
    }

    It 'fails a clock 400 s behind WeChat Pay''s with ClockOffsetTooLarge, as a result and not an error' {
        Set-WxSimulatorClock -Simulator $Sim -OffsetSeconds 400

        $result = Test-WxPayscoreConnection @Cred -TimeoutSec 5 -ErrorVariable errs

        $errs | Should -BeNullOrEmpty
        $result.Passed | Should -BeFalse
        $result.Problems | Should -Be @('ClockOffsetTooLarge')
        $result.ClockOffset.TotalSeconds | Should -BeGreaterOrEqual 398
        ($result | Format-Table | Out-String -Width 120) | Should -Match 'False\s+\+(39[89]|40[012]) s\s+Unknown\s+ClockOffsetTooLarge'
    }

    It 'reports a wrong serial as MerchantSerialNumberRejected' {
        $wrong = $Cred.Clone()
        $wrong.MerchantSerialNumber = '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C'

        $result = Test-WxPayscoreConnection @wrong

        $result.Problems | Should -Be @('MerchantSerialNumberRejected')
        ($result.Checks | Where-Object Name -eq 'Signature').Message | Should -Match 'openssl x509'
    }
}
