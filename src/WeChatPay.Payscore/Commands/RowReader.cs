using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Reads an input row (a CSV line, any object, a hashtable) into its identity values, by WeChat Pay's column names
    /// or this module's property names, case-insensitively; a value that is not text is reported, not guessed at.
    /// </summary>
    internal static class RowReader
    {
        /// <summary>
        /// The row's values, each from the row itself (by its WeChat Pay column name, or by the property name of this
        /// module's own output, so that Get-WxPayscorePermission pipes into Invoke-WxPayscoreTerminate), else the parameter.
        /// </summary>
        public static RowFields Read(PSObject? input, Func<IdentityField, string?> parameterValue)
        {
            List<string>? problems = null;
            RowFields fields = RowFields.From(field =>
            {
                object? value = ValueOf(input, field.WireName, field.PropertyName);
                if (value != null && !IsText(value))
                {
                    (problems ??= new List<string>()).Add(Messages.Format("Command.RowValueNotText", field.WireName, DescribeType(value)));
                    return null;
                }

                return TextOf(value) ?? parameterValue(field);
            });
            fields.ReadProblems = problems;
            if (string.IsNullOrEmpty(fields.ServiceId) || (string.IsNullOrEmpty(fields.OpenId) && string.IsNullOrEmpty(fields.SubOpenId) && string.IsNullOrEmpty(fields.AuthorizationCode)))
            {
                // Only a row that lacks a field needs them: they tell a CSV without its header line, or with padded names.
                fields.Columns = ColumnNames(input);
                fields.PlainText = input?.BaseObject as string;
            }

            return fields;
        }

        /// <summary>
        /// Text, or a whole number (ConvertFrom-Json reads service_id 500001 as a number): what a field can be. A
        /// Boolean would be sent as "True", an array or object as its type name.
        /// </summary>
        private static bool IsText(object value) => value is string || value is char || Numbers.IsWhole(value);

        private static string DescribeType(object value) =>
            value is Array array ? (array.Length == 1 ? Messages.Format("Command.RowValueArrayOfOne") : Messages.Format("Command.RowValueArray", array.Length))
            : value is IDictionary || value is PSCustomObject ? Messages.Format("Command.RowValueObject")
            : Messages.Format("Command.RowValueOfType", value.GetType().Name);

        /// <summary>The column names of a row of columns: a CSV line or custom object (its note properties), or a hashtable (its keys).</summary>
        private static List<string>? ColumnNames(PSObject? input)
        {
            object? row = input?.BaseObject;
            var names = new List<string>();
            if (row is IDictionary dictionary)
            {
                foreach (object key in dictionary.Keys)
                {
                    names.Add(key?.ToString() ?? string.Empty);
                }
            }
            else if (input != null && !(row is string))
            {
                foreach (PSPropertyInfo property in input.Properties.Match("*", PSMemberTypes.NoteProperty))
                {
                    names.Add(property.Name);
                }
            }

            return names.Count > 0 ? names : null;
        }

        /// <summary>The row's own value for a field when it has one (under <paramref name="name"/> or <paramref name="otherName"/>), else the parameter's.</summary>
        public static string? Value(PSObject? input, string name, string? fallback, string? otherName = null) =>
            TextOf(ValueOf(input, name, otherName)) ?? fallback;

        /// <summary>What a row's error record names as its target: the row itself, else the value that names the user.</summary>
        public static object ErrorTarget(PSObject? input, RowFields fields) =>
            input ?? (object?)fields.OpenId ?? fields.AuthorizationCode ?? fields.SubOpenId ?? string.Empty;

        private static string? TextOf(object? value)
        {
            string? text = value == null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
            return string.IsNullOrEmpty(text) ? null : text;
        }

        /// <summary>The row's own value under <paramref name="name"/> or <paramref name="otherName"/>, unwrapped; null when it has none.</summary>
        private static object? ValueOf(PSObject? input, string name, string? otherName)
        {
            object? value = null;
            object? row = input?.BaseObject;
            if (row is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    string? key = entry.Key?.ToString();
                    if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) || string.Equals(key, otherName, StringComparison.OrdinalIgnoreCase))
                    {
                        value = entry.Value;
                        break;
                    }
                }
            }
            else if (input != null && !(row is string))
            {
                value = (input.Properties[name] ?? (otherName != null ? input.Properties[otherName] : null))?.Value;
            }

            return value is PSObject wrapped ? wrapped.BaseObject : value;
        }
    }
}
