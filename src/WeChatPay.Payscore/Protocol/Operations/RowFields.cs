using System.Collections.Generic;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// The values of one input row that say which authorization it addresses, as read from the row or the
    /// command line. Nothing is checked yet: <see cref="AuthorizationTarget.TryCreate"/> does that.
    /// </summary>
    internal sealed class RowFields
    {
        public string? OpenId { get; set; }

        public string? ServiceId { get; set; }

        public string? AppId { get; set; }

        public string? AuthorizationCode { get; set; }

        public string? SubMerchantId { get; set; }

        public string? SubAppId { get; set; }

        public string? SubOpenId { get; set; }

        /// <summary>
        /// The column names of the row it was read from, when it is a row of columns (a CSV line, a hashtable) that
        /// names no user; null otherwise. They tell a CSV without its header line.
        /// </summary>
        public IReadOnlyList<string>? Columns { get; set; }

        public static RowFields ForOpenId(string? openId, string? serviceId, string? appId) =>
            new RowFields { OpenId = openId, ServiceId = serviceId, AppId = appId };
    }
}
