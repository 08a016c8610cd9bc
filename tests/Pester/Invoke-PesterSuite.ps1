<#
.SYNOPSIS
    Runs the Pester suite against the built module and writes {Passed, Failed} to -ResultFile.
    Called by build.ps1 test in a child pwsh, so the module is imported into a clean session.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SimulatorPath,
    [Parameter(Mandatory)] [string] $PackagePath,
    [Parameter(Mandatory)] [string] $ResultFile,
    # Only the tests whose full name (Describe and It) matches this wildcard; empty: every test.
    [string] $FullNameFilter
)
$ErrorActionPreference = 'Stop'
Write-Host "PowerShell $($PSVersionTable.PSVersion) on .NET $([Environment]::Version), $([Environment]::ProcessPath)"
Import-Module $PesterPath -Force

# The test files read these; the module is imported from the build output, never from src/.
$env:WXPAYSCORE_TEST_MODULE = Join-Path $ModulePath 'WeChatPay.Payscore.psd1'
$env:WXPAYSCORE_TEST_SIMULATOR = $SimulatorPath
$env:WXPAYSCORE_TEST_PACKAGE = $PackagePath

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
if ($FullNameFilter) { $config.Filter.FullName = $FullNameFilter }
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config

# A failing BeforeAll fails its whole block without counting its tests as failed; count it too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[pscustomobject]@{ Passed = $result.PassedCount; Failed = $failed } | ConvertTo-Json | Set-Content -Path $ResultFile
