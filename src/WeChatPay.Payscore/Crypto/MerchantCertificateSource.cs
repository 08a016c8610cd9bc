using System;
using System.Threading;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>The merchant API certificate file (<c>apiclient_cert.pem</c>), read once.</summary>
    internal sealed class MerchantCertificateSource
    {
        private readonly Lazy<MerchantCertificate> _certificate;

        public MerchantCertificateSource(string path, string origin)
        {
            Description = Messages.Format("Crypto.FileFrom", KeyFile.Quote(path), origin);
            _certificate = new Lazy<MerchantCertificate>(() => MerchantCertificate.LoadFile(path), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public string Description { get; }

        public MerchantCertificate Load() => _certificate.Value;
    }
}
