using System.Globalization;

namespace CloudTemple.Operator.Runtime;

/// <summary>
/// Text the API server stores for people to read — event notes, condition messages — bounded so that
/// it is never refused for its length, and cut the same way everywhere: at a word boundary, never
/// inside a character, saying how much was left out. Lists are summarised before that: the first
/// items, then "… and N more".
/// </summary>
public static class BoundedText
{
    /// <summary>
    /// The longest condition message kept. The API server refuses a message over 32,768 characters
    /// (metav1.Condition, and our CRDs' maxLength), but an object carries several conditions and
    /// Ready repeats the message of Stalled or Reconciling: 4,096 keeps eight full conditions within
    /// 32 KiB, far from etcd's 1.5 MiB per object, and is still more than `kubectl describe` shows usefully.
    /// </summary>
    public const int ConditionMessageLength = 4096;

    /// <summary>The longest event note: events.k8s.io/v1 refuses a note over 1 KiB.</summary>
    public const int EventNoteLength = 1024;

    /// <summary>How many items a summarised list names before "… and N more".</summary>
    public const int ListedItems = 10;

    /// <summary>
    /// <paramref name="text"/> itself when it fits in <paramref name="maxLength"/> characters; else
    /// its beginning, cut after a word where one is near the limit, then "… (N more characters)".
    /// </summary>
    public static string Truncate(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (text.Length <= maxLength)
        {
            return text;
        }

        // The suffix is at its longest when the most is cut: reserve room for that one.
        var reserved = Suffix(text.Length).Length;
        if (maxLength <= reserved)
        {
            return text[..CharacterBoundary(text, maxLength)];
        }

        var budget = maxLength - reserved;
        var space = text.LastIndexOf(' ', budget);
        var cut = space >= budget / 2 ? space : CharacterBoundary(text, budget);
        var kept = text[..cut].TrimEnd(' ', ',', ';', ':');
        return kept + Suffix(text.Length - kept.Length);
    }

    /// <summary>
    /// The items joined by <paramref name="separator"/>; beyond <paramref name="shown"/> items, the
    /// first ones then "… and N more" (e.g. "vm-1, vm-2, … and 9,998 more").
    /// </summary>
    public static string List(IEnumerable<string> items, string separator = ", ", int shown = ListedItems)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shown);
        var all = items as IReadOnlyCollection<string> ?? [.. items];
        if (all.Count <= shown)
        {
            return string.Join(separator, all);
        }

        var more = string.Create(CultureInfo.InvariantCulture, $"… and {all.Count - shown:N0} more");
        return string.Join(separator, all.Take(shown).Append(more));
    }

    private static string Suffix(int cutCharacters) =>
        string.Create(CultureInfo.InvariantCulture, $" … ({cutCharacters:N0} more characters)");

    // Never split a surrogate pair: the half left would not be valid text.
    private static int CharacterBoundary(string text, int index) =>
        index > 0 && char.IsHighSurrogate(text[index - 1]) ? index - 1 : index;
}
