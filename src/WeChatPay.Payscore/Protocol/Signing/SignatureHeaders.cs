namespace WeChatPay.Payscore.Protocol
{
    /// <summary>The Wechatpay-* headers an answer was signed with, kept so that it can be verified again after a certificate download.</summary>
    internal sealed class SignatureHeaders
    {
        public SignatureHeaders(string? timestamp, string? nonce, string? signature, string? serial)
        {
            Timestamp = timestamp;
            Nonce = nonce;
            Signature = signature;
            Serial = serial;
        }

        public string? Timestamp { get; }

        public string? Nonce { get; }

        public string? Signature { get; }

        /// <summary><c>Wechatpay-Serial</c>: the public key id or platform certificate serial that signed the answer.</summary>
        public string? Serial { get; }
    }
}
