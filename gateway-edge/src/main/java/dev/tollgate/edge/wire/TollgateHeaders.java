package dev.tollgate.edge.wire;

/**
 * The HTTP headers Tollgate adds to the OpenAI wire (docs/api.md), named once for every route and every test of them.
 */
public final class TollgateHeaders {

    /** The request's id in the ledger ({@code GET /spend/messages/{id}}); on every answer, errors included. */
    public static final String REQUEST_ID = "x-request-id";
    /** The cost of a whole (non-streamed) answer, a decimal in the ledger currency. */
    public static final String COST = "x-tollgate-cost";
    /** On answers to a user whose budget (or team's, or key's) is past a threshold: see docs/alerts.md. */
    public static final String BUDGET_WARNING = "x-tollgate-budget-warning";
    /** What was reserved on the budgets before the request went upstream. */
    public static final String RESERVED = "x-tollgate-reserved";
    /** Present when the budget lowered the output tokens: the output tokens per choice now allowed. */
    public static final String MAX_TOKENS = "x-tollgate-max-tokens";
    /** The deployment that answered. */
    public static final String DEPLOYMENT = "x-tollgate-deployment";
    /** How many attempts (sent upstream) the answer took, retries and fallbacks included. */
    public static final String ATTEMPTS = "x-tollgate-attempts";
    /** The public model that answered: the requested one, or a fallback. */
    public static final String ANSWERED_BY = "x-tollgate-model";
    /** On a budget refusal: which budget could not cover the request. */
    public static final String BUDGET = "x-tollgate-budget";
    /** On a budget refusal: when that budget resets, if it does. */
    public static final String BUDGET_RESETS_AT = "x-tollgate-budget-resets-at";
    /** Request header: the request's tags ({@code course=cs101,assignment=3}). */
    public static final String TAGS = "x-tollgate-tags";

    private TollgateHeaders() {
    }
}
