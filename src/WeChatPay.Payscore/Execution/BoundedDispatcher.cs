using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// Runs at most <see cref="Limit"/> pieces of work at once and hands their results back to one consumer
    /// thread (the PowerShell pipeline thread, the only one allowed to write output). Memory stays bounded by the
    /// limit: the consumer makes room before it starts more work.
    /// </summary>
    [SuppressMessage("Design", "CA1001", Justification = "The signal is never disposed: see _signal.")]
    internal sealed class BoundedDispatcher<T>
        where T : class
    {
        private readonly ConcurrentQueue<T> _completed = new ConcurrentQueue<T>();
        // Released once per finished piece of work. Never disposed: work cancelled at the end of a pipeline may
        // still finish after its command is gone.
        private readonly SemaphoreSlim _signal = new SemaphoreSlim(0);
        private int _inFlight;

        public BoundedDispatcher(int limit)
        {
            if (limit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(limit));
            }

            Limit = limit;
        }

        public int Limit { get; }

        public int InFlight => Volatile.Read(ref _inFlight);

        /// <summary>
        /// Starts <paramref name="work"/> on the thread pool, so that signing the request (an RSA signature, about
        /// half of what the consumer thread would otherwise do per row) runs beside the consumer reading the next row
        /// rather than in its way. A null result or a cancellation hands nothing back; any other exception is the
        /// work's own bug and must be turned into a result by the work itself.
        /// </summary>
        public void Start(Func<Task<T?>> work)
        {
            Interlocked.Increment(ref _inFlight);
            _ = Task.Run(() => RunAsync(work));
        }

        private async Task RunAsync(Func<Task<T?>> work)
        {
            T? result = null;
            try
            {
                result = await work().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                if (result != null)
                {
                    _completed.Enqueue(result);
                }

                Interlocked.Decrement(ref _inFlight);
                _signal.Release();
            }
        }

        /// <summary>
        /// Blocks until fewer than <paramref name="inFlight"/> pieces of work run, handing the finished results to
        /// <paramref name="consume"/> in batches (all that were ready at once), so that they can share one disk flush.
        /// </summary>
        public void WaitUntilBelow(int inFlight, Action<IReadOnlyList<T>> consume, CancellationToken cancellationToken)
        {
            Drain(consume);
            while (InFlight >= inFlight)
            {
                _signal.Wait(cancellationToken);
                Drain(consume);
            }

            // Work hands back its result before it counts itself out: one that finished between the last drain and
            // the count above is in the queue now, and must not be left there.
            Drain(consume);
        }

        /// <summary>
        /// Blocks until a piece of work finishes or <see cref="Wake"/> is called (either may have happened already),
        /// or <paramref name="timeout"/> has passed, then hands the finished results to <paramref name="consume"/>.
        /// </summary>
        public void WaitForSignal(Action<IReadOnlyList<T>> consume, TimeSpan timeout, CancellationToken cancellationToken)
        {
            _signal.Wait(timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan ? TimeSpan.Zero : timeout, cancellationToken);
            Drain(consume);
        }

        /// <summary>Wakes the consumer from <see cref="WaitForSignal"/> (something else it waits for happened); a waiter that finds nothing new waits again.</summary>
        public void Wake() => _signal.Release();

        /// <summary>Blocks until all work has finished, handing the results to <paramref name="consume"/>.</summary>
        public void WaitForAll(Action<IReadOnlyList<T>> consume, CancellationToken cancellationToken) => WaitUntilBelow(1, consume, cancellationToken);

        /// <summary>Hands every finished result to <paramref name="consume"/>, as one batch; never blocks.</summary>
        public void Drain(Action<IReadOnlyList<T>> consume)
        {
            List<T>? batch = null;
            while (_completed.TryDequeue(out T? result))
            {
                (batch ??= new List<T>()).Add(result);
            }

            if (batch != null)
            {
                consume(batch);
            }
        }
    }
}
