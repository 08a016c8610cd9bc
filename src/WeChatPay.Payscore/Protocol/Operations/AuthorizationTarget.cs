using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// One authorization, validated: what a row ends or asks about. The row's values decide its kind, so that one
    /// CSV may mix openid, authorization_code and sub_mchid rows, and sub_mchid rows by authorization_code. Only <see cref="TryCreate"/> makes one.
    /// </summary>
    internal sealed class AuthorizationTarget
    {
        private AuthorizationTarget(TargetKind kind, RowFields fields)
        {
            Kind = kind;
            Fields = fields;
            ServiceId = Validated(fields.ServiceId, "service_id");
        }

        public TargetKind Kind { get; }

        /// <summary>The values the requests carry; values the kind does not send (appid of a code row) are dropped.</summary>
        public RowFields Fields { get; }

        public string ServiceId { get; }

        public static bool TryCreate(RowFields fields, [NotNullWhen(true)] out AuthorizationTarget? target, out IReadOnlyList<string> problems)
        {
            TargetKind kind = KindOf(fields);
            problems = Validate(kind, fields);
            target = problems.Count == 0 ? new AuthorizationTarget(kind, TargetKindTable.Of(kind).Carried(fields)) : null;
            return target != null;
        }

        public static TargetKind KindOf(RowFields fields) => TargetKindTable.KindOf(fields);

        /// <summary>Every problem of the fields that name an authorization of <paramref name="kind"/>, each naming its field; empty when they are valid.</summary>
        public static List<string> Validate(TargetKind kind, RowFields fields)
        {
            var problems = new List<string>(0);
            if (fields.ReadProblems != null)
            {
                // A value that is not text is refused as such; its field rules would only say the same again.
                problems.AddRange(fields.ReadProblems);
                return problems;
            }

            InputValidator.CheckHeader(problems, fields);
            TargetKindTable.Of(kind).Validate(problems, fields);
            return problems;
        }

        /// <summary>The query that says whether this authorization stands, path and query string as signed and sent.</summary>
        public string QueryPath => TargetKindTable.Of(Kind).Query.PathAndQuery(Fields);

        /// <summary>
        /// Text that names this authorization and no other, whatever endpoint ends it: two rows with the same identity
        /// are the same authorization.
        /// </summary>
        public string Identity => TargetKindTable.Of(Kind).Identity(Fields);

        /// <summary>For confirmation prompts and messages: the values that name the authorization.</summary>
        public override string ToString() => TargetKindTable.Of(Kind).Describe(Fields);

        /// <summary>
        /// A value the kind requires. <see cref="TryCreate"/> validated it, so a null here is a defect in this
        /// module, reported as such rather than sent.
        /// </summary>
        internal static string Validated(string? value, string field) =>
            value ?? throw new InvalidOperationException(Messages.Format("Protocol.TargetFieldMissing", field));
    }
}
