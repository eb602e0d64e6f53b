package dev.endlessd.output;

import dev.endlessd.os.ErrnoException;
import dev.endlessd.os.Posix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Keeps endlessd's terminal away from {@code --user} workers. A worker that holds a descriptor of the
 * terminal root started endlessd from can write escape sequences to it and, if the terminal were
 * still its controlling one, push input into root's shell ({@code TIOCSTI}). Such a worker gets a pipe
 * for each of stdout and stderr that is a terminal, and a thread of endlessd copies what arrives to
 * the terminal, made safe by {@link TerminalText}. Where endlessd's output is not a terminal (a file,
 * the journal), workers share it directly, as before.
 *
 * <p>Back-pressure goes where it went before: when the terminal does not take more, the copying
 * thread waits in {@code write}, the pipe fills up and the worker waits in its own {@code write}.
 * Nothing is buffered beyond the pipe and one 8 KiB chunk, and the copying never runs on the event
 * loop. Thread-safe.
 */
public final class TerminalRelay {
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final long THREAD_STACK_BYTES = 128 * 1024;

    private final boolean stdout;
    private final boolean stderr;

    private TerminalRelay(boolean stdout, boolean stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Relays the streams of endlessd that are terminals, when workers run as another user; else none. */
    public static TerminalRelay forWorkers(boolean workersRunAsAnotherUser) {
        return new TerminalRelay(workersRunAsAnotherUser && Posix.isTerminal(STDOUT),
                workersRunAsAnotherUser && Posix.isTerminal(STDERR));
    }

    /** Whether any stream is relayed. */
    public boolean active() {
        return stdout || stderr;
    }

    /** "stdout and stderr", for the log. */
    public String streams() {
        return stdout && stderr ? "stdout and stderr" : stdout ? "stdout" : "stderr";
    }

    /**
     * Pipes for one worker's relayed streams and the thread that copies them; nothing when no stream
     * is relayed. Close the result once the worker is spawned (or failed to be): the worker then holds
     * the only write ends, and the thread ends when the worker and everything it started closed them.
     *
     * @param worker names the copying thread
     */
    public WorkerOutput open(String worker) throws IOException {
        List<Integer> opened = new ArrayList<>();
        List<Copy> copies = new ArrayList<>();
        try {
            OptionalInt out = stdout ? OptionalInt.of(pipe(opened, copies, STDOUT)) : OptionalInt.empty();
            OptionalInt err = stderr ? OptionalInt.of(pipe(opened, copies, STDERR)) : OptionalInt.empty();
            if (!copies.isEmpty()) {
                Thread thread = new Thread(null, () -> relay(copies), "output-" + worker, THREAD_STACK_BYTES);
                thread.setDaemon(true);
                thread.start();
            }
            return new WorkerOutput(out, err);
        } catch (ErrnoException e) {
            opened.forEach(Posix::close);
            throw new IOException("cannot relay the worker's output: " + e.getMessage(), e);
        } catch (RuntimeException | OutOfMemoryError e) {
            // a thread that cannot be started (no memory for its stack) fails this worker, not the daemon
            opened.forEach(Posix::close);
            throw new IOException("cannot relay the worker's output: " + e, e);
        }
    }

    /** @return the write end, for the worker; the read end goes to a new {@link Copy} to {@code sink} */
    private static int pipe(List<Integer> opened, List<Copy> copies, int sink) throws ErrnoException {
        int[] ends = Posix.pipe();
        opened.add(ends[0]);
        opened.add(ends[1]);
        copies.add(new Copy(ends[0], sink));
        return ends[1];
    }

    /** Copies until every pipe is at its end; a terminal that fails (hung up) has its stream drained and dropped. */
    private static void relay(List<Copy> copies) {
        byte[] chunk = new byte[8192];
        List<Copy> open = new ArrayList<>(copies);
        try {
            while (!open.isEmpty()) {
                int[] fds = open.stream().mapToInt(Copy::source).toArray();
                boolean[] ready = Posix.awaitReadable(fds, -1);
                for (int i = ready.length - 1; i >= 0; i--) {
                    if (ready[i] && !open.get(i).pass(chunk)) {
                        open.remove(i).close();
                    }
                }
            }
        } catch (ErrnoException unexpected) {
            open.forEach(Copy::close);
        }
    }

    /** One relayed stream: its pipe's read end and the terminal it goes to. */
    private static final class Copy {
        private final int source;
        private final int sink;
        private final TerminalText text = new TerminalText();
        private boolean sinkBroken;

        Copy(int source, int sink) {
            this.source = source;
            this.sink = sink;
        }

        int source() {
            return source;
        }

        /** @return false at the end of the stream */
        boolean pass(byte[] chunk) throws ErrnoException {
            int read = Posix.read(source, chunk);
            byte[] safe = read == 0 ? text.finish() : text.clean(chunk, read);
            if (!sinkBroken && safe.length > 0) {
                try {
                    Posix.writeFully(sink, safe, safe.length);
                } catch (ErrnoException hungUp) {
                    sinkBroken = true; // keep draining, so that the worker never blocks on a terminal that is gone
                }
            }
            return read > 0;
        }

        void close() {
            Posix.close(source);
        }
    }
}
