package dev.tollgate.edge.storedevents;

/**
 * Revision 2 of {@code CohortBoostGranted}: a cohort boost carries the budget cap of the actor who decided it, which
 * each member's team applies to that member's share. Cohort boosts of revision 1 had none (their shares were granted
 * without one, and are never granted again: the distribution is not replayed).
 */
final class CohortBoostsWithLimitCap extends FieldAddedAsNull {

    static final String TYPE = "dev.tollgate.api.boost.CohortBoostGranted";

    CohortBoostsWithLimitCap() {
        super(TYPE, "1", "2", "limitCap");
    }
}
