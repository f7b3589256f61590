package dev.tollgate.edge.storedevents;

/**
 * The fixture writer's scenario, run in every build (writing to a temporary file): it stores every event type of
 * today's code and a snapshot of every snapshotted aggregate, or fails naming what it did not store. Without it, a
 * change that broke the scenario went unseen until the next fixture was due (a move that stopped storing
 * {@code KeyMoved} once admin-issued keys were revoked by moves).
 */
class StoredEventsScenarioTest extends StoredEventsFixtureWriter {
}
