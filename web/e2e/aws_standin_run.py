"""Runs the API tests' AWS stand-in (tests/api/fakes/aws_standin.py) for the browser tests.
argv[1]: JSON {credentials: {key: secret}, output}. Prints "URL <url>", serves until stdin closes."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "api"))
from fakes.aws_standin import AwsStandin  # noqa: E402

cfg = json.loads(sys.argv[1])
standin = AwsStandin(credentials=cfg["credentials"]).start()
output = cfg.get("output", "ok\n")
# Every instance id not configured otherwise succeeds with `output`.
orig = standin._invocation_state
def state(command_id, instance_id, count_poll):
    if instance_id not in standin.outcomes:
        standin.set_outcome(instance_id, "Success", output=output, in_progress_polls=1)
    return orig(command_id, instance_id, count_poll)
standin._invocation_state = state
print("URL", standin.url, flush=True)
sys.stdin.read()
standin.stop()
