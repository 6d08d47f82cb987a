using SwinBench.Reporting;

namespace SwinBench.Tests.Reporting;

public class PiecewiseLinearTests
{
    // points (1, 10), (2, 30), (4, 40): slopes 20 and 5
    private static readonly PiecewiseLinear F = new([(4, 40), (1, 10), (2, 30)]);

    [Theory]
    [InlineData(1.0, 10.0)]
    [InlineData(2.0, 30.0)]
    [InlineData(4.0, 40.0)]
    [InlineData(1.5, 20.0)]   // halfway along the first segment
    [InlineData(3.0, 35.0)]   // halfway along the second
    [InlineData(6.0, 50.0)]   // beyond the last point: the last segment's line, 40 + 2 × 5
    [InlineData(0.75, 10.0)]  // before the first point the first segment gives 5, below the fastest measurement: 10
    [InlineData(0.0, 10.0)]
    public void Interpolates_between_points_extends_the_end_segments_and_never_goes_below_the_fastest_point(double x, double expected) =>
        Assert.Equal(expected, F.At(x), 12);

    [Fact]
    public void Points_at_the_same_x_are_averaged_and_one_x_is_a_constant()
    {
        var f = new PiecewiseLinear([(1, 10), (1, 20), (3, 35)]);
        Assert.Equal(2, f.Count);
        Assert.Equal(15, f.At(1), 12);
        Assert.Equal(25, f.At(2), 12);
        Assert.Equal(15, f.Floor, 12);

        var one = new PiecewiseLinear([(2, 7)]);
        Assert.Equal(7, one.At(0.1));
        Assert.Equal(7, one.At(100));
    }

    [Fact]
    public void A_falling_end_segment_is_clamped_at_the_floor()
    {
        // slope −10 beyond x = 2: at 5 the line gives −10, clamped to the smallest measured 20
        var f = new PiecewiseLinear([(1, 30), (2, 20)]);
        Assert.Equal(20, f.At(5), 12);
        Assert.Equal(40, f.At(0), 12);
    }

    [Fact]
    public void No_points_or_a_point_that_is_not_finite_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PiecewiseLinear([]));
        Assert.Throws<ArgumentException>(() => new PiecewiseLinear([(1, double.NaN)]));
        Assert.Throws<ArgumentException>(() => new PiecewiseLinear([(double.PositiveInfinity, 1)]));
    }
}
