# The runbook sample of samples/runbooks, run end to end as Azure Automation would run its chain of jobs: against the
# simulator (a slow one, so that each job's time budget runs out) and Azurite (the CSV, the journal and the
# results as blobs). What cannot run here is replaced by stubs that record what the runbook asked of them:
# Get-AutomationVariable (the Automation account's encrypted variables), Connect-AzAccount and Get-AzKeyVaultSecret
# (the managed identity and Key Vault) and Start-AzAutomationRunbook (the next job, which the test then runs itself).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Azurite.ps1')
    $NoAzurite = -not (Get-AzuriteScript)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Runbook = Join-Path $PSScriptRoot '../../samples/runbooks/Invoke-WxPayscoreTerminateRunbook.ps1'
    $script:HasAzurite = [bool] (Get-AzuriteScript)
    $script:Work = New-TestFolder
    if ($HasAzurite) {
        $script:Storage = Start-TestAzurite
        $script:Sim = Start-WxSimulator -SimulatorPath $env:WXPAYSCORE_TEST_SIMULATOR -LatencyMs 300
    }
}

AfterAll {
    if ($HasAzurite) {
        Stop-WxSimulator -Simulator $Sim
        Stop-TestAzurite $Storage
    }
    Remove-Item $Work -Recurse -Force -ErrorAction Ignore
    Remove-Item function:global:Get-AutomationVariable, function:global:Connect-AzAccount, function:global:Get-AzKeyVaultSecret,
        function:global:Start-AzAutomationRunbook, variable:global:RunbookStubs -ErrorAction Ignore
    Remove-Item env:WXPAY_BASE_URI -ErrorAction Ignore
}

Describe 'The runbook sample' {
    It 'ends every row over a chain of jobs, each resuming the blob journal, with nothing sent twice and no secret in its output' -Skip:$NoAzurite {
        $rows = 60
        $container = New-AzuriteContainer $Storage
        $csv = Join-Path $Work 'users.csv'
        New-UsersCsv $csv (@('openid,service_id') + (1..$rows | ForEach-Object { "oRunbook$($_.ToString('000'))xxxxxxxxxxxxxxxxxx,500001" }))
        Set-AzuriteBlob $Storage $container 'users.csv' $csv

        $variables = @{
            'wxpay-input-sas-url'   = New-AzuriteSasUrl $Storage $container 'users.csv' 'r'
            'wxpay-journal-sas-url' = New-AzuriteSasUrl $Storage $container 'journal.jsonl' 'racw'
            'wxpay-results-sas-url' = New-AzuriteSasUrl $Storage $container -Permissions 'cw'
            'wxpay-public-key'      = Get-Content -Raw $Sim.Info.publicKeyPath
        }
        # The stubs are global functions, as the Az and Automation cmdlets would be; what they serve and record is global too.
        $global:RunbookStubs = @{
            Variables  = $variables
            PrivateKey = Get-Content -Raw $Sim.Info.merchantPrivateKeyPath
            Calls      = [Collections.Generic.List[object]]::new()
        }
        function global:Get-AutomationVariable([string] $Name) { $global:RunbookStubs.Variables[$Name] }
        function global:Connect-AzAccount([switch] $Identity) { $global:RunbookStubs.Calls.Add("Connect-AzAccount -Identity:$Identity"); [pscustomobject]@{} }
        function global:Get-AzKeyVaultSecret([string] $VaultName, [string] $Name) {
            $global:RunbookStubs.Calls.Add("Get-AzKeyVaultSecret $VaultName $Name")
            [pscustomobject]@{ SecretValue = ConvertTo-SecureString $global:RunbookStubs.PrivateKey -AsPlainText -Force }
        }
        function global:Start-AzAutomationRunbook([string] $AutomationAccountName, [string] $ResourceGroupName, [string] $Name, [hashtable] $Parameters) {
            $global:RunbookStubs.Calls.Add([pscustomobject]@{ Account = $AutomationAccountName; Group = $ResourceGroupName; Name = $Name; Parameters = $Parameters })
            [pscustomobject]@{ JobId = [guid]::NewGuid() }
        }
        $Calls = $global:RunbookStubs.Calls
        $env:WXPAY_BASE_URI = $Sim.BaseUri   # the simulator plays WeChat Pay

        $job1 = @{
            MerchantId = $Sim.Info.merchantId; MerchantSerialNumber = $Sim.Info.merchantSerialNumber
            WechatpayPublicKeyId = $Sim.Info.publicKeyId; AppId = $AppId; KeyVaultName = 'wxpay-kv'
            AutomationAccountName = 'wxpay'; ResourceGroupName = 'payscore'; StopAfter = '00:00:02'; ThrottleLimit = 2
        }
        $first = & $Runbook @job1 *>&1 | Out-String -Stream
        $summary1 = $first | Where-Object { $_ -match '^\s*NotStarted\s*:' }

        $next = @($Calls | Where-Object { $_ -is [pscustomobject] -and $_.PSObject.Properties['Parameters'] })
        $next.Count | Should -Be 1
        $next[0].Name | Should -Be 'Invoke-WxPayscoreTerminateRunbook'
        $next[0].Parameters.Job | Should -Be 2
        $next[0].Parameters.KeyVaultName | Should -Be 'wxpay-kv'
        $Calls | Should -Contain 'Get-AzKeyVaultSecret wxpay-kv wxpay-private-key'

        $results1 = Join-Path $Work 'results-job1.csv'
        Get-AzuriteBlob $Storage $container 'results-job1.csv' $results1
        $firstRows = @(Import-Csv $results1 -Encoding UTF8)
        $firstRows.Count | Should -Be $rows
        $notStarted = @($firstRows | Where-Object Code -eq 'NOT_STARTED').Count
        $notStarted | Should -BeGreaterThan 0
        @($firstRows | Where-Object { $_.Code -notin 'OK', 'NOT_STARTED' }).Count | Should -Be 0
        [IO.File]::ReadAllBytes($results1)[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)   # UTF-8 with BOM on both runtimes

        # The next jobs, as Azure Automation would start them: each with the parameters the job before asked for, until
        # one leaves no row unstarted. Every job has the same small budget, so the chain takes several.
        $said = [Collections.Generic.List[string]]::new()
        $said.AddRange([string[]] $first)
        $job = 1
        while ($true) {
            $asked = @($Calls | Where-Object { $_ -is [pscustomobject] -and $_.PSObject.Properties['Parameters'] })
            if ($asked.Count -lt $job) { break }
            $job++
            $job | Should -BeLessOrEqual 10
            $asked[-1].Parameters.Job | Should -Be $job
            $parameters = $asked[-1].Parameters
            $said.AddRange([string[]] (& $Runbook @parameters *>&1 | Out-String -Stream))
        }

        $job | Should -BeGreaterThan 1
        $last = Join-Path $Work "results-job$job.csv"
        Get-AzuriteBlob $Storage $container "results-job$job.csv" $last
        $lastRows = @(Import-Csv $last -Encoding UTF8)
        $lastRows.Count | Should -Be $rows
        @($lastRows | Where-Object Success -eq 'True').Count | Should -Be $rows
        @($lastRows | Where-Object Code -eq 'OK').Count | Should -BeGreaterThan 0   # the last job sent the rest
        @($lastRows | Where-Object Code -eq 'ALREADY_DONE').Count | Should -BeGreaterOrEqual ($rows - $notStarted)

        $processed = @(Get-WxSimulatorProcessed -Simulator $Sim)
        $processed.Count | Should -Be $rows
        @($processed | Where-Object terminates -ne 1).Count | Should -Be 0

        # The SAS tokens and the key are secrets: nothing the jobs wrote quotes them.
        $said = $said -join "`n"
        foreach ($url in $variables['wxpay-input-sas-url'], $variables['wxpay-journal-sas-url'], $variables['wxpay-results-sas-url']) {
            $said | Should -Not -Match ([regex]::Escape(([Uri] $url).Query.TrimStart('?')))
        }
        $said | Should -Not -Match 'PRIVATE KEY'
        $summary1 | Should -Not -BeNullOrEmpty
    }
}
