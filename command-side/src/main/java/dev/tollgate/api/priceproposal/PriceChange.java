package dev.tollgate.api.priceproposal;

/**
 * One line of a price proposal's diff: a model's field with its value in force and the proposed one (decimals as
 * strings, per million tokens for token prices; {@code null}: not set).
 *
 * @param field {@code input}, {@code cached_input}, {@code output}, {@code reasoning}, {@code per_image},
 *              {@code per_request}, {@code image_prices} or {@code free}
 */
public record PriceChange(String model, String field, String oldValue, String newValue) {
}
