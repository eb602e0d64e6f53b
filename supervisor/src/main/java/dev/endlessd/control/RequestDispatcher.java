package dev.endlessd.control;

import dev.endlessd.daemon.CarriedConnection;
import dev.endlessd.daemon.Phase;
import dev.endlessd.daemon.ReloadOutcome;
import dev.endlessd.daemon.Supervisor;
import dev.endlessd.daemon.SupervisorSnapshot;
import dev.endlessd.daemon.UpgradeWaiter;
import dev.endlessd.daemon.WorkerSnapshot;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import dev.endlessd.watch.WatchStatus;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one {@link ControlRequest} by calling the {@link Supervisor} directly, which is safe
 * because the control channels run on the supervisor's own event loop; answers, then closes the
 * connection (a {@code stop} connection stays open until the daemon exits).
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<ControlRequest> {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private final Supervisor supervisor;
    private final DaemonInfo daemon;
    private final Supplier<Optional<WatchStatus>> watch;
    private final Clock clock;
    private final String origin;

    /**
     * @param origin who asked, for the supervisor's log ("pid 4242 uid 0")
     */
    RequestDispatcher(Supervisor supervisor, DaemonInfo daemon, Supplier<Optional<WatchStatus>> watch, Clock clock,
                      String origin) {
        this.supervisor = supervisor;
        this.daemon = daemon;
        this.watch = watch;
        this.clock = clock;
        this.origin = "control socket, " + origin;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ControlRequest request) {
        switch (request) {
            case RELOAD -> supervisor.reload(origin, new ReloadWaiter(ctx));
            case UPGRADE -> supervisor.upgrade(origin, new ConnectionUpgradeWaiter(ctx));
            case RELOAD_NOWAIT -> reloadNoWait(ctx);
            case STATUS -> answer(ctx, ControlReply.ok(""), StatusText.render(report()));
            case STATUS_JSON -> answer(ctx, ControlReply.ok(""), StatusJson.render(report()) + "\n");
            case CHECK -> answer(ctx, ControlReply.ok(Readiness.describe(supervisor.snapshot())), "");
            case STOP -> {
                Replies.send(ctx, ControlReply.ok("stopping pid=" + daemon.pid()), "");
                supervisor.stop(origin);
            }
            case HELP -> answer(ctx, ControlReply.ok(""), help());
        }
    }

    /** A bug must not leave a client waiting forever (a reload has no deadline): it hears of it, and the log too. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.error("control: could not handle a request of {}", origin, cause);
        answer(ctx, ControlReply.error(ControlReply.Kind.FAILED, "endlessd could not handle the request: "
                + cause.toString().replaceAll("[\\r\\n]+", " ") + " (see its log)"), "");
    }

    private void reloadNoWait(ChannelHandlerContext ctx) {
        ImmediateOutcome immediate = new ImmediateOutcome();
        supervisor.reload(origin, immediate);
        immediate.accepted = true;
        answer(ctx, immediate.outcome == null ? ControlReply.ok("reload accepted")
                : reloadReply(immediate.outcome, supervisor.snapshot()), "");
    }

    /**
     * The answer to a reload: {@code ok reloaded gen=N pid=P time_to_ready=Tms}, or
     * {@code error failed REASON} saying which worker keeps serving.
     */
    static ControlReply reloadReply(ReloadOutcome outcome, SupervisorSnapshot after) {
        if (outcome instanceof ReloadOutcome.Succeeded ok) {
            return ControlReply.ok(String.format(Locale.US, "reloaded gen=%d pid=%d time_to_ready=%dms",
                    ok.generation(), ok.pid(), ok.timeToReady().toMillis()));
        }
        ReloadOutcome.Failed failed = (ReloadOutcome.Failed) outcome;
        String which = failed.generation() > 0 ? "gen=" + failed.generation() + " " : "";
        return ControlReply.error(ControlReply.Kind.FAILED,
                "reload " + which + "failed: " + failed.reason() + keepsServing(after));
    }

    private static String keepsServing(SupervisorSnapshot after) {
        if (after.phase() == Phase.STOPPING || after.phase() == Phase.STOPPED) {
            return "";
        }
        return after.serving()
                .map(RequestDispatcher::keepsServing)
                .orElse("; no worker is serving, endlessd keeps trying");
    }

    private static String keepsServing(WorkerSnapshot worker) {
        return "; gen=" + worker.generation() + " pid=" + worker.pid() + " keeps serving";
    }

    private StatusReport report() {
        return new StatusReport(daemon, supervisor.snapshot(), watch.get(), clock.instant());
    }

    private static String help() {
        return Arrays.stream(ControlRequest.values())
                .map(request -> String.format(Locale.US, "%-14s %s", request.line(), request.description()))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static void answer(ChannelHandlerContext ctx, ControlReply reply, String body) {
        Replies.send(ctx, reply, body).addListener(ChannelFutureListener.CLOSE);
    }

    /** A reload's waiter on a connection, which an upgrade can carry across its exec. */
    private final class ReloadWaiter implements Consumer<ReloadOutcome>, CarriedConnection {
        private final ChannelHandlerContext ctx;

        ReloadWaiter(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void accept(ReloadOutcome outcome) {
            answer(ctx, reloadReply(outcome, supervisor.snapshot()), "");
        }

        @Override
        public int connectionFd() {
            return ((EpollDomainSocketChannel) ctx.channel()).fd().intValue();
        }
    }

    /** An upgrade's waiter: told here of a refusal, by the new code of its success. */
    private static final class ConnectionUpgradeWaiter implements UpgradeWaiter, CarriedConnection {
        private final ChannelHandlerContext ctx;

        ConnectionUpgradeWaiter(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void refused(String reason) {
            answer(ctx, ControlReply.error(ControlReply.Kind.FAILED, reason.replaceAll("[\\r\\n]+", " ")), "");
        }

        @Override
        public int connectionFd() {
            return ((EpollDomainSocketChannel) ctx.channel()).fd().intValue();
        }
    }

    /** A reload can be refused on the spot (the daemon is stopping): that outcome must be the answer. */
    private static final class ImmediateOutcome implements Consumer<ReloadOutcome> {
        private boolean accepted;
        private ReloadOutcome outcome;

        @Override
        public void accept(ReloadOutcome outcome) {
            if (!accepted) {
                this.outcome = outcome;
            }
        }
    }
}
