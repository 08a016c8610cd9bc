using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Shows PowerShell the properties of a <see cref="PayscoreRowResult"/> in the order of its columns
    /// (<see cref="PayscoreRowResult.Columns"/>), the order Export-Csv writes them in. PowerShell creates it; the
    /// module registers it (<see cref="TypeData"/>) when it is imported.
    /// </summary>
    public sealed class RowResultAdapter : PSPropertyAdapter
    {
        private static readonly ConcurrentDictionary<Type, ColumnSet> ColumnSets = new ConcurrentDictionary<Type, ColumnSet>();

        /// <summary>The type data that puts every result type behind this adapter: what Update-TypeData is given on import.</summary>
        public static TypeData[] TypeData { get; } = new[] { typeof(TerminateResult), typeof(PayscorePermission) }
            .Select(type => new TypeData(type) { TypeAdapter = typeof(RowResultAdapter) })
            .ToArray();

        public override Collection<PSAdaptedProperty> GetProperties(object baseObject) =>
            new Collection<PSAdaptedProperty>(ColumnsOf(baseObject).All.Select(column => new PSAdaptedProperty(column.Name, column)).ToList());

        public override PSAdaptedProperty? GetProperty(object baseObject, string propertyName) =>
            ColumnsOf(baseObject).ByName.TryGetValue(propertyName, out Column? column) ? new PSAdaptedProperty(column.Name, column) : null;

        public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty) => ColumnOf(adaptedProperty).Type.FullName ?? string.Empty;

        public override object? GetPropertyValue(PSAdaptedProperty adaptedProperty) => ColumnOf(adaptedProperty).Read(adaptedProperty.BaseObject);

        public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

        /// <summary>A result says what happened; PowerShell may read it, never change it (the setters are internal).</summary>
        public override bool IsSettable(PSAdaptedProperty adaptedProperty) => false;

        public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object value) =>
            throw new NotSupportedException(Messages.Format("Command.ResultReadOnly", adaptedProperty.Name));

        private static Column ColumnOf(PSAdaptedProperty property) => (Column)property.Tag;

        /// <summary>The result type's columns, made once per type: PowerShell asks for a column of every row.</summary>
        private static ColumnSet ColumnsOf(object baseObject)
        {
            Type type = baseObject.GetType();
            return ColumnSets.TryGetValue(type, out ColumnSet? columns)
                ? columns
                : ColumnSets.GetOrAdd(type, new ColumnSet(((PayscoreRowResult)baseObject).Columns.Select(name => new Column(type, name))));
        }

        private sealed class ColumnSet
        {
            public ColumnSet(IEnumerable<Column> columns)
            {
                All = columns.ToArray();
                ByName = All.ToDictionary(column => column.Name, StringComparer.OrdinalIgnoreCase);
            }

            public IReadOnlyList<Column> All { get; }

            public Dictionary<string, Column> ByName { get; }
        }

        /// <summary>One public property of a result type, read through a compiled getter: Export-Csv reads every column of every row.</summary>
        private sealed class Column
        {
            public Column(Type resultType, string name)
            {
                PropertyInfo property = resultType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance)
                    ?? throw new InvalidOperationException(Messages.Format("Command.ResultColumnMissing", resultType.Name, name));
                ParameterExpression result = Expression.Parameter(typeof(object), "result");
                Read = Expression.Lambda<Func<object, object?>>(
                    Expression.Convert(Expression.Property(Expression.Convert(result, resultType), property), typeof(object)), result).Compile();
                Name = property.Name;
                Type = property.PropertyType;
            }

            public string Name { get; }

            public Type Type { get; }

            public Func<object, object?> Read { get; }
        }
    }
}
