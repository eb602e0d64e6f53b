package dev.endlessd.daemon;

import dev.endlessd.upgrade.Handoff;
import dev.endlessd.upgrade.Preflight;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the supervisor asks of the process when it upgrades: the instance builds the whole handoff
 * around the supervision state, checks the new code, and executes it.
 */
public interface Upgrader {
    Upgrader NONE = new Upgrader() {
        @Override
        public void check(Handoff.Supervision state, Consumer<Preflight.Result> done) {
            done.accept(new Preflight.Result(false, "", "this endlessd cannot upgrade itself"));
        }

        @Override
        public String exec(Handoff.Supervision state, List<Integer> upgradeWaiters, List<Integer> reloadWaiters) {
            return "this endlessd cannot upgrade itself";
        }
    };

    /** Runs the new code's pre-flight check off the supervisor's thread; {@code done} runs on it. */
    void check(Handoff.Supervision state, Consumer<Preflight.Result> done);

    /**
     * Executes the new code in this process, handing it {@code state} and the connections waiting for
     * an answer. Returns only when that failed, with the reason; everything then runs on as before.
     */
    String exec(Handoff.Supervision state, List<Integer> upgradeWaiters, List<Integer> reloadWaiters);
}
