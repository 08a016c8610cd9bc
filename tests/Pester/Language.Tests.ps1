BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Start-TestFile

    # The same small run in a child pwsh started with LANG and LC_ALL set to -Locale, as an admin's console or a
    # runbook worker would be: a CSV with a good row and two refused ones, with -Verbose, then a command whose key
    # file does not exist. What it wrote comes back as JSON.
    function script:Invoke-RunIn([string] $Locale) {
        $csv = Join-Path $Work "users-$Locale.csv"
        New-UsersCsv $csv @('openid,service_id', "oLang$($Locale.Substring(0, 2)),500001", 'o/../../v3/evil,500001', ',500001')
        $cred = ($Cred.GetEnumerator() | ForEach-Object { "$($_.Key) = '$($_.Value)'" }) -join '; '
        $file = Join-Path $Work "run-$Locale.ps1"
        Set-Content -Path $file -Encoding utf8 -Value @"
Import-Module '$($env:WXPAYSCORE_TEST_MODULE)'
`$cred = @{ $cred }
`$written = @(Import-Csv '$csv' | Invoke-WxPayscoreTerminate -AppId '$AppId' -Reason 'r' -Confirm:`$false @cred -Verbose ``
    -ErrorAction SilentlyContinue -ErrorVariable rowErrors 4>&1)
`$results = @(`$written | Where-Object { `$_ -isnot [System.Management.Automation.VerboseRecord] } | Sort-Object RowNumber)
`$cred.PrivateKeyPath = './no-such-folder/apiclient_key.pem'
try { [pscustomobject]@{ openid = 'oLangNever'; service_id = '500001' } | Invoke-WxPayscoreTerminate -AppId '$AppId' -Reason 'r' -Confirm:`$false @cred -ErrorAction Stop }
catch { `$stop = `$_ }
[pscustomobject]@{
    PSUICulture  = "`$PSUICulture"
    Codes        = @(`$results.Code)
    Messages     = @(`$results.Message)
    RowErrorIds  = @(`$rowErrors.FullyQualifiedErrorId)
    RowErrors    = @(`$rowErrors.Exception.Message)
    Verbose      = @(`$written | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    StopId       = `$stop.FullyQualifiedErrorId
    StopMessage  = `$stop.Exception.Message
} | ConvertTo-Json -Depth 3
"@
        $run = Invoke-Runbook -File $file -Environment @{ LANG = $Locale; LC_ALL = $Locale; LC_MESSAGES = $null; LANGUAGE = $null }
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | ConvertFrom-Json
    }
}

AfterAll {
    Stop-TestFile
}

Describe 'Messages in the language of the session' {
    BeforeAll {
        $script:Chinese = Invoke-RunIn 'zh_CN.UTF-8'
        $script:English = Invoke-RunIn 'en_US.UTF-8'
    }

    It 'writes refused rows, their errors, verbose lines and a configuration error in Chinese with LANG=zh_CN.UTF-8' {
        $Chinese.PSUICulture | Should -Be 'zh-CN'
        $Chinese.Codes | Should -Be @('OK', 'INVALID_INPUT', 'INVALID_INPUT')
        foreach ($text in @($Chinese.Messages) + @($Chinese.RowErrors) + @($Chinese.Verbose) + @($Chinese.StopMessage)) {
            $text | Should -Match '\p{IsCJKUnifiedIdeographs}' -Because "'$text' is written in Chinese"
        }
        @($Chinese.Verbose).Count | Should -BeGreaterThan 0
        $Chinese.StopMessage | Should -Match ([regex]::Escape('-PrivateKeyPath'))
    }

    It 'keeps result codes and error ids identical to an English run' {
        $Chinese.Codes | Should -Be $English.Codes
        $Chinese.RowErrorIds | Should -Be $English.RowErrorIds
        $Chinese.StopId | Should -Be $English.StopId
        $English.StopId | Should -BeLike 'PrivateKeyNotFound,*'
        $Chinese.Messages[1] | Should -Match ([regex]::Escape("'o/../../v3/evil'")) -Because 'the excerpt of the value is the same in both languages'
    }

    It 'writes the same English as before with LANG=en_US.UTF-8' {
        $English.PSUICulture | Should -Be 'en-US'
        $English.Messages | Should -Be @(
            'Authorization terminated.'
            "Not sent: openid 'o/../../v3/evil' contains '/'; only letters A-Z a-z, digits and '_' '-' are allowed."
            'Not sent: openid is missing or empty.'
        )
        $English.StopMessage -replace "'[^']*(/no-such-folder/apiclient_key\.pem)'", "'…`$1'" | Should -BeExactly (
            "The merchant private key file '…/no-such-folder/apiclient_key.pem' cannot be read: its folder does not exist. " +
            'Give -PrivateKeyPath the path of apiclient_key.pem.')
        foreach ($text in @($English.Messages) + @($English.Verbose) + @($English.StopMessage)) {
            $text | Should -Not -Match '\p{IsCJKUnifiedIdeographs}'
        }
    }
}
