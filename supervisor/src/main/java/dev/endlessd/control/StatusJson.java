package dev.endlessd.control;

import dev.endlessd.daemon.ReloadOutcome;
import dev.endlessd.daemon.ReloadRecord;
import dev.endlessd.daemon.WorkerSnapshot;
import dev.endlessd.socket.Listener;
import dev.endlessd.watch.ReloadResult;
import dev.endlessd.watch.WatchStatus;
import java.util.Optional;

/**
 * Renders a {@link StatusReport} as one JSON object on one line. Durations are whole milliseconds
 * in fields ending {@code _ms}; instants are ISO-8601 UTC strings; absent things are {@code null}.
 */
final class StatusJson {
    private StatusJson() {
    }

    static String render(StatusReport report) {
        DaemonInfo daemon = report.daemon();
        JsonWriter json = new JsonWriter().beginObject()
                .name("name").value(daemon.name())
                .name("pid").value(daemon.pid())
                .name("version").value(daemon.version())
                .name("phase").value(report.supervisor().phase().label())
                .name("uptime_ms").value(report.uptime().toMillis())
                .name("control_socket").value(daemon.controlSocket().toString())
                .name("startup_cpu").value(daemon.startupCpu());
        json.name("last_upgrade");
        lastUpgrade(json, daemon.lastUpgrade());
        json.name("listeners").beginArray();
        for (Listener listener : daemon.listeners()) {
            json.beginObject().name("name").value(listener.name()).name("address").value(listener.description()).endObject();
        }
        json.endArray();
        json.name("serving");
        workerRef(json, report.supervisor().serving());
        json.name("workers").beginArray();
        report.supervisor().workers().forEach(worker -> worker(json, worker));
        json.endArray();
        json.name("last_reload");
        lastReload(json, report.supervisor().lastReload());
        json.name("reload_on_change");
        watch(json, report.watch());
        return json.endObject().toString();
    }

    private static void watch(JsonWriter json, Optional<WatchStatus> watch) {
        if (watch.isEmpty()) {
            json.nullValue();
            return;
        }
        json.beginObject().name("paths").beginArray();
        watch.get().paths().forEach(path -> json.value(path.toString()));
        json.endArray().name("last_change");
        if (watch.get().lastChange().isEmpty()) {
            json.nullValue();
        } else {
            WatchStatus.Change change = watch.get().lastChange().get();
            json.beginObject()
                    .name("at").value(change.at().toString())
                    .name("change").value(change.what())
                    .name("outcome").value(change.result().map(r -> r.succeeded() ? "succeeded" : "failed").orElse("running"))
                    .name("detail").value(change.result().map(ReloadResult::description).orElse(""))
                    .endObject();
        }
        json.endObject();
    }

    private static void lastUpgrade(JsonWriter json, Optional<LastUpgrade> upgrade) {
        if (upgrade.isEmpty()) {
            json.nullValue();
            return;
        }
        json.beginObject()
                .name("at").value(upgrade.get().at().toString())
                .name("from_version").value(upgrade.get().from())
                .name("number").value(upgrade.get().number())
                .name("took_ms").value(upgrade.get().took().toMillis())
                .name("outcome").value(upgrade.get().failure().isPresent() ? "failed" : "succeeded")
                .name("failure");
        upgrade.get().failure().ifPresentOrElse(json::value, json::nullValue);
        json.name("problems").beginArray();
        upgrade.get().problems().forEach(json::value);
        json.endArray().endObject();
    }

    private static void workerRef(JsonWriter json, Optional<WorkerSnapshot> worker) {
        if (worker.isEmpty()) {
            json.nullValue();
            return;
        }
        json.beginObject().name("generation").value(worker.get().generation()).name("pid").value(worker.get().pid()).endObject();
    }

    private static void worker(JsonWriter json, WorkerSnapshot worker) {
        json.beginObject()
                .name("generation").value(worker.generation())
                .name("pid").value(worker.pid())
                .name("state").value(worker.state().label())
                .name("uptime_ms").value(worker.age().toMillis())
                .name("status").value(worker.status())
                .name("probation_left_ms").value(worker.probationLeft().toMillis())
                .name("java_cache").value(worker.javaCache().label())
                .endObject();
    }

    private static void lastReload(JsonWriter json, Optional<ReloadRecord> record) {
        if (record.isEmpty()) {
            json.nullValue();
            return;
        }
        ReloadRecord last = record.get();
        json.beginObject().name("kind").value(last.kind());
        if (last.outcome() instanceof ReloadOutcome.Succeeded ok) {
            json.name("outcome").value("succeeded")
                    .name("generation").value(ok.generation())
                    .name("pid").value(ok.pid())
                    .name("time_to_ready_ms").value(ok.timeToReady().toMillis());
        } else if (last.outcome() instanceof ReloadOutcome.Failed failed) {
            json.name("outcome").value("failed")
                    .name("generation").value(failed.generation())
                    .name("reason").value(failed.reason());
        }
        json.name("took_ms").value(last.took().toMillis())
                .name("finished_at").value(last.finishedAt().toString())
                .endObject();
    }
}
