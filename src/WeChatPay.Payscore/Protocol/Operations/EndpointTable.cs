using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// One WeChat Pay endpoint the module calls: its method, its path with the identity fields that go into it
    /// (<c>{openid}</c>), and the identity fields its query string and its JSON body carry, in their order.
    /// </summary>
    internal sealed class Endpoint
    {
        public Endpoint(HttpMethod method, string template, string[]? query = null, string[]? body = null)
        {
            Method = method;
            Template = template;
            QueryFields = (query ?? Array.Empty<string>()).Select(Optional).ToArray();
            BodyFields = (body ?? Array.Empty<string>()).Select(RowFields.Field).ToArray();
        }

        public HttpMethod Method { get; }

        /// <summary>The path as WeChat Pay's documentation writes it, each field in braces: also the endpoint's name in messages.</summary>
        public string Template { get; }

        /// <summary>The query string's fields, in order; an optional one (written <c>name?</c>) is left out when the row has no value.</summary>
        public IReadOnlyList<(IdentityField Field, bool Optional)> QueryFields { get; }

        /// <summary>The body's fields, in order, before the reason; a field the row has no value for (sub_appid) is left out.</summary>
        public IReadOnlyList<IdentityField> BodyFields { get; }

        /// <summary>
        /// The path and query string as signed and sent: each value escaped, so that the signature covers the request
        /// exactly as it goes out. Only validated rows come here, so a required value that is missing is a defect in this
        /// module, reported as such rather than sent.
        /// </summary>
        public string PathAndQuery(RowFields fields)
        {
            var text = new StringBuilder(Template.Length + 64);
            int at = 0;
            while (at < Template.Length)
            {
                int open = Template.IndexOf('{', at);
                if (open < 0)
                {
                    text.Append(Template, at, Template.Length - at);
                    break;
                }

                int close = Template.IndexOf('}', open);
                text.Append(Template, at, open - at);
                text.Append(Escaped(RowFields.Field(Template.Substring(open + 1, close - open - 1)), fields));
                at = close + 1;
            }

            char separator = '?';
            foreach ((IdentityField field, bool optional) in QueryFields)
            {
                if (optional && field.Get(fields) == null)
                {
                    continue;
                }

                text.Append(separator).Append(field.WireName).Append('=').Append(Escaped(field, fields));
                separator = '&';
            }

            return text.ToString();
        }

        public override string ToString() => Method.Method + " " + Template;

        private static string Escaped(IdentityField field, RowFields fields) =>
            Uri.EscapeDataString(field.Get(fields) ?? throw new InvalidOperationException(Messages.Format("Protocol.RequestFieldMissing", field.WireName)));

        private static (IdentityField, bool) Optional(string name) =>
            name[name.Length - 1] == '?' ? (RowFields.Field(name.TrimEnd('?')), true) : (RowFields.Field(name), false);
    }

    /// <summary>Every WeChat Pay endpoint the module calls, in one place: adding an endpoint touches this file.</summary>
    internal static class EndpointTable
    {
        /// <summary>Ends the merchant's own user's authorization by openid and service_id in the path.</summary>
        public static readonly Endpoint TerminateUserPermission =
            new Endpoint(HttpMethod.Post, "/v3/payscore/users/{openid}/permissions/{service_id}/terminate", body: new[] { "appid" });

        /// <summary>Ends the merchant's own user's authorization by openid, service_id in the body.</summary>
        public static readonly Endpoint TerminateOpenIdPermission =
            new Endpoint(HttpMethod.Post, "/v3/payscore/permissions/openid/{openid}/terminate", body: new[] { "service_id", "appid" });

        public static readonly Endpoint TerminateAuthorizationCode =
            new Endpoint(HttpMethod.Post, "/v3/payscore/permissions/authorization-code/{authorization_code}/terminate", body: new[] { "service_id" });

        /// <summary>A service provider ends a sub-merchant's user's authorization, by openid or sub_openid.</summary>
        public static readonly Endpoint TerminatePartner = new Endpoint(
            HttpMethod.Post, "/v3/payscore/partner/permissions/terminate", body: new[] { "service_id", "sub_mchid", "appid", "sub_appid", "openid", "sub_openid" });

        public static readonly Endpoint TerminatePartnerAuthorizationCode = new Endpoint(
            HttpMethod.Post, "/v3/payscore/partner/permissions/authorization-code/{authorization_code}/terminate", body: new[] { "service_id", "sub_mchid" });

        public static readonly Endpoint QueryOpenId =
            new Endpoint(HttpMethod.Get, "/v3/payscore/permissions/openid/{openid}", query: new[] { "appid", "service_id" });

        public static readonly Endpoint QueryAuthorizationCode =
            new Endpoint(HttpMethod.Get, "/v3/payscore/permissions/authorization-code/{authorization_code}", query: new[] { "service_id" });

        /// <summary>A service provider asks about a sub-merchant's user's authorization, by openid or sub_openid (whichever the row has).</summary>
        public static readonly Endpoint QueryPartner = new Endpoint(
            HttpMethod.Get, "/v3/payscore/partner/permissions/search", query: new[] { "service_id", "sub_mchid", "appid", "sub_appid?", "openid?", "sub_openid?" });

        public static readonly Endpoint QueryPartnerAuthorizationCode = new Endpoint(
            HttpMethod.Get, "/v3/payscore/partner/permissions/authorization-code/{authorization_code}", query: new[] { "service_id", "sub_mchid" });

        /// <summary>The merchant's platform certificates, encrypted with the APIv3 key; every merchant may call it.</summary>
        public static readonly Endpoint Certificates = new Endpoint(HttpMethod.Get, "/v3/certificates");

        /// <summary>The terminate endpoint of a route.</summary>
        public static Endpoint Terminate(TerminateRoute route)
        {
            switch (route)
            {
                case TerminateRoute.UserPermission: return TerminateUserPermission;
                case TerminateRoute.OpenIdPermission: return TerminateOpenIdPermission;
                case TerminateRoute.AuthorizationCode: return TerminateAuthorizationCode;
                case TerminateRoute.Partner: return TerminatePartner;
                case TerminateRoute.PartnerAuthorizationCode: return TerminatePartnerAuthorizationCode;
                default: throw new ArgumentOutOfRangeException(nameof(route), route, Messages.Format("Protocol.NotTerminateRoute"));
            }
        }
    }
}
