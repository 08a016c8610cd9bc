using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WeChatPay.Payscore.Simulator;

/// <summary>How an answer's signature headers deviate from a correct signature.</summary>
internal enum SignatureTampering
{
    None,
    Corrupt,
    Probe,
    UnknownSerial,
    Stale,
    Missing,

    /// <summary>Correctly signed, then one character of the body changed, as by someone on the way.</summary>
    BodyChanged,
}

/// <summary>A WeChat Pay key that signs answers, and the serial that names it in <c>Wechatpay-Serial</c>.</summary>
internal sealed record SigningKey(string Serial, RSA Key, bool IsPublicKey);

/// <summary>
/// Signs answers like WeChat Pay: SHA256withRSA over "timestamp\nnonce\nBODY\n", where BODY is exactly the
/// bytes written (nothing for a 204), with the key chosen by <see cref="ResponseSigningMode"/> (always the public key for
/// a merchant that has only the public key). Counts the answers each key really signed in <paramref name="journal"/>.
/// </summary>
internal sealed class ResponseSigner(
    SimulatorKeys keys, PlatformCertificateSet platforms, ResponseSigningMode mode, SimulatorJournal journal, Func<DateTimeOffset> clock, Func<bool> publicKeyOnly, Func<bool> certificateListByPlatform)
{
    public const string SignatureProbePrefix = "WECHATPAY/SIGNTEST/";
    private const string NonceAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const int StaleSeconds = 600;

    private readonly SigningKey _publicKey = new(keys.PublicKeyId, keys.PublicKeySigner, true);

    // Turns taken in Alternate mode; even turns are the public key's.
    private long _turn;

    public static string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexString(bytes);
    }

    /// <summary>
    /// The key for the answer to <paramref name="request"/>, or null in Alternate mode: there the key is only
    /// drawn by <see cref="Sign"/>, so that requests which end without a signed answer (dropped connections,
    /// gateway errors, missing signatures) do not take a turn, and turns follow the order answers are signed in.
    /// </summary>
    /// In Auto mode a request whose <c>Wechatpay-Serial</c> names a listed platform certificate is answered with that one.
    public SigningKey? Select(HttpRequest request) =>
        publicKeyOnly() ? _publicKey
        : certificateListByPlatform() && request.Path.Equals("/v3/certificates", StringComparison.Ordinal) ? platforms.NextSigner()
        : mode switch
    {
        ResponseSigningMode.PublicKey => _publicKey,
        ResponseSigningMode.PlatformCertificate => platforms.NextSigner(),
        ResponseSigningMode.Alternate => null,
        _ => string.Equals(request.Headers["Wechatpay-Serial"], keys.PublicKeyId, StringComparison.Ordinal)
            ? _publicKey
            : platforms.Find(request.Headers["Wechatpay-Serial"]) ?? platforms.NextSigner(),
    };

    /// <summary>Lets the next signed answer be the public key's again, so that tests after a reset see the same sequence.</summary>
    public void RestartAlternation() => Interlocked.Exchange(ref _turn, 0);

    /// <summary>
    /// Sets Request-ID and the Wechatpay-* headers for <paramref name="body"/>, which must be exactly what is written;
    /// a null <paramref name="key"/> takes the next Alternate turn.
    /// </summary>
    public void Sign(HttpResponse response, string requestId, ReadOnlySpan<byte> body, SigningKey? key, SignatureTampering tampering)
    {
        IHeaderDictionary headers = response.Headers;
        headers["Request-ID"] = requestId;
        if (tampering == SignatureTampering.Missing)
        {
            return;
        }

        key ??= (Interlocked.Increment(ref _turn) - 1) % 2 == 0 ? _publicKey : platforms.NextSigner();

        long timestamp = clock().ToUnixTimeSeconds();
        if (tampering == SignatureTampering.Stale)
        {
            timestamp -= StaleSeconds;
        }

        string timestampText = timestamp.ToString(CultureInfo.InvariantCulture);
        string nonce = RandomNumberGenerator.GetString(NonceAlphabet, 32);
        string serial = key.Serial;
        string signature;
        switch (tampering)
        {
            case SignatureTampering.Corrupt:
                signature = Convert.ToBase64String(RandomNumberGenerator.GetBytes(key.Key.KeySize / 8));
                break;
            case SignatureTampering.Probe:
                signature = SignatureProbePrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(key.Key.KeySize / 8));
                break;
            case SignatureTampering.UnknownSerial:
                serial = key.IsPublicKey ? "PUB_KEY_ID_" + SimulatorKeys.RandomDigits(32) : SimulatorKeys.NewCertificateSerial();
                signature = Compute(keys.StrangerSigner, timestampText, nonce, body);
                break;
            default:
                // Only a signature made with the key itself counts for it; a stale one still is.
                signature = Compute(key.Key, timestampText, nonce, body);
                journal.CountSignedAnswer(key.IsPublicKey);
                break;
        }

        headers["Wechatpay-Timestamp"] = timestampText;
        headers["Wechatpay-Nonce"] = nonce;
        headers["Wechatpay-Signature"] = signature;
        headers["Wechatpay-Serial"] = serial;
        headers["Wechatpay-Signature-Type"] = "WECHATPAY2-SHA256-RSA2048";
    }

    internal static string Compute(RSA key, string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        int length = timestamp.Length + nonce.Length + body.Length + 3;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int written = Encoding.ASCII.GetBytes(timestamp, rented);
            rented[written++] = (byte)'\n';
            written += Encoding.ASCII.GetBytes(nonce, rented.AsSpan(written));
            rented[written++] = (byte)'\n';
            body.CopyTo(rented.AsSpan(written));
            written += body.Length;
            rented[written++] = (byte)'\n';

            Span<byte> signature = stackalloc byte[512];
            if (!key.TrySignData(rented.AsSpan(0, written), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out int size))
            {
                throw new CryptographicException("The signature did not fit its buffer.");
            }

            return Convert.ToBase64String(signature[..size]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
