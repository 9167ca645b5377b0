-- Flyway creates the schema `identity` (quarkus.flyway.create-schemas) and records this baseline in
-- identity.flyway_schema_history. Tables arrive with the issues that need them.
COMMENT ON SCHEMA identity IS 'Groundwork auth-service: owned and migrated by auth-service only';
