package dev.endlessd.sample.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.List;

/**
 * Maps a request to its {@link Reply}. Pure: no I/O, no clock, so it is the same under test and in
 * production.
 */
final class Routes {

    /** The longest {@code /slow} accepts, so that a typo cannot pin a connection for hours. */
    static final long MAX_SLOW_MS = 60_000;

    /** The answer to {@code GET /}: it never changes while the process lives. */
    private final String home;

    Routes(AppInfo info) {
        this.home = "sample-app " + info.version() + "\n"
                + "greeting: " + info.greeting() + "\n"
                + "pid: " + info.pid() + "\n"
                + "generation: " + info.generationText() + "\n";
    }

    Reply reply(HttpRequest request, boolean draining) {
        if (request.decoderResult().isFailure()) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, "malformed request\n");
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (!path.equals("/") && !path.equals("/slow") && !path.equals("/healthz")) {
            return Reply.text(HttpResponseStatus.NOT_FOUND, "no such path: " + path + "\n");
        }
        if (!HttpMethod.GET.equals(request.method())) {
            return Reply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " not allowed, use GET\n")
                    .withHeader(HttpHeaderNames.ALLOW.toString(), "GET");
        }
        switch (path) {
            case "/":
                return Reply.text(HttpResponseStatus.OK, home);
            case "/healthz":
                return draining
                        ? Reply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "draining\n")
                        : Reply.text(HttpResponseStatus.OK, "ok\n");
            default:
                return slow(uri.parameters().get("ms"));
        }
    }

    private static Reply slow(List<String> values) {
        String value = values == null || values.size() != 1 ? null : values.get(0);
        long ms;
        try {
            ms = value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0 || ms > MAX_SLOW_MS) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, "ms: " + (value == null ? "missing" : "'" + value + "'")
                    + " (expected: one integer from 0 to " + MAX_SLOW_MS + ")\n");
        }
        return Reply.text(HttpResponseStatus.OK, "slept " + ms + " ms\n").after(Duration.ofMillis(ms));
    }
}
