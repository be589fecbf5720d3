//! A small SQL builder for queries whose shape depends on the request
//! (optional filters, keyset pagination). It only ever concatenates static
//! fragments and numbered `$N` placeholders, which both SQLite and Postgres
//! accept, so the text stays injection-free by construction.

use super::StoreError;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::error::BoxDynError;
use sqlx::{
    Any, AnyConnection, AnyPool, Arguments, AssertSqlSafe, Encode, Executor, FromRow, Type,
};

/// The most ids one `IN (...)` list binds ([`rows_in`] runs one query per
/// this many): well under the bind limits of SQLite (32766) and Postgres
/// (65535), and short statements for the planner.
pub const IN_CHUNK: usize = 500;

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    Int(i64),
    Bool(bool),
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

/// Placeholders of values a [`SqlBuilder`] has bound (`$3, $4`): nothing
/// but placeholders, so a query may name them again.
#[derive(Debug, Clone)]
pub struct BoundList(String);

#[derive(Debug, Default, Clone)]
pub struct SqlBuilder {
    sql: String,
    args: Vec<Value>,
}

impl SqlBuilder {
    pub fn new(fragment: &'static str) -> Self {
        SqlBuilder {
            sql: fragment.to_string(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, fragment: &'static str) -> &mut Self {
        self.sql.push_str(fragment);
        self
    }

    pub fn push_bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.args.push(value.into());
        self.sql.push('$');
        self.sql.push_str(&self.args.len().to_string());
        self
    }

    /// Appends `column IN ($n, ...)`, one placeholder per value (`column =
    /// $n` for one; `1 = 0`, which nothing matches, for none, as `IN ()` is
    /// a syntax error on Postgres). Callers with long lists go through
    /// [`rows_in`].
    pub fn push_in<V: Into<Value> + Clone>(
        &mut self,
        column: &'static str,
        values: &[V],
    ) -> &mut Self {
        if values.is_empty() {
            return self.push("1 = 0");
        }
        if let [one] = values {
            return self.push(column).push(" = ").push_bind(one.clone());
        }
        self.push(column).push(" IN (");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(v.clone());
        }
        self.push(")")
    }

    /// Binds `values` once, for [`Self::push_in_bound`] to name as often as
    /// the query needs them. SQLite finds a parameter's name by walking
    /// the statement's list of names, and sqlx asks it for every parameter
    /// it binds, so binding costs grow with the square of the parameters:
    /// a list named four times is better bound once.
    pub fn bind_list<V: Into<Value> + Clone>(&mut self, values: &[V]) -> BoundList {
        let mut names = String::new();
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                names.push_str(", ");
            }
            self.args.push(v.clone().into());
            names.push('$');
            names.push_str(&self.args.len().to_string());
        }
        BoundList(names)
    }

    /// Appends `column IN (...)` over a list [`Self::bind_list`] bound (`1 =
    /// 0` for an empty one, as [`Self::push_in`] does).
    pub fn push_in_bound(&mut self, column: &'static str, list: &BoundList) -> &mut Self {
        if list.0.is_empty() {
            return self.push("1 = 0");
        }
        self.sql.push_str(column);
        self.sql.push_str(" IN (");
        self.sql.push_str(&list.0);
        self.sql.push(')');
        self
    }

    /// The same query and arguments behind `prefix` (`EXPLAIN ...`).
    pub fn prefixed(&self, prefix: &str) -> SqlBuilder {
        SqlBuilder {
            sql: format!("{prefix}{}", self.sql),
            args: self.args.clone(),
        }
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// Runs the statement on `exec`: the rows it changed.
    pub async fn execute<'e, E>(&self, exec: E) -> Result<u64, StoreError>
    where
        E: Executor<'e, Database = Any>,
    {
        let mut q = sqlx::query::<Any>(AssertSqlSafe(self.sql.clone()));
        for v in &self.args {
            q = match v {
                Value::Text(s) => q.bind(s.clone()),
                Value::Int(i) => q.bind(*i),
                Value::Bool(b) => q.bind(*b),
            };
        }
        Ok(q.execute(exec).await?.rows_affected())
    }

    /// The query, ready to run, decoding rows as `T`.
    pub fn build_query_as<T>(&self) -> sqlx::query::QueryAs<'static, Any, T, AnyArguments>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        let mut q = sqlx::query_as::<Any, T>(AssertSqlSafe(self.sql.clone()));
        for v in &self.args {
            q = match v {
                Value::Text(s) => q.bind(s.clone()),
                Value::Int(i) => q.bind(*i),
                Value::Bool(b) => q.bind(*b),
            };
        }
        q
    }
}

impl SqlBuilder {
    /// `head` (ending in `column = `) with `value` bound and ` AND ` after
    /// it: the head of a [`rows_in`] query with one condition of its own.
    pub fn where_eq(head: &'static str, value: impl Into<Value>) -> Self {
        let mut b = SqlBuilder::new(head);
        b.push_bind(value).push(" AND ");
        b
    }
}

impl From<&'static str> for SqlBuilder {
    fn from(fragment: &'static str) -> Self {
        SqlBuilder::new(fragment)
    }
}

/// The values of a statement's placeholders, in order: a tuple (`(a,)`,
/// `(a, b)`, ...) of anything `.bind()` takes (`&str`, `&String`,
/// `Option<&str>`, `&Option<String>`, `i64`, `bool`). `()` binds nothing.
pub trait Args {
    /// The arguments; a value that cannot be encoded fails as `bind` would.
    fn into_args(self) -> Result<AnyArguments, BoxDynError>;
}

/// `Args` for the tuples of 0 to 20 values.
macro_rules! tuple_args {
    ($($v:ident),*) => {
        impl<'t, $($v),*> Args for ($($v,)*)
        where
            $($v: Encode<'t, Any> + Type<Any>,)*
        {
            #[allow(non_snake_case)]
            fn into_args(self) -> Result<AnyArguments, BoxDynError> {
                let ($($v,)*) = self;
                #[allow(unused_mut)]
                let mut args = AnyArguments::default();
                $(args.add($v)?;)*
                Ok(args)
            }
        }
    };
}

tuple_args!();
tuple_args!(A);
tuple_args!(A, B);
tuple_args!(A, B, C);
tuple_args!(A, B, C, D);
tuple_args!(A, B, C, D, E);
tuple_args!(A, B, C, D, E, F);
tuple_args!(A, B, C, D, E, F, G);
tuple_args!(A, B, C, D, E, F, G, H);
tuple_args!(A, B, C, D, E, F, G, H, I);
tuple_args!(A, B, C, D, E, F, G, H, I, J);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K, L);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K, L, M);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K, L, M, N);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T);

/// Runs a statement (`$1`, `$2`, ... bound to `args` in order) on `exec`
/// (a transaction's connection, `&mut **tx`, or the pool); answers how many
/// rows it touched.
pub async fn exec<'e, E>(exec: E, sql: &'static str, args: impl Args) -> Result<u64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let q = sqlx::query_with(sql, args.into_args().map_err(sqlx::Error::Encode)?);
    Ok(q.execute(exec).await?.rows_affected())
}

/// `head` (`INSERT INTO t (a, b) VALUES `) with one `($n, ...)` per row:
/// one statement for all the rows, none for no rows. Rows stay few (a
/// resource's tags or groups), far below either database's bind limit.
pub async fn insert_all<'e, E, const N: usize>(
    exec: E,
    head: &'static str,
    rows: impl IntoIterator<Item = [Value; N]>,
) -> Result<u64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut b = SqlBuilder::new(head);
    let mut any = false;
    for row in rows {
        b.push(if any { ", (" } else { "(" });
        for (i, v) in row.into_iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            b.push_bind(v);
        }
        b.push(")");
        any = true;
    }
    if !any {
        return Ok(0);
    }
    b.execute(exec).await
}

/// `sql` with `args` bound, decoding rows as `T`.
fn query_as<T>(
    sql: &'static str,
    args: impl Args,
) -> Result<sqlx::query::QueryAs<'static, Any, T, AnyArguments>, StoreError>
where
    T: for<'r> FromRow<'r, AnyRow>,
{
    let args = args.into_args().map_err(sqlx::Error::Encode)?;
    Ok(sqlx::query_as_with(sql, args))
}

/// The one row `sql` answers, as `T` (a row type or a tuple like `(i64,)`);
/// no row is [`StoreError::NotFound`].
pub async fn fetch_one<'e, T, E>(
    exec: E,
    sql: &'static str,
    args: impl Args,
) -> Result<T, StoreError>
where
    E: Executor<'e, Database = Any>,
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    Ok(query_as(sql, args)?.fetch_one(exec).await?)
}

/// The first row `sql` answers, if any, as `T`.
pub async fn fetch_optional<'e, T, E>(
    exec: E,
    sql: &'static str,
    args: impl Args,
) -> Result<Option<T>, StoreError>
where
    E: Executor<'e, Database = Any>,
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    Ok(query_as(sql, args)?.fetch_optional(exec).await?)
}

/// Every row `sql` answers, as `T`.
pub async fn fetch_all<'e, T, E>(
    exec: E,
    sql: &'static str,
    args: impl Args,
) -> Result<Vec<T>, StoreError>
where
    E: Executor<'e, Database = Any>,
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    Ok(query_as(sql, args)?.fetch_all(exec).await?)
}

/// The row `id` of one account: `SELECT <cols><from_where>id AND
/// account_id = account_id`, with `from_where` like ` FROM vpcs WHERE
/// vpc_id = ` (a row of another account reads as absent).
pub async fn fetch_owned<'e, T, E>(
    exec: E,
    cols: &'static str,
    from_where: &'static str,
    id: &str,
    account_id: &str,
) -> Result<Option<T>, StoreError>
where
    E: Executor<'e, Database = Any>,
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let mut b = SqlBuilder::new("SELECT ");
    b.push(cols)
        .push(from_where)
        .push_bind(id)
        .push(" AND account_id = ")
        .push_bind(account_id);
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

/// Where [`rows_in`] runs its queries: the pool, or one connection (a
/// transaction's). A plain enum rather than a generic `sqlx::Acquire`, whose
/// futures are not `Send` for every lifetime (sqlx#1015), as the server's handlers need.
pub enum Reader<'a> {
    Pool(&'a AnyPool),
    Conn(&'a mut AnyConnection),
}

impl<'a> From<&'a AnyPool> for Reader<'a> {
    fn from(pool: &'a AnyPool) -> Self {
        Reader::Pool(pool)
    }
}

impl<'a> From<&'a mut AnyConnection> for Reader<'a> {
    fn from(conn: &'a mut AnyConnection) -> Self {
        Reader::Conn(conn)
    }
}

/// Rows whose `column` is among `ids`: `head` is the query up to where that
/// condition goes (`SELECT a, b FROM t WHERE `, or with conditions of its
/// own, `... WHERE state = $1 AND `), `tail` what follows it (`ORDER BY
/// ...`, or empty). Runs one query per [`IN_CHUNK`] ids on `exec` and
/// concatenates the rows, so `tail`'s order holds within each chunk: rows of
/// one id come in that order. No ids, no query.
pub async fn rows_in<'a, T>(
    exec: impl Into<Reader<'a>>,
    head: impl Into<SqlBuilder>,
    column: &'static str,
    ids: &[&str],
    tail: &'static str,
) -> Result<Vec<T>, StoreError>
where
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let head = head.into();
    let mut exec = exec.into();
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let mut b = head.clone();
        b.push_in(column, chunk).push(tail);
        let q = b.build_query_as::<T>();
        out.extend(match &mut exec {
            Reader::Pool(pool) => q.fetch_all(*pool).await?,
            Reader::Conn(conn) => q.fetch_all(&mut **conn).await?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut b = SqlBuilder::new("SELECT 1 FROM t WHERE a = ");
        b.push_bind("x")
            .push(" AND b = ")
            .push_bind(2i64)
            .push(" AND c = ")
            .push_bind(true);
        assert_eq!(
            b.sql(),
            "SELECT 1 FROM t WHERE a = $1 AND b = $2 AND c = $3"
        );
    }

    #[test]
    fn an_empty_in_list_matches_nothing_and_one_value_is_an_equality() {
        let mut b = SqlBuilder::new("SELECT a FROM t WHERE ");
        b.push_in::<&str>("id", &[])
            .push(" OR ")
            .push_in("id", &["p"]);
        assert_eq!(b.sql(), "SELECT a FROM t WHERE 1 = 0 OR id = $1");
    }

    #[test]
    fn in_lists_number_on_from_the_head() {
        let mut b = SqlBuilder::new("SELECT a FROM t WHERE s = ");
        b.push_bind("x").push(" AND ");
        b.push_in("id", &["p", "q"]).push(" ORDER BY a");
        assert_eq!(
            b.sql(),
            "SELECT a FROM t WHERE s = $1 AND id IN ($2, $3) ORDER BY a"
        );
    }

    #[test]
    fn a_bound_list_is_bound_once_and_named_again() {
        let mut b = SqlBuilder::new("SELECT a FROM t WHERE s = ");
        b.push_bind("x").push(" AND ");
        let ids = b.bind_list(&["p", "q"]);
        b.push_in_bound("id", &ids).push(" OR ");
        b.push_in_bound("other", &ids).push(" OR ");
        let none = b.bind_list::<&str>(&[]);
        b.push_in_bound("id", &none);
        assert_eq!(
            b.sql(),
            "SELECT a FROM t WHERE s = $1 AND id IN ($2, $3) OR other IN ($2, $3) OR 1 = 0"
        );
        assert_eq!(b.args.len(), 3);
    }
}
