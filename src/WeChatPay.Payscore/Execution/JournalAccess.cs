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
        /// end in "Nothing was sent." (<see cref="WithOutcome"/>); otherwise a missing journal is refused (<see cref="ErrorIds.JournalNotFound"/>).
        /// </summary>
        public bool ForRun { get; }

        /// <summary>The parameter that gave the journal, as messages name it.</summary>
        public string Parameter => ForRun ? "-JournalPath" : "-Path";

        /// <summary>
        /// <paramref name="message"/> as it ends for this access: for a run's own opening, which stops the run before
        /// anything was sent, followed by the sentence that says so; for a reader as it is.
        /// </summary>
        public string WithOutcome(string message) => ForRun ? Messages.Format("Journal.NothingWasSent", message) : message;

        /// <summary>The permissions a SAS token needs for a journal in a blob, as a message says them.</summary>
        public string SasPermissions => ForRun ? Messages.Format("Journal.SasPermissionsRun") : Messages.Format("Journal.SasPermissionsReader");

        /// <summary>What to give <see cref="Parameter"/> instead of what is not a journal, for a store of <paramref name="kind"/> (<see cref="IJournalStore.Kind"/>).</summary>
        public string Instead(string kind) =>
            ForRun ? Messages.Format("Journal.InsteadRun", kind) : Messages.Format("Journal.InsteadReader", kind);

        /// <summary>
        /// The error for a store that does not hold a journal (<see cref="JournalFormat.ReadLines"/> says
        /// <paramref name="why"/>): the store is left as it was, whoever opened it.
        /// </summary>
        public PayscoreException NotAJournal(IJournalStore store, string why, Exception? inner) =>
            new PayscoreException(
                ErrorIds.JournalInvalid,
                WithOutcome(Messages.Format("Journal.NotAJournal", store.Kind, UserText.ExcerptPath(store.Name), why, Parameter, Instead(store.Kind))),
                inner);

        /// <summary>The error for a store that was opened and could not be read.</summary>
        public PayscoreException Unreadable(IJournalStore store, Exception ex) =>
            new PayscoreException(
                ErrorIds.JournalUnavailable,
                WithOutcome(Messages.Format("Journal.CannotBeRead", UserText.ExcerptPath(store.Name), store.Reason(ex))));
    }
}
