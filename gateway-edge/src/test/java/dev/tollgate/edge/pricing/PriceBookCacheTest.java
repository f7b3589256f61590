package dev.tollgate.edge.pricing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.query.price.PriceBookStamp;
import dev.tollgate.query.price.PriceQueries;
import dev.tollgate.query.price.PriceVersionView;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PriceBookCacheTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** The read model's rows, and how often the cache read them whole. */
    private static final class Rows extends PriceQueries {
        final List<PriceVersionView> rows = new ArrayList<>();
        int wholeReads;
        /** What stamp() answers instead of the rows' own (a stamp read before the rows changed). */
        PriceBookStamp stampOverride;

        Rows() {
            super(null);
        }

        void publish(int number, Instant effectiveFrom, List<String> present, List<String> changed) {
            ObjectNode prices = JSON.createObjectNode();
            present.forEach(model -> prices.set(model, JSON.valueToTree(ModelPrice.FREE)));
            rows.add(new PriceVersionView("v" + number, number, effectiveFrom, prices, changed, "test", "admin",
                    null, T0));
        }

        @Override
        public List<PriceVersionView> versions() {
            wholeReads++;
            return List.copyOf(rows);
        }

        @Override
        public PriceBookStamp stamp() {
            if (stampOverride != null) {
                return stampOverride;
            }
            return new PriceBookStamp(rows.size(), rows.stream().mapToInt(PriceVersionView::number).max().orElse(0));
        }
    }

    private final Rows rows = new Rows();
    private final PriceBookCache cache = new PriceBookCache(rows);

    @Test
    void aModelIsPricedByTheLatestEffectiveVersionThatSetIt() {
        rows.publish(1, T0, List.of("a", "b"), List.of("a", "b"));
        rows.publish(2, T0.plusSeconds(100), List.of("a", "b"), List.of("a"));
        rows.publish(3, T0.plusSeconds(100), List.of("a", "b"), List.of("a")); // same instant: the later publication
        rows.publish(4, T0.plusSeconds(50), List.of("a", "b"), List.of("b")); // published later, effective earlier
        rows.publish(5, T0.plusSeconds(1000), List.of("a"), List.of("b")); // withdraws b from then on
        cache.refresh();

        assertThat(version("a", T0.minusSeconds(1))).isEmpty();
        assertThat(version("a", T0.plusSeconds(99))).contains("v1");
        assertThat(version("a", T0.plusSeconds(100))).contains("v3");
        assertThat(version("a", T0.plusSeconds(5000))).as("v4 and v5 did not set a").contains("v3");
        assertThat(version("b", T0.plusSeconds(49))).contains("v1");
        assertThat(version("b", T0.plusSeconds(100))).as("v2 and v3 only show b as it was").contains("v4");
        assertThat(version("b", T0.plusSeconds(1000))).as("withdrawn: no price, never a silent zero").isEmpty();
        assertThat(version("c", T0.plusSeconds(100))).isEmpty();
        assertThat(cache.latestVersion()).isEqualTo(5);
    }

    @Test
    void theVersionsAreReadAgainOnlyWhenTheReadModelChanged() {
        rows.publish(1, T0, List.of("a"), List.of("a"));
        cache.refresh();
        cache.refresh();
        cache.refresh();
        assertThat(rows.wholeReads).isEqualTo(1);

        rows.publish(2, T0.plusSeconds(10), List.of("a"), List.of("a"));
        cache.refresh();
        assertThat(rows.wholeReads).isEqualTo(2);
        assertThat(version("a", T0.plusSeconds(10))).contains("v2");

        rows.rows.clear(); // a replay of the read model: empty, then filled again
        cache.refresh();
        assertThat(version("a", T0.plusSeconds(10))).isEmpty();
        rows.publish(1, T0, List.of("a"), List.of("a"));
        rows.publish(2, T0.plusSeconds(10), List.of("a"), List.of("a"));
        cache.refresh();
        assertThat(rows.wholeReads).isEqualTo(4);
        assertThat(version("a", T0.plusSeconds(10))).contains("v2");
    }

    @Test
    void aBookReadWhileTheReadModelWasReplayedIsReadAgain() {
        rows.publish(1, T0, List.of("a"), List.of("a"));
        rows.publish(2, T0.plusSeconds(10), List.of("a"), List.of("a"));
        rows.stampOverride = new PriceBookStamp(2, 2); // checked whole, then read half-way through a replay
        rows.rows.remove(1);
        cache.refresh();
        assertThat(version("a", T0.plusSeconds(10))).contains("v1");

        rows.stampOverride = null;
        rows.publish(2, T0.plusSeconds(10), List.of("a"), List.of("a")); // the replay done: the same two versions
        cache.refresh();
        assertThat(version("a", T0.plusSeconds(10))).as("not stuck on the half read").contains("v2");
    }

    private Optional<String> version(String model, Instant at) {
        return cache.priceAt(model, at).map(PriceInForce::version);
    }
}
