#!/usr/bin/env bash
# Installs pptpkit as a user would, from the packed tarballs only, and uses what got installed:
#  1. builds the workspace and packs every publishable package (scripts/lib/publishable.mjs);
#  2. serves the tarballs from a registry on loopback (scripts/lib/local-registry.mjs) for the
#     @pptpkit scope; every other package comes from the npm registry configured on the machine;
#  3. `npm install -g --prefix <empty dir> pptpkit-<version>.tgz`, then the installed `pptpkit`:
#     --version (the package's version), --help, status --json, and `up --background`, whose
#     detached copy re-executes the installed program (it must report the peer file's error);
#  4. a consumer project (`npm install @pptpkit/<each>` + typescript and @types/node at the
#     workspace's versions): the first ```ts block of each installed README is typechecked with
#     moduleResolution node16 and bundler, compiled and run as ESM (import) and as CommonJS
#     (require() of the ESM packages, Node >= 20.19); @pptpkit/linux-net is imported and
#     required only (its example needs root and a TUN device).
# @pptpkit/linux-net builds its addon at install time with node-gyp: until it ships prebuilt
# binaries this needs python3, make and a C++ compiler on the PATH.
# Bounded: each npm step has a time limit. Cleans up after itself (the temporary directory, the
# registry process). Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
start=$SECONDS

work=$(mktemp -d)
registry_pid=
cleanup() {
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { echo "== install-check: $*"; }
fail() { echo "install-check: FAILED: $*" >&2; exit 1; }
npm_() { timeout 300 npm --no-audit --no-fund --no-update-notifier --loglevel=error "$@"; }

step "pnpm run build"
timeout 600 pnpm run build >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }

step "pack"
mkdir -p "$work/tarballs"
for dir in $(node scripts/lib/publishable.mjs); do
  (cd "$dir" && timeout 120 pnpm pack --pack-destination "$work/tarballs" >/dev/null)
done
ls -l "$work/tarballs" | tail -n +2

node scripts/lib/local-registry.mjs "$work/tarballs" >"$work/registry.url" &
registry_pid=$!
for _ in $(seq 50); do [ -s "$work/registry.url" ] && break; sleep 0.1; done
registry=$(cat "$work/registry.url")
[ -n "$registry" ] || fail "the loopback registry did not start"
scope=(--@pptpkit:registry="$registry")

version=$(node -p "require('./apps/client/package.json').version")
step "npm install -g --prefix <empty dir> pptpkit-$version.tgz"
prefix="$work/prefix"
npm_ install -g --prefix "$prefix" "${scope[@]}" "$work/tarballs/pptpkit-$version.tgz"
echo "installed: $(du -sk "$prefix/lib/node_modules/pptpkit" | cut -f1) KiB, of which pptpkit's own" \
  "files $(du -sk --exclude=node_modules "$prefix/lib/node_modules/pptpkit" | cut -f1) KiB;" \
  "dependencies (KiB): $(cd "$prefix/lib/node_modules/pptpkit/node_modules" &&
    for d in [!@.]* @*/*; do printf '%s %s, ' "$d" "$(du -sk "$d" | cut -f1)"; done)"
pptpkit="$prefix/bin/pptpkit"

step "pptpkit --version, --help, status --json"
out=$("$pptpkit" --version)
[ "$out" = "pptpkit $version" ] || fail "--version printed '$out', not 'pptpkit $version'"
"$pptpkit" --help | grep -q '^usage: pptpkit' || fail "--help printed no usage"
set +e
out=$(PPTPKIT_RUN_DIR="$work/run" "$pptpkit" status --json)
code=$?
set -e
[ "$code" = 1 ] && [ "$out" = "[]" ] || fail "status --json with no tunnel: exit $code, '$out'"

step "pptpkit up --background: the detached copy is the installed program"
mkdir -p "$work/peers"
printf 'pptp-server 127.0.0.1\nno-such-option-here\n' >"$work/peers/bad"
set +e
PPTPKIT_RUN_DIR="$work/run" "$pptpkit" up bad --peers-dir "$work/peers" --background 2>"$work/up.err"
code=$?
set -e
grep -q 'no-such-option-here' "$work/up.err" && [ "$code" = 2 ] ||
  { cat "$work/up.err"; fail "up --background: exit $code, the copy did not report the peer file"; }

step "consumer project: npm install @pptpkit/* typescript @types/node"
consumer="$work/consumer"
mkdir -p "$consumer/esm" "$consumer/cjs"
echo '{ "name": "consumer", "private": true, "type": "module" }' >"$consumer/package.json"
libraries=()
for f in "$work"/tarballs/pptpkit-*-*.tgz; do
  libraries+=("$(tar -xzOf "$f" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0)).name')")
done
typescript=$(node -p "require('./package.json').devDependencies.typescript")
types_node=$(node -p "require('./package.json').devDependencies['@types/node']")
(cd "$consumer" && npm_ install "${scope[@]}" "${libraries[@]}" "typescript@$typescript" "@types/node@$types_node")

examples=()
for name in "${libraries[@]}"; do
  base=${name#@pptpkit/}
  # Imported and required by name, whatever the README says.
  echo "import * as m from '$name'; if (Object.keys(m).length === 0) throw new Error('$name: no exports');" \
    >"$consumer/esm/import-$base.mjs"
  echo "const m = require('$name'); if (Object.keys(m).length === 0) throw new Error('$name: no exports');" \
    >"$consumer/cjs/require-$base.cjs"
  [ "$name" = @pptpkit/linux-net ] && continue
  node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(text);
    if (!block) { console.error(process.argv[1] + ": no ```ts block"); process.exit(1); }
    process.stdout.write(block[1]);
  ' "$consumer/node_modules/$name/README.md" >"$consumer/esm/$base.ts"
  cp "$consumer/esm/$base.ts" "$consumer/cjs/$base.cts"
  examples+=("$base")
done

cat >"$consumer/tsconfig.base.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2022"],
    "types": ["node"],
    "strict": true,
    "skipLibCheck": false
  }
}
JSON
cat >"$consumer/tsconfig.node16.json" <<'JSON'
{
  "extends": "./tsconfig.base.json",
  "compilerOptions": { "module": "node16", "moduleResolution": "node16", "noEmit": true },
  "include": ["esm/*.ts"]
}
JSON
cat >"$consumer/tsconfig.bundler.json" <<'JSON'
{
  "extends": "./tsconfig.base.json",
  "compilerOptions": { "module": "preserve", "moduleResolution": "bundler", "noEmit": true },
  "include": ["esm/*.ts"]
}
JSON
# nodenext: TypeScript (>= 5.8) lets a CommonJS file require() an ES module only there.
cat >"$consumer/tsconfig.emit.json" <<'JSON'
{
  "extends": "./tsconfig.base.json",
  "compilerOptions": { "module": "nodenext", "moduleResolution": "nodenext", "outDir": "out" },
  "include": ["esm/*.ts", "cjs/*.cts"]
}
JSON
tsc="$consumer/node_modules/.bin/tsc"
step "typecheck the README examples: moduleResolution node16"
"$tsc" -p "$consumer/tsconfig.node16.json"
step "typecheck the README examples: moduleResolution bundler"
"$tsc" -p "$consumer/tsconfig.bundler.json"
step "compile the README examples as ESM and as CommonJS"
"$tsc" -p "$consumer/tsconfig.emit.json"

step "run: import and require() every package"
for f in "$consumer"/esm/*.mjs "$consumer"/cjs/*.cjs; do
  (cd "$consumer" && timeout 60 node "$f") || fail "$(basename "$f")"
done
for base in "${examples[@]}"; do
  step "run the README example of @pptpkit/$base: ESM, then CommonJS (require)"
  (cd "$consumer" && timeout 60 node "out/esm/$base.js") || fail "@pptpkit/$base README example (ESM)"
  grep -q "require(\"@pptpkit/$base\")" "$consumer/out/cjs/$base.cjs" || fail "$base.cjs does not require()"
  (cd "$consumer" && timeout 60 node "out/cjs/$base.cjs") || fail "@pptpkit/$base README example (require)"
done

echo "install-check: passed in $((SECONDS - start)) s"
