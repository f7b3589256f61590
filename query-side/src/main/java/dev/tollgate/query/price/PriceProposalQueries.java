package dev.tollgate.query.price;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.readmodel.tables.records.PriceProposalsRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.PRICE_PROPOSALS;

/** Price proposals from the {@code price_proposals} table, newest first. */
@Service
public class PriceProposalQueries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext dsl;

    public PriceProposalQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    public Optional<PriceProposalView> proposal(String proposalId) {
        return dsl.selectFrom(PRICE_PROPOSALS).where(PRICE_PROPOSALS.PROPOSAL_ID.eq(proposalId)).fetchOptional()
                .map(PriceProposalQueries::view);
    }

    /** @param status {@code pending}, {@code approved}, {@code rejected}, or null for all */
    public List<PriceProposalView> proposals(String status, String sourceId, int limit) {
        Condition where = DSL.noCondition();
        if (status != null) {
            where = where.and(PRICE_PROPOSALS.STATUS.eq(status));
        }
        if (sourceId != null) {
            where = where.and(PRICE_PROPOSALS.SOURCE_ID.eq(sourceId));
        }
        return dsl.selectFrom(PRICE_PROPOSALS).where(where)
                .orderBy(PRICE_PROPOSALS.PROPOSED_AT.desc(), PRICE_PROPOSALS.PROPOSAL_ID).limit(limit)
                .fetch(PriceProposalQueries::view);
    }

    private static PriceProposalView view(PriceProposalsRecord row) {
        return new PriceProposalView(row.getProposalId(), row.getSourceId(), row.getStatus(), json(row.getChanges()),
                json(row.getPrices()), row.getProposedAt(), row.getDecidedBy(), row.getDecidedAt(),
                row.getDecisionReason(), row.getPriceVersion());
    }

    private static JsonNode json(JSONB value) {
        try {
            return JSON.readTree(value.data());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
