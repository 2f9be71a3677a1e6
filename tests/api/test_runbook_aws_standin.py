"""The AWS stand-in itself: a real AWS SDK (boto3/botocore from Debian) talks to it successfully, and
it refuses what AWS refuses: a wrong secret (bad signature), an unknown key, a missing token, a body
changed after signing, and request shapes outside the API reference. This proves the stand-in really
verifies, so the server's passing tests against it mean something."""

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from fakes.aws_standin import AwsStandin

KEY, SECRET = "AKIASTANDINTEST00001", "standinSecret/0123456789+abcdefghijklmno"
ROLE, EXT = "arn:aws:iam::111122223333:role/Runbooks", "ext-id-123"
INSTANCE = "i-0123456789abcdef0"


@pytest.fixture(scope="module")
def standin():
    s = AwsStandin(credentials={KEY: SECRET}, roles={ROLE: EXT}).start()
    yield s
    s.stop()


def ssm(standin, key=KEY, secret=SECRET, token=None, validate=True):
    return boto3.client("ssm", region_name="us-east-1", endpoint_url=standin.url, aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token,
                        config=Config(parameter_validation=validate, retries={"max_attempts": 1}))


def sts(standin, key=KEY, secret=SECRET, validate=True):
    return boto3.client("sts", region_name="us-east-1", endpoint_url=standin.url, aws_access_key_id=key,
                        aws_secret_access_key=secret,
                        config=Config(parameter_validation=validate, retries={"max_attempts": 1}))


def error_of(call):
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["ResponseMetadata"]["HTTPStatusCode"], e.value.response["Error"]["Code"]


def test_boto3_round_trip(standin):
    standin.set_outcome(INSTANCE, "Success", output="hello\n", in_progress_polls=1)
    client = ssm(standin)
    cmd = client.send_command(DocumentName="AWS-RunShellScript", InstanceIds=[INSTANCE],
                              Parameters={"commands": ["echo hello"]}, TimeoutSeconds=60)["Command"]
    first = client.get_command_invocation(CommandId=cmd["CommandId"], InstanceId=INSTANCE)
    assert first["Status"] == "InProgress"
    second = client.get_command_invocation(CommandId=cmd["CommandId"], InstanceId=INSTANCE)
    assert second["Status"] == "Success" and second["StandardOutputContent"] == "hello\n"
    listed = client.list_command_invocations(CommandId=cmd["CommandId"])["CommandInvocations"]
    assert [i["InstanceId"] for i in listed] == [INSTANCE]


def test_wrong_secret_is_refused(standin):
    assert error_of(lambda: ssm(standin, secret="not-the-secret/0123456789abcdefghijkl").send_command(
        DocumentName="AWS-RunShellScript", InstanceIds=[INSTANCE], Parameters={"commands": ["x"]})) == \
        (400, "InvalidSignatureException")
    assert error_of(lambda: sts(standin, secret="not-the-secret/0123456789abcdefghijkl").assume_role(
        RoleArn=ROLE, RoleSessionName="s1", ExternalId=EXT)) == (403, "SignatureDoesNotMatch")


def test_unknown_key_and_missing_auth_are_refused(standin):
    assert error_of(lambda: ssm(standin, key="AKIAUNKNOWN000000001").send_command(
        DocumentName="AWS-RunShellScript", InstanceIds=[INSTANCE], Parameters={"commands": ["x"]})) == \
        (400, "UnrecognizedClientException")
    r = requests.post(standin.url + "/", data="{}", headers={"X-Amz-Target": "AmazonSSM.SendCommand",
                                                              "Content-Type": "application/x-amz-json-1.1"})
    assert r.status_code == 400 and r.json()["__type"] == "MissingAuthenticationTokenException"
    r = requests.post(standin.url + "/", data="{}", headers={"X-Amz-Target": "AmazonSSM.SendCommand",
                                                              "Content-Type": "application/x-amz-json-1.1",
                                                              "Authorization": "AWS4-HMAC-SHA256 garbage"})
    assert r.status_code == 400 and r.json()["__type"] == "IncompleteSignatureException"


def test_body_changed_after_signing_is_refused(standin):
    body = '{"DocumentName":"AWS-RunShellScript","InstanceIds":["i-0123456789abcdef0"],"Parameters":{"commands":["ls"]}}'
    req = AWSRequest(method="POST", url=standin.url + "/", data=body,
                     headers={"X-Amz-Target": "AmazonSSM.SendCommand", "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials(KEY, SECRET), "ssm", "us-east-1").add_auth(req)
    headers = dict(req.headers.items())
    ok = requests.post(standin.url + "/", data=body, headers=headers)
    assert ok.status_code == 200, ok.text
    tampered = requests.post(standin.url + "/", data=body.replace("ls", "rm"), headers=headers)
    assert tampered.status_code == 400 and tampered.json()["__type"] == "InvalidSignatureException"
    # Signed for another service or region: refused too.
    req = AWSRequest(method="POST", url=standin.url + "/", data=body,
                     headers={"X-Amz-Target": "AmazonSSM.SendCommand", "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials(KEY, SECRET), "ssm", "eu-west-1").add_auth(req)
    r = requests.post(standin.url + "/", data=body, headers=dict(req.headers.items()))
    assert r.status_code == 400 and r.json()["__type"] == "InvalidSignatureException"


@pytest.mark.parametrize("kwargs, code", [
    (dict(DocumentName="AWS-RunShellScript", InstanceIds=[INSTANCE], Parameters={"commands": ["x"]},
          TimeoutSeconds=10), "ValidationException"),
    (dict(DocumentName="AWS-RunShellScript", InstanceIds=[INSTANCE], Parameters={"commands": ["x"]},
          TimeoutSeconds=2592001), "ValidationException"),
    (dict(DocumentName="AWS-RunShellScript", InstanceIds=[f"i-{n:08d}" for n in range(51)],
          Parameters={"commands": ["x"]}), "ValidationException"),
    (dict(DocumentName="AWS-RunShellScript", InstanceIds=["i-123"], Parameters={"commands": ["x"]}),
     "ValidationException"),
    (dict(DocumentName="AWS-RunShellScript", InstanceIds=[INSTANCE],
          Targets=[{"Key": "tag:Env", "Values": ["prod"]}], Parameters={"commands": ["x"]}), "InvalidParameters"),
    (dict(DocumentName="AWS-RunShellScript", Parameters={"commands": ["x"]}), "ValidationException"),
    (dict(DocumentName="AWS-RunShellScript", InstanceIds=[INSTANCE], Parameters={"cmds": ["x"]}),
     "InvalidParameters"),
    (dict(DocumentName="AWS-RunShellScript", InstanceIds=[INSTANCE], Parameters={}), "InvalidParameters"),
    (dict(DocumentName="No-Such-Document", InstanceIds=[INSTANCE], Parameters={"commands": ["x"]}),
     "InvalidDocument"),
    (dict(InstanceIds=[INSTANCE], Parameters={"commands": ["x"]}), "ValidationException"),
])
def test_send_command_shapes_aws_refuses(standin, kwargs, code):
    client = ssm(standin, validate=False)
    status, got = error_of(lambda: client.send_command(**kwargs))
    assert (status, got) == (400, code)


def test_unknown_member_is_refused(standin):
    body = '{"DocumentName":"AWS-RunShellScript","InstanceIds":["i-0123456789abcdef0"],' \
           '"Parameters":{"commands":["ls"]},"Bogus":1}'
    req = AWSRequest(method="POST", url=standin.url + "/", data=body,
                     headers={"X-Amz-Target": "AmazonSSM.SendCommand", "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials(KEY, SECRET), "ssm", "us-east-1").add_auth(req)
    r = requests.post(standin.url + "/", data=body, headers=dict(req.headers.items()))
    assert r.status_code == 400 and r.json()["__type"] == "SerializationException"


def test_assume_role_and_temporary_credentials(standin):
    client = sts(standin)
    assert error_of(lambda: client.assume_role(RoleArn=ROLE, RoleSessionName="s1", ExternalId="wrong-ext"))[1] == \
        "AccessDenied"
    unchecked = sts(standin, validate=False)
    assert error_of(lambda: unchecked.assume_role(RoleArn=ROLE, RoleSessionName="s", ExternalId=EXT)) == \
        (400, "ValidationError")
    assert error_of(lambda: unchecked.assume_role(RoleArn=ROLE, RoleSessionName="ok-name", ExternalId=EXT,
                                                  DurationSeconds=60)) == (400, "ValidationError")
    creds = client.assume_role(RoleArn=ROLE, RoleSessionName="runbooks", ExternalId=EXT,
                               DurationSeconds=900)["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    temp = ssm(standin, key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])
    temp.send_command(DocumentName="AWS-RunShellScript", InstanceIds=[INSTANCE], Parameters={"commands": ["id"]})
    no_token = ssm(standin, key=creds["AccessKeyId"], secret=creds["SecretAccessKey"])
    assert error_of(lambda: no_token.send_command(DocumentName="AWS-RunShellScript", InstanceIds=[INSTANCE],
                                                  Parameters={"commands": ["id"]}))[1] == "UnrecognizedClientException"
