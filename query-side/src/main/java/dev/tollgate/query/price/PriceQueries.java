package dev.tollgate.query.price;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.readmodel.tables.records.PriceVersionsRecord;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.PRICE_VERSIONS;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.max;

/** The price book's versions, from {@code price_versions}. */
@Service
public class PriceQueries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext dsl;

    public PriceQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Newest publication first. */
    public List<PriceVersionView> versions() {
        return dsl.selectFrom(PRICE_VERSIONS).orderBy(PRICE_VERSIONS.VERSION.desc()).fetch(PriceQueries::view);
    }

    /**
     * What changes whenever {@code price_versions} does: its row count and highest version (rows are only inserted,
     * and a replay of the read model deletes them all before inserting them again).
     */
    public PriceBookStamp stamp() {
        var row = dsl.select(count(), max(PRICE_VERSIONS.VERSION))
                .from(PRICE_VERSIONS).fetchOne();
        return new PriceBookStamp(row.value1(), row.value2() == null ? 0 : row.value2());
    }

    /** The version in force at {@code at}: the latest effective one, the most recently published on a tie. */
    public Optional<PriceVersionView> inForceAt(Instant at) {
        return versions().stream().filter(v -> !v.effectiveFrom().isAfter(at))
                .max(Comparator.comparing(PriceVersionView::effectiveFrom).thenComparing(PriceVersionView::number));
    }

    static PriceVersionView view(PriceVersionsRecord r) {
        try {
            return new PriceVersionView("v" + r.getVersion(), r.getVersion(), r.getEffectiveFrom(),
                    JSON.readTree(r.getPrices().data()), List.of(r.getChanged()), r.getSource(), r.getActor(),
                    r.getReason(), r.getPublishedAt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
