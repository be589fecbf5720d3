use std::collections::BTreeSet;
use std::fmt;

use super::cidr::netmask;
use super::*;
use crate::error::{CoreError, ErrorKind};
use proptest::prelude::*;

fn ip(s: &str) -> u32 {
    parse_ipv4(s).unwrap()
}

fn cidr(s: &str) -> Ipv4Cidr {
    Ipv4Cidr::parse(s).unwrap()
}

fn range(a: &str, b: &str) -> FreeRange {
    FreeRange {
        start: ip(a),
        end: ip(b),
    }
}

#[track_caller]
fn assert_err<T: fmt::Debug>(r: Result<T, CoreError>, kind: ErrorKind, code: &str, needle: &str) {
    let e = r.unwrap_err();
    assert_eq!(e.kind, kind, "{e}");
    assert_eq!(e.code, code, "{e}");
    assert!(
        e.message.contains(needle),
        "{e:?} should mention {needle:?}"
    );
}

#[test]
fn parses_and_formats_addresses() {
    let ok = [
        ("0.0.0.0", 0u32),
        ("10.0.1.25", 0x0A00_0119),
        ("255.255.255.255", u32::MAX),
        ("192.168.0.1", 0xC0A8_0001),
    ];
    for (s, v) in ok {
        assert_eq!(parse_ipv4(s).unwrap(), v, "{s}");
        assert_eq!(format_ipv4(v), s);
    }
    let bad = [
        "",
        "10.0.0",
        "10.0.0.0.0",
        "256.0.0.1",
        "10.0.0.010",
        "10.0.0.00",
        "+1.0.0.0",
        "-1.0.0.0",
        " 10.0.0.1",
        "10.0.0.1 ",
        "10..0.1",
        "10.0.0.",
        "a.b.c.d",
        "1000.0.0.1",
        "10.0.0.1/32",
        "0x0A.0.0.1",
        "١٠.0.0.1",
    ];
    for s in bad {
        let e = parse_ipv4(s).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue", "{s}");
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert!(e.message.contains(&format!("({s})")), "{e}");
    }
}

#[test]
fn parses_cidr_blocks() {
    let ok = [
        (
            "10.0.0.0/16",
            0x0A00_0000u32,
            16u8,
            0x0A00_FFFFu32,
            65_536u64,
        ),
        ("0.0.0.0/0", 0, 0, u32::MAX, 1 << 32),
        ("10.0.1.7/32", 0x0A00_0107, 32, 0x0A00_0107, 1),
        ("192.168.10.16/28", 0xC0A8_0A10, 28, 0xC0A8_0A1F, 16),
        ("255.255.255.255/32", u32::MAX, 32, u32::MAX, 1),
        ("128.0.0.0/1", 0x8000_0000, 1, u32::MAX, 1 << 31),
    ];
    for (s, net, len, last, size) in ok {
        let c = Ipv4Cidr::parse(s).unwrap();
        assert_eq!(c.network(), net, "{s}");
        assert_eq!(c.first(), net, "{s}");
        assert_eq!(c.prefix_len(), len, "{s}");
        assert_eq!(c.last(), last, "{s}");
        assert_eq!(c.size(), size, "{s}");
        assert_eq!(c.to_string(), s);
        assert_eq!(s.parse::<Ipv4Cidr>().unwrap(), c);
    }
}

#[test]
fn rejects_malformed_cidr_blocks() {
    let bad = [
        "10.0.0.0/33",
        "256.0.0.0/16",
        "10.0.0.0",
        "10.0.0/16",
        "10.0.0.0/",
        "/16",
        "10.0.0.0/016",
        "10.0.0.0/+16",
        "10.0.0.0/-1",
        "010.0.0.0/16",
        "10.0.0.0 /16",
        "10.0.0.0/ 16",
        "10.0.0.0/16/16",
        "10.0.0.0/100",
        "",
    ];
    for s in bad {
        assert_err(
            Ipv4Cidr::parse(s),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            &format!(
                "Value ({s}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
            ),
        );
    }
}

#[test]
fn rejects_host_bits_and_suggests_the_network() {
    let cases = [
        ("10.0.0.1/16", "10.0.0.0/16"),
        ("10.0.1.0/16", "10.0.0.0/16"),
        ("10.0.1.17/28", "10.0.1.16/28"),
        ("1.0.0.0/0", "0.0.0.0/0"),
    ];
    for (s, suggestion) in cases {
        let e = Ipv4Cidr::parse(s).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
        assert!(e.message.contains("not a network address"), "{e}");
        assert!(
            e.message.contains(&format!("Did you mean {suggestion}?")),
            "{e}"
        );
        assert!(e.message.contains(&format!("Value ({s})")), "{e}");
    }
}

#[test]
fn parse_param_names_the_parameter() {
    assert_err(
        Ipv4Cidr::parse_param("destinationCidrBlock", "nope"),
        ErrorKind::Invalid,
        "InvalidParameterValue",
        "Value (nope) for parameter destinationCidrBlock is invalid.",
    );
}

#[test]
fn new_checks_length_and_host_bits() {
    assert_eq!(
        Ipv4Cidr::new(ip("10.0.0.0"), 16).unwrap(),
        cidr("10.0.0.0/16")
    );
    assert_eq!(Ipv4Cidr::new(0, 0).unwrap(), cidr("0.0.0.0/0"));
    assert_eq!(
        Ipv4Cidr::new(u32::MAX, 32).unwrap(),
        cidr("255.255.255.255/32")
    );
    assert_err(
        Ipv4Cidr::new(ip("10.0.0.0"), 33),
        ErrorKind::Invalid,
        "InvalidParameterValue",
        "/33",
    );
    assert_err(
        Ipv4Cidr::new(ip("10.0.0.1"), 16),
        ErrorKind::Invalid,
        "InvalidParameterValue",
        "Did you mean 10.0.0.0/16?",
    );
}

#[test]
fn containment_and_overlap() {
    // (a, b, a contains b, overlaps)
    let cases = [
        ("10.0.0.0/16", "10.0.1.0/24", true, true),
        ("10.0.1.0/24", "10.0.0.0/16", false, true),
        ("10.0.0.0/16", "10.0.0.0/16", true, true),
        ("10.0.0.0/24", "10.0.1.0/24", false, false),
        ("10.0.0.0/23", "10.0.1.0/24", true, true),
        ("0.0.0.0/0", "255.255.255.255/32", true, true),
        ("10.0.0.0/16", "10.1.0.0/16", false, false),
        ("10.0.255.255/32", "10.0.0.0/16", false, true),
    ];
    for (a, b, contains, overlaps) in cases {
        let (a, b) = (cidr(a), cidr(b));
        assert_eq!(a.contains(&b), contains, "{a} contains {b}");
        assert_eq!(a.overlaps(&b), overlaps, "{a} overlaps {b}");
        assert_eq!(b.overlaps(&a), overlaps, "{b} overlaps {a}");
    }
    let c = cidr("10.0.1.0/24");
    assert!(c.contains_addr(ip("10.0.1.0")));
    assert!(c.contains_addr(ip("10.0.1.255")));
    assert!(!c.contains_addr(ip("10.0.2.0")));
    assert!(!c.contains_addr(ip("10.0.0.255")));
    assert!(cidr("0.0.0.0/0").contains_addr(u32::MAX));
}

#[test]
fn cidr_serde_is_its_text() {
    let c = cidr("10.0.1.0/24");
    assert_eq!(serde_json::to_string(&c).unwrap(), "\"10.0.1.0/24\"");
    let back: Ipv4Cidr = serde_json::from_str("\"10.0.1.0/24\"").unwrap();
    assert_eq!(back, c);
    assert!(serde_json::from_str::<Ipv4Cidr>("\"10.0.1.1/24\"").is_err());
}

#[test]
fn validates_vpc_cidrs() {
    for s in [
        "10.0.0.0/16",
        "10.0.0.0/28",
        "172.31.0.0/16",
        "192.168.4.0/22",
    ] {
        assert_eq!(validate_vpc_cidr(s).unwrap().to_string(), s);
    }
    for s in [
        "10.0.0.0/8",
        "10.0.0.0/29",
        "10.0.0.0/15",
        "10.0.0.0/32",
        "0.0.0.0/0",
    ] {
        assert_err(
            validate_vpc_cidr(s),
            ErrorKind::Invalid,
            "InvalidVpc.Range",
            &format!("The CIDR '{s}' is invalid."),
        );
    }
    assert_err(
        validate_vpc_cidr("10.0.0.1/16"),
        ErrorKind::Invalid,
        "InvalidParameterValue",
        "10.0.0.0/16",
    );
    assert_err(
        validate_vpc_cidr("10.0.0.0/33"),
        ErrorKind::Invalid,
        "InvalidParameterValue",
        "not a valid CIDR block",
    );
}

#[test]
fn validates_subnet_cidrs() {
    let vpc = cidr("10.0.0.0/16");
    let existing = [
        ("subnet-0aaaaaaaaaaaaaaaa", cidr("10.0.1.0/24")),
        ("subnet-0bbbbbbbbbbbbbbbb", cidr("10.0.2.0/24")),
    ];
    let ok = [
        "10.0.0.0/24",
        "10.0.3.0/28",
        "10.0.4.0/22",
        "10.0.255.240/28",
    ];
    for s in ok {
        assert_eq!(
            validate_subnet_cidr(&vpc, s, &existing)
                .unwrap()
                .to_string(),
            s
        );
    }
    assert_eq!(
        validate_subnet_cidr(&vpc, "10.0.0.0/16", &[]).unwrap(),
        vpc,
        "a subnet may span the whole VPC"
    );
    // (input, kind, code, message fragment)
    let bad = [
        (
            "10.1.0.0/24",
            ErrorKind::Invalid,
            "InvalidSubnet.Range",
            "The CIDR '10.1.0.0/24' is invalid. It must lie within the VPC's CIDR block 10.0.0.0/16.",
        ),
        (
            "10.0.3.0/29",
            ErrorKind::Invalid,
            "InvalidSubnet.Range",
            "The CIDR '10.0.3.0/29' is invalid.",
        ),
        (
            "10.0.0.0/15",
            ErrorKind::Invalid,
            "InvalidSubnet.Range",
            "/16 and /28",
        ),
        (
            "10.0.1.0/24",
            ErrorKind::Conflict,
            "InvalidSubnet.Conflict",
            "The CIDR '10.0.1.0/24' conflicts with another subnet (subnet-0aaaaaaaaaaaaaaaa)",
        ),
        (
            "10.0.2.128/25",
            ErrorKind::Conflict,
            "InvalidSubnet.Conflict",
            "(subnet-0bbbbbbbbbbbbbbbb)",
        ),
        (
            "10.0.0.0/22",
            ErrorKind::Conflict,
            "InvalidSubnet.Conflict",
            "(subnet-0aaaaaaaaaaaaaaaa)",
        ),
        (
            "10.0.3.1/24",
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "Did you mean 10.0.3.0/24?",
        ),
        (
            "10.0.3/24",
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "not a valid CIDR block",
        ),
    ];
    for (s, kind, code, needle) in bad {
        assert_err(validate_subnet_cidr(&vpc, s, &existing), kind, code, needle);
    }
    let small_vpc = cidr("10.0.0.0/24");
    assert_err(
        validate_subnet_cidr(&small_vpc, "10.0.0.0/16", &[]),
        ErrorKind::Invalid,
        "InvalidSubnet.Range",
        "within the VPC's CIDR block 10.0.0.0/24",
    );
}

#[test]
fn reserved_addresses() {
    let s = cidr("10.0.1.0/24");
    let cases = [
        ("10.0.1.0", true),
        ("10.0.1.1", true),
        ("10.0.1.2", true),
        ("10.0.1.3", true),
        ("10.0.1.4", false),
        ("10.0.1.100", false),
        ("10.0.1.254", false),
        ("10.0.1.255", true),
        ("10.0.2.0", false),
        ("10.0.0.255", false),
    ];
    for (a, reserved) in cases {
        assert_eq!(is_reserved(&s, ip(a)), reserved, "{a}");
    }
}

#[test]
fn usable_ranges_and_counts() {
    // (block, usable range, count)
    let cases = [
        ("10.0.1.0/24", Some(("10.0.1.4", "10.0.1.254")), 251u64),
        ("10.0.0.0/16", Some(("10.0.0.4", "10.0.255.254")), 65_531),
        ("10.0.0.16/28", Some(("10.0.0.20", "10.0.0.30")), 11),
        ("10.0.0.8/29", Some(("10.0.0.12", "10.0.0.14")), 3),
        ("10.0.0.4/30", None, 0),
        ("10.0.0.7/32", None, 0),
        (
            "0.0.0.0/0",
            Some(("0.0.0.4", "255.255.255.254")),
            (1u64 << 32) - 5,
        ),
    ];
    for (c, range, count) in cases {
        let c = cidr(c);
        assert_eq!(usable_range(&c), range.map(|(a, b)| (ip(a), ip(b))), "{c}");
        assert_eq!(usable_count(&c), count, "{c}");
        let initial = initial_free_ranges(&c);
        assert_eq!(
            initial.iter().map(FreeRange::len).sum::<u64>(),
            count,
            "{c}"
        );
        assert_eq!(initial.len(), usize::from(count > 0));
    }
}

#[test]
fn checks_requested_ips() {
    let s = cidr("10.0.1.0/24");
    let cases = [
        ("10.0.1.4", None),
        ("10.0.1.254", None),
        (
            "10.1.0.5",
            Some("Address 10.1.0.5 does not fall within the subnet's address range"),
        ),
        (
            "10.0.1.1",
            Some("Address 10.0.1.1 is in subnet's reserved address range"),
        ),
        (
            "10.0.1.0",
            Some("Address 10.0.1.0 is in subnet's reserved address range"),
        ),
        (
            "10.0.1.3",
            Some("Address 10.0.1.3 is in subnet's reserved address range"),
        ),
        (
            "10.0.1.255",
            Some("Address 10.0.1.255 is in subnet's reserved address range"),
        ),
    ];
    for (a, err) in cases {
        match err {
            None => check_requested_ip(&s, ip(a)).unwrap(),
            Some(msg) => {
                let e = check_requested_ip(&s, ip(a)).unwrap_err();
                assert_eq!(e.code, "InvalidParameterValue");
                assert_eq!(e.message, msg);
            }
        }
    }
}

#[test]
fn take_lowest_edits() {
    let r = range("10.0.1.4", "10.0.1.254");
    assert_eq!(
        take_lowest(Some(r)).unwrap(),
        (
            ip("10.0.1.4"),
            vec![
                RangeEdit::Remove {
                    start: ip("10.0.1.4")
                },
                RangeEdit::Insert(range("10.0.1.5", "10.0.1.254")),
            ]
        )
    );
    let single = range("10.0.1.9", "10.0.1.9");
    assert_eq!(
        take_lowest(Some(single)).unwrap(),
        (
            ip("10.0.1.9"),
            vec![RangeEdit::Remove {
                start: ip("10.0.1.9")
            }]
        )
    );
    let e = take_lowest(None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert_eq!(e.code, "InsufficientFreeAddressesInSubnet");
    assert_eq!(
        e.message,
        "There are not enough free addresses in subnet to satisfy the requested number of instances."
    );
}

#[test]
fn take_address_edits() {
    let s = cidr("10.0.1.0/24");
    let r = range("10.0.1.4", "10.0.1.20");
    let remove = RangeEdit::Remove {
        start: ip("10.0.1.4"),
    };
    let cases = [
        (
            "10.0.1.4",
            vec![remove, RangeEdit::Insert(range("10.0.1.5", "10.0.1.20"))],
        ),
        (
            "10.0.1.20",
            vec![remove, RangeEdit::Insert(range("10.0.1.4", "10.0.1.19"))],
        ),
        (
            "10.0.1.10",
            vec![
                remove,
                RangeEdit::Insert(range("10.0.1.4", "10.0.1.9")),
                RangeEdit::Insert(range("10.0.1.11", "10.0.1.20")),
            ],
        ),
    ];
    for (a, edits) in cases {
        assert_eq!(take_address(&s, ip(a), Some(r)).unwrap(), edits, "{a}");
    }
    let one = range("10.0.1.30", "10.0.1.30");
    assert_eq!(
        take_address(&s, ip("10.0.1.30"), Some(one)).unwrap(),
        vec![RangeEdit::Remove {
            start: ip("10.0.1.30")
        }]
    );
    // Not covered by the containing range, or no range at all: in use.
    for containing in [Some(r), None] {
        assert_err(
            take_address(&s, ip("10.0.1.21"), containing),
            ErrorKind::Conflict,
            "InvalidIPAddress.InUse",
            "Address 10.0.1.21 is in use.",
        );
    }
    // The subnet checks come first.
    assert_err(
        take_address(&s, ip("10.0.1.1"), None),
        ErrorKind::Invalid,
        "InvalidParameterValue",
        "reserved",
    );
    assert_err(
        take_address(&s, ip("10.1.0.5"), None),
        ErrorKind::Invalid,
        "InvalidParameterValue",
        "does not fall within",
    );
}

#[test]
fn release_edits() {
    let a = ip("10.0.1.10");
    let b = range("10.0.1.4", "10.0.1.9");
    let b_far = range("10.0.1.4", "10.0.1.7");
    let n = range("10.0.1.11", "10.0.1.20");
    let n_far = range("10.0.1.13", "10.0.1.20");
    let cases = [
        (
            Some(b),
            Some(n),
            vec![
                RangeEdit::Remove { start: b.start },
                RangeEdit::Remove { start: n.start },
                RangeEdit::Insert(range("10.0.1.4", "10.0.1.20")),
            ],
        ),
        (
            Some(b),
            Some(n_far),
            vec![
                RangeEdit::Remove { start: b.start },
                RangeEdit::Insert(range("10.0.1.4", "10.0.1.10")),
            ],
        ),
        (
            Some(b),
            None,
            vec![
                RangeEdit::Remove { start: b.start },
                RangeEdit::Insert(range("10.0.1.4", "10.0.1.10")),
            ],
        ),
        (
            Some(b_far),
            Some(n),
            vec![
                RangeEdit::Remove { start: n.start },
                RangeEdit::Insert(range("10.0.1.10", "10.0.1.20")),
            ],
        ),
        (
            None,
            Some(n),
            vec![
                RangeEdit::Remove { start: n.start },
                RangeEdit::Insert(range("10.0.1.10", "10.0.1.20")),
            ],
        ),
        (
            Some(b_far),
            Some(n_far),
            vec![RangeEdit::Insert(range("10.0.1.10", "10.0.1.10"))],
        ),
        (
            None,
            None,
            vec![RangeEdit::Insert(range("10.0.1.10", "10.0.1.10"))],
        ),
        // Already free: covered by `before` (idempotent).
        (Some(range("10.0.1.4", "10.0.1.10")), Some(n_far), vec![]),
        (Some(range("10.0.1.4", "10.0.1.30")), None, vec![]),
        // `before` given as the range starting at the address itself.
        (Some(range("10.0.1.10", "10.0.1.12")), None, vec![]),
    ];
    for (before, after, edits) in cases {
        assert_eq!(release(a, before, after), edits, "{before:?} {after:?}");
    }
}

#[test]
fn allocator_walkthrough() {
    let mut a = IpAllocator::new(cidr("10.0.1.0/28"));
    assert_eq!(a.subnet(), cidr("10.0.1.0/28"));
    assert_eq!(a.available(), 11);
    assert_eq!(a.free_ranges(), vec![range("10.0.1.4", "10.0.1.14")]);
    assert_eq!(a.allocate().unwrap(), ip("10.0.1.4"));
    assert_eq!(a.allocate().unwrap(), ip("10.0.1.5"));
    a.allocate_specific(ip("10.0.1.9")).unwrap();
    assert!(!a.is_free(ip("10.0.1.9")));
    assert!(a.is_free(ip("10.0.1.8")));
    assert_err(
        a.allocate_specific(ip("10.0.1.9")),
        ErrorKind::Conflict,
        "InvalidIPAddress.InUse",
        "Address 10.0.1.9 is in use.",
    );
    assert_err(
        a.allocate_specific(ip("10.0.1.15")),
        ErrorKind::Invalid,
        "InvalidParameterValue",
        "reserved",
    );
    assert_eq!(a.available(), 8);
    assert_eq!(
        a.free_ranges(),
        vec![
            range("10.0.1.6", "10.0.1.8"),
            range("10.0.1.10", "10.0.1.14")
        ]
    );
    a.release(ip("10.0.1.4"));
    a.release(ip("10.0.1.4"));
    a.release(ip("10.0.1.1")); // reserved: no-op
    a.release(ip("10.2.0.9")); // outside: no-op
    assert_eq!(a.available(), 9);
    assert_eq!(
        a.free_ranges(),
        vec![
            range("10.0.1.4", "10.0.1.4"),
            range("10.0.1.6", "10.0.1.8"),
            range("10.0.1.10", "10.0.1.14")
        ]
    );
    a.release(ip("10.0.1.9"));
    a.release(ip("10.0.1.5"));
    assert_eq!(a.free_ranges(), vec![range("10.0.1.4", "10.0.1.14")]);
    for _ in 0..11 {
        a.allocate().unwrap();
    }
    assert_eq!(a.available(), 0);
    assert!(a.free_ranges().is_empty());
    assert_err(
        a.allocate(),
        ErrorKind::Conflict,
        "InsufficientFreeAddressesInSubnet",
        "not enough free addresses",
    );
}

#[test]
fn allocator_from_free_ranges() {
    let s = cidr("10.0.1.0/24");
    let a = IpAllocator::from_free_ranges(
        s,
        &[
            range("10.0.1.20", "10.0.1.30"),
            range("10.0.1.4", "10.0.1.9"),
            range("10.0.1.10", "10.0.1.12"),
        ],
    )
    .unwrap();
    assert_eq!(
        a.free_ranges(),
        vec![
            range("10.0.1.4", "10.0.1.12"),
            range("10.0.1.20", "10.0.1.30")
        ]
    );
    assert_eq!(a.available(), 9 + 11);
    assert!(
        IpAllocator::from_free_ranges(s, &[])
            .unwrap()
            .free_ranges()
            .is_empty()
    );
    let bad: [&[FreeRange]; 4] = [
        &[range("10.0.1.3", "10.0.1.9")],
        &[range("10.0.1.9", "10.0.1.255")],
        &[range("10.0.1.9", "10.0.1.5")],
        &[
            range("10.0.1.4", "10.0.1.9"),
            range("10.0.1.9", "10.0.1.12"),
        ],
    ];
    for ranges in bad {
        assert_eq!(
            IpAllocator::from_free_ranges(s, ranges).unwrap_err().code,
            "InvalidParameterValue",
            "{ranges:?}"
        );
    }
}

#[test]
fn parses_route_destinations() {
    let ok = [
        ("10.0.0.0/16", RouteDestination::Cidr(cidr("10.0.0.0/16"))),
        ("0.0.0.0/0", RouteDestination::Cidr(cidr("0.0.0.0/0"))),
        (
            "pl-63a5400a",
            RouteDestination::PrefixList("pl-63a5400a".into()),
        ),
        (
            "pl-0123456789abcdef0",
            RouteDestination::PrefixList("pl-0123456789abcdef0".into()),
        ),
    ];
    for (s, d) in ok {
        let parsed = parse_route_destination(s).unwrap();
        assert_eq!(parsed, d);
        assert_eq!(parsed.as_string(), s);
        assert_eq!(parsed.to_string(), s);
    }
    for s in [
        "pl-",
        "pl-63A5400A",
        "pl-63a5400",
        "pl-63a5400a0",
        "pl-xyzxyzxy",
        "pl-0123456789abcdef",
    ] {
        assert_err(
            parse_route_destination(s),
            ErrorKind::Invalid,
            "InvalidPrefixListId.Malformed",
            &format!("'{s}'"),
        );
    }
    for s in ["10.0.0.1/16", "10.0.0.0", "PL-63a5400a", "garbage"] {
        assert_err(
            parse_route_destination(s),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            &format!("Value ({s}) for parameter destinationCidrBlock is invalid."),
        );
    }
}

#[test]
fn parses_protocols() {
    let ok = [
        ("tcp", Protocol::Tcp),
        ("6", Protocol::Tcp),
        ("TCP", Protocol::Tcp),
        ("udp", Protocol::Udp),
        ("17", Protocol::Udp),
        ("icmp", Protocol::Icmp),
        ("1", Protocol::Icmp),
        ("all", Protocol::All),
        ("-1", Protocol::All),
    ];
    for (s, p) in ok {
        assert_eq!(Protocol::parse(s).unwrap(), p, "{s}");
        assert_eq!(Protocol::parse(p.as_str()).unwrap(), p);
    }
    assert_eq!(Protocol::All.as_str(), "-1");
    assert_eq!(Protocol::Tcp.to_string(), "tcp");
    for s in ["", "gre", "47", "58", "icmpv6", "06", " tcp", "-2"] {
        assert_err(
            Protocol::parse(s),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            &format!("Invalid value '{s}' for IP protocol"),
        );
    }
}

#[test]
fn normalises_rule_ports() {
    use Protocol::*;
    let ok = [
        (Tcp, Some(22), Some(22), (22, 22)),
        (Tcp, Some(0), Some(65535), (0, 65535)),
        (Udp, Some(53), Some(53), (53, 53)),
        (Udp, Some(1000), Some(2000), (1000, 2000)),
        (Icmp, None, None, (-1, -1)),
        (Icmp, Some(8), None, (8, -1)),
        (Icmp, Some(3), Some(4), (3, 4)),
        (Icmp, Some(255), Some(255), (255, 255)),
        (All, None, None, (-1, -1)),
        (All, Some(-1), Some(-1), (-1, -1)),
        (All, Some(-1), None, (-1, -1)),
    ];
    for (p, from, to, want) in ok {
        assert_eq!(
            rule_ports(p, from, to).unwrap(),
            want,
            "{p} {from:?} {to:?}"
        );
    }
    let bad = [
        (Tcp, None, Some(22), "MissingParameter", "fromPort"),
        (Tcp, Some(22), None, "MissingParameter", "toPort"),
        (
            Udp,
            None,
            None,
            "MissingParameter",
            "fromPort when the protocol is udp",
        ),
        (
            Tcp,
            Some(-1),
            Some(22),
            "InvalidParameterValue",
            "'-1' for fromPort",
        ),
        (
            Tcp,
            Some(22),
            Some(65536),
            "InvalidParameterValue",
            "'65536' for toPort",
        ),
        (
            Udp,
            Some(443),
            Some(80),
            "InvalidParameterValue",
            "fromPort (443) must not be greater than toPort (80)",
        ),
        (
            Icmp,
            Some(256),
            None,
            "InvalidParameterValue",
            "'256' for ICMP type",
        ),
        (
            Icmp,
            Some(3),
            Some(-2),
            "InvalidParameterValue",
            "'-2' for ICMP code",
        ),
        (
            All,
            Some(80),
            None,
            "InvalidParameterValue",
            "'80' for fromPort",
        ),
        (
            All,
            None,
            Some(0),
            "InvalidParameterValue",
            "'0' for toPort",
        ),
    ];
    for (p, from, to, code, needle) in bad {
        assert_err(rule_ports(p, from, to), ErrorKind::Invalid, code, needle);
    }
}

#[test]
fn rule_admission() {
    use Protocol::*;
    // (rule protocol, from, to, traffic protocol, port, admitted)
    let cases = [
        (All, -1, -1, Tcp, 443, true),
        (All, -1, -1, Icmp, 8, true),
        (Tcp, 80, 443, Tcp, 80, true),
        (Tcp, 80, 443, Tcp, 443, true),
        (Tcp, 80, 443, Tcp, 300, true),
        (Tcp, 80, 443, Tcp, 79, false),
        (Tcp, 80, 443, Tcp, 444, false),
        (Tcp, 80, 443, Udp, 100, false),
        (Udp, 53, 53, Udp, 53, true),
        (Udp, 53, 53, Tcp, 53, false),
        (Icmp, -1, -1, Icmp, 8, true),
        (Icmp, 8, -1, Icmp, 8, true),
        (Icmp, 8, -1, Icmp, 0, false),
        (Icmp, -1, -1, Tcp, 8, false),
    ];
    for (rp, from, to, p, port, want) in cases {
        assert_eq!(
            rule_admits(rp, from, to, p, port),
            want,
            "{rp} {from}-{to} {p} {port}"
        );
    }
}

#[test]
fn one_subnet_per_zone_rule() {
    one_subnet_per_zone(&[]).unwrap();
    one_subnet_per_zone(&[("subnet-a", "use1-az1"), ("subnet-b", "use1-az2")]).unwrap();
    assert_err(
        one_subnet_per_zone(&[
            ("subnet-a", "use1-az1"),
            ("subnet-b", "use1-az2"),
            ("subnet-c", "use1-az1"),
        ]),
        ErrorKind::Invalid,
        "DuplicateSubnetsInSameZone",
        "Found another subnet in the availability zone of subnet-c (use1-az1)",
    );
    assert_err(
        one_subnet_per_zone(&[("subnet-a", "use1-az1"), ("subnet-a", "use1-az1")]),
        ErrorKind::Invalid,
        "InvalidParameterValue",
        "subnet-a is listed twice",
    );
}

#[test]
fn longest_prefix_match_cases() {
    let routes = [
        cidr("0.0.0.0/0"),
        cidr("10.0.0.0/16"),
        cidr("10.0.1.0/24"),
        cidr("10.0.1.0/24"),
        cidr("10.0.1.128/25"),
    ];
    let cases = [
        ("10.0.1.200", Some(4)),
        ("10.0.1.5", Some(2)),
        ("10.0.9.9", Some(1)),
        ("8.8.8.8", Some(0)),
    ];
    for (a, want) in cases {
        assert_eq!(longest_prefix_match(&routes, ip(a)), want, "{a}");
    }
    assert_eq!(longest_prefix_match(&routes[1..], ip("8.8.8.8")), None);
    assert_eq!(longest_prefix_match(&[], 0), None);
}

// ----- properties -----

#[derive(Debug, Clone)]
enum Op {
    Allocate,
    Specific(u32),
    Release(u32),
}

fn op() -> impl Strategy<Value = Op> {
    // Offsets are relative to 4 addresses below the subnet, reaching 4
    // past its end (the subnet is at most 64 addresses).
    prop_oneof![
        3 => Just(Op::Allocate),
        2 => (0u32..72).prop_map(Op::Specific),
        3 => (0u32..72).prop_map(Op::Release),
    ]
}

fn small_subnet() -> impl Strategy<Value = Ipv4Cidr> {
    (26u8..=28, any::<u16>()).prop_map(|(len, r)| {
        let base = 0x0A00_0000 | (u32::from(r) << 4);
        Ipv4Cidr::new(base & netmask(len), len).unwrap()
    })
}

/// Reference block membership over a brute-forced address, independent
/// of the masks the implementation uses.
fn ref_in(c: &Ipv4Cidr, a: u32) -> bool {
    let shift = 32 - u32::from(c.prefix_len());
    u64::from(a) >> shift == u64::from(c.network()) >> shift
}

fn block_in_20() -> impl Strategy<Value = Ipv4Cidr> {
    (20u8..=32, 0u32..0x1000)
        .prop_map(|(len, r)| Ipv4Cidr::new((0x0A00_0000 | r) & netmask(len), len).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn allocator_matches_reference(
        subnet in small_subnet(),
        ops in proptest::collection::vec(op(), 0..120),
    ) {
        let mut alloc = IpAllocator::new(subnet);
        let mut used: BTreeSet<u32> = BTreeSet::new();
        let usable = subnet.first() + 4..=subnet.last() - 1;
        let base = subnet.first() - 4;
        for op in ops {
            match op {
                Op::Allocate => {
                    let want = usable.clone().find(|a| !used.contains(a));
                    match (alloc.allocate(), want) {
                        (Ok(got), Some(want)) => {
                            prop_assert_eq!(got, want);
                            used.insert(got);
                        }
                        (Err(e), None) => {
                            prop_assert_eq!(e.code, "InsufficientFreeAddressesInSubnet");
                        }
                        (got, want) => prop_assert!(false, "allocate: {got:?} vs {want:?}"),
                    }
                }
                Op::Specific(off) => {
                    let a = base + off;
                    // outside the subnet, or one of its reserved addresses
                    let want = if !usable.contains(&a) {
                        Some("InvalidParameterValue")
                    } else if used.contains(&a) {
                        Some("InvalidIPAddress.InUse")
                    } else {
                        None
                    };
                    match (alloc.allocate_specific(a), want) {
                        (Ok(()), None) => {
                            used.insert(a);
                        }
                        (Err(e), Some(code)) => prop_assert_eq!(e.code, code),
                        (got, want) => prop_assert!(false, "specific {a}: {got:?} vs {want:?}"),
                    }
                }
                Op::Release(off) => {
                    let a = base + off;
                    alloc.release(a);
                    used.remove(&a);
                }
            }
            prop_assert_eq!(alloc.available(), usable_count(&subnet) - used.len() as u64);
            let ranges = alloc.free_ranges();
            for w in ranges.windows(2) {
                // sorted, disjoint and never adjacent
                prop_assert!(w[0].end + 1 < w[1].start, "{ranges:?}");
            }
            let mut free_total = 0u64;
            for r in &ranges {
                prop_assert!(r.start <= r.end);
                prop_assert!(usable.contains(&r.start) && usable.contains(&r.end), "{r:?}");
                prop_assert!(!is_reserved(&subnet, r.start) && !is_reserved(&subnet, r.end));
                free_total += r.len();
            }
            prop_assert_eq!(free_total, alloc.available());
            for a in usable.clone() {
                prop_assert_eq!(alloc.is_free(a), !used.contains(&a), "{}", format_ipv4(a));
            }
        }
    }

    #[test]
    fn overlaps_and_contains_match_brute_force(a in block_in_20(), b in block_in_20()) {
        let mut both = false;
        let mut b_in_a = true;
        for addr in 0x0A00_0000u32..0x0A00_1000 {
            prop_assert_eq!(a.contains_addr(addr), ref_in(&a, addr));
            let (in_a, in_b) = (ref_in(&a, addr), ref_in(&b, addr));
            both |= in_a && in_b;
            if in_b && !in_a {
                b_in_a = false;
            }
        }
        prop_assert_eq!(a.overlaps(&b), both);
        prop_assert_eq!(b.overlaps(&a), both);
        prop_assert_eq!(a.contains(&b), b_in_a);
    }

    #[test]
    fn longest_prefix_match_matches_brute_force(
        routes in proptest::collection::vec(
            (0u8..=32, 0u32..0x1000).prop_map(|(len, r)| {
                Ipv4Cidr::new((0x0A00_0000 | r) & netmask(len), len).unwrap()
            }),
            0..10,
        ),
        r in 0u32..0x2000,
    ) {
        let addr = 0x0A00_0000 | r;
        let mut want: Option<usize> = None;
        for (i, c) in routes.iter().enumerate() {
            if ref_in(c, addr) && want.is_none_or(|w| routes[w].prefix_len() < c.prefix_len()) {
                want = Some(i);
            }
        }
        prop_assert_eq!(longest_prefix_match(&routes, addr), want);
    }

    #[test]
    fn cidr_text_round_trips(addr in any::<u32>(), len in 0u8..=32) {
        let network = addr & netmask(len);
        let c = Ipv4Cidr::new(network, len).unwrap();
        prop_assert_eq!(Ipv4Cidr::parse(&c.to_string()).unwrap(), c);
        prop_assert_eq!(parse_ipv4(&format_ipv4(addr)).unwrap(), addr);
        let text = format!("{}/{len}", format_ipv4(addr));
        match Ipv4Cidr::parse(&text) {
            Ok(parsed) => prop_assert_eq!(parsed, c),
            Err(e) => {
                prop_assert!(addr != network);
                let suggestion = format!("Did you mean {c}?");
                prop_assert!(e.message.contains(&suggestion));
            }
        }
    }

    #[test]
    fn cidr_parse_accepts_only_canonical_text(s in "[0-9./+ -]{0,20}") {
        if let Ok(c) = Ipv4Cidr::parse(&s) {
            prop_assert_eq!(c.to_string(), s);
        }
    }
}

#[test]
fn user_routes_follow_aws_rules() {
    let vpc = Ipv4Cidr::parse("10.0.0.0/16").unwrap();
    let d = |s: &str| parse_route_destination(s).unwrap();
    let ok = |dest: &str, t| check_user_route(&vpc, &d(dest), t).is_ok();
    assert!(ok("0.0.0.0/0", RouteTarget::InternetGateway));
    assert!(ok("172.16.0.0/12", RouteTarget::PeeringConnection));
    assert!(ok("pl-63a5400a", RouteTarget::NatGateway));
    assert!(ok("10.0.1.0/24", RouteTarget::NetworkInterface));
    assert!(ok("10.0.1.0/24", RouteTarget::NatGateway));
    let err = |dest: &str, t| check_user_route(&vpc, &d(dest), t).unwrap_err().code;
    assert_eq!(
        err("10.0.1.0/24", RouteTarget::InternetGateway),
        "InvalidParameterValue"
    );
    assert_eq!(
        err("10.0.1.0/24", RouteTarget::TransitGateway),
        "InvalidParameterValue"
    );
    assert_eq!(
        err("10.0.0.0/16", RouteTarget::NetworkInterface),
        "RouteAlreadyExists"
    );
    assert_eq!(
        err("0.0.0.0/0", RouteTarget::Local),
        "InvalidParameterValue"
    );
    assert_eq!(
        err("pl-63a5400a", RouteTarget::GatewayEndpoint),
        "InvalidParameterValue"
    );
    assert_eq!(
        err("pl-63a5400a", RouteTarget::GatewayLoadBalancerEndpoint),
        "InvalidParameterValue"
    );
}
