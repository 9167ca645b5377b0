-- Stripe state that the fleet can trust: every row here was re-fetched from Stripe's API (never taken from a
-- webhook payload), so the API's current state wins whatever order events arrive in.

-- One Stripe customer per user, created with an idempotency key derived from the user id.
CREATE TABLE billing.customer (
    user_id            uuid PRIMARY KEY,
    stripe_customer_id text        NOT NULL UNIQUE,
    email              text,
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE billing.subscription (
    id                   text PRIMARY KEY,
    stripe_customer_id   text        NOT NULL,
    user_id              uuid,
    status               text        NOT NULL,
    price_id             text,
    -- null when the price is in no plan of the catalogue (see unknown_price)
    plan                 text,
    current_period_end   timestamptz,
    cancel_at_period_end boolean     NOT NULL DEFAULT false,
    synced_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscription_user ON billing.subscription (user_id);
CREATE INDEX subscription_status ON billing.subscription (status);

CREATE TABLE billing.invoice (
    id                 text PRIMARY KEY,
    stripe_customer_id text        NOT NULL,
    user_id            uuid,
    subscription_id    text,
    number             text,
    status             text,
    amount_due         bigint      NOT NULL DEFAULT 0,
    amount_paid        bigint      NOT NULL DEFAULT 0,
    currency           text,
    hosted_invoice_url text,
    created            timestamptz NOT NULL,
    synced_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoice_user_created ON billing.invoice (user_id, created DESC, id DESC);

CREATE TABLE billing.charge (
    id                 text PRIMARY KEY,
    stripe_customer_id text,
    user_id            uuid,
    amount             bigint      NOT NULL,
    amount_refunded    bigint      NOT NULL DEFAULT 0,
    currency           text,
    status             text,
    refunded           boolean     NOT NULL DEFAULT false,
    disputed           boolean     NOT NULL DEFAULT false,
    synced_at          timestamptz NOT NULL DEFAULT now()
);

-- The webhook inbox: every event Stripe sent (or reconciliation found), stored raw before anything is done.
CREATE TABLE billing.stripe_event (
    id              text PRIMARY KEY,
    type            text        NOT NULL,
    api_version     text,
    created         bigint      NOT NULL,
    payload         text        NOT NULL,
    source          text        NOT NULL CHECK (source IN ('webhook', 'reconciliation', 'sweep')),
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'processed', 'ignored', 'failed')),
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    processed_at    timestamptz
);
CREATE INDEX stripe_event_due ON billing.stripe_event (next_attempt_at) WHERE state IN ('pending', 'failed');

-- Prices seen on Stripe objects that no plan of the catalogue lists: kept, and reported (admin, metrics).
CREATE TABLE billing.unknown_price (
    price_id   text PRIMARY KEY,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen  timestamptz NOT NULL DEFAULT now(),
    seen       bigint      NOT NULL DEFAULT 1
);

-- How far reconciliation has read Stripe's event list (the newest `created` it saw).
CREATE TABLE billing.reconciliation_cursor (
    name         text PRIMARY KEY,
    last_created bigint      NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
