BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Start-TestFile
}

AfterAll {
    Stop-TestFile
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

        $run = Invoke-Runbook -File $file -Environment @{ HOME = $userHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null }

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

Describe 'Module manifest' {
    It 'is valid, for both editions, and exports the cmdlets' {
        $manifest = Test-ModuleManifest $env:WXPAYSCORE_TEST_MODULE
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be @('Connect-WxPayscore', 'ConvertFrom-WxPayscoreNotification', 'Disconnect-WxPayscore', 'Get-WxPayscoreConnection', 'Get-WxPayscoreJournal', 'Get-WxPayscorePermission', 'Get-WxPayscorePlatformCertificate', 'Invoke-WxPayscoreTerminate', 'Test-WxPayscoreConnection')
        (Get-Command Invoke-WxPayscoreTerminate).OutputType.Type | Should -Be ([WeChatPay.Payscore.TerminateResult])
    }
}
