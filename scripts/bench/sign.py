"""Prints a wrk Lua script that replays one SigV4-signed AWS Query request
(botocore's own signer): POST / with the form body, signed for `service`
in us-east-1 with the given key. The signature stays valid for the
server's 15 minutes of clock skew, and the server verifies it in full on
every request (key lookup, secret unsealed, signing key derived, canonical
request hashed), so replaying it costs the server what a fresh one would.

    python sign.py URL SERVICE KEY_ID SECRET 'Action=...&Version=...'
"""

import sys

import botocore.auth
import botocore.awsrequest
import botocore.credentials

url, service, key_id, secret, body = sys.argv[1:6]
req = botocore.awsrequest.AWSRequest(
    method="POST", url=url + "/", data=body,
    headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
)
botocore.auth.SigV4Auth(botocore.credentials.Credentials(key_id, secret), service, "us-east-1").add_auth(req)
print('wrk.method = "POST"')
print(f"wrk.body = '{body}'")
for name in ("Content-Type", "X-Amz-Date", "Authorization"):
    print(f'wrk.headers["{name}"] = "{req.headers[name]}"')
