package dev.tollgate.query.price;

/** The price book's versions at a glance ({@link PriceQueries#stamp}): equal stamps, the same versions. */
public record PriceBookStamp(int versions, int latest) {
}
