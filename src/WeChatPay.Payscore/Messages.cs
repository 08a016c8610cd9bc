using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// Every text the module writes for people (row messages, errors, warnings, verbose and debug lines, progress),
    /// in the language of the session that runs the command: Chinese (zh-CN) for a Chinese UI culture, English
    /// (en-US) otherwise. The texts are the embedded resources <c>en-US/Messages.txt</c> and <c>zh-CN/Messages.txt</c>,
    /// one <c>id = text</c> line each, every text a composite format string ({0}, {1}...). Error ids, result codes,
    /// property names and the journal's records are not messages: scripts match on them, so they stay in English.
    /// </summary>
    internal static class Messages
    {
        /// <summary>The languages the module speaks; the first is the one it falls back to.</summary>
        internal static readonly IReadOnlyList<string> Languages = new[] { "en-US", "zh-CN" };

        // The culture of the session that runs the command. A command's work runs on the thread pool, whose threads
        // carry the process's culture, not the session's: an AsyncLocal flows with the work to every task and
        // continuation the command starts, on .NET Framework as on .NET.
        private static readonly AsyncLocal<CultureInfo?> SessionCulture = new AsyncLocal<CultureInfo?>();

        private static readonly Lazy<Dictionary<string, IReadOnlyDictionary<string, string>>> Tables =
            new Lazy<Dictionary<string, IReadOnlyDictionary<string, string>>>(LoadTables, LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>The culture messages are written in here: the session's, once a command has set it, else this thread's UI culture.</summary>
        public static CultureInfo Culture => SessionCulture.Value ?? CultureInfo.CurrentUICulture;

        /// <summary>
        /// Makes <paramref name="culture"/> the culture of the messages written by the calling thread and by all work
        /// it starts from now on. Every command sets its session's UI culture when it is created, on the pipeline thread.
        /// </summary>
        public static void UseCulture(CultureInfo culture) => SessionCulture.Value = culture;

        /// <summary>The message <paramref name="id"/> in <see cref="Culture"/>'s language, filled with <paramref name="args"/>.</summary>
        public static string Format(string id, params object?[] args) => FormatIn(Culture, id, args);

        /// <summary>The message <paramref name="id"/> in <paramref name="culture"/>'s language, filled with <paramref name="args"/>.</summary>
        public static string FormatIn(CultureInfo culture, string id, params object?[] args)
        {
            string language = LanguageOf(culture);
            try
            {
                return string.Format(CultureInfo.InvariantCulture, Template(language, id), args);
            }
            catch (FormatException) when (language != Languages[0])
            {
                // A translation that does not fit its arguments must not cost the row its result: say it in English.
                return string.Format(CultureInfo.InvariantCulture, Template(Languages[0], id), args);
            }
        }

        /// <summary>The language (one of <see cref="Languages"/>) the module speaks to <paramref name="culture"/>.</summary>
        public static string LanguageOf(CultureInfo culture)
        {
            // zh-CN, zh-SG (whose parent is zh-Hans), zh-Hans and zh read Simplified Chinese; zh-TW, zh-HK and the
            // rest of the world get English, as PowerShell's help does for a culture it has no folder for.
            for (CultureInfo c = culture; !string.IsNullOrEmpty(c.Name); c = c.Parent)
            {
                if (c.Name == "zh-CN" || c.Name == "zh-Hans" || c.Name == "zh")
                {
                    return "zh-CN";
                }

                if (c.Name == "zh-Hant")
                {
                    break;
                }
            }

            return Languages[0];
        }

        /// <summary>The template of <paramref name="id"/> in <paramref name="language"/>; English when the language lacks it; the id itself when no language has it.</summary>
        internal static string Template(string language, string id) =>
            TableOf(language).TryGetValue(id, out string? text) || TableOf(Languages[0]).TryGetValue(id, out text) ? text : id;

        /// <summary>Every message of <paramref name="language"/>, by id.</summary>
        internal static IReadOnlyDictionary<string, string> TableOf(string language) => Tables.Value[language];

        private static Dictionary<string, IReadOnlyDictionary<string, string>> LoadTables()
        {
            var tables = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            foreach (string language in Languages)
            {
                using Stream stream = typeof(Messages).Assembly.GetManifestResourceStream(ResourceName(language))
                    ?? throw new InvalidOperationException("The module's " + language + " messages are missing from its assembly.");
                using var reader = new StreamReader(stream, new UTF8Encoding(false, true));
                tables[language] = Parse(reader.ReadToEnd());
            }

            return tables;
        }

        /// <summary>The name the build embeds a language's messages under.</summary>
        internal static string ResourceName(string language) => "WeChatPay.Payscore.Messages." + language + ".txt";

        /// <summary>
        /// The <c>id = text</c> lines of a messages file, by id. Blank lines and lines starting with # are left out;
        /// the text is taken as it is, without escapes. A repeated id, or a line without one, is refused: the
        /// tests read every file, so neither reaches a user.
        /// </summary>
        internal static Dictionary<string, string> Parse(string text)
        {
            var table = new Dictionary<string, string>(StringComparer.Ordinal);
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].TrimEnd('\r').TrimStart('\uFEFF');
                if (line.Trim().Length == 0 || line.TrimStart()[0] == '#')
                {
                    continue;
                }

                int equals = line.IndexOf('=');
                string id = equals > 0 ? line.Substring(0, equals).Trim() : string.Empty;
                if (!IsId(id))
                {
                    throw new FormatException("Line " + (i + 1).ToString(CultureInfo.InvariantCulture) + " of a messages file has no 'id = text'.");
                }

                if (table.ContainsKey(id))
                {
                    throw new FormatException("Line " + (i + 1).ToString(CultureInfo.InvariantCulture) + " of a messages file repeats the id " + id + ".");
                }

                table[id] = line.Substring(equals + 1).Trim();
            }

            return table;
        }

        private static bool IsId(string id)
        {
            if (id.Length == 0 || !char.IsLetter(id[0]))
            {
                return false;
            }

            foreach (char c in id)
            {
                if (!(c < 128 && (char.IsLetterOrDigit(c) || c == '_' || c == '.')))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
