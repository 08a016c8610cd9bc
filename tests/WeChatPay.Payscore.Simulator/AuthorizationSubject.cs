namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// Whose authorization a request is about. WeChat Pay keeps four independent namespaces: a merchant's users by
/// (openid, service_id), authorizations by (authorization_code, service_id), a service provider's sub-merchants'
/// users by (sub_mchid, openid or sub_openid, service_id), and sub-merchants' authorizations by (sub_mchid,
/// authorization_code, service_id). The same values in two namespaces are two authorizations; so are a partner's
/// openid and sub_openid of the same value, since they come from different appids.
/// </summary>
public sealed record AuthorizationSubject
{
    private AuthorizationSubject(string serviceId, string? openId, string? authorizationCode, string? subMerchantId, string? subOpenId)
    {
        ServiceId = serviceId;
        OpenId = openId;
        AuthorizationCode = authorizationCode;
        SubMerchantId = subMerchantId;
        SubOpenId = subOpenId;
    }

    public string ServiceId { get; }

    /// <summary>The merchant's user, or the partner's user under the service provider's appid.</summary>
    public string? OpenId { get; }

    public string? AuthorizationCode { get; }

    /// <summary>Set for partner subjects only (by openid, sub_openid or authorization code).</summary>
    public string? SubMerchantId { get; }

    /// <summary>The partner's user under the sub-merchant's appid.</summary>
    public string? SubOpenId { get; }

    /// <summary>What a <see cref="FaultRule.OpenId"/> is compared with: the openid, the sub_openid or the code.</summary>
    internal string FaultKey => OpenId ?? SubOpenId ?? AuthorizationCode!;

    public static AuthorizationSubject ByOpenId(string openId, string serviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(openId);
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        return new AuthorizationSubject(serviceId, openId, null, null, null);
    }

    public static AuthorizationSubject ByCode(string authorizationCode, string serviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(authorizationCode);
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        return new AuthorizationSubject(serviceId, null, authorizationCode, null, null);
    }

    /// <summary>A sub-merchant's authorization by the code it was given, as the partner authorization-code routes name it.</summary>
    public static AuthorizationSubject PartnerByCode(string subMerchantId, string authorizationCode, string serviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(subMerchantId);
        ArgumentException.ThrowIfNullOrEmpty(authorizationCode);
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        return new AuthorizationSubject(serviceId, null, authorizationCode, subMerchantId, null);
    }

    /// <summary>A sub-merchant's user: exactly one of <paramref name="openId"/> and <paramref name="subOpenId"/>.</summary>
    public static AuthorizationSubject Partner(string subMerchantId, string serviceId, string? openId = null, string? subOpenId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(subMerchantId);
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        if (string.IsNullOrEmpty(openId) == string.IsNullOrEmpty(subOpenId))
        {
            throw new ArgumentException("A partner subject needs exactly one of openId and subOpenId.", nameof(openId));
        }

        return new AuthorizationSubject(serviceId, NullIfEmpty(openId), null, subMerchantId, NullIfEmpty(subOpenId));
    }

    /// <summary>
    /// The subject named by a set of optional fields, as the control endpoint receives them: a code (with a
    /// sub-merchant or without), a sub-merchant with openid or sub_openid, or else an openid. Fields that belong to no such subject are refused rather than
    /// ignored, so that a mistyped request cannot silently address another authorization.
    /// </summary>
    internal static AuthorizationSubject From(string? serviceId, string? openId, string? authorizationCode, string? subMerchantId, string? subOpenId)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        if (!string.IsNullOrEmpty(authorizationCode))
        {
            if (!string.IsNullOrEmpty(openId) || !string.IsNullOrEmpty(subOpenId))
            {
                throw new ArgumentException("An authorization code names the subject with its subMerchantId or alone; leave openId and subOpenId out.");
            }

            return string.IsNullOrEmpty(subMerchantId) ? ByCode(authorizationCode, serviceId) : PartnerByCode(subMerchantId, authorizationCode, serviceId);
        }

        if (!string.IsNullOrEmpty(subMerchantId))
        {
            return Partner(subMerchantId, serviceId, openId, subOpenId);
        }

        if (!string.IsNullOrEmpty(subOpenId))
        {
            throw new ArgumentException("subOpenId needs subMerchantId.");
        }

        return ByOpenId(openId!, serviceId);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
