// The part of @supabase/auth-js the dashboard uses (see build.sh).
export { AuthClient } from "@supabase/auth-js";
