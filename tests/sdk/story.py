#!/usr/bin/env python3
"""The PrivateLink story, driven only through the Python client generated
from openapi/openapi.json (scripts/ci-python-sdk.sh generates it, starts a
server and runs this).

An admin creates a producer and a consumer account with API keys. The
producer builds a VPC with subnets in two zones, a network load balancer,
a target group with healthy targets, and an endpoint service with a private
DNS name that it proves it owns through the public DNS model; it allows the
consumer. The consumer finds the service, creates an interface endpoint with
private DNS in subnets of the service's zones (chosen by zone id: its zone
names differ), the producer accepts the connection, and the consumer's
workload resolves the private DNS name: reachable, answered by private DNS.

Environment: LINKPLANE_URL (http://127.0.0.1:PORT) and LINKPLANE_ADMIN_TOKEN.
Exits 0 when every step holds, 1 with the failed step otherwise.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import httpx
from linkplane_client import AuthenticatedClient
from linkplane_client.api.catalog import list_availability_zones, list_services
from linkplane_client.api.consumer import create_vpc_endpoint, get_vpc_endpoint
from linkplane_client.api.identity import create_account, create_api_key, whoami
from linkplane_client.api.network import (
    add_security_group_rule,
    create_network_interface,
    create_subnet,
    create_vpc,
)
from linkplane_client.api.producer import (
    accept_connections,
    add_allowed_principals,
    create_endpoint_service,
    create_load_balancer,
    create_target_group,
    list_connections,
    register_targets,
    set_target_health,
    verify_private_dns,
)
from linkplane_client.api.public_dns import (
    create_public_zone,
    list_public_records,
    put_public_record,
)
from linkplane_client.api.resolution import resolve, vpc_dns
from linkplane_client.api.system import readyz
from linkplane_client.models import (
    AddRuleRequest,
    ConnectionsRequest,
    CreateAccountRequest,
    CreateApiKeyRequest,
    CreateEndpointServiceRequest,
    CreateLoadBalancerRequest,
    CreateNetworkInterfaceRequest,
    CreateSubnetRequest,
    CreateTargetGroupRequest,
    CreateVpcEndpointRequest,
    CreateVpcRequest,
    CreateZoneRequest,
    Direction,
    DnsAnsweredBy,
    HopComponent,
    LoadBalancerType,
    PrincipalsRequest,
    Problem,
    PutRecordRequest,
    ResolveDestination,
    ResolveProtocol,
    ResolveRequest,
    ResolveSource,
    Tags,
    TargetHealthRequest,
    TargetSpec,
    TargetsRequest,
    VpcEndpointType,
)
from linkplane_client.types import Response

REGION = "us-east-1"
# Fixed account ids (the database is fresh for every run). Zone names map to
# zone ids per account; these two accounts see the region's first two zones
# under different names, which is the point of choosing subnets by zone id.
PRODUCER_ID = "111122223333"
CONSUMER_ID = "444455556666"
PRIVATE_DNS_NAME = "api.story.example.com"
PUBLIC_ZONE = "story.example.com"
PORT = 443


class StoryFailed(Exception):
    pass


_step = 0


def step(text: str) -> None:
    global _step
    _step += 1
    print(f"[{_step:2}] {text}", flush=True)


def check(cond: bool, message: str) -> None:
    if not cond:
        raise StoryFailed(message)


def ok(resp: Response[Any], what: str, *statuses: int) -> Any:
    """The parsed body of a response with one of `statuses` (default 200 or
    201); a problem+json answer fails the story with its code and detail."""
    want = statuses or (200, 201)
    parsed = resp.parsed
    if resp.status_code not in want or parsed is None or isinstance(parsed, Problem):
        if isinstance(parsed, Problem):
            why = f"{parsed.code}: {parsed.detail} (request {parsed.request_id})"
        else:
            why = resp.content.decode("utf-8", "replace")[:500]
        raise StoryFailed(f"{what}: expected HTTP {'/'.join(map(str, want))}, got {int(resp.status_code)}: {why}")
    return parsed


def client(base_url: str, token: str) -> AuthenticatedClient:
    # raise_on_unexpected_status: a status the document does not list for
    # the operation fails the story (errors.UnexpectedStatus).
    return AuthenticatedClient(
        base_url=base_url,
        token=token,
        raise_on_unexpected_status=True,
        timeout=httpx.Timeout(15.0),
    )


def story(base_url: str, admin_token: str) -> None:
    admin = client(base_url, admin_token)
    ok(readyz.sync_detailed(client=admin), "GET /readyz", 200)

    # -- identity ---------------------------------------------------------
    step("admin creates the producer and consumer accounts and a root key for each")
    keys: dict[str, str] = {}
    for name, account_id in (("producer", PRODUCER_ID), ("consumer", CONSUMER_ID)):
        acct = ok(
            create_account.sync_detailed(client=admin, body=CreateAccountRequest(name=name, account_id=account_id)),
            f"create account {name}",
            201,
        )
        check(acct.account_id == account_id, f"account {name}: id {acct.account_id}, want {account_id}")
        check(
            acct.root_principal_arn == f"arn:aws:iam::{account_id}:root",
            f"account {name}: root principal {acct.root_principal_arn}",
        )
        key = ok(
            create_api_key.sync_detailed(client=admin, body=CreateApiKeyRequest(principal_arn=acct.root_principal_arn)),
            f"create API key for {name}",
            201,
        )
        check(isinstance(key.secret, str) and key.secret != "", f"API key for {name} came without its secret")
        keys[name] = key.secret
    producer = client(base_url, keys["producer"])
    consumer = client(base_url, keys["consumer"])
    for name, c, account_id in (("producer", producer, PRODUCER_ID), ("consumer", consumer, CONSUMER_ID)):
        me = ok(whoami.sync_detailed(client=c), f"whoami as {name}", 200)
        check(me.account_id == account_id, f"whoami as {name}: account {me.account_id}, want {account_id}")

    # -- producer: network ------------------------------------------------
    step("producer builds a VPC (DNS hostnames on) with subnets in two zones")
    pzones = ok(list_availability_zones.sync_detailed(REGION, client=producer), "producer's zones", 200).items
    check(len(pzones) >= 2, f"{REGION} has {len(pzones)} zones for the producer, want at least 2")
    pzones = pzones[:2]
    pvpc = ok(
        create_vpc.sync_detailed(
            client=producer,
            body=CreateVpcRequest(
                cidr_block="10.0.0.0/16",
                region=REGION,
                enable_dns_hostnames=True,
                tags=Tags.from_dict({"Name": "story-producer"}),
            ),
        ),
        "create producer VPC",
        201,
    )
    check(pvpc.enable_dns_hostnames and pvpc.enable_dns_support, f"producer VPC {pvpc.vpc_id}: DNS settings off")
    check(pvpc.tags.to_dict() == {"Name": "story-producer"}, f"producer VPC tags {pvpc.tags.to_dict()}")
    psubnets = []
    for i, z in enumerate(pzones):
        sub = ok(
            create_subnet.sync_detailed(
                client=producer,
                body=CreateSubnetRequest(
                    vpc_id=pvpc.vpc_id, cidr_block=f"10.0.{i}.0/24", availability_zone=z.zone_name
                ),
            ),
            f"create producer subnet in {z.zone_name}",
            201,
        )
        check(
            sub.availability_zone_id == z.zone_id,
            f"subnet {sub.subnet_id} in {z.zone_name}: zone id {sub.availability_zone_id}, want {z.zone_id}",
        )
        psubnets.append(sub)
    print(
        f"     VPC {pvpc.vpc_id}; subnets "
        + ", ".join(f"{s.subnet_id} ({s.availability_zone}={s.availability_zone_id})" for s in psubnets)
    )

    # -- producer: load balancer and targets --------------------------------
    step("producer creates a network load balancer, a target group and two healthy targets")
    lb = ok(
        create_load_balancer.sync_detailed(
            client=producer,
            body=CreateLoadBalancerRequest(
                name="story-nlb", type_=LoadBalancerType.NETWORK, subnet_ids=[s.subnet_id for s in psubnets]
            ),
        ),
        "create load balancer",
        201,
    )
    check(lb.type_ == LoadBalancerType.NETWORK, f"load balancer type {lb.type_}")
    check(len(lb.availability_zones) == 2, f"load balancer has {len(lb.availability_zones)} zonal nodes, want 2")
    tg = ok(
        create_target_group.sync_detailed(
            client=producer,
            body=CreateTargetGroupRequest(
                name="story-tg", protocol="tcp", port=PORT, vpc_id=pvpc.vpc_id, load_balancer_arn=lb.load_balancer_arn
            ),
        ),
        "create target group",
        201,
    )
    workloads = [
        ok(
            create_network_interface.sync_detailed(
                client=producer,
                body=CreateNetworkInterfaceRequest(subnet_id=s.subnet_id, description=f"api server {i}"),
            ),
            f"create target interface in {s.subnet_id}",
            201,
        )
        for i, s in enumerate(psubnets)
    ]
    ok(
        register_targets.sync_detailed(
            tg.target_group_arn,
            client=producer,
            body=TargetsRequest(targets=[TargetSpec(id=w.network_interface_id) for w in workloads]),
        ),
        "register targets",
        200,
    )
    for t in [w.network_interface_id for w in workloads]:
        tg = ok(
            set_target_health.sync_detailed(
                tg.target_group_arn, t, client=producer, body=TargetHealthRequest(healthy=True)
            ),
            f"set target {t} healthy",
            200,
        )
    health = {t.id: t.health_state for t in tg.targets}
    check(
        health == {w.network_interface_id: "healthy" for w in workloads},
        f"target health {health}, want both targets healthy",
    )
    step("producer's default security group admits the load balancer's nodes (the VPC CIDR) on the port")
    ok(
        add_security_group_rule.sync_detailed(
            pvpc.default_security_group_id,
            client=producer,
            body=AddRuleRequest(
                direction=Direction.INGRESS,
                protocol="tcp",
                from_port=PORT,
                to_port=PORT,
                cidr=pvpc.cidr_block,
                description="load balancer nodes",
            ),
        ),
        "add ingress rule",
        200,
        201,
    )

    # -- producer: endpoint service with a verified private DNS name -------
    step(f"producer creates an endpoint service with private DNS name {PRIVATE_DNS_NAME}")
    svc = ok(
        create_endpoint_service.sync_detailed(
            client=producer,
            body=CreateEndpointServiceRequest(
                network_load_balancer_arns=[lb.load_balancer_arn],
                acceptance_required=True,
                private_dns_name=PRIVATE_DNS_NAME,
            ),
        ),
        "create endpoint service",
        201,
    )
    cfg = svc.private_dns_name_configuration
    check(cfg is not None, f"service {svc.service_id} has no private_dns_name_configuration")
    check(cfg.state == "pending_verification", f"private DNS state {cfg.state}, want pending_verification")
    check(cfg.type_ == "TXT", f"private DNS verification record type {cfg.type_}, want TXT")
    check(
        sorted(svc.availability_zone_ids) == sorted(z.zone_id for z in pzones),
        f"service zones {svc.availability_zone_ids}, want {[z.zone_id for z in pzones]}",
    )
    print(f"     {svc.service_id} = {svc.service_name}; publish TXT {cfg.name}.{PUBLIC_ZONE} = {cfg.value}")

    step(f"producer publishes the TXT record in public zone {PUBLIC_ZONE} and verifies the name")
    ok(
        create_public_zone.sync_detailed(client=producer, body=CreateZoneRequest(name=PUBLIC_ZONE)),
        "create public zone",
        201,
    )
    record_name = f"{cfg.name}.{PUBLIC_ZONE}"
    ok(
        put_public_record.sync_detailed(
            client=producer, body=PutRecordRequest(name=record_name, type_="TXT", value=cfg.value)
        ),
        "put TXT record",
        200,
        201,
    )
    records = ok(list_public_records.sync_detailed(client=producer, zone_name=PUBLIC_ZONE), "list public records", 200)
    check(
        any(r.name == record_name and r.type_ == "TXT" and r.value == cfg.value for r in records.items),
        f"zone {PUBLIC_ZONE} does not list the TXT record {record_name}",
    )
    svc = ok(verify_private_dns.sync_detailed(svc.service_id, client=producer), "verify private DNS", 200)
    cfg = svc.private_dns_name_configuration
    check(cfg is not None and cfg.state == "verified", f"private DNS state after verify: {cfg and cfg.state}")

    step(f"producer allows the consumer account {CONSUMER_ID}")
    consumer_root = f"arn:aws:iam::{CONSUMER_ID}:root"
    added = ok(
        add_allowed_principals.sync_detailed(
            svc.service_id, client=producer, body=PrincipalsRequest(principals=[consumer_root])
        ),
        "add allowed principal",
        200,
        201,
    )
    check(
        [p.principal for p in added.added] == [consumer_root],
        f"added principals {[p.principal for p in added.added]}",
    )

    # -- consumer: discovery ------------------------------------------------
    step("consumer discovers the service at GET /v1/services")
    found = ok(
        list_services.sync_detailed(client=consumer, region=REGION, service_name=svc.service_name),
        "list services",
        200,
    ).items
    check(len(found) == 1, f"GET /v1/services?service_name={svc.service_name}: {len(found)} services, want 1")
    detail = found[0]
    check(detail.owner == PRODUCER_ID, f"service owner {detail.owner}, want {PRODUCER_ID}")
    check(detail.private_dns_name == PRIVATE_DNS_NAME, f"service private DNS name {detail.private_dns_name}")
    check(
        detail.private_dns_name_verification_state == "verified",
        f"service private DNS state {detail.private_dns_name_verification_state}, want verified",
    )
    check(detail.acceptance_required, "service should require acceptance")
    czones = ok(list_availability_zones.sync_detailed(REGION, client=consumer), "consumer's zones", 200).items
    cname_of = {z.zone_id: z.zone_name for z in czones}
    pname_of = {z.zone_id: z.zone_name for z in pzones}
    want_ids = sorted(svc.availability_zone_ids)
    check(
        sorted(detail.availability_zone_ids) == want_ids,
        f"discovered zone ids {detail.availability_zone_ids}, want {want_ids}",
    )
    check(
        sorted(detail.availability_zones) == sorted(cname_of[i] for i in want_ids),
        f"discovered zone names {detail.availability_zones} are not the consumer's names for {want_ids}",
    )
    check(
        any(cname_of[i] != pname_of[i] for i in want_ids),
        f"the consumer's zone names {[cname_of[i] for i in want_ids]} equal the producer's; "
        "the story expects them to differ for these two accounts",
    )
    print(
        "     zones (id: producer name / consumer name): "
        + ", ".join(f"{i}: {pname_of[i]} / {cname_of[i]}" for i in want_ids)
    )

    # -- consumer: network and endpoint -----------------------------------
    step("consumer builds a VPC (DNS hostnames on) with subnets in the service's zones, by zone id")
    cvpc = ok(
        create_vpc.sync_detailed(
            client=consumer,
            body=CreateVpcRequest(cidr_block="10.1.0.0/16", region=REGION, enable_dns_hostnames=True),
        ),
        "create consumer VPC",
        201,
    )
    csubnets = []
    for i, zone_id in enumerate(detail.availability_zone_ids):
        sub = ok(
            create_subnet.sync_detailed(
                client=consumer,
                body=CreateSubnetRequest(vpc_id=cvpc.vpc_id, cidr_block=f"10.1.{i}.0/24", availability_zone_id=zone_id),
            ),
            f"create consumer subnet in zone {zone_id}",
            201,
        )
        check(
            sub.availability_zone == cname_of[zone_id],
            f"subnet {sub.subnet_id}: zone name {sub.availability_zone}, want the consumer's {cname_of[zone_id]}",
        )
        csubnets.append(sub)
    app = ok(
        create_network_interface.sync_detailed(
            client=consumer, body=CreateNetworkInterfaceRequest(subnet_id=csubnets[0].subnet_id, description="app")
        ),
        "create consumer workload interface",
        201,
    )

    step("consumer creates an interface endpoint with private DNS")
    ep = ok(
        create_vpc_endpoint.sync_detailed(
            client=consumer,
            body=CreateVpcEndpointRequest(
                vpc_endpoint_type=VpcEndpointType.INTERFACE,
                vpc_id=cvpc.vpc_id,
                service_name=detail.service_name,
                subnet_ids=[s.subnet_id for s in csubnets],
                private_dns_enabled=True,
            ),
        ),
        "create VPC endpoint",
        201,
    )
    check(ep.state == "pending_acceptance", f"endpoint {ep.vpc_endpoint_id} state {ep.state}, want pending_acceptance")
    check(ep.private_dns_enabled, f"endpoint {ep.vpc_endpoint_id}: private DNS not enabled")
    check(len(ep.network_interface_ids) == 2, f"endpoint has {len(ep.network_interface_ids)} interfaces, want 2")
    check(len(ep.dns_entries) >= 1, "endpoint has no DNS entries")
    print(f"     {ep.vpc_endpoint_id}: {ep.dns_entries[0].dns_name}")

    # -- producer: acceptance -------------------------------------------------
    step("producer sees the connection request and accepts it")
    conns = ok(list_connections.sync_detailed(svc.service_id, client=producer), "list connections", 200).items
    mine = [c for c in conns if c.vpc_endpoint_id == ep.vpc_endpoint_id]
    check(len(mine) == 1, f"connections {[c.vpc_endpoint_id for c in conns]} lack {ep.vpc_endpoint_id}")
    check(mine[0].vpc_endpoint_owner == CONSUMER_ID, f"connection owner {mine[0].vpc_endpoint_owner}")
    check(
        mine[0].vpc_endpoint_state == "pending_acceptance",
        f"connection state {mine[0].vpc_endpoint_state}, want pending_acceptance",
    )
    result = ok(
        accept_connections.sync_detailed(
            svc.service_id, client=producer, body=ConnectionsRequest(vpc_endpoint_ids=[ep.vpc_endpoint_id])
        ),
        "accept connection",
        200,
    )
    check(
        result.unsuccessful == [],
        "accept failed: " + "; ".join(f"{u.resource_id} {u.code}: {u.message}" for u in result.unsuccessful),
    )
    deadline = time.monotonic() + 20
    while True:
        ep = ok(get_vpc_endpoint.sync_detailed(ep.vpc_endpoint_id, client=consumer), "get VPC endpoint", 200)
        if ep.state == "available":
            break
        check(ep.state in ("pending", "pending_acceptance"), f"endpoint state {ep.state} after acceptance")
        check(time.monotonic() < deadline, f"endpoint still {ep.state} 20 s after acceptance")
        time.sleep(0.2)

    # -- consumer: resolution ----------------------------------------------------
    step(f"consumer's workload resolves {PRIVATE_DNS_NAME}:{PORT} with POST /v1/resolve")
    r = ok(
        resolve.sync_detailed(
            client=consumer,
            body=ResolveRequest(
                source=ResolveSource(network_interface_id=app.network_interface_id),
                destination=ResolveDestination(host=PRIVATE_DNS_NAME),
                port=PORT,
                protocol=ResolveProtocol.TCP,
            ),
        ),
        "resolve",
        200,
    )
    explained = "; ".join(f"{e.code} at {e.component_id}: {e.message}" for e in r.explanations)
    path = " -> ".join(f"{h.component.value} {h.id}" for h in r.hops)
    print(f"     path: {path}")
    check(r.dns is not None, "resolve answered no DNS section")
    print(f"     dns: {r.dns.name} -> {r.dns.answers} ({r.dns.answered_by.value})")
    check(r.reachable is True, f"not reachable: {explained or 'no explanation'}")
    check(
        r.dns.answered_by == DnsAnsweredBy.PRIVATE_DNS,
        f"DNS answered by {r.dns.answered_by.value}, want private_dns",
    )
    check(len(r.dns.answers) == 2, f"DNS answers {r.dns.answers}, want the endpoint's two addresses")
    on_path = {(h.component, h.id) for h in r.hops}
    for comp, ident in (
        (HopComponent.NETWORK_INTERFACE, app.network_interface_id),
        (HopComponent.VPC_ENDPOINT, ep.vpc_endpoint_id),
        (HopComponent.VPC_ENDPOINT_SERVICE, svc.service_id),
        # The producer's load balancer: on the path, but not named to the
        # consumer (another account's resources read as absent).
        (HopComponent.LOAD_BALANCER, "hidden"),
    ):
        check((comp, ident) in on_path, f"the path lacks {comp.value} {ident}: {path}")
    check(lb.load_balancer_arn not in path, f"the consumer's answer names the producer's load balancer: {path}")
    targets = [h for h in r.hops if h.component == HopComponent.TARGET]
    check(len(targets) == 1, f"the path has {len(targets)} targets: {path}")
    check(
        targets[0].owner_account_id == PRODUCER_ID,
        f"target owner {targets[0].owner_account_id}, want the producer {PRODUCER_ID}",
    )
    check(
        not isinstance(targets[0].address, str),
        f"the consumer's answer shows the producer's target address {targets[0].address}",
    )
    check(
        targets[0].zone_id in {w.availability_zone_id for w in workloads},
        f"target zone {targets[0].zone_id} is none of the registered targets' zones",
    )

    step("the consumer VPC's resolver answers the name from the endpoint (GET /v1/vpcs/{id}/dns)")
    d = ok(vpc_dns.sync_detailed(cvpc.vpc_id, client=consumer, name=PRIVATE_DNS_NAME), "VPC DNS", 200)
    check(d.answered_by == DnsAnsweredBy.PRIVATE_DNS, f"VPC resolver: answered by {d.answered_by.value}")
    check(sorted(d.answers) == sorted(r.dns.answers), f"VPC resolver answers {d.answers}, resolve said {r.dns.answers}")


def main() -> int:
    base_url = os.environ.get("LINKPLANE_URL", "http://127.0.0.1:8080")
    admin_token = os.environ.get("LINKPLANE_ADMIN_TOKEN")
    if not admin_token:
        print("story: set LINKPLANE_ADMIN_TOKEN (and LINKPLANE_URL)", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        story(base_url, admin_token)
    except StoryFailed as e:
        print(f"story: FAILED at step {_step}: {e}", file=sys.stderr)
        return 1
    print(f"story: all {_step} steps passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
