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
        internal static TerminateRoute RouteOf(TargetKind kind, TerminateRoute openIdRoute)
        {
            switch (kind)
            {
                case TargetKind.AuthorizationCode: return TerminateRoute.AuthorizationCode;
                case TargetKind.Partner: return TerminateRoute.Partner;
                case TargetKind.PartnerAuthorizationCode: return TerminateRoute.PartnerAuthorizationCode;
                default: return openIdRoute;
            }
        }

        private static string BuildPath(TerminateRoute route, AuthorizationTarget target)
        {
            RowFields f = target.Fields;
            switch (route)
            {
                case TerminateRoute.UserPermission:
                    return "/v3/payscore/users/" + Uri.EscapeDataString(AuthorizationTarget.Validated(f.OpenId, "openid")) + "/permissions/" + Uri.EscapeDataString(target.ServiceId) + "/terminate";
                case TerminateRoute.OpenIdPermission:
                    return "/v3/payscore/permissions/openid/" + Uri.EscapeDataString(AuthorizationTarget.Validated(f.OpenId, "openid")) + "/terminate";
                case TerminateRoute.AuthorizationCode:
                    return "/v3/payscore/permissions/authorization-code/" + Uri.EscapeDataString(AuthorizationTarget.Validated(f.AuthorizationCode, "authorization_code")) + "/terminate";
                case TerminateRoute.Partner:
                    return "/v3/payscore/partner/permissions/terminate";
                case TerminateRoute.PartnerAuthorizationCode:
                    return "/v3/payscore/partner/permissions/authorization-code/" + Uri.EscapeDataString(AuthorizationTarget.Validated(f.AuthorizationCode, "authorization_code")) + "/terminate";
                default:
                    throw new ArgumentOutOfRangeException(nameof(route), route, null);
            }
        }

        private static byte[] BuildBody(TerminateRoute route, RowFields f, string reason)
        {
            using (var stream = new MemoryStream(128))
            {
                using (var writer = new Utf8JsonWriter(stream, WriterOptions))
                {
                    writer.WriteStartObject();
                    if (route != TerminateRoute.UserPermission)
                    {
                        writer.WriteString("service_id", f.ServiceId);
                    }

                    if (route == TerminateRoute.Partner || route == TerminateRoute.PartnerAuthorizationCode)
                    {
                        writer.WriteString("sub_mchid", f.SubMerchantId);
                    }

                    if (route != TerminateRoute.AuthorizationCode && route != TerminateRoute.PartnerAuthorizationCode)
                    {
                        writer.WriteString("appid", f.AppId);
                    }

                    if (route == TerminateRoute.Partner)
                    {
                        if (f.SubAppId != null)
                        {
                            writer.WriteString("sub_appid", f.SubAppId);
                        }

                        writer.WriteString(f.OpenId != null ? "openid" : "sub_openid", f.OpenId ?? f.SubOpenId);
                    }

                    writer.WriteString("reason", reason);
                    writer.WriteEndObject();
                }

                return stream.ToArray();
            }
        }
    }
}
