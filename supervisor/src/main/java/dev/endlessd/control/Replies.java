package dev.endlessd.control;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;

/** Writes an answer (its first line, then the body as is) on a control connection. */
final class Replies {
    private Replies() {
    }

    static ChannelFuture send(ChannelHandlerContext ctx, ControlReply reply, String body) {
        return ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), reply.line() + "\n" + body));
    }
}
