using System;

namespace WeChatPay.Payscore
{
    /// <summary>The exception of a failed row's ErrorRecord; <see cref="Result"/> is that row's result.</summary>
    public sealed class TerminateRowException : Exception
    {
        public TerminateRowException(TerminateResult result)
            : base(Messages.Format("Result.RowFailed", result.RowNumber, UserText.Excerpt(result.OpenId), UserText.Excerpt(result.ServiceId), result.Code, result.Message))
        {
            Result = result;
        }

        public TerminateResult Result { get; }
    }
}
