using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text.Json;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// Replays an earlier run's records, in their order, into what each names authorization's state is now: the
    /// last word on a row wins, except that a refusal after an open outcome leaves it open.
    /// </summary>
    internal sealed class JournalReplay : IDisposable
    {
        private readonly SHA256 _sha = SHA256.Create();
        private readonly Action<RowKey, JournalRowState, JsonElement>? _applied;

        /// <param name="applied">
        /// Told of every record that sets a row's state, with the row's key, its state after the record and the
        /// record (valid during the call only); records that say nothing of an authorization are not told.
        /// </param>
        public JournalReplay(Action<RowKey, JournalRowState, JsonElement>? applied = null)
        {
            _applied = applied;
        }

        public KeyTable Entries { get; } = new KeyTable(fullKeys: true);

        /// <summary>Whether a final record with <paramref name="code"/> leaves the outcome open (<see cref="ResultCodeTable"/>).</summary>
        internal static JournalRowState Classify(bool success, string code)
        {
            if (success)
            {
                return JournalRowState.Done;
            }

            switch (ResultCodeTable.Of(code).Outcome)
            {
                case AuthorizationOutcome.Ended: return JournalRowState.Done;
                case AuthorizationOutcome.Open: return JournalRowState.Unknown;
                default: return JournalRowState.Failed;
            }
        }

        /// <summary>One record (a line without its end); a <see cref="FormatException"/> naming the fault when it is not one this module writes.</summary>
        public void Apply(ReadOnlyMemory<byte> line)
        {
            try
            {
                using (JsonDocument document = JsonDocument.Parse(line))
                {
                    JsonElement root = document.RootElement;
                    string kind = root.GetProperty("event").GetString() ?? string.Empty;
                    if (!AuthorizationTarget.TryCreate(JournalFormat.ReadIdentity(root), out AuthorizationTarget? target, out _))
                    {
                        return; // a row with bad input: nothing to remember
                    }

                    RowKey key = RowKey.Of(target, _sha);
                    if (kind == "sending")
                    {
                        // A request about to go out after a final record (a retry in a later run) reopens the row.
                        Entries.Set(key, (int)JournalRowState.Sending);
                        _applied?.Invoke(key, JournalRowState.Sending, root);
                    }
                    else if (kind == "result")
                    {
                        string code = root.GetProperty("code").GetString() ?? string.Empty;
                        JournalRowState entry = Classify(root.GetProperty("success").GetBoolean(), code);
                        if (ResultCodeTable.Of(code).NeverSent)
                        {
                            return; // never sent: says nothing of the authorization
                        }

                        // A failure that was refused outright, after a request that may have landed, still leaves it open.
                        Entries.TryGet(key, out int before);
                        if (entry == JournalRowState.Failed && before == (int)JournalRowState.Unknown)
                        {
                            entry = JournalRowState.Unknown;
                        }

                        Entries.Set(key, (int)entry);
                        _applied?.Invoke(key, entry, root);
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException || ex is ArgumentException)
            {
                throw new FormatException(ex.GetType().Name, ex);
            }
        }

        public void Dispose() => _sha.Dispose();
    }
}
