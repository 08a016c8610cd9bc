# Shared by the test files: dot-source it in BeforeAll. It imports the built module (never src/) and the
# simulator's commands, and defines the helpers the tests share.
Import-Module $env:WXPAYSCORE_TEST_MODULE -Force
Import-Module (Join-Path $PSScriptRoot '../WeChatPay.Payscore.Simulator/WxSimulator.psm1') -Force
. (Join-Path $PSScriptRoot 'Azurite.ps1')   # Azurite, for the journal in a blob

$script:AppId = 'wxd678efh567hg6787'

# The simulator built with the module, started as its own process on 127.0.0.1.
function script:Start-TestSimulator {
    Start-WxSimulator -SimulatorPath $env:WXPAYSCORE_TEST_SIMULATOR
}

# What most test files share: a simulator ($Sim), its credentials ($Cred) and a work folder ($Work), started in
# BeforeAll and ended in AfterAll.
function script:Start-TestFile {
    $script:Sim = Start-TestSimulator
    $script:Cred = Get-WxSimulatorCredential -Simulator $script:Sim
    $script:Work = New-TestFolder
}

function script:Stop-TestFile {
    Stop-WxSimulator -Simulator $script:Sim
    Remove-Item $script:Work -Recurse -Force -ErrorAction Ignore
}

# A fresh temporary folder; the test file removes it in AfterAll.
function script:New-TestFolder([string] $Prefix = 'wxpester') {
    $path = Join-Path ([IO.Path]::GetTempPath()) ("$Prefix-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $path | Out-Null
    $path
}

# The pwsh that runs these tests, as a program and the arguments that come first: the dotnet tool's pwsh.dll run by
# dotnet (one process, whatever HOME and folder), or a pwsh of its own such as the PowerShell 7.4 lane's. A child
# started with it runs the same PowerShell as its test.
function script:Get-ThisPwsh {
    $program = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($program) -eq 'dotnet') {
        return [pscustomobject]@{ Program = $program; Leading = @(Join-Path $PSHOME 'pwsh.dll') }
    }
    [pscustomobject]@{ Program = $program; Leading = @() }
}

# Starts a script file in a child pwsh (this one, Get-ThisPwsh) as an automation host would: no profile, no console
# to answer prompts, in -Folder (the repository by default), with -Environment added to this process's (a $null value
# removes a name). Wait-ChildPwsh ends it; AfterAll may Stop-ChildPwsh what a failed test left running.
function script:Start-ChildPwsh([string] $File, [string[]] $Arguments = @(), [hashtable] $Environment = @{}, [string] $Folder) {
    $pwsh = Get-ThisPwsh
    $start = [Diagnostics.ProcessStartInfo]::new($pwsh.Program)
    foreach ($a in @($pwsh.Leading) + @('-NoProfile', '-NonInteractive', '-File', $File) + $Arguments) { $start.ArgumentList.Add($a) }
    $start.WorkingDirectory = if ($Folder) { $Folder } else { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.RedirectStandardInput = $true
    foreach ($name in $Environment.Keys) { if ($null -eq $Environment[$name]) { [void] $start.Environment.Remove($name) } else { $start.Environment[$name] = $Environment[$name] } }
    $process = [Diagnostics.Process]::Start($start)
    $process.StandardInput.Close()
    [pscustomobject]@{ Process = $process; Stdout = $process.StandardOutput.ReadToEndAsync(); Stderr = $process.StandardError.ReadToEndAsync() }
}

# Waits for a child of Start-ChildPwsh; one that does not end within the limit is killed with its process tree, so a
# prompt or a hang can fail the test but never hang the suite. Returns its exit code and its output and errors.
function script:Wait-ChildPwsh($Child, [int] $TimeoutSec = 120) {
    if (-not $Child.Process.WaitForExit($TimeoutSec * 1000)) {
        Stop-ChildPwsh $Child
        throw "The child pwsh did not finish within $TimeoutSec s (waiting for a prompt?)."
    }
    $Child.Process.WaitForExit()
    [pscustomobject]@{ ExitCode = $Child.Process.ExitCode; Output = $Child.Stdout.Result + $Child.Stderr.Result }
}

# Kills a child and its process tree with SIGKILL (no chance to clean up) and waits until it is gone.
function script:Stop-ChildPwsh($Child) {
    if (-not $Child.Process.HasExited) { $Child.Process.Kill($true) }
    $null = $Child.Process.WaitForExit(10000)
}

# Runs a script file in a child pwsh (Start-ChildPwsh) and waits for it (Wait-ChildPwsh).
function script:Invoke-Runbook([string] $File, [hashtable] $Environment = @{}, [int] $TimeoutSec = 120) {
    Wait-ChildPwsh (Start-ChildPwsh $File -Environment $Environment) -TimeoutSec $TimeoutSec
}

# Runs a script file in a child pwsh (this one, Get-ThisPwsh), no profile, nothing to answer a prompt; returns its
# output and errors as one text.
function script:Invoke-ChildPwsh([string] $File, [string[]] $Arguments) {
    $pwsh = Get-ThisPwsh
    & $pwsh.Program @($pwsh.Leading) -NoProfile -NonInteractive -File $File @Arguments 2>&1 | Out-String
}

# Runs $Body as a runbook in a child pwsh with every stream on, recorded by Start-Transcript, then shows $Error in
# full (each record and exception with Format-List * -Force, then Get-Error). The body reads the secret from
# $Secret: it is handed over in the environment, since a transcript's header records the command line.
function script:Invoke-SecretRunbook([string] $Name, [string] $Body, [string] $Secret) {
    $transcript = Join-Path $Work "$Name-transcript.txt"
    $runbook = Join-Path $Work "$Name-runbook.ps1"
    @(
        'param($Module, $Work, $Transcript)'
        '$Secret = $env:PESTER_ONLY_SECRET'
        'Import-Module $Module'
        'Set-Location $Work'
        "`$VerbosePreference = 'Continue'; `$DebugPreference = 'Continue'; `$InformationPreference = 'Continue'"
        'Start-Transcript -LiteralPath $Transcript | Out-Null'
        $Body
        "'Errors: ' + `$Error.Count"
        "`$Error | ForEach-Object { 'Id: ' + `$_.FullyQualifiedErrorId }"
        '$Error | Format-List * -Force | Out-String -Width 500'
        '$Error | ForEach-Object { $_.Exception | Format-List * -Force | Out-String -Width 500; $_.Exception.ToString() }'
        'if ($Error.Count -gt 0) { Get-Error -Newest $Error.Count | Out-String -Width 500 }'
        'Stop-Transcript | Out-Null'
    ) | Set-Content -LiteralPath $runbook
    $child = Start-ChildPwsh $runbook -Arguments '-Module', $env:WXPAYSCORE_TEST_MODULE, '-Work', $Work, '-Transcript', $transcript `
        -Environment @{ PESTER_ONLY_SECRET = $Secret } -Folder $Work
    $output = (Wait-ChildPwsh $child -TimeoutSec 180).Output
    [pscustomobject]@{ Output = $output; Recorded = Get-Content -LiteralPath $transcript -Raw }
}

# Fails when any 8 characters of $Part show in the text.
function script:Assert-NoPiece([string] $Text, [string] $Part, [string] $Because) {
    for ($i = 0; $i + 8 -le $Part.Length; $i++) {
        $Text.Contains($Part.Substring($i, 8)) | Should -BeFalse -Because $Because
    }
}

function script:New-UsersCsv([string] $Path, [string[]] $Lines) {
    # As Excel saves it: UTF-8 with a BOM, CRLF line ends.
    $text = ($Lines -join "`r`n") + "`r`n"
    [IO.File]::WriteAllText($Path, $text, [Text.UTF8Encoding]::new($true))
}

# A script that ends every row of a CSV with a journal, 16 in flight and no rate ceiling, for a child pwsh to run
# and a test to kill, with the simulator's credentials (Get-WxSimulatorCredential).
function script:New-JournaledRunScript([string] $Path, [string] $Csv, [string] $Journal, [hashtable] $Credential, [string] $AppId) {
    Set-Content -Path $Path -Encoding utf8 -Value @"
Import-Module '$($env:WXPAYSCORE_TEST_MODULE)'
Import-Csv '$Csv' | Invoke-WxPayscoreTerminate -AppId '$AppId' -Reason 'r' -Confirm:`$false -JournalPath '$Journal' ``
    -ThrottleLimit 16 -MaxRequestsPerSecond 0 -MerchantId '$($Credential.MerchantId)' -MerchantSerialNumber '$($Credential.MerchantSerialNumber)' ``
    -PrivateKeyPath '$($Credential.PrivateKeyPath)' -WechatpayPublicKeyId '$($Credential.WechatpayPublicKeyId)' ``
    -WechatpayPublicKeyPath '$($Credential.WechatpayPublicKeyPath)' -BaseUri '$($Credential.BaseUri)' | Out-Null
"@
}
