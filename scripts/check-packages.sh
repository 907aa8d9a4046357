#!/usr/bin/env bash
# Builds the workspace, packs every publishable package (scripts/lib/publishable.mjs) into a
# temporary directory and checks each tarball as the registry would get it:
#   publint --strict                    package.json fields, exports and files (warnings fail too)
#   attw --profile esm-only             the types TypeScript resolves for each entry point; the
#                                       packages are ESM-only on purpose (Node >= 20.19 require()s
#                                       them), so the profile leaves out node10 resolution (no
#                                       "exports" support) and node16 CommonJS (TypeScript's
#                                       pre-5.8 view that require() of ESM is an error)
#   scripts/lib/check-manifest.mjs      engines, repository, homepage, bugs, the ./package.json
#                                       export, no build debris (.tsbuildinfo, tests), an install
#                                       line in the README
# Exits non-zero if any check fails on any package. No network.
set -uo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== check-packages: pnpm run build"
timeout 600 pnpm run build >"$work/build.log" 2>&1 || { cat "$work/build.log"; echo "check-packages: build failed"; exit 1; }

failed=0
for dir in $(node scripts/lib/publishable.mjs); do
  mkdir -p "$work/$dir"
  if ! (cd "$dir" && pnpm pack --pack-destination "$work/$dir" >"$work/pack.log" 2>&1); then
    cat "$work/pack.log"; echo "== check-packages: $dir: pnpm pack FAILED"; failed=$((failed + 1)); continue
  fi
  tarball=$(ls "$work/$dir"/*.tgz)
  echo "== check-packages: $dir ($(basename "$tarball"), $(du -k "$tarball" | cut -f1) KiB)"
  ok=1
  pnpm exec publint run --strict "$tarball" || ok=0
  if tar -xzOf "$tarball" package/package.json | node -e 'process.exit(JSON.parse(require("fs").readFileSync(0)).exports?.["."] ? 0 : 1)'; then
    pnpm exec attw --profile esm-only --no-color --format table-flipped "$tarball" || ok=0
  else
    echo "attw: nothing to check, the package exports no modules (a program)"
  fi
  node scripts/lib/check-manifest.mjs "$tarball" "$dir" || ok=0
  if [ "$ok" = 0 ]; then failed=$((failed + 1)); echo "== check-packages: $dir FAILED"; fi
done

if [ "$failed" -ne 0 ]; then echo "check-packages: $failed package(s) failed"; exit 1; fi
echo "check-packages: every package is clean"
