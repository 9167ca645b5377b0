-- Flyway creates the schema `monitoring` (quarkus.flyway.create-schemas) and records this baseline in
-- monitoring.flyway_schema_history. Tables arrive with the issues that need them.
COMMENT ON SCHEMA monitoring IS 'Groundwork monitoring-service: owned and migrated by monitoring-service only';
