using System;
using System.Collections.Generic;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// The notifications one call has given out, by NotificationId. WeChat Pay sends a notification again until the
    /// merchant's endpoint answers it, so stored callbacks hold the same notification several times; one call gives
    /// each out once. Only the ids are kept, and only for the call: a later call knows nothing of this one.
    /// </summary>
    internal sealed class NotificationRepeats
    {
        private readonly Dictionary<string, string> _firstFrom = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>
        /// Null when <paramref name="notification"/> is the first with its id (or has none); for a repeat, the warning
        /// that names it, where it came from and where it came first.
        /// </summary>
        public string? Repeat(PayscoreNotification notification, string description)
        {
            string? id = notification.NotificationId;
            if (id == null)
            {
                return null;
            }

            if (_firstFrom.TryGetValue(id, out string? first))
            {
                return Messages.Format("Notify.Repeat", description, UserText.Excerpt(id), first);
            }

            _firstFrom.Add(id, description);
            return null;
        }
    }
}
