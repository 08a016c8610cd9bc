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
            "Config.PrivateKeyPathPemHint",
            "Config.PrivateKeyPathBase64Hint");

        public static readonly PathSetting PrivateKeyPathVariable = new PathSetting(
            EnvironmentVariables.PrivateKeyPath,
            ErrorIds.PrivateKeyNotFound,
            "Config.PrivateKeyPathVariablePemHint",
            "Config.PrivateKeyPathVariableBase64Hint");

        public static readonly PathSetting CertificatePath = new PathSetting(
            "-CertificatePath",
            ErrorIds.CertificateNotFound,
            "Config.CertificatePathPemHint",
            "Config.CertificatePathBase64Hint");

        public static readonly PathSetting MerchantCertificatePath = new PathSetting(
            "-MerchantCertificatePath",
            ErrorIds.MerchantCertificateNotFound,
            "Config.MerchantCertificatePathHint",
            "Config.MerchantCertificatePathHint");

        public static readonly PathSetting WechatpayPublicKeyPath = new PathSetting(
            "-WechatpayPublicKeyPath",
            ErrorIds.WechatpayPublicKeyInvalid,
            "Config.WechatpayPublicKeyPathPemHint",
            "Config.WechatpayPublicKeyPathBase64Hint");

        public static readonly PathSetting PublicKeyPathVariable = new PathSetting(
            EnvironmentVariables.PublicKeyPath,
            ErrorIds.WechatpayPublicKeyInvalid,
            "Config.PublicKeyPathVariablePemHint",
            "Config.PublicKeyPathVariableBase64Hint");

        public static readonly PathSetting PlatformCertificatePath = new PathSetting(
            "-PlatformCertificatePath",
            ErrorIds.PlatformCertificateInvalid,
            "Config.PlatformCertificatePathHint",
            "Config.PlatformCertificatePathHint");

        public static readonly PathSetting JournalPath = new PathSetting(
            "-JournalPath",
            ErrorIds.JournalUnavailable,
            "Config.JournalPathHint",
            "Config.JournalPathHint");

        public static readonly PathSetting JournalToRead = new PathSetting(
            "-Path",
            ErrorIds.JournalUnavailable,
            "Config.JournalToReadHint",
            "Config.JournalToReadHint");

        public static readonly PathSetting OutputDirectory = new PathSetting(
            "-OutputDirectory",
            ErrorIds.OutputDirectoryUnavailable,
            "Config.OutputDirectoryHint",
            "Config.OutputDirectoryHint",
            createsFolder: true);

        // The ids of the hints, not their texts: a setting lives as long as the module, and each message is written
        // in the language of the session that meets the problem.
        private readonly string _pemHintId;
        private readonly string _base64HintId;
        private readonly bool _createsFolder;

        /// <param name="pemHintId">The message that says where PEM text belongs instead.</param>
        /// <param name="base64HintId">The message that says where Base64 key data belongs instead.</param>
        private PathSetting(string name, string unreadableErrorId, string pemHintId, string base64HintId, bool createsFolder = false)
        {
            Name = name;
            UnreadableErrorId = unreadableErrorId;
            _pemHintId = pemHintId;
            _base64HintId = base64HintId;
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
            string looksLike = !pem ? Messages.Format("Config.LooksLikeBase64KeyData")
                : value.IndexOf("CERTIFICATE", System.StringComparison.OrdinalIgnoreCase) >= 0 ? Messages.Format("Config.LooksLikePemCertificate")
                : Messages.Format("Config.LooksLikePemKey");
            return new PayscoreException(
                ErrorIds.KeyMaterialGivenAsPath,
                Messages.Format("Config.KeyMaterialGivenAsPath", Name, looksLike, Messages.Format(pem ? _pemHintId : _base64HintId)));
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
                Messages.Format("Config.FolderHasControlCharacters", UserText.ExcerptPath(value), Name, string.Join(", ", found)));
        }

        /// <summary>Throws <see cref="KeyMaterialProblem"/> when there is one; returns the value otherwise.</summary>
        public string Check(string value) => KeyMaterialProblem(value) is PayscoreException problem ? throw problem : value;

        /// <summary>The error for a pattern (wildcards) that matches no file.</summary>
        public PayscoreException NoMatch(string pattern) =>
            new PayscoreException(
                UnreadableErrorId,
                Messages.Format("Config.PatternMatchesNoFile", UserText.ExcerptPath(pattern), Name));

        /// <summary>The error for a pattern that matches several files where the setting takes one.</summary>
        public PayscoreException SeveralMatches(string pattern, int count) =>
            new PayscoreException(
                UnreadableErrorId,
                Messages.Format("Config.PatternMatchesSeveralFiles", UserText.ExcerptPath(pattern), Name, count.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        /// <summary>The error for a path PowerShell cannot turn into a file-system path (an unknown drive, a bad character).</summary>
        public PayscoreException Unresolvable(string value) =>
            new PayscoreException(
                UnreadableErrorId,
                Messages.Format("Config.PathNotResolvable", UserText.ExcerptPath(value), Name));
    }
}
