-- A webhook endpoint's signing secret is the one whose fingerprint its registration carries (docs/adr/0012).
-- Each registration keeps its secret here before it sends its command, keyed by the endpoint id and the secret's
-- fingerprint; the event store accepts one registration per id, and its WebhookEndpointRegistered names the
-- fingerprint that deliveries are signed with. A secret whose registration never reached the event store (a node
-- stopped in between, kill -9) is no longer the id's only row, so it no longer blocks the id.
--
-- Rows kept before this migration have no fingerprint (it cannot be computed here: the secret is encrypted). They are
-- used only when their decrypted secret has the fingerprint the endpoint was registered with, as every row is.
ALTER TABLE webhook_secrets ADD COLUMN secret_fingerprint VARCHAR(16);
ALTER TABLE webhook_secrets DROP CONSTRAINT webhook_secrets_pkey;
ALTER TABLE webhook_secrets
    ADD CONSTRAINT webhook_secrets_endpoint_fingerprint UNIQUE (endpoint_id, secret_fingerprint);
