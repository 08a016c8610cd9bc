<#
.SYNOPSIS
    Writes the module's MAML help (en-US/WeChatPay.Payscore.dll-Help.xml) from what the code already says: each
    cmdlet's and parameter's doc comment (the compiler's XML documentation), each parameter's binding and default
    (the cmdlet itself), and the examples in en-US/WeChatPay.Payscore.Examples.psd1. Run by build.ps1 in a pwsh of
    its own, so that the module it imports does not stay loaded in the build.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [Parameter(Mandatory)] [string] $DocumentationPath,
    [Parameter(Mandatory)] [string] $ExamplesPath,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$module = Import-Module $ManifestPath -PassThru
[xml] $documentation = Get-Content $DocumentationPath -Raw
$examples = Import-PowerShellDataFile $ExamplesPath
function Format-Words([string] $Text) { (($Text -split '\s+') -join ' ').Trim() }
$summaries = @{}
$remarks = @{}
# <see cref="T:Ns.TerminateResult"/>, <paramref name="x"/> and <see langword="null"/> have no inner text;
# without their words a sentence in the help loses its noun.
foreach ($reference in @($documentation.SelectNodes('//see | //paramref | //typeparamref'))) {
    $name = foreach ($attribute in 'cref', 'name', 'langword') { if ($reference.HasAttribute($attribute)) { $reference.GetAttribute($attribute); break } }
    $word = ($name -replace '^[A-Z]:', '' -replace '\(.*$', '' -split '\.')[-1]
    $null = $reference.ParentNode.ReplaceChild($documentation.CreateTextNode($word), $reference)
}
foreach ($member in $documentation.doc.members.member) {
    $summary = $member.SelectSingleNode('summary')
    if ($summary) { $summaries[$member.name] = Format-Words $summary.InnerText }
    # A cmdlet's <remarks> are the rest of its help description, one paragraph per <para>.
    $remarks[$member.name] = @($member.SelectNodes('remarks/para') | ForEach-Object { Format-Words $_.InnerText })
}

$shouldProcess = @{
    WhatIf  = 'Shows what would be sent, row by row, and sends nothing. Rows with bad input still get their INVALID_INPUT result.'
    Confirm = 'Asks before each row. -Confirm:$false never asks, as runbooks need; a host that cannot ask stops the run before anything is sent.'
}
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

function Get-Summary([string] $Key) {
    if ($summaries.ContainsKey($Key)) { $summaries[$Key] } else { $null }
}

function Format-Type([type] $Type) {
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { 'SwitchParameter' }
    elseif ([Nullable]::GetUnderlyingType($Type)) { [Nullable]::GetUnderlyingType($Type).Name } # TimeSpan?: its default is "None", not a value
    else { $Type.Name }
}

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$writer = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
function Write-Para([string] $Text) { $writer.WriteStartElement('maml', 'para', $maml); $writer.WriteString($Text); $writer.WriteEndElement() }
function Write-Description([string[]] $Text) { $writer.WriteStartElement('maml', 'description', $maml); $Text | ForEach-Object { Write-Para $_ }; $writer.WriteEndElement() }

$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')
$cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
foreach ($cmdlet in $cmdlets) {
    $type = $cmdlet.ImplementingType
    $description = Get-Summary "T:$($type.FullName)"
    if (-not $description) { throw "$($type.FullName) has no doc comment: it is the help's description." }
    $synopsis = ($description -split '(?<=\.)\s', 2)[0]
    $defaults = [Activator]::CreateInstance($type)

    $writer.WriteStartElement('command', 'command', $command)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $writer.WriteStartElement('command', 'details', $command)
    $writer.WriteElementString('name', $command, $cmdlet.Name)
    Write-Description $synopsis
    $writer.WriteElementString('verb', $command, $cmdlet.Verb)
    $writer.WriteElementString('noun', $command, $cmdlet.Noun)
    $writer.WriteEndElement()
    Write-Description (@($description) + $remarks["T:$($type.FullName)"])

    $parameters = foreach ($parameter in $cmdlet.Parameters.Values | Where-Object { $_.Name -notin $common -or $shouldProcess.ContainsKey($_.Name) }) {
        $property = $type.GetProperty($parameter.Name)
        $text = if ($shouldProcess.ContainsKey($parameter.Name)) { $shouldProcess[$parameter.Name] } else { Get-Summary "P:$($property.DeclaringType.FullName).$($property.Name)" }
        if (-not $text) { throw "$($cmdlet.Name) -$($parameter.Name) has no doc comment: it is the parameter's help." }
        $attribute = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $pipeline = @(if ($attribute.ValueFromPipeline) { 'ByValue' }; if ($attribute.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
        $default = if ($property -and $parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]) { $property.GetValue($defaults) } else { $null }
        [pscustomobject]@{
            Name     = $parameter.Name
            Text     = $text
            Type     = $parameter.ParameterType
            Required = [bool] $attribute.Mandatory
            Position = if ($attribute.Position -ge 0) { "$($attribute.Position)" } else { 'named' }
            Pipeline = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
            Aliases  = if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }
            Default  = if ($null -ne $default -and "$default" -ne '') { "$default" } else { 'None' }
            Globbing = [bool] ($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        }
    }

    # One syntax block per parameter set, each with the set's own positions and mandatory parameters.
    $writer.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $cmdlet.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $command)
        $writer.WriteElementString('name', $maml, $cmdlet.Name)
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common -or $shouldProcess.ContainsKey($_.Name) }) {
            $writer.WriteStartElement('command', 'parameter', $command)
            $writer.WriteAttributeString('required', "$($p.IsMandatory)".ToLowerInvariant())
            $writer.WriteAttributeString('position', $(if ($p.Position -ge 0) { "$($p.Position)" } else { 'named' }))
            $writer.WriteElementString('name', $maml, $p.Name)
            if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) { $writer.WriteElementString('parameterValue', $command, (Format-Type $p.ParameterType)) }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $command)
    foreach ($p in $parameters) {
        $writer.WriteStartElement('command', 'parameter', $command)
        $writer.WriteAttributeString('required', "$($p.Required)".ToLowerInvariant())
        $writer.WriteAttributeString('globbing', "$($p.Globbing)".ToLowerInvariant())
        $writer.WriteAttributeString('pipelineInput', $p.Pipeline)
        $writer.WriteAttributeString('position', $p.Position)
        $writer.WriteAttributeString('aliases', $p.Aliases)
        $writer.WriteElementString('name', $maml, $p.Name)
        Write-Description $p.Text
        $writer.WriteElementString('parameterValue', $command, (Format-Type $p.Type))
        $writer.WriteStartElement('dev', 'type', $dev); $writer.WriteElementString('name', $maml, $p.Type.FullName); $writer.WriteEndElement()
        $writer.WriteElementString('defaultValue', $dev, $p.Default)
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'returnValues', $command)
    foreach ($output in $cmdlet.OutputType) {
        $writer.WriteStartElement('command', 'returnValue', $command)
        $writer.WriteStartElement('dev', 'type', $dev); $writer.WriteElementString('name', $maml, $output.Name); $writer.WriteEndElement()
        $outputText = Get-Summary "T:$($output.Name)"
        if ($outputText) { Write-Description $outputText }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $cmdletExamples = $examples[$cmdlet.Name]
    if (-not $cmdletExamples -or $cmdletExamples.Count -lt 3) { throw "$ExamplesPath needs at least three examples for $($cmdlet.Name)." }
    $writer.WriteStartElement('command', 'examples', $command)
    $number = 0
    foreach ($example in $cmdletExamples) {
        $number++
        $writer.WriteStartElement('command', 'example', $command)
        $writer.WriteElementString('title', $maml, "-------------------------- Example $number --------------------------")
        $writer.WriteElementString('code', $dev, $example.Code)
        $writer.WriteStartElement('dev', 'remarks', $dev); Write-Para $example.Remarks; $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'relatedLinks', $command)
    foreach ($link in @($cmdlets.Name -ne $cmdlet.Name) + 'about_WeChatPay_Payscore') {
        $writer.WriteStartElement('maml', 'navigationLink', $maml)
        $writer.WriteElementString('linkText', $maml, $link)
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndElement()
}
$writer.WriteEndElement()
$writer.WriteEndDocument()
$writer.Dispose()
Write-Host "Help written to $OutputPath"
