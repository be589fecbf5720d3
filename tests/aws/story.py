"""The AWS front with real AWS tooling: boto3 and the AWS CLI against a
running linkplane (scripts/ci-aws-sdk.sh starts one and sets
LINKPLANE_URL, LINKPLANE_ADMIN_TOKEN and AWS_CLI).

Accounts and keys are made over REST; an API key's id is the AWS access
key id and its secret the AWS secret access key.
"""

import json
import os
import subprocess
import sys
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config

URL = os.environ["LINKPLANE_URL"]
ADMIN = os.environ["LINKPLANE_ADMIN_TOKEN"]
AWS_CLI = os.environ.get("AWS_CLI", "aws")
REGION = "us-east-1"


def rest(method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req) as r:
            text = r.read()
            return r.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def account(name):
    status, acct = rest("POST", "/v1/accounts", ADMIN, {"name": name})
    assert status == 201, (status, acct)
    status, key = rest("POST", "/v1/api-keys", ADMIN, {"principal_arn": acct["root_principal_arn"]})
    assert status == 201, (status, key)
    return acct, key


def client(service, key, **over):
    kw = dict(
        endpoint_url=URL,
        region_name=REGION,
        aws_access_key_id=key["aws_access_key_id"],
        aws_secret_access_key=key["aws_secret_access_key"],
        config=Config(retries={"max_attempts": 1}),
    )
    kw.update(over)
    return boto3.client(service, **kw)


def error_of(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call} succeeded")


def check(label, ok):
    if not ok:
        raise AssertionError(label)
    print(f"ok  {label}")


def main():
    producer, pkey = account("producer")
    consumer, ckey = account("consumer")

    # STS: the signer's principal is the caller.
    me = client("sts", pkey).get_caller_identity()
    check("sts get-caller-identity names the key's principal",
          me["Arn"] == producer["root_principal_arn"] and me["Account"] == producer["account_id"])

    ec2 = client("ec2", pkey)
    ec2c = client("ec2", ckey)

    regions = {r["RegionName"] for r in ec2.describe_regions()["Regions"]}
    check("describe-regions lists us-east-1 and eu-west-1", {"us-east-1", "eu-west-1"} <= regions)

    # Zones: per account names, the same ids; as REST gives them.
    def zones(c, key):
        got = {z["ZoneName"]: z["ZoneId"] for z in c.describe_availability_zones()["AvailabilityZones"]}
        _, page = rest("GET", f"/v1/regions/{REGION}/availability-zones", key["secret"])
        return got, {z["zone_name"]: z["zone_id"] for z in page["items"]}
    pz, pz_rest = zones(ec2, pkey)
    cz, cz_rest = zones(ec2c, ckey)
    check("zones match REST's per-account names", pz == pz_rest and cz == cz_rest)
    check("two accounts share zone ids", set(pz.values()) == set(cz.values()))
    one = next(iter(pz))
    only = ec2.describe_availability_zones(ZoneNames=[one])["AvailabilityZones"]
    check("ZoneName.1 narrows to that zone", [z["ZoneName"] for z in only] == [one])

    # VPCs: create with tags, read back through REST and the AWS front.
    vpc = ec2.create_vpc(
        CidrBlock="10.0.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "web <&>"}]}],
    )["Vpc"]
    check("create-vpc answers an available VPC with its tags",
          vpc["State"] == "available" and vpc["Tags"] == [{"Key": "Name", "Value": "web <&>"}])
    status, rest_vpc = rest("GET", f"/v1/vpcs/{vpc['VpcId']}", pkey["secret"])
    check("REST shows the same VPC", status == 200 and rest_vpc["cidr_block"] == "10.0.0.0/16"
          and rest_vpc["tags"] == {"Name": "web <&>"})
    found = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["web <&>"]}])["Vpcs"]
    check("describe-vpcs by tag:Name finds it", [v["VpcId"] for v in found] == [vpc["VpcId"]])
    check("describe-vpcs VpcId.1", ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["VpcId"] == vpc["VpcId"])
    check("the consumer does not see the producer's VPC",
          error_of(ec2c.describe_vpcs, VpcIds=[vpc["VpcId"]]) == ("InvalidVpcID.NotFound", 400))
    for i in range(1, 7):
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    pages = list(ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5}))
    ids = [v["VpcId"] for p in pages for v in p["Vpcs"]]
    check("the paginator walks pages of 5 over all 7", [len(p["Vpcs"]) for p in pages] == [5, 2]
          and len(set(ids)) == 7)

    # Errors as botocore.exceptions.ClientError with AWS's codes.
    check("DryRun answers DryRunOperation (412)",
          error_of(ec2.create_vpc, CidrBlock="10.9.0.0/16", DryRun=True) == ("DryRunOperation", 412))
    check("a /8 is InvalidVpc.Range", error_of(ec2.create_vpc, CidrBlock="10.0.0.0/8")[0] == "InvalidVpc.Range")
    # botocore checks MaxResults' minimum itself; without that, the server does.
    unchecked = client("ec2", pkey, config=Config(retries={"max_attempts": 1}, parameter_validation=False))
    check("MaxResults below 5 is InvalidParameterValue",
          error_of(unchecked.describe_vpcs, MaxResults=4)[0] == "InvalidParameterValue")
    check("a missing CidrBlock is MissingParameter",
          error_of(unchecked.create_vpc)[0] == "MissingParameter")
    check("an unknown VPC is InvalidVpcID.NotFound",
          error_of(ec2.delete_vpc, VpcId="vpc-0123456789abcdef0") == ("InvalidVpcID.NotFound", 400))
    check("an unknown filter is InvalidParameterValue",
          error_of(ec2.describe_vpcs, Filters=[{"Name": "nope", "Values": ["x"]}])[0] == "InvalidParameterValue")
    check("an action not served is InvalidAction", error_of(ec2.describe_instances)[0] == "InvalidAction")
    # ELBv2: a load balancer made over REST, described by boto3.
    elb = client("elbv2", pkey)
    zone_id = next(iter(pz.values()))
    _, sub = rest("POST", "/v1/subnets", pkey["secret"],
                  {"vpc_id": vpc["VpcId"], "cidr_block": "10.0.1.0/24", "availability_zone_id": zone_id})
    status, made = rest("POST", "/v1/load-balancers", pkey["secret"],
                        {"name": "api", "type": "network", "subnet_ids": [sub["subnet_id"]]})
    assert status == 201, (status, made)
    lbs = elb.describe_load_balancers(Names=["api"])["LoadBalancers"]
    check("elbv2 describe-load-balancers shows the NLB made over REST",
          [(l["LoadBalancerArn"], l["Type"], l["VpcId"]) for l in lbs] == [(made["load_balancer_arn"], "network", vpc["VpcId"])]
          and lbs[0]["AvailabilityZones"][0]["SubnetId"] == sub["subnet_id"])
    check("an unknown name is LoadBalancerNotFound",
          error_of(elb.describe_load_balancers, Names=["nope"]) == ("LoadBalancerNotFound", 400))
    check("elbv2 describe-listeners: none yet on the NLB made over REST",
          elb.describe_listeners(LoadBalancerArn=made["load_balancer_arn"])["Listeners"] == [])
    check("ELBv2 answers InvalidAction in its own shape for what it does not serve (rules)",
          error_of(elb.describe_rules)[0] == "InvalidAction")

    # Wrong signatures are refused.
    check("a wrong secret is SignatureDoesNotMatch",
          error_of(client("ec2", pkey, aws_secret_access_key="wrong").describe_vpcs) == ("SignatureDoesNotMatch", 403))
    check("an unknown key is AuthFailure on EC2",
          error_of(client("ec2", pkey, aws_access_key_id="LPAKAAAAAAAAAAAAAAAA").describe_vpcs) == ("AuthFailure", 401))
    check("an unknown key is InvalidClientTokenId on STS",
          error_of(client("sts", pkey, aws_access_key_id="LPAKAAAAAAAAAAAAAAAA").get_caller_identity)
          == ("InvalidClientTokenId", 403))

    # A presigned URL (SigV4 in the query string).
    signer = client("ec2", pkey)
    # botocore signs the operation's method (POST) unless told: a URL to GET is signed for GET.
    url = signer.generate_presigned_url("describe_regions", Params={}, ExpiresIn=60, HttpMethod="GET")
    try:
        with urllib.request.urlopen(url) as r:
            body = r.read().decode()
    except urllib.error.HTTPError as e:
        raise AssertionError(f"presigned {url}: {e.code} {e.read().decode()}")
    check("a presigned describe-regions URL works", r.status == 200 and "<regionName>us-east-1</regionName>" in body)

    # The AWS CLI.
    env = dict(os.environ, AWS_ACCESS_KEY_ID=pkey["aws_access_key_id"], AWS_SECRET_ACCESS_KEY=pkey["aws_secret_access_key"],
               AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    def cli(*args):
        return subprocess.run([AWS_CLI, "--endpoint-url", URL, *args], env=env, capture_output=True, text=True)
    r = cli("sts", "get-caller-identity", "--query", "Account", "--output", "text")
    check("aws sts get-caller-identity", r.returncode == 0 and r.stdout.strip() == producer["account_id"])
    r = cli("ec2", "create-vpc", "--cidr-block", "10.20.0.0/16", "--query", "Vpc.VpcId", "--output", "text")
    check("aws ec2 create-vpc", r.returncode == 0 and r.stdout.strip().startswith("vpc-"))
    cli_vpc = r.stdout.strip()
    r = cli("ec2", "describe-vpcs", "--vpc-ids", cli_vpc, "--query", "Vpcs[0].CidrBlock", "--output", "text")
    check("aws ec2 describe-vpcs --vpc-ids", r.returncode == 0 and r.stdout.strip() == "10.20.0.0/16")
    r = cli("ec2", "delete-vpc", "--vpc-id", cli_vpc)
    check("aws ec2 delete-vpc", r.returncode == 0)
    r = cli("ec2", "delete-vpc", "--vpc-id", cli_vpc)
    check("aws ec2 delete-vpc again: InvalidVpcID.NotFound",
          r.returncode != 0 and "InvalidVpcID.NotFound" in r.stderr)

    # A revoked key fails at once.
    rest("DELETE", f"/v1/api-keys/{pkey['key_id']}", ADMIN)
    check("a revoked key is refused on its next call",
          error_of(client("sts", pkey).get_caller_identity) == ("InvalidClientTokenId", 403))
    print("story: ok")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
