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

Write-Output "$script:passed passed, $script:failed failed"
