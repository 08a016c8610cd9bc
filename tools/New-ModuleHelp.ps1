<#
.SYNOPSIS
    Writes the module's MAML help (<culture>/WeChatPay.Payscore.dll-Help.xml) for one language. en-US comes from
    what the code already says: each cmdlet's and parameter's doc comment (the compiler's XML documentation), each
    parameter's binding and default (the cmdlet itself), and the examples in en-US/WeChatPay.Payscore.Examples.psd1.
    Another language (-HelpSourcePath, such as zh-CN/WeChatPay.Payscore.Help.psd1) takes its words from that one file
    instead: per cmdlet its Synopsis, Description paragraphs, Parameters and Examples, with SharedParameters for the
    parameters that mean the same in every cmdlet and Outputs per output type; bindings and defaults still come from
    the cmdlets. Its examples must be as many as en-US's, with the same code. Run by build.ps1 in a pwsh of its own,
    so that the module it imports does not stay loaded in the build.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    # en-US only: the compiler's XML documentation.
    [string] $DocumentationPath,
    # en-US's examples; another language's examples are checked against them.
    [Parameter(Mandatory)] [string] $ExamplesPath,
    [Parameter(Mandatory)] [string] $OutputPath,
    # Another language's help source; without it, en-US from the doc comments.
    [string] $HelpSourcePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$module = Import-Module $ManifestPath -PassThru
$examples = Import-PowerShellDataFile $ExamplesPath
function Format-Words([string] $Text) { (($Text -split '\s+') -join ' ').Trim() }
$summaries = @{}
$remarks = @{}
$source = if ($HelpSourcePath) { Import-PowerShellDataFile $HelpSourcePath } else { $null }
if (-not $source) {
[xml] $documentation = Get-Content $DocumentationPath -Raw
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
}

$shouldProcess = @{
    WhatIf  = 'Shows what would be sent, row by row, and sends nothing. Rows with bad input still get their INVALID_INPUT result.'
    Confirm = 'Asks before each row. -Confirm:$false never asks, as runbooks need; a host that cannot ask stops the run before anything is sent.'
}
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
$exampleTitle = 'Example'
if ($source) {
    $shouldProcess = @{}
    $exampleTitle = $source.ExampleTitle
    $unknown = @($source.Cmdlets.Keys | Where-Object { $_ -notin (Get-Command -Module $module.Name -CommandType Cmdlet).Name })
    if ($unknown) { throw "$HelpSourcePath documents cmdlets the module does not have: $($unknown -join ', ')." }
}

# The words of one cmdlet in the language of -HelpSourcePath: its own entry, each parameter's text from it or from
# SharedParameters. Every parameter the cmdlet has needs one, and no other parameter may be there.
function Get-SourceText($Cmdlet, [string[]] $ParameterNames) {
    $entry = $source.Cmdlets[$Cmdlet.Name]
    if (-not $entry) { throw "$HelpSourcePath does not document $($Cmdlet.Name)." }
    foreach ($key in 'Synopsis', 'Description', 'Examples') { if (-not $entry[$key]) { throw "$HelpSourcePath gives $($Cmdlet.Name) no $key." } }
    $own = if ($entry['Parameters']) { $entry.Parameters } else { @{} }
    $extra = @($own.Keys | Where-Object { $_ -notin $ParameterNames })
    if ($extra) { throw "$HelpSourcePath documents parameters $($Cmdlet.Name) does not have: $($extra -join ', ')." }
    $texts = @{}
    foreach ($name in $ParameterNames) {
        $texts[$name] = if ($own.ContainsKey($name)) { $own[$name] } elseif ($source.SharedParameters.ContainsKey($name)) { $source.SharedParameters[$name] }
        if (-not $texts[$name]) { throw "$HelpSourcePath does not document $($Cmdlet.Name) -${name}." }
    }
    $english = @($examples[$Cmdlet.Name])
    if (@($entry.Examples).Count -ne $english.Count) { throw "$HelpSourcePath gives $($Cmdlet.Name) $(@($entry.Examples).Count) examples, en-US $($english.Count)." }
    for ($i = 0; $i -lt $english.Count; $i++) {
        if ($entry.Examples[$i].Code -cne $english[$i].Code) { throw "$HelpSourcePath's example $($i + 1) of $($Cmdlet.Name) has other code than en-US's." }
        if (-not $entry.Examples[$i].Remarks) { throw "$HelpSourcePath's example $($i + 1) of $($Cmdlet.Name) has no remarks." }
    }
    [pscustomobject]@{ Synopsis = $entry.Synopsis; Description = @($entry.Description); Parameters = $texts; Examples = @($entry.Examples) }
}

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
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
function Write-Para([string] $Text) { $writer.WriteStartElement('maml', 'para', $maml); $writer.WriteString($Text); $writer.WriteEndElement() }
function Write-Description([string[]] $Text) { $writer.WriteStartElement('maml', 'description', $maml); $Text | ForEach-Object { Write-Para $_ }; $writer.WriteEndElement() }

# Written beside the output and renamed at the end: a source that fails a check halfway leaves no help file, half
# written, for the build to ship.
$partial = "$OutputPath.partial"
$writer = [System.Xml.XmlWriter]::Create($partial, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    $cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
    foreach ($cmdlet in $cmdlets) {
        $type = $cmdlet.ImplementingType
        $documented = @($cmdlet.Parameters.Values.Name | Where-Object { $_ -notin $common -or $_ -in 'WhatIf', 'Confirm' })
        if ($source) {
            $words = Get-SourceText $cmdlet $documented
            $synopsis = $words.Synopsis
            $paragraphs = $words.Description
            $cmdletExamples = $words.Examples
        }
        else {
            $description = Get-Summary "T:$($type.FullName)"
            if (-not $description) { throw "$($type.FullName) has no doc comment: it is the help's description." }
            $synopsis = ($description -split '(?<=\.)\s', 2)[0]
            $paragraphs = @($description) + $remarks["T:$($type.FullName)"]
            $cmdletExamples = $examples[$cmdlet.Name]
        }
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
        Write-Description $paragraphs

        $parameters = foreach ($parameter in $cmdlet.Parameters.Values | Where-Object { $_.Name -in $documented }) {
            $property = $type.GetProperty($parameter.Name)
            $text = if ($source) { $words.Parameters[$parameter.Name] } elseif ($shouldProcess.ContainsKey($parameter.Name)) { $shouldProcess[$parameter.Name] } else { Get-Summary "P:$($property.DeclaringType.FullName).$($property.Name)" }
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
            foreach ($p in $set.Parameters | Where-Object { $_.Name -in $documented }) {
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
            $outputText = if ($source) { $source.Outputs[$output.Name] } else { Get-Summary "T:$($output.Name)" }
            if ($outputText) { Write-Description $outputText }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        if (-not $cmdletExamples -or $cmdletExamples.Count -lt 3) { throw "$ExamplesPath needs at least three examples for $($cmdlet.Name)." }
        $writer.WriteStartElement('command', 'examples', $command)
        $number = 0
        foreach ($example in $cmdletExamples) {
            $number++
            $writer.WriteStartElement('command', 'example', $command)
            $writer.WriteElementString('title', $maml, "-------------------------- $exampleTitle $number --------------------------")
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
}
catch {
    $writer.Dispose()
    Remove-Item -LiteralPath $partial -ErrorAction Ignore
    throw
}
Move-Item -LiteralPath $partial -Destination $OutputPath -Force
Write-Host "Help written to $OutputPath"
