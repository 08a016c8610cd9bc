using System.Management.Automation;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Execution;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Reads the journal of Invoke-WxPayscoreTerminate and shows what became of each authorization it names, one
    /// JournalRow each: Done, Failed, Unknown, or Sending. Even of a run that was killed, or that is still going.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each authorization's state is the one a run resuming the journal would find: Done when its final record
    /// says it ended (OK, SETTLED_BY_QUERY, ALREADY_ENDED); Failed when WeChat Pay refused it and nothing was
    /// changed; Unknown when the outcome is open (a timeout, a broken connection, an answer that did not verify);
    /// Sending when its request was about to leave and no final record followed: the run was killed, or is sending
    /// it now, and WeChat Pay may have ended it. Rows the journal names twice (a resumed run) show their last state
    /// once; rows with bad input, repeated rows and rows not started name no authorization's state and are not
    /// shown. Rows come in the order of the records that set their state.
    /// </para>
    /// <para>
    /// The journal is read, never written or held: a run may write it meanwhile (what it appends while the journal is
    /// read is left for the next reading), and a last line without its end (a run killed while writing it) is left
    /// out, as a run resuming the journal drops it. A file or blob that is not a journal is refused with
    /// JournalInvalid, as the run refuses it; a missing one with JournalNotFound. These errors are non-terminating:
    /// with several journals from the pipeline, the others are still read.
    /// </para>
    /// <para>
    /// Each row has the identifying properties of an input row (OpenId, ServiceId, AppId, AuthorizationCode and the
    /// sub-merchant ones), so the rows pipe into Get-WxPayscorePermission, to ask WeChat Pay about them, and into
    /// Invoke-WxPayscoreTerminate. To resume only some rows, pipe them into Invoke-WxPayscoreTerminate with the same
    /// -JournalPath: a Sending or Unknown row is then asked about before anything is sent again.
    /// </para>
    /// </remarks>
    [Cmdlet(VerbsCommon.Get, "WxPayscoreJournal")]
    [OutputType(typeof(JournalRow))]
    public sealed class GetWxPayscoreJournalCommand : WxPayscoreCommandBase
    {
        /// <summary>
        /// The journal: the -JournalPath of a run of Invoke-WxPayscoreTerminate, a file's path (taken as it is, no
        /// wildcards) or the URL of the append blob with a SAS token (read permission is enough), which is shown
        /// nowhere. From the pipeline by property name too (Path, JournalPath, PSPath).
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("JournalPath", "PSPath")]
        public string Path { get; set; } = string.Empty;

        /// <summary>Only the rows in these states: one or more of Done, Failed, Unknown and Sending. Every row when omitted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public JournalRowState[]? State { get; set; }

        protected override void ProcessRecord()
        {
            // A blob's address is not a path to resolve, and its SAS token is a secret: no error record holds it.
            bool blob = BlobJournalStore.IsBlobAddress(Path);
            string journal;
            try
            {
                journal = blob ? Path : PathOf(Path, PathSetting.JournalToRead);
            }
            catch (PayscoreException ex)
            {
                // Not the value as the target either: it may be key material pasted in the wrong place.
                WriteError(ex, null);
                return;
            }

            JournalReading reading;
            try
            {
                reading = JournalReader.Of(journal).Read(State, WriteObject);
            }
            catch (PayscoreException ex)
            {
                WriteError(ex, blob ? null : journal);
                return;
            }

            string name = UserText.ExcerptPath(reading.Name);
            WriteVerbose(reading.TornBytes > 0
                ? Messages.Format("Command.JournalReadTorn", name, UserText.Count(reading.Records), UserText.Count(reading.Rows), UserText.Count(reading.Shown), UserText.Count(reading.TornBytes))
                : Messages.Format("Command.JournalRead", name, UserText.Count(reading.Records), UserText.Count(reading.Rows), UserText.Count(reading.Shown)));
        }
    }
}
