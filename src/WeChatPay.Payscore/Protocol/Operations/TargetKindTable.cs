using System;
using System.Collections.Generic;

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

    /// <summary>What differs between the kinds of authorization: one entry per <see cref="TargetKind"/>.</summary>
    internal sealed class TargetKindRules
    {
        public TargetKindRules(
            TargetKind kind,
            TerminateRoute? route,
            Func<RowFields, RowFields> carried,
            Action<List<string>, RowFields> validate,
            Endpoint query,
            Func<RowFields, string> identity,
            Func<RowFields, string> describe)
        {
            Kind = kind;
            Route = route;
            Carried = carried;
            Validate = validate;
            Query = query;
            Identity = identity;
            Describe = describe;
        }

        public TargetKind Kind { get; }

        /// <summary>The terminate endpoint; null for openid rows, whose endpoint -Route chooses.</summary>
        public TerminateRoute? Route { get; }

        /// <summary>The values the requests carry, from a row's: what the kind does not send (appid of a code row) is dropped.</summary>
        public Func<RowFields, RowFields> Carried { get; }

        /// <summary>Adds a problem for each field the kind needs but lacks or has malformed, and for each it must not have.</summary>
        public Action<List<string>, RowFields> Validate { get; }

        /// <summary>The query that says whether the authorization stands.</summary>
        public Endpoint Query { get; }

        /// <summary>Text that names the authorization and no other (<see cref="AuthorizationTarget.Identity"/>).</summary>
        public Func<RowFields, string> Identity { get; }

        /// <summary>The values that name the authorization, for confirmation prompts and messages.</summary>
        public Func<RowFields, string> Describe { get; }
    }

    /// <summary>The kinds of authorization a row can name, and how a row's values decide its kind. Adding a kind touches this file.</summary>
    internal static class TargetKindTable
    {
        private static readonly TargetKindRules[] Rules =
        {
            new TargetKindRules(
                TargetKind.OpenId,
                route: null,
                carried: f => RowFields.ForOpenId(f.OpenId, f.ServiceId, f.AppId),
                validate: InputValidator.CheckOpenIdRow,
                query: EndpointTable.QueryOpenId,
                identity: f => "openid|" + Part(f.OpenId) + Part(f.ServiceId),
                describe: f => Messages.Format("Protocol.DescribeOpenId", f.OpenId, f.ServiceId, f.AppId)),
            new TargetKindRules(
                TargetKind.AuthorizationCode,
                TerminateRoute.AuthorizationCode,
                // The code alone names the authorization; an appid (from -AppId, say) is not sent with it.
                carried: f => new RowFields { AuthorizationCode = f.AuthorizationCode, ServiceId = f.ServiceId },
                validate: InputValidator.CheckCodeRow,
                query: EndpointTable.QueryAuthorizationCode,
                identity: f => "code|" + Part(f.AuthorizationCode) + Part(f.ServiceId),
                describe: f => Messages.Format("Protocol.DescribeAuthorizationCode", f.AuthorizationCode, f.ServiceId)),
            new TargetKindRules(
                TargetKind.Partner,
                TerminateRoute.Partner,
                carried: f => new RowFields
                {
                    SubMerchantId = f.SubMerchantId,
                    ServiceId = f.ServiceId,
                    AppId = f.AppId,
                    SubAppId = NullIfEmpty(f.SubAppId),
                    OpenId = NullIfEmpty(f.OpenId),
                    SubOpenId = NullIfEmpty(f.SubOpenId),
                },
                validate: InputValidator.CheckPartnerRow,
                query: EndpointTable.QueryPartner,
                identity: f => "partner|" + Part(f.SubMerchantId) + (f.OpenId != null ? "openid|" + Part(f.OpenId) : "sub_openid|" + Part(f.SubOpenId)) + Part(f.ServiceId),
                describe: f => f.OpenId != null
                    ? Messages.Format("Protocol.DescribePartnerOpenId", f.SubMerchantId, f.OpenId, f.AppId, f.ServiceId)
                    : Messages.Format("Protocol.DescribePartnerSubOpenId", f.SubMerchantId, f.SubOpenId, f.SubAppId, f.ServiceId)),
            new TargetKindRules(
                TargetKind.PartnerAuthorizationCode,
                TerminateRoute.PartnerAuthorizationCode,
                // As for the merchant's code: appid and sub_appid are not sent with it.
                carried: f => new RowFields { AuthorizationCode = f.AuthorizationCode, SubMerchantId = f.SubMerchantId, ServiceId = f.ServiceId },
                validate: InputValidator.CheckPartnerCodeRow,
                query: EndpointTable.QueryPartnerAuthorizationCode,
                identity: f => "partner-code|" + Part(f.SubMerchantId) + Part(f.AuthorizationCode) + Part(f.ServiceId),
                describe: f => Messages.Format("Protocol.DescribePartnerAuthorizationCode", f.SubMerchantId, f.AuthorizationCode, f.ServiceId)),
        };

        /// <summary>Every kind, in the order of <see cref="TargetKind"/>.</summary>
        public static IReadOnlyList<TargetKindRules> All => Rules;

        public static TargetKindRules Of(TargetKind kind) => Rules[(int)kind];

        /// <summary>A code makes a code row, a sub_mchid a sub-merchant's row; so one CSV may mix every kind.</summary>
        public static TargetKind KindOf(RowFields fields)
        {
            bool code = !string.IsNullOrEmpty(fields.AuthorizationCode);
            bool subMerchant = !string.IsNullOrEmpty(fields.SubMerchantId);
            return code ? (subMerchant ? TargetKind.PartnerAuthorizationCode : TargetKind.AuthorizationCode)
                : subMerchant ? TargetKind.Partner
                : TargetKind.OpenId;
        }

        /// <summary>Every value is preceded by its length, so no two targets make the same identity text.</summary>
        private static string Part(string? value) => (value ?? string.Empty).Length + "|" + value + "|";

        private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
