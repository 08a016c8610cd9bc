# The Wine lane's smoke test, run by tools/WinHost (PowerShell 7.4.19 for win-x64) under Wine: imports the module by
# its Z:\ path and ends a few authorizations at the WeChat Pay simulator, which runs on the Linux side at 127.0.0.1,
# once with a PEM key and once with the PKCS#12 bundle. -ConfigPath is a JSON file tests/Wine/Invoke-WineSmoke.ps1
# writes: the module's path and the simulator's settings, with every path already a Windows (Z:\) path.
# Prints [+] or [-] per check and ends with "N passed, N failed".
param([Parameter(Mandatory)] [string] $ConfigPath)

$ErrorActionPreference = 'Stop'
$script:passed = 0
$script:failed = 0
function Test-Check([string] $Name, [scriptblock] $Check) {
    try {
        $detail = & $Check
        Write-Output "[+] $Name$(if ($detail) { " ($detail)" })"
        $script:passed++
    }
    catch {
        Write-Output "[-] $Name`: $($_.Exception.Message) [$($_.FullyQualifiedErrorId)]"
        $script:failed++
    }
}
function Assert([bool] $Condition, [string] $Message) { if (-not $Condition) { throw $Message } }

$config = Get-Content -LiteralPath $ConfigPath -Raw | ConvertFrom-Json
$simulator = @{
    MerchantId           = $config.MerchantId
    WechatpayPublicKeyId = $config.WechatpayPublicKeyId
    WechatpayPublicKeyPath = $config.WechatpayPublicKeyPath
    BaseUri              = $config.BaseUri
}
function New-Rows([string] $Prefix, [int] $Count) {
    1..$Count | ForEach-Object { [pscustomobject]@{ openid = "oWine$Prefix$_"; service_id = '500001' } }
}
function Test-Results($Results, [int] $Count) {
    Assert (@($Results).Count -eq $Count) "$(@($Results).Count) results for $Count rows"
    $bad = @($Results | Where-Object { -not $_.Success })
    Assert ($bad.Count -eq 0) "not all succeeded: $(($bad | ForEach-Object { "$($_.OpenId) $($_.StatusCode) $($_.Code) $($_.Message)" }) -join '; ')"
    "$Count rows, all Success"
}

Test-Check 'PowerShell 7.4 on Windows (Wine)' {
    Assert $IsWindows "IsWindows is $IsWindows"
    Assert ($PSVersionTable.PSVersion.ToString() -eq '7.4.19') "PSVersion $($PSVersionTable.PSVersion)"
    "$($PSVersionTable.PSVersion) $($PSVersionTable.OS), .NET $([Environment]::Version)"
}

Test-Check "Import-Module $($config.ModulePath)" {
    Import-Module $config.ModulePath -Force
    $module = Get-Module WeChatPay.Payscore
    Assert ($null -ne $module) 'the module is not loaded'
    Assert ($null -ne (Get-Command Invoke-WxPayscoreTerminate -ErrorAction Ignore)) 'Invoke-WxPayscoreTerminate is missing'
    $assembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'WeChatPay.Payscore' }
    Assert ($assembly.Location -like '*\bin\net8.0\*') "loaded from '$($assembly.Location)'"
    "$($module.Version), $($assembly.Location)"
}

Test-Check 'Terminate with a PEM key (-PrivateKeyPath)' {
    $results = New-Rows Pem 3 | Invoke-WxPayscoreTerminate @simulator -AppId wxd678efh567hg6787 -Reason r -Confirm:$false `
        -MerchantSerialNumber $config.MerchantSerialNumber -PrivateKeyPath $config.PrivateKeyPath
    Test-Results $results 3
}

Test-Check 'Terminate with the PKCS#12 bundle (-CertificatePath)' {
    $results = New-Rows P12 3 | Invoke-WxPayscoreTerminate @simulator -AppId wxd678efh567hg6787 -Reason r -Confirm:$false `
        -CertificatePath $config.Pkcs12Path
    Test-Results $results 3
}

Test-Check 'A wrong PKCS#12 password stops the command before any request' {
    $wrong = ConvertTo-SecureString 'not-the-password' -AsPlainText -Force
    try {
        $results = New-Rows Bad 1 | Invoke-WxPayscoreTerminate @simulator -AppId wxd678efh567hg6787 -Reason r -Confirm:$false `
            -CertificatePath $config.Pkcs12Path -CertificatePassword $wrong
    }
    catch {
        return $_.FullyQualifiedErrorId
    }
    throw "no error; results: $(@($results).Count)"
}

Test-Check 'The simulator reports the ended authorizations (Get-WxPayscorePermission)' {
    $states = @(New-Rows Pem 3) + @(New-Rows P12 3) | Get-WxPayscorePermission @simulator -AppId wxd678efh567hg6787 `
        -MerchantSerialNumber $config.MerchantSerialNumber -PrivateKeyPath $config.PrivateKeyPath
    $ended = @($states | Where-Object { $_.Success -and $_.AuthorizationState -eq 'UNAVAILABLE' })
    Assert ($ended.Count -eq 6) "$($ended.Count) of 6 ended: $(($states | ForEach-Object { "$($_.OpenId) $($_.AuthorizationState) $($_.Code)" }) -join '; ')"
    '6 of 6 UNAVAILABLE'
}

# A folder as Windows users name theirs: a drive letter, backslashes, a space and Chinese characters.
$folder = Join-Path $config.WorkPath '商户 数据'
Test-Check "Keys and a journal under '$folder' (drive letter, backslashes, space, CJK)" {
    New-Item -ItemType Directory -Path $folder -Force | Out-Null
    Copy-Item -LiteralPath $config.PrivateKeyPath -Destination (Join-Path $folder 'apiclient_key.pem')
    $journal = Join-Path $folder '日志 run.jsonl'
    $results = New-Rows Path 3 | Invoke-WxPayscoreTerminate @simulator -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:$false `
        -MerchantSerialNumber $config.MerchantSerialNumber -PrivateKeyPath "$folder\apiclient_key.pem" -JournalPath $journal
    Test-Results $results 3 | Out-Null
    $records = @(Get-Content -LiteralPath $journal -Encoding utf8 | ConvertFrom-Json)
    Assert ($records.Count -eq 6) "$($records.Count) journal records"
    "journal $journal, $($records.Count) records"
}

Test-Check 'A key given as a SecureString (-PrivateKey)' {
    $key = ConvertTo-SecureString ([IO.File]::ReadAllText($config.PrivateKeyPath)) -AsPlainText -Force
    $results = New-Rows Secure 2 | Invoke-WxPayscoreTerminate @simulator -AppId wxd678efh567hg6787 -Reason r -Confirm:$false `
        -MerchantSerialNumber $config.MerchantSerialNumber -PrivateKey $key
    Test-Results $results 2
}

Test-Check 'A CSV written by Windows (UTF-8 with BOM, CRLF line ends)' {
    $csv = Join-Path $folder 'users.csv'
    Set-Content -LiteralPath $csv -Encoding utf8BOM -Value (@('openid,service_id') + (1..3 | ForEach-Object { "oWineCsv$_,500001" }))
    $bytes = [IO.File]::ReadAllBytes($csv)
    Assert ($bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF) 'no byte order mark'
    Assert ([Text.Encoding]::ASCII.GetString($bytes).Contains("`r`n")) 'no CRLF'
    $results = Import-Csv -LiteralPath $csv -Encoding utf8 | Invoke-WxPayscoreTerminate @simulator -AppId wxd678efh567hg6787 -Reason r -Confirm:$false `
        -MerchantSerialNumber $config.MerchantSerialNumber -PrivateKeyPath $config.PrivateKeyPath
    Test-Results $results 3
}

Test-Check 'Two runs on one journal: the second is refused (JournalUnavailable) while the first holds it' {
    $journal = Join-Path $folder 'shared.jsonl'
    Invoke-RestMethod -Method Post -Uri "$($config.BaseUri)/__sim/latency" -Body '{"ms":200}' -ContentType 'application/json' | Out-Null
    $first = [powershell]::Create()
    try {
        $null = $first.AddScript({
                param($ModulePath, $Splat, $Journal)
                Import-Module $ModulePath
                1..15 | ForEach-Object { [pscustomobject]@{ openid = "oWineShared$_"; service_id = '500001' } } |
                    Invoke-WxPayscoreTerminate @Splat -Confirm:$false -ThrottleLimit 1 -JournalPath $Journal
            }).AddArgument($config.ModulePath).AddArgument(@{ AppId = 'wxd678efh567hg6787'; Reason = 'r'; MerchantSerialNumber = $config.MerchantSerialNumber; PrivateKeyPath = $config.PrivateKeyPath } + $simulator).AddArgument($journal)
        $running = $first.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not ((Test-Path -LiteralPath $journal) -and (Get-Item -LiteralPath $journal).Length -gt 0) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $refused = $null
        try {
            New-Rows Shared 1 | Invoke-WxPayscoreTerminate @simulator -AppId wxd678efh567hg6787 -Reason r -Confirm:$false `
                -MerchantSerialNumber $config.MerchantSerialNumber -PrivateKeyPath $config.PrivateKeyPath -JournalPath $journal | Out-Null
        }
        catch { $refused = $_.FullyQualifiedErrorId }
        $results = $first.EndInvoke($running)
        Assert ($refused -like 'JournalUnavailable*') "the second run: $refused"
        Test-Results $results 15 | Out-Null
        "second run: $refused; first: 15 rows, all Success"
    }
    finally {
        $first.Dispose()
        Invoke-RestMethod -Method Post -Uri "$($config.BaseUri)/__sim/latency" -Body '{"ms":0}' -ContentType 'application/json' | Out-Null
    }
}

if ($config.KilledJournalPath) {
    Test-Check 'A run killed mid-way (every Wine process) resumes from its journal with nothing sent twice' {
        $rows = 1..$config.KilledRows | ForEach-Object { [pscustomobject]@{ openid = "oWineKilled$_"; service_id = '500001' } }
        $results = $rows | Invoke-WxPayscoreTerminate @simulator -AppId wxd678efh567hg6787 -Reason r -Confirm:$false `
            -MerchantSerialNumber $config.MerchantSerialNumber -PrivateKeyPath $config.PrivateKeyPath -JournalPath $config.KilledJournalPath
        Test-Results $results $config.KilledRows | Out-Null
        $done = @($results | Where-Object Code -eq 'ALREADY_DONE').Count
        Assert ($done -gt 0) 'no row came back ALREADY_DONE from the killed run'
        $twice = @(Invoke-RestMethod -Uri "$($config.BaseUri)/__sim/processed" | Where-Object { $_.openId -like 'oWineKilled*' -and $_.terminates -ne 1 })
        Assert ($twice.Count -eq 0) "$($twice.Count) authorizations terminated more than once"
        "$done ALREADY_DONE of $($config.KilledRows), none twice"
    }
}

Test-Check 'A zh-CN session gets its messages in Chinese and the same codes' {
    $before = [cultureinfo]::CurrentUICulture
    try {
        [cultureinfo]::CurrentUICulture = 'zh-CN'
        $results = @([pscustomobject]@{ openid = 'o/wine'; service_id = '500001' }, [pscustomobject]@{ openid = 'oWineZh1'; service_id = '500001' }) |
            Invoke-WxPayscoreTerminate @simulator -AppId wxd678efh567hg6787 -Reason r -Confirm:$false -ErrorAction SilentlyContinue `
                -MerchantSerialNumber $config.MerchantSerialNumber -PrivateKeyPath $config.PrivateKeyPath | Sort-Object RowNumber
    }
    finally {
        [cultureinfo]::CurrentUICulture = $before
    }
    Assert (@($results.Code) -join ',' -eq 'INVALID_INPUT,OK') "codes $(@($results.Code) -join ',')"
    Assert (@($results | Where-Object { $_.Message -notmatch '\p{IsCJKUnifiedIdeographs}' }).Count -eq 0) 'a message is not in Chinese'
    'INVALID_INPUT and OK, both messages in Chinese'
}

Test-Check 'A notification written by the simulator is verified and decrypted' {
    $apiV3 = ConvertTo-SecureString ([IO.File]::ReadAllText($config.ApiV3KeyPath)) -AsPlainText -Force
    $n = ConvertFrom-WxPayscoreNotification -Path $config.NotificationPath -WechatpayPublicKeyId $config.WechatpayPublicKeyId `
        -WechatpayPublicKeyPath $config.WechatpayPublicKeyPath -ApiV3Key $apiV3
    Assert ($n.OpenId -eq 'oWineNotified' -and $n.EventType -eq 'PAYSCORE.USER_CLOSE_SERVICE') "$($n.EventType) for $($n.OpenId)"
    "$($n.EventType) for $($n.OpenId)"
}

Test-Check 'The platform certificates download into a Windows folder' {
    $apiV3 = ConvertTo-SecureString ([IO.File]::ReadAllText($config.ApiV3KeyPath)) -AsPlainText -Force
    $certs = Join-Path $folder 'certs'
    $saved = @(Get-WxPayscorePlatformCertificate @simulator -MerchantSerialNumber $config.MerchantSerialNumber -PrivateKeyPath $config.PrivateKeyPath `
            -ApiV3Key $apiV3 -OutputDirectory $certs)
    Assert ($saved.Count -ge 1 -and (Test-Path -LiteralPath $saved[0].Path)) "$($saved.Count) saved"
    Assert ($saved[0].Path -like "$certs\wechatpay_*.pem") "saved as $($saved[0].Path)"
    "$($saved.Count) saved, $($saved[0].Path)"
}

Write-Output "$script:passed passed, $script:failed failed"
