using System.Collections.Generic;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// Verbose and debug lines gathered while a row is processed, replayed by the cmdlet on the pipeline
    /// thread (PowerShell streams may only be written from there). Nothing secret is ever added.
    /// </summary>
    internal sealed class Diagnostics
    {
        public List<string> Verbose { get; } = new List<string>();

        public List<string> Debug { get; } = new List<string>();
    }
}
