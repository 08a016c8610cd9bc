using System;
using System.Threading;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// The host a request goes to: the base URI, or the backup host after a connection to the base URI could not
    /// be made. The switch holds for the whole run for a while, so that every row does not pay for the dead host
    /// first, and then the base URI is tried again.
    /// </summary>
    internal sealed class HostSelector
    {
        /// <summary>WeChat Pay's documented backup domain for the default host.</summary>
        public static readonly Uri DefaultBackup = new Uri("https://api2.mch.weixin.qq.com/");

        private readonly Func<DateTimeOffset> _clock;
        private long _primaryDownUntilTicks;

        public HostSelector(Uri primary, Uri? backup, TimeSpan? holdBackup = null, Func<DateTimeOffset>? clock = null)
        {
            Primary = primary;
            Backup = backup;
            HoldBackup = holdBackup ?? TimeSpan.FromSeconds(30);
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        public Uri Primary { get; }

        public Uri? Backup { get; }

        public TimeSpan HoldBackup { get; }

        /// <summary>The backup for <paramref name="baseUri"/> when none is given: api2 for the default host, none otherwise.</summary>
        public static Uri? DefaultBackupFor(Uri baseUri) =>
            Uri.Compare(baseUri, WechatpayClientOptions.DefaultBaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
                ? DefaultBackup
                : null;

        /// <summary>The host for the next attempt; <paramref name="previousFailedToConnect"/> is the host the last attempt of this request could not reach.</summary>
        public Uri Choose(Uri? previousFailedToConnect)
        {
            if (Backup == null)
            {
                return Primary;
            }

            if (previousFailedToConnect != null)
            {
                return previousFailedToConnect == Primary ? Backup : Primary;
            }

            return _clock().UtcTicks < Interlocked.Read(ref _primaryDownUntilTicks) ? Backup : Primary;
        }

        public void ConnectFailed(Uri host)
        {
            if (host == Primary && Backup != null)
            {
                Interlocked.Exchange(ref _primaryDownUntilTicks, (_clock() + HoldBackup).UtcTicks);
            }
        }
    }
}
