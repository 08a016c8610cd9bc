using System.Text.Json;
using System.Text.RegularExpressions;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Several jobs in one process, as in an Azure Automation sandbox (up to 10 jobs share one process, each in its own
/// runspace): each run's connection, results, journal and test seams stay its own.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed partial class SharedSandboxTests : ScratchTest
{
    private const int Rows = 60;

    public SharedSandboxTests(SimulatorFixture fixture)
        : base(fixture, "wxpay-sandbox-")
    {
    }

    [Fact]
    public async Task Two_runspaces_running_at_once_for_two_merchants_keep_their_connection_results_journal_and_retry_seam()
    {
        await using WechatpaySimulator other = await WechatpaySimulator.StartAsync(new SimulatorOptions { MerchantId = "1900009192" });
        var jobs = new[] { new Job("oJobA", Sim, Path.Combine(Dir, "a.jsonl")), new Job("oJobB", other, Path.Combine(Dir, "b.jsonl")) };
        foreach (Job job in jobs)
        {
            job.Merchant.LatencyMs = 10; // long enough for the two runs to overlap
            job.Merchant.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = job.Prefix + "1", Count = 1 });
        }

        // What another job of the sandbox left in the process's environment: a third merchant at a dead address.
        Environment.SetEnvironmentVariable("WXPAY_MCHID", "1900009193");
        Environment.SetEnvironmentVariable("WXPAY_BASE_URI", DeadHost.Next().ToString());

        using var sessionA = new HostedSession();
        using var sessionB = new HostedSession();
        ShortenRetries(sessionA); // job A's test seam: job B's run must keep the usual backoff
        Connect(sessionA, jobs[0]);
        Connect(sessionB, jobs[1]);

        HostedRun[] runs = await Task.WhenAll(Task.Run(() => Run(sessionA, jobs[0])), Task.Run(() => Run(sessionB, jobs[1])));

        for (int i = 0; i < jobs.Length; i++)
        {
            Job job = jobs[i];
            HostedRun run = runs[i];
            WechatpaySimulator elsewhere = jobs[1 - i].Merchant;

            Assert.Empty(run.Errors);
            Assert.Equal(Enumerable.Range(1, Rows).Select(n => job.Prefix + n), run.Results.Select(r => r.OpenId));
            Assert.All(run.Results, r => Assert.True(r.Success, $"{r.OpenId}: {r.Code} {r.Message}"));
            HashSet<string?> ownRequestIds = job.Merchant.Terminates.Select(t => (string?)t.RequestId).ToHashSet();
            Assert.All(run.Results, r => Assert.Contains(r.RequestId, ownRequestIds));
            Assert.All(job.Merchant.Terminates, t => Assert.StartsWith(job.Prefix, t.OpenId));
            Assert.All(run.Results, r => Assert.Equal(0, elsewhere.ProcessedTerminates(r.OpenId!, "500001")));

            Assert.Equal(run.Results.Select(r => r.OpenId).ToHashSet(), JournalOpenIds(job.JournalPath));

            HostedSession session = i == 0 ? sessionA : sessionB;
            PayscoreConnection connection = Assert.IsType<PayscoreConnection>(Assert.Single(session.Run("Get-WxPayscoreConnection").Output).BaseObject);
            Assert.Equal((job.Merchant.Keys.MerchantId, job.Merchant.BaseUri.Port), (connection.MerchantId, connection.BaseUri.Port));
        }

        // The first retry waits between half and all of the base delay: 5 ms in job A, 200 ms in job B.
        Assert.All(RetryWaits(runs[0]), ms => Assert.InRange(ms, 0, 5));
        Assert.All(RetryWaits(runs[1]), ms => Assert.InRange(ms, 100, 200));
        Assert.NotEmpty(RetryWaits(runs[0]));
        Assert.NotEmpty(RetryWaits(runs[1]));
    }

    private static void ShortenRetries(HostedSession session) =>
        RunOverrides.Change(session.Runspace, o => o.WithRetryBaseDelay(TimeSpan.FromMilliseconds(5)));

    private static void Connect(HostedSession session, Job job)
    {
        HostedRun connect = session.Run("Connect-WxPayscore", new Dictionary<string, object?>
        {
            ["MerchantId"] = job.Merchant.Keys.MerchantId,
            ["MerchantSerialNumber"] = job.Merchant.Keys.MerchantSerialNumber,
            ["PrivateKeyPath"] = job.Merchant.Keys.MerchantPrivateKeyPath,
            ["WechatpayPublicKeyId"] = job.Merchant.Keys.PublicKeyId,
            ["WechatpayPublicKeyPath"] = job.Merchant.Keys.PublicKeyPath,
            ["BaseUri"] = job.Merchant.BaseUri,
        });
        Assert.Empty(connect.Errors);
    }

    private static HostedRun Run(HostedSession session, Job job) =>
        session.Run(
            "Invoke-WxPayscoreTerminate",
            new Dictionary<string, object?>
            {
                ["AppId"] = AppId,
                ["Reason"] = "服务调整",
                ["Confirm"] = false,
                ["JournalPath"] = job.JournalPath,
                ["Verbose"] = true,
            },
            Enumerable.Range(1, Rows).Select(n => HostedRun.Row(job.Prefix + n, "500001")));

    private static HashSet<string?> JournalOpenIds(string path) =>
        File.ReadAllLines(path)
            .Where(line => line.Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(record => record.TryGetProperty("openid", out _))
            .Select(record => record.GetProperty("openid").GetString())
            .ToHashSet();

    private static List<int> RetryWaits(HostedRun run) =>
        run.Verbose.Select(line => RetryWait().Match(line)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();

    [GeneratedRegex(@"retrying in (\d+) ms")]
    private static partial Regex RetryWait();

    private sealed record Job(string Prefix, WechatpaySimulator Merchant, string JournalPath);
}
