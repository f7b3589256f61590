package dev.tollgate.edge.security;

import org.junit.jupiter.api.Test;
import org.springframework.http.server.PathContainer;

import static org.assertj.core.api.Assertions.assertThat;

/** The route table decides a literal path by one lookup, and exactly as the patterns in order would. */
class RouteTableTest {

    @Test
    void aLiteralPathShadowedByAnEarlierPatternIsDecidedByThatPattern() {
        RouteTable table = RouteTable.builder()
                .add(RouteAccess.ADMIN, "/reports/**")
                .add(RouteAccess.PUBLIC, "/reports/open", "/open")
                .build();

        assertThat(table.accessFor(PathContainer.parsePath("/reports/open"))).contains(RouteAccess.ADMIN);
        assertThat(table.accessFor(PathContainer.parsePath("/reports/%6Fpen"))).contains(RouteAccess.ADMIN);
        assertThat(table.accessFor(PathContainer.parsePath("/open"))).contains(RouteAccess.PUBLIC);
        assertThat(table.accessFor(PathContainer.parsePath("/%6Fpen"))).contains(RouteAccess.PUBLIC);
        assertThat(table.accessFor(PathContainer.parsePath("/open/"))).isEmpty();
        assertThat(table.accessFor(PathContainer.parsePath("/opened"))).isEmpty();
    }

    @Test
    void everyLiteralOfTheStandardTableIsDecidedAsItsSpellingsWithEscapesAre() {
        RouteTable table = RouteTable.standard();
        assertThat(table.accessFor(PathContainer.parsePath("/actuator/health"))).contains(RouteAccess.PUBLIC);
        assertThat(table.accessFor(PathContainer.parsePath("/actuator/env"))).contains(RouteAccess.ADMIN);
        for (RouteTable.Route route : table.routes()) {
            String literal = route.pattern().getPatternString();
            if (literal.matches("[/a-z0-9._-]+") && literal.length() > 1) {
                // the same path with its first letter percent-encoded reaches the same route by the patterns
                String escaped = "/" + String.format("%%%02X", (int) literal.charAt(1)) + literal.substring(2);
                assertThat(table.accessFor(PathContainer.parsePath(literal))).as(literal)
                        .isEqualTo(table.accessFor(PathContainer.parsePath(escaped)));
            }
        }
    }
}
