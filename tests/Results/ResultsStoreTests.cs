using SwinBench.Results;
using Xunit;

namespace SwinBench.Tests.Results;

public class ResultsStoreTests
{
    [Fact]
    public void Read_of_a_folder_without_csv_is_empty()
    {
        var store = new ResultsStore(ResultRowsForTests.TempDir("empty"));
        Assert.False(store.Exists);
        Assert.Empty(store.Read());
    }

    [Fact]
    public void Append_creates_the_folder_and_file()
    {
        var dir = Path.Combine(ResultRowsForTests.TempDir("create"), "results", "run");
        var store = new ResultsStore(dir);
        store.Append([ResultRowsForTests.Full()]);
        Assert.True(File.Exists(Path.Combine(dir, "results.csv")));
        Assert.Equal(ResultRowsForTests.Full(), Assert.Single(store.Read()));
    }

    [Fact]
    public void Appends_with_different_run_ids_are_a_union()
    {
        var store = new ResultsStore(ResultRowsForTests.TempDir("union"));
        var run1 = new[] { ResultRowsForTests.Full("run-1"), ResultRowsForTests.Full("run-1", "hoisted/fp32/ln-fused", 1) };
        var run2 = new[] { ResultRowsForTests.Full("run-2"), ResultRowsForTests.Full("run-2", "hoisted/fp32/ln-fused", 1) };

        store.Append(run1);
        var returned = store.Append(run2);

        var rows = store.Read();
        Assert.Equal(run1.Concat(run2), rows);
        Assert.Equal(rows, returned);
    }

    [Fact]
    public void Appending_the_same_key_again_replaces_the_row_in_place()
    {
        var store = new ResultsStore(ResultRowsForTests.TempDir("replace"));
        var baseline = ResultRowsForTests.Full();
        var hoisted = ResultRowsForTests.Full(variant: "hoisted/fp32/ln-fused", step: 1);
        store.Append([baseline, hoisted]);

        var remeasured = baseline with { MedianMs = 99.0, Status = "ok", Samples = 7 };
        store.Append([remeasured]);

        var rows = store.Read();
        Assert.Equal(2, rows.Count);
        Assert.Equal(remeasured, rows[0]);
        Assert.Equal(hoisted, rows[1]);
    }

    [Theory]
    [InlineData("RunId")]
    [InlineData("Variant")]
    [InlineData("Precision")]
    [InlineData("Image")]
    [InlineData("H")]
    [InlineData("Plugins")]
    [InlineData("LayerNorm")]
    public void A_row_differing_in_one_key_field_is_added_not_replaced(string field)
    {
        var store = new ResultsStore(ResultRowsForTests.TempDir("key"));
        var a = ResultRowsForTests.Full();
        var b = field switch
        {
            "RunId" => a with { RunId = "other" },
            "Variant" => a with { Variant = "other" },
            "Precision" => a with { Precision = "fp16" },
            "Image" => a with { Image = "bird" },
            "H" => a with { H = a.H + 1 },
            "Plugins" => a with { Plugins = "mask" },
            "LayerNorm" => a with { LayerNorm = "decomposed" },
            _ => throw new ArgumentException(field),
        };
        store.Append([a]);
        store.Append([b]);
        Assert.Equal([a, b], store.Read());
    }

    [Fact]
    public void A_non_key_field_does_not_make_a_new_row()
    {
        var store = new ResultsStore(ResultRowsForTests.TempDir("nonkey"));
        var a = ResultRowsForTests.Full();
        store.Append([a]);
        store.Append([a with { Model = "other", TimestampUtc = a.TimestampUtc.AddHours(1), Step = 4 }]);
        Assert.Equal("other", Assert.Single(store.Read()).Model);
    }

    [Fact]
    public void A_half_written_temp_file_is_ignored_on_read_and_removed_by_the_next_append()
    {
        var dir = ResultRowsForTests.TempDir("crash-a");
        var store = new ResultsStore(dir);
        var old = new[] { ResultRowsForTests.Full("run-1") };
        store.Append(old);
        var before = File.ReadAllBytes(store.CsvPath);

        // An interrupted write: a truncated copy with a half row at the end.
        var leftover = Path.Combine(dir, $"results.csv.tmp-{Guid.NewGuid():N}");
        File.WriteAllText(leftover, ResultCsv.ToText([ResultRowsForTests.Full("run-1"), ResultRowsForTests.Full("run-2")])[..^40]);

        Assert.Equal(old, store.Read());
        Assert.Equal(before, File.ReadAllBytes(store.CsvPath));

        var added = ResultRowsForTests.Full("run-2");
        store.Append([added]);
        Assert.Equal(old.Append(added), store.Read());
        Assert.False(File.Exists(leftover));
        Assert.Empty(Directory.GetFiles(dir, "results.csv.tmp-*"));
    }

    [Fact]
    public void A_failure_in_the_middle_of_a_write_leaves_the_file_byte_for_byte_unchanged()
    {
        var dir = ResultRowsForTests.TempDir("crash-b");
        var store = new ResultsStore(dir);
        store.Append([ResultRowsForTests.Full("run-1"), ResultRowsForTests.Full("run-1", "hoisted/fp32/ln-fused", 1)]);
        var before = File.ReadAllBytes(store.CsvPath);

        var tempSeen = false;
        store.OnRowWritten = n =>
        {
            if (n < 2) return;
            tempSeen = Directory.GetFiles(dir, "results.csv.tmp-*").Length == 1;
            throw new IOException("simulated crash after 2 rows");
        };
        var e = Assert.Throws<IOException>(() => store.Append([ResultRowsForTests.Full("run-2")]));

        Assert.Equal("simulated crash after 2 rows", e.Message);
        Assert.True(tempSeen, "the rows should have been going to a temp file");
        Assert.Equal(before, File.ReadAllBytes(store.CsvPath));
        Assert.Empty(Directory.GetFiles(dir, "results.csv.tmp-*"));

        store.OnRowWritten = null;
        store.Append([ResultRowsForTests.Full("run-2")]);
        Assert.Equal(3, store.Read().Count);
    }

    [Fact]
    public void A_corrupt_csv_names_the_file_and_line_and_append_leaves_it_alone()
    {
        var dir = ResultRowsForTests.TempDir("corrupt");
        var store = new ResultsStore(dir);
        store.Append([ResultRowsForTests.Full("run-1"), ResultRowsForTests.Full("run-2")]);
        var lines = File.ReadAllLines(store.CsvPath);
        lines[2] = lines[2].Replace(",50,", ",fifty,"); // the samples column of the second row
        File.WriteAllLines(store.CsvPath, lines);
        var corrupt = File.ReadAllBytes(store.CsvPath);

        var e = Assert.Throws<InvalidDataException>(() => store.Read());
        Assert.Contains(store.CsvPath, e.Message);
        Assert.Contains("line 3", e.Message);

        Assert.Throws<InvalidDataException>(() => store.Append([ResultRowsForTests.Full("run-3")]));
        Assert.Equal(corrupt, File.ReadAllBytes(store.CsvPath));
    }

    [Theory]
    [InlineData("")]
    [InlineData("run_id,task\nx,y\n")]
    public void A_file_without_the_full_header_is_invalid(string content)
    {
        var dir = ResultRowsForTests.TempDir("header");
        File.WriteAllText(Path.Combine(dir, "results.csv"), content);
        var e = Assert.Throws<InvalidDataException>(() => new ResultsStore(dir).Read());
        Assert.Contains("results.csv: line 1", e.Message);
    }

    [Fact]
    public void A_truncated_last_line_is_invalid()
    {
        var dir = ResultRowsForTests.TempDir("truncated");
        var text = ResultCsv.ToText([ResultRowsForTests.Full("run-1"), ResultRowsForTests.Full("run-2")]);
        File.WriteAllText(Path.Combine(dir, "results.csv"), text[..^60]);
        var e = Assert.Throws<InvalidDataException>(() => new ResultsStore(dir).Read());
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Concurrent_appends_lose_nothing()
    {
        var dir = ResultRowsForTests.TempDir("concurrent");
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            new ResultsStore(dir).Append([ResultRowsForTests.Full($"run-{i:00}")]));
        var ids = new ResultsStore(dir).Read().Select(r => r.RunId).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"run-{i:00}"), ids);
    }

    [Fact]
    public void New_run_directory_is_date_machine_commit()
    {
        var root = ResultRowsForTests.TempDir("runs");
        var dir = ResultsStore.NewRunDirectory(root, "h100 x1", "abc1234-dirty", new DateTime(2025, 6, 1, 23, 0, 0, DateTimeKind.Utc));
        Assert.Equal(Path.Combine(root, "2025-06-01_h100-x1_abc1234-dirty"), dir);
        Assert.True(Directory.Exists(dir));
    }

    [Fact]
    public void New_run_directory_defaults_to_today_and_the_current_commit()
    {
        var root = ResultRowsForTests.TempDir("runs-default");
        var name = Path.GetFileName(ResultsStore.NewRunDirectory(root, "cpu"));
        var parts = name.Split('_');
        Assert.Equal(3, parts.Length);
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd"), parts[0]);
        Assert.Equal("cpu", parts[1]);
        Assert.Equal(EnvironmentInfo.CurrentGitCommit(), parts[2]);
    }
}
