using System;
using System.IO;
using System.Text;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>What saving a platform certificate in its folder comes to.</summary>
    internal enum PlatformCertificateSave
    {
        /// <summary>No file has its name yet: a new one is written.</summary>
        Create,

        /// <summary>A file with another content has its name, and -Force was given: it is replaced.</summary>
        Replace,

        /// <summary>The file at its name holds this very certificate: nothing to write.</summary>
        AlreadySaved,
    }

    /// <summary>
    /// The folder Get-WxPayscorePlatformCertificate saves certificates in (-OutputDirectory), each as
    /// wechatpay_&lt;serial&gt;.pem. A file that holds the same certificate is left as it is; another file is replaced
    /// only with -Force; a link or a folder at the name never is (<see cref="AtomicFile"/> writes by rename, so no link
    /// is ever written through). Knows nothing of PowerShell.
    /// </summary>
    internal sealed class PlatformCertificateFolder
    {
        /// <summary>A certificate file is a few kilobytes; a larger file at the name is not one to compare.</summary>
        private const int MaxCertificateFileBytes = 64 * 1024;

        private PlatformCertificateFolder(string path)
        {
            Path = path;
        }

        /// <summary>The folder's file-system path.</summary>
        public string Path { get; }

        /// <summary>
        /// The folder at <paramref name="path"/> (a file-system path), checked before anything is downloaded; a file
        /// at that name throws a <see cref="PayscoreException"/>. A missing folder is created on the first save.
        /// </summary>
        public static PlatformCertificateFolder Open(string path)
        {
            if (File.Exists(path) && !Directory.Exists(path))
            {
                throw new PayscoreException(
                    ErrorIds.OutputDirectoryUnavailable,
                    Messages.Format("Crypto.OutputDirectoryIsFile", KeyFile.Quote(path)));
            }

            return new PlatformCertificateFolder(path);
        }

        /// <summary>The file the certificate is saved as.</summary>
        public string FileOf(PlatformCertificate certificate) => System.IO.Path.Combine(Path, certificate.FileName);

        /// <summary>
        /// What <see cref="Save"/> would do, or a <see cref="PayscoreException"/> when it may not: another
        /// file at the name without <paramref name="force"/>, or a link or folder there.
        /// </summary>
        public PlatformCertificateSave Plan(PlatformCertificate certificate, bool force)
        {
            string file = FileOf(certificate);
            FileEntry entry = AtomicFile.EntryAt(file);
            if (entry == FileEntry.None)
            {
                return PlatformCertificateSave.Create;
            }

            // A link at the name is refused, not replaced: someone made it on purpose (to a shared certificate store,
            // say), so replacing it by a file would quietly undo that, and following it would write outside the
            // folder. The user decides, knowing what is there. (The write itself goes by rename, so even a link
            // made after this check is replaced, never written through.)
            if (entry != FileEntry.RegularFile)
            {
                throw NotAFile(file, entry);
            }

            if (Holds(AtomicFile.ReadRegularFile(file, MaxCertificateFileBytes), certificate))
            {
                return PlatformCertificateSave.AlreadySaved;
            }

            return force ? PlatformCertificateSave.Replace : throw Exists(file);
        }

        /// <summary>
        /// Writes the certificate's file, replacing another regular file there only when <paramref name="force"/>;
        /// any failure is a <see cref="PayscoreException"/> that names the file once, by an excerpt.
        /// </summary>
        public void Save(PlatformCertificate certificate, bool force)
        {
            string file = FileOf(certificate);
            try
            {
                AtomicFile.Write(file, Encoding.UTF8.GetBytes(certificate.Pem), replaceFile: force);
            }
            catch (FileNameTakenException ex)
            {
                throw ex.Entry == FileEntry.RegularFile ? Exists(file) : NotAFile(file, ex.Entry);
            }
            catch (UnauthorizedAccessException)
            {
                throw new PayscoreException(
                    ErrorIds.OutputDirectoryUnavailable,
                    Messages.Format("Crypto.CertificateFileWriteDenied", KeyFile.Quote(file)));
            }
            catch (IOException ex)
            {
                throw new PayscoreException(
                    ErrorIds.OutputDirectoryUnavailable,
                    Messages.Format("Crypto.CertificateFileWriteFailed", KeyFile.Quote(file), RunJournal.Reason(ex, file, Path)));
            }
        }

        /// <summary>
        /// True when <paramref name="content"/> is the certificate: the very bytes saved, or a PEM file whose first
        /// certificate has the same DER bytes (the same certificate saved by another tool, or with Windows line ends).
        /// </summary>
        internal static bool Holds(byte[]? content, PlatformCertificate certificate)
        {
            if (content == null)
            {
                return false;
            }

            string text = Encoding.UTF8.GetString(content);
            if (string.Equals(text, certificate.Pem, StringComparison.Ordinal))
            {
                return true;
            }

            try
            {
                foreach (PemSection section in PemSection.ReadAll(text))
                {
                    if (section.Label == "CERTIFICATE")
                    {
                        return PlatformCertificate.FingerprintOf(section.Data) == certificate.Fingerprint;
                    }
                }
            }
            catch (FormatException)
            {
            }

            return false;
        }

        private static PayscoreException Exists(string file) =>
            new PayscoreException(
                ErrorIds.PlatformCertificateFileExists,
                Messages.Format("Crypto.CertificateFileExists", KeyFile.Quote(file)));

        private static PayscoreException NotAFile(string file, FileEntry entry) =>
            new PayscoreException(
                ErrorIds.PlatformCertificateFileNotRegular,
                entry == FileEntry.Folder
                    ? Messages.Format("Crypto.CertificateNameIsFolder", KeyFile.Quote(file))
                    : entry == FileEntry.Special
                    ? Messages.Format("Crypto.CertificateNameIsSpecial", KeyFile.Quote(file))
                    : Messages.Format("Crypto.CertificateNameIsLink", KeyFile.Quote(file)));
    }
}
