using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Every text the module writes comes from its messages files, in English and in Chinese: both languages have the
/// same ids with the same placeholders, every id the code uses exists and every id is used, each call fills as many
/// placeholders as the text has, and no text for people is written in the code itself.
/// </summary>
public sealed partial class MessagesTests
{
    private static readonly Assembly ModuleAssembly = typeof(Messages).Assembly;

    private static readonly string[] Languages = [.. Messages.Languages];

    /// <summary>
    /// Literals of the module that read like words but are not messages: each is a protocol token, a format or a name
    /// that must not be translated. Anything else with a space between words is a message built outside the files.
    /// </summary>
    private static readonly HashSet<string> NotMessages = new(StringComparer.Ordinal)
    {
        // === Config ===
        // === end of Config ===
        // === Crypto ===
        // PEM block labels (RFC 7468), matched in the key files' BEGIN lines.
        "PRIVATE KEY",
        "RSA PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
        "PUBLIC KEY",
        "RSA PUBLIC KEY",
        // === end of Crypto ===
        // === Check ===
        // === end of Check ===
        // === Protocol ===
        // EndpointTable's query fields: WeChat Pay's names, a trailing '?' marking one left out when the row has no value.
        "openid?",
        "sub_appid?",
        "sub_openid?",
        // === end of Protocol ===
        // === Answer ===
        // WechatpayCodes: WeChat Pay's own Chinese words, searched for in the message of its error answers.
        "序列号",
        "无可用的平台证书",
        "证书不存在",

        // RequestSigner: a part of the Authorization header WeChat Pay reads (WECHATPAY2-SHA256-RSA2048 mchid="...").
        " mchid=\"",
        // === end of Answer ===
        // === Notify ===
        // === end of Notify ===
        // === Journal ===
        ".NET Framework", // the start of RuntimeInformation.FrameworkDescription that tells Windows PowerShell 5.1's runtime
        // === end of Journal ===
        // === Result ===
        // === end of Result ===
        // === View ===
        // ViewText: the prefix of the ids a view may ask for.
        "View.",
        // === end of View ===
        // === Command ===
        // === end of Command ===
    };

    [Fact]
    public void Both_languages_have_the_same_ids()
    {
        string[] english = [.. Messages.TableOf("en-US").Keys.Order(StringComparer.Ordinal)];
        string[] chinese = [.. Messages.TableOf("zh-CN").Keys.Order(StringComparer.Ordinal)];

        Assert.NotEmpty(english);
        Assert.Empty(english.Except(chinese));
        Assert.Empty(chinese.Except(english));
    }

    [Fact]
    public void Each_message_has_the_same_placeholders_in_both_languages()
    {
        string[] differing = Messages.TableOf("en-US")
            .Where(m => !Placeholders(m.Value).SetEquals(Placeholders(Messages.TableOf("zh-CN")[m.Key])))
            .Select(m => m.Key)
            .ToArray();

        Assert.Empty(differing);
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public void Every_message_formats_with_its_arguments(string language)
    {
        foreach ((string id, string text) in Messages.TableOf(language))
        {
            object[] args = Enumerable.Range(0, Arity(text)).Select(i => (object)("arg" + i)).ToArray();

            string written = string.Format(CultureInfo.InvariantCulture, text, args);

            Assert.False(string.IsNullOrWhiteSpace(written), id);
        }
    }

    [Fact]
    public void Every_Chinese_message_is_written_in_Chinese()
    {
        // A text copied from English and left untranslated has no CJK character.
        string[] untranslated = Messages.TableOf("zh-CN").Where(m => !Regex.IsMatch(m.Value, @"\p{IsCJKUnifiedIdeographs}")).Select(m => m.Key).ToArray();

        Assert.Empty(untranslated);
    }

    [Fact]
    public void A_Chinese_message_keeps_the_error_ids_and_result_codes_of_its_English_one()
    {
        // Scripts and admins search for ids and codes: a translation names the same ones. "WeChat" is a word, not an
        // id: Chinese writes 微信.
        var tokens = new Regex(@"\b(?:[A-Z][a-z]+){2,}\b|\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b|-[A-Z][A-Za-z]+\b|\bWXPAY_[A-Z_]+\b");
        string[] lost = Messages.TableOf("en-US")
            .SelectMany(m => tokens.Matches(m.Value).Select(t => t.Value).Distinct()
                .Where(token => token != "WeChat" && !Messages.TableOf("zh-CN")[m.Key].Contains(token, StringComparison.Ordinal))
                .Select(token => m.Key + ": " + token))
            .ToArray();

        Assert.Empty(lost);
    }

    [Fact]
    public void Every_id_the_code_uses_exists_and_every_id_is_used()
    {
        HashSet<string> defined = [.. Messages.TableOf("en-US").Keys];
        // The views name their texts' ids too ([WeChatPay.Payscore.ViewText]::Of('View.None')).
        string views = RepositoryFiles.PathOf("src/WeChatPay.Payscore/WeChatPay.Payscore.Format.ps1xml");
        HashSet<string> used = [.. SourceFiles().Append(views).SelectMany(file => IdLiteral().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))];

        Assert.NotEmpty(used);
        Assert.Empty(used.Except(defined));
        Assert.Empty(defined.Except(used));
    }

    [Fact]
    public void Each_call_fills_as_many_placeholders_as_its_message_has()
    {
        var calls = SourceFiles()
            .SelectMany(file => FormatCall().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Id: m.Groups[1].Value, Args: ArgumentCount(File.ReadAllText(file), m.Index + m.Length))))
            .ToArray();

        Assert.NotEmpty(calls);
        string[] wrong = calls
            .Where(c => Messages.TableOf("en-US").TryGetValue(c.Id, out string? text) && Arity(text) != c.Args)
            .Select(c => $"{c.File}: {c.Id} is given {c.Args} values for {Arity(Messages.TableOf("en-US")[c.Id])} placeholders")
            .ToArray();
        Assert.Empty(wrong);
    }

    [Fact]
    public void No_text_for_people_is_written_in_the_code()
    {
        string[] prose = ModuleAssembly.GetTypes()
            .Where(t => TypeReferences.OuterType(t) != typeof(Messages))
            .SelectMany(t => TypeReferences.StringsUsedBy(t).Select(s => (Type: TypeReferences.OuterType(t).Name, Text: s)))
            .Where(s => LooksLikeProse(s.Text) && !NotMessages.Contains(s.Text))
            .Select(s => $"{s.Type}: \"{s.Text}\"")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.True(prose.Length == 0, "Texts built outside the messages files:\n" + string.Join("\n", prose));
    }

    [Fact]
    public void The_prose_test_sees_a_message_written_in_the_code()
    {
        // Without this the test above could pass blind.
        Assert.True(LooksLikeProse(" was not found."));
        Assert.True(LooksLikeProse("reason is blank"));
        Assert.True(LooksLikeProse(" failed"));
        Assert.True(LooksLikeProse("没有找到"));
        Assert.False(LooksLikeProse("WECHATPAY2-SHA256-RSA2048"));
        Assert.False(LooksLikeProse("service_id"));
        Assert.Contains(TypeReferences.StringsUsedBy(typeof(MessagesTests)), s => s == " was not found.");
    }

    [Theory]
    [InlineData("zh-CN", "zh-CN")]
    [InlineData("zh-Hans", "zh-CN")]
    [InlineData("zh-SG", "zh-CN")]
    [InlineData("zh", "zh-CN")]
    [InlineData("zh-TW", "en-US")]
    [InlineData("zh-HK", "en-US")]
    [InlineData("en-US", "en-US")]
    [InlineData("en-GB", "en-US")]
    [InlineData("fr-FR", "en-US")]
    [InlineData("", "en-US")]
    public void A_culture_gets_the_language_it_reads(string culture, string language) =>
        Assert.Equal(language, Messages.LanguageOf(CultureInfo.GetCultureInfo(culture)));

    [Fact]
    public void The_session_culture_reaches_work_on_the_thread_pool()
    {
        string english = Messages.FormatIn(CultureInfo.GetCultureInfo("en-US"), "Excerpt.Cut", 100);
        string chinese = Messages.FormatIn(CultureInfo.GetCultureInfo("zh-CN"), "Excerpt.Cut", 100);
        Assert.NotEqual(english, chinese);

        // Each run in a context of its own, as two sessions of one process: the thread pool's threads keep the
        // process's culture, the work gets its session's.
        string InSession(string culture) => Task.Run(() =>
        {
            Messages.UseCulture(CultureInfo.GetCultureInfo(culture));
            return Task.Run(async () =>
            {
                await Task.Yield();
                return Messages.Format("Excerpt.Cut", 100);
            });
        }).GetAwaiter().GetResult();

        Assert.Equal(chinese, InSession("zh-CN"));
        Assert.Equal(english, InSession("en-US"));
    }

    [Fact]
    public void A_messages_file_with_a_repeated_or_missing_id_is_refused()
    {
        Assert.Equal("b = c", Messages.Parse("# note\n\na.b = b = c\r\n")["a.b"]);
        Assert.Throws<FormatException>(() => Messages.Parse("a = 1\na = 2\n"));
        Assert.Throws<FormatException>(() => Messages.Parse("= 1\n"));
        Assert.Throws<FormatException>(() => Messages.Parse("just text\n"));
    }

    [Fact]
    public void An_id_no_language_has_is_written_as_the_id()
    {
        // Never a crash for a row: the tests above keep this from happening.
        Assert.Equal("Nowhere.Id", Messages.Format("Nowhere.Id"));
    }

    /// <summary>
    /// Words with a space between them, a sentence's full stop, a word after a space (the tail of an interpolated
    /// message), or Chinese: what a message reads like.
    /// </summary>
    internal static bool LooksLikeProse(string text) =>
        Regex.IsMatch(text, @"\p{IsCJKUnifiedIdeographs}")
        || Regex.IsMatch(text, @"[A-Za-z]{2,}[^\S\n]+[A-Za-z(']|[a-z)'][^\S\n]+[A-Za-z]{2,}|[a-z]{2,}[.!?]$|^[^\S\n]+[a-z]{3,}");

    /// <summary>The placeholder numbers of a composite format string.</summary>
    private static HashSet<int> Placeholders(string text) =>
        [.. Placeholder().Matches(text.Replace("{{", string.Empty, StringComparison.Ordinal).Replace("}}", string.Empty, StringComparison.Ordinal))
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    private static int Arity(string text) => Placeholders(text).DefaultIfEmpty(-1).Max() + 1;

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(RepositoryFiles.PathOf("src/WeChatPay.Payscore"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>The arguments after the id of a call whose id ends at <paramref name="at"/>: top-level commas up to its closing parenthesis.</summary>
    private static int ArgumentCount(string source, int at)
    {
        int depth = 0, count = 0;
        for (int i = at; i < source.Length; i++)
        {
            char c = source[i];
            if (c == '"' || c == '\'')
            {
                bool verbatim = i > 0 && source[i - 1] == '@';
                for (i++; i < source.Length && source[i] != c; i++)
                {
                    if (source[i] == '\\' && !verbatim)
                    {
                        i++;
                    }
                }
            }
            else if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (depth-- == 0)
                {
                    return count;
                }
            }
            else if (c == ',' && depth == 0)
            {
                count++;
            }
        }

        throw new InvalidOperationException("A call to Messages.Format has no closing parenthesis.");
    }

    [GeneratedRegex(@"\{(\d+)[^}]*\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"(?<!cref=)[""']((?:Excerpt|Text|Config|Crypto|Check|Protocol|Answer|Notify|Journal|Result|View|Command)\.[A-Za-z0-9_.]+)[""']")]
    private static partial Regex IdLiteral();

    [GeneratedRegex(@"Messages\.Format(?:In)?\((?:[^,()""]+,\s*)?""([A-Za-z0-9_.]+)""")]
    private static partial Regex FormatCall();
}
