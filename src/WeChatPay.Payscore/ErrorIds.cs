namespace WeChatPay.Payscore
{
    /// <summary>
    /// The stable error ids of the module: the first part of every ErrorRecord's FullyQualifiedErrorId.
    /// Scripts may match on them; they never change meaning.
    /// </summary>
    public static class ErrorIds
    {
        // Per-row errors (non-terminating).
        public const string InvalidInput = "InvalidInput";
        public const string WechatpayErrorResponse = "WechatpayErrorResponse";
        public const string ResponseUnverified = "ResponseUnverified";
        public const string SignatureProbe = "SignatureProbe";
        public const string UnexpectedResponse = "UnexpectedResponse";
        public const string NetworkError = "NetworkError";
        public const string RequestTimeout = "RequestTimeout";
        public const string InternalError = "InternalError";
        public const string DuplicateRow = "DuplicateRow";
        public const string OutcomeUnknown = "OutcomeUnknown";

        // Per-notification errors of ConvertFrom-WxPayscoreNotification (non-terminating; the notification gives no object).
        public const string NotificationUnreadable = "NotificationUnreadable";
        public const string NotificationMalformed = "NotificationMalformed";
        public const string NotificationUnsigned = "NotificationUnsigned";
        public const string NotificationSignatureInvalid = "NotificationSignatureInvalid";
        public const string NotificationStale = "NotificationStale";
        public const string NotificationSignatureProbe = "NotificationSignatureProbe";
        public const string NotificationKeyUnknown = "NotificationKeyUnknown";
        public const string NotificationDecryptionFailed = "NotificationDecryptionFailed";

        /// <summary>
        /// A verified notification's resource names another merchant (mchid) than the one given (-MerchantId, the
        /// session connection or WXPAY_MCHID); it gives no object. Without a merchant id any merchant's is accepted.
        /// </summary>
        public const string NotificationMerchantMismatch = "NotificationMerchantMismatch";

        // Configuration errors (terminating, before the first request).
        public const string MerchantIdMissing = "MerchantIdMissing";
        public const string MerchantIdInvalid = "MerchantIdInvalid";
        public const string MerchantSerialNumberMissing = "MerchantSerialNumberMissing";
        public const string MerchantSerialNumberInvalid = "MerchantSerialNumberInvalid";
        public const string PrivateKeyMissing = "PrivateKeyMissing";
        public const string PrivateKeyNotFound = "PrivateKeyNotFound";
        public const string PrivateKeyUnreadable = "PrivateKeyUnreadable";
        public const string PrivateKeyEncrypted = "PrivateKeyEncrypted";
        public const string PrivateKeyNotRsa = "PrivateKeyNotRsa";
        public const string PrivateKeyIsNotPrivate = "PrivateKeyIsNotPrivate";
        public const string WechatpayKeyMissing = "WechatpayKeyMissing";
        public const string WechatpayPublicKeyIdMissing = "WechatpayPublicKeyIdMissing";
        public const string WechatpayPublicKeyIdInvalid = "WechatpayPublicKeyIdInvalid";
        public const string WechatpayPublicKeyPathMissing = "WechatpayPublicKeyPathMissing";
        public const string WechatpayPublicKeyInvalid = "WechatpayPublicKeyInvalid";
        public const string PlatformCertificateInvalid = "PlatformCertificateInvalid";
        public const string BaseUriInvalid = "BaseUriInvalid";
        public const string BaseUriInsecure = "BaseUriInsecure";
        public const string PrivateKeyAmbiguous = "PrivateKeyAmbiguous";
        public const string CertificateNotFound = "CertificateNotFound";
        public const string CertificateUnreadable = "CertificateUnreadable";
        public const string CertificatePasswordInvalid = "CertificatePasswordInvalid";
        public const string CertificateHasNoPrivateKey = "CertificateHasNoPrivateKey";
        public const string MerchantCertificateNotFound = "MerchantCertificateNotFound";
        public const string MerchantCertificateInvalid = "MerchantCertificateInvalid";
        public const string MerchantSerialNumberMismatch = "MerchantSerialNumberMismatch";
        public const string PrivateKeyCertificateMismatch = "PrivateKeyCertificateMismatch";
        public const string ProxyInvalid = "ProxyInvalid";
        public const string CertificatePathMissing = "CertificatePathMissing";
        public const string ApiV3KeyInvalid = "ApiV3KeyInvalid";
        public const string JournalUnavailable = "JournalUnavailable";
        public const string JournalInvalid = "JournalInvalid";

        /// <summary>Get-WxPayscoreJournal was given a journal file or blob that does not exist.</summary>
        public const string JournalNotFound = "JournalNotFound";

        /// <summary>A command that decrypts (ConvertFrom-WxPayscoreNotification, Get-WxPayscorePlatformCertificate) was given no APIv3 key.</summary>
        public const string ApiV3KeyMissing = "ApiV3KeyMissing";

        /// <summary>The journal could not be written in the middle of a run (a full disk); the run stops after the rows in flight.</summary>
        public const string JournalWriteFailed = "JournalWriteFailed";

        /// <summary>A setting that takes a path (-PrivateKeyPath, WXPAY_PRIVATE_KEY_PATH, -JournalPath, ...) was given key text instead.</summary>
        public const string KeyMaterialGivenAsPath = "KeyMaterialGivenAsPath";

        /// <summary>The host cannot ask for confirmation (a runbook, pwsh -NonInteractive) and -Confirm:$false was not given.</summary>
        public const string ConfirmationNotPossible = "ConfirmationNotPossible";

        /// <summary>
        /// The run stopped: no request got an answer from the base URI or the backup host for a sustained time; or
        /// Test-WxPayscoreConnection's request got none.
        /// </summary>
        public const string WechatpayUnreachable = "WechatpayUnreachable";

        /// <summary>
        /// The run stopped: WeChat Pay refused the signature of every request of a long streak (401 SIGN_ERROR); or it
        /// refused Test-WxPayscoreConnection's signature, the clocks being close enough: the key is not the certificate's.
        /// </summary>
        public const string SignatureRejected = "SignatureRejected";

        /// <summary>GET /v3/certificates answered 404 RESOURCE_NOT_EXISTS: the merchant has only the WeChat Pay public key.</summary>
        public const string PlatformCertificatesNotAvailable = "PlatformCertificatesNotAvailable";

        /// <summary>GET /v3/certificates got no answer, an unexpected status or an answer that is not the certificate list.</summary>
        public const string PlatformCertificateDownloadFailed = "PlatformCertificateDownloadFailed";

        /// <summary>The certificate list's signature does not verify with a trusted key (or, on a first download, with the certificates it holds).</summary>
        public const string PlatformCertificateUnverified = "PlatformCertificateUnverified";

        /// <summary>A listed certificate does not decrypt with the APIv3 key: a wrong APIv3 key, or the answer was changed.</summary>
        public const string PlatformCertificateDecryptionFailed = "PlatformCertificateDecryptionFailed";

        /// <summary>A decrypted certificate's serial is not the serial_no it is listed under.</summary>
        public const string PlatformCertificateSerialMismatch = "PlatformCertificateSerialMismatch";

        /// <summary>A decrypted certificate's validity does not cover the effective_time and expire_time it is listed with.</summary>
        public const string PlatformCertificateValidityMismatch = "PlatformCertificateValidityMismatch";

        /// <summary>-OutputDirectory already holds a wechatpay_&lt;serial&gt;.pem that is not that certificate, and -Force was not given.</summary>
        public const string PlatformCertificateFileExists = "PlatformCertificateFileExists";

        /// <summary>
        /// -OutputDirectory holds a symbolic link, a junction or a folder named wechatpay_&lt;serial&gt;.pem: the
        /// certificate is not written, through it or over it, with or without -Force.
        /// </summary>
        public const string PlatformCertificateFileNotRegular = "PlatformCertificateFileNotRegular";

        /// <summary>-OutputDirectory cannot be resolved, created or written to, is a file, or its name holds control characters.</summary>
        public const string OutputDirectoryUnavailable = "OutputDirectoryUnavailable";

        /// <summary>-StopAfter is zero or negative: a time budget that is spent before the first row.</summary>
        public const string StopAfterInvalid = "StopAfterInvalid";

        // Problems of Test-WxPayscoreConnection (in its result's Problems; it writes no error for them). It also reports
        // WechatpayUnreachable, SignatureRejected and the platform certificate ids above.

        /// <summary>WeChat Pay's clock and this machine's are more than 300 s apart: WeChat Pay refuses every request.</summary>
        public const string ClockOffsetTooLarge = "ClockOffsetTooLarge";

        /// <summary>WeChat Pay refused the request's serial_no (401 SIGN_ERROR 商户证书序列号有误): not a merchant API certificate of the merchant.</summary>
        public const string MerchantSerialNumberRejected = "MerchantSerialNumberRejected";

        /// <summary>WeChat Pay's answer does not verify with the WeChat Pay public key or platform certificates given.</summary>
        public const string WechatpayKeyMismatch = "WechatpayKeyMismatch";

        /// <summary>The permission query of -AppId, -ServiceId and -OpenId was refused, or its answer could not be read or trusted.</summary>
        public const string PermissionQueryFailed = "PermissionQueryFailed";
    }
}
