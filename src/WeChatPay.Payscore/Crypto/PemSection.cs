using System;
using System.Collections.Generic;
using System.Text;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>One <c>-----BEGIN label-----</c> block of a PEM text, decoded.</summary>
    internal sealed class PemSection
    {
        private PemSection(string label, byte[] data, bool hasEncryptionHeader)
        {
            Label = label;
            Data = data;
            HasEncryptionHeader = hasEncryptionHeader;
        }

        public string Label { get; }

        public byte[] Data { get; }

        /// <summary>Legacy OpenSSL encryption (<c>Proc-Type: 4,ENCRYPTED</c>) inside an RSA PRIVATE KEY block.</summary>
        public bool HasEncryptionHeader { get; }

        /// <summary>
        /// Reads every PEM block of <paramref name="text"/>. Returns an empty list when there is none.
        /// Throws <see cref="FormatException"/> for a block whose Base64 is broken; the message never
        /// quotes the block, because it may be key material.
        /// </summary>
        public static IReadOnlyList<PemSection> ReadAll(string text)
        {
            var sections = new List<PemSection>();
            const string Begin = "-----BEGIN ";
            const string Dashes = "-----";
            int position = 0;
            while (true)
            {
                int begin = text.IndexOf(Begin, position, StringComparison.Ordinal);
                if (begin < 0)
                {
                    break;
                }

                int labelStart = begin + Begin.Length;
                int labelEnd = text.IndexOf(Dashes, labelStart, StringComparison.Ordinal);
                if (labelEnd < 0)
                {
                    break;
                }

                string label = text.Substring(labelStart, labelEnd - labelStart);
                string endMarker = "-----END " + label + Dashes;
                int bodyStart = labelEnd + Dashes.Length;
                int end = text.IndexOf(endMarker, bodyStart, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new FormatException(Messages.Format("Crypto.PemBlockNoEnd", UserText.Excerpt(label)));
                }

                string body = text.Substring(bodyStart, end - bodyStart);
                bool encrypted = false;
                var base64 = new StringBuilder(body.Length);
                foreach (string rawLine in body.Split('\n'))
                {
                    string line = rawLine.Trim();
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    // RFC 1421 headers such as "Proc-Type: 4,ENCRYPTED" precede the Base64 data.
                    if (line.IndexOf(':') >= 0)
                    {
                        if (line.StartsWith("Proc-Type:", StringComparison.OrdinalIgnoreCase)
                            && line.IndexOf("ENCRYPTED", StringComparison.OrdinalIgnoreCase) >= 0)
                        {
                            encrypted = true;
                        }

                        continue;
                    }

                    base64.Append(line);
                }

                byte[] data;
                try
                {
                    data = Convert.FromBase64String(base64.ToString());
                }
                catch (FormatException)
                {
                    throw new FormatException(Messages.Format("Crypto.PemBlockBadBase64", UserText.Excerpt(label)));
                }

                sections.Add(new PemSection(label, data, encrypted));
                position = end + endMarker.Length;
            }

            return sections;
        }
    }
}
