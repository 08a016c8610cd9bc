BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Start-TestFile
    # What checking notifications takes: the WeChat Pay keys and the APIv3 key; no private key, and no merchant id (one
    # given narrows what is accepted to that merchant's).
    $script:Verify = @{
        WechatpayPublicKeyId    = $Sim.Info.publicKeyId
        WechatpayPublicKeyPath  = $Sim.Info.publicKeyPath
        PlatformCertificatePath = $Sim.Info.platformCertificatePath
        ApiV3Key                = ConvertTo-SecureString (Get-Content -Raw $Sim.Info.apiV3KeyPath) -AsPlainText -Force
    }
}

AfterAll {
    Stop-TestFile
}

Describe 'ConvertFrom-WxPayscoreNotification' {
    BeforeEach {
        Reset-WxSimulator -Simulator $Sim
        $script:Callbacks = Join-Path $Work ([guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $Callbacks | Out-Null
    }

    It 'reconciles stored callbacks with the authorizations, as an admin would, the bad ones refused with their ids' {
        New-WxSimulatorNotification -Simulator $Sim -OpenId 'oClosed1' -ServiceId '500001' -AppId $AppId -AgeSeconds 7200 -Path (Join-Path $Callbacks '1.http') | Out-Null
        New-WxSimulatorNotification -Simulator $Sim -OpenId 'oClosed2' -ServiceId '500001' -AppId $AppId -Signing PlatformCertificate -Path (Join-Path $Callbacks '2.http') | Out-Null
        New-WxSimulatorNotification -Simulator $Sim -OpenId 'oOpened3' -ServiceId '500001' -AppId $AppId -EventType PAYSCORE.USER_OPEN_SERVICE -Form Json -Path (Join-Path $Callbacks '3.http') | Out-Null
        New-WxSimulatorNotification -Simulator $Sim -OpenId 'oForged4' -ServiceId '500001' -AppId $AppId -Fault TamperedBody -Path (Join-Path $Callbacks '4.http') | Out-Null
        New-WxSimulatorNotification -Simulator $Sim -Fault SignatureProbe -Path (Join-Path $Callbacks '5.http') | Out-Null
        New-WxSimulatorNotification -Simulator $Sim -OpenId 'oOtherKey6' -Fault WrongApiV3Key -Path (Join-Path $Callbacks '6.http') | Out-Null

        $states = Get-ChildItem (Join-Path $Callbacks '*.http') | Sort-Object Name |
            ConvertFrom-WxPayscoreNotification @Verify -SkipTimestampCheck -ErrorVariable refused -ErrorAction SilentlyContinue |
            Get-WxPayscorePermission @Cred

        @($states | Sort-Object RowNumber | ForEach-Object { "$($_.OpenId)=$($_.AuthorizationState)" }) | Should -Be @('oClosed1=UNAVAILABLE', 'oClosed2=UNAVAILABLE', 'oOpened3=AVAILABLE')
        @($refused | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) | Should -Be @('NotificationSignatureInvalid', 'NotificationSignatureProbe', 'NotificationDecryptionFailed')
        @($refused | ForEach-Object { Split-Path -Leaf $_.TargetObject }) | Should -Be @('4.http', '5.http', '6.http')
    }

    It 'refuses a stored notification as stale without -SkipTimestampCheck, and shows fresh ones in the table' {
        New-WxSimulatorNotification -Simulator $Sim -OpenId 'oOld' -AgeSeconds 3600 -Path (Join-Path $Callbacks 'old.http') | Out-Null
        $fresh = New-WxSimulatorNotification -Simulator $Sim -OpenId 'oFresh' -ServiceId '500001' -Path (Join-Path $Callbacks 'fresh.http')

        $notifications = ConvertFrom-WxPayscoreNotification -Path (Join-Path $Callbacks '*.http') @Verify -ErrorVariable refused -ErrorAction SilentlyContinue
        $table = $notifications | Format-Table | Out-String -Width 120

        @($notifications).OpenId | Should -Be @('oFresh')
        ($refused[0].FullyQualifiedErrorId -split ',')[0] | Should -Be 'NotificationStale'
        $refused[0].Exception.Message | Should -Match '-SkipTimestampCheck'
        $table | Should -Match "closed\s+oFresh\s+500001\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+$($fresh.id)"
    }

    It 'checks headers and body as a web framework hands them over, and stops without an APIv3 key' {
        $notification = New-WxSimulatorNotification -Simulator $Sim -OpenId 'oLive' -AuthorizationCode 'CODE_LIVE'
        $headers = @{}
        $notification.headers.PSObject.Properties | ForEach-Object { $headers[$_.Name.ToLowerInvariant()] = $_.Value }
        $withoutKey = $Verify.Clone()
        $withoutKey.Remove('ApiV3Key')

        $live = [pscustomobject]@{ Headers = $headers; Body = $notification.body } | ConvertFrom-WxPayscoreNotification @Verify
        $stop = { ConvertFrom-WxPayscoreNotification -Headers $headers -Body $notification.body @withoutKey } | Should -Throw -PassThru

        $live.OpenId | Should -Be 'oLive'
        $live.NotifiedAuthorizationCode | Should -Be 'CODE_LIVE'
        $live.MerchantId | Should -Be $Sim.Info.merchantId
        $stop.FullyQualifiedErrorId | Should -Match '^ApiV3KeyMissing,'
    }

    It 'reads a callback re-saved as UTF-16, gives a repeated one once with a warning, and refuses another merchant''s' {
        $saved = New-WxSimulatorNotification -Simulator $Sim -OpenId 'oSaved' -Path (Join-Path $Callbacks 'a.http')
        # As Windows PowerShell 5.1's > re-saves a callback it read as text: UTF-16 LE with a byte order mark, a line break added.
        Get-Content -Raw (Join-Path $Callbacks 'a.http') | Out-File (Join-Path $Callbacks 'b-resaved.http') -Encoding unicode
        New-WxSimulatorNotification -Simulator $Sim -OpenId 'oForeign' -MerchantId '1900000999' -Path (Join-Path $Callbacks 'c-foreign.http') | Out-Null

        $notifications = Get-ChildItem (Join-Path $Callbacks '*.http') | Sort-Object Name |
            ConvertFrom-WxPayscoreNotification @Verify -MerchantId $Sim.Info.merchantId -SkipTimestampCheck `
                -ErrorVariable refused -ErrorAction SilentlyContinue -WarningVariable repeats -WarningAction SilentlyContinue

        @($notifications).OpenId | Should -Be @('oSaved')
        @($repeats).Count | Should -Be 1
        "$($repeats[0])" | Should -BeLike "*b-resaved.http: notification '$($saved.id)' was given already*"
        @($refused).Count | Should -Be 1
        ($refused[0].FullyQualifiedErrorId -split ',')[0] | Should -Be 'NotificationMerchantMismatch'
        $refused[0].Exception.Message | Should -Match "1900000999.*$($Sim.Info.merchantId)"
    }

    It 'refuses a FIFO nobody writes without waiting, in a child pwsh that must end' -Skip:$IsWindows {
        $fifo = Join-Path $Callbacks 'callback.http'
        & mkfifo $fifo
        $LASTEXITCODE | Should -Be 0
        $file = Join-Path $Work 'fifo-runbook.ps1'
        Set-Content -Path $file -Encoding utf8 -Value @"
Import-Module '$($env:WXPAYSCORE_TEST_MODULE)'
ConvertFrom-WxPayscoreNotification -LiteralPath '$fifo' -ErrorVariable refused -ErrorAction SilentlyContinue
'ERRORID:' + `$refused[0].FullyQualifiedErrorId
'MESSAGE:' + `$refused[0].Exception.Message
"@
        $environment = @{
            WXPAY_PUBLIC_KEY_ID   = $Verify.WechatpayPublicKeyId
            WXPAY_PUBLIC_KEY_PATH = $Verify.WechatpayPublicKeyPath
            WXPAY_APIV3_KEY       = Get-Content -Raw $Sim.Info.apiV3KeyPath
        }

        # A child blocked opening the FIFO is killed after the limit, which fails the test.
        $run = Invoke-Runbook -File $file -Environment $environment -TimeoutSec 60

        $run.Output | Should -Match 'ERRORID:NotificationUnreadable,'
        $run.Output | Should -Match 'MESSAGE:.*callback\.http: it is a FIFO'
    }
}
