using System.Collections.Concurrent;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// The request nonces seen from the merchant. A nonce only needs remembering while a request carrying it
/// would still pass the timestamp check (its timestamp plus the allowed skew); after that the timestamp
/// check refuses a replay on its own. Expired entries are swept in the background; under a sustained
/// flood the oldest half is dropped at <see cref="SoftCap"/> so memory stays bounded.
/// </summary>
internal sealed class NonceCache
{
    public const int SoftCap = 1_000_000;
    private const int SweepIntervalSeconds = 30;

    private readonly ConcurrentDictionary<string, long> _expiries = new(StringComparer.Ordinal);
    private int _approximateCount;
    private long _nextSweep;
    private int _sweeping;

    /// <summary>Remembers <paramref name="nonce"/> until <paramref name="expiresAt"/>; false when it is a replay.</summary>
    public bool TryRemember(string nonce, long expiresAt, long now)
    {
        while (true)
        {
            if (_expiries.TryAdd(nonce, expiresAt))
            {
                Interlocked.Increment(ref _approximateCount);
                MaybeSweep(now);
                return true;
            }

            if (_expiries.TryGetValue(nonce, out long previous))
            {
                if (previous > now)
                {
                    return false;
                }

                if (_expiries.TryUpdate(nonce, expiresAt, previous))
                {
                    return true;
                }
            }
        }
    }

    /// <summary>Lets a nonce be used again, for a request that turned out not to be the merchant's.</summary>
    public void Forget(string nonce)
    {
        if (_expiries.TryRemove(nonce, out _))
        {
            Interlocked.Decrement(ref _approximateCount);
        }
    }

    public void Clear()
    {
        _expiries.Clear();
        Volatile.Write(ref _approximateCount, 0);
    }

    private void MaybeSweep(long now)
    {
        if (now < Volatile.Read(ref _nextSweep) && Volatile.Read(ref _approximateCount) < SoftCap)
        {
            return;
        }

        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        Volatile.Write(ref _nextSweep, now + SweepIntervalSeconds);
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.cache.Sweep(state.now), (cache: this, now), preferLocal: false);
    }

    private void Sweep(long now)
    {
        try
        {
            RemoveExpiringBefore(now + 1);
            if (Volatile.Read(ref _approximateCount) >= SoftCap)
            {
                long latest = now;
                foreach (KeyValuePair<string, long> entry in _expiries)
                {
                    latest = Math.Max(latest, entry.Value);
                }

                RemoveExpiringBefore(now + ((latest - now) / 2) + 1);
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void RemoveExpiringBefore(long limit)
    {
        int removed = 0;
        foreach (KeyValuePair<string, long> entry in _expiries)
        {
            // Removing by key and value leaves a nonce alone if it was renewed meanwhile.
            if (entry.Value < limit && _expiries.TryRemove(entry))
            {
                removed++;
            }
        }

        Interlocked.Add(ref _approximateCount, -removed);
    }
}
