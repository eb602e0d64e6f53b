package dev.endlessd.control;

import dev.endlessd.time.Durations;
import dev.endlessd.daemon.ReloadOutcome;
import dev.endlessd.daemon.ReloadRecord;
import dev.endlessd.daemon.WorkerSnapshot;
import dev.endlessd.daemon.WorkerState;
import dev.endlessd.log.PeerText;
import dev.endlessd.socket.Listener;
import dev.endlessd.watch.WatchStatus;
import java.time.Duration;
import java.util.Locale;

/** Renders a {@link StatusReport} for a terminal: a few aligned lines, newest worker first. */
final class StatusText {
    private StatusText() {
    }

    static String render(StatusReport report) {
        DaemonInfo daemon = report.daemon();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.US, "endlessd '%s' pid %d: %s, up %s (version %s)%n", daemon.name(),
                daemon.pid(), report.supervisor().phase().label(), Durations.format(report.uptime()), daemon.version()));
        daemon.lastUpgrade().ifPresent(upgrade -> out.append(lastUpgrade(upgrade, report)));
        out.append("control socket: ").append(daemon.controlSocket()).append('\n');
        out.append("startup CPU: ").append(daemon.startupCpu()).append('\n');
        out.append("listeners:\n");
        for (Listener listener : daemon.listeners()) {
            out.append("  ").append(listener).append('\n');
        }
        out.append("workers:").append(report.supervisor().workers().isEmpty() ? " none\n" : "\n");
        report.supervisor().workers().stream()
                .sorted((a, b) -> Long.compare(b.generation(), a.generation()))
                .forEach(worker -> out.append(worker(worker)));
        out.append("last reload: ")
                .append(report.supervisor().lastReload().map(last -> lastReload(last, report)).orElse("none"))
                .append('\n');
        report.watch().ifPresent(watch -> out.append(watch(watch, report)));
        return out.toString();
    }

    private static String watch(WatchStatus watch, StatusReport report) {
        String paths = String.join(", ", watch.paths().stream().map(Object::toString).toList());
        String last = watch.lastChange().map(change -> {
            Duration ago = Duration.between(change.at(), report.now());
            return PeerText.terminalSafe(change.what()) + " (" + Durations.format(ago.isNegative() ? Duration.ZERO : ago) + " ago): "
                    + change.result().map(result -> (result.succeeded() ? "reload succeeded: " : "reload failed: ")
                            + result.description()).orElse("reloading");
        }).orElse("none");
        return "reload on change: " + PeerText.terminalSafe(paths) + "\nlast change: " + last + "\n";
    }

    private static String lastUpgrade(LastUpgrade upgrade, StatusReport report) {
        Duration ago = Duration.between(upgrade.at(), report.now());
        String when = Durations.format(ago.isNegative() ? Duration.ZERO : ago);
        // A failure's reason comes from the environment the failed code set: shown, never obeyed by a terminal.
        StringBuilder line = new StringBuilder(upgrade.failure().map(reason -> String.format(Locale.US,
                "last upgrade: FAILED, %s ago (upgrade %d of this process): %s; the code that ran before it took the"
                        + " workers over again after %s and serves on", when, upgrade.number(),
                PeerText.terminalSafe(reason), Durations.format(upgrade.took()))).orElseGet(() -> String.format(Locale.US,
                "last upgrade: from version %s, %s ago (upgrade %d of this process; the new code served after %s)",
                upgrade.from(), when, upgrade.number(), Durations.format(upgrade.took()))));
        if (!upgrade.problems().isEmpty()) {
            line.append("\n  take-over incomplete:");
            upgrade.problems().forEach(problem -> line.append("\n  ").append(problem));
        }
        return line.append('\n').toString();
    }

    private static String worker(WorkerSnapshot worker) {
        String line = String.format(Locale.US, "  gen=%-4d pid=%-8d %-9s up %-8s", worker.generation(), worker.pid(),
                worker.state().label(), Durations.format(worker.age()));
        String probation = worker.state() == WorkerState.PROBATION
                ? " replaces the serving worker in " + Durations.format(worker.probationLeft()) + " unless it exits"
                : "";
        String status = worker.status().isEmpty() ? "" : " " + PeerText.terminalSafe(worker.status());
        String cache = worker.javaCache().text().isEmpty() ? "" : " [" + worker.javaCache().text() + "]";
        return (line + probation + status + cache).stripTrailing() + "\n";
    }

    private static String lastReload(ReloadRecord last, StatusReport report) {
        String what;
        if (last.outcome() instanceof ReloadOutcome.Succeeded ok) {
            what = String.format(Locale.US, "%s succeeded: gen=%d pid=%d ready after %s",
                    last.kind(), ok.generation(), ok.pid(), Durations.format(ok.timeToReady()));
        } else {
            ReloadOutcome.Failed failed = (ReloadOutcome.Failed) last.outcome();
            what = last.kind() + " failed: " + (failed.generation() > 0 ? "gen=" + failed.generation() + ": " : "")
                    + failed.reason();
        }
        Duration ago = Duration.between(last.finishedAt(), report.now());
        return what + " (took " + Durations.format(last.took()) + ", "
                + Durations.format(ago.isNegative() ? Duration.ZERO : ago) + " ago)";
    }

    /** A worker's STATUS= text is the worker's to choose: keep escape sequences off the terminal. */
}
