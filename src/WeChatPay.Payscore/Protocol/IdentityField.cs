using System;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>One identity field: its WeChat Pay name, this module's name for it, and how to read and set it.</summary>
    internal sealed class IdentityField
    {
        public IdentityField(string wireName, string propertyName, Func<RowFields, string?> get, Action<RowFields, string?> set)
        {
            WireName = wireName;
            PropertyName = propertyName;
            Get = get;
            Set = set;
        }

        /// <summary>WeChat Pay's name: the CSV column, the request's field, the journal record's key.</summary>
        public string WireName { get; }

        /// <summary>This module's name: the parameter and the result's property.</summary>
        public string PropertyName { get; }

        public Func<RowFields, string?> Get { get; }

        public Action<RowFields, string?> Set { get; }
    }
}
