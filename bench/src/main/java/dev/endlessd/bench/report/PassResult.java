package dev.endlessd.bench.report;

import dev.endlessd.bench.load.LoadSpec;
import java.util.List;

/** One pass: a load, every scenario under it, and the targets checked against them. */
public record PassResult(String name, LoadSpec load, List<ScenarioResult> results, List<TargetCheck> checks) {
}
