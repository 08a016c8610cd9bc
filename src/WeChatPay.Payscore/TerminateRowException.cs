using System;

namespace WeChatPay.Payscore
{
    /// <summary>The exception of a failed row's ErrorRecord; <see cref="Result"/> is that row's result.</summary>
    public sealed class TerminateRowException : Exception
    {
        public TerminateRowException(TerminateResult result)
            : base($"Row {result.RowNumber} (openid '{UserText.Excerpt(result.OpenId)}', service_id '{UserText.Excerpt(result.ServiceId)}'): {result.Code}: {result.Message}")
        {
            Result = result;
        }

        public TerminateResult Result { get; }
    }
}
