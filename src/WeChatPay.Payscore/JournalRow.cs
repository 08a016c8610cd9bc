using System;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// What a run's journal says of one authorization at the end of what was read: its last state. A resuming run
    /// decides by it too (Done: not sent; Sending or Unknown: asked about first; Failed: sent).
    /// </summary>
    /// <remarks>No member is 0: the journal's tables keep 0 for an authorization they do not hold.</remarks>
    public enum JournalRowState
    {
        /// <summary>A request was about to be sent, and no final record followed: the run was killed, or is still sending it. WeChat Pay may have ended the authorization.</summary>
        Sending = 1,

        /// <summary>Ended, as the final record says (a verified answer, WeChat Pay's query, or the authorization was ended already).</summary>
        Done = 2,

        /// <summary>Not ended: WeChat Pay refused, or the row was never sent. Sending it again is safe.</summary>
        Failed = 3,

        /// <summary>The final record leaves the outcome open (a timeout, a broken connection, an answer that did not verify): ask WeChat Pay before sending again.</summary>
        Unknown = 4,
    }

    /// <summary>
    /// One authorization of a run's journal, as Get-WxPayscoreJournal shows it: who it is (the same properties as a
    /// row of Invoke-WxPayscoreTerminate, so that it pipes into it and into Get-WxPayscorePermission), its last state,
    /// and the final record's code, message, Request-ID and time.
    /// </summary>
    public sealed class JournalRow
    {
        /// <summary>The most characters of the final record's message a row shows.</summary>
        internal const int MessageExcerpt = 200;

        internal JournalRow(RowFields identity, JournalRowState state)
        {
            Identity = identity;
            State = state;
        }

        public string? OpenId => Identity.OpenId;

        public string? ServiceId => Identity.ServiceId;

        public string? AppId => Identity.AppId;

        /// <summary>The authorization code the row named instead of an openid.</summary>
        public string? AuthorizationCode => Identity.AuthorizationCode;

        /// <summary>The sub-merchant a service provider acted for (sub_mchid).</summary>
        public string? SubMerchantId => Identity.SubMerchantId;

        /// <summary>The sub-merchant's appid (sub_appid), for sub_openid rows.</summary>
        public string? SubAppId => Identity.SubAppId;

        /// <summary>The user's openid under the sub-merchant's sub_appid.</summary>
        public string? SubOpenId => Identity.SubOpenId;

        /// <summary>Done, Failed, Unknown, or Sending (a request left and no final record followed).</summary>
        public JournalRowState State { get; }

        /// <summary>The final record's code (OK, SETTLED_BY_QUERY, TIMEOUT, WeChat Pay's own code, ...); null for a Sending row.</summary>
        public string? Code { get; internal set; }

        /// <summary>The final record's message, cut to 200 characters; null for a Sending row.</summary>
        public string? Message { get; internal set; }

        /// <summary>WeChat Pay's Request-ID of the final answer, when there was one: quote it to WeChat Pay support.</summary>
        public string? RequestId { get; internal set; }

        /// <summary>When the row finished, as the final record says; null for a Sending row.</summary>
        public DateTimeOffset? CompletedAt { get; internal set; }

        /// <summary>The identifying values, as the record carried them.</summary>
        internal RowFields Identity { get; }

        public override string ToString() => $"{Identity.Subject} {ServiceId} {State} {Code}";
    }
}
