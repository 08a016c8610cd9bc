using System.Reflection;
using System.Reflection.Emit;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// The types a type of the module refers to: its base and interfaces, its fields' and properties' types, its methods'
/// signatures and locals, and the types, methods and fields their IL names. Layering tests read it for each type,
/// the compiler-made types (lambdas, async state machines) included, since those are types of the assembly too.
/// </summary>
internal static class TypeReferences
{
    public static Type OuterType(Type type)
    {
        while (type.DeclaringType != null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    public static IEnumerable<Type> TypesUsedBy(Type type)
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new List<Type>();
        if (type.BaseType != null)
        {
            found.Add(type.BaseType);
        }

        found.AddRange(type.GetInterfaces());
        found.AddRange(type.GetFields(declared).Select(f => f.FieldType));
        found.AddRange(type.GetProperties(declared).Select(p => p.PropertyType));
        foreach (MethodBase method in type.GetMethods(declared).Cast<MethodBase>().Concat(type.GetConstructors(declared)))
        {
            if (method is MethodInfo info)
            {
                found.Add(info.ReturnType);
            }

            found.AddRange(method.GetParameters().Select(p => p.ParameterType));
            MethodBody? body = method.GetMethodBody();
            if (body != null)
            {
                found.AddRange(body.LocalVariables.Select(l => l.LocalType));
                found.AddRange(TypesCalledBy(method));
            }
        }

        return found.SelectMany(Unwrap).Distinct();
    }

    /// <summary>The string literals (ldstr) in the IL of the type's methods and constructors, its static constructor included.</summary>
    public static IEnumerable<string> StringsUsedBy(Type type)
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (MethodBase method in type.GetMethods(declared).Cast<MethodBase>().Concat(type.GetConstructors(declared)))
        {
            foreach ((OpCode code, int token) in Operands(method))
            {
                if (code.OperandType == OperandType.InlineString)
                {
                    yield return method.Module.ResolveString(token);
                }
            }
        }
    }

    /// <summary>The declaring types of the methods and fields the IL names, and the types it names.</summary>
    private static IEnumerable<Type> TypesCalledBy(MethodBase method)
    {
        Type[] typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : [];
        Type[] methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : [];
        foreach ((OpCode code, int token) in Operands(method))
        {
            if (code.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                MemberInfo? member = method.Module.ResolveMember(token, typeArguments, methodArguments);
                if (member is Type named)
                {
                    yield return named;
                }
                else if (member?.DeclaringType != null)
                {
                    yield return member.DeclaringType;
                }
            }
        }
    }

    /// <summary>Each instruction of the method's IL whose operand is a token (a string, member or type), with that token.</summary>
    private static IEnumerable<(OpCode Code, int Token)> Operands(MethodBase method)
    {
        byte[] il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        int at = 0;
        while (at < il.Length)
        {
            OpCode code = il[at] == 0xFE ? TwoByte[il[at + 1]] : OneByte[il[at]];
            Assert.True(code.Size > 0, $"unknown IL opcode 0x{il[at]:X2} in {method.DeclaringType}.{method.Name}");
            at += code.Size;
            int operand = OperandSize(code.OperandType, il, at);
            if (code.OperandType is OperandType.InlineString or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                yield return (code, BitConverter.ToInt32(il, at));
            }

            at += operand;
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };

    private static readonly OpCode[] OneByte = OpCodeTable(singleByte: true);

    private static readonly OpCode[] TwoByte = OpCodeTable(singleByte: false);

    private static OpCode[] OpCodeTable(bool singleByte)
    {
        var table = new OpCode[256];
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            if ((code.Size == 1) == singleByte)
            {
                table[(ushort)code.Value & 0xFF] = code;
            }
        }

        return table;
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
        {
            return Unwrap(type.GetElementType()!);
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            return new[] { type.GetGenericTypeDefinition() }.Concat(type.GetGenericArguments().SelectMany(Unwrap));
        }

        return [type];
    }
}
