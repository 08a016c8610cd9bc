using System;
using System.Security.Cryptography;
using System.Text;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// The identity of an authorization to end (<see cref="AuthorizationTarget.Identity"/>), as a 128-bit digest: compact enough to
    /// remember millions of rows, wide enough that two different rows never share one in practice.
    /// </summary>
    internal readonly struct RowKey : IEquatable<RowKey>
    {
        public RowKey(ulong high, ulong low)
        {
            High = high;
            Low = low;
        }

        public ulong High { get; }

        public ulong Low { get; }

        /// <summary>Not thread-safe through <paramref name="sha"/>: each thread brings its own.</summary>
        public static RowKey Of(AuthorizationTarget target, SHA256 sha)
        {
            byte[] digest = sha.ComputeHash(Encoding.UTF8.GetBytes(target.Identity));
            return new RowKey(BitConverter.ToUInt64(digest, 0), BitConverter.ToUInt64(digest, 8));
        }

        public bool Equals(RowKey other) => High == other.High && Low == other.Low;

        public override bool Equals(object? obj) => obj is RowKey other && Equals(other);

        public override int GetHashCode() => (int)High;
    }
}
