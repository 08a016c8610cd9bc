<#
.SYNOPSIS
    Azure Automation runbook: ends the Pay Score authorizations listed in a CSV blob, across as many jobs as it takes.
.DESCRIPTION
    Import this runbook into an Automation account (runtime PowerShell 7.4 or 5.1) that has the WeChatPay.Payscore
    module. Each job:

    1. reads the merchant's private key from Key Vault through the account's managed identity (-KeyVaultName), or
       from an encrypted Automation variable; the key reaches the module as a SecureString parameter, never an
       environment variable (jobs that share a sandbox process share its environment);
    2. downloads the CSV (openid, service_id, ...) from a blob to the job's temporary folder;
    3. runs Invoke-WxPayscoreTerminate with the journal in an append blob (a SAS URL) and -StopAfter, so that the
       job ends well within Azure Automation's 3 hours and the journal outlives the sandbox;
    4. uploads one result row per input row to results-job<N>.csv next to the input, UTF-8 with a byte order mark
       on both runtimes (Windows PowerShell 5.1's Export-Csv would otherwise write ASCII and turn Chinese into '?');
    5. when rows were not started (NOT_STARTED), starts the next job of this runbook with -Job N+1. That job resumes
       the same journal: rows already ended are ALREADY_DONE without a request, the rest are sent.

    The SAS URLs are secrets: they come from encrypted Automation variables whose names are parameters, so they
    appear neither in the job's parameters nor in its output. The last job's results file holds every row's final
    result.
.EXAMPLE
    Start-AzAutomationRunbook -AutomationAccountName wxpay -ResourceGroupName payscore -Name Invoke-WxPayscoreTerminateRunbook `
        -Parameters @{ MerchantId = '1900009191'; MerchantSerialNumber = '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C';
                       WechatpayPublicKeyId = 'PUB_KEY_ID_0114232134912410000000000000000001'; AppId = 'wxd678efh567hg6787';
                       KeyVaultName = 'wxpay-kv'; AutomationAccountName = 'wxpay'; ResourceGroupName = 'payscore' }
.NOTES
    Automation assets it reads (names are parameters): encrypted variables wxpay-input-sas-url (read SAS of the CSV
    blob), wxpay-journal-sas-url (the journal blob's URL with a read, add, create and write SAS for its container: a
    journal that outgrows its blob goes on in <name>.1, which a SAS for one blob does not cover), wxpay-results-sas-url (a
    container SAS with create and write), wxpay-public-key (the PEM text of pub_key.pem, not secret), and without
    -KeyVaultName wxpay-private-key (the PEM text of apiclient_key.pem; line breaks may be written as \n).
#>
param(
    [Parameter(Mandatory)] [string] $MerchantId,
    [Parameter(Mandatory)] [string] $MerchantSerialNumber,
    [Parameter(Mandatory)] [string] $WechatpayPublicKeyId,
    [Parameter(Mandatory)] [string] $AppId,
    [string] $Reason = '服务调整',

    # Key Vault that holds the private key (secret $PrivateKeySecretName), read with the account's managed identity.
    # Without it, the key is the encrypted Automation variable of that name.
    [string] $KeyVaultName,
    [string] $PrivateKeySecretName = 'wxpay-private-key',
    [string] $PublicKeyVariable = 'wxpay-public-key',
    [string] $InputSasVariable = 'wxpay-input-sas-url',
    [string] $JournalSasVariable = 'wxpay-journal-sas-url',
    [string] $ResultsSasVariable = 'wxpay-results-sas-url',

    # Well within the 3 hours after which Azure stops a cloud job: the rows in flight and the upload need time too.
    [TimeSpan] $StopAfter = '02:45:00',
    [int] $ThrottleLimit = 4,

    # This job's number in the chain; the next job gets $Job + 1. Starting the next job needs all three.
    [int] $Job = 1,
    [string] $AutomationAccountName,
    [string] $ResourceGroupName,
    [string] $RunbookName = 'Invoke-WxPayscoreTerminateRunbook'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# Windows PowerShell 5.1 reads a UTF-8 file without a byte order mark as the ANSI code page and writes ASCII unless
# told; 'UTF8' there and 'utf8BOM' on 7 both mean UTF-8 with a byte order mark, which Excel also opens correctly.
$CsvEncoding = if ($PSVersionTable.PSEdition -eq 'Desktop') { 'UTF8' } else { 'utf8BOM' }

function ConvertTo-SecureText([string] $Text) {
    $secure = New-Object System.Security.SecureString
    foreach ($c in $Text.ToCharArray()) { $secure.AppendChar($c) }
    $secure.MakeReadOnly()
    $secure
}

function Get-MerchantPrivateKey {
    if ($KeyVaultName) {
        # The managed identity of the Automation account; it needs the Key Vault Secrets User role on the vault.
        $null = Connect-AzAccount -Identity
        return (Get-AzKeyVaultSecret -VaultName $KeyVaultName -Name $PrivateKeySecretName).SecretValue
    }

    ConvertTo-SecureText (Get-AutomationVariable -Name $PrivateKeySecretName)
}

# The URL of the blob $Name in the container of a container SAS URL, with the same SAS.
function Join-BlobUrl([string] $ContainerUrl, [string] $Name) {
    $builder = [UriBuilder]::new($ContainerUrl)
    $builder.Path = $builder.Path.TrimEnd('/') + '/' + $Name
    $builder.Uri.AbsoluteUri
}

$work = Join-Path ([IO.Path]::GetTempPath()) ("wxpay-job$Job-" + [Guid]::NewGuid().ToString('n'))
$null = New-Item -ItemType Directory -Path $work
try {
    $publicKeyPath = Join-Path $work 'pub_key.pem'
    [IO.File]::WriteAllText($publicKeyPath, (Get-AutomationVariable -Name $PublicKeyVariable))
    $inputCsv = Join-Path $work 'users.csv'
    $resultsCsv = Join-Path $work "results-job$Job.csv"
    Invoke-WebRequest -Uri (Get-AutomationVariable -Name $InputSasVariable) -OutFile $inputCsv -UseBasicParsing

    $terminate = @{
        MerchantId             = $MerchantId
        MerchantSerialNumber   = $MerchantSerialNumber
        PrivateKey             = Get-MerchantPrivateKey
        WechatpayPublicKeyId   = $WechatpayPublicKeyId
        WechatpayPublicKeyPath = $publicKeyPath
        AppId                  = $AppId
        Reason                 = $Reason
        JournalPath            = Get-AutomationVariable -Name $JournalSasVariable
        StopAfter              = $StopAfter
        ThrottleLimit          = $ThrottleLimit
        Confirm                = $false
        ErrorAction            = 'SilentlyContinue' # every row's error is in its result; the job's error stream is capped
    }

    $counts = @{ Rows = 0; Ended = 0; NotStarted = 0 }
    Import-Csv -LiteralPath $inputCsv -Encoding UTF8 |
        Invoke-WxPayscoreTerminate @terminate |
        ForEach-Object {
            $counts.Rows++
            if ($_.Success) { $counts.Ended++ }
            if ($_.Code -eq 'NOT_STARTED') { $counts.NotStarted++ }
            $_
        } |
        Export-Csv -LiteralPath $resultsCsv -NoTypeInformation -Encoding $CsvEncoding

    $resultsUrl = Join-BlobUrl (Get-AutomationVariable -Name $ResultsSasVariable) "results-job$Job.csv"
    $null = Invoke-WebRequest -Uri $resultsUrl -Method Put -InFile $resultsCsv -UseBasicParsing -ContentType 'text/csv; charset=utf-8' `
        -Headers @{ 'x-ms-blob-type' = 'BlockBlob'; 'x-ms-version' = '2021-08-06' }

    $next = $null
    if ($counts.NotStarted -gt 0) {
        if (-not ($AutomationAccountName -and $ResourceGroupName)) {
            Write-Warning "$($counts.NotStarted) rows were not started; start this runbook again with -Job $($Job + 1) (the same journal continues)."
        }
        else {
            $parameters = @{}
            foreach ($name in $PSBoundParameters.Keys) { $parameters[$name] = $PSBoundParameters[$name] }
            $parameters['Job'] = $Job + 1
            $parameters['StopAfter'] = $StopAfter.ToString()
            $null = Connect-AzAccount -Identity
            $next = Start-AzAutomationRunbook -AutomationAccountName $AutomationAccountName -ResourceGroupName $ResourceGroupName `
                -Name $RunbookName -Parameters $parameters
        }
    }

    # One short object for the job's output: the rows are in the results blob.
    [pscustomobject]@{
        Job        = $Job
        Rows       = $counts.Rows
        Ended      = $counts.Ended
        NotStarted = $counts.NotStarted
        Results    = "results-job$Job.csv"
        NextJob    = if ($next) { $next.JobId } else { $null }
    }
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
