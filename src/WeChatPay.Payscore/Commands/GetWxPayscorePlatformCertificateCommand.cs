using System.Management.Automation;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Downloads the merchant's WeChat Pay platform certificates (GET /v3/certificates), decrypts them with the APIv3
    /// key, checks them and, with -OutputDirectory, saves each as wechatpay_&lt;serial&gt;.pem for -PlatformCertificatePath.
    /// </summary>
    /// <remarks>
    /// <para>
    /// WeChat Pay hands platform certificates out only through this API, encrypted with the APIv3 key (-ApiV3Key or
    /// WXPAY_APIV3_KEY, required here). The list's signature is verified with the WeChat Pay public key or a platform
    /// certificate already given (-PlatformCertificatePath); with neither, it can only be verified with the certificate
    /// it holds, and a warning with that certificate's SHA-256 fingerprint says so (trust on first use).
    /// </para>
    /// <para>
    /// Each certificate must decrypt (a wrong APIv3 key does not), carry the serial it is listed under and be valid for
    /// the times it is listed with; anything wrong stops the command before a file is written. A file that already
    /// holds the certificate is left as it is (a verbose line says so; the output's Path names it); another file is
    /// replaced only with -Force; a symbolic link, a folder, a FIFO or a device at that name never is (nor opened),
    /// and no file is ever written through a link. Merchants registered since October 2024 have no platform certificates: WeChat Pay answers 404
    /// RESOURCE_NOT_EXISTS and the command says to use the WeChat Pay public key (pub_key.pem, PUB_KEY_ID_...).
    /// </para>
    /// </remarks>
    [Cmdlet(VerbsCommon.Get, "WxPayscorePlatformCertificate", SupportsShouldProcess = true)]
    [OutputType(typeof(PlatformCertificate))]
    public sealed class GetWxPayscorePlatformCertificateCommand : WxPayscoreCredentialCommandBase
    {
        /// <summary>
        /// The folder to save each certificate in, as wechatpay_&lt;serial&gt;.pem; created when missing. Taken as written
        /// (no wildcards); a name with control characters (a pasted line break) or a file there stops the command before
        /// anything is downloaded.
        /// </summary>
        [Parameter(Position = 0)]
        [Alias("Path")]
        public string? OutputDirectory { get; set; }

        /// <summary>
        /// Replaces a file in -OutputDirectory that has a certificate's name but holds something else. Only a regular
        /// file: a symbolic link, a folder, a FIFO or a device at that name is never replaced, written through or opened.
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            ClientSettings settings = LayeredSettings(useConnection: true);
            ApiV3Key apiV3Key;
            try
            {
                apiV3Key = CredentialResolver.RequireApiV3Key(settings, Messages.Format("Command.EncryptedPlatformCertificates"));
            }
            catch (PayscoreException ex)
            {
                throw Stop(ex);
            }

            PlatformCertificateFolder? folder = OutputDirectory == null ? null : OpenFolder(OutputDirectory);
            ResolvedCredentials credentials = ResolveOrStop(settings);
            var diagnostics = new Diagnostics();
            PlatformCertificateDownload download;
            using (WechatpayClient client = credentials.CreateClient(TimeoutOf(settings)))
            {
                var downloader = new PlatformCertificateDownloader(client, apiV3Key, credentials.WechatpayKeys);
                try
                {
                    download = WaitFor(stopping => downloader.DownloadAsync(diagnostics, stopping));
                }
                catch (PayscoreException ex)
                {
                    Replay(diagnostics);
                    throw Stop(ex, PlatformCertificateDownloader.PathAndQuery);
                }
            }

            Replay(diagnostics);
            WriteVerbose(Messages.Format("Command.CertificateListVerified", download.VouchedBy));
            if (download.FirstUseWarning != null)
            {
                WriteWarning(download.FirstUseWarning);
            }

            foreach (PlatformCertificate certificate in download.Certificates)
            {
                if (folder == null || Save(certificate, folder))
                {
                    WriteObject(certificate);
                }
            }
        }

        /// <summary>The -OutputDirectory, checked before anything is downloaded: a file there stops the command.</summary>
        private PlatformCertificateFolder OpenFolder(string outputDirectory)
        {
            string directory = ResolvePath(outputDirectory, PathSetting.OutputDirectory);
            try
            {
                return PlatformCertificateFolder.Open(directory);
            }
            catch (PayscoreException ex)
            {
                throw Stop(ex);
            }
        }

        /// <summary>
        /// Saves the certificate's file, unless it holds that certificate already, is another file (without -Force), a
        /// link or a folder, or -WhatIf; false when it failed and was reported.
        /// </summary>
        private bool Save(PlatformCertificate certificate, PlatformCertificateFolder folder)
        {
            string path = folder.FileOf(certificate);
            try
            {
                PlatformCertificateSave save = folder.Plan(certificate, Force);
                if (save == PlatformCertificateSave.AlreadySaved)
                {
                    WriteVerbose(Messages.Format("Command.CertificateAlreadySaved", certificate.SerialNumber, KeyFile.Quote(path)));
                    certificate.Path = path;
                    return true;
                }

                string action = save == PlatformCertificateSave.Replace
                    ? Messages.Format("Command.ConfirmReplaceCertificate", certificate.SerialNumber)
                    : Messages.Format("Command.ConfirmSaveCertificate", certificate.SerialNumber);
                if (!ShouldProcess(path, action))
                {
                    return true;
                }

                folder.Save(certificate, Force);
            }
            catch (PayscoreException ex)
            {
                WriteError(ex, path);
                return false;
            }

            certificate.Path = path;
            return true;
        }
    }
}
