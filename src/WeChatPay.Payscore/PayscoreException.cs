using System;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// What stops a command, or one input of it, with one of the module's error ids: a setting or key that makes every
    /// request impossible (raised before the first request), a run that cannot go on (WeChat Pay out of reach, a
    /// journal that cannot be written), a file or journal that cannot be used. The message says what to fix and never
    /// quotes key material. A row that fails is a result with an error, not this.
    /// </summary>
    public sealed class PayscoreException : Exception
    {
        public PayscoreException(string errorId, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
        }

        /// <summary>One of <see cref="ErrorIds"/>.</summary>
        public string ErrorId { get; }
    }
}
