@{
    RootModule             = 'WeChatPay.Payscore.psm1'
    ModuleVersion          = '0.1.0'
    CompatiblePSEditions   = @('Desktop', 'Core')
    GUID                   = '5b0c7a2e-3f4d-4b8e-9a61-2d7c1e0f9b34'
    Author                 = 'WeChatPay.Payscore contributors'
    CompanyName            = 'WeChatPay.Payscore'
    Copyright              = '(c) WeChatPay.Payscore contributors. All rights reserved.'
    Description            = 'Ends WeChat Pay Pay Score (微信支付分) authorizations in bulk: one signed WeChat Pay APIv3 request per CSV row, every answer verified, one result object per row.'
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('WeChatPay.Payscore.Format.ps1xml')
    CmdletsToExport        = @('Invoke-WxPayscoreTerminate', 'Get-WxPayscorePermission', 'Connect-WxPayscore', 'Get-WxPayscoreConnection', 'Disconnect-WxPayscore', 'ConvertFrom-WxPayscoreNotification', 'Get-WxPayscorePlatformCertificate', 'Get-WxPayscoreJournal', 'Test-WxPayscoreConnection')
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('WeChatPay', 'WeChat', 'Payscore', 'APIv3', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ReleaseNotes = '0.1.0: Invoke-WxPayscoreTerminate (bulk, journaled, resumable), Get-WxPayscorePermission, Get-WxPayscoreJournal, Connect-/Get-/Disconnect-WxPayscore. See CHANGELOG.md.'
        }
    }
}
