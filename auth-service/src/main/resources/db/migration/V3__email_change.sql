-- A pending change of e-mail address, confirmed by a link sent to the new address.
ALTER TABLE users ADD COLUMN email_change text;
ALTER TABLE users ADD COLUMN email_change_sent_at timestamptz;
ALTER TABLE one_time_tokens DROP CONSTRAINT one_time_tokens_type_check;
ALTER TABLE one_time_tokens ADD CONSTRAINT one_time_tokens_type_check CHECK (type IN ('signup', 'recovery', 'email_change'));
