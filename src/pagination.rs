//! `max_results` / `next_token` on every list: the token is an opaque,
//! URL-safe encoding of the keyset position, bound to the list it came from.

use crate::error::Error;
use crate::store::page::{Page, PageSpec};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub const DEFAULT_MAX_RESULTS: u32 = 100;
pub const MAX_MAX_RESULTS: u32 = 1000;

/// Validates `max_results` (1..=1000, default 100) and decodes `next_token`.
pub fn page_spec(
    list: &str,
    max_results: Option<u32>,
    next_token: Option<&str>,
) -> Result<PageSpec, Error> {
    let limit = match max_results {
        None => DEFAULT_MAX_RESULTS,
        Some(n) if (1..=MAX_MAX_RESULTS).contains(&n) => n,
        Some(n) => {
            return Err(Error::invalid_value(format!(
                "max_results: {n} is out of range; it must be between 1 and {MAX_MAX_RESULTS}"
            )));
        }
    };
    let after = match next_token {
        None | Some("") => None,
        Some(t) => Some(decode(list, t)?),
    };
    Ok(PageSpec { limit, after })
}

pub fn next_token<T>(list: &str, page: &Page<T>) -> Option<String> {
    page.next.as_ref().map(|(t, id)| encode(list, *t, id))
}

/// One page of a list, the way every list answers: validates `max_results`
/// and `next_token` (bound to `list`, the list's name), `fetch`es the rows
/// of that page from the store, `render`s them, and answers the items with
/// the token of the next page, if any. Each list says only what is its own:
/// its name, its filter (moved into `fetch`), its store call and its renderer.
pub async fn list<R, T, E, F, FFut, G, GFut>(
    list: &str,
    max_results: Option<u32>,
    next_token: Option<&str>,
    fetch: F,
    render: G,
) -> Result<(Vec<T>, Option<String>), Error>
where
    F: FnOnce(PageSpec) -> FFut,
    FFut: Future<Output = Result<Page<R>, E>>,
    Error: From<E>,
    G: FnOnce(Vec<R>) -> GFut,
    GFut: Future<Output = Result<Vec<T>, Error>>,
{
    let spec = page_spec(list, max_results, next_token)?;
    let page = fetch(spec).await?;
    let next = self::next_token(list, &page);
    Ok((render(page.items).await?, next))
}

/// A renderer for [`list`] that makes each item from its row alone.
pub fn each<R, T>(
    mut item: impl FnMut(R) -> T,
) -> impl FnOnce(Vec<R>) -> std::future::Ready<Result<Vec<T>, Error>> {
    move |rows| std::future::ready(Ok(rows.into_iter().map(&mut item).collect()))
}

fn encode(list: &str, t: i64, id: &str) -> String {
    let json = serde_json::json!([list, t, id]).to_string();
    URL_SAFE_NO_PAD.encode(json)
}

fn decode(list: &str, token: &str) -> Result<(i64, String), Error> {
    let bad = || {
        Error::validation(
            "InvalidNextToken",
            "next_token is not a token this list issued",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let (l, t, id): (String, i64, String) = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    // A forged token may carry anything; what a list issued never holds a
    // control character (and Postgres cannot compare against U+0000).
    if l != list || linkplane_core::text::forbidden_char(&id, false).is_some() {
        return Err(bad());
    }
    Ok((t, id))
}

/// Parses repeated `tag=Key=Value` (or `tag=Key`) filters.
pub fn tag_filters(raw: &[String]) -> Result<Vec<crate::store::tags::TagFilter>, Error> {
    raw.iter()
        .map(|t| {
            let (key, value) = match t.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (t.as_str(), None),
            };
            if key.is_empty() {
                return Err(Error::invalid_value(format!(
                    "tag: '{t}' must be Key=Value or Key"
                )));
            }
            Ok(crate::store::tags::TagFilter {
                keys: vec![key.to_string()],
                values: value.into(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_are_bound_to_their_list() {
        let page = Page {
            items: vec![1],
            next: Some((42, "acct".to_string())),
        };
        let token = next_token("accounts", &page).unwrap_or_default();
        let spec = page_spec("accounts", Some(5), Some(&token)).ok();
        assert_eq!(
            spec,
            Some(PageSpec {
                limit: 5,
                after: Some((42, "acct".to_string()))
            })
        );
        let wrong = page_spec("principals", None, Some(&token));
        assert_eq!(
            wrong.err().map(|e| e.code.to_string()).as_deref(),
            Some("InvalidNextToken")
        );
        assert!(page_spec("accounts", None, Some("garbage!")).is_err());
        assert!(page_spec("accounts", Some(0), None).is_err());
        assert!(page_spec("accounts", Some(1001), None).is_err());
        assert_eq!(
            page_spec("accounts", None, None).map(|s| s.limit).ok(),
            Some(100)
        );
    }
}
