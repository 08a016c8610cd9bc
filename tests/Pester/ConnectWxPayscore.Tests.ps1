BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Start-TestFile
}

AfterAll {
    Stop-TestFile
}

Describe 'Connect-WxPayscore, Get-WxPayscoreConnection and Disconnect-WxPayscore' {
    BeforeEach {
        Reset-WxSimulator -Simulator $Sim
        Disconnect-WxPayscore
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
