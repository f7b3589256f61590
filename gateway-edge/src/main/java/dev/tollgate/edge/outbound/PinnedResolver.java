package dev.tollgate.edge.outbound;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Name resolution for one outbound exchange: the checked host name resolves to the address that was checked, and
 * nothing else resolves. The connection goes where the check looked, whatever DNS answers a moment later (no DNS
 * rebinding).
 */
final class PinnedResolver extends AddressResolverGroup<InetSocketAddress> {

    private final String host;
    private final InetAddress address;

    PinnedResolver(String host, InetAddress address) {
        this.host = host;
        this.address = address;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InetSocketAddressResolver(executor, new InetNameResolver(executor) {
            @Override
            protected void doResolve(String inetHost, Promise<InetAddress> promise) {
                if (host.equalsIgnoreCase(inetHost)) {
                    promise.setSuccess(address);
                } else {
                    promise.setFailure(new UnknownHostException("not the checked host"));
                }
            }

            @Override
            protected void doResolveAll(String inetHost, Promise<List<InetAddress>> promise) {
                if (host.equalsIgnoreCase(inetHost)) {
                    promise.setSuccess(List.of(address));
                } else {
                    promise.setFailure(new UnknownHostException("not the checked host"));
                }
            }
        });
    }
}
