#!/usr/bin/env bash
# Bundles @supabase/auth-js (the version in package.json) into the dashboard's static files as one ES module.
# The output is committed: the Maven build and the browser need neither npm nor a CDN.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --loglevel=error
out=../resources/META-INF/resources/monitoring/vendor/auth-js.js
npx esbuild auth-entry.js --bundle --format=esm --minify --target=es2020 --legal-comments=inline \
  --banner:js="/* @supabase/auth-js $(node -p 'require("@supabase/auth-js/package.json").version') (MIT, https://github.com/supabase/auth-js), bundled by monitoring-service/src/main/dashboard/build.sh */" \
  --outfile="$out"
ls -l "$out"
