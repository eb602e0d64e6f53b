package dev.endlessd.instance;

import dev.endlessd.daemon.Phase;
import dev.endlessd.daemon.Supervisor;
import dev.endlessd.notify.SystemdNotifier;

/**
 * Maps the supervisor's phases to sd_notify fields for a service manager: READY=1 once a worker
 * serves (again), RELOADING=1 with the monotonic time a reload began, STOPPING=1, and a STATUS=
 * line always. The protocol has no "reload failed": a failed reload sends READY=1 (the old worker
 * serves) with the failure in STATUS=. A reload whose worker goes on probation enters RELOADING
 * again: that only changes STATUS=, since one reload must not look like two to the service manager.
 * Confined to the supervisor's thread.
 */
final class SystemdPhases implements Supervisor.PhaseListener {
    private final SystemdNotifier notifier;
    private Phase last;

    SystemdPhases(SystemdNotifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public void entered(Phase phase, String status) {
        String line = "STATUS=" + status.replace('\n', ' ');
        boolean again = phase == last;
        last = phase;
        if (again && phase == Phase.RELOADING) {
            notifier.send(line);
            return;
        }
        switch (phase) {
            case SERVING -> notifier.send("READY=1\n" + line);
            // CLOCK_MONOTONIC, which is what System.nanoTime reads on Linux
            case RELOADING -> notifier.send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\n" + line);
            case STOPPING -> notifier.send("STOPPING=1\n" + line);
            default -> notifier.send(line);
        }
    }
}
