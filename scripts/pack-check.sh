#!/usr/bin/env bash
# Proves the published package works outside this repository, against the oldest and the
# newest cdk8s 2.x it supports (cdk8s and constructs are peer dependencies):
#  1. packs it (which builds lib/); no @internal member may show in the published typings;
#  2. newest cdk8s 2.x + cdk8s-plus-33 from the registry: a fresh cdk8s app with a mesh, an
#     ordinary workload chart of cdk8s-plus Deployments/Services, InboundService.fromKplusService
#     with additionalClusters and this package's validation plugin in cdk8s.yaml, type-checked
#     strictly, run through the real `cdk8s synth` (pass, then fail on a bad hand-written
#     object) and `cdk8s synth --stdout` (parsed as one YAML stream);
#  3. the oldest supported cdk8s (OLDEST_CDK8S): the strict consumer, and the CLI on every shipped
#     intent bundle, whose output must be byte-identical to the newest's.
# cdk8s-cli is this repository's (a heavy install); everything else comes from the registry.
set -euo pipefail
OLDEST_CDK8S=2.0.0
OLDEST_CONSTRUCTS=10.0.0
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tsc="$root/node_modules/.bin/tsc"
cdk8s="$root/node_modules/.bin/cdk8s"
strict=(--strict --skipLibCheck false --module commonjs --target es2022 --moduleResolution node --types node --typeRoots "$root/node_modules/@types")

cd "$root"
npm pack --silent --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/cdk8s-istio-intents-*.tgz)
version=$(node -p "require('./package.json').version")

# A fresh npm project in $work/<name> with the tarball and the given packages.
new_project() {
  mkdir "$work/$1" && cd "$work/$1"
  npm init -y >/dev/null
  npm install "$tarball" "${@:2}" --no-audit --no-fund --silent
}

# 1 + 2: the newest cdk8s 2.x.
new_project newest cdk8s@2 constructs@10 cdk8s-plus-33@2
internal='(^|[^A-Za-z0-9_])_(model|renderObjects|materialize)\b|^\s+(static |readonly |get )*_[A-Za-z]'
if grep -rnE "$internal" node_modules/cdk8s-istio-intents/lib --include='*.d.ts'; then
  echo "pack-check: internal members in the published typings (tag them @internal)" >&2
  exit 1
fi
# Every published declaration file compiles (stripInternal must not leave a dangling reference).
cat > tsconfig.typings.json <<'JSON'
{ "compilerOptions": { "strict": true, "noEmit": true, "skipLibCheck": false, "module": "commonjs", "moduleResolution": "node",
  "target": "es2022", "types": ["node"] }, "include": ["node_modules/cdk8s-istio-intents/lib/**/*.d.ts"] }
JSON
"$root/node_modules/.bin/tsc" -p tsconfig.typings.json --typeRoots "$root/node_modules/@types"
test -f node_modules/cdk8s-istio-intents/lib/src/intents/intent-bundle.schema.json # the README points editors there
test -f node_modules/cdk8s-istio-intents/lib/imports/validators/intent-bundle.js # validators compiled ahead of time
test -f node_modules/cdk8s-istio-intents/lib/src/validation/formats.js # ... and the formats they require
cp "$root/scripts/pack-check/main.ts" "$root/scripts/pack-check/assert-output.js" .
cat > cdk8s.yaml <<YAML
language: typescript
app: node main.js
output: dist
validations:
  - package: ./node_modules/cdk8s-istio-intents/validation-plugin.js
    version: $version
    class: IstioIntentsValidation
YAML
"$tsc" "${strict[@]}" main.ts
# cdk8s-cli prints validation reports on stdout too, so the stream is taken without them; it
# also empties the configured output directory, so this runs first.
# (NODE_NO_WARNINGS: cdk8s-cli pipes every file into stdout at once, and Node warns about it.)
NODE_NO_WARNINGS=1 "$cdk8s" synth --no-check-upgrade --stdout --no-validate > stream.yaml
"$cdk8s" synth --no-check-upgrade > synth.log || { cat synth.log; exit 1; }
grep -q 'Validations ended succesfully' synth.log || { cat synth.log; echo "pack-check: the validation plugin did not run" >&2; exit 1; }
node assert-output.js dist stream.yaml
set +e
BAD_ISTIO_OBJECT=1 "$cdk8s" synth --no-check-upgrade > bad.log 2>&1
status=$?
set -e
if [ "$status" != 2 ] || ! grep -q 'cdk8s-istio-intents/istio-schema' bad.log; then
  cat bad.log; echo "pack-check: the validation plugin let a bad Istio object through (exit $status)" >&2; exit 1
fi
for bundle in "$root"/apps/intents/*; do
  npx --no-install cdk8s-istio-intents synth "$bundle" --out "bundles/$(basename "$bundle")" --quiet
done
echo "newest: cdk8s $(node -p "require('cdk8s/package.json').version"), cdk8s-plus-33 $(node -p "require('cdk8s-plus-33/package.json').version") ok"

# 3: the oldest supported cdk8s.
new_project oldest "cdk8s@$OLDEST_CDK8S" "constructs@$OLDEST_CONSTRUCTS" --prefer-offline
cp "$root/scripts/pack-check/consumer.ts" .
"$tsc" "${strict[@]}" consumer.ts
node consumer.js
for bundle in "$root"/apps/intents/*; do
  npx --no-install cdk8s-istio-intents synth "$bundle" --out "bundles/$(basename "$bundle")" --quiet
done
diff -r "$work/newest/bundles" bundles
echo "oldest: cdk8s $OLDEST_CDK8S, constructs $OLDEST_CONSTRUCTS ok (bundle output identical to the newest)"
echo "pack-check ok"
