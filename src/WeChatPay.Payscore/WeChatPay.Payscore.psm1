# The module's root: imports the build for the running edition, bin/net472 on Windows PowerShell 5.1 (.NET Framework)
# and bin/net8.0 on PowerShell 7.4+, and exports its cmdlets (the manifest lists them).
$edition = if ($PSEdition -eq 'Core') { 'net8.0' } else { 'net472' }
$assembly = [IO.Path]::Combine($PSScriptRoot, 'bin', $edition, 'WeChatPay.Payscore.dll')
$inner = Import-Module -Name $assembly -ErrorAction Stop -PassThru

# The results show their properties in the order of their CSV columns. The type data names a type of the assembly
# just loaded, so it is registered here rather than by the manifest (whose TypesToProcess runs before this file),
# and taken away with the module.
$resultTypeData = [WeChatPay.Payscore.Commands.RowResultAdapter]::TypeData
Update-TypeData -TypeData $resultTypeData -Force
$ExecutionContext.SessionState.Module.OnRemove = {
    $resultTypeData | ForEach-Object { Remove-TypeData -TypeName $_.TypeName -ErrorAction Ignore }
}.GetNewClosure()

Export-ModuleMember -Cmdlet @($inner.ExportedCmdlets.Keys)
