package dev.endlessd.bench;

import dev.endlessd.bench.service.EndlessdService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything one benchmark run was told, parsed.
 *
 * @param pacedRate  requests per second of the paced pass; 0 to derive it from the keep-alive pass
 * @param pacedShare the share of the bare app's keep-alive throughput the paced pass offers when derived
 * @param subtitle   the machine and date, for the chart
 */
public record BenchSettings(Duration duration, Duration warm, Duration reloadEvery, Duration slice, Duration bucket,
                            int connections, Duration timeout, Duration failPause, String path, List<Pass> passes,
                            double pacedRate, double pacedShare, Set<Scenario> scenarios,
                            EndlessdService.Trigger trigger, Path out, String subtitle) {
}
