package dev.tollgate.edge.storedevents;

/**
 * Revision 3 of {@code UserRegistered}: a registration may carry the person's email (personal data, sealed with
 * their key). Registrations of revision 2 had none.
 */
final class RegistrationsWithEmail extends FieldAddedAsNull {

    static final String TYPE = "dev.tollgate.api.team.UserRegistered";

    RegistrationsWithEmail() {
        super(TYPE, "2", "3", "email");
    }
}
