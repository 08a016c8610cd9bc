using System.Management.Automation;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// -StopAfter: once the time budget is spent no new row starts, the rows in flight finish as usual, every later row
/// gets NOT_STARTED without a request, one warning counts them, and the rerun with the same journal sends them.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class TimeBudgetTests(SimulatorFixture fixture) : ScratchTest(fixture, "wxpay-budget-")
{
    private const string ServiceId = "500001";

    private string Journal => Path.Combine(Dir, "run.jsonl");

    private Dictionary<string, object?> Parameters(TimeSpan? stopAfter, bool journal = true, int throttleLimit = 4)
    {
        var parameters = HostedRun.Credentials(Sim);
        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";
        parameters["MaxRetries"] = 0;
        parameters["MaxRequestsPerSecond"] = 0.0;
        parameters["ThrottleLimit"] = throttleLimit;
        if (stopAfter != null)
        {
            parameters["StopAfter"] = stopAfter.Value;
        }

        if (journal)
        {
            parameters["JournalPath"] = Journal;
        }

        return parameters;
    }

    private static List<PSObject> Rows(string prefix, int count) =>
        Enumerable.Range(1, count).Select(i => HostedRun.Row($"{prefix}{i}", ServiceId)).ToList();

    private static RunSummary TheSummary(HostedRun run) =>
        Assert.IsType<RunSummary>(Assert.Single(run.InformationRecords, r => r.Tags.Contains(RunSummary.Tag)).MessageData);

    [Fact]
    public void A_spent_budget_leaves_the_rest_not_started_and_the_rerun_with_the_journal_ends_every_row_once()
    {
        const int count = 2000;
        Sim.LatencyMs = 250; // 4 in flight: about 16 rows a second, so the budget ends the run early
        List<PSObject> rows = Rows("oBudget", count);

        HostedRun run = HostedRun.Invoke(rows, Parameters(TimeSpan.FromSeconds(2)));

        IReadOnlyList<TerminateResult> results = run.Results;
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), results.Select(r => r.RowNumber));
        Assert.All(results, r => Assert.Contains(r.Code, new[] { ResultCodes.Ok, ResultCodes.NotStarted }));
        List<TerminateResult> ended = results.Where(r => r.Code == ResultCodes.Ok).ToList();
        List<TerminateResult> notStarted = results.Where(r => r.Code == ResultCodes.NotStarted).ToList();
        Assert.NotEmpty(ended);
        Assert.NotEmpty(notStarted);
        // No row starts after the budget: the rows that ran are the first ones.
        Assert.True(ended.Max(r => r.RowNumber) < notStarted.Min(r => r.RowNumber));
        Assert.All(notStarted, r =>
        {
            Assert.False(r.Success);
            Assert.Equal(0, r.Attempts);
            Assert.Equal(0, r.StatusCode);
            Assert.Equal($"oBudget{r.RowNumber}", r.OpenId);
            Assert.Equal(ServiceId, r.ServiceId);
            Assert.Equal(TerminateRoute.UserPermission, r.Route);
        });
        Assert.All(ended, r => Assert.Equal(1, Sim.ProcessedTerminates(r.OpenId!, ServiceId)));
        Assert.All(notStarted, r => Assert.Equal(0, Sim.ProcessedTerminates(r.OpenId!, ServiceId)));
        Assert.Equal(ended.Count, Sim.RequestCount);
        Assert.Empty(run.Errors);
        string warning = Assert.Single(run.Warnings);
        Assert.Contains($"{notStarted.Count:N0} rows were not started", warning);
        Assert.Contains("-StopAfter", warning);
        Assert.Contains("same -JournalPath", warning);
        RunSummary summary = TheSummary(run);
        Assert.Equal(notStarted.Count, summary.NotStarted);
        Assert.Equal(notStarted.Count, summary.Codes[ResultCodes.NotStarted]);
        Assert.Equal(count, summary.RowsIn);
        Assert.Null(summary.StoppedBy);

        Sim.LatencyMs = 0;
        HostedRun rerun = HostedRun.Invoke(rows, Parameters(stopAfter: null, throttleLimit: 16));

        Assert.Equal(count, rerun.Results.Count);
        Assert.All(rerun.Results, r => Assert.True(r.Success, $"row {r.RowNumber}: {r.Code} {r.Message}"));
        Assert.Equal(ended.Select(r => r.RowNumber), rerun.Results.Where(r => r.Code == ResultCodes.AlreadyDone).Select(r => r.RowNumber));
        Assert.Equal(notStarted.Select(r => r.RowNumber), rerun.Results.Where(r => r.Code == ResultCodes.Ok).Select(r => r.RowNumber));
        for (int i = 1; i <= count; i++)
        {
            Assert.Equal(1, Sim.ProcessedTerminates($"oBudget{i}", ServiceId));
        }

        Assert.Empty(rerun.Warnings);
        Assert.Equal(0, TheSummary(rerun).NotStarted);
    }

    [Fact]
    public void The_query_stops_starting_rows_when_its_budget_is_spent()
    {
        Sim.LatencyMs = 250;
        var parameters = HostedRun.Credentials(Sim);
        parameters.Remove("Confirm");
        parameters["AppId"] = AppId;
        parameters["MaxRequestsPerSecond"] = 0.0;
        parameters["ThrottleLimit"] = 2;
        parameters["StopAfter"] = "0:00:01"; // as a script gives it: text PowerShell reads as a TimeSpan

        using var session = new HostedSession();
        HostedRun run = session.Run("Get-WxPayscorePermission", parameters, Rows("oQuery", 300));

        IReadOnlyList<PayscorePermission> results = run.Permissions;
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), results.Select(r => r.RowNumber));
        List<PayscorePermission> asked = results.Where(r => r.Success).ToList();
        List<PayscorePermission> notStarted = results.Where(r => r.Code == ResultCodes.NotStarted).ToList();
        Assert.Equal(300, asked.Count + notStarted.Count);
        Assert.NotEmpty(asked);
        Assert.NotEmpty(notStarted);
        Assert.All(asked, r => Assert.Equal("AVAILABLE", r.AuthorizationState));
        Assert.All(notStarted, r =>
        {
            Assert.False(r.Success);
            Assert.Null(r.AuthorizationState);
            Assert.Equal(0, r.Attempts);
            Assert.Equal($"oQuery{r.RowNumber}", r.OpenId);
        });
        Assert.Equal(asked.Count, Sim.RequestCount);
        Assert.Empty(run.Errors);
        string warning = Assert.Single(run.Warnings);
        Assert.Contains($"{notStarted.Count:N0} rows were not started", warning);
        Assert.Contains("NOT_STARTED", warning);
        Assert.Equal(notStarted.Count, TheSummary(run).NotStarted);
    }

    [Fact]
    public void A_preview_previews_the_rows_within_the_budget_and_marks_the_rest_not_started()
    {
        var parameters = Parameters(TimeSpan.FromSeconds(2));
        parameters["WhatIf"] = true;

        // The first row comes at once, within the budget; the others after it is spent.
        using var session = new HostedSession();
        using var ps = PowerShell.Create();
        ps.Runspace = session.Runspace;
        ps.AddScript("param($First, $Rest, $Parameters) & { $First; Start-Sleep -Milliseconds 2500; $Rest } | Invoke-WxPayscoreTerminate @Parameters")
            .AddParameter("First", HostedRun.Row("oPreview1", ServiceId))
            .AddParameter("Rest", Rows("oPreviewLate", 5))
            .AddParameter("Parameters", new System.Collections.Hashtable(parameters));
        List<TerminateResult> results = ps.Invoke().Select(o => (TerminateResult)o.BaseObject).OrderBy(r => r.RowNumber).ToList();

        // The first row was previewed, so it has no result; the rest are NOT_STARTED.
        Assert.Equal([2L, 3, 4, 5, 6], results.Select(r => r.RowNumber));
        Assert.All(results, r => Assert.Equal(ResultCodes.NotStarted, r.Code));
        Assert.Equal(0, Sim.RequestCount);
        Assert.False(File.Exists(Journal));
        Assert.Contains("5 rows were not started", Assert.Single(ps.Streams.Warning).Message);
        Assert.Equal(5, Assert.IsType<RunSummary>(Assert.Single(ps.Streams.Information, r => r.Tags.Contains(RunSummary.Tag)).MessageData).NotStarted);
    }

    [Fact]
    public void A_row_that_fails_before_the_budget_still_stops_a_run_under_ErrorAction_Stop()
    {
        Sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = "oStop2" });
        var parameters = Parameters(TimeSpan.FromMinutes(10), throttleLimit: 1);
        parameters["ErrorAction"] = ActionPreference.Stop;

        using var session = new HostedSession();
        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, Rows("oStop", 4));

        // Rows read ahead of the failure are not sent: they come out NOT_STARTED, before the error that ends the run.
        Assert.Equal([ResultCodes.Ok, "SYSTEM_ERROR"], run.Results.Take(2).Select(r => r.Code));
        Assert.All(run.Results.Skip(2), r => Assert.Equal(ResultCodes.NotStarted, r.Code));
        Assert.All(run.Results.Skip(2), r => Assert.Contains("the run stopped at an earlier row's error (-ErrorAction Stop)", r.Message));
        Assert.All(run.Results.Skip(2), r => Assert.Equal(0, Sim.ProcessedTerminates(r.OpenId!, ServiceId)));
        Assert.Equal(ErrorIds.WechatpayErrorResponse, run.Errors[^1].FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(run.Warnings);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    public void A_budget_that_is_not_above_zero_stops_before_the_first_request(string budget)
    {
        var parameters = Parameters(TimeSpan.Parse(budget, System.Globalization.CultureInfo.InvariantCulture));

        using var session = new HostedSession();
        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, Rows("oZero", 3));

        Assert.Empty(run.Output);
        ErrorRecord error = Assert.Single(run.Errors);
        Assert.Equal(ErrorIds.StopAfterInvalid, error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("-StopAfter", error.Exception.Message);
        Assert.Contains("Nothing was sent", error.Exception.Message);
        Assert.Equal(0, Sim.RequestCount);
        Assert.False(File.Exists(Journal));
    }

    /// <summary>PowerShell would read a number as ticks: -StopAfter 10800, meant as seconds, would be about a millisecond.</summary>
    [Fact]
    public void A_number_is_refused_rather_than_read_as_ticks()
    {
        var parameters = Parameters(stopAfter: null);
        parameters["StopAfter"] = 10800;

        using var session = new HostedSession();
        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, Rows("oTicks", 2));

        Assert.Empty(run.Output);
        ErrorRecord error = Assert.Single(run.Errors);
        Assert.Contains("not a number", error.Exception.Message);
        Assert.Equal(0, Sim.RequestCount);
    }
}
