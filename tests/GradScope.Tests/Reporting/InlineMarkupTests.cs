using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

public sealed class InlineMarkupTests
{
    [Theory]
    [InlineData("plain & <text>", "plain &amp; &lt;text&gt;")]
    [InlineData("**bold** and `co<de>`", "<strong>bold</strong> and <code>co&lt;de&gt;</code>")]
    [InlineData("**`relu` explodes**", "<strong><code>relu</code> explodes</strong>")]
    [InlineData("`**not bold**`", "<code>**not bold**</code>")]
    [InlineData("unclosed **bold and `code", "unclosed **bold and `code")]
    [InlineData("2 * 3 * 4", "2 * 3 * 4")]
    public void Converts_the_subset_to_html(string input, string expected) =>
        Assert.Equal(expected, InlineMarkup.ToHtml(input));

    [Theory]
    [InlineData("**bold** `a_b`", "**bold** `a_b`")]
    [InlineData("grad_norm < 1 | [x]", "grad\\_norm \\< 1 \\| \\[x\\]")]
    [InlineData("2 * 3", "2 \\* 3")]
    public void Keeps_markup_and_escapes_literals_in_markdown(string input, string expected) =>
        Assert.Equal(expected, InlineMarkup.ToMarkdown(input));

    [Fact]
    public void Plain_text_drops_markers() =>
        Assert.Equal("bold and code", InlineMarkup.ToPlainText("**bold** and `code`"));
}
