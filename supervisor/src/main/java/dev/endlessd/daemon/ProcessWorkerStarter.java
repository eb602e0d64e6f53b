package dev.endlessd.daemon;

import dev.endlessd.jvmcache.CachedStart;
import dev.endlessd.jvmcache.JavaCache;
import dev.endlessd.notify.NotifySocket;
import dev.endlessd.os.Posix;
import dev.endlessd.output.TerminalRelay;
import dev.endlessd.output.WorkerOutput;
import dev.endlessd.priority.StartupPriority;
import dev.endlessd.runtime.RuntimeDirectory;
import dev.endlessd.socket.Listener;
import dev.endlessd.spawn.ExecWrapper;
import dev.endlessd.spawn.ExitStatus;
import dev.endlessd.spawn.ProcessLauncher;
import dev.endlessd.spawn.RunAs;
import dev.endlessd.spawn.SpawnRequest;
import dev.endlessd.spawn.WorkerCommand;
import dev.endlessd.spawn.WorkerEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts real worker processes: binds the worker's own notify socket, builds its environment and
 * fd layout (with its output relayed when it must not hold endlessd's terminal), spawns it, and
 * turns its notify datagrams and its exit into supervisor events on the supervisor's thread.
 * Confined to that thread (the launcher's reaper threads only post to it; the output relay's threads
 * only copy bytes).
 */
public final class ProcessWorkerStarter implements WorkerStarter {
    private static final Logger log = LoggerFactory.getLogger(ProcessWorkerStarter.class);

    private final List<String> argv;
    private final OptionalInt workerUid;
    private final List<String> listenerNames;
    private final List<Integer> listenerFds;
    private final WorkerEnvironment environment;
    private final RuntimeDirectory runtimeDirectory;
    private final SupervisorThread thread;
    private final ProcessLauncher launcher;
    private final Optional<StartupPriority> priority;
    private final TerminalRelay terminalRelay;
    private final JavaCache javaCache;
    private final Map<Worker, NotifySocket> notifySockets = new HashMap<>();
    private final Map<Worker, CachedStart> cachedStarts = new HashMap<>();

    /** @param priority present when workers start with a lower CPU share ({@code wrapper} runs nice or joins a cgroup) */
    public ProcessWorkerStarter(WorkerCommand command, ExecWrapper wrapper, Optional<RunAs> user,
                                List<Listener> listeners, WorkerEnvironment environment,
                                RuntimeDirectory runtimeDirectory, SupervisorThread thread, ProcessLauncher launcher,
                                Optional<StartupPriority> priority, JavaCache javaCache) {
        this.argv = command.argv(wrapper);
        this.workerUid = user.map(runAs -> OptionalInt.of(runAs.uid())).orElse(OptionalInt.empty());
        this.listenerNames = listeners.stream().map(Listener::name).toList();
        this.listenerFds = listeners.stream().map(Listener::fd).toList();
        this.environment = environment;
        this.runtimeDirectory = runtimeDirectory;
        this.thread = thread;
        this.launcher = launcher;
        this.priority = priority;
        this.javaCache = javaCache;
        this.terminalRelay = TerminalRelay.forWorkers(user.isPresent());
        if (terminalRelay.active()) {
            log.info("{} of --user workers reach this terminal through endlessd, with control characters shown as '?':"
                    + " a worker of another user never holds root's terminal", terminalRelay.streams());
        }
    }

    /** Leaves nothing behind when it throws: the notify socket and the output pipes are closed, no process runs. */
    @Override
    public int start(Worker worker, WorkerEvents events) throws IOException {
        NotifySocket notify = NotifySocket.open(runtimeDirectory.notifySocket(worker.generation()), thread.loop(),
                message -> thread.run("a notify message of " + worker, () -> events.notified(worker, message)),
                workerUid, worker);
        int notifyClient = -1;
        WorkerOutput output = null;
        CachedStart cached = null;
        int pid;
        try {
            notifyClient = notify.openClient();
            output = terminalRelay.open("gen=" + worker.generation());
            List<Integer> passedFds = new ArrayList<>(listenerFds);
            passedFds.add(notifyClient);
            Map<String, String> workerEnvironment = environment.forWorker(worker.generation(), listenerNames, notify.path());
            cached = javaCache.prepare(worker.generation(), workerEnvironment);
            priority.ifPresent(startup -> startup.prepare(worker, worker.generation()));
            SpawnRequest request = new SpawnRequest(argv, workerEnvironment, passedFds, output.stdout(), output.stderr());
            pid = launcher.spawn(request, status -> {
                try {
                    thread.execute("the exit of gen=" + worker.generation(), () -> {
                        cacheExited(worker, status);
                        events.exited(worker, status);
                    });
                } catch (RejectedExecutionException stopped) {
                    // the daemon is already gone; nobody is left to tell
                }
            });
        } catch (IOException | RuntimeException | Error e) {
            notify.close();
            priority.ifPresent(startup -> startup.gone(worker, worker.generation()));
            if (cached != null) {
                cached.exited(ExitStatus.unknown()); // no JVM will write what it was given to write
            }
            throw e;
        } finally {
            if (notifyClient >= 0) {
                Posix.close(notifyClient); // the worker holds its own copy now; ours would leak one fd per spawn
            }
            if (output != null) {
                output.close(); // likewise; the relay ends when the worker's copies are closed
            }
        }
        notify.acceptFrom(pid);
        notifySockets.put(worker, notify);
        cached.spawned(pid);
        cachedStarts.put(worker, cached);
        worker.javaCache(cached.use());
        priority.ifPresent(startup -> startup.started(worker, worker.generation(), pid));
        return pid;
    }

    /** Reaps first, so that no child goes unwaited for even when its notify socket cannot be read. */
    @Override
    public void adopt(Worker worker, int notifyFd, String notifyPath, WorkerEvents events) throws IOException {
        launcher.adopt(worker.pid(), status -> {
            try {
                thread.execute("the exit of gen=" + worker.generation(), () -> events.exited(worker, status));
            } catch (RejectedExecutionException stopped) {
                // the daemon is already gone; nobody is left to tell
            }
        });
        if (notifyFd < 0) {
            return;
        }
        NotifySocket notify = NotifySocket.adopt(java.nio.file.Path.of(notifyPath), notifyFd, thread.loop(),
                message -> thread.run("a notify message of " + worker, () -> events.notified(worker, message)), worker);
        notify.acceptFrom(worker.pid());
        notifySockets.put(worker, notify);
        // The socket is bound to that name for good: a file removed meanwhile cannot be given back to it.
        if (!Files.exists(notify.path(), LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(notify.path() + " is gone: what the worker sends to NOTIFY_SOCKET is lost, what it"
                    + " writes on " + WorkerEnvironment.NOTIFY_FD + " still arrives");
        }
    }

    @Override
    public Optional<NotifyEnd> notifySocket(Worker worker) {
        return Optional.ofNullable(notifySockets.get(worker))
                .map(notify -> new NotifyEnd(notify.fd(), notify.path().toString()));
    }

    @Override
    public boolean signal(Worker worker, int signal, boolean wholeGroup) {
        return launcher.signal(worker.pid(), signal, wholeGroup);
    }

    @Override
    public void ready(Worker worker) {
        CachedStart cached = cachedStarts.get(worker);
        if (cached != null) {
            cached.ready();
            worker.javaCache(cached.use());
        }
        priority.ifPresent(startup -> startup.ready(worker));
    }

    /** Before the supervisor hears of the exit: a JVM that exited, rather than being killed, wrote its archive whole. */
    private void cacheExited(Worker worker, ExitStatus status) {
        CachedStart cached = cachedStarts.remove(worker);
        if (cached != null) {
            cached.exited(status);
        }
    }

    @Override
    public void release(Worker worker) {
        priority.ifPresent(startup -> startup.gone(worker, worker.generation()));
        NotifySocket notify = notifySockets.remove(worker);
        if (notify != null) {
            notify.close();
        }
    }
}
