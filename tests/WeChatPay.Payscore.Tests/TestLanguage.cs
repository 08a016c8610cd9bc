using System.Globalization;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Runs a test's part in one of the module's languages, as a session with that UI culture would: the calling thread's
/// UI culture (which a <see cref="HostedSession"/> made meanwhile takes for its pipelines) and the culture of the
/// module's messages written by work this thread starts. Disposing puts both back.
/// </summary>
internal sealed class TestLanguage : IDisposable
{
    /// <summary>The UI cultures of the module's two languages: what a test runs in for each.</summary>
    public static readonly string[] Cultures = ["en-US", "zh-CN"];

    private readonly CultureInfo _previous;

    private TestLanguage(string culture)
    {
        _previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        Messages.UseCulture(CultureInfo.CurrentUICulture);
    }

    public static TestLanguage Use(string culture) => new(culture);

    /// <summary>Theory data: each of <paramref name="rows"/> once per language, the culture last.</summary>
    public static IEnumerable<object[]> InEach(IEnumerable<object[]> rows) =>
        rows.SelectMany(row => Cultures.Select(culture => row.Append(culture).ToArray()));

    /// <summary>Theory data: each culture alone.</summary>
    public static IEnumerable<object[]> Each() => Cultures.Select(culture => new object[] { culture });

    public void Dispose()
    {
        CultureInfo.CurrentUICulture = _previous;
        Messages.UseCulture(_previous);
    }
}
