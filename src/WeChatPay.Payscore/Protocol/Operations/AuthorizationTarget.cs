using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>How a row names the authorization it addresses, which decides the endpoints it goes to.</summary>
    internal enum TargetKind
    {
        /// <summary>The merchant's own user: openid under appid, and service_id.</summary>
        OpenId,

        /// <summary>The authorization code the merchant gave when the user authorized, and service_id.</summary>
        AuthorizationCode,

        /// <summary>A service provider acting for sub_mchid: openid under appid, or sub_openid under sub_appid.</summary>
        Partner,

        /// <summary>A service provider acting for sub_mchid: the authorization code the sub-merchant's authorization was given, and service_id.</summary>
        PartnerAuthorizationCode,
    }

    /// <summary>
    /// One authorization, validated: what a row ends or asks about. The row's values decide its kind, so that one
    /// CSV may mix openid, authorization_code and sub_mchid rows, and sub_mchid rows by authorization_code. Only <see cref="TryCreate"/> makes one.
    /// </summary>
    internal sealed class AuthorizationTarget
    {
        private AuthorizationTarget(TargetKind kind, RowFields fields)
        {
            Kind = kind;
            Fields = fields;
            ServiceId = Validated(fields.ServiceId, "service_id");
        }

        public TargetKind Kind { get; }

        /// <summary>The values the requests carry; values the kind does not send (appid of a code row) are dropped.</summary>
        public RowFields Fields { get; }

        public string ServiceId { get; }

        public static bool TryCreate(RowFields fields, [NotNullWhen(true)] out AuthorizationTarget? target, out IReadOnlyList<string> problems)
        {
            TargetKind kind = KindOf(fields);
            problems = InputValidator.ValidateTarget(kind, fields);
            target = problems.Count == 0 ? new AuthorizationTarget(kind, Normalize(kind, fields)) : null;
            return target != null;
        }

        public static TargetKind KindOf(RowFields fields) =>
            !string.IsNullOrEmpty(fields.AuthorizationCode)
                ? (!string.IsNullOrEmpty(fields.SubMerchantId) ? TargetKind.PartnerAuthorizationCode : TargetKind.AuthorizationCode)
            : !string.IsNullOrEmpty(fields.SubMerchantId) ? TargetKind.Partner
            : TargetKind.OpenId;

        /// <summary>The query that says whether this authorization stands, path and query string as signed and sent.</summary>
        public string QueryPath
        {
            get
            {
                RowFields f = Fields;
                switch (Kind)
                {
                    case TargetKind.AuthorizationCode:
                        return "/v3/payscore/permissions/authorization-code/" + Uri.EscapeDataString(Validated(f.AuthorizationCode, "authorization_code"))
                            + "?service_id=" + Uri.EscapeDataString(ServiceId);
                    case TargetKind.PartnerAuthorizationCode:
                        return "/v3/payscore/partner/permissions/authorization-code/" + Uri.EscapeDataString(Validated(f.AuthorizationCode, "authorization_code"))
                            + "?service_id=" + Uri.EscapeDataString(ServiceId)
                            + "&sub_mchid=" + Uri.EscapeDataString(Validated(f.SubMerchantId, "sub_mchid"));
                    case TargetKind.Partner:
                        return "/v3/payscore/partner/permissions/search?service_id=" + Uri.EscapeDataString(ServiceId)
                            + "&sub_mchid=" + Uri.EscapeDataString(Validated(f.SubMerchantId, "sub_mchid"))
                            + "&appid=" + Uri.EscapeDataString(Validated(f.AppId, "appid"))
                            + (f.SubAppId != null ? "&sub_appid=" + Uri.EscapeDataString(f.SubAppId) : string.Empty)
                            + (f.OpenId != null ? "&openid=" + Uri.EscapeDataString(f.OpenId) : "&sub_openid=" + Uri.EscapeDataString(Validated(f.SubOpenId, "sub_openid")));
                    default:
                        return "/v3/payscore/permissions/openid/" + Uri.EscapeDataString(Validated(f.OpenId, "openid"))
                            + "?appid=" + Uri.EscapeDataString(Validated(f.AppId, "appid")) + "&service_id=" + Uri.EscapeDataString(ServiceId);
                }
            }
        }

        /// <summary>
        /// Text that names this authorization and no other, whatever endpoint ends it: two rows with the same identity
        /// are the same authorization. Every value is preceded by its length, so no two targets make the same text.
        /// </summary>
        public string Identity
        {
            get
            {
                RowFields f = Fields;
                switch (Kind)
                {
                    case TargetKind.AuthorizationCode:
                        return "code|" + Part(f.AuthorizationCode) + Part(ServiceId);
                    case TargetKind.PartnerAuthorizationCode:
                        return "partner-code|" + Part(f.SubMerchantId) + Part(f.AuthorizationCode) + Part(ServiceId);
                    case TargetKind.Partner:
                        return "partner|" + Part(f.SubMerchantId) + (f.OpenId != null ? "openid|" + Part(f.OpenId) : "sub_openid|" + Part(f.SubOpenId)) + Part(ServiceId);
                    default:
                        return "openid|" + Part(f.OpenId) + Part(ServiceId);
                }
            }
        }

        /// <summary>For confirmation prompts and messages: the values that name the authorization.</summary>
        public override string ToString()
        {
            RowFields f = Fields;
            switch (Kind)
            {
                case TargetKind.AuthorizationCode:
                    return $"authorization_code '{f.AuthorizationCode}', service_id '{ServiceId}'";
                case TargetKind.PartnerAuthorizationCode:
                    return $"sub_mchid '{f.SubMerchantId}', authorization_code '{f.AuthorizationCode}', service_id '{ServiceId}'";
                case TargetKind.Partner:
                    string user = f.OpenId != null ? $"openid '{f.OpenId}', appid '{f.AppId}'" : $"sub_openid '{f.SubOpenId}', sub_appid '{f.SubAppId}'";
                    return $"sub_mchid '{f.SubMerchantId}', {user}, service_id '{ServiceId}'";
                default:
                    return $"openid '{f.OpenId}', service_id '{ServiceId}', appid '{f.AppId}'";
            }
        }

        /// <summary>
        /// A value the kind requires. <see cref="TryCreate"/> validated it, so a null here is a defect in this
        /// module, reported as such rather than sent.
        /// </summary>
        internal static string Validated(string? value, string field) =>
            value ?? throw new InvalidOperationException($"The authorization has no {field}, although only validated rows make one.");

        private static string Part(string? value) => (value ?? string.Empty).Length + "|" + value + "|";

        private static RowFields Normalize(TargetKind kind, RowFields fields)
        {
            switch (kind)
            {
                case TargetKind.AuthorizationCode:
                    // The code alone names the authorization; an appid (from -AppId, say) is not sent with it.
                    return new RowFields { AuthorizationCode = fields.AuthorizationCode, ServiceId = fields.ServiceId };
                case TargetKind.PartnerAuthorizationCode:
                    // As for the merchant's code: appid and sub_appid are not sent with it.
                    return new RowFields { AuthorizationCode = fields.AuthorizationCode, SubMerchantId = fields.SubMerchantId, ServiceId = fields.ServiceId };
                case TargetKind.Partner:
                    return new RowFields
                    {
                        SubMerchantId = fields.SubMerchantId,
                        ServiceId = fields.ServiceId,
                        AppId = fields.AppId,
                        SubAppId = NullIfEmpty(fields.SubAppId),
                        OpenId = NullIfEmpty(fields.OpenId),
                        SubOpenId = NullIfEmpty(fields.SubOpenId),
                    };
                default:
                    return RowFields.ForOpenId(fields.OpenId, fields.ServiceId, fields.AppId);
            }
        }

        private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
