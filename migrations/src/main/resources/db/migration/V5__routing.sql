-- Routing (docs/routing.md): how many attempts a request took (retries and fallbacks included), and the model the
-- client asked for, beside `model`, the model that answered (a fallback's name when a fallback answered).
-- Rows settled before this migration have NULL attempts.
ALTER TABLE message_costs ADD COLUMN attempts INTEGER;
ALTER TABLE message_costs ADD COLUMN requested_model VARCHAR(200);
