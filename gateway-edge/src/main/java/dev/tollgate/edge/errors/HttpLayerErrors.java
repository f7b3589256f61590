package dev.tollgate.edge.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.springframework.boot.web.embedded.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Errors of the HTTP layer itself, in OpenAI's shape. Reactor Netty refuses a request it cannot decode (a request
 * line past {@link HttpLimits#MAX_REQUEST_LINE}: 414; headers past {@link HttpLimits#MAX_HEADERS}: 431; anything
 * else malformed: 400), and Spring refuses a target that is no URI (a raw backslash: 400), both with an empty body.
 * A handler just above the HTTP codec gives every such answer (an error status, an empty body, not a HEAD) the
 * JSON body every other error has. Applied after Spring Boot's own customisation, so the limits are these.
 */
@Component
public class HttpLayerErrors implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

    private final ObjectMapper json;

    public HttpLayerErrors(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        factory.addServerCustomizers(server -> server
                .httpRequestDecoder(spec -> spec.maxInitialLineLength(HttpLimits.MAX_REQUEST_LINE)
                        .maxHeaderSize(HttpLimits.MAX_HEADERS))
                .doOnChannelInit((observer, channel, remote) -> {
                    if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                        channel.pipeline().addAfter(NettyPipeline.HttpCodec, "tollgate.httpLayerErrors",
                                new EmptyErrorBodies(json));
                    }
                }));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after Spring Boot's NettyWebServerFactoryCustomizer
    }

    /** The message for an error the HTTP layer answered without a body. */
    static ApiError describe(int status) {
        return switch (status) {
            case 414 -> new ApiError(HttpStatus.URI_TOO_LONG, "invalid_request_error", "uri_too_long", null,
                    "The request line is longer than " + HttpLimits.MAX_REQUEST_LINE + " bytes.");
            case 431 -> new ApiError(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "invalid_request_error",
                    "headers_too_large", null, "The request headers are larger than " + HttpLimits.MAX_HEADERS
                    + " bytes.");
            case 400 -> new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_request", null,
                    "The request is not valid HTTP: its target must be a valid URI (no raw backslash, space or "
                            + "control character) and its headers well formed.");
            default -> {
                HttpStatus resolved = HttpStatus.resolve(status);
                yield new ApiError(resolved == null ? HttpStatus.INTERNAL_SERVER_ERROR : resolved,
                        status >= 500 ? "api_error" : "invalid_request_error", status >= 500 ? "internal_error"
                        : "invalid_request", null, resolved == null ? "The request failed."
                        : "The request failed: " + resolved.getReasonPhrase() + ".");
            }
        };
    }

    /** Gives error answers without a body the JSON body; remembers the methods to leave HEAD answers alone. */
    static final class EmptyErrorBodies extends ChannelDuplexHandler {

        private final ObjectMapper json;
        private final Queue<HttpMethod> methods = new ArrayDeque<>();

        EmptyErrorBodies(ObjectMapper json) {
            this.json = json;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest request && methods.size() < 64) {
                methods.add(request.method());
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof io.netty.handler.codec.http.HttpResponse response
                    && response.status().code() >= 200) {
                HttpMethod method = methods.poll();
                if (msg instanceof FullHttpResponse full && full.status().code() >= 400 && !full.content().isReadable()
                        && !HttpMethod.HEAD.equals(method)) {
                    msg = withBody(full);
                }
            }
            super.write(ctx, msg, promise);
        }

        private FullHttpResponse withBody(FullHttpResponse empty) throws JsonProcessingException {
            byte[] body = json.writeValueAsBytes(OpenAiErrorBody.of(describe(empty.status().code())));
            ByteBuf content = Unpooled.wrappedBuffer(body);
            FullHttpResponse full = empty.replace(content);
            empty.release();
            full.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set("X-Content-Type-Options", "nosniff");
            return full;
        }
    }
}
