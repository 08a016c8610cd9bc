# Azurite (Microsoft's Azure Storage emulator, restored by build.ps1 into tests/Azurite) for Pester: started on
# 127.0.0.1 from memory, with SAS addresses signed by its published development account key. Dot-source it.

$script:AzuriteAccount = 'devstoreaccount1'
# Azurite's published development key: not a secret, the same in every copy.
$script:AzuriteKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
$script:AzuriteVersion = '2021-08-06'

# The azurite-blob script of tests/Azurite, or $null when it was not restored (no npm).
function script:Get-AzuriteScript {
    $name = if ($IsWindows) { 'azurite-blob.cmd' } else { 'azurite-blob' }
    $path = Join-Path $PSScriptRoot "../Azurite/node_modules/.bin/$name"
    if (Test-Path $path) { (Resolve-Path $path).Path } else { $null }
}

function script:Start-TestAzurite {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()
    $start = [Diagnostics.ProcessStartInfo]::new((Get-AzuriteScript))
    foreach ($a in '--blobHost', '127.0.0.1', '--blobPort', "$port", '--inMemoryPersistence', '--silent') { $start.ArgumentList.Add($a) }
    $start.WorkingDirectory = [IO.Path]::GetTempPath()
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) {
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect([Net.IPAddress]::Loopback, $port); break }
        catch {
            if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) { $process.Kill($true); throw 'Azurite did not start within 30 s.' }
            Start-Sleep -Milliseconds 100
        }
        finally { $client.Dispose() }
    }
    [pscustomobject]@{ Process = $process; Endpoint = "http://127.0.0.1:$port/$script:AzuriteAccount" }
}

function script:Stop-TestAzurite($Azurite) {
    if ($Azurite -and -not $Azurite.Process.HasExited) { $Azurite.Process.Kill($true); $null = $Azurite.Process.WaitForExit(5000) }
}

# A service SAS address: of a blob (-Blob given, sr=b) or of a container (sr=c).
function script:New-AzuriteSasUrl($Azurite, [string] $Container, [string] $Blob, [string] $Permissions) {
    $expiry = [DateTime]::UtcNow.AddHours(2).ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture)
    $resource = if ($Blob) { 'b' } else { 'c' }
    $canonical = "/blob/$script:AzuriteAccount/$Container" + $(if ($Blob) { "/$Blob" } else { '' })
    $toSign = @($Permissions, '', $expiry, $canonical, '', '', '', $script:AzuriteVersion, $resource, '', '', '', '', '', '', '') -join "`n"
    $signature = Get-AzuriteSignature $toSign
    $path = "$($Azurite.Endpoint)/$Container" + $(if ($Blob) { "/$Blob" } else { '' })
    "${path}?sv=$script:AzuriteVersion&sr=$resource&sp=$Permissions&se=$([Uri]::EscapeDataString($expiry))&sig=$([Uri]::EscapeDataString($signature))"
}

function script:Get-AzuriteSignature([string] $ToSign) {
    $hmac = [Security.Cryptography.HMACSHA256]::new([Convert]::FromBase64String($script:AzuriteKey))
    try { [Convert]::ToBase64String($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($ToSign))) } finally { $hmac.Dispose() }
}

# A new container, made with an account SAS (a container SAS cannot make its own container).
function script:New-AzuriteContainer($Azurite) {
    $name = 't' + [guid]::NewGuid().ToString('n')
    $expiry = [DateTime]::UtcNow.AddHours(2).ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture)
    $toSign = @($script:AzuriteAccount, 'rwdlacup', 'b', 'sco', '', $expiry, '', '', $script:AzuriteVersion, '', '') -join "`n"
    $sas = "sv=$script:AzuriteVersion&ss=b&srt=sco&sp=rwdlacup&se=$([Uri]::EscapeDataString($expiry))&sig=$([Uri]::EscapeDataString((Get-AzuriteSignature $toSign)))"
    $null = Invoke-WebRequest -Method Put -Uri "$($Azurite.Endpoint)/${name}?restype=container&$sas" -Headers @{ 'x-ms-version' = $script:AzuriteVersion } -UseBasicParsing
    $name
}

function script:Set-AzuriteBlob($Azurite, [string] $Container, [string] $Blob, [string] $Path) {
    $null = Invoke-WebRequest -Method Put -Uri (New-AzuriteSasUrl $Azurite $Container $Blob 'cw') -InFile $Path -UseBasicParsing `
        -Headers @{ 'x-ms-blob-type' = 'BlockBlob'; 'x-ms-version' = $script:AzuriteVersion }
}

function script:Get-AzuriteBlob($Azurite, [string] $Container, [string] $Blob, [string] $OutFile) {
    Invoke-WebRequest -Uri (New-AzuriteSasUrl $Azurite $Container $Blob 'r') -OutFile $OutFile -UseBasicParsing `
        -Headers @{ 'x-ms-version' = $script:AzuriteVersion }
}
