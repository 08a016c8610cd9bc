# Starts and drives the WeChat Pay simulator as a separate process, for Pester tests, the demo and
# the benchmark. The simulator stops by itself after -MaxLifetimeSec even if nobody stops it.

function Start-WxSimulator {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $SimulatorPath,
        [int] $LatencyMs = 0,
        [int] $MaxLifetimeSec = 1800,
        [ValidateSet('Auto', 'PublicKey', 'PlatformCertificate', 'Alternate')] [string] $Signing = 'Auto',
        [string] $KeyDirectory
    )
    if (-not (Test-Path $SimulatorPath)) { throw "Simulator not built: '$SimulatorPath'. Run ./build.ps1 first." }
    $work = Join-Path ([IO.Path]::GetTempPath()) ("wxsim-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $work | Out-Null
    if (-not $KeyDirectory) { $KeyDirectory = Join-Path $work 'keys' }
    $infoFile = Join-Path $work 'info.json'
    $arguments = @($SimulatorPath, '--port', '0', '--key-dir', $KeyDirectory, '--info-file', $infoFile,
        '--latency-ms', $LatencyMs, '--max-lifetime-sec', $MaxLifetimeSec, '--signing', $Signing)
    $process = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -PassThru `
        -RedirectStandardOutput (Join-Path $work 'stdout.txt') -RedirectStandardError (Join-Path $work 'stderr.txt')
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path $infoFile)) {
        if ($process.HasExited) {
            throw "The simulator exited with code $($process.ExitCode): $(Get-Content (Join-Path $work 'stderr.txt') -Raw)"
        }
        if ([DateTime]::UtcNow -gt $deadline) {
            Stop-Process -Id $process.Id -Force -ErrorAction Ignore
            throw 'The simulator did not start within 60 s.'
        }
        Start-Sleep -Milliseconds 100
    }
    $info = Get-Content $infoFile -Raw | ConvertFrom-Json
    [pscustomobject]@{
        Process   = $process
        Info      = $info
        BaseUri   = $info.baseUri.TrimEnd('/')
        WorkDir   = $work
    }
}

function Stop-WxSimulator {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator)
    try { Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/shutdown" -TimeoutSec 5 | Out-Null } catch { }
    if (-not $Simulator.Process.WaitForExit(5000)) { Stop-Process -Id $Simulator.Process.Id -Force -ErrorAction Ignore }
    Remove-Item $Simulator.WorkDir -Recurse -Force -ErrorAction Ignore
}

function Get-WxSimulatorState {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator)
    Invoke-RestMethod -Uri "$($Simulator.BaseUri)/__sim/state" -TimeoutSec 10
}

function Get-WxSimulatorSignature {
    # The signature="..." values of the Authorization headers the simulator received since it started or was
    # last reset, in order, at most 100,000: for tests that check a client never writes them anywhere.
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] $Simulator)
    # foreach, not the pipeline: an empty list must give nothing rather than one $null.
    foreach ($signature in (Invoke-RestMethod -Uri "$($Simulator.BaseUri)/__sim/signatures" -TimeoutSec 30)) {
        [string] $signature
    }
}

function Reset-WxSimulator {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator)
    Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/reset" -TimeoutSec 10 | Out-Null
}

function Add-WxSimulatorFault {
    # -Kind is any FaultKind name (the simulator checks it and refuses unknown ones), OversizedBody and Redirect
    # included. -Target Terminate or Query limits the rule to that kind of request, so that for instance a client's
    # settling query stays clean while its terminates fail; -Count is only used up by requests the rule matches.
    # -OpenId also matches a request by authorization code with that code, and a partner request by its sub_openid.
    # -Target Certificates limits it to GET /v3/certificates (TamperedBody, WrongCertificateSerial, DuplicatedCertificate, CorruptSignature, ...).
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Simulator,
        [Parameter(Mandatory)] [string] $Kind,
        [string] $OpenId,
        [int] $Count,
        [double] $Probability = 1.0,
        [int] $DelayMs,
        [ValidateSet('Any', 'Terminate', 'Query', 'Certificates')] [string] $Target = 'Any',
        # RateLimited and ServiceUnavailable: the Retry-After header of the answer, in seconds.
        [int] $RetryAfterSeconds
    )
    $rule = @{ kind = $Kind; probability = $Probability; target = $Target }
    if ($OpenId) { $rule.openId = $OpenId }
    if ($PSBoundParameters.ContainsKey('Count')) { $rule.count = $Count }
    if ($DelayMs) { $rule.delayMs = $DelayMs }
    if ($PSBoundParameters.ContainsKey('RetryAfterSeconds')) { $rule.retryAfterSeconds = $RetryAfterSeconds }
    Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/faults" -ContentType 'application/json' `
        -Body (ConvertTo-Json $rule -Compress) -TimeoutSec 10 | Out-Null
}

function Set-WxSimulatorRateLimit {
    # WeChat Pay's rate limit for the merchant: -PerSecond requests a second (a token bucket that holds a quarter
    # second of them); beyond it, 429 FREQUENCY_LIMITED, not processed, with Retry-After when -RetryAfterSeconds is
    # given. 0 turns it off; Reset-WxSimulator does too. The 429s are counted in the state's rateLimited.
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator, [Parameter(Mandatory)] [double] $PerSecond, [int] $RetryAfterSeconds)
    $limit = @{ perSecond = $PerSecond }
    if ($PSBoundParameters.ContainsKey('RetryAfterSeconds')) { $limit.retryAfterSeconds = $RetryAfterSeconds }
    Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/ratelimit" -ContentType 'application/json' `
        -Body (ConvertTo-Json $limit -Compress) -TimeoutSec 10 | Out-Null
}

function Set-WxSimulatorClock {
    # Puts the simulator's clock -OffsetSeconds off the real one (as if the client's clock were off the other way):
    # more than 300 s makes it refuse every request with 401 SIGN_ERROR. Reset-WxSimulator sets it back to 0.
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator, [Parameter(Mandatory)] [long] $OffsetSeconds)
    Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/clock" -ContentType 'application/json' `
        -Body (ConvertTo-Json @{ offsetSeconds = $OffsetSeconds } -Compress) -TimeoutSec 10 | Out-Null
}

function Set-WxSimulatorAuthorizationState {
    # Sets one authorization's state, AVAILABLE being every authorization's default. The authorization is a
    # merchant's user by -OpenId, one by -AuthorizationCode, a service provider's sub-merchant's user by
    # -SubMerchantId with -OpenId or -SubOpenId, or a sub-merchant's one by -SubMerchantId with -AuthorizationCode:
    # four namespaces that never share a state.
    [CmdletBinding(DefaultParameterSetName = 'OpenId')]
    param(
        [Parameter(Mandatory)] $Simulator,
        [Parameter(Mandatory)] [string] $ServiceId,
        [Parameter(Mandatory)] [ValidateSet('AVAILABLE', 'UNAVAILABLE', 'UNBINDUSER')] [string] $State,
        [Parameter(Mandatory, ParameterSetName = 'OpenId')]
        [Parameter(Mandatory, ParameterSetName = 'PartnerOpenId')] [string] $OpenId,
        [Parameter(Mandatory, ParameterSetName = 'AuthorizationCode')]
        [Parameter(Mandatory, ParameterSetName = 'PartnerAuthorizationCode')] [string] $AuthorizationCode,
        [Parameter(Mandatory, ParameterSetName = 'PartnerOpenId')]
        [Parameter(Mandatory, ParameterSetName = 'PartnerSubOpenId')]
        [Parameter(Mandatory, ParameterSetName = 'PartnerAuthorizationCode')] [string] $SubMerchantId,
        [Parameter(Mandatory, ParameterSetName = 'PartnerSubOpenId')] [string] $SubOpenId
    )
    # ValidateSet ignores case; the simulator does not.
    $change = @{ serviceId = $ServiceId; state = $State.ToUpperInvariant() }
    if ($OpenId) { $change.openId = $OpenId }
    if ($AuthorizationCode) { $change.authorizationCode = $AuthorizationCode }
    if ($SubMerchantId) { $change.subMerchantId = $SubMerchantId }
    if ($SubOpenId) { $change.subOpenId = $SubOpenId }
    Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/state" -ContentType 'application/json' `
        -Body (ConvertTo-Json $change -Compress) -TimeoutSec 10 | Out-Null
}

function Get-WxSimulatorProcessed {
    # How many terminates reached each authorization since start or the last reset, refused ones included: objects
    # with openId, serviceId, terminates (>= 1), authorizationCode, subMerchantId and subOpenId, the fields that do
    # not name the authorization being null (openId for one by code, say). Ordered by openid, then service_id,
    # then the others.
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator)
    # foreach, not the pipeline: an empty list must give nothing rather than one $null.
    foreach ($entry in (Invoke-RestMethod -Uri "$($Simulator.BaseUri)/__sim/processed" -TimeoutSec 30)) {
        $entry
    }
}

function New-WxSimulatorNotification {
    # A Pay Score notification as WeChat Pay POSTs it to a notify_url, signed (-Signing) and encrypted with the
    # simulator's APIv3 key (its info's apiV3KeyPath): an object with id, headers, body and httpRequest. -Path writes
    # it as a file too, as a web server stores a request (-Form Http: request line, headers, empty line, body) or as
    # JSON {headers, body} (-Form Json). -Fault makes one a client must refuse (TamperedBody, SignatureProbe,
    # UnknownSerial, WrongApiV3Key, MissingSignature); -AgeSeconds one signed that long ago; -MerchantId one whose
    # resource names another merchant (mchid) than the simulator's. One without a fault also
    # sets the authorization's state (closed: UNAVAILABLE, opened: AVAILABLE), as the event does at WeChat Pay.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Simulator,
        [ValidateSet('PAYSCORE.USER_OPEN_SERVICE', 'PAYSCORE.USER_CLOSE_SERVICE')] [string] $EventType = 'PAYSCORE.USER_CLOSE_SERVICE',
        [string] $OpenId,
        [string] $ServiceId,
        [string] $AppId,
        [string] $AuthorizationCode,
        [string] $OutRequestNo,
        [string] $MerchantId,
        [ValidateSet('PublicKey', 'PlatformCertificate')] [string] $Signing = 'PublicKey',
        [ValidateSet('None', 'TamperedBody', 'SignatureProbe', 'UnknownSerial', 'WrongApiV3Key', 'MissingSignature')] [string] $Fault = 'None',
        [long] $AgeSeconds = 0,
        [string] $Path,
        [ValidateSet('Http', 'Json')] [string] $Form = 'Http'
    )
    $request = @{ eventType = $EventType; signing = $Signing; fault = $Fault; ageSeconds = $AgeSeconds }
    foreach ($name in 'OpenId', 'ServiceId', 'AppId', 'AuthorizationCode', 'OutRequestNo', 'MerchantId') {
        if ($PSBoundParameters.ContainsKey($name)) { $request[$name.Substring(0, 1).ToLowerInvariant() + $name.Substring(1)] = $PSBoundParameters[$name] }
    }
    $notification = Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/notifications" -ContentType 'application/json; charset=utf-8' `
        -Body ([Text.Encoding]::UTF8.GetBytes((ConvertTo-Json $request -Compress))) -TimeoutSec 10
    if ($Path) {
        $text = if ($Form -eq 'Json') { ConvertTo-Json @{ headers = $notification.headers; body = $notification.body } -Compress } else { $notification.httpRequest }
        # The body's exact bytes: UTF-8 without a byte order mark, nothing added.
        $Path = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
        [IO.File]::WriteAllText($Path, $text, [Text.UTF8Encoding]::new($false))
    }
    $notification
}

function Add-WxSimulatorPlatformCertificate {
    # First step of a platform certificate rotation: a new certificate, listed first by GET /v3/certificates, while
    # answers are still signed with the current one (WeChat Pay lists a new certificate about a day before it signs
    # with it). Returns the new serial. Reset-WxSimulator goes back to the certificate of the start.
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] $Simulator)
    (Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/platform-certificates" -TimeoutSec 30).serialNumber
}

function Switch-WxSimulatorPlatformCertificate {
    # Second step of a rotation: answers are signed with the newest listed certificate, after -AfterAnswers more
    # answers signed by a platform certificate (0, the default: from the next). A request whose Wechatpay-Serial names
    # a listed certificate is still answered with that one.
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator, [ValidateRange(0, [int]::MaxValue)] [int] $AfterAnswers = 0)
    Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/platform-certificates/sign-with-newest" -ContentType 'application/json' `
        -Body (ConvertTo-Json @{ afterAnswers = $AfterAnswers } -Compress) -TimeoutSec 10 | Out-Null
}

function Set-WxSimulatorMerchant {
    # -PublicKeyOnly $true: a merchant registered since October 2024, with only the WeChat Pay public key: every
    # answer is signed with it and GET /v3/certificates answers 404 RESOURCE_NOT_EXISTS. Reset-WxSimulator undoes it.
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator, [Parameter(Mandatory)] [bool] $PublicKeyOnly)
    Invoke-RestMethod -Method Post -Uri "$($Simulator.BaseUri)/__sim/merchant" -ContentType 'application/json' `
        -Body (ConvertTo-Json @{ publicKeyOnly = $PublicKeyOnly } -Compress) -TimeoutSec 10 | Out-Null
}

function Get-WxSimulatorCredential {
    # The splat that points Invoke-WxPayscoreTerminate at the simulator with its throwaway keys. Its keys are
    # the cmdlet's parameters, so the PKCS#12 bundle is not in it: that is $Simulator.Info.merchantPkcs12Path,
    # whose password is the merchant id.
    # -ApiV3Key adds the simulator's APIv3 key (a SecureString); -NoWechatpayKey leaves out the public key and the
    # platform certificate, for a merchant that gives only id, serial, key and APIv3 key.
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator, [switch] $PlatformCertificate, [switch] $ApiV3Key, [switch] $NoWechatpayKey)
    $splat = @{
        MerchantId           = $Simulator.Info.merchantId
        MerchantSerialNumber = $Simulator.Info.merchantSerialNumber
        PrivateKeyPath       = $Simulator.Info.merchantPrivateKeyPath
        BaseUri              = $Simulator.BaseUri
    }
    if ($ApiV3Key) {
        $splat.ApiV3Key = ConvertTo-SecureString ([IO.File]::ReadAllText($Simulator.Info.apiV3KeyPath)) -AsPlainText -Force
    }
    if ($NoWechatpayKey) {
    }
    elseif ($PlatformCertificate) {
        $splat.PlatformCertificatePath = $Simulator.Info.platformCertificatePath
    }
    else {
        $splat.WechatpayPublicKeyId = $Simulator.Info.publicKeyId
        $splat.WechatpayPublicKeyPath = $Simulator.Info.publicKeyPath
    }
    $splat
}

Export-ModuleMember -Function Start-WxSimulator, Stop-WxSimulator, Get-WxSimulatorState, Get-WxSimulatorSignature, Reset-WxSimulator,
    Add-WxSimulatorFault, Set-WxSimulatorRateLimit, Set-WxSimulatorClock, Set-WxSimulatorAuthorizationState, Get-WxSimulatorProcessed,
    Get-WxSimulatorCredential
Export-ModuleMember -Function New-WxSimulatorNotification
Export-ModuleMember -Function Add-WxSimulatorPlatformCertificate, Switch-WxSimulatorPlatformCertificate, Set-WxSimulatorMerchant
