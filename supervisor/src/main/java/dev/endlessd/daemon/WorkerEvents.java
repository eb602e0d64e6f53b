package dev.endlessd.daemon;

import dev.endlessd.notify.NotifyMessage;
import dev.endlessd.spawn.ExitStatus;

/** What a started worker reports back; every call must arrive on the supervisor's thread. */
interface WorkerEvents {
    void notified(Worker worker, NotifyMessage message);

    void exited(Worker worker, ExitStatus status);
}
