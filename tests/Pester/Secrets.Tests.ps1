BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Work = New-TestFolder 'wxpester-secrets'

    # A throwaway merchant key, as PEM text and as the Base64 of an apiclient_cert.p12 that holds it.
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    $script:KeyPem = $rsa.ExportPkcs8PrivateKeyPem()
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new(
        'CN=throwaway', $rsa, [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $certificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(1))
    $script:KeyP12 = [Convert]::ToBase64String($certificate.Export([Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12, '1900009191'))
    Set-Content -LiteralPath (Join-Path $Work 'key.pem') -Value $KeyPem -NoNewline
    [IO.File]::WriteAllText((Join-Path $Work 'key.p12.txt'), $KeyP12)
    Set-Content -LiteralPath (Join-Path $Work 'pub.pem') -Value $rsa.ExportSubjectPublicKeyInfoPem() -NoNewline

    # The first 40-character run of the key's Base64 found in the text (whitespace removed too), or $null.
    function script:Find-KeyRun([string] $Text, [string] $Key) {
        $base64 = (($Key -split "`n") | Where-Object { -not $_.StartsWith('-----') } | ForEach-Object Trim) -join ''
        $compact = $Text -replace '\s', ''
        for ($i = 0; $i + 40 -le $base64.Length; $i++) {
            $run = $base64.Substring($i, 40)
            if ($Text.Contains($run) -or $compact.Contains($run)) { return $run }
        }
        $null
    }
}

AfterAll {
    Remove-Item $Work -Recurse -Force -ErrorAction Ignore
}

Describe 'Key text where a path is expected' {
    It 'stops every path-taking parameter and variable with KeyMaterialGivenAsPath and leaves no key in a transcript' {
        # A runbook's mistakes, each its own statement so that each error is shown as a console would show it,
        # with every stream on, recorded by Start-Transcript; at the end $Error is shown in full.
        $transcript = Join-Path $Work 'transcript.txt'
        $runbook = Join-Path $Work 'runbook.ps1'
        @'
param($Module, $Work, $Transcript)
Import-Module $Module
Set-Location $Work
$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'
Start-Transcript -LiteralPath $Transcript | Out-Null
$base = @{ MerchantId = '1900009191'; MerchantSerialNumber = 'ABCDEF0123'; BaseUri = 'http://127.0.0.1:9';
           WechatpayPublicKeyId = 'PUB_KEY_ID_0114232134912410000000000000000001'; WechatpayPublicKeyPath = (Join-Path $Work 'pub.pem') }
$row = [pscustomobject]@{ openid = 'oSecret'; service_id = '500001'; appid = 'wxd678efh567hg6787'; reason = 'r' }
foreach ($key in (Get-Content (Join-Path $Work 'key.pem') -Raw), (Get-Content (Join-Path $Work 'key.p12.txt') -Raw)) {
    foreach ($parameter in 'PrivateKeyPath', 'CertificatePath', 'MerchantCertificatePath', 'WechatpayPublicKeyPath', 'PlatformCertificatePath', 'JournalPath') {
        $p = $base.Clone(); $p[$parameter] = $key
        if ($parameter -ne 'PrivateKeyPath' -and $parameter -ne 'CertificatePath') { $p.PrivateKeyPath = Join-Path $Work 'key.pem' }
        $row | Invoke-WxPayscoreTerminate @p -Confirm:$false
        if ($parameter -ne 'JournalPath') { Connect-WxPayscore @p }
    }
    $p = $base.Clone(); $env:WXPAY_PRIVATE_KEY_PATH = $key
    $row | Invoke-WxPayscoreTerminate @p -Confirm:$false
    Connect-WxPayscore @p
    Remove-Item Env:WXPAY_PRIVATE_KEY_PATH
    $p = $base.Clone(); $p.PrivateKeyPath = Join-Path $Work 'key.pem'; $p.Remove('WechatpayPublicKeyId'); $p.Remove('WechatpayPublicKeyPath')
    $env:WXPAY_PUBLIC_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000000001'; $env:WXPAY_PUBLIC_KEY_PATH = $key
    $row | Invoke-WxPayscoreTerminate @p -Confirm:$false
    Connect-WxPayscore @p
    Remove-Item Env:WXPAY_PUBLIC_KEY_PATH
}
'Errors: ' + $Error.Count
$Error | Format-List * -Force | Out-String -Width 500
$Error | ForEach-Object { $_.Exception | Format-List * -Force | Out-String -Width 500; $_.Exception.ToString() }
Stop-Transcript | Out-Null
'@ | Set-Content -LiteralPath $runbook

        $output = Invoke-ChildPwsh $runbook -Arguments '-Module', $env:WXPAYSCORE_TEST_MODULE, '-Work', $Work, '-Transcript', $transcript
        $recorded = Get-Content -LiteralPath $transcript -Raw

        # 2 kinds x (6 terminate + 5 connect + 2 x 2 variables) = 30 stops, each with its own id.
        $output | Should -Match 'Errors: 30'
        ([regex]::Matches($recorded, 'KeyMaterialGivenAsPath,WeChatPay\.Payscore\.Commands\.(Invoke|Connect)')).Count | Should -BeGreaterOrEqual 30
        $recorded | Should -Match 'The value of -PrivateKeyPath looks like PEM key text, not a path'
        $recorded | Should -Match 'The value of WXPAY_PUBLIC_KEY_PATH looks like Base64 key data'
        foreach ($key in $KeyPem, $KeyP12) {
            Find-KeyRun $recorded $key | Should -BeNullOrEmpty -Because 'the transcript must not hold key material'
            Find-KeyRun $output $key | Should -BeNullOrEmpty -Because 'the console output must not hold key material'
        }
        @(Get-ChildItem -LiteralPath $Work -Name) | Sort-Object | Should -Be @('key.p12.txt', 'key.pem', 'pub.pem', 'runbook.ps1', 'transcript.txt')
    }
}

Describe 'Addresses that hold a password' {
    It 'stops every base URI, backup base URI, WXPAY_BASE_URI and proxy that holds one, and no stream, error view or transcript shows it' {
        $secret = 'PesterUriSecret' + ([guid]::NewGuid().ToString('n').Substring(0, 12))
        $run = Invoke-SecretRunbook 'uri' -Secret $secret -Body @'
$base = @{ MerchantId = '1900009191'; MerchantSerialNumber = 'ABCDEF0123'; BaseUri = 'http://127.0.0.1:9'; PrivateKeyPath = (Join-Path $Work 'key.pem')
           WechatpayPublicKeyId = 'PUB_KEY_ID_0114232134912410000000000000000001'; WechatpayPublicKeyPath = (Join-Path $Work 'pub.pem'); TimeoutSec = 2 }
$row = [pscustomobject]@{ openid = 'oSecret'; service_id = '500001'; appid = 'wxd678efh567hg6787'; reason = 'r' }
# Each refused; those the checks once let through reach only 127.0.0.1:9, where nothing listens.
$baseUris = "https://alice:$Secret@api.mch.weixin.qq.com", "https://api.mch.weixin.qq.com/?sig=$Secret", "http://127.0.0.1:9/#$Secret",
            "https://alice:$Secret@[api.mch.weixin.qq.com", "alice:$Secret@api.mch.weixin.qq.com"
$proxies = "socks5://bob:$Secret@proxy.corp.example:1080", "ftp://bob:$Secret@proxy.corp.example", "http://bob:$Secret@proxy.corp.example:8080",
           "http://127.0.0.1:9/?token=$Secret", "bob:$Secret", "http://bob:$Secret@[proxy.corp.example"
foreach ($uri in $baseUris) {
    $p = $base.Clone(); $p.BaseUri = $uri
    $row | Invoke-WxPayscoreTerminate @p -MaxRetries 0 -Confirm:$false
    $row | Get-WxPayscorePermission @p -MaxRetries 0
    Connect-WxPayscore @p
    $p = $base.Clone(); $p.BackupBaseUri = $uri
    $row | Invoke-WxPayscoreTerminate @p -MaxRetries 0 -Confirm:$false
    $p = $base.Clone(); $p.Remove('BaseUri'); $env:WXPAY_BASE_URI = $uri
    $row | Invoke-WxPayscoreTerminate @p -MaxRetries 0 -Confirm:$false
    Connect-WxPayscore @p
    Remove-Item Env:WXPAY_BASE_URI
}
foreach ($uri in $proxies) {
    $p = $base.Clone(); $p.Proxy = $uri
    $row | Invoke-WxPayscoreTerminate @p -MaxRetries 0 -Confirm:$false
    Connect-WxPayscore @p
}
'Connection: ' + (Get-WxPayscoreConnection | Format-List * -Force | Out-String -Width 500)
'@

        # 5 base URIs x 6 commands + 6 proxies x 2 commands, each stopped with its own id; no connection was made.
        $run.Output | Should -Match 'Errors: 42'
        ([regex]::Matches($run.Output, 'Id: BaseUriInvalid,WeChatPay\.Payscore\.Commands\.(Invoke|Get|Connect)')).Count | Should -Be 30
        ([regex]::Matches($run.Output, 'Id: ProxyInvalid,WeChatPay\.Payscore\.Commands\.(Invoke|Connect)')).Count | Should -Be 12
        $run.Output | Should -Match 'Connection: \s*(\r?\n)+Errors: 42'
        $run.Recorded | Should -Match 'The base URI https://api\.mch\.weixin\.qq\.com <user info removed> \(-BaseUri\) has user info'
        $run.Recorded | Should -Match 'The base URI https://api\.mch\.weixin\.qq\.com <query removed> \(WXPAY_BASE_URI\) has a query'
        $run.Recorded | Should -Match '-Proxy socks5://proxy\.corp\.example:1080 <user info removed> is not an http:// or https:// proxy address'
        $run.Recorded | Should -Match '-Proxy <\d+ characters not shown, as they may hold a password> is not an absolute http:// or https:// address'
        foreach ($text in $run.Recorded, $run.Output) {
            Assert-NoPiece $text $secret.Substring(15) -Because 'no stream, error view or transcript may hold a password given in an address'
            $text.Contains('PesterUriSecret') | Should -BeFalse -Because 'not even the start of the password may show'
        }
    }
}

Describe 'Input without a header line' {
    It 'says that the CSV seems to have no header line and sends nothing' {
        $csv = Join-Path $Work 'no-header.csv'
        Set-Content -LiteralPath $csv -Value @('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,500001,wxd678efh567hg6787,用户申请解除', 'oUpF8uN3rT0Lq5Wd8sYkHmZcXbE1,500001,wxd678efh567hg6787,用户申请解除')

        $results = Import-Csv $csv | Invoke-WxPayscoreTerminate -MerchantId 1900009191 -MerchantSerialNumber ABCDEF0123 `
            -PrivateKeyPath (Join-Path $Work 'key.pem') -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 `
            -WechatpayPublicKeyPath (Join-Path $Work 'pub.pem') -BaseUri http://127.0.0.1:9 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable rowErrors

        @($results).Count | Should -Be 1
        $results.Code | Should -Be 'INVALID_INPUT'
        $results.Message | Should -Match 'the input seems to have no header line'
        $results.Message | Should -Match 'Import-Csv -Header openid,service_id'
        $results.Attempts | Should -Be 0
        $rowErrors.Count | Should -Be 1
    }
}

Describe 'The APIv3 key' {
    It 'is checked, said to be there by where it came from, and never shown: not in any stream, error, result or connection' {
        $apiKey = 'PesterOnlyV3Key-' + ([guid]::NewGuid().ToString('n').Substring(0, 16))
        $run = Invoke-SecretRunbook 'apiv3' -Secret $apiKey -Body @'
$p = @{ MerchantId = '1900009191'; MerchantSerialNumber = 'ABCDEF0123'; BaseUri = 'http://127.0.0.1:9'; PrivateKeyPath = (Join-Path $Work 'key.pem')
        WechatpayPublicKeyId = 'PUB_KEY_ID_0114232134912410000000000000000001'; WechatpayPublicKeyPath = (Join-Path $Work 'pub.pem') }
$secure = ConvertTo-SecureString $Secret -AsPlainText -Force
Connect-WxPayscore @p -ApiV3Key $secure -PassThru | Format-List * -Force | Out-String -Width 500
'Connection key: ' + (Get-WxPayscoreConnection).ApiV3Key
Get-WxPayscoreConnection | Format-Table -AutoSize | Out-String -Width 500
$row = [pscustomobject]@{ openid = 'oSecret'; service_id = '500001'; appid = 'wxd678efh567hg6787'; reason = 'r' }
$row | Invoke-WxPayscoreTerminate -WhatIf | Format-List * | Out-String -Width 500
Disconnect-WxPayscore
$env:WXPAY_APIV3_KEY = $Secret.Substring(1)
Connect-WxPayscore @p
$row | Invoke-WxPayscoreTerminate @p -Confirm:$false
Remove-Item Env:WXPAY_APIV3_KEY
Connect-WxPayscore @p -ApiV3Key (ConvertTo-SecureString ($Secret + 'x') -AsPlainText -Force)
'@

        $run.Output | Should -Match 'Connection key: -ApiV3Key of the session connection'
        $run.Output | Should -Match 'Errors: 3'
        ([regex]::Matches($run.Output, 'Id: ApiV3KeyInvalid,WeChatPay\.Payscore\.Commands\.(Connect|Invoke)')).Count | Should -Be 3
        $run.Recorded | Should -Match 'The APIv3 key \(WXPAY_APIV3_KEY\) has 31 bytes'
        $run.Recorded | Should -Match 'The APIv3 key \(-ApiV3Key\) has 33 bytes'
        foreach ($text in $run.Recorded, $run.Output) {
            # Any 8 characters of the key's random half would be a leak.
            Assert-NoPiece $text $apiKey.Substring(16) -Because 'no stream may hold the APIv3 key'
        }
    }
}
