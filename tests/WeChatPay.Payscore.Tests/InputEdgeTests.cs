using System.Management.Automation;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>Input at the edges, through the cmdlets: huge values, invisible reasons, emoji, a CSV without its header line.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class InputEdgeTests
{
    private const string AppId = "wxd678efh567hg6787";
    private const string OpenId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
    private const string ServiceId = "500001";

    /// <summary>The most characters any INVALID_INPUT message may have, whatever the size of the value.</summary>
    private const int MessageBound = 400;

    private readonly WechatpaySimulator _sim;

    public InputEdgeTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    private static PSObject Row(params (string Name, string Value)[] columns)
    {
        var row = new PSObject();
        foreach ((string name, string value) in columns)
        {
            row.Properties.Add(new PSNoteProperty(name, value));
        }

        return row;
    }

    /// <summary>A valid row of each kind with one of its fields replaced by the value a test gives.</summary>
    public static IEnumerable<object[]> Fields() =>
    [
        ["openid"], ["service_id"], ["appid"], ["authorization_code"], ["sub_mchid"], ["sub_appid"], ["sub_openid"], ["reason"],
    ];

    private static PSObject RowWith(string field, string value)
    {
        (string, string)[] columns = field switch
        {
            "authorization_code" => [("authorization_code", value), ("service_id", ServiceId)],
            "sub_mchid" => [("sub_mchid", value), ("openid", OpenId), ("appid", AppId), ("service_id", ServiceId)],
            "sub_appid" or "sub_openid" =>
            [
                ("sub_mchid", "1900000109"), ("sub_openid", field == "sub_openid" ? value : OpenId),
                ("sub_appid", field == "sub_appid" ? value : AppId), ("appid", AppId), ("service_id", ServiceId),
            ],
            _ => [("openid", OpenId), ("service_id", ServiceId), ("appid", AppId)],
        };
        PSObject row = Row(columns);
        if (row.Properties[field] == null)
        {
            row.Properties.Add(new PSNoteProperty(field, value));
        }
        else
        {
            row.Properties[field].Value = value;
        }

        return row;
    }

    private Dictionary<string, object?> Parameters(string command = "Invoke-WxPayscoreTerminate")
    {
        var parameters = HostedRun.Credentials(_sim);
        if (command == "Invoke-WxPayscoreTerminate")
        {
            parameters["Reason"] = "服务调整";
        }
        else
        {
            parameters.Remove("Confirm");
        }

        return parameters;
    }

    private static IEnumerable<string> MessagesOf(HostedRun run, string command) =>
        run.Errors.SelectMany(e => new[] { e.ToString(), e.Exception.Message, e.ErrorDetails?.Message ?? string.Empty, e.ErrorDetails?.RecommendedAction ?? string.Empty })
            .Concat(command == "Invoke-WxPayscoreTerminate" ? run.Results.Select(r => r.Message) : run.Permissions.Select(p => p.Message));

    [Theory]
    [MemberData(nameof(Fields))]
    public void A_value_of_100000_characters_in_any_field_gives_short_messages_from_both_cmdlets(string field)
    {
        string huge = new string('x', 100_000);

        foreach (string command in new[] { "Invoke-WxPayscoreTerminate", "Get-WxPayscorePermission" })
        {
            if (field == "reason" && command == "Get-WxPayscorePermission")
            {
                continue;
            }

            using var session = new HostedSession();
            HostedRun run = session.Run(command, Parameters(command), [RowWith(field, huge)]);

            ErrorRecord error = Assert.Single(run.Errors);
            Assert.StartsWith(ErrorIds.InvalidInput + ",", error.FullyQualifiedErrorId);
            Assert.Contains(field, error.Exception.Message);
            Assert.All(MessagesOf(run, command), m => Assert.True(m.Length <= MessageBound, $"{command}, {field}: a message of {m.Length:N0} characters"));
        }

        Assert.Equal(0, _sim.RequestCount);
    }

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\uFEFF")]
    [InlineData("\u202A\u202B\u202C\u202D\u202E")]
    [InlineData("\u2066\u2067\u2068\u2069")]
    [InlineData("\uFFFE\uFFFF")]
    [InlineData(" \u200B \uFEFF \u202E ")]
    public void A_reason_of_invisible_characters_is_refused_as_blank_and_nothing_is_sent(string reason)
    {
        var parameters = Parameters();
        parameters["Reason"] = reason;

        HostedRun run = HostedRun.Invoke([Row(("openid", OpenId), ("service_id", ServiceId), ("appid", AppId)), Row(("openid", "oRowReason"), ("service_id", ServiceId), ("appid", AppId), ("reason", reason))], parameters);

        Assert.Equal(2, run.Results.Count);
        Assert.All(run.Results, r =>
        {
            Assert.Equal(ResultCodes.InvalidInput, r.Code);
            Assert.Contains("reason is blank", r.Message);
        });
        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void An_emoji_in_an_id_is_named_as_itself()
    {
        HostedRun run = HostedRun.Invoke([Row(("openid", "oUser😀"), ("service_id", ServiceId), ("appid", AppId))], Parameters());

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal(ResultCodes.InvalidInput, result.Code);
        Assert.Contains("openid 'oUser😀' contains the character U+1F600 😀", result.Message);
        Assert.Contains("U+1F600 😀", Assert.Single(run.Errors).Exception.Message);
        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void A_csv_without_its_header_line_says_so_for_every_row_and_nothing_is_sent()
    {
        // Import-Csv takes the first line of a file without a header for the column names.
        string csv = Path.Combine(Path.GetTempPath(), $"wxps-no-header-{Guid.NewGuid():n}.csv");
        File.WriteAllLines(csv,
        [
            $"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,500001,{AppId},用户申请解除",
            $"oUpF8uN3rT0Lq5Wd8sYkHmZcXbE1,500001,{AppId},用户申请解除",
            $"oUpF8uK2mQ7hV9xLp4RtYbN6sWa3,500002,{AppId},服务调整",
        ]);

        foreach (string command in new[] { "Invoke-WxPayscoreTerminate", "Get-WxPayscorePermission" })
        {
            using var session = new HostedSession();
            PSObject[] rows = [.. session.Objects("Import-Csv -LiteralPath $args[0]", csv)];
            HostedRun run = session.Run(command, Parameters(command), rows);

            Assert.Equal(2, run.Errors.Count);
            Assert.All(MessagesOf(run, command).Where(m => m.Contains("Not sent")), m =>
            {
                Assert.Contains("the input seems to have no header line", m);
                Assert.Contains("Import-Csv -Header openid,service_id", m);
            });
        }

        File.Delete(csv);
        Assert.Equal(0, _sim.RequestCount);
    }

    [Theory]
    [InlineData("openid", "$true", "a Boolean")]
    [InlineData("openid", "@('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'oUpF8uN3rT0Lq5Wd8sYkHmZcXbE1')", "an array of 2 items")]
    [InlineData("service_id", "[pscustomobject]@{ id = 500001 }", "an object")]
    [InlineData("appid", "@{ id = 'wx' }", "an object")]
    [InlineData("service_id", "1.5", "a Double")]
    public void A_value_that_is_not_text_is_refused_naming_its_type_and_nothing_is_sent(string field, string value, string described)
    {
        foreach (string command in new[] { "Invoke-WxPayscoreTerminate", "Get-WxPayscorePermission" })
        {
            using var session = new HostedSession();
            PSObject row = Assert.Single(session.Objects(
                $"$row = [pscustomobject]@{{ openid = '{OpenId}'; service_id = 500001; appid = '{AppId}' }}; $row.{field} = {value}; $row"));
            HostedRun run = session.Run(command, Parameters(command), [row]);

            string message = command == "Invoke-WxPayscoreTerminate" ? Assert.Single(run.Results).Message : Assert.Single(run.Permissions).Message;
            Assert.Contains($"{field} is {described}, not text", message);
            Assert.DoesNotContain("True", message);
            Assert.DoesNotContain("contains '.'", message);
        }

        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void A_whole_number_from_ConvertFrom_Json_is_read_as_text()
    {
        using var session = new HostedSession();
        PSObject row = Assert.Single(session.Objects($"'{{\"openid\":\"{OpenId}\",\"service_id\":500001,\"appid\":\"{AppId}\"}}' | ConvertFrom-Json"));

        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", Parameters(), [row]);

        Assert.Equal(ResultCodes.Ok, Assert.Single(run.Results).Code);
    }

    [Fact]
    public void A_row_that_is_a_plain_string_gets_a_hint_about_columns()
    {
        using var session = new HostedSession();
        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", Parameters(), [new PSObject($"{OpenId},500001,{AppId}")]);

        string message = Assert.Single(run.Results).Message;
        Assert.Contains("the row is the plain text", message);
        Assert.Contains("not Get-Content's lines", message);
        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void A_csv_header_with_padded_names_says_which_column_to_rename()
    {
        string csv = Path.Combine(Path.GetTempPath(), $"wxps-padded-{Guid.NewGuid():n}.csv");
        File.WriteAllLines(csv, ["openid ,service_id ,appid", $"{OpenId},500001,{AppId}"]);
        try
        {
            using var session = new HostedSession();
            PSObject[] rows = [.. session.Objects("Import-Csv -LiteralPath $args[0]", csv)];
            HostedRun run = session.Run("Invoke-WxPayscoreTerminate", Parameters(), rows);

            string message = Assert.Single(run.Results).Message;
            Assert.Contains("the column 'openid ' has spaces around its name, so it is not read as openid", message);
            Assert.Contains("the column 'service_id ' has spaces around its name", message);
        }
        finally
        {
            File.Delete(csv);
        }

        Assert.Equal(0, _sim.RequestCount);
    }
}
