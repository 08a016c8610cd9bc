#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates the WeChatPay.Payscore module.
.DESCRIPTION
    build  (default) builds out/WeChatPay.Payscore/<version>/ (importable once out/ is on PSModulePath)
           and the WeChat Pay simulator in out/simulator/.
    test   builds, then runs every test (xunit, Pester on 7.6 and 7.4, Mono, Wine) and ends with
           one line "N passed, N failed"; the exit code is 1 when a test failed. -NoBuild uses out/ as it
           is, -Suite runs only xunit, Pester (on PowerShell 7.6, then on 7.4), Pester on 7.4 (pester74) or the Mono
           lane or the Wine lane, -Filter only the tests whose full name contains it. The PowerShell 7.4 that the Pester suite runs on
           a second time is built from Microsoft.PowerShell.SDK 7.4.19 (tools/Pwsh74) into out/pwsh74/, once.
    demo   builds, starts the simulator with throwaway keys, connects with its apiclient_cert.p12,
           pipes samples/users.csv through Invoke-WxPayscoreTerminate with a journal, shows the
           results, and runs it again to show that nothing is sent twice.
    bench  builds, then runs bench/Invoke-Benchmark.ps1 (-Long adds the 1,000,000-row run) and writes
           its table into bench/README.md; it compares three pwsh builds too: the dotnet tool's, a ReadyToRun
           PowerShell 7.6.9 (tools/PwshR2R, built once into out/pwsh-r2r/) and the PowerShell 7.4 of the tests.
    mono   builds, then runs only the Mono smoke lane (the net472 build's core under Mono, against the simulator);
           skipped when mono is not on PATH. build.ps1 test runs it too.
    package builds, then makes out/packages/WeChatPay.Payscore.<version>.nupkg with Publish-PSResource,
           installable with Install-PSResource or Save-PSResource from that folder.
    clean  removes out/.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 demo
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 test
.EXAMPLE
    dotnet pwsh ./build.ps1 test -NoBuild -Suite pester -Filter 'Get-WxPayscorePermission'
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'mono', 'demo', 'bench', 'package', 'clean')]
    [string] $Task = 'build',

    # bench: add the 1,000,000-row run.
    [switch] $Long,

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # test: use the module, simulator and package already in out/ instead of building them.
    [switch] $NoBuild,

    # test: run only one of the suites (pester74: the Pester suite on PowerShell 7.4 only).
    [ValidateSet('all', 'xunit', 'pester', 'pester74', 'mono', 'wine')]
    [string] $Suite = 'all',

    # test: run only the tests whose full name contains this text (a dotnet test filter expression such as
    # 'FullyQualifiedName~JournalTests' goes to xunit as it is).
    [string] $Filter
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$ModuleName = 'WeChatPay.Payscore'
$Version = (Import-PowerShellDataFile (Join-Path $Root "$ModuleName.psd1")).ModuleVersion
$OutDir = Join-Path $Root 'out'
$ModuleDir = Join-Path $OutDir "$ModuleName/$Version"
$SimulatorDir = Join-Path $OutDir 'simulator'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

# The module's two builds, bin/<framework>/, which WeChatPay.Payscore.psm1 chooses between by edition.
$Frameworks = @{ Desktop = 'net472'; Core = 'net8.0' }

function Build-Module {
    Remove-Item $ModuleDir -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Path $ModuleDir -Force | Out-Null
    foreach ($framework in $Frameworks.Values) {
        $publishDir = Join-Path $OutDir "publish/$ModuleName/$framework"
        Remove-Item $publishDir -Recurse -Force -ErrorAction Ignore
        Invoke-Dotnet publish (Join-Path $Root "src/$ModuleName") -c $Configuration -f $framework "-p:Version=$Version" -o $publishDir --nologo -v quiet

        $bin = New-Item -ItemType Directory -Path (Join-Path $ModuleDir "bin/$framework") -Force
        Copy-Item (Join-Path $publishDir "$ModuleName.dll") $bin
        # PowerShell provides System.Management.Automation; shipping a copy would break loading. The .NET build has
        # no other dependency; the .NET Framework build's live apart, where only its own resolver serves them.
        $dependencies = @(Get-ChildItem $publishDir -Filter *.dll | Where-Object Name -notin 'System.Management.Automation.dll', "$ModuleName.dll")
        if ($framework -eq $Frameworks.Core -and $dependencies) {
            throw "The $framework build must depend on nothing pwsh does not carry, but publishes $($dependencies.Name -join ', ')."
        }
        if ($dependencies) {
            $dependencies | Copy-Item -Destination (New-Item -ItemType Directory -Path (Join-Path $bin 'dependencies') -Force)
        }
    }
    $publishDir = Join-Path $OutDir "publish/$ModuleName/$($Frameworks.Core)"
    Copy-Item (Join-Path $Root "src/$ModuleName/$ModuleName.psm1") $ModuleDir
    Copy-Item (Join-Path $Root "$ModuleName.psd1") $ModuleDir
    Copy-Item (Join-Path $Root "src/$ModuleName/$ModuleName.Format.ps1xml") $ModuleDir
    Copy-Item (Join-Path $Root 'CHANGELOG.md') $ModuleDir
    # The MAML help comes from the doc comments, the cmdlets' own parameter metadata and the examples file (en-US),
    # or from the language's own help source with the same metadata (zh-CN); PowerShell picks by $PSUICulture.
    foreach ($culture in 'en-US', 'zh-CN') {
        $help = New-Item -ItemType Directory -Path (Join-Path $ModuleDir $culture) -Force
        Copy-Item (Join-Path $Root "src/$ModuleName/$culture/*.help.txt") $help
        $words = if ($culture -eq 'en-US') { @('-DocumentationPath', (Join-Path $publishDir "$ModuleName.xml")) } else { @('-HelpSourcePath', (Join-Path $Root "src/$ModuleName/$culture/$ModuleName.Help.psd1")) }
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tools/New-ModuleHelp.ps1') `
            -ManifestPath (Join-Path $ModuleDir "$ModuleName.psd1") @words `
            -ExamplesPath (Join-Path $Root "src/$ModuleName/en-US/$ModuleName.Examples.psd1") -OutputPath (Join-Path $help "$ModuleName.dll-Help.xml")
        if ($LASTEXITCODE -ne 0) { throw "The $culture help could not be written." }
    }

    Invoke-Dotnet build (Join-Path $Root 'tests/WeChatPay.Payscore.Simulator') -c $Configuration -o $SimulatorDir --nologo -v quiet
    Write-Host "Built $ModuleName $Version -> $ModuleDir"
}

function New-ModulePackage {
    $packages = Join-Path $OutDir 'packages'
    Remove-Item $packages -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Path $packages | Out-Null
    # A repository registered for this call only: Publish-PSResource writes the .nupkg into its folder.
    $repository = "WeChatPay.Payscore.Build.$([guid]::NewGuid().ToString('n'))"
    Register-PSResourceRepository -Name $repository -Uri $packages -Trusted
    try {
        Publish-PSResource -Path $ModuleDir -Repository $repository
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }
    $package = Get-ChildItem $packages -Filter '*.nupkg' | Select-Object -First 1
    if (-not $package) { throw "Publish-PSResource made no package in $packages." }
    Write-Host "Packaged $($package.FullName)"
    $package.FullName
}

# Azurite (Microsoft's Azure Storage emulator, an npm package) for the tests of the journal in a blob, into
# tests/Azurite/node_modules from tests/Azurite/package-lock.json. Without npm the blob tests skip, saying why.
function Restore-Azurite {
    $folder = Join-Path $Root 'tests/Azurite'
    if (Test-Path (Join-Path $folder 'node_modules/.bin/azurite-blob')) { return }
    if (-not (Get-Command npm -CommandType Application -ErrorAction Ignore)) {
        Write-Host 'npm is not installed: the tests of the journal in a blob (Azurite) will be skipped.' -ForegroundColor Yellow
        return
    }
    Write-Host 'Restoring Azurite for the blob journal tests (npm ci in tests/Azurite)...'
    Push-Location $folder
    try { & npm ci --no-audit --no-fund --loglevel=error | Out-Host } finally { Pop-Location }
    if ($LASTEXITCODE -ne 0) { Write-Host 'npm ci failed: the tests of the journal in a blob will be skipped.' -ForegroundColor Yellow }
}

function Invoke-XunitTests {
    Restore-Azurite
    $resultsDir = Join-Path $OutDir 'test-results'
    $trx = Join-Path $resultsDir 'xunit.trx'
    Remove-Item $trx -ErrorAction Ignore
    $selection = if (-not $Filter) { @() } elseif ($Filter -match '[~=]') { '--filter', $Filter } else { '--filter', "FullyQualifiedName~$Filter" }
    & dotnet test (Join-Path $Root 'tests/WeChatPay.Payscore.Tests') -c $Configuration --nologo @selection `
        --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=normal' --results-directory $resultsDir | Out-Host
    if (-not (Test-Path $trx)) {
        Write-Host 'xunit produced no results (build failure?).' -ForegroundColor Red
        return [pscustomobject]@{ Passed = 0; Failed = 1 }
    }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = $failed }
}

function Get-NuGetPackages { ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim() }

# A pwsh of the project's own (tools/<Project>): PowerShell's own console host from Microsoft.PowerShell.SDK
# <SdkVersion>, self-contained in out/<Folder>/, with PowerShell's modules from the SDK package beside it and
# PSResourceGet (which the SDK lacks) from the running pwsh. Not an official PowerShell package. Built once, again
# only when its project changes; returns the program's path.
function Build-PwshHost([string] $Project, [string] $Folder, [string] $SdkVersion, [string] $Framework) {
    $dir = Join-Path $OutDir $Folder
    $program = Join-Path $dir $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    $project = Join-Path $Root "tools/$Project"
    $changed = (Get-ChildItem $project -File | Measure-Object LastWriteTimeUtc -Maximum).Maximum
    if ((Test-Path (Join-Path $dir 'Modules/Microsoft.PowerShell.PSResourceGet')) -and (Get-Item $program).LastWriteTimeUtc -ge $changed) {
        return $program
    }

    Remove-Item $dir -Recurse -Force -ErrorAction Ignore
    Invoke-Dotnet publish $project -c Release -r ([Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier) -o $dir --nologo -v quiet | Out-Host
    $modules = Join-Path (Get-NuGetPackages) "microsoft.powershell.sdk/$SdkVersion/contentFiles/any/any/runtimes/$(if ($IsWindows) { 'win' } else { 'unix' })/lib/$Framework/Modules"
    Copy-Item $modules $dir -Recurse
    Copy-Item (Join-Path $PSHOME 'Modules/Microsoft.PowerShell.PSResourceGet') (Join-Path $dir 'Modules') -Recurse
    (Get-Item $program).LastWriteTimeUtc = [DateTime]::UtcNow
    $program
}

# PowerShell 7.4, the line of Azure Automation's PowerShell 7 runtime, for the Pester suite's second run.
function Build-Pwsh74 { Build-PwshHost -Project 'Pwsh74' -Folder 'pwsh74' -SdkVersion '7.4.19' -Framework 'net8.0' }

# PowerShell 7.6.9 compiled ReadyToRun, as Microsoft's own packages are (the dotnet tool's pwsh is not): the pwsh the
# benchmark judges its targets on.
function Build-PwshReadyToRun { Build-PwshHost -Project 'PwshR2R' -Folder 'pwsh-r2r' -SdkVersion '7.6.9' -Framework 'net10.0' }

# The Pester suite, run by -Pwsh (the program and its leading arguments; the dotnet tool's pwsh by default) in a child
# process, so that the tests import the built module into a clean session.
function Invoke-PesterTests([string] $PackagePath, [string[]] $Pwsh = @('dotnet', 'pwsh'), [string] $Name = 'pester') {
    Restore-Azurite
    Invoke-Dotnet restore (Join-Path $Root 'tests/Pester/Pester.Restore.csproj') --nologo -v quiet
    $pester = Join-Path (Get-NuGetPackages) 'pester/6.2.0/tools/Pester.psd1'
    $resultFile = Join-Path $OutDir "test-results/$Name.json"
    New-Item -ItemType Directory -Path (Split-Path $resultFile) -Force | Out-Null
    Remove-Item $resultFile -ErrorAction Ignore

    $runner = Join-Path $Root 'tests/Pester/Invoke-PesterSuite.ps1'
    & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $runner -PesterPath $pester -ModulePath $ModuleDir `
        -SimulatorPath (Join-Path $SimulatorDir 'WeChatPay.Payscore.Simulator.dll') -PackagePath $PackagePath -ResultFile $resultFile `
        -FullNameFilter $(if ($Filter) { "*$Filter*" } else { '' }) | Out-Host
    if (-not (Test-Path $resultFile)) {
        Write-Host 'Pester produced no results.' -ForegroundColor Red
        return [pscustomobject]@{ Passed = 0; Failed = 1 }
    }
    Get-Content $resultFile -Raw | ConvertFrom-Json
}

# The .NET Framework build's core under Mono (a .NET Framework profile, not Windows PowerShell 5.1), against the
# simulator. Without mono on PATH the lane is skipped, and says so: it counts neither passed nor failed.
function Invoke-MonoSmokeTests {
    if (-not (Get-Command mono -CommandType Application -ErrorAction Ignore)) {
        Write-Host 'Mono smoke lane skipped: mono is not on PATH (.ci/run installs it where it can).' -ForegroundColor Yellow
        return [pscustomobject]@{ Passed = 0; Failed = 0; Ran = $false }
    }
    $project = Join-Path $Root 'tests/WeChatPay.Payscore.MonoSmoke'
    $bin = Join-Path $OutDir 'mono-smoke'
    Invoke-Dotnet build $project -c $Configuration "-p:ModuleBin=$(Join-Path $ModuleDir 'bin/net472')" -o $bin --nologo -v quiet | Out-Host
    Import-Module (Join-Path $Root 'tests/WeChatPay.Payscore.Simulator/WxSimulator.psm1') -Force
    # The blob journal is checked against Azurite too, where it is restored (npm).
    . (Join-Path $Root 'tests/Pester/Azurite.ps1')
    Restore-Azurite
    $storage = if (Get-AzuriteScript) { Start-TestAzurite } else { $null }
    $sim = Start-WxSimulator -SimulatorPath (Join-Path $SimulatorDir 'WeChatPay.Payscore.Simulator.dll')
    try {
        $info = $sim.Info
        $blob = if ($storage) { '--blob-journal', (New-AzuriteSasUrl $storage (New-AzuriteContainer $storage) 'mono.jsonl' 'racw') } else { @() }
        $output = & mono (Join-Path $bin 'WeChatPay.Payscore.MonoSmoke.exe') --module-bin (Join-Path $ModuleDir 'bin/net472') `
            --base-uri $info.baseUri --merchant-id $info.merchantId --serial $info.merchantSerialNumber `
            --key $info.merchantPrivateKeyPath --p12 $info.merchantPkcs12Path `
            --public-key-id $info.publicKeyId --public-key $info.publicKeyPath --apiv3-key $info.apiV3KeyPath --work $sim.WorkDir @blob 2>&1
        $exitCode = $LASTEXITCODE
    }
    finally {
        Stop-WxSimulator -Simulator $sim
        Stop-TestAzurite $storage
    }
    $output | Out-Host
    $counts = @($output | Select-String '^(\d+) passed, (\d+) failed$')
    if (-not $counts) {
        Write-Host "The Mono smoke lane printed no counts (exit code $exitCode)." -ForegroundColor Red
        return [pscustomobject]@{ Passed = 0; Failed = 1; Ran = $true }
    }
    $groups = $counts[-1].Matches[0].Groups
    $failed = [int]$groups[2].Value
    if ($exitCode -ne 0 -and $failed -eq 0) { $failed = 1 }
    [pscustomobject]@{ Passed = [int]$groups[1].Value; Failed = $failed; Ran = $true }
}

# The Windows code paths under Wine (tests/Wine): PowerShell 7.4.19 for win-x64 under Debian trixie's Wine 10 in a
# debootstrap root in out/wine/, which tests/Wine/setup.sh makes where it can (root, apt, the Debian mirror); it says
# so and the lane counts neither passed nor failed where it cannot. Not Windows: no NCrypt, no ACLs, no Windows
# PowerShell 5.1.
function Invoke-WineTests {
    if (-not $IsLinux) {
        Write-Host 'Windows (Wine): skipped (the lane runs on Linux).' -ForegroundColor Yellow
        return [pscustomobject]@{ Passed = 0; Failed = 0; Ran = $false }
    }
    $output = & bash (Join-Path $Root 'tests/Wine/run.sh') 2>&1
    $exitCode = $LASTEXITCODE
    $output | Out-Host
    if ($output -match '^Wine lane skipped') {
        Write-Host 'Windows (Wine): skipped' -ForegroundColor Yellow
        return [pscustomobject]@{ Passed = 0; Failed = 0; Ran = $false }
    }
    $counts = @($output | Select-String '^(\d+) passed, (\d+) failed$')
    $passed = if ($counts) { [int]$counts[-1].Matches[0].Groups[1].Value } else { 0 }
    $failed = if ($counts) { [int]$counts[-1].Matches[0].Groups[2].Value } else { 1 }
    if ($exitCode -ne 0 -and $failed -eq 0) { $failed = 1 }
    Write-Host ("Windows (Wine): {0} passed, {1} failed" -f $passed, $failed)
    [pscustomobject]@{ Passed = $passed; Failed = $failed; Ran = $true }
}

# For test -NoBuild: the package in out/ (made when missing), after checking that the module was built.
function Get-BuiltPackage {
    # Both builds must be there; the PowerShell 7 one dates the build.
    $assembly = Join-Path $ModuleDir "bin/$($Frameworks.Core)/$ModuleName.dll"
    if (-not (Test-Path $assembly) -or -not (Test-Path (Join-Path $ModuleDir "bin/$($Frameworks.Desktop)/$ModuleName.dll")) -or -not (Test-Path (Join-Path $SimulatorDir 'WeChatPay.Payscore.Simulator.dll'))) {
        throw "-NoBuild needs a build in $OutDir; run ./build.ps1 build first."
    }
    $built = (Get-Item $assembly).LastWriteTimeUtc
    $newer = @(Get-ChildItem (Join-Path $Root 'src'), (Join-Path $Root 'tests/WeChatPay.Payscore.Simulator') -Recurse -File |
        Where-Object { $_.LastWriteTimeUtc -gt $built -and $_.FullName -notmatch '[\\/](bin|obj)[\\/]' })
    if ($newer) { Write-Warning "$($newer.Count) source files changed since $ModuleDir was built (such as $($newer[0].Name)); the tests run the old build." }
    $package = Get-ChildItem (Join-Path $OutDir 'packages') -Filter '*.nupkg' -ErrorAction Ignore | Select-Object -First 1
    if ($package) { $package.FullName } else { New-ModulePackage }
}

function Invoke-Demo {
    Import-Module (Join-Path $Root 'tests/WeChatPay.Payscore.Simulator/WxSimulator.psm1') -Force
    $sim = Start-WxSimulator -SimulatorPath (Join-Path $SimulatorDir 'WeChatPay.Payscore.Simulator.dll')
    try {
        Import-Module (Join-Path $ModuleDir "$ModuleName.psd1") -Force
        # Two rows meet trouble on purpose: WeChat Pay rate-limits one (it is retried) and answers another with a
        # signature probe (the answer is not trusted; the query settles the row).
        Add-WxSimulatorFault -Simulator $sim -Kind RateLimited -OpenId 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' -Count 1
        Add-WxSimulatorFault -Simulator $sim -Kind SignatureProbe -OpenId 'oUpF8uN3rT0Lq5Wd8sYkHmZcXbE1' -Count 1

        $csv = Join-Path $Root 'samples/users.csv'
        $journal = Join-Path $sim.WorkDir 'run.jsonl'
        Write-Host "`nConnect-WxPayscore -MerchantId $($sim.Info.merchantId) -CertificatePath apiclient_cert.p12 -WechatpayPublicKeyId ... -WechatpayPublicKeyPath ...`n" -ForegroundColor Cyan
        Connect-WxPayscore -MerchantId $sim.Info.merchantId -CertificatePath $sim.Info.merchantPkcs12Path `
            -WechatpayPublicKeyId $sim.Info.publicKeyId -WechatpayPublicKeyPath $sim.Info.publicKeyPath `
            -BaseUri $sim.Info.baseUri -PassThru | Format-List | Out-Host

        Write-Host "Import-Csv $csv | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false -JournalPath run.jsonl`n" -ForegroundColor Cyan
        $results = Import-Csv $csv | Invoke-WxPayscoreTerminate -AppId 'wxd678efh567hg6787' -Reason '服务调整' -Confirm:$false `
            -JournalPath $journal -ErrorAction SilentlyContinue
        Write-Host 'Results come out as rows finish; sorted by RowNumber:' -ForegroundColor Cyan
        $results | Sort-Object RowNumber | Format-Table | Out-Host
        Write-Host 'Rows that needed a retry or a query:' -ForegroundColor Cyan
        $results | Where-Object { $_.Attempts -gt 1 -or $_.Code -eq 'SETTLED_BY_QUERY' } | Sort-Object RowNumber |
            Format-List RowNumber, Code, Attempts, Message | Out-Host
        Write-Host 'Why the other rows did not succeed:' -ForegroundColor Cyan
        $results | Where-Object { -not $_.Success } | Sort-Object RowNumber | Format-List RowNumber, Code, Message | Out-Host

        $state = Get-WxSimulatorState -Simulator $sim
        $ok = @($results | Where-Object Success).Count
        Write-Host ("{0} rows in, {1} results out, {2} succeeded; the simulator recorded {3} terminations." -f `
            @(Import-Csv $csv).Count, @($results).Count, $ok, @($state.terminates).Count) -ForegroundColor Cyan

        Write-Host "`nThe same command again, with the same journal (as after a crash):`n" -ForegroundColor Cyan
        $again = Import-Csv $csv | Invoke-WxPayscoreTerminate -AppId 'wxd678efh567hg6787' -Reason '服务调整' -Confirm:$false `
            -JournalPath $journal -ErrorAction SilentlyContinue
        $again | Group-Object Code -NoElement | Format-Table Name, Count | Out-Host
        $state = Get-WxSimulatorState -Simulator $sim
        Write-Host ("The simulator still recorded {0} terminations: nothing was sent twice." -f @($state.terminates).Count) -ForegroundColor Cyan

        # One file may mix the kinds of row: by openid, by authorization code, and a service provider's sub-merchant rows.
        $mixed = Join-Path $Root 'samples/mixed-users.csv'
        Write-Host "`nImport-Csv $mixed | Get-WxPayscorePermission -AppId wxd678efh567hg6787`n" -ForegroundColor Cyan
        Import-Csv $mixed | Get-WxPayscorePermission -AppId 'wxd678efh567hg6787' -ErrorAction SilentlyContinue |
            Sort-Object RowNumber | Format-Table | Out-Host
        Write-Host "Import-Csv $mixed | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false`n" -ForegroundColor Cyan
        Import-Csv $mixed | Invoke-WxPayscoreTerminate -AppId 'wxd678efh567hg6787' -Reason '服务调整' -Confirm:$false -ErrorAction SilentlyContinue |
            Sort-Object RowNumber | Format-Table RowNumber, Route, Code, Message -Wrap | Out-Host
    }
    finally {
        Disconnect-WxPayscore -ErrorAction Ignore
        Stop-WxSimulator -Simulator $sim
    }
}

switch ($Task) {
    'clean' { Remove-Item $OutDir -Recurse -Force -ErrorAction Ignore }
    'build' { Build-Module }
    'demo' { Build-Module; Invoke-Demo }
    'package' { Build-Module; New-ModulePackage | Out-Null }
    'mono' {
        Build-Module
        $mono = Invoke-MonoSmokeTests
        if ($mono.Failed -gt 0) { exit 1 }
    }
    'bench' {
        Build-Module
        $builds = [ordered]@{ 'dotnet tool 7.6.9' = ''; 'ReadyToRun 7.6.9' = (Build-PwshReadyToRun); 'SDK 7.4.19' = (Build-Pwsh74) }
        & (Join-Path $Root 'bench/Invoke-Benchmark.ps1') -Long:$Long -PwshBuilds $builds
    }
    'test' {
        $package = if ($NoBuild) { Get-BuiltPackage } else { Build-Module | Out-Host; New-ModulePackage }
        $none = [pscustomobject]@{ Passed = 0; Failed = 0; Ran = $false }
        $xunit = if ($Suite -in 'all', 'xunit') { Invoke-XunitTests } else { $none }
        $pester = if ($Suite -in 'all', 'pester') { Invoke-PesterTests -PackagePath $package } else { $none }
        $pester74 = $none
        if ($Suite -in 'all', 'pester', 'pester74') {
            $pester74 = Invoke-PesterTests -PackagePath $package -Pwsh (Build-Pwsh74) -Name 'pester-7.4'
            Write-Host ("PowerShell 7.4: {0} passed, {1} failed" -f $pester74.Passed, $pester74.Failed)
        }
        $mono = if (($Suite -in 'all', 'mono') -and -not $Filter) { Invoke-MonoSmokeTests } else { $none }
        $monoLine = if ($mono.Ran) { "Mono: {0} passed, {1} failed" -f $mono.Passed, $mono.Failed } else { 'Mono: skipped' }
        $wine = if (($Suite -in 'all', 'wine') -and -not $Filter) { Invoke-WineTests } else { $none }
        $wineLine = if ($wine.Ran) { "Windows (Wine): {0} passed, {1} failed" -f $wine.Passed, $wine.Failed } else { 'Windows (Wine): skipped' }
        Write-Host ("xunit: {0} passed, {1} failed; Pester: {2} passed, {3} failed; Pester on PowerShell 7.4: {4} passed, {5} failed; {6}; {7}" -f
            $xunit.Passed, $xunit.Failed, $pester.Passed, $pester.Failed, $pester74.Passed, $pester74.Failed, $monoLine, $wineLine)
        $passed = $xunit.Passed + $pester.Passed + $pester74.Passed + $mono.Passed + $wine.Passed
        $failed = $xunit.Failed + $pester.Failed + $pester74.Failed + $mono.Failed + $wine.Failed
        Write-Host "$passed passed, $failed failed"
        if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
    }
}
