"""A local stand-in for AWS Systems Manager (Run Command) and STS, for tests.

It is strict where AWS is strict:
  * Every call must carry a valid SigV4 signature. The signature is recomputed with botocore's
    own signer (botocore.auth.SigV4Auth over an AWSRequest holding exactly the signed headers)
    and compared in constant time. Failures answer with AWS's error shapes: JSON services
    (SSM) 400 MissingAuthenticationTokenException / IncompleteSignatureException /
    UnrecognizedClientException / InvalidSignatureException; STS (query protocol, XML) 403
    MissingAuthenticationToken / IncompleteSignature / InvalidClientTokenId /
    SignatureDoesNotMatch. X-Amz-Date must be within 15 minutes; the credential scope must
    name the right date, region and service; temporary credentials need their session token.
  * Request shapes follow the API references of SendCommand, GetCommandInvocation,
    ListCommandInvocations and AssumeRole: required members, types, patterns, ranges
    (TimeoutSeconds 30..2592000, at most 50 InstanceIds, at most 5 Targets), InstanceIds xor
    Targets, unknown members rejected, the document's own parameters (AWS-RunShellScript:
    commands required; workingDirectory, executionTimeout).

Outcomes are configured per instance id (`set_outcome`): Success, Failed, TimedOut, or a
command that stays InProgress. Tag targets resolve through `tags`.

Usage:
    standin = AwsStandin(credentials={"AKIA...": "secret"}).start()
    standin.url   # http://127.0.0.1:PORT  (both SSM and STS)
    standin.stop()
"""

import datetime
import hmac as _hmac
import json
import re
import secrets
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

INSTANCE_ID = re.compile(r"^(i-(\w{8}|\w{17})|mi-\w{17})$", re.ASCII)
DOCUMENT_NAME = re.compile(r"^[a-zA-Z0-9_\-.:/]{3,128}$")
TARGET_KEY = re.compile(r"^([\w .:/=+\-@]{1,163}|resource-groups:ResourceTypeFilters|resource-groups:Name)$")
COMMAND_ID = re.compile(r"^[0-9a-f-]{36}$")
ROLE_SESSION = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)
AUTH_HEADER = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request,\s*"
    r"SignedHeaders=([a-z0-9\-;]+),\s*Signature=([0-9a-f]{64})$")

SEND_COMMAND_MEMBERS = {
    "InstanceIds", "Targets", "DocumentName", "DocumentVersion", "DocumentHash", "DocumentHashType",
    "TimeoutSeconds", "Comment", "Parameters", "OutputS3Region", "OutputS3BucketName",
    "OutputS3KeyPrefix", "MaxConcurrency", "MaxErrors", "ServiceRoleArn", "NotificationConfig",
    "CloudWatchOutputConfig", "AlarmConfiguration",
}
SHELL_DOCUMENTS = {
    "AWS-RunShellScript": {"commands", "workingDirectory", "executionTimeout"},
    "AWS-RunPowerShellScript": {"commands", "workingDirectory", "executionTimeout"},
}


class AwsError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


class AwsStandin:
    def __init__(self, credentials, region="us-east-1", roles=None):
        self.credentials = dict(credentials)   # long-term access key id -> secret
        self.region = region
        self.roles = dict(roles or {})          # role ARN -> required external id
        self.sessions = {}                      # temporary key id -> (secret, token)
        self.tags = {}                          # (key, value) -> [instance ids]
        self.outcomes = {}                      # instance id -> outcome dict
        self.commands = {}                      # command id -> state
        self.calls = []                         # accepted calls: (operation, body, access key id)
        self.rejections = []                    # (http status, error code, message)
        self.raw_requests = []                  # (headers dict, body text) of every request
        self.lock = threading.Lock()
        self.server = None
        self.thread = None

    # -- configuration -------------------------------------------------------
    def set_outcome(self, instance_id, status="Success", output="", error="", code=None,
                    in_progress_polls=1, invisible_polls=0):
        """status: Success | Failed | TimedOut | InProgress (never finishes)."""
        if code is None:
            code = {"Success": 0, "Failed": 1}.get(status, -1)
        self.outcomes[instance_id] = dict(status=status, output=output, error=error, code=code,
                                          in_progress_polls=in_progress_polls,
                                          invisible_polls=invisible_polls)

    def operations(self, name):
        return [body for op, body, _ in self.calls if op == name]

    # -- lifecycle -----------------------------------------------------------
    def start(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                standin._handle(self)

            def do_GET(self):
                standin._send(self, 400, "application/json",
                              json.dumps({"__type": "UnknownOperationException"}))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # -- HTTP ----------------------------------------------------------------
    def _send(self, handler, status, content_type, body):
        data = body.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        handler.end_headers()
        handler.wfile.write(data)

    def _handle(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {k: v for k, v in handler.headers.items()}
        with self.lock:
            self.raw_requests.append((headers, body.decode("utf-8", "replace")))
        target = handler.headers.get("X-Amz-Target")
        is_sts = target is None
        try:
            if is_sts:
                service = "sts"
                ctype = handler.headers.get("Content-Type", "")
                if not ctype.startswith("application/x-www-form-urlencoded"):
                    raise AwsError(400, "InvalidAction", "Could not find operation for this request")
            else:
                service = "ssm"
                if handler.headers.get("Content-Type") != "application/x-amz-json-1.1":
                    raise AwsError(400, "SerializationException", "Content-Type must be application/x-amz-json-1.1")
            key_id = self._verify_signature(handler, body, service, is_sts)
            if is_sts:
                status, out = 200, self._sts(body, key_id)
                self._send(handler, status, "text/xml", out)
            else:
                out = self._ssm(target, body, key_id)
                self._send(handler, 200, "application/x-amz-json-1.1", json.dumps(out))
        except AwsError as e:
            with self.lock:
                self.rejections.append((e.status, e.code, e.message))
            if is_sts:
                xml = ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                       f"<Type>Sender</Type><Code>{e.code}</Code><Message>{_xml_escape(e.message)}</Message>"
                       f"</Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
                self._send(handler, e.status, "text/xml", xml)
            else:
                self._send(handler, e.status, "application/x-amz-json-1.1",
                           json.dumps({"__type": e.code, "message": e.message}))

    # -- SigV4 ---------------------------------------------------------------
    def _verify_signature(self, handler, body, service, is_sts):
        def fail(json_code, sts_code, message, status=None):
            if is_sts:
                raise AwsError(status or 403, sts_code, message)
            raise AwsError(status or 400, json_code, message)

        auth = handler.headers.get("Authorization")
        if not auth:
            fail("MissingAuthenticationTokenException", "MissingAuthenticationToken",
                 "Request is missing Authentication Token")
        m = AUTH_HEADER.match(auth.strip())
        if not m:
            fail("IncompleteSignatureException", "IncompleteSignature",
                 "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters",
                 status=400)
        key_id, scope_date, scope_region, scope_service, signed_headers, signature = m.groups()
        amz_date = handler.headers.get("X-Amz-Date", "")
        try:
            when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            fail("IncompleteSignatureException", "IncompleteSignature",
                 "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
                 status=400)
        if abs((_now() - when).total_seconds()) > 15 * 60:
            fail("InvalidSignatureException", "SignatureDoesNotMatch",
                 f"Signature expired: {amz_date} is now earlier than the allowed window")
        if scope_date != amz_date[:8]:
            fail("InvalidSignatureException", "SignatureDoesNotMatch",
                 "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP")
        if scope_region != self.region:
            fail("InvalidSignatureException", "SignatureDoesNotMatch",
                 f"Credential should be scoped to a valid region, not '{scope_region}'.")
        if scope_service != service:
            fail("InvalidSignatureException", "SignatureDoesNotMatch",
                 f"Credential should be scoped to correct service: '{service}'.")
        names = signed_headers.split(";")
        if "host" not in names or "x-amz-date" not in names:
            fail("InvalidSignatureException", "SignatureDoesNotMatch",
                 "'Host' and 'X-Amz-Date' must be signed")
        token = handler.headers.get("X-Amz-Security-Token")
        if key_id in self.credentials:
            secret, expected_token = self.credentials[key_id], None
        elif key_id in self.sessions:
            secret, expected_token = self.sessions[key_id]
        else:
            fail("UnrecognizedClientException", "InvalidClientTokenId",
                 "The security token included in the request is invalid.")
        if expected_token is not None and (token is None or not _hmac.compare_digest(token, expected_token)):
            fail("UnrecognizedClientException", "InvalidClientTokenId",
                 "The security token included in the request is invalid.")
        if token is not None and "x-amz-security-token" not in names:
            fail("InvalidSignatureException", "SignatureDoesNotMatch", "X-Amz-Security-Token must be signed")

        signed = {}
        for name in names:
            values = handler.headers.get_all(name)
            if values is None:
                fail("InvalidSignatureException", "SignatureDoesNotMatch",
                     f"signed header {name} is missing from the request")
            signed[name] = ",".join(values)
        host = signed["host"]
        request = AWSRequest(method=handler.command, url=f"http://{host}{handler.path}", data=body,
                             headers=signed)
        request.context["timestamp"] = amz_date
        signer = SigV4Auth(Credentials(key_id, secret, token), service, self.region)
        canonical = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical)
        expected = signer.signature(string_to_sign, request)
        if not _hmac.compare_digest(expected, signature):
            fail("InvalidSignatureException", "SignatureDoesNotMatch",
                 "The request signature we calculated does not match the signature you provided. Check your "
                 "AWS Secret Access Key and signing method. Consult the service documentation for details.")
        return key_id

    # -- SSM -----------------------------------------------------------------
    def _ssm(self, target, body, key_id):
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            raise AwsError(400, "SerializationException", "Start of structure or map found where not expected")
        if not isinstance(req, dict):
            raise AwsError(400, "SerializationException", "the body must be a JSON object")
        op = target.split(".", 1)[1] if target.startswith("AmazonSSM.") else None
        handler = {"SendCommand": self._send_command, "GetCommandInvocation": self._get_invocation,
                   "ListCommandInvocations": self._list_invocations}.get(op)
        if handler is None:
            raise AwsError(400, "UnknownOperationException", f"unknown operation {target}")
        out = handler(req)
        with self.lock:
            self.calls.append((op, req, key_id))
        return out

    @staticmethod
    def _validation(msg):
        return AwsError(400, "ValidationException", "1 validation error detected: " + msg)

    def _unknown(self, req, allowed):
        for k in req:
            if k not in allowed:
                raise AwsError(400, "SerializationException", f"Unknown member {k}")

    def _send_command(self, req):
        self._unknown(req, SEND_COMMAND_MEMBERS)
        doc = req.get("DocumentName")
        if not isinstance(doc, str):
            raise self._validation("Value null at 'documentName' failed to satisfy constraint: Member must not be null")
        if not DOCUMENT_NAME.match(doc):
            raise self._validation(f"Value '{doc}' at 'documentName' failed to satisfy constraint: Member must "
                                   "satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.:/]{3,128}$")
        if doc not in SHELL_DOCUMENTS:
            raise AwsError(400, "InvalidDocument", f"Document {doc} does not exist in your account")
        ids = req.get("InstanceIds")
        targets = req.get("Targets")
        if ids is not None:
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise AwsError(400, "SerializationException", "InstanceIds must be a list of strings")
            if len(ids) > 50:
                raise self._validation("Value at 'instanceIds' failed to satisfy constraint: Member must have "
                                       "length less than or equal to 50")
            for i in ids:
                if not INSTANCE_ID.match(i):
                    raise self._validation(f"Value '{i}' at 'instanceIds' failed to satisfy constraint: Member "
                                           "must satisfy regular expression pattern")
        if targets is not None:
            if not isinstance(targets, list) or len(targets) > 5:
                raise self._validation("Value at 'targets' failed to satisfy constraint: Member must have length "
                                       "less than or equal to 5")
            for t in targets:
                if not isinstance(t, dict) or set(t) - {"Key", "Values"}:
                    raise AwsError(400, "SerializationException", "Target must have only Key and Values")
                if not isinstance(t.get("Key"), str) or not TARGET_KEY.match(t["Key"]):
                    raise self._validation("Value at 'targets.member.key' failed to satisfy constraint")
                vals = t.get("Values")
                if not isinstance(vals, list) or len(vals) > 50 or not all(isinstance(v, str) for v in vals):
                    raise self._validation("Value at 'targets.member.values' failed to satisfy constraint")
        if bool(ids) == bool(targets):
            raise AwsError(400, "InvalidParameters" if ids and targets else "ValidationException",
                           "Specify either InstanceIds or Targets, not both and not neither")
        if "TimeoutSeconds" in req:
            ts = req["TimeoutSeconds"]
            if not isinstance(ts, int) or isinstance(ts, bool):
                raise AwsError(400, "SerializationException", "TimeoutSeconds must be an integer")
            if ts < 30 or ts > 2592000:
                raise self._validation(f"Value '{ts}' at 'timeoutSeconds' failed to satisfy constraint: Member "
                                       "must have value between 30 and 2592000")
        if "Comment" in req and (not isinstance(req["Comment"], str) or len(req["Comment"]) > 100):
            raise self._validation("Value at 'comment' failed to satisfy constraint: Member must have length "
                                   "less than or equal to 100")
        params = req.get("Parameters", {})
        if not isinstance(params, dict):
            raise AwsError(400, "SerializationException", "Parameters must be a map")
        for name, values in params.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise AwsError(400, "SerializationException", f"Parameters.{name} must be a list of strings")
        allowed = SHELL_DOCUMENTS[doc]
        for name in params:
            if name not in allowed:
                raise AwsError(400, "InvalidParameters", f"Parameter {name} is not valid for document {doc}")
        if not params.get("commands"):
            raise AwsError(400, "InvalidParameters", "The parameter commands is required")
        if "executionTimeout" in params:
            v = params["executionTimeout"]
            if len(v) != 1 or not v[0].isdigit() or not 1 <= int(v[0]) <= 172800:
                raise AwsError(400, "InvalidParameters", "executionTimeout must be a number from 1 to 172800")
        if targets:
            instances = []
            for t in targets:
                key = t["Key"]
                if key == "InstanceIds":
                    instances += t["Values"]
                elif key.startswith("tag:"):
                    for v in t["Values"]:
                        instances += self.tags.get((key[4:], v), [])
        else:
            instances = list(ids)
        command_id = str(uuid.uuid4())
        with self.lock:
            self.commands[command_id] = {"instances": instances, "doc": doc, "polls": {i: 0 for i in instances},
                                         "comment": req.get("Comment", "")}
        return {"Command": {"CommandId": command_id, "DocumentName": doc, "DocumentVersion": "$DEFAULT",
                            "Comment": req.get("Comment", ""), "Parameters": params,
                            "InstanceIds": ids or [], "Targets": targets or [],
                            "RequestedDateTime": _now().timestamp(), "Status": "Pending",
                            "StatusDetails": "Pending", "TargetCount": len(instances), "CompletedCount": 0,
                            "ErrorCount": 0, "DeliveryTimedOutCount": 0,
                            "TimeoutSeconds": req.get("TimeoutSeconds", 3600),
                            "MaxConcurrency": "50", "MaxErrors": "0"}}

    def _invocation_state(self, command_id, instance_id, count_poll):
        cmd = self.commands.get(command_id)
        if cmd is None or instance_id not in cmd["polls"]:
            raise AwsError(400, "InvocationDoesNotExist", "An error occurred (InvocationDoesNotExist)")
        outcome = self.outcomes.get(instance_id, dict(status="Success", output="ok\n", error="", code=0,
                                                      in_progress_polls=1, invisible_polls=0))
        with self.lock:
            n = cmd["polls"][instance_id]
            if count_poll:
                cmd["polls"][instance_id] = n + 1
        if n < outcome["invisible_polls"]:
            if count_poll:
                raise AwsError(400, "InvocationDoesNotExist", "An error occurred (InvocationDoesNotExist)")
            return None
        if outcome["status"] == "InProgress" or n < outcome["invisible_polls"] + outcome["in_progress_polls"]:
            return {"Status": "InProgress", "StatusDetails": "InProgress", "ResponseCode": -1,
                    "StandardOutputContent": "", "StandardErrorContent": ""}
        details = {"Success": "Success", "Failed": "Failed", "TimedOut": "ExecutionTimedOut"}[outcome["status"]]
        return {"Status": outcome["status"], "StatusDetails": details, "ResponseCode": outcome["code"],
                "StandardOutputContent": outcome["output"][:24000],
                "StandardErrorContent": outcome["error"][:8000]}

    def _get_invocation(self, req):
        self._unknown(req, {"CommandId", "InstanceId", "PluginName"})
        cid, iid = req.get("CommandId"), req.get("InstanceId")
        if not isinstance(cid, str) or not COMMAND_ID.match(cid):
            raise self._validation("Value at 'commandId' failed to satisfy constraint: Member must have length 36")
        if not isinstance(iid, str) or not INSTANCE_ID.match(iid):
            raise self._validation("Value at 'instanceId' failed to satisfy constraint: Member must satisfy "
                                   "regular expression pattern")
        st = self._invocation_state(cid, iid, True)
        cmd = self.commands[cid]
        out = {"CommandId": cid, "InstanceId": iid, "Comment": cmd["comment"], "DocumentName": cmd["doc"],
               "DocumentVersion": "$DEFAULT", "PluginName": "aws:runShellScript",
               "ExecutionStartDateTime": _now().isoformat(), "ExecutionElapsedTime": "PT0.1S",
               "StandardOutputUrl": "", "StandardErrorUrl": "",
               "CloudWatchOutputConfig": {"CloudWatchLogGroupName": "", "CloudWatchOutputEnabled": False}}
        out.update(st)
        return out

    def _list_invocations(self, req):
        self._unknown(req, {"CommandId", "InstanceId", "MaxResults", "NextToken", "Filters", "Details"})
        cid = req.get("CommandId")
        if cid is not None and (not isinstance(cid, str) or not COMMAND_ID.match(cid)):
            raise self._validation("Value at 'commandId' failed to satisfy constraint: Member must have length 36")
        mr = req.get("MaxResults", 50)
        if not isinstance(mr, int) or isinstance(mr, bool) or not 1 <= mr <= 50:
            raise self._validation("Value at 'maxResults' failed to satisfy constraint: Member must have value "
                                   "between 1 and 50")
        cmd = self.commands.get(cid)
        items = []
        for iid in (cmd["instances"] if cmd else []):
            st = self._invocation_state(cid, iid, False)
            items.append({"CommandId": cid, "InstanceId": iid, "DocumentName": cmd["doc"],
                          "Status": st["Status"] if st else "Pending",
                          "StatusDetails": st["StatusDetails"] if st else "Pending"})
        start = int(req.get("NextToken") or 0)
        page = items[start:start + mr]
        out = {"CommandInvocations": page}
        if start + mr < len(items):
            out["NextToken"] = str(start + mr)
        return out

    # -- STS -----------------------------------------------------------------
    def _sts(self, body, key_id):
        form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True, strict_parsing=False)
        params = {k: v[0] for k, v in form.items()}
        if any(len(v) != 1 for v in form.values()):
            raise AwsError(400, "MalformedInput", "a parameter is repeated")
        if params.get("Action") != "AssumeRole":
            raise AwsError(400, "InvalidAction", f"Could not find operation {params.get('Action')} for version "
                                                 f"{params.get('Version')}")
        if params.get("Version") != "2011-06-15":
            raise AwsError(400, "InvalidAction", "unsupported Version")
        allowed = {"Action", "Version", "RoleArn", "RoleSessionName", "ExternalId", "DurationSeconds", "Policy",
                   "SerialNumber", "TokenCode", "SourceIdentity"}
        for k in params:
            if k not in allowed and not k.startswith(("PolicyArns.", "Tags.", "TransitiveTagKeys.",
                                                      "ProvidedContexts.")):
                raise AwsError(400, "InvalidParameterValue", f"unknown parameter {k}")
        arn = params.get("RoleArn")
        if arn is None:
            raise AwsError(400, "ValidationError", "1 validation error detected: Value null at 'roleArn' failed "
                                                   "to satisfy constraint: Member must not be null")
        if not 20 <= len(arn) <= 2048:
            raise AwsError(400, "ValidationError", "Value at 'roleArn' failed to satisfy constraint: length")
        name = params.get("RoleSessionName")
        if name is None or not ROLE_SESSION.match(name):
            raise AwsError(400, "ValidationError", "Value at 'roleSessionName' failed to satisfy constraint: "
                                                   "Member must satisfy regular expression pattern: [\\w+=,.@-]*")
        ext = params.get("ExternalId")
        if ext is not None and not EXTERNAL_ID.match(ext):
            raise AwsError(400, "ValidationError", "Value at 'externalId' failed to satisfy constraint")
        if "DurationSeconds" in params:
            d = params["DurationSeconds"]
            if not d.isdigit() or not 900 <= int(d) <= 43200:
                raise AwsError(400, "ValidationError", "Value at 'durationSeconds' failed to satisfy constraint: "
                                                       "Member must have value between 900 and 43200")
        if key_id not in self.credentials:
            raise AwsError(403, "AccessDenied", "temporary credentials cannot assume roles here")
        if arn not in self.roles or not _hmac.compare_digest(self.roles[arn], ext or ""):
            raise AwsError(403, "AccessDenied", f"User: arn:aws:iam::000000000000:user/caller is not authorized "
                                                f"to perform: sts:AssumeRole on resource: {arn}")
        akid = "ASIA" + secrets.token_hex(8).upper()
        secret = secrets.token_urlsafe(30)
        token = secrets.token_urlsafe(60)
        with self.lock:
            self.sessions[akid] = (secret, token)
            self.calls.append(("AssumeRole", params, key_id))
        expires = (_now() + datetime.timedelta(seconds=int(params.get("DurationSeconds", 3600)))).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        return ("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                f"<AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:{name}</AssumedRoleId>"
                f"<Arn>{_xml_escape(arn)}/{name}</Arn></AssumedRoleUser>"
                f"<Credentials><AccessKeyId>{akid}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
                f"<SessionToken>{token}</SessionToken><Expiration>{expires}</Expiration></Credentials>"
                "<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>"
                f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></AssumeRoleResponse>")


def _xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))
