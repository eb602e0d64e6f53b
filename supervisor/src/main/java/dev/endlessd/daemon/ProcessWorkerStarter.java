package dev.endlessd.daemon;

import dev.endlessd.notify.NotifySocket;
import dev.endlessd.os.Posix;
import dev.endlessd.output.TerminalRelay;
import dev.endlessd.output.WorkerOutput;
import dev.endlessd.runtime.RuntimeDirectory;
import dev.endlessd.socket.Listener;
import dev.endlessd.spawn.ExecWrapper;
import dev.endlessd.spawn.ProcessLauncher;
import dev.endlessd.spawn.RunAs;
import dev.endlessd.spawn.SpawnRequest;
import dev.endlessd.spawn.WorkerCommand;
import dev.endlessd.spawn.WorkerEnvironment;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts real worker processes: binds the worker's own notify socket, builds its environment and
 * fd layout, spawns it, and turns its notify datagrams and its exit into supervisor events on the
 * event loop. Confined to the event loop.
 */
final class ProcessWorkerStarter implements WorkerStarter {
    private static final Logger log = LoggerFactory.getLogger(ProcessWorkerStarter.class);

    /**
     * How long a new worker may run at the lower start-up priority. On an idle machine the priority
     * costs it nothing; on a saturated one it gets a tenth of a core at nice 10, and its start would
     * take ten times as long (43 s measured instead of 4.5 s) without a limit.
     */
    static final Duration STARTUP_PRIORITY_LIMIT = Duration.ofSeconds(5);

    private final List<String> argv;
    private final OptionalInt workerUid;
    private final List<String> listenerNames;
    private final List<Integer> listenerFds;
    private final WorkerEnvironment environment;
    private final RuntimeDirectory runtimeDirectory;
    private final EventLoop loop;
    private final ProcessLauncher launcher;
    private final OptionalInt servingNiceness;
    private final TerminalRelay terminalRelay;
    private final Map<Worker, NotifySocket> notifySockets = new HashMap<>();
    private final Set<Worker> startingNicer = new HashSet<>();

    ProcessWorkerStarter(WorkerCommand command, ExecWrapper wrapper, Optional<RunAs> user,
                         List<Listener> listeners, WorkerEnvironment environment, RuntimeDirectory runtimeDirectory,
                         EventLoop loop, ProcessLauncher launcher, OptionalInt servingNiceness) {
        this.argv = command.argv(wrapper);
        this.workerUid = user.map(runAs -> OptionalInt.of(runAs.uid())).orElse(OptionalInt.empty());
        this.listenerNames = listeners.stream().map(Listener::name).toList();
        this.listenerFds = listeners.stream().map(Listener::fd).toList();
        this.environment = environment;
        this.runtimeDirectory = runtimeDirectory;
        this.loop = loop;
        this.launcher = launcher;
        this.servingNiceness = servingNiceness;
        this.terminalRelay = TerminalRelay.forWorkers(user.isPresent());
        if (terminalRelay.active()) {
            log.info("{} of --user workers reach this terminal through endlessd, with control characters shown as '?':"
                    + " a worker of another user never holds root's terminal", terminalRelay.streams());
        }
    }

    @Override
    public int start(Worker worker, WorkerEvents events) throws IOException {
        NotifySocket notify = NotifySocket.open(runtimeDirectory.notifySocket(worker.generation()), loop,
                message -> events.notified(worker, message), workerUid, worker);
        int notifyClient = -1;
        WorkerOutput output = null;
        try {
            notifyClient = notify.openClient();
            output = terminalRelay.open("gen=" + worker.generation());
            List<Integer> passedFds = new ArrayList<>(listenerFds);
            passedFds.add(notifyClient);
            SpawnRequest request = new SpawnRequest(argv,
                    environment.forWorker(worker.generation(), listenerNames, notify.path()), passedFds,
                    output.stdout(), output.stderr());
            int pid = launcher.spawn(request, status -> {
                try {
                    loop.execute(() -> events.exited(worker, status));
                } catch (RejectedExecutionException stopped) {
                    // the daemon is already gone; nobody is left to tell
                }
            });
            notify.acceptFrom(pid);
            notifySockets.put(worker, notify);
            if (servingNiceness.isPresent()) {
                startingNicer.add(worker);
                loop.schedule(() -> startupPriorityExpired(worker), STARTUP_PRIORITY_LIMIT.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            return pid;
        } catch (IOException | RuntimeException e) {
            notify.close();
            throw e;
        } finally {
            if (notifyClient >= 0) {
                Posix.close(notifyClient); // the worker holds its own copy now; ours would leak one fd per spawn
            }
            if (output != null) {
                output.close(); // likewise; the relay ends when the worker's copies are closed
            }
        }
    }

    @Override
    public boolean signal(Worker worker, int signal, boolean wholeGroup) {
        return launcher.signal(worker.pid(), signal, wholeGroup);
    }

    @Override
    public void ready(Worker worker) {
        if (startingNicer.remove(worker) && !Posix.setGroupNiceness(worker.pid(), servingNiceness.getAsInt())) {
            log.warn("{}: cannot give it back CPU priority {} ({}); it serves at the lower start-up priority", worker,
                    servingNiceness.getAsInt(), Posix.describe(Posix.errno()));
        }
    }

    private void startupPriorityExpired(Worker worker) {
        if (!startingNicer.remove(worker)) {
            return; // ready, or gone
        }
        if (Posix.setGroupNiceness(worker.pid(), servingNiceness.getAsInt())) {
            log.info("{}: not ready after {}: back to CPU priority {}, so that a busy machine cannot starve its start",
                    worker, Durations.format(STARTUP_PRIORITY_LIMIT), servingNiceness.getAsInt());
        }
    }

    /** SIGKILL to a worker's process group, from any thread; for when the event loop is gone. */
    void killGroup(int pid) {
        launcher.signal(pid, dev.endlessd.spawn.Signals.SIGKILL, true);
    }

    @Override
    public void release(Worker worker) {
        startingNicer.remove(worker);
        NotifySocket notify = notifySockets.remove(worker);
        if (notify != null) {
            notify.close();
        }
    }
}
