using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Execution;
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
    /// the times it is listed with; anything wrong stops the command before a file is written. An existing file is
    /// overwritten only with -Force. Merchants registered since October 2024 have no platform certificates: WeChat Pay
    /// answers 404 RESOURCE_NOT_EXISTS and the command says to use the WeChat Pay public key (pub_key.pem, PUB_KEY_ID_...).
    /// </para>
    /// </remarks>
    [Cmdlet(VerbsCommon.Get, "WxPayscorePlatformCertificate", SupportsShouldProcess = true)]
    [OutputType(typeof(PlatformCertificate))]
    public sealed class GetWxPayscorePlatformCertificateCommand : WxPayscoreCommandBase
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        /// <summary>The folder to save each certificate in, as wechatpay_&lt;serial&gt;.pem; created when missing.</summary>
        [Parameter(Position = 0)]
        [Alias("Path")]
        public string? OutputDirectory { get; set; }

        /// <summary>Overwrites certificate files that already exist in -OutputDirectory.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            ClientSettings settings = LayeredSettings(useConnection: true);
            ApiV3Key apiV3Key;
            try
            {
                apiV3Key = CredentialResolver.RequireApiV3Key(settings, "the platform certificates");
            }
            catch (PayscoreConfigurationException ex)
            {
                throw Stop(ex);
            }

            string? directory = OutputDirectory == null ? null : ResolvePath(OutputDirectory, PathSetting.OutputDirectory);
            ResolvedCredentials credentials = ResolveOrStop(settings);
            var diagnostics = new Diagnostics();
            PlatformCertificateDownload download;
            using (WechatpayClient client = credentials.CreateClient(TimeoutOf(settings)))
            {
                var downloader = new PlatformCertificateDownloader(client, apiV3Key, credentials.WechatpayKeys);
                try
                {
                    download = downloader.DownloadAsync(diagnostics, _stopping.Token).GetAwaiter().GetResult();
                }
                catch (PayscoreConfigurationException ex)
                {
                    Replay(diagnostics);
                    ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, CategoryOf(ex.ErrorId), PlatformCertificateDownloader.PathAndQuery));
                    return;
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
            }

            Replay(diagnostics);
            WriteVerbose($"The platform certificate list was verified with {download.VouchedBy}.");
            if (download.FirstUseWarning != null)
            {
                WriteWarning(download.FirstUseWarning);
            }

            foreach (PlatformCertificate certificate in download.Certificates)
            {
                if (directory == null || Save(certificate, directory))
                {
                    WriteObject(certificate);
                }
            }
        }

        protected override void StopProcessing() => _stopping.Cancel();

        public override void Dispose()
        {
            _stopping.Dispose();
            base.Dispose();
        }

        /// <summary>Writes the certificate's file unless it exists (without -Force) or -WhatIf; false when it failed and was reported.</summary>
        private bool Save(PlatformCertificate certificate, string directory)
        {
            string path = System.IO.Path.Combine(directory, certificate.FileName);
            if (File.Exists(path) && !Force)
            {
                WriteError(new ErrorRecord(
                    new PayscoreConfigurationException(
                        ErrorIds.PlatformCertificateFileExists,
                        $"The file {KeyFile.Quote(path)} exists already; it was not overwritten. Give -Force to replace it, or another -OutputDirectory."),
                    ErrorIds.PlatformCertificateFileExists,
                    CategoryOf(ErrorIds.PlatformCertificateFileExists),
                    path));
                return false;
            }

            if (!ShouldProcess(path, $"Save WeChat Pay platform certificate {certificate.SerialNumber}"))
            {
                return true;
            }

            try
            {
                Directory.CreateDirectory(directory);
                using (var file = new FileStream(path, Force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None))
                using (var writer = new StreamWriter(file))
                {
                    writer.Write(certificate.Pem);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(
                    new PayscoreConfigurationException(ErrorIds.OutputDirectoryUnavailable, $"The file {KeyFile.Quote(path)} cannot be written: {RunJournal.Reason(ex, directory)}."),
                    ErrorIds.OutputDirectoryUnavailable,
                    CategoryOf(ErrorIds.OutputDirectoryUnavailable),
                    path));
                return false;
            }

            certificate.Path = path;
            return true;
        }
    }
}
