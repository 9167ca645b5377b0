CREATE TABLE account (id text PRIMARY KEY, balance bigint NOT NULL);
-- The consumer's read model: what the deposit events added up to, and the request that made the last one.
CREATE TABLE deposit_total (account_id text PRIMARY KEY, total bigint NOT NULL, last_request_id text);
