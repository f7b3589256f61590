package dev.tollgate.edge.errors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * A value of a JSON body that Tollgate refuses while it is read (a control character in a string, an instant out of
 * bounds), in words for the client: {@link JsonInputErrors} answers it with this message and the value's path, where
 * any other failure of Jackson's gets a fixed message.
 */
public class RefusedJsonValue extends JsonMappingException {

    public RefusedJsonValue(JsonParser parser, String message) {
        super(parser, message);
    }
}
