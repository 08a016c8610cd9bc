using System;
using System.Globalization;
using System.Security.Cryptography;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>The Authorization header of one request, with the parts it was made of.</summary>
    internal readonly struct SignedRequest
    {
        public SignedRequest(string authorization, long timestamp, string nonce)
        {
            Authorization = authorization;
            Timestamp = timestamp;
            Nonce = nonce;
        }

        public string Authorization { get; }

        public long Timestamp { get; }

        public string Nonce { get; }
    }

    /// <summary>
    /// Signs APIv3 requests: SHA256withRSA (PKCS#1 v1.5) over
    /// <c>METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n</c> with the merchant's private key.
    /// </summary>
    internal sealed class RequestSigner
    {
        public const string Scheme = "WECHATPAY2-SHA256-RSA2048";
        private const string NonceAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

        private readonly RSA _privateKey;
        private readonly Func<DateTimeOffset> _clock;
        private readonly Func<string> _nonceFactory;

        public RequestSigner(
            string merchantId,
            string serialNumber,
            RSA privateKey,
            Func<DateTimeOffset>? clock = null,
            Func<string>? nonceFactory = null)
        {
            MerchantId = merchantId;
            SerialNumber = serialNumber;
            _privateKey = privateKey;
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
            _nonceFactory = nonceFactory ?? CreateNonce;
        }

        public string MerchantId { get; }

        public string SerialNumber { get; }

        /// <summary>The exact bytes that are signed; <paramref name="body"/> must be the bytes sent.</summary>
        public static byte[] BuildMessage(string method, string pathAndQuery, long timestamp, string nonce, byte[] body)
        {
            string lines = method + "\n" + pathAndQuery + "\n" + timestamp.ToString(CultureInfo.InvariantCulture) + "\n" + nonce + "\n";
            return SignatureMessage.Compose(lines, body);
        }

        /// <summary>Signs one request with a fresh nonce and timestamp; every attempt gets its own.</summary>
        public SignedRequest Sign(string method, string pathAndQuery, byte[] body)
        {
            long timestamp = _clock().ToUnixTimeSeconds();
            string nonce = _nonceFactory();
            byte[] message = BuildMessage(method, pathAndQuery, timestamp, nonce, body);
            string signature = Convert.ToBase64String(
                _privateKey.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            string authorization = string.Concat(
                Scheme,
                " mchid=\"", MerchantId,
                "\",nonce_str=\"", nonce,
                "\",signature=\"", signature,
                "\",timestamp=\"", timestamp.ToString(CultureInfo.InvariantCulture),
                "\",serial_no=\"", SerialNumber,
                "\"");
            return new SignedRequest(authorization, timestamp, nonce);
        }

        /// <summary>The Authorization header with its signature replaced, fit for verbose and debug output.</summary>
        public static string Redact(string authorization)
        {
            const string Marker = "signature=\"";
            int start = authorization.IndexOf(Marker, StringComparison.Ordinal);
            if (start < 0)
            {
                return authorization;
            }

            start += Marker.Length;
            int end = authorization.IndexOf('"', start);
            if (end < 0)
            {
                end = authorization.Length;
            }

            return authorization.Substring(0, start) + "<redacted>" + authorization.Substring(end);
        }

        /// <summary>32 characters of [0-9A-Z] from a cryptographic random source.</summary>
        public static string CreateNonce()
        {
            var random = new byte[32];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(random);
            }

            var chars = new char[32];
            for (int i = 0; i < chars.Length; i++)
            {
                // 256 is not a multiple of 36; the bias is irrelevant for a nonce that only has to be unique.
                chars[i] = NonceAlphabet[random[i] % NonceAlphabet.Length];
            }

            return new string(chars);
        }
    }
}
