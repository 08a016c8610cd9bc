BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Work = New-TestFolder
}

AfterAll {
    Remove-Item $Work -Recurse -Force -ErrorAction Ignore
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

    It 'marks the path parameters that take wildcards, and only them' {
        foreach ($name in 'PlatformCertificatePath', 'PrivateKeyPath', 'CertificatePath', 'MerchantCertificatePath', 'WechatpayPublicKeyPath') {
            (Get-Help Get-WxPayscorePlatformCertificate -Parameter $name).globbing | Should -Be 'true' -Because "-$name takes wildcards"
        }

        (Get-Help Get-WxPayscorePlatformCertificate -Parameter OutputDirectory).globbing | Should -Be 'false'
        (Get-Help Invoke-WxPayscoreTerminate -Parameter JournalPath).globbing | Should -Be 'false'
    }

    It 'keeps the type names that the documentation refers to' {
        (Get-Help Invoke-WxPayscoreTerminate).Synopsis | Should -Match 'one TerminateResult per row'
    }

    It 'has an about topic that explains credentials, result codes, journals and rate limits' {
        $file = Join-Path $Work 'about-help.ps1'
        # Get-Help finds about topics in the module folders on PSModulePath: a folder that holds only this module (the
        # build's out/ holds much else, such as the Wine lane's root, which Get-Help would search through).
        $modules = Join-Path $Work 'modules'
        New-Item -ItemType Directory -Path $modules -Force | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $modules 'WeChatPay.Payscore') -Target (Split-Path (Split-Path $env:WXPAYSCORE_TEST_MODULE)) -Force | Out-Null
        Set-Content -Path $file -Encoding utf8 -Value @"
`$env:PSModulePath = '$modules' + [IO.Path]::PathSeparator + `$env:PSModulePath
Get-Help about_WeChatPay_Payscore | Out-String -Width 200
"@

        $run = Invoke-Runbook -File $file

        foreach ($words in 'CREDENTIALS', 'WXPAY_PRIVATE_KEY', 'KINDS OF ROW', 'authorization_code', 'SETTLED_BY_QUERY', 'JOURNALS', 'RATE LIMITS') {
            $run.Output | Should -Match ([regex]::Escape($words))
        }
    }
}

Describe 'Help in Chinese (zh-CN)' {
    BeforeAll {
        $script:Repository = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $script:ZhSourcePath = Join-Path $Repository 'src/WeChatPay.Payscore/zh-CN/WeChatPay.Payscore.Help.psd1'
        $script:EnExamplesPath = Join-Path $Repository 'src/WeChatPay.Payscore/en-US/WeChatPay.Payscore.Examples.psd1'
        $script:ModuleBase = Split-Path $env:WXPAYSCORE_TEST_MODULE

        # The built MAML of one language: per cmdlet its parameters (in order) and its number of examples.
        function script:Read-Maml([string] $Culture) {
            [xml] $maml = Get-Content (Join-Path $ModuleBase "$Culture/WeChatPay.Payscore.dll-Help.xml") -Raw -Encoding utf8
            $ns = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
            $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
            $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
            $commands = [ordered]@{}
            foreach ($c in $maml.SelectNodes('//command:command', $ns)) {
                $commands[$c.SelectSingleNode('command:details/command:name', $ns).InnerText] = [pscustomobject]@{
                    Parameters = @($c.SelectNodes('command:parameters/command:parameter/maml:name', $ns).InnerText) -join ','
                    Examples   = $c.SelectNodes('command:examples/command:example', $ns).Count
                }
            }
            $commands
        }

        # Get-Help in a child pwsh started with LANG and LC_ALL set to -Locale, the module on its PSModulePath.
        function script:Get-HelpIn([string] $Locale) {
            $modules = Join-Path $Work "modules-$Locale"
            New-Item -ItemType Directory -Path $modules -Force | Out-Null
            New-Item -ItemType SymbolicLink -Path (Join-Path $modules 'WeChatPay.Payscore') -Target (Split-Path $ModuleBase) -Force | Out-Null
            $file = Join-Path $Work "help-$Locale.ps1"
            Set-Content -Path $file -Encoding utf8 -Value @"
`$env:PSModulePath = '$modules' + [IO.Path]::PathSeparator + `$env:PSModulePath
"PSUICulture=`$PSUICulture"
Get-Help Invoke-WxPayscoreTerminate -Full | Out-String -Width 200
Get-Help about_WeChatPay_Payscore | Out-String -Width 200
"@
            Invoke-Runbook -File $file -Environment @{ LANG = $Locale; LC_ALL = $Locale; LC_MESSAGES = $null; LANGUAGE = $null }
        }
    }

    It 'documents the same cmdlets, parameters and number of examples in both languages, with the same example code' {
        $zh = Import-PowerShellDataFile $ZhSourcePath
        $en = Import-PowerShellDataFile $EnExamplesPath
        $cmdlets = @((Import-PowerShellDataFile $env:WXPAYSCORE_TEST_MODULE).CmdletsToExport | Sort-Object)
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

        @($zh.Cmdlets.Keys | Sort-Object) | Should -Be $cmdlets
        @($en.Keys | Sort-Object) | Should -Be $cmdlets
        foreach ($name in $cmdlets) {
            $entry = $zh.Cmdlets[$name]
            $expected = @((Get-Command $name).Parameters.Keys | Where-Object { $_ -notin $common -or $_ -in 'WhatIf', 'Confirm' })
            $own = if ($entry['Parameters']) { $entry.Parameters } else { @{} }
            @($expected | Where-Object { -not $own.ContainsKey($_) -and -not $zh.SharedParameters.ContainsKey($_) }) | Should -BeNullOrEmpty -Because "zh-CN documents every parameter of $name"
            @($own.Keys | Where-Object { $_ -notin $expected }) | Should -BeNullOrEmpty -Because "zh-CN documents no parameter $name does not have"
            $entry.Synopsis | Should -Match '\p{IsCJKUnifiedIdeographs}' -Because "$name's synopsis is in Chinese"
            @($entry.Examples).Count | Should -Be @($en[$name]).Count -Because "$name has as many examples in zh-CN as in en-US"
            @($entry.Examples).Count | Should -BeGreaterOrEqual 3
            for ($i = 0; $i -lt @($en[$name]).Count; $i++) {
                $entry.Examples[$i].Code | Should -BeExactly $en[$name][$i].Code -Because "example $($i + 1) of $name keeps en-US's code"
                $entry.Examples[$i].Remarks | Should -Match '\p{IsCJKUnifiedIdeographs}' -Because "example $($i + 1) of $name is explained in Chinese"
            }
        }
        # Each parameter text that SharedParameters holds belongs to some cmdlet.
        $all = @(foreach ($name in $cmdlets) { (Get-Command $name).Parameters.Keys })
        @($zh.SharedParameters.Keys | Where-Object { $_ -notin $all }) | Should -BeNullOrEmpty

        # And the help files built from the two sources agree.
        $enMaml = Read-Maml 'en-US'
        $zhMaml = Read-Maml 'zh-CN'
        @($zhMaml.Keys) | Should -Be @($enMaml.Keys)
        foreach ($name in $enMaml.Keys) {
            $zhMaml[$name].Parameters | Should -BeExactly $enMaml[$name].Parameters -Because "$name has the same parameters in both help files"
            $zhMaml[$name].Examples | Should -Be $enMaml[$name].Examples -Because "$name has as many examples in both help files"
        }
    }

    It 'is not written from a zh-CN source that lacks a parameter' {
        $broken = Join-Path $Work 'WeChatPay.Payscore.Help.psd1'
        $lines = Get-Content $ZhSourcePath -Encoding utf8
        $kept = @($lines | Where-Object { $_ -notmatch '^\s+Reason\s+=' })
        $kept.Count | Should -Be ($lines.Count - 1) -Because 'the source documents -Reason on one line'
        Set-Content -Path $broken -Value $kept -Encoding utf8

        # The error's message as one line: PowerShell's error view would wrap it at the console's width.
        $file = Join-Path $Work 'broken-help.ps1'
        Set-Content -Path $file -Encoding utf8 -Value @"
try {
    & '$(Join-Path $Repository 'tools/New-ModuleHelp.ps1')' -ManifestPath '$env:WXPAYSCORE_TEST_MODULE' -HelpSourcePath '$broken' ``
        -ExamplesPath '$EnExamplesPath' -OutputPath '$(Join-Path $Work 'broken-Help.xml')'
}
catch { "REFUSED: `$(`$_.Exception.Message)"; exit 1 }
"@
        $run = Invoke-Runbook -File $file

        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match "REFUSED: .*does not document Invoke-WxPayscoreTerminate -Reason\."
        Join-Path $Work 'broken-Help.xml' | Should -Not -Exist
    }

    It 'shows the cmdlet help and the about topic in Chinese with LANG=zh_CN.UTF-8' {
        $run = Get-HelpIn 'zh_CN.UTF-8'

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'PSUICulture=zh-CN'
        foreach ($words in '解除微信支付分授权：每个输入行一个已签名并经验证的请求', '解除授权的原因', '预览本次运行', '示例 1', '批量解除微信支付分授权', 'RESULT CODES（结果代码）', '运行日志') {
            $run.Output | Should -Match ([regex]::Escape($words))
        }
        $run.Output | Should -Not -Match ([regex]::Escape('Ends WeChat Pay Pay Score authorizations'))
    }

    It 'shows the English help with LANG=en_US.UTF-8' {
        $run = Get-HelpIn 'en_US.UTF-8'

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'PSUICulture=en-US'
        foreach ($words in 'Ends WeChat Pay Pay Score authorizations, one signed and verified request per input row', 'Why the authorization is ended', 'Example 1', 'Ends WeChat Pay Pay Score authorizations in bulk', 'RESULT CODES') {
            $run.Output | Should -Match ([regex]::Escape($words))
        }
        $run.Output | Should -Not -Match ([regex]::Escape('解除授权的原因'))
        $run.Output | Should -Not -Match ([regex]::Escape('批量解除微信支付分授权'))
    }
}
