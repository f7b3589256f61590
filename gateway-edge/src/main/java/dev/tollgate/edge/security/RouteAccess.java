package dev.tollgate.edge.security;

/** What a declared route needs before its handler runs. Anything not declared is refused (see {@link RouteTable}). */
public enum RouteAccess {
    /** Health probes, the UI's static files, the API documentation. */
    PUBLIC,
    /** The OpenAI-compatible routes: the governed request lifecycle authenticates the API key itself. */
    API_KEY,
    /** A key owner's own spend: any credential, an API key included. */
    OWN_SPEND,
    /**
     * Administrative and read routes: an administrative credential (admin, manager, finance) as a bearer key, or a
     * signed-in session (SSO) whose claims gave a staff role.
     */
    STAFF,
    /** Finance's exports of the whole ledger (FOCUS): admins and finance, not managers. */
    FINANCE,
    /** Operations endpoints (metrics, detailed health): admins only. */
    ADMIN,
    /** The portal's JSON routes: a signed-in session (SSO) of a member of a team. */
    PORTAL,
    /** Routes of any signed-in session (signing out). */
    SESSION
}
