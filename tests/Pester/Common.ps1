# Shared by the test files: dot-source it in BeforeAll. It imports the built module (never src/) and the
# simulator's commands, and defines the helpers the tests share.
Import-Module $env:WXPAYSCORE_TEST_MODULE -Force
Import-Module (Join-Path $PSScriptRoot '../WeChatPay.Payscore.Simulator/WxSimulator.psm1') -Force

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

# Runs a script file in a child pwsh as an automation host would: no profile, no console to answer prompts.
# A child that does not end within the limit is killed, so a prompt can fail the test but never hang it.
# With -Direct the child runs this pwsh's own pwsh.dll rather than the dotnet tool, which a changed HOME hides.
function script:Invoke-Runbook([string] $File, [hashtable] $Environment = @{}, [int] $TimeoutSec = 120, [switch] $Direct) {
    $start = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    $pwsh = if ($Direct) { Join-Path (Split-Path ([psobject].Assembly.Location)) 'pwsh.dll' } else { 'pwsh' }
    foreach ($a in $pwsh, '-NoProfile', '-NonInteractive', '-File', $File) { $start.ArgumentList.Add($a) }
    $start.WorkingDirectory = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.RedirectStandardInput = $true
    foreach ($name in $Environment.Keys) { if ($null -eq $Environment[$name]) { [void] $start.Environment.Remove($name) } else { $start.Environment[$name] = $Environment[$name] } }
    $process = [Diagnostics.Process]::Start($start)
    $process.StandardInput.Close()
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    if (-not $process.WaitForExit($TimeoutSec * 1000)) {
        $process.Kill($true)
        throw "The runbook did not finish within $TimeoutSec s (waiting for a prompt?)."
    }
    [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result + $stderr.Result }
}

# Runs a script file in a child pwsh (this pwsh's own pwsh.dll), no profile, nothing to answer a prompt; returns its
# output and errors as one text.
function script:Invoke-ChildPwsh([string] $File, [string[]] $Arguments) {
    $pwsh = Join-Path (Split-Path ([psobject].Assembly.Location)) 'pwsh.dll'
    & ([Environment]::ProcessPath) $pwsh -NoProfile -NonInteractive -File $File @Arguments 2>&1 | Out-String
}

function script:New-UsersCsv([string] $Path, [string[]] $Lines) {
    # As Excel saves it: UTF-8 with a BOM, CRLF line ends.
    $text = ($Lines -join "`r`n") + "`r`n"
    [IO.File]::WriteAllText($Path, $text, [Text.UTF8Encoding]::new($true))
}
