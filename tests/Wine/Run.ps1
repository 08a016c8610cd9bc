# The run that the Wine lane kills mid-way (tests/Wine/Invoke-WineSmoke.ps1 stops every Wine process once the journal
# has results), and that Smoke.ps1 then resumes with the same journal. Run by tools/WinHost under Wine.
param([Parameter(Mandatory)] [string] $ConfigPath)

$ErrorActionPreference = 'Stop'
$config = Get-Content -LiteralPath $ConfigPath -Raw | ConvertFrom-Json
Import-Module $config.ModulePath
1..$config.KilledRows | ForEach-Object { [pscustomobject]@{ openid = "oWineKilled$_"; service_id = '500001' } } |
    Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason r -Confirm:$false -ThrottleLimit 1 -MerchantId $config.MerchantId `
        -MerchantSerialNumber $config.MerchantSerialNumber -PrivateKeyPath $config.PrivateKeyPath -WechatpayPublicKeyId $config.WechatpayPublicKeyId `
        -WechatpayPublicKeyPath $config.WechatpayPublicKeyPath -BaseUri $config.BaseUri -JournalPath $config.KilledJournalPath | Out-Null
'the run ended before it was killed'
