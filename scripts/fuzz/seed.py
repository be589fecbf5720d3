"""Seeds the fuzzer's account with one of everything and prints the
schemathesis configuration that points generated requests at it.

    python seed.py URL KEY >> config.toml

Random ids almost never name a resource, so without this most operations on
`/v1/<family>/{id}` and most creates that name a VPC or a subnet stop at a
404 or a `*.NotFound` (schemathesis calls it "missing test data"). This makes
a small network (two VPCs, subnets in two zones, a security group, an
internet gateway, an interface, a load balancer with a target group, an
endpoint service open to everyone with a connection notification, an
interface endpoint to it, a transit gateway, a peering connection) and binds
each id parameter, in paths, queries and bodies, to the real ids with
probability 1/2: half the requests reach the resource, half still probe with
generated ids. Webhook URLs get a loopback one the same way (the server takes
no other in this stage).
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

URL, KEY = sys.argv[1], sys.argv[2]


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {KEY}")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"seed: {method} {path} answered {e.code}: {e.read().decode(errors='replace')}")


def post(path, body):
    return call("POST", path, body)


def enc(arn):
    return urllib.parse.quote(arn, safe="")


vpc = post("/v1/vpcs", {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": True, "tags": {"Name": "fuzz"}})
peer = post("/v1/vpcs", {"cidr_block": "10.1.0.0/16"})
subnets = [
    post("/v1/subnets", {"vpc_id": vpc["vpc_id"], "cidr_block": f"10.0.{i}.0/24", "availability_zone": f"us-east-1{z}"})
    for i, z in enumerate("ab")
]
subnet_ids = [s["subnet_id"] for s in subnets]
sg = post(
    "/v1/security-groups",
    {"vpc_id": vpc["vpc_id"], "group_name": "fuzz", "description": "fuzz",
     "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/8"}]},
)
rule_ids = [r["security_group_rule_id"] for r in sg["ingress"] + sg["egress"]]
igw = post("/v1/internet-gateways", {})
post(f"/v1/internet-gateways/{igw['internet_gateway_id']}/attach", {"vpc_id": vpc["vpc_id"]})
rtb = post("/v1/route-tables", {"vpc_id": vpc["vpc_id"]})
assoc = post(f"/v1/route-tables/{rtb['route_table_id']}/associations", {"subnet_id": subnet_ids[1]})
eni = post("/v1/network-interfaces", {"subnet_id": subnet_ids[0]})
lb = post("/v1/load-balancers", {"name": "fuzz", "subnet_ids": subnet_ids})
tg = post(
    "/v1/target-groups",
    {"name": "fuzz", "protocol": "tcp", "port": 443, "vpc_id": vpc["vpc_id"], "load_balancer_arn": lb["load_balancer_arn"]},
)
post(f"/v1/target-groups/{enc(tg['target_group_arn'])}/targets", {"targets": [{"id": eni["private_ip"]}]})
svc = post(
    "/v1/endpoint-services",
    {"network_load_balancer_arns": [lb["load_balancer_arn"]], "acceptance_required": False},
)
post(f"/v1/endpoint-services/{svc['service_id']}/allowed-principals", {"principals": ["*"]})
endpoint = post(
    "/v1/vpc-endpoints",
    {"vpc_endpoint_type": "interface", "vpc_id": vpc["vpc_id"], "service_name": svc["service_name"],
     "subnet_ids": subnet_ids, "security_group_ids": [sg["group_id"]]},
)
gateway_endpoint = post(
    "/v1/vpc-endpoints",
    {"vpc_id": vpc["vpc_id"], "service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": [rtb["route_table_id"]]},
)
# Webhooks reach loopback only (ci-fuzz.sh); port 9 refuses, so deliveries
# fail and are retried, which is what a dead receiver looks like.
webhook = "http://127.0.0.1:9/linkplane"
notification = post(
    f"/v1/endpoint-services/{svc['service_id']}/notifications", {"webhook_url": webhook, "events": ["connect", "accept"]}
)
tgw = post("/v1/transit-gateways", {"description": "fuzz"})
tgw = post(
    f"/v1/transit-gateways/{tgw['transit_gateway_id']}/attachments",
    {"vpc_id": vpc["vpc_id"], "subnet_ids": [subnet_ids[0]]},
)
pcx = post("/v1/vpc-peering-connections", {"requester_vpc_id": vpc["vpc_id"], "accepter_vpc_id": peer["vpc_id"]})
account = call("GET", "/v1/whoami")["account_id"]

ids = {
    "vpc_id": [vpc["vpc_id"], peer["vpc_id"]],
    "subnet_id": subnet_ids,
    "group_id": [sg["group_id"], vpc["default_security_group_id"]],
    "security_group_rule_id": rule_ids,
    "internet_gateway_id": [igw["internet_gateway_id"]],
    "route_table_id": [rtb["route_table_id"], vpc["main_route_table_id"]],
    "association_id": [assoc["association_id"]],
    "network_interface_id": [eni["network_interface_id"]],
    "load_balancer_arn": [lb["load_balancer_arn"]],
    "target_group_arn": [tg["target_group_arn"]],
    "target_id": [eni["private_ip"]],
    "service_id": [svc["service_id"]],
    "service_name": [svc["service_name"], "com.amazonaws.us-east-1.s3"],
    "vpc_endpoint_id": [endpoint["vpc_endpoint_id"], gateway_endpoint["vpc_endpoint_id"]],
    "transit_gateway_id": [tgw["transit_gateway_id"]],
    "transit_gateway_attachment_id": [a["transit_gateway_attachment_id"] for a in tgw["attachments"]],
    "vpc_peering_connection_id": [pcx["vpc_peering_connection_id"]],
    "account_id": [account],
    "connection_notification_id": [notification["connection_notification_id"]],
}
# Values that are not ids, for body fields only.
other_values = {"webhook_url": [webhook]}
# Body fields that hold those ids, under other names or in lists.
body_fields = {
    "vpc_id": ["vpc_id", "requester_vpc_id", "accepter_vpc_id"],
    "subnet_id": ["subnet_id", "subnet_ids[*]", "add_subnet_ids[*]", "remove_subnet_ids[*]",
                  "subnet_configurations[*].subnet_id", "source.subnet_id"],
    "group_id": ["group_id", "security_group_ids[*]", "add_security_group_ids[*]",
                 "remove_security_group_ids[*]", "ingress[*].group_id", "egress[*].group_id"],
    "internet_gateway_id": ["gateway_id"],
    "route_table_id": ["route_table_ids[*]", "add_route_table_ids[*]", "remove_route_table_ids[*]"],
    "network_interface_id": ["network_interface_id", "source.network_interface_id"],
    "load_balancer_arn": ["load_balancer_arn", "network_load_balancer_arns[*]",
                          "add_network_load_balancer_arns[*]", "remove_network_load_balancer_arns[*]"],
    "service_name": ["service_name"],
    "vpc_endpoint_id": ["vpc_endpoint_ids[*]", "vpc_endpoint_id"],
    "transit_gateway_id": ["transit_gateway_id"],
    "transit_gateway_attachment_id": ["transit_gateway_attachment_id"],
    "vpc_peering_connection_id": ["vpc_peering_connection_id"],
    "account_id": ["peer_owner_id"],
}

print("\n# Written by scripts/fuzz/seed.py: the seeded resources' ids.")
for name, values in ids.items():
    print(f"[dictionaries.{name}]\nvalues = {json.dumps(values)}")
for name, v in other_values.items():
    print(f"[dictionaries.{name}]\nvalues = {json.dumps(v)}")
print("\n[parameters]")
for name in ids:
    for location in ("path", "query"):
        print(f'"{location}.{name}" = {{ dictionary = "{name}", probability = 0.5 }}')
for name, fields in body_fields.items():
    for field in fields:
        print(f'"body.{field}" = {{ dictionary = "{name}", probability = 0.5 }}')
for name in other_values:
    print(f'"body.{name}" = {{ dictionary = "{name}", probability = 0.5 }}')
print(f"seeded {sum(len(v) for v in ids.values())} ids", file=sys.stderr)
