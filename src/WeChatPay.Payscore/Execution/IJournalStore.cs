using System;
using System.IO;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// Where a journal's bytes live (a file, a blob), held by one run at a time from its opening to its disposal.
    /// It knows nothing of records: <see cref="RunJournal"/> reads what is there once, drops a torn tail, then
    /// appends whole groups of records. A third kind of store is one class that implements this.
    /// </summary>
    /// <remarks>
    /// Opening a store (a static method of each kind) takes the hold, or fails with
    /// <see cref="PayscoreException"/> (<c>JournalUnavailable</c>, <c>JournalInvalid</c>) saying what to fix.
    /// A store opened read-only (-WhatIf, Get-WxPayscoreJournal: <see cref="JournalAccess"/>) takes no hold and is never written.
    /// </remarks>
    internal interface IJournalStore : IDisposable
    {
        /// <summary>
        /// What messages call the journal: a file's path as it was given; for stores with secrets in their address,
        /// a name without them. Messages quote it as an excerpt (<see cref="UserText.ExcerptPath"/>).
        /// </summary>
        string Name { get; }

        /// <summary>What the journal is, as a message says it: "file", "blob".</summary>
        string Kind { get; }

        /// <summary>
        /// The next bytes of the journal as it was when opened, from its start (0 at its end); read once, before
        /// anything is appended. An <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot be read.
        /// </summary>
        int Read(byte[] buffer, int offset, int count);

        /// <summary>
        /// Drops what follows the first <paramref name="length"/> bytes (a torn last record) before the first append;
        /// false when the store cannot cut what it holds (an append blob), and the journal is to close the torn line
        /// instead (<see cref="JournalFormat.TornLineEnd"/>). Not called on a store opened read-only.
        /// </summary>
        bool DropTail(long length);

        /// <summary>
        /// Appends the bytes, which are whole records, so that they outlive the process (a kill); an
        /// <see cref="IOException"/> when they cannot be, after which at most the end of these bytes is missing.
        /// </summary>
        void Append(byte[] buffer, int offset, int count);

        /// <summary>Makes everything appended so far durable (it outlives the machine); an <see cref="IOException"/> when it cannot.</summary>
        void Flush();

        /// <summary>What went wrong, as a short excerpt a message may quote (without paths whole, secrets or addresses).</summary>
        string Reason(Exception ex);

        /// <summary>What to do when the journal could not be written, before the run is resumed: one clause.</summary>
        string WriteFailureAdvice { get; }
    }
}
