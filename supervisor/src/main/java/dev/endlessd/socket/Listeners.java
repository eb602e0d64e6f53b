package dev.endlessd.socket;

import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.Map;

/**
 * Where the daemon's listening sockets come from: the ones a systemd {@code .socket} unit passed
 * to endlessd itself, or else the {@code --listen} addresses, bound now; never both. Either way they
 * leave here with {@code O_NONBLOCK} set, the mode every worker gets and no one in endlessd changes
 * afterwards.
 */
public final class Listeners {
    private Listeners() {
    }

    /**
     * @param environment endlessd's own, for {@code LISTEN_FDS} addressed to {@code ownPid}
     * @param listen      the {@code --listen} addresses, empty when systemd passes the sockets
     * @throws ListenException naming the problem and the fix; nothing stays bound or adopted
     */
    public static List<Listener> open(Map<String, String> environment, long ownPid, List<ListenSpec> listen,
                                      EventLoopGroup group, int backlog) throws ListenException {
        List<Listener> adopted = SystemdSockets.adopt(environment, ownPid);
        if (!adopted.isEmpty() && !listen.isEmpty()) {
            adopted.forEach(Listener::close);
            throw new ListenException("both --listen and systemd sockets (LISTEN_FDS) were given: "
                    + "drop --listen when a .socket unit provides the sockets");
        }
        if (!adopted.isEmpty()) {
            return adopted;
        }
        if (listen.isEmpty()) {
            throw new ListenException("nothing to listen on: give --listen ADDR "
                    + "(or start endlessd from a systemd .socket unit)");
        }
        return new ListenerBinder(group, backlog).bindAll(listen);
    }
}
