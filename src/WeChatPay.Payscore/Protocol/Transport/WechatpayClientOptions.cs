using System;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;

namespace WeChatPay.Payscore.Protocol
{
    internal sealed class WechatpayClientOptions
    {
        public static readonly Uri DefaultBaseUri = new Uri("https://api.mch.weixin.qq.com/");

        public Uri BaseUri { get; set; } = DefaultBaseUri;

        public Uri? BackupBaseUri { get; set; }

        /// <summary>For the whole request: connect, send and the answer's body.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Answers larger than this are cut off; WeChat Pay's are a few hundred bytes.</summary>
        public int MaxResponseBytes { get; set; } = 64 * 1024;

        public string UserAgent { get; set; } = DefaultUserAgent;

        /// <summary>Connections to one host; .NET Framework's default of 2 would cap parallel requests.</summary>
        public int MaxConnectionsPerServer { get; set; } = 64;

        /// <summary>Null means the system proxy (and HTTPS_PROXY on PowerShell 7).</summary>
        public Uri? Proxy { get; set; }

        /// <summary>For <see cref="Proxy"/>, or for the system proxy when no proxy is named.</summary>
        public NetworkCredential? ProxyCredential { get; set; }

        /// <summary>WeChat Pay answers 400 to a request without a User-Agent; this one names the module and platform.</summary>
        public static string DefaultUserAgent { get; } = BuildUserAgent();

        private static string BuildUserAgent()
        {
            Assembly assembly = typeof(WechatpayClientOptions).Assembly;
            string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetName().Version?.ToString()
                ?? "0.0.0";
            int plus = version.IndexOf('+');
            if (plus > 0)
            {
                version = version.Substring(0, plus);
            }

            string framework = RuntimeInformation.FrameworkDescription.Trim();
            string os = RuntimeInformation.OSDescription.Trim();
            return $"WeChatPay.Payscore/{version} ({framework}; {os})";
        }
    }
}
