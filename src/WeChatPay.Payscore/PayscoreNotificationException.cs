using System;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// Why a notification was refused: not signed by a configured WeChat Pay key, stale, a probe, not decryptable
    /// with the APIv3 key, or not a notification. <see cref="ErrorId"/> is one of <see cref="ErrorIds"/>; the message
    /// quotes what it read only as short excerpts, and never key material.
    /// </summary>
    public sealed class PayscoreNotificationException : Exception
    {
        public PayscoreNotificationException(string errorId, string message)
            : base(message)
        {
            ErrorId = errorId;
        }

        public string ErrorId { get; }
    }
}
