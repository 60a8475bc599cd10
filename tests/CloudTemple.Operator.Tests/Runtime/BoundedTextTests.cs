using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Tests.Runtime;

public sealed class BoundedTextTests
{
    [Fact]
    public void ATextThatFits_IsKeptWhole()
    {
        Assert.Equal("The VLAN matches its spec.", BoundedText.Truncate("The VLAN matches its spec.", 26));
    }

    [Fact]
    public void ALongText_IsCutAfterAWord_WithinTheLimit_AndSaysHowManyCharactersWereLeftOut()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 1_000));

        var cut = BoundedText.Truncate(text, 100);

        Assert.InRange(cut.Length, 50, 100);
        var kept = cut[..cut.IndexOf(" …", StringComparison.Ordinal)];
        Assert.All(kept.Split(' '), w => Assert.Equal("word", w));
        Assert.EndsWith($" … ({text.Length - kept.Length:N0} more characters)", cut, StringComparison.Ordinal);
    }

    [Fact]
    public void ACut_NeverSplitsACharacterInTwo()
    {
        var text = new string('a', 59) + string.Concat(Enumerable.Repeat("😀", 100));

        for (var limit = 30; limit < 90; limit++)
        {
            var cut = BoundedText.Truncate(text, limit);
            Assert.True(cut.Length <= limit, $"{cut.Length} > {limit}");
            Assert.DoesNotContain(cut.EnumerateRunes(), r => r == System.Text.Rune.ReplacementChar);
            Assert.False(cut.Length > 0 && char.IsHighSurrogate(cut[^1]));
            for (var i = 0; i < cut.Length; i++)
            {
                Assert.False(char.IsHighSurrogate(cut[i]) && (i + 1 == cut.Length || !char.IsLowSurrogate(cut[i + 1])), $"broken pair at {i} with limit {limit}");
            }
        }
    }

    [Fact]
    public void AListOfTenThousandNames_NamesTheFirstTen_ThenHowManyMore()
    {
        var names = Enumerable.Range(1, 10_000).Select(i => $"vm-{i}");

        var summary = BoundedText.List(names);

        Assert.Equal("vm-1, vm-2, vm-3, vm-4, vm-5, vm-6, vm-7, vm-8, vm-9, vm-10, … and 9,990 more", summary);
    }

    [Fact]
    public void AShortList_IsJoinedWhole_WithItsSeparator()
    {
        Assert.Equal("a; b; c", BoundedText.List(["a", "b", "c"], "; "));
    }
}
