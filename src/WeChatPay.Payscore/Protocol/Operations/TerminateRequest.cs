using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// One validated terminate call: the path and the body bytes, serialized once so that the bytes
    /// signed are the bytes sent. Only TryCreate makes one, so nothing unvalidated is sent.
    /// </summary>
    internal sealed class TerminateRequest
    {
        private static readonly JsonWriterOptions WriterOptions = new JsonWriterOptions
        {
            // Chinese reasons stay readable UTF-8 instead of \uXXXX; the body is never embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private TerminateRequest(AuthorizationTarget target, TerminateRoute route, string reason)
        {
            Target = target;
            Route = route;
            Reason = reason;
            PathAndQuery = BuildPath(route, target);
            Body = BuildBody(route, target.Fields, reason);
        }

        public AuthorizationTarget Target { get; }

        public TerminateRoute Route { get; }

        public string Reason { get; }

        public string PathAndQuery { get; }

        public byte[] Body { get; }

        /// <param name="openIdRoute">The endpoint for openid rows (-Route); code and sub_mchid rows have one endpoint each.</param>
        public static bool TryCreate(TerminateRoute openIdRoute, RowFields fields, string? reason, [NotNullWhen(true)] out TerminateRequest? request, out IReadOnlyList<string> problems)
        {
            AuthorizationTarget.TryCreate(fields, out AuthorizationTarget? target, out IReadOnlyList<string> targetProblems);
            IReadOnlyList<string> reasonProblems = InputValidator.ValidateReason(reason);
            problems = reasonProblems.Count == 0 ? targetProblems : targetProblems.Concat(reasonProblems).ToList();
            request = target != null && reason != null && problems.Count == 0 ? new TerminateRequest(target, RouteOf(target.Kind, openIdRoute), reason) : null;
            return request != null;
        }

        public static bool TryCreate(TerminateRoute route, string? openId, string? serviceId, string? appId, string? reason, [NotNullWhen(true)] out TerminateRequest? request, out IReadOnlyList<string> problems) =>
            TryCreate(route, RowFields.ForOpenId(openId, serviceId, appId), reason, out request, out problems);

        /// <summary>The endpoint for a row of <paramref name="kind"/>.</summary>
        internal static TerminateRoute RouteOf(TargetKind kind, TerminateRoute openIdRoute) => TargetKindTable.Of(kind).Route ?? openIdRoute;

        /// <summary>
        /// Each endpoint's path, and the identity fields its body carries, in the body's order, before the reason;
        /// a field the row has no value for (sub_appid, or the openid of a sub_openid row) is left out.
        /// </summary>
        private static readonly Dictionary<TerminateRoute, (Func<AuthorizationTarget, string> Path, IdentityField[] BodyFields)> Routes =
            new Dictionary<TerminateRoute, (Func<AuthorizationTarget, string>, IdentityField[])>
            {
                [TerminateRoute.UserPermission] = (
                    t => "/v3/payscore/users/" + AuthorizationTarget.Escaped(t.Fields.OpenId, "openid") + "/permissions/" + Uri.EscapeDataString(t.ServiceId) + "/terminate",
                    Fields("appid")),
                [TerminateRoute.OpenIdPermission] = (
                    t => "/v3/payscore/permissions/openid/" + AuthorizationTarget.Escaped(t.Fields.OpenId, "openid") + "/terminate",
                    Fields("service_id", "appid")),
                [TerminateRoute.AuthorizationCode] = (
                    t => "/v3/payscore/permissions/authorization-code/" + AuthorizationTarget.Escaped(t.Fields.AuthorizationCode, "authorization_code") + "/terminate",
                    Fields("service_id")),
                [TerminateRoute.Partner] = (
                    t => "/v3/payscore/partner/permissions/terminate",
                    Fields("service_id", "sub_mchid", "appid", "sub_appid", "openid", "sub_openid")),
                [TerminateRoute.PartnerAuthorizationCode] = (
                    t => "/v3/payscore/partner/permissions/authorization-code/" + AuthorizationTarget.Escaped(t.Fields.AuthorizationCode, "authorization_code") + "/terminate",
                    Fields("service_id", "sub_mchid")),
            };

        private static string BuildPath(TerminateRoute route, AuthorizationTarget target) => Routes[route].Path(target);

        private static IdentityField[] Fields(params string[] wireNames) => wireNames.Select(RowFields.Field).ToArray();

        private static byte[] BuildBody(TerminateRoute route, RowFields f, string reason)
        {
            using (var stream = new MemoryStream(128))
            {
                using (var writer = new Utf8JsonWriter(stream, WriterOptions))
                {
                    writer.WriteStartObject();
                    foreach (IdentityField field in Routes[route].BodyFields)
                    {
                        string? value = field.Get(f);
                        if (value != null)
                        {
                            writer.WriteString(field.WireName, value);
                        }
                    }

                    writer.WriteString("reason", reason);
                    writer.WriteEndObject();
                }

                return stream.ToArray();
            }
        }    }
}
