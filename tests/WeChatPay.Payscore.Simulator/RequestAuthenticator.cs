using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace WeChatPay.Payscore.Simulator;

/// <summary>The five parameters of a WECHATPAY2-SHA256-RSA2048 Authorization header.</summary>
internal readonly record struct AuthorizationParameters(
    string MerchantId, string NonceStr, string Signature, string Timestamp, string SerialNo)
{
    public const string Scheme = "WECHATPAY2-SHA256-RSA2048 ";

    /// <summary>
    /// Parses strictly, as WeChat Pay does: the scheme and one space, then exactly the five
    /// <c>key="value"</c> pairs in any order, separated by a bare comma. Spaces between pairs, unknown,
    /// missing or repeated keys, unquoted values and trailing commas are all refused.
    /// </summary>
    public static bool TryParse(string header, out AuthorizationParameters parameters)
    {
        parameters = default;
        if (!header.StartsWith(Scheme, StringComparison.Ordinal) || header.Length == Scheme.Length)
        {
            return false;
        }

        string? mchid = null, nonce = null, signature = null, timestamp = null, serial = null;
        int i = Scheme.Length;
        while (true)
        {
            int equals = header.IndexOf('=', i);
            if (equals <= i || equals + 1 >= header.Length || header[equals + 1] != '"')
            {
                return false;
            }

            int close = header.IndexOf('"', equals + 2);
            if (close < 0)
            {
                return false;
            }

            string value = header.Substring(equals + 2, close - equals - 2);
            ReadOnlySpan<char> key = header.AsSpan(i, equals - i);
            bool fresh = key switch
            {
                "mchid" => Assign(ref mchid, value),
                "nonce_str" => Assign(ref nonce, value),
                "signature" => Assign(ref signature, value),
                "timestamp" => Assign(ref timestamp, value),
                "serial_no" => Assign(ref serial, value),
                _ => false,
            };
            if (!fresh)
            {
                return false;
            }

            i = close + 1;
            if (i == header.Length)
            {
                break;
            }

            if (header[i] != ',' || i + 1 == header.Length)
            {
                return false;
            }

            i++;
        }

        if (mchid == null || nonce == null || signature == null || timestamp == null || serial == null)
        {
            return false;
        }

        parameters = new AuthorizationParameters(mchid, nonce, signature, timestamp, serial);
        return true;
    }

    private static bool Assign(ref string? slot, string value)
    {
        if (slot != null)
        {
            return false;
        }

        slot = value;
        return true;
    }
}

/// <summary>
/// Checks a request's APIv3 credentials (headers, Authorization, merchant, serial, timestamp, nonce and the
/// SHA256withRSA signature over the exact bytes received), independently of any client code.
/// </summary>
internal sealed class RequestAuthenticator(SimulatorKeys keys, int timestampSkewSeconds, NonceCache nonces)
{
    private const int MaxSignatureBytes = 512;
    private const int TruncatedSignMessageLength = 50;

    /// <summary>Steps that need only the headers. On success the nonce is taken; give it back with <see cref="Release"/>.</summary>
    public ApiError? CheckHeaders(HttpRequest request, long now, out AuthorizationParameters authorization)
    {
        authorization = default;
        if (IsMissing(request.Headers.Accept) || IsMissing(request.Headers.UserAgent))
        {
            return ApiError.InvalidRequest("Http头缺少Accept或User-Agent");
        }

        StringValues header = request.Headers.Authorization;
        if (header.Count != 1 || !AuthorizationParameters.TryParse(header[0]!, out authorization))
        {
            return ApiError.SignError("Authorization不合法");
        }

        if (!string.Equals(authorization.MerchantId, keys.MerchantId, StringComparison.Ordinal))
        {
            return ApiError.SignError("Authorization中的商户号mchid有误");
        }

        if (!string.Equals(authorization.SerialNo, keys.MerchantSerialNumber, StringComparison.Ordinal))
        {
            return ApiError.SignError("商户证书序列号有误");
        }

        if (!TryParseTimestamp(authorization.Timestamp, out long timestamp))
        {
            return ApiError.SignError("Authorization中的timestamp格式有误，应为10位Unix时间戳（秒）");
        }

        if (Math.Abs(now - timestamp) > timestampSkewSeconds)
        {
            return ApiError.SignError($"请求时间戳与系统时间相差超过{timestampSkewSeconds}秒");
        }

        if (authorization.NonceStr.Length is < 1 or > 32)
        {
            return ApiError.SignError("Authorization中的nonce_str长度应为1到32个字符");
        }

        if (!nonces.TryRemember(authorization.NonceStr, timestamp + timestampSkewSeconds + 1, now))
        {
            return ApiError.SignError("nonce重复");
        }

        return null;
    }

    /// <summary>Forgets a nonce taken by a request whose signature failed, so it cannot block the merchant.</summary>
    public void Release(in AuthorizationParameters authorization) => nonces.Forget(authorization.NonceStr);

    /// <summary>
    /// Verifies the signature over "METHOD\nTARGET\ntimestamp\nnonce\nBODY\n" with the merchant certificate's key.
    /// </summary>
    public ApiError? VerifySignature(string method, string rawTarget, in AuthorizationParameters authorization, ReadOnlySpan<byte> body)
    {
        int length = Encoding.UTF8.GetByteCount(method) + Encoding.UTF8.GetByteCount(rawTarget)
            + authorization.Timestamp.Length + Encoding.UTF8.GetByteCount(authorization.NonceStr) + body.Length + 5;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int written = 0;
            written += Encoding.UTF8.GetBytes(method, rented.AsSpan(written));
            rented[written++] = (byte)'\n';
            written += Encoding.UTF8.GetBytes(rawTarget, rented.AsSpan(written));
            rented[written++] = (byte)'\n';
            written += Encoding.UTF8.GetBytes(authorization.Timestamp, rented.AsSpan(written));
            rented[written++] = (byte)'\n';
            written += Encoding.UTF8.GetBytes(authorization.NonceStr, rented.AsSpan(written));
            rented[written++] = (byte)'\n';
            body.CopyTo(rented.AsSpan(written));
            written += body.Length;
            rented[written++] = (byte)'\n';
            ReadOnlySpan<byte> message = rented.AsSpan(0, written);

            if (IsValidSignature(message, authorization.Signature))
            {
                return null;
            }

            return SignatureMismatch(method, rawTarget, message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private bool IsValidSignature(ReadOnlySpan<byte> message, string signature)
    {
        Span<byte> decoded = stackalloc byte[MaxSignatureBytes];
        if (signature.Length == 0 || signature.Length > MaxSignatureBytes * 4 / 3 + 4
            || !Convert.TryFromBase64String(signature, decoded, out int decodedLength))
        {
            return false;
        }

        try
        {
            return keys.MerchantVerifier.VerifyData(
                message, decoded[..decodedLength], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static ApiError SignatureMismatch(string method, string rawTarget, ReadOnlySpan<byte> message)
    {
        // Like WeChat Pay, echo the start of the string that was verified so the merchant can compare it
        // with what was signed; newlines are shown as a visible \n.
        string head = Encoding.UTF8.GetString(message[..Math.Min(message.Length, TruncatedSignMessageLength * 4)]);
        string truncated = head[..Math.Min(head.Length, TruncatedSignMessageLength)].Replace("\n", "\\n", StringComparison.Ordinal);
        int messageLength = message.Length;
        return new ApiError(401, "SIGN_ERROR", "签名错误", w =>
        {
            w.WriteStartObject();
            w.WriteString("field", "signature");
            w.WriteString("location", "authorization");
            w.WritePropertyName("detail");
            w.WriteStartObject();
            w.WriteString("issue", "sign not match");
            w.WriteEndObject();
            w.WritePropertyName("sign_information");
            w.WriteStartObject();
            w.WriteString("method", method);
            w.WriteString("url", rawTarget);
            w.WriteString("truncated_sign_message", truncated);
            w.WriteNumber("sign_message_length", messageLength);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static bool TryParseTimestamp(string text, out long timestamp)
    {
        timestamp = 0;
        if (text.Length != 10)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            timestamp = (timestamp * 10) + (c - '0');
        }

        return true;
    }

    private static bool IsMissing(StringValues values)
    {
        foreach (string? value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return false;
            }
        }

        return true;
    }
}
