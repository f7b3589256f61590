package dev.tollgate.api.spend;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** One instruction of a {@link RecordSpendBatch}: reserve, settle or release the spend of one request. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ReserveSpend.class, name = "reserve"),
        @JsonSubTypes.Type(value = SettleSpend.class, name = "settle"),
        @JsonSubTypes.Type(value = ReleaseReservation.class, name = "release")
})
public sealed interface SpendLine permits ReserveSpend, SettleSpend, ReleaseReservation {
    String requestId();
}
