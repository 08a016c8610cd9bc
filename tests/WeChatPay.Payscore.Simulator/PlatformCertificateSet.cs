using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeChatPay.Payscore.Simulator;

/// <summary>A platform certificate WeChat Pay lists in <c>GET /v3/certificates</c> and may sign answers with.</summary>
internal sealed record PlatformCertificateEntry(SigningKey Signing, string Pem, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    public string Serial => Signing.Serial;
}

/// <summary>
/// The merchant's platform certificates and the one answers are signed with. A rotation goes as at WeChat Pay, in two
/// steps: <see cref="Add"/> lists a new certificate first (signing stays with the old one), then
/// <see cref="SignWithNewest"/> signs with it, at once or after a number of answers. Reads take a snapshot, so that
/// request threads never lock.
/// </summary>
internal sealed class PlatformCertificateSet
{
    private const int KeySize = 2048;

    private readonly object _gate = new();
    private readonly PlatformCertificateEntry _original;
    private readonly List<RSA> _created = [];
    private PlatformCertificateEntry[] _listed;
    private PlatformCertificateEntry _signer;
    private PlatformCertificateEntry? _next;
    private int _answersBeforeSwitch;

    public PlatformCertificateSet(SimulatorKeys keys)
    {
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(keys.PlatformCertificatePath));
        _original = Entry(new SigningKey(keys.PlatformSerialNumber, keys.PlatformSigner, false), certificate);
        _listed = [_original];
        _signer = _original;
    }

    /// <summary>Newest first, as WeChat Pay lists them (a snapshot).</summary>
    public IReadOnlyList<PlatformCertificateEntry> Listed => Volatile.Read(ref _listed);

    /// <summary>The certificate that signs the next answer signed by a platform certificate; a pending switch counts the answer.</summary>
    public SigningKey NextSigner()
    {
        lock (_gate)
        {
            if (_next != null && --_answersBeforeSwitch < 0)
            {
                _signer = _next;
                _next = null;
            }

            return _signer.Signing;
        }
    }

    /// <summary>The listed certificate with this serial, or null.</summary>
    public SigningKey? Find(string? serial) =>
        serial == null ? null : Array.Find(Volatile.Read(ref _listed), e => string.Equals(e.Serial, serial, StringComparison.OrdinalIgnoreCase))?.Signing;

    /// <summary>Creates a new platform certificate and lists it first; answers are still signed with the current one. Returns its serial.</summary>
    public string Add()
    {
        var key = RSA.Create(KeySize);
        using X509Certificate2 certificate = SimulatorKeys.CreateCertificate(
            key, "CN=Tenpay.com (simulated platform certificate - rotated), OU=WeChatPay.Payscore.Simulator, O=Throwaway, C=CN");
        PlatformCertificateEntry entry = Entry(new SigningKey(certificate.SerialNumber, key, false), certificate);
        lock (_gate)
        {
            _created.Add(key);
            Volatile.Write(ref _listed, [entry, .. _listed]);
        }

        return entry.Serial;
    }

    /// <summary>Signs with the newest listed certificate after <paramref name="afterAnswers"/> more answers signed by a platform certificate.</summary>
    public void SignWithNewest(int afterAnswers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterAnswers);
        lock (_gate)
        {
            _next = Volatile.Read(ref _listed)[0];
            _answersBeforeSwitch = afterAnswers;
            if (afterAnswers == 0)
            {
                _signer = _next;
                _next = null;
            }
        }
    }

    /// <summary>Back to the one certificate of the start. Keys created meanwhile live on until <see cref="Dispose"/>: answers in flight may use them.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            Volatile.Write(ref _listed, [_original]);
            _signer = _original;
            _next = null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (RSA key in _created)
            {
                key.Dispose();
            }

            _created.Clear();
        }
    }

    private static PlatformCertificateEntry Entry(SigningKey signing, X509Certificate2 certificate) =>
        new(signing, certificate.ExportCertificatePem() + "\n", new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
}
