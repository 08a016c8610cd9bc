using System;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// Who opens a journal, and so how: a run writes it, a run's preview (-WhatIf) reads it as the run would, and
    /// Get-WxPayscoreJournal reads it to show what runs did. The stores open it accordingly, and their messages
    /// name the parameter the journal came from and say what to give it.
    /// </summary>
    internal sealed class JournalAccess
    {
        /// <summary>Invoke-WxPayscoreTerminate -JournalPath: opens or creates the journal and holds it.</summary>
        public static readonly JournalAccess Run = new JournalAccess(readOnly: false, forRun: true);

        /// <summary>Invoke-WxPayscoreTerminate -JournalPath -WhatIf: reads the journal, holds nothing; a missing one is a new, empty journal.</summary>
        public static readonly JournalAccess Preview = new JournalAccess(readOnly: true, forRun: true);

        /// <summary>Get-WxPayscoreJournal -Path: reads the journal, holds nothing; a missing one is refused.</summary>
        public static readonly JournalAccess Reader = new JournalAccess(readOnly: true, forRun: false);

        /// <summary>A run's own opening: <see cref="Preview"/> under -WhatIf, else <see cref="Run"/>.</summary>
        public static JournalAccess OfRun(bool preview) => preview ? Preview : Run;

        private JournalAccess(bool readOnly, bool forRun)
        {
            ReadOnly = readOnly;
            ForRun = forRun;
        }

        /// <summary>The store of the journal at <paramref name="pathOrAddress"/> (a file's full path, or a blob's URL with a SAS token), opened for this access.</summary>
        public IJournalStore Open(string pathOrAddress) =>
            BlobJournalStore.IsBlobAddress(pathOrAddress) ? BlobJournalStore.Open(pathOrAddress, this) : FileJournalStore.Open(pathOrAddress, this);

        /// <summary>Nothing is written, and no hold is taken: a run may hold the journal and write it meanwhile.</summary>
        public bool ReadOnly { get; }

        /// <summary>
        /// A run's own opening (or its preview): a missing journal is a new one, and messages name -JournalPath and
        /// end in "Nothing was sent."; otherwise a missing journal is refused (<see cref="ErrorIds.JournalNotFound"/>).
        /// </summary>
        public bool ForRun { get; }

        /// <summary>The parameter that gave the journal, as messages name it.</summary>
        public string Parameter => ForRun ? "-JournalPath" : "-Path";

        /// <summary>The sentence that ends a message that stops a run before anything was sent (with its leading space); empty for a reader.</summary>
        public string Outcome => ForRun ? " Nothing was sent." : string.Empty;

        /// <summary>What the account must be allowed to do with a journal file.</summary>
        public string FileRights => ForRun ? "read and write" : "read";

        /// <summary>The permissions a SAS token needs for a journal in a blob, as a message says them.</summary>
        public string SasPermissions => ForRun ? "read, add, create and write permissions" : "read permission";

        /// <summary>What to give <see cref="Parameter"/> instead of what is not a journal, for a store of <paramref name="kind"/> ("file", "blob").</summary>
        public string Instead(string kind) =>
            ForRun ? $"a journal from Invoke-WxPayscoreTerminate, or a new {kind}" : $"a journal {kind} that Invoke-WxPayscoreTerminate wrote";

        /// <summary>
        /// The error for a store that does not hold a journal (<see cref="JournalFormat.ReadLines"/> says
        /// <paramref name="why"/>): the store is left as it was, whoever opened it.
        /// </summary>
        public PayscoreException NotAJournal(IJournalStore store, string why, Exception? inner) =>
            new PayscoreException(
                ErrorIds.JournalInvalid,
                $"The {store.Kind} '{UserText.ExcerptPath(store.Name)}' is not a journal: {why}. It was left as it was. Give {Parameter} {Instead(store.Kind)}.{Outcome}",
                inner);

        /// <summary>The error for a store that was opened and could not be read.</summary>
        public PayscoreException Unreadable(IJournalStore store, Exception ex) =>
            new PayscoreException(
                ErrorIds.JournalUnavailable,
                $"The journal '{UserText.ExcerptPath(store.Name)}' cannot be read ({store.Reason(ex)}).{Outcome}");
    }
}
