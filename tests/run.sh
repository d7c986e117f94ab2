#!/usr/bin/env bash
# The project's own tests: Support and Reporting (units), the Reqnroll bridge, the sandbox and the stand-ins.
# Starts the local sandbox (the sandbox and stand-in tests need it), runs every tests/*/*.Tests.csproj,
# writes JUnit files to reports/tests/ and prints a summary. Exit 0 only when every test passed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/reports/tests"
rm -rf "$OUT"; mkdir -p "$OUT"

command -v dotnet >/dev/null || { echo "tests/run.sh: the .NET SDK (dotnet) is not installed" >&2; exit 2; }

echo "==> building"
# Release, as run-tests.sh builds the suite: one build serves both, and nested runs use it with --no-build.
if ! dotnet build Acceptance.sln -c Release -v q -nologo > "$OUT/build.log" 2>&1; then
  grep -E "error" "$OUT/build.log" | sort -u | head -20 >&2
  echo "tests/run.sh: build failed (log: $OUT/build.log)" >&2
  exit 2
fi

# The pinned secretlint the secret scanner's tests run (tests/Support.Tests/Secrets); npm ci when it is missing.
if [ ! -x tools/secretlint/node_modules/.bin/secretlint ]; then
  echo "==> installing the pinned secretlint (tools/secretlint, npm ci)"
  command -v npm >/dev/null || { echo "tests/run.sh: npm (Node.js) is needed to install tools/secretlint" >&2; exit 2; }
  (cd tools/secretlint && npm ci --no-audit --no-fund --loglevel=error) \
    || { echo "tests/run.sh: npm ci in tools/secretlint failed (run: cd tools/secretlint && npm ci)" >&2; exit 2; }
fi

# The pinned Allure Report the HTML report's tests generate with (tests/Reporting.Tests/Html); npm ci when it is missing.
if [ ! -x tools/allure/node_modules/.bin/allure ]; then
  echo "==> installing the pinned Allure Report (tools/allure, npm ci)"
  command -v npm >/dev/null || { echo "tests/run.sh: npm (Node.js) is needed to install tools/allure" >&2; exit 2; }
  (cd tools/allure && npm ci --no-audit --no-fund --loglevel=error) \
    || { echo "tests/run.sh: npm ci in tools/allure failed (run: cd tools/allure && npm ci)" >&2; exit 2; }
fi

echo "==> starting the local sandbox"
"$ROOT/sandbox/up" || { echo "tests/run.sh: the sandbox did not start" >&2; exit 2; }

status=0
for project in tests/*/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  echo "==> $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "junit;LogFilePath=$OUT/$name.xml" --logger "console;verbosity=minimal" || status=1
  # A project that wrote no results ran no test: that is a failure, never a silent gap.
  [ -s "$OUT/$name.xml" ] || { echo "tests/run.sh: $name wrote no JUnit results" >&2; status=1; }
done
/usr/bin/python3 "$ROOT/.ci/count-junit.py" "$OUT"/*.xml
exit $status
