using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Verifies and decrypts WeChat Pay's Pay Score notifications (the callbacks to the merchant's notify_url): one
    /// PayscoreNotification per notification whose signature verifies, from stored files or from the headers and body a web framework hands over.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each notification's signature is verified with the WeChat Pay key its Wechatpay-Serial header names (the WeChat
    /// Pay public key or a platform certificate, as configured for every command), its timestamp must be within 300 s
    /// of local time unless -SkipTimestampCheck is given, and its resource is decrypted (AEAD_AES_256_GCM) with the
    /// APIv3 key, which this command requires (-ApiV3Key, the session connection or WXPAY_APIV3_KEY). When the
    /// merchant id is known (-MerchantId, the session connection or WXPAY_MCHID), a notification whose resource names
    /// another merchant is refused (NotificationMerchantMismatch); without one, any merchant's is accepted. No merchant
    /// private key is needed and nothing is sent to WeChat Pay.
    /// </para>
    /// <para>
    /// A file holds one notification as its HTTP request (an optional request line, the headers, an empty line, the
    /// body exactly as received), or as JSON {"headers": {...}, "body": "the raw body"}: a regular file of at most
    /// 80 KiB, UTF-8, or UTF-16 with its byte order mark as Windows PowerShell 5.1's > writes (the body is then taken
    /// as that text in UTF-8). A directory, FIFO or device is refused without being opened. Objects with Headers and
    /// Body properties (an ASP.NET or Azure Functions request, a [pscustomobject]) bind by property name; the body may
    /// be a string, a byte[] or a Stream.
    /// </para>
    /// <para>
    /// A notification that is tampered with, stale, a WeChat Pay signature probe, signed by a key not configured, not
    /// decryptable with the APIv3 key, for another merchant, or not a notification (a header it is read by given twice
    /// with different values among them) gives a non-terminating error with its own error id and no object; the others
    /// go on. WeChat Pay sends a notification again until the endpoint answers, so stored callbacks hold repeats: one
    /// call outputs each NotificationId once, and each repeat is a warning naming its id and where it came from.
    /// Separate calls do not remember each other. The output's OpenId, ServiceId and AppId pipe into
    /// Get-WxPayscorePermission (which then asks by openid).
    /// </para>
    /// </remarks>
    [Cmdlet(VerbsData.ConvertFrom, "WxPayscoreNotification", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(PayscoreNotification))]
    public sealed class ConvertFromWxPayscoreNotificationCommand : WxPayscoreCredentialCommandBase
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string PartsSet = "HeadersAndBody";

        private readonly NotificationRepeats _repeats = new NotificationRepeats();
        private NotificationReader? _reader;
        private long _itemNumber;

        /// <summary>Files of stored notifications, one notification each (regular files of up to 80 KiB); wildcards are expanded.</summary>
        [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [SupportsWildcards]
        public string[]? Path { get; set; }

        /// <summary>Files of stored notifications, taken as written (no wildcards); Get-ChildItem's output binds here.</summary>
        [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        public string[]? LiteralPath { get; set; }

        /// <summary>
        /// The notification's HTTP headers: a hashtable or dictionary, an object whose properties are header names, a
        /// NameValueCollection or HttpHeaders; names in any case. Wechatpay-Timestamp, -Nonce, -Signature and -Serial are
        /// read; one of them given twice with different values is refused.
        /// </summary>
        [Parameter(ParameterSetName = PartsSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public object? Headers { get; set; }

        /// <summary>The notification's raw body exactly as received: a string, a byte[] or a Stream.</summary>
        [Parameter(ParameterSetName = PartsSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RawBody")]
        public object? Body { get; set; }

        /// <summary>
        /// Accepts notifications signed more than 300 s ago, to check stored ones later; the signature is still verified.
        /// Without it, an old notification is refused as a possible replay (NotificationStale).
        /// </summary>
        [Parameter]
        public SwitchParameter SkipTimestampCheck { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            VerificationCredentials credentials;
            try
            {
                credentials = CredentialResolver.ResolveVerification(LayeredSettings(useConnection: true));
            }
            catch (PayscoreException ex)
            {
                throw Stop(ex);
            }

            _reader = new NotificationReader(
                credentials.WechatpayKeys, credentials.ApiV3Key, !SkipTimestampCheck, merchantId: credentials.MerchantId, merchantIdOrigin: credentials.MerchantIdOrigin);
        }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case PartsSet:
                    string description = Messages.Format("Command.NotificationItem", ++_itemNumber);
                    Convert(description, () => new NotificationInput(HeadersOf(Headers, description), NotificationInput.BodyBytes(Unwrap(Body), description), description));
                    break;
                case LiteralPathSet:
                    foreach (string path in LiteralPath ?? Array.Empty<string>())
                    {
                        ConvertFile(path, literal: true);
                    }

                    break;
                default:
                    foreach (string path in Path ?? Array.Empty<string>())
                    {
                        ConvertFile(path, literal: false);
                    }

                    break;
            }
        }

        private void ConvertFile(string path, bool literal)
        {
            foreach (string file in FilesOf(path, literal))
            {
                string description = UserText.ExcerptPath(file);
                Convert(file, () => NotificationFile.Parse(NotificationFile.Read(file, description), description, file));
            }
        }

        /// <summary>The notification of one input (once per call: a repeat is a warning), or its error; the next input goes on either way.</summary>
        private void Convert(object target, Func<NotificationInput> read)
        {
            try
            {
                NotificationInput input = read();
                PayscoreNotification notification = BegunReader().Read(input);
                string? repeat = _repeats.Repeat(notification, input.Description);
                if (repeat == null)
                {
                    WriteObject(notification);
                }
                else
                {
                    WriteWarning(repeat);
                }
            }
            catch (PayscoreNotificationException ex)
            {
                WriteError(new ErrorRecord(ex, ex.ErrorId, CategoryOf(ex.ErrorId), target));
            }
        }

        private NotificationReader BegunReader() =>
            _reader ?? throw new InvalidOperationException(Messages.Format("Command.NotReady"));

        private List<string> FilesOf(string path, bool literal)
        {
            var files = new List<string>();
            try
            {
                if (literal)
                {
                    files.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
                }
                else
                {
                    Collection<string> resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider);
                    if (provider.Name != "FileSystem")
                    {
                        throw new NotSupportedException();
                    }

                    files.AddRange(resolved);
                }
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is SessionStateException || ex is ProviderInvocationException || ex is NotSupportedException || ex is ArgumentException)
            {
                var problem = new PayscoreNotificationException(ErrorIds.NotificationUnreadable, Messages.Format("Command.NotificationFileNotFound", UserText.ExcerptPath(path)));
                WriteError(new ErrorRecord(problem, problem.ErrorId, CategoryOf(problem.ErrorId), path));
            }

            return files;
        }

        /// <summary>
        /// The headers of what was given; of any other object (a [pscustomobject], ConvertFrom-Json's output, a class with
        /// Wechatpay_Timestamp properties) its properties are the headers.
        /// </summary>
        private static NotificationHeaders HeadersOf(object? headers, string description)
        {
            object? value = Unwrap(headers);
            NotificationHeaders? result = NotificationHeaders.From(value);
            if (result == null && value != null && !(value is string) && !value.GetType().IsPrimitive)
            {
                result = new NotificationHeaders();
                foreach (PSPropertyInfo property in PSObject.AsPSObject(headers).Properties)
                {
                    result.Add(property.Name, Unwrap(property.Value));
                }
            }

            return result ?? throw new PayscoreNotificationException(
                ErrorIds.NotificationMalformed,
                value == null
                    ? Messages.Format("Command.NotificationHeadersMissing", description)
                    : Messages.Format("Command.NotificationHeadersUnusable", description, UserText.Excerpt(value.GetType().Name)));
        }

        private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
    }
}
