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
