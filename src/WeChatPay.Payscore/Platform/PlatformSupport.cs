using System;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace WeChatPay.Payscore.Platform
{
    /// <summary>
    /// What Windows PowerShell 5.1 (.NET Framework) needs that PowerShell 7 (.NET) does by itself. Each piece runs
    /// only on .NET Framework and changes nothing elsewhere.
    /// </summary>
    internal static class PlatformSupport
    {
        private const string RsaCngTypeName =
            "System.Security.Cryptography.RSACng, System.Core, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089";

        // SecurityProtocolType.SystemDefault (.NET Framework 4.7+): the OS chooses; it is not in netstandard2.0.
        private const SecurityProtocolType SystemDefault = 0;

        public static bool IsNetFramework { get; } =
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// An RSACng (System.Core on .NET Framework 4.6.2+), whose imported keys live in memory only; null where
        /// the type is missing. netstandard2.0 cannot name the type, hence the reflection.
        /// </summary>
        public static RSA? CreateEphemeralRsaCng()
        {
            Type? type = Type.GetType(RsaCngTypeName, throwOnError: false);
            return type == null ? null : Activator.CreateInstance(type) as RSA;
        }

        /// <summary>
        /// <paramref name="current"/> with TLS 1.2 added. The OS default (0) is left alone: it already offers
        /// TLS 1.2 where the OS has it, and OR-ing a flag into it would replace it with that one protocol.
        /// </summary>
        public static SecurityProtocolType WithTls12(SecurityProtocolType current) =>
            current == SystemDefault ? current : current | SecurityProtocolType.Tls12;

        /// <summary>WeChat Pay accepts TLS 1.2 and later; old .NET Framework hosts offer only TLS 1.0 by default.</summary>
        public static void EnsureTls12()
        {
#if NETFRAMEWORK
            SecurityProtocolType current = ServicePointManager.SecurityProtocol;
            SecurityProtocolType wanted = WithTls12(current);
            if (wanted != current)
            {
                ServicePointManager.SecurityProtocol = wanted;
            }
#endif
        }

        /// <summary>.NET Framework allows 2 connections per host unless told otherwise; parallel requests need more.</summary>
        public static void RaiseConnectionLimit(Uri host, int limit)
        {
#if NETFRAMEWORK
            ServicePoint point = ServicePointManager.FindServicePoint(host);
            point.ConnectionLimit = RaisedLimit(point.ConnectionLimit, limit);
#endif
        }

        internal static int RaisedLimit(int current, int wanted) => Math.Max(current, wanted);
    }
}
