using System.Net;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>Retry decisions, backoff, the run's rate, the backup host and the bounded dispatcher, on their own.</summary>
public sealed class PacingTests
{
    private static WechatpayResponse Answer(int status, VerificationStatus verification = VerificationStatus.Verified) =>
        WechatpayResponse.Answer((HttpStatusCode)status, [], false, "application/json", "req", null, new VerificationResult(verification, "test"));

    [Theory]
    [InlineData(429, "Verified", true)]
    [InlineData(500, "Verified", true)]
    [InlineData(502, "MissingHeaders", true)]
    [InlineData(503, "Verified", true)]
    [InlineData(500, "BadSignature", false)]
    [InlineData(400, "Verified", false)]
    [InlineData(401, "Verified", false)]
    [InlineData(403, "Verified", false)]
    [InlineData(404, "Verified", false)]
    [InlineData(204, "Verified", false)]
    [InlineData(204, "BadSignature", false)]
    [InlineData(204, "SignatureProbe", false)]
    public void Only_answers_that_say_wechat_pay_did_not_do_the_work_are_retried(int status, string verification, bool retried)
    {
        Assert.Equal(retried, RetryPolicy.IsRetryable(Answer(status, Enum.Parse<VerificationStatus>(verification))));
    }

    [Theory]
    [InlineData(200, "BadSignature", true)]
    [InlineData(200, "SignatureProbe", true)]
    [InlineData(200, "MissingHeaders", true)]
    [InlineData(200, "StaleTimestamp", true)]
    [InlineData(200, "UnknownSerial", true)]
    [InlineData(500, "BadSignature", true)]
    [InlineData(500, "Verified", true)]
    [InlineData(200, "Verified", false)]
    [InlineData(400, "Verified", false)]
    [InlineData(403, "Verified", false)]
    public void A_query_asks_again_whenever_its_answer_cannot_be_trusted_but_not_after_a_verified_answer(int status, string verification, bool retried)
    {
        Assert.Equal(retried, RetryPolicy.IsRetryable(Answer(status, Enum.Parse<VerificationStatus>(verification)), idempotent: true));
    }

    [Theory]
    [InlineData(403, "NO_AUTH", false)]
    [InlineData(400, "INVALID_REQUEST", false)]
    [InlineData(500, "SYSTEM_ERROR", true)]
    [InlineData(429, "RATELIMIT_EXCEED", true)]
    public void An_unsigned_refusal_of_a_query_is_not_asked_again_unless_it_is_a_rate_limit_or_a_server_fault(int status, string code, bool retried)
    {
        var unsigned = WechatpayResponse.Answer(
            (HttpStatusCode)status, System.Text.Encoding.UTF8.GetBytes($"{{\"code\":\"{code}\",\"message\":\"m\"}}"), false, "application/json", null, null,
            new VerificationResult(VerificationStatus.MissingHeaders, "unsigned"));

        Assert.Equal(retried, RetryPolicy.IsRetryable(unsigned, idempotent: true));
    }

    [Theory]
    [InlineData("ConnectFailed", false, true)]
    [InlineData("Network", false, false)]
    [InlineData("Network", true, true)]
    [InlineData("Timeout", false, false)]
    [InlineData("Timeout", true, true)]
    public void Failures_to_connect_are_retried_and_a_broken_connection_or_a_timeout_only_for_a_query(string failure, bool idempotent, bool retried)
    {
        // A terminate whose answer was lost may have been processed: the query decides, not a retry.
        Assert.Equal(retried, RetryPolicy.IsRetryable(WechatpayResponse.TransportError(Enum.Parse<TransportFailure>(failure), "test"), idempotent));
    }

    [Fact]
    public void Backoff_doubles_with_jitter_and_stops_at_the_cap()
    {
        var policy = new RetryPolicy(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), seed: 7);

        for (int retry = 1; retry <= 8; retry++)
        {
            double ceiling = Math.Min(1000, 100 * Math.Pow(2, retry - 1));
            var delays = Enumerable.Range(0, 50).Select(_ => policy.DelayBefore(retry).TotalMilliseconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, ceiling / 2, ceiling));
            Assert.True(delays.Distinct().Count() > 40, "the waits are spread, not equal");
        }
    }

    [Fact]
    public void The_backup_host_is_wechat_pays_api2_for_the_default_host_only()
    {
        Assert.Equal(new Uri("https://api2.mch.weixin.qq.com/"), HostSelector.DefaultBackupFor(new Uri("https://api.mch.weixin.qq.com/")));
        Assert.Null(HostSelector.DefaultBackupFor(new Uri("http://127.0.0.1:5000/")));
    }

    [Fact]
    public void After_the_primary_cannot_be_reached_the_run_uses_the_backup_for_a_while_then_tries_the_primary_again()
    {
        var now = DateTimeOffset.UnixEpoch;
        var primary = new Uri("https://api.mch.weixin.qq.com/");
        var backup = new Uri("https://api2.mch.weixin.qq.com/");
        var hosts = new HostSelector(primary, backup, TimeSpan.FromSeconds(30), () => now);

        Uri first = hosts.Choose(null);
        hosts.ConnectFailed(first);
        Uri retry = hosts.Choose(first);
        Uri nextRow = hosts.Choose(null);
        now += TimeSpan.FromSeconds(31);
        Uri later = hosts.Choose(null);

        Assert.Equal((primary, backup, backup, primary), (first, retry, nextRow, later));
    }

    [Fact]
    public void Without_a_backup_every_attempt_goes_to_the_base_uri()
    {
        var primary = new Uri("http://127.0.0.1:5000/");
        var hosts = new HostSelector(primary, null);

        hosts.ConnectFailed(primary);

        Assert.Equal(primary, hosts.Choose(primary));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public void The_dispatcher_never_runs_more_than_its_limit_and_hands_back_every_result(int limit)
    {
        var dispatcher = new BoundedDispatcher<string>(limit);
        int running = 0, peak = 0;
        var results = new List<string>();

        for (int i = 0; i < 100; i++)
        {
            int item = i;
            dispatcher.Start(async () =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                await Task.Delay(item % 7);
                Interlocked.Decrement(ref running);
                return item % 10 == 9 ? null : $"r{item}";
            });
            dispatcher.WaitUntilBelow(limit, results.AddRange, CancellationToken.None);
        }

        dispatcher.WaitForAll(results.AddRange, CancellationToken.None);

        Assert.InRange(peak, 1, limit);
        Assert.Equal(90, results.Count);
        Assert.Equal(90, results.Distinct().Count());
        Assert.Equal(0, dispatcher.InFlight);
    }

    [Fact]
    public void Waiting_on_the_dispatcher_ends_when_the_run_is_cancelled()
    {
        var dispatcher = new BoundedDispatcher<string>(1);
        using var stop = new CancellationTokenSource();
        var never = new TaskCompletionSource<string?>();
        dispatcher.Start(() => never.Task); // work that ignores the stop: the wait must end by itself

        stop.CancelAfter(50);

        Assert.ThrowsAny<OperationCanceledException>(() => dispatcher.WaitForAll(_ => { }, stop.Token));
        Assert.Equal(1, dispatcher.InFlight);
        never.SetResult(null);
    }

    [Fact]
    public void Progress_knows_percent_and_time_left_only_with_a_total()
    {
        var withTotal = new ProgressTracker(200);
        var withoutTotal = new ProgressTracker(null);
        for (int i = 0; i < 50; i++)
        {
            withTotal.Count(i % 10 != 0);
            withoutTotal.Count(true);
        }

        Assert.Equal(25, withTotal.Percent);
        Assert.Equal(-1, withoutTotal.Percent);
        Assert.Equal(-1, withoutTotal.SecondsRemaining);
        Assert.Equal(5, withTotal.Failed);
        Assert.StartsWith("50 of 200 rows, 5 failed", withTotal.Status);
        Assert.True(withTotal.IsDue());
        Assert.False(withTotal.IsDue());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
