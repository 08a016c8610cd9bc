using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Reflection;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// A notification's HTTP headers, looked up as HTTP does: whatever the case, and with '_' for '-' as CGI-style
    /// hosts name them (WECHATPAY_SIGNATURE). A header given twice with the same value is one header; given with
    /// different values it keeps its first, and <see cref="Conflicting"/> names it when the notification is read by it.
    /// </summary>
    internal sealed class NotificationHeaders
    {
        public const string Timestamp = "Wechatpay-Timestamp";
        public const string Nonce = "Wechatpay-Nonce";
        public const string Signature = "Wechatpay-Signature";
        public const string Serial = "Wechatpay-Serial";
        public const string ContentLength = "Content-Length";

        // The headers a notification is read by. Others may differ between repeats (proxies add X-Forwarded-For and
        // Via lines), and are not read.
        private static readonly string[] ReadHeaders = { Timestamp, Nonce, Signature, Serial, ContentLength };

        private readonly Dictionary<string, string> _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _conflicting = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        public int Count => _values.Count;

        public string? this[string name] => _values.TryGetValue(Normalize(name), out string? value) ? value : null;

        /// <summary>Adds a header's value: a string, or each string of a list (StringValues, string[]).</summary>
        public void Add(string? name, object? value)
        {
            if (name == null)
            {
                return;
            }

            string key = Normalize(name);
            if (key.Length == 0)
            {
                return;
            }

            foreach (string text in ValueTexts(value))
            {
                string trimmed = text.Trim();
                if (!_values.TryGetValue(key, out string? first))
                {
                    _values[key] = trimmed;
                }
                else if (!string.Equals(first, trimmed, StringComparison.Ordinal))
                {
                    _conflicting.Add(key);
                }
            }
        }

        /// <summary>
        /// The first header a notification is read by (Wechatpay-*, Content-Length) that was given more than once with
        /// different values, or null. Which of them WeChat Pay sent cannot be told, so none may be taken.
        /// </summary>
        public string? Conflicting()
        {
            foreach (string name in ReadHeaders)
            {
                if (_conflicting.Contains(name))
                {
                    return name;
                }
            }

            return null;
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

        /// <summary>A string as it is; of a list of values (StringValues, string[]), each one that is not null.</summary>
        private static IEnumerable<string> ValueTexts(object? value)
        {
            switch (value)
            {
                case null:
                    yield break;
                case string text:
                    yield return text;
                    break;
                case IEnumerable values:
                    foreach (object? item in values)
                    {
                        if (item?.ToString() is string text)
                        {
                            yield return text;
                        }
                    }

                    break;
                default:
                    if (value.ToString() is string other)
                    {
                        yield return other;
                    }

                    break;
            }
        }
    }
}
