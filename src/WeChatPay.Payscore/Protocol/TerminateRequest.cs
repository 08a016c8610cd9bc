using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// One validated terminate call: the path and the body bytes, serialized once so that the bytes
    /// signed are the bytes sent. Only <see cref="TryCreate"/> makes one, so nothing unvalidated is sent.
    /// </summary>
    internal sealed class TerminateRequest
    {
        private static readonly JsonWriterOptions WriterOptions = new JsonWriterOptions
        {
            // Chinese reasons stay readable UTF-8 instead of \uXXXX; the body is never embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private TerminateRequest(TerminateRoute route, string openId, string serviceId, string appId, string reason)
        {
            Route = route;
            OpenId = openId;
            ServiceId = serviceId;
            AppId = appId;
            Reason = reason;
            PathAndQuery = BuildPath(route, openId, serviceId);
            Body = BuildBody(route, serviceId, appId, reason);
        }

        public TerminateRoute Route { get; }

        public string OpenId { get; }

        public string ServiceId { get; }

        public string AppId { get; }

        public string Reason { get; }

        public string PathAndQuery { get; }

        public byte[] Body { get; }

        public static bool TryCreate(
            TerminateRoute route,
            string? openId,
            string? serviceId,
            string? appId,
            string? reason,
            out TerminateRequest? request,
            out IReadOnlyList<string> problems)
        {
            problems = InputValidator.ValidateTerminate(openId, serviceId, appId, reason);
            request = problems.Count == 0 ? new TerminateRequest(route, openId!, serviceId!, appId!, reason!) : null;
            return request != null;
        }

        private static string BuildPath(TerminateRoute route, string openId, string serviceId)
        {
            string openIdSegment = Uri.EscapeDataString(openId);
            switch (route)
            {
                case TerminateRoute.UserPermission:
                    return "/v3/payscore/users/" + openIdSegment + "/permissions/" + Uri.EscapeDataString(serviceId) + "/terminate";
                case TerminateRoute.OpenIdPermission:
                    return "/v3/payscore/permissions/openid/" + openIdSegment + "/terminate";
                default:
                    throw new ArgumentOutOfRangeException(nameof(route), route, null);
            }
        }

        private static byte[] BuildBody(TerminateRoute route, string serviceId, string appId, string reason)
        {
            using (var stream = new MemoryStream(128))
            {
                using (var writer = new Utf8JsonWriter(stream, WriterOptions))
                {
                    writer.WriteStartObject();
                    if (route == TerminateRoute.OpenIdPermission)
                    {
                        writer.WriteString("service_id", serviceId);
                    }

                    writer.WriteString("appid", appId);
                    writer.WriteString("reason", reason);
                    writer.WriteEndObject();
                }

                return stream.ToArray();
            }
        }
    }
}
