namespace WeChatPay.Payscore.Simulator;

/// <summary>A terminate the simulator accepted.</summary>
/// <param name="Route">"UserPermission" or "OpenIdPermission".</param>
/// <param name="RequestId">The <c>Request-ID</c> header of the answer, so a client's result can be matched to it.</param>
public sealed record RecordedTerminate(
    string Route, string OpenId, string ServiceId, string AppId, string Reason, string RequestId, DateTimeOffset Time);

/// <summary>A request the simulator refused on its own account (not through an injected fault).</summary>
/// <param name="Path">The request target as received on the wire, query included.</param>
public sealed record RejectedRequest(string Method, string Path, int StatusCode, string Code, string Message);

/// <summary>One entry of <c>GET /__sim/processed</c>: how many terminates reached the pair's authorization.</summary>
internal sealed record ProcessedTerminateCount(string OpenId, string ServiceId, int Terminates);

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
    string PlatformSerialNumber);

/// <summary>The contents of <c>GET /__sim/state</c>.</summary>
internal sealed record SimulatorStateSnapshot(
    int RequestCount,
    int InFlight,
    int MaxInFlight,
    long AnswersSignedByPublicKey,
    long AnswersSignedByPlatformCertificate,
    IReadOnlyList<RecordedTerminate> Terminates,
    IReadOnlyList<RejectedRequest> Rejected);
