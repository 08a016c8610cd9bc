# The examples of each cmdlet's help (Get-Help <cmdlet> -Examples). tools/New-ModuleHelp.ps1 writes them into the
# MAML help file; the tests check that each one parses.
@{
    'Invoke-WxPayscoreTerminate' = @(
        @{
            Code    = "Import-Csv users.csv -Encoding UTF8 | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false -JournalPath run.jsonl | Export-Csv results.csv -NoTypeInformation -Encoding UTF8"
            Remarks = 'Ends the authorization of every row of users.csv (columns openid, service_id, optionally appid and reason) with the session connection, keeps a journal, and writes one result per row to results.csv. Run it again with the same journal after a crash: nothing is sent twice. -Encoding UTF8 keeps Chinese text on both editions (Windows PowerShell 5.1 writes ASCII without it); on PowerShell 7 give Export-Csv -Encoding utf8BOM for Excel. See about_WeChatPay_Payscore (CSV FILES AND THEIR ENCODING).'
        }
        @{
            Code    = "Import-Csv users.csv | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -WhatIf"
            Remarks = 'Previews the run: every row is validated and shown, nothing is sent. Rows with bad input still get an INVALID_INPUT result.'
        }
        @{
            Code    = "Connect-WxPayscore -MerchantId (Get-AutomationVariable -Name 'wxpay-mchid') -MerchantSerialNumber (Get-AutomationVariable -Name 'wxpay-merchant-serial') -PrivateKey (ConvertTo-SecureString (Get-AutomationVariable -Name 'wxpay-private-key') -AsPlainText -Force) -WechatpayPublicKeyId (Get-AutomationVariable -Name 'wxpay-public-key-id') -WechatpayPublicKeyPath `$publicKeyPath`nImport-Csv `$UsersCsv -Encoding UTF8 | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false -ErrorAction Continue -JournalPath `$JournalPath | Export-Csv `$ResultsCsv -NoTypeInformation -Encoding UTF8"
            Remarks = 'An Azure Automation runbook: the credentials come from automation variables into this job''s session connection, not into WXPAY_* environment variables, which all jobs of a sandbox process share; $publicKeyPath is the WeChat Pay public key saved to a file of the job''s own. -Confirm:$false because nobody can answer a prompt.'
        }
        @{
            Code    = "Import-Csv `$UsersCsv -Encoding UTF8 | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false -JournalPath `$JournalPath -StopAfter 2:45:00 | Export-Csv `$ResultsCsv -NoTypeInformation -Encoding UTF8"
            Remarks = 'A job that Azure Automation stops after 3 hours ends on its own after 2 hours 45 minutes: no row starts after that, the rows in flight finish, and every later row gets a NOT_STARTED result without a request; a warning says how many. The next job, run with the same journal, sends those rows and skips the rows already ended.'
        }
        @{
            Code    = "Invoke-WxPayscoreTerminate -AuthorizationCode 1234323JKHDFE1243252 -ServiceId 500001 -Reason '服务调整' -Confirm:`$false"
            Remarks = 'Ends one authorization by the authorization code the merchant gave when the user authorized. In a CSV, a row with an authorization_code column does the same; one file may mix openid and authorization_code rows.'
        }
        @{
            Code    = "Import-Csv sub-merchant-users.csv -Encoding UTF8 | Invoke-WxPayscoreTerminate -SubMerchantId 1900000109 -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false | Export-Csv results.csv -NoTypeInformation -Encoding UTF8"
            Remarks = 'A service provider ends the authorizations of a sub-merchant''s users with its own credentials: rows with openid (under the provider''s appid), sub_openid with sub_appid (under the sub-merchant''s appid), or authorization_code. A sub_mchid column instead of -SubMerchantId lets one file cover several sub-merchants.'
        }
        @{
            Code    = "Invoke-WxPayscoreTerminate -SubMerchantId 1900000109 -AuthorizationCode 1234323JKHDFE1243252 -ServiceId 500001 -Reason '服务调整' -Confirm:`$false"
            Remarks = 'A service provider ends one sub-merchant''s authorization by the authorization code it was given (the partner authorization-code endpoint). In a CSV, a row with sub_mchid and authorization_code columns does the same; no appid is sent with a code.'
        }
    )
    'Get-WxPayscorePermission' = @(
        @{
            Code    = 'Import-Csv users.csv | Get-WxPayscorePermission -AppId wxd678efh567hg6787 | Group-Object AuthorizationState'
            Remarks = 'Previews a batch: how many authorizations stand (AVAILABLE), are ended (UNAVAILABLE) or were unbound by the user (UNBINDUSER).'
        }
        @{
            Code    = "Import-Csv users.csv | Get-WxPayscorePermission -AppId wxd678efh567hg6787 | Where-Object AuthorizationState -eq 'AVAILABLE' | Export-Csv still-authorized.csv -NoTypeInformation -Encoding UTF8"
            Remarks = 'Audits a batch after Invoke-WxPayscoreTerminate: the rows whose authorization still stands.'
        }
        @{
            Code    = 'Get-WxPayscorePermission -OpenId oUpF8uMuAJO_M2pxb1Q9zNjWeS6o -ServiceId 500001 -AppId wxd678efh567hg6787 | Format-List'
            Remarks = 'Asks about one user, with the state and its times.'
        }
        @{
            Code    = "Import-Csv users.csv | Get-WxPayscorePermission -AppId wxd678efh567hg6787 | Where-Object AuthorizationState -eq 'AVAILABLE' | Invoke-WxPayscoreTerminate -Reason '服务调整' -Confirm:`$false"
            Remarks = 'Ends only the authorizations that still stand: the results of Get-WxPayscorePermission carry every identifying value (openid, authorization code, sub-merchant), so they pipe straight into Invoke-WxPayscoreTerminate.'
        }
        @{
            Code    = 'Get-WxPayscorePermission -SubMerchantId 1900000109 -SubAppId wx8888888888888888 -SubOpenId oUpF8uMuAJO_M2pxb1Q9zNjWeS6o -AppId wxd678efh567hg6787 -ServiceId 500001'
            Remarks = 'A service provider asks about a sub-merchant''s user, named by the openid under the sub-merchant''s appid.'
        }
        @{
            Code    = 'Get-WxPayscorePermission -SubMerchantId 1900000109 -AuthorizationCode 1234323JKHDFE1243252 -ServiceId 500001'
            Remarks = 'A service provider asks about a sub-merchant''s authorization by its authorization code.'
        }
    )
    'Get-WxPayscoreJournal' = @(
        @{
            Code    = 'Get-WxPayscoreJournal run.jsonl -State Sending, Unknown'
            Remarks = 'After a run was killed (or while it goes on): the authorizations it left unfinished. Sending: the request was about to leave and no final record followed, so WeChat Pay may have ended it; Unknown: the answer was lost or did not verify. Every authorization WeChat Pay ended is Done or Sending; none is Done that it did not end.'
        }
        @{
            Code    = 'Get-WxPayscoreJournal run.jsonl -State Unknown, Sending | Get-WxPayscorePermission | Format-Table OpenId, ServiceId, AuthorizationState'
            Remarks = 'Asks WeChat Pay about each of those authorizations (with the session connection): UNAVAILABLE means it was ended. The rows carry OpenId, ServiceId, AppId and the other identifying properties, so they pipe in by property name.'
        }
        @{
            Code    = "Get-WxPayscoreJournal run.jsonl -State Unknown, Sending | Invoke-WxPayscoreTerminate -Reason '服务调整' -Confirm:`$false -JournalPath run.jsonl"
            Remarks = 'Resumes only those rows, with the same journal: each is asked about first (SETTLED_BY_QUERY when it was ended) and sent only when its authorization still stands; their records go into the same journal. The journal is read before the run writes to it.'
        }
        @{
            Code    = "Get-WxPayscoreJournal -Path (Get-AutomationVariable -Name 'wxpay-journal-sas-url') | Group-Object State -NoElement"
            Remarks = 'A runbook counts the rows of a journal in Azure Blob Storage by state. The URL needs a SAS token with read permission; it is shown in no message.'
        }
    )
    'Get-WxPayscorePlatformCertificate' = @(
        @{
            Code    = "Get-WxPayscorePlatformCertificate -MerchantId 1900009191 -PrivateKeyPath ./apiclient_key.pem -MerchantSerialNumber 1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C -ApiV3Key (Read-Host -AsSecureString 'APIv3 key') -OutputDirectory ./certs"
            Remarks = 'A first download: nothing is trusted yet, so the list is verified with the certificate it holds and a warning gives its serial and SHA-256 fingerprint. Each certificate is saved as ./certs/wechatpay_<serial>.pem, for -PlatformCertificatePath.'
        }
        @{
            Code    = "Get-WxPayscorePlatformCertificate -PlatformCertificatePath ./certs/wechatpay_*.pem -OutputDirectory ./certs -WhatIf"
            Remarks = 'Checks for new certificates with the session connection (which holds the APIv3 key), verified with the ones already saved, and shows which files would be written; nothing is overwritten without -Force.'
        }
        @{
            Code    = "Connect-WxPayscore -MerchantId 1900009191 -PrivateKeyPath ./apiclient_key.pem -MerchantSerialNumber 1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C -ApiV3Key (Read-Host -AsSecureString 'APIv3 key')`nImport-Csv users.csv -Encoding UTF8 | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false | Export-Csv results.csv -NoTypeInformation -Encoding UTF8"
            Remarks = 'A merchant on platform certificates needs no certificate file: with only the merchant id, serial, key and APIv3 key, the run downloads the certificates at start (announcing first-use trust with the fingerprint) and again, once, when WeChat Pay starts signing with a new one.'
        }
        @{
            Code    = "Get-WxPayscorePlatformCertificate -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 -WechatpayPublicKeyPath ./pub_key.pem | Format-List"
            Remarks = 'During a migration to the WeChat Pay public key: the list is verified with the public key, or, when WeChat Pay signs it with a platform certificate instead, with the certificate it holds once every certificate in it has decrypted under the APIv3 key (a warning says so, with the fingerprint). A merchant that has only the public key gets PlatformCertificatesNotAvailable (WeChat Pay answers 404 RESOURCE_NOT_EXISTS or NOT_FOUND).'
        }
    )
    'Connect-WxPayscore' = @(
        @{
            Code    = 'Connect-WxPayscore -MerchantId 1900009191 -CertificatePath ./apiclient_cert.p12 -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 -WechatpayPublicKeyPath ./pub_key.pem'
            Remarks = 'Connects with the PKCS#12 file WeChat Pay issued (its password is the merchant id, its certificate gives the serial number).'
        }
        @{
            Code    = 'Connect-WxPayscore -MerchantId 1900009191 -PrivateKey (Get-Secret wxpay-key) -MerchantCertificatePath ./apiclient_cert.pem -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 -WechatpayPublicKeyPath ./pub_key.pem -PassThru'
            Remarks = 'Connects with the key from a SecretManagement vault: it never touches the disk. The certificate gives the serial number and is checked against the key.'
        }
        @{
            Code    = 'Connect-WxPayscore -Proxy http://proxy.corp.example:8080 -ProxyCredential (Get-Credential)'
            Remarks = 'Connects with the WXPAY_* environment variables for everything not given, through a proxy that asks for credentials.'
        }
    )
    'Get-WxPayscoreConnection' = @(
        @{
            Code    = 'Get-WxPayscoreConnection'
            Remarks = 'Shows the merchant id, serial number, where the key is, the WeChat Pay key ids and the base URI of the session connection. Never key material.'
        }
        @{
            Code    = "`$notAfter = (Get-WxPayscoreConnection).CertificateNotAfter`nif (`$null -eq `$notAfter) { 'The expiry of the merchant certificate is unknown: connect with -MerchantCertificatePath or -CertificatePath to know it.' }`nelseif (`$notAfter -lt (Get-Date).AddDays(30)) { ""The merchant certificate expires soon: `$notAfter"" }"
            Remarks = 'Warns when the merchant certificate expires within 30 days. CertificateNotAfter is filled whenever a certificate was given (-MerchantCertificatePath, or the .p12 of -CertificatePath); a connection made with a key and a serial only has none, and its expiry is unknown, not soon (compared as it is, an empty date is less than any date).'
        }
        @{
            Code    = 'if (-not (Get-WxPayscoreConnection)) { Connect-WxPayscore }'
            Remarks = 'Connects from the environment variables unless the session already has a connection.'
        }
    )
    'Disconnect-WxPayscore' = @(
        @{
            Code    = 'Disconnect-WxPayscore'
            Remarks = 'Forgets the session connection; later commands need credential parameters or WXPAY_* variables again.'
        }
        @{
            Code    = "try { Import-Csv users.csv | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false } finally { Disconnect-WxPayscore }"
            Remarks = 'A script that connects for one run and leaves nothing behind.'
        }
        @{
            Code    = 'Disconnect-WxPayscore -Verbose'
            Remarks = 'Says whether there was a connection to forget.'
        }
    )
    'ConvertFrom-WxPayscoreNotification' = @(
        @{
            Code    = "Get-ChildItem callbacks/*.http | ConvertFrom-WxPayscoreNotification -SkipTimestampCheck | Get-WxPayscorePermission | Where-Object AuthorizationState -eq 'AVAILABLE'"
            Remarks = 'Reconciles a bulk run with the callbacks the notify_url endpoint stored: each stored notification is verified (signature and WeChat Pay key; its age is not checked) and decrypted, and the state of its authorization is asked about now, by openid. The APIv3 key comes from the session connection or WXPAY_APIV3_KEY.'
        }
        @{
            Code    = "ConvertFrom-WxPayscoreNotification -Headers `$request.Headers -Body `$request.Body -ApiV3Key (Get-Secret wxpay-apiv3-key) -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 -WechatpayPublicKeyPath ./pub_key.pem"
            Remarks = 'Checks one notification as it arrives (a PowerShell Azure Function or a web framework hands over the headers and the raw body): the 300 s window applies, so a notification signed more than 300 s ago is refused (NotificationStale). A repeat within the window verifies again: WeChat Pay sends a notification until the endpoint answers it, so the endpoint keeps the NotificationIds it handled. No merchant private key is needed.'
        }
        @{
            Code    = "Get-ChildItem callbacks -Filter *.json | ConvertFrom-WxPayscoreNotification -SkipTimestampCheck -ErrorVariable refused -ErrorAction SilentlyContinue -WarningVariable repeats | Export-Csv notifications.csv -NoTypeInformation -Encoding UTF8`n`$refused | ForEach-Object { '{0}: {1}' -f `$_.FullyQualifiedErrorId, `$_.Exception.Message }"
            Remarks = 'Exports every verified notification once: WeChat Pay retries a notification for up to 3 days, so the same NotificationId is stored several times, and the command outputs it once, each repeat a warning (in $repeats). Then lists the refused ones with their error ids: NotificationSignatureInvalid, NotificationSignatureProbe, NotificationKeyUnknown, NotificationDecryptionFailed, NotificationMerchantMismatch and so on.'
        }
        @{
            Code    = "Get-ChildItem callbacks/*.http | ConvertFrom-WxPayscoreNotification -SkipTimestampCheck | Select-Object @{ n = 'AuthorizationCode'; e = { `$_.NotifiedAuthorizationCode } }, ServiceId | Get-WxPayscorePermission"
            Remarks = 'Asks by the authorization code the notifications carry instead of by openid (a row may not have both).'
        }
    )
    'Test-WxPayscoreConnection' = @(
        @{
            Code    = 'Test-WxPayscoreConnection'
            Remarks = 'Checks the session connection (or the WXPAY_* variables) against WeChat Pay with one GET /v3/certificates, which changes nothing: Passed, the ClockOffset (WeChat Pay''s clock minus this machine''s), the Mode WeChat Pay signs with (PublicKey, PlatformCertificates or Both), the Problems by error id, and what to fix for each failed check. A clock more than 60 s off is also a warning.'
        }
        @{
            Code    = "Test-WxPayscoreConnection -MerchantId 1900009191 -PrivateKeyPath ./apiclient_key.pem -MerchantSerialNumber 1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 -WechatpayPublicKeyPath ./pub_key.pem -ApiV3Key (Read-Host -AsSecureString 'APIv3 key') -AppId wxd678efh567hg6787 -ServiceId 500001 -OpenId oUpF8uMuAJO_M2pxb1Q9zNjWeS6o | ForEach-Object Checks | Format-Table -Wrap"
            Remarks = 'Checks every setting of a run given on the command line, the APIv3 key (it must decrypt the platform certificate list, when the merchant has one) and, with one user''s appid, service_id and openid, that WeChat Pay answers the permission query for that service; each check on its own line with its message. That user''s authorization is only asked about, never ended.'
        }
        @{
            Code    = "`$check = Test-WxPayscoreConnection -TimeoutSec 10`nif (-not `$check.Passed) { throw ('Not starting the run: ' + (`$check.Problems -join ', ')) }`nImport-Csv `$UsersCsv -Encoding UTF8 | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false -JournalPath `$JournalPath | Export-Csv `$ResultsCsv -NoTypeInformation -Encoding UTF8"
            Remarks = 'A runbook that starts a million-row run only when WeChat Pay accepts the settings: a wrong serial (MerchantSerialNumberRejected), a key WeChat Pay refuses (SignatureRejected), a clock more than 300 s off (ClockOffsetTooLarge), WeChat Pay out of reach within 10 s (WechatpayUnreachable), or WeChat Pay keys that do not verify its answers (WechatpayKeyMismatch) stop it before the first row.'
        }
    )
}
