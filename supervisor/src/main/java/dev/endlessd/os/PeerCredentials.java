package dev.endlessd.os;

/**
 * Who is at the other end of a unix socket, as the kernel vouches for it ({@code SO_PEERCRED},
 * {@code SCM_CREDENTIALS}). A pid of 0 means the peer is in a pid namespace we cannot see.
 */
public record PeerCredentials(int pid, int uid, int gid) {
    @Override
    public String toString() {
        return "pid " + pid + " uid " + uid;
    }
}
