using System;
using System.Globalization;
using System.Security.Cryptography;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Protocol
{
    internal enum VerificationStatus
    {
        Verified,
        MissingHeaders,
        SignatureProbe,
        UnknownSerial,
        StaleTimestamp,
        BadSignature,
    }

    internal readonly struct VerificationResult
    {
        public VerificationResult(VerificationStatus status, string message)
        {
            Status = status;
            Message = message;
        }

        public VerificationStatus Status { get; }

        public string Message { get; }

        public bool IsVerified => Status == VerificationStatus.Verified;
    }

    /// <summary>
    /// Verifies that an answer comes from WeChat Pay: SHA256withRSA over
    /// <c>TIMESTAMP\nNONCE\nBODY\n</c> with the WeChat Pay key named by <c>Wechatpay-Serial</c>.
    /// An answer that fails any check is unverified, whatever its status code says.
    /// </summary>
    internal sealed class ResponseVerifier
    {
        public const string SignatureProbePrefix = "WECHATPAY/SIGNTEST/";
        public static readonly TimeSpan DefaultMaxSkew = TimeSpan.FromSeconds(300);

        private readonly WechatpayKeyStore _keys;
        private readonly Func<DateTimeOffset> _clock;
        private readonly TimeSpan _maxSkew;

        public ResponseVerifier(WechatpayKeyStore keys, Func<DateTimeOffset>? clock = null, TimeSpan? maxSkew = null)
        {
            _keys = keys;
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
            _maxSkew = maxSkew ?? DefaultMaxSkew;
        }

        public static byte[] BuildMessage(string timestamp, string nonce, byte[] body) =>
            SignatureMessage.Compose(timestamp + "\n" + nonce + "\n", body);

        public VerificationResult Verify(SignatureHeaders headers, byte[] body) =>
            Verify(headers.Timestamp, headers.Nonce, headers.Signature, headers.Serial, body);

        public VerificationResult Verify(string? timestamp, string? nonce, string? signature, string? serial, byte[] body)
        {
            if (Strings.IsEmpty(timestamp) || Strings.IsEmpty(nonce) || Strings.IsEmpty(signature) || Strings.IsEmpty(serial))
            {
                return new VerificationResult(VerificationStatus.MissingHeaders, Messages.Format("Answer.SignatureMissing"));
            }

            // WeChat Pay sends these on purpose to check that clients verify; they never verify.
            if (signature.StartsWith(SignatureProbePrefix, StringComparison.Ordinal))
            {
                return new VerificationResult(VerificationStatus.SignatureProbe, Messages.Format("Answer.SignatureProbe", SignatureProbePrefix));
            }

            if (!_keys.TryGet(serial, out RSA? key))
            {
                return new VerificationResult(VerificationStatus.UnknownSerial, Messages.Format("Answer.KeyUnknown", serial, string.Join(", ", _keys.Serials)));
            }

            if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            {
                return new VerificationResult(VerificationStatus.BadSignature, Messages.Format("Answer.TimestampNotSeconds", timestamp));
            }

            DateTimeOffset now = _clock();
            long skew = Math.Abs(now.ToUnixTimeSeconds() - seconds);
            if (skew > _maxSkew.TotalSeconds)
            {
                return new VerificationResult(VerificationStatus.StaleTimestamp, Messages.Format("Answer.TimestampStale", skew, (int)_maxSkew.TotalSeconds));
            }

            byte[] signatureBytes;
            try
            {
                signatureBytes = Convert.FromBase64String(signature);
            }
            catch (FormatException)
            {
                return new VerificationResult(VerificationStatus.BadSignature, Messages.Format("Answer.SignatureNotBase64"));
            }

            byte[] message = BuildMessage(timestamp, nonce, body);
            bool valid;
            try
            {
                valid = key.VerifyData(message, signatureBytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
            catch (CryptographicException)
            {
                valid = false;
            }

            return valid
                ? new VerificationResult(VerificationStatus.Verified, Messages.Format("Answer.SignatureVerified"))
                : new VerificationResult(VerificationStatus.BadSignature, Messages.Format("Answer.SignatureInvalid", serial));
        }
    }
}
