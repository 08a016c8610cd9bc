using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>One entry of <c>GET /v3/certificates</c>, still encrypted.</summary>
    internal sealed class ListedCertificate
    {
        public ListedCertificate(string serialNumber, DateTimeOffset effectiveTime, DateTimeOffset expireTime, string algorithm, string nonce, string associatedData, string ciphertext)
        {
            SerialNumber = serialNumber;
            EffectiveTime = effectiveTime;
            ExpireTime = expireTime;
            Algorithm = algorithm;
            Nonce = nonce;
            AssociatedData = associatedData;
            Ciphertext = ciphertext;
        }

        public string SerialNumber { get; }

        public DateTimeOffset EffectiveTime { get; }

        public DateTimeOffset ExpireTime { get; }

        public string Algorithm { get; }

        public string Nonce { get; }

        public string AssociatedData { get; }

        public string Ciphertext { get; }
    }

    /// <summary>
    /// Reads the answer of <c>GET /v3/certificates</c>:
    /// <c>{"data":[{"serial_no","effective_time","expire_time","encrypt_certificate":{"algorithm","nonce","associated_data","ciphertext"}}]}</c>.
    /// Names are matched leniently (case and surrounding spaces ignored): WeChat Pay's own sample has <c>"effective_time "</c>.
    /// </summary>
    internal static class PlatformCertificateListing
    {
        /// <summary>The entries, or a <see cref="FormatException"/> that says what is missing or wrong.</summary>
        public static IReadOnlyList<ListedCertificate> Parse(byte[] body)
        {
            try
            {
                using (JsonDocument document = JsonDocument.Parse(body))
                {
                    JsonElement data = Member(document.RootElement, "data", JsonValueKind.Array, Messages.Format("Protocol.ListingAnswer"));
                    var entries = new List<ListedCertificate>();
                    int index = 0;
                    foreach (JsonElement entry in data.EnumerateArray())
                    {
                        string where = $"data[{index++}]";
                        JsonElement encrypted = Member(entry, "encrypt_certificate", JsonValueKind.Object, where);
                        entries.Add(new ListedCertificate(
                            Text(entry, "serial_no", where).Trim().ToUpperInvariant(),
                            Time(entry, "effective_time", where),
                            Time(entry, "expire_time", where),
                            Text(encrypted, "algorithm", where),
                            Text(encrypted, "nonce", where),
                            Text(encrypted, "associated_data", where),
                            Text(encrypted, "ciphertext", where)));
                    }

                    return entries;
                }
            }
            catch (JsonException ex)
            {
                throw new FormatException(Messages.Format("Protocol.ListingNotJson", ex.Message), ex);
            }
        }

        private static JsonElement Member(JsonElement parent, string name, JsonValueKind kind, string where)
        {
            if (parent.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty property in parent.EnumerateObject())
                {
                    if (string.Equals(property.Name.Trim(), name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == kind)
                    {
                        return property.Value;
                    }
                }
            }

            throw new FormatException(kind == JsonValueKind.Array ? Messages.Format("Protocol.ListingNoArray", where, name)
                : kind == JsonValueKind.Object ? Messages.Format("Protocol.ListingNoObject", where, name)
                : Messages.Format("Protocol.ListingNoString", where, name));
        }

        private static string Text(JsonElement parent, string name, string where) =>
            Member(parent, name, JsonValueKind.String, where).GetString() ?? string.Empty;

        private static DateTimeOffset Time(JsonElement parent, string name, string where)
        {
            string text = Text(parent, name, where);
            if (!DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset time))
            {
                throw new FormatException(Messages.Format("Protocol.ListingNotTime", where, name, UserText.Excerpt(text)));
            }

            return time;
        }
    }
}
