using SwinBench.Results;
using Xunit;

namespace SwinBench.Tests.Results;

public class LatencyStatisticsTests
{
    [Theory]
    // two-sided 99.9% Student t quantiles (t_{0.9995, ν}) from statistical tables
    [InlineData(1, 636.619)]
    [InlineData(2, 31.599)]
    [InlineData(4, 8.610)]
    [InlineData(10, 4.587)]
    [InlineData(30, 3.646)]
    public void Student_t_quantile_matches_the_tables(int dof, double expected) =>
        Assert.Equal(expected, StudentT.Quantile(0.9995, dof), 2);

    [Fact]
    public void Statistics_of_samples()
    {
        var s = LatencyStatistics.Of([4.0, 1.0, 3.0, 2.0, 5.0]);
        Assert.Equal((3.0, 3.0, 1.0, 5), (s.MeanMs, s.MedianMs, s.MinMs, s.Samples));
        Assert.Equal(1.2, s.P5Ms, 12);   // 1 + 0.2 × (2 − 1)
        Assert.Equal(4.8, s.P95Ms, 12);  // 4 + 0.8 × (5 − 4)
        // sd = sqrt(2.5); half-width = t_{0.9995,4} × sd / sqrt(5)
        Assert.Equal(StudentT.Quantile(0.9995, 4) * Math.Sqrt(2.5 / 5), s.Ci999HalfwidthMs, 12);
        Assert.True(double.IsNaN(LatencyStatistics.Of([7.0]).Ci999HalfwidthMs));
        Assert.Equal(7.0, LatencyStatistics.Of([7.0]).MedianMs);
    }

    [Fact]
    public void Bad_samples_are_named()
    {
        Assert.Equal("latency statistics need at least one sample", Assert.Throws<ArgumentException>(() => LatencyStatistics.Of([])).Message);
        Assert.Equal("latency sample 1 is NaN; samples must be finite and >= 0 ms",
            Assert.Throws<ArgumentException>(() => LatencyStatistics.Of([1.0, double.NaN])).Message);
    }

    [Fact]
    public void Applied_to_a_row_they_fill_the_latency_columns()
    {
        var row = LatencyStatistics.Of([2.0, 4.0]).ApplyTo(new ResultRow());
        Assert.Equal((3.0, 3.0, 2.0, 2), (row.MeanMs, row.MedianMs, row.MinMs, row.Samples));
        Assert.True(row.Ci999HalfwidthMs > 0);
    }
}
