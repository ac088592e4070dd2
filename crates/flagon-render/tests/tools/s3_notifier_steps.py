"""Drives Flagon's S3 notifier (src/sam/s3_notifier.py) through CloudFormation's custom
resource requests against moto's in-process S3, and prints what happened as JSON for the
Rust test to judge:

    python3 s3_notifier_steps.py PATH/TO/s3_notifier.py

Steps: a bucket that already has another app's Lambda entry and a queue entry; Create;
Update with a new prefix; Delete; Delete again once the bucket is gone; Create on the
missing bucket. After each, the
bucket's configuration and the response sent to CloudFormation's ResponseURL.
"""
import importlib.util
import json
import os
import sys
import urllib.request

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

from moto import mock_aws  # noqa: E402

import boto3  # noqa: E402

OTHER = {
    "Id": "someone-else",
    "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:other",
    "Events": ["s3:ObjectRemoved:*"],
}
QUEUE = {
    "Id": "queue-entry",
    "QueueArn": "arn:aws:sqs:us-east-1:123456789012:q",
    "Events": ["s3:ObjectCreated:*"],
}


def main():
    responses = []

    class Response:
        def read(self):
            return b""

    def fake_urlopen(request, timeout=None):
        responses.append(json.loads(request.data))
        return Response()

    urllib.request.urlopen = fake_urlopen
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="mybucket")
        s3.put_bucket_notification_configuration(
            Bucket="mybucket",
            NotificationConfiguration={"LambdaFunctionConfigurations": [OTHER], "QueueConfigurations": [QUEUE]},
        )
        spec = importlib.util.spec_from_file_location("index", sys.argv[1])
        notifier = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(notifier)

        class Context:
            log_stream_name = "stream"

        props = {
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:notifier",
            "Bucket": "mybucket",
            "NotificationId": "helloworld-dev-on_upload",
            "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:helloworld-dev-on_upload",
            "Events": ["s3:ObjectCreated:*"],
            "Prefix": "uploads/",
            "Suffix": ".jpg",
        }
        steps = []

        def request(kind, properties, physical=None):
            event = {
                "RequestType": kind,
                "ResourceProperties": properties,
                "StackId": "stack",
                "RequestId": "req-%d" % len(steps),
                "LogicalResourceId": "OnUploadS3Notification",
                "ResponseURL": "https://cloudformation.example/response",
            }
            if physical:
                event["PhysicalResourceId"] = physical
            notifier.handler(event, Context())
            try:
                conf = s3.get_bucket_notification_configuration(Bucket="mybucket")
                conf.pop("ResponseMetadata", None)
            except s3.exceptions.NoSuchBucket:
                conf = None
            steps.append({"request": kind, "configuration": conf, "response": responses[-1]})

        request("Create", props)
        updated = dict(props, Prefix="incoming/")
        request("Update", updated, "mybucket/helloworld-dev-on_upload")
        request("Delete", updated, "mybucket/helloworld-dev-on_upload")
        s3.delete_bucket(Bucket="mybucket")
        request("Delete", updated, "mybucket/helloworld-dev-on_upload")
        request("Create", props)
        print(json.dumps(steps))


if __name__ == "__main__":
    main()
