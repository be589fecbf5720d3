"""A test suite written the way suites for moto's server mode are: boto3
clients with dummy credentials (`testing`/`testing`) and `POST
/moto-api/reset` before each test, nothing linkplane-specific. It runs
unchanged against a linkplane started with LINKPLANE_AWS_OPEN_ACCOUNT
(scripts/ci-aws-sdk.sh starts one and sets LINKPLANE_URL).
"""

import os
import sys
import unittest
import urllib.request

import boto3
import botocore.exceptions

URL = os.environ["LINKPLANE_URL"]
ACCOUNT = os.environ.get("OPEN_ACCOUNT", "123456789012")


def aws(service):
    return boto3.client(service, endpoint_url=URL, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


class MotoServerStyle(unittest.TestCase):
    def setUp(self):
        req = urllib.request.Request(URL + "/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(req) as r:
            self.assertEqual(r.status, 200)
        self.ec2 = aws("ec2")
        self.elbv2 = aws("elbv2")

    def test_caller_is_the_open_accounts_root(self):
        me = aws("sts").get_caller_identity()
        self.assertEqual(me["Account"], ACCOUNT)
        self.assertEqual(me["Arn"], f"arn:aws:iam::{ACCOUNT}:root")

    def _service(self):
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        zone = self.ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
        subnet = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                                        AvailabilityZone=zone)["Subnet"]["SubnetId"]
        lb = self.elbv2.create_load_balancer(Name="api", Type="network", Scheme="internal",
                                             Subnets=[subnet])["LoadBalancers"][0]
        svc = self.ec2.create_vpc_endpoint_service_configuration(
            NetworkLoadBalancerArns=[lb["LoadBalancerArn"]], AcceptanceRequired=False,
        )["ServiceConfiguration"]
        return vpc, svc

    def test_an_endpoint_service_and_its_load_balancer(self):
        vpc, svc = self._service()
        self.assertTrue(svc["ServiceId"].startswith("vpce-svc-"))
        found = self.ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
        self.assertEqual([s["ServiceId"] for s in found], [svc["ServiceId"]])
        self.assertEqual([v["VpcId"] for v in self.ec2.describe_vpcs()["Vpcs"]], [vpc])

    def test_each_test_starts_from_an_empty_account(self):
        # Whatever the tests before made is gone.
        self.assertEqual(self.ec2.describe_vpcs()["Vpcs"], [])
        self.assertEqual(self.elbv2.describe_load_balancers()["LoadBalancers"], [])
        self.assertEqual(
            self.ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"], [])
        self._service()

    def test_errors_are_client_errors(self):
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.ec2.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidVpcID.NotFound")


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    ok = result.wasSuccessful() and result.testsRun == 4
    print(f"moto-style suite: {result.testsRun} tests, {'ok' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)
