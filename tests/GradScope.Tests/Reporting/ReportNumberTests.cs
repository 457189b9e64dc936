using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

public sealed class ReportNumberTests
{
    [Theory]
    [InlineData(0.5, 3, "0.500")]
    [InlineData(1234.5, 3, "1235")]
    [InlineData(9.996, 3, "10.0")]
    [InlineData(99999.6, 3, "1.00e5")]
    [InlineData(1.5e7, 3, "1.50e7")]
    [InlineData(-4.2e-5, 2, "-4.2e-5")]
    [InlineData(0.001234, 3, "0.00123")]
    [InlineData(0.0009996, 3, "0.00100")]
    [InlineData(0, 3, "0")]
    [InlineData(1e300, 3, "1.00e300")]
    [InlineData(5e-324, 2, "4.9e-324")]
    [InlineData(double.NaN, 3, "—")]
    [InlineData(double.PositiveInfinity, 3, "∞")]
    [InlineData(double.NegativeInfinity, 3, "-∞")]
    public void Formats_with_significant_digits(double value, int digits, string expected) =>
        Assert.Equal(expected, ReportNumber.Format(value, digits));

    [Fact]
    public void Missing_values_show_a_dash()
    {
        Assert.Equal("—", ReportNumber.Format(null));
        Assert.Equal("—", ReportNumber.Integer(null));
        Assert.Equal("—", ReportNumber.Percent(null));
        Assert.Equal("—", ReportNumber.Duration(null));
    }

    [Fact]
    public void Integers_percentages_and_durations()
    {
        Assert.Equal("1,234,567", ReportNumber.Integer(1234567));
        Assert.Equal("12.5%", ReportNumber.Percent(0.125));
        Assert.Equal("850 ms", ReportNumber.Duration(TimeSpan.FromMilliseconds(850)));
        Assert.Equal("12.3 s", ReportNumber.Duration(TimeSpan.FromSeconds(12.3)));
        Assert.Equal("4 min 05 s", ReportNumber.Duration(TimeSpan.FromSeconds(245)));
        Assert.Equal("2 h 07 min", ReportNumber.Duration(TimeSpan.FromMinutes(127)));
    }
}
