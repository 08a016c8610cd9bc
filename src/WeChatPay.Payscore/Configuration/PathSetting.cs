namespace WeChatPay.Payscore.Configuration
{
    /// <summary>
    /// A setting that names a file: a parameter (-PrivateKeyPath, -JournalPath, ...) or an environment variable
    /// (WXPAY_PRIVATE_KEY_PATH, ...). Key text put in such a setting by mistake would be quoted whole by every
    /// message that names the path, so its value is checked before anything resolves, opens or quotes it.
    /// </summary>
    internal sealed class PathSetting
    {
        public static readonly PathSetting PrivateKeyPath = new PathSetting(
            "-PrivateKeyPath",
            ErrorIds.PrivateKeyNotFound,
            "pass the key's text with -PrivateKey (a SecureString, as Get-Secret returns it) or put it in " + EnvironmentVariables.PrivateKey + "; -PrivateKeyPath takes the path of apiclient_key.pem",
            "save a .p12 file's content as a file and give its path with -CertificatePath; -PrivateKeyPath takes the path of apiclient_key.pem");

        public static readonly PathSetting PrivateKeyPathVariable = new PathSetting(
            EnvironmentVariables.PrivateKeyPath,
            ErrorIds.PrivateKeyNotFound,
            "put the text in " + EnvironmentVariables.PrivateKey + " or pass it with -PrivateKey; " + EnvironmentVariables.PrivateKeyPath + " takes the path of apiclient_key.pem",
            "put the key's PEM text in " + EnvironmentVariables.PrivateKey + ", or give a .p12 file's path with -CertificatePath; " + EnvironmentVariables.PrivateKeyPath + " takes the path of apiclient_key.pem");

        public static readonly PathSetting CertificatePath = new PathSetting(
            "-CertificatePath",
            ErrorIds.CertificateNotFound,
            "a PEM key goes to -PrivateKey (its text, as a SecureString) or -PrivateKeyPath (its file); -CertificatePath takes the path of apiclient_cert.p12",
            "write the bytes to a file first ([IO.File]::WriteAllBytes($path, [Convert]::FromBase64String($text))) and give -CertificatePath that file's path");

        public static readonly PathSetting MerchantCertificatePath = new PathSetting(
            "-MerchantCertificatePath",
            ErrorIds.MerchantCertificateNotFound,
            "save the certificate as apiclient_cert.pem and give -MerchantCertificatePath its path",
            "save the certificate as apiclient_cert.pem and give -MerchantCertificatePath its path");

        public static readonly PathSetting WechatpayPublicKeyPath = new PathSetting(
            "-WechatpayPublicKeyPath",
            ErrorIds.WechatpayPublicKeyInvalid,
            "put the text in " + EnvironmentVariables.PublicKey + ", or save it as pub_key.pem and give -WechatpayPublicKeyPath its path",
            "save the WeChat Pay public key as pub_key.pem and give -WechatpayPublicKeyPath its path");

        public static readonly PathSetting PublicKeyPathVariable = new PathSetting(
            EnvironmentVariables.PublicKeyPath,
            ErrorIds.WechatpayPublicKeyInvalid,
            "put the text in " + EnvironmentVariables.PublicKey + "; " + EnvironmentVariables.PublicKeyPath + " takes the path of pub_key.pem",
            "put the WeChat Pay public key's PEM text in " + EnvironmentVariables.PublicKey + "; " + EnvironmentVariables.PublicKeyPath + " takes the path of pub_key.pem");

        public static readonly PathSetting PlatformCertificatePath = new PathSetting(
            "-PlatformCertificatePath",
            ErrorIds.PlatformCertificateInvalid,
            "save each platform certificate as a file (wechatpay_*.pem) and give -PlatformCertificatePath their paths",
            "save each platform certificate as a file (wechatpay_*.pem) and give -PlatformCertificatePath their paths");

        public static readonly PathSetting JournalPath = new PathSetting(
            "-JournalPath",
            ErrorIds.JournalUnavailable,
            "-JournalPath takes the path of the run's journal file (e.g. .\\run.jsonl); keys go to the credential parameters",
            "-JournalPath takes the path of the run's journal file (e.g. .\\run.jsonl); keys go to the credential parameters");

        public static readonly PathSetting JournalToRead = new PathSetting(
            "-Path",
            ErrorIds.JournalUnavailable,
            "-Path takes the path of a run's journal file (e.g. .\\run.jsonl), or a blob's URL with a SAS token",
            "-Path takes the path of a run's journal file (e.g. .\\run.jsonl), or a blob's URL with a SAS token");

        public static readonly PathSetting OutputDirectory = new PathSetting(
            "-OutputDirectory",
            ErrorIds.OutputDirectoryUnavailable,
            "-OutputDirectory takes the folder the platform certificates are saved in",
            "-OutputDirectory takes the folder the platform certificates are saved in",
            createsFolder: true);

        private readonly string _pemHint;
        private readonly string _base64Hint;
        private readonly bool _createsFolder;

        private PathSetting(string name, string unreadableErrorId, string pemHint, string base64Hint, bool createsFolder = false)
        {
            Name = name;
            UnreadableErrorId = unreadableErrorId;
            _pemHint = pemHint;
            _base64Hint = base64Hint;
            _createsFolder = createsFolder;
        }

        /// <summary>The parameter or variable, as the user wrote it.</summary>
        public string Name { get; }

        /// <summary>The error id of a path that names no readable file.</summary>
        public string UnreadableErrorId { get; }

        /// <summary>
        /// The error for a value that looks like key material instead of a path, or null for a value that may be a
        /// path. The message says what the value looks like and where it belongs, never the value.
        /// </summary>
        public PayscoreException? KeyMaterialProblem(string? value)
        {
            if (!UserText.LooksLikeKeyMaterial(value))
            {
                return null;
            }

            bool pem = UserText.LooksLikePem(value);
            string looksLike = !pem ? "Base64 key data (such as the content of a .p12 file)"
                : value.IndexOf("CERTIFICATE", System.StringComparison.OrdinalIgnoreCase) >= 0 ? "PEM certificate text"
                : "PEM key text";
            return new PayscoreException(
                ErrorIds.KeyMaterialGivenAsPath,
                $"The value of {Name} looks like {looksLike}, not a path; {(pem ? _pemHint : _base64Hint)}. The value is not shown, so that the key does not end up in logs.");
        }

        /// <summary>
        /// For a setting that names a folder to create: the error for a value with control characters (a line break
        /// or a tab pasted with the name), which would make a folder no one can see the name of; null otherwise.
        /// </summary>
        public PayscoreException? ControlCharacterProblem(string value)
        {
            if (!_createsFolder)
            {
                return null;
            }

            var found = new System.Collections.Generic.List<string>();
            foreach (char c in value)
            {
                string name = UserText.CodePointName(c);
                if ((c < ' ' || c == '\u007F') && !found.Contains(name))
                {
                    found.Add(name);
                }
            }

            return found.Count == 0 ? null : new PayscoreException(
                UnreadableErrorId,
                $"The folder '{UserText.ExcerptPath(value)}' ({Name}) holds control characters ({string.Join(", ", found)}), most likely a line break or a tab pasted with the name; it was not created. Give the folder's name without them.");
        }

        /// <summary>Throws <see cref="KeyMaterialProblem"/> when there is one; returns the value otherwise.</summary>
        public string Check(string value) => KeyMaterialProblem(value) is PayscoreException problem ? throw problem : value;

        /// <summary>The error for a pattern (wildcards) that matches no file.</summary>
        public PayscoreException NoMatch(string pattern) =>
            new PayscoreException(
                UnreadableErrorId,
                $"The pattern '{UserText.ExcerptPath(pattern)}' ({Name}) matches no file. Check the folder and the name (a name with [ or ] is taken as it is when that file exists).");

        /// <summary>The error for a pattern that matches several files where the setting takes one.</summary>
        public PayscoreException SeveralMatches(string pattern, int count) =>
            new PayscoreException(
                UnreadableErrorId,
                $"The pattern '{UserText.ExcerptPath(pattern)}' ({Name}) matches {count.ToString(System.Globalization.CultureInfo.InvariantCulture)} files, and {Name} takes one. Give the file's own name, or a pattern that matches only it.");

        /// <summary>The error for a path PowerShell cannot turn into a file-system path (an unknown drive, a bad character).</summary>
        public PayscoreException Unresolvable(string value) =>
            new PayscoreException(
                UnreadableErrorId,
                $"The path '{UserText.ExcerptPath(value)}' ({Name}) is not a file-system path PowerShell can resolve. Give the path of the file, e.g. .\\file or C:\\folder\\file.");
    }
}
