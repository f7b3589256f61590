package dev.tollgate.api.privacy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A component of an event that holds personal data (a name, an email, an external id, a key's metadata). It is
 * stored encrypted with the key of the person the event's {@link DataSubject} component names; when that person is
 * erased their key is destroyed and the component reads as {@code null} from then on (docs/privacy.md).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface PersonalData {
}
