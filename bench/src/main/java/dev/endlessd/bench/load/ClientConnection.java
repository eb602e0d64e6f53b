package dev.endlessd.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One simulated client's HTTP/1.1 connection over a plain blocking socket: sends a GET, reads the whole
 * reply, and says how the exchange ended.
 *
 * <p>A request that fails on a <em>reused</em> keep-alive connection before any byte of the reply arrived is
 * sent once more on a new connection, as HTTP clients do for idempotent requests (RFC 9112 §9.3.1; Go's
 * net/http, curl and browsers all do it): a server may close an idle connection at the moment the client
 * sends on it. Such a retry is reported by {@link #retried()}, never hidden; a second failure counts.
 *
 * <p>Not thread-safe: one client thread owns it. It allocates nothing per request on the success path.
 */
final class ClientConnection implements AutoCloseable {
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int FAILED_REPLY_SHOWN = 600;

    private final InetSocketAddress address;
    private final boolean keepAlive;
    private final byte[] request;
    private final byte[] buffer = new byte[BUFFER_BYTES];

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    // The last exchange.
    private int replyBytes;
    private int workerPid;
    private int status;
    private boolean retried;
    /** The start of the last reply that was not a 2xx, as text: what the server said, for the failure report. */
    private String failedReplyStart = "";

    // The reply being parsed.
    private int headEnd;
    private long contentLength;
    private boolean closeAfterReply;

    ClientConnection(InetSocketAddress address, ConnectionMode mode, String path) {
        this.address = address;
        this.keepAlive = mode == ConnectionMode.KEEPALIVE;
        String host = address.getHostString() + ":" + address.getPort();
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: endlessd-bench\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends one request and reads its reply, within {@code timeoutNanos} per attempt. */
    Outcome exchange(long timeoutNanos) {
        retried = false;
        workerPid = 0;
        status = 0;
        failedReplyStart = "";
        boolean reused = socket != null;
        Outcome outcome = attempt(timeoutNanos);
        if (reused && replyBytes == 0 && (outcome == Outcome.EMPTY || outcome == Outcome.RESET)) {
            retried = true;
            outcome = attempt(timeoutNanos);
        }
        return outcome;
    }

    /** The {@code X-Worker-Pid} of the last reply, 0 if none. */
    int workerPid() {
        return workerPid;
    }

    /** The HTTP status of the last reply, 0 if none came. */
    int status() {
        return status;
    }

    /** The first bytes of the last reply if it was not a 2xx (head and the start of the body), else empty. */
    String failedReplyStart() {
        return failedReplyStart;
    }

    /** Whether the last request had to be sent again on a new connection. */
    boolean retried() {
        return retried;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket we are done with: nothing to report
            }
            socket = null;
        }
    }

    private Outcome attempt(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        replyBytes = 0;
        if (socket == null) {
            Outcome refused = connect(deadline);
            if (refused != null) {
                return refused;
            }
        }
        Outcome outcome;
        try {
            out.write(request);
            outcome = readReply(deadline);
        } catch (SocketTimeoutException e) {
            outcome = Outcome.TIMEOUT;
        } catch (SocketException e) {
            outcome = classify(e);
        } catch (IOException e) {
            outcome = unexpected(e);
        }
        boolean complete = outcome == Outcome.OK || outcome == Outcome.NON_2XX;
        if (!complete || !keepAlive || closeAfterReply) {
            close();
        }
        return outcome;
    }

    private Outcome connect(long deadline) {
        Socket fresh = new Socket();
        try {
            fresh.setTcpNoDelay(true);
            fresh.connect(address, millisLeft(deadline));
            socket = fresh;
            in = fresh.getInputStream();
            out = fresh.getOutputStream();
            return null;
        } catch (SocketTimeoutException e) {
            closeQuietly(fresh);
            return Outcome.CONNECT_TIMEOUT;
        } catch (SocketException e) {
            closeQuietly(fresh);
            return classify(e);
        } catch (IOException e) {
            closeQuietly(fresh);
            return unexpected(e);
        }
    }

    private Outcome readReply(long deadline) throws IOException {
        int filled = 0;
        headEnd = -1;
        while (headEnd < 0) {
            if (filled == buffer.length) {
                return Outcome.MALFORMED;
            }
            int n = read(buffer, filled, buffer.length - filled, deadline);
            if (n < 0) {
                return replyBytes == 0 ? Outcome.EMPTY : Outcome.MALFORMED;
            }
            filled += n;
            headEnd = indexOfBlankLine(buffer, Math.max(0, filled - n - 3), filled);
        }
        status = parseHead();
        if (status < 0) {
            return Outcome.MALFORMED;
        }
        if (status / 100 != 2) {
            failedReplyStart = new String(buffer, 0, Math.min(filled, FAILED_REPLY_SHOWN), StandardCharsets.ISO_8859_1);
        }
        long bodyInBuffer = filled - headEnd;
        boolean noBody = status / 100 == 1 || status == 204 || status == 304;
        if (noBody) {
            contentLength = 0;
        }
        if (contentLength < 0) {
            if (!closeAfterReply) {
                return Outcome.MALFORMED;
            }
            while (read(buffer, 0, buffer.length, deadline) >= 0) {
                // a reply without a length ends with the connection
            }
        } else {
            if (bodyInBuffer > contentLength) {
                return Outcome.MALFORMED;
            }
            long remaining = contentLength - bodyInBuffer;
            while (remaining > 0) {
                int n = read(buffer, 0, (int) Math.min(buffer.length, remaining), deadline);
                if (n < 0) {
                    return Outcome.MALFORMED;
                }
                remaining -= n;
            }
        }
        return status / 100 == 2 ? Outcome.OK : Outcome.NON_2XX;
    }

    private int read(byte[] into, int offset, int length, long deadline) throws IOException {
        socket.setSoTimeout(millisLeft(deadline));
        int n = in.read(into, offset, length);
        if (n > 0) {
            replyBytes += n;
        }
        return n;
    }

    /** Parses the status line and the headers we need; returns the status, or -1 if this is not HTTP/1.x. */
    private int parseHead() {
        contentLength = -1;
        closeAfterReply = !keepAlive;
        if (headEnd < 16 || !startsWith(buffer, 0, "http/1.") || buffer[8] != ' ') {
            return -1;
        }
        int status = (int) parseNumber(buffer, 9, 12);
        if (status < 100 || status > 999) {
            return -1;
        }
        int line = indexOf(buffer, '\n', 0, headEnd) + 1;
        while (line > 0 && line < headEnd - 2) {
            int lineEnd = indexOf(buffer, '\n', line, headEnd);
            if (lineEnd < 0) {
                return -1;
            }
            int valueEnd = buffer[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (startsWith(buffer, line, "content-length:")) {
                contentLength = parseNumber(buffer, skipSpaces(line + 15, valueEnd), valueEnd);
                if (contentLength < 0) {
                    return -1;
                }
            } else if (startsWith(buffer, line, "connection:")) {
                closeAfterReply |= startsWith(buffer, skipSpaces(line + 11, valueEnd), "close");
            } else if (startsWith(buffer, line, "x-worker-pid:")) {
                workerPid = Math.max(0, (int) parseNumber(buffer, skipSpaces(line + 13, valueEnd), valueEnd));
            } else if (startsWith(buffer, line, "transfer-encoding:")) {
                return -1;
            }
            line = lineEnd + 1;
        }
        return status;
    }

    private int skipSpaces(int from, int end) {
        int at = from;
        while (at < end && (buffer[at] == ' ' || buffer[at] == '\t')) {
            at++;
        }
        return at;
    }

    /** Index just past the first CRLF CRLF in {@code [from, to)}, or -1. */
    static int indexOfBlankLine(byte[] bytes, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Case-insensitive ASCII prefix test; {@code prefix} is lower case. */
    private static boolean startsWith(byte[] bytes, int at, String prefix) {
        if (at + prefix.length() > bytes.length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            int b = bytes[at + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A decimal number in {@code [from, to)}, trailing spaces allowed; -1 if there is none or it is not one. */
    private static long parseNumber(byte[] bytes, int from, int to) {
        long value = 0;
        int digits = 0;
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b >= '0' && b <= '9' && digits < 18) {
                value = value * 10 + (b - '0');
                digits++;
            } else if (b == ' ' || b == '\t') {
                break;
            } else {
                return -1;
            }
        }
        return digits == 0 ? -1 : value;
    }

    private static int millisLeft(long deadline) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("request timeout");
        }
        return (int) Math.max(1, (left + 999_999) / 1_000_000);
    }

    static Outcome classify(SocketException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("refused")) {
            return Outcome.REFUSED;
        }
        if (message.contains("reset") || message.contains("broken pipe")) {
            return Outcome.RESET;
        }
        return unexpected(e);
    }

    private static Outcome unexpected(IOException e) {
        if (REPORTED.add(e.getClass().getName() + ": " + e.getMessage())) {
            System.err.println("bench: request failed with " + e + " (counted as " + Outcome.IO_ERROR.label() + ")");
        }
        return Outcome.IO_ERROR;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // never connected
        }
    }
}
