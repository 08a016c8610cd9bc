using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// <c>GET /v3/certificates</c> as WeChat Pay answers it: each listed platform certificate's PEM encrypted with the
/// merchant's APIv3 key (AEAD_AES_256_GCM through .NET's own AesGcm, associated data "certificate", a fresh
/// 12-character nonce, ciphertext and tag in Base64), newest first; 404 RESOURCE_NOT_EXISTS for a merchant that has
/// only the public key.
/// </summary>
internal static class CertificateListing
{
    public const string AssociatedData = "certificate";
    private const string NonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly string[] Fields = ["algorithm_type"];

    public static ApiError NotAvailable() => new(404, "RESOURCE_NOT_EXISTS", "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥");

    /// <summary>The optional <c>algorithm_type</c> (RSA, SM2 or ALL; RSA when left out), or the PARAM_ERROR WeChat Pay answers.</summary>
    public static ApiError? CheckQuery(string query, out string algorithm)
    {
        var input = new RequestFields(RequestFields.Query, Fields);
        algorithm = "RSA";
        ApiError? error = input.ReadQuery(query);
        string? given = null;
        error ??= input.Optional("algorithm_type", out given);
        if (error != null)
        {
            return error;
        }

        algorithm = given ?? "RSA";
        return algorithm is "RSA" or "SM2" or "ALL"
            ? null
            : ApiError.Param(RequestFields.Query, "algorithm_type", "枚举规则", "应为RSA、SM2或ALL", algorithm);
    }

    /// <param name="wrongSerial">Lists the first certificate under a serial that is not its own, as a broken answer would.</param>
    /// <param name="duplicateFirst">Lists the first certificate twice.</param>
    public static byte[] Answer(IReadOnlyList<PlatformCertificateEntry> certificates, string apiV3Key, string algorithm, bool wrongSerial, bool duplicateFirst = false)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("data");
            bool first = true;
            IEnumerable<PlatformCertificateEntry> listed = algorithm == "SM2" ? [] : duplicateFirst ? [certificates[0], .. certificates] : certificates;
            foreach (PlatformCertificateEntry certificate in listed)
            {
                writer.WriteStartObject();
                writer.WriteString("serial_no", first && wrongSerial ? SimulatorKeys.NewCertificateSerial() : certificate.Serial);
                writer.WriteString("effective_time", ApiHandler.Rfc3339China(certificate.NotBefore));
                writer.WriteString("expire_time", ApiHandler.Rfc3339China(certificate.NotAfter));
                writer.WriteStartObject("encrypt_certificate");
                string nonce = RandomNumberGenerator.GetString(NonceAlphabet, 12);
                writer.WriteString("algorithm", "AEAD_AES_256_GCM");
                writer.WriteString("nonce", nonce);
                writer.WriteString("associated_data", AssociatedData);
                writer.WriteString("ciphertext", Encrypt(apiV3Key, nonce, certificate.Pem));
                writer.WriteEndObject();
                writer.WriteEndObject();
                first = false;
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Encrypt(string apiV3Key, string nonce, string plaintext)
    {
        byte[] data = Encoding.UTF8.GetBytes(plaintext);
        byte[] sealedData = new byte[data.Length + AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(Encoding.UTF8.GetBytes(apiV3Key), AesGcm.TagByteSizes.MaxSize);
        aes.Encrypt(
            Encoding.UTF8.GetBytes(nonce),
            data,
            sealedData.AsSpan(0, data.Length),
            sealedData.AsSpan(data.Length),
            Encoding.UTF8.GetBytes(AssociatedData));
        return Convert.ToBase64String(sealedData);
    }
}
