package dev.tollgate.api.privacy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The component of an event that names the person its {@link PersonalData} components are about (a user id). An
 * event whose subject is {@code null} (a team's key, say) holds no person's data and is stored as it is.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface DataSubject {
}
