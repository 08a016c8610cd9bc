using System.Net;
using System.Text;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>When a run has no chance: <see cref="RunHealth"/> on a fake clock.</summary>
public sealed class RunHealthTests
{
    private static readonly Uri Primary = new("https://api.mch.weixin.qq.com/");
    private static readonly Uri Backup = new("https://api2.mch.weixin.qq.com/");
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static WechatpayResponse Refused() => WechatpayResponse.TransportError(TransportFailure.ConnectFailed, "Connection refused");

    private static WechatpayResponse Answer(int status, string body = "", DateTimeOffset? serverTime = null) =>
        WechatpayResponse.Answer((HttpStatusCode)status, Encoding.UTF8.GetBytes(body), false, "application/json", "req", null,
            new VerificationResult(VerificationStatus.Verified, "test"), serverTime: serverTime);

    private static WechatpayResponse SignError(DateTimeOffset? serverTime = null) =>
        Answer(401, "{\"code\":\"SIGN_ERROR\",\"message\":\"签名错误\"}", serverTime);

    private sealed class Clock
    {
        public DateTimeOffset Now { get; set; } = Start;
    }

    private static (RunHealth Health, Clock Clock) Health(RunHealthLimits? limits = null)
    {
        var clock = new Clock();
        return (new RunHealth(limits, () => clock.Now), clock);
    }

    [Fact]
    public void Nothing_connecting_to_either_host_for_30_s_stops_the_run_with_since_when_and_how_many()
    {
        var (health, clock) = Health();

        int requests = 0;
        while (health.Verdict == null && requests < 1000)
        {
            health.Observe(Refused(), requests % 2 == 0 ? Primary : Backup);
            requests++;
            clock.Now += TimeSpan.FromSeconds(0.5);
        }

        RunStop stop = Assert.IsType<RunStop>(health.Verdict);
        Assert.Equal(ErrorIds.WechatpayUnreachable, stop.ErrorId);
        Assert.Equal(Start, stop.Since);
        Assert.Equal(61, stop.Requests); // the first at 0 s, the 61st at 30 s
        Assert.Equal(["https://api.mch.weixin.qq.com", "https://api2.mch.weixin.qq.com"], stop.Hosts);
        Assert.Equal("Connection refused", stop.LastFailure);
    }

    [Fact]
    public void Any_answer_starts_the_count_over_so_transient_failures_never_stop_the_run()
    {
        var (health, clock) = Health();

        for (int minute = 0; minute < 30; minute++)
        {
            // 25 s of nothing but refusals and timeouts, then one answer, even an error.
            for (int i = 0; i < 50; i++)
            {
                health.Observe(i % 5 == 0 ? WechatpayResponse.TransportError(TransportFailure.Timeout, "timeout") : Refused(), Primary);
                clock.Now += TimeSpan.FromSeconds(0.5);
            }

            health.Observe(minute % 2 == 0 ? Answer(500) : WechatpayResponse.TransportError(TransportFailure.Network, "reset"), Primary);
        }

        Assert.Null(health.Verdict);
    }

    [Fact]
    public void It_takes_both_the_time_and_the_count()
    {
        var (quick, quickClock) = Health();
        for (int i = 0; i < 500; i++)
        {
            quick.Observe(Refused(), Primary); // 500 refusals within 5 s: a blip, not an outage
            quickClock.Now += TimeSpan.FromMilliseconds(10);
        }

        var (slow, slowClock) = Health();
        for (int i = 0; i < 7; i++)
        {
            slow.Observe(WechatpayResponse.TransportError(TransportFailure.Timeout, "timeout"), Primary); // one slow row after another
            slowClock.Now += TimeSpan.FromSeconds(60);
        }

        Assert.Null(quick.Verdict);
        Assert.Null(slow.Verdict);
        slow.Observe(WechatpayResponse.TransportError(TransportFailure.Timeout, "timeout"), Primary);
        Assert.Equal(ErrorIds.WechatpayUnreachable, slow.Verdict?.ErrorId);
    }

    [Fact]
    public void A_long_streak_of_refused_signatures_stops_the_run_and_says_how_far_the_clock_is_off()
    {
        var (health, clock) = Health();
        DateTimeOffset wechatpayClock = Start - TimeSpan.FromMinutes(10); // this computer is 10 minutes ahead

        for (int i = 0; i < 19; i++)
        {
            health.Observe(SignError(wechatpayClock), Primary);
            health.Observe(WechatpayResponse.TransportError(TransportFailure.Timeout, "timeout"), Primary); // does not break the streak
        }

        Assert.Null(health.Verdict);
        health.Observe(SignError(wechatpayClock), Primary);

        RunStop stop = Assert.IsType<RunStop>(health.Verdict);
        Assert.Equal((ErrorIds.SignatureRejected, 20, "签名错误"), (stop.ErrorId, stop.Requests, stop.LastFailure));
        Assert.Equal(TimeSpan.FromMinutes(10), stop.ClockSkew);
    }

    [Fact]
    public void One_accepted_signature_breaks_the_streak()
    {
        var (health, _) = Health();

        for (int i = 0; i < 100; i++)
        {
            health.Observe(i % 15 == 14 ? Answer(204) : SignError(), Primary);
        }

        Assert.Null(health.Verdict);
    }

    [Fact]
    public void The_stop_says_since_when_how_many_rows_failed_what_was_not_read_and_how_the_rerun_picks_up()
    {
        var stop = new RunStop(ErrorIds.WechatpayUnreachable, Start, 61, ["https://api.mch.weixin.qq.com", "https://api2.mch.weixin.qq.com"], "Connection refused");

        string withJournal = stop.Describe(1_234, 120, 100_000, "/runs/run.jsonl", "1900009191", "ABC", Start.AddSeconds(31));
        string without = stop.Describe(1_234, 120, null, null, "1900009191", "ABC", Start.AddSeconds(31));

        Assert.StartsWith("WeChat Pay cannot be reached: no request has had an answer since 2026-12-01 08:00:00 UTC (31 s, 61 requests in a row to https://api.mch.weixin.qq.com and https://api2.mch.weixin.qq.com; the last: Connection refused).", withJournal);
        Assert.Contains("The run stopped after row 1,234: the last 120 rows got no answer", withJournal);
        Assert.Contains("Of the 100,000 rows expected (-TotalCount), 98,766 were not read.", withJournal);
        Assert.EndsWith("run the same command again with -JournalPath '/runs/run.jsonl': the rows it records as ended are not sent again.", withJournal);
        Assert.DoesNotContain("-TotalCount", without);
        Assert.EndsWith("send again the rows whose results did not succeed, and those after row 1,234.", without);
    }

    [Fact]
    public void A_refused_signature_names_the_clock_only_when_it_is_off()
    {
        var late = new RunStop(ErrorIds.SignatureRejected, Start, 20, ["https://api.mch.weixin.qq.com"], "签名错误", TimeSpan.FromSeconds(-400));
        var wrongKey = new RunStop(ErrorIds.SignatureRejected, Start, 20, ["https://api.mch.weixin.qq.com"], "签名错误", TimeSpan.FromSeconds(2));

        Assert.Contains("Likely cause: this computer's clock is 400 s behind WeChat Pay's", late.Describe(20, 20, null, null, "1900009191", "ABC", Start));
        Assert.Contains("Likely cause: the private key does not belong to the merchant API certificate with serial ABC, or that serial is not merchant 1900009191's",
            wrongKey.Describe(20, 20, null, null, "1900009191", "ABC", Start));
    }

    [Fact]
    public void The_verdict_is_kept()
    {
        var (health, clock) = Health(new RunHealthLimits(TimeSpan.Zero, 2, 20));
        health.Observe(Refused(), Primary);
        health.Observe(Refused(), Primary);
        RunStop? first = health.Verdict;

        health.Observe(Answer(204), Primary);

        Assert.NotNull(first);
        Assert.Same(first, health.Verdict);
    }
}
