"""An S3-compatible server on this machine: moto's, in server mode, with one bucket."""

import os
import subprocess

import boto3

from tests.cluster.processes import BIN
from tests.cluster.services import Service

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "portal-test", "AWS_SECRET_ACCESS_KEY": "portal-test-secret"}
REGION = "us-east-1"


class S3Server(Service):
    def __init__(self, bucket: str = "portal-media") -> None:
        super().__init__()
        self.bucket = bucket
        self.endpoint = f"http://127.0.0.1:{self.port}"

    @property
    def storage_url(self) -> str:
        """MEDIA_STORAGE_URL for this server's bucket (portal/scaling/storage_url.py)."""
        return f"s3://{self.bucket}?endpoint={self.endpoint}&region={REGION}"

    def popen(self) -> subprocess.Popen:
        return subprocess.Popen(
            [BIN / "moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **CREDENTIALS},
        )

    def wait_until_ready(self) -> None:
        super().wait_until_ready()
        self.client().create_bucket(Bucket=self.bucket)

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def empty(self) -> None:
        client = self.client()
        for key in self.keys():
            client.delete_object(Bucket=self.bucket, Key=key)
