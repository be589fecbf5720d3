"""Schemathesis hooks for scripts/ci-fuzz.sh: which findings are not findings.

Every check runs (`--checks all`); this file drops, through schemathesis's
`filter_failure` hook, the few failures that are not the server's fault or
are known and being fixed elsewhere. Each rule says why. Dropped failures are
counted in the run's summary ("dropped by filter_failure").

The main rule is about 400s. schemathesis's `positive_data_acceptance` fails
when a request the OpenAPI document calls valid is refused; linkplane answers
400 both for input its schema should have ruled out (a missing bound or
pattern: a real finding) and for input no schema can rule out (an id named in
the body that does not exist, as AWS answers it). The problem's AWS-style
`code`, and for a few generic codes its `detail`, tells them apart: a 400 is
dropped only when it says the refusal depends on the state of the world, or on
a rule between fields that the field descriptions state and JSON Schema (as a
generated client uses it) cannot.
"""

import atexit
import collections
import os
import re
import threading

import schemathesis

# 400 codes that always mean "the world is not as this request assumes".
# The shape-level codes (InvalidParameterValue, InvalidParameter,
# InvalidParameterCombination, MissingParameter, *.Malformed, ValidationError)
# are never here; their state-dependent uses are listed one by one below.
STATE_CODES = re.compile(
    r"""^(
        .+\.NotFound                      # an id or name in the body that does not exist
      | LoadBalancerNotFound | TargetGroupNotFound
      | InvalidServiceName                # no such service, or the caller may not use it
      | InvalidVpcEndpointType            # the service does not offer this endpoint type
      | IncorrectState | InvalidStateTransition
      | Gateway\.NotAttached
      | CannotDelete                      # a default resource that goes with its VPC
      | .+LimitExceeded                   # a quota is used up
      | DuplicateSubnetsInSameZone        # two of the named subnets share a zone
      | InvalidIPAddress\.InUse
      | InvalidNextToken                  # a token this list did not issue (tokens are opaque)
      | InvalidPolicyDocument             # a policy is JSON with its own grammar, not a pattern
      | NoSuchHostedZone                  # no public zone of the caller holds the record's name
    )$""",
    re.VERBOSE,
)

# Refusals with a generic code that depend on state, on the server's
# configuration, or on a rule between fields. (code, detail pattern, why).
STATE_REFUSALS = [
    # -- the state of the world --------------------------------------------
    ("InvalidSubnet.Range", r"must lie within the VPC's CIDR block", "the subnet block is outside its VPC's"),
    ("InvalidParameterValue", r"belong to different networks|is in vpc-\S+, not (in )?vpc-|is in vpc-\S+, the target group in|not in this group's VPC|must be in one VPC", "resources of different VPCs"),
    ("InvalidParameter", r"belong to different networks", "resources of different VPCs"),
    ("InvalidParameterValue", r"attachments stay in one region|both must be in one region", "resources of different regions"),
    ("InvalidParameterValue", r"Subnets can currently only be created in the following availability zones", "a zone outside the VPC's region"),
    ("InvalidParameterCombination", r"^availability_zone \S+ is zone \S+ in this account, not ", "zone names map to zone ids per account"),
    ("InvalidParameterValue", r"does not fall within the subnet's address range|is reserved|in none of its subnets|is outside vpc-\S+: give availability_zone", "an address and the subnets it must be in"),
    ("InvalidParameterValue", r"overlap; overlapping VPCs cannot be peered", "the two VPCs' blocks"),
    ("InvalidParameterValue", r"is not attached to vpc-|has no attachment in vpc-|is \w+, not active|joins vpc-\S+ and vpc-\S+, not", "a route target's state"),
    ("InvalidParameterValue", r"equal to or more specific than one of this VPC's CIDR blocks", "a route destination inside the VPC"),
    ("InvalidParameterValue", r"is the main route table association of", "the main association goes with its VPC"),
    ("InvalidParameterValue", r"routes may target only gateway load balancer endpoints", "the endpoint's type"),
    ("InvalidParameterValue", r"is the service's own region and cannot be removed", "the service's region"),
    ("InvalidParameterValue", r"has no private DNS name to verify", "the service's private DNS name"),
    ("InvalidParameterValue", r"At least one supported IP address type is required", "removing the service's last type"),
    ("InvalidParameter", r"must keep at least one load balancer|is not a load balancer of|it takes only \w+ load balancers|is not supported for Gateway Load Balancer endpoint services", "the service's load balancers and type"),
    ("InvalidParameter", r"does not support cross-region access", "the service's supported regions"),
    ("InvalidParameterValue", r"^subnet-[0-9a-f]+ is listed twice$", "a subnet listed twice: one the endpoint already has, or two items seed.py bound to one id (lists are distinct by schema)"),
    ("InvalidParameter", r"does not apply to [a-z ]+ endpoints|is not a (route table|subnet) of vpce-|must keep at least one (subnet|security group)", "the endpoint's type and parts"),
    ("InvalidParameterValue", r"^items\[\d+\]\.zones: \d+ is not between 1 and the Region's", "the Region's number of zones"),
    ("ValidationError", r"is not supported by (network|gateway) load balancers|target group port must be", "the load balancer's kind"),
    ("ValidationError", r"listener needs a protocol and a port|listener takes no protocol and no port|listener cannot forward to a target group of protocol", "the load balancer's kind and the group's protocol"),
    ("InvalidParameterValue", r"is not a topic of this account|is not a topic of the service.s region", "a notification topic that does not exist (there)"),
    # -- the deployment -----------------------------------------------------
    ("InvalidParameterValue", r"is not among LINKPLANE_WEBHOOK_ALLOWED_HOSTS", "ci-fuzz.sh lets webhooks reach loopback only"),
    # -- rules between fields, stated in the fields' descriptions ------------
    ("InvalidParameterCombination", r"exactly one|either network_interface_id, or subnet_id and ip|not both|cannot be given together", "exactly one of several fields"),
    ("InvalidParameter", r"exactly one of network_load_balancer_arns or gateway_load_balancer_arns", "exactly one of several fields"),
    ("MissingParameter", r"^webhook_url or connection_notification_arn: a notification delivers to one of them|^a (route|rule) needs a|needs transit_gateway_attachment_id or blackhole|The request must contain the parameter (fromPort|toPort) when the protocol is", "a field another field requires"),
    ("MissingParameter", r"endpoints need at least one subnet", "a field the endpoint type requires"),
    ("InvalidParameter", r"endpoints take (route_table_ids|subnets)|have no private DNS|do not take a policy document|takes exactly one subnet", "fields the endpoint type rules out"),
    ("InvalidParameterValue", r"Ports must be between 0 and 65535|must be between -1 and 255|Ports cannot be given when the protocol is -1|must not be greater than toPort", "ports by protocol"),
    ("ValidationError", r"geneve target groups must use port 6081", "ports by protocol"),
    ("InvalidParameterValue", r"a VPC cannot be peered with itself", "two fields that must differ"),
    ("InvalidParameterValue", r"needs dualstack load balancers", "the load balancers' IP address type"),
    ("InvalidParameterValue", r"^name: amazonaws.com belongs to AWS", "a zone under amazonaws.com (the description says so; the pattern leaves it out to stay cheap)"),
    ("InvalidParameterValue", r"^value: |^name: an NS record delegates a name below|^name: '[^']*' is not in the zone", "a public DNS record's value by its type (TXT text, A address, NS host), NS below the apex, the name inside zone_name"),
    ("InvalidParameterValue", r"DNS hostnames can be enabled only with DNS support", "two fields that go together"),
    ("InvalidParameterValue", r"a gateway load balancer endpoint is in exactly one", "zones by endpoint kind"),
    ("InvalidParameterValue", r"is a prefix list id; use destination_prefix_list_id", "which field holds a prefix list"),
]


def problem(response):
    try:
        body = response.json()
    except Exception:
        return None, None
    if not isinstance(body, dict):
        return None, None
    return body.get("code"), body.get("detail") or ""


def refused_for_state(response):
    """The reason a 400 is a refusal of state, or None."""
    if response.status_code != 400:
        return None
    code, detail = problem(response)
    if code is None:
        return None
    if STATE_CODES.match(code):
        return code
    for c, pattern, why in STATE_REFUSALS:
        if c == code and re.search(pattern, detail):
            return f"{code}: {why}"
    return None


# What was dropped, by operation and reason: written to $FUZZ_DROPPED (if
# set) when the run ends, so a reviewer can see what the rules let through.
DROPPED = collections.Counter()
LOCK = threading.Lock()


def dropped(case, reason):
    with LOCK:
        DROPPED[(case.operation.label, reason)] += 1
    return False


@atexit.register
def write_dropped():
    path = os.environ.get("FUZZ_DROPPED")
    if not path:
        return
    with open(path, "w") as f:
        for (label, reason), n in sorted(DROPPED.items()):
            f.write(f"{n:6d}  {label}  {reason}\n")


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keeps a failure unless a rule above says it is not the server's fault."""
    kind = type(failure).__name__
    if kind == "RejectedPositiveData":
        reason = refused_for_state(response)
        if reason:
            return dropped(case, reason)
    return True
