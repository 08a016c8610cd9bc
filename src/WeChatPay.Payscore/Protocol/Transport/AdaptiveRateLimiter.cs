using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>What an answer changed in the run's rate.</summary>
    internal enum PacingDecision
    {
        Unchanged,

        /// <summary>429s came beyond their usual share: the rate was cut, on trial, below what WeChat Pay accepted.</summary>
        Slowed,

        /// <summary>The cut lowered the share of 429s: WeChat Pay limits the rate, and the run goes just below the limit.</summary>
        Settled,

        /// <summary>The cut did not lower the share of 429s: they are not about the rate, and the rate is back.</summary>
        Restored,

        /// <summary>A second without more 429s than usual: the rate went up.</summary>
        Raised,
    }

    /// <summary>What one answer changed in the pacing: the rate, and a hold WeChat Pay asked for.</summary>
    internal readonly struct PacingChange
    {
        public PacingChange(PacingDecision decision, double rate, double triedRate, TimeSpan hold)
        {
            Decision = decision;
            Rate = rate;
            TriedRate = triedRate;
            Hold = hold;
        }

        public PacingDecision Decision { get; }

        /// <summary>Requests per second from now on; infinity when nothing limits the run.</summary>
        public double Rate { get; }

        /// <summary>For <see cref="PacingDecision.Restored"/>: the lower rate the cut had tried.</summary>
        public double TriedRate { get; }

        /// <summary>How much longer the run now waits because WeChat Pay asked it to (Retry-After); zero when it does not.</summary>
        public TimeSpan Hold { get; }
    }

    /// <summary>
    /// Paces the requests of a whole run (WeChat Pay limits per merchant, not per row): a token bucket at
    /// <see cref="CurrentRate"/>, never above the configured ceiling.
    /// </summary>
    /// <remarks>
    /// A 429 alone does not say the run is too fast: WeChat Pay also answers 429 now and then at any rate. So the
    /// limiter judges the share of 429s over windows of answers, each answer counted for the rate it was sent at.
    /// Two windows in a row with more 429s than usual cut the rate, on trial, to well below what WeChat Pay accepted
    /// (what was sent, less the 429s). If the share of 429s falls clearly at the lower rate, WeChat Pay limits the
    /// rate: the run settles just below what it accepted, creeps up slowly near it, and goes back below it at once
    /// when it meets it again. If the share does not fall, the 429s are not about the rate: the rate is restored, and
    /// that share becomes the usual one (fading over a minute or so, so that it is checked again). A quiet second
    /// raises the rate by a tenth, back to the ceiling. A Retry-After holds the whole run, for at most a minute.
    /// </remarks>
    internal sealed class AdaptiveRateLimiter
    {
        private const double MinimumRate = 1;

        /// <summary>Answers per judgement: one 429 among them is a share of 5 %.</summary>
        private const int WindowAnswers = 20;

        /// <summary>At low rates a window also ends after <see cref="WindowTime"/> with at least this many answers.</summary>
        private const int MinimumWindowAnswers = 5;

        /// <summary>An undecided trial goes on until it has this many answers.</summary>
        private const int TrialAnswersLimit = 4 * WindowAnswers;

        /// <summary>A trial sends this share of what WeChat Pay accepted: clearly below a real limit, so its answer is clear.</summary>
        private const double TrialDepth = 0.6;

        /// <summary>After a trial shows a real limit, the run goes at this share of what WeChat Pay accepted.</summary>
        private const double BelowLimit = 0.9;

        /// <summary>
        /// The most 429s taken as usual: beyond half of all answers a real limit could hide behind them, and the run
        /// does little either way.
        /// </summary>
        private const double MaxUsualShare = 0.5;

        /// <summary>A fall of the 429 share by this many standard errors shows a real limit.</summary>
        private const double ClearFall = 2.5;

        /// <summary>What WeChat Pay accepts at a limit found before, as a share of what it accepted then, to be taken for the same limit.</summary>
        private const double SameLimit = 0.85;

        private static readonly TimeSpan UsualShareHalfLife = TimeSpan.FromSeconds(60);
        private static readonly TimeSpan WindowTime = TimeSpan.FromSeconds(2);
        private static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan RaiseEvery = TimeSpan.FromSeconds(1);

        /// <summary>The longest a Retry-After holds the run, whatever WeChat Pay asks.</summary>
        public static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(60);

        private readonly object _gate = new object();
        private readonly double _ceiling;
        private readonly Func<TimeSpan> _now;
        private readonly Func<TimeSpan, CancellationToken, Task> _delay;
        private double _rate;
        private TimeSpan _nextSlot;
        private TimeSpan _holdUntil;
        private TimeSpan _lastChange;

        // What the run really sends, for a run without a ceiling or one its ThrottleLimit keeps below the rate.
        private TimeSpan _sendWindowStart;
        private int _sendWindowCount;
        private double _observedRate;

        // The judgement: answers are counted for the epoch (the rate) they were sent at.
        private long _epoch;
        private Tally _window;
        private Tally? _suspect;
        private Trial? _trial;
        private double _usualShare;
        private double? _acceptedRate;

        /// <param name="maxPerSecond">The ceiling; 0 or less means none (the rate is then only cut by 429s).</param>
        public AdaptiveRateLimiter(double maxPerSecond, Func<TimeSpan>? now = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
        {
            _ceiling = maxPerSecond > 0 ? maxPerSecond : double.PositiveInfinity;
            _rate = _ceiling;
            if (now == null)
            {
                var clock = Stopwatch.StartNew();
                now = () => clock.Elapsed;
            }

            _now = now;
            _delay = delay ?? ((wait, token) => Task.Delay(wait, token));
            _sendWindowStart = _now();
            _lastChange = _sendWindowStart;
            _window = new Tally(_sendWindowStart);
        }

        /// <summary>Requests per second allowed now; infinity when nothing limits the run.</summary>
        public double CurrentRate
        {
            get
            {
                lock (_gate)
                {
                    return _rate;
                }
            }
        }

        /// <summary>The share of 429s that comes whatever the rate, as learned from cuts that did not lower it.</summary>
        public double UsualShare
        {
            get
            {
                lock (_gate)
                {
                    return _usualShare;
                }
            }
        }

        /// <summary>Waits for the next request's turn; returns the epoch to give back with its answer to <see cref="Answered"/>.</summary>
        public Task<long> WaitAsync(CancellationToken cancellationToken)
        {
            TimeSpan wait;
            long epoch;
            lock (_gate)
            {
                TimeSpan now = _now();
                CountSend(now);
                epoch = _epoch;

                // Scheduled slots rather than sleeps: a late wake-up does not slow the run, and up to Burst of
                // unused time may be caught up after a pause.
                TimeSpan slot = Later(Later(_nextSlot, now - Burst), _holdUntil);
                if (!double.IsPositiveInfinity(_rate))
                {
                    _nextSlot = slot + Interval(_rate);
                }

                wait = slot - now;
            }

            return wait > TimeSpan.Zero ? WaitThenAsync(wait, epoch, cancellationToken) : Task.FromResult(epoch);
        }

        /// <summary>
        /// An HTTP answer to a request sent in <paramref name="epoch"/>: <paramref name="rateLimited"/> for a 429, with
        /// WeChat Pay's Retry-After when it sent one (for a 429 or a 503).
        /// </summary>
        public PacingChange Answered(long epoch, bool rateLimited, TimeSpan? retryAfter = null)
        {
            lock (_gate)
            {
                TimeSpan now = _now();
                TimeSpan hold = Hold(now, retryAfter);
                double before = _rate;
                PacingDecision decision = PacingDecision.Unchanged;
                if (epoch == _epoch)
                {
                    _window.Count(rateLimited);
                    decision = _trial is Trial trial ? JudgeTrial(trial, now) : Judge(now);
                }

                return new PacingChange(decision, _rate, decision == PacingDecision.Restored ? before : _rate, hold);
            }
        }

        private async Task<long> WaitThenAsync(TimeSpan wait, long epoch, CancellationToken cancellationToken)
        {
            await _delay(wait, cancellationToken).ConfigureAwait(false);
            return epoch;
        }

        private TimeSpan Hold(TimeSpan now, TimeSpan? retryAfter)
        {
            if (!(retryAfter > TimeSpan.Zero))
            {
                return TimeSpan.Zero;
            }

            TimeSpan until = now + (retryAfter.Value < MaxHold ? retryAfter.Value : MaxHold);
            if (until <= _holdUntil)
            {
                return TimeSpan.Zero;
            }

            _holdUntil = until;
            return until - now;
        }

        /// <summary>
        /// At the run's own rate: two windows in a row with more 429s than usual make a cut (one alone can be chance,
        /// and the second is a fair sample of the share at this rate); else a quiet second raises the rate.
        /// </summary>
        private PacingDecision Judge(TimeSpan now)
        {
            if (IsComplete(_window, now))
            {
                if (HasExcess(_window))
                {
                    if (_suspect is Tally first)
                    {
                        return Cut(first + _window, now);
                    }

                    _suspect = _window;
                }
                else
                {
                    // The usual share is learned only from trials, never from windows: a share that rises slowly as
                    // the run speeds up is a limit coming closer. It fades, so that a trial checks it again now and then.
                    _suspect = null;
                    _usualShare *= Math.Pow(0.5, (now - _window.Start).TotalSeconds / UsualShareHalfLife.TotalSeconds);
                }

                _window = new Tally(now);
            }

            if (_rate < _ceiling && _suspect == null && now - _lastChange >= RaiseEvery && !HasExcess(_window))
            {
                Raise(now);
                return PacingDecision.Raised;
            }

            return PacingDecision.Unchanged;
        }

        /// <summary>
        /// Below what WeChat Pay accepted of <paramref name="limited"/>: on trial, or, right at a limit found before,
        /// at once (it is that limit again).
        /// </summary>
        private PacingDecision Cut(Tally limited, TimeSpan now)
        {
            double accepted = Sending(now) * (1 - limited.Share);
            // Still about what the limit found before accepted: it is that limit again. Much less is either a lower
            // limit or 429s that are not about the rate, and a trial tells them apart.
            if (IsNearLimit(out double limit) && accepted >= SameLimit * limit)
            {
                SetRate(Math.Max(MinimumRate, Math.Min(_rate, BelowLimit * accepted)), now);
                return PacingDecision.Settled;
            }

            double trial = Math.Max(MinimumRate, TrialDepth * accepted);
            if (trial >= _rate)
            {
                _suspect = null;
                _window = new Tally(now);
                return PacingDecision.Unchanged;
            }

            _trial = new Trial(_rate, limited, accepted);
            SetRate(trial, now);
            return PacingDecision.Slowed;
        }

        /// <summary>At the lower rate of a cut: did the share of 429s fall (a real limit) or stay (429s at any rate)?</summary>
        private PacingDecision JudgeTrial(Trial trial, TimeSpan now)
        {
            // Judged at whole windows only: every look at the same answers is another chance to be fooled.
            if (!IsComplete(_window, now) || (_window.Answers >= WindowAnswers && _window.Answers % WindowAnswers != 0))
            {
                return PacingDecision.Unchanged;
            }

            // The windows that made the cut had more 429s than usual by selection, so only a clear fall counts as one;
            // a trial that stays unclear is taken as no fall.
            double z = Fall(trial.Before, _window);
            if (z >= 1 && z < ClearFall)
            {
                // Fewer 429s, but still more than usual: perhaps a limit below even this rate. A deeper trial compares
                // with this one, and still returns to where the first cut came from if 429s do not fall.
                double accepted = Sending(now) * (1 - _window.Share);
                double deeper = Math.Max(MinimumRate, TrialDepth * accepted);
                if (HasExcess(_window) && deeper < _rate)
                {
                    _trial = new Trial(trial.From, _window, accepted);
                    SetRate(deeper, now);
                    return PacingDecision.Slowed;
                }

                if (_window.Answers < TrialAnswersLimit)
                {
                    return PacingDecision.Unchanged;
                }
            }

            _trial = null;
            if (z >= ClearFall)
            {
                _acceptedRate = trial.Accepted;
                SetRate(Math.Max(_rate, Math.Min(trial.From, BelowLimit * trial.Accepted)), now);
                return PacingDecision.Settled;
            }

            _usualShare = Math.Min(MaxUsualShare, Math.Max(_usualShare, (trial.Before + _window).Share));
            _acceptedRate = null;
            SetRate(trial.From, now);
            return PacingDecision.Restored;
        }

        /// <summary>A tenth faster, or a fiftieth near the rate a real limit accepted, so that the run stays just below it.</summary>
        private void Raise(TimeSpan now)
        {
            double faster = _rate * (IsNearLimit(out _) ? 1.02 : 1.1);

            // Without a ceiling, the run is free again once the rate is well above what it achieves.
            if (faster >= _ceiling || (double.IsPositiveInfinity(_ceiling) && faster > 4 * Math.Max(ObservedRate(now), MinimumRate)))
            {
                faster = _ceiling;
            }

            // A step up this small leaves the judgement of the 429 share where it is: the answers still tell.
            _rate = faster;
            _lastChange = now;
        }

        /// <param name="limit">The rate the limit found before accepted, when there is one.</param>
        private bool IsNearLimit(out double limit)
        {
            limit = _acceptedRate.GetValueOrDefault();
            return _acceptedRate.HasValue && _rate >= BelowLimit * limit * 0.95 && _rate < 1.25 * limit;
        }

        /// <summary>A new rate for the run, judged afresh: answers to requests sent before it no longer count.</summary>
        private void SetRate(double rate, TimeSpan now)
        {
            bool slower = rate < _rate;
            _rate = rate;
            _epoch++;
            _window = new Tally(now);
            _suspect = null;
            _lastChange = now;

            // After a cut nobody starts before one interval has passed.
            if (slower && _nextSlot < now + Interval(rate))
            {
                _nextSlot = now + Interval(rate);
            }
        }

        /// <summary>More 429s than the usual share explains: beyond two standard deviations (any 429 while none is usual).</summary>
        private bool HasExcess(Tally tally)
        {
            double expected = tally.Answers * _usualShare;
            return tally.Limited > expected + (2 * Math.Sqrt(expected * (1 - _usualShare))) + 0.5;
        }

        private static bool IsComplete(Tally tally, TimeSpan now) =>
            tally.Answers >= WindowAnswers || (tally.Answers >= MinimumWindowAnswers && now - tally.Start >= WindowTime);

        /// <summary>How far the share of 429s fell from <paramref name="before"/> to <paramref name="after"/>, in standard errors (two-proportion z).</summary>
        private static double Fall(Tally before, Tally after)
        {
            double pooled = (before + after).Share;
            if (pooled <= 0 || pooled >= 1)
            {
                return 0;
            }

            double error = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / before.Answers) + (1.0 / after.Answers)));
            return (before.Share - after.Share) / error;
        }

        private static TimeSpan Interval(double rate) => TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / rate));

        private static TimeSpan Later(TimeSpan a, TimeSpan b) => a > b ? a : b;

        /// <summary>What the run sends now: the rate, or less when it cannot use it all (ThrottleLimit, slow answers).</summary>
        private double Sending(TimeSpan now) =>
            double.IsPositiveInfinity(_rate)
                ? Math.Max(ObservedRate(now), 2 * MinimumRate)
                : Math.Min(_rate, Math.Max(ObservedRate(now), MinimumRate));

        /// <summary>Requests per second of the last full second, or of the current one while there is none yet.</summary>
        private double ObservedRate(TimeSpan now) =>
            _observedRate > 0 ? _observedRate : _sendWindowCount / Math.Max(0.1, (now - _sendWindowStart).TotalSeconds);

        private void CountSend(TimeSpan now)
        {
            _sendWindowCount++;
            TimeSpan elapsed = now - _sendWindowStart;
            if (elapsed >= RaiseEvery)
            {
                _observedRate = _sendWindowCount / elapsed.TotalSeconds;
                _sendWindowCount = 0;
                _sendWindowStart = now;
            }
        }

        /// <summary>Answers and 429s among them, since <see cref="Start"/>.</summary>
        private struct Tally
        {
            public Tally(TimeSpan start)
                : this(start, 0, 0)
            {
            }

            private Tally(TimeSpan start, int answers, int limited)
            {
                Start = start;
                Answers = answers;
                Limited = limited;
            }

            public TimeSpan Start { get; }

            public int Answers { get; private set; }

            public int Limited { get; private set; }

            public double Share => Answers == 0 ? 0 : (double)Limited / Answers;

            public static Tally operator +(Tally a, Tally b) => new Tally(a.Answers == 0 ? b.Start : a.Start, a.Answers + b.Answers, a.Limited + b.Limited);

            public void Count(bool limited)
            {
                Answers++;
                if (limited)
                {
                    Limited++;
                }
            }
        }

        /// <summary>A cut on trial: the rate it came from, the answers there, and what WeChat Pay accepted there.</summary>
        private sealed class Trial
        {
            public Trial(double from, Tally before, double accepted)
            {
                From = from;
                Before = before;
                Accepted = accepted;
            }

            public double From { get; }

            public Tally Before { get; }

            public double Accepted { get; }
        }
    }
}
