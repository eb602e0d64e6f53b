package dev.endlessd.spawn;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a worker's environment: the supervisor's own, minus the socket-activation and
 * notification variables that were addressed to the supervisor, plus the ones that belong to this
 * worker. {@code LISTEN_PID} is set by the shell prelude of {@link WorkerCommand}.
 */
public final class WorkerEnvironment {
    public static final String GENERATION = "ENDLESSD_GENERATION";
    public static final String SERVICE_NAME = "ENDLESSD_NAME";

    private static final Set<String> ADDRESSED_TO_SUPERVISOR = Set.of(
            "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_PID", "WATCHDOG_USEC",
            GENERATION, SERVICE_NAME);

    private final Map<String, String> inherited;

    public WorkerEnvironment(Map<String, String> supervisorEnvironment) {
        Map<String, String> copy = new HashMap<>(supervisorEnvironment);
        copy.keySet().removeAll(ADDRESSED_TO_SUPERVISOR);
        this.inherited = Map.copyOf(copy);
    }

    public Map<String, String> forWorker(String serviceName, long generation, List<String> listenerNames,
                                         Path notifySocket) {
        Map<String, String> environment = new HashMap<>(inherited);
        environment.put("LISTEN_FDS", Integer.toString(listenerNames.size()));
        environment.put("LISTEN_FDNAMES", String.join(":", listenerNames));
        environment.put("NOTIFY_SOCKET", notifySocket.toString());
        environment.put(GENERATION, Long.toString(generation));
        environment.put(SERVICE_NAME, serviceName);
        return environment;
    }
}
