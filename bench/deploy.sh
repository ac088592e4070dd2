#!/usr/bin/env bash
# Times a full deploy and a no-op redeploy of examples/helloworld (every trigger kind) against
# moto, and prints both. The event sources the app names (bucket, topic, queue, streams) are
# created in moto first; the DynamoDB stream ARN in the manifest is replaced by the one moto
# assigns (its label is a timestamp).
#
#   bench/deploy.sh
#
# Needs moto_server (scripts/tools.sh puts it in .venv/bin) and cargo-zigbuild for the release
# bootstrap (TOOLCHAIN=native or musl to build otherwise).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="$ROOT/examples/helloworld"
TOOLCHAIN="${TOOLCHAIN:-zigbuild}"
WORK="$(mktemp -d)"
MOTO_PID=""
cleanup() {
    if [ -n "$MOTO_PID" ]; then kill "$MOTO_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
export PATH="$PATH:$ROOT/.venv/bin"
# zig comes from the PyPI `ziglang` package, installed in the workspace's venv.
if [ -x "$ROOT/.venv/bin/python3" ] && [ -z "${CARGO_ZIGBUILD_PYTHON_PATH:-}" ]; then
    export CARGO_ZIGBUILD_PYTHON_PATH="$ROOT/.venv/bin/python3"
fi

cd "$ROOT"
cargo build -q -p cargo-flagon
FLAGON="$ROOT/target/debug/cargo-flagon"
"$FLAGON" flagon build --project-dir "$APP" --toolchain "$TOOLCHAIN" >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
ZIP="$APP/.flagon/build/x86_64/bootstrap.zip"
"$FLAGON" flagon manifest --project-dir "$APP" >"$WORK/manifest.json"
cargo build -q -p flagon-aws --example deploy_bench

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
EP="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -sf "$EP/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf -X POST "$EP/moto-api/config" -H 'Content-Type: application/json' \
    -d '{"lambda":{"use_docker":false}}' >/dev/null

auth() { echo "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/$1/aws4_request, SignedHeaders=host, Signature=0"; }
json() { # SERVICE TARGET BODY
    curl -sf "$EP/" -H "Authorization: $(auth "$1")" -H "X-Amz-Target: $2" \
        -H 'Content-Type: application/x-amz-json-1.0' -d "$3"
}
json sqs AmazonSQS.CreateQueue '{"QueueName":"jobs"}' >/dev/null
json kinesis Kinesis_20131202.CreateStream '{"StreamName":"clicks","ShardCount":1}' >/dev/null
STREAM="$(json dynamodb DynamoDB_20120810.CreateTable '{"TableName":"users",
    "KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
    "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
    "BillingMode":"PAY_PER_REQUEST",
    "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["TableDescription"]["LatestStreamArn"])')"
curl -sf -X PUT "$EP/mybucket" -H "Authorization: $(auth s3)" >/dev/null
curl -sf "$EP/" -H "Authorization: $(auth sns)" -d 'Action=CreateTopic&Name=alerts' >/dev/null
python3 - "$WORK/manifest.json" "$STREAM" <<'PY'
import json, sys
path, stream = sys.argv[1], sys.argv[2]
manifest = json.load(open(path))
for f in manifest["functions"]:
    if f["trigger"]["type"] == "dynamodb":
        f["trigger"]["stream_arn"] = stream
json.dump(manifest, open(path, "w"))
PY

AWS_ENDPOINT_URL="$EP" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    "$ROOT/target/debug/examples/deploy_bench" "$WORK/manifest.json" "$APP" "$ZIP" "$WORK"
