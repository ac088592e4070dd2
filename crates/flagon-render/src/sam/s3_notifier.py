# Flagon's S3 notification custom resource (Custom::FlagonS3Notification).
# Puts one Lambda notification, by Id, into a bucket's configuration and keeps every other
# entry; Delete removes only that Id. Properties: Bucket, NotificationId, FunctionArn,
# Events, Prefix, Suffix.
import json
import urllib.request

import boto3

s3 = boto3.client("s3")


def entry(p):
    rules = [{"Name": n.lower(), "Value": p[n]} for n in ("Prefix", "Suffix") if p.get(n)]
    e = {"Id": p["NotificationId"], "LambdaFunctionArn": p["FunctionArn"], "Events": p["Events"]}
    if rules:
        e["Filter"] = {"Key": {"FilterRules": rules}}
    return e


def put(bucket, nid, new):
    conf = s3.get_bucket_notification_configuration(Bucket=bucket)
    conf.pop("ResponseMetadata", None)
    kept = [c for c in conf.get("LambdaFunctionConfigurations", []) if c.get("Id") != nid]
    conf["LambdaFunctionConfigurations"] = kept + ([new] if new else [])
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=conf)


def handler(event, context):
    p = event["ResourceProperties"]
    physical = "%s/%s" % (p["Bucket"], p["NotificationId"])
    status, reason = "SUCCESS", ""
    try:
        if event["RequestType"] == "Delete":
            physical = event.get("PhysicalResourceId", physical)
            try:
                put(p["Bucket"], p["NotificationId"], None)
            except s3.exceptions.NoSuchBucket:
                pass
        else:
            put(p["Bucket"], p["NotificationId"], entry(p))
    except Exception as e:  # any failure must reach CloudFormation, or the stack hangs
        status, reason = "FAILED", str(e)[:400]
    body = json.dumps({
        "Status": status,
        "Reason": reason or "see log stream " + context.log_stream_name,
        "PhysicalResourceId": physical,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
    }).encode()
    req = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                 headers={"Content-Type": "", "Content-Length": str(len(body))})
    urllib.request.urlopen(req, timeout=30)
