using System.Collections;
using System.Management.Automation;
using System.Text;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// The cmdlets in the pipelines an admin writes, hosted in-process with PowerShell's default commands:
/// <c>Import-Csv | Invoke-WxPayscoreTerminate | Export-Csv</c>, and the table view as a console shows it.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class CsvPipelineTests : IDisposable
{
    private const string AppId = "wxd678efh567hg6787";

    private readonly WechatpaySimulator _sim;
    private readonly HostedSession _session = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("wxps-csv-").FullName;

    public CsvPipelineTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The credentials and the run's settings as a hashtable, for splatting in a script.</summary>
    private Hashtable Terminate()
    {
        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in HostedRun.Credentials(_sim))
        {
            parameters[name] = value;
        }

        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";
        parameters["MaxRequestsPerSecond"] = 0.0;
        return parameters;
    }

    /// <summary>A users file as Excel saves it: UTF-8 with a byte order mark, CRLF line ends.</summary>
    private string UsersCsv(params string[] lines)
    {
        string path = Path.Combine(_dir, "users.csv");
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        return path;
    }

    [Fact]
    public void Import_csv_through_terminate_into_export_csv_writes_one_row_per_input_row()
    {
        string users = UsersCsv(
            "openid,service_id,appid,reason",
            "oCsvPipe1,500001,,",
            "oCsvPipe2,500001,,用户申请注销",
            "o/../../v3/evil,500001,,",
            "oCsvPipe3,500002,wx8888888888888888,",
            ",500001,,");
        string results = Path.Combine(_dir, "results.csv");

        _session.Objects(
            "param($users, $results, $p) Import-Csv $users | Invoke-WxPayscoreTerminate @p -ErrorAction SilentlyContinue | Export-Csv $results -NoTypeInformation",
            users, results, Terminate());
        PSObject[] rows = [.. _session.Objects("Import-Csv $args[0] | Sort-Object { [int] $_.RowNumber }", results)];

        string Column(PSObject row, string name) => (string)row.Properties[name].Value;
        Assert.Equal(["1", "2", "3", "4", "5"], rows.Select(r => Column(r, "RowNumber")));
        Assert.Equal(["True", "True", "False", "True", "False"], rows.Select(r => Column(r, "Success")));
        Assert.Equal(["204", "204", "0", "204", "0"], rows.Select(r => Column(r, "StatusCode"))); // 0: not sent
        Assert.Equal(["OK", "OK", "INVALID_INPUT", "OK", "INVALID_INPUT"], rows.Select(r => Column(r, "Code")));
        Assert.Equal(["oCsvPipe1", "oCsvPipe2", "o/../../v3/evil", "oCsvPipe3", ""], rows.Select(r => Column(r, "OpenId")));
        Assert.Equal(
            [("oCsvPipe1", "500001", AppId, "服务调整"), ("oCsvPipe2", "500001", AppId, "用户申请注销"), ("oCsvPipe3", "500002", "wx8888888888888888", "服务调整")],
            _sim.Terminates.Select(t => (t.OpenId, t.ServiceId, t.AppId, t.Reason)).OrderBy(t => t.OpenId));
    }

    [Fact]
    public void The_table_view_of_the_results_fits_80_columns_and_says_each_result_in_words()
    {
        string users = UsersCsv("openid,service_id", "oUpF8uMuAJO_M2pxb1Q9zNjWeS61,500001", "bad/row,500001", "oUpF8uMuAJO_M2pxb1Q9zNjWeS61,500001");

        string table = _session.Script(
            "param($users, $p) Import-Csv $users | Invoke-WxPayscoreTerminate @p -ErrorAction SilentlyContinue | Sort-Object RowNumber | Format-Table | Out-String -Width 80",
            users, Terminate());

        string[] lines = table.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        Assert.Matches(@"^\s*Row\s+OpenId or code\s+ServiceId\s+Result\s+Message", lines[0]);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.Equal(5, lines.Length);
        Assert.Matches(@"^\s+1 oUpF8uMuAJO_M2pxb1Q9zNjWeS61\s+500001\s+ended\s+Authoriz", lines[2]);
        Assert.Matches(@"bad/row\s+500001\s+not sent: bad input Not sent", lines[3]);
        Assert.Matches(@"oUpF8uMuAJO_M2pxb1Q9zNjWeS61\s+500001\s+not sent: repeat\s", lines[4]);
        Assert.Single(_sim.Terminates);
    }
}
