package dev.tollgate.projection.support;

import org.jooq.DSLContext;
import org.jooq.Query;

import java.util.List;

/** Runs a batch's statements in one round trip (one statement needs no batch). */
public final class Statements {

    private Statements() {
    }

    public static void executeAll(DSLContext dsl, List<? extends Query> queries) {
        if (queries.size() == 1) {
            queries.get(0).execute();
        } else if (!queries.isEmpty()) {
            dsl.batch(queries).execute();
        }
    }
}
