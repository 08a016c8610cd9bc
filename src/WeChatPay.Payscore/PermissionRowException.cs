using System;

namespace WeChatPay.Payscore
{
    /// <summary>The exception of a failed Get-WxPayscorePermission row's ErrorRecord; <see cref="Result"/> is that row's result.</summary>
    public sealed class PermissionRowException : Exception
    {
        public PermissionRowException(PayscorePermission result)
            : base(Messages.Format("Result.RowFailed", result.RowNumber, UserText.Excerpt(result.OpenId), UserText.Excerpt(result.ServiceId), result.Code, result.Message))
        {
            Result = result;
        }

        public PayscorePermission Result { get; }
    }
}
