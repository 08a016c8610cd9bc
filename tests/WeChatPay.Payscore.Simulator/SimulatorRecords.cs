namespace WeChatPay.Payscore.Simulator;

/// <summary>A terminate the simulator accepted.</summary>
/// <param name="Route">"UserPermission", "OpenIdPermission", "AuthorizationCode", "Partner" or "PartnerAuthorizationCode".</param>
/// <param name="OpenId">Null for the authorization code routes, and for the partner route given a sub_openid.</param>
/// <param name="AppId">Null for the authorization code routes, which take none.</param>
/// <param name="RequestId">The <c>Request-ID</c> header of the answer, so a client's result can be matched to it.</param>
/// <param name="AuthorizationCode">Set for the authorization code routes only.</param>
/// <param name="SubMerchantId">Set for the partner routes only, as are <paramref name="SubAppId"/> (when given) and <paramref name="SubOpenId"/> of the partner route.</param>
public sealed record RecordedTerminate(
    string Route,
    string? OpenId,
    string ServiceId,
    string? AppId,
    string Reason,
    string RequestId,
    DateTimeOffset Time,
    string? AuthorizationCode = null,
    string? SubMerchantId = null,
    string? SubAppId = null,
    string? SubOpenId = null);

/// <summary>A request the simulator refused on its own account (not through an injected fault).</summary>
/// <param name="Path">The request target as received on the wire, query included.</param>
public sealed record RejectedRequest(string Method, string Path, int StatusCode, string Code, string Message);

/// <summary>
/// One entry of <c>GET /__sim/processed</c>: how many terminates reached the subject's authorization. The fields of
/// the other namespaces are null: <see cref="OpenId"/> for a code or a partner's sub_openid, and so on.
/// </summary>
internal sealed record ProcessedTerminateCount(
    string? OpenId, string ServiceId, int Terminates, string? AuthorizationCode, string? SubMerchantId, string? SubOpenId);

/// <summary>The contents of <c>GET /__sim/info</c> and of the CLI's info file.</summary>
internal sealed record SimulatorInfo(
    string BaseUri,
    string MerchantId,
    string MerchantSerialNumber,
    string MerchantPrivateKeyPath,
    string MerchantCertificatePath,
    string MerchantPkcs12Path,
    string PublicKeyId,
    string PublicKeyPath,
    string PlatformCertificatePath,
    string PlatformSerialNumber,
    string ApiV3KeyPath);

/// <summary>The contents of <c>GET /__sim/state</c>.</summary>
internal sealed record SimulatorStateSnapshot(
    int RequestCount,
    int InFlight,
    int MaxInFlight,
    long AnswersSignedByPublicKey,
    long AnswersSignedByPlatformCertificate,
    IReadOnlyList<RecordedTerminate> Terminates,
    IReadOnlyList<RejectedRequest> Rejected,
    int RateLimited,
    int CertificateRequests,
    int TerminateRequests);
