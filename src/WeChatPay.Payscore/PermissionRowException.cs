using System;

namespace WeChatPay.Payscore
{
    /// <summary>The exception of a failed Get-WxPayscorePermission row's ErrorRecord; <see cref="Result"/> is that row's result.</summary>
    public sealed class PermissionRowException : Exception
    {
        public PermissionRowException(PayscorePermission result)
            : base($"Row {result.RowNumber} (openid '{UserText.Excerpt(result.OpenId)}', service_id '{UserText.Excerpt(result.ServiceId)}'): {result.Code}: {result.Message}")
        {
            Result = result;
        }

        public PayscorePermission Result { get; }
    }
}
