using System;
using System.Collections.Generic;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// The category of every error id that stops a command or refuses one item (a notification, a certificate file):
    /// one place, so that every command that writes an id gives it the same category. A failed row's id and category
    /// come with its result code instead (<see cref="ResultCodeTable"/>): one WeChat Pay error id there has a category
    /// per WeChat Pay code.
    /// </summary>
    internal static class ErrorIdTable
    {
        private static readonly Dictionary<string, ResultCategory> Categories = Build(
            // What the admin gave cannot work: fix the parameter, variable or file it names.
            (ResultCategory.InvalidArgument, new[]
            {
                ErrorIds.MerchantIdMissing, ErrorIds.MerchantIdInvalid, ErrorIds.MerchantSerialNumberMissing, ErrorIds.MerchantSerialNumberInvalid,
                ErrorIds.PrivateKeyMissing, ErrorIds.PrivateKeyNotFound, ErrorIds.PrivateKeyUnreadable, ErrorIds.PrivateKeyEncrypted,
                ErrorIds.PrivateKeyNotRsa, ErrorIds.PrivateKeyIsNotPrivate, ErrorIds.PrivateKeyAmbiguous, ErrorIds.WechatpayKeyMissing,
                ErrorIds.WechatpayPublicKeyIdMissing, ErrorIds.WechatpayPublicKeyIdInvalid, ErrorIds.WechatpayPublicKeyPathMissing,
                ErrorIds.WechatpayPublicKeyInvalid, ErrorIds.PlatformCertificateInvalid, ErrorIds.BaseUriInvalid, ErrorIds.BaseUriInsecure,
                ErrorIds.CertificateNotFound, ErrorIds.CertificateUnreadable, ErrorIds.CertificatePasswordInvalid, ErrorIds.CertificateHasNoPrivateKey,
                ErrorIds.MerchantCertificateNotFound, ErrorIds.MerchantCertificateInvalid, ErrorIds.MerchantSerialNumberMismatch,
                ErrorIds.PrivateKeyCertificateMismatch, ErrorIds.ProxyInvalid, ErrorIds.CertificatePathMissing, ErrorIds.ApiV3KeyInvalid,
                ErrorIds.ApiV3KeyMissing, ErrorIds.KeyMaterialGivenAsPath, ErrorIds.JournalUnavailable, ErrorIds.JournalInvalid,
                ErrorIds.StopAfterInvalid,
            }),

            // The run or the command cannot go on.
            (ResultCategory.WriteError, new[] { ErrorIds.JournalWriteFailed, ErrorIds.OutputDirectoryUnavailable }),
            (ResultCategory.PermissionDenied, new[] { ErrorIds.ConfirmationNotPossible }),
            (ResultCategory.ConnectionError, new[] { ErrorIds.WechatpayUnreachable, ErrorIds.PlatformCertificateDownloadFailed }),
            (ResultCategory.AuthenticationError, new[] { ErrorIds.SignatureRejected }),

            // Test-WxPayscoreConnection's own problems.
            (ResultCategory.AuthenticationError, new[] { ErrorIds.MerchantSerialNumberRejected }),
            (ResultCategory.InvalidOperation, new[] { ErrorIds.ClockOffsetTooLarge }),
            (ResultCategory.SecurityError, new[] { ErrorIds.WechatpayKeyMismatch }),
            (ResultCategory.PermissionDenied, new[] { ErrorIds.PermissionQueryFailed }),

            // Platform certificates.
            (ResultCategory.ObjectNotFound, new[] { ErrorIds.PlatformCertificatesNotAvailable }),

            // Reading a journal (Get-WxPayscoreJournal): the other journal ids are the run's, above.
            (ResultCategory.ObjectNotFound, new[] { ErrorIds.JournalNotFound }),
            (ResultCategory.ResourceExists, new[] { ErrorIds.PlatformCertificateFileExists, ErrorIds.PlatformCertificateFileNotRegular }),
            (ResultCategory.SecurityError, new[]
            {
                ErrorIds.PlatformCertificateUnverified, ErrorIds.PlatformCertificateDecryptionFailed, ErrorIds.PlatformCertificateSerialMismatch,
                ErrorIds.PlatformCertificateValidityMismatch,
            }),

            // Notifications: what could not be read, what is not a notification, what is not WeChat Pay's.
            (ResultCategory.ReadError, new[] { ErrorIds.NotificationUnreadable }),
            (ResultCategory.InvalidData, new[] { ErrorIds.NotificationMalformed }),
            (ResultCategory.InvalidResult, new[] { ErrorIds.NotificationStale }),
            (ResultCategory.SecurityError, new[]
            {
                ErrorIds.NotificationUnsigned, ErrorIds.NotificationSignatureInvalid, ErrorIds.NotificationSignatureProbe,
                ErrorIds.NotificationKeyUnknown, ErrorIds.NotificationDecryptionFailed, ErrorIds.NotificationMerchantMismatch,
            }));

        /// <summary>The ids this table lists, for tests and documentation.</summary>
        public static IEnumerable<string> Ids => Categories.Keys;

        /// <summary>The category of <paramref name="errorId"/>; NotSpecified for an id the table does not list (a defect a test catches).</summary>
        public static ResultCategory CategoryOf(string errorId) =>
            Categories.TryGetValue(errorId, out ResultCategory category) ? category : ResultCategory.NotSpecified;

        private static Dictionary<string, ResultCategory> Build(params (ResultCategory Category, string[] Ids)[] groups)
        {
            var table = new Dictionary<string, ResultCategory>(StringComparer.Ordinal);
            foreach ((ResultCategory category, string[] ids) in groups)
            {
                foreach (string id in ids)
                {
                    table.Add(id, category);
                }
            }

            return table;
        }
    }
}
