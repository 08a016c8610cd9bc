BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Start-TestFile
}

AfterAll {
    Stop-TestFile
}

Describe 'Get-WxPayscorePermission' {
    BeforeEach {
        Reset-WxSimulator -Simulator $Sim
    }

    It 'previews a batch and audits it afterwards, in an 80-column table' {
        $rows = 'oPreview1', 'oPreview2', 'oPreview3' | ForEach-Object { [pscustomobject]@{ openid = $_; service_id = '500001'; appid = $AppId } }

        $before = $rows | Get-WxPayscorePermission @Cred | Group-Object AuthorizationState -AsHashTable -AsString
        $rows[0] | Invoke-WxPayscoreTerminate -Reason 'r' -Confirm:$false @Cred | Out-Null
        $after = $rows | Get-WxPayscorePermission @Cred
        $lines = ($after | Sort-Object RowNumber | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }

        $before['AVAILABLE'].Count | Should -Be 3
        @($after | Sort-Object RowNumber).AuthorizationState | Should -Be @('UNAVAILABLE', 'AVAILABLE', 'AVAILABLE')
        $lines[0] | Should -Match '^\s*Row\s+OpenId or code\s+ServiceId\s+State\s+Since'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines[2] | Should -Match 'oPreview1\s+500001\s+ended\s+\d{4}-\d\d-\d\d \d\d:\d\d'
        $lines[3] | Should -Match 'oPreview2\s+500001\s+authorized\s+\d{4}-\d\d-\d\d \d\d:\d\d'
        @((Get-WxSimulatorState -Simulator $Sim).terminates).Count | Should -Be 1
    }
}
