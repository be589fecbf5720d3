//! The query of a list, declared with [`list_query!`]: a list's own filters
//! as it writes them, then the parameters every list takes, written here
//! once with their docs and attributes: `tag` (for a list `with tags`),
//! `max_results` and `next_token`.
//!
//! Why a macro: serde's `flatten` would let a shared struct hold the common
//! parameters, but it does not combine with `deny_unknown_fields` (an
//! unknown parameter must still be refused) and reads query values through
//! a buffer that loses their types (`max_results=5` no longer parses as a
//! number). The macro writes one plain struct per list, as a hand-written
//! one would be, so [`super::ApiQuery`] reads it as strictly as ever.

/// Declares a list's query struct (deriving `Deserialize` and `IntoParams`,
/// unknown parameters refused): the fields given, then `tag` when the list
/// is declared `with tags`, then `max_results` and `next_token`.
///
/// With `=> ListXxx`, the struct also gets `into_list()`, which builds the
/// service's `ListXxx` request: each field given into the field of the same
/// name, the tag filters parsed into `tags` (400 for a malformed one), the
/// page parameters as they are.
///
/// ```ignore
/// list_query! {
///     pub struct ListVpcsQuery => ListVpcs with tags {
///         /// Only this region.
///         pub region: Option<String>,
///     }
/// }
/// ```
macro_rules! list_query {
    (
        $(#[$meta:meta])*
        pub struct $name:ident => $list:ident with tags {
            $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)*
        }
    ) => {
        $crate::api::extract::list_query!(@struct $(#[$meta])* $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// `Key=Value` (or `Key` for any value); repeat for several.
            #[serde(default)]
            #[param(value_type = Vec<$crate::schema::TagFilter>)]
            pub tag: Vec<String>,
        });
        impl $name {
            /// The service's list request: the filters, the tag filters
            /// parsed, the page.
            pub fn into_list(self) -> Result<$list, $crate::error::Error> {
                Ok($list {
                    $($field: self.$field.into(),)*
                    tags: $crate::pagination::tag_filters(&self.tag)?,
                    max_results: self.max_results,
                    next_token: self.next_token,
                })
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident => $list:ident {
            $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)*
        }
    ) => {
        $crate::api::extract::list_query!(@struct $(#[$meta])* $name {
            $($(#[$fmeta])* pub $field: $ty,)*
        });
        impl $name {
            /// The service's list request: the filters and the page.
            pub fn into_list(self) -> $list {
                $list {
                    $($field: self.$field.into(),)*
                    max_results: self.max_results,
                    next_token: self.next_token,
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($fields:tt)*
        }
    ) => {
        $crate::api::extract::list_query!(@struct $(#[$meta])* $name { $($fields)* });
    };
    (@struct $(#[$meta:meta])* $name:ident { $($fields:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
        #[into_params(parameter_in = Query)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($fields)*
            /// 1..1000, default 100.
            #[param(minimum = 1, maximum = 1000)]
            #[serde(default, deserialize_with = "crate::api::extract::query_value")]
            pub max_results: Option<u32>,
            pub next_token: Option<String>,
        }
    };
}

pub(crate) use list_query;

#[cfg(test)]
mod tests {
    use crate::store::tags::TagFilter;

    #[derive(Debug)]
    pub struct ListThings {
        region: Option<String>,
        tags: Vec<TagFilter>,
        max_results: Option<u32>,
        next_token: Option<String>,
    }

    list_query! {
        pub struct ListThingsQuery => ListThings with tags {
            /// Only this region.
            pub region: Option<String>,
        }
    }

    fn parse(query: &str) -> Result<ListThingsQuery, String> {
        serde_html_form::from_str(query).map_err(|e| e.to_string())
    }

    #[test]
    fn the_common_parameters_are_appended_and_typed() {
        let q = parse("region=r&tag=Owner=me&tag=Team&max_results=5&next_token=t").expect("ok");
        let list = q.into_list().expect("tags");
        assert_eq!(list.region.as_deref(), Some("r"));
        assert_eq!(list.tags.len(), 2);
        assert_eq!(list.max_results, Some(5));
        assert_eq!(list.next_token.as_deref(), Some("t"));
        assert!(parse("max_results=five").is_err());
        assert!(parse("max_results=").is_err());
    }

    #[test]
    fn unknown_parameters_are_refused() {
        let e = parse("region=r&bogus=1").expect_err("unknown");
        assert!(e.contains("unknown field `bogus`"), "{e}");
        assert!(
            e.contains("`region`, `tag`, `max_results`, `next_token`"),
            "{e}"
        );
    }

    #[test]
    fn a_malformed_tag_filter_is_refused() {
        let q = parse("tag==v").expect("parses");
        assert!(q.into_list().is_err());
    }
}
