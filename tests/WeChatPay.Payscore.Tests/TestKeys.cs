using System.Security.Cryptography;

namespace WeChatPay.Payscore.Tests;

/// <summary>The committed test-only keys (TestKeys/README.md) and throwaway ones made per test.</summary>
internal static class TestKeys
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestKeys");

    public static string Path_(string name) => Path.Combine(Directory, name);

    public static string Pkcs8KeyPath => Path_("test-only-merchant-key.pkcs8.pem");

    public static string Pkcs1KeyPath => Path_("test-only-merchant-key.pkcs1.pem");

    public static string PublicKeyPath => Path_("test-only-merchant-key.public.pem");

    public static string CertificatePath => Path_("test-only-merchant-cert.pem");

    public static string EncryptedKeyPath => Path_("test-only-encrypted-key.pem");

    public static string EcKeyPath => Path_("test-only-ec-key.pem");

    public const string CertificateSerial = "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C";

    /// <summary>A key made by the platform's own code, independent of the module's loader.</summary>
    public static RSA ReferenceKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Pkcs8KeyPath));
        return rsa;
    }

    /// <summary>The PEM body (Base64) of the committed private key: must never appear in any output.</summary>
    public static string PrivateKeyBase64Lines() => string.Concat(
        File.ReadAllLines(Pkcs8KeyPath).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
}
