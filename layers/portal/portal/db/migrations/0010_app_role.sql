-- The application role: what every function but migrate runs as (its own Secrets Manager secret,
-- through the Data API). Reads and writes rows; creates, alters or drops nothing, manages no role.
-- The migrate function (the cluster's admin) owns every object and gives this role its password
-- from the secret after each run (portal.db.app_role): it is created here without one.

-- Roles belong to the cluster, not the database: another database (a test's copy, a second
-- migrate racing this one) may have made it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        CREATE ROLE portal_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;  -- created concurrently: same role
END
$$;

-- Nothing new in the schema (PostgreSQL 15+ already keeps PUBLIC out; older databases did not),
-- and no temporary tables either: temporary objects are DDL too and the portal uses none.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO portal_app', current_database());
END
$$;
GRANT USAGE ON SCHEMA public TO portal_app;

-- Rows of every table and view there is, and of those later migrations add (default privileges
-- of the role that runs the migrations, i.e. the admin).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO portal_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO portal_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portal_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO portal_app;

-- The migrations' own record is the admin's: the application neither reads nor forges it.
REVOKE ALL ON schema_migrations FROM portal_app;
