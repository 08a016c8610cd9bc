using System;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// A setting or key that makes every request impossible. Raised before the first request;
    /// the message says what to fix and never quotes key material.
    /// </summary>
    public sealed class PayscoreConfigurationException : Exception
    {
        public PayscoreConfigurationException(string errorId, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
        }

        /// <summary>One of <see cref="ErrorIds"/>.</summary>
        public string ErrorId { get; }
    }
}
