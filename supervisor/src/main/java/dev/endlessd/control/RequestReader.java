package dev.endlessd.control;

import dev.endlessd.log.ThrottledWarning;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the one request line of a control connection and passes it on as a {@link ControlRequest}.
 * Anything else (too long, too slow, not printable ASCII, unknown, ended without a newline) is
 * answered with {@code error invalid ...} and the connection is closed; nothing reaches the
 * supervisor. Bytes after the first line are not read. Refusals are logged through a throttle shared
 * by every connection, so a flood of junk costs a line per ten seconds. Runs on the channel's event loop.
 */
final class RequestReader extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestReader.class);

    private final Duration deadline;
    private final String peer;
    private final ThrottledWarning refusals;
    private final byte[] line;
    private int length;
    private boolean done;
    private ScheduledFuture<?> timer;

    /**
     * @param maxBytes the longest request line accepted, newline not counted
     * @param deadline how long after connecting the whole line must have arrived
     * @param peer     who is connected, for the log
     * @param refusals where refusals are logged
     */
    RequestReader(int maxBytes, Duration deadline, String peer, ThrottledWarning refusals) {
        this.line = new byte[maxBytes];
        this.deadline = deadline;
        this.peer = peer;
        this.refusals = refusals;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> refuse(ctx, "no complete request within " + deadline.toMillis()
                + " ms (send one line ending in a newline)"), deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            while (!done && in.isReadable()) {
                byte b = in.readByte();
                if (b == '\n') {
                    complete(ctx);
                } else if (length == line.length) {
                    refuse(ctx, "request longer than " + line.length + " bytes (expected one of: "
                            + ControlRequest.expected() + ")");
                } else {
                    line[length++] = b;
                }
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE && !done && length == 0) {
            // a probe (is anyone there?) that left without a word: nothing to answer
            finish(ctx);
            ctx.close();
        } else if (event == ChannelInputShutdownEvent.INSTANCE && !done) {
            refuse(ctx, "the request ended without a newline (send one line ending in a newline)");
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(ctx);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("control connection of {} failed: {}", peer, cause.toString());
        ctx.close();
    }

    private void complete(ChannelHandlerContext ctx) {
        finish(ctx);
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        String text = new String(line, 0, end, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                reply(ctx, "request \"" + ControlRequest.printable(text) + "\" is not printable ASCII (expected one of: "
                        + ControlRequest.expected() + ")");
                return;
            }
        }
        ControlRequest request;
        try {
            request = ControlRequest.parse(text);
        } catch (IllegalArgumentException e) {
            reply(ctx, e.getMessage());
            return;
        }
        ctx.fireChannelRead(request);
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        if (!done) {
            finish(ctx);
            reply(ctx, why);
        }
    }

    private void reply(ChannelHandlerContext ctx, String why) {
        refusals.warn("control: refused a request of {}: {}", peer, why);
        Replies.send(ctx, ControlReply.error(ControlReply.Kind.INVALID, why), "").addListener(ChannelFutureListener.CLOSE);
    }

    /** One request per connection: stop the clock and stop reading. */
    private void finish(ChannelHandlerContext ctx) {
        done = true;
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.channel().config().setAutoRead(false);
    }
}
