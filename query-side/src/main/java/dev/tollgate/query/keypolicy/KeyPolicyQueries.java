package dev.tollgate.query.keypolicy;

import org.jooq.DSLContext;
import org.springframework.stereotype.Service;

import java.util.Arrays;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.KEY_POLICIES;

/** Teams' key policies from {@code key_policies}. */
@Service
public class KeyPolicyQueries {

    private final DSLContext dsl;

    public KeyPolicyQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    public Optional<KeyPolicyView> policy(String teamId) {
        return dsl.selectFrom(KEY_POLICIES).where(KEY_POLICIES.TEAM_ID.eq(teamId)).fetchOptional()
                .map(row -> new KeyPolicyView(row.getTeamId(), row.getMaxKeys(), row.getMaxExpiryDays(),
                        Arrays.asList(row.getAllowedModels()), row.getRequestsPerMinute(),
                        row.getTokensPerMinute(), row.getSetBy(), row.getSetAt(), row.getReason()));
    }
}
