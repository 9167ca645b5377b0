-- Flyway creates the schema `billing` (quarkus.flyway.create-schemas) and records this baseline in
-- billing.flyway_schema_history. Tables arrive with the issues that need them.
COMMENT ON SCHEMA billing IS 'Groundwork payment-service: owned and migrated by payment-service only';
