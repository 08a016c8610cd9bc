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
            Endpoint = EndpointTable.Terminate(route);
            PathAndQuery = Endpoint.PathAndQuery(target.Fields);
            Body = BuildBody(Endpoint, target.Fields, reason);
        }

        public AuthorizationTarget Target { get; }

        public TerminateRoute Route { get; }

        public Endpoint Endpoint { get; }

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

        /// <summary>The endpoint for a row of <paramref name="kind"/>.</summary>
        internal static TerminateRoute RouteOf(TargetKind kind, TerminateRoute openIdRoute) => TargetKindTable.Of(kind).Route ?? openIdRoute;

        private static byte[] BuildBody(Endpoint endpoint, RowFields f, string reason)
        {
            using (var stream = new MemoryStream(128))
            {
                using (var writer = new Utf8JsonWriter(stream, WriterOptions))
                {
                    writer.WriteStartObject();
                    foreach (IdentityField field in endpoint.BodyFields)
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
        }
    }
}
