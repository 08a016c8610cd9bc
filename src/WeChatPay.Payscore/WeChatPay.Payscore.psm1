# The module's root: imports the build for the running edition, bin/net472 on Windows PowerShell 5.1 (.NET Framework)
# and bin/net8.0 on PowerShell 7.4+, and exports its cmdlets (the manifest lists them).
$edition = if ($PSEdition -eq 'Core') { 'net8.0' } else { 'net472' }
$assembly = [IO.Path]::Combine($PSScriptRoot, 'bin', $edition, 'WeChatPay.Payscore.dll')
$inner = Import-Module -Name $assembly -ErrorAction Stop -PassThru
Export-ModuleMember -Cmdlet @($inner.ExportedCmdlets.Keys)
