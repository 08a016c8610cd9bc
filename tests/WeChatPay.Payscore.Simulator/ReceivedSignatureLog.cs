using Microsoft.Extensions.Primitives;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// The <c>signature="..."</c> values of the Authorization headers the API received, valid or not, so that
/// tests can check a client never writes them anywhere (results, logs, error messages). Values are taken
/// leniently, also from headers the strict check refuses, because a leak matters whatever the header's shape.
/// At <see cref="Cap"/> entries it stops adding and keeps the earliest, so that a load test cannot exhaust
/// memory; tests that look at the log reset the simulator first. A lock is cheap next to the RSA verification
/// every request costs.
/// </summary>
internal sealed class ReceivedSignatureLog
{
    public const int Cap = 100_000;
    private const string Parameter = "signature=\"";

    private readonly Lock _gate = new();
    private readonly List<string> _signatures = [];

    /// <summary>A copy, in the order the requests were received.</summary>
    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return _signatures.ToArray();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _signatures.Clear();
        }
    }

    /// <summary>
    /// Adds every non-empty <c>signature</c> value of <paramref name="authorization"/>: a parameter name at the
    /// start, after a space or after a comma, in any case, up to the closing quote or the end of the header.
    /// </summary>
    public void Record(StringValues authorization)
    {
        foreach (string? header in authorization)
        {
            if (string.IsNullOrEmpty(header))
            {
                continue;
            }

            int from = 0;
            while (true)
            {
                int at = header.IndexOf(Parameter, from, StringComparison.OrdinalIgnoreCase);
                if (at < 0)
                {
                    break;
                }

                int start = at + Parameter.Length;
                int end = header.IndexOf('"', start);
                if (end < 0)
                {
                    end = header.Length;
                }

                if ((at == 0 || header[at - 1] is ' ' or ',') && end > start)
                {
                    Add(header[start..end]);
                }

                from = end;
            }
        }
    }

    private void Add(string signature)
    {
        lock (_gate)
        {
            if (_signatures.Count < Cap)
            {
                _signatures.Add(signature);
            }
        }
    }
}
