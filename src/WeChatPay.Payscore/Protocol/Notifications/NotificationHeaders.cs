using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Reflection;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// A notification's HTTP headers, looked up as HTTP does: whatever the case, and with '_' for '-' as CGI-style
    /// hosts name them (WECHATPAY_SIGNATURE). A header given twice keeps its first value.
    /// </summary>
    internal sealed class NotificationHeaders
    {
        public const string Timestamp = "Wechatpay-Timestamp";
        public const string Nonce = "Wechatpay-Nonce";
        public const string Signature = "Wechatpay-Signature";
        public const string Serial = "Wechatpay-Serial";

        private readonly Dictionary<string, string> _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public int Count => _values.Count;

        public string? this[string name] => _values.TryGetValue(Normalize(name), out string? value) ? value : null;

        public void Add(string? name, object? value)
        {
            string? text = ValueText(value);
            if (name == null || text == null)
            {
                return;
            }

            string key = Normalize(name);
            if (key.Length > 0 && !_values.ContainsKey(key))
            {
                _values[key] = text.Trim();
            }
        }

        /// <summary>
        /// The headers of a dictionary (a hashtable, ASP.NET's header dictionary), a NameValueCollection (HttpListener,
        /// System.Web) or a sequence of name/value pairs (HttpHeaders of HttpClient and Azure Functions); each value a
        /// string or a list of them. Null for anything else.
        /// </summary>
        public static NotificationHeaders? From(object? headers)
        {
            var result = new NotificationHeaders();
            switch (headers)
            {
                case null:
                case string _:
                    return null;
                case IDictionary dictionary:
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        result.Add(entry.Key?.ToString(), entry.Value);
                    }

                    return result;
                case NameValueCollection collection:
                    foreach (string? name in collection.AllKeys)
                    {
                        result.Add(name, collection.GetValues(name));
                    }

                    return result;
                case IEnumerable pairs:
                    foreach (object? pair in pairs)
                    {
                        if (pair == null)
                        {
                            continue;
                        }

                        Type type = pair.GetType();
                        PropertyInfo? key = type.GetProperty("Key");
                        PropertyInfo? value = type.GetProperty("Value");
                        if (key == null || value == null)
                        {
                            return null;
                        }

                        result.Add(key.GetValue(pair)?.ToString(), value.GetValue(pair));
                    }

                    return result;
                default:
                    return null;
            }
        }

        private static string Normalize(string name) => name.Trim().Replace('_', '-');

        /// <summary>A string as it is; of a list of strings (StringValues, string[]), the first.</summary>
        private static string? ValueText(object? value)
        {
            switch (value)
            {
                case null:
                    return null;
                case string text:
                    return text;
                case IEnumerable values:
                    foreach (object? item in values)
                    {
                        if (item != null)
                        {
                            return item.ToString();
                        }
                    }

                    return null;
                default:
                    return value.ToString();
            }
        }
    }
}
