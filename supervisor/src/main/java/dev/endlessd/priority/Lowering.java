package dev.endlessd.priority;

import java.util.OptionalLong;

/** One way of giving a starting worker less CPU, and of giving it back. Confined to the supervisor's thread. */
interface Lowering {

    /** Before the worker is spawned: what must exist for it to start lowered. */
    void prepare(String worker, long generation);

    /** The worker was spawned with {@code pid}, which leads its own session and process group. */
    void lower(String worker, long generation, int pid);

    /** @return false when the serving share could not be given back (logged) */
    boolean raise(String worker, long generation, int pid);

    /** The worker is gone; {@code generation} is no longer needed unless another worker of it runs. */
    void gone(String worker, long generation);

    /** The generation whose cgroup process {@code pid} is in; empty without cgroups. Safe from any thread. */
    OptionalLong generationOf(int pid);

    /** One line for the log and status: the mechanism, its figures and where. */
    String describe();
}
