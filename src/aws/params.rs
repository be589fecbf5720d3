//! The Query protocol's parameters: a flat map of names to values, from the
//! form body and the query string, with EC2's conventions for lists
//! (`VpcId.1`, `VpcId.2`) and structures (`Filter.1.Name`,
//! `Filter.1.Value.1`, `TagSpecification.1.Tag.1.Key`). Every parameter
//! read is marked used; [`Params::finish`] refuses the rest, as AWS answers
//! `UnknownParameter`.

use crate::error::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default, Clone)]
pub struct Params {
    map: BTreeMap<String, String>,
    used: BTreeSet<String>,
}

/// `Filter.N`: a name and the values any of which may match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

/// `TagSpecification.N`: the resource type the tags are for, and the tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSpecification {
    pub resource_type: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// The most members a list parameter (`X.N`) may have: AWS's own lists
/// are far shorter (filters 200, ids 1000), and a bound keeps one request's
/// parsing cost bounded.
pub const MAX_INDICES: usize = 1000;

impl Params {
    /// From name-value pairs in order; a name given twice keeps its first value.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            map.entry(k).or_insert(v);
        }
        Params {
            map,
            used: BTreeSet::new(),
        }
    }

    /// Refuses control characters in names and values, as the REST edge
    /// does (`linkplane_core::text::forbidden_char`: tab, CR and LF allowed
    /// in values), with `InvalidParameterValue` naming the parameter, so no
    /// such text reaches the domain or the database.
    pub fn check_text(&self) -> Result<()> {
        for (k, v) in &self.map {
            if linkplane_core::text::forbidden_char(k, false).is_some() {
                return Err(Error::invalid_value(
                    "A parameter name holds a control character",
                ));
            }
            if linkplane_core::text::forbidden_char(v, true).is_some() {
                return Err(Error::invalid_value(format!(
                    "Value for parameter {k} is invalid: it holds a control character"
                )));
            }
        }
        Ok(())
    }

    /// The value of `name` (marked used), if given.
    /// A parameter's value, leaving it to be read.
    pub fn peek(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }

    pub fn take(&mut self, name: &str) -> Option<String> {
        let v = self.map.get(name).cloned();
        if v.is_some() {
            self.used.insert(name.to_string());
        }
        v
    }

    /// The value of `name`, or `MissingParameter` naming it.
    pub fn required(&mut self, name: &str) -> Result<String> {
        self.take(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::missing(format!("The request must contain the parameter {name}")))
    }

    pub fn bool(&mut self, name: &str) -> Result<Option<bool>> {
        match self.take(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(Error::invalid_value(format!(
                "Value ({v}) for parameter {name} is invalid. Expected a boolean (true or false)"
            ))),
        }
    }

    /// An integer in `range`, else `InvalidParameterValue` naming the parameter.
    pub fn int(&mut self, name: &str, range: std::ops::RangeInclusive<i64>) -> Result<Option<i64>> {
        let Some(v) = self.take(name) else {
            return Ok(None);
        };
        match v.trim().parse::<i64>() {
            Ok(n) if range.contains(&n) => Ok(Some(n)),
            _ => Err(Error::invalid_value(format!(
                "Value ({v}) for parameter {name} is invalid. Expected an integer from {} to {}",
                range.start(),
                range.end()
            ))),
        }
    }

    /// The indices `N` of `prefix.N` and `prefix.N.*`, ascending; at most
    /// [`MAX_INDICES`] of them. Reads only the names under `prefix.` (a
    /// range of the sorted map), so nested lists cost what they hold.
    pub fn indices(&self, prefix: &str) -> Result<Vec<u32>> {
        let head = format!("{prefix}.");
        let mut out = BTreeSet::new();
        for k in self
            .map
            .range::<String, _>(&head..)
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(&head))
        {
            let Some(rest) = k.strip_prefix(&head) else {
                continue;
            };
            let n = rest.split('.').next().unwrap_or_default();
            match n.parse::<u32>() {
                Ok(i) if i >= 1 && !n.starts_with('0') => {
                    out.insert(i);
                    if out.len() > MAX_INDICES {
                        return Err(Error::invalid_value(format!(
                            "{prefix}.N takes at most {MAX_INDICES} members"
                        )));
                    }
                }
                _ => {
                    return Err(Error::invalid_value(format!(
                        "The parameter {k} is malformed: {prefix}.N needs N = 1, 2, ..."
                    )));
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    /// The indices `N` of `prefix.N` and `prefix.N.*`, ascending (for
    /// lists of structures a handler reads member by member).
    pub fn indices_of(&self, prefix: &str) -> Result<Vec<u32>> {
        self.indices(prefix)
    }

    /// A list of strings: `prefix.1`, `prefix.2`, ... in index order.
    pub fn list(&mut self, prefix: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for i in self.indices(prefix)? {
            let name = format!("{prefix}.{i}");
            match self.take(&name) {
                Some(v) => out.push(v),
                None => {
                    return Err(Error::invalid_value(format!(
                        "{name} is a list of strings; it has no members"
                    )));
                }
            }
        }
        Ok(out)
    }

    /// `Filter.N.Name` and `Filter.N.Value.M`.
    pub fn filters(&mut self) -> Result<Vec<Filter>> {
        let mut out = Vec::new();
        for i in self.indices("Filter")? {
            let name = self.required(&format!("Filter.{i}.Name"))?;
            let values = self.list(&format!("Filter.{i}.Value"))?;
            // A filter keeps what matches one of its values: none would be
            // a filter that keeps nothing or everything, by accident.
            if values.is_empty() {
                return Err(Error::invalid_value(format!(
                    "The filter '{name}' needs at least one value (Filter.{i}.Value.1)"
                )));
            }
            out.push(Filter { name, values });
        }
        Ok(out)
    }

    /// `TagSpecification.N.ResourceType` and `TagSpecification.N.Tag.M.Key`/`.Value`.
    pub fn tag_specifications(&mut self) -> Result<Vec<TagSpecification>> {
        self.tag_specifications_at("TagSpecification")
    }

    /// As [`Params::tag_specifications`], under another name: the actions
    /// whose model gives the member no `locationName` take
    /// `TagSpecifications.N` (CreateTransitGatewayVpcAttachment).
    pub fn tag_specifications_at(&mut self, prefix: &str) -> Result<Vec<TagSpecification>> {
        let mut out = Vec::new();
        for i in self.indices(prefix)? {
            let p = format!("{prefix}.{i}");
            let resource_type = self.take(&format!("{p}.ResourceType"));
            let mut tags = BTreeMap::new();
            for j in self.indices(&format!("{p}.Tag"))? {
                let key = self.required(&format!("{p}.Tag.{j}.Key"))?;
                let value = self.take(&format!("{p}.Tag.{j}.Value")).unwrap_or_default();
                tags.insert(key, value);
            }
            out.push(TagSpecification {
                resource_type,
                tags,
            });
        }
        Ok(out)
    }

    /// `UnknownParameter` for the first parameter no one read.
    pub fn finish(&self) -> Result<()> {
        match self.map.keys().find(|k| !self.used.contains(*k)) {
            None => Ok(()),
            Some(k) => Err(Error::validation(
                "UnknownParameter",
                format!("The parameter {k} is not recognized"),
            )),
        }
    }
}

/// Percent-decodes `s` (`+` stays `+`; bad escapes stay as they are).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex_val(b[i + 1]), hex_val(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Parses `a=1&b=2` as a form: `+` is a space, percent escapes decoded.
pub fn parse_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> Params {
        Params::from_pairs(parse_form(q))
    }

    #[test]
    fn lists_filters_and_tag_specifications_parse_in_index_order() {
        let mut p = params(
            "VpcId.2=vpc-b&VpcId.1=vpc-a&VpcId.10=vpc-j&Filter.1.Name=tag%3AName&Filter.1.Value.1=web+1\
             &Filter.1.Value.2=db&Filter.2.Name=cidr&Filter.2.Value.1=10.0.0.0%2F16\
             &TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name\
             &TagSpecification.1.Tag.1.Value=a%26b&TagSpecification.1.Tag.2.Key=empty",
        );
        assert_eq!(
            p.list("VpcId").ok(),
            Some(vec!["vpc-a".into(), "vpc-b".into(), "vpc-j".into()])
        );
        let f = p.filters().expect("filters");
        assert_eq!(f[0].name, "tag:Name");
        assert_eq!(f[0].values, vec!["web 1".to_string(), "db".to_string()]);
        assert_eq!(f[1].values, vec!["10.0.0.0/16".to_string()]);
        let t = p.tag_specifications().expect("tags");
        assert_eq!(t[0].resource_type.as_deref(), Some("vpc"));
        assert_eq!(t[0].tags.get("Name").map(String::as_str), Some("a&b"));
        assert_eq!(t[0].tags.get("empty").map(String::as_str), Some(""));
        assert!(p.finish().is_ok());
    }

    #[test]
    fn bad_input_names_the_parameter() {
        let mut p = params("VpcId.0=x");
        let e = p.list("VpcId").expect_err("refused");
        assert_eq!(e.code, "InvalidParameterValue");
        assert!(e.message.contains("VpcId.0"));
        let mut p = params("Filter.1.Value.1=x");
        let e = p.filters().expect_err("no name");
        assert_eq!(
            (e.code.as_ref(), e.message.as_str()),
            (
                "MissingParameter",
                "The request must contain the parameter Filter.1.Name"
            )
        );
        let mut p = params("DryRun=yes&MaxResults=3&Bogus=1");
        assert!(p.bool("DryRun").is_err());
        assert!(p.int("MaxResults", 5..=1000).is_err());
        let e = p.finish().expect_err("unknown");
        assert_eq!(
            (e.code.as_ref(), e.message.as_str()),
            ("UnknownParameter", "The parameter Bogus is not recognized")
        );
        assert_eq!(
            params("").required("CidrBlock").err().map(|e| e.code),
            Some("MissingParameter".into())
        );
    }

    #[test]
    fn percent_decoding_keeps_plus_and_bad_escapes() {
        assert_eq!(percent_decode("a%2Bb+c%zz%4"), "a+b+c%zz%4");
        assert_eq!(percent_decode("%E2%9C%93"), "✓");
    }
}
