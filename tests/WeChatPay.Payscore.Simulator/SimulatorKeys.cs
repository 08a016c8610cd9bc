using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// Throwaway key material, generated at start and written as files the way a merchant receives them:
/// the merchant's API key and certificate (as PEM files and as the PKCS#12 bundle WeChat Pay issues), a
/// WeChat Pay public key with its id, and a platform certificate of a second WeChat Pay key (so that a
/// client verifying with the wrong one fails).
/// </summary>
public sealed class SimulatorKeys
{
    private const int KeySize = 2048;

    private readonly bool _ownsDirectory;
    private readonly RSA _publicKeySigner;
    private readonly RSA _platformSigner;
    private readonly RSA _merchantVerifier;
    private readonly Lazy<RSA> _strangerSigner = new(() => RSA.Create(KeySize), LazyThreadSafetyMode.ExecutionAndPublication);

    private SimulatorKeys(string directory, bool ownsDirectory, string merchantId)
    {
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        MerchantId = merchantId;
        MerchantPrivateKeyPath = Path.Combine(directory, "apiclient_key.pem");
        MerchantCertificatePath = Path.Combine(directory, "apiclient_cert.pem");
        MerchantPkcs12Path = Path.Combine(directory, "apiclient_cert.p12");
        PublicKeyPath = Path.Combine(directory, "wechatpay_public_key.pem");
        PlatformCertificatePath = Path.Combine(directory, "wechatpay_platform_cert.pem");
        PublicKeyId = "PUB_KEY_ID_" + RandomDigits(32);
        ApiV3KeyPath = Path.Combine(directory, "apiv3_key.txt");
        ApiV3Key = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
        WriteFile(ApiV3KeyPath, System.Text.Encoding.ASCII.GetBytes(ApiV3Key), secret: true);

        using (RSA merchant = RSA.Create(KeySize))
        {
            MerchantPrivateKeyPem = merchant.ExportPkcs8PrivateKeyPem();
            using X509Certificate2 merchantCertificate = CreateCertificate(
                merchant, $"CN={merchantId}, OU=WeChatPay.Payscore.Simulator, O=Throwaway merchant {merchantId}, C=CN");
            WriteFile(MerchantPrivateKeyPath, MerchantPrivateKeyPem, secret: true);
            WriteFile(MerchantCertificatePath, merchantCertificate.ExportCertificatePem(), secret: false);

            // The bundle holds the private key, so it is as secret as apiclient_key.pem.
            using X509Certificate2 merchantWithKey = merchantCertificate.CopyWithPrivateKey(merchant);
            WriteFile(MerchantPkcs12Path, merchantWithKey.Export(X509ContentType.Pkcs12, merchantId), secret: true);
        }

        _publicKeySigner = RSA.Create(KeySize);
        WriteFile(PublicKeyPath, _publicKeySigner.ExportSubjectPublicKeyInfoPem(), secret: false);

        _platformSigner = RSA.Create(KeySize);
        using (X509Certificate2 platform = CreateCertificate(
            _platformSigner, "CN=Tenpay.com (simulated platform certificate), OU=WeChatPay.Payscore.Simulator, O=Throwaway, C=CN"))
        {
            PlatformSerialNumber = platform.SerialNumber;
            WriteFile(PlatformCertificatePath, platform.ExportCertificatePem(), secret: false);
        }

        // The verifier reads the certificate back from disk rather than reusing the generated key, so that
        // requests are checked against exactly what a merchant would hold.
        using X509Certificate2 written = X509Certificate2.CreateFromPem(File.ReadAllText(MerchantCertificatePath));
        MerchantSerialNumber = written.SerialNumber;
        _merchantVerifier = written.GetRSAPublicKey()
            ?? throw new InvalidOperationException("The merchant certificate has no RSA public key.");
    }

    public string Directory { get; }

    public string MerchantId { get; }

    /// <summary>apiclient_key.pem, unencrypted PKCS#8.</summary>
    public string MerchantPrivateKeyPath { get; }

    public string MerchantPrivateKeyPem { get; }

    /// <summary>apiclient_cert.pem, self-signed for the merchant key.</summary>
    public string MerchantCertificatePath { get; }

    /// <summary>
    /// apiclient_cert.p12: the merchant certificate together with its private key, protected, as in the bundle
    /// WeChat Pay issues, by a password that is the merchant id (<see cref="MerchantId"/>).
    /// </summary>
    public string MerchantPkcs12Path { get; }

    /// <summary>Uppercase hex, 40 characters, as <c>openssl x509 -noout -serial</c> prints it.</summary>
    public string MerchantSerialNumber { get; }

    /// <summary>"PUB_KEY_ID_" and 32 digits.</summary>
    public string PublicKeyId { get; }

    /// <summary>wechatpay_public_key.pem, SubjectPublicKeyInfo PEM.</summary>
    public string PublicKeyPath { get; }

    /// <summary>wechatpay_platform_cert.pem, self-signed certificate of a second WeChat Pay key.</summary>
    public string PlatformCertificatePath { get; }

    /// <summary>Uppercase hex.</summary>
    public string PlatformSerialNumber { get; }

    /// <summary>
    /// The merchant's APIv3 key: 32 letters and digits, as a merchant sets it on the merchant platform. WeChat Pay
    /// encrypts platform certificates and notification resources with it (AEAD_AES_256_GCM).
    /// </summary>
    public string ApiV3Key { get; }

    /// <summary>apiv3_key.txt: <see cref="ApiV3Key"/>, as secret as the private key.</summary>
    public string ApiV3KeyPath { get; }

    /// <summary>The merchant certificate's public key; RSA objects are safe for concurrent verify once loaded.</summary>
    internal RSA MerchantVerifier => _merchantVerifier;

    internal RSA PublicKeySigner => _publicKeySigner;

    internal RSA PlatformSigner => _platformSigner;

    /// <summary>A key no client has been given, for answers that must fail verification by their serial.</summary>
    internal RSA StrangerSigner => _strangerSigner.Value;

    internal static SimulatorKeys Create(string merchantId, string? keyDirectory)
    {
        bool owns = keyDirectory == null;
        string directory = keyDirectory
            ?? Path.Combine(Path.GetTempPath(), "wxpay-sim-keys-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            return new SimulatorKeys(Path.GetFullPath(directory), owns, merchantId);
        }
        catch
        {
            if (owns)
            {
                TryDeleteDirectory(directory);
            }

            throw;
        }
    }

    /// <summary>A WeChat Pay certificate serial (20 bytes, positive, no leading zero byte) that no key here has.</summary>
    internal static string NewCertificateSerial() => Convert.ToHexString(NewSerialBytes());

    internal static string RandomDigits(int count) => RandomNumberGenerator.GetString("0123456789", count);

    /// <summary>Called by the simulator that owns the keys; the public surface stays read-only.</summary>
    internal void Dispose()
    {
        _merchantVerifier.Dispose();
        _publicKeySigner.Dispose();
        _platformSigner.Dispose();
        if (_strangerSigner.IsValueCreated)
        {
            _strangerSigner.Value.Dispose();
        }

        if (_ownsDirectory)
        {
            TryDeleteDirectory(Directory);
        }
    }

    internal static X509Certificate2 CreateCertificate(RSA key, string subject)
    {
        var name = new X500DistinguishedName(subject);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.KeyEncipherment, true));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return request.Create(
            name,
            X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
            now.AddDays(-1),
            now.AddYears(5),
            NewSerialBytes());
    }

    private static byte[] NewSerialBytes()
    {
        // 20 bytes with the top bit clear keep the DER integer positive; a non-zero first byte keeps it
        // minimal, so the serial always prints as exactly 40 hex digits.
        byte[] serial = RandomNumberGenerator.GetBytes(20);
        serial[0] &= 0x7F;
        if (serial[0] == 0)
        {
            serial[0] = (byte)RandomNumberGenerator.GetInt32(1, 0x80);
        }

        return serial;
    }

    private static void WriteFile(string path, string pem, bool secret)
    {
        File.WriteAllText(path, pem + "\n");
        ProtectIfSecret(path, secret);
    }

    private static void WriteFile(string path, byte[] content, bool secret)
    {
        File.WriteAllBytes(path, content);
        ProtectIfSecret(path, secret);
    }

    private static void ProtectIfSecret(string path, bool secret)
    {
        if (secret && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
