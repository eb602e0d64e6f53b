package dev.endlessd.sample.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RoutesTest {

    private final Routes routes = new Routes(new AppInfo("1.2.3", "Hi there", 77, OptionalLong.of(8)));

    @Test
    void homeNamesVersionGreetingPidAndGeneration() {
        Reply reply = get("/");

        assertEquals(HttpResponseStatus.OK, reply.status());
        assertEquals("sample-app 1.2.3\ngreeting: Hi there\npid: 77\ngeneration: 8\n", reply.body());
        assertEquals(Duration.ZERO, reply.delay());
    }

    @Test
    void homeWithoutSupervisorShowsNoGeneration() {
        Reply reply = new Routes(new AppInfo("dev", "Hi", 1, OptionalLong.empty())).reply(request(HttpMethod.GET, "/"),
                false);

        assertEquals("sample-app dev\ngreeting: Hi\npid: 1\ngeneration: -\n", reply.body());
    }

    @Test
    void slowAnswersAfterTheRequestedDelay() {
        Reply reply = get("/slow?ms=1500");

        assertEquals(HttpResponseStatus.OK, reply.status());
        assertEquals(Duration.ofMillis(1500), reply.delay());
        assertEquals("slept 1500 ms\n", reply.body());
    }

    @Test
    void slowAcceptsTheCapItself() {
        assertEquals(Duration.ofMillis(Routes.MAX_SLOW_MS), get("/slow?ms=" + Routes.MAX_SLOW_MS).delay());
    }

    @Test
    void slowRejectsMissingMalformedNegativeOrTooLongDelays() {
        assertEquals("ms: missing (expected: one integer from 0 to 60000)\n", get("/slow").body());
        assertEquals("ms: 'soon' (expected: one integer from 0 to 60000)\n", get("/slow?ms=soon").body());
        for (String uri : new String[] {"/slow", "/slow?ms=soon", "/slow?ms=-1", "/slow?ms=60001", "/slow?ms=1&ms=2"}) {
            assertEquals(HttpResponseStatus.BAD_REQUEST, get(uri).status(), uri);
            assertEquals(Duration.ZERO, get(uri).delay(), uri);
        }
    }

    @Test
    void healthzIsOkWhileServingAndUnavailableWhileDraining() {
        assertEquals(HttpResponseStatus.OK, routes.reply(request(HttpMethod.GET, "/healthz"), false).status());
        assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE,
                routes.reply(request(HttpMethod.GET, "/healthz"), true).status());
    }

    @Test
    void unknownPathIsNotFound() {
        assertEquals(HttpResponseStatus.NOT_FOUND, get("/nope").status());
        assertEquals(HttpResponseStatus.NOT_FOUND, get("/healthz/extra").status());
    }

    @Test
    void otherMethodsAreNotAllowedAndSaySo() {
        Reply reply = routes.reply(request(HttpMethod.POST, "/"), false);

        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED, reply.status());
        assertEquals(Map.of("allow", "GET"), reply.headers());
    }

    @Test
    void malformedRequestIsBadRequest() {
        FullHttpRequest broken = request(HttpMethod.GET, "/");
        broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad header")));

        assertEquals(HttpResponseStatus.BAD_REQUEST, routes.reply(broken, false).status());
    }

    private Reply get(String uri) {
        return routes.reply(request(HttpMethod.GET, uri), false);
    }

    private static FullHttpRequest request(HttpMethod method, String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    }
}
