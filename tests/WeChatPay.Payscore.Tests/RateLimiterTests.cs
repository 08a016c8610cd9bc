using System.Net.Http.Headers;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// The run's rate on a fake clock: requests paced by <see cref="AdaptiveRateLimiter"/> against a model of WeChat Pay
/// that answers 429 at random, or limits the rate like a server does, or both. Nothing here waits for real time.
/// </summary>
public sealed class RateLimiterTests
{
    private sealed class FakeTime
    {
        public TimeSpan Now { get; set; }

        public Task Delay(TimeSpan wait, CancellationToken token)
        {
            Now += wait;
            return Task.CompletedTask;
        }
    }

    /// <summary>WeChat Pay as the limiter sees it: whether the request sent at a time is answered 429.</summary>
    private interface IServer
    {
        bool Limits(TimeSpan at);
    }

    /// <summary>429 for a fixed share of requests whatever the rate.</summary>
    private sealed class RandomLimits(double share, int seed) : IServer
    {
        private readonly Random _random = new(seed);

        public bool Limits(TimeSpan at) => _random.NextDouble() < share;
    }

    /// <summary>A real limit: a token bucket of <paramref name="perSecond"/>, holding a quarter second of requests.</summary>
    private sealed class RateLimit(double perSecond, IServer? also = null) : IServer
    {
        private readonly double _capacity = Math.Max(1, perSecond / 4);
        private double _tokens = Math.Max(1, perSecond / 4);
        private TimeSpan _last;

        public bool Limits(TimeSpan at)
        {
            _tokens = Math.Min(_capacity, _tokens + ((at - _last).TotalSeconds * perSecond));
            _last = at;
            if (also?.Limits(at) == true)
            {
                return true;
            }

            if (_tokens < 1)
            {
                return true;
            }

            _tokens--;
            return false;
        }
    }

    private sealed record Traffic(int Requests, int Limited, TimeSpan Elapsed)
    {
        public double PerSecond => Requests / Elapsed.TotalSeconds;

        public double AcceptedPerSecond => (Requests - Limited) / Elapsed.TotalSeconds;

        public double LimitedShare => (double)Limited / Requests;
    }

    /// <summary>
    /// Sends as fast as the limiter lets it (and at most 500 requests/s, what the client can do) for
    /// <paramref name="warmUp"/>, then measures for <paramref name="measure"/>. Each answer comes <paramref name="latency"/> after its request (as with many requests in flight), and is
    /// handed to the limiter in the order answers arrive.
    /// </summary>
    private static async Task<Traffic> Drive(AdaptiveRateLimiter limiter, FakeTime time, IServer server, TimeSpan warmUp, TimeSpan measure, TimeSpan latency = default)
    {
        var pending = new Queue<(TimeSpan Due, long Epoch, bool Limited, TimeSpan? RetryAfter)>();
        TimeSpan start = time.Now + warmUp, end = start + measure;
        int requests = 0, limited = 0;
        while (time.Now < end)
        {
            long epoch = await limiter.WaitAsync(CancellationToken.None);
            while (pending.Count > 0 && pending.Peek().Due <= time.Now)
            {
                var answer = pending.Dequeue();
                limiter.Answered(answer.Epoch, answer.Limited, answer.RetryAfter);
            }

            bool isLimited = server.Limits(time.Now);
            if (time.Now >= start && time.Now < end)
            {
                requests++;
                limited += isLimited ? 1 : 0;
            }

            if (latency == TimeSpan.Zero)
            {
                limiter.Answered(epoch, isLimited);
            }
            else
            {
                pending.Enqueue((time.Now + latency, epoch, isLimited, null));
            }

            time.Now += TimeSpan.FromMilliseconds(2);
        }

        return new Traffic(requests, limited, measure);
    }

    private static (AdaptiveRateLimiter Limiter, FakeTime Time) Limiter(double ceiling)
    {
        var time = new FakeTime();
        return (new AdaptiveRateLimiter(ceiling, () => time.Now, time.Delay), time);
    }

    [Fact]
    public async Task The_ceiling_paces_requests_evenly()
    {
        var (limiter, time) = Limiter(10);

        for (int i = 0; i < 31; i++)
        {
            await limiter.WaitAsync(CancellationToken.None);
        }

        Assert.InRange(time.Now.TotalSeconds, 2.8, 3.0);
    }

    [Theory]
    [InlineData(0.05, 1)]
    [InlineData(0.10, 2)]
    [InlineData(0.10, 3)]
    [InlineData(0.20, 4)]
    public async Task Random_429s_at_a_constant_share_do_not_keep_the_rate_down(double share, int seed)
    {
        var (limiter, time) = Limiter(50);

        Traffic traffic = await Drive(limiter, time, new RandomLimits(share, seed), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120));

        // A cut that does not lower the share is undone, so the run goes at its ceiling nearly all the time.
        Assert.InRange(traffic.PerSecond, 45, 51);
        Assert.InRange(limiter.UsualShare, share / 3, share * 2);
    }

    [Theory]
    [InlineData(50, 20, 0)]
    [InlineData(50, 20, 200)]
    [InlineData(100, 10, 50)]
    [InlineData(0, 30, 100)]
    public async Task A_real_limit_lowers_the_rate_and_it_settles_near_the_limit_with_few_429s(double ceiling, double limit, int latencyMs)
    {
        var (limiter, time) = Limiter(ceiling);

        Traffic traffic = await Drive(limiter, time, new RateLimit(limit), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(latencyMs));

        Assert.InRange(traffic.AcceptedPerSecond, 0.8 * limit, limit);
        Assert.InRange(traffic.LimitedShare, 0, 0.05);
        Assert.InRange(limiter.CurrentRate, 0.5 * limit, 1.3 * limit);
    }

    [Fact]
    public async Task A_real_limit_is_found_among_random_429s()
    {
        var (limiter, time) = Limiter(50);

        Traffic traffic = await Drive(limiter, time, new RateLimit(20, new RandomLimits(0.05, 5)), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120));

        Assert.InRange(traffic.AcceptedPerSecond, 0.75 * 20, 20);
        Assert.InRange(traffic.LimitedShare, 0, 0.15);
    }

    [Fact]
    public async Task When_the_limit_goes_away_the_rate_comes_back_to_the_ceiling()
    {
        var (limiter, time) = Limiter(50);
        await Drive(limiter, time, new RateLimit(10), TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.InRange(limiter.CurrentRate, 5, 13);

        Traffic free = await Drive(limiter, time, new RandomLimits(0, 6), TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(10));

        Assert.Equal(50, limiter.CurrentRate);
        Assert.InRange(free.PerSecond, 45, 51);
    }

    [Fact]
    public async Task Answers_to_requests_sent_at_an_earlier_rate_do_not_count_for_the_current_one()
    {
        var (limiter, time) = Limiter(40);
        long early = await limiter.WaitAsync(CancellationToken.None);
        for (int i = 0; i < 40; i++)
        {
            limiter.Answered(await limiter.WaitAsync(CancellationToken.None), rateLimited: true);
        }

        double cut = limiter.CurrentRate;
        for (int i = 0; i < 100; i++)
        {
            limiter.Answered(early, rateLimited: true);
        }

        Assert.True(cut < 40);
        Assert.Equal(cut, limiter.CurrentRate);
    }

    [Fact]
    public async Task Retry_after_holds_every_request_of_the_run_until_then()
    {
        var (limiter, time) = Limiter(0);
        long epoch = await limiter.WaitAsync(CancellationToken.None);

        PacingChange change = limiter.Answered(epoch, rateLimited: true, retryAfter: TimeSpan.FromSeconds(3));
        PacingChange shorter = limiter.Answered(epoch, rateLimited: true, retryAfter: TimeSpan.FromSeconds(1));
        await limiter.WaitAsync(CancellationToken.None);
        TimeSpan first = time.Now;
        await limiter.WaitAsync(CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(3), change.Hold);
        Assert.Equal(TimeSpan.Zero, shorter.Hold); // already held longer
        Assert.Equal(TimeSpan.FromSeconds(3), first);
        Assert.Equal(TimeSpan.FromSeconds(3), time.Now); // no ceiling: the run goes on at once after the hold
    }

    [Fact]
    public async Task Retry_after_holds_at_most_a_minute()
    {
        var (limiter, time) = Limiter(10);
        long epoch = await limiter.WaitAsync(CancellationToken.None);

        PacingChange change = limiter.Answered(epoch, rateLimited: false, retryAfter: TimeSpan.FromHours(2));
        await limiter.WaitAsync(CancellationToken.None);

        Assert.Equal(AdaptiveRateLimiter.MaxHold, change.Hold);
        Assert.Equal(AdaptiveRateLimiter.MaxHold, time.Now);
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_as_an_http_date()
    {
        var now = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(7), WechatpayClient.RetryAfter(RetryConditionHeaderValue.Parse("7"), now));
        Assert.Equal(TimeSpan.FromSeconds(90), WechatpayClient.RetryAfter(RetryConditionHeaderValue.Parse("Tue, 01 Dec 2026 08:01:30 GMT"), now));
        Assert.Equal(TimeSpan.Zero, WechatpayClient.RetryAfter(RetryConditionHeaderValue.Parse("Tue, 01 Dec 2026 07:59:00 GMT"), now));
        Assert.Null(WechatpayClient.RetryAfter(null, now));
    }

    [Fact]
    public async Task Without_a_ceiling_a_real_limit_sets_a_rate_below_what_the_run_was_sending()
    {
        var (limiter, time) = Limiter(0);
        var server = new RateLimit(100);
        for (int i = 0; i < 300; i++)
        {
            long epoch = await limiter.WaitAsync(CancellationToken.None);
            limiter.Answered(epoch, server.Limits(time.Now));
            time.Now += TimeSpan.FromMilliseconds(5); // 200 requests/s
        }

        Assert.True(double.IsPositiveInfinity(new AdaptiveRateLimiter(0).CurrentRate));
        Assert.InRange(limiter.CurrentRate, 30, 110);
    }
}
