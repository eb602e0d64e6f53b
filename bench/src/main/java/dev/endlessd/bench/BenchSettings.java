package dev.endlessd.bench;

import dev.endlessd.bench.service.App;
import dev.endlessd.bench.service.EndlessdService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one benchmark run was told, parsed.
 *
 * @param app        the app under load
 * @param pacedRate  requests per second of the paced pass; 0 to derive it from the keep-alive pass
 * @param pacedShare the share of the bare app's keep-alive throughput the paced pass offers when derived
 * @param probation  endlessd's --probation; empty: its default
 * @param subtitle   the machine and date, for the chart
 */
public record BenchSettings(App app, Duration duration, Duration warm, Duration reloadEvery, Duration slice, Duration bucket,
                            int connections, Duration timeout, Duration failPause, String path, List<Pass> passes,
                            double pacedRate, double pacedShare, Set<Scenario> scenarios,
                            EndlessdService.Trigger trigger, Optional<Duration> probation, Path out,
                            String subtitle) {
}
