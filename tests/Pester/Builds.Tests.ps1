# The module's two builds: what the package holds, which one an edition loads, and that the .NET build brings
# nothing of its own into the process.
BeforeAll {
    Import-Module $env:WXPAYSCORE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../WeChatPay.Payscore.Simulator/WxSimulator.psm1') -Force
    $script:Sim = Start-WxSimulator -SimulatorPath $env:WXPAYSCORE_TEST_SIMULATOR
    $script:Cred = Get-WxSimulatorCredential -Simulator $Sim
    $script:ModuleBase = (Get-Module WeChatPay.Payscore).ModuleBase
}

AfterAll {
    Stop-WxSimulator -Simulator $Sim
}

Describe 'Builds' {
    It 'loads the net8.0 build on PowerShell 7 and, after a run, no assembly from the module''s folder but its own' {
        $result = [pscustomobject]@{ openid = 'oBuildsNoForeign'; service_id = '500001' } |
            Invoke-WxPayscoreTerminate -AppId 'wxd678efh567hg6787' -Reason 'r' -Confirm:$false `
                -MerchantId $Cred.MerchantId -MerchantSerialNumber $Cred.MerchantSerialNumber -PrivateKeyPath $Cred.PrivateKeyPath `
                -WechatpayPublicKeyId $Cred.WechatpayPublicKeyId -WechatpayPublicKeyPath $Cred.WechatpayPublicKeyPath -BaseUri $Cred.BaseUri
        $result.Code | Should -Be 'OK'

        $fromModule = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic -and $_.Location -like "$ModuleBase*" })
        $fromModule.Location | Should -Be @(Join-Path $ModuleBase 'bin/net8.0/WeChatPay.Payscore.dll')
    }

    It 'reads a .p12 on PowerShell 7 with nothing loaded from the module''s folder but its own' {
        Connect-WxPayscore -MerchantId $Sim.Info.merchantId -CertificatePath $Sim.Info.merchantPkcs12Path `
            -WechatpayPublicKeyId $Sim.Info.publicKeyId -WechatpayPublicKeyPath $Sim.Info.publicKeyPath -BaseUri $Sim.Info.baseUri
        try {
            $result = [pscustomobject]@{ openid = 'oBuildsPkcs12'; service_id = '500001' } |
                Invoke-WxPayscoreTerminate -AppId 'wxd678efh567hg6787' -Reason 'r' -Confirm:$false
            $result.Code | Should -Be 'OK'
        }
        finally {
            Disconnect-WxPayscore
        }
        @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic -and $_.Location -like "$ModuleBase*" }).Count | Should -Be 1
    }

    It 'ships the .NET Framework build with its dependencies apart, and the .NET build with none' {
        @(Get-ChildItem (Join-Path $ModuleBase 'bin/net8.0') -Recurse -File).Name | Should -Be @('WeChatPay.Payscore.dll')
        @(Get-ChildItem (Join-Path $ModuleBase 'bin/net472') -File).Name | Should -Be @('WeChatPay.Payscore.dll')
        $dependencies = @(Get-ChildItem (Join-Path $ModuleBase 'bin/net472/dependencies') -File).Name
        $dependencies | Should -Contain 'System.Text.Json.dll'
        $dependencies | Should -Contain 'System.Formats.Asn1.dll'
        $dependencies | Should -Contain 'BouncyCastle.Cryptography.dll'
        $dependencies | Should -Not -Contain 'System.Management.Automation.dll'
        # The .NET Framework build is really one: it references mscorlib, not System.Runtime.
        $stream = [IO.File]::OpenRead((Join-Path $ModuleBase 'bin/net472/WeChatPay.Payscore.dll'))
        try {
            $metadata = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader([Reflection.PortableExecutable.PEReader]::new($stream))
            $references = foreach ($handle in $metadata.AssemblyReferences) { $metadata.GetString($metadata.GetAssemblyReference($handle).Name) }
        }
        finally {
            $stream.Dispose()
        }
        $references | Should -Contain 'mscorlib'
        $references | Should -Not -Contain 'System.Runtime'
    }

    It 'packs both builds into the one .nupkg' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($env:WXPAYSCORE_TEST_PACKAGE)
        try {
            $entries = @($zip.Entries.FullName)
        }
        finally {
            $zip.Dispose()
        }
        $entries | Should -Contain 'WeChatPay.Payscore.psm1'
        $entries | Should -Contain 'bin/net8.0/WeChatPay.Payscore.dll'
        $entries | Should -Contain 'bin/net472/WeChatPay.Payscore.dll'
        $entries | Should -Contain 'bin/net472/dependencies/System.Text.Json.dll'
        foreach ($culture in 'en-US', 'zh-CN') {
            $entries | Should -Contain "$culture/WeChatPay.Payscore.dll-Help.xml"
            $entries | Should -Contain "$culture/about_WeChatPay_Payscore.help.txt"
        }
        @($entries | Where-Object { $_ -like 'bin/net8.0/*' }) | Should -Be @('bin/net8.0/WeChatPay.Payscore.dll')
    }

    It 'has a manifest that passes Test-ModuleManifest and names its cmdlets' {
        $manifest = Test-ModuleManifest (Join-Path $ModuleBase 'WeChatPay.Payscore.psd1')
        $manifest.RootModule | Should -Be 'WeChatPay.Payscore.psm1'
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be @((Import-PowerShellDataFile $env:WXPAYSCORE_TEST_MODULE).CmdletsToExport | Sort-Object)
        @((Get-Module WeChatPay.Payscore).ExportedCmdlets.Keys | Sort-Object) | Should -Be @($manifest.ExportedCmdlets.Keys | Sort-Object)
    }
}

Describe 'Result columns' {
    It 'lists a result''s properties in the order of its CSV columns, and takes that away with the module' {
        $columns = 'RowNumber', 'OpenId', 'ServiceId', 'AppId', 'AuthorizationCode', 'SubMerchantId', 'SubAppId', 'SubOpenId',
            'Success', 'StatusCode', 'Code', 'Message', 'RequestId', 'Attempts', 'Elapsed', 'Route', 'CompletedAt'
        $result = [pscustomobject]@{ openid = 'o/bad'; service_id = '500001' } |
            Invoke-WxPayscoreTerminate -AppId 'wxd678efh567hg6787' -Reason 'r' -WhatIf -ErrorAction SilentlyContinue -BaseUri $Cred.BaseUri `
                -MerchantId $Cred.MerchantId -MerchantSerialNumber $Cred.MerchantSerialNumber -PrivateKeyPath $Cred.PrivateKeyPath `
                -WechatpayPublicKeyId $Cred.WechatpayPublicKeyId -WechatpayPublicKeyPath $Cred.WechatpayPublicKeyPath
        (($result | ConvertTo-Csv -NoTypeInformation)[0] -replace '"') -split ',' | Should -Be $columns

        Get-TypeData WeChatPay.Payscore.TerminateResult | Should -Not -BeNullOrEmpty
        Remove-Module WeChatPay.Payscore
        Get-TypeData WeChatPay.Payscore.TerminateResult | Should -BeNullOrEmpty
        Get-TypeData WeChatPay.Payscore.PayscorePermission | Should -BeNullOrEmpty

        Import-Module $env:WXPAYSCORE_TEST_MODULE -Force
        (($result | ConvertTo-Csv -NoTypeInformation)[0] -replace '"') -split ',' | Should -Be $columns
    }
}
