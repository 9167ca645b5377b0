-- Users auth-service deleted (user.deleted): remembered so that a late user.registered (a retried event is
-- overtaken by later ones) or a checkout with a token issued before the deletion cannot create a customer again.
-- Their customer row stays, without the e-mail: it maps Stripe's customer to the user for the invoices and
-- charges kept for accounting and for the webhooks of the subscription's last period.
CREATE TABLE billing.deleted_user (
    user_id    uuid PRIMARY KEY,
    deleted_at timestamptz NOT NULL DEFAULT now()
);
