//! EC2's prefix list actions over `service::catalog`'s AWS-managed prefix
//! lists (those REST's `/v1/prefix-lists` gives): `DescribePrefixLists`,
//! and the same lists as AWS-managed `ManagedPrefixList`s.

use super::{invalid_filter, response};
use crate::aws::Call;
use crate::aws::xml::Xml;
use crate::error::{Error, Result};
use crate::service::catalog::{self, ListPrefixLists, PrefixList};

/// The version of every AWS-managed list linkplane serves: its entries are
/// compiled in and never change while it runs.
const VERSION: i64 = 1;

/// The owner AWS names for its own lists.
const AWS_OWNER: &str = "AWS";

/// `PrefixListId.N`, the id and name filters and the page, for both Describes.
fn query(c: &mut Call, max: i64, owner_filter: bool) -> Result<ListPrefixLists> {
    let prefix_list_ids = c.params.list("PrefixListId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 1..=max)?;
    let next_token = c.params.take("NextToken");
    let mut q = ListPrefixLists {
        region: c.region.clone(),
        prefix_list_ids,
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    for f in &filters {
        match f.name.as_str() {
            "prefix-list-id" => q.id_in = Some(f.values.clone()),
            "prefix-list-name" => q.name_in = Some(f.values.clone()),
            // Every list served is AWS's: another owner matches none.
            "owner-id" if owner_filter => {
                if !f.values.iter().any(|v| v == AWS_OWNER) {
                    q.id_in = Some(Vec::new());
                }
            }
            n => return Err(invalid_filter(n)),
        }
    }
    Ok(q)
}

pub(super) async fn describe_prefix_lists(mut c: Call) -> Result<String> {
    let q = query(&mut c, 1000, false)?;
    c.ready()?;
    let (lists, next) = catalog::list_prefix_lists(q)?;
    let mut x = response(&c);
    x.items("prefixListSet", &lists, |x, p| {
        x.open("cidrSet");
        for cidr in &p.cidrs {
            x.text("item", cidr);
        }
        x.close();
        x.text("prefixListId", &p.prefix_list_id)
            .text("prefixListName", &p.prefix_list_name);
    });
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

/// An AWS-managed list as EC2 writes a `ManagedPrefixList`.
fn write_managed(x: &mut Xml, p: &PrefixList) {
    x.text("prefixListId", &p.prefix_list_id)
        .text("addressFamily", "IPv4")
        .text("state", "create-complete")
        .text(
            "prefixListArn",
            &format!(
                "arn:aws:ec2:{}:aws:prefix-list/{}",
                p.region, p.prefix_list_id
            ),
        )
        .text("prefixListName", &p.prefix_list_name)
        .text("version", &VERSION.to_string());
    x.open("tagSet").close();
    x.text("ownerId", AWS_OWNER);
}

pub(super) async fn describe_managed_prefix_lists(mut c: Call) -> Result<String> {
    let q = query(&mut c, 100, true)?;
    c.ready()?;
    let (lists, next) = catalog::list_prefix_lists(q)?;
    let mut x = response(&c);
    x.items("prefixListSet", &lists, write_managed);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn get_managed_prefix_list_entries(mut c: Call) -> Result<String> {
    let id = c.params.required("PrefixListId")?;
    let target = c.params.int("TargetVersion", 1..=i64::MAX)?;
    let max_results = c.params.int("MaxResults", 1..=100)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    if let Some(v) = target
        && v != VERSION
    {
        // The list exists (or its NotFound comes first) but not at that version.
        catalog::prefix_list(&c.region, &id)?;
        return Err(Error::invalid_value(format!(
            "Value ({v}) for parameter TargetVersion is invalid: prefix list {id} is at version {VERSION}"
        )));
    }
    let (cidrs, next) = catalog::prefix_list_entries(
        &c.region,
        &id,
        max_results.map(|n| n as u32),
        next_token.as_deref(),
    )?;
    let mut x = response(&c);
    x.items("entrySet", &cidrs, |x, cidr| {
        x.text("cidr", cidr);
    });
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}
