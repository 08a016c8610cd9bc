using System;
using System.Collections.Generic;
using System.Linq;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// The values of one input row that say which authorization it addresses, as read from the row or the
    /// command line. Nothing is checked yet: <see cref="AuthorizationTarget.TryCreate"/> does that.
    /// </summary>
    internal sealed class RowFields
    {
        /// <summary>
        /// Every identity field, in the order rows, journal records and results list them: WeChat Pay's name (the CSV
        /// column, the journal's key) and this module's (the parameter, the result's property). What reads, copies or
        /// writes the fields goes through this list.
        /// </summary>
        public static readonly IReadOnlyList<IdentityField> Identity = new[]
        {
            new IdentityField("openid", nameof(OpenId), f => f.OpenId, (f, v) => f.OpenId = v),
            new IdentityField("service_id", nameof(ServiceId), f => f.ServiceId, (f, v) => f.ServiceId = v),
            new IdentityField("appid", nameof(AppId), f => f.AppId, (f, v) => f.AppId = v),
            new IdentityField("authorization_code", nameof(AuthorizationCode), f => f.AuthorizationCode, (f, v) => f.AuthorizationCode = v),
            new IdentityField("sub_mchid", nameof(SubMerchantId), f => f.SubMerchantId, (f, v) => f.SubMerchantId = v),
            new IdentityField("sub_appid", nameof(SubAppId), f => f.SubAppId, (f, v) => f.SubAppId = v),
            new IdentityField("sub_openid", nameof(SubOpenId), f => f.SubOpenId, (f, v) => f.SubOpenId = v),
        };

        private static readonly Dictionary<string, IdentityField> ByWireName = Identity.ToDictionary(field => field.WireName, StringComparer.Ordinal);

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

        /// <summary>
        /// What was wrong with the row as it was read, before any field rule: a value that is not text (a Boolean, an
        /// array, an object from ConvertFrom-Json). Null when nothing was.
        /// </summary>
        public List<string>? ReadProblems { get; set; }

        /// <summary>The row itself when it is a plain string (a line from Get-Content), not an object with columns; null otherwise.</summary>
        public string? PlainText { get; set; }

        /// <summary>Who the row is about, in one word: the openid, else the sub_openid, else the authorization code.</summary>
        public string? Subject => OpenId ?? SubOpenId ?? AuthorizationCode;

        public static RowFields ForOpenId(string? openId, string? serviceId, string? appId) =>
            new RowFields { OpenId = openId, ServiceId = serviceId, AppId = appId };

        /// <summary>A row of fields each read by <paramref name="valueOf"/>.</summary>
        public static RowFields From(Func<IdentityField, string?> valueOf)
        {
            var fields = new RowFields();
            foreach (IdentityField field in Identity)
            {
                field.Set(fields, valueOf(field));
            }

            return fields;
        }

        /// <summary>The identity field WeChat Pay calls <paramref name="wireName"/>.</summary>
        public static IdentityField Field(string wireName) => ByWireName[wireName];

        /// <summary>The identity values alone.</summary>
        public RowFields Copy() => From(field => field.Get(this));
    }
}
