using SwinBench.Results;
using Xunit;

namespace SwinBench.Tests.Results;

public class ResultMathTests
{
    private static ResultRow Row(string variant, int step, double medianMs, string precision = "fp32",
        string backend = "torchsharp", string dataset = "Set5", string runId = "r", string status = "ok") =>
        ResultRowsForTests.Full(runId, variant, step) with
        {
            MedianMs = medianMs, Precision = precision, Backend = backend, Dataset = dataset, Status = status, Speedup = double.NaN,
        };

    [Fact]
    public void Speedup_is_baseline_median_over_median_within_the_group()
    {
        var rows = new List<ResultRow>
        {
            Row("base", 0, 100),
            Row("+ hoist", 1, 80),
            Row("+ kernel", 2, 50),
            Row("fp16", 3, 25, precision: "fp16"),
        };
        ResultMath.FillSpeedups(rows);
        Assert.Equal([1.0, 1.25, 2.0, 4.0], rows.Select(r => r.Speedup));
    }

    [Fact]
    public void Groups_are_separate_by_backend_dataset_and_run()
    {
        var rows = new List<ResultRow>
        {
            Row("base", 0, 100), Row("v", 1, 50),
            Row("base", 0, 10, backend: "ort"), Row("v", 1, 20, backend: "ort"),
            Row("base", 0, 40, dataset: "Urban100"), Row("v", 1, 10, dataset: "Urban100"),
            Row("v", 1, 10, runId: "other-run"), // no baseline in its run
        };
        ResultMath.FillSpeedups(rows);
        Assert.Equal(2.0, rows[1].Speedup);
        Assert.Equal(0.5, rows[3].Speedup);
        Assert.Equal(4.0, rows[5].Speedup);
        Assert.True(double.IsNaN(rows[6].Speedup));
    }

    [Fact]
    public void The_fp32_step_0_row_is_the_baseline_when_there_are_several()
    {
        var rows = new List<ResultRow> { Row("base16", 0, 50, precision: "fp16"), Row("base32", 0, 100), Row("v", 1, 25) };
        ResultMath.FillSpeedups(rows);
        Assert.Equal([2.0, 1.0, 4.0], rows.Select(r => r.Speedup));
    }

    [Fact]
    public void Rows_that_are_not_ok_get_nan_and_cannot_be_the_baseline()
    {
        var rows = new List<ResultRow>
        {
            Row("base", 0, double.NaN, status: "error: out of memory"),
            Row("v", 1, 50),
            Row("w", 2, 10, status: "skipped: no TensorRT"),
        };
        ResultMath.FillSpeedups(rows);
        Assert.All(rows, r => Assert.True(double.IsNaN(r.Speedup)));
    }
}
