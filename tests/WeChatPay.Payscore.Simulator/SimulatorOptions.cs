namespace WeChatPay.Payscore.Simulator;

/// <summary>How a simulator instance is set up; read once by <see cref="WechatpaySimulator.StartAsync"/>.</summary>
public sealed class SimulatorOptions
{
    public string MerchantId { get; set; } = "1900009191";

    /// <summary>Where the throwaway key files are written; null means a new temporary directory, deleted on dispose.</summary>
    public string? KeyDirectory { get; set; }

    /// <summary>0 picks any free port.</summary>
    public int Port { get; set; }

    public ResponseSigningMode ResponseSigning { get; set; } = ResponseSigningMode.Auto;

    /// <summary>The answer to a terminate of an ended authorization from the start, restored by <see cref="WechatpaySimulator.Reset"/>.</summary>
    public AlreadyTerminatedBehavior AlreadyTerminated { get; set; } = AlreadyTerminatedBehavior.Error;

    public int TimestampSkewSeconds { get; set; } = 300;

    /// <summary>A merchant with only the WeChat Pay public key: see <see cref="WechatpaySimulator.PublicKeyOnly"/>.</summary>
    public bool PublicKeyOnly { get; set; }

    /// <summary>Latency added to every API request from the start and restored by <see cref="WechatpaySimulator.Reset"/>.</summary>
    public int LatencyMs { get; set; }

    /// <summary>
    /// What the chance of fault rules is drawn from (<see cref="WechatpaySimulator.FaultSeed"/>) from the start and after
    /// <see cref="WechatpaySimulator.Reset"/>; null picks one at random when the simulator starts.
    /// </summary>
    public int? FaultSeed { get; set; }
}

/// <summary>Which WeChat Pay key signs the simulator's answers.</summary>
public enum ResponseSigningMode
{
    /// <summary>
    /// The WeChat Pay public key when the request's <c>Wechatpay-Serial</c> header names it, the platform
    /// certificate otherwise: this is how WeChat Pay serves merchants migrating between the two.
    /// </summary>
    Auto,
    PublicKey,
    PlatformCertificate,

    /// <summary>
    /// The WeChat Pay public key and the platform certificate take turns, whatever the request's
    /// <c>Wechatpay-Serial</c> says: this is what a merchant sees while WeChat Pay moves it from platform
    /// certificates to the public key, so a client must hold and pick between both. Every answer that carries
    /// signature headers takes the next turn (injected signature faults included, a missing signature not);
    /// the first after start or <see cref="WechatpaySimulator.Reset"/> is by the public key.
    /// </summary>
    Alternate,
}

/// <summary>What a terminate for an authorization that is already ended answers; merchants have seen both refusals.</summary>
public enum AlreadyTerminatedBehavior
{
    /// <summary>400 INVALID_REQUEST "该用户的授权已解除，无需重复解除".</summary>
    Error,

    /// <summary>204 again, as if the terminate were idempotent.</summary>
    Success,

    /// <summary>403 NO_AUTH "请检查服务授权状态".</summary>
    NoAuth,
}
