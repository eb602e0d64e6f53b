package dev.endlessd.output;

import dev.endlessd.os.Posix;
import java.util.OptionalInt;

/**
 * The write ends of one worker's relayed streams, for the spawn to place at fd 1 and 2. Close it once
 * the worker is spawned (or failed to be): endlessd must not keep a write end, or the relay would
 * never see the end of the stream.
 */
public final class WorkerOutput implements AutoCloseable {
    private final OptionalInt stdout;
    private final OptionalInt stderr;
    private boolean closed;

    WorkerOutput(OptionalInt stdout, OptionalInt stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The fd to place at the worker's fd 1, when its stdout is relayed. */
    public OptionalInt stdout() {
        return stdout;
    }

    /** The fd to place at the worker's fd 2, when its stderr is relayed. */
    public OptionalInt stderr() {
        return stderr;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            stdout.ifPresent(Posix::close);
            stderr.ifPresent(Posix::close);
        }
    }
}
